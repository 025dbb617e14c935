//! `attributeMapping`: each entry is a CEL expression over `assertion` that yields one attribute.

use serde_json::{Map, Value};

use super::cel::{self, Stop, Val};
use crate::report::{Check, Outcome};

/// The largest `google.subject` Google accepts, in bytes.
pub const MAX_SUBJECT_BYTES: usize = 127;

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
    /// Some mapping could not be evaluated (or its failure's effect is undocumented).
    pub uncertain: bool,
    /// The mapped `google.subject` is over [`MAX_SUBJECT_BYTES`].
    pub subject_too_long: bool,
}

fn valid_name(name: &str) -> bool {
    if GOOGLE_ATTRIBUTES.contains(&name) {
        return true;
    }
    name.strip_prefix("attribute.").is_some_and(|a| {
        !a.is_empty()
            && a.len() <= 50
            && a.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    })
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

/// Evaluate every mapping entry against `claims`.
pub fn evaluate(mapping: Option<&[(String, String)]>, claims: &Map<String, Value>) -> Mapped {
    let mut out = Mapped {
        google: Vec::new(),
        attribute: Vec::new(),
        checks: Vec::new(),
        uncertain: false,
        subject_too_long: false,
    };
    let assertion = Val::from_json(&Value::Object(claims.clone()));
    let entries = mapping.unwrap_or(&[]);
    if !entries.iter().any(|(k, _)| k == "google.subject") {
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
    for (name, expr) in entries {
        if !valid_name(name) {
            out.checks.push(check(
                name,
                expr,
                Value::Null,
                Outcome::Fail,
                format!(
                    "`{name}` is not an attribute google accepts: use `google.subject`, `google.groups`, … or \
                     `attribute.<name>` with lowercase letters, digits and `_`."
                ),
                Some(format!("rename it to `attribute.{}`.", name.trim_start_matches("attribute.").to_ascii_lowercase().replace(['-', '.', '/'], "_"))),
            ));
            continue;
        }
        let result = cel::evaluate(expr, vec![("assertion".into(), assertion.clone())]);
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
            Ok(other) => (
                Outcome::Fail,
                format!("the expression yields a {}, but an attribute must be a string.", other.type_name()),
                Some(format!("wrap it: `string({expr})`.")),
                None,
            ),
            Err(Stop::Error(e)) if is_subject => (
                Outcome::Fail,
                format!("the expression fails (`{e}`), so there is no `google.subject` and google rejects the token."),
                Some("map `google.subject` from a claim every token has, such as `assertion.sub`.".into()),
                None,
            ),
            Err(Stop::Error(e)) => {
                out.uncertain = true;
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
                out.uncertain = true;
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
    out
}
