//! `/admin/audit` and its export.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::TimeZone;
use serde::Deserialize;

use super::Change;
use super::entity::audit_log;
use super::store::{self, AuditFilter};
use crate::web::auth::Ctx;
use crate::web::export::{Export, Format};
use crate::web::table::{ListQuery, Pager};
use crate::web::{AppState, PageCtx, WebError};

/// Filters as they arrive in the query string.
#[derive(Debug, Deserialize, Default)]
pub struct AuditQuery {
    #[serde(default)]
    actor: String,
    #[serde(default)]
    entity_type: String,
    #[serde(default)]
    entity_id: String,
    #[serde(default)]
    action: String,
    /// `yyyy-mm-dd`, local date.
    #[serde(default)]
    from: String,
    /// `yyyy-mm-dd`, local date, inclusive.
    #[serde(default)]
    to: String,
    #[serde(flatten)]
    list: ListQuery,
}

/// `/admin/audit`.
#[derive(Template)]
#[template(path = "audit/audit.html")]
pub struct AuditPage {
    ctx: PageCtx,
    rows: Vec<audit_log::Model>,
    pager: Pager,
    q: AuditQuery,
    date_error: bool,
}

fn filter(q: &AuditQuery, tz: chrono_tz::Tz) -> (AuditFilter, bool) {
    let mut bad = false;
    let mut day = |s: &str, plus_one: bool| -> Option<chrono::DateTime<chrono::Utc>> {
        if s.trim().is_empty() {
            return None;
        }
        match crate::validation::parse_date(s) {
            Some(d) => {
                let d = if plus_one { d.succ_opt()? } else { d };
                tz.from_local_datetime(&d.and_hms_opt(0, 0, 0)?)
                    .earliest()
                    .map(|t| t.with_timezone(&chrono::Utc))
            }
            None => {
                bad = true;
                None
            }
        }
    };
    let from = day(&q.from, false);
    let to = day(&q.to, true);
    (
        AuditFilter {
            actor: q.actor.trim().to_lowercase(),
            entity_type: q.entity_type.trim().to_owned(),
            entity_id: q.entity_id.trim().to_owned(),
            action: q.action.trim().to_owned(),
            from,
            to,
        },
        bad,
    )
}

async fn record_read(
    state: &AppState,
    audit: &crate::audit::AuditCtx,
    action: &str,
    f: &AuditFilter,
    rows: usize,
) -> Result<(), WebError> {
    let filter = serde_json::json!({
        "actor": f.actor, "entity_type": f.entity_type, "entity_id": f.entity_id,
        "action": f.action, "from": f.from, "to": f.to, "rows": rows,
    });
    state
        .reads
        .record(audit, Change::new(action, "audit_log", "").after(filter))
        .await
        .map_err(|e| WebError::Internal(e.into()))
}

/// The pager's links keep the filters.
fn keep_filters(pager: Pager, q: &AuditQuery) -> Pager {
    pager
        .keep("actor", &q.actor)
        .keep("entity_type", &q.entity_type)
        .keep("entity_id", &q.entity_id)
        .keep("action", &q.action)
        .keep("from", &q.from)
        .keep("to", &q.to)
}

/// `GET /admin/audit`.
pub async fn list_audit(
    State(state): State<AppState>,
    ctx: PageCtx,
    Ctx(audit): Ctx,
    Query(q): Query<AuditQuery>,
) -> Result<Response, WebError> {
    let (f, date_error) = filter(&q, state.config.tz());
    let mut pager = keep_filters(Pager::new("/admin/audit", &q.list, &["seq"], true)?, &q);
    let (rows, total) = store::list(&state.db, &f, pager.offset(), pager.per_page).await?;
    pager.total = total;
    // The entries carry snapshots of people: reading them is audited like any read.
    record_read(&state, &audit, "audit.view", &f, rows.len()).await?;
    let page = AuditPage {
        ctx,
        rows,
        pager,
        q,
        date_error,
    };
    crate::web::render::page(page)
}

/// `GET /admin/audit.csv` and `.xlsx`: the filtered log, in chain order.
pub async fn export_audit(
    State(state): State<AppState>,
    Ctx(audit): Ctx,
    format: Format,
    Query(q): Query<AuditQuery>,
) -> Result<Response, WebError> {
    let (f, _) = filter(&q, state.config.tz());
    let header = [
        "seq",
        "id",
        "at",
        "actor_id",
        "actor_name",
        "action",
        "entity_type",
        "entity_id",
        "before",
        "after",
        "ip",
        "request_id",
        "prev_hash",
        "hash",
    ];
    let filters = serde_json::json!({
        "actor": f.actor, "entity_type": f.entity_type, "entity_id": f.entity_id,
        "action": f.action, "from": f.from, "to": f.to,
    });
    let back = Pager::new("/admin/audit", &ListQuery::default(), &["seq"], true)?;
    let mut out = Export::new(format, "auditoria", &header)
        .audit("audit.export", "audit_log", filters)
        .back_to(&keep_filters(back, &q).href(1));
    let mut after = 0i64;
    while out.wants_more() {
        let rows = store::batch_after(&state.db, &f, after, 1000).await?;
        let Some(last) = rows.last() else { break };
        after = last.seq;
        for r in rows {
            out.row([
                r.seq.to_string(),
                r.id.to_string(),
                r.at.to_rfc3339(),
                r.actor_id.map(|u| u.to_string()).unwrap_or_default(),
                r.actor_name,
                r.action,
                r.entity_type,
                r.entity_id.unwrap_or_default(),
                r.before.unwrap_or_default(),
                r.after.unwrap_or_default(),
                r.ip.unwrap_or_default(),
                r.request_id.unwrap_or_default(),
                r.prev_hash,
                r.hash,
            ]);
        }
    }
    out.respond(&state, &audit).await
}
