//! Bulk enrolment of many people into one cohort (issue 15): the check of a list of
//! documents (found in scope, already in, eligibility per criterion) and its confirmed
//! enrolment in one transaction, places first and the rest on the waiting list.
//!
//!   sipe --data-dir DIR demo --persons 20000 --no-serve     # once
//!   cargo run --release --example bulk_enrol_bench -- DIR [DOCUMENTS] [CAPACITY]
//!
//! Defaults: 10,000 documents, a cohort of 500 places (the most a cohort may have), so
//! 9,500 go to the waiting list. Each run opens a new cohort.

use std::time::Instant;

use sea_orm::{ConnectionTrait, Statement};
use sipe::training::{bulk, cohorts};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = args
        .next()
        .ok_or_else(|| anyhow::anyhow!("usage: bulk_enrol_bench DIR [DOCUMENTS] [CAPACITY]"))?;
    let documents: usize = args.next().map_or(Ok(10_000), |s| s.parse())?;
    let capacity: usize = args.next().map_or(Ok(500), |s| s.parse())?;
    let config = sipe::config::Config {
        data_dir: dir.into(),
        ..Default::default()
    };
    let db = sipe::startup::open_database(&config).await?;
    let backend = db.get_database_backend();
    let one = |sql: &str| Statement::from_string(backend, sql.to_owned());
    let rows = db
        .query_all_raw(one(&format!(
            "SELECT doc_number FROM persons WHERE merged_into IS NULL ORDER BY doc_number LIMIT {documents}"
        )))
        .await?;
    let docs: Vec<String> = rows
        .iter()
        .filter_map(|r| r.try_get::<String>("", "doc_number").ok())
        .collect();
    anyhow::ensure!(
        docs.len() == documents,
        "the data dir holds {} people; seed more",
        docs.len()
    );
    let pick = |sql: &str| {
        let db = &db;
        let sql = sql.to_owned();
        async move {
            db.query_one_raw(Statement::from_string(backend, sql))
                .await?
                .and_then(|r| r.try_get::<String>("", "v").ok())
                .ok_or_else(|| anyhow::anyhow!("no demo data: run sipe demo --no-serve first"))
        }
    };
    let system = sipe::access::Access::system("bench");
    let ctx = sipe::audit::AuditCtx::system();
    // A course without requirements beyond the default age, at the first office.
    let course = sipe::training::courses::create(
        &db,
        &ctx,
        &sipe::training::courses::CourseInput {
            name: format!("Curso masivo {}", uuid::Uuid::now_v7().simple()),
            family: "Digital".into(),
            hours: "40".into(),
            modality: "virtual".into(),
            min_attendance: "0".into(),
            min_education: "0".into(),
            ..Default::default()
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let institution = sipe::training::institutions::active_names(&db)
        .await?
        .first()
        .map(|(id, _)| id.to_string())
        .ok_or_else(|| anyhow::anyhow!("no institution: run sipe demo --no-serve first"))?;
    let office = pick("SELECT code AS v FROM offices ORDER BY code LIMIT 1").await?;
    let cohort = cohorts::create(
        &db,
        &ctx,
        &system,
        &cohorts::CohortInput {
            course_id: course.to_string(),
            institution_id: institution,
            office_code: office,
            starts_on: "2027-03-01".into(),
            ends_on: "2027-06-30".into(),
            weekdays: vec!["1".into()],
            start_time: "18:00".into(),
            end_time: "21:00".into(),
            place: "institution".into(),
            capacity: capacity.to_string(),
            ..Default::default()
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    cohorts::transition(
        &db,
        &ctx,
        &system,
        cohort,
        sipe::training::domain::CohortState::Enrolling,
        "",
        chrono::Utc::now().date_naive(),
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let c = cohorts::find(&db, cohort)
        .await?
        .ok_or_else(|| anyhow::anyhow!("cohort"))?;

    let t = Instant::now();
    let plan = bulk::plan(&db, &system, &c, &docs)
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let check = t.elapsed();
    let t = Instant::now();
    let applied = bulk::confirm(&db, &ctx, &system, cohort, &docs)
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let confirm = t.elapsed();
    println!(
        "{} documents, capacity {capacity}: {} places, {} waiting, {} refused",
        docs.len(),
        applied.places,
        applied.waiting,
        applied.refused()
    );
    println!(
        "check (dry run):              {:>8.0} ms",
        check.as_secs_f64() * 1e3
    );
    println!(
        "confirm (check again + write): {:>8.0} ms   (target ≤ 5,000 ms)",
        confirm.as_secs_f64() * 1e3
    );
    anyhow::ensure!(
        plan.places == applied.places,
        "the check and the confirmation agree"
    );
    Ok(())
}
