//! Audiences: filters over the registry (the persons list's, plus conditions other
//! modules contribute: a programme's beneficiaries, a course's enrolments, a vacancy's
//! candidates) for one office, or every office for a national user. An audience never
//! holds people: each count and each campaign finds who matches now, within the view
//! scope of whoever uses it, and only those with an address and the consents a message
//! needs are counted as reached.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::Utc;
use sea_orm::sea_query::SelectStatement;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::{self, Channel};
use crate::entity::audience;
use crate::error::MessagingError;
use sipe_persons::audience::{Audience, ReachCounts};
use sipe_platform::access::{Access, ScopeKind};
use sipe_platform::audit::{self, AuditCtx, Change};
use sipe_platform::db::{self, Db};
use sipe_platform::module::BoxFuture;
use sipe_platform::validation::{self, FieldErrors};

/// A condition another module adds to audiences (contributed as
/// `Arc<dyn AudienceSource>` through the module kit).
pub trait AudienceSource: Send + Sync {
    /// The filter's key in forms and the API (`programme`).
    fn key(&self) -> &'static str;
    /// Catalogue key of its label (the contributing module's).
    fn label(&self) -> &'static str;
    /// Its choices within the user's view scope: (value, label), at most a few hundred.
    fn options<'a>(
        &'a self,
        db: &'a Db,
        access: &'a Access,
    ) -> BoxFuture<'a, Result<Vec<(String, String)>, DbErr>>;
    /// The people a value selects (`SELECT person_id ...`), or `None` for an unknown value.
    fn people(&self, value: &str) -> Option<SelectStatement>;
}

/// An audience's filters; every value is text so a form can be re-shown as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct AudienceFilters {
    /// Office code (required unless the user reaches every office).
    pub office: String,
    /// Department territory code (`AR-90084`).
    pub department: String,
    /// `F`, `M` or `X`.
    pub sex: String,
    /// Youngest age.
    pub age_min: String,
    /// Oldest age.
    pub age_max: String,
    /// ISCED 2011 level.
    pub education: String,
    /// `employed`, `unemployed`, `inactive`.
    pub employment: String,
    /// `yes` or `no`.
    pub disability: String,
    /// Occupation (code or words): its ISCO-08 unit group in the work history or wishes.
    pub occupation: String,
    /// Other modules' filters, by key (`programme` → a programme's id).
    pub extra: BTreeMap<String, String>,
}

impl AudienceFilters {
    fn person_filters(&self) -> sipe_persons::filters::PersonFilters {
        sipe_persons::filters::PersonFilters {
            office: self.office.clone(),
            department: self.department.clone(),
            sex: self.sex.clone(),
            age_min: self.age_min.clone(),
            age_max: self.age_max.clone(),
            education: self.education.clone(),
            employment: self.employment.clone(),
            disability: self.disability.clone(),
            occupation: self.occupation.clone(),
            ..Default::default()
        }
    }
}

/// The filters checked for a user: their office (an office in their view scope, or
/// every office when they reach them all), with bad values named by field.
pub struct Checked {
    /// The office the audience is for (none: every office).
    pub office_id: Option<Uuid>,
    /// The filters as given (trimmed).
    pub filters: AudienceFilters,
}

/// Checks filters for `access`; an unknown module filter or value is refused.
pub async fn check(
    conn: &Db,
    access: &Access,
    sources: &[Arc<dyn AudienceSource>],
    f: &AudienceFilters,
) -> Result<Checked, MessagingError> {
    let mut e = FieldErrors::new();
    let mut f = f.clone();
    for v in [
        &mut f.office,
        &mut f.department,
        &mut f.sex,
        &mut f.age_min,
        &mut f.age_max,
        &mut f.education,
        &mut f.employment,
        &mut f.disability,
        &mut f.occupation,
    ] {
        *v = v.trim().chars().take(200).collect();
    }
    let office_id = match f.office.as_str() {
        "" if access.view.is_national() => None,
        "" => {
            e.add("office", "messaging-audience-office-required");
            None
        }
        code => {
            let offices =
                sipe_platform::territory::store::offices_in_scope(conn, access, ScopeKind::View)
                    .await?;
            match offices.iter().find(|o| o.code == code) {
                Some(o) => Some(o.id),
                None => {
                    e.add("office", "messaging-audience-office-unknown");
                    None
                }
            }
        }
    };
    for (field, raw) in [("age_min", &f.age_min), ("age_max", &f.age_max)] {
        if !raw.is_empty() && raw.parse::<u32>().ok().filter(|a| *a <= 120).is_none() {
            e.add(field, "messaging-audience-age-invalid");
        }
    }
    let choices: [(&'static str, &String, &[&str]); 4] = [
        ("sex", &f.sex, &["F", "M", "X"]),
        (
            "education",
            &f.education,
            &sipe_persons::input::EDUCATION_LEVELS,
        ),
        (
            "employment",
            &f.employment,
            &sipe_persons::input::EMPLOYMENT_STATUSES,
        ),
        ("disability", &f.disability, &["yes", "no"]),
    ];
    for (field, raw, allowed) in choices {
        if !raw.is_empty() && !allowed.contains(&raw.as_str()) {
            e.add(field, "field-choice-invalid");
        }
    }
    // An occupation that names no ISCO group would select everyone: refused.
    if !f.occupation.is_empty() {
        let occupations = sipe_platform::taxonomy::Occupations::read(conn).await?;
        if occupations
            .resolve(&f.occupation, sipe_platform::taxonomy::Gender::Unknown)
            .is_none()
        {
            e.add("occupation", "messaging-audience-occupation-unknown");
        }
    }
    if f.extra.len() > sources.len() {
        e.add("extra", "field-choice-invalid");
    }
    f.extra.retain(|_, v| !v.trim().is_empty());
    // A module's filter takes one of the values it offers the user (within their scope).
    for (key, value) in &f.extra {
        let offered = match sources.iter().find(|s| s.key() == key) {
            Some(s) => s
                .options(conn, access)
                .await?
                .iter()
                .any(|(v, _)| v == value.trim()),
            None => false,
        };
        if !offered {
            e.add("extra", "field-choice-invalid");
        }
    }
    e.into_result()?;
    Ok(Checked {
        office_id,
        filters: f,
    })
}

/// The counts of an audience for a message of `purpose`, within the caller's view
/// scope (and the audience's office).
pub async fn count(
    conn: &impl ConnectionTrait,
    access: &Access,
    sources: &[Arc<dyn AudienceSource>],
    f: &AudienceFilters,
    purpose: &str,
    today: chrono::NaiveDate,
) -> Result<ReachCounts, MessagingError> {
    let query = query_of(conn, access, f, today).await?;
    let audience = Audience {
        query: &query,
        extra: extra_of(sources, f),
        purpose: (purpose != domain::SERVICE).then_some(purpose),
        today,
    };
    Ok(sipe_persons::audience::reach_counts(conn, access, &audience).await?)
}

/// The persons query of the filters (its office resolved within the view scope).
pub async fn query_of(
    conn: &impl ConnectionTrait,
    access: &Access,
    f: &AudienceFilters,
    today: chrono::NaiveDate,
) -> Result<sipe_persons::store::PersonQuery, MessagingError> {
    f.person_filters()
        .to_query(conn, access, today)
        .await
        .map_err(|e| match e {
            sipe_persons::filters::FilterError::Invalid(f) => MessagingError::Invalid(f),
            sipe_persons::filters::FilterError::Store(s) => MessagingError::Store(s),
        })
}

/// The other modules' conditions of the filters.
pub fn extra_of(sources: &[Arc<dyn AudienceSource>], f: &AudienceFilters) -> Vec<SelectStatement> {
    f.extra
        .iter()
        .filter_map(|(k, v)| sources.iter().find(|s| s.key() == k)?.people(v))
        .collect()
}

/// How many of `counts` a channel reaches.
pub fn reached(counts: &ReachCounts, channel: Channel) -> u64 {
    match channel {
        Channel::Email => counts.email,
        Channel::Sms => counts.sms,
        Channel::Whatsapp => counts.whatsapp,
    }
}

/// A saved audience.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SavedAudience {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Its filters.
    pub filters: AudienceFilters,
    /// Who saved it.
    pub created_by_name: String,
    /// Changed.
    pub updated_at: chrono::DateTime<Utc>,
}

impl From<audience::Model> for SavedAudience {
    fn from(m: audience::Model) -> Self {
        SavedAudience {
            id: m.id,
            name: m.name,
            filters: serde_json::from_str(&m.filters).unwrap_or_default(),
            created_by_name: m.created_by_name,
            updated_at: m.updated_at,
        }
    }
}

/// Saves an audience (its office within the caller's view scope).
pub async fn save(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    sources: &[Arc<dyn AudienceSource>],
    (name_field, name): (&'static str, &str),
    f: &AudienceFilters,
) -> Result<Uuid, MessagingError> {
    let mut e = FieldErrors::new();
    let name = validation::text(&mut e, name_field, name, true, 120);
    e.into_result()?;
    let checked = check(db, access, sources, f).await?;
    let tx = db::begin_write(db).await?;
    let now = Utc::now();
    let id = Uuid::now_v7();
    let filters = serde_json::to_string(&checked.filters).map_err(|e| anyhow::anyhow!(e))?;
    audience::ActiveModel {
        id: Set(id),
        name: Set(name),
        office_id: Set(checked.office_id),
        filters: Set(filters),
        created_by: Set(ctx.actor_id),
        created_by_name: Set(ctx.actor_name.clone()),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&tx)
    .await?;
    audit::record(
        &tx,
        ctx,
        Change::new("messaging.audience.create", "message_audience", id)
            .after(serde_json::json!({"filters": checked.filters})),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The most saved audiences listed (by name).
pub const MAX_LISTED: u64 = 200;

/// Saved audiences of offices in the caller's view scope (and national ones for a
/// national user), by name.
pub async fn list(
    conn: &impl ConnectionTrait,
    access: &Access,
) -> Result<Vec<SavedAudience>, DbErr> {
    Ok(audience::Entity::find()
        .filter(in_scope(access))
        .order_by_asc(audience::Column::Name)
        .limit(MAX_LISTED)
        .all(conn)
        .await?
        .into_iter()
        .map(SavedAudience::from)
        .collect())
}

/// One saved audience in scope.
pub async fn find(
    conn: &impl ConnectionTrait,
    access: &Access,
    id: Uuid,
) -> Result<Option<SavedAudience>, DbErr> {
    Ok(audience::Entity::find_by_id(id)
        .filter(in_scope(access))
        .one(conn)
        .await?
        .map(SavedAudience::from))
}

fn in_scope(access: &Access) -> sea_orm::Condition {
    if access.view.is_national() {
        sea_orm::Condition::all()
    } else {
        sea_orm::Condition::all()
            .add(audience::Column::OfficeId.is_not_null())
            .add(access.view.owns(audience::Column::OfficeId))
    }
}
