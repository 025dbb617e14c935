//! Recognise Entra's federated-credential errors (AADSTS codes) and compare what they say with the token.

use serde_json::{Map, Value};

use crate::report::{Area, Finding, Severity};

/// The text between `label` + `'` and the next `'` (Entra quotes the presented values).
fn quoted(text: &str, label: &str) -> Option<String> {
    let start = text.find(label)? + label.len();
    let rest = text.get(start..)?.trim_start_matches([':', ' ']);
    let rest = rest.strip_prefix('\'')?;
    rest.find('\'')
        .and_then(|end| rest.get(..end))
        .map(str::to_string)
}

fn compare(
    claims: Option<&Map<String, Value>>,
    what: &str,
    claim: &str,
    presented: Option<&str>,
) -> String {
    let (Some(claims), Some(presented)) = (claims, presented) else {
        return String::new();
    };
    let token = match claim {
        "aud" => super::rules::audiences(claims).join(", "),
        _ => claims
            .get(claim)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string(),
    };
    if token == presented {
        String::new()
    } else {
        format!(" the presented {what} `{presented}` is not this token's `{claim}` `{token}`: the job sent another token.")
    }
}

/// Whether `text` holds the error `code` itself, not a longer code it begins (`AADSTS70021` in `AADSTS700211`).
fn has_code(text: &str, code: &str) -> bool {
    text.match_indices(code).any(|(at, _)| {
        !text
            .get(at + code.len()..)
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
    })
}

/// Findings for each AADSTS federated-credential error found in `text`.
pub fn explain_error_text(text: &str, claims: Option<&Map<String, Value>>) -> Vec<Finding> {
    let mut out = Vec::new();
    // A JSON error body (`{"error_description": "AADSTS…"}`) escapes its quotes and line breaks.
    let unescaped = text.replace("\\\"", "\"").replace("\\r\\n", "\n");
    let text = unescaped.as_str();
    let issuer = quoted(text, "Assertion Issuer");
    let subject = quoted(text, "Assertion Subject");
    let audience = quoted(text, "Assertion Audience");
    if has_code(text, "AADSTS70021") {
        let mut message = format!(
            "entra: no federated credential on the app matches the presented issuer `{}`, subject `{}` and audience `{}`; all three must be equal exactly.",
            issuer.as_deref().unwrap_or("?"),
            subject.as_deref().unwrap_or("?"),
            audience.as_deref().unwrap_or("?")
        );
        if issuer.as_deref().is_some_and(|i| i.ends_with('/')) {
            message.push_str(" the presented issuer ends with `/`.");
        }
        message.push_str(&compare(claims, "subject", "sub", subject.as_deref()));
        message.push_str(&compare(claims, "issuer", "iss", issuer.as_deref()));
        out.push(
            Finding::new("azure-error-aadsts70021", Severity::Error, Area::StsError, message).with_fix(
                "paste the app's `az ad app federated-credential list` output as the policy to see which field differs; a trailing `/` on the issuer and a V1 subject with a V2 token are the usual causes",
            ),
        );
    }
    for (code, id, what, claim) in [
        ("azure-error-aadsts700211", "AADSTS700211", "issuer", "iss"),
        (
            "azure-error-aadsts700212",
            "AADSTS700212",
            "audience",
            "aud",
        ),
        ("azure-error-aadsts700213", "AADSTS700213", "subject", "sub"),
    ] {
        if has_code(text, id) {
            // `... for presented assertion subject 'org/…'` (the text may wrap before the value).
            let label = format!("presented assertion {what}");
            let presented = quoted(&text.replace('\n', " "), &label);
            let mut message = match &presented {
                Some(p) => {
                    format!("entra: no federated credential has the presented {what} `{p}`.")
                }
                None => format!("entra: no federated credential has the presented {what}."),
            };
            if what == "issuer" && presented.as_deref().is_some_and(|i| i.ends_with('/')) {
                message.push_str(" it ends with `/`, which CircleCI's `iss` never does.");
            }
            message.push_str(&compare(claims, what, claim, presented.as_deref()));
            out.push(
                Finding::new(code, Severity::Error, Area::StsError, message)
                    .with_fix(format!("register the token's {what} exactly as presented")),
            );
        }
    }
    if has_code(text, "AADSTS7002138") {
        out.push(
            Finding::new(
                "azure-error-aadsts7002138",
                Severity::Error,
                Area::StsError,
                "entra: a federated credential's subject equals the presented one except for letter case, and entra compares subjects case-sensitively",
            )
            .with_fix("register the subject exactly as the token's `sub` has it: the owner and repository in `vcs-origin` keep the case the VCS gives them"),
        );
    }
    let iss = claims
        .and_then(|c| c.get("iss"))
        .and_then(Value::as_str)
        .map_or_else(|| "the issuer".to_string(), |i| format!("`{i}`"));
    // Microsoft's AADSTS reference: "ExternalClaimsProviderThrottled - Failed to send the request to the claims
    // provider"; entra prints "Request to External OIDC endpoint failed."
    if has_code(text, "AADSTS50166") {
        out.push(
            Finding::new(
                "azure-error-aadsts50166",
                Severity::Error,
                Area::StsError,
                format!("entra could not fetch the token issuer's OIDC metadata ({iss}'s `/.well-known/openid-configuration` and the keys it names) to verify the token; no federated credential was compared"),
            )
            .with_fix("the issuer must answer entra over public https: on CircleCI server, make `<issuer>/.well-known/openid-configuration` and its `jwks_uri` reachable from the internet; on CircleCI cloud, retry (the failure can be transient)"),
        );
    }
    // "UnauthorizedClient_DoesNotMatchRequest - The application wasn't found in the directory/tenant."
    if has_code(text, "AADSTS700016") {
        let app = quoted(text, "Application with identifier");
        let directory = quoted(text, "in the directory");
        out.push(
            Finding::new(
                "azure-error-aadsts700016",
                Severity::Error,
                Area::StsError,
                format!(
                    "entra: the tenant{} has no application{}: the login names a wrong client ID or tenant, so no federated credential was compared",
                    directory.map(|d| format!(" `{d}`")).unwrap_or_default(),
                    app.map(|a| format!(" with client ID `{a}`")).unwrap_or_default()
                ),
            )
            .with_fix("use the app registration's Application (client) ID and its tenant ID in the login (`az login --service-principal -u <client-id> --tenant <tenant-id> --federated-token ...`)"),
        );
    }
    // "Client assertion failed signature validation."
    if has_code(text, "AADSTS700027") {
        out.push(
            Finding::new(
                "azure-error-aadsts700027",
                Severity::Error,
                Area::StsError,
                format!("entra: the token's signature did not verify with {iss}'s published keys: the token was changed after CircleCI signed it, or it is not the issuer's"),
            )
            .with_fix("pass the token exactly as the job received it (`$CIRCLE_OIDC_TOKEN_V2`, unmodified and complete), and check that its `iss` is the issuer the credential names"),
        );
    }
    if has_code(text, "AADSTS700024") {
        out.push(
            Finding::new(
                "azure-error-aadsts700024",
                Severity::Error,
                Area::StsError,
                "entra: the client assertion is not within its valid time range (the token expired or is not yet valid)",
            )
            .with_fix("request the CircleCI token right before `az login`; it lives 1 hour by default"),
        );
    }
    // "InvalidTenantName - The tenant name wasn't found in the data store": `Tenant '<id>' not found.`
    if has_code(text, "AADSTS90002") {
        let tenant = quoted(text, "Tenant");
        out.push(
            Finding::new(
                "azure-error-aadsts90002",
                Severity::Error,
                Area::StsError,
                format!(
                    "entra: the tenant{} does not exist: the login names a wrong tenant ID, so no application and no federated credential was looked at",
                    tenant.map(|t| format!(" `{t}`")).unwrap_or_default()
                ),
            )
            .with_fix("use the Directory (tenant) ID of the app registration (`az account show --query tenantId`, or the app's Overview page) in the login's `--tenant`"),
        );
    }
    // Any other AADSTS code: named, with Microsoft's lookup page, rather than "not recognised".
    if out.is_empty() {
        if let Some(code) = other_code(text) {
            out.push(
                Finding::new(
                    "azure-error-other",
                    Severity::Info,
                    Area::StsError,
                    format!("entra answered `AADSTS{code}`, which is not one of the federated-credential errors claimcheck explains"),
                )
                .with_fix(format!("look the code up at https://login.microsoftonline.com/error?code={code}; a federated-credential mismatch is AADSTS70021 (or 700211, 700212, 700213, 7002138)")),
            );
        }
    }
    out
}

/// The digits of the first `AADSTS<digits>` code in `text`.
fn other_code(text: &str) -> Option<&str> {
    text.match_indices("AADSTS").find_map(|(at, m)| {
        let rest = text.get(at + m.len()..)?;
        let end = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        (end > 0).then(|| &rest[..end])
    })
}

#[cfg(test)]
mod tests {
    use super::explain_error_text;
    use serde_json::json;

    #[test]
    fn a_wrong_tenant_and_other_codes_are_named() {
        let found = explain_error_text("ERROR: AADSTS90002: Tenant '11111111-2222-3333-4444-555555555555' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.", None);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].code, "azure-error-aadsts90002");
        assert_eq!(found[0].message, "entra: the tenant `11111111-2222-3333-4444-555555555555` does not exist: the login names a wrong tenant ID, so no application and no federated credential was looked at");
        let found = explain_error_text(
            "AADSTS700023: Client assertion audience claim does not match Realm issuer.",
            None,
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].code, "azure-error-other");
        assert_eq!(found[0].severity, crate::report::Severity::Info);
        assert!(found[0].fix.as_deref().unwrap().starts_with(
            "look the code up at https://login.microsoftonline.com/error?code=700023;"
        ));
        // A code claimcheck explains gets no second, generic finding.
        let found = explain_error_text(
            "AADSTS700024: Client assertion is not within its valid time range.",
            None,
        );
        assert_eq!(found.len(), 1);
        assert!(explain_error_text("AADSTS: nothing", None).is_empty());
    }

    #[test]
    fn aadsts70021_names_the_presented_values() {
        let text = "AADSTS70021: No matching federated identity record found for presented assertion. Assertion Issuer: 'https://oidc.circleci.com/org/o'. Assertion Subject: 'org/o/project/p/user/u'. Assertion Audience: 'o'.";
        let claims = json!({"iss": "https://oidc.circleci.com/org/o", "sub": "org/o/project/p/user/u", "aud": "o"});
        let found = explain_error_text(text, claims.as_object());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].code, "azure-error-aadsts70021");
        assert!(
            found[0]
                .message
                .contains("subject `org/o/project/p/user/u`"),
            "{}",
            found[0].message
        );
        assert!(!found[0].message.contains("another token"));
        let other = json!({"iss": "https://oidc.circleci.com/org/o", "sub": "org/o/project/p/user/v", "aud": "o"});
        let found = explain_error_text(text, other.as_object());
        assert!(
            found[0].message.contains("the job sent another token"),
            "{}",
            found[0].message
        );
        assert!(
            explain_error_text(
                "AADSTS700024: Client assertion is not within its valid time range.",
                None
            )[0]
            .code
                == "azure-error-aadsts700024"
        );
        assert!(explain_error_text("no azure here", None).is_empty());
    }
}

#[cfg(test)]
mod code_tests {
    use super::explain_error_text;
    use serde_json::json;

    /// Each code is matched whole (`AADSTS70021` is not in `AADSTS700213`), in plain text or a JSON body.
    #[test]
    fn codes_are_matched_whole_and_presented_values_compared() {
        let claims = json!({"iss": "https://oidc.circleci.com/org/o", "sub": "org/o/project/p/user/u", "aud": "o"});
        let codes = |text: &str| -> Vec<&'static str> {
            explain_error_text(text, claims.as_object())
                .iter()
                .map(|f| f.code)
                .collect()
        };
        let subject = "ERROR: AADSTS700213: No matching federated identity record found for presented\nassertion subject 'org/o/project/p/user/x'. Please check your federated identity credential";
        assert_eq!(codes(subject), ["azure-error-aadsts700213"]);
        let found = explain_error_text(subject, claims.as_object());
        assert!(found[0].message.starts_with("entra: no federated credential has the presented subject `org/o/project/p/user/x`. the presented subject `org/o/project/p/user/x` is not this token's `sub`"), "{}", found[0].message);
        let body = r#"{"error":"invalid_client","error_description":"AADSTS700211: No matching federated identity record found for presented assertion issuer 'https://oidc.circleci.com/org/o/'. Please check\r\nTrace ID: 1","error_codes":[700211]}"#;
        assert_eq!(codes(body), ["azure-error-aadsts700211"]);
        let found = explain_error_text(body, claims.as_object());
        assert!(
            found[0].message.contains("it ends with `/`"),
            "{}",
            found[0].message
        );
        let case = "AADSTS7002138: No matching federated identity record found for presented assertion subject 'org/o/project/p/user/U'. The subject matches with case-insensitive comparison, but not with case-sensitive comparison.";
        assert_eq!(codes(case), ["azure-error-aadsts7002138"]);
        assert_eq!(
            codes("AADSTS70021: No matching federated identity record found"),
            ["azure-error-aadsts70021"]
        );
    }

    /// Codes Microsoft's AADSTS reference documents for a federated login that fails before any credential is
    /// compared: the issuer's OIDC endpoint (50166), the app (700016), the signature (700027).
    #[test]
    fn failures_before_any_credential_is_compared() {
        let claims = json!({"iss": "https://oidc.circleci.com/org/o"});
        let found = explain_error_text(
            "ERROR: AADSTS50166: Request to External OIDC endpoint failed. Trace ID: 1",
            claims.as_object(),
        );
        assert_eq!(found[0].code, "azure-error-aadsts50166");
        assert!(found[0].message.starts_with("entra could not fetch the token issuer's OIDC metadata (`https://oidc.circleci.com/org/o`'s `/.well-known/openid-configuration`"), "{}", found[0].message);
        let found = explain_error_text(
            "AADSTS700016: Application with identifier '6d1e2b3c' was not found in the directory 'contoso'. This can happen if ...",
            None,
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].message, "entra: the tenant `contoso` has no application with client ID `6d1e2b3c`: the login names a wrong client ID or tenant, so no federated credential was compared");
        let found = explain_error_text(
            "AADSTS700027: Client assertion failed signature validation.",
            None,
        );
        assert_eq!(found[0].code, "azure-error-aadsts700027");
        assert!(
            found[0].message.contains("the issuer's published keys"),
            "{}",
            found[0].message
        );
    }
}
