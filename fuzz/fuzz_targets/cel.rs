//! GCP's CEL evaluator on arbitrary expressions, with `assertion` bound to fixed realistic claims and
//! `google`/`attribute` to small maps.
#![no_main]
use claimcheck::policy::gcp::cel::{self, Val};
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};

fuzz_target!(|data: &[u8]| {
    let text = claimcheck_fuzz::text(data);
    let vars = || {
        vec![
            (
                "assertion".to_string(),
                Val::from_json(&Value::Object(claimcheck_fuzz::claims())),
            ),
            (
                "google".to_string(),
                Val::from_json(&json!({"subject": "org/x", "groups": ["a", "b"]})),
            ),
            (
                "attribute".to_string(),
                Val::from_json(&json!({"ref": "refs/heads/main", "n": 3, "f": 1.5})),
            ),
        ]
    };
    let a = cel::evaluate(&text, vars());
    let b = cel::evaluate(&text, vars());
    assert_eq!(
        format!("{a:?}"),
        format!("{b:?}"),
        "CEL evaluation is deterministic"
    );
    if let Ok(v) = a {
        let _ = v.to_json();
    }
});
