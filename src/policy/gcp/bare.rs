//! A provider's CEL pasted alone, as the console's fields or `gcloud`'s flags hold it: the attribute condition
//! (`assertion['oidc.circleci.com/project-id'] == '…'`), or the attribute mapping in `--attribute-mapping`'s form
//! (`google.subject=assertion.sub,attribute.project=assertion['oidc.circleci.com/project-id']`). Read as the
//! provider field it is; what was not pasted (the issuer, the audiences, the mapping) is unknown.

use serde_json::{Map, Value};

use super::cel::check;

/// The provider fields `text` is, when it is a condition or a mapping that compiles, else `None`.
pub fn read(text: &str) -> Option<(Value, &'static str)> {
    let text = text.trim();
    let names_one = ["assertion", "attribute.", "google."]
        .iter()
        .any(|v| text.contains(v));
    if !names_one || text.starts_with(['{', '[', '<']) {
        return None;
    }
    if check::compile_condition(text).is_ok() {
        let doc = Map::from_iter([("attributeCondition".to_string(), Value::from(text))]);
        return Some((
            Value::Object(doc),
            "google cloud attribute condition (CEL) pasted alone",
        ));
    }
    let mut mapping = Map::new();
    for pair in dictionary(text) {
        let (key, expr) = pair.split_once('=')?;
        let key = key.trim();
        if !(key.starts_with("google.") || key.starts_with("attribute."))
            || check::compile_mapping(expr.trim()).is_err()
        {
            return None;
        }
        mapping.insert(key.to_string(), Value::from(expr.trim()));
    }
    let doc = Map::from_iter([("attributeMapping".to_string(), Value::Object(mapping))]);
    Some((
        Value::Object(doc),
        "google cloud attribute mapping (`--attribute-mapping`) pasted alone",
    ))
}

/// The `k=v` pairs of a gcloud dictionary flag's value (`--attribute-mapping`): split at `,`, or at `D` after
/// gcloud's `^D^` prefix.
pub fn dictionary(value: &str) -> std::str::Split<'_, &str> {
    let (delimiter, pairs) = match value.strip_prefix('^').and_then(|r| r.split_once('^')) {
        Some((d, rest)) if !d.is_empty() => (d, rest),
        _ => (",", value),
    };
    pairs.split(delimiter)
}

#[cfg(test)]
mod tests {
    use super::read;
    use serde_json::json;

    #[test]
    fn a_condition_or_a_mapping_alone() {
        let (doc, _) =
            read("  assertion['oidc.circleci.com/vcs-ref'] == 'refs/heads/main'\n").unwrap();
        assert_eq!(
            doc,
            json!({"attributeCondition": "assertion['oidc.circleci.com/vcs-ref'] == 'refs/heads/main'"})
        );
        let (doc, what) =
            read("google.subject=assertion.sub,attribute.org_id=assertion.aud").unwrap();
        assert_eq!(
            doc,
            json!({"attributeMapping": {"google.subject": "assertion.sub", "attribute.org_id": "assertion.aud"}})
        );
        assert!(what.contains("mapping"));
        let (doc, _) = read(
            "^;^google.subject=assertion.sub;attribute.a=assertion['x'] + ',' + assertion.aud",
        )
        .unwrap();
        assert_eq!(
            doc["attributeMapping"]["attribute.a"],
            "assertion['x'] + ',' + assertion.aud"
        );
        // Not CEL of a provider: left to the other readers.
        for text in [
            "true",
            "{\"a\": 1}",
            "assertion.sub ==",
            "google.subject=sub",
            "foo=assertion.sub",
            "StringEquals",
        ] {
            assert_eq!(read(text), None, "{text}");
        }
    }
}
