//! The duplicates queue: a scan finds likely pairs across the whole registry (similar
//! names in any order with the same birth date; the same phone or e-mail), a coordinator
//! reviews them and merges or dismisses. Merging keeps both ids resolvable (the merged
//! record points at the kept one), moves the timeline, interviews and profile items,
//! and is audited.

pub mod handlers;

use chrono::{NaiveDate, SubsecRound, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Func, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, FromQueryResult,
    IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::name_similarity;
use crate::entity::{
    duplicate_pair, interview, person, person_change, profile_item, timeline_event,
    transfer_request,
};
use crate::service::{PersonError, Snapshot, record_changes};
use crate::store;
use crate::timeline::{self, NewEvent};
use sipe_platform::access::{Access, ScopeKind};
use sipe_platform::audit::{self, AuditCtx, Change};
use sipe_platform::db::{self, Db};
use sipe_platform::ids::PersonId;

/// Rows read per query while scanning.
const SCAN_BATCH: u64 = 20_000;
/// Shared contact values (an office phone written for many people) are not evidence.
const MAX_CONTACT_GROUP: usize = 4;
/// Least name similarity (0–1) for a same-birth-date pair.
const MIN_SIMILARITY: f64 = 0.75;

/// How much each kind of evidence weighs (0–100): a coordinator who recognises the same
/// person is proof; a similar name with the same birth date strong; a shared phone or
/// e-mail alone weak (families and neighbours share them). A pair found by more than one
/// gains a little per extra reason, below 100.
fn evidence_score(reason: &str, similarity: f64) -> i32 {
    match reason {
        "manual" => 100,
        "name_birth" => 60 + (similarity * 30.0).round() as i32,
        _ => 40,
    }
}

/// One score for a pair found by several reasons (`name_birth+phone`).
fn combined(found: &[(&'static str, i32)]) -> (String, i32) {
    let best = found.iter().map(|(_, s)| *s).max().unwrap_or(0);
    let extra = (found.len() as i32 - 1) * 5;
    let score = if best >= 100 {
        100
    } else {
        Ord::min(best + extra, 99)
    };
    let reasons: Vec<&str> = found.iter().map(|(r, _)| *r).collect();
    (reasons.join("+"), score)
}

#[derive(Debug, FromQueryResult)]
struct ScanRow {
    id: Uuid,
    birth_date: NaiveDate,
    search_name: String,
}

#[derive(Debug, FromQueryResult)]
struct ContactRow {
    id: Uuid,
    value: Option<String>,
}

fn ordered(a: Uuid, b: Uuid) -> (Uuid, Uuid) {
    if a < b { (a, b) } else { (b, a) }
}

/// Pairs of one birth date with similar names, with their score (0–100).
fn similar_pairs(group: &[ScanRow], out: &mut Vec<(Uuid, Uuid, &'static str, i32)>) {
    for (i, a) in group.iter().enumerate() {
        for b in &group[i + 1..] {
            let s = name_similarity(&a.search_name, &b.search_name);
            if s >= MIN_SIMILARITY {
                let (x, y) = ordered(a.id, b.id);
                out.push((x, y, "name_birth", evidence_score("name_birth", s)));
            }
        }
    }
}

async fn store_pairs(db: &Db, pairs: &[(Uuid, Uuid, String, i32)]) -> Result<(), sea_orm::DbErr> {
    let now = Utc::now().trunc_subsecs(6);
    for chunk in pairs.chunks(500) {
        duplicate_pair::Entity::insert_many(chunk.iter().map(|(a, b, reason, score)| {
            duplicate_pair::ActiveModel {
                id: Set(Uuid::now_v7()),
                first_id: Set(*a),
                second_id: Set(*b),
                reason: Set(reason.clone()),
                score: Set(*score),
                status: Set("open".into()),
                found_at: Set(now),
            }
        }))
        .on_conflict_do_nothing_on([
            duplicate_pair::Column::FirstId,
            duplicate_pair::Column::SecondId,
        ])
        .exec(db)
        .await?;
    }
    Ok(())
}

/// Scans the whole registry for likely duplicates; known pairs keep their status.
/// Returns how many open pairs there are afterwards.
pub async fn scan(db: &Db) -> Result<u64, sea_orm::DbErr> {
    let mut pairs = Vec::new();
    let mut found_by_name: Vec<(Uuid, Uuid, &'static str, i32)> = Vec::new();
    // Same birth date and similar names: walk the registry by birth date in batches,
    // carrying the last (possibly incomplete) date over to the next batch.
    let mut group: Vec<ScanRow> = Vec::new();
    let mut after: Option<(NaiveDate, Uuid)> = None;
    loop {
        let mut q = person::Entity::find()
            .select_only()
            .column(person::Column::Id)
            .column(person::Column::BirthDate)
            .column(person::Column::SearchName)
            .filter(person::Column::MergedInto.is_null())
            .order_by_asc(person::Column::BirthDate)
            .order_by_asc(person::Column::Id)
            .limit(SCAN_BATCH);
        if let Some((d, id)) = after {
            q = q.filter(
                Condition::any().add(person::Column::BirthDate.gt(d)).add(
                    Condition::all()
                        .add(person::Column::BirthDate.eq(d))
                        .add(person::Column::Id.gt(id)),
                ),
            );
        }
        let rows: Vec<ScanRow> = q.into_model().all(db).await?;
        let done = (rows.len() as u64) < SCAN_BATCH;
        for r in rows {
            after = Some((r.birth_date, r.id));
            if group.first().is_some_and(|g| g.birth_date != r.birth_date) {
                similar_pairs(&group, &mut pairs);
                group.clear();
            }
            group.push(r);
        }
        if pairs.len() >= 5_000 {
            // Kept in memory: a pair may also share a phone, found below.
            found_by_name.append(&mut pairs);
        }
        if done {
            break;
        }
    }
    similar_pairs(&group, &mut pairs);
    pairs.append(&mut found_by_name);
    // The same phone or e-mail. (Documents and CUILs are unique in the registry: the
    // same person under two of them is found by name and birth date, or added by hand.)
    for (column, reason) in [
        (person::Column::Phone, "phone"),
        (person::Column::Email, "email"),
    ] {
        let shared: Vec<String> = person::Entity::find()
            .select_only()
            .column(column)
            .filter(column.is_not_null())
            .filter(person::Column::MergedInto.is_null())
            .group_by(column)
            .having(Expr::expr(Func::count(Expr::col(person::Column::Id))).gt(1))
            .into_tuple::<Option<String>>()
            .all(db)
            .await?
            .into_iter()
            .flatten()
            .collect();
        for values in shared.chunks(500) {
            let rows: Vec<ContactRow> = person::Entity::find()
                .select_only()
                .column(person::Column::Id)
                .column_as(column, "value")
                .filter(column.is_in(values.iter().cloned()))
                .filter(person::Column::MergedInto.is_null())
                .order_by_asc(column)
                .into_model()
                .all(db)
                .await?;
            for v in values {
                let ids: Vec<Uuid> = rows
                    .iter()
                    .filter(|r| r.value.as_deref() == Some(v.as_str()))
                    .map(|r| r.id)
                    .collect();
                if ids.len() > MAX_CONTACT_GROUP {
                    continue;
                }
                for (i, a) in ids.iter().enumerate() {
                    for b in &ids[i + 1..] {
                        let (x, y) = ordered(*a, *b);
                        pairs.push((x, y, reason, evidence_score(reason, 0.0)));
                    }
                }
            }
        }
    }
    // One row per pair, scored by all its evidence.
    let mut by_pair: std::collections::BTreeMap<(Uuid, Uuid), Vec<(&'static str, i32)>> =
        std::collections::BTreeMap::new();
    for (a, b, reason, score) in pairs {
        let found = by_pair.entry((a, b)).or_default();
        if !found.iter().any(|(r, _)| *r == reason) {
            found.push((reason, score));
        }
    }
    let pairs: Vec<(Uuid, Uuid, String, i32)> = by_pair
        .into_iter()
        .map(|((a, b), found)| {
            let (reason, score) = combined(&found);
            (a, b, reason, score)
        })
        .collect();
    store_pairs(db, &pairs).await?;
    duplicate_pair::Entity::find()
        .filter(duplicate_pair::Column::Status.eq("open"))
        .count(db)
        .await
}

/// The person in `column` lies in the caller's `kind` scope: a correlated EXISTS, so the
/// database walks the pairs and probes each person by key (an `IN (SELECT ...)` here
/// made SQLite drive the pair index from the whole persons table).
fn person_in_scope(access: &Access, kind: ScopeKind, column: duplicate_pair::Column) -> Condition {
    let p = sea_orm::sea_query::Alias::new("p");
    Condition::all().add(Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from_as(person::Entity, p.clone())
            .and_where(
                Expr::col((p.clone(), person::Column::Id)).equals((duplicate_pair::Entity, column)),
            )
            .cond_where(access.scope(kind).owns((p, person::Column::OfficeId)))
            .take(),
    ))
}

/// A pair with both people, as the queue shows it.
#[derive(Debug, Clone)]
pub struct PairView {
    /// The pair.
    pub pair: duplicate_pair::Model,
    /// First person.
    pub first: person::Model,
    /// Second person.
    pub second: person::Model,
}

/// Open pairs whose two people the caller may view (the dashboard's number).
pub async fn count_open(
    conn: &impl ConnectionTrait,
    access: &Access,
) -> Result<u64, sea_orm::DbErr> {
    duplicate_pair::Entity::find()
        .filter(duplicate_pair::Column::Status.eq("open"))
        .filter(person_in_scope(
            access,
            ScopeKind::View,
            duplicate_pair::Column::FirstId,
        ))
        .filter(person_in_scope(
            access,
            ScopeKind::View,
            duplicate_pair::Column::SecondId,
        ))
        .count(conn)
        .await
}

/// Open pairs whose two people the caller may view, best first, with the total.
pub async fn open_pairs(
    conn: &impl ConnectionTrait,
    access: &Access,
    offset: u64,
    limit: u64,
) -> Result<(Vec<PairView>, u64), sea_orm::DbErr> {
    let q = duplicate_pair::Entity::find()
        .filter(duplicate_pair::Column::Status.eq("open"))
        .filter(person_in_scope(
            access,
            ScopeKind::View,
            duplicate_pair::Column::FirstId,
        ))
        .filter(person_in_scope(
            access,
            ScopeKind::View,
            duplicate_pair::Column::SecondId,
        ));
    let total = q.clone().count(conn).await?;
    let pairs = q
        .order_by_desc(duplicate_pair::Column::Score)
        .order_by_asc(duplicate_pair::Column::FoundAt)
        .offset(offset)
        .limit(limit)
        .all(conn)
        .await?;
    let ids: Vec<Uuid> = pairs
        .iter()
        .flat_map(|p| [p.first_id, p.second_id])
        .collect();
    let people = person::Entity::find()
        .filter(person::Column::Id.is_in(ids))
        .all(conn)
        .await?;
    let out = pairs
        .into_iter()
        .filter_map(|pair| {
            let first = people.iter().find(|p| p.id == pair.first_id)?.clone();
            let second = people.iter().find(|p| p.id == pair.second_id)?.clone();
            Some(PairView {
                pair,
                first,
                second,
            })
        })
        .collect();
    Ok((out, total))
}

/// Puts a pair in the queue on demand (a coordinator who recognises the same person
/// registered twice): both in the caller's capture scope, not the same record. A pair
/// already known is opened again. Returns the pair id.
pub async fn add_pair(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    person_id: Uuid,
    other_document: &str,
) -> Result<Uuid, PersonError> {
    use sipe_platform::validation::FieldErrors;
    let doc: String = other_document
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(20)
        .collect();
    if doc.is_empty() {
        return Err(FieldErrors::one("other_document", "field-required").into());
    }
    let tx = db::begin_write(db).await?;
    let this = store::find_person(&tx, access, ScopeKind::Capture, PersonId(person_id))
        .await?
        .ok_or(PersonError::NotFound)?;
    // Only someone the caller may change: a document outside their scope reads the same
    // as one not registered, so the form tells nothing about other offices.
    let mut found = person::Entity::find()
        .filter(person::Column::DocNumber.eq(doc.to_uppercase()))
        .filter(person::Column::MergedInto.is_null())
        .filter(
            access
                .scope(ScopeKind::Capture)
                .owns(person::Column::OfficeId),
        )
        .filter(person::Column::Id.ne(this.id))
        .limit(2)
        .all(&tx)
        .await?;
    if found.is_empty() && this.doc_number == doc.to_uppercase() {
        return Err(FieldErrors::one("other_document", "duplicates-add-same").into());
    }
    // One number under two document types (a DNI and a passport): the coordinator
    // compares from the other record's page instead.
    if found.len() > 1 {
        return Err(FieldErrors::one("other_document", "duplicates-add-ambiguous").into());
    }
    let other = found
        .pop()
        .ok_or_else(|| FieldErrors::one("other_document", "duplicates-add-unknown"))?;
    let (a, b) = ordered(this.id, other.id);
    let existing = duplicate_pair::Entity::find()
        .filter(duplicate_pair::Column::FirstId.eq(a))
        .filter(duplicate_pair::Column::SecondId.eq(b))
        .one(&tx)
        .await?;
    let id = match existing {
        Some(p) => {
            let id = p.id;
            let mut m = p.into_active_model();
            // Known (even dismissed): open again as the coordinator's own finding.
            m.status = Set("open".into());
            m.reason = Set("manual".into());
            m.score = Set(evidence_score("manual", 0.0));
            m.update(&tx).await?;
            id
        }
        None => {
            let id = Uuid::now_v7();
            duplicate_pair::ActiveModel {
                id: Set(id),
                first_id: Set(a),
                second_id: Set(b),
                reason: Set("manual".into()),
                score: Set(evidence_score("manual", 0.0)),
                status: Set("open".into()),
                found_at: Set(Utc::now().trunc_subsecs(6)),
            }
            .insert(&tx)
            .await?;
            id
        }
    };
    audit::record(
        &tx,
        ctx,
        Change::new("person.duplicate_add", "duplicate_pair", id)
            .after(serde_json::json!({ "first": a, "second": b })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// One open pair, when both people are in the caller's `kind` scope.
pub async fn find_pair(
    conn: &impl ConnectionTrait,
    access: &Access,
    kind: ScopeKind,
    id: Uuid,
) -> Result<Option<PairView>, sea_orm::DbErr> {
    let Some(pair) = duplicate_pair::Entity::find_by_id(id)
        .filter(duplicate_pair::Column::Status.eq("open"))
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    let first = store::find_person(conn, access, kind, PersonId(pair.first_id)).await?;
    let second = store::find_person(conn, access, kind, PersonId(pair.second_id)).await?;
    Ok(match (first, second) {
        // A pair with a record merged since the scan is stale.
        (Some(first), Some(second))
            if first.merged_into.is_none() && second.merged_into.is_none() =>
        {
            Some(PairView {
                pair,
                first,
                second,
            })
        }
        _ => None,
    })
}

/// Fields a merge lets the coordinator choose. The document and CUIL stay with each
/// record (both stay resolvable by document); the kept record is chosen as a whole.
pub const MERGE_FIELDS: [&str; 17] = [
    "surnames",
    "names",
    "chosen_name",
    "gender",
    "marital_status",
    "phone",
    "email",
    "street",
    "street_number",
    "floor_unit",
    "locality",
    "department_code",
    "postal_code",
    "education_level",
    "employment_status",
    "availability_hours",
    "travel_radius_km",
];

/// A field's value as text, for the merge screen and history.
pub fn field_value(p: &person::Model, field: &str) -> Option<String> {
    let text = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    match field {
        "surnames" => text(&p.surnames),
        "names" => text(&p.names),
        "chosen_name" => p.chosen_name.clone(),
        "gender" => p.gender.clone(),
        "marital_status" => p.marital_status.clone(),
        "phone" => p.phone.clone(),
        "email" => p.email.clone(),
        "street" => text(&p.street),
        "street_number" => text(&p.street_number),
        "floor_unit" => text(&p.floor_unit),
        "locality" => text(&p.locality),
        "department_code" => p.department_code.clone(),
        "postal_code" => text(&p.postal_code),
        "education_level" => p.education_level.clone(),
        "employment_status" => p.employment_status.clone(),
        "availability_hours" => p.availability_hours.clone(),
        "travel_radius_km" => p.travel_radius_km.map(|r| r.to_string()),
        _ => None,
    }
}

fn set_field(a: &mut person::ActiveModel, field: &str, v: Option<String>) {
    let s = v.clone().unwrap_or_default();
    match field {
        "surnames" => a.surnames = Set(s),
        "names" => a.names = Set(s),
        "chosen_name" => a.chosen_name = Set(v),
        "gender" => a.gender = Set(v),
        "marital_status" => a.marital_status = Set(v),
        "phone" => a.phone = Set(v),
        "email" => a.email = Set(v),
        "street" => a.street = Set(s),
        "street_number" => a.street_number = Set(s),
        "floor_unit" => a.floor_unit = Set(s),
        "locality" => a.locality = Set(s),
        "department_code" => a.department_code = Set(v),
        "postal_code" => a.postal_code = Set(s),
        "education_level" => a.education_level = Set(v),
        "employment_status" => a.employment_status = Set(v),
        "availability_hours" => a.availability_hours = Set(v),
        "travel_radius_km" => a.travel_radius_km = Set(v.and_then(|r| r.parse().ok())),
        _ => {}
    }
}

/// What the coordinator chose on the merge screen.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct MergeInput {
    /// Id of the record to keep (one of the pair).
    pub keep: String,
    /// Field → `first` or `second`: whose value the kept record takes. Fields not named
    /// keep the kept record's value, or take the other's when the kept one is empty.
    #[serde(flatten)]
    pub choices: std::collections::BTreeMap<String, String>,
}

/// Merges a pair (both people in the caller's capture scope). Returns the kept id.
pub async fn merge(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    pair_id: Uuid,
    input: &MergeInput,
    hooks: &[sipe_platform::module::MergeHook],
) -> Result<Uuid, PersonError> {
    let tx = db::begin_write(db).await?;
    let view = find_pair(&tx, access, ScopeKind::Capture, pair_id)
        .await?
        .ok_or(PersonError::NotFound)?;
    let keep_id: Uuid = input
        .keep
        .parse()
        .map_err(|_| sipe_platform::validation::FieldErrors::one("keep", "field-choice-invalid"))?;
    let (kept, gone) = if keep_id == view.first.id {
        (view.first, view.second)
    } else if keep_id == view.second.id {
        (view.second, view.first)
    } else {
        return Err(
            sipe_platform::validation::FieldErrors::one("keep", "field-choice-invalid").into(),
        );
    };
    // Claim both records before anything else is written, in id order: a concurrent
    // merge of either one (PostgreSQL) waits on these rows, then finds one of them
    // merged and stops here; nothing it reads afterwards misses the other's changes.
    let now = Utc::now();
    let claim_gone = || {
        person::Entity::update_many()
            .col_expr(person::Column::MergedInto, Expr::value(kept.id))
            .col_expr(person::Column::UpdatedAt, Expr::value(now))
            .filter(person::Column::Id.eq(gone.id))
            .filter(person::Column::MergedInto.is_null())
    };
    let claim_kept = || {
        person::Entity::update_many()
            .col_expr(person::Column::UpdatedAt, Expr::value(now))
            .filter(person::Column::Id.eq(kept.id))
            .filter(person::Column::MergedInto.is_null())
    };
    let (claimed, kept_still) = if gone.id < kept.id {
        let g = claim_gone().exec(&tx).await?.rows_affected;
        (g, claim_kept().exec(&tx).await?.rows_affected)
    } else {
        let k = claim_kept().exec(&tx).await?.rows_affected;
        (claim_gone().exec(&tx).await?.rows_affected, k)
    };
    if claimed != 1 || kept_still != 1 {
        return Err(PersonError::NotFound);
    }
    let first_id = view.pair.first_id;
    let before: Snapshot = MERGE_FIELDS
        .iter()
        .map(|f| (*f, field_value(&kept, f)))
        .collect();
    let mut a = kept.clone().into_active_model();
    for field in MERGE_FIELDS {
        let from_gone = match input.choices.get(field).map(String::as_str) {
            Some("first") => gone.id == first_id,
            Some("second") => gone.id != first_id,
            Some(_) => {
                return Err(sipe_platform::validation::FieldErrors::one(
                    "keep",
                    "field-choice-invalid",
                )
                .into());
            }
            None => field_value(&kept, field).is_none(),
        };
        if from_gone {
            set_field(&mut a, field, field_value(&gone, field));
        }
    }
    a.search_name = Set(sipe_platform::text::fold(&format!(
        "{} {} {}",
        a.surnames.as_ref(),
        a.names.as_ref(),
        a.chosen_name.as_ref().as_deref().unwrap_or("")
    )));
    a.updated_at = Set(Utc::now());
    let updated = a.update(&tx).await?;
    let after: Snapshot = MERGE_FIELDS
        .iter()
        .map(|f| (*f, field_value(&updated, f)))
        .collect();
    record_changes(&tx, ctx, &updated, &before, &after).await?;
    // Move what hangs off the merged record.
    // Moved events keep working links: `/persons/{gone}/…` becomes `/persons/{kept}/…`.
    timeline_event::Entity::update_many()
        .col_expr(
            timeline_event::Column::Link,
            Expr::expr(
                sea_orm::sea_query::Func::cust("REPLACE")
                    .arg(Expr::col(timeline_event::Column::Link))
                    .arg(format!("/persons/{}/", gone.id))
                    .arg(format!("/persons/{}/", kept.id)),
            ),
        )
        .filter(timeline_event::Column::PersonId.eq(gone.id))
        .filter(timeline_event::Column::Link.is_not_null())
        .exec(&tx)
        .await?;
    let merge = sipe_platform::module::PersonMerge {
        tx: &tx,
        ctx,
        kept: PersonId(kept.id),
        gone: PersonId(gone.id),
    };
    merge
        .repoint::<timeline_event::Entity>(timeline_event::Column::PersonId)
        .await?;
    merge
        .repoint::<interview::Entity>(interview::Column::PersonId)
        .await?;
    let kept_items = crate::profile::items(&tx, kept.id).await?;
    for item in crate::profile::items(&tx, gone.id).await? {
        let repeated = item.kind != "work"
            && kept_items
                .iter()
                .any(|k| k.kind == item.kind && crate::profile::same_value(k, &item));
        if repeated
            || (item.kind == "desired"
                && kept_items.iter().filter(|k| k.kind == "desired").count()
                    >= crate::profile::MAX_DESIRED)
        {
            profile_item::Entity::delete_by_id(item.id)
                .exec(&tx)
                .await?;
        } else {
            let mut m = item.into_active_model();
            m.person_id = Set(kept.id);
            m.update(&tx).await?;
        }
    }
    transfer_request::Entity::update_many()
        .col_expr(transfer_request::Column::Status, Expr::value("rejected"))
        .col_expr(
            transfer_request::Column::DecidedByName,
            Expr::value(ctx.actor_name.clone()),
        )
        .filter(transfer_request::Column::PersonId.eq(gone.id))
        .filter(transfer_request::Column::Status.eq("pending"))
        .exec(&tx)
        .await?;
    // Their decided requests and field history follow them; records merged into the
    // merged one now point at the kept one.
    merge
        .repoint::<transfer_request::Entity>(transfer_request::Column::PersonId)
        .await?;
    merge
        .repoint::<person_change::Entity>(person_change::Column::PersonId)
        .await?;
    merge
        .repoint::<person::Entity>(person::Column::MergedInto)
        .await?;
    // Every other module moves its rows in this transaction.
    sipe_platform::module::run_merge_hooks(hooks, &merge).await?;
    duplicate_pair::Entity::update_many()
        .col_expr(duplicate_pair::Column::Status, Expr::value("merged"))
        .filter(
            Condition::any()
                .add(duplicate_pair::Column::FirstId.eq(gone.id))
                .add(duplicate_pair::Column::SecondId.eq(gone.id)),
        )
        .exec(&tx)
        .await?;
    audit::record(
        &tx,
        ctx,
        Change::new("person.merge", "person", kept.id).after(serde_json::json!({
            "kept": kept.id,
            "merged": gone.id,
            "merged_document": format!("{} {}", gone.doc_type, gone.doc_number),
            "pair": pair_id,
        })),
    )
    .await?;
    timeline::append(
        &tx,
        ctx,
        NewEvent {
            person_id: kept.id,
            kind: "person.merged",
            args: vec![(
                "document",
                timeline::Arg::text(format!(
                    "{} {}",
                    gone.doc_type.to_uppercase(),
                    gone.doc_number
                )),
            )],
            link: Some(format!("/persons/{}", gone.id)),
            office_id: Some(kept.office_id),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(kept.id)
}

/// Marks a pair as not a duplicate (both people in the caller's capture scope: the
/// decision keeps both records as they are, a change like a merge).
pub async fn dismiss(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    pair_id: Uuid,
) -> Result<(), PersonError> {
    let tx = db::begin_write(db).await?;
    let view = find_pair(&tx, access, ScopeKind::Capture, pair_id)
        .await?
        .ok_or(PersonError::NotFound)?;
    let mut a = view.pair.into_active_model();
    a.status = Set("dismissed".into());
    a.update(&tx).await?;
    audit::record(
        &tx,
        ctx,
        Change::new("person.duplicate_dismiss", "duplicate_pair", pair_id),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str) -> ScanRow {
        ScanRow {
            id: Uuid::now_v7(),
            birth_date: NaiveDate::from_ymd_opt(1990, 1, 1).unwrap(),
            search_name: name.into(),
        }
    }

    #[test]
    fn similar_names_of_one_birth_date_pair_up_in_any_order() {
        let group = [
            row("gonzalez juan carlos"),
            row("juan carlos gonzales"),
            row("perez maria"),
        ];
        let mut out = Vec::new();
        similar_pairs(&group, &mut out);
        assert_eq!(out.len(), 1);
        let (a, b, reason, score) = out[0];
        assert!(a < b);
        assert_eq!(reason, "name_birth");
        assert!(score >= 75);
    }
}
