//! The campaign form: a new campaign or a draft changed by its author, its audience's
//! fields and the count of who each channel reaches.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum_extra::extract::Form;
use serde::Deserialize;
use uuid::Uuid;

use crate::audiences::{self, AudienceFilters};
use crate::campaigns::{self, CampaignChange, CampaignInput, state};
use crate::domain::Channel;
use crate::error::MessagingError;
use crate::templates;
use crate::web_campaigns::{settings, sources, today};
use sipe_persons::audience::ReachCounts;
use sipe_platform::access::{Access, ScopeKind};
use sipe_platform::audit::AuditCtx;
use sipe_platform::validation::FieldErrors;
use sipe_platform::web::auth::{Authenticated, Ctx};
use sipe_platform::web::form::Choice;
use sipe_platform::web::page::redirect_with_flash;
use sipe_platform::web::render::page_with;
use sipe_platform::web::{AppState, PageCtx, WebError};

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
    pub(crate) async fn build(
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

/// A campaign being prepared, as typed.
#[derive(Debug, Clone, Default)]
struct Draft {
    name: String,
    template_id: String,
    channel: String,
    filters: AudienceFilters,
    /// The draft changed and the version its author read; none for a new one.
    editing: Option<(Uuid, i32)>,
}

impl Draft {
    fn of(fields: &[(String, String)], editing: Option<Uuid>) -> Self {
        let get = |k: &str| field(fields, k);
        Draft {
            name: get("name"),
            template_id: get("template_id"),
            channel: get("channel"),
            filters: filters_of(fields),
            editing: editing.map(|id| (id, get("version").trim().parse().unwrap_or(-1))),
        }
    }

    fn input(&self) -> CampaignInput {
        CampaignInput {
            name: self.name.clone(),
            template_id: self.template_id.clone(),
            channel: self.channel.clone(),
            filters: self.filters.clone(),
        }
    }
}

fn field(fields: &[(String, String)], k: &str) -> String {
    fields
        .iter()
        .find(|(n, _)| n == k)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

#[derive(askama::Template)]
#[template(path = "messaging/campaign_form.html")]
struct FormPage {
    ctx: PageCtx,
    name: String,
    channel: String,
    /// Where the form posts.
    action: String,
    /// The draft's id and version when one is changed.
    editing: Option<(Uuid, i32)>,
    templates: Vec<Choice>,
    channels: Vec<&'static str>,
    audience: AudienceForm,
    counts: Option<ReachCounts>,
    errors: FieldErrors,
}

async fn form_page(
    st: &AppState,
    ctx: PageCtx,
    access: &Access,
    d: Draft,
    counts: Option<ReachCounts>,
    errors: FieldErrors,
) -> Result<Response, WebError> {
    let templates = templates::active(&st.db)
        .await?
        .into_iter()
        .map(|t| Choice {
            selected: t.id.to_string() == d.template_id,
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
            audience: AudienceForm::build(st, access, d.filters).await?,
            ctx,
            name: d.name,
            channel: d.channel,
            action: match d.editing {
                Some((id, _)) => format!("/messaging/campaigns/{id}/edit"),
                None => "/messaging/campaigns".to_owned(),
            },
            editing: d.editing,
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
    let draft = Draft {
        filters,
        ..Draft::default()
    };
    form_page(&st, ctx, &user.access, draft, None, FieldErrors::new()).await
}

/// `GET /messaging/campaigns/{id}/edit`: a draft's form, for its author.
pub async fn edit_campaign(
    State(st): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    let c = campaigns::find(&st.db, &user.access, id)
        .await?
        .ok_or(WebError::NotFound)?;
    if c.state != state::DRAFT || c.created_by != Some(user.access.actor.user_id) {
        return Ok(redirect_with_flash(
            &format!("/messaging/campaigns/{id}"),
            "error",
            "messaging-campaign-not-editable",
        ));
    }
    let draft = Draft {
        name: c.name,
        template_id: c.template_id.to_string(),
        channel: c.channel,
        filters: c.filters,
        editing: Some((id, c.version)),
    };
    form_page(&st, ctx, &user.access, draft, None, FieldErrors::new()).await
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
    submit(&st, ctx, &user, &audit, &fields, None).await
}

/// `POST /messaging/campaigns/{id}/edit`: as `save_campaign`, for a draft.
pub async fn update_campaign(
    State(st): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, WebError> {
    submit(&st, ctx, &user, &audit, &fields, Some(id)).await
}

async fn submit(
    st: &AppState,
    ctx: PageCtx,
    user: &Authenticated,
    audit: &AuditCtx,
    fields: &[(String, String)],
    editing: Option<Uuid>,
) -> Result<Response, WebError> {
    let d = Draft::of(fields, editing);
    let srcs = sources(st);
    let outcome = match field(fields, "intent").as_str() {
        "count" => {
            let purpose = match Uuid::parse_str(d.template_id.trim()) {
                Ok(id) => templates::find(&st.db, id).await?.map(|t| t.purpose),
                Err(_) => None,
            }
            .unwrap_or_else(|| crate::domain::SERVICE.to_owned());
            let counted = async {
                audiences::check(&st.db, &user.access, &srcs, &d.filters).await?;
                audiences::count(&st.db, &user.access, &srcs, &d.filters, &purpose, today(st)).await
            }
            .await;
            return match counted {
                Ok(c) => form_page(st, ctx, &user.access, d, Some(c), FieldErrors::new()).await,
                Err(MessagingError::Invalid(e)) => {
                    form_page(st, ctx, &user.access, d, None, e).await
                }
                Err(e) => Err(e.into()),
            };
        }
        "audience" => audiences::save(
            &st.db,
            audit,
            &user.access,
            &srcs,
            ("audience_name", &field(fields, "audience_name")),
            &d.filters,
        )
        .await
        .map(|_| None),
        _ => match d.editing {
            Some((id, version)) => {
                let change = CampaignChange {
                    version,
                    input: d.input(),
                };
                campaigns::update(
                    &st.db,
                    audit,
                    &user.access,
                    &srcs,
                    settings(st)?,
                    id,
                    &change,
                )
                .await
                .map(|()| Some(id))
            }
            None => campaigns::create(
                &st.db,
                audit,
                &user.access,
                &srcs,
                settings(st)?,
                &d.input(),
            )
            .await
            .map(Some),
        },
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
        Err(MessagingError::Invalid(e)) => form_page(st, ctx, &user.access, d, None, e).await,
        // Changed meanwhile, or no longer a draft: the campaign as it is now says why.
        Err(MessagingError::Conflict(key) | MessagingError::Forbidden(key)) => match d.editing {
            Some((id, _)) => Ok(redirect_with_flash(
                &format!("/messaging/campaigns/{id}"),
                "error",
                key,
            )),
            None => {
                form_page(
                    st,
                    ctx,
                    &user.access,
                    d,
                    None,
                    FieldErrors::one("name", key),
                )
                .await
            }
        },
        Err(e) => Err(e.into()),
    }
}

/// An audience's filters as label and value, in the reader's language (what an approver
/// reads before approving). Empty: no filter beyond the office.
pub(crate) fn summary(ctx: &PageCtx, form: &AudienceForm) -> Vec<(String, String)> {
    let f = &form.filters;
    let chosen = |choices: &[Choice], value: &str| {
        choices
            .iter()
            .find(|c| c.value == value)
            .map_or_else(|| value.to_owned(), |c| c.label.clone())
    };
    let mut out = Vec::new();
    let mut add = |label: &str, value: String| {
        if !value.trim().is_empty() {
            out.push((ctx.t(label).into_owned(), value));
        }
    };
    add(
        "messaging-audience-office",
        if f.office.is_empty() {
            ctx.t("messaging-audience-every-office").into_owned()
        } else {
            chosen(&form.offices, &f.office)
        },
    );
    add(
        "messaging-audience-department",
        chosen(&form.departments, &f.department),
    );
    let code = |prefix: &str, v: &str| {
        if v.is_empty() {
            String::new()
        } else {
            ctx.tp(prefix, v).into_owned()
        }
    };
    add("messaging-audience-sex", code("sex-", &f.sex));
    add("messaging-audience-age-min", f.age_min.clone());
    add("messaging-audience-age-max", f.age_max.clone());
    add("messaging-audience-education", code("isced-", &f.education));
    add(
        "messaging-audience-employment",
        code("employment-", &f.employment),
    );
    add(
        "messaging-audience-disability",
        code("messaging-yes-no-", &f.disability),
    );
    add("messaging-audience-occupation", f.occupation.clone());
    for (key, label, choices) in &form.extra {
        if let Some(v) = f.extra.get(key) {
            add(label, chosen(choices, v));
        }
    }
    out
}
