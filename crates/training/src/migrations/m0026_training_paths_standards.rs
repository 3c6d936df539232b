//! Training paths (ordered courses), labour competency standards with their units and
//! accredited evaluators, and the competency assessment of an enrolment: a result per
//! unit and the evidence behind it.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use sipe_platform::db::migrations::schema::{index, ts};

/// The paths, standards and assessment tables.
pub struct M0026TrainingPathsStandards;

impl MigrationName for M0026TrainingPathsStandards {
    fn name(&self) -> &str {
        "m0026_training_paths_standards"
    }
}

fn cascade(from: &'static str, col: &'static str, to: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(from, col)
        .to(to, "id")
        .on_delete(ForeignKeyAction::Cascade)
        .take()
}

#[async_trait::async_trait]
impl MigrationTrait for M0026TrainingPathsStandards {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("training_standards")
                .col(pk_uuid("id"))
                .col(string_uniq("code"))
                .col(string("title"))
                .col(string("search_title"))
                .col(string_null("occupation_code"))
                .col(boolean("active"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("training_standard_units")
                .col(pk_uuid("id"))
                .col(uuid("standard_id"))
                .col(integer("position"))
                .col(string("code"))
                .col(string("title"))
                // Performance criteria, one per line.
                .col(text("criteria"))
                .foreign_key(&mut cascade(
                    "training_standard_units",
                    "standard_id",
                    "training_standards",
                ))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_training_standard_units_code")
                .table("training_standard_units")
                .col("standard_id")
                .col("code")
                .unique()
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("training_evaluators")
                .col(pk_uuid("id"))
                .col(uuid("standard_id"))
                .col(uuid("user_id"))
                .col(string("accreditation_number"))
                .col(date_null("valid_until"))
                .col(string("created_by"))
                .col(ts("created_at"))
                .foreign_key(&mut cascade(
                    "training_evaluators",
                    "standard_id",
                    "training_standards",
                ))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_training_evaluators")
                .table("training_evaluators")
                .col("standard_id")
                .col("user_id")
                .unique()
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("training_paths")
                .col(pk_uuid("id"))
                .col(string("name"))
                .col(string("search_name"))
                .col(text_null("description"))
                .col(uuid_null("standard_id"))
                .col(boolean("active"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(
                    &mut ForeignKey::create()
                        .from("training_paths", "standard_id")
                        .to("training_standards", "id")
                        .take(),
                )
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("training_path_courses")
                .col(uuid("path_id"))
                .col(uuid("course_id"))
                .col(integer("position"))
                .primary_key(Index::create().col("path_id").col("course_id"))
                .foreign_key(&mut cascade(
                    "training_path_courses",
                    "path_id",
                    "training_paths",
                ))
                .foreign_key(
                    &mut ForeignKey::create()
                        .from("training_path_courses", "course_id")
                        .to("training_courses", "id")
                        .take(),
                )
                .take(),
        )
        .await?;
        m.create_index(index(
            "training_path_courses",
            "ix_training_path_courses_course",
            &["course_id"],
        ))
        .await?;
        // The standard a course leads to, and the one a cohort assesses against (copied
        // from its course when it opens, as its completion rule is). No foreign keys:
        // SQLite cannot add one to an existing table; the use cases check them.
        for table in ["training_courses", "training_cohorts"] {
            m.alter_table(
                Table::alter()
                    .table(table)
                    .add_column(uuid_null("standard_id"))
                    .take(),
            )
            .await?;
        }
        m.create_table(
            Table::create()
                .table("training_unit_results")
                .col(uuid("enrolment_id"))
                .col(uuid("unit_id"))
                // `competent` or `not_yet_competent`.
                .col(string("result"))
                .col(text_null("observations"))
                .col(uuid("evaluator_id"))
                .col(string("evaluator_name"))
                .col(ts("recorded_at"))
                .primary_key(Index::create().col("enrolment_id").col("unit_id"))
                .foreign_key(&mut cascade(
                    "training_unit_results",
                    "enrolment_id",
                    "training_enrolments",
                ))
                .foreign_key(
                    &mut ForeignKey::create()
                        .from("training_unit_results", "unit_id")
                        .to("training_standard_units", "id")
                        .take(),
                )
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("training_evidence")
                .col(pk_uuid("id"))
                .col(uuid("enrolment_id"))
                .col(uuid_null("unit_id"))
                // The file's SHA-256, which names it in the data directory.
                .col(string("sha256"))
                .col(string("file_name"))
                .col(string("media_type"))
                .col(big_integer("size"))
                .col(uuid_null("uploaded_by"))
                .col(string("uploaded_by_name"))
                .col(ts("uploaded_at"))
                .foreign_key(&mut cascade(
                    "training_evidence",
                    "enrolment_id",
                    "training_enrolments",
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "training_evidence",
            "ix_training_evidence_enrolment",
            &["enrolment_id"],
        ))
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "training_evidence",
            "training_unit_results",
            "training_path_courses",
            "training_paths",
            "training_evaluators",
            "training_standard_units",
            "training_standards",
        ] {
            m.drop_table(Table::drop().table(table).take()).await?;
        }
        for table in ["training_cohorts", "training_courses"] {
            m.alter_table(
                Table::alter()
                    .table(table)
                    .drop_column("standard_id")
                    .take(),
            )
            .await?;
        }
        Ok(())
    }
}
