//! Open Badges 3.0 credentials of the certificates, as VC-JWTs signed with each
//! institution's Ed25519 key, and each institution's revocation status lists, signed
//! with the same key (verifiers check that a status list's issuer is the credential's).
//!
//! Every URL a verifier follows is public and answers JSON: the issuer's profile, each
//! key as a JWK (the JWT's `kid` is that key's URL), the status lists. The addresses
//! come from `public_url` (else the bound address), never from the request's `Host`. A credential is
//! built again on each download from the certificate's stored snapshot; Ed25519 is
//! deterministic, so the same certificate on the same address gives the same token.

mod badge;
mod jose;
mod keys;
mod status_list;

use chrono::Utc;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, QueryTrait};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::entity::{certificate, cohort};
use crate::error::TrainingError;
pub use keys::{Keys, Sealer, secret};
pub use status_list::LIST_SIZE;

/// The W3C Verifiable Credentials 2.0 context.
const VC_CONTEXT: &str = "https://www.w3.org/ns/credentials/v2";

/// Where a verifier finds what a credential points to, under this server's address.
#[derive(Debug, Clone, Copy)]
pub struct Urls<'a>(pub &'a str);

impl Urls<'_> {
    /// An issuer's profile (an institution's id).
    pub fn issuer(&self, owner: &str) -> String {
        format!("{}/api/v1/issuers/{owner}", self.0)
    }

    /// One key of an issuer, answered as a JWK; the JWTs' `kid`.
    pub fn key(&self, owner: &str, id: Uuid) -> String {
        format!("{}/keys/{id}", self.issuer(owner))
    }

    /// An issuer's status list number `n`.
    pub fn status_list(&self, owner: &str, n: i32) -> String {
        format!("{}/status-lists/{n}", self.issuer(owner))
    }
}

/// The credential of the certificate with `code` as a VC-JWT, with the certificate;
/// `None` for an unknown code.
pub async fn credential(
    conn: &impl ConnectionTrait,
    keys: &Keys,
    urls: Urls<'_>,
    code: &str,
) -> Result<Option<(certificate::Model, String)>, TrainingError> {
    let Some(cert) = crate::certificates::by_code(conn, code).await? else {
        return Ok(None);
    };
    let cohort = crate::cohorts::find(conn, cert.cohort_id)
        .await?
        .ok_or(TrainingError::NotFound)?;
    let owner = cohort.institution_id.to_string();
    let key = keys.signing(conn, &owner).await?;
    let facts = badge::Facts {
        issuer: urls.issuer(&owner),
        course_id: cohort.course_id,
        status_list: urls.status_list(&owner, status_list::locate(cert.status_index).0),
    };
    let payload = badge::payload(&cert, &facts);
    let token = jose::sign(&key, &urls.key(&owner, key.id), "vc+jwt", &payload);
    Ok(Some((cert, token)))
}

/// An institution's status list `n` as a VC-JWT signed with its key: one bit per
/// position of the list, set for its revoked certificates. `None` for an unknown
/// institution or past the last list.
pub async fn status_list(
    conn: &impl ConnectionTrait,
    keys: &Keys,
    urls: Urls<'_>,
    owner: &str,
    n: i32,
) -> Result<Option<String>, TrainingError> {
    let Ok(institution) = owner.parse::<Uuid>() else {
        return Ok(None);
    };
    if crate::institutions::find(conn, institution)
        .await?
        .is_none()
    {
        return Ok(None);
    }
    let last: Option<i32> = certificate::Entity::find()
        .select_only()
        .expr(certificate::Column::StatusIndex.max())
        .into_tuple::<Option<i32>>()
        .one(conn)
        .await?
        .flatten();
    // List 0 exists from the start: a verifier may look before anything is issued.
    let lists = last.map_or(1, |p| status_list::locate(p).0 + 1);
    if !(0..lists).contains(&n) {
        return Ok(None);
    }
    let first = n * LIST_SIZE;
    let theirs = cohort::Entity::find()
        .select_only()
        .column(cohort::Column::Id)
        .filter(cohort::Column::InstitutionId.eq(institution));
    let revoked: Vec<i32> = certificate::Entity::find()
        .select_only()
        .column(certificate::Column::StatusIndex)
        .filter(certificate::Column::Status.eq(crate::certificates::REVOKED))
        .filter(certificate::Column::StatusIndex.between(first, first + LIST_SIZE - 1))
        .filter(certificate::Column::CohortId.in_subquery(QueryTrait::into_query(theirs)))
        .into_tuple()
        .all(conn)
        .await?;
    let encoded = status_list::encode(revoked.into_iter().map(|p| p - first))
        .map_err(|e| TrainingError::Internal(e.into()))?;
    let key = keys.signing(conn, owner).await?;
    let id = urls.status_list(owner, n);
    // No `nbf`: a verifier whose clock runs behind ours would refuse a list made "now".
    let payload = json!({
        "@context": [VC_CONTEXT],
        "id": id,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": urls.issuer(owner),
        "validFrom": Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        "credentialSubject": {
            "id": format!("{id}#list"),
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded,
        },
        "iss": urls.issuer(owner),
        "jti": id,
    });
    Ok(Some(jose::sign(
        &key,
        &urls.key(owner, key.id),
        "vc+jwt",
        &payload,
    )))
}

/// An institution's Open Badges issuer profile, with the URLs of its keys.
pub async fn issuer_profile(
    conn: &impl ConnectionTrait,
    urls: Urls<'_>,
    owner: &str,
) -> Result<Option<Value>, TrainingError> {
    let mut profile = json!({
        "@context": [VC_CONTEXT, badge::OB_CONTEXT],
        "id": urls.issuer(owner),
        "type": ["Profile"],
    });
    let Ok(id) = owner.parse::<Uuid>() else {
        return Ok(None);
    };
    let Some(inst) = crate::institutions::find(conn, id).await? else {
        return Ok(None);
    };
    profile["name"] = json!(inst.name);
    if let Some(email) = inst.email {
        profile["email"] = json!(email);
    }
    if let Some(phone) = inst.phone {
        profile["phone"] = json!(phone);
    }
    if let Some(key) = keys::stored(conn, owner).await? {
        profile["jwks"] = json!(format!("{}/jwks", urls.issuer(owner)));
        profile["keys"] = json!([urls.key(owner, key.id)]);
    }
    Ok(Some(profile))
}

/// An issuer's published key as a JWK; `None` if it has no such key.
pub async fn public_key(
    conn: &impl ConnectionTrait,
    urls: Urls<'_>,
    owner: &str,
    id: Uuid,
) -> Result<Option<Value>, TrainingError> {
    Ok(keys::stored(conn, owner)
        .await?
        .filter(|k| k.id == id)
        .map(|k| jose::jwk(&k.public_key, &urls.key(owner, k.id))))
}

/// An issuer's published keys as a JWK set (empty before its first credential).
pub async fn key_set(
    conn: &impl ConnectionTrait,
    urls: Urls<'_>,
    owner: &str,
) -> Result<Value, TrainingError> {
    let keys: Vec<Value> = keys::stored(conn, owner)
        .await?
        .map(|k| jose::jwk(&k.public_key, &urls.key(owner, k.id)))
        .into_iter()
        .collect();
    Ok(json!({ "keys": keys }))
}
