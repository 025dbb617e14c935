//! One row per evaluated condition: expected vs actual, result, why, and the fix.

use std::rc::Rc;

use serde_json::Value;
use yew::prelude::*;

use super::diff_view;
use super::text::{rich, values};
use crate::policy::diff::DiffKind;
use crate::report::{Check, Outcome, Report};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub report: Rc<Report>,
}

fn result(outcome: Outcome) -> (&'static str, &'static str) {
    match outcome {
        Outcome::Pass => ("✓", "pass"),
        Outcome::Fail => ("✗", "fail"),
        Outcome::Unknown => ("?", "unknown"),
    }
}

fn actual(check: &Check) -> Html {
    match &check.actual {
        Value::Null => {
            html! { <span class="missing">{ "(missing from the request context)" }</span> }
        }
        other => values(other),
    }
}

fn row(check: &Check) -> Html {
    let (icon, word) = result(check.result);
    let near_miss = (check.result == Outcome::Fail)
        .then(|| diff_view::best(&check.expected, &check.actual))
        .flatten();
    let (expected, actual) = match &near_miss {
        Some(best) => (
            diff_view::expected(&check.expected, best),
            diff_view::side(&best.1, DiffKind::Actual),
        ),
        None => (values(&check.expected), actual(check)),
    };
    html! {
        <tr class={classes!("check", format!("check-{word}"))} data-check-result={check.result.as_str()}>
            <td data-label="Statement">{ rich(check.statement.as_deref().unwrap_or("")) }</td>
            <td data-label="Operator"><code>{ check.operator.clone() }</code></td>
            <td data-label="Key" class="mono key">{ check.key.clone() }</td>
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

/// Rows rendered at most: a 1 MB policy yields thousands of checks, and rendering them all would freeze
/// the tab. The CLI's `--json` always lists every check.
pub const MAX_ROWS: usize = 300;

/// Which checks to render, in their order: every failing or undecided one first in priority, then passing
/// ones, up to [`MAX_ROWS`].
fn shown(checks: &[Check]) -> Vec<&Check> {
    if checks.len() <= MAX_ROWS {
        return checks.iter().collect();
    }
    let mut keep = vec![false; checks.len()];
    let mut left = MAX_ROWS;
    for pass in [false, true] {
        for (i, check) in checks.iter().enumerate() {
            if left > 0 && (check.result == Outcome::Pass) == pass {
                keep[i] = true;
                left -= 1;
            }
        }
    }
    checks
        .iter()
        .zip(keep)
        .filter_map(|(c, k)| k.then_some(c))
        .collect()
}

#[component]
pub fn ChecksTable(props: &Props) -> Html {
    let checks = &props.report.checks;
    if checks.is_empty() {
        return Html::default();
    }
    let rows = shown(checks);
    let hidden = checks.len() - rows.len();
    html! {
        <section class="card checks" aria-labelledby="checks-heading">
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
                    <tbody>{ for rows.into_iter().map(row) }</tbody>
                </table>
            </div>
            if hidden > 0 {
                <p class="checks-hidden">
                    { format!("{hidden} more checks are not shown (of {} in all; failing ones come first); \
                       `claimcheck check --json` lists every one.", checks.len()) }
                </p>
            }
        </section>
    }
}
