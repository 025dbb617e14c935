//! Trust policies generated from the token: the whole org, one project, one project on one branch (V2);
//! each as policy JSON and as a Terraform `data "aws_iam_policy_document"` block. The account ID is left as
//! `<ACCOUNT_ID>`.

use serde_json::{json, Map, Value};

use crate::report::Snippet;

use super::context::provider_of;
use super::diagnose::SubParts;
use super::eval::ACTION;

struct Scope {
    title: String,
    /// `(operator, key suffix, value)`
    conditions: Vec<(&'static str, &'static str, String)>,
}

fn policy_json(provider: &str, scope: &Scope) -> String {
    let mut condition = Map::new();
    for (op, claim, value) in &scope.conditions {
        let entry = condition
            .entry(op.to_string())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(m) = entry {
            m.insert(format!("{provider}:{claim}"), Value::String(value.clone()));
        }
    }
    let doc = json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "CircleCIOIDC",
            "Effect": "Allow",
            "Principal": {"Federated": format!("arn:aws:iam::<ACCOUNT_ID>:oidc-provider/{provider}")},
            "Action": ACTION,
            "Condition": Value::Object(condition),
        }]
    });
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

fn hcl_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '$' => out.push_str("$$"),
            '%' => out.push_str("%%"),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

fn terraform(provider: &str, scope: &Scope) -> String {
    let mut t = String::from("data \"aws_iam_policy_document\" \"circleci_trust\" {\n  statement {\n    effect  = \"Allow\"\n");
    t.push_str(&format!(
        "    actions = [\"{ACTION}\"]\n\n    principals {{\n      type        = \"Federated\"\n"
    ));
    t.push_str(&format!(
        "      identifiers = [{}]\n    }}\n",
        hcl_string(&format!(
            "arn:aws:iam::<ACCOUNT_ID>:oidc-provider/{provider}"
        ))
    ));
    for (op, claim, value) in &scope.conditions {
        t.push_str(&format!(
            "\n    condition {{\n      test     = \"{op}\"\n      variable = {}\n      values   = [{}]\n    }}\n",
            hcl_string(&format!("{provider}:{claim}")),
            hcl_string(value)
        ));
    }
    t.push_str("  }\n}\n");
    t
}

/// Policies for this token's org, project and branch.
pub fn suggest(claims: &Map<String, Value>) -> Vec<Snippet> {
    let Some(iss) = claims.get("iss").and_then(Value::as_str) else {
        return Vec::new();
    };
    let provider = provider_of(iss);
    let sub = claims
        .get("sub")
        .and_then(Value::as_str)
        .and_then(SubParts::parse);
    let aud = match claims.get("aud") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Array(a)) => a.first().and_then(Value::as_str).map(str::to_string),
        _ => None,
    };
    let Some(sub) = sub else { return Vec::new() };
    let aud = aud.unwrap_or_else(|| sub.org.to_string());
    let aud_cond = ("StringEquals", "aud", aud);
    let mut scopes = vec![
        Scope {
            title: "trust every project of the org".into(),
            conditions: vec![
                aud_cond.clone(),
                ("StringLike", "sub", format!("org/{}/project/*", sub.org)),
            ],
        },
        Scope {
            title: "trust one project (V1 and V2 tokens)".into(),
            conditions: vec![
                aud_cond.clone(),
                (
                    "StringLike",
                    "sub",
                    format!("org/{}/project/{}/user/*", sub.org, sub.project),
                ),
            ],
        },
    ];
    let vref = sub.vcs.map(|(_, r)| r).or_else(|| {
        claims
            .get("oidc.circleci.com/vcs-ref")
            .and_then(Value::as_str)
    });
    // The job's own repository, not `*`: a forked pull request's token names the fork there (with its own branch
    // names: a fork's `main` would match `vcs-origin/*/vcs-ref/refs/heads/main`).
    let origin = sub.vcs.map(|(o, _)| o).or_else(|| {
        claims
            .get("oidc.circleci.com/vcs-origin")
            .and_then(Value::as_str)
    });
    if let Some(vref) = vref {
        let origin = origin.unwrap_or("*");
        scopes.push(Scope {
            title: format!("trust one project on `{vref}` only ($CIRCLE_OIDC_TOKEN_V2)"),
            conditions: vec![
                aud_cond,
                (
                    "StringLike",
                    "sub",
                    format!(
                        "org/{}/project/{}/user/*/vcs-origin/{origin}/vcs-ref/{vref}",
                        sub.org, sub.project
                    ),
                ),
            ],
        });
    }
    let mut out = Vec::new();
    for s in &scopes {
        out.push(Snippet {
            title: format!("AWS trust policy: {}", s.title),
            language: "json",
            text: policy_json(&provider, s),
        });
        out.push(Snippet {
            title: format!("Terraform: {}", s.title),
            language: "hcl",
            text: terraform(&provider, s),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::aws::{context::Context, eval, parse};
    use crate::policy::json;
    use crate::report::Verdict;

    fn claims() -> Map<String, Value> {
        serde_json::from_str(
            r#"{"iss":"https://oidc.circleci.com/org/o1","aud":"o1","exp":5000,
            "sub":"org/o1/project/p1/user/u1/vcs-origin/github.com/a/b/vcs-ref/refs/heads/main","oidc.circleci.com/project-id":"p1"}"#,
        )
        .unwrap()
    }

    /// The verdict for `claims` of a generated policy `text`, as a user pastes it: with the account filled in (a
    /// placeholder left in names no account). The policy must read without findings.
    fn verdict(text: &str, claims: &Map<String, Value>) -> Option<Verdict> {
        let p = json::parse(&text.replace("<ACCOUNT_ID>", "123456789012")).unwrap();
        let mut f = Vec::new();
        let locator = parse::Locator {
            spans: None,
            prefix: "",
        };
        let policy = parse::parse(&p.value, locator, &mut f);
        assert!(f.is_empty(), "{f:?}");
        eval::evaluate(&policy, &Context::from_claims(claims, 0), claims).verdict
    }

    #[test]
    fn generated_policies_allow_the_token_they_came_from() {
        let c = claims();
        let snippets = suggest(&c);
        assert_eq!(snippets.len(), 6);
        for s in snippets.iter().filter(|s| s.language == "json") {
            assert!(s.text.contains("<ACCOUNT_ID>"), "{}", s.title);
            assert_eq!(verdict(&s.text, &c), Some(Verdict::Allow), "{}", s.title);
        }
        assert!(
            snippets[5].text.contains(
                "values   = [\"org/o1/project/p1/user/*/vcs-origin/github.com/a/b/vcs-ref/refs/heads/main\"]"
            ),
            "{}",
            snippets[5].text
        );
        // A fork's pull request from its own `main` is not let in by the "main only" policy.
        let mut fork = c.clone();
        fork.insert(
            "sub".into(),
            Value::String(
                "org/o1/project/p1/user/u2/vcs-origin/github.com/someone/b/vcs-ref/refs/heads/main"
                    .into(),
            ),
        );
        assert_eq!(
            verdict(&snippets[4].text, &fork),
            Some(Verdict::Deny),
            "{}",
            snippets[4].text
        );
        assert!(snippets[1]
            .text
            .contains("variable = \"oidc.circleci.com/org/o1:sub\""));
    }

    #[test]
    fn hcl_escapes_interpolation() {
        assert_eq!(hcl_string("a${b}%{c}\""), "\"a$${b}%%{c}\\\"\"");
    }
}
