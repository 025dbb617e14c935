//! The token's header and claims, as tables (in token order, unknown claims included) or as pretty JSON, and
//! a button that copies the claims as JSON.

use serde_json::{Map, Value};
use yew::prelude::*;

use super::copy_button::CopyButton;
use super::text::{rich, value_text, visible};
use crate::circleci::ClaimInfo;
use crate::state::{Action, ClaimsView};
use crate::ui::reducer::Dispatch;
use crate::ui::report_prop::ReportProp;
use crate::ui::{browser, callbacks};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub report: ReportProp,
    pub view: ClaimsView,
    pub dispatch: Dispatch,
}

fn header_note(name: &str) -> &'static str {
    match name {
        "alg" => "signature algorithm (CircleCI signs with RS256)",
        "kid" => "which key of the issuer's key set signed the token",
        "typ" => "token type",
        _ => "",
    }
}

fn row(claim: &ClaimInfo) -> Html {
    html! {
        <tr>
            <th scope="row"><code>{ visible(&claim.name) }</code></th>
            <td class="mono value">{ visible(&value_text(&claim.value)) }</td>
            <td>
                { rich(&claim.explanation) }
                if let Some(time) = &claim.time {
                    <span class="time">
                        <span class="time-utc">{ time.utc.clone() }</span>
                        <span class="time-local">{ browser::format_local(time.unix) }{ " local" }</span>
                        <span class="time-relative">{ time.relative.clone() }</span>
                    </span>
                }
            </td>
        </tr>
    }
}

/// Claims without the core's explanations (used for header fields, and if the core listed no claims).
fn plain(map: &Map<String, Value>, note: fn(&str) -> &'static str) -> Vec<ClaimInfo> {
    let info = |(name, value): (&String, &Value)| ClaimInfo {
        name: name.clone(),
        value: value.clone(),
        explanation: note(name).to_owned(),
        time: None,
    };
    map.iter().map(info).collect()
}

fn table(caption: &str, rows: &[ClaimInfo]) -> Html {
    html! {
        <div class="table-wrap">
            <table class="claims">
                <caption>{ caption.to_owned() }</caption>
                <thead><tr><th scope="col">{ "Name" }</th><th scope="col">{ "Value" }</th><th scope="col">{ "Meaning" }</th></tr></thead>
                <tbody>{ for rows.iter().map(row) }</tbody>
            </table>
        </div>
    }
}

fn pretty(map: &Map<String, Value>) -> String {
    serde_json::to_string_pretty(map).unwrap_or_default()
}

fn json(caption: &str, text: String) -> Html {
    html! { <figure class="json"><figcaption>{ caption.to_owned() }</figcaption><pre class="mono">{ visible(&text) }</pre></figure> }
}

#[component]
pub fn ClaimsTable(props: &Props) -> Html {
    let Some(token) = &props.report.token else {
        return Html::default();
    };
    let header = token.header.as_ref();
    // A payload cut short when copied: the claims before the cut, named as such (`token-payload-cut`).
    let cut = token.claims.is_none() && token.cut_claims.is_some();
    let claims = token.claims.as_ref().or(token.cut_claims.as_ref());
    let caption = if cut {
        "Claims before the cut"
    } else {
        "Claims"
    };
    if header.is_none() && claims.is_none() {
        return Html::default();
    }
    let json_view = props.view == ClaimsView::Json;
    // The payload as pretty JSON: what *Copy* copies, and what the JSON view shows.
    let claims_json = claims.map(pretty);
    let body = if json_view {
        html! { <>{ for header.map(|h| json("Header", pretty(h))) }{ for claims_json.clone().map(|c| json("Payload", c)) }</> }
    } else {
        let claim_rows = match (&props.report.claims, claims) {
            (rows, Some(map)) if rows.is_empty() => plain(map, |_| ""),
            (rows, _) => rows.clone(),
        };
        html! {
            <>
            { for header.map(|h| table("Header", &plain(h, header_note))) }
            if claims.is_some() { { table(caption, &claim_rows) } }
            </>
        }
    };
    html! {
        <section class="card claims-view" aria-labelledby="claims-heading">
            <h2 id="claims-heading">{ "Token contents" }</h2>
            <div class="claims-actions">
                if let Some(text) = claims_json {
                    <CopyButton text={AttrValue::from(text)} what="claims as JSON" />
                }
                <button type="button" class="view-toggle" aria-pressed={json_view.to_string()}
                    onclick={callbacks::on_click(&props.dispatch, Action::ToggleView)}>
                    { "Show as JSON" }
                </button>
            </div>
            { body }
        </section>
    }
}
