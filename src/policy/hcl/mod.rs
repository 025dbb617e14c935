//! Terraform HCL (native syntax), read back into the Terraform JSON configuration it is equivalent to
//! (`.tf.json`), which the platforms already read.
//!
//! [`syntax`] parses the text; [`eval`] computes each resource's arguments as `terraform plan` would before
//! apply (unknown values stay `${…}` templates); [`policy_document`] renders `aws_iam_policy_document` data
//! sources where a role's `assume_role_policy` refers to one. The result is
//! `{"resource": {"<type>": {"<name>": {…}}}}`, every member located in the pasted text. Pasted without any
//! resource, a policy document data source is read as the policy it renders, and bare trust arguments
//! (`assume_role_policy = …`, `attribute_condition = …`) as the resource they belong to.

use serde_json::{Map, Value};

use crate::report::{Lines, Location};

mod eval;
mod functions;
pub(crate) mod policy_document;
mod syntax;

#[cfg(test)]
mod tests;

/// A configuration read from HCL.
#[derive(Debug, Clone, PartialEq)]
pub struct Read {
    /// The Terraform JSON configuration (or a policy document) it is equivalent to.
    pub value: Value,
    /// Where each JSON Pointer of `value` was written in the pasted text.
    pub spans: Vec<(String, Location)>,
    /// The variables whose `default` was used, with the value: "`var.org_id` = `\"…\"`".
    pub defaults: Vec<String>,
    /// What could not be read exactly (lowercase sentences).
    pub notes: Vec<String>,
    /// Condition blocks the AWS provider merges into one list, which IAM ORs: what, and where.
    pub merged: Vec<(String, Option<Location>)>,
    /// Something the deployed configuration holds is missing from `value` (see the notes): no verdict is
    /// certain.
    pub incomplete: bool,
}

/// A syntax error in text that looks like HCL: what and where.
#[derive(Debug, Clone, PartialEq)]
pub struct HclError {
    pub message: String,
    pub location: Location,
}

/// The trust arguments of each resource type, for arguments pasted without their block.
const BARE: [(&str, &[&str]); 4] = [
    ("aws_iam_role", &["assume_role_policy"]),
    (
        "google_iam_workload_identity_pool_provider",
        &["attribute_condition", "attribute_mapping"],
    ),
    (
        "vault_jwt_auth_backend_role",
        &[
            "bound_audiences",
            "bound_claims",
            "user_claim",
            "bound_subject",
        ],
    ),
    ("azurerm_federated_identity_credential", &["subject"]),
];

/// Whether `text` looks like Terraform HCL: a block such as `resource "aws_iam_role" "ci" {` on a line of its
/// own (a comment or the shell's prompt may come first), or a `jsonencode(` call.
pub fn looks_like(text: &str) -> bool {
    let t = text.trim_start();
    t.starts_with("resource ")
        || t.starts_with("data ")
        || t.contains("jsonencode(")
        || t.lines().any(|l| {
            let l = l.trim_start();
            [
                "resource \"",
                "data \"",
                "module \"",
                "provider \"",
                "variable \"",
            ]
            .iter()
            .any(|b| l.starts_with(b) && l.trim_end().ends_with('{'))
        })
}

/// Read `text` as HCL: `Ok(None)` when it parses but holds nothing a platform reads.
pub fn read(text: &str) -> Result<Option<Read>, HclError> {
    // Copied from a terminal or a GitHub issue: the shell's prompt lines (`$ cat main.tf`) and Markdown fences are
    // blanked, keeping every offset.
    // The text is parsed as it is first, and once more only when that fails and it has such lines.
    let unprompted;
    let (text, parsed) = match syntax::parse(text) {
        Err(_) if text.lines().any(is_prompt) => {
            unprompted = text
                .split_inclusive('\n')
                .map(|l| {
                    if is_prompt(l) {
                        " ".repeat(l.trim_end_matches('\n').len())
                            + if l.ends_with('\n') { "\n" } else { "" }
                    } else {
                        l.to_string()
                    }
                })
                .collect::<String>();
            (unprompted.as_str(), syntax::parse(&unprompted))
        }
        parsed => (text, parsed),
    };
    let items = parsed.map_err(|e| HclError {
        message: e.message,
        location: Lines::new(text).location(e.at),
    })?;
    let mut evaluator = eval::Evaluator::new(text, &items);
    let mut resources = Map::new();
    for item in &items {
        if let syntax::Item::Block {
            kind: "resource",
            labels,
            at,
            body,
        } = item
        {
            let [kind, name] = labels.as_slice() else {
                continue;
            };
            // One entry per instance of a `for_each` or `count` known before apply, named as its address
            // writes it (`deploy["api"]`, `deploy[0]`).
            let instances = evaluator.instances(body);
            let instances = instances.unwrap_or_else(|| vec![(String::new(), "", Value::Null)]);
            for (key, meta, binding) in instances {
                let instance = format!("{name}{key}");
                let mut pointer = String::from("/resource");
                crate::policy::json::pointer_append(&mut pointer, kind);
                crate::policy::json::pointer_append(&mut pointer, &instance);
                evaluator.spans.push((pointer.clone(), *at));
                let body = if meta.is_empty() {
                    evaluator.body(body, &pointer)
                } else {
                    evaluator.bound(meta, binding, |e| e.body(body, &pointer))
                };
                let of_kind = resources
                    .entry((*kind).to_string())
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(m) = of_kind {
                    m.insert(instance, Value::Object(body));
                }
            }
        }
    }
    let value = if !resources.is_empty() {
        let mut root = Map::new();
        root.insert("resource".into(), Value::Object(resources));
        Value::Object(root)
    } else if let Some(document) = document_alone(text, &items) {
        evaluator.eval(&document, "")
    } else if let Some(resource) = bare_arguments(&items) {
        let pointer = format!("/resource/{resource}/pasted");
        let body = evaluator.body(&items, &pointer);
        let mut root = Map::new();
        let mut of_kind = Map::new();
        of_kind.insert("pasted".into(), Value::Object(body));
        let mut types = Map::new();
        types.insert(resource.into(), Value::Object(of_kind));
        root.insert("resource".into(), Value::Object(types));
        Value::Object(root)
    } else {
        return Ok(None);
    };
    let lines = Lines::new(text);
    let spans = std::mem::take(&mut evaluator.spans)
        .into_iter()
        .map(|(p, at)| (p, lines.location(at)))
        .collect();
    let defaults = evaluator
        .defaults
        .iter()
        .map(|(name, shown)| format!("`var.{name}` = `{shown}`"))
        .collect();
    Ok(Some(Read {
        value,
        spans,
        defaults,
        notes: std::mem::take(&mut evaluator.notes),
        incomplete: evaluator.incomplete,
        merged: evaluator
            .merged
            .iter()
            .map(|(m, at)| (m.clone(), at.map(|at| lines.location(at))))
            .collect(),
    }))
}

/// `pointer` and the array index `i` after it (`…/3`): [`crate::policy::json::pointer_push`] without a string
/// for the index alone (digits need no escaping).
pub(crate) fn pointer_index(pointer: &str, i: usize) -> String {
    let mut out = String::with_capacity(pointer.len() + 4);
    out.push_str(pointer);
    push_index(&mut out, i);
    out
}

/// Append `/` and the array index `i` to `pointer`.
pub(crate) fn push_index(pointer: &mut String, i: usize) {
    use std::fmt::Write;
    let _ = write!(pointer, "/{i}");
}

/// A line around the configuration that is never HCL: the shell's prompt, or a Markdown fence (```` ```hcl ````).
fn is_prompt(line: &str) -> bool {
    let l = line.trim_start();
    l.starts_with("$ ")
        || l.starts_with("% ")
        || l == "$"
        || l.starts_with("> ")
        || l.starts_with("```")
}

/// Pasted with no resource: the policy document data source a role would refer to, as an expression
/// (`data.aws_iam_policy_document.<name>.json`) evaluated in place. The one granting
/// `sts:AssumeRoleWithWebIdentity` is preferred when there are several.
fn document_alone<'a>(text: &str, items: &[syntax::Item<'a>]) -> Option<syntax::Expr<'a>> {
    let starts: Vec<usize> = items
        .iter()
        .map(|i| match i {
            syntax::Item::Attribute { at, .. } | syntax::Item::Block { at, .. } => *at,
        })
        .collect();
    let mut documents = items.iter().enumerate().filter_map(|(n, i)| match i {
        syntax::Item::Block {
            kind: "data",
            labels,
            at,
            ..
        } => match labels.as_slice() {
            ["aws_iam_policy_document", name] => {
                let end = starts.get(n + 1).copied().unwrap_or(text.len());
                let source = text.get(*at..end).unwrap_or("");
                Some((*name, *at, source.contains("AssumeRoleWithWebIdentity")))
            }
            _ => None,
        },
        _ => None,
    });
    let first = documents.next()?;
    let (name, at, _) = std::iter::once(first)
        .chain(documents)
        .find(|d| d.2)
        .unwrap_or(first);
    let node = |kind| syntax::Expr {
        kind,
        start: at,
        end: at,
    };
    let data = node(syntax::Kind::Name("data"));
    let kind = node(syntax::Kind::Attr(
        Box::new(data),
        "aws_iam_policy_document",
    ));
    let named = node(syntax::Kind::Attr(Box::new(kind), name));
    Some(node(syntax::Kind::Attr(Box::new(named), "json")))
}

/// Trust arguments pasted without their block (`assume_role_policy = jsonencode({...})`): the resource type they
/// belong to.
fn bare_arguments(items: &[syntax::Item<'_>]) -> Option<&'static str> {
    BARE.iter().find_map(|(kind, names)| {
        items
            .iter()
            .any(|i| matches!(i, syntax::Item::Attribute { name, .. } if names.contains(name)))
            .then_some(*kind)
    })
}
