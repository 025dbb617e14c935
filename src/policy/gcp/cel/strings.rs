//! cel-go's strings extension (`ext.Strings()`, which Google's CEL environment enables): `charAt`,
//! `indexOf`, `lastIndexOf`, `replace`, `split`, `substring`, `trim` and `join` (`lowerAscii` and
//! `upperAscii` are in [`super::eval`]). Indexes count code points, as in cel-go; `split`, `replace` and
//! `trim` are Go's `strings.SplitN`, `strings.Replace` and `strings.TrimSpace`.
//!
//! cel-go changed what `indexOf`/`lastIndexOf` do with an offset at or past the end of the string (an
//! error until 2024, then `-1`) and with an empty receiver (`''.lastIndexOf('a')` was an error until
//! 2025); which version Google runs is not documented, so those cases are unknown, never guessed.

use super::eval::{type_names, Res, Stop};
use super::value::{double_text, Val};

/// The longest string `replace()` may build (a chain of replacements grows geometrically).
pub const MAX_STRING_BYTES: usize = 1 << 20;

fn err<T>(msg: impl Into<String>) -> Result<T, Stop> {
    Err(Stop::Error(msg.into()))
}

fn unknown<T>(what: impl Into<String>) -> Result<T, Stop> {
    Err(Stop::Unknown(what.into()))
}

fn overload<T>(receiver: &str, name: &str, args: &[Val]) -> Result<T, Stop> {
    err(format!(
        "no such overload: {receiver}.{name}({})",
        type_names(args)
    ))
}

/// The methods of the extension on a string receiver that [`string_method`] evaluates.
pub const STRING_METHODS: &[&str] = &[
    "charAt",
    "indexOf",
    "lastIndexOf",
    "replace",
    "split",
    "substring",
    "trim",
];

/// `s.name(args)` for a name in [`STRING_METHODS`].
pub fn string_method(s: &str, name: &str, args: &[Val]) -> Res {
    use Val::{Int, Str};
    match (name, args) {
        ("charAt", [Int(i)]) => char_at(s, *i),
        ("indexOf", [Str(sub)]) => index_of(s, sub, 0),
        ("indexOf", [Str(sub), Int(off)]) => index_of(s, sub, *off),
        ("lastIndexOf", [Str(sub)]) => last_index_of(s, sub, None),
        ("lastIndexOf", [Str(sub), Int(off)]) => last_index_of(s, sub, Some(*off)),
        ("replace", [Str(old), Str(new)]) => replace(s, old, new, -1),
        ("replace", [Str(old), Str(new), Int(n)]) => replace(s, old, new, *n),
        ("split", [Str(sep)]) => Ok(split(s, sep, -1)),
        ("split", [Str(sep), Int(n)]) => Ok(split(s, sep, *n)),
        ("substring", [Int(start)]) => substring(s, *start, None),
        ("substring", [Int(start), Int(end)]) => substring(s, *start, Some(*end)),
        ("trim", []) => Ok(Str(s.trim().to_string())),
        _ => overload("string", name, args),
    }
}

/// `list.join()` and `list.join(separator)`.
pub fn join(items: &[Val], args: &[Val]) -> Res {
    let sep = match args {
        [] => "",
        [Val::Str(sep)] => sep.as_str(),
        _ => return overload("list", "join", args),
    };
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        let Val::Str(s) = item else {
            // cel-go's message since its strings library version 2 (`%v` of the element).
            let shown = match item {
                Val::Double(f) => double_text(*f),
                other => other.to_json().to_string(),
            };
            return err(format!("join: invalid input: {shown}"));
        };
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(s);
    }
    Ok(Val::Str(out))
}

fn char_at(s: &str, i: i64) -> Res {
    let len = s.chars().count();
    match usize::try_from(i) {
        Ok(at) if at < len => Ok(Val::Str(s.chars().nth(at).unwrap_or_default().to_string())),
        Ok(at) if at == len => Ok(Val::Str(String::new())),
        _ => err(format!("index out of range: {i}")),
    }
}

/// The code point index of the first `sub` at or after `off`.
fn index_of(s: &str, sub: &str, off: i64) -> Res {
    let runes: Vec<char> = s.chars().collect();
    let len = runes.len() as i64;
    if sub.is_empty() {
        return if (0..=len).contains(&off) {
            Ok(Val::Int(off))
        } else {
            version_dependent("indexOf", s, sub, off)
        };
    }
    if off < 0 {
        return err(format!("index out of range: {off}"));
    }
    if off >= len {
        return version_dependent("indexOf", s, sub, off);
    }
    let sub: Vec<char> = sub.chars().collect();
    let found = (off as usize..runes.len())
        .find(|&i| runes[i..].starts_with(&sub))
        .map_or(-1, |i| i as i64);
    Ok(Val::Int(found))
}

/// The code point index of the last `sub` that starts at or before `off` (the last code point by
/// default).
fn last_index_of(s: &str, sub: &str, off: Option<i64>) -> Res {
    let runes: Vec<char> = s.chars().collect();
    let len = runes.len() as i64;
    if sub.is_empty() {
        let off = off.unwrap_or(len);
        return if (0..=len).contains(&off) {
            Ok(Val::Int(off))
        } else {
            version_dependent("lastIndexOf", s, sub, off)
        };
    }
    if off.is_none() && s.is_empty() {
        return unknown(format!(
            "`''.lastIndexOf('{sub}')`: cel-go versions disagree (an error until 2025, then `-1`) and google \
             does not document which it runs"
        ));
    }
    let off = off.unwrap_or(len - 1);
    if off < 0 {
        return err(format!("index out of range: {off}"));
    }
    if off >= len {
        return version_dependent("lastIndexOf", s, sub, off);
    }
    let sub: Vec<char> = sub.chars().collect();
    let last_start = (off as usize).min(runes.len().saturating_sub(sub.len()));
    if sub.len() > runes.len() {
        return Ok(Val::Int(-1));
    }
    let found = (0..=last_start)
        .rev()
        .find(|&i| runes[i..].starts_with(&sub))
        .map_or(-1, |i| i as i64);
    Ok(Val::Int(found))
}

fn version_dependent(name: &str, s: &str, sub: &str, off: i64) -> Res {
    unknown(format!(
        "`{name}('{sub}', {off})` on a string of {} characters: cel-go versions disagree (an error, `-1` or \
         the offset) and google does not document which it runs",
        s.chars().count()
    ))
}

/// Go's `strings.Replace(s, old, new, n)` (`n < 0`: every occurrence).
fn replace(s: &str, old: &str, new: &str, n: i64) -> Res {
    if n == 0 || old == new {
        return Ok(Val::Str(s.to_string()));
    }
    let count = usize::try_from(n).unwrap_or(usize::MAX);
    let matches = if old.is_empty() {
        s.chars().count() + 1
    } else {
        s.matches(old).count()
    }
    .min(count);
    let size = (s.len() + matches * new.len()).saturating_sub(matches * old.len());
    if size > MAX_STRING_BYTES {
        return unknown(format!(
            "`replace()` building a string of {size} bytes (claimcheck stops at {MAX_STRING_BYTES})"
        ));
    }
    Ok(Val::Str(s.replacen(old, new, count)))
}

/// Go's `strings.SplitN(s, sep, n)`: `n < 0` every part, `0` none, else at most `n` (the last holds the
/// rest); an empty separator splits into code points.
fn split(s: &str, sep: &str, n: i64) -> Val {
    let strs =
        |parts: Vec<&str>| Val::List(parts.into_iter().map(|p| Val::Str(p.into())).collect());
    let limit = match n {
        0 => return Val::List(Vec::new()),
        n if n < 0 => usize::MAX,
        n => usize::try_from(n).unwrap_or(usize::MAX),
    };
    if !sep.is_empty() {
        return strs(s.splitn(limit, sep).collect());
    }
    let mut parts = Vec::new();
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if parts.len() + 1 == limit {
            break;
        }
        let (head, tail) = rest.split_at(c.len_utf8());
        parts.push(head);
        rest = tail;
    }
    if !rest.is_empty() {
        parts.push(rest);
    }
    strs(parts)
}

/// Code points `start..end` (`end` defaults to the length).
fn substring(s: &str, start: i64, end: Option<i64>) -> Res {
    let len = s.chars().count() as i64;
    if let Some(end) = end {
        if start > end {
            return err(format!(
                "invalid substring range. start: {start}, end: {end}"
            ));
        }
    }
    let end_at = end.unwrap_or(len);
    for i in [start, end_at] {
        if !(0..=len).contains(&i) {
            return err(format!("index out of range: {i}"));
        }
    }
    Ok(Val::Str(
        s.chars()
            .skip(start as usize)
            .take((end_at - start) as usize)
            .collect(),
    ))
}
