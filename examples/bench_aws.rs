//! Benchmark of the AWS trust-policy evaluation (parse + evaluate + lints + diagnoses, i.e. all of
//! `policy::evaluate`): a typical policy, and a ~1 MB policy of 1,000 statements. Prints numbers.
//!
//! `cargo run --release --example bench_aws [-- --emit DIR]`; with `--emit`, writes the policies and the token
//! (typical.json, large.json, claims.json) for `tests/differential/bench.js` to time iam-simulate on the same
//! inputs. `scripts/bench-aws.sh` runs both and prints the ratio.

use std::hint::black_box;
use std::time::{Duration, Instant};

use claimcheck::policy;
use claimcheck::report::Verdict;
use serde_json::{json, Map, Value};

const ORG: &str = "8a3b1e07-5f2d-4c3a-9b1e-0c6d2f4a7e91";
const PROJECT: &str = "d4f0c2a1-7b3e-4e5f-8a9b-1c2d3e4f5a6b";
const NOW: i64 = 1_795_650_000;

fn claims() -> Map<String, Value> {
    let sub = format!(
        "org/{ORG}/project/{PROJECT}/user/5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9/vcs-origin/github.com/acme/widgets/vcs-ref/refs/heads/main"
    );
    let v = json!({
        "iss": format!("https://oidc.circleci.com/org/{ORG}"),
        "aud": ORG,
        "sub": sub,
        "iat": NOW - 600,
        "exp": NOW + 3000,
        "oidc.circleci.com/org-id": ORG,
        "oidc.circleci.com/project-id": PROJECT,
        "oidc.circleci.com/vcs-origin": "github.com/acme/widgets",
        "oidc.circleci.com/vcs-ref": "refs/heads/main",
    });
    v.as_object().cloned().unwrap_or_default()
}

fn statement(sid: &str, project: &str, branches: &[String]) -> Value {
    let p = format!("oidc.circleci.com/org/{ORG}");
    let subs: Vec<String> = branches
        .iter()
        .map(|b| {
            format!("org/{ORG}/project/{project}/user/*/vcs-origin/github.com/acme/*/vcs-ref/{b}")
        })
        .collect();
    json!({
        "Sid": sid,
        "Effect": "Allow",
        "Principal": {"Federated": format!("arn:aws:iam::123456789012:oidc-provider/{p}")},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {
            "StringEquals": {format!("{p}:aud"): ORG},
            "StringLike": {format!("{p}:sub"): subs},
        }
    })
}

fn typical() -> String {
    let doc = json!({"Version": "2012-10-17", "Statement": [statement("CircleCI", PROJECT, &["refs/heads/main".into()])]});
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

/// ~1 MB: 1,000 statements, each for another project with three branch patterns; the last one matches.
fn large() -> String {
    let mut statements = Vec::new();
    for i in 0..1000 {
        let project = if i == 999 {
            PROJECT.to_string()
        } else {
            format!("00000000-0000-4000-8000-{i:012}")
        };
        let branches: Vec<String> = (0..2)
            .map(|b| format!("refs/heads/release-{i}-{b}/*"))
            .chain(["refs/heads/main".to_string()])
            .collect();
        statements.push(statement(&format!("Project{i}"), &project, &branches));
    }
    serde_json::to_string_pretty(&json!({"Version": "2012-10-17", "Statement": statements}))
        .unwrap_or_default()
}

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
    for (name, text) in [("typical", &typical), ("large", &large)] {
        let ev = policy::evaluate(text, Some(&claims), NOW);
        assert_eq!(ev.verdict, Some(Verdict::Allow), "{name} must allow");
    }
    let (mean, best, n) = time(1000, Duration::from_secs(2), || {
        black_box(policy::evaluate(black_box(&typical), Some(&claims), NOW));
    });
    println!("claimcheck typical: {} bytes, 1 statement: mean CPU {:.1} us, best wall {:.1} us ({n} runs)", typical.len(), us(mean), us(best));
    let (mean_l, best_l, n_l) = time(10, Duration::from_secs(3), || {
        black_box(policy::evaluate(black_box(&large), Some(&claims), NOW));
    });
    println!("claimcheck large: {} bytes, 1000 statements: mean CPU {:.2} ms, best wall {:.2} ms ({n_l} runs)", large.len(), ms(mean_l), ms(best_l));
    println!(
        "{}",
        json!({"typical_us": us(mean), "large_ms": ms(mean_l), "large_bytes": large.len()})
    );
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
