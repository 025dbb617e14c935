//! The single result type. Every surface (web view, CLI text, CLI JSON, share link) renders a [`Report`];
//! nothing else carries conclusions. Field names here are the CLI JSON contract of DESIGN.md: keep them stable.

use std::borrow::Cow;

use serde::Serialize;
use serde_json::Value;

use crate::circleci::{ClaimInfo, Sub};
use crate::policy::PolicyKind;
use crate::token::Decoded;

/// Whether the platform would accept the token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Allow,
    Deny,
}

/// The result of one check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Pass,
    Fail,
    /// The rule could not be evaluated (e.g. a CEL feature not supported); never guessed.
    Unknown,
}

impl Outcome {
    /// The `data-check-result` / JSON spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail => "fail",
            Outcome::Unknown => "unknown",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

/// What a finding is about, so the UI can place it next to the right input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Area {
    Token,
    Sub,
    Policy,
    Signature,
    Share,
    StsError,
}

/// A place in pasted text, 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Location {
    pub line: usize,
    pub column: usize,
}

/// Where each line of a text starts, to turn byte offsets into [`Location`]s (columns in characters) in
/// `O(log n)` each.
pub struct Lines<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> Lines<'t> {
    pub fn new(text: &'t str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Lines { text, starts }
    }

    pub fn location(&self, at: usize) -> Location {
        let line = self.starts.partition_point(|&s| s <= at).max(1);
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        let before = self.text.get(start..at).unwrap_or("");
        Location {
            line,
            column: before.chars().count() + 1,
        }
    }
}

/// A problem or observation, with a stable kebab-case `code` that scripts can rely on.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub severity: Severity,
    pub area: Area,
    /// Lowercase sentence; user input in backticks.
    pub message: String,
    /// How to fix it, when there is something to do.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

impl Finding {
    pub fn new(
        code: &'static str,
        severity: Severity,
        area: Area,
        message: impl Into<String>,
    ) -> Self {
        Finding {
            code,
            severity,
            area,
            message: message.into(),
            fix: None,
            location: None,
        }
    }

    pub fn with_fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = Some(fix.into());
        self
    }

    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }

    /// The finding at `location`, when it is known.
    pub fn located(mut self, location: Option<Location>) -> Self {
        self.location = location;
        self
    }
}

/// One evaluated condition / rule: expected vs actual, the outcome, why, and the fix.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    /// Which part of the configuration this came from, e.g. "statement 1 (`AllowCircleCI`)" or "bound_claims".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement: Option<String>,
    /// The condition key or rule name, e.g. `oidc.circleci.com/org/<id>:sub`, `principal`, `bound_audiences`.
    /// (Fixed names are borrowed, not allocated per check; serialized as a string either way.)
    pub key: Cow<'static, str>,
    /// The operator as written, e.g. `StringLike`, `ForAnyValue:StringEquals`, `equals`, `glob`.
    pub operator: Cow<'static, str>,
    /// The value(s) from the configuration (string or array as written).
    pub expected: Value,
    /// The token's value(s) as the platform sees them; `null` when the key is missing from its context.
    pub actual: Value,
    pub result: Outcome,
    /// Why it passed or failed, in one or two lowercase sentences.
    pub explanation: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

/// A configuration generated from the token, ready to copy.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Snippet {
    pub title: String,
    /// `json`, `hcl`, `shell`, `cel`.
    pub language: &'static str,
    pub text: String,
}

/// What was pasted as the policy and how it was read.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct PolicyInfo {
    /// `aws`, `gcp`, `vault`, `azure`, or `null` when no (recognisable) policy was given.
    pub kind: Option<PolicyKind>,
    /// What was detected, e.g. "IAM trust policy document", "`aws iam get-role` output".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detected: Option<String>,
    /// Which statement / credential / rule decided the verdict.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_by: Option<String>,
}

/// Result of checking the token's signature against pasted keys.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SignatureReport {
    /// `valid`, `invalid`, `no-matching-key`, `unsupported`, `absent`.
    pub status: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_id: Option<String>,
}

/// User input as a message quotes it: whole up to `max` characters, else its first `max` and `…`.
pub fn excerpt(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// Everything claimcheck concluded from one set of inputs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    /// The evaluation time (unix seconds) everything was judged at.
    pub at: i64,
    /// `allow`/`deny`, or `null` when no policy was given or it could not be decided.
    pub verdict: Option<Verdict>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<Decoded>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub: Option<Sub>,
    pub claims: Vec<ClaimInfo>,
    pub policy: PolicyInfo,
    pub checks: Vec<Check>,
    pub findings: Vec<Finding>,
    pub suggestions: Vec<Snippet>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature: Option<SignatureReport>,
    /// Some input given could not be used at all (no decodable claims, or a policy that does not parse):
    /// the CLI exits with status 2.
    pub unusable_input: bool,
}

impl Report {
    /// A report about nothing yet, evaluated at `at`: no verdict, no token, no policy.
    pub fn empty(at: i64) -> Report {
        Report {
            at,
            verdict: None,
            token: None,
            sub: None,
            claims: Vec::new(),
            policy: PolicyInfo::default(),
            checks: Vec::new(),
            findings: Vec::new(),
            suggestions: Vec::new(),
            signature: None,
            unusable_input: false,
        }
    }

    /// The one thing to do first when the verdict is not an allow, for the top of every surface: the fix of
    /// the first error finding about the token, its `sub`, the policy or the signature that has one (the
    /// diagnoses of known causes are errors), else the fix of the first failing check. Findings about a pasted
    /// STS error text or a share link are answered where they are shown. `None` on an allow, or when nothing
    /// has a fix.
    pub fn first_fix(&self) -> Option<&str> {
        if self.verdict == Some(Verdict::Allow) {
            return None;
        }
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .filter(|f| !matches!(f.area, Area::StsError | Area::Share))
            .find_map(|f| f.fix.as_deref())
            .or_else(|| {
                self.checks
                    .iter()
                    .filter(|c| c.result == Outcome::Fail)
                    .find_map(|c| c.fix.as_deref())
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(verdict: Option<Verdict>, findings: Vec<Finding>, checks: Vec<Check>) -> Report {
        Report {
            verdict,
            checks,
            findings,
            ..Report::empty(0)
        }
    }

    fn check(result: Outcome, fix: Option<&str>) -> Check {
        Check {
            statement: None,
            key: "aud".into(),
            operator: "StringEquals".into(),
            expected: Value::Null,
            actual: Value::Null,
            result,
            explanation: String::new(),
            fix: fix.map(str::to_string),
        }
    }

    #[test]
    fn first_fix_prefers_an_error_finding_then_a_failing_check() {
        let warning = Finding::new("w", Severity::Warning, Area::Policy, "m").with_fix("lint fix");
        let error = Finding::new("e", Severity::Error, Area::Policy, "m").with_fix("diagnosis fix");
        let sts =
            Finding::new("s", Severity::Error, Area::StsError, "m").with_fix("paste the policy");
        let checks = vec![
            check(Outcome::Pass, Some("pass fix")),
            check(Outcome::Fail, None),
            check(Outcome::Fail, Some("check fix")),
        ];
        let deny = report(
            Some(Verdict::Deny),
            vec![warning.clone(), error],
            checks.clone(),
        );
        assert_eq!(deny.first_fix(), Some("diagnosis fix"));
        let deny = report(
            Some(Verdict::Deny),
            vec![sts, warning.clone()],
            checks.clone(),
        );
        assert_eq!(deny.first_fix(), Some("check fix"));
        let undecided = report(None, vec![], checks.clone());
        assert_eq!(undecided.first_fix(), Some("check fix"));
        let allow = report(Some(Verdict::Allow), vec![warning], checks);
        assert_eq!(allow.first_fix(), None);
        let nothing = report(
            Some(Verdict::Deny),
            vec![],
            vec![check(Outcome::Fail, None)],
        );
        assert_eq!(nothing.first_fix(), None);
    }
}
