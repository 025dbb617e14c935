//! The claim catalogue: one line per known claim and header field, and the three-way view of times.

use serde_json::{Map, Value};

use super::{ClaimInfo, TimeInfo};
use crate::time::{format_duration, format_utc};

/// One line on a claim; empty for claims nobody documents.
pub fn claim_explanation(name: &str) -> &'static str {
    match name {
        "iss" => "issuer: `https://oidc.circleci.com/org/<org-id>` on cloud, `https://<host>/org/<org-id>` on server; platforms look up the provider (and its keys at `<iss>/.well-known/jwks-pub.json`) by this exact string",
        "sub" => "subject: V1 `org/<org-id>/project/<project-id>/user/<user-id>`, V2 adds `/vcs-origin/<origin>/vcs-ref/<ref>`; most trust policies match on it",
        "aud" => "audience: the org ID by default; a custom value when minted with `circleci run oidc get --claims '{\"aud\":...}'`; a string or (historically) an array",
        "iat" => "issued at: when CircleCI minted the token",
        "exp" => "expires at: platforms reject the token from this instant on (1 h after `iat` on cloud)",
        "nbf" => "not before: platforms reject the token before this instant",
        "jti" => "token ID: unique per token",
        "azp" => "authorized party: the client the token was issued to (an AWS condition key when present)",
        "amr" => "authentication methods (an AWS condition key when present)",
        "auth_time" => "when the subject authenticated",
        "oidc.circleci.com/org-id" => "the organization's UUID: lets a policy check the org even when `aud` is customized",
        "oidc.circleci.com/project-id" => "the project's UUID (AWS exposes it as a condition key for CircleCI)",
        "oidc.circleci.com/pipeline-id" => "the pipeline's UUID",
        "oidc.circleci.com/pipeline-definition-id" => "the UUID of the pipeline definition (trigger configuration) that started the pipeline",
        "oidc.circleci.com/workflow-id" => "the workflow's UUID",
        "oidc.circleci.com/job-id" => "the job's UUID",
        "oidc.circleci.com/context-ids" => "UUIDs of the contexts the job uses (several possible); AWS does not expose it as a condition key",
        "oidc.circleci.com/vcs-origin" => "the repository, e.g. `github.com/org/repo` (the fork for forked PRs); absent for custom-webhook pipelines; AWS does not expose it",
        "oidc.circleci.com/vcs-ref" => "the git ref, e.g. `refs/heads/main`; absent for custom-webhook pipelines; AWS does not expose it",
        "oidc.circleci.com/ssh-rerun" => "true for a \"rerun job with SSH\" run; PyPI and npm trusted publishing reject such tokens",
        "oidc.circleci.com/vcs-sha" => "the commit SHA being built, when the pipeline has vcs information (documented by CircleCI; not yet seen in real tokens, unconfirmed); AWS does not expose it",
        _ => "",
    }
}

/// One line on a header field; empty for unknown fields.
pub fn header_explanation(name: &str) -> &'static str {
    match name {
        "alg" => "signature algorithm: CircleCI signs with `RS256` (RSA); `none` means unsigned",
        "kid" => "key ID: which key of the issuer's key set (`<iss>/.well-known/jwks-pub.json`) signed the token",
        "typ" => "token type, usually `JWT`; what CircleCI sets is unconfirmed, and the platforms here do not check it",
        "cty" => "content type: set for nested tokens",
        "enc" => "content encryption algorithm (encrypted tokens only)",
        "jku" | "x5u" => "a URL for the signing key: platforms use the issuer's discovery document instead",
        _ => "",
    }
}

/// A time claim's value as unix seconds, if it is a number in range. A fraction is rounded up (RFC 7519 allows
/// one): for a whole-second `now`, `now >= exp` (expired) and `now < nbf` (not yet valid) then read exactly as
/// on the real value, so `exp` 1760000600.5 is still valid at 1760000600.
pub fn unix_seconds(v: &Value) -> Option<i64> {
    v.as_i64().or_else(|| {
        let f = v.as_f64()?;
        (f.is_finite() && f >= i64::MIN as f64 && f < i64::MAX as f64).then(|| f.ceil() as i64)
    })
}

/// The claim `key` of `claims` as unix seconds ([`unix_seconds`]), if present and a number in range.
pub fn claim_seconds(claims: &serde_json::Map<String, Value>, key: &str) -> Option<i64> {
    claims.get(key).and_then(unix_seconds)
}

/// The relative phrase for a time claim at `now`.
pub fn relative(name: &str, t: i64, now: i64) -> String {
    let diff = i128::from(t) - i128::from(now);
    let d = format_duration(i64::try_from(diff).unwrap_or(i64::MAX));
    match name {
        "exp" if diff > 0 => format!("expires in {d}"),
        "exp" if diff == 0 => "expired just now".to_string(),
        "exp" => format!("expired {d} ago"),
        "nbf" if diff > 0 => format!("not valid for another {d}"),
        "nbf" => format!("valid since {d} ago"),
        "iat" if diff > 0 => format!("issued {d} in the future"),
        "iat" if diff == 0 => "issued just now".to_string(),
        "iat" => format!("issued {d} ago"),
        _ if diff >= 0 => format!("in {d}"),
        _ => format!("{d} ago"),
    }
}

/// The three-way view of a time claim.
pub fn time_info(name: &str, t: i64, now: i64) -> TimeInfo {
    TimeInfo {
        unix: t,
        utc: format_utc(t),
        relative: relative(name, t, now),
        lifetime: None,
    }
}

const TIME_CLAIMS: [&str; 4] = ["iat", "exp", "nbf", "auth_time"];

/// Every claim in token order, explained; times shown in UTC and relative to `now`; `exp` carries the
/// lifetime (`exp - iat`).
pub fn explain_claims(claims: &Map<String, Value>, now: i64) -> Vec<ClaimInfo> {
    let iat = claims.get("iat").and_then(unix_seconds);
    claims
        .iter()
        .map(|(name, value)| {
            let time = if TIME_CLAIMS.contains(&name.as_str()) {
                unix_seconds(value).map(|t| {
                    let mut info = time_info(name, t, now);
                    if name == "exp" {
                        info.lifetime = iat.map(|i| lifetime(t, i));
                    }
                    info
                })
            } else {
                None
            };
            ClaimInfo {
                name: name.clone(),
                value: value.clone(),
                explanation: claim_explanation(name).to_string(),
                time,
            }
        })
        .collect()
}

/// `exp - iat` as a short duration (`1 h`), or a phrase when it is not positive.
pub fn lifetime(exp: i64, iat: i64) -> String {
    let secs = i128::from(exp) - i128::from(iat);
    if secs <= 0 {
        "none (`exp` is not after `iat`)".to_string()
    } else {
        format_duration(i64::try_from(secs).unwrap_or(i64::MAX))
    }
}

/// Every header field in order, explained.
pub fn explain_header(header: &Map<String, Value>) -> Vec<ClaimInfo> {
    header
        .iter()
        .map(|(name, value)| ClaimInfo {
            name: name.clone(),
            value: value.clone(),
            explanation: header_explanation(name).to_string(),
            time: None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_documented_claim_has_a_line() {
        for c in [
            "iss",
            "sub",
            "aud",
            "iat",
            "exp",
            "nbf",
            "jti",
            "azp",
            "amr",
            "oidc.circleci.com/org-id",
            "oidc.circleci.com/project-id",
            "oidc.circleci.com/pipeline-id",
            "oidc.circleci.com/pipeline-definition-id",
            "oidc.circleci.com/workflow-id",
            "oidc.circleci.com/job-id",
            "oidc.circleci.com/context-ids",
            "oidc.circleci.com/vcs-origin",
            "oidc.circleci.com/vcs-ref",
            "oidc.circleci.com/ssh-rerun",
            "oidc.circleci.com/vcs-sha",
        ] {
            assert!(!claim_explanation(c).is_empty(), "{c}");
        }
        assert_eq!(claim_explanation("custom"), "");
        for h in ["alg", "kid", "typ"] {
            assert!(!header_explanation(h).is_empty());
        }
        assert!(header_explanation("typ").contains("unconfirmed"));
    }

    #[test]
    fn relative_phrases() {
        let now = 1_795_652_557;
        assert_eq!(relative("exp", now + 12 * 60, now), "expires in 12 min");
        assert_eq!(relative("exp", now - 2 * 3600, now), "expired 2 h ago");
        assert_eq!(relative("exp", now, now), "expired just now");
        assert_eq!(relative("iat", now - 180, now), "issued 3 min ago");
        assert_eq!(relative("iat", now + 30, now), "issued 30 s in the future");
        assert_eq!(
            relative("nbf", now + 300, now),
            "not valid for another 5 min"
        );
        assert_eq!(relative("nbf", now - 300, now), "valid since 5 min ago");
        assert_eq!(relative("auth_time", now - 60, now), "1 min ago");
        assert_eq!(
            relative("exp", i64::MAX, i64::MIN),
            format!("expires in {}", format_duration(i64::MAX))
        );
    }

    #[test]
    fn claims_keep_order_and_carry_times() {
        let now = 1_795_652_737;
        let claims = json!({"zeta": 1, "exp": 1_795_656_157, "iat": 1_795_652_557, "sub": "x"});
        let info = explain_claims(claims.as_object().unwrap(), now);
        let names: Vec<&str> = info.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["zeta", "exp", "iat", "sub"]);
        assert_eq!(info[0].explanation, "");
        let exp = info[1].time.as_ref().unwrap();
        assert_eq!(exp.utc, "2026-11-26 01:22:37 UTC");
        assert_eq!(exp.relative, "expires in 57 min");
        assert_eq!(exp.lifetime.as_deref(), Some("1 h"));
        assert_eq!(info[2].time.as_ref().unwrap().relative, "issued 3 min ago");
        assert!(info[3].time.is_none());
    }

    #[test]
    fn odd_time_values() {
        assert_eq!(unix_seconds(&json!(1.9)), Some(2));
        assert_eq!(unix_seconds(&json!(1.0)), Some(1));
        assert_eq!(unix_seconds(&json!(-1.5)), Some(-1));
        assert_eq!(unix_seconds(&json!("1")), None);
        assert_eq!(unix_seconds(&json!(1e300)), None);
        assert_eq!(lifetime(10, 20), "none (`exp` is not after `iat`)");
        let claims = json!({"exp": "soon"});
        assert!(explain_claims(claims.as_object().unwrap(), 0)[0]
            .time
            .is_none());
    }

    #[test]
    fn header_in_order() {
        let h = json!({"kid": "k", "alg": "RS256"});
        let info = explain_header(h.as_object().unwrap());
        assert_eq!(info[0].name, "kid");
        assert!(info[1].explanation.contains("RS256"));
    }
}
