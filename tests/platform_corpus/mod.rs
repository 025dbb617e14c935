//! The table-driven runner shared by the GCP, Vault and Azure corpora.
//!
//! A corpus file is a JSON object: `base_claims` (the token claims most cases share) and `cases`, each
//! with `name`, `policy` (the pasted JSON, or a string: the pasted text when it is not JSON, such as
//! `vault read`'s table, evaluated through the kind-detecting dispatch only), optional `claims_patch` (merged over `base_claims`; a `null`
//! value removes the claim), optional `no_token`, optional `now`, and `expect`:
//! `verdict` (`"allow"`, `"deny"` or `null`), `failing` and `unknown` (the check keys with that result, in
//! order), `findings` (every finding code, in order), optional `decided_by` (a substring) and
//! `explanation` (`{"key": ..., "contains": ...}` pairs).

use claimcheck::policy::{Evaluation, PolicyKind};
use claimcheck::report::{Outcome, Verdict};
use serde_json::{Map, Value};

pub const NOW: i64 = 1_764_000_000;

type Evaluate = fn(&Value, &str, Option<&Map<String, Value>>, i64) -> Evaluation;
type Recognize = fn(&Value) -> Option<String>;

fn keys(eval: &Evaluation, outcome: Outcome) -> Vec<String> {
    eval.checks
        .iter()
        .filter(|c| c.result == outcome)
        .map(|c| c.key.to_string())
        .collect()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

/// Run every case of the corpus at `path` through the platform's own `evaluate` and through the
/// kind-detecting dispatch (`claimcheck::policy::evaluate`, from the JSON text); panics with every
/// mismatch listed.
pub fn run(path: &str, kind: PolicyKind, recognize: Recognize, evaluate: Evaluate) -> usize {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let corpus: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    let base = corpus["base_claims"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let cases = corpus["cases"].as_array().expect("cases");
    let mut problems = Vec::new();
    for case in cases {
        let name = case["name"].as_str().unwrap_or("?");
        let claims = patched(&base, case);
        let policy = &case["policy"];
        let policy_text = pasted(policy);
        let now = case.get("now").and_then(Value::as_i64).unwrap_or(NOW);
        let no_token = case
            .get("no_token")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let token = if no_token { None } else { Some(&claims) };
        if let Some(text) = policy.as_str() {
            // Not JSON: only the dispatch reads it.
            let eval = claimcheck::policy::evaluate(text, token, now);
            if eval.info.kind != Some(kind) {
                problems.push(format!("{name}: read as {:?}", eval.info.kind));
            }
            problems.extend(compare(name, &eval, &case["expect"]));
            continue;
        }
        if recognize(policy).is_none() && !case["expect"]["unusable"].as_bool().unwrap_or(false) {
            problems.push(format!("{name}: not recognised"));
        }
        let eval = evaluate(policy, &policy_text, token, now);
        let expect = &case["expect"];
        if !expect["unusable"].as_bool().unwrap_or(false) {
            let dispatched = claimcheck::policy::evaluate(&policy_text, token, now);
            if dispatched.info.kind != Some(kind)
                || dispatched.verdict != eval.verdict
                || dispatched.checks != eval.checks
            {
                problems.push(format!(
                    "{name}: the dispatch gave kind {:?}, verdict {:?}",
                    dispatched.info.kind, dispatched.verdict
                ));
            }
        }
        problems.extend(compare(name, &eval, expect));
    }
    assert!(
        problems.is_empty(),
        "{} of {} cases wrong:\n{}",
        problems.len(),
        cases.len(),
        problems.join("\n")
    );
    cases.len()
}

/// A case's token claims: `base_claims` with its `claims_patch` merged over them (a `null` removes the claim).
fn patched(base: &Map<String, Value>, case: &Value) -> Map<String, Value> {
    let mut claims = base.clone();
    for (k, v) in case["claims_patch"].as_object().into_iter().flatten() {
        if v.is_null() {
            claims.remove(k);
        } else {
            claims.insert(k.clone(), v.clone());
        }
    }
    claims
}

/// The text a user pastes for a case's `policy`: a string as it is, a JSON document pretty-printed.
fn pasted(policy: &Value) -> String {
    match policy.as_str() {
        Some(text) => text.to_string(),
        None => serde_json::to_string_pretty(policy).unwrap_or_default(),
    }
}

/// How `eval` differs from the case's `expect`, one line per difference.
fn compare(name: &str, eval: &Evaluation, expect: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let verdict = match eval.verdict {
        Some(Verdict::Allow) => Value::from("allow"),
        Some(Verdict::Deny) => Value::from("deny"),
        None => Value::Null,
    };
    if verdict != expect["verdict"] {
        problems.push(format!(
            "{name}: verdict {verdict} != {}",
            expect["verdict"]
        ));
    }
    for (field, outcome) in [("failing", Outcome::Fail), ("unknown", Outcome::Unknown)] {
        let got = keys(eval, outcome);
        let want = strings(&expect[field]);
        if got != want {
            problems.push(format!("{name}: {field} {got:?} != {want:?}"));
        }
    }
    let codes: Vec<String> = eval.findings.iter().map(|f| f.code.to_string()).collect();
    if codes != strings(&expect["findings"]) {
        problems.push(format!(
            "{name}: findings {codes:?} != {:?}",
            strings(&expect["findings"])
        ));
    }
    if let Some(want) = expect.get("decided_by").and_then(Value::as_str) {
        let got = eval.info.decided_by.clone().unwrap_or_default();
        if !got.contains(want) {
            problems.push(format!("{name}: decided_by `{got}` lacks `{want}`"));
        }
    }
    for pair in expect
        .get("explanation")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let (key, want) = (
            pair["key"].as_str().unwrap_or(""),
            pair["contains"].as_str().unwrap_or(""),
        );
        let found = eval
            .checks
            .iter()
            .any(|c| c.key == key && c.explanation.contains(want));
        if !found {
            let got: Vec<&str> = eval
                .checks
                .iter()
                .filter(|c| c.key == key)
                .map(|c| c.explanation.as_str())
                .collect();
            problems.push(format!(
                "{name}: no `{key}` explanation contains `{want}`; got {got:?}"
            ));
        }
    }
    problems
}

/// The fixes a case expects: `expect.first_fix` starts the fix every surface shows first (the first error
/// finding's fix, else the first failing check's, as `Report::first_fix` picks it) and each
/// `expect.fixes` entry (`{"code": ..., "contains": ...}`) is contained in the fix of a finding with that code.
pub fn check_fixes(path: &str, evaluate: Evaluate) -> usize {
    use claimcheck::report::{Outcome, Severity};
    use serde_json::Value;
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let corpus: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    let base = corpus["base_claims"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let mut problems = Vec::new();
    let mut checked = 0;
    for case in corpus["cases"].as_array().into_iter().flatten() {
        let expect = &case["expect"];
        if expect.get("first_fix").is_none() && expect.get("fixes").is_none() {
            continue;
        }
        checked += 1;
        let name = case["name"].as_str().unwrap_or("?");
        let claims = patched(&base, case);
        let policy = &case["policy"];
        let now = case["now"].as_i64().unwrap_or(1_764_000_000);
        let eval = match policy.as_str() {
            Some(text) => claimcheck::policy::evaluate(text, Some(&claims), now),
            None => evaluate(policy, &pasted(policy), Some(&claims), now),
        };
        let first = eval
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .find_map(|f| f.fix.as_deref())
            .or_else(|| {
                eval.checks
                    .iter()
                    .filter(|c| c.result == Outcome::Fail)
                    .find_map(|c| c.fix.as_deref())
            })
            .unwrap_or("");
        if let Some(want) = expect["first_fix"].as_str() {
            if !first.starts_with(want) {
                problems.push(format!(
                    "{name}: first fix `{first}` does not start with `{want}`"
                ));
            }
        }
        for pair in expect["fixes"].as_array().into_iter().flatten() {
            let (code, want) = (
                pair["code"].as_str().unwrap_or(""),
                pair["contains"].as_str().unwrap_or(""),
            );
            let found = eval
                .findings
                .iter()
                .any(|f| f.code == code && f.fix.as_deref().is_some_and(|x| x.contains(want)));
            if !found {
                let got: Vec<_> = eval
                    .findings
                    .iter()
                    .filter(|f| f.code == code)
                    .map(|f| f.fix.clone())
                    .collect();
                problems.push(format!(
                    "{name}: no `{code}` fix contains `{want}`; got {got:?}"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    checked
}
