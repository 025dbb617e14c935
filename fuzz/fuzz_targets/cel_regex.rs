//! The RE2 matcher behind CEL's `matches()`: the input is `pattern\ntext`. It must never panic or hang,
//! and must answer the same twice.
#![no_main]
use claimcheck::policy::gcp::cel::regex;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let input = claimcheck_fuzz::text(data);
    let (pattern, text) = input.split_once('\n').unwrap_or((&input, ""));
    let a = regex::is_match(pattern, text, &mut 0);
    let b = regex::is_match(pattern, text, &mut 0);
    assert_eq!(a, b, "matching is deterministic");
});
