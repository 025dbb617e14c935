//! The only module that calls web APIs. Nothing here panics: a missing window, history or clipboard
//! degrades to doing nothing (or reporting failure), never to an exception inside a render.

use gloo::events::EventListener;
use js_sys::{Date, Reflect};
use wasm_bindgen::{JsCast, JsValue};

/// Remove the element with `id` (the static loading shell of index.html) if it is there.
pub fn remove_id(id: &str) {
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
    {
        el.remove();
    }
}

/// The clock, unix seconds.
pub fn now_secs() -> i64 {
    (Date::now() / 1000.0).floor() as i64
}

/// The current URL fragment, without `#` (empty when there is none).
pub fn fragment() -> String {
    let hash = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    hash.strip_prefix('#').map(str::to_owned).unwrap_or(hash)
}

/// Make the URL fragment `fragment` (none when empty) without adding a history entry and without
/// touching the path or adding a query string.
pub fn replace_fragment(fragment: &str) {
    if self::fragment() == fragment {
        return;
    }
    let Some(history) = web_sys::window().and_then(|w| w.history().ok()) else {
        return;
    };
    let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&url_with(fragment)));
}

/// The page's URL with `fragment` (none when empty): the path and query string as they are.
fn url_with(fragment: &str) -> String {
    if fragment.is_empty() {
        let location = web_sys::window().map(|w| w.location());
        let part = |f: fn(&web_sys::Location) -> Result<String, JsValue>| {
            location
                .as_ref()
                .and_then(|l| f(l).ok())
                .unwrap_or_default()
        };
        format!(
            "{}{}",
            part(web_sys::Location::pathname),
            part(web_sys::Location::search)
        )
    } else {
        format!("#{fragment}")
    }
}

/// Keep `previous` as a history entry of its own, and show `current` in a new one: *Back* then returns to
/// `previous` (a `hashchange`, which the page reads as a link).
pub fn push_fragment(previous: &str, current: &str) {
    let Some(history) = web_sys::window().and_then(|w| w.history().ok()) else {
        return;
    };
    replace_fragment(previous);
    let _ = history.push_state_with_url(&JsValue::NULL, "", Some(&url_with(current)));
}

/// Call `on_change` with the new fragment whenever the user changes it (e.g. pastes a link).
/// Dropping the listener stops it.
pub fn on_fragment_change(on_change: impl Fn(String) + 'static) -> Option<EventListener> {
    let window = web_sys::window()?;
    Some(EventListener::new(&window, "hashchange", move |event| {
        // The fragment the change was to, not the address bar's now: the page's own `replaceState` (keeping the
        // fragment in step with the analysis) may have run between the change and this event.
        let to = event
            .dyn_ref::<web_sys::HashChangeEvent>()
            .map(|e| e.new_url())
            .and_then(|url| url.split_once('#').map(|(_, f)| f.to_owned()));
        on_change(to.unwrap_or_else(fragment))
    }))
}

/// Set (`Some`) or remove (`None`) `data-theme` on `<html>`; the stylesheet follows the system otherwise.
pub fn set_theme(theme: Option<&str>) {
    let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    else {
        return;
    };
    let _ = match theme {
        Some(theme) => root.set_attribute("data-theme", theme),
        None => root.remove_attribute("data-theme"),
    };
}

fn date(unix: i64) -> Option<Date> {
    let date = Date::new(&JsValue::from_f64(unix as f64 * 1000.0));
    (!date.get_time().is_nan()).then_some(date)
}

/// `unix` in the browser's time zone, e.g. `2026-11-20 11:30:00 UTC+01:00`.
pub fn format_local(unix: i64) -> String {
    let Some(d) = date(unix) else {
        return String::new();
    };
    let east = -(d.get_timezone_offset() as i64);
    let sign = if east < 0 { '-' } else { '+' };
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02} UTC{sign}{:02}:{:02}",
        // web-sys types the year as `u32`: a year before 0 comes back wrapped.
        d.get_full_year() as i32,
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes(),
        d.get_seconds(),
        east.abs() / 60,
        east.abs() % 60
    )
}

/// Copy `text` to the clipboard; false when the browser refuses or has no clipboard (e.g. not a secure
/// context).
pub async fn copy(text: String) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let navigator = window.navigator();
    let available =
        Reflect::get(&navigator, &JsValue::from_str("clipboard")).is_ok_and(|c| c.is_object());
    if !available {
        return false;
    }
    let promise = navigator.clipboard().write_text(&text);
    wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
}

/// This page's URL without its fragment (e.g. `https://host/sub/path/` or `file:///…/claimcheck.html`),
/// the base of share links.
pub fn page_url() -> String {
    let href = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default();
    match href.split_once('#') {
        Some((base, _)) => base.to_owned(),
        None => href,
    }
}

/// Move the keyboard focus to the element with this `id`, if there is one and it can take focus.
pub fn focus_id(id: &str) {
    use wasm_bindgen::JsCast;
    if let Some(element) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = element.focus();
    }
}

/// Whether the keyboard focus is nowhere in particular (on `<body>`, or on nothing) or inside `within`.
pub fn focus_is_lost_or_in(within: &web_sys::Element) -> bool {
    let document = web_sys::window().and_then(|w| w.document());
    let active = document.as_ref().and_then(|d| d.active_element());
    let body = document.as_ref().and_then(|d| d.body());
    match active {
        None => true,
        Some(active) => {
            body.is_some_and(|b| *b == active) || within.contains(Some(active.as_ref()))
        }
    }
}

/// Call `on_event` for each `event` (e.g. "keydown") anywhere in the document; dropping the listener stops it.
pub fn on_document(
    event: &'static str,
    on_event: impl FnMut(&web_sys::Event) + 'static,
) -> Option<EventListener> {
    let document = web_sys::window()?.document()?;
    Some(EventListener::new(&document, event, on_event))
}

/// Once the page has rendered the click's update, move the focus to the `item`-th (from 1) element matching
/// `selector` inside the clicked element's closest `container` (made focusable with `tabindex=-1`). For a
/// button the click removes (the last *Show more*), so that the focus lands on what it revealed.
pub fn focus_revealed(event: &web_sys::MouseEvent, container: &str, selector: &str, item: usize) {
    use wasm_bindgen::JsCast;
    let Some(container) = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|e| e.closest(container).ok().flatten())
    else {
        return;
    };
    let selector = format!("{selector}:nth-child({item})");
    gloo::timers::callback::Timeout::new(0, move || {
        if let Some(target) = container
            .query_selector(&selector)
            .ok()
            .flatten()
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        {
            if !target.has_attribute("tabindex") {
                let _ = target.set_attribute("tabindex", "-1");
            }
            let _ = target.focus();
        }
    })
    .forget();
}

/// The text of a `<textarea>`, copied into wasm memory by the browser's own UTF-8 encoder.
///
/// `HtmlTextAreaElement::value` copies it with wasm-bindgen's glue, which walks the string in JavaScript one
/// UTF-16 unit at a time while it is ASCII: 10 ms for each keystroke in a 1 MB policy, against under 1 ms for
/// `TextEncoder.encodeInto`. Unpaired surrogates become U+FFFD, as they do with the glue.
pub fn text_value(area: &web_sys::HtmlTextAreaElement) -> String {
    let text = wasm_bindgen::JsCast::unchecked_ref::<js::TextArea>(area).value();
    let units = text.length() as usize;
    let encoder = js::TextEncoder::new();
    // ASCII first (one byte per unit); the rest, if any, with room for three bytes per remaining unit.
    let mut bytes: Vec<u8> = Vec::with_capacity(units);
    let mut read = 0;
    while read < units {
        let rest = if read == 0 {
            text.clone()
        } else {
            text.slice(read as u32, units as u32)
        };
        let spare = bytes.spare_capacity_mut();
        // SAFETY: the view covers the vector's spare capacity and is dropped before the vector is touched again;
        // nothing allocates in wasm memory while it lives, so the memory cannot grow and detach it.
        let view =
            unsafe { js_sys::Uint8Array::view_mut_raw(spare.as_mut_ptr().cast(), spare.len()) };
        let done = encoder.encode_into(&rest, &view);
        drop(view);
        let written = (done.written() as usize).min(spare.len());
        // SAFETY: `encodeInto` initialized the first `written` bytes of the spare capacity.
        unsafe { bytes.set_len(bytes.len() + written) };
        read += done.read() as usize;
        if read < units {
            bytes.reserve((units - read) * 3);
        }
    }
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

mod js {
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        /// A `<textarea>` whose `value` is left a JavaScript string.
        pub type TextArea;
        #[wasm_bindgen(method, getter)]
        pub fn value(this: &TextArea) -> js_sys::JsString;

        pub type TextEncoder;
        #[wasm_bindgen(constructor)]
        pub fn new() -> TextEncoder;
        #[wasm_bindgen(method, js_name = encodeInto)]
        pub fn encode_into(
            this: &TextEncoder,
            source: &js_sys::JsString,
            destination: &js_sys::Uint8Array,
        ) -> EncodeInto;

        /// What `encodeInto` did: UTF-16 units read, bytes written.
        pub type EncodeInto;
        #[wasm_bindgen(method, getter)]
        pub fn read(this: &EncodeInto) -> u32;
        #[wasm_bindgen(method, getter)]
        pub fn written(this: &EncodeInto) -> u32;
    }
}
