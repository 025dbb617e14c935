//! Rendering helpers for text from the core: messages put user input in backticks, shown as `<code>`.
//! Everything stays a text node: nothing from the user is ever interpreted as HTML.
//!
//! Every user-derived value goes through [`visible`] (directly, or through [`rich`] and [`values`]): bidi
//! controls and invisible characters are shown as markers such as `⟨U+202E⟩` (`.ctrl`), never applied, so a
//! value cannot look like another (`refs/heads/\u{202E}niam-toN\u{202C}` does not read `refs/heads/Not-main`).
//! Copy buttons are given the original text, not this rendering.

use serde_json::Value;
use yew::{html, Html};

/// A character that changes how the text around it is displayed without showing itself, or shows as blank:
/// bidi embeddings, overrides, isolates and marks, zero-width characters, the word joiner and invisible
/// operators, the byte order mark, the soft hyphen and the Mongolian vowel separator; control characters (C0
/// but tab and line breaks, DEL, C1), the line and paragraph separators, and the blank-looking Hangul fillers
/// and braille blank.
pub fn is_hidden_control(c: char) -> bool {
    matches!(c,
        '\u{0000}'..='\u{0008}' | '\u{000B}' | '\u{000C}' | '\u{000E}'..='\u{001F}'
        | '\u{007F}'..='\u{009F}'
        | '\u{00AD}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{180E}'
        | '\u{200B}'..='\u{200F}'
        | '\u{2028}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{206F}'
        | '\u{2800}' | '\u{3164}' | '\u{FEFF}' | '\u{FFA0}')
}

/// `text` as text nodes, with each hidden control character replaced by a visible `⟨U+XXXX⟩` marker.
pub fn visible(text: &str) -> Html {
    let mut parts = Vec::new();
    let mut start = 0;
    for (at, c) in text.char_indices() {
        if is_hidden_control(c) {
            if at > start {
                parts.push(html! { { text[start..at].to_owned() } });
            }
            parts.push(html! { <span class="ctrl">{ marker(c) }</span> });
            start = at + c.len_utf8();
        }
    }
    if parts.is_empty() {
        return html! { { text.to_owned() } };
    }
    if start < text.len() {
        parts.push(html! { { text[start..].to_owned() } });
    }
    html! { <>{ for parts }</> }
}

/// `⟨U+202E⟩` for U+202E (every hidden control character is in the Basic Multilingual Plane: four digits).
fn marker(c: char) -> String {
    let mut marker = String::from("⟨U+");
    for shift in [12, 8, 4, 0] {
        let digit = char::from_digit((c as u32 >> shift) & 0xF, 16).unwrap_or('0');
        marker.push(digit.to_ascii_uppercase());
    }
    marker.push('⟩');
    marker
}

/// `text` with each `` `quoted` `` run shown as code.
pub fn rich(text: &str) -> Html {
    let parts = text.split('`').collect::<Vec<_>>();
    // An odd number of backticks leaves the last one unpaired: keep it as written.
    let paired = parts.len() % 2 == 1;
    html! {
        <>
        { for parts.iter().enumerate().map(|(i, part)| {
            if i % 2 == 1 && (paired || i + 1 < parts.len()) {
                html! { <code>{ visible(part) }</code> }
            } else if i % 2 == 1 {
                html! { <>{ "`" }{ visible(part) }</> }
            } else {
                visible(part)
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
            <ul class="values">{ for items.iter().map(|v| html! { <li><code>{ visible(&value_text(v)) }</code></li> }) }</ul>
        },
        other => html! { <code>{ visible(&value_text(other)) }</code> },
    }
}
