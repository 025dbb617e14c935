//! Entra's matching rule for a plain federated identity credential: `issuer`, `subject` and one of
//! `audiences` must equal the token's `iss`, `sub` and `aud` exactly (case-sensitive, no wildcards).

use serde_json::{Map, Value};

use crate::circleci::catalogue::claim_seconds as number;
use crate::report::{Check, Outcome};

/// The checks for one credential.
pub fn evaluate(cred: &super::input::Credential<'_>, claims: &Map<String, Value>) -> Vec<Check> {
    let statement = Some(format!("credential `{}`", cred.name));
    let mut out = Vec::new();
    let mut push = |key: &str,
                    operator: &str,
                    expected: Value,
                    actual: Value,
                    result: Outcome,
                    explanation: String,
                    fix: Option<String>| {
        out.push(Check {
            statement: statement.clone(),
            key: key.to_string().into(),
            operator: operator.to_string().into(),
            expected,
            actual,
            result,
            explanation,
            fix,
        });
    };
    let iss = claims.get("iss").and_then(Value::as_str);
    let sub = claims.get("sub").and_then(Value::as_str);
    // A field a Terraform plan computes at apply time holds a value, unknown here: never compared as missing.
    let pending = |field: &str| cred.unknown.iter().any(|f| f == field);
    let later = |field: &str, claim: &str| {
        format!(
            "the credential's `{field}` is known only after apply (the plan computes it from something it creates), so whether it equals the token's `{claim}` is unknown."
        )
    };
    let apply_fix = || {
        Some(
            "apply, then paste `terraform show -json` (the state), or `az ad app federated-credential list --id <app-id>`."
                .to_string(),
        )
    };

    let (result, why) = if pending("issuer") {
        (Outcome::Unknown, later("issuer", "iss"))
    } else {
        compare("issuer", "iss", cred.issuer, iss)
    };
    push(
        "issuer",
        "equals",
        opt(cred.issuer),
        opt(iss),
        result,
        why,
        match result {
            Outcome::Fail => Some(
                iss.map(|i| format!("set the credential's issuer to `{i}`."))
                    .unwrap_or_default(),
            ),
            Outcome::Unknown => apply_fix(),
            _ => None,
        },
    );

    if let Some(expr) = &cred.expression {
        push(
            "claimsMatchingExpression",
            "expression",
            Value::String(expr.clone()),
            opt(sub),
            Outcome::Unknown,
            expression_explanation(iss),
            flexible_fix(iss),
        );
    } else if pending("subject") {
        push(
            "subject",
            "equals",
            Value::Null,
            opt(sub),
            Outcome::Unknown,
            later("subject", "sub"),
            apply_fix(),
        );
    } else {
        let (result, mut why) = compare("subject", "sub", cred.subject, sub);
        if let (Outcome::Fail, Some(s), Some(t)) = (result, cred.subject, sub) {
            let vcs = claims.contains_key("oidc.circleci.com/vcs-origin");
            match subject_hint(s, t, vcs, iss.is_some_and(is_circleci_issuer)) {
                // This job's own `sub` in the other version: that says it all (the values are in their columns).
                Hint::Version(hint) => why = hint,
                Hint::More(hint) => {
                    why.push(' ');
                    why.push_str(&hint);
                }
                Hint::None => {}
            }
        }
        push(
            "subject",
            "equals",
            opt(cred.subject),
            opt(sub),
            result,
            why,
            (result == Outcome::Fail).then(|| {
                sub.map(|s| {
                    cred.subject
                        .and_then(|registered| version_fix(registered, claims))
                        .unwrap_or_else(|| {
                            format!("register the subject `{s}` (one credential per subject).")
                        })
                })
                .unwrap_or_default()
            }),
        );
    }

    let aud = audiences(claims);
    let actual = claims.get("aud").cloned().unwrap_or(Value::Null);
    let expected = Value::Array(cred.audiences.iter().cloned().map(Value::String).collect());
    // Microsoft Graph, federatedIdentityCredential: `audiences` "can only accept a single value and has a limit
    // of 600 characters"; entra refuses to save anything else.
    let unsavable =
        cred.audiences.len() > 1 || cred.audiences.iter().any(|a| a.chars().count() > 600);
    let pass = !unsavable && cred.audiences.iter().any(|a| aud.contains(a));
    if pending(cred.audience_key) && !pass {
        push(
            "audiences",
            "in",
            expected,
            actual,
            Outcome::Unknown,
            later(cred.audience_key, "aud"),
            apply_fix(),
        );
        return out;
    }
    let why = if unsavable {
        format!(
            "entra refuses to save this credential: `audiences` takes a single value of at most 600 characters, and it holds {}; no real credential is written this way.",
            if cred.audiences.len() > 1 { format!("{} values", cred.audiences.len()) } else { "a longer one".to_string() }
        )
    } else if pass {
        "the token's `aud` is the credential's audience.".to_string()
    } else if aud.is_empty() {
        "the token has no `aud` claim.".to_string()
    } else if cred.audiences.is_empty() {
        "the credential lists no audience.".to_string()
    } else if cred
        .audiences
        .iter()
        .any(|a| aud.iter().any(|t| t.eq_ignore_ascii_case(a)))
    {
        "the audience differs only in letter case; entra compares it exactly.".to_string()
    } else if cred
        .audiences
        .iter()
        .any(|a| a == "api://AzureADTokenExchange")
    {
        "the credential expects `api://AzureADTokenExchange` (entra's default), but CircleCI's default `aud` is the org ID; \
         mint a token with that audience (`circleci run oidc get --claims '{\"aud\":\"api://AzureADTokenExchange\"}'`) \
         or register the org ID as the audience."
            .to_string()
    } else {
        "none of the credential's audiences equals the token's `aud` (CircleCI's default `aud` is the org ID).".to_string()
    };
    push(
        "audiences",
        "in",
        expected,
        actual,
        if pass { Outcome::Pass } else { Outcome::Fail },
        why,
        (!pass).then(|| {
            if unsavable {
                let keep = aud.first().map_or("<org-id>", String::as_str);
                return format!("keep one audience: `[\"{keep}\"]` (the token's `aud`; CircleCI's default is the org ID).");
            }
            audience_fix(&cred.audiences, claims).unwrap_or_else(|| {
                aud.first()
                    .map(|a| format!("set the credential's audiences to `[\"{a}\"]`."))
                    .unwrap_or_default()
            })
        }),
    );
    out
}

/// Entra's default audience, which CircleCI can mint with `circleci run oidc get`.
pub const ENTRA_AUDIENCE: &str = "api://AzureADTokenExchange";

/// The org ID: the `oidc.circleci.com/org-id` claim, else the issuer's `/org/<id>`.
fn org_id(claims: &Map<String, Value>) -> Option<&str> {
    claims
        .get("oidc.circleci.com/org-id")
        .and_then(Value::as_str)
        .or_else(|| {
            claims
                .get("iss")
                .and_then(Value::as_str)
                .and_then(|i| i.split_once("/org/"))
                .map(|(_, o)| o.trim_end_matches('/'))
        })
}

/// The fix when the credential expects entra's default audience and the token carries the org ID (CircleCI's
/// default): register the org ID, or mint the token with that audience (worded as the AWS module words it).
pub fn audience_fix(registered: &[String], claims: &Map<String, Value>) -> Option<String> {
    let aud = audiences(claims);
    let ([token_aud], [registered]) = (aud.as_slice(), registered) else {
        return None;
    };
    (registered == ENTRA_AUDIENCE && org_id(claims) == Some(token_aud.as_str())).then(|| {
        format!(
            "either set the credential's audiences to the token's `[\"{token_aud}\"]` (the org ID, CircleCI's default), \
             or mint the token with the expected audience: `circleci run oidc get --claims '{{\"aud\":\"{ENTRA_AUDIENCE}\"}}'`"
        )
    })
}

/// The issuers Microsoft documents flexible federated identity credentials for ("currently supported only
/// for tokens issued by GitHub, GitLab and Terraform Cloud", learn.microsoft.com
/// `workload-identities-flexible-federated-identity-credentials`). CircleCI is not among them.
const FLEXIBLE_ISSUERS: &[&str] = &["GitHub", "GitLab", "Terraform Cloud"];

/// `iss` is CircleCI's: cloud (`https://oidc.circleci.com/...`) or server (`https://<host>/org/<uuid>` is
/// not recognisable, so only the cloud host counts).
pub fn is_circleci_issuer(iss: &str) -> bool {
    iss == "https://oidc.circleci.com" || iss.starts_with("https://oidc.circleci.com/")
}

fn expression_explanation(iss: Option<&str>) -> String {
    let supported = FLEXIBLE_ISSUERS.join(", ");
    match iss {
        Some(i) if is_circleci_issuer(i) => format!(
            "cannot evaluate: `claimsMatchingExpression` (flexible federated identity credential). microsoft \
             documents flexible credential matching only for tokens issued by {supported}; this token's issuer \
             `{i}` is CircleCI's, so this credential very likely never matches it (no source confirms either way, \
             so the result is left undecided)."
        ),
        _ => "cannot evaluate: `claimsMatchingExpression` (flexible federated identity credential); claimcheck does \
              not guess its result."
            .to_string(),
    }
}

fn flexible_fix(iss: Option<&str>) -> Option<String> {
    iss.filter(|i| is_circleci_issuer(i)).map(|_| {
        "register a plain credential with the exact `sub` instead (one per subject): flexible credentials are \
         documented for GitHub, GitLab and Terraform Cloud tokens only."
            .to_string()
    })
}

fn opt(s: Option<&str>) -> Value {
    s.map(|s| Value::String(s.to_string()))
        .unwrap_or(Value::Null)
}

/// The `aud` claim as strings (a single string is one audience).
pub fn audiences(claims: &Map<String, Value>) -> Vec<String> {
    match claims.get("aud") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

fn compare(
    field: &str,
    claim: &str,
    expected: Option<&str>,
    actual: Option<&str>,
) -> (Outcome, String) {
    match (expected, actual) {
        (None, _) => (Outcome::Fail, format!("the credential has no `{field}`.")),
        (_, None) => (Outcome::Fail, format!("the token has no `{claim}` claim.")),
        (Some(e), Some(a)) if e == a => (
            Outcome::Pass,
            format!("`{claim}` equals the credential's `{field}` exactly."),
        ),
        (Some(e), Some(a)) => {
            let why = if e.trim() == a.trim() {
                format!("whitespace: the credential's `{field}` (`{e:?}`) and `{claim}` (`{a:?}`) differ only in spaces or line breaks around them; entra compares exactly.")
            } else if e.trim_end_matches('/') == a.trim_end_matches('/') {
                if e.ends_with('/') {
                    format!("trailing slash: the credential's `{field}` ends with `/` but `{claim}` does not; entra compares exactly.")
                } else {
                    format!("trailing slash: `{claim}` ends with `/` but the credential's `{field}` does not; entra compares exactly.")
                }
            } else if e.eq_ignore_ascii_case(a) {
                format!("case-only difference: the credential's `{field}` and `{claim}` differ only in letter case; entra compares exactly.")
            } else if e.contains('*') {
                format!("the credential's `{field}` contains `*`, but entra has no wildcards: `*` is compared literally.")
            } else {
                format!("the credential's `{field}` is `{e}` but the token's `{claim}` is `{a}`.")
            };
            (Outcome::Fail, why)
        }
    }
}

/// Which of this job's two `sub` forms a credential pins when the token presents the other one.
#[derive(Clone, Copy, PartialEq)]
enum OtherVersion {
    /// The credential pins the V1 `sub`; the token is V2 with the same V1 part.
    PinsV1,
    /// The credential pins a V2 `sub` whose V1 part is the token's (V1-shaped) `sub`.
    PinsV2,
}

fn other_version(registered: &str, token: &str) -> Option<OtherVersion> {
    let v1_part = |s: &str| s.split("/vcs-origin/").next().unwrap_or(s).to_string();
    match (
        token.contains("/vcs-origin/"),
        registered.contains("/vcs-origin/"),
    ) {
        (true, false) if v1_part(token) == registered => Some(OtherVersion::PinsV1),
        (false, true) if v1_part(registered) == token => Some(OtherVersion::PinsV2),
        _ => None,
    }
}

/// The fix when a credential pins this very job's `sub` in the other token version: switch the variable (or
/// register the token's subject too). A token without vcs claims may come from a custom-webhook pipeline,
/// whose V2 `sub` has no vcs part: switching variables would not help it, so no such fix is given.
pub fn version_fix(registered: &str, claims: &Map<String, Value>) -> Option<String> {
    let token = claims.get("sub").and_then(Value::as_str)?;
    match other_version(registered, token)? {
        OtherVersion::PinsV1 => Some(format!("this credential expects a V1 sub: use $CIRCLE_OIDC_TOKEN (or register the V2 subject `{token}` too)")),
        OtherVersion::PinsV2 if claims.contains_key("oidc.circleci.com/vcs-origin") => Some(format!("this credential expects a V2 sub: use $CIRCLE_OIDC_TOKEN_V2 (or register the V1 subject `{token}` too)")),
        OtherVersion::PinsV2 => None,
    }
}

/// What explains a subject mismatch beyond the values.
enum Hint {
    /// The credential pins this job's `sub` in the other token version: the whole explanation.
    Version(String),
    /// Something to add to the comparison.
    More(String),
    None,
}

/// Why a CircleCI `sub` differs from the registered one: version, user, project. Flexible credentials are
/// suggested only for issuers entra matches them for (`circleci` is false for a CircleCI token). `vcs`: the token
/// has vcs claims (without them, a V1-shaped `sub` may be a custom-webhook pipeline's V2 one). The fix itself
/// is [`version_fix`]'s.
fn subject_hint(registered: &str, token: &str, vcs: bool, circleci: bool) -> Hint {
    match other_version(registered, token) {
        Some(OtherVersion::PinsV1) => return Hint::Version("the credential pins this job's V1 `sub`, but the token is V2 (`$CIRCLE_OIDC_TOKEN_V2`, whose `sub` goes on with `/vcs-origin/…/vcs-ref/…`): entra compares exactly and has no wildcards, so a V2 token never matches a V1 subject; only `$CIRCLE_OIDC_TOKEN` presents it.".into()),
        Some(OtherVersion::PinsV2) if vcs => return Hint::Version("the credential pins this job's V2 `sub`, but the token is V1 (`$CIRCLE_OIDC_TOKEN`, whose `sub` stops after `/user/…`): entra compares exactly and has no wildcards, so a V1 token never matches a V2 subject; only `$CIRCLE_OIDC_TOKEN_V2` presents it.".into()),
        Some(OtherVersion::PinsV2) => return Hint::Version("the credential pins a V2 `sub` with a vcs part, and the token's `sub` has none: it is a V1 token (`$CIRCLE_OIDC_TOKEN`; `$CIRCLE_OIDC_TOKEN_V2` presents the V2 subject), or the V2 token of a pipeline without a repository (a custom webhook), which never presents that subject.".into()),
        None => {}
    }
    let user = |s: &str| {
        s.split("/user/")
            .nth(1)
            .map(|r| r.split('/').next().unwrap_or("").to_string())
    };
    let before_user = |s: &str| s.split("/user/").next().map(str::to_string);
    // `compare` already says that `*` is literal; "pins one user" would contradict the wildcard's intent.
    if registered.contains('*') {
        return Hint::None;
    }
    if before_user(registered) == before_user(token) && user(registered) != user(token) {
        return Hint::More(format!("same org and project, different `user/…`: a plain credential pins the user who triggered the pipeline, so jobs run by anyone else present another `sub`; register one credential per user{}.", if circleci { "" } else { " (or a flexible credential)" }));
    }
    Hint::None
}

/// The clock skew Microsoft's token libraries allow by default (`TokenValidationParameters.ClockSkew`); entra's
/// own allowance for federated assertions is not documented.
const SKEW_GUESS: i64 = 300;

/// The token's time range as entra checks it before any credential is matched: an expired token (or one
/// whose `nbf` is still ahead) gets `AADSTS700024: Client assertion is not within its valid time range`.
/// Entra documents no clock-skew allowance for it: a token that expired less than [`SKEW_GUESS`] ago is unknown,
/// and the explanation says so.
pub fn times(claims: &Map<String, Value>, now: i64) -> Vec<Check> {
    let at = crate::time::format_iso;
    let skew = "whether entra allows any clock skew is not documented (unconfirmed)";
    let error = "`AADSTS700024: Client assertion is not within its valid time range.`";
    let fresh = "mint a fresh token: CircleCI cloud tokens live one hour by default, so run `az login --federated-token` soon after the \
                 job starts, or mint one just before it with `circleci run oidc get`.";
    let (result, explanation, fix) = match number(claims, "exp") {
        None => (
            Outcome::Unknown,
            "cannot evaluate: the token has no numeric `exp`. entra's client-assertion format lists `exp`, but what \
             it answers for a federated token without one is not documented (unconfirmed)."
                .to_string(),
            None,
        ),
        // Microsoft's token libraries allow 5 minutes of clock skew by default; whether entra does for a
        // federated assertion is not documented, so a token that expired less than that ago is undecided.
        Some(exp) if exp <= now && now - exp < SKEW_GUESS => (
            Outcome::Unknown,
            format!(
                "the token expired at {}, {} before the evaluation time {}: entra answers {error} unless it allows \
                 that much clock skew; {skew} (microsoft's token libraries allow 5 min by default).",
                at(exp),
                crate::time::format_duration(now - exp),
                at(now)
            ),
            Some(fresh.to_string()),
        ),
        Some(exp) if exp <= now => (
            Outcome::Fail,
            format!(
                "the token expired at {} ({} before the evaluation time {}); entra refuses it before matching any \
                 credential: {error} {skew}.",
                at(exp),
                crate::time::format_duration(now.saturating_sub(exp)),
                at(now)
            ),
            Some(fresh.to_string()),
        ),
        Some(exp) => (
            Outcome::Pass,
            crate::policy::valid_until(exp, now),
            None,
        ),
    };
    let mut out = vec![Check {
        statement: Some("token".into()),
        key: "exp".into(),
        operator: "not expired".into(),
        expected: Value::String(format!("later than {}", at(now))),
        actual: claims.get("exp").cloned().unwrap_or(Value::Null),
        result,
        explanation,
        fix,
    }];
    if let Some(nbf) = number(claims, "nbf") {
        let pass = nbf <= now;
        out.push(Check {
            statement: Some("token".into()),
            key: "nbf".into(),
            operator: "not before".into(),
            expected: Value::String(format!("not later than {}", at(now))),
            actual: claims.get("nbf").cloned().unwrap_or(Value::Null),
            result: if pass { Outcome::Pass } else { Outcome::Fail },
            explanation: if pass {
                format!("the token is valid from {} (`nbf`).", at(nbf))
            } else {
                format!(
                    "the token is not valid before {} (`nbf`), {} after the evaluation time: {error} {skew}.",
                    at(nbf),
                    crate::time::format_duration(nbf.saturating_sub(now))
                )
            },
            fix: (!pass).then(|| {
                "check the clock of the machine that minted or evaluates the token (`--at`).".to_string()
            }),
        });
    }
    out
}
