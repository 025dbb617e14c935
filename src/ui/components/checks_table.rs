//! One row per evaluated condition: expected vs actual, result, why, and the fix.

use serde_json::Value;
use yew::prelude::*;

use super::diff_view;
use super::text::{rich, values, visible};
use crate::policy::diff::DiffKind;
use crate::policy::PolicyKind;
use crate::report::{Check, Outcome};
use crate::ui::browser;
use crate::ui::report_prop::ReportProp;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub report: ReportProp,
    /// The report is of text no longer in the box (a large input waits for a pause in typing): the rows are
    /// dimmed and carry no `data-check-result`, so nothing reads a stale result as the current one.
    #[prop_or_default]
    pub stale: bool,
}

fn result(outcome: Outcome) -> (&'static str, &'static str) {
    match outcome {
        Outcome::Pass => ("✓", "pass"),
        Outcome::Fail => ("✗", "fail"),
        Outcome::Unknown => ("?", "unknown"),
    }
}

/// What an empty `actual` means depends on the platform: AWS compares condition keys of the request
/// context; GCP evaluates expressions; Vault and Azure read the token's claims.
fn actual(check: &Check, kind: Option<PolicyKind>) -> Html {
    let missing = match (kind, check.result) {
        (Some(PolicyKind::Aws) | None, _) => "(missing from the request context)",
        (_, Outcome::Unknown) => "(not evaluated)",
        (Some(PolicyKind::Gcp), _) => "(no value)",
        (Some(PolicyKind::Vault | PolicyKind::Azure), _) => "(missing from the token)",
    };
    match &check.actual {
        Value::Null => html! { <span class="missing">{ missing }</span> },
        other => values(other),
    }
}

fn row(check: &Check, kind: Option<PolicyKind>, stale: bool) -> Html {
    let (icon, word) = result(check.result);
    // A CEL check expects an expression, not a value: a character diff against the value would be noise.
    let near_miss = (check.result == Outcome::Fail && check.operator != "cel")
        .then(|| diff_view::best(&check.expected, &check.actual))
        .flatten();
    let (expected, actual) = match &near_miss {
        Some(best) => (
            diff_view::expected(&check.expected, best),
            diff_view::side(&best.1, DiffKind::Actual),
        ),
        None => (values(&check.expected), actual(check, kind)),
    };
    html! {
        <tr class={classes!("check", format!("check-{word}"))} data-check-result={(!stale).then(|| check.result.as_str())}>
            <td data-label="Statement">{ rich(check.statement.as_deref().unwrap_or("")) }</td>
            <td data-label="Operator"><code>{ visible(&check.operator) }</code></td>
            <td data-label="Key" class="mono key">{ visible(&check.key) }</td>
            <td data-label="Expected" class="mono">{ expected }</td>
            <td data-label="Actual" class="mono">{ actual }</td>
            <td data-label="Result" class="result"><span aria-hidden="true">{ icon }{ " " }</span>{ word }</td>
            <td data-label="Why">
                { rich(&check.explanation) }
                if let Some(fix) = &check.fix { <span class="fix">{ "Fix: " }{ rich(fix) }</span> }
            </td>
        </tr>
    }
}

/// Rows rendered at first, and added by each "Show more": a 1 MB policy yields thousands of checks, and
/// rendering them all at once would freeze the tab. The CLI's `--json` always lists every check.
pub const PAGE_ROWS: usize = 100;

/// Which checks to render (their indices, in order): every failing or undecided one first in priority, then
/// passing ones, up to `limit`.
fn shown(checks: &[Check], limit: usize) -> Vec<usize> {
    if checks.len() <= limit {
        return (0..checks.len()).collect();
    }
    let mut keep = vec![false; checks.len()];
    let mut left = limit;
    for pass in [false, true] {
        for (i, check) in checks.iter().enumerate() {
            if left > 0 && (check.result == Outcome::Pass) == pass {
                keep[i] = true;
                left -= 1;
            }
        }
    }
    (0..checks.len()).filter(|&i| keep[i]).collect()
}

#[component]
pub fn ChecksTable(props: &Props) -> Html {
    let limit = use_state(|| PAGE_ROWS);
    let checks = &props.report.checks;
    if checks.is_empty() {
        return Html::default();
    }
    let rows = shown(checks, *limit);
    let hidden = checks.len() - rows.len();
    let more = {
        let (limit, report) = (limit.clone(), props.report.clone());
        Callback::from(move |event: MouseEvent| {
            // The last one disappears: the focus goes to the first row it reveals (rows keep the checks' order,
            // so that is the first check not shown before, and its place is its index).
            if *limit + PAGE_ROWS >= report.checks.len() {
                let before = shown(&report.checks, *limit);
                if let Some(first) =
                    (0..report.checks.len()).find(|i| before.binary_search(i).is_err())
                {
                    browser::focus_revealed(&event, ".checks", "tbody > tr", first + 1);
                }
            }
            limit.set(*limit + PAGE_ROWS);
        })
    };
    html! {
        <section class={classes!("card", "checks", props.stale.then_some("stale"))} aria-labelledby="checks-heading" aria-busy={props.stale.then_some("true")}>
            <h2 id="checks-heading">{ "Checks" }</h2>
            <div class="table-wrap">
                <table class="checks-table">
                    <thead>
                        <tr>
                            <th scope="col">{ "Statement" }</th><th scope="col">{ "Operator" }</th>
                            <th scope="col">{ "Key" }</th><th scope="col">{ "Expected" }</th>
                            <th scope="col">{ "Actual" }</th><th scope="col">{ "Result" }</th>
                            <th scope="col">{ "Why" }</th>
                        </tr>
                    </thead>
                    <tbody>{ for rows.into_iter().map(|i| row(&checks[i], props.report.policy.kind, props.stale)) }</tbody>
                </table>
            </div>
            if hidden > 0 {
                <p class="checks-hidden">
                    { format!("{hidden} more checks are not shown (of {} in all; failing ones come first); \
                       `claimcheck check --json` lists every one. ", checks.len()) }
                    <button type="button" class="show-more" onclick={more}>
                        { format!("Show {} more", hidden.min(PAGE_ROWS)) }
                    </button>
                </p>
            }
        </section>
    }
}
