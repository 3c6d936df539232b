//! The messaging module as the application sees it.

use std::sync::Arc;

use sipe_persons::module::PersonSection;
use sipe_platform::access::Permission;
use sipe_platform::module::{Area, BoxFuture, Contributions, Module, NavEntry, PersonMerge};
use sipe_platform::web::AppState;

use crate::entity::message;

/// The messaging module.
pub const MODULE: Module = Module {
    routes: crate::routes,
    openapi: crate::openapi,
    nav: &[
        NavEntry {
            area: Area::Messaging,
            href: "/messaging/messages",
            label: "nav-messages",
            permission: Permission::ViewMessaging,
        },
        NavEntry {
            area: Area::Messaging,
            href: "/messaging/campaigns",
            label: "nav-campaigns",
            permission: Permission::ViewMessaging,
        },
        NavEntry {
            area: Area::Messaging,
            href: "/messaging/templates",
            label: "nav-message-templates",
            permission: Permission::ViewMessaging,
        },
        NavEntry {
            area: Area::Messaging,
            href: "/messaging/providers",
            label: "nav-message-providers",
            permission: Permission::ManageMessaging,
        },
    ],
    tasks: &[sender_task],
    timeline_kinds: &["messaging.message"],
    person_merge: Some(merge_person),
    start: Some(|ctx| {
        let settings = crate::config::Settings::from_config(ctx.config)?;
        ctx.extensions
            .insert(crate::providers::Messaging::new(settings)?);
        Ok(())
    }),
    contribute,
    migrations: crate::migrations::all,
    messages: Some(&crate::MESSAGES),
    demo: crate::demo::STEPS,
    ..Module::new("messaging")
};

fn sender_task(
    state: AppState,
    shutdown: tokio::sync::watch::Receiver<bool>,
) -> BoxFuture<'static, ()> {
    Box::pin(crate::sender::run(state, shutdown))
}

fn contribute(c: &mut Contributions) {
    let section: Arc<dyn PersonSection> = Arc::new(crate::web::MessagesSection);
    c.add(section);
}

/// A person's messages follow them to the kept record.
fn merge_person<'a>(m: &'a PersonMerge<'a>) -> BoxFuture<'a, Result<(), sea_orm::DbErr>> {
    Box::pin(async move {
        m.repoint::<message::Entity>(message::Column::PersonId)
            .await?;
        Ok(())
    })
}
