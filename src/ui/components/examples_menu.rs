//! The "Examples" menu: built-in token + policy pairs (see static/examples/make.py).
//!
//! Choosing an example closes the menu and moves the focus to the verdict (the example's outcome); Escape or
//! a click outside closes it and gives the focus back to its summary (unless the click focused something);
//! tabbing out of it closes it.

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, Node};
use yew::prelude::*;

use super::text::rich;
use super::verdict::VERDICT_ID;
use crate::state::{Action, EXAMPLES};
use crate::ui::browser;
use crate::ui::reducer::Dispatch;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub dispatch: Dispatch,
}

/// Close the menu if it is open; then focus its summary when `refocus` says the focus is not elsewhere.
fn close(menu: &NodeRef, summary: &NodeRef, refocus: impl Fn(&Element) -> bool) {
    let Some(details) = menu.cast::<Element>() else {
        return;
    };
    if !details.has_attribute("open") {
        return;
    }
    let _ = details.remove_attribute("open");
    if refocus(&details) {
        if let Some(summary) = summary.cast::<HtmlElement>() {
            let _ = summary.focus();
        }
    }
}

#[component]
pub fn ExamplesMenu(props: &Props) -> Html {
    let menu = use_node_ref();
    let summary = use_node_ref();
    use_effect_with((), {
        let (menu, summary) = (menu.clone(), summary.clone());
        move |_| {
            let outside = browser::on_document("click", move |event| {
                let target = event.target().and_then(|t| t.dyn_into::<Node>().ok());
                let inside = menu
                    .cast::<Element>()
                    .is_some_and(|d| d.contains(target.as_ref()));
                if !inside {
                    close(&menu, &summary, browser::focus_is_lost_or_in);
                }
            });
            move || drop(outside)
        }
    });
    let item = |example: &crate::state::Example| {
        let (dispatch, menu, name) = (props.dispatch.clone(), menu.clone(), example.name);
        let onclick = Callback::from(move |_: MouseEvent| {
            dispatch.dispatch(Action::LoadExample(name.to_owned()));
            if let Some(details) = menu.cast::<Element>() {
                let _ = details.remove_attribute("open");
            }
            browser::focus_id(VERDICT_ID);
        });
        html! {
            <li><button type="button" class="example" data-example={name} {onclick}>{ rich(example.title) }</button></li>
        }
    };
    let onkeydown = {
        let (menu, summary) = (menu.clone(), summary.clone());
        Callback::from(move |event: KeyboardEvent| {
            if event.key() == "Escape" {
                close(&menu, &summary, |_| true);
            }
        })
    };
    // Tabbing out of the open menu closes it (it would otherwise stay open over the verdict). Focus leaving
    // for nowhere (another window) keeps it open.
    let onfocusout = {
        let (menu, summary) = (menu.clone(), summary.clone());
        Callback::from(move |event: FocusEvent| {
            let Some(next) = event
                .related_target()
                .and_then(|t| t.dyn_into::<Node>().ok())
            else {
                return;
            };
            let inside = menu
                .cast::<Element>()
                .is_some_and(|d| d.contains(Some(&next)));
            if !inside {
                close(&menu, &summary, |_| false);
            }
        })
    };
    html! {
        <details class="examples-menu" ref={menu.clone()} {onkeydown} {onfocusout}>
            <summary ref={summary}>{ "Examples" }</summary>
            <ul>{ for EXAMPLES.iter().map(item) }</ul>
        </details>
    }
}
