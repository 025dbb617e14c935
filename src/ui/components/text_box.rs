//! A `<textarea>` that shows a value from the state and reports what is typed into it.
//!
//! Yew's own `value` on a textarea reads the element's whole text back on every render, to compare it with
//! the new value: with a 1 MB policy, a 13 ms copy for each keystroke, and again for every render that only
//! changed the report. This box remembers what it holds (what it was given, or what was typed), and writes
//! the element only when the value differs from that: a link, an example or *Clear*, never the echo of a
//! keystroke.

use wasm_bindgen::JsCast;
use web_sys::{HtmlTextAreaElement, InputEvent};
use yew::prelude::*;

use crate::ui::browser;

/// What was typed, pasted or dropped into a box.
pub struct Typed {
    /// The box's whole text.
    pub text: String,
    /// It came in one piece (a paste or a drop), not from typing.
    pub whole: bool,
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub id: AttrValue,
    pub value: AttrValue,
    pub rows: u32,
    pub placeholder: AttrValue,
    #[prop_or_default]
    pub describedby: Option<AttrValue>,
    pub oninput: Callback<Typed>,
}

#[component]
pub fn TextBox(props: &Props) -> Html {
    let node = use_node_ref();
    // What the element holds, as far as this box knows.
    let holds = use_mut_ref(|| props.value.clone());
    if *holds.borrow() != props.value {
        if let Some(area) = node.cast::<HtmlTextAreaElement>() {
            area.set_value(&props.value);
        }
        *holds.borrow_mut() = props.value.clone();
    }
    let oninput = {
        let holds = holds.clone();
        let oninput = props.oninput.clone();
        Callback::from(move |event: InputEvent| {
            let Some(area) = event.target_dyn_into::<HtmlTextAreaElement>() else {
                return;
            };
            let text = browser::text_value(&area);
            *holds.borrow_mut() = AttrValue::from(text.clone());
            // Yew types the event as an `InputEvent`, but a script may dispatch a plain `Event('input')` after
            // setting the value (which then reads like a paste); `inputType` would throw on it.
            let whole = event.dyn_ref::<InputEvent>().is_none_or(|e| {
                matches!(
                    e.input_type().as_str(),
                    "insertFromPaste" | "insertFromDrop"
                )
            });
            oninput.emit(Typed { text, whole });
        })
    };
    html! {
        // The first value is the element's default text; later ones are written above, when they change.
        <textarea ref={node} id={props.id.clone()} class="mono" rows={props.rows.to_string()} spellcheck="false"
            autocomplete="off" autocapitalize="off" placeholder={props.placeholder.clone()}
            aria-describedby={props.describedby.clone()} defaultvalue={props.value.clone()} {oninput} />
    }
}
