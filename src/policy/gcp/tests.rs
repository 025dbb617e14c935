use serde_json::{json, Value};

use super::{evaluate, suggest};
use crate::policy::test_support::{at, location_of};
use crate::report::{Outcome, Verdict};

const NOW: i64 = 1_764_000_000;

#[test]
fn suggestion_round_trips_to_allow() {
    for sub in [
        "org/o/project/p/user/u",
        &format!(
            "org/o/project/p/user/u/vcs-origin/{}/vcs-ref/refs/heads/main",
            "x".repeat(120)
        ),
    ] {
        let claims = json!({"iss": "https://oidc.circleci.com/org/o", "aud": "o", "sub": sub, "oidc.circleci.com/project-id": "p", "iat": NOW - 60, "exp": NOW + 3540});
        let snippets = suggest(claims.as_object().unwrap());
        let provider: Value = serde_json::from_str(&snippets[0].text).unwrap();
        let e = evaluate(&provider, "", claims.as_object(), NOW);
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
    let claims = json!({"iss": "https://oidc.circleci.com/org/o", "aud": "o", "sub": "org/o/project/p/user/u", "oidc.circleci.com/project-id": "p", "iat": NOW - 60, "exp": NOW + 3540});
    let claims = claims.as_object();
    let other = provider("other", "assertion['oidc.circleci.com/project-id'] == 'q'");
    let mine = provider("mine", "assertion['oidc.circleci.com/project-id'] == 'p'");

    let e = evaluate(&json!([other.clone(), mine.clone()]), "", claims, NOW);
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

    let e = evaluate(&json!([other.clone(), other]), "", claims, NOW);
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
    // Expired: every provider of the list says so, and none accepts the token.
    let e = evaluate(
        &json!([provider("other", "true"), mine]),
        "",
        claims,
        NOW + 3540,
    );
    assert_eq!(e.verdict, Some(Verdict::Deny));
    let exp: Vec<_> = e
        .checks
        .iter()
        .filter(|c| c.key == "exp")
        .map(|c| (c.statement.as_deref().unwrap(), c.result))
        .collect();
    assert_eq!(
        exp,
        [
            ("provider `other` provider", Outcome::Fail),
            ("provider `mine` provider", Outcome::Fail)
        ]
    );
    assert!(e.findings.iter().any(|f| f.message
        == "none of the 2 providers accepts this token: `other` fails on `exp`; `mine` fails on `exp`"));
    // Without a token: each provider's lints, no verdict.
    let e = evaluate(&json!([provider("a", "")]), "", None, 0);
    assert_eq!(e.verdict, None);
    assert!(e
        .findings
        .iter()
        .any(|f| f.code == "gcp-no-attribute-condition"));
    // A list that holds something else is not a list of providers, but the provider in it is found.
    assert_eq!(
        super::recognize(&json!([provider("a", ""), {"x": 1}])).as_deref(),
        Some("google cloud workload identity pool provider in the pasted JSON")
    );
    assert_eq!(super::recognize(&json!([{"x": 1}])), None);
    // ...and evaluated alone: the other item is not a provider of a list.
    let e = evaluate(&json!([provider("a", "true"), {"x": 1}]), "", claims, NOW);
    assert_eq!(e.verdict, Some(Verdict::Allow), "{:#?}", e.checks);
    assert!(!e.findings.iter().any(|f| f.code == "gcp-unrecognized"));
}

fn one(condition: &str, mapping: Value) -> Value {
    json!({
        "name": "projects/1/locations/global/workloadIdentityPools/circleci/providers/circleci",
        "oidc": {"issuerUri": "https://oidc.circleci.com/org/o", "allowedAudiences": ["o"]},
        "attributeMapping": mapping,
        "attributeCondition": condition,
    })
}

fn token() -> Value {
    json!({"iss": "https://oidc.circleci.com/org/o", "aud": "o", "sub": "org/o/project/p/user/u",
           "oidc.circleci.com/project-id": "p", "iat": NOW - 60, "exp": NOW + 3540})
}

/// Google's STS refuses an expired token, a token without `exp`/`iat`, one issued in the future and one that
/// lives 48 hours or more; the rows sit next to issuer and audience, before the mapping.
#[test]
fn token_times_are_checked() {
    let p = one(
        "assertion.aud == 'o'",
        json!({"google.subject": "assertion.sub"}),
    );
    let c = token();
    let row = |now: i64, patch: Value| {
        let mut c = c.clone();
        for (k, v) in patch.as_object().unwrap() {
            if v.is_null() {
                c.as_object_mut().unwrap().remove(k);
            } else {
                c[k] = v.clone();
            }
        }
        let e = evaluate(&p, "", c.as_object(), now);
        let keys: Vec<_> = e.checks.iter().map(|c| c.key.to_string()).collect();
        assert_eq!(
            keys,
            [
                "issuerUri",
                "allowedAudiences",
                "exp",
                "iat",
                "attributeMapping.google.subject",
                "attributeCondition"
            ]
        );
        let get = |k: &str| e.checks.iter().find(|c| c.key == k).unwrap().clone();
        (e.verdict, e.info.decided_by.clone(), get("exp"), get("iat"))
    };
    let (verdict, _, exp, iat) = row(NOW, json!({}));
    assert_eq!(
        (verdict, exp.result, iat.result),
        (Some(Verdict::Allow), Outcome::Pass, Outcome::Pass)
    );

    let (verdict, by, exp, _) = row(NOW + 3540, json!({}));
    assert_eq!(
        (verdict, by.as_deref()),
        (Some(Verdict::Deny), Some("`exp`"))
    );
    assert_eq!(
        exp.explanation,
        "the token expired at 2025-11-24T16:59:00Z (0 s before the evaluation time 2025-11-24T16:59:00Z); google's \
         STS rejects an expired token at the exchange, before the mapping and condition are read. whether google \
         allows any clock skew is not documented (unconfirmed)."
    );
    assert!(exp
        .fix
        .unwrap()
        .starts_with("mint a fresh token: CircleCI cloud tokens live one hour by default"));
    assert_eq!(exp.expected, json!("later than 2025-11-24T16:59:00Z"));
    assert_eq!(exp.actual, json!(NOW + 3540));

    let (verdict, _, exp, _) = row(NOW, json!({"exp": null}));
    assert_eq!((verdict, exp.result), (Some(Verdict::Deny), Outcome::Fail));
    assert!(
        exp.explanation.contains("requires `exp`"),
        "{}",
        exp.explanation
    );

    let (_, _, _, iat) = row(NOW, json!({"iat": NOW + 120}));
    assert_eq!(iat.result, Outcome::Fail);
    assert!(
        iat.explanation.contains("2 min after the evaluation time"),
        "{}",
        iat.explanation
    );

    let (_, _, exp, _) = row(NOW, json!({"exp": NOW - 60 + 48 * 3600}));
    assert_eq!(exp.result, Outcome::Fail);
    assert!(
        exp.explanation.contains("less than 48 hours after `iat`"),
        "{}",
        exp.explanation
    );
}

/// An expression Google would refuse to compile is a configuration error (deny, with a finding that says
/// where), never google's runtime rejection text.
#[test]
fn expressions_google_refuses_to_save() {
    let c = token();
    let run = |p: &Value| {
        let e = evaluate(p, "", c.as_object(), NOW);
        let codes: Vec<_> = e.findings.iter().map(|f| f.code).collect();
        (e, codes)
    };
    let mapping = json!({"google.subject": "assertion.sub"});

    let (e, codes) = run(&one(
        "has(assertion['oidc.circleci.com/vcs-ref'])",
        mapping.clone(),
    ));
    assert_eq!(e.verdict, Some(Verdict::Deny));
    assert_eq!(codes, ["gcp-condition-invalid"]);
    let f = &e.findings[0];
    assert_eq!(
        f.message,
        "`attributeCondition` does not compile (syntax error: `has()` needs a field selection such as \
         `has(assertion.sub)` at character 1) in `has(assertion['oidc.circleci.com/vcs-ref'])`: google checks \
         expressions when the provider is created or updated, so gcloud would refuse this configuration \
         (`INVALID_ARGUMENT`) and no token can be accepted through it"
    );
    assert_eq!(
        f.fix.as_deref(),
        Some("`has()` takes a field selection only; test the key with `'oidc.circleci.com/vcs-ref' in assertion` instead")
    );
    let row = e
        .checks
        .iter()
        .find(|c| c.key == "attributeCondition")
        .unwrap();
    assert_eq!(row.result, Outcome::Fail);
    assert!(
        !row.explanation.contains(super::REJECTED),
        "{}",
        row.explanation
    );
    assert!(
        row.explanation.contains("would refuse this one"),
        "{}",
        row.explanation
    );

    // `|| true` does not hide an undeclared variable: google refuses the whole expression.
    let (e, codes) = run(&one("assertions.sub == 'x' || true", mapping.clone()));
    assert_eq!(
        (e.verdict, codes),
        (Some(Verdict::Deny), vec!["gcp-condition-invalid"])
    );
    assert_eq!(
        e.findings[0].fix.as_deref(),
        Some("did you mean `assertion`?")
    );

    let (e, _) = run(&one("assertion.sub == ", mapping.clone()));
    assert!(e.findings[0]
        .message
        .contains("unexpected end of expression at character 18"));

    // A mapping may use only `assertion`.
    let (e, codes) = run(&one(
        "true",
        json!({"google.subject": "assertion.sub", "attribute.x": "attribute.y"}),
    ));
    assert_eq!(
        (e.verdict, codes),
        (Some(Verdict::Deny), vec!["gcp-mapping-invalid"])
    );
    assert_eq!(
        e.info.decided_by.as_deref(),
        Some("`attributeMapping.attribute.x`")
    );

    // Over google's 4096 characters: refused, however true it is; the message quotes only its start.
    let projects: Vec<String> = (0..200)
        .map(|i| format!("'{i:08}-0000-4000-8000-000000000000'"))
        .collect();
    let long = format!("true || attribute.x in [{}]", projects.join(", "));
    assert_eq!(long.chars().count(), 8023);
    let (e, codes) = run(&one(&long, mapping.clone()));
    assert_eq!(
        (e.verdict, codes),
        (Some(Verdict::Deny), vec!["gcp-condition-invalid"])
    );
    let message = &e.findings[0].message;
    assert!(
        message.starts_with("`attributeCondition` does not compile (it is 8023 characters long, and google allows at most 4096) in `true || attribute.x in ['00000000-"),
        "{message}"
    );
    assert!(message.len() < 600, "{message}");
    let head = "true || attribute.x == '";
    let at_limit = format!("{head}{}'", "é".repeat(4096 - head.len() - 1));
    assert_eq!(at_limit.chars().count(), 4096);
    let (_, codes) = run(&one(&at_limit, mapping.clone()));
    assert!(!codes.contains(&"gcp-condition-invalid"), "{codes:?}");

    // Without a token the finding is still there, with no verdict.
    let e = evaluate(
        &one("assertions.sub == 'x'", mapping.clone()),
        "",
        None,
        NOW,
    );
    assert_eq!(e.verdict, None);
    assert_eq!(e.findings[0].code, "gcp-condition-invalid");

    // A valid condition that fails for this token keeps google's runtime text (this token has no vcs claims:
    // a custom-webhook pipeline's, which the diagnosis names first).
    let (e, codes) = run(&one(
        "assertion['oidc.circleci.com/vcs-ref'] == 'x'",
        mapping,
    ));
    assert_eq!(
        (e.verdict, codes),
        (
            Some(Verdict::Deny),
            vec!["custom-webhook-no-vcs", "gcp-condition-rejects"]
        )
    );
}

/// Custom attribute keys of up to 100 characters are valid; at most 50 custom attributes; a fix never
/// suggests the very name it rejects.
#[test]
fn attribute_names_and_count() {
    let c = token();
    let key = |n: usize| format!("attribute.{}", "p".repeat(n));
    let eval = |mapping: Value| evaluate(&one("true", mapping), "", c.as_object(), NOW);

    let e = eval(
        json!({"google.subject": "assertion.sub", key(100): "assertion.aud", key(51): "assertion.aud"}),
    );
    assert_eq!(e.verdict, Some(Verdict::Allow), "{:#?}", e.checks);

    let e = eval(json!({"google.subject": "assertion.sub", key(101): "assertion.aud"}));
    assert_eq!(e.verdict, Some(Verdict::Deny));
    let row = e.checks.iter().find(|c| c.key.ends_with("ppp")).unwrap();
    assert!(
        row.explanation
            .contains("at most 100 characters, and this one has 101"),
        "{}",
        row.explanation
    );
    assert_eq!(
        row.fix.clone().unwrap(),
        format!("rename it to `{}`.", key(100))
    );

    for (name, fix) in [
        ("attribute.Project-ID", "rename it to `attribute.project_id`."),
        ("project", "rename it to `attribute.project`."),
        ("attribute.", "name it `attribute.<key>` with a key of `a-z`, `0-9` and `_`, e.g. `attribute.project`."),
        ("attribute.--", "name it `attribute.<key>` with a key of `a-z`, `0-9` and `_`, e.g. `attribute.project`."),
        ("google.subjects", "rename it to `attribute.google_subjects`."),
    ] {
        let e = eval(json!({"google.subject": "assertion.sub", name: "assertion.aud"}));
        let row = e.checks.iter().find(|c| c.key == format!("attributeMapping.{name}")).unwrap();
        assert_eq!(row.fix.as_deref(), Some(fix), "{name}");
        assert_ne!(row.fix.as_deref(), Some(format!("rename it to `{name}`.").as_str()));
    }

    let mut many = serde_json::Map::new();
    many.insert("google.subject".into(), json!("assertion.sub"));
    for i in 0..51 {
        many.insert(format!("attribute.a{i}"), json!("assertion.aud"));
    }
    let e = eval(Value::Object(many.clone()));
    assert_eq!(e.verdict, Some(Verdict::Deny));
    let row = e
        .checks
        .iter()
        .find(|c| c.key == "attributeMapping")
        .unwrap();
    assert_eq!(
        (row.expected.clone(), row.actual.clone()),
        (json!(50), json!(51))
    );
    many.remove("attribute.a50");
    assert_eq!(eval(Value::Object(many)).verdict, Some(Verdict::Allow));
}

/// `policy::tests::gcloud_list_output_in_yaml_is_a_list_of_providers` with a token that carries `iat` and
/// `exp` (google's STS requires both): the YAML list still allows through provider `b`.
#[test]
fn yaml_provider_list_with_token_times() {
    let claims = token();
    let provider = |id: &str, project: &str| {
        format!("---\nattributeCondition: assertion['oidc.circleci.com/project-id'] == '{project}'\nattributeMapping:\n  google.subject: assertion.sub\nname: projects/1/locations/global/workloadIdentityPools/p/providers/{id}\noidc:\n  allowedAudiences:\n  - o\n  issuerUri: https://oidc.circleci.com/org/o\n")
    };
    let text = format!("{}{}", provider("a", "q"), provider("b", "p"));
    let e = crate::policy::evaluate(&text, claims.as_object(), NOW);
    assert_eq!(e.verdict, Some(Verdict::Allow));
    assert_eq!(
        e.info.decided_by.as_deref(),
        Some("provider `b` accepts the token")
    );
    // The same token without `iat`/`exp` (as that test builds it) is refused by google's STS.
    let mut bare = claims.clone();
    bare.as_object_mut().unwrap().remove("iat");
    bare.as_object_mut().unwrap().remove("exp");
    let e = crate::policy::evaluate(&text, bare.as_object(), 0);
    assert_eq!(e.verdict, Some(Verdict::Deny));
}

const ORG: &str = "11111111-1111-1111-1111-111111111111";
const PROJECT: &str = "22222222-2222-2222-2222-222222222222";

/// A V2 token (`$CIRCLE_OIDC_TOKEN_V2`) of a job of project [`PROJECT`] on `main`.
fn v2_token() -> Value {
    let v1 = format!("org/{ORG}/project/{PROJECT}/user/33333333-3333-3333-3333-333333333333");
    json!({
        "iss": format!("https://oidc.circleci.com/org/{ORG}"),
        "aud": ORG,
        "sub": format!("{v1}/vcs-origin/github.com/acme/deploy/vcs-ref/refs/heads/main"),
        "oidc.circleci.com/project-id": PROJECT,
        "oidc.circleci.com/vcs-origin": "github.com/acme/deploy",
        "oidc.circleci.com/vcs-ref": "refs/heads/main",
        "iat": NOW - 60,
        "exp": NOW + 3540,
    })
}

/// `gcloud iam workload-identity-pools providers describe --format=json` output, as pasted.
fn describe_json(condition: &str, subject: &str) -> String {
    format!(
        r#"{{
  "attributeCondition": "{condition}",
  "attributeMapping": {{
    "attribute.project": "assertion['oidc.circleci.com/project-id']",
    "google.subject": "{subject}"
  }},
  "displayName": "CircleCI",
  "name": "projects/123456789012/locations/global/workloadIdentityPools/circleci-pool/providers/circleci",
  "oidc": {{
    "allowedAudiences": [
      "{ORG}"
    ],
    "issuerUri": "https://oidc.circleci.com/org/{ORG}"
  }},
  "state": "ACTIVE"
}}"#
    )
}

#[test]
fn findings_about_the_condition_and_the_mapping_point_at_them() {
    let claims = v2_token();
    let v1 = format!("org/{ORG}/project/{PROJECT}/user/33333333-3333-3333-3333-333333333333");
    // The condition pins this job's V1 `sub`, and `google.subject` maps the (too long) V2 one.
    let text = describe_json(&format!("assertion.sub == '{v1}'"), "assertion.sub");
    let e = crate::policy::evaluate(&text, claims.as_object(), NOW);
    assert_eq!(e.verdict, Some(Verdict::Deny));
    assert_eq!(location_of(&e, "sub-expects-v1"), at(2, 3));
    assert_eq!(location_of(&e, "gcp-condition-rejects"), at(2, 3));
    assert_eq!(location_of(&e, "gcp-subject-too-long"), at(5, 5));

    // Expressions google refuses to save: the condition, and the mapping entry that does not compile.
    let text = describe_json("assertion.sub ==", "assertion.sub +");
    let e = crate::policy::evaluate(&text, claims.as_object(), NOW);
    assert_eq!(location_of(&e, "gcp-condition-invalid"), at(2, 3));
    assert_eq!(location_of(&e, "gcp-mapping-invalid"), at(5, 5));
    // The same without a token: the lint findings are located too.
    let e = crate::policy::evaluate(&text, None, NOW);
    assert_eq!(location_of(&e, "gcp-mapping-invalid"), at(5, 5));
}

#[test]
fn a_missing_condition_points_at_the_provider_and_an_empty_one_at_itself() {
    let claims = v2_token();
    let text = describe_json("", "assertion['oidc.circleci.com/project-id']");
    let e = crate::policy::evaluate(&text, claims.as_object(), NOW);
    assert_eq!(e.verdict, Some(Verdict::Allow));
    assert_eq!(location_of(&e, "gcp-no-attribute-condition"), at(2, 3));
    // Nothing else is located: a passing evaluation has no other finding.
    assert_eq!(e.findings.len(), 1);

    let text = text.replace("  \"attributeCondition\": \"\",\n", "");
    let e = crate::policy::evaluate(&text, claims.as_object(), NOW);
    assert_eq!(location_of(&e, "gcp-no-attribute-condition"), at(1, 1));
}

#[test]
fn fields_without_the_issuer_leave_it_open_and_a_failing_condition_still_denies() {
    let claims = v2_token();
    let fields = |condition: &str| {
        json!({
            "attributeMapping": {"google.subject": "assertion['oidc.circleci.com/project-id']"},
            "attributeCondition": condition,
        })
        .to_string()
    };
    let passing = fields(&format!(
        "assertion['oidc.circleci.com/project-id'] == '{PROJECT}'"
    ));
    let e = crate::policy::evaluate(&passing, claims.as_object(), NOW);
    let issuer = e.checks.iter().find(|c| c.key == "issuerUri").unwrap();
    assert_eq!(issuer.result, Outcome::Unknown);
    assert!(issuer
        .explanation
        .starts_with("cannot evaluate: the pasted fields have no `issuerUri`"));
    assert!(issuer
        .fix
        .as_deref()
        .unwrap()
        .starts_with("paste the whole provider"));
    assert_eq!(e.verdict, None, "{:?}", e.info.decided_by);
    let failing = fields("assertion['oidc.circleci.com/project-id'] == 'another-project'");
    let e = crate::policy::evaluate(&failing, claims.as_object(), NOW);
    assert_eq!(e.verdict, Some(Verdict::Deny));
    // A provider (it has its resource name) without an issuer is refused.
    let provider = json!({
        "name": "projects/1/locations/global/workloadIdentityPools/p/providers/c",
        "attributeMapping": {"google.subject": "assertion.sub"},
    })
    .to_string();
    let e = crate::policy::evaluate(&provider, claims.as_object(), NOW);
    let issuer = e.checks.iter().find(|c| c.key == "issuerUri").unwrap();
    assert_eq!(issuer.result, Outcome::Fail);
}

#[test]
fn bare_fields_are_located_where_they_are() {
    // The fields alone (no `oidc`, no `name`) and a token minted for the provider's resource name: with
    // `allowedAudiences` empty and no `name` to compare with, the audience is not evaluated.
    let mut claims = v2_token();
    claims["aud"] = json!(
        "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/c"
    );
    let text = format!(
        "{{\n  \"issuerUri\": \"https://oidc.circleci.com/org/{ORG}\",\n  \"allowedAudiences\": [],\n  \"attributeMapping\": {{\"google.subject\": \"assertion['oidc.circleci.com/project-id']\"}},\n  \"attributeCondition\": \"assertion['oidc.circleci.com/project-id'] == '{PROJECT}'\"\n}}"
    );
    let e = crate::policy::evaluate(&text, claims.as_object(), NOW);
    assert_eq!(e.verdict, None);
    assert_eq!(location_of(&e, "gcp-not-evaluated"), at(3, 3));
}

#[test]
fn gcloud_yaml_output_is_located_in_the_yaml() {
    let claims = v2_token();
    let v1 = format!("org/{ORG}/project/{PROJECT}/user/33333333-3333-3333-3333-333333333333");
    // gcloud's default format.
    let text = format!(
        "attributeCondition: assertion.sub == '{v1}'\nattributeMapping:\n  attribute.project: assertion['oidc.circleci.com/project-id']\n  google.subject: assertion.sub\ndisplayName: CircleCI\nname: projects/123456789012/locations/global/workloadIdentityPools/circleci-pool/providers/circleci\noidc:\n  allowedAudiences:\n  - {ORG}\n  issuerUri: https://oidc.circleci.com/org/{ORG}\nstate: ACTIVE\n"
    );
    let e = crate::policy::evaluate(&text, claims.as_object(), NOW);
    assert!(e
        .info
        .detected
        .as_deref()
        .unwrap()
        .ends_with(", read from YAML"));
    assert_eq!(e.verdict, Some(Verdict::Deny));
    assert_eq!(location_of(&e, "sub-expects-v1"), at(1, 1));
    assert_eq!(location_of(&e, "gcp-condition-rejects"), at(1, 1));
    assert_eq!(location_of(&e, "gcp-subject-too-long"), at(4, 3));
}

#[test]
fn a_list_of_providers_is_located_per_provider() {
    let claims = v2_token();
    // `providers list --format=json`: the second provider's condition is not true for this token.
    let text = format!(
        "[\n{},\n{}\n]",
        describe_json(
            &format!("assertion['oidc.circleci.com/project-id'] == '{PROJECT}'"),
            "assertion['oidc.circleci.com/project-id']"
        ),
        describe_json(
            "assertion['oidc.circleci.com/vcs-ref'] == 'refs/heads/*'",
            "assertion['oidc.circleci.com/project-id']"
        )
    );
    let e = crate::policy::evaluate(&text, claims.as_object(), NOW);
    assert_eq!(e.verdict, Some(Verdict::Allow));
    // The first provider takes lines 2-17; the second opens on line 18.
    let star = e
        .findings
        .iter()
        .find(|f| f.code == "gcp-star-in-equals")
        .unwrap();
    assert!(star.message.starts_with("provider `circleci`: "));
    assert_eq!(star.location, at(19, 3));
    assert_eq!(location_of(&e, "gcp-condition-rejects"), at(19, 3));

    // The same list as gcloud prints it by default: YAML documents.
    let yaml = |condition: &str| {
        format!("---\nattributeCondition: {condition}\nattributeMapping:\n  google.subject: assertion['oidc.circleci.com/project-id']\nname: projects/1/locations/global/workloadIdentityPools/p/providers/c\noidc:\n  allowedAudiences:\n  - {ORG}\n  issuerUri: https://oidc.circleci.com/org/{ORG}\n")
    };
    let text = format!(
        "{}{}",
        yaml(&format!(
            "assertion['oidc.circleci.com/project-id'] == '{PROJECT}'"
        )),
        yaml("assertion['oidc.circleci.com/vcs-ref'] == 'refs/heads/*'")
    );
    let e = crate::policy::evaluate(&text, claims.as_object(), NOW);
    assert_eq!(e.verdict, Some(Verdict::Allow));
    assert_eq!(location_of(&e, "gcp-star-in-equals"), at(11, 1));
    // In a Markdown fence, the lines move down by the fence's.
    let fenced = format!("the providers:\n\n```yaml\n{text}```\n");
    let e = crate::policy::evaluate(&fenced, claims.as_object(), NOW);
    assert_eq!(location_of(&e, "gcp-star-in-equals"), at(14, 1));
}

#[test]
fn a_yaml_provider_without_a_condition_is_located_at_its_document() {
    let claims = v2_token();
    let provider = |id: &str| {
        format!("---\nattributeMapping:\n  google.subject: assertion['oidc.circleci.com/project-id']\nname: projects/1/locations/global/workloadIdentityPools/p/providers/{id}\noidc:\n  allowedAudiences:\n  - {ORG}\n  issuerUri: https://oidc.circleci.com/org/{ORG}\n")
    };
    // `providers describe`: one document.
    let e = crate::policy::evaluate(&provider("a"), claims.as_object(), NOW);
    assert_eq!(location_of(&e, "gcp-no-attribute-condition"), at(2, 1));
    // `providers list`: the second provider's document starts on line 10.
    let e = crate::policy::evaluate(
        &format!("{}{}", provider("a"), provider("b")),
        claims.as_object(),
        NOW,
    );
    let located: Vec<_> = e.findings.iter().map(|f| f.location).collect();
    assert_eq!(located, [at(2, 1), at(10, 1)]);
}

#[test]
fn a_forked_pull_request_is_named_at_the_condition() {
    let mut claims = v2_token();
    let fork = "github.com/someone-else/deploy";
    claims["oidc.circleci.com/vcs-origin"] = json!(fork);
    claims["sub"] = json!(claims["sub"]
        .as_str()
        .unwrap()
        .replace("github.com/acme/deploy", fork));
    for condition in [
        "assertion['oidc.circleci.com/vcs-origin'] == 'github.com/acme/deploy'".to_string(),
        format!("assertion.sub == 'org/{ORG}/project/{PROJECT}/user/33333333-3333-3333-3333-333333333333/vcs-origin/github.com/acme/deploy/vcs-ref/refs/heads/main'"),
    ] {
        let text = describe_json(&condition, "assertion['oidc.circleci.com/project-id']");
        let e = crate::policy::evaluate(&text, claims.as_object(), NOW);
        assert_eq!(e.verdict, Some(Verdict::Deny), "{condition}");
        let f = e
            .findings
            .iter()
            .find(|f| f.code == "vcs-origin-fork")
            .unwrap_or_else(|| panic!("{condition}: {:#?}", e.findings));
        assert!(
            f.message.starts_with("the token comes from `github.com/someone-else/deploy`, another owner's repository with the same name as the `github.com/acme/deploy`"),
            "{}",
            f.message
        );
        assert_eq!(location_of(&e, "vcs-origin-fork"), at(2, 3));
    }
}

/// Google documents `split()` in mappings; `split('/vcs-origin/')[0]` brings a V2 `sub` back to the V1 one, which fits
/// in `google.subject` (the byte limit applies to the mapped value). A part that does not exist is an index error,
/// which fails the `google.subject` mapping.
#[test]
fn google_subject_mapped_with_split() {
    let claims = v2_token();
    let v1 = format!("org/{ORG}/project/{PROJECT}/user/33333333-3333-3333-3333-333333333333");
    let p = json!({
        "name": "projects/1/locations/global/workloadIdentityPools/circleci/providers/circleci",
        "oidc": {"issuerUri": format!("https://oidc.circleci.com/org/{ORG}"), "allowedAudiences": [ORG]},
        "attributeMapping": {"google.subject": "assertion.sub.split('/vcs-origin/')[0]"},
        "attributeCondition": format!("google.subject == '{v1}'"),
    });
    let e = evaluate(&p, "", claims.as_object(), NOW);
    assert_eq!(e.verdict, Some(Verdict::Allow), "{:#?}", e.checks);
    let row = e
        .checks
        .iter()
        .find(|c| c.key == "attributeMapping.google.subject")
        .unwrap();
    assert_eq!((row.result, row.actual.clone()), (Outcome::Pass, json!(v1)));
    assert!(v1.len() <= 127 && claims["sub"].as_str().unwrap().len() > 127);

    let mut missing = p.clone();
    missing["attributeMapping"]["google.subject"] = json!("assertion.sub.split('/x/')[1]");
    let e = evaluate(&missing, "", claims.as_object(), NOW);
    assert_eq!(e.verdict, Some(Verdict::Deny));
    let row = e
        .checks
        .iter()
        .find(|c| c.key == "attributeMapping.google.subject")
        .unwrap();
    assert_eq!(row.result, Outcome::Fail);
    assert!(
        row.explanation.contains("`index out of range: 1`"),
        "{}",
        row.explanation
    );
}

/// Terraform's `google_iam_workload_identity_pool_provider` (snake_case, `oidc` as a one-item list), alone or
/// in state, a plan (the same provider twice: read once) or a Pulumi export; findings point at its fields.
#[test]
fn terraform_and_pulumi_providers_are_read_and_located() {
    let claims = json!({"iss": "https://oidc.circleci.com/org/o", "aud": "o", "sub": "org/o/project/p/user/u", "oidc.circleci.com/project-id": "p", "iat": NOW - 60, "exp": NOW + 3540});
    let values = |condition: &str| {
        json!({
            "workload_identity_pool_provider_id": "circleci",
            "attribute_mapping": {"google.subject": "assertion.sub", "attribute.project": "assertion['oidc.circleci.com/project-id']"},
            "attribute_condition": condition,
            "oidc": [{"issuer_uri": "https://oidc.circleci.com/org/o", "allowed_audiences": ["o"]}],
            "disabled": false
        })
    };
    let ok = values("attribute.project == 'p'");
    let e = evaluate(&ok, "", claims.as_object(), NOW);
    assert_eq!(e.verdict, Some(Verdict::Allow), "{:#?}", e.checks);

    let state = json!({"format_version": "1.0", "terraform_version": "1.9.5", "values": {"root_module": {"resources": [
        {"type": "google_iam_workload_identity_pool", "name": "pool", "values": {"workload_identity_pool_id": "circleci"}},
        {"type": "google_iam_workload_identity_pool_provider", "name": "circleci", "values": values("attribute.project == 'q'")}
    ]}}});
    let text = serde_json::to_string_pretty(&state).unwrap();
    let e = crate::policy::evaluate(&text, claims.as_object(), NOW);
    assert_eq!(
        e.info.detected.as_deref(),
        Some("google cloud workload identity pool provider in terraform state")
    );
    assert_eq!(e.verdict, Some(Verdict::Deny));
    let line = text
        .lines()
        .position(|l| l.contains("\"attribute_condition\""))
        .unwrap();
    let column = text.lines().nth(line).unwrap().find('"').unwrap();
    assert_eq!(
        location_of(&e, "gcp-condition-rejects"),
        at(line + 1, column + 1)
    );

    let plan = json!({"terraform_version": "1.9.5",
        "planned_values": {"root_module": {"resources": [{"values": ok}]}},
        "resource_changes": [{"change": {"after": ok}}],
        "configuration": {"root_module": {"resources": [{"expressions": {"attribute_mapping": {"constant_value": {"google.subject": "assertion.sub"}}, "oidc": [{"issuer_uri": {"references": ["var.issuer"]}}]}}]}}});
    let e = evaluate(&plan, "", claims.as_object(), NOW);
    assert_eq!(
        e.info.detected.as_deref(),
        Some("google cloud workload identity pool provider in a terraform plan")
    );
    assert_eq!(e.verdict, Some(Verdict::Allow));

    // Pulumi writes gcloud's camelCase names; a resource's `inputs` (without the deployed `name`, `state`) are
    // the same provider as its `outputs`, read once.
    let pulumi = json!({"deployment": {"resources": [{"type": "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider",
        "inputs": {"attributeMapping": {"google.subject": "assertion.sub"}, "attributeCondition": "assertion.aud == 'o'",
            "oidc": {"issuerUri": "https://oidc.circleci.com/org/o", "allowedAudiences": ["o"]}},
        "outputs": {"name": "projects/1/locations/global/workloadIdentityPools/p/providers/circleci", "state": "ACTIVE", "attributeMapping": {"google.subject": "assertion.sub"}, "attributeCondition": "assertion.aud == 'o'",
            "oidc": {"issuerUri": "https://oidc.circleci.com/org/o", "allowedAudiences": ["o"]}}}]}});
    let e = evaluate(&pulumi, "", claims.as_object(), NOW);
    assert_eq!(e.verdict, Some(Verdict::Allow), "{:#?}", e.checks);
    assert_eq!(
        e.info.detected.as_deref(),
        Some("google cloud workload identity pool provider in a pulumi stack export")
    );
}

/// gcloud's `--attribute-mapping` flag pasted as the value: read entry by entry, commas inside an expression kept.
#[test]
fn a_mapping_written_as_the_gcloud_flag_is_read() {
    let c = token();
    let mapping = json!("google.subject=assertion.sub, attribute.project=assertion['oidc.circleci.com/project-id'],attribute.parts=assertion.sub.split('/', 3)[1],attribute.eq=assertion.aud == 'o' ? 'y' : 'n'");
    let e = evaluate(
        &one(
            "attribute.project == 'p' && attribute.parts == 'o' && attribute.eq == 'y'",
            mapping,
        ),
        "",
        c.as_object(),
        NOW,
    );
    assert_eq!(e.verdict, Some(Verdict::Allow), "{:#?}", e.checks);
    // Not the flag form (an entry without `=`): the mapping is not read, and the missing subject says so.
    let e = evaluate(&one("true", json!("assertion.sub")), "", c.as_object(), NOW);
    assert_eq!(e.verdict, Some(Verdict::Deny));
}

/// A Terraform plan holds a provider's planned values (`after`), its current ones (`before`) and masks of the
/// same shape (`after_unknown`, `sensitive_values`): one provider, read from `after`; a field known only after
/// apply leaves the verdict open.
#[test]
fn a_terraform_plan_is_read_from_its_planned_values() {
    let c = token();
    let provider = |condition: &str| {
        json!({"workload_identity_pool_id": "circleci", "workload_identity_pool_provider_id": "circleci",
               "attribute_mapping": {"google.subject": "assertion.sub"}, "attribute_condition": condition,
               "oidc": [{"issuer_uri": "https://oidc.circleci.com/org/o", "allowed_audiences": ["o"]}]})
    };
    let plan = |after: Value, after_unknown: Value| {
        json!({"format_version": "1.2", "terraform_version": "1.7.5",
            "planned_values": {"root_module": {"resources": [{"address": "google_iam_workload_identity_pool_provider.circleci",
                "type": "google_iam_workload_identity_pool_provider", "name": "circleci", "values": after.clone(),
                "sensitive_values": {"oidc": [{"allowed_audiences": [false]}]}}]}},
            "resource_changes": [{"address": "google_iam_workload_identity_pool_provider.circleci",
                "type": "google_iam_workload_identity_pool_provider", "name": "circleci",
                "change": {"actions": ["update"], "before": provider("true"), "after": after,
                    "after_unknown": after_unknown, "before_sensitive": {}, "after_sensitive": {}}}],
            "prior_state": {"values": {"root_module": {"resources": [{"values": provider("true")}]}}}})
    };
    let e = evaluate(
        &plan(provider("assertion.aud == 'other'"), json!({})),
        "",
        c.as_object(),
        NOW,
    );
    assert_eq!(e.verdict, Some(Verdict::Deny), "{:#?}", e.checks);
    assert!(e
        .info
        .detected
        .as_deref()
        .unwrap()
        .starts_with("google cloud workload identity pool provider in a terraform plan"));
    let mut after = provider("x");
    after.as_object_mut().unwrap().remove("attribute_condition");
    let e = crate::policy::evaluate(
        &plan(after, json!({"attribute_condition": true})).to_string(),
        c.as_object(),
        NOW,
    );
    assert_eq!(e.verdict, None);
    assert_eq!(e.findings[0].code, "policy-known-after-apply");
    assert_eq!(
        e.info.decided_by.as_deref(),
        Some("undecided: `google_iam_workload_identity_pool_provider.circleci.attribute_condition` is known only after apply")
    );
}

/// A pool's `providers list` with AWS and SAML providers: only the OIDC ones are evaluated, and the report says so.
#[test]
fn a_providers_list_evaluates_only_its_oidc_providers() {
    let c = token();
    let mut oidc = one(
        "assertion.aud == 'o'",
        json!({"google.subject": "assertion.sub"}),
    );
    oidc["name"] = json!("projects/1/locations/global/workloadIdentityPools/p/providers/cc");
    let aws = json!({"name": "projects/1/locations/global/workloadIdentityPools/p/providers/aws",
        "aws": {"accountId": "123456789012"}, "attributeMapping": {"google.subject": "assertion.arn"}});
    let saml = json!({"name": "projects/1/locations/global/workloadIdentityPools/p/providers/saml",
        "saml": {"idpMetadataXml": "<xml/>"}, "attributeMapping": {"google.subject": "assertion.subject"}});
    let e = evaluate(&json!([aws, oidc, saml]), "", c.as_object(), NOW);
    assert_eq!(e.verdict, Some(Verdict::Allow), "{:#?}", e.checks);
    assert!(
        e.checks
            .iter()
            .all(|r| r.statement.as_deref().is_none_or(|s| s.contains("`cc`"))),
        "{:#?}",
        e.checks
    );
    assert!(e
        .findings
        .iter()
        .any(|f| f.code == "gcp-providers-not-oidc"));
}

/// A Terraform plan creating one provider with `values`, where `after_unknown` marks what is known only after apply.
fn create_plan(values: Value, after_unknown: Value) -> Value {
    let address = "google_iam_workload_identity_pool_provider.cci";
    json!({"format_version": "1.2", "terraform_version": "1.9.0",
        "planned_values": {"root_module": {"resources": [{"address": address, "mode": "managed",
            "type": "google_iam_workload_identity_pool_provider", "name": "cci", "values": values.clone(),
            "sensitive_values": {}}]}},
        "resource_changes": [{"address": address, "mode": "managed", "type": "google_iam_workload_identity_pool_provider",
            "name": "cci", "change": {"actions": ["create"], "before": null, "after": values,
                "after_unknown": after_unknown}}]})
}

#[test]
fn a_check_on_a_field_the_plan_knows_decides_whatever_the_fields_known_after_apply_hold() {
    let c = token();
    let results = |e: &crate::policy::Evaluation| -> Vec<(String, Outcome)> {
        e.checks
            .iter()
            .filter(|c| c.result != Outcome::Pass)
            .map(|c| (c.key.to_string(), c.result))
            .collect()
    };
    // The project ID where the org ID belongs: google's STS rejects the issuer before it reads the condition.
    let plan = create_plan(
        json!({"attribute_mapping": {"google.subject": "assertion.sub"}, "disabled": false,
            "oidc": [{"issuer_uri": "https://oidc.circleci.com/org/p", "allowed_audiences": ["o"]}],
            "workload_identity_pool_id": "circleci", "workload_identity_pool_provider_id": "cci"}),
        json!({"attribute_condition": true, "name": true, "id": true}),
    );
    let e = evaluate(&plan, "", c.as_object(), NOW);
    assert_eq!(e.verdict, Some(Verdict::Deny), "{:#?}", e.checks);
    assert_eq!(e.info.decided_by.as_deref(), Some("`issuerUri`"));
    assert_eq!(
        results(&e),
        [
            ("issuerUri".to_string(), Outcome::Fail),
            ("attributeCondition".to_string(), Outcome::Unknown)
        ]
    );
    // The condition exists (its value is not known yet): no warning that there is none.
    let codes: Vec<_> = e.findings.iter().map(|f| f.code).collect();
    assert_eq!(codes, ["gcp-not-evaluated"]);
    // The issuer known only after apply, a condition that is false: rejected at one or the other.
    let plan = create_plan(
        json!({"attribute_mapping": {"google.subject": "assertion.sub"}, "attribute_condition": "assertion.sub == 'nope'",
            "oidc": [{"allowed_audiences": ["o"]}], "workload_identity_pool_id": "circleci",
            "workload_identity_pool_provider_id": "cci"}),
        json!({"oidc": [{"issuer_uri": true}], "name": true}),
    );
    let e = evaluate(&plan, "", c.as_object(), NOW);
    assert_eq!(e.verdict, Some(Verdict::Deny), "{:#?}", e.checks);
    assert_eq!(
        results(&e),
        [
            ("issuerUri".to_string(), Outcome::Unknown),
            ("attributeCondition".to_string(), Outcome::Fail)
        ]
    );
    assert_eq!(
        e.checks[0].explanation,
        "cannot evaluate: this terraform plan knows `issuer_uri` only after apply."
    );
    // One audience known only after apply: a known one that is the token's `aud` is enough.
    let plan = create_plan(
        json!({"attribute_mapping": {"google.subject": "assertion.sub"}, "attribute_condition": "true",
            "oidc": [{"issuer_uri": "https://oidc.circleci.com/org/o", "allowed_audiences": ["o"]}],
            "workload_identity_pool_id": "circleci", "workload_identity_pool_provider_id": "cci"}),
        json!({"oidc": [{"allowed_audiences": [false, true]}], "name": true}),
    );
    let e = evaluate(&plan, "", c.as_object(), NOW);
    assert_eq!(e.verdict, Some(Verdict::Allow), "{:#?}", e.checks);
    let mut other = c.clone();
    other["aud"] = json!("x");
    let e = evaluate(&plan, "", other.as_object(), NOW);
    assert_eq!(e.verdict, None, "{:#?}", e.checks);
    assert_eq!(
        results(&e),
        [("allowedAudiences".to_string(), Outcome::Unknown)]
    );
}

#[test]
fn what_could_not_be_evaluated_is_named() {
    let c = token();
    let message = |e: &crate::policy::Evaluation| {
        e.findings
            .iter()
            .find(|f| f.code == "gcp-not-evaluated")
            .map(|f| f.message.clone())
            .unwrap()
    };
    // Only the issuer is unknown: the mapping and condition pass and are not blamed.
    let mut p = one(
        "assertion.aud == 'o'",
        json!({"google.subject": "assertion.sub"}),
    );
    p["oidc"]["issuerUri"] = json!("https://oidc.circleci.com/org/o/");
    let e = evaluate(&p, "", c.as_object(), NOW);
    assert_eq!(e.verdict, None);
    assert_eq!(
        message(&e),
        "`issuerUri` could not be evaluated here (`issuerUri` and `iss` differ only by a trailing `/`); no verdict is guessed for it"
    );
    // A mapping and the condition that reads it, with another check failing.
    let p = one(
        "attribute.team == 'lower'",
        json!({"google.subject": "assertion.sub", "attribute.team": "assertion.sub.matches('^\\\\p{Ll}') ? 'lower' : 'other'"}),
    );
    let mut c = c.clone();
    c["exp"] = json!(NOW - 1);
    let e = evaluate(&p, "", c.as_object(), NOW);
    assert_eq!(e.verdict, Some(Verdict::Deny));
    assert_eq!(
        message(&e),
        "`attributeMapping.attribute.team`, `attributeCondition` could not be evaluated here (matches(`^\\p{Ll}`): Unicode classes (`\\p`) are not evaluated); the token is rejected whatever it yields (`exp` fails)"
    );
}

/// `gcloud iam workload-identity-pools create-cred-config` output is the job's side of the exchange: it is named
/// as such, with the command that prints the provider its `audience` names (it was "not a trust configuration").
#[test]
fn a_credential_configuration_names_the_provider_to_paste() {
    let config = json!({
        "type": "external_account",
        "audience": "//iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/circleci/providers/cci",
        "subject_token_type": "urn:ietf:params:oauth:token-type:jwt",
        "token_url": "https://sts.googleapis.com/v1/token",
        "service_account_impersonation_url": "https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/ci@p.iam.gserviceaccount.com:generateAccessToken",
        "credential_source": {"file": "/home/circleci/oidc_token", "format": {"type": "text"}}
    });
    let text = serde_json::to_string_pretty(&config).unwrap();
    let e = crate::policy::evaluate(&text, None, NOW);
    assert!(e.unusable);
    assert_eq!(e.info.kind, Some(crate::policy::PolicyKind::Gcp));
    assert_eq!(e.findings.len(), 1, "{:#?}", e.findings);
    assert_eq!(e.findings[0].code, "gcp-credential-configuration");
    assert_eq!(
        e.findings[0].fix.as_deref(),
        Some("paste the provider it names: `gcloud iam workload-identity-pools providers describe cci --workload-identity-pool=circleci --location=global --project=123456789012 --format=json`")
    );
    assert_eq!(location_of(&e, "gcp-credential-configuration"), at(2, 3));
}
