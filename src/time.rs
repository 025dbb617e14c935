//! Time formatting and parsing without a clock: every function takes the instants it needs.
//!
//! - [`format_utc`]: unix seconds as `YYYY-MM-DD HH:MM:SS UTC`, for any `i64` (pure arithmetic, no panic;
//!   years outside 0000..=9999 are written with a sign or more digits, e.g. `+292277026596-12-04 ...`);
//! - [`format_duration`]: a short human duration (`42 s`, `12 min`, `1 h`, `2 h 5 min`, `3 d 4 h`);
//! - [`parse_at`]: the CLI's `--at` value, unix seconds or RFC 3339 (`2026-11-26T00:22:37Z`, offsets,
//!   fractional seconds).

use std::fmt;

const SECS_PER_DAY: i64 = 86_400;

/// Days since 1970-01-01 to a proleptic Gregorian (year, month, day). Howard Hinnant's `civil_from_days`,
/// in i128 so that every `i64` day count works.
fn civil_from_days(days: i128) -> (i128, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11]
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32; // [1, 31]
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32; // [1, 12]
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// (year, month, day) to days since 1970-01-01 (Hinnant's `days_from_civil`).
fn days_from_civil(y: i128, m: u32, d: u32) -> i128 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i128::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i128::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn is_leap(y: i128) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i128, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Unix seconds as `YYYY-MM-DD HH:MM:SS UTC`. Never panics, for any `i64`.
pub fn format_utc(unix: i64) -> String {
    let (date, time) = date_and_time(unix);
    format!("{date} {time} UTC")
}

/// Unix seconds as ISO 8601 / RFC 3339 in UTC, `YYYY-MM-DDTHH:MM:SSZ` (the form IAM's date operators and
/// `aws:CurrentTime` use). Never panics, for any `i64`.
pub fn format_iso(unix: i64) -> String {
    let (date, time) = date_and_time(unix);
    format!("{date}T{time}Z")
}

fn date_and_time(unix: i64) -> (String, String) {
    let days = unix.div_euclid(SECS_PER_DAY);
    let secs = unix.rem_euclid(SECS_PER_DAY);
    let (y, m, d) = civil_from_days(i128::from(days));
    let year = if (0..=9999).contains(&y) {
        format!("{y:04}")
    } else if y > 9999 {
        format!("+{y}")
    } else {
        format!("-{:04}", -y)
    };
    (
        format!("{year}-{m:02}-{d:02}"),
        format!(
            "{:02}:{:02}:{:02}",
            secs / 3600,
            secs % 3600 / 60,
            secs % 60
        ),
    )
}

/// A short human duration of `secs` (the absolute value is used): `0 s`, `42 s`, `12 min`, `1 h`,
/// `2 h 5 min`, `3 d`, `3 d 4 h`. Rounds down.
pub fn format_duration(secs: i64) -> String {
    let s = secs.unsigned_abs();
    if s < 60 {
        format!("{s} s")
    } else if s < 3_600 {
        format!("{} min", s / 60)
    } else if s < 2 * 86_400 {
        let (h, min) = (s / 3_600, s % 3_600 / 60);
        if min == 0 {
            format!("{h} h")
        } else {
            format!("{h} h {min} min")
        }
    } else {
        let (d, h) = (s / 86_400, s % 86_400 / 3_600);
        if h == 0 {
            format!("{d} d")
        } else {
            format!("{d} d {h} h")
        }
    }
}

/// Why an `--at` value could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeError {
    pub input: String,
    pub reason: String,
}

impl fmt::Display for TimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a time: {}; give unix seconds (e.g. `1795654957`) or RFC 3339 (e.g. `2026-11-26T00:22:37Z`)",
            self.input, self.reason
        )
    }
}

impl std::error::Error for TimeError {}

/// Parse unix seconds (`1795654957`, also negative, also with a fraction as `date +%s.%N` or Python's
/// `time.time()` write it) or RFC 3339 (`2026-11-26T00:22:37Z`, `2026-11-26T01:22:37.5+01:00`; `t`/space
/// separator and `z` accepted, and an offset without its colon, `+0100`, as `date +%z` writes it; a date alone
/// means midnight UTC). Fractions are truncated toward negative infinity (`-1.5` is `-2`). Checked arithmetic:
/// no value overflows.
pub fn parse_at(text: &str) -> Result<i64, TimeError> {
    let t = text.trim();
    let err = |reason: &str| TimeError {
        input: t.chars().take(64).collect(),
        reason: reason.to_string(),
    };
    if t.is_empty() {
        return Err(err("it is empty"));
    }
    let (int, frac) = t.split_once('.').unwrap_or((t, "0"));
    let digits = int.strip_prefix('-').unwrap_or(int);
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if all_digits(digits) && all_digits(frac) {
        let below = int.starts_with('-') && frac.bytes().any(|b| b != b'0');
        return int
            .parse::<i64>()
            .ok()
            .and_then(|whole| whole.checked_sub(i64::from(below)))
            .ok_or_else(|| err("the number is out of range"));
    }
    // A number in another notation (`1.795e9`, `+1795654957`) is not a date with a bad year.
    if t.bytes().any(|b| b.is_ascii_digit()) && t.parse::<f64>().is_ok() {
        return Err(err(
            "it is a number, but not in plain digits: write the unix seconds out in full",
        ));
    }
    parse_rfc3339(t).map_err(|reason| err(&reason))
}

/// Where [`parse_instant`] reads a whole number as milliseconds: as seconds it would be after the year 33000.
pub const MILLIS_FROM: u64 = 1_000_000_000_000;

/// An instant to evaluate at (`--at`, a link's `at=`): [`parse_at`], except that a whole number of unix seconds
/// at or past [`MILLIS_FROM`] is read as milliseconds, as `Date.now()` and Java's `currentTimeMillis()` write
/// it. The flag says it was.
pub fn parse_instant(text: &str) -> Result<(i64, bool), TimeError> {
    let secs = parse_at(text)?;
    let whole = {
        let t = text.trim();
        let digits = t.strip_prefix('-').unwrap_or(t);
        !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
    };
    if whole && secs.unsigned_abs() >= MILLIS_FROM {
        Ok((secs.div_euclid(1000), true))
    } else {
        Ok((secs, false))
    }
}

/// A cursor over ASCII digits.
struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cursor<'_> {
    fn num(&mut self, n: usize, what: &str) -> Result<u32, String> {
        let mut v = 0u32;
        for k in 0..n {
            match self.b.get(self.i + k) {
                Some(c) if c.is_ascii_digit() => v = v * 10 + u32::from(c - b'0'),
                _ => {
                    return Err(format!(
                        "expected {n} digits for the {what} at offset {}",
                        self.i
                    ))
                }
            }
        }
        self.i += n;
        Ok(v)
    }

    fn expect(&mut self, set: &[u8], what: &str) -> Result<u8, String> {
        match self.b.get(self.i) {
            Some(c) if set.contains(c) => {
                self.i += 1;
                Ok(*c)
            }
            _ => Err(format!("expected {what} at offset {}", self.i)),
        }
    }
}

fn parse_rfc3339(t: &str) -> Result<i64, String> {
    let mut c = Cursor {
        b: t.as_bytes(),
        i: 0,
    };
    let year = c.num(4, "year")?;
    c.expect(b"-", "`-`")?;
    let month = c.num(2, "month")?;
    c.expect(b"-", "`-`")?;
    let day = c.num(2, "day")?;
    if !(1..=12).contains(&month) {
        return Err(format!("month {month} is not 1-12"));
    }
    if day < 1 || day > days_in_month(i128::from(year), month) {
        return Err(format!("day {day} does not exist in {year:04}-{month:02}"));
    }
    let days = days_from_civil(i128::from(year), month, day);
    if c.i == c.b.len() {
        return Ok((days * 86_400) as i64);
    }
    c.expect(b"Tt ", "`T` between date and time")?;
    let hour = c.num(2, "hour")?;
    c.expect(b":", "`:`")?;
    let minute = c.num(2, "minute")?;
    c.expect(b":", "`:`")?;
    let second = c.num(2, "second")?;
    if hour > 23 || minute > 59 || second > 60 {
        return Err(format!(
            "time {hour:02}:{minute:02}:{second:02} is out of range"
        ));
    }
    if c.b.get(c.i) == Some(&b'.') {
        c.i += 1;
        let start = c.i;
        while c.b.get(c.i).is_some_and(u8::is_ascii_digit) {
            c.i += 1;
        }
        if c.i == start {
            return Err(format!("expected digits after `.` at offset {start}"));
        }
    }
    let offset = match c.expect(b"Zz+-", "`Z` or an offset like `+01:00`")? {
        b'Z' | b'z' => 0i64,
        sign => {
            let oh = c.num(2, "offset hours")?;
            if c.b.get(c.i) == Some(&b':') {
                c.i += 1;
            }
            let om = c.num(2, "offset minutes")?;
            if oh > 23 || om > 59 {
                return Err(format!("offset {oh:02}:{om:02} is out of range"));
            }
            let o = i64::from(oh * 3600 + om * 60);
            if sign == b'-' {
                -o
            } else {
                o
            }
        }
    };
    if c.i != c.b.len() {
        return Err(format!("unexpected text after the time at offset {}", c.i));
    }
    // A leap second (:60) is read as the last second of the minute.
    let second = second.min(59);
    let secs = days * 86_400 + i128::from(hour * 3600 + minute * 60 + second) - i128::from(offset);
    Ok(secs as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(format_utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(format_utc(1_795_652_557), "2026-11-26 00:22:37 UTC");
        assert_eq!(format_utc(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(format_utc(-1), "1969-12-31 23:59:59 UTC");
        assert_eq!(format_utc(253_402_300_799), "9999-12-31 23:59:59 UTC");
        assert_eq!(format_utc(253_402_300_800), "+10000-01-01 00:00:00 UTC");
    }

    #[test]
    fn formats_extremes_without_panicking() {
        assert_eq!(format_utc(i64::MAX), "+292277026596-12-04 15:30:07 UTC");
        assert_eq!(format_utc(i64::MIN), "-292277022657-01-27 08:29:52 UTC");
        assert_eq!(format_utc(-62_167_219_201), "-0001-12-31 23:59:59 UTC");
    }

    #[test]
    fn durations() {
        assert_eq!(format_duration(0), "0 s");
        assert_eq!(format_duration(59), "59 s");
        assert_eq!(format_duration(-60), "1 min");
        assert_eq!(format_duration(12 * 60 + 59), "12 min");
        assert_eq!(format_duration(3600), "1 h");
        assert_eq!(format_duration(2 * 3600 + 5 * 60), "2 h 5 min");
        assert_eq!(format_duration(3 * 86_400), "3 d");
        assert_eq!(format_duration(3 * 86_400 + 4 * 3600 + 7), "3 d 4 h");
        assert_eq!(format_duration(i64::MIN), "106751991167300 d 15 h");
    }

    #[test]
    fn parses_unix_and_rfc3339() {
        assert_eq!(parse_at("1795652557"), Ok(1_795_652_557));
        assert_eq!(parse_at(" -5 "), Ok(-5));
        assert_eq!(parse_at("2026-11-26T00:22:37Z"), Ok(1_795_652_557));
        assert_eq!(parse_at("2026-11-26t00:22:37z"), Ok(1_795_652_557));
        assert_eq!(parse_at("2026-11-26 01:22:37+01:00"), Ok(1_795_652_557));
        assert_eq!(
            parse_at("2026-11-25T19:22:37.123456-05:00"),
            Ok(1_795_652_557)
        );
        assert_eq!(parse_at("2026-11-26"), Ok(1_795_651_200));
        assert_eq!(parse_at("2016-12-31T23:59:60Z"), Ok(1_483_228_799));
        // `date +%s.%N`, `time.time()`: the fraction is truncated toward negative infinity.
        assert_eq!(parse_at("1795652557.999999"), Ok(1_795_652_557));
        assert_eq!(parse_at("-1.5"), Ok(-2));
        assert_eq!(parse_at("-7.000"), Ok(-7));
        assert_eq!(parse_at("-9223372036854775808.0"), Ok(i64::MIN));
        // `date +%Y-%m-%dT%H:%M:%S%z` writes the offset without its colon.
        assert_eq!(parse_at("2026-11-26T01:22:37+0100"), Ok(1_795_652_557));
        assert_eq!(parse_at("2026-11-26T00:22:37-0000"), Ok(1_795_652_557));
    }

    #[test]
    fn instants_in_milliseconds() {
        assert_eq!(parse_instant("1795652557"), Ok((1_795_652_557, false)));
        assert_eq!(parse_instant(" 1795652557123 "), Ok((1_795_652_557, true)));
        assert_eq!(parse_instant("-1795652557123"), Ok((-1_795_652_558, true)));
        assert_eq!(parse_instant("999999999999"), Ok((999_999_999_999, false)));
        // A fraction or a date is never milliseconds.
        assert_eq!(
            parse_instant("1795652557123.5"),
            Ok((1_795_652_557_123, false))
        );
        assert_eq!(
            parse_instant("2026-11-26T00:22:37Z"),
            Ok((1_795_652_557, false))
        );
        assert_eq!(
            parse_instant("-9223372036854775808"),
            Ok((i64::MIN / 1000 - 1, true))
        );
        assert!(parse_instant("soon").is_err());
    }

    #[test]
    fn rejects_bad_times_with_reasons() {
        let e = parse_at("2026-02-30T00:00:00Z").unwrap_err();
        assert_eq!(e.reason, "day 30 does not exist in 2026-02");
        assert!(e
            .to_string()
            .starts_with("`2026-02-30T00:00:00Z` is not a time: day 30"));
        assert_eq!(
            parse_at("2026-11-26T00:22:37").unwrap_err().reason,
            "expected `Z` or an offset like `+01:00` at offset 19"
        );
        assert_eq!(
            parse_at("2026-11-26T24:00:00Z").unwrap_err().reason,
            "time 24:00:00 is out of range"
        );
        assert_eq!(
            parse_at("99999999999999999999").unwrap_err().reason,
            "the number is out of range"
        );
        assert_eq!(parse_at("").unwrap_err().reason, "it is empty");
        for number in ["1.795e9", "+1795654957", "1795654957."] {
            assert_eq!(
                parse_at(number).unwrap_err().reason,
                "it is a number, but not in plain digits: write the unix seconds out in full",
                "{number}"
            );
        }
        assert_eq!(
            parse_at("tomorrow").unwrap_err().reason,
            "expected 4 digits for the year at offset 0"
        );
        assert_eq!(
            parse_at("2026-11-26T00:22:37Zjunk").unwrap_err().reason,
            "unexpected text after the time at offset 20"
        );
        assert_eq!(
            parse_at("2026-11-26T00:22:37.Z").unwrap_err().reason,
            "expected digits after `.` at offset 20"
        );
    }

    #[test]
    fn parse_and_format_round_trip() {
        for t in [0i64, 1, 951_782_400, 1_795_652_557, 4_102_444_800, -86_401] {
            let s = format_utc(t).replace(" UTC", "Z").replacen(' ', "T", 1);
            assert_eq!(parse_at(&s), Ok(t), "{s}");
        }
    }
}
