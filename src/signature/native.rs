//! Native crypto (the CLI): RustCrypto crates. The browser uses Web Crypto (`src/ui/signature.rs`) instead.

use ed25519_dalek::{Signature as EdSignature, VerifyingKey as EdKey};
use p256::ecdsa::signature::Verifier as _;
use rsa::{BigUint, Pkcs1v15Sign, Pss, RsaPublicKey};
use sha2::{Digest, Sha256, Sha384, Sha512};

use super::{parse_keys, prepare, Alg, CryptoOutcome, Curve, Hash, Prepared, PublicKey, Step};
use crate::report::{Finding, SignatureReport};
use crate::token::Decoded;

/// Verify a decoded token against pasted keys. Problems with the keys text are only in [`check`].
pub fn verify(decoded: &Decoded, keys_text: &str) -> SignatureReport {
    check(decoded, keys_text).0
}

/// [`verify`], plus the findings about the keys text (area `signature`) for the report.
pub fn check(decoded: &Decoded, keys_text: &str) -> (SignatureReport, Vec<Finding>) {
    let keys = parse_keys(keys_text);
    let report = match prepare(decoded, &keys) {
        Step::Done(report) => report,
        Step::Ready(prepared) => prepared.finish(crypto(&prepared)),
    };
    (report, keys.findings)
}

/// Run the signature check itself.
pub fn crypto(p: &Prepared) -> CryptoOutcome {
    let verified = match &p.key {
        PublicKey::Rsa { n, e } => {
            let Ok(key) = RsaPublicKey::new_with_max_size(
                BigUint::from_bytes_be(n),
                BigUint::from_bytes_be(e),
                8192,
            ) else {
                return CryptoOutcome::KeyRejected;
            };
            let (hash, hashed) = match p.alg.hash() {
                Some(Hash::Sha256) => (Hash::Sha256, Sha256::digest(&p.signing_input).to_vec()),
                Some(Hash::Sha384) => (Hash::Sha384, Sha384::digest(&p.signing_input).to_vec()),
                Some(Hash::Sha512) | None => {
                    (Hash::Sha512, Sha512::digest(&p.signing_input).to_vec())
                }
            };
            let pss = matches!(p.alg, Alg::PS256 | Alg::PS384 | Alg::PS512);
            let result = match (pss, hash) {
                (false, Hash::Sha256) => {
                    key.verify(Pkcs1v15Sign::new::<Sha256>(), &hashed, &p.signature)
                }
                (false, Hash::Sha384) => {
                    key.verify(Pkcs1v15Sign::new::<Sha384>(), &hashed, &p.signature)
                }
                (false, Hash::Sha512) => {
                    key.verify(Pkcs1v15Sign::new::<Sha512>(), &hashed, &p.signature)
                }
                (true, Hash::Sha256) => key.verify(Pss::new::<Sha256>(), &hashed, &p.signature),
                (true, Hash::Sha384) => key.verify(Pss::new::<Sha384>(), &hashed, &p.signature),
                (true, Hash::Sha512) => key.verify(Pss::new::<Sha512>(), &hashed, &p.signature),
            };
            result.is_ok()
        }
        PublicKey::Ec { curve, x, y }
            if x.len() != curve.coordinate_len() || y.len() != curve.coordinate_len() =>
        {
            return CryptoOutcome::KeyRejected;
        }
        PublicKey::Ec {
            curve: Curve::P256,
            x,
            y,
        } => {
            let point = p256::EncodedPoint::from_affine_coordinates(
                x.as_slice().into(),
                y.as_slice().into(),
                false,
            );
            let Ok(key) = p256::ecdsa::VerifyingKey::from_encoded_point(&point) else {
                return CryptoOutcome::KeyRejected;
            };
            p256::ecdsa::Signature::from_slice(&p.signature)
                .is_ok_and(|sig| key.verify(&p.signing_input, &sig).is_ok())
        }
        PublicKey::Ec {
            curve: Curve::P384,
            x,
            y,
        } => {
            let point = p384::EncodedPoint::from_affine_coordinates(
                x.as_slice().into(),
                y.as_slice().into(),
                false,
            );
            let Ok(key) = p384::ecdsa::VerifyingKey::from_encoded_point(&point) else {
                return CryptoOutcome::KeyRejected;
            };
            p384::ecdsa::Signature::from_slice(&p.signature)
                .is_ok_and(|sig| key.verify(&p.signing_input, &sig).is_ok())
        }
        PublicKey::Ed25519 { x } => {
            let Some(key) = <[u8; 32]>::try_from(x.as_slice())
                .ok()
                .and_then(|x| EdKey::from_bytes(&x).ok())
            else {
                return CryptoOutcome::KeyRejected;
            };
            EdSignature::from_slice(&p.signature)
                .is_ok_and(|sig| key.verify(&p.signing_input, &sig).is_ok())
        }
        PublicKey::Unsupported(_) => return CryptoOutcome::KeyRejected,
    };
    if verified {
        CryptoOutcome::Valid
    } else {
        CryptoOutcome::Invalid
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decoded(compact: &str) -> Decoded {
        crate::token::decode(compact)
    }

    #[test]
    fn an_ec_point_off_its_curve_is_refused_not_judged() {
        // ES256 header {"alg":"ES256"}, a 64-byte signature, and a P-256 "key" (1, 1) that is not on the curve.
        let token = format!("eyJhbGciOiJFUzI1NiJ9.e30.{}", "A".repeat(86));
        let keys = r#"{"kty":"EC","crv":"P-256","x":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAE","y":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAE"}"#;
        let (report, findings) = check(&decoded(&token), keys);
        assert!(findings.is_empty());
        assert_eq!(report.status, "unsupported");
        assert_eq!(
            report.message,
            "the JWK (no `kid`) is not a valid EC P-256 public key, so it cannot verify anything"
        );
    }

    #[test]
    fn keys_findings_come_back_with_the_report() {
        let (report, findings) = check(
            &decoded("eyJhbGciOiJFUzI1NiJ9.e30.AAAA"),
            "{\"keys\": [{\"kty\": \"RSA\"}]}",
        );
        assert_eq!(report.status, "no-matching-key");
        assert_eq!(
            findings.iter().map(|f| f.code).collect::<Vec<_>>(),
            vec!["jwk-missing-field"]
        );
    }
}
