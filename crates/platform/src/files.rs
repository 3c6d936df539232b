//! Files people attach (evidence of competence, an application's documents): kept by
//! content under `<data_dir>/<area>/<first two hex>/<sha256>`, written once (a file
//! uploaded twice is stored once), their type read from their first bytes, never trusted
//! from the upload.

use std::path::{Path, PathBuf};

use sha2::Digest;

/// The SHA-256 of the bytes, lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(sha2::Sha256::digest(bytes))
}

/// The media type of a file from its first bytes: PDF, JPEG, PNG, WebP, or (when
/// `text` is allowed) plain UTF-8 text; anything else is refused.
pub fn media_type_of(bytes: &[u8], text: bool) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.len() > 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else if text
        && !bytes.is_empty()
        && std::str::from_utf8(bytes).is_ok_and(|s| {
            !s.chars()
                .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        })
    {
        Some("text/plain; charset=utf-8")
    } else {
        None
    }
}

/// The last part of a file name as a browser sent it (some send a whole path), at most
/// 200 characters; `default` when there is none.
pub fn base_name(raw: &str, default: &str) -> String {
    let name: String = raw
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or("")
        .trim()
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    if name.is_empty() {
        default.to_owned()
    } else {
        name
    }
}

/// Where the bytes of this digest live.
pub fn stored_path(data_dir: &Path, area: &str, sha256: &str) -> PathBuf {
    data_dir.join(area).join(&sha256[..2]).join(sha256)
}

/// Writes the bytes under their digest, once: a temporary file flushed to disk and
/// renamed into place.
pub async fn store(data_dir: &Path, area: &str, sha256: &str, bytes: &[u8]) -> std::io::Result<()> {
    use tokio::io::AsyncWriteExt;
    let path = stored_path(data_dir, area, sha256);
    if tokio::fs::try_exists(&path).await? {
        return Ok(());
    }
    let dir = path.parent().unwrap_or(data_dir).to_path_buf();
    tokio::fs::create_dir_all(&dir).await?;
    let tmp = dir.join(format!(".{}.part", uuid::Uuid::now_v7()));
    let mut file = tokio::fs::File::create(&tmp).await?;
    file.write_all(bytes).await?;
    file.sync_all().await?;
    drop(file);
    tokio::fs::rename(&tmp, &path).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_the_bytes() {
        assert_eq!(
            media_type_of(b"%PDF-1.7 ...", false),
            Some("application/pdf")
        );
        assert_eq!(
            media_type_of(&[0xFF, 0xD8, 0xFF, 0xE0], false),
            Some("image/jpeg")
        );
        assert_eq!(
            media_type_of(b"Observ\xc3\xb3 el armado", true),
            Some("text/plain; charset=utf-8")
        );
        assert_eq!(media_type_of(b"Observ\xc3\xb3 el armado", false), None);
        assert_eq!(media_type_of(b"MZ\x90\x00\x03", true), None);
        assert_eq!(base_name("C:\\Users\\ana\\dni.pdf", "x"), "dni.pdf");
        assert_eq!(base_name("  ", "documento"), "documento");
    }
}
