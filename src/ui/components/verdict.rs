//! The verdict banner at the top: allow/deny, what decided it and the first fix to make, or what is still
//! missing.
//! It is a live region, so screen readers announce each new verdict.

use yew::prelude::*;

use super::policy_input::kind_name;
use super::text::rich;
use crate::policy::PolicyKind;
use crate::report::{Outcome, Verdict};
use crate::ui::report_prop::ReportProp;

/// The banner's `id`: choosing an example moves the focus here (it has `tabindex=-1` for that).
pub const VERDICT_ID: &str = "verdict";

#[derive(Properties, PartialEq)]
pub struct Props {
    pub report: ReportProp,
    pub has_token: bool,
    pub has_policy: bool,
    /// A large input waits for a pause in typing.
    pub pending: bool,
}

#[component]
pub fn VerdictBanner(props: &Props) -> Html {
    let report = &props.report;
    // While a large input waits for a pause in typing, the report is of text no longer in the box: the banner
    // shows no verdict (and no `data-verdict`) until the new one is in.
    let verdict = report.verdict.filter(|_| !props.pending);
    let (class, icon, headline) = match verdict {
        Some(Verdict::Allow) => (
            "verdict verdict-allow",
            "✓",
            match report.policy.kind {
                Some(PolicyKind::Aws) | None => "Allowed: the job can assume this role",
                Some(_) => "Allowed: the platform accepts this token",
            },
        ),
        Some(Verdict::Deny) => (
            "verdict verdict-deny",
            "✗",
            match report.policy.kind {
                Some(PolicyKind::Aws) | None => "Denied: the job cannot assume this role",
                Some(_) => "Denied: the platform rejects this token",
            },
        ),
        None => ("verdict verdict-none", "…", ""),
    };
    let waiting = match (props.has_token, props.has_policy) {
        (false, false) => "Paste a token and a policy, or open an example.",
        (true, false) => "Paste the trust policy to get a verdict.",
        (false, true) => "Paste the job's token to evaluate this policy.",
        (true, true) => "No verdict: see the findings below.",
    };
    let failed = report
        .checks
        .iter()
        .filter(|c| c.result == Outcome::Fail)
        .count();
    let data_verdict = verdict.map(|v| match v {
        Verdict::Allow => "allow",
        Verdict::Deny => "deny",
    });
    html! {
        <section id={VERDICT_ID} tabindex="-1" class={class} data-verdict={data_verdict} role="status" aria-live="polite" aria-atomic="true">
            <p class="verdict-headline">
                <span class="verdict-icon" aria-hidden="true">{ icon }</span>
                if props.pending { { "Analyzing when you pause typing…" } }
                else if verdict.is_some() { { headline } }
                else { { waiting } }
            </p>
            if let Some(decided_by) = report.policy.decided_by.as_ref().filter(|_| !props.pending) {
                <p class="verdict-decided">{ "Decided by: " }{ rich(decided_by) }</p>
            }
            if let Some(fix) = report.first_fix().filter(|_| !props.pending) {
                <p class="verdict-fix"><strong>{ "Fix: " }</strong>{ rich(fix) }</p>
            }
            if verdict.is_some() && !report.checks.is_empty() {
                <p class="verdict-counts">{ format!("{failed} of {} checks failed", report.checks.len()) }</p>
            }
            if let Some(kind) = report.policy.kind {
                <p class="verdict-kind">
                    { "Policy: " }{ kind_name(kind) }
                    if let Some(detected) = &report.policy.detected { { " — " }{ rich(detected) } }
                </p>
            }
        </section>
    }
}
