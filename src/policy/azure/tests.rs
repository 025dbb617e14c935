use serde_json::{json, Value};

use super::{evaluate, recognize, suggest};
use crate::report::{Outcome, Verdict};

fn claims() -> Value {
    json!({
        "iss": "https://oidc.circleci.com/org/11111111-1111-1111-1111-111111111111",
        "sub": "org/11111111-1111-1111-1111-111111111111/project/22222222-2222-2222-2222-222222222222/user/33333333-3333-3333-3333-333333333333",
        "aud": "11111111-1111-1111-1111-111111111111"
    })
}

#[test]
fn nearest_credential_is_named() {
    let c = claims();
    let list = json!({"value": [
        {"name": "far", "issuer": "https://token.actions.githubusercontent.com", "subject": "repo:a/b:ref:refs/heads/main", "audiences": ["api://AzureADTokenExchange"]},
        {"name": "near", "issuer": "https://oidc.circleci.com/org/11111111-1111-1111-1111-111111111111/", "subject": c["sub"], "audiences": [c["aud"]]}
    ]});
    assert!(recognize(&list).unwrap().contains("2 credentials"));
    let e = evaluate(&list, "", c.as_object(), 0);
    assert_eq!(e.verdict, Some(Verdict::Deny));
    assert!(
        e.info
            .decided_by
            .as_deref()
            .unwrap()
            .contains("the nearest is `near` (1 failing: issuer)"),
        "{:?}",
        e.info.decided_by
    );
    let issuer = e
        .checks
        .iter()
        .find(|c| c.statement.as_deref() == Some("credential `near`") && c.key == "issuer")
        .unwrap();
    assert!(
        issuer.explanation.starts_with("trailing slash"),
        "{}",
        issuer.explanation
    );
}

#[test]
fn suggestion_matches() {
    let c = claims();
    let text = &suggest(c.as_object().unwrap())[0].text;
    let json_part = text
        .split_once("--parameters '")
        .unwrap()
        .1
        .trim_end_matches('\'');
    let cred: Value = serde_json::from_str(json_part).unwrap();
    let e = evaluate(&cred, "", c.as_object(), 0);
    assert_eq!(e.verdict, Some(Verdict::Allow));
    assert!(e.checks.iter().all(|c| c.result == Outcome::Pass));
}
