//! The worker loop: polls due jobs, claims each, runs its handler, records the outcome.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use super::store;
use crate::db::Db;

/// Boxed future of a handler run.
pub type HandlerFuture = Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send>>;

/// Runs one kind of job. Must be idempotent.
pub type Handler = Arc<dyn Fn(Db, serde_json::Value) -> HandlerFuture + Send + Sync>;

/// Handlers by job kind.
#[derive(Clone, Default)]
pub struct Registry {
    handlers: HashMap<String, Handler>,
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers the handler of a kind.
    pub fn register<F, Fut>(mut self, kind: &str, f: F) -> Self
    where
        F: Fn(Db, serde_json::Value) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = anyhow::Result<()>> + Send + 'static,
    {
        self.handlers.insert(
            kind.to_owned(),
            Arc::new(move |db, payload| Box::pin(f(db, payload))),
        );
        self
    }
}

/// The loop that drains the jobs table.
pub struct Worker {
    db: Db,
    registry: Registry,
    poll: Duration,
}

impl Worker {
    /// A worker polling every `poll`.
    pub fn new(db: Db, registry: Registry, poll: Duration) -> Self {
        Self { db, registry, poll }
    }

    /// Runs every due job once; returns how many ran (used by the loop and the tests).
    pub async fn run_due(&self) -> anyhow::Result<usize> {
        let mut ran = 0;
        for job in store::due(&self.db, 20).await? {
            if !store::claim(&self.db, &job, chrono::Duration::minutes(5)).await? {
                continue;
            }
            let outcome = match self.registry.handlers.get(&job.kind) {
                Some(handler) => {
                    let payload =
                        serde_json::from_str(&job.payload).unwrap_or(serde_json::Value::Null);
                    handler(self.db.clone(), payload).await
                }
                None => Err(anyhow::anyhow!("no handler for job kind {}", job.kind)),
            };
            match outcome {
                Ok(()) => store::complete(&self.db, job.id).await?,
                Err(e) => {
                    tracing::warn!(job.id = %job.id, job.kind = %job.kind, error = format!("{e:#}"), "job failed");
                    store::fail(&self.db, &job, &format!("{e:#}")).await?;
                }
            }
            ran += 1;
        }
        Ok(ran)
    }

    /// Polls until `shutdown` turns true.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        loop {
            if let Err(e) = self.run_due().await {
                tracing::error!(error = format!("{e:#}"), "job worker");
            }
            tokio::select! {
                _ = tokio::time::sleep(self.poll) => {}
                _ = shutdown.changed() => break,
            }
        }
    }
}
