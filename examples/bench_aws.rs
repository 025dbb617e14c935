//! Benchmark of what the browser runs on every edit with an AWS policy: the whole `claimcheck::analyze` pipeline
//! (token decode and inspection, policy JSON parse and location scan, statement parse, lints, context, evaluation,
//! diagnoses, generated policies) for a typical policy and for a ~1 MB policy of 1,000 statements. Prints numbers.
//!
//! `cargo run --release --example bench_aws [-- --emit DIR] [--stages]`; with `--emit`, writes the policies and
//! the token (typical.json, large.json, claims.json) for `tests/differential/bench.js` to time iam-simulate on the
//! same inputs; with `--stages`, also prints the time of each AWS stage on the large policy (`--stages STAGE`
//! instead runs only that stage, 50 times, and exits: for `perf record` or `valgrind --tool=callgrind`, whose
//! instruction counts do not depend on the load).
//! `scripts/bench-aws.sh` runs both and prints the ratio.

use std::hint::black_box;
use std::time::{Duration, Instant};

use claimcheck::policy::aws::{context, diagnose, eval, lint, parse};
use claimcheck::policy::{self, json};
use claimcheck::report::Verdict;
use claimcheck::{analyze, Input};
use serde_json::{json, Map, Value};

#[path = "common/bench_inputs.rs"]
mod inputs;

use inputs::{claims, large, token, typical, NOW};

/// CPU time (user + system) this process has used, from Linux `/proc/self/stat` (clock ticks, assumed
/// 100 per second), so that numbers stay meaningful on a loaded machine; `None` elsewhere.
fn cpu_time() -> Option<Duration> {
    let s = std::fs::read_to_string("/proc/self/stat").ok()?;
    let rest = s.get(s.rfind(')')? + 1..)?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // After the command name: state is field 3, utime 14, stime 15 (1-based, whole line).
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(Duration::from_millis((utime + stime) * 10))
}

/// Runs `f` until `budget` of wall time is spent (at least `min` times); returns the mean CPU time per run
/// (wall time where CPU time is unavailable), the best wall time, and the number of runs.
fn time(min: u32, budget: Duration, mut f: impl FnMut()) -> (Duration, Duration, u32) {
    for _ in 0..3 {
        f(); // warm up
    }
    let start = Instant::now();
    let cpu_start = cpu_time();
    let mut n = 0;
    let mut best = Duration::MAX;
    while n < min || start.elapsed() < budget {
        let t = Instant::now();
        f();
        best = best.min(t.elapsed());
        n += 1;
    }
    let spent = match (cpu_start, cpu_time()) {
        (Some(a), Some(b)) => b.saturating_sub(a),
        _ => start.elapsed(),
    };
    (spent / n, best, n)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let claims = claims();
    let typical = typical();
    let large = large();
    if let Some(dir) = args
        .iter()
        .position(|a| a == "--emit")
        .and_then(|i| args.get(i + 1))
    {
        let write = |name: &str, text: &str| {
            if let Err(e) = std::fs::write(format!("{dir}/{name}"), text) {
                eprintln!("cannot write {dir}/{name}: {e}");
                std::process::exit(2);
            }
        };
        write("typical.json", &typical);
        write("large.json", &large);
        write("claims.json", &Value::Object(claims.clone()).to_string());
    }
    let token = token(&claims);
    let input = |policy: &'static str| Input {
        token: &token,
        policy,
        error_text: "",
        now: NOW,
        ..Input::default()
    };
    let typical: &'static str = typical.leak();
    let large: &'static str = large.leak();
    for (name, text) in [("typical", typical), ("large", large)] {
        let report = analyze(&input(text));
        assert_eq!(report.verdict, Some(Verdict::Allow), "{name} must allow");
        let ev = policy::evaluate(text, Some(&claims), NOW);
        assert_eq!(
            report.checks, ev.checks,
            "{name}: analyze evaluates the policy"
        );
    }
    if let Some(i) = args.iter().position(|a| a == "--stages") {
        let only = args.get(i + 1).map(String::as_str);
        stages(large, &claims, &input(large), only);
        if only.is_some() {
            return;
        }
    }
    let (mean, best, n) = time(1000, Duration::from_secs(2), || {
        black_box(analyze(black_box(&input(typical))));
    });
    println!("claimcheck typical: {} bytes, 1 statement: mean CPU {:.1} us, best wall {:.1} us ({n} runs)", typical.len(), us(mean), us(best));
    let (mean_l, best_l, n_l) = time(10, Duration::from_secs(3), || {
        black_box(analyze(black_box(&input(large))));
    });
    println!("claimcheck large: {} bytes, 1000 statements: mean CPU {:.2} ms, best wall {:.2} ms ({n_l} runs)", large.len(), ms(mean_l), ms(best_l));
    // The same work as iam-simulate (parse, load, evaluate; no lints, diagnoses or token): for the ratio.
    for text in [typical, large] {
        assert_eq!(inputs::evaluate_only(text, &claims, NOW), Some(true));
    }
    let (mean_e, best_e, n_e) = time(1000, Duration::from_secs(2), || {
        black_box(inputs::evaluate_only(black_box(typical), &claims, NOW));
    });
    println!("claimcheck evaluation only (as iam-simulate) typical: mean CPU {:.1} us, best wall {:.1} us ({n_e} runs)", us(mean_e), us(best_e));
    let (mean_el, best_el, n_el) = time(10, Duration::from_secs(3), || {
        black_box(inputs::evaluate_only(black_box(large), &claims, NOW));
    });
    println!("claimcheck evaluation only (as iam-simulate) large: mean CPU {:.2} ms, best wall {:.2} ms ({n_el} runs)", ms(mean_el), ms(best_el));
    println!(
        "{}",
        json!({"typical_us": us(mean), "large_ms": ms(mean_l), "large_bytes": large.len(),
               "eval_typical_us": us(mean_e), "eval_large_ms": ms(mean_el)})
    );
}

/// The AWS stages of `analyze` on `text`, one at a time in the order `policy::aws::evaluate` runs them (best of
/// 20 runs each), then the whole pipeline. With `only` (a stage name's first word), that stage runs 50 times
/// and the others once.
fn stages(text: &str, claims: &Map<String, Value>, input: &Input<'_>, only: Option<&str>) {
    let mut rows: Vec<(&str, f64)> = Vec::new();
    macro_rules! stage {
        ($name:expr, $f:expr) => {{
            let runs = match only {
                None => 20,
                Some(o) if $name.starts_with(o) => 50,
                Some(_) => 0,
            };
            let mut out = $f;
            let mut best = f64::MAX;
            for _ in 0..runs {
                let t = Instant::now();
                out = black_box($f);
                best = best.min(ms(t.elapsed()));
            }
            rows.push(($name, best));
            out
        }};
    }
    let (value, _) = stage!(
        "parse (serde_json)",
        json::parse_value(text).expect("valid JSON")
    );
    let found = stage!(
        "find the document",
        parse::find(&value).expect("an AWS policy")
    );
    let spans = json::LazySpans::new(text);
    stage!(
        "duplicate keys (member count)",
        json::LazySpans::new(text).duplicates(&value).len()
    );
    stage!(
        "scan for locations (when one is reported)",
        json::scan(text)
    );
    let locator = parse::Locator {
        spans: Some(&spans),
        prefix: found.pointer.as_str(),
    };
    let policy = stage!(
        "statements read",
        parse::parse(&value, locator, &mut Vec::new())
    );
    stage!("lints", lint::lint(&policy, locator, false));
    let ctx = stage!("context", context::Context::from_claims(claims, NOW));
    let ev = stage!("evaluation (checks)", eval::evaluate(&policy, &ctx, claims));
    stage!(
        "diagnoses (on a clone of the evaluation)",
        diagnose::diagnose(&policy, &ctx, claims, &mut ev.clone(), locator)
    );
    stage!("clone of the evaluation", ev.clone());
    stage!(
        "policy::evaluate (all of the above)",
        policy::evaluate(text, Some(claims), NOW)
    );
    stage!("analyze (token + policy + suggestions)", analyze(input));
    for (name, t) in rows {
        if t < f64::MAX {
            println!("  stage {name:<45} {t:8.2} ms");
        }
    }
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
