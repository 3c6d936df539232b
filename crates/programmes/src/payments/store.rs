//! Reads of payment runs and their lines. Runs are read by those who manage programmes
//! (system-wide); rejected payments are listed to offices within their view scope.

use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};
use sipe_platform::access::{Access, ScopeKind};
use sipe_platform::web::table::Pager;
use uuid::Uuid;

use crate::entity::{payment_line, payment_run};

pub use payment_line::Model as Line;
pub use payment_run::Model as Run;

/// Sort columns of the runs list.
pub const SORTS: [&str; 2] = ["month", "computed_at"];

/// One run.
pub async fn find(conn: &impl ConnectionTrait, id: Uuid) -> Result<Option<Run>, DbErr> {
    payment_run::Entity::find_by_id(id).one(conn).await
}

/// One run, its row locked until the transaction ends: approving, exporting and
/// reconciling take turns, and each sees the one before.
pub(crate) async fn find_for_update(
    conn: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<Run>, DbErr> {
    use sea_orm::QuerySelect;
    payment_run::Entity::find_by_id(id)
        .lock_exclusive()
        .one(conn)
        .await
}

/// The run of a programme's month, if computed.
pub async fn of_month(
    conn: &impl ConnectionTrait,
    programme: Uuid,
    month: chrono::NaiveDate,
) -> Result<Option<Run>, DbErr> {
    payment_run::Entity::find()
        .filter(payment_run::Column::ProgrammeId.eq(programme))
        .filter(payment_run::Column::Month.eq(month))
        .one(conn)
        .await
}

/// A page of runs (one programme's, or all), newest month first by default.
pub async fn list(
    conn: &impl ConnectionTrait,
    programme: Option<Uuid>,
    pager: &Pager,
) -> Result<(Vec<Run>, u64), DbErr> {
    let mut q = payment_run::Entity::find();
    if let Some(p) = programme {
        q = q.filter(payment_run::Column::ProgrammeId.eq(p));
    }
    let col = match pager.sort.as_str() {
        "computed_at" => payment_run::Column::ComputedAt,
        _ => payment_run::Column::Month,
    };
    sipe_platform::web::table::page_of(conn, q, col, payment_run::Column::Id, pager).await
}

/// A page of a run's lines, in order.
pub async fn lines(
    conn: &impl ConnectionTrait,
    run: Uuid,
    pager: &Pager,
) -> Result<(Vec<Line>, u64), DbErr> {
    let q = payment_line::Entity::find().filter(payment_line::Column::RunId.eq(run));
    sipe_platform::web::table::page_of(
        conn,
        q,
        payment_line::Column::Position,
        payment_line::Column::Id,
        pager,
    )
    .await
}

/// What a payment file writes of a paid line.
#[derive(Debug, Clone, PartialEq, Eq, sea_orm::FromQueryResult)]
pub struct FileLine {
    /// CUIL.
    pub cuil: Option<String>,
    /// `Surnames, names`.
    pub name: String,
    /// CBU or alias.
    pub account: Option<String>,
    /// Paid, cents.
    pub amount_cents: i64,
}

/// A run's paid lines as its payment file writes them, in order: only the four columns
/// a file needs (a 100,000-line run is read in a fraction of the whole lines' time).
pub async fn file_lines(conn: &impl ConnectionTrait, run: Uuid) -> Result<Vec<FileLine>, DbErr> {
    use sea_orm::QuerySelect;
    payment_line::Entity::find()
        .select_only()
        .columns([
            payment_line::Column::Cuil,
            payment_line::Column::Name,
            payment_line::Column::Account,
            payment_line::Column::AmountCents,
        ])
        .filter(payment_line::Column::RunId.eq(run))
        .filter(payment_line::Column::AmountCents.gt(0))
        .order_by_asc(payment_line::Column::Position)
        .into_model::<FileLine>()
        .all(conn)
        .await
}

/// A run's paid lines, whole, in order (the bank's answer is matched against them).
pub async fn paid_lines(conn: &impl ConnectionTrait, run: Uuid) -> Result<Vec<Line>, DbErr> {
    payment_line::Entity::find()
        .filter(payment_line::Column::RunId.eq(run))
        .filter(payment_line::Column::AmountCents.gt(0))
        .order_by_asc(payment_line::Column::Position)
        .all(conn)
        .await
}

/// Condition: a rejected payment not yet paid again by a later run.
pub(crate) fn rejected_open() -> Condition {
    Condition::all()
        .add(payment_line::Column::Result.eq("rejected"))
        .add(
            Expr::col(payment_line::Column::Id).not_in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(payment_line::Column::Carries)
                    .from(payment_line::Entity)
                    .and_where(Expr::col(payment_line::Column::Carries).is_not_null())
                    // Only a frozen run's line settles it: a computed one may never be
                    // approved.
                    .and_where(
                        Expr::col(payment_line::Column::RunId).in_subquery(
                            sea_orm::sea_query::Query::select()
                                .column(payment_run::Column::Id)
                                .from(payment_run::Entity)
                                .and_where(
                                    Expr::col(payment_run::Column::State).is_in(super::FROZEN),
                                )
                                .take(),
                        ),
                    )
                    .take(),
            ),
        )
}

/// A page of the rejected payments not yet paid again, of people in the caller's view
/// scope (to correct their accounts), oldest first.
pub async fn rejected(
    conn: &impl ConnectionTrait,
    access: &Access,
    pager: &Pager,
) -> Result<(Vec<Line>, u64), DbErr> {
    let q = payment_line::Entity::find().filter(rejected_open()).filter(
        Expr::col(payment_line::Column::PersonId).in_subquery(sipe_persons::store::ids_in_scope(
            access.scope(ScopeKind::View),
        )),
    );
    sipe_platform::web::table::page_of(
        conn,
        q,
        payment_line::Column::Id,
        payment_line::Column::Id,
        pager,
    )
    .await
}
