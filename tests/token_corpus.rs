//! The token fixture corpus: every `tests/fixtures/tokens/*.json` case is built into a token, analyzed at its
//! `now`, and compared with its expected facts. One table-driven test; all mismatches are listed together.
//!
//! A case: `description`; either `token` (literal text) or `build` (`base`: `v2` | `v1` | `none`; `set` and
//! `header_set`: keys to set, `null` removes; `raw_payload`: payload text instead of the claims; `shape`:
//! `header-only` | `no-signature` | `empty-signature`; `encoding`: `standard` for `+`/`/`, `padded` for `=` padding; `wrap`: text around
//! `{token}`); `now`; `expect`: `form`, `sub_version` (`null` = no sub), `segments` (kinds in order),
//! `other_form`, `vcs_origin`, `codes` (exact finding codes, in order), `present`/`absent`, `unusable_input`.

mod common;

use std::path::Path;

use claimcheck::{analyze, Input};
use common::*;
use serde_json::{json, Map, Value};

fn apply(target: &mut Value, set: Option<&Value>) {
    let (Some(obj), Some(Value::Object(set))) = (target.as_object_mut(), set) else {
        return;
    };
    for (k, v) in set {
        if v.is_null() {
            obj.remove(k);
        } else {
            obj.insert(k.clone(), v.clone());
        }
    }
}

fn build(b: &Value) -> String {
    let mut claims = match b["base"].as_str() {
        Some("v1") => claims_v1(),
        Some("none") => Value::Object(Map::new()),
        _ => claims_v2(),
    };
    apply(&mut claims, b.get("set"));
    let mut header = header();
    apply(&mut header, b.get("header_set"));
    let payload = b["raw_payload"]
        .as_str()
        .map_or_else(|| claims.to_string(), str::to_string);
    let (mut h, mut p) = (b64url(header.to_string()), b64url(payload));
    if b["encoding"] == "padded" {
        for seg in [&mut h, &mut p] {
            let pad = (4 - seg.len() % 4) % 4;
            seg.push_str(&"=".repeat(pad));
        }
    }
    let mut token = match b["shape"].as_str() {
        Some("header-only") => h,
        Some("no-signature") => format!("{h}.{p}"),
        Some("empty-signature") => format!("{h}.{p}."),
        _ => format!("{h}.{p}.{}", fake_signature()),
    };
    if b["encoding"] == "padded" {
        assert!(
            token.contains('='),
            "the padded case must really carry padding"
        );
    }
    if b["encoding"] == "standard" {
        token = token.replace('-', "+").replace('_', "/");
    }
    match b["wrap"].as_str() {
        Some(w) => w.replace("{token}", &token),
        None => token,
    }
}

fn check_case(path: &Path) -> Vec<String> {
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let case: Value = match std::fs::read_to_string(path)
        .map_err(|e| e.to_string())
        .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
    {
        Ok(v) => v,
        Err(e) => return vec![format!("{name}: cannot read: {e}")],
    };
    let token = match (&case["token"], &case["build"]) {
        (Value::String(t), _) => t.clone(),
        (_, b @ Value::Object(_)) => build(b),
        _ => return vec![format!("{name}: needs `token` or `build`")],
    };
    let Some(now) = case["now"].as_i64() else {
        return vec![format!("{name}: needs `now`")];
    };
    let report = analyze(&Input {
        token: &token,
        now,
        ..Input::default()
    });
    let r = serde_json::to_value(&report).unwrap();
    let e = &case["expect"];
    let mut errors = Vec::new();
    let mut expect_eq = |what: &str, actual: &Value, expected: &Value| {
        if actual != expected {
            errors.push(format!("{name}: {what} is {actual}, expected {expected}"));
        }
    };
    if let Some(form) = e.get("form") {
        expect_eq("form", &r["token"]["form"], form);
    }
    if let Some(v) = e.get("sub_version") {
        expect_eq(
            "sub.version",
            r.get("sub").map_or(&Value::Null, |s| &s["version"]),
            v,
        );
    }
    if let Some(kinds) = e.get("segments") {
        let actual: Vec<Value> = r["sub"]["segments"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|s| s["kind"].clone())
            .collect();
        expect_eq("sub segments", &Value::Array(actual), kinds);
    }
    if let Some(o) = e.get("other_form") {
        expect_eq("sub.other_form", &r["sub"]["other_form"], o);
    }
    if let Some(o) = e.get("vcs_origin") {
        let seg = r["sub"]["segments"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|s| s["kind"] == "vcs-origin");
        expect_eq(
            "vcs origin segment",
            seg.map_or(&Value::Null, |s| &s["text"]),
            o,
        );
    }
    if let Some(u) = e.get("unusable_input") {
        expect_eq("unusable_input", &r["unusable_input"], u);
    } else {
        expect_eq("unusable_input", &r["unusable_input"], &json!(false));
    }
    let codes: Vec<Value> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].clone())
        .collect();
    if let Some(c) = e.get("codes") {
        expect_eq("finding codes", &Value::Array(codes.clone()), c);
    }
    for c in e["present"].as_array().into_iter().flatten() {
        if !codes.contains(c) {
            errors.push(format!("{name}: finding {c} missing from {codes:?}"));
        }
    }
    for c in e["absent"].as_array().into_iter().flatten() {
        if codes.contains(c) {
            errors.push(format!("{name}: finding {c} present but must not be"));
        }
    }
    // Every finding, whatever the case, follows the message rules.
    for f in r["findings"].as_array().unwrap() {
        let m = f["message"].as_str().unwrap_or("");
        if m.starts_with(char::is_uppercase) || f["fix"].is_null() {
            errors.push(format!(
                "{name}: finding {} breaks the message rules: {m}",
                f["code"]
            ));
        }
    }
    errors
}

#[test]
fn token_corpus() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tokens");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 20, "corpus too small: {}", paths.len());
    let errors: Vec<String> = paths.iter().flat_map(|p| check_case(p)).collect();
    assert!(
        errors.is_empty(),
        "{} of {} cases failed:\n{}",
        errors.len(),
        paths.len(),
        errors.join("\n")
    );
}
