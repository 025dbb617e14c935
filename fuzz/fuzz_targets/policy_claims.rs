//! Policy and claims both mutated: `policy 0x1f claims-json 0x1f now`. Claims that are not a JSON object are
//! read as a token instead (so real tokens in the corpus work too).
#![no_main]
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let text = claimcheck_fuzz::text(data);
    let [policy, claims, now] = claimcheck_fuzz::fields::<3>(&text);
    let now = claimcheck_fuzz::now_from(now);
    let claims = match serde_json::from_str::<Value>(claims) {
        Ok(Value::Object(m)) => Some(m),
        _ => claimcheck::token::decode(claims).claims,
    };
    let e = claimcheck::policy::evaluate(policy, claims.as_ref(), now);
    let _ = claimcheck::policy::explain_error_text(policy, claims.as_ref());
    if let Some(c) = &claims {
        let _ = claimcheck::policy::suggest(e.info.kind, c);
    }
});
