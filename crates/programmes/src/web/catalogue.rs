//! Pages of programmes: the list, a programme with its amounts, and its form.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum_extra::extract::Form;
use serde::Deserialize;
use uuid::Uuid;

use crate::error::ProgrammeError;
use crate::programmes::{self, AMOUNT_FIELDS, Amount, AmountInput, Programme, ProgrammeInput};
use sipe_platform::access::Permission;
use sipe_platform::validation::FieldErrors;
use sipe_platform::web::auth::{Authenticated, Ctx};
use sipe_platform::web::page::redirect_with_flash;
use sipe_platform::web::render::page_with;
use sipe_platform::web::table::{ListQuery, Pager};
use sipe_platform::web::{AppState, PageCtx, WebError};

/// Filters of the list.
#[derive(Debug, Deserialize, Default)]
pub struct ListFilter {
    #[serde(default)]
    q: String,
    #[serde(flatten)]
    list: ListQuery,
}

#[derive(askama::Template)]
#[template(path = "programmes/list.html")]
struct ListPage {
    ctx: PageCtx,
    rows: Vec<Programme>,
    pager: Pager,
    q: String,
    can_manage: bool,
}

/// `GET /programmes`.
pub async fn list(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Query(f): Query<ListFilter>,
) -> Result<Response, WebError> {
    let mut pager = Pager::new("/programmes", &f.list, &programmes::SORTS, false)?.keep("q", &f.q);
    let q = sipe_platform::validation::search_text("q", &f.q)?;
    let (rows, total) = programmes::list(&state.db, &q, &pager).await?;
    pager.total = total;
    page_with(
        axum::http::StatusCode::OK,
        ListPage {
            ctx,
            rows,
            pager,
            q: f.q,
            can_manage: user.access.can(Permission::ManageProgrammes),
        },
    )
}

/// The form as the page posts it: amount rows side by side.
#[derive(Debug, Default, Deserialize)]
pub struct ProgrammeForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    legal_basis: String,
    #[serde(default)]
    legal_date: String,
    #[serde(default)]
    starts_on: String,
    #[serde(default)]
    ends_on: String,
    #[serde(default)]
    funding_source: String,
    #[serde(default)]
    max_months: String,
    #[serde(default)]
    required_documents: String,
    #[serde(default)]
    quota_total: String,
    #[serde(default)]
    amount_category: Vec<String>,
    #[serde(default)]
    amount_value: Vec<String>,
    #[serde(default)]
    amount_from: Vec<String>,
    #[serde(default)]
    active: String,
    #[serde(default)]
    payment_rule: String,
}

impl ProgrammeForm {
    fn input(self, existing: bool) -> ProgrammeInput {
        let at = |v: &Vec<String>, i: usize| v.get(i).cloned().unwrap_or_default();
        let n = self.amount_value.len().min(AMOUNT_FIELDS.len() + 1);
        let f = &self;
        ProgrammeInput {
            amounts: (0..n)
                .map(|i| AmountInput {
                    category: at(&self.amount_category, i),
                    amount: at(&self.amount_value, i),
                    effective_from: at(&self.amount_from, i),
                })
                .collect(),
            code: f.code.clone(),
            name: f.name.clone(),
            kind: f.kind.clone(),
            legal_basis: f.legal_basis.clone(),
            legal_date: f.legal_date.clone(),
            starts_on: f.starts_on.clone(),
            ends_on: f.ends_on.clone(),
            funding_source: f.funding_source.clone(),
            max_months: f.max_months.clone(),
            required_documents: f.required_documents.clone(),
            quota_total: f.quota_total.clone(),
            active: existing.then_some(matches!(self.active.as_str(), "on" | "true")),
            payment_rule: f.payment_rule.clone(),
        }
    }
}

/// An amount row of the form, with where its error goes.
pub struct AmountRow {
    category: String,
    amount: String,
    from: String,
    field: &'static str,
}

#[derive(askama::Template)]
#[template(path = "programmes/programme.html")]
struct ProgrammePage {
    ctx: PageCtx,
    programme: Option<Programme>,
    amounts: Vec<Amount>,
    form: ProgrammeInput,
    rows: Vec<AmountRow>,
    kinds: Vec<&'static str>,
    payment_rules: Vec<&'static str>,
    errors: FieldErrors,
    can_manage: bool,
    rules: crate::rules::Rules,
    incompatible: Vec<Programme>,
    names: crate::eligibility::explain::Names,
}

impl ProgrammePage {
    fn criterion_rule(&self, c: &crate::eligibility::Criterion) -> String {
        crate::eligibility::explain::rule_text(c, self.ctx.lang, &self.names)
    }

    fn pesos(&self, cents: &i64) -> String {
        programmes::pesos(*cents)
    }

    fn documents(&self) -> Vec<&str> {
        self.programme
            .as_ref()
            .and_then(|p| p.required_documents.as_deref())
            .map(|d| d.lines().filter(|l| !l.trim().is_empty()).collect())
            .unwrap_or_default()
    }
}

async fn programme_page(
    state: &AppState,
    ctx: PageCtx,
    user: &Authenticated,
    id: Option<Uuid>,
    form: Option<ProgrammeInput>,
    errors: FieldErrors,
) -> Result<Response, WebError> {
    let programme = match id {
        Some(id) => Some(
            programmes::find(&state.db, id)
                .await?
                .ok_or(WebError::NotFound)?,
        ),
        None => None,
    };
    let amounts = match &programme {
        Some(p) => programmes::amounts_of(&state.db, p.id).await?,
        None => Vec::new(),
    };
    let form = form.unwrap_or_else(|| match &programme {
        Some(p) => programmes::input_of(p, &amounts),
        None => ProgrammeInput {
            kind: programmes::KINDS[0].into(),
            ..Default::default()
        },
    });
    let blanks = AMOUNT_FIELDS
        .len()
        .saturating_sub(form.amounts.len())
        .min(3);
    let rows = form
        .amounts
        .iter()
        .cloned()
        .chain(std::iter::repeat_n(AmountInput::default(), blanks))
        .take(AMOUNT_FIELDS.len())
        .enumerate()
        .map(|(i, a)| AmountRow {
            category: a.category,
            amount: a.amount,
            from: a.effective_from,
            field: AMOUNT_FIELDS[i],
        })
        .collect();
    let (rules, incompatible) = match &programme {
        Some(p) => {
            let rules = crate::rules::read(&state.db, p.id).await?;
            let incompatible = programmes::all(&state.db)
                .await?
                .into_iter()
                .filter(|o| rules.incompatible_with.contains(&o.id))
                .collect();
            (rules, incompatible)
        }
        None => Default::default(),
    };
    let names =
        crate::eligibility::who::territory_names(&state.db, &rules.criteria, Vec::new()).await?;
    let status = if errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    page_with(
        status,
        ProgrammePage {
            rules,
            incompatible,
            names,
            ctx,
            programme,
            amounts,
            form,
            rows,
            kinds: programmes::KINDS.to_vec(),
            payment_rules: programmes::PAYMENT_RULES.to_vec(),
            errors,
            can_manage: user.access.can(Permission::ManageProgrammes),
        },
    )
}

/// `GET /programmes/new`.
pub async fn new_programme(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
) -> Result<Response, WebError> {
    programme_page(&state, ctx, &user, None, None, FieldErrors::new()).await
}

/// `GET /programmes/{id}`.
pub async fn show(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    programme_page(&state, ctx, &user, Some(id), None, FieldErrors::new()).await
}

/// `POST /programmes` and `POST /programmes/{id}`.
pub async fn save(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    id: Option<Path<Uuid>>,
    Form(form): Form<ProgrammeForm>,
) -> Result<Response, WebError> {
    let id = id.map(|Path(id)| id);
    let input = form.input(id.is_some());
    let done = match id {
        Some(id) => programmes::update(
            &state.db,
            &audit,
            id,
            &input,
            chrono::Utc::now().with_timezone(&state.tz).date_naive(),
        )
        .await
        .map(|()| id),
        None => programmes::create(&state.db, &audit, &input).await,
    };
    match done {
        Ok(id) => Ok(redirect_with_flash(
            &format!("/programmes/{id}"),
            "success",
            "programme-saved",
        )),
        Err(ProgrammeError::Invalid(errors)) => {
            programme_page(&state, ctx, &user, id, Some(input), errors).await
        }
        Err(e) => Err(e.into()),
    }
}
