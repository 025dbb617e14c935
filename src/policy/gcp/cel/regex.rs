//! CEL's `matches()`: RE2 syntax as Go's `regexp` reads it (the engine behind Google's CEL), matched
//! the RE2 way: a Thompson NFA simulated over the text, linear in pattern × text, no backtracking.
//!
//! Why not a crate: `regex-lite` 0.1 adds about 17 KB gzipped to the web build, more than this whole
//! evaluator; the tests compare this matcher with `regex-lite` on generated patterns instead.
//!
//! Read: literals, `.`, `[...]` and `[^...]` with ranges, `\d \w \s` (and their negations, ASCII as in
//! RE2) and POSIX `[:alpha:]` classes, escaped punctuation, `\n \t \r \f \v \a \xHH \x{H..}`, `^ $ \A \z
//! \b \B`, groups (`(...)`, `(?:...)`, `(?P<name>...)`, `(?<name>...)`), `|`, `* + ?`, `{n} {n,} {n,m}`
//! (greedy or lazy: a yes/no match does not depend on it), and the flags `i`, `m`, `s`, `U` (`(?i)`,
//! `(?i:...)`, `(?-i)`), with RE2's case folding for ASCII letters (`k` also matches KELVIN SIGN, `s` LONG
//! S). Anything else (Unicode classes `\pL`, `\Q...\E`, octal escapes, `(?i)` on other non-ASCII text) is
//! [`RegexError::Unsupported`]: claimcheck does not guess.
//! `matches()` is a search: the expression may match anywhere unless anchored.

use std::fmt;

/// The largest compiled program (instructions) and the most work one match may take; past either,
/// the result is unknown rather than slow.
pub const MAX_PROGRAM: usize = 10_000;
pub const MAX_WORK: usize = 5_000_000;
/// Go's limit on a counted repetition (`{n,m}`).
const MAX_REPEAT: u32 = 1000;

/// Why a pattern was not matched.
#[derive(Debug, Clone, PartialEq)]
pub enum RegexError {
    /// RE2 refuses the pattern (Go's `regexp` error, in words).
    Invalid(String),
    /// Valid RE2, or possibly valid, that claimcheck does not evaluate.
    Unsupported(String),
}

impl fmt::Display for RegexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RegexError::Invalid(m) | RegexError::Unsupported(m) => f.write_str(m),
        }
    }
}

/// Whether `pattern` matches somewhere in `text`. `work` accumulates the steps taken, across calls
/// (one expression may call `matches()` many times); past [`MAX_WORK`] the answer is unsupported.
pub fn is_match(pattern: &str, text: &str, work: &mut usize) -> Result<bool, RegexError> {
    let node = Parser::new(pattern).parse()?;
    let program = compile(&node)?;
    *work += program.len();
    run(&program, text, work)
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Look {
    Start,
    End,
    /// `^` and `$` under `(?m)`: also after and before a `\n`.
    LineStart,
    LineEnd,
    Word,
    NotWord,
}

/// A set of characters: sorted, possibly overlapping ranges, optionally negated.
#[derive(Debug, Clone, PartialEq)]
struct Class {
    ranges: Vec<(char, char)>,
    negated: bool,
}

impl Class {
    fn contains(&self, c: char) -> bool {
        self.ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi) != self.negated
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Node {
    Empty,
    Char(Class),
    Look(Look),
    Concat(Vec<Node>),
    Alt(Vec<Node>),
    Repeat {
        node: Box<Node>,
        min: u32,
        max: Option<u32>,
    },
}

const DIGIT: &[(char, char)] = &[('0', '9')];
const WORD: &[(char, char)] = &[('0', '9'), ('A', 'Z'), ('_', '_'), ('a', 'z')];
/// RE2's `\s` is `[\t\n\f\r ]`: no vertical tab.
const SPACE: &[(char, char)] = &[('\t', '\n'), ('\x0c', '\r'), (' ', ' ')];

fn perl_class(c: char) -> Option<(&'static [(char, char)], bool)> {
    Some(match c {
        'd' => (DIGIT, false),
        'D' => (DIGIT, true),
        'w' => (WORD, false),
        'W' => (WORD, true),
        's' => (SPACE, false),
        'S' => (SPACE, true),
        _ => return None,
    })
}

fn posix_class(name: &str) -> Option<&'static [(char, char)]> {
    Some(match name {
        "alnum" => &[('0', '9'), ('A', 'Z'), ('a', 'z')],
        "alpha" => &[('A', 'Z'), ('a', 'z')],
        "ascii" => &[('\0', '\x7f')],
        "blank" => &[('\t', '\t'), (' ', ' ')],
        "cntrl" => &[('\0', '\x1f'), ('\x7f', '\x7f')],
        "digit" => DIGIT,
        "graph" => &[('!', '~')],
        "lower" => &[('a', 'z')],
        "print" => &[(' ', '~')],
        "punct" => &[('!', '/'), (':', '@'), ('[', '`'), ('{', '~')],
        "space" => &[('\t', '\r'), (' ', ' ')],
        "upper" => &[('A', 'Z')],
        "word" => WORD,
        "xdigit" => &[('0', '9'), ('A', 'F'), ('a', 'f')],
        _ => return None,
    })
}

/// The ranges of every character outside `ranges` (in any order, overlapping or not: there are a few).
fn complement(ranges: &[(char, char)]) -> Vec<(char, char)> {
    let mut out = Vec::new();
    let mut next = 0u32;
    while next <= char::MAX as u32 {
        let covering = ranges
            .iter()
            .filter(|&&(lo, hi)| lo as u32 <= next && next <= hi as u32)
            .map(|&(_, hi)| hi as u32)
            .max();
        if let Some(hi) = covering {
            next = hi + 1;
            continue;
        }
        let following = ranges
            .iter()
            .map(|&(lo, _)| lo as u32)
            .filter(|&lo| lo > next)
            .min();
        let end = following.map_or(char::MAX as u32, |lo| lo - 1);
        push_range(&mut out, next, end);
        next = end + 1;
    }
    out
}

/// The two non-ASCII characters RE2 folds onto ASCII letters: KELVIN SIGN (`k`) and LONG S (`s`).
const FOLDS: [(char, char, char); 2] = [('k', 'K', '\u{212A}'), ('s', 'S', '\u{17F}')];

/// `ranges` with every case variant RE2's `(?i)` adds (Unicode simple folding, which for ASCII letters is
/// the other case plus the two characters of [`FOLDS`]). Other non-ASCII characters are not evaluated: their
/// folding orbits are not reproduced here.
fn fold(ranges: &[(char, char)]) -> Result<Vec<(char, char)>, RegexError> {
    let mut out = ranges.to_vec();
    for &(lo, hi) in ranges {
        for (lower, upper) in [('a', 'z'), ('A', 'Z')] {
            let (a, b) = (lo.max(lower), hi.min(upper));
            if a <= b {
                let shift = |c: char| char::from(c as u8 ^ 0x20);
                out.push((shift(a), shift(b)));
            }
        }
        for (l, u, other) in FOLDS {
            let has = |c: char| lo <= c && c <= hi;
            if has(l) || has(u) {
                out.push((other, other));
            }
            if has(other) {
                out.extend([(l, l), (u, u)]);
            }
        }
        // Without Unicode's case tables (about 13 KB of wasm), only the two characters RE2 folds onto ASCII
        // letters are known here.
        if hi > '\x7f' {
            let first = lo.max('\u{80}');
            if first < hi || !FOLDS.iter().any(|f| f.2 == first) {
                return Err(RegexError::Unsupported(format!(
                    "case-insensitive matching of non-ASCII characters (`{first}`) is not evaluated"
                )));
            }
        }
    }
    Ok(out)
}

/// Push `lo..=hi` (code points), skipping the surrogate gap, which holds no `char`.
fn push_range(out: &mut Vec<(char, char)>, lo: u32, hi: u32) {
    for (a, b) in [(lo, hi.min(0xD7FF)), (lo.max(0xE000), hi)] {
        if let (Some(a), Some(b)) = (char::from_u32(a), char::from_u32(b)) {
            if a <= b {
                out.push((a, b));
            }
        }
    }
}

fn is_punct(c: char) -> bool {
    c.is_ascii_punctuation()
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
    depth: usize,
    flags: Flags,
}

/// RE2's flags that change what matches (`U`, ungreedy, does not change whether anything matches).
#[derive(Debug, Clone, Copy, Default)]
struct Flags {
    /// `i`: case-insensitive.
    fold: bool,
    /// `m`: `^` and `$` match at line breaks too.
    multi_line: bool,
    /// `s`: `.` matches `\n`.
    dot_nl: bool,
}

/// Deeper group nesting than this is not evaluated (Go allows 1000; real patterns use a few).
const MAX_DEPTH: usize = 100;

impl Parser {
    fn new(pattern: &str) -> Self {
        Parser {
            chars: pattern.chars().collect(),
            pos: 0,
            depth: 0,
            flags: Flags::default(),
        }
    }

    /// A class as written, folded under `(?i)`.
    fn class_node(&self, ranges: Vec<(char, char)>, negated: bool) -> Result<Node, RegexError> {
        let ranges = if self.flags.fold {
            fold(&ranges)?
        } else {
            ranges
        };
        Ok(Node::Char(Class { ranges, negated }))
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<char> {
        self.chars.get(self.pos + offset).copied()
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek();
        if c.is_some() {
            self.pos += 1;
        }
        c
    }

    fn rest_starts_with(&self, s: &str) -> bool {
        s.chars()
            .enumerate()
            .all(|(i, c)| self.peek_at(i) == Some(c))
    }

    fn parse(mut self) -> Result<Node, RegexError> {
        let node = self.alternation()?;
        match self.peek() {
            None => Ok(node),
            Some(_) => Err(invalid("unexpected `)`")),
        }
    }

    fn alternation(&mut self) -> Result<Node, RegexError> {
        let mut branches = vec![self.concat()?];
        while self.peek() == Some('|') {
            self.pos += 1;
            branches.push(self.concat()?);
        }
        Ok(if branches.len() == 1 {
            branches.pop().unwrap_or(Node::Empty)
        } else {
            Node::Alt(branches)
        })
    }

    fn concat(&mut self) -> Result<Node, RegexError> {
        let mut items = Vec::new();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.atom()?;
            items.push(self.repetitions(atom)?);
        }
        Ok(match items.len() {
            0 => Node::Empty,
            1 => items.pop().unwrap_or(Node::Empty),
            _ => Node::Concat(items),
        })
    }

    /// The operators after an atom: at most one, as in Go (`a**` is an error), plus a lazy `?`.
    fn repetitions(&mut self, atom: Node) -> Result<Node, RegexError> {
        let start = self.pos;
        let Some((min, max)) = self.repeat_op()? else {
            return Ok(atom);
        };
        if self.peek() == Some('?') {
            self.pos += 1;
        }
        let op_end = self.pos;
        if self.repeat_op()?.is_some() {
            let op: String = self.chars[start..self.pos].iter().collect();
            return Err(invalid(format!(
                "invalid nested repetition operator `{op}`"
            )));
        }
        self.pos = op_end;
        if matches!(atom, Node::Empty) {
            let op: String = self.chars[start..op_end].iter().collect();
            return Err(invalid(format!(
                "missing argument to repetition operator `{op}`"
            )));
        }
        Ok(Node::Repeat {
            node: Box::new(atom),
            min,
            max,
        })
    }

    /// Read one repetition operator at the cursor, if there is one (`{` that is not a valid count is a
    /// literal, as in Go).
    fn repeat_op(&mut self) -> Result<Option<(u32, Option<u32>)>, RegexError> {
        Ok(match self.peek() {
            Some('*') => {
                self.pos += 1;
                Some((0, None))
            }
            Some('+') => {
                self.pos += 1;
                Some((1, None))
            }
            Some('?') => {
                self.pos += 1;
                Some((0, Some(1)))
            }
            Some('{') => {
                let save = self.pos;
                match self.counted()? {
                    Some(r) => Some(r),
                    None => {
                        self.pos = save;
                        None
                    }
                }
            }
            _ => None,
        })
    }

    /// `{n}`, `{n,}` or `{n,m}`; `None` (cursor anywhere) when the text is not one.
    fn counted(&mut self) -> Result<Option<(u32, Option<u32>)>, RegexError> {
        let start = self.pos;
        self.pos += 1;
        let Some(min) = self.number() else {
            return Ok(None);
        };
        let max = match self.next() {
            Some('}') => Some(min),
            Some(',') => {
                if self.peek() == Some('}') {
                    self.pos += 1;
                    None
                } else {
                    let Some(max) = self.number() else {
                        return Ok(None);
                    };
                    if self.next() != Some('}') {
                        return Ok(None);
                    }
                    Some(max)
                }
            }
            _ => return Ok(None),
        };
        let text: String = self.chars[start..self.pos].iter().collect();
        if min > MAX_REPEAT || max.is_some_and(|m| m > MAX_REPEAT || m < min) {
            return Err(invalid(format!("invalid repeat count `{text}`")));
        }
        Ok(Some((min, max)))
    }

    fn number(&mut self) -> Option<u32> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        // Go takes no leading zero (`{01}` is literal text).
        if self.pos == start || (self.pos - start > 1 && self.chars[start] == '0') {
            return None;
        }
        // Up to 1000 is valid; anything longer is out of range either way.
        let digits: String = self.chars[start..self.pos].iter().take(5).collect();
        digits.parse().ok()
    }

    fn atom(&mut self) -> Result<Node, RegexError> {
        let start = self.pos;
        let Some(c) = self.next() else {
            return Ok(Node::Empty);
        };
        Ok(match c {
            '(' => self.group()?,
            '[' => Node::Char(self.class()?),
            '.' => Node::Char(Class {
                ranges: if self.flags.dot_nl {
                    Vec::new()
                } else {
                    vec![('\n', '\n')]
                },
                negated: true,
            }),
            '^' if self.flags.multi_line => Node::Look(Look::LineStart),
            '$' if self.flags.multi_line => Node::Look(Look::LineEnd),
            '^' => Node::Look(Look::Start),
            '$' => Node::Look(Look::End),
            '\\' => self.escape()?,
            '*' | '+' | '?' => {
                return Err(invalid(format!(
                    "missing argument to repetition operator `{c}`"
                )))
            }
            '{' => {
                self.pos = start;
                if self.counted()?.is_some() {
                    let text: String = self.chars[start..self.pos].iter().collect();
                    return Err(invalid(format!(
                        "missing argument to repetition operator `{text}`"
                    )));
                }
                self.pos = start + 1;
                self.class_node(vec![('{', '{')], false)?
            }
            c => self.class_node(vec![(c, c)], false)?,
        })
    }

    fn group(&mut self) -> Result<Node, RegexError> {
        if self.peek() == Some('?') {
            if self.rest_starts_with("?:") {
                self.pos += 2;
            } else if self.rest_starts_with("?P<") || self.rest_starts_with("?<") {
                self.pos += if self.peek_at(1) == Some('P') { 3 } else { 2 };
                let start = self.pos;
                while self
                    .peek()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
                {
                    self.pos += 1;
                }
                if self.pos == start || self.next() != Some('>') {
                    return Err(invalid("invalid named capture"));
                }
            } else {
                // `(?flags)` sets flags until the enclosing group ends; `(?flags:...)` inside its own group.
                self.pos += 1;
                let flags = self.flags()?;
                if self.chars[self.pos - 1] == ')' {
                    self.flags = flags;
                    return Ok(Node::Empty);
                }
                let outer = self.flags;
                self.flags = flags;
                let inner = self.enclosed();
                self.flags = outer;
                return inner;
            }
        }
        let outer = self.flags;
        let inner = self.enclosed();
        self.flags = outer;
        inner
    }

    /// After `(?`: the flags up to and including `)` or `:`, as Go reads them (`i`, `m`, `s`, `U`, one `-`
    /// that clears the flags after it).
    fn flags(&mut self) -> Result<Flags, RegexError> {
        let start = self.pos - 2;
        let mut flags = self.flags;
        let mut clear = false;
        let mut since_minus = false;
        while let Some(c) = self.next() {
            let on = !clear;
            match c {
                'i' => flags.fold = on,
                'm' => flags.multi_line = on,
                's' => flags.dot_nl = on,
                'U' => {}
                '-' if !clear => {
                    clear = true;
                    since_minus = false;
                    continue;
                }
                ')' | ':' if !clear || since_minus => return Ok(flags),
                _ => break,
            }
            since_minus = true;
        }
        let text: String = self.chars[start..self.pos.min(self.chars.len())]
            .iter()
            .collect();
        Err(invalid(format!(
            "invalid or unsupported Perl syntax `{text}`"
        )))
    }

    /// The rest of a group after its `(` (and flags): its alternation and the closing `)`.
    fn enclosed(&mut self) -> Result<Node, RegexError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(RegexError::Unsupported(format!(
                "groups nested more than {MAX_DEPTH} deep are not evaluated"
            )));
        }
        let inner = self.alternation()?;
        self.depth -= 1;
        if self.next() != Some(')') {
            return Err(invalid("missing `)`"));
        }
        // A group that matches only the empty string is still an atom (`()*` is valid).
        Ok(match inner {
            Node::Empty => Node::Concat(Vec::new()),
            n => n,
        })
    }

    /// After `\` outside a class.
    fn escape(&mut self) -> Result<Node, RegexError> {
        let Some(c) = self.peek() else {
            return Err(invalid("trailing backslash at end of expression"));
        };
        if let Some((ranges, negated)) = perl_class(c) {
            self.pos += 1;
            return self.class_node(ranges.to_vec(), negated);
        }
        let look = match c {
            'A' => Some(Look::Start),
            'z' => Some(Look::End),
            'b' => Some(Look::Word),
            'B' => Some(Look::NotWord),
            _ => None,
        };
        if let Some(look) = look {
            self.pos += 1;
            return Ok(Node::Look(look));
        }
        let c = self.escaped_char()?;
        self.class_node(vec![(c, c)], false)
    }

    /// A character escape after `\` (cursor on the letter): `\n`, `\x41`, `\.` and the like.
    fn escaped_char(&mut self) -> Result<char, RegexError> {
        let Some(c) = self.next() else {
            return Err(invalid("trailing backslash at end of expression"));
        };
        Ok(match c {
            'n' => '\n',
            't' => '\t',
            'r' => '\r',
            'f' => '\x0c',
            'v' => '\x0b',
            'a' => '\x07',
            'x' => self.hex()?,
            c if is_punct(c) => c,
            'p' | 'P' => {
                return Err(RegexError::Unsupported(format!(
                    "Unicode classes (`\\{c}`) are not evaluated"
                )))
            }
            'Q' | 'C' | '0'..='7' => {
                return Err(RegexError::Unsupported(format!(
                    "the escape `\\{c}` is not evaluated"
                )))
            }
            c => return Err(invalid(format!("invalid escape sequence `\\{c}`"))),
        })
    }

    fn hex(&mut self) -> Result<char, RegexError> {
        let bad = || invalid("invalid escape sequence `\\x`");
        let digits: String = if self.peek() == Some('{') {
            self.pos += 1;
            let start = self.pos;
            while self.peek().is_some_and(|c| c.is_ascii_hexdigit()) {
                self.pos += 1;
            }
            let digits: String = self.chars[start..self.pos].iter().collect();
            if digits.is_empty() || digits.len() > 8 || self.next() != Some('}') {
                return Err(bad());
            }
            digits
        } else {
            let two: String = self.chars[self.pos..].iter().take(2).collect();
            if two.len() != 2 || !two.chars().all(|c| c.is_ascii_hexdigit()) {
                return Err(bad());
            }
            self.pos += 2;
            two
        };
        u32::from_str_radix(&digits, 16)
            .ok()
            .and_then(char::from_u32)
            .ok_or_else(bad)
    }

    /// After `[`.
    fn class(&mut self) -> Result<Class, RegexError> {
        let negated = self.peek() == Some('^');
        if negated {
            self.pos += 1;
        }
        let mut ranges = Vec::new();
        let mut first = true;
        loop {
            let Some(c) = self.peek() else {
                return Err(invalid("missing closing `]`"));
            };
            if c == ']' && !first {
                self.pos += 1;
                break;
            }
            first = false;
            if self.rest_starts_with("[:") {
                let end = self.chars[self.pos + 2..]
                    .windows(2)
                    .position(|w| w == [':', ']']);
                if let Some(end) = end {
                    let name: String = self.chars[self.pos + 2..self.pos + 2 + end]
                        .iter()
                        .collect();
                    let (name, negate) = match name.strip_prefix('^') {
                        Some(n) => (n.to_string(), true),
                        None => (name, false),
                    };
                    let Some(set) = posix_class(&name) else {
                        return Err(invalid(format!(
                            "invalid character class range `[:{name}:]`"
                        )));
                    };
                    ranges.extend(self.group_ranges(set, negate)?);
                    self.pos += end + 4;
                    continue;
                }
            }
            if c == '\\' {
                if let Some((set, negate)) = self.peek_at(1).and_then(perl_class) {
                    ranges.extend(self.group_ranges(set, negate)?);
                    self.pos += 2;
                    continue;
                }
            }
            let lo = self.class_char()?;
            if self.peek() == Some('-') && self.peek_at(1).is_some_and(|c| c != ']') {
                self.pos += 1;
                let hi = self.class_char()?;
                if hi < lo {
                    return Err(invalid(format!(
                        "invalid character class range `{lo}-{hi}`"
                    )));
                }
                ranges.extend(self.folded(&[(lo, hi)])?);
            } else {
                ranges.extend(self.folded(&[(lo, lo)])?);
            }
        }
        Ok(Class { ranges, negated })
    }

    fn folded(&self, ranges: &[(char, char)]) -> Result<Vec<(char, char)>, RegexError> {
        if self.flags.fold {
            fold(ranges)
        } else {
            Ok(ranges.to_vec())
        }
    }

    /// A `\d`-like or `[:alpha:]`-like group inside a class: folded, then negated (as Go does).
    fn group_ranges(
        &self,
        set: &[(char, char)],
        negate: bool,
    ) -> Result<Vec<(char, char)>, RegexError> {
        let set = self.folded(set)?;
        Ok(if negate { complement(&set) } else { set })
    }

    fn class_char(&mut self) -> Result<char, RegexError> {
        match self.next() {
            Some('\\') => self.escaped_char(),
            Some(c) => Ok(c),
            None => Err(invalid("missing closing `]`")),
        }
    }
}

fn invalid(msg: impl Into<String>) -> RegexError {
    RegexError::Invalid(msg.into())
}

#[derive(Debug)]
enum Inst {
    Char(Class),
    Look(Look),
    Split(usize, usize),
    Jmp(usize),
    Match,
}

fn compile(node: &Node) -> Result<Vec<Inst>, RegexError> {
    let mut program = Vec::new();
    emit(node, &mut program)?;
    program.push(Inst::Match);
    Ok(program)
}

fn emit(node: &Node, p: &mut Vec<Inst>) -> Result<(), RegexError> {
    if p.len() > MAX_PROGRAM {
        return Err(RegexError::Unsupported(format!(
            "an expression that compiles to more than {MAX_PROGRAM} steps is not evaluated"
        )));
    }
    match node {
        Node::Empty => {}
        Node::Char(class) => p.push(Inst::Char(class.clone())),
        Node::Look(look) => p.push(Inst::Look(*look)),
        Node::Concat(items) => {
            for item in items {
                emit(item, p)?;
            }
        }
        Node::Alt(branches) => {
            // split L1, next; L1: branch; jmp end; next: split ... ; last branch
            let mut jumps = Vec::new();
            for (i, branch) in branches.iter().enumerate() {
                if i + 1 < branches.len() {
                    let split = p.len();
                    p.push(Inst::Split(split + 1, 0));
                    emit(branch, p)?;
                    jumps.push(p.len());
                    p.push(Inst::Jmp(0));
                    let next = p.len();
                    p[split] = Inst::Split(split + 1, next);
                } else {
                    emit(branch, p)?;
                }
            }
            let end = p.len();
            for j in jumps {
                p[j] = Inst::Jmp(end);
            }
        }
        Node::Repeat { node, min, max } => {
            for _ in 0..*min {
                emit(node, p)?;
            }
            match max {
                None => {
                    let split = p.len();
                    p.push(Inst::Split(split + 1, 0));
                    emit(node, p)?;
                    p.push(Inst::Jmp(split));
                    let end = p.len();
                    p[split] = Inst::Split(split + 1, end);
                }
                Some(max) => {
                    let mut splits = Vec::new();
                    for _ in *min..*max {
                        splits.push(p.len());
                        p.push(Inst::Split(0, 0));
                        emit(node, p)?;
                    }
                    let end = p.len();
                    for s in splits {
                        p[s] = Inst::Split(s + 1, end);
                    }
                }
            }
        }
    }
    Ok(())
}

fn is_word(c: Option<&char>) -> bool {
    c.is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_')
}

/// The threads alive at one position: a sparse set of program counters.
struct Threads {
    pcs: Vec<usize>,
    seen: Vec<usize>,
    generation: usize,
}

impl Threads {
    fn new(len: usize) -> Self {
        Threads {
            pcs: Vec::new(),
            seen: vec![usize::MAX; len],
            generation: usize::MAX,
        }
    }

    fn clear(&mut self, generation: usize) {
        self.pcs.clear();
        self.generation = generation;
    }
}

/// Add the thread at `pc` and every thread its empty moves reach at position `at`; true once one
/// reaches `Match`.
fn add(
    program: &[Inst],
    list: &mut Threads,
    pc: usize,
    text: &[char],
    at: usize,
    work: &mut usize,
) -> bool {
    let mut stack = vec![pc];
    while let Some(pc) = stack.pop() {
        if list.seen[pc] == list.generation {
            continue;
        }
        list.seen[pc] = list.generation;
        *work += 1;
        match &program[pc] {
            Inst::Match => return true,
            Inst::Char(_) => list.pcs.push(pc),
            Inst::Jmp(to) => stack.push(*to),
            Inst::Split(a, b) => {
                stack.push(*b);
                stack.push(*a);
            }
            Inst::Look(look) => {
                let before = at.checked_sub(1).and_then(|i| text.get(i));
                let after = text.get(at);
                let holds = match look {
                    Look::Start => at == 0,
                    Look::End => at == text.len(),
                    Look::LineStart => at == 0 || before == Some(&'\n'),
                    Look::LineEnd => at == text.len() || after == Some(&'\n'),
                    Look::Word => is_word(before) != is_word(after),
                    Look::NotWord => is_word(before) == is_word(after),
                };
                if holds {
                    stack.push(pc + 1);
                }
            }
        }
    }
    false
}

fn run(program: &[Inst], text: &str, work: &mut usize) -> Result<bool, RegexError> {
    let text: Vec<char> = text.chars().collect();
    let mut current = Threads::new(program.len());
    let mut next = Threads::new(program.len());
    current.clear(0);
    // An unanchored search starts a thread at every position, this one included.
    if add(program, &mut current, 0, &text, 0, work) {
        return Ok(true);
    }
    for (at, &c) in text.iter().enumerate() {
        if *work > MAX_WORK {
            return Err(RegexError::Unsupported(format!(
                "matching that takes more than {MAX_WORK} steps is not evaluated"
            )));
        }
        next.clear(at + 1);
        for &pc in &current.pcs {
            if let Inst::Char(class) = &program[pc] {
                *work += 1;
                if class.contains(c) && add(program, &mut next, pc + 1, &text, at + 1, work) {
                    return Ok(true);
                }
            }
        }
        if add(program, &mut next, 0, &text, at + 1, work) {
            return Ok(true);
        }
        std::mem::swap(&mut current, &mut next);
    }
    Ok(false)
}

#[cfg(test)]
mod tests;
