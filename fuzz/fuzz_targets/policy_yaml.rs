//! The YAML reader (gcloud's default output, CloudFormation templates) alone, then the dispatcher on the same
//! text against fixed realistic claims, which evaluates YAML and maps its locations back.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = claimcheck_fuzz::text(data);
    let a = claimcheck::policy::yaml::parse(&text);
    assert_eq!(a, claimcheck::policy::yaml::parse(&text), "reading is deterministic");
    if let Ok(parsed) = &a {
        let _ = serde_json::to_string(&parsed.value);
        for (pointer, _) in &parsed.spans {
            let _ = parsed.locate(pointer);
        }
    }
    claimcheck_fuzz::platform(data, claimcheck::policy::aws::evaluate);
});
