//! claimcheck: why can't my CircleCI job assume this role?
//!
//! A pure core (no browser types) that decodes a CircleCI OIDC token, understands its claims, evaluates a
//! cloud trust configuration against it and explains every check. The web UI (`ui`, wasm only) and the
//! native CLI (`src/bin/claimcheck.rs`) both render the one [`Report`] this core produces.
//!
//! Stages, each with its own error type:
//! - [`token`]: lenient JWT decoding of whatever people paste;
//! - [`circleci`]: the `sub` V1/V2 parser, the claim catalogue and consistency findings;
//! - [`policy`]: one module per platform (AWS, GCP, Vault, Azure): parse, then evaluate to checks;
//! - [`report`]: the single result type; [`analyze`] builds it from the inputs;
//! - [`share`]: the link fragment (encode, decode, redaction);
//! - [`state`]: the UI state and its reducer, plain Rust so it tests natively.

pub mod analyze;
pub mod circleci;
pub mod policy;
pub mod report;
pub mod share;
pub mod signature;
pub mod state;
pub mod time;
pub mod token;

#[cfg(target_arch = "wasm32")]
pub mod ui;

pub use analyze::{analyze, Input};
pub use report::{Check, Finding, Outcome, Report, Severity, Verdict};
