//! The skills vocabulary: list, add, (de)activate, and a cached type-ahead catalogue.

use std::sync::Arc;

use chrono::Utc;
use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, QueryOrder, Set};
use uuid::Uuid;

use super::Catalog;
use super::entity::skill;
use crate::audit::{self, AuditCtx, Change};
use crate::db::{self, Db, StoreError};
use crate::text::fold;
use crate::validation::{self, FieldErrors};

/// Why a skills use case failed.
#[derive(Debug, thiserror::Error)]
pub enum SkillError {
    /// Bad input.
    #[error(transparent)]
    Invalid(#[from] FieldErrors),
    /// No such skill.
    #[error("not found")]
    NotFound,
    /// Database failure.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sea_orm::DbErr> for SkillError {
    fn from(e: sea_orm::DbErr) -> Self {
        SkillError::Store(StoreError::from_db(e))
    }
}

/// Every skill, by label.
pub async fn all(conn: &impl sea_orm::ConnectionTrait) -> Result<Vec<skill::Model>, StoreError> {
    Ok(skill::Entity::find()
        .order_by_asc(skill::Column::Label)
        .all(conn)
        .await?)
}

/// This application's copy of the active skills (the type-ahead reads it on every key
/// press).
pub type SkillsCache = super::copy::VocabularyCopy<Catalog>;

impl SkillsCache {
    /// The catalogue, from this copy or the database.
    pub async fn get(&self, db: &Db) -> Result<Arc<Catalog>, StoreError> {
        self.get_or_load(catalog(db)).await
    }
}

/// Words people use for the local skills ("excel", "niñera"), so the type-ahead finds
/// the skill instead of a look-alike of another field.
const SYNONYMS: &[(&str, &[&str])] = &[
    (
        "planillas de cálculo",
        &["excel", "hojas de cálculo", "google sheets"],
    ),
    (
        "uso de computadora y ofimática",
        &["word", "paquete office", "computación", "pc"],
    ),
    ("cuidado de niños", &["niñera", "niñero", "babysitter"]),
    (
        "cuidado de personas mayores",
        &["cuidadora", "cuidador", "geriatría", "adultos mayores"],
    ),
    (
        "manejo de caja y cobranzas",
        &["cajera", "cajero", "posnet"],
    ),
    (
        "reposición y control de stock",
        &["repositor", "repositora", "inventario"],
    ),
    ("manejo de autoelevador", &["clark", "montacargas"]),
    ("conducción de vehículos de carga", &["camión", "camionero"]),
    (
        "redes sociales y comercio electrónico",
        &["instagram", "facebook", "mercado libre"],
    ),
    ("soldadura eléctrica", &["soldador", "soldar"]),
    (
        "cocina y manipulación de alimentos",
        &["manipulador de alimentos", "cocinar"],
    ),
    ("programación", &["programador", "desarrollo de software"]),
    ("atención al cliente", &["atención al público"]),
    (
        "limpieza y mantenimiento de edificios",
        &["limpieza", "maestranza"],
    ),
    ("albañilería", &["albañil"]),
    ("electricidad domiciliaria", &["electricista"]),
    ("plomería y gas", &["plomero", "gasista"]),
    (
        "peluquería y estética",
        &["peluquera", "peluquero", "manicura"],
    ),
    ("costura y confección", &["costurera", "modista"]),
    ("telemarketing", &["call center"]),
    ("liquidación de sueldos", &["sueldos"]),
];

/// The synonyms of a skill label.
fn synonyms(label: &str) -> Vec<String> {
    let folded = fold(label);
    SYNONYMS
        .iter()
        .filter(|(l, _)| fold(l) == folded)
        .flat_map(|(_, s)| s.iter().map(|x| (*x).to_owned()))
        .collect()
}

/// The active skills as a type-ahead catalogue (codes are skill ids), read now: use
/// cases validate against the vocabulary as it is.
pub async fn catalog(db: &Db) -> Result<Arc<Catalog>, StoreError> {
    let list = all(db).await?;
    Ok(Arc::new(Catalog::new(
        list.into_iter().filter(|s| s.active).map(|s| {
            let alts = synonyms(&s.label);
            (s.id.to_string(), s.label, alts)
        }),
    )))
}

/// Adds a skill (labels are unique ignoring accents and case).
pub async fn create(db: &Db, ctx: &AuditCtx, label: &str) -> Result<Uuid, SkillError> {
    let mut e = FieldErrors::new();
    let label = validation::text(&mut e, "label", label, true, 120);
    e.into_result()?;
    let tx = db::begin_write(db).await?;
    let folded = fold(&label);
    if all(&tx).await?.iter().any(|s| fold(&s.label) == folded) {
        return Err(FieldErrors::one("label", "skill-exists").into());
    }
    let id = Uuid::now_v7();
    skill::ActiveModel {
        id: Set(id),
        label: Set(label.clone()),
        source: Set("admin".into()),
        active: Set(true),
        created_at: Set(Utc::now()),
    }
    .insert(&tx)
    .await?;
    audit::record(
        &tx,
        ctx,
        Change::new("skill.create", "skill", id).after(serde_json::json!({ "label": label })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Offers or withdraws a skill in forms.
pub async fn toggle(db: &Db, ctx: &AuditCtx, id: Uuid) -> Result<bool, SkillError> {
    let tx = db::begin_write(db).await?;
    let s = skill::Entity::find_by_id(id)
        .one(&tx)
        .await?
        .ok_or(SkillError::NotFound)?;
    let active = !s.active;
    let mut a = s.into_active_model();
    a.active = Set(active);
    a.update(&tx).await?;
    audit::record(
        &tx,
        ctx,
        Change::new("skill.toggle", "skill", id).after(serde_json::json!({ "active": active })),
    )
    .await?;
    tx.commit().await?;
    Ok(active)
}

impl crate::failure::UseCaseError for SkillError {
    fn failure(self) -> crate::failure::Failure {
        use crate::failure::Failure;
        match self {
            SkillError::Invalid(f) => Failure::Invalid(f),
            SkillError::NotFound => Failure::NotFound,
            SkillError::Store(s) => Failure::Store(s),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_skills_are_found_by_the_words_people_use() {
        let seeded = super::super::reference::seed_skills().unwrap();
        for (label, _) in SYNONYMS {
            assert!(
                seeded.iter().any(|(l, _)| fold(l) == fold(label)),
                "{label} is not a seeded skill"
            );
        }
        let catalog = Catalog::new(
            seeded
                .iter()
                .enumerate()
                .map(|(i, (l, _))| (i.to_string(), l.clone(), synonyms(l))),
        );
        let first = |q: &str| catalog.search(q, 1).first().map(|h| h.label.clone());
        assert_eq!(first("excel").as_deref(), Some("planillas de cálculo"));
        assert_eq!(first("niñera").as_deref(), Some("cuidado de niños"));
        assert_eq!(
            first("repositor").as_deref(),
            Some("reposición y control de stock")
        );
        // Without a synonym, a look-alike of another field is not offered first.
        assert!(
            catalog
                .search("humanidades", 3)
                .iter()
                .all(|h| h.label != "planillas de cálculo")
        );
    }
}
