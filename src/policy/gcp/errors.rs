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
    if google_sts && text.contains("invalid_grant") && text.to_ascii_lowercase().contains("issuer")
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
        assert!(codes("AccessDenied").is_empty());
    }
}
