//! The pipeline: inputs in, one [`Report`] out. Time is an input, never read here.

use crate::report::{Area, Finding, Outcome, Report, Severity, Verdict};
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
        let mut decoded = token::decode(input.token);
        let swapped = swapped_policy(&mut decoded);
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
        report.findings.extend(swapped);
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
        let alg = report
            .token
            .as_ref()
            .and_then(|t| t.header.as_ref())
            .and_then(|h| h.get("alg"))
            .and_then(serde_json::Value::as_str);
        let evaluation = policy::evaluate_for(input.policy, claims, alg, input.now);
        report.verdict = evaluation.verdict;
        report.policy = evaluation.info;
        report.checks = evaluation.checks;
        // A fact about the token is stated once: the platform's own finding with the same code (an expired
        // token, say) repeats what the token's findings already say; the platform's check row keeps its words.
        let token_stage = report.findings.len();
        let token_unreadable = report.token.is_some() && claims.is_none();
        for mut finding in evaluation.findings {
            // A token was pasted, but its claims could not be read: the token's findings say why.
            if finding.code == "aws-no-token" && token_unreadable {
                finding.message =
                    "the token's claims could not be read (the token's findings say why): the policy was checked on its own, without a verdict"
                        .into();
                finding.fix = Some(
                    "paste the whole token: `echo $CIRCLE_OIDC_TOKEN_V2` in the job prints it"
                        .into(),
                );
            }
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
    if report.policy.kind.is_some() {
        refuse_unverifiable(&mut report);
        if report.verdict.is_none() && report.policy.decided_by.is_none() {
            report.policy.decided_by = undecided_reason(&report);
        }
    }
    let claims = report.token.as_ref().and_then(|t| t.claims.as_ref());
    if let Some(claims) = claims {
        report.suggestions = policy::suggest(report.policy.kind, claims);
    }
    if !input.error_text.trim().is_empty() {
        // Terminal colours from a CI log (`\x1b[31m`) are not part of the message.
        let error_text = strip_ansi(input.error_text);
        let explained = policy::explain_error_text(&error_text, claims);
        report.findings.extend(cross_check(&report, &explained));
        let no_token = circleci_no_token(&error_text);
        let recognized = no_token.is_some();
        report.findings.extend(no_token);
        if explained.is_empty() && !recognized {
            report.findings.push(
                Finding::new(
                    "error-text-not-recognized",
                    Severity::Info,
                    Area::StsError,
                    "the error text holds no message claimcheck recognizes (STS, Google STS, Vault or Entra ID), so it is not explained",
                )
                .with_fix("paste the lines the failing step printed about the token exchange, e.g. `An error occurred (AccessDenied) when calling the AssumeRoleWithWebIdentity operation: ...`"),
            );
        }
        report
            .findings
            .extend(explained.into_iter().map(|(_, f)| f));
    }
    report
}

/// The failing step found no token at all: CircleCI's orbs (aws-cli, and others built on it) print
/// `OIDC Token cannot be found. A CircleCI context must be specified.` when `$CIRCLE_OIDC_TOKEN_V2` is empty;
/// others `Error: CIRCLE_OIDC_TOKEN is not set.`
/// Nothing reached the cloud, so no trust configuration was checked.
fn circleci_no_token(error_text: &str) -> Option<Finding> {
    let found = error_text.contains("OIDC Token cannot be found")
        || error_text.contains("CIRCLE_OIDC_TOKEN is not set")
        || error_text.contains("CIRCLE_OIDC_TOKEN_V2 is not set");
    found.then(|| {
        Finding::new(
            "circleci-no-oidc-token",
            Severity::Error,
            Area::StsError,
            "the failing step found no OIDC token (a CircleCI orb's check): $CIRCLE_OIDC_TOKEN_V2 or \
             $CIRCLE_OIDC_TOKEN was empty in that job, so the cloud never saw a token and no trust configuration \
             was checked",
        )
        .with_fix(
            "builds of forked pull requests get no token unless Project Settings > Advanced > \"Pass secrets to \
             builds from forked pull requests\" is on; the orb's message asks for a context, which CircleCI's older \
             docs required (`context: [my-context]` under the job in `workflows`; current docs set the tokens in \
             every job); CircleCI server needs 4.4 or later, not air-gapped",
        )
    })
}

/// Whether what the error `code` reports is something the pasted configuration decides. Not the account's OIDC
/// providers and their audiences, the issuer's keys, which provider a job's credential file names, whether a
/// Vault role exists, nor (without the auth config) Vault's issuer check: a configuration that accepts the
/// token does not contradict those.
fn decided_by_the_configuration(report: &Report, code: &str) -> bool {
    let vault_config = !report
        .findings
        .iter()
        .any(|f| f.code == "vault-config-not-given");
    match code {
        "sts-no-oidc-provider"
        | "sts-incorrect-audience"
        | "sts-verification-key"
        | "gcp-error-invalid-target"
        | "vault-error-signature"
        | "vault-error-role-not-found"
        // Entra could not fetch the issuer's keys, has no such app, or found the signature invalid: no
        // credential was compared.
        | "azure-error-aadsts50166"
        | "azure-error-aadsts700016"
        | "azure-error-aadsts700027"
        // No tenant of that ID: no application, no credential was looked at.
        | "azure-error-aadsts90002"
        // The login never reached a role (no mount, or no role named), or it passed and a later step was
        // refused (Vault's ACL, GCP's service account binding): nothing the configuration decides.
        | "vault-error-login-permission-denied"
        | "vault-error-permission-denied"
        | "vault-error-missing-role"
        | "gcp-error-impersonation-denied" => false,
        "vault-error-issuer" | "vault-error-discovery-issuer" => vault_config,
        _ => true,
    }
}

/// `text` without ANSI escape sequences (`ESC [ ... letter`, and a lone `ESC`), as the token decoder reads them.
fn strip_ansi(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains('\u{1b}') {
        token::strip_ansi(text).into()
    } else {
        text.into()
    }
}

/// What the error text says against the rest of the report: an error from another platform than the pasted
/// configuration's, or a refusal where the pasted configuration accepts the token.
fn cross_check(report: &Report, explained: &[(policy::PolicyKind, Finding)]) -> Vec<Finding> {
    let mut out = Vec::new();
    let platforms: Vec<policy::PolicyKind> = explained.iter().map(|(kind, _)| *kind).collect();
    let Some(kind) = report.policy.kind else {
        return out;
    };
    if !platforms.is_empty() && !platforms.contains(&kind) {
        out.push(
            Finding::new(
                "error-text-other-platform",
                Severity::Warning,
                Area::StsError,
                format!(
                    "the error text comes from {}, but the pasted configuration is {}: they are not about the same login",
                    kind_name(platforms[0]),
                    kind_name(kind)
                ),
            )
            .with_fix("paste the configuration of the platform that printed the error"),
        );
    } else if report.verdict == Some(Verdict::Allow)
        && explained.iter().any(|(k, f)| {
            *k == kind
                && f.severity == Severity::Error
                && decided_by_the_configuration(report, f.code)
        })
    {
        out.push(
            Finding::new(
                "error-text-contradicts-verdict",
                Severity::Warning,
                Area::StsError,
                "the pasted configuration accepts this token, yet the error text says the login was refused: the job \
                 sent another token (or it had expired by then), used another role or provider, or what is deployed \
                 differs from what was pasted",
            )
            .with_fix("paste the token the failing job printed and the configuration the job really uses (the role ARN or provider audience in its settings), read back from the cloud"),
        );
    }
    out
}

/// A trust configuration pasted into the Token box (JSON read as claims, with no `iss` or `sub`) is no token:
/// its "claims" are dropped, so no verdict is made from them, and the finding says where it belongs.
fn swapped_policy(decoded: &mut token::Decoded) -> Option<Finding> {
    let claims = decoded
        .claims
        .take_if(|c| decoded.json_pasted && !c.contains_key("iss") && !c.contains_key("sub"))?;
    let doc = serde_json::Value::Object(claims);
    let Some(what) = policy::recognize(&doc) else {
        if let serde_json::Value::Object(claims) = doc {
            decoded.claims = Some(claims);
        }
        return None;
    };
    Some(
        Finding::new(
            "token-is-a-policy",
            Severity::Error,
            Area::Token,
            format!("the token input holds a trust configuration ({what}), not a token"),
        )
        .with_fix("give it as the policy (the Policy box, or `--policy`), and the job's token ($CIRCLE_OIDC_TOKEN_V2) as the token"),
    )
}

fn kind_name(kind: policy::PolicyKind) -> &'static str {
    match kind {
        policy::PolicyKind::Aws => "AWS",
        policy::PolicyKind::Gcp => "Google Cloud",
        policy::PolicyKind::Vault => "Vault",
        policy::PolicyKind::Azure => "Azure (entra)",
    }
}

/// Why an evaluated policy has no verdict, when the platform module did not say: the first check it could
/// not evaluate.
fn undecided_reason(r: &Report) -> Option<String> {
    let claims = r.token.as_ref().and_then(|t| t.claims.as_ref());
    if r.policy.kind.is_none() || claims.is_none() || r.unusable_input {
        return None;
    }
    let mut unknown = r.checks.iter().filter(|c| c.result == Outcome::Unknown);
    let Some(first) = unknown.next() else {
        return Some(
            "undecided: claimcheck cannot evaluate this configuration offline".to_string(),
        );
    };
    let place = first
        .statement
        .as_ref()
        .map(|s| format!("{s} "))
        .unwrap_or_default();
    let more = match unknown.count() {
        0 => String::new(),
        n => format!(" (and {n} more check(s) not evaluated)"),
    };
    Some(format!(
        "undecided: {place}`{}`: {}{more}",
        first.key, first.explanation
    ))
}

/// A token that no platform can verify is refused before any trust configuration is read, so the verdict is
/// deny whatever the policy says: unsigned (`alg` `none` or absent), signed with a shared secret (`HS256`:
/// platforms verify with the issuer's public keys), a header that does not decode, or a number of segments no
/// signed token has. Claims pasted as JSON, and a header and payload alone (a partial paste, or a share link's
/// token), are read for what they say instead.
fn refuse_unverifiable(report: &mut Report) {
    if report.verdict == Some(Verdict::Deny) {
        return;
    }
    let has = |code: &str| report.findings.iter().any(|f| f.code == code);
    let Some(token) = report
        .token
        .as_ref()
        .filter(|t| t.claims.is_some() && !t.json_pasted)
    else {
        return;
    };
    let alg = token
        .header
        .as_ref()
        .and_then(|h| h.get("alg"))
        .and_then(serde_json::Value::as_str);
    let why = if has("token-alg-none") {
        "its `alg` is `none`, and every platform refuses an unsigned token".to_string()
    } else if has("token-alg-missing") {
        "its header has no `alg`, and every platform refuses an unsigned token".to_string()
    } else if let Some(alg) =
        alg.filter(|a| a.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("HS")))
    {
        format!("its `alg` is `{alg}`, a shared-secret (HMAC) signature, and platforms verify OIDC tokens only with the issuer's public keys")
    } else if token.header.is_none() && token.segment_count >= 2 {
        "its header does not decode, and platforms cannot verify a token without one".to_string()
    } else if token.segment_count == 4 || token.segment_count > 5 {
        format!(
            "it has {} dot-separated segments, and a signed token has three",
            token.segment_count
        )
    } else {
        return;
    };
    report.verdict = Some(Verdict::Deny);
    report.policy.decided_by = Some(format!(
        "the token itself: {why}, before the trust configuration is read"
    ));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::example;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;

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

    /// A token that was pasted but cannot be read is not "no token given": the policy's note says the token's
    /// findings explain it; with the Token box empty, it still says no token was given.
    #[test]
    fn an_unreadable_token_is_not_a_missing_one() {
        let ex = example("v1-allow").unwrap();
        let note = |token: &str| {
            let r = analyze(&Input {
                token,
                policy: ex.policy,
                now: ex.at,
                ..Input::default()
            });
            assert_eq!(r.verdict, None);
            let f = r
                .findings
                .iter()
                .find(|f| f.code == "aws-no-token")
                .unwrap();
            (r.findings[0].code, f.message.clone())
        };
        let (first, message) = note("not a token at all");
        assert_eq!(first, "token-not-a-jwt");
        assert_eq!(message, "the token's claims could not be read (the token's findings say why): the policy was checked on its own, without a verdict");
        let (_, message) = note("");
        assert_eq!(
            message,
            "no token given: the policy was checked on its own, without a verdict"
        );
    }

    /// A token no platform can verify is a deny whatever the policy says; a share link's unsigned token and
    /// pasted claims are not.
    #[test]
    fn a_token_no_platform_can_verify_is_denied_before_the_policy() {
        use base64::Engine as _;
        let ex = example("v1-allow").unwrap();
        let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        let parts: Vec<&str> = ex.token.trim().split('.').collect();
        let (header, payload, signature) = (parts[0], parts[1], parts[2]);
        let run = |token: &str, signature_removed: bool| {
            let r = analyze(&Input {
                token,
                policy: ex.policy,
                now: ex.at,
                signature_removed,
                ..Input::default()
            });
            (r.verdict, r.policy.decided_by.unwrap_or_default())
        };
        assert_eq!(run(ex.token, false).0, Some(Verdict::Allow));
        for (token, why) in [
            (
                format!("{}.{payload}.{signature}", b64(r#"{"alg":"HS256","typ":"JWT"}"#)),
                "the token itself: its `alg` is `HS256`, a shared-secret (HMAC) signature",
            ),
            (
                format!("{}.{payload}.{signature}", b64(r#"{"alg":"none"}"#)),
                "the token itself: its `alg` is `none`, and every platform refuses an unsigned token",
            ),
            (
                format!("{}.{payload}.{signature}", b64("not json")),
                "the token itself: its header does not decode",
            ),
            (
                format!("{header}.{payload}.{signature}.{signature}"),
                "the token itself: it has 4 dot-separated segments, and a signed token has three",
            ),
        ] {
            let (verdict, decided_by) = run(&token, false);
            assert_eq!(verdict, Some(Verdict::Deny), "{why}");
            assert!(decided_by.starts_with(why), "{decided_by}");
        }
        // A share link removed the signature; claims pasted as JSON: read for what they say.
        assert_eq!(
            run(&format!("{header}.{payload}."), true).0,
            Some(Verdict::Allow)
        );
        let claims = String::from_utf8(
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(payload)
                .unwrap(),
        )
        .unwrap();
        assert_eq!(run(&claims, false).0, Some(Verdict::Allow));
    }

    /// The two inputs swapped: each says where it belongs, and no verdict is made from a policy read as claims.
    #[test]
    fn a_policy_in_the_token_input_and_a_token_in_the_policy_input_are_named() {
        let ex = example("v1-allow").unwrap();
        let report = analyze(&Input {
            token: ex.policy,
            policy: ex.policy,
            now: ex.at,
            ..Input::default()
        });
        assert_eq!(report.verdict, None);
        assert!(report.unusable_input);
        let f = report
            .findings
            .iter()
            .find(|f| f.code == "token-is-a-policy")
            .unwrap();
        assert_eq!(
            f.message,
            "the token input holds a trust configuration (IAM trust policy document), not a token"
        );
        let report = analyze(&Input {
            token: ex.token,
            policy: ex.token,
            now: ex.at,
            ..Input::default()
        });
        assert_eq!(report.verdict, None);
        let codes: Vec<_> = report.findings.iter().map(|f| f.code).collect();
        assert!(codes.contains(&"policy-is-a-token"), "{codes:?}");
        // The failing step's error message (a line, or Google STS's JSON body) where the policy belongs.
        for error in [
            "An error occurred (AccessDenied) when calling the AssumeRoleWithWebIdentity operation: Not authorized to perform sts:AssumeRoleWithWebIdentity",
            r#"{"error":"invalid_grant","error_description":"The given credential is rejected by the attribute condition."}"#,
        ] {
            let report = analyze(&Input {
                token: ex.token,
                policy: error,
                now: ex.at,
                ..Input::default()
            });
            assert_eq!(report.verdict, None);
            let f = report.findings.iter().find(|f| f.code == "policy-is-error-text");
            assert_eq!(
                f.map(|f| (f.message.as_str(), f.fix.as_deref())),
                Some((
                    "the policy input holds the error message of the failing step, not a trust configuration",
                    Some("paste it in the \"Error text from the job\" box (`--error-text`), and the role's trust configuration as the policy")
                )),
                "{error}"
            );
        }
        // The role's ARN, and the issuer's key set, where the policy belongs.
        for (policy, code, fix) in [
            (
                "arn:aws:iam::123456789012:role/ci/deploy-role\n",
                "policy-is-role-arn",
                "paste the output of `aws iam get-role --role-name deploy-role` (it holds the trust policy)",
            ),
            (
                "[]\n",
                "policy-empty-list",
                "if it is `az ad app federated-credential list`, the app has no federated credential, which Entra answers with `AADSTS70021`: create one for this token (the suggested configurations below); otherwise paste what the right command prints for the role, provider or credential",
            ),
            (
                r#"{"keys": [{"kty": "RSA", "kid": "k1", "n": "AQAB", "e": "AQAB"}]}"#,
                "policy-is-a-key-set",
                "paste them in the \"Keys\" box (`--jwks`) to check the token's signature, and the role's trust configuration as the policy",
            ),
        ] {
            let report = analyze(&Input {
                token: ex.token,
                policy,
                now: ex.at,
                ..Input::default()
            });
            assert_eq!(report.verdict, None);
            let f = report.findings.iter().find(|f| f.code == code);
            assert_eq!(f.and_then(|f| f.fix.as_deref()), Some(fix), "{policy}");
        }
        // A template that quotes the error it fixes is still a template: the error is looked for only in text
        // nothing reads as a configuration.
        let ex = example("v1-allow").unwrap();
        let iss = crate::token::decode(ex.token).claims.unwrap()["iss"]
            .as_str()
            .unwrap()
            .to_string();
        let provider = iss.trim_start_matches("https://");
        let yaml = format!(
            "# fixes: An error occurred (AccessDenied) when calling the AssumeRoleWithWebIdentity operation: Not authorized to perform sts:AssumeRoleWithWebIdentity\n\
             Version: '2012-10-17'\n\
             Statement:\n\
             - Effect: Allow\n  Principal:\n    Federated: arn:aws:iam::123456789012:oidc-provider/{provider}\n  Action: sts:AssumeRoleWithWebIdentity\n"
        );
        let report = analyze(&Input {
            token: ex.token,
            policy: &yaml,
            now: ex.at,
            ..Input::default()
        });
        assert_eq!(
            report.policy.kind,
            Some(crate::policy::PolicyKind::Aws),
            "{yaml}"
        );
        assert_eq!(report.verdict, Some(Verdict::Allow));
        // Claims pasted as JSON are still claims.
        let report = analyze(&Input {
            token: r#"{"iss": "https://oidc.circleci.com/org/o", "sub": "org/o/project/p/user/u", "Version": "x"}"#,
            now: ex.at,
            ..Input::default()
        });
        assert!(report.token.unwrap().claims.is_some());
    }

    #[test]
    fn error_text_colours_are_dropped_and_unknown_text_is_said_so() {
        assert_eq!(
            strip_ansi("\u{1b}[31mAADSTS70021\u{1b}[0m: \u{1b}[1;33msub\u{1b}[m x\u{1b}"),
            "AADSTS70021: sub x"
        );
        let ex = example("v1-allow").unwrap();
        let codes = |error_text: &str| -> Vec<&'static str> {
            analyze(&Input {
                token: ex.token,
                error_text,
                now: ex.at,
                ..Input::default()
            })
            .findings
            .into_iter()
            .filter(|f| f.area == Area::StsError)
            .map(|f| f.code)
            .collect()
        };
        assert_eq!(codes("something went wrong"), ["error-text-not-recognized"]);
        // CircleCI's aws-cli orb when the job has no token: explained, not 'not recognized'.
        assert_eq!(
            codes("#!/bin/bash -eo pipefail\nOIDC Token cannot be found. A CircleCI context must be specified.\n\nExited with code exit status 1\n"),
            ["circleci-no-oidc-token"]
        );
        assert_eq!(
            codes("Error: CIRCLE_OIDC_TOKEN is not set."),
            ["circleci-no-oidc-token"]
        );
        let colored = "\u{1b}[31mAn error occurred (ExpiredTokenException) when calling the AssumeRoleWithWebIdentity operation: Token expired: current date/time 1 must be before the expiration date/time 0\u{1b}[0m";
        assert!(
            !codes(colored).contains(&"error-text-not-recognized"),
            "{:?}",
            codes(colored)
        );
    }

    /// Vault checks the token header's `alg` against the auth config's `jwt_supported_algs`.
    #[test]
    fn vault_reads_the_algorithm_from_the_token_header() {
        let ex = example("vault-bound-claim-branch").unwrap();
        let token = crate::token::decode(ex.token);
        let claims = token.claims.unwrap();
        let role = serde_json::json!({
            "config": {"bound_issuer": claims["iss"], "jwt_supported_algs": ["ES256"]},
            "role": {"role_type": "jwt", "user_claim": "sub", "bound_audiences": [claims["aud"]]},
        })
        .to_string();
        let verdict = |alg: &str| {
            let mut header = token.header.clone().unwrap();
            header.insert("alg".into(), alg.into());
            let jwt = ex.token.split_once('.').unwrap().1;
            let header = serde_json::to_vec(&header).unwrap();
            let jwt = format!("{}.{jwt}", URL_SAFE_NO_PAD.encode(header));
            let report = analyze(&Input {
                token: &jwt,
                policy: &role,
                now: ex.at,
                ..Input::default()
            });
            let row = report
                .checks
                .iter()
                .find(|c| c.key == "jwt_supported_algs")
                .map(|c| c.result);
            (report.verdict, row)
        };
        assert_eq!(verdict("RS256"), (Some(Verdict::Deny), Some(Outcome::Fail)));
        assert_eq!(
            verdict("ES256"),
            (Some(Verdict::Allow), Some(Outcome::Pass))
        );
    }

    /// The error text is checked against the rest: a refusal where the policy allows, another platform's error.
    #[test]
    fn the_error_text_is_cross_checked_with_the_verdict_and_the_platform() {
        let ex = example("v1-allow").unwrap();
        let codes = |error_text: &str| -> Vec<&'static str> {
            analyze(&Input {
                token: ex.token,
                policy: ex.policy,
                error_text,
                now: ex.at,
                ..Input::default()
            })
            .findings
            .into_iter()
            .map(|f| f.code)
            .filter(|c| {
                c.starts_with("error-text") || c.starts_with("sts-") || c.starts_with("azure-")
            })
            .collect()
        };
        let denied = "An error occurred (AccessDenied) when calling the AssumeRoleWithWebIdentity operation: Not authorized to perform sts:AssumeRoleWithWebIdentity";
        assert_eq!(
            codes(denied),
            ["error-text-contradicts-verdict", "sts-access-denied"]
        );
        // What the account decides, not the policy: no contradiction with an allowing policy.
        let no_provider = "An error occurred (InvalidIdentityToken) when calling the AssumeRoleWithWebIdentity operation: No OpenIDConnect provider found in your account for https://oidc.circleci.com/org/x";
        assert_eq!(codes(no_provider), ["sts-no-oidc-provider"]);
        let entra =
            "AADSTS70021: No matching federated identity record found for presented assertion.";
        assert_eq!(
            codes(entra),
            ["error-text-other-platform", "azure-error-aadsts70021"]
        );
        // Entra found no such app: no credential was compared, so an accepting credential is no contradiction.
        let azure = example("azure-v1-subject-v2-token").unwrap();
        let claims = crate::token::decode(azure.token).claims.unwrap();
        let credential = serde_json::json!({
            "name": "circleci", "issuer": claims["iss"], "subject": claims["sub"], "audiences": [claims["aud"]],
        })
        .to_string();
        let report = analyze(&Input {
            token: azure.token,
            policy: &credential,
            error_text: "AADSTS700016: Application with identifier '6d1e2b3c' was not found in the directory 'contoso'.",
            now: azure.at,
            ..Input::default()
        });
        assert_eq!(report.verdict, Some(Verdict::Allow));
        let codes: Vec<_> = report.findings.iter().map(|f| f.code).collect();
        assert!(codes.contains(&"azure-error-aadsts700016"), "{codes:?}");
        assert!(
            !codes.contains(&"error-text-contradicts-verdict"),
            "{codes:?}"
        );
        // Errors from before the configuration is read (no tenant, no mount, no role named) or after it accepted
        // the token (Vault's ACL, the service account's binding): no contradiction with an accepting one.
        let v1 = example("v1-allow").unwrap();
        let claims = crate::token::decode(v1.token).claims.unwrap();
        let vault = serde_json::json!({
            "role_type": "jwt", "user_claim": "sub", "bound_audiences": [claims["aud"]], "bound_subject": claims["sub"],
        })
        .to_string();
        let gcp = serde_json::json!({
            "name": "projects/1/locations/global/workloadIdentityPools/circleci/providers/circleci",
            "oidc": {"issuerUri": claims["iss"], "allowedAudiences": [claims["aud"]]},
            "attributeMapping": {"google.subject": "assertion.sub"},
        })
        .to_string();
        for (policy, error_text, code) in [
            (&vault, "Error writing data to auth/circleci/login: Error making API request.\n\nURL: PUT https://vault.example.com/v1/auth/circleci/login\nCode: 403. Errors:\n\n* permission denied", "vault-error-login-permission-denied"),
            (&vault, "Error reading secret/data/deploy: Error making API request.\n\nURL: GET https://vault.example.com/v1/secret/data/deploy\nCode: 403. Errors:\n\n* permission denied", "vault-error-permission-denied"),
            (&vault, "Error writing data to auth/jwt/login: Error making API request.\n\nCode: 400. Errors:\n\n* missing role", "vault-error-missing-role"),
            (&gcp, "ERROR: (gcloud.auth.print-access-token) There was a problem refreshing your current auth tokens: ('Unable to acquire impersonated credentials', '{\n  \"error\": {\n    \"code\": 403,\n    \"message\": \"Permission \'iam.serviceAccounts.getAccessToken\' denied on resource (or it may not exist).\",\n    \"status\": \"PERMISSION_DENIED\"\n  }\n}\n')", "gcp-error-impersonation-denied"),
        ] {
            let report = analyze(&Input {
                token: v1.token,
                policy,
                error_text,
                now: v1.at,
                ..Input::default()
            });
            let codes: Vec<_> = report.findings.iter().map(|f| f.code).collect();
            assert_eq!(report.verdict, Some(Verdict::Allow), "{code}: {codes:?}");
            assert!(codes.contains(&code), "{code}: {codes:?}");
            assert!(!codes.contains(&"error-text-contradicts-verdict"), "{code}: {codes:?}");
        }
        let report = analyze(&Input {
            token: azure.token,
            policy: &credential,
            error_text: "AADSTS90002: Tenant '0000aaaa-11bb-cccc-dd22-eeeeee333333' not found. Check to make sure you have the correct tenant ID.",
            now: azure.at,
            ..Input::default()
        });
        let codes: Vec<_> = report.findings.iter().map(|f| f.code).collect();
        assert!(codes.contains(&"azure-error-aadsts90002"), "{codes:?}");
        assert!(
            !codes.contains(&"error-text-contradicts-verdict"),
            "{codes:?}"
        );
        // A denied token with a refusal: nothing to cross-check.
        let deny = example("v2-token-v1-policy").unwrap();
        let report = analyze(&Input {
            token: deny.token,
            policy: deny.policy,
            error_text: denied,
            now: deny.at,
            ..Input::default()
        });
        assert!(!report
            .findings
            .iter()
            .any(|f| f.code.starts_with("error-text")));
    }

    #[test]
    fn an_expired_token_is_reported_once() {
        let report = example("expired").unwrap().report();
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
        // In the words the claims view uses, not a count of seconds.
        assert!(
            exp.explanation.contains("(2 h before the evaluation time"),
            "{}",
            exp.explanation
        );
    }

    /// The token `v1-allow` with its header replaced; the signature is kept (it no longer matters).
    fn with_header(header: &str) -> String {
        use base64::Engine;
        let ex = example("v1-allow").unwrap();
        let parts: Vec<&str> = ex.token.trim().split('.').collect();
        let h = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(header);
        format!("{h}.{}.{}", parts[1], parts[2])
    }

    #[test]
    fn an_unsigned_header_is_refused_whatever_the_policy_says() {
        let ex = example("v1-allow").unwrap();
        let allowed = ex.report();
        assert_eq!(allowed.verdict, Some(Verdict::Allow));
        for (header, why) in [
            (r#"{"alg":"none","typ":"JWT"}"#, "its `alg` is `none`"),
            (r#"{"alg":"NONE"}"#, "its `alg` is `none`"),
            (r#"{"typ":"JWT"}"#, "its header has no `alg`"),
        ] {
            let token = with_header(header);
            let report = analyze(&Input {
                token: &token,
                policy: ex.policy,
                now: ex.at,
                ..Input::default()
            });
            assert_eq!(report.verdict, Some(Verdict::Deny), "{header}");
            let by = report.policy.decided_by.unwrap_or_default();
            assert!(by.starts_with(&format!("the token itself: {why}")), "{by}");
            // Without a policy there is still no verdict.
            let alone = analyze(&Input {
                token: &token,
                now: ex.at,
                ..Input::default()
            });
            assert_eq!(alone.verdict, None);
        }
    }

    #[test]
    fn extreme_times_never_overflow() {
        // Every platform's time checks, at the ends of the range (a debug build panics on overflow).
        for ex in crate::state::EXAMPLES {
            for now in [i64::MIN, i64::MIN + 1, -1, 0, i64::MAX] {
                let report = analyze(&Input {
                    token: ex.token,
                    policy: ex.policy,
                    now,
                    ..Input::default()
                });
                assert!(
                    report.verdict.is_some() || report.policy.decided_by.is_some(),
                    "{} at {now}",
                    ex.name
                );
            }
        }
    }
}
