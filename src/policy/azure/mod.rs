//! Microsoft Entra federated identity credentials (`az ad app federated-credential show` / `list`, Graph's
//! `{"value": [...]}`, or inside Terraform, ARM or Pulumi documents: see [`input`]) evaluated against the token.
//!
//! A plain credential matches when `issuer`, `subject` and an `audiences` entry equal the token's `iss`,
//! `sub`, `aud` exactly. With several credentials the token is accepted when any one matches; otherwise
//! the nearest one (fewest failing fields) is named. Before any credential, the token's time range is
//! checked (`exp`, and `nbf` when present): entra refuses an expired token with `AADSTS700024`. Its clock-skew
//! allowance is not documented: a token that expired less than 5 minutes before (the default of Microsoft's
//! token libraries) is undecided.
//! `claimsMatchingExpression` (flexible credentials) is not evaluated: its check is `unknown`, and for a
//! CircleCI issuer it says that microsoft documents flexible matching only for GitHub, GitLab and
//! Terraform Cloud tokens.
//!
//! A finding about a credential carries where its field (`issuer`, `subject`, `claimsMatchingExpression`) is
//! written; `azure-no-credential-matches` points at the nearest credential's failing field, or at that credential
//! when several of its fields fail.
//!
//! Finding codes emitted here:
//!
//! | code | severity | meaning |
//! |---|---|---|
//! | `azure-no-credential-matches` | error | no credential matches; names the nearest, and the error entra answers (`AADSTS7002138` when only the subject's letter case differs, else `AADSTS70021`) |
//! | `vcs-origin-fork` | error | the nearest credential's V2 subject names a repository with the token's repository name under another owner (e.g. a fork) |
//! | `azure-no-credentials` | error | microsoft graph lists no federated credential for the app: no token matches |
//! | `azure-issuer-trailing-slash` | warning | a credential's issuer ends with `/` (CircleCI's `iss` never does) |
//! | `azure-wildcard-in-credential` | warning | `*` in issuer or subject: entra has no wildcards |
//! | `azure-subject-pins-user` | info | a plain credential pins one `user/…` (and one token version) |
//! | `azure-expression-not-evaluated` | info | a `claimsMatchingExpression` was not evaluated |
//! | `azure-unrecognized` | error | the JSON is not a federated credential |
//! | `azure-error-aadsts70021` | error | `AADSTS70021: No matching federated identity record found` |
//! | `azure-error-aadsts700211` / `-700212` / `-700213` | error | no record for the presented issuer / audience / subject |
//! | `azure-error-aadsts7002138` | error | the presented subject matches a credential's only without letter case |
//! | `azure-error-aadsts700024` | error | the assertion is outside its valid time range (expired token) |
//! | `azure-error-aadsts50166` | error | entra could not fetch the issuer's OIDC metadata or keys |
//! | `azure-error-aadsts700016` | error | no application with the login's client ID in the tenant |
//! | `azure-error-aadsts700027` | error | the token's signature did not verify with the issuer's keys |
//! | `azure-error-aadsts90002` | error | the login's tenant ID does not exist |
//! | `azure-error-other` | info | another AADSTS code, named with Microsoft's lookup page |

mod errors;
pub mod input;
pub mod rules;

use serde_json::{Map, Value};

use crate::policy::aws::diagnose::{fork_finding, forked_from, named_origin};
use crate::policy::json::{LazySpans, Locate, Object};
use crate::policy::{Evaluation, PolicyKind};
use crate::report::{Area, Finding, Outcome, PolicyInfo, Severity, Snippet, Verdict};

pub use errors::explain_error_text;

/// A description of the credential form `doc` is in, or `None`.
pub fn recognize(doc: &Value) -> Option<String> {
    input::read(doc).map(|(_, detected)| detected)
}

/// Evaluate every credential in `doc` against `claims`.
pub fn evaluate(
    doc: &Value,
    text: &str,
    claims: Option<&Map<String, Value>>,
    now: i64,
) -> Evaluation {
    let Some((creds, detected)) = input::read(doc) else {
        let info = PolicyInfo {
            kind: Some(PolicyKind::Azure),
            ..PolicyInfo::default()
        };
        let finding = Finding::new(
            "azure-unrecognized",
            Severity::Error,
            Area::Policy,
            "this JSON is not an entra federated identity credential (it needs `issuer`, `subject`, `audiences`)",
        )
        .with_fix("paste the output of `az ad app federated-credential list --id <app-id>`");
        return Evaluation::unusable(info, vec![finding]);
    };
    // Scanned for locations only when a finding asks for one.
    let spans = LazySpans::new(text);
    let mut eval = Evaluation {
        info: PolicyInfo {
            kind: Some(PolicyKind::Azure),
            detected: Some(detected),
            decided_by: None,
        },
        findings: lint(&creds, &spans),
        ..Evaluation::default()
    };
    if creds.is_empty() {
        let app = input::graph_application(doc)
            .map(|id| format!("app `{id}`"))
            .unwrap_or_else(|| "the app".into());
        eval.findings.push(
            Finding::new(
                "azure-no-credentials",
                Severity::Error,
                Area::Policy,
                format!("{app} has no federated identity credential (microsoft graph lists none), so entra has no record to match any token against: it answers `AADSTS70021: No matching federated identity record found for presented assertion.` (or `AADSTS700211`: no record for the presented issuer)"),
            )
            .with_fix("check that the ID is the app registration the job logs in with (`az login --service-principal -u <client-id>`: its client ID, or the app's object ID in graph), or register a credential for this token with `az ad app federated-credential create` (suggested below)"),
        );
        if claims.is_some() {
            eval.verdict = Some(Verdict::Deny);
            eval.info.decided_by = Some(format!("{app} has no federated identity credential"));
        }
    }
    let Some(claims) = claims else { return eval };

    let times = rules::times(claims, now);
    let time_fail = times
        .iter()
        .find(|c| c.result == Outcome::Fail)
        .map(|c| c.key.to_string());
    let time_unknown = times.iter().any(|c| c.result == Outcome::Unknown);
    let results: Vec<Vec<crate::report::Check>> =
        creds.iter().map(|c| rules::evaluate(c, claims)).collect();
    let fails = |checks: &Vec<crate::report::Check>| {
        checks.iter().filter(|c| c.result == Outcome::Fail).count()
    };
    let unknowns = |checks: &Vec<crate::report::Check>| {
        checks
            .iter()
            .filter(|c| c.result == Outcome::Unknown)
            .count()
    };
    let matching = results
        .iter()
        .position(|r| fails(r) == 0 && unknowns(r) == 0);
    let undecided = results
        .iter()
        .position(|r| fails(r) == 0 && unknowns(r) > 0);
    if let (Some(i), None, false) = (matching, &time_fail, time_unknown) {
        eval.verdict = Some(Verdict::Allow);
        eval.info.decided_by = Some(format!("credential `{}` matches", creds[i].name));
    } else if let (Some(i), None) = (matching, &time_fail) {
        eval.verdict = None;
        eval.info.decided_by = Some(format!(
            "credential `{}` matches, but the token's `exp` check is undecided",
            creds[i].name
        ));
    } else if let (Some(i), None) = (undecided, &time_fail) {
        eval.verdict = None;
        let why = match results[i].iter().find(|c| c.result == Outcome::Unknown) {
            Some(c) if c.key != "claimsMatchingExpression" => {
                format!("its `{}` is known only after apply", c.key)
            }
            _ => "its expression is not evaluated".to_string(),
        };
        eval.info.decided_by = Some(format!("credential `{}` ({why})", creds[i].name));
    }
    if matching.is_none() && undecided.is_none() {
        let Some((i, r)) = results.iter().enumerate().min_by_key(|(_, r)| fails(r)) else {
            eval.checks = times;
            return eval;
        };
        eval.verdict = Some(Verdict::Deny);
        let failing: Vec<&str> = r
            .iter()
            .filter(|c| c.result == Outcome::Fail)
            .map(|c| c.key.as_ref())
            .collect();
        let nearest = if creds.len() > 1 {
            format!(
                "the nearest is `{}` ({} failing: {})",
                creds[i].name,
                failing.len(),
                failing.join(", ")
            )
        } else {
            format!("`{}` fails on {}", creds[i].name, failing.join(", "))
        };
        eval.info.decided_by = Some(format!("no credential matches; {nearest}"));
        let iss = claims.get("iss").and_then(Value::as_str).unwrap_or("");
        let sub = claims.get("sub").and_then(Value::as_str).unwrap_or("");
        let aud = rules::audiences(claims).join(", ");
        // Only the subject fails, and only by letter case: entra names that case (AADSTS7002138, since its
        // August 2024 switch to case-sensitive matching) instead of the plain AADSTS70021.
        let case_only = failing == ["subject"]
            && creds[i]
                .subject
                .is_some_and(|s| !sub.is_empty() && s != sub && s.eq_ignore_ascii_case(sub));
        // Entra also answers with a code naming the field no credential has (AADSTS700211/-212/-213).
        let field_code = match failing[..] {
            ["issuer"] => " (or `AADSTS700211`: no record for the presented issuer)",
            ["audiences"] => " (or `AADSTS700212`: no record for the presented audience)",
            ["subject"] => " (or `AADSTS700213`: no record for the presented subject)",
            _ => "",
        };
        // The one field that fails (as the credential writes it), or the whole credential when several do.
        let field: &[&str] = match failing[..] {
            ["audiences"] => &[creds[i].audience_key],
            [one] => &[one],
            _ => &[],
        };
        let nearest_at = Object {
            spans: &spans,
            pointer: &creds[i].pointer,
        }
        .at(field);
        // A V2 subject naming a repository that the token's origin forks: a forked pull request.
        let origin = claims
            .get("oidc.circleci.com/vcs-origin")
            .and_then(Value::as_str);
        let parent = creds[i].subject.and_then(named_origin);
        if let (Some(parent), Some(origin), ["subject"]) = (parent, origin, &failing[..]) {
            if forked_from(parent, origin) {
                let names = format!("the subject of `{}` names", creds[i].name);
                eval.findings
                    .push(fork_finding(origin, parent, &names).located(nearest_at));
            }
        }
        eval.findings.push(
            Finding::new(
                "azure-no-credential-matches",
                Severity::Error,
                Area::Policy,
                if case_only {
                    format!(
                        "no federated credential matches this token ({nearest}, whose subject differs from `sub` only in letter case); entra answers `AADSTS7002138: No matching federated identity record found for presented assertion subject '{sub}'. The subject matches with case-insensitive comparison, but not with case-sensitive comparison.`"
                    )
                } else {
                    format!(
                        "no federated credential matches this token ({nearest}); entra answers `AADSTS70021: No matching federated identity record found for presented assertion. Assertion Issuer: '{iss}'. Assertion Subject: '{sub}'. Assertion Audience: '{aud}'.`{field_code}"
                    )
                },
            )
            .with_fix(
                // Only the subject fails, and only by letter case: write it as the token has it.
                case_only
                    .then(|| format!("set the subject of `{}` to `{sub}`, letter case included (the owner and repository in `vcs-origin` keep the case the VCS gives them)", creds[i].name))
                    // Only the subject fails, and it is this job's other token version: switch the variable.
                    .or_else(|| creds[i]
                    .subject
                    .filter(|_| failing == ["subject"])
                    .and_then(|registered| rules::version_fix(registered, claims))
                    // Only the audience fails, entra's default against the org ID: register it, or mint it.
                    .or_else(|| {
                        (failing == ["audiences"])
                            .then(|| rules::audience_fix(&creds[i].audiences, claims))
                            .flatten()
                    })
                    )
                    .unwrap_or_else(|| format!("register a credential with issuer `{iss}`, subject `{sub}` and audience `{aud}`")),
            )
            .located(nearest_at),
        );
    }
    if let Some(key) = time_fail {
        eval.verdict = Some(Verdict::Deny);
        eval.info.decided_by = Some(format!(
            "`{key}`: the token is outside its valid time range (entra answers `AADSTS700024`)"
        ));
    }
    eval.checks = times
        .into_iter()
        .chain(results.into_iter().flatten())
        .collect();
    eval
}

fn lint(creds: &[input::Credential<'_>], spans: &dyn Locate) -> Vec<Finding> {
    let mut out = Vec::new();
    for cred in creds {
        let at = |key: &str| {
            Object {
                spans,
                pointer: &cred.pointer,
            }
            .at(&[key])
        };
        if cred.issuer.is_some_and(|i| i.ends_with('/')) {
            out.push(
                Finding::new(
                    "azure-issuer-trailing-slash",
                    Severity::Warning,
                    Area::Policy,
                    format!("credential `{}`: the issuer ends with `/`; CircleCI's `iss` never does, and entra compares exactly", cred.name),
                )
                .with_fix("remove the trailing `/` from the issuer")
                .located(at("issuer")),
            );
        }
        let star_in_issuer = cred.issuer.is_some_and(|i| i.contains('*'));
        if star_in_issuer || cred.subject.is_some_and(|s| s.contains('*')) {
            out.push(
                Finding::new(
                    "azure-wildcard-in-credential",
                    Severity::Warning,
                    Area::Policy,
                    format!(
                        "credential `{}`: `*` is not a wildcard in entra federated credentials",
                        cred.name
                    ),
                )
                .with_fix("register the exact `sub`, one credential per subject")
                .located(at(if star_in_issuer { "issuer" } else { "subject" })),
            );
        }
        if cred.expression.is_some() {
            out.push(
                Finding::new(
                    "azure-expression-not-evaluated",
                    Severity::Info,
                    Area::Policy,
                    format!("credential `{}` uses `claimsMatchingExpression` (preview); claimcheck does not evaluate it", cred.name),
                )
                .located(at("claimsMatchingExpression")),
            );
        } else if cred
            .subject
            .is_some_and(|s| s.contains("/user/") && !s.contains('*'))
        {
            out.push(
                Finding::new(
                    "azure-subject-pins-user",
                    Severity::Info,
                    Area::Policy,
                    if cred.subject.is_some_and(|s| s.contains("/vcs-origin/")) {
                        format!(
                            "credential `{}` pins one CircleCI `sub`: one user, one project, one repository and branch, one token version (a V2 subject never matches `$CIRCLE_OIDC_TOKEN`)",
                            cred.name
                        )
                    } else {
                        format!(
                            "credential `{}` pins one CircleCI `sub`: one user, one project, one token version (a V1 subject never matches `$CIRCLE_OIDC_TOKEN_V2`)",
                            cred.name
                        )
                    },
                )
                .located(at("subject")),
            );
        }
    }
    out
}

/// An `az ad app federated-credential create --parameters` payload for this token.
pub fn suggest(claims: &Map<String, Value>) -> Vec<Snippet> {
    let iss = claims
        .get("iss")
        .and_then(Value::as_str)
        .unwrap_or("https://oidc.circleci.com/org/<org-id>");
    let sub = claims
        .get("sub")
        .and_then(Value::as_str)
        .unwrap_or("org/<org-id>/project/<project-id>/user/<user-id>");
    let aud = rules::audiences(claims)
        .into_iter()
        .next()
        .unwrap_or_else(|| "<org-id>".into());
    let params = serde_json::json!({
        "name": "circleci",
        "issuer": iss,
        "subject": sub,
        "audiences": [aud],
        "description": "CircleCI OIDC (this exact sub: one user, one project, this token version)",
    });
    let json = serde_json::to_string_pretty(&params).unwrap_or_default();
    vec![Snippet {
        title: "azure: a federated identity credential matching this token".into(),
        language: "shell",
        text: format!(
            "az ad app federated-credential create --id <app-id> --parameters '{}'",
            json.replace('\'', "'\\''")
        ),
    }]
}

#[cfg(test)]
mod tests;
