//! A tiny, bounded DER reader: just enough to read an SPKI (`BEGIN PUBLIC KEY`) or a PKCS#1 RSA public key
//! (`BEGIN RSA PUBLIC KEY`). Every read checks its bounds; the grammar is fixed, so there is no recursion.

use super::keys::{Curve, PublicKey};

const SEQUENCE: u8 = 0x30;
const INTEGER: u8 = 0x02;
const BIT_STRING: u8 = 0x03;
const OID: u8 = 0x06;

const RSA_ENCRYPTION: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01];
const RSA_PSS: &[u8] = &[0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0A];
const EC_PUBLIC_KEY: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01];
const P256: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07];
const P384: &[u8] = &[0x2B, 0x81, 0x04, 0x00, 0x22];
const P521: &[u8] = &[0x2B, 0x81, 0x04, 0x00, 0x23];
const ED25519: &[u8] = &[0x2B, 0x65, 0x70];
const ED448: &[u8] = &[0x2B, 0x65, 0x71];

/// Why a DER structure could not be read (lowercase, ends without a period).
pub type DerError = &'static str;

/// Read one tag-length-value with the expected tag; returns (content, rest).
fn read(input: &[u8], tag: u8) -> Result<(&[u8], &[u8]), DerError> {
    let (&found, rest) = input.split_first().ok_or("the DER data ends early")?;
    if found != tag {
        return Err("the DER data has an unexpected structure");
    }
    let (&first, mut rest) = rest.split_first().ok_or("the DER data ends early")?;
    let len = if first < 0x80 {
        usize::from(first)
    } else {
        let count = usize::from(first & 0x7F);
        if count == 0 || count > 4 {
            return Err("the DER data has an unsupported length");
        }
        let mut len = 0usize;
        for _ in 0..count {
            let (&b, r) = rest.split_first().ok_or("the DER data ends early")?;
            len = (len << 8) | usize::from(b);
            rest = r;
        }
        len
    };
    if len > rest.len() {
        return Err("the DER data ends early");
    }
    Ok(rest.split_at(len))
}

/// A positive INTEGER's magnitude, without leading zero bytes.
fn unsigned(content: &[u8]) -> Result<Vec<u8>, DerError> {
    if content.first().is_some_and(|b| b & 0x80 != 0) {
        return Err("the key holds a negative number");
    }
    let start = content
        .iter()
        .position(|&b| b != 0)
        .unwrap_or(content.len());
    Ok(content.get(start..).unwrap_or_default().to_vec())
}

/// PKCS#1 `RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }`.
pub fn rsa_public_key(der: &[u8]) -> Result<PublicKey, DerError> {
    let (seq, _) = read(der, SEQUENCE)?;
    let (n, rest) = read(seq, INTEGER)?;
    let (e, _) = read(rest, INTEGER)?;
    Ok(PublicKey::Rsa {
        n: unsigned(n)?,
        e: unsigned(e)?,
    })
}

/// `SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING }`.
pub fn subject_public_key_info(der: &[u8]) -> Result<PublicKey, DerError> {
    let (spki, _) = read(der, SEQUENCE)?;
    let (algorithm, rest) = read(spki, SEQUENCE)?;
    let (bits, _) = read(rest, BIT_STRING)?;
    let key = match bits.split_first() {
        Some((0, key)) => key,
        _ => return Err("the key's BIT STRING is malformed"),
    };
    let (oid, params) = read(algorithm, OID)?;
    if oid == RSA_ENCRYPTION {
        return rsa_public_key(key);
    }
    if oid == EC_PUBLIC_KEY {
        let curve = match read(params, OID) {
            Ok((P256, _)) => Curve::P256,
            Ok((P384, _)) => Curve::P384,
            Ok((P521, _)) => return Ok(PublicKey::Unsupported("an EC P-521 key".into())),
            Ok(_) => {
                return Ok(PublicKey::Unsupported(
                    "an EC key on an unknown curve".into(),
                ))
            }
            Err(_) => return Err("the EC key names no curve"),
        };
        return ec_point(curve, key);
    }
    if oid == ED25519 {
        return match <[u8; 32]>::try_from(key) {
            Ok(x) => Ok(PublicKey::Ed25519 { x: x.to_vec() }),
            Err(_) => Err("the Ed25519 key is not 32 bytes long"),
        };
    }
    if oid == ED448 {
        return Ok(PublicKey::Unsupported("an Ed448 key".into()));
    }
    if oid == RSA_PSS {
        return Ok(PublicKey::Unsupported(
            "an RSA-PSS-only (`id-RSASSA-PSS`) key".into(),
        ));
    }
    Ok(PublicKey::Unsupported(
        "a key of an unknown algorithm".into(),
    ))
}

/// An uncompressed EC point `04 || x || y`.
fn ec_point(curve: Curve, point: &[u8]) -> Result<PublicKey, DerError> {
    let size = curve.coordinate_len();
    match point.split_first() {
        Some((4, xy)) if xy.len() == 2 * size => {
            let (x, y) = xy.split_at(size);
            Ok(PublicKey::Ec {
                curve,
                x: x.to_vec(),
                y: y.to_vec(),
            })
        }
        Some((2 | 3, _)) => Ok(PublicKey::Unsupported(format!(
            "an EC {} key in compressed form",
            curve.name()
        ))),
        _ => Err("the EC point is malformed"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_pkcs1_and_strips_sign_bytes() {
        // SEQUENCE { INTEGER 0x00 0x81, INTEGER 0x01 0x00 0x01 }
        let der = [
            0x30, 0x09, 0x02, 0x02, 0x00, 0x81, 0x02, 0x03, 0x01, 0x00, 0x01,
        ];
        assert_eq!(
            rsa_public_key(&der),
            Ok(PublicKey::Rsa {
                n: vec![0x81],
                e: vec![1, 0, 1]
            })
        );
    }

    #[test]
    fn rejects_truncated_and_oversized_lengths() {
        assert_eq!(
            rsa_public_key(&[0x30, 0x05, 0x02]),
            Err("the DER data ends early")
        );
        assert_eq!(
            rsa_public_key(&[0x30, 0x84, 0xFF, 0xFF, 0xFF, 0xFF]),
            Err("the DER data ends early")
        );
        assert_eq!(
            rsa_public_key(&[0x30, 0x85, 1, 1, 1, 1, 1]),
            Err("the DER data has an unsupported length")
        );
        assert_eq!(rsa_public_key(&[]), Err("the DER data ends early"));
        assert_eq!(
            rsa_public_key(&[0x04, 0x00]),
            Err("the DER data has an unexpected structure")
        );
    }

    #[test]
    fn negative_integer_is_an_error() {
        let der = [0x30, 0x06, 0x02, 0x01, 0x81, 0x02, 0x01, 0x03];
        assert_eq!(rsa_public_key(&der), Err("the key holds a negative number"));
    }

    #[test]
    fn reads_an_ed25519_spki() {
        let mut der = vec![
            0x30, 0x2A, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x03, 0x21, 0x00,
        ];
        der.extend([7u8; 32]);
        assert_eq!(
            subject_public_key_info(&der),
            Ok(PublicKey::Ed25519 { x: vec![7; 32] })
        );
    }

    #[test]
    fn compressed_ec_point_is_unsupported() {
        let r = ec_point(Curve::P256, &[2; 33]);
        assert_eq!(
            r,
            Ok(PublicKey::Unsupported(
                "an EC P-256 key in compressed form".into()
            ))
        );
        assert_eq!(
            ec_point(Curve::P256, &[4; 10]),
            Err("the EC point is malformed")
        );
    }
}
