//! The rest of the profile: repeating items (work history, skills, languages, driving
//! licences, benefits, consents, desired occupations) and the situation (disability,
//! household, unemployment, availability). Every change keeps field history, an audit
//! row and a timeline event, like the identity fields.

pub mod api;
pub mod certified;
pub use certified::{certificate_of, certify_occupation, certify_skills, withdraw_certification};
pub mod handlers;
pub mod uncoded;

use chrono::{NaiveDate, SubsecRound, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, ModelTrait,
    QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::entity::{person, profile_item};
use crate::service::{PersonError, Snapshot, record_changes};
use crate::store;
use sipe_platform::access::{Access, ScopeKind};
use sipe_platform::audit::AuditCtx;
use sipe_platform::db::{self, Db};
use sipe_platform::ids::PersonId;
use sipe_platform::validation::{self, FieldErrors};

/// The kinds of profile items, as stored.
pub const ITEM_KINDS: [&str; 7] = [
    "work", "skill", "language", "licence", "benefit", "consent", "desired",
];

/// Skill levels.
pub const SKILL_LEVELS: [&str; 3] = ["basic", "intermediate", "advanced"];
/// Languages offered (ISO 639-1; Quechua, Guaraní and Aymara are spoken in the region).
pub const LANGUAGES: [&str; 11] = [
    "es", "en", "pt", "it", "fr", "de", "qu", "gn", "ay", "zh", "ar",
];
/// Language levels (CEFR, plus native).
pub const LANGUAGE_LEVELS: [&str; 7] = ["A1", "A2", "B1", "B2", "C1", "C2", "native"];
/// Driving licence classes of the national licence (Ley 24.449).
pub const LICENCE_CLASSES: [&str; 8] = ["A", "B1", "B2", "C", "D", "E", "F", "G"];
/// Benefits received.
pub const BENEFITS: [&str; 5] = ["auh", "progresar", "potenciar", "pension", "other"];
/// Purposes of processing that need a recorded basis.
pub const CONSENT_PURPOSES: [&str; 5] = [
    "contact",
    "job_matching",
    "share_with_employers",
    "training_offers",
    "statistics",
];
/// Legal bases (Ley 25.326).
pub const CONSENT_BASES: [&str; 3] = ["consent", "legal_obligation", "public_task"];
/// Desired occupations kept per person.
pub const MAX_DESIRED: usize = 3;

/// Disability types of the CUD.
pub const DISABILITY_TYPES: [&str; 5] = ["motor", "visceral", "intellectual", "mental", "sensory"];
/// Hours a person is available for.
pub const AVAILABILITY_HOURS: [&str; 3] = ["full_time", "part_time", "any"];

/// A profile item as entered; every field is text so a form can be re-shown as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ItemInput {
    /// One of `work`, `skill`, `language`, `licence`, `benefit`, `consent`, `desired`.
    pub kind: String,
    /// Occupation (code, `label (code)` or words), skill (id or label), language,
    /// licence class, benefit or consent purpose.
    pub code: String,
    /// Skill or language level; legal basis of a consent.
    pub level: String,
    /// Employer (work).
    pub employer: String,
    /// `yyyy-mm-dd`: start (work, benefit), date given (consent).
    pub from_date: String,
    /// `yyyy-mm-dd`: end (work, benefit), expiry (licence).
    pub to_date: String,
    /// Tasks (work), detail (benefit `other`).
    pub note: String,
    /// Keep an occupation that is not in the vocabulary as typed, "sin codificar"
    /// (`on`/`true`); a coordinator codes it later.
    pub uncoded: String,
}

/// A validated item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidItem {
    kind: &'static str,
    code: String,
    label: String,
    level: Option<String>,
    employer: Option<String>,
    from_date: Option<NaiveDate>,
    to_date: Option<NaiveDate>,
    note: Option<String>,
}

fn one_of(e: &mut FieldErrors, field: &'static str, raw: &str, allowed: &[&str]) -> String {
    let v = raw.trim();
    if !allowed.contains(&v) {
        e.add(
            field,
            if v.is_empty() {
                "field-required"
            } else {
                "field-choice-invalid"
            },
        );
    }
    v.to_owned()
}

fn opt(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

/// Occupation text kept without a code ("sin codificar") is stored with this code.
pub const UNCODED: &str = "";

/// Do two items of one kind hold the same value? (Uncoded ones compare their words.)
pub fn same_value(a: &profile_item::Model, b: &profile_item::Model) -> bool {
    a.code == b.code
        && (a.code != UNCODED
            || sipe_platform::text::fold(&a.label) == sipe_platform::text::fold(&b.label))
}

/// Validates an item. Skills and occupations are resolved against the vocabularies
/// given (active skills; titles over the reference taxonomy).
pub fn validate_item(
    input: &ItemInput,
    skills: &sipe_platform::taxonomy::Catalog,
    occupations: &sipe_platform::taxonomy::Occupations,
    today: NaiveDate,
) -> Result<ValidItem, FieldErrors> {
    let mut e = FieldErrors::new();
    let Some(kind) = ITEM_KINDS
        .iter()
        .find(|k| **k == input.kind.trim())
        .copied()
    else {
        return Err(FieldErrors::one("kind", "field-choice-invalid"));
    };
    let mut item = ValidItem {
        kind,
        code: String::new(),
        label: String::new(),
        level: None,
        employer: None,
        from_date: None,
        to_date: None,
        note: None,
    };
    let occupation = |e: &mut FieldErrors| {
        let typed = input.code.trim();
        match occupations.resolve(typed, sipe_platform::taxonomy::Gender::Unknown) {
            Some(hit) => (hit.code, hit.label),
            None if typed.is_empty() => {
                e.add("code", "field-required");
                (String::new(), String::new())
            }
            None if flag(&input.uncoded) => {
                let label = validation::text(e, "code", typed, true, 120);
                (UNCODED.to_owned(), label)
            }
            None => {
                e.add("code", "occupation-not-found");
                (String::new(), String::new())
            }
        }
    };
    match kind {
        "work" => {
            (item.code, item.label) = occupation(&mut e);
            item.employer = opt(validation::text(
                &mut e,
                "employer",
                &input.employer,
                true,
                120,
            ));
            item.from_date = validation::date(&mut e, "from_date", &input.from_date, true);
            item.to_date = validation::date(&mut e, "to_date", &input.to_date, false);
            item.note = opt(validation::multiline_text(
                &mut e,
                "note",
                &input.note,
                false,
                500,
            ));
        }
        "desired" => {
            (item.code, item.label) = occupation(&mut e);
        }
        "skill" => {
            let typed = input.code.trim();
            match skills.resolve(typed) {
                Some(hit) => (item.code, item.label) = (hit.code, hit.label),
                None => e.add(
                    "code",
                    if typed.is_empty() {
                        "field-required"
                    } else {
                        "skill-unknown"
                    },
                ),
            }
            item.level = Some(one_of(&mut e, "level", &input.level, &SKILL_LEVELS));
        }
        "language" => {
            item.code = one_of(&mut e, "code", &input.code, &LANGUAGES);
            item.level = Some(one_of(&mut e, "level", &input.level, &LANGUAGE_LEVELS));
        }
        "licence" => {
            item.code = one_of(&mut e, "code", &input.code, &LICENCE_CLASSES);
            item.to_date = validation::date(&mut e, "to_date", &input.to_date, false);
        }
        "benefit" => {
            item.code = one_of(&mut e, "code", &input.code, &BENEFITS);
            item.from_date = validation::date(&mut e, "from_date", &input.from_date, false);
            item.to_date = validation::date(&mut e, "to_date", &input.to_date, false);
            item.note = opt(validation::text(
                &mut e,
                "note",
                &input.note,
                item.code == "other",
                200,
            ));
        }
        _ => {
            item.code = one_of(&mut e, "code", &input.code, &CONSENT_PURPOSES);
            item.level = Some(one_of(&mut e, "level", &input.level, &CONSENT_BASES));
            item.from_date =
                validation::date(&mut e, "from_date", &input.from_date, false).or(Some(today));
        }
    }
    if let (Some(from), Some(to)) = (item.from_date, item.to_date)
        && to < from
    {
        e.add("to_date", "field-date-before-start");
    }
    if item.from_date.is_some_and(|d| d > today) && kind != "consent" {
        e.add("from_date", "field-date-future");
    }
    e.into_result()?;
    if item.label.is_empty() {
        item.label = item.code.clone();
    }
    Ok(item)
}

/// The history line of an item: what the person page shows as old or new value.
fn describe(i: &profile_item::Model) -> String {
    // The field of the history line already names the kind.
    let mut s = i.label.clone();
    if let Some(l) = &i.level {
        s.push_str(&format!(" ({l})"));
    }
    if let Some(emp) = &i.employer {
        s.push_str(&format!(" — {emp}"));
    }
    s
}

/// A person's items, by kind then date.
pub async fn items(
    conn: &impl ConnectionTrait,
    person_id: Uuid,
) -> Result<Vec<profile_item::Model>, sea_orm::DbErr> {
    profile_item::Entity::find()
        .filter(profile_item::Column::PersonId.eq(person_id))
        .order_by_asc(profile_item::Column::Kind)
        .order_by_desc(profile_item::Column::FromDate)
        .order_by_asc(profile_item::Column::CreatedAt)
        .all(conn)
        .await
}

async fn capture(
    conn: &impl ConnectionTrait,
    access: &Access,
    id: Uuid,
) -> Result<person::Model, PersonError> {
    store::find_person(conn, access, ScopeKind::Capture, PersonId(id))
        .await?
        .ok_or(PersonError::NotFound)
}

/// Adds an item inside the caller's transaction (capture scope). Coded items that the
/// person already has are refused, except work history.
pub(crate) async fn add_valid(
    tx: &impl ConnectionTrait,
    ctx: &AuditCtx,
    access: &Access,
    person_id: Uuid,
    mut v: ValidItem,
    occupations: &sipe_platform::taxonomy::Occupations,
) -> Result<Uuid, PersonError> {
    let person = capture(tx, access, person_id).await?;
    if matches!(v.kind, "work" | "desired") {
        let gender = sipe_platform::taxonomy::Gender::parse(&person.sex);
        v.label = occupations.gendered(&v.code, &v.label, gender);
    }
    let existing = items(tx, person_id).await?;
    let same_kind: Vec<_> = existing.iter().filter(|i| i.kind == v.kind).collect();
    let same = |i: &&profile_item::Model| {
        i.code == v.code
            && (v.code != UNCODED
                || sipe_platform::text::fold(&i.label) == sipe_platform::text::fold(&v.label))
    };
    if v.kind != "work" && same_kind.iter().any(same) {
        return Err(FieldErrors::one("code", "profile-item-exists").into());
    }
    // The three a person chooses; certified ones come on top.
    if v.kind == "desired"
        && same_kind.iter().filter(|i| i.evidence.is_none()).count() >= MAX_DESIRED
    {
        return Err(FieldErrors::one("code", "profile-desired-max").into());
    }
    let id = Uuid::now_v7();
    let level = if v.kind == "desired" {
        Some((same_kind.iter().filter(|i| i.evidence.is_none()).count() + 1).to_string())
    } else {
        v.level
    };
    let model = profile_item::ActiveModel {
        id: Set(id),
        person_id: Set(person_id),
        kind: Set(v.kind.to_owned()),
        code: Set(v.code),
        label: Set(v.label),
        level: Set(level),
        employer: Set(v.employer),
        from_date: Set(v.from_date),
        to_date: Set(v.to_date),
        note: Set(v.note),
        created_at: Set(Utc::now().trunc_subsecs(6)),
        created_by: Set(ctx.actor_name.clone()),
        evidence: Set(None),
    }
    .insert(tx)
    .await?;
    touch(tx, person_id).await?;
    let field = field_of(v.kind);
    record_changes(
        tx,
        ctx,
        &person,
        &vec![(field, None)],
        &vec![(field, Some(describe(&model)))],
    )
    .await?;
    Ok(id)
}

/// Marks the person changed, so every node's index follower re-reads them (the index
/// holds the occupations of the work history and desired occupations).
async fn touch(tx: &impl ConnectionTrait, person_id: Uuid) -> Result<(), sea_orm::DbErr> {
    person::Entity::update_many()
        .col_expr(
            person::Column::UpdatedAt,
            sea_orm::sea_query::Expr::value(Utc::now()),
        )
        .filter(person::Column::Id.eq(person_id))
        .exec(tx)
        .await?;
    Ok(())
}

pub(crate) fn field_of(kind: &str) -> &'static str {
    match kind {
        "work" => "work_history",
        "skill" => "skills",
        "language" => "languages",
        "licence" => "driving_licences",
        "benefit" => "benefits",
        "consent" => "consents",
        _ => "desired_occupations",
    }
}

/// Adds an item (capture scope), in its own transaction.
pub async fn add_item(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    tz: chrono_tz::Tz,
    person_id: Uuid,
    input: &ItemInput,
) -> Result<Uuid, PersonError> {
    let skills = sipe_platform::taxonomy::skills::catalog(db).await?;
    let occupations = sipe_platform::taxonomy::Occupations::read(db).await?;
    let v = validate_item(
        input,
        &skills,
        &occupations,
        crate::service::local_today(tz),
    )?;
    let tx = db::begin_write(db).await?;
    let id = add_valid(&tx, ctx, access, person_id, v, &occupations).await?;
    tx.commit().await?;
    Ok(id)
}

/// Removes an item (capture scope); the history keeps what it was.
pub async fn remove_item(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    person_id: Uuid,
    item_id: Uuid,
) -> Result<(), PersonError> {
    let tx = db::begin_write(db).await?;
    let person = capture(&tx, access, person_id).await?;
    let item = profile_item::Entity::find_by_id(item_id)
        .filter(profile_item::Column::PersonId.eq(person_id))
        .one(&tx)
        .await?
        .ok_or(PersonError::NotFound)?;
    let field = field_of(&item.kind);
    let before = vec![(field, Some(describe(&item)))];
    item.delete(&tx).await?;
    touch(&tx, person_id).await?;
    record_changes(&tx, ctx, &person, &before, &vec![(field, None)]).await?;
    tx.commit().await?;
    Ok(())
}

/// The situation part of the profile as entered.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct SituationInput {
    /// Has a disability (`on`/`true`).
    pub has_disability: String,
    /// `motor`, `visceral`, `intellectual`, `mental`, `sensory`.
    pub disability_type: String,
    /// CUD expiry, `yyyy-mm-dd`.
    pub cud_expiry: String,
    /// Number of dependants.
    pub dependants: String,
    /// Head of household (`on`/`true`).
    pub head_of_household: String,
    /// `employed`, `unemployed`, `inactive`.
    pub employment_status: String,
    /// Unemployed since, `yyyy-mm-dd`.
    pub unemployed_since: String,
    /// `full_time`, `part_time`, `any`.
    pub availability_hours: String,
    /// Travel radius in km.
    pub travel_radius_km: String,
}

pub(crate) fn flag(s: &str) -> bool {
    matches!(s.trim(), "on" | "true" | "1" | "si" | "sí")
}

/// The situation fields of a person as a form shows them.
pub fn situation_of(p: &person::Model) -> SituationInput {
    let f = |b: bool| if b { "on".to_owned() } else { String::new() };
    SituationInput {
        has_disability: f(p.has_disability),
        disability_type: p.disability_type.clone().unwrap_or_default(),
        cud_expiry: p.cud_expiry.map(|d| d.to_string()).unwrap_or_default(),
        dependants: p.dependants.map(|d| d.to_string()).unwrap_or_default(),
        head_of_household: f(p.head_of_household),
        employment_status: p.employment_status.clone().unwrap_or_default(),
        unemployed_since: p
            .unemployed_since
            .map(|d| d.to_string())
            .unwrap_or_default(),
        availability_hours: p.availability_hours.clone().unwrap_or_default(),
        travel_radius_km: p
            .travel_radius_km
            .map(|d| d.to_string())
            .unwrap_or_default(),
    }
}

fn small_number(e: &mut FieldErrors, field: &'static str, raw: &str, max: i32) -> Option<i32> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    match raw.parse::<i32>() {
        Ok(n) if (0..=max).contains(&n) => Some(n),
        _ => {
            e.add(field, "field-number-invalid");
            None
        }
    }
}

fn optional_choice(
    e: &mut FieldErrors,
    field: &'static str,
    raw: &str,
    allowed: &[&str],
) -> Option<String> {
    let v = raw.trim();
    if v.is_empty() {
        return None;
    }
    if !allowed.contains(&v) {
        e.add(field, "field-choice-invalid");
    }
    Some(v.to_owned())
}

/// Validates and stores the situation (capture scope), keeping field history.
pub async fn update_situation(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    tz: chrono_tz::Tz,
    person_id: Uuid,
    input: &SituationInput,
) -> Result<(), PersonError> {
    let today = crate::service::local_today(tz);
    let mut e = FieldErrors::new();
    let has_disability = flag(&input.has_disability);
    let disability_type = optional_choice(
        &mut e,
        "disability_type",
        &input.disability_type,
        &DISABILITY_TYPES,
    );
    let cud_expiry = validation::date(&mut e, "cud_expiry", &input.cud_expiry, false);
    if !has_disability && (disability_type.is_some() || cud_expiry.is_some()) {
        e.add("has_disability", "person-disability-unchecked");
    }
    let dependants = small_number(&mut e, "dependants", &input.dependants, 30);
    let employment_status = optional_choice(
        &mut e,
        "employment_status",
        &input.employment_status,
        &crate::input::EMPLOYMENT_STATUSES,
    );
    let unemployed_since =
        validation::date(&mut e, "unemployed_since", &input.unemployed_since, false);
    if unemployed_since.is_some_and(|d| d > today) {
        e.add("unemployed_since", "field-date-future");
    }
    if unemployed_since.is_some() && employment_status.as_deref() != Some("unemployed") {
        e.add("unemployed_since", "person-unemployed-since-status");
    }
    let availability_hours = optional_choice(
        &mut e,
        "availability_hours",
        &input.availability_hours,
        &AVAILABILITY_HOURS,
    );
    let travel_radius_km = small_number(&mut e, "travel_radius_km", &input.travel_radius_km, 1000);
    e.into_result()?;
    let tx = db::begin_write(db).await?;
    let current = capture(&tx, access, person_id).await?;
    let before = situation_snapshot(&current);
    let mut a = current.into_active_model();
    a.has_disability = Set(has_disability);
    a.disability_type = Set(disability_type);
    a.cud_expiry = Set(cud_expiry);
    a.dependants = Set(dependants);
    a.head_of_household = Set(flag(&input.head_of_household));
    a.employment_status = Set(employment_status);
    a.unemployed_since = Set(unemployed_since);
    a.availability_hours = Set(availability_hours);
    a.travel_radius_km = Set(travel_radius_km);
    a.updated_at = Set(Utc::now());
    let updated = a.update(&tx).await?;
    record_changes(&tx, ctx, &updated, &before, &situation_snapshot(&updated)).await?;
    tx.commit().await?;
    Ok(())
}

pub(crate) fn situation_snapshot(p: &person::Model) -> Snapshot {
    vec![
        ("has_disability", Some(p.has_disability.to_string())),
        ("disability_type", p.disability_type.clone()),
        ("cud_expiry", p.cud_expiry.map(|d| d.to_string())),
        ("dependants", p.dependants.map(|d| d.to_string())),
        ("head_of_household", Some(p.head_of_household.to_string())),
        ("employment_status", p.employment_status.clone()),
        (
            "unemployed_since",
            p.unemployed_since.map(|d| d.to_string()),
        ),
        ("availability_hours", p.availability_hours.clone()),
        (
            "travel_radius_km",
            p.travel_radius_km.map(|d| d.to_string()),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
    }

    fn skills() -> sipe_platform::taxonomy::Catalog {
        sipe_platform::taxonomy::Catalog::new([("s1".to_owned(), "albañilería".to_owned(), vec![])])
    }

    /// The reference taxonomy without local titles.
    fn occupations() -> sipe_platform::taxonomy::Occupations {
        sipe_platform::taxonomy::Occupations::new(Vec::new())
    }

    #[test]
    fn an_occupation_not_in_the_vocabulary_is_kept_uncoded_only_when_asked() {
        let input = ItemInput {
            kind: "desired".into(),
            code: "cosechero de arándanos xq".into(),
            ..Default::default()
        };
        let err = validate_item(&input, &skills(), &occupations(), today()).unwrap_err();
        assert_eq!(err.0[0].key, "occupation-not-found");
        let kept = validate_item(
            &ItemInput {
                uncoded: "on".into(),
                ..input
            },
            &skills(),
            &occupations(),
            today(),
        )
        .unwrap();
        assert_eq!(
            (kept.code.as_str(), kept.label.as_str()),
            (UNCODED, "cosechero de arándanos xq")
        );
    }

    #[test]
    fn work_history_resolves_the_occupation_and_checks_dates() {
        let input = ItemInput {
            kind: "work".into(),
            code: "albanil".into(),
            employer: "Constructora del Norte".into(),
            from_date: "2020-03-01".into(),
            to_date: "2019-01-01".into(),
            ..Default::default()
        };
        let err = validate_item(&input, &skills(), &occupations(), today()).unwrap_err();
        assert_eq!(err.0[0].field, "to_date");
        let ok = validate_item(
            &ItemInput {
                to_date: String::new(),
                ..input
            },
            &skills(),
            &occupations(),
            today(),
        )
        .unwrap();
        assert!(
            ok.code.starts_with("7112") || ok.label.contains("albañil"),
            "{ok:?}"
        );
    }

    #[test]
    fn coded_items_accept_only_their_codes() {
        let lang = ItemInput {
            kind: "language".into(),
            code: "xx".into(),
            level: "B9".into(),
            ..Default::default()
        };
        let fields: Vec<_> = validate_item(&lang, &skills(), &occupations(), today())
            .unwrap_err()
            .0
            .iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["code", "level"]);
        let skill = ItemInput {
            kind: "skill".into(),
            code: "albanileria".into(),
            level: "advanced".into(),
            ..Default::default()
        };
        assert_eq!(
            validate_item(&skill, &skills(), &occupations(), today())
                .unwrap()
                .code,
            "s1"
        );
        let other = ItemInput {
            kind: "benefit".into(),
            code: "other".into(),
            ..Default::default()
        };
        assert_eq!(
            validate_item(&other, &skills(), &occupations(), today())
                .unwrap_err()
                .0[0]
                .field,
            "note"
        );
    }
}

/// The profile item columns the index and matching read.
#[derive(Debug, Clone, PartialEq, Eq, sea_orm::FromQueryResult)]
pub struct ItemParts {
    /// The person.
    pub person_id: PersonId,
    /// `work`, `desired`, `skill`, `language`, `licence`.
    pub kind: String,
    /// Occupation code, skill id, language code or licence class.
    pub code: String,
    /// Language level.
    pub level: Option<String>,
    /// Start of a job.
    pub from_date: Option<NaiveDate>,
    /// End of a job, or expiry of a licence.
    pub to_date: Option<NaiveDate>,
    /// Evidence of a certified skill (`certificate:<code>`).
    pub evidence: Option<String>,
}

/// Profile item kinds the index and matching read.
pub const ITEM_PARTS_KINDS: [&str; 5] = ["work", "desired", "skill", "language", "licence"];

/// The profile items the index and matching read, per person (batched).
pub async fn item_parts_of(
    db: &impl sea_orm::ConnectionTrait,
    ids: &[PersonId],
) -> Result<std::collections::HashMap<PersonId, Vec<ItemParts>>, sea_orm::DbErr> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
    let mut out: std::collections::HashMap<PersonId, Vec<ItemParts>> = Default::default();
    for chunk in ids.chunks(10_000) {
        let rows: Vec<ItemParts> = profile_item::Entity::find()
            .select_only()
            .column(profile_item::Column::PersonId)
            .column(profile_item::Column::Kind)
            .column(profile_item::Column::Code)
            .column(profile_item::Column::Level)
            .column(profile_item::Column::FromDate)
            .column(profile_item::Column::ToDate)
            .column(profile_item::Column::Evidence)
            .filter(profile_item::Column::Kind.is_in(ITEM_PARTS_KINDS))
            .filter(profile_item::Column::PersonId.is_in(chunk.iter().copied()))
            .into_model()
            .all(db)
            .await?;
        for row in rows {
            out.entry(row.person_id).or_default().push(row);
        }
    }
    Ok(out)
}
