//! A Pratt parser for CEL with a depth limit, so no expression can exhaust the stack.

use super::ast::{BinOp, Expr, Macro, UnOp};
use super::lexer::{lex, Spanned, Tok};
use super::value::Val;

/// The deepest syntax tree accepted (nesting of any kind, including long operator chains).
pub const MAX_DEPTH: u32 = 96;

struct Parser {
    toks: Vec<Spanned>,
    pos: usize,
}

type Parsed = Result<(Expr, u32), String>;

fn check(depth: u32, at: usize) -> Result<u32, String> {
    if depth > MAX_DEPTH {
        Err(format!(
            "expression nests deeper than {MAX_DEPTH} levels at offset {at}"
        ))
    } else {
        Ok(depth)
    }
}

fn binop(tok: &Tok) -> Option<(BinOp, u8)> {
    let Tok::Sym(s) = tok else {
        return match tok {
            Tok::Ident(id) if id == "in" => Some((BinOp::In, 3)),
            _ => None,
        };
    };
    Some(match *s {
        "||" => (BinOp::Or, 1),
        "&&" => (BinOp::And, 2),
        "==" => (BinOp::Eq, 3),
        "!=" => (BinOp::Ne, 3),
        "<" => (BinOp::Lt, 3),
        "<=" => (BinOp::Le, 3),
        ">" => (BinOp::Gt, 3),
        ">=" => (BinOp::Ge, 3),
        "+" => (BinOp::Add, 4),
        "-" => (BinOp::Sub, 4),
        "*" => (BinOp::Mul, 5),
        "/" => (BinOp::Div, 5),
        "%" => (BinOp::Rem, 5),
        _ => return None,
    })
}

/// `terms` (at least one) joined by `op` into a tree of depth about log2 of their number, in their order.
fn balanced(op: BinOp, mut terms: Vec<(Expr, u32)>) -> (Expr, u32) {
    if terms.len() == 1 {
        return terms.pop().unwrap_or((Expr::Lit(Val::Null), 0));
    }
    let right = terms.split_off(terms.len() / 2);
    let (l, ld) = balanced(op, terms);
    let (r, rd) = balanced(op, right);
    (Expr::Binary(op, Box::new(l), Box::new(r)), ld.max(rd) + 1)
}

/// Parse `src` into a syntax tree, or say what is wrong and where.
pub fn parse(src: &str) -> Result<Expr, String> {
    let toks = lex(src)?;
    let mut p = Parser { toks, pos: 0 };
    let (expr, _) = p.expr(0)?;
    match p.peek() {
        Tok::End => Ok(expr),
        other => Err(format!(
            "unexpected {} at offset {}",
            describe(other),
            p.at()
        )),
    }
}

fn describe(tok: &Tok) -> String {
    match tok {
        Tok::End => "end of expression".into(),
        Tok::Sym(s) => format!("`{s}`"),
        Tok::Ident(s) => format!("`{s}`"),
        Tok::Str(_) | Tok::Bytes => "string".into(),
        _ => "number".into(),
    }
}

impl Parser {
    fn peek(&self) -> &Tok {
        self.toks.get(self.pos).map_or(&Tok::End, |s| &s.tok)
    }
    fn at(&self) -> usize {
        self.toks.get(self.pos).map_or(0, |s| s.at)
    }
    fn next(&mut self) -> Tok {
        let tok = self.peek().clone();
        if self.pos < self.toks.len() {
            self.pos += 1;
        }
        tok
    }
    fn eat(&mut self, sym: &str) -> bool {
        if matches!(self.peek(), Tok::Sym(s) if *s == sym) {
            self.pos += 1;
            true
        } else {
            false
        }
    }
    fn expect(&mut self, sym: &str) -> Result<(), String> {
        if self.eat(sym) {
            Ok(())
        } else {
            Err(format!(
                "expected `{sym}` but found {} at offset {}",
                describe(self.peek()),
                self.at()
            ))
        }
    }

    /// expr = or ["?" or ":" expr]
    fn expr(&mut self, depth: u32) -> Parsed {
        let depth = check(depth + 1, self.at())?;
        let (cond, d1) = self.binary(0, depth)?;
        if !self.eat("?") {
            return Ok((cond, d1));
        }
        let (then, d2) = self.binary(0, depth)?;
        self.expect(":")?;
        let (otherwise, d3) = self.expr(depth)?;
        let d = check(d1.max(d2).max(d3) + 1, self.at())?;
        Ok((
            Expr::Cond(Box::new(cond), Box::new(then), Box::new(otherwise)),
            d,
        ))
    }

    /// Precedence climbing over the binary operators (all left-associative). A chain of `&&` or of `||` is
    /// built balanced, as cel-go does: CEL's logical operators are commutative (an error on either side is
    /// absorbed), so the grouping changes no result, and a condition listing a hundred branches stays shallow.
    fn binary(&mut self, min_prec: u8, depth: u32) -> Parsed {
        let (mut left, mut d) = self.unary(depth)?;
        while let Some((op, prec)) = binop(self.peek()) {
            if prec <= min_prec {
                break;
            }
            self.pos += 1;
            if matches!(op, BinOp::And | BinOp::Or) {
                let mut terms = vec![(left, d)];
                loop {
                    terms.push(self.binary(prec, depth)?);
                    if binop(self.peek()).map(|(o, _)| o) != Some(op) {
                        break;
                    }
                    self.pos += 1;
                }
                (left, d) = balanced(op, terms);
                d = check(d, self.at())?;
                continue;
            }
            let (right, rd) = self.binary(prec, depth)?;
            d = check(d.max(rd) + 1, self.at())?;
            left = Expr::Binary(op, Box::new(left), Box::new(right));
        }
        Ok((left, d))
    }

    fn unary(&mut self, depth: u32) -> Parsed {
        let op = if self.eat("!") {
            UnOp::Not
        } else if self.eat("-") {
            if *self.peek() == Tok::IntMinMagnitude {
                self.pos += 1;
                return Ok((Expr::Lit(Val::Int(i64::MIN)), 1));
            }
            UnOp::Neg
        } else {
            return self.member(depth);
        };
        let (inner, d) = self.unary(check(depth + 1, self.at())?)?;
        // Fold `-<literal>` so that `-9223372036854775808`-style literals stay literals.
        if let (UnOp::Neg, Expr::Lit(Val::Int(n))) = (op, &inner) {
            if let Some(neg) = n.checked_neg() {
                return Ok((Expr::Lit(Val::Int(neg)), d));
            }
        }
        Ok((Expr::Unary(op, Box::new(inner)), check(d + 1, self.at())?))
    }

    fn member(&mut self, depth: u32) -> Parsed {
        let (mut expr, mut d) = self.primary(depth)?;
        loop {
            if self.eat(".") {
                let name = match self.next() {
                    Tok::Ident(name) => name,
                    other => {
                        return Err(format!(
                            "expected a field name after `.` but found {} at offset {}",
                            describe(&other),
                            self.at()
                        ))
                    }
                };
                if self.eat("(") {
                    let (args, ad) = self.args(")", depth)?;
                    let macro_kind = match name.as_str() {
                        "all" => Some(Macro::All),
                        "exists" => Some(Macro::Exists),
                        "exists_one" => Some(Macro::ExistsOne),
                        "map" => Some(Macro::Map),
                        "filter" => Some(Macro::Filter),
                        _ => None,
                    };
                    expr = match (macro_kind, args.len()) {
                        (Some(kind), 2) => {
                            let mut args = args.into_iter();
                            let var = match args.next() {
                                Some(Expr::Ident(v)) => v,
                                _ => {
                                    return Err(format!(
                                        "`{name}` needs a variable name as its first argument"
                                    ))
                                }
                            };
                            let body = args.next().unwrap_or(Expr::Lit(Val::Null));
                            Expr::Comprehension {
                                kind,
                                range: Box::new(expr),
                                var,
                                body: Box::new(body),
                            }
                        }
                        (Some(_), 3) => Expr::Unsupported(format!("three-argument `{name}()`")),
                        _ => Expr::Call {
                            target: Some(Box::new(expr)),
                            name,
                            args,
                        },
                    };
                    d = check(d.max(ad) + 1, self.at())?;
                } else {
                    expr = Expr::Select(Box::new(expr), name);
                    d = check(d + 1, self.at())?;
                }
            } else if self.eat("[") {
                let (index, id) = self.expr(depth)?;
                self.expect("]")?;
                expr = Expr::Index(Box::new(expr), Box::new(index));
                d = check(d.max(id) + 1, self.at())?;
            } else {
                return Ok((expr, d));
            }
        }
    }

    /// Comma-separated expressions up to `close` (a trailing comma is allowed).
    fn args(&mut self, close: &str, depth: u32) -> Result<(Vec<Expr>, u32), String> {
        let mut out = Vec::new();
        let mut d = 0;
        while !self.eat(close) {
            let (e, ed) = self.expr(depth)?;
            out.push(e);
            d = d.max(ed);
            if !self.eat(",") {
                self.expect(close)?;
                break;
            }
        }
        Ok((out, d))
    }

    fn primary(&mut self, depth: u32) -> Parsed {
        let at = self.at();
        match self.next() {
            Tok::Int(n) => Ok((Expr::Lit(Val::Int(n)), 1)),
            Tok::IntMinMagnitude => Err(format!(
                "integer `9223372036854775808` out of range at offset {at}"
            )),
            Tok::Double(f) => Ok((Expr::Lit(Val::Double(f)), 1)),
            Tok::Str(s) => Ok((Expr::Lit(Val::Str(s)), 1)),
            Tok::Uint => Ok((Expr::Unsupported("unsigned integer literals".into()), 1)),
            Tok::Bytes => Ok((Expr::Unsupported("bytes literals".into()), 1)),
            Tok::Ident(name) => match name.as_str() {
                "true" => Ok((Expr::Lit(Val::Bool(true)), 1)),
                "false" => Ok((Expr::Lit(Val::Bool(false)), 1)),
                "null" => Ok((Expr::Lit(Val::Null), 1)),
                _ if self.eat("(") => {
                    let (args, d) = self.args(")", depth)?;
                    if name == "has" {
                        return match args.into_iter().next() {
                            Some(Expr::Select(operand, field)) => Ok((Expr::Has(operand, field), d + 1)),
                            _ => Err(format!("`has()` needs a field selection such as `has(assertion.sub)` (offset {at})")),
                        };
                    }
                    Ok((
                        Expr::Call {
                            target: None,
                            name,
                            args,
                        },
                        check(d + 1, at)?,
                    ))
                }
                _ => Ok((Expr::Ident(name), 1)),
            },
            Tok::Sym("(") => {
                let (e, d) = self.expr(depth)?;
                self.expect(")")?;
                Ok((e, d))
            }
            Tok::Sym("[") => {
                let (items, d) = self.args("]", depth)?;
                Ok((Expr::List(items), check(d + 1, at)?))
            }
            Tok::Sym("{") => {
                let mut entries = Vec::new();
                let mut d = 0;
                while !self.eat("}") {
                    let (k, kd) = self.expr(depth)?;
                    self.expect(":")?;
                    let (v, vd) = self.expr(depth)?;
                    entries.push((k, v));
                    d = d.max(kd).max(vd);
                    if !self.eat(",") {
                        self.expect("}")?;
                        break;
                    }
                }
                Ok((Expr::Map(entries), check(d + 1, at)?))
            }
            Tok::Sym(".") => Err(format!(
                "leading `.` (qualified names) is not supported (offset {at})"
            )),
            other => Err(format!("unexpected {} at offset {at}", describe(&other))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{parse, MAX_DEPTH};
    use crate::policy::gcp::cel::ast::{BinOp, Expr};

    #[test]
    fn precedence() {
        let Ok(Expr::Binary(BinOp::Or, _, right)) = parse("a || b && c == 'x'") else {
            panic!()
        };
        assert!(matches!(*right, Expr::Binary(BinOp::And, _, _)));
        let Ok(Expr::Binary(BinOp::Eq, left, _)) = parse("1 + 2 * 3 == 7") else {
            panic!()
        };
        assert!(matches!(*left, Expr::Binary(BinOp::Add, _, _)));
        assert!(matches!(parse("a ? b : c ? d : e"), Ok(Expr::Cond(..))));
        assert!(matches!(parse("has(assertion.sub)"), Ok(Expr::Has(..))));
        assert!(matches!(
            parse("x.exists(c, c == 1)"),
            Ok(Expr::Comprehension { .. })
        ));
        assert!(matches!(
            parse("'a' in ['a', 'b',]"),
            Ok(Expr::Binary(BinOp::In, _, _))
        ));
    }

    #[test]
    fn errors_and_depth_limits() {
        assert_eq!(
            parse("a ==").unwrap_err(),
            "unexpected end of expression at offset 4"
        );
        assert!(parse("has(assertion['x'])").is_err());
        assert!(parse("(a").unwrap_err().starts_with("expected `)`"));
        let deep = format!("{}1{}", "(".repeat(5000), ")".repeat(5000));
        assert!(parse(&deep).unwrap_err().contains("nests deeper"));
        let chain = vec!["a"; 5000].join(" + ");
        assert!(parse(&chain).unwrap_err().contains("nests deeper"));
        let negs = format!("{}true", "!".repeat(5000));
        assert!(parse(&negs).is_err());
        let ok = vec!["a"; (MAX_DEPTH - 1) as usize].join(" + ");
        assert!(parse(&ok).is_ok());
    }

    #[test]
    fn logical_chains_are_balanced_in_order() {
        fn depth(e: &Expr) -> usize {
            match e {
                Expr::Binary(_, l, r) => 1 + depth(l).max(depth(r)),
                _ => 0,
            }
        }
        fn leaves(e: &Expr, out: &mut Vec<String>) {
            match e {
                Expr::Binary(_, l, r) => {
                    leaves(l, out);
                    leaves(r, out);
                }
                Expr::Ident(name) => out.push(name.clone()),
                other => panic!("{other:?}"),
            }
        }
        let names: Vec<String> = (0..5000).map(|i| format!("a{i}")).collect();
        for op in [" || ", " && "] {
            let tree = parse(&names.join(op)).unwrap();
            assert_eq!(depth(&tree), 13, "{op}");
            let mut seen = Vec::new();
            leaves(&tree, &mut seen);
            assert_eq!(seen, names, "{op}");
        }
        // Mixed: `&&` binds tighter, each chain balanced on its own.
        let Ok(Expr::Binary(BinOp::Or, l, r)) = parse("a && b && c || d || e") else {
            panic!()
        };
        assert!(matches!(*l, Expr::Binary(BinOp::And, _, _)));
        assert!(matches!(*r, Expr::Binary(BinOp::Or, _, _)));
    }
}
