//! The signature corpus: tokens signed with generated keys (tests/fixtures/signature/generate.py), each case
//! with the keys file to check against and the expected status, key id and message fragment.

use std::path::Path;

use claimcheck::signature::{self, parse_keys};
use claimcheck::token::Decoded;
use serde_json::Value;

fn fixtures() -> &'static Path {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/signature"
    ))
}

fn read(name: &str) -> String {
    std::fs::read_to_string(fixtures().join(name)).unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

/// The token as the token stage decodes it.
fn decoded(token: &str) -> Decoded {
    claimcheck::token::decode(token)
}

#[test]
fn signature_corpus() {
    let corpus: Value = serde_json::from_str(&read("corpus.json")).expect("corpus.json parses");
    let cases = corpus["cases"].as_array().expect("cases");
    assert!(cases.len() >= 30, "the corpus has all its cases");
    let mut failures = Vec::new();
    for case in cases {
        let name = case["name"].as_str().unwrap_or_default();
        let token = case["token"].as_str().unwrap_or_default();
        let keys = read(case["keys"].as_str().unwrap_or_default());
        let (report, findings) = signature::check(&decoded(token), &keys);
        let mut wrong = Vec::new();
        if !findings.is_empty() {
            wrong.push(format!("unexpected findings {findings:?}"));
        }
        if report.status != case["status"].as_str().unwrap_or_default() {
            wrong.push(format!(
                "status `{}`, expected {}",
                report.status, case["status"]
            ));
        }
        if report.key_id.as_deref() != case["key_id"].as_str() {
            wrong.push(format!(
                "key_id {:?}, expected {}",
                report.key_id, case["key_id"]
            ));
        }
        if let Some(fragment) = case["message"].as_str() {
            if !report.message.contains(fragment) {
                wrong.push(format!("message `{}` lacks `{fragment}`", report.message));
            }
        }
        if !wrong.is_empty() {
            failures.push(format!("{name}: {}", wrong.join("; ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn exact_messages_for_the_main_outcomes() {
    let corpus: Value = serde_json::from_str(&read("corpus.json")).expect("corpus.json parses");
    let token = |name: &str| {
        let case = corpus["cases"]
            .as_array()
            .and_then(|c| c.iter().find(|c| c["name"] == name))
            .expect(name);
        decoded(case["token"].as_str().unwrap_or_default())
    };
    let jwks = read("jwks.json");
    let message = |name: &str, keys: &str| signature::verify(&token(name), keys).message;
    assert_eq!(
        message("rs256 with the jwks", &jwks),
        "the signature is valid: signed with RS256 by key `rsa-1`"
    );
    assert_eq!(
        message("tampered payload", &jwks),
        "the signature does not match key `rsa-1` (RS256): the token was altered, or signed by another key; every platform refuses such a token (STS answers `InvalidIdentityToken`)"
    );
    assert_eq!(
        message("wrong kid", &jwks),
        "no key has the token's `kid` `rotated-away`; the keys have: `rsa-1`, `rsa-2`, `ec-256`, `ec-384`, `ed-1`. \
         the issuer may have rotated its keys: fetch its current key set"
    );
    assert_eq!(
        message("rs256 token naming an ec key", &jwks),
        "key `ec-256` is an EC P-256 key, which cannot verify RS256 (it needs an RSA key)"
    );
    assert_eq!(
        message("rs256 with a pem pkcs1 key", &read("rsa-1.pkcs1.pem")),
        "the signature is valid: signed with RS256 by the PEM key on line 1 \
         (it has no `kid`; it was used for the token's `kid` `rsa-1` as the only key)"
    );
    assert_eq!(
        message("truncated rsa signature", &jwks),
        "the signature is 226 bytes long; RS256 with an RSA 2048-bit key makes 256"
    );
}

#[test]
fn pem_and_jwk_give_the_same_key() {
    let jwks = parse_keys(&read("jwks.json"));
    let spki = parse_keys(&read("rsa-1.spki.pem"));
    let pkcs1 = parse_keys(&read("rsa-1.pkcs1.pem"));
    let ec = parse_keys(&read("ec-256.pem"));
    let ed = parse_keys(&read("ed-1.pem"));
    assert_eq!(jwks.keys.len(), 5);
    assert_eq!(spki.keys[0].public, jwks.keys[0].public);
    assert_eq!(pkcs1.keys[0].public, jwks.keys[0].public);
    assert_eq!(ec.keys[0].public, jwks.keys[2].public);
    assert_eq!(ed.keys[0].public, jwks.keys[4].public);
}

#[test]
fn a_pasted_private_key_is_refused_and_located() {
    let text = format!("{}\n{}", read("rsa-1.spki.pem"), read("rsa-1.private.pem"));
    let keys = parse_keys(&text);
    assert_eq!(keys.keys.len(), 1, "the public key is still used");
    assert_eq!(keys.findings.len(), 1);
    let finding = &keys.findings[0];
    assert_eq!(finding.code, "keys-private-key");
    assert_eq!(
        finding.message,
        "the `PRIVATE KEY` block on line 11 is a private key"
    );
    assert_eq!(finding.location.map(|l| (l.line, l.column)), Some((11, 1)));
}

#[test]
fn cli_jwks_flag_sets_signature_status() {
    let corpus: Value = serde_json::from_str(&read("corpus.json")).expect("corpus.json parses");
    let token = |name: &str| {
        let case = corpus["cases"]
            .as_array()
            .and_then(|c| c.iter().find(|c| c["name"] == name))
            .expect(name);
        case["token"].as_str().unwrap_or_default().to_string()
    };
    let dir = std::env::temp_dir().join(format!("claimcheck-signature-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let run = |name: &str, keys: &str| {
        let token_file = dir.join("token");
        std::fs::write(&token_file, token(name)).expect("write token");
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_claimcheck"))
            .args(["check", "--at", "1764116000", "--json", "--token"])
            .arg(&token_file)
            .arg("--jwks")
            .arg(keys)
            .output()
            .expect("run claimcheck");
        let json: Value = serde_json::from_slice(&out.stdout).expect("json output");
        (out.status.code(), json)
    };
    let jwks = fixtures().join("jwks.json");
    let jwks = jwks.to_str().unwrap_or_default();
    let (code, json) = run("rs256 with the jwks", jwks);
    assert_eq!(code, Some(0));
    assert_eq!(json["signature"]["status"], "valid");
    assert_eq!(json["signature"]["key_id"], "rsa-1");
    let (_, json) = run("tampered payload", jwks);
    assert_eq!(json["signature"]["status"], "invalid");
    let (_, json) = run("wrong kid", jwks);
    assert_eq!(json["signature"]["status"], "no-matching-key");
    // Bad keys: a finding with its place, and the status says no key could be tried.
    let bad = dir.join("bad.json");
    std::fs::write(
        &bad,
        "{\"keys\": [\n  {\"kty\": \"RSA\", \"kid\": \"rsa-1\"}\n]}",
    )
    .expect("write keys");
    let (_, json) = run("rs256 with the jwks", bad.to_str().unwrap_or_default());
    assert_eq!(json["signature"]["status"], "no-matching-key");
    let finding = json["findings"]
        .as_array()
        .and_then(|f| f.iter().find(|f| f["code"] == "jwk-missing-field"))
        .expect("finding");
    assert_eq!(finding["area"], "signature");
    assert_eq!(
        finding["location"],
        serde_json::json!({"line": 2, "column": 3})
    );
    let _ = std::fs::remove_dir_all(&dir);
}
