//! The AWS benchmark of `examples/bench_aws.rs` compiled to WebAssembly, as the browser runs `analyze`:
//! `scripts/bench-aws-wasm.mjs` instantiates the module under Node, calls [`prepare`] once, then times
//! [`run_typical`] / [`run_large`] (one `analyze` per call; no clock inside the module).
//!
//! `cargo build --release --example bench_aws_wasm --target wasm32-unknown-unknown`

#![cfg_attr(target_arch = "wasm32", no_main)]

#[path = "common/bench_inputs.rs"]
mod inputs;

use std::hint::black_box;
use std::sync::OnceLock;

use claimcheck::report::Verdict;
use claimcheck::{analyze, Input};

struct Inputs {
    claims: serde_json::Map<String, serde_json::Value>,
    token: String,
    typical: String,
    large: String,
}

static INPUTS: OnceLock<Inputs> = OnceLock::new();

fn inputs() -> &'static Inputs {
    INPUTS.get_or_init(|| Inputs {
        claims: inputs::claims(),
        token: inputs::token(&inputs::claims()),
        typical: inputs::typical(),
        large: inputs::large(),
    })
}

/// Analyze `policy` once; 1 when the verdict is the expected allow.
fn run(policy: &str) -> u32 {
    let report = analyze(black_box(&Input {
        token: &inputs().token,
        policy,
        error_text: "",
        now: inputs::NOW,
        ..Input::default()
    }));
    u32::from(report.verdict == Some(Verdict::Allow))
}

/// Build the inputs; returns the size of the large policy in bytes.
#[no_mangle]
pub extern "C" fn prepare() -> u32 {
    u32::try_from(inputs().large.len()).unwrap_or(u32::MAX)
}

/// One `analyze` of the typical policy; 1 when it allows.
#[no_mangle]
pub extern "C" fn run_typical() -> u32 {
    run(&inputs().typical)
}

/// One `analyze` of the ~1 MB, 1,000-statement policy; 1 when it allows.
#[no_mangle]
pub extern "C" fn run_large() -> u32 {
    run(&inputs().large)
}

/// The policy evaluation alone (the same work as iam-simulate, see `inputs::evaluate_only`); 1 when it allows.
fn run_eval(policy: &str) -> u32 {
    let allows = inputs::evaluate_only(black_box(policy), &inputs().claims, inputs::NOW);
    u32::from(allows == Some(true))
}

/// The evaluation alone of the typical policy; 1 when it allows.
#[no_mangle]
pub extern "C" fn eval_typical() -> u32 {
    run_eval(&inputs().typical)
}

/// The evaluation alone of the ~1 MB policy; 1 when it allows.
#[no_mangle]
pub extern "C" fn eval_large() -> u32 {
    run_eval(&inputs().large)
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    // Natively this only checks that the exports work; the numbers come from the wasm build.
    assert_eq!((run_typical(), run_large()), (1, 1));
    assert_eq!((eval_typical(), eval_large()), (1, 1));
    println!("ok: large policy {} bytes", prepare());
}
