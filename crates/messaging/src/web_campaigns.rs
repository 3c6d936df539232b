//! Pages of audiences and campaigns: the campaigns list, a campaign's page (its message,
//! audience, steps and report), the export of its messages and the saved audiences. The
//! form is `web_campaign_form`.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum_extra::extract::Form;
use serde::Deserialize;
use uuid::Uuid;

use crate::audiences::{self, AudienceSource};
use crate::campaigns::{self, Campaign, CampaignReport, CampaignStep, state};
use crate::domain::Channel;
use crate::error::MessagingError;
use crate::providers::Messaging;
use crate::templates;
use sipe_persons::audience::ReachCounts;
use sipe_platform::access::Permission;
use sipe_platform::validation::FieldErrors;
use sipe_platform::web::auth::{Authenticated, Ctx};
use sipe_platform::web::export::{Export, ExportLinks, Format};
use sipe_platform::web::page::redirect_with_flash;
use sipe_platform::web::render::page_with;
use sipe_platform::web::table::{ListQuery, Pager};
use sipe_platform::web::{AppState, PageCtx, WebError};

/// The audience sources other modules contribute.
pub fn sources(state: &AppState) -> Vec<Arc<dyn AudienceSource>> {
    state
        .modules
        .contributions()
        .all::<Arc<dyn AudienceSource>>()
        .cloned()
        .collect()
}

pub(crate) fn settings(state: &AppState) -> Result<&crate::config::Settings, WebError> {
    state
        .extensions
        .get::<Messaging>()
        .map(|m| &m.settings)
        .ok_or(WebError::NotFound)
}

pub(crate) fn today(state: &AppState) -> chrono::NaiveDate {
    chrono::Utc::now().with_timezone(&state.tz).date_naive()
}

/// AudienceFilters of the campaigns list.
#[derive(Debug, Deserialize, Default)]
pub struct CampaignFilter {
    #[serde(default)]
    state: String,
    #[serde(flatten)]
    list: ListQuery,
}

#[derive(askama::Template)]
#[template(path = "messaging/campaigns.html")]
struct CampaignsPage {
    ctx: PageCtx,
    rows: Vec<Campaign>,
    pager: Pager,
    state: String,
    states: Vec<&'static str>,
    can_send: bool,
}

/// `GET /messaging/campaigns`.
pub async fn list(
    State(st): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Query(f): Query<CampaignFilter>,
) -> Result<Response, WebError> {
    let chosen = state::ALL.into_iter().find(|s| *s == f.state);
    let mut pager = Pager::new("/messaging/campaigns", &f.list, &campaigns::SORTS, true)?
        .keep("state", &f.state);
    let (rows, total) = campaigns::list(&st.db, &user.access, chosen, &pager).await?;
    pager.total = total;
    page_with(
        axum::http::StatusCode::OK,
        CampaignsPage {
            ctx,
            rows,
            pager,
            state: f.state,
            states: state::ALL.to_vec(),
            can_send: user.access.can(Permission::SendMessages),
        },
    )
}

#[derive(askama::Template)]
#[template(path = "messaging/campaign.html")]
struct CampaignPage {
    ctx: PageCtx,
    c: Campaign,
    report: CampaignReport,
    counts: Option<ReachCounts>,
    /// The message the channel sends: label key and text.
    message: Vec<(&'static str, String)>,
    /// For SMS: segments of one message (variables at a typical length), whether
    /// accents go removed, and the cost of one message in cents.
    sms: Option<(usize, bool, i64)>,
    /// The template changed since the campaign was launched.
    template_changed: bool,
    /// ... and the campaign went with the earlier text.
    sent_before_change: bool,
    /// The audience's filters: label and value.
    audience: Vec<(String, String)>,
    can_edit: bool,
    can_launch: bool,
    can_approve: bool,
    can_cancel: bool,
    threshold: u64,
    export: ExportLinks,
    errors: FieldErrors,
}

impl CampaignPage {
    fn pesos(&self, cents: &i64) -> String {
        sipe_platform::text::pesos(*cents)
    }

    fn reached(&self, counts: &ReachCounts) -> u64 {
        Channel::parse(&self.c.channel).map_or(0, |ch| audiences::reached(counts, ch))
    }

    /// Who it goes to: today's count for a draft, the launch's count after.
    fn recipients(&self) -> u64 {
        match &self.counts {
            Some(counts) => self.reached(counts),
            None => u64::try_from(self.c.recipients).unwrap_or(0),
        }
    }

    /// The SMS cost of the whole campaign, estimated.
    fn sms_total(&self, cents_each: &i64) -> String {
        let n = i64::try_from(self.recipients()).unwrap_or(i64::MAX);
        sipe_platform::text::pesos(cents_each.saturating_mul(n))
    }
}

async fn campaign_page(
    st: &AppState,
    ctx: PageCtx,
    user: &Authenticated,
    id: Uuid,
    errors: FieldErrors,
) -> Result<Response, WebError> {
    let c = campaigns::find(&st.db, &user.access, id)
        .await?
        .ok_or(WebError::NotFound)?;
    let report = campaigns::report(&st.db, id).await?;
    let template = templates::find(&st.db, c.template_id).await?;
    let message = match (&template, Channel::parse(&c.channel)) {
        (Some(t), Some(ch)) => message_of(t, ch),
        _ => Vec::new(),
    };
    let sms = match (&template, Channel::parse(&c.channel)) {
        (Some(t), Some(Channel::Sms)) => t.sms_text.as_deref().map(|text| {
            let count = crate::sms::count(&crate::domain::with_samples(text), t.sms_transliterate);
            let each =
                settings(st)?.sms_cents_per_segment * i64::try_from(count.segments).unwrap_or(0);
            Ok::<_, WebError>((count.segments, t.sms_transliterate, each))
        }),
        _ => None,
    }
    .transpose()?;
    // Launched with another version of the template: before sending, the approval
    // waits for its author; after, the page shows today's text, not the one sent.
    let template_changed = c.state != state::DRAFT
        && template
            .as_ref()
            .is_some_and(|t| t.version != c.template_version);
    let sent_before_change =
        template_changed && ![state::PENDING, state::SCHEDULED].contains(&c.state.as_str());
    let form =
        crate::web_campaign_form::AudienceForm::build(st, &user.access, c.filters.clone()).await?;
    let audience = crate::web_campaign_form::summary(&ctx, &form);
    // Before launch, who the channel reaches now.
    let counts = if c.state == state::DRAFT {
        let purpose = template
            .as_ref()
            .map(|t| t.purpose.clone())
            .unwrap_or_else(|| crate::domain::SERVICE.to_owned());
        audiences::count(
            &st.db,
            &user.access,
            &sources(st),
            &c.filters,
            &purpose,
            today(st),
        )
        .await
        .ok()
    } else {
        None
    };
    let mine = c.created_by == Some(user.access.actor.user_id);
    let status = if errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    page_with(
        status,
        CampaignPage {
            message,
            sms,
            template_changed,
            sent_before_change,
            audience,
            can_edit: mine && c.state == state::DRAFT && user.access.can(Permission::SendMessages),
            can_launch: mine
                && c.state == state::DRAFT
                && user.access.can(Permission::SendMessages),
            can_approve: !mine
                && c.state == state::PENDING
                && user.access.can(Permission::ApproveCampaigns),
            can_cancel: user.access.can(Permission::SendMessages)
                && ![state::FINISHED, state::CANCELLED].contains(&c.state.as_str()),
            threshold: settings(st)?.approval_threshold,
            export: ExportLinks::new(
                &format!("/messaging/campaigns/{id}/messages"),
                [],
                "campaign-export",
            ),
            ctx,
            c,
            report,
            counts,
            errors,
        },
    )
}

/// `GET /messaging/campaigns/{id}`.
pub async fn show(
    State(st): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    campaign_page(&st, ctx, &user, id, FieldErrors::new()).await
}

/// The step form.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StepForm {
    action: String,
    version: String,
    scheduled_at: String,
}

/// `POST /messaging/campaigns/{id}/step`.
pub async fn step(
    State(st): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    Form(f): Form<StepForm>,
) -> Result<Response, WebError> {
    let input = CampaignStep {
        action: f.action.clone(),
        version: f.version.trim().parse().unwrap_or(-1),
        scheduled_at: f.scheduled_at,
    };
    let done = campaigns::step(
        &st.db,
        &audit,
        &user.access,
        &sources(&st),
        settings(&st)?,
        st.tz,
        id,
        &input,
    )
    .await;
    match done {
        Ok(c) => Ok(redirect_with_flash(
            &format!("/messaging/campaigns/{id}"),
            "success",
            match c.state.as_str() {
                state::PENDING => "messaging-campaign-pending",
                state::SCHEDULED => "messaging-campaign-scheduled",
                state::CANCELLED => "messaging-campaign-cancelled",
                _ => "messaging-campaign-saved",
            },
        )),
        Err(MessagingError::Invalid(e)) => campaign_page(&st, ctx, &user, id, e).await,
        Err(MessagingError::Conflict(key) | MessagingError::Forbidden(key)) => {
            campaign_page(&st, ctx, &user, id, FieldErrors::one("action", key)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The text a channel's variant sends, as label key and text (variables unfilled).
fn message_of(t: &templates::Template, channel: Channel) -> Vec<(&'static str, String)> {
    let some = |label: &'static str, v: &Option<String>| v.clone().map(|v| (label, v));
    match channel {
        Channel::Sms => vec![some("messaging-template-sms", &t.sms_text)],
        Channel::Email => vec![
            some("messaging-template-subject", &t.email_subject),
            some("messaging-template-email", &t.email_text),
        ],
        Channel::Whatsapp => vec![
            t.whatsapp_name.as_ref().map(|n| {
                let lang = t.whatsapp_language.clone().unwrap_or_default();
                ("messaging-template-wa-name", format!("{n} ({lang})"))
            }),
            (!t.whatsapp_params.is_empty())
                .then(|| ("messaging-template-wa-params", t.whatsapp_params.join(", "))),
            some("messaging-template-wa-text", &t.whatsapp_text),
        ],
    }
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
}

const EXPORT_HEADER: [&str; 8] = [
    "fecha",
    "persona",
    "canal",
    "dirección",
    "estado",
    "motivo",
    "segmentos",
    "costo",
];

/// `GET /messaging/campaigns/{id}/messages.csv|.xlsx`: the campaign's messages to people
/// of the reader's view scope.
pub async fn export(
    State(st): State<AppState>,
    user: Authenticated,
    Ctx(audit): Ctx,
    format: Format,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    let c = campaigns::find(&st.db, &user.access, id)
        .await?
        .ok_or(WebError::NotFound)?;
    let mut out = Export::new(
        format,
        &format!("campania-{}", &c.id.to_string()[..8]),
        &EXPORT_HEADER,
    )
    .audit(
        "messaging.campaign.export",
        "message_campaign",
        serde_json::json!({"campaign_id": id}),
    )
    .back_to(&format!("/messaging/campaigns/{id}"));
    let mut pages = sipe_platform::web::table::ExportPages::new(
        &format!("/messaging/campaigns/{id}/messages.csv"),
        &crate::messages::SORTS,
        true,
    );
    let filter = crate::messages::Filter {
        campaign: Some(id),
        direction: Some("out"),
        ..Default::default()
    };
    // Words, like the header: a spreadsheet's reader sees "Entregado", not "delivered".
    let es = sipe_platform::i18n::Lang::EsAr;
    let word = |prefix: &str, code: &str| es.t(&format!("{prefix}{code}")).into_owned();
    while let Some(pager) = pages.next_page() {
        let (rows, total) = crate::messages::list(&st.db, &user.access, &filter, &pager).await?;
        if !out.expect(total) {
            break;
        }
        for m in &rows {
            out.row([
                m.created_at
                    .with_timezone(&st.tz)
                    .format("%Y-%m-%d %H:%M")
                    .to_string(),
                m.person_name.clone().unwrap_or_default(),
                word("messaging-channel-", &m.channel),
                m.address.clone(),
                word("messaging-status-", &m.status),
                m.reason
                    .as_deref()
                    .map(|r| word("messaging-reason-", r))
                    .unwrap_or_default(),
                m.segments.map(|s| s.to_string()).unwrap_or_default(),
                sipe_platform::text::pesos(m.cost_cents),
            ]);
        }
        pages.read(rows.len(), total);
    }
    out.respond(&st, &audit).await
}

#[derive(askama::Template)]
#[template(path = "messaging/audiences.html")]
struct AudiencesPage {
    ctx: PageCtx,
    rows: Vec<audiences::SavedAudience>,
    can_send: bool,
}

/// `GET /messaging/audiences`.
pub async fn list_audiences(
    State(st): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
) -> Result<Response, WebError> {
    let rows = audiences::list(&st.db, &user.access).await?;
    page_with(
        axum::http::StatusCode::OK,
        AudiencesPage {
            ctx,
            rows,
            can_send: user.access.can(Permission::SendMessages),
        },
    )
}
