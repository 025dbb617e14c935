//! Offline signature verification against pasted keys.
