//! Institutions, courses, cohorts with their sessions, enrolments, attendance and
//! certificates.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use sipe_platform::db::migrations::schema::{index, ts, ts_null};

/// The training tables.
pub struct M0021Training;

impl MigrationName for M0021Training {
    fn name(&self) -> &str {
        "m0021_training"
    }
}

fn fk(from: &'static str, col: &'static str, to: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(from, col).to(to, "id").take()
}

fn cascade(from: &'static str, col: &'static str, to: &'static str) -> ForeignKeyCreateStatement {
    fk(from, col, to)
        .on_delete(ForeignKeyAction::Cascade)
        .take()
}

#[async_trait::async_trait]
impl MigrationTrait for M0021Training {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("training_institutions")
                .col(pk_uuid("id"))
                .col(string_uniq("cuit"))
                .col(string("name"))
                .col(string("search_name"))
                .col(string("kind"))
                .col(string_null("accreditation_number"))
                .col(date_null("accredited_until"))
                .col(string_null("territory_code"))
                .col(string_null("address"))
                .col(string_null("contact_name"))
                .col(string_null("phone"))
                .col(string_null("email"))
                .col(boolean("active"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(
                    &mut ForeignKey::create()
                        .from("training_institutions", "territory_code")
                        .to("territories", "code")
                        .take(),
                )
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("training_courses")
                .col(pk_uuid("id"))
                .col(string("name"))
                .col(string("search_name"))
                .col(string("family"))
                .col(string_null("occupation_code"))
                .col(integer("hours"))
                .col(string("modality"))
                .col(integer_null("min_age"))
                .col(string_null("min_education"))
                .col(text_null("other_requirements"))
                .col(string("certification"))
                .col(integer("min_attendance"))
                .col(boolean("requires_pass"))
                .col(boolean("active"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("training_course_skills")
                .col(uuid("course_id"))
                .col(string("skill_code"))
                .primary_key(Index::create().col("course_id").col("skill_code"))
                .foreign_key(&mut cascade(
                    "training_course_skills",
                    "course_id",
                    "training_courses",
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "training_course_skills",
            "ix_training_course_skills_skill",
            &["skill_code"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("training_cohorts")
                .col(pk_uuid("id"))
                .col(string_uniq("code"))
                .col(uuid("course_id"))
                .col(uuid("institution_id"))
                .col(uuid("office_id"))
                .col(date("starts_on"))
                .col(date("ends_on"))
                .col(string("weekdays"))
                .col(string("start_time"))
                .col(string("end_time"))
                .col(string("place"))
                .col(string_null("place_detail"))
                .col(integer("capacity"))
                .col(integer("hours"))
                .col(string("certification"))
                .col(integer("min_attendance"))
                .col(boolean("requires_pass"))
                .col(string_null("instructor"))
                .col(string("state"))
                .col(integer_null("moodle_course_id"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("training_cohorts", "course_id", "training_courses"))
                .foreign_key(&mut fk(
                    "training_cohorts",
                    "institution_id",
                    "training_institutions",
                ))
                .foreign_key(&mut fk("training_cohorts", "office_id", "offices"))
                .take(),
        )
        .await?;
        m.create_index(index(
            "training_cohorts",
            "ix_training_cohorts_state",
            &["state", "starts_on"],
        ))
        .await?;
        m.create_index(index(
            "training_cohorts",
            "ix_training_cohorts_course",
            &["course_id"],
        ))
        .await?;
        m.create_index(index(
            "training_cohorts",
            "ix_training_cohorts_institution",
            &["institution_id"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("training_cohort_events")
                .col(pk_uuid("id"))
                .col(uuid("cohort_id"))
                .col(string_null("from_state"))
                .col(string("to_state"))
                .col(text_null("note"))
                .col(uuid_null("actor_id"))
                .col(string("actor_name"))
                .col(ts("at"))
                .foreign_key(&mut cascade(
                    "training_cohort_events",
                    "cohort_id",
                    "training_cohorts",
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "training_cohort_events",
            "ix_training_cohort_events_cohort",
            &["cohort_id", "at"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("training_sessions")
                .col(pk_uuid("id"))
                .col(uuid("cohort_id"))
                .col(date("on_date"))
                .col(string("start_time"))
                .col(string("end_time"))
                .foreign_key(&mut cascade(
                    "training_sessions",
                    "cohort_id",
                    "training_cohorts",
                ))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_training_sessions_day")
                .table("training_sessions")
                .col("cohort_id")
                .col("on_date")
                .unique()
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("training_enrolments")
                .col(pk_uuid("id"))
                .col(uuid("cohort_id"))
                .col(uuid("person_id"))
                .col(string("state"))
                .col(string("origin"))
                .col(string_null("withdrawal_reason"))
                .col(double_null("grade"))
                .col(boolean_null("passed"))
                .col(integer_null("attendance"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk(
                    "training_enrolments",
                    "cohort_id",
                    "training_cohorts",
                ))
                .foreign_key(&mut fk("training_enrolments", "person_id", "persons"))
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_training_enrolments_person")
                .table("training_enrolments")
                .col("cohort_id")
                .col("person_id")
                .unique()
                .take(),
        )
        .await?;
        m.create_index(index(
            "training_enrolments",
            "ix_training_enrolments_person",
            &["person_id"],
        ))
        .await?;
        m.create_index(index(
            "training_enrolments",
            "ix_training_enrolments_cohort",
            &["cohort_id", "state", "created_at"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("training_attendance")
                .col(uuid("session_id"))
                .col(uuid("enrolment_id"))
                .col(string("status"))
                .col(uuid_null("recorded_by"))
                .col(ts("recorded_at"))
                .primary_key(Index::create().col("session_id").col("enrolment_id"))
                .foreign_key(&mut cascade(
                    "training_attendance",
                    "session_id",
                    "training_sessions",
                ))
                .foreign_key(&mut cascade(
                    "training_attendance",
                    "enrolment_id",
                    "training_enrolments",
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "training_attendance",
            "ix_training_attendance_enrolment",
            &["enrolment_id"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("training_certificates")
                .col(pk_uuid("id"))
                .col(string_uniq("code"))
                .col(uuid_uniq("enrolment_id"))
                .col(uuid("person_id"))
                .col(uuid("cohort_id"))
                .col(integer_uniq("status_index"))
                .col(string("holder_name"))
                .col(string("holder_doc_type"))
                .col(string("holder_doc"))
                .col(string("course_name"))
                .col(integer("hours"))
                .col(string("institution_name"))
                .col(date("starts_on"))
                .col(date("ends_on"))
                .col(date("issued_on"))
                .col(string("kind"))
                .col(string("status"))
                .col(ts_null("revoked_at"))
                .col(text_null("revocation_reason"))
                .col(ts("created_at"))
                .foreign_key(&mut fk(
                    "training_certificates",
                    "enrolment_id",
                    "training_enrolments",
                ))
                .foreign_key(&mut fk("training_certificates", "person_id", "persons"))
                .foreign_key(&mut fk(
                    "training_certificates",
                    "cohort_id",
                    "training_cohorts",
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "training_certificates",
            "ix_training_certificates_person",
            &["person_id"],
        ))
        .await?;
        m.create_index(index(
            "training_certificates",
            "ix_training_certificates_cohort",
            &["cohort_id"],
        ))
        .await?;
        m.create_table(
            Table::create()
                .table("training_sequences")
                .col(string("name").primary_key())
                .col(integer("last"))
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "training_sequences",
            "training_certificates",
            "training_attendance",
            "training_enrolments",
            "training_sessions",
            "training_cohort_events",
            "training_cohorts",
            "training_course_skills",
            "training_courses",
            "training_institutions",
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
