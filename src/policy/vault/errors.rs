//! Recognise the error text `vault write auth/jwt/login` printed and explain it.
//!
//! | code | vault text |
//! |---|---|
//! | `vault-error-bound-claim-mismatch` | `claim "X" does not match any associated bound claim values` |
//! | `vault-error-claim-missing` | `claim "X" is missing` |
//! | `vault-error-no-bound-audiences` | `audience claim found in JWT but no audiences bound to the role` |
//! | `vault-error-audience` | `invalid audience (aud) claim` / `aud claim does not match any bound audience` |
//! | `vault-error-subject` | `invalid subject (sub) claim` / `sub claim does not match bound subject` |
//! | `vault-error-issuer` | `invalid issuer (iss) claim` (compared with `bound_issuer` only) |
//! | `vault-error-discovery-issuer` | `issuer did not match the returned issuer` / `error checking oidc discovery URL` |
//! | `vault-error-expired` | `invalid expiration time (exp) claim: token is expired` / `token is expired` |
//! | `vault-error-role-type` | `role with oidc role_type is not allowed` |
//! | `vault-error-user-claim` | `claim "X" not found in token` / `could not be converted to string` |
//! | `vault-error-role-not-found` | `role "X" could not be found` |
//! | `vault-error-signature` | `error validating signature` / `error verifying token` |
//! | `vault-error-algorithm` | `token signed with unexpected algorithm` / `id token signed with unsupported algorithm` |
//! | `vault-error-login-permission-denied` | `permission denied` answering `auth/<mount>/login`: no auth method at that path (or namespace) |
//! | `vault-error-permission-denied` | `permission denied` on another path: the login passed, the role's policies do not grant it |
//! | `vault-error-missing-role` | `missing role`: no `role` in the login and no `default_role` |

use serde_json::{Map, Value};

use crate::report::{Area, Finding, Severity};

/// The text between `marker"` and the next `"` (e.g. the claim name in `claim "X" ...`).
fn quoted_after<'a>(text: &'a str, marker: &str) -> Option<&'a str> {
    let start = text.find(marker)? + marker.len();
    let rest = text.get(start..)?;
    let end = rest.find('"')?;
    rest.get(..end)
}

fn token_value(claims: Option<&Map<String, Value>>, name: &str) -> String {
    match claims.and_then(|c| super::pointer::get_claim(c, name)) {
        Some(v) => format!(
            " this token's `{name}` is `{}`.",
            v.as_str()
                .map(str::to_string)
                .unwrap_or_else(|| v.to_string())
        ),
        None if claims.is_some() => format!(" this token has no claim `{name}`."),
        None => String::new(),
    }
}

/// Findings for every Vault login error recognised in `text`.
pub fn explain_error_text(text: &str, claims: Option<&Map<String, Value>>) -> Vec<Finding> {
    // The API's JSON body (`{"errors":["… claim \"X\" …"]}`, what curl prints) escapes the quotes.
    let unescaped = text.replace("\\\"", "\"");
    let text = unescaped.as_str();
    let mut out = Vec::new();
    let mut add = |code: &'static str, message: String, fix: &str| {
        out.push(Finding::new(code, Severity::Error, Area::StsError, message).with_fix(fix));
    };
    if text.contains("does not match any associated bound claim values") {
        let name = quoted_after(text, "claim \"").unwrap_or("?");
        add(
            "vault-error-bound-claim-mismatch",
            format!("vault: the token's claim `{name}` matches none of the role's `bound_claims` values.{}", token_value(claims, name)),
            "compare the value with `bound_claims` (exact unless `bound_claims_type=glob`); paste the role to see every check",
        );
    }
    if text.contains("\" is missing") {
        let name = quoted_after(text, "claim \"").unwrap_or("?");
        // The pasted token has the claim: the failing job sent another one (a custom-webhook pipeline's, with no
        // vcs claims), or the key names the claim otherwise (a JSON pointer).
        let has = claims.is_some_and(|c| super::pointer::get_claim(c, name).is_some());
        let message = if has {
            format!(
                "vault: the role binds claim `{name}`, which the token vault read does not carry, yet the pasted token does ({}): the failing job sent another token (a custom-webhook pipeline's has no vcs claims), or the role names the claim another way",
                token_value(claims, name).trim().trim_end_matches('.')
            )
        } else {
            format!(
                "vault: the role binds claim `{name}`, which the token does not carry.{}",
                token_value(claims, name)
            )
        };
        add(
            "vault-error-claim-missing",
            message,
            "a key starting with `/` is a JSON pointer: write CircleCI claim names without the leading `/`; vcs claims are absent for custom-webhook pipelines",
        );
    }
    if text.contains("audience claim found in JWT but no audiences bound to the role") {
        add(
            "vault-error-no-bound-audiences",
            "vault: the token has an `aud` claim but the role binds no audience".into(),
            "set `bound_audiences` on the role to the token's `aud` (the CircleCI org ID by default)",
        );
    }
    if text.contains("invalid audience (aud) claim")
        || text.contains("aud claim does not match any bound audience")
    {
        add(
            "vault-error-audience",
            format!(
                "vault: none of the role's `bound_audiences` is among the token's `aud` values.{}",
                token_value(claims, "aud")
            ),
            "add the token's `aud` to `bound_audiences`",
        );
    }
    if text.contains("invalid subject (sub) claim")
        || text.contains("sub claim does not match bound subject")
    {
        add(
            "vault-error-subject",
            format!("vault: `sub` is not exactly the role's `bound_subject`.{}", token_value(claims, "sub")),
            "`bound_subject` is exact: a V1 subject never matches `$CIRCLE_OIDC_TOKEN_V2`; prefer `bound_claims` on `oidc.circleci.com/project-id`",
        );
    }
    if text.contains("invalid issuer (iss) claim") {
        add(
            "vault-error-issuer",
            format!("vault: `iss` is not the config's `bound_issuer` (vault compares `iss` with `bound_issuer` only, never with `oidc_discovery_url`).{}", token_value(claims, "iss")),
            "set `bound_issuer` to the token's `iss` exactly, `https://oidc.circleci.com/org/<org-id>` (no trailing `/`)",
        );
    }
    if text.contains("issuer did not match the returned issuer")
        || text.contains("error checking oidc discovery URL")
    {
        add(
            "vault-error-discovery-issuer",
            format!("vault: it could not build its key set from `oidc_discovery_url`: the discovery document's `issuer` must equal the URL exactly (or the URL is unreachable from vault).{}", token_value(claims, "iss")),
            "set `oidc_discovery_url` to the token's `iss` exactly, `https://oidc.circleci.com/org/<org-id>` (no trailing `/`)",
        );
    }
    if text.contains("token is expired") {
        add(
            "vault-error-expired",
            "vault: the token expired (vault allows 60 s of clock skew by default)".into(),
            "mint the token right before logging in: CircleCI cloud tokens live 1 hour by default",
        );
    }
    if text.contains("role with oidc role_type is not allowed") {
        add(
            "vault-error-role-type",
            "vault: the role is an `oidc` role (the default when `role_type` is not given)".into(),
            "rewrite the role with `role_type=jwt`",
        );
    }
    if text.contains("\" not found in token") || text.contains("could not be converted to string") {
        let name = quoted_after(text, "claim \"").unwrap_or("?");
        add(
            "vault-error-user-claim",
            format!("vault: the role's `user_claim` `{name}` is missing from the token or not a string.{}", token_value(claims, name)),
            "set `user_claim=sub`",
        );
    }
    if text.contains("could not be found") && text.contains("role \"") {
        let name = quoted_after(text, "role \"").unwrap_or("?");
        add(
            "vault-error-role-not-found",
            format!("vault: there is no role `{name}` on this auth mount"),
            "check the role name and the mount path (`auth/<mount>/login`)",
        );
    }
    if text.contains("token signed with unexpected algorithm")
        || text.contains("signed with unsupported algorithm")
    {
        add(
            "vault-error-algorithm",
            "vault: the token's header names a signing algorithm (`alg`) that the auth config's `jwt_supported_algs` does not list; CircleCI signs with `RS256`".into(),
            "add `RS256` to `jwt_supported_algs` in `auth/jwt/config`, or leave it empty (vault then accepts RS256 and the other asymmetric algorithms)",
        );
    } else if text.contains("error validating signature") || text.contains("error verifying token")
    {
        add(
            "vault-error-signature",
            "vault: the token's signature could not be verified with the configured keys".into(),
            "point `oidc_discovery_url` (or `jwks_url`) at the token's issuer; on CircleCI server check the key has `alg` and `kid`",
        );
    }
    // Vault's ACL answer (`Code: 403. Errors: * permission denied`, or `{"errors":["permission denied"]}`). At
    // a login path the request never reached a JWT role: nothing is mounted there in this namespace
    // (hashicorp/vault-action#507); elsewhere the login passed and the token's policies lack the path.
    let vault_403 = text.contains("Code: 403")
        || text.contains("* permission denied")
        || text.contains("[\"permission denied\"]")
        || text.contains("[\"1 error occurred:");
    if text.contains("permission denied") && vault_403 {
        if text.contains("/login") {
            add(
                "vault-error-login-permission-denied",
                "vault: the login request was refused before any JWT role was read: no auth method is mounted at that `auth/<mount>/login` path in this namespace".into(),
                "check the mount path with `vault auth list` (CircleCI setups often mount it at `auth/circleci`, not `auth/jwt`) and the namespace (`VAULT_NAMESPACE`, `admin` on HCP Vault)",
            );
        } else if text.contains("URL: ") || text.contains("/v1/") || text.contains("Error ") {
            add(
                "vault-error-permission-denied",
                "vault: the token vault issued does not grant this path: the login passed, and the role's `token_policies` do not allow the request".into(),
                "add the path to a policy in the role's `token_policies` (`vault token capabilities <path>` with the job's vault token shows what it may do); the JWT role itself accepted the job",
            );
        } else {
            // The bare API body names no path: either case.
            add(
                "vault-error-permission-denied",
                "vault: `permission denied`: at `auth/<mount>/login` it means no auth method is mounted at that path in this namespace; on any other path, the login passed and the role's `token_policies` do not allow the request".into(),
                "for a login, check the mount path with `vault auth list` and the namespace (`VAULT_NAMESPACE`); otherwise add the path to a policy in the role's `token_policies`",
            );
        }
    }
    if text.contains("* missing role") || text.contains("[\"missing role\"]") {
        add(
            "vault-error-missing-role",
            "vault: the login named no role and the auth config has no `default_role`".into(),
            "pass the role: `vault write auth/<mount>/login role=<name> jwt=$CIRCLE_OIDC_TOKEN_V2`",
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::explain_error_text;
    use serde_json::json;

    #[test]
    fn recognises_bound_claim_mismatch_with_token_value() {
        let claims = json!({"oidc.circleci.com/vcs-ref": "refs/heads/dev"});
        let text = "Error writing data to auth/jwt/login: Error making API request.\n\nCode: 400. Errors:\n\n* error validating claims: claim \"oidc.circleci.com/vcs-ref\" does not match any associated bound claim values";
        let found = explain_error_text(text, claims.as_object());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].code, "vault-error-bound-claim-mismatch");
        assert!(
            found[0].message.contains("`refs/heads/dev`"),
            "{}",
            found[0].message
        );
        // The API's JSON body, as curl prints it: the quotes around the claim are escaped.
        let body = r#"{"errors":["error validating claims: claim \"oidc.circleci.com/vcs-ref\" does not match any associated bound claim values"]}"#;
        let found = explain_error_text(body, claims.as_object());
        assert!(
            found[0]
                .message
                .starts_with("vault: the token's claim `oidc.circleci.com/vcs-ref` matches none"),
            "{}",
            found[0].message
        );
    }

    /// The algorithm error of the current plugin (hashicorp/cap) and of older ones (go-oidc, wrapped in "error
    /// validating signature") is the algorithm's, not a signature that failed to verify.
    #[test]
    fn recognises_an_algorithm_the_config_does_not_list() {
        for text in [
            "* error validating token: invalid algorithm (alg) header parameter: token signed with unexpected algorithm",
            "* error validating signature: oidc: id token signed with unsupported algorithm, expected [\"ES256\"] got \"RS256\"",
        ] {
            let codes: Vec<&str> = explain_error_text(text, None).iter().map(|f| f.code).collect();
            assert_eq!(codes, ["vault-error-algorithm"], "{text}");
        }
    }

    #[test]
    fn recognises_each_text() {
        let cases = [
            (
                "audience claim found in JWT but no audiences bound to the role",
                "vault-error-no-bound-audiences",
            ),
            (
                "error validating token: invalid subject (sub) claim",
                "vault-error-subject",
            ),
            (
                "error validating token: invalid issuer (iss) claim",
                "vault-error-issuer",
            ),
            (
                "error validating token: invalid expiration time (exp) claim: token is expired",
                "vault-error-expired",
            ),
            (
                "role with oidc role_type is not allowed",
                "vault-error-role-type",
            ),
            (
                "error configuring token validator: keyset configuration error: issuer did not match the returned issuer, expected \"https://oidc.circleci.com/org/o/\" got \"https://oidc.circleci.com/org/o\"",
                "vault-error-discovery-issuer",
            ),
            (
                "error checking oidc discovery URL",
                "vault-error-discovery-issuer",
            ),
            (
                "claim \"email\" not found in token",
                "vault-error-user-claim",
            ),
            (
                "error validating claims: claim \"/a/b\" is missing",
                "vault-error-claim-missing",
            ),
            (
                "role \"ci\" could not be found",
                "vault-error-role-not-found",
            ),
        ];
        for (text, code) in cases {
            let found = explain_error_text(text, None);
            assert_eq!(
                found.iter().map(|f| f.code).collect::<Vec<_>>(),
                vec![code],
                "{text}"
            );
        }
        assert!(explain_error_text("AccessDenied", None).is_empty());
    }

    #[test]
    fn permission_denied_is_told_apart_by_the_path() {
        let codes = |t: &str| {
            explain_error_text(t, None)
                .into_iter()
                .map(|f| f.code)
                .collect::<Vec<_>>()
        };
        let login = "Error writing data to auth/jwt/login: Error making API request.\n\nURL: PUT https://vault.example.com:8200/v1/auth/jwt/login\nCode: 403. Errors:\n\n* permission denied";
        assert_eq!(codes(login), ["vault-error-login-permission-denied"]);
        let read = "Error reading secret/data/deploy: Error making API request.\n\nURL: GET https://vault.example.com:8200/v1/secret/data/deploy\nCode: 403. Errors:\n\n* 1 error occurred:\n\t* permission denied\n\n";
        assert_eq!(codes(read), ["vault-error-permission-denied"]);
        // The bare API body names no path: the message gives both readings.
        let body = explain_error_text(r#"{"errors":["permission denied"]}"#, None);
        assert_eq!(body[0].code, "vault-error-permission-denied");
        assert!(
            body[0]
                .message
                .contains("at `auth/<mount>/login` it means no auth method is mounted"),
            "{}",
            body[0].message
        );
        assert_eq!(
            codes(r#"{"errors":["missing role"]}"#),
            ["vault-error-missing-role"]
        );
        // Another platform's wording is not vault's.
        assert!(
            codes("Permission 'iam.serviceAccounts.getAccessToken' denied on resource").is_empty()
        );
        assert!(codes("bash: ./deploy.sh: Permission denied").is_empty());
    }

    #[test]
    fn a_missing_claim_the_pasted_token_has_means_another_token() {
        let claims = serde_json::json!({"oidc.circleci.com/vcs-ref": "refs/heads/main"});
        let text = "error validating claims: claim \"oidc.circleci.com/vcs-ref\" is missing";
        let found = explain_error_text(text, claims.as_object());
        assert!(found[0].message.ends_with("yet the pasted token does (this token's `oidc.circleci.com/vcs-ref` is `refs/heads/main`): the failing job sent another token (a custom-webhook pipeline's has no vcs claims), or the role names the claim another way"), "{}", found[0].message);
        let without = serde_json::json!({"sub": "x"});
        let found = explain_error_text(text, without.as_object());
        assert_eq!(found[0].message, "vault: the role binds claim `oidc.circleci.com/vcs-ref`, which the token does not carry. this token has no claim `oidc.circleci.com/vcs-ref`.");
    }
}
