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
        // One file per form: a second would replace what the checks read.
        if saved.size > 0 || !saved.original_name.is_empty() {
            return refuse(Refused::Bad).await;
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

/// A stored file sent back: its detected type, never sniffed by the browser, always
/// downloaded, its name reduced to ASCII letters, digits, `.`, `-` and `_`.
pub fn attachment(file_name: &str, media_type: &str, bytes: Vec<u8>) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    let ascii: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    (
        [
            (header::CONTENT_TYPE, media_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{ascii}\""),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; sandbox".to_owned(),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// A small file from a form (read into memory, at most `max` bytes) and the form's
/// other text fields (each at most 1,000 characters).
#[derive(Debug, Default)]
pub struct SmallFile {
    /// The file's name as sent.
    pub file_name: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
    /// The other fields, in order.
    pub fields: Vec<(String, String)>,
}

impl SmallFile {
    /// A text field's value ("" when absent).
    pub fn field(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

/// Reads a form with one file (`file`) of at most `max` bytes and a few text fields.
pub async fn read_small(mut multipart: Multipart, max: usize) -> Result<SmallFile, Refused> {
    let mut out = SmallFile::default();
    let mut got = false;
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(Refused::TooLarge),
            Err(_) => return Err(Refused::Bad),
        };
        match field.name().map(str::to_owned) {
            Some(n) if n == "file" && !got => {
                got = true;
                out.file_name = field.file_name().unwrap_or("").chars().take(300).collect();
                loop {
                    match field.chunk().await {
                        Ok(Some(chunk)) => {
                            if out.bytes.len() + chunk.len() > max {
                                return Err(Refused::TooLarge);
                            }
                            out.bytes.extend_from_slice(&chunk);
                        }
                        Ok(None) => break,
                        Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                            return Err(Refused::TooLarge);
                        }
                        Err(_) => return Err(Refused::Bad),
                    }
                }
            }
            Some(n) if out.fields.len() < 20 => {
                let text = field.text().await.map_err(|_| Refused::Bad)?;
                out.fields.push((
                    n.chars().take(100).collect(),
                    text.chars().take(1_000).collect(),
                ));
            }
            _ => {}
        }
    }
    if out.bytes.is_empty() {
        return Err(Refused::Empty);
    }
    Ok(out)
}
