//! Making a token safe to share: removing signatures and redacting claims, wherever the JWT sits in the pasted
//! text (`Bearer ...`, `export TOKEN=...`, a JSON wrapper).
//!
//! Redaction hides a value everywhere it appears, not only in the claim it was chosen by: the user ID also in the
//! policy that pins it, the vcs ref also in the V2 `sub`. Since both sides of every comparison then read
//! [`REDACTED`], a link keeps its verdict unless a pattern (a glob, a CEL function) looked inside the value.

use serde_json::{Map, Value};

use super::b64;

pub use crate::circleci::REDACTED;

/// Values shorter than this (bytes) are replaced only in the claim or `sub` segment they were chosen by: elsewhere
/// they may be part of other words. CircleCI's IDs are 36 bytes, refs at least `refs/heads/` long.
const MIN_SPREAD_LEN: usize = 8;
/// At most this many distinct values are looked for in the rest of the text (a hostile token can list thousands
/// of context IDs; each value is one pass over the text).
const MAX_SPREAD_VALUES: usize = 64;

/// Redaction names that select one segment of `sub` instead of a whole claim.
pub const SUB_SEGMENTS: [&str; 3] = ["sub.user", "sub.project", "sub.org"];

/// A run of base64url characters and dots that looks like a JWS: two or three segments, the first a
/// base64url JSON object (the header).
struct Jws<'a> {
    header: &'a str,
    payload: &'a str,
    signature: Option<&'a str>,
}

fn parse_jws(run: &str) -> Option<Jws<'_>> {
    let mut parts = run.split('.');
    let header = parts.next()?;
    let payload = parts.next()?;
    let signature = parts.next();
    if parts.next().is_some() || header.is_empty() || payload.is_empty() {
        return None;
    }
    let decoded = b64::decode(header).ok()?;
    if decoded.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return None;
    }
    Some(Jws {
        header,
        payload,
        signature,
    })
}

fn is_run_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.'
}

/// Apply `f` to every JWS-looking run in `text`; `f` returns the replacement or `None` to keep it.
fn map_runs(text: &str, mut f: impl FnMut(&Jws<'_>) -> Option<String>) -> (String, bool) {
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    let mut rest = text;
    while !rest.is_empty() {
        let start = rest.find(is_run_char).unwrap_or(rest.len());
        out.push_str(rest.get(..start).unwrap_or_default());
        let tail = rest.get(start..).unwrap_or_default();
        let end = tail.find(|c: char| !is_run_char(c)).unwrap_or(tail.len());
        let run = tail.get(..end).unwrap_or_default();
        match parse_jws(run).and_then(|jws| f(&jws)) {
            Some(replacement) => {
                changed |= replacement != run;
                out.push_str(&replacement);
            }
            None => out.push_str(run),
        }
        rest = tail.get(end..).unwrap_or_default();
    }
    (out, changed)
}

/// Remove the signature of every JWS in `text`, keeping the `header.payload.` form. Returns the new text and
/// whether a signature was removed.
pub fn strip_signatures(text: &str) -> (String, bool) {
    map_runs(text, |jws| match jws.signature {
        Some(sig) if !sig.is_empty() => Some(format!("{}.{}.", jws.header, jws.payload)),
        _ => None,
    })
}

/// Whether `text` holds a JWS-looking run for which `pred` holds.
fn any_jws(text: &str, pred: impl Fn(&Jws<'_>) -> bool) -> bool {
    let mut found = false;
    map_runs(text, |jws| {
        found |= pred(jws);
        None
    });
    found
}

/// Whether `text` holds a JWS with a non-empty signature.
pub fn has_signature(text: &str) -> bool {
    any_jws(text, |jws| jws.signature.is_some_and(|s| !s.is_empty()))
}

/// The claims in a JWS's payload, when it is a JSON object.
fn payload_claims(jws: &Jws<'_>) -> Option<Map<String, Value>> {
    let bytes = b64::decode(jws.payload).ok()?;
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
    if !text.trim_start().starts_with('{') || any_jws(text, |_| true) {
        return None;
    }
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(claims)) => Some(claims),
        _ => None,
    }
}

/// The claims of every JWS payload in `text`, or of `text` itself when it is a JSON object of claims.
fn claim_sets(text: &str) -> Vec<Map<String, Value>> {
    if let Some(claims) = claims_object(text) {
        return vec![claims];
    }
    let mut sets = Vec::new();
    map_runs(text, |jws| {
        sets.extend(payload_claims(jws));
        None
    });
    sets
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
/// match). Returns the new text and whether anything changed.
pub fn redact_token(text: &str, names: &[String], values: &[String]) -> (String, bool) {
    if names.is_empty() {
        return (text.to_string(), false);
    }
    if let Some(mut claims) = claims_object(text) {
        if redact_claims(&mut claims, names, values) {
            let pretty = serde_json::to_string_pretty(&Value::Object(claims)).unwrap_or_default();
            return (pretty, true);
        }
        return (text.to_string(), false);
    }
    map_runs(text, |jws| {
        let mut claims = payload_claims(jws)?;
        if !redact_claims(&mut claims, names, values) {
            return None;
        }
        let json = serde_json::to_vec(&Value::Object(claims)).ok()?;
        Some(format!("{}.{}.", jws.header, b64::encode(&json)))
    })
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
