//! Occupations kept "sin codificar": what operators typed that the vocabulary did not
//! know, grouped by wording, for a coordinator to assign to an occupation. Both the
//! queue and the coding cover the coordinator's capture scope only.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::Form;
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde::Deserialize;

use super::{UNCODED, describe, field_of, touch};
use crate::entity::{person, profile_item};
use crate::service::{PersonError, record_changes};
use sipe_platform::access::{Access, ScopeKind};
use sipe_platform::audit::{self, AuditCtx, Change};
use sipe_platform::db::{self, Db};
use sipe_platform::taxonomy::{Gender, Occupations};
use sipe_platform::text::fold;
use sipe_platform::validation::FieldErrors;
use sipe_platform::web::auth::{Authenticated, Ctx};
use sipe_platform::web::page::redirect_with_flash;
use sipe_platform::web::{AppState, PageCtx, WebError};

/// Uncoded items read for the queue at most (they are few; this bounds a bad day).
const MAX_ITEMS: u64 = 20_000;

/// One wording waiting for a code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UncodedTerm {
    /// The wording folded (accents and case ignored): what the coding form sends back.
    pub key: String,
    /// The wording as typed most often.
    pub label: String,
    /// Profile items with it (work history and desired occupations).
    pub items: usize,
    /// People with it.
    pub persons: u64,
}

/// Uncoded occupation items of people in the caller's capture scope.
async fn uncoded_items(
    conn: &impl ConnectionTrait,
    access: &Access,
) -> Result<Vec<profile_item::Model>, sea_orm::DbErr> {
    let in_scope = Query::select()
        .column(person::Column::Id)
        .from(person::Entity)
        .cond_where(
            access
                .scope(ScopeKind::Capture)
                .owns(person::Column::OfficeId),
        )
        .and_where(person::Column::MergedInto.is_null())
        .to_owned();
    profile_item::Entity::find()
        .filter(profile_item::Column::Code.eq(UNCODED))
        .filter(profile_item::Column::Kind.is_in(["work", "desired"]))
        .filter(profile_item::Column::PersonId.in_subquery(in_scope))
        .order_by_asc(profile_item::Column::CreatedAt)
        .limit(MAX_ITEMS)
        .all(conn)
        .await
}

/// The queue: wordings by how many people use them, most first.
pub async fn terms(
    conn: &impl ConnectionTrait,
    access: &Access,
) -> Result<Vec<UncodedTerm>, sea_orm::DbErr> {
    use std::collections::{BTreeMap, HashMap, HashSet};
    /// Spellings with their counts, items, people.
    type Tally = (HashMap<String, usize>, usize, HashSet<uuid::Uuid>);
    let mut by_key: BTreeMap<String, Tally> = BTreeMap::new();
    for i in uncoded_items(conn, access).await? {
        let entry = by_key.entry(fold(&i.label)).or_default();
        *entry.0.entry(i.label.clone()).or_default() += 1;
        entry.1 += 1;
        entry.2.insert(i.person_id);
    }
    let mut out: Vec<UncodedTerm> = by_key
        .into_iter()
        .map(|(key, (spellings, items, persons))| UncodedTerm {
            label: spellings
                .into_iter()
                .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
                .map(|(s, _)| s)
                .unwrap_or_default(),
            key,
            items,
            persons: persons.len() as u64,
        })
        .collect();
    out.sort_by(|a, b| b.persons.cmp(&a.persons).then(a.key.cmp(&b.key)));
    Ok(out)
}

/// Assigns an occupation to every item of the wording `key` in the caller's capture
/// scope, keeping each person's words as the label. One transaction; each person's
/// history and the audit log record it. Returns the items coded.
pub async fn code_term(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    key: &str,
    occupation: &str,
) -> Result<usize, PersonError> {
    let vocabulary = Occupations::read(db).await?;
    let hit = match vocabulary.resolve(occupation, Gender::Unknown) {
        Some(h) => h,
        None if occupation.trim().is_empty() => {
            return Err(FieldErrors::one("occupation", "field-required").into());
        }
        None => return Err(FieldErrors::one("occupation", "occupation-unknown").into()),
    };
    let key = fold(key);
    let tx = db::begin_write(db).await?;
    let items: Vec<_> = uncoded_items(&tx, access)
        .await?
        .into_iter()
        .filter(|i| fold(&i.label) == key)
        .collect();
    if items.is_empty() {
        return Err(FieldErrors::one("key", "uncoded-gone").into());
    }
    for item in &items {
        let person = person::Entity::find_by_id(item.person_id)
            .one(&tx)
            .await?
            .ok_or(PersonError::NotFound)?;
        let field = field_of(&item.kind);
        let before = vec![(field, Some(describe(item)))];
        // A person who already has that occupation keeps one: the coded copy goes.
        let has_it = item.kind != "work"
            && super::items(&tx, item.person_id)
                .await?
                .iter()
                .any(|i| i.id != item.id && i.kind == item.kind && i.code == hit.code);
        let after = if has_it {
            profile_item::Entity::delete_by_id(item.id)
                .exec(&tx)
                .await?;
            vec![(field, None)]
        } else {
            let mut a = item.clone().into_active_model();
            a.code = Set(hit.code.clone());
            let coded = a.update(&tx).await?;
            vec![(field, Some(format!("{} ({})", describe(&coded), hit.code)))]
        };
        touch(&tx, item.person_id).await?;
        record_changes(&tx, ctx, &person, &before, &after).await?;
    }
    audit::record(
        &tx,
        ctx,
        Change::new("occupation.code_uncoded", "occupation", uuid::Uuid::nil())
            .after(serde_json::json!({ "wording": key, "code": hit.code, "items": items.len() })),
    )
    .await?;
    tx.commit().await?;
    Ok(items.len())
}

/// `/occupations/uncoded`.
#[derive(Template)]
#[template(path = "persons/uncoded.html")]
pub struct UncodedPage {
    /// Page context.
    pub ctx: PageCtx,
    /// The queue.
    pub terms: Vec<UncodedTerm>,
    /// The wording whose coding came back with a problem, with what was typed.
    pub failed: Option<(String, String)>,
    /// Its problem.
    pub errors: FieldErrors,
}

impl UncodedPage {
    /// What was typed for `key`, when its coding came back with a problem.
    pub fn failed_for(&self, key: &str) -> Option<&str> {
        self.failed
            .as_ref()
            .filter(|(k, _)| k == key)
            .map(|(_, typed)| typed.as_str())
    }
}

/// `GET /occupations/uncoded`.
pub async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
) -> Result<Response, WebError> {
    let terms = terms(&state.db, &user.access).await?;
    sipe_platform::web::render::page(UncodedPage {
        ctx,
        terms,
        failed: None,
        errors: FieldErrors::new(),
    })
}

/// The coding form.
#[derive(Debug, Deserialize, Default)]
#[serde(default)]
pub struct CodeForm {
    /// The wording (folded).
    pub key: String,
    /// The occupation chosen.
    pub occupation: String,
}

/// `POST /occupations/uncoded`.
pub async fn code(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Form(form): Form<CodeForm>,
) -> Result<Response, WebError> {
    match code_term(&state.db, &audit, &user.access, &form.key, &form.occupation).await {
        // The people index follows the changed records by their change stamp.
        Ok(n) => Ok(redirect_with_flash(
            "/occupations/uncoded",
            "success",
            if n == 1 {
                "uncoded-coded-one"
            } else {
                "uncoded-coded"
            },
        )),
        Err(PersonError::Invalid(errors)) => {
            let terms = terms(&state.db, &user.access).await?;
            let page = UncodedPage {
                ctx,
                terms,
                failed: Some((fold(&form.key), form.occupation)),
                errors,
            };
            sipe_platform::web::render::page_with(StatusCode::UNPROCESSABLE_ENTITY, page)
        }
        Err(e) => Err(e.into()),
    }
}
