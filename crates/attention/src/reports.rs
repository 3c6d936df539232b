//! Reports of attention over a period, within the reader's view scope (and one office
//! when asked): consultations by channel (with their SLA compliance), by topic and by
//! hour of the day; the counter queue by service (issued, attended, absent, cancelled,
//! average wait and service, service level) and by hour.
//!
//! Rows are read with only the columns counted and at most `ROWS_MAX` of each kind; a
//! period beyond that says so (`capped`) rather than running for minutes.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, TimeDelta, Timelike, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use crate::entity::{interaction, service, ticket};
use crate::tickets::TicketStatus;
use sipe_platform::access::Access;

/// Most rows of each kind a report reads.
pub const ROWS_MAX: u64 = 200_000;
/// The wait within which a ticket counts as served in time (service level).
pub const SERVICE_LEVEL_MINUTES: i64 = 15;

/// What a report covers.
#[derive(Debug, Clone)]
pub struct Period {
    /// First local day.
    pub from: NaiveDate,
    /// Last local day (included).
    pub to: NaiveDate,
    /// One office, or all of the view scope.
    pub office_id: Option<Uuid>,
}

/// On time, late and still open of an SLA target.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Compliance {
    /// Met.
    pub on_time: u64,
    /// Missed (done late, or not done and past due).
    pub late: u64,
}

impl Compliance {
    fn count(
        &mut self,
        due: Option<DateTime<Utc>>,
        done: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) {
        let Some(due) = due else { return };
        match done {
            Some(d) if d <= due => self.on_time += 1,
            Some(_) => self.late += 1,
            None if due < now => self.late += 1,
            None => {}
        }
    }

    /// Met, in percent of those decided; `None` when none is.
    pub fn percent(&self) -> Option<u64> {
        let all = self.on_time + self.late;
        (all > 0).then(|| (self.on_time * 100 + all / 2) / all)
    }
}

/// Consultations of one channel (or one topic).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConsultationRow {
    /// Channel or topic code.
    pub key: String,
    /// Recorded.
    pub total: u64,
    /// Resolved.
    pub resolved: u64,
    /// First answer on time.
    pub first: Compliance,
    /// Resolution on time.
    pub resolution: Compliance,
}

/// The queue of one service.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceRow {
    /// The service.
    pub service_id: Uuid,
    /// Its prefix and name.
    pub name: String,
    /// Tickets issued.
    pub issued: u64,
    /// Attended to the end.
    pub attended: u64,
    /// Called and absent.
    pub absent: u64,
    /// Cancelled (at reception, or left waiting when the day closed).
    pub cancelled: u64,
    /// Minutes from queueing to the call, summed over the called, and how many.
    wait_sum: i64,
    called: u64,
    /// Called within `SERVICE_LEVEL_MINUTES`.
    within: u64,
    /// Minutes at the counter, summed over the attended with both times.
    service_sum: i64,
    served: u64,
}

impl ServiceRow {
    /// Average wait to the call, minutes.
    pub fn average_wait(&self) -> Option<i64> {
        (self.called > 0).then(|| self.wait_sum / self.called as i64)
    }

    /// Average time at the counter, minutes.
    pub fn average_service(&self) -> Option<i64> {
        (self.served > 0).then(|| self.service_sum / self.served as i64)
    }

    /// Called within the service level's minutes, in percent of the called.
    pub fn service_level(&self) -> Option<u64> {
        (self.called > 0).then(|| (self.within * 100 + self.called / 2) / self.called)
    }
}

/// A whole report.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// By channel.
    pub channels: Vec<ConsultationRow>,
    /// By topic (`""`: none yet).
    pub topics: Vec<ConsultationRow>,
    /// Consultations and tickets by local hour of the day, 0 to 23.
    pub hours: Vec<(u32, u64, u64)>,
    /// The queue by service.
    pub services: Vec<ServiceRow>,
    /// All consultations counted.
    pub consultations: u64,
    /// All tickets counted.
    pub tickets: u64,
    /// More rows than `ROWS_MAX`: the report counts the first ones.
    pub capped: bool,
}

/// The instants of a period's local days.
fn bounds(p: &Period, tz: chrono_tz::Tz) -> (DateTime<Utc>, DateTime<Utc>) {
    use chrono::TimeZone;
    let at = |d: NaiveDate| {
        tz.from_local_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default())
            .earliest()
            .map_or_else(Utc::now, |t| t.with_timezone(&Utc))
    };
    (at(p.from), at(p.to + TimeDelta::days(1)))
}

/// The report of a period, as the reader may see it.
pub async fn build(
    conn: &impl ConnectionTrait,
    access: &Access,
    tz: chrono_tz::Tz,
    p: &Period,
) -> Result<Report, DbErr> {
    let (from, to) = bounds(p, tz);
    let now = Utc::now();
    let mut q = interaction::Entity::find()
        .filter(access.view.owns(interaction::Column::OfficeId))
        .filter(interaction::Column::CreatedAt.gte(from))
        .filter(interaction::Column::CreatedAt.lt(to));
    if let Some(o) = p.office_id {
        q = q.filter(interaction::Column::OfficeId.eq(o));
    }
    type IRow = (
        String,
        String,
        Option<String>,
        DateTime<Utc>,
        Option<DateTime<Utc>>,
        Option<DateTime<Utc>>,
        Option<DateTime<Utc>>,
        Option<DateTime<Utc>>,
    );
    let rows: Vec<IRow> = q
        .select_only()
        .columns([
            interaction::Column::Channel,
            interaction::Column::Status,
            interaction::Column::TopicCode,
            interaction::Column::CreatedAt,
            interaction::Column::FirstResponseDue,
            interaction::Column::FirstResponseAt,
            interaction::Column::ResolutionDue,
            interaction::Column::ResolvedAt,
        ])
        .limit(ROWS_MAX + 1)
        .into_tuple()
        .all(conn)
        .await?;
    let mut report = Report {
        capped: rows.len() as u64 > ROWS_MAX,
        ..Default::default()
    };
    let mut channels: BTreeMap<String, ConsultationRow> = BTreeMap::new();
    let mut topics: BTreeMap<String, ConsultationRow> = BTreeMap::new();
    let mut hours = [(0u64, 0u64); 24];
    for (channel, status, topic, created, first_due, first_at, resolution_due, resolved_at) in
        rows.into_iter().take(ROWS_MAX as usize)
    {
        report.consultations += 1;
        let resolved = status == crate::interactions::InteractionStatus::Resolved.as_str();
        for (map, key) in [
            (&mut channels, channel),
            (&mut topics, topic.unwrap_or_default()),
        ] {
            let row = map.entry(key.clone()).or_insert_with(|| ConsultationRow {
                key,
                ..Default::default()
            });
            row.total += 1;
            row.resolved += u64::from(resolved);
            row.first.count(first_due, first_at, now);
            row.resolution.count(resolution_due, resolved_at, now);
        }
        hours[created.with_timezone(&tz).hour() as usize].0 += 1;
    }
    let mut t = ticket::Entity::find()
        .filter(access.view.owns(ticket::Column::OfficeId))
        .filter(ticket::Column::Day.gte(p.from))
        .filter(ticket::Column::Day.lte(p.to));
    if let Some(o) = p.office_id {
        t = t.filter(ticket::Column::OfficeId.eq(o));
    }
    type TRow = (
        Uuid,
        String,
        DateTime<Utc>,
        Option<DateTime<Utc>>,
        Option<DateTime<Utc>>,
        Option<DateTime<Utc>>,
    );
    let tickets: Vec<TRow> = t
        .select_only()
        .columns([
            ticket::Column::ServiceId,
            ticket::Column::Status,
            ticket::Column::QueuedAt,
            ticket::Column::CalledAt,
            ticket::Column::StartedAt,
            ticket::Column::FinishedAt,
        ])
        .limit(ROWS_MAX + 1)
        .into_tuple()
        .all(conn)
        .await?;
    report.capped |= tickets.len() as u64 > ROWS_MAX;
    let mut services: BTreeMap<Uuid, ServiceRow> = BTreeMap::new();
    for (service_id, status, queued, called, started, finished) in
        tickets.into_iter().take(ROWS_MAX as usize)
    {
        report.tickets += 1;
        let row = services.entry(service_id).or_insert_with(|| ServiceRow {
            service_id,
            ..Default::default()
        });
        row.issued += 1;
        match TicketStatus::parse(&status) {
            Some(TicketStatus::Finished) => row.attended += 1,
            Some(TicketStatus::NoShow) => row.absent += 1,
            Some(TicketStatus::Cancelled) => row.cancelled += 1,
            _ => {}
        }
        if let Some(c) = called {
            let wait = (c - queued).num_minutes().max(0);
            row.wait_sum += wait;
            row.called += 1;
            row.within += u64::from(wait <= SERVICE_LEVEL_MINUTES);
        }
        if let (Some(s), Some(f)) = (started, finished) {
            row.service_sum += (f - s).num_minutes().max(0);
            row.served += 1;
        }
        hours[queued.with_timezone(&tz).hour() as usize].1 += 1;
    }
    let names: Vec<service::Model> = service::Entity::find()
        .filter(service::Column::Id.is_in(services.keys().copied().collect::<Vec<_>>()))
        .all(conn)
        .await?;
    report.services = services
        .into_values()
        .map(|mut r| {
            r.name = names
                .iter()
                .find(|s| s.id == r.service_id)
                .map(|s| format!("{} · {}", s.prefix, s.name))
                .unwrap_or_default();
            r
        })
        .collect();
    report.services.sort_by(|a, b| a.name.cmp(&b.name));
    report.channels = channels.into_values().collect();
    report.topics = topics.into_values().collect();
    report.hours = hours
        .iter()
        .enumerate()
        .filter(|(_, (c, t))| c + t > 0)
        .map(|(h, (c, t))| (h as u32, *c, *t))
        .collect();
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compliance_counts_what_is_decided_only() {
        let now = Utc::now();
        let due = now - TimeDelta::hours(1);
        let mut c = Compliance::default();
        c.count(Some(due), Some(due - TimeDelta::minutes(5)), now); // on time
        c.count(Some(due), Some(due + TimeDelta::minutes(5)), now); // late
        c.count(Some(due), None, now); // not done, past due: late
        c.count(Some(now + TimeDelta::hours(1)), None, now); // not due yet: undecided
        c.count(None, None, now); // no target
        assert_eq!(
            c,
            Compliance {
                on_time: 1,
                late: 2
            }
        );
        assert_eq!(c.percent(), Some(33));
        assert_eq!(Compliance::default().percent(), None);
    }

    #[test]
    fn a_service_row_averages_the_called_and_the_served() {
        let r = ServiceRow {
            wait_sum: 50,
            called: 4,
            within: 3,
            service_sum: 30,
            served: 3,
            ..Default::default()
        };
        assert_eq!(r.average_wait(), Some(12));
        assert_eq!(r.service_level(), Some(75));
        assert_eq!(r.average_service(), Some(10));
        assert_eq!(ServiceRow::default().average_wait(), None);
    }
}
