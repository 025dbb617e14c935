//! Properties: decoding and inspecting never panic on any input, are deterministic, and the `sub` parser's
//! segments always cover the value exactly.

mod common;

use claimcheck::circleci::{inspect, parse_sub, SegmentKind, SubVersion};
use claimcheck::token::{decode, Form};
use claimcheck::{analyze, time, Input};
use common::*;
use proptest::prelude::*;
use serde_json::{Map, Value};

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        // Exactly representable fractions: serde_json (without `float_roundtrip`) may round subnormals.
        any::<i32>().prop_map(|i| Value::from(f64::from(i) / 4.0)),
        any::<String>().prop_map(Value::String),
        "[a-z0-9/.-]{0,40}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((any::<String>(), inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<String, Value>>())),
        ]
    })
}

/// Claims with CircleCI's keys and arbitrary values, so that the checks really run on odd types.
fn circleci_like_claims() -> impl Strategy<Value = Map<String, Value>> {
    let keys = [
        "iss",
        "sub",
        "aud",
        "exp",
        "iat",
        "nbf",
        "oidc.circleci.com/org-id",
        "oidc.circleci.com/project-id",
        "oidc.circleci.com/vcs-origin",
        "oidc.circleci.com/vcs-ref",
        "oidc.circleci.com/context-ids",
        "oidc.circleci.com/ssh-rerun",
        "oidc.circleci.com/job-id",
    ];
    prop::collection::vec((0..keys.len(), json_value()), 0..14).prop_map(move |kv| {
        kv.into_iter()
            .map(|(k, v)| (keys[k].to_string(), v))
            .collect()
    })
}

fn sub_like() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            Just("org/".to_string()),
            Just("/project/".to_string()),
            Just("/user/".to_string()),
            Just("/vcs-origin/".to_string()),
            Just("/vcs-ref/".to_string()),
            Just("refs/".to_string()),
            Just(ORG.to_string()),
            "[a-z/é\u{202e}-]{0,8}",
        ],
        0..12,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_string_decodes_without_panic_and_deterministically(s in any::<String>(), now in any::<i64>()) {
        let a = decode(&s);
        let b = decode(&s);
        prop_assert_eq!(&a, &b);
        let _ = a.findings();
        let i = inspect(&a, now);
        prop_assert_eq!(i, inspect(&b, now));
    }

    #[test]
    fn token_like_strings_never_panic(parts in prop::collection::vec("[A-Za-z0-9_=+/-]{0,24}", 0..7), wrap in 0..4usize) {
        let t = parts.join(".");
        let t = match wrap { 0 => t, 1 => format!("Bearer {t}"), 2 => format!("export CIRCLE_OIDC_TOKEN=\"{t}\""), _ => format!("'{t}'\n") };
        let d = decode(&t);
        prop_assert_eq!(d.form == Form::Invalid, d.header.is_none() && d.claims.is_none());
        let _ = analyze(&Input { token: &t, now: IAT, ..Input::default() });
    }

    #[test]
    fn any_json_payload_is_decoded_exactly(payload in json_value(), now in any::<i64>()) {
        let t = format!("{}.{}.{}", b64url(header().to_string()), b64url(payload.to_string()), fake_signature());
        let d = decode(&t);
        match &payload {
            Value::Object(map) => {
                prop_assert_eq!(d.claims.as_ref(), Some(map));
                prop_assert_eq!(d.form, Form::Jws);
            }
            _ => {
                prop_assert!(d.claims.is_none());
                prop_assert_eq!(d.findings()[0].code, "token-not-object");
            }
        }
        let r = analyze(&Input { token: &t, now, ..Input::default() });
        prop_assert!(serde_json::to_string(&r).is_ok());
    }

    #[test]
    fn circleci_shaped_claims_with_odd_values_never_panic(claims in circleci_like_claims(), now in any::<i64>()) {
        let t = token(&header(), &Value::Object(claims));
        let r = analyze(&Input { token: &t, now, ..Input::default() });
        for f in &r.findings {
            prop_assert!(!f.message.starts_with(char::is_uppercase), "{}", f.message);
        }
    }

    #[test]
    fn sub_segments_cover_the_value(s in sub_like()) {
        let sub = parse_sub(&s);
        let mut pos = 0;
        for seg in &sub.segments {
            prop_assert_eq!(seg.start, pos);
            prop_assert_eq!(s.get(seg.start..seg.end), Some(seg.text.as_str()));
            pos = seg.end;
        }
        prop_assert_eq!(pos, s.len());
        if sub.version == SubVersion::V2 {
            prop_assert!(sub.part(SegmentKind::VcsRef).is_some());
            prop_assert!(sub.other_form.as_deref().is_some_and(|o| s.starts_with(o)));
        }
    }

    #[test]
    fn any_sub_string_parses(s in any::<String>()) {
        let sub = parse_sub(&s);
        prop_assert_eq!(sub.segments.iter().map(|g| g.end - g.start).sum::<usize>(), s.len());
    }

    #[test]
    fn times_format_and_parse_without_panic(t in any::<i64>(), s in any::<String>()) {
        let f = time::format_utc(t);
        prop_assert!(f.ends_with(" UTC"));
        let _ = time::format_duration(t);
        let _ = time::parse_at(&s);
    }

    #[test]
    fn rfc3339_round_trips(t in -62_135_596_800i64..253_402_300_799) {
        let s = time::format_utc(t).replace(" UTC", "Z").replacen(' ', "T", 1);
        prop_assert_eq!(time::parse_at(&s), Ok(t));
    }
}

#[test]
fn a_megabyte_of_noise_is_rejected_in_linear_time() {
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let alphabet: Vec<char> = "ABCabc019-_.+/= \n\"'é\u{200b}{}:".chars().collect();
    let noise: String = (0..1_000_000)
        .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
        .collect();
    let dots = ".".repeat(1_000_000);
    let b64ish: String = (0..1_000_000)
        .map(|_| alphabet[(next() % 9) as usize])
        .collect();
    for input in [noise, dots, b64ish] {
        let start = std::time::Instant::now();
        let r = analyze(&Input {
            token: &input,
            now: IAT,
            ..Input::default()
        });
        let took = start.elapsed();
        assert!(took < std::time::Duration::from_secs(30), "took {took:?}");
        assert!(r.unusable_input);
        assert!(!r.findings.is_empty());
        assert!(
            r.findings.iter().all(|f| f.message.len() < 400),
            "messages stay short"
        );
    }
}
