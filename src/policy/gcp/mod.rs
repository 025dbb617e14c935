//! stub
use crate::policy::Evaluation;
use crate::report::{Finding, Snippet};
use serde_json::{Map, Value};
pub fn recognize(doc: &Value) -> Option<String> {
    let _ = doc;
    None
}
pub fn evaluate(
    doc: &Value,
    text: &str,
    claims: Option<&Map<String, Value>>,
    now: i64,
) -> Evaluation {
    let _ = (doc, text, claims, now);
    Evaluation::default()
}
pub fn suggest(claims: &Map<String, Value>) -> Vec<Snippet> {
    let _ = claims;
    Vec::new()
}
pub fn explain_error_text(text: &str, claims: Option<&Map<String, Value>>) -> Vec<Finding> {
    let _ = (text, claims);
    Vec::new()
}
