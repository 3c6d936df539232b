//! The duplicates queue and the merge screen.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::Form;
use uuid::Uuid;

use crate::duplicates::{self, MERGE_FIELDS, MergeInput, PairView};
use crate::handlers::reindex_now;
use crate::service::{PersonError, display_name};
use sipe_platform::access::ScopeKind;
use sipe_platform::ids::PersonId;
use sipe_platform::web::auth::{Authenticated, Ctx};
use sipe_platform::web::page::redirect_with_flash;
use sipe_platform::web::table::{ListQuery, Pager};
use sipe_platform::web::{AppState, PageCtx, WebError};

/// `/persons/duplicates`.
#[derive(Template)]
#[template(path = "persons/duplicates.html")]
pub struct DuplicatesPage {
    /// Page context.
    pub ctx: PageCtx,
    /// Pairs.
    pub rows: Vec<PairRow>,
    /// Paging.
    pub pager: Pager,
    /// May the caller queue a scan of the whole registry (admins)?
    pub can_scan: bool,
}

impl DuplicatesPage {
    /// Why a pair was found, in words.
    pub fn reason(&self, r: &PairRow) -> String {
        reason_text(&self.ctx, &r.view.pair.reason)
    }
}

/// A pair as listed.
pub struct PairRow {
    /// The pair.
    pub view: PairView,
    /// First name shown.
    pub first_name: String,
    /// Second name shown.
    pub second_name: String,
}

/// `GET /persons/duplicates`.
pub async fn list_duplicates(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Query(q): Query<ListQuery>,
) -> Result<Response, WebError> {
    let mut pager = Pager::new("/persons/duplicates", &q, &["score"], true)?;
    let (pairs, total) =
        duplicates::open_pairs(&state.db, &user.access, pager.offset(), pager.per_page).await?;
    pager.total = total;
    crate::service::record_shown(
        &state.reads,
        &audit,
        "person.duplicates_list",
        "",
        pairs
            .iter()
            .flat_map(|p| [PersonId(p.first.id), PersonId(p.second.id)]),
    )
    .await?;
    let rows = pairs
        .into_iter()
        .map(|view| PairRow {
            first_name: display_name(&view.first),
            second_name: display_name(&view.second),
            view,
        })
        .collect();
    let can_scan = user
        .access
        .can(sipe_platform::access::Permission::ManageJobs);
    let page = DuplicatesPage {
        ctx,
        rows,
        pager,
        can_scan,
    };
    sipe_platform::web::render::page(page)
}

/// `POST /persons/duplicates/scan`: queue a scan of the whole registry (admins; one at
/// a time: refused while one is queued or running).
pub async fn scan_duplicates(
    State(state): State<AppState>,
    Ctx(audit): Ctx,
) -> Result<Response, WebError> {
    let queued =
        sipe_platform::jobs::store::enqueue_exclusive(&state.db, SCAN_JOB, &serde_json::json!({}))
            .await?;
    if !queued {
        return Ok(redirect_with_flash(
            "/persons/duplicates",
            "error",
            "duplicates-scan-busy",
        ));
    }
    let tx = sipe_platform::db::begin_write(&state.db).await?;
    sipe_platform::audit::record(
        &tx,
        &audit,
        sipe_platform::audit::Change::new("person.duplicates_scan", "job", SCAN_JOB),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with_flash(
        "/persons/duplicates",
        "success",
        "duplicates-scan-queued",
    ))
}

/// Kind of the background job that scans for duplicates.
pub const SCAN_JOB: &str = "persons.duplicates_scan";

/// `/persons/duplicates/{pair_id}`.
#[derive(Template)]
#[template(path = "persons/merge.html")]
pub struct MergePage {
    /// Page context.
    pub ctx: PageCtx,
    /// The pair.
    pub view: PairView,
    /// First name shown.
    pub first_name: String,
    /// Second name shown.
    pub second_name: String,
    /// Identity (not chosen: each record keeps its own): (label, first, second).
    pub identity: Vec<(String, String, String)>,
    /// Fields to choose: (field, label, first value, second value).
    pub fields: Vec<(&'static str, String, String, String)>,
    /// The question the merge button asks, naming both people.
    pub confirm: String,
}

impl MergePage {
    /// Why the pair was found, in words.
    pub fn reason(&self) -> String {
        reason_text(&self.ctx, &self.view.pair.reason)
    }
}

/// A pair's reasons (`name_birth+phone`) in words.
pub fn reason_text(ctx: &PageCtx, reason: &str) -> String {
    reason
        .split('+')
        .map(|r| ctx.tp("duplicates-reason-", r).into_owned())
        .collect::<Vec<_>>()
        .join(" · ")
}

/// `GET /persons/duplicates/{pair_id}`: both records side by side.
pub async fn show_pair(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    let view = duplicates::find_pair(&state.db, &user.access, ScopeKind::View, id)
        .await?
        .ok_or(WebError::NotFound)?;
    for p in [view.first.id, view.second.id] {
        crate::service::record_read(&state.reads, &audit, PersonId(p)).await?;
    }
    let lang = ctx.lang;
    let shown =
        |f: &str, v: Option<String>| crate::service::value_text(lang, f, &v.unwrap_or_default());
    // Offices and departments by name, as the person page shows them.
    let mut office_names = std::collections::HashMap::new();
    for id in [view.first.office_id, view.second.office_id] {
        if let Some(o) = sipe_platform::territory::store::office_by_id(
            &state.db,
            sipe_platform::ids::OfficeId(id),
        )
        .await?
        {
            office_names.insert(id, format!("{} — {}", o.code, o.name));
        }
    }
    let office = |p: &crate::entity::person::Model| {
        office_names.get(&p.office_id).cloned().unwrap_or_default()
    };
    let mut department_names = std::collections::HashMap::new();
    for code in [&view.first.department_code, &view.second.department_code]
        .into_iter()
        .flatten()
    {
        if let Some(t) = sipe_platform::territory::store::find_territory(&state.db, code).await? {
            department_names.insert(code.clone(), t.name);
        }
    }
    let shown = |f: &str, v: Option<String>| match (f, v) {
        ("department_code", Some(code)) => department_names.get(&code).cloned().unwrap_or(code),
        ("phone", Some(phone)) => sipe_platform::text::phone_display(&phone),
        (f, v) => shown(f, v),
    };
    let date = |d: chrono::NaiveDate| d.format("%d/%m/%Y").to_string();
    let (a, b) = (&view.first, &view.second);
    let identity = vec![
        (
            ctx.t("person-document").into_owned(),
            format!("{} {}", ctx.tp("doc-", &a.doc_type), a.doc_number),
            format!("{} {}", ctx.tp("doc-", &b.doc_type), b.doc_number),
        ),
        (
            ctx.t("person-cuil").into_owned(),
            a.cuil.clone().unwrap_or_else(|| "—".into()),
            b.cuil.clone().unwrap_or_else(|| "—".into()),
        ),
        (
            ctx.t("person-birth-date").into_owned(),
            date(a.birth_date),
            date(b.birth_date),
        ),
        (
            ctx.t("person-sex").into_owned(),
            ctx.tp("sex-", &a.sex).into_owned(),
            ctx.tp("sex-", &b.sex).into_owned(),
        ),
        (ctx.t("person-office").into_owned(), office(a), office(b)),
        (
            ctx.t("merge-registered").into_owned(),
            ctx.time(&a.created_at),
            ctx.time(&b.created_at),
        ),
    ];
    let fields = MERGE_FIELDS
        .iter()
        .map(|f| {
            (
                *f,
                ctx.t(crate::service::field_label_key(f)).into_owned(),
                shown(f, duplicates::field_value(a, f)),
                shown(f, duplicates::field_value(b, f)),
            )
        })
        .collect();
    let (first_name, second_name) = (display_name(a), display_name(b));
    let confirm = ctx.t2(
        "merge-confirm",
        "first",
        format!("{first_name} ({})", a.doc_number),
        "second",
        format!("{second_name} ({})", b.doc_number),
    );
    let page = MergePage {
        first_name,
        second_name,
        identity,
        fields,
        confirm,
        view,
        ctx,
    };
    sipe_platform::web::render::page(page)
}

/// The form that puts a pair in the queue from a person's page.
#[derive(Debug, serde::Deserialize, Default)]
#[serde(default)]
pub struct AddPairForm {
    /// The other record's document number.
    pub other_document: String,
}

/// `POST /persons/{id}/duplicates`: compare this person with another record now.
pub async fn add_pair(
    State(state): State<AppState>,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    Form(form): Form<AddPairForm>,
) -> Result<Response, WebError> {
    match duplicates::add_pair(&state.db, &audit, &user.access, id, &form.other_document).await {
        Ok(pair) => Ok(
            axum::response::Redirect::to(&format!("/persons/duplicates/{pair}")).into_response(),
        ),
        Err(PersonError::Invalid(e)) => Ok(redirect_with_flash(
            &format!("/persons/{id}"),
            "error",
            e.0.first().map_or("form-has-errors", |f| f.key),
        )),
        Err(e) => Err(e.into()),
    }
}

/// `POST /persons/duplicates/{pair_id}/merge`.
pub async fn merge_pair(
    State(state): State<AppState>,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    Form(form): Form<MergeInput>,
) -> Result<Response, WebError> {
    let merged = duplicates::find_pair(&state.db, &user.access, ScopeKind::Capture, id)
        .await?
        .map(|v| [v.first.id, v.second.id]);
    match duplicates::merge(
        &state.db,
        &audit,
        &user.access,
        id,
        &form,
        &state.modules.merge_hooks(),
    )
    .await
    {
        Ok(kept) => {
            for p in merged.into_iter().flatten() {
                reindex_now(&state, PersonId(p)).await;
            }
            Ok(redirect_with_flash(
                &format!("/persons/{kept}"),
                "success",
                "duplicates-merged",
            ))
        }
        Err(PersonError::Invalid(_)) => Ok(redirect_with_flash(
            &format!("/persons/duplicates/{id}"),
            "error",
            "duplicates-choose-keep",
        )),
        Err(e) => Err(e.into()),
    }
}

/// `POST /persons/duplicates/{pair_id}/dismiss`.
pub async fn dismiss_pair(
    State(state): State<AppState>,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    duplicates::dismiss(&state.db, &audit, &user.access, id).await?;
    Ok(redirect_with_flash(
        "/persons/duplicates",
        "success",
        "duplicates-dismissed",
    ))
}
