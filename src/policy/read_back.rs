//! Configurations pasted in another notation than JSON, read back into the JSON the platforms evaluate: YAML,
//! `vault read`'s table ([`super::vault::table`]), the command that created the configuration
//! ([`super::command`]), a GCP field alone ([`super::gcp::bare`]). Each is evaluated as that JSON, and every
//! location is moved back into what was pasted.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::{command, dispatch, hcl, json, unreadable, vault, yaml, Evaluation, PolicyKind};
use crate::report::{Area, Finding, Location, Outcome, PolicyInfo, Severity};

/// YAML (gcloud's default output, a CloudFormation template): read it, evaluate the document as if it had been
/// pasted as JSON, and point every location back into the YAML.
pub(super) fn evaluate_yaml(
    text: &str,
    parsed: Result<yaml::Parsed, yaml::YamlError>,
    json_error: json::JsonError,
    claims: Option<&Map<String, Value>>,
    alg: Option<&str>,
    now: i64,
) -> Evaluation {
    let parsed = match parsed {
        Ok(parsed) if parsed.value.is_object() || parsed.value.is_array() => parsed,
        Ok(_) => return unreadable(text, json_error),
        Err(e) => {
            let finding = syntax_error(
                "policy-yaml-syntax",
                "YAML",
                &e.message,
                e.location,
                "fix the YAML at that place, or paste JSON (`--format=json` for gcloud, `--output json` for the aws cli, `yq -o=json` for a file)",
            );
            return Evaluation::unusable(PolicyInfo::default(), vec![finding]);
        }
    };
    evaluate_read_back(
        &parsed.value,
        &parsed.spans,
        ", read from YAML",
        claims,
        alg,
        now,
    )
}

/// Text in a notation claimcheck reads (`notation`) that does not parse: what is wrong, where, and the fix.
fn syntax_error(
    code: &'static str,
    notation: &str,
    message: &str,
    at: Location,
    fix: &'static str,
) -> Finding {
    Finding::new(
        code,
        Severity::Error,
        Area::Policy,
        format!(
            "the policy looks like {notation} but cannot be read: {message} at line {}, column {}",
            at.line, at.column
        ),
    )
    .with_fix(fix)
    .at(at)
}

/// Evaluate a document read from another notation (YAML, `vault read`'s table) whose `spans` say where each
/// JSON Pointer was written. The platforms locate by scanning JSON text: they get the document as JSON, then
/// each location (a JSON Pointer there) is moved to where the same pointer was written in the pasted text.
fn evaluate_read_back(
    value: &Value,
    spans: &[(String, Location)],
    how: &str,
    claims: Option<&Map<String, Value>>,
    alg: Option<&str>,
    now: i64,
) -> Evaluation {
    let source = serde_json::to_string_pretty(value).unwrap_or_default();
    let mut evaluation = dispatch(value, &source, Some(how), claims, alg, now);
    if evaluation.findings.iter().any(|f| f.location.is_some()) {
        // Both ways built once, so that many located findings (a long list of providers) stay linear.
        let in_json = json::scan(&source);
        let pointers: HashMap<(usize, usize), &str> = in_json
            .iter()
            .map(|(p, at)| ((at.line, at.column), p))
            .collect();
        // Of a repeated key, the last occurrence (the one read), as [`yaml::Parsed::locate`] says.
        let written: HashMap<&str, Location> =
            spans.iter().map(|(p, at)| (p.as_str(), *at)).collect();
        for f in &mut evaluation.findings {
            f.location = f.location.and_then(|l| {
                let pointer = pointers.get(&(l.line, l.column))?;
                written.get(pointer).copied()
            });
        }
    }
    evaluation
}

/// A configuration read from the command that creates it ([`command`]).
pub(super) fn evaluate_created(
    created: command::Created,
    claims: Option<&Map<String, Value>>,
    alg: Option<&str>,
    now: i64,
) -> Evaluation {
    let how = format!(", read from {}'s flags", created.command);
    let mut evaluation = evaluate_read_back(&created.value, &created.spans, &how, claims, alg, now);
    if let Some(d) = evaluation.info.detected.as_mut() {
        *d = d.replace(" (`{\"config\": …, \"role\": …}`)", "");
    }
    let describe = match created.kind {
        PolicyKind::Gcp => "`gcloud iam workload-identity-pools providers describe <id> --workload-identity-pool <pool> --location global --format=json`",
        PolicyKind::Vault => "`vault read -format=json auth/jwt/role/<name>` (and `vault read -format=json auth/jwt/config`)",
        _ => "`az identity federated-credential list --identity-name <identity> --resource-group <group>` (or `az ad app federated-credential list --id <app-id>`)",
    };
    evaluation.findings.push(
        Finding::new(
            "policy-read-from-command",
            Severity::Info,
            Area::Policy,
            format!("read from {}'s flags: the configuration it creates, if it succeeded and nothing changed it since", created.command),
        )
        .with_fix(format!("to check what is deployed now, paste {describe}")),
    );
    evaluation
}

/// `vault read`'s table output ([`vault::table`]), evaluated as the JSON it reads back as. A `bound_claims` value
/// printed `false` or `42` may have been a string or a JSON boolean or number; when the two readings decide a
/// check differently, that check is unknown and so is the verdict (vault compares types, the table hides them).
pub(super) fn evaluate_vault_table(
    table: vault::table::Table,
    claims: Option<&Map<String, Value>>,
    alg: Option<&str>,
    now: i64,
) -> Evaluation {
    const EXACT: &str = "for an exact reading, paste `vault read -format=json auth/jwt/role/<name>` (and `vault read -format=json auth/jwt/config`)";
    let mut evaluation = evaluate_read_back(&table.value, &table.spans, "", claims, alg, now);
    let mut decided_by_type = Vec::new();
    if let Some(typed) = &table.typed {
        let other = evaluate_read_back(typed, &table.spans, "", claims, alg, now);
        let same_rows = evaluation.checks.len() == other.checks.len();
        for (check, alternative) in evaluation.checks.iter_mut().zip(&other.checks) {
            if same_rows && check.result != alternative.result {
                decided_by_type.push(check.key.to_string());
                check.explanation = format!(
                    "`vault read`'s table prints a bound value the same whether it is a string or a JSON boolean or number, and vault compares types: read as a string, this check would {}; read as the JSON value, it would {}.",
                    check.result.as_str(),
                    alternative.result.as_str()
                );
                check.result = Outcome::Unknown;
                check.fix = Some(EXACT.into());
            }
        }
        // What one reading alone concludes (a type mismatch, vault's first error) is not known either. (A set:
        // a role with thousands of bound claims has thousands of findings.)
        let both: std::collections::HashSet<(&str, &str)> = other
            .findings
            .iter()
            .map(|g| (g.code, g.message.as_str()))
            .collect();
        evaluation
            .findings
            .retain(|f| both.contains(&(f.code, f.message.as_str())));
        if evaluation.verdict != other.verdict || !same_rows {
            evaluation.verdict = None;
            evaluation.info.decided_by = Some(
                "undecided: the role's `bound_claims` hold a value that reads as a string or as a JSON boolean or number, and the two decide differently".into(),
            );
        }
    }
    if let Some(d) = evaluation.info.detected.as_mut() {
        *d = d
            .replace("(`vault read` output)", "(`vault read` table output)")
            .replace(
                "(`{\"config\": …, \"role\": …}`)",
                "(`vault read` table outputs)",
            );
    }
    // The first few, for a message that stays readable.
    let mut values = table
        .ambiguous
        .iter()
        .take(4)
        .map(|(claim, printed)| format!("`{claim}`: `{printed}`"))
        .collect::<Vec<_>>()
        .join(", ");
    if table.ambiguous.len() > 4 {
        values.push_str(&format!(" and {} more", table.ambiguous.len() - 4));
    }
    let message = if !decided_by_type.is_empty() {
        format!("read from `vault read`'s table output, which prints a string and a JSON boolean or number alike: the bound value ({values}) decides the login one way as a string and the other as a JSON value, so it is unknown")
    } else if table.typed.is_some() {
        format!("read from `vault read`'s table output, which prints a string and a JSON boolean or number alike ({values}); both readings give the same result here")
    } else {
        "read from `vault read`'s table output: lists from `[a b]`, maps from `map[k:v]`, `n/a` as an empty value".into()
    };
    let severity = if decided_by_type.is_empty() {
        Severity::Info
    } else {
        Severity::Warning
    };
    evaluation
        .findings
        .push(Finding::new("policy-table-read", severity, Area::Policy, message).with_fix(EXACT));
    evaluation
}

/// A GCP condition or mapping pasted alone ([`super::gcp::bare`]), evaluated as that field of a provider.
pub(super) fn evaluate_gcp_field(
    text: &str,
    claims: Option<&Map<String, Value>>,
    alg: Option<&str>,
    now: i64,
) -> Option<Evaluation> {
    let (fields, what) = super::gcp::bare::read(text)?;
    let key = fields.as_object().and_then(|o| o.keys().next().cloned());
    // The field starts where the text does, after blank lines and indentation.
    let lead = &text[..text.len() - text.trim_start().len()];
    let at = Location {
        line: lead.matches('\n').count() + 1,
        column: lead.rsplit('\n').next().unwrap_or("").chars().count() + 1,
    };
    let spans = Vec::from_iter(key.map(|k| (format!("/{k}"), at)));
    let mut evaluation = evaluate_read_back(&fields, &spans, "", claims, alg, now);
    evaluation.info.detected = Some(what.into());
    Some(evaluation)
}

/// Terraform HCL ([`hcl`]), evaluated as the Terraform JSON configuration it reads back as. `None` when it holds
/// nothing a platform reads (the caller refuses it, naming what to paste instead), or when it does not parse
/// as HCL but does as YAML.
pub(super) fn evaluate_hcl(
    text: &str,
    claims: Option<&Map<String, Value>>,
    alg: Option<&str>,
    now: i64,
) -> Option<Evaluation> {
    let read = match hcl::read(text) {
        Ok(read) => read?,
        Err(_) if yaml::looks_like_yaml(text) && yaml::parse(text).is_ok() => return None,
        Err(e) => {
            let finding = syntax_error(
                "policy-hcl-syntax",
                "Terraform HCL",
                &e.message,
                e.location,
                "fix the HCL at that place (`terraform validate` shows the same), or paste the rendered JSON: `terraform show -json`",
            );
            let info = PolicyInfo {
                kind: super::hcl_platform(text).map(|(kind, _)| kind),
                ..PolicyInfo::default()
            };
            return Some(Evaluation::unusable(info, vec![finding]));
        }
    };
    let mut evaluation = evaluate_read_back(
        &read.value,
        &read.spans,
        ", read from Terraform HCL",
        claims,
        alg,
        now,
    );
    evaluation.info.kind?;
    if let Some(d) = evaluation.info.detected.as_mut() {
        *d = d.replace("Terraform JSON", "Terraform");
    }
    for (message, at) in &read.merged {
        let mut finding = Finding::new("hcl-conditions-merged", Severity::Warning, Area::Policy, message.clone())
            .with_fix("to require both, put the second value under another operator or key, or write one pattern that matches only what both allow (e.g. `org/<org>/project/<project>/user/*/vcs-origin/*/vcs-ref/refs/heads/main`)");
        finding.location = *at;
        evaluation.findings.push(finding);
    }
    let mut message =
        String::from("read from Terraform HCL, evaluated as `terraform plan` would before apply");
    if !read.defaults.is_empty() {
        message.push_str(&format!(
            "; variables with no value pasted took their `default`: {}",
            read.defaults.join(", ")
        ));
    }
    for note in &read.notes {
        message.push_str("; ");
        message.push_str(note);
    }
    if read.incomplete && evaluation.verdict.is_some() {
        evaluation.verdict = None;
        evaluation.info.decided_by = Some(format!(
            "undecided: {}",
            read.notes.first().map_or(
                "part of the configuration is not known before apply",
                String::as_str
            )
        ));
    }
    let severity = if read.defaults.is_empty() && read.notes.is_empty() {
        Severity::Info
    } else {
        Severity::Warning
    };
    evaluation.findings.push(
        Finding::new("policy-hcl-read", severity, Area::Policy, message)
            .with_fix("to use other variable values, paste the `.tfvars` lines (`org_id = \"…\"`) with the file; for what is deployed, paste `terraform show -json`"),
    );
    Some(evaluation)
}
