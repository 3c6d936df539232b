//! Changes to what the SLA clock reads: targets, holidays (national: the route asks
//! `ManageSla`, held with a national scope) and an office's opening hours (capture scope
//! of the office). One transaction each, audited. A consultation keeps the due times
//! it was given when recorded.

use chrono::NaiveDate;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, Set};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;
use uuid::Uuid;

use super::store::time;
use crate::entity::{holiday, office_hours, sla_target, topic};
use crate::error::AttentionError;
use crate::interactions::Channel;
use sipe_platform::access::{Access, ScopeKind};
use sipe_platform::audit::{self, AuditCtx, Change};
use sipe_platform::db::{self, Db};
use sipe_platform::validation::FieldErrors;

/// Longest target: a year of minutes.
const MINUTES_MAX: i64 = 525_600;

/// A target as entered.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct TargetInput {
    /// A channel code, or empty for any.
    pub channel: String,
    /// A topic code, or empty for any.
    pub topic: String,
    /// Business minutes to the first answer (1 to 525,600).
    pub first_response_minutes: i64,
    /// Business minutes to the resolution (at least the first answer's).
    pub resolution_minutes: i64,
}

fn minutes(errors: &mut FieldErrors, field: &'static str, n: i64) -> i32 {
    if (1..=MINUTES_MAX).contains(&n) {
        n as i32
    } else {
        errors.add(field, "attention-sla-minutes-invalid");
        0
    }
}

/// Sets the target of a channel and topic (a new row, or the one they have).
pub async fn save_target(
    db: &Db,
    ctx: &AuditCtx,
    input: &TargetInput,
) -> Result<Uuid, AttentionError> {
    let mut errors = FieldErrors::new();
    let channel = input.channel.trim();
    if !channel.is_empty() && Channel::parse(channel).is_none() {
        errors.add("channel", "attention-channel-invalid");
    }
    let topic_code = input.topic.trim();
    if topic_code.len() > 40 {
        errors.add("topic", "attention-topic-unknown");
    }
    let first = minutes(
        &mut errors,
        "first_response_minutes",
        input.first_response_minutes,
    );
    let resolution = minutes(&mut errors, "resolution_minutes", input.resolution_minutes);
    if errors.is_empty() && resolution < first {
        errors.add(
            "resolution_minutes",
            "attention-sla-resolution-before-answer",
        );
    }
    errors.into_result()?;
    let tx = db::begin_write(db).await?;
    if !topic_code.is_empty()
        && topic::Entity::find_by_id(topic_code.to_owned())
            .one(&tx)
            .await?
            .is_none()
    {
        return Err(FieldErrors::one("topic", "attention-topic-unknown").into());
    }
    let existing = sla_target::Entity::find()
        .filter(sla_target::Column::Channel.eq(channel))
        .filter(sla_target::Column::TopicCode.eq(topic_code))
        .one(&tx)
        .await?;
    let before = existing
        .as_ref()
        .map(|t| json!({"first": t.first_response_minutes, "resolution": t.resolution_minutes}));
    let id = match existing {
        Some(t) => {
            let id = t.id;
            let mut a = t.into_active_model();
            a.first_response_minutes = Set(first);
            a.resolution_minutes = Set(resolution);
            a.update(&tx).await?;
            id
        }
        None => {
            let id = Uuid::now_v7();
            sla_target::ActiveModel {
                id: Set(id),
                channel: Set(channel.to_owned()),
                topic_code: Set(topic_code.to_owned()),
                first_response_minutes: Set(first),
                resolution_minutes: Set(resolution),
            }
            .insert(&tx)
            .await?;
            id
        }
    };
    let mut change = Change::new("attention.sla.target", "attention_sla_target", id).after(json!({
        "channel": channel, "topic": topic_code, "first": first, "resolution": resolution,
    }));
    if let Some(b) = before {
        change = change.before(b);
    }
    audit::record(&tx, ctx, change).await?;
    tx.commit().await?;
    Ok(id)
}

/// Removes a target; the one for any channel and topic stays (every consultation needs
/// one), refused with 409.
pub async fn delete_target(db: &Db, ctx: &AuditCtx, id: Uuid) -> Result<(), AttentionError> {
    let tx = db::begin_write(db).await?;
    let t = sla_target::Entity::find_by_id(id)
        .one(&tx)
        .await?
        .ok_or(AttentionError::NotFound)?;
    if t.channel.is_empty() && t.topic_code.is_empty() {
        return Err(AttentionError::Conflict("attention-sla-default-stays"));
    }
    sla_target::Entity::delete_by_id(id).exec(&tx).await?;
    audit::record(
        &tx,
        ctx,
        Change::new("attention.sla.target.delete", "attention_sla_target", id).before(json!({
            "channel": t.channel, "topic": t.topic_code,
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A holiday as entered.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct HolidayInput {
    /// `YYYY-MM-DD`, 1900 to 2199.
    pub day: String,
    /// Its name (up to 120 characters).
    pub name: String,
}

fn day(errors: &mut FieldErrors, raw: &str) -> Option<NaiveDate> {
    let d = NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| (1900..=2199).contains(&chrono::Datelike::year(d)));
    if d.is_none() {
        errors.add("day", "field-date-invalid");
    }
    d
}

/// Adds a holiday (or renames the day's).
pub async fn save_holiday(
    db: &Db,
    ctx: &AuditCtx,
    input: &HolidayInput,
) -> Result<NaiveDate, AttentionError> {
    let mut errors = FieldErrors::new();
    let d = day(&mut errors, &input.day);
    let name = sipe_platform::validation::text(&mut errors, "name", &input.name, true, 120);
    errors.into_result()?;
    let d = d.unwrap_or_default();
    let tx = db::begin_write(db).await?;
    let existing = holiday::Entity::find_by_id(d).one(&tx).await?;
    match existing {
        Some(h) => {
            let mut a = h.into_active_model();
            a.name = Set(name.clone());
            a.update(&tx).await?;
        }
        None => {
            holiday::ActiveModel {
                day: Set(d),
                name: Set(name.clone()),
            }
            .insert(&tx)
            .await?;
        }
    }
    audit::record(
        &tx,
        ctx,
        Change::new("attention.sla.holiday", "attention_holiday", Uuid::nil())
            .after(json!({"day": d, "name": name})),
    )
    .await?;
    tx.commit().await?;
    Ok(d)
}

/// Removes a holiday.
pub async fn delete_holiday(db: &Db, ctx: &AuditCtx, raw: &str) -> Result<(), AttentionError> {
    let mut errors = FieldErrors::new();
    let d = day(&mut errors, raw);
    errors.into_result()?;
    let d = d.unwrap_or_default();
    let tx = db::begin_write(db).await?;
    let gone = holiday::Entity::delete_by_id(d).exec(&tx).await?;
    if gone.rows_affected == 0 {
        return Err(AttentionError::NotFound);
    }
    audit::record(
        &tx,
        ctx,
        Change::new(
            "attention.sla.holiday.delete",
            "attention_holiday",
            Uuid::nil(),
        )
        .before(json!({"day": d})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// One weekday's hours as entered: both empty for closed.
#[derive(Debug, Clone, Default, Deserialize, serde::Serialize, ToSchema)]
#[serde(default)]
pub struct DayHours {
    /// 0 Monday ... 6 Sunday.
    pub weekday: i32,
    /// `HH:MM`, or empty.
    pub opens: String,
    /// `HH:MM`, or empty.
    pub closes: String,
}

/// Sets an office's opening hours for the week (days not given are closed). Checked
/// against the office's capture scope.
pub async fn set_hours(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    office_code: &str,
    days: &[DayHours],
) -> Result<(), AttentionError> {
    let mut errors = FieldErrors::new();
    let mut week: [Option<(String, String)>; 7] = Default::default();
    if days.len() > 7 {
        errors.add("days", "attention-hours-invalid");
    }
    for d in days.iter().take(7) {
        let Some(slot) = usize::try_from(d.weekday).ok().filter(|w| *w < 7) else {
            errors.add("days", "attention-hours-invalid");
            continue;
        };
        let (o, c) = (d.opens.trim(), d.closes.trim());
        if o.is_empty() && c.is_empty() {
            continue;
        }
        match (time(o), time(c)) {
            (Some(open), Some(close)) if open < close && week[slot].is_none() => {
                week[slot] = Some((
                    open.format("%H:%M").to_string(),
                    close.format("%H:%M").to_string(),
                ));
            }
            _ => errors.add(hours_field(slot), "attention-hours-invalid"),
        }
    }
    if errors.is_empty() && week.iter().all(Option::is_none) {
        errors.add("days", "attention-hours-none");
    }
    errors.into_result()?;
    let tx = db::begin_write(db).await?;
    let office =
        crate::desk::store::office_in(&tx, access, ScopeKind::Capture, office_code).await?;
    office_hours::Entity::delete_many()
        .filter(office_hours::Column::OfficeId.eq(office.id))
        .exec(&tx)
        .await?;
    for (weekday, hours) in week.iter().enumerate() {
        if let Some((opens, closes)) = hours {
            office_hours::ActiveModel {
                office_id: Set(office.id),
                weekday: Set(weekday as i32),
                opens: Set(opens.clone()),
                closes: Set(closes.clone()),
            }
            .insert(&tx)
            .await?;
        }
    }
    audit::record(
        &tx,
        ctx,
        Change::new("attention.office.hours", "office", office.id).after(json!({"week": week})),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The form field of a weekday's hours (`hours_0` ... `hours_6`).
pub fn hours_field(weekday: usize) -> &'static str {
    [
        "hours_0", "hours_1", "hours_2", "hours_3", "hours_4", "hours_5", "hours_6",
    ][weekday.min(6)]
}
