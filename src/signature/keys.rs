//! Reading what people paste as keys: a JWK set, a single JWK, or PEM public keys, into [`Key`]s.
//! Problems become findings (area `signature`) with the line/column of the JWK, the PEM block or the JSON error.

use base64::alphabet::URL_SAFE;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::{DecodePaddingMode, Engine as _};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::der;
use crate::report::{Area, Finding, Lines, Location, Severity};
use crate::token::segment::json_type;

/// Base64url, with or without padding, ignoring stray trailing bits (JWK members and JWS segments): a
/// truncated signature then gets the clearer "wrong length" message.
pub(crate) const BASE64URL: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// An elliptic curve claimcheck verifies on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Curve {
    P256,
    P384,
}

impl Curve {
    /// The JWK `crv` / Web Crypto `namedCurve` spelling.
    pub fn name(self) -> &'static str {
        match self {
            Curve::P256 => "P-256",
            Curve::P384 => "P-384",
        }
    }

    /// Bytes in one coordinate (and in each half of a JWS signature).
    pub fn coordinate_len(self) -> usize {
        match self {
            Curve::P256 => 32,
            Curve::P384 => 48,
        }
    }
}

/// A public key, normalized: big-endian unsigned integers without leading zeros, raw coordinates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicKey {
    Rsa {
        n: Vec<u8>,
        e: Vec<u8>,
    },
    Ec {
        curve: Curve,
        x: Vec<u8>,
        y: Vec<u8>,
    },
    Ed25519 {
        x: Vec<u8>,
    },
    /// A well-formed key of a kind claimcheck does not verify with, described ("an EC P-521 key").
    Unsupported(String),
}

impl PublicKey {
    /// "an RSA 2048-bit key", "an EC P-256 key", "an Ed25519 key".
    pub fn describe(&self) -> String {
        match self {
            PublicKey::Rsa { n, .. } => format!("an RSA {}-bit key", rsa_bits(n)),
            PublicKey::Ec { curve, .. } => format!("an EC {} key", curve.name()),
            PublicKey::Ed25519 { .. } => "an Ed25519 key".to_string(),
            PublicKey::Unsupported(what) => what.clone(),
        }
    }

    /// The key as JWK members (what Web Crypto imports), base64url without padding.
    pub fn jwk_members(&self) -> Vec<(&'static str, String)> {
        let b = |bytes: &[u8]| BASE64URL.encode(bytes).trim_end_matches('=').to_string();
        match self {
            PublicKey::Rsa { n, e } => vec![("kty", "RSA".into()), ("n", b(n)), ("e", b(e))],
            PublicKey::Ec { curve, x, y } => {
                vec![
                    ("kty", "EC".into()),
                    ("crv", curve.name().into()),
                    ("x", b(x)),
                    ("y", b(y)),
                ]
            }
            PublicKey::Ed25519 { x } => vec![
                ("kty", "OKP".into()),
                ("crv", "Ed25519".into()),
                ("x", b(x)),
            ],
            PublicKey::Unsupported(_) => Vec::new(),
        }
    }
}

/// Bit length of a big-endian unsigned integer without leading zeros.
pub fn rsa_bits(n: &[u8]) -> usize {
    match n.first() {
        Some(&first) => (n.len() - 1) * 8 + (8 - first.leading_zeros() as usize),
        None => 0,
    }
}

/// Where a key came from, for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A JWK: its 1-based position in the set (`None` for a lone JWK) and where its `{` is.
    Jwk { index: Option<usize>, at: Location },
    /// A PEM block starting on this line.
    Pem { line: usize },
}

/// One usable (or at least well-formed) key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    pub kid: Option<String>,
    /// The JWK's `alg`, when it declares one.
    pub alg: Option<String>,
    /// The JWK's `use`, when it declares one.
    pub use_: Option<String>,
    pub public: PublicKey,
    pub origin: Origin,
}

impl Key {
    /// How messages name this key: "key `rsa-1`", "the PEM key on line 3", "the JWK at line 2, column 5".
    pub fn label(&self) -> String {
        match (&self.kid, &self.origin) {
            (Some(kid), _) => format!("key `{kid}`"),
            (None, Origin::Pem { line }) => format!("the PEM key on line {line}"),
            (None, Origin::Jwk { index: Some(i), at }) => {
                format!("JWK {i} (no `kid`, line {}, column {})", at.line, at.column)
            }
            (None, Origin::Jwk { index: None, .. }) => "the JWK (no `kid`)".to_string(),
        }
    }
}

/// What the keys text held.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Keys {
    pub keys: Vec<Key>,
    pub findings: Vec<Finding>,
}

/// Read a JWK set, a JWK, or PEM public keys. Never panics; reports every problem.
pub fn parse_keys(text: &str) -> Keys {
    let mut out = Keys::default();
    // `curl -i <iss>/.well-known/jwks-pub.json`: the response's status line and headers come first; `curl -v`
    // puts its own lines around the body. They are blanked (lines kept) so that places in the body keep their
    // line and column.
    let blanked;
    let text = match http_body_start(text) {
        Some(start) => {
            let verbose = text.trim_start().starts_with("* ");
            let mut kept = String::with_capacity(text.len());
            let mut at = 0;
            for line in text.split_inclusive('\n') {
                let blank = at < start || (verbose && is_curl_line(line));
                at += line.len();
                if blank {
                    kept.extend(line.chars().map(|c| if c == '\n' { c } else { ' ' }));
                } else {
                    kept.push_str(line);
                }
            }
            blanked = kept;
            blanked.as_str()
        }
        None => text,
    };
    let trimmed = text.trim_start();
    if trimmed.is_empty() {
        return out;
    }
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        parse_json(text, &mut out);
    } else if text.contains("-----BEGIN ") {
        parse_pem(text, &mut out);
    } else {
        let at = location(text, text.len() - trimmed.len());
        out.findings.push(
            error("keys-not-recognized", "the keys are neither JSON (a JWK set or a JWK) nor a PEM public key")
                .with_fix(
                    "paste the issuer's key set, e.g. the output of the `curl` command shown, or a `-----BEGIN PUBLIC KEY-----` block",
                )
                .at(at),
        );
    }
    out
}

/// Where the body starts when `text` is an HTTP response with its headers (`curl -i`: after the first empty
/// line following an `HTTP/` status line) or `curl -v` output (its `*`, `>` and `<` lines, then the body).
fn http_body_start(text: &str) -> Option<usize> {
    let t = text.trim_start();
    if t.starts_with("HTTP/") {
        let mut at = 0;
        for line in text.split_inclusive('\n') {
            at += line.len();
            if line.trim().is_empty() && !text[..at - line.len()].trim().is_empty() {
                return Some(at);
            }
        }
        return None;
    }
    if !t.starts_with("* ") {
        return None;
    }
    // `curl -v`: every line before the body is curl's (`* `, `> `, `< `, `{ [n bytes data]`) or empty.
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let l = line.trim_start();
        if l.starts_with("{\"") || l.trim_end() == "{" {
            return Some(at);
        }
        if !(l.trim().is_empty() || is_curl_line(l)) {
            return None;
        }
        at += line.len();
    }
    None
}

/// A line `curl -v` writes itself: `* ` notes, `> ` request and `< ` response headers, `{ [n bytes data]`.
fn is_curl_line(line: &str) -> bool {
    let l = line.trim_start();
    ["*", ">", "<", "{ [", "} ["]
        .iter()
        .any(|p| l.starts_with(p))
}

fn error(code: &'static str, message: impl Into<String>) -> Finding {
    Finding::new(code, Severity::Error, Area::Signature, message)
}

/// The 1-based line and column (in characters) of a byte offset.
fn location(text: &str, offset: usize) -> Location {
    Lines::new(text).location(offset)
}

#[derive(Deserialize)]
struct RawSet<'a> {
    #[serde(borrow)]
    keys: Vec<&'a RawValue>,
}

fn parse_json(text: &str, out: &mut Keys) {
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            out.findings.push(
                error(
                    "keys-json-invalid",
                    format!("the keys are not valid JSON: {e}"),
                )
                .with_fix("paste the key set exactly as served, e.g. by the `curl` command shown")
                .at(Location {
                    line: e.line().max(1),
                    column: e.column().max(1),
                }),
            );
            return;
        }
    };
    let start = location(text, text.len() - text.trim_start().len());
    let Value::Object(object) = value else {
        out.findings.push(
            error(
                "keys-json-shape",
                "the keys JSON is not an object: expected a JWK set `{\"keys\": [...]}` or a JWK",
            )
            .at(start),
        );
        return;
    };
    match object.get("keys") {
        Some(Value::Array(keys)) => {
            if keys.is_empty() {
                out.findings.push(
                    error("keys-json-shape", "the key set is empty (`\"keys\": []`)")
                        .with_fix("the issuer publishes no keys here: check the issuer URL")
                        .at(start),
                );
            }
            // Where each key starts: the raw text of each element points into `text`.
            let raws: Vec<&RawValue> = serde_json::from_str::<RawSet<'_>>(text)
                .map(|s| s.keys)
                .unwrap_or_default();
            let lines = Lines::new(text);
            for (i, jwk) in keys.iter().enumerate() {
                let at = raws.get(i).map_or(start, |raw| {
                    lines.location(
                        (raw.get().as_ptr() as usize).saturating_sub(text.as_ptr() as usize),
                    )
                });
                parse_jwk(jwk, Some(i + 1), at, out);
            }
        }
        Some(_) => out.findings.push(
            error("keys-json-shape", "`keys` is not an array")
                .with_fix("a JWK set is `{\"keys\": [ {...}, ... ]}`")
                .at(start),
        ),
        None if object.contains_key("kty") => parse_jwk(&Value::Object(object), None, start, out),
        None if object.contains_key("jwks_uri") => {
            let uri = object
                .get("jwks_uri")
                .and_then(Value::as_str)
                .unwrap_or_default();
            out.findings.push(
                error(
                    "keys-discovery-document",
                    "this is the issuer's OpenID discovery document, not its key set",
                )
                .with_fix(format!(
                    "fetch the key set it points to (`jwks_uri`: `{uri}`) and paste that"
                ))
                .at(start),
            );
        }
        None => out.findings.push(
            error(
                "keys-json-shape",
                "the keys JSON has neither `keys` nor `kty`: it is not a JWK set nor a JWK",
            )
            .with_fix("paste the key set exactly as served, e.g. by the `curl` command shown")
            .at(start),
        ),
    }
}

fn parse_jwk(jwk: &Value, index: Option<usize>, at: Location, out: &mut Keys) {
    let name = match index {
        Some(i) => format!("JWK {i}"),
        None => "the JWK".to_string(),
    };
    let Value::Object(jwk) = jwk else {
        out.findings
            .push(error("keys-json-shape", format!("{name} is not a JSON object")).at(at));
        return;
    };
    let mut problems = Vec::new();
    let text = |field: &str, problems: &mut Vec<String>| match jwk.get(field) {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => {
            problems.push(format!("`{field}` is {}, not a string", json_type(other)));
            None
        }
    };
    let kid = text("kid", &mut problems);
    let alg = text("alg", &mut problems);
    let use_ = text("use", &mut problems);
    let kty = text("kty", &mut problems);
    let label = kid
        .as_ref()
        .map_or(name.clone(), |k| format!("{name} (`{k}`)"));
    let mut missing = Vec::new();
    let public = match kty.as_deref() {
        None if !jwk.contains_key("kty") => {
            missing.push("kty");
            None
        }
        None => None,
        Some("RSA") => {
            let n = member(jwk, "n", None, &mut missing, &mut problems);
            let e = member(jwk, "e", None, &mut missing, &mut problems);
            match (n, e) {
                (Some(n), Some(e)) => Some(PublicKey::Rsa {
                    n: strip_zeros(n),
                    e: strip_zeros(e),
                }),
                _ => None,
            }
        }
        Some("EC") => match text("crv", &mut problems).as_deref() {
            Some("P-256") => ec_jwk(jwk, Curve::P256, &mut missing, &mut problems),
            Some("P-384") => ec_jwk(jwk, Curve::P384, &mut missing, &mut problems),
            Some(other) => Some(PublicKey::Unsupported(format!("an EC `{other}` key"))),
            None => {
                if !jwk.contains_key("crv") {
                    missing.push("crv");
                }
                None
            }
        },
        Some("OKP") => match text("crv", &mut problems).as_deref() {
            Some("Ed25519") => member(jwk, "x", Some(32), &mut missing, &mut problems)
                .map(|x| PublicKey::Ed25519 { x }),
            Some(other) => Some(PublicKey::Unsupported(format!("an OKP `{other}` key"))),
            None => {
                if !jwk.contains_key("crv") {
                    missing.push("crv");
                }
                None
            }
        },
        Some("oct") => Some(PublicKey::Unsupported("a symmetric (`oct`) key".into())),
        Some(other) => Some(PublicKey::Unsupported(format!("a key of type `{other}`"))),
    };
    if !missing.is_empty() {
        let list: Vec<String> = missing.iter().map(|m| format!("`{m}`")).collect();
        out.findings.push(
            error("jwk-missing-field", format!("{label} has no {}", list.join(", ")))
                .with_fix("paste the key set exactly as the issuer serves it; a JWK needs `kty` and its key members (RSA: `n`, `e`; EC: `crv`, `x`, `y`; OKP: `crv`, `x`)")
                .at(at),
        );
    }
    for problem in problems {
        out.findings
            .push(error("jwk-invalid-field", format!("{label}: {problem}")).at(at));
    }
    if ["d", "p", "q", "dp", "dq", "qi", "k"]
        .iter()
        .any(|m| jwk.contains_key(*m))
    {
        out.findings.push(
            error(
                "keys-private-key",
                format!("{label} contains private key material"),
            )
            .with_fix("paste only public keys; treat this private key as leaked and rotate it")
            .at(at),
        );
    }
    if let Some(public) = public {
        out.keys.push(Key {
            kid,
            alg,
            use_,
            public,
            origin: Origin::Jwk { index, at },
        });
    }
}

fn ec_jwk(
    jwk: &Map<String, Value>,
    curve: Curve,
    missing: &mut Vec<&'static str>,
    problems: &mut Vec<String>,
) -> Option<PublicKey> {
    let size = Some(curve.coordinate_len());
    let x = member(jwk, "x", size, missing, problems);
    let y = member(jwk, "y", size, missing, problems);
    Some(PublicKey::Ec {
        curve,
        x: x?,
        y: y?,
    })
}

/// A base64url member, optionally of an exact decoded length.
fn member(
    jwk: &Map<String, Value>,
    field: &'static str,
    len: Option<usize>,
    missing: &mut Vec<&'static str>,
    problems: &mut Vec<String>,
) -> Option<Vec<u8>> {
    let value = match jwk.get(field) {
        None => {
            missing.push(field);
            return None;
        }
        Some(Value::String(s)) => s,
        Some(other) => {
            problems.push(format!(
                "`{field}` is {}, not a base64url string",
                json_type(other)
            ));
            return None;
        }
    };
    let bytes = match BASE64URL.decode(value.trim()) {
        Ok(b) => b,
        Err(e) => {
            problems.push(format!("`{field}` is not base64url ({e})"));
            return None;
        }
    };
    match len {
        Some(len) if bytes.len() != len => {
            problems.push(format!(
                "`{field}` is {} bytes long; this curve needs {len}",
                bytes.len()
            ));
            None
        }
        _ if bytes.is_empty() => {
            problems.push(format!("`{field}` is empty"));
            None
        }
        _ => Some(bytes),
    }
}

fn strip_zeros(bytes: Vec<u8>) -> Vec<u8> {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    bytes.get(start..).unwrap_or_default().to_vec()
}

/// PEM blocks: `BEGIN PUBLIC KEY` (SPKI) and `BEGIN RSA PUBLIC KEY` (PKCS#1); private keys are refused.
fn parse_pem(text: &str, out: &mut Keys) {
    let mut lines = text.lines().enumerate();
    while let Some((i, line)) = lines.next() {
        let Some(label) = line
            .trim()
            .strip_prefix("-----BEGIN ")
            .and_then(|l| l.strip_suffix("-----"))
        else {
            continue;
        };
        let at = Location {
            line: i + 1,
            column: line.len() - line.trim_start().len() + 1,
        };
        let end = format!("-----END {label}-----");
        let mut body = String::new();
        let mut closed = false;
        for (_, inner) in lines.by_ref() {
            let inner = inner.trim();
            if inner == end {
                closed = true;
                break;
            }
            if !inner.contains(':') {
                body.push_str(inner);
            }
        }
        if label.contains("PRIVATE KEY") {
            out.findings.push(
                error("keys-private-key", format!("the `{label}` block on line {} is a private key", at.line))
                    .with_fix("paste only the public key (`openssl pkey -pubout`); treat this private key as leaked and rotate it")
                    .at(at),
            );
            continue;
        }
        let parse: fn(&[u8]) -> Result<PublicKey, der::DerError> = match label {
            "PUBLIC KEY" => der::subject_public_key_info,
            "RSA PUBLIC KEY" => der::rsa_public_key,
            other => {
                out.findings.push(
                    Finding::new(
                        "pem-unsupported",
                        Severity::Warning,
                        Area::Signature,
                        format!("the `{other}` block on line {} is not a public key; it was skipped", at.line),
                    )
                    .with_fix("paste `-----BEGIN PUBLIC KEY-----` or `-----BEGIN RSA PUBLIC KEY-----` blocks, or the JWK set")
                    .at(at),
                );
                continue;
            }
        };
        if !closed {
            out.findings.push(
                error(
                    "pem-invalid",
                    format!(
                        "the `{label}` block on line {} has no `{end}` line",
                        at.line
                    ),
                )
                .with_fix("paste the whole block, including its END line")
                .at(at),
            );
            continue;
        }
        let der = match base64::engine::general_purpose::STANDARD.decode(&body) {
            Ok(der) => der,
            Err(e) => {
                out.findings.push(
                    error(
                        "pem-invalid",
                        format!(
                            "the `{label}` block on line {} is not valid base64 ({e})",
                            at.line
                        ),
                    )
                    .with_fix("paste the block exactly as exported, without edits")
                    .at(at),
                );
                continue;
            }
        };
        match parse(&der) {
            Ok(public) => out.keys.push(Key {
                kid: None,
                alg: None,
                use_: None,
                public,
                origin: Origin::Pem { line: at.line },
            }),
            Err(why) => out.findings.push(
                error(
                    "pem-invalid",
                    format!(
                        "the `{label}` block on line {} cannot be read: {why}",
                        at.line
                    ),
                )
                .with_fix("paste the block exactly as exported, without edits")
                .at(at),
            ),
        }
    }
    if out.keys.is_empty() && out.findings.is_empty() {
        out.findings.push(
            error("keys-not-recognized", "no complete PEM block was found").at(location(text, 0)),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn codes(keys: &Keys) -> Vec<(&'static str, Option<(usize, usize)>)> {
        keys.findings
            .iter()
            .map(|f| (f.code, f.location.map(|l| (l.line, l.column))))
            .collect()
    }

    const RSA_N: &str = "sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1WlUzewbgBHod5pcM9H95GQRV3JDXboIRROSBigeC5yjU1hGzHHyXss8UDprecbAYxknTcQkhslANGRUZmdTOQ5qTRsLAt6BTYuyvVRdhS8exSZEy_c4gs_7svlJJQ4H9_NxsiIoLwAEk7-Q3UXERGYw_75IDrGA84-lA_-Ct4eTlXHBIY2EaV7t7LjJaynVJCpkv4LKjTTAumiGUIuQhrNhZLuF_RJLqHpM2kgWFLU7-VTdL1VbC2tejvcI2BlMkEpk1BzBZI0KQB0GaDWFLN-aEAw3vRw";

    #[test]
    fn empty_text_is_nothing() {
        assert_eq!(parse_keys("  \n "), Keys::default());
    }

    #[test]
    fn neither_json_nor_pem() {
        let keys = parse_keys("\n  ssh-rsa AAAAB3Nza user@host");
        assert!(keys.keys.is_empty());
        assert_eq!(codes(&keys), vec![("keys-not-recognized", Some((2, 3)))]);
    }

    #[test]
    fn a_key_set_fetched_with_curl_i_is_read_after_its_headers() {
        // `curl -i https://oidc.circleci.com/org/<id>/.well-known/jwks-pub.json`: status line, headers, blank line.
        let body = format!(
            "{{\"keys\":[{{\"kty\":\"RSA\",\"kid\":\"a\",\"use\":\"sig\",\"alg\":\"RS256\",\"n\":\"{RSA_N}\",\"e\":\"AQAB\"}}]}}"
        );
        for headers in [
            "HTTP/2 200 \r\ncontent-type: application/json\r\ncontent-length: 412\r\n\r\n",
            "HTTP/1.1 200 OK\nContent-Type: application/json; charset=utf-8\n\n",
        ] {
            let keys = parse_keys(&format!("{headers}{body}"));
            assert!(keys.findings.is_empty(), "{:?}", keys.findings);
            assert_eq!(keys.keys.len(), 1);
            assert_eq!(keys.keys[0].kid.as_deref(), Some("a"));
        }
        // A broken body is placed on its own line, after the headers.
        let keys = parse_keys("HTTP/2 200\r\ncontent-type: application/json\r\n\r\n{\"keys\": [\n  {\"kty\": \"RSA\",}\n]}");
        assert_eq!(codes(&keys), vec![("keys-json-invalid", Some((5, 17)))]);
        // `curl -v`: curl's own lines, then the body.
        let verbose = format!(
            "*   Trying 104.18.0.1:443...\n* Connected to oidc.circleci.com\n> GET /org/x/.well-known/jwks-pub.json HTTP/2\n> Host: oidc.circleci.com\n>\n< HTTP/2 200\n< content-type: application/json\n<\n{{ [412 bytes data]\n{body}\n* Connection #0 to host oidc.circleci.com left intact\n"
        );
        let keys = parse_keys(&verbose);
        assert_eq!(keys.keys.len(), 1, "{:?}", keys.findings);
        // An error page is still no key set.
        let keys =
            parse_keys("HTTP/2 404\r\ncontent-type: text/html\r\n\r\n<html>not found</html>");
        assert_eq!(
            codes(&keys).first().map(|c| c.0),
            Some("keys-not-recognized")
        );
    }

    #[test]
    fn json_syntax_error_has_line_and_column() {
        let keys = parse_keys("{\"keys\": [\n  {\"kty\": \"RSA\",}\n]}");
        assert_eq!(codes(&keys), vec![("keys-json-invalid", Some((2, 17)))]);
        assert!(
            keys.findings[0]
                .message
                .starts_with("the keys are not valid json")
                || keys.findings[0]
                    .message
                    .starts_with("the keys are not valid JSON")
        );
    }

    #[test]
    fn each_broken_jwk_is_reported_at_its_place_and_good_ones_kept() {
        let text = format!(
            "{{\"keys\": [\n  {{\"kty\": \"RSA\", \"kid\": \"a\", \"n\": \"{RSA_N}\", \"e\": \"AQAB\"}},\n  {{\"kty\": \"RSA\", \"kid\": \"b\"}},\n    {{\"kty\": \"EC\", \"crv\": \"P-256\", \"x\": \"AAAA\", \"y\": 5}},\n  {{\"n\": \"x\"}},\n  {{\"kty\": \"oct\", \"k\": \"c2VjcmV0\"}}\n]}}"
        );
        let keys = parse_keys(&text);
        assert_eq!(
            codes(&keys),
            vec![
                ("jwk-missing-field", Some((3, 3))),
                ("jwk-invalid-field", Some((4, 5))),
                ("jwk-invalid-field", Some((4, 5))),
                ("jwk-missing-field", Some((5, 3))),
                ("keys-private-key", Some((6, 3))),
            ]
        );
        let messages: Vec<&str> = keys.findings.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(messages[0], "JWK 2 (`b`) has no `n`, `e`");
        assert_eq!(
            messages[1],
            "JWK 3: `x` is 3 bytes long; this curve needs 32"
        );
        assert_eq!(
            messages[2],
            "JWK 3: `y` is a number, not a base64url string"
        );
        assert_eq!(messages[3], "JWK 4 has no `kty`");
        assert_eq!(
            keys.keys.len(),
            2,
            "the good RSA key and the (unsupported) oct key"
        );
        assert_eq!(keys.keys[0].kid.as_deref(), Some("a"));
        assert_eq!(keys.keys[0].public.describe(), "an RSA 2048-bit key");
        assert_eq!(
            keys.keys[1].public,
            PublicKey::Unsupported("a symmetric (`oct`) key".into())
        );
    }

    #[test]
    fn json_shapes() {
        assert_eq!(
            codes(&parse_keys("[1]")),
            vec![("keys-json-shape", Some((1, 1)))]
        );
        assert_eq!(
            codes(&parse_keys(" {\"keys\": []}")),
            vec![("keys-json-shape", Some((1, 2)))]
        );
        assert_eq!(
            codes(&parse_keys("{\"keys\": {}}")),
            vec![("keys-json-shape", Some((1, 1)))]
        );
        assert_eq!(
            codes(&parse_keys("{\"keys\": [7]}")),
            vec![("keys-json-shape", Some((1, 11)))]
        );
        let discovery = parse_keys("{\"issuer\": \"x\", \"jwks_uri\": \"https://e.com/jwks\"}");
        assert_eq!(
            codes(&discovery),
            vec![("keys-discovery-document", Some((1, 1)))]
        );
        assert_eq!(
            discovery.findings[0].fix.as_deref(),
            Some(
                "fetch the key set it points to (`jwks_uri`: `https://e.com/jwks`) and paste that"
            )
        );
    }

    #[test]
    fn a_lone_jwk_and_unsupported_curves() {
        let keys = parse_keys("{\"kty\": \"OKP\", \"crv\": \"Ed448\", \"x\": \"AA\"}");
        assert!(keys.findings.is_empty());
        assert_eq!(
            keys.keys[0].public,
            PublicKey::Unsupported("an OKP `Ed448` key".into())
        );
        assert_eq!(keys.keys[0].label(), "the JWK (no `kid`)");
    }

    #[test]
    fn pem_problems() {
        let broken = parse_keys("-----BEGIN PUBLIC KEY-----\nMIIB!!!\n-----END PUBLIC KEY-----\n");
        assert_eq!(codes(&broken), vec![("pem-invalid", Some((1, 1)))]);
        let unterminated = parse_keys("x\n  -----BEGIN PUBLIC KEY-----\nMIIB\n");
        assert_eq!(codes(&unterminated), vec![("pem-invalid", Some((2, 3)))]);
        assert_eq!(
            unterminated.findings[0].message,
            "the `PUBLIC KEY` block on line 2 has no `-----END PUBLIC KEY-----` line"
        );
        let garbage = parse_keys("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
        assert_eq!(garbage.findings[0].message, "the `PUBLIC KEY` block on line 1 cannot be read: the DER data has an unexpected structure");
        let cert = parse_keys("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        assert_eq!(codes(&cert), vec![("pem-unsupported", Some((1, 1)))]);
        assert_eq!(
            codes(&parse_keys("-----BEGIN ")),
            vec![("keys-not-recognized", Some((1, 1)))]
        );
    }

    #[test]
    fn jwk_members_round_trip() {
        let key = PublicKey::Ec {
            curve: Curve::P256,
            x: vec![1; 32],
            y: vec![2; 32],
        };
        let members = key.jwk_members();
        assert_eq!(members[1], ("crv", "P-256".to_string()));
        assert_eq!(members[2].1, "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE");
        assert_eq!(rsa_bits(&[0x01, 0]), 9);
        assert_eq!(rsa_bits(&[]), 0);
    }

    proptest! {
        #[test]
        fn arbitrary_keys_text_never_panics(text in "\\PC*") {
            let _ = parse_keys(&text);
        }

        #[test]
        fn arbitrary_pem_bodies_never_panic(body in proptest::collection::vec(any::<u8>(), 0..300), rsa in any::<bool>()) {
            use base64::engine::general_purpose::STANDARD;
            let label = if rsa { "RSA PUBLIC KEY" } else { "PUBLIC KEY" };
            let text = format!("-----BEGIN {label}-----\n{}\n-----END {label}-----\n", STANDARD.encode(&body));
            let _ = parse_keys(&text);
        }

        #[test]
        fn jsonish_text_never_panics(text in "[{}\\[\\]\":,a-z0-9 \n]{0,200}") {
            let _ = parse_keys(&text);
        }
    }
}
