//! `attributeMapping`: each entry is a CEL expression over `assertion` that yields one attribute.

use serde_json::{Map, Value};

use super::cel::{self, Stop, Val};
use crate::report::{Check, Outcome};

/// The largest `google.subject` Google accepts, in bytes.
pub const MAX_SUBJECT_BYTES: usize = 127;
/// The longest custom attribute key Google accepts (`attribute.` excluded), in characters.
pub const MAX_ATTRIBUTE_NAME: usize = 100;
/// The most custom attributes (`attribute.*`) one provider may map.
pub const MAX_CUSTOM_ATTRIBUTES: usize = 50;

const GOOGLE_ATTRIBUTES: &[&str] = &[
    "google.subject",
    "google.groups",
    "google.display_name",
    "google.profile_photo",
    "google.posix_username",
];

/// The mapped attributes, ready to be the `google` and `attribute` variables of the condition.
pub struct Mapped {
    pub google: Vec<(Val, Val)>,
    pub attribute: Vec<(Val, Val)>,
    pub checks: Vec<Check>,
    /// Attributes whose mapping raised an error for this token (`google.groups`, `attribute.team`): google does
    /// not document whether that rejects the token or leaves the attribute unset; they are left unset.
    pub failed: Vec<String>,
    /// Attributes whose mapping claimcheck cannot evaluate: their value is unknown.
    pub unknown: Vec<String>,
    /// Attributes whose mapping a Terraform plan knows only after apply (`*`: the whole mapping).
    pub after_apply: Vec<String>,
    /// The mapped `google.subject` is over [`MAX_SUBJECT_BYTES`].
    pub subject_too_long: bool,
    /// Only other fields were pasted (the condition alone): the mapping is not there, so every attribute is
    /// unknown, not unmapped.
    pub not_pasted: bool,
}

/// The mapping of a paste that holds other fields alone (no `attributeMapping`, no `name`, no `issuerUri`): a
/// real provider always has one, so it was not pasted. One unknown row, and every attribute unknown.
pub fn not_pasted() -> Mapped {
    Mapped {
        google: Vec::new(),
        attribute: Vec::new(),
        checks: vec![Check {
            statement: Some("attributeMapping".into()),
            key: "attributeMapping".into(),
            operator: "cel".into(),
            expected: Value::from("(not pasted)"),
            actual: Value::Null,
            result: Outcome::Unknown,
            explanation: "cannot evaluate: the pasted fields have no `attributeMapping` (every provider has one), so \
                          `google.subject` and the attributes the condition reads were not checked."
                .into(),
            fix: Some(super::rules::PASTE_PROVIDER.into()),
        }],
        failed: Vec::new(),
        unknown: Vec::new(),
        after_apply: Vec::new(),
        subject_too_long: false,
        not_pasted: true,
    }
}

/// Google's rule for a mapped key (IAM REST reference, `WorkloadIdentityPoolProvider.attributeMapping`): one of
/// the `google.*` attributes, or `attribute.<key>` with a key of at most 100 characters of `a-z0-9_`.
fn valid_name(name: &str) -> bool {
    if GOOGLE_ATTRIBUTES.contains(&name) {
        return true;
    }
    name.strip_prefix("attribute.").is_some_and(|a| {
        !a.is_empty()
            && a.len() <= MAX_ATTRIBUTE_NAME
            && a.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    })
}

/// A valid key close to the invalid `name` (never `name` itself), or `None`.
fn valid_alternative(name: &str) -> Option<String> {
    let key: String = name
        .strip_prefix("attribute.")
        .unwrap_or(name)
        .to_ascii_lowercase()
        .chars()
        .map(|c| {
            if c.is_ascii_lowercase() || c.is_ascii_digit() {
                c
            } else {
                '_'
            }
        })
        .take(MAX_ATTRIBUTE_NAME)
        .collect();
    let suggestion = format!("attribute.{key}");
    (!key.trim_matches('_').is_empty() && suggestion != name && valid_name(&suggestion))
        .then_some(suggestion)
}

fn name_problem(name: &str) -> String {
    match name.strip_prefix("attribute.") {
        Some(key) if key.len() > MAX_ATTRIBUTE_NAME => format!(
            "`{name}` is not an attribute google accepts: a custom attribute key is at most {MAX_ATTRIBUTE_NAME} \
             characters, and this one has {}.",
            key.len()
        ),
        Some(_) => format!(
            "`{name}` is not an attribute google accepts: a custom attribute key may only contain `a-z`, `0-9` and \
             `_` (at most {MAX_ATTRIBUTE_NAME} characters)."
        ),
        None => format!(
            "`{name}` is not an attribute google accepts: use `google.subject`, `google.groups`, … or \
             `attribute.<key>` with lowercase letters, digits and `_`."
        ),
    }
}

fn check(
    key: &str,
    expr: &str,
    actual: Value,
    result: Outcome,
    explanation: String,
    fix: Option<String>,
) -> Check {
    Check {
        statement: Some("attributeMapping".into()),
        key: format!("attributeMapping.{key}").into(),
        operator: "cel".into(),
        expected: Value::String(expr.to_string()),
        actual,
        result,
        explanation,
        fix,
    }
}

/// How to evaluate a provider field a Terraform plan knows only after apply.
pub const AFTER_APPLY_FIX: &str = "apply, then paste `terraform show -json` (the state), or the deployed provider (`gcloud iam workload-identity-pools providers describe`).";

/// Evaluate every mapping entry against `claims`. `after_apply` names the entries a Terraform plan knows only
/// after apply (absent from `mapping`; `*` for the whole mapping): their rows are unknown.
pub fn evaluate(
    mapping: Option<&[(String, String)]>,
    after_apply: &[String],
    claims: &Map<String, Value>,
) -> Mapped {
    let mut out = Mapped {
        google: Vec::new(),
        attribute: Vec::new(),
        checks: Vec::new(),
        failed: Vec::new(),
        unknown: Vec::new(),
        after_apply: after_apply.to_vec(),
        subject_too_long: false,
        not_pasted: false,
    };
    let later = |name: &str| Check {
        statement: Some("attributeMapping".into()),
        key: if name == "*" {
            "attributeMapping".into()
        } else {
            format!("attributeMapping.{name}").into()
        },
        operator: "cel".into(),
        expected: Value::Null,
        actual: Value::Null,
        result: Outcome::Unknown,
        explanation: format!(
            "cannot evaluate: this terraform plan knows {} only after apply.",
            if name == "*" {
                "the whole `attribute_mapping`".to_string()
            } else {
                format!("the mapping of `{name}`")
            }
        ),
        fix: Some(AFTER_APPLY_FIX.into()),
    };
    if after_apply.iter().any(|n| n == "*") {
        out.checks.push(later("*"));
        return out;
    }
    let assertion = Val::from_json(&Value::Object(claims.clone()));
    let entries = mapping.unwrap_or(&[]);
    if !entries.iter().any(|(k, _)| k == "google.subject")
        && !after_apply.iter().any(|n| n == "google.subject")
    {
        out.checks.push(check(
            "google.subject",
            "",
            Value::Null,
            Outcome::Fail,
            "the mapping has no `google.subject`; google requires it for OIDC providers (`google.subject=assertion.sub`)."
                .into(),
            Some("add `google.subject=assertion.sub` to the attribute mapping.".into()),
        ));
    }
    let custom = entries
        .iter()
        .filter(|(k, _)| k.starts_with("attribute."))
        .count();
    if custom > MAX_CUSTOM_ATTRIBUTES {
        out.checks.push(Check {
            statement: Some("attributeMapping".into()),
            key: "attributeMapping".into(),
            operator: "at most 50 custom attributes".into(),
            expected: Value::from(MAX_CUSTOM_ATTRIBUTES),
            actual: Value::from(custom),
            result: Outcome::Fail,
            explanation: format!(
                "the mapping defines {custom} custom attributes; google accepts at most {MAX_CUSTOM_ATTRIBUTES}, so \
                 it would refuse to save this provider and no token is accepted through it."
            ),
            fix: Some(format!(
                "map at most {MAX_CUSTOM_ATTRIBUTES} `attribute.*` keys: keep those the condition and IAM bindings use."
            )),
        });
    }
    for (name, expr) in entries {
        if !valid_name(name) {
            out.checks.push(check(
                name,
                expr,
                Value::Null,
                Outcome::Fail,
                name_problem(name),
                Some(match valid_alternative(name) {
                    Some(alt) => format!("rename it to `{alt}`."),
                    None => "name it `attribute.<key>` with a key of `a-z`, `0-9` and `_`, e.g. `attribute.project`."
                        .to_string(),
                }),
            ));
            continue;
        }
        let compiled = match cel::check::compile_mapping(expr) {
            Ok(compiled) => compiled,
            Err(e) => {
                out.checks.push(check(
                    name,
                    expr,
                    Value::Null,
                    Outcome::Fail,
                    format!(
                        "google compiles mapping expressions when the provider is created or updated and would \
                         refuse this one ({}), so no real provider holds it and no token is accepted through this \
                         configuration.",
                        e.describe(expr)
                    ),
                    Some(e.hint.unwrap_or_else(|| {
                        "correct the expression: a mapping may use only `assertion`.".to_string()
                    })),
                ));
                continue;
            }
        };
        let result = cel::evaluate_expr(&compiled, vec![("assertion".into(), assertion.clone())]);
        let is_subject = name == "google.subject";
        let (outcome, explanation, fix, value) = match result {
            Ok(Val::Str(s)) if is_subject && s.len() > MAX_SUBJECT_BYTES => {
                out.subject_too_long = true;
                (
                Outcome::Fail,
                format!(
                    "`google.subject` would be {} bytes, over google's limit of {MAX_SUBJECT_BYTES}: `The size of mapped \
                     attribute google.subject exceeds the 127 bytes limit.` (a V2 CircleCI `sub` is always longer than \
                     127 bytes; V1 is exactly 127 with UUIDs)",
                    s.len()
                ),
                Some(
                    "map `google.subject=assertion['oidc.circleci.com/project-id']` (or another short value), or use the \
                     V1 token `$CIRCLE_OIDC_TOKEN`."
                        .to_string(),
                ),
                Some(Val::Str(s)),
                )
            }
            Ok(Val::Str(s)) => (Outcome::Pass, format!("maps to `{s}`."), None, Some(Val::Str(s))),
            Ok(Val::List(items)) if items.iter().all(|i| matches!(i, Val::Str(_))) && !is_subject => {
                (Outcome::Pass, "maps to a list of strings.".into(), None, Some(Val::List(items)))
            }
            Ok(other) if is_subject => (
                Outcome::Fail,
                format!("the expression yields a {}, but `google.subject` must be a string.", other.type_name()),
                Some(format!("wrap it: `string({expr})`.")),
                None,
            ),
            // Google documents string (and list of strings) attributes only; what it does with another type is
            // not documented: like a failing mapping, the attribute is left unset and the row is unknown.
            Ok(other) => {
                out.failed.push(name.clone());
                (
                    Outcome::Unknown,
                    format!(
                        "cannot evaluate: the expression yields a {}, but google documents string attributes only; \
                         whether it rejects the token or leaves `{name}` unset is not documented. the condition was \
                         evaluated with it unset.",
                        other.type_name()
                    ),
                    Some(format!("wrap it: `string({expr})`.")),
                    None,
                )
            }
            Err(Stop::Error(e)) if is_subject => (
                Outcome::Fail,
                format!("the expression fails (`{e}`), so there is no `google.subject` and google rejects the token."),
                Some("map `google.subject` from a claim every token has, such as `assertion.sub`.".into()),
                None,
            ),
            Err(Stop::Error(e)) => {
                out.failed.push(name.clone());
                (
                    Outcome::Unknown,
                    format!(
                        "cannot evaluate: the expression fails for this token (`{e}`); google does not document whether \
                         that rejects the token or leaves `{name}` unset. the condition was evaluated with it unset."
                    ),
                    Some("guard it, e.g. `has(assertion.x) ? assertion.x : ''`, or map a claim every token has.".into()),
                    None,
                )
            }
            Err(Stop::Unknown(what)) => {
                out.unknown.push(name.clone());
                (Outcome::Unknown, format!("cannot evaluate: {what}"), None, None)
            }
        };
        let actual = value.as_ref().map_or(Value::Null, Val::to_json);
        out.checks
            .push(check(name, expr, actual, outcome, explanation, fix));
        if let Some(v) = value {
            if let Some(short) = name.strip_prefix("google.") {
                out.google.push((Val::Str(short.to_string()), v));
            } else if let Some(short) = name.strip_prefix("attribute.") {
                out.attribute.push((Val::Str(short.to_string()), v));
            }
        }
    }
    out.checks
        .extend(after_apply.iter().map(|name| later(name)));
    out
}
