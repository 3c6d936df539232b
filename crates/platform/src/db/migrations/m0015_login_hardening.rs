//! Second-factor attempts, replayed codes and token lifetimes.

use sea_orm::{ConnectionTrait, Statement};
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

/// `sessions.second_factor_failures` (wrong codes on a pending login),
/// `users.totp_last_step` (the last time step accepted, so a code is used once) and
/// `api_tokens.expires_at` (existing tokens expire 90 days after they were created).
pub struct M0015LoginHardening;

impl MigrationName for M0015LoginHardening {
    fn name(&self) -> &str {
        "m0015_login_hardening"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0015LoginHardening {
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }

    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("sessions")
                .add_column(integer("second_factor_failures").default(0).take())
                .take(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("users")
                .add_column(big_integer_null("totp_last_step"))
                .take(),
        )
        .await?;
        m.alter_table(
            Table::alter()
                .table("api_tokens")
                .add_column(super::ts_null("expires_at"))
                .take(),
        )
        .await?;
        // Date arithmetic differs between the databases: done here, token by token.
        let conn = m.get_connection();
        let backend = conn.get_database_backend();
        let rows = conn
            .query_all_raw(Statement::from_string(
                backend,
                "SELECT id, created_at FROM api_tokens",
            ))
            .await?;
        for row in rows {
            let id: uuid::Uuid = row.try_get("", "id")?;
            let created: chrono::DateTime<chrono::Utc> = row.try_get("", "created_at")?;
            let expires = created + chrono::Duration::days(90);
            let stmt = Query::update()
                .table("api_tokens")
                .value("expires_at", expires)
                .and_where(Expr::col("id").eq(id))
                .to_owned();
            m.exec_stmt(stmt).await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for (table, column) in [
            ("sessions", "second_factor_failures"),
            ("users", "totp_last_step"),
            ("api_tokens", "expires_at"),
        ] {
            m.alter_table(Table::alter().table(table).drop_column(column).take())
                .await?;
        }
        Ok(())
    }
}
