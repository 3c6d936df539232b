//! Export downloads and the data-subject access record (JSON and printable HTML).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use uuid::Uuid;

use crate::export::{self, ExportError};
use crate::filters::PersonFilters;
use sipe_platform::web::auth::{Authenticated, Ctx};
use sipe_platform::web::page::redirect_with_flash;
use sipe_platform::web::{AppState, PageCtx, WebError};

async fn export(
    state: &AppState,
    user: &Authenticated,
    audit: &sipe_platform::audit::AuditCtx,
    filters: &PersonFilters,
    format: &str,
) -> Result<Response, WebError> {
    let today = chrono::Utc::now().with_timezone(&state.tz).date_naive();
    let table = match export::search_table(
        &state.db,
        crate::index(state)?,
        audit,
        &user.access,
        filters,
        today,
        format,
    )
    .await
    {
        Ok(t) => t,
        Err(ExportError::TooMany(_)) => {
            return Ok(redirect_with_flash(
                &format!("/persons?{}", filters.query_string()),
                "error",
                "export-too-many",
            ));
        }
        Err(e) => return Err(e.into()),
    };
    let stamp = chrono::Utc::now().format("%Y%m%d-%H%M");
    let (body, mime) = if format == "xlsx" {
        (
            export::to_xlsx(&table)?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    } else {
        (export::to_csv(&table)?, "text/csv; charset=utf-8")
    };
    Ok((
        [
            (header::CONTENT_TYPE, mime.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"personas-{stamp}.{format}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response())
}

/// `GET /persons/export.csv`: the filtered search as CSV (audited).
pub async fn export_csv(
    State(state): State<AppState>,
    user: Authenticated,
    Ctx(audit): Ctx,
    Query(filters): Query<PersonFilters>,
) -> Result<Response, WebError> {
    export(&state, &user, &audit, &filters, "csv").await
}

/// `GET /persons/export.xlsx`: the filtered search as XLSX (audited).
pub async fn export_xlsx(
    State(state): State<AppState>,
    user: Authenticated,
    Ctx(audit): Ctx,
    Query(filters): Query<PersonFilters>,
) -> Result<Response, WebError> {
    export(&state, &user, &audit, &filters, "xlsx").await
}

/// `GET /persons/{id}/record.json`: everything kept about the person (audited).
pub async fn record_json(
    State(state): State<AppState>,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    let record = export::subject_record(&state.db, &audit, &user.access, id)
        .await?
        .ok_or(WebError::NotFound)?;
    Ok((
        [
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"legajo-{id}.json\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        axum::Json(record),
    )
        .into_response())
}

/// One list of the record (profile items, interviews, timeline, history) as a table.
pub struct RecordTable {
    /// Key of the section title.
    pub title: &'static str,
    /// Column names.
    pub columns: Vec<String>,
    /// Cells.
    pub rows: Vec<Vec<String>>,
}

/// `/persons/{id}/record`.
#[derive(Template)]
#[template(path = "persons/record.html")]
pub struct RecordPage {
    /// Page context.
    pub ctx: PageCtx,
    /// Person id.
    pub id: Uuid,
    /// Field → value of the person.
    pub facts: Vec<(String, String)>,
    /// The lists.
    pub tables: Vec<RecordTable>,
    /// When it was produced.
    pub generated_at: String,
}

fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Object(m) => m
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| format!("{k}: {}", cell(v)))
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

/// Turns the JSON record into facts and tables, so the printable page shows exactly
/// what the JSON holds.
fn layout(record: &Value) -> (Vec<(String, String)>, Vec<RecordTable>) {
    let facts = record["person"]
        .as_object()
        .map(|m| m.iter().map(|(k, v)| (k.clone(), cell(v))).collect())
        .unwrap_or_default();
    let tables = [
        ("record-profile-items", "profile_items"),
        ("interviews-title", "interviews"),
        ("person-timeline", "timeline"),
        ("person-history", "history"),
    ]
    .into_iter()
    .map(|(title, key)| {
        let list = record[key].as_array().cloned().unwrap_or_default();
        let columns: Vec<String> = list
            .first()
            .and_then(|v| v.as_object())
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        let rows = list
            .iter()
            .map(|v| columns.iter().map(|c| cell(&v[c])).collect())
            .collect();
        RecordTable {
            title,
            columns,
            rows,
        }
    })
    .collect();
    (facts, tables)
}

/// `GET /persons/{id}/record`: the same record, printable (audited).
pub async fn record_html(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    let record = export::subject_record(&state.db, &audit, &user.access, id)
        .await?
        .ok_or(WebError::NotFound)?;
    let (facts, tables) = layout(&record);
    let page = RecordPage {
        generated_at: ctx.time(&chrono::Utc::now()),
        ctx,
        id,
        facts,
        tables,
    };
    sipe_platform::web::render::page(page)
}
