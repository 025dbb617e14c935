//! JSON with locations, shared by every platform: parse pasted text with line/column errors, find duplicate
//! object keys (which `serde_json` silently resolves to the last one), map JSON Pointers back to a line and
//! column, and undo URL encoding (`aws iam get-role` over the raw API returns the policy percent-encoded).
//!
//! The location scan runs only over text `serde_json` has already accepted, is iterative (no recursion, so
//! any nesting depth is safe) and linear in the size of the text.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use serde_json::Value;

use crate::report::Location;

/// Why pasted text is not JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    /// serde_json's description, lowercase, without its own "at line ..." suffix.
    pub message: String,
    pub location: Location,
}

/// A key that appears twice in one object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    /// JSON Pointer of the object holding the key.
    pub object: String,
    pub key: String,
    /// Where the second (winning) occurrence is.
    pub location: Location,
    /// Where the first (ignored) occurrence is.
    pub first: Location,
}

/// Pasted text read as JSON, with where each value came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub value: Value,
    /// The text was percent-encoded and has been decoded first.
    pub url_decoded: bool,
    pub spans: Spans,
}

/// FNV-1a: the pointers are short strings from our own scan, so a fast non-keyed hash is fine.
#[derive(Default)]
pub struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

/// JSON Pointer -> location of the member's key (for object members) or of the value (array items, root).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Spans {
    map: HashMap<String, Location, BuildHasherDefault<Fnv>>,
    pub duplicates: Vec<Duplicate>,
}

impl Spans {
    /// Where the value at `pointer` was written, if known.
    pub fn locate(&self, pointer: &str) -> Option<Location> {
        self.map.get(pointer).copied()
    }

    /// Number of located values (for tests and diagnostics).
    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// Append `token` to `pointer`, escaped as RFC 6901 requires.
pub fn pointer_push(pointer: &str, token: &str) -> String {
    let mut out = String::with_capacity(pointer.len() + token.len() + 1);
    out.push_str(pointer);
    out.push('/');
    for c in token.chars() {
        match c {
            '~' => out.push_str("~0"),
            '/' => out.push_str("~1"),
            _ => out.push(c),
        }
    }
    out
}

/// Parse `text` as JSON, URL-decoding it first when it is percent-encoded JSON.
pub fn parse(text: &str) -> Result<Parsed, JsonError> {
    let trimmed = text.trim_start_matches('\u{feff}');
    if let Some(decoded) = url_decode_json(trimmed) {
        return parse_plain(&decoded).map(|mut p| {
            p.url_decoded = true;
            p
        });
    }
    parse_plain(trimmed)
}

/// Parse JSON text (no URL decoding), with locations.
pub fn parse_plain(text: &str) -> Result<Parsed, JsonError> {
    let value = value_of(text)?;
    Ok(Parsed {
        value,
        url_decoded: false,
        spans: scan(text),
    })
}

/// Parse `text` (URL-decoding it first when it is percent-encoded JSON) into a value only, without the
/// location scan: for detecting what was pasted. Returns the value and whether it was URL-decoded.
pub fn parse_value(text: &str) -> Result<(Value, bool), JsonError> {
    let trimmed = text.trim_start_matches('\u{feff}');
    match url_decode_json(trimmed) {
        Some(decoded) => value_of(&decoded).map(|v| (v, true)),
        None => value_of(trimmed).map(|v| (v, false)),
    }
}

fn value_of(text: &str) -> Result<Value, JsonError> {
    serde_json::from_str::<Value>(text).map_err(|e| JsonError {
        message: strip_serde_suffix(&e.to_string()),
        location: Location {
            line: e.line().max(1),
            column: e.column().max(1),
        },
    })
}

fn strip_serde_suffix(message: &str) -> String {
    let base = match message.rfind(" at line ") {
        Some(i) => message.get(..i).unwrap_or(message),
        None => message,
    };
    base.to_lowercase()
}

/// Whether `text` looks like percent-encoded JSON: starts with `%7B` / `%5B` / `%22`, or holds `%22`/`%3A` with
/// no raw `{`.
pub fn looks_url_encoded(text: &str) -> bool {
    let t = text.trim();
    let starts = |p: &str| t.get(..p.len()).is_some_and(|s| s.eq_ignore_ascii_case(p));
    starts("%7B") || starts("%5B") || ((t.contains("%22") || t.contains("%3A")) && !t.contains('{'))
}

/// Percent-decode `text` when it looks URL-encoded and decodes to JSON; `+` is tried as a space only when
/// keeping it literal does not give JSON.
pub fn url_decode_json(text: &str) -> Option<String> {
    if !looks_url_encoded(text) {
        return None;
    }
    let literal = percent_decode(text.trim(), false)?;
    if serde_json::from_str::<serde::de::IgnoredAny>(&literal).is_ok() || !text.contains('+') {
        return Some(literal);
    }
    let spaced = percent_decode(text.trim(), true)?;
    if serde_json::from_str::<serde::de::IgnoredAny>(&spaced).is_ok() {
        Some(spaced)
    } else {
        Some(literal)
    }
}

/// Decode `%XX` escapes (and `+` as space when asked). `None` when the bytes are not UTF-8.
pub fn percent_decode(text: &str, plus_as_space: bool) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' && i + 2 < bytes.len() {
            let hi = (bytes[i + 1] as char).to_digit(16);
            let lo = (bytes[i + 2] as char).to_digit(16);
            if let (Some(hi), Some(lo)) = (hi, lo) {
                out.push((hi * 16 + lo) as u8);
                i += 3;
                continue;
            }
        }
        out.push(if plus_as_space && b == b'+' { b' ' } else { b });
        i += 1;
    }
    String::from_utf8(out).ok()
}

/// Deeper than serde_json's own limit: valid documents never reach it, and pointers stay short.
const MAX_DEPTH: usize = 130;

enum Frame {
    Object {
        pointer: String,
        keys: Vec<(String, Location)>,
        pending: Option<String>,
    },
    Array {
        pointer: String,
        index: usize,
    },
}

/// A byte cursor that keeps a 1-based line and a column counted in characters.
struct Cursor<'a> {
    text: &'a str,
    pos: usize,
    line: usize,
    column: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }
    fn bump(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.pos += 1;
        if b == b'\n' {
            self.line += 1;
            self.column = 1;
        } else if b & 0xC0 != 0x80 {
            self.column += 1;
        }
        Some(b)
    }
    fn here(&self) -> Location {
        Location {
            line: self.line,
            column: self.column,
        }
    }
    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.bump();
        }
    }
    /// Skips a string whose opening quote is next; returns the raw text between the quotes and whether it
    /// holds escapes.
    fn raw_string(&mut self) -> (&str, bool) {
        self.bump();
        let start = self.pos;
        let mut escaped = false;
        while let Some(b) = self.bump() {
            match b {
                b'"' => return (self.text.get(start..self.pos - 1).unwrap_or(""), escaped),
                b'\\' => {
                    escaped = true;
                    self.bump();
                }
                _ => {}
            }
        }
        (self.text.get(start..).unwrap_or(""), escaped)
    }
    /// Reads a string whose opening quote is next; returns its unescaped content.
    fn string(&mut self) -> String {
        let (raw, escaped) = self.raw_string();
        if !escaped {
            return raw.to_string();
        }
        serde_json::from_str::<String>(&format!("\"{raw}\"")).unwrap_or_else(|_| raw.to_string())
    }
}

/// Record where every object member and every container is, and which keys repeat. Assumes `text` is
/// valid JSON (serde_json accepted it); on anything else it stops early without panicking. Linear time.
pub fn scan(text: &str) -> Spans {
    let text = text.trim_start_matches('\u{feff}');
    let mut spans = Spans::default();
    let mut cur = Cursor {
        text,
        pos: 0,
        line: 1,
        column: 1,
    };
    let mut stack: Vec<Frame> = Vec::new();
    cur.skip_ws();
    // The pointer of the next value and where its key (or itself) is; `record` says whether to keep it.
    let mut next: Option<(String, Location)> = Some((String::new(), cur.here()));
    loop {
        cur.skip_ws();
        let Some(c) = cur.peek() else { break };
        // Inside an object, expecting a key?
        if let Some(Frame::Object {
            pending: pending @ None,
            pointer,
            keys,
        }) = stack.last_mut()
        {
            match c {
                b'"' => {
                    let at = cur.here();
                    let key = cur.string();
                    if let Some((_, first)) = keys.iter().find(|(k, _)| *k == key) {
                        spans.duplicates.push(Duplicate {
                            object: pointer.clone(),
                            key: key.clone(),
                            location: at,
                            first: *first,
                        });
                    } else {
                        keys.push((key.clone(), at));
                    }
                    let member = pointer_push(pointer, &key);
                    spans.map.insert(member.clone(), at);
                    next = Some((member, at));
                    *pending = Some(key);
                    cur.skip_ws();
                    if cur.peek() == Some(b':') {
                        cur.bump();
                    }
                    continue;
                }
                b',' => {
                    cur.bump();
                    continue;
                }
                b'}' => {
                    cur.bump();
                    stack.pop();
                    value_done(&mut stack);
                    continue;
                }
                _ => break,
            }
        }
        if let Some(Frame::Array { pointer, index }) = stack.last_mut() {
            match c {
                b',' => {
                    cur.bump();
                    continue;
                }
                b']' => {
                    cur.bump();
                    stack.pop();
                    value_done(&mut stack);
                    continue;
                }
                _ => {
                    // Scalar items are located only near the root (e.g. a statement that is not an object); deeper
                    // ones (condition values) are never pointed at, and skipping them keeps the scan cheap.
                    let shallow = pointer.matches('/').count() <= 1;
                    next = (shallow || matches!(c, b'{' | b'['))
                        .then(|| (pointer_push(pointer, &index.to_string()), cur.here()));
                    *index += 1;
                }
            }
        }
        // A value starts here.
        let (pointer, at) = next.take().unwrap_or_else(|| (String::new(), cur.here()));
        match c {
            b'{' => {
                spans.map.insert(pointer.clone(), at);
                cur.bump();
                stack.push(Frame::Object {
                    pointer,
                    keys: Vec::new(),
                    pending: None,
                });
            }
            b'[' => {
                spans.map.insert(pointer.clone(), at);
                cur.bump();
                stack.push(Frame::Array { pointer, index: 0 });
            }
            b'"' => {
                if next_recorded(&pointer, &stack) {
                    spans.map.insert(pointer, at);
                }
                cur.raw_string();
                value_done(&mut stack);
            }
            _ => {
                if next_recorded(&pointer, &stack) {
                    spans.map.insert(pointer, at);
                }
                while matches!(cur.peek(), Some(ch) if !matches!(ch, b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r'))
                {
                    cur.bump();
                }
                value_done(&mut stack);
            }
        }
        if stack.is_empty() || stack.len() > MAX_DEPTH {
            break;
        }
    }
    spans
}

/// Whether a scalar's own location is kept: array items (members are located by their key, recorded
/// already) and the root.
fn next_recorded(pointer: &str, stack: &[Frame]) -> bool {
    if stack.is_empty() {
        pointer.is_empty()
    } else {
        !pointer.is_empty() && matches!(stack.last(), Some(Frame::Array { .. }))
    }
}

/// After a member's value, the enclosing object expects a key again.
fn value_done(stack: &mut [Frame]) {
    if let Some(Frame::Object { pending, .. }) = stack.last_mut() {
        *pending = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loc(line: usize, column: usize) -> Location {
        Location { line, column }
    }

    #[test]
    fn syntax_error_has_line_and_column() {
        let err = parse("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [}\n}").unwrap_err();
        assert_eq!(err.location.line, 3);
        assert!(err.message.contains("expected value"), "{}", err.message);
        assert!(!err.message.contains("at line"));
    }

    #[test]
    fn locates_members_and_items() {
        let text = "{\n  \"Statement\": [\n    {\"Effect\": \"Allow\"},\n    {\"Effect\": \"Deny\"}\n  ]\n}";
        let p = parse(text).unwrap();
        assert_eq!(p.spans.locate(""), Some(loc(1, 1)));
        assert_eq!(p.spans.locate("/Statement"), Some(loc(2, 3)));
        assert_eq!(p.spans.locate("/Statement/1"), Some(loc(4, 5)));
        assert_eq!(p.spans.locate("/Statement/1/Effect"), Some(loc(4, 6)));
    }

    #[test]
    fn deep_scalar_items_are_skipped_without_disturbing_the_root() {
        let p = parse("{\"Statement\": [{\"Action\": [\"a\", \"b\"]}, 3]}").unwrap();
        assert_eq!(p.spans.locate(""), Some(loc(1, 1)));
        assert_eq!(p.spans.locate("/Statement/1"), Some(loc(1, 40)));
        assert_eq!(p.spans.locate("/Statement/0/Action"), Some(loc(1, 17)));
        assert_eq!(p.spans.locate("/Statement/0/Action/1"), None);
    }

    #[test]
    fn escaped_pointer_tokens() {
        let text = r#"{"a/b": {"c~d": 1}}"#;
        let p = parse(text).unwrap();
        assert_eq!(pointer_push("/a~1b", "c~d"), "/a~1b/c~0d");
        assert_eq!(p.spans.locate("/a~1b/c~0d"), Some(loc(1, 10)));
    }

    #[test]
    fn finds_duplicate_keys_with_both_places() {
        let text = "{\"Condition\": {\"StringEquals\": {\"k\": \"a\", \"k\": \"b\"}},\n \"Effect\": \"Allow\", \"Effect\": \"Deny\"}";
        let p = parse(text).unwrap();
        assert_eq!(p.spans.duplicates.len(), 2);
        let d = &p.spans.duplicates[0];
        assert_eq!(
            (d.object.as_str(), d.key.as_str()),
            ("/Condition/StringEquals", "k")
        );
        assert_eq!(d.first, loc(1, 33));
        assert_eq!(d.location, loc(1, 43));
        assert_eq!(p.spans.duplicates[1].location, loc(2, 21));
        // serde_json kept the last value.
        assert_eq!(p.value["Effect"], "Deny");
    }

    #[test]
    fn escaped_duplicate_is_still_a_duplicate() {
        let p = parse(r#"{"Sid": "a", "S\u0069d": "b"}"#).unwrap();
        assert_eq!(p.spans.duplicates.len(), 1);
        assert_eq!(p.spans.duplicates[0].key, "Sid");
    }

    #[test]
    fn url_encoded_document_is_decoded() {
        let p = parse("%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D").unwrap();
        assert!(p.url_decoded);
        assert_eq!(p.value["Version"], "2012-10-17");
        let plus = parse("%7B%22a%22%3A+%22x+y%22%7D").unwrap();
        assert_eq!(plus.value["a"], "x y");
        assert!(parse(r#"{"a": "100%22"}"#).is_ok_and(|p| !p.url_decoded));
    }

    #[test]
    fn percent_decode_tolerates_broken_escapes() {
        assert_eq!(percent_decode("%", false).as_deref(), Some("%"));
        assert_eq!(percent_decode("%4", false).as_deref(), Some("%4"));
        assert_eq!(percent_decode("%zz%41", false).as_deref(), Some("%zzA"));
        assert_eq!(percent_decode("%FF", false), None);
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        // serde_json refuses (recursion limit) with a location; the scan alone stops at its depth bound.
        assert!(parse(&deep).is_err());
        let spans = scan(&deep);
        assert_eq!(spans.len(), MAX_DEPTH + 1);
    }
}
