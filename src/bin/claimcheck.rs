//! The native CLI: `claimcheck check --token <FILE|-> [--policy FILE] [--error-text FILE] [--at unix|RFC3339] [--json]`.
//!
//! Without `--token` it reads `$CIRCLE_OIDC_TOKEN_V2`, then `$CIRCLE_OIDC_TOKEN`, so it can run inside a failing
//! CircleCI job. `--json` prints the [`claimcheck::Report`] as one object. Exit status: 0 allow (or token only),
//! 1 deny (a signature that does not verify with `--jwks` is a deny), 2 unusable input (bad arguments, an
//! unreadable or empty file, no token, keys with no usable key, or `report.unusable_input`), 3 undecided (a
//! policy was evaluated but claimcheck cannot tell allow from deny: `policy.decided_by` says why).
//! The clock is read here and only here (the default for `--at`). The token's signature is never printed.

use std::ffi::OsString;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use claimcheck::report::{excerpt, Area, Finding, Outcome, Report, Severity, Verdict};
use claimcheck::{analyze, circleci, time, Input};

const HELP: &str = "claimcheck: why can't my CircleCI job assume this role?

Usage:
  claimcheck check [--token <FILE|->] [--policy <FILE|->] [--error-text <FILE|->] [--jwks <FILE|->]
                  [--at <unix|RFC3339>] [--json]
  claimcheck --help | --version

Commands:
  check    decode a CircleCI OIDC token, explain its claims and evaluate a trust policy against it

Run `claimcheck check --help` for the options.

Exit status: 0 allow (or no policy given), 1 deny, 2 unusable input, 3 undecided.
";

const CHECK_HELP: &str = "claimcheck check: decode a CircleCI OIDC token and evaluate a trust policy against it

Usage:
  claimcheck check [--token <FILE|->] [--policy <FILE|->] [--error-text <FILE|->] [--jwks <FILE|->]
                   [--at <unix|RFC3339>] [--json]

Options:
  --token <FILE|->       the token: a file, `-` (stdin) or the token itself (`--token \"$CIRCLE_OIDC_TOKEN_V2\"`);
                         default: $CIRCLE_OIDC_TOKEN_V2, then $CIRCLE_OIDC_TOKEN.
                         Pasted forms are accepted: `Bearer ...`, quotes, `export CIRCLE_OIDC_TOKEN_V2=...`.
                         Files are read as utf-8, or utf-16 with a byte order mark (PowerShell's `>`)
  --policy <FILE|->      a trust configuration: AWS IAM trust policy, GCP provider, Vault JWT role, Azure credential,
                         as JSON, YAML, Terraform (`main.tf`, `terraform show -json`) or the CLI output that prints it
  --error-text <FILE|->  the error the job printed (e.g. from STS), to explain it
  --jwks <FILE|->        the issuer's keys, to verify the token's signature offline: a JWK set
                         (`curl -s <iss>/.well-known/jwks-pub.json`), a JWK, or PEM public keys
  --at <unix|RFC3339>    evaluation time, e.g. `1795652557` or `2026-11-26T00:22:37Z` (a fraction of a second
                         is dropped; 13 or more digits are milliseconds); default: now
  --json                 print the report as one JSON object (also when an input cannot be used)
  -h, --help             show this help

Exit status:
  0  allow, or no policy given
  1  deny (also: the signature does not verify with the `--jwks` keys)
  2  unusable input: bad arguments, an unreadable or empty file, no token, a token with no readable claims,
     a policy that does not parse or is no trust configuration, no usable key in `--jwks` (no verdict)
  3  undecided: the policy was evaluated but claimcheck cannot decide it offline (the report says why)
The token's signature is never printed.
";

/// What went wrong when the argument where a file was expected is no file but a variable that expanded to
/// nothing (`--token "$CIRCLE_OIDC_TOKEN_V2"` in a step where it is unset) or a variable's name passed as is
/// (`--token '$CIRCLE_OIDC_TOKEN_V2'`: single quotes keep the shell from expanding it).
fn not_a_path(arg: &str, what: &str) -> Option<String> {
    let t = arg.trim();
    if t.is_empty() {
        return Some(format!(
            "the {what} argument is empty: the variable given to it expanded to nothing; check that it is set in \
             this step (for the token, leave `--token` out to read $CIRCLE_OIDC_TOKEN_V2, then $CIRCLE_OIDC_TOKEN)"
        ));
    }
    if (t.starts_with("https://") || t.starts_with("http://"))
        && !std::path::Path::new(arg).exists()
    {
        return Some(format!(
            "the {what} argument is the URL `{}`: claimcheck works offline and fetches nothing; save it first \
             (`curl -s <url> > file`) and give the file, or pipe it in (`curl -s <url> | claimcheck check ... -`)",
            shown(t)
        ));
    }
    let name = t
        .strip_prefix("${")
        .and_then(|n| n.strip_suffix('}'))
        .or_else(|| t.strip_prefix('$'))?;
    let is_name = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    (is_name && !std::path::Path::new(arg).exists()).then(|| {
        format!(
            "the {what} argument is the text `{}`, a variable's name the shell did not expand (single quotes?): \
             write `\"${name}\"` in double quotes",
            shown(t)
        )
    })
}

/// Where an input comes from.
#[derive(Debug, Clone, PartialEq)]
enum Source {
    Stdin,
    File(PathBuf),
    /// The argument itself: a token (`--token "$CIRCLE_OIDC_TOKEN_V2"`, the natural thing to type in a job)
    /// or a JSON document, given where a file was expected and naming no file.
    Text(String),
}

impl Source {
    fn from(v: OsString) -> Source {
        if v == "-" {
            return Source::Stdin;
        }
        let path = PathBuf::from(&v);
        match v.into_string() {
            Ok(text)
                if !path.exists()
                    && (claimcheck::token::looks_like_jwt(&text)
                        || text.trim_start().starts_with('{')) =>
            {
                Source::Text(text)
            }
            _ => Source::File(path),
        }
    }

    fn read(&self, what: &str) -> Result<String, String> {
        let bytes = match self {
            Source::Stdin => {
                let mut bytes = Vec::new();
                std::io::stdin().read_to_end(&mut bytes).map(|_| bytes)
            }
            Source::File(p) => {
                if let Some(problem) = not_a_path(&p.to_string_lossy(), what) {
                    return Err(problem);
                }
                std::fs::read(p)
            }
            Source::Text(text) => return Ok(text.clone()),
        };
        bytes
            .map_err(|e| e.to_string())
            .and_then(text_of)
            .map_err(|e| format!("cannot read the {what} from {}: {e}", self.name()))
    }

    /// [`Source::read`], refusing a source that holds nothing but whitespace: an input given explicitly and
    /// empty is a mistake (a wrong path, a variable that expanded to nothing), never "not given".
    fn read_non_empty(&self, what: &str) -> Result<String, String> {
        let text = self.read(what)?;
        if !text.trim().is_empty() {
            return Ok(text);
        }
        Err(match self {
            Source::Stdin => format!("the {what} read from stdin is empty"),
            Source::File(p) => {
                format!("the {what} file `{}` is empty", shown(&p.to_string_lossy()))
            }
            Source::Text(_) => format!("the {what} given as an argument is empty"),
        })
    }

    /// How messages name it: "`keys.json`", "stdin" or "the argument".
    fn name(&self) -> String {
        match self {
            Source::Stdin => "stdin".to_string(),
            Source::File(p) => format!("`{}`", shown(&p.to_string_lossy())),
            Source::Text(_) => "the argument".to_string(),
        }
    }
}

/// An argument as messages quote it: a token is cut after its first characters, so that a message (which ends
/// up in a CI log) never holds a usable credential; anything else is cut at 80 characters.
fn shown(text: &str) -> String {
    if claimcheck::token::looks_like_jwt(text) {
        format!("{} (a token, shortened)", excerpt(text, 12))
    } else {
        excerpt(text, 80)
    }
}

/// The text of an input file: UTF-8, or UTF-16 with its byte order mark (what Windows PowerShell 5's `>` and
/// `Out-File` write); a leading byte order mark is dropped.
fn text_of(bytes: Vec<u8>) -> Result<String, String> {
    let utf16 = |be: bool| {
        let pairs = bytes.get(2..).unwrap_or_default().chunks_exact(2);
        if !pairs.remainder().is_empty() {
            return None;
        }
        let units: Vec<u16> = pairs
            .map(|p| {
                let pair = [p[0], p[1]];
                if be {
                    u16::from_be_bytes(pair)
                } else {
                    u16::from_le_bytes(pair)
                }
            })
            .collect();
        String::from_utf16(&units).ok()
    };
    let text = match bytes.get(..2) {
        Some([0xff, 0xfe]) => utf16(false),
        Some([0xfe, 0xff]) => utf16(true),
        _ => None,
    };
    let text = match text {
        Some(text) => text,
        None => String::from_utf8(bytes).map_err(|e| {
            format!(
                "it is not utf-8 text (bad byte at offset {}); save it as utf-8 (in PowerShell: `Out-File -Encoding utf8`)",
                e.utf8_error().valid_up_to()
            )
        })?,
    };
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}

/// Options of `check`. New options (e.g. `--jwks FILE`) are one field here and one arm in [`parse_check`].
#[derive(Debug, Default)]
struct CheckArgs {
    token: Option<Source>,
    policy: Option<Source>,
    error_text: Option<Source>,
    jwks: Option<Source>,
    at: Option<i64>,
    json: bool,
}

#[derive(Debug)]
enum Command {
    Help(&'static str),
    Version,
    Check(CheckArgs),
}

/// The long options of `check`.
const CHECK_OPTIONS: [&str; 6] = ["token", "policy", "error-text", "jwks", "at", "json"];

fn parse_args(args: impl IntoIterator<Item = OsString>) -> Result<Command, String> {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_args(args);
    match parser.next().map_err(|e| e.to_string())? {
        // A bare `claimcheck` is a mistake in a script (a lost argument), not a request for help.
        None => Err(format!(
            "no command given; try `claimcheck check --help`\n\n{}",
            HELP.split_once("\n\n").map_or(HELP, |(_, usage)| usage)
        )),
        Some(Short('h') | Long("help")) => Ok(Command::Help(HELP)),
        Some(Short('V') | Long("version")) => Ok(Command::Version),
        Some(Value(cmd)) if cmd == "check" => parse_check(&mut parser),
        Some(Value(cmd)) => Err(format!(
            "unknown command `{}`; try `claimcheck check --help`",
            shown(&cmd.to_string_lossy())
        )),
        // `claimcheck --token t --json`: the command was left out, the options are `check`'s.
        Some(Long(opt)) if CHECK_OPTIONS.contains(&opt) => Err(format!(
            "`--{opt}` is an option of the command `check`, which is missing: run `claimcheck check --{opt} ...`"
        )),
        Some(other) => Err(format!("{}; try `claimcheck --help`", other.unexpected())),
    }
}

/// The value of the option `name` just read. An attached value (`--token=FILE`) is taken as written; a
/// separate one that starts with `--` is the next option, not a value (`--token --json` lost its file).
fn option_value(parser: &mut lexopt::Parser, name: &str) -> Result<OsString, String> {
    if let Some(attached) = parser.optional_value() {
        return Ok(attached);
    }
    let value = parser
        .value()
        .map_err(|e| format!("{e}; try `claimcheck check --help`"))?;
    let text = value.to_string_lossy();
    if text.starts_with("--") {
        return Err(format!(
            "`{name}` needs a value, but it is followed by the option `{text}`; \
             for a file whose name starts with `--`, write `{name}=FILE` or `{name} ./FILE`"
        ));
    }
    Ok(value)
}

/// Refuse an option given a second time: which of two `--token`s should win is a guess.
fn not_yet<T>(slot: &Option<T>, name: &str) -> Result<(), String> {
    match slot {
        Some(_) => Err(format!("`{name}` given twice; give it once")),
        None => Ok(()),
    }
}

fn parse_check(parser: &mut lexopt::Parser) -> Result<Command, String> {
    use lexopt::prelude::*;
    let mut args = CheckArgs::default();
    let err = |e: lexopt::Error| format!("{e}; try `claimcheck check --help`");
    while let Some(arg) = parser.next().map_err(err)? {
        let name = match &arg {
            Long(name) => format!("--{name}"),
            _ => String::new(),
        };
        match arg {
            Short('h') | Long("help") => return Ok(Command::Help(CHECK_HELP)),
            Long("token") => {
                not_yet(&args.token, &name)?;
                args.token = Some(Source::from(option_value(parser, &name)?));
            }
            Long("policy") => {
                not_yet(&args.policy, &name)?;
                args.policy = Some(Source::from(option_value(parser, &name)?));
            }
            Long("error-text") => {
                not_yet(&args.error_text, &name)?;
                args.error_text = Some(Source::from(option_value(parser, &name)?));
            }
            Long("jwks") => {
                not_yet(&args.jwks, &name)?;
                args.jwks = Some(Source::from(option_value(parser, &name)?));
            }
            Long("at") => {
                not_yet(&args.at, &name)?;
                let v = option_value(parser, &name)?;
                let text = v.to_string_lossy();
                let (at, millis) = time::parse_instant(&text).map_err(|e| format!("--at: {e}"))?;
                if millis {
                    eprintln!(
                        "claimcheck: note: --at `{}` was read as milliseconds ({}); give unix seconds",
                        text.trim(),
                        time::format_utc(at)
                    );
                }
                args.at = Some(at);
            }
            Long("json") => args.json = true,
            Value(value) => {
                return Err(format!(
                    "unexpected argument `{}`; give the token with `--token FILE` (or the token itself), \
                     try `claimcheck check --help`",
                    shown(&value.to_string_lossy())
                ))
            }
            other => return Err(err(other.unexpected())),
        }
    }
    let stdin_uses = [&args.token, &args.policy, &args.error_text, &args.jwks]
        .into_iter()
        .filter(|s| **s == Some(Source::Stdin))
        .count();
    if stdin_uses > 1 {
        return Err(
            "only one of --token, --policy, --error-text and --jwks can read stdin (`-`)"
                .to_string(),
        );
    }
    Ok(Command::Check(args))
}

fn now() -> i64 {
    match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX),
    }
}

fn read_optional(source: &Option<Source>, what: &str) -> Result<String, String> {
    source
        .as_ref()
        .map_or(Ok(String::new()), |s| s.read_non_empty(what))
}

const NO_TOKEN: &str = "no token: `--token` was not given, and $CIRCLE_OIDC_TOKEN_V2 and $CIRCLE_OIDC_TOKEN are \
    unset (or empty)
  fix: inside CircleCI, run claimcheck as a step of the failing job, in a project that has OIDC tokens: \
    CircleCI sets both variables in every job (server: 4.4 or later, not air-gapped; its older docs, and the \
    aws-cli orb's check, ask for a context: `context: [my-context]` on the job in `workflows`), but not in builds \
    of forked pull requests unless Project Settings > Advanced > \"Pass secrets to builds from forked pull \
    requests\" is on; otherwise, unset variables mean a script or container that did not pass the job's \
    environment on; elsewhere, give `--token FILE` (or `--token -` to read stdin)";

/// A report, and the problems with the inputs that make it unusable (exit status 2) although it is printed.
struct Run {
    report: Report,
    problems: Vec<String>,
}

fn run(args: &CheckArgs) -> Result<Run, String> {
    let token = match &args.token {
        Some(s) => Some(s.read_non_empty("token")?),
        None => {
            let read = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
            match (read("CIRCLE_OIDC_TOKEN_V2"), read("CIRCLE_OIDC_TOKEN")) {
                (Some(v2), _) => Some(v2),
                (None, Some(v1)) => {
                    // Every job has both: a V1 `sub` checked in place of the V2 one the orbs send is worth a word.
                    let why = match std::env::var_os("CIRCLE_OIDC_TOKEN_V2") {
                        Some(_) => "is empty",
                        None => "is unset",
                    };
                    eprintln!(
                        "claimcheck: note: read $CIRCLE_OIDC_TOKEN (V1 `sub`): $CIRCLE_OIDC_TOKEN_V2 {why}; \
                         give `--token` to check another token"
                    );
                    Some(v1)
                }
                (None, None) => None,
            }
        }
    };
    let policy = read_optional(&args.policy, "policy")?;
    let error_text = read_optional(&args.error_text, "error text")?;
    let mut problems = Vec::new();
    if token.is_none() {
        // With a policy or an error text there is still something to show (the policy's own findings), but
        // never a verdict: the run is not an allow.
        if args.policy.is_none() && args.error_text.is_none() {
            return Err(NO_TOKEN.to_string());
        }
        problems.push(NO_TOKEN.to_string());
    }
    let keys = match &args.jwks {
        Some(s) => Some((s, s.read("keys")?)),
        None => None,
    };
    let at = args.at.unwrap_or_else(now);
    let mut report = analyze(&Input {
        token: token.as_deref().unwrap_or_default(),
        policy: &policy,
        error_text: &error_text,
        now: at,
        // A file holds what the job had: an empty signature there is a copying mistake, never a share link's doing.
        signature_removed: false,
    });
    if let Some((source, keys)) = &keys {
        if let Some(problem) = no_usable_key(source, keys) {
            problems.push(problem);
        }
        if let Some(decoded) = &report.token {
            let (signature, findings) = claimcheck::signature::check(decoded, keys);
            report.findings.extend(findings);
            claimcheck::signature::apply(&mut report, signature);
        }
    }
    // What makes the run unusable is in the report too, for a script reading `--json`.
    report.findings.extend(problems.iter().map(|p| unusable(p)));
    report.unusable_input |= !problems.is_empty();
    // Exit status 2 goes with no verdict: a script must not read `allow` from an input claimcheck refused (an
    // unusable key set) or `deny` from a signature check beside a policy it could not read.
    if report.unusable_input {
        report.verdict = None;
    }
    Ok(Run { report, problems })
}

/// The `input-unusable` finding for a problem that makes the run unusable (its first line), in the area of the
/// input it is about, as the messages of [`Source`], [`no_usable_key`] and [`NO_TOKEN`] name it.
fn unusable(problem: &str) -> Finding {
    let message = problem.lines().next().unwrap_or_default().to_string();
    let area = [
        ("policy", Area::Policy),
        ("keys", Area::Signature),
        ("error text", Area::StsError),
    ]
    .into_iter()
    .find(|(what, _)| {
        ["cannot read the", "the", "no"]
            .iter()
            .any(|lead| message.starts_with(&format!("{lead} {what} ")))
    })
    .map_or(Area::Token, |(_, area)| area);
    Finding::new("input-unusable", Severity::Error, area, message)
}

/// `Some(message)` when the keys text holds no key to verify with: the signature cannot be checked, and
/// that is an input error (a wrong file, an error page saved instead of the key set), not a "no match".
fn no_usable_key(source: &Source, text: &str) -> Option<String> {
    let keys = claimcheck::signature::parse_keys(text);
    if !keys.keys.is_empty() {
        return None;
    }
    let why = if text.trim().is_empty() {
        "it is empty".to_string()
    } else if keys.findings.is_empty() {
        "nothing in it is a key".to_string()
    } else {
        keys.findings
            .iter()
            .map(|f| f.message.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    };
    Some(format!(
        "no keys found in {}: {why}\n  fix: give the issuer's key set (`curl -s <iss>/.well-known/jwks-pub.json`), a JWK, or PEM public keys",
        source.name()
    ))
}

fn exit_code(report: &Report) -> u8 {
    match report.verdict {
        _ if report.unusable_input => 2,
        Some(Verdict::Deny) => 1,
        Some(Verdict::Allow) => 0,
        // A policy was evaluated and claimcheck cannot decide: not an allow a script may act on.
        None if report.policy.kind.is_some() => 3,
        None => 0,
    }
}

/// Whether the arguments ask for `--json`: then even arguments that cannot be read (`--at yesterday`, a
/// missing `check`) get the one object scripts parse.
fn wants_json(args: &[OsString]) -> bool {
    args.iter().any(|a| a == "--json")
}

/// The `--json` object of a run that could not start: no verdict, and why, as `input-unusable`.
fn print_unusable_json(at: i64, problem: &str) {
    let mut report = Report::empty(at);
    report.findings.push(unusable(problem));
    report.unusable_input = true;
    if let Some(json) = json_report(&report) {
        print_out(&json);
    }
}

fn main() -> ExitCode {
    let raw: Vec<OsString> = std::env::args_os().skip(1).collect();
    let command = match parse_args(raw.clone()) {
        Ok(c) => c,
        Err(e) => {
            if wants_json(&raw) {
                print_unusable_json(now(), &e);
            }
            eprintln!("claimcheck: {e}");
            return ExitCode::from(2);
        }
    };
    let args = match command {
        Command::Help(text) => {
            print_out(text);
            return ExitCode::SUCCESS;
        }
        Command::Version => {
            print_out(&format!("claimcheck {}\n", env!("CARGO_PKG_VERSION")));
            return ExitCode::SUCCESS;
        }
        Command::Check(args) => args,
    };
    let Run { report, problems } = match run(&args) {
        Ok(r) => r,
        Err(e) => {
            // With `--json` a script still gets the object it parses, saying why there is no verdict.
            if args.json {
                print_unusable_json(args.at.unwrap_or_else(now), &e);
            }
            eprintln!("claimcheck: {e}");
            return ExitCode::from(2);
        }
    };
    let out = if args.json {
        match json_report(&report) {
            Some(json) => json,
            None => return ExitCode::from(2),
        }
    } else {
        shown_controls(&text_report(&report))
    };
    print_out(&out);
    for problem in problems {
        eprintln!("claimcheck: {problem}");
    }
    ExitCode::from(exit_code(&report))
}

/// The `--json` object: the report, with `sub.version` always there (`unrecognized` when the token has no
/// readable `sub`, or there is no token), as the contract promises scripts.
fn json_report(report: &Report) -> Option<String> {
    let mut value = match serde_json::to_value(report) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("claimcheck: cannot serialize the report: {e}");
            return None;
        }
    };
    if let Some(object) = value.as_object_mut() {
        object
            .entry("sub")
            .or_insert_with(|| serde_json::json!({"version": "unrecognized", "value": null}));
    }
    serde_json::to_string_pretty(&value).ok().map(|s| s + "\n")
}

/// `text` with every invisible or bidi control character (but line breaks and tabs) as a visible `⟨U+202E⟩`
/// marker, as the page shows them: in a terminal `refs/heads/<U+202E>niam-toN` would read `refs/heads/Not-main`.
fn shown_controls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c != '\n' && c != '\t' && claimcheck::circleci::findings::is_suspicious(c) {
            out.push_str(&format!("⟨U+{:04X}⟩", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Write to stdout, ignoring a closed pipe (`claimcheck check | head`).
fn print_out(s: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(s.as_bytes());
    let _ = out.flush();
}

fn json_inline(v: &serde_json::Value) -> String {
    let s = v.to_string();
    if s.chars().count() > 200 {
        s.chars().take(200).collect::<String>() + "…"
    } else {
        s
    }
}

/// The readable report: verdict, token, sub segments, claims with times, checks, findings with fixes.
fn text_report(r: &Report) -> String {
    use std::fmt::Write as _;
    let mut o = String::new();
    let claims = r.token.as_ref().and_then(|t| t.claims.as_ref());
    let verdict = match (r.verdict, &r.policy.decided_by) {
        (Some(Verdict::Allow), _) => "ALLOW".to_string(),
        (Some(Verdict::Deny), _) => "DENY".to_string(),
        (None, _) if r.unusable_input && r.policy.kind.is_some() && claims.is_some() => {
            "none (an input could not be used: see the messages at the end)".to_string()
        }
        (None, _) if r.policy.kind.is_none() => "none (no policy evaluated)".to_string(),
        (None, _) if claims.is_none() => {
            "none (no token claims to evaluate the policy with)".to_string()
        }
        (None, Some(why)) => format!(
            "undecided: {}",
            why.strip_prefix("undecided: ").unwrap_or(why)
        ),
        (None, None) => "undecided".to_string(),
    };
    let _ = writeln!(o, "verdict: {verdict}");
    if let Some(fix) = r.first_fix() {
        let _ = writeln!(o, "fix first: {fix}");
    }
    let _ = writeln!(o, "evaluated at: {} ({})", time::format_utc(r.at), r.at);
    if let Some(t) = &r.token {
        let form = match t.form {
            claimcheck::token::Form::Jws => "signed token (JWS)",
            claimcheck::token::Form::Jwe => "encrypted token (JWE)",
            claimcheck::token::Form::Partial => "partial token",
            claimcheck::token::Form::Invalid => "not decodable",
        };
        let sig = if t.signature_present {
            "signature present (not shown)"
        } else {
            "no signature"
        };
        let _ = writeln!(o, "\ntoken: {form}, {sig}");
        for c in &t.cleanup {
            let _ = writeln!(o, "  cleanup: {c}");
        }
        if let Some(h) = &t.header {
            let _ = writeln!(o, "\nheader");
            for c in circleci::explain_header(h) {
                let _ = writeln!(o, "  {}: {}", c.name, json_inline(&c.value));
                if !c.explanation.is_empty() {
                    let _ = writeln!(o, "      {}", c.explanation);
                }
            }
        }
    }
    if let Some(s) = &r.sub {
        let _ = writeln!(o, "\nsub: {}", s.version.as_str());
        let _ = writeln!(o, "  {}", s.value);
        for seg in &s.segments {
            let kind = serde_json::to_value(seg.kind)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            let _ = writeln!(o, "    {:<10} {}", kind, seg.text);
        }
        if let Some(v) = &s.variable {
            let _ = writeln!(o, "  variable: {v}");
        }
        if let Some(n) = &s.note {
            let _ = writeln!(o, "  note: {n}");
        }
        if let Some(f) = &s.other_form {
            let _ = writeln!(o, "  other form: {f}");
        }
    }
    if !r.claims.is_empty() {
        let _ = writeln!(o, "\nclaims");
        for c in &r.claims {
            let _ = writeln!(o, "  {}: {}", c.name, json_inline(&c.value));
            if let Some(t) = &c.time {
                let life = t
                    .lifetime
                    .as_ref()
                    .map(|l| format!("; lifetime {l}"))
                    .unwrap_or_default();
                let _ = writeln!(o, "      {} ({}{life})", t.utc, t.relative);
            }
            if !c.explanation.is_empty() {
                let _ = writeln!(o, "      {}", c.explanation);
            }
        }
    }
    if let Some(kind) = r.policy.kind {
        let kind = serde_json::to_value(kind)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let _ = writeln!(o, "\npolicy: {kind}");
        if let Some(d) = &r.policy.detected {
            let _ = writeln!(o, "  detected: {d}");
        }
        if let Some(d) = &r.policy.decided_by {
            let _ = writeln!(o, "  decided by: {d}");
        }
    }
    if !r.checks.is_empty() {
        let _ = writeln!(o, "\nchecks");
        for c in &r.checks {
            let mark = match c.result {
                Outcome::Pass => "pass",
                Outcome::Fail => "FAIL",
                Outcome::Unknown => "????",
            };
            let stmt = c
                .statement
                .as_ref()
                .map(|s| format!("{s}: "))
                .unwrap_or_default();
            let _ = writeln!(o, "  [{mark}] {stmt}{} {}", c.operator, c.key);
            let _ = writeln!(
                o,
                "      expected {}, actual {}",
                json_inline(&c.expected),
                json_inline(&c.actual)
            );
            let _ = writeln!(o, "      {}", c.explanation);
            if let Some(f) = &c.fix {
                let _ = writeln!(o, "      fix: {f}");
            }
        }
    }
    if let Some(s) = &r.signature {
        let _ = writeln!(o, "\nsignature: {} ({})", s.status, s.message);
    }
    if !r.findings.is_empty() {
        let _ = writeln!(o, "\nfindings");
        // Errors first, then warnings, then info; the JSON keeps the pipeline's order.
        let mut findings: Vec<_> = r.findings.iter().collect();
        findings.sort_by_key(|f| f.severity);
        for f in findings {
            let sev = serde_json::to_value(f.severity)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            let at = f
                .location
                .map(|l| format!(" (line {}, column {})", l.line, l.column))
                .unwrap_or_default();
            let _ = writeln!(o, "  {sev} {}{at}: {}", f.code, f.message);
            if let Some(fix) = &f.fix {
                let _ = writeln!(o, "      fix: {fix}");
            }
        }
    }
    if !r.suggestions.is_empty() {
        let _ = writeln!(o, "\nsuggestions");
        for s in &r.suggestions {
            let _ = writeln!(o, "  {} ({})", s.title, s.language);
            for line in s.text.lines() {
                let _ = writeln!(o, "    {line}");
            }
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Command, String> {
        parse_args(args.iter().map(OsString::from))
    }

    #[test]
    fn parses_check_options() {
        let Ok(Command::Check(a)) = parse(&[
            "check",
            "--token",
            "-",
            "--policy",
            "p.json",
            "--at",
            "2026-11-26T00:22:37Z",
            "--json",
        ]) else {
            panic!("not a check")
        };
        assert_eq!(a.token, Some(Source::Stdin));
        assert_eq!(a.policy, Some(Source::File("p.json".into())));
        assert_eq!(a.at, Some(1_795_652_557));
        assert!(a.json);
        let Ok(Command::Check(a)) = parse(&["check", "--at=5"]) else {
            panic!()
        };
        assert_eq!(a.at, Some(5));
        // Unix seconds with a fraction (`date +%s.%N`), an offset without its colon (`date +%z`).
        for (at, unix) in [
            ("1795652557.123456789", 1_795_652_557),
            ("2026-11-26T01:22:37+0100", 1_795_652_557),
            ("2026-11-26T00:22:37.5Z", 1_795_652_557),
        ] {
            let Ok(Command::Check(a)) = parse(&["check", "--at", at]) else {
                panic!("{at}")
            };
            assert_eq!(a.at, Some(unix), "{at}");
        }
    }

    #[test]
    fn rejects_bad_arguments() {
        assert!(parse(&["check", "--bogus"])
            .unwrap_err()
            .contains("--bogus"));
        assert!(parse(&["frobnicate"])
            .unwrap_err()
            .contains("unknown command `frobnicate`"));
        assert!(parse(&["check", "--at", "soon"])
            .unwrap_err()
            .starts_with("--at: `soon` is not a time"));
        assert!(parse(&["check", "--token"]).is_err());
        assert!(parse(&["check", "--token", "-", "--policy", "-"])
            .unwrap_err()
            .contains("only one"));
        assert!(parse(&[])
            .unwrap_err()
            .starts_with("no command given; try `claimcheck check --help`\n\nUsage:\n"));
    }

    #[test]
    fn rejects_an_option_given_twice() {
        for (option, value) in [
            ("--token", "t"),
            ("--policy", "p"),
            ("--error-text", "e"),
            ("--jwks", "k"),
            ("--at", "5"),
        ] {
            assert_eq!(
                parse(&["check", option, value, "--json", option, value]).unwrap_err(),
                format!("`{option}` given twice; give it once")
            );
        }
        // Even when the second value is wrong: being twice is the first problem.
        assert_eq!(
            parse(&["check", "--at", "5", "--at", "soon"]).unwrap_err(),
            "`--at` given twice; give it once"
        );
    }

    #[test]
    fn an_option_is_not_the_value_of_the_one_before() {
        assert_eq!(
            parse(&["check", "--token", "--json"]).unwrap_err(),
            "`--token` needs a value, but it is followed by the option `--json`; \
             for a file whose name starts with `--`, write `--token=FILE` or `--token ./FILE`"
        );
        for option in ["--policy", "--error-text", "--jwks", "--at"] {
            assert!(parse(&["check", option, "--token", "t"])
                .unwrap_err()
                .starts_with(&format!(
                    "`{option}` needs a value, but it is followed by the option `--token`"
                )));
        }
        // Attached, the value is what was written; `-` is still stdin; `-5` is a time before 1970.
        let Ok(Command::Check(a)) =
            parse(&["check", "--token=--json", "--policy", "-", "--at", "-5"])
        else {
            panic!("not a check")
        };
        assert_eq!(a.token, Some(Source::File("--json".into())));
        assert_eq!(a.policy, Some(Source::Stdin));
        assert_eq!(a.at, Some(-5));
    }

    #[test]
    fn exit_codes_follow_the_report() {
        let mut r = analyze(&Input {
            now: 0,
            ..Input::default()
        });
        assert_eq!(exit_code(&r), 0);
        r.verdict = Some(Verdict::Allow);
        assert_eq!(exit_code(&r), 0);
        r.verdict = Some(Verdict::Deny);
        assert_eq!(exit_code(&r), 1);
        r.unusable_input = true;
        assert_eq!(exit_code(&r), 2);
        // A policy evaluated without a verdict is neither an allow nor a deny.
        r.unusable_input = false;
        r.verdict = None;
        r.policy.kind = Some(claimcheck::policy::PolicyKind::Aws);
        assert_eq!(exit_code(&r), 3);
        r.unusable_input = true;
        assert_eq!(exit_code(&r), 2);
    }

    #[test]
    fn reads_utf8_and_utf16_files() {
        let utf16 = |be: bool| {
            let mut bytes = if be {
                vec![0xfe, 0xff]
            } else {
                vec![0xff, 0xfe]
            };
            for unit in "eyJ.é\r\n".encode_utf16() {
                bytes.extend(if be {
                    unit.to_be_bytes()
                } else {
                    unit.to_le_bytes()
                });
            }
            bytes
        };
        for bytes in [
            b"eyJ.\xc3\xa9\r\n".to_vec(),
            b"\xef\xbb\xbfeyJ.\xc3\xa9\r\n".to_vec(),
            utf16(false),
            utf16(true),
        ] {
            assert_eq!(
                text_of(bytes.clone()).as_deref(),
                Ok("eyJ.é\r\n"),
                "{bytes:?}"
            );
        }
        assert_eq!(
            text_of(b"ab\xe9".to_vec()).unwrap_err(),
            "it is not utf-8 text (bad byte at offset 2); save it as utf-8 (in PowerShell: `Out-File -Encoding utf8`)"
        );
        // An odd number of bytes after a UTF-16 mark is not UTF-16.
        assert!(text_of(vec![0xff, 0xfe, 0x41]).is_err());
    }

    #[test]
    fn help_and_version() {
        assert!(matches!(parse(&["--help"]), Ok(Command::Help(HELP))));
        assert!(matches!(parse(&["-h"]), Ok(Command::Help(HELP))));
        assert!(matches!(
            parse(&["check", "-h"]),
            Ok(Command::Help(CHECK_HELP))
        ));
        assert!(matches!(parse(&["--version"]), Ok(Command::Version)));
    }
}
