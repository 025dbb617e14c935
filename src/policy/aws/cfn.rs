//! CloudFormation: the intrinsic functions a template's trust policy is written with (`Fn::Sub`, `Ref`,
//! `Fn::GetAtt`, `Fn::Join`, `Fn::Split`, `Fn::Select`, `Fn::FindInMap`), resolved as far as the template itself says.
//!
//! A template usually names the OIDC provider it creates (`!GetAtt CircleCIProvider.Arn`, `!Ref Provider`) or
//! builds the provider ARN and condition values from parameters (`!Sub "...org/${OrgId}"`). Read literally, such
//! a principal is an object, not an ARN, and every check on it would fail for the wrong reason. Resolved here:
//! - parameters, from their `Default` (a stack may override it: the finding says which defaults were used);
//! - `AWS::Partition` (`aws`) and `AWS::URLSuffix` (`amazonaws.com`);
//! - the `Arn` (and `Ref`) of an `AWS::IAM::OIDCProvider` resource (or CDK's `Custom::AWSCDKOpenIdConnectProvider`),
//!   from its `Url`;
//! - the `Value` of CDK's `CfnJson` (`Custom::AWSCDKCfnJson`, how CDK writes condition keys that hold a token):
//!   the JSON text of its `Value` property, parsed;
//! - `Fn::Join`, `Fn::Split`, `Fn::Select` over a literal or split list (CDK's `openIdConnectProviderIssuer` is
//!   `Fn::Select [1, Fn::Split [":oidc-provider/", Ref Provider]]`), `Fn::FindInMap` over the template's `Mappings`;
//! - `Fn::If`, when the template's `Conditions` (`Fn::Equals`, `Fn::Not`, `Fn::And`, `Fn::Or`, `Condition`)
//!   decide it from parameter defaults (a `Ref AWS::NoValue` branch leaves the property out).
//!
//! A Serverless Framework configuration (`serverless.yml`) holds such a template under `resources`, and writes
//! its own variables anywhere, condition keys included: `${self:custom.orgId}` is read from the configuration
//! (with its `, 'default'`); `${param:...}`, `${sls:stage}`, `${ssm:...}` and the other sources only the
//! deployment knows.
//!
//! `AWS::AccountId` reads as `<ACCOUNT_ID>`: the account is never checked offline. What else only a deployed
//! stack knows (`AWS::Region`, a parameter without a default, another resource's attribute, an `Fn::If` whose
//! condition reads one of those, `Fn::ImportValue`) stays in the text as `${Name}`, in `Fn::Sub`'s own syntax,
//! and is reported.
//!
//! | code | severity | meaning |
//! |---|---|---|
//! | `cfn-resolved` | info | which intrinsic functions were read, and as what |
//! | `cfn-unresolved` | warning | values only the deployed stack knows; checks that read them are read as written |

use std::borrow::Cow;

use serde_json::{Map, Value};

use crate::report::{Area, Finding, Severity};

/// Deeper nesting than this is left unresolved (a hostile or self-referencing template).
const MAX_DEPTH: usize = 16;
/// Values and conditions resolved for one policy, at most.
const MAX_STEPS: usize = 500_000;
/// What is listed in a finding, at most.
const MAX_LISTED: usize = 8;

/// What `AWS::AccountId` is read as: the account is never checked offline (see `aws-offline-limits`).
const ACCOUNT: &str = super::eval::ACCOUNT_PLACEHOLDER;

/// `policy` (found inside `template`, itself inside the Serverless configuration `config` if any) with its
/// intrinsic functions and Serverless variables resolved, plus the findings that say how. Borrowed unchanged when
/// it uses none.
pub fn resolve<'a>(
    policy: Cow<'a, Value>,
    template: &Value,
    config: Option<&Value>,
    findings: &mut Vec<Finding>,
) -> Cow<'a, Value> {
    if !needs_resolving(&policy, 0) {
        return policy;
    }
    let mut r = Resolver {
        template,
        config,
        budget: 1 << 20,
        resolved: Vec::new(),
        unresolved: Vec::new(),
        misses: 0,
        steps: 0,
    };
    let value = r.value(&policy, 0);
    if !r.resolved.is_empty() {
        findings.push(
            Finding::new(
                "cfn-resolved",
                Severity::Info,
                Area::Policy,
                format!(
                    "read the template's intrinsic functions as: {}",
                    listed(&r.resolved)
                ),
            )
            .with_fix("a stack can be deployed with other parameter values: if it was, paste the deployed role (`aws iam get-role --role-name <name>`)"),
        );
    }
    if !r.unresolved.is_empty() {
        let names: Vec<String> = r.unresolved.iter().map(|u| format!("`${{{u}}}`")).collect();
        findings.push(
            Finding::new(
                "cfn-unresolved",
                Severity::Warning,
                Area::Policy,
                format!(
                    "only the deployed stack knows {}: claimcheck reads {} as written, so a check that reads it may fail here and pass in AWS",
                    listed(&names),
                    if names.len() == 1 { "it" } else { "them" }
                ),
            )
            .with_fix(unresolved_fix(&r.unresolved)),
        );
    }
    Cow::Owned(value)
}

/// What to do about the values only the deployed stack knows: a parameter takes a `Default`, an import is
/// another stack's export; the deployed role answers either way.
fn unresolved_fix(unresolved: &[String]) -> String {
    let parameter = unresolved
        .iter()
        .any(|u| !u.starts_with("Fn::") && !u.starts_with("AWS::") && !u.starts_with('…'));
    let import = unresolved.iter().any(|u| u == "Fn::ImportValue");
    let mut fix = String::new();
    if parameter {
        fix.push_str("give the parameter a `Default`, or ");
    }
    if import {
        fix.push_str("look up the value `Fn::ImportValue` reads among the exports (`aws cloudformation list-exports`), or ");
    }
    fix.push_str("paste the deployed role's trust policy (`aws iam get-role --role-name <name>`)");
    fix
}

fn listed(items: &[String]) -> String {
    let mut out = items
        .iter()
        .take(MAX_LISTED)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > MAX_LISTED {
        out.push_str(&format!(" and {} more", items.len() - MAX_LISTED));
    }
    out
}

/// What `Fn::If` gives for a `Ref AWS::NoValue` branch: the property or list item is left out.
const NO_VALUE: &str = "\u{0}AWS::NoValue";

fn no_value() -> Value {
    Value::String(NO_VALUE.to_string())
}

fn is_no_value(v: &Value) -> bool {
    v.as_str() == Some(NO_VALUE)
}

fn is_no_value_ref(v: &Value) -> bool {
    v.get("Ref").and_then(Value::as_str) == Some("AWS::NoValue")
}

/// The intrinsic function an object stands for: exactly one key, `Ref` or `Fn::...`.
fn intrinsic(map: &Map<String, Value>) -> Option<(&str, &Value)> {
    let mut entries = map.iter();
    match (entries.next(), entries.next()) {
        (Some((k, v)), None) if k == "Ref" || k.starts_with("Fn::") => Some((k.as_str(), v)),
        _ => None,
    }
}

/// A Serverless variable source other than `self:` (only the deployment knows its value).
fn is_sls_source(name: &str) -> bool {
    [
        "sls:",
        "opt:",
        "env:",
        "param:",
        "ssm:",
        "s3:",
        "cf:",
        "cf(",
        "file(",
        "aws:region",
    ]
    .iter()
    .any(|p| name.starts_with(p))
}

/// Whether `v` (down to the depth the resolver reads) uses an intrinsic function or holds a `${...}` (a Serverless
/// variable, in a key or a value).
fn needs_resolving(v: &Value, depth: usize) -> bool {
    depth < MAX_DEPTH
        && match v {
            Value::Object(map) => {
                intrinsic(map).is_some()
                    || map
                        .iter()
                        .any(|(k, c)| k.contains("${") || needs_resolving(c, depth + 1))
            }
            Value::Array(items) => items.iter().any(|c| needs_resolving(c, depth + 1)),
            Value::String(s) => s.contains("${"),
            _ => false,
        }
}

struct Resolver<'t> {
    template: &'t Value,
    /// The Serverless configuration `${self:...}` reads.
    config: Option<&'t Value>,
    /// Characters Serverless variables may still put into the text: a configuration whose variables refer to
    /// each other many times over stops being substituted rather than growing without end.
    budget: usize,
    /// "`X` = `value` (why)", in the order met, without repeats.
    resolved: Vec<String>,
    /// Names left as `${Name}`, in the order met, without repeats.
    unresolved: Vec<String>,
    /// Every time something was left unresolved (repeats counted): tells whether one value resolved fully.
    misses: usize,
    /// Values and conditions visited so far: a template whose functions refer to each other many times over
    /// (hostile, or a mistake) stops being resolved at [`MAX_STEPS`] rather than taking exponential time.
    steps: usize,
}

impl Resolver<'_> {
    fn note(&mut self, what: String) {
        if !self.resolved.contains(&what) {
            self.resolved.push(what);
        }
    }

    /// The account the stack deploys to: never checked offline, written as claimcheck writes it elsewhere so the
    /// ARN still reads as one, and noted, so the principal reads it as the stack's own account (not a placeholder).
    fn account(&mut self, name: &str) -> String {
        self.note(format!(
            "`${{{name}}}` = the account the stack deploys to (`{ACCOUNT}`)"
        ));
        ACCOUNT.to_string()
    }

    /// `${name}`, recorded as unresolved.
    fn left(&mut self, name: &str) -> String {
        self.misses += 1;
        if !self.unresolved.iter().any(|u| u == name) {
            self.unresolved.push(name.to_string());
        }
        format!("${{{name}}}")
    }

    /// `v` with every intrinsic function replaced by what it resolves to.
    fn value(&mut self, v: &Value, depth: usize) -> Value {
        self.steps += 1;
        if self.steps == MAX_STEPS {
            self.left("… (too many references to resolve)");
        }
        if depth >= MAX_DEPTH || self.steps > MAX_STEPS {
            return v.clone();
        }
        match v {
            Value::Object(map) => match intrinsic(map) {
                Some((name, arg)) => self.function(name, arg, depth + 1),
                None => Value::Object(
                    map.iter()
                        .map(|(k, c)| (self.vars(k, depth), self.value(c, depth + 1)))
                        .filter(|(_, v)| !is_no_value(v))
                        .collect(),
                ),
            },
            Value::Array(items) => Value::Array(
                items
                    .iter()
                    .map(|c| self.value(c, depth + 1))
                    .filter(|v| !is_no_value(v))
                    .collect(),
            ),
            Value::String(s) => Value::String(self.vars(s, depth)),
            other => other.clone(),
        }
    }

    /// `text` with its Serverless variables replaced: `${self:a.b}` by the configuration's value at `a.b` (else
    /// its default); another source's (`${param:x}`, `${sls:stage}`, ...) by its default, or left and reported.
    /// Anything else (an IAM policy variable such as `${aws:username}`) is kept.
    fn vars(&mut self, text: &str, depth: usize) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some((start, end)) = rest
            .find("${")
            .and_then(|s| Some((s, s + 2 + rest[s + 2..].find('}')?)))
        {
            let inner = &rest[start + 2..end];
            out.push_str(&rest[..start]);
            rest = &rest[end + 1..];
            let (name, default) = match inner.split_once(',') {
                Some((n, d)) => (n.trim(), Some(d.trim().trim_matches(['\'', '"']))),
                None => (inner.trim(), None),
            };
            let sls = name.starts_with("self:") || is_sls_source(name);
            let found = name.strip_prefix("self:").and_then(|path| {
                path.split('.').try_fold(self.config?, |v, k| match v {
                    Value::Array(a) => a.get(k.parse::<usize>().ok()?),
                    _ => v.get(k),
                })
            });
            match (found, default) {
                (Some(v), _) if depth < MAX_DEPTH && self.budget > 0 => {
                    let v = self.text(v, depth + 1);
                    self.budget = self.budget.saturating_sub(v.len().max(1));
                    self.note(format!(
                        "`${{{name}}}` = `{v}` (the Serverless configuration)"
                    ));
                    out.push_str(&v);
                }
                (_, Some(d)) if sls => out.push_str(d),
                _ if name == "aws:accountId" => out.push_str(&self.account(name)),
                _ if sls => {
                    let left = self.left(name);
                    out.push_str(&left);
                }
                _ => {
                    out.push_str("${");
                    out.push_str(inner);
                    out.push('}');
                }
            }
        }
        out.push_str(rest);
        out
    }

    /// A resolved value as text (a list is joined with commas, as CloudFormation does for list parameters).
    fn text(&mut self, v: &Value, depth: usize) -> String {
        match self.value(v, depth) {
            Value::String(s) => s,
            Value::Array(items) => items
                .iter()
                .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string))
                .collect::<Vec<_>>()
                .join(","),
            other => other.to_string(),
        }
    }

    fn function(&mut self, name: &str, arg: &Value, depth: usize) -> Value {
        match name {
            "Ref" => Value::String(match arg.as_str() {
                Some(r) => self.reference(r, depth),
                None => self.left("Ref"),
            }),
            "Fn::GetAtt" => {
                let (resource, attribute) = match arg {
                    Value::String(s) => s.split_once('.').unwrap_or((s.as_str(), "")),
                    Value::Array(a) => (
                        a.first().and_then(Value::as_str).unwrap_or_default(),
                        a.get(1).and_then(Value::as_str).unwrap_or_default(),
                    ),
                    _ => ("", ""),
                };
                // CDK's `CfnJson` (how it writes condition keys that hold a token): its `Value` attribute is the
                // JSON text of its `Value` property, parsed.
                let json = self
                    .template
                    .get("Resources")
                    .and_then(|r| r.get(resource))
                    .filter(|r| {
                        r.get("Type").and_then(Value::as_str) == Some("Custom::AWSCDKCfnJson")
                    })
                    .and_then(|r| r.get("Properties")?.get("Value"));
                if let (Some(text), "Value") = (json, attribute) {
                    let text = self.text(text, depth);
                    if let Ok(v) = serde_json::from_str::<Value>(&text) {
                        self.note(format!("`{resource}.Value` = `{text}` (CDK's `CfnJson`)"));
                        return v;
                    }
                }
                Value::String(self.attribute(resource, attribute, depth))
            }
            "Fn::Sub" => {
                let (text, vars) = match arg {
                    Value::Array(a) => (
                        a.first().and_then(Value::as_str).unwrap_or_default(),
                        a.get(1).and_then(Value::as_object),
                    ),
                    other => (other.as_str().unwrap_or_default(), None),
                };
                let text = self.vars(text, depth);
                Value::String(self.sub(&text, vars, depth))
            }
            "Fn::If" => {
                let name = arg.get(0).and_then(Value::as_str).unwrap_or_default();
                match self.condition_named(name, depth) {
                    Some(holds) => {
                        self.note(format!(
                            "`Fn::If` `{name}` = `{holds}` (the template's `Conditions` with the parameters' defaults)"
                        ));
                        match arg.get(if holds { 1 } else { 2 }) {
                            Some(branch) if is_no_value_ref(branch) => no_value(),
                            Some(branch) => self.value(branch, depth),
                            None => Value::String(self.left("Fn::If")),
                        }
                    }
                    None => Value::String(self.left("Fn::If")),
                }
            }
            "Fn::Join" => {
                let delimiter = arg.get(0).and_then(Value::as_str).unwrap_or_default();
                let parts = match arg.get(1).map(|l| self.value(l, depth)) {
                    Some(Value::Array(items)) => items,
                    _ => return Value::String(self.left("Fn::Join")),
                };
                let parts: Vec<String> = parts.iter().map(|p| self.text(p, depth)).collect();
                Value::String(parts.join(delimiter))
            }
            // CDK writes a provider's issuer as `Fn::Select [1, Fn::Split [":oidc-provider/", Ref Provider]]`.
            "Fn::Split" => {
                let delimiter = arg.get(0).and_then(Value::as_str).unwrap_or_default();
                match arg.get(1).map(|t| self.value(t, depth)) {
                    Some(Value::String(text)) if !delimiter.is_empty() => Value::Array(
                        text.split(delimiter)
                            .map(|part| Value::String(part.to_string()))
                            .collect(),
                    ),
                    _ => Value::String(self.left("Fn::Split")),
                }
            }
            "Fn::Select" => {
                let index = arg.get(0).map(|i| self.text(i, depth));
                let list = arg.get(1).map(|l| self.value(l, depth));
                match (index.and_then(|i| i.parse::<usize>().ok()), list) {
                    (Some(i), Some(Value::Array(items))) if i < items.len() => items[i].clone(),
                    _ => Value::String(self.left("Fn::Select")),
                }
            }
            "Fn::FindInMap" => {
                let keys: Vec<String> = (0..3)
                    .filter_map(|i| arg.get(i))
                    .map(|k| self.text(k, depth))
                    .collect();
                let found = match keys.as_slice() {
                    [map, top, second] => self
                        .template
                        .get("Mappings")
                        .and_then(|m| m.get(map))
                        .and_then(|m| m.get(top))
                        .and_then(|m| m.get(second))
                        .map(|v| (format!("{map}.{top}.{second}"), v.clone())),
                    _ => None,
                };
                match found {
                    Some((path, v)) => {
                        let shown = v.as_str().map_or_else(|| v.to_string(), str::to_string);
                        self.note(format!(
                            "`Fn::FindInMap` {path} = `{shown}` (from `Mappings`)"
                        ));
                        self.value(&v, depth)
                    }
                    None => Value::String(self.left("Fn::FindInMap")),
                }
            }
            other => Value::String(self.left(other)),
        }
    }

    /// Whether the template's condition `name` holds, when the template alone decides it.
    fn condition_named(&mut self, name: &str, depth: usize) -> Option<bool> {
        let template = self.template;
        let c = template.get("Conditions")?.get(name)?;
        self.condition(c, depth + 1)
    }

    /// A condition function (`Fn::Equals`, `Fn::Not`, `Fn::And`, `Fn::Or`, `Condition`), when every value it
    /// reads resolves; `None` otherwise (a parameter without a default, `AWS::Region`, ...).
    fn condition(&mut self, c: &Value, depth: usize) -> Option<bool> {
        self.steps += 1;
        if depth >= MAX_DEPTH || self.steps > MAX_STEPS {
            return None;
        }
        let (name, arg) = match c {
            Value::Object(map) => {
                let mut entries = map.iter();
                match (entries.next(), entries.next()) {
                    (Some((k, v)), None) => (k.as_str(), v),
                    _ => return None,
                }
            }
            Value::Bool(b) => return Some(*b),
            Value::String(s) => return s.parse().ok(),
            _ => return None,
        };
        let list = || arg.as_array().map(Vec::as_slice).unwrap_or_default();
        match name {
            "Condition" => self.condition_named(arg.as_str()?, depth),
            "Fn::Equals" => {
                let [a, b] = list() else { return None };
                let misses = self.misses;
                let (a, b) = (self.text(a, depth + 1), self.text(b, depth + 1));
                (self.misses == misses).then_some(a == b)
            }
            "Fn::Not" => self.condition(list().first()?, depth + 1).map(|b| !b),
            "Fn::And" | "Fn::Or" => {
                let mut result = Some(name == "Fn::And");
                for item in list() {
                    match (self.condition(item, depth + 1), name) {
                        (Some(false), "Fn::And") => return Some(false),
                        (Some(true), "Fn::Or") => return Some(true),
                        (None, _) => result = None,
                        _ => {}
                    }
                }
                result
            }
            _ => None,
        }
    }

    /// `Ref name`: a parameter's default, a pseudo parameter, or an OIDC provider's ARN.
    fn reference(&mut self, name: &str, depth: usize) -> String {
        match name {
            "AWS::Partition" => return "aws".to_string(),
            "AWS::URLSuffix" => return "amazonaws.com".to_string(),
            "AWS::AccountId" => return self.account(name),
            pseudo if pseudo.starts_with("AWS::") => return self.left(pseudo),
            _ => {}
        }
        if let Some(param) = self.template.get("Parameters").and_then(|p| p.get(name)) {
            return match param.get("Default") {
                Some(default) => {
                    let text = match default {
                        Value::String(s) => s.clone(),
                        other => other.to_string(),
                    };
                    self.note(format!(
                        "`${{{name}}}` = `{text}` (the parameter's default)"
                    ));
                    text
                }
                None => self.left(name),
            };
        }
        // `Ref` of an `AWS::IAM::OIDCProvider` is its ARN.
        self.attribute(name, "Arn", depth)
    }

    /// `Fn::GetAtt resource.attribute`: only an OIDC provider's `Arn` is known before deployment.
    fn attribute(&mut self, resource: &str, attribute: &str, depth: usize) -> String {
        let shown = if attribute.is_empty() {
            resource.to_string()
        } else {
            format!("{resource}.{attribute}")
        };
        // CDK's `OpenIdConnectProvider` is a custom resource with the same `Url`, whose `Ref` is the ARN too.
        let provider = self
            .template
            .get("Resources")
            .and_then(|r| r.get(resource))
            .and_then(|r| Some((r, r.get("Type")?.as_str()?)))
            .filter(|(_, t)| {
                matches!(
                    *t,
                    "AWS::IAM::OIDCProvider" | "Custom::AWSCDKOpenIdConnectProvider"
                )
            });
        let url = provider.and_then(|(p, t)| Some((p.get("Properties")?.get("Url")?, t)));
        match (url, attribute) {
            (Some((url, kind)), "Arn") if depth < MAX_DEPTH => {
                let kind = kind.to_string();
                let url = self.text(url, depth + 1);
                let host_path = url.strip_prefix("https://").unwrap_or(&url);
                let arn = format!("arn:aws:iam::{ACCOUNT}:oidc-provider/{host_path}");
                self.note(format!(
                    "`{shown}` = `{arn}` (the `{kind}` in the template)"
                ));
                arn
            }
            _ => self.left(&shown),
        }
    }

    /// `Fn::Sub`: `${Name}` from `vars`, then as `Ref`/`Fn::GetAtt`; `${!Literal}` is `${Literal}`.
    fn sub(&mut self, text: &str, vars: Option<&Map<String, Value>>, depth: usize) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                out.push_str(&rest[start..]);
                return out;
            };
            let name = &after[..end];
            if let Some(literal) = name.strip_prefix('!') {
                out.push_str("${");
                out.push_str(literal);
                out.push('}');
            } else if let Some(v) = vars.and_then(|vars| vars.get(name)) {
                let value = self.text(v, depth);
                out.push_str(&value);
            } else if let Some((resource, attribute)) = name.split_once('.') {
                let value = self.attribute(resource, attribute, depth);
                out.push_str(&value);
            } else {
                let value = self.reference(name, depth);
                out.push_str(&value);
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ORG: &str = "8f2c1a4e-3b6d-4f0a-9c1e-5d7b2a9e4c10";

    fn run(policy: Value, template: Value) -> (Value, Vec<(&'static str, String)>) {
        let mut findings = Vec::new();
        let out = resolve(Cow::Owned(policy), &template, None, &mut findings).into_owned();
        (
            out,
            findings.into_iter().map(|f| (f.code, f.message)).collect(),
        )
    }

    #[test]
    fn serverless_variables() {
        let config = json!({"service": "s", "custom": {"org": ORG, "ids": ["p1", 7], "loop": "${self:custom.loop}"}});
        let policy = json!({"${self:custom.org}:k": [
            "${self:custom.ids.0}-${self:custom.ids.1}", "${self:custom.none, 'dflt'}", "${param:org}",
            "${aws:username}", "${aws:accountId}", "${self:custom.loop}", "unclosed ${self:custom.org"
        ]});
        let mut findings = Vec::new();
        let out = resolve(Cow::Owned(policy), &json!({}), Some(&config), &mut findings);
        let values = &out[format!("{ORG}:k").as_str()];
        assert_eq!(values[0], "p1-7");
        assert_eq!(values[1], "dflt");
        assert_eq!(values[2], "${param:org}");
        assert_eq!(values[3], "${aws:username}");
        assert_eq!(values[4], ACCOUNT);
        assert!(values[5].as_str().unwrap().contains("${self:custom.loop}"));
        assert_eq!(values[6], "unclosed ${self:custom.org");
        assert!(
            findings[1].message.contains("`${param:org}`"),
            "{findings:?}"
        );

        // Variables that refer to each other many times over stop being substituted.
        let wide = "${self:custom.a}".repeat(5_000);
        let config = json!({"service": "s", "custom": {"a": wide}});
        let mut findings = Vec::new();
        let out = resolve(
            Cow::Owned(json!({"k": wide})),
            &json!({}),
            Some(&config),
            &mut findings,
        );
        assert!(out["k"].as_str().unwrap().len() < 4 << 20);
    }

    #[test]
    fn a_policy_without_intrinsics_is_borrowed_as_it_is() {
        let policy = json!({"Statement": [{"Principal": {"Federated": "arn"}}]});
        let mut findings = Vec::new();
        let out = resolve(Cow::Borrowed(&policy), &json!({}), None, &mut findings);
        assert!(matches!(out, Cow::Borrowed(_)));
        assert!(findings.is_empty());
    }

    #[test]
    fn resolves_the_provider_it_creates_and_parameter_defaults() {
        let template = json!({
            "Parameters": {"OrgId": {"Type": "String", "Default": ORG}, "ProjectId": {"Type": "String"}},
            "Resources": {
                "CircleCIProvider": {
                    "Type": "AWS::IAM::OIDCProvider",
                    "Properties": {"Url": {"Fn::Sub": "https://oidc.circleci.com/org/${OrgId}"}}
                }
            }
        });
        let policy = json!({"Statement": [{
            "Principal": {"Federated": {"Fn::GetAtt": ["CircleCIProvider", "Arn"]}},
            "Condition": {"StringLike": {
                (format!("oidc.circleci.com/org/{ORG}:sub")): {"Fn::Sub": "org/${OrgId}/project/${ProjectId}/*"}
            }}
        }]});
        let (out, findings) = run(policy, template);
        let provider =
            format!("arn:aws:iam::<ACCOUNT_ID>:oidc-provider/oidc.circleci.com/org/{ORG}");
        assert_eq!(
            out["Statement"][0]["Principal"]["Federated"],
            provider.as_str()
        );
        assert_eq!(
            out["Statement"][0]["Condition"]["StringLike"]
                [format!("oidc.circleci.com/org/{ORG}:sub")],
            format!("org/{ORG}/project/${{ProjectId}}/*").as_str()
        );
        assert_eq!(
            findings,
            vec![
                (
                    "cfn-resolved",
                    format!("read the template's intrinsic functions as: `${{OrgId}}` = `{ORG}` (the parameter's default), `CircleCIProvider.Arn` = `{provider}` (the `AWS::IAM::OIDCProvider` in the template)")
                ),
                (
                    "cfn-unresolved",
                    "only the deployed stack knows `${ProjectId}`: claimcheck reads it as written, so a check that reads it may fail here and pass in AWS".to_string()
                ),
            ]
        );
    }

    #[test]
    fn fn_if_follows_the_conditions_the_parameter_defaults_decide() {
        let template = json!({
            "Parameters": {
                "Env": {"Type": "String", "Default": "prod"},
                "Branch": {"Type": "String", "Default": "main"},
                "Region": {"Type": "String"}
            },
            "Conditions": {
                "IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]},
                "IsDev": {"Fn::Not": [{"Condition": "IsProd"}]},
                "PinBranch": {"Fn::And": [{"Condition": "IsProd"}, {"Fn::Equals": ["main", {"Ref": "Branch"}]}]},
                "InEurope": {"Fn::Equals": [{"Ref": "Region"}, "eu-west-1"]},
                "Either": {"Fn::Or": [{"Condition": "InEurope"}, {"Condition": "IsProd"}]},
                "Loop": {"Condition": "Loop"}
            }
        });
        let policy = json!({
            "prod": {"Fn::If": ["IsProd", "org/p/*", "org/d/*"]},
            "dev": {"Fn::If": ["IsDev", "yes", "no"]},
            "pinned": {"Fn::If": ["PinBranch", {"Fn::Sub": "refs/heads/${Branch}"}, {"Ref": "AWS::NoValue"}]},
            "dropped": {"Fn::If": ["IsDev", "x", {"Ref": "AWS::NoValue"}]},
            "list": ["a", {"Fn::If": ["IsDev", "b", {"Ref": "AWS::NoValue"}]}],
            "either": {"Fn::If": ["Either", 1, 2]},
            "unknown": {"Fn::If": ["InEurope", "eu", "other"]},
            "loop": {"Fn::If": ["Loop", "a", "b"]}
        });
        let (out, findings) = run(policy, template);
        assert_eq!(
            out,
            json!({
                "prod": "org/p/*", "dev": "no", "pinned": "refs/heads/main",
                "list": ["a"], "either": 1, "unknown": "${Fn::If}", "loop": "${Fn::If}"
            })
        );
        assert!(findings[0].1.contains("`Fn::If` `IsProd` = `true` (the template's `Conditions` with the parameters' defaults)"), "{findings:?}");
        assert!(findings[0].1.contains("`Fn::If` `IsDev` = `false`"));
        assert_eq!(findings[1].0, "cfn-unresolved");
        assert!(findings[1].1.contains("`${Region}`"), "{findings:?}");
    }

    #[test]
    fn functions_that_refer_to_each_other_many_times_over_stop_early() {
        // Ten references per level, sixteen levels deep: 10^16 visits without a step budget.
        let refs = |name: &str| json!(vec![json!({"Condition": name}); 10]);
        let mut conditions = Map::new();
        for level in 0..16 {
            conditions.insert(
                format!("C{level}"),
                json!({"Fn::And": refs(&format!("C{}", level + 1))}),
            );
        }
        let fan = |_: usize| json!({"Fn::FindInMap": ["M", "a", "b"]});
        let template = json!({
            "Conditions": conditions,
            "Mappings": {"M": {"a": {"b": (0..10).map(fan).collect::<Vec<_>>()}}}
        });
        let policy =
            json!({"x": {"Fn::If": ["C0", "yes", "no"]}, "y": {"Fn::FindInMap": ["M", "a", "b"]}});
        let started = std::time::Instant::now();
        let (out, _) = run(policy, template);
        assert_eq!(out["x"], "${Fn::If}");
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn ref_join_select_find_in_map_and_sub_variables() {
        let template = json!({
            "Mappings": {"Orgs": {"prod": {"Id": ORG}}},
            "Resources": {"P": {"Type": "AWS::IAM::OIDCProvider", "Properties": {"Url": "https://oidc.circleci.com/org/x"}}}
        });
        let policy = json!({
            "a": {"Ref": "P"},
            "b": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":iam"]]},
            "c": {"Fn::Select": ["1", ["x", "y"]]},
            "d": {"Fn::FindInMap": ["Orgs", "prod", "Id"]},
            "e": {"Fn::Sub": ["org/${Org}/${!Literal}", {"Org": {"Fn::FindInMap": ["Orgs", "prod", "Id"]}}]},
            "f": [{"Fn::If": ["IsProd", "a", "b"]}, {"Fn::ImportValue": "x"}, "plain"],
            "g": {"Fn::Sub": "unclosed ${Name"},
            "h": {"Fn::Select": [1, {"Fn::Split": [":oidc-provider/", {"Ref": "P"}]}]},
            "i": {"Fn::Split": ["", "ab"]}
        });
        let (out, findings) = run(policy, template);
        assert_eq!(
            out["a"],
            "arn:aws:iam::<ACCOUNT_ID>:oidc-provider/oidc.circleci.com/org/x"
        );
        assert_eq!(out["b"], "arn:aws:iam");
        assert_eq!(out["c"], "y");
        // CDK's `openIdConnectProviderIssuer`.
        assert_eq!(out["h"], "oidc.circleci.com/org/x");
        assert_eq!(out["i"], "${Fn::Split}");
        assert_eq!(out["d"], ORG);
        assert_eq!(out["e"], format!("org/{ORG}/${{Literal}}").as_str());
        assert_eq!(
            out["f"],
            json!(["${Fn::If}", "${Fn::ImportValue}", "plain"])
        );
        assert_eq!(out["g"], "unclosed ${Name");
        assert_eq!(findings[1].0, "cfn-unresolved");
        assert!(findings[1].1.starts_with(
            "only the deployed stack knows `${Fn::If}`, `${Fn::ImportValue}`, `${Fn::Split}`:"
        ));
    }

    #[test]
    fn self_reference_and_deep_nesting_end() {
        let template = json!({"Resources": {"P": {"Type": "AWS::IAM::OIDCProvider", "Properties": {"Url": {"Ref": "P"}}}}});
        let (out, _) = run(json!({"a": {"Ref": "P"}}), template);
        assert!(out["a"].as_str().unwrap().contains("${P.Arn}"));
        // Deeper than any JSON serde_json parses (128 levels): resolution stops at its own limit.
        let mut deep = json!("x");
        for _ in 0..200 {
            deep = json!({"Fn::Join": ["", [deep]]});
        }
        let (out, _) = run(json!({"a": deep}), json!({}));
        assert!(out["a"].is_string());
    }
}
