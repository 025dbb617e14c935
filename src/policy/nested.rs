//! Configurations inside other documents: Terraform state, plans and JSON configuration, ARM resources and
//! templates, Pulumi stack exports. Each platform says what its object looks like; this finds them, with their
//! JSON Pointers (for locations), and names the document they were found in. A Pulumi resource holds its
//! configuration twice, as `inputs` and as `outputs` (the deployed values, with the provider's defaults added):
//! only its `outputs` are looked in.

use serde_json::{Map, Value};

use super::json::pointer_push;

/// How deep [`find`] looks (Terraform state puts resources 5 levels down, child modules deeper).
const MAX_DEPTH: usize = 24;

/// Every object below the top of `doc` that `is_one` accepts, with its JSON Pointer, in document order; an
/// accepted object is not looked inside, nor a copy of one resource that another copy supersedes: the `inputs`
/// of an object that has `outputs` (Pulumi: what is deployed), and in a Terraform plan the change's `before`
/// beside its `after` (the plan's values), the planned values, prior state and configuration beside the
/// resource changes, and the masks (`sensitive_values`, `after_unknown`, ...) that mirror a resource's shape.
pub fn find(
    doc: &Value,
    is_one: impl Fn(&Map<String, Value>) -> bool,
) -> Vec<(String, &Map<String, Value>)> {
    let mut found = Vec::new();
    let mut stack: Vec<(&Value, String, usize)> = vec![(doc, String::new(), 0)];
    while let Some((value, pointer, depth)) = stack.pop() {
        match value {
            Value::Object(map) if !pointer.is_empty() && is_one(map) => found.push((pointer, map)),
            Value::Object(map) if depth < MAX_DEPTH => {
                // Pushed in reverse so that objects come out in document order.
                for (k, v) in map.iter().rev() {
                    if superseded(map, k, pointer.is_empty()) {
                        continue;
                    }
                    stack.push((v, pointer_push(&pointer, k), depth + 1));
                }
            }
            Value::Array(items) if depth < MAX_DEPTH => {
                for (i, v) in items.iter().enumerate().rev() {
                    stack.push((v, pointer_push(&pointer, &i.to_string()), depth + 1));
                }
            }
            _ => {}
        }
    }
    found
}

/// Whether the member `key` of `map` (the document itself when `top`) is a copy of a resource that another copy
/// supersedes, or a mask of one: see [`find`]. Every platform's search skips the same copies.
pub fn superseded(map: &Map<String, Value>, key: &str, top: bool) -> bool {
    match key {
        "inputs" => map.contains_key("outputs"),
        "before" => map.get("after").is_some_and(Value::is_object),
        "planned_values" | "prior_state" | "configuration" => {
            top && map.contains_key("resource_changes")
        }
        "sensitive_values" | "before_sensitive" | "after_sensitive" | "after_unknown" => true,
        _ => false,
    }
}

/// In a Terraform plan, the fields of resources whose type contains `resource_type` (any resource when it is
/// empty) that are known only after
/// apply (`true` in the change's `after_unknown`) and are, or lie under, one of `fields`: each with its
/// resource's address (when the plan gives one) and its dotted path, in plan order.
pub fn unknown_after_apply<'a>(
    doc: &'a Value,
    resource_type: &str,
    fields: &[&str],
) -> Vec<(Option<&'a str>, String)> {
    fn walk(v: &Value, path: &str, fields: &[&str], out: &mut Vec<String>) {
        match v {
            Value::Bool(true) if path.split('.').any(|p| fields.contains(&p)) => {
                out.push(path.to_string())
            }
            Value::Object(m) => m.iter().for_each(|(k, v)| {
                let path = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                walk(v, &path, fields, out)
            }),
            Value::Array(a) => a.iter().for_each(|v| walk(v, path, fields, out)),
            _ => {}
        }
    }
    let changes = doc.get("resource_changes").and_then(Value::as_array);
    let mut out = Vec::new();
    for change in changes.into_iter().flatten().filter(|c| {
        resource_type.is_empty()
            || c.get("type")
                .and_then(Value::as_str)
                .is_some_and(|t| t.contains(resource_type))
    }) {
        let Some(after_unknown) = change.get("change").and_then(|c| c.get("after_unknown")) else {
            continue;
        };
        let address = change.get("address").and_then(Value::as_str);
        let mut paths = Vec::new();
        walk(after_unknown, "", fields, &mut paths);
        out.extend(paths.into_iter().map(|p| (address, p)));
    }
    out
}

/// The fields of the object at `pointer` in `doc` that a Terraform plan leaves known only after apply: when the
/// object is a change's planned values (`.../change/after`), the members of the change's `after_unknown` that
/// are, or hold, `true` (such a field is missing from the planned values, or holds `null` where a part of it is
/// unknown). Empty for any other object.
pub fn known_after_apply(doc: &Value, pointer: &str) -> Vec<String> {
    fn holds_true(v: &Value) -> bool {
        match v {
            Value::Bool(b) => *b,
            Value::Array(items) => items.iter().any(holds_true),
            Value::Object(m) => m.values().any(holds_true),
            _ => false,
        }
    }
    let Some(change) = pointer.strip_suffix("/after") else {
        return Vec::new();
    };
    doc.pointer(change)
        .and_then(|c| c.get("after_unknown"))
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .filter(|(_, v)| holds_true(v))
        .map(|(k, _)| k.clone())
        .collect()
}

/// What kind of document `doc` is, as in "found in terraform state".
pub fn within(doc: &Value) -> &'static str {
    if doc.get("terraform_version").is_some() {
        if doc.get("planned_values").is_some() {
            "a terraform plan"
        } else {
            "terraform state"
        }
    } else if doc.get("resource").is_some() {
        "a terraform JSON configuration"
    } else if doc.get("runtime").is_some() {
        "a pulumi program"
    } else if doc.get("properties").is_some() || doc.get("resources").is_some() {
        "an ARM resource or template"
    } else if doc.get("kind").is_some() && doc.get("spec").is_some() {
        "a kubernetes resource"
    } else if doc.get("deployment").is_some() {
        "a pulumi stack export"
    } else {
        "the pasted JSON"
    }
}

/// The `name` of the resource whose `properties` the object at `pointer` is (ARM), if any.
pub fn resource_name<'a>(doc: &'a Value, pointer: &str) -> Option<&'a str> {
    let parent = pointer.strip_suffix("/properties")?;
    doc.pointer(parent)?.get("name")?.as_str()
}

#[cfg(test)]
mod tests {
    use super::{find, known_after_apply, resource_name, within};
    use serde_json::json;

    #[test]
    fn finds_objects_in_document_order_without_looking_inside_them() {
        let doc = json!({"a": [{"k": 1, "inner": {"k": 2}}, {"x": {"k": 3}}], "k": 0});
        let found: Vec<String> = find(&doc, |m| m.contains_key("k"))
            .into_iter()
            .map(|(p, _)| p)
            .collect();
        // The top itself is never a match; `/a/0/inner` is inside a match.
        assert_eq!(found, ["/a/0", "/a/1/x"]);
        let state = json!({"terraform_version": "1.9", "values": {}});
        assert_eq!(within(&state), "terraform state");
        let program =
            json!({"name": "ci", "runtime": "yaml", "resources": {"role": {"properties": {}}}});
        assert_eq!(within(&program), "a pulumi program");
        // Config Connector's IAMWorkloadIdentityPoolProvider, Crossplane's WorkloadIdentityPoolProvider.
        let kcc = json!({"kind": "IAMWorkloadIdentityPoolProvider", "spec": {"oidc": {}}});
        assert_eq!(within(&kcc), "a kubernetes resource");
        let arm = json!({"name": "ci/x", "properties": {"issuer": "i"}});
        assert_eq!(resource_name(&arm, "/properties"), Some("ci/x"));
        // Deeper than the limit: not found.
        let mut deep = json!({"k": 1});
        for _ in 0..100 {
            deep = json!([deep]);
        }
        assert!(find(&deep, |m| m.contains_key("k")).is_empty());
        // A Pulumi resource: its deployed `outputs`, not its `inputs` (which lack the provider's defaults).
        let pulumi = json!({"deployment": {"resources": [{"inputs": {"k": 1}, "outputs": {"k": 1, "d": 0}}, {"inputs": {"k": 2}}]}});
        let found: Vec<String> = find(&pulumi, |m| m.contains_key("k"))
            .into_iter()
            .map(|(p, _)| p)
            .collect();
        assert_eq!(
            found,
            [
                "/deployment/resources/0/outputs",
                "/deployment/resources/1/inputs"
            ]
        );
    }

    #[test]
    fn fields_known_only_after_apply_are_the_changes_after_unknown() {
        let plan = json!({"resource_changes": [{"change": {
            "after": {"issuer": "i", "audience": [null]},
            "after_unknown": {"subject": true, "audience": [true], "issuer": false, "tags": {}}
        }}]});
        assert_eq!(
            known_after_apply(&plan, "/resource_changes/0/change/after"),
            ["subject", "audience"]
        );
        // Not a change's planned values: nothing is pending.
        assert!(known_after_apply(&plan, "/resource_changes/0/change").is_empty());
        assert!(known_after_apply(&json!({"after": {}}), "").is_empty());
    }
}
