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
use crate::token::Decoded;

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
    let sub = claims
        .and_then(|c| c.get("sub"))
        .and_then(Value::as_str)
        .map(|s| parse_sub_with(s, claims));
    Inspection {
        claims: claims.map(|c| explain_claims(c, now)).unwrap_or_default(),
        header: decoded
            .header
            .as_ref()
            .map(explain_header)
            .unwrap_or_default(),
        findings: findings::check(decoded.header.as_ref(), claims, sub.as_ref(), now),
        sub,
    }
}
