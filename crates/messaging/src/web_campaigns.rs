//! Pages of audiences and campaigns: the campaign form with its audience and the count
//! of who each channel reaches, a campaign's page with its steps and report, and the
//! export of its messages.

use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum_extra::extract::Form;
use serde::Deserialize;
use uuid::Uuid;

use crate::audiences::{self, AudienceFilters, AudienceSource};
use crate::campaigns::{self, Campaign, CampaignInput, CampaignReport, CampaignStep, state};
use crate::domain::Channel;
use crate::error::MessagingError;
use crate::providers::Messaging;
use crate::templates;
use sipe_persons::audience::ReachCounts;
use sipe_platform::access::{Access, Permission, ScopeKind};
use sipe_platform::validation::FieldErrors;
use sipe_platform::web::auth::{Authenticated, Ctx};
use sipe_platform::web::export::{Export, ExportLinks, Format};
use sipe_platform::web::form::Choice;
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

fn settings(state: &AppState) -> Result<&crate::config::Settings, WebError> {
    state
        .extensions
        .get::<Messaging>()
        .map(|m| &m.settings)
        .ok_or(WebError::NotFound)
}

fn today(state: &AppState) -> chrono::NaiveDate {
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

/// The audience's fields on a form, with the choices they offer.
pub struct AudienceForm {
    /// The filters as typed.
    pub filters: AudienceFilters,
    /// Offices of the view scope (blank: every office, for a national user).
    pub offices: Vec<Choice>,
    /// Departments of the province.
    pub departments: Vec<Choice>,
    /// Other modules' filters: key, label key, choices.
    pub extra: Vec<(String, &'static str, Vec<Choice>)>,
    /// May the audience cover every office?
    pub national: bool,
}

impl AudienceForm {
    async fn build(
        st: &AppState,
        access: &Access,
        filters: AudienceFilters,
    ) -> Result<Self, WebError> {
        let choice = |value: String, label: String, current: &str| Choice {
            selected: value == current,
            value,
            label,
        };
        let offices =
            sipe_platform::territory::store::offices_in_scope(&st.db, access, ScopeKind::View)
                .await?
                .into_iter()
                .map(|o| {
                    choice(
                        o.code.clone(),
                        format!("{} — {}", o.code, o.name),
                        &filters.office,
                    )
                })
                .collect();
        let departments =
            sipe_platform::territory::store::departments_of(&st.db, &st.config.province_code)
                .await?
                .into_iter()
                .map(|d| choice(d.code.clone(), d.name, &filters.department))
                .collect();
        let mut extra = Vec::new();
        for s in sources(st) {
            let current = filters.extra.get(s.key()).cloned().unwrap_or_default();
            let options = s
                .options(&st.db, access)
                .await?
                .into_iter()
                .map(|(v, l)| choice(v, l, &current))
                .collect();
            extra.push((s.key().to_owned(), s.label(), options));
        }
        Ok(AudienceForm {
            filters,
            offices,
            departments,
            extra,
            national: access.view.is_national(),
        })
    }
}

/// The filters of a posted form (`extra_<key>` for other modules' filters).
fn filters_of(fields: &[(String, String)]) -> AudienceFilters {
    let get = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    AudienceFilters {
        office: get("office"),
        department: get("department"),
        sex: get("sex"),
        age_min: get("age_min"),
        age_max: get("age_max"),
        education: get("education"),
        employment: get("employment"),
        disability: get("disability"),
        occupation: get("occupation"),
        extra: fields
            .iter()
            .filter_map(|(k, v)| Some((k.strip_prefix("extra_")?.to_owned(), v.clone())))
            .filter(|(_, v)| !v.trim().is_empty())
            .take(20)
            .collect(),
    }
}

#[derive(askama::Template)]
#[template(path = "messaging/campaign_form.html")]
struct FormPage {
    ctx: PageCtx,
    name: String,
    channel: String,
    templates: Vec<Choice>,
    channels: Vec<&'static str>,
    audience: AudienceForm,
    counts: Option<ReachCounts>,
    errors: FieldErrors,
}

#[allow(clippy::too_many_arguments)]
async fn form_page(
    st: &AppState,
    ctx: PageCtx,
    access: &Access,
    name: String,
    template_id: String,
    channel: String,
    filters: AudienceFilters,
    counts: Option<ReachCounts>,
    errors: FieldErrors,
) -> Result<Response, WebError> {
    let templates = templates::active(&st.db)
        .await?
        .into_iter()
        .map(|t| Choice {
            selected: t.id.to_string() == template_id,
            value: t.id.to_string(),
            label: t.name,
        })
        .collect();
    let in_use = settings(st)?.channels();
    let status = if errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    page_with(
        status,
        FormPage {
            audience: AudienceForm::build(st, access, filters).await?,
            ctx,
            name,
            channel,
            templates,
            channels: in_use.into_iter().map(Channel::as_str).collect(),
            counts,
            errors,
        },
    )
}

/// Query of the new campaign page (a saved audience to start from).
#[derive(Debug, Default, Deserialize)]
pub struct NewQuery {
    #[serde(default)]
    audience: String,
}

/// `GET /messaging/campaigns/new`.
pub async fn new_campaign(
    State(st): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Query(q): Query<NewQuery>,
) -> Result<Response, WebError> {
    let filters = match Uuid::parse_str(q.audience.trim()) {
        Ok(id) => audiences::find(&st.db, &user.access, id)
            .await?
            .map(|a| a.filters)
            .unwrap_or_default(),
        Err(_) => AudienceFilters::default(),
    };
    form_page(
        &st,
        ctx,
        &user.access,
        String::new(),
        String::new(),
        String::new(),
        filters,
        None,
        FieldErrors::new(),
    )
    .await
}

/// `POST /messaging/campaigns`: `intent=count` shows who each channel reaches; else the
/// draft is saved (or, with `intent=audience`, the audience under `audience_name`).
pub async fn save_campaign(
    State(st): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    let get = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let filters = filters_of(&fields);
    let (name, template_id, channel) = (get("name"), get("template_id"), get("channel"));
    let srcs = sources(&st);
    let outcome = match get("intent").as_str() {
        "count" => {
            let purpose = match Uuid::parse_str(template_id.trim()) {
                Ok(id) => templates::find(&st.db, id).await?.map(|t| t.purpose),
                Err(_) => None,
            }
            .unwrap_or_else(|| crate::domain::SERVICE.to_owned());
            let counted = async {
                audiences::check(&st.db, &user.access, &srcs, &filters).await?;
                audiences::count(&st.db, &user.access, &srcs, &filters, &purpose, today(&st)).await
            }
            .await;
            return match counted {
                Ok(c) => {
                    form_page(
                        &st,
                        ctx,
                        &user.access,
                        name,
                        template_id,
                        channel,
                        filters,
                        Some(c),
                        FieldErrors::new(),
                    )
                    .await
                }
                Err(MessagingError::Invalid(e)) => {
                    form_page(
                        &st,
                        ctx,
                        &user.access,
                        name,
                        template_id,
                        channel,
                        filters,
                        None,
                        e,
                    )
                    .await
                }
                Err(e) => Err(e.into()),
            };
        }
        "audience" => audiences::save(
            &st.db,
            &audit,
            &user.access,
            &srcs,
            ("audience_name", &get("audience_name")),
            &filters,
        )
        .await
        .map(|_| None),
        _ => {
            let input = CampaignInput {
                name: name.clone(),
                template_id: template_id.clone(),
                channel: channel.clone(),
                filters: filters.clone(),
            };
            campaigns::create(&st.db, &audit, &user.access, &srcs, settings(&st)?, &input)
                .await
                .map(Some)
        }
    };
    match outcome {
        Ok(Some(id)) => Ok(redirect_with_flash(
            &format!("/messaging/campaigns/{id}"),
            "success",
            "messaging-campaign-saved",
        )),
        Ok(None) => Ok(redirect_with_flash(
            "/messaging/audiences",
            "success",
            "messaging-audience-saved",
        )),
        Err(MessagingError::Invalid(e)) => {
            form_page(
                &st,
                ctx,
                &user.access,
                name,
                template_id,
                channel,
                filters,
                None,
                e,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(askama::Template)]
#[template(path = "messaging/campaign.html")]
struct CampaignPage {
    ctx: PageCtx,
    c: Campaign,
    report: CampaignReport,
    counts: Option<ReachCounts>,
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
    // Before launch, who the channel reaches now.
    let counts = if c.state == state::DRAFT {
        let purpose = templates::find(&st.db, c.template_id)
            .await?
            .map(|t| t.purpose)
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
                m.channel.clone(),
                m.address.clone(),
                m.status.clone(),
                m.reason.clone().unwrap_or_default(),
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
