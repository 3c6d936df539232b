//! `sipe demo`: bank accounts for the unemployed people of two offices (most a CBU, some
//! an alias), recorded through the ordinary use case.

use sipe_platform::access::Access;
use sipe_platform::audit::AuditCtx;
use sipe_platform::ids::OfficeId;
use sipe_platform::module::{DemoStage, DemoStep};

use crate::bank::AccountInput;

/// Programmes' steps of `sipe demo`.
pub const STEPS: &[DemoStep] = &[
    DemoStep {
        name: "programmes-catalogue",
        stage: DemoStage::Partners,
        run: |ctx| Box::pin(seed_programmes(ctx.db)),
    },
    DemoStep {
        name: "programmes-accounts",
        stage: DemoStage::Profiles,
        run: |ctx| Box::pin(seed_accounts(ctx.db)),
    },
    DemoStep {
        name: "programmes-applications",
        stage: DemoStage::Activity,
        run: |ctx| Box::pin(seed_applications(ctx.db, &ctx.config.data_dir)),
    },
    DemoStep {
        name: "programmes-placements",
        stage: DemoStage::Activity,
        run: |ctx| Box::pin(seed_placements(ctx.db)),
    },
    DemoStep {
        name: "programmes-national",
        stage: DemoStage::Activity,
        run: |ctx| Box::pin(seed_national(ctx.db, ctx.config)),
    },
    DemoStep {
        name: "programmes-compliance",
        stage: DemoStage::Activity,
        run: |ctx| Box::pin(seed_compliance(ctx.db, ctx.config.tz())),
    },
];

/// (code, name, kind, resolution, months, quota, [(category, amount, from)], documents)
type Seed = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str, &'static str)],
    &'static str,
);

const PROGRAMMES: [Seed; 3] = [
    (
        "PEJ",
        "Jóvenes con Futuro Tucumán",
        "training_stipend",
        "Resolución 45/2026 SE",
        "12",
        "1200",
        &[
            ("general", "85.000", "2026-01-01"),
            ("general", "97.500", "2026-07-01"),
        ],
        "DNI\nConstancia de CUIL\nConstancia de estudios",
    ),
    (
        "ETT",
        "Entrenamiento para el Trabajo",
        "work_placement",
        "Resolución 112/2026 SE",
        "6",
        "600",
        &[
            ("general", "120.000", "2026-01-01"),
            ("con hijos", "135.000", "2026-01-01"),
        ],
        "DNI\nConstancia de CUIL\nConvenio firmado con la empresa",
    ),
    (
        "INS",
        "Inserción Laboral — subsidio al salario",
        "wage_subsidy",
        "Resolución 131/2026 SE",
        "12",
        "",
        &[("general", "150.000", "2026-03-01")],
        "Alta temprana en ARCA\nContrato de trabajo",
    ),
];

/// The secretariat's three programmes; nothing when there are some already.
async fn seed_programmes(db: &sipe_platform::db::Db) -> anyhow::Result<String> {
    use crate::programmes::{self, AmountInput, ProgrammeInput};
    let pager =
        sipe_platform::web::table::Pager::new("/", &Default::default(), &programmes::SORTS, false)?;
    // Each one once, by code: a run stopped half-way completes on the next.
    let existing: Vec<String> = programmes::list(db, "", &pager)
        .await?
        .0
        .into_iter()
        .map(|p| p.code)
        .collect();
    let ctx = AuditCtx::system();
    let mut added = 0;
    for (code, name, kind, legal, months, quota, amounts, docs) in PROGRAMMES {
        if existing.iter().any(|c| c == code) {
            continue;
        }
        added += 1;
        programmes::create(
            db,
            &ctx,
            &ProgrammeInput {
                code: code.into(),
                name: name.into(),
                kind: kind.into(),
                legal_basis: legal.into(),
                legal_date: "2025-12-15".into(),
                starts_on: "2026-01-01".into(),
                ends_on: "2027-12-31".into(),
                funding_source: "Presupuesto provincial, Secretaría de Empleo".into(),
                max_months: months.into(),
                quota_total: quota.into(),
                required_documents: docs.into(),
                amounts: amounts
                    .iter()
                    .map(|(category, amount, from)| AmountInput {
                        category: (*category).into(),
                        amount: (*amount).into(),
                        effective_from: (*from).into(),
                    })
                    .collect(),
                active: None,
                payment_rule: String::new(),
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("demo programme {code}: {e}"))?;
    }
    let ruled = seed_rules(db, &ctx).await?;
    Ok(if added == 0 && ruled == 0 {
        String::new()
    } else {
        format!("{added} employment programmes, rules of {ruled}")
    })
}

/// Criteria, office quotas and one incompatibility (PEJ with ETT), for each demo
/// programme that has no criteria yet.
async fn seed_rules(db: &sipe_platform::db::Db, ctx: &AuditCtx) -> anyhow::Result<usize> {
    use crate::eligibility::Criterion;
    use crate::rules::{OfficeQuotaInput, RulesInput};
    let all = crate::programmes::all(db).await?;
    let id_of = |code: &str| all.iter().find(|p| p.code == code).map(|p| p.id);
    let unemployed = || Criterion::Employment {
        statuses: vec!["unemployed".into()],
        min_months_unemployed: None,
    };
    let quota = |office: &str, quota| OfficeQuotaInput {
        office_code: office.into(),
        quota,
    };
    let mut ruled = 0;
    for p in &all {
        let (criteria, quotas, incompatible) = match p.code.as_str() {
            "PEJ" => (
                vec![
                    Criterion::Age {
                        min: 18,
                        max: 24,
                        on: None,
                    },
                    unemployed(),
                    Criterion::Education { max_level: 3 },
                ],
                vec![quota("OE-CAP-01", 40), quota("OE-CAP-02", 30)],
                id_of("ETT").into_iter().collect(),
            ),
            "ETT" => (
                vec![
                    Criterion::Age {
                        min: 18,
                        max: 64,
                        on: None,
                    },
                    unemployed(),
                ],
                vec![quota("OE-CAP-01", 20), quota("OE-CAP-02", 20)],
                id_of("PEJ").into_iter().collect(),
            ),
            "INS" => (
                vec![
                    Criterion::Age {
                        min: 18,
                        max: 64,
                        on: None,
                    },
                    unemployed(),
                ],
                vec![],
                vec![],
            ),
            _ => continue,
        };
        if !crate::eligibility::store::of(db, p.id).await?.is_empty() {
            continue;
        }
        let input = RulesInput {
            criteria,
            office_quotas: quotas,
            incompatible_with: incompatible,
        };
        crate::rules::set(db, ctx, p.id, &input)
            .await
            .map_err(|e| anyhow::anyhow!("rules of demo programme {}: {e}", p.code))?;
        ruled += 1;
    }
    Ok(ruled)
}

/// Banks of the province (Banco Macro, Nación, Galicia, Santander, Credicoop).
const BANKS: [&str; 5] = ["2850590", "0110401", "0070999", "0720035", "1910059"];

async fn seed_accounts(db: &sipe_platform::db::Db) -> anyhow::Result<String> {
    let ctx = AuditCtx::system();
    let system = Access::system("demo");
    let mut recorded = 0;
    for code in ["OE-CAP-01", "OE-CAP-02"] {
        let Some(office) = sipe_platform::territory::store::find_office_by_code(db, code).await?
        else {
            continue;
        };
        let people = sipe_persons::store::unemployed_of_office(db, OfficeId(office.id), 40).await?;
        for (n, p) in people.iter().enumerate() {
            if crate::bank::store::of_person(db, p.uuid()).await?.is_some() {
                continue;
            }
            let input = if n % 5 == 4 {
                AccountInput {
                    cbu: None,
                    alias: Some(format!("demo.cuenta.{:04}", n + recorded)),
                }
            } else {
                let account = format!("{:013}", 4_000_000_000_000u64 + (recorded as u64) * 7_919);
                AccountInput {
                    cbu: crate::bank::cbu_with_checks(BANKS[n % BANKS.len()], &account),
                    alias: None,
                }
            };
            crate::bank::store::set(db, &ctx, &system, p.uuid(), &input)
                .await
                .map_err(|e| anyhow::anyhow!("bank account of a demo person: {e}"))?;
            recorded += 1;
        }
    }
    Ok(format!(
        "{recorded} bank accounts of programme beneficiaries"
    ))
}

/// The steps that take an application (sent) to each state shown in the demo.
const PATHS: [&[&str]; 9] = [
    &[],
    &["review"],
    &["review", "reject"],
    &["approve"],
    &["approve", "activate"],
    &["approve", "activate"],
    &["approve", "activate", "suspend"],
    &["approve", "activate", "finish"],
    &["approve", "activate"],
];

/// Applications to PEJ in every state, for eligible people of the first capital office
/// (each person once: a run stopped half-way goes on with the next people).
async fn seed_applications(
    db: &sipe_platform::db::Db,
    data_dir: &std::path::Path,
) -> anyhow::Result<String> {
    use crate::applications::service::{self, ApplyInput, StepInput};
    let ctx = AuditCtx::system();
    let system = Access::system("demo");
    let today = chrono::Utc::now().date_naive();
    let Some(pej) = crate::programmes::all(db)
        .await?
        .into_iter()
        .find(|p| p.code == "PEJ")
    else {
        return Ok(String::new());
    };
    let Some(office) =
        sipe_platform::territory::store::find_office_by_code(db, "OE-CAP-01").await?
    else {
        return Ok(String::new());
    };
    let criteria = crate::eligibility::store::of(db, pej.id).await?;
    let pager = sipe_platform::web::table::Pager::new(
        "/",
        &sipe_platform::web::table::ListQuery {
            per_page: Some("100".into()),
            ..Default::default()
        },
        &["name"],
        false,
    )?;
    let (people, _) =
        crate::eligibility::who::page(db, &system, pej.id, &criteria, today, &pager).await?;
    let people: Vec<_> = people
        .into_iter()
        .filter(|p| p.office_id == office.id)
        .take(PATHS.len() + 2)
        .collect();
    let this_month = today - chrono::Duration::days(i64::from(chrono::Datelike::day(&today)) - 1);
    let started = this_month
        .checked_sub_months(chrono::Months::new(2))
        .unwrap_or(this_month);
    let mut added = 0;
    for (n, p) in people.iter().enumerate() {
        if !crate::applications::store::of_person(db, p.id)
            .await?
            .is_empty()
        {
            continue;
        }
        // Beneficiaries are paid into an account (all but the last, who shows the gap).
        if n + 1 < people.len() && crate::bank::store::of_person(db, p.id).await?.is_none() {
            let account = format!("{:013}", 5_000_000_000_000u64 + (n as u64) * 7_919);
            let input = AccountInput {
                cbu: crate::bank::cbu_with_checks(BANKS[n % BANKS.len()], &account),
                alias: None,
            };
            crate::bank::store::set(db, &ctx, &system, p.id, &input)
                .await
                .map_err(|e| anyhow::anyhow!("bank account of a demo applicant: {e}"))?;
        }
        let id = service::apply(
            db,
            &ctx,
            &system,
            &ApplyInput {
                programme_id: pej.id,
                person_id: p.id,
                category: String::new(),
                submit: n > 0,
            },
            today,
        )
        .await
        .map_err(|e| anyhow::anyhow!("demo application: {e}"))?;
        added += 1;
        let path = PATHS.get(n.saturating_sub(1)).copied().unwrap_or(&[]);
        // The programme's documents, attached before approval (a scanned page each).
        if path.contains(&"approve") {
            for document in crate::documents::required(&pej) {
                let upload = crate::documents::Upload {
                    document: &document,
                    file_name: &format!("{}.pdf", document.to_lowercase().replace(' ', "-")),
                    bytes: DEMO_PDF,
                };
                crate::documents::attach(db, &ctx, &system, data_dir, id, upload)
                    .await
                    .map_err(|e| anyhow::anyhow!("demo document: {e}"))?;
            }
        }
        for (v, action) in path.iter().enumerate() {
            let reason = match *action {
                "reject" => "missing_documents",
                "suspend" => "absences",
                "finish" => "completed",
                _ => "",
            };
            service::step(
                db,
                &ctx,
                &system,
                id,
                &StepInput {
                    action: (*action).into(),
                    version: v as i32 + 1,
                    reason: reason.into(),
                    note: String::new(),
                    // Started two months ago, so the demo has months to pay.
                    date: if *action == "activate" {
                        started.to_string()
                    } else {
                        String::new()
                    },
                },
                today,
            )
            .await
            .map_err(|e| anyhow::anyhow!("demo application step {action}: {e}"))?;
        }
    }
    let runs = seed_runs(db, pej.id, started, today).await?;
    Ok(if added == 0 && runs == 0 {
        String::new()
    } else {
        format!("{added} applications to PEJ in every state, {runs} closed monthly runs")
    })
}

/// The two months before this one paid: computed by the programme manager, approved by
/// the administrator (a second user), the payment file taken; the first month's bank
/// result rejects one payment. Months already run are left as they are.
async fn seed_runs(
    db: &sipe_platform::db::Db,
    programme: uuid::Uuid,
    first: chrono::NaiveDate,
    today: chrono::NaiveDate,
) -> anyhow::Result<usize> {
    use crate::payments::{service, store};
    let as_user = |username: &str| {
        let username = username.to_owned();
        async move {
            let user = sipe_platform::access::store::find_user_by_username(db, &username)
                .await?
                .ok_or_else(|| anyhow::anyhow!("demo user {username} missing"))?;
            anyhow::Ok(AuditCtx {
                actor_id: Some(user.id),
                actor_name: username,
                ip: None,
                request_id: None,
            })
        }
    };
    let (manager, admin) = (as_user("programas").await?, as_user("admin").await?);
    let mut done = 0;
    for (i, month) in [
        first,
        first
            .checked_add_months(chrono::Months::new(1))
            .unwrap_or(first),
    ]
    .into_iter()
    .enumerate()
    {
        if store::of_month(db, programme, month).await?.is_some() {
            continue;
        }
        let (id, _) = service::compute(db, &manager, programme, month, today)
            .await
            .map_err(|e| anyhow::anyhow!("demo run: {e}"))?;
        service::approve(db, &admin, id, 1)
            .await
            .map_err(|e| anyhow::anyhow!("demo run approval: {e}"))?;
        service::export(db, &manager, id, None)
            .await
            .map_err(|e| anyhow::anyhow!("demo payment file: {e}"))?;
        if i == 0 {
            let lines = store::paid_lines(db, id).await?;
            let mut result = String::from("cuil,estado,motivo\n");
            for (n, l) in lines.iter().enumerate() {
                let Some(cuil) = &l.cuil else { continue };
                result.push_str(&if n == 0 {
                    format!("{cuil},rechazado,CBU inexistente\n")
                } else {
                    format!("{cuil},pagado,\n")
                });
            }
            service::reconcile(db, &manager, id, result.as_bytes())
                .await
                .map_err(|e| anyhow::anyhow!("demo bank result: {e}"))?
                .map_err(|p| anyhow::anyhow!("demo bank result: {p:?}"))?;
        }
        done += 1;
    }
    Ok(done)
}

/// One active PEJ beneficiary hired through intermediation ten days ago, then the
/// compliance check run: the queue proposes ending that stay as hired.
async fn seed_compliance(db: &sipe_platform::db::Db, tz: chrono_tz::Tz) -> anyhow::Result<String> {
    use sipe_intermediation::referrals::service::{
        self as referrals, ReferralInput, TransitionInput,
    };
    let ctx = AuditCtx::system();
    let system = Access::system("demo");
    let today = chrono::Utc::now().with_timezone(&tz).date_naive();
    let Some(pej) = crate::programmes::all(db)
        .await?
        .into_iter()
        .find(|p| p.code == "PEJ")
    else {
        return Ok(String::new());
    };
    let filter = crate::applications::store::Filter {
        programme: Some(pej.id),
        state: Some("active".into()),
        ..Default::default()
    };
    let pager = sipe_platform::web::table::Pager::new(
        "/",
        &sipe_platform::web::table::ListQuery::default(),
        &crate::applications::store::SORTS,
        false,
    )?;
    let (active, _) = crate::applications::store::list(db, &system, &filter, &pager).await?;
    let hired_on = today - chrono::Days::new(10);
    if let Some(a) = active
        .iter()
        .find(|a| a.starts_on.is_some_and(|s| s <= hired_on))
        && sipe_intermediation::referrals::placement_starts(db, &[a.person_id])
            .await?
            .is_empty()
    {
        let vacancies = sipe_intermediation::vacancies::store::list_vacancies(
            db,
            &system,
            &sipe_intermediation::vacancies::store::VacancyFilter {
                state: Some("open".into()),
                ..Default::default()
            },
            &pager,
        )
        .await?
        .0;
        for v in vacancies {
            let input = ReferralInput {
                vacancy_id: Some(v.id),
                person_id: Some(a.person_id),
                internal_note: String::new(),
                employer_note: String::new(),
                origin: String::new(),
            };
            // Already referred there (or the vacancy is full): the next one.
            let Ok(id) = referrals::refer(db, &ctx, &system, &input).await else {
                continue;
            };
            for to in ["sent", "hired"] {
                let step = TransitionInput {
                    to: to.into(),
                    start_date: hired_on.to_string(),
                    ..Default::default()
                };
                referrals::transition(db, &ctx, &system, tz, id, &step)
                    .await
                    .map_err(|e| anyhow::anyhow!("demo hire of a beneficiary: {e:?}"))?;
            }
            break;
        }
    }
    let summary = crate::compliance::scan::scan(db, today).await?;
    Ok(format!(
        "compliance check of {} beneficiaries: {} proposals",
        summary.checked,
        summary.proposed + summary.kept
    ))
}

/// Two months of national lists (Progresar, AUH, Potenciar Trabajo) for people of the
/// Capital office, imported through the ordinary import: one person stops receiving
/// AUH in the newest month, and the lists name people not registered here too.
async fn seed_national(
    db: &sipe_platform::db::Db,
    config: &sipe_platform::config::Config,
) -> anyhow::Result<String> {
    use chrono::Datelike;
    let offices = sipe_platform::territory::store::all_offices(db).await?;
    let Some(office) = offices.iter().find(|o| o.code == "OE-CAP-01") else {
        return Ok(String::new());
    };
    let pager = sipe_platform::web::table::Pager::new(
        "/",
        &sipe_platform::web::table::ListQuery {
            per_page: Some("100".into()),
            ..Default::default()
        },
        &["name"],
        false,
    )?;
    use sea_orm::sea_query::{Expr, ExprTrait};
    let in_office =
        sea_orm::Condition::all().add(Expr::col(("persons", "office_id")).eq(office.id));
    let (people, _) = sipe_persons::eligibility::page_matching(
        db,
        &sipe_platform::access::Scope::National,
        &[],
        &[in_office],
        &pager,
    )
    .await?;
    let cuils: Vec<String> = people.into_iter().filter_map(|p| p.cuil).take(40).collect();
    if cuils.is_empty() {
        return Ok(String::new());
    }
    let today = chrono::Utc::now().with_timezone(&config.tz()).date_naive();
    let this_month = today.with_day(1).unwrap_or(today);
    let dir = config.data_dir.join("imports").join("national");
    std::fs::create_dir_all(&dir)?;
    let mut imported = 0;
    for back in [2u32, 1] {
        let Some(month) = this_month.checked_sub_months(chrono::Months::new(back)) else {
            continue;
        };
        let period = month.format("%Y-%m").to_string();
        let mut csv = String::from("cuil,programa,estado,periodo,monto\n");
        for (i, cuil) in cuils.iter().enumerate() {
            let line = match i % 4 {
                0 | 1 => format!("{cuil},PROGRESAR,activo,{period},35000"),
                // The first AUH beneficiary is suspended in the newest month.
                2 if i == 2 && back == 1 => format!("{cuil},AUH,suspendido,{period},"),
                2 => format!("{cuil},AUH,activo,{period},\"117.252,00\""),
                _ if i < 12 => format!("{cuil},POTENCIAR,baja,{period},"),
                _ => continue,
            };
            csv.push_str(&line);
            csv.push('\n');
        }
        // People in the list who are not registered here.
        csv.push_str(&format!("20111111112,PROGRESAR,activo,{period},35000\n"));
        let file = dir.join(format!("demo-{period}.csv"));
        std::fs::write(&file, csv)?;
        let summary = crate::national::import::import_file(
            db,
            &AuditCtx::system(),
            &file,
            &crate::national::import::default_report(&file),
            |_, _| {},
        )
        .await?;
        imported += summary.accepted;
    }
    Ok(format!("{imported} lines of national programmes' lists"))
}

/// A one-page PDF standing in for a scanned document.
const DEMO_PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

/// Two people of the Capital office applied to the work-training programme, each
/// training at one of the office's employers.
async fn seed_placements(db: &sipe_platform::db::Db) -> anyhow::Result<String> {
    use chrono::Datelike;
    let ctx = AuditCtx::system();
    let system = Access::system("demo");
    let Some(ett) = crate::programmes::all(db)
        .await?
        .into_iter()
        .find(|p| p.code == "ETT")
    else {
        return Ok(String::new());
    };
    let offices = sipe_platform::territory::store::all_offices(db).await?;
    let Some(office) = offices.iter().find(|o| o.code == "OE-CAP-01") else {
        return Ok(String::new());
    };
    let pager = sipe_platform::web::table::Pager::new(
        "/",
        &sipe_platform::web::table::ListQuery::default(),
        &["name"],
        false,
    )?;
    let (employers, _) = sipe_intermediation::employers::store::list_employers(
        db,
        &system,
        &sipe_intermediation::employers::store::EmployerFilter {
            office_id: Some(office.id),
            ..Default::default()
        },
        &pager,
    )
    .await?;
    use sea_orm::sea_query::{Expr, ExprTrait};
    let in_office =
        sea_orm::Condition::all().add(Expr::col(("persons", "office_id")).eq(office.id));
    let (people, _) = sipe_persons::eligibility::page_matching(
        db,
        &sipe_platform::access::Scope::National,
        &[],
        &[in_office],
        &pager,
    )
    .await?;
    let today = chrono::Utc::now().date_naive();
    let starts = today.with_day(1).unwrap_or(today);
    let mut added = 0;
    // From the end of the list: the first people are PEJ's applicants.
    for (person, employer) in people.iter().rev().zip(employers.iter()).take(2) {
        let Ok(id) = crate::applications::service::apply(
            db,
            &ctx,
            &system,
            &crate::applications::service::ApplyInput {
                programme_id: ett.id,
                person_id: person.id,
                category: String::new(),
                submit: true,
            },
            today,
        )
        .await
        else {
            continue;
        };
        let input = crate::placements::PlacementInput {
            employer_cuit: employer.cuit.clone(),
            workplace: "Planta principal".into(),
            tutor_name: "Rosa Díaz".into(),
            tutor_contact: "381 555-0101".into(),
            tasks: "Recepción y control de mercadería\nOrden del depósito".into(),
            weekly_hours: "20".into(),
            starts_on: starts.to_string(),
            ends_on: (starts + chrono::Months::new(4)).to_string(),
            version: 0,
        };
        crate::placements::set(db, &ctx, &system, id, &input)
            .await
            .map_err(|e| anyhow::anyhow!("demo placement: {e}"))?;
        added += 1;
    }
    Ok(format!("{added} work-training placements (ETT)"))
}
