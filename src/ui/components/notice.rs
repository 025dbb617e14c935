//! A dismissible message about a link or example that could not be loaded.

use yew::prelude::*;

use super::text::rich;
use crate::state::Action;
use crate::ui::callbacks;
use crate::ui::reducer::Dispatch;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub message: AttrValue,
    pub dispatch: Dispatch,
}

#[component]
pub fn Notice(props: &Props) -> Html {
    html! {
        <div class="notice" role="alert">
            <span>{ rich(&props.message) }</span>
            <button type="button" onclick={callbacks::on_click(&props.dispatch, Action::DismissNotice)}>
                { "Dismiss" }
            </button>
        </div>
    }
}
