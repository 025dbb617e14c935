//! The plain form `token=<JWT>&policy=<base64url>&at=<unix seconds>&...` (DESIGN.md's contract).

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use super::{b64, excerpt, ShareError, SharedState, ViewFormat};

/// Everything but the unreserved characters of RFC 3986 is percent-encoded.
const VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

pub fn encode(state: &SharedState) -> String {
    let mut parts: Vec<String> = Vec::new();
    let pct = |s: &str| utf8_percent_encode(s, VALUE).to_string();
    if !state.token.is_empty() {
        parts.push(format!("token={}", pct(&state.token)));
    }
    if !state.policy.is_empty() {
        parts.push(format!("policy={}", b64::encode(state.policy.as_bytes())));
    }
    if let Some(at) = state.at {
        parts.push(format!("at={at}"));
    }
    if !state.error_text.is_empty() {
        parts.push(format!(
            "error={}",
            b64::encode(state.error_text.as_bytes())
        ));
    }
    if let Some(example) = &state.example {
        parts.push(format!("example={}", pct(example)));
    }
    if let Some(tab) = &state.view.tab {
        parts.push(format!("tab={}", pct(tab)));
    }
    if let Some(format) = state.view.format {
        parts.push(format!("format={}", format.as_str()));
    }
    if state.keep_signature {
        parts.push("keep=1".to_string());
    }
    if state.signature_removed {
        parts.push("sr=1".to_string());
    }
    if !state.redacted.is_empty() {
        let names: Vec<String> = state.redacted.iter().map(|n| pct(n)).collect();
        parts.push(format!("redacted={}", names.join(",")));
    }
    parts.join("&")
}

pub fn decode(fragment: &str) -> Result<SharedState, ShareError> {
    let mut state = SharedState::default();
    let mut problems: Vec<String> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for part in fragment.split('&') {
        if part.is_empty() {
            continue;
        }
        let Some((raw_key, raw_value)) = part.split_once('=') else {
            state.notes.push(format!(
                "ignored `{}` in the link (it has no `=value`)",
                excerpt(part)
            ));
            continue;
        };
        let key = percent_decode_str(raw_key).decode_utf8_lossy().to_string();
        if seen.contains(&key) {
            state.notes.push(format!(
                "`{}` appears more than once in the link; the last one is used",
                excerpt(&key)
            ));
        } else {
            seen.push(key.clone());
        }
        let text = || {
            percent_decode_str(raw_value).decode_utf8().map(|v| v.to_string()).map_err(|_| {
                format!("the link's `{}` has percent-encoded bytes that are not utf-8: copy the whole link again", excerpt(&key))
            })
        };
        match key.as_str() {
            "token" => match text() {
                Ok(v) => state.token = v,
                Err(e) => problems.push(e),
            },
            "policy" | "error" => match text().and_then(|v| base64_text(&key, &v)) {
                Ok(v) if key == "policy" => state.policy = v,
                Ok(v) => state.error_text = v,
                Err(e) => problems.push(e),
            },
            "at" => match text() {
                Ok(v) => match v.trim().parse::<i64>() {
                    Ok(at) => state.at = Some(at),
                    Err(_) => problems.push(format!(
                        "the link's `at` is `{}`, not a whole number of unix seconds (e.g. `at=1767225600`): fix \
                         or remove it",
                        excerpt(&v)
                    )),
                },
                Err(e) => problems.push(e),
            },
            "example" => match text() {
                Ok(v) => state.example = Some(v),
                Err(e) => problems.push(e),
            },
            "tab" => match text() {
                Ok(v) => state.view.tab = Some(v),
                Err(e) => problems.push(e),
            },
            "format" => match text() {
                Ok(v) => match ViewFormat::parse(&v) {
                    Some(f) => state.view.format = Some(f),
                    None => state.notes.push(format!(
                        "ignored `format={}` in the link (expected `table` or `json`)",
                        excerpt(&v)
                    )),
                },
                Err(e) => problems.push(e),
            },
            "keep" | "sr" => match text().and_then(|v| flag(&key, &v)) {
                Ok(b) if key == "keep" => state.keep_signature = b,
                Ok(b) => state.signature_removed = b,
                Err(e) => problems.push(e),
            },
            "redacted" => {
                state.redacted.clear();
                for name in raw_value.split(',') {
                    match percent_decode_str(name).decode_utf8() {
                        Ok(n) if !n.trim().is_empty() => state.redacted.push(n.trim().to_string()),
                        Ok(_) => {}
                        Err(_) => problems.push(
                            "the link's `redacted` has percent-encoded bytes that are not utf-8: copy the whole \
                             link again"
                                .to_string(),
                        ),
                    }
                }
            }
            _ => state.notes.push(format!("ignored unknown key `{}` in the link", excerpt(&key))),
        }
    }
    if problems.is_empty() {
        Ok(state)
    } else {
        Err(ShareError::new(problems.join("; ")))
    }
}

fn base64_text(key: &str, value: &str) -> Result<String, String> {
    let bytes = b64::decode(value).map_err(|e| {
        format!(
            "the link's `{key}` is not base64url of the text: {e}; links carry `{key}=` as base64url of the utf-8 \
             text: copy the whole link again or re-encode it"
        )
    })?;
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "the link's `{key}` decodes to bytes that are not utf-8 text (bad byte at offset {}): encode the \
             utf-8 text, not another encoding",
            e.utf8_error().valid_up_to()
        )
    })
}

fn flag(key: &str, value: &str) -> Result<bool, String> {
    match value {
        "1" | "true" | "" => Ok(true),
        "0" | "false" => Ok(false),
        _ => Err(format!(
            "the link's `{key}` is `{}`; use `{key}=1` or `{key}=0`",
            excerpt(value)
        )),
    }
}
