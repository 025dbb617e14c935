//! The share link panel and the banners of a view opened from a link.
//!
//! [`SharePanel`] builds the link from what is on screen plus two choices kept in the panel (never in the URL
//! of this page): keep the signature (off by default) and which claims to redact. It shows the link in a
//! read-only field (for manual copy) and copies it with the clipboard API. When redaction changes what the
//! reader will see, it says so before the link is copied ([`share::redaction_effects`]).
//!
//! [`LinkBanners`] tells the reader of an opened link what the link changed: the signature was removed, claims
//! were redacted, parts of the link were ignored.

use yew::prelude::*;

use super::browser;
use super::components::copy_button::{use_copy_status, Status as CopyStatus};
use super::components::text::{rich, visible};
use crate::analyze::{analyze, Input};
use crate::report::Report;
use crate::share::{self, SharedState};
use crate::state::LINK_MAX_BYTES;
use crate::ui::report_prop::ReportProp;

/// The redaction choices offered: (redaction name, label). Claims are offered only when the token has them.
const REDACTIONS: [(&str, &str); 6] = [
    ("sub.user", "the user ID in `sub`"),
    (
        "oidc.circleci.com/pipeline-id",
        "`oidc.circleci.com/pipeline-id`",
    ),
    (
        "oidc.circleci.com/workflow-id",
        "`oidc.circleci.com/workflow-id`",
    ),
    ("oidc.circleci.com/job-id", "`oidc.circleci.com/job-id`"),
    (
        "oidc.circleci.com/context-ids",
        "`oidc.circleci.com/context-ids`",
    ),
    ("oidc.circleci.com/vcs-ref", "`oidc.circleci.com/vcs-ref`"),
];

#[derive(Properties, PartialEq)]
pub struct Props {
    /// What is on screen (the state's `shared()`).
    pub shared: SharedState,
    /// The report of what is on screen.
    pub report: ReportProp,
}

fn offered(report: &Report, name: &str) -> bool {
    let Some(claims) = report.token.as_ref().and_then(|t| t.claims.as_ref()) else {
        return false;
    };
    match name.strip_prefix("sub.") {
        Some(segment) => claims.get("sub").and_then(|s| s.as_str()).is_some_and(|s| {
            s.starts_with(&format!("{segment}/")) || s.contains(&format!("/{segment}/"))
        }),
        None => claims.contains_key(name),
    }
}

#[component]
pub fn SharePanel(props: &Props) -> Html {
    let keep_signature = use_state(|| false);
    let redact = use_state(Vec::<String>::new);
    let (status, copy) = use_copy_status();

    // The link reopens this view at this view's time, pinned or not: opened later, "now" would be another
    // time (an expired token, say) and another verdict.
    let pinned = props.shared.at.is_some();
    // A signature the keys panel found invalid made this view deny; the link carries neither the keys nor (by
    // default) the signature, so it carries that result, and the reader's view keeps the deny.
    let signature_invalid = props
        .report
        .signature
        .as_ref()
        .filter(|s| s.status == "invalid")
        .map(|s| s.key_id.clone().unwrap_or_default());
    let chosen = SharedState {
        keep_signature: *keep_signature,
        redacted: (*redact).clone(),
        at: props.shared.at.or(Some(props.report.at)),
        signature_invalid: signature_invalid.or(props.shared.signature_invalid.clone()),
        ..props.shared.clone()
    };
    let too_large =
        props.shared.token.len() + props.shared.policy.len() + props.shared.error_text.len()
            > LINK_MAX_BYTES;
    // The link, and what making it safe took (a token pasted in pieces is rewritten or left out).
    let made = use_memo((chosen.clone(), too_large), |(chosen, too_large)| {
        if *too_large {
            (String::new(), None)
        } else {
            let prepared = share::prepare(chosen);
            (share::encode_prepared(&prepared), Some(prepared))
        }
    });
    let (fragment, prepared) = (&made.0, made.1.as_ref());
    let carries_signature = prepared.is_some_and(|p| p.carries_signature);
    let token_left_out = prepared.is_some_and(|p| p.token_left_out);
    let notes: &[String] = prepared.map_or(&[], |p| &p.notes);
    let link = if fragment.is_empty() {
        String::new()
    } else {
        format!("{}#{}", browser::page_url(), fragment)
    };
    // What redaction changes for the reader, when it is chosen: the link with it against the same link without it
    // (not against this view: a link drops the signature whether or not anything is redacted).
    let effects = use_memo((chosen, props.report.at), |(chosen, at)| {
        if chosen.redacted.is_empty() {
            return Vec::new();
        }
        let read = |state: &SharedState| {
            analyze(&Input {
                token: &state.token,
                policy: &state.policy,
                error_text: &state.error_text,
                now: *at,
                signature_removed: state.signature_removed,
            })
        };
        let unredacted = SharedState {
            redacted: Vec::new(),
            ..chosen.clone()
        };
        share::redaction_effects(
            &read(&share::opened(&unredacted)),
            &read(&share::opened(chosen)),
        )
    });

    let on_keep = {
        let (keep_signature, status) = (keep_signature.clone(), status.clone());
        Callback::from(move |_: Event| {
            keep_signature.set(!*keep_signature);
            status.set(CopyStatus::Idle);
        })
    };
    let toggle = |name: &'static str| {
        let (redact, status) = (redact.clone(), status.clone());
        Callback::from(move |_: Event| {
            let mut names = (*redact).clone();
            match names.iter().position(|n| n == name) {
                Some(i) => {
                    names.remove(i);
                }
                None => names.push(name.to_string()),
            }
            redact.set(names);
            status.set(CopyStatus::Idle);
        })
    };
    let on_copy = {
        let link = link.clone();
        Callback::from(move |_: MouseEvent| copy.emit(link.clone()))
    };
    let select_all = Callback::from(|event: FocusEvent| {
        if let Some(input) = event.target_dyn_into::<web_sys::HtmlInputElement>() {
            input.select();
        }
    });
    let copy_label = match *status {
        CopyStatus::Idle => "Copy share link",
        CopyStatus::Copied => "Copied",
        CopyStatus::Failed => "Copy failed: select the link and copy it",
    };
    let signed = !props.shared.token.is_empty() && share::has_signature(&props.shared.token);
    let choices: Vec<&(&str, &str)> = REDACTIONS
        .iter()
        .filter(|(name, _)| offered(&props.report, name))
        .collect();

    html! {
        <section class="card share-panel" aria-labelledby="share-heading">
            <h2 id="share-heading">{ "Share link" }</h2>
            <p class="share-intro">
                { "The link holds everything in its fragment (after #), which browsers never send to a server. " }
                { "Anyone with the link sees this token's claims." }
            </p>
            if signed || *keep_signature {
                <label class="share-option share-keep-signature">
                    <input type="checkbox" checked={*keep_signature} onchange={on_keep} />
                    { " Include signature (the link can then be used as a credential until the token expires)" }
                </label>
            }
            if carries_signature {
                <p class="share-warning" role="alert">
                    { "Warning: this link carries a signed token. Until it expires, anyone holding the link can use it \
                       to assume the role." }
                </p>
            }
            if !choices.is_empty() {
                <fieldset class="share-redactions">
                    <legend>{ "Redact before sharing" }</legend>
                    { for choices.into_iter().map(|(name, label)| html! {
                        <label class="share-option share-redact" data-redact={*name}>
                            <input type="checkbox" checked={redact.iter().any(|n| n == name)} onchange={toggle(name)} />
                            { " " }{ rich(label) }
                        </label>
                    }) }
                </fieldset>
            }
            if !effects.is_empty() {
                <div class="share-effects" role="status">
                    <p>{ "Redaction changes what the reader of the link will see:" }</p>
                    <ul>
                        { for effects.iter().map(|f| html! {
                            <li class="share-effect" data-code={f.code}>{ rich(&f.message) }</li>
                        }) }
                    </ul>
                </div>
            }
            if too_large {
                <p class="share-empty share-too-large">
                    { format!("The inputs are too large for a link ({} KB; links hold at most {} KB).",
                        (props.shared.token.len() + props.shared.policy.len() + props.shared.error_text.len()) / 1024,
                        LINK_MAX_BYTES / 1024) }
                </p>
            } else if link.is_empty() {
                <p class="share-empty">{ "Paste a token or a policy to get a link." }</p>
            } else {
                <div class="share-link-row">
                    <input type="text" class="share-link mono" readonly=true aria-label="Share link" value={link}
                        onfocus={select_all} />
                    <button type="button" class="share-copy" onclick={on_copy}>{ copy_label }</button>
                </div>
                <span class="visually-hidden" role="status">
                    { if *status == CopyStatus::Idle { "" } else { copy_label } }
                </span>
                <p class="share-meta">
                    { format!("{} characters", fragment.len() + 1) }
                    if !pinned { { format!("; evaluated at {}", crate::time::format_utc(props.report.at)) } }
                    if signed && !carries_signature && !token_left_out { { "; signature removed" } }
                    if token_left_out { { "; token left out" } }
                    if !redact.is_empty() { { format!("; {} redacted", redact.len()) } }
                    if prepared.is_some_and(|p| p.state.signature_invalid.is_some()) {
                        { "; the invalid signature is stated, so the reader also sees deny" }
                    }
                </p>
                { for notes.iter().map(|note| html! {
                    <p class="share-note">{ rich(note) }</p>
                }) }
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct BannerProps {
    /// What the opened link said, while its token is unedited.
    pub link: Option<SharedState>,
}

/// What an opened link changed, above the results.
#[component]
pub fn LinkBanners(props: &BannerProps) -> Html {
    let Some(link) = &props.link else {
        return Html::default();
    };
    html! {
        <>
            if link.signature_removed {
                <p class="share-banner share-signature-removed" role="note">
                    { "Signature removed; this token cannot be replayed." }
                </p>
            }
            if let Some(key) = &link.signature_invalid {
                <p class="share-banner share-signature-invalid" role="note">
                    { "Whoever shared this link found the token's signature invalid with " }
                    if key.is_empty() { { "their keys" } } else { { "their key " }<code>{ visible(key) }</code> }
                    { ", so every platform rejects it: the verdict is deny. The link does not carry their keys: paste the issuer's keys (and the whole token) below to check it yourself." }
                </p>
            }
            if !link.redacted.is_empty() {
                <p class="share-banner share-redacted" role="note">
                    { "Redacted by whoever shared this link: " }
                    { for link.redacted.iter().enumerate().map(|(i, name)| html! {
                        <>{ if i > 0 { ", " } else { "" } }<code>{ visible(name) }</code></>
                    }) }
                    { format!(". Those values show as {} wherever they appeared (token, policy, error text); a check whose pattern looked inside them may differ from the original.", share::REDACTED) }
                </p>
            }
            { for link.notes.iter().map(|note| html! {
                <p class="share-banner share-note" role="note">{ rich(note) }</p>
            }) }
        </>
    }
}
