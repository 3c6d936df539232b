//! `sipe demo`: consents recorded for a third of the people with a phone (SMS; half of
//! them WhatsApp too) and for those with an e-mail, so the module's counts and the
//! other modules' notices reach someone; a template of the offices' own; and a
//! campaign to the young people of the capital's first office, sent to the development
//! sink and finished.

use std::sync::Arc;

use sipe_persons::contact::ContactChannel;
use sipe_platform::access::Access;
use sipe_platform::audit::AuditCtx;
use sipe_platform::db::{self, Db};
use sipe_platform::module::{DemoStage, DemoStep};

use crate::audiences::AudienceFilters;
use crate::campaigns::{self, CampaignInput, CampaignStep};
use crate::domain::Channel;
use crate::templates::{self, TemplateInput};

/// Messaging's steps of `sipe demo`.
pub const STEPS: &[DemoStep] = &[
    DemoStep {
        name: "messaging-consents",
        stage: DemoStage::Profiles,
        run: |ctx| Box::pin(seed_consents(ctx.db, ctx.config.tz())),
    },
    DemoStep {
        name: "messaging-campaign",
        stage: DemoStage::Activity,
        run: |ctx| Box::pin(seed_campaign(ctx.db, ctx.config)),
    },
];

async fn seed_consents(db: &Db, tz: chrono_tz::Tz) -> anyhow::Result<String> {
    let system = Access::system("demo");
    let ctx = AuditCtx::system();
    let today = chrono::Utc::now().with_timezone(&tz).date_naive();
    let query = sipe_persons::store::PersonQuery::default();
    let everyone = sipe_persons::audience::Audience {
        query: &query,
        extra: Vec::new(),
        purpose: None,
        today,
    };
    let (mut after, mut given, mut n) = (None, 0, 0_u64);
    loop {
        let ids = sipe_persons::audience::ids_after(db, &system, &everyone, after, 2_000).await?;
        let Some(last) = ids.last() else { break };
        after = Some(last.0);
        let contacts = sipe_persons::contact::contacts_of(db, &ids, today).await?;
        let tx = db::begin_write(db).await?;
        for c in contacts {
            let with_phone = c.phone.as_ref().is_some_and(|p| !p.is_empty());
            if with_phone {
                n += 1;
            }
            let mut channels = Vec::new();
            if with_phone && n % 3 == 0 {
                channels.push(ContactChannel::Sms);
                if n % 6 == 0 {
                    channels.push(ContactChannel::Whatsapp);
                }
            }
            if c.email.as_ref().is_some_and(|e| !e.is_empty()) && n % 2 == 0 {
                channels.push(ContactChannel::Email);
            }
            for ch in channels {
                if sipe_persons::contact::set_consent(&tx, &ctx, c.id, ch, true)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?
                {
                    given += 1;
                }
            }
        }
        tx.commit().await?;
    }
    Ok(format!("{given} contact consents recorded"))
}

async fn seed_campaign(db: &Db, config: &sipe_platform::config::Config) -> anyhow::Result<String> {
    let ctx = AuditCtx::system();
    let code = "charla_orientacion";
    let template = match templates::by_code(db, code).await? {
        Some(t) => t,
        None => {
            let id = templates::create(
                db,
                &ctx,
                &TemplateInput {
                    code: code.into(),
                    name: "Invitación a la charla de orientación laboral".into(),
                    purpose: crate::domain::SERVICE.into(),
                    sms_text: "Hola {nombre}: te invitamos a la charla de orientación laboral de {oficina}, el jueves a las 10. Traé tu DNI.".into(),
                    sms_transliterate: true,
                    email_subject: "Charla de orientación laboral en {oficina}".into(),
                    email_text: "Hola {nombre}:\n\nTe invitamos a la charla de orientación laboral de {oficina}, el jueves a las 10.\n\nTraé tu DNI.".into(),
                    ..Default::default()
                },
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            templates::find(db, id)
                .await?
                .ok_or_else(|| anyhow::anyhow!("template"))?
        }
    };
    // Prepared by the capital's coordinator, approved by the admin when it is large.
    let user = |name: &'static str| async move {
        sipe_platform::access::store::find_user_by_username(db, name)
            .await?
            .ok_or_else(|| anyhow::anyhow!("demo user {name} missing"))
    };
    let author = user("coordinador").await?;
    let admin = user("admin").await?;
    let author_access = sipe_platform::access::store::load_access(db, &author).await?;
    let admin_access = sipe_platform::access::store::load_access(db, &admin).await?;
    let as_user = |u: &sipe_platform::access::entity::user::Model| AuditCtx {
        actor_id: Some(u.id),
        actor_name: u.username.clone(),
        ..AuditCtx::system()
    };
    let settings = crate::config::Settings::from_config(config)?;
    let (list, _) = campaigns::list(
        db,
        &author_access,
        None,
        &sipe_platform::web::table::Pager::new("/", &Default::default(), &campaigns::SORTS, true)?,
    )
    .await?;
    let id = match list.first() {
        Some(c) => c.id,
        None => {
            let input = CampaignInput {
                name: "Charla de orientación para jóvenes".into(),
                template_id: template.id.to_string(),
                channel: Channel::Sms.as_str().into(),
                filters: AudienceFilters {
                    office: "OE-CAP-01".into(),
                    age_min: "18".into(),
                    age_max: "24".into(),
                    ..Default::default()
                },
            };
            let launched = launch(
                db,
                &settings,
                config.tz(),
                (&as_user(&author), &author_access),
                (&as_user(&admin), &admin_access),
                &input,
            )
            .await?;
            match launched {
                Some(id) => id,
                None => return Ok("a draft campaign (nobody to reach yet)".into()),
            }
        }
    };
    // The demo's campaign is sent here and now, to the sink, whatever the configuration
    // names for SMS (no SMPP session runs while the demo is seeded).
    let sink_settings = crate::config::Settings {
        quiet_hours: None,
        sms: crate::config::Provider::Sink { rate: 5_000 },
        ..settings
    };
    let messaging = crate::providers::Messaging::new(sink_settings)?;
    let limiter = governor::RateLimiter::direct(governor::Quota::per_second(
        std::num::NonZeroU32::new(5_000).unwrap_or(std::num::NonZeroU32::MIN),
    ));
    let provider: Arc<dyn crate::providers::Provider> = messaging
        .provider(Channel::Sms)
        .ok_or_else(|| anyhow::anyhow!("the demo sends SMS to the sink"))?;
    for _ in 0..10_000 {
        let queued =
            campaigns::runner::run_once(db, config.tz(), &messaging.settings, &[], Some(id))
                .await?;
        let sent = crate::sender::drain_once(
            db,
            config.tz(),
            &messaging,
            Channel::Sms,
            &provider,
            &limiter,
        )
        .await?;
        let c = campaigns::find(db, &admin_access, id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("campaign"))?;
        if c.state == campaigns::state::FINISHED
            || (queued == 0
                && sent == 0
                && c.state != campaigns::state::SENDING
                && c.state != campaigns::state::SCHEDULED)
        {
            return Ok(format!("a campaign of {} SMS, {}", c.queued, c.state));
        }
    }
    anyhow::bail!("the demo campaign did not finish")
}

/// Creates a campaign and launches it now, approved by `approver` when it needs a
/// second user (the demo's campaign, the messaging benchmark's and its restart test's);
/// `None` when it reaches nobody (it stays a draft).
pub async fn launch(
    db: &Db,
    settings: &crate::config::Settings,
    tz: chrono_tz::Tz,
    author: (&AuditCtx, &Access),
    approver: (&AuditCtx, &Access),
    input: &CampaignInput,
) -> anyhow::Result<Option<uuid::Uuid>> {
    let id = campaigns::create(db, author.0, author.1, &[], settings, input)
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let step = |action: &str, version: i32| CampaignStep {
        action: action.into(),
        version,
        ..Default::default()
    };
    let launched = campaigns::step(
        db,
        author.0,
        author.1,
        &[],
        settings,
        tz,
        id,
        &step("launch", 1),
    )
    .await;
    let c = match launched {
        Ok(c) => c,
        Err(crate::error::MessagingError::Invalid(_)) => return Ok(None),
        Err(e) => return Err(anyhow::anyhow!("{e:?}")),
    };
    if c.state == campaigns::state::PENDING {
        campaigns::step(
            db,
            approver.0,
            approver.1,
            &[],
            settings,
            tz,
            id,
            &step("approve", c.version),
        )
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    }
    Ok(Some(id))
}
