//! The dates `Date*` operators compare: ISO 8601 (`2026-01-31`, `2026-01-31T12:00:00Z`, with `.fff` and
//! `+hh:mm` offsets) or epoch seconds, as IAM accepts them. The arithmetic lives in [`crate::time`].

/// `2026-11-26T00:22:37Z`.
pub fn format(unix: i64) -> String {
    crate::time::format_iso(unix)
}

/// A date as IAM's date operators read it, or `None`.
pub fn parse(s: &str) -> Option<i64> {
    crate::time::parse_at(s).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        assert_eq!(format(0), "1970-01-01T00:00:00Z");
        assert_eq!(format(1_795_650_157), "2026-11-25T23:42:37Z");
        assert_eq!(parse("2026-11-25T23:42:37Z"), Some(1_795_650_157));
        assert_eq!(parse("2026-11-26T00:42:37+01:00"), Some(1_795_650_157));
        assert_eq!(parse("2026-11-25T23:42:37.123Z"), Some(1_795_650_157));
        assert_eq!(parse("2026-11-25"), Some(1_795_564_800));
        assert_eq!(parse("1795650157"), Some(1_795_650_157));
        assert_eq!(parse("yesterday"), None);
        assert_eq!(parse("2026-13-01"), None);
        assert_eq!(parse("2026-01-01T25:00:00Z"), None);
        assert_eq!(parse("é-é-é"), None);
    }
}
