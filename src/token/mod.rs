//! Lenient JWT decoding of whatever people paste.
//!
//! [`decode`] cleans the paste ([`clean`]), splits it on `.`, and decodes every segment it can
//! ([`segment`]); each failure is kept as a structured [`TokenError`] (segment, kind, offset, line/column)
//! while the other segments still decode. Linear time in the input length; never panics.
//! Pasted JSON (e.g. a claims set copied from a JWT viewer) is read as the claims.
//! A paste that is base64 of a token (`echo $CIRCLE_OIDC_TOKEN | base64`) is unwrapped once.
//!
//! Findings emitted by [`Decoded::findings`] (area `token`):
//!
//! | code | severity | when |
//! |---|---|---|
//! | `token-empty` | error | nothing left after cleanup |
//! | `token-segment-count` | error | not 1, 2, 3 or 5 dot-separated segments |
//! | `token-segment-empty` | error | the header or payload segment is empty |
//! | `token-not-base64url` | error | a segment has a character outside base64url, or an impossible length/padding |
//! | `token-not-utf8` | error | a segment decodes to bytes that are not UTF-8 |
//! | `token-not-json` | error | a segment is not JSON (line/column given) |
//! | `token-not-object` | error | a segment is JSON but not an object |
//! | `token-not-a-jwt` | error | one part with no `.` that does not start `eyJ` and does not decode: not a token at all (replaces that part's decoding error) |
//! | `token-partial` | info | only a header, or header and payload without a signature segment |
//! | `token-unsigned` | warning | three segments, but the signature segment is empty |
//! | `token-signature-removed` | info | the same, for a token whose share link removed the signature (reported by `analyze`, which knows) |
//! | `token-encrypted` | info | a five-segment JWE: header readable, claims encrypted |
//! | `token-standard-base64` | info | standard base64 (`+`, `/`) instead of base64url: tolerated |
//! | `token-json-pasted` | info | JSON was pasted instead of a token: read as the claims (or header) |
//! | `token-payload-cut` | info | the payload stops early (cut when copied): the claims before the cut are shown, not used |

pub mod clean;
pub mod error;
pub mod segment;

use serde::Serialize;
use serde_json::{Map, Value};

pub use error::{ErrorKind, Segment, TokenError};

use crate::report::{Area, Finding, Location, Severity};

/// The shape of what was pasted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Form {
    /// header.payload.signature
    Jws,
    /// five segments: an encrypted token, whose claims cannot be read
    Jwe,
    /// fewer segments than a JWS (e.g. no signature)
    Partial,
    /// nothing decodable
    Invalid,
}

/// A decoded (or partly decoded) token.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Decoded {
    pub form: Form,
    /// What was cleaned off the paste, e.g. "removed a `Bearer ` prefix".
    pub cleanup: Vec<String>,
    pub header: Option<Map<String, Value>>,
    pub claims: Option<Map<String, Value>>,
    /// The cleaned compact token text (never serialized: it may be a live credential).
    #[serde(skip)]
    pub compact: String,
    /// Whether a non-empty signature segment is present.
    pub signature_present: bool,
    /// Every decoding problem, per segment, so a view can show it next to the segment.
    pub errors: Vec<TokenError>,
    /// How many dot-separated segments the cleaned text has (0 when empty or pasted as JSON).
    pub segment_count: usize,
    /// Standard base64 (`+`, `/`) was seen and tolerated.
    pub standard_base64: bool,
    /// The paste was JSON, read directly instead of a compact token.
    pub json_pasted: bool,
    /// The claims before the cut of a payload segment that stops early (`token-payload-cut`): shown, but not
    /// the token's claims, so no verdict is made from them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cut_claims: Option<Map<String, Value>>,
}

/// Whether `text` is a compact JWT by its look, as pasted where something else was expected: `eyJ` (base64url
/// of `{"`), optionally after `Bearer `, with a `.`. Not a decode: cheap enough for any input.
pub fn looks_like_jwt(text: &str) -> bool {
    let t = text.trim();
    let t = t.strip_prefix("Bearer ").unwrap_or(t).trim_start();
    t.starts_with("eyJ") && t.contains('.')
}

/// Decode a pasted token. Never panics; linear time.
pub fn decode(input: &str) -> Decoded {
    // A log file saved from a terminal or CI (`--token step.log`) keeps its color codes (`ESC[32m`).
    if input.contains('\u{1b}') {
        let mut d = decode(&strip_ansi(input));
        d.cleanup
            .insert(0, "removed terminal color codes (`ESC[...m`)".to_string());
        return d;
    }
    let mut d = Decoded {
        form: Form::Invalid,
        cleanup: Vec::new(),
        header: None,
        claims: None,
        compact: String::new(),
        signature_present: false,
        errors: Vec::new(),
        segment_count: 0,
        standard_base64: false,
        json_pasted: false,
        cut_claims: None,
    };
    let trimmed = input.trim();
    // JSON is the claims (or header) pasted on their own, unless it wraps a token (`{"jwt": "eyJ…"}`).
    if trimmed.starts_with('{') && clean::embedded_token(trimmed).is_none() {
        decode_json(trimmed, &mut d);
        return d;
    }
    // A decoder's printout: JSON objects under labels (`jwt decode`: `Token header`, `Token claims`, dashes).
    if !trimmed.starts_with('{') && clean::embedded_token(trimmed).is_none() {
        if let Some(objects) = labeled_json(trimmed) {
            decode_json(&objects, &mut d);
            d.cleanup.insert(
                0,
                "read the JSON objects between the labels of a decoder's output (`jwt decode`)"
                    .to_string(),
            );
            return d;
        }
    }
    let (compact, cleanup) = clean::clean(input);
    // The base64 of a token alone, or as a value in other text (a Kubernetes Secret's `token: ZXlK…`).
    let wrapped = base64_wrapped(&compact)
        .map(|t| (t, cleanup.clone()))
        .or_else(|| {
            // Only when no token was found: a token next to some base64 stays the token.
            if compact.starts_with("eyJ") {
                return None;
            }
            input
                .split(|c: char| {
                    !(c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=' | '-' | '_'))
                })
                .filter(|run| run.len() >= 64)
                .find_map(base64_wrapped)
                .map(|t| {
                    (
                        t,
                        vec!["took the base64 value out of the surrounding text".to_string()],
                    )
                })
        });
    if let Some((inner, cleanup)) = wrapped {
        let mut inner = decode(&inner);
        let mut notes = cleanup;
        notes.push(
            "decoded the base64 the token was wrapped in (`echo $CIRCLE_OIDC_TOKEN | base64`)"
                .to_string(),
        );
        notes.append(&mut inner.cleanup);
        inner.cleanup = notes;
        return inner;
    }
    d.cleanup = cleanup;
    d.compact = compact;
    if d.compact.is_empty() {
        d.errors
            .push(TokenError::new(Segment::Token, ErrorKind::Empty));
        return d;
    }
    let compact = d.compact.clone();
    let count = compact.split('.').count();
    d.segment_count = count;
    let mut parts = compact.split('.');
    let header_text = parts.next().unwrap_or("");
    let payload_text = parts.next();
    let third = parts.next();

    if count == 5 {
        // Two signed tokens glued together (pasted twice, or `$CIRCLE_OIDC_TOKEN$CIRCLE_OIDC_TOKEN_V2`) also
        // have five segments; an encrypted token's header names its `enc`.
        if let Some((token, note)) = clean::glued_tokens(&compact) {
            let mut inner = decode(&token);
            let mut notes = std::mem::take(&mut d.cleanup);
            notes.push(note);
            notes.append(&mut inner.cleanup);
            inner.cleanup = notes;
            return inner;
        }
        let header = object(header_text, Segment::Header, &mut d);
        if header.is_some() {
            d.form = Form::Jwe;
        }
        d.header = header;
        return d;
    }
    if count != 1 && count != 2 && count != 3 {
        d.errors.push(TokenError::new(
            Segment::Token,
            ErrorKind::SegmentCount { count },
        ));
    }

    let first = object(header_text, Segment::Header, &mut d);
    if count == 1 {
        // One segment: a header, unless it is plainly a claims set (someone pasted only the payload).
        match first {
            Some(map) if looks_like_claims(&map) => {
                d.cleanup
                    .push("read the single segment as the claims (it has no `alg`)".to_string());
                d.claims = Some(map);
            }
            other => d.header = other,
        }
    } else {
        d.header = first;
        d.claims = payload_text.and_then(|p| object(p, Segment::Payload, &mut d));
        // A payload that stops early (cut off when copied): the claims before the cut, to show.
        if d.claims.is_none() && d.errors.iter().any(cut_short) {
            d.cut_claims = payload_text.and_then(segment::cut_claims);
        }
    }
    if let Some(sig) = third {
        d.signature_present = !sig.is_empty();
        if d.signature_present {
            match segment::decode_base64(sig, Segment::Signature) {
                Ok((_, standard)) => note_standard(standard, &mut d),
                Err(e) => d.errors.push(e),
            }
        }
    }
    let decoded_something = d.header.is_some() || d.claims.is_some();
    d.form = match (decoded_something, count) {
        (false, _) => Form::Invalid,
        (true, 1 | 2) => Form::Partial,
        (true, _) => Form::Jws,
    };
    d
}

/// The token inside a paste that is base64 of it (`echo $CIRCLE_OIDC_TOKEN | base64`, which people run to get
/// a value past a CI log's masking): one segment starting `ZXlK` (base64 of `eyJ`) that decodes to UTF-8 text
/// starting with `eyJ` and holding a `.`. The text it decodes to never starts with `ZXlK` again, so this
/// unwraps one layer only.
fn base64_wrapped(compact: &str) -> Option<String> {
    if !compact.starts_with("ZXlK") || compact.contains('.') {
        return None;
    }
    let (bytes, _) = segment::decode_base64(compact, Segment::Token).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let t = text.trim();
    (t.starts_with("eyJ") && t.contains('.')).then(|| t.to_string())
}

/// The one or two JSON objects of `text` (the header and the claims) when everything else is short label lines
/// (`Token header`, `------------`), as `jwt decode` prints a token; each object starts a line. Linear: each
/// object is parsed once from where its line starts.
fn labeled_json(text: &str) -> Option<String> {
    let mut objects: Vec<Value> = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let line_end = rest.find('\n').map_or(rest.len(), |i| i + 1);
        let line = &rest[..line_end];
        if line.trim_start().starts_with('{') {
            let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<Value>();
            match stream.next() {
                Some(Ok(v @ Value::Object(_))) if objects.len() < 2 => objects.push(v),
                _ => return None,
            }
            rest = &rest[stream.byte_offset()..];
            continue;
        }
        let label = line.trim();
        if label.chars().count() > 60 || label.contains(['{', '}', '[', ']', '.', '=']) {
            return None;
        }
        rest = &rest[line_end..];
    }
    match objects.as_slice() {
        [_] | [_, _] => Some(
            objects
                .iter()
                .map(Value::to_string)
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        _ => None,
    }
}

/// `text` without ANSI escape sequences: CSI (`ESC [` parameters, final byte `@`..`~`) and two-character
/// escapes; a lone `ESC` is dropped. The result holds no `ESC`. Linear.
pub(crate) fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            out.push(c);
            continue;
        }
        match chars.peek() {
            Some('[') => {
                chars.next();
                for p in chars.by_ref() {
                    if ('@'..='~').contains(&p) {
                        break;
                    }
                }
            }
            Some(next) if ('@'..='_').contains(next) => {
                chars.next();
            }
            _ => {}
        }
    }
    out
}

/// The first 40 characters of `text`, `…` when cut.
fn excerpt(text: &str) -> String {
    let mut out: String = text.chars().take(40).collect();
    if text.chars().nth(40).is_some() {
        out.push('…');
    }
    out
}

fn looks_like_claims(map: &Map<String, Value>) -> bool {
    !map.contains_key("alg")
        && ["iss", "sub", "aud", "exp", "iat"]
            .iter()
            .any(|k| map.contains_key(*k))
}

fn object(text: &str, seg: Segment, d: &mut Decoded) -> Option<Map<String, Value>> {
    match segment::decode_object(text, seg) {
        Ok((map, standard)) => {
            note_standard(standard, d);
            Some(map)
        }
        Err(e) => {
            d.errors.push(e);
            None
        }
    }
}

/// The payload's error is one of a segment that ends early: its JSON or its base64 stops short.
fn cut_short(e: &TokenError) -> bool {
    e.segment == Segment::Payload
        && match &e.kind {
            ErrorKind::NotJson { reason, .. } => reason.starts_with("EOF while parsing"),
            ErrorKind::InvalidLength { .. } | ErrorKind::InvalidLastSymbol { .. } => true,
            _ => false,
        }
}

fn note_standard(standard: bool, d: &mut Decoded) {
    if standard && !d.standard_base64 {
        d.standard_base64 = true;
        d.cleanup
            .push("read standard base64 (`+`, `/`) as base64url (`-`, `_`)".to_string());
    }
}

fn decode_json(text: &str, d: &mut Decoded) {
    d.json_pasted = true;
    // A decoded token: `{"header": {…}, "payload": {…}}` (`step crypto jwt inspect`), or the header and the
    // claims one after the other (as copied from jwt.io).
    let values: Vec<Value> = serde_json::Deserializer::from_str(text)
        .into_iter::<Value>()
        .take(3)
        .map_while(Result::ok)
        .collect();
    let parts = match &values[..] {
        [Value::Object(one)] => match (one.get("header"), one.get("payload").or(one.get("claims")))
        {
            (Some(Value::Object(h)), Some(Value::Object(c))) => {
                Some((h, c, "its `header` and `payload`"))
            }
            _ => None,
        },
        [Value::Object(h), Value::Object(c)] if h.contains_key("alg") => Some((
            h,
            c,
            "the first object as the header, the second as the claims",
        )),
        [Value::Object(c), Value::Object(h)] if h.contains_key("alg") && !c.contains_key("alg") => {
            Some((
                h,
                c,
                "the second object as the header, the first as the claims",
            ))
        }
        _ => None,
    };
    if let Some((header, claims, how)) = parts {
        d.cleanup
            .push(format!("read the pasted decoded token: {how}"));
        d.header = Some(header.clone());
        d.claims = Some(claims.clone());
        d.form = Form::Partial;
        return;
    }
    match segment::parse_object_text(text, Segment::Payload) {
        Ok(map) if map.contains_key("alg") && !looks_like_claims(&map) => {
            d.cleanup
                .push("read the pasted JSON as the header".to_string());
            d.header = Some(map);
            d.form = Form::Partial;
        }
        Ok(map) => {
            d.cleanup
                .push("read the pasted JSON as the claims".to_string());
            d.claims = Some(map);
            d.form = Form::Partial;
        }
        Err(mut e) => {
            // `print(claims)` in Python (after `jwt.decode(...)`): a dict's repr, not JSON.
            let python = text.starts_with("{'")
                || [": True", ": False", ": None"]
                    .iter()
                    .any(|w| text.contains(w));
            if let ErrorKind::NotJson { reason, .. } = &mut e.kind {
                if python {
                    reason.push_str(PYTHON_DICT);
                }
            }
            d.errors.push(e);
        }
    }
}

/// Said after the JSON error when the paste is a Python dict's repr.
const PYTHON_DICT: &str = " (this is a Python dict: single quotes, `True`/`False`/`None`)";

impl Decoded {
    /// A short paste that is no token at all and says what it is instead: a masked log value (`****`), an empty
    /// variable printed by a script (`undefined`, `null`, `None`), a variable's name (`$CIRCLE_OIDC_TOKEN_V2`).
    /// Its finding keeps the decoding error's code, with words about the paste instead of a segment.
    fn not_a_token(&self) -> Option<Finding> {
        if self.form != Form::Invalid || self.json_pasted || self.segment_count != 1 {
            return None;
        }
        let t = self.compact.as_str();
        let error = self.errors.first()?;
        let (what, fix) = if !t.is_empty() && t.chars().all(|c| c == '*' || c == 'x' || c == 'X') {
            (
                "a masked value: CircleCI hides secrets in step output as `********************`",
                "print the token so the mask does not match it (`echo $CIRCLE_OIDC_TOKEN_V2 | base64`: claimcheck reads that), or run `claimcheck check` in the job itself",
            )
        } else if t.len() <= 8 && t.starts_with("xxxx") {
            (
                "how CircleCI's settings pages show a variable (`xxxx` and its last 4 characters)",
                "print the token in the job (`echo $CIRCLE_OIDC_TOKEN_V2 | base64`: claimcheck reads that), or run `claimcheck check` in the job itself",
            )
        } else if ["undefined", "null", "None", "nil", "NULL", "(null)"].contains(&t) {
            (
                "what a script prints for an empty variable",
                "the variable was empty where it was printed: check that the job has OIDC tokens (a context on the job; forked pull requests need secrets passed) and print `$CIRCLE_OIDC_TOKEN_V2` in that job",
            )
        } else if t.starts_with('$') || t.starts_with("%CIRCLE") {
            (
                "a variable's name, not its value",
                "print the value (`echo \"$CIRCLE_OIDC_TOKEN_V2\"`, in double quotes) and paste what it printed",
            )
        } else {
            return None;
        };
        Some(
            Finding::new(
                error.code(),
                Severity::Error,
                Area::Token,
                format!("`{}` is not a token: it is {what}", excerpt(t)),
            )
            .with_fix(fix),
        )
    }

    /// Byte range of the n-th dot-separated segment (0 = header) in [`Decoded::compact`], so a view can
    /// highlight the segment an error names.
    pub fn segment_span(&self, index: usize) -> Option<std::ops::Range<usize>> {
        let mut start = 0;
        for (i, part) in self.compact.split('.').enumerate() {
            if i == index {
                return Some(start..start + part.len());
            }
            start += part.len() + 1;
        }
        None
    }

    /// Problems found while decoding, as findings (area `token`).
    pub fn findings(&self) -> Vec<Finding> {
        if let Some(f) = self.not_a_token() {
            return vec![f];
        }
        // Text that is no token at all: one error for the whole paste, not a decoding detail of a "header".
        if self.form == Form::Invalid
            && !self.json_pasted
            && self.segment_count == 1
            && !self.compact.starts_with("eyJ")
        {
            let e = TokenError::new(Segment::Token, ErrorKind::NotAJwt);
            return vec![
                Finding::new(e.code(), Severity::Error, Area::Token, e.to_string())
                    .with_fix(e.fix()),
            ];
        }
        let mut out: Vec<Finding> = self
            .errors
            .iter()
            .map(|e| match &e.kind {
                // Pasted JSON: it is no segment, and JSON that stops short is what `cut -d. -f2 | base64 -d`
                // prints (it drops the last bytes of unpadded base64url, so the closing `}` is missing).
                ErrorKind::NotJson {
                    line,
                    column,
                    reason,
                } if self.json_pasted => {
                    let cut = reason.starts_with("EOF while parsing");
                    let message = if cut {
                        format!("the pasted JSON stops before its end (line {line}, column {column}: {reason})")
                    } else {
                        format!("the pasted JSON is not valid at line {line}, column {column}: {reason}")
                    };
                    let fix = if reason.ends_with(PYTHON_DICT) {
                        "print the claims as JSON (`print(json.dumps(claims))`), or paste the token itself"
                    } else if cut {
                        "the claims were cut off: `base64 -d` drops the last bytes of an unpadded payload \
                         (`cut -d. -f2 | base64 -d`); paste the token itself, claimcheck decodes it"
                    } else {
                        "paste the token itself (`header.payload.signature`), or the decoded claims as valid JSON"
                    };
                    Finding::new(e.code(), Severity::Error, Area::Token, message)
                        .with_fix(fix)
                        .at(Location {
                            line: *line,
                            column: *column,
                        })
                }
                _ => Finding::new(e.code(), Severity::Error, Area::Token, e.to_string())
                    .with_fix(e.fix()),
            })
            .collect();
        if self.json_pasted && self.form != Form::Invalid {
            out.push(
                Finding::new(
                    "token-json-pasted",
                    Severity::Info,
                    Area::Token,
                    "the paste is JSON, not a token: it is read as is, with no header or signature to check",
                )
                .with_fix("paste the whole token (`header.payload.signature`) to check the header too"),
            );
        }
        match self.form {
            Form::Partial if !self.json_pasted => {
                let what = if self.segment_count == 1 {
                    "only one segment was pasted"
                } else {
                    "the token has no signature segment"
                };
                out.push(
                    Finding::new(
                        "token-partial",
                        Severity::Info,
                        Area::Token,
                        format!("{what}: what decodes is shown, but no platform accepts a token without its signature"),
                    )
                    .with_fix("copy the whole token: three base64url segments separated by dots"),
                );
            }
            Form::Jws if !self.signature_present && self.segment_count == 3 => out.push(
                Finding::new(
                    "token-unsigned",
                    Severity::Warning,
                    Area::Token,
                    "the signature segment is empty: no platform accepts an unsigned token",
                )
                .with_fix("copy the whole token, including the part after the second dot"),
            ),
            Form::Jwe => out.push(
                Finding::new(
                    "token-encrypted",
                    Severity::Info,
                    Area::Token,
                    "this is an encrypted token (JWE, five segments): its header is shown, its claims cannot be read without the recipient's key; CircleCI OIDC tokens are signed, not encrypted (three segments)",
                )
                .with_fix("paste `$CIRCLE_OIDC_TOKEN_V2` (or `$CIRCLE_OIDC_TOKEN`) from the job instead"),
            ),
            _ => {}
        }
        if self.standard_base64 {
            out.push(
                Finding::new(
                    "token-standard-base64",
                    Severity::Info,
                    Area::Token,
                    "the token uses standard base64 (`+`, `/`) where JWTs use base64url (`-`, `_`): it was read anyway, but something rewrote the token",
                )
                .with_fix("pass the token through unchanged; platforms reject the rewritten form"),
            );
        }
        if let Some(cut) = &self.cut_claims {
            out.push(
                Finding::new(
                    "token-payload-cut",
                    Severity::Info,
                    Area::Token,
                    format!(
                        "the payload stops before its end, so the token was cut off when it was copied: the {} claims before the cut are shown, but no verdict is made from a token that is not whole",
                        cut.len()
                    ),
                )
                .with_fix("copy the whole token again (`echo $CIRCLE_OIDC_TOKEN_V2` prints it on one line; a terminal may wrap or cut a long line)"),
            );
        }
        out
    }
}

#[cfg(test)]
mod tests;
