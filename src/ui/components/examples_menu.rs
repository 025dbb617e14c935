//! The "Examples" menu: built-in token + policy pairs (see static/examples/make.py).

use web_sys::Element;
use yew::prelude::*;

use super::text::rich;
use crate::state::{Action, EXAMPLES};
use crate::ui::reducer::Dispatch;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub dispatch: Dispatch,
}

#[component]
pub fn ExamplesMenu(props: &Props) -> Html {
    let menu = use_node_ref();
    let item = |example: &crate::state::Example| {
        let (dispatch, menu, name) = (props.dispatch.clone(), menu.clone(), example.name);
        let onclick = Callback::from(move |_: MouseEvent| {
            dispatch.dispatch(Action::LoadExample(name.to_owned()));
            if let Some(details) = menu.cast::<Element>() {
                let _ = details.remove_attribute("open");
            }
        });
        html! {
            <li><button type="button" class="example" data-example={name} {onclick}>{ rich(example.title) }</button></li>
        }
    };
    html! {
        <details class="examples-menu" ref={menu.clone()}>
            <summary>{ "Examples" }</summary>
            <ul>{ for EXAMPLES.iter().map(item) }</ul>
        </details>
    }
}
