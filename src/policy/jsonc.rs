//! JSON as people write it by hand (JSONC, JSON5 habits): `//` and `/* */` comments and trailing commas. No
//! cloud accepts them, but a policy copied from an editor, a gist or a chat often has a note in it; reading it
//! without them tells the user more than refusing the whole text does.
//!
//! [`strip`] blanks each such character out with one space (line breaks are kept), so every line and column of
//! what remains is where it was in the pasted text, and the platforms' locations need no mapping.

use crate::report::{Lines, Location};

/// What [`strip`] took out of the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Removed {
    Comment,
    TrailingComma,
}

/// Pasted text with its comments and trailing commas blanked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stripped {
    pub text: String,
    /// What was removed and where, in text order.
    pub removed: Vec<(Removed, Location)>,
    /// Where the document is in the stripped text: from its first non-blank character to just past its last.
    pub document: std::ops::Range<Location>,
}

/// Whether a character of JSON text is inside a string, fed one character at a time: strings are what a scan
/// for structure (a comment, a comma, a bracket) must skip, escapes included.
#[derive(Debug, Default)]
pub struct InString {
    open: bool,
    escaped: bool,
}

impl InString {
    /// Takes the next character; true when it belongs to a string (its opening and closing quotes included).
    pub fn step(&mut self, c: char) -> bool {
        if !self.open {
            self.open = c == '"';
            return self.open;
        }
        match c {
            _ if self.escaped => self.escaped = false,
            '\\' => self.escaped = true,
            '"' => self.open = false,
            _ => {}
        }
        true
    }
}

/// `text` without its comments and trailing commas (a `,` whose next character, past blanks and comments, is
/// `}` or `]`); `None` when it has none. Strings are left alone (`"https://…"` holds no comment). An
/// unterminated `/*` runs to the end of the text.
pub fn strip(text: &str) -> Option<Stripped> {
    let mut out = String::with_capacity(text.len());
    let mut removed = Vec::new();
    // Byte offsets in `out` of the commas seen since the last value character (a candidate trailing comma).
    let mut comma: Option<usize> = None;
    let mut commas = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut string = InString::default();
    while let Some((i, c)) = chars.next() {
        let rest = &text[i..];
        if !string.open && (rest.starts_with("//") || rest.starts_with("/*")) {
            let end = if rest.starts_with("//") {
                rest.find('\n').unwrap_or(rest.len())
            } else {
                rest[2..].find("*/").map_or(rest.len(), |e| e + 4)
            };
            removed.push((Removed::Comment, out.len()));
            for b in rest[..end].chars() {
                out.push(if b == '\n' || b == '\r' { b } else { ' ' });
            }
            while chars.peek().is_some_and(|&(j, _)| j < i + end) {
                chars.next();
            }
            continue;
        }
        // A string is a value: no comma before it is trailing, and nothing inside it is structure.
        if string.step(c) {
            comma = None;
            out.push(c);
            continue;
        }
        match c {
            ',' => {
                // Two commas in a row are an error of their own, left for the JSON reader to report.
                comma = Some(out.len());
            }
            '}' | ']' => {
                if let Some(at) = comma.take() {
                    commas.push(at);
                }
            }
            c if c.is_whitespace() => {}
            _ => comma = None,
        }
        out.push(c);
    }
    if removed.is_empty() && commas.is_empty() {
        return None;
    }
    // Blank the trailing commas (ASCII, one byte each) and merge them into the comments' order.
    let mut bytes = out.into_bytes();
    for &at in &commas {
        bytes[at] = b' ';
    }
    let text = String::from_utf8(bytes).ok()?;
    removed.extend(commas.into_iter().map(|at| (Removed::TrailingComma, at)));
    removed.sort_by_key(|&(_, at)| at);
    let lines = Lines::new(&text);
    let removed = removed
        .into_iter()
        .map(|(what, at)| (what, lines.location(at)))
        .collect();
    let start = text.len() - text.trim_start().len();
    let end = text.trim_end().len().max(start);
    let document = lines.location(start)..lines.location(end);
    Some(Stripped {
        text,
        removed,
        document,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: usize, column: usize) -> Location {
        Location { line, column }
    }

    #[test]
    fn comments_and_trailing_commas_are_blanked_in_place() {
        let text = "{\n  \"a\": \"https://x\", // note\n  /* b\n  c */ \"b\": [1, 2,],\n}";
        let s = strip(text).unwrap();
        let expected = [
            "{",
            "  \"a\": \"https://x\",        ",
            "      ",
            "       \"b\": [1, 2 ] ",
            "}",
        ];
        assert_eq!(s.text, expected.join("\n"));
        let v: serde_json::Value = serde_json::from_str(&s.text).unwrap();
        assert_eq!(v["b"], serde_json::json!([1, 2]));
        assert_eq!(
            s.removed,
            vec![
                (Removed::Comment, at(2, 21)),
                (Removed::Comment, at(3, 3)),
                (Removed::TrailingComma, at(4, 18)),
                (Removed::TrailingComma, at(4, 20)),
            ]
        );
    }

    #[test]
    fn strings_keep_what_looks_like_comments() {
        assert_eq!(strip(r#"{"a": "//x", "b": "/*y*/", "c": "\"//"}"#), None);
        assert_eq!(strip(r#"{"a": "x, }", "b": ["y,]"]}"#), None);
        assert_eq!(strip("[1, 2]"), None);
    }

    #[test]
    fn columns_count_characters_after_a_comment_of_wide_ones() {
        let s = strip("{/* é😀 */ \"a\": 1,}").unwrap();
        assert_eq!(s.removed[1], (Removed::TrailingComma, at(1, 17)));
        assert_eq!(
            s.text.chars().count(),
            "{/* é😀 */ \"a\": 1,}".chars().count()
        );
    }

    #[test]
    fn a_comma_before_a_comment_then_a_bracket_is_trailing() {
        let s = strip("[1, // last\n]").unwrap();
        assert_eq!(s.text, "[1         \n]");
        assert_eq!(
            s.removed,
            vec![
                (Removed::TrailingComma, at(1, 3)),
                (Removed::Comment, at(1, 5))
            ]
        );
    }

    #[test]
    fn unterminated_comment_runs_to_the_end() {
        let s = strip("{} /* open").unwrap();
        assert_eq!(s.text, "{}        ");
        assert_eq!(s.document, at(1, 1)..at(1, 3));
    }
}
