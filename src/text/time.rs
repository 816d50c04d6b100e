//! How times and ages read: short enough for a column, in UTC (incident
//! rooms span time zones), the same in the console, the wallboard and the
//! command line.

use chrono::{DateTime, Duration, Utc};

/// Moments shown relative to now (`12m ago`) or as UTC clock times.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeMode {
    Relative,
    Absolute,
}

impl TimeMode {
    pub fn toggled(self) -> TimeMode {
        match self {
            TimeMode::Relative => TimeMode::Absolute,
            TimeMode::Absolute => TimeMode::Relative,
        }
    }
}

/// A duration short enough for a column: `42s`, `12m`, `1h04m`, `3d02h`.
pub fn duration(d: chrono::Duration) -> String {
    let s = d.num_seconds().max(0);
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m", s / 60),
        3600..86_400 => format!("{}h{:02}m", s / 3600, (s % 3600) / 60),
        // At most six characters, so a column of seven always keeps a space
        // before the next ("4077d22h" ran into the IC's name).
        86_400..8_640_000 => format!("{}d{:02}h", s / 86_400, (s % 86_400) / 3600),
        _ => format!("{}d", s / 86_400),
    }
}

/// `42s`, `12m`, `1h04m`, `3d02h`: an age for a column.
pub fn age(d: Duration) -> String {
    duration(d)
}

/// A moment, relative (`12m ago`) or absolute in UTC (`14:02:33`, with the
/// date when it is not today).
pub fn when(t: DateTime<Utc>, now: DateTime<Utc>, mode: TimeMode) -> String {
    match mode {
        TimeMode::Relative => format!("{} ago", age(now - t)),
        TimeMode::Absolute if t.date_naive() == now.date_naive() => {
            t.format("%H:%M:%S").to_string()
        }
        TimeMode::Absolute => t.format("%m-%d %H:%M").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_stay_short() {
        assert_eq!(age(Duration::seconds(59)), "59s");
        assert_eq!(age(Duration::seconds(61)), "1m");
        assert_eq!(age(Duration::seconds(3840)), "1h04m");
        assert_eq!(age(Duration::seconds(2 * 86_400 + 7200)), "2d02h");
        assert_eq!(age(Duration::seconds(35 * 86_400)), "35d00h");
        assert_eq!(age(Duration::days(4077) + Duration::hours(22)), "4077d");
        for d in [
            Duration::days(99) + Duration::hours(23),
            Duration::days(36_500),
        ] {
            assert!(age(d).chars().count() <= 6, "{}", age(d));
        }
        assert_eq!(age(Duration::seconds(-5)), "0s");
    }

    #[test]
    fn moments_are_utc_with_the_date_when_not_today() {
        let now = DateTime::parse_from_rfc3339("2026-11-25T14:30:00Z")
            .unwrap()
            .to_utc();
        let t = now - Duration::minutes(12);
        assert_eq!(when(t, now, TimeMode::Relative), "12m ago");
        assert_eq!(when(t, now, TimeMode::Absolute), "14:18:00");
        assert_eq!(
            when(now - Duration::days(1), now, TimeMode::Absolute),
            "11-24 14:30"
        );
    }
}
