//! Tests of the `aws_iam_policy_document` rendering. Those named `provider_*` port the expected outputs of the
//! provider's acceptance tests (terraform-provider-aws, `internal/service/iam/policy_document_data_source_test.go`),
//! with `${data.aws_partition.current.partition}` resolved to a partition.

use super::*;
use serde_json::json;

fn run(block: Value) -> Rendered {
    match block {
        Value::Object(m) => render(&m),
        _ => panic!("the test block is not an object"),
    }
}

fn text(r: &Rendered) -> String {
    serde_json::to_string(&r.policy).unwrap_or_default()
}

/// The origin of `pointer` in the rendered policy.
fn origin<'a>(r: &'a Rendered, pointer: &str) -> Option<&'a str> {
    r.origins
        .iter()
        .find(|(p, _)| p == pointer)
        .map(|(_, o)| o.as_str())
}

/// Every object member and array element of `v` at `p`, as JSON Pointers.
fn pointers(p: String, v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(o) => {
            for (k, x) in o {
                let q = pointer_push(&p, k);
                out.push(q.clone());
                pointers(q, x, out);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                let q = pointer_push(&p, &i.to_string());
                out.push(q.clone());
                pointers(q, x, out);
            }
        }
        _ => {}
    }
}

/// Every pointer of the policy has exactly one origin, and no origin names a pointer the policy lacks.
fn assert_origins_complete(r: &Rendered) {
    let mut want = Vec::new();
    pointers(String::new(), &r.policy, &mut want);
    let mut got: Vec<String> = r.origins.iter().map(|(p, _)| p.clone()).collect();
    want.sort();
    got.sort();
    assert_eq!(got, want, "origins of {}", text(r));
}

/// The value at the input pointer `origin` exists in `block` (or `origin` is the root).
fn assert_origins_resolve(block: &Value, r: &Rendered) {
    for (p, o) in &r.origins {
        assert!(
            block.pointer(o).is_some(),
            "origin `{o}` of `{p}` is not in the block"
        );
    }
}

// --- CircleCI OIDC trust policies ---

fn circleci_trust() -> Value {
    json!({
        "statement": [{
            "actions": ["sts:AssumeRoleWithWebIdentity"],
            "effect": "Allow",
            "principals": [{
                "type": "Federated",
                "identifiers": ["arn:aws:iam::123456789012:oidc-provider/oidc.circleci.com/org/ORG"]
            }],
            "condition": [
                {
                    "test": "StringEquals",
                    "variable": "oidc.circleci.com/org/ORG:aud",
                    "values": ["ORG"]
                },
                {
                    "test": "StringLike",
                    "variable": "oidc.circleci.com/org/ORG:sub",
                    "values": ["org/ORG/project/PROJ/user/*"]
                }
            ]
        }]
    })
}

#[test]
fn circleci_trust_policy() {
    let block = circleci_trust();
    let r = run(block.clone());
    assert_eq!(
        text(&r),
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRoleWithWebIdentity","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/oidc.circleci.com/org/ORG"},"Condition":{"StringEquals":{"oidc.circleci.com/org/ORG:aud":"ORG"},"StringLike":{"oidc.circleci.com/org/ORG:sub":"org/ORG/project/PROJ/user/*"}}}]}"#
    );
    assert!(r.notes.is_empty(), "{:?}", r.notes);
    assert_origins_complete(&r);
    assert_origins_resolve(&block, &r);
}

#[test]
fn circleci_trust_policy_origins() {
    let r = run(circleci_trust());
    let expected: Vec<(String, String)> = [
        ("/Version", ""),
        ("/Statement", "/statement"),
        ("/Statement/0", "/statement/0"),
        ("/Statement/0/Effect", "/statement/0/effect"),
        ("/Statement/0/Action", "/statement/0/actions/0"),
        ("/Statement/0/Principal", "/statement/0/principals"),
        (
            "/Statement/0/Principal/Federated",
            "/statement/0/principals/0/identifiers/0",
        ),
        ("/Statement/0/Condition", "/statement/0/condition"),
        (
            "/Statement/0/Condition/StringEquals",
            "/statement/0/condition/0/test",
        ),
        (
            "/Statement/0/Condition/StringEquals/oidc.circleci.com~1org~1ORG:aud",
            "/statement/0/condition/0/values/0",
        ),
        (
            "/Statement/0/Condition/StringLike",
            "/statement/0/condition/1/test",
        ),
        (
            "/Statement/0/Condition/StringLike/oidc.circleci.com~1org~1ORG:sub",
            "/statement/0/condition/1/values/0",
        ),
    ]
    .iter()
    .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
    .collect();
    assert_eq!(r.origins, expected);
}

#[test]
fn circleci_unknown_values_pass_through() {
    let block = json!({
        "statement": [{
            "actions": ["sts:AssumeRoleWithWebIdentity"],
            "principals": [{
                "type": "Federated",
                "identifiers": ["arn:aws:iam::${data.aws_caller_identity.current.account_id}:oidc-provider/oidc.circleci.com/org/${var.org_id}"]
            }],
            "condition": [
                {"test": "StringEquals", "variable": "oidc.circleci.com/org/${var.org_id}:aud", "values": ["${var.org_id}"]},
                {"test": "StringLike", "variable": "oidc.circleci.com/org/${var.org_id}:sub", "values": "${var.subjects}"}
            ]
        }]
    });
    let r = run(block.clone());
    assert_eq!(
        text(&r),
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRoleWithWebIdentity","Principal":{"Federated":"arn:aws:iam::${data.aws_caller_identity.current.account_id}:oidc-provider/oidc.circleci.com/org/${var.org_id}"},"Condition":{"StringEquals":{"oidc.circleci.com/org/${var.org_id}:aud":"${var.org_id}"},"StringLike":{"oidc.circleci.com/org/${var.org_id}:sub":"${var.subjects}"}}}]}"#
    );
    assert!(r.notes.is_empty(), "{:?}", r.notes);
    // The whole unknown list's origin is the argument itself.
    assert_eq!(
        origin(
            &r,
            "/Statement/0/Condition/StringLike/oidc.circleci.com~1org~1${var.org_id}:sub"
        ),
        Some("/statement/0/condition/1/values")
    );
    // The default effect comes from the statement block.
    assert_eq!(origin(&r, "/Statement/0/Effect"), Some("/statement/0"));
    assert_origins_complete(&r);
    assert_origins_resolve(&block, &r);
}

#[test]
fn circleci_several_subjects_render_as_a_list_in_order() {
    let r = run(json!({
        "statement": {
            "actions": "${var.actions}",
            "principals": {"type": "Federated", "identifiers": ["arn:aws:iam::1:oidc-provider/oidc.circleci.com/org/O"]},
            "condition": {
                "test": "StringLike",
                "variable": "oidc.circleci.com/org/O:sub",
                "values": ["org/O/project/B/user/*", "org/O/project/A/user/*"]
            }
        }
    }));
    assert_eq!(
        text(&r),
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"${var.actions}","Principal":{"Federated":"arn:aws:iam::1:oidc-provider/oidc.circleci.com/org/O"},"Condition":{"StringLike":{"oidc.circleci.com/org/O:sub":["org/O/project/B/user/*","org/O/project/A/user/*"]}}}]}"#
    );
    // Single objects where arrays are expected: pointers without an index.
    assert_eq!(origin(&r, "/Statement/0"), Some("/statement"));
    assert_eq!(
        origin(&r, "/Statement/0/Action"),
        Some("/statement/actions")
    );
    assert_eq!(
        origin(
            &r,
            "/Statement/0/Condition/StringLike/oidc.circleci.com~1org~1O:sub"
        ),
        Some("/statement/condition/values")
    );
    assert_eq!(
        origin(
            &r,
            "/Statement/0/Condition/StringLike/oidc.circleci.com~1org~1O:sub/1"
        ),
        Some("/statement/condition/values/1")
    );
    assert!(r.notes.is_empty(), "{:?}", r.notes);
}

#[test]
fn circleci_conditions_with_the_same_key_are_merged_not_and_ed() {
    // Two blocks meant as "project A AND user context" become one list: IAM ORs them.
    let block = json!({
        "statement": [{
            "actions": ["sts:AssumeRoleWithWebIdentity"],
            "principals": [{"type": "Federated", "identifiers": ["arn:aws:iam::1:oidc-provider/oidc.circleci.com/org/O"]}],
            "condition": [
                {"test": "StringLike", "variable": "oidc.circleci.com/org/O:sub", "values": ["org/O/project/A/*"]},
                {"test": "StringLike", "variable": "oidc.circleci.com/org/O:sub", "values": ["org/O/project/*/user/U"]},
                {"test": "StringEquals", "variable": "oidc.circleci.com/org/O:aud", "values": ["O"]}
            ]
        }]
    });
    let r = run(block.clone());
    // The SDK's set order of the two blocks: the CRC-32 of `test:StringLike;values:(org/O/project/*/user/U;);…` is
    // 3246685430, of `…(org/O/project/A/*;);…` 3807847785, so the second block comes first.
    assert_eq!(
        text(&r),
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRoleWithWebIdentity","Principal":{"Federated":"arn:aws:iam::1:oidc-provider/oidc.circleci.com/org/O"},"Condition":{"StringEquals":{"oidc.circleci.com/org/O:aud":"O"},"StringLike":{"oidc.circleci.com/org/O:sub":["org/O/project/*/user/U","org/O/project/A/*"]}}}]}"#
    );
    let key = "/Statement/0/Condition/StringLike/oidc.circleci.com~1org~1O:sub";
    assert_eq!(origin(&r, key), Some("/statement/0/condition/1/values"));
    assert_eq!(
        origin(&r, &[key, "/0"].concat()),
        Some("/statement/0/condition/1/values/0")
    );
    assert_eq!(
        origin(&r, &[key, "/1"].concat()),
        Some("/statement/0/condition/0/values/0")
    );
    assert_eq!(
        origin(&r, "/Statement/0/Condition/StringLike"),
        Some("/statement/0/condition/1/test")
    );
    assert_origins_complete(&r);
    assert_origins_resolve(&block, &r);
}

// --- the provider's acceptance tests ---

/// `testAccPolicyDocumentDataSourceConfig_basic` / `testAccPolicyDocumentExpectedJSONMinified`.
#[test]
fn provider_basic() {
    let block = json!({
        "policy_id": "policy_id",
        "statement": [
            {"sid": "1", "actions": ["s3:ListAllMyBuckets", "s3:GetBucketLocation"], "resources": ["arn:aws:s3:::*"]},
            {
                "actions": ["s3:ListBucket"],
                "resources": ["arn:aws:s3:::foo"],
                "condition": [{"test": "StringLike", "variable": "s3:prefix", "values": ["home/", "", "home/&{aws:username}/"]}],
                "not_principals": [{"type": "AWS", "identifiers": ["arn:blahblah:example"]}]
            },
            {
                "actions": ["s3:*"],
                "resources": ["arn:aws:s3:::foo/home/&{aws:username}", "arn:aws:s3:::foo/home/&{aws:username}/*"],
                "principals": [{"type": "AWS", "identifiers": ["arn:blahblah:example"]}]
            },
            {"effect": "Deny", "not_actions": ["s3:*"], "not_resources": ["arn:aws:s3:::*"]},
            {"effect": "Allow", "actions": ["kinesis:*"], "principals": [{"type": "AWS", "identifiers": ["*"]}]},
            {"effect": "Allow", "actions": ["firehose:*"], "principals": [{"type": "*", "identifiers": ["*"]}]}
        ]
    });
    let r = run(block.clone());
    assert_eq!(
        text(&r),
        r#"{"Version":"2012-10-17","Id":"policy_id","Statement":[{"Sid":"1","Effect":"Allow","Action":["s3:ListAllMyBuckets","s3:GetBucketLocation"],"Resource":"arn:aws:s3:::*"},{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::foo","NotPrincipal":{"AWS":"arn:blahblah:example"},"Condition":{"StringLike":{"s3:prefix":["home/","","home/${aws:username}/"]}}},{"Effect":"Allow","Action":"s3:*","Resource":["arn:aws:s3:::foo/home/${aws:username}/*","arn:aws:s3:::foo/home/${aws:username}"],"Principal":{"AWS":"arn:blahblah:example"}},{"Effect":"Deny","NotAction":"s3:*","NotResource":"arn:aws:s3:::*"},{"Effect":"Allow","Action":"kinesis:*","Principal":{"AWS":"*"}},{"Effect":"Allow","Action":"firehose:*","Principal":"*"}]}"#
    );
    assert!(r.notes.is_empty(), "{:?}", r.notes);
    assert_eq!(origin(&r, "/Id"), Some("/policy_id"));
    assert_eq!(
        origin(&r, "/Statement/0/Action/0"),
        Some("/statement/0/actions/0")
    );
    assert_eq!(
        origin(&r, "/Statement/0/Action/1"),
        Some("/statement/0/actions/1")
    );
    assert_eq!(
        origin(&r, "/Statement/2/Resource/0"),
        Some("/statement/2/resources/1")
    );
    assert_eq!(
        origin(&r, "/Statement/5/Principal"),
        Some("/statement/5/principals/0/identifiers/0")
    );
    assert_origins_complete(&r);
    assert_origins_resolve(&block, &r);
}

/// `testAccPolicyDocumentDataSourceConfig_statementPrincipalIdentifiersMultiplePrincipals`: the merged identifiers
/// follow the SDK's set order of the blocks, which depends on the partition in the ARNs.
#[test]
fn provider_multiple_principals_in_set_order() {
    for (partition, order) in [
        ("aws", ["3", "4", "2", "1"]),
        ("aws-us-gov", ["3", "2", "1", "4"]),
    ] {
        let arn = |n: &str| ["arn:", partition, ":iam::", &n.repeat(12), ":root"].concat();
        let r = run(json!({
            "statement": [{
                "actions": ["*"],
                "resources": ["*"],
                "sid": "StatementPrincipalIdentifiersStringAndSlice",
                "principals": [
                    {"identifiers": [arn("1"), arn("2")], "type": "AWS"},
                    {"identifiers": [arn("3")], "type": "AWS"},
                    {"identifiers": [arn("4")], "type": "AWS"}
                ]
            }]
        }));
        let want: Vec<String> = order.iter().map(|n| arn(n)).collect();
        assert_eq!(
            r.policy.pointer("/Statement/0/Principal/AWS"),
            Some(&json!(want)),
            "{partition}"
        );
        assert_eq!(
            origin(&r, "/Statement/0/Principal/AWS"),
            Some("/statement/0/principals/1/identifiers")
        );
        assert_origins_complete(&r);
    }
}

/// `testAccPolicyDocumentDataSourceConfig_statementPrincipalIdentifiersStringAndSlice`.
#[test]
fn provider_principal_identifiers_string_and_slice() {
    let r = run(json!({
        "statement": [{
            "actions": ["*"],
            "resources": ["*"],
            "sid": "StatementPrincipalIdentifiersStringAndSlice",
            "principals": [
                {"identifiers": ["arn:aws:iam::111111111111:root"], "type": "AWS"},
                {"identifiers": ["arn:aws:iam::222222222222:root", "arn:aws:iam::333333333333:root"], "type": "AWS"}
            ]
        }]
    }));
    assert_eq!(
        text(&r),
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"StatementPrincipalIdentifiersStringAndSlice","Effect":"Allow","Action":"*","Resource":"*","Principal":{"AWS":["arn:aws:iam::111111111111:root","arn:aws:iam::333333333333:root","arn:aws:iam::222222222222:root"]}}]}"#
    );
    assert_eq!(
        origin(&r, "/Statement/0/Principal/AWS/0"),
        Some("/statement/0/principals/0/identifiers/0")
    );
    assert_eq!(
        origin(&r, "/Statement/0/Principal/AWS/1"),
        Some("/statement/0/principals/1/identifiers/1")
    );
}

/// `testAccPolicyDocumentDataSourceConfig_duplicateConditionKeys` and `_multipleConditionKeys` (the provider
/// compares those as equivalent JSON; Go writes map keys sorted).
#[test]
fn provider_condition_keys() {
    let principal = json!([{"type": "Service", "identifiers": ["cloudtrail.amazonaws.com"]}]);
    let r = run(json!({
        "statement": [{
            "sid": "DuplicateConditionTest",
            "effect": "Allow",
            "principals": principal,
            "actions": ["s3:PutObject"],
            "resources": ["*"],
            "condition": [
                {"test": "StringEquals", "variable": "s3:prefix", "values": ["one/", "two/"]},
                {"test": "StringEquals", "variable": "s3:prefix", "values": ["three/"]}
            ]
        }]
    }));
    assert_eq!(
        text(&r),
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"DuplicateConditionTest","Effect":"Allow","Action":"s3:PutObject","Resource":"*","Principal":{"Service":"cloudtrail.amazonaws.com"},"Condition":{"StringEquals":{"s3:prefix":["one/","two/","three/"]}}}]}"#
    );
    assert_eq!(
        origin(&r, "/Statement/0/Condition/StringEquals/s3:prefix"),
        Some("/statement/0/condition/0/values")
    );
    assert_eq!(
        origin(&r, "/Statement/0/Condition/StringEquals/s3:prefix/2"),
        Some("/statement/0/condition/1/values/0")
    );

    let r = run(json!({
        "statement": [{
            "sid": "AWSCloudTrailWrite20150319",
            "principals": principal,
            "actions": ["s3:PutObject"],
            "resources": ["*"],
            "condition": [
                {"test": "StringEquals", "variable": "s3:x-amz-acl", "values": ["bucket-owner-full-control"]},
                {"test": "StringEquals", "variable": "aws:SourceArn", "values": ["some-other-value"]}
            ]
        }]
    }));
    assert_eq!(
        r.policy.pointer("/Statement/0/Condition"),
        Some(
            &json!({"StringEquals": {"aws:SourceArn": "some-other-value", "s3:x-amz-acl": "bucket-owner-full-control"}})
        )
    );
    let keys: Vec<&String> = r
        .policy
        .pointer("/Statement/0/Condition/StringEquals")
        .and_then(Value::as_object)
        .map(|o| o.keys().collect())
        .unwrap_or_default();
    assert_eq!(keys, ["aws:SourceArn", "s3:x-amz-acl"]);
}

/// `testAccPolicyDocumentDataSourceConfig_deprecated`: a source document's statements come first, the block's are
/// appended; the source's `Id` is kept; its principal list is written in descending order.
#[test]
fn provider_source() {
    let source = r#"{"Version":"2012-10-17","Id":"policy_id","Statement":[{"Sid":"1","Effect":"Allow","Action":["s3:ListAllMyBuckets","s3:GetBucketLocation"],"Resource":"arn:aws:s3:::*"},{"Effect":"Allow","Action":"s3:*","Resource":["arn:aws:s3:::foo/home/${aws:username}/*","arn:aws:s3:::foo/home/${aws:username}"],"Principal":{"AWS":["arn:blahblahblah:example","arn:blahblah:example"]}},{"Effect":"Allow","Action":"firehose:*","Principal":"*"}]}"#;
    let block = json!({
        "source_policy_documents": [source.replace("${", "$${")],
        "statement": [{"sid": "SourceJSONTest1", "actions": ["*"], "resources": ["*"]}]
    });
    let r = run(block.clone());
    assert_eq!(
        text(&r),
        r#"{"Version":"2012-10-17","Id":"policy_id","Statement":[{"Sid":"1","Effect":"Allow","Action":["s3:ListAllMyBuckets","s3:GetBucketLocation"],"Resource":"arn:aws:s3:::*"},{"Effect":"Allow","Action":"s3:*","Resource":["arn:aws:s3:::foo/home/${aws:username}/*","arn:aws:s3:::foo/home/${aws:username}"],"Principal":{"AWS":["arn:blahblahblah:example","arn:blahblah:example"]}},{"Effect":"Allow","Action":"firehose:*","Principal":"*"},{"Sid":"SourceJSONTest1","Effect":"Allow","Action":"*","Resource":"*"}]}"#
    );
    assert!(r.notes.is_empty(), "{:?}", r.notes);
    assert_eq!(origin(&r, "/Id"), Some("/source_policy_documents/0"));
    assert_eq!(
        origin(&r, "/Statement/1/Principal/AWS/0"),
        Some("/source_policy_documents/0")
    );
    assert_eq!(
        origin(&r, "/Statement/3/Action"),
        Some("/statement/0/actions/0")
    );
    assert_origins_complete(&r);
    assert_origins_resolve(&block, &r);
}

fn doc(statements: Value) -> String {
    json!({"Version": "2012-10-17", "Statement": statements}).to_string()
}

/// `testAccPolicyDocumentDataSourceConfig_list`, `_listConflicting`.
#[test]
fn provider_source_list() {
    let a = doc(json!([
        {"Effect": "Allow", "Action": "foo:ActionOne"},
        {"Sid": "validSidOne", "Effect": "Allow", "Action": "bar:ActionOne"}
    ]));
    let b = doc(json!([{"Sid": "validSidTwo", "Effect": "Deny", "Action": "foo:ActionTwo"}]));
    let c = doc(json!([{"Effect": "Allow", "Action": "bar:ActionTwo"}]));
    let r = run(json!({"version": "2012-10-17", "source_policy_documents": [a, b, c]}));
    assert_eq!(
        text(&r),
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"foo:ActionOne"},{"Sid":"validSidOne","Effect":"Allow","Action":"bar:ActionOne"},{"Sid":"validSidTwo","Effect":"Deny","Action":"foo:ActionTwo"},{"Effect":"Allow","Action":"bar:ActionTwo"}]}"#
    );
    assert!(r.notes.is_empty(), "{:?}", r.notes);
    assert_eq!(origin(&r, "/Statement"), Some("/source_policy_documents/0"));
    assert_eq!(
        origin(&r, "/Statement/2"),
        Some("/source_policy_documents/1")
    );
    // Equal versions: the first document's stays (`Merge` adopts only a greater one).
    assert_eq!(origin(&r, "/Version"), Some("/source_policy_documents/0"));

    let a = doc(json!([{"Sid": "conflictSid", "Effect": "Allow", "Action": "bar:ActionOne"}]));
    let c = doc(json!([{"Sid": "conflictSid", "Effect": "Allow", "Action": "bar:ActionTwo"}]));
    let r = run(json!({"source_policy_documents": [a, c]}));
    assert_eq!(r.notes, ["the provider rejects `source_policy_documents`: sid `conflictSid` is in two statements"]);
    assert_eq!(
        text(&r),
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"conflictSid","Effect":"Allow","Action":"bar:ActionTwo"}]}"#
    );
}

/// `testAccPolicyDocumentDataSourceConfig_conflictingDeprecated`: the block's statement replaces the source's of
/// the same Sid.
#[test]
fn provider_source_conflicting() {
    let source = doc(
        json!([{"Sid": "SourceJSONTestConflicting", "Effect": "Allow", "Action": "iam:*", "Resource": "*"}]),
    );
    let r = run(json!({
        "source_policy_documents": [source],
        "statement": [{"sid": "SourceJSONTestConflicting", "actions": ["*"], "resources": ["*"]}]
    }));
    assert_eq!(
        text(&r),
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"SourceJSONTestConflicting","Effect":"Allow","Action":"*","Resource":"*"}]}"#
    );
    assert_eq!(origin(&r, "/Statement/0"), Some("/statement/0"));
    assert!(r.notes.is_empty(), "{:?}", r.notes);
}

/// `testAccPolicyDocumentDataSourceConfig_overrideDeprecated`, `_overrideList`.
#[test]
fn provider_override() {
    let over = doc(
        json!([{"Sid": "SidToOverwrite", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}]),
    );
    let r = run(json!({
        "override_policy_documents": [over],
        "statement": [
            {"actions": ["ec2:*"], "resources": ["*"]},
            {"sid": "SidToOverwrite", "actions": ["s3:*"], "resources": ["arn:aws:s3:::somebucket", "arn:aws:s3:::somebucket/*"]}
        ]
    }));
    assert_eq!(
        text(&r),
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"},{"Sid":"SidToOverwrite","Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#
    );
    assert_eq!(
        origin(&r, "/Statement/1/Resource"),
        Some("/override_policy_documents/0")
    );
    assert_eq!(origin(&r, "/Statement"), Some("/statement"));

    let a = doc(json!([
        {"Effect": "Allow", "Action": "foo:ActionOne"},
        {"Sid": "overrideSid", "Effect": "Allow", "Action": "bar:ActionOne"}
    ]));
    let b = doc(json!([{"Sid": "validSid", "Effect": "Deny", "Action": "foo:ActionTwo"}]));
    let c = doc(json!([{"Sid": "overrideSid", "Effect": "Deny", "Action": "bar:ActionOne"}]));
    let r = run(json!({"version": "2012-10-17", "override_policy_documents": [a, b, c]}));
    assert_eq!(
        text(&r),
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"foo:ActionOne"},{"Sid":"overrideSid","Effect":"Deny","Action":"bar:ActionOne"},{"Sid":"validSid","Effect":"Deny","Action":"foo:ActionTwo"}]}"#
    );
    assert!(r.notes.is_empty(), "{:?}", r.notes);
}

/// `testAccPolicyDocumentDataSourceConfig_noStatementMergeDeprecated`, `_noStatementOverrideDeprecated`.
#[test]
fn provider_no_statement_merge_and_override() {
    let over = doc(
        json!([{"Sid": "OverridePlaceholder", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]),
    );
    let source = doc(
        json!([{"Effect": "Allow", "Action": "ec2:DescribeAccountAttributes", "Resource": "*"}]),
    );
    let r = run(
        json!({"source_policy_documents": [source], "override_policy_documents": [over.clone()]}),
    );
    assert_eq!(
        text(&r),
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:DescribeAccountAttributes","Resource":"*"},{"Sid":"OverridePlaceholder","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#
    );
    let source = doc(
        json!([{"Sid": "OverridePlaceholder", "Effect": "Allow", "Action": "ec2:DescribeAccountAttributes", "Resource": "*"}]),
    );
    let r = run(json!({"source_policy_documents": [source], "override_policy_documents": [over]}));
    assert_eq!(
        text(&r),
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"OverridePlaceholder","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#
    );
}

/// `testAccPolicyDocumentDataSourceConfig_duplicateSid`, `_duplicateBlankSid`.
#[test]
fn provider_duplicate_sid() {
    let r = run(json!({"statement": [
        {"sid": "1", "effect": "Allow", "actions": ["ec2:DescribeAccountAttributes"], "resources": ["*"]},
        {"sid": "1", "effect": "Allow", "actions": ["s3:GetObject"], "resources": ["*"]}
    ]}));
    assert_eq!(
        r.notes,
        ["the provider rejects sid `1`, which two statements have"]
    );
    let r = run(json!({"statement": [
        {"sid": "", "effect": "Allow", "actions": ["ec2:DescribeAccountAttributes"], "resources": ["*"]},
        {"sid": "", "effect": "Allow", "actions": ["s3:GetObject"], "resources": ["*"]}
    ]}));
    assert_eq!(
        text(&r),
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:DescribeAccountAttributes","Resource":"*"},{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#
    );
    assert!(r.notes.is_empty(), "{:?}", r.notes);
}

/// `testAccPolicyDocumentDataSourceConfig_emptyString`, `_overridePolicyDocument_emptyString`, `_invalidJSON`.
#[test]
fn provider_empty_and_invalid_documents() {
    for key in ["source_policy_documents", "override_policy_documents"] {
        let r = run(json!({ key: [""] }));
        assert_eq!(text(&r), r#"{"Version":"2012-10-17"}"#);
        assert!(r.notes.is_empty(), "{:?}", r.notes);
        let r = run(json!({ key: ["{"] }));
        assert_eq!(text(&r), r#"{"Version":"2012-10-17"}"#);
        assert_eq!(
            r.notes,
            [[
                "the provider rejects an entry of `",
                key,
                "` that is not JSON: it is left out"
            ]
            .concat()]
        );
    }
}

/// `testAccPolicyDocumentConfig_conditionWithBoolValue`: a boolean condition value becomes a string, a
/// one-element list a string.
#[test]
fn provider_condition_with_bool_value() {
    let source = r#"{
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "RestrictAccessToSpecialTag",
            "Effect": "Deny",
            "Action": ["ec2:CreateTags", "ec2:DeleteTags"],
            "Resource": "arn:aws:ec2:*:*:vpc/*",
            "Condition": {
                "Null": {"aws:ResourceTag/SpecialTag": false},
                "StringLike": {"aws:ResourceAccount": ["123456"], "aws:PrincipalArn": "arn:aws:iam::*:role/AWSAFTExecution"}
            }
        }]
    }"#;
    let r = run(json!({ "source_policy_documents": [source] }));
    assert_eq!(
        text(&r),
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"RestrictAccessToSpecialTag","Effect":"Deny","Action":["ec2:CreateTags","ec2:DeleteTags"],"Resource":"arn:aws:ec2:*:*:vpc/*","Condition":{"Null":{"aws:ResourceTag/SpecialTag":"false"},"StringLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/AWSAFTExecution","aws:ResourceAccount":"123456"}}}]}"#
    );
    assert!(r.notes.is_empty(), "{:?}", r.notes);
}

/// `testAccPolicyDocumentDataSourceConfig_version20081017` and its `Conversion…` configurations.
#[test]
fn provider_version_2008() {
    let r = run(
        json!({"version": "2008-10-17", "statement": [{"actions": ["ec2:*"], "resources": ["*"]}]}),
    );
    assert_eq!(
        text(&r),
        r#"{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}"#
    );
    assert!(r.notes.is_empty(), "{:?}", r.notes);
    for st in [
        json!({"actions": ["*"], "resources": ["*"], "condition": [{"test": "StringLike", "values": ["home/", "home/&{aws:username}/"], "variable": "s3:prefix"}]}),
        json!({"actions": ["*"], "resources": ["*"], "not_principals": [{"identifiers": ["&{aws:username}"], "type": "AWS"}]}),
        json!({"actions": ["*"], "resources": ["*"], "principals": [{"identifiers": ["&{aws:username}"], "type": "AWS"}]}),
        json!({"actions": ["*"], "not_resources": ["arn:aws:s3:::foo/home/&{aws:username}"]}),
        json!({"actions": ["*"], "resources": ["arn:aws:s3:::foo/home/&{aws:username}"]}),
    ] {
        let r = run(json!({"version": "2008-10-17", "statement": [st]}));
        assert_eq!(r.notes.len(), 1, "{:?}", r.notes);
        assert!(
            r.notes
                .iter()
                .all(|n| n.contains("is not supported in version 2008-10-17")),
            "{:?}",
            r.notes
        );
    }
}

// --- sets, principals, conditions ---

#[test]
fn sets_are_deduplicated_and_sorted_descending() {
    let block = json!({"statement": [{
        "actions": ["s3:GetObject", "s3:PutObject", "s3:GetObject", "ec2:*", "s3:*"],
        "not_resources": ["b", "a", "c"],
        "resources": ["x", "x"]
    }]});
    let r = run(block.clone());
    assert_eq!(
        text(&r),
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:PutObject","s3:GetObject","s3:*","ec2:*"],"Resource":"x","NotResource":["c","b","a"]}]}"#
    );
    // The first of duplicates is the origin.
    assert_eq!(
        origin(&r, "/Statement/0/Action/1"),
        Some("/statement/0/actions/0")
    );
    assert_eq!(
        origin(&r, "/Statement/0/Resource"),
        Some("/statement/0/resources/0")
    );
    assert_eq!(
        origin(&r, "/Statement/0/Action"),
        Some("/statement/0/actions")
    );
    assert_origins_complete(&r);
    assert_origins_resolve(&block, &r);
}

#[test]
fn condition_values_keep_order_and_duplicates() {
    let r = run(
        json!({"statement": [{"condition": [{"test": "StringEquals", "variable": "k", "values": ["b", "a", "b"]}]}]}),
    );
    assert_eq!(
        r.policy.pointer("/Statement/0/Condition/StringEquals/k"),
        Some(&json!(["b", "a", "b"]))
    );
}

#[test]
fn conditions_sorted_by_test_and_variable() {
    let r = run(json!({"statement": [{"condition": [
        {"test": "StringLike", "variable": "z", "values": ["1"]},
        {"test": "ForAnyValue:StringEquals", "variable": "b", "values": ["2"]},
        {"test": "StringLike", "variable": "a", "values": ["3"]},
        {"test": "Bool", "variable": "aws:SecureTransport", "values": [false]}
    ]}]}));
    assert_eq!(
        serde_json::to_string(
            r.policy
                .pointer("/Statement/0/Condition")
                .unwrap_or(&Value::Null)
        )
        .unwrap_or_default(),
        r#"{"Bool":{"aws:SecureTransport":"false"},"ForAnyValue:StringEquals":{"b":"2"},"StringLike":{"a":"3","z":"1"}}"#
    );
    assert!(r.notes.is_empty(), "{:?}", r.notes);
}

#[test]
fn identical_blocks_count_once() {
    let p = json!({"type": "AWS", "identifiers": ["arn:aws:iam::1:root"]});
    let c = json!({"test": "StringEquals", "variable": "k", "values": ["v"]});
    let r = run(json!({"statement": [{"principals": [p, p], "condition": [c, c]}]}));
    assert_eq!(
        text(&r),
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::1:root"},"Condition":{"StringEquals":{"k":"v"}}}]}"#
    );
    // Also `*`: two identical blocks are one, so the principal is still `"*"`.
    let star = json!({"type": "*", "identifiers": ["*"]});
    let r = run(json!({"statement": [{"principals": [star, star]}]}));
    assert_eq!(
        r.policy.pointer("/Statement/0/Principal"),
        Some(&json!("*"))
    );
}

#[test]
fn principal_types_sorted_and_star_only_alone() {
    let r = run(json!({"statement": [{"principals": [
        {"type": "Service", "identifiers": ["ec2.amazonaws.com"]},
        {"type": "AWS", "identifiers": ["*"]},
        {"type": "Federated", "identifiers": ["b", "a"]}
    ]}]}));
    assert_eq!(
        serde_json::to_string(
            r.policy
                .pointer("/Statement/0/Principal")
                .unwrap_or(&Value::Null)
        )
        .unwrap_or_default(),
        r#"{"AWS":"*","Federated":["b","a"],"Service":"ec2.amazonaws.com"}"#
    );
    assert_eq!(
        origin(&r, "/Statement/0/Principal/Federated"),
        Some("/statement/0/principals/2/identifiers")
    );
    assert_eq!(
        origin(&r, "/Statement/0/Principal/Federated/0"),
        Some("/statement/0/principals/2/identifiers/0")
    );
    // `*` with another block is not normalised.
    let r = run(json!({"statement": [{"principals": [
        {"type": "*", "identifiers": ["*"]},
        {"type": "AWS", "identifiers": ["arn:aws:iam::1:root"]}
    ]}]}));
    assert_eq!(
        r.policy.pointer("/Statement/0/Principal"),
        Some(&json!({"*": "*", "AWS": "arn:aws:iam::1:root"}))
    );
    // A block without identifiers and one with a single identifier: a list, whichever comes first (Go's
    // `MarshalJSON` starts a list for the empty one, and appends the string to it, or the string is made a list).
    let r = run(json!({"statement": [{"principals": [
        {"type": "AWS", "identifiers": []},
        {"type": "AWS", "identifiers": ["x"]}
    ]}]}));
    assert_eq!(
        r.policy.pointer("/Statement/0/Principal"),
        Some(&json!({"AWS": ["x"]}))
    );
    // Nor `*` with two identifiers.
    let r = run(json!({"statement": [{"principals": [{"type": "*", "identifiers": ["*", "x"]}]}]}));
    assert_eq!(
        r.policy.pointer("/Statement/0/Principal"),
        Some(&json!({"*": ["x", "*"]}))
    );
}

#[test]
fn not_principals_render_like_principals() {
    let r = run(
        json!({"statement": [{"effect": "Deny", "not_principals": [{"type": "*", "identifiers": ["*"]}], "not_actions": ["iam:*"]}]}),
    );
    assert_eq!(
        text(&r),
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotAction":"iam:*","NotPrincipal":"*"}]}"#
    );
}

#[test]
fn policy_variables_only_in_resources_identifiers_and_values() {
    let r = run(json!({"statement": [{
        "sid": "A",
        "actions": ["s3:&{x}"],
        "not_resources": ["arn:aws:s3:::&{aws:username}"],
        "principals": [{"type": "AWS", "identifiers": ["&{aws:userid}"]}],
        "condition": [{"test": "StringEquals", "variable": "k&{x}", "values": ["&{aws:username}"]}]
    }]}));
    assert_eq!(
        text(&r),
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:&{x}","NotResource":"arn:aws:s3:::${aws:username}","Principal":{"AWS":"${aws:userid}"},"Condition":{"StringEquals":{"k&{x}":"${aws:username}"}}}]}"#
    );
    assert!(r.notes.is_empty(), "{:?}", r.notes);
}

#[test]
fn template_escapes_are_undone() {
    let r = run(
        json!({"statement": [{"resources": ["arn:aws:s3:::b/$${aws:username}/*"], "condition": [
            {"test": "StringLike", "variable": "s3:prefix", "values": ["home/$${aws:username}/", "%%{x}"]}
        ]}]}),
    );
    assert_eq!(
        text(&r),
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Resource":"arn:aws:s3:::b/${aws:username}/*","Condition":{"StringLike":{"s3:prefix":["home/${aws:username}/","%{x}"]}}}]}"#
    );
}

// --- documents merged ---

#[test]
fn unknown_documents_are_noted_and_the_rest_rendered() {
    let block = json!({
        "source_policy_documents": ["${data.aws_iam_policy_document.base.json}", {"Statement": [{"Effect": "Allow", "Action": ["b", "a"]}]}],
        "override_policy_documents": "${var.overrides}",
        "statement": [{"actions": ["sts:AssumeRoleWithWebIdentity"]}]
    });
    let r = run(block.clone());
    assert_eq!(
        text(&r),
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["b","a"]},{"Effect":"Allow","Action":"sts:AssumeRoleWithWebIdentity"}]}"#
    );
    assert_eq!(
        r.notes,
        [
            "the rendered document lacks the statements of `${data.aws_iam_policy_document.base.json}` because its value is not known",
            "the rendered document lacks the statements of `${var.overrides}` because its value is not known",
        ]
    );
    // An already parsed document: origins point into it.
    assert_eq!(
        origin(&r, "/Statement/0"),
        Some("/source_policy_documents/1/Statement/0")
    );
    assert_eq!(
        origin(&r, "/Statement/0/Action/1"),
        Some("/source_policy_documents/1/Statement/0/Action")
    );
    assert_origins_complete(&r);
    assert_origins_resolve(&block, &r);
}

#[test]
fn documents_are_read_as_go_reads_them() {
    // Field names regardless of case, other members ignored, `Statement` order kept; principal lists descending;
    // a string principal is `*`; `{"*": ["*"]}` is `*`; numbers in conditions dropped.
    let source = json!({
        "version": "2008-10-17",
        "id": "x",
        "statement": [
            {"sid": "A", "effect": "Allow", "action": ["z", "a"], "principal": {"Service": "s", "AWS": ["1", "3", "2"]}, "Extra": 1},
            {"Effect": "Allow", "Principal": "anything", "NotPrincipal": {"*": ["*"]}, "Condition": {"NumericLessThan": {"n": 5}, "StringEquals": {"k": ["v"]}}}
        ]
    })
    .to_string();
    let r = run(json!({"source_policy_documents": [source], "version": "2012-10-17"}));
    assert_eq!(
        text(&r),
        r#"{"Version":"2012-10-17","Id":"x","Statement":[{"Sid":"A","Effect":"Allow","Action":["z","a"],"Principal":{"AWS":["3","2","1"],"Service":"s"}},{"Effect":"Allow","Principal":"*","NotPrincipal":"*","Condition":{"StringEquals":{"k":"v"}}}]}"#
    );
    assert_eq!(r.notes, ["the provider drops the condition values of an entry of `source_policy_documents` that are numbers or null"]);
}

#[test]
fn documents_the_provider_rejects_are_left_out() {
    for bad in [
        json!({"Statement": {"Effect": "Allow"}}),
        json!({"Statement": [{"Principal": null}]}),
        json!({"Statement": [{"Condition": {"StringEquals": {"k": [1]}}}]}),
        json!({"Statement": [{"Principal": ["x"]}]}),
        json!({"Statement": [null]}),
        json!({"Version": 1}),
        json!([1]),
    ] {
        let r = run(
            json!({"source_policy_documents": [bad.to_string()], "statement": [{"actions": ["a"]}]}),
        );
        assert_eq!(
            text(&r),
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"a"}]}"#,
            "{bad}"
        );
        assert_eq!(
            r.notes,
            ["the provider rejects an entry of `source_policy_documents` that is not a policy it reads: it is left out"],
            "{bad}"
        );
    }
}

#[test]
fn greatest_version_and_last_id_win() {
    let source = json!({"Version": "2012-10-17", "Id": "source"}).to_string();
    let over = json!({"Id": "override"}).to_string();
    let r = run(
        json!({"version": "2008-10-17", "policy_id": "own", "source_policy_documents": [source], "override_policy_documents": [over]}),
    );
    assert_eq!(text(&r), r#"{"Version":"2012-10-17","Id":"override"}"#);
    assert_eq!(origin(&r, "/Version"), Some("/source_policy_documents/0"));
    assert_eq!(origin(&r, "/Id"), Some("/override_policy_documents/0"));
}

#[test]
fn deprecated_source_and_override_json_are_rejected() {
    let source = doc(json!([{"Effect": "Allow", "Action": "a"}]));
    let r =
        run(json!({"source_json": source, "override_json": "", "statement": [{"actions": ["b"]}]}));
    assert_eq!(
        text(&r),
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"b"}]}"#
    );
    assert_eq!(
        r.notes,
        ["the provider (v5 and later) rejects a non-empty `source_json` (use `source_policy_documents`): it is left out"]
    );
}

// --- malformed input ---

#[test]
fn empty_block() {
    let r = run(json!({}));
    assert_eq!(text(&r), r#"{"Version":"2012-10-17"}"#);
    assert_eq!(r.origins, [("/Version".to_owned(), String::new())]);
    assert!(r.notes.is_empty());
    let r = run(json!({"statement": []}));
    assert_eq!(text(&r), r#"{"Version":"2012-10-17"}"#);
    let r = run(json!({"statement": [{}]}));
    assert_eq!(
        text(&r),
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow"}]}"#
    );
}

#[test]
fn numbers_and_bools_become_strings() {
    let r = run(
        json!({"statement": [{"sid": 1, "actions": [1, true], "condition": [{"test": "NumericLessThan", "variable": "aws:MultiFactorAuthAge", "values": [3600]}]}]}),
    );
    assert_eq!(
        text(&r),
        r#"{"Version":"2012-10-17","Statement":[{"Sid":"1","Effect":"Allow","Action":["true","1"],"Condition":{"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}}]}"#
    );
    assert!(r.notes.is_empty(), "{:?}", r.notes);
}

#[test]
fn malformed_blocks_are_rendered_with_notes() {
    let block = json!({
        "statement": [
            {
                "sid": "has space",
                "effect": "allow",
                "actions": ["a", {"x": 1}, null, ["b"]],
                "resources": "arn:aws:s3:::b",
                "principals": [{"identifiers": ["x"]}, {"type": "AWS"}, 5],
                "condition": [{"test": "StringEquals", "variable": "k"}, {"values": ["v"]}],
                "action": ["typo"]
            },
            "not a block",
            {"effect": {"x": 1}, "condition": "${local.conditions}"}
        ],
        "version": "2020-01-01",
        "json": "{}"
    });
    let r = run(block.clone());
    assert_eq!(
        text(&r),
        r#"{"Version":"2020-01-01","Statement":[{"Sid":"has space","Effect":"allow","Action":"a","Resource":"arn:aws:s3:::b","Principal":{"":"x","AWS":[]},"Condition":{"":{"":"v"},"StringEquals":{"k":[]}}},{"Effect":"Allow"}]}"#
    );
    let mut notes = r.notes.clone();
    notes.sort();
    let mut want = vec![
        "terraform rejects the unknown argument `json`",
        "terraform rejects a `statement` block that is not a block",
        "the provider rejects `version = \"2020-01-01\"`: it takes `2012-10-17` or `2008-10-17`",
        "terraform rejects the unknown argument `action`",
        "the provider rejects sid `has space`: only letters and digits are allowed",
        "the provider rejects `effect = \"allow\"`: it takes `Allow` or `Deny`",
        "terraform rejects an element of `actions` that is not a string",
        "terraform rejects an element of `actions` that is not a string",
        "terraform rejects an element of `actions` that is not a string",
        "terraform rejects `resources = \"arn:aws:s3:::b\"`, which is not a list",
        "terraform rejects a `principals` block that is not a block",
        "a `principals` block has no `type`",
        "the `principals` block of type `AWS` has no `identifiers`",
        "the `condition` on `k` has no `values`",
        "a `condition` block has no `test`",
        "a `condition` block has no `variable`",
        "terraform rejects `effect`, which is not a string",
        "the rendered document lacks the `condition` blocks of `${local.conditions}` because their value is not known",
    ];
    want.sort_unstable();
    assert_eq!(notes, want);
    assert_origins_complete(&r);
    assert_origins_resolve(&block, &r);
    // The statement whose effect is not a string gets the default.
    assert_eq!(origin(&r, "/Statement/1/Effect"), Some("/statement/2"));
}

#[test]
fn dynamic_blocks_are_noted() {
    let r = run(json!({
        "dynamic": {"statement": {"for_each": "${var.x}", "content": {"actions": ["a"]}}},
        "statement": [{"dynamic": {"condition": {}}, "actions": ["b"]}]
    }));
    assert_eq!(
        text(&r),
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"b"}]}"#
    );
    assert_eq!(
        r.notes,
        ["the rendered document lacks the blocks that `dynamic` generates"; 2]
    );
}

#[test]
fn odd_top_level_values_do_not_panic() {
    for v in [
        json!(null),
        json!(1),
        json!("x"),
        json!([]),
        json!({}),
        json!([[]]),
        json!([null, 1, true, "", "[]", "null"]),
    ] {
        for key in [
            "statement",
            "source_policy_documents",
            "override_policy_documents",
            "version",
            "policy_id",
            "source_json",
        ] {
            let r = run(json!({ key: v.clone() }));
            assert!(r.policy.is_object());
            assert_origins_complete(&r);
        }
    }
    for v in [
        json!(null),
        json!(1),
        json!("x"),
        json!([]),
        json!({}),
        json!([[]]),
        json!([null, {}, 1]),
    ] {
        for key in [
            "principals",
            "condition",
            "actions",
            "sid",
            "effect",
            "not_principals",
        ] {
            let r = run(json!({"statement": [{ key: v.clone() }]}));
            assert!(r.policy.is_object());
            assert_origins_complete(&r);
        }
        for key in ["identifiers", "type"] {
            let r = run(json!({"statement": [{"principals": [{ key: v.clone() }]}]}));
            assert_origins_complete(&r);
        }
        for key in ["test", "variable", "values"] {
            let r = run(json!({"statement": [{"condition": [{ key: v.clone() }]}]}));
            assert_origins_complete(&r);
        }
    }
}

#[test]
fn set_key_is_the_sdk_hashcode() {
    // CRC-32 (IEEE) check value, the empty string, and a key Python's `zlib.crc32` gives.
    assert_eq!(set_key("123456789"), "3421780262");
    assert_eq!(set_key(""), "0");
    assert_eq!(
        set_key(
            "test:StringLike;values:(org/O/project/A/*;);variable:oidc.circleci.com/org/O:sub;"
        ),
        "3807847785"
    );
}
