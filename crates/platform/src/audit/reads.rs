//! Audit rows of reads (searches, lists, record views, downloads), written in groups.
//!
//! A read opens no write transaction of its own: it hands its row to this node's writer
//! task and waits. The writer takes every row waiting at that moment (up to `BATCH`),
//! appends them in one transaction and then answers each request. A request therefore
//! shows its data only after its audit row is committed: if the process dies before the
//! commit, the request never answered and nothing was shown unaudited (a group commit,
//! not a buffer that could lose acknowledged rows). Under load many reads share one
//! transaction, which is what takes the write off the search path on SQLite.

use serde_json::Value;
use tokio::sync::{mpsc, oneshot};

use super::{AuditCtx, Change};
use crate::db::{self, Db};

/// Most rows one transaction appends.
const BATCH: usize = 500;
/// Rows waiting for the writer before new reads wait for room.
const QUEUE: usize = 10_000;

/// Why a read could not be audited (the read must then not be shown).
#[derive(Debug, thiserror::Error)]
#[error("the read could not be audited: {0}")]
pub struct ReadAuditError(String);

struct Pending {
    ctx: AuditCtx,
    action: String,
    entity_type: String,
    entity_id: Option<String>,
    after: Option<Value>,
    done: oneshot::Sender<Result<(), String>>,
}

/// This node's writer of read audit rows; cheap to clone.
#[derive(Clone)]
pub struct ReadLog {
    queue: mpsc::Sender<Pending>,
}

impl std::fmt::Debug for ReadLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ReadLog")
    }
}

impl ReadLog {
    /// Starts the writer task on `db` (it ends when the last `ReadLog` is dropped).
    pub fn spawn(db: Db) -> Self {
        let (queue, rx) = mpsc::channel(QUEUE);
        tokio::spawn(write_groups(db, rx));
        Self { queue }
    }

    /// Appends one row and returns once it is committed.
    pub async fn record(&self, ctx: &AuditCtx, change: Change<'_>) -> Result<(), ReadAuditError> {
        let (done, answer) = oneshot::channel();
        let pending = Pending {
            ctx: ctx.clone(),
            action: change.action.to_owned(),
            entity_type: change.entity_type.to_owned(),
            entity_id: change.entity_id,
            after: change.after,
            done,
        };
        self.queue
            .send(pending)
            .await
            .map_err(|_| ReadAuditError("the audit writer has stopped".into()))?;
        answer
            .await
            .map_err(|_| ReadAuditError("the audit writer has stopped".into()))?
            .map_err(ReadAuditError)
    }
}

async fn write_groups(db: Db, mut rx: mpsc::Receiver<Pending>) {
    let mut group = Vec::with_capacity(BATCH);
    while rx.recv_many(&mut group, BATCH).await > 0 {
        let result = append(&db, &group).await.map_err(|e| e.to_string());
        if let Err(e) = &result {
            tracing::error!(error = %e, rows = group.len(), "read audit rows not written");
        }
        for p in group.drain(..) {
            let _ = p.done.send(result.clone());
        }
    }
}

async fn append(db: &Db, group: &[Pending]) -> Result<(), sea_orm::DbErr> {
    let tx = db::begin_write(db).await?;
    for p in group {
        let change = Change {
            action: &p.action,
            entity_type: &p.entity_type,
            entity_id: p.entity_id.clone(),
            before: None,
            after: p.after.clone(),
        };
        super::record(&tx, &p.ctx, change).await?;
    }
    tx.commit().await
}
