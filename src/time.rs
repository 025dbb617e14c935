//! Time formatting and parsing without a clock: every function takes the instants it needs.
