//! The checks Google makes when a provider is created or updated: every expression must parse, and may
//! name only the variables its field declares (`attributeCondition`: `assertion`, `google`, `attribute`;
//! `attributeMapping`: `assertion`). An expression that fails them cannot be saved in a real provider
//! (the API answers `INVALID_ARGUMENT`), so it is a configuration error, never a token-time rejection.
//!
//! Functions are not checked: which ones Google's environment declares is not documented in full, and
//! the evaluator reports a function it does not know as unknown rather than guessing.

use super::ast::Expr;
use super::lexer::{lex, Tok};
use super::parser;
use super::value::TYPE_NAMES;

/// The variables an `attributeCondition` may use.
pub const CONDITION_VARS: &[&str] = &["assertion", "google", "attribute"];
/// The variables an `attributeMapping` expression may use.
pub const MAPPING_VARS: &[&str] = &["assertion"];

/// Why an expression does not compile.
#[derive(Debug, Clone, PartialEq)]
pub struct CompileError {
    /// Lowercase, without the position.
    pub message: String,
    /// Byte offset in the expression, when known.
    pub offset: Option<usize>,
    /// A working alternative, when one can be derived.
    pub hint: Option<String>,
}

impl CompileError {
    /// The 1-based character position of the error in `src`.
    pub fn column(&self, src: &str) -> Option<usize> {
        let mut at = self.offset?.min(src.len());
        while !src.is_char_boundary(at) {
            at -= 1;
        }
        Some(src[..at].chars().count() + 1)
    }

    /// `message at character N`.
    pub fn describe(&self, src: &str) -> String {
        match self.column(src) {
            Some(n) => format!("{} at character {n}", self.message),
            None => self.message.clone(),
        }
    }
}

/// Google's limit on `attributeCondition` (REST reference: "the maximum length of the attribute condition
/// expression is 4096 characters").
pub const MAX_CONDITION_CHARS: usize = 4096;

/// Google's limit on each `attributeMapping` expression (REST reference: "the maximum length of an attribute
/// mapping expression is 2048 characters").
pub const MAX_MAPPING_CHARS: usize = 2048;

/// Google refuses an expression longer than `max` characters.
fn too_long(src: &str, max: usize, hint: &str) -> Result<(), CompileError> {
    let chars = src.chars().count();
    if chars > max {
        return Err(CompileError {
            message: format!("it is {chars} characters long, and google allows at most {max}"),
            offset: None,
            hint: Some(hint.into()),
        });
    }
    Ok(())
}

/// [`compile`] an `attributeCondition`, which google also refuses over [`MAX_CONDITION_CHARS`].
pub fn compile_condition(src: &str) -> Result<Expr, CompileError> {
    too_long(src, MAX_CONDITION_CHARS, "shorten the condition: test several values with `in ['a', 'b']`, a common prefix with `startsWith()`, or split the branches over two providers")?;
    compile(src, CONDITION_VARS)
}

/// [`compile`] an `attributeMapping` expression, which google also refuses over [`MAX_MAPPING_CHARS`].
pub fn compile_mapping(src: &str) -> Result<Expr, CompileError> {
    too_long(src, MAX_MAPPING_CHARS, "shorten the mapping: map the claim itself (`assertion['oidc.circleci.com/project-id']`) and test its values in `attributeCondition`, which may hold 4096 characters")?;
    compile(src, MAPPING_VARS)
}

/// Parse `src` and check that it names only `declared` variables (plus macro variables in scope).
pub fn compile(src: &str, declared: &[&str]) -> Result<Expr, CompileError> {
    let expr = parser::parse(src).map_err(|e| syntax(src, &e))?;
    let mut scope = Vec::new();
    match undeclared(&expr, declared, &mut scope) {
        None => Ok(expr),
        Some(name) => Err(CompileError {
            message: format!(
                "undeclared reference to `{name}`: only {} can be used here",
                declared
                    .iter()
                    .map(|d| format!("`{d}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            offset: ident_offset(src, &name),
            hint: declared
                .iter()
                .find(|d| near(d, &name))
                .map(|d| format!("did you mean `{d}`?")),
        }),
    }
}

const TYPOGRAPHIC_QUOTES: &str = "replace the typographic quotes (‘ ’ “ ”) with straight ones (`'` or `\"`): the text went through an editor or chat tool that changed them";

fn syntax(src: &str, error: &str) -> CompileError {
    let (message, offset) = split_offset(error);
    let hint = if message.starts_with("`has()` needs a field selection") {
        Some(offset.and_then(|at| has_hint(src, at)).unwrap_or_else(|| {
            "`has()` takes a field selection only; test a key with `'<key>' in <map>` instead"
                .to_string()
        }))
    } else if message.starts_with("unexpected character") {
        offset.and_then(|at| src.get(at..)?.chars().next()).map(|ch| match ch {
            '\u{2018}' | '\u{2019}' | '\u{201c}' | '\u{201d}' => TYPOGRAPHIC_QUOTES.to_string(),
            _ if super::lexer::LOOK_ALIKES.iter().any(|(c, _)| *c == ch) || ch.is_whitespace() => {
                "replace that invisible character with an ordinary space, or delete it: copying from a web page or chat tool adds such characters".to_string()
            }
            _ => "delete or replace that character: outside quotes, CEL is written with ASCII names, numbers, operators and brackets".to_string(),
        })
    } else if (message.starts_with("unterminated string")
        || message.starts_with("newline in a string"))
        && src.contains(['\u{2018}', '\u{2019}', '\u{201c}', '\u{201d}'])
    {
        // `'main’`: the closing quote is a typographic one.
        Some(TYPOGRAPHIC_QUOTES.to_string())
    } else if let Some(rest) = message.strip_prefix("unknown escape `\\") {
        // Regular expressions in `matches()` are where a lone `\` usually comes from.
        let c = rest.chars().next().unwrap_or('.');
        Some(format!(
            "in a CEL string `\\` starts an escape: write `\\\\{c}` for a regular expression's `\\{c}`, or write the pattern as a raw string (`r'...'`)"
        ))
    } else {
        None
    };
    CompileError {
        message: format!("syntax error: {message}"),
        offset,
        hint,
    }
}

/// Every parser and lexer message ends with ` at offset N` or ` (offset N)`: split it off.
fn split_offset(error: &str) -> (String, Option<usize>) {
    for (marker, close) in [(" at offset ", ""), (" (offset ", ")")] {
        if let Some(i) = error.rfind(marker) {
            let tail = &error[i + marker.len()..];
            if let Some(n) = tail
                .strip_suffix(close)
                .and_then(|t| t.parse::<usize>().ok())
            {
                return (error[..i].to_string(), Some(n));
            }
        }
    }
    (error.to_string(), None)
}

/// For `has(m['key'])` at `at`: the working form `'key' in m`.
fn has_hint(src: &str, at: usize) -> Option<String> {
    let rest = src.get(at..)?;
    let open = rest.find('(')?;
    let inner = balanced(rest.get(open + 1..)?)?;
    let Ok(Expr::Index(operand, key)) = parser::parse(inner) else {
        return None;
    };
    let Expr::Lit(super::Val::Str(key)) = key.as_ref() else {
        return None;
    };
    Some(format!(
        "`has()` takes a field selection only; test the key with `{} in {}` instead",
        quote(key),
        render(&operand)?
    ))
}

/// The text up to the `)` that closes an already opened `(`, skipping quoted text.
fn balanced(s: &str) -> Option<&str> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in s.char_indices() {
        match quote {
            Some(_) if escaped => escaped = false,
            Some(_) if c == '\\' => escaped = true,
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '\'' | '"' => quote = Some(c),
                '(' | '[' | '{' => depth += 1,
                ')' if depth == 0 => return s.get(..i),
                ')' | ']' | '}' => depth = depth.saturating_sub(1),
                _ => {}
            },
        }
    }
    None
}

fn quote(s: &str) -> String {
    if s.contains('\'') {
        format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
    } else {
        format!("'{}'", s.replace('\\', "\\\\"))
    }
}

/// A selection chain written back as CEL (`assertion`, `assertion.a`, `assertion['x'].b`).
fn render(e: &Expr) -> Option<String> {
    match e {
        Expr::Ident(n) => Some(n.clone()),
        Expr::Select(o, f) => Some(format!("{}.{f}", render(o)?)),
        Expr::Index(o, k) => match k.as_ref() {
            Expr::Lit(super::Val::Str(k)) => Some(format!("{}[{}]", render(o)?, quote(k))),
            _ => None,
        },
        _ => None,
    }
}

/// The first identifier not declared and not a macro variable in scope.
fn undeclared<'a>(e: &'a Expr, declared: &[&str], scope: &mut Vec<&'a str>) -> Option<String> {
    let all = |items: &mut dyn Iterator<Item = &'a Expr>, scope: &mut Vec<&'a str>| {
        for item in items {
            if let Some(name) = undeclared(item, declared, scope) {
                return Some(name);
            }
        }
        None
    };
    match e {
        Expr::Lit(_) | Expr::Unsupported(_) => None,
        // `int`, `string`, ... are declared in every CEL environment (`type(x) == string`).
        Expr::Ident(n) => (!declared.contains(&n.as_str())
            && !scope.contains(&n.as_str())
            && !TYPE_NAMES.contains(&n.as_str()))
        .then(|| n.clone()),
        Expr::Select(o, _) | Expr::Has(o, _) | Expr::Unary(_, o) => undeclared(o, declared, scope),
        Expr::Index(a, b) | Expr::Binary(_, a, b) => {
            all(&mut [a, b].into_iter().map(|b| &**b), scope)
        }
        Expr::Cond(c, t, f) => all(&mut [c, t, f].into_iter().map(|b| &**b), scope),
        Expr::Call { target, args, .. } => {
            all(&mut target.iter().map(|t| &**t).chain(args.iter()), scope)
        }
        Expr::List(items) => all(&mut items.iter(), scope),
        Expr::Map(entries) => all(&mut entries.iter().flat_map(|(k, v)| [k, v]), scope),
        Expr::Comprehension {
            range, var, body, ..
        } => undeclared(range, declared, scope).or_else(|| {
            scope.push(var);
            let found = undeclared(body, declared, scope);
            scope.pop();
            found
        }),
    }
}

/// Where identifier `name` first appears as a variable (not after `.`, not called).
fn ident_offset(src: &str, name: &str) -> Option<usize> {
    let toks = lex(src).ok()?;
    toks.iter().enumerate().find_map(|(i, t)| {
        let after_dot = i > 0 && toks[i - 1].tok == Tok::Sym(".");
        let called = toks.get(i + 1).is_some_and(|n| n.tok == Tok::Sym("("));
        (t.tok == Tok::Ident(name.to_string()) && !after_dot && !called).then_some(t.at)
    })
}

/// `a` and `b` differ by at most two single-character edits (a likely typo).
fn near(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().abs_diff(b.len()) > 2 || a.len() > 64 || b.len() > 64 {
        return false;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()] <= 2
}

#[cfg(test)]
mod tests {
    use super::{compile, CONDITION_VARS, MAPPING_VARS};

    fn error(src: &str, vars: &[&str]) -> (String, Option<String>) {
        let e = compile(src, vars).unwrap_err();
        (e.describe(src), e.hint)
    }

    #[test]
    fn valid_expressions_compile() {
        for src in [
            "assertion['oidc.circleci.com/project-id'] == 'p' && attribute.project == 'p'",
            "'oidc.circleci.com/vcs-ref' in assertion",
            "has(assertion.sub) && google.subject.startsWith('org/')",
            "assertion['oidc.circleci.com/context-ids'].exists(c, c == 'x')",
            "[1, 2].all(x, [3].exists(y, x < y))",
            "size(assertion.sub) > 0",
        ] {
            assert!(compile(src, CONDITION_VARS).is_ok(), "{src}");
        }
        assert!(compile("assertion.sub", MAPPING_VARS).is_ok());
    }

    #[test]
    fn has_with_brackets_names_the_working_alternative() {
        let (msg, hint) = error(
            "has(assertion['oidc.circleci.com/vcs-ref'])",
            CONDITION_VARS,
        );
        assert_eq!(
            msg,
            "syntax error: `has()` needs a field selection such as `has(assertion.sub)` at character 1"
        );
        assert_eq!(
            hint.as_deref(),
            Some("`has()` takes a field selection only; test the key with `'oidc.circleci.com/vcs-ref' in assertion` instead")
        );
        let (msg, _) = error("true && has(assertion.a['b'])", CONDITION_VARS);
        assert!(msg.ends_with("at character 9"), "{msg}");
        let (_, hint) = error("has(assertion.a['b'])", CONDITION_VARS);
        assert!(hint.unwrap().contains("`'b' in assertion.a`"));
    }

    #[test]
    fn look_alike_characters_are_named_with_their_fix() {
        let (msg, hint) = error(
            "assertion.aud == 'o' &&\u{a0}assertion.sub == 's'",
            CONDITION_VARS,
        );
        assert_eq!(
            msg,
            "syntax error: unexpected character U+00A0 (no-break space) at character 24"
        );
        assert_eq!(hint.as_deref(), Some("replace that invisible character with an ordinary space, or delete it: copying from a web page or chat tool adds such characters"));
        let (msg, _) = error("assertion.aud == 'o' &&\u{200b} true", CONDITION_VARS);
        assert_eq!(
            msg,
            "syntax error: unexpected character U+200B (zero-width space) at character 24"
        );
        let (msg, hint) = error("assertion.aud == \u{2018}o\u{2019}", MAPPING_VARS);
        assert_eq!(
            msg,
            "syntax error: unexpected character U+2018 (left single quotation mark) at character 18"
        );
        assert_eq!(hint.as_deref(), Some("replace the typographic quotes (‘ ’ “ ”) with straight ones (`'` or `\"`): the text went through an editor or chat tool that changed them"));
        let (msg, hint) = error("assertion.aud == 'o\u{2019}", CONDITION_VARS);
        assert_eq!(
            msg,
            "syntax error: unterminated string literal at character 18"
        );
        assert!(hint.unwrap().starts_with("replace the typographic quotes"));
        let (msg, hint) = error("assertion.aud \u{2013} 1", CONDITION_VARS);
        assert_eq!(
            msg,
            "syntax error: unexpected character U+2013 `\u{2013}` at character 15"
        );
        assert!(hint
            .unwrap()
            .starts_with("delete or replace that character"));
        let (msg, _) = error("assertion.aud # 1", CONDITION_VARS);
        assert_eq!(
            msg,
            "syntax error: unexpected character `#` at character 15"
        );
    }

    #[test]
    fn truncated_and_undeclared() {
        let (msg, hint) = error("assertion.sub == ", CONDITION_VARS);
        assert_eq!(
            msg,
            "syntax error: unexpected end of expression at character 18"
        );
        assert_eq!(hint, None);
        let (msg, hint) = error("assertions.sub == 'x' || true", CONDITION_VARS);
        assert_eq!(
            msg,
            "undeclared reference to `assertions`: only `assertion`, `google`, `attribute` can be used here at character 1"
        );
        assert_eq!(hint.as_deref(), Some("did you mean `assertion`?"));
        let (msg, hint) = error(
            r"assertion.sub.matches('github\.com/acme/')",
            CONDITION_VARS,
        );
        assert_eq!(msg, r"syntax error: unknown escape `\.` at character 23");
        assert_eq!(
            hint.as_deref(),
            Some(
                r"in a CEL string `\` starts an escape: write `\\.` for a regular expression's `\.`, or write the pattern as a raw string (`r'...'`)"
            )
        );
        // `attribute` and `google` are not declared in a mapping.
        let (msg, _) = error("assertion.sub + attribute.x", MAPPING_VARS);
        assert!(
            msg.contains("`attribute`") && msg.ends_with("character 17"),
            "{msg}"
        );
        // Macro variables are in scope only in their body.
        assert!(compile("[1].exists(x, x == 1) && x == 1", CONDITION_VARS).is_err());
        // Field names and functions are not variables.
        assert!(compile(
            "assertion.google == 'x' && size(assertion) > 0",
            MAPPING_VARS
        )
        .is_ok());
        // Any input: no panic.
        for src in [
            "has(",
            "has(a[",
            "has(a['x'",
            "'é",
            "has(\"a')\"[1])",
            "é(",
            "",
        ] {
            let _ = compile(src, CONDITION_VARS);
        }
    }
}
