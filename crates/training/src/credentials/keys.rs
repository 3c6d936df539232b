//! Issuer key pairs: generated on first use, the private half stored sealed
//! (AES-256-GCM under a key derived from the configured secret) and opened only in
//! this process's memory.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use anyhow::anyhow;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use chrono::Utc;
use ring::rand::{SecureRandom, SystemRandom};
use ring::signature::{Ed25519KeyPair, KeyPair};
use ring::{aead, hkdf};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use uuid::Uuid;

use crate::entity::issuer_key;
use crate::error::TrainingError;

const NONCE_LEN: usize = aead::NONCE_LEN;

fn internal(what: &str) -> TrainingError {
    TrainingError::Internal(anyhow!("{what}"))
}

/// Seals and opens private keys with the configured secret.
pub struct Sealer(aead::LessSafeKey);

impl Sealer {
    /// A sealer keyed by HKDF-SHA256 of `secret`.
    pub fn new(secret: &str) -> anyhow::Result<Self> {
        let salt = hkdf::Salt::new(hkdf::HKDF_SHA256, b"sipe credential keys");
        let prk = salt.extract(secret.as_bytes());
        let okm = prk
            .expand(&[b"aes-256-gcm v1"], &aead::AES_256_GCM)
            .map_err(|_| anyhow!("cannot derive the credential sealing key"))?;
        Ok(Sealer(aead::LessSafeKey::new(aead::UnboundKey::from(okm))))
    }

    /// nonce ‖ ciphertext ‖ tag, bound to `owner` (a sealed key moved to another row
    /// does not open).
    fn seal(&self, owner: &str, plain: &[u8]) -> Result<Vec<u8>, TrainingError> {
        let mut nonce = [0u8; NONCE_LEN];
        SystemRandom::new()
            .fill(&mut nonce)
            .map_err(|_| internal("no randomness for a nonce"))?;
        let mut sealed = plain.to_vec();
        self.0
            .seal_in_place_append_tag(
                aead::Nonce::assume_unique_for_key(nonce),
                aead::Aad::from(owner.as_bytes()),
                &mut sealed,
            )
            .map_err(|_| internal("cannot seal a private key"))?;
        let mut out = nonce.to_vec();
        out.extend(sealed);
        Ok(out)
    }

    fn open(&self, owner: &str, sealed: &[u8]) -> Result<Vec<u8>, TrainingError> {
        if sealed.len() <= NONCE_LEN {
            return Err(internal("a sealed private key is truncated"));
        }
        let (nonce, body) = sealed.split_at(NONCE_LEN);
        let nonce = aead::Nonce::try_assume_unique_for_key(nonce)
            .map_err(|_| internal("a sealed private key has a bad nonce"))?;
        let mut body = body.to_vec();
        let plain = self
            .0
            .open_in_place(nonce, aead::Aad::from(owner.as_bytes()), &mut body)
            .map_err(|_| {
                internal(
                    "the configured credential_key does not open the stored issuer key \
                     (was the key changed?)",
                )
            })?;
        Ok(plain.to_vec())
    }
}

/// An issuer's key pair, opened.
pub struct IssuerKey {
    /// The key's id (last segment of its URL).
    pub id: Uuid,
    pair: Ed25519KeyPair,
}

impl IssuerKey {
    /// The Ed25519 signature of `message`.
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        self.pair.sign(message).as_ref().to_vec()
    }
}

/// The keys of this process: the sealer and the pairs already opened.
pub struct Keys {
    sealer: Sealer,
    opened: Mutex<HashMap<String, Arc<IssuerKey>>>,
}

impl Keys {
    /// Keys sealed by `sealer`.
    pub fn new(sealer: Sealer) -> Self {
        Keys {
            sealer,
            opened: Mutex::new(HashMap::new()),
        }
    }

    fn cached(&self, owner: &str) -> Option<Arc<IssuerKey>> {
        self.opened.lock().ok()?.get(owner).cloned()
    }

    /// The signing key of `owner`, created (and stored sealed) on first use.
    pub async fn signing(
        &self,
        conn: &impl ConnectionTrait,
        owner: &str,
    ) -> Result<Arc<IssuerKey>, TrainingError> {
        if let Some(key) = self.cached(owner) {
            return Ok(key);
        }
        let row = match stored(conn, owner).await? {
            Some(row) => row,
            None => match self.create(conn, owner).await {
                Ok(row) => row,
                // Another request created it first: use theirs.
                Err(e) => stored(conn, owner).await?.ok_or(e)?,
            },
        };
        let sealed = B64
            .decode(&row.sealed_private_key)
            .map_err(|_| internal("a sealed private key is not base64url"))?;
        let pkcs8 = self.sealer.open(owner, &sealed)?;
        let pair = Ed25519KeyPair::from_pkcs8(&pkcs8)
            .map_err(|_| internal("a stored issuer key is not an Ed25519 PKCS#8 key"))?;
        let key = Arc::new(IssuerKey { id: row.id, pair });
        if let Ok(mut opened) = self.opened.lock() {
            opened.insert(owner.to_owned(), key.clone());
        }
        Ok(key)
    }

    async fn create(
        &self,
        conn: &impl ConnectionTrait,
        owner: &str,
    ) -> Result<issuer_key::Model, TrainingError> {
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new())
            .map_err(|_| internal("cannot generate an Ed25519 key"))?;
        let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref())
            .map_err(|_| internal("a generated key does not parse"))?;
        let sealed = self.sealer.seal(owner, pkcs8.as_ref())?;
        Ok(issuer_key::ActiveModel {
            id: Set(Uuid::now_v7()),
            owner: Set(owner.to_owned()),
            public_key: Set(B64.encode(pair.public_key().as_ref())),
            sealed_private_key: Set(B64.encode(sealed)),
            created_at: Set(Utc::now()),
        }
        .insert(conn)
        .await?)
    }
}

/// The stored key of `owner`, if it has one.
pub async fn stored(
    conn: &impl ConnectionTrait,
    owner: &str,
) -> Result<Option<issuer_key::Model>, TrainingError> {
    Ok(issuer_key::Entity::find()
        .filter(issuer_key::Column::Owner.eq(owner))
        .one(conn)
        .await?)
}

fn read_secret(path: &std::path::Path) -> anyhow::Result<String> {
    let key = std::fs::read_to_string(path)
        .map_err(|e| anyhow!("cannot read {}: {e}", path.display()))?;
    let key = key.trim();
    anyhow::ensure!(
        key.len() >= 32,
        "{} must hold at least 32 characters",
        path.display()
    );
    Ok(key.to_owned())
}

/// The secret that seals the keys: the configured one, else the data dir's
/// `credential.key`, created (owner-only) on first start.
pub fn secret(config: &sipe_platform::config::Config) -> anyhow::Result<String> {
    if let Some(key) = config.credential_key()? {
        return Ok(key.expose().trim().to_owned());
    }
    let path = config.data_dir.join("credential.key");
    if path.exists() {
        return read_secret(&path);
    }
    let mut raw = [0u8; 32];
    SystemRandom::new()
        .fill(&mut raw)
        .map_err(|_| anyhow!("no randomness for the credential key"))?;
    std::fs::create_dir_all(&config.data_dir)?;
    // Written whole under a private name, then linked into place: a process starting at
    // the same time either wins the link or reads the complete file of the one that did.
    let mut nonce = [0u8; 8];
    SystemRandom::new()
        .fill(&mut nonce)
        .map_err(|_| anyhow!("no randomness for a file name"))?;
    let tmp = config
        .data_dir
        .join(format!(".credential.key.{}", B64.encode(nonce)));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options.open(&tmp).and_then(|mut file| {
        std::io::Write::write_all(&mut file, B64.encode(raw).as_bytes())?;
        file.sync_all()
    });
    let linked = written.and_then(|()| std::fs::hard_link(&tmp, &path));
    let _ = std::fs::remove_file(&tmp);
    match linked {
        Ok(()) => {
            tracing::warn!(
                path = %path.display(),
                "created the credential sealing key in the data dir; \
                 set credential_key_file to keep it off the data dir's backups"
            );
            read_secret(&path)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => read_secret(&path),
        Err(e) => Err(anyhow!("cannot create {}: {e}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_keys_open_only_with_the_same_secret_and_owner() {
        let sealer = Sealer::new("a secret of at least thirty-two characters").unwrap();
        let sealed = sealer.seal("owner-a", b"private").unwrap();
        assert_eq!(sealer.open("owner-a", &sealed).unwrap(), b"private");
        assert!(sealer.open("owner-b", &sealed).is_err());
        let other = Sealer::new("another secret of thirty-two characters!").unwrap();
        assert!(other.open("owner-a", &sealed).is_err());
        assert!(sealer.open("owner-a", &sealed[..5]).is_err());
    }
}
