//! `sipe demo`: the Tucumán office network and one user per role, created once in the
//! data dir, then served.

use crate::startup::{self, Application};
use sipe_platform::access::{self, Access};
use sipe_platform::audit::AuditCtx;
use sipe_platform::config::Config;
use sipe_platform::db::Db;
use sipe_platform::module::DemoCtx;
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

pub use sipe_platform::module::demo_password;

/// Demo users the modules' demo steps add (affiliated with what those steps create).
pub const MODULE_DEMO_USERS: [(&str, &str, &str); 1] = [(
    sipe_training::demo::STAFF_USER,
    "institution_staff",
    "CFP N.º 1",
)];

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

/// The setting that records which seeding steps are complete (comma-separated names,
/// and `done` once a run finished). Older demos recorded only the last step of
/// [`LEGACY_STEPS`].
const SEED_SETTING: &str = "demo_seed";

/// The steps as older demos recorded them, in their order.
const LEGACY_STEPS: [&str; 6] = [
    "offices_users",
    "employers",
    "persons",
    "profiles",
    "referrals",
    "done",
];

/// The steps a recorded value says are complete.
fn completed(recorded: Option<&str>) -> Vec<String> {
    let Some(recorded) = recorded else {
        return Vec::new();
    };
    match LEGACY_STEPS.iter().position(|s| *s == recorded) {
        Some(last) => LEGACY_STEPS[..=last]
            .iter()
            .map(|s| (*s).to_owned())
            .collect(),
        None => recorded.split(',').map(str::to_owned).collect(),
    }
}

/// Is this a database `sipe demo` may seed (or resume seeding)? Refuses one that holds
/// users or people the demo did not create. Returns the steps completed.
async fn seeding_state(db: &Db) -> anyhow::Result<Vec<String>> {
    let recorded = sipe_platform::db::settings::get(db, SEED_SETTING).await?;
    let done = completed(recorded.as_deref());
    let users = access::store::all_users(db).await?;
    let foreign_users: Vec<&str> = users
        .iter()
        .map(|u| u.username.as_str())
        .filter(|u| !DEMO_USERS.iter().any(|(d, _, _, _)| d == u))
        .filter(|u| !MODULE_DEMO_USERS.iter().any(|(d, _, _)| d == u))
        .collect();
    let people = sipe_persons::store::count_all(db).await?;
    if done.iter().any(|s| s == "done") {
        // Finished once: whatever was added while using the demo is the demo's.
        return Ok(done);
    }
    match recorded {
        Some(_) if foreign_users.is_empty() => Ok(done),
        // A demo made before seeding recorded its steps: the demo users, and only them.
        None if !users.is_empty() && foreign_users.is_empty() => {
            let done = completed(Some("done"));
            sipe_platform::db::settings::set(db, SEED_SETTING, &done.join(",")).await?;
            Ok(done)
        }
        None if users.is_empty() && people == 0 => Ok(done),
        _ => anyhow::bail!(
            "this database holds users or people that sipe demo did not create ({} users \
             not of the demo, {people} people); the demo only seeds an empty database. Use \
             `sipe serve` for this one, or give the demo another --data-dir or --database-url",
            foreign_users.len()
        ),
    }
}

/// Records a completed step.
async fn record_step(db: &Db, done: &mut Vec<String>, step: &str) -> anyhow::Result<()> {
    done.push(step.to_owned());
    sipe_platform::db::settings::set(db, SEED_SETTING, &done.join(",")).await?;
    Ok(())
}

/// Seeds what is missing, step by step (the offices and users, then every module's
/// steps by stage), recording each step once it is complete, so a run stopped half-way
/// (a crash, a full disk) is completed by the next one, and a module added later seeds
/// its data into an existing demo. Returns whether anything was seeded.
pub async fn seed(db: &Db, config: &Config, persons: u64) -> anyhow::Result<bool> {
    let mut done = seeding_state(db).await?;
    let is_done = |done: &[String], step: &str| done.iter().any(|s| s == step);
    let mut seeded = false;
    if !is_done(&done, "offices_users") {
        seed_offices_and_users(db).await?;
        record_step(db, &mut done, "offices_users").await?;
        seeded = true;
    }
    let modules = startup::modules();
    let ctx = DemoCtx {
        db,
        config,
        persons,
    };
    for step in modules.demo_steps() {
        if is_done(&done, step.name) {
            continue;
        }
        let line = (step.run)(&ctx)
            .await
            .map_err(|e| e.context(format!("demo step {}", step.name)))?;
        println!("{line}");
        record_step(db, &mut done, step.name).await?;
        seeded = true;
    }
    if !is_done(&done, "done") {
        record_step(db, &mut done, "done").await?;
    }
    Ok(seeded)
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
            affiliation: String::new(),
        };
        access::service::create_user(db, &ctx, &system, &input, &demo_password(username))
            .await
            .map_err(|e| anyhow::anyhow!("demo user {username}: {e:?}"))?;
    }
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
    for (username, role, place) in MODULE_DEMO_USERS {
        println!(
            "  {:<14} {:<22} {:<18} {}",
            username,
            demo_password(username),
            role,
            place
        );
    }
    server.await??;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn older_demos_recorded_their_last_step_and_newer_ones_every_step() {
        assert!(completed(None).is_empty());
        assert_eq!(
            completed(Some("persons")),
            ["offices_users", "employers", "persons"]
        );
        assert_eq!(completed(Some("done")).len(), LEGACY_STEPS.len());
        assert_eq!(
            completed(Some("offices_users,employers")),
            ["offices_users", "employers"]
        );
    }

    #[test]
    fn the_modules_steps_run_by_stage() {
        let names: Vec<&str> = startup::modules()
            .demo_steps()
            .iter()
            .map(|s| s.name)
            .collect();
        assert_eq!(
            names,
            [
                "employers",
                "training-catalogue",
                "training-staff",
                "programmes-catalogue",
                "persons",
                "profiles",
                "programmes-accounts",
                "messaging-consents",
                "referrals",
                "training-cohorts",
                "training-competency",
                "programmes-applications",
                "programmes-placements",
                "programmes-national",
                "programmes-compliance",
                "messaging-campaign",
                "attention-desks",
                "attention-phone",
            ]
        );
    }
}
