//! The audit log: who did what to which record, when, from where, with before/after
//! values. Rows are only ever appended, each carrying the hash of the one before, so
//! editing or deleting a row breaks the chain and `sipe audit verify` says where.
//!
//! Invariant: `record` runs inside the use case's own transaction, so the change and its
//! audit row commit together or not at all.

pub mod anchor;
pub mod entity;
pub mod handlers;
pub mod reads;
pub mod store;

use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde::Serialize;
use sha2::Digest;
use uuid::Uuid;

use entity::{audit_head, audit_log};

/// `prev_hash` of the first row.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Who acts and from where, attached to every audit row of a request.
#[derive(Debug, Clone, Serialize)]
pub struct AuditCtx {
    /// The user, if any.
    pub actor_id: Option<Uuid>,
    /// The user's name, or `cli` / `system`.
    pub actor_name: String,
    /// Client address.
    pub ip: Option<String>,
    /// Request id.
    pub request_id: Option<String>,
}

impl AuditCtx {
    /// Actions taken from the command line.
    pub fn cli() -> Self {
        Self {
            actor_id: None,
            actor_name: "cli".into(),
            ip: None,
            request_id: None,
        }
    }

    /// Actions taken by the system itself (jobs, demo loader).
    pub fn system() -> Self {
        Self {
            actor_id: None,
            actor_name: "system".into(),
            ip: None,
            request_id: None,
        }
    }
}

/// What was done.
#[derive(Debug, Clone)]
pub struct Change<'a> {
    /// Dotted action name.
    pub action: &'a str,
    /// Kind of record.
    pub entity_type: &'a str,
    /// Its id or code.
    pub entity_id: Option<String>,
    /// State before.
    pub before: Option<serde_json::Value>,
    /// State after.
    pub after: Option<serde_json::Value>,
}

impl<'a> Change<'a> {
    /// A change without before/after values.
    pub fn new(action: &'a str, entity_type: &'a str, entity_id: impl ToString) -> Self {
        Self {
            action,
            entity_type,
            entity_id: Some(entity_id.to_string()),
            before: None,
            after: None,
        }
    }

    /// Adds the state before.
    pub fn before(mut self, v: impl Serialize) -> Self {
        self.before = serde_json::to_value(v).ok();
        self
    }

    /// Adds the state after.
    pub fn after(mut self, v: impl Serialize) -> Self {
        self.after = serde_json::to_value(v).ok();
        self
    }
}

/// Appends one row to the chain, inside the caller's transaction.
pub async fn record(
    conn: &impl ConnectionTrait,
    ctx: &AuditCtx,
    change: Change<'_>,
) -> Result<(), DbErr> {
    // Taking the head row's write lock first serialises appends on every database.
    audit_head::Entity::update_many()
        .col_expr(
            audit_head::Column::Seq,
            Expr::col(audit_head::Column::Seq).add(1),
        )
        .exec(conn)
        .await?;
    let head = audit_head::Entity::find_by_id(1)
        .one(conn)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("audit_head".into()))?;
    let row = audit_log::Model {
        seq: head.seq,
        id: Uuid::now_v7(),
        at: Utc::now().trunc_subsecs(6),
        actor_id: ctx.actor_id,
        actor_name: ctx.actor_name.clone(),
        action: change.action.to_owned(),
        entity_type: change.entity_type.to_owned(),
        entity_id: change.entity_id,
        before: change.before.map(|v| v.to_string()),
        after: change.after.map(|v| v.to_string()),
        ip: ctx.ip.clone(),
        request_id: ctx.request_id.clone(),
        prev_hash: head.last_hash,
        hash: String::new(),
    };
    let hash = row_hash(&row);
    let active = audit_log::ActiveModel {
        hash: Set(hash.clone()),
        ..row.into()
    };
    active.insert(conn).await?;
    audit_head::Entity::update_many()
        .col_expr(audit_head::Column::LastHash, Expr::value(hash))
        .exec(conn)
        .await?;
    Ok(())
}

fn fmt_at(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
}

/// SHA-256 over the previous hash and every field of the row, in a fixed encoding.
pub fn row_hash(row: &audit_log::Model) -> String {
    let fields = serde_json::json!([
        row.seq,
        row.id.to_string(),
        fmt_at(&row.at),
        row.actor_id.map(|u| u.to_string()),
        row.actor_name,
        row.action,
        row.entity_type,
        row.entity_id,
        row.before,
        row.after,
        row.ip,
        row.request_id,
    ]);
    let mut hasher = sha2::Sha256::new();
    hasher.update(row.prev_hash.as_bytes());
    hasher.update(b"\n");
    hasher.update(fields.to_string().as_bytes());
    hex::encode(hasher.finalize())
}

/// Result of checking the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// Rows checked.
    pub checked: u64,
    /// The first break, if any.
    pub broken: Option<Break>,
}

/// Where and why the chain is broken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Break {
    /// Sequence number of the first bad row (or the missing one).
    pub seq: i64,
    /// What is wrong, in English.
    pub reason: String,
}

/// Walks the whole chain in order and reports the first row that does not fit.
pub async fn verify(conn: &impl ConnectionTrait) -> Result<Verification, DbErr> {
    let mut expected_seq = 1i64;
    let mut prev_hash = GENESIS_HASH.to_owned();
    let mut checked = 0u64;
    let batch = 1000u64;
    loop {
        let rows = audit_log::Entity::find()
            .filter(audit_log::Column::Seq.gte(expected_seq))
            .order_by_asc(audit_log::Column::Seq)
            .limit(batch)
            .all(conn)
            .await?;
        let n = rows.len() as u64;
        for row in rows {
            let broken = |reason: String| Verification {
                checked,
                broken: Some(Break {
                    seq: row.seq,
                    reason,
                }),
            };
            if row.seq != expected_seq {
                return Ok(Verification {
                    checked,
                    broken: Some(Break {
                        seq: expected_seq,
                        reason: format!("entry {expected_seq} is missing"),
                    }),
                });
            }
            if row.prev_hash != prev_hash {
                return Ok(broken(format!(
                    "entry {} does not link to the entry before it",
                    row.seq
                )));
            }
            if row_hash(&row) != row.hash {
                return Ok(broken(format!(
                    "entry {} was altered (its hash does not match its content)",
                    row.seq
                )));
            }
            prev_hash = row.hash.clone();
            expected_seq += 1;
            checked += 1;
        }
        if n < batch {
            break;
        }
    }
    let head = audit_head::Entity::find_by_id(1).one(conn).await?;
    if let Some(head) = head
        && (head.seq != expected_seq - 1 || head.last_hash != prev_hash)
    {
        return Ok(Verification {
            checked,
            broken: Some(Break {
                seq: expected_seq,
                reason: format!(
                    "the log ends at entry {} but {} entries were written",
                    expected_seq - 1,
                    head.seq
                ),
            }),
        });
    }
    Ok(Verification {
        checked,
        broken: None,
    })
}

fn routes() -> crate::web::Routes {
    use crate::access::Permission;
    use crate::web::Guard;
    crate::web::Routes::new()
        .get(
            "/admin/audit",
            Guard::Web(Permission::ViewAudit),
            handlers::list_audit,
        )
        .get(
            "/admin/audit.csv",
            Guard::Web(Permission::ViewAudit),
            handlers::export_audit,
        )
        .get(
            "/admin/audit.xlsx",
            Guard::Web(Permission::ViewAudit),
            handlers::export_audit,
        )
}

fn count_last_day<'a>(
    state: &'a crate::web::AppState,
    _: &'a crate::access::Access,
) -> crate::module::BoxFuture<'a, Result<u64, DbErr>> {
    let since = Utc::now() - chrono::Duration::hours(24);
    Box::pin(store::count_since(&state.db, since))
}

/// The audit trail, as the application sees it.
pub const MODULE: crate::module::Module = crate::module::Module {
    routes,
    nav: &[crate::module::NavEntry {
        area: crate::module::Area::Administration,
        href: "/admin/audit",
        label: "nav-audit",
        permission: crate::access::Permission::ViewAudit,
    }],
    cards: &[crate::module::Card {
        label: "dashboard-audit-24h",
        href: "/admin/audit",
        permission: crate::access::Permission::ViewAudit,
        count: count_last_day,
    }],
    ..crate::module::Module::new("audit")
};

/// The name of who did something, as people read it: the system's own work is named in
/// the reader's language, not by its internal actor name.
pub fn actor_label(lang: crate::i18n::Lang, actor_name: &str) -> String {
    match actor_name {
        "system" | "" => lang.t("actor-system").into_owned(),
        name => name.to_owned(),
    }
}
