//! From a token and keys to either a final report or a [`Prepared`] verification for a crypto backend.

use base64::Engine as _;
use serde_json::{Map, Value};

use super::alg::{Alg, Misfit};
use super::keys::{Key, Keys, PublicKey, BASE64URL};
use crate::report::SignatureReport;
use crate::token::{Decoded, Form};

/// Everything a crypto backend needs, with the key already chosen and checked against the `alg`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    pub alg: Alg,
    pub key: PublicKey,
    /// The chosen key's `kid`, if it has one.
    pub key_id: Option<String>,
    /// How messages name the key ("key `rsa-1`", "the PEM key on line 1").
    pub key_label: String,
    /// A note added to the result, e.g. that the key was used although its `kid` differs.
    pub note: Option<String>,
    /// `header.payload`, as the signer signed it.
    pub signing_input: Vec<u8>,
    pub signature: Vec<u8>,
}

/// What a crypto backend found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CryptoOutcome {
    /// The signature verifies.
    Valid,
    /// It does not.
    Invalid,
    /// The key could not be imported (e.g. an EC point that is not on its curve).
    KeyRejected,
}

/// The result of [`prepare`].
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Decided without crypto.
    Done(SignatureReport),
    /// Run the crypto, then [`Prepared::finish`].
    Ready(Prepared),
}

impl Prepared {
    /// The report for a backend's outcome: the single place verdict messages are written.
    pub fn finish(&self, outcome: CryptoOutcome) -> SignatureReport {
        let (status, message) = match outcome {
            CryptoOutcome::Valid => {
                ("valid", format!("the signature is valid: signed with {} by {}", self.alg.name(), self.key_label))
            }
            CryptoOutcome::Invalid => (
                "invalid",
                format!(
                    "the signature does not match {} ({}): the token was altered, or signed by another key; every platform refuses such a token (STS answers `InvalidIdentityToken`)",
                    self.key_label,
                    self.alg.name()
                ),
            ),
            CryptoOutcome::KeyRejected => (
                "unsupported",
                format!("{} is not a valid {}, so it cannot verify anything", self.key_label, key_noun(&self.key)),
            ),
        };
        let message = match &self.note {
            Some(note) => format!("{message} ({note})"),
            None => message,
        };
        SignatureReport {
            status,
            message,
            key_id: self.key_id.clone(),
        }
    }
}

fn key_noun(key: &PublicKey) -> String {
    key.describe()
        .trim_start_matches("an ")
        .trim_start_matches("a ")
        .replace(" key", " public key")
}

fn done(status: &'static str, message: impl Into<String>, key_id: Option<&String>) -> Step {
    Step::Done(SignatureReport {
        status,
        message: message.into(),
        key_id: key_id.cloned(),
    })
}

/// Choose the key for a decoded token. Never panics.
pub fn prepare(decoded: &Decoded, keys: &Keys) -> Step {
    match decoded.form {
        Form::Jwe => done(
            "unsupported",
            "the token is encrypted (JWE): there is no signature to check",
            None,
        ),
        Form::Invalid => done(
            "unsupported",
            "the token could not be decoded, so its signature cannot be checked",
            None,
        ),
        Form::Jws | Form::Partial => {
            prepare_compact(&decoded.compact, decoded.header.as_ref(), keys)
        }
    }
}

/// Choose the key for a compact token `header.payload.signature`; `header` is its decoded header when known
/// (otherwise it is read from the first segment).
pub fn prepare_compact(compact: &str, header: Option<&Map<String, Value>>, keys: &Keys) -> Step {
    let mut segments = compact.trim().split('.');
    let (Some(head), Some(payload)) = (segments.next(), segments.next()) else {
        return done(
            "absent",
            "the token has no signature: it has no `header.payload` to check",
            None,
        );
    };
    let signature_text = segments.next().unwrap_or_default();
    if segments.next().is_some() {
        return done(
            "unsupported",
            "the token has more than three segments, so it is not a signed JWT (JWS)",
            None,
        );
    }
    let own_header;
    let header = match header {
        Some(h) => h,
        None => {
            own_header = BASE64URL
                .decode(head)
                .ok()
                .and_then(|bytes| String::from_utf8(bytes).ok())
                .and_then(|text| serde_json::from_str::<Map<String, Value>>(&text).ok());
            match &own_header {
                Some(h) => h,
                None => {
                    return done(
                        "unsupported",
                        "the token header could not be decoded, so its `alg` is unknown",
                        None,
                    )
                }
            }
        }
    };
    let alg_name = match header.get("alg") {
        Some(Value::String(a)) => a.as_str(),
        _ => {
            return done(
                "unsupported",
                "the token header has no `alg` string, so it cannot be verified",
                None,
            )
        }
    };
    if alg_name.eq_ignore_ascii_case("none") {
        return done(
            "invalid",
            format!("the token header says `alg: {alg_name}`: it is unsigned, and no verifier accepts it"),
            None,
        );
    }
    if signature_text.is_empty() {
        return done(
            "absent",
            "the token has no signature (a shared link drops it): paste the full token to check it",
            None,
        );
    }
    let Some(alg) = Alg::parse(alg_name) else {
        let why = if alg_name.starts_with("HS") {
            "a shared-secret (HMAC) algorithm, which no public key can verify"
        } else {
            "not one claimcheck verifies (RS256/384/512, PS256/384/512, ES256/384, EdDSA)"
        };
        return done(
            "unsupported",
            format!("the token's `alg: {alg_name}` is {why}"),
            None,
        );
    };
    let Ok(signature) = BASE64URL.decode(signature_text) else {
        return done(
            "invalid",
            "the token's signature segment is not valid base64url",
            None,
        );
    };
    if keys.keys.is_empty() {
        return done(
            "no-matching-key",
            "no usable key was pasted: see the problems with the keys",
            None,
        );
    }
    let kid = match header.get("kid") {
        Some(Value::String(k)) => Some(k.as_str()),
        _ => None,
    };
    let (key, note) = match choose(alg, kid, &keys.keys) {
        Ok(chosen) => chosen,
        Err(message) => return done("no-matching-key", message, None),
    };
    match alg.check(key) {
        Ok(()) => {}
        Err(Misfit::Mismatch(m)) => return done("invalid", m, key.kid.as_ref()),
        Err(Misfit::Unsupported(m)) => return done("unsupported", m, key.kid.as_ref()),
    }
    if let Some(expected) = alg.signature_len(&key.public) {
        if signature.len() != expected {
            return done(
                "invalid",
                format!(
                    "the signature is {} bytes long; {} with {} makes {expected}",
                    signature.len(),
                    alg.name(),
                    key.public.describe()
                ),
                key.kid.as_ref(),
            );
        }
    }
    Step::Ready(Prepared {
        alg,
        key: key.public.clone(),
        key_id: key.kid.clone(),
        key_label: key.label(),
        note,
        signing_input: format!("{head}.{payload}").into_bytes(),
        signature,
    })
}

/// The key-selection policy of the module docs; `Err` is the `no-matching-key` message.
fn choose<'k>(
    alg: Alg,
    kid: Option<&str>,
    keys: &'k [Key],
) -> Result<(&'k Key, Option<String>), String> {
    let lone = match keys {
        [only] => Some(only),
        _ => None,
    };
    if let Some(kid) = kid {
        let named: Vec<&Key> = keys
            .iter()
            .filter(|k| k.kid.as_deref() == Some(kid))
            .collect();
        if let Some(first) = named.first() {
            let fitting = named.iter().find(|k| alg.check(k).is_ok()).unwrap_or(first);
            return Ok((fitting, None));
        }
        if let Some(only) = lone.filter(|k| k.kid.is_none()) {
            return Ok((
                only,
                Some(format!(
                    "it has no `kid`; it was used for the token's `kid` `{kid}` as the only key"
                )),
            ));
        }
        let present: Vec<String> = keys
            .iter()
            .filter_map(|k| k.kid.as_ref())
            .map(|k| format!("`{k}`"))
            .collect();
        let without = keys.len() - present.len();
        let mut listing = if present.is_empty() {
            "no `kid`s".to_string()
        } else {
            present.join(", ")
        };
        if without > 0 && !present.is_empty() {
            listing.push_str(&format!(" and {without} without `kid`"));
        }
        return Err(format!(
            "no key has the token's `kid` `{kid}`; the keys have: {listing}. the issuer may have rotated its keys: fetch its current key set"
        ));
    }
    if let Some(only) = lone {
        return Ok((only, None));
    }
    let fitting: Vec<&Key> = keys.iter().filter(|k| alg.check(k).is_ok()).collect();
    match fitting.as_slice() {
        [one] => Ok((
            one,
            Some("the token has no `kid`; this is the only key that fits its `alg`".into()),
        )),
        [] => Err(format!(
            "the token has no `kid` and none of the {} keys fits `alg: {}`",
            keys.len(),
            alg.name()
        )),
        many => Err(format!(
            "the token has no `kid` and {} keys fit `alg: {}`: paste only the key to check against",
            many.len(),
            alg.name()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::keys::{parse_keys, Origin};

    fn b64(text: &str) -> String {
        BASE64URL.encode(text).trim_end_matches('=').to_string()
    }

    fn token(header: &str, signature: &str) -> String {
        format!("{}.{}.{signature}", b64(header), b64("{\"sub\":\"x\"}"))
    }

    fn ed(kid: Option<&str>) -> Key {
        Key {
            kid: kid.map(String::from),
            alg: None,
            use_: None,
            public: PublicKey::Ed25519 { x: vec![0; 32] },
            origin: Origin::Pem { line: 1 },
        }
    }

    fn report(step: Step) -> (&'static str, String) {
        match step {
            Step::Done(r) => (r.status, r.message),
            Step::Ready(p) => ("ready", p.key_label),
        }
    }

    const SIG64: &str =
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

    #[test]
    fn the_order_of_early_answers() {
        let keys = Keys {
            keys: vec![ed(Some("a"))],
            findings: Vec::new(),
        };
        let cases = [
            (token("{\"alg\":\"none\"}", ""), "invalid"),
            (token("{\"alg\":\"EdDSA\"}", ""), "absent"),
            (
                format!("{}.{}", b64("{\"alg\":\"EdDSA\"}"), b64("{}")),
                "absent",
            ),
            (token("{\"alg\":\"HS256\"}", "AAAA"), "unsupported"),
            (token("{\"alg\":7}", "AAAA"), "unsupported"),
            (token("{\"alg\":\"EdDSA\"}", "***"), "invalid"),
            ("not json.e30.AAAA".to_string(), "unsupported"),
            ("a.b.c.d".to_string(), "unsupported"),
            ("".to_string(), "absent"),
        ];
        for (token, status) in cases {
            assert_eq!(
                report(prepare_compact(&token, None, &keys)).0,
                status,
                "{token}"
            );
        }
        let none = Keys::default();
        assert_eq!(
            report(prepare_compact(
                &token("{\"alg\":\"EdDSA\"}", SIG64),
                None,
                &none
            ))
            .0,
            "no-matching-key"
        );
    }

    #[test]
    fn a_lone_key_without_kid_is_used_for_any_kid_but_a_named_one_is_not() {
        let header = "{\"alg\":\"EdDSA\",\"kid\":\"x\"}";
        let lone = Keys {
            keys: vec![ed(None)],
            findings: Vec::new(),
        };
        let Step::Ready(p) = prepare_compact(&token(header, SIG64), None, &lone) else {
            panic!("a lone key is used")
        };
        assert_eq!(
            p.note.as_deref(),
            Some("it has no `kid`; it was used for the token's `kid` `x` as the only key")
        );
        assert_eq!(
            p.signing_input,
            format!("{}.{}", b64(header), b64("{\"sub\":\"x\"}")).into_bytes()
        );
        let named = Keys {
            keys: vec![ed(Some("y")), ed(None)],
            findings: Vec::new(),
        };
        assert_eq!(
            report(prepare_compact(&token(header, SIG64), None, &named)),
            (
                "no-matching-key",
                "no key has the token's `kid` `x`; the keys have: `y` and 1 without `kid`. the issuer may have rotated its keys: fetch its current key set".to_string()
            )
        );
    }

    #[test]
    fn a_shared_kid_prefers_the_fitting_key() {
        let mut rsa = ed(Some("k"));
        rsa.public = PublicKey::Unsupported("an EC P-521 key".into());
        let keys = Keys {
            keys: vec![rsa, ed(Some("k"))],
            findings: Vec::new(),
        };
        let header = "{\"alg\":\"EdDSA\",\"kid\":\"k\"}";
        assert_eq!(
            report(prepare_compact(&token(header, SIG64), None, &keys)),
            ("ready", "key `k`".to_string())
        );
        let p521 = parse_keys(
            "{\"kty\":\"EC\",\"crv\":\"P-521\",\"kid\":\"k\",\"x\":\"AA\",\"y\":\"AA\"}",
        );
        assert_eq!(
            report(prepare_compact(&token(header, SIG64), None, &p521)),
            (
                "unsupported",
                "key `k` is an EC `P-521` key, which claimcheck cannot verify with".to_string()
            )
        );
    }

    #[test]
    fn finish_words_each_outcome() {
        let p = Prepared {
            alg: Alg::ES256,
            key: PublicKey::Ec {
                curve: crate::signature::Curve::P256,
                x: vec![0; 32],
                y: vec![0; 32],
            },
            key_id: Some("k".into()),
            key_label: "key `k`".into(),
            note: None,
            signing_input: Vec::new(),
            signature: Vec::new(),
        };
        assert_eq!(
            p.finish(CryptoOutcome::Valid).message,
            "the signature is valid: signed with ES256 by key `k`"
        );
        let rejected = p.finish(CryptoOutcome::KeyRejected);
        assert_eq!(
            (rejected.status, rejected.message.as_str()),
            (
                "unsupported",
                "key `k` is not a valid EC P-256 public key, so it cannot verify anything"
            )
        );
        assert_eq!(
            p.finish(CryptoOutcome::Invalid).key_id.as_deref(),
            Some("k")
        );
    }
}
