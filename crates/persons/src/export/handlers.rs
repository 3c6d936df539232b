//! Export downloads and the data-subject access record (JSON and printable HTML).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use uuid::Uuid;

use crate::export;
use crate::filters::PersonFilters;
use sipe_platform::web::auth::{Authenticated, Ctx};
use sipe_platform::web::export::{Export, Format};
use sipe_platform::web::{AppState, PageCtx, WebError};

/// `GET /persons/export.csv` and `.xlsx`: the filtered search (audited).
pub async fn export(
    State(state): State<AppState>,
    user: Authenticated,
    Ctx(audit): Ctx,
    format: Format,
    Query(filters): Query<PersonFilters>,
) -> Result<Response, WebError> {
    let today = chrono::Utc::now().with_timezone(&state.tz).date_naive();
    let query = filters.query_string();
    let mut out = Export::new(format, "personas", &export::header())
        .audit(
            "person.export",
            "person_search",
            Value::from(query.as_str()),
        )
        .back_to(&format!("/persons?{query}"));
    export::search_into(
        &state.db,
        crate::index(&state)?,
        &user.access,
        &filters,
        today,
        &mut out,
    )
    .await?;
    out.respond(&state, &audit).await
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

/// The label of a key of the record, as the person's page names it.
fn label(ctx: &PageCtx, key: &str) -> String {
    [
        crate::service::field_label_key(key),
        format!("record-col-{}", key.replace('_', "-")),
    ]
    .into_iter()
    .find(|k| ctx.lang.has(k))
    .map(|k| ctx.t(&k).into_owned())
    .unwrap_or_else(|| key.to_owned())
}

/// A value of the record as people read it: times in the deployment's zone, flags as
/// yes/no, codes by their names (`field` says which field the value belongs to).
fn readable(ctx: &PageCtx, field: &str, v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Bool(b) => ctx.t(if *b { "yes" } else { "no" }).into_owned(),
        Value::String(s) => match chrono::DateTime::parse_from_rfc3339(s) {
            Ok(at) => ctx.time(&at.with_timezone(&chrono::Utc)),
            Err(_) => crate::service::value_text(ctx.lang, field, s),
        },
        Value::Object(m) => m
            .iter()
            .filter(|(_, v)| !v.is_null() && v.as_str() != Some(""))
            .map(|(k, v)| format!("{}: {}", label(ctx, k), readable(ctx, k, v)))
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

/// Turns the JSON record into facts and tables, so the printable page shows what the
/// JSON holds, named and written as the rest of sipe shows it.
fn layout(ctx: &PageCtx, record: &Value) -> (Vec<(String, String)>, Vec<RecordTable>) {
    let facts = record["person"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (label(ctx, k), readable(ctx, k, v)))
                .collect()
        })
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
        // The summary already says what an event was; its kind is for programs.
        let keys: Vec<String> = list
            .first()
            .and_then(|v| v.as_object())
            .map(|m| {
                m.keys()
                    .filter(|k| key != "timeline" || *k != "kind")
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        let rows = list
            .iter()
            .map(|v| {
                // In the field history, the values belong to the field of their row.
                let field = v["field"].as_str().unwrap_or_default();
                keys.iter()
                    .map(|c| match c.as_str() {
                        "field" => label(ctx, field),
                        "old" | "new" => readable(ctx, field, &v[c]),
                        _ => readable(ctx, c, &v[c]),
                    })
                    .collect()
            })
            .collect();
        RecordTable {
            title,
            columns: keys.iter().map(|k| label(ctx, k)).collect(),
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
    let (facts, tables) = layout(&ctx, &record);
    let page = RecordPage {
        generated_at: ctx.time(&chrono::Utc::now()),
        ctx,
        id,
        facts,
        tables,
    };
    sipe_platform::web::render::page(page)
}
