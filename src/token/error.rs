//! The decoding error type: which segment, what went wrong, and where.

use std::fmt;

use serde::Serialize;

/// A dot-separated part of a compact token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Segment {
    /// The whole paste (e.g. empty input, wrong number of segments).
    Token,
    Header,
    Payload,
    Signature,
    /// JWE parts after the header.
    EncryptedKey,
    Iv,
    Ciphertext,
    Tag,
}

impl Segment {
    pub fn as_str(self) -> &'static str {
        match self {
            Segment::Token => "token",
            Segment::Header => "header",
            Segment::Payload => "payload",
            Segment::Signature => "signature",
            Segment::EncryptedKey => "encrypted key",
            Segment::Iv => "initialization vector",
            Segment::Ciphertext => "ciphertext",
            Segment::Tag => "authentication tag",
        }
    }
}

/// What went wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ErrorKind {
    /// Nothing left after cleanup.
    Empty,
    /// Not 1, 2, 3 (JWS) or 5 (JWE) dot-separated segments.
    SegmentCount { count: usize },
    /// A segment that must carry data is empty.
    EmptySegment,
    /// A character outside the base64url alphabet (at [`TokenError::offset`]).
    InvalidCharacter { character: String },
    /// A length no base64 text can have (one character too many).
    InvalidLength { length: usize },
    /// The last character encodes bits that do not fit (at [`TokenError::offset`]).
    InvalidLastSymbol { character: String },
    /// `=` padding in the wrong place or amount.
    InvalidPadding,
    /// The decoded bytes are not UTF-8 (first bad byte at [`TokenError::offset`], an offset in the decoded bytes).
    NotUtf8,
    /// The decoded text is not JSON.
    NotJson {
        line: usize,
        column: usize,
        reason: String,
    },
    /// Valid JSON, but not an object.
    NotObject { found: &'static str },
    /// One segment that is no part of a JWT: no `.`, not starting `eyJ` (the base64url of `{"`), and not
    /// decodable (a word, a URL). Reported instead of that segment's own error ([`super::Decoded::findings`]).
    NotAJwt,
}

/// One problem decoding one segment. `offset` is a byte offset into the segment's text (after cleanup)
/// unless the kind says otherwise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenError {
    pub segment: Segment,
    #[serde(flatten)]
    pub kind: ErrorKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<usize>,
}

impl TokenError {
    pub fn new(segment: Segment, kind: ErrorKind) -> Self {
        TokenError {
            segment,
            kind,
            offset: None,
        }
    }

    pub fn at(mut self, offset: usize) -> Self {
        self.offset = Some(offset);
        self
    }

    /// The stable finding code for this error.
    pub fn code(&self) -> &'static str {
        match self.kind {
            ErrorKind::Empty => "token-empty",
            ErrorKind::SegmentCount { .. } => "token-segment-count",
            ErrorKind::EmptySegment => "token-segment-empty",
            ErrorKind::InvalidCharacter { .. }
            | ErrorKind::InvalidLength { .. }
            | ErrorKind::InvalidLastSymbol { .. }
            | ErrorKind::InvalidPadding => "token-not-base64url",
            ErrorKind::NotUtf8 => "token-not-utf8",
            ErrorKind::NotJson { .. } => "token-not-json",
            ErrorKind::NotObject { .. } => "token-not-object",
            ErrorKind::NotAJwt => "token-not-a-jwt",
        }
    }

    /// How to fix it.
    pub fn fix(&self) -> &'static str {
        match self.kind {
            ErrorKind::Empty => "paste the token, e.g. the output of `echo $CIRCLE_OIDC_TOKEN_V2` in the job",
            ErrorKind::SegmentCount { .. } => {
                "a token is `header.payload.signature`: copy it again in one piece, without extra dots"
            }
            ErrorKind::EmptySegment
            | ErrorKind::InvalidCharacter { .. }
            | ErrorKind::InvalidLength { .. }
            | ErrorKind::InvalidLastSymbol { .. }
            | ErrorKind::InvalidPadding => {
                "copy the token again in one piece: it may have been cut off or mixed with other text"
            }
            ErrorKind::NotUtf8 | ErrorKind::NotJson { .. } | ErrorKind::NotObject { .. } => {
                "this segment is not a JWT header or claims set: check that the whole token was copied"
            }
            ErrorKind::NotAJwt => {
                "paste the token itself: `echo $CIRCLE_OIDC_TOKEN_V2` in the job prints it (`eyJ…` with two dots)"
            }
        }
    }
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let seg = self.segment.as_str();
        let off = self.offset.unwrap_or(0);
        match &self.kind {
            ErrorKind::Empty => write!(f, "the token is empty"),
            ErrorKind::SegmentCount { count } => write!(
                f,
                "the token has {count} dot-separated segments; a signed token has 3 and an encrypted one 5"
            ),
            ErrorKind::EmptySegment => write!(f, "the {seg} segment is empty"),
            ErrorKind::InvalidCharacter { character } => {
                write!(f, "the {seg} segment is not base64url: `{character}` at offset {off}")
            }
            ErrorKind::InvalidLength { length } => write!(
                f,
                "the {seg} segment is not base64url: its length {length} is impossible (one character too many, or cut off)"
            ),
            ErrorKind::InvalidLastSymbol { character } => {
                write!(f, "the {seg} segment is not base64url: the last character `{character}` at offset {off} is impossible (cut off?)")
            }
            ErrorKind::InvalidPadding => write!(f, "the {seg} segment is not base64url: misplaced `=` padding"),
            ErrorKind::NotUtf8 => write!(f, "the {seg} segment decodes to bytes that are not UTF-8 (at byte {off})"),
            ErrorKind::NotJson { line, column, reason } => {
                write!(f, "the {seg} segment is not JSON at line {line}, column {column}: {reason}")
            }
            ErrorKind::NotObject { found } => write!(f, "the {seg} segment is JSON but not an object (found {found})"),
            ErrorKind::NotAJwt => write!(f, "this is not a JWT: a token is three base64url parts joined by `.` and starts `eyJ`, and this text has no `.` and does not decode"),
        }
    }
}

impl std::error::Error for TokenError {}
