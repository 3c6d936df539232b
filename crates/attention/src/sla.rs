//! The SLA clock: targets count business minutes of an office's calendar (its opening
//! hours per weekday, less its holidays), in the deployment's time zone. Pure functions,
//! tested across weekends and holidays; `store` reads the calendars and targets, and a
//! consultation gets its due times when it is recorded. Opening and closing times that
//! fall in a clock change's gap or overlap take its earliest instant (Argentina keeps no
//! daylight saving time).

pub mod api;
pub mod service;
pub mod store;

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc};

/// Most days the clock walks (a target longer than ten years of business days is a
/// mistake; a calendar with no open day never ends).
const DAYS_MAX: i64 = 3_660;

/// An office's working calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    /// The office's time zone.
    pub tz: chrono_tz::Tz,
    /// Opening hours per weekday, Monday first (none: closed).
    pub hours: [Option<(NaiveTime, NaiveTime)>; 7],
    /// Days closed besides the weekly ones (national and provincial holidays, the
    /// office's own).
    pub holidays: BTreeSet<NaiveDate>,
}

impl Calendar {
    /// Monday to Friday from `open` to `close`, no holidays yet.
    pub fn weekdays(tz: chrono_tz::Tz, open: NaiveTime, close: NaiveTime) -> Self {
        let day = (open < close).then_some((open, close));
        Calendar {
            tz,
            hours: [day, day, day, day, day, None, None],
            holidays: BTreeSet::new(),
        }
    }

    /// The hours the office is open on `date`, if it opens.
    pub fn open_on(&self, date: NaiveDate) -> Option<(NaiveTime, NaiveTime)> {
        if self.holidays.contains(&date) {
            return None;
        }
        self.hours[date.weekday().num_days_from_monday() as usize].filter(|(o, c)| o < c)
    }

    /// The instant of a local date and time (the earliest, across a clock change).
    fn at(&self, date: NaiveDate, time: NaiveTime) -> Option<DateTime<Utc>> {
        self.tz
            .from_local_datetime(&date.and_time(time))
            .earliest()
            .map(|t| t.with_timezone(&Utc))
    }

    /// The day's open window as instants, if the office opens that day.
    fn window(&self, date: NaiveDate) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        let (open, close) = self.open_on(date)?;
        Some((self.at(date, open)?, self.at(date, close)?))
    }

    /// When `minutes` business minutes after `start` are over; `None` when the calendar
    /// has no open day within reach.
    pub fn deadline(&self, start: DateTime<Utc>, minutes: u32) -> Option<DateTime<Utc>> {
        let mut left = Duration::minutes(i64::from(minutes));
        let mut date = start.with_timezone(&self.tz).date_naive();
        for _ in 0..DAYS_MAX {
            if let Some((open, close)) = self.window(date) {
                let from = start.max(open);
                if from < close {
                    let here = close - from;
                    // A target that ends at closing time ends there, not next morning.
                    if left <= here {
                        return Some(from + left);
                    }
                    left -= here;
                }
            }
            date = date.succ_opt()?;
        }
        None
    }

    /// Business minutes between two instants (0 when `to` is not after `from`).
    pub fn minutes_between(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
        if to <= from {
            return 0;
        }
        let mut total = Duration::zero();
        let mut date = from.with_timezone(&self.tz).date_naive();
        let last = to.with_timezone(&self.tz).date_naive();
        for _ in 0..DAYS_MAX {
            if date > last {
                break;
            }
            if let Some((open, close)) = self.window(date) {
                let (a, b) = (from.max(open), to.min(close));
                if a < b {
                    total += b - a;
                }
            }
            match date.succ_opt() {
                Some(d) => date = d,
                None => break,
            }
        }
        total.num_minutes()
    }

    /// Business minutes left until `deadline` at `now`: negative once breached.
    pub fn minutes_left(&self, now: DateTime<Utc>, deadline: DateTime<Utc>) -> i64 {
        if now <= deadline {
            self.minutes_between(now, deadline)
        } else {
            -self.minutes_between(deadline, now)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::America::Argentina::Tucuman;
    use proptest::prelude::*;

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    fn local(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
        Tucuman
            .with_ymd_and_hms(y, mo, d, h, mi, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    /// 8:00 to 14:00 on weekdays; Monday 7 December 2026 is a holiday (a bridge day
    /// before the 8th, Immaculate Conception, also one).
    fn office() -> Calendar {
        let mut c = Calendar::weekdays(Tucuman, t(8, 0), t(14, 0));
        c.holidays
            .insert(NaiveDate::from_ymd_opt(2026, 12, 7).unwrap());
        c.holidays
            .insert(NaiveDate::from_ymd_opt(2026, 12, 8).unwrap());
        c
    }

    #[test]
    fn the_clock_stops_at_closing_time_weekends_and_holidays() {
        let c = office();
        // Friday 4 December, 13:00: one hour left that day; the weekend and Monday and
        // Tuesday (holidays) do not count; the second hour ends Wednesday at 9:00.
        let friday = local(2026, 12, 4, 13, 0);
        assert_eq!(c.deadline(friday, 120), Some(local(2026, 12, 9, 9, 0)));
        assert_eq!(c.minutes_between(friday, local(2026, 12, 9, 9, 0)), 120);
        // Ending exactly at closing time stays that day.
        assert_eq!(c.deadline(friday, 60), Some(local(2026, 12, 4, 14, 0)));
        // Arriving before opening or after closing starts at the next opening.
        assert_eq!(
            c.deadline(local(2026, 12, 3, 6, 30), 30),
            Some(local(2026, 12, 3, 8, 30))
        );
        assert_eq!(
            c.deadline(local(2026, 12, 3, 20, 0), 30),
            Some(local(2026, 12, 4, 8, 30))
        );
        // On a Saturday e-mail, the clock starts Wednesday (Monday and Tuesday closed).
        assert_eq!(
            c.deadline(local(2026, 12, 5, 10, 0), 360),
            Some(local(2026, 12, 9, 14, 0))
        );
        // Time left, and the breach as negative minutes.
        let deadline = local(2026, 12, 9, 9, 0);
        assert_eq!(c.minutes_left(local(2026, 12, 4, 13, 30), deadline), 90);
        assert_eq!(c.minutes_left(local(2026, 12, 9, 10, 15), deadline), -75);
        assert_eq!(c.minutes_left(local(2026, 12, 6, 12, 0), deadline), 60);
    }

    #[test]
    fn a_calendar_without_open_days_has_no_deadline() {
        let mut c = office();
        c.hours = [None; 7];
        assert_eq!(c.deadline(local(2026, 12, 4, 9, 0), 10), None);
        assert_eq!(
            c.minutes_between(local(2026, 12, 1, 0, 0), local(2026, 12, 31, 0, 0)),
            0
        );
        // Zero minutes end where the clock stands (at the next opening).
        assert_eq!(
            office().deadline(local(2026, 12, 5, 9, 0), 0),
            Some(local(2026, 12, 9, 8, 0))
        );
    }

    proptest! {
        /// The minutes a deadline adds are the business minutes between the start and
        /// it, from any start, over weeks with holidays.
        #[test]
        fn deadline_and_minutes_between_agree(
            day in 0i64..60,
            minute in 0i64..(24 * 60),
            target in 0u32..(6 * 60 * 15),
        ) {
            let c = office();
            let start = local(2026, 11, 20, 0, 0) + Duration::days(day) + Duration::minutes(minute);
            let end = c.deadline(start, target).unwrap();
            prop_assert!(end >= start);
            prop_assert_eq!(c.minutes_between(start, end), i64::from(target));
            // And it is the first such instant: a minute earlier is a minute short,
            // unless the clock stood still (closed) there.
            if target > 0 {
                prop_assert_eq!(
                    c.minutes_between(start, end - Duration::minutes(1)),
                    i64::from(target) - 1
                );
            }
        }
    }
}
