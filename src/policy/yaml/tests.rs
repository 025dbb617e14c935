//! Tests of the YAML reader: what gcloud and CloudFormation write, every scalar form, errors and hostile input.

use super::*;
use serde_json::json;

fn read(text: &str) -> Value {
    parse(text).unwrap_or_else(|e| panic!("{e:?}")).value
}

fn err(text: &str) -> (String, usize, usize) {
    let e = parse(text).unwrap_err();
    (e.message, e.location.line, e.location.column)
}

#[test]
fn reads_gcloud_describe_output() {
    let text = "\
attributeCondition: assertion['oidc.circleci.com/project-id'] == 'c4e9' && assertion.sub.startsWith('org/')
attributeMapping:
  attribute.project: assertion['oidc.circleci.com/project-id']
  google.subject: assertion.sub
displayName: CircleCI
name: projects/123/locations/global/workloadIdentityPools/circleci/providers/circleci
oidc:
  allowedAudiences:
  - 8f2c1a4e-3b6d-4f0a-9c1e-5d7b2a9e4c10
  issuerUri: https://oidc.circleci.com/org/8f2c1a4e-3b6d-4f0a-9c1e-5d7b2a9e4c10
state: ACTIVE
";
    let p = parse(text).unwrap();
    assert_eq!(
        p.value,
        json!({
            "attributeCondition": "assertion['oidc.circleci.com/project-id'] == 'c4e9' && assertion.sub.startsWith('org/')",
            "attributeMapping": {"attribute.project": "assertion['oidc.circleci.com/project-id']", "google.subject": "assertion.sub"},
            "displayName": "CircleCI",
            "name": "projects/123/locations/global/workloadIdentityPools/circleci/providers/circleci",
            "oidc": {"allowedAudiences": ["8f2c1a4e-3b6d-4f0a-9c1e-5d7b2a9e4c10"], "issuerUri": "https://oidc.circleci.com/org/8f2c1a4e-3b6d-4f0a-9c1e-5d7b2a9e4c10"},
            "state": "ACTIVE"
        })
    );
    assert_eq!(
        p.locate("/oidc/issuerUri").unwrap(),
        Location {
            line: 10,
            column: 3
        }
    );
    assert_eq!(
        p.locate("/oidc/allowedAudiences/0").unwrap(),
        Location { line: 9, column: 3 }
    );
    assert_eq!(
        p.locate("/attributeMapping/google.subject").unwrap(),
        Location { line: 4, column: 3 }
    );
    assert!(looks_like_yaml(text));
}

#[test]
fn reads_a_cloudformation_template_with_short_form_tags() {
    let text = r#"
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  OrgId:
    Type: String
    Default: 8f2c1a4e-3b6d-4f0a-9c1e-5d7b2a9e4c10 # the CircleCI org
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: 2012-10-17
        Statement:
          - Effect: Allow
            Principal:
              Federated: !GetAtt Provider.Arn
            Action: ["sts:AssumeRoleWithWebIdentity"]
            Condition:
              StringEquals:
                'oidc.circleci.com/org/x:aud': !Ref OrgId
              StringLike:
                "oidc.circleci.com/org/x:sub": !Sub "org/${OrgId}/project/*"
              Null: {"oidc.circleci.com/org/x:sub": false}
"#;
    let v = read(text);
    let st = &v["Resources"]["Role"]["Properties"]["AssumeRolePolicyDocument"];
    assert_eq!(st["Version"], "2012-10-17");
    assert_eq!(
        v["Parameters"]["OrgId"]["Default"],
        "8f2c1a4e-3b6d-4f0a-9c1e-5d7b2a9e4c10"
    );
    assert_eq!(
        st["Statement"][0],
        json!({
            "Effect": "Allow",
            "Principal": {"Federated": {"Fn::GetAtt": "Provider.Arn"}},
            "Action": ["sts:AssumeRoleWithWebIdentity"],
            "Condition": {
                "StringEquals": {"oidc.circleci.com/org/x:aud": {"Ref": "OrgId"}},
                "StringLike": {"oidc.circleci.com/org/x:sub": {"Fn::Sub": "org/${OrgId}/project/*"}},
                "Null": {"oidc.circleci.com/org/x:sub": false}
            }
        })
    );
}

#[test]
fn scalars_quotes_blocks_and_sequences() {
    let text = "\
a: 'it''s'
b: \"tab\\there \\u00e9 \\\"q\\\"\"
c: 42
d: 0123
e: 1.5
f: ~
g: |
  line one
    indented

  line three
h: >-
  folded
  text

  para
i:
  - - x
    - y
  - k: v
    k2: [1, {a: b}]
  -
    nested: true
j: a plain scalar
  continued here
k: \"a quoted
  string\"
";
    assert_eq!(
        read(text),
        json!({
            "a": "it's",
            "b": "tab\there é \"q\"",
            "c": 42,
            "d": "0123",
            "e": 1.5,
            "f": null,
            "g": "line one\n  indented\n\nline three\n",
            "h": "folded text\npara",
            "i": [["x", "y"], {"k": "v", "k2": [1, {"a": "b"}]}, {"nested": true}],
            "j": "a plain scalar continued here",
            "k": "a quoted string"
        })
    );
    assert_eq!(read("- a\n- b\n"), json!(["a", "b"]));
    assert_eq!(read("---\nk: v\n"), json!({"k": "v"}));
    assert_eq!(read(""), Value::Null);
}

#[test]
fn unsupported_or_broken_yaml_says_where() {
    assert_eq!(
        err("a: 1\n  b: 2\n"),
        (
            "unexpected indentation: this line is deeper than the lines before it".to_string(),
            2,
            3
        )
    );
    assert_eq!(
        err("a: &x 1\nb: *x\n").0,
        "anchors and aliases are not supported"
    );
    assert_eq!(
        err("a:\n\t- b\n"),
        (
            "a tab in the indentation: YAML indents with spaces".to_string(),
            2,
            1
        )
    );
    assert_eq!(
        err("---\na: 1\n--- b\n"),
        ("content on the `---` line".to_string(), 3, 4)
    );
    assert_eq!(err("a: \"open\n").0, "this quoted string is never closed");
    assert_eq!(err("a: [1, 2\n").0, "`]` is missing");
    assert_eq!(
        err("a: 1\nnot a key\n"),
        (
            "expected `key: value` here, like the lines above".to_string(),
            2,
            1
        )
    );
}

#[test]
fn what_is_not_yaml_is_not_taken_for_it() {
    for text in [
        "{\"Statement\": []}",
        "resource \"aws_iam_role\" \"r\" {",
        "Key    Value\n---    -----\nbound_audiences    [x]",
        "",
        "# only a comment",
        "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln",
        "https://oidc.circleci.com/org/x",
    ] {
        assert!(!looks_like_yaml(text), "{text}");
    }
    assert!(looks_like_yaml("# a template\n---\nResources:\n"));
    assert!(looks_like_yaml("- issuer: x\n"));
}

#[test]
fn hostile_input_ends_with_an_error_or_a_value() {
    let deep: String = (0..1_000)
        .map(|i| format!("{}k:\n", " ".repeat(i)))
        .collect();
    assert!(err(&deep).0.starts_with("nested more than"));
    // Unclosed quotes and brackets over many lines are scanned once (these took minutes when rescanned per line).
    for open in ["a: \"", "a: '", "a: [", "a: {"] {
        let text = format!("{open}{}", "x\\\" ''\n".repeat(100_000));
        let start = std::time::Instant::now();
        assert!(parse(&text).is_err());
        assert!(
            start.elapsed() < std::time::Duration::from_secs(5),
            "{open}"
        );
    }
    let colons = format!("{}\n", ":x".repeat(200_000));
    let start = std::time::Instant::now();
    let _ = parse(&colons);
    assert!(start.elapsed() < std::time::Duration::from_secs(5));
    let flow = format!("a: {}{}", "[".repeat(10_000), "]".repeat(10_000));
    assert!(err(&flow).0.starts_with("nested more than"));
    for text in [
        "-",
        "- -",
        ":",
        "a:",
        "'",
        "\"\\",
        "a: !",
        "a: |",
        "a: >+\n\n",
        "? x",
        "a: [\"\\",
        "{",
        "a: \"\\u12\"",
    ] {
        let _ = parse(text);
    }
}

#[test]
fn a_repeated_key_is_read_and_located_as_its_last_occurrence() {
    let p = parse("a:\n  b: 1\nc: 2\na:\n  d: 3\n").unwrap();
    assert_eq!(p.value, json!({"a": {"d": 3}, "c": 2}));
    assert_eq!(p.locate("/a"), Some(Location { line: 4, column: 1 }));
    assert_eq!(p.locate("/a/d"), Some(Location { line: 5, column: 3 }));
}

#[test]
fn several_documents_are_a_list() {
    // `gcloud iam workload-identity-pools providers list` without --format=json.
    let p = parse("---\nname: a\nstate: ACTIVE\n---\nname: b\n...\n---\n# empty\n---\nname: c\n")
        .unwrap();
    assert_eq!(
        p.value,
        json!([{"name": "a", "state": "ACTIVE"}, {"name": "b"}, {"name": "c"}])
    );
    assert_eq!(p.locate("/1/name"), Some(Location { line: 5, column: 1 }));
    assert_eq!(
        p.locate("/2/name"),
        Some(Location {
            line: 10,
            column: 1
        })
    );
    // Each document is located at its first line.
    assert_eq!(p.locate("/1"), Some(Location { line: 5, column: 1 }));
    // One document, with or without its `---`, is the document itself.
    assert_eq!(read("---\nname: a\n"), json!({"name": "a"}));
    let one = parse("# a provider\n---\n  name: a\n").unwrap();
    assert_eq!(one.locate(""), Some(Location { line: 3, column: 3 }));
}

#[test]
fn short_form_tags_inside_flow_collections() {
    let text = "\
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  Both: !And [!Condition IsProd, !Not [!Equals [!Ref Branch, 'main']]]
  Map: {Arn: !GetAtt Provider.Arn, plain: x}
";
    assert_eq!(
        read(text),
        json!({"Conditions": {
            "IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
            "Both": {"Fn::And": [{"Condition": "IsProd"}, {"Fn::Not": [{"Fn::Equals": [{"Ref": "Branch"}, "main"]}]}]},
            "Map": {"Arn": {"Fn::GetAtt": "Provider.Arn"}, "plain": "x"}
        }})
    );
}
