//! The IAM OIDC provider, when it is pasted with the role: Terraform's `aws_iam_openid_connect_provider` (its JSON
//! configuration, state or plan, and so HCL read back) or a CloudFormation template's `AWS::IAM::OIDCProvider`.
//! STS accepts a token only when its `aud` is one of the provider's client IDs (`InvalidIdentityToken: Incorrect
//! token audience` otherwise, DOMAIN.md section 2), which offline can otherwise not be checked.

use std::borrow::Cow;

use serde_json::Value;

use super::cfn;
use super::context::provider_of;

/// The client IDs of the provider for the token's issuer, and where they were read.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Audiences {
    /// As written; one holding `${…}` is a value not known before apply.
    pub ids: Vec<String>,
    /// What they were read from, e.g. "`aws_iam_openid_connect_provider.circleci`'s `client_id_list`".
    pub source: String,
}

/// Objects visited at most while looking for providers, so that a huge document costs a bounded walk.
const BUDGET: usize = 20_000;

/// Every provider in `doc` with a known URL and client IDs: the URL as written, and its client IDs. Walked once
/// per document, whichever of its roles is evaluated.
pub fn all(doc: &Value) -> Vec<(String, Audiences)> {
    let mut found = Vec::new();
    let mut budget = BUDGET;
    walk(doc, doc, None, &mut found, &mut budget, 0);
    found
}

/// The client IDs of the one provider among `providers` ([`all`]) whose URL is the token's issuer (`provider`,
/// without scheme); `None` when there is none, or several.
pub fn audiences(providers: &[(String, Audiences)], provider: &str) -> Option<Audiences> {
    let mut matching = providers
        .iter()
        .filter(|(url, _)| provider_of(url) == provider);
    let one = matching.next()?;
    if matching.next().is_some() {
        return None;
    }
    Some(one.1.clone())
}

fn strings(v: &Value) -> Option<Vec<String>> {
    match v {
        Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().map(str::to_string))
            .collect(),
        // An unknown list (`"${var.client_ids}"`) is one unknown value.
        Value::String(s) if s.contains("${") => Some(vec![s.clone()]),
        _ => None,
    }
}

/// Record every provider under `v` (`root`: the CloudFormation template `v` is inside, for its functions).
fn walk<'a>(
    v: &'a Value,
    root: &'a Value,
    name: Option<&str>,
    found: &mut Vec<(String, Audiences)>,
    budget: &mut usize,
    depth: usize,
) {
    let Value::Object(m) = v else {
        if let Value::Array(items) = v {
            for item in items {
                walk(item, root, None, found, budget, depth + 1);
            }
        }
        return;
    };
    if *budget == 0 || depth > 12 {
        return;
    }
    *budget -= 1;
    // The template whose functions resolve a provider's properties: the object holding `Resources`.
    let root = if m.contains_key("Resources") { v } else { root };
    // CloudFormation: a resource of type `AWS::IAM::OIDCProvider`, its properties resolved in the template.
    if m.get("Type").and_then(Value::as_str) == Some("AWS::IAM::OIDCProvider") {
        if let Some(properties) = m.get("Properties") {
            let mut scratch = Vec::new();
            let resolved = cfn::resolve(Cow::Borrowed(properties), root, None, &mut scratch);
            let url = resolved.get("Url").and_then(Value::as_str);
            let ids = resolved.get("ClientIdList").and_then(strings);
            if let (Some(url), Some(ids)) = (url, ids) {
                let source = format!(
                    "the template's `AWS::IAM::OIDCProvider` `{}`'s `ClientIdList`",
                    name.unwrap_or("?")
                );
                found.push((url.to_string(), Audiences { ids, source }));
            }
        }
        return;
    }
    // Terraform: a JSON configuration's `resource.aws_iam_openid_connect_provider.<name>`, or a state's or plan's
    // resource of that type (its `values`).
    if m.get("type").and_then(Value::as_str) == Some("aws_iam_openid_connect_provider") {
        if let Some(values) = m.get("values") {
            let name = m.get("address").and_then(Value::as_str).or(name);
            terraform(values, name, found);
            return;
        }
    }
    if let Some(Value::Object(providers)) = m.get("aws_iam_openid_connect_provider") {
        for (n, body) in providers {
            terraform(
                body,
                Some(&format!("aws_iam_openid_connect_provider.{n}")),
                found,
            );
        }
    }
    for (k, child) in m {
        if k != "aws_iam_openid_connect_provider" {
            walk(child, root, Some(k), found, budget, depth + 1);
        }
    }
}

fn terraform(values: &Value, name: Option<&str>, found: &mut Vec<(String, Audiences)>) {
    let url = values.get("url").and_then(Value::as_str);
    let ids = values.get("client_id_list").and_then(strings);
    if let (Some(url), Some(ids)) = (url, ids) {
        if url.contains("${") {
            return;
        }
        let source = format!(
            "`{}`'s `client_id_list`",
            name.unwrap_or("aws_iam_openid_connect_provider")
        );
        found.push((url.to_string(), Audiences { ids, source }));
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Map, Value};

    use crate::policy::evaluate;
    use crate::report::{Outcome, Verdict};

    const ORG: &str = "o1";
    const NOW: i64 = 1000;

    fn claims(aud: Value) -> Map<String, Value> {
        let v = json!({
            "iss": format!("https://oidc.circleci.com/org/{ORG}"),
            "sub": format!("org/{ORG}/project/p1/user/u1"),
            "aud": aud,
            "exp": 2000,
        });
        v.as_object().cloned().unwrap_or_default()
    }

    fn trust() -> Value {
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"Federated": format!("arn:aws:iam::123456789012:oidc-provider/oidc.circleci.com/org/{ORG}")},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringLike": {format!("oidc.circleci.com/org/{ORG}:sub"): format!("org/{ORG}/*")}}}]})
    }

    /// The verdict and the `aud` row (operator, result) for `doc` and a token with `aud`.
    fn aud_row(doc: &Value, aud: Value) -> (Option<Verdict>, String, Outcome, String) {
        let e = evaluate(&doc.to_string(), Some(&claims(aud)), NOW);
        let row = e
            .checks
            .iter()
            .find(|c| c.key == "aud")
            .expect("aud row")
            .clone();
        (
            e.verdict,
            row.operator.to_string(),
            row.result,
            row.explanation,
        )
    }

    fn terraform(client_ids: Value) -> Value {
        json!({"resource": {
            "aws_iam_openid_connect_provider": {"circleci": {"url": format!("https://oidc.circleci.com/org/{ORG}"), "client_id_list": client_ids}},
            "aws_iam_role": {"ci": {"assume_role_policy": trust().to_string()}}}})
    }

    #[test]
    fn a_terraform_provider_pasted_with_the_role_has_its_client_ids_checked() {
        let (verdict, operator, result, _) = aud_row(&terraform(json!([ORG])), json!(ORG));
        assert_eq!(
            (verdict, operator.as_str(), result),
            (Some(Verdict::Allow), "a client ID", Outcome::Pass)
        );
        // GitHub Actions' audience, copied into a CircleCI setup: STS refuses the token before the policy.
        let (verdict, _, result, why) =
            aud_row(&terraform(json!(["sts.amazonaws.com"])), json!(ORG));
        assert_eq!((verdict, result), (Some(Verdict::Deny), Outcome::Fail));
        assert!(
            why.contains("`InvalidIdentityToken: Incorrect token audience`"),
            "{why}"
        );
        assert!(why.contains("the audience GitHub Actions sends"), "{why}");
        // A client ID not known before apply: unknown, not a mismatch.
        let (verdict, _, result, _) = aud_row(&terraform(json!(["${var.org_id}"])), json!(ORG));
        assert_eq!((verdict, result), (None, Outcome::Unknown));
        // Several audiences, one listed: STS's answer is not documented.
        let (_, _, result, why) = aud_row(&terraform(json!([ORG])), json!([ORG, "other"]));
        assert_eq!(result, Outcome::Unknown, "{why}");
    }

    #[test]
    fn a_provider_for_another_issuer_or_none_leaves_the_audience_unchecked() {
        let mut doc = terraform(json!(["sts.amazonaws.com"]));
        doc["resource"]["aws_iam_openid_connect_provider"]["circleci"]["url"] =
            json!("https://token.actions.githubusercontent.com");
        let (verdict, operator, result, _) = aud_row(&doc, json!(ORG));
        assert_eq!(
            (verdict, operator.as_str(), result),
            (Some(Verdict::Allow), "present", Outcome::Pass)
        );
        let (_, operator, _, _) = aud_row(&trust(), json!(ORG));
        assert_eq!(operator, "present");
    }

    #[test]
    fn a_state_and_a_cloudformation_template_are_read_too() {
        let state = json!({"values": {"root_module": {"resources": [
            {"address": "aws_iam_openid_connect_provider.c", "type": "aws_iam_openid_connect_provider",
             "values": {"url": format!("https://oidc.circleci.com/org/{ORG}"), "client_id_list": ["x"]}},
            {"address": "aws_iam_role.ci", "type": "aws_iam_role", "values": {"name": "ci", "assume_role_policy": trust().to_string()}}]}}});
        let (verdict, _, result, why) = aud_row(&state, json!(ORG));
        assert_eq!((verdict, result), (Some(Verdict::Deny), Outcome::Fail));
        assert!(
            why.contains("`aws_iam_openid_connect_provider.c`'s `client_id_list`"),
            "{why}"
        );
        let template = json!({
            "Parameters": {"OrgId": {"Type": "String", "Default": ORG}},
            "Resources": {
                "Provider": {"Type": "AWS::IAM::OIDCProvider", "Properties": {
                    "Url": {"Fn::Sub": "https://oidc.circleci.com/org/${OrgId}"}, "ClientIdList": [{"Ref": "OrgId"}]}},
                "Role": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": trust()}}}});
        let (verdict, operator, result, why) = aud_row(&template, json!(ORG));
        assert_eq!(
            (verdict, operator.as_str(), result),
            (Some(Verdict::Allow), "a client ID", Outcome::Pass),
            "{why}"
        );
        assert!(why.contains("`AWS::IAM::OIDCProvider` `Provider`"), "{why}");
    }
}
