//! Every read of applications: only those of people in the caller's scope.

use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder,
};
use serde::Serialize;
use sipe_platform::access::{Access, ScopeKind};
use sipe_platform::ids::PersonId;
use sipe_platform::web::table::Pager;
use uuid::Uuid;

use super::{HOLDING, WAITING};
use crate::entity::{application, application_event};

pub use application::Model as Application;
pub use application_event::Model as Step;

/// Rows of people in the scope.
fn in_scope(access: &Access, kind: ScopeKind) -> Condition {
    Condition::all().add(
        Expr::col(application::Column::PersonId)
            .in_subquery(sipe_persons::store::ids_in_scope(access.scope(kind))),
    )
}

/// An application of a person in the caller's scope of that kind.
pub async fn find(
    conn: &impl ConnectionTrait,
    access: &Access,
    kind: ScopeKind,
    id: Uuid,
) -> Result<Option<Application>, DbErr> {
    application::Entity::find_by_id(id)
        .filter(in_scope(access, kind))
        .one(conn)
        .await
}

/// The same, its row locked until the transaction ends (a step reads, checks and
/// writes it; a second step at once waits and then sees the first one's version).
pub async fn find_for_update(
    conn: &impl ConnectionTrait,
    access: &Access,
    kind: ScopeKind,
    id: Uuid,
) -> Result<Option<Application>, DbErr> {
    use sea_orm::QuerySelect;
    application::Entity::find_by_id(id)
        .filter(in_scope(access, kind))
        .lock_exclusive()
        .one(conn)
        .await
}

/// Filters of the applications list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// One programme.
    pub programme: Option<Uuid>,
    /// One state; `waiting` for both waiting states.
    pub state: Option<String>,
    /// One office.
    pub office: Option<Uuid>,
    /// One person.
    pub person: Option<Uuid>,
}

/// Sort columns of the list.
pub const SORTS: [&str; 3] = ["submitted_at", "created_at", "updated_at"];

/// An application with what a list shows of it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Row {
    /// Id.
    pub id: Uuid,
    /// Programme id.
    pub programme_id: Uuid,
    /// Programme code.
    pub programme_code: String,
    /// Person id.
    pub person_id: Uuid,
    /// The person's name.
    pub person: String,
    /// Office id (whose quota it uses).
    pub office_id: Uuid,
    /// State.
    pub state: String,
    /// Amount category.
    pub category: String,
    /// Approval number.
    pub number: Option<String>,
    /// Sent for review.
    pub submitted_at: Option<chrono::DateTime<chrono::Utc>>,
    /// First day.
    pub starts_on: Option<chrono::NaiveDate>,
    /// Last day planned.
    pub ends_on: Option<chrono::NaiveDate>,
    /// Day it finished, if it did.
    pub finished_on: Option<chrono::NaiveDate>,
    /// Reason of a rejection or an end.
    pub reason: Option<String>,
    /// Place in the office's waiting list (waiting ones only; 1 is next).
    pub waiting_position: Option<u64>,
    /// Version, for the next step.
    pub version: i32,
}

/// A page of the applications in the caller's view scope, and the total.
pub async fn list(
    conn: &impl ConnectionTrait,
    access: &Access,
    filter: &Filter,
    pager: &Pager,
) -> Result<(Vec<Row>, u64), DbErr> {
    let mut q = application::Entity::find().filter(in_scope(access, ScopeKind::View));
    if let Some(p) = filter.programme {
        q = q.filter(application::Column::ProgrammeId.eq(p));
    }
    match filter.state.as_deref() {
        Some("waiting") => q = q.filter(application::Column::State.is_in(WAITING)),
        Some(s) => q = q.filter(application::Column::State.eq(s)),
        None => {}
    }
    if let Some(o) = filter.office {
        q = q.filter(application::Column::OfficeId.eq(o));
    }
    if let Some(p) = filter.person {
        q = q.filter(application::Column::PersonId.eq(p));
    }
    let col = match pager.sort.as_str() {
        "created_at" => application::Column::CreatedAt,
        "updated_at" => application::Column::UpdatedAt,
        _ => application::Column::SubmittedAt,
    };
    let (rows, total) =
        sipe_platform::web::table::page_of(conn, q, col, application::Column::Id, pager).await?;
    Ok((rows_of(conn, rows).await?, total))
}

/// The applications of a person (the caller has checked the person is visible), newest
/// first.
pub async fn of_person(conn: &impl ConnectionTrait, person: Uuid) -> Result<Vec<Row>, DbErr> {
    let rows = application::Entity::find()
        .filter(application::Column::PersonId.eq(person))
        .order_by_desc(application::Column::CreatedAt)
        .all(conn)
        .await?;
    rows_of(conn, rows).await
}

/// Rows with the names of their programme and person, and waiting positions.
pub async fn rows_of(
    conn: &impl ConnectionTrait,
    rows: Vec<Application>,
) -> Result<Vec<Row>, DbErr> {
    let programmes = crate::programmes::all(conn).await?;
    let names =
        sipe_persons::store::names_of(conn, rows.iter().map(|r| PersonId(r.person_id))).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let waiting_position = if WAITING.contains(&r.state.as_str()) {
            Some(waiting_position(conn, &r).await?)
        } else {
            None
        };
        out.push(Row {
            programme_code: programmes
                .iter()
                .find(|p| p.id == r.programme_id)
                .map_or_else(String::new, |p| p.code.clone()),
            person: names
                .iter()
                .find(|n| n.id == r.person_id)
                .map_or_else(String::new, |n| n.display()),
            reason: r.reject_reason.clone().or(r.finish_reason.clone()),
            waiting_position,
            id: r.id,
            programme_id: r.programme_id,
            person_id: r.person_id,
            office_id: r.office_id,
            state: r.state,
            category: r.category,
            number: r.number,
            submitted_at: r.submitted_at,
            starts_on: r.starts_on,
            ends_on: r.ends_on,
            finished_on: r.finished_on,
            version: r.version,
        });
    }
    Ok(out)
}

/// The latest day a suspension or resumption took effect, per application (an ending
/// cannot be dated before it).
pub async fn last_step_days(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, chrono::NaiveDate>, DbErr> {
    let mut out: std::collections::HashMap<Uuid, chrono::NaiveDate> =
        std::collections::HashMap::new();
    for chunk in ids.chunks(1_000) {
        for s in application_event::Entity::find()
            .filter(application_event::Column::ApplicationId.is_in(chunk.iter().copied()))
            .filter(application_event::Column::Action.is_in(["suspend", "resume"]))
            .filter(application_event::Column::EffectiveOn.is_not_null())
            .all(conn)
            .await?
        {
            if let Some(day) = s.effective_on {
                let last = out.entry(s.application_id).or_insert(day);
                *last = std::cmp::max(*last, day);
            }
        }
    }
    Ok(out)
}

/// Place of a waiting application among those of its programme and office (1 is next):
/// by the day they were sent, then by id.
pub async fn waiting_position(conn: &impl ConnectionTrait, a: &Application) -> Result<u64, DbErr> {
    let Some(at) = a.submitted_at else {
        return Ok(0);
    };
    let before = application::Entity::find()
        .filter(application::Column::ProgrammeId.eq(a.programme_id))
        .filter(application::Column::OfficeId.eq(a.office_id))
        .filter(application::Column::State.is_in(WAITING))
        .filter(
            Condition::any()
                .add(application::Column::SubmittedAt.lt(at))
                .add(
                    Condition::all()
                        .add(application::Column::SubmittedAt.eq(at))
                        .add(application::Column::Id.lt(a.id)),
                ),
        )
        .count(conn)
        .await?;
    Ok(before + 1)
}

/// Places of a programme taken now: in one office, or in all.
pub async fn holding(
    conn: &impl ConnectionTrait,
    programme: Uuid,
    office: Option<Uuid>,
) -> Result<u64, DbErr> {
    let mut q = application::Entity::find()
        .filter(application::Column::ProgrammeId.eq(programme))
        .filter(application::Column::State.is_in(HOLDING));
    if let Some(o) = office {
        q = q.filter(application::Column::OfficeId.eq(o));
    }
    q.count(conn).await
}

/// The steps of an application, oldest first.
pub async fn steps(conn: &impl ConnectionTrait, id: Uuid) -> Result<Vec<Step>, DbErr> {
    application_event::Entity::find()
        .filter(application_event::Column::ApplicationId.eq(id))
        .order_by_asc(application_event::Column::At)
        .order_by_asc(application_event::Column::Id)
        .all(conn)
        .await
}
