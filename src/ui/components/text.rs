//! Rendering helpers for text from the core: messages put user input in backticks, shown as `<code>`.
//! Everything stays a text node: nothing from the user is ever interpreted as HTML.

use serde_json::Value;
use yew::{html, Html};

/// `text` with each `` `quoted` `` run shown as code.
pub fn rich(text: &str) -> Html {
    let parts = text.split('`').collect::<Vec<_>>();
    // An odd number of backticks leaves the last one unpaired: keep it as written.
    let paired = parts.len() % 2 == 1;
    html! {
        <>
        { for parts.iter().enumerate().map(|(i, part)| {
            if i % 2 == 1 && (paired || i + 1 < parts.len()) {
                html! { <code>{ *part }</code> }
            } else if i % 2 == 1 {
                html! { <>{ "`" }{ *part }</> }
            } else {
                html! { { *part } }
            }
        }) }
        </>
    }
}

/// A JSON value in one line: strings as they are, everything else as compact JSON.
pub fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A policy value: a string, or each array element on its own line.
pub fn values(value: &Value) -> Html {
    match value {
        Value::Array(items) if !items.is_empty() => html! {
            <ul class="values">{ for items.iter().map(|v| html! { <li><code>{ value_text(v) }</code></li> }) }</ul>
        },
        other => html! { <code>{ value_text(other) }</code> },
    }
}
