//! The check itself: every active and suspended beneficiary, in batches of a thousand
//! (each batch its own transaction, so a check stopped half-way is finished by the next
//! one), against their programme's criteria, the registry, intermediation's placements
//! and the programmes they hold.

use std::collections::{HashMap, HashSet};

use chrono::{NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::Serialize;
use serde_json::json;
use sipe_platform::access::Scope;
use sipe_platform::audit::{self, AuditCtx, Change};
use sipe_platform::db::{self, Db};
use sipe_platform::ids::PersonId;
use uuid::Uuid;

use super::{Beneficiary, Finding, findings};
use crate::applications::HOLDING;
use crate::applications::store::Application;
use crate::eligibility::{Criterion, Held};
use crate::entity::{application, compliance_review};

/// Kind of the background job (payload `{"today": "YYYY-MM-DD"}`, the deployment's day).
pub const SCAN_JOB: &str = "programmes.compliance_scan";

/// Beneficiaries read and checked per transaction.
const BATCH: u64 = 1_000;

/// What a check did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Beneficiaries checked.
    pub checked: u64,
    /// New proposals.
    pub proposed: u64,
    /// Open proposals found again (left as they were).
    pub kept: u64,
    /// Open proposals no longer found (lapsed).
    pub lapsed: u64,
}

/// A place a person holds: (programme, decided, application).
type Holding = (Uuid, Option<chrono::DateTime<Utc>>, Uuid);

/// What every batch needs of the programmes.
struct Programmes {
    criteria: HashMap<Uuid, Vec<Criterion>>,
    incompatible: HashMap<Uuid, Vec<Uuid>>,
    codes: HashMap<Uuid, String>,
}

async fn programmes(conn: &impl ConnectionTrait) -> Result<Programmes, DbErr> {
    let mut p = Programmes {
        criteria: HashMap::new(),
        incompatible: HashMap::new(),
        codes: HashMap::new(),
    };
    for programme in crate::programmes::all(conn).await? {
        p.criteria.insert(
            programme.id,
            crate::eligibility::store::of(conn, programme.id).await?,
        );
        p.incompatible.insert(
            programme.id,
            crate::rules::incompatible_with(conn, programme.id).await?,
        );
        p.codes.insert(programme.id, programme.code);
    }
    Ok(p)
}

/// Checks every beneficiary on `today` and updates the queue; audited once.
pub async fn scan(db: &Db, today: NaiveDate) -> Result<Summary, DbErr> {
    let programmes = programmes(db).await?;
    let mut summary = Summary::default();
    let mut after: Option<Uuid> = None;
    loop {
        // Read inside the batch's transaction, the rows locked (PostgreSQL; SQLite's
        // write transaction excludes the rest): a step taken meanwhile waits, and the
        // batch never proposes on an application that just finished.
        let tx = db::begin_write(db).await?;
        let mut q = application::Entity::find()
            .filter(application::Column::State.is_in(["active", "suspended"]))
            .order_by_asc(application::Column::Id)
            .limit(BATCH)
            .lock_exclusive();
        if let Some(last) = after {
            q = q.filter(application::Column::Id.gt(last));
        }
        let apps = q.all(&tx).await?;
        let Some(last) = apps.last() else {
            break;
        };
        after = Some(last.id);
        batch(&tx, &programmes, &apps, today, &mut summary).await?;
        tx.commit().await?;
    }
    // Proposals about applications no longer active nor suspended (finished from their
    // own page meanwhile) no longer hold.
    let tx = db::begin_write(db).await?;
    summary.lapsed += lapsing()
        .filter(
            compliance_review::Column::ApplicationId.in_subquery(
                Query::select()
                    .column(application::Column::Id)
                    .from(application::Entity)
                    .and_where(application::Column::State.is_not_in(["active", "suspended"]))
                    .take(),
            ),
        )
        .exec(&tx)
        .await?
        .rows_affected;
    tx.commit().await?;
    let tx = db::begin_write(db).await?;
    audit::record(
        &tx,
        &AuditCtx::system(),
        Change::new("programmes.compliance.scan", "job", SCAN_JOB)
            .after(json!({"today": today, "summary": summary})),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(
        checked = summary.checked,
        proposed = summary.proposed,
        lapsed = summary.lapsed,
        "compliance check finished"
    );
    Ok(summary)
}

async fn batch(
    tx: &impl ConnectionTrait,
    programmes: &Programmes,
    apps: &[Application],
    today: NaiveDate,
    summary: &mut Summary,
) -> Result<(), DbErr> {
    let people: Vec<Uuid> = apps.iter().map(|a| a.person_id).collect();
    let ids: Vec<Uuid> = apps.iter().map(|a| a.id).collect();
    let facts: HashMap<Uuid, sipe_persons::eligibility::Facts> =
        sipe_persons::eligibility::facts_of(
            tx,
            &Scope::National,
            &people.iter().map(|p| PersonId(*p)).collect::<Vec<_>>(),
        )
        .await?
        .into_iter()
        .map(|f| (f.id.uuid(), f))
        .collect();
    let hires = sipe_intermediation::referrals::placement_starts(tx, &people).await?;
    // National lists and other stays, only for programmes whose criteria read them.
    let mut held: HashMap<(Uuid, Uuid), Held> = HashMap::new();
    let mut by_programme: HashMap<Uuid, Vec<&Application>> = HashMap::new();
    for a in apps {
        by_programme.entry(a.programme_id).or_default().push(a);
    }
    for (programme, its) in by_programme {
        if !programmes
            .criteria
            .get(&programme)
            .is_some_and(|c| Held::needed(c))
        {
            continue;
        }
        let who: Vec<(Uuid, Option<String>)> = its
            .iter()
            .map(|a| {
                let cuil = facts.get(&a.person_id).and_then(|f| f.cuil.clone());
                (a.person_id, cuil)
            })
            .collect();
        let except: Vec<Uuid> = its.iter().map(|a| a.id).collect();
        for (person, h) in crate::eligibility::held::of(tx, programme, &except, &who).await? {
            held.insert((programme, person), h);
        }
    }
    let nothing = Held::default();
    // What each person holds: (programme, decided, application), to find the one of an
    // incompatible pair approved later.
    let mut holds: HashMap<Uuid, Vec<Holding>> = HashMap::new();
    for h in application::Entity::find()
        .filter(application::Column::PersonId.is_in(people.iter().copied()))
        .filter(application::Column::State.is_in(HOLDING))
        .all(tx)
        .await?
    {
        holds
            .entry(h.person_id)
            .or_default()
            .push((h.programme_id, h.decided_at, h.id));
    }
    let reviews = compliance_review::Entity::find()
        .filter(compliance_review::Column::ApplicationId.is_in(ids.iter().copied()))
        .filter(compliance_review::Column::State.is_in(["open", "dismissed"]))
        .all(tx)
        .await?;
    let dismissed: HashSet<(Uuid, String, i32)> = reviews
        .iter()
        .filter(|r| r.state == "dismissed")
        .map(|r| (r.application_id, r.reason.clone(), r.application_version))
        .collect();
    let mut open: HashMap<Uuid, compliance_review::Model> = reviews
        .into_iter()
        .filter(|r| r.state == "open")
        .map(|r| (r.application_id, r))
        .collect();
    let none = Vec::new();
    for a in apps {
        summary.checked += 1;
        let others = programmes
            .incompatible
            .get(&a.programme_id)
            .unwrap_or(&none);
        let incompatible = holds.get(&a.person_id).and_then(|held| {
            held.iter()
                .filter(|(p, decided, id)| {
                    *id != a.id && others.contains(p) && (*decided, *id) < (a.decided_at, a.id)
                })
                .find_map(|(p, _, _)| programmes.codes.get(p))
        });
        // The strongest finding an operator has not dismissed for this application as
        // it is (a dismissed one does not hide the others).
        let found = findings(
            &Beneficiary {
                state: &a.state,
                starts_on: a.starts_on,
                facts: facts.get(&a.person_id),
                hires: hires.get(&a.person_id).map_or(&[], Vec::as_slice),
                incompatible: incompatible.map(String::as_str),
                held: held.get(&(a.programme_id, a.person_id)).unwrap_or(&nothing),
            },
            programmes
                .criteria
                .get(&a.programme_id)
                .unwrap_or(&Vec::new()),
            today,
        )
        .into_iter()
        .find(|f| !dismissed.contains(&(a.id, f.reason.to_owned(), a.version)));
        let current = open.remove(&a.id);
        match (current, found) {
            (Some(r), Some(f)) if r.reason == f.reason => {
                // Found again: what it says and the application's version kept current.
                refresh(tx, &r, a, &f).await?;
                summary.kept += 1;
            }
            (current, found) => {
                if let Some(r) = current {
                    if !lapse(tx, &r).await? {
                        // Decided meanwhile: leave the application to the next check.
                        continue;
                    }
                    summary.lapsed += 1;
                }
                if let Some(f) = found {
                    propose(tx, a, f).await?;
                    summary.proposed += 1;
                }
            }
        }
    }
    Ok(())
}

/// Lapses an open proposal; false when it was decided meanwhile.
async fn lapse(conn: &impl ConnectionTrait, r: &compliance_review::Model) -> Result<bool, DbErr> {
    let done = lapsing()
        .filter(compliance_review::Column::Id.eq(r.id))
        .filter(compliance_review::Column::Version.eq(r.version))
        .exec(conn)
        .await?;
    Ok(done.rows_affected == 1)
}

/// An update lapsing open proposals (the caller says which).
fn lapsing() -> sea_orm::UpdateMany<compliance_review::Entity> {
    compliance_review::Entity::update_many()
        .col_expr(compliance_review::Column::State, Expr::value("lapsed"))
        .col_expr(
            compliance_review::Column::DecidedAt,
            Expr::value(Utc::now()),
        )
        .col_expr(
            compliance_review::Column::Version,
            Expr::col(compliance_review::Column::Version).add(1),
        )
        .filter(compliance_review::Column::State.eq("open"))
}

/// Lapses the open proposal about an application that left the active and suspended
/// states (in the step's transaction).
pub(crate) async fn lapse_open_of(
    conn: &impl ConnectionTrait,
    application: Uuid,
) -> Result<(), DbErr> {
    lapsing()
        .filter(compliance_review::Column::ApplicationId.eq(application))
        .exec(conn)
        .await?;
    Ok(())
}

/// Brings an open proposal found again up to date (its detail, its day, the
/// application's version), without touching its own version: a page showing it can
/// still decide it.
async fn refresh(
    conn: &impl ConnectionTrait,
    r: &compliance_review::Model,
    a: &Application,
    f: &Finding,
) -> Result<(), DbErr> {
    if r.detail == f.detail && r.since == f.since && r.application_version == a.version {
        return Ok(());
    }
    compliance_review::Entity::update_many()
        .col_expr(
            compliance_review::Column::Detail,
            Expr::value(f.detail.clone()),
        )
        .col_expr(compliance_review::Column::Since, Expr::value(f.since))
        .col_expr(
            compliance_review::Column::ApplicationVersion,
            Expr::value(a.version),
        )
        .filter(compliance_review::Column::Id.eq(r.id))
        .filter(compliance_review::Column::State.eq("open"))
        .exec(conn)
        .await?;
    Ok(())
}

/// Checks one application again inside the caller's transaction (a confirmation of a
/// proposal made before the application changed): its open proposal is refreshed,
/// lapsed or replaced as the nightly check would.
pub(crate) async fn recheck(
    conn: &impl ConnectionTrait,
    a: &Application,
    today: NaiveDate,
) -> Result<(), DbErr> {
    let programmes = programmes(conn).await?;
    let mut summary = Summary::default();
    batch(
        conn,
        &programmes,
        std::slice::from_ref(a),
        today,
        &mut summary,
    )
    .await
}

async fn propose(conn: &impl ConnectionTrait, a: &Application, f: Finding) -> Result<(), DbErr> {
    compliance_review::ActiveModel {
        id: Set(Uuid::now_v7()),
        application_id: Set(a.id),
        programme_id: Set(a.programme_id),
        person_id: Set(a.person_id),
        office_id: Set(a.office_id),
        proposal: Set(f.proposal.to_owned()),
        reason: Set(f.reason.to_owned()),
        detail: Set(f.detail),
        since: Set(f.since),
        application_version: Set(a.version),
        found_at: Set(Utc::now()),
        state: Set("open".into()),
        decided_by: Set(None),
        decided_by_name: Set(None),
        decided_at: Set(None),
        note: Set(None),
        version: Set(1),
    }
    .insert(conn)
    .await?;
    Ok(())
}

/// Queues a check on `today` (one at a time: false while one is queued or running);
/// audited as asked by `ctx`.
pub async fn queue(db: &Db, ctx: &AuditCtx, today: NaiveDate) -> Result<bool, DbErr> {
    let tx = db::begin_write(db).await?;
    let queued =
        sipe_platform::jobs::store::enqueue_exclusive(&tx, SCAN_JOB, &json!({"today": today}))
            .await?;
    if queued {
        audit::record(
            &tx,
            ctx,
            Change::new("programmes.compliance.queue", "job", SCAN_JOB),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(queued)
}

/// Runs a queued check (the job's handler) on the payload's day (the deployment's).
pub async fn run_job(db: &Db, payload: &serde_json::Value) -> anyhow::Result<()> {
    let today = payload
        .get("today")
        .and_then(|d| d.as_str())
        .and_then(|d| d.parse::<NaiveDate>().ok())
        .ok_or_else(|| anyhow::anyhow!("compliance check without its day: {payload}"))?;
    scan(db, today).await?;
    Ok(())
}

/// The job key of tonight's check, if `now` (UTC) is in the night window, 03:00–07:00
/// UTC (00:00–04:00 in Argentina): once per night whatever the number of nodes.
pub fn nightly_key(now: chrono::DateTime<Utc>) -> Option<String> {
    (3..7)
        .contains(&chrono::Timelike::hour(&now))
        .then(|| format!("{SCAN_JOB}:nightly:{}", now.format("%Y%m%d")))
}

/// Enqueues tonight's check (on nodes that run jobs), with the deployment's day.
pub async fn schedule(
    state: sipe_platform::web::AppState,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
) {
    if !state.config.worker_enabled {
        return;
    }
    loop {
        let now = Utc::now();
        if let Some(key) = nightly_key(now)
            && !sipe_platform::jobs::store::is_active(&state.db, SCAN_JOB)
                .await
                .unwrap_or(true)
            && let Err(e) = sipe_platform::jobs::store::enqueue(
                &state.db,
                SCAN_JOB,
                &json!({"today": now.with_timezone(&state.tz).date_naive()}),
                Some(key),
            )
            .await
        {
            tracing::warn!(error = %e, "scheduling the compliance check");
        }
        tokio::select! {
            _ = tokio::time::sleep(std::time::Duration::from_secs(300)) => {}
            _ = shutdown.changed() => break,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_check_is_scheduled_once_a_night() {
        let at = |h: u32| {
            NaiveDate::from_ymd_opt(2026, 11, 30)
                .and_then(|d| d.and_hms_opt(h, 10, 0))
                .map(|t| t.and_utc())
                .expect("a time")
        };
        assert_eq!(nightly_key(at(2)), None);
        assert_eq!(
            nightly_key(at(3)).as_deref(),
            Some("programmes.compliance_scan:nightly:20261130")
        );
        assert_eq!(nightly_key(at(6)), nightly_key(at(3)));
        assert_eq!(nightly_key(at(7)), None);
        assert_eq!(nightly_key(at(15)), None);
    }
}
