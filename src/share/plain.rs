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
        // Past the year 33000 a whole number is read back as milliseconds; a fraction never is.
        let fraction = if at.unsigned_abs() >= crate::time::MILLIS_FROM {
            ".0"
        } else {
            ""
        };
        parts.push(format!("at={at}{fraction}"));
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
    if let Some(key) = &state.signature_invalid {
        match key.is_empty() {
            true => parts.push("sig=invalid".to_string()),
            false => parts.push(format!("sig=invalid:{}", pct(key))),
        }
    }
    if !state.redacted.is_empty() {
        let names: Vec<String> = state.redacted.iter().map(|n| pct(n)).collect();
        parts.push(format!("redacted={}", names.join(",")));
    }
    parts.join("&")
}

/// The keys [`read_part`] reads.
const KEYS: [&str; 11] = [
    "token", "policy", "error", "at", "example", "tab", "format", "keep", "sr", "redacted", "sig",
];

/// Ignored parts (unknown keys, parts without `=`) noted one by one; the rest are counted in one note.
const IGNORED_NOTES: usize = 10;

/// Read the plain form. Every part is optional and independent: an empty value counts as absent, and a part
/// that cannot be read is left out with a note (what is wrong and how to fix it) while the others load, so this
/// never fails. A repeated key: the last one counts, even when it cannot be read. Linear in the parts.
pub fn decode(fragment: &str) -> Result<SharedState, ShareError> {
    let mut state = SharedState::default();
    // `?` or `/?` before the first key: a query string moved into the fragment, a hash router's path.
    let fragment = fragment.trim_start_matches(['/', '?']);
    // No `=` at all: the whole fragment was percent-encoded, separators too (`token%3DeyJ…%26at%3D5`).
    let decoded;
    let fragment = if fragment.contains('=') {
        fragment
    } else {
        decoded = percent_decode_str(fragment).decode_utf8_lossy();
        &*decoded
    };
    // Each part as (index in KEYS or the key, value); the part itself when it has no `=`. `amp;` before a
    // key: a link copied from HTML source, where `&` is written `&amp;`. An empty value (`token=&at=`, a
    // tool that fills in only some parts) counts as absent.
    // `;` between parts, as some tools write query strings, when there is no `&` and it separates known keys.
    let separator =
        if !fragment.contains('&') && KEYS.iter().any(|k| fragment.contains(&format!(";{k}="))) {
            ';'
        } else {
            '&'
        };
    let parts = fragment.split(separator).filter_map(|part| {
        let Some((key, value)) = part.split_once('=') else {
            return (!part.is_empty()).then_some(Err(part));
        };
        let key = percent_decode_str(key.strip_prefix("amp;").unwrap_or(key)).decode_utf8_lossy();
        // Spaces around a key are a typing slip, not another key.
        let known = KEYS.iter().position(|k| *k == key.trim());
        (!value.is_empty()).then_some(Ok((known.ok_or(key), value)))
    });
    let mut later = [0usize; KEYS.len()];
    for (i, _) in parts
        .clone()
        .flatten()
        .filter_map(|(k, v)| Some((k.ok()?, v)))
    {
        later[i] += 1;
    }
    let mut repeated = [false; KEYS.len()];
    let mut ignored = 0usize;
    for part in parts {
        let ignore = match part {
            Ok((Ok(i), value)) => {
                later[i] -= 1;
                if later[i] > 0 {
                    repeated[i] = true;
                    continue;
                }
                let key = KEYS[i];
                if repeated[i] {
                    state.notes.push(format!(
                        "`{key}` appears more than once in the link; the last one is used"
                    ));
                }
                if let Err(problem) = read_part(&mut state, key, value) {
                    state
                        .notes
                        .push(format!("ignored the link's `{key}`: {problem}"));
                }
                continue;
            }
            // Not a problem with the link: a newer claimcheck or another tool may add keys.
            Ok((Err(key), _)) if key.trim().is_empty() => {
                "ignored a part of the link with no key before its `=`".to_string()
            }
            Ok((Err(key), _)) => format!("ignored unknown key `{}` in the link", excerpt(&key)),
            Err(part) => format!(
                "ignored `{}` in the link (it has no `=value`)",
                excerpt(part)
            ),
        };
        ignored += 1;
        if ignored <= IGNORED_NOTES {
            state.notes.push(ignore);
        }
    }
    if ignored > IGNORED_NOTES {
        state.notes.push(format!(
            "ignored {} more parts of the link that claimcheck does not read",
            ignored - IGNORED_NOTES
        ));
    }
    Ok(state)
}

/// Read one `key=value` into `state`; what is wrong with it otherwise (the caller names the key).
fn read_part(state: &mut SharedState, key: &str, raw_value: &str) -> Result<(), String> {
    let text = || {
        percent_decode_str(raw_value)
            .decode_utf8()
            .map(|v| v.to_string())
            .map_err(|_| {
                "it has percent-encoded bytes that are not utf-8: copy the whole link again"
                    .to_string()
            })
    };
    match key {
        "token" => state.token = text()?,
        "policy" => state.policy = base64_text(key, raw_value, text()?)?,
        "error" => state.error_text = base64_text(key, raw_value, text()?)?,
        "at" => {
            let mut value = text()?;
            // `2026-11-20 10:36:40Z` form-encoded (`URLSearchParams`, Python's `urlencode`): the space between
            // date and time became `+`, which an RFC 3339 time never has there (its offset comes last).
            if value.len() > 11 && value.as_bytes()[10] == b'+' && value.is_char_boundary(11) {
                value.replace_range(10..11, " ");
            }
            let (at, millis) = crate::time::parse_instant(&value).map_err(|e| {
                format!(
                    "`{}` is not a time: {}; the current time is used instead; give unix seconds (e.g. \
                     `at=1767225600`) or RFC 3339 (e.g. `at=2026-11-20T10:36:40Z`)",
                    excerpt(value.trim()),
                    e.reason
                )
            })?;
            if millis {
                state.notes.push(format!(
                    "the link's `at={}` was read as milliseconds ({}); links give unix seconds",
                    excerpt(value.trim()),
                    crate::time::format_utc(at)
                ));
            }
            state.at = Some(at);
        }
        "example" => state.example = Some(text()?),
        "tab" => state.view.tab = Some(text()?),
        "format" => {
            let value = text()?;
            state.view.format = Some(ViewFormat::parse(&value).ok_or_else(|| {
                format!(
                    "it is `{}`; use `format=table` or `format=json`",
                    excerpt(&value)
                )
            })?);
        }
        "keep" => state.keep_signature = flag(key, &text()?)?,
        "sr" => state.signature_removed = flag(key, &text()?)?,
        "sig" => {
            let value = text()?;
            let key_id = match value.split_once(':') {
                Some(("invalid", key_id)) => key_id,
                None if value == "invalid" => "",
                _ => {
                    return Err(format!(
                        "it is `{}`; the only value is `sig=invalid` (or `sig=invalid:<key id>`)",
                        excerpt(&value)
                    ))
                }
            };
            state.signature_invalid = Some(key_id.to_string());
        }
        "redacted" => {
            let mut names = Vec::new();
            for name in raw_value.split(',') {
                let name = percent_decode_str(name).decode_utf8().map_err(|_| {
                    "it has percent-encoded bytes that are not utf-8: copy the whole link again"
                        .to_string()
                })?;
                if !name.trim().is_empty() {
                    names.push(name.trim().to_string());
                }
            }
            state.redacted = names;
        }
        _ => {}
    }
    Ok(())
}

/// `policy=` / `error=`: base64url of the text, or (as other tools write it) the text itself, percent-encoded:
/// a JSON or YAML document or an error message has a `{` or a `:`, which base64 never has. Such JSON is
/// decoded as the policy reader decodes URL-encoded documents (`+` is a space where forms wrote one).
fn base64_text(key: &str, raw: &str, value: String) -> Result<String, String> {
    if value.contains(['{', ':']) {
        return Ok(crate::policy::json::url_decode_json(raw).unwrap_or(value));
    }
    let bytes = b64::decode(&value).map_err(|e| {
        format!(
            "it is not base64url of the text: {e}; links carry `{key}=` as base64url of the utf-8 text: copy the \
             whole link again or re-encode it"
        )
    })?;
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "it decodes to bytes that are not utf-8 text (bad byte at offset {}): encode the utf-8 text, not \
             another encoding",
            e.utf8_error().valid_up_to()
        )
    })
}

fn flag(key: &str, value: &str) -> Result<bool, String> {
    match value {
        "1" | "true" => Ok(true),
        "0" | "false" => Ok(false),
        _ => Err(format!(
            "it is `{}`; use `{key}=1` or `{key}=0`",
            excerpt(value)
        )),
    }
}
