//! `sipe demo`: the Tucumán office network and one user per role, created once in the
//! data dir, then served.

use crate::startup::{self, Application};
use sipe_platform::access::{self, Access};
use sipe_platform::audit::AuditCtx;
use sipe_platform::config::Config;
use sipe_platform::db::Db;
use sipe_platform::territory::{self, domain::OfficeInput};

/// Demo users: (username, role, office or none for national, full name).
pub const DEMO_USERS: [(&str, &str, Option<&str>, &str); 11] = [
    ("admin", "admin", None, "Administración del sistema"),
    (
        "coordinador",
        "coordinator",
        Some("OE-CAP-01"),
        "Carla Coordinadora",
    ),
    ("operador", "operator", Some("OE-CAP-01"), "Omar Operador"),
    (
        "consejero",
        "counselor",
        Some("OE-CAP-02"),
        "Clara Consejera",
    ),
    ("formacion", "training_manager", None, "Fernando Formación"),
    ("programas", "programme_manager", None, "Paula Programas"),
    ("mesa_ayuda", "help_desk", None, "Marta Mesa de Ayuda"),
    (
        "mesa_entrada",
        "records_clerk",
        None,
        "Ernesto Mesa de Entrada",
    ),
    ("planificador", "planner", None, "Pedro Planificador"),
    ("inspector", "inspector", Some("DE"), "Inés Inspectora"),
    ("analista", "analyst", None, "Ana Analista"),
];

/// The demo password of a demo user.
pub fn demo_password(username: &str) -> String {
    format!("sipe-demo-{username}")
}

struct DemoOffice {
    code: &'static str,
    name: &'static str,
    kind: &'static str,
    parent: &'static str,
    department: &'static str,
    address: &'static str,
    covers: &'static [&'static str],
}

const fn oe(
    code: &'static str,
    name: &'static str,
    department: &'static str,
    address: &'static str,
) -> DemoOffice {
    DemoOffice {
        code,
        name,
        kind: "employment_office",
        parent: "DE",
        department,
        address,
        covers: &[],
    }
}

/// Tucumán: department INDEC codes are 90007 (Burruyacú) ... 90119 (Yerba Buena).
const OFFICES: &[DemoOffice] = &[
    DemoOffice {
        code: "DE",
        name: "Dirección de Empleo",
        kind: "central_area",
        parent: "",
        department: "90084",
        address: "San Martín 362, San Miguel de Tucumán",
        covers: &[],
    },
    DemoOffice {
        code: "MESA-AYUDA",
        name: "Mesa de Ayuda",
        kind: "central_area",
        parent: "",
        department: "90084",
        address: "San Martín 362, San Miguel de Tucumán",
        covers: &[],
    },
    DemoOffice {
        code: "MESA-ENTRADA",
        name: "Mesa de Entrada",
        kind: "central_area",
        parent: "",
        department: "90084",
        address: "San Martín 362, San Miguel de Tucumán",
        covers: &[],
    },
    DemoOffice {
        code: "PLANIF",
        name: "Planificación",
        kind: "central_area",
        parent: "",
        department: "90084",
        address: "San Martín 362, San Miguel de Tucumán",
        covers: &[],
    },
    DemoOffice {
        code: "OEPET",
        name: "Observatorio de Empleo, Producción y Empresas",
        kind: "central_area",
        parent: "",
        department: "90084",
        address: "San Martín 362, San Miguel de Tucumán",
        covers: &[],
    },
    oe(
        "OE-CAP-01",
        "Oficina de Empleo Capital Centro",
        "90084",
        "24 de Septiembre 550, San Miguel de Tucumán",
    ),
    oe(
        "OE-CAP-02",
        "Oficina de Empleo Capital Norte",
        "90084",
        "Av. Sarmiento 1200, San Miguel de Tucumán",
    ),
    oe(
        "OE-CAP-03",
        "Oficina de Empleo Capital Sur",
        "90084",
        "Av. Roca 2100, San Miguel de Tucumán",
    ),
    oe(
        "OE-CAP-04",
        "Oficina de Empleo Capital Oeste",
        "90084",
        "Av. Mate de Luna 3400, San Miguel de Tucumán",
    ),
    oe(
        "OE-BUR",
        "Oficina de Empleo Burruyacú",
        "90007",
        "San Martín 150, Burruyacú",
    ),
    oe(
        "OE-CRA",
        "Oficina de Empleo Cruz Alta (Banda del Río Salí)",
        "90014",
        "Av. Independencia 300, Banda del Río Salí",
    ),
    oe(
        "OE-CHI",
        "Oficina de Empleo Chicligasta (Concepción)",
        "90021",
        "España 1050, Concepción",
    ),
    oe(
        "OE-FAM",
        "Oficina de Empleo Famaillá",
        "90028",
        "Belgrano 420, Famaillá",
    ),
    oe(
        "OE-GRA",
        "Oficina de Empleo Graneros",
        "90035",
        "Mitre 90, Graneros",
    ),
    oe(
        "OE-JBA",
        "Oficina de Empleo Juan Bautista Alberdi",
        "90042",
        "Sarmiento 250, Juan Bautista Alberdi",
    ),
    oe(
        "OE-LCO",
        "Oficina de Empleo La Cocha",
        "90049",
        "9 de Julio 120, La Cocha",
    ),
    oe(
        "OE-LEA",
        "Oficina de Empleo Leales (Bella Vista)",
        "90056",
        "Rivadavia 300, Bella Vista",
    ),
    oe(
        "OE-LUL",
        "Oficina de Empleo Lules",
        "90063",
        "Av. Mitre 800, Lules",
    ),
    oe(
        "OE-MON",
        "Oficina de Empleo Monteros",
        "90070",
        "25 de Mayo 300, Monteros",
    ),
    oe(
        "OE-RCH",
        "Oficina de Empleo Río Chico (Aguilares)",
        "90077",
        "Av. Sarmiento 600, Aguilares",
    ),
    oe(
        "OE-SIM",
        "Oficina de Empleo Simoca",
        "90091",
        "Belgrano 50, Simoca",
    ),
    oe(
        "OE-TDV",
        "Oficina de Empleo Tafí del Valle",
        "90098",
        "Av. Miguel Critto 200, Tafí del Valle",
    ),
    oe(
        "OE-TVI",
        "Oficina de Empleo Tafí Viejo",
        "90105",
        "Av. Alem 900, Tafí Viejo",
    ),
    oe(
        "OE-TRA",
        "Oficina de Empleo Trancas",
        "90112",
        "San Martín 80, Trancas",
    ),
    oe(
        "OE-YBU",
        "Oficina de Empleo Yerba Buena",
        "90119",
        "Av. Aconquija 1700, Yerba Buena",
    ),
    DemoOffice {
        code: "CFP-CAP",
        name: "Centro de Formación Profesional Capital",
        kind: "training_centre",
        parent: "DE",
        department: "90084",
        address: "Lavalle 1000, San Miguel de Tucumán",
        covers: &["90084"],
    },
];

/// The setting that records how far seeding got (the last step completed).
const SEED_SETTING: &str = "demo_seed";

/// The steps of seeding, in order; each one completes on a new run if a run stopped in it.
const STEPS: [&str; 6] = [
    "offices_users",
    "employers",
    "persons",
    "profiles",
    "referrals",
    "done",
];

/// Is this a database `sipe demo` may seed (or resume seeding)? Refuses one that holds
/// users or people the demo did not create. Returns the last step completed, if any.
async fn seeding_state(db: &Db) -> anyhow::Result<Option<String>> {
    let done = sipe_platform::db::settings::get(db, SEED_SETTING).await?;
    let users = access::store::all_users(db).await?;
    let foreign_users: Vec<&str> = users
        .iter()
        .map(|u| u.username.as_str())
        .filter(|u| !DEMO_USERS.iter().any(|(d, _, _, _)| d == u))
        .collect();
    let people = sipe_persons::store::count_all(db).await?;
    match done {
        // Finished: nothing more to seed, whatever was added while using the demo.
        Some(step) if step == "done" => Ok(Some(step)),
        Some(step) if foreign_users.is_empty() => Ok(Some(step)),
        // A demo made before seeding recorded its steps: the demo users, and only them.
        None if !users.is_empty() && foreign_users.is_empty() => {
            sipe_platform::db::settings::set(db, SEED_SETTING, "done").await?;
            Ok(Some("done".into()))
        }
        None if users.is_empty() && people == 0 => Ok(None),
        _ => anyhow::bail!(
            "this database holds users or people that sipe demo did not create ({} users \
             not of the demo, {people} people); the demo only seeds an empty database. Use \
             `sipe serve` for this one, or give the demo another --data-dir or --database-url",
            foreign_users.len()
        ),
    }
}

fn after(done: Option<&str>, step: &str) -> bool {
    let position = |s: &str| STEPS.iter().position(|x| *x == s);
    match (done.and_then(position), position(step)) {
        (Some(d), Some(s)) => d >= s,
        _ => false,
    }
}

/// Seeds what is missing, step by step, recording each step once it is complete, so a
/// run stopped half-way (a crash, a full disk) is completed by the next one. Returns
/// whether anything was seeded.
pub async fn seed(db: &Db, config: &Config, persons: u64) -> anyhow::Result<bool> {
    let done = seeding_state(db).await?;
    let done = done.as_deref();
    if done == Some("done") {
        return Ok(false);
    }
    if !after(done, "offices_users") {
        seed_offices_and_users(db).await?;
        sipe_platform::db::settings::set(db, SEED_SETTING, "offices_users").await?;
    }
    if !after(done, "employers") {
        let employers = sipe_intermediation::demo::seed(db).await?;
        tracing::info!(employers, "demo employers added");
        sipe_platform::db::settings::set(db, SEED_SETTING, "employers").await?;
    }
    if !after(done, "persons") {
        seed_persons(db, config, persons).await?;
        sipe_platform::db::settings::set(db, SEED_SETTING, "persons").await?;
    }
    if !after(done, "profiles") {
        // One transaction: all the profiles or none.
        let items = sipe_persons::demo::seed_profiles(db, 2026).await?;
        println!("{items} profile items (work history, wishes, skills, languages, licences) added");
        sipe_platform::db::settings::set(db, SEED_SETTING, "profiles").await?;
    }
    if !after(done, "referrals") {
        let referrals = sipe_intermediation::demo::seed_referrals(db, config.tz()).await?;
        println!("{referrals} demo referrals in every state");
        sipe_platform::db::settings::set(db, SEED_SETTING, "referrals").await?;
    }
    sipe_platform::db::settings::set(db, SEED_SETTING, "done").await?;
    Ok(true)
}

/// The Tucumán office network and one user per role (those already there are kept).
async fn seed_offices_and_users(db: &Db) -> anyhow::Result<()> {
    let ctx = AuditCtx::system();
    let system = Access::system("demo");
    for o in OFFICES {
        if territory::store::find_office_by_code(db, o.code)
            .await?
            .is_some()
        {
            continue;
        }
        let covers: Vec<String> = if o.kind == "employment_office" && o.covers.is_empty() {
            vec![format!("AR-{}", o.department)]
        } else {
            o.covers.iter().map(|c| format!("AR-{c}")).collect()
        };
        let input = OfficeInput {
            code: o.code.into(),
            name: o.name.into(),
            kind: o.kind.into(),
            parent_code: o.parent.into(),
            address: o.address.into(),
            territory_code: format!("AR-{}", o.department),
            phone: "+54 381 422-8420".into(),
            email: format!("{}@empleo.example.gob.ar", o.code.to_lowercase()),
            opening_hours: "Lunes a viernes de 8:00 a 17:00".into(),
            coverage: covers,
        };
        territory::service::create_office(db, &ctx, &system, &input)
            .await
            .map_err(|e| anyhow::anyhow!("demo office {}: {e:?}", o.code))?;
    }
    for (username, role, office, full_name) in DEMO_USERS {
        if access::store::find_user_by_username(db, username)
            .await?
            .is_some()
        {
            continue;
        }
        let input = access::service::UserInput {
            username: username.into(),
            full_name: full_name.into(),
            email: format!("{username}@empleo.example.gob.ar"),
            role: role.into(),
            scopes: access::service::ScopeInput::same_offices(
                office.map(|o| vec![o.to_owned()]).unwrap_or_default(),
            ),
        };
        access::service::create_user(db, &ctx, &system, &input, &demo_password(username))
            .await
            .map_err(|e| anyhow::anyhow!("demo user {username}: {e:?}"))?;
    }
    Ok(())
}

/// Generates and imports `count` synthetic people through the ordinary import.
async fn seed_persons(db: &Db, config: &Config, count: u64) -> anyhow::Result<()> {
    if count == 0 {
        return Ok(());
    }
    let file = config.data_dir.join("demo-personas.csv");
    let out = std::fs::File::create(&file)
        .map_err(|e| anyhow::anyhow!("creating the demo people file {}: {e}", file.display()))?;
    sipe_persons::import::generate::write_csv(
        std::io::BufWriter::new(out),
        count,
        2026,
        chrono::Utc::now().date_naive(),
    )
    .map_err(|e| anyhow::anyhow!("writing the demo people file {}: {e}", file.display()))?;
    let report = config.data_dir.join("demo-personas.rechazos.csv");
    let summary = sipe_persons::import::import_file(
        db,
        &AuditCtx::system(),
        config.tz(),
        &file,
        &report,
        false,
        |_, _| {},
    )
    .await?;
    println!("{} demo people loaded", summary.accepted);
    Ok(())
}

/// `sipe demo`: prepares the data dir, seeds what is missing, and serves; prints the URL
/// and the logins once the node is ready (its search index caught up).
pub async fn run(mut config: Config, port: u16, persons: u64, serve: bool) -> anyhow::Result<()> {
    config.bind = format!("127.0.0.1:{port}");
    // The data dir holds the index and the demo's files on PostgreSQL too.
    startup::prepare_data_dir(&config)?;
    let db = startup::open_database(&config).await?;
    let created = seed(&db, &config, persons).await?;
    if !serve {
        println!(
            "demo data {} in {}",
            if created { "created" } else { "already there" },
            config.data_dir.display()
        );
        return Ok(());
    }
    let app = Application::build_with_db(config.clone(), db).await?;
    let port = app.port();
    let ready = app.readiness();
    let server = tokio::spawn(app.run_until(startup::shutdown_signal()));
    while !ready.load(std::sync::atomic::Ordering::Acquire) {
        if server.is_finished() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    println!(
        "sipe demo — {}",
        if created {
            "demo data created"
        } else {
            "reusing existing demo data"
        }
    );
    println!("data dir: {}", config.data_dir.display());
    println!("open http://127.0.0.1:{port}/ and log in with one of:");
    for (username, role, office, _) in DEMO_USERS {
        println!(
            "  {:<14} {:<22} {:<18} {}",
            username,
            demo_password(username),
            role,
            office.unwrap_or("national")
        );
    }
    server.await??;
    Ok(())
}
