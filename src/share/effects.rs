//! What redaction changes in the explanation, so the UI can say so before the link is copied.

use crate::report::{Area, Check, Finding, Report, Severity};

fn verdict_str(report: &Report) -> &'static str {
    match report.verdict {
        Some(crate::report::Verdict::Allow) => "allow",
        Some(crate::report::Verdict::Deny) => "deny",
        None => "no verdict",
    }
}

fn describe(check: &Check) -> String {
    match &check.statement {
        Some(statement) => format!("`{}` `{}` in {statement}", check.operator, check.key),
        None => format!("`{}` `{}`", check.operator, check.key),
    }
}

fn same_rule(a: &Check, b: &Check) -> bool {
    a.statement == b.statement && a.key == b.key && a.operator == b.operator
}

/// Compare the report of the state as the user sees it (`before`) with the report of the state the link will
/// restore (`after`, from [`super::opened`]): every verdict, check outcome and finding that differs because of
/// redaction. Empty when the link shows the same explanation.
pub fn redaction_effects(before: &Report, after: &Report) -> Vec<Finding> {
    let mut effects = Vec::new();
    if before.verdict != after.verdict {
        effects.push(
            Finding::new(
                "redaction-changes-verdict",
                Severity::Warning,
                Area::Share,
                format!(
                    "with the chosen claims redacted, the link shows {} instead of {}",
                    verdict_str(after),
                    verdict_str(before)
                ),
            )
            .with_fix(
                "redact fewer claims, or tell the reader the verdict differs because of redaction",
            ),
        );
    }
    let mut used = vec![false; before.checks.len()];
    for check in &after.checks {
        let matched = before
            .checks
            .iter()
            .enumerate()
            .find(|(i, b)| !used[*i] && same_rule(b, check));
        match matched {
            Some((i, b)) => {
                used[i] = true;
                if b.result != check.result {
                    effects.push(
                        Finding::new(
                            "redaction-changes-check",
                            Severity::Warning,
                            Area::Share,
                            format!(
                                "with the chosen claims redacted, check {} becomes {} (it is {} now)",
                                describe(check),
                                check.result.as_str(),
                                b.result.as_str()
                            ),
                        )
                        .with_fix("keep the claim this check reads, or mention the difference when sharing"),
                    );
                }
            }
            None => effects.push(Finding::new(
                "redaction-changes-check",
                Severity::Warning,
                Area::Share,
                format!(
                    "with the chosen claims redacted, the link shows an extra check {}",
                    describe(check)
                ),
            )),
        }
    }
    for (check, _) in before.checks.iter().zip(&used).filter(|(_, u)| !**u) {
        effects.push(Finding::new(
            "redaction-changes-check",
            Severity::Warning,
            Area::Share,
            format!(
                "with the chosen claims redacted, the link no longer shows check {}",
                describe(check)
            ),
        ));
    }
    let codes = |r: &Report| -> Vec<&'static str> {
        let mut c: Vec<&'static str> = r.findings.iter().map(|f| f.code).collect();
        c.sort_unstable();
        c.dedup();
        c
    };
    let (was, now) = (codes(before), codes(after));
    // A kept signature cannot survive a change of the claims it signs: say that in words, not as a code.
    const DROPPED: &str = "token-signature-removed";
    if now.contains(&DROPPED) && !was.contains(&DROPPED) {
        effects.push(Finding::new(
            "redaction-drops-signature",
            Severity::Info,
            Area::Share,
            "redaction changes the signed claims, so the link drops the token's signature even though \"Include signature\" is ticked",
        ));
    }
    let added: Vec<String> = now
        .iter()
        .filter(|c| !was.contains(c) && **c != DROPPED)
        .map(|c| format!("`{c}`"))
        .collect();
    let removed: Vec<String> = was
        .iter()
        .filter(|c| !now.contains(c))
        .map(|c| format!("`{c}`"))
        .collect();
    if !added.is_empty() || !removed.is_empty() {
        let mut parts = Vec::new();
        if !added.is_empty() {
            parts.push(format!("adds {}", added.join(", ")));
        }
        if !removed.is_empty() {
            parts.push(format!("removes {}", removed.join(", ")));
        }
        effects.push(Finding::new(
            "redaction-changes-findings",
            Severity::Info,
            Area::Share,
            format!("redaction {} in the linked view", parts.join(" and ")),
        ));
    }
    effects
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Outcome, Verdict};
    use serde_json::json;

    fn report(
        verdict: Option<Verdict>,
        checks: Vec<(&str, Outcome)>,
        findings: &[&'static str],
    ) -> Report {
        Report {
            verdict,
            checks: checks
                .into_iter()
                .map(|(key, result)| Check {
                    statement: Some("statement 1".to_string()),
                    key: key.to_string().into(),
                    operator: "StringEquals".into(),
                    expected: json!("x"),
                    actual: json!("x"),
                    result,
                    explanation: String::new(),
                    fix: None,
                })
                .collect(),
            findings: findings
                .iter()
                .map(|c| Finding::new(c, Severity::Info, Area::Sub, "m"))
                .collect(),
            ..Report::empty(0)
        }
    }

    #[test]
    fn no_effects_when_nothing_changes() {
        let r = report(
            Some(Verdict::Allow),
            vec![("aud", Outcome::Pass), ("sub", Outcome::Pass)],
            &["a"],
        );
        assert!(redaction_effects(&r, &r.clone()).is_empty());
    }

    #[test]
    fn reports_verdict_check_and_finding_changes() {
        let before = report(
            Some(Verdict::Allow),
            vec![("aud", Outcome::Pass), ("sub", Outcome::Pass)],
            &["a"],
        );
        let after = report(
            Some(Verdict::Deny),
            vec![("aud", Outcome::Pass), ("sub", Outcome::Fail)],
            &["a", "sub-not-uuid"],
        );
        let effects = redaction_effects(&before, &after);
        let summary: Vec<(&str, &str)> = effects
            .iter()
            .map(|f| (f.code, f.message.as_str()))
            .collect();
        assert_eq!(
            summary,
            vec![
                ("redaction-changes-verdict", "with the chosen claims redacted, the link shows deny instead of allow"),
                (
                    "redaction-changes-check",
                    "with the chosen claims redacted, check `StringEquals` `sub` in statement 1 becomes fail (it is pass now)"
                ),
                ("redaction-changes-findings", "redaction adds `sub-not-uuid` in the linked view"),
            ]
        );
    }

    #[test]
    fn a_dropped_signature_is_said_in_words() {
        let before = report(Some(Verdict::Allow), vec![], &["a"]);
        let after = report(
            Some(Verdict::Allow),
            vec![],
            &["a", "token-signature-removed"],
        );
        let effects: Vec<&str> = redaction_effects(&before, &after)
            .iter()
            .map(|f| f.code)
            .collect();
        assert_eq!(effects, vec!["redaction-drops-signature"]);
    }

    #[test]
    fn reports_checks_present_on_one_side_only() {
        let before = report(None, vec![("aud", Outcome::Pass)], &["gone"]);
        let after = report(None, vec![("sub", Outcome::Unknown)], &[]);
        let codes: Vec<String> = redaction_effects(&before, &after)
            .iter()
            .map(|f| f.message.clone())
            .collect();
        assert_eq!(
            codes,
            vec![
                "with the chosen claims redacted, the link shows an extra check `StringEquals` `sub` in statement 1",
                "with the chosen claims redacted, the link no longer shows check `StringEquals` `aud` in statement 1",
                "redaction removes `gone` in the linked view",
            ]
        );
    }
}
