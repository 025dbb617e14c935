//! The app: one reducer, the effects that tie it to the browser (clock, URL fragment, theme, deferred
//! analysis of large inputs), and the page layout.

use std::rc::Rc;

use gloo::timers::callback::{Interval, Timeout};
use yew::prelude::*;

use super::components::{
    checks_table::ChecksTable, claims_table::ClaimsTable, error_text_input::ErrorTextInput,
    eval_time::EvalTime, examples_menu::ExamplesMenu, findings::Findings, notice::Notice,
    policy_input::PolicyInput, sub_view::SubView, suggestions::Suggestions,
    theme_toggle::ThemeToggle, token_input::TokenInput, verdict::VerdictBanner,
};
use super::reducer::Page;
use super::report_prop::ReportProp;
use super::share_panel::{LinkBanners, SharePanel};
use super::signature::SignaturePanel;
use super::{browser, callbacks};
use crate::report::{Report, SignatureReport};
use crate::state::{Action, State};

/// How often the clock moves (relative times, expiry).
const TICK_MS: u32 = 15_000;
/// The pause in typing after which a large input that waits is analyzed (and a burst of keystrokes ends).
const DEFER_MS: u32 = 400;
/// The page mounts in steps, one task each (see `mounted` below); this is the last step.
const MOUNT_STEPS: u8 = 9;
/// The pause in typing after which the address bar's fragment is updated.
const FRAGMENT_MS: u32 = 250;

#[component]
pub fn App() -> Html {
    let page = use_reducer(|| Page::new(State::new(browser::now_secs(), &browser::fragment())));
    let dispatch = page.dispatcher();
    let state = &page.state;
    // The first render shows the verdict; the inputs, results and panels below follow, top to bottom,
    // one section per task, so that an opened link shows its verdict sooner and no single task blocks the page
    // for long. Content is only ever added below what is shown, so nothing shifts. After that, updates render all.
    let mounted = use_state(|| 0u8);
    use_effect_with(*mounted, {
        let mounted = mounted.clone();
        move |&step| {
            let next = (step < MOUNT_STEPS).then(|| Timeout::new(0, move || mounted.set(step + 1)));
            move || drop(next)
        }
    });
    let step = *mounted;

    // The clock, and links pasted into the address bar.
    use_effect_with((), {
        let dispatch = dispatch.clone();
        move |_| {
            let tick = dispatch.clone();
            let clock = Interval::new(TICK_MS, move || {
                tick.dispatch(Action::Tick(browser::now_secs()))
            });
            let links = browser::on_fragment_change(move |fragment| {
                dispatch.dispatch(Action::LoadFragment(fragment))
            });
            move || drop((clock, links))
        }
    });
    // Inputs an example or *Clear* replaced stay one *Back* away.
    use_effect_with(state.replaced.0, {
        let page = page.clone();
        move |&count| {
            if count > 0 {
                browser::push_fragment(&page.state.replaced.1, &page.state.fragment());
            }
        }
    });
    use_effect_with(state.theme, |theme| browser::set_theme(theme.attribute()));
    // Large inputs: the first keystroke is analyzed at once; the ones that follow it quickly wait for a pause in
    // typing, which also ends the burst (each keystroke cancels the previous timer).
    use_effect_with((state.revision, state.pending() || state.burst), {
        let dispatch = dispatch.clone();
        move |&(revision, waiting)| {
            let timer = waiting.then(|| {
                Timeout::new(DEFER_MS, move || {
                    dispatch.dispatch(Action::Commit(revision))
                })
            });
            move || drop(timer)
        }
    });

    // What a link restores, as of the last analysis (so a large input is not copied for every keystroke).
    let shared = use_memo((state.committed, state.view), {
        let page = page.clone();
        move |_| page.state.shared()
    });
    // The sharer's signature result an opened link carries (while its token is unedited), for the keys panel.
    let link_signature = use_memo(state.link.clone(), |link| {
        link.as_ref().and_then(crate::share::signature_report)
    });
    // A signature found invalid (with the token it was checked for) makes the verdict deny: by the keys panel,
    // or, until the panel mounts, by whoever shared the link (so a reader never sees its verdict flip).
    let invalid_signature = use_state({
        let from_link = (*link_signature).clone();
        move || from_link
    });
    let report = use_memo(
        (
            ReportProp::from(page.report.clone()),
            (*invalid_signature).clone(),
        ),
        |(report, invalid)| match invalid {
            Some((compact, signature))
                if report.token.as_ref().is_some_and(|t| &t.compact == compact) =>
            {
                let mut report = Report::clone(report);
                crate::signature::apply(&mut report, signature.clone());
                ReportProp::from(Rc::new(report))
            }
            _ => report.clone(),
        },
    );
    let report = ReportProp::clone(&report);
    // Keep the fragment in step with what is analyzed (replaceState: no history entries), once typing pauses:
    // replaceState with a long URL costs milliseconds, too much for every keystroke. A link that could not be
    // read is left in the address bar so that it is not lost. A signature found invalid is stated, as the share
    // panel's link states it.
    let signature_invalid = report
        .signature
        .as_ref()
        .filter(|s| s.status == "invalid")
        .map(|s| s.key_id.clone().unwrap_or_default());
    use_effect_with((state.committed, state.view, signature_invalid), {
        let page = page.clone();
        move |(_, _, signature_invalid)| {
            let keep = !(page.state.notice.is_some() && page.state.is_empty());
            let signature_invalid = signature_invalid.clone();
            let timer = keep.then(|| {
                Timeout::new(FRAGMENT_MS, move || {
                    browser::replace_fragment(&page.state.fragment_stating(signature_invalid))
                })
            });
            move || drop(timer)
        }
    });
    let on_signature = {
        let invalid_signature = invalid_signature.clone();
        Callback::from(move |checked: Option<(String, SignatureReport)>| {
            let invalid = checked.filter(|(_, s)| s.status == "invalid");
            if *invalid_signature != invalid {
                invalid_signature.set(invalid);
            }
        })
    };

    html! {
        <div class="app">
            <header class="topbar">
                <div class="brand">
                    <h1>{ "claimcheck" }</h1>
                    <p class="tagline">{ "Why can't my CircleCI job assume this role? Everything stays in your browser." }</p>
                </div>
                <nav class="toolbar" aria-label="tools">
                    <ExamplesMenu dispatch={dispatch.clone()} />
                    <button type="button" class="clear" disabled={state.is_empty()}
                        onclick={callbacks::on_click_focus(&dispatch, Action::Clear, "token-input")}>{ "Clear" }</button>
                    <ThemeToggle theme={state.theme} dispatch={dispatch.clone()} />
                </nav>
            </header>
            <main>
                if let Some(message) = &state.notice {
                    <Notice message={AttrValue::from(message.clone())} dispatch={dispatch.clone()} />
                }
                <LinkBanners link={state.link.clone()} />
                <VerdictBanner report={report.clone()} has_token={!state.token.trim().is_empty()}
                    has_policy={!state.policy.trim().is_empty()} pending={state.pending()} />
                <EvalTime at={state.now()} pinned={state.pinned_at.is_some()} dispatch={dispatch.clone()} />
                if step >= 1 {
                    <section class="inputs" aria-label="inputs">
                        <TokenInput value={AttrValue::from(state.token.clone())} report={report.clone()} dispatch={dispatch.clone()} />
                        <PolicyInput value={AttrValue::from(state.policy.clone())} report={report.clone()} dispatch={dispatch.clone()} />
                        <ErrorTextInput value={AttrValue::from(state.error_text.clone())} expanded={state.show_error_text}
                            dispatch={dispatch.clone()} />
                    </section>
                }
                <div class="results">
                    if step >= 2 {
                        if let Some(sub) = &report.sub { <SubView sub={sub.clone()} /> }
                    }
                    if step >= 3 { <ChecksTable report={report.clone()} stale={state.pending()} /> }
                    if step >= 4 { <Findings report={report.clone()} /> }
                    if step >= 5 {
                        <ClaimsTable report={report.clone()} view={state.view} dispatch={dispatch.clone()} />
                    }
                    if step >= 6 { <Suggestions report={report.clone()} /> }
                </div>
                // Feature panels, after the results (what most visitors came for): one component each, taking
                // what they need from `state`, `report` and `dispatch`: the share link panel
                // (src/ui/share_panel.rs), the signature keys input.
                <section class="panels" aria-label="options">
                    if step >= 7 { <SharePanel shared={(*shared).clone()} report={report.clone()} /> }
                    if step >= 8 { <SignaturePanel report={report.clone()} from_link={(*link_signature).clone()} on_result={on_signature} /> }
                </section>
            </main>
            if step >= MOUNT_STEPS {
                <footer class="footer">
                    <p>{ "claimcheck runs entirely in this page: nothing you paste is sent anywhere or stored." }</p>
                </footer>
            }
        </div>
    }
}
