//! `sipe demo`: Tucumán's training network (vocational training centres in several
//! departments, a union's foundation, a university, the secretariat's Aula Virtual),
//! courses over the province's trades, and cohorts in every state with enrolments,
//! attendance and certificates of the demo people, all through the ordinary use cases.

use chrono::{Datelike, Duration, NaiveDate};
use sea_orm::EntityTrait;

use crate::attendance::{self, MarkInput, OutcomeInput};
use crate::cohorts::{self, CohortInput};
use crate::courses::{self, CourseInput};
use crate::domain::CohortState;
use crate::enrolment::{self, Origin};
use crate::institutions::{self, InstitutionInput};
use sipe_platform::access::Access;
use sipe_platform::audit::AuditCtx;
use sipe_platform::db::Db;
use sipe_platform::ids::OfficeId;
use sipe_platform::module::{DemoStage, DemoStep};

/// (name, kind, department, address, accreditation)
pub(crate) const INSTITUTIONS: [(&str, &str, &str, &str, &str); 6] = [
    (
        "Centro de Formación Profesional N.º 1 San Miguel de Tucumán",
        "centre",
        "90084",
        "Av. Mate de Luna 1850",
        "CFP-T-001",
    ),
    (
        "Centro de Formación Profesional Concepción",
        "centre",
        "90021",
        "San Martín 1120, Concepción",
        "CFP-T-014",
    ),
    (
        "Centro de Formación Profesional Monteros",
        "centre",
        "90070",
        "Rivadavia 350, Monteros",
        "CFP-T-022",
    ),
    (
        "Fundación UOCRA Tucumán",
        "union",
        "90084",
        "Av. Sarmiento 940",
        "SIN-T-003",
    ),
    (
        "Universidad Tecnológica Nacional — Facultad Regional Tucumán",
        "university",
        "90084",
        "Rivadavia 1050",
        "",
    ),
    (
        "Aula Virtual de la Secretaría de Empleo",
        "secretariat",
        "90084",
        "25 de Mayo 90",
        "",
    ),
];

/// (name, family, hours, modality, certification, skills)
const COURSES: [(&str, &str, &str, &str, &str, &str); 8] = [
    (
        "Operación de cosechadora de caña de azúcar",
        "Agroindustria azucarera",
        "160",
        "in_person",
        "approval",
        "operación de maquinaria de ingenio azucarero\nmanejo de tractor y maquinaria agrícola",
    ),
    (
        "Empaque de cítricos",
        "Agroindustria citrícola",
        "60",
        "in_person",
        "attendance",
        "cosecha y empaque de cítricos\nclasificación y embalaje de frutas",
    ),
    (
        "Albañilería",
        "Construcción",
        "200",
        "in_person",
        "approval",
        "albañilería\nseguridad e higiene en el trabajo",
    ),
    (
        "Electricidad domiciliaria",
        "Construcción",
        "180",
        "in_person",
        "approval",
        "electricidad domiciliaria\ntrabajo en altura",
    ),
    (
        "Cocina y manipulación de alimentos",
        "Gastronomía",
        "120",
        "blended",
        "approval",
        "cocina y manipulación de alimentos",
    ),
    (
        "Cuidado de personas mayores",
        "Cuidados",
        "140",
        "in_person",
        "approval",
        "cuidado de personas mayores",
    ),
    (
        "Herramientas digitales para el trabajo",
        "Habilidades digitales",
        "48",
        "virtual",
        "attendance",
        "uso de computadora y ofimática\nplanillas de cálculo",
    ),
    (
        "Comercio electrónico y redes sociales",
        "Habilidades digitales",
        "40",
        "virtual",
        "approval",
        "redes sociales y comercio electrónico\nventas y atención comercial",
    ),
];

/// (course, institution, office, state, weeks from today to the start, capacity, place)
const COHORTS: [(usize, usize, &str, CohortState, i64, u32, &str); 10] = [
    (
        0,
        1,
        "OE-CHI",
        CohortState::Finished,
        -16,
        12,
        "institution",
    ),
    (
        3,
        0,
        "OE-CAP-01",
        CohortState::Finished,
        -14,
        10,
        "institution",
    ),
    (
        2,
        3,
        "OE-CAP-02",
        CohortState::Running,
        -4,
        12,
        "institution",
    ),
    (6, 5, "OE-CAP-01", CohortState::Running, -3, 20, "virtual"),
    (1, 2, "OE-MON", CohortState::Enrolling, 6, 15, "institution"),
    (4, 0, "OE-CAP-03", CohortState::Enrolling, 8, 6, "office"),
    (
        5,
        0,
        "OE-CAP-01",
        CohortState::Enrolling,
        9,
        4,
        "institution",
    ),
    (7, 5, "OE-CAP-04", CohortState::Planned, 14, 30, "virtual"),
    (3, 4, "OE-CRA", CohortState::Planned, 16, 12, "institution"),
    (4, 1, "OE-CHI", CohortState::Cancelled, 2, 10, "office"),
];

/// Training's steps of `sipe demo`.
pub const STEPS: &[DemoStep] = &[
    DemoStep {
        name: "training-catalogue",
        stage: DemoStage::Partners,
        run: |ctx| {
            Box::pin(async move {
                let (i, c) = seed_catalogue(ctx.db).await?;
                Ok(format!("{i} training institutions and {c} courses added"))
            })
        },
    },
    DemoStep {
        name: "training-staff",
        stage: DemoStage::Partners,
        run: |ctx| {
            Box::pin(async move {
                Ok(if seed_staff(ctx.db).await? {
                    format!("the staff user {STAFF_USER} of {}", INSTITUTIONS[0].0)
                } else {
                    String::new()
                })
            })
        },
    },
    DemoStep {
        name: "training-cohorts",
        stage: DemoStage::Activity,
        run: |ctx| {
            Box::pin(async move {
                let (cohorts, enrolments, certificates) =
                    seed_cohorts(ctx.db, ctx.config.tz()).await?;
                Ok(format!(
                    "{cohorts} cohorts in every state, {enrolments} enrolments, {certificates} certificates"
                ))
            })
        },
    },
    DemoStep {
        name: "training-competency",
        stage: DemoStage::Activity,
        run: |ctx| Box::pin(crate::demo_competency::seed(ctx)),
    },
];

/// The demo's institution staff user (of the first institution).
pub const STAFF_USER: &str = "institucion";

/// The staff user of the first institution; `false` when it exists already.
async fn seed_staff(db: &Db) -> anyhow::Result<bool> {
    if sipe_platform::access::store::find_user_by_username(db, STAFF_USER)
        .await?
        .is_some()
    {
        return Ok(false);
    }
    let first = institutions::active_names(db)
        .await?
        .into_iter()
        .find(|(_, name)| name == INSTITUTIONS[0].0)
        .ok_or_else(|| anyhow::anyhow!("the demo's first institution is missing"))?;
    let input = sipe_platform::access::service::UserInput {
        username: STAFF_USER.into(),
        full_name: "Irene Instructora".into(),
        email: format!("{STAFF_USER}@example.edu.ar"),
        role: "institution_staff".into(),
        affiliation: first.0.to_string(),
        ..Default::default()
    };
    sipe_platform::access::service::create_user(
        db,
        &AuditCtx::system(),
        &Access::system("demo"),
        &input,
        &sipe_platform::module::demo_password(STAFF_USER),
    )
    .await
    .map_err(|e| anyhow::anyhow!("demo user {STAFF_USER}: {e:?}"))?;
    Ok(true)
}

/// A valid CUIT of a legal entity from a serial (apart from the employers' range).
fn cuit(serial: u32) -> String {
    let mut n = 65_000_000 + serial * 6_841;
    loop {
        let first_ten = format!("30{n:08}");
        let mut digits = [0u32; 10];
        for (d, c) in digits.iter_mut().zip(first_ten.chars()) {
            *d = c.to_digit(10).unwrap_or_default();
        }
        if let Some(check) = sipe_persons::domain::cuil_check_digit(&digits) {
            return format!("{first_ten}{check}");
        }
        n += 1;
    }
}

/// Institutions and courses; nothing when there are some already.
pub async fn seed_catalogue(db: &Db) -> anyhow::Result<(usize, usize)> {
    if crate::entity::institution::Entity::find()
        .one(db)
        .await?
        .is_some()
    {
        return Ok((0, 0));
    }
    let ctx = AuditCtx::system();
    for (n, (name, kind, dep, address, accreditation)) in INSTITUTIONS.iter().enumerate() {
        institutions::create(
            db,
            &ctx,
            &InstitutionInput {
                cuit: cuit(n as u32),
                name: (*name).into(),
                kind: (*kind).into(),
                accreditation_number: (*accreditation).into(),
                accredited_until: if accreditation.is_empty() {
                    String::new()
                } else {
                    "2028-12-31".into()
                },
                territory_code: format!("AR-{dep}"),
                address: (*address).into(),
                contact_name: "Coordinación pedagógica".into(),
                phone: format!("0381 43{:05}", 20_000 + n * 113),
                email: format!("formacion{}@example.edu.ar", n + 1),
            },
        )
        .await?;
    }
    for (name, family, hours, modality, certification, skills) in COURSES {
        courses::create(
            db,
            &ctx,
            &CourseInput {
                name: name.into(),
                family: family.into(),
                skills: skills.into(),
                hours: hours.into(),
                modality: modality.into(),
                certification: certification.into(),
                ..Default::default()
            },
        )
        .await?;
    }
    Ok((INSTITUTIONS.len(), COURSES.len()))
}

/// The Monday `weeks` weeks from today's week.
fn monday(today: NaiveDate, weeks: i64) -> NaiveDate {
    today - Duration::days(i64::from(today.weekday().num_days_from_monday()))
        + Duration::weeks(weeks)
}

/// Cohorts in every state with the demo people; nothing when there are some already.
pub async fn seed_cohorts(db: &Db, tz: chrono_tz::Tz) -> anyhow::Result<(usize, usize, usize)> {
    if crate::entity::cohort::Entity::find()
        .one(db)
        .await?
        .is_some()
    {
        return Ok((0, 0, 0));
    }
    let ctx = AuditCtx::system();
    let system = Access::system("demo");
    let today = chrono::Utc::now().with_timezone(&tz).date_naive();
    let institutions = institutions::active(db).await?;
    let courses = courses::active(db).await?;
    let by_name = |name: &str| courses.iter().find(|c| c.name == name).map(|c| c.id);
    let institution = |name: &str| institutions.iter().find(|i| i.name == name).map(|i| i.id);
    let (mut made, mut enrolled, mut certified) = (0, 0, 0);
    for (n, (course, inst, office, target, weeks, capacity, place)) in COHORTS.iter().enumerate() {
        let (Some(course_id), Some(institution_id)) = (
            by_name(COURSES[*course].0),
            institution(INSTITUTIONS[*inst].0),
        ) else {
            continue;
        };
        let starts = monday(today, *weeks);
        let ends = starts + Duration::weeks(8) - Duration::days(3);
        let id = cohorts::create(
            db,
            &ctx,
            &system,
            &CohortInput {
                course_id: course_id.to_string(),
                institution_id: institution_id.to_string(),
                office_code: (*office).into(),
                starts_on: starts.to_string(),
                ends_on: ends.to_string(),
                weekdays: vec!["1".into(), "3".into()],
                start_time: if n % 2 == 0 { "18:00" } else { "09:00" }.into(),
                end_time: if n % 2 == 0 { "21:00" } else { "12:00" }.into(),
                place: (*place).into(),
                capacity: capacity.to_string(),
                instructor: [
                    "Prof. Marta Ledesma",
                    "Ing. Raúl Coronel",
                    "Lic. Silvia Agüero",
                ][n % 3]
                    .into(),
                // The Aula Virtual's cohorts are linked to its Moodle's courses.
                moodle_course_id: if *place == "virtual" {
                    (100 + n).to_string()
                } else {
                    String::new()
                },
                ..Default::default()
            },
        )
        .await?;
        made += 1;
        if *target == CohortState::Planned {
            continue;
        }
        cohorts::transition(db, &ctx, &system, id, CohortState::Enrolling, "", today).await?;
        let office_id = sipe_platform::territory::store::find_office_by_code(db, office)
            .await?
            .map(|o| o.id);
        let people = match office_id {
            Some(o) => {
                sipe_persons::store::unemployed_of_office(db, OfficeId(o), u64::from(*capacity) + 2)
                    .await?
            }
            None => Vec::new(),
        };
        for p in people {
            // Someone not eligible (too young) or already in the course elsewhere: skip.
            if enrolment::enrol(db, &ctx, &system, id, p.uuid(), Origin::PersonPage)
                .await
                .is_ok()
            {
                enrolled += 1;
            }
        }
        match target {
            CohortState::Cancelled => {
                cohorts::transition(
                    db,
                    &ctx,
                    &system,
                    id,
                    CohortState::Cancelled,
                    "Sin sede disponible",
                    today,
                )
                .await?;
            }
            CohortState::Running | CohortState::Finished => {
                cohorts::transition(db, &ctx, &system, id, CohortState::Running, "", today).await?;
                let until = if *target == CohortState::Finished {
                    ends
                } else {
                    today
                };
                run_sessions(db, &ctx, &system, id, until, n).await?;
                if *target == CohortState::Finished {
                    cohorts::transition(db, &ctx, &system, id, CohortState::Finished, "", today)
                        .await?;
                    certified += crate::certificates::of_cohort(db, id).await?.len();
                }
            }
            _ => {}
        }
    }
    Ok((made, enrolled, certified))
}

/// Attendance of the sessions held until `until` and, for approval courses, grades:
/// most attend and pass; every fifth misses classes, every seventh fails.
async fn run_sessions(
    db: &Db,
    ctx: &AuditCtx,
    system: &Access,
    cohort_id: uuid::Uuid,
    until: NaiveDate,
    seed: usize,
) -> anyhow::Result<()> {
    let Some(c) = cohorts::find(db, cohort_id).await? else {
        return Ok(());
    };
    let (roster, _) = enrolment::roster(db, system, &c).await?;
    let people: Vec<uuid::Uuid> = roster
        .iter()
        .filter(|r| r.enrolment.state == "enrolled")
        .map(|r| r.enrolment.id)
        .collect();
    for (i, s) in cohorts::sessions(db, cohort_id).await?.iter().enumerate() {
        if s.on_date > until {
            break;
        }
        let marks: Vec<MarkInput> = people
            .iter()
            .enumerate()
            .map(|(j, e)| MarkInput {
                enrolment_id: *e,
                status: if (j + seed).is_multiple_of(5) && i.is_multiple_of(2) {
                    "absent"
                } else if (i + j).is_multiple_of(11) {
                    "justified"
                } else {
                    "present"
                }
                .into(),
            })
            .collect();
        attendance::save(db, ctx, system, s.id, &marks, until.max(s.on_date)).await?;
    }
    let outcomes: Vec<OutcomeInput> = people
        .iter()
        .enumerate()
        .map(|(j, e)| OutcomeInput {
            enrolment_id: *e,
            grade: if (j + seed).is_multiple_of(7) {
                "3"
            } else {
                ["7", "8", "9", "6,5"][j % 4]
            }
            .into(),
            result: String::new(),
        })
        .collect();
    attendance::record_outcomes(db, ctx, system, cohort_id, &outcomes).await?;
    Ok(())
}
