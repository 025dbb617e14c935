//! Every event callback of the UI is built here, so components stay declarative.

use web_sys::MouseEvent;
use yew::Callback;

use super::components::text_box::Typed;
use super::reducer::Dispatch;
use crate::state::Action;

/// A click that dispatches `action`.
pub fn on_click(dispatch: &Dispatch, action: Action) -> Callback<MouseEvent> {
    let dispatch = dispatch.clone();
    Callback::from(move |_: MouseEvent| dispatch.dispatch(action.clone()))
}

/// A click that dispatches `action`, then moves the focus to the element with id `focus` (e.g. *Clear*, which
/// disables itself, gives the focus to the Token field instead of dropping it on `<body>`).
pub fn on_click_focus(
    dispatch: &Dispatch,
    action: Action,
    focus: &'static str,
) -> Callback<MouseEvent> {
    let dispatch = dispatch.clone();
    Callback::from(move |_: MouseEvent| {
        dispatch.dispatch(action.clone());
        super::browser::focus_id(focus);
    })
}

/// A click that dispatches the action `make` builds at click time (e.g. from the clock).
pub fn on_click_with(
    dispatch: &Dispatch,
    make: impl Fn() -> Action + 'static,
) -> Callback<MouseEvent> {
    let dispatch = dispatch.clone();
    Callback::from(move |_: MouseEvent| dispatch.dispatch(make()))
}

/// Typing into a text box: dispatches `make(<its new text>)`. A paste or a drop is analyzed at once even when
/// large (only typing waits for a pause).
pub fn on_text(dispatch: &Dispatch, make: fn(String) -> Action) -> Callback<Typed> {
    let dispatch = dispatch.clone();
    Callback::from(move |typed: Typed| {
        dispatch.dispatch(make(typed.text));
        if typed.whole {
            dispatch.dispatch(Action::CommitLatest);
        }
    })
}
