//! Locations inside a JSON document written as a JSON *string* of the pasted JSON: Terraform's
//! `"assume_role_policy": "{\"Version\": ...}"` (a plan, a state, `.tf.json`). A location in the decoded
//! document is mapped back to where that character is written in the pasted text, escapes included, so a
//! finding points into what the user pasted. A string literal never spans lines, so only the column moves.
//!
//! The outer text is scanned, and the mapping built, only when a location is first asked for.

use std::cell::OnceCell;

use super::json::{LazySpans, Locate, Spans};
use crate::report::Location;

/// Decoded characters between two checkpoints: locating walks at most this far.
const STEP: usize = 256;

/// A point where the decoded and the raw positions are both known.
#[derive(Debug, Clone, Copy)]
struct Checkpoint {
    /// Line and column in the decoded document.
    line: usize,
    column: usize,
    /// Byte offset in the pasted text and characters of the raw literal before it.
    byte: usize,
    raw_chars: usize,
}

impl Checkpoint {
    /// Step over the next decoded character of the literal (`chars` iterates `raw`); returns it.
    fn advance(&mut self, raw: &str, chars: &mut Chars<'_>) -> Option<char> {
        let (decoded, used, bytes) = decode_one(raw, chars)?;
        self.raw_chars += used;
        self.byte += bytes;
        if decoded == '\n' {
            self.line += 1;
            self.column = 1;
        } else {
            self.column += 1;
        }
        Some(decoded)
    }
}

type Chars<'a> = std::iter::Peekable<std::str::CharIndices<'a>>;

#[derive(Debug)]
struct Mapping {
    /// Where the literal's first character (after `"`) is in the pasted text.
    start: Location,
    checkpoints: Vec<Checkpoint>,
}

/// [`Locate`] for a document embedded in the string at `pointer` of `text`.
#[derive(Debug)]
pub struct Embedded<'t> {
    text: &'t str,
    outer: &'t LazySpans<'t>,
    pointer: &'t str,
    inner: &'t Spans,
    mapping: OnceCell<Option<Mapping>>,
}

impl<'t> Embedded<'t> {
    /// `inner` are the spans of the decoded string at `pointer` (a JSON Pointer into `text`).
    pub fn new(
        text: &'t str,
        outer: &'t LazySpans<'t>,
        pointer: &'t str,
        inner: &'t Spans,
    ) -> Self {
        Embedded {
            text,
            outer,
            pointer,
            inner,
            mapping: OnceCell::new(),
        }
    }

    /// `at` (in the decoded document) as a location in the pasted text.
    pub fn shift(&self, at: Location) -> Option<Location> {
        let mapping = self
            .mapping
            .get_or_init(|| build(self.text, self.outer, self.pointer))
            .as_ref()?;
        let i = mapping
            .checkpoints
            .partition_point(|c| (c.line, c.column) <= (at.line, at.column))
            .checked_sub(1)?;
        let mut point = mapping.checkpoints[i];
        let raw = self.text.get(point.byte..)?;
        let mut chars = raw.char_indices().peekable();
        while (point.line, point.column) < (at.line, at.column) {
            point.advance(raw, &mut chars)?;
        }
        ((point.line, point.column) == (at.line, at.column)).then_some(Location {
            line: mapping.start.line,
            column: mapping.start.column + point.raw_chars,
        })
    }
}

impl Locate for Embedded<'_> {
    fn locate(&self, pointer: &str) -> Option<Location> {
        self.shift(self.inner.locate(pointer)?)
    }
}

/// Byte offset of `at` in `text`.
fn offset_of(text: &str, at: Location) -> Option<usize> {
    let mut start = 0;
    for _ in 1..at.line {
        start += text.get(start..)?.find('\n')? + 1;
    }
    let line = text.get(start..)?;
    let (i, _) = line.char_indices().nth(at.column.checked_sub(1)?)?;
    Some(start + i)
}

/// Skip a string literal starting at `text[i] == '"'`; the byte after its closing quote.
fn skip_literal(text: &str, i: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut j = i + 1;
    while j < bytes.len() {
        match bytes[j] {
            b'\\' => j += 2,
            b'"' => return Some(j + 1),
            _ => j += 1,
        }
    }
    None
}

fn skip_space(text: &str, mut i: usize) -> usize {
    let bytes = text.as_bytes();
    while bytes.get(i).is_some_and(|b| b.is_ascii_whitespace()) {
        i += 1;
    }
    i
}

/// Find the literal holding the document and record checkpoints along it.
fn build(text: &str, outer: &LazySpans<'_>, pointer: &str) -> Option<Mapping> {
    let at = outer.locate(pointer)?;
    let mut i = offset_of(text, at)?;
    if text.as_bytes().get(i) != Some(&b'"') {
        return None;
    }
    // The location of an object member is its key's: step over `"key":` to the value.
    let after = skip_space(text, skip_literal(text, i)?);
    if text.as_bytes().get(after) == Some(&b':') {
        i = skip_space(text, after + 1);
        if text.as_bytes().get(i) != Some(&b'"') {
            return None;
        }
    }
    let body = i + 1;
    let before = text.get(..body)?;
    let line_start = before.rfind('\n').map_or(0, |n| n + 1);
    let start = Location {
        line: before.matches('\n').count() + 1,
        column: before.get(line_start..)?.chars().count() + 1,
    };
    let raw = text.get(body..)?;
    let mut chars = raw.char_indices().peekable();
    let mut point = Checkpoint {
        line: 1,
        column: 1,
        byte: body,
        raw_chars: 0,
    };
    let mut checkpoints = vec![point];
    let mut since = 0;
    loop {
        if chars.peek().is_some_and(|&(_, c)| c == '"') || chars.peek().is_none() {
            break;
        }
        let decoded = point.advance(raw, &mut chars)?;
        since += 1;
        if since == STEP || decoded == '\n' {
            checkpoints.push(point);
            since = 0;
        }
    }
    Some(Mapping { start, checkpoints })
}

/// Decode one character of a JSON string body: (the character, raw characters used, raw bytes used).
fn decode_one(raw: &str, chars: &mut Chars<'_>) -> Option<(char, usize, usize)> {
    let (_, c) = chars.next()?;
    if c != '\\' {
        return Some((c, 1, c.len_utf8()));
    }
    let (_, e) = chars.next()?;
    let simple = match e {
        'n' => Some('\n'),
        't' => Some('\t'),
        'r' => Some('\r'),
        'b' => Some('\x08'),
        'f' => Some('\x0c'),
        '"' | '\\' | '/' => Some(e),
        _ => None,
    };
    if let Some(d) = simple {
        return Some((d, 2, 2));
    }
    if e != 'u' {
        return None;
    }
    let unit = |chars: &mut Chars<'_>| -> Option<u32> {
        let (i, _) = chars.next()?;
        let hex = raw.get(i..i + 4)?;
        for _ in 0..3 {
            chars.next()?;
        }
        u32::from_str_radix(hex, 16).ok()
    };
    let high = unit(chars)?;
    if (0xD800..0xDC00).contains(&high) {
        // A surrogate pair: `\uD83D\uDE00` is one character.
        let mut ahead = chars.clone();
        if ahead.next().map(|(_, c)| c) == Some('\\') && ahead.next().map(|(_, c)| c) == Some('u') {
            chars.next();
            chars.next();
            let low = unit(chars)?;
            let c = char::from_u32(
                0x10000 + ((high - 0xD800) << 10) + (low.wrapping_sub(0xDC00) & 0x3FF),
            )
            .unwrap_or('\u{FFFD}');
            return Some((c, 12, 12));
        }
    }
    Some((char::from_u32(high).unwrap_or('\u{FFFD}'), 6, 6))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::json;

    fn locate(text: &str, pointer: &str, inner_pointer: &str) -> Option<Location> {
        let outer = LazySpans::new(text);
        let value: serde_json::Value = serde_json::from_str(text).unwrap();
        let embedded = value.pointer(pointer).unwrap().as_str().unwrap();
        let inner = json::parse(embedded).unwrap().spans;
        Embedded::new(text, &outer, pointer, &inner).locate(inner_pointer)
    }

    fn loc(line: usize, column: usize) -> Option<Location> {
        Some(Location { line, column })
    }

    #[test]
    fn a_member_of_a_minified_embedded_document() {
        let text = r#"{"resource": {"aws_iam_role": {"ci": {"assume_role_policy": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\"}]}"}}}}"#;
        let pointer = "/resource/aws_iam_role/ci/assume_role_policy";
        // `"Effect"` is written at column 109 of the pasted line (counting the escaping backslashes).
        let column = text.find(r#"\"Effect"#).unwrap() + 1;
        assert_eq!(locate(text, pointer, "/Statement/0/Effect"), loc(1, column));
        let column = text.find(r#"\"Version"#).unwrap() + 1;
        assert_eq!(locate(text, pointer, "/Version"), loc(1, column));
    }

    #[test]
    fn a_pretty_embedded_document_on_a_later_line() {
        // `jsonencode` output is minified; a heredoc'd policy keeps its newlines as `\n`.
        let text = "{\n  \"values\": {\n    \"assume_role_policy\": \"{\\n  \\\"Statement\\\": [\\n    {\\\"Sid\\\": \\\"é\\\\u00e9\\\", \\\"Effect\\\": \\\"Allow\\\"}\\n  ]\\n}\"\n  }\n}";
        let pointer = "/values/assume_role_policy";
        let line3 = text.lines().nth(2).unwrap();
        let column = line3.find(r#"\"Effect"#).unwrap() + 1;
        // Columns count characters: `é` is one.
        let column = column - (line3[..column].len() - line3[..column].chars().count());
        assert_eq!(locate(text, pointer, "/Statement/0/Effect"), loc(3, column));
    }

    #[test]
    fn escapes_and_surrogate_pairs_take_their_raw_width() {
        let text = r#"{"p": "{\"a\": \"\ud83d\ude00\u00e9\\\/\", \"b\": 1}"}"#;
        let column = text.find(r#"\"b"#).unwrap() + 1;
        assert_eq!(locate(text, "/p", "/b"), loc(1, column));
    }

    #[test]
    fn a_root_string_and_what_cannot_be_mapped() {
        let text = r#""{\"Statement\": []}""#;
        assert_eq!(locate(text, "", "/Statement"), loc(1, 3));
        // A pointer the inner document does not have.
        assert_eq!(locate(text, "", "/Nope"), None);
    }
}
