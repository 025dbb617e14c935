//! The dates `Date*` operators compare: ISO 8601 (`2026-01-31`, `2026-01-31T12:00:00Z`, with `.fff` and
//! `+hh:mm` offsets) or epoch seconds, as IAM accepts them. Pure arithmetic, no clock.

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// `2026-11-26T00:22:37Z`.
pub fn format(unix: i64) -> String {
    let (days, secs) = (unix.div_euclid(86_400), unix.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

fn num(s: &str) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Parse a date as IAM's `Date*` operators accept it; `None` when it is not one.
pub fn parse(s: &str) -> Option<i64> {
    let s = s.trim();
    if let Some(n) = num(s) {
        return Some(n);
    }
    let (date, rest) = match s.find(['T', 't']) {
        Some(i) => (s.get(..i)?, s.get(i + 1..)?),
        None => (s, ""),
    };
    let mut parts = date.split('-');
    let (y, m, d) = (
        num(parts.next()?)?,
        num(parts.next()?)?,
        num(parts.next()?)?,
    );
    if parts.next().is_some() || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let mut secs = days_from_civil(y, m, d) * 86_400;
    if rest.is_empty() {
        return Some(secs);
    }
    let (clock, offset) = if let Some(c) = rest.strip_suffix(['Z', 'z']) {
        (c, 0)
    } else if let Some(i) = rest.rfind(['+', '-']) {
        let (c, o) = (rest.get(..i)?, rest.get(i..)?);
        let sign = if o.starts_with('-') { -1 } else { 1 };
        let o = o.get(1..)?;
        let (oh, om) = o
            .split_once(':')
            .unwrap_or((o.get(..2)?, o.get(2..).unwrap_or("0")));
        (c, sign * (num(oh)? * 3600 + num(om).unwrap_or(0) * 60))
    } else {
        (rest, 0)
    };
    let clock = clock.split('.').next()?;
    let mut hms = clock.split(':');
    let h = num(hms.next()?)?;
    let mi = hms.next().map(num).unwrap_or(Some(0))?;
    let se = hms.next().map(num).unwrap_or(Some(0))?;
    if h > 23 || mi > 59 || se > 60 {
        return None;
    }
    secs += h * 3600 + mi * 60 + se - offset;
    Some(secs)
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
