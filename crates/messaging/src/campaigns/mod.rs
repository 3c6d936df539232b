//! Campaigns: a template sent to an audience on one channel. Draft → (pending approval,
//! when it reaches more people than the approval threshold: a second user approves) →
//! scheduled (now or at a time) → sending → finished; cancelled from any state before
//! finished. Sending expands the audience into messages of the outbox a batch at a time
//! (see `runner`); every message's key is (campaign, person, channel), so a restart at
//! any point neither sends twice nor skips anyone.
//!
//! A campaign belongs to an office (the audience's): those whose view scope covers it
//! see it; a campaign of every office is a national user's.

pub mod runner;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::audiences::{self, AudienceFilters, AudienceSource};
use crate::domain::{Channel, status};
use crate::entity::{campaign, message};
use crate::error::MessagingError;
use crate::templates;
use sipe_platform::access::{Access, Permission};
use sipe_platform::audit::{self, AuditCtx, Change};
use sipe_platform::db::{self, Db};
use sipe_platform::validation::{self, FieldErrors};
use sipe_platform::web::table::Pager;

/// A campaign's states.
pub mod state {
    /// Being prepared.
    pub const DRAFT: &str = "draft";
    /// Waiting for a second user's approval.
    pub const PENDING: &str = "pending_approval";
    /// Approved, waiting for its time.
    pub const SCHEDULED: &str = "scheduled";
    /// Its messages are being queued and sent.
    pub const SENDING: &str = "sending";
    /// Every message settled.
    pub const FINISHED: &str = "finished";
    /// Stopped; its unsent messages were withdrawn.
    pub const CANCELLED: &str = "cancelled";
    /// Every state, for filters.
    pub const ALL: [&str; 6] = [DRAFT, PENDING, SCHEDULED, SENDING, FINISHED, CANCELLED];
}

/// Sort keys of the list.
pub const SORTS: [&str; 3] = ["created_at", "name", "state"];

/// A campaign as entered.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct CampaignInput {
    /// Name.
    pub name: String,
    /// Template id.
    pub template_id: String,
    /// `email`, `sms` or `whatsapp` (the template needs a variant for it).
    pub channel: String,
    /// The audience.
    pub filters: AudienceFilters,
}

/// A campaign as screens and the API show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Campaign {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Template.
    pub template_id: Uuid,
    /// Its name.
    pub template_name: String,
    /// Its version when launched.
    pub template_version: i32,
    /// Channel.
    pub channel: String,
    /// The audience's office (none: every office).
    pub office_id: Option<Uuid>,
    /// The audience.
    pub filters: AudienceFilters,
    /// `draft`, `pending_approval`, `scheduled`, `sending`, `finished`, `cancelled`.
    pub state: String,
    /// People the channel reached at launch.
    pub recipients: i64,
    /// Not before.
    pub scheduled_at: Option<DateTime<Utc>>,
    /// Who prepared it.
    pub created_by: Option<Uuid>,
    /// Their name.
    pub created_by_name: String,
    /// Who approved it.
    pub approved_by_name: Option<String>,
    /// When.
    pub approved_at: Option<DateTime<Utc>>,
    /// Sending began.
    pub started_at: Option<DateTime<Utc>>,
    /// Every message settled.
    pub finished_at: Option<DateTime<Utc>>,
    /// Who cancelled it.
    pub cancelled_by_name: Option<String>,
    /// Messages queued.
    pub queued: i64,
    /// People left out when queueing.
    pub excluded: i64,
    /// Version (changes are refused against an older one).
    pub version: i32,
    /// Created.
    pub created_at: DateTime<Utc>,
}

impl Campaign {
    fn of(m: campaign::Model, template_name: String) -> Self {
        Campaign {
            filters: serde_json::from_str(&m.filters).unwrap_or_default(),
            id: m.id,
            name: m.name,
            template_id: m.template_id,
            template_name,
            template_version: m.template_version,
            channel: m.channel,
            office_id: m.office_id,
            state: m.state,
            recipients: m.recipients,
            scheduled_at: m.scheduled_at,
            created_by: m.created_by,
            created_by_name: m.created_by_name,
            approved_by_name: m.approved_by_name,
            approved_at: m.approved_at,
            started_at: m.started_at,
            finished_at: m.finished_at,
            cancelled_by_name: m.cancelled_by_name,
            queued: m.queued,
            excluded: m.excluded,
            version: m.version,
            created_at: m.created_at,
        }
    }
}

fn in_scope(access: &Access) -> Condition {
    if access.view.is_national() {
        Condition::all()
    } else {
        Condition::all()
            .add(campaign::Column::OfficeId.is_not_null())
            .add(access.view.owns(campaign::Column::OfficeId))
    }
}

async fn with_template(
    conn: &impl ConnectionTrait,
    rows: Vec<campaign::Model>,
) -> Result<Vec<Campaign>, DbErr> {
    let mut out = Vec::with_capacity(rows.len());
    let mut names: Vec<(Uuid, String)> = Vec::new();
    for m in rows {
        if !names.iter().any(|(id, _)| *id == m.template_id) {
            let name = templates::find(conn, m.template_id)
                .await?
                .map(|t| t.name)
                .unwrap_or_default();
            names.push((m.template_id, name));
        }
        let name = names
            .iter()
            .find(|(id, _)| *id == m.template_id)
            .map(|(_, n)| n.clone())
            .unwrap_or_default();
        out.push(Campaign::of(m, name));
    }
    Ok(out)
}

/// One campaign in the caller's view scope.
pub async fn find(
    conn: &impl ConnectionTrait,
    access: &Access,
    id: Uuid,
) -> Result<Option<Campaign>, DbErr> {
    let rows = campaign::Entity::find_by_id(id)
        .filter(in_scope(access))
        .all(conn)
        .await?;
    Ok(with_template(conn, rows).await?.pop())
}

/// One page of campaigns in the caller's view scope, optionally of one state.
pub async fn list(
    conn: &impl ConnectionTrait,
    access: &Access,
    state_is: Option<&str>,
    pager: &Pager,
) -> Result<(Vec<Campaign>, u64), DbErr> {
    use sipe_platform::web::table::page_of;
    let mut cond = Condition::all().add(in_scope(access));
    if let Some(s) = state_is {
        cond = cond.add(campaign::Column::State.eq(s));
    }
    let col = match pager.sort.as_str() {
        "name" => campaign::Column::Name,
        "state" => campaign::Column::State,
        _ => campaign::Column::CreatedAt,
    };
    let (rows, total) = page_of(
        conn,
        campaign::Entity::find().filter(cond),
        col,
        campaign::Column::Id,
        pager,
    )
    .await?;
    Ok((with_template(conn, rows).await?, total))
}

struct Valid {
    name: String,
    template: templates::Template,
    channel: Channel,
}

async fn validate(
    conn: &impl ConnectionTrait,
    settings: &crate::config::Settings,
    i: &CampaignInput,
) -> Result<Valid, MessagingError> {
    let mut e = FieldErrors::new();
    let name = validation::text(&mut e, "name", &i.name, true, 120);
    // Only a channel with a provider: no sender would ever take the others' messages.
    let channel = Channel::parse(i.channel.trim()).filter(|c| settings.channels().contains(c));
    if channel.is_none() {
        e.add("channel", "field-choice-invalid");
    }
    let template = match Uuid::parse_str(i.template_id.trim()) {
        Ok(id) => templates::find(conn, id).await?.filter(|t| t.active),
        Err(_) => None,
    };
    match (&template, channel) {
        (None, _) => e.add("template_id", "messaging-campaign-template-unknown"),
        (Some(t), Some(c)) if !t.has(c) => e.add("channel", "messaging-campaign-no-variant"),
        // A campaign fills only what each person's record gives.
        (Some(t), Some(c)) if !fills(t, c) => e.add("template_id", "messaging-campaign-variables"),
        _ => {}
    }
    e.into_result()?;
    match (template, channel) {
        (Some(template), Some(channel)) => Ok(Valid {
            name,
            template,
            channel,
        }),
        _ => Err(MessagingError::NotFound),
    }
}

/// Does the person's record fill every variable of the template's variant? (A campaign
/// has no other values to give.)
fn fills(t: &templates::Template, channel: Channel) -> bool {
    let samples: Vec<(String, String)> = crate::domain::PERSON_VARIABLES
        .iter()
        .map(|v| ((*v).to_owned(), String::new()))
        .collect();
    t.has(channel) && crate::send::compose(t, channel, &samples).is_ok()
}

/// Prepares a campaign (a draft) for an audience within the caller's view scope.
pub async fn create(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    sources: &[Arc<dyn AudienceSource>],
    settings: &crate::config::Settings,
    input: &CampaignInput,
) -> Result<Uuid, MessagingError> {
    let v = validate(db, settings, input).await?;
    let checked = audiences::check(db, access, sources, &input.filters).await?;
    let tx = db::begin_write(db).await?;
    let now = Utc::now();
    let id = Uuid::now_v7();
    let filters = serde_json::to_string(&checked.filters).map_err(|e| anyhow::anyhow!(e))?;
    campaign::ActiveModel {
        id: Set(id),
        name: Set(v.name.clone()),
        template_id: Set(v.template.id),
        template_version: Set(v.template.version),
        channel: Set(v.channel.as_str().into()),
        office_id: Set(checked.office_id),
        filters: Set(filters),
        state: Set(state::DRAFT.into()),
        recipients: Set(0),
        scheduled_at: Set(None),
        created_by: Set(ctx.actor_id),
        created_by_name: Set(ctx.actor_name.clone()),
        approved_by: Set(None),
        approved_by_name: Set(None),
        approved_at: Set(None),
        started_at: Set(None),
        finished_at: Set(None),
        cancelled_by_name: Set(None),
        cancelled_at: Set(None),
        cursor: Set(None),
        expanded: Set(false),
        expanding_until: Set(None),
        queued: Set(0),
        excluded: Set(0),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&tx)
    .await?;
    audit::record(
        &tx,
        ctx,
        Change::new("messaging.campaign.create", "message_campaign", id).after(
            serde_json::json!({"name": v.name, "template": v.template.code,
                "channel": v.channel.as_str(), "filters": checked.filters}),
        ),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// A draft as changed, with the version its author read.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct CampaignChange {
    /// The version read.
    pub version: i32,
    /// The campaign as it should be.
    #[serde(flatten)]
    pub input: CampaignInput,
}

/// Changes a draft (its author only): name, template, channel and audience, checked as
/// when it was created.
pub async fn update(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    sources: &[Arc<dyn AudienceSource>],
    settings: &crate::config::Settings,
    id: Uuid,
    change: &CampaignChange,
) -> Result<(), MessagingError> {
    let current = find(db, access, id)
        .await?
        .ok_or(MessagingError::NotFound)?;
    if current.state != state::DRAFT {
        return Err(MessagingError::Conflict("messaging-campaign-not-draft"));
    }
    if current.created_by != ctx.actor_id {
        return Err(MessagingError::Forbidden("messaging-campaign-not-author"));
    }
    if current.version != change.version {
        return Err(MessagingError::Conflict("messaging-campaign-changed"));
    }
    let input = &change.input;
    let v = validate(db, settings, input).await?;
    let checked = audiences::check(db, access, sources, &input.filters).await?;
    let filters = serde_json::to_string(&checked.filters).map_err(|e| anyhow::anyhow!(e))?;
    let tx = db::begin_write(db).await?;
    let res = campaign::Entity::update_many()
        .col_expr(campaign::Column::Name, Expr::value(v.name.clone()))
        .col_expr(campaign::Column::TemplateId, Expr::value(v.template.id))
        .col_expr(
            campaign::Column::TemplateVersion,
            Expr::value(v.template.version),
        )
        .col_expr(campaign::Column::Channel, Expr::value(v.channel.as_str()))
        .col_expr(campaign::Column::OfficeId, Expr::value(checked.office_id))
        .col_expr(campaign::Column::Filters, Expr::value(filters))
        // A rejected launch's count and time no longer hold.
        .col_expr(campaign::Column::Recipients, Expr::value(0i64))
        .col_expr(
            campaign::Column::ScheduledAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(campaign::Column::Version, Expr::value(current.version + 1))
        .col_expr(campaign::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(campaign::Column::Id.eq(id))
        .filter(campaign::Column::State.eq(state::DRAFT))
        .filter(campaign::Column::Version.eq(current.version))
        .exec(&tx)
        .await?;
    if res.rows_affected != 1 {
        return Err(MessagingError::Conflict("messaging-campaign-changed"));
    }
    audit::record(
        &tx,
        ctx,
        Change::new("messaging.campaign.update", "message_campaign", id)
            .before(
                serde_json::json!({"name": current.name, "template_id": current.template_id,
                "template_version": current.template_version, "channel": current.channel,
                "office_id": current.office_id, "filters": current.filters}),
            )
            .after(
                serde_json::json!({"name": v.name, "template_id": v.template.id,
                "template_version": v.template.version, "channel": v.channel.as_str(),
                "office_id": checked.office_id, "filters": checked.filters}),
            ),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// What a step of a campaign asks.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct CampaignStep {
    /// `launch`, `approve`, `reject` or `cancel`.
    pub action: String,
    /// The version the caller saw.
    pub version: i32,
    /// For `launch`: when (`YYYY-MM-DDTHH:MM`, local time); empty for now.
    pub scheduled_at: String,
}

fn refused(field: &'static str, key: &'static str) -> MessagingError {
    MessagingError::Invalid(FieldErrors::one(field, key))
}

/// Moves a campaign one step:
/// - `launch` (its author, from draft): counts who the channel reaches now; above the
///   approval threshold it waits for a second user, else it is scheduled;
/// - `approve` (a user who may approve, not its author) or `reject` (back to draft);
/// - `cancel` (before it finished): its unsent messages are withdrawn.
#[allow(clippy::too_many_arguments)]
pub async fn step(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    sources: &[Arc<dyn AudienceSource>],
    settings: &crate::config::Settings,
    tz: chrono_tz::Tz,
    id: Uuid,
    input: &CampaignStep,
) -> Result<Campaign, MessagingError> {
    let current = find(db, access, id)
        .await?
        .ok_or(MessagingError::NotFound)?;
    if current.version != input.version {
        return Err(MessagingError::Conflict("messaging-campaign-changed"));
    }
    let now = Utc::now();
    let mut launched = None;
    let next = match (input.action.as_str(), current.state.as_str()) {
        ("launch", state::DRAFT) => {
            if current.created_by != ctx.actor_id {
                return Err(MessagingError::Forbidden("messaging-campaign-not-author"));
            }
            let at = match input.scheduled_at.trim() {
                "" => now,
                raw => validation::parse_local_datetime(raw)
                    .and_then(|d| d.and_local_timezone(tz).single())
                    .map(|d| d.with_timezone(&Utc))
                    .filter(|d| *d > now - chrono::Duration::minutes(5))
                    .ok_or_else(|| refused("scheduled_at", "messaging-campaign-when-invalid"))?,
            };
            let channel = Channel::parse(&current.channel)
                .filter(|c| settings.channels().contains(c))
                .ok_or_else(|| refused("channel", "field-choice-invalid"))?;
            let template = templates::find(db, current.template_id)
                .await?
                .filter(|t| t.active && fills(t, channel))
                .ok_or_else(|| refused("template_id", "messaging-campaign-template-unknown"))?;
            let today = now.with_timezone(&tz).date_naive();
            let counts = audiences::count(
                db,
                access,
                sources,
                &current.filters,
                &template.purpose,
                today,
            )
            .await?;
            let reached = audiences::reached(&counts, channel);
            if reached == 0 {
                return Err(refused("filters", "messaging-campaign-nobody"));
            }
            launched = Some((reached, at, template.version));
            if reached > settings.approval_threshold {
                state::PENDING
            } else {
                state::SCHEDULED
            }
        }
        ("approve", state::PENDING) | ("reject", state::PENDING) => {
            if !access.can(Permission::ApproveCampaigns) {
                return Err(MessagingError::Forbidden(
                    "messaging-campaign-may-not-approve",
                ));
            }
            if current.created_by == ctx.actor_id {
                return Err(MessagingError::Forbidden("messaging-campaign-same-user"));
            }
            if input.action == "approve" {
                // What is approved is the text launched: a template changed since goes
                // back to its author.
                let same = templates::find(db, current.template_id)
                    .await?
                    .is_some_and(|t| t.active && t.version == current.template_version);
                if !same {
                    return Err(MessagingError::Conflict(
                        "messaging-campaign-template-changed",
                    ));
                }
                state::SCHEDULED
            } else {
                state::DRAFT
            }
        }
        ("cancel", s) if s != state::FINISHED && s != state::CANCELLED => state::CANCELLED,
        _ => {
            return Err(MessagingError::Conflict(
                "messaging-campaign-step-not-allowed",
            ));
        }
    };
    let tx = db::begin_write(db).await?;
    if next == state::CANCELLED {
        if !cancel_in(&tx, ctx, &current.state, current.version, id, "cancelled").await? {
            return Err(MessagingError::Conflict("messaging-campaign-changed"));
        }
        tx.commit().await?;
        return find(db, access, id).await?.ok_or(MessagingError::NotFound);
    }
    let mut q = campaign::Entity::update_many()
        .col_expr(campaign::Column::State, Expr::value(next))
        .col_expr(campaign::Column::Version, Expr::value(current.version + 1))
        .col_expr(campaign::Column::UpdatedAt, Expr::value(now))
        .filter(campaign::Column::Id.eq(id))
        .filter(campaign::Column::State.eq(current.state.clone()))
        .filter(campaign::Column::Version.eq(current.version));
    if let Some((reached, at, version)) = launched {
        q = q
            .col_expr(
                campaign::Column::Recipients,
                Expr::value(i64::try_from(reached).unwrap_or(i64::MAX)),
            )
            .col_expr(campaign::Column::ScheduledAt, Expr::value(at))
            .col_expr(campaign::Column::TemplateVersion, Expr::value(version));
    }
    if input.action == "approve" {
        q = q
            .col_expr(campaign::Column::ApprovedBy, Expr::value(ctx.actor_id))
            .col_expr(
                campaign::Column::ApprovedByName,
                Expr::value(ctx.actor_name.clone()),
            )
            .col_expr(campaign::Column::ApprovedAt, Expr::value(now));
    }
    if q.exec(&tx).await?.rows_affected != 1 {
        return Err(MessagingError::Conflict("messaging-campaign-changed"));
    }
    audit::record(
        &tx,
        ctx,
        Change::new("messaging.campaign.step", "message_campaign", id)
            .before(serde_json::json!({"state": current.state}))
            .after(serde_json::json!({"action": input.action, "state": next,
                "recipients": launched.map(|c| c.0)})),
    )
    .await?;
    tx.commit().await?;
    find(db, access, id).await?.ok_or(MessagingError::NotFound)
}

/// Cancels a campaign still in `from` at `version`, inside the caller's transaction:
/// its messages not yet handed over are withdrawn, and the audit row says why. False
/// when it changed meanwhile.
pub(crate) async fn cancel_in(
    tx: &impl ConnectionTrait,
    ctx: &AuditCtx,
    from: &str,
    version: i32,
    id: Uuid,
    reason: &str,
) -> Result<bool, DbErr> {
    let now = Utc::now();
    let res = campaign::Entity::update_many()
        .col_expr(campaign::Column::State, Expr::value(state::CANCELLED))
        .col_expr(campaign::Column::Version, Expr::value(version + 1))
        .col_expr(
            campaign::Column::CancelledByName,
            Expr::value(ctx.actor_name.clone()),
        )
        .col_expr(campaign::Column::CancelledAt, Expr::value(now))
        .col_expr(campaign::Column::UpdatedAt, Expr::value(now))
        .filter(campaign::Column::Id.eq(id))
        .filter(campaign::Column::State.eq(from))
        .filter(campaign::Column::Version.eq(version))
        .exec(tx)
        .await?;
    if res.rows_affected != 1 {
        return Ok(false);
    }
    let withdrawn = message::Entity::update_many()
        .col_expr(message::Column::Status, Expr::value(status::CANCELLED))
        .col_expr(message::Column::Reason, Expr::value("cancelled"))
        .col_expr(message::Column::UpdatedAt, Expr::value(now))
        .filter(message::Column::CampaignId.eq(id))
        .filter(message::Column::Status.eq(status::QUEUED))
        .exec(tx)
        .await?
        .rows_affected;
    audit::record(
        tx,
        ctx,
        Change::new("messaging.campaign.cancel", "message_campaign", id)
            .before(serde_json::json!({"state": from}))
            .after(
                serde_json::json!({"state": state::CANCELLED, "reason": reason,
                "withdrawn": withdrawn}),
            ),
    )
    .await?;
    Ok(true)
}

/// A campaign's report: its messages by status, failures by reason, cost and opt-outs.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct CampaignReport {
    /// Messages queued for it.
    pub recipients: u64,
    /// Messages by status (`queued`, `sent`, `delivered`, `failed`, ...).
    pub by_status: Vec<(String, u64)>,
    /// Failed (and expired) messages by reason.
    pub failed_by_reason: Vec<(String, u64)>,
    /// People who opted out: messages withdrawn because the person withdrew the
    /// channel's consent, and STOP or BAJA replies to the campaign.
    pub opt_outs: u64,
    /// Cost in cents.
    pub cost_cents: i64,
}

/// The report of a campaign the caller sees (aggregates: no person is named).
pub async fn report(conn: &impl ConnectionTrait, id: Uuid) -> Result<CampaignReport, DbErr> {
    let rows: Vec<(String, Option<String>, i64, i64)> = message::Entity::find()
        .select_only()
        .column(message::Column::Status)
        .column(message::Column::Reason)
        .expr(Expr::cust("COUNT(*)"))
        // PostgreSQL sums a bigint as numeric: back to bigint.
        .expr(Expr::cust("CAST(COALESCE(SUM(cost_cents), 0) AS BIGINT)"))
        .filter(message::Column::CampaignId.eq(id))
        .filter(message::Column::Direction.eq("out"))
        .group_by(message::Column::Status)
        .group_by(message::Column::Reason)
        .into_tuple()
        .all(conn)
        .await?;
    let mut r = CampaignReport::default();
    for (s, reason, n, cost) in rows {
        let n = u64::try_from(n).unwrap_or(0);
        r.recipients += n;
        r.cost_cents += cost;
        match r.by_status.iter_mut().find(|(k, _)| *k == s) {
            Some(entry) => entry.1 += n,
            None => r.by_status.push((s.clone(), n)),
        }
        if s == status::FAILED || s == status::EXPIRED {
            let reason = reason.clone().unwrap_or_default();
            match r.failed_by_reason.iter_mut().find(|(k, _)| *k == reason) {
                Some(entry) => entry.1 += n,
                None => r.failed_by_reason.push((reason, n)),
            }
        }
        if s == status::CANCELLED && reason.as_deref() == Some("consent_withdrawn") {
            r.opt_outs += n;
        }
    }
    r.opt_outs += message::Entity::find()
        .filter(message::Column::CampaignId.eq(id))
        .filter(message::Column::Direction.eq("in"))
        .filter(message::Column::Reason.eq(crate::inbound::OPT_OUT))
        .count(conn)
        .await?;
    r.by_status.sort();
    r.failed_by_reason.sort();
    Ok(r)
}
