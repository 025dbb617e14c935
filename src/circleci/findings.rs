//! Consistency findings: what a CircleCI token says about itself, checked at `now`.
//!
//! | code | severity | area | when |
//! |---|---|---|---|
//! | `token-alg-missing` | error | token | the header has no `alg` |
//! | `token-alg-none` | error | token | `alg` is `none`: an unsigned token |
//! | `token-alg-unexpected` | warning | token | `alg` is not `RS256` (what CircleCI uses) |
//! | `token-kid-missing` | warning | token | the header has no `kid` (platforms pick the key by it) |
//! | `token-typ-unusual` | info | token | `typ` is present and not `JWT` (CircleCI's `typ` is unconfirmed) |
//! | `token-not-circleci` | warning | token | neither `iss`, `sub` nor any claim looks like CircleCI's |
//! | `claim-missing` | error/warning/info | token | a claim platforms require (error), CircleCI always sets (warning) or recent cloud tokens carry (info: `org-id`, `pipeline-id`, `workflow-id`, `job-id`) is absent |
//! | `claim-wrong-type` | error | token | a known claim has the wrong JSON type (e.g. `exp` as a string) |
//! | `token-expired` | error | token | `now` >= `exp` (also an `exp` too far in the past to be read) |
//! | `time-out-of-range` | warning | token | `exp`, `nbf` or `iat` is a number too large to be a time claimcheck reads (beyond ±292 billion years) |
//! | `token-not-yet-valid` | error | token | `now` < `nbf` |
//! | `token-issued-in-future` | warning | token | `iat` > `now` |
//! | `token-lifetime-invalid` | error | token | `exp` <= `iat` |
//! | `token-lifetime-unusual` | warning (cloud) / info (server) | token | cloud: `exp - iat` != 3600 s (the default; an org or project may set a `ttl`); server: above the default `token_max_ttl` (5 h) |
//! | `iss-not-https` | error | token | `iss` uses `http://` |
//! | `iss-trailing-slash` | warning | token | `iss` ends with `/` |
//! | `iss-unrecognized` | warning | token | `iss` is not `https://<host>/org/<id>` nor the root issuer |
//! | `iss-root-issuer` | info | token | `iss` is `https://oidc.circleci.com` (minted with `--root-issuer`) |
//! | `iss-server` | info | token | `iss` names a CircleCI server host (4.4+, not air-gapped) |
//! | `org-id-not-uuid` | error | sub | an org ID (in `iss`, `sub` or `oidc.circleci.com/org-id`) is not a UUID |
//! | `org-mismatch` | error | sub | the org differs between `iss`, `sub` and `oidc.circleci.com/org-id` |
//! | `aud-empty` | error | token | `aud` is an empty string or array |
//! | `aud-multiple` | info | token | `aud` is an array of several audiences |
//! | `aud-custom` | info | token | `aud` is not the org ID: a custom audience |
//! | `aud-is-project-id` | warning | token | `aud` is the project ID, not the org ID |
//! | `project-id-not-uuid` | warning | sub | the project ID is not a UUID |
//! | `project-id-mismatch` | error | sub | the project in `sub` differs from `oidc.circleci.com/project-id` |
//! | `user-id-not-uuid` | info | sub | the user segment is not a UUID (unconfirmed for scheduled pipelines) |
//! | `claim-not-uuid` | warning | token | a pipeline/workflow/job/context ID claim is not a UUID |
//! | `sub-unrecognized` | warning | sub | `sub` is neither V1 nor V2 |
//! | `sub-version-ambiguous` | info | sub | V1 shape with no vcs claims: V1, or V2 of a custom-webhook pipeline |
//! | `vcs-origin-mismatch` | error | sub | the V2 `sub` origin differs from `oidc.circleci.com/vcs-origin` |
//! | `vcs-ref-mismatch` | error | sub | the V2 `sub` ref differs from `oidc.circleci.com/vcs-ref` |
//! | `token-ssh-rerun` | warning | token | `oidc.circleci.com/ssh-rerun` is true |
//! | `claim-invisible-characters` | error | token | bidi/invisible/control characters in `sub`, `iss`, `aud` or the vcs claims |

use serde_json::{Map, Value};

use super::catalogue::{lifetime, unix_seconds};
use super::{SegmentKind, Sub, SubVersion};
use crate::report::{Area, Finding, Severity};
use crate::time::{format_duration, format_utc};
use crate::token::segment::{describe_char, json_type};

const CLOUD_HOST: &str = "oidc.circleci.com";
const CLOUD_LIFETIME: i64 = 3_600;
const SERVER_DEFAULT_MAX_TTL: i64 = 5 * 3_600;
const ORG_ID: &str = "oidc.circleci.com/org-id";
const PROJECT_ID: &str = "oidc.circleci.com/project-id";
const VCS_ORIGIN: &str = "oidc.circleci.com/vcs-origin";
const VCS_REF: &str = "oidc.circleci.com/vcs-ref";

/// A UUID, or a value a share link redacted (which was one, as far as anyone reading the link can tell).
fn uuid_or_redacted(s: &str) -> bool {
    is_uuid(s) || s == super::REDACTED
}

/// `8-4-4-4-12` hex digits (either case).
pub fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| {
            if matches!(i, 8 | 13 | 18 | 23) {
                *c == b'-'
            } else {
                c.is_ascii_hexdigit()
            }
        })
}

/// User input for a message: at most 120 characters.
fn show(s: &str) -> String {
    let mut out: String = s.chars().take(120).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

fn finding(
    code: &'static str,
    severity: Severity,
    area: Area,
    message: String,
    fix: &str,
) -> Finding {
    Finding::new(code, severity, area, message).with_fix(fix)
}

/// Every check, at `now`. `sub` is the parsed `sub` claim (see [`super::inspect`]).
pub fn check(
    header: Option<&Map<String, Value>>,
    claims: Option<&Map<String, Value>>,
    sub: Option<&Sub>,
    now: i64,
) -> Vec<Finding> {
    let mut out = Vec::new();
    if let Some(h) = header {
        check_header(h, &mut out);
    }
    if let Some(c) = claims {
        check_claims(c, sub, now, &mut out);
    }
    out
}

fn check_header(h: &Map<String, Value>, out: &mut Vec<Finding>) {
    match h.get("alg") {
        None => out.push(finding(
            "token-alg-missing",
            Severity::Error,
            Area::Token,
            "the header has no `alg`: no platform can verify the token".into(),
            "CircleCI tokens carry `\"alg\": \"RS256\"`: check that the header is the token's own",
        )),
        Some(Value::String(a)) if a.eq_ignore_ascii_case("none") => out.push(finding(
            "token-alg-none",
            Severity::Error,
            Area::Token,
            format!(
                "`alg` is `{}`: the token is unsigned and every platform rejects it",
                show(a)
            ),
            "use the token CircleCI minted (`$CIRCLE_OIDC_TOKEN_V2`), signed with `RS256`",
        )),
        Some(Value::String(a)) if a == "RS256" => {}
        Some(other) => {
            let shown = other
                .as_str()
                .map_or_else(|| other.to_string(), str::to_string);
            out.push(finding(
                "token-alg-unexpected",
                Severity::Warning,
                Area::Token,
                format!(
                    "`alg` is `{}`, but CircleCI signs its tokens with `RS256`",
                    show(&shown)
                ),
                "check that this token comes from CircleCI unchanged",
            ));
        }
    }
    if h.get("kid")
        .and_then(Value::as_str)
        .is_none_or(str::is_empty)
    {
        out.push(finding(
            "token-kid-missing",
            Severity::Warning,
            Area::Token,
            "the header has no `kid`: platforms pick the verification key by it (AWS says `Couldn't retrieve verification key from your identity provider`)".into(),
            "CircleCI sets `kid`; on server, check that the issuer's key set publishes `kid` and `alg` for each key",
        ));
    }
    match h.get("typ") {
        None => {}
        Some(Value::String(t)) if t.eq_ignore_ascii_case("JWT") => {}
        Some(t) => {
            let shown = t.as_str().map_or_else(|| t.to_string(), str::to_string);
            out.push(finding(
                "token-typ-unusual",
                Severity::Info,
                Area::Token,
                format!("`typ` is `{}`, not `JWT`; what CircleCI sets here is unconfirmed, and the platforms checked here ignore it", show(&shown)),
                "nothing to do unless the relying party checks `typ`",
            ));
        }
    }
}

/// The JSON types CircleCI uses for its claims.
fn type_ok(name: &str, v: &Value) -> Option<bool> {
    let strings = |v: &Value| v.as_array().is_some_and(|a| a.iter().all(Value::is_string));
    Some(match name {
        "iss"
        | "sub"
        | "jti"
        | "azp"
        | ORG_ID
        | PROJECT_ID
        | VCS_ORIGIN
        | VCS_REF
        | "oidc.circleci.com/pipeline-id"
        | "oidc.circleci.com/pipeline-definition-id"
        | "oidc.circleci.com/workflow-id"
        | "oidc.circleci.com/job-id"
        | "oidc.circleci.com/vcs-sha" => v.is_string(),
        "aud" => v.is_string() || strings(v),
        "iat" | "exp" | "nbf" => v.is_number(),
        "oidc.circleci.com/context-ids" | "amr" => strings(v),
        "oidc.circleci.com/ssh-rerun" => v.is_boolean(),
        _ => return None,
    })
}

fn expected_type(name: &str) -> &'static str {
    match name {
        "aud" => "a string or an array of strings",
        "iat" | "exp" | "nbf" => "a number of seconds since 1970",
        "oidc.circleci.com/context-ids" | "amr" => "an array of strings",
        "oidc.circleci.com/ssh-rerun" => "a boolean",
        _ => "a string",
    }
}

fn looks_like_circleci(c: &Map<String, Value>, sub: Option<&Sub>) -> bool {
    let iss = c.get("iss").and_then(Value::as_str).unwrap_or("");
    iss.contains(CLOUD_HOST)
        || iss.contains("/org/")
        || sub.is_some_and(|s| s.version != SubVersion::Unrecognized)
        || c.keys().any(|k| k.starts_with("oidc.circleci.com/"))
}

fn check_claims(c: &Map<String, Value>, sub: Option<&Sub>, now: i64, out: &mut Vec<Finding>) {
    for (name, v) in c {
        if type_ok(name, v) == Some(false) {
            out.push(finding(
                "claim-wrong-type",
                Severity::Error,
                Area::Token,
                format!(
                    "`{name}` is {}, but it must be {}",
                    json_type(v),
                    expected_type(name)
                ),
                "check that the claims are the token's own, unedited",
            ));
        }
    }
    let circleci = looks_like_circleci(c, sub);
    if !circleci {
        out.push(finding(
            "token-not-circleci",
            Severity::Warning,
            Area::Token,
            "this does not look like a CircleCI token: `iss` is not a CircleCI issuer, `sub` is neither V1 nor V2, and there are no `oidc.circleci.com/` claims".into(),
            "paste `$CIRCLE_OIDC_TOKEN_V2` (or `$CIRCLE_OIDC_TOKEN`) from the CircleCI job",
        ));
    }
    check_missing(c, circleci, out);
    check_times(c, now, out);
    let iss_org = c
        .get("iss")
        .and_then(Value::as_str)
        .and_then(|iss| check_iss(iss, out));
    check_ids(c, sub, iss_org.as_deref(), out);
    check_sub(c, sub, circleci, out);
    if c.get("oidc.circleci.com/ssh-rerun") == Some(&Value::Bool(true)) {
        out.push(finding(
            "token-ssh-rerun",
            Severity::Warning,
            Area::Token,
            "`oidc.circleci.com/ssh-rerun` is `true`: this job was rerun with SSH; PyPI and npm trusted publishing reject such tokens, and a policy may too".into(),
            "rerun the job without SSH to publish or deploy",
        ));
    }
    check_invisible(c, out);
}

fn check_missing(c: &Map<String, Value>, circleci: bool, out: &mut Vec<Finding>) {
    for name in ["iss", "sub", "aud", "exp"] {
        if !c.contains_key(name) {
            out.push(finding(
                "claim-missing",
                Severity::Error,
                Area::Token,
                format!("the token has no `{name}` claim: platforms require it (AWS: `Missing a required claim`)"),
                "check that the whole payload was copied",
            ));
        }
    }
    if !circleci {
        return;
    }
    // Documented since OIDC came out (2022).
    for name in ["iat", PROJECT_ID] {
        if !c.contains_key(name) {
            out.push(finding(
                "claim-missing",
                Severity::Warning,
                Area::Token,
                format!("the token has no `{name}` claim, which CircleCI always sets"),
                "check that the payload is a CircleCI token's own, unedited",
            ));
        }
    }
    // Added later (`org-id` and `pipeline-id` were announced in 2025): tokens minted before, and CircleCI server
    // tokens, may lack them, so their absence is only noted.
    for name in [
        ORG_ID,
        "oidc.circleci.com/pipeline-id",
        "oidc.circleci.com/workflow-id",
        "oidc.circleci.com/job-id",
    ] {
        if !c.contains_key(name) {
            out.push(finding(
                "claim-missing",
                Severity::Info,
                Area::Token,
                format!(
                    "the token has no `{name}` claim: recent CircleCI cloud tokens carry it, older tokens and \
                     CircleCI server tokens may not"
                ),
                "nothing to fix for an older or a server token; a policy cannot check this claim on such tokens",
            ));
        }
    }
}

fn check_times(c: &Map<String, Value>, now: i64, out: &mut Vec<Finding>) {
    let at = format_utc(now);
    // A number that is no representable time (`1e20`) is not an absent claim: say so, and what it means.
    for name in ["exp", "nbf", "iat"] {
        let Some(v) = c
            .get(name)
            .filter(|v| v.is_number() && unix_seconds(v).is_none())
        else {
            continue;
        };
        let past = v.as_f64().is_some_and(|f| f < 0.0);
        out.push(finding(
            "time-out-of-range",
            Severity::Warning,
            Area::Token,
            format!(
                "`{name}` is `{}`, {} than any time claimcheck reads (about 292 billion years from 1970): no check of `{name}` can be decided",
                show(&v.to_string()),
                if past { "earlier" } else { "later" }
            ),
            "CircleCI writes times as whole unix seconds (`1760000000`): check that the claims are the token's own, unedited",
        ));
        if name == "exp" && past {
            out.push(finding(
                "token-expired",
                Severity::Error,
                Area::Token,
                format!("the token expired at `{}` (`exp`), long before the evaluation time `{at}`", show(&v.to_string())),
                "get a fresh token: CircleCI tokens live 1 h by default, and this `exp` is not one CircleCI writes",
            ));
        }
        if name == "nbf" && !past {
            out.push(finding(
                "token-not-yet-valid",
                Severity::Error,
                Area::Token,
                format!("the token is not valid before `{}` (`nbf`), long after the evaluation time `{at}`", show(&v.to_string())),
                "check that the claims are the token's own, unedited: CircleCI does not write this `nbf`",
            ));
        }
    }
    let exp = c.get("exp").and_then(unix_seconds);
    let iat = c.get("iat").and_then(unix_seconds);
    if let Some(exp) = exp {
        if now >= exp {
            out.push(finding(
                "token-expired",
                Severity::Error,
                Area::Token,
                format!(
                    "the token expired at `{}`, {} before the evaluation time `{at}`",
                    format_utc(exp),
                    format_duration(now.saturating_sub(exp))
                ),
                "get a fresh token: CircleCI tokens live 1 h by default (an org or project `ttl` may change it), so mint one right before use (`circleci run oidc get`) in long jobs; or evaluate at the time the job ran",
            ));
        }
    }
    if let Some(nbf) = c.get("nbf").and_then(unix_seconds) {
        if now < nbf {
            out.push(finding(
                "token-not-yet-valid",
                Severity::Error,
                Area::Token,
                format!(
                    "the token is not valid before `{}` (`nbf`), {} after the evaluation time `{at}`",
                    format_utc(nbf),
                    format_duration(nbf.saturating_sub(now))
                ),
                "evaluate at a later time, or check the clock of the machine that uses the token",
            ));
        }
    }
    if let Some(iat) = iat {
        if iat > now {
            out.push(finding(
                "token-issued-in-future",
                Severity::Warning,
                Area::Token,
                format!(
                    "the token was issued at `{}` (`iat`), {} after the evaluation time `{at}`",
                    format_utc(iat),
                    format_duration(iat.saturating_sub(now))
                ),
                "evaluate at a time after the job ran, or check the clock of the machine that uses the token",
            ));
        }
    }
    if let (Some(exp), Some(iat)) = (exp, iat) {
        let secs = i128::from(exp) - i128::from(iat);
        let cloud = c
            .get("iss")
            .and_then(Value::as_str)
            .is_none_or(|i| host_of(i) == Some(CLOUD_HOST));
        if secs <= 0 {
            out.push(finding(
                "token-lifetime-invalid",
                Severity::Error,
                Area::Token,
                format!(
                    "`exp` (`{}`) is not after `iat` (`{}`): the token was never valid",
                    format_utc(exp),
                    format_utc(iat)
                ),
                "check that the claims are the token's own, unedited",
            ));
        } else if cloud && secs != i128::from(CLOUD_LIFETIME) {
            out.push(finding(
                "token-lifetime-unusual",
                Severity::Warning,
                Area::Token,
                format!(
                    "the token lives {} (`exp - iat`); CircleCI cloud tokens live 1 h unless the org or project \
                     sets another `ttl` (CircleCI API v2 `oidc-custom-claims`)",
                    lifetime(exp, iat)
                ),
                "fine if your org or project sets a custom `ttl`; otherwise check that this token comes from CircleCI \
                 unchanged",
            ));
        } else if !cloud && secs > i128::from(SERVER_DEFAULT_MAX_TTL) {
            out.push(finding(
                "token-lifetime-unusual",
                Severity::Info,
                Area::Token,
                format!("the token lives {} (`exp - iat`), longer than CircleCI server's default `token_max_ttl` of 5 h", lifetime(exp, iat)),
                "fine if the server's administrator raised `token_max_ttl`; shorter lifetimes are safer",
            ));
        }
    }
}

fn host_of(iss: &str) -> Option<&str> {
    let rest = iss
        .strip_prefix("https://")
        .or_else(|| iss.strip_prefix("http://"))?;
    Some(rest.split('/').next().unwrap_or(rest))
}

/// Check the issuer's form; returns the org ID it names, if any.
fn check_iss(iss: &str, out: &mut Vec<Finding>) -> Option<String> {
    let shown = show(iss);
    let rest = if let Some(r) = iss.strip_prefix("https://") {
        r
    } else if let Some(r) = iss.strip_prefix("http://") {
        out.push(finding(
            "iss-not-https",
            Severity::Error,
            Area::Token,
            format!("`iss` is `{shown}`: issuers must use `https://`, and platforms refuse plain http"),
            "CircleCI issuers are `https://oidc.circleci.com/org/<org-id>` (cloud) or `https://<host>/org/<org-id>` (server)",
        ));
        r
    } else {
        out.push(finding(
            "iss-unrecognized",
            Severity::Warning,
            Area::Token,
            format!("`iss` is `{shown}`, which is not an https URL"),
            "CircleCI issuers are `https://oidc.circleci.com/org/<org-id>` (cloud) or `https://<host>/org/<org-id>` (server)",
        ));
        return None;
    };
    if iss.ends_with('/') {
        out.push(finding(
            "iss-trailing-slash",
            Severity::Warning,
            Area::Token,
            format!("`iss` is `{shown}`, with a trailing `/`: CircleCI issuers have none, and platforms compare the issuer character for character"),
            "the provider URL / issuer configured on the platform must equal `iss` exactly",
        ));
    }
    let (host, path) = match rest.find('/') {
        Some(i) => (rest.get(..i).unwrap_or(""), rest.get(i..).unwrap_or("")),
        None => (rest, ""),
    };
    let path = path.strip_suffix('/').unwrap_or(path);
    let mut org = None;
    if path.is_empty() {
        if host == CLOUD_HOST {
            out.push(finding(
                "iss-root-issuer",
                Severity::Info,
                Area::Token,
                format!("`iss` is the root issuer `https://{CLOUD_HOST}` (a token minted with `circleci run oidc get --root-issuer`): it names no org"),
                "the platform's provider must be `https://oidc.circleci.com` itself (AWS condition keys then start with `oidc.circleci.com:`); that provider trusts every CircleCI org and the job chooses `aud`, so pin your org in `sub` (`org/<org-id>/*`; GCP and Vault can also check `oidc.circleci.com/org-id`, AWS cannot)",
            ));
        } else {
            out.push(unrecognized_iss(&shown));
        }
    } else if let Some(o) = path.strip_prefix("/org/").filter(|o| !o.contains('/')) {
        org = Some(o.to_string());
    } else {
        out.push(unrecognized_iss(&shown));
    }
    let cloud_written_otherwise = host != CLOUD_HOST
        && host
            .split(':')
            .next()
            .is_some_and(|h| h.eq_ignore_ascii_case(CLOUD_HOST));
    if cloud_written_otherwise {
        out.push(finding(
            "iss-unrecognized",
            Severity::Warning,
            Area::Token,
            format!(
                "`iss` names the host `{}`: CircleCI cloud's `{CLOUD_HOST}` written otherwise (CircleCI writes it in \
                 lowercase, without a port), and platforms compare the issuer character for character",
                show(host)
            ),
            "check that the claims are the token's own, unedited; the platform's provider URL must equal `iss` exactly",
        ));
    } else if host != CLOUD_HOST && org.is_some() {
        out.push(finding(
            "iss-server",
            Severity::Info,
            Area::Token,
            format!("`iss` names the host `{}`, not `{CLOUD_HOST}`: a CircleCI server token", show(host)),
            "server supports OIDC from 4.4, not on air-gapped installs; the platform must reach `<iss>/.well-known/openid-configuration` and the key set, and its provider URL must be this exact issuer",
        ));
    }
    org
}

fn unrecognized_iss(shown: &str) -> Finding {
    finding(
        "iss-unrecognized",
        Severity::Warning,
        Area::Token,
        format!("`iss` is `{shown}`, not of the form `https://<host>/org/<org-id>`"),
        "CircleCI issuers are `https://oidc.circleci.com/org/<org-id>` (cloud) or `https://<host>/org/<org-id>` (server)",
    )
}

fn check_ids(
    c: &Map<String, Value>,
    sub: Option<&Sub>,
    iss_org: Option<&str>,
    out: &mut Vec<Finding>,
) {
    let claim = |n: &str| c.get(n).and_then(Value::as_str);
    let sub_part = |k: SegmentKind| {
        sub.filter(|s| s.version != SubVersion::Unrecognized)
            .and_then(|s| s.part(k))
    };

    // The org, from each place that names it. The `sub` is the reference (policies match on it).
    let orgs: Vec<(&str, &str)> = [
        ("sub", sub_part(SegmentKind::Org)),
        (ORG_ID, claim(ORG_ID)),
        ("iss", iss_org),
    ]
    .into_iter()
    .filter_map(|(place, v)| v.map(|v| (place, v)))
    .collect();
    let mut reported: Vec<&str> = Vec::new();
    for (place, org) in &orgs {
        if !uuid_or_redacted(org) && !reported.contains(org) {
            reported.push(org);
            out.push(finding(
                "org-id-not-uuid",
                Severity::Error,
                Area::Sub,
                format!("the org ID `{}` in `{place}` is not a UUID", show(org)),
                "CircleCI org IDs are UUIDs (Organization Settings > Overview); a project ID or org name in its place is a classic mistake",
            ));
        }
    }
    if let Some((ref_place, ref_org)) = orgs.first() {
        for (place, org) in orgs.iter().skip(1) {
            if org != ref_org {
                out.push(finding(
                    "org-mismatch",
                    Severity::Error,
                    Area::Sub,
                    format!("the org in `{place}` (`{}`) differs from the org in `{ref_place}` (`{}`)", show(org), show(ref_org)),
                    "a CircleCI token names one org everywhere: check that the claims were not edited or mixed from two tokens",
                ));
            }
        }
    }
    let org_values: Vec<&str> = orgs.iter().map(|(_, o)| *o).collect();

    // Projects.
    let sub_project = sub_part(SegmentKind::Project);
    let claim_project = claim(PROJECT_ID);
    let mut reported: Vec<&str> = Vec::new();
    for (place, p) in [("sub", sub_project), (PROJECT_ID, claim_project)] {
        if let Some(p) = p.filter(|p| !uuid_or_redacted(p) && !reported.contains(p)) {
            reported.push(p);
            out.push(finding(
                "project-id-not-uuid",
                Severity::Warning,
                Area::Sub,
                format!("the project ID `{}` in `{place}` is not a UUID", show(p)),
                "CircleCI project IDs are UUIDs (Project Settings > Overview)",
            ));
        }
    }
    if let (Some(s), Some(cl)) = (sub_project, claim_project) {
        if s != cl {
            out.push(finding(
                "project-id-mismatch",
                Severity::Error,
                Area::Sub,
                format!("the project in `sub` (`{}`) differs from `{PROJECT_ID}` (`{}`)", show(s), show(cl)),
                "a CircleCI token names one project everywhere: check that the claims were not edited or mixed from two tokens",
            ));
        }
    }
    if let Some(u) = sub_part(SegmentKind::User).filter(|u| !uuid_or_redacted(u)) {
        out.push(finding(
            "user-id-not-uuid",
            Severity::Info,
            Area::Sub,
            format!("the user segment `{}` of `sub` is not a UUID (unconfirmed: scheduled pipelines run by the system actor may carry something else here)", show(u)),
            "user IDs are UUIDs; what scheduled pipelines run by the system actor carry here is unconfirmed, so a policy pinning `user/<id>` may not match them",
        ));
    }
    for name in [
        "oidc.circleci.com/pipeline-id",
        "oidc.circleci.com/pipeline-definition-id",
        "oidc.circleci.com/workflow-id",
        "oidc.circleci.com/job-id",
    ] {
        if let Some(v) = claim(name).filter(|v| !uuid_or_redacted(v)) {
            out.push(not_uuid(name, v));
        }
    }
    if let Some(ids) = c
        .get("oidc.circleci.com/context-ids")
        .and_then(Value::as_array)
    {
        for v in ids
            .iter()
            .filter_map(Value::as_str)
            .filter(|v| !uuid_or_redacted(v))
        {
            out.push(not_uuid("oidc.circleci.com/context-ids", v));
        }
    }
    check_aud(c, &org_values, sub_project.or(claim_project), out);
}

fn not_uuid(name: &str, v: &str) -> Finding {
    finding(
        "claim-not-uuid",
        Severity::Warning,
        Area::Token,
        format!("`{name}` holds `{}`, which is not a UUID", show(v)),
        "CircleCI sets UUIDs here: check that the claims are the token's own, unedited",
    )
}

/// `orgs`: the org IDs the token names (`sub`'s first, the reference); an `aud` equal to any of them is the
/// default audience (when they differ, `org-mismatch` says so), not a custom one.
fn check_aud(c: &Map<String, Value>, orgs: &[&str], project: Option<&str>, out: &mut Vec<Finding>) {
    let auds: Vec<&str> = match c.get("aud") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => return,
    };
    if auds.is_empty() || auds.iter().all(|a| a.is_empty()) {
        out.push(finding(
            "aud-empty",
            Severity::Error,
            Area::Token,
            "`aud` is empty: platforms reject a token without an audience".into(),
            "CircleCI sets `aud` to the org ID unless `circleci run oidc get --claims '{\"aud\":...}'` changed it",
        ));
        return;
    }
    if auds.len() > 1 {
        out.push(finding(
            "aud-multiple",
            Severity::Info,
            Area::Token,
            format!("`aud` lists {} audiences: the audience checks (AWS client IDs, GCP `allowedAudiences`, Vault `bound_audiences`, an Entra credential's audience) are read as accepting the token when any one is allowed; AWS does not document how a condition on `aud` reads a list: with `ForAnyValue:` claimcheck tests each audience, with a plain operator a match passes as an unconfirmed reading (`aud-list-assumed`) and a negated operator is shown as unknown", auds.len()),
            "for a certain answer, mint the token with one audience: `circleci run oidc get --claims '{\"aud\":\"<org ID>\"}'`",
        ));
    }
    let Some(&org) = orgs.first() else { return };
    if auds.iter().any(|a| orgs.contains(a)) {
        return;
    }
    for a in auds {
        if Some(a) == project {
            out.push(finding(
                "aud-is-project-id",
                Severity::Warning,
                Area::Token,
                format!("`aud` is `{}`, the project ID, not the org ID `{}`", show(a), show(org)),
                "the default audience is the org ID; if you set a custom `aud`, the platform must list exactly this value",
            ));
        } else {
            out.push(finding(
                "aud-custom",
                Severity::Info,
                Area::Token,
                format!("`aud` is `{}`, not the org ID `{}`: a custom audience (minted with `circleci run oidc get`)", show(a), show(org)),
                "the platform must allow this exact audience (AWS provider client IDs, GCP allowed audiences, Vault `bound_audiences`, Azure `audiences`)",
            ));
        }
    }
}

fn check_sub(c: &Map<String, Value>, sub: Option<&Sub>, circleci: bool, out: &mut Vec<Finding>) {
    let Some(sub) = sub else { return };
    match sub.version {
        SubVersion::Unrecognized => out.push(finding(
            "sub-unrecognized",
            Severity::Warning,
            Area::Sub,
            format!("`sub` is `{}`, neither V1 (`org/<org-id>/project/<project-id>/user/<user-id>`) nor V2 (V1 + `/vcs-origin/<origin>/vcs-ref/<ref>`)", show(&sub.value)),
            "paste `$CIRCLE_OIDC_TOKEN_V2` (or `$CIRCLE_OIDC_TOKEN`) from the CircleCI job",
        )),
        SubVersion::V1 => {
            if circleci && !c.contains_key(VCS_ORIGIN) && !c.contains_key(VCS_REF) {
                out.push(finding(
                    "sub-version-ambiguous",
                    Severity::Info,
                    Area::Sub,
                    "the token has no vcs claims, so this `sub` is either V1 (`$CIRCLE_OIDC_TOKEN`) or V2 (`$CIRCLE_OIDC_TOKEN_V2`) of a pipeline triggered by a custom webhook: both look the same".into(),
                    "a policy pinning `vcs-origin` or `vcs-ref` in `sub` never matches custom-webhook pipelines",
                ));
            }
        }
        SubVersion::V2 => {
            for (kind, claim, code, what) in [
                (SegmentKind::VcsOrigin, VCS_ORIGIN, "vcs-origin-mismatch", "origin"),
                (SegmentKind::VcsRef, VCS_REF, "vcs-ref-mismatch", "ref"),
            ] {
                let in_sub = sub.part(kind).unwrap_or("");
                let message = match c.get(claim) {
                    None => format!("the V2 `sub` has the vcs {what} `{}`, but the token has no `{claim}` claim", show(in_sub)),
                    Some(Value::String(v)) if v == in_sub => continue,
                    Some(Value::String(v)) => {
                        let case = if v.eq_ignore_ascii_case(in_sub) { " (they differ only in case)" } else { "" };
                        format!("the V2 `sub` has the vcs {what} `{}`, but `{claim}` is `{}`{case}", show(in_sub), show(v))
                    }
                    Some(_) => continue, // reported as claim-wrong-type
                };
                out.push(finding(
                    code,
                    Severity::Error,
                    Area::Sub,
                    message,
                    "a CircleCI token's `sub` and vcs claims agree: check that the claims were not edited or mixed from two tokens",
                ));
            }
        }
    }
}

/// Bidirectional controls, zero-width and other invisible characters, and control characters.
pub fn is_suspicious(ch: char) -> bool {
    matches!(ch,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}' | '\u{180E}'
        | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}'
        | '\u{206A}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}'
        | '\u{E0000}'..='\u{E007F}')
        || ch.is_control()
}

fn check_invisible(c: &Map<String, Value>, out: &mut Vec<Finding>) {
    for name in ["sub", "iss", "aud", VCS_ORIGIN, VCS_REF] {
        let values: Vec<&str> = match c.get(name) {
            Some(Value::String(s)) => vec![s.as_str()],
            Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
            _ => continue,
        };
        for v in values {
            let mut hits = v.char_indices().filter(|(_, ch)| is_suspicious(*ch));
            if let Some((offset, ch)) = hits.next() {
                let more = hits.count();
                let others = if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                };
                out.push(finding(
                    "claim-invisible-characters",
                    Severity::Error,
                    Area::Token,
                    format!(
                        "`{name}` contains the invisible or bidirectional character `{}` at byte {offset}{others}: such characters can make one repository or ID look like another",
                        describe_char(ch)
                    ),
                    "compare the raw bytes; a policy written from what the screen shows will not match",
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests;
