//! Demo data of the person registry: plausible work profiles for generated people.

use sipe_platform::audit::AuditCtx;
use sipe_platform::db::Db;
use sipe_platform::module::{DemoCtx, DemoStage, DemoStep};

/// The registry's steps of `sipe demo`: generated people through the ordinary import,
/// then their work profiles.
pub const STEPS: &[DemoStep] = &[
    DemoStep {
        name: "persons",
        stage: DemoStage::People,
        run: |ctx| Box::pin(seed_people(ctx)),
    },
    DemoStep {
        name: "profiles",
        stage: DemoStage::Profiles,
        run: |ctx| {
            Box::pin(async move {
                // One transaction: all the profiles or none.
                let items = seed_profiles(ctx.db, 2026).await?;
                Ok(format!(
                    "{items} profile items (work history, wishes, skills, languages, \
                     licences) added"
                ))
            })
        },
    },
];

/// Generates and imports the asked number of synthetic people through the ordinary
/// import (which skips documents already there, so a stopped run completes).
async fn seed_people(ctx: &DemoCtx<'_>) -> anyhow::Result<String> {
    if ctx.persons == 0 {
        return Ok("no demo people asked for".into());
    }
    let config = ctx.config;
    let file = config.data_dir.join("demo-personas.csv");
    let out = std::fs::File::create(&file)
        .map_err(|e| anyhow::anyhow!("creating the demo people file {}: {e}", file.display()))?;
    crate::import::generate::write_csv(
        std::io::BufWriter::new(out),
        ctx.persons,
        2026,
        chrono::Utc::now().date_naive(),
    )
    .map_err(|e| anyhow::anyhow!("writing the demo people file {}: {e}", file.display()))?;
    let report = config.data_dir.join("demo-personas.rechazos.csv");
    let summary = crate::import::import_file(
        ctx.db,
        &AuditCtx::system(),
        config.tz(),
        &file,
        &report,
        false,
        |_, _| {},
    )
    .await?;
    Ok(format!("{} demo people loaded", summary.accepted))
}

/// Occupations common in Tucumán, as words the occupation catalogue resolves.
const DEMO_OCCUPATIONS: [&str; 20] = [
    "albañil",
    "peón agrícola",
    "recolector de fruta",
    "empacador",
    "vendedor",
    "cajero",
    "cocinero",
    "camarero",
    "conductor de camión",
    "empleado doméstico",
    "electricista",
    "enfermero",
    "maestro",
    "recepcionista",
    "reponedor",
    "guardia de seguridad",
    "mecánico de vehículos",
    "peluquero",
    "costurero",
    "operador de maquinaria agrícola",
];

const DEMO_EMPLOYERS: [&str; 12] = [
    "Ingenio Concepción",
    "Ingenio La Florida",
    "Citrícola San Miguel",
    "Empaque Famaillá",
    "Supermercados del Norte",
    "Constructora Aconquija",
    "Hotel del Parque",
    "Transportes Yerba Buena",
    "Municipalidad de San Miguel de Tucumán",
    "Clínica del Sol",
    "Panadería La Tucumanita",
    "Taller Mecánico Lules",
];

/// How long ago demo people became unemployed, at most (days).
const UNEMPLOYED_DAYS: usize = 4 * 365;

/// People given a profile per page of `seed_profiles`.
const PROFILE_PAGE: u64 = 20_000;

/// Gives demo people a plausible work profile (deterministic for a seed): work history,
/// desired occupations, skills, languages and licences. Returns the items added.
pub async fn seed_profiles(db: &Db, seed: u64) -> anyhow::Result<usize> {
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};

    use crate::entity::{person, profile_item};

    // The same vocabulary operators and vacancies use, so demo people and demo
    // vacancies meet on the same unit groups.
    let vocabulary = sipe_platform::taxonomy::Occupations::read(db).await?;
    let occupations: Vec<sipe_platform::taxonomy::Hit> = DEMO_OCCUPATIONS
        .iter()
        .filter_map(|w| vocabulary.resolve(w, sipe_platform::taxonomy::Gender::Unknown))
        .collect();
    let skills: Vec<(uuid::Uuid, String)> = sipe_platform::taxonomy::skills::all(db)
        .await?
        .into_iter()
        .filter(|s| s.source == "local")
        .map(|s| (s.id, s.label))
        .collect();
    if occupations.is_empty() || skills.is_empty() {
        return Ok(0);
    }
    let mut rng = StdRng::seed_from_u64(seed);
    let now = chrono::Utc::now();
    let today = now.date_naive();
    let item = |person_id, kind: &str, code: String, label: String| profile_item::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        person_id: Set(person_id),
        kind: Set(kind.to_owned()),
        code: Set(code),
        label: Set(label),
        level: Set(None),
        employer: Set(None),
        from_date: Set(None),
        to_date: Set(None),
        note: Set(None),
        created_at: Set(now),
        created_by: Set("demo".into()),
        evidence: Set(None),
    };
    let tx = sipe_platform::db::begin_write(db).await?;
    let mut n = 0;
    // People are read and written in pages so a million of them fit in little memory.
    let mut after: Option<uuid::Uuid> = None;
    loop {
        let mut page = person::Entity::find()
            .select_only()
            .column(person::Column::Id)
            .column(person::Column::BirthDate)
            .column(person::Column::Sex)
            .order_by_asc(person::Column::Id)
            .limit(PROFILE_PAGE);
        if let Some(last) = after {
            page = page.filter(person::Column::Id.gt(last));
        }
        let people: Vec<(uuid::Uuid, chrono::NaiveDate, String)> =
            page.into_tuple().all(&tx).await?;
        let Some((last, _, _)) = people.last() else {
            break;
        };
        after = Some(*last);
        let mut items = Vec::new();
        // Most people an employment office serves are looking for work: matching ranks them.
        let mut statuses: [(&str, Vec<uuid::Uuid>); 2] =
            [("unemployed", Vec::new()), ("employed", Vec::new())];
        let mut since: Vec<Vec<uuid::Uuid>> = vec![Vec::new(); UNEMPLOYED_DAYS];
        for (id, birth, sex) in people {
            let gender = sipe_platform::taxonomy::Gender::parse(&sex);
            let titled = |o: &sipe_platform::taxonomy::Hit| {
                (
                    o.code.clone(),
                    vocabulary.gendered(&o.code, &o.label, gender),
                )
            };
            match rng.random_range(0..100) {
                0..60 => {
                    statuses[0].1.push(id);
                    // Unemployed for up to four years: the ranking's tie-break uses it.
                    since[rng.random_range(0..UNEMPLOYED_DAYS)].push(id);
                }
                60..85 => statuses[1].1.push(id),
                _ => {}
            }
            let adult_from = birth + chrono::Months::new(18 * 12);
            if adult_from < today && rng.random_bool(0.7) {
                for _ in 0..rng.random_range(1..=2) {
                    let o = &occupations[rng.random_range(0..occupations.len())];
                    let span = (today - adult_from).num_days().max(1);
                    let from = adult_from + chrono::Duration::days(rng.random_range(0..span));
                    let to = (rng.random_bool(0.7))
                        .then(|| from + chrono::Duration::days(rng.random_range(60..1500)))
                        .filter(|t| *t < today);
                    let (code, label) = titled(o);
                    let mut a = item(id, "work", code, label);
                    a.employer = Set(Some(
                        DEMO_EMPLOYERS[rng.random_range(0..DEMO_EMPLOYERS.len())].to_owned(),
                    ));
                    a.from_date = Set(Some(from));
                    a.to_date = Set(to);
                    items.push(a);
                }
            }
            if rng.random_bool(0.5) {
                let o = &occupations[rng.random_range(0..occupations.len())];
                let (code, label) = titled(o);
                let mut a = item(id, "desired", code, label);
                a.level = Set(Some("1".into()));
                items.push(a);
            }
            // Zero to four different skills: rankings separate who has what a vacancy asks.
            let mut chosen = Vec::new();
            for _ in 0..rng.random_range(0..=4) {
                let k = rng.random_range(0..skills.len());
                if chosen.contains(&k) {
                    continue;
                }
                chosen.push(k);
                let (skill, label) = &skills[k];
                let mut a = item(id, "skill", skill.to_string(), label.clone());
                a.level = Set(Some(
                    ["basic", "intermediate", "advanced"][rng.random_range(0..3)].to_owned(),
                ));
                items.push(a);
            }
            if rng.random_bool(0.2) {
                let mut a = item(id, "language", "en".into(), "en".into());
                a.level = Set(Some(
                    ["A1", "A2", "B1", "B2"][rng.random_range(0..4)].to_owned(),
                ));
                items.push(a);
            }
            if rng.random_bool(0.2) {
                items.push(item(id, "licence", "B1".into(), "B1".into()));
            }
            if rng.random_bool(0.06) {
                items.push(item(id, "licence", "C".into(), "C".into()));
            }
        }
        n += items.len();
        for chunk in items.chunks(1000) {
            profile_item::Entity::insert_many(chunk.to_vec())
                .exec(&tx)
                .await?;
        }
        for (days, ids) in since.iter().enumerate().filter(|(_, ids)| !ids.is_empty()) {
            let date = today - chrono::Duration::days(days as i64);
            for chunk in ids.chunks(10_000) {
                person::Entity::update_many()
                    .col_expr(
                        person::Column::UnemployedSince,
                        sea_orm::sea_query::Expr::value(date),
                    )
                    .filter(person::Column::Id.is_in(chunk.iter().copied()))
                    .exec(&tx)
                    .await?;
            }
        }
        for (status, ids) in &statuses {
            for chunk in ids.chunks(10_000) {
                person::Entity::update_many()
                    .col_expr(
                        person::Column::EmploymentStatus,
                        sea_orm::sea_query::Expr::value(*status),
                    )
                    .filter(person::Column::Id.is_in(chunk.iter().copied()))
                    .exec(&tx)
                    .await?;
            }
        }
    }
    // Touch everyone so each node's index follower picks the profiles up.
    person::Entity::update_many()
        .col_expr(
            person::Column::UpdatedAt,
            sea_orm::sea_query::Expr::value(chrono::Utc::now()),
        )
        .exec(&tx)
        .await?;
    tx.commit().await?;
    Ok(n)
}

#[cfg(test)]
mod profile_tests {
    #[test]
    fn every_demo_occupation_is_in_the_vocabulary() {
        let vocabulary = sipe_platform::taxonomy::titles::seed_vocabulary();
        for word in super::DEMO_OCCUPATIONS {
            let hit = vocabulary.resolve(word, sipe_platform::taxonomy::Gender::Unknown);
            assert!(hit.is_some(), "{word} resolves to no occupation");
        }
    }
}
