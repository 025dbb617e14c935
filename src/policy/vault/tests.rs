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
