//! Benchmark of reading Terraform HCL (`policy::hcl::read`) and of the whole evaluation of it
//! (`policy::evaluate`), for a typical `main.tf` (a role, a policy document data source, locals and variables),
//! for a ~1 MB one (the same document with about 2,500 statements), and for that one with a second `condition`
//! block on the same test and variable in each statement (2,500 warnings, each located in the HCL). Prints the
//! median of several runs, and, for comparison, that of evaluating the configuration read pasted as JSON
//! instead; and the allocations one evaluation makes, which a shared machine does not blur as it does times.
//!
//! `cargo run --release --example bench_hcl` (`-- large` for one case only, e.g. under a profiler)

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use claimcheck::policy;
use serde_json::{json, Map, Value};

const ORG: &str = "bb0c6a3e-2d2c-4e2c-9a53-1a2b3c4d5e6f";
const NOW: i64 = 1_790_000_000;

/// The system allocator, counting allocations.
struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn statement(i: usize, merged: bool) -> String {
    let condition = |values: &str| {
        format!("    condition {{\n      test     = \"StringLike\"\n      variable = \"${{local.provider}}:sub\"\n      values   = {values}\n    }}\n")
    };
    let first = condition(&format!(
        "[for p in [\"p{i}\", \"q{i}\"] : \"org/${{var.org}}/project/${{p}}/*\"]"
    ));
    let second = if merged {
        condition(&format!("[\"org/${{var.org}}/project/r{i}/*\"]"))
    } else {
        String::new()
    };
    format!(
        "  statement {{\n    sid     = \"S{i}\"\n    actions = [\"sts:AssumeRoleWithWebIdentity\"]\n    principals {{\n      type        = \"Federated\"\n      identifiers = [\"arn:aws:iam::${{data.aws_caller_identity.current.account_id}}:oidc-provider/${{local.provider}}\"]\n    }}\n{first}{second}  }}\n"
    )
}

fn file(statements: usize, merged: bool) -> String {
    let mut t = format!("variable \"org\" {{\n  default = \"{ORG}\"\n}}\n\nlocals {{\n  provider = \"oidc.circleci.com/org/${{var.org}}\"\n}}\n\ndata \"aws_iam_policy_document\" \"trust\" {{\n");
    for i in 0..statements {
        t.push_str(&statement(i, merged));
    }
    t.push_str("}\n\nresource \"aws_iam_role\" \"ci\" {\n  name               = \"ci\"\n  assume_role_policy = data.aws_iam_policy_document.trust.json\n}\n");
    t
}

fn median(mut runs: Vec<Duration>) -> Duration {
    runs.sort();
    runs[runs.len() / 2]
}

fn time(n: usize, mut f: impl FnMut()) -> Duration {
    median(
        (0..n)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed()
            })
            .collect(),
    )
}

fn main() {
    let claims: Map<String, Value> = json!({
        "iss": format!("https://oidc.circleci.com/org/{ORG}"),
        "sub": format!("org/{ORG}/project/p1/user/u/vcs-origin/github.com/a/b/vcs-ref/refs/heads/main"),
        "aud": ORG, "iat": NOW - 60, "exp": NOW + 3540,
    })
    .as_object()
    .cloned()
    .unwrap_or_default();
    let only = std::env::args().nth(1);
    for (name, text, runs) in [
        ("typical", file(2, false), 200),
        ("large", file(2_500, false), 9),
        ("merged", file(2_500, true), 9),
    ] {
        if only.as_deref().is_some_and(|o| o != name) {
            continue;
        }
        let read = time(runs, || {
            black_box(policy::hcl::read(black_box(&text)).ok());
        });
        let whole = time(runs, || {
            black_box(policy::evaluate(black_box(&text), Some(&claims), NOW));
        });
        // The floor: the configuration read, pasted as JSON instead (no HCL to read, no locations to map back).
        let json = policy::hcl::read(&text)
            .ok()
            .flatten()
            .map(|r| serde_json::to_string_pretty(&r.value).unwrap_or_default())
            .unwrap_or_default();
        let as_json = time(runs, || {
            black_box(policy::evaluate(black_box(&json), Some(&claims), NOW));
        });
        let before = ALLOCATIONS.load(Ordering::Relaxed);
        let verdict = policy::evaluate(&text, Some(&claims), NOW).verdict;
        let allocations = ALLOCATIONS.load(Ordering::Relaxed) - before;
        println!(
            "{name:8} {:>8.1} KB  read {:>9.3} ms  evaluate {:>9.3} ms  (as JSON {:>8.3} ms; {allocations} allocations; verdict {verdict:?}, median of {runs})",
            text.len() as f64 / 1024.0,
            read.as_secs_f64() * 1e3,
            whole.as_secs_f64() * 1e3,
            as_json.as_secs_f64() * 1e3,
        );
    }
}
