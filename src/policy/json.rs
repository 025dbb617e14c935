//! JSON with locations, shared by every platform: parse pasted text with line/column errors, find duplicate
//! object keys (which `serde_json` silently resolves to the last one), map JSON Pointers back to a line and
//! column, and undo URL encoding (`aws iam get-role` over the raw API returns the policy percent-encoded).
//!
//! The location scan runs only over text `serde_json` has already accepted, is iterative (no recursion, so
//! any nesting depth is safe) and linear in the size of the text.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::collections::HashMap;
use std::fmt;
use std::hash::Hasher;

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

/// A word-at-a-time multiplicative hash (FxHash's mixing): the pointers are strings from our own scan, so a
/// fast non-keyed hash is fine, and reading eight bytes per step keeps long pointers cheap to hash.
#[derive(Default)]
pub struct Fnv(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl Fnv {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().unwrap_or_default()));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut w = [0u8; 8];
            w[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(w));
        }
    }
    fn write_u8(&mut self, b: u8) {
        self.add(u64::from(b));
    }
}

/// JSON Pointer -> location of the member's key (for object members) or of the value (array items, root).
///
/// The pointers are written one after the other into one string, and found through a small open-addressing
/// table of their indices (each hit is compared with the pointer asked for): a 1 MB policy has tens of
/// thousands of them, and a map with a string of its own per pointer spent most of the scan allocating.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Spans {
    pointers: String,
    /// One per pointer, in the order first recorded.
    entries: Vec<Entry>,
    /// `0` for a free slot, else an index into `entries` plus one; a power of two long, at most half full.
    slots: Vec<u32>,
    pub duplicates: Vec<Duplicate>,
}

/// One located pointer: its hash, where it is in [`Spans::pointers`], and where its value was written.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Entry {
    hash: u64,
    start: u32,
    end: u32,
    at: Location,
}

/// The slot where the search for a pointer with `hash` starts, in a table of `mask + 1` slots (the high bits
/// folded in: the multiplicative hash mixes upwards).
fn home(hash: u64, mask: usize) -> usize {
    (hash ^ (hash >> 29)) as usize & mask
}

fn pointer_hash(pointer: &str) -> u64 {
    let mut h = Fnv::default();
    h.write(pointer.as_bytes());
    h.finish()
}

impl Spans {
    /// Where the value at `pointer` was written, if known.
    pub fn locate(&self, pointer: &str) -> Option<Location> {
        let (_, found) = self.slot(pointer_hash(pointer), pointer);
        found.and_then(|i| self.entries.get(i)).map(|e| e.at)
    }

    /// Every located pointer, in the order of the text.
    pub fn iter(&self) -> impl Iterator<Item = (&str, Location)> {
        self.entries.iter().map(|e| (self.text(e), e.at))
    }

    /// Number of located values (for tests and diagnostics).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn text(&self, e: &Entry) -> &str {
        self.pointers
            .get(e.start as usize..e.end as usize)
            .unwrap_or("")
    }

    /// The slot where `pointer` is, or the free one where it would go; and its entry, when it is there.
    fn slot(&self, hash: u64, pointer: &str) -> (usize, Option<usize>) {
        let mask = self.slots.len().wrapping_sub(1);
        let mut i = home(hash, mask);
        // The table is at most half full, so a free slot ends every search.
        for _ in 0..self.slots.len() {
            match self.slots.get(i).copied().unwrap_or(0) {
                0 => return (i, None),
                n => {
                    let index = n as usize - 1;
                    if self
                        .entries
                        .get(index)
                        .is_some_and(|e| e.hash == hash && self.text(e) == pointer)
                    {
                        return (i, Some(index));
                    }
                }
            }
            i = (i + 1) & mask;
        }
        (i, None)
    }

    /// Record that the value at `pointer` was written at `at` (a later record of the same pointer wins).
    fn record(&mut self, pointer: &str, at: Location) {
        if self.slots.len() < 2 * (self.entries.len() + 1) {
            self.grow();
        }
        let hash = pointer_hash(pointer);
        match self.slot(hash, pointer) {
            (_, Some(index)) => {
                if let Some(e) = self.entries.get_mut(index) {
                    e.at = at;
                }
            }
            (slot, None) => {
                let start = self.pointers.len() as u32;
                self.pointers.push_str(pointer);
                let end = self.pointers.len() as u32;
                self.entries.push(Entry {
                    hash,
                    start,
                    end,
                    at,
                });
                if let Some(s) = self.slots.get_mut(slot) {
                    *s = self.entries.len() as u32;
                }
            }
        }
    }

    /// Double the table (at least 64 slots) and put every entry back.
    fn grow(&mut self) {
        let len = (self.slots.len() * 2).max(64);
        self.slots = vec![0; len];
        let mask = len - 1;
        for (index, e) in self.entries.iter().enumerate() {
            let mut i = home(e.hash, mask);
            while self.slots.get(i).is_some_and(|&s| s != 0) {
                i = (i + 1) & mask;
            }
            if let Some(s) = self.slots.get_mut(i) {
                *s = index as u32 + 1;
            }
        }
    }
}

/// Anything that maps a JSON Pointer to where its value was written.
pub trait Locate: fmt::Debug {
    fn locate(&self, pointer: &str) -> Option<Location>;
}

impl Locate for Spans {
    fn locate(&self, pointer: &str) -> Option<Location> {
        Spans::locate(self, pointer)
    }
}

/// The [`Spans`] of a text, scanned only when first asked for: most evaluations report no location, and
/// a valid document's duplicate keys are ruled out without the scan ([`LazySpans::duplicates`]).
#[derive(Debug)]
pub struct LazySpans<'t> {
    text: &'t str,
    spans: OnceCell<Spans>,
}

impl<'t> LazySpans<'t> {
    pub fn new(text: &'t str) -> Self {
        LazySpans {
            text,
            spans: OnceCell::new(),
        }
    }

    /// The scan of the text ([`scan`]), made on the first call.
    pub fn spans(&self) -> &Spans {
        self.spans.get_or_init(|| scan(self.text))
    }

    /// The keys that repeat in the text, whose parsed value is `value`. The scan is skipped when the text has
    /// exactly as many object members (`:` outside strings) as `value`: serde_json keeps one member per key,
    /// so then no key repeats.
    pub fn duplicates(&self, value: &Value) -> &[Duplicate] {
        if self.spans.get().is_none() && count_members(self.text) == value_members(value) {
            return &[];
        }
        &self.spans().duplicates
    }
}

impl Locate for LazySpans<'_> {
    fn locate(&self, pointer: &str) -> Option<Location> {
        self.spans().locate(pointer)
    }
}

/// One object of a pasted document, for locating its members: the spans of the text and the object's JSON
/// Pointer in it (`""` for the whole document, `/data` inside `vault read` output, `/0` in a list).
#[derive(Debug, Clone, Copy)]
pub struct Object<'a> {
    pub spans: &'a dyn Locate,
    pub pointer: &'a str,
}

impl Object<'_> {
    /// Where the member at `path` (keys below the object, unescaped) was written. When it was not, the nearest
    /// enclosing member that was, or the object itself: a finding about a missing field points at the object
    /// that lacks it.
    pub fn at(&self, path: &[&str]) -> Option<Location> {
        let mut pointers = Vec::with_capacity(path.len() + 1);
        pointers.push(self.pointer.to_string());
        for key in path {
            let mut pointer = pointers.last().cloned().unwrap_or_default();
            pointer_append(&mut pointer, key);
            pointers.push(pointer);
        }
        pointers.iter().rev().find_map(|p| self.spans.locate(p))
    }
}

/// The members of every object in `value`.
fn value_members(value: &Value) -> usize {
    let mut count = 0;
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(map) => {
                count += map.len();
                stack.extend(map.values());
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    count
}

const LOW_BITS: u64 = 0x7f7f_7f7f_7f7f_7f7f;

/// The high bit of each byte of `w` that equals `b`, and no other bit.
fn byte_mask(w: u64, b: u8) -> u64 {
    let x = w ^ (u64::from(b) * 0x0101_0101_0101_0101);
    !(((x & LOW_BITS) + LOW_BITS) | x | LOW_BITS)
}

/// The object members written in JSON text: its `:` outside strings, found eight bytes at a time.
fn count_members(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut count = 0;
    let mut in_string = false;
    // The byte after a backslash in a string is escaped, even when it is in the next word.
    let mut skip_first = false;
    let mut words = bytes.chunks_exact(8);
    let mut handle = |chunk: &[u8], mut special: u64, skip_first: &mut bool| {
        if std::mem::take(skip_first) {
            special &= !0x80;
        }
        while special != 0 {
            let k = (special.trailing_zeros() / 8) as usize;
            special &= special - 1;
            match chunk.get(k) {
                Some(b'"') => in_string = !in_string,
                Some(b'\\') if in_string => {
                    if k == 7 {
                        *skip_first = true;
                    } else {
                        special &= !(0x80 << (8 * (k + 1)));
                    }
                }
                Some(b':') if !in_string => count += 1,
                _ => {}
            }
        }
    };
    for chunk in &mut words {
        let w = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        let special = byte_mask(w, b'"') | byte_mask(w, b'\\') | byte_mask(w, b':');
        if special != 0 || skip_first {
            handle(chunk, special, &mut skip_first);
        }
    }
    let rest = words.remainder();
    let mut w = [0u8; 8];
    w.get_mut(..rest.len())
        .unwrap_or(&mut [])
        .copy_from_slice(rest);
    let w = u64::from_le_bytes(w);
    // Padding zeros are none of the three.
    let special = byte_mask(w, b'"') | byte_mask(w, b'\\') | byte_mask(w, b':');
    handle(rest, special, &mut skip_first);
    count
}

/// Append `token` to `pointer`, escaped as RFC 6901 requires.
pub fn pointer_push(pointer: &str, token: &str) -> String {
    let mut out = String::with_capacity(pointer.len() + token.len() + 1);
    out.push_str(pointer);
    push_token(&mut out, token);
    out
}

/// Append `/` and `token`, escaped as RFC 6901 requires, to `pointer`.
pub fn pointer_append(pointer: &mut String, token: &str) {
    push_token(pointer, token);
}

/// Append `/` and `token`, escaped as RFC 6901 requires, to `out`.
fn push_token(out: &mut String, token: &str) {
    out.push('/');
    let mut start = 0;
    for (i, b) in token.bytes().enumerate() {
        let escape = match b {
            b'~' => "~0",
            b'/' => "~1",
            _ => continue,
        };
        out.push_str(token.get(start..i).unwrap_or(""));
        out.push_str(escape);
        start = i + 1;
    }
    out.push_str(token.get(start..).unwrap_or(""));
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

/// [`JsonError::message`] when the error is at a comment (`//`, `/*`); serde_json's own is "trailing comma"
/// for a comma before `}` or `]`.
pub const COMMENT: &str = "a comment, which JSON does not allow (remove it)";

fn value_of(text: &str) -> Result<Value, JsonError> {
    serde_json::from_str::<Value>(text).map_err(|e| {
        // serde_json calls a comment "key must be a string" or "expected value"; say what it is.
        let rest = line_from(text, e.line()).get(e.column().saturating_sub(1)..);
        let comment = rest.is_some_and(|r| r.starts_with("//") || r.starts_with("/*"));
        JsonError {
            message: if comment {
                COMMENT.into()
            } else {
                strip_serde_suffix(&e.to_string())
            },
            location: Location {
                line: e.line().max(1),
                column: char_column(text, e.line(), e.column()),
            },
        }
    })
}

/// The text from the start of line `line` (1-based) on.
fn line_from(text: &str, line: usize) -> &str {
    let start = match line {
        0 | 1 => 0,
        n => text
            .match_indices('\n')
            .nth(n - 2)
            .map_or(text.len(), |(i, _)| i + 1),
    };
    text.get(start..).unwrap_or("")
}

/// serde_json counts columns in bytes; editors count characters. The character column of byte column
/// `column` (1-based) on line `line`.
fn char_column(text: &str, line: usize, column: usize) -> usize {
    let line_text = line_from(text, line);
    let end = column.saturating_sub(1).min(line_text.len());
    // The bytes before the column, cut back to a character boundary.
    let before = (0..=end)
        .rev()
        .find_map(|i| line_text.get(..i))
        .unwrap_or("");
    before.chars().count() + 1
}

fn strip_serde_suffix(message: &str) -> String {
    let base = match message.rfind(" at line ") {
        Some(i) => message.get(..i).unwrap_or(message),
        None => message,
    };
    base.to_ascii_lowercase()
}

/// Whether `text` looks like percent-encoded JSON: starts with `%7B` / `%5B` / `%22`, or holds `%22`/`%3A` with
/// no raw `{`.
pub fn looks_url_encoded(text: &str) -> bool {
    let t = text.trim();
    let starts = |p: &str| t.get(..p.len()).is_some_and(|s| s.eq_ignore_ascii_case(p));
    // `{` first: pasted JSON has one near the start, which saves searching all of it for `%22` and `%3A`.
    starts("%7B") || starts("%5B") || (!t.contains('{') && (t.contains("%22") || t.contains("%3A")))
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

/// Where `at`, a place in the URL-decoded text of `original` ([`url_decode_json`]), is in `original` itself: the
/// user sees the encoded text, so `%22` counts three columns there. Walks the encoded text, decoding as it goes,
/// until the decoded line and column are reached; the end of the text when they never are.
pub fn encoded_location(original: &str, at: Location) -> Location {
    let bytes = original.as_bytes();
    let mut i = original.len() - original.trim_start().len();
    let (mut line, mut column) = (1usize, 1usize);
    while i < bytes.len() {
        let (byte, width) = match (bytes[i], bytes.get(i + 1..i + 3)) {
            (b'%', Some(&[hi, lo])) if hi.is_ascii_hexdigit() && lo.is_ascii_hexdigit() => {
                let hex = |c: u8| (c as char).to_digit(16).unwrap_or(0) as u8;
                (hex(hi) * 16 + hex(lo), 3)
            }
            (b, _) => (b, 1),
        };
        // A UTF-8 continuation byte belongs to the character already counted.
        if byte & 0xC0 != 0x80 {
            if (line, column) >= (at.line, at.column) {
                break;
            }
            if byte == b'\n' {
                line += 1;
                column = 1;
            } else {
                column += 1;
            }
        }
        i += width;
    }
    let before = original.get(..i).unwrap_or(original);
    let line_start = before.rfind('\n').map_or(0, |n| n + 1);
    Location {
        line: before.matches('\n').count() + 1,
        column: before[line_start..].chars().count() + 1,
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

enum Frame<'a> {
    Object {
        /// Length of the scan's current pointer at this object.
        base: usize,
        /// Its keys so far, where each was first written: a map, so that an object of many keys stays linear.
        keys: HashMap<Cow<'a, str>, Location>,
        /// A member's key has been read; its value comes next.
        pending: bool,
    },
    Array {
        base: usize,
        index: usize,
    },
}

/// A byte cursor over the text that keeps the 1-based line (newlines are counted as they are skipped: outside
/// strings, or inside one in text that is not JSON) and where that line starts. The column, counted in
/// characters, is worked out only when asked for ([`Cursor::here`]), from the last place it was known.
struct Cursor<'a> {
    text: &'a str,
    pos: usize,
    line: usize,
    /// Byte position where `line` starts.
    line_start: usize,
    /// The whole text is ASCII: columns are byte distances.
    ascii: bool,
    /// Byte position where `column` is known (on the current line, unless before `line_start`).
    mark: usize,
    column: usize,
}

/// How many characters `bytes` (a slice of UTF-8 text) holds: the bytes that are not continuation bytes.
fn count_chars(bytes: &[u8]) -> usize {
    const HIGH_BITS: u64 = 0x8080_8080_8080_8080;
    let mut words = bytes.chunks_exact(8);
    let mut continuation = 0;
    for chunk in &mut words {
        let w = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        // A continuation byte is `10xxxxxx`: high bit set, next bit clear.
        continuation += (w & !(w << 1) & HIGH_BITS).count_ones() as usize;
    }
    let rest = words.remainder();
    continuation += rest.iter().filter(|b| *b & 0xC0 == 0x80).count();
    bytes.len() - continuation
}

impl<'a> Cursor<'a> {
    fn new(text: &'a str) -> Self {
        Cursor {
            text,
            pos: 0,
            line: 1,
            line_start: 0,
            ascii: text.is_ascii(),
            mark: 0,
            column: 1,
        }
    }
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }
    fn newline_at(&mut self, i: usize) {
        self.line += 1;
        self.line_start = i + 1;
    }
    fn here(&mut self) -> Location {
        let column = if self.ascii {
            self.pos - self.line_start + 1
        } else {
            if self.mark < self.line_start {
                self.mark = self.line_start;
                self.column = 1;
            }
            let bytes = self.text.as_bytes();
            self.column += count_chars(bytes.get(self.mark..self.pos).unwrap_or(&[]));
            self.mark = self.mark.max(self.pos);
            self.column
        };
        Location {
            line: self.line,
            column,
        }
    }
    fn skip_ws(&mut self) {
        let bytes = self.text.as_bytes();
        while let Some(&b) = bytes.get(self.pos) {
            match b {
                b'\n' => self.newline_at(self.pos),
                b' ' | b'\t' | b'\r' => {}
                _ => break,
            }
            self.pos += 1;
        }
    }
    /// Skips a string whose opening quote is next; returns the raw text between the quotes and whether it
    /// holds escapes.
    fn raw_string(&mut self) -> (&'a str, bool) {
        let text = self.text;
        let bytes = text.as_bytes();
        self.pos += 1;
        let start = self.pos;
        let rest = text.get(start..).unwrap_or("");
        // The common case, found with `memchr`: no escape and no newline before the closing quote.
        if let Some(end) = rest.find('"') {
            let raw = rest.get(..end).unwrap_or("");
            if !raw.contains('\\') && !raw.contains('\n') {
                self.pos += end + 1;
                return (raw, false);
            }
        }
        let mut escaped = false;
        while let Some(&b) = bytes.get(self.pos) {
            self.pos += 1;
            match b {
                b'"' => return (text.get(start..self.pos - 1).unwrap_or(""), escaped),
                b'\\' => {
                    escaped = true;
                    if let Some(&next) = bytes.get(self.pos) {
                        if next == b'\n' {
                            self.newline_at(self.pos);
                        }
                        self.pos += 1;
                    }
                }
                b'\n' => self.newline_at(self.pos - 1),
                _ => {}
            }
        }
        (text.get(start..).unwrap_or(""), escaped)
    }
    /// Reads a string whose opening quote is next; returns its unescaped content.
    fn string(&mut self) -> Cow<'a, str> {
        let (raw, escaped) = self.raw_string();
        if !escaped {
            return Cow::Borrowed(raw);
        }
        Cow::Owned(
            serde_json::from_str::<String>(&format!("\"{raw}\""))
                .unwrap_or_else(|_| raw.to_string()),
        )
    }
    /// Skips a number, `true`, `false` or `null`.
    fn scalar(&mut self) {
        let bytes = self.text.as_bytes();
        let rest = bytes.get(self.pos..).unwrap_or(&[]);
        self.pos += rest
            .iter()
            .position(|b| matches!(b, b',' | b']' | b'}' | b' ' | b'\t' | b'\n' | b'\r'))
            .unwrap_or(rest.len());
    }
}

/// Record where every object member and every container is, and which keys repeat. Assumes `text` is
/// valid JSON (serde_json accepted it); on anything else it stops early without panicking. Linear time.
pub fn scan(text: &str) -> Spans {
    let text = text.trim_start_matches('\u{feff}');
    // About one located value per 100 bytes of a pretty-printed policy: sized once instead of regrown.
    let mut spans = Spans {
        pointers: String::with_capacity(text.len() / 2),
        ..Spans::default()
    };
    let mut cur = Cursor::new(text);
    let mut stack: Vec<Frame<'_>> = Vec::new();
    // The pointer of the value being read (its parent's pointer between values); one buffer for the whole scan.
    let mut pointer = String::new();
    cur.skip_ws();
    // Where the next value's key (or the value itself) is, when it is to be recorded.
    let mut next: Option<Location> = Some(cur.here());
    loop {
        cur.skip_ws();
        let Some(c) = cur.peek() else { break };
        // Inside an object, expecting a key?
        if let Some(Frame::Object {
            pending: pending @ false,
            base,
            keys,
        }) = stack.last_mut()
        {
            match c {
                b'"' => {
                    let at = cur.here();
                    let key = cur.string();
                    pointer.truncate(*base);
                    push_token(&mut pointer, &key);
                    if let Some(first) = keys.get(&key) {
                        spans.duplicates.push(Duplicate {
                            object: pointer.get(..*base).unwrap_or("").to_string(),
                            key: key.to_string(),
                            location: at,
                            first: *first,
                        });
                    } else {
                        keys.insert(key, at);
                    }
                    spans.record(&pointer, at);
                    next = Some(at);
                    *pending = true;
                    cur.skip_ws();
                    if cur.peek() == Some(b':') {
                        cur.pos += 1;
                    }
                    continue;
                }
                b',' => {
                    cur.pos += 1;
                    continue;
                }
                b'}' => {
                    cur.pos += 1;
                    stack.pop();
                    value_done(&mut stack, &mut pointer);
                    continue;
                }
                _ => break,
            }
        }
        if let Some(Frame::Array { base, index }) = stack.last_mut() {
            match c {
                b',' => {
                    cur.pos += 1;
                    continue;
                }
                b']' => {
                    cur.pos += 1;
                    stack.pop();
                    value_done(&mut stack, &mut pointer);
                    continue;
                }
                _ => {
                    // Scalar items are located only near the root (e.g. a statement that is not an object); deeper
                    // ones (condition values) are never pointed at, and skipping them keeps the scan cheap.
                    pointer.truncate(*base);
                    let shallow = pointer.bytes().filter(|b| *b == b'/').count() <= 1;
                    next = if shallow || matches!(c, b'{' | b'[') {
                        pointer.push('/');
                        pointer.push_str(&index.to_string());
                        Some(cur.here())
                    } else {
                        None
                    };
                    *index += 1;
                }
            }
        }
        // A value starts here; `pointer` is its pointer when `next` is set.
        let at = next.take();
        match c {
            b'{' | b'[' => {
                let at = match at {
                    Some(at) => at,
                    None => {
                        pointer.clear();
                        cur.here()
                    }
                };
                // A member's location (its key's) is recorded already.
                if !matches!(stack.last(), Some(Frame::Object { pending: true, .. })) {
                    spans.record(&pointer, at);
                }
                cur.pos += 1;
                let base = pointer.len();
                stack.push(if c == b'{' {
                    Frame::Object {
                        base,
                        keys: HashMap::new(),
                        pending: false,
                    }
                } else {
                    Frame::Array { base, index: 0 }
                });
            }
            _ => {
                let at = match at {
                    Some(at) => recorded(&pointer, &stack).then_some(at),
                    // An unrecorded item, or (in text serde_json would reject) a value after the root.
                    None if stack.is_empty() => {
                        pointer.clear();
                        Some(cur.here())
                    }
                    None => None,
                };
                if let Some(at) = at {
                    spans.record(&pointer, at);
                }
                if c == b'"' {
                    cur.raw_string();
                } else {
                    cur.scalar();
                }
                value_done(&mut stack, &mut pointer);
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
fn recorded(pointer: &str, stack: &[Frame<'_>]) -> bool {
    if stack.is_empty() {
        pointer.is_empty()
    } else {
        !pointer.is_empty() && matches!(stack.last(), Some(Frame::Array { .. }))
    }
}

/// After a value, the enclosing container's pointer is current again, and an object expects a key.
fn value_done(stack: &mut [Frame<'_>], pointer: &mut String) {
    match stack.last_mut() {
        Some(Frame::Object { pending, base, .. }) => {
            *pending = false;
            pointer.truncate(*base);
        }
        Some(Frame::Array { base, .. }) => pointer.truncate(*base),
        None => {}
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
    fn error_columns_count_characters_not_bytes() {
        let at = |text: &str| parse(text).unwrap_err().location;
        let ascii = at("{\n  \"a\": \"e\" x}");
        assert_eq!((ascii.line, ascii.column), (2, 12));
        for text in ["{\n  \"a\": \"é\" x}", "{\n  \"a\": \"😀\" x}"] {
            assert_eq!(at(text), ascii, "{text}");
        }
        assert_eq!(
            char_column("é", 1, 2),
            1,
            "inside a character: the one it starts"
        );
        assert_eq!(char_column("a", 9, 9), 1, "a line past the end");
    }

    #[test]
    fn a_place_in_url_decoded_text_is_found_in_the_encoded_text() {
        let original = "  %7B%22a%22%3A%20%22%C3%A9%22%2C%0A%22b%22%3A%201%7D";
        let decoded = url_decode_json(original).unwrap();
        assert_eq!(decoded, "{\"a\": \"é\",\n\"b\": 1}");
        // `"b"` at line 2, column 1 of the decoded text; `1` at line 2, column 6; `"a"` at line 1, column 2.
        let place = |line, column| encoded_location(original, loc(line, column));
        assert_eq!(original[place(1, 2).column - 1..].get(..3), Some("%22"));
        assert_eq!(place(1, 2), loc(1, 6));
        assert_eq!(original[place(2, 1).column - 1..].get(..6), Some("%22b%2"));
        assert_eq!(original[place(2, 6).column - 1..].get(..1), Some("1"));
        // After the two-byte `é` (`%C3%A9`): the closing quote.
        assert_eq!(original[place(1, 9).column - 1..].get(..3), Some("%22"));
        assert_eq!(place(1, 9), loc(1, 28));
        assert_eq!(place(9, 9), loc(1, original.len() + 1), "past the end");
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
    fn an_object_of_many_keys_is_scanned_in_linear_time() {
        // 60,000 keys (a megabyte of `bound_claims`): compared with every earlier key, this took minutes.
        let members: Vec<String> = (0..60_000).map(|i| format!("\"k{i}\": 1")).collect();
        let text = format!("{{{}, \"k7\": 2}}", members.join(", "));
        let start = std::time::Instant::now();
        let spans = scan(&text);
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
        assert_eq!(spans.duplicates.len(), 1);
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
        // serde_json kept the last value, and a repeated key is located where that value is.
        assert_eq!(p.value["Effect"], "Deny");
        assert_eq!(p.spans.locate("/Effect"), Some(loc(2, 21)));
        assert_eq!(
            p.spans.locate("/Condition/StringEquals/k"),
            Some(loc(1, 43))
        );
        assert_eq!(p.spans.iter().filter(|(p, _)| *p == "/Effect").count(), 1);
    }

    /// Every located pointer is found again by `locate`, once, among thousands that share prefixes; pointers
    /// that were not recorded (or differ in one character) are not found.
    #[test]
    fn many_pointers_are_each_found_once() {
        let statements: Vec<String> = (0..3000)
            .map(|i| format!("{{\"Sid\": \"S{i}\", \"Condition\": {{\"StringEquals\": {{\"k{i}\": \"v\"}}}}}}"))
            .collect();
        let text = format!("{{\"Statement\": [\n{}\n]}}", statements.join(",\n"));
        let p = parse(&text).unwrap();
        let all: Vec<(String, Location)> =
            p.spans.iter().map(|(p, l)| (p.to_string(), l)).collect();
        let unique: std::collections::BTreeSet<&str> =
            all.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(unique.len(), all.len());
        assert_eq!(p.spans.len(), 2 + 3000 * 5);
        for (pointer, at) in &all {
            assert_eq!(p.spans.locate(pointer), Some(*at), "{pointer}");
        }
        assert_eq!(
            p.spans
                .locate("/Statement/2999/Condition/StringEquals/k2999"),
            Some(loc(3001, 49))
        );
        assert_eq!(
            p.spans
                .locate("/Statement/2999/Condition/StringEquals/k2998"),
            None
        );
        assert_eq!(p.spans.locate("/Statement/3000"), None);
    }

    #[test]
    fn duplicates_are_ruled_out_without_the_scan_only_when_there_are_none() {
        for text in [
            r#"{"a": {"b:": "c:\"d:", "e": [1, {"f": 2}]}, "g\\": ":"}"#,
            r#"{"a": {"b:": "x", "b:": "y"}}"#,
            r#"{"k\"": 1, "k\u0022": 2}"#,
            "[{\"a\": 1}, {\"a\": 2, \"a\": 3}]",
        ] {
            let p = parse(text).unwrap();
            let lazy = LazySpans::new(text);
            assert_eq!(lazy.duplicates(&p.value), &p.spans.duplicates[..], "{text}");
            assert_eq!(lazy.spans.get().is_none(), p.spans.duplicates.is_empty());
            assert_eq!(lazy.locate("/a"), p.spans.locate("/a"));
        }
    }

    #[test]
    fn object_members_are_located_or_fall_back_to_the_object() {
        let text =
            "{\"data\": {\n  \"bound_claims\": {\"a/b\": \"x\"},\n  \"user_claim\": \"sub\"}}";
        let spans = LazySpans::new(text);
        let data = Object {
            spans: &spans,
            pointer: "/data",
        };
        assert_eq!(data.at(&["user_claim"]), Some(loc(3, 3)));
        // Keys are escaped as pointer tokens.
        assert_eq!(data.at(&["bound_claims", "a/b"]), Some(loc(2, 20)));
        // A missing member: the nearest enclosing one, or the object itself.
        assert_eq!(data.at(&["bound_claims", "c"]), Some(loc(2, 3)));
        assert_eq!(data.at(&["role_type"]), Some(loc(1, 2)));
        assert_eq!(data.at(&[]), Some(loc(1, 2)));
        // Nothing to locate in: no location.
        let none = LazySpans::new("");
        let empty = Object {
            spans: &none,
            pointer: "",
        };
        assert_eq!(empty.at(&["user_claim"]), None);
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
