//! CircleCI knowledge: the `sub` V1/V2 parser ([`sub`]), the claim catalogue ([`catalogue`]), and
//! consistency findings ([`findings`], whose module doc lists every finding code).

pub mod catalogue;
pub mod findings;
pub mod sub;

use serde::Serialize;
use serde_json::Value;

pub use catalogue::{explain_claims, explain_header};
pub use sub::{parse_sub, parse_sub_with};

use crate::report::Finding;
use crate::token::{Decoded, Form};

/// What a share link puts in place of a redacted value (see `share`). The consistency checks take it as a
/// hidden value, not a malformed one: `org/<redacted>/...` is not "an org ID that is not a UUID".
pub const REDACTED: &str = "<redacted>";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SubVersion {
    V1,
    V2,
    Unrecognized,
}

impl SubVersion {
    /// The `data-sub-version` / JSON spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            SubVersion::V1 => "v1",
            SubVersion::V2 => "v2",
            SubVersion::Unrecognized => "unrecognized",
        }
    }
}

/// What a piece of the `sub` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SegmentKind {
    /// A fixed word such as `org/` or `/vcs-ref/`.
    Literal,
    Org,
    Project,
    User,
    VcsOrigin,
    VcsRef,
    /// Text the parser could not place.
    Unknown,
}

/// One highlighted piece of the `sub`; `start..end` are byte offsets into [`Sub::value`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubSegment {
    pub kind: SegmentKind,
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// A parsed `sub` claim.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sub {
    pub version: SubVersion,
    pub value: String,
    /// Covers the whole value, in order.
    pub segments: Vec<SubSegment>,
    /// The variable that carries this format, e.g. "$CIRCLE_OIDC_TOKEN_V2".
    pub variable: Option<String>,
    /// A sentence on what the format means (e.g. V2 without vcs part: custom webhook pipeline).
    pub note: Option<String>,
    /// The `sub` the other variable would carry for the same job, when the claims allow it.
    pub other_form: Option<String>,
}

/// A time claim, shown three ways.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TimeInfo {
    pub unix: i64,
    /// e.g. "2026-11-26 00:22:37 UTC"
    pub utc: String,
    /// e.g. "expires in 12 min", "expired 2 h ago", "issued 3 min ago"
    pub relative: String,
    /// On `exp`: the lifetime `exp - iat`, e.g. "1 h".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lifetime: Option<String>,
}

/// One claim (or header field), explained.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClaimInfo {
    pub name: String,
    pub value: Value,
    /// One line; empty for claims nobody documents (they are still listed).
    pub explanation: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<TimeInfo>,
}

/// What CircleCI knowledge says about a decoded token.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Inspection {
    pub sub: Option<Sub>,
    pub claims: Vec<ClaimInfo>,
    /// The header fields, explained.
    pub header: Vec<ClaimInfo>,
    pub findings: Vec<Finding>,
}

/// Parse the `sub`, explain every claim and header field, and check the token's consistency at `now`.
pub fn inspect(decoded: &Decoded, now: i64) -> Inspection {
    let claims = decoded.claims.as_ref();
    // The claims before the cut of a payload copied short are shown (and its `sub`), but not checked: what is
    // missing was cut off, not left out by CircleCI.
    let shown = claims.or(decoded.cut_claims.as_ref());
    let sub = shown
        .and_then(|c| c.get("sub"))
        .and_then(Value::as_str)
        .map(|s| parse_sub_with(s, shown));
    Inspection {
        claims: shown.map(|c| explain_claims(c, now)).unwrap_or_default(),
        header: decoded
            .header
            .as_ref()
            .map(explain_header)
            .unwrap_or_default(),
        // A JWE header describes encryption, not CircleCI's signature: its `alg` is not checked.
        findings: findings::check(
            decoded
                .header
                .as_ref()
                .filter(|_| decoded.form != Form::Jwe),
            claims,
            sub.as_ref(),
            now,
        ),
        // Claims without a string `sub` still get a `sub` view (and `sub.version`), saying what is wrong.
        sub: sub.or_else(|| claims.map(|c| Sub::not_a_string(c.get("sub")))),
    }
}

impl Sub {
    /// The view of a `sub` that is absent or not a string: unrecognized, with a note saying which.
    pub fn not_a_string(value: Option<&Value>) -> Sub {
        let note = match value {
            None => "the token has no `sub` claim; CircleCI always sets one, and every platform matches on it".to_string(),
            Some(v) => {
                let kind = match v {
                    Value::Null => "`null`",
                    Value::Bool(_) => "boolean",
                    Value::Number(_) => "number",
                    Value::Array(_) => "list",
                    Value::Object(_) => "object",
                    Value::String(_) => "string",
                };
                format!("the `sub` claim is a JSON {kind}, not a string; CircleCI sets a string, and the platforms compare it as text")
            }
        };
        Sub {
            version: SubVersion::Unrecognized,
            value: value.map(Value::to_string).unwrap_or_default(),
            segments: Vec::new(),
            variable: None,
            note: Some(note),
            other_form: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::decode;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;

    fn b64(s: &str) -> String {
        URL_SAFE_NO_PAD.encode(s)
    }

    #[test]
    fn inspects_sub_claims_header_and_findings() {
        let org = "1f0c8e9a-2b3d-4c5e-8f70-112233445566";
        let claims = format!(
            r#"{{"iss":"https://oidc.circleci.com/org/{org}","sub":"org/{org}/project/3e9d6a41-7b2c-4f18-9d0e-aabbccddeeff/user/5c2b9f30-1a4e-4d6b-8c7f-001122334455","aud":"{org}","iat":100,"exp":3700}}"#
        );
        let d = decode(&format!(
            "{}.{}.c2ln",
            b64(r#"{"alg":"RS256","kid":"k"}"#),
            b64(&claims)
        ));
        let i = inspect(&d, 200);
        let sub = i.sub.unwrap();
        assert_eq!(sub.version, SubVersion::V1);
        // No vcs claims: ambiguous between V1 and a custom-webhook V2, and the other form is the same.
        assert!(sub.note.unwrap().contains("custom webhook"));
        assert_eq!(sub.other_form.as_deref(), Some(sub.value.as_str()));
        assert_eq!(i.claims.len(), 5);
        assert_eq!(
            i.claims[4].time.as_ref().unwrap().relative,
            "expires in 58 min"
        );
        assert_eq!(i.header[0].name, "alg");
        let codes: Vec<&str> = i.findings.iter().map(|f| f.code).collect();
        assert!(codes.contains(&"sub-version-ambiguous"), "{codes:?}");
        assert!(codes.contains(&"claim-missing"), "{codes:?}");
    }

    #[test]
    fn jwe_header_is_not_checked_as_a_signature_header() {
        let d = decode(&format!(
            "{}.a.b.c.d",
            b64(r#"{"alg":"RSA-OAEP","enc":"A128GCM"}"#)
        ));
        let i = inspect(&d, 0);
        assert!(i.findings.is_empty(), "{:?}", i.findings);
        assert_eq!(i.header.len(), 2);
        assert!(i.sub.is_none());
    }

    #[test]
    fn claims_without_a_string_sub_still_have_an_unrecognized_sub_view() {
        for (claims, note) in [
            (r#"{"aud":"a"}"#, "the token has no `sub` claim"),
            (
                r#"{"sub":12}"#,
                "the `sub` claim is a JSON number, not a string",
            ),
            (
                r#"{"sub":["a"]}"#,
                "the `sub` claim is a JSON list, not a string",
            ),
        ] {
            let i = inspect(
                &decode(&format!("{}.{}.", b64(r#"{"alg":"RS256"}"#), b64(claims))),
                0,
            );
            let sub = i.sub.expect(claims);
            assert_eq!(sub.version, SubVersion::Unrecognized);
            assert_eq!(sub.version.as_str(), "unrecognized");
            assert!(
                sub.note.as_deref().unwrap().starts_with(note),
                "{:?}",
                sub.note
            );
            assert!(sub.segments.is_empty());
        }
    }

    #[test]
    fn nothing_to_inspect_without_claims() {
        let i = inspect(&decode(""), 0);
        assert_eq!(i, Inspection::default());
    }
}
