//! The public side of the Open Badges credentials: the credential of a certificate,
//! its issuer's profile and keys, the revocation status lists. No login, JSON or
//! VC-JWT answers, rate-limited per address like the verification page.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::credentials::{self, Keys, Urls};
use sipe_platform::api::ApiError;
use sipe_platform::web::AppState;
use sipe_platform::web::auth::Client;

/// The media type of a VC-JWT.
const VC_JWT: &str = "application/vc+jwt";

fn keys(state: &AppState) -> Result<&Keys, ApiError> {
    state
        .extensions
        .get::<Keys>()
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("the training module did not start")))
}

fn limited(state: &AppState, client: &Client) -> Option<Response> {
    (!super::certificates::allowed(state, client)).then(|| {
        (
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, "60")],
            "",
        )
            .into_response()
    })
}

fn token(body: String, cache: &'static str, download: Option<String>) -> Response {
    let mut response = (
        [
            (header::CONTENT_TYPE, VC_JWT),
            (header::CACHE_CONTROL, cache),
        ],
        body,
    )
        .into_response();
    if let Some(name) = download
        && let Ok(value) = format!("attachment; filename=\"{name}\"").parse()
    {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

/// The certificate's Open Badges 3.0 credential, a VC-JWT (`alg: EdDSA`, `kid` the URL
/// of the institution's key), downloaded as a `.jwt` file. Public, rate-limited.
#[utoipa::path(get, path = "/api/v1/certificates/{code}/credential.jwt",
    params(("code" = String, Path, description = "Verification code, with or without dashes")),
    responses((status = 200, description = "The VC-JWT", content_type = "application/vc+jwt", body = String),
        (status = 404, body = sipe_platform::api::Problem), (status = 429)))]
pub async fn api_credential(
    State(state): State<AppState>,
    client: Client,
    Path(code): Path<String>,
) -> Result<Response, ApiError> {
    if let Some(refused) = limited(&state, &client) {
        return Ok(refused);
    }
    let base = super::base_url(&state);
    let (cert, jwt) = credentials::credential(&state.db, keys(&state)?, Urls(&base), &code)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(token(
        jwt,
        "no-store",
        Some(format!("credencial-{}.jwt", cert.code)),
    ))
}

/// An institution's revocation status list (W3C Bitstring Status List) as a VC-JWT
/// signed with its key. Public, rate-limited, never cached: a revocation shows at once.
#[utoipa::path(get, path = "/api/v1/issuers/{owner}/status-lists/{n}",
    params(("owner" = String, Path, description = "The institution's id"),
        ("n" = String, Path, description = "List number, from 0")),
    responses((status = 200, description = "The VC-JWT", content_type = "application/vc+jwt", body = String),
        (status = 404, body = sipe_platform::api::Problem), (status = 429)))]
pub async fn api_status_list(
    State(state): State<AppState>,
    client: Client,
    Path((owner, n)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    if let Some(refused) = limited(&state, &client) {
        return Ok(refused);
    }
    let n: i32 = n.parse().map_err(|_| ApiError::NotFound)?;
    let base = super::base_url(&state);
    let jwt = credentials::status_list(&state.db, keys(&state)?, Urls(&base), &owner, n)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(token(jwt, "no-cache", None))
}

/// An institution's Open Badges issuer profile, with the URLs of its keys.
#[utoipa::path(get, path = "/api/v1/issuers/{owner}",
    params(("owner" = String, Path, description = "The institution's id")),
    responses((status = 200, description = "The Profile", body = Object),
        (status = 404, body = sipe_platform::api::Problem), (status = 429)))]
pub async fn api_issuer(
    State(state): State<AppState>,
    client: Client,
    Path(owner): Path<String>,
) -> Result<Response, ApiError> {
    if let Some(refused) = limited(&state, &client) {
        return Ok(refused);
    }
    let base = super::base_url(&state);
    let profile = credentials::issuer_profile(&state.db, Urls(&base), &owner)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(profile).into_response())
}

/// An issuer's public keys as a JWK set.
#[utoipa::path(get, path = "/api/v1/issuers/{owner}/jwks",
    params(("owner" = String, Path, description = "The institution's id")),
    responses((status = 200, description = "A JWK set", body = Object), (status = 429)))]
pub async fn api_key_set(
    State(state): State<AppState>,
    client: Client,
    Path(owner): Path<String>,
) -> Result<Response, ApiError> {
    if let Some(refused) = limited(&state, &client) {
        return Ok(refused);
    }
    let base = super::base_url(&state);
    let set = credentials::key_set(&state.db, Urls(&base), &owner).await?;
    Ok(Json(set).into_response())
}

/// One public key of an issuer as a JWK: the `kid` of the JWTs it signed.
#[utoipa::path(get, path = "/api/v1/issuers/{owner}/keys/{id}",
    params(("owner" = String, Path, description = "The institution's id"),
        ("id" = String, Path, description = "The key's id")),
    responses((status = 200, description = "A JWK", body = Object),
        (status = 404, body = sipe_platform::api::Problem), (status = 429)))]
pub async fn api_key(
    State(state): State<AppState>,
    client: Client,
    Path((owner, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    if let Some(refused) = limited(&state, &client) {
        return Ok(refused);
    }
    let id: uuid::Uuid = id.parse().map_err(|_| ApiError::NotFound)?;
    let base = super::base_url(&state);
    let jwk = credentials::public_key(&state.db, Urls(&base), &owner, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(jwk).into_response())
}
