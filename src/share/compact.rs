//! The compact form `v1.<base64url(deflate(json))>` (documented in the module docs of `share`).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{b64, excerpt, ShareError, SharedState, View, ViewFormat, MAX_PAYLOAD_LEN};

/// The version this build writes.
const VERSION: &str = "1";

#[derive(Serialize, Deserialize, Default)]
struct Payload {
    #[serde(rename = "t", default, skip_serializing_if = "String::is_empty")]
    token: String,
    #[serde(rename = "p", default, skip_serializing_if = "String::is_empty")]
    policy: String,
    #[serde(rename = "e", default, skip_serializing_if = "String::is_empty")]
    error_text: String,
    #[serde(rename = "a", default, skip_serializing_if = "Option::is_none")]
    at: Option<i64>,
    #[serde(rename = "x", default, skip_serializing_if = "Option::is_none")]
    example: Option<String>,
    #[serde(rename = "v", default, skip_serializing_if = "Option::is_none")]
    view: Option<ViewPayload>,
    #[serde(rename = "k", default, skip_serializing_if = "is_false")]
    keep_signature: bool,
    #[serde(rename = "s", default, skip_serializing_if = "is_false")]
    signature_removed: bool,
    #[serde(rename = "r", default, skip_serializing_if = "Vec::is_empty")]
    redacted: Vec<String>,
    #[serde(rename = "g", default, skip_serializing_if = "Option::is_none")]
    signature_invalid: Option<String>,
    #[serde(flatten)]
    unknown: Map<String, Value>,
}

#[derive(Serialize, Deserialize, Default)]
struct ViewPayload {
    #[serde(rename = "t", default, skip_serializing_if = "Option::is_none")]
    tab: Option<String>,
    #[serde(rename = "f", default, skip_serializing_if = "Option::is_none")]
    format: Option<String>,
    #[serde(flatten)]
    unknown: Map<String, Value>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// `v<digits>.` at the start: the version text and the data after the dot.
pub fn version_prefix(fragment: &str) -> Option<(&str, &str)> {
    let rest = fragment.strip_prefix('v')?;
    let (version, data) = rest.split_once('.')?;
    if version.is_empty() || !version.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((version, data))
}

pub fn encode(state: &SharedState) -> String {
    let view = if state.view.tab.is_some() || state.view.format.is_some() {
        Some(ViewPayload {
            tab: state.view.tab.clone(),
            format: state.view.format.map(|f| f.as_str().to_string()),
            unknown: Map::new(),
        })
    } else {
        None
    };
    let payload = Payload {
        token: state.token.clone(),
        policy: state.policy.clone(),
        error_text: state.error_text.clone(),
        at: state.at,
        example: state.example.clone(),
        view,
        keep_signature: state.keep_signature,
        signature_removed: state.signature_removed,
        redacted: state.redacted.clone(),
        signature_invalid: state.signature_invalid.clone(),
        unknown: Map::new(),
    };
    // Serializing plain strings, numbers and bools cannot fail; an empty object is still a valid link.
    let json = serde_json::to_vec(&payload).unwrap_or_else(|_| b"{}".to_vec());
    // Best compression for ordinary links; fast for huge pastes, so typing into a 1 MB input stays responsive.
    let level = if json.len() <= 64 * 1024 { 9 } else { 1 };
    let deflated = miniz_oxide::deflate::compress_to_vec(&json, level);
    format!("v{VERSION}.{}", b64::encode(&deflated))
}

pub fn decode(version: &str, data: &str) -> Result<SharedState, ShareError> {
    if version != VERSION {
        return Err(ShareError::new(format!(
            "this link uses format `v{}`, which this claimcheck does not know (it reads `v1`): open it with a \
             newer claimcheck, or ask for a new link",
            excerpt(version)
        )));
    }
    let data = percent_encoding::percent_decode_str(data).decode_utf8().map_err(|_| {
        ShareError::new("the link's data has percent-encoded bytes that are not utf-8: copy the whole link again")
    })?;
    let bytes = b64::decode(&data).map_err(|e| {
        ShareError::new(format!(
            "the link's data is not base64url: {e}; the link may have been cut off or changed when copied: \
             copy the whole link again"
        ))
    })?;
    let json = miniz_oxide::inflate::decompress_to_vec_with_limit(&bytes, MAX_PAYLOAD_LEN).map_err(|e| {
        if e.status == miniz_oxide::inflate::TINFLStatus::HasMoreOutput {
            ShareError::new(format!(
                "the link's data expands to more than {MAX_PAYLOAD_LEN} bytes, more than any claimcheck link \
                 holds; it was not made by claimcheck: ask for a new link"
            ))
        } else {
            ShareError::new(
                "the link's data is not valid compressed data (it may be truncated): copy the whole link again",
            )
        }
    })?;
    let text = String::from_utf8(json).map_err(|e| {
        ShareError::new(format!(
            "the link's data is not utf-8 text (bad byte at offset {}): it was not made by claimcheck; ask for \
             a new link",
            e.utf8_error().valid_up_to()
        ))
    })?;
    let value: Value = serde_json::from_str(&text).map_err(|e| {
        ShareError::new(format!(
            "the link's data is not the json claimcheck writes ({}): ask for a new link",
            lowercase_first(&e.to_string())
        ))
    })?;
    if !value.is_object() {
        return Err(ShareError::new(
            "the link's data is json but not an object, so claimcheck did not write it: ask for a new link",
        ));
    }
    let payload: Payload = serde_json::from_value(value).map_err(|e| {
        ShareError::new(format!(
            "the link's data is not the json claimcheck writes ({}): ask for a new link",
            lowercase_first(&e.to_string())
        ))
    })?;
    let mut notes = Vec::new();
    for key in payload.unknown.keys() {
        notes.push(format!(
            "ignored unknown field `{}` in the link (made by a newer claimcheck?)",
            excerpt(key)
        ));
    }
    let mut view = View::default();
    if let Some(v) = payload.view {
        for key in v.unknown.keys() {
            notes.push(format!(
                "ignored unknown view field `{}` in the link",
                excerpt(key)
            ));
        }
        view.tab = v.tab;
        view.format = match v.format {
            None => None,
            Some(f) => {
                let parsed = ViewFormat::parse(&f);
                if parsed.is_none() {
                    notes.push(format!(
                        "ignored unknown view format `{}` (expected `table` or `json`)",
                        excerpt(&f)
                    ));
                }
                parsed
            }
        };
    }
    Ok(SharedState {
        token: payload.token,
        policy: payload.policy,
        at: payload.at,
        error_text: payload.error_text,
        example: payload.example,
        view,
        keep_signature: payload.keep_signature,
        signature_removed: payload.signature_removed,
        redacted: payload.redacted,
        signature_invalid: payload.signature_invalid,
        notes,
    })
}

/// serde_json messages start lowercase except `EOF ...`; keep ours lowercase.
fn lowercase_first(text: &str) -> String {
    let text = text.replacen("EOF while", "end of data while", 1);
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => std::iter::once(c.to_ascii_lowercase())
            .chain(chars)
            .collect(),
        None => String::new(),
    }
}
