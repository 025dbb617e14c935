//! The request context STS builds from a web identity token, and condition-key lookup in it.
//!
//! - provider = `iss` without its scheme (`https://oidc.circleci.com/org/<id>` -> `oidc.circleci.com/org/<id>`);
//! - keys `<provider>:aud`, `<provider>:sub`, `<provider>:amr`, `<provider>:azp` (when the claim is present) and
//!   `<provider>:oidc.circleci.com/project-id`; no other claim is in the context;
//! - `aws:RequestTag/<k>`, `aws:TagKeys`, `sts:TransitiveTagKeys` and `sts:SourceIdentity` come only from the
//!   token's `https://aws.amazon.com/tags` and `.../source_identity` claims (the call has no parameters for
//!   them), so they are missing for a CircleCI token, which can only choose its `aud`;
//! - `aws:CurrentTime` and `aws:EpochTime` come from the evaluation time; other global keys (`aws:SourceIp`,
//!   `aws:UserAgent`, `sts:RoleSessionName`, ...) depend on the live request and cannot be known offline.
//!
//! Condition key names are case-insensitive in IAM, so keys are compared after ASCII lowercasing, the provider
//! part included (the provider URL itself is case-sensitive when STS looks up the OIDC provider, which is
//! the principal's business, not the key's); values always compare case-sensitively unless the operator says.

use serde_json::{Map, Value};

use super::dates;

/// Claims STS copies into the request context.
pub const EXPOSED_CLAIMS: [&str; 5] = ["aud", "sub", "amr", "azp", "oidc.circleci.com/project-id"];

#[derive(Debug, Clone, PartialEq)]
pub enum CtxValue {
    One(String),
    Many(Vec<String>),
}

impl CtxValue {
    pub fn values(&self) -> Vec<&str> {
        match self {
            CtxValue::One(s) => vec![s.as_str()],
            CtxValue::Many(v) => v.iter().map(String::as_str).collect(),
        }
    }

    pub fn to_json(&self) -> Value {
        match self {
            CtxValue::One(s) => Value::String(s.clone()),
            CtxValue::Many(v) => Value::Array(v.iter().cloned().map(Value::String).collect()),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// e.g. `oidc.circleci.com/org/<id>:sub`
    pub key: String,
    pub claim: String,
    pub value: CtxValue,
}

/// Why a key has no value in the request context.
#[derive(Debug, Clone, PartialEq)]
pub enum Missing {
    /// The key names this token's provider, but STS does not copy that claim into the context.
    NotExposed { claim: String, in_token: bool },
    /// The claim is exposed but the token does not carry it.
    ClaimAbsent { claim: String },
    /// The key names another provider (another org, host, or issuer form).
    OtherProvider { provider: String, claim: String },
    /// The token has no `iss`, so no provider keys exist.
    NoProvider,
    /// Not a web-identity key at all (another service's key).
    NotInRequest,
    /// A session key (`aws:RequestTag/...`, `sts:SourceIdentity`, ...) whose token claim is absent.
    NoSessionClaim { claim: String },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Lookup<'a> {
    Present(&'a Entry),
    Missing(Missing),
    /// Present in the real request, but its value cannot be known offline.
    Unknowable(Unknowable),
}

/// Why a key's value cannot be known offline.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Unknowable {
    /// A global key (`aws:SourceIp`, `sts:...`): the live request sets it.
    Request,
    /// `iam:ResourceTag/<tag>`: a tag on the role, in the account.
    RoleTag,
    /// A claim AWS documents as a key for CircleCI cloud's org issuers only, used with another issuer.
    CloudOnly,
}

/// The CircleCI claim AWS exposes only for providers `oidc.circleci.com/org/<org-id>` (the service authorization
/// reference lists `oidc.circleci.com/org/${OrgId}:oidc.circleci.com/project-id`).
const CLOUD_ONLY_CLAIM: &str = "oidc.circleci.com/project-id";

/// Whether `provider` (an issuer without scheme) is CircleCI cloud's per-org issuer.
fn cloud_org_provider(provider: &str) -> bool {
    provider
        .strip_prefix("oidc.circleci.com/org/")
        .is_some_and(|org| !org.is_empty() && !org.contains('/'))
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Context {
    /// `iss` without scheme.
    pub provider: Option<String>,
    pub entries: Vec<Entry>,
    pub now: i64,
    /// The policy's `${...}` are CloudFormation values a `cfn-unresolved` finding lists (else template text left
    /// unfilled, e.g. an unrendered Terraform template): how a `${...}` principal is explained.
    pub stack_values: bool,
    /// The policy is a CloudFormation template's, resolved (`cfn-resolved`): its `<ACCOUNT_ID>` stands for the
    /// account the stack deploys to (`AWS::AccountId`), not a placeholder left unfilled.
    pub stack_account: bool,
    /// The client IDs of the token's provider, when it was pasted with the role ([`super::provider`]).
    pub audiences: Option<super::provider::Audiences>,
}

/// The string form IAM sees for a claim value (`None` for objects/null).
pub fn claim_strings(v: &Value) -> Option<CtxValue> {
    fn one(v: &Value) -> Option<String> {
        match v {
            Value::String(s) => Some(s.clone()),
            Value::Bool(_) | Value::Number(_) => Some(v.to_string()),
            _ => None,
        }
    }
    match v {
        Value::Array(items) => Some(CtxValue::Many(items.iter().filter_map(one).collect())),
        other => one(other).map(CtxValue::One),
    }
}

/// `iss` without `https://` / `http://`.
pub fn provider_of(iss: &str) -> String {
    let lower = iss
        .get(..8)
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if lower.starts_with("https://") {
        iss.get(8..).unwrap_or("").to_string()
    } else if lower.starts_with("http://") {
        iss.get(7..).unwrap_or("").to_string()
    } else {
        iss.to_string()
    }
}

impl Context {
    pub fn from_claims(claims: &Map<String, Value>, now: i64) -> Context {
        // An empty `iss` (or only a scheme) names no provider, as a missing one does.
        let provider = claims
            .get("iss")
            .and_then(Value::as_str)
            .map(provider_of)
            .filter(|p| !p.is_empty());
        let mut entries = Vec::new();
        if let Some(p) = &provider {
            for claim in EXPOSED_CLAIMS {
                if claim == CLOUD_ONLY_CLAIM && !cloud_org_provider(p) {
                    continue;
                }
                if let Some(value) = claims.get(claim).and_then(claim_strings) {
                    entries.push(Entry {
                        key: format!("{p}:{claim}"),
                        claim: claim.to_string(),
                        value,
                    });
                }
            }
        }
        session_entries(claims, &mut entries);
        Context {
            provider,
            entries,
            now,
            stack_values: false,
            stack_account: false,
            audiences: None,
        }
    }

    /// Look a condition key up, case-insensitively.
    pub fn lookup(&self, key: &str, claims: &Map<String, Value>) -> Lookup<'_> {
        let prefix = |p: &str| {
            key.get(..p.len())
                .is_some_and(|k| k.eq_ignore_ascii_case(p))
        };
        // Keys are distinct ignoring case, so an exact match (the usual spelling) is the one to find.
        if let Some(e) = self.entries.iter().find(|e| e.key == key).or_else(|| {
            self.entries
                .iter()
                .find(|e| e.key.eq_ignore_ascii_case(key))
        }) {
            return Lookup::Present(e);
        }
        if let Some(claim) = session_claim(key) {
            return Lookup::Missing(Missing::NoSessionClaim {
                claim: claim.to_string(),
            });
        }
        // `aws:CurrentTime`/`aws:EpochTime` are answered by `global`; every other global key depends on the
        // live request.
        if prefix("aws:") || prefix("sts:") {
            return Lookup::Unknowable(Unknowable::Request);
        }
        // A documented key of `sts:AssumeRoleWithWebIdentity`: the tags of the role being assumed.
        if prefix("iam:ResourceTag/") {
            return Lookup::Unknowable(Unknowable::RoleTag);
        }
        let Some((prefix, claim)) = key.rsplit_once(':') else {
            return Lookup::Missing(Missing::NotInRequest);
        };
        let Some(provider) = &self.provider else {
            return Lookup::Missing(Missing::NoProvider);
        };
        if prefix.eq_ignore_ascii_case(provider) {
            if claim.eq_ignore_ascii_case(CLOUD_ONLY_CLAIM) && !cloud_org_provider(provider) {
                return Lookup::Unknowable(Unknowable::CloudOnly);
            }
            let known = EXPOSED_CLAIMS.iter().any(|c| c.eq_ignore_ascii_case(claim));
            if known {
                return Lookup::Missing(Missing::ClaimAbsent {
                    claim: claim.to_string(),
                });
            }
            let in_token = claims.keys().any(|k| k.eq_ignore_ascii_case(claim));
            return Lookup::Missing(Missing::NotExposed {
                claim: claim.to_string(),
                in_token,
            });
        }
        if looks_like_provider(prefix) {
            return Lookup::Missing(Missing::OtherProvider {
                provider: prefix.to_string(),
                claim: claim.to_string(),
            });
        }
        Lookup::Missing(Missing::NotInRequest)
    }

    /// `aws:CurrentTime` / `aws:EpochTime` from the evaluation time.
    pub fn global(&self, key: &str) -> Option<CtxValue> {
        if key.eq_ignore_ascii_case("aws:CurrentTime") {
            Some(CtxValue::One(dates::format(self.now)))
        } else if key.eq_ignore_ascii_case("aws:EpochTime") {
            Some(CtxValue::One(self.now.to_string()))
        } else {
            None
        }
    }
}

/// The claim that carries session tags into `AssumeRoleWithWebIdentity` (it has no `Tags` parameter).
pub const TAGS_CLAIM: &str = "https://aws.amazon.com/tags";
/// The claim that carries the source identity (the call has no `SourceIdentity` parameter).
pub const SOURCE_IDENTITY_CLAIM: &str = "https://aws.amazon.com/source_identity";

/// The token claim a session key comes from, for the keys STS fills from the token alone.
fn session_claim(key: &str) -> Option<&'static str> {
    let lower = key.to_ascii_lowercase();
    if lower.starts_with("aws:requesttag/")
        || lower == "aws:tagkeys"
        || lower == "sts:transitivetagkeys"
    {
        Some(TAGS_CLAIM)
    } else if lower == "sts:sourceidentity" {
        Some(SOURCE_IDENTITY_CLAIM)
    } else {
        None
    }
}

/// `aws:RequestTag/<k>`, `aws:TagKeys`, `sts:TransitiveTagKeys` and `sts:SourceIdentity` from the token's
/// `https://aws.amazon.com/tags` (`principal_tags`, `transitive_tag_keys`) and `.../source_identity`
/// claims: a web identity request has no other source for them.
fn session_entries(claims: &Map<String, Value>, entries: &mut Vec<Entry>) {
    let strings = |v: &Value| -> Vec<String> {
        match v {
            Value::Array(items) => items
                .iter()
                .filter_map(|i| i.as_str().map(str::to_string))
                .collect(),
            Value::String(s) => vec![s.clone()],
            _ => Vec::new(),
        }
    };
    if let Some(tags) = claims.get(TAGS_CLAIM).and_then(Value::as_object) {
        if let Some(principal) = tags.get("principal_tags").and_then(Value::as_object) {
            for (k, v) in principal {
                let mut values = strings(v);
                let value = if values.len() == 1 {
                    CtxValue::One(values.remove(0))
                } else {
                    CtxValue::Many(values)
                };
                entries.push(Entry {
                    key: format!("aws:RequestTag/{k}"),
                    claim: TAGS_CLAIM.to_string(),
                    value,
                });
            }
            if !principal.is_empty() {
                entries.push(Entry {
                    key: "aws:TagKeys".into(),
                    claim: TAGS_CLAIM.to_string(),
                    value: CtxValue::Many(principal.keys().cloned().collect()),
                });
            }
        }
        if let Some(t) = tags.get("transitive_tag_keys") {
            entries.push(Entry {
                key: "sts:TransitiveTagKeys".into(),
                claim: TAGS_CLAIM.to_string(),
                value: CtxValue::Many(strings(t)),
            });
        }
    }
    if let Some(id) = claims.get(SOURCE_IDENTITY_CLAIM).and_then(Value::as_str) {
        entries.push(Entry {
            key: "sts:SourceIdentity".into(),
            claim: SOURCE_IDENTITY_CLAIM.to_string(),
            value: CtxValue::One(id.to_string()),
        });
    }
}

/// Whether a key prefix looks like an OIDC provider (a host, maybe with a path), not a service prefix.
pub fn looks_like_provider(prefix: &str) -> bool {
    prefix.contains('.') || prefix.contains('/')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims() -> Map<String, Value> {
        serde_json::from_str(
            r#"{"iss":"https://oidc.circleci.com/org/o1","aud":"o1","sub":"org/o1/project/p1/user/u1",
            "oidc.circleci.com/project-id":"p1","oidc.circleci.com/vcs-ref":"refs/heads/main","exp":10}"#,
        )
        .unwrap()
    }

    #[test]
    fn builds_exposed_keys_only() {
        let c = Context::from_claims(&claims(), 0);
        assert_eq!(c.provider.as_deref(), Some("oidc.circleci.com/org/o1"));
        let keys: Vec<&str> = c.entries.iter().map(|e| e.key.as_str()).collect();
        assert_eq!(
            keys,
            vec![
                "oidc.circleci.com/org/o1:aud",
                "oidc.circleci.com/org/o1:sub",
                "oidc.circleci.com/org/o1:oidc.circleci.com/project-id"
            ]
        );
    }

    #[test]
    fn lookup_is_case_insensitive_on_key_names() {
        let cl = claims();
        let c = Context::from_claims(&cl, 0);
        assert!(
            matches!(c.lookup("OIDC.circleci.com/ORG/o1:SUB", &cl), Lookup::Present(e) if e.claim == "sub")
        );
        assert_eq!(
            c.lookup("oidc.circleci.com/org/o1:oidc.circleci.com/vcs-ref", &cl),
            Lookup::Missing(Missing::NotExposed {
                claim: "oidc.circleci.com/vcs-ref".into(),
                in_token: true
            })
        );
        assert_eq!(
            c.lookup("oidc.circleci.com/org/o1:amr", &cl),
            Lookup::Missing(Missing::ClaimAbsent {
                claim: "amr".into()
            })
        );
        assert_eq!(
            c.lookup("oidc.circleci.com/org/o2:sub", &cl),
            Lookup::Missing(Missing::OtherProvider {
                provider: "oidc.circleci.com/org/o2".into(),
                claim: "sub".into()
            })
        );
        assert_eq!(
            c.lookup("aws:SourceIp", &cl),
            Lookup::Unknowable(Unknowable::Request)
        );
        assert_eq!(
            c.lookup("s3:prefix", &cl),
            Lookup::Missing(Missing::NotInRequest)
        );
        assert_eq!(c.global("aws:epochtime"), Some(CtxValue::One("0".into())));
    }

    #[test]
    fn provider_strips_scheme_only() {
        assert_eq!(
            provider_of("https://oidc.circleci.com/org/x/"),
            "oidc.circleci.com/org/x/"
        );
        assert_eq!(provider_of("HTTPS://a.b"), "a.b");
        assert_eq!(provider_of("http://h:8080/org/x"), "h:8080/org/x");
        assert_eq!(provider_of("é"), "é");
    }
}
