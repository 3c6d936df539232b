//! Computing, approving, exporting and reconciling a payment run; each one transaction
//! with its audit row.

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, IntoActiveModel,
    QueryFilter, QueryOrder, Set,
};
use serde_json::json;
use sipe_platform::audit::{self, AuditCtx, Change};
use sipe_platform::db::bulk::{id_chunk, id_in};
use sipe_platform::db::{self, Db};
use sipe_platform::ids::PersonId;
use sipe_platform::validation::FieldErrors;
use uuid::Uuid;

use super::store::{self, Run};
use super::{Beneficiary, FROZEN, compute as compute_line, last_day};
use crate::entity::{
    application, application_event, attendance, bank_account, payment_line, payment_run,
};
use crate::error::ProgrammeError;

fn refused(field: &'static str, key: &'static str) -> ProgrammeError {
    ProgrammeError::Invalid(FieldErrors::one(field, key))
}

fn run_id_of(run: &Option<Run>) -> Uuid {
    run.as_ref().map_or_else(Uuid::nil, |r| r.id)
}

/// Suspensions of each application: from the suspend step's day to the resume step's.
async fn suspensions(
    conn: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, Vec<(NaiveDate, Option<NaiveDate>)>>, sea_orm::DbErr> {
    let mut out: HashMap<Uuid, Vec<(NaiveDate, Option<NaiveDate>)>> = HashMap::new();
    for chunk in ids.chunks(id_chunk(conn.get_database_backend())) {
        let steps = application_event::Entity::find()
            .filter(id_in(
                conn.get_database_backend(),
                (
                    application_event::Entity,
                    application_event::Column::ApplicationId,
                ),
                chunk,
            ))
            .filter(application_event::Column::Action.is_in(["suspend", "resume"]))
            .order_by_asc(application_event::Column::At)
            .all(conn)
            .await?;
        for s in steps {
            let day = s.effective_on.unwrap_or_else(|| s.at.date_naive());
            let list = out.entry(s.application_id).or_default();
            if s.action == "suspend" {
                list.push((day, None));
            } else if let Some(open) = list.last_mut().filter(|l| l.1.is_none()) {
                open.1 = Some(day);
            }
        }
    }
    Ok(out)
}

/// Computes a programme's run of a month (`first` is its first day): a new run, or the
/// lines of a computed one replaced. A frozen run (approved or later) is answered as it
/// is, and nothing is created: `(id, false)`.
pub async fn compute(
    db: &Db,
    ctx: &AuditCtx,
    programme_id: Uuid,
    first: NaiveDate,
    today: NaiveDate,
) -> Result<(Uuid, bool), ProgrammeError> {
    // Only a month that is over: the current one's attendance is not in yet.
    if last_day(first) >= today {
        return Err(refused("month", "payment-month-future"));
    }
    let started = std::time::Instant::now();
    let tx = db::begin_write(db).await?;
    // The programme's row locked first: computes of one programme take turns, so a
    // double click never writes a month twice, nor two months carry one rejection.
    let programme = {
        use sea_orm::QuerySelect;
        crate::entity::programme::Entity::find_by_id(programme_id)
            .lock_exclusive()
            .one(&tx)
            .await?
            .ok_or(ProgrammeError::NotFound)?
    };
    let existing = store::of_month(&tx, programme_id, first).await?;
    if let Some(run) = &existing
        && FROZEN.contains(&run.state.as_str())
    {
        return Ok((run.id, false));
    }
    let last = last_day(first);
    let amounts = crate::programmes::amounts_of(&tx, programme_id).await?;
    let apps = application::Entity::find()
        .filter(application::Column::ProgrammeId.eq(programme_id))
        .filter(application::Column::State.is_in(["active", "suspended", "finished"]))
        .filter(application::Column::StartsOn.lte(last))
        .filter(
            Condition::any()
                .add(application::Column::FinishedOn.is_null())
                .add(application::Column::FinishedOn.gte(first)),
        )
        .all(&tx)
        .await?;
    let ids: Vec<Uuid> = apps.iter().map(|a| a.id).collect();
    let people: Vec<Uuid> = apps.iter().map(|a| a.person_id).collect();
    let payees: HashMap<Uuid, sipe_persons::store::Payee> =
        sipe_persons::store::payees_of(&tx, people.iter().map(|p| PersonId(*p)))
            .await?
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
    let mut accounts: HashMap<Uuid, String> = HashMap::new();
    let backend = tx.get_database_backend();
    for chunk in people.chunks(id_chunk(backend)) {
        for a in bank_account::Entity::find()
            .filter(id_in(
                backend,
                (bank_account::Entity, bank_account::Column::PersonId),
                chunk,
            ))
            .all(&tx)
            .await?
        {
            if let Some(acc) = a.cbu.or(a.alias) {
                accounts.insert(a.person_id, acc);
            }
        }
    }
    let mut days: HashMap<Uuid, (i32, i32)> = HashMap::new();
    for chunk in ids.chunks(id_chunk(backend)) {
        for a in attendance::Entity::find()
            .filter(attendance::Column::Month.eq(first))
            .filter(id_in(
                backend,
                (attendance::Entity, attendance::Column::ApplicationId),
                chunk,
            ))
            .all(&tx)
            .await?
        {
            days.insert(a.application_id, (a.days_attended, a.days_expected));
        }
    }
    let suspended = suspensions(&tx, &ids).await?;
    let read = started.elapsed();

    let run_id = existing.as_ref().map_or_else(Uuid::now_v7, |r| r.id);
    let name_of = |p: &Uuid| {
        payees
            .get(p)
            .map_or_else(String::new, |p| format!("{}, {}", p.surnames, p.names))
    };
    let mut lines: Vec<payment_line::ActiveModel> = Vec::with_capacity(apps.len());
    for a in &apps {
        let Some(starts_on) = a.starts_on else {
            continue;
        };
        let payee = payees.get(&a.person_id);
        let b = Beneficiary {
            starts_on,
            ends_on: match (a.finished_on, a.ends_on) {
                (Some(f), Some(e)) => Some(std::cmp::min(f, e)),
                (f, e) => f.or(e),
            },
            suspended: suspended.get(&a.id).cloned().unwrap_or_default(),
            base_cents: crate::programmes::amount_on(&amounts, &a.category, first),
            has_cuil: payee.is_some_and(|p| p.cuil.is_some()),
            has_account: accounts.contains_key(&a.person_id),
            attendance: days.get(&a.id).copied(),
        };
        let c = compute_line(&b, &programme.payment_rule, first);
        lines.push(payment_line::ActiveModel {
            id: Set(Uuid::now_v7()),
            run_id: Set(run_id),
            position: Set(0),
            application_id: Set(a.id),
            person_id: Set(a.person_id),
            cuil: Set(payee.and_then(|p| p.cuil.clone())),
            name: Set(name_of(&a.person_id)),
            account: Set(accounts.get(&a.person_id).cloned()),
            category: Set(a.category.clone()),
            base_cents: Set(c.base_cents),
            amount_cents: Set(c.amount_cents),
            status: Set(c.status.to_owned()),
            reason: Set(c.reason.map(str::to_owned)),
            days: Set(c.days),
            days_attended: Set(days.get(&a.id).map(|d| d.0)),
            days_expected: Set(days.get(&a.id).map(|d| d.1)),
            carries: Set(None),
            result: Set(None),
            result_reason: Set(None),
        });
    }
    // Rejected payments of earlier months, paid again once the person has an account
    // (the office corrected it) — never twice: a line carrying one closes it.
    let carried = payment_line::Entity::find()
        .filter(payment_line::Column::Result.eq("rejected"))
        // Not carried by any other run, approved or not (this run's own lines are
        // replaced below).
        .filter(
            payment_line::Column::Id.not_in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(payment_line::Column::Carries)
                    .from(payment_line::Entity)
                    .and_where(payment_line::Column::Carries.is_not_null())
                    .and_where(payment_line::Column::RunId.ne(run_id_of(&existing)))
                    .take(),
            ),
        )
        .filter(
            payment_line::Column::RunId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(payment_run::Column::Id)
                    .from(payment_run::Entity)
                    .and_where(payment_run::Column::ProgrammeId.eq(programme_id))
                    .and_where(payment_run::Column::Month.lt(first))
                    .take(),
            ),
        )
        .all(&tx)
        .await?;
    // Only once the account was corrected after the bank's answer; until then the
    // payment stays on the list for correction.
    let mut carried_accounts: HashMap<Uuid, String> = HashMap::new();
    let mut answered: HashMap<Uuid, Option<chrono::DateTime<Utc>>> = HashMap::new();
    for l in &carried {
        if let std::collections::hash_map::Entry::Vacant(e) = answered.entry(l.run_id) {
            e.insert(
                store::find(&tx, l.run_id)
                    .await?
                    .and_then(|r| r.reconciled_at),
            );
        }
        let since = answered.get(&l.run_id).copied().flatten();
        if let Some(a) = bank_account::Entity::find_by_id(l.person_id)
            .one(&tx)
            .await?
            && since.is_none_or(|at| a.updated_at > at)
            && let Some(acc) = a.cbu.or(a.alias)
        {
            carried_accounts.insert(l.person_id, acc);
        }
    }
    for l in carried {
        let Some(account) = carried_accounts.get(&l.person_id).cloned() else {
            continue;
        };
        let account = Some(account);
        let pays = true;
        lines.push(payment_line::ActiveModel {
            id: Set(Uuid::now_v7()),
            run_id: Set(run_id),
            position: Set(0),
            application_id: Set(l.application_id),
            person_id: Set(l.person_id),
            cuil: Set(l.cuil.clone()),
            // A person no longer named (merged away) keeps the name the line had.
            name: Set(Some(name_of(&l.person_id))
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| l.name.clone())),
            account: Set(account),
            category: Set(l.category.clone()),
            base_cents: Set(l.amount_cents),
            amount_cents: Set(if pays { l.amount_cents } else { 0 }),
            status: Set(if pays { "paid" } else { "excluded" }.to_owned()),
            reason: Set(Some(
                if pays {
                    "carried_rejected"
                } else {
                    "no_account"
                }
                .to_owned(),
            )),
            days: Set(l.days),
            days_attended: Set(l.days_attended),
            days_expected: Set(l.days_expected),
            // Only a line that pays closes the rejected one.
            carries: Set(pays.then_some(l.id)),
            result: Set(None),
            result_reason: Set(None),
        });
    }
    // In order of name, as the bank's file and the page list them.
    // Each key built once (a comparator cloning names ran ~1.7M times for 100k lines).
    lines.sort_by_cached_key(|l| match (&l.name, &l.application_id) {
        (sea_orm::ActiveValue::Set(n), sea_orm::ActiveValue::Set(id)) => (n.clone(), *id),
        _ => (String::new(), Uuid::nil()),
    });
    let mut total: i64 = 0;
    let mut paid = 0;
    for (i, l) in lines.iter_mut().enumerate() {
        l.position = Set(i as i32);
        if let sea_orm::ActiveValue::Set(c) = l.amount_cents
            && c > 0
        {
            total += c;
            paid += 1;
        }
    }
    let count = lines.len();
    let built = started.elapsed();
    let now = Utc::now();
    match existing {
        Some(run) => {
            payment_line::Entity::delete_many()
                .filter(payment_line::Column::RunId.eq(run.id))
                .exec(&tx)
                .await?;
            let version = run.version;
            let mut m = run.into_active_model();
            m.state = Set("computed".into());
            m.total_cents = Set(total);
            m.beneficiaries = Set(paid);
            m.lines = Set(count as i32);
            m.computed_by = Set(ctx.actor_id);
            m.computed_by_name = Set(ctx.actor_name.clone());
            m.computed_at = Set(now);
            m.version = Set(version + 1);
            m.update(&tx).await?;
        }
        None => {
            payment_run::ActiveModel {
                id: Set(run_id),
                programme_id: Set(programme_id),
                month: Set(first),
                state: Set("computed".into()),
                total_cents: Set(total),
                beneficiaries: Set(paid),
                lines: Set(count as i32),
                computed_by: Set(ctx.actor_id),
                computed_by_name: Set(ctx.actor_name.clone()),
                computed_at: Set(now),
                approved_by: Set(None),
                approved_by_name: Set(None),
                approved_at: Set(None),
                exported_at: Set(None),
                reconciled_at: Set(None),
                version: Set(1),
            }
            .insert(&tx)
            .await?;
        }
    }
    db::bulk::large_cache(&tx, true).await?;
    let mut inserted = Ok(());
    for stmt in db::bulk::insert_rows(tx.get_database_backend(), lines) {
        inserted = tx.execute_raw(stmt).await.map(|_| ());
        if inserted.is_err() {
            break;
        }
    }
    // The cache goes back whatever happened: the connection returns to the pool.
    let reset = db::bulk::large_cache(&tx, false).await;
    inserted?;
    reset?;
    audit::record(
        &tx,
        ctx,
        Change::new("programmes.payment_run.compute", "payment_run", run_id).after(json!({
            "programme_id": programme_id, "month": super::month_label(first),
            "total_cents": total, "beneficiaries": paid, "lines": count,
        })),
    )
    .await?;
    tx.commit().await?;
    tracing::info!(
        lines = count,
        read_s = read.as_secs_f64(),
        build_s = (built - read).as_secs_f64(),
        write_s = (started.elapsed() - built).as_secs_f64(),
        "payment run computed"
    );
    Ok((run_id, true))
}

/// Approves a computed run; never by whoever computed it. From then on it is frozen.
pub async fn approve(
    db: &Db,
    ctx: &AuditCtx,
    id: Uuid,
    version: i32,
) -> Result<Run, ProgrammeError> {
    let tx = db::begin_write(db).await?;
    let run = store::find_for_update(&tx, id)
        .await?
        .ok_or(ProgrammeError::NotFound)?;
    if run.version != version {
        return Err(refused("version", "payment-run-changed"));
    }
    if run.state != "computed" {
        return Err(refused("state", "payment-run-not-computed"));
    }
    if run.computed_by.is_none() || run.computed_by == ctx.actor_id {
        return Err(refused("state", "payment-run-same-user"));
    }
    let mut m = run.clone().into_active_model();
    m.state = Set("approved".into());
    m.approved_by = Set(ctx.actor_id);
    m.approved_by_name = Set(Some(ctx.actor_name.clone()));
    m.approved_at = Set(Some(Utc::now()));
    m.version = Set(run.version + 1);
    let saved = m.update(&tx).await?;
    // Each person paid hears of it, with the approval.
    let programme = crate::programmes::find(&tx, run.programme_id)
        .await?
        .ok_or(ProgrammeError::NotFound)?;
    let period = run.month.format("%m/%Y").to_string();
    let notices = store::paid_lines(&tx, id)
        .await?
        .into_iter()
        .map(|l| sipe_messaging::send::Item {
            person: sipe_platform::ids::PersonId(l.person_id),
            values: vec![
                ("programa".into(), programme.name.clone()),
                ("monto".into(), crate::programmes::pesos(l.amount_cents)),
                ("periodo".into(), period.clone()),
            ],
            key: format!("payment:{}", l.id),
        })
        .collect();
    sipe_messaging::send::send_many(&tx, ctx, "payment_notice", notices).await?;
    audit::record(
        &tx,
        ctx,
        Change::new("programmes.payment_run.approve", "payment_run", id)
            .before(json!({"state": run.state}))
            .after(json!({"state": "approved", "total_cents": run.total_cents})),
    )
    .await?;
    tx.commit().await?;
    Ok(saved)
}

/// The payment file of a frozen run (`None` for the CSV, else a layout's name); the
/// first download marks the run exported. Audited.
pub async fn export(
    db: &Db,
    ctx: &AuditCtx,
    id: Uuid,
    layout: Option<&str>,
) -> Result<(Run, String, Vec<u8>), ProgrammeError> {
    let tx = db::begin_write(db).await?;
    let run = store::find_for_update(&tx, id)
        .await?
        .ok_or(ProgrammeError::NotFound)?;
    if !FROZEN.contains(&run.state.as_str()) {
        return Err(refused("state", "payment-run-not-approved"));
    }
    let programme = crate::programmes::find(&tx, run.programme_id)
        .await?
        .ok_or(ProgrammeError::NotFound)?;
    let lines = store::file_lines(&tx, id).await?;
    let body = match layout {
        None => super::file::csv(&programme.code, &run, &lines)
            .map_err(|e| ProgrammeError::Store(sea_orm::DbErr::Custom(e.to_string()).into()))?,
        Some(name) => super::file::LAYOUTS
            .iter()
            .find(|l| l.name() == name)
            .ok_or(ProgrammeError::NotFound)?
            .write(&programme.code, &run, &lines),
    };
    let run = if run.state == "approved" {
        let mut m = run.clone().into_active_model();
        m.state = Set("exported".into());
        m.exported_at = Set(Some(Utc::now()));
        m.version = Set(run.version + 1);
        m.update(&tx).await?
    } else {
        run
    };
    audit::record(
        &tx,
        ctx,
        Change::new("programmes.payment_run.export", "payment_run", id).after(json!({
            "format": layout.unwrap_or("csv"), "lines": lines.len(),
            "total_cents": lines.iter().map(|l| l.amount_cents).sum::<i64>(),
        })),
    )
    .await?;
    tx.commit().await?;
    let name = format!(
        "pagos-{}-{}.{}",
        programme.code.to_lowercase(),
        super::month_label(run.month),
        if layout.is_some() { "txt" } else { "csv" }
    );
    Ok((run, name, body))
}

/// One row of a bank's result file that could not be used.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ResultProblem {
    /// Line of the file (the header is line 1).
    pub line: usize,
    /// What is wrong, as a catalogue key (`bank-result-unknown`...).
    pub problem: String,
}

/// Most rows a bank's result file has.
pub const MAX_RESULT_ROWS: usize = 200_000;

/// Imports the bank's result (`cuil,estado,motivo`, `estado` `pagado` or `rechazado`)
/// into an exported run: all rows or none. Rejected payments are then listed for
/// correction and go into the next run once the person has an account.
pub async fn reconcile(
    db: &Db,
    ctx: &AuditCtx,
    id: Uuid,
    file: &[u8],
) -> Result<Result<(usize, usize), Vec<ResultProblem>>, ProgrammeError> {
    let tx = db::begin_write(db).await?;
    let run = store::find_for_update(&tx, id)
        .await?
        .ok_or(ProgrammeError::NotFound)?;
    if !matches!(run.state.as_str(), "exported" | "reconciled") {
        return Err(refused("state", "payment-run-not-exported"));
    }
    let lines = store::paid_lines(&tx, id).await?;
    // A CUIL may have two payments in a run (the month's and a rejected one paid
    // again): the bank's answer for it applies to both.
    let mut by_cuil: HashMap<&str, Vec<&store::Line>> = HashMap::new();
    for l in &lines {
        if let Some(c) = l.cuil.as_deref() {
            by_cuil.entry(c).or_default().push(l);
        }
    }
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut problems = Vec::new();
    let mut results: Vec<(Uuid, &'static str, Option<String>)> = Vec::new();
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(file);
    let header_ok = reader
        .headers()
        .map(|h| {
            h.iter()
                .map(|c| c.trim_start_matches('\u{feff}').to_lowercase())
                .collect::<Vec<_>>()
                .starts_with(&["cuil".into(), "estado".into()])
        })
        .unwrap_or(false);
    if !header_ok {
        return Ok(Err(vec![ResultProblem {
            line: 1,
            problem: "bank-result-header".into(),
        }]));
    }
    for (i, row) in reader.records().enumerate() {
        let line = i + 2;
        if i >= MAX_RESULT_ROWS {
            problems.push(ResultProblem {
                line,
                problem: "bank-result-too-many".into(),
            });
            break;
        }
        let Ok(row) = row else {
            problems.push(ResultProblem {
                line,
                problem: "bank-result-csv".into(),
            });
            continue;
        };
        let cuil: String = row
            .get(0)
            .unwrap_or("")
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        let Some(paid_lines) = by_cuil.get(cuil.as_str()) else {
            problems.push(ResultProblem {
                line,
                problem: "bank-result-unknown".into(),
            });
            continue;
        };
        if !seen.insert(cuil.clone()) {
            problems.push(ResultProblem {
                line,
                problem: "bank-result-repeated".into(),
            });
            continue;
        }
        let reason: String = row.get(2).unwrap_or("").chars().take(200).collect();
        let result = match row.get(1).unwrap_or("").to_lowercase().as_str() {
            "pagado" | "paid" => "paid",
            "rechazado" | "rejected" => "rejected",
            _ => {
                problems.push(ResultProblem {
                    line,
                    problem: "bank-result-state".into(),
                });
                continue;
            }
        };
        // An answer already recorded is never changed: a rejected payment may have been
        // paid again since.
        if paid_lines
            .iter()
            .any(|l| l.result.as_deref().is_some_and(|r| r != result))
        {
            problems.push(ResultProblem {
                line,
                problem: "bank-result-already".into(),
            });
            continue;
        }
        for l in paid_lines.iter().filter(|l| l.result.is_none()) {
            let why = (result == "rejected" && !reason.is_empty()).then(|| reason.clone());
            results.push((l.id, result, why));
        }
    }
    if !problems.is_empty() {
        return Ok(Err(problems));
    }
    let paid = results.iter().filter(|r| r.1 == "paid").count();
    let rejected = results.len() - paid;
    // One UPDATE per answer and reason, a thousand lines at a time.
    let mut by_answer: HashMap<(&str, Option<&String>), Vec<Uuid>> = HashMap::new();
    for (line, result, reason) in &results {
        by_answer
            .entry((*result, reason.as_ref()))
            .or_default()
            .push(*line);
    }
    for ((result, reason), ids) in by_answer {
        for chunk in ids.chunks(1_000) {
            payment_line::Entity::update_many()
                .col_expr(payment_line::Column::Result, result.into())
                .col_expr(payment_line::Column::ResultReason, reason.cloned().into())
                .filter(payment_line::Column::Id.is_in(chunk.iter().copied()))
                .exec(&tx)
                .await?;
        }
    }
    // Reconciled once every payment has its answer; until then it stays exported.
    let answered = lines.iter().filter(|l| l.result.is_some()).count() + results.len();
    let mut m = run.clone().into_active_model();
    if answered >= lines.len() {
        m.state = Set("reconciled".into());
    }
    m.reconciled_at = Set(Some(Utc::now()));
    m.version = Set(run.version + 1);
    m.update(&tx).await?;
    audit::record(
        &tx,
        ctx,
        Change::new("programmes.payment_run.reconcile", "payment_run", id)
            .after(json!({
                "paid": paid, "rejected": rejected, "unanswered": lines.len() - answered.min(lines.len()),
                "rejected_lines": results.iter().filter(|r| r.1 == "rejected").map(|r| r.0).collect::<Vec<_>>(),
            })),
    )
    .await?;
    tx.commit().await?;
    Ok(Ok((paid, rejected)))
}
