//! `/api/v1/me`.

use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::scope::Scope;
use crate::api::ApiAccess;

/// The caller as the API sees them.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeDto {
    /// User id.
    pub id: Uuid,
    /// Username.
    pub username: String,
    /// Full name.
    pub full_name: String,
    /// Role identifier.
    pub role: String,
    /// Office codes of the capture scope; `null` when national.
    pub capture: Option<Vec<String>>,
    /// Office codes of the view scope; `null` when national.
    pub view: Option<Vec<String>>,
    /// Office codes of the search scope; `null` when national.
    pub search: Option<Vec<String>>,
}

fn codes(scope: &Scope) -> Option<Vec<String>> {
    match scope {
        Scope::National => None,
        Scope::Offices(list) => Some(list.iter().map(|o| o.code.clone()).collect()),
    }
}

/// The token owner's identity, role and scopes.
#[utoipa::path(get, path = "/api/v1/me", responses((status = 200, body = MeDto), (status = 401, body = crate::api::Problem)))]
pub async fn me(ApiAccess(access): ApiAccess) -> Json<MeDto> {
    Json(MeDto {
        id: access.actor.user_id,
        username: access.actor.username.clone(),
        full_name: access.actor.full_name.clone(),
        role: access.role.as_str().to_owned(),
        capture: codes(&access.capture),
        view: codes(&access.view),
        search: codes(&access.search),
    })
}
