//! Programme indicators for a span of months, within the reader's view scope: people in
//! a programme each month (by programme, office, age band or sex), applications by
//! state, amounts paid per month and programme, quota use, and for one programme its
//! coverage per office (beneficiaries / eligible registered people: the "cuantificación
//! de beneficiarios"). Computed from the rows; nothing is stored.

pub mod handlers;

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, Months, NaiveDate};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};
use serde::Serialize;
use uuid::Uuid;

use crate::applications::{HOLDING, STATES};
use crate::entity::{application, payment_line, payment_run};
use sipe_platform::access::{Access, ScopeKind};

/// Most months a report spans.
pub const MAX_MONTHS: usize = 36;

/// Age bands, by their lowest age.
pub const AGE_BANDS: [(u32, &str); 6] = [
    (0, "0-17"),
    (18, "18-24"),
    (25, "25-34"),
    (35, "35-44"),
    (45, "45-54"),
    (55, "55+"),
];

/// How people in programmes are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    /// Their programme.
    Programme,
    /// Their application's office.
    Office,
    /// Their age band on the month's first day.
    AgeBand,
    /// Their sex as registered.
    Sex,
}

impl By {
    /// Every grouping, in the page's order.
    pub const ALL: [By; 4] = [By::Programme, By::Office, By::AgeBand, By::Sex];

    /// Identifier in URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            By::Programme => "programme",
            By::Office => "office",
            By::AgeBand => "age_band",
            By::Sex => "sex",
        }
    }

    /// Parses the identifier (the programme by default).
    pub fn parse(s: &str) -> Option<By> {
        match s.trim() {
            "" => Some(By::Programme),
            other => By::ALL.into_iter().find(|b| b.as_str() == other),
        }
    }
}

/// The band of an age.
pub fn age_band(age: u32) -> &'static str {
    AGE_BANDS
        .iter()
        .rev()
        .find(|(low, _)| age >= *low)
        .map_or("0-17", |(_, b)| b)
}

/// The first days of the months from `from` to `to`, both included (at most
/// [`MAX_MONTHS`]).
pub fn months(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    let mut m = from.with_day(1).unwrap_or(from);
    while m <= to && out.len() < MAX_MONTHS {
        out.push(m);
        m = match m.checked_add_months(Months::new(1)) {
            Some(n) => n,
            None => break,
        };
    }
    out
}

fn last_day(month: NaiveDate) -> NaiveDate {
    month
        .checked_add_months(Months::new(1))
        .and_then(|n| n.pred_opt())
        .unwrap_or(month)
}

/// One stay in a programme, with what the groupings read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stay {
    /// The programme.
    pub programme: Uuid,
    /// The application's office.
    pub office: Uuid,
    /// First day.
    pub starts: NaiveDate,
    /// Last day, when finished.
    pub ends: Option<NaiveDate>,
    /// The person's birth date.
    pub birth: Option<NaiveDate>,
    /// The person's sex (`F`, `M`, `X`).
    pub sex: Option<String>,
}

impl Stay {
    /// In the programme some day of the month?
    pub fn in_month(&self, month: NaiveDate) -> bool {
        self.starts <= last_day(month) && self.ends.is_none_or(|e| e >= month)
    }

    fn group(&self, by: By, month: NaiveDate, names: &HashMap<Uuid, String>) -> String {
        let name = |id: &Uuid| names.get(id).cloned().unwrap_or_else(|| id.to_string());
        match by {
            By::Programme => name(&self.programme),
            By::Office => name(&self.office),
            By::AgeBand => self
                .birth
                .and_then(|b| month.years_since(b))
                .map_or("—", age_band)
                .to_owned(),
            By::Sex => self.sex.clone().unwrap_or_else(|| "—".into()),
        }
    }
}

/// People in programmes each month, per group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct MonthlyRow {
    /// The programme's code, the office's code, the age band or the sex.
    pub group: String,
    /// One count per month of the report.
    pub counts: Vec<u64>,
}

/// Counts the stays of each group in each month; groups sorted, then the total.
pub fn monthly(
    stays: &[Stay],
    months: &[NaiveDate],
    by: By,
    names: &HashMap<Uuid, String>,
) -> (Vec<MonthlyRow>, Vec<u64>) {
    let mut groups: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    let mut total = vec![0u64; months.len()];
    for s in stays {
        for (i, m) in months.iter().enumerate() {
            if s.in_month(*m) {
                groups
                    .entry(s.group(by, *m, names))
                    .or_insert_with(|| vec![0; months.len()])[i] += 1;
                total[i] += 1;
            }
        }
    }
    (
        groups
            .into_iter()
            .map(|(group, counts)| MonthlyRow { group, counts })
            .collect(),
        total,
    )
}

/// Stays overlapping the months, of applications of offices in the reader's view scope.
pub async fn stays(
    conn: &impl ConnectionTrait,
    access: &Access,
    from: NaiveDate,
    to: NaiveDate,
    programme: Option<Uuid>,
) -> Result<Vec<Stay>, DbErr> {
    let mut q = application::Entity::find()
        .filter(
            access
                .scope(ScopeKind::View)
                .owns(application::Column::OfficeId),
        )
        .filter(application::Column::StartsOn.is_not_null())
        .filter(application::Column::StartsOn.lte(to))
        .filter(application::Column::State.is_in(["active", "suspended", "finished"]))
        .filter(
            sea_orm::Condition::any()
                .add(application::Column::FinishedOn.is_null())
                .add(application::Column::FinishedOn.gte(from)),
        );
    if let Some(p) = programme {
        q = q.filter(application::Column::ProgrammeId.eq(p));
    }
    let apps = q.all(conn).await?;
    let people: Vec<Uuid> = apps.iter().map(|a| a.person_id).collect();
    let facts = person_facts(conn, &people).await?;
    Ok(apps
        .into_iter()
        .filter_map(|a| {
            let (birth, sex) = facts.get(&a.person_id).cloned().unwrap_or((None, None));
            Some(Stay {
                programme: a.programme_id,
                office: a.office_id,
                starts: a.starts_on?,
                ends: a.finished_on,
                birth,
                sex,
            })
        })
        .collect())
}

/// Birth date and sex of these people.
async fn person_facts(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, (Option<NaiveDate>, Option<String>)>, DbErr> {
    let backend = conn.get_database_backend();
    let mut out = HashMap::with_capacity(ids.len());
    let mut ids = ids.to_vec();
    ids.sort();
    ids.dedup();
    for chunk in ids.chunks(sipe_platform::db::bulk::id_chunk(backend)) {
        let q = Query::select()
            .columns(["id", "birth_date", "sex"])
            .from("persons")
            .and_where(sipe_platform::db::bulk::id_in(backend, "id", chunk))
            .to_owned();
        for row in conn.query_all(&q).await? {
            let id: Uuid = row.try_get("", "id")?;
            let birth: Option<NaiveDate> = row.try_get("", "birth_date")?;
            let sex: Option<String> = row.try_get("", "sex")?;
            out.insert(id, (birth, sex));
        }
    }
    Ok(out)
}

/// Applications of one programme by state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct StateRow {
    /// The programme's code.
    pub programme: String,
    /// Applications in each state of `STATES`, in that order.
    pub counts: Vec<u64>,
}

/// Applications created in the period, of offices in the reader's view scope, by
/// programme and their state now.
pub async fn by_state(
    conn: &impl ConnectionTrait,
    access: &Access,
    from: NaiveDate,
    to: NaiveDate,
    names: &HashMap<Uuid, String>,
) -> Result<Vec<StateRow>, DbErr> {
    let start = from.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    let end = last_day(to)
        .succ_opt()
        .unwrap_or(to)
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default()
        .and_utc();
    let rows: Vec<(Uuid, String, i64)> = application::Entity::find()
        .select_only()
        .column(application::Column::ProgrammeId)
        .column(application::Column::State)
        .column_as(Expr::col(application::Column::Id).count(), "n")
        .filter(
            access
                .scope(ScopeKind::View)
                .owns(application::Column::OfficeId),
        )
        .filter(application::Column::CreatedAt.gte(start))
        .filter(application::Column::CreatedAt.lt(end))
        .group_by(application::Column::ProgrammeId)
        .group_by(application::Column::State)
        .into_tuple()
        .all(conn)
        .await?;
    let mut per: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for (programme, state, n) in rows {
        let Some(i) = STATES.iter().position(|s| *s == state) else {
            continue;
        };
        let name = names.get(&programme).cloned().unwrap_or_default();
        per.entry(name).or_insert_with(|| vec![0; STATES.len()])[i] +=
            u64::try_from(n).unwrap_or(0);
    }
    Ok(per
        .into_iter()
        .map(|(programme, counts)| StateRow { programme, counts })
        .collect())
}

/// What one programme's approved runs paid in a month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PaymentRow {
    /// The programme's code.
    pub programme: String,
    /// The month (`YYYY-MM`).
    pub month: String,
    /// Payments (lines with an amount).
    pub payments: u64,
    /// Pesos in cents of approved runs.
    pub approved_cents: i64,
    /// Of them, rejected by the bank.
    pub rejected_cents: i64,
}

/// Amounts of approved (or later) runs of the months, per programme and month, counting
/// the lines of people of offices in the reader's view scope.
pub async fn payments(
    conn: &impl ConnectionTrait,
    access: &Access,
    from: NaiveDate,
    to: NaiveDate,
    names: &HashMap<Uuid, String>,
) -> Result<Vec<PaymentRow>, DbErr> {
    let runs = payment_run::Entity::find()
        .filter(payment_run::Column::Month.gte(from.with_day(1).unwrap_or(from)))
        .filter(payment_run::Column::Month.lte(to))
        .filter(payment_run::Column::State.is_in(["approved", "exported", "reconciled"]))
        .all(conn)
        .await?;
    let mut out = Vec::new();
    for run in runs {
        let in_scope = Query::select()
            .column(application::Column::Id)
            .from(application::Entity)
            .cond_where(
                access
                    .scope(ScopeKind::View)
                    .owns(application::Column::OfficeId),
            )
            .to_owned();
        let lines = payment_line::Entity::find()
            .filter(payment_line::Column::RunId.eq(run.id))
            .filter(payment_line::Column::AmountCents.gt(0))
            .filter(Expr::col(payment_line::Column::ApplicationId).in_subquery(in_scope))
            .all(conn)
            .await?;
        if lines.is_empty() {
            continue;
        }
        out.push(PaymentRow {
            programme: names.get(&run.programme_id).cloned().unwrap_or_default(),
            month: run.month.format("%Y-%m").to_string(),
            payments: lines.len() as u64,
            approved_cents: lines.iter().map(|l| l.amount_cents).sum(),
            rejected_cents: lines
                .iter()
                .filter(|l| l.result.as_deref() == Some("rejected"))
                .map(|l| l.amount_cents)
                .sum(),
        });
    }
    out.sort_by(|a, b| (&a.month, &a.programme).cmp(&(&b.month, &b.programme)));
    Ok(out)
}

/// A programme's places: those holding one now (approved, active, suspended) in the
/// reader's view scope, against its total quota.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct QuotaRow {
    /// The programme's code.
    pub programme: String,
    /// Holding a place now.
    pub holding: u64,
    /// Its total quota, if any.
    pub quota: Option<i32>,
    /// Holding / quota.
    pub used: Option<f64>,
}

/// Places held now per programme of offices in the reader's view scope.
pub async fn holding(
    conn: &impl ConnectionTrait,
    access: &Access,
    programme: Option<Uuid>,
) -> Result<HashMap<(Uuid, Uuid), u64>, DbErr> {
    let mut q = application::Entity::find()
        .select_only()
        .column(application::Column::ProgrammeId)
        .column(application::Column::OfficeId)
        .column_as(Expr::col(application::Column::Id).count(), "n")
        .filter(
            access
                .scope(ScopeKind::View)
                .owns(application::Column::OfficeId),
        )
        .filter(application::Column::State.is_in(HOLDING))
        .group_by(application::Column::ProgrammeId)
        .group_by(application::Column::OfficeId);
    if let Some(p) = programme {
        q = q.filter(application::Column::ProgrammeId.eq(p));
    }
    let rows: Vec<(Uuid, Uuid, i64)> = q.into_tuple().all(conn).await?;
    Ok(rows
        .into_iter()
        .map(|(p, o, n)| ((p, o), u64::try_from(n).unwrap_or(0)))
        .collect())
}

/// Ratio, when the denominator is not zero.
pub fn ratio(num: u64, den: u64) -> Option<f64> {
    (den > 0).then(|| num as f64 / den as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_stay_counts_in_every_month_it_touches() {
        let p = Uuid::from_u128(1);
        let o = Uuid::from_u128(2);
        let stay = |starts: &str, ends: Option<&str>, birth: &str, sex: &str| Stay {
            programme: p,
            office: o,
            starts: day(starts),
            ends: ends.map(day),
            birth: Some(day(birth)),
            sex: Some(sex.into()),
        };
        let stays = [
            stay("2026-01-31", Some("2026-02-01"), "2008-02-15", "F"),
            stay("2026-02-15", None, "1990-01-01", "M"),
            stay("2026-04-01", None, "2001-05-05", "F"),
        ];
        let months = months(day("2026-01-10"), day("2026-04-02"));
        assert_eq!(months.len(), 4);
        let names = HashMap::from([(p, "PEJ".to_owned())]);
        let (rows, total) = monthly(&stays, &months, By::Programme, &names);
        assert_eq!(rows[0].group, "PEJ");
        assert_eq!(total, [1, 2, 1, 2]);
        // The first person turns 18 on 15 February: 0-17 in February, gone in March.
        let (bands, _) = monthly(&stays, &months, By::AgeBand, &names);
        let band = |b: &str| {
            bands
                .iter()
                .find(|r| r.group == b)
                .map(|r| r.counts.clone())
        };
        assert_eq!(band("0-17"), Some(vec![1, 1, 0, 0]));
        assert_eq!(band("35-44"), Some(vec![0, 1, 1, 1]));
        assert_eq!(band("18-24"), Some(vec![0, 0, 0, 1]));
        let (sexes, _) = monthly(&stays, &months, By::Sex, &names);
        assert_eq!(sexes.len(), 2);
        assert_eq!(age_band(17), "0-17");
        assert_eq!(age_band(55), "55+");
        assert_eq!(ratio(1, 0), None);
        assert_eq!(months.first(), Some(&day("2026-01-01")));
        assert_eq!(
            super::months(day("2020-01-01"), day("2030-01-01")).len(),
            MAX_MONTHS
        );
    }
}
