//! Messaging's pages: templates (with the SMS counter), the messages within the
//! reader's scope and one message, the providers' settings, and the person-page section.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum_extra::extract::Form;
use serde::Deserialize;
use uuid::Uuid;

use crate::domain::{self, Channel};
use crate::error::MessagingError;
use crate::messages::{self, MessageRow};
use crate::providers::Messaging;
use crate::sms;
use crate::templates::{self, Template, TemplateInput};
use sipe_persons::module::{PersonFacts, PersonSection};
use sipe_platform::access::Permission;
use sipe_platform::module::BoxFuture;
use sipe_platform::validation::FieldErrors;
use sipe_platform::web::auth::{Authenticated, Ctx};
use sipe_platform::web::page::redirect_with_flash;
use sipe_platform::web::render::page_with;
use sipe_platform::web::table::{ListQuery, Pager};
use sipe_platform::web::{AppState, PageCtx, WebError};

/// Filters of the templates list.
#[derive(Debug, Deserialize, Default)]
pub struct TemplateFilter {
    #[serde(default)]
    q: String,
    #[serde(flatten)]
    list: ListQuery,
}

#[derive(askama::Template)]
#[template(path = "messaging/templates.html")]
struct TemplatesPage {
    ctx: PageCtx,
    rows: Vec<Template>,
    pager: Pager,
    q: String,
    can_edit: bool,
}

impl TemplatesPage {
    fn channels(&self, t: &Template) -> String {
        t.channels()
            .iter()
            .map(|c| {
                self.ctx
                    .t(format!("messaging-channel-{}", c.as_str()))
                    .into_owned()
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// `GET /messaging/templates`.
pub async fn list_templates(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Query(f): Query<TemplateFilter>,
) -> Result<Response, WebError> {
    let mut pager =
        Pager::new("/messaging/templates", &f.list, &templates::SORTS, false)?.keep("q", &f.q);
    let q = sipe_platform::validation::search_text("q", &f.q)?;
    let (rows, total) = templates::list(&state.db, &q, &pager).await?;
    pager.total = total;
    page_with(
        axum::http::StatusCode::OK,
        TemplatesPage {
            ctx,
            rows,
            pager,
            q: f.q,
            can_edit: user.access.can(Permission::ManageTemplates),
        },
    )
}

#[derive(askama::Template)]
#[template(path = "messaging/template.html")]
struct TemplatePage {
    ctx: PageCtx,
    template: Option<Template>,
    form: TemplateInput,
    errors: FieldErrors,
    can_edit: bool,
    purposes: Vec<&'static str>,
    variables: String,
    count: sms::SmsCount,
    price_cents: i64,
}

impl TemplatePage {
    fn cost(&self) -> String {
        pesos(self.price_cents * i64::try_from(self.count.segments).unwrap_or(0))
    }
}

use sipe_platform::text::pesos;

fn price_cents(state: &AppState) -> i64 {
    state
        .extensions
        .get::<Messaging>()
        .map_or(0, |m| m.settings.sms_cents_per_segment)
}

async fn template_page(
    state: &AppState,
    ctx: PageCtx,
    user: &Authenticated,
    id: Option<Uuid>,
    form: Option<TemplateInput>,
    errors: FieldErrors,
) -> Result<Response, WebError> {
    let template = match id {
        Some(id) => Some(
            templates::find(&state.db, id)
                .await?
                .ok_or(WebError::NotFound)?,
        ),
        None => None,
    };
    let form = form.unwrap_or_else(|| match &template {
        Some(t) => t.input(),
        None => TemplateInput {
            purpose: domain::SERVICE.into(),
            ..Default::default()
        },
    });
    let count = sms::count(
        &domain::with_samples(&form.sms_text),
        form.sms_transliterate,
    );
    let status = if errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    page_with(
        status,
        TemplatePage {
            ctx,
            template,
            form,
            errors,
            can_edit: user.access.can(Permission::ManageTemplates),
            purposes: domain::purposes(),
            variables: domain::VARIABLES.map(|v| format!("{{{v}}}")).join(" "),
            count,
            price_cents: price_cents(state),
        },
    )
}

/// `GET /messaging/templates/new`.
pub async fn new_template(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
) -> Result<Response, WebError> {
    template_page(&state, ctx, &user, None, None, FieldErrors::new()).await
}

/// `GET /messaging/templates/{id}`.
pub async fn show_template(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    template_page(&state, ctx, &user, Some(id), None, FieldErrors::new()).await
}

/// The template form as posted (checkboxes arrive as `on` or not at all).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TemplateForm {
    code: String,
    name: String,
    purpose: String,
    any_hour: String,
    sms_text: String,
    sms_transliterate: String,
    email_subject: String,
    email_text: String,
    whatsapp_name: String,
    whatsapp_language: String,
    whatsapp_params: String,
    whatsapp_text: String,
    active: String,
    version: String,
}

impl TemplateForm {
    fn input(self, existing: bool) -> TemplateInput {
        let on = |s: &str| matches!(s, "on" | "true");
        TemplateInput {
            any_hour: on(&self.any_hour),
            sms_transliterate: on(&self.sms_transliterate),
            active: existing.then(|| on(&self.active)),
            version: self.version.trim().parse().ok(),
            code: self.code,
            name: self.name,
            purpose: self.purpose,
            sms_text: self.sms_text,
            email_subject: self.email_subject,
            email_text: self.email_text,
            whatsapp_name: self.whatsapp_name,
            whatsapp_language: self.whatsapp_language,
            whatsapp_params: self.whatsapp_params,
            whatsapp_text: self.whatsapp_text,
        }
    }
}

/// `POST /messaging/templates` and `POST /messaging/templates/{id}`.
pub async fn save_template(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    id: Option<Path<Uuid>>,
    Form(form): Form<TemplateForm>,
) -> Result<Response, WebError> {
    let id = id.map(|Path(id)| id);
    let input = form.input(id.is_some());
    let done = match id {
        Some(id) => templates::update(&state.db, &audit, id, &input)
            .await
            .map(|()| id),
        None => templates::create(&state.db, &audit, &input).await,
    };
    match done {
        Ok(id) => Ok(redirect_with_flash(
            &format!("/messaging/templates/{id}"),
            "success",
            "messaging-template-saved",
        )),
        Err(MessagingError::Invalid(errors)) => {
            template_page(&state, ctx, &user, id, Some(input), errors).await
        }
        Err(e) => Err(e.into()),
    }
}

/// What the SMS counter asks.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct PreviewInput {
    /// The text (up to 1,600 characters).
    pub text: String,
    /// Transliterate into GSM-7 first.
    #[serde(default)]
    pub transliterate: bool,
}

/// The counter's form (`transliterate` is `on` or `true` when asked).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PreviewForm {
    text: String,
    transliterate: String,
}

/// `POST /messaging/sms-preview`: the counter of the template page (a form, like every
/// page's; answers JSON, the API's answer plus the cost). Variables count as values of
/// their typical length.
pub async fn sms_preview(
    State(state): State<AppState>,
    Form(input): Form<PreviewForm>,
) -> Result<Json<serde_json::Value>, WebError> {
    if input.text.chars().count() > sms::MAX_CHARS {
        return Err(FieldErrors::one("text", "field-too-long").into());
    }
    let count = sms::count(
        &domain::with_samples(&input.text),
        matches!(input.transliterate.as_str(), "on" | "true"),
    );
    let cents = price_cents(&state) * i64::try_from(count.segments).unwrap_or(0);
    Ok(Json(serde_json::json!({
        "encoding": count.encoding, "units": count.units, "segments": count.segments,
        "text": count.text, "cost": pesos(cents), "replaced": count.replaced.concat(),
    })))
}

/// Filters of the messages list.
#[derive(Debug, Deserialize, Default)]
pub struct MessageFilter {
    #[serde(default)]
    status: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    person: String,
    #[serde(default)]
    campaign: String,
    #[serde(flatten)]
    list: ListQuery,
}

#[derive(askama::Template)]
#[template(path = "messaging/messages.html")]
struct MessagesPage {
    ctx: PageCtx,
    rows: Vec<MessageRow>,
    pager: Pager,
    status: String,
    channel: String,
    person: String,
    campaign: String,
    /// The campaign the list is filtered by, for its heading.
    of_campaign: Option<(Uuid, String)>,
    statuses: Vec<&'static str>,
    channels: Vec<&'static str>,
}

/// `GET /messaging/messages`: messages of people in the reader's view scope (the
/// people shown are recorded as read).
pub async fn list_messages(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Query(f): Query<MessageFilter>,
) -> Result<Response, WebError> {
    let status = domain::status::ALL
        .into_iter()
        .find(|s| *s == f.status)
        .map(str::to_owned);
    let channel = Channel::parse(&f.channel);
    let mut pager = Pager::new("/messaging/messages", &f.list, &messages::SORTS, true)?
        .keep("status", &f.status)
        .keep("channel", &f.channel)
        .keep("person", &f.person)
        .keep("campaign", &f.campaign);
    let filter = messages::Filter {
        status,
        channel,
        person: Uuid::parse_str(f.person.trim()).ok(),
        campaign: Uuid::parse_str(f.campaign.trim()).ok(),
        direction: None,
    };
    let (rows, total) = messages::list(&state.db, &user.access, &filter, &pager).await?;
    pager.total = total;
    let of_campaign = match filter.campaign {
        Some(id) => crate::campaigns::find(&state.db, &user.access, id)
            .await?
            .map(|c| (c.id, c.name)),
        None => None,
    };
    sipe_persons::service::record_shown(
        &state.reads,
        &audit,
        "messaging.messages.list",
        "/messaging/messages",
        rows.iter()
            .filter_map(|m| m.person_id.map(sipe_platform::ids::PersonId)),
    )
    .await
    .map_err(|e| WebError::Internal(anyhow::anyhow!(e.to_string())))?;
    page_with(
        axum::http::StatusCode::OK,
        MessagesPage {
            ctx,
            rows,
            pager,
            status: f.status,
            channel: f.channel,
            person: f.person,
            campaign: f.campaign,
            of_campaign,
            statuses: domain::status::ALL.to_vec(),
            channels: Channel::ALL.map(Channel::as_str).to_vec(),
        },
    )
}

#[derive(askama::Template)]
#[template(path = "messaging/message.html")]
struct MessagePage {
    ctx: PageCtx,
    m: MessageRow,
}

/// `GET /messaging/messages/{id}`: one message (of a person in the view scope; the
/// read is audited).
pub async fn show_message(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    let m = messages::find(&state.db, &user.access, id)
        .await?
        .ok_or(WebError::NotFound)?;
    if let Some(p) = m.person_id {
        sipe_persons::service::record_read(&state.reads, &audit, sipe_platform::ids::PersonId(p))
            .await
            .map_err(|e| WebError::Internal(anyhow::anyhow!(e.to_string())))?;
    }
    page_with(axum::http::StatusCode::OK, MessagePage { ctx, m })
}

#[derive(askama::Template)]
#[template(path = "messaging/providers.html")]
struct ProvidersPage {
    ctx: PageCtx,
    rows: Vec<ProviderRow>,
    quiet_hours: String,
    frequency: String,
    approval_threshold: u64,
    price: String,
    queued: u64,
}

struct ProviderRow {
    channel: &'static str,
    provider: &'static str,
    rate: u32,
    detail: String,
}

/// `GET /messaging/providers`: what the TOML configured (secrets never shown) and the
/// messages waiting.
pub async fn providers(State(state): State<AppState>, ctx: PageCtx) -> Result<Response, WebError> {
    let Some(m) = state.extensions.get::<Messaging>() else {
        return Err(WebError::NotFound);
    };
    let s = &m.settings;
    let rows = Channel::ALL
        .into_iter()
        .map(|c| {
            let p = s.provider(c);
            ProviderRow {
                channel: c.as_str(),
                provider: p.name(),
                rate: p.rate(),
                detail: match p {
                    crate::config::Provider::Off => String::new(),
                    crate::config::Provider::Sink { .. } => {
                        s.sink_dir.join(c.as_str()).display().to_string()
                    }
                    crate::config::Provider::Smtp(smtp) => format!(
                        "{}:{} ({:?}){}, {}",
                        smtp.host,
                        smtp.port,
                        smtp.security,
                        smtp.username
                            .as_ref()
                            .map(|u| format!(", {u} / ********"))
                            .unwrap_or_default(),
                        smtp.from
                    ),
                    crate::config::Provider::Smpp(smpp) => format!(
                        "{}:{}, {} / ********, {} (window {})",
                        smpp.host, smpp.port, smpp.system_id, smpp.source_addr, smpp.window
                    ),
                    crate::config::Provider::Http(h) => format!(
                        "{} ({:?}), {}{}",
                        // A query may carry a key: never shown.
                        h.url.split('?').next().unwrap_or_default(),
                        h.format,
                        h.source_addr,
                        if h.callback_secret.is_some() {
                            ", callbacks: ********"
                        } else {
                            ""
                        }
                    ),
                    crate::config::Provider::CloudApi(w) => format!(
                        "{}/{} (token, app secret, verify token: ********)",
                        w.base_url, w.phone_number_id
                    ),
                },
            }
        })
        .collect();
    page_with(
        axum::http::StatusCode::OK,
        ProvidersPage {
            rows,
            quiet_hours: s
                .quiet_hours
                .map(|(a, b)| format!("{} – {}", a.format("%H:%M"), b.format("%H:%M")))
                .unwrap_or_else(|| ctx.t("messaging-quiet-none").into_owned()),
            frequency: ctx.lang.t_args(
                "messaging-frequency-value",
                &[
                    ("n", s.frequency_cap.to_string()),
                    ("days", s.frequency_days.to_string()),
                ],
            ),
            approval_threshold: s.approval_threshold,
            price: pesos(s.sms_cents_per_segment),
            queued: messages::count_queued(&state.db).await?,
            ctx,
        },
    )
}

/// The person page's "Mensajes" section: their newest messages with their status.
pub struct MessagesSection;

#[derive(askama::Template)]
#[template(path = "messaging/person_section.html")]
struct SectionView<'a> {
    ctx: &'a PageCtx,
    rows: Vec<MessageRow>,
    person: Uuid,
    total: u64,
}

impl PersonSection for MessagesSection {
    fn render<'a>(
        &'a self,
        state: &'a AppState,
        ctx: &'a PageCtx,
        person: &'a PersonFacts<'a>,
    ) -> BoxFuture<'a, Result<Option<String>, WebError>> {
        Box::pin(async move {
            if !person.access.can(Permission::ViewMessaging) {
                return Ok(None);
            }
            let (rows, total) =
                messages::of_person(&state.db, person.access, person.id, 10).await?;
            let view = SectionView {
                ctx,
                rows,
                person: person.id,
                total,
            };
            Ok(Some(
                askama::Template::render(&view).map_err(|e| WebError::Internal(e.into()))?,
            ))
        })
    }
}
