//! CEL runtime values, and their conversion from JSON claims (JSON numbers become doubles, as for
//! `google.protobuf.Struct`).

use serde_json::Value;

#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Null,
    Bool(bool),
    Int(i64),
    Double(f64),
    Str(String),
    List(Vec<Val>),
    /// Entries in insertion order; keys are unique.
    Map(Vec<(Val, Val)>),
}

/// JSON nested deeper than this converts to `null` (claims are shallow; this only bounds recursion).
const MAX_JSON_DEPTH: u32 = 64;

impl Val {
    pub fn from_json(v: &Value) -> Val {
        Self::from_json_at(v, 0)
    }

    fn from_json_at(v: &Value, depth: u32) -> Val {
        if depth > MAX_JSON_DEPTH {
            return Val::Null;
        }
        match v {
            Value::Null => Val::Null,
            Value::Bool(b) => Val::Bool(*b),
            Value::Number(n) => Val::Double(n.as_f64().unwrap_or(0.0)),
            Value::String(s) => Val::Str(s.clone()),
            Value::Array(items) => Val::List(
                items
                    .iter()
                    .map(|i| Self::from_json_at(i, depth + 1))
                    .collect(),
            ),
            Value::Object(map) => Val::Map(
                map.iter()
                    .map(|(k, v)| (Val::Str(k.clone()), Self::from_json_at(v, depth + 1)))
                    .collect(),
            ),
        }
    }

    /// Back to JSON, for showing a value in a check row.
    pub fn to_json(&self) -> Value {
        match self {
            Val::Null => Value::Null,
            Val::Bool(b) => Value::Bool(*b),
            Val::Int(n) => Value::from(*n),
            Val::Double(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
            Val::Str(s) => Value::String(s.clone()),
            Val::List(items) => Value::Array(items.iter().map(Val::to_json).collect()),
            Val::Map(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| {
                        (
                            match k {
                                Val::Str(s) => s.clone(),
                                other => other.to_json().to_string(),
                            },
                            v.to_json(),
                        )
                    })
                    .collect(),
            ),
        }
    }

    /// CEL's name for the type, used in error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Val::Null => "null_type",
            Val::Bool(_) => "bool",
            Val::Int(_) => "int",
            Val::Double(_) => "double",
            Val::Str(_) => "string",
            Val::List(_) => "list",
            Val::Map(_) => "map",
        }
    }

    /// The value under `key` in a map.
    pub fn get(&self, key: &Val) -> Option<&Val> {
        match self {
            Val::Map(entries) => entries.iter().find(|(k, _)| cel_eq(k, key)).map(|(_, v)| v),
            _ => None,
        }
    }
}

/// CEL equality: numbers compare by value across int/double; other kinds never equal each other.
pub fn cel_eq(a: &Val, b: &Val) -> bool {
    match (a, b) {
        (Val::Int(x), Val::Double(y)) | (Val::Double(y), Val::Int(x)) => (*x as f64) == *y,
        (Val::List(x), Val::List(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| cel_eq(p, q))
        }
        (Val::Map(x), Val::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| b.get(k).is_some_and(|w| cel_eq(v, w)))
        }
        _ => a == b,
    }
}
