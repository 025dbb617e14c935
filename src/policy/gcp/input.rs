//! The forms a workload identity pool provider can be pasted in: the JSON of
//! `gcloud iam workload-identity-pools providers describe --format=json` (OIDC fields under `oidc`),
//! or the same fields alone (`issuerUri` and `allowedAudiences` may then sit at the top level), or Terraform's
//! `google_iam_workload_identity_pool_provider` (`attribute_mapping`, `attribute_condition`,
//! `oidc[0].issuer_uri`, `allowed_audiences`), alone or inside state, a plan or a Pulumi export (see [`super`]).

use serde_json::{Map, Value};

/// The provider fields claimcheck evaluates.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Provider {
    /// `projects/<n>/locations/global/workloadIdentityPools/<pool>/providers/<id>`, when pasted.
    pub name: Option<String>,
    pub issuer_uri: Option<String>,
    pub allowed_audiences: Vec<String>,
    /// `(attribute, CEL expression)` in the order written.
    pub mapping: Option<Vec<(String, String)>>,
    pub condition: Option<String>,
    pub disabled: bool,
    pub state: Option<String>,
    pub detected: String,
    /// The keys below the provider object where `issuerUri` and `allowedAudiences` are (`oidc` first in
    /// describe output), for locating them.
    pub issuer_path: Vec<&'static str>,
    pub audiences_path: Vec<&'static str>,
    /// How the mapping and the condition are written: `attributeMapping`, or Terraform's `attribute_mapping`.
    pub mapping_key: &'static str,
    pub condition_key: &'static str,
}

impl Provider {
    /// Some fields pasted without the provider around them (no resource `name`, no `issuerUri`): what they lack
    /// was not pasted rather than absent from the provider.
    pub fn fields_alone(&self) -> bool {
        self.name.is_none() && self.issuer_uri.is_none()
    }
}

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|i| i.as_str().map(str::to_string))
            .collect(),
        Some(Value::String(s)) => s
            .split(',')
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty())
            .collect(),
        _ => Vec::new(),
    }
}

/// A field under its gcloud (camelCase) or Terraform (snake_case) name, with the name found.
fn either<'a>(
    map: &'a Map<String, Value>,
    camel: &'static str,
    snake: &'static str,
) -> Option<(&'static str, &'a Value)> {
    map.get(camel)
        .map(|v| (camel, v))
        .or_else(|| map.get(snake).map(|v| (snake, v)))
}

/// The `oidc` block: an object (gcloud, Pulumi), or a one-item list (Terraform state), with its path.
fn oidc_block(map: &Map<String, Value>) -> Option<(Vec<&'static str>, &Map<String, Value>)> {
    match map.get("oidc")? {
        Value::Object(o) => Some((vec!["oidc"], o)),
        Value::Array(items) => Some((vec!["oidc", "0"], items.first()?.as_object()?)),
        _ => None,
    }
}

fn is_provider(map: &Map<String, Value>) -> bool {
    either(map, "attributeMapping", "attribute_mapping").is_some()
        || either(map, "attributeCondition", "attribute_condition").is_some()
        || oidc_block(map).is_some_and(|(_, o)| either(o, "issuerUri", "issuer_uri").is_some())
        || map.contains_key("issuerUri")
        || map
            .get("name")
            .and_then(Value::as_str)
            .is_some_and(|n| n.contains("workloadIdentityPools/"))
}

/// A provider inside another document (Terraform state, plan or JSON configuration, a Pulumi export): its
/// mapping holds strings and its issuer is a string (a plan's `configuration` holds expressions, not values).
pub fn is_nested_provider(map: &Map<String, Value>) -> bool {
    let mapping = either(map, "attributeMapping", "attribute_mapping").map(|(_, v)| v);
    let issuer = oidc_block(map).and_then(|(_, o)| either(o, "issuerUri", "issuer_uri"));
    let strings_only = |v: &Value| {
        v.as_object()
            .is_some_and(|m| m.values().all(Value::is_string))
    };
    (mapping.is_some() || issuer.is_some())
        && mapping.is_none_or(strings_only)
        && issuer.is_none_or(|(_, v)| v.is_string())
        && either(map, "attributeCondition", "attribute_condition")
            .is_none_or(|(_, v)| v.is_string() || v.is_null())
}

/// Read `doc` as a provider, or `None` when it is not one.
pub fn read(doc: &Value) -> Option<Provider> {
    let map = doc.as_object()?;
    if !is_provider(map) {
        return None;
    }
    let oidc = oidc_block(map);
    // A field of the `oidc` block, or of the provider itself (fields pasted alone), with its path.
    let field = |camel: &'static str, snake: &'static str| -> (Option<&Value>, Vec<&'static str>) {
        if let Some((mut path, o)) = oidc.clone() {
            if let Some((key, v)) = either(o, camel, snake) {
                path.push(key);
                return (Some(v), path);
            }
        }
        match either(map, camel, snake) {
            Some((key, v)) => (Some(v), vec![key]),
            // Where it belongs: under `oidc` when there is one.
            None => match oidc.clone() {
                Some((mut path, _)) => {
                    path.push(camel);
                    (None, path)
                }
                None => (None, vec![camel]),
            },
        }
    };
    let (issuer, issuer_path) = field("issuerUri", "issuer_uri");
    let (audiences, audiences_path) = field("allowedAudiences", "allowed_audiences");
    let mapping = either(map, "attributeMapping", "attribute_mapping").and_then(|(_, v)| match v {
        Value::Object(m) => Some(
            m.iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        v.as_str()
                            .map(str::to_string)
                            .unwrap_or_else(|| v.to_string()),
                    )
                })
                .collect(),
        ),
        // gcloud's `--attribute-mapping` flag, pasted as the value.
        Value::String(flag) => flag_mapping(flag),
        _ => None,
    });
    let terraform =
        map.contains_key("attribute_mapping") || map.contains_key("attribute_condition");
    let detected = if terraform {
        "google cloud workload identity pool provider (terraform `google_iam_workload_identity_pool_provider`)"
    } else if oidc.is_some() && map.contains_key("name") {
        "google cloud workload identity pool provider (`gcloud iam workload-identity-pools providers describe`)"
    } else {
        "google cloud workload identity pool provider fields"
    };
    Some(Provider {
        name: map.get("name").and_then(Value::as_str).map(str::to_string),
        issuer_uri: issuer.and_then(Value::as_str).map(str::to_string),
        allowed_audiences: strings(audiences),
        mapping,
        condition: either(map, "attributeCondition", "attribute_condition")
            .and_then(|(_, v)| v.as_str())
            .map(str::to_string)
            .filter(|c| !c.trim().is_empty()),
        disabled: map
            .get("disabled")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        state: map.get("state").and_then(Value::as_str).map(str::to_string),
        detected: detected.to_string(),
        issuer_path,
        audiences_path,
        mapping_key: either(map, "attributeMapping", "attribute_mapping")
            .map_or("attributeMapping", |(key, _)| key),
        condition_key: either(map, "attributeCondition", "attribute_condition")
            .map_or("attributeCondition", |(key, _)| key),
    })
}

/// The mapping as gcloud's `--attribute-mapping` flag writes it: `google.subject=assertion.sub,attribute.x=...`.
/// Commas inside quotes, brackets or parentheses belong to an expression. `None` unless every entry has a `=`.
fn flag_mapping(flag: &str) -> Option<Vec<(String, String)>> {
    let mut entries = Vec::new();
    let (mut depth, mut quote, mut start) = (0i32, None, 0);
    let bytes = flag.as_bytes();
    let mut i = 0;
    while i <= bytes.len() {
        let b = bytes.get(i).copied();
        match (quote, b) {
            (Some(_), Some(b'\\')) => i += 1,
            (Some(q), Some(c)) if c == q => quote = None,
            (Some(_), _) => {}
            (None, Some(c @ (b'\'' | b'"'))) => quote = Some(c),
            (None, Some(b'(' | b'[' | b'{')) => depth += 1,
            (None, Some(b')' | b']' | b'}')) => depth -= 1,
            (None, Some(b',')) if depth == 0 => {
                entries.push(flag.get(start..i)?);
                start = i + 1;
            }
            (None, None) => entries.push(flag.get(start..)?),
            _ => {}
        }
        i += 1;
    }
    entries
        .into_iter()
        .filter(|e| !e.trim().is_empty())
        .map(|e| {
            let (key, expr) = e.split_once('=')?;
            Some((key.trim().to_string(), expr.trim().to_string()))
        })
        .collect::<Option<Vec<_>>>()
        .filter(|m| !m.is_empty())
}

/// `(pool, provider id)` from a provider resource name.
pub fn pool_and_id(name: &str) -> Option<(&str, &str)> {
    let rest = name.split("workloadIdentityPools/").nth(1)?;
    let (pool, provider) = rest.split_once("/providers/")?;
    Some((pool, provider.trim_end_matches('/')))
}
