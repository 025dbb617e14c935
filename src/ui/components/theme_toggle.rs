//! The theme button: system → dark → light (never persisted).

use yew::prelude::*;

use crate::state::{Action, Theme};
use crate::ui::callbacks;
use crate::ui::reducer::Dispatch;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub theme: Theme,
    pub dispatch: Dispatch,
}

#[component]
pub fn ThemeToggle(props: &Props) -> Html {
    let title = format!(
        "colour theme: {} (switch to {})",
        props.theme.label(),
        props.theme.next().label()
    );
    html! {
        <button type="button" class="theme-toggle" {title}
            onclick={callbacks::on_click(&props.dispatch, Action::ToggleTheme)}>
            { "Theme: " }{ props.theme.label() }
        </button>
    }
}
