//! The timeline mechanism: any module appends dated events about a person here, inside
//! its own transaction; the person page reads them back in order. No module's tables
//! are joined: each event carries its kind, its arguments and its link, and is written
//! in the reader's language from the catalogue message `timeline-<kind>` (dots become
//! dashes). Events written before arguments were stored show their stored summary.

use chrono::{SubsecRound, Utc};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait, Set};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::entity::timeline_event;
use sipe_platform::audit::AuditCtx;
use sipe_platform::i18n::Lang;

/// One argument of an event's message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Arg {
    /// Words shown as they are (a name, a document number).
    Text(String),
    /// A catalogue key, shown translated (`situation-unemployed`).
    Key {
        /// The key.
        key: String,
    },
    /// Catalogue keys, shown translated and joined with commas (changed fields).
    Keys {
        /// The keys.
        keys: Vec<String>,
    },
}

impl Arg {
    /// Words shown as they are.
    pub fn text(s: impl Into<String>) -> Self {
        Arg::Text(s.into())
    }

    /// A catalogue key.
    pub fn key(k: impl Into<String>) -> Self {
        Arg::Key { key: k.into() }
    }

    fn show(&self, lang: Lang) -> String {
        match self {
            Arg::Text(s) => s.clone(),
            Arg::Key { key } => lang.t(key).into_owned(),
            Arg::Keys { keys } => keys
                .iter()
                .map(|k| lang.t(k).into_owned())
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}

/// The arguments of an event, by name.
pub type Args = Vec<(&'static str, Arg)>;

/// The catalogue key of an event kind.
pub fn message_key(kind: &str) -> String {
    format!("timeline-{}", kind.replace('.', "-"))
}

/// An event's text in a language: its message with its arguments, or the summary stored
/// with it when it has no arguments (events older than them).
pub fn render(lang: Lang, kind: &str, args: Option<&str>, summary: &str) -> String {
    let Some(args) =
        args.and_then(|a| serde_json::from_str::<std::collections::BTreeMap<String, Arg>>(a).ok())
    else {
        return summary.to_owned();
    };
    let key = message_key(kind);
    if !lang.has(&key) {
        return summary.to_owned();
    }
    let shown: Vec<(&str, String)> = args
        .iter()
        .map(|(name, arg)| (name.as_str(), arg.show(lang)))
        .collect();
    lang.t_args(&key, &shown)
}

/// An event to append.
#[derive(Debug, Clone)]
pub struct NewEvent<'a> {
    /// The person.
    pub person_id: Uuid,
    /// Dotted kind (`person.registered`, `interview`, `referral.sent`...).
    pub kind: &'a str,
    /// The arguments of its message (`timeline-<kind>` in the catalogues).
    pub args: Args,
    /// Link to the record the event is about.
    pub link: Option<String>,
    /// Office where it happened.
    pub office_id: Option<Uuid>,
}

/// Appends an event, attributed to the request's actor.
pub async fn append(
    conn: &impl ConnectionTrait,
    ctx: &AuditCtx,
    event: NewEvent<'_>,
) -> Result<(), DbErr> {
    append_each(conn, ctx, vec![event]).await
}

/// Appends events, each to its person's timeline (one message per person), in batches.
pub async fn append_each(
    conn: &impl ConnectionTrait,
    ctx: &AuditCtx,
    events: Vec<NewEvent<'_>>,
) -> Result<(), DbErr> {
    let at = Utc::now().trunc_subsecs(6);
    let mut rows = Vec::with_capacity(events.len().min(500));
    let total = events.len();
    for (i, event) in events.into_iter().enumerate() {
        let args: serde_json::Map<String, serde_json::Value> = event
            .args
            .iter()
            .map(|(name, arg)| ((*name).to_owned(), serde_json::json!(arg)))
            .collect();
        let args = serde_json::Value::Object(args).to_string();
        // The summary in the deployment's first language, for readers of the raw rows.
        let summary = render(Lang::EsAr, event.kind, Some(&args), event.kind);
        rows.push(timeline_event::ActiveModel {
            id: Set(Uuid::now_v7()),
            person_id: Set(event.person_id),
            kind: Set(event.kind.to_owned()),
            summary: Set(summary.chars().take(300).collect()),
            args: Set(Some(args)),
            link: Set(event.link),
            office_id: Set(event.office_id),
            author_id: Set(ctx.actor_id),
            author_name: Set(ctx.actor_name.clone()),
            at: Set(at),
        });
        // 11 columns a row: 500 rows stay far below every backend's bound on parameters.
        if rows.len() == 500 || i + 1 == total {
            timeline_event::Entity::insert_many(std::mem::take(&mut rows))
                .exec(conn)
                .await?;
        }
    }
    Ok(())
}

/// Appends the same event to many people's timelines (a bulk enrolment), in batches.
pub async fn append_to_many(
    conn: &impl ConnectionTrait,
    ctx: &AuditCtx,
    people: &[Uuid],
    event: NewEvent<'_>,
) -> Result<(), DbErr> {
    let args: serde_json::Map<String, serde_json::Value> = event
        .args
        .iter()
        .map(|(name, arg)| ((*name).to_owned(), serde_json::json!(arg)))
        .collect();
    let args = serde_json::Value::Object(args).to_string();
    let summary: String = render(Lang::EsAr, event.kind, Some(&args), event.kind)
        .chars()
        .take(300)
        .collect();
    let at = Utc::now().trunc_subsecs(6);
    // 11 columns a row: 500 rows stay far below every backend's bound on parameters.
    for chunk in people.chunks(500) {
        let rows = chunk.iter().map(|person| timeline_event::ActiveModel {
            id: Set(Uuid::now_v7()),
            person_id: Set(*person),
            kind: Set(event.kind.to_owned()),
            summary: Set(summary.clone()),
            args: Set(Some(args.clone())),
            link: Set(event.link.clone()),
            office_id: Set(event.office_id),
            author_id: Set(ctx.actor_id),
            author_name: Set(ctx.actor_name.clone()),
            at: Set(at),
        });
        timeline_event::Entity::insert_many(rows).exec(conn).await?;
    }
    Ok(())
}

/// The kinds of timeline events the persons module writes.
pub const KINDS: &[&str] = &[
    "person.registered",
    "person.imported",
    "person.updated",
    "person.merged",
    "person.transferred",
    "interview",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_reads_in_the_readers_language_and_old_events_keep_their_summary() {
        sipe_platform::i18n::register(&crate::MESSAGES);
        let args = serde_json::json!({
            "situation": {"key": "timeline-situation-unemployed"},
            "fields": {"keys": ["person-phone", "person-email"]},
            "office": "OE-01 — Capital",
        })
        .to_string();
        let es = render(Lang::EsAr, "interview", Some(&args), "viejo");
        let en = render(Lang::En, "interview", Some(&args), "viejo");
        assert!(es.starts_with("Entrevista: "), "{es}");
        assert!(en.starts_with("Interview: "), "{en}");
        assert_ne!(es, en);
        let updated = render(Lang::En, "person.updated", Some(&args), "");
        assert!(updated.contains(", "), "{updated}");
        assert_eq!(render(Lang::En, "interview", None, "viejo"), "viejo");
        assert_eq!(render(Lang::En, "unknown.kind", Some(&args), "x"), "x");
    }

    #[test]
    fn every_interview_situation_reads_in_both_languages() {
        sipe_platform::i18n::register(&crate::MESSAGES);
        for code in crate::interview::SITUATIONS {
            let key = format!("timeline-situation-{code}");
            assert!(Lang::EsAr.has(&key) && Lang::En.has(&key), "{key}");
        }
    }

    #[test]
    fn every_changed_field_has_a_label_in_both_languages() {
        sipe_platform::i18n::register(&crate::MESSAGES);
        let fields = crate::duplicates::MERGE_FIELDS
            .iter()
            .copied()
            .chain(["office_id", "employment_status", "cuil", "doc_number"])
            .chain(crate::profile::ITEM_KINDS.map(crate::profile::field_of))
            .chain([
                "has_disability",
                "disability_type",
                "cud_expiry",
                "dependants",
                "head_of_household",
                "unemployed_since",
                "availability_hours",
                "travel_radius_km",
            ]);
        for field in fields {
            let key = crate::service::field_label_key(field);
            assert!(Lang::EsAr.has(&key) && Lang::En.has(&key), "{field}: {key}");
        }
    }
}
