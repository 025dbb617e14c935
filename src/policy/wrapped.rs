//! A trust configuration pasted inside something else: a Markdown code fence (a GitHub issue, a chat) or a
//! command line that carries it as a quoted argument (`aws iam update-assume-role-policy --policy-document
//! '{...}'`, `vault write ... - <<EOF`). The inner text is evaluated, and locations point into what was pasted.

use crate::report::Location;

/// Where the inner document starts in the pasted text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Offset {
    /// Lines before the inner text's first line.
    pub lines: usize,
    /// Characters before the inner text on its first line.
    pub columns: usize,
}

impl Offset {
    /// `at` (in the inner text) as a location in the pasted text.
    pub fn shift(self, at: Location) -> Location {
        Location {
            line: at.line + self.lines,
            column: if at.line == 1 {
                at.column + self.columns
            } else {
                at.column
            },
        }
    }
}

/// The document inside `text`, and where it starts: the first Markdown code fence's body, or a JSON object
/// in single quotes on a command line, or a here-document's body. `None` when there is no such wrapper.
/// (A command's output among terminal lines is [`output`].)
pub fn inner(text: &str) -> Option<(&str, Offset)> {
    fence(text)
        .or_else(|| quoted(text))
        .or_else(|| heredoc(text))
}

/// A command's JSON output copied from a terminal with the lines around it (`$ aws iam get-role ...` before,
/// the next prompt after): from the first line that opens a JSON object or array to the last line that closes
/// one. `None` when that is the whole text (nothing wraps it).
pub fn output(text: &str) -> Option<(&str, Offset)> {
    let mut start = None;
    let mut end = None;
    let mut pos = 0;
    for (n, line) in text.split_inclusive('\n').enumerate() {
        let t = line.trim_start();
        if start.is_none() && (t.starts_with('{') || t.starts_with('[')) {
            start = Some((pos, n));
        }
        if start.is_some() && (t.starts_with('}') || t.starts_with(']')) {
            end = Some(pos + line.trim_end().len());
        }
        pos += line.len();
    }
    let (from, lines) = start?;
    let to = end?;
    let body = text.get(from..to)?;
    (body.trim() != text.trim()).then_some((body, Offset { lines, columns: 0 }))
}

/// The body of the first ```` ``` ```` (or `~~~`) fence. As pasted, not as Markdown renders it: a closing fence
/// at the end of the last line (`}````), or none at all (the rest of the text), still ends the body.
fn fence(text: &str) -> Option<(&str, Offset)> {
    let mut start = None;
    let mut pos = 0;
    let found = |from: usize, to: usize, lines: usize| {
        let body = text.get(from..to)?;
        (!body.trim().is_empty()).then_some((body, Offset { lines, columns: 0 }))
    };
    for (n, line) in text.split_inclusive('\n').enumerate() {
        let t = line.trim();
        let opens = t.starts_with("```") || t.starts_with("~~~");
        match start {
            None if opens => start = Some((pos + line.len(), n + 1)),
            Some((from, lines)) if opens => return found(from, pos, lines),
            Some((from, lines)) if t.ends_with("```") || t.ends_with("~~~") => {
                let end = pos + line.trim_end().len() - 3;
                return found(from, end, lines);
            }
            _ => {}
        }
        pos += line.len();
    }
    let (from, lines) = start?;
    found(from, text.len(), lines)
}

/// A `'{ ... }'` argument: from the first `'{` to the last `}'`.
fn quoted(text: &str) -> Option<(&str, Offset)> {
    let open = text.find("'{")? + 1;
    let close = text.rfind("}'")? + 1;
    (close > open).then(|| {
        let before = text.get(..open).unwrap_or("");
        let lines = before.matches('\n').count();
        let columns = before.rsplit('\n').next().map_or(0, |l| l.chars().count());
        (
            text.get(open..close).unwrap_or(""),
            Offset { lines, columns },
        )
    })
}

/// A here-document: the lines after `<<WORD` (or `<<'WORD'`, `<<-WORD`) up to the line `WORD`.
fn heredoc(text: &str) -> Option<(&str, Offset)> {
    let at = text.find("<<")?;
    let rest = text.get(at + 2..)?;
    let line_end = rest.find('\n')?;
    let word = rest[..line_end]
        .trim()
        .trim_start_matches('-')
        .trim_matches(|c| c == '\'' || c == '"')
        .split_whitespace()
        .next()?;
    if word.is_empty() || !word.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return None;
    }
    let from = at + 2 + line_end + 1;
    let body = text.get(from..)?;
    let mut end = body.len();
    let mut pos = 0;
    for line in body.split_inclusive('\n') {
        if line.trim() == word {
            end = pos;
            break;
        }
        pos += line.len();
    }
    let lines = text.get(..from)?.matches('\n').count();
    Some((body.get(..end)?, Offset { lines, columns: 0 }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fence_closed_on_the_last_line_or_not_at_all_still_ends_the_body() {
        let glued = "Our role\n\n```json\n{\"a\": 1\n}```\n";
        assert_eq!(inner(glued).map(|(b, _)| b), Some("{\"a\": 1\n}"));
        let open = "```\n{\"a\": 1}\n";
        assert_eq!(inner(open).map(|(b, _)| b), Some("{\"a\": 1}\n"));
        assert_eq!(inner("```\n\n```"), None, "an empty fence");
    }

    #[test]
    fn finds_the_document_and_where_it_starts() {
        let md = "see below\n\n```json\n{\"a\": 1}\n```\nthanks";
        assert_eq!(
            inner(md),
            Some((
                "{\"a\": 1}\n",
                Offset {
                    lines: 3,
                    columns: 0
                }
            ))
        );
        let cmd = "aws iam update-assume-role-policy --role-name r --policy-document '{\"a\": 1}'";
        let (doc, at) = inner(cmd).unwrap();
        assert_eq!(doc, "{\"a\": 1}");
        assert_eq!(&cmd[at.columns..at.columns + 1], "{");
        assert_eq!(
            at.shift(Location { line: 1, column: 2 }),
            Location {
                line: 1,
                column: 2 + at.columns
            }
        );
        let here = "vault write auth/jwt/role/deploy - <<EOF\n{\"role_type\": \"jwt\"}\nEOF\n";
        assert_eq!(
            inner(here),
            Some((
                "{\"role_type\": \"jwt\"}\n",
                Offset {
                    lines: 1,
                    columns: 0
                }
            ))
        );
        assert_eq!(inner("{\"a\": 1}"), None);
        // Terminal output: the prompt and command before the JSON, the next prompt after it.
        let term = "$ aws iam get-role --role-name r\n{\n    \"Role\": {}\n}\n$ \n";
        assert_eq!(
            output(term),
            Some((
                "{\n    \"Role\": {}\n}",
                Offset {
                    lines: 1,
                    columns: 0
                }
            ))
        );
        assert_eq!(output("{\n  \"a\": 1\n}\n"), None, "nothing around it");
        assert_eq!(output("$ echo\n{ not closed\n"), None);
        assert_eq!(inner("```\n```"), None);
        assert_eq!(inner("x <<'' y"), None);
    }
}
