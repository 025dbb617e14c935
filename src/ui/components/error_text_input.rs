//! The optional "Error text from the job" text area, collapsed until asked for.

use yew::prelude::*;

use super::text_box::TextBox;
use crate::state::Action;
use crate::ui::callbacks;
use crate::ui::reducer::Dispatch;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub value: AttrValue,
    pub expanded: bool,
    pub dispatch: Dispatch,
}

#[component]
pub fn ErrorTextInput(props: &Props) -> Html {
    let marker = if props.expanded { "▾ " } else { "▸ " };
    html! {
        <div class="field field-error-text">
            <button type="button" class="disclosure" aria-expanded={props.expanded.to_string()}
                aria-controls="error-text-body" onclick={callbacks::on_click(&props.dispatch, Action::ToggleErrorText)}>
                <span aria-hidden="true">{ marker }</span>{ "Error text from the job (optional)" }
            </button>
            <div id="error-text-body" hidden={!props.expanded}>
                <label for="error-text-input">{ "Error text from the job" }</label>
                <TextBox id="error-text-input" rows={3}
                    placeholder="e.g. An error occurred (AccessDenied) when calling the AssumeRoleWithWebIdentity operation: Not authorized to perform sts:AssumeRoleWithWebIdentity"
                    value={props.value.clone()}
                    oninput={callbacks::on_text(&props.dispatch, Action::SetErrorText)} />
            </div>
        </div>
    }
}
