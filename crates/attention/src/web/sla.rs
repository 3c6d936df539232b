//! The SLA page (targets per channel and topic, holidays) and an office's opening
//! hours, which the SLA clock counts.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::Form;
use serde::Deserialize;
use uuid::Uuid;

use crate::entity::{holiday, sla_target, topic};
use crate::error::AttentionError;
use crate::interactions::Channel;
use crate::sla::service::{self, DayHours, HolidayInput, TargetInput, hours_field};
use crate::sla::store;
use sipe_platform::access::{Permission, ScopeKind};
use sipe_platform::territory::entity::office;
use sipe_platform::validation::FieldErrors;
use sipe_platform::web::auth::{Authenticated, Ctx};
use sipe_platform::web::form::Choice;
use sipe_platform::web::page::redirect_with_flash;
use sipe_platform::web::render::page_with;
use sipe_platform::web::{AppState, PageCtx, WebError};

/// A target as listed: who it applies to, in words.
pub struct TargetRow {
    t: sla_target::Model,
    channel: String,
    topic: String,
    first: String,
    resolution: String,
    is_default: bool,
}

#[derive(askama::Template)]
#[template(path = "attention/sla.html")]
struct SlaPage {
    ctx: PageCtx,
    targets: Vec<TargetRow>,
    holidays: Vec<holiday::Model>,
    channels: Vec<Choice>,
    topics: Vec<Choice>,
    target_form: TargetForm,
    target_errors: FieldErrors,
    holiday_form: HolidayForm,
    holiday_errors: FieldErrors,
}

/// The target form: hours of business time, as people think of them.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct TargetForm {
    channel: String,
    topic: String,
    first_hours: String,
    resolution_hours: String,
}

/// Hours typed (`1,5` or `1.5`) as minutes; 0 when not a number (refused by the use
/// case).
fn minutes_of(hours: &str) -> i64 {
    hours
        .trim()
        .replace(',', ".")
        .parse::<f64>()
        .ok()
        .filter(|h| h.is_finite() && *h > 0.0 && *h < 10_000.0)
        .map_or(0, |h| (h * 60.0).round() as i64)
}

/// The holiday form.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct HolidayForm {
    day: String,
    name: String,
}

/// Minutes as "6 h", "1 h 30 min", "45 min".
pub fn span(ctx: &PageCtx, minutes: i32) -> String {
    let (h, m) = (minutes / 60, minutes % 60);
    match (h, m) {
        (0, m) => ctx.t1("attention-sla-minutes", "m", m),
        (h, 0) => ctx.t1("attention-sla-hours", "h", h),
        (h, m) => ctx.lang.t_args(
            "attention-sla-hours-minutes",
            &[("h", h.to_string()), ("m", m.to_string())],
        ),
    }
}

async fn sla_page(
    state: &AppState,
    ctx: PageCtx,
    target: (TargetForm, FieldErrors),
    holiday: (HolidayForm, FieldErrors),
    status: StatusCode,
) -> Result<Response, WebError> {
    let topics = crate::interactions::store::topics(&state.db, false).await?;
    let topic_name = |code: &str| {
        topics
            .iter()
            .find(|t| t.code == code)
            .map_or_else(|| code.to_owned(), |t| t.name.clone())
    };
    let any = ctx.t("attention-sla-any").into_owned();
    let targets = store::targets(&state.db)
        .await?
        .into_iter()
        .map(|t| TargetRow {
            channel: Channel::parse(&t.channel)
                .map_or_else(|| any.clone(), |c| ctx.t(c.label_key()).into_owned()),
            topic: if t.topic_code.is_empty() {
                any.clone()
            } else {
                topic_name(&t.topic_code)
            },
            is_default: t.channel.is_empty() && t.topic_code.is_empty(),
            first: span(&ctx, t.first_response_minutes),
            resolution: span(&ctx, t.resolution_minutes),
            t,
        })
        .collect();
    let from = chrono::Utc::now().date_naive() - chrono::Days::new(31);
    let holidays = store::holidays_from(&state.db, from).await?;
    let channels = Channel::ALL
        .iter()
        .map(|c| Choice {
            value: c.as_str().to_owned(),
            label: ctx.t(c.label_key()).into_owned(),
            selected: c.as_str() == target.0.channel,
        })
        .collect();
    let topics = topics
        .iter()
        .map(|t: &topic::Model| Choice {
            value: t.code.clone(),
            label: t.name.clone(),
            selected: t.code == target.0.topic,
        })
        .collect();
    page_with(
        status,
        SlaPage {
            ctx,
            targets,
            holidays,
            channels,
            topics,
            target_form: target.0,
            target_errors: target.1,
            holiday_form: holiday.0,
            holiday_errors: holiday.1,
        },
    )
}

/// `GET /attention/sla`.
pub async fn page(State(state): State<AppState>, ctx: PageCtx) -> Result<Response, WebError> {
    sla_page(
        &state,
        ctx,
        Default::default(),
        Default::default(),
        StatusCode::OK,
    )
    .await
}

/// `POST /attention/sla/targets`.
pub async fn save_target(
    State(state): State<AppState>,
    ctx: PageCtx,
    Ctx(audit): Ctx,
    Form(form): Form<TargetForm>,
) -> Result<Response, WebError> {
    let input = TargetInput {
        channel: form.channel.clone(),
        topic: form.topic.clone(),
        first_response_minutes: minutes_of(&form.first_hours),
        resolution_minutes: minutes_of(&form.resolution_hours),
    };
    match service::save_target(&state.db, &audit, &input).await {
        Ok(_) => Ok(redirect_with_flash(
            "/attention/sla",
            "success",
            "attention-sla-saved",
        )),
        Err(AttentionError::Invalid(mut e)) => {
            // The form asks for hours where the use case counts minutes.
            for f in &mut e.0 {
                f.field = match f.field {
                    "first_response_minutes" => "first_hours",
                    "resolution_minutes" => "resolution_hours",
                    other => other,
                };
            }
            sla_page(
                &state,
                ctx,
                (form, e),
                Default::default(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /attention/sla/targets/{id}/delete`.
pub async fn delete_target(
    State(state): State<AppState>,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    match service::delete_target(&state.db, &audit, id).await {
        Ok(()) => Ok(redirect_with_flash(
            "/attention/sla",
            "success",
            "attention-sla-deleted",
        )),
        Err(AttentionError::Conflict(key)) => {
            Ok(redirect_with_flash("/attention/sla", "error", key))
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /attention/sla/holidays`.
pub async fn save_holiday(
    State(state): State<AppState>,
    ctx: PageCtx,
    Ctx(audit): Ctx,
    Form(form): Form<HolidayForm>,
) -> Result<Response, WebError> {
    let input = HolidayInput {
        day: form.day.clone(),
        name: form.name.clone(),
    };
    match service::save_holiday(&state.db, &audit, &input).await {
        Ok(_) => Ok(redirect_with_flash(
            "/attention/sla",
            "success",
            "attention-holiday-saved",
        )),
        Err(AttentionError::Invalid(e)) => {
            sla_page(
                &state,
                ctx,
                Default::default(),
                (form, e),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /attention/sla/holidays/{day}/delete`.
pub async fn delete_holiday(
    State(state): State<AppState>,
    Ctx(audit): Ctx,
    Path(day): Path<String>,
) -> Result<Response, WebError> {
    match service::delete_holiday(&state.db, &audit, &day).await {
        Ok(()) => Ok(redirect_with_flash(
            "/attention/sla",
            "success",
            "attention-holiday-deleted",
        )),
        Err(AttentionError::Invalid(_)) => Err(WebError::NotFound),
        Err(e) => Err(e.into()),
    }
}

/// One weekday of the hours form.
pub struct DayRow {
    field: &'static str,
    label: String,
    opens: String,
    closes: String,
}

#[derive(askama::Template)]
#[template(path = "attention/office_hours.html")]
struct HoursPage {
    ctx: PageCtx,
    office: office::Model,
    days: Vec<DayRow>,
    set: bool,
    errors: FieldErrors,
    can_edit: bool,
}

/// The hours form: `opens_0`, `closes_0` ... `opens_6`, `closes_6`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct HoursForm {
    opens_0: String,
    closes_0: String,
    opens_1: String,
    closes_1: String,
    opens_2: String,
    closes_2: String,
    opens_3: String,
    closes_3: String,
    opens_4: String,
    closes_4: String,
    opens_5: String,
    closes_5: String,
    opens_6: String,
    closes_6: String,
}

impl HoursForm {
    fn days(&self) -> [(&str, &str); 7] {
        [
            (&self.opens_0, &self.closes_0),
            (&self.opens_1, &self.closes_1),
            (&self.opens_2, &self.closes_2),
            (&self.opens_3, &self.closes_3),
            (&self.opens_4, &self.closes_4),
            (&self.opens_5, &self.closes_5),
            (&self.opens_6, &self.closes_6),
        ]
    }
}

const WEEKDAYS: [&str; 7] = [
    "attention-weekday-0",
    "attention-weekday-1",
    "attention-weekday-2",
    "attention-weekday-3",
    "attention-weekday-4",
    "attention-weekday-5",
    "attention-weekday-6",
];

fn rows(ctx: &PageCtx, week: [(String, String); 7]) -> Vec<DayRow> {
    week.into_iter()
        .enumerate()
        .map(|(i, (opens, closes))| DayRow {
            field: hours_field(i),
            label: ctx.t(WEEKDAYS[i]).into_owned(),
            opens,
            closes,
        })
        .collect()
}

/// `GET /attention/offices/{code}/hours`.
pub async fn hours(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let office =
        crate::desk::store::office_in(&state.db, &user.access, ScopeKind::View, &code).await?;
    let (week, set) = store::week_of(&state.db, office.id).await?;
    let week = week.map(|d| d.unwrap_or_default());
    let can_edit = user.access.can(Permission::ManageAttention)
        && crate::desk::store::office_in(&state.db, &user.access, ScopeKind::Capture, &code)
            .await
            .is_ok();
    page_with(
        StatusCode::OK,
        HoursPage {
            days: rows(&ctx, week),
            ctx,
            office,
            set,
            errors: FieldErrors::new(),
            can_edit,
        },
    )
}

/// `POST /attention/offices/{code}/hours`.
pub async fn save_hours(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(code): Path<String>,
    Form(form): Form<HoursForm>,
) -> Result<Response, WebError> {
    let days: Vec<DayHours> = form
        .days()
        .iter()
        .enumerate()
        .map(|(i, (o, c))| DayHours {
            weekday: i as i32,
            opens: (*o).to_owned(),
            closes: (*c).to_owned(),
        })
        .collect();
    match service::set_hours(&state.db, &audit, &user.access, &code, &days).await {
        Ok(()) => Ok(redirect_with_flash(
            &format!("/attention/offices/{code}/hours"),
            "success",
            "attention-hours-saved",
        )),
        Err(AttentionError::Invalid(errors)) => {
            let office =
                crate::desk::store::office_in(&state.db, &user.access, ScopeKind::Capture, &code)
                    .await?;
            let week = form.days().map(|(o, c)| (o.to_owned(), c.to_owned()));
            page_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                HoursPage {
                    days: rows(&ctx, week),
                    ctx,
                    office,
                    set: true,
                    errors,
                    can_edit: true,
                },
            )
        }
        Err(e) => Err(e.into()),
    }
}
