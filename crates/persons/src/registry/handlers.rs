//! HTML handlers of the person registry: search first, then register; the person page
//! with its timeline and history; edit.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum_extra::extract::Form;
use serde::Deserialize;
use uuid::Uuid;

use crate::domain::{self, Cuil, DocumentType};
use crate::entity::person;
use crate::filters::{FilterError, PersonFilters};
use crate::input::{EDUCATION_LEVELS, EMPLOYMENT_STATUSES, PersonInput};
use crate::service::{self, PersonError, RegisterOutcome, display_name};
use crate::store::{self, PersonSort};
use crate::views::*;
use sipe_platform::access::{Access, Permission, ScopeKind};
use sipe_platform::ids::OfficeId;
use sipe_platform::ids::PersonId;
use sipe_platform::territory::views::Choice;
use sipe_platform::validation::FieldErrors;
use sipe_platform::web::auth::{Authenticated, Ctx};
use sipe_platform::web::page::redirect_with_flash;
use sipe_platform::web::table::{ListQuery, Pager};
use sipe_platform::web::{AppState, PageCtx, WebError};

/// Indexes a changed person at once on this node; on failure the follower catches up.
pub async fn reindex_now(state: &AppState, id: PersonId) {
    let Ok(index) = crate::index(state) else {
        return;
    };
    if let Err(e) = crate::search::indexer::refresh(&state.db, index, id.uuid()).await {
        tracing::warn!(person.id = %id, error = format!("{e:#}"), "indexing a changed person");
    }
}

async fn rows(state: &AppState, people: Vec<person::Model>) -> Result<Vec<PersonRow>, WebError> {
    let offices = sipe_platform::territory::store::office_codes(
        &state.db,
        people.iter().map(|p| OfficeId(p.office_id)),
    )
    .await?;
    Ok(people
        .into_iter()
        .map(|p| PersonRow {
            name: display_name(&p),
            office: offices
                .get(&OfficeId(p.office_id))
                .cloned()
                .unwrap_or_default(),
            person: p,
        })
        .collect())
}

/// Search and filters of `/persons`.
#[derive(Debug, Deserialize, Default)]
pub struct PersonListQuery {
    #[serde(flatten)]
    filters: PersonFilters,
    #[serde(flatten)]
    list: ListQuery,
}

/// The digits of a search that is a document number (dots, dashes and spaces dropped),
/// or nothing when it holds anything else.
fn document_digits(q: &str) -> String {
    let digits: String = q
        .chars()
        .filter(|c| !matches!(c, '.' | '-' | ' '))
        .collect();
    if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
        digits
    } else {
        String::new()
    }
}

/// `GET /persons`: one search box (DNI, CUIL or names), filters, results.
pub async fn list_persons(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Query(query): Query<PersonListQuery>,
) -> Result<Response, WebError> {
    let access: &Access = &user.access;
    let f = &query.filters;
    const SORTS: [&str; 3] = ["name", "birth_date", "updated_at"];
    // A search the list cannot serve (too deep, too long) is answered on the list page
    // itself, with the form as typed and the reason beside it.
    let (mut pager, mut problem) = match Pager::new("/persons", &query.list, &SORTS, false) {
        Ok(pager) => (pager, None),
        Err(_) => {
            let first = ListQuery {
                page: None,
                ..query.list.clone()
            };
            let pager = Pager::new("/persons", &first, &SORTS, false)
                .map_err(|e| WebError::Internal(e.into()))?;
            (
                pager,
                Some(SearchProblem::of("page", "error-422-page-body")),
            )
        }
    };
    for (k, v) in f.pairs() {
        pager = pager.keep(k, v);
    }
    let today = chrono::Utc::now().with_timezone(&state.tz).date_naive();
    let filter = match f.to_query(&state.db, access, today).await {
        Ok(filter) => Some(filter),
        Err(FilterError::Invalid(errors)) => {
            problem = errors.0.first().map(|e| SearchProblem::of(e.field, e.key));
            None
        }
        Err(e) => return Err(e.into()),
    };
    let people = match (&filter, &problem) {
        (Some(filter), None) => {
            let sort = match pager.sort.as_str() {
                "birth_date" => PersonSort::BirthDate,
                "updated_at" => PersonSort::UpdatedAt,
                _ => PersonSort::Name,
            };
            let (people, total) = store::search(
                &state.db,
                Some(crate::index(&state)?),
                access,
                filter,
                sort,
                pager.desc,
                pager.offset(),
                pager.per_page,
            )
            .await
            .map_err(sipe_platform::db::StoreError::from)?;
            pager.total = total;
            service::record_shown(
                &state.reads,
                &audit,
                "person.list",
                &f.query_string(),
                people.iter().map(|p| PersonId(p.id)),
            )
            .await?;
            // A whole document number that finds one person opens the record: the
            // operator typed the DNI of someone at the counter.
            if let [only] = people.as_slice()
                && total == 1
                && f.other_filters_empty()
                && only.doc_number == document_digits(&f.q)
            {
                use axum::response::IntoResponse;
                return Ok(
                    axum::response::Redirect::to(&format!("/persons/{}", only.id)).into_response(),
                );
            }
            people
        }
        _ => Vec::new(),
    };
    let searchable =
        sipe_platform::territory::store::offices_in_scope(&state.db, access, ScopeKind::Search)
            .await?;
    let offices = searchable
        .into_iter()
        .map(|o| Choice {
            selected: o.code == f.office,
            label: format!("{} — {}", o.code, o.name),
            value: o.code,
        })
        .collect();
    let departments =
        sipe_platform::territory::store::departments_of(&state.db, &state.config.province_code)
            .await?
            .into_iter()
            .map(|d| Choice {
                selected: d.code == f.department,
                value: d.code,
                label: d.name,
            })
            .collect();
    let choice = |prefix: &str, codes: &[&str], current: &str| -> Vec<Choice> {
        codes
            .iter()
            .map(|c| Choice {
                value: (*c).to_owned(),
                label: ctx.tp(prefix, c).into_owned(),
                selected: *c == current,
            })
            .collect()
    };
    let education = choice("isced-", &EDUCATION_LEVELS, &f.education);
    let employment = choice("employment-", &EMPLOYMENT_STATUSES, &f.employment);
    let occupation_label = if f.occupation.trim().is_empty() {
        None
    } else {
        let vocabulary = sipe_platform::taxonomy::handlers::occupation_vocabulary(&state).await?;
        f.occupation_group(&vocabulary)
            .map(|(g, l)| format!("{l} ({g})"))
    };
    let export_query = f.query_string();
    let page = PersonsPage {
        rows: rows(&state, people).await?,
        pager,
        searched: !f.q.trim().is_empty() || f.any(),
        filters: f.clone(),
        offices,
        departments,
        education,
        employment,
        occupation_label,
        export_query,
        saved: crate::saved::mine(&state.db, access.actor.user_id).await?,
        can_edit: access.can(Permission::EditPersons),
        can_export: access.can(Permission::CoordinatePersons),
        status: if problem.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        problem,
        ctx,
    };
    sipe_platform::web::render::page_with(page.status, page)
}

struct FormState {
    action: String,
    title_key: &'static str,
    errors: FieldErrors,
    duplicates: Vec<person::Model>,
    exists_elsewhere: bool,
}

async fn form_page(
    state: &AppState,
    ctx: PageCtx,
    access: &Access,
    form: PersonInput,
    f: FormState,
) -> Result<Response, WebError> {
    let departments =
        sipe_platform::territory::store::departments_of(&state.db, &state.config.province_code)
            .await?;
    let capture =
        sipe_platform::territory::store::offices_in_scope(&state.db, access, ScopeKind::Capture)
            .await?;
    let status = if f.errors.is_empty() && f.duplicates.is_empty() && !f.exists_elsewhere {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let choice = |value: &str, label: String, current: &str| Choice {
        value: value.to_owned(),
        label,
        selected: value == current,
    };
    let page = PersonFormPage {
        doc_types: DocumentType::ALL
            .iter()
            .map(|d| {
                choice(
                    d.as_str(),
                    ctx.t(d.label_key()).into_owned(),
                    &form.doc_type,
                )
            })
            .collect(),
        departments: departments
            .iter()
            .map(|d| choice(&d.code, d.name.clone(), &form.department_code))
            .collect(),
        offices: capture
            .iter()
            .filter(|o| o.active)
            .map(|o| {
                choice(
                    &o.code,
                    format!("{} — {}", o.code, o.name),
                    &form.office_code,
                )
            })
            .collect(),
        education: EDUCATION_LEVELS
            .iter()
            .map(|l| choice(l, ctx.tp("isced-", l).into_owned(), &form.education_level))
            .collect(),
        employment: EMPLOYMENT_STATUSES
            .iter()
            .map(|s| {
                choice(
                    s,
                    ctx.tp("employment-", s).into_owned(),
                    &form.employment_status,
                )
            })
            .collect(),
        duplicates: rows(state, f.duplicates).await?,
        exists_elsewhere: f.exists_elsewhere,
        action: f.action,
        title_key: f.title_key,
        errors: f.errors,
        form,
        ctx,
    };
    sipe_platform::web::render::page_with(status, page)
}

fn new_state(errors: FieldErrors) -> FormState {
    FormState {
        action: "/persons".into(),
        title_key: "person-new-title",
        errors,
        duplicates: Vec::new(),
        exists_elsewhere: false,
    }
}

/// Query of the registration form: what was searched for.
#[derive(Debug, Deserialize, Default)]
pub struct NewQuery {
    #[serde(default)]
    q: String,
}

/// `GET /persons/new`: the form, with the searched document prefilled.
pub async fn new_person(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Query(q): Query<NewQuery>,
) -> Result<Response, WebError> {
    let digits: String = q.q.chars().filter(|c| c.is_ascii_digit()).collect();
    // What was searched comes along: a DNI to its field, a name (surnames first, as
    // people say it at the counter) to the surnames.
    let words: String =
        q.q.split_whitespace()
            .filter(|w| w.chars().any(char::is_alphabetic))
            .collect::<Vec<_>>()
            .join(" ");
    let form = PersonInput {
        doc_type: "dni".into(),
        doc_number: if (7..=8).contains(&digits.len()) {
            digits
        } else {
            String::new()
        },
        surnames: words.chars().take(100).collect(),
        nationality: "AR".into(),
        ..Default::default()
    };
    form_page(
        &state,
        ctx,
        &user.access,
        form,
        new_state(FieldErrors::new()),
    )
    .await
}

/// `POST /persons`: register, or explain why not.
pub async fn create_person(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Form(form): Form<PersonInput>,
) -> Result<Response, WebError> {
    match service::register(&state.db, &audit, &user.access, state.tz, &form).await {
        Ok(RegisterOutcome::Created(id)) => {
            reindex_now(&state, PersonId(id)).await;
            Ok(redirect_with_flash(
                &format!("/persons/{id}"),
                "success",
                "person-created",
            ))
        }
        Ok(RegisterOutcome::Exists { id, visible: true }) => Ok(redirect_with_flash(
            &format!("/persons/{id}"),
            "error",
            "person-already-registered",
        )),
        Ok(RegisterOutcome::Exists { visible: false, .. }) => {
            let f = FormState {
                exists_elsewhere: true,
                ..new_state(FieldErrors::new())
            };
            form_page(&state, ctx, &user.access, form, f).await
        }
        Ok(RegisterOutcome::PossibleDuplicates(list)) => {
            let f = FormState {
                duplicates: list,
                ..new_state(FieldErrors::new())
            };
            form_page(&state, ctx, &user.access, form, f).await
        }
        Err(PersonError::Invalid(errors)) => {
            form_page(&state, ctx, &user.access, form, new_state(errors)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /persons/{id}`: the person, the timeline and the field history (audited read).
pub async fn show_person(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    let access: &Access = &user.access;
    let p = store::find_person(&state.db, access, ScopeKind::View, PersonId(id))
        .await?
        .ok_or(WebError::NotFound)?;
    if let Some(kept) = p.merged_into {
        return Ok(redirect_with_flash(
            &format!("/persons/{kept}"),
            "success",
            "person-was-merged",
        ));
    }
    service::record_read(&state.reads, &audit, PersonId(id)).await?;
    let office =
        sipe_platform::territory::store::office_by_id(&state.db, OfficeId(p.office_id)).await?;
    let department = match &p.department_code {
        Some(code) => sipe_platform::territory::store::find_territory(&state.db, code)
            .await?
            .map(|t| t.name),
        None => None,
    };
    let (events, _) = store::timeline(&state.db, id, 0, 100).await?;
    let changes = store::changes(&state.db, id)
        .await?
        .into_iter()
        .map(|c| ChangeRow::of(ctx.lang, c))
        .collect();
    let can_edit = access.can(Permission::EditPersons)
        && office
            .as_ref()
            .is_some_and(|o| access.capture.includes_path(&o.path));
    let items = crate::profile::items(&state.db, id).await?;
    let sections = item_sections(&ctx, items);
    let interviews = crate::interview::list(&state.db, id).await?;
    let facts = crate::module::PersonFacts {
        access,
        id,
        employment_status: p.employment_status.clone(),
        can_edit,
    };
    let module_sections = crate::module::person_sections(&state, &ctx, &facts).await?;
    let page = PersonPage {
        module_sections,
        name: display_name(&p),
        age: domain::age(
            p.birth_date,
            chrono::Utc::now().with_timezone(&state.tz).date_naive(),
        ),
        office: office
            .map(|o| format!("{} — {}", o.code, o.name))
            .unwrap_or_default(),
        department: department.unwrap_or_default(),
        cuil: p
            .cuil
            .as_deref()
            .and_then(|c| Cuil::parse(c).ok())
            .map(|c| c.formatted())
            .unwrap_or_default(),
        events,
        changes,
        can_edit,
        can_coordinate: access.can(Permission::CoordinatePersons),
        sections,
        interviews,
        person: p,
        ctx,
    };
    sipe_platform::web::render::page_with(StatusCode::OK, page)
}

/// Groups items by kind and words them for the page.
fn item_sections(
    ctx: &PageCtx,
    items: Vec<crate::entity::profile_item::Model>,
) -> Vec<ItemSection> {
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.format("%d/%m/%Y").to_string());
    let today = chrono::Utc::now().with_timezone(&ctx.tz).date_naive();
    let uncoded = |i: &crate::entity::profile_item::Model| {
        if i.code == crate::profile::UNCODED {
            format!("{} · ", ctx.t("occupation-uncoded-badge"))
        } else {
            String::new()
        }
    };
    crate::profile::ITEM_KINDS
        .iter()
        .map(|kind| ItemSection {
            kind,
            rows: items
                .iter()
                .filter(|i| i.kind == *kind)
                .map(|i| {
                    let level = i.level.clone().unwrap_or_default();
                    let (text, detail) = match *kind {
                        "work" => (
                            i.label.clone(),
                            format!(
                                "{}{} · {} – {}{}",
                                uncoded(i),
                                i.employer.clone().unwrap_or_default(),
                                date(i.from_date).unwrap_or_default(),
                                date(i.to_date)
                                    .unwrap_or_else(|| ctx.t("item-ongoing").into_owned()),
                                i.note
                                    .as_ref()
                                    .map(|n| format!(" · {n}"))
                                    .unwrap_or_default()
                            ),
                        ),
                        "skill" => {
                            let mut parts = Vec::new();
                            if !level.is_empty() {
                                parts.push(ctx.tp("skill-level-", &level).into_owned());
                            }
                            if let Some(code) =
                                crate::profile::certificate_of(i.evidence.as_deref())
                            {
                                parts.push(ctx.t1("skill-certified-by", "code", code));
                            }
                            (i.label.clone(), parts.join(" · "))
                        }
                        "language" => (
                            ctx.tp("lang-", &i.code).into_owned(),
                            ctx.tp("lang-level-", &level).into_owned(),
                        ),
                        "licence" => (
                            ctx.tp("licence-", &i.code).into_owned(),
                            match i.to_date {
                                // An expired licence is said so: it does not count for
                                // vacancies that ask for one.
                                Some(d) if d < today => {
                                    ctx.t1("licence-expired", "date", d.format("%d/%m/%Y"))
                                }
                                d => date(d)
                                    .map(|d| format!("{} {d}", ctx.t("item-to-licence")))
                                    .unwrap_or_default(),
                            },
                        ),
                        "benefit" => (
                            ctx.tp("benefit-", &i.code).into_owned(),
                            [date(i.from_date), date(i.to_date), i.note.clone()]
                                .into_iter()
                                .flatten()
                                .collect::<Vec<_>>()
                                .join(" · "),
                        ),
                        "consent" => (
                            ctx.tp("consent-purpose-", &i.code).into_owned(),
                            format!(
                                "{} · {}",
                                ctx.tp("consent-basis-", &level),
                                date(i.from_date).unwrap_or_default()
                            ),
                        ),
                        _ if i.code == crate::profile::UNCODED => (
                            format!("{level}. {}", i.label),
                            ctx.t("occupation-uncoded-badge").into_owned(),
                        ),
                        // An occupation a competency certificate certifies has no rank.
                        _ => match crate::profile::certificate_of(i.evidence.as_deref()) {
                            Some(code) => (
                                i.label.clone(),
                                format!(
                                    "{} · {}",
                                    ctx.t1("skill-certified-by", "code", code),
                                    i.code
                                ),
                            ),
                            None => (format!("{level}. {}", i.label), i.code.clone()),
                        },
                    };
                    ItemRow {
                        id: i.id,
                        text,
                        detail,
                    }
                })
                .collect(),
        })
        .collect()
}

fn to_input(p: &person::Model) -> PersonInput {
    let flag = |b: bool| if b { "on".to_owned() } else { String::new() };
    PersonInput {
        doc_type: p.doc_type.clone(),
        doc_number: p.doc_number.clone(),
        cuil: p.cuil.clone().unwrap_or_default(),
        surnames: p.surnames.clone(),
        names: p.names.clone(),
        chosen_name: p.chosen_name.clone().unwrap_or_default(),
        birth_date: p.birth_date.to_string(),
        sex: p.sex.clone(),
        gender: p.gender.clone().unwrap_or_default(),
        nationality: p.nationality.clone(),
        marital_status: p.marital_status.clone().unwrap_or_default(),
        phone: p.phone.clone().unwrap_or_default(),
        email: p.email.clone().unwrap_or_default(),
        whatsapp_consent: flag(p.whatsapp_consent),
        sms_consent: flag(p.sms_consent),
        email_consent: flag(p.email_consent),
        street: p.street.clone(),
        street_number: p.street_number.clone(),
        floor_unit: p.floor_unit.clone(),
        locality: p.locality.clone(),
        department_code: p.department_code.clone().unwrap_or_default(),
        province_code: p.province_code.clone().unwrap_or_default(),
        postal_code: p.postal_code.clone(),
        education_level: p.education_level.clone().unwrap_or_default(),
        employment_status: p.employment_status.clone().unwrap_or_default(),
        office_code: String::new(),
        confirm_duplicates: String::new(),
    }
}

fn edit_state(id: Uuid, errors: FieldErrors) -> FormState {
    FormState {
        action: format!("/persons/{id}"),
        title_key: "person-edit-title",
        errors,
        duplicates: Vec::new(),
        exists_elsewhere: false,
    }
}

/// `GET /persons/{id}/edit`.
pub async fn edit_person(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    let p = store::find_person(&state.db, &user.access, ScopeKind::Capture, PersonId(id))
        .await?
        .ok_or(WebError::NotFound)?;
    // The form shows the whole record: a read like the person page.
    service::record_read(&state.reads, &audit, PersonId(id)).await?;
    let mut form = to_input(&p);
    form.office_code =
        sipe_platform::territory::store::office_by_id(&state.db, OfficeId(p.office_id))
            .await?
            .map(|o| o.code)
            .unwrap_or_default();
    form_page(
        &state,
        ctx,
        &user.access,
        form,
        edit_state(id, FieldErrors::new()),
    )
    .await
}

/// `POST /persons/{id}`.
pub async fn update_person(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    Form(form): Form<PersonInput>,
) -> Result<Response, WebError> {
    match service::update(&state.db, &audit, &user.access, state.tz, id, &form).await {
        Ok(()) => {
            reindex_now(&state, PersonId(id)).await;
            Ok(redirect_with_flash(
                &format!("/persons/{id}"),
                "success",
                "person-updated",
            ))
        }
        Err(PersonError::Invalid(errors)) => {
            form_page(&state, ctx, &user.access, form, edit_state(id, errors)).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `GET /persons/{id}/certificate`: the registration certificate with the person's work
/// profile, for the person to take away (view scope; audited as a read of the record).
pub async fn certificate(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
) -> Result<Response, WebError> {
    let p = service::read_person(&state.db, &state.reads, &audit, &user.access, id).await?;
    let office = sipe_platform::territory::store::office_by_id(&state.db, OfficeId(p.office_id))
        .await?
        .map(|o| (o.name, o.address, o.phone))
        .unwrap_or_default();
    let items = crate::profile::items(&state.db, id).await?;
    let sections = item_sections(&ctx, items)
        .into_iter()
        .filter(|s| !s.rows.is_empty() && s.kind != "consent" && s.kind != "benefit")
        .collect();
    let today = chrono::Utc::now()
        .with_timezone(&state.tz)
        .date_naive()
        .format("%d/%m/%Y")
        .to_string();
    let name = display_name(&p);
    let since = p
        .created_at
        .with_timezone(&state.tz)
        .date_naive()
        .format("%d/%m/%Y")
        .to_string();
    let statement = ctx.lang.t_args(
        "certificate-statement",
        &[
            ("name", name.clone()),
            ("office", office.0.clone()),
            ("date", since),
        ],
    );
    let page = CertificatePage {
        statement,
        name,
        cuil: p
            .cuil
            .as_deref()
            .and_then(|c| Cuil::parse(c).ok())
            .map(|c| c.formatted())
            .unwrap_or_default(),
        person: p,
        office,
        sections,
        today,
        ctx,
    };
    sipe_platform::web::render::page(page)
}
