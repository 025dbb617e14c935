//! The inputs of the AWS benchmark (`examples/bench_aws.rs` natively, `examples/bench_aws_wasm.rs` in
//! WebAssembly): a CircleCI token's claims, the token, a typical policy and a ~1 MB policy of 1,000 statements.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Map, Value};

pub const ORG: &str = "8a3b1e07-5f2d-4c3a-9b1e-0c6d2f4a7e91";
pub const PROJECT: &str = "d4f0c2a1-7b3e-4e5f-8a9b-1c2d3e4f5a6b";
pub const NOW: i64 = 1_795_650_000;

/// The claims of a V2 token for project `PROJECT` on `main`, fresh at `NOW`.
pub fn claims() -> Map<String, Value> {
    let sub = format!(
        "org/{ORG}/project/{PROJECT}/user/5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9/vcs-origin/github.com/acme/widgets/vcs-ref/refs/heads/main"
    );
    let v = json!({
        "iss": format!("https://oidc.circleci.com/org/{ORG}"),
        "aud": ORG,
        "sub": sub,
        "iat": NOW - 600,
        "exp": NOW + 3000,
        "oidc.circleci.com/org-id": ORG,
        "oidc.circleci.com/project-id": PROJECT,
        "oidc.circleci.com/vcs-origin": "github.com/acme/widgets",
        "oidc.circleci.com/vcs-ref": "refs/heads/main",
    });
    v.as_object().cloned().unwrap_or_default()
}

/// An (unsigned) compact token carrying `claims`, as pasted in the browser.
pub fn token(claims: &Map<String, Value>) -> String {
    let header = json!({"alg": "RS256", "kid": "bench", "typ": "JWT"}).to_string();
    let payload = Value::Object(claims.clone()).to_string();
    format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(payload),
        URL_SAFE_NO_PAD.encode([7u8; 256])
    )
}

fn statement(sid: &str, project: &str, branches: &[String]) -> Value {
    let p = format!("oidc.circleci.com/org/{ORG}");
    let subs: Vec<String> = branches
        .iter()
        .map(|b| {
            format!("org/{ORG}/project/{project}/user/*/vcs-origin/github.com/acme/*/vcs-ref/{b}")
        })
        .collect();
    json!({
        "Sid": sid,
        "Effect": "Allow",
        "Principal": {"Federated": format!("arn:aws:iam::123456789012:oidc-provider/{p}")},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {
            "StringEquals": {format!("{p}:aud"): ORG},
            "StringLike": {format!("{p}:sub"): subs},
        }
    })
}

/// One statement for `PROJECT` on `main`.
pub fn typical() -> String {
    let doc = json!({"Version": "2012-10-17", "Statement": [statement("CircleCI", PROJECT, &["refs/heads/main".into()])]});
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

/// ~1 MB: 1,000 statements, each for another project with three branch patterns; the last one matches.
pub fn large() -> String {
    let mut statements = Vec::new();
    for i in 0..1000 {
        let project = if i == 999 {
            PROJECT.to_string()
        } else {
            format!("00000000-0000-4000-8000-{i:012}")
        };
        let branches: Vec<String> = (0..2)
            .map(|b| format!("refs/heads/release-{i}-{b}/*"))
            .chain(["refs/heads/main".to_string()])
            .collect();
        statements.push(statement(&format!("Project{i}"), &project, &branches));
    }
    serde_json::to_string_pretty(&json!({"Version": "2012-10-17", "Statement": statements}))
        .unwrap_or_default()
}

/// The same work as iam-simulate in `tests/differential/bench.js` (read the JSON text, load the policy, evaluate
/// the request): parse, find the document, read its statements, evaluate them against the token's claims. No
/// token decoding, lints, diagnoses, duplicate-key scan or generated policies. `Some(true)` when it allows.
pub fn evaluate_only(text: &str, claims: &Map<String, Value>, now: i64) -> Option<bool> {
    use claimcheck::policy::aws::{context, eval, parse};
    use claimcheck::report::Verdict;
    let (value, _) = claimcheck::policy::json::parse_value(text).ok()?;
    let found = parse::find(&value)?;
    let (doc, _) = parse::document(&found, &mut Vec::new())?;
    let locator = parse::Locator {
        spans: None,
        prefix: "",
    };
    let policy = parse::parse(&doc, locator, &mut Vec::new());
    let ctx = context::Context::from_claims(claims, now);
    let ev = eval::evaluate(&policy, &ctx, claims);
    Some(ev.verdict == Some(Verdict::Allow))
}
