//! The compliance review queue: what the nightly check proposed about beneficiaries in
//! the reader's scope, each confirmed or dismissed on the spot.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::Form;
use serde::Deserialize;
use uuid::Uuid;

use crate::compliance::service::{self, DecisionInput};
use crate::compliance::store::{self, Filter, ReviewRow};
use crate::compliance::{REASONS, STATES};
use crate::error::ProgrammeError;
use sipe_platform::access::Permission;
use sipe_platform::audit::AuditCtx;
use sipe_platform::validation::FieldErrors;
use sipe_platform::web::auth::{Authenticated, Ctx};
use sipe_platform::web::form::Choice;
use sipe_platform::web::page::redirect_with_flash;
use sipe_platform::web::render::page_with;
use sipe_platform::web::table::{ListQuery, Pager};
use sipe_platform::web::{AppState, PageCtx, WebError};

fn today(state: &AppState) -> chrono::NaiveDate {
    chrono::Utc::now().with_timezone(&state.tz).date_naive()
}

/// Filters of the queue.
#[derive(Debug, Deserialize, Default)]
pub struct QueueFilter {
    #[serde(default)]
    state: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    programme: String,
    #[serde(flatten)]
    list: ListQuery,
}

#[derive(askama::Template)]
#[template(path = "programmes/compliance.html")]
struct QueuePage {
    ctx: PageCtx,
    rows: Vec<ReviewRow>,
    pager: Pager,
    state: String,
    reason: String,
    programmes: Vec<Choice>,
    states: &'static [&'static str],
    reasons: &'static [&'static str],
    can_decide: bool,
    can_scan: bool,
    /// The proposal whose decision was refused, why, and what was typed.
    failed: Option<Refused>,
    /// This page with its filters, sort and number (a decision comes back to it).
    back: String,
}

/// A refused decision, shown again beside its proposal.
struct Refused {
    id: Uuid,
    errors: FieldErrors,
    note: String,
    date: String,
}

impl QueuePage {
    fn refused(&self, id: &Uuid) -> Option<&Refused> {
        self.failed.as_ref().filter(|f| f.id == *id)
    }

    fn errors_of(&self, id: &Uuid) -> Option<&FieldErrors> {
        self.refused(id).map(|f| &f.errors)
    }

    /// A refusal about a proposal this page does not list (decided meanwhile in another
    /// tab, or beyond the filter): shown at the top instead of beside its card.
    fn unlisted_refusal(&self) -> Option<&FieldErrors> {
        self.failed
            .as_ref()
            .filter(|f| !self.rows.iter().any(|r| r.id == f.id))
            .map(|f| &f.errors)
    }

    /// The note typed in a refused dismissal.
    fn note_of(&self, id: &Uuid) -> &str {
        self.refused(id).map_or("", |f| f.note.as_str())
    }

    /// The day shown in the confirm form: what was typed in a refused one, else the
    /// day offered.
    fn day_of(&self, r: &ReviewRow) -> String {
        self.refused(&r.id)
            .filter(|f| !f.date.is_empty())
            .map_or_else(|| r.effective_on.to_string(), |f| f.date.clone())
    }

    /// Who decided and when, in words ("Confirmada por … el …").
    fn decided(&self, r: &ReviewRow) -> String {
        let ctx = &self.ctx;
        let when = r.decided_at.map(|t| ctx.time(&t)).unwrap_or_default();
        match r.state.as_str() {
            "lapsed" => ctx.t1("compliance-decided-lapsed", "when", when),
            state => ctx.t2(
                &format!("compliance-decided-{state}"),
                "who",
                r.decided_by
                    .as_deref()
                    .map(|by| ctx.actor(by))
                    .unwrap_or_default(),
                "when",
                when,
            ),
        }
    }

    /// What was found, in words.
    fn finding(&self, r: &ReviewRow) -> String {
        let ctx = &self.ctx;
        let since = r
            .since
            .map(|d| d.format("%d/%m/%Y").to_string())
            .unwrap_or_default();
        match r.reason.as_str() {
            "hired" => ctx.t1("compliance-found-hired", "day", since),
            "aged_out" => ctx.t1("compliance-found-aged_out", "day", since),
            "incompatible" => ctx.t1("compliance-found-incompatible", "code", &r.detail),
            _ => {
                let kinds: Vec<String> = r
                    .detail
                    .split(',')
                    .filter(|k| !k.is_empty())
                    .map(|k| ctx.tp("criterion-kind-", k).into_owned())
                    .collect();
                ctx.t1(
                    "compliance-found-not_eligible",
                    "criteria",
                    kinds.join(", "),
                )
            }
        }
    }
}

async fn queue_page(
    state: &AppState,
    ctx: PageCtx,
    user: &Authenticated,
    audit: &AuditCtx,
    f: &QueueFilter,
    failed: Option<Refused>,
) -> Result<Response, WebError> {
    let wanted = f.state.trim();
    let reason = f.reason.trim();
    if !wanted.is_empty() && !STATES.contains(&wanted) {
        return Err(FieldErrors::one("state", "field-choice-invalid").into());
    }
    if !reason.is_empty() && !REASONS.contains(&reason) {
        return Err(FieldErrors::one("reason", "field-choice-invalid").into());
    }
    let programme = match f.programme.trim() {
        "" => None,
        p => Some(
            p.parse::<Uuid>()
                .map_err(|_| FieldErrors::one("programme", "field-choice-invalid"))?,
        ),
    };
    let mut pager = Pager::new("/programmes/compliance", &f.list, &store::SORTS, true)?
        .keep("state", wanted)
        .keep("reason", reason)
        .keep("programme", f.programme.trim());
    let filter = Filter {
        state: (!wanted.is_empty()).then(|| wanted.to_owned()),
        programme,
        reason: (!reason.is_empty()).then(|| reason.to_owned()),
    };
    let (rows, total) = store::list(&state.db, &user.access, &filter, &pager, today(state)).await?;
    pager.total = total;
    super::shown(
        state,
        audit,
        "programmes.compliance.list",
        rows.iter().map(|r| r.person_id),
    )
    .await?;
    let programmes = crate::programmes::all(&state.db)
        .await?
        .into_iter()
        .map(|p| Choice {
            selected: programme == Some(p.id),
            value: p.id.to_string(),
            label: format!("{} — {}", p.code, p.name),
        })
        .collect();
    let status = if failed.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    page_with(
        status,
        QueuePage {
            ctx,
            rows,
            state: if wanted.is_empty() { "open" } else { wanted }.to_owned(),
            reason: reason.to_owned(),
            programmes,
            states: &STATES,
            reasons: &REASONS,
            can_decide: user.access.can(Permission::EditProgrammes),
            can_scan: user.access.can(Permission::ManageProgrammes),
            failed,
            back: pager.href(pager.page),
            pager,
        },
    )
}

/// `GET /programmes/compliance`: open proposals by default, newest first.
pub async fn queue(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Query(f): Query<QueueFilter>,
) -> Result<Response, WebError> {
    queue_page(&state, ctx, &user, &audit, &f, None).await
}

/// The decision form of one proposal.
#[derive(Debug, Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    version: i32,
    #[serde(default)]
    note: String,
    #[serde(default)]
    date: String,
    /// The queue's page the form was on.
    #[serde(default)]
    back: String,
}

/// Where a decision returns: the queue page it came from, else the queue.
fn back_to(back: &str) -> &str {
    // Only this page, and only characters a Location header may carry.
    if back.len() <= 1_000
        && back.starts_with("/programmes/compliance?")
        && back.bytes().all(|b| b.is_ascii_graphic())
    {
        back
    } else {
        "/programmes/compliance"
    }
}

/// `POST /programmes/compliance/{id}`: confirm or dismiss; a refusal shows the queue
/// again with the reason beside the proposal.
pub async fn decide(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    Form(form): Form<DecisionForm>,
) -> Result<Response, WebError> {
    let input = DecisionInput {
        decision: form.decision.clone(),
        version: form.version,
        note: form.note.clone(),
        date: form.date.clone(),
    };
    let back = back_to(&form.back).to_owned();
    match service::decide(&state.db, &audit, &user.access, id, &input, today(&state)).await {
        Ok(r) => Ok(redirect_with_flash(
            &back,
            "success",
            if r.state == "confirmed" {
                "compliance-confirmed"
            } else {
                "compliance-dismissed"
            },
        )),
        Err(ProgrammeError::Invalid(errors)) => {
            // The same page again, the reason beside the proposal.
            let filter = back
                .parse::<axum::http::Uri>()
                .ok()
                .and_then(|uri| Query::<QueueFilter>::try_from_uri(&uri).ok())
                .map_or_else(QueueFilter::default, |Query(f)| f);
            let refused = Refused {
                id,
                errors,
                note: form.note,
                date: form.date,
            };
            queue_page(&state, ctx, &user, &audit, &filter, Some(refused)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /programmes/compliance/scan`: queue a check now.
pub async fn scan(State(state): State<AppState>, Ctx(audit): Ctx) -> Result<Response, WebError> {
    let queued = crate::compliance::scan::queue(&state.db, &audit, today(&state)).await?;
    Ok(redirect_with_flash(
        "/programmes/compliance",
        if queued { "success" } else { "error" },
        if queued {
            "compliance-scan-queued"
        } else {
            "compliance-scan-busy"
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::back_to;

    #[test]
    fn a_decision_returns_only_to_the_queue() {
        let queue = "/programmes/compliance";
        assert_eq!(
            back_to("/programmes/compliance?state=open&page=2"),
            "/programmes/compliance?state=open&page=2"
        );
        for outside in [
            "//evil.example/programmes/compliance?",
            "https://evil.example/",
            "/programmes/compliance?a=1\r\nSet-Cookie: x=1",
            "/programmes/compliance? a",
            "/programmes/1",
            "",
        ] {
            assert_eq!(back_to(outside), queue, "{outside:?}");
        }
        assert_eq!(back_to(&format!("{queue}?{}", "a".repeat(1_000))), queue);
    }
}
