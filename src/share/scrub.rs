//! Making a token safe to share: removing signatures and redacting claims, wherever the JWT sits in the pasted
//! text (`Bearer ...`, `export TOKEN=...`, a JSON wrapper).
//!
//! Redaction hides a value everywhere it appears, not only in the claim it was chosen by: the user ID also in the
//! policy that pins it, the vcs ref also in the V2 `sub`. Since both sides of every comparison then read
//! [`REDACTED`], a link keeps its verdict unless a pattern (a glob, a CEL function) looked inside the value.

use serde_json::{Map, Value};

use super::b64;
use super::locate::{locate, Located};
use crate::token::{self, Form};

pub use crate::circleci::REDACTED;

/// Values shorter than this (bytes) are replaced only in the claim or `sub` segment they were chosen by: elsewhere
/// they may be part of other words. CircleCI's IDs are 36 bytes, refs at least `refs/heads/` long.
const MIN_SPREAD_LEN: usize = 8;
/// At most this many distinct values are looked for in the rest of the text (a hostile token can list thousands
/// of context IDs; each value is one pass over the text).
const MAX_SPREAD_VALUES: usize = 64;

/// Redaction names that select one segment of `sub` instead of a whole claim.
pub const SUB_SEGMENTS: [&str; 3] = ["sub.user", "sub.project", "sub.org"];

/// The claims in a payload segment, when it is a JSON object.
fn payload_claims(payload: &str) -> Option<Map<String, Value>> {
    let bytes = b64::decode(payload).ok()?;
    // `from_str` (not `from_slice`): one serde_json reader in the wasm, not two.
    let text = std::str::from_utf8(&bytes).ok()?;
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(claims)) => Some(claims),
        _ => None,
    }
}

/// `text` as a pasted claims object: JSON that holds no token (a JSON body that wraps a token, such as
/// `{"jwt": "eyJ…"}`, is read as that token, as the decoder does).
fn claims_object(text: &str) -> Option<Map<String, Value>> {
    if !text.trim_start().starts_with('{') || !locate(text).is_empty() {
        return None;
    }
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(claims)) => Some(claims),
        _ => None,
    }
}

/// The claims of every JWS payload in `text` and of the token the app's decoder reads in it, or of `text`
/// itself when it is a JSON object of claims.
fn claim_sets(text: &str) -> Vec<Map<String, Value>> {
    if let Some(claims) = claims_object(text) {
        return vec![claims];
    }
    let mut sets: Vec<Map<String, Value>> = locate(text)
        .iter()
        .filter_map(|t| payload_claims(&t.payload))
        .collect();
    sets.extend(token::decode(text).claims);
    sets
}

/// Whether `text` holds a JWS with a non-empty signature: one the locator finds, or the token the app's
/// decoder reads (when it reads a header or claims: `www.example.com` has no signature).
pub fn has_signature(text: &str) -> bool {
    locate(text).iter().any(|t| !t.signature.is_empty()) || {
        let d = token::decode(text);
        d.signature_present && d.form != Form::Invalid
    }
}

/// The values the token in `text` holds under `names` (the `sub` segment for [`SUB_SEGMENTS`], a claim's string,
/// each string of a list claim) that are long enough to be looked for elsewhere: distinct, in the order met, at
/// most [`MAX_SPREAD_VALUES`]. [`redact_token`] and [`redact_text`] replace them wherever they appear.
pub fn redacted_values(text: &str, names: &[String]) -> Vec<String> {
    let mut values: Vec<String> = Vec::new();
    let mut add = |v: &str| {
        // The bound keeps the duplicate check cheap however many values a hostile token lists.
        if values.len() < MAX_SPREAD_VALUES
            && v.len() >= MIN_SPREAD_LEN
            && !REDACTED.contains(v)
            && !values.iter().any(|x| x == v)
        {
            values.push(v.to_string());
        }
    };
    for claims in claim_sets(text) {
        for name in names {
            if let Some(segment) = name
                .strip_prefix("sub.")
                .filter(|_| SUB_SEGMENTS.contains(&name.as_str()))
            {
                let sub = claims.get("sub").and_then(Value::as_str);
                if let Some(v) = sub.and_then(|sub| sub_segment(sub, segment)) {
                    add(v);
                }
                continue;
            }
            match claims.get(name.as_str()) {
                Some(Value::String(v)) => add(v),
                Some(Value::Array(items)) => {
                    items.iter().filter_map(Value::as_str).for_each(&mut add)
                }
                _ => {}
            }
        }
    }
    values
}

/// `text` with every occurrence of each of `values` (from [`redacted_values`]) replaced by [`REDACTED`]: for the
/// policy and the error text of a shared link. One pass; where several values start at the same place, the
/// longest is replaced (a value inside a longer one never splits it).
pub fn redact_text(text: &str, values: &[String]) -> String {
    if !values.iter().any(|v| text.contains(v.as_str())) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        let longest = values
            .iter()
            .filter(|v| rest.starts_with(v.as_str()))
            .max_by_key(|v| v.len());
        let skip = match longest {
            Some(v) => {
                out.push_str(REDACTED);
                v.len()
            }
            None => {
                out.push(c);
                c.len_utf8()
            }
        };
        rest = rest.get(skip..).unwrap_or_default();
    }
    out
}

/// Replace the values of the named claims (and `sub` segments, see [`SUB_SEGMENTS`]) with [`REDACTED`] in every
/// JWS payload in `text`, or in `text` itself when it is a JSON object of claims, and `values` (from
/// [`redacted_values`]) inside every other string claim. A changed JWS loses its signature (it would no longer
/// match). Returns the new text and whether anything changed. [`scrub`] also checks the result.
pub fn redact_token(text: &str, names: &[String], values: &[String]) -> (String, bool) {
    let out = rewrite(text, names, values, false);
    (out.text, out.redacted)
}

/// Remove the signature of every JWS in `text`, however it is spelled (wrapped, spaced, standard base64),
/// keeping the `header.payload.` form; checked as [`scrub`] does. Returns the new text and whether a signature
/// was removed.
pub fn strip_signatures(text: &str) -> (String, bool) {
    let had = has_signature(text);
    let out = scrub(text, &[], &[], false);
    let removed = had && !has_signature(&out.text);
    (out.text, removed)
}

/// Remove the signature of every JWS inside other text (a policy, an error message that logged a command with
/// its token): the text is otherwise kept as pasted. `None` when a signature would still be readable: the caller
/// leaves that text out of the link rather than carry a credential.
pub fn strip_text_signatures(text: &str) -> Option<String> {
    if !has_signature(text) {
        return Some(text.to_string());
    }
    let out = rewrite(text, &[], &[], true).text;
    (!has_signature(&out)).then_some(out)
}

struct Rewritten {
    text: String,
    redacted: bool,
}

/// Redact every JWS `locate` finds (and a pasted claims object); with `strip`, drop every signature, else only
/// those of changed tokens. A rewritten token is written `header.payload.`, without the whitespace it had.
fn rewrite(text: &str, names: &[String], values: &[String], strip: bool) -> Rewritten {
    if !names.is_empty() {
        if let Some(mut claims) = claims_object(text) {
            if redact_claims(&mut claims, names, values) {
                let pretty =
                    serde_json::to_string_pretty(&Value::Object(claims)).unwrap_or_default();
                return Rewritten {
                    text: pretty,
                    redacted: true,
                };
            }
            return Rewritten {
                text: text.to_string(),
                redacted: false,
            };
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    let mut redacted = false;
    for t in locate(text) {
        let payload = if names.is_empty() {
            None
        } else {
            payload_claims(&t.payload).and_then(|mut claims| {
                redact_claims(&mut claims, names, values)
                    .then(|| serde_json::to_vec(&Value::Object(claims)).ok())
                    .flatten()
                    .map(|json| b64::encode(&json))
            })
        };
        let changed = payload.is_some();
        if !changed && (t.signature.is_empty() || !strip) {
            continue;
        }
        out.push_str(text.get(last..t.span.start).unwrap_or_default());
        out.push_str(&t.header);
        out.push('.');
        out.push_str(payload.as_deref().unwrap_or(&t.payload));
        out.push('.');
        last = t.span.end;
        redacted |= changed;
    }
    out.push_str(text.get(last..).unwrap_or_default());
    Rewritten {
        text: out,
        redacted,
    }
}

/// The token text a link carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scrubbed {
    pub text: String,
    /// The pasted text could not be made safe and was left out of the link.
    pub dropped: bool,
    /// What the scrubber had to do beyond the usual (lowercase, for the share panel).
    pub notes: Vec<String>,
}

/// Base64 text as compared for leaks: no whitespace, no padding, the url-safe alphabet.
pub(super) fn normalized(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && *c != '=')
        .map(|c| match c {
            '+' => '-',
            '/' => '_',
            c => c,
        })
        .collect()
}

/// `text` (a policy, an error text) with every occurrence of the `known` signatures (from [`known_signatures`]
/// of the token text), in the url-safe or the standard base64 alphabet, replaced by [`REDACTED`]: a log that
/// printed the decoded token (`"signature": "…"`) would otherwise give the reader of a link the signature the
/// token text lost. `None` when a piece of one is still readable (a signature wrapped over lines): the caller
/// leaves that text out of the link.
pub fn mask_signatures(text: &str, known: &[String]) -> Option<String> {
    let mut out = text.to_string();
    for sig in known {
        let standard: String = sig
            .chars()
            .map(|c| match c {
                '-' => '+',
                '_' => '/',
                c => c,
            })
            .collect();
        for spelling in [sig.as_str(), standard.as_str()] {
            if out.contains(spelling) {
                out = out.replace(spelling, REDACTED);
            }
        }
    }
    (!leaks_known(&out, known)).then_some(out)
}

/// Whether a piece of one of the `known` signatures survives in `text`, in any spelling.
fn leaks_known(text: &str, known: &[String]) -> bool {
    if known.is_empty() {
        return false;
    }
    let text = normalized(text);
    known.iter().any(|sig| {
        let mut i = 0;
        while let Some(piece) = sig.get(i..i + LEAK_PIECE) {
            if text.contains(piece) {
                return true;
            }
            i += LEAK_STEP;
        }
        false
    })
}

/// Every signature in `text` (normalized), as the locator and the decoder read it. Shorter ones than
/// [`LEAK_PIECE`] are no credential (real ones have at least 43 characters) and are not looked for.
pub(super) fn known_signatures(text: &str) -> Vec<String> {
    let mut sigs: Vec<String> = locate(text)
        .into_iter()
        .map(|t| normalized(&t.signature))
        .collect();
    let d = token::decode(text);
    if d.signature_present {
        sigs.extend(d.compact.split('.').nth(2).map(normalized));
    }
    sigs.retain(|s| s.len() >= LEAK_PIECE);
    // Sorted as `&str`, the one string sort the wasm holds.
    let mut view: Vec<&str> = sigs.iter().map(String::as_str).collect();
    view.sort_unstable();
    view.dedup();
    view.into_iter().map(str::to_string).collect()
}

/// A piece of a signature this long (at an offset that is a multiple of [`LEAK_STEP`]) surviving in a link is a
/// leak: any 24 characters of the signature hold one.
const LEAK_PIECE: usize = 16;
const LEAK_STEP: usize = 8;

/// Whether `claims` show none of the redacted names' values and none of `values`.
fn claims_clean(claims: &Map<String, Value>, names: &[String], values: &[String]) -> bool {
    for name in names {
        if let Some(segment) = name
            .strip_prefix("sub.")
            .filter(|_| SUB_SEGMENTS.contains(&name.as_str()))
        {
            let sub = claims.get("sub").and_then(Value::as_str);
            if sub
                .and_then(|sub| sub_segment(sub, segment))
                .is_some_and(|v| v != REDACTED)
            {
                return false;
            }
        } else if claims
            .get(name.as_str())
            .is_some_and(|v| v.as_str() != Some(REDACTED))
        {
            return false;
        }
    }
    !claims.values().any(|v| holds_any(v, values))
}

/// Whether a string in `value`, at any depth, contains one of `values`.
fn holds_any(value: &Value, values: &[String]) -> bool {
    match value {
        Value::String(s) => values.iter().any(|v| s.contains(v.as_str())),
        Value::Array(items) => items.iter().any(|v| holds_any(v, values)),
        Value::Object(map) => map.values().any(|v| holds_any(v, values)),
        _ => false,
    }
}

/// The postcondition of [`scrub`]: reading `text` as the app does (the decoder's pick) and as the locator does
/// (every token), no signature is left when `strip`, no redacted value in any claim, and no piece of a `known`
/// signature in any spelling.
fn is_safe(text: &str, names: &[String], values: &[String], strip: bool, known: &[String]) -> bool {
    let d = token::decode(text);
    if strip && d.signature_present && d.form != Form::Invalid {
        return false;
    }
    let redacting = !names.is_empty();
    if redacting
        && d.claims
            .as_ref()
            .is_some_and(|c| !claims_clean(c, names, values))
    {
        return false;
    }
    let located = locate(text);
    for t in &located {
        if strip && !t.signature.is_empty() {
            return false;
        }
        if redacting && payload_claims(&t.payload).is_some_and(|c| !claims_clean(&c, names, values))
        {
            return false;
        }
    }
    if strip && stray_secret(text, &located, &decoded_pieces(&d)) {
        return false;
    }
    !(strip && leaks_known(text, known))
}

/// A base64 run this long (256 bits, the shortest real signature) outside every token's header and payload may
/// be a signature written apart from its token (`header.payload.` and, lines later, `signature: ...`).
const STRAY_RUN: usize = 43;

/// What the decoder read in an unsigned paste, whose long base64-looking runs are no stray signature: the
/// header and payload segments it decoded (a payload pasted alone has no dot for the locator to find), or, for
/// pasted JSON, the keys and string values of its header and claims (a CircleCI `sub` is a long run of letters,
/// digits, `/` and `-`).
fn decoded_pieces(d: &token::Decoded) -> Vec<String> {
    fn strings(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::String(s) => out.push(s.clone()),
            Value::Array(items) => items.iter().for_each(|v| strings(v, out)),
            Value::Object(map) => map.iter().for_each(|(k, v)| {
                out.push(k.clone());
                strings(v, out)
            }),
            _ => {}
        }
    }
    let mut out = Vec::new();
    if d.form == Form::Invalid || d.form == Form::Jwe || d.signature_present {
        return out;
    }
    if d.json_pasted {
        for map in [&d.header, &d.claims].into_iter().flatten() {
            strings(&Value::Object(map.clone()), &mut out);
        }
        return out;
    }
    let mut parts = d.compact.split('.');
    if d.header.is_some() || d.claims.is_some() {
        out.extend(parts.next().map(str::to_string));
    }
    if d.claims.is_some() && d.header.is_some() {
        out.extend(parts.next().map(str::to_string));
    }
    out
}

/// Whether `text` holds a long base64 run that is no piece of a located token's header or payload, nor of
/// what the decoder read (`decoded`, from [`decoded_pieces`]).
fn stray_secret(text: &str, located: &[Located], decoded: &[String]) -> bool {
    // `=` separates too: it is only padding at a segment's end, and it joins `NAME=value` in a listing.
    let is_b64 = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '+' | '/');
    text.split(|c: char| !is_b64(c))
        .filter(|run| run.len() >= STRAY_RUN)
        .any(|run| {
            !located
                .iter()
                .any(|t| t.header.contains(run) || t.payload.contains(run))
                && !decoded.iter().any(|piece| piece.contains(run))
        })
}

/// The token the app's decoder reads in `text`, alone and in its canonical compact form: `header.payload.`
/// with no signature and the redaction applied (a pasted claims object: the redacted claims as JSON).
fn canonical(text: &str, names: &[String], values: &[String]) -> Option<String> {
    let d = token::decode(text);
    if d.form == Form::Invalid {
        return None;
    }
    let redacted_b64 = |claims: &Option<Map<String, Value>>| {
        let mut claims = claims.clone()?;
        redact_claims(&mut claims, names, values).then_some(())?;
        serde_json::to_vec(&Value::Object(claims))
            .ok()
            .map(|j| b64::encode(&j))
    };
    if d.json_pasted {
        let mut claims = d.claims?;
        redact_claims(&mut claims, names, values);
        return serde_json::to_string_pretty(&Value::Object(claims)).ok();
    }
    if d.form == Form::Jwe {
        return Some(d.compact);
    }
    let mut parts = d.compact.split('.');
    let first = parts.next().unwrap_or_default();
    match parts.next() {
        None => Some(redacted_b64(&d.claims).unwrap_or_else(|| first.to_string())),
        Some(payload) => {
            let payload = redacted_b64(&d.claims).unwrap_or_else(|| payload.to_string());
            Some(format!("{first}.{payload}."))
        }
    }
}

/// The token text for a link: `names` redacted (see [`redact_token`]) and every signature removed unless
/// `keep` and nothing was redacted. The result is checked by reading it back with the app's decoder and the
/// locator: when a signature or a redacted value is still readable, the link carries the decoder's token alone
/// in its canonical form (`header.payload.`), and when even that is not safe, no token at all; [`Scrubbed`]
/// says so. Never leaks rather than never changes the text.
pub fn scrub(text: &str, names: &[String], values: &[String], keep: bool) -> Scrubbed {
    let first = rewrite(text, names, values, false);
    let strip = !keep || first.redacted;
    let candidate = if strip {
        rewrite(text, names, values, true).text
    } else {
        first.text
    };
    let known = if strip {
        known_signatures(text)
    } else {
        Vec::new()
    };
    if is_safe(&candidate, names, values, strip, &known) {
        return Scrubbed {
            text: candidate,
            dropped: false,
            notes: Vec::new(),
        };
    }
    if let Some(alone) =
        canonical(text, names, values).filter(|c| is_safe(c, names, values, true, &known))
    {
        return Scrubbed {
            text: alone,
            dropped: false,
            notes: vec![
                "the link carries the token alone, as `header.payload.` without its signature: the text pasted \
                 around it could not be cleaned safely; paste just the token to keep the text as it is"
                    .to_string(),
            ],
        };
    }
    Scrubbed {
        text: String::new(),
        dropped: true,
        notes: vec![
            "the token was left out of the link: its signature or a redacted value could not be removed safely \
             from the pasted text; paste just the token (`header.payload.signature`) and copy the link again"
                .to_string(),
        ],
    }
}

/// Redact in place; whether anything changed.
fn redact_claims(claims: &mut Map<String, Value>, names: &[String], values: &[String]) -> bool {
    let mut changed = false;
    for name in names {
        if let Some(segment) = name
            .strip_prefix("sub.")
            .filter(|_| SUB_SEGMENTS.contains(&name.as_str()))
        {
            if let Some(Value::String(sub)) = claims.get_mut("sub") {
                if let Some(new) = redact_sub_segment(sub, segment) {
                    changed |= new != *sub;
                    *sub = new;
                }
            }
        } else if let Some(value) = claims.get_mut(name.as_str()) {
            let marker = Value::String(REDACTED.to_string());
            if *value != marker {
                *value = marker;
                changed = true;
            }
        }
    }
    for value in claims.values_mut() {
        changed |= redact_strings(value, values);
    }
    changed
}

/// Replace `values` inside every string of `value`, at any depth; whether anything changed.
fn redact_strings(value: &mut Value, values: &[String]) -> bool {
    match value {
        Value::String(s) => {
            let new = redact_text(s, values);
            let changed = new != *s;
            *s = new;
            changed
        }
        Value::Array(items) => items
            .iter_mut()
            .fold(false, |changed, v| redact_strings(v, values) | changed),
        Value::Object(map) => map
            .values_mut()
            .fold(false, |changed, v| redact_strings(v, values) | changed),
        _ => false,
    }
}

/// Where the value after `<segment>/` sits in a CircleCI `sub` (looking only before any `/vcs-origin/`, whose
/// repository path may contain the same words).
fn sub_segment_range(sub: &str, segment: &str) -> Option<std::ops::Range<usize>> {
    let ids_end = sub.find("/vcs-origin/").unwrap_or(sub.len());
    let ids = sub.get(..ids_end)?;
    let label = format!("{segment}/");
    let value_start = if ids.starts_with(&label) {
        label.len()
    } else {
        ids.find(&format!("/{label}"))? + label.len() + 1
    };
    let after = ids.get(value_start..)?;
    Some(value_start..value_start + after.find('/').unwrap_or(after.len()))
}

/// The value after `<segment>/` in a CircleCI `sub`.
fn sub_segment<'a>(sub: &'a str, segment: &str) -> Option<&'a str> {
    sub.get(sub_segment_range(sub, segment)?)
}

/// Replace the value after `<segment>/` in a CircleCI `sub`.
fn redact_sub_segment(sub: &str, segment: &str) -> Option<String> {
    let range = sub_segment_range(sub, segment)?;
    Some(format!(
        "{}{REDACTED}{}",
        sub.get(..range.start)?,
        sub.get(range.end..)?
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(claims: &str) -> String {
        format!(
            "{}.{}.c2ln",
            b64::encode(br#"{"alg":"RS256","kid":"k"}"#),
            b64::encode(claims.as_bytes())
        )
    }

    /// Redaction as a link applies it to a token alone.
    fn redact(text: &str, names: &[String]) -> (String, bool) {
        redact_token(text, names, &redacted_values(text, names))
    }

    fn payload_of(token: &str) -> String {
        let p = token.split('.').nth(1).unwrap();
        String::from_utf8(b64::decode(p).unwrap()).unwrap()
    }

    #[test]
    fn strips_signature_wherever_the_token_sits() {
        let t = jwt(r#"{"sub":"x"}"#);
        let (h, p) = (t.split('.').next().unwrap(), t.split('.').nth(1).unwrap());
        assert_eq!(strip_signatures(&t), (format!("{h}.{p}."), true));
        assert_eq!(
            strip_signatures(&format!("Bearer {t}\n")),
            (format!("Bearer {h}.{p}.\n"), true)
        );
        assert_eq!(
            strip_signatures(&format!("export CIRCLE_OIDC_TOKEN={t}")),
            (format!("export CIRCLE_OIDC_TOKEN={h}.{p}."), true)
        );
        assert_eq!(
            strip_signatures(&format!("{h}.{p}.")),
            (format!("{h}.{p}."), false)
        );
        assert!(has_signature(&t));
        assert!(!has_signature(&format!("{h}.{p}.")));
    }

    #[test]
    fn leaves_ordinary_dotted_text_alone() {
        for text in [
            "www.example.com",
            "a.b.c",
            "1.2.3",
            "see oidc.circleci.com/org/x",
            "",
            "é.ü.ß",
        ] {
            assert_eq!(strip_signatures(text), (text.to_string(), false), "{text}");
        }
    }

    #[test]
    fn redacts_the_user_segment_of_a_v2_sub_only() {
        let sub =
            "org/o1/project/p1/user/u1/vcs-origin/github.com/user/repo/vcs-ref/refs/heads/main";
        let t = jwt(&format!(r#"{{"sub":"{sub}","aud":"o1"}}"#));
        let (out, changed) = redact(&t, &["sub.user".to_string()]);
        assert!(changed);
        assert!(out.ends_with('.'), "signature dropped: {out}");
        assert_eq!(
            payload_of(&out),
            r#"{"sub":"org/o1/project/p1/user/<redacted>/vcs-origin/github.com/user/repo/vcs-ref/refs/heads/main","aud":"o1"}"#
        );
    }

    #[test]
    fn redacts_org_and_project_segments_and_whole_claims() {
        let t =
            jwt(r#"{"sub":"org/o1/project/p1/user/u1","oidc.circleci.com/project-id":"p1","n":1}"#);
        let names: Vec<String> = [
            "sub.org",
            "sub.project",
            "oidc.circleci.com/project-id",
            "missing",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let (out, changed) = redact(&t, &names);
        assert!(changed);
        assert_eq!(
            payload_of(&out),
            r#"{"sub":"org/<redacted>/project/<redacted>/user/u1","oidc.circleci.com/project-id":"<redacted>","n":1}"#
        );
        // Idempotent: redacting again changes nothing.
        assert_eq!(redact(&out, &names), (out.clone(), false));
    }

    #[test]
    fn redacts_a_pasted_claims_object() {
        let (out, changed) = redact(
            r#"{"sub":"org/o/project/p/user/u"}"#,
            &["sub.user".to_string()],
        );
        assert!(changed);
        assert_eq!(out, "{\n  \"sub\": \"org/o/project/p/user/<redacted>\"\n}");
    }

    #[test]
    fn a_redacted_value_is_hidden_everywhere_it_appears() {
        let r = "refs/heads/release/2026-11";
        let sub = format!("org/o1/project/p1/user/u1/vcs-origin/github.com/a/b/vcs-ref/{r}");
        let t = jwt(&format!(
            r#"{{"sub":"{sub}","oidc.circleci.com/vcs-ref":"{r}","x":{{"nested":["{r}"]}}}}"#
        ));
        let names = vec!["oidc.circleci.com/vcs-ref".to_string()];
        let values = redacted_values(&t, &names);
        assert_eq!(values, vec![r.to_string()]);
        let (out, changed) = redact_token(&t, &names, &values);
        assert!(changed && out.ends_with('.'), "{out}");
        assert_eq!(
            payload_of(&out),
            r#"{"sub":"org/o1/project/p1/user/u1/vcs-origin/github.com/a/b/vcs-ref/<redacted>","oidc.circleci.com/vcs-ref":"<redacted>","x":{"nested":["<redacted>"]}}"#
        );
        let policy = format!(
            r#"{{"StringEquals": {{"k:sub": "{sub}"}}, "StringLike": {{"k:sub": "*/refs/heads/*"}}}}"#
        );
        assert_eq!(
            redact_text(&policy, &values),
            r#"{"StringEquals": {"k:sub": "org/o1/project/p1/user/u1/vcs-origin/github.com/a/b/vcs-ref/<redacted>"}, "StringLike": {"k:sub": "*/refs/heads/*"}}"#
        );
    }

    #[test]
    fn redacted_values_are_the_chosen_ones_in_order() {
        let user = "33333333-3333-4333-8333-333333333333";
        let t = jwt(&format!(
            r#"{{"sub":"org/o1/project/p1/user/{user}","oidc.circleci.com/context-ids":["c-1","44444444-4444-4444-8444-444444444444"],"oidc.circleci.com/job-id":"j-123456789012"}}"#
        ));
        let names: Vec<String> = [
            "oidc.circleci.com/job-id",
            "sub.user",
            "oidc.circleci.com/context-ids",
            "sub.org",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // `c-1` and the org `o1` are too short to look for elsewhere; they are still replaced where chosen.
        assert_eq!(
            redacted_values(&t, &names),
            vec![
                "j-123456789012".to_string(),
                "33333333-3333-4333-8333-333333333333".to_string(),
                "44444444-4444-4444-8444-444444444444".to_string(),
            ]
        );
        // A value inside a longer one does not split it: the longest match at each place is replaced.
        let values = vec!["abcdefgh".to_string(), "abcdefgh-ijkl".to_string()];
        assert_eq!(
            redact_text("x abcdefgh-ijkl y abcdefgh", &values),
            "x <redacted> y <redacted>"
        );
        let (out, _) = redact(&t, &names);
        assert_eq!(
            payload_of(&out),
            r#"{"sub":"org/<redacted>/project/p1/user/<redacted>","oidc.circleci.com/context-ids":"<redacted>","oidc.circleci.com/job-id":"<redacted>"}"#
        );
        assert_eq!(
            redact_text("user u1 o1 c-1", &redacted_values(&t, &names)),
            "user u1 o1 c-1"
        );
        assert!(redacted_values(&t, &[]).is_empty());
        assert!(redacted_values("not a token", &names).is_empty());
    }

    #[test]
    fn a_token_listing_thousands_of_values_is_redacted_in_bounded_work() {
        let ids: Vec<String> = (0..20_000).map(|i| format!("\"{i:036}\"")).collect();
        let t = jwt(&format!(
            r#"{{"oidc.circleci.com/context-ids":[{}]}}"#,
            ids.join(",")
        ));
        let names = vec!["oidc.circleci.com/context-ids".to_string()];
        let values = redacted_values(&t, &names);
        assert_eq!(values.len(), MAX_SPREAD_VALUES);
        let policy = "0".repeat(36).repeat(1_000);
        assert_eq!(redact_text(&policy, &values), REDACTED.repeat(1_000));
    }

    #[test]
    fn a_token_inside_json_is_redacted_as_a_token() {
        let t = jwt(r#"{"sub":"org/o1/project/p1/user/33333333-3333-4333-8333-333333333333"}"#);
        let body = format!(r#"{{"role": "deploy", "jwt": "{t}"}}"#);
        let names = vec!["sub.user".to_string()];
        let (out, changed) = redact(&body, &names);
        assert!(changed);
        assert!(!out.contains(t.split('.').nth(1).unwrap()), "{out}");
        let token = out.split('"').find(|p| p.starts_with("eyJ")).unwrap();
        assert_eq!(
            payload_of(token),
            r#"{"sub":"org/o1/project/p1/user/<redacted>"}"#
        );
    }

    #[test]
    fn sub_segment_edge_cases() {
        assert_eq!(
            redact_sub_segment("org/o/project/p/user/", "user").as_deref(),
            Some("org/o/project/p/user/<redacted>")
        );
        assert_eq!(redact_sub_segment("no segments", "user"), None);
        assert_eq!(
            redact_sub_segment("org/é/user/ü", "org").as_deref(),
            Some("org/<redacted>/user/ü")
        );
    }
}
