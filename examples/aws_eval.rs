//! Evaluate trust policies for the differential test: one JSON object per input line,
//! `{"policy": "<policy text>", "claims": {...}, "now": <unix seconds>}`, one JSON object per output line,
//! `{"verdict": "allow" | "deny" | null, "decided_by": "..."}` (or `{"error": "..."}` for a bad line).
//!
//! `cargo run --example aws_eval < cases.jsonl`

use std::io::{self, BufRead, BufWriter, Write};

use claimcheck::policy;
use claimcheck::report::Verdict;
use serde_json::{json, Value};

fn main() -> io::Result<()> {
    let stdin = io::stdin();
    let mut out = BufWriter::new(io::stdout().lock());
    for line in stdin.lock().lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let answer = match serde_json::from_str::<Value>(&line) {
            Ok(case) => {
                let text = case["policy"].as_str().unwrap_or("");
                let claims = case["claims"].as_object();
                let now = case["now"].as_i64().unwrap_or(0);
                let ev = policy::evaluate(text, claims, now);
                let verdict = match ev.verdict {
                    Some(Verdict::Allow) => json!("allow"),
                    Some(Verdict::Deny) => json!("deny"),
                    None => Value::Null,
                };
                json!({"verdict": verdict, "decided_by": ev.info.decided_by})
            }
            Err(e) => json!({"error": e.to_string()}),
        };
        writeln!(out, "{answer}")?;
    }
    out.flush()
}
