//! The `aws_iam_policy_document` data source: the policy JSON its `json` attribute holds, rendered from the
//! block's arguments as the AWS provider renders them.
//!
//! The rules are those of terraform-provider-aws (v5, v6): `internal/service/iam/policy_document_data_source.go`
//! (reading the block, merging the documents) and `policy_model.go` (the document's Go structs, their JSON
//! (un)marshalling, `Merge`), with the set order of terraform-plugin-sdk v2 (`helper/schema/set.go`,
//! `serialize.go`):
//!
//! - the output keys are the struct fields in order: `Version`, `Id`, `Statement`; in a statement `Sid`, `Effect`,
//!   `Action`, `NotAction`, `Resource`, `NotResource`, `Principal`, `NotPrincipal`, `Condition`; empty strings
//!   and absent lists are left out (`omitempty`);
//! - `actions`, `not_actions`, `resources`, `not_resources` and `identifiers` are sets: deduplicated, sorted and
//!   reversed (descending byte order); one element is rendered as a plain string;
//! - `principals` of the same type are merged into one list (in the SDK's set order of the blocks); a single
//!   block of type `*` whose only identifier is `*` is rendered as `"Principal": "*"`;
//! - `condition` blocks with the same test and variable are merged (their values are OR-ed by IAM), values keep
//!   their order, a single value is rendered as a string; tests and variables come out sorted (Go map keys);
//! - `&{` becomes `${` in resources, identifiers and condition values (an error in version `2008-10-17`);
//! - `source_policy_documents`, then the block's statements, then `override_policy_documents` are merged in order:
//!   a statement with the Sid of an earlier one replaces it in place, others are appended; the last non-empty `Id`
//!   wins, the greatest `Version` wins; a Sid twice in the source documents is an error. A merged document goes
//!   through Go's `json.Unmarshal` and `json.Marshal` of the provider's structs, which normalises it (see
//!   [`parse_statement`]).
//!
//! The input strings are Terraform templates: `$${` stands for a literal `${` and `%%{` for `%{`; a string still
//! holding `${` is a value not known before apply, passed through as it is.

use super::pointer_index;
use crate::policy::json::pointer_push;
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
    let mut cx = Notes::default();
    check_keys(&mut cx, block, TOP_KEYS);
    let mut merged = Doc::default();
    let mut sids = Map::new();
    for doc in documents(&mut cx, block, "source_policy_documents") {
        for s in doc.statements.iter().filter(|s| !s.sid.is_empty()) {
            if sids.contains_key(&s.sid) {
                cx.add(&[
                    "the provider rejects `source_policy_documents`: sid `",
                    &s.sid,
                    "` is in two statements",
                ]);
            } else {
                sids.insert(s.sid.clone(), Value::Null);
            }
        }
        merged.merge(doc);
    }

    let version =
        attr(&mut cx, block, "version", "").unwrap_or_else(|| ("2012-10-17".into(), String::new()));
    if version.0 != "2012-10-17" && version.0 != "2008-10-17" && !unknown(&version.0) {
        cx.add(&[
            "the provider rejects `version = \"",
            &version.0,
            "\"`: it takes `2012-10-17` or `2008-10-17`",
        ]);
    }
    let mut own = Doc {
        id: attr(&mut cx, block, "policy_id", "").unwrap_or_default(),
        version,
        statements: Vec::new(),
    };
    let mut own_sids = Map::new();
    for (st, p) in blocks(&mut cx, block, "statement", "") {
        let s = statement(&mut cx, st, &p, &own.version.0, &mut own_sids);
        own.statements.push(s);
    }
    merged.merge(own);
    for doc in documents(&mut cx, block, "override_policy_documents") {
        merged.merge(doc);
    }
    for (key, instead) in [
        ("source_json", "source_policy_documents"),
        ("override_json", "override_policy_documents"),
    ] {
        if attr(&mut cx, block, key, "").is_some_and(|(s, _)| !s.is_empty()) {
            cx.add(&[
                "the provider (v5 and later) rejects a non-empty `",
                key,
                "` (use `",
                instead,
                "`): it is left out",
            ]);
        }
    }

    let mut policy = Map::new();
    let mut origins = Vec::new();
    for (name, (value, origin)) in [("Version", merged.version), ("Id", merged.id)] {
        if !value.is_empty() {
            policy.insert(name.into(), Value::String(value));
            origins.push((pointer_push("", name), origin));
        }
    }
    if let Some(first) = merged.statements.first() {
        let origin = if block.contains_key("statement") {
            "/statement".into()
        } else {
            first.origin.clone()
        };
        origins.push(("/Statement".into(), origin));
        let mut list = Vec::with_capacity(merged.statements.len());
        for (i, s) in merged.statements.into_iter().enumerate() {
            let p = pointer_index("/Statement", i);
            origins.push((p.clone(), s.origin));
            for (rel, origin) in s.rel {
                // Sized at once: a copy of `p` would grow again for `rel`.
                let mut q = String::with_capacity(p.len() + rel.len());
                q.push_str(&p);
                q.push_str(&rel);
                origins.push((q, origin));
            }
            list.push(Value::Object(s.body));
        }
        policy.insert("Statement".into(), Value::Array(list));
    }
    Rendered {
        policy: Value::Object(policy),
        origins,
        notes: cx.0,
    }
}

const TOP_KEYS: &[&str] = &[
    "version",
    "policy_id",
    "statement",
    "source_policy_documents",
    "override_policy_documents",
    "source_json",
    "override_json",
    "count",
    "for_each",
    "depends_on",
    "provider",
    "lifecycle",
];
const STATEMENT_KEYS: &[&str] = &[
    "sid",
    "effect",
    "actions",
    "not_actions",
    "resources",
    "not_resources",
    "principals",
    "not_principals",
    "condition",
];
/// The fields of the provider's statement struct, in order, as JSON names.
const FIELDS: [&str; 9] = [
    "Sid",
    "Effect",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Principal",
    "NotPrincipal",
    "Condition",
];

/// Strings, each with the JSON Pointer it came from (or pointers with their origins).
type Located = Vec<(String, String)>;

/// The notes gathered while rendering.
#[derive(Default)]
struct Notes(Vec<String>);

impl Notes {
    fn add(&mut self, parts: &[&str]) {
        self.0.push(parts.concat());
    }
}

/// A statement being merged: its Sid, its JSON, where it came from, and the origins of what it holds (pointers
/// relative to the statement).
struct Statement {
    sid: String,
    body: Map<String, Value>,
    origin: String,
    rel: Located,
}

/// A document being merged; `version` and `id` with their origins.
#[derive(Default)]
struct Doc {
    version: (String, String),
    id: (String, String),
    statements: Vec<Statement>,
}

impl Doc {
    /// `iamPolicyDoc.Merge`: adopt a non-empty Id, a greater Version; replace statements of the same Sid in place.
    fn merge(&mut self, new: Doc) {
        if !new.id.0.is_empty() {
            self.id = new.id;
        }
        if new.version.0 > self.version.0 {
            self.version = new.version;
        }
        // Where each Sid is, in a map (JSON's own, which the wasm holds already): a search per statement would be
        // quadratic in a long document.
        let mut at = Map::new();
        for (i, e) in self.statements.iter().enumerate() {
            if !e.sid.is_empty() {
                at.entry(e.sid.clone()).or_insert(Value::from(i));
            }
        }
        for s in new.statements {
            let same = at.get(&s.sid).and_then(Value::as_u64).map(|i| i as usize);
            match same.and_then(|i| self.statements.get_mut(i)) {
                Some(e) => *e = s,
                None => {
                    if !s.sid.is_empty() {
                        at.insert(s.sid.clone(), Value::from(self.statements.len()));
                    }
                    self.statements.push(s);
                }
            }
        }
    }
}

/// Whether a string holds a value not known before apply.
fn unknown(s: &str) -> bool {
    s.contains("${")
}

/// The string Terraform gives the provider for a scalar: a template's escapes undone, numbers and bools converted.
fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if s.contains("$${") || s.contains("%%{") => {
            Some(s.replace("$${", "${").replace("%%{", "%{"))
        }
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(if *b { "true" } else { "false" }.into()),
        _ => None,
    }
}

/// A string argument and its pointer; `None` when absent or null.
fn attr(cx: &mut Notes, m: &Map<String, Value>, key: &str, p: &str) -> Option<(String, String)> {
    let v = m.get(key).filter(|v| !v.is_null())?;
    let s = scalar(v);
    if s.is_none() {
        cx.add(&["terraform rejects `", key, "`, which is not a string"]);
    }
    Some((s?, pointer_push(p, key)))
}

/// A list argument's strings with their pointers, in order; and the argument's pointer (`p` when absent). A
/// string instead of a list (a whole list not known before apply) is one value.
fn list(cx: &mut Notes, m: &Map<String, Value>, key: &str, p: &str) -> (Located, String) {
    let mut out = Vec::new();
    let Some(v) = m.get(key).filter(|v| !v.is_null()) else {
        return (out, p.to_owned());
    };
    let ap = pointer_push(p, key);
    match v {
        Value::Array(a) => {
            for (i, e) in a.iter().enumerate() {
                match scalar(e) {
                    Some(s) => out.push((s, pointer_index(&ap, i))),
                    None => cx.add(&[
                        "terraform rejects an element of `",
                        key,
                        "` that is not a string",
                    ]),
                }
            }
        }
        _ => match scalar(v) {
            Some(s) => {
                if !unknown(&s) {
                    cx.add(&[
                        "terraform rejects `",
                        key,
                        " = \"",
                        &s,
                        "\"`, which is not a list",
                    ]);
                }
                out.push((s, ap.clone()));
            }
            None => cx.add(&["terraform rejects `", key, "`, which is not a list"]),
        },
    }
    (out, ap)
}

/// The nested blocks `key` of `m`, with their pointers (an array of objects, or one object).
fn blocks<'a>(
    cx: &mut Notes,
    m: &'a Map<String, Value>,
    key: &str,
    p: &str,
) -> Vec<(&'a Map<String, Value>, String)> {
    let mut out = Vec::new();
    let ap = pointer_push(p, key);
    match m.get(key) {
        None | Some(Value::Null) => {}
        Some(Value::Object(b)) => out.push((b, ap)),
        Some(Value::Array(a)) => {
            for (i, e) in a.iter().enumerate() {
                match e {
                    Value::Object(b) => out.push((b, pointer_index(&ap, i))),
                    _ => cx.add(&["terraform rejects a `", key, "` block that is not a block"]),
                }
            }
        }
        Some(Value::String(s)) if unknown(s) => {
            cx.add(&[
                "the rendered document lacks the `",
                key,
                "` blocks of `",
                s,
                "` because their value is not known",
            ]);
        }
        Some(_) => cx.add(&["terraform rejects `", key, "`, which is not a block"]),
    }
    out
}

/// Note the arguments a block does not have, and `dynamic` blocks, which are not rendered.
fn check_keys(cx: &mut Notes, m: &Map<String, Value>, known: &[&str]) {
    for k in m.keys() {
        if k == "dynamic" {
            cx.add(&["the rendered document lacks the blocks that `dynamic` generates"]);
        } else if k != "//" && !known.contains(&k.as_str()) {
            cx.add(&["terraform rejects the unknown argument `", k, "`"]);
        }
    }
}

/// A set of strings as the provider lists it: deduplicated (the first pointer kept), in descending order.
fn set_order(v: Located) -> Located {
    let order = ascending(v.iter().map(|e| e.0.as_str()));
    let mut v = reorder(v, &order);
    v.dedup_by(|a, b| a.0 == b.0);
    v.reverse();
    v
}

/// The indices of `keys` in ascending order, equal keys in their order. Computed with the one string sort the
/// wasm holds (`[&str]::sort_unstable`), over each key tagged with its index, instead of one sort per element
/// type: each of those costs kilobytes of wasm.
fn ascending<'k>(keys: impl Iterator<Item = &'k str>) -> Vec<usize> {
    // Fewer than two are in order (most sets hold one element): nothing to tag.
    if keys.size_hint().1.is_some_and(|n| n < 2) {
        return (0..keys.count()).collect();
    }
    let tagged: Vec<String> = keys
        .enumerate()
        .map(|(i, k)| {
            let mut t = String::with_capacity(k.len() + 11);
            t.push_str(k);
            t.push('\u{0}');
            let i = i.to_string();
            t.extend(std::iter::repeat_n('0', 10usize.saturating_sub(i.len())));
            t.push_str(&i);
            t
        })
        .collect();
    let mut view: Vec<&str> = tagged.iter().map(String::as_str).collect();
    view.sort_unstable();
    view.iter()
        .filter_map(|t| t.rsplit('\u{0}').next()?.parse().ok())
        .collect()
}

/// `v` in the order of the indices `order`.
fn reorder<T>(v: Vec<T>, order: &[usize]) -> Vec<T> {
    let mut slots: Vec<Option<T>> = v.into_iter().map(Some).collect();
    order
        .iter()
        .filter_map(|&i| slots.get_mut(i)?.take())
        .collect()
}

/// CRC-32's table for four bits at a time: 64 bytes, where a byte's table would take a kilobyte of wasm, and a
/// quarter of the steps of a bit at a time.
const CRC_NIBBLES: [u32; 16] = {
    let mut table = [0u32; 16];
    let mut i = 0;
    while i < 16 {
        let mut c = i as u32;
        let mut bit = 0;
        while bit < 4 {
            c = (c >> 1) ^ (0xEDB8_8320 & (c & 1).wrapping_neg());
            bit += 1;
        }
        table[i] = c;
        i += 1;
    }
    table
};

/// The key under which terraform-plugin-sdk files a set element whose serialisation is `s`: the decimal CRC-32
/// (`hashcode.String`). `Set.List()` orders the elements by these keys as strings.
fn set_key(s: &str) -> String {
    let mut c = !0u32;
    for &b in s.as_bytes() {
        c ^= u32::from(b);
        for _ in 0..2 {
            c = (c >> 4) ^ CRC_NIBBLES[(c & 15) as usize];
        }
    }
    (!c).to_string()
}

/// Put the values `v` of a block in set order (by key, the first of equal keys kept).
fn sort_set<T>(v: &mut Vec<(String, T)>) {
    let order = ascending(v.iter().map(|e| e.0.as_str()));
    *v = reorder(std::mem::take(v), &order);
    v.dedup_by(|a, b| a.0 == b.0);
}

/// `&{` → `${` (`dataSourcePolicyDocumentReplaceVarsInList`), rejected in version 2008-10-17.
fn policy_vars(cx: &mut Notes, mut v: Located, version: &str) -> Located {
    for (s, _) in &mut v {
        if s.contains("&{") {
            if version == "2008-10-17" {
                cx.add(&[
                    "the provider rejects `",
                    s,
                    "`: `&{` is not supported in version 2008-10-17",
                ]);
            }
            *s = s.replace("&{", "${");
        }
    }
    v
}

/// `items` as a JSON value at `p`: one (when `one`) as a string, others as a list; with their origins (`whole` for
/// the list).
fn value(rel: &mut Located, p: String, items: Located, one: bool, whole: String) -> Value {
    if let ([(s, origin)], true) = (items.as_slice(), one) {
        rel.push((p, origin.clone()));
        return Value::String(s.clone());
    }
    rel.push((p.clone(), whole));
    let mut list = Vec::with_capacity(items.len());
    for (i, (s, origin)) in items.into_iter().enumerate() {
        rel.push((pointer_index(&p, i), origin));
        list.push(Value::String(s));
    }
    Value::Array(list)
}

/// One `statement` block.
fn statement(
    cx: &mut Notes,
    st: &Map<String, Value>,
    p: &str,
    version: &str,
    sids: &mut Map<String, Value>,
) -> Statement {
    check_keys(cx, st, STATEMENT_KEYS);
    let mut out = Statement {
        sid: String::new(),
        body: Map::new(),
        origin: p.to_owned(),
        rel: Vec::new(),
    };
    let (body, rel) = (&mut out.body, &mut out.rel);
    if let Some((s, origin)) = attr(cx, st, "sid", p).filter(|(s, _)| !s.is_empty()) {
        if !unknown(&s) && !s.bytes().all(|b| b.is_ascii_alphanumeric()) {
            cx.add(&[
                "the provider rejects sid `",
                &s,
                "`: only letters and digits are allowed",
            ]);
        }
        if sids.contains_key(&s) {
            cx.add(&[
                "the provider rejects sid `",
                &s,
                "`, which two statements have",
            ]);
        } else {
            sids.insert(s.clone(), Value::Null);
        }
        body.insert("Sid".into(), Value::String(s.clone()));
        rel.push(("/Sid".into(), origin));
        out.sid = s;
    }
    let (effect, origin) =
        attr(cx, st, "effect", p).unwrap_or_else(|| ("Allow".into(), p.to_owned()));
    if effect != "Allow" && effect != "Deny" && !unknown(&effect) {
        cx.add(&[
            "the provider rejects `effect = \"",
            &effect,
            "\"`: it takes `Allow` or `Deny`",
        ]);
    }
    if !effect.is_empty() {
        body.insert("Effect".into(), Value::String(effect));
        rel.push(("/Effect".into(), origin));
    }
    for (key, name, vars) in [
        ("actions", "Action", false),
        ("not_actions", "NotAction", false),
        ("resources", "Resource", true),
        ("not_resources", "NotResource", true),
    ] {
        let (items, whole) = list(cx, st, key, p);
        let mut items = set_order(items);
        if vars {
            items = policy_vars(cx, items, version);
        }
        if !items.is_empty() {
            let v = value(rel, pointer_push("", name), items, true, whole);
            body.insert(name.into(), v);
        }
    }
    principals(cx, st, "principals", "Principal", p, version, &mut out);
    principals(
        cx,
        st,
        "not_principals",
        "NotPrincipal",
        p,
        version,
        &mut out,
    );
    conditions(cx, st, p, version, &mut out);
    out
}

/// The `principals` (or `not_principals`) blocks of a statement as `name` (`iamPolicyStatementPrincipalSet`).
fn principals(
    cx: &mut Notes,
    st: &Map<String, Value>,
    key: &str,
    name: &str,
    p: &str,
    version: &str,
    stmt: &mut Statement,
) {
    let (body, rel) = (&mut stmt.body, &mut stmt.rel);
    // Each block with its set key: its type, identifiers and pointer.
    let mut set = Vec::new();
    let of_key = blocks(cx, st, key, p);
    let count = of_key.len();
    for (b, bp) in of_key {
        check_keys(cx, b, &["type", "identifiers"]);
        let ty = attr(cx, b, "type", &bp).unwrap_or_default().0;
        if ty.is_empty() {
            cx.add(&["a `", key, "` block has no `type`"]);
        }
        let (ids, ip) = list(cx, b, "identifiers", &bp);
        let ids = set_order(ids);
        if ids.is_empty() {
            cx.add(&[
                "the `",
                key,
                "` block of type `",
                &ty,
                "` has no `identifiers`",
            ]);
        }
        // `SerializeResourceForHash`: `identifiers:{id;…};type:T;`, the identifiers in their own set order. One
        // block needs no key: it is in order alone.
        let key = if count < 2 {
            String::new()
        } else {
            let keyed: Vec<(String, &str)> =
                ids.iter().map(|(s, _)| (set_key(s), s.as_str())).collect();
            let order = ascending(keyed.iter().map(|k| k.0.as_str()));
            let keyed = reorder(keyed, &order);
            let mut h = String::from("identifiers:{");
            for (_, id) in keyed {
                h.push_str(id);
                h.push(';');
            }
            h.push_str("};type:");
            h.push_str(&ty);
            h.push(';');
            set_key(&h)
        };
        set.push((key, (ty, ids, ip)));
    }
    sort_set(&mut set);
    if let [(_, (ty, ids, _))] = set.as_slice() {
        if let [(id, origin)] = ids.as_slice() {
            if ty == "*" && id == "*" {
                body.insert(name.into(), Value::String("*".into()));
                rel.push((pointer_push("", name), origin.clone()));
                return;
            }
        }
    }
    // The type, its identifiers, whether they are one string, and the first block's `identifiers` pointer.
    let mut merged: Vec<(String, Located, bool, String)> = Vec::new();
    for (_, (ty, ids, ip)) in set {
        let ids = policy_vars(cx, ids, version);
        match merged.iter_mut().find(|m| m.0 == ty) {
            Some(m) => {
                m.1.extend(ids);
                m.2 = false;
            }
            None => {
                let one = ids.len() == 1;
                merged.push((ty, ids, one, ip));
            }
        }
    }
    if merged.is_empty() {
        return;
    }
    let order = ascending(merged.iter().map(|m| m.0.as_str()));
    let merged = reorder(merged, &order);
    let np = pointer_push("", name);
    rel.push((np.clone(), pointer_push(p, key)));
    let mut out = Map::new();
    for (ty, ids, one, ip) in merged {
        let v = value(rel, pointer_push(&np, &ty), ids, one, ip);
        out.insert(ty, v);
    }
    body.insert(name.into(), Value::Object(out));
}

/// The `condition` blocks of a statement as `Condition` (`iamPolicyStatementConditionSet`).
fn conditions(
    cx: &mut Notes,
    st: &Map<String, Value>,
    p: &str,
    version: &str,
    stmt: &mut Statement,
) {
    let (body, rel) = (&mut stmt.body, &mut stmt.rel);
    // Each block with its set key: test, variable, values, and the pointers of the values and the test.
    let mut set = Vec::new();
    let conditions = blocks(cx, st, "condition", p);
    let count = conditions.len();
    for (b, bp) in conditions {
        check_keys(cx, b, &["test", "variable", "values"]);
        let (test, tp) = attr(cx, b, "test", &bp).unwrap_or_else(|| (String::new(), bp.clone()));
        let variable = attr(cx, b, "variable", &bp).unwrap_or_default().0;
        for (arg, v) in [("test", &test), ("variable", &variable)] {
            if v.is_empty() {
                cx.add(&["a `condition` block has no `", arg, "`"]);
            }
        }
        let (values, vp) = list(cx, b, "values", &bp);
        if values.is_empty() {
            cx.add(&["the `condition` on `", &variable, "` has no `values`"]);
        }
        // `SerializeResourceForHash`: `test:T;values:(v;…);variable:V;`. One block needs no key: it is in order
        // alone.
        let key = if count < 2 {
            String::new()
        } else {
            let mut h = String::from("test:");
            h.push_str(&test);
            h.push_str(";values:(");
            for (v, _) in &values {
                h.push_str(v);
                h.push(';');
            }
            h.push_str(");variable:");
            h.push_str(&variable);
            h.push(';');
            set_key(&h)
        };
        set.push((key, (test, variable, values, vp, tp)));
    }
    sort_set(&mut set);
    // Each test, the first block's `test` pointer, and its variables: values, the first block's values pointer.
    type Variables = Vec<(String, Located, String)>;
    let mut merged: Vec<(String, String, Variables)> = Vec::new();
    for (_, (test, variable, values, vp, tp)) in set {
        let values = policy_vars(cx, values, version);
        let t = match merged.iter().position(|t| t.0 == test) {
            Some(i) => i,
            None => {
                merged.push((test, tp, Vec::new()));
                merged.len() - 1
            }
        };
        let Some((_, _, vars)) = merged.get_mut(t) else {
            continue;
        };
        match vars.iter_mut().find(|v| v.0 == variable) {
            Some(v) => v.1.extend(values),
            None => vars.push((variable, values, vp)),
        }
    }
    if merged.is_empty() {
        return;
    }
    let order = ascending(merged.iter().map(|m| m.0.as_str()));
    let merged = reorder(merged, &order);
    rel.push(("/Condition".into(), pointer_push(p, "condition")));
    let mut out = Map::new();
    for (test, origin, vars) in merged {
        let tp = pointer_push("/Condition", &test);
        rel.push((tp.clone(), origin));
        let order = ascending(vars.iter().map(|v| v.0.as_str()));
        let vars = reorder(vars, &order);
        let mut inner = Map::new();
        for (variable, values, vp) in vars {
            let v = value(rel, pointer_push(&tp, &variable), values, true, vp);
            inner.insert(variable, v);
        }
        out.insert(test, Value::Object(inner));
    }
    body.insert("Condition".into(), Value::Object(out));
}

/// The documents of `source_policy_documents` or `override_policy_documents`, in order.
fn documents(cx: &mut Notes, block: &Map<String, Value>, key: &str) -> Vec<Doc> {
    let p = pointer_push("", key);
    let mut out = Vec::new();
    match block.get(key) {
        Some(Value::Array(a)) => {
            for (i, e) in a.iter().enumerate() {
                out.extend(document(cx, e, pointer_index(&p, i), key));
            }
        }
        Some(Value::String(s)) if unknown(s) => {
            cx.add(&[
                "the rendered document lacks the statements of `",
                s,
                "` because its value is not known",
            ]);
        }
        Some(Value::Null) | None => {}
        Some(v) => {
            cx.add(&["terraform rejects `", key, "`, which is not a list"]);
            out.extend(document(cx, v, p, key));
        }
    }
    out
}

/// One entry of `key`: a policy as a JSON string, or already parsed.
fn document(cx: &mut Notes, v: &Value, p: String, key: &str) -> Option<Doc> {
    let parsed;
    let (v, whole) = match v {
        Value::Null | Value::Array(_) | Value::Object(_) => (v, false),
        _ => {
            let s = scalar(v).unwrap_or_default();
            // An empty string adds nothing (the provider's test `sourcePolicyValidJSON`).
            if s.is_empty() {
                return None;
            }
            match serde_json::from_str::<Value>(&s) {
                Ok(x) => parsed = x,
                Err(_) if unknown(&s) => {
                    cx.add(&[
                        "the rendered document lacks the statements of `",
                        &s,
                        "` because its value is not known",
                    ]);
                    return None;
                }
                Err(_) => {
                    cx.add(&[
                        "the provider rejects an entry of `",
                        key,
                        "` that is not JSON: it is left out",
                    ]);
                    return None;
                }
            }
            (&parsed, true)
        }
    };
    let doc = parse_document(v, &p, whole);
    if doc.is_err() {
        cx.add(&[
            "the provider rejects an entry of `",
            key,
            "` that is not a policy it reads: it is left out",
        ]);
    }
    let (doc, dropped) = doc.ok()?;
    if dropped {
        cx.add(&[
            "the provider drops the condition values of an entry of `",
            key,
            "` that are numbers or null",
        ]);
    }
    Some(doc)
}

/// A policy as the provider's `json.Unmarshal` into `iamPolicyDoc` reads it (field names matched regardless of
/// case, other members ignored); `Err` where it fails (or panics). The origin of everything is `p` when `whole`,
/// else its own pointer under `p`. Also whether condition values were dropped.
fn parse_document(v: &Value, p: &str, whole: bool) -> Result<(Doc, bool), ()> {
    let mut doc = Doc::default();
    let mut dropped = false;
    let o = match v {
        Value::Object(o) => o,
        Value::Null => return Ok((doc, dropped)),
        _ => return Err(()),
    };
    for (k, x) in o {
        let origin = if whole {
            p.to_owned()
        } else {
            pointer_push(p, k)
        };
        let field = if k.eq_ignore_ascii_case("Version") {
            &mut doc.version
        } else if k.eq_ignore_ascii_case("Id") {
            &mut doc.id
        } else if k.eq_ignore_ascii_case("Statement") {
            doc.statements.clear();
            match x {
                Value::Null => continue,
                Value::Array(a) => {
                    for (i, s) in a.iter().enumerate() {
                        let sp = if whole {
                            p.to_owned()
                        } else {
                            pointer_index(&origin, i)
                        };
                        // A null statement makes the provider panic in `Merge`.
                        let Value::Object(s) = s else { return Err(()) };
                        doc.statements
                            .push(parse_statement(s, sp, whole, &mut dropped)?);
                    }
                    continue;
                }
                _ => return Err(()),
            }
        } else {
            continue;
        };
        match x {
            Value::String(s) => *field = (s.clone(), origin),
            Value::Null => {}
            _ => return Err(()),
        }
    }
    Ok((doc, dropped))
}

/// A statement as `json.Unmarshal` then `json.Marshal` of `iamPolicyStatement` render it: `Action`, `Resource` and
/// their `Not` forms as they are; a string `Principal` as `"*"`, principal lists in descending order; condition
/// values that are strings or lists of strings kept, booleans as strings, others dropped, one value as a string;
/// principal types, condition tests and keys sorted.
fn parse_statement(
    o: &Map<String, Value>,
    sp: String,
    whole: bool,
    dropped: &mut bool,
) -> Result<Statement, ()> {
    let mut found: [Option<(&String, &Value)>; 9] = [None; 9];
    for (k, x) in o {
        if let Some(i) = FIELDS.iter().position(|f| f.eq_ignore_ascii_case(k)) {
            if let Some(slot) = found.get_mut(i) {
                *slot = Some((k, x));
            }
        }
    }
    let mut s = Statement {
        sid: String::new(),
        body: Map::new(),
        origin: sp,
        rel: Vec::new(),
    };
    for (name, f) in FIELDS.iter().zip(found) {
        let Some((k, x)) = f else { continue };
        let v = match (*name, x) {
            (_, Value::Null) if *name != "Principal" && *name != "NotPrincipal" => continue,
            ("Sid" | "Effect", Value::String(t)) if t.is_empty() => continue,
            ("Sid" | "Effect", Value::String(_)) => x.clone(),
            ("Sid" | "Effect", _) => return Err(()),
            ("Principal" | "NotPrincipal", _) => match principal_json(x)? {
                Some(v) => v,
                None => continue,
            },
            ("Condition", _) => match condition_json(x, dropped)? {
                Some(v) => v,
                None => continue,
            },
            _ => x.clone(),
        };
        if let ("Sid", Value::String(t)) = (*name, &v) {
            s.sid = t.clone();
        }
        let origin = if whole {
            s.origin.clone()
        } else {
            pointer_push(&s.origin, k)
        };
        all(&mut s.rel, pointer_push("", name), &v, &origin);
        s.body.insert((*name).into(), v);
    }
    Ok(s)
}

/// `iamPolicyStatementPrincipalSet` read and written back; `None` when it is empty.
fn principal_json(x: &Value) -> Result<Option<Value>, ()> {
    let o = match x {
        Value::String(_) => return Ok(Some(Value::String("*".into()))),
        Value::Object(o) => o,
        _ => return Err(()),
    };
    let order = ascending(o.keys().map(String::as_str));
    let pairs = reorder(o.iter().collect(), &order);
    let mut out = Map::new();
    for (k, v) in pairs {
        let v = match v {
            Value::String(_) => v.clone(),
            Value::Array(a) => {
                let mut ids = Vec::with_capacity(a.len());
                for e in a {
                    ids.push(e.as_str().ok_or(())?);
                }
                if k == "*" && ids == ["*"] && o.len() == 1 {
                    return Ok(Some(Value::String("*".into())));
                }
                ids.sort_unstable();
                ids.reverse();
                Value::Array(ids.into_iter().map(|s| Value::String(s.into())).collect())
            }
            _ => return Err(()),
        };
        if k == "*" && v == "*" && o.len() == 1 {
            return Ok(Some(v));
        }
        out.insert(k.clone(), v);
    }
    Ok((!out.is_empty()).then_some(Value::Object(out)))
}

/// `iamPolicyStatementConditionSet` read and written back; `None` when it is empty.
fn condition_json(x: &Value, dropped: &mut bool) -> Result<Option<Value>, ()> {
    let tests = match x {
        Value::Object(o) => o,
        Value::Null => return Ok(None),
        _ => return Err(()),
    };
    let order = ascending(tests.keys().map(String::as_str));
    let pairs = reorder(tests.iter().collect(), &order);
    let mut out = Map::new();
    for (test, vars) in pairs {
        let vars = match vars {
            Value::Object(o) => o,
            Value::Null => continue,
            _ => return Err(()),
        };
        let order = ascending(vars.keys().map(String::as_str));
        let vars = reorder(vars.iter().collect(), &order);
        let mut inner = Map::new();
        for (k, v) in vars {
            let v = match v {
                Value::String(_) => v.clone(),
                Value::Bool(b) => Value::String(if *b { "true" } else { "false" }.into()),
                // A list element that is not a string makes the provider panic.
                Value::Array(a) if a.iter().any(|e| !e.is_string()) => return Err(()),
                Value::Array(a) if a.len() == 1 => a.first().cloned().unwrap_or_default(),
                Value::Array(_) => v.clone(),
                _ => {
                    *dropped = true;
                    continue;
                }
            };
            inner.insert(k.clone(), v);
        }
        if !inner.is_empty() {
            out.insert(test.clone(), Value::Object(inner));
        }
    }
    Ok((!out.is_empty()).then_some(Value::Object(out)))
}

/// `origin` for `v` at `p` and everything in it.
fn all(rel: &mut Located, p: String, v: &Value, origin: &str) {
    rel.push((p.clone(), origin.to_owned()));
    match v {
        Value::Object(o) => {
            for (k, x) in o {
                all(rel, pointer_push(&p, k), x, origin);
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                all(rel, pointer_index(&p, i), x, origin);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
#[path = "policy_document_tests.rs"]
mod tests;
