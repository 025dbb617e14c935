//! A small CEL evaluator for Google Cloud attribute mappings and conditions.
//!
//! Why not a crate: `cel-interpreter` 0.10 (no default features) adds about 155 KB gzipped to a
//! wasm build after `wasm-opt -Oz` (a 23 KB baseline grew to 178 KB), and even `regex-lite` alone adds
//! 17 KB to this app; this evaluator covers what real conditions use in a few KB.
//!
//! Supported: `== != < <= > >= in && || ! ?:`, `+ - * / %`, member and index access, list and map
//! literals, `has()`, `size()`, `startsWith`, `endsWith`, `contains`, `matches` (RE2, see [`regex`]),
//! `lowerAscii`, `upperAscii` and the rest of cel-go's strings extension (`split`, `substring`, `charAt`,
//! `indexOf`, `lastIndexOf`, `replace`, `trim`, `join`: see [`strings`]), GCP's `extract()`, `type()` and the type identifiers (`string`, `int`, ...), `string()`,
//! `int()`, `double()`, `dyn()`, and the `all`, `exists`, `exists_one`, `map`, `filter` macros. Errors follow CEL: a missing key is an error,
//! which `&&`/`||` absorb when the other side decides. Regular expressions outside the subset [`regex`]
//! reads, unsigned and bytes literals, timestamps, durations and any other function evaluate to
//! [`Stop::Unknown`]: claimcheck never guesses their result.
//! [`check::compile`] makes the checks Google makes when a provider is saved (syntax, declared variables).
//! Nesting is limited to [`parser::MAX_DEPTH`] and work to [`eval::MAX_STEPS`].

pub mod ast;
pub mod check;
pub mod eval;
pub mod lexer;
pub mod parser;
pub mod regex;
pub mod strings;
pub mod value;

pub use eval::Stop;
pub use value::Val;

/// Parse and evaluate `src` with the given top-level variables.
pub fn evaluate(src: &str, vars: Vec<(String, Val)>) -> Result<Val, Stop> {
    let expr = parser::parse(src).map_err(|e| Stop::Error(format!("syntax error: {e}")))?;
    eval::eval(&expr, &mut eval::Env::new(vars))
}

/// Evaluate an already parsed (and checked, see [`check::compile`]) expression.
pub fn evaluate_expr(expr: &ast::Expr, vars: Vec<(String, Val)>) -> Result<Val, Stop> {
    eval::eval(expr, &mut eval::Env::new(vars))
}

/// [`evaluate_expr`] where reading any of `unknown_keys` (`(variable, key, why)`, see [`eval::Env::unknown_keys`])
/// is [`Stop::Unknown`]: the result is decided only when it does not depend on them.
pub fn evaluate_expr_with_unknowns(
    expr: &ast::Expr,
    vars: Vec<(String, Val)>,
    unknown_keys: Vec<(String, String, String)>,
) -> Result<Val, Stop> {
    let mut env = eval::Env::new(vars);
    env.unknown_keys = unknown_keys;
    eval::eval(expr, &mut env)
}

#[cfg(test)]
mod strings_tests;
#[cfg(test)]
mod tests;
