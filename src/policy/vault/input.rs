//! The forms a Vault JWT role (and optionally its auth config) can be pasted in.
//!
//! Accepted, all JSON:
//! - a role body as written to `auth/jwt/role/<name>`;
//! - `vault read -format=json auth/jwt/role/<name>` output (the role sits under `data`);
//! - an auth config, plain or as `vault read -format=json auth/jwt/config` output;
//! - both together: `{"config": <config or its vault read output>, "role": <role or its vault read output>}`;
//! - roles (and their config) inside Terraform state, plans, JSON configuration or a Pulumi export ([`read_all`]),
//!   read as terraform-provider-vault writes them to vault: Pulumi's camelCase names (`boundClaims`) are vault's
//!   snake_case ones, and a `bound_claims` value holding `,` is the list of its parts.

use std::borrow::Cow;

use serde_json::{Map, Value};

use crate::policy::nested;

/// Fields only a JWT auth role carries.
pub(crate) const ROLE_KEYS: &[&str] = &[
    "bound_audiences",
    "bound_claims",
    "bound_claims_type",
    "bound_subject",
    "user_claim",
    "role_type",
    "claim_mappings",
    "groups_claim",
    "user_claim_json_pointer",
];

/// Fields only a JWT auth config carries.
pub(crate) const CONFIG_KEYS: &[&str] = &[
    "bound_issuer",
    "oidc_discovery_url",
    "jwks_url",
    "jwt_validation_pubkeys",
    "default_role",
    "oidc_client_id",
    "jwt_supported_algs",
];

/// What was pasted, split into its parts.
#[derive(Debug, Clone, PartialEq)]
pub struct VaultInput<'a> {
    pub role: Option<Cow<'a, Map<String, Value>>>,
    pub config: Option<Cow<'a, Map<String, Value>>>,
    /// A human description of the form, for `PolicyInfo::detected`.
    pub detected: String,
    /// JSON Pointers of the role and the config objects in the pasted document, for locating their fields.
    pub role_pointer: String,
    pub config_pointer: String,
    /// The role's and the config's fields a Terraform plan leaves known only after apply: unknown, not missing.
    pub role_unknown: Vec<String>,
    pub config_unknown: Vec<String>,
}

fn unwrap_read(map: &Map<String, Value>) -> (&Map<String, Value>, bool) {
    match map.get("data") {
        Some(Value::Object(data))
            if map.contains_key("request_id") || map.contains_key("lease_id") || map.len() <= 3 =>
        {
            (data, true)
        }
        _ => (map, false),
    }
}

fn has_any(map: &Map<String, Value>, keys: &[&str]) -> bool {
    map.keys().any(|k| keys.contains(&&*snake(k)))
}

/// A field name as vault's API writes it: Pulumi's `boundClaims` is `bound_claims`.
fn snake(key: &str) -> Cow<'_, str> {
    if !key.bytes().any(|b| b.is_ascii_uppercase()) {
        return Cow::Borrowed(key);
    }
    let mut out = String::with_capacity(key.len() + 4);
    for c in key.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    Cow::Owned(out)
}

/// `map` with vault's field names (its values untouched: `bound_claims` keys are claim names).
fn api_names(map: &Map<String, Value>) -> Cow<'_, Map<String, Value>> {
    if map.keys().all(|k| matches!(snake(k), Cow::Borrowed(_))) {
        return Cow::Borrowed(map);
    }
    Cow::Owned(
        map.iter()
            .map(|(k, v)| (snake(k).into_owned(), v.clone()))
            .collect(),
    )
}

/// A role as terraform-provider-vault (which Pulumi's provider wraps) writes it: a `bound_claims` value holding
/// `,` is sent as the list of its parts, each trimmed (`jwtAuthBackendRoleDataToWrite`), unless the resource
/// sets `disable_bound_claims_parsing` (Pulumi: `disableBoundClaimsParsing`, read here after `snake`).
fn terraform_written(role: Cow<'_, Map<String, Value>>) -> Cow<'_, Map<String, Value>> {
    let split = |v: &Value| v.as_str().is_some_and(|s| s.contains(','));
    if role.get("disable_bound_claims_parsing") == Some(&Value::Bool(true)) {
        return role;
    }
    if !role
        .get("bound_claims")
        .and_then(Value::as_object)
        .is_some_and(|b| b.values().any(split))
    {
        return role;
    }
    let mut role = role.into_owned();
    if let Some(Value::Object(bound)) = role.get_mut("bound_claims") {
        for v in bound.values_mut() {
            if let Some(s) = v.as_str().filter(|s| s.contains(',')) {
                *v = s.split(',').map(|p| Value::from(p.trim())).collect();
            }
        }
    }
    Cow::Owned(role)
}

/// Read `doc` as a Vault JWT role and/or config, or `None` when it is neither.
pub fn read(doc: &Value) -> Option<VaultInput<'_>> {
    let top = doc.as_object()?;
    if let (Some(Value::Object(config)), Some(Value::Object(role))) =
        (top.get("config"), top.get("role"))
    {
        let (config, config_read) = unwrap_read(config);
        let (role, role_read) = unwrap_read(role);
        return Some(VaultInput {
            role: Some(Cow::Borrowed(role)),
            config: Some(Cow::Borrowed(config)),
            detected: "vault JWT auth config and role (`{\"config\": …, \"role\": …}`)".into(),
            role_pointer: if role_read { "/role/data" } else { "/role" }.into(),
            config_pointer: if config_read {
                "/config/data"
            } else {
                "/config"
            }
            .into(),
            role_unknown: Vec::new(),
            config_unknown: Vec::new(),
        });
    }
    let (body, from_read) = unwrap_read(top);
    let how = if from_read {
        // JSON, or YAML (`-format=yaml`): the same data.
        " (`vault read` output)"
    } else {
        ""
    };
    let pointer = if from_read { "/data" } else { "" };
    if has_any(body, ROLE_KEYS) {
        return Some(VaultInput {
            role: Some(api_names(body)),
            config: None,
            detected: format!("vault JWT auth role{how}"),
            role_pointer: pointer.into(),
            config_pointer: String::new(),
            role_unknown: Vec::new(),
            config_unknown: Vec::new(),
        });
    }
    if has_any(body, CONFIG_KEYS) {
        return Some(VaultInput {
            role: None,
            config: Some(api_names(body)),
            detected: format!("vault JWT auth config{how}"),
            role_pointer: String::new(),
            config_pointer: pointer.into(),
            role_unknown: Vec::new(),
            config_unknown: Vec::new(),
        });
    }
    None
}

/// A value Terraform's plan JSON writes for an expression (`{"constant_value": …}`, `{"references": […]}`).
fn is_expression(v: &Value) -> bool {
    v.as_object()
        .is_some_and(|o| o.contains_key("constant_value") || o.contains_key("references"))
}

/// A role or config inside another document: its known fields hold values, not Terraform expressions.
fn plausible(map: &Map<String, Value>, keys: &[&str]) -> bool {
    has_any(map, keys)
        && map
            .iter()
            .all(|(k, v)| !keys.contains(&&*snake(k)) || !is_expression(v))
}

/// Every role in `doc`: the forms [`read`] takes, or the roles inside another document (Terraform state, a plan,
/// a JSON configuration, a Pulumi export: `vault_jwt_auth_backend_role`, with the `vault_jwt_auth_backend`
/// config when there is exactly one), each once.
pub fn read_all(doc: &Value) -> Vec<VaultInput<'_>> {
    if let Some(one) = read(doc) {
        return vec![one];
    }
    type Found<'a> = (String, Cow<'a, Map<String, Value>>);
    let mut roles: Vec<Found<'_>> = Vec::new();
    for (pointer, role) in nested::find(doc, |m| plausible(m, ROLE_KEYS)) {
        let role = terraform_written(api_names(role));
        let same = |(_, r): &Found<'_>| ROLE_KEYS.iter().all(|k| r.get(*k) == role.get(*k));
        if !roles.iter().any(same) {
            roles.push((pointer, role));
        }
    }
    let mut configs: Vec<Found<'_>> = Vec::new();
    for (pointer, config) in
        nested::find(doc, |m| !has_any(m, ROLE_KEYS) && plausible(m, CONFIG_KEYS))
    {
        let config = api_names(config);
        if !configs
            .iter()
            .any(|(_, c)| CONFIG_KEYS.iter().all(|k| c.get(*k) == config.get(*k)))
        {
            configs.push((pointer, config));
        }
    }
    let within = nested::within(doc);
    if roles.is_empty() {
        return match &configs[..] {
            [(pointer, config)] => vec![VaultInput {
                role: None,
                config: Some(config.clone()),
                detected: format!("vault JWT auth config in {within}"),
                role_pointer: String::new(),
                config_pointer: pointer.clone(),
                role_unknown: Vec::new(),
                config_unknown: pending(doc, pointer),
            }],
            _ => Vec::new(),
        };
    }
    roles
        .into_iter()
        .map(|(pointer, role)| {
            let linked = config_of(&role, &configs);
            VaultInput {
                detected: format!(
                    "vault JWT auth role in {within}{}",
                    if linked.is_some() {
                        " with its auth config"
                    } else {
                        ""
                    }
                ),
                config_pointer: linked.map(|(p, _)| p.clone()).unwrap_or_default(),
                config_unknown: linked.map(|(p, _)| pending(doc, p)).unwrap_or_default(),
                config: linked.map(|(_, c)| c.clone()),
                role: Some(role),
                role_unknown: pending(doc, &pointer),
                role_pointer: pointer,
            }
        })
        .collect()
}

/// The fields of the role or config at `pointer` that a Terraform plan leaves known only after apply, with
/// vault's names.
fn pending(doc: &Value, pointer: &str) -> Vec<String> {
    nested::known_after_apply(doc, pointer)
        .iter()
        .map(|k| snake(k).into_owned())
        .collect()
}

/// The auth config of `role`: the one mounted at the role's `backend` (Terraform's `path`, `jwt` when not
/// written), else the only config when the role or the config does not say where it is mounted.
fn config_of<'c, 'a>(
    role: &Map<String, Value>,
    configs: &'c [(String, Cow<'a, Map<String, Value>>)],
) -> Option<&'c (String, Cow<'a, Map<String, Value>>)> {
    let mount = |m: &Map<String, Value>, key: &str| {
        m.get(key)
            .and_then(Value::as_str)
            .map(|s| s.trim_matches('/').to_string())
    };
    match mount(role, "backend") {
        Some(backend) => configs
            .iter()
            .find(|(_, c)| mount(c, "path").as_deref() == Some(backend.as_str()))
            .or_else(|| match configs {
                [only] if only.1.get("path").is_none() => Some(only),
                _ => None,
            }),
        None => match configs {
            [only] => Some(only),
            _ => configs
                .iter()
                .find(|(_, c)| mount(c, "path").is_none_or(|p| p == "jwt")),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::read;
    use serde_json::json;

    #[test]
    fn forms() {
        let read_out = json!({"request_id": "x", "lease_id": "", "data": {"role_type": "jwt", "user_claim": "sub"}});
        let got = read(&read_out).unwrap();
        assert_eq!(got.role.unwrap().get("user_claim"), Some(&json!("sub")));
        assert_eq!(got.detected, "vault JWT auth role (`vault read` output)");
        assert_eq!(got.role_pointer, "/data");

        let both =
            json!({"config": {"data": {"bound_issuer": "i"}}, "role": {"user_claim": "sub"}});
        let got = read(&both).unwrap();
        assert_eq!(got.config.unwrap().get("bound_issuer"), Some(&json!("i")));
        assert!(got.role.is_some());
        assert_eq!(
            (got.config_pointer.as_str(), got.role_pointer.as_str()),
            ("/config/data", "/role")
        );

        assert!(read(&json!({"oidc_discovery_url": "https://x"}))
            .unwrap()
            .role
            .is_none());
        assert!(read(&json!({"Statement": []})).is_none());
        assert!(read(&json!(["user_claim"])).is_none());
    }
}
