//! Evaluate a CEL syntax tree with CEL's error semantics: a missing key or a type mismatch is an
//! error value; `&&` and `||` absorb errors when the other side decides (`false && error` is `false`);
//! anything claimcheck does not implement is `Unknown`, never a guess.

use super::ast::{BinOp, Expr, Macro, UnOp};
use super::regex::{self, RegexError};
use super::strings;
use super::value::{cel_eq, double_text, Val, TYPE_NAMES};

/// Why evaluation did not produce a value.
#[derive(Debug, Clone, PartialEq)]
pub enum Stop {
    /// CEL itself would report this error (e.g. `no such key: foo`).
    Error(String),
    /// claimcheck cannot evaluate this part (e.g. `timestamp()`).
    Unknown(String),
}

pub type Res = Result<Val, Stop>;

fn err<T>(msg: impl Into<String>) -> Result<T, Stop> {
    Err(Stop::Error(msg.into()))
}

fn unknown<T>(what: impl Into<String>) -> Result<T, Stop> {
    Err(Stop::Unknown(what.into()))
}

/// Variables in scope: the top-level ones plus comprehension variables (innermost last), and the
/// evaluation budget.
pub struct Env {
    pub vars: Vec<(String, Val)>,
    /// How many of [`Env::vars`] are top-level variables (the rest are comprehension variables).
    top: usize,
    /// Steps taken so far; evaluation stops as `Unknown` past [`MAX_STEPS`].
    pub steps: u64,
    /// Steps `matches()` has taken so far, in all its calls (bounded by [`regex::MAX_WORK`]).
    pub regex_work: usize,
    /// Entries of top-level map variables whose value is not known, with why (`("attribute", "team", "whose
    /// mapping claimcheck cannot evaluate")`; key `*` for every entry): reading one is `Unknown`, so only what does
    /// not depend on it is decided.
    pub unknown_keys: Vec<(String, String, String)>,
}

/// The most evaluation steps any expression may take (bounds nested macros over long lists).
pub const MAX_STEPS: u64 = 200_000;

impl Env {
    pub fn new(vars: Vec<(String, Val)>) -> Self {
        Env {
            top: vars.len(),
            vars,
            steps: 0,
            regex_work: 0,
            unknown_keys: Vec::new(),
        }
    }

    /// Whether `name` is a top-level variable, not a comprehension variable that hides one.
    fn is_top(&self, name: &str) -> bool {
        self.vars
            .iter()
            .rposition(|(n, _)| n == name)
            .is_some_and(|i| i < self.top)
    }

    /// `Unknown` when `var.key` is one of [`Env::unknown_keys`].
    fn unknown_key(&self, var: &str, key: &str) -> Result<(), Stop> {
        let found = self
            .unknown_keys
            .iter()
            .find(|(v, k, _)| v == var && (k == key || k == "*"));
        match found {
            Some((_, k, why)) if self.is_top(var) => {
                let name = if k == "*" {
                    var.to_string()
                } else {
                    format!("{var}.{key}")
                };
                unknown(format!("`{name}`, {why}"))
            }
            _ => Ok(()),
        }
    }

    /// `Unknown` when `var` has entries in [`Env::unknown_keys`]: the whole map (its size, its keys, a macro over
    /// it) depends on them.
    fn unknown_var(&self, var: &str) -> Result<(), Stop> {
        match self.unknown_keys.iter().find(|(v, _, _)| v == var) {
            Some((_, key, _)) if self.is_top(var) => self.unknown_key(var, key),
            _ => Ok(()),
        }
    }

    fn lookup(&self, name: &str) -> Option<&Val> {
        self.vars
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }
}

/// Evaluate `expr` in `env`.
pub fn eval(expr: &Expr, env: &mut Env) -> Res {
    env.steps += 1;
    if env.steps > MAX_STEPS {
        return unknown(format!(
            "an expression that takes more than {MAX_STEPS} steps"
        ));
    }
    match expr {
        Expr::Lit(v) => Ok(v.clone()),
        Expr::Ident(name) => {
            env.unknown_var(name)?;
            match env.lookup(name) {
                Some(v) => Ok(v.clone()),
                None => match TYPE_NAMES.iter().find(|t| **t == name) {
                    Some(t) => Ok(Val::Type(t)),
                    None => err(format!("undeclared reference to '{name}'")),
                },
            }
        }
        Expr::Select(operand, field) => match operand.as_ref() {
            // Select straight from a variable without copying it.
            Expr::Ident(name) => {
                env.unknown_key(name, field)?;
                match env.lookup(name) {
                    Some(base) => select(base, field),
                    None => err(format!("undeclared reference to '{name}'")),
                }
            }
            _ => select(&eval(operand, env)?, field),
        },
        Expr::Index(operand, index) => {
            let key = eval(index, env)?;
            match operand.as_ref() {
                Expr::Ident(name) => {
                    if let Val::Str(k) = &key {
                        env.unknown_key(name, k)?;
                    }
                    match env.lookup(name) {
                        Some(base) => index_into(base, &key),
                        None => err(format!("undeclared reference to '{name}'")),
                    }
                }
                _ => index_into(&eval(operand, env)?, &key),
            }
        }
        Expr::Has(operand, field) => {
            let base = match operand.as_ref() {
                // Only `var.field` is read: the variable's other entries may be unknown.
                Expr::Ident(name) => {
                    env.unknown_key(name, field)?;
                    match env.lookup(name) {
                        Some(base) => base.clone(),
                        None => return err(format!("undeclared reference to '{name}'")),
                    }
                }
                _ => eval(operand, env)?,
            };
            match base {
                Val::Map(entries) => Ok(Val::Bool(
                    entries
                        .iter()
                        .any(|(k, _)| matches!(k, Val::Str(s) if s == field)),
                )),
                other => err(format!(
                    "invalid type for field selection: {}",
                    other.type_name()
                )),
            }
        }
        Expr::List(items) => Ok(Val::List(
            items
                .iter()
                .map(|i| eval(i, env))
                .collect::<Result<_, _>>()?,
        )),
        Expr::Map(entries) => {
            let mut out: Vec<(Val, Val)> = Vec::new();
            for (k, v) in entries {
                let key = eval(k, env)?;
                let value = eval(v, env)?;
                if out.iter().any(|(e, _)| cel_eq(e, &key)) {
                    return err("duplicate map key");
                }
                out.push((key, value));
            }
            Ok(Val::Map(out))
        }
        Expr::Unary(op, inner) => match (op, eval(inner, env)?) {
            (UnOp::Not, Val::Bool(b)) => Ok(Val::Bool(!b)),
            (UnOp::Neg, Val::Int(n)) => n
                .checked_neg()
                .map(Val::Int)
                .ok_or(Stop::Error("return error for overflow".into())),
            (UnOp::Neg, Val::Double(f)) => Ok(Val::Double(-f)),
            (op, v) => err(format!(
                "no such overload: {}{}",
                if *op == UnOp::Not { "!" } else { "-" },
                v.type_name()
            )),
        },
        Expr::Binary(BinOp::And, l, r) => logic(env, l, r, false),
        Expr::Binary(BinOp::Or, l, r) => logic(env, l, r, true),
        // `'team' in attribute` reads one key: only that key's value being unknown leaves it open.
        Expr::Binary(BinOp::In, l, r) if matches!(r.as_ref(), Expr::Ident(_)) => {
            let a = eval(l, env)?;
            let Expr::Ident(name) = r.as_ref() else {
                return err("internal: `in`");
            };
            match &a {
                Val::Str(key) => env.unknown_key(name, key)?,
                _ => env.unknown_var(name)?,
            }
            match env.lookup(name) {
                Some(b) => binary(BinOp::In, a, b.clone()),
                None => err(format!("undeclared reference to '{name}'")),
            }
        }
        Expr::Binary(op, l, r) => {
            let a = eval(l, env)?;
            let b = eval(r, env)?;
            binary(*op, a, b)
        }
        Expr::Cond(c, t, f) => match eval(c, env)? {
            Val::Bool(true) => eval(t, env),
            Val::Bool(false) => eval(f, env),
            other => err(format!(
                "no such overload: ternary condition of type {}",
                other.type_name()
            )),
        },
        Expr::Call { target, name, args } => call(env, target.as_deref(), name, args),
        Expr::Comprehension {
            kind,
            range,
            var,
            body,
        } => comprehension(env, *kind, range, var, body),
        Expr::Unsupported(what) => unknown(what.clone()),
    }
}

/// `&&` (`is_or == false`) and `||` with CEL's commutative error and unknown absorption.
fn logic(env: &mut Env, l: &Expr, r: &Expr, is_or: bool) -> Res {
    let decisive = Val::Bool(is_or);
    let a = eval(l, env);
    if a.as_ref() == Ok(&decisive) {
        return Ok(decisive);
    }
    let b = eval(r, env);
    if b.as_ref() == Ok(&decisive) {
        return Ok(decisive);
    }
    let check = |v: Res| -> Result<(), Stop> {
        match v {
            Ok(Val::Bool(_)) => Ok(()),
            Ok(other) => err(format!(
                "no such overload: {} {} ",
                other.type_name(),
                if is_or { "||" } else { "&&" }
            )),
            Err(e) => Err(e),
        }
    };
    match (check(a), check(b)) {
        (Ok(()), Ok(())) => Ok(Val::Bool(!is_or)),
        // Unknowns take precedence over errors, as in cel-go.
        (Err(Stop::Unknown(u)), _) | (_, Err(Stop::Unknown(u))) => Err(Stop::Unknown(u)),
        (Err(e), _) | (_, Err(e)) => Err(e),
    }
}

fn select(base: &Val, field: &str) -> Res {
    match base {
        Val::Map(_) => match base.get(&Val::Str(field.to_string())) {
            Some(v) => Ok(v.clone()),
            None => err(format!("no such key: {field}")),
        },
        other => err(format!(
            "type '{}' does not support field selection",
            other.type_name()
        )),
    }
}

fn index_into(base: &Val, key: &Val) -> Res {
    match (base, key) {
        (Val::List(items), Val::Int(i)) => usize::try_from(*i)
            .ok()
            .and_then(|i| items.get(i))
            .cloned()
            .ok_or(Stop::Error(format!("index out of range: {i}"))),
        (Val::List(items), Val::Double(f)) if f.fract() == 0.0 && *f >= 0.0 => items
            .get(*f as usize)
            .cloned()
            .ok_or_else(|| Stop::Error(format!("index out of range: {}", double_text(*f)))),
        (Val::Map(_), k) => match base.get(k) {
            Some(v) => Ok(v.clone()),
            None => err(format!(
                "no such key: {}",
                match k {
                    Val::Str(s) => s.clone(),
                    other => other.to_json().to_string(),
                }
            )),
        },
        (b, k) => err(format!(
            "no such overload: {}[{}]",
            b.type_name(),
            k.type_name()
        )),
    }
}

fn compare(a: &Val, b: &Val) -> Option<std::cmp::Ordering> {
    match (a, b) {
        (Val::Int(x), Val::Int(y)) => Some(x.cmp(y)),
        (Val::Int(x), Val::Double(y)) => (*x as f64).partial_cmp(y),
        (Val::Double(x), Val::Int(y)) => x.partial_cmp(&(*y as f64)),
        (Val::Double(x), Val::Double(y)) => x.partial_cmp(y),
        (Val::Str(x), Val::Str(y)) => Some(x.cmp(y)),
        (Val::Bool(x), Val::Bool(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

fn binary(op: BinOp, a: Val, b: Val) -> Res {
    use std::cmp::Ordering::*;
    let overload = |a: &Val, b: &Val| {
        Stop::Error(format!(
            "no such overload: {} {} {}",
            a.type_name(),
            op.symbol(),
            b.type_name()
        ))
    };
    match op {
        BinOp::Eq => Ok(Val::Bool(cel_eq(&a, &b))),
        BinOp::Ne => Ok(Val::Bool(!cel_eq(&a, &b))),
        BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
            let Some(ord) = compare(&a, &b) else {
                return Err(overload(&a, &b));
            };
            Ok(Val::Bool(match op {
                BinOp::Lt => ord == Less,
                BinOp::Le => ord != Greater,
                BinOp::Gt => ord == Greater,
                _ => ord != Less,
            }))
        }
        BinOp::In => match &b {
            Val::List(items) => Ok(Val::Bool(items.iter().any(|i| cel_eq(i, &a)))),
            Val::Map(_) => Ok(Val::Bool(b.get(&a).is_some())),
            _ => Err(overload(&a, &b)),
        },
        BinOp::Add => match (a, b) {
            (Val::Int(x), Val::Int(y)) => x
                .checked_add(y)
                .map(Val::Int)
                .ok_or(Stop::Error("return error for overflow".into())),
            (Val::Double(x), Val::Double(y)) => Ok(Val::Double(x + y)),
            (Val::Str(x), Val::Str(y)) => Ok(Val::Str(x + &y)),
            (Val::List(mut x), Val::List(y)) => {
                x.extend(y);
                Ok(Val::List(x))
            }
            (a, b) => Err(overload(&a, &b)),
        },
        BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Rem => match (&a, &b) {
            (Val::Int(x), Val::Int(y)) => {
                let r = match op {
                    BinOp::Sub => x.checked_sub(*y),
                    BinOp::Mul => x.checked_mul(*y),
                    BinOp::Div if *y == 0 => return err("division by zero"),
                    BinOp::Div => x.checked_div(*y),
                    _ if *y == 0 => return err("modulus by zero"),
                    _ => x.checked_rem(*y),
                };
                r.map(Val::Int)
                    .ok_or(Stop::Error("return error for overflow".into()))
            }
            (Val::Double(x), Val::Double(y)) if op != BinOp::Rem => Ok(Val::Double(match op {
                BinOp::Sub => x - y,
                BinOp::Mul => x * y,
                _ => x / y,
            })),
            _ => Err(overload(&a, &b)),
        },
        BinOp::And | BinOp::Or => err("internal: logic operator"),
    }
}

fn str_arg(args: &[Val], name: &str) -> Result<String, Stop> {
    match args {
        [Val::Str(s)] => Ok(s.clone()),
        _ => err(format!(
            "no such overload: string.{name}({})",
            type_names(args)
        )),
    }
}

/// `string, int` for an overload error.
pub(super) fn type_names(args: &[Val]) -> String {
    args.iter()
        .map(Val::type_name)
        .collect::<Vec<_>>()
        .join(", ")
}

fn size(v: &Val) -> Res {
    match v {
        Val::Str(s) => Ok(Val::Int(s.chars().count() as i64)),
        Val::List(items) => Ok(Val::Int(items.len() as i64)),
        Val::Map(entries) => Ok(Val::Int(entries.len() as i64)),
        other => err(format!("no such overload: size({})", other.type_name())),
    }
}

/// GCP's `extract(template)`: the text matched by the one `{name}` placeholder, or `""`.
fn extract(subject: &str, template: &str) -> Res {
    let (Some(open), Some(close)) = (template.find('{'), template.find('}')) else {
        return err("extract(): the template needs one `{name}` placeholder");
    };
    if close < open {
        return err("extract(): malformed template");
    }
    let prefix = &template[..open];
    let suffix = &template[close + 1..];
    let Some(start) = subject.find(prefix).map(|p| p + prefix.len()) else {
        return Ok(Val::Str(String::new()));
    };
    let rest = &subject[start..];
    let end = if suffix.is_empty() {
        Some(rest.len())
    } else {
        rest.find(suffix)
    };
    Ok(Val::Str(
        end.map(|e| rest[..e].to_string()).unwrap_or_default(),
    ))
}

fn call(env: &mut Env, target: Option<&Expr>, name: &str, args: &[Expr]) -> Res {
    let receiver = match target {
        Some(t) => Some(eval(t, env)?),
        None => None,
    };
    let args: Vec<Val> = args
        .iter()
        .map(|a| eval(a, env))
        .collect::<Result<_, _>>()?;
    match (receiver, name) {
        (Some(Val::Str(s)), "startsWith") => Ok(Val::Bool(s.starts_with(&str_arg(&args, name)?))),
        (Some(Val::Str(s)), "endsWith") => Ok(Val::Bool(s.ends_with(&str_arg(&args, name)?))),
        (Some(Val::Str(s)), "contains") => Ok(Val::Bool(s.contains(&str_arg(&args, name)?))),
        (Some(Val::Str(s)), "matches") => regex_match(env, &s, &str_arg(&args, name)?),
        (None, "matches") => match &args[..] {
            [Val::Str(s), Val::Str(re)] => regex_match(env, s, re),
            _ => err(format!("no such overload: matches({})", type_names(&args))),
        },
        (Some(Val::Str(s)), "lowerAscii") if args.is_empty() => {
            Ok(Val::Str(s.to_ascii_lowercase()))
        }
        (Some(Val::Str(s)), "upperAscii") if args.is_empty() => {
            Ok(Val::Str(s.to_ascii_uppercase()))
        }
        (Some(Val::Str(s)), "extract") => extract(&s, &str_arg(&args, name)?),
        (Some(Val::Str(s)), method) if strings::STRING_METHODS.contains(&method) => {
            strings::string_method(&s, method, &args)
        }
        (Some(Val::List(items)), "join") => strings::join(&items, &args),
        (Some(v), "size") if args.is_empty() => size(&v),
        (None, "size") if args.len() == 1 => size(&args[0]),
        (None, "string") if args.len() == 1 => match &args[0] {
            Val::Str(s) => Ok(Val::Str(s.clone())),
            Val::Int(n) => Ok(Val::Str(n.to_string())),
            Val::Double(f) => Ok(Val::Str(double_text(*f))),
            Val::Bool(b) => Ok(Val::Str(b.to_string())),
            other => err(format!("no such overload: string({})", other.type_name())),
        },
        (None, "int") if args.len() == 1 => match &args[0] {
            Val::Int(n) => Ok(Val::Int(*n)),
            // cel-go's `doubleToInt64Checked`: truncated toward zero, an error outside (-2^63, 2^63).
            Val::Double(f) if f.is_finite() && *f > i64::MIN as f64 && *f < i64::MAX as f64 => {
                Ok(Val::Int(*f as i64))
            }
            Val::Double(_) => err("integer overflow"),
            Val::Str(s) => s
                .parse()
                .map(Val::Int)
                .map_err(|_| Stop::Error(format!("cannot convert `{s}` to int"))),
            other => err(format!("no such overload: int({})", other.type_name())),
        },
        (None, "double") if args.len() == 1 => match &args[0] {
            Val::Int(n) => Ok(Val::Double(*n as f64)),
            Val::Double(f) => Ok(Val::Double(*f)),
            Val::Str(s) => s
                .parse()
                .map(Val::Double)
                .map_err(|_| Stop::Error(format!("cannot convert `{s}` to double"))),
            other => err(format!("no such overload: double({})", other.type_name())),
        },
        (None, "type") if args.len() == 1 => Ok(Val::Type(args[0].type_name())),
        (None, "dyn") if args.len() == 1 => Ok(args.into_iter().next().unwrap_or(Val::Null)),
        (Some(v), method)
            if matches!(v, Val::Str(_) | Val::List(_) | Val::Map(_)) && is_known_method(method) =>
        {
            err(format!("no such overload: {}.{method}", v.type_name()))
        }
        (Some(v), method)
            if !matches!(v, Val::Str(_) | Val::List(_) | Val::Map(_))
                && is_known_method(method) =>
        {
            err(format!("no such overload: {}.{method}()", v.type_name()))
        }
        (_, other) => unknown(format!("function `{other}()`")),
    }
}

fn is_known_method(name: &str) -> bool {
    matches!(
        name,
        "startsWith"
            | "endsWith"
            | "contains"
            | "matches"
            | "size"
            | "lowerAscii"
            | "upperAscii"
            | "extract"
            | "join"
    ) || strings::STRING_METHODS.contains(&name)
}

/// `text.matches(pattern)`: RE2 search. A pattern RE2 refuses is an error, as in CEL; one claimcheck
/// does not read is unknown.
fn regex_match(env: &mut Env, text: &str, pattern: &str) -> Res {
    match regex::is_match(pattern, text, &mut env.regex_work) {
        Ok(found) => Ok(Val::Bool(found)),
        Err(RegexError::Invalid(why)) => {
            err(format!("invalid regular expression `{pattern}`: {why}"))
        }
        Err(RegexError::Unsupported(why)) => unknown(format!("matches(`{pattern}`): {why}")),
    }
}

fn comprehension(env: &mut Env, kind: Macro, range: &Expr, var: &str, body: &Expr) -> Res {
    let items: Vec<Val> = match eval(range, env)? {
        Val::List(items) => items,
        Val::Map(entries) => entries.into_iter().map(|(k, _)| k).collect(),
        other => {
            return err(format!(
                "no such overload: {}.{}()",
                other.type_name(),
                kind.name()
            ))
        }
    };
    let mut results = Vec::with_capacity(items.len());
    for item in items {
        env.vars.push((var.to_string(), item.clone()));
        let r = eval(body, env);
        env.vars.pop();
        results.push((item, r));
    }
    match kind {
        Macro::All | Macro::Exists => {
            let decisive = kind == Macro::Exists;
            let mut first_stop: Option<Stop> = None;
            for (_, r) in results {
                match r {
                    Ok(Val::Bool(b)) if b == decisive => return Ok(Val::Bool(decisive)),
                    Ok(Val::Bool(_)) => {}
                    Ok(other) => {
                        first_stop = first_stop.or(Some(Stop::Error(format!(
                            "no such overload: {} in {}()",
                            other.type_name(),
                            kind.name()
                        ))))
                    }
                    // The results are joined with `&&` / `||`: an unknown wins over an error, as in `logic`.
                    Err(e @ Stop::Unknown(_)) if !matches!(first_stop, Some(Stop::Unknown(_))) => {
                        first_stop = Some(e)
                    }
                    Err(e) => first_stop = first_stop.or(Some(e)),
                }
            }
            match first_stop {
                Some(s) => Err(s),
                None => Ok(Val::Bool(!decisive)),
            }
        }
        Macro::ExistsOne => {
            let mut count = 0;
            for (_, r) in results {
                match r? {
                    Val::Bool(true) => count += 1,
                    Val::Bool(false) => {}
                    other => {
                        return err(format!(
                            "no such overload: {} in exists_one",
                            other.type_name()
                        ))
                    }
                }
            }
            Ok(Val::Bool(count == 1))
        }
        Macro::Map => Ok(Val::List(
            results
                .into_iter()
                .map(|(_, r)| r)
                .collect::<Result<_, _>>()?,
        )),
        Macro::Filter => {
            let mut out = Vec::new();
            for (item, r) in results {
                match r? {
                    Val::Bool(true) => out.push(item),
                    Val::Bool(false) => {}
                    other => {
                        return err(format!("no such overload: {} in filter", other.type_name()))
                    }
                }
            }
            Ok(Val::List(out))
        }
    }
}
