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
//! | `sts-thumbprint` | warning | `OpenIDConnect provider's HTTPS certificate doesn't match configured thumbprint` |
//! | `sts-role-permissions` | warning | `assumed-role/... is not authorized to perform: <action>`: the role was assumed; its permissions lack the action |
//! | `sts-other-operation` | warning | an AWS error from another operation than `AssumeRoleWithWebIdentity` (a later call) |
//! | `sts-token-not-jwt` | warning | `The ID Token provided is not a valid JWT`: what was sent is not a token |
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
fn quoted_value<'a>(text: &'a str, field: &str) -> Option<&'a str> {
    let lower = text.to_ascii_lowercase();
    let end = lower.find(&format!("' at '{field}'"))?;
    let start = lower.get(..end)?.rfind("value '")? + "value '".len();
    text.get(start..end).filter(|v| v.chars().count() <= 200)
}

/// The URL after "provider found in your account for ", up to whitespace or a quote.
fn url_after<'a>(text: &'a str, marker: &str) -> Option<&'a str> {
    let lower = text.to_ascii_lowercase();
    let i = lower.find(marker)? + marker.len();
    let rest = text.get(i..)?.trim_start();
    let end = rest
        .find(|c: char| c.is_whitespace() || c == '"' || c == '\'')
        .unwrap_or(rest.len());
    rest.get(..end).map(|u| u.trim_end_matches(['.', ',']))
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
        let url = url_after(text, "in your account for ");
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
            format!("`ExpiredTokenException`: the token's `exp`{} had passed when STS received it; CircleCI tokens live 1 hour", exp.map(|e| format!(" ({})", super::dates::format(e))).unwrap_or_default()),
            "assume the role early in the job, or mint a fresh token with `circleci run oidc get` right before the AWS call".into(),
        ));
    }
    if lower.contains("request arn is invalid")
        || (lower.contains("'rolearn'") && lower.contains("failed to satisfy constraint"))
        || lower.contains("invalid length for parameter rolearn")
    {
        out.push(refused(
            "sts-role-arn-invalid",
            "STS refused the role ARN the job sent (`Request ARN is invalid`) before reading any trust policy: it was empty, or not `arn:aws:iam::<12-digit account ID>:role/<name>` (an environment variable not set in the job, or not expanded)".into(),
            "check the value the job passes as the role ARN (the aws-cli orb's `role_arn`, `--role-arn`): print it in the job and set the variable it comes from in the job's context or project".into(),
        ));
    }
    if lower.contains("rolesessionname") {
        let value = quoted_value(text, "rolesessionname")
            .map(|v| format!(" (`{v}`)"))
            .unwrap_or_default();
        out.push(refused(
            "sts-role-session-name",
            format!("STS refused the role session name{value} before reading any trust policy: it must be 2 to 64 characters of letters, digits and `_+=,.@-` only (a branch name with `/`, or a long one, is a classic cause)"),
            "pass a session name built from allowed characters, e.g. `circleci-${CIRCLE_BUILD_NUM}` (the aws-cli orb's `role_session_name`, `--role-session-name`)".into(),
        ));
    }
    if lower.contains("durationseconds")
        && (lower.contains("maxsessionduration") || lower.contains("failed to satisfy constraint"))
    {
        out.push(refused(
            "sts-duration-too-long",
            "STS refused the requested session duration before reading any trust policy: it is longer than the role's maximum session duration (1 hour unless raised; at most 12 hours)".into(),
            "ask for at most the role's maximum (the aws-cli orb's `session_duration`, `--duration-seconds`; 3600 by default), or raise it: `aws iam update-role --role-name <name> --max-session-duration <seconds>`".into(),
        ));
    }
    if lower.contains("invalid length for parameter webidentitytoken")
        || lower.contains("oidc token cannot be found")
    {
        out.push(refused(
            "sts-empty-token",
            "the job sent no token: the variable it read ($CIRCLE_OIDC_TOKEN_V2 or $CIRCLE_OIDC_TOKEN) was empty, so no trust policy was read".into(),
            "check the variable is set in the job (`[ -n \"$CIRCLE_OIDC_TOKEN_V2\" ]`); CircleCI server issues tokens from 4.4 on; inside a job, `circleci run oidc get --claims '{\"aud\":\"<org ID>\"}'` mints one".into(),
        ));
    }
    if lower.contains("doesn't match configured thumbprint")
        || lower.contains("does not match configured thumbprint")
    {
        out.push(refused(
            "sts-thumbprint",
            format!("STS did not trust the issuer's HTTPS certificate{}: it is not among the OIDC provider's thumbprints (AWS checks them only for issuers whose certificate no well-known CA signs, such as a CircleCI server host), so no trust policy was read", iss.as_ref().map(|i| format!(" (`{i}`)")).unwrap_or_default()),
            "add the certificate's thumbprint to the provider: `aws iam update-open-id-connect-provider-thumbprint --open-id-connect-provider-arn <arn> --thumbprint-list <thumbprint>` (the IAM console computes it when you recreate the provider)".into(),
        ));
    }
    // An error of a call made with the credentials the job already had: the token exchange is done.
    let session = word_after(text, &lower, "user: arn:aws:sts::")
        .filter(|w| w.contains(":assumed-role/"))
        .map(|w| format!("arn:aws:sts::{w}"));
    if let (Some(session), true) = (&session, lower.contains("is not authorized to perform")) {
        let action = word_after(text, &lower, "is not authorized to perform:");
        let role = session
            .split_once(":assumed-role/")
            .and_then(|(_, r)| r.split('/').next())
            .unwrap_or("<role>");
        out.push(refused(
            "sts-role-permissions",
            format!("the error names the session `{session}`: the job did assume the role `{role}` (its trust policy accepted the token); it is the role's permissions that do not allow {}", action.map_or("the call".to_string(), |a| format!("`{a}`"))),
            format!("add {} to a permissions policy attached to `{role}` (`aws iam put-role-policy`, or the role's managed policies); the trust policy needs no change", action.map_or("the action".to_string(), |a| format!("`{a}` (on the resource the error names)"))),
        ));
    } else if !lower.contains("assumerolewithwebidentity") {
        if let Some(op) = word_after(text, &lower, "when calling the ").filter(|op| {
            text.to_ascii_lowercase()
                .contains(&format!("{} operation", op.to_ascii_lowercase()))
        }) {
            let (why, fix) = if lower.contains("security token included in the request is expired")
            {
                (
                    "the credentials it used had expired: the role session (1 hour unless the job asks for more) ended before the job did",
                    "assume the role again right before the late AWS calls, or ask for a longer session (the aws-cli orb's `session_duration`, `--duration-seconds`) within the role's maximum session duration",
                )
            } else {
                (
                    "the call ran with credentials the job already had, so the role's trust policy did not refuse it",
                    "if the job assumed the role, give the role's permissions policy what the call needs; if the job also has static keys (`AWS_ACCESS_KEY_ID` in a context or project), check which credentials the call used (`aws sts get-caller-identity`)",
                )
            };
            out.push(refused(
                "sts-other-operation",
                format!("the error comes from the `{op}` operation, not from `AssumeRoleWithWebIdentity`: {why}"),
                fix.into(),
            ));
        }
    }
    if lower.contains("not a valid jwt") {
        out.push(refused(
            "sts-token-not-jwt",
            "STS could not read what the job sent as a JWT (`not a valid JWT`), so no trust policy was read: it was cut, quoted, prefixed (`Bearer `), or another variable's value".into(),
            "pass the variable's value as it is: `--web-identity-token \"$CIRCLE_OIDC_TOKEN_V2\"`, and paste that same value here as the token".into(),
        ));
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
        assert!(
            f[0].message.contains("(`feature/login`)"),
            "{}",
            f[0].message
        );
        assert_eq!(f[0].severity, Severity::Warning);
        assert_eq!(codes("An error occurred (ValidationError) when calling the AssumeRoleWithWebIdentity operation: The requested DurationSeconds exceeds the MaxSessionDuration set for this role.", None), vec!["sts-duration-too-long"]);
        assert_eq!(codes("Parameter validation failed:\nInvalid length for parameter WebIdentityToken, value: 0, valid min length: 4\nFailed to assume role", None), vec!["sts-empty-token"]);
        assert_eq!(codes("An error occurred (InvalidIdentityToken) when calling the AssumeRoleWithWebIdentity operation: The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)", None), vec!["sts-token-not-jwt"]);
        assert_eq!(codes("An error occurred (InvalidIdentityToken) when calling the AssumeRoleWithWebIdentity operation: OpenIDConnect provider's HTTPS certificate doesn't match configured thumbprint", None), vec!["sts-thumbprint"]);
        let f = explain("An error occurred (AccessDeniedException) when calling the GetAuthorizationToken operation: User: arn:aws:sts::123456789012:assumed-role/circleci-deploy/circleci-1234 is not authorized to perform: ecr:GetAuthorizationToken on resource: * because no identity-based policy allows the ecr:GetAuthorizationToken action", None);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].code, "sts-role-permissions");
        assert!(
            f[0].message.contains("assume the role `circleci-deploy`"),
            "{}",
            f[0].message
        );
        assert!(
            f[0].message
                .contains("do not allow `ecr:GetAuthorizationToken`"),
            "{}",
            f[0].message
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
