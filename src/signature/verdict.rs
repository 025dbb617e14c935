//! What a checked signature means for the verdict, the same for the CLI (`--jwks`) and the page's keys panel.

use crate::report::{Area, Finding, Report, Severity, SignatureReport, Verdict};

/// The finding code of a signature that does not verify.
pub const SIGNATURE_INVALID: &str = "signature-invalid";

/// Record the signature check in `report`. A signature that does not verify is a deny whatever the trust
/// configuration says: every platform verifies the signature before it reads it. Other statuses
/// (`no-matching-key`, `unsupported`, `absent`) say nothing about the token, so the verdict stands. Without a
/// trust configuration too the verdict is deny: no platform accepts the token.
pub fn apply(report: &mut Report, signature: SignatureReport) {
    if signature.status == "invalid" {
        let key = signature
            .key_id
            .as_ref()
            .map_or("the given keys".to_string(), |k| format!("key `{k}`"));
        let fetch = report
            .token
            .as_ref()
            .and_then(|t| t.claims.as_ref())
            .and_then(super::fetch_command)
            .map_or("curl -s <iss>/.well-known/jwks-pub.json".to_string(), |s| {
                s.text
            });
        let finding = Finding::new(
            SIGNATURE_INVALID,
            Severity::Error,
            Area::Signature,
            format!(
                "the signature does not verify with {key}: every platform rejects this token, whatever the policy says (AWS STS answers `InvalidIdentityToken`)"
            ),
        )
        .with_fix(format!(
            "check that the keys are the issuer's (`{fetch}`) and that the token was copied whole"
        ));
        // First, so that it is the fix shown first: nothing else matters until the token is genuine.
        report.findings.insert(0, finding);
        report.verdict = Some(Verdict::Deny);
        report.policy.decided_by = Some(format!(
            "the signature: it does not verify with {key}, and every platform rejects the token before it reads a trust configuration"
        ));
    }
    report.signature = Some(signature);
}
