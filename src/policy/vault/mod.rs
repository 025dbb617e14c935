//! HashiCorp Vault JWT auth: a role (and optionally the mount's config) evaluated against the token.
//!
//! Accepted forms are described in [`input`]. The combined form is
//! `{"config": <auth/jwt/config data>, "role": <auth/jwt/role/NAME data>}`; either part may be raw
//! `vault read -format=json` output.
//!
//! Rules were confirmed against hashicorp/vault-plugin-auth-jwt (`path_login.go`, `claims.go`,
//! `path_role.go`) and hashicorp/cap's JWT validator; see [`rules`].
//!
//! A finding about a field of the role or config (`bound_claims/<claim>`, `bound_subject`, `role_type`,
//! `bound_issuer`, …) carries where that field is written, or where the object that lacks it is;
//! `vault-config-not-given` and `vault-first-error` carry no location.
//!
//! Finding codes emitted here:
//!
//! | code | severity | meaning |
//! |---|---|---|
//! | `vault-role-type-not-jwt` | error | `role_type` is `oidc` (or unset, which means `oidc`): JWT logins are refused |
//! | `vault-no-bound-audiences` | warning | the role binds no audience |
//! | `vault-role-unbound` | warning | neither `bound_subject` nor `bound_claims`: any token of the issuer logs in |
//! | `vault-star-in-string-bound-claim` | warning | a bound value contains `*` but `bound_claims_type` is `string` |
//! | `vault-pointer-splits-claim-name` | warning | a bound claim key like `/oidc.circleci.com/project-id` is a JSON pointer into nested objects |
//! | `vault-config-not-given` | info | no auth config pasted: `iss` was not checked |
//! | `vault-role-not-given` | warning | only the auth config pasted: the role, which decides the rest, was not |
//! | `vault-no-issuer-binding` | warning | the config has neither `bound_issuer` nor `oidc_discovery_url` |
//! | `vault-bound-cidrs-not-checked` | info | the role binds client addresses, which cannot be checked offline |
//! | `sub-expects-v1` | error | `bound_subject` is this job's V1 `sub` but the token is V2: use `$CIRCLE_OIDC_TOKEN` |
//! | `sub-expects-v2` | error | `bound_subject` is this job's V2 `sub` but the token is V1: use `$CIRCLE_OIDC_TOKEN_V2` |
//! | `custom-webhook-no-vcs` | error | `bound_subject` or a bound vcs claim pins a branch/repository; the token has no vcs part (custom webhook) |
//! | `vcs-origin-fork` | error | a bound `oidc.circleci.com/vcs-origin` names a repository with the token's repository name under another owner (e.g. a fork's pull request) |
//! | `vcs-ref-short-name` | error | `bound_subject` or a bound `oidc.circleci.com/vcs-ref` names a branch or tag without `refs/heads/`/`refs/tags/` |
//! | `vault-bound-claim-comma` | error | a bound value is one string joining values with commas, one of them the token's: vault compares it whole |
//! | `vault-bound-claim-type-mismatch` | error | a bound value is the token's value in another JSON type (`"false"` vs `false`) with `bound_claims_type=string` |
//! | `vault-first-error` | info | the error Vault itself would return (it stops at the first failure) |
//! | `vault-error-*` | error | a recognised Vault login error text, see [`errors`] |

pub mod diagnose;
mod errors;
pub mod glob;
pub mod input;
pub mod pointer;
pub mod rules;
pub mod table;

use serde_json::{Map, Value};

use crate::policy::json::{LazySpans, Locate, Object};
use crate::policy::{Evaluation, PolicyKind};
use crate::report::{Area, Finding, Outcome, PolicyInfo, Severity, Snippet, Verdict};

pub use errors::explain_error_text;

/// A description of the Vault form `doc` is in, or `None` when it is not a Vault JWT role or config.
pub fn recognize(doc: &Value) -> Option<String> {
    let all = input::read_all(doc);
    match all.len() {
        0 => None,
        1 => all.into_iter().next().map(|i| i.detected),
        n => Some(format!(
            "{n} {}",
            all[0]
                .detected
                .replacen("vault JWT auth role", "vault JWT auth roles", 1)
        )),
    }
}

/// The name of a role found in another document (Terraform's `role_name`), else where it is.
fn role_name(input: &input::VaultInput<'_>) -> String {
    input
        .role
        .as_ref()
        .and_then(|r| r.get("role_name"))
        .and_then(Value::as_str)
        .map_or_else(|| input.role_pointer.clone(), str::to_string)
}

/// Evaluate a Vault role/config `doc` against `claims` at `now`, without the token's header: the config's
/// `jwt_supported_algs` is checked against the `alg` CircleCI signs with (see [`evaluate_with_alg`]).
pub fn evaluate(
    doc: &Value,
    text: &str,
    claims: Option<&Map<String, Value>>,
    now: i64,
) -> Evaluation {
    evaluate_with_alg(doc, text, claims, now, None)
}

/// Evaluate a Vault role/config `doc` against `claims` at `now`; `alg` is the token header's `alg`, which the
/// config's `jwt_supported_algs` must list (`None`: the header is not known, and CircleCI's `RS256` is taken).
pub fn evaluate_with_alg(
    doc: &Value,
    text: &str,
    claims: Option<&Map<String, Value>>,
    now: i64,
    alg: Option<&str>,
) -> Evaluation {
    let mut all = input::read_all(doc);
    if all.len() > 1 {
        return several_roles(all, doc, text, claims, now, alg);
    }
    let Some(input) = all.pop() else {
        let info = PolicyInfo {
            kind: Some(PolicyKind::Vault),
            ..PolicyInfo::default()
        };
        let finding = Finding::new(
            "vault-unrecognized",
            Severity::Error,
            Area::Policy,
            "this JSON is not a vault JWT role or auth config",
        )
        .with_fix("paste the output of `vault read -format=json auth/jwt/role/<name>`");
        return Evaluation::unusable(info, vec![finding]);
    };
    evaluate_input(input, text, claims, now, alg)
}

/// Evaluate one role (and its config, if any) against `claims` at `now`.
fn evaluate_input(
    input: input::VaultInput<'_>,
    text: &str,
    claims: Option<&Map<String, Value>>,
    now: i64,
    alg: Option<&str>,
) -> Evaluation {
    // Scanned for locations only when a finding asks for one.
    let spans = LazySpans::new(text);
    let role_at = Object {
        spans: &spans,
        pointer: &input.role_pointer,
    };
    let mut findings = lint(&input, &spans);
    let mut eval = Evaluation {
        info: PolicyInfo {
            kind: Some(PolicyKind::Vault),
            detected: Some(input.detected.clone()),
            decided_by: None,
        },
        ..Evaluation::default()
    };
    let Some(claims) = claims else {
        eval.findings = findings;
        return eval;
    };
    let given = rules::Given {
        alg,
        role_unknown: &input.role_unknown,
        config_unknown: &input.config_unknown,
    };
    let mut rules = rules::evaluate(
        input.role.as_deref(),
        input.config.as_deref(),
        claims,
        now,
        given,
    );
    if let Some(role) = input.role.as_deref() {
        findings.extend(diagnose::diagnose(role, role_at, claims, &mut rules));
    }
    let first = rules
        .iter()
        .filter(|r| r.check.result == Outcome::Fail)
        .min_by_key(|r| r.order)
        .map(|r| (r.check.key.clone(), r.vault_error.clone(), r.order));
    // Vault checks `bound_claims` in Go map order, which is random: with several failing, its answer names any.
    let tied = first
        .as_ref()
        .filter(|(key, _, _)| key.starts_with("bound_claims."))
        .map_or(0, |(_, _, order)| {
            rules
                .iter()
                .filter(|r| r.check.result == Outcome::Fail && r.order == *order)
                .count()
        });
    // Checks vault runs before the first failing one whose field is known only after apply: its answer is that
    // failure only if they pass.
    let pending: Vec<String> = first
        .as_ref()
        .map(|(_, _, order)| {
            rules
                .iter()
                .filter(|r| r.order <= *order && r.check.operator == "known after apply")
                .map(|r| format!("`{}`", r.check.key))
                .collect()
        })
        .unwrap_or_default();
    let unless = match &pending[..] {
        [] => String::new(),
        [one] => format!(" (if {one}, known only after apply, passes)"),
        many => format!(" (if {}, known only after apply, pass)", many.join(", ")),
    };
    let any_fail = first.is_some();
    let any_unknown = rules.iter().any(|r| r.check.result == Outcome::Unknown);
    eval.checks = rules.into_iter().map(|r| r.check).collect();
    eval.verdict = if any_fail {
        Some(Verdict::Deny)
    } else if any_unknown {
        None
    } else if input.role.is_some() {
        Some(Verdict::Allow)
    } else {
        None
    };
    match first {
        Some((key, error, _)) if tied > 1 => {
            let others = match tied - 1 {
                1 => "1 other failing check".to_string(),
                n => format!("{n} other failing checks"),
            };
            eval.info.decided_by = Some(format!(
                "`{key}` and {others} of the same step (vault runs them in no fixed order)"
            ));
            if let Some(error) = error {
                findings.push(Finding::new(
                    "vault-first-error",
                    Severity::Info,
                    Area::Policy,
                    format!("vault stops at the first failure; {tied} checks of `bound_claims` fail and vault checks them in no fixed order (a Go map), so its answer names any one of them, e.g. `{error}`{unless}"),
                ));
            }
        }
        Some((key, error, _)) => {
            eval.info.decided_by = Some(format!("`{key}` (the first check vault runs that fails)"));
            if let Some(error) = error {
                findings.push(Finding::new(
                    "vault-first-error",
                    Severity::Info,
                    Area::Policy,
                    format!("vault stops at the first failure and would answer: `{error}`{unless}"),
                ));
            }
        }
        None if eval.verdict == Some(Verdict::Allow) => {
            eval.info.decided_by = Some("every rule of the role".into());
        }
        None if input.role.is_none() && !any_unknown => {
            eval.info.decided_by = Some(
                "undecided: the auth config accepts the token's issuer; no role was pasted".into(),
            );
        }
        None => {}
    }
    eval.findings = findings;
    eval
}

/// Several roles (in Terraform state, say): the login names one, so the first that accepts the token is
/// evaluated, else one whose answer is open, else the nearest (fewest failing checks); `vault-several-roles`
/// names the others.
fn several_roles(
    all: Vec<input::VaultInput<'_>>,
    doc: &Value,
    text: &str,
    claims: Option<&Map<String, Value>>,
    now: i64,
    alg: Option<&str>,
) -> Evaluation {
    let names: Vec<String> = all.iter().map(role_name).collect();
    // Each role alone, as if only it had been found (its pointer keeps locations in the pasted text).
    let results: Vec<Evaluation> = all
        .into_iter()
        .map(|one| evaluate_input(one, text, claims, now, alg))
        .collect();
    // The role that accepts the token; else one that may (its verdict is open, so the answer is too); else the
    // nearest (fewest failing checks), whose failures are the likeliest cause, rather than the first.
    let allowing = results
        .iter()
        .position(|e| e.verdict == Some(Verdict::Allow));
    let open = results.iter().position(|e| e.verdict.is_none());
    let failing = |e: &Evaluation| {
        e.checks
            .iter()
            .filter(|c| c.result == crate::report::Outcome::Fail)
            .count()
    };
    let nearest = results
        .iter()
        .enumerate()
        .min_by_key(|(i, e)| (failing(e), *i))
        .map_or(0, |(i, _)| i);
    let (pick, why) = match (allowing, open, claims) {
        (Some(i), _, _) => (i, "the first that accepts this token".to_string()),
        (None, _, None) => (0, "the first".to_string()),
        (None, Some(i), Some(_)) => (i, "the first whose verdict is open".to_string()),
        (None, None, Some(_)) => {
            let n = results.get(nearest).map_or(0, failing);
            (
                nearest,
                format!(
                    "the nearest: {n} failing check{}",
                    if n == 1 { "" } else { "s" }
                ),
            )
        }
    };
    let others: Vec<String> = names
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != pick)
        .map(|(_, n)| format!("`{n}`"))
        .collect();
    let Some(mut e) = results.into_iter().nth(pick) else {
        return Evaluation::default();
    };
    e.info.detected = recognize(doc);
    e.findings.insert(
        0,
        Finding::new(
            "vault-several-roles",
            Severity::Info,
            Area::Policy,
            format!(
                "the input holds {} roles; claimcheck evaluated `{}` ({why}), not {}",
                names.len(),
                names[pick],
                others.join(", ")
            ),
        )
        .with_fix("the job logs in with one role (`vault write auth/jwt/login role=<name> jwt=...`): to check another, paste only that role"),
    );
    e
}

fn lint(input: &input::VaultInput<'_>, spans: &dyn Locate) -> Vec<Finding> {
    let mut out = Vec::new();
    let role_at = Object {
        spans,
        pointer: &input.role_pointer,
    };
    let config_at = Object {
        spans,
        pointer: &input.config_pointer,
    };
    if input.config.is_none() {
        out.push(
            Finding::new(
                "vault-config-not-given",
                Severity::Info,
                Area::Policy,
                "the issuer (`iss`) is checked by the auth config, which was not pasted",
            )
            .with_fix("paste `{\"config\": <vault read -format=json auth/jwt/config>, \"role\": <the role>}` to check it too"),
        );
    }
    // A field known only after apply holds a value: nothing is said about its absence.
    let role_pending = |k: &str| input.role_unknown.iter().any(|u| u == k);
    let config_pending = |k: &str| input.config_unknown.iter().any(|u| u == k);
    if let Some(config) = input.config.as_deref() {
        let has = |k: &str| {
            config_pending(k)
                || config
                    .get(k)
                    .and_then(Value::as_str)
                    .is_some_and(|s| !s.is_empty())
        };
        if !has("bound_issuer") && !has("oidc_discovery_url") {
            out.push(
                Finding::new(
                    "vault-no-issuer-binding",
                    Severity::Warning,
                    Area::Policy,
                    "the auth config sets neither `bound_issuer` nor `oidc_discovery_url`, so `iss` is never compared",
                )
                .with_fix("set `bound_issuer=https://oidc.circleci.com/org/<org-id>` on `auth/jwt/config`")
                .located(config_at.at(&[["bound_issuer", "oidc_discovery_url"]
                    .into_iter()
                    .find(|k| config.contains_key(*k))
                    .unwrap_or("bound_issuer")])),
            );
        }
    }
    let Some(role) = input.role.as_deref() else {
        out.push(
            Finding::new(
                "vault-role-not-given",
                Severity::Warning,
                Area::Policy,
                "only the auth config was pasted: it checks the issuer, but the role the job logs in with decides the rest (audiences, subject, bound claims)",
            )
            .with_fix("paste the role too: `{\"config\": <vault read -format=json auth/<mount>/config>, \"role\": <vault read -format=json auth/<mount>/role/<name>>}`"),
        );
        return out;
    };
    let role_type = role.get("role_type").and_then(Value::as_str).unwrap_or("");
    if role_type != "jwt" && !role_pending("role_type") {
        let shown = if role_type.is_empty() {
            "unset (vault's default is `oidc`)".to_string()
        } else {
            format!("`{role_type}`")
        };
        out.push(
            Finding::new(
                "vault-role-type-not-jwt",
                Severity::Error,
                Area::Policy,
                format!("`role_type` is {shown}: vault refuses JWT logins to it with `role with oidc role_type is not allowed`"),
            )
            .with_fix("write the role with `role_type=jwt`")
            .located(role_at.at(&["role_type"])),
        );
    }
    if rules::string_list(role.get("bound_audiences")).is_empty()
        && !role_pending("bound_audiences")
    {
        out.push(
            Finding::new(
                "vault-no-bound-audiences",
                Severity::Warning,
                Area::Policy,
                "the role binds no audience (`bound_audiences`)",
            )
            .with_fix("set `bound_audiences` to your CircleCI org ID (the default `aud`)")
            .located(role_at.at(&["bound_audiences"])),
        );
    }
    let has_subject = role_pending("bound_subject")
        || match role.get("bound_subject") {
            Some(Value::String(s)) => !s.is_empty(),
            Some(Value::Number(_)) => true,
            _ => false,
        };
    // Anything but an empty map or string binds something (a malformed value is its own unknown row).
    let has_claims = role_pending("bound_claims")
        || match role.get("bound_claims") {
            Some(Value::Object(m)) => !m.is_empty(),
            Some(Value::String(s)) => !s.is_empty(),
            Some(Value::Null) | None => false,
            Some(_) => true,
        };
    if !has_subject && !has_claims {
        out.push(
            Finding::new(
                "vault-role-unbound",
                Severity::Warning,
                Area::Policy,
                "the role sets neither `bound_subject` nor `bound_claims`: any token from the issuer can log in",
            )
            .with_fix("bind `oidc.circleci.com/project-id` in `bound_claims`")
            .located(role_at.at(&[["bound_claims", "bound_subject"]
                .into_iter()
                .find(|k| role.contains_key(*k))
                .unwrap_or("bound_claims")])),
        );
    }
    let kind = role
        .get("bound_claims_type")
        .and_then(Value::as_str)
        .unwrap_or("string");
    if let Some(Value::Object(bound)) = role.get("bound_claims") {
        for (key, value) in bound {
            let has_star = match value {
                Value::String(s) => s.contains('*'),
                Value::Array(items) => items
                    .iter()
                    .any(|v| v.as_str().is_some_and(|s| s.contains('*'))),
                _ => false,
            };
            if kind == "string" && has_star && !role_pending("bound_claims_type") {
                out.push(
                    Finding::new(
                        "vault-star-in-string-bound-claim",
                        Severity::Warning,
                        Area::Policy,
                        format!("bound claim `{key}` contains `*`, which is a literal character unless `bound_claims_type=glob`"),
                    )
                    .with_fix("set `bound_claims_type=glob` on the role")
                    .located(role_at.at(&["bound_claims", key])),
                );
            }
            if key.starts_with('/') && key.contains("oidc.circleci.com/") {
                out.push(
                    Finding::new(
                        "vault-pointer-splits-claim-name",
                        Severity::Warning,
                        Area::Policy,
                        format!("bound claim key `{key}` starts with `/`, so vault reads it as a JSON pointer and splits the claim name at `/`"),
                    )
                    .with_fix(format!(
                        "write `{}` (no leading `/`) or `{}`",
                        key.trim_start_matches('/'),
                        key.replacen("oidc.circleci.com/", "oidc.circleci.com~1", 1)
                    ))
                    .located(role_at.at(&["bound_claims", key])),
                );
            }
        }
    }
    let cidrs = ["token_bound_cidrs", "bound_cidrs"]
        .into_iter()
        .find(|k| !rules::string_list(role.get(*k)).is_empty());
    if let Some(key) = cidrs {
        out.push(
            Finding::new(
                "vault-bound-cidrs-not-checked",
                Severity::Info,
                Area::Policy,
                "the role binds client addresses (`token_bound_cidrs`); whether the job's address is allowed cannot be checked here",
            )
            .located(role_at.at(&[key])),
        );
    }
    out
}

fn claim_str<'a>(claims: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    claims.get(key).and_then(Value::as_str)
}

/// A `vault write auth/jwt/role/...` command (and the matching config command) built from the token.
pub fn suggest(claims: &Map<String, Value>) -> Vec<Snippet> {
    let (aud, _) = rules::audiences(claims);
    let aud = aud.first().cloned().unwrap_or_else(|| "<org-id>".into());
    let iss = claim_str(claims, "iss").unwrap_or("https://oidc.circleci.com/org/<org-id>");
    let project = claim_str(claims, "oidc.circleci.com/project-id").unwrap_or("<project-id>");
    let mut bound = Map::new();
    bound.insert(
        "oidc.circleci.com/project-id".into(),
        Value::String(project.into()),
    );
    let vcs_ref = claim_str(claims, "oidc.circleci.com/vcs-ref");
    if let Some(vcs_ref) = vcs_ref {
        bound.insert(
            "oidc.circleci.com/vcs-ref".into(),
            Value::String(vcs_ref.into()),
        );
    }
    // Without vcs claims (a custom-webhook pipeline) the role pins the project only.
    let pinned = if vcs_ref.is_some() {
        "branch pinned; edit the glob to widen it"
    } else {
        "project pinned: this token has no `oidc.circleci.com/vcs-ref` to pin a branch with"
    };
    let role = serde_json::json!({
        "role_type": "jwt",
        "user_claim": "sub",
        "bound_audiences": [aud],
        "bound_claims_type": "glob",
        "bound_claims": bound,
        "token_policies": ["circleci"],
        "token_ttl": "15m",
    });
    let role_text = serde_json::to_string_pretty(&role).unwrap_or_default();
    vec![
        Snippet {
            title: "vault: JWT auth config trusting this token's issuer".into(),
            language: "shell",
            text: format!("vault write auth/jwt/config \\\n  oidc_discovery_url=\"{iss}\" \\\n  bound_issuer=\"{iss}\""),
        },
        Snippet {
            title: format!("vault: a JWT role this token can log in to ({pinned})"),
            language: "shell",
            text: format!("vault write auth/jwt/role/circleci - <<'EOF'\n{role_text}\nEOF"),
        },
    ]
}

#[cfg(test)]
mod tests;
