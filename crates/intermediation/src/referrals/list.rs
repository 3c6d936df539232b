//! The referrals work list: every referral the caller may see (those of their offices'
//! vacancies and of their offices' people), filtered by state and origin, sorted and
//! paged, as a page, a CSV export and the API's `GET /api/v1/referrals`.

use askama::Template;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::entity::referral;
use super::service::ORIGINS;
use super::state::ReferralState;
use crate::vacancies::entity::vacancy;
use sipe_platform::access::Access;
use sipe_platform::api::{ApiAccess, ApiError};
use sipe_platform::territory::views::Choice;
use sipe_platform::web::auth::{Authenticated, Ctx};
use sipe_platform::web::export::{Export, Format};
use sipe_platform::web::form::choices;
use sipe_platform::web::table::{ExportPages, ListQuery, Pager};
use sipe_platform::web::{AppState, PageCtx, WebError};

/// Columns the list sorts by.
pub const SORTS: [&str; 3] = ["updated_at", "created_at", "state"];

/// Filters of the list.
#[derive(Debug, Clone, Default)]
pub struct ReferralFilter {
    /// One state.
    pub state: Option<&'static str>,
    /// One origin.
    pub origin: Option<&'static str>,
}

impl ReferralFilter {
    fn parse(state: &str, origin: &str) -> Self {
        Self {
            state: ReferralState::parse(state).map(ReferralState::as_str),
            origin: ORIGINS.into_iter().find(|o| *o == origin.trim()),
        }
    }
}

/// A referral with the names its row shows.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReferralRow {
    /// Id.
    pub id: Uuid,
    /// State.
    pub state: String,
    /// `referred` or `applied`.
    pub origin: String,
    /// The person.
    pub person_id: Uuid,
    /// The person's name.
    pub person: String,
    /// The vacancy.
    pub vacancy_id: Uuid,
    /// The vacancy's title.
    pub vacancy: String,
    /// The employer's legal name.
    pub employer: String,
    /// Interview date and time, when scheduled.
    pub interview_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Created.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// Last change.
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// Referrals visible in the caller's view scope: those of vacancies of their offices and
/// those of their offices' people (the rule `service::visible` applies to one).
fn visible(access: &Access) -> Condition {
    if access.view.is_national() {
        return Condition::all();
    }
    Condition::any()
        .add(access.view.owns(referral::Column::OfficeId))
        .add(
            referral::Column::PersonId.in_subquery(sipe_persons::store::ids_in_scope(&access.view)),
        )
}

/// One page of the referrals the caller may see, newest change first by default.
pub async fn list(
    conn: &impl ConnectionTrait,
    access: &Access,
    filter: &ReferralFilter,
    pager: &Pager,
) -> Result<(Vec<ReferralRow>, u64), DbErr> {
    let mut q = referral::Entity::find().filter(visible(access));
    if let Some(state) = filter.state {
        q = q.filter(referral::Column::State.eq(state));
    }
    if let Some(origin) = filter.origin {
        q = q.filter(referral::Column::Origin.eq(origin));
    }
    let total = q.clone().count(conn).await?;
    let col = match pager.sort.as_str() {
        "created_at" => referral::Column::CreatedAt,
        "state" => referral::Column::State,
        _ => referral::Column::UpdatedAt,
    };
    let order = if pager.desc {
        sea_orm::Order::Desc
    } else {
        sea_orm::Order::Asc
    };
    let rows = q
        .order_by(col, order)
        .order_by_desc(referral::Column::Id)
        .offset(pager.offset())
        .limit(pager.per_page)
        .all(conn)
        .await?;
    let names = super::person_names(conn, rows.iter().map(|r| r.person_id)).await?;
    let vacancies = vacancy::Entity::find()
        .filter(vacancy::Column::Id.is_in(rows.iter().map(|r| r.vacancy_id)))
        .all(conn)
        .await?;
    let employers =
        crate::employers::store::legal_names(conn, vacancies.iter().map(|v| v.employer_id)).await?;
    let out = rows
        .into_iter()
        .map(|r| {
            let v = vacancies.iter().find(|v| v.id == r.vacancy_id);
            ReferralRow {
                person: names.get(&r.person_id).cloned().unwrap_or_default(),
                vacancy: v.map(|v| v.title.clone()).unwrap_or_default(),
                employer: v
                    .and_then(|v| employers.get(&v.employer_id).cloned())
                    .unwrap_or_default(),
                id: r.id,
                state: r.state,
                origin: r.origin,
                person_id: r.person_id,
                vacancy_id: r.vacancy_id,
                interview_at: r.interview_at,
                created_at: r.created_at,
                updated_at: r.updated_at,
            }
        })
        .collect();
    Ok((out, total))
}

/// Filters of the page and the export.
#[derive(Debug, Default, Deserialize)]
pub struct ReferralListQuery {
    #[serde(default)]
    state: String,
    #[serde(default)]
    origin: String,
    #[serde(flatten)]
    list: ListQuery,
}

impl ReferralListQuery {
    /// The list's pager, its links keeping the filters.
    fn pager(&self, list: &ListQuery) -> Result<Pager, WebError> {
        Ok(Pager::new("/referrals", list, &SORTS, true)?
            .keep("state", &self.state)
            .keep("origin", &self.origin))
    }
}

/// `/referrals`.
#[derive(Template)]
#[template(path = "intermediation/referrals.html")]
pub struct ReferralsPage {
    /// Page context.
    pub ctx: PageCtx,
    /// Rows.
    pub rows: Vec<ReferralRow>,
    /// Paging and sorting.
    pub pager: Pager,
    /// State filter.
    pub states: Vec<Choice>,
    /// Origin filter.
    pub origins: Vec<Choice>,
}

/// `GET /referrals`.
pub async fn page(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Query(query): Query<ReferralListQuery>,
) -> Result<Response, WebError> {
    let mut pager = query.pager(&query.list)?;
    let filter = ReferralFilter::parse(&query.state, &query.origin);
    let (rows, total) = list(&state.db, &user.access, &filter, &pager).await?;
    pager.total = total;
    super::record_shown(
        &state,
        &audit,
        "referral.list",
        rows.iter().map(|r| r.person_id),
    )
    .await?;
    let states = ReferralState::ALL.map(ReferralState::as_str);
    let html = ReferralsPage {
        states: choices(&ctx, "referral-state-", &states, &query.state),
        origins: choices(&ctx, "referral-origin-", &ORIGINS, &query.origin),
        ctx,
        rows,
        pager,
    }
    .render()
    .map_err(anyhow::Error::from)?;
    Ok((StatusCode::OK, axum::response::Html(html)).into_response())
}

/// `GET /referrals.csv` and `.xlsx`: the filtered list (it names people: audited).
pub async fn export(
    State(state): State<AppState>,
    user: Authenticated,
    Ctx(audit): Ctx,
    format: Format,
    Query(query): Query<ReferralListQuery>,
) -> Result<Response, WebError> {
    let filter = ReferralFilter::parse(&query.state, &query.origin);
    let list_page = query.pager(&ListQuery::default())?;
    let mut out = Export::new(format, "derivaciones", &EXPORT_HEADER)
        .audit("referral.export", "referral_list", list_page.filters())
        .back_to(&list_page.href(1));
    let mut pages = ExportPages::new("/referrals.csv", &SORTS, true);
    while let Some(pager) = pages.next_page() {
        let (rows, total) = list(&state.db, &user.access, &filter, &pager).await?;
        if !out.expect(total) {
            break;
        }
        for r in &rows {
            out.row([
                r.id.to_string(),
                r.state.clone(),
                r.origin.clone(),
                r.person_id.to_string(),
                r.person.clone(),
                r.vacancy.clone(),
                r.employer.clone(),
                r.interview_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
                r.created_at.to_rfc3339(),
                r.updated_at.to_rfc3339(),
            ]);
        }
        pages.read(rows.len(), total);
    }
    out.respond(&state, &audit).await
}

/// Columns of the export.
const EXPORT_HEADER: [&str; 10] = [
    "derivacion_id",
    "estado",
    "origen",
    "persona_id",
    "persona",
    "oferta",
    "empleador",
    "entrevista",
    "creada",
    "actualizada",
];

/// Query of the API list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct ReferralParams {
    /// One state (`proposed`, `sent`, `interview_scheduled`, `hired`, …).
    pub state: Option<String>,
    /// `referred` or `applied`.
    pub origin: Option<String>,
    /// `updated_at` (default, newest first), `created_at`, `state`.
    pub sort: Option<String>,
    /// `asc` or `desc`.
    pub dir: Option<String>,
    /// 1-based page.
    #[serde(default, deserialize_with = "sipe_platform::api::page_number")]
    pub page: Option<u64>,
    /// Items per page (at most 100).
    pub per_page: Option<u64>,
}

/// A page of referrals.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReferralPage {
    /// This page.
    pub items: Vec<ReferralRow>,
    /// Matching in all pages.
    pub total: u64,
}

/// Referrals of the caller's offices' vacancies and people (view scope).
#[utoipa::path(get, path = "/api/v1/referrals", params(ReferralParams),
    responses((status = 200, body = ReferralPage)))]
pub async fn api_list(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(audit): Ctx,
    Query(p): Query<ReferralParams>,
) -> Result<Json<ReferralPage>, ApiError> {
    let pager = Pager::new(
        "/api/v1/referrals",
        &ListQuery {
            page: p.page.map(|n| n.to_string()),
            per_page: p.per_page.map(|n| n.to_string()),
            sort: p.sort,
            dir: p.dir,
        },
        &SORTS,
        true,
    )?;
    let filter = ReferralFilter::parse(
        p.state.as_deref().unwrap_or_default(),
        p.origin.as_deref().unwrap_or_default(),
    );
    let (items, total) = list(&state.db, &access, &filter, &pager).await?;
    super::record_shown(
        &state,
        &audit,
        "referral.list",
        items.iter().map(|r| r.person_id),
    )
    .await
    .map_err(ApiError::Internal)?;
    Ok(Json(ReferralPage { items, total }))
}
