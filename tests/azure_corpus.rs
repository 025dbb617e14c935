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
    let n = platform_corpus::check_fixes(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/azure/cases.json"
        ),
        claimcheck::policy::azure::evaluate,
    );
    assert!(n >= 1, "no case checks a fix");
}
