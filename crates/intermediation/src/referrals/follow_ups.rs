//! Follow-ups of placements at 3, 6 and 12 months: the to-do list of an office and the
//! recording of each one (still employed? with which employer?).

use askama::Template;
use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::Form;
use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use super::entity::{follow_up, placement};
use sipe_platform::access::Access;
use sipe_platform::api::{ApiAccess, ApiError, ApiJson};
use sipe_platform::audit::{self, AuditCtx, Change};
use sipe_platform::db::{self, Db};
use sipe_platform::validation::{self, FieldErrors};
use sipe_platform::web::auth::{Authenticated, Ctx};
use sipe_platform::web::page::redirect_with_flash;
use sipe_platform::web::table::{ListQuery, Pager};
use sipe_platform::web::{AppState, PageCtx, WebError};

/// A follow-up with what its row shows.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FollowUpRow {
    /// Id.
    pub id: Uuid,
    /// 3, 6 or 12.
    pub months: i32,
    /// Due date.
    pub due_on: NaiveDate,
    /// Done?
    pub done: bool,
    /// Still employed, when done.
    pub still_employed: Option<bool>,
    /// The referral of the placement.
    pub referral_id: Uuid,
    /// The person.
    pub person_id: Uuid,
    /// The person's name.
    pub person: String,
    /// The employer's legal name.
    pub employer: String,
    /// First day of work.
    pub start_date: NaiveDate,
}

/// A follow-up as recorded.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct FollowUpInput {
    /// `true` or `false`.
    pub still_employed: String,
    /// The employer now, when another.
    #[serde(default)]
    pub employer_name: String,
    /// Note.
    #[serde(default)]
    pub note: String,
}

/// Pending follow-ups due by today in the caller's view scope (the dashboard's number).
pub async fn count_due_in_scope(
    conn: &impl ConnectionTrait,
    access: &Access,
    today: chrono::NaiveDate,
) -> Result<u64, sea_orm::DbErr> {
    follow_up::Entity::find()
        .filter(access.view.owns(follow_up::Column::OfficeId))
        .filter(follow_up::Column::DoneAt.is_null())
        .filter(follow_up::Column::DueOn.lte(today))
        .count(conn)
        .await
}

/// Follow-ups of the offices in the caller's view scope: pending ones (due first) or all.
pub async fn list(
    conn: &impl ConnectionTrait,
    access: &Access,
    pending_only: bool,
    pager: &Pager,
) -> Result<(Vec<FollowUpRow>, u64), sea_orm::DbErr> {
    let mut q = follow_up::Entity::find().filter(access.view.owns(follow_up::Column::OfficeId));
    if pending_only {
        q = q.filter(follow_up::Column::DoneAt.is_null());
    }
    let total = q.clone().count(conn).await?;
    let rows = q
        .order_by_asc(follow_up::Column::DueOn)
        .order_by_asc(follow_up::Column::Id)
        .offset(pager.offset())
        .limit(pager.per_page)
        .all(conn)
        .await?;
    let placements = placement::Entity::find()
        .filter(placement::Column::Id.is_in(rows.iter().map(|f| f.placement_id)))
        .all(conn)
        .await?;
    let names = super::person_names(conn, placements.iter().map(|p| p.person_id)).await?;
    let employers =
        crate::employers::store::legal_names(conn, placements.iter().map(|p| p.employer_id))
            .await?;
    let out = rows
        .into_iter()
        .filter_map(|f| {
            let p = placements.iter().find(|p| p.id == f.placement_id)?;
            Some(FollowUpRow {
                id: f.id,
                months: f.months,
                due_on: f.due_on,
                done: f.done_at.is_some(),
                still_employed: f.still_employed,
                referral_id: p.referral_id,
                person_id: p.person_id,
                person: names.get(&p.person_id).cloned().unwrap_or_default(),
                employer: employers.get(&p.employer_id).cloned().unwrap_or_default(),
                start_date: p.start_date,
            })
        })
        .collect();
    Ok((out, total))
}

/// Why recording failed.
#[derive(Debug)]
pub enum RecordError {
    /// Bad input.
    Invalid(FieldErrors),
    /// Not in the caller's capture scope.
    NotFound,
    /// Database failure.
    Store(sipe_platform::db::StoreError),
}

impl From<sea_orm::DbErr> for RecordError {
    fn from(e: sea_orm::DbErr) -> Self {
        RecordError::Store(sipe_platform::db::StoreError::from_db(e))
    }
}

/// Records a follow-up (capture scope of its office), audited.
pub async fn record(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    id: Uuid,
    input: &FollowUpInput,
) -> Result<(), RecordError> {
    let mut e = FieldErrors::new();
    let still = match input.still_employed.trim() {
        "true" | "on" | "si" | "sí" => Some(true),
        "false" | "no" => Some(false),
        _ => {
            e.add("still_employed", "field-choice-invalid");
            None
        }
    };
    let employer = validation::text(&mut e, "employer_name", &input.employer_name, false, 160);
    let note = validation::multiline_text(&mut e, "note", &input.note, false, 1000);
    e.into_result().map_err(RecordError::Invalid)?;
    let tx = db::begin_write(db).await?;
    let f = follow_up::Entity::find_by_id(id)
        .filter(access.capture.owns(follow_up::Column::OfficeId))
        .one(&tx)
        .await?
        .ok_or(RecordError::NotFound)?;
    let mut a = f.into_active_model();
    a.done_at = Set(Some(Utc::now()));
    a.still_employed = Set(still);
    a.employer_name = Set((!employer.is_empty()).then_some(employer.clone()));
    a.note = Set((!note.is_empty()).then_some(note));
    a.update(&tx).await?;
    audit::record(
        &tx,
        ctx,
        Change::new("follow_up.record", "follow_up", id)
            .after(json!({"still_employed": still, "employer_name": employer})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// `/follow-ups`.
#[derive(Template)]
#[template(path = "intermediation/follow_ups.html")]
pub struct FollowUpsPage {
    /// Page context.
    pub ctx: PageCtx,
    /// Rows.
    pub rows: Vec<FollowUpRow>,
    /// Paging.
    pub pager: Pager,
    /// Showing pending ones only.
    pub pending: bool,
    /// Today, to mark overdue ones.
    pub today: NaiveDate,
    /// May record.
    pub can_record: bool,
}

/// Query of the list.
#[derive(Debug, Default, Deserialize)]
pub struct FollowUpQuery {
    #[serde(default)]
    all: String,
    #[serde(flatten)]
    list: ListQuery,
}

/// `GET /follow-ups`.
pub async fn page(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Query(q): Query<FollowUpQuery>,
) -> Result<Response, WebError> {
    let pending = q.all.is_empty();
    let mut pager = Pager::new("/follow-ups", &q.list, &["due_on"], false)?.keep("all", &q.all);
    let (rows, total) = list(&state.db, &user.access, pending, &pager).await?;
    super::record_shown(
        &state,
        &audit,
        "follow_up.list",
        rows.iter().map(|r| r.person_id),
    )
    .await?;
    pager.total = total;
    sipe_platform::web::render::page_with(
        StatusCode::OK,
        FollowUpsPage {
            ctx,
            rows,
            pager,
            pending,
            today: Utc::now().with_timezone(&state.tz).date_naive(),
            can_record: user
                .access
                .can(sipe_platform::access::Permission::EditIntermediation),
        },
    )
}

/// `POST /follow-ups/{id}`.
pub async fn record_form(
    State(state): State<AppState>,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    Form(form): Form<FollowUpInput>,
) -> Result<Response, WebError> {
    match record(&state.db, &audit, &user.access, id, &form).await {
        Ok(()) => Ok(redirect_with_flash(
            "/follow-ups",
            "success",
            "follow-up-recorded",
        )),
        Err(RecordError::Invalid(_)) => Ok(redirect_with_flash(
            "/follow-ups",
            "error",
            "follow-up-answer-required",
        )),
        Err(RecordError::NotFound) => Err(WebError::NotFound),
        Err(RecordError::Store(e)) => Err(e.into()),
    }
}

/// Query of the API list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct FollowUpParams {
    /// `true` (default): pending only; `false`: all.
    pub pending: Option<bool>,
    /// 1-based page.
    #[serde(default, deserialize_with = "sipe_platform::api::page_number")]
    pub page: Option<u64>,
    /// Items per page (at most 100).
    pub per_page: Option<u64>,
}

/// Follow-ups page.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FollowUpsDto {
    /// Due first.
    pub items: Vec<FollowUpRow>,
    /// Matching in all pages.
    pub total: u64,
}

/// Follow-ups of placements in the caller's offices (view scope), due first.
#[utoipa::path(get, path = "/api/v1/follow-ups", params(FollowUpParams),
    responses((status = 200, body = FollowUpsDto)))]
pub async fn api_list(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(audit): Ctx,
    Query(p): Query<FollowUpParams>,
) -> Result<Json<FollowUpsDto>, ApiError> {
    let pager = Pager::new(
        "/api/v1/follow-ups",
        &ListQuery {
            page: p.page.map(|n| n.to_string()),
            per_page: p.per_page.map(|n| n.to_string()),
            ..Default::default()
        },
        &["due_on"],
        false,
    )?;
    let (items, total) = list(&state.db, &access, p.pending.unwrap_or(true), &pager).await?;
    super::record_shown(
        &state,
        &audit,
        "follow_up.list",
        items.iter().map(|r| r.person_id),
    )
    .await
    .map_err(ApiError::Internal)?;
    Ok(Json(FollowUpsDto { items, total }))
}

/// Records a follow-up: `still_employed` (`"true"`/`"false"`), `employer_name`, `note`.
#[utoipa::path(post, path = "/api/v1/follow-ups/{id}", request_body = FollowUpInput,
    params(("id" = Uuid, Path, description = "Follow-up id")),
    responses((status = 204), (status = 404, body = sipe_platform::api::Problem), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn api_record(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(ctx): Ctx,
    Path(id): Path<Uuid>,
    ApiJson(input): ApiJson<FollowUpInput>,
) -> Result<StatusCode, ApiError> {
    match record(&state.db, &ctx, &access, id, &input).await {
        Ok(()) => Ok(StatusCode::NO_CONTENT),
        Err(RecordError::Invalid(f)) => Err(ApiError::Invalid(f)),
        Err(RecordError::NotFound) => Err(ApiError::NotFound),
        Err(RecordError::Store(s)) => Err(s.into()),
    }
}

impl sipe_platform::failure::UseCaseError for RecordError {
    fn failure(self) -> sipe_platform::failure::Failure {
        use sipe_platform::failure::Failure;
        match self {
            RecordError::Invalid(f) => Failure::Invalid(f),
            RecordError::NotFound => Failure::NotFound,
            RecordError::Store(s) => Failure::Store(s),
        }
    }
}
