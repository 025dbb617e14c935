//! The provider checks Google's STS makes before the attribute mapping: issuer and audience.

use serde_json::{Map, Value};

use super::input::{pool_and_id, Provider};
use crate::circleci::catalogue::claim_seconds as number;
use crate::report::{Check, Outcome};

fn check(
    key: &str,
    operator: &str,
    expected: Value,
    actual: Value,
    result: Outcome,
    explanation: String,
    fix: Option<String>,
) -> Check {
    Check {
        statement: Some("provider".into()),
        key: key.to_string().into(),
        operator: operator.to_string().into(),
        expected,
        actual,
        result,
        explanation,
        fix,
    }
}

pub fn disabled(p: &Provider) -> Option<Check> {
    let deleted = p.state.as_deref() == Some("DELETED");
    (p.disabled || deleted).then(|| {
        check(
            if deleted { "state" } else { "disabled" },
            "equals",
            if deleted { Value::from("ACTIVE") } else { Value::Bool(false) },
            if deleted { Value::from("DELETED") } else { Value::Bool(true) },
            Outcome::Fail,
            "the provider is disabled or deleted, so google accepts no token through it.".into(),
            Some("enable (or undelete) the provider: `gcloud iam workload-identity-pools providers undelete` / `update-oidc --no-disabled`.".into()),
        )
    })
}

/// The fix when a check needs what a paste of some fields alone does not hold.
pub const PASTE_PROVIDER: &str =
    "paste the whole `gcloud iam workload-identity-pools providers describe --format=json` output.";

pub fn issuer(p: &Provider, claims: &Map<String, Value>) -> Check {
    let iss = claims.get("iss").and_then(Value::as_str);
    let expected = p.issuer_uri.clone().map_or(Value::Null, Value::String);
    let actual = iss.map_or(Value::Null, |s| Value::String(s.to_string()));
    // Fields pasted without the provider around them (no resource `name`): the issuer is simply not there.
    let not_pasted = p.fields_alone();
    let (result, why) = match (p.issuer_uri.as_deref(), iss) {
        (None, _) if not_pasted => (
            Outcome::Unknown,
            "cannot evaluate: the pasted fields have no `issuerUri`, so the provider's issuer was not checked."
                .to_string(),
        ),
        (None, _) => (
            Outcome::Fail,
            "the provider has no `issuerUri`.".to_string(),
        ),
        (_, None) => (Outcome::Fail, "the token has no `iss` claim.".to_string()),
        (Some(e), Some(a)) if e == a => (Outcome::Pass, "`iss` equals `issuerUri`.".to_string()),
        // Google's own setup guide for GitHub Actions writes the issuer as
        // `https://token.actions.githubusercontent.com/`, whose tokens carry no trailing `/`: google may ignore it.
        (Some(e), Some(a)) if e.trim_end_matches('/') == a.trim_end_matches('/') => (
            Outcome::Unknown,
            "cannot evaluate: `issuerUri` and `iss` differ only by a trailing `/`. whether google ignores it is \
             unconfirmed: its own guide for GitHub Actions writes that issuer with a trailing `/`, which GitHub's \
             tokens do not have."
                .to_string(),
        ),
        (Some(e), Some(a)) if e.eq_ignore_ascii_case(a) => (
            Outcome::Fail,
            "`issuerUri` and `iss` differ only in letter case.".to_string(),
        ),
        (Some(e), Some(a)) => (
            Outcome::Fail,
            format!("`issuerUri` is `{e}` but the token's `iss` is `{a}`."),
        ),
    };
    let fix = match (result, not_pasted) {
        (Outcome::Pass, _) => None,
        (_, true) => Some(
            "paste the whole provider (`gcloud iam workload-identity-pools providers describe <provider> \
             --workload-identity-pool=<pool> --location=global --format=json`) to check its issuer too."
                .to_string(),
        ),
        _ => Some(format!(
            "set `--issuer-uri=\"{}\"` on the provider.",
            iss.unwrap_or("<iss>")
        )),
    };
    check("issuerUri", "equals", expected, actual, result, why, fix)
}

fn token_audiences(claims: &Map<String, Value>) -> Vec<String> {
    match claims.get("aud") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

fn update_command(p: &Provider, aud: &str) -> String {
    let (pool, id) = p
        .name
        .as_deref()
        .and_then(pool_and_id)
        .unwrap_or(("<pool>", "<provider>"));
    format!("gcloud iam workload-identity-pools providers update-oidc {id} --location=global --workload-identity-pool={pool} --allowed-audiences=\"{aud}\"")
}

pub fn audience(p: &Provider, claims: &Map<String, Value>) -> Check {
    let aud = token_audiences(claims);
    let actual = claims.get("aud").cloned().unwrap_or(Value::Null);
    let first = aud.first().cloned().unwrap_or_default();
    // IAM reference, `Oidc.allowedAudiences`: "Each audience may be at most 256 characters. A maximum of 10
    // audiences may be configured."
    let too_long = p.allowed_audiences.iter().find(|a| a.chars().count() > 256);
    if p.allowed_audiences.len() > 10 || too_long.is_some() {
        let what = match too_long {
            Some(a) => format!(
                "the audience `{}…` is {} characters long (at most 256)",
                a.chars().take(40).collect::<String>(),
                a.chars().count()
            ),
            None => format!(
                "it lists {} allowed audiences (at most 10)",
                p.allowed_audiences.len()
            ),
        };
        return check(
            "allowedAudiences",
            "in",
            Value::Array(p.allowed_audiences.iter().cloned().map(Value::String).collect()),
            actual,
            Outcome::Fail,
            format!("google refuses to save this provider: {what}, so no real provider holds it and no token is accepted through this configuration."),
            Some(format!("keep at most 10 audiences of at most 256 characters each; CircleCI's default `aud` is the org ID (`{first}` here).")),
        );
    }
    if !p.allowed_audiences.is_empty() {
        let expected = Value::Array(
            p.allowed_audiences
                .iter()
                .cloned()
                .map(Value::String)
                .collect(),
        );
        let pass = aud.iter().any(|a| p.allowed_audiences.contains(a));
        let why = if pass {
            "the token's `aud` is one of `allowedAudiences`.".to_string()
        } else if aud.is_empty() {
            "the token has no `aud` claim.".to_string()
        } else {
            "the token's `aud` is not in `allowedAudiences` (CircleCI's default `aud` is the org ID).".to_string()
        };
        let fix = (!pass && !first.is_empty())
            .then(|| format!("add `{first}`: `{}`.", update_command(p, &first)));
        return check(
            "allowedAudiences",
            "in",
            expected,
            actual,
            if pass { Outcome::Pass } else { Outcome::Fail },
            why,
            fix,
        );
    }
    let resource_like = |a: &str| {
        a.starts_with("//iam.googleapis.com/") || a.starts_with("https://iam.googleapis.com/")
    };
    let Some(name) = p.name.as_deref() else {
        let expected = Value::from("//iam.googleapis.com/<provider resource name>");
        // Only the mapping or condition was pasted (no name, no issuer either): the audiences are not there.
        if p.fields_alone() {
            return check(
                "allowedAudiences",
                "in",
                Value::from("(not pasted)"),
                actual,
                Outcome::Unknown,
                "cannot evaluate: the pasted fields have no `allowedAudiences` (nor `issuerUri`), so the provider's \
                 audiences were not checked."
                    .into(),
                Some(PASTE_PROVIDER.into()),
            );
        }
        if aud.iter().any(|a| resource_like(a)) {
            return check(
                "allowedAudiences",
                "in",
                expected,
                actual,
                Outcome::Unknown,
                "cannot evaluate: `allowedAudiences` is empty, so `aud` must be the provider's full resource name, and \
                 this paste has no `name` to compare with."
                    .into(),
                Some(PASTE_PROVIDER.into()),
            );
        }
        return check(
            "allowedAudiences",
            "in",
            expected,
            actual,
            Outcome::Fail,
            format!(
                "`allowedAudiences` is empty, so google accepts only the provider's full resource name as `aud`; \
                 this token's `aud` `{first}` is not one (CircleCI's default `aud` is the org ID)."
            ),
            Some(format!("add the org ID to the allowed audiences: `{}`.", update_command(p, &first))),
        );
    };
    let name = name
        .trim_start_matches("//iam.googleapis.com/")
        .trim_start_matches('/');
    let accepted = [
        format!("//iam.googleapis.com/{name}"),
        format!("https://iam.googleapis.com/{name}"),
    ];
    let expected = Value::Array(accepted.iter().cloned().map(Value::String).collect());
    let pass = aud.iter().any(|a| accepted.contains(a));
    let why = if pass {
        "`allowedAudiences` is empty and the token's `aud` is the provider's full resource name."
            .to_string()
    } else {
        format!(
            "`allowedAudiences` is empty, so google accepts only the provider's full resource name as `aud`; this \
             token's `aud` is `{first}` (CircleCI's default `aud` is the org ID, which therefore fails)."
        )
    };
    let fix = (!pass).then(|| {
        format!(
            "add the token's `aud` to the allowed audiences (`{}`), or mint a token with `circleci run oidc get --claims '{{\"aud\":\"{}\"}}'`.",
            update_command(p, &first),
            accepted[0]
        )
    });
    check(
        "allowedAudiences",
        "in",
        expected,
        actual,
        if pass { Outcome::Pass } else { Outcome::Fail },
        why,
        fix,
    )
}

/// The longest lifetime Google's STS accepts: `exp` must be less than 48 hours after `iat`.
pub const MAX_LIFETIME_SECS: i64 = 48 * 3600;

const FRESH_TOKEN_FIX: &str =
    "mint a fresh token: CircleCI cloud tokens live one hour by default, so exchange the token soon after the job \
     starts, or mint one just before the exchange with `circleci run oidc get`.";

/// The time checks Google's STS makes on an OIDC subject token before the mapping: `exp` (mandatory, in the
/// future, less than 48 hours after `iat`) and `iat` (mandatory, in the past), as the STS `token` method's
/// `subjectToken` reference states them. Google documents no clock-skew allowance: none is assumed.
pub fn times(claims: &Map<String, Value>, now: i64) -> Vec<Check> {
    let at = crate::time::format_iso;
    let exp = number(claims, "exp");
    let iat = number(claims, "iat");
    let skew = "whether google allows any clock skew is not documented (unconfirmed)";
    let (result, why, fix) = match (exp, iat) {
        (None, _) => (
            Outcome::Fail,
            "the token has no numeric `exp`; google's STS requires `exp` in an OIDC subject token and refuses the \
             exchange without it."
                .to_string(),
            Some(FRESH_TOKEN_FIX.to_string()),
        ),
        (Some(exp), _) if exp <= now => (
            Outcome::Fail,
            format!(
                "the token expired at {} ({} before the evaluation time {}); google's STS rejects an expired token at \
                 the exchange, before the mapping and condition are read. {skew}.",
                at(exp),
                crate::time::format_duration(now.saturating_sub(exp)),
                at(now)
            ),
            Some(FRESH_TOKEN_FIX.to_string()),
        ),
        (Some(exp), Some(iat)) if exp.saturating_sub(iat) >= MAX_LIFETIME_SECS => (
            Outcome::Fail,
            format!(
                "the token lives {} (`exp` - `iat`); google's STS requires `exp` less than 48 hours after `iat`.",
                crate::time::format_duration(exp.saturating_sub(iat))
            ),
            Some("mint a token with a shorter lifetime (CircleCI cloud tokens live one hour by default; on server, lower `token_max_ttl`).".into()),
        ),
        (Some(exp), _) => (
            Outcome::Pass,
            crate::policy::valid_until(exp, now),
            None,
        ),
    };
    let mut out = vec![check(
        "exp",
        "not expired",
        Value::String(format!("later than {}", at(now))),
        claims.get("exp").cloned().unwrap_or(Value::Null),
        result,
        why,
        fix,
    )];
    let (result, why, fix) = match iat {
        None => (
            Outcome::Fail,
            "the token has no numeric `iat`; google's STS requires `iat` in an OIDC subject token.".to_string(),
            Some(FRESH_TOKEN_FIX.to_string()),
        ),
        Some(iat) if iat > now => (
            Outcome::Fail,
            format!(
                "the token claims to be issued at {}, {} after the evaluation time; google's STS requires `iat` to be \
                 in the past. {skew}.",
                at(iat),
                crate::time::format_duration(iat.saturating_sub(now))
            ),
            Some("check the clock of the machine that minted or evaluates the token (`--at`); a CircleCI token is never issued in the future.".into()),
        ),
        Some(iat) => (
            Outcome::Pass,
            format!("the token was issued at {}, before the evaluation time.", at(iat)),
            None,
        ),
    };
    out.push(check(
        "iat",
        "in the past",
        Value::String(format!("not later than {}", at(now))),
        claims.get("iat").cloned().unwrap_or(Value::Null),
        result,
        why,
        fix,
    ));
    out
}
