//! Every finding, grouped by what it is about, with severity, stable code, message and fix.

use yew::prelude::*;

use super::text::rich;
use crate::report::{Area, Finding, Severity};
use crate::ui::browser;
use crate::ui::report_prop::ReportProp;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub report: ReportProp,
}

const AREAS: [(Area, &str); 6] = [
    (Area::Token, "Token"),
    (Area::Sub, "Subject (sub)"),
    (Area::Policy, "Policy"),
    (Area::Signature, "Signature"),
    (Area::Share, "Link"),
    (Area::StsError, "Error text"),
];

/// Icon, visible word and CSS class of a severity.
pub fn severity(severity: Severity) -> (&'static str, &'static str, &'static str) {
    match severity {
        Severity::Error => ("✖", "error", "sev-error"),
        Severity::Warning => ("⚠", "warning", "sev-warning"),
        Severity::Info => ("ℹ", "info", "sev-info"),
    }
}

fn item(finding: &Finding) -> Html {
    let (icon, word, class) = severity(finding.severity);
    html! {
        <li class={classes!("finding", class)} data-code={finding.code}>
            <span class="sev" aria-hidden="true">{ icon }</span>
            <span class="sev-word">{ word }</span>
            <code class="finding-code">{ finding.code }</code>
            if let Some(at) = finding.location {
                <span class="location">{ format!("line {}, column {}", at.line, at.column) }</span>
            }
            <span class="finding-message">{ rich(&finding.message) }</span>
            if let Some(fix) = &finding.fix {
                <span class="fix">{ "Fix: " }{ rich(fix) }</span>
            }
        </li>
    }
}

/// Findings rendered at first per area, and added by each "Show more" (a huge policy can yield thousands).
const PAGE_PER_GROUP: usize = 50;

#[component]
pub fn Findings(props: &Props) -> Html {
    let limit = use_state(|| PAGE_PER_GROUP);
    let findings = &props.report.findings;
    if findings.is_empty() {
        return Html::default();
    }
    let group = |(area, title): &(Area, &'static str)| {
        // Most severe first, each severity in the pipeline's order (three passes, no sort in the wasm).
        let mut items: Vec<&Finding> = [Severity::Error, Severity::Warning, Severity::Info]
            .iter()
            .flat_map(|s| {
                findings
                    .iter()
                    .filter(move |f| f.area == *area && f.severity == *s)
            })
            .collect();
        if items.is_empty() {
            return Html::default();
        }
        // A huge policy can yield thousands of findings: render the most severe ones first.
        let hidden = items.len().saturating_sub(*limit);
        items.truncate(*limit);
        let more = {
            let limit = limit.clone();
            Callback::from(move |event: MouseEvent| {
                // This group's last one disappears: the focus goes to the first finding it reveals.
                if hidden <= PAGE_PER_GROUP {
                    browser::focus_revealed(&event, ".finding-group", ".finding", *limit + 1);
                }
                limit.set(*limit + PAGE_PER_GROUP);
            })
        };
        html! {
            <div class="finding-group">
                <h3>{ *title }</h3>
                <ul class="findings-list">{ for items.into_iter().map(item) }</ul>
                if hidden > 0 {
                    <p class="findings-hidden">
                        { format!("{hidden} more not shown. ") }
                        <button type="button" class="show-more" onclick={more}>
                            { format!("Show {} more", hidden.min(PAGE_PER_GROUP)) }
                        </button>
                    </p>
                }
            </div>
        }
    };
    html! {
        <section class="card findings" aria-labelledby="findings-heading">
            <h2 id="findings-heading">{ format!("Findings ({})", findings.len()) }</h2>
            { for AREAS.iter().map(group) }
        </section>
    }
}
