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

/// Findings for each AADSTS federated-credential error found in `text`.
pub fn explain_error_text(text: &str, claims: Option<&Map<String, Value>>) -> Vec<Finding> {
    let mut out = Vec::new();
    let issuer = quoted(text, "Assertion Issuer");
    let subject = quoted(text, "Assertion Subject");
    let audience = quoted(text, "Assertion Audience");
    if text.contains("AADSTS70021") {
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
    for (code, id, what) in [
        ("azure-error-aadsts700211", "AADSTS700211", "issuer"),
        ("azure-error-aadsts700212", "AADSTS700212", "audience"),
        ("azure-error-aadsts700213", "AADSTS700213", "subject"),
    ] {
        if text.contains(id) {
            out.push(
                Finding::new(
                    code,
                    Severity::Error,
                    Area::StsError,
                    format!("entra: no federated credential has the presented {what}"),
                )
                .with_fix(format!("register the token's {what} exactly as presented")),
            );
        }
    }
    if text.contains("AADSTS700024") {
        out.push(
            Finding::new(
                "azure-error-aadsts700024",
                Severity::Error,
                Area::StsError,
                "entra: the client assertion is not within its valid time range (the token expired or is not yet valid)",
            )
            .with_fix("request the CircleCI token right before `az login`; it lives 1 hour"),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::explain_error_text;
    use serde_json::json;

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
