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
mod share_panel;
mod signature;

/// Mount the app on `<body>`, in a task of its own: instantiating the wasm module and the first render are then
/// two shorter tasks instead of one long one, so the page answers input sooner while it starts.
pub fn start() {
    gloo::timers::callback::Timeout::new(0, || {
        yew::Renderer::<app::App>::new().render();
    })
    .forget();
}
