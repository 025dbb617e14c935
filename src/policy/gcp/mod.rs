//! Google Cloud workload identity federation: an OIDC workload identity pool provider evaluated
//! against the token: `issuerUri`, `allowedAudiences`, `attributeMapping` and `attributeCondition`
//! (CEL, evaluated by [`cel`]). A list of providers (`providers list`) accepts the token when one of them does.
//!
//! A finding about a field of the provider carries where that field is written (its key, in the provider the
//! finding is about when a list was pasted; the provider itself when the field is missing); findings about the
//! token or the whole list carry no location.
//!
//! Finding codes emitted here:
//!
//! | code | severity | meaning |
//! |---|---|---|
//! | `gcp-unrecognized` | error | the JSON is not a workload identity pool provider |
//! | `gcp-credential-configuration` | error | a credential configuration (`create-cred-config`, `"type": "external_account"`) was pasted: the job's side, not the provider |
//! | `gcp-no-attribute-condition` | warning | no `attributeCondition`: every token of the issuer with an allowed `aud` is accepted |
//! | `gcp-condition-org-only` | warning | the condition reads only org-wide claims (`aud`, `iss`, `oidc.circleci.com/org-id`, `sub` up to `org/<org>/`): every project of the org is accepted |
//! | `gcp-prefix-without-slash` | warning | `startsWith` on the vcs origin without a trailing `/` also accepts look-alike owners and repositories |
//! | `gcp-subject-too-long` | error | the mapped `google.subject` exceeds 127 bytes (a V2 CircleCI `sub` does) |
//! | `gcp-not-evaluated` | info | a check could not be evaluated (a field known only after apply, a CEL feature claimcheck does not evaluate, ...): it names which and why; the verdict is left undecided unless another check fails |
//! | `sub-expects-v1` / `sub-expects-v2` | error | the condition compares `assertion.sub` with this job's other token version's `sub` |
//! | `custom-webhook-no-vcs` | error | the condition pins a branch/repository (vcs claims or a V2 `sub`); the token has no vcs part (custom webhook) |
//! | `vcs-origin-fork` | error | the condition names a repository with the token's repository name under another owner (e.g. a fork's pull request) |
//! | `vcs-ref-short-name` | error | the condition compares `vcs-ref` (or a V2 `sub`) with a short branch or tag name; the full ref would match |
//! | `gcp-star-in-equals` | error | `==` against a string holding `*`, which CEL compares literally |
//! | `value-case-mismatch` | error | `==` against a claim's value in other letter case (CEL compares case-sensitively) |
//! | `gcp-condition-rejects` | error | the condition is not true for this token |
//! | `gcp-condition-invalid` | error | the condition does not compile (syntax, undeclared variable) or is over 4096 characters: google refuses to save it |
//! | `gcp-mapping-invalid` | error | a mapping expression does not compile or is over 2048 characters: google refuses to save it |
//! | `gcp-no-provider-accepts` | error | a list of providers was pasted (`providers list`) and none accepts the token |
//! | `gcp-providers-not-oidc` | info | the list holds AWS, SAML or X.509 providers, which are not evaluated |
//! | `gcp-error-attribute-condition` | error | error text: `The given credential is rejected by the attribute condition.` |
//! | `gcp-error-audience` | error | error text: the audience in the token does not match the provider |
//! | `gcp-error-subject-too-long` | error | error text: mapped `google.subject` over 127 bytes |
//! | `gcp-error-issuer` | error | error text: the issuer does not match the provider's |
//! | `gcp-error-audience-parameter` | error | error text: the exchange's `audience` is not a provider's resource name |
//! | `gcp-error-invalid-target` | error | error text: the provider the exchange names does not exist or is disabled |
//! | `gcp-error-impersonation-denied` | error | error text: `iam.serviceAccounts.getAccessToken` denied: the exchange passed, the service account's binding is missing |

pub mod bare;
pub mod cel;
mod diagnose;
mod errors;
pub mod input;
pub mod mapping;
pub mod rules;

use serde_json::{Map, Value};

use crate::policy::json::{LazySpans, Object};
use crate::policy::nested;
use crate::policy::{Evaluation, PolicyKind};
use crate::report::{
    Area, Check, Finding, Location, Outcome, PolicyInfo, Severity, Snippet, Verdict,
};
use cel::{Stop, Val};

pub use errors::explain_error_text;

/// Google's own text when the condition rejects a token.
pub const REJECTED: &str = "The given credential is rejected by the attribute condition.";

/// A description of the provider form `doc` is in, or `None`.
pub fn recognize(doc: &Value) -> Option<String> {
    if credential_configuration(doc).is_some() {
        return Some(CREDENTIAL_CONFIGURATION.into());
    }
    match doc {
        Value::Array(items) if is_list(items) => {
            Some(format!(
                "{} google cloud workload identity pool providers (`gcloud iam workload-identity-pools providers list`)",
                items.len()
            ))
        }
        _ => input::read(doc)
            .map(|p| p.detected)
            .or_else(|| nested_detected(doc, nested_providers(doc).len())),
    }
}

const CREDENTIAL_CONFIGURATION: &str =
    "google credential configuration (`gcloud iam workload-identity-pools create-cred-config` output)";

/// The `audience` of a credential configuration (`"type": "external_account"`, what `create-cred-config`
/// writes and the job's client library reads): the provider the job exchanges its token with.
fn credential_configuration(doc: &Value) -> Option<&str> {
    let m = doc.as_object()?;
    if m.get("type").and_then(Value::as_str) != Some("external_account") {
        return None;
    }
    Some(m.get("audience").and_then(Value::as_str).unwrap_or(""))
}

/// A credential configuration names the provider, but is not it: say so, with the command that prints the
/// provider it names.
fn credential_configuration_pasted(audience: &str, spans: &LazySpans<'_>) -> Evaluation {
    let at = Object { spans, pointer: "" };
    // `//iam.googleapis.com/projects/<n>/locations/<l>/workloadIdentityPools/<pool>/providers/<id>`
    let parts: Vec<&str> = audience
        .trim_start_matches("https:")
        .trim_start_matches("//iam.googleapis.com/")
        .split('/')
        .collect();
    let describe = match parts[..] {
        ["projects", project, "locations", location, "workloadIdentityPools", pool, "providers", id]
            if [project, location, pool, id]
                .iter()
                .all(|p| !p.is_empty() && !p.contains(['`', '"', ' '])) =>
        {
            format!("gcloud iam workload-identity-pools providers describe {id} --workload-identity-pool={pool} --location={location} --project={project} --format=json")
        }
        _ => "gcloud iam workload-identity-pools providers describe <provider> --workload-identity-pool=<pool> --location=global --format=json".to_string(),
    };
    let names = if audience.is_empty() {
        String::new()
    } else {
        format!(
            " (its `audience` names the provider `{}`)",
            crate::report::excerpt(audience, 200)
        )
    };
    let finding = Finding::new(
        "gcp-credential-configuration",
        Severity::Error,
        Area::Policy,
        format!("this is a credential configuration, the job's side of the exchange{names}, not the provider that decides whether google accepts the token"),
    )
    .with_fix(format!("paste the provider it names: `{describe}`"))
    .located(at.at(&["type"]));
    Evaluation::unusable(
        PolicyInfo {
            kind: Some(PolicyKind::Gcp),
            detected: Some(CREDENTIAL_CONFIGURATION.into()),
            decided_by: None,
        },
        vec![finding],
    )
}

/// `providers list` output: providers only.
fn is_list(items: &[Value]) -> bool {
    !items.is_empty() && items.iter().all(|i| input::read(i).is_some())
}

/// What was detected when `count` providers were found inside `doc` (see [`nested_providers`]).
fn nested_detected(doc: &Value, count: usize) -> Option<String> {
    let what = match count {
        0 => return None,
        1 => "google cloud workload identity pool provider".to_string(),
        n => format!("{n} google cloud workload identity pool providers"),
    };
    Some(format!("{what} in {}", nested::within(doc)))
}

/// The providers inside another document (Terraform state, plan or JSON configuration, a Pulumi export), each
/// once (a plan holds the same provider in its planned values and its resource changes), with their pointers.
fn nested_providers(doc: &Value) -> Vec<(String, &Value)> {
    let mut out: Vec<(String, &Value, input::Provider)> = Vec::new();
    for (pointer, _) in nested::find(doc, input::is_nested_provider) {
        let Some(value) = doc.pointer(&pointer) else {
            continue;
        };
        let Some(mut provider) = input::read(value) else {
            continue;
        };
        provider.detected.clear();
        if !out.iter().any(|(_, _, p)| *p == provider) {
            out.push((pointer, value, provider));
        }
    }
    out.into_iter().map(|(p, v, _)| (p, v)).collect()
}

/// The fields of one provider that a Terraform plan knows only after apply (`after_unknown`): the planned values
/// lack them, so they are not missing but unknown, and so is every check that reads them.
#[derive(Debug, Default)]
struct AfterApply {
    issuer: bool,
    audiences: bool,
    condition: bool,
    disabled: bool,
    /// Mapping entries (`attribute.team`), or `*` for the whole mapping.
    mapping: Vec<String>,
}

impl AfterApply {
    /// The fields known only after apply of the provider at `pointer` in `doc` (none unless `doc` is a plan).
    fn of(doc: &Value, pointer: &str) -> AfterApply {
        // The resource the provider's values belong to carries its address.
        let mut address = None;
        let mut p = pointer;
        while let Some(i) = p.rfind('/') {
            p = &p[..i];
            if let Some(a) = doc
                .pointer(p)
                .and_then(|v| v.get("address"))
                .and_then(Value::as_str)
            {
                address = Some(a);
                break;
            }
        }
        let fields = [
            "attribute_condition",
            "attribute_mapping",
            "issuer_uri",
            "allowed_audiences",
            "disabled",
            "oidc",
        ];
        let mut out = AfterApply::default();
        for (at, path) in
            nested::unknown_after_apply(doc, "google_iam_workload_identity_pool_provider", &fields)
        {
            if at != address {
                continue;
            }
            match path.as_str() {
                "attribute_condition" => out.condition = true,
                "disabled" => out.disabled = true,
                "oidc" => (out.issuer, out.audiences) = (true, true),
                "oidc.issuer_uri" => out.issuer = true,
                "oidc.allowed_audiences" => out.audiences = true,
                "attribute_mapping" => out.mapping = vec!["*".to_string()],
                _ => {
                    if let Some(name) = path.strip_prefix("attribute_mapping.") {
                        if !out.mapping.iter().any(|n| n == "*" || n == name) {
                            out.mapping.push(name.to_string());
                        }
                    }
                }
            }
        }
        out
    }
}

/// A row for a provider field a Terraform plan knows only after apply.
fn after_apply_check(key: &str, field: &str, actual: Value) -> Check {
    Check {
        statement: Some("provider".into()),
        key: key.to_string().into(),
        operator: "equals".into(),
        expected: Value::Null,
        actual,
        result: Outcome::Unknown,
        explanation: format!(
            "cannot evaluate: this terraform plan knows `{field}` only after apply."
        ),
        fix: Some(mapping::AFTER_APPLY_FIX.into()),
    }
}

/// Evaluate a provider `doc` (or a list of them, as `providers list` prints) against `claims`.
pub fn evaluate(
    doc: &Value,
    text: &str,
    claims: Option<&Map<String, Value>>,
    now: i64,
) -> Evaluation {
    // Scanned for locations only when a finding asks for one.
    let spans = LazySpans::new(text);
    if let Some(audience) = credential_configuration(doc) {
        return credential_configuration_pasted(audience, &spans);
    }
    match doc {
        Value::Array(items) if is_list(items) => {
            let detected = recognize(doc);
            // A pool's AWS, SAML or X.509 providers never take a CircleCI token: only its OIDC ones are read.
            let other = |v: &Value| {
                v.get("oidc").is_none()
                    && ["aws", "saml", "x509"].iter().any(|k| v.get(k).is_some())
            };
            let all: Vec<(String, &Value)> = items
                .iter()
                .enumerate()
                .map(|(i, v)| (format!("/{i}"), v))
                .collect();
            let oidc: Vec<(String, &Value)> =
                all.iter().filter(|(_, v)| !other(v)).cloned().collect();
            let skipped = all.len() - oidc.len();
            if oidc.is_empty() || skipped == 0 {
                return evaluate_list(doc, &all, detected, &spans, claims, now);
            }
            let mut e = evaluate_list(doc, &oidc, detected, &spans, claims, now);
            e.findings.push(Finding::new(
                "gcp-providers-not-oidc",
                Severity::Info,
                Area::Policy,
                format!("{skipped} of the pool's providers are AWS, SAML or X.509 providers, which never take an OIDC token: only the {} OIDC ones were evaluated", oidc.len()),
            ));
            e
        }
        _ if input::read(doc).is_none() => {
            let items = nested_providers(doc);
            let detected = nested_detected(doc, items.len());
            match &items[..] {
                [(pointer, item)] => {
                    let mut e = evaluate_one(
                        item,
                        Object {
                            spans: &spans,
                            pointer,
                        },
                        &AfterApply::of(doc, pointer),
                        claims,
                        now,
                    );
                    e.info.detected = detected;
                    e
                }
                _ => evaluate_list(doc, &items, detected, &spans, claims, now),
            }
        }
        _ => evaluate_one(
            doc,
            Object {
                spans: &spans,
                pointer: "",
            },
            &AfterApply::default(),
            claims,
            now,
        ),
    }
}

/// A pool's providers: the token is accepted when one of them accepts it (the job names the provider it
/// exchanges the token with). Each provider's checks and findings are labelled with its ID.
fn evaluate_list(
    doc: &Value,
    items: &[(String, &Value)],
    detected: Option<String>,
    spans: &LazySpans<'_>,
    claims: Option<&Map<String, Value>>,
    now: i64,
) -> Evaluation {
    let mut out = Evaluation {
        info: PolicyInfo {
            kind: Some(PolicyKind::Gcp),
            detected,
            decided_by: None,
        },
        ..Evaluation::default()
    };
    let mut accepted = None;
    let mut rejected = Vec::new();
    let mut undecided = false;
    for (i, (pointer, item)) in items.iter().enumerate() {
        let id = item
            .get("name")
            .and_then(Value::as_str)
            .and_then(|n| n.rsplit('/').next())
            .or_else(|| {
                item.get("workload_identity_pool_provider_id")
                    .and_then(Value::as_str)
            })
            .filter(|id| !id.is_empty())
            .map_or_else(|| format!("#{}", i + 1), |id| format!("`{id}`"));
        let at = Object { spans, pointer };
        let e = evaluate_one(item, at, &AfterApply::of(doc, pointer), claims, now);
        for mut c in e.checks {
            c.statement = Some(match c.statement {
                Some(s) => format!("provider {id} {s}"),
                None => format!("provider {id}"),
            });
            out.checks.push(c);
        }
        for mut f in e.findings {
            f.message = format!("provider {id}: {}", f.message);
            out.findings.push(f);
        }
        match e.verdict {
            Some(Verdict::Allow) => {
                accepted.get_or_insert(id);
            }
            Some(Verdict::Deny) => {
                let why = e.info.decided_by.unwrap_or_default();
                rejected.push(format!("{id} fails on {why}"));
            }
            None => undecided = true,
        }
    }
    if claims.is_none() {
        return out;
    }
    (out.verdict, out.info.decided_by) = match accepted {
        Some(id) => (
            Some(Verdict::Allow),
            Some(format!("provider {id} accepts the token")),
        ),
        None if undecided => (None, None),
        None => {
            out.findings.push(
                Finding::new(
                    "gcp-no-provider-accepts",
                    Severity::Error,
                    Area::Policy,
                    format!(
                        "none of the {} providers accepts this token: {}",
                        items.len(),
                        rejected.join("; ")
                    ),
                )
                .with_fix("fix the provider the job exchanges its token with (the one its credential configuration names)"),
            );
            (
                Some(Verdict::Deny),
                Some("no provider accepts the token".to_string()),
            )
        }
    };
    out
}

/// Evaluate one provider `doc` (the object `at` in the pasted text) against `claims`.
fn evaluate_one(
    doc: &Value,
    at: Object<'_>,
    later: &AfterApply,
    claims: Option<&Map<String, Value>>,
    now: i64,
) -> Evaluation {
    let Some(provider) = input::read(doc) else {
        let info = PolicyInfo {
            kind: Some(PolicyKind::Gcp),
            ..PolicyInfo::default()
        };
        let finding = Finding::new(
            "gcp-unrecognized",
            Severity::Error,
            Area::Policy,
            "this JSON is not a workload identity pool provider",
        )
        .with_fix("paste `gcloud iam workload-identity-pools providers describe <id> --location=global --workload-identity-pool=<pool> --format=json`");
        return Evaluation::unusable(info, vec![finding]);
    };
    let mut eval = Evaluation {
        info: PolicyInfo {
            kind: Some(PolicyKind::Gcp),
            detected: Some(provider.detected.clone()),
            decided_by: None,
        },
        ..Evaluation::default()
    };
    // Fields pasted alone: a missing condition was not pasted rather than absent.
    if provider.condition.is_none() && !later.condition && !provider.fields_alone() {
        eval.findings.push(
            Finding::new(
                "gcp-no-attribute-condition",
                Severity::Warning,
                Area::Policy,
                "the provider has no `attributeCondition`: every token from this issuer with an allowed audience is accepted (all projects of the org)",
            )
            .with_fix("add `--attribute-condition=\"assertion['oidc.circleci.com/project-id'] == '<project-id>'\"`")
            .located(at.at(&[provider.condition_key])),
        );
    }
    eval.findings.extend(invalid_expressions(&provider, at));
    // Compiled once: linted here, evaluated below.
    let compiled_condition = provider
        .condition
        .as_deref()
        .map(cel::check::compile_condition);
    if let Some(Ok(expr)) = &compiled_condition {
        let condition_at = at.at(&[provider.condition_key]);
        eval.findings.extend(
            diagnose::lint(expr, provider.mapping.as_deref())
                .into_iter()
                .map(|f| f.located(condition_at)),
        );
    }
    let Some(claims) = claims else { return eval };

    let mut checks: Vec<Check> = Vec::new();
    let iss = claims.get("iss").cloned().unwrap_or(Value::Null);
    let aud = claims.get("aud").cloned().unwrap_or(Value::Null);
    match rules::disabled(&provider) {
        Some(c) if !later.disabled || c.key == "state" => checks.push(c),
        _ if later.disabled => checks.push(after_apply_check("disabled", "disabled", Value::Null)),
        _ => {}
    }
    checks.push(if later.issuer {
        after_apply_check("issuerUri", "issuer_uri", iss)
    } else {
        rules::issuer(&provider, claims)
    });
    let audience = rules::audience(&provider, claims);
    // Unless one of the audiences the plan knows already accepts the token.
    let known_pass = audience.result == Outcome::Pass && !provider.allowed_audiences.is_empty();
    checks.push(if later.audiences && !known_pass {
        after_apply_check("allowedAudiences", "allowed_audiences", aud)
    } else {
        audience
    });
    checks.extend(rules::times(claims, now));
    let mapped =
        if provider.mapping.is_none() && provider.fields_alone() && later.mapping.is_empty() {
            mapping::not_pasted()
        } else {
            mapping::evaluate(provider.mapping.as_deref(), &later.mapping, claims)
        };
    if mapped.checks.iter().any(|c| {
        c.key == "attributeMapping.google.subject" && c.explanation.contains("127 bytes limit")
    }) {
        eval.findings.push(
            Finding::new(
                "gcp-subject-too-long",
                Severity::Error,
                Area::Policy,
                "the mapped `google.subject` is longer than 127 bytes; google rejects the token (a V2 CircleCI `sub` always is)",
            )
            .with_fix("map `google.subject=assertion['oidc.circleci.com/project-id']`, or use `$CIRCLE_OIDC_TOKEN` (V1)")
            .located(at.at(&[provider.mapping_key, "google.subject"])),
        );
    }
    // What a condition may not read: attributes whose mapping claimcheck cannot evaluate.
    let cannot = "whose mapping claimcheck cannot evaluate";
    let after_apply = "whose mapping this terraform plan knows only after apply";
    let not_pasted = "whose mapping was not pasted";
    let every = ["*".to_string()];
    let unknown_keys: Vec<(String, String, String)> = mapped
        .unknown
        .iter()
        .map(|name| (name, cannot))
        .chain(mapped.after_apply.iter().map(|name| (name, after_apply)))
        .chain(
            every
                .iter()
                .filter(|_| mapped.not_pasted)
                .map(|name| (name, not_pasted)),
        )
        .flat_map(|(name, why)| match name.split_once('.') {
            Some((var, key)) => vec![(var.to_string(), key.to_string(), why.to_string())],
            // `*`: every attribute.
            None => ["google", "attribute"]
                .map(|var| (var.to_string(), "*".to_string(), why.to_string()))
                .to_vec(),
        })
        .collect();
    let failed_mappings = mapped.failed.clone();
    let google = Val::Map(mapped.google.clone());
    let attribute = Val::Map(mapped.attribute.clone());
    checks.extend(mapped.checks);
    if let (Some(condition), Some(compiled)) = (&provider.condition, &compiled_condition) {
        let vars = vec![
            (
                "assertion".to_string(),
                Val::from_json(&Value::Object(claims.clone())),
            ),
            ("google".to_string(), google),
            ("attribute".to_string(), attribute),
        ];
        let result = match compiled {
            Ok(expr) => cel::evaluate_expr_with_unknowns(expr, vars.clone(), unknown_keys),
            Err(_) => Ok(Val::Null),
        };
        let (outcome, why, actual) = match (result, compiled) {
            (_, Err(e)) => (
                Outcome::Fail,
                format!(
                    "google compiles the condition when the provider is created or updated and would refuse this one \
                     ({}), so no real provider holds it and no token is accepted through this configuration.",
                    e.describe(condition)
                ),
                Value::Null,
            ),
            (result, Ok(_)) => match result {
            Ok(Val::Bool(true)) => (Outcome::Pass, "the condition is true for this token.".to_string(), Value::Bool(true)),
            Ok(Val::Bool(false)) => (
                Outcome::Fail,
                format!("the condition is false for this token; google answers `{REJECTED}`"),
                Value::Bool(false),
            ),
            Ok(other) => (
                Outcome::Fail,
                format!("the condition yields a {}, not a boolean; google accepts only `true`.", other.type_name()),
                other.to_json(),
            ),
            // With the failed attributes unset the condition fails; had google rejected the token at the
            // mapping instead, it fails too: either way the token is rejected.
            Err(Stop::Error(e)) if !failed_mappings.is_empty() => (
                Outcome::Fail,
                format!(
                    "the condition raises an error for this token (`{e}`) with {} unset, so google answers `{REJECTED}`; \
                     it rejects the token too if a failing mapping rejects it outright (undocumented).",
                    failed_mappings.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
                ),
                Value::Null,
            ),
            Err(Stop::Error(e)) => (
                Outcome::Fail,
                format!(
                    "the condition raises an error for this token (`{e}`), so it is not true and google answers `{REJECTED}`{}",
                    if e.starts_with("no such key") {
                        " (in CEL a missing claim is an error, not false)."
                    } else {
                        "."
                    }
                ),
                Value::Null,
            ),
            Err(Stop::Unknown(what)) => (Outcome::Unknown, format!("cannot evaluate: {what}"), Value::Null),
            },
        };
        let fix = match compiled {
            Err(e) => Some(e.hint.clone().unwrap_or_else(|| {
                "correct the expression: a condition may use only `assertion`, `google` and `attribute`.".to_string()
            })),
            Ok(_) => (outcome == Outcome::Fail).then(|| {
                "compare each claim the condition reads with the token's claims (shown above); claims with `.` or `/` in their names need `assertion['name']`.".to_string()
            }),
        };
        let rejects = outcome == Outcome::Fail && compiled.is_ok();
        // The findings below are about the condition; it is located only when there are some.
        let condition_at = rejects.then(|| at.at(&[provider.condition_key])).flatten();
        let diagnoses: Vec<Finding> = match compiled {
            Ok(expr) if outcome == Outcome::Fail => {
                diagnose::diagnose(expr, &vars, claims, provider.mapping.as_deref())
                    .into_iter()
                    .map(|f| f.located(condition_at))
                    .collect()
            }
            _ => Vec::new(),
        };
        let fix = diagnoses.iter().find_map(|f| f.fix.clone()).or(fix);
        // Using the other token variable also cures a V2 `sub` too long for `google.subject`: say it first.
        let first = eval
            .findings
            .iter()
            .position(|f| f.code == "gcp-subject-too-long")
            .filter(|_| diagnoses.iter().any(|f| f.code == "sub-expects-v1"))
            .unwrap_or(eval.findings.len());
        eval.findings.splice(first..first, diagnoses);
        if rejects {
            eval.findings.push(
                Finding::new(
                    "gcp-condition-rejects",
                    Severity::Error,
                    Area::Policy,
                    format!("the attribute condition does not hold for this token: `{REJECTED}`"),
                )
                .located(condition_at),
            );
        }
        checks.push(Check {
            statement: Some("provider".into()),
            key: "attributeCondition".into(),
            operator: "cel".into(),
            expected: Value::String(condition.clone()),
            actual,
            result: outcome,
            explanation: why,
            fix,
        });
    } else if later.condition {
        checks.push(Check {
            operator: "cel".into(),
            ..after_apply_check("attributeCondition", "attribute_condition", Value::Null)
        });
    }
    let first_fail = checks
        .iter()
        .find(|c| c.result == Outcome::Fail)
        .map(|c| c.key.clone());
    let unknown: Vec<&Check> = checks
        .iter()
        .filter(|c| c.result == Outcome::Unknown)
        .collect();
    let any_unknown = !unknown.is_empty();
    if let Some(c) = unknown.first() {
        // What could not be evaluated, and why (the first sentence of the first such row).
        let names: Vec<String> = unknown.iter().map(|c| format!("`{}`", c.key)).collect();
        let why = c
            .explanation
            .trim_start_matches("cannot evaluate: ")
            .split(". ")
            .next()
            .unwrap_or_default()
            .trim_end_matches('.');
        let outcome = match &first_fail {
            Some(key) => format!("the token is rejected whatever it yields (`{key}` fails)"),
            None => "no verdict is guessed for it".to_string(),
        };
        eval.findings.push(
            Finding::new(
                "gcp-not-evaluated",
                Severity::Info,
                Area::Policy,
                format!(
                    "{} could not be evaluated here ({why}); {outcome}",
                    names.join(", ")
                ),
            )
            .located(check_location(&c.key, &provider, at)),
        );
    }
    eval.verdict = match (&first_fail, any_unknown) {
        (Some(_), _) => Some(Verdict::Deny),
        (None, true) => None,
        (None, false) => Some(Verdict::Allow),
    };
    eval.info.decided_by = match first_fail {
        Some(key) => Some(format!("`{key}`")),
        None if !any_unknown => {
            Some("issuer, audience, token times, mapping and condition all pass".into())
        }
        None => None,
    };
    eval.checks = checks;
    eval
}

/// Where the provider field a check's `key` names was written: `None` for the token's claims (`exp`, `iat`).
fn check_location(key: &str, provider: &input::Provider, at: Object<'_>) -> Option<Location> {
    match key {
        "issuerUri" => at.at(&provider.issuer_path),
        "allowedAudiences" => at.at(&provider.audiences_path),
        "attributeCondition" => at.at(&[provider.condition_key]),
        "disabled" | "state" => at.at(&[key]),
        "attributeMapping" => at.at(&[provider.mapping_key]),
        _ => key
            .strip_prefix("attributeMapping.")
            .and_then(|name| at.at(&[provider.mapping_key, name])),
    }
}

/// A finding for each mapping expression or condition Google would refuse to save (syntax error,
/// undeclared variable): such a provider cannot exist, so it accepts no token.
fn invalid_expressions(provider: &input::Provider, at: Object<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for (name, expr) in provider.mapping.iter().flatten() {
        if let Err(e) = cel::check::compile_mapping(expr) {
            out.push(
                invalid(
                    "gcp-mapping-invalid",
                    format!("`attributeMapping` `{name}`"),
                    expr,
                    &e,
                    "correct the expression: a mapping may use only `assertion`.",
                )
                .located(at.at(&[provider.mapping_key, name])),
            );
        }
    }
    if let Some(condition) = &provider.condition {
        if let Err(e) = cel::check::compile_condition(condition) {
            out.push(
                invalid(
                    "gcp-condition-invalid",
                    "`attributeCondition`".to_string(),
                    condition,
                    &e,
                    "correct the expression: a condition may use only `assertion`, `google` and `attribute`.",
                )
                .located(at.at(&[provider.condition_key])),
            );
        }
    }
    out
}

fn invalid(
    code: &'static str,
    field: String,
    expr: &str,
    e: &cel::check::CompileError,
    default_fix: &str,
) -> Finding {
    Finding::new(
        code,
        Severity::Error,
        Area::Policy,
        format!(
            "{field} does not compile ({}) in `{}`: google checks expressions when the provider is created or \
             updated, so gcloud would refuse this configuration (`INVALID_ARGUMENT`) and no token can be accepted \
             through it",
            e.describe(expr),
            crate::report::excerpt(expr, 200)
        ),
    )
    .with_fix(e.hint.clone().unwrap_or_else(|| default_fix.to_string()))
}

fn claim_str<'a>(claims: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    claims.get(key).and_then(Value::as_str)
}

/// The provider fields (as `describe` shows them) and the `gcloud` command that creates them.
pub fn suggest(claims: &Map<String, Value>) -> Vec<Snippet> {
    let iss = claim_str(claims, "iss").unwrap_or("https://oidc.circleci.com/org/<org-id>");
    let aud = match claims.get("aud") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(a)) => a
            .first()
            .and_then(Value::as_str)
            .unwrap_or("<org-id>")
            .to_string(),
        _ => "<org-id>".into(),
    };
    let project = claim_str(claims, "oidc.circleci.com/project-id").unwrap_or("<project-id>");
    let sub_fits = claim_str(claims, "sub").is_some_and(|s| s.len() <= mapping::MAX_SUBJECT_BYTES);
    let subject = if sub_fits {
        "assertion.sub"
    } else {
        "assertion['oidc.circleci.com/project-id']"
    };
    let mut map = Map::new();
    map.insert("google.subject".into(), Value::from(subject));
    map.insert("attribute.org_id".into(), Value::from("assertion.aud"));
    map.insert(
        "attribute.project".into(),
        Value::from("assertion['oidc.circleci.com/project-id']"),
    );
    let condition = format!("attribute.project == '{project}'");
    let fields = serde_json::json!({
        "oidc": {"issuerUri": iss, "allowedAudiences": [aud]},
        "attributeMapping": map,
        "attributeCondition": condition,
    });
    let mapping_arg = map
        .iter()
        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or("")))
        .collect::<Vec<_>>()
        .join(",");
    vec![
        Snippet {
            title: "gcp: provider fields that accept this token (project pinned)".into(),
            language: "json",
            text: serde_json::to_string_pretty(&fields).unwrap_or_default(),
        },
        Snippet {
            title: "gcp: create that provider".into(),
            language: "shell",
            text: format!(
                "gcloud iam workload-identity-pools providers create-oidc circleci \\\n  --location=global --workload-identity-pool=<pool> \\\n  --issuer-uri=\"{iss}\" \\\n  --allowed-audiences=\"{aud}\" \\\n  --attribute-mapping=\"{mapping_arg}\" \\\n  --attribute-condition=\"{condition}\""
            ),
        },
        Snippet { title: "gcp: attribute condition (CEL)".into(), language: "cel", text: condition },
    ]
}

#[cfg(test)]
mod tests;
