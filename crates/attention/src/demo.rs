//! `sipe demo`: services and counters in the capital's offices, and a morning of
//! tickets there: most attended (one absent, one redirected), the rest still waiting,
//! so the board, the queue, the counters and the displays are worth opening.

use sipe_platform::access::{Access, ScopeKind};
use sipe_platform::audit::AuditCtx;
use sipe_platform::module::{DemoStage, DemoStep};

use crate::desk::{self, CounterInput, ServiceInput};
use crate::tickets::service::{self as tickets, Holding, IssueInput, Issuer, Queue, TicketStep};

/// Attention's steps of `sipe demo`.
pub const STEPS: &[DemoStep] = &[
    DemoStep {
        name: "attention-desks",
        stage: DemoStage::Activity,
        run: |ctx| Box::pin(seed(ctx)),
    },
    DemoStep {
        name: "attention-phone",
        stage: DemoStage::Activity,
        run: |ctx| Box::pin(crate::phone::demo::seed(ctx)),
    },
];

/// The offices that get a desk.
const OFFICES: [&str; 2] = ["OE-CAP-01", "OE-CAP-02"];

/// Services: prefix, name.
const SERVICES: [(&str, &str); 4] = [
    ("A", "Inscripción y actualización de datos"),
    ("B", "Programas de empleo"),
    ("C", "Cursos de formación profesional"),
    ("D", "Entrevistas y ofertas de empleo"),
];

/// Counters: name, the prefixes of the services it calls.
const COUNTERS: [(&str, &[&str]); 4] = [
    ("Box 1", &["A"]),
    ("Box 2", &["A", "B"]),
    ("Box 3", &["B", "C"]),
    ("Box 4", &["D", "A"]),
];

/// Priorities of the morning's tickets, in turn.
const PRIORITIES: [&str; 8] = [
    "regular",
    "regular",
    "older_adult",
    "regular",
    "pregnancy",
    "regular",
    "disability",
    "regular",
];

async fn seed(ctx: &sipe_platform::module::DemoCtx<'_>) -> anyhow::Result<String> {
    let system = Access::system("demo");
    let audit = AuditCtx::system();
    let db = ctx.db;
    let (mut services, mut counters, mut issued, mut consultations, mut booked) = (0, 0, 0, 0, 0);
    for code in OFFICES {
        let Ok(office) = desk::store::office_in(db, &system, ScopeKind::Capture, code).await else {
            continue;
        };
        let mut have = desk::store::services(db, office.id, false).await?;
        for (i, (prefix, name)) in SERVICES.iter().enumerate() {
            if have.iter().any(|s| s.prefix == *prefix) {
                continue;
            }
            // Registration and interviews also take appointments.
            let slots = match *prefix {
                "A" => Some((20, 2)),
                "D" => Some((30, 1)),
                _ => None,
            };
            let input = ServiceInput {
                prefix: (*prefix).into(),
                name: (*name).into(),
                position: Some(i as i32 * 10),
                active: Some(true),
                slot_minutes: slots.map(|s| s.0),
                slot_capacity: slots.map(|s| s.1),
            };
            desk::service::create_service(db, &audit, &system, code, &input)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            services += 1;
        }
        have = desk::store::services(db, office.id, false).await?;
        let id_of = |p: &str| have.iter().find(|s| s.prefix == p).map(|s| s.id);
        let existing = desk::store::counters(db, office.id).await?;
        for (name, prefixes) in COUNTERS {
            if existing.iter().any(|c| c.name == name) {
                continue;
            }
            let input = CounterInput {
                name: name.into(),
                services: prefixes.iter().filter_map(|p| id_of(p)).collect(),
                active: Some(true),
            };
            desk::service::create_counter(db, &audit, &system, code, &input)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            counters += 1;
        }
        issued += morning(ctx, &system, &audit, code).await?;
        consultations += consult(ctx, &system, &audit, office.id).await?;
        booked += appointments(ctx, &system, &audit, code).await?;
    }
    Ok(format!(
        "{services} services, {counters} counters, {issued} tickets, {consultations} consultations, {booked} appointments"
    ))
}

/// Consultations by every channel from people of the office (at an office that has
/// none yet).
async fn consult(
    ctx: &sipe_platform::module::DemoCtx<'_>,
    system: &Access,
    audit: &AuditCtx,
    office_id: uuid::Uuid,
) -> anyhow::Result<usize> {
    use crate::interactions::{Channel, InteractionInput, service};
    let of_office = crate::interactions::store::Filter {
        office_id: Some(office_id),
        ..Default::default()
    };
    let already = crate::interactions::store::counts(ctx.db, system, &of_office).await?;
    if already.iter().any(|(_, n)| *n > 0) {
        return Ok(0);
    }
    let query = sipe_persons::store::PersonQuery {
        office_id: Some(office_id),
        ..Default::default()
    };
    let today = chrono::Utc::now()
        .with_timezone(&ctx.config.tz())
        .date_naive();
    let audience = sipe_persons::audience::Audience {
        query: &query,
        extra: Vec::new(),
        purpose: None,
        today,
    };
    let people = sipe_persons::audience::ids_after(ctx.db, system, &audience, None, 12).await?;
    let topics = [
        "programmes",
        "payments",
        "registration",
        "training",
        "jobs",
        "other",
    ];
    let statuses = [
        "open",
        "resolved",
        "waiting_person",
        "resolved",
        "waiting_area",
        "open",
    ];
    let notes = [
        "Pregunta cuándo cobra el programa.",
        "Quiere actualizar su teléfono.",
        "Consulta por cursos de electricidad.",
        "Pide la constancia de inscripción.",
        "Pregunta por ofertas de empleo en la zona.",
        "Reclama un pago que no le llegó.",
    ];
    let mut n = 0;
    for (i, person) in people.iter().enumerate() {
        let channel = Channel::ALL[i % Channel::ALL.len()];
        let input = InteractionInput {
            channel: channel.as_str().into(),
            person_id: Some(person.0),
            topic: Some(topics[i % topics.len()].into()),
            notes: Some(notes[i % notes.len()].into()),
            status: Some(statuses[i % statuses.len()].into()),
            ..Default::default()
        };
        service::record(ctx.db, ctx.config.tz(), audit, system, &input)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        n += 1;
    }
    Ok(n)
}

/// Appointments in the next open days' first slots of the services that take them, at
/// an office that has none yet (documents of no one: the demo's people keep theirs).
async fn appointments(
    ctx: &sipe_platform::module::DemoCtx<'_>,
    system: &Access,
    audit: &AuditCtx,
    code: &str,
) -> anyhow::Result<usize> {
    use crate::appointments::service::{self as appointments, BookInput, Booker};
    let tz = ctx.config.tz();
    let q = Queue {
        db: ctx.db,
        tz,
        displays: None,
    };
    let office = desk::store::office_in(ctx.db, system, ScopeKind::Capture, code).await?;
    let now = chrono::Utc::now();
    let today = now.with_timezone(&tz).date_naive();
    let already = appointments::of_day(ctx.db, system, code, today).await?;
    if already.total > 0 {
        return Ok(0);
    }
    let services = appointments::bookable_services(ctx.db, office.id, false).await?;
    let mut n = 0;
    let mut document = 30_000_100_u32 + u32::from(code.ends_with('2')) * 1_000;
    for day in (0..10).map(|d| today + chrono::Duration::days(d)) {
        for svc in &services {
            let slots = appointments::slots(ctx.db, tz, svc, day, now).await?;
            for slot in slots.iter().take(3) {
                document += 1;
                let input = BookInput {
                    service_id: Some(svc.id),
                    starts_at: Some(slot.starts_at),
                    document: Some(document.to_string()),
                    phone: None,
                    person_id: None,
                };
                appointments::book(&q, audit, Booker::Staff(system), code, &input, "")
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                n += 1;
            }
        }
        if n >= 12 {
            break;
        }
    }
    Ok(n)
}

/// A morning of tickets at an office that has none yet.
async fn morning(
    ctx: &sipe_platform::module::DemoCtx<'_>,
    system: &Access,
    audit: &AuditCtx,
    code: &str,
) -> anyhow::Result<usize> {
    let q = Queue {
        db: ctx.db,
        tz: ctx.config.tz(),
        displays: None,
    };
    let office = desk::store::office_in(ctx.db, system, ScopeKind::Capture, code)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let day = chrono::Utc::now().with_timezone(&q.tz).date_naive();
    if !crate::tickets::store::of_day(ctx.db, office.id, day, &[], 1)
        .await?
        .is_empty()
    {
        return Ok(0);
    }
    let services = desk::store::services(ctx.db, office.id, true).await?;
    let counters = desk::store::counters(ctx.db, office.id).await?;
    let err = |e: crate::error::AttentionError| anyhow::anyhow!("{e}");
    let mut n = 0;
    for i in 0..24 {
        let service = &services[i % services.len()];
        let input = IssueInput {
            service_id: Some(service.id),
            priority: Some(PRIORITIES[i % PRIORITIES.len()].into()),
            document: None,
            person_id: None,
            phone: None,
        };
        tickets::issue(
            &q,
            audit,
            Issuer::Public(crate::tickets::Source::Kiosk),
            code,
            &input,
        )
        .await
        .map_err(err)?;
        n += 1;
    }
    // Fourteen calls: each call finishes the counter's ticket before; one absent, one
    // sent to another service.
    for i in 0..14 {
        let c = &counters[i % counters.len()];
        let Some(called) = tickets::call_next(&q, audit, system, c.id, Holding::Unknown)
            .await
            .map_err(err)?
        else {
            continue;
        };
        let step = match i {
            5 => Some(TicketStep::NoShow),
            9 => services
                .iter()
                .find(|s| s.id != called.ticket.service_id)
                .map(|s| TicketStep::Redirect { service_id: s.id }),
            _ => Some(TicketStep::Start),
        };
        if let Some(step) = step {
            tickets::step(&q, audit, system, called.ticket.id, &step)
                .await
                .map_err(err)?;
        }
    }
    // The counters end the morning free.
    for c in &counters {
        if let Some(t) = crate::tickets::store::at_counter(ctx.db, c.id).await? {
            let finish = TicketStep::Finish { topics: Vec::new() };
            tickets::step(&q, audit, system, t.id, &finish)
                .await
                .map_err(err)?;
        }
    }
    desk::service::sign_out(ctx.db, audit, system)
        .await
        .map_err(err)?;
    Ok(n)
}
