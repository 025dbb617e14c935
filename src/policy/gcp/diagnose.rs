//! Known causes (DOMAIN.md section 6) recognised in an attribute condition that rejects the token, from the
//! parsed expression only (never from its text). The evaluator is not changed: each `&&` operand of the
//! condition that is not true for this token is evaluated alone, and its `||` operands are read for these
//! exact shapes:
//!
//! A claim is read from `assertion` directly or through an attribute the mapping takes straight from it
//! (`attribute.vcs_origin` with `attribute.vcs_origin=assertion['oidc.circleci.com/vcs-origin']`).
//!
//! - `assertion.sub == '<this job's V1 sub>'` with a V2 token (`sub-expects-v1`), or the V2 `sub` with a V1
//!   token (`sub-expects-v2`); a `sub` with a vcs part and a token with no vcs claims (`custom-webhook-no-vcs`);
//! - `vcs-ref` (or a V2 `sub`) `== '<a short branch or tag name>'` where the full ref matches
//!   (`vcs-ref-short-name`);
//! - `<field> == '<text with *>'`: CEL's `==` is exact and `*` is literal (`gcp-star-in-equals`);
//! - `assertion[...] == '<the claim's value in other letter case>'` (`value-case-mismatch`);
//! - a read of `assertion['oidc.circleci.com/vcs-ref']` / `vcs-origin` when the token has no vcs claims
//!   (`custom-webhook-no-vcs`);
//! - `assertion['oidc.circleci.com/vcs-origin'] == '<repo>'` (or a V2 `sub` naming it) when the token comes from
//!   the same repository name under another owner, e.g. a fork's pull request (`vcs-origin-fork`).

use serde_json::{Map, Value};

use super::cel::ast::{BinOp, Expr};
use super::cel::{evaluate_expr, parser, Val};
use super::mapping;
use crate::policy::aws::diagnose::{
    fork_finding, forked_from, full_ref, named_origin, short_ref_finding, SubParts,
};
use crate::policy::vault::diagnose::{no_vcs_claims, v2_sub};
use crate::report::{Area, Finding, Severity};

/// The findings for a rejecting condition `expr`, most actionable first (at most one per code).
pub fn diagnose(
    expr: &Expr,
    vars: &[(String, Val)],
    claims: &Map<String, Value>,
    mapping_exprs: Option<&[(String, String)]>,
) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::new();
    let direct = direct_claims(mapping_exprs);
    let mut conjuncts = Vec::new();
    flatten(expr, BinOp::And, &mut conjuncts);
    for conjunct in conjuncts {
        if matches!(evaluate_expr(conjunct, vars.to_vec()), Ok(Val::Bool(true))) {
            continue;
        }
        let mut leaves = Vec::new();
        flatten(conjunct, BinOp::Or, &mut leaves);
        for leaf in leaves {
            for f in leaf_findings(leaf, claims, mapping_exprs, &direct) {
                if !out.iter().any(|o| o.code == f.code) {
                    out.push(f);
                }
            }
        }
    }
    out
}

/// The operands of a chain of `op` (`a && b && c`), left to right.
fn flatten<'a>(e: &'a Expr, op: BinOp, out: &mut Vec<&'a Expr>) {
    match e {
        Expr::Binary(o, l, r) if *o == op => {
            flatten(l, op, out);
            flatten(r, op, out);
        }
        _ => out.push(e),
    }
}

/// The claim an expression reads directly from `assertion`: `assertion.name` or `assertion['name']`.
fn assertion_claim(e: &Expr) -> Option<&str> {
    match e {
        Expr::Select(base, name) if matches!(&**base, Expr::Ident(i) if i == "assertion") => {
            Some(name)
        }
        Expr::Index(base, key) if matches!(&**base, Expr::Ident(i) if i == "assertion") => {
            match &**key {
                Expr::Lit(Val::Str(name)) => Some(name),
                _ => None,
            }
        }
        _ => None,
    }
}

/// Each mapped attribute (`attribute.team`, `google.subject`) whose expression is just a claim read
/// (`assertion.sub`, `assertion['name']`), with that claim.
type Direct = Vec<(String, String)>;

fn direct_claims(mapping_exprs: Option<&[(String, String)]>) -> Direct {
    mapping_exprs
        .into_iter()
        .flatten()
        .filter_map(|(name, src)| {
            let expr = parser::parse(src).ok()?;
            Some((name.clone(), assertion_claim(&expr)?.to_string()))
        })
        .collect()
}

/// The claim `e` stands for: read from `assertion` directly, or through an attribute mapped straight from it.
fn claim_read(e: &Expr, direct: &Direct) -> Option<String> {
    if let Some(claim) = assertion_claim(e) {
        return Some(claim.to_string());
    }
    let name = attribute_name(e)?;
    direct
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, claim)| claim.clone())
}

/// The mapped attribute `e` reads: `attribute.team`, `attribute['team']`, `google.subject`.
fn attribute_name(e: &Expr) -> Option<String> {
    let (base, field) = match e {
        Expr::Select(base, field) => (base, field),
        Expr::Index(base, key) => match &**key {
            Expr::Lit(Val::Str(k)) => (base, k),
            _ => return None,
        },
        _ => return None,
    };
    match &**base {
        Expr::Ident(v) if v == "attribute" || v == "google" => Some(format!("{v}.{field}")),
        _ => None,
    }
}

/// The operands of `e`, in order.
fn children(e: &Expr) -> Vec<&Expr> {
    match e {
        Expr::Select(a, _) | Expr::Unary(_, a) | Expr::Has(a, _) => vec![a],
        Expr::Index(a, b) | Expr::Binary(_, a, b) => vec![a, b],
        Expr::Call { target, args, .. } => target.iter().map(|t| &**t).chain(args).collect(),
        Expr::List(items) => items.iter().collect(),
        Expr::Map(entries) => entries.iter().flat_map(|(k, v)| [k, v]).collect(),
        Expr::Cond(a, b, c) => vec![a, b, c],
        Expr::Comprehension { range, body, .. } => vec![range, body],
        _ => Vec::new(),
    }
}

/// Claims that are the same in every token of an organization.
const ORG_WIDE: &[&str] = &["aud", "iss", "oidc.circleci.com/org-id"];

/// What [`claims_read`] records for `<sub>.startsWith('org/<org>/')`: only the org part of `sub` is read.
const SUB_ORG_PREFIX: &str = "sub` up to its org, `org/<org>/";

/// A `sub` prefix that stops at the org (`org/<org>`, `org/<org>/`, `org/<org>/project/`): the same for every
/// token of the organization.
fn org_only_prefix(prefix: &str) -> bool {
    prefix.strip_prefix("org/").is_some_and(|rest| {
        let (org, tail) = rest.split_once('/').unwrap_or((rest, ""));
        !org.is_empty() && ["", "project", "project/"].contains(&tail)
    })
}

/// Every claim `e` reads from `assertion`, directly or through the mapping of an attribute it reads; `None` when
/// it reads `assertion` otherwise (whole, or with a computed key).
fn claims_read(
    e: &Expr,
    mapping: Option<&[(String, String)]>,
    out: &mut Vec<String>,
) -> Option<()> {
    if let Some(claim) = assertion_claim(e) {
        out.push(claim.to_string());
        return Some(());
    }
    if let Some(name) = attribute_name(e) {
        // A mapping reads `assertion` only, so this recursion is one level deep.
        if let Some((_, src)) = mapping.into_iter().flatten().find(|(n, _)| *n == name) {
            claims_read(&parser::parse(src).ok()?, None, out)?;
        }
        return Some(());
    }
    if matches!(e, Expr::Ident(i) if i == "assertion") {
        return None;
    }
    if let Expr::Call {
        target: Some(t),
        name,
        args,
    } = e
    {
        if let ([Expr::Lit(Val::Str(prefix))], "startsWith") = (&args[..], name.as_str()) {
            let mut read = Vec::new();
            claims_read(t, mapping, &mut read)?;
            if read == ["sub"] && org_only_prefix(prefix) {
                out.push(SUB_ORG_PREFIX.to_string());
                return Some(());
            }
        }
    }
    children(e)
        .into_iter()
        .try_for_each(|c| claims_read(c, mapping, out))
}

/// A field path as written in CEL (`assertion.sub`, `assertion['oidc.circleci.com/vcs-ref']`,
/// `attribute.project`), for identifiers, selections and string-literal indexes only.
fn path_text(e: &Expr) -> Option<String> {
    match e {
        Expr::Ident(i) => Some(i.clone()),
        Expr::Select(base, name) => Some(format!("{}.{name}", path_text(base)?)),
        Expr::Index(base, key) => match &**key {
            Expr::Lit(Val::Str(k)) if !k.contains('\'') && !k.contains('\\') => {
                Some(format!("{}['{k}']", path_text(base)?))
            }
            _ => None,
        },
        _ => None,
    }
}

/// `<path> == '<string>'` (either way round): the path and the string.
fn equals_string(e: &Expr) -> Option<(&Expr, &str)> {
    let Expr::Binary(BinOp::Eq, l, r) = e else {
        return None;
    };
    match (&**l, &**r) {
        (Expr::Lit(Val::Str(s)), other) | (other, Expr::Lit(Val::Str(s)))
            if !s.contains('\'') && !s.contains('\\') =>
        {
            path_text(other).map(|_| (other, s.as_str()))
        }
        _ => None,
    }
}

fn leaf_findings(
    leaf: &Expr,
    claims: &Map<String, Value>,
    mapping_exprs: Option<&[(String, String)]>,
    direct: &Direct,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let token_sub = claims.get("sub").and_then(Value::as_str).unwrap_or("");
    let project = claims
        .get("oidc.circleci.com/project-id")
        .and_then(Value::as_str)
        .unwrap_or("<project-id>");
    if let Some((path, text)) = equals_string(leaf) {
        let shown = path_text(path).unwrap_or_default();
        let claim = claim_read(path, direct);
        // The token's value of that claim, when it is a string.
        let actual = claim
            .as_deref()
            .and_then(|name| claims.get(name))
            .and_then(Value::as_str);
        if claim.as_deref() == Some("sub") {
            if let Some(f) = sub_version(&shown, text, token_sub, project, claims, mapping_exprs) {
                out.push(f);
            }
        }
        if text.contains('*') {
            out.push(star_in_equals(&shown, text));
        }
        // `vcs-ref` (or a V2 `sub`) compared with a short branch or tag name: the full ref would match.
        let in_sub = match claim.as_deref() {
            Some("sub") => Some(true),
            Some("oidc.circleci.com/vcs-ref") => Some(false),
            _ => None,
        };
        if let Some(in_sub) = in_sub {
            if let Some(full) = full_ref(text, in_sub, |full| Some(full) == actual) {
                out.push(short_ref_finding(
                    text,
                    &full,
                    &format!("the condition's `{shown} == '{text}'`"),
                ));
            }
        }
        if let Some(actual) = actual.filter(|a| *a != text && a.eq_ignore_ascii_case(text)) {
            out.push(
                Finding::new(
                    "value-case-mismatch",
                    Severity::Error,
                    Area::Policy,
                    format!("`{shown}` is compared with `{text}`, but the token has `{actual}`: they differ only in case, and CEL's `==` is case-sensitive"),
                )
                .with_fix(format!(
                    "write `'{actual}'` as the token has it, or compare without case: `{shown}.lowerAscii() == '{}'`",
                    text.to_ascii_lowercase()
                )),
            );
        }
        // The repository the condition expects, read from a `vcs-origin` or a V2 `sub` comparison.
        let expected = match claim.as_deref() {
            Some("oidc.circleci.com/vcs-origin") => Some(text),
            Some("sub") => named_origin(text),
            _ => None,
        };
        let origin = claims
            .get("oidc.circleci.com/vcs-origin")
            .and_then(Value::as_str);
        if let (Some(expected), Some(origin)) = (expected, origin) {
            if forked_from(expected, origin) {
                out.push(fork_finding(
                    origin,
                    expected,
                    &format!("`{shown}` is compared with"),
                ));
            }
        }
    }
    if no_vcs_claims(claims) && SubParts::parse(token_sub).is_some_and(|s| s.vcs.is_none()) {
        if let Some(shown) = reads_vcs_claim(leaf, direct) {
            out.push(
                Finding::new(
                    "custom-webhook-no-vcs",
                    Severity::Error,
                    Area::Policy,
                    format!("the attribute condition reads `{shown}`, but this token has no vcs claims (no `oidc.circleci.com/vcs-origin`/`vcs-ref`: a pipeline triggered by a custom webhook); in CEL a missing claim is an error, so the condition never holds"),
                )
                .with_fix(format!("custom-webhook pipelines get no vcs claims: accept them by project instead, e.g. `assertion['oidc.circleci.com/project-id'] == '{project}'`, in a separate provider or an `||` branch")),
            );
        }
    }
    out
}

/// How a leaf reads a vcs claim (`assertion['oidc.circleci.com/vcs-ref']`, or an attribute mapped straight from
/// one, anywhere in it; or `'oidc.circleci.com/vcs-ref' in assertion`), as written.
fn reads_vcs_claim(e: &Expr, direct: &Direct) -> Option<String> {
    const VCS: [&str; 2] = ["oidc.circleci.com/vcs-ref", "oidc.circleci.com/vcs-origin"];
    let named = |n: &str| VCS.contains(&n);
    if claim_read(e, direct).is_some_and(|c| named(&c)) {
        return path_text(e);
    }
    let inner = |x: &Expr| reads_vcs_claim(x, direct);
    match e {
        Expr::Binary(BinOp::In, l, r) if matches!(&**r, Expr::Ident(i) if i == "assertion") => {
            match &**l {
                Expr::Lit(Val::Str(n)) if named(n) => Some(format!("assertion['{n}']")),
                Expr::Lit(_) => None,
                _ => inner(l),
            }
        }
        Expr::Select(a, _) | Expr::Unary(_, a) | Expr::Has(a, _) => inner(a),
        Expr::Index(a, b) | Expr::Binary(_, a, b) => inner(a).or_else(|| inner(b)),
        Expr::Call { target, args, .. } => target
            .iter()
            .map(|t| &**t)
            .chain(args.iter())
            .find_map(inner),
        Expr::List(items) => items.iter().find_map(inner),
        Expr::Cond(a, b, c) => inner(a).or_else(|| inner(b)).or_else(|| inner(c)),
        _ => None,
    }
}

fn sub_version(
    shown: &str,
    pinned: &str,
    token_sub: &str,
    project: &str,
    claims: &Map<String, Value>,
    mapping_exprs: Option<&[(String, String)]>,
) -> Option<Finding> {
    let token = SubParts::parse(token_sub)?;
    let pin = SubParts::parse(pinned)?;
    match (&token.vcs, &pin.vcs) {
        (Some(_), None) if pinned == token.v1() => Some(
            Finding::new(
                "sub-expects-v1",
                Severity::Error,
                Area::Policy,
                format!("the attribute condition compares `{shown}` with this job's V1 `sub` (`{pinned}`), but the token is V2 (`{token_sub}`); CEL `==` compares exactly, so it never matches"),
            )
            .with_fix(format!("use $CIRCLE_OIDC_TOKEN (V1): the condition expects the job's V1 sub (or accept both versions with `{shown} == '{pinned}' || {shown}.startsWith('{pinned}/vcs-origin/')`)")),
        ),
        (None, Some(_)) if no_vcs_claims(claims) => Some(
            Finding::new(
                "custom-webhook-no-vcs",
                Severity::Error,
                Area::Policy,
                format!("the attribute condition compares `{shown}` with a `sub` that pins a repository and branch, but this token has no vcs part (no `oidc.circleci.com/vcs-origin`/`vcs-ref` claims: a pipeline triggered by a custom webhook), so it can never match"),
            )
            .with_fix(format!("custom-webhook pipelines get a `sub` with no vcs part: accept them with an `||` branch without it (e.g. `{shown}.startsWith('org/{}/project/{}/user/')`), or a separate provider", token.org, token.project)),
        ),
        (None, Some(_)) if v2_sub(token_sub, claims).as_deref() == Some(pinned) => {
            // The V2 `sub` may be too long for a `google.subject` mapped from it.
            let mut v2_claims = claims.clone();
            v2_claims.insert("sub".into(), Value::String(pinned.to_string()));
            let too_long = mapping::evaluate(mapping_exprs, &[], &v2_claims).subject_too_long;
            let also = if too_long {
                format!(" and map `google.subject` to a shorter claim such as `assertion['oidc.circleci.com/project-id']` (`{project}`): the V2 sub is longer than the 127 bytes google allows")
            } else {
                String::new()
            };
            Some(
                Finding::new(
                    "sub-expects-v2",
                    Severity::Error,
                    Area::Policy,
                    format!("the attribute condition compares `{shown}` with this job's V2 `sub` (with `/vcs-origin/…/vcs-ref/…`), but the token is V1 (`{token_sub}`); CEL `==` compares exactly, so it never matches"),
                )
                .with_fix(format!("use $CIRCLE_OIDC_TOKEN_V2{also} (or compare `{shown}` with the V1 sub `{token_sub}`)")),
            )
        }
        _ => None,
    }
}

fn star_in_equals(shown: &str, text: &str) -> Finding {
    let stars = text.matches('*').count();
    let prefix = text.strip_suffix('*').filter(|_| stars == 1);
    let fix = match prefix {
        Some(p) => format!("write `{shown}.startsWith('{p}')`: in CEL `==` compares exactly and `*` is a literal character (use `{shown}.matches('<RE2 regex>')` for other patterns)"),
        None => format!("write `{shown}.matches('^{}$')`: in CEL `==` compares exactly and `*` is a literal character (`startsWith`, `endsWith` and `contains` cover prefixes, suffixes and parts)", regex(text)),
    };
    Finding::new(
        "gcp-star-in-equals",
        Severity::Error,
        Area::Policy,
        format!("the attribute condition compares `{shown}` with `'{text}'` using `==`, which is exact: `*` is not a wildcard in CEL, so only that literal text would match"),
    )
    .with_fix(fix)
}

/// An RE2 pattern for a `*` glob: other characters escaped, `*` as `.*`.
fn regex(glob: &str) -> String {
    let mut out = String::new();
    for c in glob.chars() {
        match c {
            '*' => out.push_str(".*"),
            '.' | '+' | '?' | '(' | ')' | '[' | ']' | '{' | '}' | '|' | '^' | '$' => {
                out.push_str("\\\\");
                out.push(c);
            }
            '\\' | '\'' => out.push('.'),
            _ => out.push(c),
        }
    }
    out
}

/// Lints of the condition alone: `<vcs-origin>.startsWith('github.com/acme')` (no trailing `/`) also accepts
/// every other owner or repository whose name starts the same (`github.com/acme-evil/x`).
pub fn lint(expr: &Expr, mapping_exprs: Option<&[(String, String)]>) -> Vec<Finding> {
    let direct = direct_claims(mapping_exprs);
    let mut out = Vec::new();
    prefix_lint(expr, &direct, &mut out);
    let mut read = Vec::new();
    if claims_read(expr, mapping_exprs, &mut read).is_some()
        && !read.is_empty()
        && read
            .iter()
            .all(|c| ORG_WIDE.contains(&c.as_str()) || c == SUB_ORG_PREFIX)
    {
        // Sorted as `&str`, the one string sort the wasm holds (equal strings are indistinguishable: unstable).
        let mut read: Vec<&str> = read.iter().map(String::as_str).collect();
        read.sort_unstable();
        read.dedup();
        out.push(
            Finding::new(
                "gcp-condition-org-only",
                Severity::Warning,
                Area::Policy,
                format!(
                    "the attribute condition reads only `{}`, which every token of the organization carries alike: every project and branch of the org is accepted",
                    read.join("`, `")
                ),
            )
            .with_fix("also compare `assertion['oidc.circleci.com/project-id']` with the project's ID (and `assertion['oidc.circleci.com/vcs-ref']` with a branch)"),
        );
    }
    out
}

fn prefix_lint(e: &Expr, direct: &Direct, out: &mut Vec<Finding>) {
    if let Expr::Call {
        target: Some(t),
        name,
        args,
    } = e
    {
        if let ([Expr::Lit(Val::Str(prefix))], true) = (&args[..], name == "startsWith") {
            let origin = claim_read(t, direct).as_deref() == Some("oidc.circleci.com/vcs-origin");
            if origin
                && !prefix.ends_with('/')
                && prefix.matches('/').count() >= 1
                && !out.iter().any(|f| f.code == "gcp-prefix-without-slash")
            {
                let shown = path_text(t).unwrap_or_default();
                out.push(
                    Finding::new(
                        "gcp-prefix-without-slash",
                        Severity::Warning,
                        Area::Policy,
                        format!("`{shown}.startsWith('{prefix}')` has no trailing `/`: it also accepts every repository whose origin merely starts with it, such as `{prefix}-fork/repo`"),
                    )
                    .with_fix(format!("write `{shown}.startsWith('{prefix}/')` for an owner, or `{shown} == '{prefix}'` for one repository")),
                );
            }
        }
    }
    for x in children(e) {
        prefix_lint(x, direct, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org_only(condition: &str) -> Option<String> {
        let mapping = [("google.subject".to_string(), "assertion.sub".to_string())];
        lint(&parser::parse(condition).ok()?, Some(&mapping))
            .into_iter()
            .find(|f| f.code == "gcp-condition-org-only")
            .map(|f| f.message)
    }

    #[test]
    fn a_sub_prefix_that_stops_at_the_org_is_org_wide() {
        for condition in [
            "assertion.sub.startsWith('org/o1/')",
            "google.subject.startsWith('org/o1/project/')",
            "assertion.sub.startsWith('org/o1') && assertion.aud == 'o1'",
        ] {
            let message = org_only(condition).unwrap_or_default();
            assert!(
                message.contains("`sub` up to its org, `org/<org>/`, which every token"),
                "{condition}: {message}"
            );
        }
        for condition in [
            "assertion.sub.startsWith('org/o1/project/p1/')",
            "assertion.sub.startsWith('org/')",
            "assertion.sub.startsWith('org/o1/') && assertion['oidc.circleci.com/vcs-ref'] == 'refs/heads/main'",
            "assertion.sub.endsWith('org/o1/')",
        ] {
            assert_eq!(org_only(condition), None, "{condition}");
        }
    }
}
