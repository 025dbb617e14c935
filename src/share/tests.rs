//! Tests of the link forms: exact round trips, the plain contract, hostile fragments, properties.

use proptest::prelude::*;

use super::*;

fn jwt(claims: &str) -> String {
    format!(
        "{}.{}.c2lnbmF0dXJl",
        b64::encode(br#"{"alg":"RS256","kid":"k1"}"#),
        b64::encode(claims.as_bytes())
    )
}

fn unsigned(token: &str) -> String {
    let mut parts = token.split('.');
    format!("{}.{}.", parts.next().unwrap(), parts.next().unwrap())
}

const SUB: &str = "org/11111111-1111-4111-8111-111111111111/project/22222222-2222-4222-8222-222222222222/user/33333333-3333-4333-8333-333333333333";

fn full_state() -> SharedState {
    SharedState {
        token: jwt(&format!(
            r#"{{"sub":"{SUB}","aud":"11111111-1111-4111-8111-111111111111"}}"#
        )),
        policy: "{\n  \"Version\": \"2012-10-17\", \"é\": \"<script>\"\n}".to_string(),
        at: Some(1_767_225_600),
        error_text:
            "An error occurred (AccessDenied) when calling the AssumeRoleWithWebIdentity operation"
                .into(),
        example: Some("aws-v2-deny".to_string()),
        view: View {
            tab: Some("checks".to_string()),
            format: Some(ViewFormat::Json),
        },
        keep_signature: false,
        signature_removed: false,
        redacted: vec![],
        signature_invalid: None,
        notes: vec![],
    }
}

#[test]
fn empty_state_is_the_empty_fragment_and_back() {
    assert_eq!(encode(&SharedState::default()), "");
    assert_eq!(encode_plain(&SharedState::default()), "");
    assert_eq!(decode(""), Ok(SharedState::default()));
    assert_eq!(decode("#"), Ok(SharedState::default()));
}

#[test]
fn compact_round_trip_removes_the_signature_by_default() {
    let state = full_state();
    let fragment = encode(&state);
    assert!(fragment.starts_with("v1."), "{fragment}");
    let back = decode(&format!("#{fragment}")).unwrap();
    assert_eq!(back.token, unsigned(&state.token));
    assert!(back.signature_removed);
    assert_eq!(
        back,
        SharedState {
            token: unsigned(&state.token),
            signature_removed: true,
            ..state
        }
    );
}

#[test]
fn keep_signature_keeps_it() {
    let state = SharedState {
        keep_signature: true,
        ..full_state()
    };
    let back = decode(&encode(&state)).unwrap();
    assert_eq!(back, state);
    assert!(!back.signature_removed);
}

/// A token pasted into the policy or the error text (a job log that printed the command with its token) loses its
/// signature in the link too, even when the Token box's signature is kept; the rest of that text is unchanged.
#[test]
fn a_token_in_the_policy_or_the_error_text_loses_its_signature() {
    let token = full_state().token;
    let signature = token.rsplit('.').next().unwrap().to_string();
    for keep_signature in [false, true] {
        let state = SharedState {
            policy: format!("{{\"note\": \"{token}\", \"Version\": \"2012-10-17\"}}"),
            error_text: format!(
                "+ aws sts assume-role-with-web-identity --web-identity-token {token}\nAn error occurred (AccessDenied)"
            ),
            keep_signature,
            ..full_state()
        };
        let prepared = prepare(&state);
        let unsigned = unsigned(&token);
        assert_eq!(
            prepared.state.policy,
            format!("{{\"note\": \"{unsigned}\", \"Version\": \"2012-10-17\"}}")
        );
        assert_eq!(
            prepared.state.error_text,
            format!("+ aws sts assume-role-with-web-identity --web-identity-token {unsigned}\nAn error occurred (AccessDenied)")
        );
        assert_eq!(
            prepared.notes,
            [
                "removed the signature of a token found in the policy",
                "removed the signature of a token found in the error text"
            ]
        );
        let fragment = encode(&state);
        let back = decode(&fragment).unwrap();
        assert!(!back.policy.contains(&signature) && !back.error_text.contains(&signature));
        assert_eq!(back.token.contains(&signature), keep_signature);
        // The token alone in the policy box.
        let alone = prepare(&SharedState {
            policy: token.clone(),
            ..SharedState::default()
        });
        assert_eq!(alone.state.policy, unsigned);
    }
}

#[test]
fn plain_round_trip_matches_compact() {
    let state = SharedState {
        redacted: vec!["sub.user".into(), "a,b".into()],
        ..full_state()
    };
    let plain = encode_plain(&state);
    assert!(plain.starts_with("token="), "{plain}");
    assert!(plain.contains("&redacted=sub.user,a%2Cb"), "{plain}");
    assert_eq!(decode(&plain), decode(&encode(&state)));
    assert_eq!(decode(&plain).unwrap(), opened(&state));
}

#[test]
fn redaction_is_applied_and_recorded() {
    let state = SharedState {
        redacted: vec!["sub.user".into(), " sub.user ".into()],
        ..full_state()
    };
    let back = decode(&encode(&state)).unwrap();
    assert_eq!(back.redacted, vec!["sub.user".to_string()]);
    let payload = b64::decode(back.token.split('.').nth(1).unwrap()).unwrap();
    let payload = String::from_utf8(payload).unwrap();
    assert!(payload.contains("/user/<redacted>\""), "{payload}");
    assert!(!payload.contains("33333333-3333"), "{payload}");
    assert!(back.signature_removed);
    // Redaction drops the signature even when asked to keep it: it would no longer match.
    let kept = decode(&encode(&SharedState {
        keep_signature: true,
        ..state
    }))
    .unwrap();
    assert!(kept.token.ends_with('.') && kept.signature_removed);
}

/// What the reader of the link sees without and with the chosen redaction (as the share panel compares them).
fn reports(state: &SharedState) -> (crate::report::Report, crate::report::Report) {
    let analyze = |s: &SharedState| {
        crate::analyze::analyze(&crate::analyze::Input {
            token: &s.token,
            policy: &s.policy,
            error_text: &s.error_text,
            now: s.at.unwrap_or(0),
            signature_removed: s.signature_removed,
        })
    };
    let unredacted = SharedState {
        redacted: vec![],
        ..state.clone()
    };
    (
        analyze(&decode(&encode(&unredacted)).unwrap()),
        analyze(&decode(&encode(state)).unwrap()),
    )
}

#[test]
fn redacting_the_user_hides_it_in_the_policy_too_and_keeps_the_verdict() {
    let user = "33333333-3333-4333-8333-333333333333";
    let org = "11111111-1111-4111-8111-111111111111";
    let state = SharedState {
        token: jwt(&format!(
            r#"{{"iss":"https://oidc.circleci.com/org/{org}","sub":"{SUB}","aud":"{org}","iat":1767225000,"exp":1767228600}}"#
        )),
        policy: format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"arn:aws:iam::123456789012:oidc-provider/oidc.circleci.com/org/{org}"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{{"StringEquals":{{"oidc.circleci.com/org/{org}:sub":"{SUB}"}}}}}}]}}"#
        ),
        error_text: format!("AADSTS70021: ... Assertion Subject: '{SUB}'."),
        at: Some(1_767_225_600),
        redacted: vec!["sub.user".into()],
        ..SharedState::default()
    };
    let back = decode(&encode(&state)).unwrap();
    assert!(
        back.policy.contains("/user/<redacted>\""),
        "{}",
        back.policy
    );
    assert!(
        back.error_text.ends_with("/user/<redacted>'."),
        "{}",
        back.error_text
    );
    for text in [&back.policy, &back.error_text] {
        assert!(!text.contains(user), "{text}");
    }
    let (before, after) = reports(&state);
    assert_eq!(before.verdict, Some(crate::report::Verdict::Allow));
    assert_eq!(after.verdict, before.verdict);
    assert_eq!(
        redaction_effects(&before, &after),
        vec![],
        "the reader sees the same explanation"
    );
}

#[test]
fn redacting_the_vcs_ref_hides_it_in_the_v2_sub_too() {
    let r = "refs/heads/feature/secret-project";
    let sub = format!("{SUB}/vcs-origin/github.com/acme/app/vcs-ref/{r}");
    let state = SharedState {
        token: jwt(&format!(
            r#"{{"sub":"{sub}","oidc.circleci.com/vcs-origin":"github.com/acme/app","oidc.circleci.com/vcs-ref":"{r}"}}"#
        )),
        redacted: vec!["oidc.circleci.com/vcs-ref".into()],
        at: Some(1_767_225_600),
        ..SharedState::default()
    };
    let back = decode(&encode(&state)).unwrap();
    let payload =
        String::from_utf8(b64::decode(back.token.split('.').nth(1).unwrap()).unwrap()).unwrap();
    assert!(!payload.contains("secret-project"), "{payload}");
    assert!(payload.contains("/vcs-ref/<redacted>\""), "{payload}");
    // The V2 `sub` still agrees with the vcs claims, so no consistency finding appears for the reader.
    let (before, after) = reports(&state);
    assert_eq!(redaction_effects(&before, &after), vec![]);
}

#[test]
fn redaction_still_warns_when_a_pattern_looked_inside_the_hidden_value() {
    let org = "11111111-1111-4111-8111-111111111111";
    let sub = format!("{SUB}/vcs-origin/github.com/acme/app/vcs-ref/refs/heads/main");
    let state = SharedState {
        token: jwt(&format!(
            r#"{{"iss":"https://oidc.circleci.com/org/{org}","sub":"{sub}","aud":"{org}","iat":1767225000,"exp":1767228600,"oidc.circleci.com/vcs-ref":"refs/heads/main"}}"#
        )),
        policy: format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"arn:aws:iam::123456789012:oidc-provider/oidc.circleci.com/org/{org}"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{{"StringLike":{{"oidc.circleci.com/org/{org}:sub":"org/{org}/*/vcs-ref/refs/heads/*"}}}}}}]}}"#
        ),
        at: Some(1_767_225_600),
        redacted: vec!["oidc.circleci.com/vcs-ref".into()],
        ..SharedState::default()
    };
    let (before, after) = reports(&state);
    assert_eq!(before.verdict, Some(crate::report::Verdict::Allow));
    assert_eq!(after.verdict, Some(crate::report::Verdict::Deny));
    let codes: Vec<&str> = redaction_effects(&before, &after)
        .iter()
        .map(|f| f.code)
        .collect();
    assert_eq!(
        codes[..2],
        ["redaction-changes-verdict", "redaction-changes-check"]
    );
}

#[test]
fn plain_form_of_design_md_is_accepted() {
    let token = jwt(r#"{"sub":"x"}"#);
    let policy = r#"{"Version":"2012-10-17"}"#;
    let b64_policy = b64::encode(policy.as_bytes());
    let state = decode(&format!("#token={token}&policy={b64_policy}&at=1700000000")).unwrap();
    assert_eq!(
        state.token, token,
        "a third-party link keeps what it carries"
    );
    assert_eq!(state.policy, policy);
    assert_eq!(state.at, Some(1_700_000_000));
    assert!(!state.signature_removed && !state.keep_signature);
    assert!(state.notes.is_empty());
    // Each part optional.
    assert_eq!(
        decode("at=5").unwrap(),
        SharedState {
            at: Some(5),
            ..Default::default()
        }
    );
    assert_eq!(
        decode("example=aws-basic").unwrap().example.as_deref(),
        Some("aws-basic")
    );
}

#[test]
fn plain_form_tolerates_padding_alphabets_percent_encoding_and_unknown_keys() {
    // "??>" encodes to "Pz8+" (standard) / "Pz8-" (url-safe); "a" to "YQ==".
    for policy in ["Pz8+", "Pz8-", "Pz8%2B", "Pz8%2b"] {
        assert_eq!(
            decode(&format!("policy={policy}")).unwrap().policy,
            "??>",
            "{policy}"
        );
    }
    assert_eq!(decode("policy=YQ==").unwrap().policy, "a");
    assert_eq!(decode("policy=YQ%3D%3D").unwrap().policy, "a");
    assert_eq!(decode("token=Bearer%20abc").unwrap().token, "Bearer abc");
    let state = decode("at=1&utm_source=x&&lonely&at=2").unwrap();
    assert_eq!(state.at, Some(2));
    assert_eq!(
        state.notes,
        vec![
            "ignored unknown key `utm_source` in the link",
            "ignored `lonely` in the link (it has no `=value`)",
            "`at` appears more than once in the link; the last one is used",
        ]
    );
}

#[test]
fn plain_form_notes_every_problem() {
    let state = decode("at=soon&policy=a!b&error=%FF&keep=maybe&token=abc").unwrap();
    assert_eq!(state.token, "abc", "the readable parts still load");
    assert_eq!(
        (state.at, state.policy.as_str(), state.keep_signature),
        (None, "", false)
    );
    assert_eq!(
        state.notes,
        vec![
            "ignored the link's `at`: `soon` is not a time: expected 4 digits for the year at offset 0; the \
             current time is used instead; give unix seconds (e.g. `at=1767225600`) or RFC 3339 (e.g. \
             `at=2026-11-20T10:36:40Z`)",
            "ignored the link's `policy`: it is not base64url of the text: character 2 (`!`) is not base64; links \
             carry `policy=` as base64url of the utf-8 text: copy the whole link again or re-encode it",
            "ignored the link's `error`: it has percent-encoded bytes that are not utf-8: copy the whole link again",
            "ignored the link's `keep`: it is `maybe`; use `keep=1` or `keep=0`",
        ]
    );
    let state = decode(&format!("policy={}", b64::encode(&[0x61, 0xff]))).unwrap();
    assert_eq!(
        state.notes,
        vec![
            "ignored the link's `policy`: it decodes to bytes that are not utf-8 text (bad byte at offset 1): \
             encode the utf-8 text, not another encoding"
        ]
    );
}

#[test]
fn plain_form_reads_semicolons_and_spaced_keys_and_names_an_empty_key() {
    let policy = b64::encode(b"{}");
    let state = decode(&format!("token=a.b.c;policy={policy};at=1767225600")).unwrap();
    assert_eq!(
        (state.token.as_str(), state.policy.as_str(), state.at),
        ("a.b.c", "{}", Some(1_767_225_600))
    );
    // `&` present: `;` is part of a value.
    let state = decode("token=a;b&at=5").unwrap();
    assert_eq!(state.token, "a;b");
    let state = decode("%20token=a.b.c&=x").unwrap();
    assert_eq!(state.token, "a.b.c");
    assert_eq!(
        state.notes,
        ["ignored a part of the link with no key before its `=`"]
    );
}

fn compact_of(json: &[u8]) -> String {
    format!(
        "v1.{}",
        b64::encode(&miniz_oxide::deflate::compress_to_vec(json, 6))
    )
}

#[test]
fn compact_form_errors_are_clear() {
    let cases: Vec<(String, &str)> = vec![
        (
            "v2.abc".into(),
            "this link uses format `v2`, which this claimcheck does not know (it reads `v1`): open it with a newer \
             claimcheck, or ask for a new link",
        ),
        (
            "v99999999999999999999.x".into(),
            "this link uses format `v99999999999999999999`, which this claimcheck does not know (it reads `v1`): \
             open it with a newer claimcheck, or ask for a new link",
        ),
        (
            "v1.ab$c".into(),
            "the link's data is not base64url: character 3 (`$`) is not base64; the link may have been cut off or \
             changed when copied: copy the whole link again",
        ),
        (
            "v1.AAAA".into(),
            "the link's data is not valid compressed data (it may be truncated): copy the whole link again",
        ),
        (
            format!("v1.{}", b64::encode(&miniz_oxide::deflate::compress_to_vec(&[0xff, 0xfe], 6))),
            "the link's data is not utf-8 text (bad byte at offset 0): it was not made by claimcheck; ask for a new \
             link",
        ),
        (
            compact_of(br#"{"t": 5}"#),
            "the link's data is not the json claimcheck writes (invalid type: integer `5`, expected a string): \
             ask for a new link",
        ),
        (
            compact_of(b"[1]"),
            "the link's data is json but not an object, so claimcheck did not write it: ask for a new link",
        ),
        (
            compact_of(b"[1,"),
            "the link's data is not the json claimcheck writes (end of data while parsing a value at line 1 column \
             3): ask for a new link",
        ),
    ];
    for (fragment, message) in cases {
        assert_eq!(
            decode(&fragment).unwrap_err().message,
            message,
            "{fragment}"
        );
    }
    // Truncation of a real link.
    let full = encode(&full_state());
    let cut = full.get(..full.len() - 10).unwrap();
    assert!(
        decode(cut).is_err(),
        "a truncated link must not open silently"
    );
}

#[test]
fn compact_form_ignores_unknown_fields_with_a_note() {
    let state = decode(&compact_of(
        br#"{"a": 7, "zz": {"deep": [1]}, "v": {"f": "xml", "q": 1}}"#,
    ))
    .unwrap();
    assert_eq!(state.at, Some(7));
    assert_eq!(state.view.format, None);
    assert_eq!(
        state.notes,
        vec![
            "ignored unknown field `zz` in the link (made by a newer claimcheck?)",
            "ignored unknown view field `q` in the link",
            "ignored unknown view format `xml` (expected `table` or `json`)",
        ]
    );
}

#[test]
fn zip_bomb_is_refused_quickly() {
    // 8 MB of spaces inside a JSON string compresses to a few KB.
    let mut json = b"{\"p\":\"".to_vec();
    json.extend(std::iter::repeat_n(b' ', 8 * 1024 * 1024));
    json.extend(b"\"}");
    let fragment = compact_of(&json);
    assert!(fragment.len() < 64 * 1024, "{}", fragment.len());
    let started = std::time::Instant::now();
    let err = decode(&fragment).unwrap_err();
    assert!(
        err.message
            .starts_with("the link's data expands to more than 2097152 bytes"),
        "{}",
        err.message
    );
    assert!(
        started.elapsed().as_secs() < 60,
        "decompression must stay bounded"
    );
}

#[test]
fn oversized_fragment_is_refused() {
    let huge = "a".repeat(MAX_FRAGMENT_LEN + 1);
    assert!(decode(&huge)
        .unwrap_err()
        .message
        .starts_with("the link is too long (4194305 bytes"));
}

#[test]
fn deep_json_does_not_overflow() {
    let deep = format!("{{\"zz\":{}{}}}", "[".repeat(100_000), "]".repeat(100_000));
    let err = decode(&compact_of(deep.as_bytes())).unwrap_err();
    assert!(
        err.message.contains("recursion limit exceeded"),
        "{}",
        err.message
    );
}

#[test]
fn links_are_short_for_a_typical_state() {
    // A typical token + policy: the compact form must beat the plain one.
    let state = full_state();
    assert!(encode(&state).len() < encode_plain(&state).len());
}

fn arb_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-zA-Z0-9_.\\-]{0,40}",
        Just("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJvcmcvby9wcm9qZWN0L3AvdXNlci91In0.c2ln".to_string()),
    ]
}

fn arb_state() -> impl Strategy<Value = SharedState> {
    (
        (
            arb_text(),
            any::<String>(),
            proptest::option::of(any::<i64>()),
            any::<String>(),
        ),
        (
            proptest::option::of(any::<String>()),
            proptest::option::of(any::<String>()),
        ),
        proptest::option::of(prop_oneof![Just(ViewFormat::Table), Just(ViewFormat::Json)]),
        (
            any::<bool>(),
            any::<bool>(),
            proptest::collection::vec(arb_text(), 0..3),
            proptest::option::of(any::<String>()),
        ),
    )
        .prop_map(
            |(
                (token, policy, at, error_text),
                (example, tab),
                format,
                (keep, removed, redacted, signature_invalid),
            )| SharedState {
                token,
                policy,
                at,
                error_text,
                example,
                view: View { tab, format },
                keep_signature: keep,
                signature_removed: removed,
                redacted,
                signature_invalid,
                notes: vec![],
            },
        )
}

proptest! {
    #[test]
    fn decode_never_panics(s in any::<String>()) {
        let _ = decode(&s);
    }

    #[test]
    fn decode_never_panics_on_link_like_text(s in "(v1\\.)?[A-Za-z0-9_\\-=&%+/.]{0,200}") {
        let _ = decode(&s);
    }

    #[test]
    fn round_trip_compact(state in arb_state()) {
        let opened_state = opened(&state);
        prop_assert_eq!(decode(&encode(&state)), Ok(opened_state.clone()));
        // Opening and sharing again gives the same link.
        prop_assert_eq!(encode(&opened_state), encode(&state));
    }

    #[test]
    fn round_trip_plain(state in arb_state()) {
        prop_assert_eq!(decode(&encode_plain(&state)), Ok(opened(&state)));
    }

    #[test]
    fn shared_links_never_carry_a_signature_unless_kept(state in arb_state()) {
        let back = decode(&encode(&SharedState { keep_signature: false, ..state })).unwrap();
        prop_assert!(!scrub::has_signature(&back.token));
    }
}

// ---- Lenient token forms: a link never carries the signature, however the token was pasted. ----

/// A real RS256 CircleCI V1 token (342-character signature) and a V2 one.
const V1: &str = include_str!("../../static/examples/v1-allow.jwt");
const V2: &str = include_str!("../../static/examples/aud-mismatch.jwt");
const USER: &str = "1b7d3e5f-9a2c-4b6e-8d0f-3c5a7e9b1d28";

fn sig_of(token: &str) -> &str {
    token.trim().rsplit('.').next().unwrap()
}

use super::scrub::normalized;

/// The token text a link made from `token` restores.
fn link_token(token: &str, redacted: &[&str]) -> SharedState {
    let state = SharedState {
        token: token.to_string(),
        redacted: redacted.iter().map(|s| s.to_string()).collect(),
        ..SharedState::default()
    };
    let back = decode(&encode(&state)).unwrap();
    assert_eq!(back, opened(&state));
    back
}

/// The postcondition: the app's decoder finds no signature and none of `secrets` in any claim, and no
/// 16-character piece of `sig` survives in the link's token text in any spelling.
fn assert_no_signature_or_secret(link: &str, sig: &str, secrets: &[&str]) {
    let decoded = crate::token::decode(link);
    assert!(
        !decoded.signature_present,
        "decoder sees a signature in {link:?}"
    );
    let claims = serde_json::to_string(&decoded.claims).unwrap();
    for secret in secrets {
        assert!(
            !claims.contains(secret),
            "`{secret}` in the claims {claims}"
        );
    }
    let sig = normalized(sig);
    let text = normalized(link);
    for i in (0..sig.len().saturating_sub(15)).step_by(8) {
        let piece = &sig[i..i + 16];
        assert!(
            !text.contains(piece),
            "signature piece {piece} left in {link:?}"
        );
    }
}

fn wrap(text: &str, width: usize, eol: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    chars
        .chunks(width)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(eol)
}

fn standard_b64(text: &str) -> String {
    text.replace('-', "+").replace('_', "/")
}

#[test]
fn wrapped_and_split_tokens_lose_their_signature() {
    let t = V1.trim();
    let (h, p, s) = {
        let mut parts = t.split('.');
        (
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap(),
        )
    };
    let mid = p.len() / 2;
    let cases = [
        ("wrapped at 76 with \\n", wrap(t, 76, "\n")),
        ("wrapped at 64 with \\r\\n", wrap(t, 64, "\r\n")),
        (
            "a line break inside the payload",
            format!("{h}.{}\n{}.{s}", &p[..mid], &p[mid..]),
        ),
        ("a space after the second dot", format!("{h}.{p}. {s}")),
        (
            "a standard base64 signature",
            format!("{h}.{p}.{}", standard_b64(s)),
        ),
        (
            "all standard base64, wrapped, quoted",
            format!(
                "export CIRCLE_OIDC_TOKEN=\"{}\"",
                wrap(&standard_b64(t), 76, "\n")
            ),
        ),
        ("a padded signature", format!("Bearer {h}.{p}.{s}==")),
        (
            "inside json, standard base64",
            format!("{{\"jwt\": \"{h}.{p}.{}\"}}", standard_b64(s)),
        ),
        ("ends a sentence", format!("the token was {t}.")),
    ];
    for (what, text) in cases {
        let back = link_token(&text, &[]);
        assert_no_signature_or_secret(&back.token, s, &[]);
        assert!(
            back.signature_removed,
            "{what}: the link says the signature was removed"
        );
        // The reader still sees the claims.
        let claims = crate::token::decode(&back.token).claims;
        assert!(
            claims.is_some_and(|c| c.contains_key("sub")),
            "{what}: {:?}",
            back.token
        );
    }
}

#[test]
fn a_wrapped_token_has_its_user_redacted() {
    for text in [wrap(V1.trim(), 76, "\n"), wrap(V1.trim(), 64, "\r\n")] {
        let back = link_token(&text, &["sub.user"]);
        assert_no_signature_or_secret(&back.token, sig_of(V1), &[USER]);
        let claims = crate::token::decode(&back.token).claims.unwrap();
        assert!(
            claims["sub"]
                .as_str()
                .unwrap()
                .ends_with("/user/<redacted>"),
            "{claims:?}"
        );
    }
}

#[test]
fn a_signature_written_apart_from_its_token_is_not_carried() {
    // `header.payload.` and, lines later, the signature under a label: the decoder reads an unsigned token,
    // but the signature is still in the text and could be put back together by hand.
    let v1 = V1.trim();
    let (signed, sig) = v1.rsplit_once('.').unwrap();
    for text in [
        format!("{signed}.\n\nsignature: {sig}\n"),
        format!("{signed}.\nsig={sig}"),
        format!("token {signed}. and its signature ({sig})"),
    ] {
        let back = link_token(&text, &[]);
        assert_no_signature_or_secret(&back.token, sig_of(V1), &[]);
        assert!(crate::token::decode(&back.token).claims.is_some(), "{text}");
    }
}

#[test]
fn every_token_of_an_env_listing_is_scrubbed() {
    let listing = format!(
        "CIRCLE_OIDC_TOKEN={}\nCIRCLE_OIDC_TOKEN_V2={}\n",
        V1.trim(),
        V2.trim()
    );
    let back = link_token(&listing, &["sub.user"]);
    // The reader's decoder still picks the V2 line.
    let picked = crate::token::decode(&back.token);
    assert!(picked.claims.unwrap()["sub"]
        .as_str()
        .unwrap()
        .contains("/vcs-origin/"));
    for line in back.token.lines() {
        for sig in [sig_of(V1), sig_of(V2)] {
            assert_no_signature_or_secret(line, sig, &[USER]);
        }
    }
    assert!(
        back.token.starts_with("CIRCLE_OIDC_TOKEN=eyJ"),
        "{}",
        back.token
    );
    // Kept signatures stay, when nothing is redacted.
    let kept = opened(&SharedState {
        token: listing.clone(),
        keep_signature: true,
        ..SharedState::default()
    });
    assert_eq!(kept.token, listing);
    assert!(!kept.signature_removed);
}

#[test]
fn has_signature_sees_lenient_forms() {
    let t = V1.trim();
    assert!(scrub::has_signature(&wrap(t, 76, "\n")));
    assert!(scrub::has_signature(&standard_b64(t)));
    assert!(strip_signatures(&wrap(t, 64, "\r\n")).1);
    assert!(!scrub::has_signature(&unsigned(t)));
}

/// One way of re-spelling a token that the app's decoder still reads.
#[derive(Debug, Clone)]
enum Mangle {
    /// Insert this whitespace before the char at this index (modulo the length).
    Insert(usize, &'static str),
    /// Wrap every `n` characters with this line ending.
    Wrap(usize, &'static str),
    /// Standard base64 (`+`, `/`).
    Standard,
    /// Wrap in `Bearer `, an export line, quotes.
    Around(usize),
}

fn arb_mangle() -> impl Strategy<Value = Mangle> {
    prop_oneof![
        (
            any::<usize>(),
            prop_oneof![
                Just(" "),
                Just("\n"),
                Just("\r\n"),
                Just("\t"),
                Just("  \n  ")
            ]
        )
            .prop_map(|(i, ws)| Mangle::Insert(i, ws)),
        (8usize..120, prop_oneof![Just("\n"), Just("\r\n")])
            .prop_map(|(n, eol)| Mangle::Wrap(n, eol)),
        Just(Mangle::Standard),
        (0usize..4).prop_map(Mangle::Around),
    ]
}

fn mangle(token: &str, steps: &[Mangle]) -> String {
    let mut text = token.to_string();
    let mut around = None;
    for step in steps {
        match step {
            Mangle::Insert(i, ws) => {
                let chars: Vec<char> = text.chars().collect();
                let at = i % (chars.len() + 1);
                let (a, b) = chars.split_at(at);
                text = format!(
                    "{}{ws}{}",
                    a.iter().collect::<String>(),
                    b.iter().collect::<String>()
                );
            }
            Mangle::Wrap(n, eol) => text = wrap(&text, *n, eol),
            Mangle::Standard => text = standard_b64(&text),
            Mangle::Around(k) => around = Some(*k),
        }
    }
    match around {
        Some(0) => format!("Bearer {text}"),
        Some(1) => format!("export CIRCLE_OIDC_TOKEN_V2=\"{text}\"\n"),
        Some(2) => format!("'{text}'"),
        Some(_) => format!("  {text}  \n"),
        None => text,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn a_leniently_spelled_token_never_leaks_its_signature_or_redacted_values(
        steps in proptest::collection::vec(arb_mangle(), 0..6),
        v2 in any::<bool>(),
        redact in any::<bool>(),
    ) {
        let token = if v2 { V2.trim() } else { V1.trim() };
        let text = mangle(token, &steps);
        // Only spellings the app itself reads as this token are in scope.
        let original = crate::token::decode(&text);
        prop_assume!(original.signature_present && original.claims.is_some());
        let names: &[&str] = if redact { &["sub.user"] } else { &[] };
        let secrets: &[&str] = if redact { &[USER] } else { &[] };
        let back = link_token(&text, names);
        assert_no_signature_or_secret(&back.token, sig_of(token), secrets);
        prop_assert!(back.signature_removed);
        let claims = crate::token::decode(&back.token).claims;
        prop_assert!(claims.is_some(), "the reader still sees the claims: {:?}", back.token);
    }
}

// ---- The plain form: every part optional and independent. ----

fn plain_parts() -> (String, String, String) {
    let token = jwt(r#"{"sub":"x"}"#);
    let policy = r#"{"Version":"2012-10-17"}"#.to_string();
    let b64_policy = b64::encode(policy.as_bytes());
    (token, policy, b64_policy)
}

#[test]
fn plain_at_accepts_rfc3339_and_fractional_seconds() {
    let (token, policy, b) = plain_parts();
    let state = decode(&format!(
        "#token={token}&policy={b}&at=2026-11-20T10:36:40Z"
    ))
    .unwrap();
    assert_eq!(
        (state.token.as_str(), state.policy.as_str()),
        (token.as_str(), policy.as_str())
    );
    assert_eq!(state.at, Some(1_795_171_000));
    assert!(state.notes.is_empty(), "{:?}", state.notes);
    assert_eq!(
        decode("at=2026-11-20T11:36:40%2B01:00").unwrap().at,
        Some(1_795_171_000)
    );
    // The space between date and time form-encoded as `+` (`new URLSearchParams({at: "2026-11-20 10:36:40Z"})`).
    for at in [
        "at=2026-11-20+10%3A36%3A40Z",
        "at=2026-11-20+11:36:40%2B01:00",
    ] {
        let state = decode(at).unwrap();
        assert_eq!(state.at, Some(1_795_171_000), "{at}");
        assert!(state.notes.is_empty(), "{:?}", state.notes);
    }
    // A fractional part is truncated toward negative infinity (as `--at` does with RFC 3339 fractions).
    let state = decode(&format!("#token={token}&policy={b}&at=1795171000.5")).unwrap();
    assert_eq!(
        (state.at, state.token.as_str()),
        (Some(1_795_171_000), token.as_str())
    );
    assert!(state.notes.is_empty(), "{:?}", state.notes);
    assert_eq!(decode("at=-1.5").unwrap().at, Some(-2));
    assert_eq!(decode("at=-7.0").unwrap().at, Some(-7));
    assert_eq!(
        decode("at=-9223372036854775808.0").unwrap().at,
        Some(i64::MIN)
    );
    // Milliseconds (`Date.now()`), read as such, with a note; as seconds they would be after the year 33000.
    let state = decode(&format!("#token={token}&policy={b}&at=1795171000123")).unwrap();
    assert_eq!(state.at, Some(1_795_171_000));
    assert_eq!(
        state.notes,
        ["the link's `at=1795171000123` was read as milliseconds (2026-11-20 10:36:40 UTC); links give unix \
          seconds"]
    );
    assert_eq!(
        decode("at=-9223372036854775808").unwrap().at,
        Some(i64::MIN.div_euclid(1000))
    );
}

#[test]
fn plain_empty_values_count_as_absent() {
    assert_eq!(
        decode("#token=&policy=&at=").unwrap(),
        SharedState::default()
    );
    let (token, _, _) = plain_parts();
    let state = decode(&format!("token={token}&policy=&at=")).unwrap();
    assert_eq!(state.token, token);
    assert_eq!((state.policy.as_str(), state.at), ("", None));
    assert!(state.notes.is_empty(), "{:?}", state.notes);
}

#[test]
fn plain_bad_at_keeps_the_rest_and_says_now_is_used() {
    let (token, policy, b) = plain_parts();
    for (at, why) in [
        ("soon", "`soon` is not a time"),
        ("-9223372036854775808.5", "out of range"),
        ("99999999999999999999", "out of range"),
        ("2026-13-01T00:00:00Z", "month 13 is not 1-12"),
        ("1.2.3", "not a time"),
    ] {
        let state = decode(&format!("token={token}&policy={b}&at={at}")).unwrap();
        assert_eq!(state.token, token, "{at}");
        assert_eq!(state.policy, policy, "{at}");
        assert_eq!(state.at, None, "{at}");
        assert_eq!(state.notes.len(), 1, "{at}: {:?}", state.notes);
        let note = &state.notes[0];
        assert!(note.starts_with("ignored the link's `at`"), "{note}");
        assert!(note.contains(why), "{at}: {note}");
        assert!(note.contains("the current time is used instead"), "{note}");
        assert!(
            note.contains("`at=1767225600`") && note.contains("RFC 3339"),
            "{note}"
        );
    }
}

#[test]
fn plain_bad_policy_keeps_the_token_and_at() {
    let (token, _, _) = plain_parts();
    let state = decode(&format!("token={token}&policy=a!b&at=1700000000")).unwrap();
    assert_eq!(
        (state.token.as_str(), state.at),
        (token.as_str(), Some(1_700_000_000))
    );
    assert_eq!(state.policy, "");
    assert_eq!(
        state.notes,
        vec![
            "ignored the link's `policy`: it is not base64url of the text: character 2 (`!`) is not base64; links \
             carry `policy=` as base64url of the utf-8 text: copy the whole link again or re-encode it"
        ]
    );
}

#[test]
fn plain_form_as_other_tools_write_it() {
    use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
    let (token, policy, b) = plain_parts();
    let pct = |s: &str| utf8_percent_encode(s, NON_ALPHANUMERIC).to_string();
    let expected = |state: &SharedState, what: &str| {
        assert_eq!(
            (state.token.as_str(), state.policy.as_str(), state.at),
            (token.as_str(), policy.as_str(), Some(5)),
            "{what}"
        );
        assert!(state.notes.is_empty(), "{what}: {:?}", state.notes);
    };
    let plain = format!("token={token}&policy={b}&at=5");
    // The whole fragment percent-encoded, separators too (encodeURIComponent of the fragment).
    expected(&decode(&pct(&plain)).unwrap(), "whole fragment encoded");
    // A query string moved into the fragment, a hash router's path, a link copied from HTML source.
    expected(&decode(&format!("?{plain}")).unwrap(), "`?`");
    expected(&decode(&format!("#/?{plain}")).unwrap(), "`/?`");
    expected(&decode(&plain.replace('&', "&amp;")).unwrap(), "`&amp;`");
    // The policy text itself instead of base64url: percent-encoded, form-encoded (`+` for spaces) or raw.
    let spaced = "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Sid\": \"a+b\"}]}";
    for (value, text) in [
        (pct(&policy), policy.as_str()),
        (pct(spaced).replace("%20", "+"), spaced),
        (pct(spaced), spaced),
        (policy.clone(), policy.as_str()),
    ] {
        let state = decode(&format!("token={token}&policy={value}&at=5")).unwrap();
        assert_eq!(state.policy, text, "{value}");
        assert!(state.notes.is_empty(), "{value}: {:?}", state.notes);
    }
    // A YAML policy and an error message too: text with `:`, which base64 never has.
    let yaml = "Version: '2012-10-17'\nStatement: []\n";
    let error =
        "An error occurred (AccessDenied): Not authorized to perform sts:AssumeRoleWithWebIdentity";
    let state = decode(&format!("policy={}&error={}", pct(yaml), pct(error))).unwrap();
    assert_eq!(
        (state.policy.as_str(), state.error_text.as_str()),
        (yaml, error)
    );
}

#[test]
fn plain_repeated_key_the_last_one_counts_even_unreadable() {
    let (_, policy, b) = plain_parts();
    let state = decode("at=5&at=soon").unwrap();
    assert_eq!(state.at, None, "the current time, as the note says");
    assert_eq!(state.notes.len(), 2, "{:?}", state.notes);
    assert_eq!(
        state.notes[0],
        "`at` appears more than once in the link; the last one is used"
    );
    assert!(state.notes[1].contains("the current time is used instead"));
    let state = decode(&format!("policy=a!b&policy={b}")).unwrap();
    assert_eq!(state.policy, policy);
    assert_eq!(
        state.notes,
        ["`policy` appears more than once in the link; the last one is used"]
    );
    // An empty value is absent: it does not replace an earlier one.
    assert_eq!(decode("at=5&at=").unwrap().at, Some(5));
}

#[test]
fn plain_many_keys_are_read_in_linear_time_with_few_notes() {
    let mut fragment = String::new();
    let mut i = 0;
    while fragment.len() < MAX_FRAGMENT_LEN - 100 {
        fragment.push_str(&format!("k{i}=1&lonely{i}&at=5&"));
        i += 1;
    }
    let start = std::time::Instant::now();
    let state = decode(&fragment).unwrap();
    assert!(start.elapsed() < std::time::Duration::from_secs(5));
    assert_eq!(state.at, Some(5));
    assert_eq!(state.notes.len(), 12, "{:?}", &state.notes[10..]);
    assert_eq!(
        state.notes[11],
        format!(
            "ignored {} more parts of the link that claimcheck does not read",
            2 * i - 10
        )
    );
}

#[test]
fn a_link_listing_thousands_of_redaction_names_opens_in_linear_time() {
    // A hostile link: 200 000 distinct names (a real one names at most the six the panel offers).
    let names: Vec<String> = (0..200_000).map(|i| format!("\"c{i}\"")).collect();
    let json = format!(
        r#"{{"t":"{}","a":1760000600,"r":["sub.user"," sub.user ",{},"c5"]}}"#,
        unsigned(&jwt(&format!(r#"{{"sub":"{SUB}"}}"#))),
        names.join(",")
    );
    let started = std::time::Instant::now();
    let state = decode(&compact_of(json.as_bytes())).unwrap();
    assert_eq!(state.redacted.len(), MAX_REDACTED_NAMES);
    assert_eq!(
        state.redacted[..2],
        ["sub.user".to_string(), "c0".to_string()]
    );
    assert_eq!(
        state.notes,
        vec![
            "ignored 199937 more redaction names after the first 64 (a claimcheck link names at most a few): the \
             link was not made by claimcheck; ask for a new link"
        ]
    );
    // What the page does with an opened link: prepare it again (address bar, share panel).
    let prepared = prepare(&state);
    assert_eq!(prepared.state.redacted, state.redacted);
    assert!(started.elapsed().as_secs() < 60, "{:?}", started.elapsed());
    // The panel's own choices are deduplicated and bounded the same way.
    let many = SharedState {
        redacted: (0..1000).map(|i| format!("n{}", i % 500)).collect(),
        ..SharedState::default()
    };
    assert_eq!(opened(&many).redacted.len(), MAX_REDACTED_NAMES);
}

#[test]
fn the_tokens_signature_in_the_policy_or_the_error_text_is_not_carried() {
    // A job log that printed the decoded token (`step crypto jwt inspect`): the signature sits apart from its
    // header and payload, so no token is found there, but with `t` it rebuilds the signed token.
    let v2 = V2.trim();
    let sig = sig_of(V2);
    let dump = |s: &str| {
        format!(
            "+ step crypto jwt inspect --insecure\n{{\n  \"header\": {{\"alg\": \"RS256\"}},\n  \"signature\": \"{s}\"\n}}\nAn error occurred (AccessDenied)"
        )
    };
    for keep_signature in [false, true] {
        for spelled in [
            sig.to_string(),
            standard_b64(sig),
            format!("{}==", standard_b64(sig)),
        ] {
            let state = SharedState {
                token: v2.to_string(),
                policy: format!("{{\"Comment\": \"sig {spelled}\"}}"),
                error_text: dump(&spelled),
                keep_signature,
                ..SharedState::default()
            };
            let prepared = prepare(&state);
            assert_eq!(
                prepared.notes,
                [
                    "replaced the token's signature found in the policy with `<redacted>`",
                    "replaced the token's signature found in the error text with `<redacted>`"
                ]
            );
            // The signature is masked; the padding after it (not part of it) stays.
            let masked = |text: &str| text.replace(spelled.trim_end_matches('='), REDACTED);
            assert_eq!(prepared.state.policy, masked(&state.policy));
            assert_eq!(prepared.state.error_text, masked(&state.error_text));
            let back = decode(&encode(&state)).unwrap();
            assert_no_signature_or_secret(&back.policy, sig, &[]);
            assert_no_signature_or_secret(&back.error_text, sig, &[]);
        }
    }
    // Wrapped over lines it cannot be masked in place: that text is left out, with a note.
    let state = SharedState {
        token: v2.to_string(),
        error_text: dump(&wrap(sig, 60, "\n")),
        ..SharedState::default()
    };
    let prepared = prepare(&state);
    assert_eq!(prepared.state.error_text, "");
    assert_eq!(
        prepared.notes,
        ["the error text was left out of the link: it holds the token's signature in a form that could not be \
          removed safely; remove it from the error text and copy the link again"]
    );
    // Text without it is kept as it is.
    let plain = SharedState {
        token: v2.to_string(),
        error_text: "An error occurred (AccessDenied)".to_string(),
        ..SharedState::default()
    };
    assert_eq!(prepare(&plain).state.error_text, plain.error_text);
    assert!(prepare(&plain).notes.is_empty());
}

#[test]
fn pasted_claims_json_and_a_payload_alone_are_carried_by_the_link() {
    // Decoded claims of a real V2 token (its `sub` is a 170-character run of letters, digits, `/` and `-`),
    // pretty-printed and on one line, and the payload segment alone: no signature anywhere to remove.
    let payload = V2.trim().split('.').nth(1).unwrap();
    let claims: serde_json::Value = serde_json::from_slice(&b64::decode(payload).unwrap()).unwrap();
    for text in [
        serde_json::to_string_pretty(&claims).unwrap(),
        serde_json::to_string(&claims).unwrap(),
        payload.to_string(),
    ] {
        let state = SharedState {
            token: text.clone(),
            ..SharedState::default()
        };
        let prepared = prepare(&state);
        assert!(!prepared.token_left_out, "{text}: {:?}", prepared.notes);
        assert!(prepared.notes.is_empty(), "{:?}", prepared.notes);
        assert_eq!(prepared.state.token, text);
        let back = decode(&encode(&state)).unwrap();
        assert_eq!(
            crate::token::decode(&back.token).claims,
            claims.as_object().cloned()
        );
    }
    // A signature written after the payload alone is still not carried.
    let sig = sig_of(V2);
    let back = link_token(&format!("{payload}\n\nsignature: {sig}"), &[]);
    assert_no_signature_or_secret(&back.token, sig, &[]);
}

#[test]
fn a_signature_found_invalid_keeps_the_deny_in_the_link() {
    // The sharer's keys panel: a JWKS whose `k1` is another key than the one that signed the token.
    let token = include_str!("../../tests/fixtures/signature/share-signed.jwt").trim();
    let policy = include_str!("../../tests/fixtures/signature/share-policy.json");
    let keys = include_str!("../../tests/fixtures/signature/share-jwks-other-key.json");
    let at = 1_760_000_600;
    let analyze = |token: &str, policy: &str| {
        crate::analyze::analyze(&crate::analyze::Input {
            token,
            policy,
            now: at,
            ..crate::analyze::Input::default()
        })
    };
    let mut sharer = analyze(token, policy);
    assert_eq!(sharer.verdict, Some(crate::report::Verdict::Allow));
    let checked = crate::signature::verify(&crate::token::decode(token), keys);
    assert_eq!(checked.status, "invalid");
    crate::signature::apply(&mut sharer, checked);
    assert_eq!(sharer.verdict, Some(crate::report::Verdict::Deny));
    // What the share panel puts in the link: the result, with or without the signature.
    for keep_signature in [false, true] {
        let state = SharedState {
            token: token.to_string(),
            policy: policy.to_string(),
            at: Some(at),
            keep_signature,
            signature_invalid: Some("k1".to_string()),
            ..SharedState::default()
        };
        for fragment in [encode(&state), encode_plain(&state)] {
            let link = decode(&fragment).unwrap();
            assert_eq!(link.signature_invalid.as_deref(), Some("k1"), "{fragment}");
            let mut reader = analyze(&link.token, &link.policy);
            assert_eq!(reader.verdict, Some(crate::report::Verdict::Allow));
            // The reader's page (keys panel empty) applies it to the token it shows.
            let (compact, report) = signature_report(&link).unwrap();
            let shown = &reader.token.as_ref().unwrap().compact;
            assert!(same_signed_token(&compact, shown));
            // The page's address bar drops a kept signature later: the result still applies to the token.
            let (h, p) = (
                token.split('.').next().unwrap(),
                token.split('.').nth(1).unwrap(),
            );
            assert!(same_signed_token(&format!("{h}.{p}."), token));
            assert!(same_signed_token(token, &format!("{h}.{p}.")));
            // Not to another signature, nor to other claims.
            assert!(!same_signed_token(token, &format!("{h}.{p}.c2ln")));
            assert!(!same_signed_token(token, &format!("{h}.{h}.")));
            assert_eq!(report.status, "invalid");
            assert_eq!(
                report.message,
                "whoever shared this link checked the signature with key `k1`: it did not verify; the link does \
                 not carry their keys, so this page did not check it again; paste the issuer's keys (and the \
                 whole token) to check it yourself"
            );
            crate::signature::apply(&mut reader, report);
            assert_eq!(reader.verdict, Some(crate::report::Verdict::Deny));
        }
    }
    // A key without an ID; and nothing to apply it to once the token is left out.
    let unnamed = SharedState {
        token: token.to_string(),
        signature_invalid: Some(String::new()),
        ..SharedState::default()
    };
    let link = decode(&encode_plain(&unnamed)).unwrap();
    assert_eq!(link.signature_invalid.as_deref(), Some(""));
    assert!(signature_report(&link)
        .unwrap()
        .1
        .message
        .contains("with the keys:"));
    let no_token = SharedState {
        token: String::new(),
        policy: policy.to_string(),
        signature_invalid: Some("k1".to_string()),
        ..SharedState::default()
    };
    assert_eq!(opened(&no_token).signature_invalid, None);
    assert_eq!(
        decode("sig=valid").unwrap().notes,
        ["ignored the link's `sig`: it is `valid`; the only value is `sig=invalid` (or `sig=invalid:<key id>`)"]
    );
}
