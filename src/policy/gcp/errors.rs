//! Recognise Google STS errors from a failed token exchange.

use serde_json::{Map, Value};

use crate::report::{Area, Finding, Severity};

/// Findings for each Google STS error recognised in `text`.
pub fn explain_error_text(text: &str, claims: Option<&Map<String, Value>>) -> Vec<Finding> {
    let mut out = Vec::new();
    // Entra's texts also speak of issuers and audiences; they are Azure's to explain.
    let google_sts = !text.contains("AADSTS");
    if text.contains("rejected by the attribute condition") {
        out.push(
            Finding::new(
                "gcp-error-attribute-condition",
                Severity::Error,
                Area::StsError,
                "google: the provider's `attributeCondition` is not true for this token (false, or an error such as a missing claim)",
            )
            .with_fix("paste the provider (`gcloud iam workload-identity-pools providers describe --format=json`) as the policy to see which part fails"),
        );
    }
    if text.contains("does not match the expected audience")
        || (text.contains("audience") && text.contains("invalid_grant"))
    {
        let aud = claims
            .and_then(|c| c.get("aud"))
            .map(|a| {
                format!(
                    " this token's `aud` is `{}`.",
                    a.as_str().map_or_else(|| a.to_string(), str::to_string)
                )
            })
            .unwrap_or_default();
        out.push(
            Finding::new(
                "gcp-error-audience",
                Severity::Error,
                Area::StsError,
                format!("google: the token's `aud` is not among the provider's allowed audiences (with none set, only the provider's resource name is accepted).{aud}"),
            )
            .with_fix("add the org ID (CircleCI's default `aud`) with `gcloud iam workload-identity-pools providers update-oidc ... --allowed-audiences=<org-id>`"),
        );
    }
    if text.contains("exceeds the 127 bytes limit") {
        out.push(
            Finding::new(
                "gcp-error-subject-too-long",
                Severity::Error,
                Area::StsError,
                "google: the mapped `google.subject` is over 127 bytes; a V2 CircleCI `sub` always is",
            )
            .with_fix("map `google.subject=assertion['oidc.circleci.com/project-id']`, or use `$CIRCLE_OIDC_TOKEN` (V1)"),
        );
    }
    // What STS says when it cannot verify the token with the provider's issuer (gcs-fuse-csi-driver#1471): the
    // issuer differs, or google cannot fetch its discovery document and keys.
    if google_sts && text.contains("Error connecting to the given credential's issuer") {
        let iss = claims
            .and_then(|c| c.get("iss"))
            .and_then(Value::as_str)
            .map(|i| format!(" (this token's is `{}`)", crate::report::excerpt(i, 200)))
            .unwrap_or_default();
        out.push(
            Finding::new(
                "gcp-error-issuer",
                Severity::Error,
                Area::StsError,
                format!("google: STS could not verify the token with the provider's issuer: the provider's `issuerUri` is not the token's `iss`{iss}, or google cannot fetch the issuer's `/.well-known/openid-configuration` and keys (a CircleCI server host not reachable from the internet)"),
            )
            .with_fix("set `--issuer-uri` to the token's `iss` exactly (no trailing `/`); for a server issuer google cannot reach, give the provider the key set itself: `gcloud iam workload-identity-pools providers update-oidc <provider> --workload-identity-pool=<pool> --location=global --jwk-json-path=<the issuer's jwks-pub.json>`"),
        );
    } else if google_sts
        && text.contains("invalid_grant")
        && text.to_ascii_lowercase().contains("issuer")
    {
        out.push(
            Finding::new(
                "gcp-error-issuer",
                Severity::Error,
                Area::StsError,
                "google: the token's `iss` is not the provider's `issuerUri`",
            )
            .with_fix("set `--issuer-uri` to the token's `iss` exactly (no trailing `/`)"),
        );
    }
    // The exchange's `audience` parameter (the job's credential configuration), not the token's `aud`.
    if google_sts && text.contains("Invalid value for") && text.contains("audience") {
        out.push(
            Finding::new(
                "gcp-error-audience-parameter",
                Severity::Error,
                Area::StsError,
                "google: the token exchange's `audience` parameter is not a provider's full resource name (this is the job's credential configuration, not the token's `aud`)",
            )
            .with_fix("set the audience to `//iam.googleapis.com/projects/<project-number>/locations/global/workloadIdentityPools/<pool>/providers/<provider>`: the project number, not its ID (`gcloud iam workload-identity-pools create-cred-config` writes it)"),
        );
    }
    if google_sts && text.contains("invalid_target") {
        out.push(
            Finding::new(
                "gcp-error-invalid-target",
                Severity::Error,
                Area::StsError,
                "google: the pool or provider that the exchange's `audience` names does not exist, or is disabled or deleted",
            )
            .with_fix("check the audience's project number, pool and provider IDs against `gcloud iam workload-identity-pools providers list --workload-identity-pool=<pool> --location=global`, and that both are enabled"),
        );
    }
    // Service account impersonation, after a successful exchange: the federated identity lacks
    // `roles/iam.workloadIdentityUser` on the account (google-github-actions/auth#340, #418).
    if google_sts
        && (text.contains("iam.serviceAccounts.getAccessToken")
            || text.contains("iam.serviceAccounts.getOpenIdToken"))
        && (text.contains("denied") || text.contains("PERMISSION_DENIED"))
    {
        let project = claims
            .and_then(|c| c.get("oidc.circleci.com/project-id"))
            .and_then(Value::as_str)
            .filter(|p| !p.is_empty() && !p.contains(['"', '`', ' ']))
            .unwrap_or("<project-id>");
        out.push(
            Finding::new(
                "gcp-error-impersonation-denied",
                Severity::Error,
                Area::StsError,
                "google: the token exchange passed (the provider accepted the token), but impersonating the service account was refused: its IAM policy grants `roles/iam.workloadIdentityUser` to no principal this token maps to (or the account's email is wrong)",
            )
            .with_fix(format!(
                "grant the role to the pool's identities of this project: `gcloud iam service-accounts add-iam-policy-binding <sa-email> --role=roles/iam.workloadIdentityUser --member=\"principalSet://iam.googleapis.com/projects/<project-number>/locations/global/workloadIdentityPools/<pool>/attribute.project/{project}\"` (with `attribute.project=assertion['oidc.circleci.com/project-id']` in the mapping); a `principal://.../subject/<sub>` member matches one `sub` exactly, and a V1 and a V2 token of the same job differ"
            )),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::explain_error_text;

    #[test]
    fn recognises_google_texts() {
        let codes = |t: &str| {
            explain_error_text(t, None)
                .into_iter()
                .map(|f| f.code)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            codes(
                r#"{"error":"unauthorized_client","error_description":"The given credential is rejected by the attribute condition."}"#
            ),
            ["gcp-error-attribute-condition"]
        );
        assert_eq!(
            codes("The size of mapped attribute google.subject exceeds the 127 bytes limit."),
            ["gcp-error-subject-too-long"]
        );
        assert_eq!(
            codes(
                r#"{"error":"invalid_grant","error_description":"The audience in ID Token [x] does not match the expected audience."}"#
            ),
            ["gcp-error-audience"]
        );
        // gcloud's own output around the STS body (google-github-actions/auth#60, #334).
        assert_eq!(
            codes(
                r#"ERROR: gcloud crashed (OAuthError): ('Error code invalid_request: Invalid value for "audience". This value should be the full resource name of the Identity Provider.', '{"error":"invalid_request"}')"#
            ),
            ["gcp-error-audience-parameter"]
        );
        assert_eq!(
            codes(
                r#"('Error code invalid_target: The target service indicated by the "audience" parameters is invalid. This might either be because the pool or provider is disabled or deleted or because it doesn't exist.')"#
            ),
            ["gcp-error-invalid-target"]
        );
        // STS cannot verify the token with the issuer: bare, or in the JSON body.
        for text in [
            "Error connecting to the given credential's issuer.",
            r#"{"error":"invalid_grant","error_description":"Error connecting to the given credential's issuer."}"#,
        ] {
            assert_eq!(codes(text), ["gcp-error-issuer"], "{text}");
        }
        let claims = serde_json::json!({"iss": "https://circleci.example.com/org/o"});
        let found = explain_error_text(
            "Error connecting to the given credential's issuer.",
            claims.as_object(),
        );
        assert!(
            found[0]
                .message
                .contains("(this token's is `https://circleci.example.com/org/o`)"),
            "{}",
            found[0].message
        );
        assert!(found[0].fix.as_deref().unwrap().contains("--jwk-json-path"));
        // What gcloud and the client libraries print when the service account's IAM policy lacks the binding.
        assert_eq!(
            codes(
                r#"ERROR: (gcloud.storage.ls) There was a problem refreshing your current auth tokens: ('Unable to acquire impersonated credentials', '{\n  "error": {\n    "code": 403,\n    "message": "Permission 'iam.serviceAccounts.getAccessToken' denied on resource (or it may not exist).",\n    "status": "PERMISSION_DENIED"\n  }\n}\n')"#
            ),
            ["gcp-error-impersonation-denied"]
        );
        let claims = serde_json::json!({"oidc.circleci.com/project-id": "p-1"});
        let found = explain_error_text(
            r#"{"error":{"code":403,"message":"Permission 'iam.serviceAccounts.getAccessToken' denied on resource (or it may not exist).","status":"PERMISSION_DENIED"}}"#,
            claims.as_object(),
        );
        assert_eq!(found[0].message, "google: the token exchange passed (the provider accepted the token), but impersonating the service account was refused: its IAM policy grants `roles/iam.workloadIdentityUser` to no principal this token maps to (or the account's email is wrong)");
        assert!(
            found[0].fix.as_deref().unwrap().contains(
                "--member=\"principalSet://iam.googleapis.com/projects/<project-number>/locations/global/workloadIdentityPools/<pool>/attribute.project/p-1\"` (with"
            ),
            "{:?}",
            found[0].fix
        );
        assert!(codes("AccessDenied").is_empty());
    }
}
