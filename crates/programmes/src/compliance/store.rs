//! Reads of the review queue: only proposals about people in the reader's scope.

use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
};
use serde::Serialize;
use sipe_platform::access::{Access, ScopeKind};
use sipe_platform::ids::PersonId;
use sipe_platform::web::table::Pager;
use uuid::Uuid;

use crate::entity::{application, compliance_review};

pub use compliance_review::Model as Review;

/// Sort columns of the queue.
pub const SORTS: [&str; 2] = ["found_at", "since"];

fn in_scope(access: &Access, kind: ScopeKind) -> Condition {
    Condition::all().add(
        Expr::col(compliance_review::Column::PersonId)
            .in_subquery(sipe_persons::store::ids_in_scope(access.scope(kind))),
    )
}

/// Filters of the queue.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// One state (`open` when none is asked for).
    pub state: Option<String>,
    /// One programme.
    pub programme: Option<Uuid>,
    /// One reason.
    pub reason: Option<String>,
}

/// A proposal with what the queue shows of it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReviewRow {
    /// Id.
    pub id: Uuid,
    /// The application.
    pub application_id: Uuid,
    /// Its approval number.
    pub application_number: Option<String>,
    /// Its state now.
    pub application_state: String,
    /// Programme id.
    pub programme_id: Uuid,
    /// Programme code.
    pub programme_code: String,
    /// Person id.
    pub person_id: Uuid,
    /// The person's name.
    pub person: String,
    /// Office id.
    pub office_id: Uuid,
    /// `finish` or `suspend`.
    pub proposal: String,
    /// `hired`, `aged_out`, `incompatible`, `not_eligible`.
    pub reason: String,
    /// Criteria kinds not met (comma-separated), or the incompatible programme's code.
    pub detail: String,
    /// The day it holds from, if known.
    pub since: Option<chrono::NaiveDate>,
    /// The day a confirmation takes effect unless another is given: `since` kept within
    /// the stay and not after today.
    pub effective_on: chrono::NaiveDate,
    /// When found.
    pub found_at: chrono::DateTime<chrono::Utc>,
    /// `open`, `confirmed`, `dismissed`, `lapsed`.
    pub state: String,
    /// Who decided.
    pub decided_by: Option<String>,
    /// When.
    pub decided_at: Option<chrono::DateTime<chrono::Utc>>,
    /// A dismissal's note.
    pub note: Option<String>,
    /// Version, for deciding.
    pub version: i32,
}

/// A page of the queue, and the total.
pub async fn list(
    conn: &impl ConnectionTrait,
    access: &Access,
    filter: &Filter,
    pager: &Pager,
    today: chrono::NaiveDate,
) -> Result<(Vec<ReviewRow>, u64), DbErr> {
    let mut q = compliance_review::Entity::find()
        .filter(in_scope(access, ScopeKind::View))
        .filter(compliance_review::Column::State.eq(filter.state.clone().unwrap_or("open".into())));
    if let Some(p) = filter.programme {
        q = q.filter(compliance_review::Column::ProgrammeId.eq(p));
    }
    if let Some(r) = &filter.reason {
        q = q.filter(compliance_review::Column::Reason.eq(r.as_str()));
    }
    let col = match pager.sort.as_str() {
        "since" => compliance_review::Column::Since,
        _ => compliance_review::Column::FoundAt,
    };
    let (rows, total) =
        sipe_platform::web::table::page_of(conn, q, col, compliance_review::Column::Id, pager)
            .await?;
    Ok((rows_of(conn, rows, today).await?, total))
}

/// Open proposals in the reader's view scope (the dashboard's number).
pub async fn count_open(conn: &impl ConnectionTrait, access: &Access) -> Result<u64, DbErr> {
    compliance_review::Entity::find()
        .filter(in_scope(access, ScopeKind::View))
        .filter(compliance_review::Column::State.eq("open"))
        .count(conn)
        .await
}

/// The open proposal about an application, if any (its page shows it).
pub async fn open_of(
    conn: &impl ConnectionTrait,
    application: Uuid,
) -> Result<Option<Review>, DbErr> {
    compliance_review::Entity::find()
        .filter(compliance_review::Column::ApplicationId.eq(application))
        .filter(compliance_review::Column::State.eq("open"))
        .one(conn)
        .await
}

/// A proposal about a person of the caller's scope of that kind, its row locked until
/// the transaction ends (two operators deciding at once take turns).
pub(crate) async fn find_for_update(
    conn: &impl ConnectionTrait,
    access: &Access,
    kind: ScopeKind,
    id: Uuid,
) -> Result<Option<Review>, DbErr> {
    use sea_orm::QuerySelect;
    compliance_review::Entity::find_by_id(id)
        .filter(in_scope(access, kind))
        .lock_exclusive()
        .one(conn)
        .await
}

/// Rows with the names of their programme and person, and their application's state.
pub async fn rows_of(
    conn: &impl ConnectionTrait,
    rows: Vec<Review>,
    today: chrono::NaiveDate,
) -> Result<Vec<ReviewRow>, DbErr> {
    let programmes = crate::programmes::all(conn).await?;
    let names =
        sipe_persons::store::names_of(conn, rows.iter().map(|r| PersonId(r.person_id))).await?;
    let apps = application::Entity::find()
        .filter(application::Column::Id.is_in(rows.iter().map(|r| r.application_id)))
        .all(conn)
        .await?;
    let ids: Vec<Uuid> = apps.iter().map(|a| a.id).collect();
    let last_steps = crate::applications::store::last_step_days(conn, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let app = apps.iter().find(|a| a.id == r.application_id);
            ReviewRow {
                application_number: app.and_then(|a| a.number.clone()),
                application_state: app.map_or_else(String::new, |a| a.state.clone()),
                effective_on: super::effective_day(
                    r.since,
                    std::cmp::max(
                        app.and_then(|a| a.starts_on),
                        last_steps.get(&r.application_id).copied(),
                    ),
                    app.and_then(|a| a.ends_on),
                    today,
                ),
                programme_code: programmes
                    .iter()
                    .find(|p| p.id == r.programme_id)
                    .map_or_else(String::new, |p| p.code.clone()),
                person: names
                    .iter()
                    .find(|n| n.id == r.person_id)
                    .map_or_else(String::new, |n| n.display()),
                id: r.id,
                application_id: r.application_id,
                programme_id: r.programme_id,
                person_id: r.person_id,
                office_id: r.office_id,
                proposal: r.proposal,
                reason: r.reason,
                detail: r.detail,
                since: r.since,
                found_at: r.found_at,
                state: r.state,
                decided_by: r.decided_by_name,
                decided_at: r.decided_at,
                note: r.note,
                version: r.version,
            }
        })
        .collect())
}

/// Ensures the filter's state is one of the proposal states.
pub fn state_of(s: Option<&str>) -> Option<String> {
    s.filter(|s| super::STATES.contains(s)).map(str::to_owned)
}
