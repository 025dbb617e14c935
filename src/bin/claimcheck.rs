//! The native CLI: `claimcheck check --token <FILE|-> [--policy FILE] [--at unix|RFC3339] [--json]`.

fn main() {}
