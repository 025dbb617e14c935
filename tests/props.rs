//! Properties of the whole pipeline: `analyze()` never panics on any combination of inputs (arbitrary strings,
//! arbitrary JSON, real policies with arbitrary parts replaced, real claims with odd values), its report always
//! serializes, and it is deterministic (two runs on the same input give equal reports).
//!
//! Real policies come from the fuzz seed corpora `fuzz/corpus/policy_*` (generated from tests/fixtures by
//! `fuzz/seeds.py`), so the mutated documents reach deep into every platform's evaluator.

mod common;

use claimcheck::{analyze, Input, Report};
use common::*;
use proptest::prelude::*;
use serde_json::{Map, Value};

fn seed_policies() -> Vec<Value> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fuzz/corpus");
    let mut out = Vec::new();
    for platform in ["policy_aws", "policy_gcp", "policy_vault", "policy_azure"] {
        let Ok(entries) = std::fs::read_dir(format!("{dir}/{platform}")) else {
            continue;
        };
        let mut paths: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
        paths.sort();
        for path in paths {
            if let Ok(v) =
                serde_json::from_str::<Value>(&std::fs::read_to_string(path).unwrap_or_default())
            {
                out.push(v);
            }
        }
    }
    out
}

/// The claim set the platform fixtures were written for (so mutated policies mostly match the token).
fn fixture_claims() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/vault/cases.json"
    );
    std::fs::read_to_string(path)
        .ok()
        .and_then(|t| serde_json::from_str::<Value>(&t).ok())
        .map(|v| v["base_claims"].clone())
        .filter(Value::is_object)
        .unwrap_or_else(claims_v2)
}

fn fixture_token() -> String {
    token(&header(), &fixture_claims())
}

fn seeds() -> &'static [Value] {
    static SEEDS: std::sync::OnceLock<Vec<Value>> = std::sync::OnceLock::new();
    SEEDS.get_or_init(seed_policies)
}

/// Keys the platforms look at, so arbitrary documents hit real code paths.
const KEYS: &[&str] = &[
    "Version",
    "Statement",
    "Effect",
    "Principal",
    "Federated",
    "Action",
    "NotAction",
    "Condition",
    "StringEquals",
    "StringLike",
    "ForAnyValue:StringLike",
    "ForAllValues:StringEquals",
    "StringNotEqualsIfExists",
    "Null",
    "oidc.circleci.com/org/1f0c8e9a-2b3d-4c5e-8f70-112233445566:sub",
    "oidc.circleci.com/org/1f0c8e9a-2b3d-4c5e-8f70-112233445566:aud",
    "AssumeRolePolicyDocument",
    "Role",
    "attributeCondition",
    "attributeMapping",
    "google.subject",
    "oidc",
    "issuerUri",
    "allowedAudiences",
    "role_type",
    "bound_claims",
    "bound_claims_type",
    "bound_audiences",
    "bound_subject",
    "user_claim",
    "claim_mappings",
    "oidc_discovery_url",
    "bound_issuer",
    "issuer",
    "subject",
    "audiences",
    "claimsMatchingExpression",
    "name",
];

fn text_leaf() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-z0-9/*?.:_-]{0,30}",
        Just(v2_sub()),
        Just(format!("org/{ORG}/project/*")),
        Just(
            "assertion.sub == 'x' && assertion['oidc.circleci.com/vcs-ref'].startsWith('refs/')"
                .to_string()
        ),
        Just("${aws:username}*?".to_string()),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        text_leaf().prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop_oneof![
                        prop::sample::select(KEYS).prop_map(str::to_string),
                        any::<String>()
                    ],
                    inner
                ),
                0..6
            )
            .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<String, Value>>())),
        ]
    })
}

/// Replace the node reached by following `path` (indices taken modulo each container's size) with `with`.
fn replace_at(node: &mut Value, path: &[usize], with: Value) {
    let Some((&i, rest)) = path.split_first() else {
        *node = with;
        return;
    };
    let child = match node {
        Value::Array(a) if !a.is_empty() => {
            let n = a.len();
            a.get_mut(i % n)
        }
        Value::Object(m) if !m.is_empty() => {
            let n = m.len();
            m.values_mut().nth(i % n)
        }
        _ => None,
    };
    match child {
        Some(child) => replace_at(child, rest, with),
        None => *node = with,
    }
}

/// A real policy with one subtree replaced by arbitrary JSON, rendered as text (sometimes cut short).
fn mutated_policy() -> impl Strategy<Value = String> {
    (
        any::<prop::sample::Index>(),
        prop::collection::vec(any::<usize>(), 0..6),
        json_value(),
        any::<prop::sample::Index>(),
        any::<bool>(),
    )
        .prop_map(|(which, path, with, cut, truncate)| {
            let seeds = seeds();
            let mut doc = if seeds.is_empty() {
                Value::Null
            } else {
                seeds[which.index(seeds.len())].clone()
            };
            replace_at(&mut doc, &path, with);
            let text = serde_json::to_string_pretty(&doc).unwrap_or_default();
            if truncate {
                let mut end = cut.index(text.len() + 1);
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                text[..end].to_string()
            } else {
                text
            }
        })
}

/// Real V2 claims with one claim set to an arbitrary value (or removed), as a signed-looking token.
fn odd_token() -> impl Strategy<Value = String> {
    (any::<prop::sample::Index>(), prop::option::of(json_value())).prop_map(|(which, value)| {
        let mut claims = fixture_claims();
        if let Some(map) = claims.as_object_mut() {
            let key = map
                .keys()
                .nth(which.index(map.len()))
                .cloned()
                .unwrap_or_default();
            match value {
                Some(v) => {
                    map.insert(key, v);
                }
                None => {
                    map.remove(&key);
                }
            }
        }
        token(&header(), &claims)
    })
}

fn any_token() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        any::<String>(),
        Just(token_v2()),
        Just(token_v1()),
        Just(fixture_token()),
        odd_token(),
        json_value().prop_map(|v| v.to_string()),
    ]
}

fn any_policy() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        any::<String>(),
        json_value().prop_map(|v| v.to_string()),
        mutated_policy(),
    ]
}

fn any_error_text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        any::<String>(),
        Just("An error occurred (AccessDenied) when calling the AssumeRoleWithWebIdentity operation: Not authorized to perform sts:AssumeRoleWithWebIdentity".to_string()),
        Just("AADSTS70021: No matching federated identity record found for presented assertion.".to_string()),
        Just("error validating claims: claim \"sub\" does not match any associated bound claim values".to_string()),
        Just("The given credential is rejected by the attribute condition.".to_string()),
    ]
}

fn any_now() -> impl Strategy<Value = i64> {
    prop_oneof![any::<i64>(), Just(IAT), Just(1_764_000_000), Just(0)]
}

fn run(token: &str, policy: &str, error_text: &str, now: i64) -> Result<Report, TestCaseError> {
    let input = Input {
        token,
        policy,
        error_text,
        now,
        ..Input::default()
    };
    let a = analyze(&input);
    let b = analyze(&input);
    prop_assert_eq!(&a, &b, "analyze is deterministic");
    let json = serde_json::to_string(&a);
    prop_assert!(json.is_ok(), "the report serializes");
    prop_assert_eq!(json.ok(), serde_json::to_string(&b).ok());
    Ok(a)
}

#[test]
fn the_seed_policies_are_there_and_reach_a_verdict() {
    // Without seeds the mutation strategy would only test `null`: make that a failure, not a silent pass.
    let seeds = seeds();
    assert!(seeds.len() >= 100, "only {} seed policies", seeds.len());
    let token = fixture_token();
    let verdicts = seeds
        .iter()
        .filter(|p| {
            let policy = p.to_string();
            let r = analyze(&Input {
                token: &token,
                policy: &policy,
                error_text: "",
                now: 1_764_000_000,
                ..Input::default()
            });
            r.verdict.is_some()
        })
        .count();
    assert!(
        verdicts * 2 > seeds.len(),
        "only {verdicts} of {} seeds reach a verdict",
        seeds.len()
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_strings_never_panic(token in any::<String>(), policy in any::<String>(), error_text in any::<String>(), now in any::<i64>()) {
        run(&token, &policy, &error_text, now)?;
    }

    #[test]
    fn any_combination_never_panics(token in any_token(), policy in any_policy(), error_text in any_error_text(), now in any_now()) {
        let r = run(&token, &policy, &error_text, now)?;
        if policy.trim().is_empty() {
            prop_assert!(r.verdict.is_none(), "no policy, no verdict");
        }
        for f in &r.findings {
            prop_assert!(!f.code.is_empty() && f.code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'), "code `{}`", f.code);
        }
    }

    #[test]
    fn mutated_real_policies_never_panic(policy in mutated_policy(), token in prop_oneof![Just(fixture_token()), Just(token_v1()), odd_token()], now in any_now()) {
        run(&token, &policy, "", now)?;
    }
}
