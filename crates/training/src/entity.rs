//! Tables of training. Rows leave the crate only as the facade's records.

macro_rules! no_relations {
    () => {
        /// No relations are declared: queries join by id explicitly.
        #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
        pub enum Relation {}

        impl ActiveModelBehavior for ActiveModel {}
    };
}

/// Training institutions: vocational training centres, schools, unions, the secretariat.
pub mod institution {
    use sea_orm::entity::prelude::*;

    /// One institution.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "training_institutions")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// CUIT, 11 digits, unique.
        pub cuit: String,
        /// Name.
        pub name: String,
        /// Folded name, for the list's text filter.
        pub search_name: String,
        /// Kind (`centre`, `school`, `university`, `union`, `ngo`, `company`, `secretariat`).
        pub kind: String,
        /// Accreditation number.
        pub accreditation_number: Option<String>,
        /// Accreditation valid until.
        pub accredited_until: Option<Date>,
        /// Department (INDEC code).
        pub territory_code: Option<String>,
        /// Street address.
        pub address: Option<String>,
        /// Contact person.
        pub contact_name: Option<String>,
        /// Phone, E.164.
        pub phone: Option<String>,
        /// E-mail.
        pub email: Option<String>,
        /// Still offering courses?
        pub active: bool,
        /// Created.
        pub created_at: DateTimeUtc,
        /// Last change.
        pub updated_at: DateTimeUtc,
    }

    no_relations!();
}

/// The course catalogue.
pub mod course {
    use sea_orm::entity::prelude::*;

    /// One course.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "training_courses")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Name.
        pub name: String,
        /// Folded name, for the text filter.
        pub search_name: String,
        /// Occupational family (construction, gastronomy, ...).
        pub family: String,
        /// Target occupation (ISCO-08 / Argentine title code).
        pub occupation_code: Option<String>,
        /// Hours.
        pub hours: i32,
        /// `in_person`, `virtual`, `blended`.
        pub modality: String,
        /// Minimum age on the first day.
        pub min_age: Option<i32>,
        /// Minimum ISCED level (`0`–`8`).
        pub min_education: Option<String>,
        /// Other requirements, as text (not checked).
        pub other_requirements: Option<String>,
        /// `attendance`, `approval`, `competency`.
        pub certification: String,
        /// Minimum attendance to complete, percent.
        pub min_attendance: i32,
        /// Must the assessment be passed to complete?
        pub requires_pass: bool,
        /// Still offered?
        pub active: bool,
        /// Created.
        pub created_at: DateTimeUtc,
        /// Last change.
        pub updated_at: DateTimeUtc,
        /// The competency standard it leads to.
        pub standard_id: Option<Uuid>,
    }

    no_relations!();
}

/// Skills a course teaches (codes of the managed skills vocabulary).
pub mod course_skill {
    use sea_orm::entity::prelude::*;

    /// One skill of a course.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "training_course_skills")]
    pub struct Model {
        /// The course.
        #[sea_orm(primary_key, auto_increment = false)]
        pub course_id: Uuid,
        /// The skill's code.
        #[sea_orm(primary_key, auto_increment = false)]
        pub skill_code: String,
    }

    no_relations!();
}

/// Cohorts (comisiones): a course given by an institution on dates, at a place.
pub mod cohort {
    use sea_orm::entity::prelude::*;

    /// One cohort.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "training_cohorts")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Short code (`FP-2026-0001`).
        pub code: String,
        /// The course.
        pub course_id: Uuid,
        /// The institution giving it.
        pub institution_id: Uuid,
        /// The office that runs it; scopes apply through it.
        pub office_id: Uuid,
        /// First day.
        pub starts_on: Date,
        /// Last day.
        pub ends_on: Date,
        /// Weekdays of the sessions, ISO numbers (`1,3,5`).
        pub weekdays: String,
        /// Start time of each session (`HH:MM`).
        pub start_time: String,
        /// End time of each session.
        pub end_time: String,
        /// `office`, `institution`, `virtual`.
        pub place: String,
        /// Room or address detail.
        pub place_detail: Option<String>,
        /// Places.
        pub capacity: i32,
        /// The course's hours when the cohort opened (what its certificates say).
        pub hours: i32,
        /// The course's certification type when the cohort opened.
        pub certification: String,
        /// The course's completion rule when the cohort opened: minimum attendance, %.
        pub min_attendance: i32,
        /// And whether a pass is required (an edit of the course changes later cohorts).
        pub requires_pass: bool,
        /// Instructor's name.
        pub instructor: Option<String>,
        /// `planned`, `enrolling`, `running`, `finished`, `cancelled`.
        pub state: String,
        /// Course id in the Aula Virtual (Moodle), for virtual cohorts.
        pub moodle_course_id: Option<i32>,
        /// Created.
        pub created_at: DateTimeUtc,
        /// Last change.
        pub updated_at: DateTimeUtc,
        /// The competency standard its people are assessed against (its course's, when
        /// the course certifies competency, as the cohort opened).
        pub standard_id: Option<Uuid>,
    }

    no_relations!();
}

/// The history of a cohort's states.
pub mod cohort_event {
    use sea_orm::entity::prelude::*;

    /// One change of state.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "training_cohort_events")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The cohort.
        pub cohort_id: Uuid,
        /// State before (none at creation).
        pub from_state: Option<String>,
        /// State after.
        pub to_state: String,
        /// Why.
        pub note: Option<String>,
        /// Who.
        pub actor_id: Option<Uuid>,
        /// Their name then.
        pub actor_name: String,
        /// When.
        pub at: DateTimeUtc,
    }

    no_relations!();
}

/// The sessions of a cohort, generated from its weekly schedule.
pub mod session {
    use sea_orm::entity::prelude::*;

    /// One session.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "training_sessions")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The cohort.
        pub cohort_id: Uuid,
        /// Day.
        pub on_date: Date,
        /// Start (`HH:MM`).
        pub start_time: String,
        /// End.
        pub end_time: String,
    }

    no_relations!();
}

/// People in cohorts, and those waiting for a place.
pub mod enrolment {
    use sea_orm::entity::prelude::*;

    /// One enrolment.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "training_enrolments")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The cohort.
        pub cohort_id: Uuid,
        /// The person.
        pub person_id: Uuid,
        /// `enrolled`, `waitlisted`, `withdrawn`, `completed`, `not_completed`.
        pub state: String,
        /// `person_page`, `skill_gap`, `bulk`, `api`.
        pub origin: String,
        /// Coded reason of a withdrawal.
        pub withdrawal_reason: Option<String>,
        /// Grade (0–10).
        pub grade: Option<f64>,
        /// Passed the assessment?
        pub passed: Option<bool>,
        /// Attendance percent, set when the cohort finishes.
        pub attendance: Option<i32>,
        /// Created (the waiting list's order).
        pub created_at: DateTimeUtc,
        /// Last change.
        pub updated_at: DateTimeUtc,
    }

    no_relations!();
}

/// Attendance per session and enrolment.
pub mod attendance {
    use sea_orm::entity::prelude::*;

    /// One mark.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "training_attendance")]
    pub struct Model {
        /// The session.
        #[sea_orm(primary_key, auto_increment = false)]
        pub session_id: Uuid,
        /// The enrolment.
        #[sea_orm(primary_key, auto_increment = false)]
        pub enrolment_id: Uuid,
        /// `present`, `absent`, `justified`.
        pub status: String,
        /// Who took it.
        pub recorded_by: Option<Uuid>,
        /// When.
        pub recorded_at: DateTimeUtc,
    }

    no_relations!();
}

/// Certificates, with what they certify copied at issue (a later edit of the course or
/// the person never changes a certificate already printed).
pub mod certificate {
    use sea_orm::entity::prelude::*;

    /// One certificate.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "training_certificates")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Verification code (random, unguessable).
        pub code: String,
        /// The enrolment it certifies.
        pub enrolment_id: Uuid,
        /// The holder.
        pub person_id: Uuid,
        /// The cohort.
        pub cohort_id: Uuid,
        /// Position in the published status list.
        pub status_index: i32,
        /// Holder's name at issue.
        pub holder_name: String,
        /// Holder's document type at issue (`dni`, `py_ci`, `passport`, `foreign`).
        pub holder_doc_type: String,
        /// Holder's document number at issue.
        pub holder_doc: String,
        /// Course name.
        pub course_name: String,
        /// Hours.
        pub hours: i32,
        /// Institution name.
        pub institution_name: String,
        /// First day of the cohort.
        pub starts_on: Date,
        /// Last day.
        pub ends_on: Date,
        /// Issued on.
        pub issued_on: Date,
        /// `attendance`, `approval`, `competency`.
        pub kind: String,
        /// `valid`, `revoked`.
        pub status: String,
        /// When revoked.
        pub revoked_at: Option<DateTimeUtc>,
        /// Why.
        pub revocation_reason: Option<String>,
        /// Created.
        pub created_at: DateTimeUtc,
        /// The skills it certified, as issued: a JSON list of `[code, label]`.
        pub skills: Option<String>,
    }

    no_relations!();
}

/// Numbers handed out one by one (cohort codes per year, positions in the status list),
/// each incremented under its row lock.
pub mod sequence {
    use sea_orm::entity::prelude::*;

    /// One sequence.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "training_sequences")]
    pub struct Model {
        /// Its name (`cohort-2026`, `status-list`).
        #[sea_orm(primary_key, auto_increment = false)]
        pub name: String,
        /// The last number handed out.
        pub last: i32,
    }

    no_relations!();
}

/// The Ed25519 keys that sign the Open Badges credentials and the status lists.
pub mod issuer_key {
    use sea_orm::entity::prelude::*;

    /// One key pair; the private half only sealed.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "training_issuer_keys")]
    pub struct Model {
        /// UUIDv7; the last segment of the key's URL (`kid`).
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// An institution's id, or `sipe` for the deployment.
        #[sea_orm(unique)]
        pub owner: String,
        /// base64url of the public key.
        pub public_key: String,
        /// base64url of nonce ‖ AES-256-GCM(PKCS#8 private key).
        pub sealed_private_key: String,
        /// Created.
        pub created_at: DateTimeUtc,
    }

    no_relations!();
}

/// Per enrolment of a virtual cohort: what was pushed to Moodle and pulled back.
pub mod moodle_link {
    use sea_orm::entity::prelude::*;

    /// One enrolment's sync state.
    #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    #[sea_orm(table_name = "training_moodle_links")]
    pub struct Model {
        /// The enrolment.
        #[sea_orm(primary_key, auto_increment = false)]
        pub enrolment_id: Uuid,
        /// Its cohort.
        pub cohort_id: Uuid,
        /// The Moodle user, once found or created.
        pub moodle_user_id: Option<i64>,
        /// `enrolled`, `unenrolled`, or empty before the first push.
        pub pushed: String,
        /// Failed pushes in a row.
        pub attempts: i32,
        /// Not before (backoff after a failure).
        pub next_attempt_at: Option<DateTimeUtc>,
        /// The last failure.
        pub last_error: Option<String>,
        /// Completed in Moodle, as last pulled.
        pub completed: Option<bool>,
        /// Course total on 0–10, as last pulled.
        pub grade: Option<f64>,
        /// Last pulled.
        pub pulled_at: Option<DateTimeUtc>,
        /// Last changed.
        pub updated_at: DateTimeUtc,
    }

    no_relations!();
}

/// Per cohort: the last Moodle sync.
pub mod moodle_run {
    use sea_orm::entity::prelude::*;

    /// A cohort's last sync.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "training_moodle_runs")]
    pub struct Model {
        /// The cohort.
        #[sea_orm(primary_key, auto_increment = false)]
        pub cohort_id: Uuid,
        /// When.
        pub ran_at: DateTimeUtc,
        /// Enrolments pushed.
        pub pushed: i32,
        /// Outcomes pulled.
        pub pulled: i32,
        /// Enrolments that failed.
        pub failed: i32,
        /// What stopped the run, if anything did.
        pub error: Option<String>,
    }

    no_relations!();
}

/// Labour competency standards (normas de competencia laboral).
pub mod standard {
    use sea_orm::entity::prelude::*;

    /// One standard.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "training_standards")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Registry code, unique (`NCL-0123`).
        pub code: String,
        /// Title.
        pub title: String,
        /// Folded code and title, for the text filter.
        pub search_title: String,
        /// The occupation it certifies.
        pub occupation_code: Option<String>,
        /// Still assessed?
        pub active: bool,
        /// Created.
        pub created_at: DateTimeUtc,
        /// Last change.
        pub updated_at: DateTimeUtc,
    }

    no_relations!();
}

/// Units of competency of a standard, in order.
pub mod standard_unit {
    use sea_orm::entity::prelude::*;

    /// One unit.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "training_standard_units")]
    pub struct Model {
        /// UUIDv7; kept while the unit's code stays.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Its standard.
        pub standard_id: Uuid,
        /// Order within the standard, from 1.
        pub position: i32,
        /// Code, unique within the standard (`UC1`).
        pub code: String,
        /// Title.
        pub title: String,
        /// Performance criteria, one per line.
        pub criteria: String,
    }

    no_relations!();
}

/// Users accredited to assess a standard.
pub mod evaluator {
    use sea_orm::entity::prelude::*;

    /// One accreditation.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "training_evaluators")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The standard.
        pub standard_id: Uuid,
        /// The evaluator's user.
        pub user_id: Uuid,
        /// Accreditation number.
        pub accreditation_number: String,
        /// Valid until (inclusive); none: no end.
        pub valid_until: Option<Date>,
        /// Who accredited.
        pub created_by: String,
        /// When.
        pub created_at: DateTimeUtc,
    }

    no_relations!();
}

/// Training paths (trayectos formativos): ordered courses.
pub mod path {
    use sea_orm::entity::prelude::*;

    /// One path.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "training_paths")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// Name.
        pub name: String,
        /// Folded name, for the text filter.
        pub search_name: String,
        /// Description.
        pub description: Option<String>,
        /// The competency standard it leads to.
        pub standard_id: Option<Uuid>,
        /// Still offered?
        pub active: bool,
        /// Created.
        pub created_at: DateTimeUtc,
        /// Last change.
        pub updated_at: DateTimeUtc,
    }

    no_relations!();
}

/// The courses of a path, in order.
pub mod path_course {
    use sea_orm::entity::prelude::*;

    /// One course in a path.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "training_path_courses")]
    pub struct Model {
        /// The path.
        #[sea_orm(primary_key, auto_increment = false)]
        pub path_id: Uuid,
        /// The course.
        #[sea_orm(primary_key, auto_increment = false)]
        pub course_id: Uuid,
        /// Order, from 1.
        pub position: i32,
    }

    no_relations!();
}

/// An evaluator's result for one unit of competency of one enrolment.
pub mod unit_result {
    use sea_orm::entity::prelude::*;

    /// One result.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "training_unit_results")]
    pub struct Model {
        /// The enrolment assessed.
        #[sea_orm(primary_key, auto_increment = false)]
        pub enrolment_id: Uuid,
        /// The unit.
        #[sea_orm(primary_key, auto_increment = false)]
        pub unit_id: Uuid,
        /// `competent` or `not_yet_competent`.
        pub result: String,
        /// What the evaluator observed.
        pub observations: Option<String>,
        /// The evaluator.
        pub evaluator_id: Uuid,
        /// The evaluator's name then.
        pub evaluator_name: String,
        /// When.
        pub recorded_at: DateTimeUtc,
    }

    no_relations!();
}

/// Files of evidence of an assessment, stored by content in the data directory.
pub mod evidence {
    use sea_orm::entity::prelude::*;

    /// One file.
    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "training_evidence")]
    pub struct Model {
        /// UUIDv7.
        #[sea_orm(primary_key, auto_increment = false)]
        pub id: Uuid,
        /// The enrolment assessed.
        pub enrolment_id: Uuid,
        /// The unit it supports, if one.
        pub unit_id: Option<Uuid>,
        /// SHA-256 of the bytes, lowercase hex: the stored file's name.
        pub sha256: String,
        /// The name it was uploaded with.
        pub file_name: String,
        /// Its media type, as detected.
        pub media_type: String,
        /// Bytes.
        pub size: i64,
        /// Who uploaded it.
        pub uploaded_by: Option<Uuid>,
        /// Their name then.
        pub uploaded_by_name: String,
        /// When.
        pub uploaded_at: DateTimeUtc,
    }

    no_relations!();
}
