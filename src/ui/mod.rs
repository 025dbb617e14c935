//! The Yew UI: thin components over one [`crate::Report`], state in [`crate::state`].
//!
//! Layout follows Yew's `function_todomvc` example: [`app`] wires state, effects and components; the
//! components live in small files under `components/`; [`callbacks`] builds every event callback; [`browser`]
//! is the only place that touches web APIs, and it never panics (every missing API degrades gracefully).
//! Everything from the user is rendered as text through `html!` (never as HTML, never as a link target).

mod app;
mod browser;
mod callbacks;
mod components;
mod reducer;
pub(crate) mod report_prop;
mod share_panel;
mod signature;

/// Mount the app on `<body>` at once. The first render shows only the verdict (the rest mounts in later tasks,
/// see `app`), so it stays short; a task of its own for it (as before) cost 12-29 ms from link to verdict, the
/// browser painting the empty page in between, and did not lower Lighthouse's blocking time.
///
/// index.html shows a static shell (`#boot`: the title and a loading line, styled by the same stylesheet) while
/// the wasm loads; it goes in the same task as the first render, so the two never show together.
pub fn start() {
    browser::remove_id("boot");
    yew::Renderer::<app::App>::new().render();
}
