//! A file uploaded from a form, streamed to disk (never held in memory whole): imports
//! of large lists go through here.

use std::path::Path;

use axum::extract::Multipart;
use axum::http::StatusCode;
use tokio::io::AsyncWriteExt;

/// Bytes of the file's beginning kept to tell its kind and check its header.
const HEAD: usize = 4096;

/// What was received.
#[derive(Debug, Default)]
pub struct Saved {
    /// The file's name as the browser gave it.
    pub original_name: String,
    /// Its size in bytes.
    pub size: usize,
    /// Its first bytes.
    pub head: Vec<u8>,
    /// Names of the other fields sent (ticked checkboxes).
    pub fields: Vec<String>,
}

/// Why an upload was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// Over the deployment's upload limit.
    TooLarge,
    /// Not a well-formed multipart body.
    Bad,
    /// No file, or an empty one.
    Empty,
}

/// Streams the multipart field `file` into `dest` (created, or replaced) and notes the
/// other fields' names. On refusal nothing is left at `dest`.
pub async fn save_file(
    mut multipart: Multipart,
    dest: &Path,
) -> std::io::Result<Result<Saved, Refused>> {
    let mut saved = Saved::default();
    let refuse = |why: Refused| async move {
        let _ = tokio::fs::remove_file(dest).await;
        Ok(Err(why))
    };
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                return refuse(Refused::TooLarge).await;
            }
            Err(_) => return refuse(Refused::Bad).await,
        };
        if field.name() != Some("file") {
            if let Some(name) = field.name() {
                saved.fields.push(name.chars().take(100).collect());
            }
            continue;
        }
        saved.original_name = field.file_name().unwrap_or("").chars().take(255).collect();
        let mut out = tokio::fs::File::create(dest).await?;
        let mut field = field;
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    saved.size += chunk.len();
                    if saved.head.len() < HEAD {
                        let room = HEAD - saved.head.len();
                        saved
                            .head
                            .extend_from_slice(&chunk[..std::cmp::min(room, chunk.len())]);
                    }
                    out.write_all(&chunk).await?;
                }
                Ok(None) => break,
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    return refuse(Refused::TooLarge).await;
                }
                Err(_) => return refuse(Refused::Bad).await,
            }
        }
        out.flush().await?;
    }
    if saved.size == 0 {
        return refuse(Refused::Empty).await;
    }
    Ok(Ok(saved))
}
