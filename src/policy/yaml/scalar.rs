//! Scalars: plain ones typed, quoted ones unescaped, several lines folded, CloudFormation tags expanded.

use std::borrow::Cow;

use serde_json::{Map, Value};

/// A plain scalar's value: booleans, null and numbers typed as YAML 1.2's core schema does.
pub(super) fn plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    // A number is what JSON would read as one (serde_json's reader is in the wasm already), also with a
    // leading `+` or a bare `.5`; `0123` stays text, as YAML 1.2 reads it.
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let leading_zero =
        unsigned.len() > 1 && unsigned.starts_with('0') && !unsigned.starts_with("0.");
    let candidate = text.strip_prefix('+').unwrap_or(text);
    let candidate = match candidate.strip_prefix('.') {
        Some(rest) => format!("0.{rest}"),
        None => candidate.replace("-.", "-0."),
    };
    if !leading_zero
        && unsigned
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_digit() || b == b'.')
    {
        // As a `Value`, not a `Number`: that reader is the one the wasm has already.
        if let Ok(number @ Value::Number(_)) = serde_json::from_str::<Value>(&candidate) {
            return number;
        }
    }
    Value::String(text.to_string())
}

/// The tags CloudFormation's short form uses, as the long form's key.
pub(super) fn tagged(tag: &str, value: Value) -> Value {
    let key = match tag {
        "!Ref" => "Ref".to_string(),
        "!Condition" => "Condition".to_string(),
        t if t.starts_with("!!") => {
            return match (t, value) {
                ("!!str", Value::Null) => Value::String(String::new()),
                ("!!str", Value::Bool(b)) => Value::String(b.to_string()),
                ("!!str", Value::Number(n)) => Value::String(n.to_string()),
                (_, v) => v,
            }
        }
        t => format!("Fn::{}", &t[1..]),
    };
    let mut map = Map::new();
    map.insert(key, value);
    Value::Object(map)
}

/// A complete quoted scalar (`'...'` or `"..."`, possibly over several lines), as its string.
pub(super) fn unquote(text: &str) -> Result<String, String> {
    let inner = text
        .get(1..text.len().saturating_sub(1))
        .unwrap_or_default();
    let inner = fold(inner, text.starts_with('"'));
    if text.starts_with('\'') {
        return Ok(inner.replace("''", "'"));
    }
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let escaped = match chars.next() {
            Some('n') => '\n',
            Some('t') => '\t',
            Some('r') => '\r',
            Some('0') => '\0',
            Some('e') => '\u{1b}',
            Some('a') => '\u{7}',
            Some('b') => '\u{8}',
            Some('v') => '\u{b}',
            Some('f') => '\u{c}',
            Some('L') => '\u{2028}',
            Some('P') => '\u{2029}',
            Some('N') => '\u{85}',
            Some('_') => '\u{a0}',
            Some(c @ (' ' | '"' | '/' | '\\' | '\t')) => c,
            Some(u @ ('x' | 'u' | 'U')) => {
                let n = match u {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let hex: String = chars.by_ref().take(n).collect();
                u32::from_str_radix(&hex, 16)
                    .ok()
                    .and_then(char::from_u32)
                    .ok_or_else(|| format!("`\\{u}{hex}` is not a character"))?
            }
            other => {
                return Err(format!(
                    "unknown escape `\\{}`",
                    other.map(String::from).unwrap_or_default()
                ))
            }
        };
        out.push(escaped);
    }
    Ok(out)
}

/// Line folding of a scalar written over several lines: each line break becomes a space, blank lines become
/// line breaks, and the spaces around breaks go; in double quotes, a `\` at the end of a line joins the lines
/// with nothing between.
pub(super) fn fold(text: &str, double: bool) -> Cow<'_, str> {
    if !text.contains('\n') {
        return Cow::Borrowed(text);
    }
    let lines: Vec<&str> = text.split('\n').collect();
    let last = lines.len() - 1;
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for (i, l) in lines.iter().enumerate() {
        let mut l = if i == 0 {
            *l
        } else {
            l.trim_start_matches([' ', '\t'])
        };
        if i < last {
            l = l.trim_end_matches([' ', '\t', '\r']);
        }
        if i > 0 && l.is_empty() && i < last {
            out.push('\n');
            pending_space = false;
            continue;
        }
        if pending_space {
            out.push(' ');
        }
        let escaped_break = double && i < last && l.ends_with('\\') && {
            let slashes = l.len() - l.trim_end_matches('\\').len();
            slashes % 2 == 1
        };
        if escaped_break {
            out.push_str(&l[..l.len() - 1]);
            pending_space = false;
        } else {
            out.push_str(l);
            pending_space = i < last;
        }
    }
    Cow::Owned(out)
}
