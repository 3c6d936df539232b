//! The occupation taxonomy and the seed of the skills vocabulary, compiled into the
//! binary from `reference/occupations-ar-es/` (Tabiya AR-es, CC BY 4.0, see its
//! ATTRIBUTION.md) and loaded into the database when missing.

use std::collections::BTreeSet;

use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, Set};
use uuid::Uuid;

use super::entity::{occupation, occupation_group, skill};

const GROUPS_CSV: &str = include_str!("../../reference/occupations-ar-es/occupation_groups.csv");
const OCCUPATIONS_CSV: &str = include_str!("../../reference/occupations-ar-es/occupations.csv");
const SKILL_GROUPS_CSV: &str = include_str!("../../reference/occupations-ar-es/skill_groups.csv");

/// Skills common to Tucumán's occupations that the reference skill groups (fields of
/// education) do not name: the seed of the vocabulary's local part.
pub const LOCAL_SKILLS: &[&str] = &[
    "atención al cliente",
    "manejo de caja y cobranzas",
    "reposición y control de stock",
    "manejo de autoelevador",
    "cosecha manual de caña de azúcar",
    "cosecha y empaque de cítricos",
    "clasificación y embalaje de frutas",
    "poda y raleo de frutales",
    "riego y fertilización",
    "manejo de tractor y maquinaria agrícola",
    "operación de maquinaria de ingenio azucarero",
    "albañilería",
    "electricidad domiciliaria",
    "plomería y gas",
    "pintura de obra",
    "soldadura eléctrica",
    "carpintería de madera",
    "herrería",
    "conducción de vehículos de carga",
    "reparto y logística de última milla",
    "limpieza y mantenimiento de edificios",
    "cuidado de personas mayores",
    "cuidado de niños",
    "cocina y manipulación de alimentos",
    "panadería y pastelería",
    "costura y confección",
    "peluquería y estética",
    "mecánica de automotores",
    "mecánica de motos",
    "reparación de electrodomésticos",
    "uso de computadora y ofimática",
    "planillas de cálculo",
    "redes sociales y comercio electrónico",
    "programación",
    "soporte técnico informático",
    "ventas y atención comercial",
    "telemarketing",
    "seguridad e higiene en el trabajo",
    "vigilancia y seguridad",
    "trabajo en altura",
    "primeros auxilios",
    "lectura de planos",
    "administración y facturación",
    "liquidación de sueldos",
    "recepción y atención telefónica",
    "trabajo en equipo",
    "comunicación oral y escrita",
    "resolución de problemas",
];

/// Why the taxonomy could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum TaxonomyError {
    /// A compiled-in file is malformed.
    #[error("occupation reference data: {0}")]
    Data(String),
    /// The database refused the rows.
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// A row of a compiled-in CSV, by column name.
pub(crate) struct Rows {
    headers: csv::StringRecord,
    records: Vec<csv::StringRecord>,
}

impl Rows {
    pub(crate) fn parse(text: &str) -> Result<Self, TaxonomyError> {
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let headers = reader
            .headers()
            .map_err(|e| TaxonomyError::Data(e.to_string()))?
            .clone();
        let records = reader
            .records()
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| TaxonomyError::Data(e.to_string()))?;
        Ok(Self { headers, records })
    }

    pub(crate) fn records(&self) -> &[csv::StringRecord] {
        &self.records
    }

    pub(crate) fn column(&self, name: &str) -> Result<usize, TaxonomyError> {
        self.headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| TaxonomyError::Data(format!("no column {name}")))
    }
}

/// The kind of an ISCO group from its code (local groups start with a letter).
fn group_kind(code: &str, group_type: &str) -> &'static str {
    if group_type != "iscogroup" {
        return "local";
    }
    match code.len() {
        1 => "major",
        2 => "sub_major",
        3 => "minor",
        _ => "unit",
    }
}

/// Occupation groups with their parent (the longest other code that prefixes theirs).
pub fn groups() -> Result<Vec<occupation_group::Model>, TaxonomyError> {
    let rows = Rows::parse(GROUPS_CSV)?;
    let (code, kind, label) = (
        rows.column("CODE")?,
        rows.column("GROUPTYPE")?,
        rows.column("PREFERREDLABEL")?,
    );
    let codes: BTreeSet<&str> = rows.records.iter().map(|r| &r[code]).collect();
    Ok(rows
        .records
        .iter()
        .map(|r| {
            let c = &r[code];
            let parent = (1..c.len())
                .rev()
                .map(|n| &c[..n])
                .find(|p| codes.contains(p))
                .map(str::to_owned);
            occupation_group::Model {
                code: c.to_owned(),
                kind: group_kind(c, &r[kind]).to_owned(),
                label: r[label].trim().to_owned(),
                parent_code: parent,
            }
        })
        .collect())
}

/// The 3,074 occupations.
pub fn occupations() -> Result<Vec<occupation::Model>, TaxonomyError> {
    let rows = Rows::parse(OCCUPATIONS_CSV)?;
    let (code, group, label, alt, desc) = (
        rows.column("CODE")?,
        rows.column("OCCUPATIONGROUPCODE")?,
        rows.column("PREFERREDLABEL")?,
        rows.column("ALTLABELS")?,
        rows.column("DESCRIPTION")?,
    );
    Ok(rows
        .records
        .iter()
        .map(|r| {
            let preferred = r[label].trim();
            let alts: Vec<&str> = r[alt]
                .lines()
                .map(str::trim)
                .filter(|a| !a.is_empty() && *a != preferred)
                .collect();
            occupation::Model {
                code: r[code].to_owned(),
                group_code: r[group].to_owned(),
                label: preferred.to_owned(),
                alt_labels: alts.join("\n"),
                description: r[desc].trim().to_owned(),
            }
        })
        .collect())
}

/// Distinct skill labels to seed: the reference skill groups (without the
/// "not elsewhere classified" residual ones) and the local list.
pub fn seed_skills() -> Result<Vec<(String, &'static str)>, TaxonomyError> {
    let rows = Rows::parse(SKILL_GROUPS_CSV)?;
    let label = rows.column("PREFERREDLABEL")?;
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    let reference = rows.records.iter().map(|r| (r[label].trim(), "reference"));
    let local = LOCAL_SKILLS.iter().map(|l| (*l, "local"));
    for (l, source) in reference.chain(local) {
        if l.is_empty()
            || l.contains("no definido con mayor precisión")
            || l.contains("no definidos con mayor precisión")
            || l.contains("no clasificad")
        {
            continue;
        }
        if seen.insert(crate::text::fold(l)) {
            out.push((l.to_owned(), source));
        }
    }
    Ok(out)
}

/// Is the occupation taxonomy missing from the database?
pub async fn needs_load(conn: &impl ConnectionTrait) -> Result<bool, DbErr> {
    Ok(occupation::Entity::find().count(conn).await? == 0)
}

/// Loads groups and occupations (insert or update) and seeds the skills vocabulary
/// when it is empty. Returns the number of occupations.
pub async fn load(conn: &impl ConnectionTrait) -> Result<usize, TaxonomyError> {
    let groups = groups()?;
    for chunk in groups.chunks(200) {
        occupation_group::Entity::insert_many(chunk.iter().cloned().map(|g| {
            occupation_group::ActiveModel {
                code: Set(g.code),
                kind: Set(g.kind),
                label: Set(g.label),
                parent_code: Set(g.parent_code),
            }
        }))
        .on_conflict(
            OnConflict::column(occupation_group::Column::Code)
                .update_columns([
                    occupation_group::Column::Kind,
                    occupation_group::Column::Label,
                    occupation_group::Column::ParentCode,
                ])
                .to_owned(),
        )
        .exec(conn)
        .await?;
    }
    let occupations = occupations()?;
    for chunk in occupations.chunks(200) {
        occupation::Entity::insert_many(chunk.iter().cloned().map(|o| occupation::ActiveModel {
            code: Set(o.code),
            group_code: Set(o.group_code),
            label: Set(o.label),
            alt_labels: Set(o.alt_labels),
            description: Set(o.description),
        }))
        .on_conflict(
            OnConflict::column(occupation::Column::Code)
                .update_columns([
                    occupation::Column::GroupCode,
                    occupation::Column::Label,
                    occupation::Column::AltLabels,
                    occupation::Column::Description,
                ])
                .to_owned(),
        )
        .exec(conn)
        .await?;
    }
    if skill::Entity::find().count(conn).await? == 0 {
        let now = Utc::now();
        let skills = seed_skills()?;
        for chunk in skills.chunks(200) {
            skill::Entity::insert_many(chunk.iter().map(|(label, source)| skill::ActiveModel {
                id: Set(Uuid::now_v7()),
                label: Set(label.clone()),
                source: Set((*source).to_owned()),
                active: Set(true),
                created_at: Set(now),
            }))
            .exec(conn)
            .await?;
        }
    }
    Ok(occupations.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_taxonomy_has_every_group_and_occupation() {
        let groups = groups().unwrap();
        assert_eq!(groups.len(), 647);
        assert_eq!(groups.iter().filter(|g| g.kind == "unit").count(), 436);
        let mason = groups.iter().find(|g| g.code == "7112").unwrap();
        assert_eq!(mason.parent_code.as_deref(), Some("711"));
        let occupations = occupations().unwrap();
        assert_eq!(occupations.len(), 3074);
        assert!(occupations.iter().all(|o| !o.label.is_empty()));
    }

    #[test]
    fn seeded_skills_are_distinct_and_skip_residual_groups() {
        let skills = seed_skills().unwrap();
        let folded: BTreeSet<_> = skills.iter().map(|(l, _)| crate::text::fold(l)).collect();
        assert_eq!(folded.len(), skills.len());
        assert!(
            skills
                .iter()
                .any(|(l, s)| l == "albañilería" && *s == "local")
        );
        assert!(!skills.iter().any(|(l, _)| l.contains("no clasificad")));
    }
}
