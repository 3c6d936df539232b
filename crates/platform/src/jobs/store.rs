//! Queries of the jobs table. Claiming is a conditional UPDATE, portable to every
//! database we support (no advisory locks, no SKIP LOCKED).

use chrono::{Duration, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use uuid::Uuid;

use super::entity::job;

/// Inserts a job (inside the caller's transaction). With an idempotency key, a second
/// enqueue of the same key is ignored.
pub async fn enqueue(
    conn: &impl ConnectionTrait,
    kind: &str,
    payload: &serde_json::Value,
    idempotency_key: Option<String>,
) -> Result<(), DbErr> {
    let now = Utc::now();
    let model = job::ActiveModel {
        id: Set(Uuid::now_v7()),
        kind: Set(kind.to_owned()),
        payload: Set(payload.to_string()),
        status: Set("pending".into()),
        attempts: Set(0),
        max_attempts: Set(5),
        run_at: Set(now),
        locked_until: Set(None),
        last_error: Set(None),
        idempotency_key: Set(idempotency_key),
        created_at: Set(now),
        updated_at: Set(now),
        finished_at: Set(None),
    };
    job::Entity::insert(model)
        .on_conflict_do_nothing_on([job::Column::IdempotencyKey])
        .exec(conn)
        .await?;
    Ok(())
}

/// Is a job of `kind` pending or running?
pub async fn is_active(conn: &impl ConnectionTrait, kind: &str) -> Result<bool, DbErr> {
    Ok(job::Entity::find()
        .filter(job::Column::Kind.eq(kind))
        .filter(job::Column::Status.is_in(["pending", "running"]))
        .count(conn)
        .await?
        > 0)
}

/// Enqueues a job of `kind` unless one is pending or running; returns whether none was.
///
/// The idempotency key counts the jobs of this kind so far: two requests at once
/// compute the same key, so only one row is inserted, on every database.
pub async fn enqueue_exclusive(
    conn: &impl ConnectionTrait,
    kind: &str,
    payload: &serde_json::Value,
) -> Result<bool, DbErr> {
    if is_active(conn, kind).await? {
        return Ok(false);
    }
    let so_far = job::Entity::find()
        .filter(job::Column::Kind.eq(kind))
        .count(conn)
        .await?;
    enqueue(
        conn,
        kind,
        payload,
        Some(format!("{kind}:exclusive:{so_far}")),
    )
    .await?;
    Ok(true)
}

/// Due jobs: pending and due, or running with an expired lock.
pub async fn due(conn: &impl ConnectionTrait, limit: u64) -> Result<Vec<job::Model>, DbErr> {
    let now = Utc::now();
    job::Entity::find()
        .filter(
            Condition::any()
                .add(
                    Condition::all()
                        .add(job::Column::Status.eq("pending"))
                        .add(job::Column::RunAt.lte(now)),
                )
                .add(
                    Condition::all()
                        .add(job::Column::Status.eq("running"))
                        .add(job::Column::LockedUntil.lt(now)),
                ),
        )
        .order_by_asc(job::Column::RunAt)
        .limit(limit)
        .all(conn)
        .await
}

/// Takes a job if nobody else did since we read it; true when we got it.
pub async fn claim(
    conn: &impl ConnectionTrait,
    j: &job::Model,
    lease: Duration,
) -> Result<bool, DbErr> {
    let now = Utc::now();
    let res = job::Entity::update_many()
        .col_expr(job::Column::Status, Expr::value("running"))
        .col_expr(job::Column::Attempts, Expr::value(j.attempts + 1))
        .col_expr(job::Column::LockedUntil, Expr::value(now + lease))
        .col_expr(job::Column::UpdatedAt, Expr::value(now))
        .filter(job::Column::Id.eq(j.id))
        .filter(job::Column::Attempts.eq(j.attempts))
        .filter(job::Column::Status.eq(j.status.clone()))
        .exec(conn)
        .await?;
    Ok(res.rows_affected == 1)
}

/// Marks a job done.
pub async fn complete(conn: &impl ConnectionTrait, id: Uuid) -> Result<(), DbErr> {
    let now = Utc::now();
    job::Entity::update_many()
        .col_expr(job::Column::Status, Expr::value("done"))
        .col_expr(
            job::Column::LockedUntil,
            Expr::value(Option::<chrono::DateTime<Utc>>::None),
        )
        .col_expr(job::Column::FinishedAt, Expr::value(now))
        .col_expr(job::Column::UpdatedAt, Expr::value(now))
        .filter(job::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Backoff before attempt `n + 1`: 10 s, 40 s, 90 s... capped at one hour.
pub fn backoff(attempts: i32) -> Duration {
    Duration::seconds((10 * i64::from(attempts).pow(2)).min(3600))
}

/// Records a failure: back to pending with backoff, or `failed` when out of attempts.
pub async fn fail(conn: &impl ConnectionTrait, j: &job::Model, error: &str) -> Result<(), DbErr> {
    let now = Utc::now();
    let attempts = j.attempts + 1;
    let exhausted = attempts >= j.max_attempts;
    job::Entity::update_many()
        .col_expr(
            job::Column::Status,
            Expr::value(if exhausted { "failed" } else { "pending" }),
        )
        .col_expr(job::Column::RunAt, Expr::value(now + backoff(attempts)))
        .col_expr(
            job::Column::LockedUntil,
            Expr::value(Option::<chrono::DateTime<Utc>>::None),
        )
        .col_expr(
            job::Column::LastError,
            Expr::value(error.chars().take(2000).collect::<String>()),
        )
        .col_expr(job::Column::UpdatedAt, Expr::value(now))
        .filter(job::Column::Id.eq(j.id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Puts a failed job back in the queue with fresh attempts.
pub async fn retry(conn: &impl ConnectionTrait, id: Uuid) -> Result<bool, DbErr> {
    let now = Utc::now();
    let res = job::Entity::update_many()
        .col_expr(job::Column::Status, Expr::value("pending"))
        .col_expr(job::Column::Attempts, Expr::value(0))
        .col_expr(job::Column::RunAt, Expr::value(now))
        .col_expr(job::Column::UpdatedAt, Expr::value(now))
        .filter(job::Column::Id.eq(id))
        .filter(job::Column::Status.eq("failed"))
        .exec(conn)
        .await?;
    Ok(res.rows_affected == 1)
}

/// One page of jobs, newest first, optionally of one status.
pub async fn list(
    conn: &impl ConnectionTrait,
    status: Option<&str>,
    offset: u64,
    limit: u64,
) -> Result<(Vec<job::Model>, u64), DbErr> {
    let mut q = job::Entity::find();
    if let Some(s) = status {
        q = q.filter(job::Column::Status.eq(s));
    }
    let total = q.clone().count(conn).await?;
    let rows = q
        .order_by_desc(job::Column::CreatedAt)
        .offset(offset)
        .limit(limit)
        .all(conn)
        .await?;
    Ok((rows, total))
}

/// Jobs in a status.
pub async fn count_by_status(conn: &impl ConnectionTrait, status: &str) -> Result<u64, DbErr> {
    job::Entity::find()
        .filter(job::Column::Status.eq(status))
        .count(conn)
        .await
}
