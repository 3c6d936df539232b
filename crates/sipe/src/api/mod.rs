//! The JSON API under `/api/v1`: bearer-token authentication, RFC 9457 problem
//! responses and the OpenAPI 3.1 document generated from the handlers' types.

use axum::Json;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};

use crate::access::Access;
use crate::db::StoreError;
use crate::validation::FieldErrors;
use crate::web::AppState;

/// The access of a request authenticated with a bearer token.
#[derive(Debug, Clone)]
pub struct ApiAccess(pub Access);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ApiAccess {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, ApiError> {
        parts
            .extensions
            .get::<ApiAccess>()
            .cloned()
            .ok_or(ApiError::Unauthorized)
    }
}

/// Resolves `Authorization: Bearer` into the request's extensions.
pub async fn resolve_bearer(state: &AppState, req: &mut Request) -> Result<(), Response> {
    let token = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(|t| t.trim().to_owned());
    if let Some(token) = token {
        match crate::access::service::authenticate_token(&state.db, &token).await {
            Ok(Some(access)) => {
                req.extensions_mut().insert(ApiAccess(access));
            }
            Ok(None) => {}
            Err(e) => return Err(ApiError::Internal(e.into()).into_response()),
        }
    }
    Ok(())
}

/// One invalid field in a 422 problem.
#[derive(Debug, Serialize, ToSchema)]
pub struct FieldProblem {
    /// The field name.
    pub field: String,
    /// What is wrong, in English.
    pub message: String,
}

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the problem type (`about:blank` for plain HTTP statuses).
    #[serde(rename = "type")]
    pub kind: String,
    /// Short summary.
    pub title: String,
    /// HTTP status.
    pub status: u16,
    /// Explanation of this occurrence.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Invalid fields (422 only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
    /// People the new record would likely duplicate (422 on registration only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub possible_duplicates: Vec<uuid::Uuid>,
}

/// What can go wrong in an API handler.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// Missing, unknown or revoked token.
    #[error("unauthorized")]
    Unauthorized,
    /// The token's owner lacks the permission.
    #[error("forbidden")]
    Forbidden,
    /// No such record in the caller's scope.
    #[error("not found")]
    NotFound,
    /// The body or query is invalid.
    #[error(transparent)]
    Invalid(#[from] FieldErrors),
    /// The record exists already (the text says where, when the caller may know).
    #[error("conflict: {0}")]
    Conflict(String),
    /// Registering would likely duplicate these people; resend with confirmation.
    #[error("possible duplicates")]
    PossibleDuplicates(Vec<uuid::Uuid>),
    /// Malformed JSON.
    #[error("bad request: {0}")]
    BadRequest(String),
    /// Anything unexpected.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ApiError::NotFound,
            other => ApiError::Internal(other.into()),
        }
    }
}

impl From<crate::web::table::PageTooDeep> for ApiError {
    fn from(_: crate::web::table::PageTooDeep) -> Self {
        ApiError::Invalid(FieldErrors::one("page", "page-too-deep"))
    }
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(e: sea_orm::DbErr) -> Self {
        ApiError::Internal(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut duplicates = Vec::new();
        let (status, title, detail, errors) = match self {
            ApiError::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                "Unauthorized",
                Some("A valid bearer token is required.".into()),
                vec![],
            ),
            ApiError::Forbidden => (StatusCode::FORBIDDEN, "Forbidden", None, vec![]),
            ApiError::NotFound => (StatusCode::NOT_FOUND, "Not Found", None, vec![]),
            ApiError::Conflict(d) => (StatusCode::CONFLICT, "Conflict", Some(d), vec![]),
            ApiError::PossibleDuplicates(ids) => {
                duplicates = ids;
                (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "Unprocessable Content",
                    Some("Possible duplicates found; send again with confirm_duplicates to register anyway.".into()),
                    vec![FieldProblem {
                        field: "possible_duplicates".into(),
                        message: crate::i18n::Lang::En.t("person-possible-duplicates").into_owned(),
                    }],
                )
            }
            ApiError::BadRequest(d) => (StatusCode::BAD_REQUEST, "Bad Request", Some(d), vec![]),
            ApiError::Invalid(errs) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "Unprocessable Content",
                Some("Some fields are invalid.".into()),
                errs.0
                    .iter()
                    .map(|e| FieldProblem {
                        field: e.field.into(),
                        message: crate::i18n::Lang::En.t(e.key).into_owned(),
                    })
                    .collect(),
            ),
            ApiError::Internal(err) => {
                tracing::error!(error = format!("{err:#}"), "internal error in API");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Internal Server Error",
                    None,
                    vec![],
                )
            }
        };
        let body = Problem {
            kind: "about:blank".into(),
            title: title.into(),
            status: status.as_u16(),
            detail,
            errors,
            possible_duplicates: duplicates,
        };
        let mut response = (status, Json(body)).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            header::HeaderValue::from_static("application/problem+json"),
        );
        if status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer"),
            );
        }
        response
    }
}

/// JSON body extractor whose rejections are problem documents.
pub struct ApiJson<T>(pub T);

impl<T, S> axum::extract::FromRequest<S> for ApiJson<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(rejection) => Err(ApiError::BadRequest(rejection.body_text())),
        }
    }
}

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// The OpenAPI document of `/api/v1`.
#[derive(OpenApi)]
#[openapi(
    info(title = "sipe API", version = "1", description = "JSON API of sipe. Authenticate with `Authorization: Bearer <token>` (create one with `sipe token create`)."),
    paths(
        crate::access::api::me,
        crate::territory::api::list_offices,
        crate::territory::api::show_office,
        crate::territory::api::create_office,
        crate::territory::api::update_office,
        crate::territory::api::list_territories,
        crate::territory::api::show_territory,
        crate::persons::api::list_persons,
        crate::persons::api::show_person,
        crate::persons::api::create_person,
        crate::persons::api::update_person,
        crate::persons::api::person_timeline,
        crate::persons::profile_api::show_profile,
        crate::persons::profile_api::create_item,
        crate::persons::profile_api::delete_item,
        crate::persons::profile_api::update_situation,
        crate::persons::profile_api::list_interviews,
        crate::persons::profile_api::create_interview,
        crate::persons::transfer_handlers::api_list_transfers,
        crate::persons::transfer_handlers::api_request_transfer,
        crate::persons::transfer_handlers::api_approve_transfer,
        crate::persons::transfer_handlers::api_reject_transfer,
        crate::taxonomy::handlers::api_occupations,
        crate::taxonomy::handlers::api_skills,
        crate::intermediation::employers::api::list_employers,
        crate::intermediation::employers::api::show_employer,
        crate::intermediation::employers::api::create_employer,
        crate::intermediation::employers::api::update_employer,
        crate::intermediation::employers::api::add_contact,
        crate::intermediation::employers::api::remove_contact,
        crate::intermediation::employers::api::add_site,
        crate::intermediation::referrals::list::api_list,
        crate::intermediation::employers::api::remove_site,
        crate::intermediation::employers::api::add_agreement,
        crate::intermediation::employers::api::remove_agreement,
        crate::intermediation::vacancies::api::list_vacancies,
        crate::intermediation::vacancies::api::show_vacancy,
        crate::intermediation::vacancies::api::create_vacancy,
        crate::intermediation::vacancies::api::update_vacancy,
        crate::intermediation::vacancies::api::change_state,
        crate::intermediation::matching::handlers::api_candidates,
        crate::intermediation::matching::handlers::api_person_vacancies,
        crate::intermediation::referrals::api::create_referral,
        crate::intermediation::referrals::api::show_referral,
        crate::intermediation::referrals::api::transition,
        crate::intermediation::referrals::api::vacancy_referrals,
        crate::intermediation::referrals::api::person_referrals,
        crate::intermediation::referrals::follow_ups::api_list,
        crate::intermediation::referrals::follow_ups::api_record,
        crate::intermediation::indicators::handlers::api,
        crate::intermediation::seekers::handlers::api_job_search,
        crate::intermediation::seekers::handlers::api_update_job_search,
    ),
    components(schemas(Problem, FieldProblem)),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
pub struct ApiDoc;

/// `/api/v1/openapi.json`.
pub async fn openapi_json() -> Response {
    match ApiDoc::openapi().to_json() {
        Ok(json) => ([(header::CONTENT_TYPE, "application/json")], json).into_response(),
        Err(e) => ApiError::Internal(e.into()).into_response(),
    }
}

/// Deserializes a `page` query parameter: a number too large for a `u64` is a very deep
/// page (refused as such with 422 on `page`), not a malformed request.
pub fn page_number<'de, D>(d: D) -> Result<Option<u64>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    let raw: Option<String> = serde::Deserialize::deserialize(d)?;
    match raw.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) if s.bytes().all(|b| b.is_ascii_digit()) => Ok(Some(s.parse().unwrap_or(u64::MAX))),
        Some(s) => Err(serde::de::Error::custom(format!(
            "page must be a whole number, not {:?}",
            s.chars().take(20).collect::<String>()
        ))),
    }
}

/// Page size limits shared by every list endpoint.
#[derive(Debug, Clone, serde::Deserialize, utoipa::IntoParams)]
pub struct PageParams {
    /// 1-based page (default 1).
    #[serde(default, deserialize_with = "crate::api::page_number")]
    pub page: Option<u64>,
    /// Items per page (default 25, at most 100).
    pub per_page: Option<u64>,
}

/// A page of items with the total count.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    /// The items of this page.
    pub items: Vec<T>,
    /// Items matching in all pages.
    pub total: u64,
}
