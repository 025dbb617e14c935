//! The Yew UI: thin components over a `Report`.

pub fn start() {}
