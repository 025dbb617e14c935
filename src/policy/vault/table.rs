//! `vault read`'s default output, a `Key  Value` table (vault's `TableFormatter`), read back into the JSON that
//! `vault read -format=json` prints.
//!
//! The table prints each field with Go's `%v`: a list as `[a b]`, a map as `map[k:v k2:[a b]]` (keys sorted),
//! `null` as `<nil>`, an empty string as `n/a`, every string unquoted. The fields of a role or a config have
//! known types, so they read back exactly. `bound_claims` is the exception: a bound value printed `true`,
//! `false` or `42` may have been the string or the JSON boolean or number, and vault compares types. Such values
//! are read as strings (what Terraform writes), and [`Table::typed`] holds the other reading, so that the caller
//! can tell whether the difference decides anything.
//!
//! Two tables in one paste (`vault read auth/jwt/config` and `vault read auth/jwt/role/<name>`) are read as the
//! config and the role. A value wrapped over several lines (a PEM key in `jwt_validation_pubkeys`) keeps its
//! first line only; no field a login is decided by holds one.

use serde_json::{Map, Value};

use crate::report::Location;

/// Fields whose names say they belong to a JWT auth config rather than a role.
const CONFIG_FIELDS: &[&str] = &[
    "bound_issuer",
    "oidc_discovery_url",
    "jwks_url",
    "default_role",
];

/// What a pasted table reads as.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// `{"data": {…}}`, or `{"config": {"data": …}, "role": {"data": …}}` for two tables.
    pub value: Value,
    /// The same with every ambiguous `bound_claims` value as the JSON boolean or number it prints as; `None`
    /// when no value was ambiguous.
    pub typed: Option<Value>,
    /// Where each field (JSON Pointer into `value`) was written.
    pub spans: Vec<(String, Location)>,
    /// The `bound_claims` values that may have been a string or a boolean/number: (claim, as printed).
    pub ambiguous: Vec<(String, String)>,
}

/// The table(s) in `text` when it holds at least one `Key  Value` table of a JWT auth role or config, else `None`.
pub fn read(text: &str) -> Option<Table> {
    let mut tables: Vec<Vec<(usize, usize, &str, &str)>> = Vec::new();
    let mut previous_header = false;
    let mut inside = false;
    for (n, line) in text.lines().enumerate() {
        if previous_header && is_rule(line) {
            tables.push(Vec::new());
            inside = true;
            previous_header = false;
            continue;
        }
        previous_header = is_header(line);
        if !inside || previous_header {
            continue;
        }
        // `field   value`: a field name, at least one space, then the value (the rest of the line).
        let start = line.len() - line.trim_start().len();
        let rest = &line[start..];
        let name_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let name = &rest[..name_end];
        let is_field = !name.is_empty()
            && name.starts_with(|c: char| c.is_ascii_lowercase())
            && name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        let value = rest[name_end..].trim();
        if !is_field || value.is_empty() {
            continue;
        }
        let column = line[..line.len() - rest[name_end..].trim_start().len()]
            .chars()
            .count()
            + 1;
        if let Some(table) = tables.last_mut() {
            table.push((n + 1, column, name, value));
        }
    }
    let known = |rows: &[(usize, usize, &str, &str)]| {
        rows.iter().any(|(_, _, name, _)| {
            super::input::ROLE_KEYS.contains(name) || super::input::CONFIG_KEYS.contains(name)
        })
    };
    tables.retain(|rows| known(rows));
    let is_config = |rows: &[(usize, usize, &str, &str)]| {
        !rows
            .iter()
            .any(|(_, _, name, _)| super::input::ROLE_KEYS.contains(name))
            && rows
                .iter()
                .any(|(_, _, name, _)| CONFIG_FIELDS.contains(name))
    };
    let parts: Vec<(&str, &Vec<_>)> = match &tables[..] {
        [] => return None,
        [one] => vec![("", one)],
        [a, b, ..] if is_config(a) != is_config(b) => {
            let (config, role) = if is_config(a) { (a, b) } else { (b, a) };
            vec![("/config", config), ("/role", role)]
        }
        // Two roles, or two configs: the last one (`vault read` repeated after a change).
        [.., last] => vec![("", last)],
    };

    let mut out = Table {
        value: Value::Null,
        typed: None,
        spans: Vec::new(),
        ambiguous: Vec::new(),
    };
    let mut plain = Map::new();
    let mut typed = Map::new();
    for (prefix, rows) in parts {
        let mut data = Map::new();
        let mut data_typed = Map::new();
        for &(line, column, name, printed) in rows.iter() {
            let pointer = format!("{prefix}/data/{name}");
            out.spans.push((pointer.clone(), Location { line, column }));
            let (value, alternative) = if name == "bound_claims" {
                bound_claims(printed, line, column, &pointer, &mut out)
            } else {
                (field(printed), None)
            };
            data_typed.insert(
                name.to_string(),
                alternative.unwrap_or_else(|| value.clone()),
            );
            data.insert(name.to_string(), value);
        }
        let wrap =
            |data| Value::Object(Map::from_iter([("data".to_string(), Value::Object(data))]));
        match prefix.strip_prefix('/') {
            Some(part) => {
                plain.insert(part.to_string(), wrap(data));
                typed.insert(part.to_string(), wrap(data_typed));
            }
            None => {
                plain = Map::from_iter([("data".to_string(), Value::Object(data))]);
                typed = Map::from_iter([("data".to_string(), Value::Object(data_typed))]);
            }
        }
    }
    out.value = Value::Object(plain);
    if !out.ambiguous.is_empty() {
        out.typed = Some(Value::Object(typed));
    }
    Some(out)
}

/// The table's header line, `Key  Value` (vault pads the columns).
fn is_header(line: &str) -> bool {
    line.split_whitespace().eq(["Key", "Value"])
}

/// The line under the header, `---  -----`.
fn is_rule(line: &str) -> bool {
    line.split_whitespace().eq(["---", "-----"])
}

/// Whether `text` holds a `vault read` table (of anything: a role, a config, a secret): a header line with its
/// rule under it.
pub fn is_table(text: &str) -> bool {
    let mut previous_header = false;
    text.lines().any(|l| {
        let rule = previous_header && is_rule(l);
        previous_header = is_header(l);
        rule
    })
}

/// A field printed with `%v`, read by its printed shape: `<nil>`, `n/a` (the empty string), a list, a map,
/// a boolean, an integer, else a string (also a duration such as `1h`, which vault prints for `*_ttl`).
fn field(printed: &str) -> Value {
    match printed {
        "<nil>" => Value::Null,
        "n/a" => Value::from(""),
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        _ => {
            if let Some(items) = list(printed) {
                return Value::Array(items.into_iter().map(Value::from).collect());
            }
            if let Some(entries) = map(printed) {
                return Value::Object(
                    entries
                        .into_iter()
                        .map(|(_, k, v)| (k.to_string(), strings(v)))
                        .collect(),
                );
            }
            match printed.parse::<i64>() {
                Ok(n) => Value::from(n),
                Err(_) => Value::from(printed),
            }
        }
    }
}

/// A value inside a map (`claim_mappings`, `provider_config`): a list of strings, or a string.
fn strings(printed: &str) -> Value {
    match list(printed) {
        Some(items) => Value::Array(items.into_iter().map(Value::from).collect()),
        None => Value::from(printed),
    }
}

/// `bound_claims`: each value a string or a list of strings, and, when one of them prints like a boolean or
/// a number, the reading with the JSON type too.
fn bound_claims(
    printed: &str,
    line: usize,
    column: usize,
    pointer: &str,
    out: &mut Table,
) -> (Value, Option<Value>) {
    let Some(entries) = map(printed) else {
        return (field(printed), None);
    };
    let scalar = |s: &str| -> Option<Value> {
        match s {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ if s.parse::<f64>().is_ok_and(f64::is_finite)
                && s.bytes()
                    .all(|b| b.is_ascii_digit() || b"-+.eE".contains(&b)) =>
            {
                serde_json::from_str(s).ok().filter(Value::is_number)
            }
            _ => None,
        }
    };
    let mut plain = Map::new();
    let mut typed = Map::new();
    for (at, claim, v) in entries {
        let mut entry = pointer.to_string();
        crate::policy::json::pointer_append(&mut entry, claim);
        out.spans.push((
            entry,
            Location {
                line,
                column: column + at,
            },
        ));
        let items = list(v);
        let parts: Vec<&str> = items.clone().unwrap_or_else(|| vec![v]);
        let typed_parts: Vec<Value> = parts
            .iter()
            .map(|p| match scalar(p) {
                Some(t) => {
                    out.ambiguous.push((claim.to_string(), p.to_string()));
                    t
                }
                None => Value::from(*p),
            })
            .collect();
        let (a, b) = match items {
            Some(_) => (
                Value::Array(parts.into_iter().map(Value::from).collect()),
                Value::Array(typed_parts),
            ),
            None => (
                Value::from(v),
                typed_parts.into_iter().next().unwrap_or(Value::Null),
            ),
        };
        plain.insert(claim.to_string(), a);
        typed.insert(claim.to_string(), b);
    }
    (Value::Object(plain), Some(Value::Object(typed)))
}

/// `[a b c]` as its items (split on spaces: no CircleCI value holds one); `None` when not a list.
fn list(printed: &str) -> Option<Vec<&str>> {
    let inner = printed.strip_prefix('[')?.strip_suffix(']')?;
    Some(inner.split_whitespace().collect())
}

/// `map[k:v k2:[a b]]` as (offset of the entry in `printed`, in characters; key; value), or `None` when not a
/// map. Entries are separated by spaces outside brackets; a key ends at its first `:`.
fn map(printed: &str) -> Option<Vec<(usize, &str, &str)>> {
    let inner = printed.strip_prefix("map[")?.strip_suffix(']')?;
    let mut entries = Vec::new();
    let mut depth = 0usize;
    // The entry's start in bytes and in characters, counted as the scan goes (not recounted per entry: a
    // megabyte-long map must stay linear).
    let (mut start, mut start_chars) = (0, 0);
    let mut push = |from: usize, to: usize, chars: usize| {
        let entry = &inner[from..to];
        if let Some((k, v)) = entry.split_once(':') {
            entries.push((4 + chars, k, v));
        }
    };
    for (n, (i, c)) in inner.char_indices().enumerate() {
        match c {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            ' ' if depth == 0 => {
                if i > start {
                    push(start, i, start_chars);
                }
                (start, start_chars) = (i + 1, n + 1);
            }
            _ => {}
        }
    }
    if inner.len() > start {
        push(start, inner.len(), start_chars);
    }
    Some(entries)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ROLE: &str = "$ vault read auth/jwt/role/circleci
Key                        Value
---                        -----
allowed_redirect_uris      <nil>
bound_audiences            [org-1 org-2]
bound_claims               map[oidc.circleci.com/project-id:p-1 oidc.circleci.com/vcs-ref:[refs/heads/main refs/heads/release]]
bound_claims_type          string
bound_subject              n/a
claim_mappings             <nil>
clock_skew_leeway          0
expiration_leeway          150
groups_claim               n/a
role_type                  jwt
token_policies             [default circleci]
token_ttl                  1h
user_claim                 sub
user_claim_json_pointer    false
";

    #[test]
    fn a_role_reads_back_as_its_json() {
        let t = read(ROLE).unwrap();
        assert_eq!(
            t.value,
            json!({"data": {
                "allowed_redirect_uris": null,
                "bound_audiences": ["org-1", "org-2"],
                "bound_claims": {
                    "oidc.circleci.com/project-id": "p-1",
                    "oidc.circleci.com/vcs-ref": ["refs/heads/main", "refs/heads/release"],
                },
                "bound_claims_type": "string",
                "bound_subject": "",
                "claim_mappings": null,
                "clock_skew_leeway": 0,
                "expiration_leeway": 150,
                "groups_claim": "",
                "role_type": "jwt",
                "token_policies": ["default", "circleci"],
                "token_ttl": "1h",
                "user_claim": "sub",
                "user_claim_json_pointer": false,
            }})
        );
        assert_eq!(t.typed, None);
        let at = |p: &str| t.spans.iter().find(|(q, _)| q == p).map(|(_, l)| *l);
        assert_eq!(
            at("/data/bound_audiences"),
            Some(Location {
                line: 5,
                column: 28
            })
        );
        assert_eq!(
            at("/data/bound_claims/oidc.circleci.com~1vcs-ref"),
            Some(Location {
                line: 6,
                column: 28 + 4 + 33
            })
        );
    }

    #[test]
    fn a_bound_value_printed_as_a_boolean_has_two_readings() {
        let t = read("Key Value\n--- -----\nbound_claims map[oidc.circleci.com/ssh-rerun:false]\nuser_claim sub\n").unwrap();
        assert_eq!(
            t.value["data"]["bound_claims"],
            json!({"oidc.circleci.com/ssh-rerun": "false"})
        );
        assert_eq!(
            t.typed.unwrap()["data"]["bound_claims"],
            json!({"oidc.circleci.com/ssh-rerun": false})
        );
        assert_eq!(
            t.ambiguous,
            [(
                "oidc.circleci.com/ssh-rerun".to_string(),
                "false".to_string()
            )]
        );
    }

    #[test]
    fn a_config_and_a_role_together() {
        let text = "$ vault read auth/jwt/config\nKey                 Value\n---                 -----\nbound_issuer        https://oidc.circleci.com/org/o\njwt_supported_algs  []\noidc_discovery_url  https://oidc.circleci.com/org/o\n\n$ vault read auth/jwt/role/ci\nKey          Value\n---          -----\nrole_type    jwt\nuser_claim   sub\n";
        let t = read(text).unwrap();
        assert_eq!(
            t.value["config"]["data"]["bound_issuer"],
            "https://oidc.circleci.com/org/o"
        );
        assert_eq!(t.value["config"]["data"]["jwt_supported_algs"], json!([]));
        assert_eq!(t.value["role"]["data"]["user_claim"], "sub");
    }

    #[test]
    fn a_long_map_is_read_in_linear_time() {
        // Each entry's column was counted from the line's start: seconds for a megabyte-long `bound_claims`.
        let printed = format!("map[é:x {}]", "k:v ".repeat(250_000));
        let start = std::time::Instant::now();
        let entries = map(&printed).unwrap();
        // Linear takes well under a tenth of this; quadratic, seconds.
        assert!(start.elapsed() < std::time::Duration::from_secs(2));
        assert_eq!(entries.len(), 250_001);
        assert_eq!(entries[1], (4 + 4, "k", "v"));
        assert_eq!(entries[2], (4 + 8, "k", "v"));
    }

    #[test]
    fn other_tables_are_not_roles() {
        assert_eq!(read("Key Value\n--- -----\nfoo bar\n"), None);
        assert_eq!(read("bound_audiences [x]\n"), None);
        assert_eq!(read(""), None);
        // Odd shapes never panic.
        for text in [
            "Key Value\n--- -----\nbound_claims map[",
            "Key Value\n--- -----\nbound_claims map[:]]",
            "Key Value\n--- -----\nbound_claims map[é:[ü] ]",
        ] {
            let _ = read(text);
        }
    }
}
