//! The forms an Entra federated identity credential can be pasted in: one object
//! (`az ad app federated-credential show`, `az identity federated-credential show`), an array (`... list`),
//! Microsoft Graph's `{"value": [...]}` (an empty one too, when its `@odata.context` names the
//! `federatedIdentityCredentials` of an app: the app has none), or credentials inside another document: Terraform state, plan or JSON
//! configuration (`azuread_application_federated_identity_credential`, `azurerm_federated_identity_credential`,
//! whose list is called `audience`; `azuread_application_flexible_federated_identity_credential`, whose
//! expression is `claims_matching_expression`), an ARM resource or template (`properties`), a Pulumi stack export.

use serde_json::{Map, Value};

use crate::policy::nested;

/// One credential as pasted.
#[derive(Debug, Clone, PartialEq)]
pub struct Credential<'a> {
    pub name: String,
    pub issuer: Option<&'a str>,
    pub subject: Option<&'a str>,
    pub audiences: Vec<String>,
    /// The field the audiences are written in: `audiences`, or azurerm's `audience`.
    pub audience_key: &'static str,
    /// The flexible-credential expression (preview), when present.
    pub expression: Option<String>,
    /// JSON Pointer of the credential object in the pasted document (`""`, `/0`, `/value/0`).
    pub pointer: String,
    /// The fields a Terraform plan leaves known only after apply (`subject`, ...): unknown, not missing.
    pub unknown: Vec<String>,
}

fn is_credential(map: &Map<String, Value>) -> bool {
    map.contains_key("issuer")
        && (map.contains_key("subject")
            || map.contains_key("audiences")
            || map.contains_key("audience")
            || expression(map).is_some())
}

/// The flexible-credential expression field: Graph's `claimsMatchingExpression`, or azuread's
/// `claims_matching_expression`.
fn expression(map: &Map<String, Value>) -> Option<&Value> {
    map.get("claimsMatchingExpression")
        .or_else(|| map.get("claims_matching_expression"))
}

fn read_one(map: &Map<String, Value>, index: usize, pointer: String) -> Credential<'_> {
    let audience_key = if map.contains_key("audiences") || !map.contains_key("audience") {
        "audiences"
    } else {
        "audience"
    };
    let audiences = match map.get(audience_key) {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        Some(Value::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    };
    let expression = match expression(map) {
        Some(Value::Object(e)) => e.get("value").and_then(Value::as_str).map(str::to_string),
        Some(Value::String(s)) => Some(s.clone()),
        _ => None,
    };
    Credential {
        name: ["name", "display_name", "displayName"]
            .iter()
            .find_map(|k| map.get(*k).and_then(Value::as_str))
            .map(str::to_string)
            .unwrap_or_else(|| format!("credential {}", index + 1)),
        issuer: map.get("issuer").and_then(Value::as_str),
        subject: map.get("subject").and_then(Value::as_str),
        audiences,
        audience_key,
        expression,
        pointer,
        unknown: Vec::new(),
    }
}

/// A Microsoft Graph collection whose `@odata.context` names an object's `federatedIdentityCredentials`.
fn graph_credentials(map: &Map<String, Value>) -> bool {
    map.get("@odata.context")
        .and_then(Value::as_str)
        .is_some_and(|c| c.contains("/federatedIdentityCredentials"))
}

/// The application Graph's `@odata.context` names (`...$metadata#applications('<id>')/...`), if any.
pub fn graph_application(doc: &Value) -> Option<&str> {
    let context = doc.get("@odata.context")?.as_str()?;
    let rest = context.split_once("applications('")?.1;
    rest.split_once('\'').map(|(id, _)| id)
}

/// Every credential in `doc` and a description of the form, or `None` when `doc` holds none (Graph's empty
/// list of an app's credentials is a form, with no credential).
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
            // Graph's answer for an app without credentials: an empty list its context names.
            Some(Value::Array(items)) if items.is_empty() && graph_credentials(map) => {
                return Some((
                    Vec::new(),
                    "microsoft graph federatedIdentityCredentials list, empty".into(),
                ))
            }
            Some(Value::Array(items)) => (
                objects(items),
                "/value",
                "microsoft graph federatedIdentityCredentials list",
            ),
            _ => return nested(doc),
        },
        Value::Array(items) => (objects(items), "", "entra federated identity credentials"),
        _ => return None,
    };
    if items.is_empty() || !items.iter().all(|(m, _)| is_credential(m)) {
        return nested(doc);
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

/// The credentials inside another document (see the module doc), each once, and what the document is; `None`
/// when it holds none. A nested credential needs a string `issuer` (a Terraform plan's `configuration` holds
/// expressions, not values); in an ARM resource it is named by the resource.
fn nested(doc: &Value) -> Option<(Vec<Credential<'_>>, String)> {
    let mut found: Vec<Credential<'_>> = Vec::new();
    let plausible =
        |m: &Map<String, Value>| is_credential(m) && m.get("issuer").is_some_and(Value::is_string);
    for (pointer, map) in nested::find(doc, plausible) {
        let resource = nested::resource_name(doc, &pointer);
        let unknown = nested::known_after_apply(doc, &pointer);
        let mut cred = read_one(map, found.len(), pointer);
        cred.unknown = unknown;
        if let (Some(name), None) = (resource, map.get("name")) {
            cred.name = name.to_string();
        }
        let same = |c: &Credential<'_>| {
            (c.issuer, c.subject, &c.audiences, &c.expression)
                == (cred.issuer, cred.subject, &cred.audiences, &cred.expression)
                && c.unknown.is_empty()
                && cred.unknown.is_empty()
        };
        if !found.iter().any(same) {
            found.push(cred);
        }
    }
    // A planned credential whose issuer is known only after apply has none in its planned values: it is a
    // credential all the same.
    let changes = doc.get("resource_changes").and_then(Value::as_array);
    for (i, change) in changes.into_iter().flatten().enumerate() {
        let credential_type = change
            .get("type")
            .and_then(Value::as_str)
            .is_some_and(|t| t.contains("federated_identity_credential"));
        let pointer = format!("/resource_changes/{i}/change/after");
        let Some(Value::Object(map)) = doc.pointer(&pointer) else {
            continue;
        };
        let unknown = nested::known_after_apply(doc, &pointer);
        if !credential_type
            || found.iter().any(|c| c.pointer == pointer)
            || !unknown.iter().any(|u| u == "issuer")
        {
            continue;
        }
        let mut cred = read_one(map, found.len(), pointer);
        cred.unknown = unknown;
        found.push(cred);
    }
    if found.is_empty() {
        return None;
    }
    let what = match found.len() {
        1 => "entra federated identity credential".to_string(),
        n => format!("{n} entra federated identity credentials"),
    };
    Some((found, format!("{what} in {}", nested::within(doc))))
}
