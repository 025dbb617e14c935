//! Why the evaluation came out as it did: the common causes (DOMAIN.md section 6) recognised from the failing
//! checks, each a finding with a fix; fixes are also attached to the failing checks themselves.
//!
//! | code | severity | meaning |
//! |---|---|---|
//! | `token-expired` | error | `exp` <= now: STS answers `ExpiredTokenException` |
//! | `token-missing-aud` | error | no `aud`: STS answers `Missing a required claim: aud` |
//! | `sub-expects-v1` | error | a V1 `sub` condition against a V2 token: use `$CIRCLE_OIDC_TOKEN` |
//! | `sub-expects-v2` | error | a V2 `sub` condition against a V1 token: use `$CIRCLE_OIDC_TOKEN_V2` |
//! | `custom-webhook-no-vcs` | error | a branch-pinned `sub` against a token with no vcs part (custom webhook) |
//! | `wildcard-in-string-equals` | error | `*`/`?` in `StringEquals`, where they are literal |
//! | `string-like-without-wildcard` | info | `StringLike` with no wildcard behaves like `StringEquals` |
//! | `string-like-prefix-without-wildcard` | error | a failing `StringLike` value with no wildcard that the token's value starts with (a forgotten `/*`) |
//! | `aud-mismatch` | error | the `aud` condition does not hold the token's `aud` |
//! | `aud-is-project-id` | error | the `aud` condition holds the project ID, not the org ID |
//! | `aud-not-org-id` | warning | the token's `aud` is not its org ID (custom audience) |
//! | `project-id-as-org-id` | error | the project ID written where the org ID belongs |
//! | `condition-key-other-issuer` | error | a condition key names another issuer than the token's |
//! | `condition-key-other-principal` | error | a key for another provider the statement also trusts fails the Allow: it is missing for this token |
//! | `principal-other-issuer` | error | the `Federated` ARN names another issuer than the token's |
//! | `principal-account-invalid` | error | the `Federated` ARN names the token's provider in no real account (`*`, `<ACCOUNT_ID>`, not 12 digits) |
//! | `principal-not-federated` | error | only `AWS`/`Service` principals: they never match a web identity (when no statement can) |
//! | `action-not-web-identity` | error | the action does not cover `sts:AssumeRoleWithWebIdentity` (when no statement can) |
//! | `statement-other-principal` | info | a statement for another principal or action, in a policy where another statement can match the token |
//! | `claim-not-exposed` | error/warning | a condition on a claim AWS does not put in the request context (error when it decides) |
//! | `vcs-ref-short-name` | error | the `sub` names a branch or tag without `refs/heads/`/`refs/tags/`, and the full ref matches |
//! | `vcs-origin-fork` | error | the V2 `sub` names a repository, and the token comes from another owner's repository with the same name (e.g. a fork's pull request) |
//! | `value-case-mismatch` | error | the values differ only in case |
//! | `sub-other-user` | error | the `sub` value pins another user of the same project |
//! | `value-near-miss` | error | the values differ in one or two characters (a typo) |
//! | `for-all-values-missing-key` | warning | `ForAllValues:` passed in an Allow only because the key is missing |
//! | `deny-applied` | error | an explicit Deny decided the verdict |
//! | `aud-list-assumed` | warning | a plain operator passed on a token with several audiences (unconfirmed reading) |
//! | `condition-not-evaluated` | warning | a condition claimcheck cannot evaluate offline leaves the verdict open |

use crate::circleci::catalogue::unix_seconds;
use serde_json::{Map, Value};

use crate::policy::diff::{minimal_diff, DiffKind};
use crate::policy::json::pointer_push;
use crate::report::{Area, Finding, Location, Outcome, Severity, Verdict};

use super::context::{Context, CtxValue, Missing};
use super::eval::{
    arn_account, arn_provider, foreign_account, provider_arn, PolicyEval, StatementEval, ACTION,
};
use super::glob;
use super::operators::{Base, Family, Qualifier};
use super::parse::{finding, Condition, Effect, Label, Locator, Policy, Statement};

/// The parts of a CircleCI `sub` (minimal reading: `org/<o>/project/<p>/user/<u>[/vcs-origin/<vo>/vcs-ref/<vr>]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubParts<'a> {
    pub org: &'a str,
    pub project: &'a str,
    pub user: &'a str,
    /// `(vcs-origin, vcs-ref)` for a V2 `sub` with a vcs part.
    pub vcs: Option<(&'a str, &'a str)>,
}

impl<'a> SubParts<'a> {
    pub fn parse(sub: &'a str) -> Option<SubParts<'a>> {
        let rest = sub.strip_prefix("org/")?;
        let (org, rest) = rest.split_once("/project/")?;
        let (project, rest) = rest.split_once("/user/")?;
        let (user, vcs) = match rest.split_once("/vcs-origin/") {
            Some((user, tail)) => {
                let (origin, vref) = tail.split_once("/vcs-ref/")?;
                (user, Some((origin, vref)))
            }
            None => (rest, None),
        };
        (!org.contains('/') && !project.contains('/') && !user.contains('/')).then_some(SubParts {
            org,
            project,
            user,
            vcs,
        })
    }

    pub fn v1(&self) -> String {
        format!(
            "org/{}/project/{}/user/{}",
            self.org, self.project, self.user
        )
    }
}

/// Whether `s` holds a `*` or `?` (bytes: a char-array pattern decodes every character, and this runs per value).
fn has_glob_char(s: &str) -> bool {
    s.bytes().any(|b| b == b'*' || b == b'?')
}

fn claim_of(key: &str) -> &str {
    key.rsplit_once(':').map(|(_, c)| c).unwrap_or(key)
}

fn str_claim<'a>(claims: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    claims.get(name).and_then(Value::as_str)
}

/// The org ID, from the `oidc.circleci.com/org-id` claim, the issuer, or the `sub`.
fn org_id(claims: &Map<String, Value>) -> Option<String> {
    str_claim(claims, "oidc.circleci.com/org-id")
        .map(str::to_string)
        .or_else(|| {
            str_claim(claims, "iss")
                .and_then(|i| i.split_once("/org/"))
                .map(|(_, o)| o.trim_end_matches('/').to_string())
        })
        .or_else(|| {
            str_claim(claims, "sub")
                .and_then(SubParts::parse)
                .map(|s| s.org.to_string())
        })
}

fn project_id(claims: &Map<String, Value>) -> Option<String> {
    str_claim(claims, "oidc.circleci.com/project-id")
        .map(str::to_string)
        .or_else(|| {
            str_claim(claims, "sub")
                .and_then(SubParts::parse)
                .map(|s| s.project.to_string())
        })
}

/// Whether `value` (a policy value under `base`) matches `text`.
fn value_matches(base: Base, value: &str, text: &str, ignore_case: bool) -> bool {
    let like = matches!(base.positive(), Base::StringLike);
    glob::matches_value(
        value,
        like,
        None,
        text,
        ignore_case || base.positive() == Base::StringEqualsIgnoreCase,
    )
    .unwrap_or(false)
}

pub fn diagnose(
    policy: &Policy,
    ctx: &Context,
    claims: &Map<String, Value>,
    ev: &mut PolicyEval,
    loc: Locator<'_>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    sts(claims, ctx, ev, &mut out);
    let sub_text = str_claim(claims, "sub");
    let sub = sub_text.and_then(SubParts::parse);
    let org = org_id(claims);
    let project = project_id(claims);
    let has_vcs_claims = claims.contains_key("oidc.circleci.com/vcs-origin")
        || claims.contains_key("oidc.circleci.com/vcs-ref");
    // A V1 token's V2 form, from its vcs claims: what `$CIRCLE_OIDC_TOKEN_V2` of the same job carries.
    let v2_form = match (
        sub.as_ref().filter(|s| s.vcs.is_none()).and(sub_text),
        str_claim(claims, "oidc.circleci.com/vcs-origin"),
        str_claim(claims, "oidc.circleci.com/vcs-ref"),
    ) {
        (Some(v1), Some(origin), Some(vcs_ref)) => {
            Some(format!("{v1}/vcs-origin/{origin}/vcs-ref/{vcs_ref}"))
        }
        _ => None,
    };
    let provider = ctx.provider.clone().unwrap_or_default();

    // A statement whose principal or action cannot match a web identity token is someone else's (a service, an
    // account, SSO users) when another Allow statement could match the token by principal and action: then it
    // explains nothing, and is only named.
    let could_match =
        |se: &StatementEval| se.principal != Outcome::Fail && se.action != Outcome::Fail;
    let other_principal: Vec<bool> = policy
        .statements
        .iter()
        .zip(&ev.statements)
        .map(|(st, se)| {
            !could_match(se)
                && policy.statements.iter().zip(&ev.statements).any(|(o, oe)| {
                    o.effect == Some(Effect::Allow) && o.index != st.index && could_match(oe)
                })
        })
        .collect();

    // Principal and action of each Allow statement.
    for ((st, se), other) in policy
        .statements
        .iter()
        .zip(&ev.statements)
        .zip(&other_principal)
    {
        if st.effect != Some(Effect::Allow) {
            continue;
        }
        let label = st.name();
        let at = || {
            loc.at(&pointer_push(&st.pointer, "Principal"))
                .or_else(|| loc.at(&st.pointer))
        };
        if *other {
            out.push(other_statement(st, se, at()));
            continue;
        }
        // Without an issuer no principal can match, and the STS check already says why.
        if se.principal == Outcome::Fail && ctx.provider.is_some() {
            if let Some(p) = st.principal.as_ref().filter(|p| !p.negated) {
                let federated: Vec<&str> = p
                    .entries
                    .iter()
                    .filter(|e| e.kind == "Federated")
                    .map(|e| e.value)
                    .collect();
                if federated.is_empty() {
                    let mut kinds: Vec<&str> = Vec::new();
                    for e in &p.entries {
                        if !kinds.contains(&e.kind) {
                            kinds.push(e.kind);
                        }
                    }
                    let kinds = if kinds.is_empty() {
                        "no principal claimcheck could read".to_string()
                    } else {
                        kinds
                            .iter()
                            .map(|k| format!("`{k}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    };
                    out.push(finding("principal-not-federated", Severity::Error, format!("{label} has no `Federated` principal (it names {kinds}), and only a `Federated` OIDC provider matches a web identity token"), format!("use `\"Principal\": {{\"Federated\": \"{}\"}}`", provider_arn(&provider)), at()));
                }
                for f in federated
                    .iter()
                    .filter_map(|f| arn_provider(f).map(|pv| (*f, pv)))
                {
                    let (arn, pv) = f;
                    if pv == provider {
                        // A placeholder account is `policy-placeholder`'s (lint).
                        let placeholder = arn_account(arn)
                            .and_then(super::lint::placeholder)
                            .is_some();
                        if let Some(why) =
                            foreign_account(arn, ctx.stack_account).filter(|_| !placeholder)
                        {
                            out.push(finding(
                                "principal-account-invalid",
                                Severity::Error,
                                format!("{label} names this token's provider, but {why}"),
                                format!("write the role's 12-digit account ID: `{}` (`aws sts get-caller-identity` prints it)", provider_arn(&provider)),
                                at(),
                            ));
                        }
                        continue;
                    }
                    let why = if pv.eq_ignore_ascii_case(&provider) {
                        "it differs only in case, and provider URLs are case-sensitive".to_string()
                    } else if pv.trim_end_matches('/') == provider.trim_end_matches('/') {
                        "it differs by a trailing `/`".to_string()
                    } else if project.as_deref().is_some_and(|p| pv.contains(p)) {
                        "it holds the project ID where the org ID belongs".to_string()
                    } else if !provider.contains("/org/") {
                        "the token was minted with `--root-issuer` (issuer without `/org/<id>`)"
                            .to_string()
                    } else {
                        format!("the token's issuer is `https://{provider}`")
                    };
                    out.push(finding(
                        "principal-other-issuer",
                        Severity::Error,
                        format!("{label} trusts `{arn}`, not this token's issuer ({why}); STS answers `InvalidIdentityToken: No OpenIDConnect provider found in your account for https://{provider}` when the account has no provider for the token's issuer, or AccessDenied when it has one"),
                        format!("use `{}` and make sure that provider exists (`aws iam list-open-id-connect-providers`)", provider_arn(&provider)),
                        at(),
                    ));
                }
            }
        }
        if se.action == Outcome::Fail && st.action.as_ref().is_some_and(|a| !a.negated) {
            out.push(finding(
                "action-not-web-identity",
                Severity::Error,
                format!(
                    "{label} does not allow `{ACTION}`, the action web identity federation calls"
                ),
                format!("write `\"Action\": \"{ACTION}\"`"),
                loc.at(&pointer_push(&st.pointer, "Action")),
            ));
        }
    }

    let mut version_reported = false;
    let PolicyEval {
        conditions, checks, ..
    } = &mut *ev;
    for ce in conditions.iter() {
        let Some(st) = policy.statements.get(ce.statement) else {
            continue;
        };
        let Some(c) = st.conditions.get(ce.condition) else {
            continue;
        };
        let Some(op) = c.op else { continue };
        if other_principal.get(ce.statement).copied().unwrap_or(false) {
            // Another principal's statement: its conditions do not apply to this token.
            continue;
        }
        let label = st.name();
        let at = || loc.at(&c.pointer(&st.pointer));
        let allow = st.effect == Some(Effect::Allow);
        let claim = claim_of(c.key).to_ascii_lowercase();
        let mut fix: Option<String> = None;

        if let (Outcome::Pass, None, "aud", Some(Value::Array(auds))) =
            (ce.outcome, op.qualifier, claim.as_str(), claims.get("aud"))
        {
            if auds.len() > 1 && !op.base.negated() {
                out.push(finding("aud-list-assumed", Severity::Warning, format!("the token has {} audiences and `{}` in {label} tests `{}` without `ForAnyValue:`: AWS does not document that case, so the pass assumes STS uses the audience that is one of the provider's client IDs (unconfirmed)", auds.len(), c.operator, c.key), format!("mint a token with the one audience the role expects (`circleci run oidc get --claims '{{\"aud\":\"{}\"}}'`), and keep it in the provider's audiences", c.values.first().map(|v| v.as_ref()).unwrap_or("<org-id>")), at()));
            }
        }
        if ce.outcome == Outcome::Unknown {
            let f = format!(
                "check it where the job runs: {label} matches only if `{}` satisfies `{}` there",
                c.key, c.operator
            );
            out.push(finding("condition-not-evaluated", Severity::Warning, format!("`{}` under `{}` in {label} cannot be evaluated offline, so the verdict may stay open", c.key, c.operator), f.clone(), at()));
            fix.get_or_insert(f);
        }
        if op.base == Base::StringEquals
            && c.values.iter().any(|v| v.contains('*') || v.contains('?'))
        {
            let f = format!("use `StringLike` instead of `StringEquals` for `{}`", c.key);
            out.push(finding("wildcard-in-string-equals", Severity::Error, format!("`StringEquals` in {label} compares `*` and `?` literally, so a value like `{}` only matches that exact text", c.values.iter().find(|v| v.contains('*') || v.contains('?')).cloned().unwrap_or_default()), f.clone(), at()));
            fix.get_or_insert(f);
        }
        if op.base == Base::StringLike
            && !c.values.is_empty()
            && c.values
                .iter()
                .all(|v| !v.contains('*') && !v.contains('?'))
        {
            out.push(finding("string-like-without-wildcard", Severity::Info, format!("`StringLike` on `{}` in {label} has no `*` or `?`, so it behaves like `StringEquals` (fine, but check that exact match is what you meant)", c.key), String::new(), at()));
        }
        if let Some(m) = &ce.missing {
            match m {
                Missing::NotExposed { claim: name, .. } => {
                    let sugg = not_exposed_fix(name, &c.values, claims, sub.as_ref(), &provider);
                    let deny_fires = !allow && ce.outcome == Outcome::Pass;
                    let decisive = deny_fires || (allow && ce.outcome == Outcome::Fail);
                    out.push(finding(
                        "claim-not-exposed",
                        if decisive { Severity::Error } else { Severity::Warning },
                        format!(
                            "AWS does not expose the `{name}` claim to trust policies, so `{}` in {label} is always missing{}",
                            c.key,
                            if deny_fires && op.qualifier == Some(Qualifier::ForAllValues) { ": `ForAllValues:` is true on a missing key, so this Deny always fires" } else if deny_fires && op.if_exists { ": `IfExists` makes the condition true on a missing key, so this Deny always fires" } else if deny_fires { ": this Deny with a negated operator always fires" } else if ce.outcome == Outcome::Pass { " (the condition passes only because the key is missing)" } else { " and the condition never matches" }
                        ),
                        sugg.clone(),
                        at(),
                    ));
                    fix.get_or_insert(sugg);
                }
                Missing::OtherProvider {
                    provider: other,
                    claim: name,
                } if !other.eq_ignore_ascii_case(&provider)
                    && st.principal.as_ref().is_some_and(|p| {
                        let trusts = |pv: &str| {
                            p.entries
                                .iter()
                                .any(|e| e.kind == "Federated" && arn_provider(e.value) == Some(pv))
                        };
                        !p.negated && trusts(other) && trusts(&provider)
                    }) =>
                {
                    // A statement trusting several providers (two orgs, GitHub and CircleCI) with each one's keys
                    // under one operator: the other provider's key is not a typo for this token's.
                    // Nothing to say when the statement passes anyway (`IfExists`, a negated operator); and not
                    // the next arm's "typo" either.
                    let blocks = allow && ce.outcome == Outcome::Fail;
                    if blocks {
                        let f = format!("give each provider its own statement with its own keys (here `{provider}:{name}`), or use `{}IfExists`", op.base.name());
                        out.push(finding(
                            "condition-key-other-principal",
                            Severity::Error,
                            format!("{label} also trusts `{other}`, but STS sets only the keys of the token's provider: `{}` is missing, so `{}` is false", c.key, c.operator),
                            f.clone(),
                            at(),
                        ));
                        fix.get_or_insert(f);
                    }
                }
                Missing::OtherProvider {
                    provider: other,
                    claim: name,
                } => {
                    let why = if other.eq_ignore_ascii_case(&provider) {
                        String::new()
                    } else if project.as_deref().is_some_and(|p| other.contains(p)) {
                        out.push(finding("project-id-as-org-id", Severity::Error, format!("the key `{}` in {label} holds the project ID where the org ID belongs", c.key), format!("the org ID is `{}`", org.clone().unwrap_or_default()), at()));
                        " (the project ID is written where the org ID belongs)".to_string()
                    } else {
                        match (other.split_once("/org/"), provider.split_once("/org/")) {
                            (Some((h1, o1)), Some((h2, o2)))
                                if h1 == h2
                                    && o1.trim_end_matches('/') == o2.trim_end_matches('/') =>
                            {
                                " (it differs by a trailing `/`)".to_string()
                            }
                            (Some((h1, o1)), Some((h2, o2))) if h1 == h2 && o1 != o2 => {
                                format!(" (another org ID: `{o1}` instead of `{o2}`)")
                            }
                            (Some((h1, _)), Some((h2, _))) if h1 != h2 => {
                                format!(" (another host: `{h1}` instead of `{h2}`)")
                            }
                            _ => String::new(),
                        }
                    };
                    let f = format!("write the key as `{provider}:{name}`");
                    out.push(finding("condition-key-other-issuer", Severity::Error, format!("the key `{}` in {label} is for issuer `{other}`{why}, but the token's issuer is `{provider}`: the key is missing from the request context", c.key), f.clone(), at()));
                    fix.get_or_insert(f);
                }
                _ => {}
            }
            if allow
                && op.qualifier == Some(Qualifier::ForAllValues)
                && !op.if_exists
                && ce.outcome == Outcome::Pass
            {
                // On a key AWS never sets, requiring it would refuse every job: the fix is the `sub` condition.
                let f = match &ce.missing {
                    Some(Missing::NotExposed { claim, .. }) => format!("AWS never sets `{}`, so requiring it (dropping `ForAllValues:` or adding `Null`) would refuse every job; {}", c.key, not_exposed_fix(claim, &c.values, claims, sub.as_ref(), &provider)),
                    _ => format!("drop `ForAllValues:` (use `{}`), or add a `Null: {{\"{}\": \"false\"}}` condition", op.base.name(), c.key),
                };
                out.push(finding("for-all-values-missing-key", Severity::Warning, format!("`{}` in {label} passes only because `{}` is missing: `ForAllValues:` is true on a missing key, which makes this Allow weaker than it looks", c.operator, c.key), f, at()));
            }
        }
        if ce.outcome != Outcome::Fail || !allow || op.base.family() != Family::String {
            if let Some(f) = fix {
                if let Some(check) = checks.get_mut(ce.check) {
                    check.fix.get_or_insert(f);
                }
            }
            continue;
        }
        // A failing string condition in an Allow statement on a present key.
        let actual = match &ce.actual {
            Some(CtxValue::One(a)) => Some(a.clone()),
            Some(CtxValue::Many(v)) if v.len() == 1 => v.first().cloned(),
            _ => None,
        };
        let positive = !op.base.negated();
        if let (Some(actual), true) = (&actual, positive) {
            if claim == "sub" {
                if let Some(f) = sub_version(
                    c,
                    op.base,
                    &label,
                    actual,
                    sub.as_ref(),
                    has_vcs_claims,
                    v2_form.as_deref(),
                    &at,
                    &mut version_reported,
                    &mut out,
                ) {
                    fix.get_or_insert(f);
                }
            }
            if claim == "sub" && fix.is_none() {
                if let Some((v, full)) = c.values.iter().find_map(|v| {
                    full_ref(v, true, |f| value_matches(op.base, f, actual, false))
                        .map(|full| (v, full))
                }) {
                    let f = short_ref_finding(v, &full, &format!("`{}` in {label}", c.key))
                        .located(at());
                    fix = f.fix.clone();
                    out.push(f);
                }
            }
            if claim == "sub" {
                if let Some((expected, origin)) = sub.as_ref().and_then(|s| fork_of(c, s)) {
                    let f = fork_finding(
                        &origin,
                        &expected,
                        &format!("`{}` in {label} expects", c.key),
                    )
                    .located(at());
                    fix = fix.or_else(|| f.fix.clone());
                    out.push(f);
                }
            }
            if claim == "aud" && !c.values.is_empty() {
                fix.get_or_insert(aud_mismatch(
                    c,
                    &label,
                    actual,
                    org.as_deref(),
                    project.as_deref(),
                    &at,
                    &mut out,
                ));
            }
            if claim == "sub"
                && project
                    .as_deref()
                    .is_some_and(|p| c.values.iter().any(|v| starts_with_org(v, p)))
            {
                out.push(finding("project-id-as-org-id", Severity::Error, format!("the `sub` value in {label} starts with `org/<project ID>`: the project ID is where the org ID belongs"), format!("the org ID is `{}`", org.clone().unwrap_or_default()), at()));
            }
            let case_only = c
                .values
                .iter()
                .find(|v| value_matches(op.base, v, actual, true))
                .filter(|_| {
                    !c.values
                        .iter()
                        .any(|v| value_matches(op.base, v, actual, false))
                });
            if let Some(v) = case_only {
                // A pattern keeps its wildcards: only its letters take the token's case (writing the token's
                // whole value would pin, say, the one user that `user/*` let in).
                let pattern = (op.base == Base::StringLike)
                    .then(|| with_case_of(v, actual))
                    .flatten()
                    .filter(|fixed| fixed != actual);
                let (message, f) = match &pattern {
                    Some(fixed) => (
                        format!("`{}` in {label}: the pattern `{v}` would match the token's `{actual}` if letter case were ignored", c.key),
                        format!("write the pattern with the token's letter case: `{fixed}` (values compare case-sensitively)"),
                    ),
                    None => (
                        format!("`{}` in {label} differs from the token's `{actual}` only in letter case", c.key),
                        format!("write the value exactly as the token has it: `{actual}` (values compare case-sensitively; `StringEqualsIgnoreCase` exists for exact matches)"),
                    ),
                };
                out.push(finding(
                    "value-case-mismatch",
                    Severity::Error,
                    message,
                    f.clone(),
                    at(),
                ));
                fix.get_or_insert(f);
            } else if let Some(v) = c.values.iter().find(|v| near_miss(v, actual)) {
                let f = format!("the token has `{actual}`");
                out.push(finding("value-near-miss", Severity::Error, format!("`{v}` in {label} is one or two characters away from the token's `{actual}` (a typo?)"), f.clone(), at()));
                fix.get_or_insert(f);
            }
        }
        if fix.is_none() && claim == "sub" {
            if let Some(f) = sub
                .as_ref()
                .and_then(|s| other_project(c, op.base, s, &label))
            {
                fix = Some(f);
            }
        }
        if fix.is_none() && claim == "sub" && allow && ce.outcome == Outcome::Fail {
            if let (Some(s), Some(Value::String(actual))) = (sub.as_ref(), claims.get("sub")) {
                fix = other_ref(c, op.base, s, actual, &label);
            }
        }
        if fix.is_none() && op.base == Base::StringLike {
            // A prefix written without its wildcard: `StringLike` still matches the whole value.
            if let Some((v, actual)) = actual.as_ref().and_then(|a| {
                c.values
                    .iter()
                    .find(|v| {
                        !v.is_empty()
                            && !v.contains('*')
                            && !v.contains('?')
                            && a.len() > v.len()
                            && a.starts_with(v.as_ref())
                    })
                    .map(|v| (v, a))
            }) {
                let pattern = if v.ends_with('/') {
                    format!("{v}*")
                } else {
                    format!("{v}/*")
                };
                let f = format!("add the wildcard: `{pattern}`");
                out.push(finding("string-like-prefix-without-wildcard", Severity::Error, format!("`{v}` in {label} has no `*`, so `StringLike` compares it with the whole value, and the token's `{claim}` `{actual}` only starts with it"), f.clone(), at()));
                fix = Some(f);
            }
        }
        if fix.is_none() && claim == "sub" && positive {
            // The user segment names who triggered the pipeline: a value pinning another user refuses everyone
            // else's jobs (DOMAIN.md 5: "a plain credential pins one user").
            // Also in a pattern (`.../user/<uuid>/*`): the value that would match with this job's user instead.
            let token_sub = claims
                .get("sub")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if let Some((v, other, mine)) = sub.as_ref().and_then(|mine| {
                c.values.iter().find_map(|v| {
                    if let Some(theirs) = SubParts::parse(v) {
                        if theirs.org == mine.org
                            && theirs.project == mine.project
                            && theirs.user != mine.user
                            && !theirs.user.contains(['*', '?'])
                        {
                            return Some((v, theirs.user, mine.user));
                        }
                    }
                    let (head, tail) = v.split_once("/user/")?;
                    let end = tail.find(['/', '*', '?']).unwrap_or(tail.len());
                    let theirs = &tail[..end];
                    let with_mine = format!("{head}/user/{}{}", mine.user, &tail[end..]);
                    (!theirs.is_empty()
                        && theirs != mine.user
                        && value_matches(op.base, &with_mine, token_sub, false))
                    .then_some((v, theirs, mine.user))
                })
            }) {
                let pattern = sub.as_ref().map_or_else(String::new, |s| {
                    format!("org/{}/project/{}/user/*", s.org, s.project)
                });
                let f = format!("the user segment is whoever triggered the pipeline: use `StringLike` with `{pattern}` (every user of the project; add `/vcs-origin/.../vcs-ref/<branch>` to pin a branch with $CIRCLE_OIDC_TOKEN_V2)");
                out.push(finding("sub-other-user", Severity::Error, format!("`{v}` in {label} pins the user `{other}`, but this job was triggered by `{mine}`: a role pinned to one user refuses everyone else's jobs"), f.clone(), at()));
                fix = Some(f);
            }
        }
        if fix.is_none() {
            if let (Some(actual), true) = (&actual, positive) {
                fix = Some(
                    [
                        "the token's value is `",
                        actual,
                        "`; see the generated policies for patterns that match it",
                    ]
                    .concat(),
                );
            }
        }
        if let Some(f) = fix {
            if let Some(check) = checks.get_mut(ce.check) {
                check.fix.get_or_insert(f);
            }
        }
    }

    if ev.verdict == Some(Verdict::Deny) && !ev.sts_refused {
        // A V1 token that this job's V2 token (same job, with the vcs part) would get through: switch variables.
        let v2_allowed = claims
            .get("sub")
            .and_then(Value::as_str)
            .filter(|sub| SubParts::parse(sub).is_some_and(|p| p.vcs.is_none()))
            .and_then(|sub| crate::policy::vault::diagnose::v2_sub(sub, claims))
            .is_some_and(|v2| {
                let mut other = claims.clone();
                other.insert("sub".into(), Value::String(v2));
                let ctx = Context::from_claims(&other, ctx.now);
                super::eval::evaluate(policy, &ctx, &other).verdict == Some(Verdict::Allow)
            });
        // A custom-webhook pipeline's token: no vcs part in `sub` and no vcs claims, so no other variable helps.
        let webhook = !v2_allowed
            && claims
                .get("sub")
                .and_then(Value::as_str)
                .and_then(SubParts::parse)
                .is_some_and(|p| p.vcs.is_none())
            && !claims.contains_key("oidc.circleci.com/vcs-origin")
            && !claims.contains_key("oidc.circleci.com/vcs-ref");
        for (st, se) in policy.statements.iter().zip(&ev.statements) {
            if st.effect == Some(Effect::Deny) && se.applies == Outcome::Pass {
                let spares_vcs = st.conditions.iter().any(|c| {
                    claim_of(c.key).eq_ignore_ascii_case("sub")
                        && c.op.is_some_and(|op| op.base.negated())
                        && c.values
                            .iter()
                            .any(|v| v.contains("/vcs-ref/") || v.contains("/vcs-origin/"))
                });
                let fix = if v2_allowed {
                    "this policy expects a V2 sub: use $CIRCLE_OIDC_TOKEN_V2 (the V1 `sub` has no branch for this Deny's patterns to spare; this job's V2 token is allowed)"
                } else if webhook && spares_vcs {
                    "a custom-webhook pipeline's token has no branch for this Deny to spare: give these pipelines a separate role"
                } else {
                    "narrow the Deny's conditions, or fix what makes it match (see its checks)"
                };
                out.push(finding("deny-applied", Severity::Error, format!("{} is a `Deny` that applies to this token, and an explicit Deny wins over every Allow", st.label()), fix, loc.at(&st.pointer)));
            }
        }
    }
    out
}

/// The `statement-other-principal` finding: an Allow statement that cannot match a web identity token (another
/// principal, or another action) in a policy where another statement can.
fn other_statement(st: &Statement<'_>, se: &StatementEval, at: Option<Location>) -> Finding {
    let label = st.name();
    let principals = st
        .principal
        .as_ref()
        .filter(|_| se.principal == Outcome::Fail)
        .map(|p| {
            // `Kind` `value`, `value`; `Kind` `value` (the first three values).
            let mut groups: Vec<(&str, Vec<String>)> = Vec::new();
            for e in p.entries.iter().take(3) {
                let value = format!("`{}`", e.value);
                match groups.iter_mut().find(|(k, _)| *k == e.kind) {
                    Some((_, values)) => values.push(value),
                    None => groups.push((e.kind, vec![value])),
                }
            }
            let mut shown: Vec<String> = groups
                .iter()
                .map(|(k, values)| format!("`{k}` {}", values.join(", ")))
                .collect();
            if p.entries.len() > 3 {
                shown.push(format!("{} more", p.entries.len() - 3));
            }
            shown.join("; ")
        })
        .filter(|s| !s.is_empty());
    let message = match principals {
        Some(p) => format!(
            "{label} is for another principal ({p}) and does not apply to a web identity token"
        ),
        None => {
            let actions = st
                .action
                .as_ref()
                .map(|a| {
                    a.actions
                        .iter()
                        .take(3)
                        .map(|v| format!("`{v}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default();
            format!("{label} allows another action ({actions}) and does not apply to `{ACTION}`")
        }
    };
    finding(
        "statement-other-principal",
        Severity::Info,
        message,
        String::new(),
        at,
    )
}

fn sts(claims: &Map<String, Value>, ctx: &Context, ev: &PolicyEval, out: &mut Vec<Finding>) {
    if let Some(exp) = claims.get("exp").and_then(unix_seconds) {
        if exp <= ctx.now {
            out.push(
                Finding::new("token-expired", Severity::Error, Area::Token, format!("the token expired {} before the evaluation time: STS answers `ExpiredTokenException: Token expired` whatever the policy says", crate::time::format_duration(ctx.now.saturating_sub(exp))))
                    .with_fix("CircleCI cloud tokens live 1 hour by default: assume the role earlier in the job, or mint a fresh token with `circleci run oidc get` right before"),
            );
        }
    }
    if ev
        .checks
        .iter()
        .any(|c| c.key == "aud" && c.operator == "present" && c.result == Outcome::Fail)
    {
        out.push(Finding::new("token-missing-aud", Severity::Error, Area::Token, "the token has no `aud`: STS answers `Missing a required claim: aud`").with_fix("paste the token as CircleCI issued it: `$CIRCLE_OIDC_TOKEN`, `$CIRCLE_OIDC_TOKEN_V2` and `circleci run oidc get` all set `aud` (the org ID, unless `--claims` names another)"));
    }
}

/// The `sub` pattern that achieves a condition on a claim AWS does not expose.
/// How to say through `sub` what a condition on an unexposed `claim` meant. The branch or repository is the
/// condition's own (the one the policy lets in, or for a negated operator the one it keeps), never the token's:
/// the token being debugged may be the very one the policy keeps out.
/// `pattern` (a `StringLike` glob) with each literal letter written as the character of `text` it matches when
/// case is ignored; `None` when it does not match so, or holds a policy variable.
fn with_case_of(pattern: &str, text: &str) -> Option<String> {
    if glob::has_variable(pattern) {
        return None;
    }
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    // The two-pointer match that remembers the last `*`, noting which character each literal matched; a
    // retry after a `*` overwrites the notes of the attempt it abandons.
    let mut matched: Vec<Option<char>> = vec![None; p.len()];
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some('?') => {
                pi += 1;
                ti += 1;
            }
            Some(&c) if c.eq_ignore_ascii_case(&t[ti]) => {
                matched[pi] = Some(t[ti]);
                pi += 1;
                ti += 1;
            }
            _ => {
                let (sp, st) = star?;
                star = Some((sp, st + 1));
                pi = sp + 1;
                ti = st + 1;
            }
        }
    }
    if p[pi..].iter().any(|&c| c != '*') {
        return None;
    }
    Some(
        p.iter()
            .zip(&matched)
            .map(|(&c, m)| {
                if c == '*' || c == '?' {
                    c
                } else {
                    m.unwrap_or(c)
                }
            })
            .collect(),
    )
}

fn not_exposed_fix<S: AsRef<str>>(
    claim: &str,
    values: &[S],
    claims: &Map<String, Value>,
    sub: Option<&SubParts>,
    provider: &str,
) -> String {
    let (org, project) = sub.map_or(("<org>", "<project>"), |s| (s.org, s.project));
    let value = values
        .iter()
        .map(AsRef::as_ref)
        .find(|v| !v.is_empty())
        .or_else(|| str_claim(claims, claim))
        .map(str::to_string);
    let key = format!("{provider}:sub");
    match claim.to_ascii_lowercase().as_str() {
        "oidc.circleci.com/vcs-ref" => format!(
            // The job's repository, not `*`: a fork's pull request from its own branch of that name would match.
            "pin the branch in the V2 `sub` instead: `StringLike` on `{key}` with `org/{org}/project/{project}/user/*/vcs-origin/{}/vcs-ref/{}` (and use $CIRCLE_OIDC_TOKEN_V2)",
            sub.and_then(|s| s.vcs.map(|(o, _)| o))
                .or_else(|| str_claim(claims, "oidc.circleci.com/vcs-origin"))
                .unwrap_or("*"),
            value.unwrap_or_else(|| "refs/heads/main".into())
        ),
        "oidc.circleci.com/vcs-origin" => format!(
            "pin the repository in the V2 `sub` instead: `StringLike` on `{key}` with `org/{org}/project/{project}/user/*/vcs-origin/{}/vcs-ref/*` (and use $CIRCLE_OIDC_TOKEN_V2)",
            value.unwrap_or_else(|| "github.com/<owner>/<repo>".into())
        ),
        "oidc.circleci.com/org-id" if provider.eq_ignore_ascii_case("oidc.circleci.com") => format!("the root issuer names no org and the job chooses `aud`: pin the org in `sub` with `StringLike` on `{key}` and `org/{org}/*`"),
        "oidc.circleci.com/org-id" if str_claim(claims, "aud") != Some(org) => "the org is already pinned by the provider in the key prefix and principal: no condition is needed (this token's `aud` is not the org ID, so testing `aud` for it would refuse the token)".into(),
        "oidc.circleci.com/org-id" => format!("the org is already pinned by the provider in the key prefix and principal; to check it in a condition use `StringEquals` on `{provider}:aud` with `{org}`"),
        "oidc.circleci.com/context-ids" => "AWS cannot see which contexts a job uses; restrict by project and branch in `sub` instead, or use a separate role per context".into(),
        "oidc.circleci.com/ssh-rerun" => "AWS cannot see whether a job is an SSH rerun; no trust-policy condition can exclude those".into(),
        "iss" => "the issuer is pinned by the `Federated` principal and the key prefix; no condition is needed".into(),
        _ => format!("only `aud`, `sub` and `oidc.circleci.com/project-id` can be tested; express the intent through `{key}` (e.g. `StringLike` with `org/{org}/project/{project}/user/*`)"),
    }
}

#[allow(clippy::too_many_arguments)]
fn sub_version(
    c: &Condition,
    base: Base,
    label: &Label<'_>,
    actual: &str,
    sub: Option<&SubParts>,
    has_vcs_claims: bool,
    v2_form: Option<&str>,
    at: &dyn Fn() -> Option<Location>,
    reported: &mut bool,
    out: &mut Vec<Finding>,
) -> Option<String> {
    let sub = sub?;
    let names_vcs = c
        .values
        .iter()
        .any(|v| v.contains("/vcs-origin/") || v.contains("/vcs-ref/"));
    // A pattern that the job's V2 `sub` matches, e.g. `.../user/<id>/*`, which needs text after the V1 form.
    let v2_matches =
        v2_form.filter(|v2| c.values.iter().any(|v| value_matches(base, v, v2, false)));
    let expects_v2 = names_vcs || v2_matches.is_some();
    if sub.vcs.is_some() && !expects_v2 {
        // V2 token. Would the V1 form have matched?
        let v1 = sub.v1();
        if c.values.iter().any(|v| value_matches(base, v, &v1, false)) {
            let f = "this policy expects a V1 sub: use $CIRCLE_OIDC_TOKEN (or change the condition to `StringLike` with `.../user/*`, which matches both)".to_string();
            if !*reported {
                out.push(finding("sub-expects-v1", Severity::Error, format!("the `sub` condition in {label} is written for a V1 `sub` (`{}`), but the token is V2 (`{actual}`); `{}` never matches it", sub.v1(), base.name()), f.clone(), at()));
                *reported = true;
            }
            return Some(f);
        }
    }
    if sub.vcs.is_none() && expects_v2 {
        if has_vcs_claims {
            let f = "this policy expects a V2 sub: use $CIRCLE_OIDC_TOKEN_V2".to_string();
            if !*reported {
                let message = match v2_matches.filter(|_| !names_vcs) {
                    Some(v2) => format!("the `sub` condition in {label} matches this job's V2 `sub` (`{v2}`), but the token's `sub` `{actual}` is V1"),
                    None => format!("the `sub` condition in {label} expects a V2 `sub` with `/vcs-origin/.../vcs-ref/...`, but the token's `sub` `{actual}` is V1"),
                };
                out.push(finding(
                    "sub-expects-v2",
                    Severity::Error,
                    message,
                    f.clone(),
                    at(),
                ));
                *reported = true;
            }
            return Some(f);
        }
        let f = "custom-webhook pipelines get a `sub` with no vcs part: add a pattern without it (e.g. `org/<org>/project/<project>/user/*`) for them, or a separate role".to_string();
        if !*reported {
            out.push(finding("custom-webhook-no-vcs", Severity::Error, format!("the `sub` condition in {label} pins a repository or branch, but this token has no vcs part (no `vcs-origin`/`vcs-ref` claims: a pipeline triggered by a custom webhook), so it can never match"), f.clone(), at()));
            *reported = true;
        }
        return Some(f);
    }
    None
}

fn aud_mismatch(
    c: &Condition,
    label: &Label<'_>,
    actual: &str,
    org: Option<&str>,
    project: Option<&str>,
    at: &dyn Fn() -> Option<Location>,
    out: &mut Vec<Finding>,
) -> String {
    if let Some(p) = project.filter(|p| c.values.iter().any(|v| v == p)) {
        let f = format!(
            "use the org ID `{}` (the project ID is `{p}`)",
            org.unwrap_or("<org ID>")
        );
        out.push(finding("aud-is-project-id", Severity::Error, format!("the `aud` condition in {label} holds the project ID `{p}`; CircleCI's default audience is the org ID"), f.clone(), at()));
        return f;
    }
    let expected = c
        .values
        .iter()
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let f = if org.is_some_and(|o| o == actual) {
        format!("set the condition to the token's audience, the org ID `{actual}`")
    } else {
        format!("either expect the token's `{actual}`, or mint the token with the expected audience: `circleci run oidc get --claims '{{\"aud\":\"{}\"}}'` (it must also be registered as an audience of the OIDC provider)", c.values.first().cloned().unwrap_or_default())
    };
    let hint = if c.values.iter().any(|v| v == "sts.amazonaws.com") {
        " (`sts.amazonaws.com` is GitHub Actions' convention; CircleCI's default audience is the org ID)"
    } else {
        ""
    };
    out.push(finding("aud-mismatch", Severity::Error, format!("the `aud` condition in {label} expects {expected}{hint}, but the token's `aud` is `{actual}`"), f.clone(), at()));
    if let Some(o) = org.filter(|o| *o != actual) {
        out.push(finding("aud-not-org-id", Severity::Warning, format!("the token's `aud` `{actual}` is not its org ID `{o}`: it was minted with a custom audience"), "a custom audience must also be added to the OIDC provider's audiences", at()));
    }
    f
}

/// The fix when the `sub` values name the token's org but only other (literal) projects: the token comes from a
/// project the condition does not list.
fn other_project(c: &Condition, base: Base, token: &SubParts, label: &Label<'_>) -> Option<String> {
    let mut listed: Vec<&str> = Vec::new();
    for v in &c.values {
        // `org/<org>/project/<project>/user/*`, or CDK constructs' `org/<org>/project/<project>/*`.
        let Some((org, rest)) = v
            .strip_prefix("org/")
            .and_then(|r| r.split_once("/project/"))
        else {
            continue;
        };
        let project = rest.split_once('/').map_or(rest, |(p, _)| p);
        if !value_matches(base, org, token.org, false) {
            continue;
        }
        if has_glob_char(project) || project == token.project {
            return None;
        }
        if !listed.contains(&project) {
            listed.push(project);
        }
    }
    if listed.is_empty() {
        return None;
    }
    let listed = listed
        .iter()
        .map(|p| format!("`{p}`"))
        .collect::<Vec<_>>()
        .join(", ");
    Some(format!(
        "this token is from project `{}`, and the `sub` condition in {label} allows only project {listed}: if this project should assume the role, add `org/{}/project/{}/user/*` to `{}`",
        token.project, token.org, token.project, c.key
    ))
}

/// The fix when a V2 `sub` value would match the token but for its branch or tag (written without wildcards):
/// the job ran on a ref the condition does not list.
fn other_ref(
    c: &Condition,
    base: Base,
    token: &SubParts,
    actual: &str,
    label: &Label<'_>,
) -> Option<String> {
    let (_, token_ref) = token.vcs?;
    let mut listed: Vec<&str> = Vec::new();
    let mut with_token_ref = None;
    for v in &c.values {
        let Some((head, vref)) = v.split_once("/vcs-ref/") else {
            continue;
        };
        let candidate = format!("{head}/vcs-ref/{token_ref}");
        if has_glob_char(vref) || !value_matches(base, &candidate, actual, false) {
            continue;
        }
        if !listed.contains(&vref) {
            listed.push(vref);
        }
        with_token_ref.get_or_insert(candidate);
    }
    let listed = listed
        .iter()
        .map(|r| format!("`{r}`"))
        .collect::<Vec<_>>()
        .join(", ");
    Some(format!(
        "this job ran on `{token_ref}`, and {label} allows only {listed}: to let it in, add `{}` to `{}`",
        with_token_ref?, c.key
    ))
}

/// `value` with the branch or tag written as the full ref CircleCI puts in `vcs-ref` (`main` ->
/// `refs/heads/main`, `v1.2` -> `refs/tags/v1.2`), when that form `matches` the token and the value's ref is a
/// short name. `in_sub`: `value` is a V2 `sub` (or a pattern of one), and the ref is what follows `/vcs-ref/`;
/// otherwise `value` is the ref itself (a `vcs-ref` claim). Shared by the platforms.
pub fn full_ref(value: &str, in_sub: bool, matches: impl Fn(&str) -> bool) -> Option<String> {
    let (head, short) = if in_sub {
        let (head, short) = value.split_once("/vcs-ref/")?;
        (format!("{head}/vcs-ref/"), short)
    } else {
        (String::new(), value)
    };
    if short.is_empty() || short.starts_with("refs/") || short.starts_with(['*', '?']) {
        return None;
    }
    ["refs/heads/", "refs/tags/"]
        .iter()
        .map(|prefix| format!("{head}{prefix}{short}"))
        .find(|full| matches(full))
}

/// The `vcs-ref-short-name` finding, shared by the platforms (without a location): `names` says where the
/// configuration writes `value` ("`<key>` in statement 1").
pub fn short_ref_finding(value: &str, full: &str, names: &str) -> Finding {
    Finding::new(
        "vcs-ref-short-name",
        Severity::Error,
        Area::Policy,
        format!("{names} names the branch or tag by its short name (`{}`), but CircleCI's `vcs-ref` is the full ref (`refs/heads/<branch>`, `refs/tags/<tag>`), so it never matches", value.split_once("/vcs-ref/").map_or(value, |(_, short)| short)),
    )
    .with_fix(format!("write the full ref: `{full}`"))
}

/// `value` starts with `org/<id>/`.
/// `(expected origin, token's origin)` when a V2 `sub` value names a repository (no wildcard in it) that has the
/// token's repository name under another owner: the token may come from a fork.
fn fork_of(c: &Condition, token: &SubParts) -> Option<(String, String)> {
    let (origin, _) = token.vcs.as_ref()?;
    c.values.iter().find_map(|v| {
        let expected = named_origin(v).or_else(|| origin_before_any_ref(v))?;
        forked_from(expected, origin).then(|| (expected.to_string(), origin.to_string()))
    })
}

/// The repository a `sub` pattern names when it ends with it and a wildcard instead of `/vcs-ref/...`
/// (`.../vcs-origin/github.com/acme/widgets/*`: any branch of that repository).
fn origin_before_any_ref(sub: &str) -> Option<&str> {
    let (_, rest) = sub.split_once("/vcs-origin/")?;
    let origin = rest.strip_suffix("/*")?;
    (origin.split('/').count() >= 3).then_some(origin)
}

/// The repository a V2 `sub` (or a pattern of one) names: the text between `/vcs-origin/` and `/vcs-ref/`.
pub fn named_origin(sub: &str) -> Option<&str> {
    let (_, rest) = sub.split_once("/vcs-origin/")?;
    rest.split_once("/vcs-ref/").map(|(origin, _)| origin)
}

/// The `vcs-origin-fork` finding, shared by the platforms (without a location): `names` says where the
/// configuration names `parent` ("`<key>` in statement 1 expects").
pub fn fork_finding(origin: &str, parent: &str, names: &str) -> Finding {
    Finding::new(
        "vcs-origin-fork",
        Severity::Error,
        Area::Policy,
        format!("the token comes from `{origin}`, another owner's repository with the same name as the `{parent}` that {names}, e.g. a fork: CircleCI builds a forked pull request with the fork as `vcs-origin` (and gives it a token only when \"pass secrets to forked pull requests\" is on)"),
    )
    .with_fix(format!("run the job from `{parent}` itself (a branch there, or after merging the pull request), and do not let `{origin}` in too: anyone can open a pull request from a fork"))
}

/// Whether the vcs origin `origin` (`github.com/<owner>/<repo>`) looks like a fork of `expected`: the same host
/// and repository name under another owner. `expected` with a wildcard names no one repository: never.
pub fn forked_from(expected: &str, origin: &str) -> bool {
    let (Some((owner, name)), Some((other_owner, other_name))) =
        (origin.rsplit_once('/'), expected.rsplit_once('/'))
    else {
        return false;
    };
    let host = |o: &str| o.split('/').next().unwrap_or_default().to_ascii_lowercase();
    !has_glob_char(expected)
        && host(expected) == host(origin)
        && other_name.eq_ignore_ascii_case(name)
        && !other_owner.eq_ignore_ascii_case(owner)
}

fn starts_with_org(value: &str, id: &str) -> bool {
    value
        .strip_prefix("org/")
        .and_then(|r| r.strip_prefix(id))
        .is_some_and(|r| r.starts_with('/'))
}

/// One or two character edits apart (and not identical), for strings without wildcards.
fn near_miss(expected: &str, actual: &str) -> bool {
    if expected == actual
        || expected.contains('*')
        || expected.len().abs_diff(actual.len()) > 2
        || actual.len() < 8
    {
        return false;
    }
    let parts = minimal_diff(expected, actual);
    let changed: usize = parts
        .iter()
        .filter(|p| p.kind != DiffKind::Same)
        .map(|p| p.text.chars().count())
        .sum();
    let same: usize = parts
        .iter()
        .filter(|p| p.kind == DiffKind::Same)
        .map(|p| p.text.chars().count())
        .sum();
    changed <= 4 && same + 2 >= actual.chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pattern_takes_the_token_case_and_keeps_its_wildcards() {
        let token =
            "org/o/project/p/user/u1/vcs-origin/github.com/acme-corp/tools/vcs-ref/refs/heads/main";
        assert_eq!(
            with_case_of(
                "org/o/project/p/user/*/vcs-origin/github.com/Acme-Corp/tools/*",
                token
            )
            .as_deref(),
            Some("org/o/project/p/user/*/vcs-origin/github.com/acme-corp/tools/*")
        );
        // A `*` that first swallows too much: the letters after it are those of the final match.
        assert_eq!(
            with_case_of("*A*MAIN", "xaymain").as_deref(),
            Some("*a*main")
        );
        assert_eq!(with_case_of("?B", "ab").as_deref(), Some("?b"));
        assert_eq!(with_case_of("org/*/X", "org/a/y"), None);
        assert_eq!(with_case_of("${aws:username}", "x"), None);
        assert_eq!(with_case_of("", ""), Some(String::new()));
    }

    #[test]
    fn sub_parts() {
        let s = SubParts::parse(
            "org/o/project/p/user/u/vcs-origin/github.com/a/b/vcs-ref/refs/heads/feature/x",
        )
        .unwrap();
        assert_eq!(s.vcs, Some(("github.com/a/b", "refs/heads/feature/x")));
        assert_eq!(s.v1(), "org/o/project/p/user/u");
        assert_eq!(SubParts::parse("org/o/project/p/user/u").unwrap().vcs, None);
        assert_eq!(SubParts::parse("repo:a/b:ref:refs/heads/main"), None);
    }

    #[test]
    fn full_refs() {
        let sub = "org/o/project/p/user/u/vcs-origin/github.com/a/b/vcs-ref/refs/heads/main";
        let like = |v: &str| value_matches(Base::StringLike, v, sub, false);
        assert_eq!(
            full_ref("org/o/project/p/user/*/vcs-ref/main", true, like).as_deref(),
            Some("org/o/project/p/user/*/vcs-ref/refs/heads/main")
        );
        assert_eq!(
            full_ref("org/o/project/p/user/*/vcs-ref/dev", true, like),
            None
        );
        assert_eq!(
            full_ref("org/o/project/p/user/*/vcs-ref/*", true, like),
            None
        );
        assert_eq!(full_ref("org/o/project/p/user/*", true, like), None);
        assert_eq!(
            full_ref("v1.2", false, |f| f == "refs/tags/v1.2").as_deref(),
            Some("refs/tags/v1.2")
        );
        assert_eq!(full_ref("refs/heads/main", false, |_| true), None);
    }

    #[test]
    fn near_misses() {
        assert!(near_miss(
            "1b2c3d4e-0000-4000-8000-000000000001",
            "1b2c3d4e-0000-4000-8000-000000000007"
        ));
        assert!(!near_miss(
            "1b2c3d4e-0000-4000-8000-000000000001",
            "ffffffff-1111-4111-9111-111111111111"
        ));
        assert!(!near_miss("org/o/*", "org/o/x"));
    }
}
