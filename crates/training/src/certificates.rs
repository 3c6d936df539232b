//! Certificates: issued when an enrolment completes, each with a random verification
//! code that anyone may check without logging in, revocable with a reason.
//!
//! What a certificate says (holder, document, course, hours, institution, dates) is
//! copied at issue: a later edit of the course or the person never changes a
//! certificate already printed. Scope for staff: a certificate is seen by those who see
//! its holder, and by those who run its cohort.

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use crate::cohorts::Cohort;
use crate::courses::Course;
use crate::domain;
use crate::enrolment::Enrolment;
use crate::entity::{certificate, cohort};
use crate::error::TrainingError;
use crate::institutions::Institution;
use sipe_persons::timeline::Arg;
use sipe_platform::access::Access;
use sipe_platform::audit::{self, AuditCtx, Change};
use sipe_platform::db::{self, Db};
use sipe_platform::ids::PersonId;
use sipe_platform::validation::{self, FieldErrors};
use sipe_platform::web::table::Pager;

pub use certificate::Model as Certificate;

/// `valid` or `revoked`.
pub const VALID: &str = "valid";
/// A revoked certificate.
pub const REVOKED: &str = "revoked";

/// Issues the certificate of a completed enrolment (inside the finishing transaction);
/// `skills` are the course's (code, label), read once for the whole cohort; `today` is
/// the deployment's date (not UTC's: an evening issue in Argentina is still today).
pub async fn issue(
    conn: &impl ConnectionTrait,
    ctx: &AuditCtx,
    e: &Enrolment,
    c: &Cohort,
    (course, institution): (&Course, &Institution),
    skills: &[(String, String)],
    today: chrono::NaiveDate,
) -> Result<Certificate, TrainingError> {
    let card = sipe_persons::store::cards_of(conn, [PersonId(e.person_id)])
        .await?
        .pop()
        .ok_or(TrainingError::NotFound)?;
    let position = status_position(conn).await?;
    let code = domain::new_code(&mut rand::rng());
    let model = certificate::ActiveModel {
        id: Set(Uuid::now_v7()),
        code: Set(code.clone()),
        enrolment_id: Set(e.id),
        person_id: Set(e.person_id),
        cohort_id: Set(c.id),
        status_index: Set(position),
        holder_name: Set(format!(
            "{} {}",
            card.chosen_name.as_deref().unwrap_or(&card.names),
            card.surnames
        )),
        holder_doc_type: Set(card.doc_type.clone()),
        holder_doc: Set(card.doc_number.clone()),
        course_name: Set(course.name.clone()),
        hours: Set(c.hours),
        institution_name: Set(institution.name.clone()),
        starts_on: Set(c.starts_on),
        ends_on: Set(c.ends_on),
        issued_on: Set(today),
        kind: Set(c.certification.clone()),
        status: Set(VALID.to_owned()),
        revoked_at: Set(None),
        revocation_reason: Set(None),
        created_at: Set(Utc::now()),
        skills: Set(Some(json!(skills).to_string())),
    }
    .insert(conn)
    .await?;
    // What the course teaches becomes certified in the person's profile, and a
    // competency standard's occupation too.
    let mut certified =
        sipe_persons::profile::certify_skills(conn, ctx, PersonId(e.person_id), skills, &code)
            .await?;
    if let Some(occupation) = certified_occupation(conn, c).await? {
        certified += sipe_persons::profile::certify_occupation(
            conn,
            ctx,
            PersonId(e.person_id),
            occupation,
            &code,
        )
        .await?;
    }
    sipe_messaging::send(
        conn,
        ctx,
        "certificate_notice",
        PersonId(e.person_id),
        &[
            ("curso", course.name.clone()),
            ("codigo", domain::grouped_code(&code)),
        ],
        &format!("certificate:{}", model.id),
    )
    .await?;
    crate::enrolment::on_timeline(
        conn,
        ctx,
        e.person_id,
        "training.certified",
        c,
        Some(("code", Arg::text(domain::grouped_code(&code)))),
    )
    .await?;
    audit::record(
        conn,
        ctx,
        Change::new(
            "training.certificate.issue",
            "training_certificate",
            model.id,
        )
        .after(json!({
            "enrolment_id": e.id, "person_id": e.person_id, "cohort_id": c.id,
            "skills_certified": certified,
        })),
    )
    .await?;
    Ok(model)
}

/// A free position in the status lists, at random within the current list (a position
/// says nothing of the order of issue; Bitstring Status List's group privacy). Each
/// list is filled to half before the next one opens, so a free position is found in a
/// few tries. Issuing is serialised by the sequence's row lock.
async fn status_position(conn: &impl ConnectionTrait) -> Result<i32, TrainingError> {
    use crate::credentials::LIST_SIZE;
    use rand::Rng;
    let issued = crate::cohorts::next_number(conn, "status-list").await? - 1;
    let first = (issued / (LIST_SIZE / 2)) * LIST_SIZE;
    for _ in 0..64 {
        let candidate = first + rand::rng().random_range(0..LIST_SIZE);
        let taken = certificate::Entity::find()
            .filter(certificate::Column::StatusIndex.eq(candidate))
            .count(conn)
            .await?
            > 0;
        if !taken {
            return Ok(candidate);
        }
    }
    Err(TrainingError::Internal(anyhow::anyhow!(
        "no free status list position after 64 tries in the list from {first}"
    )))
}

/// The occupation (code, title) a cohort's certificate certifies: its standard's, when
/// the cohort assesses competency against one that names an occupation.
async fn certified_occupation(
    conn: &impl ConnectionTrait,
    c: &Cohort,
) -> Result<Option<(String, String)>, DbErr> {
    Ok(crate::assessment::standard_of(conn, c)
        .await?
        .and_then(|s| s.occupation_code)
        .map(|code| {
            let label = crate::courses::occupation_label(&code);
            (code, label)
        }))
}

/// The skills (code, label) a course teaches.
pub(crate) async fn course_skills(
    conn: &impl ConnectionTrait,
    course_id: Uuid,
) -> Result<Vec<(String, String)>, TrainingError> {
    let codes = crate::courses::skill_codes(conn, course_id).await?;
    if codes.is_empty() {
        return Ok(Vec::new());
    }
    Ok(sipe_platform::taxonomy::skills::all(conn)
        .await?
        .into_iter()
        .map(|s| (s.id.to_string(), s.label))
        .filter(|(id, _)| codes.contains(id))
        .collect())
}

/// Certifies again, in the person's profile, what each of their valid certificates
/// certifies (after another certificate of a shared skill was revoked, or a merge).
pub async fn recertify(
    conn: &impl ConnectionTrait,
    ctx: &AuditCtx,
    person: PersonId,
) -> Result<usize, TrainingError> {
    let valid = certificate::Entity::find()
        .filter(certificate::Column::PersonId.eq(person))
        .filter(certificate::Column::Status.eq(VALID))
        .all(conn)
        .await?;
    let mut changed = 0;
    for cert in valid {
        let Some(c) = crate::cohorts::find(conn, cert.cohort_id).await? else {
            continue;
        };
        let skills = course_skills(conn, c.course_id).await?;
        changed +=
            sipe_persons::profile::certify_skills(conn, ctx, person, &skills, &cert.code).await?;
        if let Some(occupation) = certified_occupation(conn, &c).await? {
            changed += sipe_persons::profile::certify_occupation(
                conn, ctx, person, occupation, &cert.code,
            )
            .await?;
        }
    }
    Ok(changed)
}

/// A certificate by its verification code, whoever asks (the code is the secret).
pub async fn by_code(conn: &impl ConnectionTrait, raw: &str) -> Result<Option<Certificate>, DbErr> {
    let Some(code) = domain::parse_code(raw) else {
        return Ok(None);
    };
    certificate::Entity::find()
        .filter(certificate::Column::Code.eq(code))
        .one(conn)
        .await
}

fn in_scope(access: &Access) -> Condition {
    let run_here = sea_orm::sea_query::Query::select()
        .column(cohort::Column::Id)
        .from(cohort::Entity)
        .cond_where(crate::cohorts::run_by(access, &access.view))
        .take();
    Condition::any()
        .add(
            certificate::Column::PersonId
                .in_subquery(sipe_persons::store::ids_in_scope(&access.view)),
        )
        .add(certificate::Column::CohortId.in_subquery(run_here))
}

/// A certificate by code, if the caller may see it as staff.
pub async fn by_code_in_scope(
    conn: &impl ConnectionTrait,
    access: &Access,
    raw: &str,
) -> Result<Option<Certificate>, DbErr> {
    let Some(code) = domain::parse_code(raw) else {
        return Ok(None);
    };
    certificate::Entity::find()
        .filter(certificate::Column::Code.eq(code))
        .filter(in_scope(access))
        .one(conn)
        .await
}

/// Sort columns of the list.
pub const SORTS: [&str; 3] = ["issued_on", "holder_name", "course_name"];

/// Filters of the list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only this cohort's.
    pub cohort_id: Option<Uuid>,
    /// Only this person's.
    pub person_id: Option<Uuid>,
    /// `valid` or `revoked`.
    pub status: Option<&'static str>,
}

/// A page of the certificates the caller may see, and the total.
pub async fn list(
    conn: &impl ConnectionTrait,
    access: &Access,
    filter: &Filter,
    pager: &Pager,
) -> Result<(Vec<Certificate>, u64), DbErr> {
    let mut cond = in_scope(access);
    if let Some(c) = filter.cohort_id {
        cond = Condition::all()
            .add(cond)
            .add(certificate::Column::CohortId.eq(c));
    }
    if let Some(p) = filter.person_id {
        cond = Condition::all()
            .add(cond)
            .add(certificate::Column::PersonId.eq(p));
    }
    if let Some(s) = filter.status {
        cond = Condition::all()
            .add(cond)
            .add(certificate::Column::Status.eq(s));
    }
    let query = certificate::Entity::find().filter(cond);
    let col = match pager.sort.as_str() {
        "holder_name" => certificate::Column::HolderName,
        "course_name" => certificate::Column::CourseName,
        _ => certificate::Column::IssuedOn,
    };
    sipe_platform::web::table::page_of(conn, query, col, certificate::Column::Id, pager).await
}

/// The certificates of a cohort (printing them all), by holder.
pub async fn of_cohort(
    conn: &impl ConnectionTrait,
    cohort_id: Uuid,
) -> Result<Vec<Certificate>, DbErr> {
    certificate::Entity::find()
        .filter(certificate::Column::CohortId.eq(cohort_id))
        .order_by_asc(certificate::Column::HolderName)
        .limit(5_000)
        .all(conn)
        .await
}

/// Revokes a certificate, with the reason. Those who run its cohort may.
pub async fn revoke(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    raw_code: &str,
    reason: &str,
) -> Result<(), TrainingError> {
    let mut errors = FieldErrors::new();
    let reason = validation::multiline_text(&mut errors, "reason", reason, true, 500);
    errors.into_result()?;
    let tx = db::begin_write(db).await?;
    let cert = by_code(&tx, raw_code)
        .await?
        .ok_or(TrainingError::NotFound)?;
    crate::cohorts::editable(&tx, access, cert.cohort_id).await?;
    let now = Utc::now();
    let done = certificate::Entity::update_many()
        .col_expr(certificate::Column::Status, Expr::value(REVOKED))
        .col_expr(certificate::Column::RevokedAt, Expr::value(now))
        .col_expr(
            certificate::Column::RevocationReason,
            Expr::value(reason.clone()),
        )
        .filter(certificate::Column::Id.eq(cert.id))
        .filter(certificate::Column::Status.eq(VALID))
        .exec(&tx)
        .await?;
    if done.rows_affected != 1 {
        return Err(TrainingError::Conflict("certificate-already-revoked"));
    }
    let c = crate::cohorts::find(&tx, cert.cohort_id)
        .await?
        .ok_or(TrainingError::NotFound)?;
    let uncertified =
        sipe_persons::profile::withdraw_certification(&tx, PersonId(cert.person_id), &cert.code)
            .await?;
    // A skill another valid certificate also certifies stays certified.
    recertify(&tx, ctx, PersonId(cert.person_id)).await?;
    crate::enrolment::on_timeline(
        &tx,
        ctx,
        cert.person_id,
        "training.revoked",
        &c,
        Some(("code", Arg::text(domain::grouped_code(&cert.code)))),
    )
    .await?;
    audit::record(
        &tx,
        ctx,
        Change::new(
            "training.certificate.revoke",
            "training_certificate",
            cert.id,
        )
        .before(json!({"status": VALID}))
        .after(json!({"status": REVOKED, "reason": reason, "skills_uncertified": uncertified})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// What the public sees of a certificate: no more than its reader needs to trust it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Verification {
    /// The code, grouped as printed.
    pub code: String,
    /// `valid` or `revoked`.
    pub status: String,
    /// Holder's name.
    pub holder_name: String,
    /// Holder's document with its middle digits hidden.
    pub holder_document: String,
    /// Course.
    pub course: String,
    /// Hours.
    pub hours: i32,
    /// Institution.
    pub institution: String,
    /// First day.
    pub starts_on: chrono::NaiveDate,
    /// Last day.
    pub ends_on: chrono::NaiveDate,
    /// Issued on.
    pub issued_on: chrono::NaiveDate,
    /// `attendance`, `approval`, `competency`.
    pub kind: String,
    /// Revoked on (local date), if revoked.
    pub revoked_on: Option<chrono::NaiveDate>,
}

impl Verification {
    /// The public view of a certificate; dates in the deployment's zone.
    pub fn of(c: &Certificate, tz: chrono_tz::Tz) -> Self {
        Verification {
            code: domain::grouped_code(&c.code),
            status: c.status.clone(),
            holder_name: c.holder_name.clone(),
            holder_document: domain::masked_doc(&c.holder_doc),
            course: c.course_name.clone(),
            hours: c.hours,
            institution: c.institution_name.clone(),
            starts_on: c.starts_on,
            ends_on: c.ends_on,
            issued_on: c.issued_on,
            kind: c.kind.clone(),
            revoked_on: c.revoked_at.map(|t| t.with_timezone(&tz).date_naive()),
        }
    }
}
