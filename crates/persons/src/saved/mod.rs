//! Saved searches: a user names the filters of the persons list to run them again, and
//! to feed a bulk action (enrolling a segment into a cohort). A saved search keeps the
//! filters, never the people: each run finds who matches now, within the scope of whoever
//! runs it.

pub mod handlers;

use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use serde_json::json;
use uuid::Uuid;

use crate::entity::saved_search;
use crate::filters::PersonFilters;
use crate::service::PersonError;
use crate::store::{self, PersonQuery, PersonSort};
use sipe_platform::access::{Access, ScopeKind};
use sipe_platform::audit::{self, AuditCtx, Change};
use sipe_platform::db::{self, Db, StoreError};
use sipe_platform::validation::{self, FieldErrors};

pub use saved_search::Model as SavedSearch;

/// Most searches a user keeps.
pub const MAX_PER_USER: u64 = 50;

/// The filters of a query string as the list writes it (unknown keys are ignored).
pub fn filters_from_query(query: &str) -> PersonFilters {
    let mut f = PersonFilters::default();
    for (k, v) in form_urlencoded::parse(query.as_bytes()).take(20) {
        let v = v.chars().take(200).collect::<String>();
        match k.as_ref() {
            "q" => f.q = v,
            "office" => f.office = v,
            "department" => f.department = v,
            "sex" => f.sex = v,
            "age_min" => f.age_min = v,
            "age_max" => f.age_max = v,
            "education" => f.education = v,
            "employment" => f.employment = v,
            "disability" => f.disability = v,
            "occupation" => f.occupation = v,
            _ => {}
        }
    }
    f
}

/// Saves the filters under a name for the user. At least one filter or search text;
/// the filters must be a valid search.
pub async fn save(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    name: &str,
    filters: &PersonFilters,
    today: NaiveDate,
) -> Result<Uuid, PersonError> {
    let mut errors = FieldErrors::new();
    let name = validation::text(&mut errors, "name", name, true, 80);
    if filters.q.trim().is_empty() && !filters.any() {
        errors.add("name", "saved-search-empty");
    }
    errors.into_result()?;
    filters
        .to_query(db, access, today)
        .await
        .map_err(|e| match e {
            crate::filters::FilterError::Invalid(f) => PersonError::Invalid(f),
            crate::filters::FilterError::Store(s) => PersonError::Store(s),
        })?;
    let user_id = access.actor.user_id;
    let tx = db::begin_write(db).await?;
    let mine = saved_search::Entity::find().filter(saved_search::Column::UserId.eq(user_id));
    if mine.clone().count(&tx).await? >= MAX_PER_USER {
        return Err(FieldErrors::one("name", "saved-search-too-many").into());
    }
    if mine
        .filter(saved_search::Column::Name.eq(name.clone()))
        .count(&tx)
        .await?
        > 0
    {
        return Err(FieldErrors::one("name", "saved-search-name-taken").into());
    }
    let id = Uuid::now_v7();
    let query = filters.query_string();
    saved_search::ActiveModel {
        id: Set(id),
        user_id: Set(user_id),
        name: Set(name.clone()),
        query: Set(query.clone()),
        created_at: Set(Utc::now()),
    }
    .insert(&tx)
    .await?;
    audit::record(
        &tx,
        ctx,
        Change::new("person.search.save", "person_saved_search", id)
            .after(json!({"name": name, "query": query})),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The user's saved searches, by name.
pub async fn mine(db: &Db, user_id: Uuid) -> Result<Vec<SavedSearch>, sea_orm::DbErr> {
    saved_search::Entity::find()
        .filter(saved_search::Column::UserId.eq(user_id))
        .order_by_asc(saved_search::Column::Name)
        .all(db)
        .await
}

/// One of the user's saved searches (another user's is not found).
pub async fn find_own(
    db: &Db,
    user_id: Uuid,
    id: Uuid,
) -> Result<Option<SavedSearch>, sea_orm::DbErr> {
    saved_search::Entity::find_by_id(id)
        .filter(saved_search::Column::UserId.eq(user_id))
        .one(db)
        .await
}

/// Deletes one of the user's saved searches.
pub async fn delete(db: &Db, ctx: &AuditCtx, user_id: Uuid, id: Uuid) -> Result<(), PersonError> {
    let tx = db::begin_write(db).await?;
    let gone = saved_search::Entity::delete_many()
        .filter(saved_search::Column::Id.eq(id))
        .filter(saved_search::Column::UserId.eq(user_id))
        .exec(&tx)
        .await?;
    if gone.rows_affected != 1 {
        return Err(PersonError::NotFound);
    }
    audit::record(
        &tx,
        ctx,
        Change::new("person.search.delete", "person_saved_search", id),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Why a search cannot give its people.
#[derive(Debug, thiserror::Error)]
pub enum PeopleError {
    /// More people match than the action takes.
    #[error("{0} people match, over the {1} allowed")]
    TooMany(u64, usize),
    /// The filters are not a valid search, or the store failed.
    #[error(transparent)]
    Person(#[from] PersonError),
}

/// The documents (type, number) of everyone the filters find now in the caller's view
/// scope (a segment reads more than identity), at most `max`, by name. The people found
/// are recorded as shown, like a page of the persons list.
#[expect(
    clippy::too_many_arguments,
    reason = "one search run: where it reads, who asks, what, and its bound"
)]
pub async fn documents(
    db: &Db,
    index: &crate::search::PersonIndex,
    reads: &sipe_platform::audit::reads::ReadLog,
    ctx: &AuditCtx,
    access: &Access,
    filters: &PersonFilters,
    today: NaiveDate,
    max: usize,
) -> Result<Vec<(String, String)>, PeopleError> {
    const PAGE: u64 = 1_000;
    let query = PersonQuery {
        scope: ScopeKind::View,
        ..filters
            .to_query(db, access, today)
            .await
            .map_err(|e| match e {
                crate::filters::FilterError::Invalid(f) => PersonError::Invalid(f),
                crate::filters::FilterError::Store(s) => PersonError::Store(s),
            })?
    };
    let mut out = Vec::new();
    let mut ids = Vec::new();
    let mut offset = 0;
    loop {
        let (page, total) = store::search(
            db,
            Some(index),
            access,
            &query,
            PersonSort::Name,
            false,
            offset,
            PAGE,
        )
        .await
        .map_err(|e| PersonError::Store(StoreError::from(e)))?;
        if total > max as u64 {
            return Err(PeopleError::TooMany(total, max));
        }
        ids.extend(page.iter().map(|p| sipe_platform::ids::PersonId(p.id)));
        out.extend(page.into_iter().map(|p| (p.doc_type, p.doc_number)));
        offset += PAGE;
        if offset >= total {
            crate::service::record_shown(
                reads,
                ctx,
                "person.segment",
                &filters.query_string(),
                ids.into_iter(),
            )
            .await?;
            return Ok(out);
        }
    }
}
