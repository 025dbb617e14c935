//! The built `claimcheck` binary: exit codes, JSON shape, text report, token sources.

mod common;

use std::io::Write;
use std::process::{Command, Output, Stdio};

use common::*;
use serde_json::Value;

fn claimcheck(args: &[&str], stdin: Option<&str>, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_claimcheck"));
    cmd.args(args)
        .env_remove("CIRCLE_OIDC_TOKEN_V2")
        .env_remove("CIRCLE_OIDC_TOKEN")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("run claimcheck");
    let mut pipe = child.stdin.take().expect("stdin");
    if let Some(s) = stdin {
        pipe.write_all(s.as_bytes()).expect("write stdin");
    }
    drop(pipe);
    child.wait_with_output().expect("wait")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(o)))
}

fn codes(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

const AT_OK: &str = "1795653157"; // IAT + 10 min

#[test]
fn json_report_of_a_v2_token_from_stdin() {
    let o = claimcheck(
        &["check", "--token", "-", "--at", AT_OK, "--json"],
        Some(&token_v2()),
        &[],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let r = json(&o);
    assert_eq!(r["verdict"], Value::Null);
    assert_eq!(r["at"], 1_795_653_157);
    assert_eq!(r["sub"]["version"], "v2");
    assert_eq!(r["sub"]["variable"], "$CIRCLE_OIDC_TOKEN_V2");
    assert_eq!(r["sub"]["other_form"], v1_sub());
    assert_eq!(r["policy"]["kind"], Value::Null);
    assert_eq!(r["checks"], serde_json::json!([]));
    assert_eq!(codes(&r), Vec::<String>::new());
    assert_eq!(r["unusable_input"], false);
    assert_eq!(r["token"]["form"], "jws");
    assert_eq!(r["claims"][0]["name"], "iss");
    let exp = r["claims"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "exp")
        .unwrap();
    assert_eq!(exp["time"]["relative"], "expires in 50 min");
    assert_eq!(exp["time"]["lifetime"], "1 h");
    assert!(
        !stdout(&o).contains(&fake_signature()),
        "the signature must never be printed"
    );
}

#[test]
fn rfc3339_at_and_expiry() {
    let o = claimcheck(
        &[
            "check",
            "--token",
            "-",
            "--at",
            "2026-11-26T03:22:37Z",
            "--json",
        ],
        Some(&token_v2()),
        &[],
    );
    assert_eq!(o.status.code(), Some(0));
    let r = json(&o);
    assert_eq!(codes(&r), ["token-expired"]);
    assert_eq!(r["findings"][0]["severity"], "error");
    assert_eq!(r["findings"][0]["area"], "token");
}

#[test]
fn at_in_milliseconds_is_read_as_such_with_a_note() {
    let ms = format!("{AT_OK}000");
    let seconds = claimcheck(
        &["check", "--token", "-", "--at", AT_OK, "--json"],
        Some(&token_v2()),
        &[],
    );
    let millis = claimcheck(
        &["check", "--token", "-", "--at", &ms, "--json"],
        Some(&token_v2()),
        &[],
    );
    assert_eq!(millis.status.code(), Some(0));
    assert_eq!(json(&millis), json(&seconds));
    let note = String::from_utf8_lossy(&millis.stderr);
    assert!(
        note.starts_with(&format!(
            "claimcheck: note: --at `{ms}` was read as milliseconds ("
        )),
        "{note}"
    );
    assert!(seconds.stderr.is_empty());
}

#[test]
fn reads_the_circleci_variables_v2_first() {
    let (v1, v2) = (token_v1(), token_v2());
    let o = claimcheck(
        &["check", "--json", "--at", AT_OK],
        None,
        &[("CIRCLE_OIDC_TOKEN", &v1)],
    );
    assert_eq!(json(&o)["sub"]["version"], "v1");
    let o = claimcheck(
        &["check", "--json", "--at", AT_OK],
        None,
        &[("CIRCLE_OIDC_TOKEN", &v1), ("CIRCLE_OIDC_TOKEN_V2", &v2)],
    );
    assert_eq!(json(&o)["sub"]["version"], "v2");
    let o = claimcheck(
        &["check", "--json", "--at", AT_OK],
        None,
        &[("CIRCLE_OIDC_TOKEN_V2", " "), ("CIRCLE_OIDC_TOKEN", &v1)],
    );
    assert_eq!(json(&o)["sub"]["version"], "v1");
    // Falling back to the V1 variable is said, on stderr.
    assert_eq!(
        stderr(&o),
        "claimcheck: note: read $CIRCLE_OIDC_TOKEN (V1 `sub`): $CIRCLE_OIDC_TOKEN_V2 is empty; give `--token` to \
         check another token\n"
    );
    let o = claimcheck(
        &["check", "--json", "--at", AT_OK],
        None,
        &[("CIRCLE_OIDC_TOKEN", &v1)],
    );
    assert!(
        stderr(&o).contains("$CIRCLE_OIDC_TOKEN_V2 is unset"),
        "{}",
        stderr(&o)
    );
    let o = claimcheck(
        &["check", "--json", "--at", AT_OK],
        None,
        &[("CIRCLE_OIDC_TOKEN", &v1), ("CIRCLE_OIDC_TOKEN_V2", &v2)],
    );
    assert_eq!(stderr(&o), "");
}

#[test]
fn reads_a_pasted_file() {
    let dir = std::env::temp_dir().join(format!("claimcheck-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("token.txt");
    std::fs::write(
        &path,
        format!("export CIRCLE_OIDC_TOKEN_V2=\"Bearer {}\"\n", token_v1()),
    )
    .unwrap();
    let o = claimcheck(
        &[
            "check",
            "--token",
            path.to_str().unwrap(),
            "--at",
            AT_OK,
            "--json",
        ],
        None,
        &[],
    );
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(o.status.code(), Some(0));
    let r = json(&o);
    assert_eq!(r["sub"]["version"], "v1");
    assert_eq!(r["sub"]["other_form"], v2_sub());
    assert!(r["token"]["cleanup"].as_array().unwrap().len() >= 3);
}

#[test]
fn text_report_is_readable_and_hides_the_signature() {
    let o = claimcheck(
        &["check", "--token", "-", "--at", AT_OK],
        Some(&token_v2()),
        &[],
    );
    assert_eq!(o.status.code(), Some(0));
    let s = stdout(&o);
    for needle in [
        "verdict: none (no policy evaluated)",
        "signature present (not shown)",
        "sub: v2",
        "vcs-origin github.com/acme/api",
        "variable: $CIRCLE_OIDC_TOKEN_V2",
        "2026-11-26 01:22:37 UTC (expires in 50 min; lifetime 1 h)",
        "alg: \"RS256\"",
    ] {
        assert!(s.contains(needle), "missing `{needle}` in:\n{s}");
    }
    assert!(!s.contains(&fake_signature()));
}

#[test]
fn text_report_shows_bidi_controls_as_markers() {
    // A right-to-left override in the vcs ref: raw, a terminal would show `refs/heads/Not-main`.
    let mut claims = claims_v2();
    let vcs_ref = "refs/heads/\u{202e}niam-toN";
    claims["sub"] = Value::String(v2_sub().replace(VCS_REF, vcs_ref));
    claims["oidc.circleci.com/vcs-ref"] = Value::String(vcs_ref.to_string());
    let o = claimcheck(
        &["check", "--token", "-", "--at", AT_OK],
        Some(&token(&header(), &claims)),
        &[],
    );
    let s = stdout(&o);
    assert!(!s.contains('\u{202e}'), "{s}");
    assert!(s.contains("refs/heads/⟨U+202E⟩niam-toN"), "{s}");
    assert!(s.contains("claim-invisible-characters"), "{s}");
}

#[test]
fn text_report_lists_findings_with_fixes() {
    let o = claimcheck(
        &["check", "--token", "-", "--at", "1795700000"],
        Some(&token_v2()),
        &[],
    );
    let s = stdout(&o);
    assert!(
        s.contains(
            "findings\n  error token-expired: the token expired at `2026-11-26 01:22:37 UTC`"
        ),
        "{s}"
    );
    assert!(s.contains("      fix: get a fresh token"), "{s}");
}

#[test]
fn unusable_token_exits_2() {
    let o = claimcheck(
        &["check", "--token", "-", "--json", "--at", AT_OK],
        Some("not a token!"),
        &[],
    );
    assert_eq!(o.status.code(), Some(2));
    let r = json(&o);
    assert_eq!(r["unusable_input"], true);
    assert_eq!(codes(&r), ["token-not-a-jwt"]);
}

#[test]
fn partial_token_is_still_usable() {
    let t = token_v2();
    let partial: Vec<&str> = t.split('.').take(2).collect();
    let o = claimcheck(
        &["check", "--token", "-", "--json", "--at", AT_OK],
        Some(&partial.join(".")),
        &[],
    );
    assert_eq!(o.status.code(), Some(0));
    let r = json(&o);
    assert_eq!(r["token"]["form"], "partial");
    assert_eq!(codes(&r), ["token-partial"]);
}

#[test]
fn argument_and_file_errors_exit_2() {
    let o = claimcheck(
        &["check", "--token", "/nonexistent/claimcheck/token"],
        None,
        &[],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr)
        .contains("cannot read the token from `/nonexistent/claimcheck/token`"));
    let o = claimcheck(&["check", "--at", "yesterday"], None, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--at: `yesterday` is not a time"));
    let o = claimcheck(&["check", "--frobnicate"], None, &[]);
    assert_eq!(o.status.code(), Some(2));
    let o = claimcheck(&["check"], None, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no token"));
    let o = claimcheck(&["launch"], None, &[]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn an_empty_or_unexpanded_variable_as_the_token_is_named() {
    // `--token "$CIRCLE_OIDC_TOKEN_V2"` where the variable is unset, and `--token '$CIRCLE_OIDC_TOKEN_V2'`:
    // not 'No such file or directory'.
    let o = claimcheck(&["check", "--token", "", "--json"], None, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o)
            .contains("the token argument is empty: the variable given to it expanded to nothing"),
        "{}",
        stderr(&o)
    );
    assert_eq!(codes(&json(&o)), ["input-unusable"]);
    for arg in ["$CIRCLE_OIDC_TOKEN_V2", "${CIRCLE_OIDC_TOKEN_V2}"] {
        let o = claimcheck(&["check", "--token", arg, "--json"], None, &[]);
        assert_eq!(o.status.code(), Some(2));
        assert!(stderr(&o).contains(&format!(
            "the token argument is the text `{arg}`, a variable's name the shell did not expand (single quotes?): \
             write `\"$CIRCLE_OIDC_TOKEN_V2\"` in double quotes"
        )), "{}", stderr(&o));
    }
    // The key set's URL: nothing is fetched, and the message says how to give it.
    let url = "https://oidc.circleci.com/org/0f8a1b2c-3d4e-4f50-8a6b-7c8d9e0f1a2b/.well-known/jwks-pub.json";
    let o = claimcheck(
        &["check", "--token", "-", "--jwks", url, "--json"],
        Some("x"),
        &[],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("the keys argument is the URL `https://oidc.circleci.com/org/"),
        "{}",
        stderr(&o)
    );
    assert!(
        stderr(&o).contains(
            "claimcheck works offline and fetches nothing; save it first (`curl -s <url> > file`)"
        ),
        "{}",
        stderr(&o)
    );
    let o = claimcheck(
        &["check", "--token", "-", "--policy", "$POLICY_FILE"],
        Some("x"),
        &[],
    );
    assert!(
        stderr(&o).contains("the policy argument is the text `$POLICY_FILE`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn json_gets_its_object_even_when_the_arguments_cannot_be_read() {
    // DESIGN.md: `--json` prints one object; a bad `--at` is no exception.
    for args in [
        &["check", "--json", "--at", "yesterday"][..],
        &["check", "--at", "yesterday", "--json"],
        &["check", "--json", "--frobnicate"],
        // The command left out, as a CircleCI step may be written: still the object, and what is missing.
        &["--token", "-", "--json"],
        &["--json"],
    ] {
        let o = claimcheck(args, None, &[]);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let r = json(&o);
        assert_eq!(r["verdict"], Value::Null);
        assert_eq!(r["sub"]["version"], "unrecognized");
        assert_eq!(codes(&r), ["input-unusable"], "{args:?}");
        let message = r["findings"][0]["message"].as_str().unwrap().to_string();
        assert!(stderr(&o).contains(&message), "{message}");
    }
    let r = json(&claimcheck(
        &["check", "--json", "--at", "yesterday"],
        None,
        &[],
    ));
    assert!(r["findings"][0]["message"]
        .as_str()
        .unwrap()
        .starts_with("--at: `yesterday` is not a time"));
    let r = json(&claimcheck(&["--token", "-", "--json"], None, &[]));
    assert_eq!(
        r["findings"][0]["message"],
        "`--token` is an option of the command `check`, which is missing: run `claimcheck check --token ...`"
    );
    // Without `--json`, stdout stays empty.
    assert_eq!(
        stdout(&claimcheck(&["check", "--at", "yesterday"], None, &[])),
        ""
    );
}

#[test]
fn help_and_version() {
    let o = claimcheck(&["--help"], None, &[]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("Usage:"));
    let o = claimcheck(&["check", "--help"], None, &[]);
    assert!(stdout(&o).contains("--token <FILE|->"));
    let o = claimcheck(&["--version"], None, &[]);
    assert_eq!(
        stdout(&o),
        format!("claimcheck {}\n", env!("CARGO_PKG_VERSION"))
    );
}

fn aws_policy(sub_operator: &str, sub: &str) -> String {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": format!("arn:aws:iam::123456789012:oidc-provider/oidc.circleci.com/org/{ORG}")},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
                "StringEquals": {format!("oidc.circleci.com/org/{ORG}:aud"): ORG},
                sub_operator: {format!("oidc.circleci.com/org/{ORG}:sub"): sub}
            }
        }]
    })
    .to_string()
}

fn with_policy_file(policy: &str, token: &str, extra: &[&str]) -> Output {
    let dir = std::env::temp_dir().join(format!(
        "claimcheck-cli-policy-{}-{}",
        std::process::id(),
        policy.len()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("policy.json");
    std::fs::write(&path, policy).unwrap();
    let mut args = vec![
        "check",
        "--token",
        "-",
        "--policy",
        path.to_str().unwrap(),
        "--at",
        AT_OK,
    ];
    args.extend_from_slice(extra);
    let o = claimcheck(&args, Some(token), &[]);
    std::fs::remove_dir_all(&dir).ok();
    o
}

#[test]
fn v1_policy_denies_a_v2_token_with_exit_1() {
    let o = with_policy_file(
        &aws_policy("StringEquals", &v1_sub()),
        &token_v2(),
        &["--json"],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let r = json(&o);
    assert_eq!(r["verdict"], "deny");
    assert_eq!(r["policy"]["kind"], "aws");
    let checks = r["checks"].as_array().unwrap();
    assert!(checks
        .iter()
        .any(|c| c["result"] == "fail" && c["key"].as_str().unwrap().ends_with(":sub")));
    for c in checks {
        for field in [
            "key",
            "operator",
            "expected",
            "actual",
            "result",
            "explanation",
        ] {
            assert!(c.get(field).is_some(), "check without `{field}`: {c}");
        }
    }
    let o = with_policy_file(&aws_policy("StringEquals", &v1_sub()), &token_v2(), &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).starts_with(
            "verdict: DENY\nfix first: this policy expects a V1 sub: use $CIRCLE_OIDC_TOKEN"
        ),
        "{}",
        stdout(&o)
    );
}

#[test]
fn a_service_statement_beside_the_oidc_one_is_not_the_fix_first() {
    // The sagemaker orb README's shape: an OIDC statement for one project, and a service statement.
    let policy = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": format!("arn:aws:iam::123456789012:oidc-provider/oidc.circleci.com/org/{ORG}")},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringLike": {format!("oidc.circleci.com/org/{ORG}:sub"): format!("org/{ORG}/project/0e0e0e0e-1111-4222-8333-444455556666/user/*")}}
        }, {
            "Effect": "Allow",
            "Principal": {"Service": "sagemaker.amazonaws.com"},
            "Action": "sts:AssumeRole"
        }]
    })
    .to_string();
    let o = with_policy_file(&policy, &token_v2(), &[]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    assert!(
        stdout(&o).starts_with(&format!(
            "verdict: DENY\nfix first: this token is from project `{PROJECT}`, and the `sub` condition in statement 1 allows only project `0e0e0e0e-1111-4222-8333-444455556666`"
        )),
        "{}",
        stdout(&o)
    );
    let r = json(&with_policy_file(&policy, &token_v2(), &["--json"]));
    assert!(
        !codes(&r)
            .iter()
            .any(|c| c == "principal-not-federated" || c == "action-not-web-identity"),
        "{r}"
    );
}

#[test]
fn matching_policy_allows_with_exit_0() {
    let o = with_policy_file(
        &aws_policy("StringLike", &format!("{}/*", v1_sub())),
        &token_v2(),
        &["--json"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(json(&o)["verdict"], "allow");
    let o = with_policy_file(
        &aws_policy("StringLike", &format!("{}/*", v1_sub())),
        &token_v2(),
        &[],
    );
    assert!(!stdout(&o).contains("fix first:"), "{}", stdout(&o));
}

#[test]
fn unreadable_policy_exits_2() {
    let o = with_policy_file("{ not json", &token_v2(), &["--json"]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert_eq!(json(&o)["unusable_input"], true);
}

// ---- exit status 3, signatures, empty inputs, argument handling ----

/// A directory of input files for one test, removed when dropped.
struct Scratch(std::path::PathBuf);

impl Scratch {
    fn new() -> Scratch {
        static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("claimcheck-cli-scratch-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    /// Write `name` and return its path.
    fn file(&self, name: &str, contents: &str) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, contents).unwrap();
        path.to_str().unwrap().to_string()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.0).ok();
    }
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// An AWS trust policy for `org` with the given conditions (`{operator: {key suffix: value}}`).
fn aws_policy_with(org: &str, conditions: Value) -> String {
    let mut condition = serde_json::Map::new();
    for (operator, keys) in conditions.as_object().unwrap() {
        let mut block = serde_json::Map::new();
        for (key, value) in keys.as_object().unwrap() {
            let key = if key.contains(':') {
                key.clone()
            } else {
                format!("oidc.circleci.com/org/{org}:{key}")
            };
            block.insert(key, value.clone());
        }
        condition.insert(operator.clone(), Value::Object(block));
    }
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": format!("arn:aws:iam::123456789012:oidc-provider/oidc.circleci.com/org/{org}")},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": condition
        }]
    })
    .to_string()
}

#[test]
fn a_condition_aws_does_not_expose_offline_is_undecided_with_exit_3() {
    let s = Scratch::new();
    let policy = s.file(
        "policy.json",
        &aws_policy_with(
            ORG,
            serde_json::json!({
                "StringEquals": {"aud": ORG},
                "IpAddress": {"aws:SourceIp": "10.0.0.0/8"}
            }),
        ),
    );
    let token = token_v2();
    let o = claimcheck(
        &["check", "--token", "-", "--policy", &policy, "--at", AT_OK],
        Some(&token),
        &[],
    );
    assert_eq!(o.status.code(), Some(3), "{}", stdout(&o));
    assert!(
        stdout(&o).starts_with(
            "verdict: undecided: statement 1 may allow, which claimcheck cannot know offline\n"
        ),
        "{}",
        stdout(&o)
    );
    assert_eq!(stderr(&o), "");
    let o = claimcheck(
        &[
            "check", "--token", "-", "--policy", &policy, "--at", AT_OK, "--json",
        ],
        Some(&token),
        &[],
    );
    assert_eq!(o.status.code(), Some(3));
    let r = json(&o);
    assert_eq!(r["verdict"], Value::Null);
    assert_eq!(r["unusable_input"], false);
    assert_eq!(
        r["policy"]["decided_by"],
        "undecided: statement 1 may allow, which claimcheck cannot know offline"
    );
    let unknown: Vec<&Value> = r["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["result"] == "unknown")
        .collect();
    assert_eq!(unknown.len(), 1);
    assert_eq!(unknown[0]["key"], "aws:SourceIp");
}

#[test]
fn a_list_aud_under_a_plain_operator_passes_with_an_unconfirmed_warning() {
    let mut claims = claims_v2();
    claims["aud"] = serde_json::json!([ORG, "sts.amazonaws.com"]);
    let token = token(&header(), &claims);
    let o = with_policy_file(
        &aws_policy("StringLike", &format!("{}/*", v1_sub())),
        &token,
        &["--json"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    let r = json(&o);
    assert_eq!(r["verdict"], "allow");
    let aud = r["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"].as_str().unwrap().ends_with(":aud"))
        .unwrap();
    assert_eq!(aud["result"], "pass");
    assert!(aud["explanation"].as_str().unwrap().contains("unconfirmed"));
    let warning = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "aud-list-assumed")
        .expect("an aud-list-assumed finding");
    assert_eq!(warning["severity"], "warning");
}

/// A GCP provider as `gcloud ... providers describe --format=json` prints it, for the org of the test tokens.
fn gcp_provider(subject: &str, condition: &str) -> String {
    serde_json::json!({
        "name": "projects/123456789012/locations/global/workloadIdentityPools/circleci-pool/providers/circleci",
        "state": "ACTIVE",
        "oidc": {
            "issuerUri": format!("https://oidc.circleci.com/org/{ORG}"),
            "allowedAudiences": [ORG]
        },
        "attributeMapping": {"google.subject": subject},
        "attributeCondition": condition
    })
    .to_string()
}

#[test]
fn a_gcp_function_not_evaluated_is_undecided_with_exit_3_and_says_why() {
    let s = Scratch::new();
    let provider = gcp_provider("assertion.sub", r"assertion.sub.matches('^org/\\p{L}')");
    let policy = s.file("provider.json", &provider);
    let token = token_v1();
    let o = claimcheck(
        &[
            "check", "--token", "-", "--policy", &policy, "--at", AT_OK, "--json",
        ],
        Some(&token),
        &[],
    );
    assert_eq!(o.status.code(), Some(3), "{}", stdout(&o));
    let r = json(&o);
    assert_eq!(r["verdict"], Value::Null);
    assert_eq!(r["policy"]["kind"], "gcp");
    // The GCP module leaves `decided_by` empty when undecided; the CLI names the check it could not evaluate.
    let why = r"undecided: provider `attributeCondition`: cannot evaluate: matches(`^org/\p{L}`): Unicode classes (`\p`) are not evaluated";
    assert_eq!(r["policy"]["decided_by"], why);
    let o = claimcheck(
        &["check", "--token", "-", "--policy", &policy, "--at", AT_OK],
        Some(&token),
        &[],
    );
    assert_eq!(o.status.code(), Some(3));
    assert!(
        stdout(&o).starts_with(
            r"verdict: undecided: provider `attributeCondition`: cannot evaluate: matches(`^org/\p{L}`)"
        ),
        "{}",
        stdout(&o)
    );
}

#[test]
fn a_gcp_condition_with_matches_is_decided_by_re2_rules() {
    let s = Scratch::new();
    // A V2 `sub` is too long for `google.subject`: map the project ID.
    let provider =
        |condition: &str| gcp_provider("assertion['oidc.circleci.com/project-id']", condition);
    let token = token_v2();
    let run = |condition: &str| {
        let policy = s.file("provider.json", &provider(condition));
        let o = claimcheck(
            &[
                "check", "--token", "-", "--policy", &policy, "--at", AT_OK, "--json",
            ],
            Some(&token),
            &[],
        );
        (o.status.code(), json(&o))
    };
    // A search, not a full match: `main` is found inside the ref unless the pattern is anchored.
    for (condition, code, verdict) in [
        (
            r"assertion['oidc.circleci.com/vcs-ref'].matches('^refs/heads/(main|release/.+)$')",
            0,
            "allow",
        ),
        (
            r"assertion['oidc.circleci.com/vcs-ref'].matches('^refs/heads/release/.+$')",
            1,
            "deny",
        ),
        (
            r"assertion['oidc.circleci.com/vcs-ref'].matches('main')",
            0,
            "allow",
        ),
        (
            r"assertion['oidc.circleci.com/vcs-ref'].matches('^main')",
            1,
            "deny",
        ),
        (
            r"assertion.sub.matches('/vcs-origin/github\\.com/acme/[^/]+/vcs-ref/')",
            0,
            "allow",
        ),
        (
            r"assertion.sub.matches('/vcs-origin/github\\.com/other/')",
            1,
            "deny",
        ),
        // A raw string keeps the backslash; a lone `\.` in a plain string does not compile.
        (
            r"assertion.sub.matches(r'/vcs-origin/github\.com/acme/')",
            0,
            "allow",
        ),
        (
            r"assertion.sub.matches('/vcs-origin/github\.com/acme/')",
            1,
            "deny",
        ),
    ] {
        let (status, r) = run(condition);
        assert_eq!(status, Some(code), "{condition}: {r}");
        assert_eq!(r["verdict"], verdict, "{condition}");
        if verdict == "deny" {
            assert_eq!(
                r["policy"]["decided_by"], "`attributeCondition`",
                "{condition}"
            );
        }
    }
    // A pattern RE2 refuses: CEL reports an error, so the condition does not hold.
    let (status, r) = run(r"assertion.sub.matches('(org')");
    assert_eq!(status, Some(1), "{r}");
    let row = r["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == "attributeCondition")
        .unwrap_or_else(|| panic!("no attributeCondition row: {r}"));
    assert_eq!(row["result"], "fail", "{row}");
    assert!(
        row.to_string()
            .contains("invalid regular expression `(org`: missing `)`"),
        "{row}"
    );
}

/// A case of the signature corpus: (token, the keys file's path).
fn signed(name: &str) -> (String, String) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/signature");
    let corpus: Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{dir}/corpus.json")).unwrap())
            .unwrap();
    let case = corpus["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no corpus case `{name}`"));
    (
        case["token"].as_str().unwrap().to_string(),
        format!("{dir}/{}", case["keys"].as_str().unwrap()),
    )
}

/// The org of the signature corpus' tokens, and a time inside their hour.
const SIGNED_ORG: &str = "c5a8f2d0-1b3e-4f6a-9d7c-2e8b4a6f0c13";
const SIGNED_AT: &str = "1764115500";

fn signed_allow_policy() -> String {
    aws_policy_with(
        SIGNED_ORG,
        serde_json::json!({
            "StringEquals": {"aud": SIGNED_ORG},
            "StringLike": {"sub": format!("org/{SIGNED_ORG}/*")}
        }),
    )
}

fn check_signed(name: &str, policy: Option<&str>, json_out: bool) -> Output {
    let (token, keys) = signed(name);
    let mut args = vec!["check", "--token", "-", "--jwks", &keys, "--at", SIGNED_AT];
    if let Some(p) = policy {
        args.extend(["--policy", p]);
    }
    if json_out {
        args.push("--json");
    }
    claimcheck(&args, Some(&token), &[])
}

const SIGNATURE_INVALID_FIX: &str = "check that the keys are the issuer's (`curl -s 'https://oidc.circleci.com/org/c5a8f2d0-1b3e-4f6a-9d7c-2e8b4a6f0c13/.well-known/jwks-pub.json'`) and that the token was copied whole";

#[test]
fn a_signature_that_does_not_verify_is_a_deny_with_exit_1() {
    let s = Scratch::new();
    let policy = s.file("policy.json", &signed_allow_policy());
    // The policy allows the genuine token.
    let o = check_signed("rs256 with the jwks", Some(&policy), true);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(json(&o)["verdict"], "allow");
    assert_eq!(json(&o)["signature"]["status"], "valid");
    for name in ["tampered payload", "tampered signature"] {
        let o = check_signed(name, Some(&policy), true);
        assert_eq!(o.status.code(), Some(1), "{name}: {}", stdout(&o));
        let r = json(&o);
        assert_eq!(r["verdict"], "deny", "{name}");
        assert_eq!(r["signature"]["status"], "invalid");
        assert_eq!(r["unusable_input"], false);
        assert_eq!(
            r["findings"][0],
            serde_json::json!({
                "code": "signature-invalid",
                "severity": "error",
                "area": "signature",
                "message": "the signature does not verify with key `rsa-1`: every platform rejects this token, whatever the policy says (AWS STS answers `InvalidIdentityToken`)",
                "fix": SIGNATURE_INVALID_FIX
            }),
            "{name}"
        );
        assert_eq!(
            r["policy"]["decided_by"],
            "the signature: it does not verify with key `rsa-1`, and every platform rejects the token before it reads a trust configuration"
        );
        // The policy's own checks are still all shown, and all pass.
        assert!(r["checks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["result"] == "pass"));
    }
    let o = check_signed("tampered signature", Some(&policy), false);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stdout(&o).starts_with(&format!(
            "verdict: DENY\nfix first: {SIGNATURE_INVALID_FIX}\n"
        )),
        "{}",
        stdout(&o)
    );
    assert!(stdout(&o)
        .contains("\n  error signature-invalid: the signature does not verify with key `rsa-1`"));
    // Without a policy too: no platform accepts the token.
    let o = check_signed("tampered signature", None, true);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(json(&o)["verdict"], "deny");
    // `alg: none` is invalid without any key.
    let o = check_signed("alg none", Some(&policy), true);
    assert_eq!(o.status.code(), Some(1));
    let r = json(&o);
    assert_eq!(r["findings"][0]["code"], "signature-invalid");
    assert!(r["findings"][0]["message"]
        .as_str()
        .unwrap()
        .starts_with("the signature does not verify with the given keys:"));
}

#[test]
fn a_signature_claimcheck_cannot_judge_leaves_the_verdict() {
    let s = Scratch::new();
    let policy = s.file("policy.json", &signed_allow_policy());
    for (name, status) in [("wrong kid", "no-matching-key"), ("no signature", "absent")] {
        let o = check_signed(name, Some(&policy), true);
        assert_eq!(o.status.code(), Some(0), "{name}: {}", stdout(&o));
        let r = json(&o);
        assert_eq!(r["verdict"], "allow", "{name}");
        assert_eq!(r["signature"]["status"], status, "{name}");
        assert!(!codes(&r).contains(&"signature-invalid".to_string()));
    }
    // An HMAC token: claimcheck cannot check a shared secret, and no platform verifies one either.
    let o = check_signed("hs256 token", Some(&policy), true);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let r = json(&o);
    assert_eq!(r["signature"]["status"], "unsupported");
    assert!(r["policy"]["decided_by"]
        .as_str()
        .unwrap()
        .starts_with("the token itself: its `alg` is `HS256`, a shared-secret (HMAC) signature"));
}

#[test]
fn an_empty_policy_file_exits_2() {
    let s = Scratch::new();
    for contents in ["", " \n\t\n"] {
        let policy = s.file("policy.json", contents);
        let o = claimcheck(
            &["check", "--token", "-", "--policy", &policy, "--json"],
            Some(&token_v2()),
            &[],
        );
        assert_eq!(o.status.code(), Some(2));
        assert_eq!(
            stderr(&o),
            format!("claimcheck: the policy file `{policy}` is empty\n")
        );
        let r = json(&o);
        assert_eq!(r["verdict"], Value::Null);
        assert_eq!(r["findings"][0]["area"], "policy");
        assert_eq!(
            r["findings"][0]["message"],
            format!("the policy file `{policy}` is empty")
        );
    }
}

#[test]
fn an_empty_token_file_exits_2() {
    let s = Scratch::new();
    let token = s.file("token.jwt", "\n");
    let o = claimcheck(&["check", "--token", &token], None, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        format!("claimcheck: the token file `{token}` is empty\n")
    );
    // Even when the variables hold a token: the file was asked for.
    let o = claimcheck(
        &["check", "--token", &token],
        None,
        &[("CIRCLE_OIDC_TOKEN_V2", &token_v2())],
    );
    assert_eq!(o.status.code(), Some(2));
    let o = claimcheck(&["check", "--token", "-"], Some(""), &[]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        "claimcheck: the token read from stdin is empty\n"
    );
}

const NO_TOKEN: &str = "claimcheck: no token: `--token` was not given, and $CIRCLE_OIDC_TOKEN_V2 and $CIRCLE_OIDC_TOKEN are unset (or empty)
  fix: inside CircleCI, run claimcheck as a step of the failing job, in a project that has OIDC tokens: CircleCI sets both variables in every job (server: 4.4 or later, not air-gapped; its older docs, and the aws-cli orb's check, ask for a context: `context: [my-context]` on the job in `workflows`), but not in builds of forked pull requests unless Project Settings > Advanced > \"Pass secrets to builds from forked pull requests\" is on; otherwise, unset variables mean a script or container that did not pass the job's environment on; elsewhere, give `--token FILE` (or `--token -` to read stdin)
";

#[test]
fn a_policy_without_a_token_is_linted_but_exits_2() {
    let s = Scratch::new();
    let policy = s.file(
        "policy.json",
        &aws_policy("StringLike", &format!("org/{ORG}/*")),
    );
    let o = claimcheck(&["check", "--policy", &policy, "--json"], None, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert_eq!(stderr(&o), NO_TOKEN);
    let r = json(&o);
    assert_eq!(r["verdict"], Value::Null);
    assert_eq!(r["unusable_input"], true);
    assert_eq!(r["policy"]["kind"], "aws");
    assert_eq!(
        codes(&r),
        ["sub-wildcard-project", "aws-no-token", "input-unusable"]
    );
    assert!(r["findings"][2]["message"]
        .as_str()
        .unwrap()
        .starts_with("no token: `--token` was not given"));
    let o = claimcheck(
        &["check", "--policy", &policy],
        None,
        &[("CIRCLE_OIDC_TOKEN_V2", " "), ("CIRCLE_OIDC_TOKEN", "")],
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o), NO_TOKEN);
    assert!(
        stdout(&o).starts_with("verdict: none (no token claims to evaluate the policy with)\n"),
        "{}",
        stdout(&o)
    );
    assert!(stdout(&o).contains("  info sub-wildcard-project"));
    // Nothing at all given: the same message, and no report.
    let o = claimcheck(&["check"], None, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o), NO_TOKEN);
    assert_eq!(stdout(&o), "");
}

#[test]
fn keys_without_a_usable_key_exit_2() {
    let s = Scratch::new();
    let fix = "  fix: give the issuer's key set (`curl -s <iss>/.well-known/jwks-pub.json`), a JWK, or PEM public keys\n";
    for (name, contents, why) in [
        ("empty.json", "", "it is empty"),
        (
            "object.json",
            "{}",
            "the keys JSON has neither `keys` nor `kty`: it is not a JWK set nor a JWK",
        ),
        (
            "garbage.txt",
            "<html>502 Bad Gateway</html>",
            "the keys are neither JSON (a JWK set or a JWK) nor a PEM public key",
        ),
        (
            "set.json",
            r#"{"keys": []}"#,
            "the key set is empty (`\"keys\": []`)",
        ),
        (
            "broken.json",
            r#"{"keys": [{"kty": "RSA", "kid": "k1"}, {"kty": "EC", "crv": "P-256", "kid": "k2", "x": "AA"}]}"#,
            "JWK 1 (`k1`) has no `n`, `e`; JWK 2 (`k2`) has no `y`; JWK 2 (`k2`): `x` is 1 bytes long; this curve needs 32",
        ),
    ] {
        let keys = s.file(name, contents);
        let o = claimcheck(
            &["check", "--token", "-", "--jwks", &keys, "--at", AT_OK, "--json"],
            Some(&token_v2()),
            &[],
        );
        assert_eq!(o.status.code(), Some(2), "{name}: {}", stdout(&o));
        assert_eq!(
            stderr(&o),
            format!("claimcheck: no keys found in `{keys}`: {why}\n{fix}"),
            "{name}"
        );
        let r = json(&o);
        assert_eq!(r["signature"]["status"], "no-matching-key", "{name}");
        assert_eq!(r["unusable_input"], true, "{name}");
    }
}

#[test]
fn a_bare_claimcheck_is_an_error_and_help_is_not() {
    let o = claimcheck(&[], None, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stdout(&o), "");
    assert!(
        stderr(&o).starts_with("claimcheck: no command given; try `claimcheck check --help`\n\nUsage:\n  claimcheck check"),
        "{}",
        stderr(&o)
    );
    for args in [
        &["--help"][..],
        &["-h"],
        &["check", "--help"],
        &["check", "-h"],
    ] {
        let o = claimcheck(args, None, &[]);
        assert_eq!(o.status.code(), Some(0), "{args:?}");
        assert!(
            stdout(&o).contains("3 undecided") || stdout(&o).contains("3  undecided"),
            "{args:?}"
        );
    }
    let o = claimcheck(&["check", "--help"], None, &[]);
    assert!(stdout(&o).contains(
        "\n  3  undecided: the policy was evaluated but claimcheck cannot decide it offline"
    ));
}

#[test]
fn an_option_given_twice_exits_2() {
    let s = Scratch::new();
    let file = s.file("a", "x");
    for option in ["--token", "--policy", "--jwks", "--error-text"] {
        let o = claimcheck(&["check", option, &file, option, &file], None, &[]);
        assert_eq!(o.status.code(), Some(2), "{option}");
        assert_eq!(
            stderr(&o),
            format!("claimcheck: `{option}` given twice; give it once\n")
        );
        assert_eq!(stdout(&o), "");
    }
    let o = claimcheck(&["check", "--at", "5", "--at=6"], None, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o), "claimcheck: `--at` given twice; give it once\n");
}

#[test]
fn an_option_does_not_swallow_the_next_one() {
    for (option, next) in [
        ("--token", "--json"),
        ("--policy", "--jwks"),
        ("--jwks", "--json"),
        ("--at", "--json"),
        ("--error-text", "--token"),
    ] {
        let o = claimcheck(&["check", option, next, "x"], None, &[]);
        assert_eq!(o.status.code(), Some(2), "{option}");
        assert_eq!(
            stderr(&o),
            format!("claimcheck: `{option}` needs a value, but it is followed by the option `{next}`; for a file whose name starts with `--`, write `{option}=FILE` or `{option} ./FILE`\n")
        );
    }
    // Attached, the value is taken as written.
    let o = claimcheck(&["check", "--token=--json"], None, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).starts_with("claimcheck: cannot read the token from `--json`:"));
}

// ---- the JSON contract on every platform, and inputs as other tools write them ----

#[test]
fn every_platform_gives_checks_and_findings_of_the_contract_shape() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/static/examples");
    for (example, policy, kind) in [
        ("v1-allow", "v1-allow.policy.json", "aws"),
        (
            "gcp-v2-subject-too-long",
            "gcp-v2-subject-too-long.policy.json",
            "gcp",
        ),
        (
            "vault-bound-claim-branch",
            "vault-bound-claim-branch.policy.json",
            "vault",
        ),
        (
            "azure-v1-subject-v2-token",
            "azure-v1-subject-v2-token.policy.json",
            "azure",
        ),
    ] {
        let o = claimcheck(
            &[
                "check",
                "--token",
                &format!("{dir}/{example}.jwt"),
                "--policy",
                &format!("{dir}/{policy}"),
                "--at",
                "1795171000",
                "--json",
            ],
            None,
            &[],
        );
        let r = json(&o);
        assert_eq!(r["policy"]["kind"], kind, "{example}");
        let verdict = r["verdict"].as_str().unwrap_or_default();
        let status = if verdict == "allow" { 0 } else { 1 };
        assert_eq!(o.status.code(), Some(status), "{example}: {verdict}");
        let checks = r["checks"].as_array().unwrap();
        assert!(!checks.is_empty(), "{example}");
        for c in checks {
            for field in ["key", "operator", "explanation"] {
                assert!(c[field].is_string(), "{example}: `{field}` in {c}");
            }
            for field in ["expected", "actual"] {
                assert!(c.get(field).is_some(), "{example}: `{field}` in {c}");
            }
            assert!(
                ["pass", "fail", "unknown"].contains(&c["result"].as_str().unwrap_or_default()),
                "{example}: {c}"
            );
        }
        for f in r["findings"].as_array().unwrap() {
            let code = f["code"].as_str().unwrap();
            assert!(
                !code.is_empty()
                    && code.split('-').all(|w| !w.is_empty()
                        && w.bytes()
                            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())),
                "{example}: code `{code}` is not kebab-case"
            );
            assert!(
                ["error", "warning", "info"].contains(&f["severity"].as_str().unwrap()),
                "{example}: {f}"
            );
            assert!(f["message"].is_string(), "{example}: {f}");
        }
    }
}

#[test]
fn files_written_on_windows_are_read() {
    let s = Scratch::new();
    // PowerShell 5's `$env:CIRCLE_OIDC_TOKEN_V2 > token.txt` writes UTF-16LE with a byte order mark and CRLF.
    let mut utf16 = vec![0xff, 0xfe];
    for unit in format!("{}\r\n", token_v1()).encode_utf16() {
        utf16.extend(unit.to_le_bytes());
    }
    let token = s.0.join("token.txt");
    std::fs::write(&token, utf16).unwrap();
    // Notepad's UTF-8 with a byte order mark.
    let policy = s.file(
        "policy.json",
        &format!("\u{feff}{}", aws_policy("StringEquals", &v1_sub())),
    );
    let o = claimcheck(
        &[
            "check",
            "--token",
            token.to_str().unwrap(),
            "--policy",
            &policy,
            "--at",
            "1795653157.75",
            "--json",
        ],
        None,
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    let r = json(&o);
    assert_eq!(
        (r["verdict"].as_str(), r["at"].as_i64()),
        (Some("allow"), Some(1_795_653_157))
    );
    // Text in another encoding is refused with the fix.
    let latin1 = s.0.join("latin1.txt");
    std::fs::write(&latin1, b"caf\xe9").unwrap();
    let o = claimcheck(&["check", "--token", latin1.to_str().unwrap()], None, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        format!(
            "claimcheck: cannot read the token from `{}`: it is not utf-8 text (bad byte at offset 3); save it as utf-8 (in PowerShell: `Out-File -Encoding utf8`)\n",
            latin1.display()
        )
    );
}

/// `--token "$CIRCLE_OIDC_TOKEN_V2"`, the natural thing to type in a job: the argument is the token. A token
/// where a file or a command was expected is never written back whole (stderr ends up in CI logs).
#[test]
fn a_token_given_as_the_argument_is_read_and_never_echoed() {
    let token = token_v2();
    let signature = token.rsplit('.').next().unwrap().to_string();
    assert!(signature.len() > 20);
    let o = claimcheck(
        &["check", "--token", &token, "--at", AT_OK, "--json"],
        None,
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(json(&o)["sub"]["version"], "v2");
    let attached = format!("--token={token}");
    assert_eq!(
        claimcheck(&["check", &attached, "--at", AT_OK], None, &[])
            .status
            .code(),
        Some(0)
    );
    let s = Scratch::new();
    let file = s.file("token.jwt", &token);
    for args in [
        vec!["check", token.as_str()],
        vec![
            "check",
            "--token",
            file.as_str(),
            "--policy",
            token.as_str(),
        ],
        vec!["check", "--token", file.as_str(), "--jwks", token.as_str()],
        vec![
            "check",
            "--token",
            file.as_str(),
            "--error-text",
            token.as_str(),
        ],
        vec![token.as_str()],
    ] {
        let o = claimcheck(&args, None, &[]);
        let all = format!("{}{}", stdout(&o), stderr(&o));
        assert!(!all.contains(&signature), "{args:?}: {all}");
    }
    let o = claimcheck(&["check", &token], None, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).starts_with(&format!(
            "claimcheck: unexpected argument `{}… (a token, shortened)`",
            &token[..12]
        )),
        "{}",
        stderr(&o)
    );
}

/// With `--json`, an input claimcheck cannot use still yields the object (no verdict, why, `sub.version`);
/// exit status 2 never goes with a verdict.
#[test]
fn json_without_a_usable_input_has_no_verdict() {
    let o = claimcheck(
        &[
            "check",
            "--token",
            "/nonexistent/claimcheck/token",
            "--json",
        ],
        None,
        &[],
    );
    assert_eq!(o.status.code(), Some(2));
    let r = json(&o);
    assert_eq!(r["verdict"], Value::Null);
    assert_eq!(r["sub"]["version"], "unrecognized");
    assert_eq!(codes(&r), ["input-unusable"]);
    assert!(r["findings"][0]["message"]
        .as_str()
        .unwrap()
        .starts_with("cannot read the token from `/nonexistent/claimcheck/token`"));
    // A token with no readable claims: the object has `sub.version` too.
    let o = claimcheck(
        &["check", "--json"],
        None,
        &[("CIRCLE_OIDC_TOKEN_V2", "garbage")],
    );
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(json(&o)["sub"]["version"], "unrecognized");
    // A policy that would allow, with a key set that holds no key: exit 2 and no verdict.
    let s = Scratch::new();
    let keys = s.file("keys.json", r#"{"keys": []}"#);
    let o = with_policy_file(
        &aws_policy("StringLike", &format!("org/{ORG}/project/*")),
        &token_v2(),
        &["--jwks", &keys, "--json"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert_eq!(json(&o)["verdict"], Value::Null);
}
