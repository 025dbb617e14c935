//! Every finding, grouped by what it is about, with severity, stable code, message and fix.

use std::rc::Rc;

use yew::prelude::*;

use super::text::rich;
use crate::report::{Area, Finding, Report, Severity};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub report: Rc<Report>,
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

/// Findings rendered at most per area.
const MAX_PER_GROUP: usize = 200;

#[component]
pub fn Findings(props: &Props) -> Html {
    let findings = &props.report.findings;
    if findings.is_empty() {
        return Html::default();
    }
    let group = |(area, title): &(Area, &'static str)| {
        let mut items: Vec<&Finding> = findings.iter().filter(|f| f.area == *area).collect();
        items.sort_by_key(|f| f.severity);
        if items.is_empty() {
            return Html::default();
        }
        // A huge policy can yield thousands of findings: render the most severe ones only.
        let hidden = items.len().saturating_sub(MAX_PER_GROUP);
        items.truncate(MAX_PER_GROUP);
        html! {
            <div class="finding-group">
                <h3>{ *title }</h3>
                <ul class="findings-list">{ for items.into_iter().map(item) }</ul>
                if hidden > 0 {
                    <p class="findings-hidden">{ format!("{hidden} more not shown.") }</p>
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
