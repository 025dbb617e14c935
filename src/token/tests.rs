use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;

use super::*;

const HEADER: &str = r#"{"alg":"RS256","kid":"8bd4c2c5-6e1a-4f3b-9a77-2f7d1c0e4a11","typ":"JWT"}"#;
const CLAIMS: &str = r#"{"sub":"org/1f0c8e9a-2b3d-4c5e-8f70-112233445566/project/3e9d6a41-7b2c-4f18-9d0e-aabbccddeeff/user/5c2b9f30-1a4e-4d6b-8c7f-001122334455","aud":"1f0c8e9a-2b3d-4c5e-8f70-112233445566","zeta":1,"iss":"https://oidc.circleci.com/org/1f0c8e9a-2b3d-4c5e-8f70-112233445566","exp":1795656157,"iat":1795652557}"#;

fn b64(s: &str) -> String {
    URL_SAFE_NO_PAD.encode(s)
}

fn token() -> String {
    format!(
        "{}.{}.{}",
        b64(HEADER),
        b64(CLAIMS),
        URL_SAFE_NO_PAD.encode([7u8; 256])
    )
}

fn codes(d: &Decoded) -> Vec<&'static str> {
    d.findings().iter().map(|f| f.code).collect()
}

#[test]
fn decodes_a_full_token_keeping_claim_order() {
    let d = decode(&token());
    assert_eq!(d.form, Form::Jws);
    assert!(d.signature_present);
    assert!(d.errors.is_empty());
    assert_eq!(d.header.as_ref().unwrap()["alg"], "RS256");
    let keys: Vec<&str> = d
        .claims
        .as_ref()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["sub", "aud", "zeta", "iss", "exp", "iat"]);
    assert_eq!(codes(&d), Vec::<&str>::new());
    assert_eq!(d.segment_count, 3);
}

#[test]
fn accepts_what_people_paste() {
    let t = token();
    for paste in [
        format!("Bearer {t}"),
        format!("  \n{t}\n"),
        format!("\"{t}\""),
        format!("export CIRCLE_OIDC_TOKEN_V2={t}"),
        format!("export CIRCLE_OIDC_TOKEN_V2=\"{t}\""),
        format!("CIRCLE_OIDC_TOKEN='{t}'"),
        format!("Authorization: Bearer {t}"),
        // A logged command or form body: `key=<token>`, with what follows it.
        format!("vault write auth/jwt/login role=circleci jwt={t}"),
        format!("+ vault write auth/jwt/login role=circleci jwt={t}"),
        format!("subject_token={t}&subject_token_type=urn:ietf:params:oauth:token-type:jwt"),
        format!("curl -s https://sts.googleapis.com/v1/token -d subject_token={t} -d audience=x"),
    ] {
        let d = decode(&paste);
        assert_eq!(d.form, Form::Jws, "{paste}");
        assert_eq!(d.compact, t);
        assert!(!d.cleanup.is_empty());
        assert!(d.errors.is_empty());
    }
}

#[test]
fn accepts_padding_and_standard_base64() {
    let padded = format!(
        "{}.{}.c2ln",
        URL_SAFE.encode(HEADER),
        URL_SAFE.encode(CLAIMS)
    );
    assert_eq!(decode(&padded).form, Form::Jws);
    let claims = r#"{"sub":"a??>b","iss":"x"}"#;
    let std = format!("{}.{}.c2ln", b64(HEADER), STANDARD_NO_PAD.encode(claims));
    assert!(std.contains('+'));
    let d = decode(&std);
    assert_eq!(d.claims.unwrap()["sub"], "a??>b");
    assert!(d.standard_base64);
    assert!(d.cleanup.iter().any(|c| c.contains("standard base64")));
    assert_eq!(codes(&decode(&std)), ["token-standard-base64"]);
}

#[test]
fn partial_tokens_show_what_decodes() {
    let d = decode(&b64(HEADER));
    assert_eq!(d.form, Form::Partial);
    assert!(d.header.is_some() && d.claims.is_none());
    assert_eq!(codes(&d), ["token-partial"]);
    assert!(d.findings()[0]
        .message
        .starts_with("only one segment was pasted"));

    let d = decode(&format!("{}.{}", b64(HEADER), b64(CLAIMS)));
    assert_eq!(d.form, Form::Partial);
    assert!(d.claims.is_some());
    assert!(!d.signature_present);
    assert!(d.findings()[0]
        .message
        .starts_with("the token has no signature segment"));

    // A lone claims segment is read as the claims.
    let d = decode(&b64(CLAIMS));
    assert_eq!(d.form, Form::Partial);
    assert!(d.header.is_none() && d.claims.is_some());
}

#[test]
fn empty_signature_is_unsigned() {
    let d = decode(&format!("{}.{}.", b64(HEADER), b64(CLAIMS)));
    assert_eq!(d.form, Form::Jws);
    assert!(!d.signature_present);
    assert_eq!(codes(&d), ["token-unsigned"]);
}

#[test]
fn jwe_is_recognised_and_explained() {
    let h = r#"{"alg":"RSA-OAEP-256","enc":"A256GCM","kid":"k1"}"#;
    let d = decode(&format!("{}.a2V5.aXY.Y2lwaGVy.dGFn", b64(h)));
    assert_eq!(d.form, Form::Jwe);
    assert_eq!(d.header.as_ref().unwrap()["enc"], "A256GCM");
    assert!(d.claims.is_none());
    assert_eq!(codes(&d), ["token-encrypted"]);
}

#[test]
fn a_bad_payload_keeps_the_header() {
    let d = decode(&format!("{}.{}.c2ln", b64(HEADER), b64("{\"sub\": nope}")));
    assert_eq!(d.form, Form::Jws);
    assert!(d.header.is_some() && d.claims.is_none());
    assert_eq!(d.errors.len(), 1);
    assert_eq!(d.errors[0].segment, Segment::Payload);
    assert_eq!(codes(&d), ["token-not-json"]);
    assert_eq!(
        d.findings()[0].message,
        "the payload segment is not JSON at line 1, column 10: expected ident"
    );
    assert!(d.findings()[0].fix.is_some());
}

#[test]
fn collects_every_error() {
    let d = decode(&format!("{}.{}.sig!", b64("[1]"), "ey$$"));
    assert_eq!(d.form, Form::Invalid);
    let segs: Vec<Segment> = d.errors.iter().map(|e| e.segment).collect();
    assert_eq!(
        segs,
        [Segment::Header, Segment::Payload, Segment::Signature]
    );
    assert_eq!(
        codes(&d),
        [
            "token-not-object",
            "token-not-base64url",
            "token-not-base64url"
        ]
    );
    assert_eq!(d.errors[1].offset, Some(2));
}

#[test]
fn wrong_segment_count_still_decodes_the_rest() {
    let d = decode(&format!("{}.{}.c2ln.extra", b64(HEADER), b64(CLAIMS)));
    assert_eq!(d.form, Form::Jws);
    assert!(d.claims.is_some());
    assert_eq!(codes(&d), ["token-segment-count"]);
    assert_eq!(
        d.findings()[0].message,
        "the token has 4 dot-separated segments; a signed token has 3 and an encrypted one 5"
    );
}

#[test]
fn empty_and_garbage_inputs() {
    assert_eq!(codes(&decode("  \n ")), ["token-empty"]);
    assert_eq!(decode("").form, Form::Invalid);
    // Text with no `.` that is no base64 of a header: not a token at all, said of the whole paste.
    let d = decode("hello, world");
    assert_eq!(d.form, Form::Invalid);
    assert_eq!(codes(&d), ["token-not-a-jwt"]);
    assert_eq!(d.findings()[0].message, "this is not a JWT: a token is three base64url parts joined by `.` and starts `eyJ`, and this text has no `.` and does not decode");
    assert_eq!(codes(&decode("not a token at all")), ["token-not-a-jwt"]);
    // Decodable text, or a cut-off token, keeps the decoder's words about its segment.
    assert_eq!(
        codes(&decode("eyJhbGciOiJSUzI1NiIsInR5cCI6")),
        ["token-not-json"]
    );
    let d = decode("...");
    assert_eq!(
        codes(&d),
        [
            "token-segment-count",
            "token-segment-empty",
            "token-segment-empty"
        ]
    );
}

#[test]
fn not_utf8_is_reported() {
    let d = decode(&format!(
        "{}.{}.c2ln",
        b64(HEADER),
        URL_SAFE_NO_PAD.encode(b"{\"a\":\"\xc3\x28\"}")
    ));
    assert_eq!(codes(&d), ["token-not-utf8"]);
    assert_eq!(d.errors[0].offset, Some(6));
}

/// A decoded token pasted as JSON: `step crypto jwt inspect`'s object, or jwt.io's header then claims.
#[test]
fn a_pasted_decoded_token_is_read_as_header_and_claims() {
    let inspect =
        format!("{{\"header\": {HEADER}, \"payload\": {CLAIMS}, \"signature\": \"c2ln\"}}");
    let two = format!("{HEADER}\n\n{CLAIMS}\n");
    for paste in [inspect, two] {
        let d = decode(&paste);
        assert_eq!(d.form, Form::Partial, "{paste}");
        assert_eq!(d.header.as_ref().unwrap()["alg"], "RS256", "{paste}");
        assert_eq!(
            d.claims.as_ref().unwrap()["sub"],
            serde_json::from_str::<serde_json::Value>(CLAIMS).unwrap()["sub"]
        );
        assert!(
            d.cleanup[0].starts_with("read the pasted decoded token"),
            "{:?}",
            d.cleanup
        );
    }
}

#[test]
fn pasted_json_is_read_as_claims_with_locations() {
    let d = decode(CLAIMS);
    assert_eq!(d.form, Form::Partial);
    assert!(d.json_pasted && d.claims.is_some());
    assert_eq!(codes(&d), ["token-json-pasted"]);
    let d = decode("{\n  \"sub\": \"x\",\n  oops\n}");
    assert_eq!(d.form, Form::Invalid);
    let f = &d.findings()[0];
    assert_eq!(f.code, "token-not-json");
    assert_eq!(f.location, Some(Location { line: 3, column: 3 }));
    let d = decode(HEADER);
    assert!(d.header.is_some() && d.claims.is_none());
}

#[test]
fn pasted_json_cut_off_at_its_end_says_how_that_happens() {
    // `echo $CIRCLE_OIDC_TOKEN | cut -d. -f2 | base64 -d` drops the last bytes of unpadded base64url: the claims
    // lose their closing `}`. The finding names the pasted JSON (not a segment) and the cause.
    let cut = &CLAIMS[..CLAIMS.len() - 1];
    let d = decode(cut);
    assert_eq!(d.form, Form::Invalid);
    let f = &d.findings()[0];
    assert_eq!(f.code, "token-not-json");
    assert!(
        f.message
            .starts_with("the pasted JSON stops before its end (line 1, column"),
        "{}",
        f.message
    );
    assert!(f.fix.as_deref().unwrap().contains("`base64 -d`"));
    // Invalid JSON that is not cut off: named as the pasted JSON, with its place.
    let f = &decode("{\n  \"sub\": \"x\",\n  oops\n}").findings()[0];
    assert_eq!(
        f.message,
        "the pasted JSON is not valid at line 3, column 3: key must be a string"
    );
    assert!(!f.fix.as_deref().unwrap().contains("base64"));
}

#[test]
fn compact_is_never_serialized() {
    let d = decode(&token());
    let json = serde_json::to_string(&d).unwrap();
    assert!(!json.contains(&URL_SAFE_NO_PAD.encode([7u8; 256])));
    assert!(json.contains("\"form\":\"jws\""));
}

#[test]
fn a_megabyte_of_random_text_fails_fast() {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let junk: String = (0..1_000_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            char::from(b' ' + (x % 95) as u8)
        })
        .collect();
    let start = std::time::Instant::now();
    let d = decode(&junk);
    assert!(
        start.elapsed() < std::time::Duration::from_secs(30),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(d.form, Form::Invalid);
    assert!(!d.errors.is_empty());
}

#[test]
fn segment_spans_point_into_the_compact_text() {
    let d = decode("Bearer aaa.bb.c");
    assert_eq!(d.segment_span(0), Some(0..3));
    assert_eq!(d.segment_span(1), Some(4..6));
    assert_eq!(d.segment_span(2), Some(7..8));
    assert_eq!(d.segment_span(3), None);
}

#[test]
fn json_that_wraps_a_token_is_read_as_that_token() {
    // A Vault login body, an STS request: the token inside, not the wrapper, is what was meant.
    let t = token();
    for text in [
        format!("{{\"role\": \"deploy\", \"jwt\": \"{t}\"}}"),
        format!("{{\n  \"subjectToken\": \"{t}\",\n  \"subjectTokenType\": \"urn:ietf:params:oauth:token-type:jwt\"\n}}"),
    ] {
        let d = decode(&text);
        assert_eq!(d.form, Form::Jws, "{text}");
        assert!(!d.json_pasted && d.signature_present);
        assert_eq!(d.claims.as_ref().unwrap()["aud"], "1f0c8e9a-2b3d-4c5e-8f70-112233445566");
        assert_eq!(d.cleanup, ["took the token out of the surrounding text"]);
        assert!(codes(&d).is_empty(), "{:?}", codes(&d));
    }
}

#[test]
fn a_token_wrapped_in_base64_is_unwrapped() {
    // `echo $CIRCLE_OIDC_TOKEN | base64`: standard base64 of the token and its newline, wrapped at 76 columns
    // by GNU base64, with padding; also unwrapped (`base64 -w0`) and inside a shell assignment.
    use base64::engine::general_purpose::STANDARD;
    let t = token();
    let one_line = STANDARD.encode(format!("{t}\n"));
    let wrapped: Vec<String> = one_line
        .as_bytes()
        .chunks(76)
        .map(|c| String::from_utf8(c.to_vec()).unwrap())
        .collect();
    for paste in [
        one_line.clone(),
        wrapped.join("\n"),
        format!("{}\n", STANDARD.encode(&t)),
        format!("TOKEN_B64={one_line}"),
    ] {
        let d = decode(&paste);
        assert_eq!(d.form, Form::Jws, "{paste}");
        assert_eq!(d.compact, t);
        assert!(d.errors.is_empty(), "{:?}", d.errors);
        assert!(
            d.cleanup.iter().any(|n| n.contains("decoded the base64")),
            "{:?}",
            d.cleanup
        );
        assert!(codes(&d).is_empty(), "{:?}", codes(&d));
    }
    // As a value in other text: a Kubernetes Secret's data.
    let secret = format!(
        "apiVersion: v1\nkind: Secret\ndata:\n  token: {}\n",
        STANDARD.encode(&t)
    );
    let d = decode(&secret);
    assert_eq!((d.form, d.compact.as_str()), (Form::Jws, t.as_str()));
    assert_eq!(
        d.cleanup[0],
        "took the base64 value out of the surrounding text"
    );
    // A token next to some base64 stays the token.
    let other = format!("{}.{}.c2ln", b64(HEADER), b64(r#"{"sub":"other"}"#));
    let d = decode(&format!("{t}\nbackup: {}", STANDARD.encode(other)));
    assert_eq!(d.compact, t);
    // base64 of something else is still reported as it is.
    let d = decode(&STANDARD.encode("eyJ not a token"));
    assert_eq!(d.form, Form::Invalid);
}

#[test]
fn a_decoders_labeled_output_is_read_as_header_and_claims() {
    // `jwt decode $CIRCLE_OIDC_TOKEN_V2` (jwt-cli) prints the header and the claims as JSON under labels.
    let header: Value = serde_json::from_str(HEADER).unwrap();
    let claims: Value = serde_json::from_str(CLAIMS).unwrap();
    let text = format!(
        "\nToken header\n------------\n{}\n\nToken claims\n------------\n{}\n",
        serde_json::to_string_pretty(&header).unwrap(),
        serde_json::to_string_pretty(&claims).unwrap()
    );
    let d = decode(&text);
    assert_eq!(d.form, Form::Partial);
    assert!(d.errors.is_empty(), "{:?}", d.errors);
    assert_eq!(d.header.as_ref().unwrap()["alg"], "RS256");
    assert_eq!(d.claims.as_ref().unwrap()["aud"], claims["aud"]);
    assert_eq!(
        d.cleanup[0],
        "read the JSON objects between the labels of a decoder's output (`jwt decode`)"
    );
    assert_eq!(codes(&d), ["token-json-pasted"]);
    // The claims alone, under a label.
    let d = decode(&format!("Token claims\n------------\n{CLAIMS}"));
    assert_eq!(d.claims.as_ref().unwrap()["aud"], claims["aud"]);
    // Prose with braces, or a sentence, is not a decoder's output.
    assert_eq!(decode("see {this} and that").form, Form::Invalid);
    assert_eq!(
        decode(&format!("The token was: {CLAIMS}. Why?")).form,
        Form::Invalid
    );
}

#[test]
fn a_python_dict_of_the_claims_is_named_with_its_fix() {
    // `print(jwt.decode(token, options={"verify_signature": False}))`
    let text = "{'aud': 'x', 'oidc.circleci.com/ssh-rerun': False, 'exp': 1795656157}";
    let f = &decode(text).findings()[0];
    assert_eq!(f.code, "token-not-json");
    assert_eq!(
        f.message,
        "the pasted JSON is not valid at line 1, column 2: key must be a string (this is a Python dict: single \
         quotes, `True`/`False`/`None`)"
    );
    assert_eq!(
        f.fix.as_deref(),
        Some("print the claims as JSON (`print(json.dumps(claims))`), or paste the token itself")
    );
}

#[test]
fn terminal_color_codes_around_a_token_are_removed() {
    // A CircleCI step log saved raw: `ESC[32m<token>ESC[0m`, or colored `jq -C` output of the claims.
    let t = token();
    for text in [
        format!("\u{1b}[32m{t}\u{1b}[0m"),
        format!("\u{1b}[1;34m+ echo $CIRCLE_OIDC_TOKEN_V2\u{1b}[0m\n\u{1b}[32m{t}\u{1b}[0m\n"),
    ] {
        let d = decode(&text);
        assert_eq!(d.form, Form::Jws, "{text:?}");
        assert_eq!(d.compact, t);
        assert!(codes(&d).is_empty(), "{:?}", codes(&d));
        assert_eq!(d.cleanup[0], "removed terminal color codes (`ESC[...m`)");
    }
    let colored = CLAIMS.replace("\"sub\"", "\u{1b}[1;34m\"sub\"\u{1b}[0m");
    let d = decode(&colored);
    assert!(d.json_pasted && d.claims.is_some(), "{:?}", d.errors);
    // Nothing but escapes: empty, as before.
    assert_eq!(decode("\u{1b}[0m\u{1b}").form, Form::Invalid);
}

#[test]
fn two_tokens_glued_together_are_not_an_encrypted_token() {
    // Pasted twice, or `echo $CIRCLE_OIDC_TOKEN$CIRCLE_OIDC_TOKEN_V2`: five segments, but no JWE.
    let t = token();
    let d = decode(&format!("{t}{t}"));
    assert_eq!((d.form, d.compact.as_str()), (Form::Jws, t.as_str()));
    assert_eq!(
        d.cleanup,
        ["read the token, pasted twice with nothing between, once"]
    );
    assert!(codes(&d).is_empty(), "{:?}", codes(&d));
    let v2_sub =
        r#"{"sub":"org/o/project/p/user/u/vcs-origin/github.com/a/b/vcs-ref/refs/heads/main"}"#;
    let v2 = format!(
        "{}.{}.{}",
        b64(HEADER),
        b64(v2_sub),
        URL_SAFE_NO_PAD.encode([9u8; 256])
    );
    let d = decode(&format!("{t}{v2}"));
    assert_eq!(d.compact, v2);
    assert_eq!(
        d.cleanup,
        ["split two tokens pasted with nothing between them and took the second one (its `sub` is V2); paste one \
          token alone to check the other"]
    );
    // A real JWE (its header names `enc`) stays one.
    let jwe_header = b64(r#"{"alg":"RSA-OAEP","enc":"A256GCM"}"#);
    let d = decode(&format!("{jwe_header}.eyJhYmMiOjF9.aXY.eyJjdCI6MX0.dGFn"));
    assert_eq!(d.form, Form::Jwe);
}

#[test]
fn pastes_that_are_no_token_say_what_they_are() {
    let one = |text: &str| {
        let f = decode(text).findings();
        assert_eq!(f.len(), 1, "{f:?}");
        (f[0].message.clone(), f[0].fix.clone().unwrap())
    };
    let (m, fix) = one("********************");
    assert_eq!(
        m,
        "`********************` is not a token: it is a masked value: CircleCI hides secrets in step output as \
         `********************`"
    );
    assert!(fix.contains("| base64"), "{fix}");
    for empty in ["undefined", "null", "None"] {
        let (m, _) = one(empty);
        assert_eq!(
            m,
            format!("`{empty}` is not a token: it is what a script prints for an empty variable")
        );
    }
    let (m, _) = one("$CIRCLE_OIDC_TOKEN_V2");
    assert_eq!(
        m,
        "`$CIRCLE_OIDC_TOKEN_V2` is not a token: it is a variable's name, not its value"
    );
    assert!(one("xxxxa1b2")
        .0
        .contains("(`xxxx` and its last 4 characters)"));
    // Other text is not a JWT at all.
    assert!(one("garbage").0.starts_with("this is not a JWT"));
}

#[test]
fn claims_then_header_pasted_are_both_read() {
    let d = decode(&format!("{CLAIMS}\n{HEADER}"));
    assert_eq!(d.form, Form::Partial);
    assert_eq!(d.header.as_ref().unwrap()["alg"], "RS256");
    assert!(d.claims.as_ref().unwrap().contains_key("sub"));
    assert_eq!(
        d.cleanup,
        ["read the pasted decoded token: the second object as the header, the first as the claims"]
    );
}

#[test]
fn a_payload_cut_when_copied_shows_its_claims_before_the_cut_but_not_as_the_tokens() {
    let payload = b64(CLAIMS);
    // Cut inside `iss` (after `zeta`), at every length of base64 group: the same three whole claims.
    let at = b64(&CLAIMS[..CLAIMS.find("\"iss\"").unwrap() + 12]).len();
    for cut in at..at + 4 {
        let d = decode(&format!("{}.{}", b64(HEADER), &payload[..cut]));
        assert_eq!(d.claims, None, "{cut}");
        let shown = d.cut_claims.as_ref().unwrap();
        assert_eq!(
            shown.keys().collect::<Vec<_>>(),
            ["sub", "aud", "zeta"],
            "{cut}"
        );
        let f = d.findings();
        let last = f.last().unwrap();
        assert_eq!(last.code, "token-payload-cut");
        assert_eq!(last.message, "the payload stops before its end, so the token was cut off when it was copied: the 3 claims before the cut are shown, but no verdict is made from a token that is not whole");
    }
    // Shown by the inspection (the claims table and the `sub` view), with no findings about what was cut off.
    let d = decode(&format!("{}.{}", b64(HEADER), &payload[..at]));
    let seen = crate::circleci::inspect(&d, 1_795_653_000);
    assert_eq!(seen.claims.len(), 3);
    assert!(seen.sub.is_some());
    assert!(
        seen.findings.iter().all(|f| f.code != "claim-missing"),
        "{:?}",
        seen.findings
    );
    // Cut before any whole claim: nothing to show; a whole payload is no cut.
    let d = decode(&format!("{}.{}", b64(HEADER), &payload[..20]));
    assert_eq!(d.cut_claims, None);
    assert_eq!(
        decode(&format!("{}.{payload}.", b64(HEADER))).cut_claims,
        None
    );
}
