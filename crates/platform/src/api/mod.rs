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

/// Documents on every operation the statuses the platform itself may answer, as
/// problem documents: 400 (a malformed parameter or body), 401 (no valid token), 403
/// (the token's owner lacks the permission), 404 (a path naming no record in scope, or
/// no such route), 405 (another method), 408 (over the time limit), 413 (a body over
/// the limit), 422 (invalid fields: a page too deep, search text too long, control
/// characters), 429 (too many requests), 500 (unexpected). Each handler
/// documents its own successes and the rest.
struct PlatformResponses;

impl Modify for PlatformResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{RefOr, Required, ResponseBuilder};
        let problem = |description: &str| {
            RefOr::T(
                ResponseBuilder::new()
                    .description(description)
                    .content(
                        "application/problem+json",
                        utoipa::openapi::ContentBuilder::new()
                            .schema(Some(utoipa::openapi::Ref::from_schema_name("Problem")))
                            .build(),
                    )
                    .build(),
            )
        };
        for item in openapi.paths.paths.values_mut() {
            let ops = [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ];
            for op in ops.into_iter().flatten() {
                let has_body = op.request_body.is_some();
                if let Some(RefOr::T(body)) = &mut op.request_body {
                    body.required = Some(Required::True);
                }
                let mut standard = vec![
                    ("400", "A parameter or the body is malformed."),
                    ("401", "No valid bearer token."),
                    ("403", "The token's owner lacks the permission."),
                    ("404", "No such record within the caller's scope."),
                    ("405", "The method is not served on this path."),
                    ("408", "The request took longer than the server's limit."),
                    ("422", "Some fields or parameters are invalid."),
                    ("429", "Too many requests."),
                    (
                        "500",
                        "An unexpected error; the request id identifies it in the logs.",
                    ),
                ];
                if has_body {
                    standard.push(("413", "The body is over the limit."));
                }
                for (status, description) in standard {
                    op.responses
                        .responses
                        .entry(status.to_owned())
                        .or_insert_with(|| problem(description));
                }
            }
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

/// The platform's part of the OpenAPI document of `/api/v1`: its description, the bearer
/// scheme and the problem documents. Modules add their paths ([`document`]).
#[derive(OpenApi)]
#[openapi(
    info(title = "sipe API", version = "1", description = "JSON API of sipe. Authenticate with `Authorization: Bearer <token>` (create one with `sipe token create`)."),
    components(schemas(Problem, FieldProblem)),
    security(("bearer" = []))
)]
struct PlatformDoc;

/// The whole OpenAPI document: the platform's, every module's paths and schemas, then
/// the responses every operation shares.
pub fn document(modules: &crate::module::Modules) -> utoipa::openapi::OpenApi {
    let mut doc = PlatformDoc::openapi();
    for m in modules.iter() {
        let mut part = (m.openapi)();
        // Operations are grouped by module (not by the Rust path of their handler).
        for item in part.paths.paths.values_mut() {
            let ops = [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ];
            for op in ops.into_iter().flatten() {
                op.tags = Some(vec![m.name.to_owned()]);
            }
        }
        doc.merge(part);
    }
    BearerAuth.modify(&mut doc);
    PlatformResponses.modify(&mut doc);
    doc
}

/// Turns what the framework answers on its own under `/api/` (a malformed path or query
/// parameter, an unknown path, a method not allowed) into problem documents, like every
/// other error of the API.
pub async fn problem_for_bare_errors(response: Response) -> Response {
    let status = response.status();
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    if is_problem || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let (parts, body) = response.into_parts();
    let detail = axum::body::to_bytes(body, 4096)
        .await
        .ok()
        .map(|b| String::from_utf8_lossy(&b).trim().to_owned())
        .filter(|d| !d.is_empty());
    let problem = Problem {
        kind: "about:blank".into(),
        title: status.canonical_reason().unwrap_or("Error").to_owned(),
        status: status.as_u16(),
        detail,
        errors: Vec::new(),
        possible_duplicates: Vec::new(),
    };
    let mut out = (status, Json(problem)).into_response();
    for (name, value) in parts.headers.iter() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            out.headers_mut().insert(name.clone(), value.clone());
        }
    }
    out.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/problem+json"),
    );
    out
}

/// `/api/v1/openapi.json`.
pub async fn openapi_json(axum::extract::State(state): axum::extract::State<AppState>) -> Response {
    match document(&state.modules).to_json() {
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
