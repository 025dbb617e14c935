//! The lenient JWT decoder and the CircleCI inspection of what it decoded.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = claimcheck_fuzz::text(data);
    let decoded = claimcheck::token::decode(&text);
    let _ = decoded.findings();
    let _ = claimcheck::circleci::inspect(&decoded, claimcheck_fuzz::NOW);
});
