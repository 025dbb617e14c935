//! The gcp fixture corpus (tests/fixtures/gcp/cases.json), run by the shared table-driven runner.

mod platform_corpus;

#[test]
fn gcp_corpus() {
    let n = platform_corpus::run(
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/gcp/cases.json"),
        claimcheck::policy::PolicyKind::Gcp,
        claimcheck::policy::gcp::recognize,
        claimcheck::policy::gcp::evaluate,
    );
    assert!(n >= 10, "only {n} cases");
}

#[test]
fn gcp_corpus_fixes() {
    let n = platform_corpus::check_fixes(
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/gcp/cases.json"),
        claimcheck::policy::gcp::evaluate,
    );
    assert!(n >= 1, "no case checks a fix");
}
