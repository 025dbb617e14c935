//! Offline signature verification against pasted keys.
//!
//! The core here is pure: it reads the keys ([`parse_keys`]: a JWK set, a JWK, or PEM `PUBLIC KEY` /
//! `RSA PUBLIC KEY` blocks), picks the key ([`prepare`]) and checks that it fits the token's `alg`, and yields
//! either a final [`SignatureReport`] or a [`Prepared`] verification. The crypto itself runs in one of two
//! verifiers, which only answer a [`CryptoOutcome`]; [`Prepared::finish`] turns that into the report, so both
//! give the same statuses and messages:
//! - natively (the CLI), [`verify`] with RustCrypto (`rsa`, `p256`, `p384`, `ed25519-dalek`);
//! - in the browser, Web Crypto (`src/ui/signature.rs`), importing [`PublicKey::jwk_members`].
//!
//! # Which key is used
//! - The token names a `kid`: the key with that `kid` (the first one that fits the `alg` if several share it).
//!   When no key has it: a lone key without `kid` (one PEM block, or one JWK without `kid`) is used anyway and
//!   the message says so; otherwise `no-matching-key`, listing the `kid`s present.
//! - The token has no `kid`: a lone key is used; among several, the one key whose type fits the `alg`;
//!   several or none fitting is `no-matching-key`.
//!
//! # Statuses
//! | status | when |
//! | --- | --- |
//! | `valid` | the signature verifies with the chosen key (the message names the key and `alg`) |
//! | `invalid` | it does not verify; or its length is wrong for the key; or `alg: none`; or the chosen key cannot have made it (type/curve differs from the `alg`, the JWK declares another `alg`, or `use` is not `sig`): a genuine token would name a fitting key |
//! | `no-matching-key` | no key to try: no key has the token's `kid`, no usable key was pasted, or no `kid` and not one fitting key |
//! | `unsupported` | cannot judge: an `alg` claimcheck does not verify (`HS256`, `ES512`, missing, ...), a key kind it does not verify with (P-521, Ed448, RSA outside 2048..=8192 bits), a key the crypto refuses (e.g. an EC point off its curve), an encrypted or undecodable token |
//! | `absent` | the token has no signature (e.g. it came from a share link, which drops it) |
//!
//! # Finding codes (area `signature`)
//! | code | severity | meaning |
//! | --- | --- | --- |
//! | `signature-invalid` | error | the signature does not verify: every platform rejects the token, so the verdict is deny ([`apply`]) |
//! | `keys-not-recognized` | error | the keys are neither JSON nor PEM (or no complete PEM block) |
//! | `keys-json-invalid` | error | the keys JSON does not parse (with line/column) |
//! | `keys-json-shape` | error | JSON that is not a JWK set or JWK: not an object, `keys` not an array, an empty set, a non-object key |
//! | `keys-discovery-document` | error | the OpenID discovery document was pasted instead of the key set it links |
//! | `jwk-missing-field` | error | a JWK lacks `kty` or a member its type needs (`n`, `e`, `crv`, `x`, `y`) |
//! | `jwk-invalid-field` | error | a JWK member has the wrong JSON type, is not base64url, or has the wrong length |
//! | `keys-private-key` | error | a private key (PEM block or JWK with private members) was pasted |
//! | `pem-invalid` | error | a PEM public key block is unterminated, not base64, or not a readable key |
//! | `pem-unsupported` | warning | a PEM block that is not a public key (e.g. `CERTIFICATE`) was skipped |

mod alg;
mod der;
mod fetch;
mod keys;
#[cfg(not(target_arch = "wasm32"))]
mod native;
mod prepare;
mod verdict;

pub use alg::{Alg, Hash};
pub use fetch::fetch_command;
pub use keys::{parse_keys, Curve, Key, Keys, Origin, PublicKey};
#[cfg(not(target_arch = "wasm32"))]
pub use native::{check, verify};
pub use prepare::{prepare, prepare_compact, CryptoOutcome, Prepared, Step};
pub use verdict::{apply, SIGNATURE_INVALID};

pub use crate::report::SignatureReport;
