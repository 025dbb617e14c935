//! Evaluating HCL expressions to JSON values, as `terraform plan` would before apply.
//!
//! What is known before apply is computed: literals, templates, `locals`, a variable's value (a `.tfvars`
//! line pasted with the file, else its `default`), the functions trust configurations use (`jsonencode`,
//! `format`, `join`, `concat`, …), operators, conditionals and `for` expressions. What is not (another
//! resource's attribute, a variable with no value, a function not implemented here) becomes the template
//! `${…}` of the expression as written: the text Terraform's JSON configuration would hold, which the platforms
//! treat as a value that is not known. `jsonencode(x)` stays the value `x`, so a policy written with it reads as
//! the document it encodes; a string context writes it as JSON.
//!
//! Every object member and list element built from the text is located ([`Evaluator::spans`]) by the JSON
//! Pointer it will have in the document read back.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::syntax::{Expr, Item, Kind, Part};
use super::{pointer_index, push_index};
use crate::policy::json::pointer_push;

/// The pointer of a value that is not part of the document (a function's argument, a condition, an object's
/// key): nothing under it is located.
const NOWHERE: &str = "#";

/// Evaluations nested at most (an expression inside a local inside a local…): a chain of thousands of `locals`
/// would otherwise overflow the stack, which in the page is a crash. A level takes about 3 KB of stack in a
/// release build; real configurations nest about ten.
const MAX_DEPTH: usize = 100;

/// Values built at most, so that nested `locals` that double at each level cannot grow without bound.
const BUDGET: usize = 200_000;

/// A rendered policy document, and where its members were written (byte offsets).
type Rendered = (Value, Vec<(String, usize)>);

/// What a name in the configuration stands for.
#[derive(Clone, Copy)]
enum Named<'e, 'a> {
    /// A variable's value, and whether it is its `default` (not a `.tfvars` line); a local's value.
    Value(&'e Expr<'a>, bool),
    /// A resource's or a policy document's body, and its place among the items (the rendered document's).
    Body(&'e [Item<'a>], usize),
}

pub(crate) struct Evaluator<'e, 'a> {
    text: &'a str,
    /// Every name by namespace: `("var", name)`, `("local", name)`, `("data", name)` (the
    /// `aws_iam_policy_document` data sources) and `(type, name)` (the resources). One map, not one per kind:
    /// each map type costs its own code in the wasm.
    names: HashMap<(&'a str, &'a str), Named<'e, 'a>>,
    /// The names being evaluated, by namespace as in `names` (a cycle is unknown; `local.org_id = var.org_id` is
    /// not one).
    evaluating: Vec<(&'a str, &'a str)>,
    /// The rendered documents, by their place among the items.
    rendered: Vec<Option<Rendered>>,
    /// `for` variables in scope, innermost last.
    bound: Vec<(&'a str, Value)>,
    /// Where each JSON Pointer's value was written (a byte offset), relative to the pointer being built.
    pub spans: Vec<(String, usize)>,
    /// Variables whose `default` was used, and the value as JSON (shortened).
    pub defaults: Vec<(&'a str, String)>,
    /// What could not be read exactly (lowercase sentences).
    pub notes: Vec<String>,
    /// Condition blocks the provider merges into one OR list ([`Self::merged_conditions`]): the message, and where.
    pub merged: Vec<(String, Option<usize>)>,
    /// Blocks or statements are missing from what was read (a `dynamic` block over an unknown collection): the
    /// deployed configuration may decide otherwise.
    pub incomplete: bool,
    built: usize,
    /// Evaluations in progress, nested ([`MAX_DEPTH`]).
    depth: usize,
}

impl<'e, 'a> Evaluator<'e, 'a> {
    pub(crate) fn new(text: &'a str, items: &'e [Item<'a>]) -> Self {
        let mut evaluator = Evaluator {
            text,
            names: HashMap::new(),
            evaluating: Vec::new(),
            rendered: vec![None; items.len()],
            bound: Vec::new(),
            spans: Vec::new(),
            defaults: Vec::new(),
            notes: Vec::new(),
            incomplete: false,
            merged: Vec::new(),
            built: 0,
            depth: 0,
        };
        let names = &mut evaluator.names;
        for (n, item) in items.iter().enumerate() {
            match item {
                Item::Block {
                    kind, labels, body, ..
                } => match (*kind, labels.as_slice()) {
                    ("variable", [name]) => {
                        if let Some(default) = attribute(body, "default") {
                            names
                                .entry(("var", name))
                                .or_insert(Named::Value(default, true));
                        }
                    }
                    ("locals", []) => {
                        for i in body {
                            if let Item::Attribute { name, value, .. } = i {
                                names.insert(("local", name), Named::Value(value, false));
                            }
                        }
                    }
                    ("resource", [kind, name]) => {
                        names.insert((kind, name), Named::Body(body, n));
                    }
                    ("data", ["aws_iam_policy_document", name]) => {
                        names.insert(("data", name), Named::Body(body, n));
                    }
                    _ => {}
                },
                // `name = value` outside any block: a `.tfvars` file pasted with the configuration.
                Item::Attribute { name, value, .. } => {
                    names.insert(("var", name), Named::Value(value, false));
                }
            }
        }
        evaluator
    }

    /// The template `${…}` of what `e` was written as: a value not known before apply.
    fn unknown(&self, e: &Expr<'_>) -> Value {
        let source = self.text.get(e.start..e.end).unwrap_or("…");
        // Its words joined by one space, written into the one string.
        let mut out = String::with_capacity(source.len() + 3);
        out.push_str("${");
        for (i, word) in source.split_whitespace().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(word);
        }
        out.push('}');
        Value::String(out)
    }

    /// Note that the value about to be evaluated at `pointer` was written at `at`, before what it holds: its place
    /// in the spans, which [`Self::located`] fills with the pointer once the evaluation no longer needs it (rather
    /// than a copy of every pointer). `None` for a value that is not part of the document.
    fn locate(&mut self, pointer: &str, at: usize) -> Option<usize> {
        if pointer.starts_with(NOWHERE) {
            return None;
        }
        self.spans.push((String::new(), at));
        Some(self.spans.len() - 1)
    }

    /// Fill the place [`Self::locate`] took with its pointer.
    fn located(&mut self, slot: Option<usize>, pointer: String) {
        if let Some(span) = slot.and_then(|i| self.spans.get_mut(i)) {
            span.0 = pointer;
        }
    }

    /// Evaluate `e`, whose value will be at `pointer` in the document.
    pub(crate) fn eval(&mut self, e: &Expr<'a>, pointer: &str) -> Value {
        if self.depth >= MAX_DEPTH {
            if !self.incomplete {
                self.notes.push(format!(
                    "values refer to values more than {MAX_DEPTH} levels deep; the deeper ones were not computed"
                ));
            }
            self.incomplete = true;
            return self.unknown(e);
        }
        self.depth += 1;
        let v = self.eval_nested(e, pointer);
        self.depth -= 1;
        v
    }

    fn eval_nested(&mut self, e: &Expr<'a>, pointer: &str) -> Value {
        self.built += 1;
        if self.built > BUDGET {
            self.incomplete = true;
            if self.built == BUDGET + 1 {
                self.notes.push(format!("the configuration builds more than {BUDGET} values; the rest were not computed"));
            }
            return self.unknown(e);
        }
        match &e.kind {
            Kind::Literal(v) => v.clone(),
            Kind::Template(parts) => self.template(e, parts, pointer),
            Kind::Tuple(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let p = pointer_index(pointer, i);
                    let slot = self.locate(&p, item.start);
                    out.push(self.eval(item, &p));
                    self.located(slot, p);
                }
                Value::Array(out)
            }
            Kind::Object(members) => {
                let mut out = Map::new();
                for (key, value) in members {
                    let k = match self.eval(key, NOWHERE) {
                        Value::String(s) => s,
                        Value::Number(n) => n.to_string(),
                        Value::Bool(b) => b.to_string(),
                        _ => return self.unknown(e),
                    };
                    let p = pointer_push(pointer, &k);
                    let slot = self.locate(&p, key.start);
                    let v = self.eval(value, &p);
                    self.located(slot, p);
                    out.insert(k, v);
                }
                Value::Object(out)
            }
            Kind::Call(name, args, expand) => self.call(e, name, args, *expand, pointer),
            Kind::Name(_) | Kind::Attr(..) | Kind::Index(..) | Kind::Splat(_) => {
                self.reference(e, pointer)
            }
            Kind::Unary(op, operand) => match (op, self.eval(operand, NOWHERE)) {
                (b'!', Value::Bool(b)) => Value::Bool(!b),
                (b'-', Value::Number(n)) => {
                    n.as_f64().map_or_else(|| self.unknown(e), |f| number(-f))
                }
                _ => self.unknown(e),
            },
            Kind::Binary(op, left, right) => {
                let (l, r) = (self.eval(left, NOWHERE), self.eval(right, NOWHERE));
                binary(op, &l, &r).unwrap_or_else(|| self.unknown(e))
            }
            Kind::Conditional(condition, yes, no) => match self.eval(condition, NOWHERE) {
                Value::Bool(true) => self.eval(yes, pointer),
                Value::Bool(false) => self.eval(no, pointer),
                _ => self.unknown(e),
            },
            Kind::For(f) => self.for_expression(e, f, pointer),
        }
    }

    fn template(&mut self, e: &Expr<'a>, parts: &[Part<'a>], pointer: &str) -> Value {
        // `"${x}"` alone is the value of `x`, of any type.
        if let [Part::Interpolation(inner)] = parts {
            return self.eval(inner, pointer);
        }
        let mut out = String::new();
        for part in parts {
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Interpolation(inner) => match self.eval(inner, NOWHERE) {
                    Value::String(s) => out.push_str(&s),
                    Value::Null => return self.unknown(e),
                    v @ (Value::Number(_) | Value::Bool(_)) => out.push_str(&v.to_string()),
                    // A list or an object has no string form: Terraform refuses it.
                    _ => return self.unknown(e),
                },
                Part::Directive => return self.unknown(e),
            }
        }
        Value::String(out)
    }

    /// A reference: `var.x`, `local.x`, a `for` variable, a policy document's `json`, and steps after them;
    /// anything else (another resource's attribute, `data.aws_caller_identity.current.account_id`) is unknown.
    fn reference(&mut self, e: &Expr<'a>, pointer: &str) -> Value {
        // The root name and the steps after it, outermost last.
        let mut steps = Vec::new();
        let mut root = e;
        // Down to a name, or a computed value (`jsondecode(x).Statement`, `[a, b][0]`).
        while let Kind::Attr(base, _) | Kind::Index(base, _) | Kind::Splat(base) = &root.kind {
            steps.push(root);
            root = base;
        }
        steps.reverse();
        let attr = |step: Option<&&Expr<'a>>| match step.map(|s| &s.kind) {
            Some(Kind::Attr(_, name)) => Some(*name),
            _ => None,
        };
        let (mut value, used) = match &root.kind {
            Kind::Name(name) => {
                if let Some((_, v)) = self.bound.iter().rev().find(|(n, _)| n == name) {
                    (v.clone(), 0)
                } else {
                    match (*name, attr(steps.first())) {
                        ("var", Some(var)) => match self.variable(var, pointer) {
                            Some(v) => (v, 1),
                            None => return self.unknown(e),
                        },
                        ("local", Some(local)) => match self.local(local, pointer) {
                            Some(v) => (v, 1),
                            None => return self.unknown(e),
                        },
                        ("data", Some("aws_iam_policy_document")) => {
                            let name = attr(steps.get(1));
                            let field = attr(steps.get(2));
                            match (name, field) {
                                (Some(name), Some("json" | "minified_json")) => {
                                    match self.document(name, pointer) {
                                        Some(v) => (v, 3),
                                        None => return self.unknown(e),
                                    }
                                }
                                _ => return self.unknown(e),
                            }
                        }
                        (kind, Some(name)) => {
                            match self.resource_attribute(kind, name, attr(steps.get(1))) {
                                Some(v) => (v, 2),
                                None => return self.unknown(e),
                            }
                        }
                        _ => return self.unknown(e),
                    }
                }
            }
            // A step on a computed value: the value first.
            _ => (self.eval(root, NOWHERE), 0),
        };
        for step in steps.iter().skip(used) {
            value = match &step.kind {
                Kind::Attr(_, name) => match value {
                    Value::Object(mut m) => match m.remove(*name) {
                        Some(v) => v,
                        None => return self.unknown(e),
                    },
                    _ => return self.unknown(e),
                },
                Kind::Index(_, index) => match (value, self.eval(index, NOWHERE)) {
                    (Value::Array(mut items), Value::Number(n)) => {
                        match n
                            .as_u64()
                            .and_then(|i| usize::try_from(i).ok())
                            .filter(|&i| i < items.len())
                        {
                            Some(i) => items.swap_remove(i),
                            None => return self.unknown(e),
                        }
                    }
                    (Value::Object(mut m), Value::String(k)) => match m.remove(&k) {
                        Some(v) => v,
                        None => return self.unknown(e),
                    },
                    _ => return self.unknown(e),
                },
                _ => return self.unknown(e),
            };
            if is_unknown(&value) && !matches!(value, Value::Object(_) | Value::Array(_)) {
                return self.unknown(e);
            }
        }
        value
    }

    /// An attribute of a resource in the pasted text that is one of its arguments (`aws_iam_openid_connect_provider
    /// .circleci.url`), or an OIDC provider's `arn`, built from its `url` (the account is not known).
    fn resource_attribute(
        &mut self,
        kind: &'a str,
        name: &'a str,
        attribute: Option<&'a str>,
    ) -> Option<Value> {
        let Some(&Named::Body(body, _)) = self.names.get(&(kind, name)) else {
            return None;
        };
        let wanted = match (kind, attribute?) {
            ("aws_iam_openid_connect_provider", "arn") => "url",
            (_, attribute) => attribute,
        };
        let value = self::attribute(body, wanted)?;
        let v = self.guarded((kind, name), |s| s.eval(value, NOWHERE))?;
        if wanted == attribute? {
            return Some(v);
        }
        let url = v.as_str()?;
        let host = url.strip_prefix("https://").unwrap_or(url);
        Some(Value::String(format!(
            "arn:aws:iam::${{account_id}}:oidc-provider/{host}"
        )))
    }

    /// A variable's value: a `.tfvars` line's, else its default (noted); `None` when it has neither.
    fn variable(&mut self, name: &'a str, pointer: &str) -> Option<Value> {
        let Some(&Named::Value(value, default)) = self.names.get(&("var", name)) else {
            return None;
        };
        let v = self.guarded(("var", name), |s| s.eval(value, pointer))?;
        if default && !self.defaults.iter().any(|(n, _)| *n == name) {
            let mut shown = v.to_string();
            if shown.len() > 60 {
                let cut = (0..=57)
                    .rev()
                    .find(|&i| shown.is_char_boundary(i))
                    .unwrap_or(0);
                shown.truncate(cut);
                shown.push('…');
            }
            self.defaults.push((name, shown));
        }
        Some(v)
    }

    fn local(&mut self, name: &'a str, pointer: &str) -> Option<Value> {
        let Some(&Named::Value(value, _)) = self.names.get(&("local", name)) else {
            return None;
        };
        let v = self.guarded(("local", name), |s| s.eval(value, pointer));
        if v.is_none() {
            self.notes.push(format!("`local.{name}` refers to itself"));
        }
        v
    }

    /// Evaluate `f` while `name` (a namespace and a name) is being evaluated; `None` when it already is: a cycle.
    fn guarded<T>(
        &mut self,
        name: (&'a str, &'a str),
        f: impl FnOnce(&mut Self) -> T,
    ) -> Option<T> {
        if self.evaluating.contains(&name) {
            return None;
        }
        self.evaluating.push(name);
        let out = f(self);
        self.evaluating.pop();
        Some(out)
    }

    /// `data.aws_iam_policy_document.<name>.json`: the policy rendered from the data source's block, located in
    /// that block.
    fn document(&mut self, name: &'a str, pointer: &str) -> Option<Value> {
        let Some(&Named::Body(body, n)) = self.names.get(&("data", name)) else {
            return None;
        };
        if self.rendered.get(n)?.is_none() {
            let outer = std::mem::take(&mut self.spans);
            let block = self.guarded(("data", name), |s| s.body(body, ""));
            let block_spans = std::mem::replace(&mut self.spans, outer);
            let block = block?;
            // Where each pointer of the block was written (the last of a repeated one, as the block holds it).
            let written: HashMap<&str, usize> = block_spans
                .iter()
                .map(|(p, at)| (p.as_str(), *at))
                .collect();
            self.merged_conditions(name, &block, &written);
            let rendered = super::policy_document::render(&block);
            self.incomplete |= !rendered.notes.is_empty();
            for note in rendered.notes {
                self.notes
                    .push(format!("`data.aws_iam_policy_document.{name}`: {note}"));
            }
            let spans = rendered
                .origins
                .into_iter()
                .filter_map(|(in_policy, in_block)| {
                    Some((in_policy, *written.get(in_block.as_str())?))
                })
                .collect();
            *self.rendered.get_mut(n)? = Some((rendered.policy, spans));
        }
        let (policy, spans) = self.rendered.get(n)?.as_ref()?;
        if !pointer.starts_with(NOWHERE) {
            self.spans.extend(spans.iter().map(|(p, at)| {
                let mut located = String::with_capacity(pointer.len() + p.len());
                located.push_str(pointer);
                located.push_str(p);
                (located, *at)
            }));
        }
        Some(policy.clone())
    }

    /// Two `condition` blocks of one statement on the same test and variable: the provider merges their values
    /// into one list, which IAM ORs (terraform-provider-aws#33093), where the two blocks read as AND. Noted with
    /// where the second block was written (`written`: where each pointer of the block was, looked up rather than
    /// searched for: a search per merged block was quadratic in a long document).
    fn merged_conditions(
        &mut self,
        name: &str,
        block: &Map<String, Value>,
        written: &HashMap<&str, usize>,
    ) {
        let statements = block.get("statement").and_then(Value::as_array);
        for (i, statement) in statements.into_iter().flatten().enumerate() {
            let conditions = statement.get("condition").and_then(Value::as_array);
            let mut seen: Vec<(&str, &str)> = Vec::new();
            for (j, c) in conditions.into_iter().flatten().enumerate() {
                let (Some(test), Some(variable)) = (
                    c.get("test").and_then(Value::as_str),
                    c.get("variable").and_then(Value::as_str),
                ) else {
                    continue;
                };
                if !seen.contains(&(test, variable)) {
                    seen.push((test, variable));
                    continue;
                }
                let pointer = format!("/statement/{i}/condition/{j}");
                let at = written.get(pointer.as_str()).copied();
                self.merged.push((
                    format!("statement {} of `data.aws_iam_policy_document.{name}` has two `condition` blocks with `test = \"{test}\"` on `{variable}`: the AWS provider merges their values into one list, which IAM reads as OR (any value matches), not AND", i + 1),
                    at,
                ));
            }
        }
    }

    /// A resource's instances, from its `for_each` or `count` when known: each instance's key as its address
    /// writes it (`["a"]`, `[0]`), and the value of `each` or `count` in it. `None` for one instance (no
    /// meta-argument, or one not known before apply, whose `each.value` then stays unknown).
    pub(crate) fn instances(
        &mut self,
        body: &'e [Item<'a>],
    ) -> Option<Vec<(String, &'static str, Value)>> {
        const MAX: usize = 256;
        if let Some(e) = attribute(body, "for_each") {
            let pairs: Vec<(String, Value)> = match self.eval(e, NOWHERE) {
                Value::Object(m) => m.into_iter().collect(),
                Value::Array(items) => items
                    .into_iter()
                    .map(|v| Some((v.as_str()?.to_string(), v)))
                    .collect::<Option<_>>()?,
                _ => return None,
            };
            if pairs.iter().any(|(k, _)| k.contains("${")) {
                return None;
            }
            return Some(
                pairs
                    .into_iter()
                    .take(MAX)
                    .map(|(k, v)| {
                        let mut each = Map::new();
                        each.insert("key".into(), Value::String(k.clone()));
                        each.insert("value".into(), v);
                        (
                            format!("[{}]", Value::String(k)),
                            "each",
                            Value::Object(each),
                        )
                    })
                    .collect(),
            );
        }
        let n = self.eval(attribute(body, "count")?, NOWHERE).as_u64()?;
        Some(
            (0..n.min(MAX as u64))
                .map(|i| {
                    let mut count = Map::new();
                    count.insert("index".into(), Value::from(i));
                    (format!("[{i}]"), "count", Value::Object(count))
                })
                .collect(),
        )
    }

    /// Evaluate `f` with `name` bound to `value` (a resource instance's `each` or `count`, a `dynamic` block's
    /// iterator).
    pub(crate) fn bound<T>(
        &mut self,
        name: &'a str,
        value: Value,
        f: impl FnOnce(&mut Self) -> T,
    ) -> T {
        self.bound.push((name, value));
        let out = f(self);
        self.bound.pop();
        out
    }

    /// A block's body as Terraform's JSON configuration writes it: attributes as values, nested blocks as lists
    /// of objects under their type (`dynamic` blocks expanded when their `for_each` is known).
    pub(crate) fn body(&mut self, body: &'e [Item<'a>], pointer: &str) -> Map<String, Value> {
        let mut out = Map::new();
        for item in body {
            match item {
                // Meta-arguments, which configure Terraform rather than the resource.
                Item::Attribute {
                    name: "for_each" | "count" | "depends_on" | "provider",
                    ..
                } => {}
                Item::Block {
                    kind: "lifecycle", ..
                } => {}
                Item::Attribute { name, at, value } => {
                    let p = pointer_push(pointer, name);
                    let slot = self.locate(&p, *at);
                    let v = self.eval(value, &p);
                    self.located(slot, p);
                    out.insert((*name).to_string(), v);
                }
                Item::Block {
                    kind: "dynamic",
                    labels,
                    at,
                    body,
                } => {
                    let label = labels.first().copied().unwrap_or("");
                    self.dynamic(label, *at, body, pointer, &mut out);
                }
                Item::Block { kind, at, body, .. } => {
                    let index = blocks_so_far(&mut out, kind);
                    let mut p = pointer_push(pointer, kind);
                    push_index(&mut p, index);
                    let slot = self.locate(&p, *at);
                    let v = Value::Object(self.body(body, &p));
                    self.located(slot, p);
                    if let Some(Value::Array(items)) = out.get_mut(*kind) {
                        items.push(v);
                    }
                }
            }
        }
        out
    }

    /// `dynamic "label" { for_each = …, iterator = name, content { … } }`: one `label` block per element.
    fn dynamic(
        &mut self,
        label: &'a str,
        at: usize,
        body: &'e [Item<'a>],
        pointer: &str,
        out: &mut Map<String, Value>,
    ) {
        let content = body.iter().find_map(|i| match i {
            Item::Block {
                kind: "content",
                body,
                ..
            } => Some(body.as_slice()),
            _ => None,
        });
        let iterator = match attribute(body, "iterator").map(|e| &e.kind) {
            Some(Kind::Name(name)) => *name,
            _ => label,
        };
        let collection = attribute(body, "for_each").map(|e| self.eval(e, NOWHERE));
        let Some(elements) = collection.and_then(elements) else {
            self.incomplete = true;
            self.notes.push(format!("the `dynamic \"{label}\"` block's `for_each` is not known before apply, so the `{label}` blocks it makes are missing here"));
            return;
        };
        let Some(content) = content else { return };
        let first = blocks_so_far(out, label);
        for (index, (key, value)) in (first..).zip(elements) {
            let mut element = Map::new();
            element.insert("key".into(), key);
            element.insert("value".into(), value);
            let mut p = pointer_push(pointer, label);
            push_index(&mut p, index);
            let slot = self.locate(&p, at);
            let v = Value::Object(
                self.bound(iterator, Value::Object(element), |s| s.body(content, &p)),
            );
            self.located(slot, p);
            if let Some(Value::Array(items)) = out.get_mut(label) {
                items.push(v);
            }
        }
    }

    fn for_expression(&mut self, e: &Expr<'a>, f: &super::syntax::For<'a>, pointer: &str) -> Value {
        let Some(elements) = elements(self.eval(&f.collection, NOWHERE)) else {
            return self.unknown(e);
        };
        let mut list = Vec::new();
        let mut object = Map::new();
        for (key, value) in elements {
            let bound = self.bound.len();
            if let Some(k) = f.key_name {
                self.bound.push((k, key));
            }
            self.bound.push((f.value_name, value));
            let keep = match &f.condition {
                None => Some(true),
                Some(c) => self.eval(c, NOWHERE).as_bool(),
            };
            let result = match keep {
                None => None,
                Some(false) => Some(None),
                Some(true) => match &f.key {
                    None => {
                        let p = pointer_index(pointer, list.len());
                        let slot = self.locate(&p, f.value.start);
                        let v = self.eval(&f.value, &p);
                        self.located(slot, p);
                        Some(Some((None, v)))
                    }
                    Some(k) => match self.eval(k, NOWHERE) {
                        Value::String(k) => {
                            let v = self.eval(&f.value, NOWHERE);
                            Some(Some((Some(k), v)))
                        }
                        _ => None,
                    },
                },
            };
            self.bound.truncate(bound);
            match result {
                None => return self.unknown(e),
                Some(None) => {}
                Some(Some((None, v))) => list.push(v),
                Some(Some((Some(k), v))) => {
                    if f.group {
                        if let Value::Array(items) =
                            object.entry(k).or_insert_with(|| Value::Array(Vec::new()))
                        {
                            items.push(v);
                        }
                    } else {
                        object.insert(k, v);
                    }
                }
            }
        }
        if f.key.is_some() {
            Value::Object(object)
        } else {
            Value::Array(list)
        }
    }

    fn call(
        &mut self,
        e: &Expr<'a>,
        name: &str,
        args: &[Expr<'a>],
        expand: bool,
        pointer: &str,
    ) -> Value {
        // The value passes through these as it is, so its members are located where it is used.
        if matches!(
            name,
            "jsonencode" | "tolist" | "toset" | "tomap" | "sensitive" | "nonsensitive"
        ) && args.len() == 1
            && !expand
        {
            let arg = args
                .first()
                .map(|a| self.eval(a, pointer))
                .unwrap_or(Value::Null);
            return match (name, arg) {
                ("toset", Value::Array(items)) => Value::Array(distinct(items)),
                (_, v) => v,
            };
        }
        let mut values: Vec<Value> = args.iter().map(|a| self.eval(a, NOWHERE)).collect();
        if expand {
            match values.pop() {
                Some(Value::Array(items)) => values.extend(items),
                _ => return self.unknown(e),
            }
        }
        // `try` and `coalesce` take the first usable argument, even if a later one is unknown.
        match name {
            "try" => {
                return values
                    .into_iter()
                    .find(|v| !is_unknown(v))
                    .unwrap_or_else(|| self.unknown(e))
            }
            "coalesce" => {
                for v in values {
                    if is_unknown(&v) {
                        return self.unknown(e);
                    }
                    if !v.is_null() && v != Value::String(String::new()) {
                        return v;
                    }
                }
                return self.unknown(e);
            }
            _ => {}
        }
        if values.iter().any(is_unknown) {
            return self.unknown(e);
        }
        super::functions::call(name, values).unwrap_or_else(|| self.unknown(e))
    }
}

/// How many blocks of type `kind` a body's `out` holds so far, their list created empty if there is none yet (the
/// key copied then only, not for every block).
fn blocks_so_far(out: &mut Map<String, Value>, kind: &str) -> usize {
    match out.get(kind) {
        Some(list) => list.as_array().map_or(0, Vec::len),
        None => {
            out.insert(kind.to_string(), Value::Array(Vec::new()));
            0
        }
    }
}

/// The expression of the attribute `name` in `body`, if it has one.
fn attribute<'e, 'a>(body: &'e [Item<'a>], name: &str) -> Option<&'e Expr<'a>> {
    body.iter().find_map(|i| match i {
        Item::Attribute { name: n, value, .. } if *n == name => Some(value),
        _ => None,
    })
}

/// The elements a `for` expression or a `dynamic` block iterates: a list's indices or a map's keys, each with its
/// value; `None` for anything else (a value not known before apply).
fn elements(collection: Value) -> Option<Vec<(Value, Value)>> {
    match collection {
        Value::Array(items) => Some(
            items
                .into_iter()
                .enumerate()
                .map(|(i, v)| (Value::from(i), v))
                .collect(),
        ),
        Value::Object(m) => Some(m.into_iter().map(|(k, v)| (Value::String(k), v)).collect()),
        _ => None,
    }
}

/// Whether `v` holds a value not known before apply (a `${…}` template), anywhere inside.
pub(crate) fn is_unknown(v: &Value) -> bool {
    match v {
        Value::String(s) => s.contains("${"),
        Value::Array(items) => items.iter().any(is_unknown),
        Value::Object(m) => m.values().any(is_unknown),
        _ => false,
    }
}

pub(crate) fn number(f: f64) -> Value {
    if f.fract() == 0.0 && f.abs() < 9.0e15 {
        // Whole numbers are written without a fraction, as Terraform prints them.
        Value::from(f as i64)
    } else {
        serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
    }
}

pub(crate) fn distinct(items: Vec<Value>) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::with_capacity(items.len());
    for v in items {
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

fn binary(op: &str, l: &Value, r: &Value) -> Option<Value> {
    if is_unknown(l) || is_unknown(r) {
        return None;
    }
    Some(match op {
        "==" => Value::Bool(l == r),
        "!=" => Value::Bool(l != r),
        "&&" => Value::Bool(l.as_bool()? && r.as_bool()?),
        "||" => Value::Bool(l.as_bool()? || r.as_bool()?),
        _ => {
            let (a, b) = (as_number(l)?, as_number(r)?);
            match op {
                "+" => number(a + b),
                "-" => number(a - b),
                "*" => number(a * b),
                "/" if b != 0.0 => number(a / b),
                "%" if b != 0.0 => number(a % b),
                "<" => Value::Bool(a < b),
                "<=" => Value::Bool(a <= b),
                ">" => Value::Bool(a > b),
                ">=" => Value::Bool(a >= b),
                _ => return None,
            }
        }
    })
}

/// A number, or a string Terraform would convert to one.
pub(crate) fn as_number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => serde_json::from_str::<f64>(s.trim()).ok(),
        _ => None,
    }
}
