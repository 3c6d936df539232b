//! The attention module as the application sees it.

use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use sipe_platform::access::{Access, Permission};
use sipe_platform::module::{Area, BoxFuture, Card, Module, NavEntry, PersonMerge};
use sipe_platform::web::AppState;

use crate::entity::ticket;
use crate::tickets::TicketStatus;

/// The attention module.
pub const MODULE: Module = Module {
    routes: crate::routes,
    openapi: crate::openapi,
    nav: &[
        NavEntry {
            area: Area::Attention,
            href: "/attention",
            label: "nav-attention-queue",
            permission: Permission::ViewAttention,
        },
        NavEntry {
            area: Area::Attention,
            href: "/attention/interactions",
            label: "nav-attention-interactions",
            permission: Permission::ViewAttention,
        },
        NavEntry {
            area: Area::Attention,
            href: "/attention/reports",
            label: "nav-attention-reports",
            permission: Permission::ViewAttention,
        },
        NavEntry {
            area: Area::Attention,
            href: "/attention/sla",
            label: "nav-attention-sla",
            permission: Permission::ManageSla,
        },
        NavEntry {
            area: Area::Attention,
            href: "/attention/phone",
            label: "nav-attention-phone",
            permission: Permission::AnswerPhone,
        },
    ],
    cards: &[Card {
        label: "dashboard-attention-waiting",
        href: "/attention",
        permission: Permission::ViewAttention,
        count: count_waiting,
    }],
    tasks: &[close_displays, follow_conversations],
    timeline_kinds: &["attention.interaction"],
    start: Some(|ctx| {
        ctx.extensions.insert(crate::display::Displays::new(
            ctx.config.display_streams_per_address,
        ));
        ctx.extensions
            .insert(crate::web::public::KioskLimiter::default());
        ctx.extensions
            .insert(crate::web::contact::ContactLimiter::default());
        ctx.extensions.insert(crate::phone::PhoneHub::default());
        if let Some(token) = ctx.config.cti_token()? {
            ctx.extensions.insert(crate::phone::CtiToken(token));
        }
        Ok(())
    }),
    person_merge: Some(merge_person),
    migrations: crate::migrations::all,
    messages: Some(&crate::MESSAGES),
    demo: crate::demo::STEPS,
    ..Module::new("attention")
};

/// People waiting now in the offices of the user's view scope.
fn count_waiting<'a>(
    state: &'a AppState,
    access: &'a Access,
) -> BoxFuture<'a, Result<u64, sea_orm::DbErr>> {
    Box::pin(async move {
        ticket::Entity::find()
            .filter(access.view.owns(ticket::Column::OfficeId))
            .filter(ticket::Column::Status.eq(TicketStatus::Waiting.as_str()))
            .filter(ticket::Column::Day.eq(crate::tickets::service::today(state)))
            .count(&state.db)
            .await
    })
}

/// At shutdown, ends the open display and phone streams so the server stops waiting for them
/// (the browsers reconnect to another node or after the restart).
fn close_displays(
    state: AppState,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
) -> BoxFuture<'static, ()> {
    Box::pin(async move {
        while !*shutdown.borrow() {
            if shutdown.changed().await.is_err() {
                break;
            }
        }
        if let Some(d) = state.extensions.get::<crate::display::Displays>() {
            d.close();
        }
        if let Some(h) = state.extensions.get::<crate::phone::PhoneHub>() {
            h.close();
        }
    })
}

/// Reads what people write by SMS and WhatsApp into conversations every few seconds,
/// ends the calls whose hangup never came and queues the appointments' reminders, on
/// nodes that run background work.
fn follow_conversations(
    state: AppState,
    mut shutdown: tokio::sync::watch::Receiver<bool>,
) -> BoxFuture<'static, ()> {
    Box::pin(async move {
        if !state.config.worker_enabled {
            return;
        }
        let mut round: u32 = 0;
        loop {
            if let Err(e) = crate::interactions::conversation::follow(&state.db, state.tz).await {
                tracing::warn!(error = %e, "conversations: reading received messages failed");
            }
            // About once a minute, the calls whose hangup never came and the
            // appointments' reminders.
            if round.is_multiple_of(20) {
                if let Err(e) = crate::phone::service::end_stale(&state.db).await {
                    tracing::warn!(error = %e, "phone: ending stale calls failed");
                }
                let now = chrono::Utc::now();
                if let Err(e) =
                    crate::appointments::service::remind(&state.db, state.tz, &state.base_url, now)
                        .await
                {
                    tracing::warn!(error = %e, "appointments: queuing reminders failed");
                }
            }
            round = round.wrapping_add(1);
            tokio::select! {
                () = tokio::time::sleep(std::time::Duration::from_secs(3)) => {}
                _ = shutdown.changed() => break,
            }
        }
    })
}

/// A person's tickets, consultations and calls follow them to the kept record.
fn merge_person<'a>(m: &'a PersonMerge<'a>) -> BoxFuture<'a, Result<(), sea_orm::DbErr>> {
    Box::pin(async move {
        m.repoint::<ticket::Entity>(ticket::Column::PersonId)
            .await?;
        m.repoint::<crate::entity::interaction::Entity>(
            crate::entity::interaction::Column::PersonId,
        )
        .await?;
        m.repoint::<crate::entity::phone_call::Entity>(crate::entity::phone_call::Column::PersonId)
            .await?;
        m.repoint::<crate::entity::appointment::Entity>(
            crate::entity::appointment::Column::PersonId,
        )
        .await?;
        Ok(())
    })
}
