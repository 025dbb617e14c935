//! AWS: a role trust policy evaluated for `sts:AssumeRoleWithWebIdentity` exactly as STS and IAM would.
//!
//! Stages: [`parse`] (find the document in what was pasted, read it with locations), [`cfn`] (a
//! CloudFormation template's `Fn::Sub`/`Ref`/`Fn::GetAtt` and a Serverless configuration's `${self:...}`
//! resolved), [`context`] (the request context STS builds from the token), [`eval`] (IAM's evaluation,
//! three-valued), [`lint`] (Access-Analyzer-like findings on the policy alone), [`diagnose`] (why it fails, with
//! fixes), [`generate`] (policies built from the token), [`sts_error`] (STS error messages explained).
//!
//! | code | severity | meaning |
//! |---|---|---|
//! | `aws-no-token` | info | no token given: only the policy was checked |
//! | `aws-offline-limits` | info | what STS checks that cannot be checked offline |
//! | `policy-rejected-by-iam` | error | IAM would refuse to save the document (the verdict is then deny) |
//! | `aws-several-roles` | info | the input holds several roles: which one was evaluated, and why |
//! | `policy-conditions-only` | warning | only a `Condition` block was pasted: principal, action and other statements unchecked |

use std::borrow::Cow;

use serde_json::{Map, Value};

use crate::policy::embedded::Embedded;
use crate::policy::json::{Duplicate, LazySpans, Locate};
use crate::policy::Evaluation;
use crate::report::{
    Area, Check, Finding, Location, Outcome, PolicyInfo, Severity, Snippet, Verdict,
};

pub mod cfn;
pub mod context;
pub mod dates;
pub mod diagnose;
pub mod eval;
pub mod generate;
pub mod glob;
pub mod lint;
pub mod operators;
pub mod parse;
pub mod provider;
pub mod sts_error;

pub use parse::Policy;

/// What was detected, when `doc` holds an AWS trust policy.
pub fn recognize(doc: &Value) -> Option<String> {
    parse::find(doc)
        .map(|f| f.detected)
        .or_else(|| statements_alone(doc).then(|| STATEMENTS_ALONE.to_string()))
        .or_else(|| conditions_alone(doc).map(|_| CONDITIONS_ALONE.to_string()))
}

const CONDITIONS_ALONE: &str =
    "an IAM `Condition` block without its statement (read as an `Allow` statement for \
     `sts:AssumeRoleWithWebIdentity` trusting the provider its keys name)";

/// A statement's `Condition` block pasted alone, as CircleCI's docs show it (`"Condition": {"StringLike":
/// {...}}`, read as `{"Condition": ...}`), or the operators' object itself: every operator one IAM defines,
/// each over condition keys (`<provider>:<claim>`, `aws:...`).
fn conditions_alone(doc: &Value) -> Option<&Map<String, Value>> {
    let obj = doc.as_object()?;
    let block = match obj.get("Condition") {
        Some(Value::Object(c)) if obj.len() == 1 => c,
        _ => obj,
    };
    let conditions = !block.is_empty()
        && block.iter().all(|(op, keys)| {
            operators::Operator::parse(op).is_some()
                && keys
                    .as_object()
                    .is_some_and(|k| !k.is_empty() && k.keys().all(|key| key.contains(':')))
        });
    conditions.then_some(block)
}

/// [`evaluate`] for a `Condition` block pasted alone: it is evaluated in an `Allow` statement for
/// `sts:AssumeRoleWithWebIdentity` that trusts the provider its keys name (else the token's issuer). The
/// principal and action were not pasted: their rows are left out while they pass, and a warning says what
/// was not checked.
fn evaluate_conditions_alone(
    block: &Map<String, Value>,
    claims: Option<&Map<String, Value>>,
    now: i64,
) -> Evaluation {
    let from_keys = block
        .values()
        .filter_map(Value::as_object)
        .flat_map(|keys| keys.keys())
        .filter_map(|key| key.rsplit_once(':').map(|(provider, _)| provider))
        .find(|provider| provider.contains('.') && !provider.contains(' '));
    let from_token = claims
        .and_then(|c| c.get("iss"))
        .and_then(Value::as_str)
        .map(|iss| iss.trim_start_matches("https://"));
    let provider = from_keys.or(from_token).unwrap_or("oidc.circleci.com");
    let doc = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": format!("arn:aws:iam::000000000000:oidc-provider/{provider}")},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": block,
        }],
    });
    let text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    let mut ev = evaluate(&doc, &text, claims, now);
    ev.checks
        .retain(|c| !(matches!(&*c.key, "principal" | "action") && c.result == Outcome::Pass));
    for f in &mut ev.findings {
        f.location = None; // they point into the statement built here, not into what was pasted
    }
    ev.findings.push(
        Finding::new(
            "policy-conditions-only",
            Severity::Warning,
            Area::Policy,
            format!(
                "only a `Condition` block was pasted: its conditions were evaluated as part of an `Allow` statement \
                 for `sts:AssumeRoleWithWebIdentity` trusting `{provider}`; the role's real principal, action and \
                 any other statement (a `Deny`) were not checked"
            ),
        )
        .with_fix("paste the role's whole trust policy (`aws iam get-role --role-name <name>`) to check them too"),
    );
    ev.info.detected = Some(CONDITIONS_ALONE.to_string());
    ev
}

const STATEMENTS_ALONE: &str =
    "IAM policy statements without their document (read as a `2012-10-17` trust policy holding them)";

/// A statement (or a list of them) pasted without its document, as docs and issues often show it:
/// `{"Effect": ..., "Principal": ..., "Action": ...}`.
fn statements_alone(doc: &Value) -> bool {
    let one = |v: &Value| {
        v.as_object().is_some_and(|m| {
            m.contains_key("Effect")
                && (m.contains_key("Principal") || m.contains_key("NotPrincipal"))
                && (m.contains_key("Action") || m.contains_key("NotAction"))
                && !m.contains_key("Statement")
        })
    };
    match doc {
        Value::Array(items) => !items.is_empty() && items.iter().all(one),
        v => one(v),
    }
}

/// [`evaluate`] for statements pasted without their document: the text is wrapped in one
/// (`{"Version": "2012-10-17", "Statement":` on a line of its own), and locations are moved back a line.
fn evaluate_statements_alone(
    text: &str,
    claims: Option<&Map<String, Value>>,
    now: i64,
) -> Option<Evaluation> {
    let wrapped = format!("{{\"Version\": \"2012-10-17\", \"Statement\":\n{text}\n}}");
    let value = crate::policy::json::parse(&wrapped)
        .ok()
        .filter(|p| !p.url_decoded)?
        .value;
    let mut ev = evaluate(&value, &wrapped, claims, now);
    for f in &mut ev.findings {
        f.location = f.location.filter(|at| at.line > 1).map(|at| Location {
            line: at.line - 1,
            column: at.column,
        });
    }
    ev.info.detected = Some(STATEMENTS_ALONE.to_string());
    Some(ev)
}

/// Evaluate the trust policy found in `doc` (parsed from `text`) against `claims` at `now`. When the input holds
/// several roles, the one evaluated is, with a token, the first that trusts the token's OIDC provider and allows
/// it, else the first that trusts that provider; otherwise (or without a token) the first that trusts a web
/// identity. The `aws-several-roles` finding says which one and why.
pub fn evaluate(
    doc: &Value,
    text: &str,
    claims: Option<&Map<String, Value>>,
    now: i64,
) -> Evaluation {
    let mut all = parse::find_all(doc);
    if all.is_empty() && statements_alone(doc) {
        if let Some(ev) = evaluate_statements_alone(text, claims, now) {
            return ev;
        }
    }
    if all.is_empty() {
        if let Some(block) = conditions_alone(doc) {
            return evaluate_conditions_alone(block, claims, now);
        }
    }
    let Some(default) = parse::default_pick(&all) else {
        let finding = Finding::new(
            "policy-no-statement",
            Severity::Error,
            Area::Policy,
            "no IAM trust policy found in the pasted JSON",
        );
        return Evaluation::unusable(PolicyInfo::default(), vec![finding]);
    };
    // The providers are compared with the token's issuer: without a token, they are not looked for.
    let providers = if claims.is_some() {
        provider::all(doc)
    } else {
        Vec::new()
    };
    if all.len() == 1 {
        return evaluate_found(all.swap_remove(0), doc, text, &providers, claims, now).0;
    }
    // Each role evaluated, when there is a token to choose by.
    let results: Vec<(Evaluation, bool)> = match claims {
        Some(_) => all
            .iter()
            .map(|f| evaluate_found(f.clone(), doc, text, &providers, claims, now))
            .collect(),
        None => Vec::new(),
    };
    // Each role as its document names it; a name given twice is no name.
    let named: Vec<String> = all.iter().map(|f| role_name(doc, &f.pointer)).collect();
    let mut names: Vec<String> = (0..all.len())
        .map(|i| match named.iter().filter(|n| **n == named[i]).count() {
            1 => named[i].clone(),
            _ => all[i].pointer.clone(),
        })
        .collect();
    let trusting: Vec<usize> = (0..results.len()).filter(|&i| results[i].1).collect();
    let allows = |i: &usize| results[*i].0.verdict == Some(Verdict::Allow);
    let (pick, why) = match (
        trusting.iter().copied().find(allows),
        trusting.first().copied(),
    ) {
        (Some(i), _) => (
            i,
            "the role that trusts this token's provider and allows it",
        ),
        (None, Some(i)) => (
            i,
            "the role that trusts this token's provider; none of them allows it",
        ),
        (None, None) => (default, "the first that trusts a web identity"),
    };
    let also: Vec<String> = trusting
        .iter()
        .filter(|&&i| i != pick)
        .map(|&i| {
            format!(
                "`{}` ({})",
                names[i],
                if allows(&i) {
                    "allows it too"
                } else {
                    "denies it"
                }
            )
        })
        .collect();
    let mut ev = match results.into_iter().nth(pick) {
        Some((ev, _)) => ev,
        None => evaluate_found(all[pick].clone(), doc, text, &providers, claims, now).0,
    };
    let chosen = names.swap_remove(pick);
    // Sorted as `&str`, the one string sort the wasm holds.
    let mut others: Vec<&str> = names.iter().map(String::as_str).collect();
    others.sort_unstable();
    let shown: Vec<String> = others.iter().take(8).map(|p| format!("`{p}`")).collect();
    let more = others.len().saturating_sub(8);
    let also = match also.len() {
        0 => String::new(),
        _ => format!("; also trusting this token's provider: {}", also.join(", ")),
    };
    ev.findings.insert(
        0,
        Finding::new(
            "aws-several-roles",
            Severity::Info,
            Area::Policy,
            format!(
                "the input holds {} trust policies; claimcheck evaluated `{chosen}` ({why}), not {}{}{also}",
                others.len() + 1,
                shown.join(", "),
                if more > 0 { format!(" and {more} more") } else { String::new() }
            ),
        )
        .with_fix("to check another role, paste only its trust policy (`aws iam get-role --role-name <role>`)"),
    );
    ev
}

/// How the pasted document names the role whose trust policy is at `pointer`, from the nearest enclosing object:
/// its `RoleName` (IAM output, CloudFormation `Properties`), `address` (Terraform plan), `name` (Terraform
/// `values`/`attributes`, Pulumi `outputs`), a Terraform state resource's `type.name`, or its key under
/// `Resources` (a CloudFormation logical ID) or under `resource.<type>` (Terraform JSON); else the pointer.
fn role_name(doc: &Value, pointer: &str) -> String {
    let key = |p: &str| {
        p[p.rfind('/').map_or(0, |i| i + 1)..]
            .replace("~1", "/")
            .replace("~0", "~")
    };
    let mut at = pointer;
    // A state's instance of a `for_each` or `count` resource: `["key"]` or `[0]` after the resource's address.
    let mut index = String::new();
    while let Some(i) = at.rfind('/') {
        at = &at[..i];
        let Some(Value::Object(o)) = doc.pointer(at) else {
            continue;
        };
        match o.get("index_key") {
            Some(Value::String(k)) if index.is_empty() => {
                index = format!("[{}]", Value::from(k.as_str()))
            }
            Some(Value::Number(n)) if index.is_empty() => index = format!("[{n}]"),
            _ => {}
        }
        let text = |k: &str| o.get(k).and_then(Value::as_str).filter(|s| !s.is_empty());
        if let Some(name) = text("RoleName")
            .or_else(|| text("address"))
            .or_else(|| text("name").filter(|_| !o.contains_key("type")))
        {
            return name.into();
        }
        if let (Some(t), Some(n)) = (text("type"), text("name")) {
            let module = text("module").map_or(String::new(), |m| format!("{m}."));
            let data = if text("mode") == Some("data") {
                "data."
            } else {
                ""
            };
            return format!("{module}{data}{t}.{n}{index}");
        }
        let parent = &at[..at.rfind('/').unwrap_or(0)];
        let grandparent = &parent[..parent.rfind('/').unwrap_or(0)];
        if key(parent) == "Resources" {
            return key(at);
        }
        if !parent.is_empty() && key(grandparent) == "resource" {
            return format!("{}.{}", key(parent), key(at));
        }
    }
    pointer.into()
}

/// Evaluate one found trust policy; also whether an Allow statement's `Federated` principal names the token's
/// OIDC provider (the account is not checked).
fn evaluate_found<'a>(
    found: parse::Found<'a>,
    doc: &'a Value,
    text: &str,
    providers: &[(String, provider::Audiences)],
    claims: Option<&Map<String, Value>>,
    now: i64,
) -> (Evaluation, bool) {
    let mut findings = Vec::new();
    // Locations: from the pasted text (scanned only if one is needed); a document written as a string in it
    // is located through that string's escapes.
    let spans = LazySpans::new(text);
    let outer: Option<&LazySpans<'_>> = match found.source {
        parse::Source::Object(_) => Some(&spans),
        parse::Source::Text(_) => None,
    };
    let mut info = PolicyInfo {
        kind: None,
        detected: Some(found.detected.clone()),
        decided_by: None,
    };
    let Some((document, inner)) = parse::document(&found, &mut findings) else {
        return (Evaluation::unusable(info, findings), false);
    };
    // A CloudFormation template's intrinsic functions, resolved from the template itself (pointers are unchanged).
    let (document, inner) = if found.detected.starts_with("CloudFormation") {
        // The object whose `Resources` holds the role: the pasted JSON, or what wraps it (`TemplateBody` of
        // `aws cloudformation get-template`, `resources` of a Serverless configuration).
        let template = found
            .pointer
            .find("/Resources/")
            .and_then(|i| doc.pointer(&found.pointer[..i]))
            .unwrap_or(doc);
        let config = doc.get("service").map(|_| doc);
        let resolved = cfn::resolve(document, template, config, &mut findings);
        // `AssumeRolePolicyDocument: !Sub |` and a JSON text: the usual way to put a parameter into condition
        // keys (intrinsic functions cannot be keys). Once substituted, the text is the document.
        match &*resolved {
            Value::String(text) => match crate::policy::json::parse(text) {
                Ok(p) => (
                    Cow::Owned(p.value),
                    Some(parse::Embedded {
                        spans: p.spans,
                        url_decoded: p.url_decoded,
                    }),
                ),
                Err(_) => (resolved, inner),
            },
            _ => (resolved, inner),
        }
    } else {
        (document, inner)
    };
    // A document written as a plain JSON string is located in the pasted text through the string's escapes; a
    // percent-encoded one is not (its columns would be those of the decoded text).
    let embedded = match (&inner, outer) {
        (Some(e), None) if !e.url_decoded => {
            Some(Embedded::new(text, &spans, &found.pointer, &e.spans))
        }
        _ => None,
    };
    let (locator, duplicates) = match outer {
        Some(s) => {
            let prefix = found.pointer.as_str();
            let locator = parse::Locator {
                spans: Some(s as &dyn Locate),
                prefix,
            };
            (locator, duplicate_findings(s.duplicates(doc), prefix, Some))
        }
        None => {
            let locator = parse::Locator {
                spans: embedded.as_ref().map(|e| e as &dyn Locate),
                prefix: "",
            };
            let place = |at| embedded.as_ref().and_then(|e| e.shift(at));
            let duplicates = inner.as_ref().map_or_else(Vec::new, |e| {
                duplicate_findings(&e.spans.duplicates, "", place)
            });
            (locator, duplicates)
        }
    };
    findings.extend(duplicates);
    let document: Cow<'_, Value> = document;
    let policy = parse::parse(&document, locator, &mut findings);
    let unresolved = findings.iter().any(|f| f.code == "cfn-unresolved");
    let stack_account = findings.iter().any(|f| f.code == "cfn-resolved");
    findings.extend(
        lint::lint(&policy, locator, stack_account)
            .into_iter()
            // A template's value only the deployed stack knows is `cfn-unresolved`'s.
            .filter(|f| !(unresolved && f.code == "policy-template-variable")),
    );
    let rejected = rejection(&findings);
    if let Some((f, _)) = &rejected {
        findings.push(f.clone());
    }

    let Some(claims) = claims else {
        findings.push(
            Finding::new(
                "aws-no-token",
                Severity::Info,
                Area::Policy,
                "no token given: the policy was checked on its own, without a verdict",
            )
            .with_fix(
                "paste the job's token ($CIRCLE_OIDC_TOKEN_V2) to evaluate the policy against it",
            ),
        );
        return (
            Evaluation {
                info,
                verdict: None,
                checks: Vec::new(),
                findings,
                unusable: false,
            },
            false,
        );
    };
    let mut ctx = context::Context {
        stack_values: unresolved,
        stack_account,
        ..context::Context::from_claims(claims, now)
    };
    ctx.audiences = ctx
        .provider
        .as_deref()
        .and_then(|p| provider::audiences(providers, p));
    let trusts_provider = ctx.provider.as_deref().is_some_and(|provider| {
        policy.statements.iter().any(|st| {
            st.effect == Some(parse::Effect::Allow)
                && st.principal.as_ref().is_some_and(|p| {
                    !p.negated
                        && p.entries.iter().any(|e| {
                            e.kind == "Federated" && eval::arn_provider(e.value) == Some(provider)
                        })
                })
        })
    });
    let mut ev = eval::evaluate(&policy, &ctx, claims);
    findings.extend(diagnose::diagnose(&policy, &ctx, claims, &mut ev, locator));
    findings.push(Finding::new(
        "aws-offline-limits",
        Severity::Info,
        Area::Policy,
        if ctx.audiences.is_some() {
            "claimcheck cannot see your account: that the OIDC provider pasted is the one deployed in the role's account, and the account ID in the principal, are not checked"
        } else {
            "claimcheck cannot see your account: that the OIDC provider for the token's issuer exists in the role's account, that its audiences include the token's `aud`, and the account ID in the principal are not checked"
        },
    ).with_fix("compare with `aws iam list-open-id-connect-providers` and `aws iam get-open-id-connect-provider --open-id-connect-provider-arn <arn>`"));
    if let Some((f, codes)) = &rejected {
        // A row of its own: the deny has a failing check even when every condition as written passes.
        ev.checks.insert(
            0,
            Check {
                statement: Some("IAM (saving the document)".into()),
                key: "policy document".into(),
                operator: "accepted by IAM".into(),
                expected: Value::String("a document IAM saves".into()),
                actual: Value::String(format!("`MalformedPolicyDocument`: {codes}")),
                result: Outcome::Fail,
                explanation: f.message.clone(),
                fix: f.fix.clone(),
            },
        );
        let as_written = ev.decided_by.take().unwrap_or_default();
        let rest = match ev.verdict {
            Some(Verdict::Allow) => format!("; without that, {as_written} would allow"),
            Some(Verdict::Deny) => format!("; as written, too: {as_written}"),
            None => format!("; as written, {as_written}"),
        };
        ev.verdict = Some(Verdict::Deny);
        ev.decided_by = Some(format!(
            "IAM rejects this document ({codes}), so no role can have it as its trust policy{rest}"
        ));
    }
    info.decided_by = ev.decided_by.clone();
    (
        Evaluation {
            info,
            verdict: ev.verdict,
            checks: ev.checks,
            findings,
            unusable: false,
        },
        trusts_provider,
    )
}

/// Findings that mean IAM refuses to save the document (`MalformedPolicyDocument`): such a text cannot be a
/// role's trust policy, whatever its statements say.
const REJECTED_BY_IAM: [&str; 17] = [
    "policy-not-object",
    "policy-no-statement",
    "policy-version-unknown",
    "statement-not-object",
    "statement-has-resource",
    "statement-invalid-effect",
    "statement-principal-and-notprincipal",
    "statement-missing-principal",
    "statement-not-principal",
    "statement-missing-action",
    "statement-sid-invalid",
    "statement-sid-duplicate",
    "principal-invalid",
    "action-invalid",
    "condition-invalid",
    "condition-unknown-operator",
    "condition-value-invalid",
];

/// The `policy-rejected-by-iam` finding and the codes behind it, when any finding is one IAM rejects.
fn rejection(findings: &[Finding]) -> Option<(Finding, String)> {
    let mut codes: Vec<&str> = Vec::new();
    for f in findings {
        if REJECTED_BY_IAM.contains(&f.code) && !codes.contains(&f.code) {
            codes.push(f.code);
        }
    }
    if codes.is_empty() {
        return None;
    }
    let codes = codes
        .iter()
        .map(|c| format!("`{c}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let finding = Finding::new(
        "policy-rejected-by-iam",
        Severity::Error,
        Area::Policy,
        format!("IAM refuses to save this document (`aws iam update-assume-role-policy` answers `MalformedPolicyDocument`), so it cannot be the role's trust policy: see {codes}"),
    )
    .with_fix("fix those errors, or paste the trust policy the role really has: `aws iam get-role --role-name <role> --query Role.AssumeRolePolicyDocument`");
    Some((finding, codes))
}

/// `policy-duplicate-key` findings; `place` maps a location of the scanned text to one in the pasted text
/// (`None`: not locatable there, so the message gives the embedded document's own line and column).
fn duplicate_findings(
    duplicates: &[Duplicate],
    prefix: &str,
    place: impl Fn(Location) -> Option<Location>,
) -> Vec<Finding> {
    duplicates
        .iter()
        .filter(|d| d.object.starts_with(prefix))
        .map(|d| {
            let first = match place(d.first) {
                Some(at) => format!("line {}, column {}", at.line, at.column),
                None => format!(
                    "line {}, column {} of the embedded document",
                    d.first.line, d.first.column
                ),
            };
            let mut f = Finding::new(
                "policy-duplicate-key",
                Severity::Warning,
                Area::Policy,
                format!(
                    "`{}` appears twice in the same object (first at {first}); claimcheck reads the last one, and AWS may reject the document or read it differently",
                    d.key
                ),
            )
            .with_fix("merge the two into one key (several values go in one list)");
            f.location = place(d.location);
            f
        })
        .collect()
}

/// Trust policies generated from the token.
pub fn suggest(claims: &Map<String, Value>) -> Vec<Snippet> {
    generate::suggest(claims)
}

/// Explain an STS error message.
pub fn explain_error_text(text: &str, claims: Option<&Map<String, Value>>) -> Vec<Finding> {
    sts_error::explain(text, claims)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn role_name_from_the_document() {
        let p = json!({"Version": "2012-10-17", "Statement": []});
        let state = json!({"resources": [
            {"mode": "data", "type": "aws_iam_policy_document", "name": "trust", "instances": [{"attributes": {"json": "{}"}}]},
            {"module": "module.ci", "mode": "managed", "type": "aws_iam_role", "name": "deployer", "instances": [{"attributes": {"assume_role_policy": "{}"}}]},
            {"mode": "managed", "type": "aws_iam_role", "name": "x", "instances": [{"attributes": {"name": "circleci-deployer", "assume_role_policy": "{}"}}]},
        ]});
        assert_eq!(
            role_name(&state, "/resources/0/instances/0/attributes/json"),
            "data.aws_iam_policy_document.trust"
        );
        assert_eq!(
            role_name(
                &state,
                "/resources/1/instances/0/attributes/assume_role_policy"
            ),
            "module.ci.aws_iam_role.deployer"
        );
        assert_eq!(
            role_name(
                &state,
                "/resources/2/instances/0/attributes/assume_role_policy"
            ),
            "circleci-deployer"
        );
        // `for_each` and `count` instances without a `name` attribute: named by their index.
        let each = json!({"resources": [{"mode": "managed", "type": "aws_iam_role", "name": "ci", "instances": [
            {"index_key": "prod", "attributes": {"name_prefix": "ci-", "assume_role_policy": "{}"}},
            {"index_key": 1, "attributes": {"assume_role_policy": "{}"}},
        ]}]});
        assert_eq!(
            role_name(
                &each,
                "/resources/0/instances/0/attributes/assume_role_policy"
            ),
            "aws_iam_role.ci[\"prod\"]"
        );
        assert_eq!(
            role_name(
                &each,
                "/resources/0/instances/1/attributes/assume_role_policy"
            ),
            "aws_iam_role.ci[1]"
        );
        let plan = json!({"resource_changes": [{"address": "aws_iam_role.ci[\"a/b\"]", "type": "aws_iam_role", "name": "ci", "change": {"after": {"assume_role_policy": "{}"}}}]});
        assert_eq!(
            role_name(&plan, "/resource_changes/0/change/after/assume_role_policy"),
            "aws_iam_role.ci[\"a/b\"]"
        );
        let config = json!({"resource": {"aws_iam_role": {"ci/x": {"assume_role_policy": p}}}});
        assert_eq!(
            role_name(&config, "/resource/aws_iam_role/ci~1x/assume_role_policy"),
            "aws_iam_role.ci/x"
        );
        let cfn = json!({"Resources": {"Ci": {"Properties": {"RoleName": {"Fn::Sub": "${AWS::StackName}-ci"}, "AssumeRolePolicyDocument": p}}}});
        assert_eq!(
            role_name(&cfn, "/Resources/Ci/Properties/AssumeRolePolicyDocument"),
            "Ci"
        );
        let bare = json!([{"AssumeRolePolicyDocument": p}]);
        assert_eq!(
            role_name(&bare, "/0/AssumeRolePolicyDocument"),
            "/0/AssumeRolePolicyDocument"
        );
    }

    #[test]
    fn several_roles_with_one_name_are_named_by_pointer() {
        let p = |sid: &str| json!({"Version": "2012-10-17", "Statement": [{"Sid": sid, "Effect": "Allow", "Principal": {"Federated": "arn:aws:iam::1:oidc-provider/oidc.circleci.com/org/o"}, "Action": "sts:AssumeRoleWithWebIdentity"}]});
        let doc = json!({"Roles": [{"RoleName": "ci", "AssumeRolePolicyDocument": p("a")}, {"RoleName": "ci", "AssumeRolePolicyDocument": p("b")}, {"RoleName": "other", "AssumeRolePolicyDocument": p("c")}]});
        let ev = evaluate(&doc, &doc.to_string(), None, 0);
        let f = ev
            .findings
            .iter()
            .find(|f| f.code == "aws-several-roles")
            .unwrap();
        assert!(f.message.contains("evaluated `/Roles/0/AssumeRolePolicyDocument` (the first that trusts a web identity), not `/Roles/1/AssumeRolePolicyDocument`, `other`"), "{}", f.message);
    }
}
