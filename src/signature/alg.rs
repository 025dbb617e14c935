//! The JWS algorithms claimcheck verifies, and which keys can verify them.

use super::keys::{rsa_bits, Curve, Key, PublicKey};

/// A JWS `alg` claimcheck can verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alg {
    RS256,
    RS384,
    RS512,
    PS256,
    PS384,
    PS512,
    ES256,
    ES384,
    /// `EdDSA` with an Ed25519 key (also accepted as `Ed25519`, RFC 9864).
    EdDSA,
}

/// A SHA-2 hash size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hash {
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    /// The Web Crypto name.
    pub fn name(self) -> &'static str {
        match self {
            Hash::Sha256 => "SHA-256",
            Hash::Sha384 => "SHA-384",
            Hash::Sha512 => "SHA-512",
        }
    }

    /// Digest bytes (also the PSS salt length, RFC 7518).
    pub fn output_len(self) -> usize {
        match self {
            Hash::Sha256 => 32,
            Hash::Sha384 => 48,
            Hash::Sha512 => 64,
        }
    }
}

/// RSA moduli claimcheck accepts, in bits (RFC 7518 requires at least 2048).
pub const RSA_BITS: std::ops::RangeInclusive<usize> = 2048..=8192;

/// How a key fails to fit an algorithm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Misfit {
    /// The key cannot have made this signature (wrong type, curve, `alg` or `use`): the token is not genuine.
    Mismatch(String),
    /// The key would fit, but claimcheck does not verify with it (size out of range, unsupported kind).
    Unsupported(String),
}

impl Alg {
    pub fn parse(alg: &str) -> Option<Alg> {
        Some(match alg {
            "RS256" => Alg::RS256,
            "RS384" => Alg::RS384,
            "RS512" => Alg::RS512,
            "PS256" => Alg::PS256,
            "PS384" => Alg::PS384,
            "PS512" => Alg::PS512,
            "ES256" => Alg::ES256,
            "ES384" => Alg::ES384,
            "EdDSA" | "Ed25519" => Alg::EdDSA,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Alg::RS256 => "RS256",
            Alg::RS384 => "RS384",
            Alg::RS512 => "RS512",
            Alg::PS256 => "PS256",
            Alg::PS384 => "PS384",
            Alg::PS512 => "PS512",
            Alg::ES256 => "ES256",
            Alg::ES384 => "ES384",
            Alg::EdDSA => "EdDSA",
        }
    }

    /// The hash signed over (EdDSA hashes internally: `None`).
    pub fn hash(self) -> Option<Hash> {
        match self {
            Alg::RS256 | Alg::PS256 | Alg::ES256 => Some(Hash::Sha256),
            Alg::RS384 | Alg::PS384 | Alg::ES384 => Some(Hash::Sha384),
            Alg::RS512 | Alg::PS512 => Some(Hash::Sha512),
            Alg::EdDSA => None,
        }
    }

    /// What key this algorithm needs, for messages.
    fn needs(self) -> &'static str {
        match self {
            Alg::RS256 | Alg::RS384 | Alg::RS512 | Alg::PS256 | Alg::PS384 | Alg::PS512 => {
                "an RSA key"
            }
            Alg::ES256 => "an EC P-256 key",
            Alg::ES384 => "an EC P-384 key",
            Alg::EdDSA => "an Ed25519 key",
        }
    }

    /// Whether the key's type (and curve) can verify this algorithm, ignoring its declared `alg`/`use`.
    pub fn fits_type(self, key: &PublicKey) -> bool {
        matches!(
            (self, key),
            (
                Alg::RS256 | Alg::RS384 | Alg::RS512 | Alg::PS256 | Alg::PS384 | Alg::PS512,
                PublicKey::Rsa { .. }
            ) | (
                Alg::ES256,
                PublicKey::Ec {
                    curve: Curve::P256,
                    ..
                }
            ) | (
                Alg::ES384,
                PublicKey::Ec {
                    curve: Curve::P384,
                    ..
                }
            ) | (Alg::EdDSA, PublicKey::Ed25519 { .. })
        )
    }

    /// Whether `key` may verify this algorithm at all; `Ok` when it may.
    pub fn check(self, key: &Key) -> Result<(), Misfit> {
        let label = key.label();
        if let PublicKey::Unsupported(what) = &key.public {
            return Err(Misfit::Unsupported(format!(
                "{label} is {what}, which claimcheck cannot verify with"
            )));
        }
        if !self.fits_type(&key.public) {
            return Err(Misfit::Mismatch(format!(
                "{label} is {}, which cannot verify {} (it needs {})",
                key.public.describe(),
                self.name(),
                self.needs()
            )));
        }
        if let Some(declared) = &key.alg {
            if Alg::parse(declared) != Some(self) {
                return Err(Misfit::Mismatch(format!(
                    "{label} declares `alg: {declared}` but the token says `alg: {}`",
                    self.name()
                )));
            }
        }
        if let Some(use_) = key.use_.as_deref().filter(|u| *u != "sig") {
            return Err(Misfit::Mismatch(format!(
                "{label} is for `use: {use_}`, not for signatures (`sig`)"
            )));
        }
        if let PublicKey::Rsa { n, e } = &key.public {
            let bits = rsa_bits(n);
            if !RSA_BITS.contains(&bits) {
                return Err(Misfit::Unsupported(format!(
                    "{label} is a {bits}-bit RSA key; claimcheck verifies RSA keys of 2048 to 8192 bits"
                )));
            }
            if !exponent_ok(e) {
                return Err(Misfit::Unsupported(format!(
                    "{label} has an unusual RSA exponent; claimcheck verifies odd exponents from 3 to 2^33"
                )));
            }
        }
        Ok(())
    }

    /// The exact signature length this algorithm makes with this key.
    pub fn signature_len(self, key: &PublicKey) -> Option<usize> {
        match (self, key) {
            (Alg::ES256 | Alg::ES384, PublicKey::Ec { curve, .. }) => {
                Some(2 * curve.coordinate_len())
            }
            (Alg::EdDSA, _) => Some(64),
            (_, PublicKey::Rsa { n, .. }) => Some(rsa_bits(n).div_ceil(8)),
            _ => None,
        }
    }
}

/// An odd exponent in 3..2^33 (what both RustCrypto's `rsa` and Chromium's BoringSSL accept).
fn exponent_ok(e: &[u8]) -> bool {
    let bits = rsa_bits(e);
    let odd = e.last().is_some_and(|b| b & 1 == 1);
    odd && (2..=33).contains(&bits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::signature::keys::Origin;

    fn key(public: PublicKey, alg: Option<&str>) -> Key {
        Key {
            kid: Some("k".into()),
            alg: alg.map(String::from),
            use_: None,
            public,
            origin: Origin::Pem { line: 1 },
        }
    }

    #[test]
    fn rsa_sizes_and_exponents() {
        let rsa = |bits: usize, e: Vec<u8>| {
            let mut n = vec![0xFF; bits / 8];
            n[0] = 0x80;
            key(PublicKey::Rsa { n, e }, None)
        };
        assert_eq!(Alg::RS256.check(&rsa(2048, vec![1, 0, 1])), Ok(()));
        assert!(
            matches!(Alg::RS256.check(&rsa(1024, vec![1, 0, 1])), Err(Misfit::Unsupported(m)) if m.contains("1024-bit"))
        );
        assert!(matches!(
            Alg::RS256.check(&rsa(2048, vec![2])),
            Err(Misfit::Unsupported(_))
        ));
        assert!(matches!(
            Alg::RS256.check(&rsa(2048, vec![1])),
            Err(Misfit::Unsupported(_))
        ));
        assert_eq!(
            Alg::PS512.signature_len(&rsa(3072, vec![3]).public),
            Some(384)
        );
    }

    #[test]
    fn declared_alg_and_use_must_agree() {
        let ed = PublicKey::Ed25519 { x: vec![0; 32] };
        assert_eq!(Alg::EdDSA.check(&key(ed.clone(), Some("Ed25519"))), Ok(()));
        assert!(matches!(
            Alg::EdDSA.check(&key(ed.clone(), Some("ES256"))),
            Err(Misfit::Mismatch(_))
        ));
        let mut k = key(ed, None);
        k.use_ = Some("enc".into());
        assert_eq!(
            Alg::EdDSA.check(&k),
            Err(Misfit::Mismatch(
                "key `k` is for `use: enc`, not for signatures (`sig`)".into()
            ))
        );
    }
}
