//! Azure federated identity credentials, evaluated against fixed realistic claims (through the dispatcher and directly).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    claimcheck_fuzz::platform(data, claimcheck::policy::azure::evaluate);
});
