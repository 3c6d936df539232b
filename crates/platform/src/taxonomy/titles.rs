//! The local vocabulary of job titles: how people in Argentina name their work ("mozo",
//! "empleada de comercio", "changarín"), in masculine and feminine forms, each mapped to
//! an ISCO-08 unit group. Seeded from `reference/titles-ar/occupation_titles.csv`,
//! edited by admins. The occupation type-ahead searches these titles first and the
//! reference taxonomy after them.
//!
//! A title is stored on a profile or a vacancy as its unit group code (`5131`) with the
//! title as the label (in the person's gender), so matching keeps comparing unit groups.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, EntityTrait, IntoActiveModel, PaginatorTrait, QueryOrder,
    Set,
};
use uuid::Uuid;

use super::catalog::{self, Catalog, Hit, Scored};
use super::entity::occupation_title;
use super::reference::{self, Rows, TaxonomyError};
use crate::audit::{self, AuditCtx, Change};
use crate::db::{self, Db, StoreError};
use crate::text::fold;
use crate::validation::{self, FieldErrors};

const TITLES_CSV: &str = include_str!("../../reference/titles-ar/occupation_titles.csv");

/// Sectors of the labour market a title belongs to (for the admin's filter).
pub const SECTORS: [&str; 12] = [
    "agro",
    "construccion",
    "comercio",
    "cuidados",
    "gastronomia",
    "transporte",
    "administracion",
    "salud",
    "educacion",
    "industria",
    "servicios",
    "otros",
];

/// Which form of a title to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Gender {
    /// Feminine forms ("moza").
    Female,
    /// Masculine forms ("mozo").
    Male,
    /// Not known: the form that was typed, masculine by default.
    #[default]
    Unknown,
}

impl Gender {
    /// From a query parameter or a person's registered sex: `f`/`F`, `m`/`M`.
    pub fn parse(s: &str) -> Self {
        match s.trim() {
            "f" | "F" => Gender::Female,
            "m" | "M" => Gender::Male,
            _ => Gender::Unknown,
        }
    }
}

/// A title as the seed file holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedTitle {
    /// Masculine (or only) form.
    pub masculine: String,
    /// Feminine form.
    pub feminine: Option<String>,
    /// ISCO-08 unit group.
    pub unit_group: String,
    /// Sector.
    pub sector: String,
}

/// The compiled-in seed.
pub fn seed() -> Result<Vec<SeedTitle>, TaxonomyError> {
    let rows = Rows::parse(TITLES_CSV)?;
    let (m, f, g, s) = (
        rows.column("masculine")?,
        rows.column("feminine")?,
        rows.column("unit_group")?,
        rows.column("sector")?,
    );
    Ok(rows
        .records()
        .iter()
        .map(|r| SeedTitle {
            masculine: r[m].trim().to_owned(),
            feminine: Some(r[f].trim())
                .filter(|x| !x.is_empty() && *x != r[m].trim())
                .map(str::to_owned),
            unit_group: r[g].trim().to_owned(),
            sector: r[s].trim().to_owned(),
        })
        .collect())
}

/// Seeds the vocabulary when it is empty. Returns the titles added.
pub async fn load(db: &Db) -> Result<usize, TaxonomyError> {
    // One transaction: a start stopped half-way seeds nothing, and the next one all.
    let tx = db::begin_write(db)
        .await
        .map_err(|e| TaxonomyError::Data(e.to_string()))?;
    let conn = &tx;
    if occupation_title::Entity::find().count(conn).await? > 0 {
        return Ok(0);
    }
    let now = Utc::now();
    let titles = seed()?;
    for chunk in titles.chunks(200) {
        occupation_title::Entity::insert_many(chunk.iter().map(|t| {
            occupation_title::ActiveModel {
                id: Set(Uuid::now_v7()),
                masculine: Set(t.masculine.clone()),
                feminine: Set(t.feminine.clone()),
                unit_group: Set(t.unit_group.clone()),
                sector: Set(t.sector.clone()),
                active: Set(true),
                source: Set("seed".into()),
                created_at: Set(now),
                updated_at: Set(now),
            }
        }))
        .exec(conn)
        .await?;
    }
    tx.commit().await?;
    Ok(titles.len())
}

/// Is the vocabulary empty (to be seeded)?
pub async fn needs_load(conn: &impl ConnectionTrait) -> Result<bool, sea_orm::DbErr> {
    Ok(occupation_title::Entity::find().count(conn).await? == 0)
}

/// ISCO-08 unit groups and their labels (compiled in).
fn unit_groups() -> &'static HashMap<String, String> {
    static GROUPS: OnceLock<HashMap<String, String>> = OnceLock::new();
    GROUPS.get_or_init(|| {
        reference::groups()
            .unwrap_or_default()
            .into_iter()
            .filter(|g| g.kind == "unit")
            .map(|g| (g.code, g.label))
            .collect()
    })
}

/// The label of an ISCO-08 unit group (`5131` → "Camareros"), if it is one.
pub fn unit_group_label(code: &str) -> Option<&'static str> {
    unit_groups().get(code).map(String::as_str)
}

/// The occupation type-ahead: the active titles of the vocabulary over the reference
/// taxonomy.
pub struct Occupations {
    titles: Catalog,
    rows: Vec<occupation_title::Model>,
}

impl Occupations {
    /// Over these titles (inactive ones are left out).
    pub fn new(rows: Vec<occupation_title::Model>) -> Self {
        let rows: Vec<_> = rows.into_iter().filter(|t| t.active).collect();
        let titles = Catalog::new(rows.iter().enumerate().map(|(i, t)| {
            let alts = t.feminine.iter().cloned().collect();
            (i.to_string(), t.masculine.clone(), alts)
        }));
        Self { titles, rows }
    }

    /// The titles read from the database now.
    pub async fn read(conn: &impl ConnectionTrait) -> Result<Self, sea_orm::DbErr> {
        Ok(Self::new(all(conn).await?))
    }

    /// The hit of a title, in the form matched (`label_index` 1 is the feminine) or
    /// the person's gender.
    fn title_hit(&self, s: &Scored, gender: Gender) -> Hit {
        let t = &self.rows[s.hit.code.parse::<usize>().unwrap_or_default()];
        let feminine = match gender {
            Gender::Female => true,
            Gender::Male => false,
            Gender::Unknown => s.label_index == 1,
        };
        let label = match (&t.feminine, feminine) {
            (Some(f), true) => f.clone(),
            _ => t.masculine.clone(),
        };
        Hit {
            code: t.unit_group.clone(),
            label,
            matched: None,
        }
    }

    fn merged(&self, typed: &str, limit: usize, gender: Gender) -> Vec<Hit> {
        let reference = super::occupations();
        let mut scored = self.titles.scored(typed, 1);
        for s in &mut scored {
            s.hit = self.title_hit(s, gender);
        }
        scored.extend(reference.scored(typed, 0));
        let mut seen = std::collections::HashSet::new();
        catalog::best(scored, usize::MAX)
            .into_iter()
            .map(|s| s.hit)
            .filter(|h| seen.insert((h.code.clone(), h.label.clone())))
            .take(limit)
            .collect()
    }

    /// Best matches for what was typed: titles first on equal matches, typo-tolerant
    /// matches only when nothing matches without a typo.
    pub fn search(&self, typed: &str, limit: usize, gender: Gender) -> Vec<Hit> {
        self.merged(typed, limit, gender)
    }

    /// What a form sent: `title (unit group)` as the type-ahead writes it, an occupation
    /// code or `label (code)`, a title or label typed exactly, or words every one of
    /// which matches without a typo. `None` when only a guess would explain the text.
    pub fn resolve(&self, typed: &str, gender: Gender) -> Option<Hit> {
        let typed = typed.trim();
        if typed.is_empty() {
            return None;
        }
        let (label, code) = match typed.strip_suffix(')').and_then(|s| s.rsplit_once('(')) {
            Some((l, c)) => (l.trim(), c.trim()),
            None => (typed, typed),
        };
        if let Some(group_label) = unit_group_label(code) {
            let folded = fold(label);
            let title = self.rows.iter().find(|t| {
                t.unit_group == code
                    && (fold(&t.masculine) == folded
                        || t.feminine.as_deref().is_some_and(|f| fold(f) == folded))
            });
            let label = match title {
                Some(t) if t.feminine.as_deref().is_some_and(|f| fold(f) == folded) => {
                    t.feminine.clone().unwrap_or_default()
                }
                Some(t) if gender == Gender::Female && t.feminine.is_some() => {
                    t.feminine.clone().unwrap_or_default()
                }
                Some(t) => t.masculine.clone(),
                None => group_label.to_owned(),
            };
            return Some(Hit {
                code: code.to_owned(),
                label,
                matched: None,
            });
        }
        let reference = super::occupations();
        if reference.label(code).is_some() {
            return reference.resolve(typed);
        }
        if let Some(s) = self.titles.scored(typed, 1).into_iter().find(|s| {
            let words = fold(typed);
            fold(&s.hit.label) == words || s.hit.matched.as_deref().map(fold) == Some(words)
        }) {
            return Some(self.title_hit(&s, gender));
        }
        if let Some(hit) = reference.exact(typed) {
            return Some(hit);
        }
        let mut scored = self.titles.scored_complete(typed, 1);
        for s in &mut scored {
            s.hit = self.title_hit(s, gender);
        }
        scored.extend(reference.scored_complete(typed, 0));
        catalog::best(scored, 1)
            .into_iter()
            .find(|s| s.rank.exact)
            .map(|s| s.hit)
    }
}

impl Occupations {
    /// A saved title's label in the person's gender (`mozo` → `moza` for a woman);
    /// other labels, and titles without the other form, are returned unchanged.
    pub fn gendered(&self, code: &str, label: &str, gender: Gender) -> String {
        let folded = fold(label);
        let title = self.rows.iter().find(|t| {
            t.unit_group == code
                && (fold(&t.masculine) == folded
                    || t.feminine.as_deref().is_some_and(|f| fold(f) == folded))
        });
        match (title, gender) {
            (Some(t), Gender::Female) => t.feminine.clone().unwrap_or_else(|| label.to_owned()),
            (Some(t), Gender::Male) => t.masculine.clone(),
            _ => label.to_owned(),
        }
    }
}

/// The type-ahead over the compiled-in seed, without a database (tests, tools).
pub fn seed_vocabulary() -> Occupations {
    let now = Utc::now();
    let rows = seed()
        .unwrap_or_default()
        .into_iter()
        .map(|t| occupation_title::Model {
            id: Uuid::now_v7(),
            masculine: t.masculine,
            feminine: t.feminine,
            unit_group: t.unit_group,
            sector: t.sector,
            active: true,
            source: "seed".into(),
            created_at: now,
            updated_at: now,
        })
        .collect();
    Occupations::new(rows)
}

/// One title by id.
pub async fn find(db: &Db, id: Uuid) -> Result<Option<occupation_title::Model>, StoreError> {
    Ok(occupation_title::Entity::find_by_id(id).one(db).await?)
}

/// Every title, by masculine form.
pub async fn all(
    conn: &impl ConnectionTrait,
) -> Result<Vec<occupation_title::Model>, sea_orm::DbErr> {
    occupation_title::Entity::find()
        .order_by_asc(occupation_title::Column::Masculine)
        .all(conn)
        .await
}

/// This application's copy of the type-ahead (read on every key press).
pub type OccupationsCache = super::copy::VocabularyCopy<Occupations>;

impl OccupationsCache {
    /// The type-ahead, from this copy or the database.
    pub async fn get(&self, db: &Db) -> Result<Arc<Occupations>, StoreError> {
        self.get_or_load(async { Ok(Arc::new(Occupations::read(db).await?)) })
            .await
    }
}

/// A title as an admin enters it.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct TitleInput {
    /// Masculine (or only) form.
    pub masculine: String,
    /// Feminine form (empty when the same).
    pub feminine: String,
    /// ISCO-08 unit group code (`5131`), or `label (5131)`.
    pub unit_group: String,
    /// One of [`SECTORS`].
    pub sector: String,
}

/// Why a titles use case failed.
#[derive(Debug, thiserror::Error)]
pub enum TitleError {
    /// Bad input.
    #[error(transparent)]
    Invalid(#[from] FieldErrors),
    /// No such title.
    #[error("not found")]
    NotFound,
    /// Database failure.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sea_orm::DbErr> for TitleError {
    fn from(e: sea_orm::DbErr) -> Self {
        TitleError::Store(StoreError::from_db(e))
    }
}

impl crate::failure::UseCaseError for TitleError {
    fn failure(self) -> crate::failure::Failure {
        use crate::failure::Failure;
        match self {
            TitleError::Invalid(f) => Failure::Invalid(f),
            TitleError::NotFound => Failure::NotFound,
            TitleError::Store(s) => Failure::Store(s),
        }
    }
}

/// A valid title.
struct ValidTitle {
    masculine: String,
    feminine: Option<String>,
    unit_group: String,
    sector: String,
}

fn validate(input: &TitleInput) -> Result<ValidTitle, FieldErrors> {
    let mut e = FieldErrors::new();
    let masculine = validation::text(&mut e, "masculine", &input.masculine, true, 80);
    let feminine = validation::text(&mut e, "feminine", &input.feminine, false, 80);
    let typed = input.unit_group.trim();
    let code = typed
        .strip_suffix(')')
        .and_then(|s| s.rsplit_once('('))
        .map_or(typed, |(_, c)| c.trim());
    if code.is_empty() {
        e.add("unit_group", "field-required");
    } else if unit_group_label(code).is_none() {
        e.add("unit_group", "title-group-unknown");
    }
    if !SECTORS.contains(&input.sector.trim()) {
        e.add("sector", "field-choice-invalid");
    }
    e.into_result()?;
    Ok(ValidTitle {
        feminine: Some(feminine).filter(|f| !f.is_empty() && fold(f) != fold(&masculine)),
        masculine,
        unit_group: code.to_owned(),
        sector: input.sector.trim().to_owned(),
    })
}

/// Validates a title and checks that no other one uses its forms, reporting every
/// problem at once.
fn validate_against(
    others: &[occupation_title::Model],
    input: &TitleInput,
    except: Option<Uuid>,
) -> Result<ValidTitle, FieldErrors> {
    let typed = ValidTitle {
        masculine: input.masculine.trim().to_owned(),
        feminine: Some(input.feminine.trim().to_owned()).filter(|f| !f.is_empty()),
        unit_group: String::new(),
        sector: String::new(),
    };
    let taken = check_unique(others, &typed, except).err();
    match (validate(input), taken) {
        (Ok(v), None) => Ok(v),
        (Ok(_), Some(e)) => Err(e),
        (Err(mut e), taken) => {
            for t in taken.into_iter().flat_map(|t| t.0) {
                if !e.has(t.field) {
                    e.0.push(t);
                }
            }
            Err(e)
        }
    }
}

/// Refuses a form that another title already uses (either form, ignoring accents).
fn check_unique(
    others: &[occupation_title::Model],
    v: &ValidTitle,
    except: Option<Uuid>,
) -> Result<(), FieldErrors> {
    let taken: std::collections::HashSet<String> = others
        .iter()
        .filter(|t| Some(t.id) != except)
        .flat_map(|t| std::iter::once(fold(&t.masculine)).chain(t.feminine.as_deref().map(fold)))
        .collect();
    let mut e = FieldErrors::new();
    if taken.contains(&fold(&v.masculine)) {
        e.add("masculine", "title-exists");
    }
    if v.feminine
        .as_deref()
        .is_some_and(|f| taken.contains(&fold(f)))
    {
        e.add("feminine", "title-exists");
    }
    e.into_result()
}

fn snapshot(t: &occupation_title::Model) -> serde_json::Value {
    serde_json::json!({
        "masculine": t.masculine,
        "feminine": t.feminine,
        "unit_group": t.unit_group,
        "sector": t.sector,
        "active": t.active,
    })
}

/// Adds a title.
pub async fn create(db: &Db, ctx: &AuditCtx, input: &TitleInput) -> Result<Uuid, TitleError> {
    let tx = db::begin_write(db).await?;
    let v = validate_against(&all(&tx).await?, input, None)?;
    let now = Utc::now();
    let model = occupation_title::ActiveModel {
        id: Set(Uuid::now_v7()),
        masculine: Set(v.masculine),
        feminine: Set(v.feminine),
        unit_group: Set(v.unit_group),
        sector: Set(v.sector),
        active: Set(true),
        source: Set("admin".into()),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&tx)
    .await?;
    audit::record(
        &tx,
        ctx,
        Change::new("occupation_title.create", "occupation_title", model.id)
            .after(snapshot(&model)),
    )
    .await?;
    tx.commit().await?;
    Ok(model.id)
}

/// Changes a title (its forms, group or sector). Profiles keep the labels they saved.
pub async fn update(
    db: &Db,
    ctx: &AuditCtx,
    id: Uuid,
    input: &TitleInput,
) -> Result<(), TitleError> {
    let tx = db::begin_write(db).await?;
    let list = all(&tx).await?;
    let before = list
        .iter()
        .find(|t| t.id == id)
        .cloned()
        .ok_or(TitleError::NotFound)?;
    let v = validate_against(&list, input, Some(id))?;
    let mut a = before.clone().into_active_model();
    a.masculine = Set(v.masculine);
    a.feminine = Set(v.feminine);
    a.unit_group = Set(v.unit_group);
    a.sector = Set(v.sector);
    a.updated_at = Set(Utc::now());
    let after = a.update(&tx).await?;
    audit::record(
        &tx,
        ctx,
        Change::new("occupation_title.update", "occupation_title", id)
            .before(snapshot(&before))
            .after(snapshot(&after)),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Offers or withdraws a title in forms.
pub async fn toggle(db: &Db, ctx: &AuditCtx, id: Uuid) -> Result<bool, TitleError> {
    let tx = db::begin_write(db).await?;
    let t = occupation_title::Entity::find_by_id(id)
        .one(&tx)
        .await?
        .ok_or(TitleError::NotFound)?;
    let active = !t.active;
    let mut a = t.into_active_model();
    a.active = Set(active);
    a.updated_at = Set(Utc::now());
    a.update(&tx).await?;
    audit::record(
        &tx,
        ctx,
        Change::new("occupation_title.toggle", "occupation_title", id)
            .after(serde_json::json!({ "active": active })),
    )
    .await?;
    tx.commit().await?;
    Ok(active)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::taxonomy::unit_group;

    fn vocabulary() -> Occupations {
        seed_vocabulary()
    }

    #[test]
    fn the_seed_is_large_distinct_and_mapped_to_real_unit_groups() {
        let titles = seed().unwrap();
        assert!(titles.len() >= 300, "{} titles", titles.len());
        let mut forms = std::collections::HashSet::new();
        for t in &titles {
            assert!(
                unit_group_label(&t.unit_group).is_some(),
                "{}: {}",
                t.masculine,
                t.unit_group
            );
            assert!(SECTORS.contains(&t.sector.as_str()), "{}", t.sector);
            assert!(forms.insert(fold(&t.masculine)), "twice: {}", t.masculine);
        }
        assert!(titles.iter().filter(|t| t.feminine.is_some()).count() > 150);
    }

    /// Fifty-odd titles as an operator types them, each with the ISCO-08 unit group a
    /// labour-market analyst would give it (`reference/titles-ar/golden.csv`).
    #[test]
    fn golden_argentine_titles_find_their_unit_group() {
        let occupations = vocabulary();
        let rows = Rows::parse(include_str!("../../reference/titles-ar/golden.csv")).unwrap();
        let (typed, group) = (
            rows.column("typed").unwrap(),
            rows.column("unit_group").unwrap(),
        );
        let mut wrong = Vec::new();
        for r in rows.records() {
            let hits = occupations.search(&r[typed], 10, Gender::Unknown);
            if hits.first().map(|h| unit_group(&h.code)) != Some(&r[group]) {
                wrong.push(format!(
                    "{} → {:?} (want {})",
                    &r[typed],
                    hits.first(),
                    &r[group]
                ));
            }
        }
        assert!(rows.records().len() >= 50);
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn titles_show_in_the_persons_gender_and_beat_fuzzy_reference_labels() {
        let o = vocabulary();
        let mozo = o.search("mozo", 10, Gender::Unknown);
        assert_eq!(
            (mozo[0].label.as_str(), mozo[0].code.as_str()),
            ("mozo", "5131")
        );
        let waiter = mozo.iter().position(|h| h.code == "5131");
        let cylinders = mozo.iter().position(|h| h.label.contains("cilindro"));
        assert!(waiter < cylinders || cylinders.is_none(), "{mozo:?}");
        assert_eq!(o.search("mozo", 1, Gender::Female)[0].label, "moza");
        assert_eq!(o.search("moza", 1, Gender::Unknown)[0].label, "moza");
        // The type-ahead's own text resolves to the same title and form.
        let hit = o.resolve("moza (5131)", Gender::Unknown).unwrap();
        assert_eq!((hit.label.as_str(), hit.code.as_str()), ("moza", "5131"));
        assert_eq!(
            o.resolve("mozo (5131)", Gender::Female).unwrap().label,
            "moza"
        );
        assert_eq!(o.gendered("5131", "Mozo", Gender::Female), "moza");
        assert_eq!(o.gendered("5131", "moza", Gender::Male), "mozo");
        assert_eq!(o.gendered("5131", "moza", Gender::Unknown), "moza");
        assert_eq!(o.gendered("7112.1", "albañil", Gender::Female), "albañil");
        // A unit group with any label keeps the group's own label.
        assert!(o.resolve("algo (5131)", Gender::Unknown).is_some());
        // Free text only a typo explains is not guessed; typed exactly, it is.
        assert!(o.resolve("qwertyuiop", Gender::Unknown).is_none());
        // A form's text is complete: a short last word is not the start of a title.
        assert!(
            o.resolve("domador de zánganos a", Gender::Unknown)
                .is_none()
        );
        assert_eq!(
            o.resolve("Changarín", Gender::Unknown).unwrap().label,
            "changarín"
        );
    }

    #[test]
    fn an_admins_title_is_validated() {
        let bad = validate(&TitleInput {
            masculine: " ".into(),
            unit_group: "9999".into(),
            sector: "luna".into(),
            ..TitleInput::default()
        })
        .err()
        .unwrap();
        assert!(bad.has("masculine") && bad.has("unit_group") && bad.has("sector"));
        let good = validate(&TitleInput {
            masculine: "cosechero de arándanos".into(),
            feminine: "cosechera de arándanos".into(),
            unit_group: "Peones agropecuarios (9211)".into(),
            sector: "agro".into(),
        })
        .ok()
        .unwrap();
        assert_eq!(good.unit_group, "9211");
        let existing = vocabulary().rows;
        let dup = ValidTitle {
            masculine: "Mozo".into(),
            feminine: None,
            unit_group: "5131".into(),
            sector: "gastronomia".into(),
        };
        assert!(
            check_unique(&existing, &dup, None)
                .unwrap_err()
                .has("masculine")
        );
    }
}
