use serde_json::{json, Map, Value};

use super::*;
use crate::circleci::parse_sub_with;

const ORG: &str = "1f0c8e9a-2b3d-4c5e-8f70-112233445566";
const PROJECT: &str = "3e9d6a41-7b2c-4f18-9d0e-aabbccddeeff";
const USER: &str = "5c2b9f30-1a4e-4d6b-8c7f-001122334455";
const IAT: i64 = 1_795_652_557;
const NOW: i64 = IAT + 600;

fn v1() -> String {
    format!("org/{ORG}/project/{PROJECT}/user/{USER}")
}

fn header() -> Map<String, Value> {
    json!({"alg": "RS256", "kid": "8bd4c2c5-6e1a-4f3b-9a77-2f7d1c0e4a11", "typ": "JWT"})
        .as_object()
        .unwrap()
        .clone()
}

fn claims() -> Map<String, Value> {
    json!({
        "iss": format!("https://oidc.circleci.com/org/{ORG}"),
        "sub": format!("{}/vcs-origin/github.com/acme/api/vcs-ref/refs/heads/main", v1()),
        "aud": ORG,
        "exp": IAT + 3600,
        "iat": IAT,
        "oidc.circleci.com/org-id": ORG,
        "oidc.circleci.com/project-id": PROJECT,
        "oidc.circleci.com/pipeline-id": "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
        "oidc.circleci.com/pipeline-definition-id": "6d5c4b3a-2f1e-4d0c-9b8a-7f6e5d4c3b2a",
        "oidc.circleci.com/workflow-id": "9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a",
        "oidc.circleci.com/job-id": "2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e",
        "oidc.circleci.com/context-ids": ["7c6b5a49-3827-4165-9f4e-3d2c1b0a9f8e"],
        "oidc.circleci.com/vcs-origin": "github.com/acme/api",
        "oidc.circleci.com/vcs-ref": "refs/heads/main",
        "oidc.circleci.com/ssh-rerun": false
    })
    .as_object()
    .unwrap()
    .clone()
}

fn run_at(h: &Map<String, Value>, c: &Map<String, Value>, now: i64) -> Vec<Finding> {
    let sub = c
        .get("sub")
        .and_then(Value::as_str)
        .map(|s| parse_sub_with(s, Some(c)));
    check(Some(h), Some(c), sub.as_ref(), now)
}

fn codes_of(h: &Map<String, Value>, c: &Map<String, Value>, now: i64) -> Vec<&'static str> {
    run_at(h, c, now).iter().map(|f| f.code).collect()
}

fn with(edit: impl FnOnce(&mut Map<String, Value>)) -> Vec<&'static str> {
    let mut c = claims();
    edit(&mut c);
    codes_of(&header(), &c, NOW)
}

fn message(edit: impl FnOnce(&mut Map<String, Value>), code: &str) -> String {
    let mut c = claims();
    edit(&mut c);
    run_at(&header(), &c, NOW)
        .into_iter()
        .find(|f| f.code == code)
        .map(|f| f.message)
        .unwrap_or_default()
}

fn analyze_fix(edit: impl FnOnce(&mut Map<String, Value>), code: &str) -> String {
    let mut c = claims();
    edit(&mut c);
    run_at(&header(), &c, NOW)
        .into_iter()
        .find(|f| f.code == code)
        .and_then(|f| f.fix)
        .unwrap_or_default()
}

fn set(c: &mut Map<String, Value>, k: &str, v: Value) {
    c.insert(k.to_string(), v);
}

#[test]
fn a_good_v2_token_has_no_findings() {
    assert_eq!(codes_of(&header(), &claims(), NOW), Vec::<&str>::new());
}

#[test]
fn every_message_is_lowercase_with_a_fix() {
    let mut c = claims();
    set(&mut c, "iss", json!("http://Example.com/x/"));
    set(&mut c, "aud", json!([]));
    let mut h = header();
    h.remove("kid");
    for f in run_at(&h, &c, NOW + 99_999) {
        assert!(
            f.message.starts_with(|ch: char| !ch.is_uppercase()),
            "{}",
            f.message
        );
        assert!(f.fix.is_some(), "{}", f.code);
    }
}

#[test]
fn header_alg_and_kid() {
    let mut h = header();
    h.insert("alg".into(), json!("none"));
    assert_eq!(codes_of(&h, &claims(), NOW), ["token-alg-none"]);
    h.insert("alg".into(), json!("HS256"));
    assert_eq!(codes_of(&h, &claims(), NOW), ["token-alg-unexpected"]);
    h.remove("alg");
    assert_eq!(codes_of(&h, &claims(), NOW), ["token-alg-missing"]);
    let mut h = header();
    h.remove("kid");
    assert_eq!(codes_of(&h, &claims(), NOW), ["token-kid-missing"]);
    h.insert("kid".into(), json!(""));
    assert_eq!(codes_of(&h, &claims(), NOW), ["token-kid-missing"]);
    let mut h = header();
    h.insert("typ".into(), json!("at+jwt"));
    assert_eq!(codes_of(&h, &claims(), NOW), ["token-typ-unusual"]);
    h.insert("typ".into(), json!("jwt"));
    assert_eq!(codes_of(&h, &claims(), NOW), Vec::<&str>::new());
    h.remove("typ");
    assert_eq!(codes_of(&h, &claims(), NOW), Vec::<&str>::new());
}

#[test]
fn expiry_and_validity_windows() {
    let (h, c) = (header(), claims());
    assert_eq!(codes_of(&h, &c, IAT + 3599), Vec::<&str>::new());
    assert_eq!(codes_of(&h, &c, IAT + 3600), ["token-expired"]);
    let f = run_at(&h, &c, IAT + 3600 + 7200);
    assert_eq!(
        f[0].message,
        "the token expired at `2026-11-26 01:22:37 UTC`, 2 h before the evaluation time `2026-11-26 03:22:37 UTC`"
    );
    assert_eq!(codes_of(&h, &c, IAT - 60), ["token-issued-in-future"]);
    assert_eq!(
        with(|c| set(c, "nbf", json!(NOW + 300))),
        ["token-not-yet-valid"]
    );
    assert_eq!(with(|c| set(c, "nbf", json!(NOW))), Vec::<&str>::new());
}

#[test]
fn fractional_times_are_compared_as_they_are() {
    // RFC 7519: a NumericDate may have a fraction; the token is valid while now < exp, not before nbf.
    let half = |t: i64| json!(t as f64 + 0.5);
    assert!(!with(|c| set(c, "exp", half(NOW))).contains(&"token-expired"));
    assert!(with(|c| set(c, "exp", half(NOW - 1))).contains(&"token-expired"));
    assert!(with(|c| set(c, "nbf", half(NOW))).contains(&"token-not-yet-valid"));
    assert!(!with(|c| set(c, "nbf", half(NOW - 1))).contains(&"token-not-yet-valid"));
    assert!(with(|c| set(c, "iat", half(NOW))).contains(&"token-issued-in-future"));
}

#[test]
fn times_out_of_range_are_named_not_taken_for_absent() {
    assert_eq!(
        message(|c| set(c, "exp", json!(1e20)), "time-out-of-range"),
        "`exp` is `1e+20`, later than any time claimcheck reads (about 292 billion years from \
         1970): no check of `exp` can be decided"
    );
    assert_eq!(with(|c| set(c, "exp", json!(1e20))), ["time-out-of-range"]);
    assert_eq!(
        with(|c| set(c, "exp", json!(-1e20))),
        ["time-out-of-range", "token-expired"]
    );
    assert_eq!(
        message(|c| set(c, "exp", json!(-1e20)), "token-expired"),
        "the token expired at `-1e+20` (`exp`), long before the evaluation time `2026-11-26 00:32:37 UTC`"
    );
    assert_eq!(
        with(|c| set(c, "nbf", json!(1.7976931348623157e308))),
        ["time-out-of-range", "token-not-yet-valid"]
    );
    assert_eq!(with(|c| set(c, "iat", json!(-1e30))), ["time-out-of-range"]);
}

#[test]
fn lifetimes() {
    assert_eq!(
        with(|c| set(c, "exp", json!(IAT))),
        ["token-expired", "token-lifetime-invalid"]
    );
    assert_eq!(
        with(|c| set(c, "exp", json!(IAT + 7200))),
        ["token-lifetime-unusual"]
    );
    assert_eq!(
        message(
            |c| set(c, "exp", json!(IAT + 7200)),
            "token-lifetime-unusual"
        ),
        "the token lives 2 h (`exp - iat`); CircleCI cloud tokens live 1 h unless the org or project sets another \
         `ttl` (CircleCI API v2 `oidc-custom-claims`)"
    );
    // An expired token's fix does not promise a 1 h lifetime either.
    let expired = analyze_fix(|c| set(c, "exp", json!(NOW - 5)), "token-expired");
    assert!(
        expired.contains(
            "CircleCI tokens live 1 h by default (an org or project `ttl` may change it)"
        ),
        "{expired}"
    );
    // An org or project `ttl` is a legitimate setting: the fix says so before suspecting the token.
    let lifetime = analyze_fix(
        |c| set(c, "exp", json!(IAT + 7200)),
        "token-lifetime-unusual",
    );
    assert!(
        lifetime.starts_with("fine if your org or project sets a custom `ttl`"),
        "{lifetime}"
    );
    let server = |c: &mut Map<String, Value>| {
        set(
            c,
            "iss",
            json!(format!("https://circleci.acme.internal/org/{ORG}")),
        )
    };
    assert_eq!(with(server), ["iss-server"]);
    let long = with(|c| {
        server(c);
        set(c, "exp", json!(IAT + 6 * 3600));
    });
    assert_eq!(long, ["token-lifetime-unusual", "iss-server"]);
    let ok = with(|c| {
        server(c);
        set(c, "exp", json!(IAT + 5 * 3600));
    });
    assert_eq!(ok, ["iss-server"]);
}

#[test]
fn wrong_types_and_missing_claims() {
    assert_eq!(
        with(|c| set(c, "exp", json!("1795656157"))),
        ["claim-wrong-type"]
    );
    assert_eq!(
        message(|c| set(c, "exp", json!("1795656157")), "claim-wrong-type"),
        "`exp` is a string, but it must be a number of seconds since 1970"
    );
    assert_eq!(
        with(|c| set(c, "oidc.circleci.com/ssh-rerun", json!("true"))),
        ["claim-wrong-type"]
    );
    assert_eq!(
        with(|c| set(c, "aud", json!([ORG, 5]))),
        ["claim-wrong-type"]
    );
    assert_eq!(
        with(|c| {
            c.remove("exp");
        }),
        ["claim-missing"]
    );
    let m = message(
        |c| {
            c.remove("oidc.circleci.com/project-id");
        },
        "claim-missing",
    );
    assert_eq!(
        m,
        "the token has no `oidc.circleci.com/project-id` claim, which CircleCI always sets"
    );
    // Claims added later (org-id in 2025): a token from before, or from server, lacks them; only noted.
    let old_token = |c: &mut Map<String, Value>| {
        for k in [
            "oidc.circleci.com/org-id",
            "oidc.circleci.com/pipeline-id",
            "oidc.circleci.com/workflow-id",
            "oidc.circleci.com/job-id",
        ] {
            c.remove(k);
        }
    };
    let mut c = claims();
    old_token(&mut c);
    let found = run_at(&header(), &c, NOW);
    assert_eq!(found.len(), 4, "{found:?}");
    assert!(found
        .iter()
        .all(|f| f.code == "claim-missing" && f.severity == Severity::Info));
    assert_eq!(
        message(old_token, "claim-missing"),
        "the token has no `oidc.circleci.com/org-id` claim: recent CircleCI cloud tokens carry it, older tokens and \
         CircleCI server tokens may not"
    );
    // Claims CircleCI may legitimately omit are not required.
    assert_eq!(
        with(|c| {
            c.remove("oidc.circleci.com/context-ids");
            c.remove("oidc.circleci.com/ssh-rerun");
        }),
        Vec::<&str>::new()
    );
}

#[test]
fn non_circleci_tokens_are_named_once() {
    let c = json!({"iss": "https://token.actions.githubusercontent.com", "sub": "repo:o/r:ref:refs/heads/main", "aud": "sts.amazonaws.com", "exp": NOW + 60, "iat": NOW - 60})
        .as_object().unwrap().clone();
    let codes = codes_of(&header(), &c, NOW);
    assert_eq!(
        codes,
        ["token-not-circleci", "iss-unrecognized", "sub-unrecognized"]
    );
}

#[test]
fn the_cloud_host_written_otherwise_is_no_server() {
    for host in ["OIDC.circleci.com", "oidc.circleci.com:443"] {
        let iss = format!("https://{host}/org/{ORG}");
        assert_eq!(
            with(|c| set(c, "iss", json!(iss))),
            ["iss-unrecognized"],
            "{host}"
        );
        let m = message(|c| set(c, "iss", json!(iss)), "iss-unrecognized");
        assert!(
            m.starts_with(&format!("`iss` names the host `{host}`: CircleCI cloud's `oidc.circleci.com` written otherwise")),
            "{m}"
        );
    }
}

#[test]
fn issuer_forms() {
    assert_eq!(
        with(|c| set(
            c,
            "iss",
            json!(format!("http://oidc.circleci.com/org/{ORG}"))
        )),
        ["iss-not-https"]
    );
    assert_eq!(
        with(|c| set(
            c,
            "iss",
            json!(format!("https://oidc.circleci.com/org/{ORG}/"))
        )),
        ["iss-trailing-slash"]
    );
    assert_eq!(
        with(|c| set(c, "iss", json!("https://oidc.circleci.com"))),
        ["iss-root-issuer"]
    );
    assert_eq!(
        with(|c| set(c, "iss", json!("https://oidc.circleci.com/"))),
        ["iss-trailing-slash", "iss-root-issuer"]
    );
    assert_eq!(
        with(|c| set(c, "iss", json!("https://oidc.circleci.com/orgs/x"))),
        ["iss-unrecognized"]
    );
    assert_eq!(
        with(|c| set(c, "iss", json!("oidc.circleci.com"))),
        ["iss-unrecognized"]
    );
}

#[test]
fn org_consistency() {
    let other = "aaaaaaaa-2b3d-4c5e-8f70-112233445566";
    assert_eq!(
        with(|c| set(
            c,
            "iss",
            json!(format!("https://oidc.circleci.com/org/{other}"))
        )),
        ["org-mismatch"]
    );
    assert_eq!(
        message(|c| set(c, "oidc.circleci.com/org-id", json!(other)), "org-mismatch"),
        format!("the org in `oidc.circleci.com/org-id` (`{other}`) differs from the org in `sub` (`{ORG}`)")
    );
    // A project ID in the org's place: not a UUID is fine, but the mismatch is caught.
    let codes = with(|c| {
        set(c, "iss", json!("https://oidc.circleci.com/org/acme"));
    });
    assert_eq!(codes, ["org-id-not-uuid", "org-mismatch"]);
    let codes = with(|c| {
        let sub = c["sub"].as_str().unwrap().replace(ORG, "acme");
        set(c, "sub", json!(sub));
        set(c, "oidc.circleci.com/org-id", json!("acme"));
        set(c, "iss", json!("https://oidc.circleci.com/org/acme"));
        set(c, "aud", json!("acme"));
    });
    assert_eq!(codes, ["org-id-not-uuid"]);
    // `aud` equal to the org of `oidc.circleci.com/org-id` and of `iss` while `sub` names another (or the same
    // in capitals): the default audience, not a custom one; the mismatch is the finding.
    for sub_org in [other.to_string(), ORG.to_uppercase()] {
        let codes = with(|c| {
            let sub = c["sub"].as_str().unwrap().replace(ORG, &sub_org);
            set(c, "sub", json!(sub));
        });
        assert_eq!(codes, ["org-mismatch", "org-mismatch"], "{sub_org}");
    }
}

#[test]
fn audience_checks() {
    assert_eq!(
        with(|c| set(c, "aud", json!("sts.amazonaws.com"))),
        ["aud-custom"]
    );
    assert_eq!(
        with(|c| set(c, "aud", json!(PROJECT))),
        ["aud-is-project-id"]
    );
    assert_eq!(
        with(|c| set(c, "aud", json!([ORG, "other"]))),
        ["aud-multiple"]
    );
    // What each platform does with the list, as claimcheck evaluates it (an AWS plain operator passes with
    // `aud-list-assumed`; it is no longer shown as unknown).
    let m = message(|c| set(c, "aud", json!([ORG, "other"])), "aud-multiple");
    assert!(
        m.contains(
            "with a plain operator a match passes as an unconfirmed reading (`aud-list-assumed`)"
        ),
        "{m}"
    );
    assert!(!m.contains("such a check is shown as unknown"), "{m}");
    assert_eq!(with(|c| set(c, "aud", json!([ORG]))), Vec::<&str>::new());
    assert_eq!(with(|c| set(c, "aud", json!(""))), ["aud-empty"]);
    assert_eq!(with(|c| set(c, "aud", json!([]))), ["aud-empty"]);
    assert_eq!(
        message(|c| set(c, "aud", json!("sts.amazonaws.com")), "aud-custom"),
        format!("`aud` is `sts.amazonaws.com`, not the org ID `{ORG}`: a custom audience (minted with `circleci run oidc get`)")
    );
}

#[test]
fn project_and_user_ids() {
    let other = "bbbbbbbb-7b2c-4f18-9d0e-aabbccddeeff";
    assert_eq!(
        with(|c| set(c, "oidc.circleci.com/project-id", json!(other))),
        ["project-id-mismatch"]
    );
    assert_eq!(
        with(|c| set(c, "oidc.circleci.com/project-id", json!("my-project"))),
        ["project-id-not-uuid", "project-id-mismatch"]
    );
    let codes = with(|c| {
        let sub = c["sub"].as_str().unwrap().replace(USER, "system");
        set(c, "sub", json!(sub));
    });
    assert_eq!(codes, ["user-id-not-uuid"]);
    assert!(message(
        |c| {
            let sub = c["sub"].as_str().unwrap().replace(USER, "system");
            set(c, "sub", json!(sub));
        },
        "user-id-not-uuid"
    )
    .contains("`system`"));
    assert_eq!(
        with(|c| set(c, "oidc.circleci.com/job-id", json!("42"))),
        ["claim-not-uuid"]
    );
    assert_eq!(
        with(|c| set(c, "oidc.circleci.com/context-ids", json!(["x", "y"]))),
        ["claim-not-uuid", "claim-not-uuid"]
    );
}

#[test]
fn sub_versions_and_vcs_consistency() {
    // V1 with vcs claims: a plain V1 token, nothing to say.
    assert_eq!(with(|c| set(c, "sub", json!(v1()))), Vec::<&str>::new());
    // V1 without vcs claims: ambiguous.
    let codes = with(|c| {
        set(c, "sub", json!(v1()));
        c.remove("oidc.circleci.com/vcs-origin");
        c.remove("oidc.circleci.com/vcs-ref");
    });
    assert_eq!(codes, ["sub-version-ambiguous"]);
    assert_eq!(
        with(|c| set(
            c,
            "oidc.circleci.com/vcs-origin",
            json!("github.com/acme/web")
        )),
        ["vcs-origin-mismatch"]
    );
    assert_eq!(
        message(|c| set(c, "oidc.circleci.com/vcs-origin", json!("github.com/ACME/api")), "vcs-origin-mismatch"),
        "the V2 `sub` has the vcs origin `github.com/acme/api`, but `oidc.circleci.com/vcs-origin` is `github.com/ACME/api` (they differ only in case)"
    );
    assert_eq!(
        with(|c| {
            c.remove("oidc.circleci.com/vcs-ref");
        }),
        ["vcs-ref-mismatch"]
    );
    assert_eq!(
        with(|c| set(c, "sub", json!("org/x"))),
        ["sub-unrecognized"]
    );
}

#[test]
fn ssh_rerun() {
    assert_eq!(
        with(|c| set(c, "oidc.circleci.com/ssh-rerun", json!(true))),
        ["token-ssh-rerun"]
    );
}

#[test]
fn invisible_characters() {
    let codes = with(|c| {
        set(
            c,
            "oidc.circleci.com/vcs-origin",
            json!("github.com/acme/ap\u{202E}i"),
        );
    });
    assert_eq!(codes, ["vcs-origin-mismatch", "claim-invisible-characters"]);
    let m = message(
        |c| {
            let sub = c["sub"]
                .as_str()
                .unwrap()
                .replace("acme/api", "acme/a\u{200B}pi\u{FEFF}");
            set(c, "sub", json!(sub));
            set(
                c,
                "oidc.circleci.com/vcs-origin",
                json!("github.com/acme/a\u{200B}pi\u{FEFF}"),
            );
        },
        "claim-invisible-characters",
    );
    assert_eq!(
        m,
        "`sub` contains the invisible or bidirectional character `U+200B` at byte 156 and 1 more: such characters can make one repository or ID look like another"
    );
    assert!(is_suspicious('\u{2066}') && is_suspicious('\u{0007}') && !is_suspicious('é'));
}

#[test]
fn uuid_shape() {
    assert!(is_uuid(ORG));
    assert!(is_uuid("1F0C8E9A-2B3D-4C5E-8F70-112233445566"));
    assert!(!is_uuid("1f0c8e9a2b3d4c5e8f70112233445566"));
    assert!(!is_uuid("1f0c8e9a-2b3d-4c5e-8f70-11223344556g"));
    assert!(!is_uuid("1f0c8e9a-2b3d-4c5e-8f70-1122334455667"));
    assert!(!is_uuid("é"));
}
