//! A reader for the block YAML people paste instead of JSON: `gcloud ... describe` (YAML unless told
//! `--format=json`), CloudFormation templates, `aws ... --output yaml`.
//!
//! Read: block mappings and sequences (a sequence may sit at its key's own indentation, as gcloud prints it),
//! plain, single- and double-quoted scalars (also over several lines), literal and folded block scalars (`|`,
//! `>`, with `-`/`+`), flow sequences and mappings (`[a, b]`, `{k: v}`), comments, and several `---`
//! documents (read as a list, as `gcloud ... list` prints them).
//! CloudFormation's short-form tags become the long form (`!Sub x` is `{"Fn::Sub": x}`, `!Ref x` is
//! `{"Ref": x}`), so [`super::aws`] resolves them as in a JSON template. Plain `true`/`false`/`null` and
//! numbers are typed, everything else is a string (a date stays text: `2012-10-17`).
//!
//! Not read, with an error that says where: anchors and aliases, complex keys (`? `), tabs in indentation,
//! and anything nested deeper than [`MAX_DEPTH`]. Linear in the text, and never panics.

mod flow;
mod scalar;

use serde_json::{Map, Value};

use flow::Flow;
use scalar::{plain, tagged, unquote};

use super::json::pointer_push;
use crate::report::Location;

/// Deeper nesting is refused (a hostile paste must not exhaust the stack).
pub const MAX_DEPTH: usize = 64;

/// Why the text could not be read, and where.
#[derive(Debug, Clone, PartialEq)]
pub struct YamlError {
    pub message: String,
    pub location: Location,
}

/// A document read from YAML, with where each mapping key and sequence item was written (JSON Pointer).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Parsed {
    pub value: Value,
    /// (pointer, location), in document order. A list, not a map: it is only searched for the few findings
    /// that carry a location, and a map's hashing code would cost more wasm bytes than the searches cost time.
    pub spans: Vec<(String, Location)>,
}

impl Parsed {
    /// Where the value at `pointer` was written (of a repeated key, the last, which is the one read).
    pub fn locate(&self, pointer: &str) -> Option<Location> {
        self.spans
            .iter()
            .rev()
            .find(|(p, _)| p == pointer)
            .map(|(_, l)| *l)
    }
}

/// Whether `text` looks like a YAML mapping or sequence rather than JSON (or HCL, or a table).
pub fn looks_like_yaml(text: &str) -> bool {
    let text = text.trim_start_matches('\u{feff}');
    let first = text
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with('#') && *l != "---" && !l.starts_with('%'));
    match first {
        Some(l) => (l.starts_with("- ") || key_end(l).is_some()) && !l.starts_with('{'),
        None => false,
    }
}

/// Read `text`: one YAML document, or several (`---` between them, as `gcloud ... list` prints them), which
/// are read as a list.
pub fn parse(text: &str) -> Result<Parsed, YamlError> {
    let text = text.trim_start_matches('\u{feff}');
    let raw: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let mut docs: Vec<Vec<Line<'_>>> = vec![Vec::new()];
    for (i, l) in raw.iter().enumerate() {
        let trimmed = l.trim();
        let empty_doc = docs.last().is_none_or(Vec::is_empty);
        if trimmed.is_empty() || trimmed.starts_with('#') || (empty_doc && trimmed.starts_with('%'))
        {
            continue;
        }
        if l.starts_with("---") || l.starts_with("...") {
            if !empty_doc {
                docs.push(Vec::new());
            }
            let rest = l.get(3..).unwrap_or_default().trim();
            if rest.is_empty() || rest.starts_with('#') {
                continue;
            }
            return Err(error("content on the `---` line", i + 1, 4));
        }
        let indent = l.len() - l.trim_start_matches(' ').len();
        if l[indent..].starts_with('\t') {
            return Err(error(
                "a tab in the indentation: YAML indents with spaces",
                i + 1,
                indent + 1,
            ));
        }
        if let Some(doc) = docs.last_mut() {
            doc.push(Line {
                no: i + 1,
                indent,
                text: l[indent..].trim_end(),
            });
        }
    }
    docs.retain(|d| !d.is_empty());
    let several = docs.len() > 1;
    let mut p = Parser {
        raw,
        lines: Vec::new(),
        pos: 0,
        depth: 0,
        spans: Vec::new(),
    };
    let mut values = Vec::with_capacity(docs.len());
    for (i, lines) in docs.into_iter().enumerate() {
        let indent = lines.first().map_or(0, |l| l.indent);
        p.lines = lines;
        p.pos = 0;
        let pointer = if several {
            format!("/{i}")
        } else {
            String::new()
        };
        // A document is where its first line is (as a JSON document is where its `{` is).
        if let Some(first) = p.lines.first() {
            p.spans.push((
                pointer.clone(),
                Location {
                    line: first.no,
                    column: first.indent + 1,
                },
            ));
        }
        values.push(p.node(indent, pointer)?);
        if let Some(extra) = p.lines.get(p.pos) {
            return Err(error(
                "this line is outside the document's structure (check its indentation)",
                extra.no,
                extra.indent + 1,
            ));
        }
    }
    let value = match (several, values.pop()) {
        (true, Some(last)) => {
            values.push(last);
            Value::Array(values)
        }
        (false, Some(only)) => only,
        (_, None) => Value::Null,
    };
    Ok(Parsed {
        value,
        spans: p.spans,
    })
}

fn error(message: impl Into<String>, line: usize, column: usize) -> YamlError {
    YamlError {
        message: message.into(),
        location: Location { line, column },
    }
}

/// A line with content (blank and comment lines are left out).
#[derive(Debug, Clone, Copy)]
struct Line<'a> {
    /// 1-based line number in the text.
    no: usize,
    indent: usize,
    /// From the first non-space character, trailing whitespace removed.
    text: &'a str,
}

struct Parser<'a> {
    raw: Vec<&'a str>,
    lines: Vec<Line<'a>>,
    pos: usize,
    depth: usize,
    spans: Vec<(String, Location)>,
}

/// Where the key of a `key: value` line ends (the `:`), for a plain or quoted key.
fn key_end(text: &str) -> Option<usize> {
    let first = text.chars().next()?;
    if first == '"' || first == '\'' {
        let close = quoted_end(text)?;
        let after = text.get(close..)?;
        let colon = close + (after.len() - after.trim_start_matches(' ').len());
        return text
            .get(colon..)
            .filter(|r| r.starts_with(':') && separated(&r[1..]))
            .map(|_| colon);
    }
    if text.starts_with("- ")
        || text == "-"
        || matches!(
            first,
            '[' | '{' | '#' | '|' | '>' | '&' | '*' | '!' | '?' | '%' | '@' | '`'
        )
    {
        return None;
    }
    // A `:` after ` #` is inside a comment.
    let limit = text.find(" #").unwrap_or(text.len());
    let mut from = 0;
    while let Some(i) = text.get(from..limit)?.find(':') {
        let at = from + i;
        if separated(&text[at + 1..]) {
            return (at > 0).then_some(at);
        }
        from = at + 1;
    }
    None
}

/// Where a quoted scalar or flow collection closes, scanned as lines are added (so a long unclosed one costs
/// one pass, not one per line).
#[derive(Default)]
struct Closing {
    /// Bytes scanned so far.
    pos: usize,
    /// Open brackets.
    depth: usize,
    /// The quote of the string being scanned.
    quote: Option<u8>,
}

impl Closing {
    /// Scan what was added to `text` (which only grows); true once the construct it starts with is closed.
    fn advance(&mut self, text: &str) -> bool {
        let bytes = text.as_bytes();
        while self.pos < bytes.len() {
            let b = bytes[self.pos];
            self.pos += 1;
            match (self.quote, b) {
                (Some(b'"'), b'\\') => self.pos += 1,
                (Some(b'\''), b'\'') if bytes.get(self.pos) == Some(&b'\'') => self.pos += 1,
                (Some(q), _) if q == b => {
                    self.quote = None;
                    if self.depth == 0 {
                        return true;
                    }
                }
                (Some(_), _) => {}
                (None, b'"' | b'\'') => self.quote = Some(b),
                (None, b'[' | b'{') => self.depth += 1,
                (None, b']' | b'}') => {
                    self.depth = self.depth.saturating_sub(1);
                    if self.depth == 0 {
                        return true;
                    }
                }
                (None, _) => {}
            }
        }
        false
    }
}

/// Whether what follows a `:` makes it a key separator: nothing, a space, or a comment.
fn separated(rest: &str) -> bool {
    rest.is_empty() || rest.starts_with(' ')
}

/// The byte index just past the closing quote of the quoted scalar `text` starts with.
fn quoted_end(text: &str) -> Option<usize> {
    let quote = text.chars().next()?;
    let bytes = text.as_bytes();
    let mut i = 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == '"' => i += 2,
            b'\'' if quote == '\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            b if b == quote as u8 => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// `text` without a trailing ` # comment`.
fn strip_comment(text: &str) -> &str {
    if text.starts_with('#') {
        return "";
    }
    match text.find(" #") {
        Some(i) => text[..i].trim_end(),
        None => text,
    }
}

impl<'a> Parser<'a> {
    fn here(&self) -> Option<Line<'a>> {
        self.lines.get(self.pos).copied()
    }

    /// The node starting at the current line, whose indentation is `indent`.
    fn node(&mut self, indent: usize, pointer: String) -> Result<Value, YamlError> {
        let Some(line) = self.here() else {
            return Ok(Value::Null);
        };
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(error(
                format!("nested more than {MAX_DEPTH} levels deep"),
                line.no,
                line.indent + 1,
            ));
        }
        let value = if line.text.starts_with("- ") || line.text == "-" {
            self.sequence(indent, &pointer)
        } else if line.text.starts_with("? ") {
            Err(error(
                "complex keys (`? `) are not supported",
                line.no,
                line.indent + 1,
            ))
        } else if key_end(line.text).is_some() {
            self.mapping(indent, &pointer)
        } else {
            self.pos += 1;
            self.inline(line.text, line, indent.saturating_sub(1))
        };
        self.depth -= 1;
        value
    }

    fn mapping(&mut self, indent: usize, pointer: &str) -> Result<Value, YamlError> {
        let mut map = Map::new();
        while let Some(line) = self.here().filter(|l| l.indent == indent) {
            let Some(colon) = key_end(line.text) else {
                return Err(error(
                    "expected `key: value` here, like the lines above",
                    line.no,
                    line.indent + 1,
                ));
            };
            let raw_key = line.text[..colon].trim_end();
            let key = match raw_key.chars().next() {
                Some('"') | Some('\'') => match self.quoted(raw_key, line)? {
                    Value::String(s) => s,
                    other => other.to_string(),
                },
                _ => raw_key.to_string(),
            };
            if key.starts_with('&') || key.starts_with('*') {
                return Err(error(
                    "anchors and aliases are not supported",
                    line.no,
                    line.indent + 1,
                ));
            }
            let child = pointer_push(pointer, &key);
            self.spans.push((
                child.clone(),
                Location {
                    line: line.no,
                    column: line.indent + 1,
                },
            ));
            self.pos += 1;
            let rest = &line.text[colon + 1..];
            let value = self.value_after(rest, line, indent, true, child)?;
            // As serde_json does for JSON: the last of repeated keys wins.
            map.insert(key, value);
        }
        self.check_dedent(indent)?;
        Ok(Value::Object(map))
    }

    fn sequence(&mut self, indent: usize, pointer: &str) -> Result<Value, YamlError> {
        let mut items = Vec::new();
        while let Some(line) = self
            .here()
            .filter(|l| l.indent == indent && (l.text.starts_with("- ") || l.text == "-"))
        {
            let child = pointer_push(pointer, &items.len().to_string());
            self.spans.push((
                child.clone(),
                Location {
                    line: line.no,
                    column: line.indent + 1,
                },
            ));
            let rest = line.text[1..].trim_start_matches(' ');
            let offset = line.text.len() - rest.len();
            let nested = !rest.is_empty()
                && (rest.starts_with("- ") || rest == "-" || key_end(rest).is_some());
            let value = if nested {
                // `- key: value` opens a mapping (or `- - x` a sequence) at the column of its first character.
                self.lines[self.pos] = Line {
                    no: line.no,
                    indent: indent + offset,
                    text: rest,
                };
                self.node(indent + offset, child)?
            } else {
                self.pos += 1;
                self.value_after(rest, line, indent, false, child)?
            };
            items.push(value);
        }
        self.check_dedent(indent)?;
        Ok(Value::Array(items))
    }

    /// After a block at `indent`: the next line must go back to an outer level.
    fn check_dedent(&self, indent: usize) -> Result<(), YamlError> {
        match self.here() {
            Some(l) if l.indent > indent => Err(error(
                "unexpected indentation: this line is deeper than the lines before it",
                l.no,
                l.indent + 1,
            )),
            _ => Ok(()),
        }
    }

    /// The value after `key:` (`in_mapping`) or `- ` on `line`, whose own indentation is `indent`.
    fn value_after(
        &mut self,
        rest: &'a str,
        line: Line<'a>,
        indent: usize,
        in_mapping: bool,
        pointer: String,
    ) -> Result<Value, YamlError> {
        // Comments are stripped where the value ends (a quoted `'a #b'` holds no comment).
        let rest = rest.trim_start();
        if rest.is_empty() || rest.starts_with('#') {
            return match self.here() {
                Some(next) if next.indent > indent => self.node(next.indent, pointer),
                // gcloud and kubectl print a mapping's sequence at the key's own indentation.
                Some(next)
                    if in_mapping
                        && next.indent == indent
                        && (next.text.starts_with("- ") || next.text == "-") =>
                {
                    self.node(indent, pointer)
                }
                _ => Ok(Value::Null),
            };
        }
        if let Some(tag) = rest
            .strip_prefix('!')
            .map(|_| strip_comment(rest).split(' ').next().unwrap_or(rest))
        {
            let after = rest[tag.len()..].trim_start();
            let value = self.value_after(after, line, indent, in_mapping, pointer)?;
            return Ok(tagged(tag, value));
        }
        self.inline(rest, line, indent)
    }

    /// A scalar or flow collection that starts on `line` with `text`; continuation lines must be indented
    /// deeper than `indent`.
    fn inline(&mut self, text: &'a str, line: Line<'a>, indent: usize) -> Result<Value, YamlError> {
        let column = line.indent + 1 + line.text.len().saturating_sub(text.len());
        match text.chars().next() {
            Some('&') | Some('*') => Err(error(
                "anchors and aliases are not supported",
                line.no,
                column,
            )),
            Some('|') | Some('>') => self.block_scalar(text, line, indent),
            Some('[') | Some('{') => {
                let joined = self.continued(text, line);
                let mut flow = Flow {
                    text: &joined,
                    pos: 0,
                    depth: self.depth,
                };
                let value = flow.value().map_err(|m| error(m, line.no, column))?;
                flow.skip_ws();
                if !strip_comment(flow.text[flow.pos..].trim()).is_empty() {
                    return Err(error(
                        "unexpected text after the closing bracket",
                        line.no,
                        column,
                    ));
                }
                Ok(value)
            }
            Some('"') | Some('\'') => {
                let joined = self.continued(text, line);
                let end = quoted_end(&joined)
                    .ok_or_else(|| error("this quoted string is never closed", line.no, column))?;
                if !strip_comment(joined[end..].trim()).is_empty() {
                    return Err(error(
                        "unexpected text after the quoted string",
                        line.no,
                        column,
                    ));
                }
                self.quoted(&joined[..end], line)
            }
            _ => {
                // A plain scalar may go on over deeper-indented lines, folded with spaces (a deeper `key: value`
                // or `- item` is not a continuation: it is reported as misplaced).
                let mut out = strip_comment(text).to_string();
                while let Some(next) = self.here().filter(|l| {
                    l.indent > indent
                        && key_end(l.text).is_none()
                        && !l.text.starts_with("- ")
                        && l.text != "-"
                }) {
                    out.push(' ');
                    out.push_str(strip_comment(next.text));
                    self.pos += 1;
                }
                Ok(plain(&out))
            }
        }
    }

    /// `text` joined (by line breaks) with the following raw lines until the quoted scalar or flow collection it
    /// starts with is closed; consumed lines are skipped. Each byte is scanned once.
    fn continued(&mut self, text: &str, line: Line<'a>) -> String {
        let mut joined = text.to_string();
        let mut scan = Closing::default();
        let mut last = line.no;
        while !scan.advance(&joined) && last < self.raw.len() {
            joined.push('\n');
            joined.push_str(self.raw[last].trim_end_matches('\r'));
            last += 1;
        }
        while self.here().is_some_and(|l| l.no <= last) {
            self.pos += 1;
        }
        joined
    }

    /// A complete quoted scalar (single or double quotes), unescaped and folded.
    fn quoted(&self, text: &str, line: Line<'a>) -> Result<Value, YamlError> {
        unquote(text)
            .map(Value::String)
            .map_err(|m| error(m, line.no, line.indent + 1))
    }

    /// `|` (literal) or `>` (folded), with optional chomping `-`/`+`: the deeper-indented raw lines after `line`.
    fn block_scalar(
        &mut self,
        header: &str,
        line: Line<'a>,
        indent: usize,
    ) -> Result<Value, YamlError> {
        let header = strip_comment(header);
        let folded = header.starts_with('>');
        let chomp = header[1..].chars().find(|c| *c == '-' || *c == '+');
        let mut body: Vec<&str> = Vec::new();
        let mut last = line.no;
        let mut content_indent = None;
        for raw in self.raw.iter().skip(line.no) {
            let spaces = raw.len() - raw.trim_start_matches(' ').len();
            if raw.trim().is_empty() {
                body.push("");
            } else if spaces > indent {
                let ci = *content_indent.get_or_insert(spaces);
                body.push(
                    raw.get(ci.min(spaces)..)
                        .unwrap_or_default()
                        .trim_end_matches('\r'),
                );
            } else {
                break;
            }
            last += 1;
        }
        // Trailing blank lines belong to the chomping, not to the next key.
        let kept_blank = body.iter().rev().take_while(|l| l.is_empty()).count();
        body.truncate(body.len() - kept_blank);
        let mut text = String::new();
        for (i, l) in body.iter().enumerate() {
            let prev = i.checked_sub(1).map(|p| body[p]);
            if !folded {
                if prev.is_some() {
                    text.push('\n');
                }
            } else if l.is_empty() {
                // A blank line in folded text is a line break; the lines around it are not joined.
                text.push('\n');
                continue;
            } else if let Some(prev) = prev.filter(|p| !p.is_empty()) {
                // Lines are joined with a space, except more-indented ones, which keep their line breaks.
                text.push(if prev.starts_with(' ') || l.starts_with(' ') {
                    '\n'
                } else {
                    ' '
                });
            }
            text.push_str(l);
        }
        match chomp {
            Some('-') => {}
            Some('+') => {
                text.push('\n');
                text.push_str(&"\n".repeat(kept_blank));
            }
            _ if !body.is_empty() => text.push('\n'),
            _ => {}
        }
        while self.here().is_some_and(|l| l.no <= last) {
            self.pos += 1;
        }
        Ok(Value::String(text))
    }
}

#[cfg(test)]
mod tests;
