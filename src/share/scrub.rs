//! Making a token safe to share: removing signatures and redacting claims, wherever the JWT sits in the pasted
//! text (`Bearer ...`, `export TOKEN=...`, a JSON wrapper).

use serde_json::{Map, Value};

use super::b64;

/// What a redacted value is replaced with.
pub const REDACTED: &str = "<redacted>";

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

/// Whether `text` holds a JWS with a non-empty signature.
pub fn has_signature(text: &str) -> bool {
    let mut found = false;
    map_runs(text, |jws| {
        found |= jws.signature.is_some_and(|s| !s.is_empty());
        None
    });
    found
}

/// Replace the values of the named claims (and `sub` segments, see [`SUB_SEGMENTS`]) with [`REDACTED`] in every
/// JWS payload in `text`, or in `text` itself when it is a JSON object of claims. A changed JWS loses its
/// signature (it would no longer match). Returns the new text and whether anything changed.
pub fn redact_token(text: &str, names: &[String]) -> (String, bool) {
    if names.is_empty() {
        return (text.to_string(), false);
    }
    if text.trim_start().starts_with('{') {
        if let Ok(Value::Object(mut claims)) = serde_json::from_str::<Value>(text) {
            if redact_claims(&mut claims, names) {
                let pretty =
                    serde_json::to_string_pretty(&Value::Object(claims)).unwrap_or_default();
                return (pretty, true);
            }
            return (text.to_string(), false);
        }
    }
    map_runs(text, |jws| {
        let bytes = b64::decode(jws.payload).ok()?;
        // `from_str` (not `from_slice`): one serde_json reader in the wasm, not two.
        let text = std::str::from_utf8(&bytes).ok()?;
        let Ok(Value::Object(mut claims)) = serde_json::from_str::<Value>(text) else {
            return None;
        };
        if !redact_claims(&mut claims, names) {
            return None;
        }
        let json = serde_json::to_vec(&Value::Object(claims)).ok()?;
        Some(format!("{}.{}.", jws.header, b64::encode(&json)))
    })
}

/// Redact in place; whether anything changed.
fn redact_claims(claims: &mut Map<String, Value>, names: &[String]) -> bool {
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
    changed
}

/// Replace the value after `<segment>/` in a CircleCI `sub` (looking only before any `/vcs-origin/`, whose
/// repository path may contain the same words).
fn redact_sub_segment(sub: &str, segment: &str) -> Option<String> {
    let ids_end = sub.find("/vcs-origin/").unwrap_or(sub.len());
    let ids = sub.get(..ids_end)?;
    let label = format!("{segment}/");
    let value_start = if ids.starts_with(&label) {
        label.len()
    } else {
        ids.find(&format!("/{label}"))? + label.len() + 1
    };
    let after = ids.get(value_start..)?;
    let value_end = value_start + after.find('/').unwrap_or(after.len());
    Some(format!(
        "{}{REDACTED}{}",
        sub.get(..value_start)?,
        sub.get(value_end..)?
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
        let (out, changed) = redact_token(&t, &["sub.user".to_string()]);
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
        let (out, changed) = redact_token(&t, &names);
        assert!(changed);
        assert_eq!(
            payload_of(&out),
            r#"{"sub":"org/<redacted>/project/<redacted>/user/u1","oidc.circleci.com/project-id":"<redacted>","n":1}"#
        );
        // Idempotent: redacting again changes nothing.
        assert_eq!(redact_token(&out, &names), (out.clone(), false));
    }

    #[test]
    fn redacts_a_pasted_claims_object() {
        let (out, changed) = redact_token(
            r#"{"sub":"org/o/project/p/user/u"}"#,
            &["sub.user".to_string()],
        );
        assert!(changed);
        assert_eq!(out, "{\n  \"sub\": \"org/o/project/p/user/<redacted>\"\n}");
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
