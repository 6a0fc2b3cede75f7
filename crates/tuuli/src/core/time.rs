//! Helsinki time. Meetings are kept in local (Finnish) wall-clock time, as people type and
//! read them; "now" for comparisons is taken in the same terms, and iCalendar gets UTC.
//! The rules come from the IANA time-zone database (`chrono-tz`), not from code of ours.

use chrono::{NaiveDateTime, TimeZone};
use chrono_tz::Europe::Helsinki;

/// Now, as a Helsinki wall-clock time.
pub fn local_now() -> NaiveDateTime {
    helsinki_from_utc(chrono::Utc::now().naive_utc())
}

/// Converts a UTC time to Helsinki wall-clock time.
pub fn helsinki_from_utc(utc: NaiveDateTime) -> NaiveDateTime {
    Helsinki.from_utc_datetime(&utc).naive_local()
}

/// Converts Helsinki wall-clock time to UTC (for iCalendar `Z` times). A time that the
/// spring change skips (03:00–03:59 on the last Sunday of March) is read as the summer time
/// an hour later; one the autumn change repeats is read as the first (summer) occurrence.
pub fn helsinki_to_utc(local: NaiveDateTime) -> NaiveDateTime {
    match Helsinki.from_local_datetime(&local) {
        chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => t.naive_utc(),
        chrono::LocalResult::None => {
            let later = local + chrono::Duration::hours(1);
            Helsinki
                .from_local_datetime(&later)
                .earliest()
                .map_or(local - chrono::Duration::hours(3), |t| t.naive_utc())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn dt(y: i32, m: u32, d: u32, h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .and_then(|d| d.and_hms_opt(h, 0, 0))
            .unwrap_or_default()
    }

    #[test]
    fn helsinki_time_follows_daylight_saving() {
        assert_eq!(helsinki_from_utc(dt(2026, 1, 15, 10)), dt(2026, 1, 15, 12));
        assert_eq!(helsinki_from_utc(dt(2026, 7, 1, 10)), dt(2026, 7, 1, 13));
        // 2026: summer time from 29 March 01:00 UTC to 25 October 01:00 UTC.
        assert_eq!(helsinki_from_utc(dt(2026, 3, 29, 0)), dt(2026, 3, 29, 2));
        assert_eq!(helsinki_from_utc(dt(2026, 3, 29, 1)), dt(2026, 3, 29, 4));
        assert_eq!(helsinki_from_utc(dt(2026, 10, 25, 0)), dt(2026, 10, 25, 3));
        assert_eq!(helsinki_from_utc(dt(2026, 10, 25, 1)), dt(2026, 10, 25, 3));
        assert_eq!(helsinki_to_utc(dt(2026, 12, 1, 13)), dt(2026, 12, 1, 11));
        assert_eq!(helsinki_to_utc(dt(2026, 6, 1, 13)), dt(2026, 6, 1, 10));
        // The skipped hour and the repeated one.
        assert_eq!(helsinki_to_utc(dt(2026, 3, 29, 3)), dt(2026, 3, 29, 1));
        assert_eq!(helsinki_to_utc(dt(2026, 10, 25, 3)), dt(2026, 10, 25, 0));
    }
}
