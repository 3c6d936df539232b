//! The one ordered migration set, applied on SQLite and PostgreSQL alike.
//! A merged migration is never edited: add a new one.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

mod m0008_employers;
mod m0009_vacancies;
mod m0010_job_seekers;
mod m0011_referrals;
mod m0012_employer_sites;
mod m0013_referral_origin;
mod m0014_transfer_documents;
mod m0015_login_hardening;
mod m0016_settings;

/// All migrations, in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(M0001Platform),
            Box::new(M0002Persons),
            Box::new(M0003Imports),
            Box::new(M0004PersonDocumentIndex),
            Box::new(M0005PersonProfile),
            Box::new(M0006ImportProgress),
            Box::new(M0007PersonChangeOrder),
            Box::new(m0008_employers::M0008Employers),
            Box::new(m0009_vacancies::M0009Vacancies),
            Box::new(m0010_job_seekers::M0010JobSeekers),
            Box::new(m0011_referrals::M0011Referrals),
            Box::new(m0012_employer_sites::M0012EmployerSites),
            Box::new(m0013_referral_origin::M0013ReferralOrigin),
            Box::new(m0014_transfer_documents::M0014TransferDocuments),
            Box::new(m0015_login_hardening::M0015LoginHardening),
            Box::new(m0016_settings::M0016Settings),
        ]
    }
}

/// Territories, offices, users, sessions, tokens, audit log and jobs.
struct M0001Platform;

impl MigrationName for M0001Platform {
    fn name(&self) -> &str {
        "m0001_platform"
    }
}

pub(super) fn ts(name: &'static str) -> ColumnDef {
    timestamp_with_time_zone(name)
}

pub(super) fn ts_null(name: &'static str) -> ColumnDef {
    timestamp_with_time_zone_null(name)
}

pub(super) fn index(
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

/// The person registry: persons, field-level history and the timeline.
struct M0002Persons;

impl MigrationName for M0002Persons {
    fn name(&self) -> &str {
        "m0002_persons"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0002Persons {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("persons")
                .col(pk_uuid("id"))
                .col(uuid("office_id"))
                .col(string("doc_type"))
                .col(string("doc_number"))
                .col(string_null("cuil").unique_key())
                .col(string("surnames"))
                .col(string("names"))
                .col(string_null("chosen_name"))
                .col(date("birth_date"))
                .col(string("sex"))
                .col(string_null("gender"))
                .col(string("nationality"))
                .col(string_null("marital_status"))
                .col(string_null("phone"))
                .col(string_null("email"))
                .col(boolean("whatsapp_consent"))
                .col(boolean("sms_consent"))
                .col(string("street"))
                .col(string("street_number"))
                .col(string("floor_unit"))
                .col(string("locality"))
                .col(string_null("province_code"))
                .col(string_null("department_code"))
                .col(string("postal_code"))
                .col(string_null("education_level"))
                .col(string_null("employment_status"))
                .col(string("search_name"))
                .col(uuid_null("merged_into"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("persons", "office_id")
                        .to("offices", "id"),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from("persons", "department_code")
                        .to("territories", "code"),
                )
                .take(),
        )
        .await?;
        m.create_index(
            index(
                "persons",
                "ux_persons_document",
                &["doc_type", "doc_number"],
            )
            .unique()
            .take(),
        )
        .await?;
        m.create_index(index("persons", "ix_persons_office", &["office_id"]))
            .await?;
        m.create_index(index("persons", "ix_persons_search_name", &["search_name"]))
            .await?;
        m.create_index(index("persons", "ix_persons_birth_date", &["birth_date"]))
            .await?;
        m.create_index(index("persons", "ix_persons_phone", &["phone"]))
            .await?;
        m.create_index(index("persons", "ix_persons_email", &["email"]))
            .await?;

        m.create_table(
            Table::create()
                .table("person_changes")
                .col(pk_uuid("id"))
                .col(uuid("person_id"))
                .col(string("field"))
                .col(text_null("old_value"))
                .col(text_null("new_value"))
                .col(uuid_null("actor_id"))
                .col(string("actor_name"))
                .col(ts("at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("person_changes", "person_id")
                        .to("persons", "id"),
                )
                .take(),
        )
        .await?;
        m.create_index(index(
            "person_changes",
            "ix_person_changes_person",
            &["person_id", "at"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("timeline_events")
                .col(pk_uuid("id"))
                .col(uuid("person_id"))
                .col(string("kind"))
                .col(string("summary"))
                .col(string_null("link"))
                .col(uuid_null("office_id"))
                .col(uuid_null("author_id"))
                .col(string("author_name"))
                .col(ts("at"))
                .foreign_key(
                    ForeignKey::create()
                        .from("timeline_events", "person_id")
                        .to("persons", "id"),
                )
                .take(),
        )
        .await?;
        m.create_index(index(
            "timeline_events",
            "ix_timeline_person",
            &["person_id", "at"],
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in ["timeline_events", "person_changes", "persons"] {
            m.drop_table(Table::drop().table(t).take()).await?;
        }
        Ok(())
    }
}

/// Import runs: what each file import has done, so an interrupted one resumes.
struct M0003Imports;

impl MigrationName for M0003Imports {
    fn name(&self) -> &str {
        "m0003_imports"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0003Imports {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("import_runs")
                .col(pk_uuid("id"))
                .col(string("kind"))
                .col(string("file_sha256"))
                .col(string("file_name"))
                .col(string("status"))
                .col(big_integer("next_record"))
                .col(big_integer("accepted"))
                .col(big_integer("rejected"))
                .col(big_integer("duplicates"))
                .col(ts("started_at"))
                .col(ts_null("finished_at"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "import_runs",
            "ix_import_runs_file",
            &["kind", "file_sha256"],
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("import_runs").take())
            .await
    }
}

/// Looking a person up by document number alone (the search box does not know the type).
struct M0004PersonDocumentIndex;

impl MigrationName for M0004PersonDocumentIndex {
    fn name(&self) -> &str {
        "m0004_person_document_index"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0004PersonDocumentIndex {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(index("persons", "ix_persons_doc_number", &["doc_number"]))
            .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("ix_persons_doc_number")
                .table("persons")
                .to_owned(),
        )
        .await
    }
}

/// The rest of a person's profile: occupations taxonomy, skills vocabulary, repeating
/// profile items, interviews, transfer requests, duplicate pairs and merges.
struct M0005PersonProfile;

impl MigrationName for M0005PersonProfile {
    fn name(&self) -> &str {
        "m0005_person_profile"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0005PersonProfile {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
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
                .table("skills")
                .col(pk_uuid("id"))
                .col(string_uniq("label"))
                .col(string("source"))
                .col(boolean("active"))
                .col(ts("created_at"))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("profile_items")
                .col(pk_uuid("id"))
                .col(uuid("person_id"))
                .col(string("kind"))
                .col(string("code"))
                .col(text("label"))
                .col(string_null("level"))
                .col(string_null("employer"))
                .col(date_null("from_date"))
                .col(date_null("to_date"))
                .col(text_null("note"))
                .col(ts("created_at"))
                .col(string("created_by"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "profile_items",
            "ix_profile_items_person",
            &["person_id", "kind"],
        ))
        .await?;
        m.create_index(index(
            "profile_items",
            "ix_profile_items_code",
            &["kind", "code"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("interviews")
                .col(pk_uuid("id"))
                .col(uuid("person_id"))
                .col(uuid("office_id"))
                .col(ts("at"))
                .col(uuid_null("interviewer_id"))
                .col(string("interviewer_name"))
                .col(string("situation"))
                .col(string("hours"))
                .col(string("days"))
                .col(integer_null("travel_radius_km"))
                .col(string("barriers"))
                .col(text("notes"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "interviews",
            "ix_interviews_person",
            &["person_id", "at"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("transfer_requests")
                .col(pk_uuid("id"))
                .col(uuid("person_id"))
                .col(uuid("from_office_id"))
                .col(uuid("to_office_id"))
                .col(uuid_null("requested_by"))
                .col(string("requested_by_name"))
                .col(text("reason"))
                .col(string("status"))
                .col(string_null("decided_by_name"))
                .col(ts_null("decided_at"))
                .col(ts("created_at"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "transfer_requests",
            "ix_transfer_requests_status",
            &["status", "from_office_id"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("duplicate_pairs")
                .col(pk_uuid("id"))
                .col(uuid("first_id"))
                .col(uuid("second_id"))
                .col(string("reason"))
                .col(integer("score"))
                .col(string("status"))
                .col(ts("found_at"))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_duplicate_pairs")
                .table("duplicate_pairs")
                .col("first_id")
                .col("second_id")
                .unique()
                .take(),
        )
        .await?;
        let person_columns = [
            boolean("has_disability").default(false).take(),
            string_null("disability_type"),
            date_null("cud_expiry"),
            integer_null("dependants"),
            boolean("head_of_household").default(false).take(),
            date_null("unemployed_since"),
            string_null("availability_hours"),
            integer_null("travel_radius_km"),
        ];
        // One column per statement: SQLite alters one thing at a time.
        for col in person_columns {
            let mut col = col;
            m.alter_table(Table::alter().table("persons").add_column(&mut col).take())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "duplicate_pairs",
            "transfer_requests",
            "interviews",
            "profile_items",
            "skills",
            "occupations",
            "occupation_groups",
        ] {
            m.drop_table(Table::drop().table(t).take()).await?;
        }
        Ok(())
    }
}

/// Import runs record their size, report and author, so uploads show progress.
struct M0006ImportProgress;

impl MigrationName for M0006ImportProgress {
    fn name(&self) -> &str {
        "m0006_import_progress"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0006ImportProgress {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for mut col in [
            big_integer_null("total_records"),
            string_null("report_path"),
            string_null("started_by"),
        ] {
            m.alter_table(
                Table::alter()
                    .table("import_runs")
                    .add_column(&mut col)
                    .take(),
            )
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for col in ["total_records", "report_path", "started_by"] {
            m.alter_table(
                Table::alter()
                    .table("import_runs")
                    .drop_column(Alias::new(col))
                    .take(),
            )
            .await?;
        }
        Ok(())
    }
}

/// The search index follows `persons` by `(updated_at, id)`: without this index every pass
/// scanned and sorted the whole table (quadratic during a large import).
struct M0007PersonChangeOrder;

impl MigrationName for M0007PersonChangeOrder {
    fn name(&self) -> &str {
        "m0007_person_change_order"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0007PersonChangeOrder {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_index(index(
            "persons",
            "ix_persons_updated",
            &["updated_at", "id"],
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("ix_persons_updated")
                .table("persons")
                .to_owned(),
        )
        .await
    }
}
