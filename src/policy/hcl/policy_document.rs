//! The `aws_iam_policy_document` data source: the policy JSON its `json` attribute holds, rendered from the
//! block's arguments as the AWS provider renders them.

use serde_json::{Map, Value};

/// A rendered policy document.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Rendered {
    /// The policy, as the data source's `json` attribute holds it (parsed).
    pub policy: Value,
    /// For each JSON Pointer in `policy`, the JSON Pointer in the block it was rendered from.
    pub origins: Vec<(String, String)>,
    /// What could not be rendered exactly (lowercase sentences, user input in backticks).
    pub notes: Vec<String>,
}

/// Render the block's arguments, given in Terraform's JSON configuration form: nested blocks (`statement`,
/// `principals`, `not_principals`, `condition`) as arrays of objects; a value not known before apply is a string
/// holding `${…}`.
pub(crate) fn render(block: &Map<String, Value>) -> Rendered {
    let _ = block;
    Rendered::default()
}
