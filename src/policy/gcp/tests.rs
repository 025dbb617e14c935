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

fn provider(id: &str, condition: &str) -> Value {
    json!({
        "name": format!("projects/1/locations/global/workloadIdentityPools/circleci/providers/{id}"),
        "oidc": {"issuerUri": "https://oidc.circleci.com/org/o", "allowedAudiences": ["o"]},
        "attributeMapping": {"google.subject": "assertion['oidc.circleci.com/project-id']"},
        "attributeCondition": condition,
    })
}

#[test]
fn a_list_of_providers_accepts_when_one_does() {
    let claims = json!({"iss": "https://oidc.circleci.com/org/o", "aud": "o", "sub": "org/o/project/p/user/u", "oidc.circleci.com/project-id": "p"});
    let claims = claims.as_object();
    let other = provider("other", "assertion['oidc.circleci.com/project-id'] == 'q'");
    let mine = provider("mine", "assertion['oidc.circleci.com/project-id'] == 'p'");

    let e = evaluate(&json!([other.clone(), mine]), "", claims, 0);
    assert_eq!(e.verdict, Some(Verdict::Allow));
    assert_eq!(
        e.info.decided_by.as_deref(),
        Some("provider `mine` accepts the token")
    );
    assert_eq!(
        e.info.detected.as_deref(),
        Some("2 google cloud workload identity pool providers (`gcloud iam workload-identity-pools providers list`)")
    );
    // Every check says which provider it belongs to.
    assert!(e
        .checks
        .iter()
        .all(|c| c.statement.as_deref().unwrap().starts_with("provider `")));
    assert!(e
        .findings
        .iter()
        .all(|f| f.message.starts_with("provider `other`: ")));

    let e = evaluate(&json!([other.clone(), other]), "", claims, 0);
    assert_eq!(e.verdict, Some(Verdict::Deny));
    let none = e
        .findings
        .iter()
        .find(|f| f.code == "gcp-no-provider-accepts")
        .unwrap();
    assert_eq!(
        none.message,
        "none of the 2 providers accepts this token: `other` fails on `attributeCondition`; `other` fails on `attributeCondition`"
    );
    // Without a token: each provider's lints, no verdict.
    let e = evaluate(&json!([provider("a", "")]), "", None, 0);
    assert_eq!(e.verdict, None);
    assert!(e
        .findings
        .iter()
        .any(|f| f.code == "gcp-no-attribute-condition"));
    // A list that holds something else is not a list of providers.
    assert_eq!(
        super::recognize(&json!([provider("a", ""), {"x": 1}])),
        None
    );
}
