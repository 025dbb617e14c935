//! Evaluate a Vault JWT role (and config) against token claims the way the plugin's login path does.
//!
//! Order of Vault's own checks (it stops at the first failure; we evaluate all of them):
//! role type, then the key set (`oidc_discovery_url` must name the issuer its document names), then the token
//! validator (the header's `alg` against `jwt_supported_algs`, the registered claims' JSON types, `iss` against `bound_issuer` only, `sub`, `aud`, `nbf`, `exp`, `iat`), then the
//! "audience found but none bound" rule, then the identity (`user_claim`, `claim_mappings`,
//! `groups_claim`), then `bound_claims`. Confirmed against hashicorp/vault-plugin-auth-jwt
//! (path_login.go, claims.go) and hashicorp/cap's jwt validator.

use serde_json::{Map, Value};

use super::glob::glob_match;
use super::pointer::get_claim;
use crate::report::{Check, Outcome};
use crate::time::format_duration;

/// A time in explanations: `2026-11-26T00:22:37Z`, as the other platforms' rows show it.
fn when(unix: i64) -> String {
    crate::time::format_iso(unix)
}

/// Go-jose's default clock-skew leeway, used by Vault when `clock_skew_leeway` is 0.
pub const DEFAULT_CLOCK_SKEW: i64 = 60;
/// Vault's default `expiration_leeway` / `not_before_leeway` (used only to stand in for a missing claim).
pub const DEFAULT_CLAIM_LEEWAY: i64 = 150;

/// One evaluated rule plus where Vault would have stopped.
pub struct Rule {
    pub check: Check,
    /// Vault's order: lower runs first; the first failing rule is the error Vault returns.
    pub order: u32,
    /// The error text Vault returns when this rule fails.
    pub vault_error: Option<String>,
}

struct Ctx<'a> {
    claims: &'a Map<String, Value>,
    out: Vec<Rule>,
}

impl Ctx<'_> {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        order: u32,
        statement: &str,
        key: String,
        operator: &str,
        expected: Value,
        actual: Value,
        result: Outcome,
        explanation: String,
        fix: Option<String>,
        vault_error: Option<String>,
    ) {
        let explanation = match (&vault_error, result) {
            (Some(err), Outcome::Fail) => format!("{explanation} vault returns `{err}`."),
            _ => explanation,
        };
        self.out.push(Rule {
            check: Check {
                statement: Some(statement.to_string()),
                key: key.into(),
                operator: operator.to_string().into(),
                expected,
                actual,
                result,
                explanation,
                fix,
            },
            order,
            vault_error: if result == Outcome::Fail {
                vault_error
            } else {
                None
            },
        });
    }
}

/// The `aud` claim as a list of strings (a string is one audience), and whether it was a JSON list.
pub fn audiences(claims: &Map<String, Value>) -> (Vec<String>, bool) {
    match claims.get("aud") {
        Some(Value::String(s)) => (vec![s.clone()], false),
        Some(Value::Array(items)) => (
            items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect(),
            true,
        ),
        _ => (Vec::new(), false),
    }
}

/// A role field that Vault accepts as a list or a comma-separated string.
pub fn string_list(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::String(s)) => s
            .split(',')
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty())
            .collect(),
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

/// Seconds from a role duration field (`clock_skew_leeway`, ...), read as Vault's `parseutil.ParseDurationSecond`
/// reads it: a number of seconds, an integer string, `<n>d` days, or a Go duration (`90s`, `1m30s`, `1.5h`).
/// `None` for what Vault refuses to save.
pub fn seconds(value: Option<&Value>) -> Option<i64> {
    match value? {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => {
            let s = s.trim();
            if s.is_empty() {
                return Some(0);
            }
            if let Ok(n) = s.parse::<i64>() {
                return Some(n);
            }
            if let Some(days) = s.strip_suffix('d') {
                return days.parse::<i64>().ok()?.checked_mul(86_400);
            }
            go_duration(s).map(|secs| secs as i64)
        }
        _ => None,
    }
}

/// Go's `time.ParseDuration`, in seconds: an optional sign, then one or more decimal numbers each with a unit
/// (`ns`, `us`, `µs`, `ms`, `s`, `m`, `h`); `0` alone is allowed.
fn go_duration(text: &str) -> Option<f64> {
    let (sign, mut rest) = match text.strip_prefix('-') {
        Some(r) => (-1.0, r),
        None => (1.0, text.strip_prefix('+').unwrap_or(text)),
    };
    if rest == "0" {
        return Some(0.0);
    }
    if rest.is_empty() {
        return None;
    }
    let mut total = 0.0;
    while !rest.is_empty() {
        let end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let (number, tail) = rest.split_at(end);
        // Digits and at most one `.` (`12`, `1.5`, `.5`, `5.`); a lone `.` does not parse.
        let n: f64 = number.parse().ok()?;
        let unit_end = tail
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(tail.len());
        let (unit, next) = tail.split_at(unit_end);
        let factor = match unit {
            "ns" => 1e-9,
            "us" | "µs" | "μs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        total += n * factor;
        rest = next;
    }
    Some(sign * total)
}

/// A boolean role field as Vault's `TypeBool` reads it (`mapstructure.WeakDecode`): a JSON boolean, a string
/// Go's `strconv.ParseBool` reads (`"true"`, `"1"`, `"f"`, ...; `""` is false), or a number (non-zero is true).
pub fn vault_bool(value: Option<&Value>) -> Option<bool> {
    match value? {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.as_str() {
            "" | "0" | "f" | "F" | "false" | "FALSE" | "False" => Some(false),
            "1" | "t" | "T" | "true" | "TRUE" | "True" => Some(true),
            _ => None,
        },
        Value::Number(n) => n.as_f64().map(|f| f != 0.0),
        _ => None,
    }
}

fn leeway(value: Option<&Value>, default: i64) -> i64 {
    match seconds(value) {
        Some(n) if n < 0 => 0,
        Some(0) | None => default,
        Some(n) => n,
    }
}

fn number(claims: &Map<String, Value>, key: &str) -> Option<i64> {
    claims
        .get(key)
        .and_then(|v| v.as_i64().or_else(|| v.as_f64().map(|f| f as i64)))
}

fn str_field<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    map.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

fn show(v: &Value) -> String {
    match v {
        Value::String(s) => format!("`{s}`"),
        other => format!("`{other}`"),
    }
}

/// What the evaluation knows besides the role and the config.
#[derive(Debug, Clone, Copy, Default)]
pub struct Given<'a> {
    /// The `alg` of the token's header, when the header reaches the evaluator; without it, the `alg` CircleCI
    /// signs with ([`CIRCLECI_ALG`]) is taken, and the row says so.
    pub alg: Option<&'a str>,
    /// The role's fields a Terraform plan leaves known only after apply (vault's names).
    pub role_unknown: &'a [String],
    /// The config's fields a Terraform plan leaves known only after apply.
    pub config_unknown: &'a [String],
}

/// Evaluate every rule of `role` / `config` against `claims` at `now`. A rule that reads a field known only
/// after apply is one unknown row (its value exists, but not in the plan): never judged as if it were missing.
pub fn evaluate(
    role: Option<&Map<String, Value>>,
    config: Option<&Map<String, Value>>,
    claims: &Map<String, Value>,
    now: i64,
    given: Given<'_>,
) -> Vec<Rule> {
    let mut ctx = Ctx {
        claims,
        out: Vec::new(),
    };
    if role.is_some() {
        registered_types(&mut ctx);
    }
    if let Some(config) = config {
        let pending = |fields: &[&'static str]| pending(fields, given.config_unknown);
        match pending(&["bound_issuer", "oidc_discovery_url"]) {
            Some(field) => after_apply(&mut ctx, 10, "config", field),
            None => issuer(&mut ctx, config),
        }
        match pending(&["jwt_supported_algs"]) {
            Some(field) => after_apply(&mut ctx, 8, "config", field),
            None => algorithms(&mut ctx, config, given.alg),
        }
    }
    if let Some(role) = role {
        type RuleFn = fn(&mut Ctx<'_>, &Map<String, Value>, i64);
        // Each rule with the role fields it reads and where vault runs it.
        let rules: [(&[&'static str], u32, RuleFn); 9] = [
            (&["role_type"], 0, |c, r, _| role_type(c, r)),
            (&["token_bound_cidrs", "bound_cidrs"], 0, |c, r, _| {
                bound_cidrs(c, r)
            }),
            (&["bound_subject"], 20, |c, r, _| subject(c, r)),
            (&["bound_audiences"], 30, |c, r, _| audience(c, r)),
            (
                &[
                    "clock_skew_leeway",
                    "expiration_leeway",
                    "not_before_leeway",
                ],
                52,
                times,
            ),
            (&["user_claim", "user_claim_json_pointer"], 60, |c, r, _| {
                user_claim(c, r)
            }),
            (&["claim_mappings"], 61, |c, r, _| claim_mappings(c, r)),
            (&["groups_claim"], 62, |c, r, _| groups_claim(c, r)),
            (&["bound_claims", "bound_claims_type"], 70, |c, r, _| {
                bound_claims(c, r)
            }),
        ];
        for (fields, order, rule) in rules {
            match pending(fields, given.role_unknown) {
                Some(field) => after_apply(&mut ctx, order, "role", field),
                None => rule(&mut ctx, role, now),
            }
        }
    }
    ctx.out
}

/// The algorithms vault accepts when the config lists none (path_login.go).
const DEFAULT_ALGS: [&str; 10] = [
    "RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "EdDSA",
];

/// The `alg` CircleCI signs its tokens with (an RSA key, DOMAIN.md section 1).
pub const CIRCLECI_ALG: &str = "RS256";

/// `jwt_supported_algs`: right after the signature, vault requires the token header's `alg` to be one of them
/// (hashicorp/cap `validateSigningAlgorithm`), or, when the config lists none, one of [`DEFAULT_ALGS`].
fn algorithms(ctx: &mut Ctx<'_>, config: &Map<String, Value>, alg: Option<&str>) {
    let listed = string_list(config.get("jwt_supported_algs"));
    let token_alg = alg.unwrap_or(CIRCLECI_ALG);
    let accepted: Vec<String> = if listed.is_empty() {
        DEFAULT_ALGS.iter().map(|a| a.to_string()).collect()
    } else {
        listed.clone()
    };
    let pass = accepted.iter().any(|a| a == token_alg);
    if listed.is_empty() && pass {
        return;
    }
    let signed = match alg {
        Some(a) => format!("the token is signed with `{a}` (its header's `alg`)"),
        None => format!(
            "CircleCI signs its tokens with `{CIRCLECI_ALG}` (the token's header was not read here)"
        ),
    };
    let shown = accepted
        .iter()
        .map(|a| format!("`{a}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let explanation = if pass {
        format!("{signed}, which is in the config's `jwt_supported_algs`.")
    } else if listed.is_empty() {
        format!("{signed}; with no `jwt_supported_algs`, vault accepts only {shown}.")
    } else {
        let case = if listed.iter().any(|a| a.eq_ignore_ascii_case(token_alg)) {
            " vault compares algorithm names exactly (and refuses to save a name it does not know: `invalid jwt_supported_algs`)."
        } else {
            ""
        };
        format!(
            "{signed}, which is not in the config's `jwt_supported_algs` ({shown}): vault checks the algorithm right after the signature.{case}"
        )
    };
    ctx.push(
        8,
        "config",
        "jwt_supported_algs".into(),
        "contains",
        Value::Array(accepted.into_iter().map(Value::String).collect()),
        Value::String(token_alg.to_string()),
        if pass { Outcome::Pass } else { Outcome::Fail },
        explanation,
        (!pass).then(|| {
            format!(
                "add `{token_alg}` to `jwt_supported_algs` in `auth/jwt/config`, or leave it empty: vault then accepts {}.",
                DEFAULT_ALGS.join(", ")
            )
        }),
        Some(
            "error validating token: invalid algorithm (alg) header parameter: token signed with unexpected algorithm"
                .into(),
        ),
    );
}

/// The registered claims are re-decoded into go-jose's `jwt.Claims` before any comparison (hashicorp/cap's
/// validator): `aud` must be a string or a list of strings, `exp`/`iat`/`nbf` numbers, `iss`/`jti`/`sub`
/// strings (`null` counts as absent). Any other JSON type fails the login, whatever the role says. In the
/// re-encoded key order, go-jose's own decoders (`aud`, the dates) stop at their error; a plain type error is
/// kept and only returned when they all pass.
fn registered_types(ctx: &mut Ctx<'_>) {
    const DECODED: [(&str, &str); 7] = [
        ("aud", "a string or a list of strings"),
        ("exp", "a number"),
        ("iat", "a number"),
        ("nbf", "a number"),
        ("iss", "a string"),
        ("jti", "a string"),
        ("sub", "a string"),
    ];
    let decodes = |key: &str, v: &Value| match key {
        "aud" => match v {
            Value::String(_) => true,
            Value::Array(items) => items.iter().all(Value::is_string),
            _ => false,
        },
        "exp" | "iat" | "nbf" => v.is_number(),
        _ => v.is_string(),
    };
    let Some((key, want, value)) = DECODED.iter().find_map(|(k, want)| {
        let v = ctx.claims.get(*k).filter(|v| !v.is_null())?;
        (!decodes(k, v)).then(|| (*k, *want, v.clone()))
    }) else {
        return;
    };
    let go_type = match &value {
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        _ => "object",
    };
    let error = match key {
        "aud" => "go-jose/go-jose/jwt: expected string or array value to unmarshal to Audience"
            .to_string(),
        "exp" | "iat" | "nbf" => {
            "go-jose/go-jose/jwt: expected number value to unmarshal NumericDate".to_string()
        }
        _ => format!(
            "json: cannot unmarshal {go_type} into Go struct field Claims.{key} of type string"
        ),
    };
    ctx.push(
        9,
        "token",
        key.into(),
        "is",
        Value::String(want.into()),
        value,
        Outcome::Fail,
        format!(
            "`{key}` is a JSON {go_type}, not {want}: vault decodes the registered claims into go-jose's \
             `jwt.Claims` and refuses the token before comparing anything."
        ),
        Some(format!("mint the token with `{key}` as {want}.")),
        Some(format!("error validating token: {error}")),
    );
}

/// The first of `fields` that is known only after apply.
fn pending(fields: &[&'static str], unknown: &[String]) -> Option<&'static str> {
    fields
        .iter()
        .find(|f| unknown.iter().any(|u| u == *f))
        .copied()
}

/// The row of a rule whose `field` a Terraform plan leaves known only after apply.
fn after_apply(ctx: &mut Ctx<'_>, order: u32, statement: &str, field: &str) {
    ctx.push(
        order,
        statement,
        field.into(),
        "known after apply",
        Value::Null,
        Value::Null,
        Outcome::Unknown,
        format!(
            "`{field}` is known only after apply (the plan computes it from something it creates), so what vault \
             compares here is unknown; it is not missing."
        ),
        Some(format!(
            "apply, then paste `terraform show -json` (the state), or what `vault read -format=json auth/jwt/{}` prints.",
            if statement == "config" { "config" } else { "role/<name>" }
        )),
        None,
    );
}

fn role_type(ctx: &mut Ctx<'_>, role: &Map<String, Value>) {
    let written = role.get("role_type").and_then(Value::as_str).unwrap_or("");
    let effective = if written.is_empty() { "oidc" } else { written };
    let (result, explanation) = match effective {
        "jwt" => (Outcome::Pass, "a `jwt` role accepts a JWT presented to `auth/jwt/login`.".to_string()),
        "oidc" if written.is_empty() && role.get("allowed_redirect_uris").is_none_or(is_empty) => (
            Outcome::Fail,
            "the role has no `role_type`, so vault takes `oidc` (its default): it refuses to write such a role without \
             `allowed_redirect_uris` ('allowed_redirect_uris' must be set if 'role_type' is 'oidc' or unspecified.), \
             and an `oidc` role only serves browser logins."
                .to_string(),
        ),
        "oidc" if written.is_empty() => (
            Outcome::Fail,
            "the role has no `role_type`, and vault then stores `oidc` (its default), which only serves browser \
             logins."
                .to_string(),
        ),
        "oidc" => (Outcome::Fail, "an `oidc` role only serves browser logins, not a JWT from a job.".to_string()),
        other => (Outcome::Fail, format!("`{other}` is not a role type vault knows (`jwt` or `oidc`).")),
    };
    let actual = if written.is_empty() {
        Value::Null
    } else {
        Value::String(written.to_string())
    };
    ctx.push(
        0,
        "role",
        "role_type".into(),
        "equals",
        Value::String("jwt".into()),
        actual,
        result,
        explanation,
        (result == Outcome::Fail).then(|| "set `role_type=jwt` on the role.".to_string()),
        Some("role with oidc role_type is not allowed".into()),
    );
}

/// `token_bound_cidrs` (or the older `bound_cidrs`): vault refuses a login from an address outside them, right
/// after the role type, with a bare `permission denied` (HTTP 403). The job's address is not in the token, so the
/// row is unknown.
fn bound_cidrs(ctx: &mut Ctx<'_>, role: &Map<String, Value>) {
    let Some((key, cidrs)) = ["token_bound_cidrs", "bound_cidrs"]
        .into_iter()
        .map(|k| (k, string_list(role.get(k))))
        .find(|(_, cidrs)| !cidrs.is_empty())
    else {
        return;
    };
    let listed = cidrs
        .iter()
        .map(|c| format!("`{c}`"))
        .collect::<Vec<_>>()
        .join(", ");
    ctx.push(
        0,
        "role",
        key.into(),
        "contains the client address",
        Value::Array(cidrs.into_iter().map(Value::String).collect()),
        Value::Null,
        Outcome::Unknown,
        format!(
            "vault accepts a login only from an address in {listed}, and answers any other with a bare `permission denied` (HTTP 403); the job's address is not in the token, so claimcheck cannot tell."
        ),
        Some("allow the addresses the job connects from (CircleCI's IP ranges feature gives fixed ones), or remove the binding.".into()),
        // The plugin answers `logical.ErrPermissionDenied` (HTTP 403); before v0.5 it said "request originated
        // from invalid CIDR".
        Some("permission denied".into()),
    );
}

/// An absent-like value: `null`, `""`, `[]`, `{}`.
fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(o) => o.is_empty(),
        _ => false,
    }
}

fn issuer(ctx: &mut Ctx<'_>, config: &Map<String, Value>) {
    let iss = ctx.claims.get("iss").cloned().unwrap_or(Value::Null);
    let iss_str = iss.as_str().unwrap_or("");
    let bound = str_field(config, "bound_issuer");
    let discovery = str_field(config, "oidc_discovery_url");
    if let Some(url) = discovery {
        discovery_url(ctx, url, &iss, bound.is_some());
    }
    let Some(expected) = bound else {
        if discovery.is_none() {
            ctx.push(
                10,
                "config",
                "bound_issuer".into(),
                "equals",
                Value::Null,
                iss,
                Outcome::Pass,
                "the config sets neither `bound_issuer` nor `oidc_discovery_url`, so vault does not compare `iss`; \
                 only the signing keys tie the token to an issuer."
                    .into(),
                Some("set `bound_issuer` to the CircleCI issuer `https://oidc.circleci.com/org/<org-id>`.".into()),
                None,
            );
        }
        return;
    };
    let pass = expected == iss_str;
    let explanation = if pass {
        "`iss` equals the config's `bound_issuer`.".to_string()
    } else if iss.is_null() {
        "the token has no `iss` claim.".to_string()
    } else if expected.trim_end_matches('/') == iss_str.trim_end_matches('/') {
        "`bound_issuer` and `iss` differ only by a trailing `/`; vault compares them exactly."
            .to_string()
    } else if expected.eq_ignore_ascii_case(iss_str) {
        "`bound_issuer` and `iss` differ only in letter case; vault compares them exactly."
            .to_string()
    } else {
        format!("`bound_issuer` is `{expected}` but the token's `iss` is `{iss_str}`.")
    };
    let result = if pass { Outcome::Pass } else { Outcome::Fail };
    ctx.push(
        10,
        "config",
        "bound_issuer".into(),
        "equals",
        Value::String(expected.to_string()),
        iss.clone(),
        result,
        explanation,
        (!pass && !iss_str.is_empty())
            .then(|| format!("set `bound_issuer={iss_str}` in `auth/jwt/config`.")),
        Some("error validating token: invalid issuer (iss) claim".into()),
    );
}

/// `oidc_discovery_url` is never compared with `iss`: vault fetches `<url>/.well-known/openid-configuration`
/// and requires the document's `issuer` to equal the URL exactly, or it cannot build its key set (hashicorp/cap
/// `NewOIDCDiscoveryKeySet`: `issuer did not match the returned issuer`). An OpenID issuer's document names the
/// issuer exactly as its tokens' `iss` (OpenID Connect Discovery 1.0, section 3), so the token's `iss` stands in
/// for it here.
fn discovery_url(ctx: &mut Ctx<'_>, url: &str, iss: &Value, has_bound_issuer: bool) {
    let iss_str = iss.as_str().unwrap_or("");
    let pin = if has_bound_issuer {
        ""
    } else {
        " set `bound_issuer` too to have vault compare `iss`."
    };
    let spelled_differently = !iss_str.is_empty()
        && url != iss_str
        && (url.trim_end_matches('/') == iss_str.trim_end_matches('/')
            || url.eq_ignore_ascii_case(iss_str));
    let circleci = |s: &str| s.starts_with("https://oidc.circleci.com/");
    let signature = "error validating token: error verifying token signature";
    let (result, explanation, error) = if url == iss_str {
        (
            Outcome::Pass,
            format!(
                "the discovery document at this URL names this issuer (the token's `iss`), so vault builds its key \
                 set from it. vault does not compare `iss` with `oidc_discovery_url`: only `bound_issuer` is \
                 compared with `iss`.{pin}"
            ),
            None,
        )
    } else if spelled_differently {
        (
            Outcome::Fail,
            format!(
                "vault does not compare `iss` with `oidc_discovery_url`; it fetches the discovery document and \
                 requires the document's `issuer` to equal `oidc_discovery_url` exactly. the document names \
                 `{iss_str}` (an issuer's document names it exactly as its tokens' `iss`), not `{url}`, so vault \
                 cannot build its key set: writing this config is refused (`error checking oidc discovery URL`), \
                 and a config saved anyway fails every login."
            ),
            Some(format!(
                "error configuring token validator: keyset configuration error: issuer did not match the returned \
                 issuer, expected \"{url}\" got \"{iss_str}\""
            )),
        )
    } else if iss_str.is_empty() {
        (
            Outcome::Fail,
            "the token has no `iss`, so it cannot come from the issuer at `oidc_discovery_url`."
                .to_string(),
            Some(signature.to_string()),
        )
    } else if circleci(url) && circleci(iss_str) {
        (
            Outcome::Unknown,
            format!(
                "cannot evaluate: vault takes its signing keys from the issuer at `oidc_discovery_url`, not from the \
                 token's `iss` (`{iss_str}`), and does not compare the two; whether that CircleCI issuer's keys \
                 verify this token cannot be checked offline.{pin}"
            ),
            None,
        )
    } else {
        (
            Outcome::Fail,
            format!(
                "vault takes its signing keys from the issuer at `oidc_discovery_url`, but this token was issued by \
                 `{iss_str}`; another issuer's keys do not verify its signature."
            ),
            Some(signature.to_string()),
        )
    };
    let fix = (result != Outcome::Pass && !iss_str.is_empty()).then(|| {
        format!(
            "set `oidc_discovery_url={iss_str}` (the token's `iss` exactly, no trailing `/`) and \
             `bound_issuer={iss_str}` in `auth/jwt/config`."
        )
    });
    ctx.push(
        5,
        "config",
        "oidc_discovery_url".into(),
        "names the issuer",
        Value::String(url.to_string()),
        iss.clone(),
        result,
        explanation,
        fix,
        error,
    );
}

fn subject(ctx: &mut Ctx<'_>, role: &Map<String, Value>) {
    // Vault decodes string fields weakly: a number is its text.
    let number = match role.get("bound_subject") {
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let Some(bound) = number
        .as_deref()
        .or_else(|| str_field(role, "bound_subject"))
    else {
        return;
    };
    let sub = ctx.claims.get("sub").cloned().unwrap_or(Value::Null);
    let sub_str = sub.as_str().unwrap_or("");
    let pass = bound == sub_str;
    let explanation = if pass {
        "`sub` equals `bound_subject` exactly.".to_string()
    } else if sub.is_null() {
        "the token has no `sub` claim.".to_string()
    } else if sub_str.starts_with(bound)
        && sub_str
            .get(bound.len()..)
            .is_some_and(|r| r.starts_with("/vcs-origin/"))
    {
        "`bound_subject` is this job's V1 `sub`, but the token carries the V2 `sub` (with `/vcs-origin/…/vcs-ref/…`); \
         `bound_subject` is compared exactly, never as a pattern."
            .to_string()
    } else if bound.contains('*') {
        "`bound_subject` contains `*`, but vault compares it exactly; `*` is a literal character here.".to_string()
    } else {
        format!("`bound_subject` is `{bound}` but the token's `sub` is `{sub_str}`.")
    };
    let result = if pass { Outcome::Pass } else { Outcome::Fail };
    ctx.push(
        20,
        "role",
        "bound_subject".into(),
        "equals",
        Value::String(bound.to_string()),
        sub,
        result,
        explanation,
        (!pass).then(|| {
            "match parts of `sub` with `bound_claims` and `bound_claims_type=glob` instead (e.g. on \
             `oidc.circleci.com/project-id`), or set `bound_subject` to the exact `sub` shown."
                .to_string()
        }),
        Some("error validating token: invalid subject (sub) claim".into()),
    );
}

fn audience(ctx: &mut Ctx<'_>, role: &Map<String, Value>) {
    let bound = string_list(role.get("bound_audiences"));
    let (aud, aud_is_list) = audiences(ctx.claims);
    let actual = ctx.claims.get("aud").cloned().unwrap_or(Value::Null);
    let expected = Value::Array(bound.iter().cloned().map(Value::String).collect());
    if !bound.is_empty() {
        let pass = bound.iter().any(|b| aud.contains(b));
        let explanation = if pass {
            "one of `bound_audiences` is among the token's `aud` values.".to_string()
        } else if actual.is_null() {
            "the token has no `aud` claim, but the role binds audiences.".to_string()
        } else {
            "none of `bound_audiences` equals an `aud` value of the token (CircleCI's default `aud` is the org ID)."
                .to_string()
        };
        let result = if pass { Outcome::Pass } else { Outcome::Fail };
        let fix = aud
            .first()
            .map(|a| format!("add `{a}` to `bound_audiences`."));
        ctx.push(
            30,
            "role",
            "bound_audiences".into(),
            "in",
            expected,
            actual,
            result,
            explanation,
            if pass { None } else { fix },
            Some(
                "error validating token: invalid audience (aud) claim: audience claim does not match any expected \
                 audience"
                    .into(),
            ),
        );
        return;
    }
    let fix = aud.iter().find(|a| !a.is_empty()).map(|a| {
        format!("set `bound_audiences={a}` on the role (the org ID is CircleCI's default `aud`).")
    });
    // The plugin (v0.20.3, backported as v0.17.3: hashicorp/vault-plugin-auth-jwt#295) rejects a non-empty `aud`
    // list and a non-empty `aud` string alike when the role binds no audience.
    let has_aud = match &actual {
        Value::Array(items) => !items.is_empty(),
        Value::String(s) => !s.is_empty(),
        _ => false,
    };
    let (result, explanation) = if !has_aud {
        (
            Outcome::Pass,
            "the role binds no audiences and the token has no `aud`.".to_string(),
        )
    } else {
        let shown = if aud_is_list { "list" } else { "string" };
        (
            Outcome::Fail,
            format!(
                "the role binds no audiences, and vault rejects a token that carries an `aud` ({shown} `{}`). note: \
                 plugin versions before v0.20.3 (v0.17.3 on the 0.17 line) rejected only an `aud` list here, so an \
                 older vault may accept a single-string `aud`; vault 1.17 and later reject it.",
                aud.join("`, `")
            ),
        )
    };
    // Vault checks this after the token validator (times included): order 55.
    ctx.push(
        55,
        "role",
        "bound_audiences".into(),
        "in",
        expected,
        actual,
        result,
        explanation,
        if result == Outcome::Pass { None } else { fix },
        Some("audience claim found in JWT but no audiences bound to the role".into()),
    );
}

fn times(ctx: &mut Ctx<'_>, role: &Map<String, Value>, now: i64) {
    let skew = leeway(role.get("clock_skew_leeway"), DEFAULT_CLOCK_SKEW);
    let exp_leeway = leeway(role.get("expiration_leeway"), DEFAULT_CLAIM_LEEWAY);
    let nbf_leeway = leeway(role.get("not_before_leeway"), DEFAULT_CLAIM_LEEWAY);
    let iat = number(ctx.claims, "iat").unwrap_or(0);
    let exp_claim = number(ctx.claims, "exp").unwrap_or(0);
    let nbf_claim = number(ctx.claims, "nbf").unwrap_or(0);
    if iat == 0 && exp_claim == 0 && nbf_claim == 0 {
        ctx.push(
            50,
            "token",
            "exp".into(),
            "present",
            Value::String("one of iat, nbf, exp".into()),
            Value::Null,
            Outcome::Fail,
            "the token carries none of `iat`, `nbf`, `exp`.".into(),
            None,
            Some("error validating token: no issued at (iat), not before (nbf), or expiration time (exp) claims in token".into()),
        );
        return;
    }
    let exp = if exp_claim == 0 {
        iat.max(nbf_claim).saturating_add(exp_leeway)
    } else {
        exp_claim
    };
    let nbf = if nbf_claim != 0 {
        nbf_claim
    } else if iat != 0 {
        iat
    } else {
        exp.saturating_sub(nbf_leeway)
    };
    let exp_pass = now.saturating_sub(skew) <= exp;
    let exp_note = if exp_claim == 0 {
        format!(" (no `exp`: vault uses the start time plus `expiration_leeway` {exp_leeway} s)")
    } else {
        String::new()
    };
    let explanation = if exp_pass {
        format!(
            "the token is valid until {}{exp_note}, plus vault's clock-skew leeway of {skew} s.",
            when(exp)
        )
    } else {
        // `expiration_leeway` reads like an allowance for an expired token, but only stands in for a missing `exp`.
        let leeway_note = if exp_claim != 0
            && seconds(role.get("expiration_leeway")).unwrap_or(0) > 0
        {
            " the role's `expiration_leeway` applies only to a token without `exp`; `clock_skew_leeway` widens this check."
        } else {
            ""
        };
        format!(
            "the token expired at {}{exp_note}, {} before the evaluation time: more than vault's clock-skew leeway of {skew} s.{leeway_note}",
            when(exp),
            format_duration(now.saturating_sub(exp))
        )
    };
    ctx.push(
        52,
        "token",
        "exp".into(),
        "after",
        Value::from(when(now.saturating_sub(skew))),
        Value::from(exp),
        if exp_pass { Outcome::Pass } else { Outcome::Fail },
        explanation,
        (!exp_pass).then(|| "mint a fresh token just before `vault write auth/jwt/login` (CircleCI cloud tokens live 1 hour by default).".to_string()),
        Some("error validating token: invalid expiration time (exp) claim: token is expired".into()),
    );
    let nbf_pass = now.saturating_add(skew) >= nbf;
    let nbf_note = if nbf_claim == 0 && iat == 0 {
        format!(" (no `nbf` or `iat`: vault takes `exp` minus `not_before_leeway`, {nbf_leeway} s)")
    } else {
        String::new()
    };
    ctx.push(
        51,
        "token",
        "nbf".into(),
        "before",
        Value::from(when(now.saturating_add(skew))),
        Value::from(nbf),
        if nbf_pass {
            Outcome::Pass
        } else {
            Outcome::Fail
        },
        if nbf_pass {
            format!(
                "the token is valid from {}{}, within vault's {skew} s leeway.",
                when(nbf),
                if nbf_note.is_empty() {
                    " (`nbf`, or `iat` when absent)"
                } else {
                    &nbf_note
                }
            )
        } else {
            format!(
                "the token is not valid before {}{nbf_note}, {} after the evaluation time.",
                when(nbf),
                format_duration(nbf.saturating_sub(now))
            )
        },
        (!nbf_pass).then(|| {
            "check the clock of the machine running vault or the one evaluating.".to_string()
        }),
        Some("error validating token: invalid not before (nbf) claim: token not yet valid".into()),
    );
    if iat != 0 {
        let iat_pass = now.saturating_add(skew) >= iat;
        ctx.push(
            53,
            "token",
            "iat".into(),
            "before",
            Value::from(when(now.saturating_add(skew))),
            Value::from(iat),
            if iat_pass {
                Outcome::Pass
            } else {
                Outcome::Fail
            },
            if iat_pass {
                "the token was issued before the evaluation time.".into()
            } else {
                format!(
                    "the token claims to be issued at {}, in the future by more than {skew} s.",
                    when(iat)
                )
            },
            None,
            Some(
                "error validating token: invalid issued at (iat) claim: token issued in the future"
                    .into(),
            ),
        );
    }
}

fn user_claim(ctx: &mut Ctx<'_>, role: &Map<String, Value>) {
    let name = role.get("user_claim").and_then(Value::as_str).unwrap_or("");
    if name.is_empty() {
        ctx.push(
            60,
            "role",
            "user_claim".into(),
            "is string",
            Value::Null,
            Value::Null,
            Outcome::Fail,
            "the role sets no `user_claim`; vault refuses to write such a role (`a user claim must be defined on the role`).".into(),
            Some("set `user_claim=sub` (or another string claim).".into()),
            Some("a user claim must be defined on the role".into()),
        );
        return;
    }
    let pointer = vault_bool(role.get("user_claim_json_pointer")).unwrap_or(false);
    let value = if pointer {
        get_claim(ctx.claims, name)
    } else {
        ctx.claims.get(name).filter(|v| !v.is_null())
    };
    let actual = value.cloned().unwrap_or(Value::Null);
    let (result, explanation, error) = match value {
        Some(Value::String(_)) => (
            Outcome::Pass,
            format!("claim `{name}` is a string and names the vault entity alias."),
            String::new(),
        ),
        Some(_) => (
            Outcome::Fail,
            format!("claim `{name}` is not a string, so vault cannot use it as the alias name."),
            format!("claim \"{name}\" could not be converted to string"),
        ),
        None => (
            Outcome::Fail,
            if name.starts_with('/') && !pointer {
                format!("the token has no top-level claim `{name}`; `user_claim` is a literal name unless `user_claim_json_pointer=true`.")
            } else {
                format!("the token has no claim `{name}`.")
            },
            format!("claim \"{name}\" not found in token"),
        ),
    };
    let error = if result == Outcome::Fail {
        Some(error)
    } else {
        None
    };
    ctx.push(
        60,
        "role",
        "user_claim".into(),
        "is string",
        Value::String(name.to_string()),
        actual,
        result,
        explanation,
        (result == Outcome::Fail)
            .then(|| "set `user_claim=sub`: every CircleCI token has a string `sub`.".to_string()),
        error,
    );
}

fn claim_mappings(ctx: &mut Ctx<'_>, role: &Map<String, Value>) {
    let Some(Value::Object(mappings)) = role.get("claim_mappings") else {
        return;
    };
    for (source, target) in mappings {
        let value = get_claim(ctx.claims, source);
        let (result, explanation) = match value {
            None => (
                Outcome::Pass,
                format!(
                    "claim `{source}` is absent, so no metadata `{}` is set (not an error).",
                    target.as_str().unwrap_or("")
                ),
            ),
            Some(Value::String(_)) => (
                Outcome::Pass,
                format!("claim `{source}` is a string and becomes metadata."),
            ),
            Some(_) => (
                Outcome::Fail,
                format!(
                    "claim `{source}` is not a string; vault maps only string claims to metadata."
                ),
            ),
        };
        ctx.push(
            61,
            "role",
            format!("claim_mappings.{source}"),
            "is string",
            target.clone(),
            value.cloned().unwrap_or(Value::Null),
            result,
            explanation,
            (result == Outcome::Fail).then(|| format!("remove `{source}` from `claim_mappings`.")),
            Some(format!("error converting claim '{source}' to string")),
        );
    }
}

fn groups_claim(ctx: &mut Ctx<'_>, role: &Map<String, Value>) {
    let Some(name) = str_field(role, "groups_claim") else {
        return;
    };
    let value = get_claim(ctx.claims, name);
    let (result, explanation, error) = match value {
        Some(Value::String(_)) => (
            Outcome::Pass,
            format!("claim `{name}` is a string: one group alias."),
            String::new(),
        ),
        Some(Value::Array(items)) if items.iter().all(Value::is_string) => (
            Outcome::Pass,
            format!("claim `{name}` is a list of strings: one group alias each."),
            String::new(),
        ),
        Some(Value::Array(_)) => (
            Outcome::Fail,
            format!("claim `{name}` holds a value that is not a string."),
            format!("value in groups claim could not be parsed as string (claim \"{name}\")"),
        ),
        Some(_) => (
            Outcome::Fail,
            format!("claim `{name}` is not a string list."),
            format!("\"{name}\" claim could not be converted to string list"),
        ),
        None => (
            Outcome::Fail,
            format!("the token has no claim `{name}`."),
            format!("failed to fetch groups: \"{name}\" claim not found in token"),
        ),
    };
    ctx.push(
        62,
        "role",
        "groups_claim".into(),
        "is string list",
        Value::String(name.to_string()),
        value.cloned().unwrap_or(Value::Null),
        result,
        explanation,
        (result == Outcome::Fail).then(|| {
            "unset `groups_claim` or name a list claim such as `oidc.circleci.com/context-ids`."
                .to_string()
        }),
        Some(error),
    );
}

fn bound_claims(ctx: &mut Ctx<'_>, role: &Map<String, Value>) {
    let bound = match role.get("bound_claims") {
        Some(Value::Object(bound)) => bound,
        None | Some(Value::Null) => return,
        Some(Value::String(s)) if s.is_empty() => return,
        Some(other) => {
            ctx.push(
                70,
                "role",
                "bound_claims".into(),
                "is a map",
                Value::String("an object of claim names to values".into()),
                other.clone(),
                Outcome::Unknown,
                format!(
                    "`bound_claims` is {} here, not an object of claim names to values: vault stores it as a map (and \
                     refuses to write what it cannot read as one), so what this role binds is unknown.",
                    match other {
                        Value::String(_) => "a string",
                        Value::Array(_) => "a list",
                        _ => "a scalar",
                    }
                ),
                Some("write it as an object, e.g. `\"bound_claims\": {\"oidc.circleci.com/project-id\": \"<project ID>\"}`, and paste what `vault read -format=json auth/jwt/role/<name>` prints.".into()),
                None,
            );
            return;
        }
    };
    let kind = role
        .get("bound_claims_type")
        .and_then(Value::as_str)
        .unwrap_or("string");
    let use_glob = kind == "glob";
    for (claim, expected) in bound {
        let actual = get_claim(ctx.claims, claim);
        let key = format!("bound_claims.{claim}");
        let operator = if use_glob { "glob" } else { "equals" };
        if kind != "string" && kind != "glob" {
            ctx.push(
                70,
                "role",
                key,
                kind,
                expected.clone(),
                actual.cloned().unwrap_or(Value::Null),
                Outcome::Fail,
                format!("`bound_claims_type` is `{kind}`; vault knows only `string` and `glob`."),
                Some("set `bound_claims_type=string` or `glob`.".into()),
                Some(format!("invalid 'bound_claims_type': {kind}")),
            );
            continue;
        }
        let (result, explanation, error) = match actual {
            None => {
                let mut why = format!("the token has no claim `{claim}`.");
                if claim.starts_with('/') && claim.contains('.') {
                    why.push_str(&format!(
                        " a key starting with `/` is a JSON pointer, so `{claim}` looks for nested objects; CircleCI's claim names \
                         contain `/` themselves: write the key without the leading `/`, or escape `/` as `~1`."
                    ));
                }
                (
                    Outcome::Fail,
                    why,
                    format!("error validating claims: claim \"{claim}\" is missing"),
                )
            }
            Some(actual) => match_values(expected, actual, use_glob, claim),
        };
        let fix = (result == Outcome::Fail).then(|| fix_for(claim, expected, actual, use_glob));
        ctx.push(
            70,
            "role",
            key,
            operator,
            expected.clone(),
            actual.cloned().unwrap_or(Value::Null),
            result,
            explanation,
            fix,
            Some(error),
        );
    }
}

fn list(v: &Value) -> Option<Vec<&Value>> {
    match v {
        Value::Array(items) => Some(items.iter().collect()),
        Value::String(_) | Value::Bool(_) | Value::Number(_) => Some(vec![v]),
        _ => None,
    }
}

fn match_values(
    expected: &Value,
    actual: &Value,
    use_glob: bool,
    claim: &str,
) -> (Outcome, String, String) {
    let no_match = format!("error validating claims: claim \"{claim}\" does not match any associated bound claim values");
    let Some(actual_vals) = list(actual) else {
        return (
            Outcome::Fail,
            format!("claim `{claim}` is an object; vault matches only strings, booleans, numbers and lists."),
            format!("error validating claims: received claim is not a string, bool, int or list: {actual}"),
        );
    };
    let Some(expected_vals) = list(expected) else {
        return (
            Outcome::Fail,
            "the bound value is an object; vault accepts a string, boolean, number or a list.".into(),
            format!("error validating claims: bound claim is not a string, bool, int or list: {expected}"),
        );
    };
    let in_list = actual.is_array();
    let mut near: Option<String> = None;
    for exp in &expected_vals {
        for act in &actual_vals {
            if use_glob {
                let Some(pattern) = exp.as_str() else {
                    return (
                        Outcome::Fail,
                        format!("the bound value {} is not a string: vault refuses to write a role with `bound_claims_type=glob` and such a value, so no saved role holds it; when written,", show(exp)),
                        format!("claim is not a string: {exp}"),
                    );
                };
                let Some(subject) = act.as_str() else {
                    continue;
                };
                if glob_match(pattern, subject) {
                    return (
                        Outcome::Pass,
                        format!("{} matches the glob {}.", show(act), show(exp)),
                        no_match,
                    );
                }
                if near.is_none() && pattern.eq_ignore_ascii_case(subject) {
                    near = Some(format!(
                        " {} and {} differ only in letter case; globs are case-sensitive.",
                        show(exp),
                        show(act)
                    ));
                }
                if near.is_none()
                    && glob_match(&pattern.to_ascii_lowercase(), &subject.to_ascii_lowercase())
                {
                    near = Some(format!(
                        " the glob {} matches {} only when letter case is ignored; globs are case-sensitive.",
                        show(exp),
                        show(act)
                    ));
                }
                if near.is_none()
                    && pattern.contains('?')
                    && glob_match(&pattern.replace('?', "*"), subject)
                {
                    near = Some(format!(
                        " {} holds `?`, which is a literal character in vault globs: only `*` is a wildcard.",
                        show(exp)
                    ));
                }
            } else {
                if same(exp, act, in_list) {
                    return (
                        Outcome::Pass,
                        format!("{} equals the bound value exactly.", show(act)),
                        no_match,
                    );
                }
                if near.is_none() {
                    near = near_miss(exp, act, in_list);
                }
            }
        }
    }
    let mut why = format!(
        "no token value {} {} any bound value.",
        show(actual),
        if use_glob { "matches" } else { "equals" }
    );
    if let Some(n) = near {
        why.push_str(&n);
    }
    (Outcome::Fail, why, no_match)
}

/// Vault compares decoded JSON values with Go's `==`: type-sensitive (`"true"` is not `true`). The role's numbers
/// are `json.Number`s holding their text as written (`1.0` is not `1`); a numeric claim read whole (top-level
/// or by pointer) becomes the `json.Number` of its value (`getClaim`: `1.0` is `1`), while a number inside a
/// list claim stays a Go `float64`, which equals no `json.Number` (claims.go `matchFound`).
fn same(bound: &Value, token: &Value, in_list: bool) -> bool {
    match (bound, token) {
        (Value::Number(b), Value::Number(t)) => !in_list && b.to_string() == claim_number(t),
        _ => bound == token,
    }
}

/// The text of the `json.Number` vault makes of a numeric claim: an integral value as an integer (`1.0` is
/// `1`), any other as Go's shortest decimal (`strconv.FormatFloat(v, 'f', -1, 64)`).
fn claim_number(n: &serde_json::Number) -> String {
    match n.as_f64() {
        Some(v) if v.is_finite() && v == (v as i64) as f64 => (v as i64).to_string(),
        // serde_json writes the shortest digits too, with an exponent where Go writes zeros (`f64`'s own
        // `Display` would do, but costs the page several KB of float formatting).
        _ => without_exponent(&n.to_string()),
    }
}

/// `1.5e-7` as `0.00000015`, `1e20` as `100000000000000000000`: a number's shortest digits without exponent.
fn without_exponent(text: &str) -> String {
    let Some((mantissa, exponent)) = text.split_once(['e', 'E']) else {
        return text.to_string();
    };
    let Ok(exponent) = exponent.parse::<i32>() else {
        return text.to_string();
    };
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mantissa),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = format!("{int}{frac}");
    // Where the decimal point goes in `digits`; f64 exponents stay within a few hundred.
    let point = (int.len() as i32 + exponent.clamp(-400, 400)).max(-400);
    let (int, frac) = if point <= 0 {
        (
            "0".to_string(),
            format!("{}{digits}", "0".repeat(point.unsigned_abs() as usize)),
        )
    } else if point as usize >= digits.len() {
        (
            format!("{digits}{}", "0".repeat(point as usize - digits.len())),
            String::new(),
        )
    } else {
        (
            digits[..point as usize].to_string(),
            digits[point as usize..].to_string(),
        )
    };
    let frac = frac.trim_end_matches('0');
    let int = match int.trim_start_matches('0') {
        "" => "0",
        rest => rest,
    };
    if frac.is_empty() {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{frac}")
    }
}

fn near_miss(exp: &Value, act: &Value, in_list: bool) -> Option<String> {
    match (exp, act) {
        (Value::Number(e), Value::Number(a)) if in_list && e.as_f64() == a.as_f64() => Some(format!(
            " the claim's {} is inside a list, and vault compares numbers in a list claim as Go float64 values with the \
             role's json.Number values, which are never equal: a number in a list claim matches no bound number.",
            show(act)
        )),
        (Value::Number(e), Value::Number(a)) if e.as_f64() == a.as_f64() => Some(format!(
            " vault compares a bound number as written: {} is not the claim's `{}`.",
            show(exp),
            claim_number(a)
        )),
        (Value::String(e), Value::String(a)) if e.contains('*') => Some(format!(
            " {} contains `*`, which is literal with `bound_claims_type=string`; set `bound_claims_type=glob` to use it as a wildcard.",
            show(exp)
        ))
        .filter(|_| glob_match(e, a)),
        (Value::String(e), Value::String(a)) if e.eq_ignore_ascii_case(a) => {
            Some(format!(" {} and {} differ only in letter case.", show(exp), show(act)))
        }
        (Value::String(e), Value::Bool(b)) if e == &b.to_string() => Some(format!(
            " the bound value is the string {} but the claim is the boolean `{b}`; vault compares types too.",
            show(exp)
        )),
        (Value::Bool(b), Value::String(a)) if a == &b.to_string() => Some(format!(
            " the bound value is the boolean `{b}` but the claim is the string {}; vault compares types too.",
            show(act)
        )),
        _ => None,
    }
}

fn fix_for(claim: &str, expected: &Value, actual: Option<&Value>, use_glob: bool) -> String {
    match actual {
        None if claim.starts_with('/') => format!(
            "use the literal claim name `{}` (no leading `/`).",
            claim.trim_start_matches('/')
        ),
        None => format!("bind a claim the token carries, or remove `{claim}` from `bound_claims`."),
        Some(Value::String(s))
            if !use_glob && expected.as_str().is_some_and(|e| e.contains('*')) =>
        {
            format!("set `bound_claims_type=glob`, or bind the exact value `{s}`.")
        }
        Some(v) => type_mismatch_fix(claim, expected, v, use_glob).unwrap_or_else(|| {
            format!(
                "if this job should log in, add {} (the token's value) to `{claim}` in `bound_claims` (a list admits any of its values); otherwise the role is meant for other jobs.",
                show(v)
            )
        }),
    }
}

/// The JSON type of a scalar claim, for messages.
fn type_word(v: &Value) -> &'static str {
    match v {
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        _ => "value",
    }
}

/// The fix when a bound value and the token's value differ only in JSON type (the string `"false"` against
/// the boolean `false`), or when a glob role binds a claim that is not a string: `None` otherwise.
pub fn type_mismatch_fix(
    claim: &str,
    expected: &Value,
    actual: &Value,
    use_glob: bool,
) -> Option<String> {
    let bound = list(expected)?;
    let scalar = matches!(actual, Value::Bool(_) | Value::Number(_));
    if use_glob && !scalar {
        return bound.iter().find(|b| !b.is_string()).map(|b| {
            format!(
                "write every bound value of `{claim}` as a string (`\"{}\"`): vault refuses to write a role with \
                 `bound_claims_type=glob` and the {} `{b}`.",
                b.as_str().map_or_else(|| b.to_string(), str::to_string),
                type_word(b)
            )
        });
    }
    if use_glob {
        return scalar.then(|| {
            format!(
                "globs match strings only, and the token's `{claim}` is the {} `{actual}`: remove `{claim}` from this \
                 role's `bound_claims`, or bind the JSON {} `{actual}` (no quotes) in a role with \
                 `bound_claims_type=string`.",
                type_word(actual),
                type_word(actual)
            )
        });
    }
    match actual {
        Value::Bool(_) | Value::Number(_) => {
            let text = actual.to_string();
            bound.iter().any(|b| b.as_str() == Some(text.as_str())).then(|| {
                format!(
                    "write the JSON {kind} `{text}` (no quotes) for `{claim}` in `bound_claims`: `bound_claims_type=string` \
                     compares types, and the token's `{claim}` is a {kind}; the string `\"{text}\"` only matches a token \
                     whose claim is a string. terraform's `vault_jwt_auth_backend_role` writes every bound value as a \
                     string: there, remove `{claim}` from `bound_claims` (or write the role with `vault write`).",
                    kind = type_word(actual)
                )
            })
        }
        Value::String(s) => bound
            .iter()
            .find(|b| matches!(b, Value::Bool(_) | Value::Number(_)) && b.to_string() == *s)
            .map(|b| {
                format!(
                    "write the string `\"{s}\"` (quoted) for `{claim}` in `bound_claims`: `bound_claims_type=string` \
                     compares types, and the token's `{claim}` is a string; the {} `{b}` only matches a token whose \
                     claim is a {}.",
                    type_word(b),
                    type_word(b)
                )
            }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_as_go_writes_them_without_exponent() {
        let number = |v: f64| claim_number(&serde_json::Number::from_f64(v).unwrap());
        assert_eq!(number(1.0), "1");
        assert_eq!(number(1.5), "1.5");
        assert_eq!(number(-0.25), "-0.25");
        assert_eq!(number(1.5e-7), "0.00000015");
        assert_eq!(number(1e20), "100000000000000000000");
        assert_eq!(number(-1.25e21), "-1250000000000000000000");
        assert_eq!(number(123456.789), "123456.789");
        assert_eq!(without_exponent("1.23e2"), "123");
        assert_eq!(without_exponent("1.2345e2"), "123.45");
        assert_eq!(without_exponent("5e-324").len(), 326);
    }
}
