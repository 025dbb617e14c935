//! Decoding one segment: lenient base64url (padding optional; standard base64 `+` `/` tolerated), then
//! UTF-8, then a JSON object. Each step reports where it failed.

use base64::alphabet::URL_SAFE;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::{DecodeError, Engine};
use serde_json::{Map, Value};

use super::error::{ErrorKind, Segment, TokenError};
use crate::policy::jsonc::InString;

/// base64url, with or without `=` padding, ignoring non-zero trailing bits.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// A character as shown in a message: itself when printable ASCII, else its code point (`U+200B`).
pub fn describe_char(c: char) -> String {
    if c.is_ascii_graphic() {
        c.to_string()
    } else {
        format!("U+{:04X}", u32::from(c))
    }
}

fn char_at(text: &str, offset: usize) -> String {
    text.get(offset..)
        .and_then(|s| s.chars().next())
        .map(describe_char)
        .unwrap_or_else(|| "?".to_string())
}

/// Decode one segment's base64url text. The flag says whether standard base64 (`+`, `/`) was seen.
pub fn decode_base64(text: &str, segment: Segment) -> Result<(Vec<u8>, bool), TokenError> {
    if text.is_empty() {
        return Err(TokenError::new(segment, ErrorKind::EmptySegment));
    }
    let standard = text.bytes().any(|b| b == b'+' || b == b'/');
    let owned;
    let input = if standard {
        owned = text.replace('+', "-").replace('/', "_");
        owned.as_str()
    } else {
        text
    };
    match LENIENT.decode(input) {
        Ok(bytes) => Ok((bytes, standard)),
        Err(e) => Err(match e {
            DecodeError::InvalidByte(off, _) => TokenError::new(
                segment,
                ErrorKind::InvalidCharacter {
                    character: char_at(text, off),
                },
            )
            .at(off),
            DecodeError::InvalidLength(length) => {
                TokenError::new(segment, ErrorKind::InvalidLength { length })
            }
            DecodeError::InvalidLastSymbol(off, _) => TokenError::new(
                segment,
                ErrorKind::InvalidLastSymbol {
                    character: char_at(text, off),
                },
            )
            .at(off),
            DecodeError::InvalidPadding => TokenError::new(segment, ErrorKind::InvalidPadding),
        }),
    }
}

/// The JSON type name used in messages.
pub fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Decoded bytes to a JSON object. serde_json bounds nesting depth (128), so hostile input cannot
/// exhaust the stack.
pub fn parse_object(bytes: &[u8], segment: Segment) -> Result<Map<String, Value>, TokenError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| TokenError::new(segment, ErrorKind::NotUtf8).at(e.valid_up_to()))?;
    parse_object_text(text, segment)
}

/// JSON text to an object, with line/column on failure.
pub fn parse_object_text(text: &str, segment: Segment) -> Result<Map<String, Value>, TokenError> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(other) => Err(TokenError::new(
            segment,
            ErrorKind::NotObject {
                found: json_type(&other),
            },
        )),
        Err(e) => {
            let full = e.to_string();
            let reason = match full.rfind(" at line ") {
                Some(i) => full.get(..i).unwrap_or(&full).to_string(),
                None => full,
            };
            Err(TokenError::new(
                segment,
                ErrorKind::NotJson {
                    line: e.line(),
                    column: e.column(),
                    reason,
                },
            ))
        }
    }
}

/// The members of a JSON object cut short (a token copied without its end): the object up to its last
/// top-level `,`, closed. `None` when there is no complete member, or the text is not an object's beginning.
/// One pass to find the comma, one parse; only text that ends early is worth it ([`cut_claims`]).
pub fn cut_object(text: &str) -> Option<Map<String, Value>> {
    let body = text.trim_start().strip_prefix('{')?;
    let (mut depth, mut string, mut last) = (0usize, InString::default(), None);
    for (i, c) in body.char_indices() {
        if string.step(c) {
            continue;
        }
        match c {
            '{' | '[' => depth += 1,
            '}' | ']' => depth = depth.checked_sub(1)?,
            ',' if depth == 0 => last = Some(i),
            _ => {}
        }
    }
    let members = body.get(..last?)?;
    match serde_json::from_str::<Value>(&format!("{{{members}}}")) {
        Ok(Value::Object(map)) if !map.is_empty() => Some(map),
        _ => None,
    }
}

/// The claims of a payload segment cut short: its base64url decoded as far as it goes (whole 4-character
/// groups; a character split at the cut is dropped), then [`cut_object`].
pub fn cut_claims(text: &str) -> Option<Map<String, Value>> {
    let whole = text.get(..text.len() / 4 * 4)?;
    let (bytes, _) = decode_base64(whole, Segment::Payload).ok()?;
    let valid = match std::str::from_utf8(&bytes) {
        Ok(t) => t,
        Err(e) => std::str::from_utf8(&bytes[..e.valid_up_to()]).ok()?,
    };
    cut_object(valid)
}

/// Decode a segment all the way to a JSON object.
pub fn decode_object(
    text: &str,
    segment: Segment,
) -> Result<(Map<String, Value>, bool), TokenError> {
    let (bytes, standard) = decode_base64(text, segment)?;
    Ok((parse_object(&bytes, segment)?, standard))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_object_cut_short_keeps_its_whole_members() {
        let cut =
            cut_object(r#"{"iss": "https://x", "n": [1, {"a": ","}], "sub": "org/o/proj"#).unwrap();
        assert_eq!(cut.keys().collect::<Vec<_>>(), ["iss", "n"]);
        assert_eq!(cut["n"], serde_json::json!([1, {"a": ","}]));
        // A comma inside a string or a nested value is no member's end; nothing whole, nothing kept.
        assert_eq!(cut_object(r#"{"iss": "a,b"#), None);
        assert_eq!(cut_object(r#"{"n": [1, 2"#), None);
        assert_eq!(cut_object("[1, 2, 3"), None);
        assert_eq!(cut_object("{\"a\": 1, } }, \"b"), None);
    }

    #[test]
    fn decodes_with_and_without_padding() {
        assert_eq!(
            decode_base64("eyJhIjoxfQ", Segment::Header).unwrap().0,
            br#"{"a":1}"#
        );
        assert_eq!(
            decode_base64("eyJhIjoxfQ==", Segment::Header).unwrap().0,
            br#"{"a":1}"#
        );
    }

    #[test]
    fn tolerates_standard_base64_and_says_so() {
        // `{"a":"??>"}` has `/` in standard base64 and `_` in base64url.
        let (bytes, standard) = decode_base64("eyJhIjoiPz8+In0", Segment::Payload).unwrap();
        assert_eq!(bytes, br#"{"a":"??>"}"#);
        assert!(standard);
        assert!(
            !decode_base64("eyJhIjoiPz8-In0", Segment::Payload)
                .unwrap()
                .1
        );
    }

    #[test]
    fn reports_the_offending_character_and_offset() {
        let e = decode_base64("eyJh!joxfQ", Segment::Payload).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the payload segment is not base64url: `!` at offset 4"
        );
        assert_eq!(e.offset, Some(4));
        assert_eq!(e.code(), "token-not-base64url");
        let e = decode_base64("eyJh\u{200b}joxfQ", Segment::Header).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the header segment is not base64url: `U+200B` at offset 4"
        );
        let e = decode_base64("eyJhI", Segment::Header).unwrap_err();
        assert_eq!(e.kind, ErrorKind::InvalidLength { length: 5 });
        assert_eq!(
            decode_base64("", Segment::Payload).unwrap_err().kind,
            ErrorKind::EmptySegment
        );
    }

    #[test]
    fn reports_utf8_json_and_object_errors() {
        let e = parse_object(b"{\"a\":\"\xff\"}", Segment::Payload).unwrap_err();
        assert_eq!((e.kind.clone(), e.offset), (ErrorKind::NotUtf8, Some(6)));
        assert_eq!(
            e.to_string(),
            "the payload segment decodes to bytes that are not UTF-8 (at byte 6)"
        );
        let e = parse_object(b"{\n\"a\": tru}", Segment::Payload).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the payload segment is not JSON at line 2, column 9: expected ident"
        );
        assert_eq!(e.code(), "token-not-json");
        let e = parse_object(b"[1]", Segment::Payload).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the payload segment is JSON but not an object (found an array)"
        );
        assert_eq!(e.code(), "token-not-object");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "[".repeat(100_000);
        let e = parse_object(deep.as_bytes(), Segment::Payload).unwrap_err();
        assert_eq!(e.code(), "token-not-json");
    }
}
