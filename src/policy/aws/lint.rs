//! Findings on the policy alone, like IAM Access Analyzer's policy checks, before any token is involved.
//!
//! | code | severity | meaning |
//! |---|---|---|
//! | `policy-version-missing` | info | no `Version`: IAM uses 2008-10-17 (no policy variables) |
//! | `policy-version-unknown` | error | a `Version` IAM does not define |
//! | `policy-variables-not-resolved` | warning | `${...}` in values under a Version that does not resolve them |
//! | `oidc-principal-without-conditions` | warning | an Allow for an OIDC (or `*`) principal with no condition |
//! | `oidc-no-sub-condition` | warning | an Allow for an OIDC principal without a condition on `sub` |
//! | `sub-wildcard-any` | warning | a `sub` pattern that matches every subject |
//! | `sub-wildcard-project` | info | a `sub` pattern that trusts every project (or user) of an org |
//! | `set-qualifier-on-single-valued` | warning | `ForAllValues:`/`ForAnyValue:` on the single-valued `aud`/`sub` |
//! | `oidc-principal-other-action` | warning | an OIDC principal allowed another action than `sts:AssumeRoleWithWebIdentity`/`sts:TagSession` |
//! | `principal-wildcard` | warning | an Allow for `"Principal": "*"` |
//! | `federated-not-provider-arn` | error | a `Federated` value that is not an OIDC provider ARN (e.g. a URL) |
//! | `federated-wildcard` | warning | a `*` inside a `Federated` ARN (principals take no wildcards) |
//! | `condition-key-provider-mismatch` | warning | a condition key names another provider than the statement's principal |
//! | `statement-sid-invalid` | error | a `Sid` with other characters than `A-Z`, `a-z`, `0-9` (IAM rejects it) |
//! | `statement-sid-duplicate` | error | two statements with the same non-empty `Sid` (IAM rejects it; empty ones may repeat) |
//! | `policy-placeholder` | error | a placeholder never filled in (`<ORG_ID>`, `YOUR_ORG_ID`, `{{ org }}`) in a provider or its condition |
//! | `policy-template-variable` | warning | a template variable (`${CIRCLECI_ORG_ID}`) in a provider or its condition: a template, not the policy |
//! | `deny-statement` | info | a Deny statement: when it applies, it wins over every Allow |

use std::collections::HashMap;
use std::fmt;

use crate::policy::json::pointer_push;
use crate::report::{Finding, Location, Severity};

use super::eval::{arn_provider, ACTION};
use super::operators::{Base, Qualifier};
use super::parse::{finding, Effect, Locator, Policy, Statement};

/// The OIDC providers a statement's principal names (`Some(vec![])` for a wildcard principal).
/// The provider of `circleci run oidc get --root-issuer` tokens.
const ROOT_PROVIDER: &str = "oidc.circleci.com";
const ROOT_FIX: &str = "pin your org in `sub`: `StringLike` on `oidc.circleci.com:sub` with `org/<org-id>/*` (or `org/<org-id>/project/<project-id>/*`)";

fn oidc_providers<'a>(st: &Statement<'a>) -> Option<Vec<&'a str>> {
    let p = st.principal.as_ref().filter(|p| !p.negated)?;
    let mut out = Vec::new();
    let mut any = false;
    for e in &p.entries {
        match e.kind {
            "*" => any = true,
            "Federated" if e.value == "*" => any = true,
            "Federated" => {
                if let Some(pv) = arn_provider(e.value) {
                    out.push(pv);
                }
            }
            _ => {}
        }
    }
    (any || !out.is_empty()).then_some(out)
}

/// A placeholder left in a provider name, provider key or its value: text in `<...>` (but a shared link's
/// `<redacted>`), `{{...}}` or `${...}` (not an IAM policy variable, whose key has a `:`), or an org ID with no digit
/// written in capitals, with `_`, or in `x`s (`YOUR_ORG_ID`, `xxxxxxxx-xxxx-...`: org IDs are UUIDs).
pub(super) fn placeholder(s: &str) -> Option<&str> {
    // Every bracketed form opens with `<` or `{`: most values have neither, and are not searched three times.
    let bracketed = s.bytes().any(|b| b == b'<' || b == b'{');
    for (open, close) in [("<", ">"), ("{{", "}}"), ("${", "}")]
        .into_iter()
        .filter(|_| bracketed)
    {
        let Some(i) = s.find(open) else { continue };
        let from = i + open.len();
        let Some(n) = s[from..].find(close) else {
            continue;
        };
        let inner = &s[from..from + n];
        let ph = &s[i..from + n + close.len()];
        if !inner.is_empty()
            && ph != crate::circleci::REDACTED
            && !(open == "${" && (inner.contains(':') || inner.len() == 1))
        {
            return Some(ph);
        }
    }
    let org = s
        .strip_prefix("org/")
        .or_else(|| s.split_once("/org/").map(|(_, o)| o))?;
    let b = org.as_bytes();
    let b = &b[..b
        .iter()
        .position(|&c| c == b'/' || c == b':')
        .unwrap_or(b.len())];
    let org = &org[..b.len()];
    (b.len() > 2
        && !b.iter().any(|c| c.is_ascii_digit() || b"*?$".contains(c))
        && (b.contains(&b'_')
            || !b.iter().any(u8::is_ascii_lowercase)
            || (b.len() >= 8 && b.iter().all(|c| b"xX-".contains(c)))))
    .then_some(org)
}

/// Key suffix after the provider, e.g. `sub` for `oidc.circleci.com/org/x:sub`.
fn claim_of(key: &str) -> &str {
    key.rsplit_once(':').map(|(_, c)| c).unwrap_or(key)
}

/// With `stack_account`, the policy is a resolved CloudFormation template's, whose `<ACCOUNT_ID>` is the stack's
/// account (see `cfn`), not a placeholder.
pub fn lint(policy: &Policy, loc: Locator<'_>, stack_account: bool) -> Vec<Finding> {
    let mut out = Vec::new();
    match policy.version.as_deref() {
        None => out.push(finding("policy-version-missing", Severity::Info, "the policy has no `Version`; IAM then uses `2008-10-17`, which does not resolve policy variables".into(), "add `\"Version\": \"2012-10-17\"`", loc.at(""))),
        Some("2012-10-17") => {}
        Some("2008-10-17") => {}
        Some(v) => out.push(finding("policy-version-unknown", Severity::Error, format!("`Version` `{v}` is not one IAM knows (`2012-10-17` or `2008-10-17`); IAM rejects the policy"), "write `\"Version\": \"2012-10-17\"`", loc.at("/Version"))),
    }
    let vars_resolved = policy.version.as_deref() == Some("2012-10-17");
    sids(policy, loc, &mut out);
    let mut placeholders: Vec<&str> = Vec::new();
    for st in &policy.statements {
        let label = st.name();
        let at = |k: &str| {
            loc.at(&pointer_push(&st.pointer, k))
                .or_else(|| loc.at(&st.pointer))
        };
        // Placeholders in the providers the statement names and in the conditions on their keys.
        let providers = st.principal.iter().flat_map(|p| &p.entries);
        let keyed = st.conditions.iter().filter(|c| c.key.contains('/'));
        for text in providers.filter_map(|e| arn_provider(e.value)).chain(
            keyed.flat_map(|c| std::iter::once(c.key).chain(c.values.iter().map(|v| v.as_ref()))),
        ) {
            let Some(ph) = placeholder(text).filter(|ph| !placeholders.contains(ph)) else {
                continue;
            };
            placeholders.push(ph);
            out.push(if ph.starts_with("${") {
                finding("policy-template-variable", Severity::Warning, format!("`{ph}` in {label} is a template variable (a Terraform `templatefile`, `envsubst`, ...), not a value: IAM would compare it as written"), "paste the rendered policy (`aws iam get-role --role-name <name>`)", loc.at(&st.pointer))
            } else {
                finding("policy-placeholder", Severity::Error, format!("`{ph}` in {label} is a placeholder that was never filled in: IAM compares it as written, so no token matches"), "replace it with the real value (the org ID is on CircleCI's Organization Settings page, and is the token's `aud`)", loc.at(&st.pointer))
            });
        }
        // The account of a provider ARN: a placeholder there leaves the provider in no real account.
        for e in st.principal.iter().flat_map(|p| &p.entries) {
            let account = arn_provider(e.value).and_then(|_| super::eval::arn_account(e.value));
            let Some(ph) = account.and_then(placeholder) else {
                continue;
            };
            if (stack_account && ph == super::eval::ACCOUNT_PLACEHOLDER)
                || ph.starts_with("${")
                || placeholders.contains(&ph)
            {
                continue;
            }
            placeholders.push(ph);
            out.push(finding("policy-placeholder", Severity::Error, format!("`{ph}` in {label} is a placeholder that was never filled in: the provider ARN must hold the role's 12-digit account ID"), "replace it with the account ID (`aws sts get-caller-identity` prints it)", at("Principal")));
        }
        if st.effect == Some(Effect::Deny) {
            out.push(finding(
                "deny-statement",
                Severity::Info,
                format!("{label} is a `Deny`: when it applies, it wins over every `Allow`"),
                "",
                loc.at(&st.pointer),
            ));
        }
        if let Some(p) = &st.principal {
            for e in p
                .entries
                .iter()
                .filter(|e| e.kind == "Federated" && e.value != "*")
            {
                if arn_provider(e.value).is_none() {
                    if e.value.starts_with("arn:") {
                        // Another kind of federated principal (e.g. a SAML provider): not a CircleCI issuer.
                        if !e.value.contains(":saml-provider/") {
                            out.push(finding("federated-not-provider-arn", Severity::Error, format!("the `Federated` principal `{}` in {label} is not an OIDC provider ARN", e.value), "write `arn:aws:iam::<ACCOUNT_ID>:oidc-provider/<issuer without https://>`", at("Principal")));
                        }
                    } else if e.value.contains('/') || e.value.contains("://") {
                        let host = e
                            .value
                            .trim_start_matches("https://")
                            .trim_start_matches("http://");
                        out.push(finding(
                            "federated-not-provider-arn",
                            Severity::Error,
                            format!("the `Federated` principal `{}` in {label} is a URL, not the provider's ARN", e.value),
                            format!("write `arn:aws:iam::<ACCOUNT_ID>:oidc-provider/{host}`"),
                            at("Principal"),
                        ));
                    }
                } else if e.value.contains('*') {
                    out.push(finding("federated-wildcard", Severity::Warning, format!("the `Federated` principal `{}` in {label} holds `*`; principal ARNs take no wildcards, so it is compared literally", e.value), "name the provider exactly", at("Principal")));
                }
            }
        }
        if st.effect != Some(Effect::Allow) {
            continue;
        }
        let Some(providers) = oidc_providers(st) else {
            continue;
        };
        let wildcard_principal = st
            .principal
            .as_ref()
            .is_some_and(|p| p.entries.iter().any(|e| e.kind == "*"));
        if wildcard_principal {
            out.push(finding("principal-wildcard", Severity::Warning, format!("{label} allows `\"Principal\": \"*\"`: any identity that satisfies the conditions can assume the role"), "use `{\"Federated\": \"arn:aws:iam::<ACCOUNT_ID>:oidc-provider/<issuer>\"}`", at("Principal")));
        }
        // `--root-issuer` tokens: one provider for every CircleCI org, whose `aud` the minting job chooses.
        let root = providers
            .iter()
            .any(|p| p.eq_ignore_ascii_case(ROOT_PROVIDER));
        if st.conditions.is_empty() {
            out.push(finding(
                "oidc-principal-without-conditions",
                Severity::Warning,
                if root {
                    format!("{label} trusts CircleCI's root issuer `{ROOT_PROVIDER}` with no condition: every job of every CircleCI org can assume the role")
                } else {
                    format!("{label} trusts the OIDC provider with no condition: every token the issuer mints (every project and branch of the org) can assume the role")
                },
                if root {
                    ROOT_FIX
                } else {
                    "add conditions on `aud` (the org ID) and `sub` (a project, and a branch for V2 tokens)"
                },
                at("Principal"),
            ));
        } else if !st
            .conditions
            .iter()
            .any(|c| claim_of(c.key).eq_ignore_ascii_case("sub"))
        {
            let has_project = st
                .conditions
                .iter()
                .any(|c| claim_of(c.key).eq_ignore_ascii_case("oidc.circleci.com/project-id"));
            out.push(finding(
                "oidc-no-sub-condition",
                if has_project { Severity::Info } else { Severity::Warning },
                if has_project {
                    format!("{label} has no condition on `sub`; its `oidc.circleci.com/project-id` condition pins the project, but not the branch")
                } else if root {
                    format!("{label} has no condition on `sub`: the root issuer `{ROOT_PROVIDER}` is shared by every CircleCI org and the job chooses `aud`, so any job of any org can assume the role")
                } else {
                    format!("{label} has no condition on `sub`: any project of the org can assume the role")
                },
                if root {
                    ROOT_FIX
                } else {
                    "add `StringLike` on `<provider>:sub` with `org/<org>/project/<project>/user/*` (or a V2 branch pattern)"
                },
                at("Condition"),
            ));
        }
        if let Some(a) = &st.action {
            let others: Vec<&&str> = a
                .actions
                .iter()
                .filter(|p| {
                    !(a.negated
                        || p.eq_ignore_ascii_case(ACTION)
                        || p.eq_ignore_ascii_case("sts:TagSession"))
                })
                .collect();
            let excludes_web_identity = a.negated
                && a.actions
                    .iter()
                    .any(|p| super::eval::action_matches(p, ACTION));
            if (a.negated && !excludes_web_identity) || (!a.negated && !others.is_empty()) {
                let what = if a.negated {
                    format!(
                        "uses `NotAction`, so it allows the OIDC principal every action it does not list, beyond `{ACTION}`"
                    )
                } else {
                    let list = others
                        .iter()
                        .map(|o| format!("`{o}`"))
                        .collect::<Vec<_>>()
                        .join(", ");
                    format!("allows the OIDC principal {list}, beyond `{ACTION}`")
                };
                out.push(finding(
                    "oidc-principal-other-action",
                    Severity::Warning,
                    format!("{label} {what}"),
                    format!(
                        "allow only `{ACTION}` (and `sts:TagSession` if you pass session tags)"
                    ),
                    at(if a.negated { "NotAction" } else { "Action" }),
                ));
            }
        }
        for c in &st.conditions {
            let cat = || loc.at(&c.pointer(&st.pointer));
            let claim = claim_of(c.key);
            if let Some((prefix, _)) = c.key.rsplit_once(':') {
                // A provider written with a template variable (`${CircleCIOrgId}`) is not known yet.
                let unresolved = |p: &str| p.contains("${") || p.contains('<');
                if !providers.is_empty()
                    && prefix.contains('/')
                    && !unresolved(prefix)
                    && !providers.iter().any(|p| unresolved(p))
                    && !providers
                        .iter()
                        .any(|p| *p == prefix || p.eq_ignore_ascii_case(prefix))
                {
                    out.push(finding(
                        "condition-key-provider-mismatch",
                        Severity::Warning,
                        format!("the key `{}` in {label} names provider `{prefix}`, but the principal trusts `{}`: STS sets keys only under the provider that accepted the token, so either the principal never matches or this key is always missing", c.key, providers.join("`, `")),
                        format!("name the same provider in the principal and in the key prefix: the token's issuer without `https://`, e.g. `oidc.circleci.com/org/<org ID>:{claim}`"),
                        cat(),
                    ));
                }
            }
            let Some(op) = c.op else { continue };
            if op.qualifier.is_some()
                && (claim.eq_ignore_ascii_case("aud") || claim.eq_ignore_ascii_case("sub"))
            {
                let q = if op.qualifier == Some(Qualifier::ForAllValues) {
                    "ForAllValues:"
                } else {
                    "ForAnyValue:"
                };
                let extra = if op.qualifier == Some(Qualifier::ForAllValues) {
                    " `ForAllValues:` is also true when the key is missing, which makes an Allow dangerous."
                } else {
                    ""
                };
                out.push(finding(
                    "set-qualifier-on-single-valued",
                    Severity::Warning,
                    format!(
                        "`{}` in {label} uses `{q}` on `{claim}`, a single-valued key.{extra}",
                        c.operator
                    ),
                    format!("use `{}` without the qualifier", op.base.name()),
                    cat(),
                ));
            }
            if !vars_resolved && c.values.iter().any(|v| v.contains("${")) {
                out.push(finding("policy-variables-not-resolved", Severity::Warning, format!("`{}` in {label} holds `${{...}}`, which IAM resolves only under `\"Version\": \"2012-10-17\"`; here it is literal text", c.key), "add `\"Version\": \"2012-10-17\"`", cat()));
            }
            if claim.eq_ignore_ascii_case("sub") && matches!(op.base, Base::StringLike) {
                for v in &c.values {
                    if let Some(f) = broad_sub(v, vars_resolved, &label, &cat) {
                        out.push(f);
                    }
                }
            }
        }
    }
    out
}

/// IAM's `Sid` rules: "Statement IDs (SID) must be alpha-numeric" and "... in a single policy must be unique".
/// An empty `Sid` is exempt from uniqueness: IAM accepts several (the Terraform AWS provider before v5 wrote
/// `"Sid": ""` into every statement without one, hashicorp/terraform-provider-aws#28537, and its own validation
/// accepts "blank or unique").
fn sids(policy: &Policy, loc: Locator<'_>, out: &mut Vec<Finding>) {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for st in &policy.statements {
        let Some(sid) = st.sid.as_deref() else {
            continue;
        };
        let at = || loc.at(&pointer_push(&st.pointer, "Sid"));
        if !sid.bytes().all(|b| b.is_ascii_alphanumeric()) {
            out.push(finding(
                "statement-sid-invalid",
                Severity::Error,
                format!("the `Sid` `{sid}` of statement {} holds characters IAM does not accept in a role trust policy (it rejects it: \"Statement IDs (SID) must be alpha-numeric\")", st.index),
                "use only `A-Z`, `a-z` and `0-9`",
                at(),
            ));
        }
        if sid.is_empty() {
            continue;
        }
        if let Some(first) = seen.insert(sid, st.index) {
            out.push(finding(
                "statement-sid-duplicate",
                Severity::Error,
                format!("statements {first} and {} both have the `Sid` `{sid}` (IAM rejects it: \"Statement IDs (SID) in a single policy must be unique\")", st.index),
                "give each statement its own `Sid`, or remove them",
                at(),
            ));
        }
    }
}

/// What a `sub` pattern of `StringLike` leaves open, when that is more than one project's users. `${*}`, `${?}`
/// and `${$}` are IAM's escapes for those characters (under `2012-10-17`, `vars_resolved`): literal text, not
/// wildcards.
fn broad_sub(
    v: &str,
    vars_resolved: bool,
    label: &dyn fmt::Display,
    at: &dyn Fn() -> Option<Location>,
) -> Option<Finding> {
    let literal = if vars_resolved {
        v.replace("${*}", "_")
            .replace("${?}", "_")
            .replace("${$}", "_")
    } else {
        v.to_string()
    };
    let wild = |s: &str| s.contains('*') || s.contains('?');
    let segs: Vec<&str> = literal.split('/').collect();
    let seg = |i: usize| segs.get(i).copied();
    // A literal project ID pins the project, whatever else is open (project IDs are unique across orgs).
    let project_pinned = segs
        .windows(2)
        .any(|w| w[0] == "project" && !w[1].is_empty() && !wild(w[1]));
    let open_start = (seg(0) == Some("org") && seg(1).is_some_and(wild))
        || seg(0).is_some_and(|s| s.starts_with('*'));
    if open_start && !project_pinned {
        // What the rest pins: the literal text after the leading wildcards, if any.
        let rest = literal.trim_start_matches(['*', '?']);
        let rest = rest
            .strip_prefix("org/")
            .map_or(rest, |r| r.trim_start_matches(|c: char| c != '/'));
        let pins = rest
            .split('/')
            .any(|s| !s.is_empty() && !wild(s) && s != "project" && s != "user");
        let message = if pins {
            format!("the `sub` pattern `{v}` in {label} starts open: it matches every project and user of the orgs the provider trusts, as long as the rest of the subject fits `{rest}`")
        } else {
            format!("the `sub` pattern `{v}` in {label} matches the subject of every project in any org the provider trusts")
        };
        return Some(finding(
            "sub-wildcard-any",
            Severity::Warning,
            message,
            "pin the org and project: `org/<org>/project/<project>/user/*`",
            at(),
        ));
    }
    let project_wild = seg(2) == Some("project") && seg(3).is_some_and(wild);
    let org_tail = segs.len() == 3 && seg(0) == Some("org") && seg(2).is_some_and(wild);
    if project_wild || org_tail {
        return Some(finding("sub-wildcard-project", Severity::Info, format!("the `sub` pattern `{v}` in {label} trusts every project of org `{}`", seg(1).unwrap_or_default()), "if only one project should assume the role, pin it: `org/<org>/project/<project>/user/*`", at()));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::aws::parse;
    use crate::policy::json;

    fn codes(text: &str) -> Vec<&'static str> {
        let p = json::parse(text).unwrap();
        let mut f = Vec::new();
        let policy = parse::parse(
            &p.value,
            Locator {
                spans: Some(&p.spans),
                prefix: "",
            },
            &mut f,
        );
        lint(
            &policy,
            Locator {
                spans: Some(&p.spans),
                prefix: "",
            },
            false,
        )
        .iter()
        .map(|f| f.code)
        .collect()
    }

    const P: &str =
        r#""Principal":{"Federated":"arn:aws:iam::1:oidc-provider/oidc.circleci.com/org/o"}"#;

    #[test]
    fn placeholders() {
        for (text, ph) in [
            (
                "oidc.circleci.com/org/<CIRCLECI_ORG_ID>:aud",
                Some("<CIRCLECI_ORG_ID>"),
            ),
            ("org/YOUR_ORG_ID/project/*", Some("YOUR_ORG_ID")),
            (
                "oidc.circleci.com/org/xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx",
                Some("xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"),
            ),
            ("org/{{ org_id }}/project/*", Some("{{ org_id }}")),
            (
                "oidc.circleci.com/org/${CIRCLECI_ORG_ID}:sub",
                Some("${CIRCLECI_ORG_ID}"),
            ),
            ("org/${oidc.circleci.com/org/o:aud}/*", None),
            ("org/o/project/p/user/<redacted>", None),
            ("org/*/project/*", None),
            ("org/8a3b1e07-5f2d-4c3a-9b1e-0c6d2f4a7e91", None),
            ("github.com/myorg/repo", None),
        ] {
            assert_eq!(placeholder(text), ph, "{text}");
        }
    }

    #[test]
    fn clean_policy_has_no_lints() {
        let t = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow",{P},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{{"StringEquals":{{"oidc.circleci.com/org/o:aud":"o"}},"StringLike":{{"oidc.circleci.com/org/o:sub":"org/o/project/p/user/*"}}}}}}]}}"#
        );
        assert!(codes(&t).is_empty(), "{:?}", codes(&t));
    }

    #[test]
    fn access_analyzer_like_lints() {
        let t = format!(
            r#"{{"Statement":[{{"Effect":"Allow",{P},"Action":["sts:AssumeRoleWithWebIdentity","sts:AssumeRole"]}},{{"Effect":"Deny",{P},"Action":"*"}}]}}"#
        );
        assert_eq!(
            codes(&t),
            vec![
                "policy-version-missing",
                "oidc-principal-without-conditions",
                "oidc-principal-other-action",
                "deny-statement"
            ]
        );
        let t = format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow",{P},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{{"ForAllValues:StringEquals":{{"oidc.circleci.com/org/o:aud":"o"}},"StringLike":{{"oidc.circleci.com/org/x:sub":"org/*"}}}}}}]}}"#
        );
        assert_eq!(
            codes(&t),
            vec![
                "set-qualifier-on-single-valued",
                "condition-key-provider-mismatch",
                "sub-wildcard-any"
            ]
        );
        let t = r#"{"Version":"1","Statement":{"Effect":"Allow","Principal":{"Federated":"https://oidc.circleci.com/org/o"},"Action":"sts:AssumeRoleWithWebIdentity"}}"#;
        assert_eq!(
            codes(t),
            vec!["policy-version-unknown", "federated-not-provider-arn"]
        );
    }

    #[test]
    fn not_action_and_sids() {
        let st = |extra: &str| {
            format!(
                r#"{{"Effect":"Allow",{P},{extra},"Condition":{{"StringEquals":{{"oidc.circleci.com/org/o:aud":"o"}},"StringLike":{{"oidc.circleci.com/org/o:sub":"org/o/project/p/user/*"}}}}}}"#
            )
        };
        let doc = |sts: &[String]| {
            format!(
                r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
                sts.join(",")
            )
        };
        // `NotAction` that lists the web identity action never applies to it: nothing "beyond" it is allowed.
        let t = doc(&[st(r#""NotAction":"sts:AssumeRoleWithWebIdentity""#)]);
        assert!(codes(&t).is_empty(), "{:?}", codes(&t));
        let t = doc(&[st(r#""NotAction":"sts:AssumeRole""#)]);
        assert_eq!(codes(&t), vec!["oidc-principal-other-action"]);
        let p = json::parse(&t).unwrap();
        let mut f = Vec::new();
        let loc = Locator {
            spans: Some(&p.spans),
            prefix: "",
        };
        let policy = parse::parse(&p.value, loc, &mut f);
        let found = lint(&policy, loc, false);
        assert!(found[0].message.starts_with("statement 1 uses `NotAction`, so it allows the OIDC principal every action it does not list"), "{}", found[0].message);
        // `Sid`: alphanumeric and unique, or IAM rejects the document.
        let a = st(r#""Sid":"A","Action":"sts:AssumeRoleWithWebIdentity""#);
        assert_eq!(
            codes(&doc(&[a.clone(), a.clone()])),
            vec!["statement-sid-duplicate"]
        );
        // Several empty `Sid`s (Terraform AWS provider v4 output) are accepted.
        let empty = st(r#""Sid":"","Action":"sts:AssumeRoleWithWebIdentity""#);
        assert!(codes(&doc(&[empty.clone(), empty])).is_empty());
        let bad = st(r#""Sid":"Allow-CircleCI OIDC","Action":"sts:AssumeRoleWithWebIdentity""#);
        assert_eq!(codes(&doc(&[bad])), vec!["statement-sid-invalid"]);
        let fine = st(r#""Sid":"AllowCircleCI2","Action":"sts:AssumeRoleWithWebIdentity""#);
        assert!(codes(&doc(&[fine])).is_empty());
    }

    #[test]
    fn broad_sub_patterns() {
        let said =
            |v: &str| broad_sub(v, true, &"statement 1", &|| None).map(|f| (f.code, f.message));
        let code = |v: &str| said(v).map(|(c, _)| c);
        assert_eq!(code("*"), Some("sub-wildcard-any"));
        assert_eq!(code("org/*/project/*"), Some("sub-wildcard-any"));
        assert_eq!(code("org/o/*"), Some("sub-wildcard-project"));
        assert_eq!(code("org/o/project/*"), Some("sub-wildcard-project"));
        assert_eq!(code("org/o/project/p/user/*"), None);
        // A pinned project pins the subject, whatever the org segment says.
        assert_eq!(code("org/*/project/p/user/*"), None);
        assert_eq!(code("*/project/p/*"), None);
        // Open at the start, pinned further on: said as such, not as "everything".
        assert_eq!(
            said("*/vcs-origin/github.com/my-org/*").unwrap().1,
            "the `sub` pattern `*/vcs-origin/github.com/my-org/*` in statement 1 starts open: it matches every project and user of the orgs the provider trusts, as long as the rest of the subject fits `/vcs-origin/github.com/my-org/*`"
        );
        assert_eq!(
            said("*/vcs-ref/refs/heads/release").unwrap().1,
            "the `sub` pattern `*/vcs-ref/refs/heads/release` in statement 1 starts open: it matches every project and user of the orgs the provider trusts, as long as the rest of the subject fits `/vcs-ref/refs/heads/release`"
        );
        assert_eq!(
            said("org/*").unwrap().1,
            "the `sub` pattern `org/*` in statement 1 matches the subject of every project in any org the provider trusts"
        );
        // `${*}` is IAM's escape for a literal `*` under 2012-10-17: `org/${*}` matches only `org/*`.
        assert_eq!(code("org/${*}"), None);
        assert_eq!(
            broad_sub("org/${*}", false, &"s", &|| None).map(|f| f.code),
            Some("sub-wildcard-any")
        );
    }
}
