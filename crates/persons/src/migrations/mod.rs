//! The person registry's migrations. A merged migration is never edited: add a new one.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sipe_platform::db::migrations::schema::{index, ts, ts_null};

mod m0014_transfer_documents;
mod m0017_timeline_args;
mod m0020_duplicate_evidence;
mod m0022_certified_items;
mod m0027_saved_searches;
mod m0038_person_email_consent;

/// The module's migrations (the application orders every module's by name).
pub fn all() -> Vec<Box<dyn MigrationTrait>> {
    vec![
        Box::new(M0002Persons),
        Box::new(M0003Imports),
        Box::new(M0004PersonDocumentIndex),
        Box::new(M0005PersonProfile),
        Box::new(M0006ImportProgress),
        Box::new(M0007PersonChangeOrder),
        Box::new(m0014_transfer_documents::M0014TransferDocuments),
        Box::new(m0017_timeline_args::M0017TimelineArgs),
        Box::new(m0020_duplicate_evidence::M0020DuplicateEvidence),
        Box::new(m0022_certified_items::M0022CertifiedItems),
        Box::new(m0027_saved_searches::M0027SavedSearches),
        Box::new(m0038_person_email_consent::M0038PersonEmailConsent),
    ]
}

/// The person registry: persons, field-level history and the timeline.
pub struct M0002Persons;

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
pub struct M0003Imports;

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
pub struct M0004PersonDocumentIndex;

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

/// The rest of a person's profile: repeating profile items, interviews, transfer
/// requests, duplicate pairs and merges. (Until the crates were split this migration also
/// made the taxonomy's tables; the platform's `m0005_taxonomy` makes them now, and does
/// nothing where this one already did.)
pub struct M0005PersonProfile;

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
        ] {
            m.drop_table(Table::drop().table(t).take()).await?;
        }
        Ok(())
    }
}

/// Import runs record their size, report and author, so uploads show progress.
pub struct M0006ImportProgress;

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
pub struct M0007PersonChangeOrder;

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
