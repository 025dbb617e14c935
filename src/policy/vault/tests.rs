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

/// A custom-webhook pipeline's token has no vcs claims: the suggested role pins no branch, and its title says so.
#[test]
fn suggestion_for_a_token_without_vcs_claims_says_project_pinned() {
    let mut c = claims();
    c.as_object_mut()
        .unwrap()
        .remove("oidc.circleci.com/vcs-ref");
    let snippets = suggest(c.as_object().unwrap());
    assert_eq!(
        snippets[1].title,
        "vault: a JWT role this token can log in to (project pinned: this token has no `oidc.circleci.com/vcs-ref` to pin a branch with)"
    );
    assert!(
        !snippets[1].text.contains("vcs-ref"),
        "{}",
        snippets[1].text
    );
    assert_eq!(
        suggest(claims().as_object().unwrap())[1].title,
        "vault: a JWT role this token can log in to (branch pinned; edit the glob to widen it)"
    );
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

#[test]
fn a_bound_claim_finding_points_at_the_claim_in_vault_read_output() {
    // `vault read -format=json auth/jwt/role/circleci`: `"false"` is bound as a string, the token holds a boolean.
    let text = r#"{
  "request_id": "5d2a7c1e-4b1f-8a3c-9e0d-2f6b7a8c9d0e",
  "lease_id": "",
  "lease_duration": 0,
  "renewable": false,
  "data": {
    "bound_audiences": [
      "11111111-1111-1111-1111-111111111111"
    ],
    "bound_claims": {
      "oidc.circleci.com/project-id": "22222222-2222-2222-2222-222222222222",
      "oidc.circleci.com/ssh-rerun": "false"
    },
    "bound_claims_type": "string",
    "role_type": "jwt",
    "token_policies": [
      "deploy"
    ],
    "token_bound_cidrs": [
      "10.0.0.0/8"
    ],
    "user_claim": "sub"
  },
  "warnings": null
}"#;
    let c = claims();
    let e = crate::policy::evaluate(text, c.as_object(), NOW);
    assert_eq!(e.verdict, Some(Verdict::Deny));
    assert_eq!(
        location_of(&e, "vault-bound-claim-type-mismatch"),
        at(12, 7)
    );
    assert_eq!(location_of(&e, "vault-bound-cidrs-not-checked"), at(19, 5));
    // About the token, or about nothing in the role: not located.
    assert_eq!(location_of(&e, "vault-config-not-given"), None);
    assert_eq!(location_of(&e, "vault-first-error"), None);
}

#[test]
fn config_and_role_findings_point_into_their_part() {
    // `{"config": <vault read auth/jwt/config>, "role": <the role>}`, with a V2 token and a role that binds
    // this job's V1 `sub`.
    let mut c = claims();
    let v1 = c["sub"].as_str().unwrap().to_string();
    c["sub"] = json!(format!(
        "{v1}/vcs-origin/github.com/acme/deploy/vcs-ref/refs/heads/main"
    ));
    c["oidc.circleci.com/vcs-origin"] = json!("github.com/acme/deploy");
    let text = format!(
        r#"{{
  "config": {{
    "request_id": "9a8b7c6d-5e4f-3a2b-1c0d-e9f8a7b6c5d4",
    "data": {{
      "bound_issuer": "",
      "jwks_url": "https://oidc.circleci.com/org/11111111-1111-1111-1111-111111111111/.well-known/jwks-pub.json"
    }}
  }},
  "role": {{
    "role_type": "jwt",
    "user_claim": "sub",
    "bound_audiences": ["11111111-1111-1111-1111-111111111111"],
    "bound_subject": "{v1}"
  }}
}}"#
    );
    let e = crate::policy::evaluate(&text, c.as_object(), NOW);
    assert_eq!(e.verdict, Some(Verdict::Deny));
    assert_eq!(location_of(&e, "vault-no-issuer-binding"), at(5, 7));
    assert_eq!(location_of(&e, "sub-expects-v1"), at(13, 5));
}

#[test]
fn lint_findings_point_at_the_field_or_the_role_that_lacks_it() {
    let text = "{\n  \"role_type\": \"oidc\",\n  \"user_claim\": \"sub\",\n  \"bound_claims\": {\n    \"/oidc.circleci.com/project-id\": \"22222222-*\"\n  }\n}";
    let e = crate::policy::evaluate(text, None, NOW);
    assert_eq!(location_of(&e, "vault-role-type-not-jwt"), at(2, 3));
    assert_eq!(
        location_of(&e, "vault-star-in-string-bound-claim"),
        at(5, 5)
    );
    assert_eq!(location_of(&e, "vault-pointer-splits-claim-name"), at(5, 5));
    // No `bound_audiences`: the role itself.
    assert_eq!(location_of(&e, "vault-no-bound-audiences"), at(1, 1));
    let e = crate::policy::evaluate(
        "{\"data\": {\"role_type\": \"jwt\", \"bound_claims\": {}}}",
        None,
        NOW,
    );
    assert_eq!(location_of(&e, "vault-role-unbound"), at(1, 31));
    assert_eq!(location_of(&e, "vault-no-bound-audiences"), at(1, 2));
}

#[test]
fn vault_yaml_output_is_located_in_the_yaml() {
    // `vault read -format=yaml`, and a custom-webhook token (no vcs claims) against a role that pins a branch.
    let text = "request_id: 5d2a7c1e-4b1f-8a3c-9e0d-2f6b7a8c9d0e\nlease_id: \"\"\nlease_duration: 0\nrenewable: false\ndata:\n  bound_audiences:\n  - 11111111-1111-1111-1111-111111111111\n  bound_claims:\n    oidc.circleci.com/project-id: 22222222-2222-2222-2222-222222222222\n    oidc.circleci.com/vcs-ref: refs/heads/main\n  bound_claims_type: string\n  role_type: jwt\n  user_claim: sub\nwarnings: null\n";
    let mut c = claims();
    c.as_object_mut()
        .unwrap()
        .remove("oidc.circleci.com/vcs-ref");
    let e = crate::policy::evaluate(text, c.as_object(), NOW);
    assert!(e
        .info
        .detected
        .as_deref()
        .unwrap()
        .ends_with(", read from YAML"));
    assert_eq!(e.verdict, Some(Verdict::Deny));
    assert_eq!(location_of(&e, "custom-webhook-no-vcs"), at(10, 5));
}

#[test]
fn a_role_in_a_heredoc_is_located_in_the_pasted_command() {
    let role = "{\n  \"role_type\": \"jwt\",\n  \"user_claim\": \"sub\",\n  \"bound_audiences\": [\"11111111-1111-1111-1111-111111111111\"],\n  \"bound_claims\": {\"oidc.circleci.com/ssh-rerun\": \"false\"}\n}";
    let c = claims();
    let alone = crate::policy::evaluate(role, c.as_object(), NOW);
    assert_eq!(
        location_of(&alone, "vault-bound-claim-type-mismatch"),
        at(5, 20)
    );
    // Written to a file for `vault write auth/jwt/role/circleci @role.json`.
    let command = format!("cat > role.json <<'EOF'\n{role}\nEOF\n");
    let e = crate::policy::evaluate(&command, c.as_object(), NOW);
    assert!(e
        .info
        .detected
        .as_deref()
        .unwrap()
        .ends_with(", inside the pasted text"));
    assert_eq!(
        location_of(&e, "vault-bound-claim-type-mismatch"),
        at(6, 20)
    );
    // The role given to `vault write` on its standard input: read the same way (not "a key=value command").
    let command = format!("vault write auth/jwt/role/circleci - <<EOF\n{role}\nEOF\n");
    let e = crate::policy::evaluate(&command, c.as_object(), NOW);
    assert_eq!(e.info.kind, Some(crate::policy::PolicyKind::Vault));
    assert!(!e.unusable, "{:?}", e.findings);
    assert_eq!(
        location_of(&e, "vault-bound-claim-type-mismatch"),
        at(6, 20)
    );
    // `key=value` arguments are read as the role they write (below); a map from a file cannot be.
    let e = crate::policy::evaluate(
        "vault write auth/jwt/role/circleci role_type=jwt user_claim=sub bound_claims=@claims.json",
        c.as_object(),
        NOW,
    );
    assert_eq!(e.findings[0].code, "policy-format-not-supported");
    assert!(e.findings[0]
        .message
        .starts_with("this `vault write` takes values from a file or from stdin"));
    // A map as `key=value` is refused by Vault itself: the fix is the here-document form, which is read.
    let e = crate::policy::evaluate(
        "vault write auth/jwt/role/circleci role_type=jwt user_claim=sub bound_claims='{\"oidc.circleci.com/vcs-ref\":\"refs/heads/main\"}'",
        c.as_object(),
        NOW,
    );
    let f = &e.findings[0];
    assert_eq!(f.code, "policy-format-not-supported");
    assert_eq!(f.message, "this `vault write` gives `bound_claims` or `claim_mappings`, which are maps, as `key=value`: Vault refuses that (it expects a map and gets a string), so it writes no role");
    assert!(f.fix.as_deref().unwrap().starts_with("write the role as JSON on stdin, which claimcheck reads: `vault write auth/<mount>/role/<name> - <<EOF`"));
    // Another path: no role or config is written.
    let e = crate::policy::evaluate(
        "vault write auth/jwt/login role=ci jwt=x",
        c.as_object(),
        NOW,
    );
    assert!(e.findings[0]
        .message
        .starts_with("this `vault write` writes no JWT auth role or config"));
}

#[test]
fn a_vault_write_command_is_the_role_and_config_it_writes() {
    let c = claims();
    let text = "$ vault write auth/jwt/config \\
    oidc_discovery_url=\"https://oidc.circleci.com/org/11111111-1111-1111-1111-111111111111\" \\
    bound_issuer=\"https://oidc.circleci.com/org/11111111-1111-1111-1111-111111111111\"
$ vault write auth/jwt/role/circleci role_type=jwt user_claim=sub \\
    bound_audiences=\"11111111-1111-1111-1111-111111111111,22222222-2222-2222-2222-222222222222\" \\
    bound_subject=\"org/11111111-1111-1111-1111-111111111111/project/22222222-2222-2222-2222-222222222222/user/33333333-3333-3333-3333-333333333333\" \\
    token_policies=ci token_ttl=15m
";
    let e = crate::policy::evaluate(text, c.as_object(), NOW);
    assert_eq!(e.verdict, Some(Verdict::Allow), "{e:#?}");
    assert_eq!(
        e.info.detected.as_deref(),
        Some("vault JWT auth config and role, read from `vault write`'s flags")
    );
    let audiences = e
        .checks
        .iter()
        .find(|c| c.key == "bound_audiences")
        .unwrap();
    assert_eq!(
        audiences.expected,
        json!([
            "11111111-1111-1111-1111-111111111111",
            "22222222-2222-2222-2222-222222222222"
        ])
    );
    // Another user: `bound_subject` fails, located at the argument's value.
    let other = text.replace("user/33333333", "user/44444444");
    let e = crate::policy::evaluate(&other, c.as_object(), NOW);
    assert_eq!(e.verdict, Some(Verdict::Deny));
    let failing: Vec<_> = e
        .checks
        .iter()
        .filter(|c| c.result == Outcome::Fail)
        .map(|c| c.key.as_ref())
        .collect();
    assert_eq!(failing, ["bound_subject"]);
    // The role alone.
    let role_only = text
        .split_once("$ vault write auth/jwt/role")
        .map(|(_, r)| format!("vault write auth/jwt/role{r}"))
        .unwrap();
    let e = crate::policy::evaluate(&role_only, c.as_object(), NOW);
    assert_eq!(e.verdict, Some(Verdict::Allow));
    assert!(e
        .findings
        .iter()
        .any(|f| f.code == "vault-config-not-given"));
}

#[test]
fn a_forked_pull_request_is_named_at_the_bound_repository() {
    let mut c = claims();
    c["oidc.circleci.com/vcs-origin"] = json!("github.com/someone-else/widgets");
    let role = "{\n  \"role_type\": \"jwt\",\n  \"user_claim\": \"sub\",\n  \"bound_audiences\": [\"11111111-1111-1111-1111-111111111111\"],\n  \"bound_claims\": {\"oidc.circleci.com/vcs-origin\": [\"github.com/acme/widgets\"]}\n}";
    let e = crate::policy::evaluate(role, c.as_object(), NOW);
    assert_eq!(e.verdict, Some(Verdict::Deny));
    let f = e
        .findings
        .iter()
        .find(|f| f.code == "vcs-origin-fork")
        .unwrap();
    assert_eq!(
        f.message,
        "the token comes from `github.com/someone-else/widgets`, another owner's repository with the same name as the `github.com/acme/widgets` that bound claim `oidc.circleci.com/vcs-origin` expects, e.g. a fork: CircleCI builds a forked pull request with the fork as `vcs-origin` (and gives it a token only when \"pass secrets to forked pull requests\" is on)"
    );
    assert_eq!(location_of(&e, "vcs-origin-fork"), at(5, 20));
    // Another repository of the same owner, or a glob, is not a fork.
    for bound in ["github.com/acme/other", "github.com/*/widgets"] {
        let role = role.replace("github.com/acme/widgets", bound);
        let e = crate::policy::evaluate(&role, c.as_object(), NOW);
        assert!(
            !e.findings.iter().any(|f| f.code == "vcs-origin-fork"),
            "{bound}"
        );
    }
}

/// Role fields as Vault's field parser reads them: `TypeBool` from a string (`"true"` in a heredoc), and
/// `TypeSignedDurationSecond` from a Go duration (`1m30s`) or days (`1d`).
#[test]
fn role_fields_are_read_as_vault_parses_them() {
    use super::rules::{seconds, vault_bool};
    for (text, want) in [
        ("90", Some(90)),
        ("90s", Some(90)),
        ("1m30s", Some(90)),
        ("1.5m", Some(90)),
        ("1h", Some(3600)),
        ("2d", Some(172_800)),
        ("-5s", Some(-5)),
        ("0", Some(0)),
        ("", Some(0)),
        ("1500ms", Some(1)),
        ("5", Some(5)),
        ("5x", None),
        ("m", None),
        ("1.5d", None),
    ] {
        assert_eq!(seconds(Some(&json!(text))), want, "{text}");
    }
    assert_eq!(seconds(Some(&json!(75))), Some(75));
    for (v, want) in [
        (json!(true), Some(true)),
        (json!("true"), Some(true)),
        (json!("1"), Some(true)),
        (json!("False"), Some(false)),
        (json!(""), Some(false)),
        (json!(0), Some(false)),
        (json!("yes"), None),
    ] {
        assert_eq!(vault_bool(Some(&v)), want, "{v}");
    }

    let c = claims();
    // `user_claim_json_pointer` written as the string "true", as `vault write ... - <<EOF` bodies do.
    let role = json!({"role_type": "jwt", "user_claim": "/oidc.circleci.com~1project-id",
        "user_claim_json_pointer": "true", "bound_audiences": [c["aud"]]});
    let e = evaluate(&role, "", c.as_object(), NOW);
    assert_eq!(e.verdict, Some(Verdict::Allow), "{:#?}", e.checks);
    // A leeway of 1m30s accepts a token 75 s past `exp`; the default 60 s does not.
    let mut role = json!({"role_type": "jwt", "user_claim": "sub", "bound_audiences": [c["aud"]],
        "clock_skew_leeway": "1m30s"});
    let e = evaluate(&role, "", c.as_object(), NOW + 3540 + 75);
    assert_eq!(e.verdict, Some(Verdict::Allow), "{:#?}", e.checks);
    role.as_object_mut().unwrap().remove("clock_skew_leeway");
    let e = evaluate(&role, "", c.as_object(), NOW + 3540 + 75);
    assert_eq!(e.verdict, Some(Verdict::Deny));
}

/// Several failing `bound_claims`: vault checks them in Go map order, so its answer may name any of them.
#[test]
fn several_failing_bound_claims_are_in_no_fixed_order() {
    let c = claims();
    let role = json!({"role_type": "jwt", "user_claim": "sub", "bound_audiences": [c["aud"]],
        "bound_claims": {"oidc.circleci.com/vcs-ref": "refs/heads/prod", "oidc.circleci.com/project-id": "other"}});
    let e = evaluate(&role, "", c.as_object(), NOW);
    assert_eq!(e.verdict, Some(Verdict::Deny));
    assert_eq!(
        e.info.decided_by.as_deref(),
        Some("`bound_claims.oidc.circleci.com/vcs-ref` and 1 other failing check of the same step (vault runs them in no fixed order)")
    );
    let first = crate::policy::test_support::finding(&e, "vault-first-error");
    assert!(first
        .message
        .contains("2 checks of `bound_claims` fail and vault checks them in no fixed order"));
}

/// What vault refuses to write is said so: a glob role with a non-string bound value, a role without
/// `role_type` (then `oidc`) and without `allowed_redirect_uris`. Numbers compare as their JSON text.
#[test]
fn roles_vault_refuses_to_write_and_number_text() {
    let c = claims();
    let glob = json!({"role_type": "jwt", "user_claim": "sub", "bound_audiences": [c["aud"]],
        "bound_claims_type": "glob", "bound_claims": {"oidc.circleci.com/ssh-rerun": false}});
    let e = evaluate(&glob, "", c.as_object(), NOW);
    assert_eq!(e.verdict, Some(Verdict::Deny));
    let row = e
        .checks
        .iter()
        .find(|r| r.key == "bound_claims.oidc.circleci.com/ssh-rerun")
        .unwrap();
    assert!(row.explanation.starts_with("the bound value `false` is not a string: vault refuses to write a role with `bound_claims_type=glob`"), "{}", row.explanation);
    assert!(row.fix.as_deref().unwrap().starts_with("globs match strings only, and the token's `oidc.circleci.com/ssh-rerun` is the boolean `false`"), "{:?}", row.fix);
    let glob_number = json!({"role_type": "jwt", "user_claim": "sub", "bound_audiences": [c["aud"]],
        "bound_claims_type": "glob", "bound_claims": {"oidc.circleci.com/vcs-ref": 7}});
    let e = evaluate(&glob_number, "", c.as_object(), NOW);
    let row = e
        .checks
        .iter()
        .find(|r| r.key == "bound_claims.oidc.circleci.com/vcs-ref")
        .unwrap();
    assert_eq!(row.fix.as_deref(), Some("write every bound value of `oidc.circleci.com/vcs-ref` as a string (`\"7\"`): vault refuses to write a role with `bound_claims_type=glob` and the number `7`."));

    let no_type = json!({"user_claim": "sub", "bound_audiences": [c["aud"]]});
    let e = evaluate(&no_type, "", c.as_object(), NOW);
    let row = e.checks.iter().find(|r| r.key == "role_type").unwrap();
    assert!(row
        .explanation
        .contains("'allowed_redirect_uris' must be set if 'role_type' is 'oidc' or unspecified."));
    let browser = json!({"user_claim": "sub", "bound_audiences": [c["aud"]], "allowed_redirect_uris": ["https://vault/ui"]});
    let e = evaluate(&browser, "", c.as_object(), NOW);
    let row = e.checks.iter().find(|r| r.key == "role_type").unwrap();
    assert!(!row.explanation.contains("allowed_redirect_uris"));

    let mut numeric = c.clone();
    numeric["n"] = json!(1);
    let role = |bound: Value| json!({"role_type": "jwt", "user_claim": "sub", "bound_audiences": [c["aud"]], "bound_claims": {"n": bound}});
    assert_eq!(
        evaluate(&role(json!(1)), "", numeric.as_object(), NOW).verdict,
        Some(Verdict::Allow)
    );
    assert_eq!(
        evaluate(&role(json!(1.0)), "", numeric.as_object(), NOW).verdict,
        Some(Verdict::Deny)
    );
}

/// `vault read -format=json auth/jwt/config` alone: the issuer is checked, and the answer is open because no
/// role was pasted (not because the configuration cannot be evaluated offline).
#[test]
fn the_config_alone_says_the_role_is_missing() {
    let c = claims();
    let config = json!({"request_id": "1", "lease_id": "", "lease_duration": 0, "renewable": false,
        "data": {"bound_issuer": c["iss"], "oidc_discovery_url": c["iss"], "default_role": "circleci",
            "jwt_supported_algs": [], "jwks_url": "", "oidc_client_id": ""}, "warnings": null});
    let e = evaluate(&config, "", c.as_object(), NOW);
    assert_eq!(e.verdict, None, "{:#?}", e.checks);
    assert_eq!(
        e.info.decided_by.as_deref(),
        Some("undecided: the auth config accepts the token's issuer; no role was pasted")
    );
    let f = crate::policy::test_support::finding(&e, "vault-role-not-given");
    assert_eq!(f.message, "only the auth config was pasted: it checks the issuer, but the role the job logs in with decides the rest (audiences, subject, bound claims)");
}

/// With several roles and none accepting, the nearest role (fewest failing checks) is evaluated, not the first:
/// its failure is the likeliest cause. A role whose verdict is open leaves the answer open.
#[test]
fn several_roles_none_accepting_evaluates_the_nearest() {
    let c = claims();
    let role = |name: &str, project: &str, audiences: Value| {
        json!({"type": "vault_jwt_auth_backend_role", "name": name, "values": {
            "backend": "jwt", "role_name": name, "role_type": "jwt", "user_claim": "sub",
            "bound_audiences": audiences, "bound_claims_type": "string",
            "bound_claims": {"oidc.circleci.com/project-id": project}, "token_policies": ["deploy"]}})
    };
    let state = |roles: Vec<Value>| {
        json!({"format_version": "1.0", "terraform_version": "1.9.5", "values": {"root_module": {
            "resources": roles}}})
        .to_string()
    };
    // The other project's role fails twice (audience, project); this project's role only on its audience.
    let text = state(vec![
        role("other", "99999999-9999-9999-9999-999999999999", Value::Null),
        role("mine", "22222222-2222-2222-2222-222222222222", Value::Null),
    ]);
    let e = crate::policy::evaluate(&text, c.as_object(), NOW);
    assert_eq!(e.verdict, Some(Verdict::Deny), "{:#?}", e.checks);
    let several = crate::policy::test_support::finding(&e, "vault-several-roles");
    assert_eq!(several.message, "the input holds 2 roles; claimcheck evaluated `mine` (the nearest: 1 failing check), not `other`");
    let failing: Vec<_> = e
        .checks
        .iter()
        .filter(|c| c.result == Outcome::Fail)
        .map(|c| c.key.as_ref())
        .collect();
    assert_eq!(failing, ["bound_audiences"]);
    // A plan whose role for this project gets its audiences only after apply may accept the token: the answer
    // is open, not the other role's deny.
    let change = |name: &str, project: &str, unknown: bool| {
        let mut after = json!({"backend": "jwt", "role_name": name, "role_type": "jwt", "user_claim": "sub",
            "bound_claims": {"oidc.circleci.com/project-id": project}, "token_policies": ["deploy"]});
        if !unknown {
            after["bound_audiences"] = json!([c["aud"]]);
        }
        json!({"address": format!("vault_jwt_auth_backend_role.{name}"), "mode": "managed",
            "type": "vault_jwt_auth_backend_role", "name": name,
            "change": {"actions": ["create"], "before": null, "after": after,
                "after_unknown": if unknown { json!({"bound_audiences": true}) } else { json!({}) }}})
    };
    let plan = json!({"format_version": "1.2", "terraform_version": "1.9.5", "resource_changes": [
        change("other", "99999999-9999-9999-9999-999999999999", false),
        change("mine", "22222222-2222-2222-2222-222222222222", true)]});
    let e = crate::policy::evaluate(&plan.to_string(), c.as_object(), NOW);
    assert_eq!(e.verdict, None, "{:#?}", e.checks);
    let several = crate::policy::test_support::finding(&e, "vault-several-roles");
    assert_eq!(several.message, "the input holds 2 roles; claimcheck evaluated `mine` (the first whose verdict is open), not `other`");
}

/// Roles in Terraform state (`vault_jwt_auth_backend_role`), with the backend's config: each role read once,
/// the one that accepts the token evaluated, the others named.
#[test]
fn roles_in_terraform_state_are_read_with_their_config() {
    let c = claims();
    let role = |name: &str, branch: &str| {
        json!({"type": "vault_jwt_auth_backend_role", "name": name, "values": {
            "backend": "jwt", "role_name": name, "role_type": "jwt", "user_claim": "sub",
            "bound_audiences": [c["aud"]], "bound_claims_type": "string",
            "bound_claims": {"oidc.circleci.com/vcs-ref": branch}, "token_policies": ["deploy"]}})
    };
    let backend = json!({"type": "vault_jwt_auth_backend", "name": "circleci", "values": {
        "path": "jwt", "type": "jwt", "bound_issuer": c["iss"], "oidc_discovery_url": c["iss"]}});
    let state = json!({"format_version": "1.0", "terraform_version": "1.9.5", "values": {"root_module": {
        "resources": [backend, role("staging", "refs/heads/staging"), role("prod", "refs/heads/main")]}}});
    let text = serde_json::to_string_pretty(&state).unwrap();
    let e = crate::policy::evaluate(&text, c.as_object(), NOW);
    assert_eq!(
        e.info.detected.as_deref(),
        Some("2 vault JWT auth roles in terraform state with its auth config")
    );
    assert_eq!(e.verdict, Some(Verdict::Allow), "{:#?}", e.checks);
    let several = crate::policy::test_support::finding(&e, "vault-several-roles");
    assert_eq!(several.message, "the input holds 2 roles; claimcheck evaluated `prod` (the first that accepts this token), not `staging`");
    // The issuer is checked: the config was found.
    assert!(
        e.checks
            .iter()
            .any(|r| r.key == "bound_issuer" && r.result == Outcome::Pass),
        "{:#?}",
        e.checks
    );

    // Only the staging role: deny, located at its bound claim in the pasted state.
    let state = json!({"terraform_version": "1.9.5", "values": {"root_module": {"resources": [role("staging", "refs/heads/staging")]}}});
    let text = serde_json::to_string_pretty(&state).unwrap();
    let e = crate::policy::evaluate(&text, c.as_object(), NOW);
    assert_eq!(e.verdict, Some(Verdict::Deny));
    assert_eq!(
        e.info.detected.as_deref(),
        Some("vault JWT auth role in terraform state")
    );
    let failing: Vec<&str> = e
        .checks
        .iter()
        .filter(|r| r.result == Outcome::Fail)
        .map(|r| r.key.as_ref())
        .collect();
    assert_eq!(failing, ["bound_claims.oidc.circleci.com/vcs-ref"]);
}

/// Vault refuses a login from outside `token_bound_cidrs`; the job's address is not in the token.
#[test]
fn bound_cidrs_leave_the_verdict_open() {
    let c = claims();
    for key in ["token_bound_cidrs", "bound_cidrs"] {
        let role = json!({"role_type": "jwt", "user_claim": "sub",
            "bound_audiences": ["11111111-1111-1111-1111-111111111111"], key: ["10.0.0.0/8", "192.168.0.0/16"]});
        let e = evaluate(&role, "", c.as_object(), NOW);
        assert_eq!(e.verdict, None, "{key}: {:#?}", e.checks);
        let row = e.checks.iter().find(|r| r.key == key).unwrap();
        assert_eq!(row.result, Outcome::Unknown);
        assert!(
            row.explanation.starts_with(
                "vault accepts a login only from an address in `10.0.0.0/8`, `192.168.0.0/16`"
            ),
            "{}",
            row.explanation
        );
        // What the plugin answers today (logical.ErrPermissionDenied), not its 2018 text.
        assert!(
            row.explanation
                .contains("answers any other with a bare `permission denied` (HTTP 403)"),
            "{}",
            row.explanation
        );
    }
    // Empty: no binding.
    let role = json!({"role_type": "jwt", "user_claim": "sub",
        "bound_audiences": ["11111111-1111-1111-1111-111111111111"], "token_bound_cidrs": []});
    assert_eq!(
        evaluate(&role, "", c.as_object(), NOW).verdict,
        Some(Verdict::Allow)
    );
}

#[test]
fn a_question_mark_in_a_glob_is_named_as_literal() {
    let c = claims();
    let role = json!({"role_type": "jwt", "user_claim": "sub", "bound_claims_type": "glob",
        "bound_audiences": ["11111111-1111-1111-1111-111111111111"],
        "bound_claims": {"oidc.circleci.com/vcs-ref": "refs/heads/?ain"}});
    let e = evaluate(&role, "", c.as_object(), NOW);
    assert_eq!(e.verdict, Some(Verdict::Deny));
    let row = e.checks.iter().find(|r| r.key.contains("vcs-ref")).unwrap();
    assert!(
        row.explanation.contains("`refs/heads/?ain` holds `?`, which is a literal character in vault globs: only `*` is a wildcard."),
        "{}",
        row.explanation
    );
}

/// `bound_claims` that is not a map is no binding claimcheck can read (unknown, never ignored); a numeric
/// `bound_subject` is its text, as vault's weak decoding reads it.
#[test]
fn malformed_role_fields_are_not_ignored() {
    let c = claims();
    let role = json!({"role_type": "jwt", "user_claim": "sub",
        "bound_audiences": ["11111111-1111-1111-1111-111111111111"], "bound_claims": "x=y"});
    let e = evaluate(&role, "", c.as_object(), NOW);
    assert_eq!(e.verdict, None, "{:#?}", e.checks);
    let row = e.checks.iter().find(|r| r.key == "bound_claims").unwrap();
    assert_eq!(row.result, Outcome::Unknown);
    assert!(row
        .explanation
        .starts_with("`bound_claims` is a string here"));
    let role = json!({"role_type": "jwt", "user_claim": "sub",
        "bound_audiences": ["11111111-1111-1111-1111-111111111111"], "bound_subject": 5});
    let e = evaluate(&role, "", c.as_object(), NOW);
    assert_eq!(e.verdict, Some(Verdict::Deny));
    assert!(e
        .checks
        .iter()
        .any(|r| r.key == "bound_subject" && r.result == Outcome::Fail));
}

/// terraform-provider-vault splits a `bound_claims` value at `,`, unless `disable_bound_claims_parsing` is set.
#[test]
fn terraform_splits_bound_claims_at_commas_unless_told_not_to() {
    let c = claims();
    let state = |disable: bool| {
        json!({"version": 4, "terraform_version": "1.7.5", "resources": [{"mode": "managed",
            "type": "vault_jwt_auth_backend_role", "name": "deploy", "instances": [{"attributes": {
                "backend": "jwt", "role_name": "deploy", "role_type": "jwt", "user_claim": "sub",
                "bound_audiences": ["11111111-1111-1111-1111-111111111111"], "bound_claims_type": "string",
                "bound_claims": {"oidc.circleci.com/vcs-ref": "refs/heads/main,refs/heads/dev"},
                "disable_bound_claims_parsing": disable}}]}]})
    };
    assert_eq!(
        evaluate(&state(false), "", c.as_object(), NOW).verdict,
        Some(Verdict::Allow)
    );
    let e = evaluate(&state(true), "", c.as_object(), NOW);
    assert_eq!(e.verdict, Some(Verdict::Deny));
    // The cause is named: one string holding the token's value among commas, and the fix for terraform.
    let f = crate::policy::test_support::finding(&e, "vault-bound-claim-comma");
    assert_eq!(f.message, "bound claim `oidc.circleci.com/vcs-ref` holds the one string `refs/heads/main,refs/heads/dev`: vault compares it whole and does not split it at commas, so the token's `refs/heads/main` never matches it");
    assert_eq!(f.fix.as_deref(), Some("remove `disable_bound_claims_parsing = true`: terraform then sends `refs/heads/main,refs/heads/dev` as the list `[\"refs/heads/main\",\"refs/heads/dev\"]`"));
}

/// A role written through the API (or read back with `vault read`) keeps a comma-joined value as one string.
#[test]
fn a_comma_joined_bound_value_in_a_role_body_is_named() {
    let c = claims();
    let role = json!({"role_type": "jwt", "user_claim": "sub",
        "bound_audiences": ["11111111-1111-1111-1111-111111111111"],
        "bound_claims": {"oidc.circleci.com/vcs-ref": "refs/heads/main, refs/heads/dev"}});
    let e = evaluate(&role, "", c.as_object(), NOW);
    assert_eq!(e.verdict, Some(Verdict::Deny));
    let f = crate::policy::test_support::finding(&e, "vault-bound-claim-comma");
    assert_eq!(
        f.fix.as_deref(),
        Some("bind a list instead of one string: `\"oidc.circleci.com/vcs-ref\": [\"refs/heads/main\",\"refs/heads/dev\"]` (a list admits any of its values)")
    );
    let row = e
        .checks
        .iter()
        .find(|r| r.key == "bound_claims.oidc.circleci.com/vcs-ref")
        .unwrap();
    assert_eq!(row.fix, f.fix);
    // A comma-joined value that holds no value of the token is an ordinary mismatch.
    let role = json!({"role_type": "jwt", "user_claim": "sub",
        "bound_audiences": ["11111111-1111-1111-1111-111111111111"],
        "bound_claims": {"oidc.circleci.com/vcs-ref": "refs/heads/dev,refs/heads/qa"}});
    let e = evaluate(&role, "", c.as_object(), NOW);
    assert!(!e
        .findings
        .iter()
        .any(|f| f.code == "vault-bound-claim-comma"));
}

/// A role is read with the auth backend mounted at its `backend`, not with whichever backend the state holds.
#[test]
fn a_role_is_read_with_the_backend_it_is_mounted_on() {
    let c = claims();
    let backend = |path: &str, issuer: &str| {
        json!({"mode": "managed", "type": "vault_jwt_auth_backend", "name": path, "instances": [{"attributes": {
            "path": path, "type": "jwt", "bound_issuer": issuer,
            "oidc_discovery_url": issuer}}]})
    };
    let role = json!({"mode": "managed", "type": "vault_jwt_auth_backend_role", "name": "deploy", "instances": [{"attributes": {
        "backend": "circleci", "role_name": "deploy", "role_type": "jwt", "user_claim": "sub",
        "bound_audiences": ["11111111-1111-1111-1111-111111111111"]}}]});
    let ours = backend("circleci", c["iss"].as_str().unwrap());
    let github = backend("github", "https://token.actions.githubusercontent.com");
    let state = |resources: Value| json!({"version": 4, "terraform_version": "1.7.5", "resources": resources});
    let e = evaluate(&state(json!([github, ours, role])), "", c.as_object(), NOW);
    assert_eq!(e.verdict, Some(Verdict::Allow), "{:#?}", e.checks);
    assert!(e
        .info
        .detected
        .as_deref()
        .unwrap()
        .ends_with("with its auth config"));
    // Only another mount's backend: the role's config was not pasted.
    let e = evaluate(&state(json!([github, role])), "", c.as_object(), NOW);
    assert_eq!(e.verdict, Some(Verdict::Allow), "{:#?}", e.checks);
    assert!(e
        .findings
        .iter()
        .any(|f| f.code == "vault-config-not-given"));
}

/// A Terraform plan's field known only after apply (`after_unknown`) holds a value the plan does not show: its
/// row is unknown and says so, and nothing is said or predicted from its absence (no "binds no audience", no
/// vault error for a missing `user_claim`). A known field that fails still fails, and vault's answer is
/// qualified by the pending checks it runs before.
#[test]
fn fields_known_only_after_apply_are_unknown_not_missing() {
    let c = claims();
    let plan = |after: Value, unknown: Value| {
        json!({"format_version": "1.2", "terraform_version": "1.7.0", "planned_values": {}, "resource_changes": [
            {"address": "vault_jwt_auth_backend_role.ci", "type": "vault_jwt_auth_backend_role", "change": {
                "actions": ["create"], "before": null, "after": after, "after_unknown": unknown}}]})
    };
    let role = json!({"role_name": "ci", "role_type": "jwt", "user_claim": "sub",
        "bound_claims": {"oidc.circleci.com/project-id": "22222222-2222-2222-2222-222222222222"}});
    let e = evaluate(
        &plan(role.clone(), json!({"bound_audiences": true})),
        "",
        c.as_object(),
        NOW,
    );
    assert_eq!(e.verdict, None);
    let aud = e
        .checks
        .iter()
        .find(|c| c.key == "bound_audiences")
        .unwrap();
    assert_eq!(aud.result, Outcome::Unknown);
    assert_eq!(aud.explanation, "`bound_audiences` is known only after apply (the plan computes it from something it creates), so what vault compares here is unknown; it is not missing.");
    let codes: Vec<&str> = e.findings.iter().map(|f| f.code).collect();
    assert_eq!(codes, ["vault-config-not-given"]);

    let mut no_user = role.clone();
    no_user.as_object_mut().unwrap().remove("user_claim");
    let e = evaluate(
        &plan(
            no_user,
            json!({"user_claim": true, "bound_audiences": [true]}),
        ),
        "",
        c.as_object(),
        NOW,
    );
    assert_eq!(e.verdict, None);
    let unknown: Vec<&str> = e
        .checks
        .iter()
        .filter(|c| c.result == Outcome::Unknown)
        .map(|c| c.key.as_ref())
        .collect();
    assert_eq!(unknown, ["bound_audiences", "user_claim"]);
    assert!(!e.checks.iter().any(|c| c.result == Outcome::Fail));
    assert!(!e.findings.iter().any(|f| f.code == "vault-first-error"));

    // role_type, bound_claims unknown: no "oidc by default" error, no "unbound role" warning.
    let mut bare = role.clone();
    let fields = bare.as_object_mut().unwrap();
    fields.remove("role_type");
    fields.remove("bound_claims");
    let e = evaluate(
        &plan(
            bare,
            json!({"role_type": true, "bound_claims": {"x": true}, "bound_audiences": true}),
        ),
        "",
        c.as_object(),
        NOW,
    );
    assert_eq!(e.verdict, None);
    let codes: Vec<&str> = e.findings.iter().map(|f| f.code).collect();
    assert_eq!(codes, ["vault-config-not-given"]);

    // A known failure still denies; vault's answer holds only if the pending audience check passes.
    let mut other = role;
    other["bound_claims"] = json!({"oidc.circleci.com/project-id": "other"});
    let e = evaluate(
        &plan(other, json!({"bound_audiences": true})),
        "",
        c.as_object(),
        NOW,
    );
    assert_eq!(e.verdict, Some(Verdict::Deny));
    let first = crate::policy::test_support::finding(&e, "vault-first-error");
    assert!(
        first.message.ends_with(
            "does not match any associated bound claim values` (if `bound_audiences`, known only after apply, passes)"
        ),
        "{}",
        first.message
    );
}

/// Numbers as vault compares them: a numeric claim read whole becomes the json.Number of its value (`1.0` is
/// `1`), the role's bound number keeps its text (`1.0` is not `1`), and a number inside a list claim is a Go
/// float64 that equals no bound number.
#[test]
fn numeric_claims_are_compared_as_vault_normalises_them() {
    let verdict = |claim: Value, bound: Value| {
        let mut c = claims();
        c["n"] = claim;
        let role = json!({"role_type": "jwt", "user_claim": "sub", "bound_audiences": [c["aud"]], "bound_claims": {"n": bound}});
        let e = evaluate(&role, "", c.as_object(), NOW);
        let row = e.checks.iter().find(|c| c.key == "bound_claims.n").unwrap();
        (e.verdict, row.explanation.clone())
    };
    assert_eq!(verdict(json!(1.0), json!(1)).0, Some(Verdict::Allow));
    assert_eq!(verdict(json!(1), json!(1)).0, Some(Verdict::Allow));
    assert_eq!(verdict(json!(1.5), json!(1.5)).0, Some(Verdict::Allow));
    assert_eq!(verdict(json!(2.0), json!([3, 2])).0, Some(Verdict::Allow));
    let (v, why) = verdict(json!(1), json!(1.0));
    assert_eq!(v, Some(Verdict::Deny));
    assert!(
        why.contains("vault compares a bound number as written: `1.0` is not the claim's `1`."),
        "{why}"
    );
    let (v, why) = verdict(json!([1, 2]), json!(1));
    assert_eq!(v, Some(Verdict::Deny));
    assert!(
        why.contains("a number in a list claim matches no bound number"),
        "{why}"
    );
    // Strings and booleans in a list still match.
    assert_eq!(
        verdict(json!(["a", "b"]), json!("b")).0,
        Some(Verdict::Allow)
    );
}

/// The auth config's `jwt_supported_algs` must list the token header's `alg` (vault checks it right after the
/// signature, before `iss`); without the header, the `RS256` CircleCI signs with is taken, and the row says so.
#[test]
fn jwt_supported_algs_must_list_the_tokens_alg() {
    let c = claims();
    let doc = |algs: Value, issuer: &str| {
        json!({"config": {"bound_issuer": issuer, "jwt_supported_algs": algs},
               "role": {"role_type": "jwt", "user_claim": "sub", "bound_audiences": [c["aud"]]}})
    };
    let iss = c["iss"].as_str().unwrap();
    let row = |e: &crate::policy::Evaluation| {
        e.checks
            .iter()
            .find(|c| c.key == "jwt_supported_algs")
            .cloned()
    };
    let e = evaluate(&doc(json!(["ES256", "ES384"]), iss), "", c.as_object(), NOW);
    assert_eq!(e.verdict, Some(Verdict::Deny));
    let r = row(&e).unwrap();
    assert_eq!(r.result, Outcome::Fail);
    assert_eq!(r.explanation, "CircleCI signs its tokens with `RS256` (the token's header was not read here), which is not in the config's `jwt_supported_algs` (`ES256`, `ES384`): vault checks the algorithm right after the signature. vault returns `error validating token: invalid algorithm (alg) header parameter: token signed with unexpected algorithm`.");
    assert!(r.fix.unwrap().starts_with(
        "add `RS256` to `jwt_supported_algs` in `auth/jwt/config`, or leave it empty"
    ));
    // Before `iss`: with both failing, vault answers with the algorithm.
    let e = super::evaluate_with_alg(
        &doc(json!("ES256,ES384"), "https://other"),
        "",
        c.as_object(),
        NOW,
        Some("RS256"),
    );
    assert_eq!(
        e.info.decided_by.as_deref(),
        Some("`jwt_supported_algs` (the first check vault runs that fails)")
    );
    assert!(row(&e)
        .unwrap()
        .explanation
        .starts_with("the token is signed with `RS256` (its header's `alg`), which is not in"));
    // The header's own alg decides when it is given.
    let e = super::evaluate_with_alg(
        &doc(json!(["ES256"]), iss),
        "",
        c.as_object(),
        NOW,
        Some("ES256"),
    );
    assert_eq!(e.verdict, Some(Verdict::Allow));
    let e = super::evaluate_with_alg(
        &doc(json!(["RS256"]), iss),
        "",
        c.as_object(),
        NOW,
        Some("ES256"),
    );
    assert_eq!(e.verdict, Some(Verdict::Deny));
    let e = evaluate(&doc(json!(["RS256"]), iss), "", c.as_object(), NOW);
    assert_eq!(e.verdict, Some(Verdict::Allow));
    assert_eq!(row(&e).unwrap().result, Outcome::Pass);
    // Not set: vault accepts RS256..EdDSA, and no row is shown.
    let e = evaluate(&doc(json!([]), iss), "", c.as_object(), NOW);
    assert_eq!(e.verdict, Some(Verdict::Allow));
    assert!(row(&e).is_none());
}

/// The time rows say where a time vault makes up comes from: an `nbf` from `exp` minus `not_before_leeway` when
/// the token has neither `nbf` nor `iat`, and that `expiration_leeway` does not extend an expired token's `exp`.
#[test]
fn time_rows_say_where_a_made_up_time_comes_from() {
    let mut c = claims();
    let fields = c.as_object_mut().unwrap();
    fields.remove("iat");
    let role = json!({"role_type": "jwt", "user_claim": "sub", "bound_audiences": ["11111111-1111-1111-1111-111111111111"]});
    let e = evaluate(&role, "", c.as_object(), NOW - 4000);
    let nbf = e.checks.iter().find(|c| c.key == "nbf").unwrap();
    assert_eq!(nbf.result, Outcome::Fail);
    assert!(
        nbf.explanation.starts_with(
            "the token is not valid before 2025-11-24T16:56:30Z (no `nbf` or `iat`: vault takes `exp` minus `not_before_leeway`, 150 s), "
        ),
        "{}",
        nbf.explanation
    );
    let mut leeway = role.clone();
    leeway["expiration_leeway"] = json!(300);
    let e = evaluate(&leeway, "", c.as_object(), NOW + 3540 + 120);
    let exp = e.checks.iter().find(|c| c.key == "exp").unwrap();
    assert_eq!(exp.result, Outcome::Fail);
    assert!(
        exp.explanation.contains("more than vault's clock-skew leeway of 60 s. the role's `expiration_leeway` applies only to a token without `exp`; `clock_skew_leeway` widens this check."),
        "{}",
        exp.explanation
    );
}

/// A glob that matches the claim only when letter case is ignored (an owner written `My-Org`) says so.
#[test]
fn a_glob_matching_only_without_letter_case_says_so() {
    let mut c = claims();
    c["oidc.circleci.com/vcs-origin"] = json!("github.com/my-org/my-repo");
    let role = json!({"role_type": "jwt", "user_claim": "sub", "bound_audiences": [c["aud"]],
        "bound_claims_type": "glob", "bound_claims": {"oidc.circleci.com/vcs-origin": "github.com/My-Org/*"}});
    let e = evaluate(&role, "", c.as_object(), NOW);
    assert_eq!(e.verdict, Some(Verdict::Deny));
    let row = e
        .checks
        .iter()
        .find(|c| c.key == "bound_claims.oidc.circleci.com/vcs-origin")
        .unwrap();
    assert!(
        row.explanation.contains(" the glob `github.com/My-Org/*` matches `github.com/my-org/my-repo` only when letter case is ignored; globs are case-sensitive."),
        "{}",
        row.explanation
    );
}

/// `vault read`'s default table output, as a terminal shows it (the command line first).
fn table(rows: &str) -> String {
    format!("$ vault read auth/jwt/role/circleci\nKey                        Value\n---                        -----\n{rows}")
}

#[test]
fn table_output_is_evaluated_with_the_fields_it_prints() {
    let c = claims();
    let text = table(
        "bound_audiences            [11111111-1111-1111-1111-111111111111]
bound_claims               map[oidc.circleci.com/project-id:22222222-2222-2222-2222-222222222222 oidc.circleci.com/vcs-ref:[refs/heads/main refs/heads/release]]
bound_claims_type          string
bound_subject              n/a
claim_mappings             <nil>
role_type                  jwt
token_policies             [default circleci]
token_ttl                  1h
user_claim                 sub
",
    );
    let e = crate::policy::evaluate(&text, c.as_object(), NOW);
    assert_eq!(e.verdict, Some(Verdict::Allow), "{:#?}", e);
    assert_eq!(
        e.info.detected.as_deref(),
        Some("vault JWT auth role (`vault read` table output)")
    );
    let read = e
        .findings
        .iter()
        .find(|f| f.code == "policy-table-read")
        .unwrap();
    assert_eq!(read.severity, crate::report::Severity::Info);

    // A failing bound claim is located in the table: its line, at the entry.
    let text = text.replace("refs/heads/main refs", "main refs");
    let e = crate::policy::evaluate(&text, c.as_object(), NOW);
    assert_eq!(e.verdict, Some(Verdict::Deny));
    let failing: Vec<_> = e
        .checks
        .iter()
        .filter(|c| c.result == Outcome::Fail)
        .map(|c| (c.key.as_ref(), c.expected.clone()))
        .collect();
    assert_eq!(
        failing,
        [(
            "bound_claims.oidc.circleci.com/vcs-ref",
            json!(["main", "refs/heads/release"])
        )]
    );
    let short = e
        .findings
        .iter()
        .find(|f| f.code == "vcs-ref-short-name")
        .unwrap();
    assert_eq!(
        short.location,
        Some(crate::report::Location {
            line: 5,
            column: 28 + 4 + 66
        })
    );
}

#[test]
fn a_table_value_whose_lost_type_decides_is_unknown() {
    let c = claims();
    // The token's `ssh-rerun` is the boolean `false`; the table prints `false` for the string and the boolean.
    let rows = "bound_audiences            [11111111-1111-1111-1111-111111111111]
bound_claims               map[oidc.circleci.com/ssh-rerun:false]
role_type                  jwt
user_claim                 sub
";
    let e = crate::policy::evaluate(&table(rows), c.as_object(), NOW);
    assert_eq!(e.verdict, None, "{:#?}", e);
    assert!(e
        .info
        .decided_by
        .as_deref()
        .unwrap()
        .starts_with("undecided: the role's `bound_claims` hold a value"));
    let row = e
        .checks
        .iter()
        .find(|c| c.key == "bound_claims.oidc.circleci.com/ssh-rerun")
        .unwrap();
    assert_eq!(row.result, Outcome::Unknown);
    assert!(row.explanation.contains(
        "read as a string, this check would fail; read as the JSON value, it would pass"
    ));
    let codes: Vec<_> = e.findings.iter().map(|f| f.code).collect();
    assert!(codes.contains(&"policy-table-read"), "{codes:?}");
    // What only the string reading concludes is not reported as known.
    assert!(
        !codes.contains(&"vault-bound-claim-type-mismatch"),
        "{codes:?}"
    );
    assert!(!codes.contains(&"vault-first-error"), "{codes:?}");

    // When another check fails anyway, both readings deny: the verdict stands.
    let late = crate::policy::evaluate(&table(rows), c.as_object(), NOW + 7200);
    assert_eq!(late.verdict, Some(Verdict::Deny));
    // A boolean the claim does not hold in either type decides nothing either way.
    let e = crate::policy::evaluate(
        &table(&rows.replace(":false]", ":true]")),
        c.as_object(),
        NOW,
    );
    assert_eq!(e.verdict, Some(Verdict::Deny));
    let read = e
        .findings
        .iter()
        .find(|f| f.code == "policy-table-read")
        .unwrap();
    assert!(
        read.message.contains("both readings give the same result"),
        "{}",
        read.message
    );
}

#[test]
fn a_config_table_and_a_role_table_pasted_together() {
    let c = claims();
    let text = format!(
        "$ vault read auth/jwt/config
Key                       Value
---                       -----
bound_issuer              https://oidc.circleci.com/org/99999999-1111-1111-1111-111111111111
jwt_supported_algs        []
oidc_discovery_url        https://oidc.circleci.com/org/99999999-1111-1111-1111-111111111111

{}",
        table("bound_audiences   [11111111-1111-1111-1111-111111111111]\nrole_type   jwt\nuser_claim   sub\nbound_subject   n/a\n")
    );
    let e = crate::policy::evaluate(&text, c.as_object(), NOW);
    assert_eq!(e.verdict, Some(Verdict::Deny), "{:#?}", e);
    assert_eq!(
        e.info.detected.as_deref(),
        Some("vault JWT auth config and role (`vault read` table outputs)")
    );
    assert!(e
        .checks
        .iter()
        .any(|c| c.key == "bound_issuer" && c.result == Outcome::Fail));
}

#[test]
fn time_rows_show_the_bounds_as_dates() {
    let role = json!({"role_type": "jwt", "user_claim": "sub", "bound_audiences": ["11111111-1111-1111-1111-111111111111"]});
    let c = claims();
    let e = evaluate(&role, "", c.as_object(), NOW);
    let row = |key: &str| e.checks.iter().find(|c| c.key == key).unwrap();
    // `exp` must be after the evaluation time less vault's 60 s clock skew; `nbf`/`iat` before it plus the skew.
    assert_eq!(row("exp").expected, json!("2025-11-24T15:59:00Z"));
    assert_eq!(row("exp").actual, json!(NOW + 3540));
    assert_eq!(row("nbf").expected, json!("2025-11-24T16:01:00Z"));
    assert_eq!(row("iat").expected, json!("2025-11-24T16:01:00Z"));
}
