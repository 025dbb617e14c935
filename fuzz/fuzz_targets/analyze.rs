//! The whole pipeline: `token 0x1f policy 0x1f error-text 0x1f now`; the report serializes and is
//! deterministic.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = claimcheck_fuzz::text(data);
    let [token, policy, error_text, now] = claimcheck_fuzz::fields::<4>(&text);
    let input = claimcheck::Input {
        token,
        policy,
        error_text,
        now: claimcheck_fuzz::now_from(now),
        signature_removed: text.len() % 2 == 1,
    };
    let a = claimcheck::analyze(&input);
    assert_eq!(a, claimcheck::analyze(&input), "analyze is deterministic");
    assert!(serde_json::to_string(&a).is_ok());
});
