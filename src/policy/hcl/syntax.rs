//! HCL's native syntax, as Terraform writes it: a body of attributes (`name = expression`) and blocks
//! (`resource "type" "name" { … }`), and the expression language (literals, templates and heredocs with
//! `${…}`, tuples, objects, function calls, references, operators, conditionals, `for` expressions).
//!
//! A recursive-descent parser over bytes. Every node keeps the byte range it was written at, so an unknown
//! value can be shown as the expression the user wrote and every value located in the pasted text. Nesting
//! deeper than [`MAX_DEPTH`] is an error rather than a deep recursion.

use std::borrow::Cow;

use serde_json::Value;

/// The deepest nesting of blocks, brackets and templates read.
const MAX_DEPTH: usize = 64;

/// A syntax error: what was expected, at a byte offset of the text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SyntaxError {
    pub message: String,
    pub at: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Item<'a> {
    /// `name = value`, written at `at`.
    Attribute {
        name: &'a str,
        at: usize,
        value: Expr<'a>,
    },
    /// `kind "label" … { body }`, written at `at`.
    Block {
        kind: &'a str,
        /// As written between the quotes (labels are names: no escapes are expected).
        labels: Vec<&'a str>,
        at: usize,
        body: Vec<Item<'a>>,
    },
}

/// An expression and the byte range it was written at.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Expr<'a> {
    pub kind: Kind<'a>,
    pub start: usize,
    pub end: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Kind<'a> {
    /// A number, `true`, `false` or `null`.
    Literal(Value),
    /// A quoted string or a heredoc: literal text and interpolations; a directive (`%{ if }`) is not read.
    Template(Vec<Part<'a>>),
    Tuple(Vec<Expr<'a>>),
    /// Members in order: a key (a bare name is a literal string) and a value.
    Object(Vec<(Expr<'a>, Expr<'a>)>),
    /// `name(args)`; `true` when the last argument is expanded (`f(list...)`).
    Call(&'a str, Vec<Expr<'a>>, bool),
    /// A name: `var`, `local`, `aws_iam_role`, a `for` variable.
    Name(&'a str),
    /// `.name` on a value.
    Attr(Box<Expr<'a>>, &'a str),
    /// `[index]` (and the legacy `.0`) on a value.
    Index(Box<Expr<'a>>, Box<Expr<'a>>),
    /// `.*` or `[*]`, and what follows it.
    Splat(Box<Expr<'a>>),
    Unary(u8, Box<Expr<'a>>),
    /// An operator (`==`, `&&`, `+`, …) and its operands.
    Binary(&'static str, Box<Expr<'a>>, Box<Expr<'a>>),
    Conditional(Box<Expr<'a>>, Box<Expr<'a>>, Box<Expr<'a>>),
    For(Box<For<'a>>),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Part<'a> {
    /// Literal text: borrowed from the source where it is written as it reads (most text), else its own copy.
    Text(Cow<'a, str>),
    Interpolation(Expr<'a>),
    /// `%{ … }`: a template directive, which is not evaluated.
    Directive,
}

/// `[for k, v in collection : value if condition]` or `{for k, v in collection : key => value...}`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct For<'a> {
    pub key_name: Option<&'a str>,
    pub value_name: &'a str,
    pub collection: Expr<'a>,
    /// The key expression of an object `for`.
    pub key: Option<Expr<'a>>,
    pub value: Expr<'a>,
    pub condition: Option<Expr<'a>>,
    /// `...` after the value: values grouped by key.
    pub group: bool,
}

/// Parse a whole file (a body).
pub(crate) fn parse(text: &'_ str) -> Result<Vec<Item<'_>>, SyntaxError> {
    let mut p = Parser {
        text,
        bytes: text.as_bytes(),
        pos: 0,
        depth: 0,
    };
    let body = p.body(false)?;
    Ok(body)
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    depth: usize,
}

fn is_name_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

fn is_name(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b >= 0x80
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.pos + ahead).copied()
    }

    fn rest(&self) -> &'a str {
        self.text.get(self.pos..).unwrap_or("")
    }

    fn error<T>(&self, message: impl Into<String>) -> Result<T, SyntaxError> {
        Err(SyntaxError {
            message: message.into(),
            at: self.pos,
        })
    }

    /// What is next, for an error message: the character in backticks, or "the end of the text".
    fn found(&self) -> String {
        match self.rest().chars().next() {
            Some('\n') => "a new line".into(),
            Some(c) => format!("`{c}`"),
            None => "the end of the text".into(),
        }
    }

    /// "expected `what`, found …": the one way a missing piece is reported.
    fn expected<T>(&self, what: &str) -> Result<T, SyntaxError> {
        let found = self.found();
        self.error(["expected ", what, ", found ", &found].concat())
    }

    fn enter(&mut self) -> Result<(), SyntaxError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.error(format!("nested more than {MAX_DEPTH} levels deep"));
        }
        Ok(())
    }

    /// Skip spaces and comments; new lines too when `newlines`.
    fn skip(&mut self, newlines: bool) {
        while let Some(b) = self.peek() {
            match b {
                b' ' | b'\t' | b'\r' => self.pos += 1,
                b'\n' if newlines => self.pos += 1,
                b'#' => self.skip_line(),
                b'/' if self.peek_at(1) == Some(b'/') => self.skip_line(),
                b'/' if self.peek_at(1) == Some(b'*') => {
                    let end = self.rest().get(2..).and_then(|r| r.find("*/"));
                    self.pos = end.map_or(self.bytes.len(), |e| self.pos + 2 + e + 2);
                }
                _ => break,
            }
        }
    }

    fn skip_line(&mut self) {
        self.pos = self
            .rest()
            .find('\n')
            .map_or(self.bytes.len(), |e| self.pos + e);
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, b: u8, what: &str) -> Result<(), SyntaxError> {
        self.skip(true);
        if self.eat(b) {
            return Ok(());
        }
        self.expected(what)
    }

    fn name(&mut self) -> Option<&'a str> {
        let start = self.pos;
        if !self.peek().is_some_and(is_name_start) {
            return None;
        }
        while self.peek().is_some_and(is_name) {
            self.pos += 1;
        }
        self.text.get(start..self.pos)
    }

    /// A body: items up to the end of the text, or up to the `}` that closes a block.
    fn body(&mut self, in_block: bool) -> Result<Vec<Item<'a>>, SyntaxError> {
        let mut items = Vec::new();
        loop {
            self.skip(true);
            match self.peek() {
                None if in_block => {
                    return self.error("expected `}` to close the block, found the end of the text")
                }
                None => return Ok(items),
                Some(b'}') if in_block => {
                    self.pos += 1;
                    return Ok(items);
                }
                _ => {}
            }
            let at = self.pos;
            let Some(name) = self.name() else {
                return self
                    .expected("an attribute (`name = value`) or a block (`type \"label\" {`)");
            };
            self.skip(false);
            if self.peek() == Some(b'=') && self.peek_at(1) != Some(b'=') {
                self.pos += 1;
                let value = self.value_after_equals()?;
                self.end_of_item()?;
                items.push(Item::Attribute { name, at, value });
                continue;
            }
            let mut labels = Vec::new();
            loop {
                self.skip(false);
                match self.peek() {
                    Some(b'"') => {
                        let label = self.template_string()?;
                        labels.push(self.text.get(label.start + 1..label.end - 1).unwrap_or(""));
                    }
                    Some(b'{') => break,
                    Some(b) if is_name_start(b) => {
                        labels.push(self.name().unwrap_or(""));
                    }
                    _ => {
                        return self
                            .expected(&["`=` or a block's `{` after `", name, "`"].concat());
                    }
                }
            }
            self.pos += 1;
            self.enter()?;
            let body = self.body(true)?;
            self.depth -= 1;
            self.end_of_item()?;
            items.push(Item::Block {
                kind: name,
                labels,
                at,
                body,
            });
        }
    }

    /// After an attribute or a block: a new line, the end, or the `}` of a one-line block.
    fn end_of_item(&mut self) -> Result<(), SyntaxError> {
        self.skip(false);
        match self.peek() {
            None | Some(b'\n') | Some(b'}') => Ok(()),
            Some(b';') => {
                self.pos += 1;
                Ok(())
            }
            _ => self.expected("a new line after the value"),
        }
    }

    /// The value after `name =` (or `key :`), which starts on the same line: a new line there ends the item.
    fn value_after_equals(&mut self) -> Result<Expr<'a>, SyntaxError> {
        self.skip(false);
        if matches!(self.peek(), None | Some(b'\n')) {
            return self.expected("a value");
        }
        self.expression()
    }

    fn expression(&mut self) -> Result<Expr<'a>, SyntaxError> {
        self.enter()?;
        let e = self.conditional();
        self.depth -= 1;
        e
    }

    fn conditional(&mut self) -> Result<Expr<'a>, SyntaxError> {
        let condition = self.binary(0)?;
        let before = self.pos;
        self.skip(true);
        if self.peek() != Some(b'?') {
            self.pos = before;
            return Ok(condition);
        }
        self.pos += 1;
        let yes = self.expression()?;
        self.expect(b':', "`:` of a conditional (`condition ? a : b`)")?;
        let no = self.expression()?;
        Ok(Expr {
            start: condition.start,
            end: no.end,
            kind: Kind::Conditional(Box::new(condition), Box::new(yes), Box::new(no)),
        })
    }

    /// The operator next in the text at precedence `level` or above (HCL's: `||`, `&&`, `== !=`,
    /// `< <= > >=`, `+ -`, `* / %`), and its precedence.
    fn operator(&self) -> Option<(&'static str, usize)> {
        const OPERATORS: [(&str, usize); 13] = [
            ("||", 0),
            ("&&", 1),
            ("==", 2),
            ("!=", 2),
            ("<=", 3),
            (">=", 3),
            ("<", 3),
            (">", 3),
            ("+", 4),
            ("-", 4),
            ("*", 5),
            ("/", 5),
            ("%", 5),
        ];
        let rest = self.rest();
        // Most values are followed by no operator: the first byte tells, before a comparison per operator.
        if !matches!(
            rest.as_bytes().first(),
            Some(b'|' | b'&' | b'=' | b'!' | b'<' | b'>' | b'+' | b'-' | b'*' | b'/' | b'%')
        ) {
            return None;
        }
        // `=>` of an object `for` and `/*` or `//` of a comment are not operators.
        if rest.starts_with("=>") || rest.starts_with("//") || rest.starts_with("/*") {
            return None;
        }
        OPERATORS.into_iter().find(|(op, _)| rest.starts_with(op))
    }

    fn binary(&mut self, level: usize) -> Result<Expr<'a>, SyntaxError> {
        let mut left = self.unary()?;
        loop {
            // The next line may continue the expression with an operator; if not, it is not this value's.
            let before = self.pos;
            self.skip(true);
            let Some((op, precedence)) = self.operator().filter(|&(_, p)| p >= level) else {
                self.pos = before;
                return Ok(left);
            };
            self.pos += op.len();
            self.enter()?;
            let right = self.binary(precedence + 1);
            self.depth -= 1;
            let right = right?;
            left = Expr {
                start: left.start,
                end: right.end,
                kind: Kind::Binary(op, Box::new(left), Box::new(right)),
            };
        }
    }

    fn unary(&mut self) -> Result<Expr<'a>, SyntaxError> {
        self.skip(true);
        let start = self.pos;
        match self.peek() {
            Some(op @ (b'-' | b'!')) => {
                self.pos += 1;
                self.enter()?;
                let operand = self.unary();
                self.depth -= 1;
                let operand = operand?;
                Ok(Expr {
                    start,
                    end: operand.end,
                    kind: Kind::Unary(op, Box::new(operand)),
                })
            }
            _ => self.postfix(),
        }
    }

    /// A primary expression, then any `.name`, `[index]`, `.*` and `[*]` after it.
    fn postfix(&mut self) -> Result<Expr<'a>, SyntaxError> {
        let mut e = self.primary()?;
        loop {
            // No new line before a traversal step: the next line is another item.
            self.skip(false);
            let start = e.start;
            if self.rest().starts_with("...") {
                return Ok(e);
            }
            match (self.peek(), self.peek_at(1)) {
                (Some(b'.'), Some(b'*')) => {
                    self.pos += 2;
                    e = Expr {
                        start,
                        end: self.pos,
                        kind: Kind::Splat(Box::new(e)),
                    };
                }
                (Some(b'['), _)
                    if self
                        .rest()
                        .get(1..)
                        .is_some_and(|r| r.trim_start().starts_with("*]")) =>
                {
                    self.pos = self.pos + 1 + self.rest().find(']').unwrap_or(0);
                    e = Expr {
                        start,
                        end: self.pos,
                        kind: Kind::Splat(Box::new(e)),
                    };
                }
                (Some(b'.'), Some(b)) if b.is_ascii_digit() => {
                    self.pos += 1;
                    let index = self.number()?;
                    e = Expr {
                        start,
                        end: self.pos,
                        kind: Kind::Index(Box::new(e), Box::new(index)),
                    };
                }
                (Some(b'.'), _) => {
                    self.pos += 1;
                    let Some(name) = self.name() else {
                        return self.expected("an attribute name after `.`");
                    };
                    e = Expr {
                        start,
                        end: self.pos,
                        kind: Kind::Attr(Box::new(e), name),
                    };
                }
                (Some(b'['), _) => {
                    self.pos += 1;
                    let index = self.expression()?;
                    self.expect(b']', "`]` to close the index")?;
                    e = Expr {
                        start,
                        end: self.pos,
                        kind: Kind::Index(Box::new(e), Box::new(index)),
                    };
                }
                _ => return Ok(e),
            }
        }
    }

    fn primary(&mut self) -> Result<Expr<'a>, SyntaxError> {
        self.skip(true);
        let start = self.pos;
        match self.peek() {
            Some(b'"') => self.template_string(),
            Some(b'<') if self.rest().starts_with("<<") => self.heredoc(),
            Some(b'[') => {
                self.pos += 1;
                self.enter()?;
                let e = self.tuple(start);
                self.depth -= 1;
                e
            }
            Some(b'{') => {
                self.pos += 1;
                self.enter()?;
                let e = self.object(start);
                self.depth -= 1;
                e
            }
            Some(b'(') => {
                self.pos += 1;
                let inner = self.expression()?;
                self.expect(b')', "`)`")?;
                Ok(Expr {
                    start,
                    end: self.pos,
                    kind: inner.kind,
                })
            }
            Some(b) if b.is_ascii_digit() => self.number(),
            Some(b) if is_name_start(b) => {
                let name = self.name().unwrap_or("");
                // A provider function: `provider::name::function(...)`.
                let mut callee_end = self.pos;
                while self.rest().starts_with("::") {
                    self.pos += 2;
                    self.name();
                    callee_end = self.pos;
                }
                let callee = self.text.get(start..callee_end).unwrap_or(name);
                self.skip(false);
                if self.peek() == Some(b'(') {
                    self.pos += 1;
                    self.enter()?;
                    let call = self.call(start, callee);
                    self.depth -= 1;
                    return call;
                }
                let kind = match name {
                    "true" => Kind::Literal(Value::Bool(true)),
                    "false" => Kind::Literal(Value::Bool(false)),
                    "null" => Kind::Literal(Value::Null),
                    _ => Kind::Name(callee),
                };
                Ok(Expr {
                    start,
                    end: callee_end,
                    kind,
                })
            }
            _ => self.expected("a value"),
        }
    }

    fn number(&mut self) -> Result<Expr<'a>, SyntaxError> {
        let start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_digit() || b == b'.') {
            // `.` only between digits: `list.0.name` indexes twice.
            if self.peek() == Some(b'.') && !self.peek_at(1).is_some_and(|b| b.is_ascii_digit()) {
                break;
            }
            self.pos += 1;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            while self.peek().is_some_and(|b| b.is_ascii_digit()) {
                self.pos += 1;
            }
        }
        let text = self.text.get(start..self.pos).unwrap_or("");
        let value = text
            .parse::<u64>()
            .map(Value::from)
            .ok()
            // serde_json's float reader, which the wasm holds already, rather than `f64::from_str`'s.
            .or_else(|| {
                serde_json::from_str::<serde_json::Number>(text)
                    .ok()
                    .map(Value::Number)
            });
        match value {
            Some(v) => Ok(Expr {
                start,
                end: self.pos,
                kind: Kind::Literal(v),
            }),
            None => Err(SyntaxError {
                message: format!("`{text}` is not a number"),
                at: start,
            }),
        }
    }

    /// After `[`: elements, or a `for` expression.
    fn tuple(&mut self, start: usize) -> Result<Expr<'a>, SyntaxError> {
        self.skip(true);
        if self.at_keyword("for") {
            return self.for_expression(start, b']');
        }
        let mut items = Vec::new();
        loop {
            self.skip(true);
            if self.eat(b']') {
                return Ok(Expr {
                    start,
                    end: self.pos,
                    kind: Kind::Tuple(items),
                });
            }
            items.push(self.expression()?);
            self.skip(true);
            if !self.eat(b',') && self.peek() != Some(b']') {
                return self.expected("`,` or `]` in the list");
            }
        }
    }

    /// After `{`: members (`key = value` or `key : value`, separated by new lines or commas), or a `for`.
    fn object(&mut self, start: usize) -> Result<Expr<'a>, SyntaxError> {
        self.skip(true);
        if self.at_keyword("for") {
            return self.for_expression(start, b'}');
        }
        let mut members = Vec::new();
        loop {
            self.skip(true);
            if self.eat(b'}') {
                return Ok(Expr {
                    start,
                    end: self.pos,
                    kind: Kind::Object(members),
                });
            }
            let key_start = self.pos;
            // A bare name is the key itself, not a reference.
            let key = match self.name() {
                Some(name) => {
                    self.skip(true);
                    if matches!(self.peek(), Some(b'=' | b':')) && self.peek_at(1) != Some(b'=') {
                        Expr {
                            start: key_start,
                            end: key_start + name.len(),
                            kind: Kind::Template(vec![Part::Text(Cow::Borrowed(name))]),
                        }
                    } else {
                        self.pos = key_start;
                        self.expression()?
                    }
                }
                None => self.expression()?,
            };
            self.skip(true);
            if !(self.eat(b'=') || self.eat(b':')) {
                return self.expected("`=` or `:` after the object key");
            }
            let value = self.value_after_equals()?;
            members.push((key, value));
            self.skip(false);
            self.eat(b',');
        }
    }

    fn at_keyword(&self, word: &str) -> bool {
        let rest = self.rest();
        rest.starts_with(word) && !rest.as_bytes().get(word.len()).is_some_and(|&b| is_name(b))
    }

    fn for_expression(&mut self, start: usize, close: u8) -> Result<Expr<'a>, SyntaxError> {
        self.pos += 3;
        self.skip(true);
        let first = self.name();
        self.skip(true);
        let (key_name, value_name) = if self.eat(b',') {
            self.skip(true);
            (first, self.name())
        } else {
            (None, first)
        };
        let Some(value_name) = value_name else {
            return self.error("expected a variable name after `for`");
        };
        self.skip(true);
        if !self.at_keyword("in") {
            return self.expected("`in` in the `for` expression");
        }
        self.pos += 2;
        let collection = self.expression()?;
        self.expect(b':', "`:` in the `for` expression")?;
        let first = self.expression()?;
        self.skip(true);
        let (key, value) = if close == b'}' {
            if !self.rest().starts_with("=>") {
                return self.expected("`=>` in the object `for` expression");
            }
            self.pos += 2;
            (Some(first), self.expression()?)
        } else {
            (None, first)
        };
        self.skip(true);
        let group = self.rest().starts_with("...");
        if group {
            self.pos += 3;
            self.skip(true);
        }
        let condition = if self.at_keyword("if") {
            self.pos += 2;
            Some(self.expression()?)
        } else {
            None
        };
        self.expect(
            close,
            if close == b']' {
                "`]` to close the `for` expression"
            } else {
                "`}` to close the `for` expression"
            },
        )?;
        Ok(Expr {
            start,
            end: self.pos,
            kind: Kind::For(Box::new(For {
                key_name,
                value_name,
                collection,
                key,
                value,
                condition,
                group,
            })),
        })
    }

    /// After `name(`: arguments up to `)`.
    fn call(&mut self, start: usize, name: &'a str) -> Result<Expr<'a>, SyntaxError> {
        let mut args = Vec::new();
        let mut expand = false;
        loop {
            self.skip(true);
            if self.eat(b')') {
                return Ok(Expr {
                    start,
                    end: self.pos,
                    kind: Kind::Call(name, args, expand),
                });
            }
            args.push(self.expression()?);
            self.skip(true);
            if self.rest().starts_with("...") {
                self.pos += 3;
                expand = true;
                self.skip(true);
            }
            if !self.eat(b',') && self.peek() != Some(b')') {
                return self.expected(&["`,` or `)` in the arguments of `", name, "`"].concat());
            }
        }
    }

    /// A quoted template: `"text ${expression} %{directive}"`, with HCL's escapes.
    fn template_string(&mut self) -> Result<Expr<'a>, SyntaxError> {
        let start = self.pos;
        self.pos += 1;
        let mut parts = Vec::new();
        let mut text = Literal::default();
        loop {
            let Some(b) = self.peek() else {
                return Err(SyntaxError {
                    message: "this string has no closing `\"`".into(),
                    at: start,
                });
            };
            match b {
                b'"' => {
                    self.pos += 1;
                    break;
                }
                b'\n' => {
                    return Err(SyntaxError {
                        message: "this string has no closing `\"` on its line (a string spanning lines needs a heredoc, `<<EOT`)".into(),
                        at: start,
                    })
                }
                b'\\' => {
                    self.pos += 1;
                    let c = match self.peek() {
                        Some(b'n') => '\n',
                        Some(b't') => '\t',
                        Some(b'r') => '\r',
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'u') | Some(b'U') => {
                            let digits = if self.peek() == Some(b'u') { 4 } else { 8 };
                            let hex = self.text.get(self.pos + 1..self.pos + 1 + digits).unwrap_or("");
                            let c = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32);
                            let Some(c) = c else {
                                return self.error(format!("`\\{}` is not a valid escape", self.text.get(self.pos..self.pos + 1 + hex.len()).unwrap_or("")));
                            };
                            self.pos += digits;
                            c
                        }
                        _ => {
                            let found = self.found();
                            return self.error(format!("`\\` followed by {found} is not an escape HCL knows (`\\n`, `\\t`, `\\\"`, `\\\\`, `\\uNNNN`)"));
                        }
                    };
                    self.pos += 1;
                    text.copy(self.text).push(c);
                }
                _ => self.template_piece(&mut parts, &mut text)?,
            }
        }
        if !text.is_empty() || parts.is_empty() {
            parts.push(Part::Text(text.take(self.text)));
        }
        Ok(Expr {
            start,
            end: self.pos,
            kind: Kind::Template(parts),
        })
    }

    /// One piece of a template's text at the cursor: `$${`/`%%{` escapes, an interpolation, a directive, or
    /// one character.
    fn template_piece(
        &mut self,
        parts: &mut Vec<Part<'a>>,
        text: &mut Literal,
    ) -> Result<(), SyntaxError> {
        let rest = self.rest();
        if rest.starts_with("$${") || rest.starts_with("%%{") {
            text.copy(self.text).push_str(rest.get(1..3).unwrap_or(""));
            self.pos += 3;
        } else if rest.starts_with("${") || rest.starts_with("%{") {
            let directive = rest.starts_with('%');
            self.pos += 2;
            self.eat(b'~');
            if !text.is_empty() {
                parts.push(Part::Text(text.take(self.text)));
            }
            self.enter()?;
            let e = self.expression_or_directive(directive);
            self.depth -= 1;
            parts.push(e?);
        } else {
            // Plain text up to the next byte that may end it or start something, copied at once rather than a
            // character at a time. It stops before a new line, where a heredoc strips indentation; a UTF-8
            // sequence holds no ASCII byte, so it ends on a character boundary.
            let run = rest
                .bytes()
                .position(|b| matches!(b, b'$' | b'%' | b'"' | b'\\' | b'\n'))
                .unwrap_or(rest.len());
            let run = if run > 0 {
                run
            } else {
                rest.chars().next().map_or(1, char::len_utf8)
            };
            text.verbatim(self.text, self.pos, self.pos + run);
            self.pos += run;
        }
        Ok(())
    }

    fn expression_or_directive(&mut self, directive: bool) -> Result<Part<'a>, SyntaxError> {
        if directive {
            // `%{ if x }`, `%{ endfor }`: skipped to its `}` (quoted strings inside it kept whole).
            while let Some(b) = self.peek() {
                self.pos += 1;
                match b {
                    b'}' => return Ok(Part::Directive),
                    b'"' => {
                        self.pos -= 1;
                        self.template_string()?;
                    }
                    _ => {}
                }
            }
            return self.error("this template directive (`%{`) has no closing `}`");
        }
        let e = self.expression()?;
        self.skip(true);
        self.eat(b'~');
        self.expect(b'}', "`}` to close the interpolation (`${…}`)")?;
        Ok(Part::Interpolation(e))
    }

    /// `<<EOT` or `<<-EOT` (indented), up to a line holding only the marker.
    fn heredoc(&mut self) -> Result<Expr<'a>, SyntaxError> {
        let start = self.pos;
        self.pos += 2;
        let indented = self.eat(b'-');
        let Some(marker) = self.name() else {
            return self.error("expected the heredoc's marker after `<<` (e.g. `<<EOT`)");
        };
        self.skip(false);
        if !self.eat(b'\n') {
            return self.expected(&["a new line after `<<", marker, "`"].concat());
        }
        // The closing line, found first: the body's text is what lies between.
        let body_start = self.pos;
        let mut line_start = body_start;
        let body_end = loop {
            let line_end = self
                .text
                .get(line_start..)
                .and_then(|r| r.find('\n'))
                .map_or(self.bytes.len(), |e| line_start + e);
            let line = self.text.get(line_start..line_end).unwrap_or("");
            if line.trim() == marker {
                break line_start;
            }
            if line_end >= self.bytes.len() {
                return Err(SyntaxError {
                    message: format!("this heredoc has no closing `{marker}` line"),
                    at: start,
                });
            }
            line_start = line_end + 1;
        };
        let end = self
            .text
            .get(body_end..)
            .and_then(|r| r.find('\n'))
            .map_or(self.bytes.len(), |e| body_end + e);
        // An indented heredoc loses the smallest indentation of its non-blank lines.
        let strip = if indented {
            self.text
                .get(body_start..body_end)
                .unwrap_or("")
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| l.len() - l.trim_start().len())
                .min()
                .unwrap_or(0)
        } else {
            0
        };
        let mut parts = Vec::new();
        let mut text = Literal::default();
        self.pos = body_start;
        let mut at_line_start = true;
        while self.pos < body_end {
            if at_line_start && strip > 0 {
                let indent = self
                    .rest()
                    .bytes()
                    .take(strip)
                    .take_while(|b| *b == b' ' || *b == b'\t')
                    .count();
                self.pos += indent;
                at_line_start = false;
                continue;
            }
            at_line_start = self.peek() == Some(b'\n');
            self.template_piece(&mut parts, &mut text)?;
        }
        // The new line before the closing marker belongs to the text, as in Terraform.
        if !text.is_empty() || parts.is_empty() {
            parts.push(Part::Text(text.take(self.text)));
        }
        self.pos = end;
        Ok(Expr {
            start,
            end: body_end,
            kind: Kind::Template(parts),
        })
    }
}

/// A template's literal text as it is read: a range of the source while it is written there as it reads (most
/// text is), copied only from its first escape or stripped indentation on. Most strings then cost no allocation.
#[derive(Default)]
struct Literal {
    /// The range of the source it is, while it is one.
    from: usize,
    to: usize,
    /// The text, once it is not a range of the source.
    copied: Option<String>,
}

impl Literal {
    /// `text[start..end]` of the source comes next, as it is written.
    fn verbatim(&mut self, text: &str, start: usize, end: usize) {
        if self.copied.is_none() && (self.from == self.to || self.to == start) {
            if self.from == self.to {
                self.from = start;
            }
            self.to = end;
        } else {
            self.copy(text).push_str(text.get(start..end).unwrap_or(""));
        }
    }

    /// The text so far, as a copy to add what the source does not hold as it reads (an escape's character).
    fn copy(&mut self, text: &str) -> &mut String {
        let (from, to) = (self.from, self.to);
        self.copied
            .get_or_insert_with(|| text.get(from..to).unwrap_or("").to_string())
    }

    fn is_empty(&self) -> bool {
        self.copied
            .as_ref()
            .map_or(self.from == self.to, String::is_empty)
    }

    /// The text read (from the source `text`), which starts again empty.
    fn take<'a>(&mut self, text: &'a str) -> Cow<'a, str> {
        let out = match self.copied.take() {
            Some(copied) => Cow::Owned(copied),
            None => Cow::Borrowed(text.get(self.from..self.to).unwrap_or("")),
        };
        (self.from, self.to) = (0, 0);
        out
    }
}
