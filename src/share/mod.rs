//! The link fragment: encode/decode (compact and plain forms), redaction. (Agreed interface; filled by the
//! share work.)

/// Everything a link restores.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SharedState {
    pub token: String,
    pub policy: String,
    /// Pinned evaluation time, unix seconds.
    pub at: Option<i64>,
}

/// Why a fragment could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareError {
    pub message: String,
}

/// Read a fragment (with or without the leading `#`). An empty fragment is the empty state.
pub fn decode(fragment: &str) -> Result<SharedState, ShareError> {
    let _ = fragment;
    Ok(SharedState::default())
}

/// The fragment (without `#`) for `state`; empty for the empty state.
pub fn encode(state: &SharedState) -> String {
    let _ = state;
    String::new()
}
