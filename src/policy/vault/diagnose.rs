//! Known causes (DOMAIN.md section 6) recognised from a failing role, each an error finding whose fix is the
//! one thing to do; the same fix replaces the generic one on the failing check. Codes shared with the AWS
//! module keep its meaning (`sub-expects-v1`, `sub-expects-v2`, `custom-webhook-no-vcs`, `vcs-origin-fork`,
//! `vcs-ref-short-name`).

use serde_json::{Map, Value};

use super::rules::{type_mismatch_fix, Rule};
use crate::policy::aws::diagnose::{
    fork_finding, forked_from, full_ref, short_ref_finding, SubParts,
};
use crate::policy::json::Object;
use crate::report::{Area, Finding, Outcome, Severity};

const VCS_REF: &str = "oidc.circleci.com/vcs-ref";
const VCS_ORIGIN: &str = "oidc.circleci.com/vcs-origin";

/// Which of this job's token versions a pinned `sub` was written for, when the token is the other one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Version {
    /// The pin is this job's V1 `sub`; the token is V2.
    ExpectsV1,
    /// The pin is this job's V2 `sub` (same V1 part, the token's vcs claims); the token is V1.
    ExpectsV2,
    /// The pin has a vcs part; the token has none and no vcs claims (a custom-webhook pipeline).
    CustomWebhook,
}

/// The token carries neither vcs claim.
pub fn no_vcs_claims(claims: &Map<String, Value>) -> bool {
    !claims.contains_key(VCS_REF) && !claims.contains_key(VCS_ORIGIN)
}

/// The V2 `sub` this job's other variable carries, from a V1 `sub` and the vcs claims.
pub fn v2_sub(v1: &str, claims: &Map<String, Value>) -> Option<String> {
    let origin = claims.get(VCS_ORIGIN).and_then(Value::as_str)?;
    let vcs_ref = claims.get(VCS_REF).and_then(Value::as_str)?;
    Some(format!("{v1}/vcs-origin/{origin}/vcs-ref/{vcs_ref}"))
}

/// How `pinned` (a `sub` compared exactly) relates to the token's `sub`, when it is a version problem.
pub fn version(pinned: &str, claims: &Map<String, Value>) -> Option<Version> {
    let token_sub = claims.get("sub").and_then(Value::as_str)?;
    let token = SubParts::parse(token_sub)?;
    let pin = SubParts::parse(pinned)?;
    match (&token.vcs, &pin.vcs) {
        (Some(_), None) if pinned == token.v1() => Some(Version::ExpectsV1),
        (None, Some(_)) if no_vcs_claims(claims) => Some(Version::CustomWebhook),
        (None, Some(_)) if v2_sub(token_sub, claims).as_deref() == Some(pinned) => {
            Some(Version::ExpectsV2)
        }
        _ => None,
    }
}

/// A `sub` in `bound_claims` that this job's other token variable would match (its V1 `sub` for a V2 token, its
/// V2 `sub` for a V1 token), as `bound_subject`'s diagnosis says it.
fn bound_sub_version(
    claim: &str,
    expected: &Value,
    glob: bool,
    claims: &Map<String, Value>,
) -> Option<Finding> {
    let sub = claims.get("sub").and_then(Value::as_str)?;
    let token = SubParts::parse(sub)?;
    let listed: Vec<&str> = match expected {
        Value::String(e) => vec![e.as_str()],
        Value::Array(list) => list.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let other = match token.vcs {
        Some(_) => token.v1(),
        None => v2_sub(sub, claims)?,
    };
    let bound = listed.into_iter().find(|e| {
        if glob {
            super::glob::glob_match(e, &other)
        } else {
            *e == other
        }
    })?;
    Some(if token.vcs.is_some() {
        Finding::new(
            "sub-expects-v1",
            Severity::Error,
            Area::Policy,
            format!("bound claim `{claim}` (`{bound}`) matches this job's V1 `sub`, but the token is V2 (`{sub}`)"),
        )
        .with_fix(format!("use $CIRCLE_OIDC_TOKEN (V1) to log in, or bind `{claim}` to a pattern the V2 sub matches (`bound_claims_type=glob` with `{}/*`)", token.v1()))
    } else {
        Finding::new(
            "sub-expects-v2",
            Severity::Error,
            Area::Policy,
            format!("bound claim `{claim}` (`{bound}`) matches this job's V2 `sub` (with `/vcs-origin/…/vcs-ref/…`), but the token is V1 (`{sub}`)"),
        )
        .with_fix("use $CIRCLE_OIDC_TOKEN_V2 to log in: this role binds the V2 sub, which pins the repository and branch")
    })
}

/// The findings for the failing rules of `role` (the object `at` in the pasted text), in vault's order, each
/// located at the field it is about; each replaces its check's fix.
pub fn diagnose(
    role: &Map<String, Value>,
    at: Object<'_>,
    claims: &Map<String, Value>,
    rules: &mut [Rule],
) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut webhook_reported = false;
    let sub = claims.get("sub").and_then(Value::as_str).unwrap_or("");
    let project = claims
        .get("oidc.circleci.com/project-id")
        .and_then(Value::as_str)
        .unwrap_or("<project-id>");
    // In `order`, ties in the order written: an insertion sort of a dozen rules (no sort code in the wasm).
    let mut order: Vec<usize> = Vec::with_capacity(rules.len());
    for i in 0..rules.len() {
        let at = order.partition_point(|&j| rules[j].order <= rules[i].order);
        order.insert(at, i);
    }
    for i in order {
        let rule = &mut rules[i];
        if rule.check.result != Outcome::Fail {
            continue;
        }
        let key = rule.check.key.to_string();
        let found = if key == "bound_subject" {
            let bound = role
                .get("bound_subject")
                .and_then(Value::as_str)
                .unwrap_or("");
            match version(bound, claims) {
                Some(Version::ExpectsV1) => Some(Finding::new(
                    "sub-expects-v1",
                    Severity::Error,
                    Area::Policy,
                    format!("`bound_subject` is this job's V1 `sub` (`{bound}`), but the token is V2 (`{sub}`); vault compares `bound_subject` exactly, so it never matches"),
                )
                .with_fix(format!("use $CIRCLE_OIDC_TOKEN (V1) to log in: this role's `bound_subject` is the job's V1 sub (or set `bound_subject` to the V2 sub `{sub}`, which also pins the repository and branch)"))),
                Some(Version::ExpectsV2) => Some(Finding::new(
                    "sub-expects-v2",
                    Severity::Error,
                    Area::Policy,
                    format!("`bound_subject` is this job's V2 `sub` (with `/vcs-origin/…/vcs-ref/…`), but the token is V1 (`{sub}`); vault compares `bound_subject` exactly, so it never matches"),
                )
                .with_fix(format!("use $CIRCLE_OIDC_TOKEN_V2 to log in: this role's `bound_subject` is the job's V2 sub (or set `bound_subject` to the V1 sub `{sub}`)"))),
                Some(Version::CustomWebhook) if !webhook_reported => {
                    webhook_reported = true;
                    Some(Finding::new(
                        "custom-webhook-no-vcs",
                        Severity::Error,
                        Area::Policy,
                        "`bound_subject` pins a repository and branch (`/vcs-origin/…/vcs-ref/…`), but this token has no vcs part (no `oidc.circleci.com/vcs-origin`/`vcs-ref` claims: a pipeline triggered by a custom webhook), so it can never match",
                    )
                    .with_fix(format!("custom-webhook pipelines get a `sub` with no vcs part: log them in with a separate role whose `bound_subject` is `{sub}` (or that binds `oidc.circleci.com/project-id` `{project}` in `bound_claims`)")))
                }
                _ => full_ref(bound, true, |f| f == sub)
                    .map(|full| short_ref_finding(bound, &full, "`bound_subject`")),
            }
        } else if let Some(claim) = key.strip_prefix("bound_claims.") {
            let named = vcs_claim(claim);
            let kind = role
                .get("bound_claims_type")
                .and_then(Value::as_str)
                .unwrap_or("string");
            let expected = role
                .get("bound_claims")
                .and_then(|b| b.get(claim))
                .unwrap_or(&Value::Null);
            let origin = claims.get(VCS_ORIGIN).and_then(Value::as_str);
            let version = matches!(claim, "sub" | "/sub")
                .then(|| bound_sub_version(claim, expected, kind == "glob", claims))
                .flatten();
            let parent = match (named, origin, expected) {
                (Some("repository"), Some(origin), Value::String(e)) => {
                    forked_from(e, origin).then_some(e.as_str())
                }
                (Some("repository"), Some(origin), Value::Array(list)) => list
                    .iter()
                    .filter_map(Value::as_str)
                    .find(|e| forked_from(e, origin)),
                _ => None,
            };
            if version.is_some() {
                version
            } else if let (Some(parent), Some(origin)) = (parent, origin) {
                Some(fork_finding(
                    origin,
                    parent,
                    &format!("bound claim `{claim}` expects"),
                ))
            } else if let Some((e, full)) = named
                .filter(|n| *n == "branch")
                .and_then(|_| rule.check.actual.as_str())
                .and_then(|actual| {
                    let listed: Vec<&str> = match expected {
                        Value::String(e) => vec![e.as_str()],
                        Value::Array(list) => list.iter().filter_map(Value::as_str).collect(),
                        _ => Vec::new(),
                    };
                    listed
                        .into_iter()
                        .find_map(|e| full_ref(e, false, |f| f == actual).map(|full| (e, full)))
                })
            {
                Some(short_ref_finding(
                    e,
                    &full,
                    &format!("bound claim `{claim}`"),
                ))
            } else if let Some(f) = comma_joined(role, claim, expected, &rule.check.actual, kind) {
                Some(f)
            } else if let (Some(named), false) = (named, webhook_reported) {
                let webhook = rule.check.actual.is_null()
                    && no_vcs_claims(claims)
                    && SubParts::parse(sub).is_some_and(|s| s.vcs.is_none());
                webhook.then(|| {
                    webhook_reported = true;
                    Finding::new(
                        "custom-webhook-no-vcs",
                        Severity::Error,
                        Area::Policy,
                        format!("bound claim `{claim}` pins a {named}, but this token has no vcs claims (no `oidc.circleci.com/vcs-origin`/`vcs-ref`: a pipeline triggered by a custom webhook), so vault answers `claim \"{claim}\" is missing`"),
                    )
                    .with_fix(format!("custom-webhook pipelines get no `oidc.circleci.com/vcs-ref`/`vcs-origin` claims: log them in with a separate role that binds `oidc.circleci.com/project-id` (`{project}`) without them in `bound_claims`"))
                })
            } else if kind == "string" {
                type_mismatch_fix(claim, expected, &rule.check.actual, false).map(|fix| {
                    Finding::new(
                        "vault-bound-claim-type-mismatch",
                        Severity::Error,
                        Area::Policy,
                        format!("bound claim `{claim}` holds {}, but the token's value is {}: with `bound_claims_type=string` vault compares types, so they never match", described(expected), described(&rule.check.actual)),
                    )
                    .with_fix(fix)
                })
            } else {
                None
            }
        } else {
            None
        };
        if let Some(f) = found {
            let f = match key.strip_prefix("bound_claims.") {
                Some(claim) => f.located(at.at(&["bound_claims", claim])),
                None => f.located(at.at(&[&key])),
            };
            if let Some(fix) = &f.fix {
                rule.check.fix = Some(fix.clone());
            }
            out.push(f);
        }
    }
    out
}

/// A bound value that is one string joining several values with commas (`"refs/heads/main,refs/heads/dev"`),
/// one of which the token's value is: vault compares the whole string (only terraform-provider-vault splits a
/// value at commas, before sending it, unless `disable_bound_claims_parsing` is set).
fn comma_joined(
    role: &Map<String, Value>,
    claim: &str,
    expected: &Value,
    actual: &Value,
    kind: &str,
) -> Option<Finding> {
    let values: Vec<&str> = match actual {
        Value::String(a) => vec![a.as_str()],
        Value::Array(list) => list.iter().filter_map(Value::as_str).collect(),
        _ => return None,
    };
    let listed: Vec<&str> = match expected {
        Value::String(e) => vec![e.as_str()],
        Value::Array(list) => list.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    let joined = listed.into_iter().find(|e| {
        e.contains(',')
            && e.split(',').map(str::trim).any(|part| {
                values.iter().any(|v| {
                    if kind == "glob" {
                        super::glob::glob_match(part, v)
                    } else {
                        part == *v
                    }
                })
            })
    })?;
    let parts: Vec<Value> = joined
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(Value::from)
        .collect();
    let list = Value::Array(parts).to_string();
    let fix = if role
        .get("disable_bound_claims_parsing")
        .and_then(Value::as_bool)
        == Some(true)
    {
        format!("remove `disable_bound_claims_parsing = true`: terraform then sends `{joined}` as the list `{list}`")
    } else {
        format!("bind a list instead of one string: `\"{claim}\": {list}` (a list admits any of its values)")
    };
    Some(
        Finding::new(
            "vault-bound-claim-comma",
            Severity::Error,
            Area::Policy,
            format!("bound claim `{claim}` holds the one string `{joined}`: vault compares it whole and does not split it at commas, so the token's `{}` never matches it", values.join("`, `")),
        )
        .with_fix(fix),
    )
}

/// What a vcs claim key pins (`branch` or `repository`), for the literal name or its escaped pointer.
fn vcs_claim(key: &str) -> Option<&'static str> {
    match key {
        VCS_REF | "/oidc.circleci.com~1vcs-ref" => Some("branch"),
        VCS_ORIGIN | "/oidc.circleci.com~1vcs-origin" => Some("repository"),
        _ => None,
    }
}

/// A value with its JSON type, for messages: the string `"false"`, the boolean `false`.
fn described(v: &Value) -> String {
    match v {
        Value::String(s) => format!("the string `\"{s}\"`"),
        Value::Bool(b) => format!("the boolean `{b}`"),
        Value::Number(n) => format!("the number `{n}`"),
        Value::Array(_) => format!("the list `{v}`"),
        other => format!("`{other}`"),
    }
}
