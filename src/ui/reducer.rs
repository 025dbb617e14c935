//! The Yew side of [`State`]: its reducer is [`State::apply`], plain Rust tested natively; the analysis of what
//! it says to analyze is kept beside it.

use std::rc::Rc;

use yew::{Reducible, UseReducerDispatcher};

use crate::analyze::analyze;
use crate::report::Report;
use crate::state::{Action, State};

/// What components get to change the page.
pub type Dispatch = UseReducerDispatcher<Page>;

/// The state, and the report for what it says to analyze.
///
/// The analysis runs in the reducer, that is in the event handler that changed the inputs, and not while Yew
/// renders: Yew's scheduler hands the thread back to the browser once it has worked for 16 ms, and then only
/// renders the components below in a later task. With the analysis in the app's render, a keystroke in a 1 MB
/// policy showed the new report 30–80 ms late, after a frame that still showed the old one.
#[derive(Clone)]
pub struct Page {
    pub state: State,
    pub report: Rc<Report>,
    /// What `report` was computed for: the committed revision and the evaluation time.
    analyzed: (u64, i64),
}

impl Page {
    pub fn new(state: State) -> Page {
        let report = Rc::new(analyze(&state.input()));
        let analyzed = (state.committed, state.now());
        Page {
            state,
            report,
            analyzed,
        }
    }
}

impl Reducible for Page {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut page = Rc::unwrap_or_clone(self);
        page.state.apply(action);
        let wanted = (page.state.committed, page.state.now());
        if wanted != page.analyzed {
            page.report = Rc::new(analyze(&page.state.input()));
            page.analyzed = wanted;
        }
        Rc::new(page)
    }
}
