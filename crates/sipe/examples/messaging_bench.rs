//! Messaging benchmarks of issue #17 on an existing data dir holding imported people
//! (see `scripts/bench-messaging.sh`):
//!  - `prepare DATA_DIR CONFIG`: every person gets a distinct mobile number and SMS
//!    consent (plain UPDATEs: the benchmark measures the send, not the seeding), and a
//!    national SMS campaign to all of them is launched by a user `bench`; the server
//!    started afterwards sends it;
//!  - `count DATA_DIR`: how long counting a segment's recipients per channel takes over
//!    the whole registry, for a few segments.
//!
//!   cargo run --release --example messaging_bench -- prepare DATA_DIR CONFIG
//!   cargo run --release --example messaging_bench -- count DATA_DIR

use std::time::Instant;

use sea_orm::{ConnectionTrait, Statement};
use sipe::messaging::audiences::AudienceFilters;

async fn scalar(db: &sipe::db::Db, sql: &str) -> anyhow::Result<i64> {
    Ok(db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await?
        .map(|r| r.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0))
}

/// People in the registry (merged records left out).
async fn people(db: &sipe::db::Db) -> anyhow::Result<i64> {
    scalar(
        db,
        "SELECT COUNT(*) AS n FROM persons WHERE merged_into IS NULL",
    )
    .await
}

/// A distinct mobile of Tucumán (`+549381…`, ending in 5: the test SMSC refuses or
/// throttles numbers ending in 0001–0003) and SMS consent for everyone.
async fn phones_and_consent(db: &sipe::db::Db) -> anyhow::Result<()> {
    let sql = match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => {
            "UPDATE persons SET sms_consent = TRUE, \
             phone = '+549381' || (4000005 + t.n * 10)::text \
             FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY id) AS n FROM persons) t \
             WHERE persons.id = t.id"
        }
        _ => {
            "UPDATE persons SET sms_consent = 1, \
             phone = '+549381' || CAST(4000005 + rowid * 10 AS TEXT)"
        }
    };
    db.execute_unprepared(sql).await?;
    Ok(())
}

async fn prepare(config: sipe::config::Config) -> anyhow::Result<()> {
    let db = sipe::startup::open_database(&config).await?;
    phones_and_consent(&db).await?;
    let people = people(&db).await?;
    let system = sipe::access::Access::system("bench");
    let ctx = sipe::audit::AuditCtx::system();
    let input = sipe::access::service::UserInput {
        username: "bench".into(),
        full_name: "Benchmark".into(),
        role: "admin".into(),
        scopes: sipe::access::service::ScopeInput::same_offices(Vec::new()),
        ..Default::default()
    };
    sipe::access::service::create_user(&db, &ctx, &system, &input, "una clave larga de prueba")
        .await?;
    let user = sipe::access::store::find_user_by_username(&db, "bench")
        .await?
        .ok_or_else(|| anyhow::anyhow!("user bench"))?;
    let access = sipe::access::store::load_access(&db, &user).await?;
    let ctx = sipe::audit::AuditCtx {
        actor_id: Some(user.id),
        actor_name: user.username.clone(),
        ..sipe::audit::AuditCtx::system()
    };
    let template = sipe::messaging::templates::create(
        &db,
        &ctx,
        &sipe::messaging::templates::TemplateInput {
            code: "bench".into(),
            name: "Benchmark".into(),
            purpose: "service".into(),
            sms_text: "Hola {nombre}, te esperamos en {oficina} para una charla de empleo.".into(),
            sms_transliterate: true,
            any_hour: true,
            ..Default::default()
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let settings = sipe::messaging::config::Settings::from_config(&config)?;
    let id = sipe::messaging::demo::launch(
        &db,
        &settings,
        config.tz(),
        (&ctx, &access),
        (&ctx, &access),
        &sipe::messaging::campaigns::CampaignInput {
            name: "Benchmark".into(),
            template_id: template.to_string(),
            channel: "sms".into(),
            filters: AudienceFilters::default(),
        },
    )
    .await?
    .ok_or_else(|| anyhow::anyhow!("the campaign reaches nobody"))?;
    println!("campaign {id} to {people} people launched");
    Ok(())
}

async fn count(config: sipe::config::Config) -> anyhow::Result<()> {
    let db = sipe::startup::open_database(&config).await?;
    phones_and_consent(&db).await?;
    let people = people(&db).await?;
    println!("registry: {people} people");
    let system = sipe::access::Access::system("bench");
    let today = chrono::Utc::now().date_naive();
    let office: String = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT o.code AS code FROM offices o JOIN persons p ON p.office_id = o.id \
             GROUP BY o.code ORDER BY COUNT(*) DESC LIMIT 1",
        ))
        .await?
        .map(|r| r.try_get::<String>("", "code"))
        .transpose()?
        .unwrap_or_default();
    let segments = [
        ("everyone", AudienceFilters::default()),
        (
            "aged 18-24",
            AudienceFilters {
                age_min: "18".into(),
                age_max: "24".into(),
                ..Default::default()
            },
        ),
        (
            "women of the largest office",
            AudienceFilters {
                office: office.clone(),
                sex: "F".into(),
                ..Default::default()
            },
        ),
    ];
    for (name, filters) in segments {
        let mut best = f64::MAX;
        let mut counts = None;
        for _ in 0..3 {
            let t = Instant::now();
            let c =
                sipe::messaging::audiences::count(&db, &system, &[], &filters, "service", today)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            best = best.min(t.elapsed().as_secs_f64());
            counts = Some(c);
        }
        let c = counts.unwrap_or_default();
        println!(
            "  count {name}: {:.3} s (best of 3) — {} people, {} by SMS, {} by e-mail",
            best, c.people, c.sms, c.email
        );
    }
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let usage = "usage: messaging_bench prepare DATA_DIR CONFIG | count DATA_DIR";
    let (mode, dir) = match (args.get(1), args.get(2)) {
        (Some(m), Some(d)) => (m.as_str(), d.clone()),
        _ => anyhow::bail!(usage),
    };
    let mut config = match args.get(3) {
        Some(file) => sipe::config::Config::load(Some(std::path::Path::new(file)))?,
        None => sipe::config::Config::default(),
    };
    config.data_dir = dir.into();
    config.database_url = std::env::var("SIPE_DATABASE_URL").ok();
    sipe::telemetry::init("text");
    match mode {
        "prepare" => prepare(config).await,
        "count" => count(config).await,
        _ => anyhow::bail!(usage),
    }
}
