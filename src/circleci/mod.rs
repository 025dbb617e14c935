//! CircleCI knowledge: the `sub` V1/V2 parser, the claim catalogue, consistency findings.

use serde::Serialize;
use serde_json::Value;

use crate::report::Finding;
use crate::token::Decoded;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SubVersion {
    V1,
    V2,
    Unrecognized,
}

/// A parsed `sub` claim.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sub {
    pub version: SubVersion,
    pub value: String,
}

/// One claim, explained.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClaimInfo {
    pub name: String,
    pub value: Value,
    pub explanation: String,
}

/// What CircleCI knowledge says about a decoded token.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Inspection {
    pub sub: Option<Sub>,
    pub claims: Vec<ClaimInfo>,
    pub findings: Vec<Finding>,
}

pub fn inspect(decoded: &Decoded, now: i64) -> Inspection {
    let _ = (decoded, now);
    Inspection::default()
}
