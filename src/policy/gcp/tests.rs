use serde_json::{json, Value};

use super::{evaluate, suggest};
use crate::report::Verdict;

#[test]
fn suggestion_round_trips_to_allow() {
    for sub in [
        "org/o/project/p/user/u",
        &format!(
            "org/o/project/p/user/u/vcs-origin/{}/vcs-ref/refs/heads/main",
            "x".repeat(120)
        ),
    ] {
        let claims = json!({"iss": "https://oidc.circleci.com/org/o", "aud": "o", "sub": sub, "oidc.circleci.com/project-id": "p"});
        let snippets = suggest(claims.as_object().unwrap());
        let provider: Value = serde_json::from_str(&snippets[0].text).unwrap();
        let e = evaluate(&provider, "", claims.as_object(), 0);
        assert_eq!(e.verdict, Some(Verdict::Allow), "{:#?}", e.checks);
    }
}
