//! "Evaluated as of …": the evaluation time, pinned (from a link or an example) or the clock.

use yew::prelude::*;

use crate::state::Action;
use crate::ui::reducer::Dispatch;
use crate::ui::{browser, callbacks};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub at: i64,
    pub pinned: bool,
    pub dispatch: Dispatch,
}

#[component]
pub fn EvalTime(props: &Props) -> Html {
    let utc = crate::time::format_utc(props.at);
    // Machine-readable for scripts and assistive technology.
    let datetime = crate::time::format_iso(props.at);
    html! {
        <p class={classes!("eval-time", props.pinned.then_some("eval-time-pinned"))}>
            if props.pinned {
                { "Evaluated as of " }<time datetime={datetime.clone()}>{ utc.clone() }</time>{ " (pinned) " }
                <button type="button" onclick={callbacks::on_click(&props.dispatch, Action::Unpin)}>
                    { "Evaluate now" }
                </button>
            } else {
                { "Evaluated now: " }<time {datetime}>{ utc }</time>{ " " }
                <button type="button" title="keep this evaluation time in the link"
                    onclick={callbacks::on_click_with(&props.dispatch, || Action::Pin(browser::now_secs()))}>
                    { "Pin this time" }
                </button>
            }
        </p>
    }
}
