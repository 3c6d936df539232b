//! Anchors of the audit chain kept outside the database.
//!
//! The chain proves that rows were not edited one by one, but someone with write access
//! to the database could rewrite every row and its hash, head included. An anchor is the
//! head of the chain at a moment (sequence number and hash), signed with an HMAC whose key
//! lives in the configuration, never in the database. Shipped off the machine (daily, to
//! the operations mailbox or an object store), anchors let `sipe audit verify --anchor`
//! prove that the chain still reaches each anchored head: a rewritten history changes the
//! anchored entry's hash, a truncated one loses it.

use chrono::{DateTime, SecondsFormat, Utc};
use hmac::{Hmac, KeyInit, Mac};
use sea_orm::{ConnectionTrait, DbErr, EntityTrait};
use sha2::Sha256;

use super::entity::{audit_head, audit_log};

/// The first word of every anchor line.
const MAGIC: &str = "sipe-audit-anchor";

/// The head of the chain at a moment, signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    /// The database the chain belongs to (`settings.database_id`).
    pub database: String,
    /// Sequence number of the head entry.
    pub seq: i64,
    /// Hash of the head entry.
    pub hash: String,
    /// When the anchor was taken.
    pub at: DateTime<Utc>,
    /// HMAC-SHA256 of the fields above, hex.
    pub mac: String,
}

/// Why an anchor cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum AnchorError {
    /// The line is not an anchor.
    #[error("not an anchor line: {0}")]
    Malformed(String),
    /// The HMAC does not match: forged, altered, or another key.
    #[error("the anchor of entry {0} does not carry a valid signature for this key")]
    BadSignature(i64),
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbErr),
}

fn signed_text(database: &str, seq: i64, hash: &str, at: &DateTime<Utc>) -> String {
    format!(
        "v1|{database}|{seq}|{hash}|{}",
        at.to_rfc3339_opts(SecondsFormat::Secs, true)
    )
}

/// The HMAC of `text` (`None` only if the key were refused, which HMAC never does).
fn mac(key: &str, text: &str) -> Option<Hmac<Sha256>> {
    let mut m = <Hmac<Sha256> as KeyInit>::new_from_slice(key.as_bytes()).ok()?;
    m.update(text.as_bytes());
    Some(m)
}

impl Anchor {
    /// The one line that is shipped off the machine.
    pub fn line(&self) -> String {
        format!(
            "{MAGIC} v1 database={} seq={} hash={} at={} hmac={}",
            self.database,
            self.seq,
            self.hash,
            self.at.to_rfc3339_opts(SecondsFormat::Secs, true),
            self.mac
        )
    }

    /// Reads a line written by [`Anchor::line`].
    pub fn parse(line: &str) -> Result<Self, AnchorError> {
        let bad = || AnchorError::Malformed(line.chars().take(80).collect());
        let mut words = line.split_whitespace();
        if words.next() != Some(MAGIC) || words.next() != Some("v1") {
            return Err(bad());
        }
        let mut field = |name: &str| -> Result<String, AnchorError> {
            words
                .next()
                .and_then(|w| w.strip_prefix(name))
                .and_then(|w| w.strip_prefix('='))
                .map(str::to_owned)
                .ok_or_else(bad)
        };
        let database = field("database")?;
        let seq = field("seq")?.parse().map_err(|_| bad())?;
        let hash = field("hash")?;
        let at = DateTime::parse_from_rfc3339(&field("at")?)
            .map_err(|_| bad())?
            .with_timezone(&Utc);
        let mac = field("hmac")?;
        Ok(Self {
            database,
            seq,
            hash,
            at,
            mac,
        })
    }

    /// Is the signature right for `key`? (Compared in constant time.)
    pub fn signed_with(&self, key: &str) -> bool {
        let Ok(given) = hex::decode(&self.mac) else {
            return false;
        };
        mac(
            key,
            &signed_text(&self.database, self.seq, &self.hash, &self.at),
        )
        .is_some_and(|m| m.verify_slice(&given).is_ok())
    }
}

/// The current head of the chain, signed with `key`.
pub async fn take(conn: &impl ConnectionTrait, key: &str) -> Result<Anchor, DbErr> {
    let database = crate::db::settings::database_id(conn).await?;
    let head = audit_head::Entity::find_by_id(1)
        .one(conn)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("audit_head".into()))?;
    let at = Utc::now();
    let text = signed_text(&database, head.seq, &head.last_hash, &at);
    let mac = mac(key, &text).ok_or_else(|| DbErr::Custom("the anchor key was refused".into()))?;
    Ok(Anchor {
        mac: hex::encode(mac.finalize().into_bytes()),
        database,
        seq: head.seq,
        hash: head.last_hash,
        at,
    })
}

/// Does the chain in the database still reach this anchor? `None` when it does, else
/// why not. The signature is checked first; the chain itself is checked by
/// `audit::verify`.
pub async fn check(
    conn: &impl ConnectionTrait,
    anchor: &Anchor,
    key: &str,
) -> Result<Option<String>, AnchorError> {
    if !anchor.signed_with(key) {
        return Err(AnchorError::BadSignature(anchor.seq));
    }
    let database = crate::db::settings::database_id(conn).await?;
    if database != anchor.database {
        return Ok(Some(format!(
            "the anchor of entry {} belongs to another database ({})",
            anchor.seq, anchor.database
        )));
    }
    if anchor.seq == 0 {
        return Ok(None);
    }
    let entry = audit_log::Entity::find_by_id(anchor.seq).one(conn).await?;
    Ok(match entry {
        None => Some(format!(
            "entry {} anchored on {} is missing: the log was cut",
            anchor.seq, anchor.at
        )),
        Some(e) if e.hash != anchor.hash => Some(format!(
            "entry {} is not the one anchored on {}: the log was rewritten",
            anchor.seq, anchor.at
        )),
        Some(_) => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_anchor_line_round_trips_and_its_signature_binds_every_field() {
        let at = DateTime::parse_from_rfc3339("2026-11-29T03:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let key = "k".repeat(32);
        let text = signed_text("db1", 42, "abc", &at);
        let a = Anchor {
            database: "db1".into(),
            seq: 42,
            hash: "abc".into(),
            at,
            mac: hex::encode(mac(&key, &text).unwrap().finalize().into_bytes()),
        };
        let parsed = Anchor::parse(&a.line()).unwrap();
        assert_eq!(parsed, a);
        assert!(parsed.signed_with(&key));
        assert!(!parsed.signed_with(&"x".repeat(32)), "another key");
        for forged in [
            Anchor {
                seq: 41,
                ..a.clone()
            },
            Anchor {
                hash: "abd".into(),
                ..a.clone()
            },
            Anchor {
                database: "db2".into(),
                ..a.clone()
            },
        ] {
            assert!(!forged.signed_with(&key));
        }
        assert!(Anchor::parse("hello").is_err());
    }
}
