//! The pipeline: inputs in, one [`Report`] out. Time is an input, never read here.

use crate::report::{Area, Finding, Report, Severity};
use crate::{circleci, policy, token};

/// Everything the user gave. Empty strings mean "not given".
#[derive(Debug, Clone, Copy, Default)]
pub struct Input<'a> {
    /// The pasted token (any of the forms [`token::decode`] accepts).
    pub token: &'a str,
    /// The pasted trust configuration (kind detected automatically).
    pub policy: &'a str,
    /// The error text the failing job printed (STS, GCP, Vault, Azure), explained when recognised.
    pub error_text: &'a str,
    /// Evaluation time, unix seconds.
    pub now: i64,
    /// The token comes from a share link that removed its signature: an empty signature segment is then
    /// expected, and reported as `token-signature-removed` (info) instead of `token-unsigned`.
    pub signature_removed: bool,
}

/// Decode, understand, evaluate, explain. Never panics; collects every problem.
pub fn analyze(input: &Input<'_>) -> Report {
    let mut report = Report::empty(input.now);

    if !input.token.trim().is_empty() {
        let decoded = token::decode(input.token);
        report.findings.extend(decoded.findings().into_iter().map(|f| {
            if input.signature_removed && f.code == "token-unsigned" {
                Finding::new(
                    "token-signature-removed",
                    Severity::Info,
                    Area::Token,
                    "the share link removed the token's signature, so the token cannot be replayed; the sharer's token was signed",
                )
            } else {
                f
            }
        }));
        if decoded.claims.is_none() {
            report.unusable_input = true;
        }
        let inspection = circleci::inspect(&decoded, input.now);
        report.sub = inspection.sub;
        report.claims = inspection.claims;
        report.findings.extend(inspection.findings);
        report.token = Some(decoded);
    }

    let claims = report.token.as_ref().and_then(|t| t.claims.as_ref());
    if !input.policy.trim().is_empty() {
        let evaluation = policy::evaluate(input.policy, claims, input.now);
        report.verdict = evaluation.verdict;
        report.policy = evaluation.info;
        report.checks = evaluation.checks;
        // A fact about the token is stated once: the platform's own finding with the same code (an expired
        // token, say) repeats what the token's findings already say; the platform's check row keeps its words.
        let token_stage = report.findings.len();
        for finding in evaluation.findings {
            let repeated = finding.area == Area::Token
                && report.findings[..token_stage]
                    .iter()
                    .any(|f| f.code == finding.code);
            if !repeated {
                report.findings.push(finding);
            }
        }
        report.unusable_input |= evaluation.unusable;
    }
    if let Some(claims) = claims {
        report.suggestions = policy::suggest(report.policy.kind, claims);
    }
    if !input.error_text.trim().is_empty() {
        report
            .findings
            .extend(policy::explain_error_text(input.error_text, claims));
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::example;

    #[test]
    fn a_signature_removed_by_a_share_link_is_not_a_copying_mistake() {
        let ex = example("v1-allow").unwrap();
        let parts: Vec<&str> = ex.token.trim().split('.').collect();
        let unsigned = format!("{}.{}.", parts[0], parts[1]);
        let findings = |signature_removed| {
            let report = analyze(&Input {
                token: &unsigned,
                now: ex.at,
                signature_removed,
                ..Input::default()
            });
            report
                .findings
                .into_iter()
                .map(|f| (f.code, f.severity, f.fix.is_some()))
                .collect::<Vec<_>>()
        };
        assert!(findings(false).contains(&("token-unsigned", Severity::Warning, true)));
        let from_link = findings(true);
        assert!(from_link.contains(&("token-signature-removed", Severity::Info, false)));
        assert!(!from_link.iter().any(|f| f.0 == "token-unsigned"));
    }

    #[test]
    fn an_expired_token_is_reported_once() {
        let ex = example("expired").unwrap();
        let report = analyze(&Input {
            token: ex.token,
            policy: ex.policy,
            error_text: "",
            now: ex.at,
            ..Input::default()
        });
        let expired: Vec<_> = report
            .findings
            .iter()
            .filter(|f| f.code == "token-expired")
            .collect();
        assert_eq!(expired.len(), 1, "{:?}", report.findings);
        assert!(expired[0]
            .message
            .starts_with("the token expired at `2026-11-20 11:20:00 UTC`, 2 h before"));
        // The STS row still says why the policy never mattered.
        let exp = report.checks.iter().find(|c| c.key == "exp").unwrap();
        assert!(exp
            .explanation
            .contains("STS answers `ExpiredTokenException` before reading the policy"));
    }
}
