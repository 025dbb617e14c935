//! The Terraform HCL corpus: tests/fixtures/hcl/cases.json holds real-world (or realistic) `.tf` files that
//! configure trust for CircleCI OIDC on AWS, GCP, Vault and Azure, each with the verdict its cloud reaches for a
//! CircleCI token (`base_claims` with the case's `claims` merged over them; `null` removes a claim) at `now`.
//!
//! EXPECTED TO FAIL until the HCL reader (`src/policy/hcl/`) lands: today claimcheck refuses HCL
//! (`policy-hcl-not-supported`), so `hcl_cases_reach_their_verdicts` reports every case. The second test,
//! `rendered_json_agrees_with_the_expectations`, evaluates each AWS case's `rendered` policy (the JSON Terraform
//! would deploy) and must pass today: it shows the expectations are the ones claimcheck gives the JSON form.
//!
//! Per case, `expect` gives the verdict (`allow`, `deny`, `undecided`), the set of check keys that fail and the
//! set that are unknown (as claimcheck names them for the equivalent JSON), finding codes that must be present
//! (always `policy-hcl-read`), and `why`: the rule that decides it. `HCL_CORPUS_PRINT=1` prints what each case
//! produced.

use std::collections::BTreeSet;
use std::fs;

use claimcheck::policy::{self, Evaluation};
use claimcheck::report::{Outcome, Verdict};
use serde_json::{Map, Value};

const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/hcl/cases.json");

fn corpus() -> Value {
    let text = fs::read_to_string(PATH).unwrap_or_else(|e| panic!("{PATH}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{PATH}: {e}"))
}

/// `base_claims` with the case's `claims` merged over them; a `null` value removes the claim.
fn claims_of(corpus: &Value, case: &Value) -> Map<String, Value> {
    let mut claims = corpus["base_claims"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    for (k, v) in case["claims"].as_object().into_iter().flatten() {
        if v.is_null() {
            claims.remove(k);
        } else {
            claims.insert(k.clone(), v.clone());
        }
    }
    claims
}

fn verdict(ev: &Evaluation) -> &'static str {
    match ev.verdict {
        Some(Verdict::Allow) => "allow",
        Some(Verdict::Deny) => "deny",
        None => "undecided",
    }
}

fn keys(ev: &Evaluation, outcome: Outcome) -> BTreeSet<String> {
    ev.checks
        .iter()
        .filter(|c| c.result == outcome)
        .map(|c| c.key.to_string())
        .collect()
}

fn strings(v: &Value) -> BTreeSet<String> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect()
}

fn print(label: &str, ev: &Evaluation) {
    println!(
        "== {label}\n  verdict: {}\n  decided_by: {:?}\n  detected: {:?}\n  failing: {:?}\n  unknown: {:?}",
        verdict(ev),
        ev.info.decided_by,
        ev.info.detected,
        keys(ev, Outcome::Fail),
        keys(ev, Outcome::Unknown)
    );
    for f in &ev.findings {
        println!("    [{}] {:?}: {}", f.code, f.severity, f.message);
    }
}

/// How `ev` differs from `expect` (verdict, failing and unknown key sets; with `findings`, each listed code
/// present), one line each.
fn compare(name: &str, ev: &Evaluation, expect: &Value, findings: bool) -> Vec<String> {
    let mut problems = Vec::new();
    let want = expect["verdict"].as_str().unwrap_or("?");
    if verdict(ev) != want {
        problems.push(format!("{name}: verdict {} != {want}", verdict(ev)));
    }
    for (field, outcome) in [("failing", Outcome::Fail), ("unknown", Outcome::Unknown)] {
        let got = keys(ev, outcome);
        let want = strings(&expect[field]);
        if got != want {
            problems.push(format!("{name}: {field} {got:?} != {want:?}"));
        }
    }
    if findings {
        let codes: BTreeSet<String> = ev.findings.iter().map(|f| f.code.to_string()).collect();
        let missing: Vec<String> = strings(&expect["findings"])
            .into_iter()
            .filter(|c| !codes.contains(c))
            .collect();
        if !missing.is_empty() {
            problems.push(format!("{name}: findings lack {missing:?} (got {codes:?})"));
        }
    }
    problems
}

#[test]
fn hcl_cases_reach_their_verdicts() {
    let corpus = corpus();
    let now = corpus["now"].as_i64().expect("now");
    let cases = corpus["cases"].as_array().expect("cases");
    let show = std::env::var_os("HCL_CORPUS_PRINT").is_some();
    let mut problems = Vec::new();
    for case in cases {
        let name = case["name"].as_str().unwrap_or("?");
        let hcl = case["hcl"].as_str().expect("hcl");
        let claims = claims_of(&corpus, case);
        let ev = policy::evaluate(hcl, Some(&claims), now);
        if show {
            print(name, &ev);
        }
        problems.extend(compare(name, &ev, &case["expect"], true));
    }
    assert!(
        problems.is_empty(),
        "{} problems in {} HCL cases:\n{}",
        problems.len(),
        cases.len(),
        problems.join("\n")
    );
}

#[test]
fn rendered_json_agrees_with_the_expectations() {
    let corpus = corpus();
    let now = corpus["now"].as_i64().expect("now");
    let cases = corpus["cases"].as_array().expect("cases");
    let show = std::env::var_os("HCL_CORPUS_PRINT").is_some();
    let mut problems = Vec::new();
    let mut checked = 0;
    for case in cases {
        let name = case["name"].as_str().unwrap_or("?");
        let Some(rendered) = case.get("rendered").filter(|r| !r.is_null()) else {
            continue;
        };
        let text = serde_json::to_string_pretty(rendered).expect("rendered");
        if text.contains("${") {
            continue;
        }
        checked += 1;
        let claims = claims_of(&corpus, case);
        let ev = policy::evaluate(&text, Some(&claims), now);
        if show {
            print(&format!("{name} (rendered)"), &ev);
        }
        problems.extend(compare(
            &format!("{name} (rendered)"),
            &ev,
            &case["expect"],
            false,
        ));
    }
    assert!(checked >= 15, "only {checked} rendered policies checked");
    assert!(
        problems.is_empty(),
        "{} problems in {checked} rendered policies:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
