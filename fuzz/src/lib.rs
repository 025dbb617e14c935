//! Shared helpers for the fuzz targets: fixed realistic claims, a fixed evaluation time, and splitting one
//! fuzzer input into several text fields.

use serde_json::{Map, Value};

/// Evaluation time used by the targets with fixed claims: within the token's lifetime.
pub const NOW: i64 = 1_764_000_000;

/// Realistic CircleCI V2 claims (the ones the fixture corpora use).
pub fn claims() -> Map<String, Value> {
    let v = serde_json::json!({
        "iss": "https://oidc.circleci.com/org/5a2f37a3-88e8-4c2d-9d3e-0f8a7b1c2d3e",
        "sub": "org/5a2f37a3-88e8-4c2d-9d3e-0f8a7b1c2d3e/project/b1c2d3e4-f5a6-4b7c-8d9e-0a1b2c3d4e5f/user/c0ffee00-1234-4abc-9def-0123456789ab/vcs-origin/github.com/acme/widgets/vcs-ref/refs/heads/main",
        "aud": "5a2f37a3-88e8-4c2d-9d3e-0f8a7b1c2d3e",
        "iat": 1_763_999_940,
        "exp": 1_764_003_540,
        "oidc.circleci.com/org-id": "5a2f37a3-88e8-4c2d-9d3e-0f8a7b1c2d3e",
        "oidc.circleci.com/project-id": "b1c2d3e4-f5a6-4b7c-8d9e-0a1b2c3d4e5f",
        "oidc.circleci.com/pipeline-id": "0b8e4f8e-1c1a-4d7e-9f3e-2b6a4c8d0e11",
        "oidc.circleci.com/workflow-id": "6f0c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
        "oidc.circleci.com/job-id": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
        "oidc.circleci.com/context-ids": ["ctx-aaaa", "ctx-bbbb"],
        "oidc.circleci.com/vcs-origin": "github.com/acme/widgets",
        "oidc.circleci.com/vcs-ref": "refs/heads/main",
        "oidc.circleci.com/ssh-rerun": false
    });
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// The input as text (lossy: libFuzzer's bytes need not be UTF-8, the core only takes `&str`).
pub fn text(data: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(data)
}

/// Split `text` on the ASCII unit separator (0x1f) into exactly `N` fields (missing ones empty).
pub fn fields<const N: usize>(text: &str) -> [&str; N] {
    let mut out = [""; N];
    let mut parts = text.splitn(N, '\u{1f}');
    for slot in out.iter_mut() {
        *slot = parts.next().unwrap_or("");
    }
    out
}

/// An evaluation time from a field: a decimal number, or [`NOW`].
pub fn now_from(field: &str) -> i64 {
    field.trim().parse().unwrap_or(NOW)
}

/// Run one platform's `evaluate` both through the dispatcher and directly (when the text is JSON), so the
/// platform code is reached even where detection would route the text elsewhere.
pub fn platform(
    data: &[u8],
    direct: fn(&Value, &str, Option<&Map<String, Value>>, i64) -> claimcheck::policy::Evaluation,
) {
    let text = text(data);
    let claims = claims();
    let a = claimcheck::policy::evaluate(&text, Some(&claims), NOW);
    let b = claimcheck::policy::evaluate(&text, Some(&claims), NOW);
    assert_eq!(a, b, "evaluation is deterministic");
    let _ = claimcheck::policy::evaluate(&text, None, NOW);
    if let Ok(doc) = serde_json::from_str::<Value>(&text) {
        let _ = direct(&doc, &text, Some(&claims), NOW);
        let _ = direct(&doc, &text, None, NOW);
    }
}
