//! The link fragment: encode/decode (compact and plain forms), redaction.
