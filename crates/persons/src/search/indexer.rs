//! Keeps this node's search index in step with the database.
//!
//! Every node follows the persons table itself: it reads the rows changed since the
//! newest change it has indexed (the watermark stored in the index's last commit) and
//! upserts them. The node that made a change also indexes it at once, so its user finds
//! the person immediately; other nodes catch up within a second. `reindex` rebuilds from
//! scratch and `check` reports any difference between the index and the database.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::entity::person;
use crate::profile::ItemParts;
use crate::search::{ExtraValues, IndexBatch, PersonDoc, PersonIndex};
use sipe_platform::db::Db;
use sipe_platform::ids::PersonId;

/// Rows read and committed to the index per batch (a tantivy commit flushes segments:
/// fewer, larger batches index a bulk import several times faster).
const BATCH: u64 = 20_000;
/// Changes are re-read this far behind the watermark, in case a node's clock lags.
const OVERLAP_SECONDS: i64 = 5;

/// The columns of `persons` the index needs (reading a million whole rows costs twice as
/// much). Index extensions read them too.
#[derive(Debug, Clone, sea_orm::DerivePartialModel)]
#[sea_orm(entity = "person::Entity")]
pub struct IndexRow {
    /// Person id.
    pub id: Uuid,
    /// Owning office.
    pub office_id: Uuid,
    /// Surnames.
    pub surnames: String,
    /// Names.
    pub names: String,
    /// Self-perceived name.
    pub chosen_name: Option<String>,
    /// Registered sex.
    pub sex: String,
    /// Set once merged into another record.
    pub merged_into: Option<Uuid>,
    /// Birth date.
    pub birth_date: chrono::NaiveDate,
    /// Department territory code.
    pub department_code: Option<String>,
    /// ISCED level.
    pub education_level: Option<String>,
    /// Employment status.
    pub employment_status: Option<String>,
    /// Has a disability.
    pub has_disability: bool,
    /// Available working time.
    pub availability_hours: Option<String>,
    /// Unemployed since (matching's tie-break: longer first).
    pub unemployed_since: Option<chrono::NaiveDate>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// The index entry of a person: their record, the occupations of their profile items and
/// what the extensions add.
pub fn to_doc(p: &IndexRow, items: &[ItemParts], extra: ExtraValues) -> PersonDoc {
    let mut occupations: Vec<String> = Vec::new();
    for i in items
        .iter()
        .filter(|i| i.kind == "work" || i.kind == "desired")
    {
        let group = sipe_platform::taxonomy::unit_group(&i.code).to_owned();
        if !occupations.contains(&group) {
            occupations.push(group);
        }
    }
    PersonDoc {
        id: p.id,
        office_id: p.office_id,
        name: format!(
            "{} {} {}",
            p.surnames,
            p.names,
            p.chosen_name.as_deref().unwrap_or("")
        ),
        sex: p.sex.clone(),
        active: p.merged_into.is_none(),
        birth_days: i64::from(chrono::Datelike::num_days_from_ce(&p.birth_date)),
        department: p.department_code.clone(),
        education: p.education_level.clone(),
        employment: p.employment_status.clone(),
        disability: p.has_disability,
        occupations,
        extra,
    }
}

fn stamp(t: &DateTime<Utc>) -> String {
    // Full precision: a truncated time would re-read the last row on every pass.
    t.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true)
}

/// The index entries of these rows, with their profiles and what the extensions add.
async fn docs_of(
    db: &Db,
    index: &PersonIndex,
    rows: &[IndexRow],
) -> anyhow::Result<Vec<PersonDoc>> {
    let ids: Vec<PersonId> = rows.iter().map(|r| PersonId(r.id)).collect();
    let items = crate::profile::item_parts_of(db, &ids).await?;
    let batch = IndexBatch {
        rows,
        items: &items,
        today: Utc::now().date_naive(),
    };
    let mut extra: HashMap<Uuid, ExtraValues> = HashMap::new();
    for e in index.extensions() {
        for (id, values) in e.values(db, &batch).await? {
            extra.entry(id).or_default().extend(values);
        }
    }
    Ok(rows
        .iter()
        .map(|r| {
            let own = items
                .get(&PersonId(r.id))
                .map(Vec::as_slice)
                .unwrap_or_default();
            to_doc(r, own, extra.remove(&r.id).unwrap_or_default())
        })
        .collect())
}

async fn upsert(
    db: &Db,
    index: &Arc<PersonIndex>,
    rows: &[IndexRow],
    watermark: Option<String>,
) -> anyhow::Result<()> {
    let mut commits = Commits::default();
    commits.push(db, index, rows, watermark).await?;
    commits.wait().await
}

/// Index commits of a pass over many batches: each runs on a blocking thread (it writes
/// files) while the next batch is read from the database, one at a time and in order
/// (each commit records the watermark of its batch).
#[derive(Default)]
struct Commits(Option<tokio::task::JoinHandle<Result<(), crate::search::SearchError>>>);

impl Commits {
    /// Queues these rows once the previous batch is committed.
    async fn push(
        &mut self,
        db: &Db,
        index: &Arc<PersonIndex>,
        rows: &[IndexRow],
        watermark: Option<String>,
    ) -> anyhow::Result<()> {
        let docs = docs_of(db, index, rows).await?;
        self.wait().await?;
        let index = index.clone();
        self.0 = Some(tokio::task::spawn_blocking(move || {
            index.upsert(&docs, watermark.as_deref())
        }));
        Ok(())
    }

    /// Waits for the batch being committed, if any.
    async fn wait(&mut self) -> anyhow::Result<()> {
        if let Some(pending) = self.0.take() {
            pending.await??;
        }
        Ok(())
    }
}

/// Indexes one person now (after the change that touched them committed). The
/// watermark is kept: the follower still owns the position in the change stream.
pub async fn refresh(db: &Db, index: &Arc<PersonIndex>, id: Uuid) -> anyhow::Result<()> {
    if let Some(p) = person::Entity::find_by_id(id)
        .into_partial_model::<IndexRow>()
        .one(db)
        .await?
    {
        upsert(db, index, &[p], index.watermark()).await?;
    }
    Ok(())
}

/// The position of the last indexed change, `(updated_at, id)`, in the database the
/// index follows: stored in the index's last commit as `database-id|time|id`, so a node
/// can tell an index of another database (or of this one before a restore).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Watermark {
    database: String,
    at: DateTime<Utc>,
    id: Uuid,
}

fn parse_watermark(w: &str) -> Option<Watermark> {
    let mut parts = w.splitn(3, '|');
    let (database, at, id) = (parts.next()?, parts.next()?, parts.next()?);
    Some(Watermark {
        database: database.to_owned(),
        at: DateTime::parse_from_rfc3339(at).ok()?.with_timezone(&Utc),
        id: Uuid::parse_str(id).ok()?,
    })
}

fn watermark(database: &str, at: &DateTime<Utc>, id: Uuid) -> String {
    format!("{database}|{}|{id}", stamp(at))
}

/// The index's position, if it follows `database` (an index of another database, or of
/// an older format, has none: it is rebuilt).
fn position_in(index: &PersonIndex, database: &str) -> Option<(DateTime<Utc>, Uuid)> {
    index
        .watermark()
        .as_deref()
        .and_then(parse_watermark)
        .filter(|w| w.database == database)
        .map(|w| (w.at, w.id))
}

/// Indexes every row changed after the watermark; returns how many.
///
/// With `overlap`, the last few seconds before the watermark are read again: a row
/// written by a node whose clock lags carries an older time than rows already indexed.
/// The follower does this once a minute, not every second, so a bulk import's last
/// seconds are not re-indexed over and over.
pub async fn sync(db: &Db, index: &Arc<PersonIndex>, overlap: bool) -> anyhow::Result<usize> {
    let database = sipe_platform::db::settings::database_id(db).await?;
    let mut position = position_in(index, &database).map(|(at, id)| {
        if overlap {
            (at - Duration::seconds(OVERLAP_SECONDS), Uuid::nil())
        } else {
            (at, id)
        }
    });
    let mut total = 0;
    let mut bulk: Option<BulkLoad> = None;
    let mut commits = Commits::default();
    loop {
        let mut q = person::Entity::find();
        if let Some((at, id)) = position {
            // Keyset over (updated_at, id): strictly after the position.
            q = q.filter(person::Column::UpdatedAt.gte(at)).filter(
                sea_orm::Condition::any()
                    .add(person::Column::UpdatedAt.gt(at))
                    .add(person::Column::Id.gt(id)),
            );
        }
        let rows = q
            .order_by_asc(person::Column::UpdatedAt)
            .order_by_asc(person::Column::Id)
            .limit(BATCH)
            .into_partial_model::<IndexRow>()
            .all(db)
            .await?;
        let Some(last) = rows.last() else { break };
        let (last_at, last_id) = (last.updated_at, last.id);
        // Never move the watermark back (an overlap pass re-reads older rows).
        let current = position_in(index, &database);
        let mark = match current {
            Some(c) if c >= (last_at, last_id) => watermark(&database, &c.0, c.1),
            _ => watermark(&database, &last_at, last_id),
        };
        if total == 0 && rows.len() as u64 == BATCH {
            // A bulk load follows: merge once at the end, not as it goes.
            bulk = Some(BulkLoad::start(index)?);
        }
        commits.push(db, index, &rows, Some(mark)).await?;
        total += rows.len();
        if (rows.len() as u64) < BATCH {
            break;
        }
        position = Some((last_at, last_id));
    }
    commits.wait().await?;
    if bulk.is_some() {
        compact(index).await?;
    }
    Ok(total)
}

async fn compact(index: &Arc<PersonIndex>) -> anyhow::Result<()> {
    let index = index.clone();
    tokio::task::spawn_blocking(move || index.compact()).await??;
    Ok(())
}

/// Background merges are off while this lives (however the load ends, even by an error).
struct BulkLoad(Arc<PersonIndex>);

impl BulkLoad {
    fn start(index: &Arc<PersonIndex>) -> anyhow::Result<Self> {
        index.set_bulk(true)?;
        Ok(Self(index.clone()))
    }
}

impl Drop for BulkLoad {
    fn drop(&mut self) {
        if let Err(e) = self.0.set_bulk(false) {
            tracing::warn!(error = %e, "could not restore the index merge policy");
        }
    }
}

/// Rebuilds the index from the database; returns how many people were indexed.
pub async fn reindex(db: &Db, index: &Arc<PersonIndex>) -> anyhow::Result<usize> {
    let database = sipe_platform::db::settings::database_id(db).await?;
    let cleared = index.clone();
    tokio::task::spawn_blocking(move || cleared.clear()).await??;
    let _bulk = BulkLoad::start(index)?;
    let mut commits = Commits::default();
    let mut after: Option<Uuid> = None;
    let mut total = 0;
    let mut newest: Option<DateTime<Utc>> = None;
    loop {
        let mut q = person::Entity::find();
        if let Some(a) = after {
            q = q.filter(person::Column::Id.gt(a));
        }
        let rows = q
            .order_by_asc(person::Column::Id)
            .limit(BATCH)
            .into_partial_model::<IndexRow>()
            .all(db)
            .await?;
        let Some(last) = rows.last() else { break };
        after = Some(last.id);
        newest = rows.iter().map(|r| r.updated_at).chain(newest).max();
        let mark = newest
            .as_ref()
            .map(|at| watermark(&database, at, Uuid::max()));
        commits.push(db, index, &rows, mark).await?;
        total += rows.len();
    }
    commits.wait().await?;
    if total == 0 {
        // An empty database: the index still records which one it follows.
        let index = index.clone();
        let mark = watermark(&database, &DateTime::<Utc>::MIN_UTC, Uuid::nil());
        tokio::task::spawn_blocking(move || index.upsert(&[], Some(&mark))).await??;
    }
    compact(index).await?;
    Ok(total)
}

/// Why a node rebuilt its index at start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rebuilt {
    /// The index follows another database (or none, or an older format).
    Foreign,
    /// The index has seen changes the database does not have (a restored backup).
    Ahead,
    /// After catching up, the index and the database count different people.
    Counts,
}

/// Brings this node's index up to the database as it is now, before the node says it
/// is ready: an index of another database, one ahead of it (the database was restored
/// from a backup) or one whose count disagrees after catching up is rebuilt. Returns
/// why it was rebuilt, if it was.
pub async fn prepare(db: &Db, index: &Arc<PersonIndex>) -> anyhow::Result<Option<Rebuilt>> {
    let database = sipe_platform::db::settings::database_id(db).await?;
    let fresh = index.is_empty() && index.watermark().is_none();
    let reason = match position_in(index, &database) {
        None if !fresh => Some(Rebuilt::Foreign),
        None => None,
        Some(position) => {
            let newest = person::Entity::find()
                .select_only()
                .column(person::Column::UpdatedAt)
                .column(person::Column::Id)
                .order_by_desc(person::Column::UpdatedAt)
                .order_by_desc(person::Column::Id)
                .into_tuple::<(DateTime<Utc>, Uuid)>()
                .one(db)
                .await?;
            // reindex marks an empty database with the smallest time.
            let empty_mark = (DateTime::<Utc>::MIN_UTC, Uuid::nil());
            match newest {
                Some(newest) if position > newest => Some(Rebuilt::Ahead),
                None if position != empty_mark => Some(Rebuilt::Ahead),
                _ => None,
            }
        }
    };
    if let Some(reason) = reason {
        reindex(db, index).await?;
        return Ok(Some(reason));
    }
    sync(db, index, true).await?;
    let counted = || async {
        let in_db = person::Entity::find()
            .filter(person::Column::MergedInto.is_null())
            .count(db)
            .await?;
        anyhow::Ok(in_db == index.len())
    };
    if counted().await? {
        return Ok(None);
    }
    // Another node may have written meanwhile: catch up once more before deciding.
    sync(db, index, false).await?;
    if counted().await? {
        return Ok(None);
    }
    reindex(db, index).await?;
    Ok(Some(Rebuilt::Counts))
}

/// Differences between the index and the database.
#[derive(Debug, Default)]
pub struct Drift {
    /// Active people in the database but not in the index.
    pub missing: Vec<Uuid>,
    /// Entries in the index that are not active people in the database.
    pub extra: Vec<Uuid>,
    /// Active people in the database.
    pub in_database: usize,
    /// Entries in the index.
    pub in_index: usize,
}

/// Compares the ids in the index with the active people in the database.
pub async fn check(db: &impl ConnectionTrait, index: &PersonIndex) -> anyhow::Result<Drift> {
    let mut in_db: HashSet<Uuid> = HashSet::new();
    let mut after: Option<Uuid> = None;
    loop {
        let mut q = person::Entity::find()
            .select_only()
            .column(person::Column::Id)
            .filter(person::Column::MergedInto.is_null());
        if let Some(a) = after {
            q = q.filter(person::Column::Id.gt(a));
        }
        let ids: Vec<Uuid> = q
            .order_by_asc(person::Column::Id)
            .limit(50_000)
            .into_tuple()
            .all(db)
            .await?;
        let Some(last) = ids.last() else { break };
        after = Some(*last);
        in_db.extend(ids);
    }
    let in_index = index.ids()?;
    Ok(Drift {
        missing: in_db.difference(&in_index).copied().collect(),
        extra: in_index.difference(&in_db).copied().collect(),
        in_database: in_db.len(),
        in_index: in_index.len(),
    })
}
