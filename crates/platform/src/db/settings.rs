//! Facts about the installation kept in the database (`settings`): its identity and the
//! demo's seeding progress. Plain SQL through sea-query: the table has two columns.

use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{ConnectionTrait, DbErr};

/// The key of the database's identity.
pub const DATABASE_ID: &str = "database_id";

/// The value of a setting.
pub async fn get(conn: &impl ConnectionTrait, key: &str) -> Result<Option<String>, DbErr> {
    let stmt = Query::select()
        .column("value")
        .from("settings")
        .and_where(Expr::col("key").eq(key))
        .to_owned();
    let row = conn.query_one(&stmt).await?;
    row.map(|r| r.try_get::<String>("", "value")).transpose()
}

/// Sets a setting (insert or replace).
pub async fn set(conn: &impl ConnectionTrait, key: &str, value: &str) -> Result<(), DbErr> {
    let stmt = Query::insert()
        .into_table("settings")
        .columns(["key", "value"])
        .values_panic([key.into(), value.into()])
        .on_conflict(OnConflict::column("key").update_column("value").to_owned())
        .to_owned();
    conn.execute(&stmt).await?;
    Ok(())
}

/// The database's identity, given once (the first node to ask creates it; a concurrent
/// second one keeps the first's).
pub async fn database_id(conn: &impl ConnectionTrait) -> Result<String, DbErr> {
    if let Some(id) = get(conn, DATABASE_ID).await? {
        return Ok(id);
    }
    let stmt = Query::insert()
        .into_table("settings")
        .columns(["key", "value"])
        .values_panic([DATABASE_ID.into(), uuid::Uuid::new_v4().to_string().into()])
        .on_conflict(OnConflict::column("key").do_nothing().to_owned())
        .to_owned();
    conn.execute(&stmt).await?;
    get(conn, DATABASE_ID)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("settings.database_id".into()))
}
