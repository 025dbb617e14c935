//! The link-fragment decoder. Whatever it reads, a link made from that state opens as documented:
//! `decode(encode(s)) == Ok(opened(s))`, in both the compact and the plain form.
#![no_main]
use claimcheck::share;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = claimcheck_fuzz::text(data);
    if let Ok(state) = share::decode(&text) {
        let opened = share::opened(&state);
        let compact = share::decode(&share::encode(&state)).map(|mut s| {
            s.notes.clear();
            s
        });
        assert_eq!(compact.as_ref(), Ok(&opened), "compact link of `{text}`");
        let plain = share::decode(&share::encode_plain(&state)).map(|mut s| {
            s.notes.clear();
            s
        });
        assert_eq!(plain.as_ref(), Ok(&opened), "plain link of `{text}`");
    }
});
