//! Demo employers across Tucumán's economy (`sipe demo`): sugar mills, citrus packing,
//! construction, retail, services and public administration. Names and CUITs are
//! invented; the CUITs carry valid check digits.

mod asks;

use crate::employers::input::{AgreementInput, ContactInput, EmployerInput, NewItem, SiteInput};
use crate::employers::service;
use crate::vacancies::{self, input::VacancyInput};
use asks::asks;
use sipe_platform::access::Access;
use sipe_platform::audit::AuditCtx;
use sipe_platform::db::Db;
use sipe_platform::ids::OfficeId;
use sipe_platform::module::{DemoStage, DemoStep};

/// (legal name, trade name, CLAE/ISIC code, size band, office, department, address, contact).
type DemoEmployer = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

const EMPLOYERS: [DemoEmployer; 24] = [
    (
        "Ingenio Santa Bárbara S.A.",
        "Ingenio Santa Bárbara",
        "107200",
        "large",
        "OE-CRA",
        "90014",
        "Ruta 302 km 9, Alderetes",
        "Raúl Medina",
    ),
    (
        "Azucarera del Sur S.A.",
        "",
        "107200",
        "large",
        "OE-MON",
        "90070",
        "Ruta 38 km 760, Monteros",
        "Silvia Gómez",
    ),
    (
        "Ingenio El Palmar S.A.",
        "",
        "107200",
        "large",
        "OE-LEA",
        "90056",
        "Ruta 157 s/n, Bella Vista",
        "Jorge Villalba",
    ),
    (
        "Citrícola Aconquija S.A.",
        "Citrus Aconquija",
        "012300",
        "large",
        "OE-FAM",
        "90028",
        "Ruta 38 km 770, Famaillá",
        "Laura Juárez",
    ),
    (
        "Empaque Los Limoneros S.R.L.",
        "Los Limoneros",
        "016300",
        "medium2",
        "OE-LUL",
        "90063",
        "Ruta 301 km 12, Lules",
        "Diego Paz",
    ),
    (
        "Frutas del Tucumán S.A.",
        "",
        "103099",
        "medium1",
        "OE-TVI",
        "90105",
        "Av. Perón 2300, Tafí Viejo",
        "Andrea Ruiz",
    ),
    (
        "Arándanos del Norte S.R.L.",
        "",
        "012900",
        "small",
        "OE-YBU",
        "90119",
        "Camino del Perú 1800, Yerba Buena",
        "Pablo Costilla",
    ),
    (
        "Constructora Calchaquí S.A.",
        "",
        "410011",
        "medium2",
        "OE-CAP-01",
        "90084",
        "Av. Mate de Luna 2100, San Miguel de Tucumán",
        "Martín Ledesma",
    ),
    (
        "Obras Viales del NOA S.A.",
        "",
        "421000",
        "large",
        "OE-CAP-03",
        "90084",
        "Av. Roca 3200, San Miguel de Tucumán",
        "Gabriela Soria",
    ),
    (
        "Instalaciones Eléctricas Lules S.R.L.",
        "",
        "432110",
        "small",
        "OE-LUL",
        "90063",
        "San Martín 450, Lules",
        "Hugo Díaz",
    ),
    (
        "Supermercados Tucumanos S.A.",
        "Súper Tucu",
        "471110",
        "large",
        "OE-CAP-02",
        "90084",
        "Av. Sarmiento 900, San Miguel de Tucumán",
        "Romina Acosta",
    ),
    (
        "Distribuidora del Jardín S.R.L.",
        "",
        "463000",
        "medium1",
        "OE-CAP-04",
        "90084",
        "Av. Kirchner 1500, San Miguel de Tucumán",
        "Carlos Herrera",
    ),
    (
        "Ferretería Concepción S.R.L.",
        "",
        "475200",
        "micro",
        "OE-CHI",
        "90021",
        "España 120, Concepción",
        "Noemí Ibáñez",
    ),
    (
        "Hotel Plaza Independencia S.A.",
        "Hotel Plaza",
        "551022",
        "medium1",
        "OE-CAP-01",
        "90084",
        "San Martín 435, San Miguel de Tucumán",
        "Lucía Frías",
    ),
    (
        "Gastronomía del Valle S.R.L.",
        "Parador El Mollar",
        "561011",
        "micro",
        "OE-TDV",
        "90098",
        "Ruta 307 km 55, Tafí del Valle",
        "Sergio Chocobar",
    ),
    (
        "Transportes Aconquija S.A.",
        "",
        "492180",
        "medium2",
        "OE-TVI",
        "90105",
        "Ruta 9 km 1300, Tafí Viejo",
        "Ramón Cáceres",
    ),
    (
        "Logística Cruz Alta S.R.L.",
        "",
        "522092",
        "small",
        "OE-CRA",
        "90014",
        "Ruta 9 km 1290, Banda del Río Salí",
        "Viviana Lazarte",
    ),
    (
        "Clínica Yerba Buena S.A.",
        "",
        "861010",
        "medium2",
        "OE-YBU",
        "90119",
        "Av. Aconquija 1500, Yerba Buena",
        "Marcela Toledo",
    ),
    (
        "Cooperativa de Trabajo Limpieza Norte Ltda.",
        "",
        "812020",
        "small",
        "OE-CAP-02",
        "90084",
        "Lavalle 1800, San Miguel de Tucumán",
        "Ana Salazar",
    ),
    (
        "Seguridad Integral Tucumán S.A.",
        "",
        "801010",
        "medium1",
        "OE-CAP-03",
        "90084",
        "Av. Belgrano 2500, San Miguel de Tucumán",
        "Julio Ponce",
    ),
    (
        "Centro de Atención Telefónica del NOA S.A.",
        "Contacto NOA",
        "822000",
        "large",
        "OE-CAP-01",
        "90084",
        "Maipú 500, San Miguel de Tucumán",
        "Verónica Luna",
    ),
    (
        "Software del Jardín S.A.S.",
        "",
        "620100",
        "small",
        "OE-YBU",
        "90119",
        "Av. Perón 1000, Yerba Buena",
        "Federico Albornoz",
    ),
    (
        "Municipalidad de Famaillá",
        "",
        "841100",
        "public",
        "OE-FAM",
        "90028",
        "Belgrano 400, Famaillá",
        "Dirección de Personal",
    ),
    (
        "Escuela Agrotécnica Simoca",
        "",
        "852100",
        "public",
        "OE-SIM",
        "90091",
        "Ruta 157 km 30, Simoca",
        "Dirección",
    ),
];

/// Demo vacancies: (employer index, title, occupation words, positions, state).
const VACANCIES: [(usize, &str, &str, i32, &str); 30] = [
    (0, "Peón de campo para zafra", "peón agrícola", 40, "open"),
    (
        0,
        "Operador de cosechadora",
        "operador de maquinaria agrícola",
        6,
        "open",
    ),
    (0, "Electricista industrial", "electricista", 2, "paused"),
    (1, "Peón de surco", "peón agrícola", 25, "open"),
    (
        1,
        "Mecánico de equipos de cosecha",
        "mecánico de vehículos",
        2,
        "filled",
    ),
    (
        2,
        "Conductor de camión cañero",
        "conductor de camión",
        8,
        "open",
    ),
    (
        3,
        "Cosechador de limones",
        "recolector de fruta",
        60,
        "open",
    ),
    (3, "Embalador de cítricos", "empacador", 30, "open"),
    (4, "Empacador de línea", "empacador", 20, "open"),
    (
        4,
        "Recolector de fruta (temporada)",
        "recolector de fruta",
        35,
        "closed",
    ),
    (5, "Operario de planta de jugos", "empacador", 6, "draft"),
    (
        6,
        "Cosechador de arándanos",
        "recolector de fruta",
        15,
        "open",
    ),
    (7, "Albañil", "albañil", 10, "open"),
    (7, "Oficial electricista de obra", "electricista", 3, "open"),
    (
        8,
        "Chofer de camión volcador",
        "conductor de camión",
        4,
        "open",
    ),
    (9, "Ayudante de electricista", "electricista", 2, "open"),
    (10, "Cajero o cajera", "cajero", 8, "open"),
    (10, "Repositor de góndolas", "reponedor", 10, "open"),
    (11, "Vendedor de mostrador", "vendedor", 3, "open"),
    (12, "Vendedor de ferretería", "vendedor", 1, "filled"),
    (13, "Recepcionista bilingüe", "recepcionista", 2, "open"),
    (13, "Camarero o camarera", "camarero", 4, "open"),
    (
        14,
        "Cocinero para temporada de verano",
        "cocinero",
        2,
        "open",
    ),
    (
        15,
        "Chofer de larga distancia",
        "conductor de camión",
        5,
        "open",
    ),
    (16, "Operario de depósito", "reponedor", 6, "paused"),
    (17, "Enfermero o enfermera", "enfermero", 4, "open"),
    (18, "Personal de limpieza", "empleado doméstico", 12, "open"),
    (19, "Vigilador", "guardia de seguridad", 10, "open"),
    (
        20,
        "Teleoperador de atención al cliente",
        "recepcionista",
        25,
        "open",
    ),
    (
        23,
        "Maestro de enseñanza agropecuaria",
        "maestro",
        1,
        "cancelled",
    ),
];

/// The states a demo vacancy passes through to reach `state`.
fn path_to(state: &str) -> &'static [&'static str] {
    match state {
        "open" => &["open"],
        "paused" => &["open", "paused"],
        "filled" => &["open", "filled"],
        "closed" => &["open", "closed"],
        "cancelled" => &["cancelled"],
        _ => &[],
    }
}

/// A valid CUIT of a legal entity, from a serial number (skipping numbers whose check
/// digit would be 10, which AFIP never issues with prefix 30).
fn cuit(serial: u32) -> String {
    let mut n = 71_000_000 + serial * 7_919;
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

/// Other sites of some demo employers: (employer index, name, address, department).
const SITES: [(usize, &str, &str, &str); 4] = [
    (
        0,
        "Depósito de azúcar",
        "Av. Brígido Terán 250, San Miguel de Tucumán",
        "90084",
    ),
    (3, "Planta de empaque", "Ruta 38 km 775, Famaillá", "90028"),
    (3, "Finca Los Nogales", "Camino a Los Nogales s/n", "90105"),
    (7, "Obrador Lules", "Ruta 301 km 4, Lules", "90063"),
];

/// Intermediation's steps of `sipe demo`: employers and vacancies first, referrals once
/// there are people.
pub const STEPS: &[DemoStep] = &[
    DemoStep {
        name: "employers",
        stage: DemoStage::Partners,
        run: |ctx| {
            Box::pin(async move {
                let employers = seed(ctx.db).await?;
                Ok(format!(
                    "{employers} demo employers with their vacancies added"
                ))
            })
        },
    },
    DemoStep {
        name: "referrals",
        stage: DemoStage::Activity,
        run: |ctx| {
            Box::pin(async move {
                let referrals = seed_referrals(ctx.db, ctx.config.tz()).await?;
                Ok(format!("{referrals} demo referrals in every state"))
            })
        },
    },
];

/// Registers the demo employers (with a contact each, an agreement for every third and
/// a few other sites) and their vacancies in every state, through the ordinary use cases.
/// Returns how many employers were added.
pub async fn seed(db: &Db) -> anyhow::Result<usize> {
    let ctx = AuditCtx::system();
    let system = Access::system("demo");
    let mut added = 0;
    let mut ids = Vec::new();
    for (i, (legal, trade, activity, size, office, dep, address, contact)) in
        EMPLOYERS.into_iter().enumerate()
    {
        let slug: String = sipe_platform::text::fold(legal)
            .split_whitespace()
            .take(2)
            .collect::<Vec<_>>()
            .join("");
        let input = EmployerInput {
            cuit: cuit(i as u32),
            legal_name: legal.into(),
            trade_name: trade.into(),
            activity_code: activity.into(),
            size_band: size.into(),
            office_code: office.into(),
            address: address.into(),
            territory_code: format!("AR-{dep}"),
            phone: format!("0381 42{:05}", 10_000 + i * 371),
            email: format!("rrhh@{slug}.example.com.ar"),
            contacts: vec![ContactInput {
                name: contact.into(),
                role: "Recursos humanos".into(),
                phone: format!("381 15 5{:02}-{:04}", i, 1000 + i * 37),
                email: format!("contacto@{slug}.example.com.ar"),
            }],
            ..Default::default()
        };
        // A run stopped half-way left some employers: those are kept, not made twice.
        if let Some(existing) = super::employers::store::find_by_cuit(db, &input.cuit).await? {
            ids.push(existing.id);
            continue;
        }
        let id = service::create_employer(db, &ctx, &system, &input)
            .await
            .map_err(|e| anyhow::anyhow!("demo employer {legal}: {e:?}"))?;
        if i % 3 == 0 {
            let agreement = AgreementInput {
                kind: if i % 2 == 0 {
                    "internships"
                } else {
                    "collaboration"
                }
                .into(),
                title: format!("Convenio {}/2026", 10 + i),
                signed_on: format!("2026-{:02}-15", 1 + i % 9),
                ..Default::default()
            };
            service::add_item(db, &ctx, &system, id, NewItem::Agreement(&agreement))
                .await
                .map_err(|e| anyhow::anyhow!("demo agreement {legal}: {e:?}"))?;
        }
        ids.push(id);
        added += 1;
    }
    for (employer, name, address, dep) in SITES {
        let existing = super::employers::store::sites(db, ids[employer]).await?;
        if existing.iter().any(|s| s.name == name) {
            continue;
        }
        let site = SiteInput {
            name: name.into(),
            address: address.into(),
            territory_code: format!("AR-{dep}"),
        };
        service::add_item(db, &ctx, &system, ids[employer], NewItem::Site(&site))
            .await
            .map_err(|e| anyhow::anyhow!("demo site {name}: {e:?}"))?;
    }
    let seeded: Vec<(uuid::Uuid, String)> = {
        use sea_orm::{EntityTrait, QuerySelect};
        vacancies::entity::vacancy::Entity::find()
            .select_only()
            .column(vacancies::entity::vacancy::Column::EmployerId)
            .column(vacancies::entity::vacancy::Column::Title)
            .into_tuple()
            .all(db)
            .await?
    };
    for (employer, title, occupation, positions, state) in VACANCIES {
        if seeded
            .iter()
            .any(|(e, t)| *e == ids[employer] && t == title)
        {
            continue;
        }
        let (required, desired, months, english, licence) = asks(occupation);
        let input = VacancyInput {
            employer_id: Some(ids[employer]),
            title: title.into(),
            occupation: occupation.into(),
            positions: Some(positions),
            required_skills: required.iter().map(|s| (*s).to_owned()).collect(),
            desired_skills: desired.iter().map(|s| (*s).to_owned()).collect(),
            experience_months: (months > 0).then_some(months),
            languages: if english.is_empty() {
                Vec::new()
            } else {
                vec![vacancies::input::LanguageRequirement {
                    code: "en".into(),
                    level: english.into(),
                }]
            },
            licence_class: licence.into(),
            territory_code: format!("AR-{}", EMPLOYERS[employer].5),
            salary_max: Some(if positions > 10 { 700_000 } else { 1_100_000 }),
            hours: "full_time".into(),
            contract_type: if positions > 10 {
                "seasonal"
            } else {
                "permanent"
            }
            .into(),
            education_min: if positions > 10 { "1" } else { "3" }.into(),
            ..Default::default()
        };
        let id = vacancies::service::create_vacancy(db, &ctx, &system, &input)
            .await
            .map_err(|e| anyhow::anyhow!("demo vacancy {title}: {e:?}"))?;
        for to in path_to(state) {
            vacancies::service::change_state(db, &ctx, &system, id, to, "")
                .await
                .map_err(|e| anyhow::anyhow!("demo vacancy {title} to {to}: {e:?}"))?;
        }
    }
    Ok(added)
}

/// The paths demo referrals take, so every state appears (`obsolete` comes from the hire:
/// the person hired is first referred to a second vacancy too).
const REFERRAL_PATHS: [&[&str]; 7] = [
    &[],
    &["sent"],
    &["sent", "interview_scheduled"],
    &["sent", "rejected"],
    &["withdrawn"],
    &["sent", "interview_scheduled", "no_show"],
    &["sent", "interview_scheduled", "hired"],
];

/// Refers demo people of each office to its open vacancies along [`REFERRAL_PATHS`],
/// through the ordinary use cases. Returns how many referrals were made.
///
/// Made through many use cases: a run stopped half-way keeps what it made, and a new run
/// adds none (referrals that exist are the demo's already).
pub async fn seed_referrals(db: &Db, tz: chrono_tz::Tz) -> anyhow::Result<usize> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

    use crate::referrals::service::{self as referrals, ReferralInput, TransitionInput};
    use crate::vacancies::entity::vacancy;

    if crate::referrals::entity::referral::Entity::find()
        .one(db)
        .await?
        .is_some()
    {
        return Ok(0);
    }
    let ctx = AuditCtx::system();
    let system = Access::system("demo");
    let open = vacancy::Entity::find()
        .filter(vacancy::Column::State.eq("open"))
        .order_by_asc(vacancy::Column::CreatedAt)
        .all(db)
        .await?;
    let today = chrono::Utc::now().with_timezone(&tz).date_naive();
    let mut made = 0;
    for (i, v) in open.iter().enumerate().take(10) {
        let people = sipe_persons::store::unemployed_of_office(
            db,
            OfficeId(v.office_id),
            REFERRAL_PATHS.len() as u64,
        )
        .await?;
        for (j, person_id) in people.into_iter().enumerate() {
            let path = REFERRAL_PATHS[(i + j) % REFERRAL_PATHS.len()];
            let refer = |vacancy_id| ReferralInput {
                vacancy_id: Some(vacancy_id),
                person_id: Some(person_id.uuid()),
                internal_note: String::new(),
                employer_note: "Presentarse con DNI y CV.".into(),
                // Every third person asked to apply; the office proposed the others.
                origin: if j % 3 == 0 { "applied" } else { "referred" }.into(),
            };
            let Ok(id) = referrals::refer(db, &ctx, &system, &refer(v.id)).await else {
                // Already referred here by an earlier vacancy's round (or hired): skip.
                continue;
            };
            made += 1;
            if path.contains(&"hired")
                && let Some(other) = open.get(i + 1)
                && referrals::refer(db, &ctx, &system, &refer(other.id))
                    .await
                    .is_ok()
            {
                made += 1;
            }
            for to in path {
                let input = TransitionInput {
                    to: (*to).into(),
                    reason: if *to == "rejected" {
                        "lacks_experience".into()
                    } else {
                        String::new()
                    },
                    interview_at: format!("{}T10:00", today + chrono::Days::new(7)),
                    start_date: today.to_string(),
                    ..Default::default()
                };
                referrals::transition(db, &ctx, &system, tz, id, &input)
                    .await
                    .map_err(|e| anyhow::anyhow!("demo referral to {to}: {e:?}"))?;
            }
        }
    }
    Ok(made)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_vacancies_ask_for_skills_of_the_vocabulary() {
        let seeded = sipe_platform::taxonomy::reference::seed_skills().unwrap();
        for (_, _, occupation, _, _) in VACANCIES {
            let (required, desired, ..) = asks(occupation);
            for skill in required.iter().chain(desired) {
                assert!(
                    seeded.iter().any(|(l, _)| l == skill),
                    "{occupation}: {skill} is not a seeded skill"
                );
            }
        }
    }

    #[test]
    fn demo_cuits_and_activities_are_valid_and_distinct() {
        let mut seen = std::collections::HashSet::new();
        for (i, e) in EMPLOYERS.iter().enumerate() {
            let c = cuit(i as u32);
            assert!(crate::domain::Cuit::parse(&c).is_ok(), "{c}");
            assert!(seen.insert(c));
            assert!(crate::activity::parse_code(e.2).is_some(), "{}", e.2);
        }
    }
}
