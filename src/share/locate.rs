//! Finding every JWS in pasted text as leniently as the token decoder ([`crate::token::decode`]) reads one:
//! standard base64 (`+`, `/`), `=` padding, and whitespace inside the token (terminal wrapping every N
//! characters with `\n` or `\r\n`, one line break anywhere, a space after a dot). Unlike the decoder, which
//! picks one token, this finds all of them (an `env | grep OIDC` listing holds two), with their place in the
//! text, so the scrubber can replace each one.
//!
//! A token starts at `ey` or `ew` (base64 of `{` followed by `"`, a space or a line break) that does not
//! continue a word. It goes on over base64 characters, `=` and dots, and over whitespace when what follows is
//! plainly more of the token:
//! - on the same line, when the whitespace touches a dot (`h.p. sig`);
//! - across a line break, when the next line starts with base64 that ends at the end of that line or at a
//!   character that cannot be in a token (a closing quote), has no `=` but padding, and the token is still
//!   incomplete: fewer than three segments, or a signature shorter than one of the lengths its `alg` produces.
//!
//! The header must decode to a JSON object's first byte (`{`) and the payload must not be empty; five segments
//! (an encrypted token) are left alone; a fourth segment ends the token after the third (`... the token was
//! h.p.s.`). Work is linear: each candidate's scan is bounded by a budget proportional to the text.

use std::ops::Range;

use super::b64;

/// At most this many whitespace gaps are crossed inside one token (a 2 KB token wrapped at 16 columns has 128).
const MAX_JOINS: usize = 256;

/// One JWS in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located {
    /// Where it sits in the text (bytes), whitespace inside included.
    pub span: Range<usize>,
    /// The segments with whitespace removed, as written (either base64 alphabet, padding kept).
    pub header: String,
    pub payload: String,
    /// Empty when absent or empty.
    pub signature: String,
}

fn is_piece(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+' | '/' | '=' | '.')
}

/// Characters that continue a word before a token, so `ey` there does not start one.
fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')
}

/// Every JWS in `text`, in order, not overlapping.
pub fn locate(text: &str) -> Vec<Located> {
    let mut found = Vec::new();
    // Work spent on candidates that turned out not to be tokens; bounded so hostile text stays linear.
    let mut budget = text.len().saturating_mul(4).saturating_add(4096);
    let mut from = 0;
    let mut prev: Option<char> = None;
    let mut iter = text.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        let before = prev;
        prev = Some(c);
        if i < from || c != 'e' || before.is_some_and(is_word) {
            continue;
        }
        if !matches!(iter.peek(), Some((_, 'y' | 'w'))) {
            continue;
        }
        let (located, scanned) = scan(text, i);
        match located {
            Some(t) => {
                from = t.span.end;
                found.push(t);
            }
            None => {
                budget = budget.saturating_sub(scanned);
                if budget == 0 {
                    break;
                }
            }
        }
    }
    found
}

/// Signature lengths (base64url characters, no padding) that `alg` produces; RSA's depend on the key size.
fn signature_lengths(alg: Option<&str>) -> &'static [usize] {
    match alg {
        Some("HS256") => &[43],
        Some("HS384") => &[64],
        Some("HS512" | "ES256" | "ES256K") => &[86],
        Some("ES384") => &[128],
        Some("ES512") => &[176],
        Some("EdDSA" | "Ed25519") => &[86, 152],
        Some(a) if a.starts_with("RS") || a.starts_with("PS") => &[171, 342, 512, 683, 1366],
        _ => &[43, 64, 86, 128, 152, 171, 176, 342, 512, 683, 1366],
    }
}

fn alg_of(header: &str) -> Option<String> {
    let bytes = b64::decode(header).ok()?;
    let value: serde_json::Value = serde_json::from_str(std::str::from_utf8(&bytes).ok()?).ok()?;
    value.get("alg")?.as_str().map(str::to_string)
}

/// Whether a token with these segments so far may go on on the next line.
fn wants_more(segments: &[String], alg: &mut Option<Option<String>>) -> bool {
    match segments {
        [_] | [_, _] => true,
        [header, _, sig] => {
            if sig.contains('=') {
                return false;
            }
            let alg = alg.get_or_insert_with(|| alg_of(header));
            let lengths = signature_lengths(alg.as_deref());
            !lengths.contains(&sig.len()) && lengths.iter().any(|&n| n > sig.len())
        }
        _ => false,
    }
}

/// Whether `next` (the text after a line break and indentation) is one more line of a wrapped token: base64
/// (with dots) up to the end of its line or a character that cannot be in a token, `=` only as padding.
fn continues_on_next_line(next: &str) -> bool {
    let len = next.find(|c: char| !is_piece(c)).unwrap_or(next.len());
    let piece = next.get(..len).unwrap_or_default();
    let body = piece.trim_end_matches('=');
    if piece.is_empty() || body.contains('=') {
        return false;
    }
    let after = next.get(len..).unwrap_or_default();
    let rest = after.trim_start_matches([' ', '\t']);
    after.is_empty()
        || rest.is_empty()
        || rest.starts_with(['\n', '\r'])
        || after.chars().next().is_some_and(|c| !c.is_whitespace())
}

/// Read the token starting at `start`; the token (if it is one) and how many bytes were looked at.
fn scan(text: &str, start: usize) -> (Option<Located>, usize) {
    let mut segments: Vec<String> = vec![String::new()];
    // Where the dot that starts the fourth segment sits: the token ends there.
    let mut fourth_dot: Option<usize> = None;
    let mut alg: Option<Option<String>> = None;
    let mut pos = start;
    let mut end;
    let mut joins = 0;
    loop {
        let rest = text.get(pos..).unwrap_or_default();
        let len = rest.find(|c: char| !is_piece(c)).unwrap_or(rest.len());
        for (k, c) in rest.get(..len).unwrap_or_default().char_indices() {
            if c == '.' {
                if segments.len() == 3 && fourth_dot.is_none() {
                    fourth_dot = Some(pos + k);
                }
                segments.push(String::new());
            } else if let Some(last) = segments.last_mut() {
                last.push(c);
            }
        }
        end = pos + len;
        if segments.len() > 5 || joins >= MAX_JOINS {
            break;
        }
        let after = text.get(end..).unwrap_or_default();
        let gap = after
            .find(|c: char| !c.is_whitespace())
            .unwrap_or(after.len());
        let next = after.get(gap..).unwrap_or_default();
        if gap == 0 || next.is_empty() || !next.starts_with(is_piece) {
            break;
        }
        let ws = after.get(..gap).unwrap_or_default();
        let join = if ws.contains(['\n', '\r']) {
            continues_on_next_line(next) && wants_more(&segments, &mut alg)
        } else {
            // A space touching a dot inside the first three segments: `h.p. sig`, `h. p.s`.
            let at_dot = rest.get(..len).is_some_and(|p| p.ends_with('.')) || next.starts_with('.');
            at_dot && segments.len() <= 3 && !(segments.len() == 3 && next.starts_with('.'))
        };
        if !join {
            break;
        }
        joins += 1;
        pos = end + gap;
    }
    let scanned = end.saturating_sub(start).max(1);
    let count = segments.len();
    if count == 5 || count < 2 {
        return (None, scanned);
    }
    let end = match fourth_dot {
        Some(dot) if count >= 4 => dot,
        _ => end,
    };
    segments.truncate(3);
    let header = segments.first().cloned().unwrap_or_default();
    let payload = segments.get(1).cloned().unwrap_or_default();
    let signature = segments.get(2).cloned().unwrap_or_default();
    if header.is_empty() || payload.is_empty() || !is_object_start(&header) {
        return (None, scanned);
    }
    // Trailing whitespace is not part of the token.
    let span_text = text.get(start..end).unwrap_or_default();
    let end = start + span_text.trim_end().len();
    (
        Some(Located {
            span: start..end,
            header,
            payload,
            signature,
        }),
        scanned,
    )
}

/// Whether a header segment decodes to text whose first non-whitespace byte is `{`.
fn is_object_start(header: &str) -> bool {
    b64::decode(header)
        .ok()
        .and_then(|bytes| bytes.into_iter().find(|b| !b.is_ascii_whitespace()))
        == Some(b'{')
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: &str = "eyJhbGciOiJSUzI1NiJ9";
    const P: &str = "eyJzdWIiOiJ4In0";

    fn spans(text: &str) -> Vec<(&str, String)> {
        locate(text)
            .into_iter()
            .map(|t| (&text[t.span.clone()], t.signature))
            .collect()
    }

    #[test]
    fn finds_plain_wrapped_and_spaced_tokens() {
        let t = format!("{H}.{P}.c2ln");
        assert_eq!(spans(&t), vec![(t.as_str(), "c2ln".to_string())]);
        assert_eq!(
            spans(&format!("Bearer {t}\n")),
            vec![(t.as_str(), "c2ln".to_string())]
        );
        let spaced = format!("{H}.{P}. c2ln");
        assert_eq!(spans(&spaced), vec![(spaced.as_str(), "c2ln".to_string())]);
        let wrapped = format!("{}\n{}", &t[..10], &t[10..]);
        assert_eq!(
            spans(&wrapped),
            vec![(wrapped.as_str(), "c2ln".to_string())]
        );
        let quoted = format!("X=\"{}\r\n{}\"", &t[..30], &t[30..]);
        assert_eq!(spans(&quoted)[0].0, &quoted[3..quoted.len() - 1]);
        let standard = format!("{H}.{P}.ab+c/d==");
        assert_eq!(spans(&standard)[0].1, "ab+c/d==");
    }

    #[test]
    fn stops_at_the_end_of_the_token() {
        let t = format!("{H}.{P}.c2ln");
        // A sentence's full stop, a fourth segment, the next word, the next assignment.
        assert_eq!(
            spans(&format!("see {t}. Then")),
            vec![(t.as_str(), "c2ln".to_string())]
        );
        assert_eq!(spans(&format!("{t}.x"))[0].0, t);
        assert_eq!(spans(&format!("{t} and more"))[0].0, t);
        let listing = format!("A={t}\nB={t}\n");
        assert_eq!(spans(&listing).len(), 2);
        // Two tokens on consecutive lines, each complete (RS256: 342 characters).
        let sig = "A".repeat(342);
        let full = format!("{H}.{P}.{sig}");
        assert_eq!(spans(&format!("{full}\n{full}")).len(), 2);
        // A five-segment JWE is not a JWS.
        assert!(locate(&format!("{H}.a.b.c.d")).is_empty());
    }

    #[test]
    fn leaves_other_text_alone() {
        for text in [
            "www.example.com",
            "key.ey.ey",
            "a.eyJ.b",
            "",
            "é ey",
            "ey\ney\ney",
        ] {
            assert!(locate(text).is_empty(), "{text}");
        }
    }

    #[test]
    fn hostile_text_takes_linear_time() {
        let started = std::time::Instant::now();
        for text in [
            "ey/".repeat(100_000),
            "ey\n".repeat(100_000),
            "eyJh.".repeat(100_000),
            "ey. ".repeat(100_000),
        ] {
            let _ = locate(&text);
        }
        assert!(started.elapsed() < std::time::Duration::from_secs(10));
    }
}
