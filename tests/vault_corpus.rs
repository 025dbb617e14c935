//! The vault fixture corpus (tests/fixtures/vault/cases.json), run by the shared table-driven runner.

mod platform_corpus;

#[test]
fn vault_corpus() {
    let n = platform_corpus::run(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/vault/cases.json"
        ),
        claimcheck::policy::PolicyKind::Vault,
        claimcheck::policy::vault::recognize,
        claimcheck::policy::vault::evaluate,
    );
    assert!(n >= 10, "only {n} cases");
}

#[test]
fn vault_corpus_fixes() {
    let n = platform_corpus::check_fixes(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/vault/cases.json"
        ),
        claimcheck::policy::vault::evaluate,
    );
    assert!(n >= 1, "no case checks a fix");
}
