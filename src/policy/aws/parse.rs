//! Read an IAM trust policy (`serde_json::Value`) into a [`Policy`], recording every problem as a finding
//! with its location instead of stopping. Also finds the policy inside what people paste around it.
//!
//! | code | severity | meaning |
//! |---|---|---|
//! | `policy-duplicate-key` | warning | a key appears twice in one object; the last one is used |
//! | `policy-not-object` | error | the document is not a JSON object |
//! | `policy-no-statement` | error | no `Statement` element |
//! | `policy-unknown-element` | warning | an element IAM does not define (often a typo) |
//! | `policy-embedded-json-syntax` | error | an embedded policy string is not valid JSON |
//! | `policy-not-rendered` | error | the policy is a Terraform expression (`${data....json}`) a plan would render |
//! | `statement-not-object` | error | a statement is not a JSON object |
//! | `statement-invalid-effect` | error | `Effect` missing or not `Allow`/`Deny` |
//! | `statement-missing-principal` | error | neither `Principal` nor `NotPrincipal` |
//! | `statement-principal-and-notprincipal` | error | both given |
//! | `statement-not-principal` | warning | `NotPrincipal` in a trust policy |
//! | `statement-missing-action` | error | neither `Action` nor `NotAction` (or both) |
//! | `statement-has-resource` | warning | `Resource`/`NotResource` in a trust policy (IAM rejects it) |
//! | `principal-invalid` | error | a principal value that is not a string / list of strings / known map |
//! | `action-invalid` | error | an action value that is not a string or list of strings |
//! | `condition-invalid` | error | `Condition` (or an operator block) is not an object |
//! | `condition-unknown-operator` | error | an operator IAM does not define |
//! | `condition-operator-case` | warning | an operator written in another case than IAM documents |
//! | `condition-value-not-string` | info | a JSON boolean/number value, read as its string form |
//! | `condition-value-invalid` | error | a null/object/nested-array value, ignored |
//! | `condition-empty-values` | warning | a key with an empty list of values |

use std::borrow::Cow;
use std::fmt;

use serde_json::Value;

use crate::policy::json::{self, pointer_push, Locate, Spans};
use crate::report::{Area, Finding, Location, Severity};

use super::operators::Operator;

/// Where element locations come from.
#[derive(Debug, Clone, Copy)]
pub struct Locator<'a> {
    /// Spans of the text the document was parsed from, if the document is part of that text.
    pub spans: Option<&'a dyn Locate>,
    /// Pointer of the document inside the parsed text.
    pub prefix: &'a str,
}

impl Locator<'_> {
    pub fn at(&self, pointer: &str) -> Option<Location> {
        let spans = self.spans?;
        if self.prefix.is_empty() {
            spans.locate(pointer)
        } else {
            spans.locate(&format!("{}{}", self.prefix, pointer))
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

// The parsed policy borrows its strings and raw elements from the document value it was read from: reading a
// 1,000-statement policy then allocates little beyond the statement list itself.

#[derive(Debug, Clone, PartialEq)]
pub struct PrincipalEntry<'a> {
    /// `Federated`, `AWS`, `Service`, `CanonicalUser`, or `*` for the bare `"Principal": "*"`.
    pub kind: &'a str,
    pub value: &'a str,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Principals<'a> {
    /// `NotPrincipal`.
    pub negated: bool,
    pub entries: Vec<PrincipalEntry<'a>>,
    /// The element as written.
    pub raw: &'a Value,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Actions<'a> {
    /// `NotAction`.
    pub negated: bool,
    pub actions: Vec<&'a str>,
    pub raw: &'a Value,
}

/// One key under one operator: a value set.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition<'a> {
    /// The operator as written.
    pub operator: &'a str,
    /// `None` for an operator IAM does not define.
    pub op: Option<Operator>,
    pub key: &'a str,
    /// Values as strings (booleans/numbers in their string form).
    pub values: Vec<Cow<'a, str>>,
    /// The values as written.
    pub raw: &'a Value,
}

impl Condition<'_> {
    /// The condition's JSON pointer, under its statement's pointer (built only when a finding needs it).
    pub fn pointer(&self, statement: &str) -> String {
        let mut p = pointer_push(statement, "Condition");
        json::pointer_append(&mut p, self.operator);
        json::pointer_append(&mut p, self.key);
        p
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Statement<'a> {
    /// 1-based position.
    pub index: usize,
    pub sid: Option<Cow<'a, str>>,
    pub pointer: String,
    pub effect: Option<Effect>,
    pub principal: Option<Principals<'a>>,
    pub action: Option<Actions<'a>>,
    pub conditions: Vec<Condition<'a>>,
}

impl Statement<'_> {
    /// "statement 1 (`Sid`)" or "statement 1".
    pub fn label(&self) -> String {
        let sid = self.sid.as_deref().unwrap_or("");
        let mut s = String::with_capacity(24 + sid.len());
        let _ = fmt::Write::write_fmt(&mut s, format_args!("{}", self.name()));
        s
    }

    /// The label, written into a message without building it first.
    pub fn name(&self) -> Label<'_> {
        Label {
            index: self.index,
            sid: self.sid.as_deref(),
        }
    }
}

/// A statement's label ([`Statement::label`]) as a `Display` value.
#[derive(Debug, Clone, Copy)]
pub struct Label<'a> {
    index: usize,
    sid: Option<&'a str>,
}

impl fmt::Display for Label<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.sid {
            Some(sid) if !sid.is_empty() => write!(f, "statement {} (`{}`)", self.index, sid),
            _ => write!(f, "statement {}", self.index),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Policy<'a> {
    pub version: Option<Cow<'a, str>>,
    pub statements: Vec<Statement<'a>>,
}

/// The policy document found in what was pasted.
#[derive(Debug, Clone, PartialEq)]
pub struct Found<'a> {
    /// What was detected, for `PolicyInfo.detected`.
    pub detected: String,
    /// Pointer of the document (or of the string holding it) in the pasted JSON.
    pub pointer: String,
    pub source: Source<'a>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Source<'a> {
    /// The document is a JSON object inside the pasted JSON.
    Object(&'a Value),
    /// The document is a string (JSON text, maybe URL-encoded) inside the pasted JSON.
    Text(&'a str),
}

const MAX_SEARCH_DEPTH: usize = 8;

/// Find the trust policy in a pasted JSON value: the first of [`find_all`] that trusts a web identity (else the
/// first).
pub fn find(value: &Value) -> Option<Found<'_>> {
    let mut found = find_all(value);
    let pick = default_pick(&found)?;
    Some(found.swap_remove(pick))
}

/// The index [`find`] picks in [`find_all`]'s list: the first document that trusts a web identity, else the first.
pub fn default_pick(found: &[Found<'_>]) -> Option<usize> {
    match found.len() {
        0 => None,
        // One document: nothing to choose (and nothing to read).
        1 => Some(0),
        _ => Some(found.iter().position(trusts_web_identity).unwrap_or(0)),
    }
}

/// Every trust policy in a pasted JSON value (a template or state often holds several roles), in breadth-first
/// order, each document once.
pub fn find_all(value: &Value) -> Vec<Found<'_>> {
    if is_policy(value) {
        return vec![Found {
            detected: "IAM trust policy document".into(),
            pointer: String::new(),
            source: Source::Object(value),
        }];
    }
    if let Value::String(s) = value {
        if let Ok(inner) = serde_json::from_str::<Value>(s.trim()).or_else(|_| {
            json::url_decode_json(s)
                .ok_or(())
                .and_then(|d| serde_json::from_str::<Value>(&d).map_err(|_| ()))
        }) {
            if is_policy(&inner) {
                return vec![Found {
                    detected: "IAM trust policy document (as a JSON string)".into(),
                    pointer: String::new(),
                    source: Source::Text(s),
                }];
            }
        }
        return Vec::new();
    }
    if let Some(doc) = value
        .get("Role")
        .and_then(|r| r.get("AssumeRolePolicyDocument"))
    {
        return embedded(
            doc,
            "/Role/AssumeRolePolicyDocument".into(),
            "`aws iam get-role` output (`Role.AssumeRolePolicyDocument`",
        )
        .into_iter()
        .collect();
    }
    // CloudFormation: Resources/<name>/Properties/AssumeRolePolicyDocument, or a bare Properties fragment;
    // Terraform JSON: resource/aws_iam_role/<name>/assume_role_policy, plan/state `values.assume_role_policy`;
    // `aws iam list-roles`: Roles/<n>/AssumeRolePolicyDocument; Pulumi `stack export`: `assumeRolePolicy`. A
    // template or state often holds several roles (a Lambda execution role before the CI role).
    let (mut found, mut rendered) = candidates(value);
    if found.is_empty() {
        // Not a permissions policy rendered next to them (an S3 bucket's, a deployer's).
        rendered.retain(trusts_web_identity);
        found = rendered;
    }
    // The same document written twice (a plan's `planned_values` and `resource_changes`, Pulumi's `inputs` and
    // `outputs`) is one role.
    let mut i = 0;
    while i < found.len() {
        if found[..i].iter().any(|f| f.source == found[i].source) {
            found.remove(i);
        } else {
            i += 1;
        }
    }
    found
}

/// At most this many trust policies are collected from one input.
const MAX_CANDIDATES: usize = 64;

/// Every trust policy in the pasted JSON, in breadth-first order; and apart, the documents Terraform rendered
/// outside any role (read only when no role holds one): the `json` of a `data "aws_iam_policy_document"` in a
/// state or plan, and an output's `value` (`terraform output -json`), when they are JSON policy documents.
fn candidates(value: &Value) -> (Vec<Found<'_>>, Vec<Found<'_>>) {
    let mut out = Vec::new();
    let mut rendered = Vec::new();
    let mut queue: Vec<(&Value, String, usize)> = vec![(value, String::new(), 0)];
    let mut i = 0;
    while i < queue.len() && out.len() < MAX_CANDIDATES {
        let (v, pointer, depth) = (queue[i].0, queue[i].1.clone(), queue[i].2);
        i += 1;
        match v {
            Value::Object(map) => {
                if let Some(doc) = map.get("AssumeRolePolicyDocument") {
                    let what = if pointer.starts_with("/Roles/") {
                        "`aws iam list-roles` output (`AssumeRolePolicyDocument`"
                    } else if pointer.contains("/Resources/") || pointer.starts_with("/Resources") {
                        "CloudFormation template (`AssumeRolePolicyDocument`"
                    } else {
                        "CloudFormation role properties (`AssumeRolePolicyDocument`"
                    };
                    if let Some(f) = embedded(
                        doc,
                        pointer_push(&pointer, "AssumeRolePolicyDocument"),
                        what,
                    ) {
                        out.push(f);
                    }
                }
                if let Some(doc) = map.get("assume_role_policy") {
                    if let Some(f) = embedded(
                        doc,
                        pointer_push(&pointer, "assume_role_policy"),
                        "Terraform JSON (`assume_role_policy`",
                    ) {
                        out.push(f);
                    }
                }
                if let Some(doc) = map.get("assumeRolePolicy") {
                    if let Some(f) = embedded(
                        doc,
                        pointer_push(&pointer, "assumeRolePolicy"),
                        "Pulumi state (`assumeRolePolicy`",
                    ) {
                        out.push(f);
                    }
                }
                let field = if map.contains_key("minified_json") || map.contains_key("statement") {
                    Some(("json", "Terraform `aws_iam_policy_document` (`json`"))
                } else if map.contains_key("sensitive") && map.contains_key("type") {
                    Some(("value", "Terraform output (`value`"))
                } else {
                    None
                };
                if let Some((key, what)) = field {
                    if let Some(Value::String(s)) = map.get(key) {
                        if serde_json::from_str::<Value>(s).is_ok_and(|d| is_policy(&d)) {
                            rendered.extend(embedded(&map[key], pointer_push(&pointer, key), what));
                        }
                    }
                }
                if depth < MAX_SEARCH_DEPTH {
                    for (k, child) in map {
                        // A plan's `before`, Pulumi's `inputs`, ...: the copy another copy supersedes.
                        if crate::policy::nested::superseded(map, k, pointer.is_empty()) {
                            continue;
                        }
                        if child.is_object() || child.is_array() {
                            queue.push((child, pointer_push(&pointer, k), depth + 1));
                        }
                    }
                }
            }
            Value::Array(items) if depth < MAX_SEARCH_DEPTH => {
                for (n, child) in items.iter().enumerate() {
                    if child.is_object() || child.is_array() {
                        queue.push((child, pointer_push(&pointer, &n.to_string()), depth + 1));
                    }
                }
            }
            _ => {}
        }
    }
    (out, rendered)
}

/// Whether a found document names a web identity: a `Federated` principal, an OIDC provider ARN, or the
/// `AssumeRoleWithWebIdentity` action (read from the text: a CloudFormation `Fn::Sub` string counts too).
fn trusts_web_identity(found: &Found<'_>) -> bool {
    fn mentions(s: &str) -> bool {
        s.contains("Federated")
            || s.contains(":oidc-provider/")
            || s.as_bytes()
                .windows(ACTION.len())
                .any(|w| w.eq_ignore_ascii_case(ACTION.as_bytes()))
    }
    const ACTION: &str = "AssumeRoleWithWebIdentity";
    // Keys and strings, read in place: serializing a large document to search its text cost milliseconds.
    fn mentioned(v: &Value) -> bool {
        match v {
            Value::String(s) => mentions(s),
            Value::Array(items) => items.iter().any(mentioned),
            Value::Object(m) => m.iter().any(|(k, v)| mentions(k) || mentioned(v)),
            _ => false,
        }
    }
    match found.source {
        Source::Text(s) => mentions(s),
        Source::Object(v) => mentioned(v),
    }
}

fn embedded<'a>(doc: &'a Value, pointer: String, what: &str) -> Option<Found<'a>> {
    match doc {
        // A Terraform plan's expression for a value known only after apply (`{"references": [...]}`).
        Value::Object(m) if m.contains_key("references") && !m.contains_key("Statement") => None,
        Value::Object(_) => Some(Found {
            detected: format!("{what}, an object)"),
            pointer,
            source: Source::Object(doc),
        }),
        Value::String(s) => {
            let form = if json::looks_url_encoded(s) {
                "a URL-encoded string"
            } else {
                "a JSON string"
            };
            Some(Found {
                detected: format!("{what}, {form})"),
                pointer,
                source: Source::Text(s),
            })
        }
        _ => None,
    }
}

/// The roles of a `terraform show -json` plan whose `assume_role_policy` is known only after apply (it depends on
/// something the plan creates, typically the OIDC provider): `resource_changes[].address` where
/// `change.after_unknown.assume_role_policy` is `true`. Such a plan holds no document to read.
pub fn unknown_until_apply(value: &Value) -> Vec<&str> {
    crate::policy::nested::unknown_after_apply(value, "", &["assume_role_policy"])
        .into_iter()
        .map(|(address, _)| address.unwrap_or("aws_iam_role"))
        .take(8)
        .collect()
}

fn is_policy(v: &Value) -> bool {
    v.as_object().is_some_and(|m| m.contains_key("Statement"))
}

/// The document as a value, parsing a string source. Syntax errors in an embedded string become findings.
/// The spans of a document read from a string of the pasted JSON (relative to the decoded string).
#[derive(Debug)]
pub struct Embedded {
    pub spans: Spans,
    /// The string was percent-encoded: its spans are positions in the decoded text.
    pub url_decoded: bool,
}

/// The document itself, and for one written as a string, its own spans.
pub fn document<'a>(
    found: &Found<'a>,
    findings: &mut Vec<Finding>,
) -> Option<(Cow<'a, Value>, Option<Embedded>)> {
    match found.source {
        Source::Object(v) => Some((Cow::Borrowed(v), None)),
        Source::Text(s) => match json::parse(s) {
            Ok(p) => Some((
                Cow::Owned(p.value),
                Some(Embedded {
                    spans: p.spans,
                    url_decoded: p.url_decoded,
                }),
            )),
            // A Terraform configuration's `"${data.aws_iam_policy_document.x.json}"`: rendered only by a plan.
            Err(_) if s.trim().starts_with("${") && s.trim().ends_with('}') => {
                findings.push(
                    Finding::new(
                        "policy-not-rendered",
                        Severity::Error,
                        Area::Policy,
                        format!("the policy is the Terraform expression `{}`, which only `terraform plan` renders", s.trim()),
                    )
                    .with_fix("paste `terraform show -json` of a plan or of the state (its `assume_role_policy` holds the rendered JSON), or `aws iam get-role --role-name <name>`"),
                );
                None
            }
            Err(e) => {
                findings.push(
                    Finding::new(
                        "policy-embedded-json-syntax",
                        Severity::Error,
                        Area::Policy,
                        format!(
                            "the embedded policy string is not valid JSON: {} at line {}, column {} of the embedded document",
                            e.message, e.location.line, e.location.column
                        ),
                    )
                    .with_fix("fix the JSON inside the string, or paste the policy document itself"),
                );
                None
            }
        },
    }
}

/// A policy-area finding; an empty `fix` means none. Shared by parsing, lints and diagnoses.
pub(super) fn finding(
    code: &'static str,
    severity: Severity,
    message: String,
    fix: impl Into<String>,
    at: Option<Location>,
) -> Finding {
    let fix = fix.into();
    let mut f = Finding::new(code, severity, Area::Policy, message);
    if !fix.is_empty() {
        f = f.with_fix(fix);
    }
    f.location = at;
    f
}

/// Read a policy document. Never fails: problems become findings and the readable rest is returned.
pub fn parse<'a>(doc: &'a Value, loc: Locator<'_>, findings: &mut Vec<Finding>) -> Policy<'a> {
    let mut policy = Policy::default();
    let Some(map) = doc.as_object() else {
        findings.push(finding(
            "policy-not-object",
            Severity::Error,
            "the policy is not a JSON object".into(),
            "paste the whole document, starting with `{`",
            loc.at(""),
        ));
        return policy;
    };
    for key in map.keys() {
        if !matches!(key.as_str(), "Version" | "Id" | "Statement") {
            findings.push(finding(
                "policy-unknown-element",
                Severity::Warning,
                format!(
                    "`{key}` is not a policy element; IAM knows `Version`, `Id` and `Statement`"
                ),
                "remove it or fix its spelling",
                loc.at(&pointer_push("", key)),
            ));
        }
    }
    policy.version = map.get("Version").map(|v| match v {
        Value::String(s) => Cow::Borrowed(s.as_str()),
        other => Cow::Owned(other.to_string()),
    });
    match map.get("Statement") {
        None => findings.push(finding(
            "policy-no-statement",
            Severity::Error,
            "the policy has no `Statement`".into(),
            "add a `Statement` list with an `Allow` statement",
            loc.at(""),
        )),
        Some(Value::Array(items)) => {
            policy.statements.reserve(items.len());
            for (n, item) in items.iter().enumerate() {
                let pointer = format!("/Statement/{n}");
                if let Some(s) = statement(item, n + 1, pointer, loc, findings) {
                    policy.statements.push(s);
                }
            }
        }
        Some(item) => {
            if let Some(s) = statement(item, 1, "/Statement".into(), loc, findings) {
                policy.statements.push(s);
            }
        }
    }
    policy
}

fn statement<'a>(
    v: &'a Value,
    index: usize,
    pointer: String,
    loc: Locator<'_>,
    findings: &mut Vec<Finding>,
) -> Option<Statement<'a>> {
    let Some(map) = v.as_object() else {
        findings.push(finding(
            "statement-not-object",
            Severity::Error,
            format!("statement {index} is not a JSON object"),
            "each statement is an object with `Effect`, `Principal`, `Action`",
            loc.at(&pointer),
        ));
        return None;
    };
    // The elements by name, read in one pass (the keys of a map are unique) instead of one hashed look-up each.
    let (mut sid_v, mut effect_v, mut principal_v, mut not_principal_v) = (None, None, None, None);
    let (mut action_v, mut not_action_v, mut condition_v) = (None, None, None);
    for (key, value) in map {
        let slot = match key.as_str() {
            "Sid" => &mut sid_v,
            "Effect" => &mut effect_v,
            "Principal" => &mut principal_v,
            "NotPrincipal" => &mut not_principal_v,
            "Action" => &mut action_v,
            "NotAction" => &mut not_action_v,
            "Condition" => &mut condition_v,
            _ => continue,
        };
        *slot = Some(value);
    }
    let sid = sid_v.map(|s: &Value| match s.as_str() {
        Some(s) => Cow::Borrowed(s),
        None => Cow::Owned(s.to_string()),
    });
    let label = Label {
        index,
        sid: sid.as_deref(),
    };
    let mut principal = None;
    let mut action = None;
    let mut conds = Vec::new();
    let at = |k: &str| loc.at(&pointer_push(&pointer, k));
    for key in map.keys() {
        match key.as_str() {
            "Sid" | "Effect" | "Principal" | "NotPrincipal" | "Action" | "NotAction" | "Condition" => {}
            "Resource" | "NotResource" => findings.push(finding(
                "statement-has-resource",
                Severity::Error,
                format!("{label} has `{key}`, which a role trust policy may not contain (IAM rejects it: \"Has prohibited field {key}\")"),
                format!("remove `{key}` from {label}: the role itself is the resource"),
                at(key),
            )),
            _ => findings.push(finding(
                "policy-unknown-element",
                Severity::Warning,
                format!("`{key}` in {label} is not a statement element; it is ignored"),
                "statement elements are `Sid`, `Effect`, `Principal`, `Action` and `Condition` (check the spelling)",
                at(key),
            )),
        }
    }
    let effect = match effect_v {
        Some(Value::String(s)) if s == "Allow" => Some(Effect::Allow),
        Some(Value::String(s)) if s == "Deny" => Some(Effect::Deny),
        other => {
            let written = other
                .map(|v| v.to_string())
                .unwrap_or_else(|| "nothing".into());
            findings.push(finding(
                "statement-invalid-effect",
                Severity::Error,
                format!("{label} has `Effect` {written}; it must be `\"Allow\"` or `\"Deny\"` (case-sensitive), so the statement is ignored"),
                "write `\"Effect\": \"Allow\"`",
                at("Effect").or(loc.at(&pointer)),
            ));
            None
        }
    };
    match (principal_v, not_principal_v) {
        (Some(_), Some(_)) => findings.push(finding("statement-principal-and-notprincipal", Severity::Error, format!("{label} has both `Principal` and `NotPrincipal`; IAM rejects that"), "keep `Principal` only", at("NotPrincipal"))),
        (None, None) => findings.push(finding("statement-missing-principal", Severity::Error, format!("{label} has no `Principal`, so it applies to nobody"), "add `\"Principal\": {\"Federated\": \"arn:aws:iam::<ACCOUNT_ID>:oidc-provider/<issuer without https://>\"}`", loc.at(&pointer))),
        (Some(p), None) => principal = principals(p, false, label, &|| at("Principal"), findings),
        (None, Some(p)) => {
            findings.push(finding("statement-not-principal", Severity::Error, format!("{label} uses `NotPrincipal`, which IAM rejects in a role trust policy (\"you cannot use the NotPrincipal element in an IAM identity-based policy nor in an IAM role trust policy\"); its checks read it as \"every principal except those listed\""), "use `\"Principal\": {\"Federated\": \"arn:aws:iam::<ACCOUNT_ID>:oidc-provider/<issuer without https://>\"}` instead", at("NotPrincipal")));
            principal = principals(p, true, label, &|| at("NotPrincipal"), findings);
        }
    }
    match (action_v, not_action_v) {
        (Some(a), None) => action = actions(a, false, label, &|| at("Action"), findings),
        (None, Some(a)) => action = actions(a, true, label, &|| at("NotAction"), findings),
        (both_or_none, _) => findings.push(finding(
            "statement-missing-action",
            Severity::Error,
            if both_or_none.is_some() {
                format!("{label} has both `Action` and `NotAction`; IAM rejects that")
            } else {
                format!("{label} has no `Action`, so it applies to no request")
            },
            "write `\"Action\": \"sts:AssumeRoleWithWebIdentity\"`",
            loc.at(&pointer),
        )),
    }
    if let Some(c) = condition_v {
        conditions(c, &pointer, label, loc, findings, &mut conds);
    }
    Some(Statement {
        index,
        sid,
        pointer,
        effect,
        principal,
        action,
        conditions: conds,
    })
}

fn string_list(v: &Value) -> Option<Vec<&str>> {
    match v {
        Value::String(s) => Some(vec![s.as_str()]),
        Value::Array(items) => items.iter().map(Value::as_str).collect(),
        _ => None,
    }
}

fn principals<'a>(
    v: &'a Value,
    negated: bool,
    label: Label<'_>,
    at: &dyn Fn() -> Option<Location>,
    findings: &mut Vec<Finding>,
) -> Option<Principals<'a>> {
    let mut entries = Vec::new();
    let bad = |what: String, findings: &mut Vec<Finding>| {
        findings.push(finding("principal-invalid", Severity::Error, format!("{label}: {what}"), "write `\"Principal\": {\"Federated\": \"arn:aws:iam::<ACCOUNT_ID>:oidc-provider/...\"}`", at()));
    };
    match v {
        Value::String(s) if s == "*" => entries.push(PrincipalEntry {
            kind: "*",
            value: "*",
        }),
        Value::String(s) => bad(
            format!("`\"Principal\": \"{s}\"` is not valid; only `\"*\"` may be a bare string"),
            findings,
        ),
        Value::Object(map) => {
            for (kind, list) in map {
                if !matches!(
                    kind.as_str(),
                    "Federated" | "AWS" | "Service" | "CanonicalUser"
                ) {
                    bad(format!("principal type `{kind}` is unknown (IAM knows `Federated`, `AWS`, `Service`, `CanonicalUser`)"), findings);
                }
                match string_list(list) {
                    Some(values) => {
                        entries.extend(values.into_iter().map(|value| PrincipalEntry {
                            kind: kind.as_str(),
                            value,
                        }))
                    }
                    None => bad(
                        format!("the `{kind}` principal must be a string or a list of strings"),
                        findings,
                    ),
                }
            }
        }
        _ => bad(
            "the principal must be `\"*\"` or an object such as `{\"Federated\": \"...\"}`".into(),
            findings,
        ),
    }
    Some(Principals {
        negated,
        entries,
        raw: v,
    })
}

fn actions<'a>(
    v: &'a Value,
    negated: bool,
    label: Label<'_>,
    at: &dyn Fn() -> Option<Location>,
    findings: &mut Vec<Finding>,
) -> Option<Actions<'a>> {
    match string_list(v) {
        Some(actions) => Some(Actions {
            negated,
            actions,
            raw: v,
        }),
        None => {
            findings.push(finding(
                "action-invalid",
                Severity::Error,
                format!("{label}: the action must be a string or a list of strings"),
                "write `\"Action\": \"sts:AssumeRoleWithWebIdentity\"`",
                at(),
            ));
            None
        }
    }
}

/// `statement` is the statement's pointer; the pointers below it are built only for findings.
fn conditions<'a>(
    v: &'a Value,
    statement: &str,
    label: Label<'_>,
    loc: Locator<'_>,
    findings: &mut Vec<Finding>,
    out: &mut Vec<Condition<'a>>,
) {
    let pointer = &|| pointer_push(statement, "Condition");
    let Some(ops) = v.as_object() else {
        findings.push(finding(
            "condition-invalid",
            Severity::Error,
            format!("the `Condition` of {label} is not an object; it is ignored"),
            "write `\"Condition\": {\"StringEquals\": {\"<key>\": \"<value>\"}}`",
            loc.at(&pointer()),
        ));
        return;
    };
    for (operator, block) in ops {
        let op_pointer = || pointer_push(&pointer(), operator);
        let op = Operator::parse(operator);
        match &op {
            None => findings.push(finding(
                "condition-unknown-operator",
                Severity::Error,
                format!("`{operator}` in {label} is not an IAM condition operator (IAM rejects the policy: \"Invalid Condition type\"); its conditions cannot be evaluated"),
                Operator::suggestion(operator).map(|s| format!("did you mean `{s}`?")).unwrap_or_else(|| "use an operator such as `StringEquals` or `StringLike`".into()),
                loc.at(&op_pointer()),
            )),
            Some(o) if o.name() != *operator => findings.push(finding(
                "condition-operator-case",
                Severity::Warning,
                format!("`{operator}` in {label} is spelled differently from IAM's `{}`; whether IAM accepts another case is unconfirmed, it is evaluated here as `{}`", o.name(), o.name()),
                format!("write `{}`", o.name()),
                loc.at(&op_pointer()),
            )),
            _ => {}
        }
        let Some(keys) = block.as_object() else {
            findings.push(finding(
                "condition-invalid",
                Severity::Error,
                format!(
                    "`{operator}` in {label} must hold an object of keys and values; it is ignored"
                ),
                "write `{\"<key>\": \"<value>\"}`",
                loc.at(&op_pointer()),
            ));
            continue;
        };
        for (key, raw) in keys {
            let key_pointer = || pointer_push(&op_pointer(), key);
            let items: &[Value] = match raw {
                Value::Array(items) => items,
                single => std::slice::from_ref(single),
            };
            let mut values = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    Value::String(s) => values.push(Cow::Borrowed(s.as_str())),
                    Value::Bool(_) | Value::Number(_) => {
                        let s = item.to_string();
                        findings.push(finding(
                            "condition-value-not-string",
                            Severity::Info,
                            format!("the value {s} of `{key}` in {label} is a JSON {}; IAM reads it as the string `\"{s}\"`, and so does claimcheck", if item.is_boolean() { "boolean" } else { "number" }),
                            "",
                            loc.at(&key_pointer()),
                        ));
                        values.push(Cow::Owned(s));
                    }
                    other => findings.push(finding(
                        "condition-value-invalid",
                        Severity::Error,
                        format!("the value `{other}` of `{key}` in {label} is not a string; it is ignored"),
                        "condition values are strings or lists of strings",
                        loc.at(&key_pointer()),
                    )),
                }
            }
            if raw.as_array().is_some_and(|a| a.is_empty()) {
                findings.push(finding(
                    "condition-empty-values",
                    Severity::Warning,
                    format!("`{key}` under `{operator}` in {label} has no values"),
                    "give at least one value",
                    loc.at(&key_pointer()),
                ));
            }
            out.push(Condition {
                operator: operator.as_str(),
                op,
                key: key.as_str(),
                values,
                raw,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The policy borrows from the parsed value, which is leaked (a test's few bytes).
    fn parse_text(text: &str) -> (Policy<'static>, Vec<Finding>) {
        let p = Box::leak(Box::new(json::parse(text).unwrap()));
        let mut findings = Vec::new();
        let policy = parse(
            &p.value,
            Locator {
                spans: Some(&p.spans),
                prefix: "",
            },
            &mut findings,
        );
        (policy, findings)
    }

    fn codes(f: &[Finding]) -> Vec<&'static str> {
        f.iter().map(|f| f.code).collect()
    }

    #[test]
    fn reads_a_typical_policy() {
        let (p, f) = parse_text(
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"CircleCI","Effect":"Allow",
            "Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/oidc.circleci.com/org/o"},
            "Action":"sts:AssumeRoleWithWebIdentity",
            "Condition":{"StringLike":{"oidc.circleci.com/org/o:sub":["org/o/*","x"]},"StringEquals":{"oidc.circleci.com/org/o:aud":"o"}}}]}"#,
        );
        assert!(f.is_empty(), "{f:?}");
        let s = &p.statements[0];
        assert_eq!(s.label(), "statement 1 (`CircleCI`)");
        assert_eq!(s.effect, Some(Effect::Allow));
        assert_eq!(s.principal.as_ref().unwrap().entries[0].kind, "Federated");
        assert_eq!(s.conditions.len(), 2);
        assert_eq!(s.conditions[0].values, vec!["org/o/*", "x"]);
        assert_eq!(
            s.conditions[0].pointer(&s.pointer),
            "/Statement/0/Condition/StringLike/oidc.circleci.com~1org~1o:sub"
        );
    }

    #[test]
    fn single_statement_object_and_non_string_values() {
        let (p, f) = parse_text(
            r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"*","Condition":{"Bool":{"k":true},"NumericEquals":{"n":[1,2]}}}}"#,
        );
        assert_eq!(p.statements.len(), 1);
        assert_eq!(p.statements[0].conditions[0].values, vec!["true"]);
        assert_eq!(p.statements[0].conditions[1].values, vec!["1", "2"]);
        assert_eq!(codes(&f), vec!["condition-value-not-string"; 3]);
    }

    #[test]
    fn problems_are_findings_with_locations() {
        let (p, f) = parse_text("{\"Statement\":[\n{\"Effect\":\"allow\",\"Principal\":{\"Federated\":1},\"Resource\":\"*\",\n\"Condition\":{\"StringEqual\":{\"k\":\"v\"},\"stringlike\":{\"k\":null}}}, 3]}");
        assert_eq!(p.statements.len(), 1);
        assert_eq!(
            codes(&f),
            vec![
                "statement-has-resource",
                "statement-invalid-effect",
                "principal-invalid",
                "statement-missing-action",
                "condition-unknown-operator",
                "condition-operator-case",
                "condition-value-invalid",
                "statement-not-object"
            ]
        );
        assert_eq!(f[1].location, Some(Location { line: 2, column: 2 }));
        assert!(f[4].fix.as_deref().unwrap().contains("StringEquals"));
        assert_eq!(
            f[7].location,
            Some(Location {
                line: 3,
                column: 65
            })
        );
    }

    #[test]
    fn finds_get_role_output() {
        let v: Value = serde_json::from_str(r#"{"Role":{"RoleName":"r","AssumeRolePolicyDocument":"%7B%22Statement%22%3A%5B%5D%7D"}}"#).unwrap();
        let f = find(&v).unwrap();
        assert_eq!(
            f.detected,
            "`aws iam get-role` output (`Role.AssumeRolePolicyDocument`, a URL-encoded string)"
        );
        let mut findings = Vec::new();
        let (doc, _) = document(&f, &mut findings).unwrap();
        assert!(doc.get("Statement").is_some());
    }

    #[test]
    fn finds_cloudformation_and_terraform() {
        let cfn: Value = serde_json::from_str(r#"{"Resources":{"Role":{"Type":"AWS::IAM::Role","Properties":{"AssumeRolePolicyDocument":{"Statement":[]}}}}}"#).unwrap();
        let f = find(&cfn).unwrap();
        assert_eq!(
            f.pointer,
            "/Resources/Role/Properties/AssumeRolePolicyDocument"
        );
        assert!(f.detected.starts_with("CloudFormation template"));
        let tf: Value = serde_json::from_str(
            r#"{"resource":{"aws_iam_role":{"ci":{"assume_role_policy":"{\"Statement\":[]}"}}}}"#,
        )
        .unwrap();
        let f = find(&tf).unwrap();
        assert_eq!(
            f.detected,
            "Terraform JSON (`assume_role_policy`, a JSON string)"
        );
        assert!(find(&serde_json::json!({"a": {"b": 1}})).is_none());
    }
}
