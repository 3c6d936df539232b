//! Deciding a proposal: confirming takes the application's own step (finish or suspend,
//! with the proposal's reason) and closes the proposal in one transaction; dismissing
//! needs a note. Both audited.

use chrono::{NaiveDate, Utc};
use sea_orm::{ActiveModelTrait, IntoActiveModel, Set};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sipe_platform::access::{Access, Permission, ScopeKind};
use sipe_platform::audit::{self, AuditCtx, Change};
use sipe_platform::db::{self, Db};
use sipe_platform::validation::{self, FieldErrors};
use uuid::Uuid;

use super::store::{self, Review};
use crate::applications::service::{StepInput, step_in};
use crate::error::ProgrammeError;

/// A decision as forms and the API give it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct DecisionInput {
    /// `confirm` or `dismiss`.
    pub decision: String,
    /// The proposal's version shown (a proposal decided meanwhile is refused).
    pub version: i32,
    /// Why (required to dismiss).
    #[serde(default)]
    pub note: String,
    /// Day the step takes effect (confirm; default: the day the finding holds from,
    /// within the stay and not after today).
    #[serde(default)]
    pub date: String,
}

fn refused(field: &'static str, key: &'static str) -> ProgrammeError {
    ProgrammeError::Invalid(FieldErrors::one(field, key))
}

/// Decides an open proposal about a person of the caller's capture scope.
pub async fn decide(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    id: Uuid,
    input: &DecisionInput,
    today: NaiveDate,
) -> Result<Review, ProgrammeError> {
    let mut errors = FieldErrors::new();
    let confirm = match input.decision.trim() {
        "confirm" => true,
        "dismiss" => false,
        _ => {
            errors.add("decision", "compliance-decision-invalid");
            false
        }
    };
    let note = validation::multiline_text(&mut errors, "note", &input.note, false, 1_000);
    if !confirm && note.is_empty() && errors.is_empty() {
        errors.add("note", "compliance-dismiss-note");
    }
    let day = validation::date(&mut errors, "date", &input.date, false);
    errors.into_result()?;
    if !access.can(Permission::EditProgrammes) {
        return Err(ProgrammeError::NotFound);
    }
    let tx = db::begin_write(db).await?;
    let review = store::find_for_update(&tx, access, ScopeKind::Capture, id)
        .await?
        .ok_or(ProgrammeError::NotFound)?;
    if review.version != input.version {
        return Err(refused("version", "compliance-changed"));
    }
    if review.state != "open" {
        return Err(refused("decision", "compliance-not-open"));
    }
    let app =
        crate::applications::store::find(&tx, access, ScopeKind::Capture, review.application_id)
            .await?
            .ok_or(ProgrammeError::NotFound)?;
    let mut review = review;
    if confirm && app.version != review.application_version {
        // The application changed after the finding (a suspension, an extension): what
        // is confirmed is what the check finds now, not what it found then.
        super::scan::recheck(&tx, &app, today).await?;
        let now = store::find_for_update(&tx, access, ScopeKind::Capture, id)
            .await?
            .ok_or(ProgrammeError::NotFound)?;
        if now.state != "open" || now.reason != review.reason {
            tx.commit().await?;
            return Err(refused("decision", "compliance-no-longer"));
        }
        review = now;
    }
    let mut step = None;
    if confirm {
        let last_step = crate::applications::store::last_step_days(&tx, &[app.id])
            .await?
            .get(&app.id)
            .copied();
        let floor = std::cmp::max(app.starts_on, last_step);
        let day =
            day.unwrap_or_else(|| super::effective_day(review.since, floor, app.ends_on, today));
        let saved = step_in(
            &tx,
            ctx,
            access,
            app.id,
            &StepInput {
                action: review.proposal.clone(),
                version: app.version,
                reason: review.reason.clone(),
                note: note.clone(),
                date: day.to_string(),
            },
            today,
        )
        .await?;
        step = Some((saved.state, day));
    }
    let mut m = review.clone().into_active_model();
    m.state = Set(if confirm { "confirmed" } else { "dismissed" }.into());
    m.decided_by = Set(ctx.actor_id);
    m.decided_by_name = Set(Some(ctx.actor_name.clone()));
    m.decided_at = Set(Some(Utc::now()));
    m.note = Set((!note.is_empty()).then_some(note));
    // A dismissal holds for the application as it is now.
    m.application_version = Set(app.version);
    m.version = Set(review.version + 1);
    let saved = m.update(&tx).await?;
    audit::record(
        &tx,
        ctx,
        Change::new(
            "programmes.compliance.decide",
            "programme_compliance_review",
            id,
        )
        .before(json!({"state": review.state}))
        .after(json!({
            "state": saved.state, "proposal": saved.proposal, "reason": saved.reason,
            "application_id": saved.application_id, "person_id": saved.person_id,
            "application_state": step.as_ref().map(|s| &s.0),
            "day": step.as_ref().map(|s| s.1),
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(saved)
}
