//! The forms a workload identity pool provider can be pasted in: the JSON of
//! `gcloud iam workload-identity-pools providers describe --format=json` (OIDC fields under `oidc`),
//! or the same fields alone (`issuerUri` and `allowedAudiences` may then sit at the top level).

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

fn is_provider(map: &Map<String, Value>) -> bool {
    map.contains_key("attributeMapping")
        || map.contains_key("attributeCondition")
        || matches!(map.get("oidc"), Some(Value::Object(o)) if o.contains_key("issuerUri"))
        || map.contains_key("issuerUri")
        || map
            .get("name")
            .and_then(Value::as_str)
            .is_some_and(|n| n.contains("workloadIdentityPools/"))
}

/// Read `doc` as a provider, or `None` when it is not one.
pub fn read(doc: &Value) -> Option<Provider> {
    let map = doc.as_object()?;
    if !is_provider(map) {
        return None;
    }
    let oidc = map.get("oidc").and_then(Value::as_object);
    let field = |k: &str| oidc.and_then(|o| o.get(k)).or_else(|| map.get(k));
    // Where `field` reads `k`; under `oidc` too when it is nowhere, if there is an `oidc` object.
    let path = |k: &'static str| match oidc {
        Some(o) if o.contains_key(k) || !map.contains_key(k) => vec!["oidc", k],
        _ => vec![k],
    };
    let mapping = map
        .get("attributeMapping")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        v.as_str()
                            .map(str::to_string)
                            .unwrap_or_else(|| v.to_string()),
                    )
                })
                .collect()
        });
    let detected = if oidc.is_some() && map.contains_key("name") {
        "google cloud workload identity pool provider (`gcloud iam workload-identity-pools providers describe`)"
    } else {
        "google cloud workload identity pool provider fields"
    };
    Some(Provider {
        name: map.get("name").and_then(Value::as_str).map(str::to_string),
        issuer_uri: field("issuerUri")
            .and_then(Value::as_str)
            .map(str::to_string),
        allowed_audiences: strings(field("allowedAudiences")),
        mapping,
        condition: map
            .get("attributeCondition")
            .and_then(Value::as_str)
            .map(str::to_string)
            .filter(|c| !c.trim().is_empty()),
        disabled: map
            .get("disabled")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        state: map.get("state").and_then(Value::as_str).map(str::to_string),
        detected: detected.to_string(),
        issuer_path: path("issuerUri"),
        audiences_path: path("allowedAudiences"),
    })
}

/// `(pool, provider id)` from a provider resource name.
pub fn pool_and_id(name: &str) -> Option<(&str, &str)> {
    let rest = name.split("workloadIdentityPools/").nth(1)?;
    let (pool, provider) = rest.split_once("/providers/")?;
    Some((pool, provider.trim_end_matches('/')))
}
