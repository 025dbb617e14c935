//! A monospace `<textarea>` for pasted text (token, policy, error text) that never reads its whole value back.
//!
//! A textarea with Yew's `value` attribute is read back (`el.value()`, the whole text copied into the module)
//! on every re-render, to compare it with the new value: 7 ms each time for a 1 MB policy. Here the textarea
//! is uncontrolled: what it holds is remembered from its own input events and from what was written into it,
//! and the DOM is written only when the app's value differs (an example, a link, Clear).

use std::cell::RefCell;
use std::rc::Rc;

use web_sys::{HtmlTextAreaElement, InputEvent};
use yew::prelude::*;

/// The new text, and whether it came in one piece (a paste or a drop) rather than by typing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub text: String,
    pub whole: bool,
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub id: AttrValue,
    pub rows: u32,
    pub placeholder: AttrValue,
    #[prop_or_default]
    pub describedby: Option<AttrValue>,
    /// What the app holds for this field.
    pub value: AttrValue,
    pub onedit: Callback<Edit>,
}

#[component]
pub fn TextField(props: &Props) -> Html {
    let node = use_node_ref();
    // The text the textarea holds as far as the app knows: written into it, or reported by its input event.
    let shown: Rc<RefCell<Option<String>>> = use_mut_ref(|| None);
    {
        let (node, shown) = (node.clone(), shown.clone());
        use_effect_with(props.value.clone(), move |value| {
            let mut shown = shown.borrow_mut();
            if shown.as_deref() != Some(value.as_str()) {
                if let Some(area) = node.cast::<HtmlTextAreaElement>() {
                    area.set_value(value);
                    *shown = Some(value.to_string());
                }
            }
        });
    }
    let oninput = {
        let (shown, onedit) = (shown, props.onedit.clone());
        Callback::from(move |event: InputEvent| {
            if let Some(area) = event.target_dyn_into::<HtmlTextAreaElement>() {
                let text = area.value();
                *shown.borrow_mut() = Some(text.clone());
                let whole = matches!(
                    event.input_type().as_str(),
                    "insertFromPaste" | "insertFromDrop"
                );
                onedit.emit(Edit { text, whole });
            }
        })
    };
    html! {
        <textarea ref={node} id={props.id.clone()} class="mono" rows={props.rows.to_string()} spellcheck="false"
            autocomplete="off" autocapitalize="off" placeholder={props.placeholder.clone()}
            aria-describedby={props.describedby.clone()} {oninput} />
    }
}
