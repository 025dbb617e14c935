//! The Terraform HCL reader alone (deterministic; every located pointer is a place in the text), then the
//! dispatcher on the same text against fixed realistic claims, which evaluates what it reads back.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = claimcheck_fuzz::text(data);
    let a = claimcheck::policy::hcl::read(&text);
    assert_eq!(a, claimcheck::policy::hcl::read(&text), "reading is deterministic");
    if let Ok(Some(read)) = &a {
        let _ = serde_json::to_string(&read.value);
        let lines = text.lines().count().max(1);
        for (_, at) in &read.spans {
            assert!(at.line >= 1 && at.line <= lines + 1, "a located line is in the text");
        }
    }
    claimcheck_fuzz::platform(data, claimcheck::policy::aws::evaluate);
});
