//! Use cases of the person registry: register (search first, refuse exact duplicates,
//! warn of likely ones), update with field history, and reads that leave an audit row.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, IntoActiveModel, Set};
use serde_json::json;
use uuid::Uuid;

use crate::domain;
use crate::entity::{person, person_change};
use crate::input::{self, PersonInput, ValidPerson};
use crate::store;
use crate::timeline::{self, NewEvent};
use sipe_platform::access::{Access, ScopeKind};
use sipe_platform::audit::reads::ReadLog;
use sipe_platform::audit::{self, AuditCtx, Change};
use sipe_platform::db::{self, Db, StoreError};
use sipe_platform::ids::PersonId;
use sipe_platform::territory;
use sipe_platform::territory::entity::office;
use sipe_platform::validation::FieldErrors;

/// Why a person use case failed.
#[derive(Debug, thiserror::Error)]
pub enum PersonError {
    /// Bad input; nothing stored.
    #[error(transparent)]
    Invalid(#[from] FieldErrors),
    /// No such person in the caller's scope.
    #[error("not found")]
    NotFound,
    /// Database failure.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sea_orm::DbErr> for PersonError {
    fn from(e: sea_orm::DbErr) -> Self {
        PersonError::Store(StoreError::from_db(e))
    }
}

/// What registering gave.
#[derive(Debug)]
pub enum RegisterOutcome {
    /// Stored with this id.
    Created(Uuid),
    /// The document or CUIL is already registered. `visible` says whether the caller may
    /// open it; when not, nothing about the person may be shown.
    Exists {
        /// The existing person.
        id: Uuid,
        /// Inside the caller's view scope?
        visible: bool,
    },
    /// People who look the same (name, birth date, phone or e-mail), within the caller's
    /// search scope: shown before saving; submit again with `confirm_duplicates`.
    PossibleDuplicates(Vec<person::Model>),
}

/// Chooses the owning office: the one asked for (within capture scope), else an office
/// covering the person's department within capture scope, else the caller's first
/// capture office.
async fn owning_office(
    conn: &impl ConnectionTrait,
    access: &Access,
    v: &ValidPerson,
) -> Result<office::Model, PersonError> {
    let covering: Vec<Uuid> = match &v.department_code {
        Some(dep) => territory::store::offices_covering(conn, dep)
            .await?
            .into_iter()
            .map(|o| o.id)
            .collect(),
        None => Vec::new(),
    };
    let chosen =
        territory::store::capture_office(conn, access, v.office_code.as_deref(), &covering)
            .await??;
    Ok(chosen)
}

/// The person's province: the department's (which must exist), and the province given
/// (which must exist and, with a department, be its province).
async fn check_department(
    conn: &impl ConnectionTrait,
    v: &ValidPerson,
) -> Result<Option<String>, PersonError> {
    let of_department = match &v.department_code {
        None => None,
        Some(code) => match territory::store::find_territory(conn, code).await? {
            Some(t) if t.kind == "department" => t.parent_code,
            _ => {
                return Err(FieldErrors::one("department_code", "office-territory-unknown").into());
            }
        },
    };
    match (&v.province_code, of_department) {
        (Some(given), Some(parent)) if *given != parent => {
            Err(FieldErrors::one("province_code", "person-department-other-province").into())
        }
        (Some(given), None) => match territory::store::find_territory(conn, given).await? {
            Some(t) if t.kind == "province" => Ok(Some(given.clone())),
            _ => Err(FieldErrors::one("province_code", "person-province-unknown").into()),
        },
        (_, parent) => Ok(parent),
    }
}

fn snapshot(p: &person::Model) -> Snapshot {
    vec![
        ("doc_type", Some(p.doc_type.clone())),
        ("doc_number", Some(p.doc_number.clone())),
        ("cuil", p.cuil.clone()),
        ("surnames", Some(p.surnames.clone())),
        ("names", Some(p.names.clone())),
        ("chosen_name", p.chosen_name.clone()),
        ("birth_date", Some(p.birth_date.to_string())),
        ("sex", Some(p.sex.clone())),
        ("gender", p.gender.clone()),
        ("nationality", Some(p.nationality.clone())),
        ("marital_status", p.marital_status.clone()),
        ("phone", p.phone.clone()),
        ("email", p.email.clone()),
        ("whatsapp_consent", Some(p.whatsapp_consent.to_string())),
        ("sms_consent", Some(p.sms_consent.to_string())),
        ("email_consent", Some(p.email_consent.to_string())),
        ("street", Some(p.street.clone())),
        ("street_number", Some(p.street_number.clone())),
        ("floor_unit", Some(p.floor_unit.clone())),
        ("locality", Some(p.locality.clone())),
        ("department_code", p.department_code.clone()),
        ("postal_code", Some(p.postal_code.clone())),
        ("education_level", p.education_level.clone()),
        ("employment_status", p.employment_status.clone()),
        ("office_id", Some(p.office_id.to_string())),
    ]
}

/// Copies validated fields onto a row.
pub(crate) fn apply(a: &mut person::ActiveModel, v: &ValidPerson, province: Option<String>) {
    a.doc_type = Set(v.doc_type.as_str().to_owned());
    a.doc_number = Set(v.doc_number.as_str().to_owned());
    a.cuil = Set(v.cuil.as_ref().map(|c| c.as_str().to_owned()));
    a.surnames = Set(v.surnames.clone());
    a.names = Set(v.names.clone());
    a.chosen_name = Set(v.chosen_name.clone());
    a.birth_date = Set(v.birth_date);
    a.sex = Set(v.sex.as_str().to_owned());
    a.gender = Set(v.gender.clone());
    a.nationality = Set(v.nationality.clone());
    a.marital_status = Set(v.marital_status.clone());
    a.phone = Set(v.phone.as_ref().map(|p| p.as_str().to_owned()));
    a.email = Set(v.email.clone());
    a.whatsapp_consent = Set(v.whatsapp_consent);
    a.sms_consent = Set(v.sms_consent);
    a.email_consent = Set(v.email_consent);
    a.street = Set(v.street.clone());
    a.street_number = Set(v.street_number.clone());
    a.floor_unit = Set(v.floor_unit.clone());
    a.locality = Set(v.locality.clone());
    a.province_code = Set(province);
    a.department_code = Set(v.department_code.clone());
    a.postal_code = Set(v.postal_code.clone());
    a.education_level = Set(v.education_level.clone());
    a.employment_status = Set(v.employment_status.clone());
    a.search_name = Set(v.search_name());
    a.updated_at = Set(Utc::now());
}

/// The name to show: the self-perceived name when given (Ley 26.743).
pub fn display_name(p: &person::Model) -> String {
    match &p.chosen_name {
        Some(chosen) => format!("{chosen} {}", p.surnames),
        None => format!("{} {}", p.names, p.surnames),
    }
}

/// Today in the deployment's time zone: what "not in the future" and ages are measured
/// against (the UTC date runs a day ahead in the Argentine evening).
pub fn local_today(tz: chrono_tz::Tz) -> chrono::NaiveDate {
    Utc::now().with_timezone(&tz).date_naive()
}

/// Registers a person, after the duplicate checks.
pub async fn register(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    tz: chrono_tz::Tz,
    input: &PersonInput,
) -> Result<RegisterOutcome, PersonError> {
    let v = input::validate(input, local_today(tz))?;
    if let Some(existing) = store::find_by_document(db, v.doc_type.as_str(), v.doc_number.as_str())
        .await?
        .or(match &v.cuil {
            Some(c) => store::find_by_cuil(db, c.as_str()).await?,
            None => None,
        })
    {
        let visible = store::find_person(db, access, ScopeKind::View, PersonId(existing.id))
            .await?
            .is_some();
        return Ok(RegisterOutcome::Exists {
            id: existing.id,
            visible,
        });
    }
    if !v.confirm_duplicates {
        let folded = v.search_name();
        let candidates = store::duplicate_candidates(
            db,
            access,
            v.birth_date,
            v.phone.as_ref().map(|p| p.as_str()),
            v.email.as_deref(),
        )
        .await?;
        let likely: Vec<person::Model> = candidates
            .into_iter()
            .filter(|c| {
                let same_contact = (v.phone.is_some()
                    && c.phone.as_deref() == v.phone.as_ref().map(|p| p.as_str()))
                    || (v.email.is_some() && c.email == v.email);
                let same_birth_and_name = c.birth_date == v.birth_date
                    && domain::name_similarity(&folded, &c.search_name) >= 0.75;
                same_contact || same_birth_and_name
            })
            .take(10)
            .collect();
        if !likely.is_empty() {
            return Ok(RegisterOutcome::PossibleDuplicates(likely));
        }
    }
    let tx = db::begin_write(db).await?;
    let office = owning_office(&tx, access, &v).await?;
    let province = check_department(&tx, &v).await?;
    let id = Uuid::now_v7();
    let now = Utc::now();
    let mut a = person::ActiveModel {
        id: Set(id),
        office_id: Set(office.id),
        merged_into: Set(None),
        created_at: Set(now),
        ..Default::default()
    };
    apply(&mut a, &v, province);
    let model = match a.insert(&tx).await {
        Ok(m) => m,
        // A concurrent registration of the same document won the race.
        Err(e) => match StoreError::from_db(e) {
            StoreError::Conflict(_) => {
                return Err(FieldErrors::one("doc_number", "person-doc-taken").into());
            }
            other => return Err(other.into()),
        },
    };
    let after: serde_json::Map<String, serde_json::Value> = snapshot(&model)
        .into_iter()
        .map(|(k, v)| (k.to_owned(), json!(v)))
        .collect();
    audit::record(
        &tx,
        ctx,
        Change::new("person.create", "person", id).after(after),
    )
    .await?;
    timeline::append(
        &tx,
        ctx,
        NewEvent {
            person_id: id,
            kind: "person.registered",
            args: vec![("office", timeline::Arg::text(&office.name))],
            link: None,
            office_id: Some(office.id),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(RegisterOutcome::Created(id))
}

/// Updates a person in the caller's capture scope, keeping the history of every field.
pub async fn update(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    tz: chrono_tz::Tz,
    id: Uuid,
    input: &PersonInput,
) -> Result<(), PersonError> {
    let v = input::validate(input, local_today(tz))?;
    let tx = db::begin_write(db).await?;
    update_valid(&tx, ctx, access, id, &v).await?;
    tx.commit().await?;
    Ok(())
}

/// Applies a validated update inside the caller's transaction: field history, audit and
/// timeline rows included (used by the form, the API and `import --update`).
pub(crate) async fn update_valid(
    tx: &impl ConnectionTrait,
    ctx: &AuditCtx,
    access: &Access,
    id: Uuid,
    v: &ValidPerson,
) -> Result<(), PersonError> {
    let current = store::find_person(tx, access, ScopeKind::Capture, PersonId(id))
        .await?
        .ok_or(PersonError::NotFound)?;
    if let Some(other) =
        store::find_by_document(tx, v.doc_type.as_str(), v.doc_number.as_str()).await?
        && other.id != id
    {
        return Err(FieldErrors::one("doc_number", "person-doc-taken").into());
    }
    if let Some(c) = &v.cuil
        && let Some(other) = store::find_by_cuil(tx, c.as_str()).await?
        && other.id != id
    {
        return Err(FieldErrors::one("cuil", "person-doc-taken").into());
    }
    let province = check_department(tx, v).await?;
    let office = match &v.office_code {
        Some(_) => Some(owning_office(tx, access, v).await?),
        None => None,
    };
    let before = snapshot(&current);
    let mut a = current.into_active_model();
    apply(&mut a, v, province);
    if let Some(o) = &office {
        a.office_id = Set(o.id);
    }
    let updated = a.update(tx).await?;
    let after = snapshot(&updated);
    record_changes(tx, ctx, &updated, &before, &after).await?;
    Ok(())
}

/// A field's value before or after a change, for the history.
pub(crate) type Snapshot = Vec<(&'static str, Option<String>)>;

/// Moves a person's change stamp, so every node re-indexes them: another module changed
/// what the index holds of them (their job search), in the caller's transaction.
pub async fn touch(conn: &impl ConnectionTrait, id: PersonId) -> Result<(), sea_orm::DbErr> {
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, QueryFilter};
    person::Entity::update_many()
        .col_expr(person::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(person::Column::Id.eq(id))
        .exec(conn)
        .await?;
    Ok(())
}

/// The catalogue key of a person field's label (the timeline names changed fields).
pub fn field_label_key(field: &str) -> String {
    let label = match field {
        "department_code" => "department",
        "education_level" => "education",
        "employment_status" => "employment",
        "availability_hours" => "availability",
        "office_id" => "office",
        "doc_number" => "document",
        // Profile items are named like their section of the profile.
        "work_history" => return "item-kind-work".into(),
        "skills" => return "item-kind-skill".into(),
        "languages" => return "item-kind-language".into(),
        "driving_licences" => return "item-kind-licence".into(),
        "benefits" => return "item-kind-benefit".into(),
        "consents" => return "item-kind-consent".into(),
        "desired_occupations" => return "item-kind-desired".into(),
        other => other,
    };
    format!("person-{}", label.replace('_', "-"))
}

/// A stored history value as a person reads it: yes/no for flags, the catalogue's name
/// of a coded value, a date as dd/mm/yyyy, a profile item without its internal kind.
pub fn value_text(lang: sipe_platform::i18n::Lang, field: &str, value: &str) -> String {
    let value = value.trim();
    match value {
        "" => return String::new(),
        "true" => return lang.t("yes").into_owned(),
        "false" => return lang.t("no").into_owned(),
        _ => {}
    }
    let prefix = match field {
        "employment_status" => "employment-",
        "availability_hours" | "hours" => "hours-",
        "situation" => "situation-",
        "days" => "day-",
        "barriers" => "barrier-",
        "kind" => "item-kind-",
        "education_level" => "isced-",
        "sex" => "sex-",
        "doc_type" => "doc-",
        "disability_type" => "disability-",
        _ => "",
    };
    if !prefix.is_empty() {
        // One code, or a list of them (`transport,care_duties`).
        let named: Option<Vec<String>> = value
            .split(',')
            .map(|code| {
                let key = format!("{prefix}{}", code.trim());
                lang.has(&key).then(|| lang.t(&key).into_owned())
            })
            .collect();
        if let Some(named) = named {
            return named.join(", ");
        }
    }
    if let Ok(date) = chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        return date.format("%d/%m/%Y").to_string();
    }
    // Older history lines of profile items begin with the item's kind code.
    let kinds = [
        "work", "desired", "skill", "language", "licence", "benefit", "consent",
    ];
    match value.split_once(' ') {
        Some((kind, rest)) if kinds.contains(&kind) => rest.to_owned(),
        _ => value.to_owned(),
    }
}

/// Keeps the history of every changed field, with one audit row and one timeline event
/// for the whole change. Returns the changed fields.
pub(crate) async fn record_changes(
    tx: &impl ConnectionTrait,
    ctx: &AuditCtx,
    person: &person::Model,
    before: &Snapshot,
    after: &Snapshot,
) -> Result<Vec<&'static str>, PersonError> {
    let now = Utc::now();
    let mut changed = Vec::new();
    for ((field, old), (_, new)) in before.iter().zip(after.iter()) {
        if old != new {
            changed.push(*field);
            person_change::ActiveModel {
                id: Set(Uuid::now_v7()),
                person_id: Set(person.id),
                field: Set((*field).to_owned()),
                old_value: Set(old.clone()),
                new_value: Set(new.clone()),
                actor_id: Set(ctx.actor_id),
                actor_name: Set(ctx.actor_name.clone()),
                at: Set(now),
            }
            .insert(tx)
            .await?;
        }
    }
    if changed.is_empty() {
        return Ok(changed);
    }
    let pick = |snap: &Snapshot| -> serde_json::Map<String, serde_json::Value> {
        snap.iter()
            .filter(|(k, _)| changed.contains(k))
            .map(|(k, v)| ((*k).to_owned(), json!(v)))
            .collect()
    };
    let action = if changed.contains(&"office_id") {
        "person.transfer"
    } else {
        "person.update"
    };
    audit::record(
        tx,
        ctx,
        Change::new(action, "person", person.id)
            .before(pick(before))
            .after(pick(after)),
    )
    .await?;
    timeline::append(
        tx,
        ctx,
        NewEvent {
            person_id: person.id,
            kind: "person.updated",
            args: vec![(
                "fields",
                timeline::Arg::Keys {
                    keys: changed.iter().map(|f| field_label_key(f)).collect(),
                },
            )],
            link: None,
            office_id: Some(person.office_id),
        },
    )
    .await?;
    Ok(changed)
}

/// A person in the caller's view scope, with the read audited; not found outside it.
pub async fn read_person(
    db: &Db,
    reads: &ReadLog,
    ctx: &AuditCtx,
    access: &Access,
    id: Uuid,
) -> Result<person::Model, PersonError> {
    let p = store::find_person(db, access, ScopeKind::View, PersonId(id))
        .await?
        .ok_or(PersonError::NotFound)?;
    record_read(reads, ctx, PersonId(id)).await?;
    Ok(p)
}

/// Records that a person was hired through another module (a referral's hire), inside
/// that module's transaction: employment status `employed`, no longer unemployed since
/// any date, with the field history, the audit row and the timeline event of any edit.
pub async fn record_hired(
    tx: &impl ConnectionTrait,
    ctx: &AuditCtx,
    person_id: PersonId,
    now: chrono::DateTime<Utc>,
) -> Result<(), PersonError> {
    let p = person::Entity::find_by_id(person_id)
        .one(tx)
        .await?
        .ok_or(PersonError::NotFound)?;
    let snapshot = |p: &person::Model| -> Snapshot {
        vec![
            ("employment_status", p.employment_status.clone()),
            (
                "unemployed_since",
                p.unemployed_since.map(|d| d.to_string()),
            ),
        ]
    };
    let before = snapshot(&p);
    let mut a = p.into_active_model();
    a.employment_status = Set(Some("employed".into()));
    a.unemployed_since = Set(None);
    a.updated_at = Set(now);
    let updated = a.update(tx).await?;
    record_changes(tx, ctx, &updated, &before, &snapshot(&updated)).await?;
    Ok(())
}

/// Records that the caller read a person's record (reads of personal data are audited),
/// before the record is shown.
pub async fn record_read(reads: &ReadLog, ctx: &AuditCtx, id: PersonId) -> Result<(), PersonError> {
    reads
        .record(ctx, Change::new("person.view", "person", id))
        .await
        .map_err(|e| PersonError::Store(e.into()))
}

/// Most ids one "shown" audit row lists (a page holds at most 100).
const SHOWN_MAX: usize = 200;

/// Records which people a list, search or download showed the caller (`action`, with
/// the query or what was shown in `what`), before it is shown.
pub async fn record_shown(
    reads: &ReadLog,
    ctx: &AuditCtx,
    action: &str,
    what: &str,
    shown: impl Iterator<Item = PersonId>,
) -> Result<(), PersonError> {
    let shown: Vec<PersonId> = shown.take(SHOWN_MAX).collect();
    let what: String = what.chars().take(500).collect();
    reads
        .record(
            ctx,
            Change::new(action, "person", what).after(serde_json::json!({ "shown": shown })),
        )
        .await
        .map_err(|e| PersonError::Store(e.into()))
}

impl sipe_platform::failure::UseCaseError for PersonError {
    fn failure(self) -> sipe_platform::failure::Failure {
        use sipe_platform::failure::Failure;
        match self {
            PersonError::Invalid(f) => Failure::Invalid(f),
            PersonError::NotFound => Failure::NotFound,
            PersonError::Store(s) => Failure::Store(s),
        }
    }
}
