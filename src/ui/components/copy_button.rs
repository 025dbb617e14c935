//! A button that copies a text to the clipboard and says whether it worked, for about two seconds; a
//! visually hidden status next to it announces the outcome to screen readers.

use gloo::timers::callback::Timeout;
use yew::platform::spawn_local;
use yew::prelude::*;

use super::text::rich;
use crate::ui::browser;

/// How long "Copied" (or the failure) stays on the button before it says "Copy" again.
pub const RESET_MS: u32 = 2_000;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub text: AttrValue,
    /// What is copied, for the accessible name, e.g. "policy".
    #[prop_or(AttrValue::Static("text"))]
    pub what: AttrValue,
}

/// The outcome of the last copy, shown for [`RESET_MS`].
#[derive(Clone, Copy, PartialEq)]
pub enum Status {
    Idle,
    Copied,
    Failed,
}

/// The copy status of a button, back to [`Status::Idle`] [`RESET_MS`] after each copy, and the callback
/// that copies `text` (given at click time).
#[hook]
pub fn use_copy_status() -> (UseStateHandle<Status>, Callback<String>) {
    let status = use_state(|| Status::Idle);
    // The pending reset: a new copy replaces it (dropping a Timeout cancels it), unmounting drops it.
    let reset = use_mut_ref(|| None::<Timeout>);
    let copy = {
        let status = status.clone();
        Callback::from(move |text: String| {
            let (status, reset) = (status.clone(), reset.clone());
            spawn_local(async move {
                let ok = browser::copy(text).await;
                status.set(if ok { Status::Copied } else { Status::Failed });
                let idle = status.clone();
                *reset.borrow_mut() = Some(Timeout::new(RESET_MS, move || idle.set(Status::Idle)));
            });
        })
    };
    (status, copy)
}

#[component]
pub fn CopyButton(props: &Props) -> Html {
    let (status, copy) = use_copy_status();
    let onclick = {
        let text = props.text.to_string();
        Callback::from(move |_: MouseEvent| copy.emit(text.clone()))
    };
    let label = match *status {
        Status::Idle => "Copy",
        Status::Copied => "Copied",
        Status::Failed => "Copy failed: select the text",
    };
    // Said once per copy: emptied (which screen readers do not announce) when the label goes back to "Copy".
    let announcement = if *status == Status::Idle { "" } else { label };
    html! {
        <>
            <button type="button" class="copy-button" {onclick}>
                { label }<span class="visually-hidden">{ " " }{ rich(&props.what) }</span>
            </button>
            <span class="visually-hidden" role="status">{ announcement }</span>
        </>
    }
}
