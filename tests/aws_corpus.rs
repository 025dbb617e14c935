//! The AWS trust-policy corpus: every case in tests/fixtures/aws/*.json (except tokens.json) is a token (a
//! base claim set from tokens.json plus overrides), a policy, an evaluation time, and the expected verdict,
//! the exact list of non-passing checks (key, operator, result), the exact set of error/warning finding
//! codes, info codes that must be present, and texts that must appear. One table-driven test runs them all
//! and reports every mismatch. `AWS_CORPUS_PRINT=1` prints what each case actually produced.

use std::collections::BTreeSet;
use std::fs;

use claimcheck::policy;
use claimcheck::report::{Outcome, Severity, Verdict};
use serde_json::{Map, Value};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/aws");
const ORG: &str = "8a3b1e07-5f2d-4c3a-9b1e-0c6d2f4a7e91";
const PROJECT: &str = "d4f0c2a1-7b3e-4e5f-8a9b-1c2d3e4f5a6b";
const USER: &str = "5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9";
const NOW: i64 = 1_795_650_000;

fn substitute(text: &str, now: i64) -> String {
    let (iat, exp) = (NOW - 600, NOW + 3000);
    let mut t = text.to_string();
    for (k, v) in [("NOW", now), ("IAT", iat), ("EXP", exp)] {
        t = t
            .replace(&format!("\"{{{k}}}\""), &v.to_string())
            .replace(&format!("{{{k}}}"), &v.to_string());
    }
    t.replace(
        "{ARN}",
        "arn:aws:iam::123456789012:oidc-provider/oidc.circleci.com/org/{ORG}",
    )
    .replace("{P}", "oidc.circleci.com/org/{ORG}")
    .replace("{ORG}", ORG)
    .replace("{PROJECT}", PROJECT)
    .replace("{USER}", USER)
}

fn sub_value(v: &Value, now: i64) -> Value {
    serde_json::from_str(&substitute(&v.to_string(), now)).unwrap_or(Value::Null)
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn run_case(case: &Value, tokens: &Value, print: bool) -> Vec<String> {
    let name = case["name"].as_str().unwrap_or("?");
    let now = case.get("now").and_then(Value::as_i64).unwrap_or(NOW);
    let mut errors = Vec::new();

    let claims: Option<Map<String, Value>> = case.get("token").and_then(Value::as_str).map(|t| {
        let mut base = sub_value(&tokens[t], now)
            .as_object()
            .cloned()
            .unwrap_or_default();
        if let Some(Value::Object(over)) = case.get("claims").map(|c| sub_value(c, now)) {
            for (k, v) in over {
                if v.is_null() {
                    base.remove(&k);
                } else {
                    base.insert(k, v);
                }
            }
        }
        base
    });
    let policy_text = match (case.get("policy"), case.get("policy_text")) {
        (_, Some(Value::String(t))) => substitute(t, now),
        (Some(p), _) => serde_json::to_string_pretty(&sub_value(p, now)).unwrap_or_default(),
        _ => String::new(),
    };
    let mut ev = if policy_text.is_empty() {
        policy::Evaluation::default()
    } else {
        policy::evaluate(&policy_text, claims.as_ref(), now)
    };
    if let Some(Value::String(e)) = case.get("error_text") {
        ev.findings.extend(
            policy::explain_error_text(&substitute(e, now), claims.as_ref())
                .into_iter()
                .map(|(_, f)| f),
        );
    }
    let expect = sub_value(&case["expect"], now);

    let verdict = match ev.verdict {
        Some(Verdict::Allow) => Value::from("allow"),
        Some(Verdict::Deny) => Value::from("deny"),
        None => Value::Null,
    };
    let failing: Vec<Value> = ev
        .checks
        .iter()
        .filter(|c| c.result != Outcome::Pass)
        .map(|c| serde_json::json!([c.key, c.operator, c.result.as_str()]))
        .collect();
    let codes: BTreeSet<String> = ev
        .findings
        .iter()
        .filter(|f| f.severity != Severity::Info)
        .map(|f| f.code.to_string())
        .collect();
    let infos: BTreeSet<String> = ev
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Info)
        .map(|f| f.code.to_string())
        .collect();
    let everything = serde_json::to_string(&serde_json::json!({
        "checks": ev.checks, "findings": ev.findings, "info": ev.info,
    }))
    .unwrap_or_default();

    if print {
        println!("== {name}\n  verdict: {verdict}\n  decided_by: {:?}\n  detected: {:?}\n  failing: {}\n  findings: {:?}\n  info: {:?}", ev.info.decided_by, ev.info.detected, Value::Array(failing.clone()), codes, infos);
        for f in &ev.findings {
            println!(
                "    [{}] {} | fix: {:?} @ {:?}",
                f.code,
                f.message,
                f.fix,
                f.location.map(|l| (l.line, l.column))
            );
        }
        for c in ev.checks.iter().filter(|c| c.result != Outcome::Pass) {
            println!(
                "    check {} {} -> {}: {} | fix: {:?}",
                c.key,
                c.operator,
                c.result.as_str(),
                c.explanation,
                c.fix
            );
        }
    }

    if expect.get("verdict").is_some() && expect["verdict"] != verdict {
        errors.push(format!("verdict {verdict}, expected {}", expect["verdict"]));
    }
    if let Some(d) = expect.get("decided_by").and_then(Value::as_str) {
        if !ev.info.decided_by.as_deref().unwrap_or("").contains(d) {
            errors.push(format!(
                "decided_by {:?} does not contain {d:?}",
                ev.info.decided_by
            ));
        }
    }
    if let Some(d) = expect.get("detected").and_then(Value::as_str) {
        if ev.info.detected.as_deref() != Some(d) {
            errors.push(format!("detected {:?}, expected {d:?}", ev.info.detected));
        }
    }
    let unusable = expect
        .get("unusable")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    if ev.unusable != unusable {
        errors.push(format!("unusable {}, expected {unusable}", ev.unusable));
    }
    if let Some(Value::Array(f)) = expect.get("failing") {
        if *f != failing {
            errors.push(format!(
                "failing checks {}, expected {}",
                Value::Array(failing.clone()),
                Value::Array(f.clone())
            ));
        }
    }
    if let Some(f) = expect.get("findings") {
        let want: BTreeSet<String> = strings(Some(f)).into_iter().collect();
        if want != codes {
            errors.push(format!("error/warning codes {codes:?}, expected {want:?}"));
        }
    }
    for code in strings(expect.get("info")) {
        if !infos.contains(&code) {
            errors.push(format!("info finding `{code}` missing (have {infos:?})"));
        }
    }
    for text in strings(expect.get("text")) {
        if !everything.contains(&text) {
            errors.push(format!("text {text:?} not found in checks/findings"));
        }
    }
    if let Some(Value::Array(loc)) = expect.get("location") {
        let (code, line, col) = (
            loc[0].as_str().unwrap_or(""),
            loc[1].as_u64().unwrap_or(0) as usize,
            loc[2].as_u64().unwrap_or(0) as usize,
        );
        match ev.findings.iter().find(|f| f.code == code) {
            Some(f) if f.location.map(|l| (l.line, l.column)) == Some((line, col)) => {}
            other => errors.push(format!(
                "`{code}` at {:?}, expected ({line}, {col})",
                other.map(|f| f.location)
            )),
        }
    }
    if expect.get("suggestions_allow").and_then(Value::as_bool) == Some(true) {
        let claims = claims.as_ref().expect("suggestions_allow needs a token");
        let snippets = policy::suggest(None, claims);
        if snippets.is_empty() {
            errors.push("no suggestions".into());
        }
        for s in snippets.iter().filter(|s| s.language == "json") {
            // With the account filled in, as the user pastes it: `<ACCOUNT_ID>` left in names no account.
            let text = s.text.replace("<ACCOUNT_ID>", "123456789012");
            let e = policy::evaluate(&text, Some(claims), now);
            if e.verdict != Some(Verdict::Allow) {
                errors.push(format!(
                    "suggestion `{}` does not allow its own token",
                    s.title
                ));
            }
        }
    }
    errors.into_iter().map(|e| format!("{name}: {e}")).collect()
}

#[test]
fn aws_corpus() {
    let tokens: Value =
        serde_json::from_str(&fs::read_to_string(format!("{DIR}/tokens.json")).unwrap()).unwrap();
    let print = std::env::var_os("AWS_CORPUS_PRINT").is_some();
    let only = std::env::var("AWS_CORPUS_ONLY").ok();
    let mut files: Vec<_> = fs::read_dir(DIR)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json") && !p.ends_with("tokens.json"))
        .collect();
    files.sort();
    let mut failures = Vec::new();
    let mut count = 0;
    let mut names = BTreeSet::new();
    for file in files {
        let cases: Value = serde_json::from_str(&fs::read_to_string(&file).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        for case in cases.as_array().unwrap() {
            let name = case["name"].as_str().unwrap_or("?").to_string();
            assert!(names.insert(name.clone()), "duplicate case name {name}");
            if only.as_deref().is_some_and(|o| !name.contains(o)) {
                continue;
            }
            count += 1;
            failures.extend(run_case(case, &tokens, print));
        }
    }
    assert!(only.is_some() || count >= 60, "only {count} cases");
    assert!(
        failures.is_empty(),
        "{} of {count} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    println!("aws corpus: {count} cases passed");
}
