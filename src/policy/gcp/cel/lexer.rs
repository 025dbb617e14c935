//! CEL tokens. Linear in the input; every error names the byte offset it was found at.

/// One token and the byte offset it starts at.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned {
    pub tok: Tok,
    pub at: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    Int(i64),
    /// `9223372036854775808`: out of range, except after `-` (the smallest int, a literal in CEL's grammar).
    IntMinMagnitude,
    /// An unsigned literal (`1u`); parsed, never evaluated.
    Uint,
    Double(f64),
    Str(String),
    /// A bytes literal (`b"..."`); parsed, never evaluated.
    Bytes,
    Ident(String),
    Sym(&'static str),
    End,
}

const SYMBOLS: &[&str] = &[
    "==", "!=", "<=", ">=", "&&", "||", "<", ">", "!", "+", "-", "*", "/", "%", "?", ":", ".", ",",
    "(", ")", "[", "]", "{", "}",
];

/// Split `src` into tokens, or say where it cannot be read.
pub fn lex(src: &str) -> Result<Vec<Spanned>, String> {
    let bytes = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if src[i..].starts_with("//") {
            i = src[i..].find('\n').map_or(bytes.len(), |n| i + n);
            continue;
        }
        let at = i;
        // String and bytes literals, with optional r/b prefixes.
        let mut j = i;
        let mut raw = false;
        let mut is_bytes = false;
        while j < bytes.len() && j < i + 2 && matches!(bytes[j], b'r' | b'R' | b'b' | b'B') {
            raw |= matches!(bytes[j], b'r' | b'R');
            is_bytes |= matches!(bytes[j], b'b' | b'B');
            j += 1;
        }
        if j < bytes.len() && (bytes[j] == b'"' || bytes[j] == b'\'') {
            let (text, next) = string(src, j, raw).map_err(|e| format!("{e} at offset {at}"))?;
            out.push(Spanned {
                tok: if is_bytes { Tok::Bytes } else { Tok::Str(text) },
                at,
            });
            i = next;
            continue;
        }
        if c.is_ascii_alphabetic() || c == b'_' {
            let end = src[i..]
                .find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
                .map_or(bytes.len(), |n| i + n);
            out.push(Spanned {
                tok: Tok::Ident(src[i..end].to_string()),
                at,
            });
            i = end;
            continue;
        }
        if c.is_ascii_digit() || (c == b'.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)) {
            let (tok, next) = number(src, i).map_err(|e| format!("{e} at offset {at}"))?;
            out.push(Spanned { tok, at });
            i = next;
            continue;
        }
        match SYMBOLS.iter().find(|s| src[i..].starts_with(**s)) {
            Some(sym) => {
                out.push(Spanned {
                    tok: Tok::Sym(sym),
                    at,
                });
                i += sym.len();
            }
            None => {
                let ch = src[i..].chars().next().unwrap_or('?');
                return Err(format!(
                    "unexpected character {} at offset {at}",
                    describe_char(ch)
                ));
            }
        }
    }
    out.push(Spanned {
        tok: Tok::End,
        at: bytes.len(),
    });
    Ok(out)
}

/// The look-alikes copying from a web page, a word processor or a chat tool puts in an expression: invisible or
/// non-breaking spaces, and typographic quotes.
pub const LOOK_ALIKES: &[(char, &str)] = &[
    ('\u{a0}', "no-break space"),
    ('\u{202f}', "narrow no-break space"),
    ('\u{2007}', "figure space"),
    ('\u{2009}', "thin space"),
    ('\u{200b}', "zero-width space"),
    ('\u{200c}', "zero-width non-joiner"),
    ('\u{200d}', "zero-width joiner"),
    ('\u{2060}', "word joiner"),
    ('\u{feff}', "zero-width no-break space"),
    ('\u{3000}', "ideographic space"),
    ('\u{2018}', "left single quotation mark"),
    ('\u{2019}', "right single quotation mark"),
    ('\u{201c}', "left double quotation mark"),
    ('\u{201d}', "right double quotation mark"),
];

/// A character as a message shows it: `x` when printable ASCII, else its code point, its name when it is a
/// [`LOOK_ALIKES`] one (`U+00A0 (no-break space)`) and itself when visible (`U+2013 `–``).
pub fn describe_char(ch: char) -> String {
    if ch.is_ascii_graphic() {
        return format!("`{ch}`");
    }
    let code = format!("U+{:04X}", u32::from(ch));
    match LOOK_ALIKES.iter().find(|(c, _)| *c == ch) {
        Some((_, name)) => format!("{code} ({name})"),
        None if ch.is_whitespace() || ch.is_control() || ch.is_ascii() => code,
        None => format!("{code} `{ch}`"),
    }
}

fn number(src: &str, start: usize) -> Result<(Tok, usize), String> {
    let bytes = src.as_bytes();
    let mut i = start;
    if src[i..].starts_with("0x") || src[i..].starts_with("0X") {
        i += 2;
        let digits_start = i;
        while i < bytes.len() && bytes[i].is_ascii_hexdigit() {
            i += 1;
        }
        let value = i64::from_str_radix(&src[digits_start..i], 16)
            .map_err(|_| "hex literal out of range".to_string())?;
        if i < bytes.len() && matches!(bytes[i], b'u' | b'U') {
            return Ok((Tok::Uint, i + 1));
        }
        return Ok((Tok::Int(value), i));
    }
    let mut is_double = false;
    while i < bytes.len() && bytes[i].is_ascii_digit() {
        i += 1;
    }
    if i < bytes.len() && bytes[i] == b'.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit) {
        is_double = true;
        i += 1;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
    }
    if i < bytes.len() && matches!(bytes[i], b'e' | b'E') {
        let mut j = i + 1;
        if j < bytes.len() && matches!(bytes[j], b'+' | b'-') {
            j += 1;
        }
        if j < bytes.len() && bytes[j].is_ascii_digit() {
            is_double = true;
            i = j;
            while i < bytes.len() && bytes[i].is_ascii_digit() {
                i += 1;
            }
        }
    }
    let text = &src[start..i];
    if is_double {
        let v: f64 = text.parse().map_err(|_| format!("bad number `{text}`"))?;
        return Ok((Tok::Double(v), i));
    }
    if i < bytes.len() && matches!(bytes[i], b'u' | b'U') {
        return Ok((Tok::Uint, i + 1));
    }
    if text == "9223372036854775808" {
        return Ok((Tok::IntMinMagnitude, i));
    }
    let v: i64 = text
        .parse()
        .map_err(|_| format!("integer `{text}` out of range"))?;
    Ok((Tok::Int(v), i))
}

/// Read a quoted literal starting at the quote `start`; returns the text and the offset after it.
fn string(src: &str, start: usize, raw: bool) -> Result<(String, usize), String> {
    let quote_char = src.as_bytes()[start] as char;
    let triple: String = std::iter::repeat_n(quote_char, 3).collect();
    let (delim, body_start) = if src[start..].starts_with(&triple) {
        (triple.as_str(), start + 3)
    } else {
        (&src[start..start + 1], start + 1)
    };
    let mut out = String::new();
    let mut chars = src[body_start..].char_indices().peekable();
    while let Some((off, ch)) = chars.next() {
        let pos = body_start + off;
        if src[pos..].starts_with(delim) {
            return Ok((out, pos + delim.len()));
        }
        if delim.len() == 1 && (ch == '\n' || ch == '\r') {
            return Err("newline in a string literal".into());
        }
        if ch != '\\' || raw {
            out.push(ch);
            continue;
        }
        let Some((_, esc)) = chars.next() else { break };
        match esc {
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            'a' => out.push('\u{7}'),
            'b' => out.push('\u{8}'),
            'f' => out.push('\u{c}'),
            'v' => out.push('\u{b}'),
            '\\' | '\'' | '"' | '`' | '?' => out.push(esc),
            'x' | 'X' | 'u' | 'U' => {
                let n = match esc {
                    'x' | 'X' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let mut code = 0u32;
                for _ in 0..n {
                    let d = chars
                        .next()
                        .and_then(|(_, h)| h.to_digit(16))
                        .ok_or("bad escape in a string literal")?;
                    code = code * 16 + d;
                }
                out.push(char::from_u32(code).ok_or("escape is not a unicode scalar value")?);
            }
            '0'..='3' => {
                let mut code = esc.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    let d = chars
                        .next()
                        .and_then(|(_, o)| o.to_digit(8))
                        .ok_or("bad octal escape")?;
                    code = code * 8 + d;
                }
                out.push(char::from_u32(code).ok_or("bad octal escape")?);
            }
            other => return Err(format!("unknown escape `\\{other}`")),
        }
    }
    Err("unterminated string literal".into())
}

#[cfg(test)]
mod tests {
    use super::{lex, Tok};

    fn toks(src: &str) -> Vec<Tok> {
        lex(src).unwrap().into_iter().map(|s| s.tok).collect()
    }

    #[test]
    fn literals_and_symbols() {
        assert_eq!(
            toks("assertion['oidc.circleci.com/vcs-ref'] == \"refs/heads/main\""),
            vec![
                Tok::Ident("assertion".into()),
                Tok::Sym("["),
                Tok::Str("oidc.circleci.com/vcs-ref".into()),
                Tok::Sym("]"),
                Tok::Sym("=="),
                Tok::Str("refs/heads/main".into()),
                Tok::End
            ]
        );
        assert_eq!(
            toks("1 2.5 0x10 3u 1e3"),
            vec![
                Tok::Int(1),
                Tok::Double(2.5),
                Tok::Int(16),
                Tok::Uint,
                Tok::Double(1000.0),
                Tok::End
            ]
        );
        assert_eq!(
            toks(r#"'a\'b' r'\n' '\x41\u00e9' '''x'y'''"#),
            vec![
                Tok::Str("a'b".into()),
                Tok::Str("\\n".into()),
                Tok::Str("Aé".into()),
                Tok::Str("x'y".into()),
                Tok::End
            ]
        );
        assert_eq!(
            toks("a // comment\n&& b"),
            vec![
                Tok::Ident("a".into()),
                Tok::Sym("&&"),
                Tok::Ident("b".into()),
                Tok::End
            ]
        );
    }

    #[test]
    fn errors_name_the_offset() {
        assert_eq!(
            lex("a # b").unwrap_err(),
            "unexpected character `#` at offset 2"
        );
        assert!(lex("'abc")
            .unwrap_err()
            .starts_with("unterminated string literal"));
        assert!(lex("99999999999999999999").is_err());
        assert!(lex("'\\q'").is_err());
        assert!(lex("'é").is_err());
    }
}
