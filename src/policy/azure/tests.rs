use serde_json::{json, Value};

use super::{evaluate, recognize, suggest};
use crate::policy::test_support::{at, location_of};
use crate::report::{Outcome, Verdict};

const NOW: i64 = 1_764_000_000;

fn claims() -> Value {
    json!({
        "iss": "https://oidc.circleci.com/org/11111111-1111-1111-1111-111111111111",
        "sub": "org/11111111-1111-1111-1111-111111111111/project/22222222-2222-2222-2222-222222222222/user/33333333-3333-3333-3333-333333333333",
        "aud": "11111111-1111-1111-1111-111111111111",
        "iat": NOW - 60,
        "exp": NOW + 3540
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
    let e = evaluate(&list, "", c.as_object(), NOW);
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
    let e = evaluate(&cred, "", c.as_object(), NOW);
    assert_eq!(e.verdict, Some(Verdict::Allow));
    assert!(e.checks.iter().all(|c| c.result == Outcome::Pass));
}

/// A credential that pins this job's `sub` in the other token version is fixed by switching the variable;
/// a token without vcs claims (a custom-webhook pipeline's V2 token looks like V1) gets no such advice.
#[test]
fn other_token_version_is_fixed_by_switching_the_variable() {
    let v1 = claims()["sub"].as_str().unwrap().to_string();
    let v2 = format!("{v1}/vcs-origin/github.com/acme/app/vcs-ref/refs/heads/main");
    let token = |sub: &str, vcs: bool| {
        let mut c = claims();
        c["sub"] = json!(sub);
        if vcs {
            c["oidc.circleci.com/vcs-origin"] = json!("github.com/acme/app");
            c["oidc.circleci.com/vcs-ref"] = json!("refs/heads/main");
        }
        c
    };
    let cred = |subject: &str| json!({"name": "deploy", "issuer": claims()["iss"], "subject": subject, "audiences": [claims()["aud"]]});
    let fixes = |cred: &Value, token: &Value| {
        let e = evaluate(cred, "", token.as_object(), NOW);
        assert_eq!(e.verdict, Some(Verdict::Deny));
        let check = e.checks.iter().find(|c| c.key == "subject").unwrap();
        let finding = e
            .findings
            .iter()
            .find(|f| f.code == "azure-no-credential-matches")
            .unwrap();
        (check.fix.clone().unwrap(), finding.fix.clone().unwrap())
    };

    let (check, finding) = fixes(&cred(&v1), &token(&v2, true));
    let expected = format!(
        "this credential expects a V1 sub: use $CIRCLE_OIDC_TOKEN (or register the V2 subject `{v2}` too)"
    );
    assert_eq!(
        (check.as_str(), finding.as_str()),
        (expected.as_str(), expected.as_str())
    );

    let (check, _) = fixes(&cred(&v2), &token(&v1, true));
    assert_eq!(
        check,
        format!("this credential expects a V2 sub: use $CIRCLE_OIDC_TOKEN_V2 (or register the V1 subject `{v1}` too)")
    );

    // A V2 subject of another user whose ID merely starts like the token's is not this job's V2 `sub`.
    let longer_user = format!("{v1}4/vcs-origin/github.com/acme/app/vcs-ref/refs/heads/main");
    let e = evaluate(&cred(&longer_user), "", token(&v1, true).as_object(), NOW);
    let check = e.checks.iter().find(|c| c.key == "subject").unwrap();
    assert!(
        !check.explanation.contains("pins a V2"),
        "{}",
        check.explanation
    );
    assert!(check
        .fix
        .as_deref()
        .unwrap()
        .starts_with("register the subject"));

    let (check, finding) = fixes(&cred(&v2), &token(&v1, false));
    assert_eq!(
        check,
        format!("register the subject `{v1}` (one credential per subject).")
    );
    assert!(
        finding.starts_with("register a credential with issuer"),
        "{finding}"
    );
}

/// The explanation of a subject pinned in the other token version says which version each side is and which
/// variable presents the registered one, without repeating the two values (their columns show them).
#[test]
fn other_token_version_is_explained_once() {
    let v1 = claims()["sub"].as_str().unwrap().to_string();
    let v2 = format!("{v1}/vcs-origin/github.com/acme/app/vcs-ref/refs/heads/main");
    let why = |subject: &str, sub: &str, vcs: bool| {
        let mut c = claims();
        c["sub"] = json!(sub);
        if vcs {
            c["oidc.circleci.com/vcs-origin"] = json!("github.com/acme/app");
        }
        let cred = json!({"issuer": c["iss"], "subject": subject, "audiences": [c["aud"]]});
        let e = evaluate(&cred, "", c.as_object(), NOW);
        let check = e.checks.into_iter().find(|c| c.key == "subject").unwrap();
        assert_eq!(check.result, Outcome::Fail);
        assert!(!check.explanation.contains(&v1), "{}", check.explanation);
        check.explanation
    };
    assert_eq!(why(&v1, &v2, true), "the credential pins this job's V1 `sub`, but the token is V2 (`$CIRCLE_OIDC_TOKEN_V2`, whose `sub` goes on with `/vcs-origin/…/vcs-ref/…`): entra compares exactly and has no wildcards, so a V2 token never matches a V1 subject; only `$CIRCLE_OIDC_TOKEN` presents it.");
    assert_eq!(why(&v2, &v1, true), "the credential pins this job's V2 `sub`, but the token is V1 (`$CIRCLE_OIDC_TOKEN`, whose `sub` stops after `/user/…`): entra compares exactly and has no wildcards, so a V1 token never matches a V2 subject; only `$CIRCLE_OIDC_TOKEN_V2` presents it.");
    // Without vcs claims the token may be a custom-webhook pipeline's V2 token, which has no vcs part at all.
    assert!(why(&v2, &v1, false).contains("or the V2 token of a pipeline without a repository (a custom webhook), which never presents that subject"));
}

/// Entra refuses an expired token (`AADSTS700024`) before matching any credential: deny even when a
/// credential matches. Without `exp` the outcome is not documented: unknown, no verdict.
#[test]
fn token_time_range() {
    let c = claims();
    let cred = json!({"name": "circleci", "issuer": c["iss"], "subject": c["sub"], "audiences": [c["aud"]]});
    // Expired 5 minutes ago: past the clock skew Microsoft's libraries allow.
    let e = evaluate(&cred, "", c.as_object(), NOW + 3840);
    assert_eq!(e.verdict, Some(Verdict::Deny));
    assert_eq!(
        e.info.decided_by.as_deref(),
        Some("`exp`: the token is outside its valid time range (entra answers `AADSTS700024`)")
    );
    let exp = &e.checks[0];
    assert_eq!((exp.key.as_ref(), exp.result), ("exp", Outcome::Fail));
    assert_eq!(
        exp.explanation,
        "the token expired at 2025-11-24T16:59:00Z (5 min before the evaluation time 2025-11-24T17:04:00Z); entra \
         refuses it before matching any credential: `AADSTS700024: Client assertion is not within its valid time \
         range.` whether entra allows any clock skew is not documented (unconfirmed)."
    );
    assert!(exp
        .fix
        .as_deref()
        .unwrap()
        .starts_with("mint a fresh token: CircleCI cloud tokens live one hour by default"));
    // The credential's own checks still pass and are all shown.
    assert!(e.checks[1..].iter().all(|c| c.result == Outcome::Pass));

    // Expired less than 5 minutes ago: undecided, and it says why.
    for late in [0, 299] {
        let e = evaluate(&cred, "", c.as_object(), NOW + 3540 + late);
        assert_eq!((e.verdict, e.checks[0].result), (None, Outcome::Unknown));
        assert!(e.checks[0]
            .explanation
            .contains("unless it allows that much clock skew"));
    }

    let e = evaluate(&cred, "", c.as_object(), NOW);
    assert_eq!(e.verdict, Some(Verdict::Allow));

    let mut no_exp = c.clone();
    no_exp.as_object_mut().unwrap().remove("exp");
    let e = evaluate(&cred, "", no_exp.as_object(), NOW);
    assert_eq!((e.verdict, e.checks[0].result), (None, Outcome::Unknown));

    let mut early = c.clone();
    early["nbf"] = json!(NOW + 300);
    let e = evaluate(&cred, "", early.as_object(), NOW);
    assert_eq!(e.verdict, Some(Verdict::Deny));
    assert_eq!(
        (e.checks[1].key.as_ref(), e.checks[1].result),
        ("nbf", Outcome::Fail)
    );

    // Expired and matching nothing: both problems are reported.
    let other =
        json!({"name": "other", "issuer": c["iss"], "subject": "x", "audiences": [c["aud"]]});
    let e = evaluate(&other, "", c.as_object(), NOW + 3840);
    assert_eq!(e.verdict, Some(Verdict::Deny));
    assert!(e
        .findings
        .iter()
        .any(|f| f.code == "azure-no-credential-matches"));
}

/// Microsoft documents flexible credentials only for GitHub, GitLab and Terraform Cloud tokens: for a
/// CircleCI issuer the expression stays unknown but says it very likely never matches, and no subject
/// explanation recommends a flexible credential.
#[test]
fn flexible_credentials_and_circleci() {
    let c = claims();
    let flex = json!({"name": "flex", "issuer": c["iss"], "audiences": [c["aud"]],
        "claimsMatchingExpression": {"value": "claims['sub'] matches 'org/*'", "languageVersion": 1}});
    let e = evaluate(&flex, "", c.as_object(), NOW);
    assert_eq!(e.verdict, None);
    let row = e
        .checks
        .iter()
        .find(|c| c.key == "claimsMatchingExpression")
        .unwrap();
    assert_eq!(row.result, Outcome::Unknown);
    assert!(
        row.explanation.contains(
            "microsoft documents flexible credential matching only for tokens issued by GitHub, GitLab, Terraform Cloud"
        ) && row.explanation.contains("very likely never matches"),
        "{}",
        row.explanation
    );
    assert!(row
        .fix
        .as_deref()
        .unwrap()
        .starts_with("register a plain credential"));

    // Another user's V1 subject: one credential per user, and no flexible credential for CircleCI.
    let other_user = c["sub"]
        .as_str()
        .unwrap()
        .replace("/user/3333", "/user/4444");
    let cred =
        json!({"name": "u", "issuer": c["iss"], "subject": other_user, "audiences": [c["aud"]]});
    let e = evaluate(&cred, "", c.as_object(), NOW);
    let subject = e.checks.iter().find(|c| c.key == "subject").unwrap();
    assert!(
        subject
            .explanation
            .ends_with("register one credential per user."),
        "{}",
        subject.explanation
    );
    assert!(!subject.explanation.contains("flexible"));

    // For a GitHub token the expression keeps the plain message.
    let mut gh = c.clone();
    gh["iss"] = json!("https://token.actions.githubusercontent.com");
    let flex = json!({"name": "flex", "issuer": gh["iss"], "audiences": [c["aud"]],
        "claimsMatchingExpression": {"value": "claims['sub'] matches 'repo:*'", "languageVersion": 1}});
    let e = evaluate(&flex, "", gh.as_object(), NOW);
    let row = e
        .checks
        .iter()
        .find(|c| c.key == "claimsMatchingExpression")
        .unwrap();
    assert!(
        !row.explanation.contains("very likely"),
        "{}",
        row.explanation
    );
}

/// `az ad app federated-credential list --id <app-id>`: two credentials, neither matches.
const LIST: &str = r#"[
  {
    "audiences": [
      "api://AzureADTokenExchange"
    ],
    "description": "CircleCI deploy from main",
    "id": "0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0",
    "issuer": "https://oidc.circleci.com/org/11111111-1111-1111-1111-111111111111/",
    "name": "circleci-main",
    "subject": "org/11111111-1111-1111-1111-111111111111/project/22222222-2222-2222-2222-222222222222/user/33333333-3333-3333-3333-333333333333"
  },
  {
    "audiences": [
      "11111111-1111-1111-1111-111111111111"
    ],
    "description": null,
    "id": "1c2d3e4f-5061-7283-94a5-b6c7d8e9f0a1",
    "issuer": "https://oidc.circleci.com/org/11111111-1111-1111-1111-111111111111",
    "name": "circleci-any-user",
    "subject": "org/11111111-1111-1111-1111-111111111111/project/22222222-2222-2222-2222-222222222222/user/*"
  }
]"#;

#[test]
fn credential_findings_point_at_the_field_in_a_list() {
    let c = claims();
    let e = crate::policy::evaluate(LIST, c.as_object(), NOW);
    assert_eq!(e.verdict, Some(Verdict::Deny));
    // The first credential: its issuer ends with `/`, its subject pins one user.
    assert_eq!(location_of(&e, "azure-issuer-trailing-slash"), at(8, 5));
    assert_eq!(location_of(&e, "azure-subject-pins-user"), at(10, 5));
    // The second: `*` in its subject, and it is the nearest (only its subject fails).
    assert_eq!(location_of(&e, "azure-wildcard-in-credential"), at(20, 5));
    let none = e
        .findings
        .iter()
        .find(|f| f.code == "azure-no-credential-matches")
        .unwrap();
    assert!(none.message.contains("the nearest is `circleci-any-user`"));
    assert_eq!(none.location, at(20, 5));
    // Graph's `{"value": [...]}` holds the same list one level down.
    let graph = format!("{{\"value\": {LIST}}}");
    let e = crate::policy::evaluate(&graph, c.as_object(), NOW);
    assert_eq!(location_of(&e, "azure-issuer-trailing-slash"), at(8, 5));
}

#[test]
fn one_credential_is_located_at_its_failing_field_or_itself() {
    let c = claims();
    // `az ad app federated-credential show`, registered for another org: only the issuer fails.
    let show = "{\n  \"audiences\": [\"11111111-1111-1111-1111-111111111111\"],\n  \"issuer\": \"https://oidc.circleci.com/org/99999999-9999-9999-9999-999999999999\",\n  \"name\": \"circleci\",\n  \"subject\": \"org/11111111-1111-1111-1111-111111111111/project/22222222-2222-2222-2222-222222222222/user/33333333-3333-3333-3333-333333333333\"\n}";
    let e = crate::policy::evaluate(show, c.as_object(), NOW);
    assert_eq!(e.verdict, Some(Verdict::Deny));
    assert_eq!(location_of(&e, "azure-no-credential-matches"), at(3, 3));
    // Issuer and audience fail: the credential as a whole.
    let both = show.replace(
        "[\"11111111-1111-1111-1111-111111111111\"]",
        "[\"api://AzureADTokenExchange\"]",
    );
    let e = crate::policy::evaluate(&both, c.as_object(), NOW);
    assert_eq!(location_of(&e, "azure-no-credential-matches"), at(1, 1));
    // An item that is not an object is skipped, and does not shift the others' locations.
    let list = format!("[null,\n{show}]");
    let e = evaluate(
        &serde_json::from_str(&list).unwrap(),
        &list,
        c.as_object(),
        NOW,
    );
    assert_eq!(location_of(&e, "azure-no-credential-matches"), at(4, 3));
}

#[test]
fn a_forked_pull_request_is_named_at_the_subject() {
    let v1 = "org/11111111-1111-1111-1111-111111111111/project/22222222-2222-2222-2222-222222222222/user/33333333-3333-3333-3333-333333333333";
    let fork = "github.com/someone-else/deploy";
    let mut c = claims();
    c["sub"] = json!(format!("{v1}/vcs-origin/{fork}/vcs-ref/refs/heads/patch-1"));
    c["oidc.circleci.com/vcs-origin"] = json!(fork);
    c["oidc.circleci.com/vcs-ref"] = json!("refs/heads/patch-1");
    let show = format!("{{\n  \"name\": \"circleci\",\n  \"issuer\": \"https://oidc.circleci.com/org/11111111-1111-1111-1111-111111111111\",\n  \"subject\": \"{v1}/vcs-origin/github.com/acme/deploy/vcs-ref/refs/heads/main\",\n  \"audiences\": [\"11111111-1111-1111-1111-111111111111\"]\n}}");
    let e = crate::policy::evaluate(&show, c.as_object(), NOW);
    assert_eq!(e.verdict, Some(Verdict::Deny));
    let codes: Vec<_> = e.findings.iter().map(|f| f.code).collect();
    assert_eq!(
        codes,
        [
            "azure-subject-pins-user",
            "vcs-origin-fork",
            "azure-no-credential-matches"
        ]
    );
    assert!(e.findings[1]
        .message
        .starts_with("the token comes from `github.com/someone-else/deploy`, another owner's repository with the same name as the `github.com/acme/deploy` that the subject of `circleci` names"));
    assert_eq!(location_of(&e, "vcs-origin-fork"), at(4, 3));
}

/// Credentials inside other documents, as people paste them: Terraform state and plans (`azuread_...` with
/// `audiences`, `azurerm_...` with `audience`), an ARM resource (`properties`), each credential read once.
#[test]
fn credentials_inside_terraform_and_arm_documents() {
    let c = claims();
    let (iss, sub, aud) = (&c["iss"], &c["sub"], &c["aud"]);
    let azuread =
        json!({"display_name": "circleci", "issuer": iss, "subject": sub, "audiences": [aud]});
    let state = json!({"format_version": "1.0", "terraform_version": "1.9.5", "values": {"root_module": {
    "resources": [
        {"type": "azuread_application", "name": "app", "values": {"display_name": "app", "client_id": "x"}},
        {"type": "azuread_application_federated_identity_credential", "name": "ci", "values": azuread}
    ]}}});
    assert_eq!(
        recognize(&state).as_deref(),
        Some("entra federated identity credential in terraform state")
    );
    let e = evaluate(&state, "", c.as_object(), NOW);
    assert_eq!(e.verdict, Some(Verdict::Allow));
    assert_eq!(
        e.info.decided_by.as_deref(),
        Some("credential `circleci` matches")
    );
    // A plan holds the same credential twice (planned values, resource changes): one credential.
    let plan = json!({"terraform_version": "1.9.5",
        "planned_values": {"root_module": {"resources": [{"values": azuread}]}},
        "resource_changes": [{"change": {"after": azuread}}],
        "configuration": {"root_module": {"resources": [{"expressions": {"issuer": {"constant_value": iss}, "subject": {"references": ["var.sub"]}}}]}}});
    assert_eq!(
        recognize(&plan).as_deref(),
        Some("entra federated identity credential in a terraform plan")
    );

    // azurerm's managed-identity credential calls the list `audience`; a failing one is located there.
    let azurerm = format!(
        "{{\n  \"name\": \"circleci\",\n  \"resource_group_name\": \"rg\",\n  \"audience\": [\"api://AzureADTokenExchange\"],\n  \"issuer\": {iss},\n  \"subject\": {sub}\n}}"
    );
    let e = crate::policy::evaluate(&azurerm, c.as_object(), NOW);
    assert_eq!(e.verdict, Some(Verdict::Deny));
    assert_eq!(location_of(&e, "azure-no-credential-matches"), at(4, 3));
    let fixed = azurerm.replace("api://AzureADTokenExchange", aud.as_str().unwrap());
    let e = crate::policy::evaluate(&fixed, c.as_object(), NOW);
    assert_eq!(e.verdict, Some(Verdict::Allow));

    // An ARM resource: the credential is its `properties`, named by the resource.
    let arm = json!({"type": "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials",
        "name": "ci/circleci", "properties": {"issuer": iss, "subject": "x", "audiences": [aud]}});
    let e = evaluate(&arm, "", c.as_object(), NOW);
    assert_eq!(e.verdict, Some(Verdict::Deny));
    assert!(e
        .info
        .decided_by
        .unwrap()
        .contains("`ci/circleci` fails on subject"));

    // Not a credential anywhere: still not recognized.
    assert_eq!(recognize(&json!({"values": {"issuer": iss}})), None);
}

/// A subject written with `*` gets the wildcard warning, not "pins one user" (which contradicts its intent).
#[test]
fn a_wildcard_subject_is_not_said_to_pin_a_user() {
    let c = claims();
    let wild = json!({"name": "any", "issuer": c["iss"], "subject": "org/11111111-1111-1111-1111-111111111111/project/22222222-2222-2222-2222-222222222222/user/*", "audiences": [c["aud"]]});
    let e = evaluate(&wild, "", c.as_object(), NOW);
    let codes: Vec<&str> = e.findings.iter().map(|f| f.code).collect();
    assert!(codes.contains(&"azure-wildcard-in-credential"), "{codes:?}");
    assert!(!codes.contains(&"azure-subject-pins-user"), "{codes:?}");
    // Only the subject fails: entra may also answer with the code that names it.
    let none = crate::policy::test_support::finding(&e, "azure-no-credential-matches");
    assert!(
        none.message
            .ends_with("(or `AADSTS700213`: no record for the presented subject)"),
        "{}",
        none.message
    );
    let subject = e.checks.iter().find(|c| c.key == "subject").unwrap();
    assert_eq!(
        subject.explanation,
        "the credential's `subject` contains `*`, but entra has no wildcards: `*` is compared literally."
    );
}

/// Since August 2024 entra compares subjects case-sensitively and names a subject that differs only in letter
/// case with its own code: the predicted error is `AADSTS7002138` (the code the pasted error text is explained
/// with), not `AADSTS70021`, and the fix is the subject's letter case.
#[test]
fn a_subject_differing_only_in_letter_case_predicts_aadsts7002138() {
    let mut c = claims();
    let sub = format!(
        "{}/vcs-origin/github.com/my-org/my-repo/vcs-ref/refs/heads/main",
        c["sub"].as_str().unwrap()
    );
    c["sub"] = json!(sub);
    let registered = sub.replace("my-org", "My-Org");
    let cred = json!({"name": "circleci", "issuer": c["iss"], "subject": registered, "audiences": [c["aud"]]});
    let e = evaluate(&cred, "", c.as_object(), NOW);
    assert_eq!(e.verdict, Some(Verdict::Deny));
    // A V2 subject pins the repository and branch too, and it is the V1 token that never matches it.
    let pins = crate::policy::test_support::finding(&e, "azure-subject-pins-user");
    assert_eq!(pins.message, "credential `circleci` pins one CircleCI `sub`: one user, one project, one repository and branch, one token version (a V2 subject never matches `$CIRCLE_OIDC_TOKEN`)");
    let none = crate::policy::test_support::finding(&e, "azure-no-credential-matches");
    assert_eq!(
        none.message,
        format!("no federated credential matches this token (`circleci` fails on subject, whose subject differs from `sub` only in letter case); entra answers `AADSTS7002138: No matching federated identity record found for presented assertion subject '{sub}'. The subject matches with case-insensitive comparison, but not with case-sensitive comparison.`")
    );
    assert_eq!(
        none.fix.as_deref(),
        Some(format!("set the subject of `circleci` to `{sub}`, letter case included (the owner and repository in `vcs-origin` keep the case the VCS gives them)").as_str())
    );
    // The error entra really printed is explained with the same code.
    let text = format!("AADSTS7002138: No matching federated identity record found for presented assertion subject '{sub}'. The subject matches with case-insensitive comparison, but not with case-sensitive comparison.");
    let explained = super::explain_error_text(&text, c.as_object());
    assert_eq!(explained[0].code, "azure-error-aadsts7002138");
    // Another subject altogether (not a case difference) keeps AADSTS70021.
    let other = json!({"name": "circleci", "issuer": c["iss"], "subject": sub.replace("my-repo", "other"), "audiences": [c["aud"]]});
    let e = evaluate(&other, "", c.as_object(), NOW);
    let none = crate::policy::test_support::finding(&e, "azure-no-credential-matches");
    assert!(
        none.message.contains("entra answers `AADSTS70021:"),
        "{}",
        none.message
    );
}

/// Microsoft Graph's list of an app's credentials, empty: the app has none, so no token matches (deny), and
/// the finding says so instead of calling the pasted output unrecognized.
#[test]
fn an_app_without_credentials_denies() {
    let c = claims();
    let graph = json!({"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#applications('6d1e2b3c-0000-4000-8000-000000000000')/federatedIdentityCredentials", "value": []});
    assert_eq!(
        recognize(&graph).as_deref(),
        Some("microsoft graph federatedIdentityCredentials list, empty")
    );
    let e = evaluate(&graph, "", c.as_object(), NOW);
    assert_eq!(e.verdict, Some(Verdict::Deny));
    assert_eq!(
        e.info.decided_by.as_deref(),
        Some("app `6d1e2b3c-0000-4000-8000-000000000000` has no federated identity credential")
    );
    let none = crate::policy::test_support::finding(&e, "azure-no-credentials");
    assert!(
        none.message.starts_with("app `6d1e2b3c-0000-4000-8000-000000000000` has no federated identity credential (microsoft graph lists none)"),
        "{}",
        none.message
    );
    assert!(none
        .fix
        .as_deref()
        .unwrap()
        .contains("az ad app federated-credential create"));
    assert_eq!(
        e.checks.len(),
        1,
        "only the token's time range: {:?}",
        e.checks
    );
    // Without a token: the finding, no verdict.
    let e = evaluate(&graph, "", None, NOW);
    assert_eq!(e.verdict, None);
    assert_eq!(e.findings[0].code, "azure-no-credentials");
    // An empty `value` that names nothing is not claimed (it could be any list).
    assert_eq!(recognize(&json!({"value": []})), None);
    assert_eq!(recognize(&json!([])), None);
}

/// A credential field a Terraform plan leaves known only after apply is unknown, not missing: no "has no
/// `subject`" failure and no predicted AADSTS70021.
#[test]
fn a_subject_known_only_after_apply_is_unknown() {
    let c = claims();
    let plan = json!({"format_version": "1.2", "terraform_version": "1.7.0", "planned_values": {}, "resource_changes": [
        {"address": "azurerm_federated_identity_credential.c", "type": "azurerm_federated_identity_credential", "change": {
            "actions": ["create"], "before": null,
            "after": {"name": "c", "issuer": c["iss"], "audience": [c["aud"]]},
            "after_unknown": {"subject": true, "id": true}}}]});
    let e = evaluate(&plan, "", c.as_object(), NOW);
    assert_eq!(e.verdict, None);
    assert_eq!(
        e.info.decided_by.as_deref(),
        Some("credential `c` (its `subject` is known only after apply)")
    );
    let subject = e.checks.iter().find(|c| c.key == "subject").unwrap();
    assert_eq!(subject.result, Outcome::Unknown);
    assert!(subject
        .explanation
        .starts_with("the credential's `subject` is known only after apply"));
    assert!(e.findings.is_empty(), "{:?}", e.findings);
    // An issuer known only after apply is missing from the planned values: the credential is read all the same.
    let mut no_issuer = plan.clone();
    let change = &mut no_issuer["resource_changes"][0]["change"];
    change["after"].as_object_mut().unwrap().remove("issuer");
    change["after_unknown"] = json!({"issuer": true});
    change["after"]["subject"] = c["sub"].clone();
    assert!(recognize(&no_issuer).is_some());
    let e = evaluate(&no_issuer, "", c.as_object(), NOW);
    assert_eq!(e.verdict, None);
    let unknown: Vec<&str> = e
        .checks
        .iter()
        .filter(|c| c.result == Outcome::Unknown)
        .map(|c| c.key.as_ref())
        .collect();
    assert_eq!(unknown, ["issuer"]);
    // The audience, known and wrong, still fails.
    let mut wrong = plan.clone();
    wrong["resource_changes"][0]["change"]["after"]["audience"] =
        json!(["api://AzureADTokenExchange"]);
    let e = evaluate(&wrong, "", c.as_object(), NOW);
    assert_eq!(e.verdict, Some(Verdict::Deny));
}

/// An issuer pasted with a trailing space looks equal to `iss` in the explanation: the row says what differs.
#[test]
fn whitespace_around_a_value_is_named() {
    let c = claims();
    let iss = c["iss"].as_str().unwrap();
    let cred = json!({"name": "ci", "issuer": format!("{iss} "), "subject": c["sub"], "audiences": [c["aud"]]});
    let e = evaluate(&cred, "", c.as_object(), NOW);
    assert_eq!(e.verdict, Some(Verdict::Deny));
    let issuer = e.checks.iter().find(|c| c.key == "issuer").unwrap();
    assert_eq!(
        issuer.explanation,
        format!("whitespace: the credential's `issuer` (`\"{iss} \"`) and `iss` (`\"{iss}\"`) differ only in spaces or line breaks around them; entra compares exactly.")
    );
}
