//! Configurations generated from the token, ready to copy.

use yew::prelude::*;

use super::copy_button::CopyButton;
use super::text::{rich, visible};
use crate::report::Snippet;
use crate::ui::report_prop::ReportProp;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub report: ReportProp,
}

fn snippet(snippet: &Snippet) -> Html {
    html! {
        <figure class="snippet">
            <figcaption>
                <span class="snippet-title">{ rich(&snippet.title) }</span>
                <span class="snippet-language">{ snippet.language }</span>
                <CopyButton text={AttrValue::from(snippet.text.clone())} what={AttrValue::from(snippet.title.clone())} />
            </figcaption>
            <pre class="mono" tabindex="0">{ visible(&snippet.text) }</pre>
        </figure>
    }
}

#[component]
pub fn Suggestions(props: &Props) -> Html {
    let suggestions = &props.report.suggestions;
    if suggestions.is_empty() {
        return Html::default();
    }
    html! {
        <section class="card suggestions" aria-labelledby="suggestions-heading">
            <h2 id="suggestions-heading">{ "Suggested configuration" }</h2>
            { for suggestions.iter().map(snippet) }
        </section>
    }
}
