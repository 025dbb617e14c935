//! Near-miss highlighting for a failing check: which characters of the expected value and of the token's
//! value differ (`claimcheck::policy::diff`).

use serde_json::Value;
use yew::{classes, html, Html};

use super::text::{value_text, visible};
use crate::policy::diff::{diff, DiffKind, DiffPart};

/// Values longer than this (characters) are shown without a diff.
const MAX_CHARS: usize = 2_000;

/// The expected string closest to `actual` (most characters in common) and its diff, when both sides are
/// strings worth diffing.
pub fn best(expected: &Value, actual: &Value) -> Option<(usize, Vec<DiffPart>)> {
    let actual = actual.as_str().filter(|a| a.len() <= MAX_CHARS)?;
    let candidates: Vec<(usize, &str)> = match expected {
        Value::String(s) => vec![(0, s.as_str())],
        Value::Array(items) => items
            .iter()
            .enumerate()
            .filter_map(|(i, v)| Some((i, v.as_str()?)))
            .collect(),
        _ => Vec::new(),
    };
    let same = |parts: &[DiffPart]| -> usize {
        parts
            .iter()
            .filter(|p| p.kind == DiffKind::Same)
            .map(|p| p.text.chars().count())
            .sum()
    };
    candidates
        .into_iter()
        .filter(|(_, e)| e.len() <= MAX_CHARS && *e != actual)
        .map(|(i, e)| (i, diff(e, actual)))
        .max_by_key(|(_, parts)| same(parts))
        .filter(|(_, parts)| same(parts) > 0)
}

/// One side of the diff: the common text plus this side's own characters, highlighted.
pub fn side(parts: &[DiffPart], own: DiffKind) -> Html {
    let class = match own {
        DiffKind::Actual => "diff-actual",
        _ => "diff-expected",
    };
    html! {
        <code>
            { for parts.iter().filter(|p| p.kind == DiffKind::Same || p.kind == own).map(|p| {
                if p.kind == DiffKind::Same {
                    html! { <span class="diff-same">{ visible(&p.text) }</span> }
                } else {
                    html! { <mark class={classes!(class)}>{ visible(&p.text) }</mark> }
                }
            }) }
        </code>
    }
}

/// The expected value(s), with the one closest to the actual value diffed.
pub fn expected(expected: &Value, best: &(usize, Vec<DiffPart>)) -> Html {
    match expected {
        Value::Array(items) => html! {
            <ul class="values">
                { for items.iter().enumerate().map(|(i, v)| if i == best.0 {
                    html! { <li>{ side(&best.1, DiffKind::Expected) }</li> }
                } else {
                    html! { <li><code>{ visible(&value_text(v)) }</code></li> }
                }) }
            </ul>
        },
        _ => side(&best.1, DiffKind::Expected),
    }
}
