//! How times and ages read on screen.

use chrono::{DateTime, Duration, Utc};

use crate::tui::app::TimeMode;

/// `42s`, `12m`, `1h04m`, `3d02h`: short enough for a column.
pub fn age(d: Duration) -> String {
    crate::text::duration(d)
}

/// A moment, relative (`12m ago`) or absolute in UTC (`14:02:33`, with the
/// date when it is not today). Incident rooms span time zones: UTC only.
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
        assert_eq!(age(Duration::seconds(-5)), "0s");
    }
}
