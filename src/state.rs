//! UI state and its reducer: plain Rust, unit-tested natively.
