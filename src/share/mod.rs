//! The link fragment: everything a share link restores, in the URL fragment (never the query string, which
//! reaches servers).
//!
//! # Forms
//!
//! [`decode`] reads two forms and tells them apart by their first characters:
//!
//! - **Compact** (what [`encode`] writes): `#v1.<data>`, where `<data>` is base64url (no padding) of the raw
//!   DEFLATE (RFC 1951, no zlib header) of a UTF-8 JSON object with short keys:
//!
//!   | key | value | meaning |
//!   |---|---|---|
//!   | `t` | string | token text (signature removed unless kept; redacted claims replaced) |
//!   | `p` | string | policy text |
//!   | `e` | string | error text the failing job printed |
//!   | `a` | integer | pinned evaluation time, unix seconds |
//!   | `x` | string | name of a built-in example |
//!   | `v` | object `{"t": tab, "f": "table"\|"json"}` | view choices |
//!   | `k` | bool | the signature was deliberately kept |
//!   | `s` | bool | the signature was removed when the link was made |
//!   | `r` | array of strings | what was redacted (claim names, or `sub.user` / `sub.org` / `sub.project`) |
//!   | `g` | string | the sharer's keys found the signature invalid: the key ID it was checked with (may be empty) |
//!
//!   Absent keys take their defaults; unknown keys are ignored with a note (a newer claimcheck may add some).
//!   The leading `v<N>.` is the format version: `decode` dispatches on it, so links made today keep opening
//!   after the format changes; an unknown version is a clear error, never a guess.
//! - **Plain** (DESIGN.md's contract, for other tools; also written by [`encode_plain`]):
//!   `#token=<JWT>&policy=<base64url of the UTF-8 policy text>&at=<unix seconds>`, every part optional and
//!   independent. Also read: `error=<base64url>`, `example=<name>`, `tab=<name>`, `format=table|json`,
//!   `keep=1`, `sr=1` (signature removed), `redacted=<name>,<name>`,
//!   `sig=invalid` or `sig=invalid:<key id>` (the sharer's keys found the signature invalid). Values may be percent-encoded; base64 may be
//!   padded or use the `+/` alphabet; `policy`/`error` may be the percent-encoded text itself (JSON, YAML or a
//!   message: it has a `{` or `:`, which base64 never has); `at` may also be RFC 3339 (`2026-11-20T10:36:40Z`,
//!   as the CLI's `--at`; a space before the time may be form-encoded as `+`) or have a fractional part (truncated toward negative infinity). A fragment with no `=`
//!   is read percent-decoded (its separators were encoded too); `?` or `/?` before the first key and `amp;`
//!   before a key are skipped. An empty value counts as absent. A part
//!   that cannot be read (bad base64, an `at` that is not a time, an unknown key) is left out with a note and
//!   the rest of the link still loads; without `at`, the view uses the current time. The plain form never fails.
//!
//! # Limits
//!
//! A fragment longer than [`MAX_FRAGMENT_LEN`] bytes is refused before any work, and decompression stops at
//! [`MAX_PAYLOAD_LEN`] bytes of output, so a hostile link (a "zip bomb") cannot freeze the tab. Nothing here
//! panics on any input.
//!
//! # Safe by default
//!
//! [`encode`] (and [`opened`], which shows what a link will restore) removes the token's signature, keeping the
//! `header.payload.` form, unless [`SharedState::keep_signature`] is set; the opened state then has
//! [`SharedState::signature_removed`] so the view can say the token cannot be replayed. Claims named in
//! [`SharedState::redacted`] have their values replaced by [`REDACTED`] (for `sub.user`, only the user segment of
//! `sub`), and so has every other occurrence of those values: in other claims (a vcs ref inside a V2 `sub`), in
//! the policy and in the error text. Both sides of a comparison then read [`REDACTED`], so the reader sees the
//! same verdict unless a pattern looked inside the hidden value. A redacted payload no longer matches its
//! signature, so redaction always drops the signature too. [`redaction_effects`] compares the reports before and
//! after, so the UI can warn when redaction still changes what the reader will see.
//!
//! # Finding codes
//!
//! | code | severity | meaning |
//! |---|---|---|
//! | `redaction-changes-verdict` | warning | the opened link will show a different verdict because of redaction |
//! | `redaction-changes-check` | warning | one check has a different outcome (or exists on one side only) |
//! | `redaction-changes-findings` | info | redaction adds or removes findings (e.g. a `sub` segment no longer a UUID) |
//! | `redaction-drops-signature` | info | a kept signature is dropped because redaction changed the signed claims |

mod b64;
mod compact;
mod effects;
pub(crate) mod locate;
mod plain;
mod scrub;

pub use effects::redaction_effects;
pub use scrub::{
    has_signature, redact_token, scrub, strip_signatures, Scrubbed, REDACTED, SUB_SEGMENTS,
};

/// Longest fragment [`decode`] reads (bytes).
pub const MAX_FRAGMENT_LEN: usize = 4 * 1024 * 1024;
/// Largest decompressed payload [`decode`] accepts (bytes).
pub const MAX_PAYLOAD_LEN: usize = 2 * 1024 * 1024;

/// How the results are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViewFormat {
    Table,
    Json,
}

impl ViewFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            ViewFormat::Table => "table",
            ViewFormat::Json => "json",
        }
    }

    pub fn parse(text: &str) -> Option<ViewFormat> {
        match text {
            "table" => Some(ViewFormat::Table),
            "json" => Some(ViewFormat::Json),
            _ => None,
        }
    }
}

/// UI choices a link restores. `tab` is whatever name the UI uses; an unknown name is the UI's to ignore.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct View {
    pub tab: Option<String>,
    pub format: Option<ViewFormat>,
}

impl View {
    fn is_empty(&self) -> bool {
        self.tab.is_none() && self.format.is_none()
    }
}

/// Everything a link restores.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SharedState {
    pub token: String,
    pub policy: String,
    /// Pinned evaluation time, unix seconds.
    pub at: Option<i64>,
    /// The error text the failing job printed.
    pub error_text: String,
    /// A built-in example the UI loads by name.
    pub example: Option<String>,
    pub view: View,
    /// Keep the token's signature in the link (it can then be replayed while the token is valid).
    pub keep_signature: bool,
    /// Set in an opened link whose token had its signature removed; the view says it cannot be replayed.
    pub signature_removed: bool,
    /// Claims to redact (top-level claim names, or `sub.user` / `sub.org` / `sub.project`); in an opened link,
    /// the claims that were redacted.
    pub redacted: Vec<String>,
    /// The sharer's keys panel found the token's signature invalid, which made the verdict deny: the ID of the
    /// key it was checked with (empty when the key had none). The link carries neither the keys nor (by
    /// default) the signature, so the reader's page cannot check again: it takes this result
    /// ([`signature_report`]) and says whose it is.
    pub signature_invalid: Option<String>,
    /// What [`decode`] tolerated or ignored (e.g. an unknown key); never written to a link.
    pub notes: Vec<String>,
}

impl SharedState {
    /// Nothing to share (notes aside).
    pub fn is_empty(&self) -> bool {
        self.token.is_empty()
            && self.policy.is_empty()
            && self.at.is_none()
            && self.error_text.is_empty()
            && self.example.is_none()
            && self.view.is_empty()
            && !self.keep_signature
            && !self.signature_removed
            && self.redacted.is_empty()
            && self.signature_invalid.is_none()
    }
}

/// Why a fragment could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareError {
    /// Lowercase; every problem found, separated by `; `, each with a fix hint.
    pub message: String,
}

impl ShareError {
    fn new(message: impl Into<String>) -> Self {
        ShareError {
            message: message.into(),
        }
    }
}

impl std::fmt::Display for ShareError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ShareError {}

/// Read a fragment (with or without the leading `#`). An empty fragment is the empty state.
pub fn decode(fragment: &str) -> Result<SharedState, ShareError> {
    if fragment.len() > MAX_FRAGMENT_LEN {
        return Err(ShareError::new(format!(
            "the link is too long ({} bytes; the limit is {} bytes): it was not made by claimcheck, or the \
             pasted policy is far too large; share a smaller policy",
            fragment.len(),
            MAX_FRAGMENT_LEN
        )));
    }
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment).trim();
    if fragment.is_empty() {
        return Ok(SharedState::default());
    }
    let mut state = match compact::version_prefix(fragment) {
        Some((version, data)) => compact::decode(version, data),
        None => plain::decode(fragment),
    }?;
    let (names, left_out) = redaction_names(&state.redacted);
    if left_out > 0 {
        state.notes.push(format!(
            "ignored {left_out} more redaction names after the first {MAX_REDACTED_NAMES} (a claimcheck link names \
             at most a few): the link was not made by claimcheck; ask for a new link"
        ));
    }
    state.redacted = names;
    Ok(state)
}

/// The fragment (without `#`) for `state`, in the compact form; empty for the empty state. The link restores
/// [`opened`]`(state)`: signature removed unless kept, chosen claims redacted.
pub fn encode(state: &SharedState) -> String {
    encode_prepared(&prepare(state))
}

/// [`encode`] of a state already [`prepare`]d (the share panel needs both the link and what was done).
pub fn encode_prepared(prepared: &Prepared) -> String {
    if prepared.state.is_empty() {
        return String::new();
    }
    compact::encode(&prepared.state)
}

/// The same link in the plain, readable form (longer for policies; no compression).
pub fn encode_plain(state: &SharedState) -> String {
    let state = opened(state);
    if state.is_empty() {
        return String::new();
    }
    plain::encode(&state)
}

/// What a link made from `state` restores when opened: redaction applied, the signature removed unless kept
/// (always removed once redaction changed the payload), redaction names deduplicated, notes cleared.
/// `decode(&encode(s)) == Ok(opened(s))`; the UI analyzes this state to show [`redaction_effects`].
pub fn opened(state: &SharedState) -> SharedState {
    prepare(state).state
}

/// A link about to be made, for the share panel: what it restores and what the panel must say about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    /// What the link restores ([`opened`]).
    pub state: SharedState,
    /// The link's token text still holds a signature (only when the user kept it and nothing was redacted):
    /// the panel must not say "signature removed" then.
    pub carries_signature: bool,
    /// The pasted token text could not be made safe and is not in the link.
    pub token_left_out: bool,
    /// What the scrubber had to do beyond the usual, lowercase, to show next to the link (never in it).
    pub notes: Vec<String>,
}

/// [`opened`] with what the share panel needs to describe the link. The token text is scrubbed with
/// [`scrub()`]: whatever way the token was pasted (wrapped, spaced, standard base64, several tokens), the
/// app's decoder finds no signature in the link unless it was kept, and no redacted value in any claim.
pub fn prepare(state: &SharedState) -> Prepared {
    let mut out = state.clone();
    out.notes.clear();
    out.redacted = redaction_names(&state.redacted).0;
    // An empty name is no choice (the plain form reads `example=` as absent).
    out.example = out.example.filter(|e| !e.is_empty());
    out.view.tab = out.view.tab.filter(|t| !t.is_empty());
    let had_signature = scrub::has_signature(&state.token);
    let values = scrub::redacted_values(&state.token, &out.redacted);
    let scrubbed = scrub::scrub(&state.token, &out.redacted, &values, state.keep_signature);
    let mut notes = scrubbed.notes;
    // A token pasted into the policy or the error text (a logged `--web-identity-token eyJ…`) loses its signature
    // too, whatever was chosen for the token: keeping one is a choice about the Token box only.
    // The token's own signature written apart from it there (a log that printed the decoded token) is masked.
    let known = scrub::known_signatures(&state.token);
    let mut other_text = |text: &str, what: &str| match scrub::strip_text_signatures(text) {
        Some(clean) => match scrub::mask_signatures(&clean, &known) {
            Some(masked) => {
                if clean != text {
                    notes.push(format!(
                        "removed the signature of a token found in the {what}"
                    ));
                }
                if masked != clean {
                    notes.push(format!(
                        "replaced the token's signature found in the {what} with `{REDACTED}`"
                    ));
                }
                scrub::redact_text(&masked, &values)
            }
            None => {
                notes.push(format!(
                    "the {what} was left out of the link: it holds the token's signature in a form that could \
                     not be removed safely; remove it from the {what} and copy the link again"
                ));
                String::new()
            }
        },
        None => {
            notes.push(format!(
                "the {what} was left out of the link: it holds a token whose signature could not be removed safely"
            ));
            String::new()
        }
    };
    out.policy = other_text(&state.policy, "policy");
    out.error_text = other_text(&state.error_text, "error text");
    let carries_signature = scrub::has_signature(&scrubbed.text);
    out.signature_removed =
        !scrubbed.dropped && (had_signature || state.signature_removed) && !carries_signature;
    out.token = scrubbed.text;
    // A result about a token the link does not carry would apply to nothing.
    if out.token.is_empty() {
        out.signature_invalid = None;
    }
    Prepared {
        state: out,
        carries_signature,
        token_left_out: scrubbed.dropped,
        notes,
    }
}

/// The signature result an opened `link` carries, for the token the page shows: the token's compact form
/// (as [`crate::token::decode`] reads the link's token; the result applies only while the page shows that
/// token) and an `invalid` report that [`crate::signature::apply`] turns into a deny, saying whose check it was.
pub fn signature_report(link: &SharedState) -> Option<(String, crate::report::SignatureReport)> {
    let key = link.signature_invalid.as_ref()?;
    let decoded = crate::token::decode(&link.token);
    if decoded.form == crate::token::Form::Invalid {
        return None;
    }
    let key_id = (!key.is_empty()).then(|| key.clone());
    let with = key_id
        .as_ref()
        .map_or("the keys".to_string(), |k| format!("key `{}`", excerpt(k)));
    Some((
        decoded.compact,
        crate::report::SignatureReport {
            status: "invalid",
            message: format!(
                "whoever shared this link checked the signature with {with}: it did not verify; the link does not \
                 carry their keys, so this page did not check it again; paste the issuer's keys (and the whole \
                 token) to check it yourself"
            ),
            key_id,
        },
    ))
}

/// Whether a [`signature_report`] about the token `checked` (compact) applies to the token `compact` the page
/// shows: the same header and payload, and the same signature unless one of them has none (a link drops it).
pub fn same_signed_token(checked: &str, compact: &str) -> bool {
    let split = |t: &str| {
        let mut parts = t.splitn(3, '.');
        (
            parts.next().unwrap_or_default().to_string(),
            parts.next().unwrap_or_default().to_string(),
            parts.next().unwrap_or_default().to_string(),
        )
    };
    let ((h1, p1, s1), (h2, p2, s2)) = (split(checked), split(compact));
    h1 == h2 && p1 == p2 && (s1.is_empty() || s2.is_empty() || s1 == s2)
}

/// At most this many distinct redaction names are read from a link or applied: the panel offers six, and each
/// name costs a pass over the token's claims, so a hostile link listing thousands cannot freeze the tab.
pub const MAX_REDACTED_NAMES: usize = 64;

/// `names` trimmed, without empty ones and repeats (in the order met), at most [`MAX_REDACTED_NAMES`]; and how
/// many names were left out beyond that. Each name is compared with the kept ones only: linear time.
fn redaction_names(names: &[String]) -> (Vec<String>, usize) {
    let mut kept: Vec<String> = Vec::new();
    let mut left_out = 0;
    for name in names {
        let name = name.trim();
        if name.is_empty() || kept.iter().any(|k| k == name) {
            continue;
        }
        if kept.len() < MAX_REDACTED_NAMES {
            kept.push(name.to_string());
        } else {
            left_out += 1;
        }
    }
    (kept, left_out)
}

/// Shorten user input for a message.
fn excerpt(text: &str) -> String {
    crate::report::excerpt(text, 40)
}

#[cfg(test)]
mod tests;
