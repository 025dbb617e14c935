//! A button that copies a text to the clipboard and says whether it worked.

use yew::platform::spawn_local;
use yew::prelude::*;

use super::text::visible;
use crate::ui::browser;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub text: AttrValue,
    /// What is copied, for the accessible name, e.g. "policy".
    #[prop_or(AttrValue::Static("text"))]
    pub what: AttrValue,
}

#[derive(Clone, Copy, PartialEq)]
enum Status {
    Idle,
    Copied,
    Failed,
}

#[component]
pub fn CopyButton(props: &Props) -> Html {
    let status = use_state(|| Status::Idle);
    let onclick = {
        let (status, text) = (status.clone(), props.text.to_string());
        Callback::from(move |_: MouseEvent| {
            let (status, text) = (status.clone(), text.clone());
            spawn_local(async move {
                status.set(if browser::copy(text).await {
                    Status::Copied
                } else {
                    Status::Failed
                });
            });
        })
    };
    let label = match *status {
        Status::Idle => "Copy",
        Status::Copied => "Copied",
        Status::Failed => "Copy failed: select the text",
    };
    html! {
        <button type="button" class="copy-button" {onclick}>
            <span aria-live="polite">{ label }</span>
            <span class="visually-hidden">{ " " }{ visible(&props.what) }</span>
        </button>
    }
}
