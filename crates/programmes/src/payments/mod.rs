//! Monthly payment runs (liquidaciones): who is paid how much for a programme and month,
//! from the active beneficiaries, the amounts in force, certified attendance and
//! suspensions; each line says why an amount was reduced or left out. An approved run is
//! a frozen snapshot (names, CUIL, account and amounts copied into its lines): nothing
//! that changes later reaches it, and computing its month again creates nothing.

pub mod file;
pub mod service;
pub mod store;

use chrono::{Datelike, NaiveDate};

/// Every state of a run.
pub const STATES: [&str; 5] = ["draft", "computed", "approved", "exported", "reconciled"];
/// States of a frozen run.
pub const FROZEN: [&str; 3] = ["approved", "exported", "reconciled"];

/// The first day of a month written `YYYY-MM`.
pub fn parse_month(raw: &str) -> Option<NaiveDate> {
    let (y, m) = raw.trim().split_once('-')?;
    if y.len() != 4 || m.len() != 2 {
        return None;
    }
    let d = NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, 1)?;
    (2000..=2100).contains(&d.year()).then_some(d)
}

/// A month as `YYYY-MM`.
pub fn month_label(first: NaiveDate) -> String {
    first.format("%Y-%m").to_string()
}

/// The last day of the month starting on `first`.
pub fn last_day(first: NaiveDate) -> NaiveDate {
    first
        .checked_add_months(chrono::Months::new(1))
        .and_then(|d| d.pred_opt())
        .unwrap_or(first)
}

/// What a line of a run is computed from.
#[derive(Debug, Clone)]
pub struct Beneficiary {
    /// First day in the programme.
    pub starts_on: NaiveDate,
    /// Last day (finished, else planned end).
    pub ends_on: Option<NaiveDate>,
    /// Suspensions: from (included) to (excluded; open when still suspended).
    pub suspended: Vec<(NaiveDate, Option<NaiveDate>)>,
    /// The month's full amount for their category, cents (none: no amount in force).
    pub base_cents: Option<i64>,
    /// Has a CUIL?
    pub has_cuil: bool,
    /// Has a bank account?
    pub has_account: bool,
    /// Certified attendance: days attended and expected.
    pub attendance: Option<(i32, i32)>,
}

/// A computed line: amount, status and reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Computed {
    /// The month's full amount.
    pub base_cents: i64,
    /// What is paid.
    pub amount_cents: i64,
    /// `paid`, `reduced` or `excluded`.
    pub status: &'static str,
    /// Why reduced or excluded.
    pub reason: Option<&'static str>,
    /// Days in the programme, not suspended, this month.
    pub days: i32,
}

fn excluded(base: i64, reason: &'static str, days: i32) -> Computed {
    Computed {
        base_cents: base,
        amount_cents: 0,
        status: "excluded",
        reason: Some(reason),
        days,
    }
}

/// One beneficiary's line for the month starting on `first`, under a payment rule.
pub fn compute(b: &Beneficiary, rule: &str, first: NaiveDate) -> Computed {
    let last = last_day(first);
    let month_days = (last - first).num_days() as i32 + 1;
    let from = b.starts_on.max(first);
    let to = b.ends_on.map_or(last, |e| e.min(last));
    let mut days = 0;
    let mut suspended_days = 0;
    let mut d = from;
    while d <= to {
        if b.suspended
            .iter()
            .any(|(s, e)| *s <= d && e.is_none_or(|e| d < e))
        {
            suspended_days += 1;
        } else {
            days += 1;
        }
        d = d.succ_opt().unwrap_or(d + chrono::Duration::days(1));
    }
    let Some(base) = b.base_cents else {
        return excluded(0, "no_amount", days);
    };
    if days == 0 {
        return excluded(
            base,
            if suspended_days > 0 {
                "suspended"
            } else {
                "not_in_month"
            },
            0,
        );
    }
    if !b.has_cuil {
        return excluded(base, "no_cuil", days);
    }
    if !b.has_account {
        return excluded(base, "no_account", days);
    }
    let share = |num: i64, den: i64| -> i64 {
        i64::try_from(i128::from(base) * i128::from(num) / i128::from(den.max(1))).unwrap_or(0)
    };
    let (amount, reason) = match rule {
        "attendance" => match b.attendance {
            None => return excluded(base, "no_attendance", days),
            Some((_, expected)) if expected <= 0 => {
                return excluded(base, "no_attendance", days);
            }
            Some((attended, expected)) => {
                let attended = attended.clamp(0, expected);
                if attended == 0 {
                    return excluded(base, "no_days_attended", days);
                }
                let reason = (attended < expected).then_some("partial_attendance");
                (share(i64::from(attended), i64::from(expected)), reason)
            }
        },
        "full_month" => (base, None),
        _ => {
            let reason = (days < month_days).then_some(if suspended_days > 0 {
                "partly_suspended"
            } else {
                "partial_month"
            });
            (share(i64::from(days), i64::from(month_days)), reason)
        }
    };
    Computed {
        base_cents: base,
        amount_cents: amount,
        status: if amount < base { "reduced" } else { "paid" },
        reason,
        days,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn someone() -> Beneficiary {
        Beneficiary {
            starts_on: d("2026-01-01"),
            ends_on: None,
            suspended: vec![],
            base_cents: Some(3_000_000),
            has_cuil: true,
            has_account: true,
            attendance: Some((20, 20)),
        }
    }

    #[test]
    fn a_month_is_paid_by_the_programmes_rule() {
        let march = d("2026-03-01");
        let whole = compute(&someone(), "calendar_days", march);
        assert_eq!(
            (whole.amount_cents, whole.status, whole.reason),
            (3_000_000, "paid", None)
        );
        // From the 17th: 15 of 31 days.
        let late = Beneficiary {
            starts_on: d("2026-03-17"),
            ..someone()
        };
        let c = compute(&late, "calendar_days", march);
        assert_eq!(
            (c.amount_cents, c.reason),
            (1_451_612, Some("partial_month"))
        );
        assert_eq!(compute(&late, "full_month", march).amount_cents, 3_000_000);
        // Attendance: 15 of 20 days.
        let absent = Beneficiary {
            attendance: Some((15, 20)),
            ..someone()
        };
        let c = compute(&absent, "attendance", march);
        assert_eq!(
            (c.amount_cents, c.status, c.reason),
            (2_250_000, "reduced", Some("partial_attendance"))
        );
        let none = Beneficiary {
            attendance: None,
            ..someone()
        };
        assert_eq!(
            compute(&none, "attendance", march).reason,
            Some("no_attendance")
        );
        // Suspended from the 11th to the 21st (excluded): 10 days off.
        let suspended = Beneficiary {
            suspended: vec![(d("2026-03-11"), Some(d("2026-03-21")))],
            ..someone()
        };
        let c = compute(&suspended, "calendar_days", march);
        assert_eq!((c.days, c.reason), (21, Some("partly_suspended")));
        let all_month = Beneficiary {
            suspended: vec![(d("2026-02-20"), None)],
            ..someone()
        };
        assert_eq!(
            compute(&all_month, "calendar_days", march).reason,
            Some("suspended")
        );
        // Finished before the month; no account; no CUIL; no amount.
        let gone = Beneficiary {
            ends_on: Some(d("2026-02-28")),
            ..someone()
        };
        assert_eq!(
            compute(&gone, "calendar_days", march).reason,
            Some("not_in_month")
        );
        let no_account = Beneficiary {
            has_account: false,
            ..someone()
        };
        assert_eq!(compute(&no_account, "calendar_days", march).amount_cents, 0);
        let no_cuil = Beneficiary {
            has_cuil: false,
            ..someone()
        };
        assert_eq!(
            compute(&no_cuil, "calendar_days", march).reason,
            Some("no_cuil")
        );
        let no_amount = Beneficiary {
            base_cents: None,
            ..someone()
        };
        assert_eq!(
            compute(&no_amount, "calendar_days", march).reason,
            Some("no_amount")
        );
        assert_eq!(parse_month("2026-03"), Some(march));
        assert_eq!(parse_month("2026-13"), None);
        assert_eq!(parse_month("26-03"), None);
        assert_eq!(last_day(d("2028-02-01")), d("2028-02-29"));
    }
}
