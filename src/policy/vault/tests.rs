use serde_json::{json, Value};

use super::{evaluate, recognize, suggest};
use crate::report::{Outcome, Verdict};

const NOW: i64 = 1_764_000_000;

fn claims() -> Value {
    json!({
        "iss": "https://oidc.circleci.com/org/11111111-1111-1111-1111-111111111111",
        "sub": "org/11111111-1111-1111-1111-111111111111/project/22222222-2222-2222-2222-222222222222/user/33333333-3333-3333-3333-333333333333",
        "aud": "11111111-1111-1111-1111-111111111111",
        "iat": NOW - 60,
        "exp": NOW + 3540,
        "oidc.circleci.com/project-id": "22222222-2222-2222-2222-222222222222",
        "oidc.circleci.com/vcs-ref": "refs/heads/main",
        "oidc.circleci.com/ssh-rerun": false
    })
}

#[test]
fn allow_and_first_error() {
    let role = json!({
        "role_type": "jwt",
        "user_claim": "sub",
        "bound_audiences": ["11111111-1111-1111-1111-111111111111"],
        "bound_claims_type": "glob",
        "bound_claims": {"oidc.circleci.com/vcs-ref": "refs/heads/*"}
    });
    let c = claims();
    let e = evaluate(&role, "", c.as_object(), NOW);
    assert_eq!(e.verdict, Some(Verdict::Allow), "{:#?}", e.checks);
    assert!(recognize(&role).unwrap().contains("role"));

    let role = json!({"role_type": "jwt", "user_claim": "sub", "bound_audiences": "x,y", "bound_claims": {"oidc.circleci.com/ssh-rerun": "false"}});
    let e = evaluate(&role, "", c.as_object(), NOW + 4000);
    assert_eq!(e.verdict, Some(Verdict::Deny));
    let failing: Vec<_> = e
        .checks
        .iter()
        .filter(|c| c.result == Outcome::Fail)
        .map(|c| c.key.as_ref())
        .collect();
    assert_eq!(
        failing,
        [
            "bound_audiences",
            "exp",
            "bound_claims.oidc.circleci.com/ssh-rerun"
        ]
    );
    let first = e
        .findings
        .iter()
        .find(|f| f.code == "vault-first-error")
        .unwrap();
    assert!(
        first
            .message
            .contains("audience claim does not match any expected audience"),
        "{}",
        first.message
    );
    let ssh = e
        .checks
        .iter()
        .find(|c| c.key.ends_with("ssh-rerun"))
        .unwrap();
    assert!(
        ssh.explanation.contains("compares types too"),
        "{}",
        ssh.explanation
    );
}

#[test]
fn suggestion_round_trips_to_allow() {
    let c = claims();
    let snippets = suggest(c.as_object().unwrap());
    let text = &snippets[1].text;
    let body = text
        .split_once("<<'EOF'\n")
        .unwrap()
        .1
        .trim_end_matches("EOF")
        .trim();
    let role: Value = serde_json::from_str(body).unwrap();
    let e = evaluate(&role, "", c.as_object(), NOW);
    assert_eq!(e.verdict, Some(Verdict::Allow), "{:#?}", e.checks);
}

/// hashicorp/vault-plugin-auth-jwt#295 (v0.20.3, backported as v0.17.3): with no `bound_audiences`, a
/// non-empty `aud` string is rejected like a non-empty list; vault runs this after the token validator,
/// so an expired token reports the expiry first.
#[test]
fn no_bound_audiences_rejects_a_string_aud() {
    let role = json!({"role_type": "jwt", "user_claim": "sub", "bound_subject": claims()["sub"]});
    let first_error = |c: &Value, now: i64| {
        let e = evaluate(&role, "", c.as_object(), now);
        let row = e
            .checks
            .iter()
            .find(|c| c.key == "bound_audiences")
            .cloned()
            .unwrap();
        let first = e
            .findings
            .iter()
            .find(|f| f.code == "vault-first-error")
            .map(|f| f.message.clone());
        (e.verdict, row, first)
    };
    let (verdict, row, first) = first_error(&claims(), NOW);
    assert_eq!((verdict, row.result), (Some(Verdict::Deny), Outcome::Fail));
    assert_eq!(
        first.as_deref(),
        Some("vault stops at the first failure and would answer: `audience claim found in JWT but no audiences bound to the role`")
    );
    assert_eq!(
        row.fix.as_deref(),
        Some("set `bound_audiences=11111111-1111-1111-1111-111111111111` on the role (the org ID is CircleCI's default `aud`).")
    );
    assert!(
        row.explanation.contains("plugin versions before v0.20.3"),
        "{}",
        row.explanation
    );

    let (_, _, first) = first_error(&claims(), NOW + 4000);
    assert!(first.unwrap().contains("token is expired"));

    let mut empty = claims();
    empty["aud"] = json!("");
    let (verdict, row, _) = first_error(&empty, NOW);
    assert_eq!((verdict, row.result), (Some(Verdict::Allow), Outcome::Pass));
}

/// `iss` is compared with `bound_issuer` only; `oidc_discovery_url` must be the issuer its discovery
/// document names (hashicorp/cap `NewOIDCDiscoveryKeySet`), or vault cannot build its key set.
#[test]
fn discovery_url_is_not_compared_with_iss() {
    let iss = claims()["iss"].as_str().unwrap().to_string();
    let role =
        json!({"role_type": "jwt", "user_claim": "sub", "bound_audiences": [claims()["aud"]]});
    let doc = |url: &str, bound: &str| json!({"config": {"oidc_discovery_url": url, "bound_issuer": bound}, "role": role.clone()});
    let c = claims();
    let e = evaluate(&doc(&format!("{iss}/"), ""), "", c.as_object(), NOW);
    assert_eq!(e.verdict, Some(Verdict::Deny));
    let row = &e.checks[0];
    assert_eq!(
        (row.key.as_ref(), row.result),
        ("oidc_discovery_url", Outcome::Fail)
    );
    assert!(
        !row.explanation.contains("invalid issuer (iss) claim"),
        "{}",
        row.explanation
    );
    let first = e
        .findings
        .iter()
        .find(|f| f.code == "vault-first-error")
        .unwrap();
    assert_eq!(
        first.message,
        format!("vault stops at the first failure and would answer: `error configuring token validator: keyset configuration error: issuer did not match the returned issuer, expected \"{iss}/\" got \"{iss}\"`")
    );
    assert_eq!(
        row.fix.clone().unwrap(),
        format!("set `oidc_discovery_url={iss}` (the token's `iss` exactly, no trailing `/`) and `bound_issuer={iss}` in `auth/jwt/config`.")
    );

    // With both set, `bound_issuer` is the one compared with `iss`.
    let e = evaluate(&doc(&iss, &format!("{iss}/")), "", c.as_object(), NOW);
    let keys: Vec<_> = e
        .checks
        .iter()
        .filter(|c| c.result == Outcome::Fail)
        .map(|c| c.key.to_string())
        .collect();
    assert_eq!(keys, ["bound_issuer"]);
    let e = evaluate(&doc(&iss, ""), "", c.as_object(), NOW);
    assert_eq!(e.verdict, Some(Verdict::Allow));
}
