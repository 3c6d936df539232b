//! Message templates: a named text with `{variables}` and a variant per channel. The
//! SMS variant shows its encoding, segments and cost as it is written; the WhatsApp
//! variant names the provider's approved template, whose parameters are variables.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::{self, Channel};
use crate::entity::template;
use crate::error::MessagingError;
use crate::sms;
use sipe_platform::audit::{self, AuditCtx, Change};
use sipe_platform::db::{self, Db};
use sipe_platform::validation::{self, FieldErrors};
use sipe_platform::web::table::Pager;

/// Sort keys of the list.
pub const SORTS: [&str; 3] = ["name", "code", "updated_at"];

/// A template as entered; every field is text so a form can be re-shown as typed.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct TemplateInput {
    /// Code other modules send by: 3–40 of a–z, 0–9, `_`.
    pub code: String,
    /// Name shown on screens.
    pub name: String,
    /// `service` or a consent purpose (`contact`, `training_offers`, ...).
    pub purpose: String,
    /// Send at any hour (a login code); quiet hours hold the others back.
    pub any_hour: bool,
    /// SMS text (up to 1,600 characters).
    pub sms_text: String,
    /// Transliterate the SMS into GSM-7 (á → a) to keep segments of 160.
    pub sms_transliterate: bool,
    /// E-mail subject.
    pub email_subject: String,
    /// E-mail text; the HTML part is made from it.
    pub email_text: String,
    /// Name of the WhatsApp template approved by the provider.
    pub whatsapp_name: String,
    /// Its language (`es_AR`).
    pub whatsapp_language: String,
    /// Its parameters: variable names in order, separated by commas.
    pub whatsapp_params: String,
    /// Free text for WhatsApp inside the 24 hours after the person wrote.
    pub whatsapp_text: String,
    /// Offered for new messages (on update; new templates are active).
    pub active: Option<bool>,
    /// On update, the version being changed: a template changed since is refused.
    pub version: Option<i32>,
}

/// A template as stored.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Template {
    /// Id.
    pub id: Uuid,
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// `service` or a consent purpose.
    pub purpose: String,
    /// Sent at any hour.
    pub any_hour: bool,
    /// SMS text.
    pub sms_text: Option<String>,
    /// Transliterated into GSM-7.
    pub sms_transliterate: bool,
    /// E-mail subject.
    pub email_subject: Option<String>,
    /// E-mail text.
    pub email_text: Option<String>,
    /// WhatsApp approved template.
    pub whatsapp_name: Option<String>,
    /// Its language.
    pub whatsapp_language: Option<String>,
    /// Its parameters.
    pub whatsapp_params: Vec<String>,
    /// WhatsApp free text.
    pub whatsapp_text: Option<String>,
    /// Offered for new messages.
    pub active: bool,
    /// Version.
    pub version: i32,
    /// Changed by.
    pub updated_by: String,
    /// Changed.
    pub updated_at: chrono::DateTime<Utc>,
}

impl Template {
    /// Channels it has a variant for.
    pub fn channels(&self) -> Vec<Channel> {
        Channel::ALL.into_iter().filter(|c| self.has(*c)).collect()
    }

    /// Has a variant for `channel`?
    pub fn has(&self, channel: Channel) -> bool {
        match channel {
            Channel::Email => self.email_text.is_some(),
            Channel::Sms => self.sms_text.is_some(),
            Channel::Whatsapp => self.whatsapp_name.is_some() || self.whatsapp_text.is_some(),
        }
    }

    /// The form's values.
    pub fn input(&self) -> TemplateInput {
        TemplateInput {
            code: self.code.clone(),
            name: self.name.clone(),
            purpose: self.purpose.clone(),
            any_hour: self.any_hour,
            sms_text: self.sms_text.clone().unwrap_or_default(),
            sms_transliterate: self.sms_transliterate,
            email_subject: self.email_subject.clone().unwrap_or_default(),
            email_text: self.email_text.clone().unwrap_or_default(),
            whatsapp_name: self.whatsapp_name.clone().unwrap_or_default(),
            whatsapp_language: self.whatsapp_language.clone().unwrap_or_default(),
            whatsapp_params: self.whatsapp_params.join(", "),
            whatsapp_text: self.whatsapp_text.clone().unwrap_or_default(),
            active: Some(self.active),
            version: Some(self.version),
        }
    }
}

impl From<template::Model> for Template {
    fn from(m: template::Model) -> Self {
        Template {
            whatsapp_params: m
                .whatsapp_params
                .as_deref()
                .and_then(|p| serde_json::from_str(p).ok())
                .unwrap_or_default(),
            id: m.id,
            code: m.code,
            name: m.name,
            purpose: m.purpose,
            any_hour: m.any_hour,
            sms_text: m.sms_text,
            sms_transliterate: m.sms_transliterate,
            email_subject: m.email_subject,
            email_text: m.email_text,
            whatsapp_name: m.whatsapp_name,
            whatsapp_language: m.whatsapp_language,
            whatsapp_text: m.whatsapp_text,
            active: m.active,
            version: m.version,
            updated_by: m.updated_by,
            updated_at: m.updated_at,
        }
    }
}

/// The variables each module's notice gives besides the person's own: a template of
/// one of these codes may use no other.
pub const SENDERS: [(&str, &[&str]); 5] = [
    ("referral_notice", &["puesto", "empresa"]),
    ("enrolment_confirmation", &["curso", "fecha"]),
    ("certificate_notice", &["curso", "codigo"]),
    ("programme_approval", &["programa"]),
    ("payment_notice", &["programa", "monto", "periodo"]),
];

/// A validated template.
struct Valid {
    code: String,
    name: String,
    purpose: String,
    any_hour: bool,
    sms_text: Option<String>,
    sms_transliterate: bool,
    email_subject: Option<String>,
    email_text: Option<String>,
    whatsapp_name: Option<String>,
    whatsapp_language: Option<String>,
    whatsapp_params: Vec<String>,
    whatsapp_text: Option<String>,
}

fn some(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

/// A text whose variables are all known; an unknown one is the field's error.
fn body(errors: &mut FieldErrors, field: &'static str, raw: &str, max: usize) -> Option<String> {
    let text = validation::multiline_text(errors, field, raw, false, max);
    if domain::variables_of(&text).is_err() {
        errors.add(field, "messaging-variable-unknown");
    }
    some(text)
}

fn validate(i: &TemplateInput) -> Result<Valid, FieldErrors> {
    let mut e = FieldErrors::new();
    let code = i.code.trim().to_owned();
    if !(3..=40).contains(&code.len())
        || !code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        e.add("code", "messaging-code-invalid");
    }
    let name = validation::text(&mut e, "name", &i.name, true, 120);
    let purpose = i.purpose.trim().to_owned();
    if !domain::purposes().contains(&purpose.as_str()) {
        e.add("purpose", "field-choice-invalid");
    }
    let sms_text = body(&mut e, "sms_text", &i.sms_text, sms::MAX_CHARS);
    let email_subject = some(validation::text(
        &mut e,
        "email_subject",
        &i.email_subject,
        false,
        200,
    ));
    if email_subject
        .as_deref()
        .is_some_and(|s| domain::variables_of(s).is_err())
    {
        e.add("email_subject", "messaging-variable-unknown");
    }
    let email_text = body(&mut e, "email_text", &i.email_text, 20_000);
    if email_text.is_some() != email_subject.is_some() {
        e.add(
            if email_text.is_some() {
                "email_subject"
            } else {
                "email_text"
            },
            "messaging-email-needs-both",
        );
    }
    let whatsapp_name = some(validation::text(
        &mut e,
        "whatsapp_name",
        &i.whatsapp_name,
        false,
        512,
    ));
    if whatsapp_name.as_deref().is_some_and(|n| {
        !n.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    }) {
        e.add("whatsapp_name", "messaging-whatsapp-name-invalid");
    }
    let whatsapp_language = some(validation::text(
        &mut e,
        "whatsapp_language",
        &i.whatsapp_language,
        false,
        10,
    ));
    if whatsapp_name.is_some() && whatsapp_language.is_none() {
        e.add("whatsapp_language", "field-required");
    }
    let whatsapp_params: Vec<String> = i
        .whatsapp_params
        .split(',')
        .map(|p| p.trim().trim_matches(|c| c == '{' || c == '}').to_owned())
        .filter(|p| !p.is_empty())
        .collect();
    if whatsapp_params.len() > 10
        || whatsapp_params
            .iter()
            .any(|p| !domain::VARIABLES.contains(&p.as_str()))
    {
        e.add("whatsapp_params", "messaging-variable-unknown");
    }
    if whatsapp_name.is_none() && !whatsapp_params.is_empty() {
        e.add("whatsapp_name", "field-required");
    }
    let whatsapp_text = body(&mut e, "whatsapp_text", &i.whatsapp_text, 4_096);
    if let Some((_, given)) = SENDERS.iter().find(|(c, _)| *c == code) {
        let fields: [(&'static str, Option<&str>); 4] = [
            ("sms_text", sms_text.as_deref()),
            ("email_subject", email_subject.as_deref()),
            ("email_text", email_text.as_deref()),
            ("whatsapp_text", whatsapp_text.as_deref()),
        ];
        let allowed = |v: &str| domain::PERSON_VARIABLES.contains(&v) || given.contains(&v);
        for (field, text) in fields {
            let used = text
                .map(domain::variables_of)
                .and_then(Result::ok)
                .unwrap_or_default();
            if used.iter().any(|v| !allowed(v)) {
                e.add(field, "messaging-variable-not-given");
            }
        }
        if whatsapp_params.iter().any(|v| !allowed(v)) {
            e.add("whatsapp_params", "messaging-variable-not-given");
        }
    }
    if sms_text.is_none()
        && email_text.is_none()
        && whatsapp_name.is_none()
        && whatsapp_text.is_none()
    {
        e.add("sms_text", "messaging-template-empty");
    }
    e.into_result()?;
    Ok(Valid {
        code,
        name,
        purpose,
        any_hour: i.any_hour,
        sms_text,
        sms_transliterate: i.sms_transliterate,
        email_subject,
        email_text,
        whatsapp_name,
        whatsapp_language,
        whatsapp_params,
        whatsapp_text,
    })
}

fn apply(a: &mut template::ActiveModel, v: Valid) {
    a.code = Set(v.code);
    a.name = Set(v.name);
    a.purpose = Set(v.purpose);
    a.any_hour = Set(v.any_hour);
    a.sms_text = Set(v.sms_text);
    a.sms_transliterate = Set(v.sms_transliterate);
    a.email_subject = Set(v.email_subject);
    a.email_text = Set(v.email_text);
    a.whatsapp_name = Set(v.whatsapp_name);
    a.whatsapp_language = Set(v.whatsapp_language);
    a.whatsapp_params =
        Set((!v.whatsapp_params.is_empty())
            .then(|| serde_json::json!(v.whatsapp_params).to_string()));
    a.whatsapp_text = Set(v.whatsapp_text);
}

async fn code_taken(
    conn: &impl ConnectionTrait,
    code: &str,
    except: Option<Uuid>,
) -> Result<bool, DbErr> {
    Ok(template::Entity::find()
        .filter(template::Column::Code.eq(code))
        .one(conn)
        .await?
        .is_some_and(|t| Some(t.id) != except))
}

/// Creates a template.
pub async fn create(
    db: &Db,
    ctx: &AuditCtx,
    input: &TemplateInput,
) -> Result<Uuid, MessagingError> {
    let v = validate(input)?;
    let tx = db::begin_write(db).await?;
    if code_taken(&tx, &v.code, None).await? {
        return Err(FieldErrors::one("code", "messaging-code-taken").into());
    }
    let now = Utc::now();
    let id = Uuid::now_v7();
    let mut a = template::ActiveModel {
        id: Set(id),
        active: Set(true),
        version: Set(1),
        updated_by: Set(ctx.actor_name.clone()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    apply(&mut a, v);
    let m = a.insert(&tx).await?;
    audit::record(
        &tx,
        ctx,
        Change::new("messaging.template.create", "message_template", id)
            .after(serde_json::json!(Template::from(m))),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Replaces a template's fields; `active` retires or restores it.
pub async fn update(
    db: &Db,
    ctx: &AuditCtx,
    id: Uuid,
    input: &TemplateInput,
) -> Result<(), MessagingError> {
    let v = validate(input)?;
    let tx = db::begin_write(db).await?;
    let current = template::Entity::find_by_id(id)
        .one(&tx)
        .await?
        .ok_or(MessagingError::NotFound)?;
    // Modules send by code: it never changes.
    if v.code != current.code {
        return Err(FieldErrors::one("code", "messaging-code-fixed").into());
    }
    if input.version.is_some_and(|n| n != current.version) {
        return Err(FieldErrors::one("version", "messaging-template-changed").into());
    }
    let before = serde_json::json!(Template::from(current.clone()));
    let mut a: template::ActiveModel = current.clone().into();
    apply(&mut a, v);
    a.active = Set(input.active.unwrap_or(current.active));
    a.version = Set(current.version + 1);
    a.updated_by = Set(ctx.actor_name.clone());
    a.updated_at = Set(Utc::now());
    let m = a.update(&tx).await?;
    audit::record(
        &tx,
        ctx,
        Change::new("messaging.template.update", "message_template", id)
            .before(before)
            .after(serde_json::json!(Template::from(m))),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// One template.
pub async fn find(conn: &impl ConnectionTrait, id: Uuid) -> Result<Option<Template>, DbErr> {
    Ok(template::Entity::find_by_id(id)
        .one(conn)
        .await?
        .map(Template::from))
}

/// The template other modules send by this code.
pub async fn by_code(conn: &impl ConnectionTrait, code: &str) -> Result<Option<Template>, DbErr> {
    Ok(template::Entity::find()
        .filter(template::Column::Code.eq(code))
        .one(conn)
        .await?
        .map(Template::from))
}

/// Active templates, by name (for choosers).
pub async fn active(conn: &impl ConnectionTrait) -> Result<Vec<Template>, DbErr> {
    Ok(template::Entity::find()
        .filter(template::Column::Active.eq(true))
        .order_by_asc(template::Column::Name)
        .all(conn)
        .await?
        .into_iter()
        .map(Template::from)
        .collect())
}

/// One page of templates whose name or code has every word of `q`.
pub async fn list(
    conn: &impl ConnectionTrait,
    q: &str,
    pager: &Pager,
) -> Result<(Vec<Template>, u64), DbErr> {
    use sea_orm::Condition;
    use sipe_platform::web::table::page_of;
    let mut cond = Condition::all();
    for word in q.split_whitespace() {
        cond = cond.add(
            Condition::any()
                .add(template::Column::Name.contains(word))
                .add(template::Column::Code.contains(word.to_lowercase())),
        );
    }
    let col = match pager.sort.as_str() {
        "code" => template::Column::Code,
        "updated_at" => template::Column::UpdatedAt,
        _ => template::Column::Name,
    };
    let (rows, total) = page_of(
        conn,
        template::Entity::find().filter(cond),
        col,
        template::Column::Id,
        pager,
    )
    .await?;
    Ok((rows.into_iter().map(Template::from).collect(), total))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> TemplateInput {
        TemplateInput {
            code: "referral_notice".into(),
            name: "Aviso de derivación".into(),
            purpose: "service".into(),
            sms_text: "Hola {nombre}, te derivamos a {empresa}.".into(),
            ..Default::default()
        }
    }

    #[test]
    fn templates_are_checked_field_by_field() {
        assert!(validate(&input()).is_ok());
        let fails = |f: fn(&mut TemplateInput), field: &str| {
            let mut i = input();
            f(&mut i);
            let e = validate(&i).err().unwrap_or_default();
            assert!(e.has(field), "{field}: {e:?}");
        };
        fails(|i| i.code = "Aviso".into(), "code");
        fails(|i| i.purpose = "marketing".into(), "purpose");
        fails(|i| i.sms_text = "Hola {nombr}".into(), "sms_text");
        fails(|i| i.sms_text = "x".repeat(1_601), "sms_text");
        fails(|i| i.email_text = "Hola".into(), "email_subject");
        fails(
            |i| i.whatsapp_name = "Aviso Derivación".into(),
            "whatsapp_name",
        );
        fails(|i| i.whatsapp_params = "nombre".into(), "whatsapp_name");
        fails(
            |i| {
                i.whatsapp_name = "aviso".into();
                i.whatsapp_language = "es_AR".into();
                i.whatsapp_params = "nombre, sueldo".into();
            },
            "whatsapp_params",
        );
        fails(|i| i.sms_text.clear(), "sms_text");
    }
}
