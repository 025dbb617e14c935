//! The azure fixture corpus (tests/fixtures/azure/cases.json), run by the shared table-driven runner.

mod platform_corpus;

#[test]
fn azure_corpus() {
    let n = platform_corpus::run(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/azure/cases.json"
        ),
        claimcheck::policy::PolicyKind::Azure,
        claimcheck::policy::azure::recognize,
        claimcheck::policy::azure::evaluate,
    );
    assert!(n >= 10, "only {n} cases");
}

#[test]
fn azure_corpus_fixes() {
    let n = check_fixes(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/azure/cases.json"
        ),
        claimcheck::policy::azure::evaluate,
    );
    assert!(n >= 1, "no case checks a fix");
}

type Evaluate = fn(
    &serde_json::Value,
    &str,
    Option<&serde_json::Map<String, serde_json::Value>>,
    i64,
) -> claimcheck::policy::Evaluation;

/// The fixes a case expects: `expect.first_fix` starts the fix every surface shows first (the first error
/// finding's fix, else the first failing check's, as `Report::first_fix` picks it) and each
/// `expect.fixes` entry (`{"code": ..., "contains": ...}`) is contained in the fix of a finding with that code.
/// (Duplicated in the gcp, vault and azure corpora; tests/platform_corpus could host it.)
fn check_fixes(path: &str, evaluate: Evaluate) -> usize {
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
        let mut claims = base.clone();
        for (k, v) in case["claims_patch"].as_object().into_iter().flatten() {
            if v.is_null() {
                claims.remove(k);
            } else {
                claims.insert(k.clone(), v.clone());
            }
        }
        let policy = &case["policy"];
        let now = case["now"].as_i64().unwrap_or(1_764_000_000);
        let eval = evaluate(
            policy,
            &serde_json::to_string_pretty(policy).unwrap_or_default(),
            Some(&claims),
            now,
        );
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
