//! The `sub` claim, segment by segment, with its format (V1/V2), the variable that carries it, and the form
//! the other variable would carry; both can be copied (the segments' labels are not part of the copy).

use yew::prelude::*;

use super::copy_button::CopyButton;
use super::text::{rich, visible};
use crate::circleci::{SegmentKind, Sub, SubVersion};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub sub: Sub,
}

/// CSS class suffix and visible label of a segment kind.
fn kind(kind: SegmentKind) -> (&'static str, &'static str) {
    match kind {
        SegmentKind::Literal => ("literal", ""),
        SegmentKind::Org => ("org", "org"),
        SegmentKind::Project => ("project", "project"),
        SegmentKind::User => ("user", "user"),
        SegmentKind::VcsOrigin => ("vcs-origin", "vcs-origin"),
        SegmentKind::VcsRef => ("vcs-ref", "vcs-ref"),
        SegmentKind::Unknown => ("unknown", "not recognised"),
    }
}

fn badge(version: SubVersion) -> &'static str {
    match version {
        SubVersion::V1 => "V1",
        SubVersion::V2 => "V2",
        SubVersion::Unrecognized => "unrecognized",
    }
}

#[component]
pub fn SubView(props: &Props) -> Html {
    let sub = &props.sub;
    let version = sub.version.as_str();
    html! {
        <section class="card sub-view" data-sub-version={version} aria-labelledby="sub-heading">
            <h2 id="sub-heading">
                { "Subject (" }<code>{ "sub" }</code>{ ") " }
                <span class={classes!("badge", format!("badge-{version}"))}>{ badge(sub.version) }</span>
            </h2>
            if let Some(variable) = &sub.variable {
                <p class="sub-variable">{ "Carried by " }<code>{ visible(variable) }</code></p>
            }
            <p class="sub-segments mono">
                { for sub.segments.iter().map(|segment| {
                    let (class, label) = kind(segment.kind);
                    html! {
                        <span class={classes!("seg", format!("seg-{class}"))}>
                            <span class="seg-text">{ visible(&segment.text) }</span>
                            if !label.is_empty() { <span class="seg-label">{ label }</span> }
                        </span>
                    }
                }) }
                if sub.segments.is_empty() { { visible(&sub.value) } }
            </p>
            if !sub.value.is_empty() {
                <p class="sub-copy"><CopyButton text={AttrValue::from(sub.value.clone())} what="sub" /></p>
            }
            if let Some(note) = &sub.note {
                <p class="sub-note">{ rich(note) }</p>
            }
            if let Some(other) = &sub.other_form {
                <p class="sub-other">
                    { "The other variable would carry: " }<code class="mono">{ visible(other) }</code>{ " " }
                    <CopyButton text={AttrValue::from(other.clone())} what="other sub" />
                </p>
            }
        </section>
    }
}
