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
    /// A type value (`string`, what `type('a')` yields), by its name (one of [`TYPE_NAMES`]).
    Type(&'static str),
}

/// The type identifiers every CEL environment declares (langdef.md, "Type Values"): `type(1) == int`.
pub const TYPE_NAMES: &[&str] = &[
    "int",
    "uint",
    "double",
    "bool",
    "string",
    "bytes",
    "list",
    "map",
    "null_type",
    "type",
];

/// A double as CEL (Go's `strconv.FormatFloat(f, 'g', -1, 64)`) writes it: the shortest digits that read
/// back exactly, in exponent form when the exponent is below -4 or at least 6 (`1e+06`, `1e-05`, `0.0001`).
/// Built on serde_json's shortest formatting, which the app already carries, instead of `f64`'s `Display`.
pub fn double_text(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.into();
    }
    let sign = if f.is_sign_negative() { "-" } else { "" };
    let shortest =
        serde_json::Number::from_f64(f.abs()).map_or_else(String::new, |n| n.to_string());
    let (mantissa, exponent) = match shortest.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.parse::<i32>().unwrap_or(0)),
        None => (shortest.as_str(), 0),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    // The value is 0.DIGITS × 10^point.
    let all = format!("{whole}{fraction}");
    let significant = all.trim_start_matches('0');
    let point = whole.len() as i32 + exponent - (all.len() - significant.len()) as i32;
    let digits = significant.trim_end_matches('0');
    if digits.is_empty() {
        return format!("{sign}0");
    }
    let exp = point - 1;
    if !(-4..6).contains(&exp) {
        let (first, rest) = digits.split_at(1);
        let dot = if rest.is_empty() { "" } else { "." };
        let (esign, e) = if exp < 0 { ('-', -exp) } else { ('+', exp) };
        return format!("{sign}{first}{dot}{rest}e{esign}{e:02}");
    }
    let n = digits.len() as i32;
    if point <= 0 {
        format!("{sign}0.{}{digits}", "0".repeat((-point) as usize))
    } else if point >= n {
        format!("{sign}{digits}{}", "0".repeat((point - n) as usize))
    } else {
        let (a, b) = digits.split_at(point as usize);
        format!("{sign}{a}.{b}")
    }
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
            Val::Type(name) => Value::String((*name).to_string()),
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
            Val::Type(_) => "type",
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

#[cfg(test)]
mod double_tests {
    use super::double_text;

    #[test]
    fn doubles_read_as_go_writes_them() {
        for (f, text) in [
            (1.5, "1.5"),
            (100.0, "100"),
            (123456.0, "123456"),
            (1234567.0, "1.234567e+06"),
            (1e20, "1e+20"),
            (1e100, "1e+100"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (-2.5e-10, "-2.5e-10"),
            (0.1 + 0.2, "0.30000000000000004"),
            (0.0, "0"),
            (-0.0, "-0"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "+Inf"),
            (f64::NEG_INFINITY, "-Inf"),
            (f64::MAX, "1.7976931348623157e+308"),
            (5e-324, "5e-324"),
            (1795652557.0, "1.795652557e+09"),
        ] {
            assert_eq!(double_text(f), text, "{f:e}");
        }
    }
}
