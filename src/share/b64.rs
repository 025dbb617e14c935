//! Lenient base64 for links: either alphabet (`-_` or `+/`), padding optional, whitespace ignored.

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine;

const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// base64url without padding.
pub fn encode(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Decode either alphabet, with or without padding. The error names the first offending character.
pub fn decode(text: &str) -> Result<Vec<u8>, String> {
    let cleaned: String = text
        .chars()
        .filter(|c| !c.is_ascii_whitespace())
        .map(|c| match c {
            '+' => '-',
            '/' => '_',
            c => c,
        })
        .collect();
    let trimmed = cleaned.trim_end_matches('=');
    if let Some((pos, bad)) = trimmed
        .chars()
        .enumerate()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        return Err(format!(
            "character {} (`{}`) is not base64",
            pos + 1,
            bad.escape_default()
        ));
    }
    if trimmed.len() % 4 == 1 {
        return Err("it is cut off (its length is not possible for base64)".to_string());
    }
    LENIENT
        .decode(trimmed)
        .map_err(|e| format!("it is not valid base64 ({e})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_both_alphabets_and_padding() {
        assert_eq!(decode("-_8").unwrap(), vec![0xfb, 0xff]);
        assert_eq!(decode("+/8=").unwrap(), vec![0xfb, 0xff]);
        assert_eq!(decode("aGk=").unwrap(), b"hi");
        assert_eq!(decode("aGk").unwrap(), b"hi");
        assert_eq!(decode("aG\nk").unwrap(), b"hi");
    }

    #[test]
    fn names_the_bad_character() {
        assert_eq!(
            decode("aG!k").unwrap_err(),
            "character 3 (`!`) is not base64"
        );
        assert_eq!(
            decode("aGk=a").unwrap_err(),
            "character 4 (`=`) is not base64"
        );
        assert_eq!(
            decode("aGkza").unwrap_err(),
            "it is cut off (its length is not possible for base64)"
        );
    }
}
