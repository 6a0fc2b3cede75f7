//! The stale rule: an action that is still under way and has had no progress update for
//! `stale_days` days (config, default 120) is flagged, so that the fast-update screen and
//! the plan show what nobody has reported on. One rule, used by every page that flags.

use chrono::NaiveDate;

/// Whether an action is stale on `today`.
///
/// - Done and cancelled actions are never stale: nothing more is expected of them.
/// - An action that has not started yet (its start date is after today) is not stale.
/// - Otherwise the clock runs from its latest update, or, without any, from its start date
///   (or, lacking that, from when it was entered), and it is stale after `stale_days` days.
pub fn is_stale(
    status: &str,
    last_report: Option<NaiveDate>,
    start_date: Option<NaiveDate>,
    created: NaiveDate,
    today: NaiveDate,
    stale_days: i64,
) -> bool {
    if matches!(status, "done" | "cancelled") {
        return false;
    }
    if start_date.is_some_and(|s| s > today) {
        return false;
    }
    let since = last_report.or(start_date).unwrap_or(created);
    (today - since).num_days() > stale_days
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("a date")
    }

    #[test]
    fn an_action_is_stale_only_after_the_configured_days_without_an_update() {
        let today = d("2025-06-01");
        let created = d("2021-01-01");
        assert!(!is_stale(
            "on_track",
            Some(d("2025-02-01")),
            None,
            created,
            today,
            120
        ));
        assert!(is_stale(
            "on_track",
            Some(d("2025-01-01")),
            None,
            created,
            today,
            120
        ));
        assert!(!is_stale(
            "on_track",
            Some(d("2025-01-01")),
            None,
            created,
            today,
            200
        ));
        // Exactly the limit is not yet stale.
        assert!(!is_stale(
            "delayed",
            Some(today - chrono::Days::new(120)),
            None,
            created,
            today,
            120
        ));
    }

    #[test]
    fn finished_and_not_yet_started_actions_are_never_stale() {
        let today = d("2025-06-01");
        let created = d("2021-01-01");
        assert!(!is_stale("done", None, None, created, today, 120));
        assert!(!is_stale(
            "cancelled",
            Some(d("2022-01-01")),
            None,
            created,
            today,
            120
        ));
        assert!(!is_stale(
            "not_started",
            None,
            Some(d("2025-09-01")),
            created,
            today,
            120
        ));
        // Without any update the clock runs from the start date, then from entry.
        assert!(is_stale(
            "not_started",
            None,
            Some(d("2024-09-01")),
            created,
            today,
            120
        ));
        assert!(!is_stale(
            "not_started",
            None,
            None,
            d("2025-05-01"),
            today,
            120
        ));
    }
}
