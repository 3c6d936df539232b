//! `sipe demo`: a labour competency standard for home electricians with its units and
//! criteria, its accredited evaluators (the demo's training manager and institution
//! staff), a course assessed against it with a finished cohort (competency certificates
//! that add the occupation to the holders' profiles) and a running one being assessed,
//! and a construction training path that leads to the standard.

use chrono::{Datelike, Duration};
use sea_orm::EntityTrait;

use crate::assessment::{self, ResultInput, Upload};
use crate::cohorts::{self, CohortInput};
use crate::courses::{self, CourseInput};
use crate::domain::CohortState;
use crate::enrolment::{self, Origin};
use crate::standards::{self, AccreditationInput, StandardInput, UnitInput};
use sipe_platform::access::Access;
use sipe_platform::audit::AuditCtx;
use sipe_platform::db::Db;
use sipe_platform::ids::OfficeId;
use sipe_platform::module::DemoCtx;

/// (code, title, criteria)
const UNITS: [(&str, &str, &str); 3] = [
    (
        "UC1",
        "Interpretar la documentación técnica de la instalación",
        "Lee planos y esquemas unifilares de una vivienda\nIdentifica circuitos, bocas y protecciones\nCalcula materiales a partir del plano",
    ),
    (
        "UC2",
        "Montar canalizaciones y cableado según la reglamentación",
        "Tiende cañerías y cajas a nivel y plomo\nRespeta las secciones de conductores de la reglamentación AEA\nIdentifica conductores por color",
    ),
    (
        "UC3",
        "Verificar la instalación y trabajar con seguridad",
        "Mide continuidad y aislación antes de energizar\nPrueba el disyuntor diferencial\nUsa elementos de protección personal y corta la energía antes de intervenir",
    ),
];

/// The standard's code.
pub const STANDARD_CODE: &str = "NCL-TUC-0117";
/// The demo users accredited as its evaluators.
const EVALUATORS: [&str; 2] = ["formacion", crate::demo::STAFF_USER];

/// Seeds the standard, its evaluators, the course, its cohorts and the path; nothing
/// when the standard exists. Returns a line for the demo's output.
pub async fn seed(ctx: &DemoCtx<'_>) -> anyhow::Result<String> {
    let db = ctx.db;
    if crate::entity::standard::Entity::find()
        .one(db)
        .await?
        .is_some()
    {
        return Ok(String::new());
    }
    let audit = AuditCtx::system();
    let standard = standards::create(
        db,
        &audit,
        &StandardInput {
            code: STANDARD_CODE.into(),
            title: "Electricista instalador domiciliario".into(),
            occupation: "7411.1".into(),
            units: UNITS
                .iter()
                .map(|(code, title, criteria)| UnitInput {
                    code: (*code).into(),
                    title: (*title).into(),
                    criteria: criteria.lines().map(str::to_owned).collect(),
                })
                .collect(),
            active: None,
        },
    )
    .await?;
    for (n, username) in EVALUATORS.iter().enumerate() {
        standards::accredit(
            db,
            &audit,
            standard,
            &AccreditationInput {
                username: (*username).into(),
                accreditation_number: format!("EV-TUC-{:03}", 40 + n),
                valid_until: "2028-06-30".into(),
            },
        )
        .await?;
    }
    let course = courses::create(
        db,
        &audit,
        &CourseInput {
            name: "Electricista instalador — certificación de competencias".into(),
            family: "Construcción".into(),
            occupation: "7411.1".into(),
            skills: "electricidad domiciliaria\ntrabajo en altura".into(),
            hours: "24".into(),
            certification: "competency".into(),
            standard: standard.to_string(),
            other_requirements: "Experiencia previa en instalaciones eléctricas".into(),
            ..Default::default()
        },
    )
    .await?;
    let tz = ctx.config.tz();
    let today = chrono::Utc::now().with_timezone(&tz).date_naive();
    let finished = cohort(ctx, course, -12).await?;
    let running = cohort(ctx, course, -2).await?;
    let mut certified = 0;
    for (id, finish) in [(finished, true), (running, false)] {
        certified += assess(db, &ctx.config.data_dir, id, finish, today).await?;
    }
    let path = path(db, standard, course).await?;
    Ok(format!(
        "the competency standard {STANDARD_CODE} with {} evaluators, 2 assessed cohorts ({certified} competency certificates) and the path {path}",
        EVALUATORS.len()
    ))
}

/// A cohort of the course at the first institution, starting `weeks` from this week,
/// filled with the office's people and running.
async fn cohort(ctx: &DemoCtx<'_>, course: uuid::Uuid, weeks: i64) -> anyhow::Result<uuid::Uuid> {
    let db = ctx.db;
    let audit = AuditCtx::system();
    let system = Access::system("demo");
    let today = chrono::Utc::now()
        .with_timezone(&ctx.config.tz())
        .date_naive();
    let institution = crate::institutions::active_names(db)
        .await?
        .into_iter()
        .find(|(_, name)| name == crate::demo::INSTITUTIONS[0].0)
        .ok_or_else(|| anyhow::anyhow!("the demo's first institution is missing"))?
        .0;
    let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()))
        + Duration::weeks(weeks);
    let id = cohorts::create(
        db,
        &audit,
        &system,
        &CohortInput {
            course_id: course.to_string(),
            institution_id: institution.to_string(),
            office_code: "OE-CAP-01".into(),
            starts_on: monday.to_string(),
            ends_on: (monday + Duration::weeks(4) - Duration::days(3)).to_string(),
            weekdays: vec!["2".into(), "4".into()],
            start_time: "17:00".into(),
            end_time: "20:00".into(),
            place: "institution".into(),
            capacity: "6".into(),
            instructor: "Téc. Hugo Villagra".into(),
            ..Default::default()
        },
    )
    .await?;
    cohorts::transition(db, &audit, &system, id, CohortState::Enrolling, "", today).await?;
    let office = sipe_platform::territory::store::find_office_by_code(db, "OE-CAP-01")
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo's office OE-CAP-01 is missing"))?;
    let offset = if weeks < -4 { 0 } else { 6 };
    let people = sipe_persons::store::unemployed_of_office(db, OfficeId(office.id), 60).await?;
    for p in people.into_iter().rev().skip(offset).take(6) {
        // Someone not eligible is skipped, as an operator would.
        let _ = enrolment::enrol(db, &audit, &system, id, p.uuid(), Origin::PersonPage).await;
    }
    cohorts::transition(db, &audit, &system, id, CohortState::Running, "", today).await?;
    Ok(id)
}

/// Attendance, and the evaluator's results: every unit competent for most, one unit
/// not yet for one person, the last not assessed yet in a running cohort. A finished
/// cohort is then finished (its certificates issued). Returns the certificates.
async fn assess(
    db: &Db,
    data_dir: &std::path::Path,
    cohort_id: uuid::Uuid,
    finish: bool,
    today: chrono::NaiveDate,
) -> anyhow::Result<usize> {
    let audit = AuditCtx::system();
    let system = Access::system("demo");
    let Some(c) = cohorts::find(db, cohort_id).await? else {
        return Ok(0);
    };
    let (roster, _) = enrolment::roster(db, &system, &c).await?;
    let people: Vec<uuid::Uuid> = roster
        .iter()
        .filter(|r| r.enrolment.state == "enrolled")
        .map(|r| r.enrolment.id)
        .collect();
    for s in cohorts::sessions(db, cohort_id).await? {
        if s.on_date > today {
            break;
        }
        let marks: Vec<crate::attendance::MarkInput> = people
            .iter()
            .map(|e| crate::attendance::MarkInput {
                enrolment_id: *e,
                status: "present".into(),
            })
            .collect();
        crate::attendance::save(db, &audit, &system, s.id, &marks, today).await?;
    }
    let evaluator = sipe_platform::access::store::find_user_by_username(db, EVALUATORS[0])
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo user {} is missing", EVALUATORS[0]))?;
    let access = sipe_platform::access::store::load_access(db, &evaluator).await?;
    let ctx = AuditCtx {
        actor_id: Some(evaluator.id),
        actor_name: evaluator.username.clone(),
        ..AuditCtx::system()
    };
    for (i, e) in people.iter().enumerate() {
        if !finish && i + 1 == people.len() {
            break;
        }
        let results: Vec<ResultInput> = UNITS
            .iter()
            .enumerate()
            .map(|(u, (code, _, _))| ResultInput {
                unit: (*code).into(),
                result: if i == 1 && u == 1 {
                    "not_yet_competent"
                } else {
                    "competent"
                }
                .into(),
                observations: if u == 2 {
                    "Verificó la instalación con el instrumental correspondiente".into()
                } else {
                    String::new()
                },
                seen: None,
            })
            .collect();
        assessment::record(db, &ctx, &access, *e, &results, today).await?;
        let note = format!(
            "Acta de evaluación práctica\nNorma {STANDARD_CODE}\nTablero armado y verificado: sí\n"
        );
        assessment::add_evidence(
            db,
            &ctx,
            &access,
            data_dir,
            *e,
            Upload {
                file_name: "acta-evaluacion.txt",
                unit: "UC3",
                bytes: note.as_bytes(),
            },
            today,
        )
        .await?;
    }
    if !finish {
        return Ok(0);
    }
    cohorts::transition(
        db,
        &audit,
        &system,
        cohort_id,
        CohortState::Finished,
        "",
        today,
    )
    .await?;
    Ok(crate::certificates::of_cohort(db, cohort_id).await?.len())
}

/// The construction path: bricklaying, home electricity, then the assessed course.
async fn path(db: &Db, standard: uuid::Uuid, last: uuid::Uuid) -> anyhow::Result<String> {
    let courses = courses::active(db).await?;
    let id_of = |name: &str| courses.iter().find(|c| c.name == name).map(|c| c.id);
    let steps: Vec<String> = [id_of("Albañilería"), id_of("Electricidad domiciliaria")]
        .into_iter()
        .flatten()
        .chain([last])
        .map(|id| id.to_string())
        .collect();
    let name = "Trayecto de instalaciones en la construcción";
    crate::paths::create(
        db,
        &AuditCtx::system(),
        &crate::paths::PathInput {
            name: name.into(),
            description:
                "De la obra gruesa a la certificación como electricista instalador domiciliario."
                    .into(),
            standard: standard.to_string(),
            courses: steps,
            active: None,
        },
    )
    .await?;
    Ok(name.to_owned())
}
