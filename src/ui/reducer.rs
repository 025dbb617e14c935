//! The Yew side of [`State`]: its reducer is [`State::apply`], plain Rust tested natively.

use std::rc::Rc;

use yew::{Reducible, UseReducerDispatcher};

use crate::state::{Action, State};

/// What components get to change the state.
pub type Dispatch = UseReducerDispatcher<State>;

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut state = Rc::unwrap_or_clone(self);
        state.apply(action);
        Rc::new(state)
    }
}
