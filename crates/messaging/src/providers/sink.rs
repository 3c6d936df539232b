//! The development sink: every message becomes a JSON file in a folder (by default
//! `DATA_DIR/outbox/<channel>/`), named by the message's id, so sending one again
//! overwrites rather than duplicates. The demo's default: nothing leaves the machine.

use std::path::PathBuf;

use sipe_platform::module::BoxFuture;

use super::{Outgoing, Provider, SendError};

/// Writes messages to files.
pub struct Sink {
    dir: PathBuf,
}

impl Sink {
    /// A sink writing into `dir` (created on first use).
    pub fn new(dir: PathBuf) -> Self {
        Sink { dir }
    }
}

impl Provider for Sink {
    fn name(&self) -> &'static str {
        "sink"
    }

    fn send<'a>(&'a self, m: &'a Outgoing) -> BoxFuture<'a, Result<Option<String>, SendError>> {
        Box::pin(async move {
            let json = serde_json::json!({
                "id": m.id,
                "channel": m.channel,
                "to": m.address,
                "subject": m.subject,
                "body": m.body,
                "unsubscribe": m.unsubscribe,
            });
            let write = async {
                tokio::fs::create_dir_all(&self.dir).await?;
                let path = self.dir.join(format!("{}.json", m.id));
                let tmp = self.dir.join(format!("{}.json.tmp", m.id));
                tokio::fs::write(&tmp, json.to_string()).await?;
                tokio::fs::rename(&tmp, &path).await
            };
            write
                .await
                .map_err(|e| SendError::Temporary(format!("sink {}: {e}", self.dir.display())))?;
            Ok(Some(format!("sink-{}", m.id)))
        })
    }
}
