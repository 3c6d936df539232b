//! The platform's migrations and the helpers every module's migrations use. The
//! application orders all of them by name (`m0001_…`: the numbers are global) and applies
//! them on SQLite and PostgreSQL alike. A merged migration is never edited: add a new one.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

mod m0015_login_hardening;
mod m0016_settings;
mod m0019_occupation_titles;
mod m0024_user_affiliation;

/// Column and index helpers shared by every module's migrations.
pub mod schema {
    use sea_orm_migration::prelude::*;
    use sea_orm_migration::schema::*;

    /// A timestamp with time zone.
    pub fn ts(name: &'static str) -> ColumnDef {
        timestamp_with_time_zone(name)
    }

    /// A nullable timestamp with time zone.
    pub fn ts_null(name: &'static str) -> ColumnDef {
        timestamp_with_time_zone_null(name)
    }

    /// A (non-unique) index.
    pub fn index(
        table: &'static str,
        name: &'static str,
        cols: &[&'static str],
    ) -> IndexCreateStatement {
        let mut stmt = Index::create();
        stmt.name(name).table(table);
        for c in cols {
            stmt.col(*c);
        }
        stmt.take()
    }
}

use schema::{index, ts, ts_null};

/// The platform's migrations (the application adds the modules' and orders all by name).
pub fn platform() -> Vec<Box<dyn MigrationTrait>> {
    vec![
        Box::new(M0001Platform),
        Box::new(M0005Taxonomy),
        Box::new(m0015_login_hardening::M0015LoginHardening),
        Box::new(m0016_settings::M0016Settings),
        Box::new(m0019_occupation_titles::M0019OccupationTitles),
        Box::new(m0024_user_affiliation::M0024UserAffiliation),
    ]
}

/// Territories, offices, users, sessions, tokens, audit log and jobs.
struct M0001Platform;

impl MigrationName for M0001Platform {
    fn name(&self) -> &str {
        "m0001_platform"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0001Platform {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("territories")
                .col(string("code").primary_key())
                .col(string("kind"))
                .col(string("name"))
                .col(string_null("parent_code"))
                .col(string("country_code"))
                .col(string_null("indec_code"))
                .col(string_null("iso_code"))
                .col(big_integer_null("population"))
                .foreign_key(
                    ForeignKey::create()
                        .from("territories", "parent_code")
                        .to("territories", "code"),
                )
                .take(),
        )
        .await?;
        m.create_index(index(
            "territories",
            "ix_territories_parent",
            &["parent_code"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("offices")
                .col(pk_uuid("id"))
                .col(string_uniq("code"))
                .col(string("name"))
                .col(string("kind"))
                .col(uuid_null("parent_id"))
                .col(string("path"))
                .col(string("address"))
                .col(string_null("territory_code"))
                .col(string("phone"))
                .col(string("email"))
                .col(string("opening_hours"))
                .col(boolean("active"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("offices", "parent_id")
                        .to("offices", "id"),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from("offices", "territory_code")
                        .to("territories", "code"),
                )
                .take(),
        )
        .await?;
        m.create_index(index("offices", "ix_offices_path", &["path"]))
            .await?;

        m.create_table(
            Table::create()
                .table("office_coverage")
                .col(uuid("office_id"))
                .col(string("territory_code"))
                .primary_key(Index::create().col("office_id").col("territory_code"))
                .foreign_key(
                    ForeignKey::create()
                        .from("office_coverage", "office_id")
                        .to("offices", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from("office_coverage", "territory_code")
                        .to("territories", "code"),
                )
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("users")
                .col(pk_uuid("id"))
                .col(string_uniq("username"))
                .col(string("full_name"))
                .col(string("email"))
                .col(string("role"))
                .col(boolean("active"))
                .col(string("password_hash"))
                .col(string_null("totp_secret"))
                .col(boolean("totp_enabled"))
                .col(integer("failed_logins"))
                .col(ts_null("locked_until"))
                .col(ts_null("last_login_at"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("user_scopes")
                .col(pk_uuid("id"))
                .col(uuid("user_id"))
                .col(string("kind"))
                .col(uuid_null("office_id"))
                .foreign_key(
                    ForeignKey::create()
                        .from("user_scopes", "user_id")
                        .to("users", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from("user_scopes", "office_id")
                        .to("offices", "id"),
                )
                .take(),
        )
        .await?;
        m.create_index(index("user_scopes", "ix_user_scopes_user", &["user_id"]))
            .await?;

        m.create_table(
            Table::create()
                .table("sessions")
                .col(string("id").primary_key())
                .col(uuid("user_id"))
                .col(string("csrf_token"))
                .col(boolean("second_factor_pending"))
                .col(ts("created_at"))
                .col(ts("last_seen_at"))
                .col(string_null("ip"))
                .col(string_null("user_agent"))
                .foreign_key(
                    ForeignKey::create()
                        .from("sessions", "user_id")
                        .to("users", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .take(),
        )
        .await?;
        m.create_index(index("sessions", "ix_sessions_user", &["user_id"]))
            .await?;

        m.create_table(
            Table::create()
                .table("api_tokens")
                .col(pk_uuid("id"))
                .col(uuid("user_id"))
                .col(string("name"))
                .col(string_uniq("token_hash"))
                .col(string("prefix"))
                .col(ts("created_at"))
                .col(ts_null("last_used_at"))
                .col(ts_null("revoked_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("api_tokens", "user_id")
                        .to("users", "id")
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .take(),
        )
        .await?;

        // The audit log is append-only and hash-chained; `seq` is assigned under the lock
        // of the single `audit_head` row so the chain has one order on every database.
        m.create_table(
            Table::create()
                .table("audit_log")
                .col(big_integer("seq").primary_key())
                .col(uuid_uniq("id"))
                .col(ts("at"))
                .col(uuid_null("actor_id"))
                .col(string("actor_name"))
                .col(string("action"))
                .col(string("entity_type"))
                .col(string_null("entity_id"))
                .col(text_null("before"))
                .col(text_null("after"))
                .col(string_null("ip"))
                .col(string_null("request_id"))
                .col(string("prev_hash"))
                .col(string("hash"))
                .take(),
        )
        .await?;
        m.create_index(index("audit_log", "ix_audit_at", &["at"]))
            .await?;
        m.create_index(index(
            "audit_log",
            "ix_audit_entity",
            &["entity_type", "entity_id"],
        ))
        .await?;
        m.create_index(index("audit_log", "ix_audit_actor", &["actor_id"]))
            .await?;

        m.create_table(
            Table::create()
                .table("audit_head")
                .col(integer("id").primary_key())
                .col(big_integer("seq"))
                .col(string("last_hash"))
                .take(),
        )
        .await?;
        m.exec_stmt(
            Query::insert()
                .into_table("audit_head")
                .columns(["id", "seq", "last_hash"])
                .values_panic([1.into(), 0i64.into(), crate::audit::GENESIS_HASH.into()])
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("jobs")
                .col(pk_uuid("id"))
                .col(string("kind"))
                .col(text("payload"))
                .col(string("status"))
                .col(integer("attempts"))
                .col(integer("max_attempts"))
                .col(ts("run_at"))
                .col(ts_null("locked_until"))
                .col(text_null("last_error"))
                .col(string_null("idempotency_key").unique_key())
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .col(ts_null("finished_at"))
                .take(),
        )
        .await?;
        m.create_index(index("jobs", "ix_jobs_due", &["status", "run_at"]))
            .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "jobs",
            "audit_head",
            "audit_log",
            "api_tokens",
            "sessions",
            "user_scopes",
            "users",
            "office_coverage",
            "offices",
            "territories",
        ] {
            m.drop_table(Table::drop().table(t).take()).await?;
        }
        Ok(())
    }
}

/// The occupations taxonomy and the skills vocabulary (made by `m0005_person_profile`
/// before the crates were split; here they are made where missing).
struct M0005Taxonomy;

impl MigrationName for M0005Taxonomy {
    fn name(&self) -> &str {
        "m0005_taxonomy"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0005Taxonomy {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .if_not_exists()
                .table("occupation_groups")
                .col(string("code").primary_key())
                .col(string("kind"))
                .col(text("label"))
                .col(string_null("parent_code"))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .if_not_exists()
                .table("occupations")
                .col(string("code").primary_key())
                .col(string("group_code"))
                .col(text("label"))
                .col(text("alt_labels"))
                .col(text("description"))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .if_not_exists()
                .table("skills")
                .col(pk_uuid("id"))
                .col(string_uniq("label"))
                .col(string("source"))
                .col(boolean("active"))
                .col(ts("created_at"))
                .take(),
        )
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["skills", "occupations", "occupation_groups"] {
            m.drop_table(Table::drop().table(t).take()).await?;
        }
        Ok(())
    }
}
