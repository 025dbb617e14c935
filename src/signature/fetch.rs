//! The command that fetches the issuer's key set.

use serde_json::{Map, Value};

use crate::report::Snippet;

/// `curl -s '<iss>/.well-known/jwks-pub.json'` for an `https` issuer (CircleCI's key set path, DOMAIN.md);
/// `None` for other issuers or one that could not be quoted safely (control characters).
pub fn fetch_command(claims: &Map<String, Value>) -> Option<Snippet> {
    let iss = claims.get("iss")?.as_str()?;
    let rest = iss.strip_prefix("https://")?;
    if rest.is_empty() || iss.chars().any(char::is_control) || iss.chars().any(char::is_whitespace)
    {
        return None;
    }
    let url = format!("{}/.well-known/jwks-pub.json", iss.trim_end_matches('/'));
    Some(Snippet {
        title: "Fetch the issuer's key set".into(),
        language: "shell",
        text: format!("curl -s {}", shell_quote(&url)),
    })
}

/// Single-quote for POSIX shells: `'` becomes `'\''`.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn command(iss: Value) -> Option<String> {
        let Value::Object(claims) = json!({ "iss": iss }) else {
            unreachable!()
        };
        fetch_command(&claims).map(|s| s.text)
    }

    #[test]
    fn circleci_issuer() {
        assert_eq!(
            command(json!("https://oidc.circleci.com/org/c5a8f2d0-1b3e-4f6a-9d7c-2e8b4a6f0c13")).as_deref(),
            Some("curl -s 'https://oidc.circleci.com/org/c5a8f2d0-1b3e-4f6a-9d7c-2e8b4a6f0c13/.well-known/jwks-pub.json'")
        );
        assert_eq!(
            command(json!("https://ci.example.com/org/x/")).as_deref(),
            Some("curl -s 'https://ci.example.com/org/x/.well-known/jwks-pub.json'")
        );
    }

    #[test]
    fn quotes_hostile_issuers_and_refuses_others() {
        assert_eq!(
            command(json!("https://e.com/'; rm -rf ~'")).as_deref(),
            None,
            "whitespace is refused outright"
        );
        assert_eq!(
            command(json!("https://e.com/a'$(id)`x`")).as_deref(),
            Some(r"curl -s 'https://e.com/a'\''$(id)`x`/.well-known/jwks-pub.json'")
        );
        assert_eq!(command(json!("http://oidc.circleci.com/org/x")), None);
        assert_eq!(command(json!("https://")), None);
        assert_eq!(command(json!("https://e.com/\nx")), None);
        assert_eq!(command(json!(42)), None);
    }
}
