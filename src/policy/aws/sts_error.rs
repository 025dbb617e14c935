//! STS error messages a failing job printed, recognised and explained (using the token when given).
//!
//! | code | severity | meaning |
//! |---|---|---|
//! | `sts-access-denied` | error | `Not authorized to perform sts:AssumeRoleWithWebIdentity`: the trust policy did not match |
//! | `sts-no-oidc-provider` | error | `No OpenIDConnect provider found in your account for <url>` |
//! | `sts-incorrect-audience` | error | `Incorrect token audience` |
//! | `sts-verification-key` | error | `Couldn't retrieve verification key from your identity provider` |
//! | `sts-token-expired` | error | `ExpiredTokenException` / `Token expired` |
//! | `sts-missing-aud` | error | `Missing a required claim: aud` |
//! | `sts-role-arn-invalid` | warning | `Request ARN is invalid`, or a `roleArn` the request validation refused |
//! | `sts-role-session-name` | warning | a `roleSessionName` STS refused (a character outside `[\w+=,.@-]`, or over 64) |
//! | `sts-duration-too-long` | warning | `DurationSeconds exceeds the MaxSessionDuration set for this role` |
//! | `sts-empty-token` | warning | the job sent no token (`Invalid length for parameter WebIdentityToken, value: 0`) |
//! | `sts-role-permissions` | warning | `assumed-role/... is not authorized to perform: <action>`: the role was assumed; its permissions lack the action |
//! | `sts-other-operation` | warning | an AWS error from another operation than `AssumeRoleWithWebIdentity` (a later call) |
//!
//! The warnings are requests STS refused before it read the role's trust policy: they do not contradict a
//! policy that accepts the token.

use crate::circleci::catalogue::unix_seconds;
use serde_json::{Map, Value};

use crate::report::{Area, Finding, Severity};

use super::context::provider_of;

fn claim<'a>(claims: Option<&'a Map<String, Value>>, name: &str) -> Option<&'a Value> {
    claims.and_then(|c| c.get(name))
}

fn text_claim(claims: Option<&Map<String, Value>>, name: &str) -> Option<String> {
    match claim(claims, name)? {
        Value::String(s) => Some(s.clone()),
        Value::Array(a) => Some(
            a.iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join("`, `"),
        ),
        _ => None,
    }
}

fn found(code: &'static str, message: String, fix: String) -> Finding {
    Finding::new(code, Severity::Error, Area::StsError, message).with_fix(fix)
}

/// A request STS (or the aws cli) refused before the trust policy was read.
fn refused(code: &'static str, message: String, fix: String) -> Finding {
    Finding::new(code, Severity::Warning, Area::StsError, message).with_fix(fix)
}

/// The value a validation error quotes for `field`: `Value 'x' at 'field' failed to satisfy constraint`.
fn quoted_value<'a>(text: &'a str, lower: &str, field: &str) -> Option<&'a str> {
    let end = lower.find(&format!("' at '{field}'"))?;
    let start = lower.get(..end)?.rfind("value '")? + "value '".len();
    text.get(start..end).filter(|v| v.chars().count() <= 200)
}

/// The word after `marker` (case-insensitive), up to whitespace, a quote or a closing bracket.
fn word_after<'a>(text: &'a str, lower: &str, marker: &str) -> Option<&'a str> {
    let i = lower.find(marker)? + marker.len();
    let rest = text.get(i..)?.trim_start();
    let end = rest
        .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | ')' | ','))
        .unwrap_or(rest.len());
    rest.get(..end)
        .map(|w| w.trim_end_matches('.'))
        .filter(|w| !w.is_empty() && w.chars().count() <= 200)
}

/// Explain every STS error found in `text`.
pub fn explain(text: &str, claims: Option<&Map<String, Value>>) -> Vec<Finding> {
    let lower = text.to_ascii_lowercase();
    let mut out = Vec::new();
    let iss = text_claim(claims, "iss");
    let aud = text_claim(claims, "aud");
    if lower.contains("not authorized to perform sts:assumerolewithwebidentity")
        || (lower.contains("accessdenied") && lower.contains("assumerolewithwebidentity"))
    {
        out.push(found(
            "sts-access-denied",
            "`AccessDenied`: STS found the OIDC provider and accepted the token, but the role's trust policy did not allow it (a principal, action or condition did not match, or a Deny applied); STS never says which".into(),
            if claims.is_some() {
                "paste the role's trust policy (`aws iam get-role --role-name <name>`) to see which check fails".into()
            } else {
                "paste the token ($CIRCLE_OIDC_TOKEN_V2) and the role's trust policy to see which check fails".into()
            },
        ));
    }
    if lower.contains("no openidconnect provider found") {
        let url = word_after(text, &lower, "in your account for ");
        let mut msg = format!("`InvalidIdentityToken`: the role's account has no OIDC provider whose URL equals the token's issuer{}", url.map(|u| format!(" `{u}`")).unwrap_or_default());
        if let (Some(u), Some(i)) = (url, &iss) {
            if u != i {
                msg.push_str(&format!(
                    " (the pasted token's issuer is `{i}`: was the error from another token?)"
                ));
            }
        }
        msg.push_str("; causes: another org ID, another host (CircleCI server), a trailing `/`, a `--root-issuer` token, or the provider in another account");
        let target = iss.clone().or(url.map(str::to_string));
        let fix = match (&target, &aud) {
            (Some(i), Some(a)) => format!("create it: `aws iam create-open-id-connect-provider --url {i} --client-id-list {a}` (no thumbprint is needed for oidc.circleci.com), and trust `arn:aws:iam::<ACCOUNT_ID>:oidc-provider/{}`", provider_of(i)),
            (Some(i), None) => format!("create an OIDC provider with URL `{i}` and your org ID as audience"),
            _ => "create an OIDC provider whose URL is the token's `iss` exactly, with the org ID as audience".into(),
        };
        out.push(found("sts-no-oidc-provider", msg, fix));
    }
    if lower.contains("incorrect token audience") {
        out.push(found(
            "sts-incorrect-audience",
            format!("`InvalidIdentityToken: Incorrect token audience`: the token's `aud`{} is not among the OIDC provider's audiences (client IDs)", aud.as_ref().map(|a| format!(" `{a}`")).unwrap_or_default()),
            match &aud {
                Some(a) => format!("add it: `aws iam add-client-id-to-open-id-connect-provider --open-id-connect-provider-arn <arn> --client-id {a}` (CircleCI's default audience is the org ID)"),
                None => "add the token's `aud` (by default the org ID) to the provider's audiences".into(),
            },
        ));
    }
    if lower.contains("couldn't retrieve verification key")
        || lower.contains("could not retrieve verification key")
    {
        out.push(found(
            "sts-verification-key",
            format!("STS could not fetch the issuer's signing keys{}: the JWKS at `<issuer>/.well-known/jwks-pub.json` was unreachable from AWS, or its key lacks `alg`/`kid` (CircleCI server)", iss.as_ref().map(|i| format!(" from `{i}`")).unwrap_or_default()),
            "make the issuer's discovery document and JWKS reachable from the internet over HTTPS, and check its keys carry `alg` and `kid`".into(),
        ));
    }
    if lower.contains("expiredtokenexception") || lower.contains("token expired") {
        let exp = claim(claims, "exp").and_then(unix_seconds);
        out.push(found(
            "sts-token-expired",
            format!("`ExpiredTokenException`: the token's `exp`{} had passed when STS received it; CircleCI cloud tokens live 1 hour by default", exp.map(|e| format!(" ({})", super::dates::format(e))).unwrap_or_default()),
            "assume the role early in the job, or mint a fresh token with `circleci run oidc get` right before the AWS call".into(),
        ));
    }
    // Requests refused before any trust policy is read, and errors of later calls: (needle, code, message, fix).
    let before: [(&[&str], &'static str, &str, &str); 3] = [
        (
            &["request arn is invalid", "parameter rolearn"],
            "sts-role-arn-invalid",
            "the role ARN the job sent is empty or malformed (an unset variable?)",
            "pass `arn:aws:iam::<account ID>:role/<name>` (the orb's `role_arn`)",
        ),
        (
            &["exceeds the maxsessionduration"],
            "sts-duration-too-long",
            "the session asked for is longer than the role's maximum (1 hour by default)",
            "lower the orb's `session_duration`, or raise the role's with `aws iam update-role --max-session-duration`",
        ),
        (
            // (The orbs' own `OIDC Token cannot be found` is `circleci-no-oidc-token`, for every platform.)
            &["parameter webidentitytoken"],
            "sts-empty-token",
            "the job sent an empty token ($CIRCLE_OIDC_TOKEN_V2 was not set)",
            "check the variable in the job; CircleCI server issues tokens from 4.4 on",
        ),
    ];
    for (needles, code, message, fix) in before {
        if needles.iter().any(|n| lower.contains(n)) {
            out.push(refused(
                code,
                format!("{message}, so STS read no trust policy"),
                fix.into(),
            ));
        }
    }
    if lower.contains("rolesessionname") {
        let value = quoted_value(text, &lower, "rolesessionname")
            .map(|v| format!(" `{v}`"))
            .unwrap_or_default();
        out.push(refused("sts-role-session-name", format!("the role session name{value} has a character other than letters, digits and `_+=,.@-`, or is over 64 characters long, so STS read no trust policy"), "use e.g. `circleci-${CIRCLE_BUILD_NUM}` (the orb's `role_session_name`)".into()));
    }
    // An error of a call made with the credentials the job already had: the token exchange is done.
    let role = word_after(text, &lower, ":assumed-role/").and_then(|w| w.split('/').next());
    let op = word_after(text, &lower, "when calling the ")
        .filter(|_| !lower.contains("assumerolewithwebidentity"));
    if let (Some(role), true) = (role, lower.contains("is not authorized to perform")) {
        let action = word_after(text, &lower, "perform:").unwrap_or("the action");
        // Chaining into another role: that role's trust policy must also name this one.
        let chained = if action.starts_with("sts:AssumeRole") {
            format!(", and the target role's trust policy must name `{role}`")
        } else {
            String::new()
        };
        out.push(refused("sts-role-permissions", format!("the job did assume the role `{role}`: its permissions, not its trust policy, lack `{action}`"), format!("allow `{action}` in a permissions policy of `{role}`{chained}")));
    } else if let Some(op) = op {
        let (why, fix) = if lower.contains("request is expired") {
            (
                "the role session (1 hour by default) ended before the job did",
                "assume the role again before late calls, or raise the orb's `session_duration`",
            )
        } else {
            ("it ran with credentials the job already had", "check the role's permissions, or which credentials the call used (`aws sts get-caller-identity`)")
        };
        out.push(refused("sts-other-operation", format!("the error is from `{op}`, not `AssumeRoleWithWebIdentity`: {why}; the trust policy is not the cause"), fix.into()));
    }
    if lower.contains("missing a required claim: aud") {
        out.push(found("sts-missing-aud", "STS requires an `aud` claim and the token has none".into(), "send the token as CircleCI issued it: `$CIRCLE_OIDC_TOKEN`, `$CIRCLE_OIDC_TOKEN_V2` and `circleci run oidc get` all set `aud` (the org ID, unless `--claims` names another)".into()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(text: &str, claims: Option<&Map<String, Value>>) -> Vec<&'static str> {
        explain(text, claims).iter().map(|f| f.code).collect()
    }

    #[test]
    fn recognises_each_message() {
        assert_eq!(codes("An error occurred (AccessDenied) when calling the AssumeRoleWithWebIdentity operation: Not authorized to perform sts:AssumeRoleWithWebIdentity", None), vec!["sts-access-denied"]);
        assert_eq!(
            codes("InvalidIdentityToken: Incorrect token audience", None),
            vec!["sts-incorrect-audience"]
        );
        assert_eq!(codes("InvalidIdentityToken: Couldn't retrieve verification key from your identity provider", None), vec!["sts-verification-key"]);
        assert_eq!(codes("ExpiredTokenException: Token expired: current date/time 1 must be before the expiration date/time 0", None), vec!["sts-token-expired"]);
        assert_eq!(
            codes("InvalidIdentityToken: Missing a required claim: aud", None),
            vec!["sts-missing-aud"]
        );
        assert!(codes("everything is fine", None).is_empty());
    }

    #[test]
    fn recognises_requests_refused_before_the_policy() {
        assert_eq!(codes("An error occurred (ValidationError) when calling the AssumeRoleWithWebIdentity operation: Request ARN is invalid", None), vec!["sts-role-arn-invalid"]);
        assert_eq!(codes("Parameter validation failed:\nInvalid length for parameter RoleArn, value: 0, valid min length: 20", None), vec!["sts-role-arn-invalid"]);
        let f = explain("An error occurred (ValidationError) when calling the AssumeRoleWithWebIdentity operation: 1 validation error detected: Value 'feature/login' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*", None);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].code, "sts-role-session-name");
        assert!(f[0].message.contains("`feature/login`"), "{}", f[0].message);
        assert_eq!(f[0].severity, Severity::Warning);
        assert_eq!(codes("An error occurred (ValidationError) when calling the AssumeRoleWithWebIdentity operation: The requested DurationSeconds exceeds the MaxSessionDuration set for this role.", None), vec!["sts-duration-too-long"]);
        assert_eq!(codes("Parameter validation failed:\nInvalid length for parameter WebIdentityToken, value: 0, valid min length: 4\nFailed to assume role", None), vec!["sts-empty-token"]);
        let f = explain("An error occurred (AccessDeniedException) when calling the GetAuthorizationToken operation: User: arn:aws:sts::123456789012:assumed-role/circleci-deploy/circleci-1234 is not authorized to perform: ecr:GetAuthorizationToken on resource: * because no identity-based policy allows the ecr:GetAuthorizationToken action", None);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].code, "sts-role-permissions");
        assert!(
            f[0].message.contains("assume the role `circleci-deploy`"),
            "{}",
            f[0].message
        );
        assert!(
            f[0].message.contains("lack `ecr:GetAuthorizationToken`"),
            "{}",
            f[0].message
        );
        let f = explain("An error occurred (AccessDenied) when calling the AssumeRole operation: User: arn:aws:sts::123456789012:assumed-role/circleci-deploy/x is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::210987654321:role/deploy", None);
        assert!(
            f[0].fix
                .as_deref()
                .unwrap()
                .ends_with("and the target role's trust policy must name `circleci-deploy`"),
            "{:?}",
            f[0].fix
        );
        assert_eq!(codes("upload failed: ./app.zip to s3://b/app.zip An error occurred (AccessDenied) when calling the PutObject operation: Access Denied", None), vec!["sts-other-operation"]);
        assert_eq!(codes("An error occurred (InvalidClientTokenId) when calling the GetCallerIdentity operation: The security token included in the request is invalid.", None), vec!["sts-other-operation"]);
        let f = explain("An error occurred (ExpiredToken) when calling the DescribeStacks operation: The security token included in the request is expired", None);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].code, "sts-other-operation");
        assert!(
            f[0].message.contains("the role session"),
            "{}",
            f[0].message
        );
    }

    #[test]
    fn provider_fix_uses_the_token() {
        let claims: Map<String, Value> =
            serde_json::from_str(r#"{"iss":"https://oidc.circleci.com/org/o1","aud":"o1"}"#)
                .unwrap();
        let f = explain("An error occurred (InvalidIdentityToken) when calling the AssumeRoleWithWebIdentity operation: No OpenIDConnect provider found in your account for https://oidc.circleci.com/org/o2", Some(&claims));
        assert_eq!(f[0].code, "sts-no-oidc-provider");
        assert!(f[0].message.contains("`https://oidc.circleci.com/org/o2`"));
        assert!(f[0].message.contains("was the error from another token?"));
        assert!(f[0]
            .fix
            .as_deref()
            .unwrap()
            .contains("--url https://oidc.circleci.com/org/o1 --client-id-list o1"));
    }
}
