//! The forms an Entra federated identity credential can be pasted in: one object
//! (`az ad app federated-credential show`), an array (`... list`), or Microsoft Graph's `{"value": [...]}`.

use serde_json::{Map, Value};

/// One credential as pasted.
#[derive(Debug, Clone, PartialEq)]
pub struct Credential<'a> {
    pub name: String,
    pub issuer: Option<&'a str>,
    pub subject: Option<&'a str>,
    pub audiences: Vec<String>,
    /// The flexible-credential expression (preview), when present.
    pub expression: Option<String>,
    /// JSON Pointer of the credential object in the pasted document (`""`, `/0`, `/value/0`).
    pub pointer: String,
}

fn is_credential(map: &Map<String, Value>) -> bool {
    map.contains_key("issuer")
        && (map.contains_key("subject")
            || map.contains_key("audiences")
            || map.contains_key("claimsMatchingExpression"))
}

fn read_one(map: &Map<String, Value>, index: usize, pointer: String) -> Credential<'_> {
    let audiences = match map.get("audiences") {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        Some(Value::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    };
    let expression = match map.get("claimsMatchingExpression") {
        Some(Value::Object(e)) => e.get("value").and_then(Value::as_str).map(str::to_string),
        Some(Value::String(s)) => Some(s.clone()),
        _ => None,
    };
    Credential {
        name: map
            .get("name")
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| format!("credential {}", index + 1)),
        issuer: map.get("issuer").and_then(Value::as_str),
        subject: map.get("subject").and_then(Value::as_str),
        audiences,
        expression,
        pointer,
    }
}

/// Every credential in `doc` and a description of the form, or `None` when `doc` holds none.
pub fn read<'a>(doc: &'a Value) -> Option<(Vec<Credential<'a>>, String)> {
    // Each credential object with its index in the list it is in (`None` alone), and the list's pointer.
    let objects = |items: &'a [Value]| -> Vec<(&'a Map<String, Value>, Option<usize>)> {
        items
            .iter()
            .enumerate()
            .filter_map(|(i, v)| Some((v.as_object()?, Some(i))))
            .collect()
    };
    let (items, list, form) = match doc {
        Value::Object(map) if is_credential(map) => {
            (vec![(map, None)], "", "entra federated identity credential")
        }
        Value::Object(map) => match map.get("value") {
            Some(Value::Array(items)) => (
                objects(items),
                "/value",
                "microsoft graph federatedIdentityCredentials list",
            ),
            _ => return None,
        },
        Value::Array(items) => (objects(items), "", "entra federated identity credentials"),
        _ => return None,
    };
    if items.is_empty() || !items.iter().all(|(m, _)| is_credential(m)) {
        return None;
    }
    let creds: Vec<Credential<'_>> = items
        .into_iter()
        .enumerate()
        .map(|(n, (m, index))| {
            let pointer = index.map_or_else(String::new, |i| format!("{list}/{i}"));
            read_one(m, n, pointer)
        })
        .collect();
    let detected = if creds.len() == 1 {
        form.to_string()
    } else {
        format!("{form} ({} credentials)", creds.len())
    };
    Some((creds, detected))
}
