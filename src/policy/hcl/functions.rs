//! Terraform's built-in functions that trust configurations use, on known arguments. A function not here, or
//! arguments of the wrong type, give `None`: the call's value is then not known (see [`super::eval`]).

use serde_json::{Map, Value};

use super::eval::{as_number, distinct, number};

/// The string form of a value where Terraform converts it to a string (`tostring`, templates, `join`).
fn string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(_) | Value::Bool(_) => Some(v.to_string()),
        _ => None,
    }
}

fn strings(v: &Value) -> Option<Vec<String>> {
    v.as_array()?.iter().map(string).collect()
}

pub(crate) fn call(name: &str, args: Vec<Value>) -> Option<Value> {
    let s = |i: usize| args.get(i).and_then(string);
    Some(match (name, args.len()) {
        ("format", n) if n >= 1 => Value::String(format(&s(0)?, args.get(1..)?)?),
        ("join", 2) => Value::String(strings(args.get(1)?)?.join(&s(0)?)),
        ("split", 2) => Value::Array(
            s(1)?
                .split(s(0)?.as_str())
                .map(|p| Value::String(p.into()))
                .collect(),
        ),
        ("concat", _) => {
            let mut out = Vec::new();
            for a in &args {
                out.extend(a.as_array()?.iter().cloned());
            }
            Value::Array(out)
        }
        ("flatten", 1) => Value::Array(flatten(args.first()?)?),
        ("distinct", 1) => Value::Array(distinct(args.first()?.as_array()?.clone())),
        ("compact", 1) => Value::Array(
            args.first()?
                .as_array()?
                .iter()
                .filter(|v| !v.is_null() && v.as_str() != Some(""))
                .cloned()
                .collect(),
        ),
        ("merge", _) => {
            let mut out = Map::new();
            for a in &args {
                match a {
                    Value::Object(m) => out.extend(m.clone()),
                    Value::Null => {}
                    _ => return None,
                }
            }
            Value::Object(out)
        }
        ("keys", 1) => Value::Array(
            args.first()?
                .as_object()?
                .keys()
                .map(|k| Value::String(k.clone()))
                .collect(),
        ),
        ("values", 1) => Value::Array(args.first()?.as_object()?.values().cloned().collect()),
        ("lookup", 2 | 3) => match args.first()?.as_object()?.get(&s(1)?) {
            Some(v) => v.clone(),
            None => args.get(2)?.clone(),
        },
        ("element", 2) => {
            let items = args.first()?.as_array()?;
            let i = args.get(1)?.as_u64()? as usize;
            items.get(i.checked_rem(items.len())?)?.clone()
        }
        ("length", 1) => Value::from(match args.first()? {
            Value::Array(items) => items.len(),
            Value::Object(m) => m.len(),
            Value::String(t) => t.chars().count(),
            _ => return None,
        }),
        ("contains", 2) => Value::Bool(args.first()?.as_array()?.contains(args.get(1)?)),
        // ASCII only: Unicode's case tables would cost the wasm 25 KB; other text is left unknown.
        ("lower", 1) => Value::String(s(0).filter(|t| t.is_ascii())?.to_ascii_lowercase()),
        ("upper", 1) => Value::String(s(0).filter(|t| t.is_ascii())?.to_ascii_uppercase()),
        ("trimspace", 1) => Value::String(s(0)?.trim().into()),
        ("trimprefix", 2) => {
            let t = s(0)?;
            Value::String(t.strip_prefix(s(1)?.as_str()).unwrap_or(&t).into())
        }
        ("trimsuffix", 2) => {
            let t = s(0)?;
            Value::String(t.strip_suffix(s(1)?.as_str()).unwrap_or(&t).into())
        }
        // A `/…/` search string is a regular expression, which is not evaluated here.
        ("replace", 3) => {
            let search = s(1)?;
            if search.len() > 1 && search.starts_with('/') && search.ends_with('/') {
                return None;
            }
            Value::String(s(0)?.replace(search.as_str(), &s(2)?))
        }
        ("tostring", 1) => match args.first()? {
            Value::Null => Value::Null,
            v => Value::String(string(v)?),
        },
        ("jsondecode", 1) => match args.first()? {
            Value::String(t) => serde_json::from_str(t).ok()?,
            // `jsondecode(jsonencode(x))`: `jsonencode` kept the value.
            v => v.clone(),
        },
        _ => return None,
    })
}

fn flatten(v: &Value) -> Option<Vec<Value>> {
    let mut out = Vec::new();
    for item in v.as_array()? {
        match item {
            Value::Array(_) => out.extend(flatten(item)?),
            _ => out.push(item.clone()),
        }
    }
    Some(out)
}

/// `format`'s verbs that trust configurations use: `%s`, `%d`, `%v`, `%q`, `%%`; flags and widths are not read.
fn format(spec: &str, args: &[Value]) -> Option<String> {
    let mut out = String::new();
    let mut next = args.iter();
    let mut chars = spec.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            '%' => out.push('%'),
            's' | 'v' => out.push_str(&match next.next()? {
                v @ (Value::Array(_) | Value::Object(_)) => v.to_string(),
                v => string(v)?,
            }),
            'd' => out.push_str(
                &as_number(next.next()?)
                    .filter(|n| n.fract() == 0.0)
                    .map(number)?
                    .to_string(),
            ),
            'q' => out.push_str(&Value::String(string(next.next()?)?).to_string()),
            _ => return None,
        }
    }
    Some(out)
}
