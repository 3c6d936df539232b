//! Programmes benchmarks of issue #16 on an existing data dir holding imported people
//! (see `scripts/bench-programmes.sh`):
//!  - who is eligible for a programme with five criteria: counts per office over the
//!    whole registry;
//!  - a monthly payment run of N active beneficiaries with certified attendance, and its
//!    payment file (CSV and the generic fixed-width layout).
//!
//! The beneficiaries (applications, bank accounts, attendance) are seeded with plain
//! multi-row INSERTs: the benchmark measures the run, not the seeding.
//!
//!   cargo run --release --example programmes_bench -- DATA_DIR [BENEFICIARIES]

use std::time::Instant;

use sea_orm::sea_query::{Query, Value};
use sea_orm::{ConnectionTrait, Statement};
use sipe::programmes::eligibility::{Criterion, who};

/// Peak resident memory of this process so far, MiB.
fn peak_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kib| kib / 1024.0)
}

async fn insert(
    db: &sipe::db::Db,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Value>>,
) -> anyhow::Result<()> {
    for chunk in rows.chunks(32_000 / columns.len()) {
        let mut q = Query::insert();
        q.into_table(sea_orm::sea_query::Alias::new(table))
            .columns(columns.iter().map(|c| sea_orm::sea_query::Alias::new(*c)));
        for r in chunk {
            q.values_panic(r.iter().cloned().map(Into::into));
        }
        db.execute(&q).await?;
    }
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .ok_or_else(|| anyhow::anyhow!("usage: programmes_bench DATA_DIR [BENEFICIARIES]"))?;
    let n: usize = std::env::args()
        .nth(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let config = sipe::config::Config {
        data_dir: dir.clone().into(),
        database_url: std::env::var("SIPE_DATABASE_URL").ok(),
        ..Default::default()
    };
    sipe::telemetry::init("text");
    let db = sipe::startup::open_database(&config).await?;
    let backend = db.get_database_backend();
    let people: i64 = db
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT COUNT(*) AS n FROM persons WHERE merged_into IS NULL",
        ))
        .await?
        .map(|r| r.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0);
    let ctx = sipe::audit::AuditCtx::system();
    let today = chrono::Utc::now().date_naive();
    println!("registry: {people} people");

    // The generator leaves employment unknown: give people a status (half unemployed, a
    // quarter employed, a quarter inactive, by the last hex digit of their id) so the
    // count below finds someone.
    let t = Instant::now();
    let last_digit = if backend == sea_orm::DbBackend::Postgres {
        "right(id::text, 1)"
    } else {
        "substr(lower(hex(id)), -1)"
    };
    db.execute_raw(Statement::from_string(
        backend,
        format!(
            "UPDATE persons SET employment_status = CASE \
               WHEN {last_digit} IN ('0','1','2','3','4','5','6','7') THEN 'unemployed' \
               WHEN {last_digit} IN ('8','9','a','b') THEN 'employed' \
               ELSE 'inactive' END \
             WHERE employment_status IS NULL"
        ),
    ))
    .await?;
    println!(
        "employment statuses set in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    // Eligibility: five criteria, counted per office over everyone. (Registered for at
    // least 0 days holds for all: it is there for its condition, the scan is the same.)
    let criteria = vec![
        Criterion::Age {
            min: 18,
            max: 45,
            on: None,
        },
        Criterion::Residence {
            province: "AR-90".into(),
            departments: vec![],
        },
        Criterion::Employment {
            statuses: vec!["unemployed".into(), "inactive".into()],
            min_months_unemployed: None,
        },
        Criterion::Education { max_level: 4 },
        Criterion::Registered { min_days: 0 },
    ];
    for round in 1..=3 {
        let t = Instant::now();
        let counts = who::per_office(&db, uuid::Uuid::nil(), &criteria, today).await?;
        let total: u64 = counts.iter().map(|o| o.eligible).sum();
        println!(
            "eligible per office, 5 criteria, round {round}: {:.3} s ({total} eligible in {} offices), peak RSS {:.0} MiB",
            t.elapsed().as_secs_f64(),
            counts.len(),
            peak_mib()
        );
    }

    // A work-placement programme paid by certified attendance.
    // A fresh code each run: letters from the clock.
    let code: String = (chrono::Utc::now().timestamp() % 100_000)
        .to_string()
        .bytes()
        .map(|d| char::from(b'A' + (d - b'0')))
        .collect();
    let programme = sipe::programmes::programmes::create(
        &db,
        &ctx,
        &sipe::programmes::programmes::ProgrammeInput {
            code,
            name: format!("Benchmark {}", chrono::Utc::now().timestamp()),
            kind: "work_placement".into(),
            legal_basis: "Res. 1/2026".into(),
            starts_on: "2020-01-01".into(),
            amounts: vec![sipe::programmes::programmes::AmountInput {
                category: String::new(),
                amount: "120.000".into(),
                effective_from: "2020-01-01".into(),
            }],
            ..Default::default()
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    let month = sipe::programmes::payments::parse_month("2026-03")
        .ok_or_else(|| anyhow::anyhow!("month"))?;
    let t = Instant::now();
    let rows = db
        .query_all_raw(Statement::from_string(
            backend,
            format!(
                "SELECT id, office_id FROM persons WHERE merged_into IS NULL AND cuil IS NOT NULL \
                 AND id NOT IN (SELECT person_id FROM programme_applications) LIMIT {n}"
            ),
        ))
        .await?;
    let now = chrono::Utc::now();
    let start =
        chrono::NaiveDate::from_ymd_opt(2026, 1, 1).ok_or_else(|| anyhow::anyhow!("date"))?;
    let (mut apps, mut accounts, mut days) = (Vec::new(), Vec::new(), Vec::new());
    for (i, r) in rows.iter().enumerate() {
        let person: uuid::Uuid = r.try_get("", "id")?;
        let office: uuid::Uuid = r.try_get("", "office_id")?;
        let app = uuid::Uuid::now_v7();
        apps.push(vec![
            app.into(),
            programme.into(),
            person.into(),
            office.into(),
            "active".into(),
            "general".into(),
            now.into(),
            "bench".into(),
            now.into(),
            start.into(),
            1i32.into(),
            now.into(),
        ]);
        let cbu = sipe::programmes::bank::cbu_with_checks(
            "2850590",
            &format!("{:013}", 4_000_000_000_000u64 + i as u64),
        )
        .ok_or_else(|| anyhow::anyhow!("cbu"))?;
        accounts.push(vec![
            person.into(),
            "cbu".into(),
            cbu.into(),
            "bench".into(),
            now.into(),
        ]);
        // One in ten attended fewer days: their line is reduced.
        let attended = if i % 10 == 0 { 15 } else { 20 };
        days.push(vec![
            app.into(),
            month.into(),
            attended.into(),
            20i32.into(),
            "csv".into(),
            "bench".into(),
            now.into(),
        ]);
    }
    let seeded = apps.len();
    insert(
        &db,
        "programme_applications",
        &[
            "id",
            "programme_id",
            "person_id",
            "office_id",
            "state",
            "category",
            "created_at",
            "created_by",
            "submitted_at",
            "starts_on",
            "version",
            "updated_at",
        ],
        apps,
    )
    .await?;
    db.execute_raw(Statement::from_string(
        backend,
        "DELETE FROM programme_bank_accounts WHERE person_id IN (SELECT person_id FROM programme_applications WHERE created_by = 'bench')",
    ))
    .await?;
    insert(
        &db,
        "programme_bank_accounts",
        &["person_id", "kind", "cbu", "updated_by", "updated_at"],
        accounts,
    )
    .await?;
    insert(
        &db,
        "programme_attendance",
        &[
            "application_id",
            "month",
            "days_attended",
            "days_expected",
            "source",
            "recorded_by",
            "recorded_at",
        ],
        days,
    )
    .await?;
    println!(
        "seeded {seeded} active beneficiaries with accounts and attendance in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let before = peak_mib();
    let t = Instant::now();
    let (run, created) =
        sipe::programmes::payments::service::compute(&db, &ctx, programme, month, today)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    let computed = t.elapsed().as_secs_f64();
    assert!(created);
    let r = sipe::programmes::payments::store::find(&db, run)
        .await?
        .ok_or_else(|| anyhow::anyhow!("run"))?;
    println!(
        "compute a monthly run of {} lines ({} paid, total {}): {computed:.3} s, peak RSS {:.0} MiB (before {before:.0})",
        r.lines,
        r.beneficiaries,
        sipe::programmes::programmes::pesos(r.total_cents),
        peak_mib()
    );
    let approver = sipe::audit::AuditCtx {
        actor_id: Some(uuid::Uuid::now_v7()),
        actor_name: "bench-approver".into(),
        ip: None,
        request_id: None,
    };
    let computer = sipe::audit::AuditCtx {
        actor_id: Some(uuid::Uuid::now_v7()),
        actor_name: "bench".into(),
        ip: None,
        request_id: None,
    };
    // Approval needs whoever computed it to be a user: computed again as one.
    sipe::programmes::payments::service::compute(&db, &computer, programme, month, today)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let version = sipe::programmes::payments::store::find(&db, run)
        .await?
        .ok_or_else(|| anyhow::anyhow!("run"))?
        .version;
    sipe::programmes::payments::service::approve(&db, &approver, run, version)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    for layout in [None, Some("generic")] {
        let t = Instant::now();
        let (_, name, body) = sipe::programmes::payments::service::export(&db, &ctx, run, layout)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        println!(
            "payment file {name}: {:.3} s, {:.1} MiB, peak RSS {:.0} MiB",
            t.elapsed().as_secs_f64(),
            body.len() as f64 / 1_048_576.0,
            peak_mib()
        );
    }
    let t = Instant::now();
    let (again, created) =
        sipe::programmes::payments::service::compute(&db, &ctx, programme, month, today)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
    assert!(!created && again == run);
    println!(
        "compute the approved month again (nothing created): {:.3} s",
        t.elapsed().as_secs_f64()
    );
    Ok(())
}
