//! Every event callback of the UI is built here, so components stay declarative.

use web_sys::MouseEvent;
use yew::Callback;

use super::components::text_field::Edit;

use super::reducer::Dispatch;
use crate::state::Action;

/// A click that dispatches `action`.
pub fn on_click(dispatch: &Dispatch, action: Action) -> Callback<MouseEvent> {
    let dispatch = dispatch.clone();
    Callback::from(move |_: MouseEvent| dispatch.dispatch(action.clone()))
}

/// A click that dispatches the action `make` builds at click time (e.g. from the clock).
pub fn on_click_with(
    dispatch: &Dispatch,
    make: impl Fn() -> Action + 'static,
) -> Callback<MouseEvent> {
    let dispatch = dispatch.clone();
    Callback::from(move |_: MouseEvent| dispatch.dispatch(make()))
}

/// An edit of a text field: dispatches `make(<its new text>)`. A paste or a drop is analyzed at once even when
/// large (only typing waits for a pause).
pub fn on_edit(dispatch: &Dispatch, make: fn(String) -> Action) -> Callback<Edit> {
    let dispatch = dispatch.clone();
    Callback::from(move |edit: Edit| {
        dispatch.dispatch(make(edit.text));
        if edit.whole {
            dispatch.dispatch(Action::CommitLatest);
        }
    })
}
