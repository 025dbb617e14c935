//! Properties of the AWS evaluation: no input makes it panic, and the `StringLike` matcher agrees with a
//! straightforward reference matcher.

use claimcheck::policy;
use claimcheck::policy::aws::glob;
use proptest::prelude::*;
use serde_json::{Map, Value};

fn claims() -> Map<String, Value> {
    serde_json::from_str(
        r#"{"iss":"https://oidc.circleci.com/org/o","aud":["o","x"],"sub":"org/o/project/p/user/u","exp":10,
        "oidc.circleci.com/project-id":"p"}"#,
    )
    .unwrap()
}

/// Reference glob: exponential backtracking, fine for the short inputs generated here.
fn reference(p: &[char], t: &[char]) -> bool {
    match p.split_first() {
        None => t.is_empty(),
        Some(('*', rest)) => (0..=t.len()).any(|i| reference(rest, &t[i..])),
        Some(('?', rest)) => !t.is_empty() && reference(rest, &t[1..]),
        Some((c, rest)) => t.first() == Some(c) && reference(rest, &t[1..]),
    }
}

const KEYS: &[&str] = &[
    "oidc.circleci.com/org/o:sub",
    "oidc.circleci.com/org/o:aud",
    "OIDC.circleci.com/org/o:x",
    "aws:SourceIp",
    "aws:EpochTime",
];
const OPS: &[&str] = &[
    "StringEquals",
    "StringLike",
    "StringNotLikeIfExists",
    "ForAllValues:StringEquals",
    "ForAnyValue:StringLikeIfExists",
    "Null",
    "NumericLessThan",
    "DateGreaterThan",
    "Bool",
    "IpAddress",
    "ArnLike",
    "Bogus",
];

fn policy_strategy() -> impl Strategy<Value = String> {
    let value = prop_oneof![
        Just(Value::from("o")),
        Just(Value::from("org/*")),
        Just(Value::from(true)),
        Just(Value::from(3)),
        Just(Value::Null),
        Just(serde_json::json!(["o", "x*", "?"]))
    ];
    let cond = prop::collection::vec(
        (prop::sample::select(OPS), prop::sample::select(KEYS), value),
        0..4,
    );
    let stmt = (
        cond,
        any::<bool>(),
        prop::sample::select(&["sts:AssumeRoleWithWebIdentity", "sts:*", "x"][..]),
        prop::sample::select(&["*", "fed", "aws"][..]),
    );
    prop::collection::vec(stmt, 0..4).prop_map(|stmts| {
        let statements: Vec<Value> = stmts
            .into_iter()
            .map(|(conds, allow, action, principal)| {
                let mut condition = Map::new();
                for (op, key, v) in conds {
                    let block = condition.entry(op.to_string()).or_insert_with(|| Value::Object(Map::new()));
                    if let Value::Object(b) = block {
                        b.insert(key.to_string(), v);
                    }
                }
                let principal = match principal {
                    "*" => Value::from("*"),
                    "fed" => serde_json::json!({"Federated": "arn:aws:iam::1:oidc-provider/oidc.circleci.com/org/o"}),
                    _ => serde_json::json!({"AWS": "*"}),
                };
                serde_json::json!({"Effect": if allow {"Allow"} else {"Deny"}, "Principal": principal, "Action": action, "Condition": condition})
            })
            .collect();
        serde_json::json!({"Version": "2012-10-17", "Statement": statements}).to_string()
    })
}

proptest! {
    #[test]
    fn glob_matches_the_reference(p in "[ab*?/]{0,8}", t in "[ab/]{0,10}") {
        let compiled = glob::compile(&p, true, None).unwrap();
        let pc: Vec<char> = p.chars().collect();
        let tc: Vec<char> = t.chars().collect();
        prop_assert_eq!(glob::matches(&compiled, &t, false), reference(&pc, &tc));
    }

    #[test]
    fn arbitrary_text_never_panics(text in "[{}\\[\\]\":,a-zA-Z0-9%*?$ \\n\\\\]{0,200}") {
        let c = claims();
        let e = policy::evaluate(&text, Some(&c), 0);
        prop_assert!(e.unusable || e.info.kind.is_some());
    }

    #[test]
    fn error_text_never_panics(
        parts in proptest::collection::vec(prop_oneof![
            Just("User: arn:aws:sts::".to_string()),
            Just(":assumed-role/".to_string()),
            Just(" is not authorized to perform:".to_string()),
            Just("when calling the ".to_string()),
            Just(" operation".to_string()),
            Just("Value '".to_string()),
            Just("' at 'roleSessionName'".to_string()),
            Just("The security token included in the request is expired".to_string()),
            "[a-zA-Z0-9:/'. é…\u{1F600}]{0,12}",
        ], 0..12)
    ) {
        let text = parts.concat();
        let c = claims();
        for (_, f) in policy::explain_error_text(&text, Some(&c)) {
            prop_assert!(!f.message.is_empty());
        }
    }

    #[test]
    fn generated_policies_evaluate_without_panicking(policy in policy_strategy(), now in 0i64..20) {
        let c = claims();
        let e = policy::evaluate(&policy, Some(&c), now);
        prop_assert!(!e.unusable);
        // Every condition gave exactly one check, after the STS checks and principal/action per statement.
        prop_assert!(e.checks.len() >= 2);
        if now >= 10 {
            prop_assert_eq!(e.verdict, Some(claimcheck::report::Verdict::Deny));
        }
    }
}
