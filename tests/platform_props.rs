//! No input makes the GCP, Vault or Azure evaluators panic or hang: arbitrary JSON shaped like their
//! configurations, arbitrary claims, arbitrary CEL text and arbitrary error text.

use claimcheck::policy::{azure, gcp, vault};
use proptest::prelude::*;
use serde_json::{Map, Value};

const KEYS: &[&str] = &[
    "name",
    "oidc",
    "issuerUri",
    "allowedAudiences",
    "attributeMapping",
    "attributeCondition",
    "disabled",
    "state",
    "data",
    "request_id",
    "config",
    "role",
    "role_type",
    "user_claim",
    "bound_audiences",
    "bound_subject",
    "bound_claims",
    "bound_claims_type",
    "claim_mappings",
    "groups_claim",
    "bound_issuer",
    "oidc_discovery_url",
    "clock_skew_leeway",
    "expiration_leeway",
    "user_claim_json_pointer",
    "issuer",
    "subject",
    "audiences",
    "claimsMatchingExpression",
    "value",
    "iss",
    "sub",
    "aud",
    "exp",
    "iat",
    "nbf",
    "google.subject",
    "attribute.project",
    "/a/b",
    "/oidc.circleci.com~1project-id",
    "oidc.circleci.com/vcs-ref",
    "",
];

const WORDS: &[&str] = &[
    "jwt",
    "oidc",
    "glob",
    "string",
    "sub",
    "assertion.sub",
    "assertion['x']",
    "attribute.project == 'p'",
    "https://oidc.circleci.com/org/o",
    "refs/heads/*",
    "*",
    "a*b*c",
    "5m",
    "-1",
    "has(assertion.sub)",
    "assertion.sub.matches('x')",
    "[1,2].exists(x, x == 1)",
    "org/o/project/p/user/u",
];

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(KEYS).prop_map(str::to_string),
        ".{0,12}"
    ]
}

fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        prop::sample::select(WORDS).prop_map(Value::from),
        ".{0,20}".prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((key(), inner), 0..8)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

fn claims() -> impl Strategy<Value = Map<String, Value>> {
    prop::collection::vec((key(), json()), 0..10).prop_map(|kv| kv.into_iter().collect())
}

fn cel_text() -> impl Strategy<Value = String> {
    let atom = prop_oneof![
        prop::sample::select(&[
            "assertion",
            "attribute",
            "google",
            ".",
            "[",
            "]",
            "(",
            ")",
            "{",
            "}",
            ",",
            ":",
            "?",
            "==",
            "!=",
            "<",
            "&&",
            "||",
            "!",
            "-",
            "+",
            "*",
            "/",
            "%",
            " in ",
            "'a'",
            "\"b\"",
            "1",
            "2.5",
            "1u",
            "b'x'",
            "true",
            "null",
            "has(",
            "size(",
            ".exists(x, ",
            ".all(x, ",
            ".map(x, ",
            "startsWith(",
            "sub",
            "x",
            "'''t'''",
            "r'\\d'",
            "'\\u00e9'",
            "0x1F",
            "9223372036854775807",
            "é",
        ])
        .prop_map(str::to_string),
        ".{0,3}",
    ];
    prop::collection::vec(atom, 0..40).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn evaluators_never_panic(doc in json(), c in claims(), now in any::<i64>(), with_claims in any::<bool>()) {
        let claims = with_claims.then_some(&c);
        let text = doc.to_string();
        let _ = gcp::recognize(&doc);
        let _ = vault::recognize(&doc);
        let _ = azure::recognize(&doc);
        let _ = gcp::evaluate(&doc, &text, claims, now);
        let _ = vault::evaluate(&doc, &text, claims, now);
        let _ = azure::evaluate(&doc, &text, claims, now);
        let _ = gcp::suggest(&c);
        let _ = vault::suggest(&c);
        let _ = azure::suggest(&c);
    }

    #[test]
    fn cel_never_panics(src in cel_text(), c in claims()) {
        let vars = vec![
            ("assertion".to_string(), gcp::cel::Val::from_json(&Value::Object(c))),
            ("attribute".to_string(), gcp::cel::Val::Map(Vec::new())),
        ];
        let _ = gcp::cel::evaluate(&src, vars);
    }

    #[test]
    fn cel_arbitrary_text_never_panics(src in "\\PC{0,80}") {
        let _ = gcp::cel::evaluate(&src, Vec::new());
    }

    #[test]
    fn error_text_never_panics(text in "\\PC{0,200}", c in claims()) {
        let _ = gcp::explain_error_text(&text, Some(&c));
        let _ = vault::explain_error_text(&text, Some(&c));
        let _ = azure::explain_error_text(&text, None);
    }

    #[test]
    fn glob_agrees_with_a_reference(pattern in "[ab*]{0,8}", subject in "[ab]{0,10}") {
        prop_assert_eq!(vault::glob::glob_match(&pattern, &subject), reference_glob(pattern.as_bytes(), subject.as_bytes()));
    }
}

/// A slow but obviously correct star-only glob, to check the fast one against.
fn reference_glob(p: &[u8], s: &[u8]) -> bool {
    match p.split_first() {
        None => s.is_empty(),
        Some((b'*', rest)) => (0..=s.len()).any(|i| reference_glob(rest, &s[i..])),
        Some((c, rest)) => s.first() == Some(c) && reference_glob(rest, &s[1..]),
    }
}

#[test]
fn huge_and_deep_inputs_stay_fast() {
    let start = std::time::Instant::now();
    let deep = format!("{}true{}", "(".repeat(100_000), ")".repeat(100_000));
    assert!(gcp::cel::evaluate(&deep, Vec::new()).is_err());
    let chain = vec!["true"; 200_000].join(" && ");
    assert!(gcp::cel::evaluate(&chain, Vec::new()).is_err());
    let long = format!("'{}' == 'x'", "a".repeat(1_000_000));
    assert!(gcp::cel::evaluate(&long, Vec::new()).is_ok());
    let pattern = "a*".repeat(2000) + "b";
    assert!(!vault::glob::glob_match(&pattern, &"a".repeat(1_000_000)));
    // A hang detector, not a timing test: a backtracking matcher would take hours here.
    assert!(start.elapsed().as_secs() < 60, "took {:?}", start.elapsed());
}
