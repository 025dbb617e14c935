//! The share link's scrubber, from the sharing side: whatever the pasted token text (wrapped, spaced, in
//! standard base64, several tokens, garbage), the link's token text read back by the app's own decoder
//! carries no signature unless it was kept (and redaction left the claims as signed), and no redacted user ID;
//! and the link reopens what was prepared.
#![no_main]
use claimcheck::share::{self, SharedState};
use claimcheck::token::{self, Form};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = claimcheck_fuzz::text(data);
    let [flags, token_text] = claimcheck_fuzz::fields::<2>(&text);
    let bits = flags.bytes().next().unwrap_or(0);
    let mut redacted = Vec::new();
    for (bit, name) in [(2, "sub.user"), (4, "oidc.circleci.com/vcs-ref"), (8, "oidc.circleci.com/job-id")] {
        if bits & bit != 0 {
            redacted.push(name.to_string());
        }
    }
    let state = SharedState {
        token: token_text.to_string(),
        keep_signature: bits & 1 != 0,
        redacted,
        ..SharedState::default()
    };
    let prepared = share::prepare(&state);
    let before = token::decode(token_text);
    let after = token::decode(&prepared.state.token);
    // A kept signature stays only while the claims are the signed ones: redaction that changed them drops it.
    if !state.keep_signature || before.claims != after.claims {
        assert!(
            !(after.signature_present && after.form != Form::Invalid),
            "a signature survived in `{}` (from `{token_text}`)",
            prepared.state.token
        );
    }
    if state.redacted.iter().any(|n| n == "sub.user") {
        let user = before
            .claims
            .as_ref()
            .and_then(|c| c.get("sub"))
            .and_then(|s| s.as_str())
            .and_then(|s| s.split("/user/").nth(1))
            .map(|rest| rest.split('/').next().unwrap_or(""))
            .filter(|u| u.len() >= 8 && *u != share::REDACTED)
            .map(str::to_string);
        if let (Some(user), Some(claims)) = (user, after.claims.as_ref()) {
            let text = serde_json::to_string(claims).unwrap_or_default();
            assert!(!text.contains(&user), "user ID `{user}` survived redaction in `{text}`");
        }
    }
    let link = share::encode_prepared(&prepared);
    if !link.is_empty() {
        let reopened = share::decode(&link).map(|mut s| {
            s.notes.clear();
            s
        });
        let mut expected = prepared.state.clone();
        expected.notes.clear();
        assert_eq!(reopened, Ok(expected), "link of `{token_text}`");
    }
});
