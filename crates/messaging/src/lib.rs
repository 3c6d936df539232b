//! Comunicaciones: messages to the people of the registry by e-mail, SMS and WhatsApp
//! (built in slices). Now: templates with a variant per channel and the SMS counter,
//! the outbox and its senders, providers (the development sink, SMTP), and the
//! transactional `send` other modules call.
//!
//! Invariants: every message is one row with a unique idempotency key, so a retry, a
//! restart or a second call never sends it twice; a message is queued in the
//! transaction of the change that causes it; nobody gets a message on a channel
//! without an address and that channel's consent, nor one of a purpose they did not
//! consent to (`service` messages about their own procedures excepted); the consent
//! is checked again just before sending; SMS and WhatsApp wait outside quiet hours
//! unless the template is marked "any hour"; messages are read within the view scope
//! of the person's office, and on the person's timeline.

pub mod api;
pub mod api_campaigns;
pub mod audiences;
pub mod campaigns;
pub mod config;
pub mod conversation;
pub mod demo;
pub mod domain;
pub mod email;
pub(crate) mod entity;
pub mod error;
pub mod inbound;
pub mod messages;
pub mod migrations;
pub mod module;
pub mod outbox;
pub mod providers;
pub mod runtime;
pub mod send;
pub mod sender;
pub mod sms;
pub mod templates;
pub mod unsubscribe;
pub mod web;
pub mod web_campaign_form;
pub mod web_campaigns;
pub mod webhooks;

pub use module::MODULE;
pub use send::send;

/// Routes of the module.
pub fn routes() -> sipe_platform::web::Routes {
    use sipe_platform::access::Permission::{
        ManageMessaging, ManageTemplates, SendMessages, ViewMessaging,
    };
    use sipe_platform::web::{Guard, Routes};
    Routes::new()
        .get(
            "/messaging/templates",
            Guard::Web(ViewMessaging),
            web::list_templates,
        )
        .get(
            "/messaging/templates/new",
            Guard::Web(ManageTemplates),
            web::new_template,
        )
        .post(
            "/messaging/templates",
            Guard::Web(ManageTemplates),
            web::save_template,
        )
        .get(
            "/messaging/templates/{id}",
            Guard::Web(ViewMessaging),
            web::show_template,
        )
        .post(
            "/messaging/templates/{id}",
            Guard::Web(ManageTemplates),
            web::save_template,
        )
        .post(
            "/messaging/sms-preview",
            Guard::Web(ViewMessaging),
            web::sms_preview,
        )
        .get(
            "/messaging/messages",
            Guard::Web(ViewMessaging),
            web::list_messages,
        )
        .get(
            "/messaging/messages/{id}",
            Guard::Web(ViewMessaging),
            web::show_message,
        )
        .get(
            "/messaging/providers",
            Guard::Web(ManageMessaging),
            web::providers,
        )
        .post(
            "/api/v1/messaging/sms-preview",
            Guard::Api(ViewMessaging),
            api::sms_preview,
        )
        .get(
            "/api/v1/message-templates",
            Guard::Api(ViewMessaging),
            api::list_templates,
        )
        .post(
            "/api/v1/message-templates",
            Guard::Api(ManageTemplates),
            api::create_template,
        )
        .get(
            "/api/v1/message-templates/{id}",
            Guard::Api(ViewMessaging),
            api::show_template,
        )
        .put(
            "/api/v1/message-templates/{id}",
            Guard::Api(ManageTemplates),
            api::update_template,
        )
        .get(
            "/api/v1/persons/{id}/messages",
            Guard::Api(ViewMessaging),
            api::person_messages,
        )
        .get("/baja/{id}", Guard::Public, unsubscribe::ask)
        .post("/baja/{id}", Guard::Public, unsubscribe::confirm)
        .get(
            "/api/v1/messaging/webhooks/whatsapp",
            Guard::Public,
            webhooks::whatsapp_handshake,
        )
        .post(
            "/api/v1/messaging/webhooks/whatsapp",
            Guard::Public,
            webhooks::whatsapp_events,
        )
        .get(
            "/api/v1/messaging/webhooks/sms",
            Guard::Public,
            webhooks::sms_events_get,
        )
        .post(
            "/api/v1/messaging/webhooks/sms",
            Guard::Public,
            webhooks::sms_events,
        )
        .get(
            "/api/v1/messages",
            Guard::Api(ViewMessaging),
            api::list_messages,
        )
        .get(
            "/api/v1/messages/{id}",
            Guard::Api(ViewMessaging),
            api::show_message,
        )
        .get(
            "/messaging/campaigns",
            Guard::Web(ViewMessaging),
            web_campaigns::list,
        )
        .get(
            "/messaging/campaigns/new",
            Guard::Web(SendMessages),
            web_campaign_form::new_campaign,
        )
        .post(
            "/messaging/campaigns",
            Guard::Web(SendMessages),
            web_campaign_form::save_campaign,
        )
        .get(
            "/messaging/campaigns/{id}/edit",
            Guard::Web(SendMessages),
            web_campaign_form::edit_campaign,
        )
        .post(
            "/messaging/campaigns/{id}/edit",
            Guard::Web(SendMessages),
            web_campaign_form::update_campaign,
        )
        .get(
            "/messaging/campaigns/{id}",
            Guard::Web(ViewMessaging),
            web_campaigns::show,
        )
        .post(
            "/messaging/campaigns/{id}/step",
            Guard::Web(SendMessages),
            web_campaigns::step,
        )
        .get(
            "/messaging/campaigns/{id}/messages.csv",
            Guard::Web(ViewMessaging),
            web_campaigns::export,
        )
        .get(
            "/messaging/campaigns/{id}/messages.xlsx",
            Guard::Web(ViewMessaging),
            web_campaigns::export,
        )
        .get(
            "/messaging/audiences",
            Guard::Web(ViewMessaging),
            web_campaigns::list_audiences,
        )
        .post(
            "/api/v1/message-audiences/count",
            Guard::Api(ViewMessaging),
            api_campaigns::count,
        )
        .get(
            "/api/v1/message-audiences",
            Guard::Api(ViewMessaging),
            api_campaigns::list_audiences,
        )
        .post(
            "/api/v1/message-audiences",
            Guard::Api(SendMessages),
            api_campaigns::save_audience,
        )
        .get(
            "/api/v1/campaigns",
            Guard::Api(ViewMessaging),
            api_campaigns::list,
        )
        .post(
            "/api/v1/campaigns",
            Guard::Api(SendMessages),
            api_campaigns::create,
        )
        .get(
            "/api/v1/campaigns/{id}",
            Guard::Api(ViewMessaging),
            api_campaigns::show,
        )
        .put(
            "/api/v1/campaigns/{id}",
            Guard::Api(SendMessages),
            api_campaigns::update,
        )
        .post(
            "/api/v1/campaigns/{id}/steps",
            Guard::Api(SendMessages),
            api_campaigns::step,
        )
        .get(
            "/api/v1/campaigns/{id}/report",
            Guard::Api(ViewMessaging),
            api_campaigns::report,
        )
}

/// The module's part of the API document.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    api::sms_preview,
    api::list_templates,
    api::create_template,
    api::show_template,
    api::update_template,
    api::person_messages,
    api::list_messages,
    api::show_message,
    webhooks::whatsapp_handshake,
    webhooks::whatsapp_events,
    webhooks::sms_events,
    webhooks::sms_events_get,
    api_campaigns::count,
    api_campaigns::list_audiences,
    api_campaigns::save_audience,
    api_campaigns::list,
    api_campaigns::create,
    api_campaigns::show,
    api_campaigns::update,
    api_campaigns::step,
    api_campaigns::report,
))]
struct ApiDoc;

/// The module's paths and schemas of the API document.
pub fn openapi() -> utoipa::openapi::OpenApi {
    <ApiDoc as utoipa::OpenApi>::openapi()
}

/// The module's UI texts.
pub static MESSAGES: sipe_platform::i18n::Messages = sipe_platform::i18n::Messages {
    owner: "messaging",
    es_ar: include_str!("../locales/es-AR/messaging.ftl"),
    en: include_str!("../locales/en/messaging.ftl"),
};
