//! Appointments' rules without I/O: the slots of a day, their statuses and when one
//! may be checked in.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::sla::Calendar;

/// How far ahead appointments are given, in days.
pub const DAYS_AHEAD: i64 = 30;
/// How early before its time an appointment may be checked in.
pub const EARLY: Duration = Duration::minutes(60);
/// How late after its time it may still be checked in (later: a common ticket).
pub const LATE: Duration = Duration::minutes(30);

/// Where an appointment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AppointmentStatus {
    /// Booked, the person not yet there.
    Booked,
    /// The person arrived: a ticket with the appointment's priority is in the queue.
    CheckedIn,
    /// Cancelled by the person (their link) or by staff.
    Cancelled,
}

impl AppointmentStatus {
    /// Every status.
    pub const ALL: [AppointmentStatus; 3] = [
        AppointmentStatus::Booked,
        AppointmentStatus::CheckedIn,
        AppointmentStatus::Cancelled,
    ];

    /// The stored identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            AppointmentStatus::Booked => "booked",
            AppointmentStatus::CheckedIn => "checked_in",
            AppointmentStatus::Cancelled => "cancelled",
        }
    }

    /// Parses the stored identifier.
    pub fn parse(s: &str) -> Option<AppointmentStatus> {
        AppointmentStatus::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// The starts of a day's slots of `minutes` in the office's calendar: from opening, one
/// after another, each ending by closing time; none on a closed day.
pub fn slots(cal: &Calendar, day: NaiveDate, minutes: u32) -> Vec<DateTime<Utc>> {
    let Some((opens, closes)) = cal.open_on(day) else {
        return Vec::new();
    };
    if minutes == 0 {
        return Vec::new();
    }
    let step = Duration::minutes(i64::from(minutes));
    let mut out = Vec::new();
    let mut t = day.and_time(opens);
    let end = day.and_time(closes);
    while t + step <= end {
        if let Some(at) = cal.tz.from_local_datetime(&t).earliest() {
            out.push(at.with_timezone(&Utc));
        }
        t += step;
    }
    out
}

/// Whether `day` may be booked on `today`: from today to [`DAYS_AHEAD`] days on.
pub fn bookable_day(today: NaiveDate, day: NaiveDate) -> bool {
    day >= today && day <= today + Duration::days(DAYS_AHEAD)
}

/// Why an appointment cannot be checked in at `now`, if it cannot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckIn {
    /// It can.
    Open,
    /// More than [`EARLY`] before its time.
    TooEarly,
    /// More than [`LATE`] after it.
    TooLate,
}

/// Whether an appointment starting at `starts_at` may be checked in at `now`.
pub fn check_in_window(starts_at: DateTime<Utc>, now: DateTime<Utc>) -> CheckIn {
    if now < starts_at - EARLY {
        CheckIn::TooEarly
    } else if now > starts_at + LATE {
        CheckIn::TooLate
    } else {
        CheckIn::Open
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveTime;

    fn cal() -> Calendar {
        let mut c = Calendar::weekdays(
            chrono_tz::America::Argentina::Buenos_Aires,
            NaiveTime::from_hms_opt(8, 0, 0).unwrap(),
            NaiveTime::from_hms_opt(10, 0, 0).unwrap(),
        );
        c.holidays
            .insert(NaiveDate::from_ymd_opt(2026, 12, 8).unwrap());
        c
    }

    fn local(day: NaiveDate, h: u32, m: u32) -> DateTime<Utc> {
        chrono_tz::America::Argentina::Buenos_Aires
            .from_local_datetime(&day.and_hms_opt(h, m, 0).unwrap())
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn a_day_is_cut_in_slots_that_end_by_closing() {
        let monday = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        let s = slots(&cal(), monday, 45);
        // 8:00, 8:45 (ends 9:30); 9:30 would end at 10:15, after closing.
        assert_eq!(s, vec![local(monday, 8, 0), local(monday, 8, 45)]);
        assert_eq!(slots(&cal(), monday, 30).len(), 4);
        assert_eq!(slots(&cal(), monday, 120).len(), 1);
        assert!(slots(&cal(), monday, 121).is_empty());
        assert!(slots(&cal(), monday, 0).is_empty());
    }

    #[test]
    fn weekends_and_holidays_have_no_slots() {
        let saturday = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
        let holiday = NaiveDate::from_ymd_opt(2026, 12, 8).unwrap();
        assert!(slots(&cal(), saturday, 30).is_empty());
        assert!(slots(&cal(), holiday, 30).is_empty());
        assert_eq!(
            slots(&cal(), NaiveDate::from_ymd_opt(2026, 12, 9).unwrap(), 30).len(),
            4
        );
    }

    #[test]
    fn days_are_booked_from_today_to_a_month_on() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert!(bookable_day(today, today));
        assert!(bookable_day(today, today + Duration::days(DAYS_AHEAD)));
        assert!(!bookable_day(today, today + Duration::days(DAYS_AHEAD + 1)));
        assert!(!bookable_day(today, today - Duration::days(1)));
    }

    #[test]
    fn check_in_opens_an_hour_before_and_closes_half_an_hour_after() {
        let at = local(NaiveDate::from_ymd_opt(2026, 12, 7).unwrap(), 9, 0);
        assert_eq!(
            check_in_window(at, at - Duration::minutes(61)),
            CheckIn::TooEarly
        );
        assert_eq!(
            check_in_window(at, at - Duration::minutes(60)),
            CheckIn::Open
        );
        assert_eq!(
            check_in_window(at, at + Duration::minutes(30)),
            CheckIn::Open
        );
        assert_eq!(
            check_in_window(at, at + Duration::minutes(31)),
            CheckIn::TooLate
        );
    }

    #[test]
    fn statuses_round_trip() {
        for s in AppointmentStatus::ALL {
            assert_eq!(AppointmentStatus::parse(s.as_str()), Some(s));
        }
    }
}
