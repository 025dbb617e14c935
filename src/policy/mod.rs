//! Trust configurations: detect the kind, parse, evaluate to checks. One module per platform.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::report::{Check, Finding, PolicyInfo, Snippet, Verdict};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PolicyKind {
    Aws,
    Gcp,
    Vault,
    Azure,
}

/// The outcome of evaluating one pasted configuration against the token's claims.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Evaluation {
    pub info: PolicyInfo,
    /// `None` when there is no token to evaluate against, or when the verdict cannot be decided.
    pub verdict: Option<Verdict>,
    pub checks: Vec<Check>,
    pub findings: Vec<Finding>,
    /// The text could not be read as any configuration.
    pub unusable: bool,
}

/// Detect the kind of `text`, parse it and evaluate it against `claims` (if any) at `now`.
pub fn evaluate(text: &str, claims: Option<&Map<String, Value>>, now: i64) -> Evaluation {
    let _ = (text, claims, now);
    Evaluation::default()
}

/// Configurations generated from the token for `kind` (AWS when `None`).
pub fn suggest(kind: Option<PolicyKind>, claims: &Map<String, Value>) -> Vec<Snippet> {
    let _ = (kind, claims);
    Vec::new()
}

/// Recognise an error message a job printed and explain it.
pub fn explain_error_text(text: &str, claims: Option<&Map<String, Value>>) -> Vec<Finding> {
    let _ = (text, claims);
    Vec::new()
}

pub mod azure;
pub mod gcp;
pub mod vault;
