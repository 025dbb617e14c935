//! Building realistic CircleCI test tokens: real-looking headers and claims, base64url-encoded, with a fake
//! RS256-sized signature. Shared by the token corpus, the CLI tests and any other corpus that needs a token.
#![allow(dead_code)]

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};

pub const ORG: &str = "1f0c8e9a-2b3d-4c5e-8f70-112233445566";
pub const PROJECT: &str = "3e9d6a41-7b2c-4f18-9d0e-aabbccddeeff";
pub const USER: &str = "5c2b9f30-1a4e-4d6b-8c7f-001122334455";
pub const KID: &str = "8bd4c2c5-6e1a-4f3b-9a77-2f7d1c0e4a11";
/// 2026-11-26 00:22:37 UTC.
pub const IAT: i64 = 1_795_652_557;
pub const VCS_ORIGIN: &str = "github.com/acme/api";
pub const VCS_REF: &str = "refs/heads/main";

pub fn b64url(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A fake signature: 256 bytes, the size of an RS256 signature with a 2048-bit key.
pub fn fake_signature() -> String {
    b64url((0..=255u8).collect::<Vec<u8>>())
}

pub fn header() -> Value {
    json!({"alg": "RS256", "kid": KID, "typ": "JWT"})
}

pub fn v1_sub() -> String {
    format!("org/{ORG}/project/{PROJECT}/user/{USER}")
}

pub fn v2_sub() -> String {
    format!("{}/vcs-origin/{VCS_ORIGIN}/vcs-ref/{VCS_REF}", v1_sub())
}

/// The claims of a `$CIRCLE_OIDC_TOKEN_V2` minted at `IAT`, in CircleCI's order.
pub fn claims_v2() -> Value {
    json!({
        "iss": format!("https://oidc.circleci.com/org/{ORG}"),
        "sub": v2_sub(),
        "aud": ORG,
        "exp": IAT + 3600,
        "iat": IAT,
        "oidc.circleci.com/project-id": PROJECT,
        "oidc.circleci.com/context-ids": ["7c6b5a49-3827-4165-9f4e-3d2c1b0a9f8e"],
        "oidc.circleci.com/org-id": ORG,
        "oidc.circleci.com/pipeline-definition-id": "6d5c4b3a-2f1e-4d0c-9b8a-7f6e5d4c3b2a",
        "oidc.circleci.com/pipeline-id": "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
        "oidc.circleci.com/ssh-rerun": false,
        "oidc.circleci.com/vcs-origin": VCS_ORIGIN,
        "oidc.circleci.com/vcs-ref": VCS_REF,
        "oidc.circleci.com/workflow-id": "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a",
        "oidc.circleci.com/job-id": "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e"
    })
}

/// The same job's `$CIRCLE_OIDC_TOKEN` (V1 `sub`).
pub fn claims_v1() -> Value {
    let mut c = claims_v2();
    c["sub"] = json!(v1_sub());
    c
}

/// `header.payload.signature` with the fake signature.
pub fn token(header: &Value, claims: &Value) -> String {
    format!(
        "{}.{}.{}",
        b64url(header.to_string()),
        b64url(claims.to_string()),
        fake_signature()
    )
}

pub fn token_v2() -> String {
    token(&header(), &claims_v2())
}

pub fn token_v1() -> String {
    token(&header(), &claims_v1())
}
