use serde_json::{json, Value};

use super::{read, syntax};
use crate::report::Location;

fn value(text: &str) -> Value {
    read(text).expect("parses").expect("holds a resource").value
}

/// The value of `x` in `resource "t" "n" { x = <expression> }`, with `extra` before the block.
fn eval(extra: &str, expression: &str) -> Value {
    let text = format!("{extra}\nresource \"t\" \"n\" {{\n  x = {expression}\n}}\n");
    value(&text)["resource"]["t"]["n"]["x"].clone()
}

#[test]
fn literals_templates_and_escapes() {
    assert_eq!(eval("", "\"a\\tb\\\"c\\u00e9\""), json!("a\tb\"cé"));
    assert_eq!(eval("", "42"), json!(42));
    assert_eq!(eval("", "1.5"), json!(1.5));
    assert_eq!(eval("", "true"), json!(true));
    assert_eq!(eval("", "null"), Value::Null);
    // `$${` and `%%{` are literal.
    assert_eq!(
        eval("", "\"$${aws:username} %%{x}\""),
        json!("${aws:username} %{x}")
    );
    assert_eq!(eval("", "[1, \"two\", [3],]"), json!([1, "two", [3]]));
    assert_eq!(
        eval("", "{\n a = 1\n \"b.c\" : 2, d = { e = [] }\n}"),
        json!({"a": 1, "b.c": 2, "d": {"e": []}})
    );
}

#[test]
fn heredocs_keep_their_text_and_indented_ones_lose_the_indentation() {
    let text = "resource \"t\" \"n\" {\n  x = <<EOF\n{\n  \"a\": 1\n}\nEOF\n  y = <<-EOT\n    one\n      two\n    EOT\n}\n";
    let v = value(text);
    assert_eq!(v["resource"]["t"]["n"]["x"], json!("{\n  \"a\": 1\n}\n"));
    assert_eq!(v["resource"]["t"]["n"]["y"], json!("one\n  two\n"));
}

#[test]
fn variables_take_a_tfvars_line_then_their_default_and_say_so() {
    let text = "variable \"org\" {\n  default = \"o1\"\n}\nvariable \"other\" {}\nresource \"t\" \"n\" {\n  x = \"org/${var.org}/project/*\"\n  y = var.other\n}\n";
    let r = read(text).unwrap().unwrap();
    assert_eq!(
        r.value["resource"]["t"]["n"]["x"],
        json!("org/o1/project/*")
    );
    // No value: the expression as written, a template the platforms treat as not known.
    assert_eq!(r.value["resource"]["t"]["n"]["y"], json!("${var.other}"));
    assert_eq!(r.defaults, vec!["`var.org` = `\"o1\"`".to_string()]);
    let r = read(&format!("{text}org = \"o2\"\n")).unwrap().unwrap();
    assert_eq!(
        r.value["resource"]["t"]["n"]["x"],
        json!("org/o2/project/*")
    );
    assert!(r.defaults.is_empty());
}

#[test]
fn locals_functions_and_operators() {
    let locals = "locals {\n  org = \"o1\"\n  projects = [\"p1\", \"p2\"]\n  provider = \"oidc.circleci.com/org/${local.org}\"\n  n = 2\n}";
    assert_eq!(
        eval(locals, "\"${local.provider}:sub\""),
        json!("oidc.circleci.com/org/o1:sub")
    );
    assert_eq!(
        eval(
            locals,
            "[for p in local.projects : \"org/${local.org}/project/${p}/*\"]"
        ),
        json!(["org/o1/project/p1/*", "org/o1/project/p2/*"])
    );
    assert_eq!(
        eval(
            locals,
            "{ for i, p in local.projects : p => i if p != \"p1\" }"
        ),
        json!({"p2": 1})
    );
    assert_eq!(
        eval(locals, "format(\"%s/%d%%\", local.org, local.n)"),
        json!("o1/2%")
    );
    assert_eq!(
        eval(locals, "join(\",\", concat(local.projects, [\"p3\"]))"),
        json!("p1,p2,p3")
    );
    assert_eq!(
        eval(locals, "local.n * 3 + 1 == 7 ? \"yes\" : \"no\""),
        json!("yes")
    );
    assert_eq!(eval(locals, "local.projects[1]"), json!("p2"));
    assert_eq!(
        eval(locals, "upper(trimprefix(\"https://x\", \"https://\"))"),
        json!("X")
    );
    assert_eq!(
        eval(locals, "toset([\"a\", \"a\", \"b\"])"),
        json!(["a", "b"])
    );
    assert_eq!(
        eval(locals, "merge({a = 1}, {b = 2})"),
        json!({"a": 1, "b": 2})
    );
    assert_eq!(
        eval(locals, "jsondecode(\"{\\\"a\\\": [1]}\").a"),
        json!([1])
    );
    assert_eq!(eval(locals, "lookup({a = 1}, \"b\", 0)"), json!(0));
    assert_eq!(eval(locals, "!(1 > 2) && true"), json!(true));
    // `jsonencode` keeps the value, so a policy reads as the document it encodes.
    assert_eq!(
        eval(locals, "jsonencode({ Version = \"2012-10-17\" })"),
        json!({"Version": "2012-10-17"})
    );
}

#[test]
fn what_is_not_known_before_apply_stays_the_expression_written() {
    assert_eq!(
        eval("", "aws_iam_role.other.arn"),
        json!("${aws_iam_role.other.arn}")
    );
    assert_eq!(
        eval(
            "",
            "\"arn:aws:iam::${data.aws_caller_identity.current.account_id}:root\""
        ),
        json!("arn:aws:iam::${data.aws_caller_identity.current.account_id}:root")
    );
    assert_eq!(eval("", "lower(var.x)"), json!("${lower(var.x)}"));
    assert_eq!(
        eval("", "regex(\"a\", \"b\")"),
        json!("${regex(\"a\", \"b\")}")
    );
    assert_eq!(
        eval("", "[for p in var.ps :\n  p]"),
        json!("${[for p in var.ps : p]}")
    );
    // A local named like the variable it copies is no cycle.
    assert_eq!(
        eval(
            "variable \"org_id\" {\n  default = \"o1\"\n}\nlocals {\n  org_id = var.org_id\n}",
            "local.org_id"
        ),
        json!("o1")
    );
    // A cycle is not followed.
    assert_eq!(
        eval("locals {\n  a = local.b\n  b = local.a\n}", "local.a"),
        json!("${local.a}")
    );
    // An argument of another resource in the text is known; an OIDC provider's ARN is built from its URL.
    let provider = "resource \"aws_iam_openid_connect_provider\" \"c\" {\n  url = \"https://oidc.circleci.com/org/o1\"\n}";
    assert_eq!(
        eval(provider, "aws_iam_openid_connect_provider.c.url"),
        json!("https://oidc.circleci.com/org/o1")
    );
    assert_eq!(
        eval(provider, "aws_iam_openid_connect_provider.c.arn"),
        json!("arn:aws:iam::${account_id}:oidc-provider/oidc.circleci.com/org/o1")
    );
}

#[test]
fn nested_and_dynamic_blocks_are_lists_of_objects() {
    let text = "resource \"t\" \"n\" {\n  oidc {\n    issuer_uri = \"i\"\n  }\n  dynamic \"rule\" {\n    for_each = [\"a\", \"b\"]\n    content {\n      v = rule.value\n    }\n  }\n  dynamic \"other\" {\n    for_each = var.unknown\n    content {\n      v = 1\n    }\n  }\n}\n";
    let r = read(text).unwrap().unwrap();
    let n = &r.value["resource"]["t"]["n"];
    assert_eq!(n["oidc"], json!([{"issuer_uri": "i"}]));
    assert_eq!(n["rule"], json!([{"v": "a"}, {"v": "b"}]));
    assert!(n.get("other").is_none());
    assert_eq!(r.notes.len(), 1);
    assert!(r.notes[0].contains("`dynamic \"other\"`"), "{:?}", r.notes);
}

#[test]
fn every_member_is_located_where_it_was_written() {
    let text = "# a role\nresource \"aws_iam_role\" \"ci\" {\n  assume_role_policy = jsonencode({\n    Statement = [{\n      Effect = \"Allow\"\n    }]\n  })\n}\n";
    let r = read(text).unwrap().unwrap();
    let at = |p: &str| r.spans.iter().find(|(q, _)| q == p).map(|(_, at)| *at);
    assert_eq!(
        at("/resource/aws_iam_role/ci"),
        Some(Location { line: 2, column: 1 })
    );
    assert_eq!(
        at("/resource/aws_iam_role/ci/assume_role_policy"),
        Some(Location { line: 3, column: 3 })
    );
    assert_eq!(
        at("/resource/aws_iam_role/ci/assume_role_policy/Statement/0/Effect"),
        Some(Location { line: 5, column: 7 })
    );
}

#[test]
fn bare_arguments_and_a_document_alone_are_read_as_what_they_belong_to() {
    let v = value("assume_role_policy = jsonencode({ Version = \"2012-10-17\" })\n");
    assert_eq!(
        v["resource"]["aws_iam_role"]["pasted"]["assume_role_policy"]["Version"],
        json!("2012-10-17")
    );
    let v = value("attribute_condition = \"assertion.aud == 'x'\"\n");
    assert!(v["resource"]["google_iam_workload_identity_pool_provider"]["pasted"].is_object());
    // Nothing to read: `None`, for the caller's refusal.
    assert_eq!(read("module \"m\" {\n  source = \"./m\"\n}\n"), Ok(None));
    assert_eq!(
        read("provider \"aws\" {\n  region = \"us-east-1\"\n}\n"),
        Ok(None)
    );
}

#[test]
fn syntax_errors_say_what_and_where() {
    for (text, message, line, column) in [
        (
            "resource \"t\" \"n\" {\n  x = \n}\n",
            "expected a value, found a new line",
            2,
            7,
        ),
        (
            "x = [\n  1,\n  ]]\n",
            "expected a new line after the value, found `]`",
            3,
            4,
        ),
        (
            "resource \"t\" \"n\" {\n  x = \"open\n}\n",
            "this string has no closing `\"` on its line",
            2,
            7,
        ),
        (
            "resource \"t\" \"n\" {\n  x = 1\n",
            "expected `}` to close the block, found the end of the text",
            3,
            1,
        ),
        (
            "resource \"t\" \"n\" {\n  x = [1 2]\n}\n",
            "expected `,` or `]` in the list, found `2`",
            2,
            10,
        ),
        (
            "resource \"t\" \"n\" {\n  x = <<EOF\nabc\n}\n",
            "this heredoc has no closing `EOF` line",
            2,
            7,
        ),
        (
            "resource \"t\" \"n\" {\n  x = \"a\" \"b\"\n}\n",
            "expected a new line after the value, found `\"`",
            2,
            11,
        ),
    ] {
        let e = read(text).expect_err(text);
        assert!(e.message.starts_with(message), "{text}: {}", e.message);
        assert_eq!(e.location, Location { line, column }, "{text}");
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let deep = format!(
        "resource \"t\" \"n\" {{\n  x = {}1{}\n}}\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let e = read(&deep).expect_err("too deep");
    assert!(
        e.message.contains("nested more than 64 levels deep"),
        "{}",
        e.message
    );
    let deep = format!("x = {}1\n", "-".repeat(10_000));
    assert!(syntax::parse(&deep).is_err());
    let deep = format!("x = \"{}\"\n", "${\"".repeat(5_000));
    assert!(syntax::parse(&deep).is_err());
}

#[test]
fn values_that_double_at_each_level_stop_at_the_budget() {
    let mut locals = String::from("locals {\n  l0 = [\"x\", \"x\"]\n");
    for i in 1..40 {
        locals.push_str(&format!("  l{i} = [local.l{}, local.l{}]\n", i - 1, i - 1));
    }
    locals.push_str("}\n");
    let r = read(&format!(
        "{locals}resource \"t\" \"n\" {{\n  x = local.l39\n}}\n"
    ))
    .unwrap()
    .unwrap();
    assert!(
        r.notes
            .iter()
            .any(|n| n.contains("more than 200000 values")),
        "{:?}",
        r.notes
    );
}

mod evaluated {
    use serde_json::{json, Map, Value};

    use crate::policy::{evaluate, PolicyKind};
    use crate::report::{Location, Outcome, Severity, Verdict};

    const ORG: &str = "5a2f37a3-88e8-4c2d-9d3e-0f8a7b1c2d3e";
    const NOW: i64 = 1_764_000_000;

    fn claims() -> Map<String, Value> {
        let v = json!({
            "iss": format!("https://oidc.circleci.com/org/{ORG}"),
            "sub": format!("org/{ORG}/project/p1/user/u1/vcs-origin/github.com/acme/app/vcs-ref/refs/heads/main"),
            "aud": ORG,
            "iat": NOW - 60,
            "exp": NOW + 3540,
            "oidc.circleci.com/project-id": "p1",
        });
        v.as_object().cloned().unwrap_or_default()
    }

    fn role(condition: &str, extra: &str) -> String {
        format!(
            "{extra}\nresource \"aws_iam_role\" \"ci\" {{\n  assume_role_policy = jsonencode({{\n    Version = \"2012-10-17\"\n    Statement = [{{\n      Effect    = \"Allow\"\n      Principal = {{ Federated = \"arn:aws:iam::${{data.aws_caller_identity.current.account_id}}:oidc-provider/oidc.circleci.com/org/{ORG}\" }}\n      Action    = \"sts:AssumeRoleWithWebIdentity\"\n      Condition = {{\n{condition}\n      }}\n    }}]\n  }})\n}}\n"
        )
    }

    #[test]
    fn a_role_is_evaluated_and_its_findings_point_into_the_hcl() {
        let text = role(
            &format!(
                "        StringLike = {{ \"oidc.circleci.com/org/{ORG}:sub\" = \"org/{ORG}/*\" }}"
            ),
            "# deploy role",
        );
        let e = evaluate(&text, Some(&claims()), NOW);
        assert_eq!(e.verdict, Some(Verdict::Allow), "{:?}", e.findings);
        assert_eq!(e.info.kind, Some(PolicyKind::Aws));
        assert_eq!(
            e.info.detected.as_deref(),
            Some("Terraform (`assume_role_policy`, an object), read from Terraform HCL")
        );
        let wildcard = e
            .findings
            .iter()
            .find(|f| f.code == "sub-wildcard-project")
            .expect("found");
        // Line 10: the condition's key, at its opening quote, as written in the HCL.
        assert_eq!(
            wildcard.location,
            Some(Location {
                line: 10,
                column: 24
            })
        );
        let read = e
            .findings
            .iter()
            .find(|f| f.code == "policy-hcl-read")
            .expect("read");
        assert_eq!(read.severity, Severity::Info);
    }

    #[test]
    fn a_condition_built_from_a_variable_without_value_is_unknown() {
        let text = role(
            &format!("        StringLike = {{ \"oidc.circleci.com/org/{ORG}:sub\" = \"org/{ORG}/project/${{var.project}}/*\" }}"),
            "variable \"project\" {}",
        );
        let e = evaluate(&text, Some(&claims()), NOW);
        assert_eq!(e.verdict, None);
        let sub = e
            .checks
            .iter()
            .find(|c| c.key.ends_with(":sub"))
            .expect("sub row");
        assert_eq!(sub.result, Outcome::Unknown);
        // With the value pasted as a `.tfvars` line, it is decided.
        let e = evaluate(&format!("{text}project = \"p2\"\n"), Some(&claims()), NOW);
        assert_eq!(e.verdict, Some(Verdict::Deny));
    }

    #[test]
    fn a_dynamic_block_over_an_unknown_collection_leaves_the_verdict_open() {
        let text = format!("variable \"projects\" {{}}\ndata \"aws_iam_policy_document\" \"t\" {{\n  statement {{\n    actions = [\"sts:AssumeRoleWithWebIdentity\"]\n    principals {{\n      type        = \"Federated\"\n      identifiers = [\"arn:aws:iam::123456789012:oidc-provider/oidc.circleci.com/org/{ORG}\"]\n    }}\n    dynamic \"condition\" {{\n      for_each = var.projects\n      content {{\n        test     = \"StringLike\"\n        variable = \"oidc.circleci.com/org/{ORG}:sub\"\n        values   = [\"org/{ORG}/project/${{condition.value}}/*\"]\n      }}\n    }}\n  }}\n}}\n");
        let e = evaluate(&text, Some(&claims()), NOW);
        assert_eq!(e.info.kind, Some(PolicyKind::Aws), "{:?}", e.findings);
        assert_eq!(e.verdict, None);
        assert!(
            e.info
                .decided_by
                .as_deref()
                .unwrap_or("")
                .contains("`dynamic \"condition\"`"),
            "{:?}",
            e.info.decided_by
        );
        let read = e
            .findings
            .iter()
            .find(|f| f.code == "policy-hcl-read")
            .expect("read");
        assert_eq!(read.severity, Severity::Warning);
    }

    #[test]
    fn broken_hcl_says_where() {
        let e = evaluate("resource \"aws_iam_role\" \"ci\" {\n  assume_role_policy = jsonencode({\n    Version = \n  })\n}\n", None, NOW);
        assert!(e.unusable);
        assert_eq!(e.findings[0].code, "policy-hcl-syntax");
        assert_eq!(e.findings[0].message, "the policy looks like Terraform HCL but cannot be read: expected a value, found a new line at line 3, column 15");
        assert_eq!(e.info.kind, Some(PolicyKind::Aws));
    }

    #[test]
    fn a_markdown_fence_is_read() {
        let text = format!("```hcl\n{}```\n", role(&format!("        StringLike = {{ \"oidc.circleci.com/org/{ORG}:sub\" = \"org/{ORG}/*\" }}"), ""));
        let e = evaluate(&text, Some(&claims()), NOW);
        assert_eq!(e.verdict, Some(Verdict::Allow), "{:?}", e.findings);
        // Locations count the fence's line.
        let wildcard = e
            .findings
            .iter()
            .find(|f| f.code == "sub-wildcard-project")
            .expect("found");
        assert_eq!(wildcard.location.map(|l| l.line), Some(11));
    }

    #[test]
    fn a_terminal_copy_is_read() {
        let text = format!(
            "$ cat main.tf\n{}",
            role(
                &format!(
                    "        StringEquals = {{ \"oidc.circleci.com/org/{ORG}:aud\" = \"{ORG}\" }}"
                ),
                ""
            )
        );
        let e = evaluate(&text, Some(&claims()), NOW);
        assert_eq!(e.info.kind, Some(PolicyKind::Aws));
        assert!(e.verdict.is_some(), "{:?}", e.findings);
    }
}

#[test]
fn for_each_and_count_make_one_resource_per_instance() {
    let text = "variable \"projects\" {\n  default = { app = \"p1\", infra = \"p2\" }\n}\nresource \"t\" \"r\" {\n  for_each = var.projects\n  name     = \"deploy-${each.key}\"\n  sub      = \"org/o/project/${each.value}/*\"\n}\nresource \"t\" \"c\" {\n  count = 2\n  n     = count.index + 1\n}\nresource \"t\" \"none\" {\n  count = 0\n}\nresource \"t\" \"open\" {\n  for_each = var.unknown\n  v        = each.value\n}\n";
    let r = read(text).unwrap().unwrap();
    let t = &r.value["resource"]["t"];
    assert_eq!(
        t["r[\"app\"]"],
        json!({"name": "deploy-app", "sub": "org/o/project/p1/*"})
    );
    assert_eq!(t["r[\"infra\"]"]["sub"], json!("org/o/project/p2/*"));
    assert_eq!(
        (t["c[0]"]["n"].clone(), t["c[1]"]["n"].clone()),
        (json!(1), json!(2))
    );
    assert!(t.get("none").is_none() && t.get("none[0]").is_none());
    // A collection not known before apply: one resource, its `each.value` unknown.
    assert_eq!(t["open"], json!({"v": "${each.value}"}));
    let at = r
        .spans
        .iter()
        .find(|(p, _)| p == "/resource/t/r[\"infra\"]")
        .map(|(_, at)| *at);
    assert_eq!(at, Some(Location { line: 4, column: 1 }));
}

#[test]
fn a_long_chain_of_locals_stops_at_a_depth_instead_of_overflowing_the_stack() {
    let n = 3_000;
    let mut text = String::from("locals {\n");
    for i in 0..n {
        text.push_str(&format!("  l{i} = local.l{}\n", i + 1));
    }
    text.push_str(&format!(
        "  l{n} = \"x\"\n}}\nresource \"t\" \"n\" {{\n  x = local.l0\n}}\n"
    ));
    let r = read(&text).unwrap().unwrap();
    // Unknown: the expression where the depth ran out, a template the platforms do not evaluate.
    let x = r.value["resource"]["t"]["n"]["x"].as_str().unwrap_or("");
    assert!(x.starts_with("${local.l") && x.ends_with('}'), "{x}");
    assert!(r.incomplete);
    assert!(
        r.notes
            .iter()
            .any(|n| n.contains("more than 100 levels deep")),
        "{:?}",
        r.notes
    );
    // A chain well within the depth is followed to its end.
    let short = "locals {\n  a = local.b\n  b = local.c\n  c = \"x\"\n}\nresource \"t\" \"n\" {\n  x = local.a\n}\n";
    assert_eq!(value(short)["resource"]["t"]["n"]["x"], json!("x"));
}

#[test]
fn merged_conditions_are_located_at_the_second_block_of_each_statement() {
    // Looked up, not searched for: a search per merged block made a long document quadratic.
    let statement = "  statement {\n    condition {\n      test     = \"StringLike\"\n      variable = \"k\"\n      values   = [\"a\"]\n    }\n    condition {\n      test     = \"StringLike\"\n      variable = \"k\"\n      values   = [\"b\"]\n    }\n  }\n";
    let text = format!(
        "data \"aws_iam_policy_document\" \"trust\" {{\n{}}}\n",
        statement.repeat(300)
    );
    let r = read(&text).unwrap().unwrap();
    assert_eq!(r.merged.len(), 300);
    for (i, (message, at)) in r.merged.iter().enumerate() {
        assert!(
            message.starts_with(&format!("statement {} of", i + 1)),
            "{message}"
        );
        // The second `condition {` of statement `i`: 12 lines a statement, after the data source's first line.
        assert_eq!(
            *at,
            Some(Location {
                line: 2 + 12 * i + 6,
                column: 5
            })
        );
    }
}

#[test]
fn template_text_is_read_the_same_borrowed_or_copied() {
    // Text is borrowed from the source up to an escape, a `$${`, or stripped indentation, then copied.
    assert_eq!(
        eval(
            "locals {\n  o = \"x\"\n}",
            "\"a$b%c ${local.o} d\\\"e ${local.o}$${f} g\\u00e9h\""
        ),
        json!("a$b%c x d\"e x${f} géh")
    );
    assert_eq!(eval("", "\"\""), json!(""));
    assert_eq!(eval("", "\"é${\"\"}\\n\""), json!("é\n"));
    let text = "locals {\n  o = \"x\"\n}\nresource \"t\" \"n\" {\n  y = <<-EOT\n    a $ ${local.o}\n      b\\n\n    c\n    EOT\n}\n";
    assert_eq!(
        value(text)["resource"]["t"]["n"]["y"],
        json!("a $ x\n  b\\n\nc\n")
    );
}
