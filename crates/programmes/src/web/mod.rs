//! The module's HTML: the programmes, its section on the person page, and the bank
//! account form.

pub mod applications;
pub mod catalogue;
pub mod compliance;
pub mod national;
pub mod payments;
pub mod rules;

use axum::extract::{Path, State};
use axum::response::Response;
use axum_extra::extract::Form;
use uuid::Uuid;

use crate::bank::AccountInput;
use crate::bank::store::{self, BankAccount};
use crate::eligibility::explain::{Eligibility, Outcome};
use crate::error::ProgrammeError;
use sipe_persons::module::{PersonFacts, PersonSection};
use sipe_platform::access::Permission;
use sipe_platform::module::BoxFuture;
use sipe_platform::web::auth::{Authenticated, Ctx};
use sipe_platform::web::page::redirect_with_flash;
use sipe_platform::web::{AppState, PageCtx, WebError};

/// Records which people a page lists: one row of the read log per request, before the
/// page is shown.
pub(crate) async fn shown(
    state: &AppState,
    audit: &sipe_platform::audit::AuditCtx,
    action: &str,
    people: impl Iterator<Item = Uuid>,
) -> Result<(), WebError> {
    sipe_persons::service::record_shown(
        &state.reads,
        audit,
        action,
        "",
        people.map(sipe_platform::ids::PersonId),
    )
    .await
    .map_err(|e| WebError::Internal(anyhow::anyhow!(e.to_string())))
}

#[derive(askama::Template)]
#[template(path = "programmes/person_section.html")]
struct SectionView<'a> {
    ctx: &'a PageCtx,
    person_id: Uuid,
    account: Option<BankAccount>,
    can_edit: bool,
    eligibility: Vec<(crate::programmes::Programme, Eligibility)>,
    applications: Vec<crate::applications::store::Row>,
    apply_choices: Vec<sipe_platform::web::form::Choice>,
    national: Vec<crate::national::store::Benefit>,
}

impl SectionView<'_> {
    fn sentence(&self, o: &Outcome) -> String {
        o.sentence(self.ctx.lang)
    }

    /// The person in each programme's newest list: "Cobra Progresar (marzo 2026,
    /// $ 35.000,00)", or suspended or ended there.
    fn receiving(&self) -> Vec<String> {
        self.national
            .iter()
            .filter(|b| b.newest)
            .map(|b| {
                let month = crate::national::month_words(self.ctx.lang, b.period);
                let when = match b.amount_cents {
                    Some(c) if b.receiving() => {
                        format!("{month}, {}", crate::programmes::pesos(c))
                    }
                    _ => month,
                };
                let key = match b.status.as_str() {
                    "active" => "national-receives",
                    "suspended" => "national-suspended",
                    _ => "national-ended",
                };
                self.ctx
                    .lang
                    .t_args(key, &[("name", b.name.clone()), ("when", when)])
            })
            .collect()
    }

    fn receives_any(&self) -> bool {
        self.national.iter().any(|b| b.receiving())
    }

    fn month(&self, d: &chrono::NaiveDate) -> String {
        crate::national::month_words(self.ctx.lang, *d)
    }

    fn pesos(&self, cents: &Option<i64>) -> String {
        cents.map_or_else(|| "—".to_owned(), crate::programmes::pesos)
    }
}

/// The person's programmes on their page: for now, where payments go.
pub struct ProgrammesSection;

impl PersonSection for ProgrammesSection {
    fn render<'a>(
        &'a self,
        state: &'a AppState,
        ctx: &'a PageCtx,
        person: &'a PersonFacts<'a>,
    ) -> BoxFuture<'a, Result<Option<String>, WebError>> {
        Box::pin(async move {
            if !person.access.can(Permission::ViewProgrammes) {
                return Ok(None);
            }
            let eligibility = crate::eligibility::who::in_force_for(
                &state.db,
                person.access,
                sipe_platform::ids::PersonId(person.id),
                chrono::Utc::now().with_timezone(&state.tz).date_naive(),
                ctx.lang,
            )
            .await?
            .unwrap_or_default();
            let apply_choices = eligibility
                .iter()
                .map(|(p, v)| sipe_platform::web::form::Choice {
                    value: p.id.to_string(),
                    label: if v.eligible {
                        format!("{} — {}", p.code, p.name)
                    } else {
                        format!(
                            "{} — {} ({})",
                            p.code,
                            p.name,
                            ctx.t("programme-eligible-no")
                        )
                    },
                    selected: false,
                })
                .collect();
            // National lists are kept by CUIL; the person is in the reader's view scope
            // (the page checked it), and this section is part of that audited read.
            let cuil = sipe_persons::store::find_person(
                &state.db,
                person.access,
                sipe_platform::access::ScopeKind::View,
                sipe_platform::ids::PersonId(person.id),
            )
            .await?
            .and_then(|p| p.cuil);
            let national = match cuil {
                Some(c) => crate::national::store::of_cuil(&state.db, &c).await?,
                None => Vec::new(),
            };
            let view = SectionView {
                ctx,
                national,
                person_id: person.id,
                account: store::of_person(&state.db, person.id)
                    .await?
                    .map(|a| a.for_reader(person.access)),
                can_edit: person.can_edit && person.access.can(Permission::EditProgrammes),
                eligibility,
                apply_choices,
                applications: crate::applications::store::of_person(&state.db, person.id).await?,
            };
            Ok(Some(
                askama::Template::render(&view).map_err(anyhow::Error::from)?,
            ))
        })
    }
}

/// `POST /persons/{id}/bank-account` (`cbu` or `alias`): back to the person page, which
/// says what happened.
pub async fn save_account(
    State(state): State<AppState>,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(id): Path<Uuid>,
    Form(form): Form<AccountInput>,
) -> Result<Response, WebError> {
    let back = format!("/persons/{id}#bank-account");
    match store::set(&state.db, &audit, &user.access, id, &form).await {
        Ok(_) => Ok(redirect_with_flash(&back, "success", "bank-account-saved")),
        Err(ProgrammeError::Invalid(errors)) => Ok(redirect_with_flash(
            &back,
            "error",
            errors.0.first().map_or("form-has-errors", |e| e.key),
        )),
        Err(e) => Err(e.into()),
    }
}
