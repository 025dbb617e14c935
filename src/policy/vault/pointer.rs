//! Claim lookup as the Vault JWT plugin does it: a key starting with `/` is a JSON Pointer (RFC 6901),
//! anything else is a literal top-level claim name (so `oidc.circleci.com/project-id` works as written).

use serde_json::{Map, Value};

/// The claim `key` names, or `None` when absent (a JSON `null` counts as absent, as in Go).
pub fn get_claim<'a>(claims: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    let found = if key.starts_with('/') {
        pointer(claims, key)
    } else {
        claims.get(key)
    };
    found.filter(|v| !v.is_null())
}

fn pointer<'a>(claims: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    let mut tokens = key
        .split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"));
    let first = tokens.next()?;
    let mut current = claims.get(&first)?;
    for token in tokens {
        current = match current {
            Value::Object(map) => map.get(&token)?,
            Value::Array(items) => items.get(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(current)
}

#[cfg(test)]
mod tests {
    use super::get_claim;
    use serde_json::json;

    #[test]
    fn literal_and_pointer_keys() {
        let claims = json!({
            "oidc.circleci.com/project-id": "p",
            "oidc.circleci.com": {"project-id": "nested"},
            "a/b": "slash",
            "list": ["x", "y"],
            "n": null
        });
        let claims = claims.as_object().unwrap();
        assert_eq!(
            get_claim(claims, "oidc.circleci.com/project-id"),
            Some(&json!("p"))
        );
        assert_eq!(
            get_claim(claims, "/oidc.circleci.com/project-id"),
            Some(&json!("nested"))
        );
        assert_eq!(
            get_claim(claims, "/oidc.circleci.com~1project-id"),
            Some(&json!("p"))
        );
        assert_eq!(get_claim(claims, "/a~1b"), Some(&json!("slash")));
        assert_eq!(get_claim(claims, "/list/1"), Some(&json!("y")));
        assert_eq!(get_claim(claims, "/list/9"), None);
        assert_eq!(get_claim(claims, "n"), None);
        assert_eq!(get_claim(claims, "/"), None);
    }
}
