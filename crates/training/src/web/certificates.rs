//! Certificates for staff (the list, revocation, the PDF) and for anyone (the
//! verification page and its JSON twin, rate-limited per address).

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::Form;
use serde::Deserialize;

use crate::certificates::{self, Certificate, Verification};
use crate::error::TrainingError;
use sipe_platform::api::{ApiAccess, ApiError, Page};
use sipe_platform::web::auth::{Authenticated, Client, Ctx};
use sipe_platform::web::page::redirect_with_flash;
use sipe_platform::web::render::page_with;
use sipe_platform::web::table::{ListQuery, Pager};
use sipe_platform::web::{AppState, PageCtx, WebError};

/// Filters of the certificates list.
#[derive(Debug, Deserialize, Default, utoipa::IntoParams)]
pub struct CertificateQuery {
    /// `valid` or `revoked`.
    #[serde(default)]
    pub status: String,
    /// Page number.
    #[serde(default)]
    pub page: Option<String>,
    /// Rows per page.
    #[serde(default)]
    pub per_page: Option<String>,
    /// Sort column.
    #[serde(default)]
    pub sort: Option<String>,
    /// `asc` or `desc`.
    #[serde(default)]
    pub dir: Option<String>,
}

impl CertificateQuery {
    fn list(&self) -> ListQuery {
        ListQuery {
            page: self.page.clone(),
            per_page: self.per_page.clone(),
            sort: self.sort.clone(),
            dir: self.dir.clone(),
        }
    }

    fn filter(&self) -> certificates::Filter {
        certificates::Filter {
            status: match self.status.as_str() {
                "valid" => Some(certificates::VALID),
                "revoked" => Some(certificates::REVOKED),
                _ => None,
            },
            ..Default::default()
        }
    }
}

#[derive(askama::Template)]
#[template(path = "training/certificates.html")]
struct CertificatesPage {
    ctx: PageCtx,
    rows: Vec<Certificate>,
    pager: Pager,
    status: String,
}

/// `GET /training/certificates`.
pub async fn list_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    user: Authenticated,
    Query(query): Query<CertificateQuery>,
) -> Result<Response, WebError> {
    let mut pager = Pager::new(
        "/training/certificates",
        &query.list(),
        &certificates::SORTS,
        true,
    )?
    .keep("status", &query.status);
    let (rows, total) =
        certificates::list(&state.db, &user.access, &query.filter(), &pager).await?;
    pager.total = total;
    page_with(
        StatusCode::OK,
        CertificatesPage {
            ctx,
            rows,
            pager,
            status: query.status,
        },
    )
}

/// A certificate in the staff list.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct CertificateDto {
    /// Verification code.
    pub code: String,
    /// `valid` or `revoked`.
    pub status: String,
    /// Holder's name.
    pub holder_name: String,
    /// Holder's document number.
    pub holder_document: String,
    /// The holder (person id).
    pub person_id: uuid::Uuid,
    /// The cohort.
    pub cohort_id: uuid::Uuid,
    /// Course.
    pub course: String,
    /// Hours.
    pub hours: i32,
    /// Institution.
    pub institution: String,
    /// Issued on.
    pub issued_on: chrono::NaiveDate,
    /// When revoked.
    pub revoked_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Why.
    pub revocation_reason: Option<String>,
}

impl From<Certificate> for CertificateDto {
    fn from(c: Certificate) -> Self {
        CertificateDto {
            code: c.code,
            status: c.status,
            holder_name: c.holder_name,
            holder_document: c.holder_doc,
            person_id: c.person_id,
            cohort_id: c.cohort_id,
            course: c.course_name,
            hours: c.hours,
            institution: c.institution_name,
            issued_on: c.issued_on,
            revoked_at: c.revoked_at,
            revocation_reason: c.revocation_reason,
        }
    }
}

/// The certificates the token's owner may see.
#[utoipa::path(get, path = "/api/v1/certificates", params(CertificateQuery),
    responses((status = 200, body = Page<CertificateDto>), (status = 401, body = sipe_platform::api::Problem)))]
pub async fn api_list(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Query(query): Query<CertificateQuery>,
) -> Result<Json<Page<CertificateDto>>, ApiError> {
    let pager = Pager::new(
        "/api/v1/certificates",
        &query.list(),
        &certificates::SORTS,
        true,
    )?;
    let (rows, total) = certificates::list(&state.db, &access, &query.filter(), &pager).await?;
    Ok(Json(Page {
        items: rows.into_iter().map(Into::into).collect(),
        total,
    }))
}

/// The revocation form.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RevokeForm {
    /// Why (required).
    #[serde(default)]
    pub reason: String,
}

/// `POST /training/certificates/{code}/revoke`.
pub async fn revoke(
    State(state): State<AppState>,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(code): Path<String>,
    Form(form): Form<RevokeForm>,
) -> Result<Response, WebError> {
    let cert = certificates::by_code_in_scope(&state.db, &user.access, &code)
        .await?
        .ok_or(WebError::NotFound)?;
    let back = format!("/training/cohorts/{}", cert.cohort_id);
    let revoked = certificates::revoke(&state.db, &audit, &user.access, &code, &form.reason).await;
    forget(&state, &code);
    match revoked {
        Ok(()) => Ok(redirect_with_flash(&back, "success", "certificate-revoked")),
        Err(TrainingError::Invalid(_)) => Ok(redirect_with_flash(
            &back,
            "error",
            "certificate-reason-required",
        )),
        Err(TrainingError::Conflict(key)) => Ok(redirect_with_flash(&back, "error", key)),
        Err(e) => Err(e.into()),
    }
}

/// Revokes a certificate (those who run its cohort).
#[utoipa::path(post, path = "/api/v1/certificates/{code}/revocation", request_body = RevokeForm,
    params(("code" = String, Path, description = "Verification code")),
    responses((status = 200, body = CertificateDto), (status = 404, body = sipe_platform::api::Problem), (status = 409, body = sipe_platform::api::Problem), (status = 422, body = sipe_platform::api::Problem)))]
pub async fn api_revoke(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(audit): Ctx,
    Path(code): Path<String>,
    sipe_platform::api::ApiJson(form): sipe_platform::api::ApiJson<RevokeForm>,
) -> Result<Json<CertificateDto>, ApiError> {
    certificates::by_code_in_scope(&state.db, &access, &code)
        .await?
        .ok_or(ApiError::NotFound)?;
    let revoked = certificates::revoke(&state.db, &audit, &access, &code, &form.reason).await;
    forget(&state, &code);
    revoked?;
    let cert = certificates::by_code(&state.db, &code)
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(cert.into()))
}

/// This node's answers to verification lookups, for a few seconds: the page is public
/// and each answer otherwise costs a database read. A revocation on this node removes
/// the code at once; another node's copy is at most [`VERIFY_TTL`] old.
pub struct VerifyCache(sipe_platform::cache::TtlCache<String, Verification>);

/// How long a node reuses a verification answer.
pub const VERIFY_TTL: std::time::Duration = std::time::Duration::from_secs(5);

impl Default for VerifyCache {
    fn default() -> Self {
        VerifyCache(sipe_platform::cache::TtlCache::new(VERIFY_TTL, 50_000))
    }
}

/// The public view of the certificate with this code (typed in any writing).
async fn lookup(state: &AppState, raw: &str) -> Result<Option<Verification>, sea_orm::DbErr> {
    let Some(code) = crate::domain::parse_code(raw) else {
        return Ok(None);
    };
    let cache = state.extensions.get::<VerifyCache>();
    if let Some(hit) = cache.and_then(|c| c.0.get(&code)) {
        return Ok(Some(hit));
    }
    let found = certificates::by_code(&state.db, &code)
        .await?
        .map(|c| Verification::of(&c, state.tz));
    if let (Some(cache), Some(v)) = (cache, &found) {
        cache.0.insert(code, v.clone());
    }
    Ok(found)
}

/// Forgets this node's answer for a code (after a revocation).
fn forget(state: &AppState, raw: &str) {
    if let (Some(cache), Some(code)) = (
        state.extensions.get::<VerifyCache>(),
        crate::domain::parse_code(raw),
    ) {
        cache.0.remove(&code);
    }
}

/// Cohort prints running at once on this node.
pub struct PrintPermits(tokio::sync::Semaphore);

impl Default for PrintPermits {
    fn default() -> Self {
        PrintPermits(tokio::sync::Semaphore::new(2))
    }
}

/// Verification requests per minute and address (the code is the secret: guessing is
/// hopeless at 100 bits, and the limit keeps it so).
pub struct VerifyLimiter(sipe_platform::web::auth::LoginLimiter);

impl VerifyLimiter {
    /// A limiter of `per_minute` lookups per address.
    pub fn new(per_minute: u32) -> Self {
        VerifyLimiter(sipe_platform::web::auth::LoginLimiter::new(per_minute))
    }
}

/// Whether this address may make another public lookup now.
pub(crate) fn allowed(state: &AppState, client: &Client) -> bool {
    match (state.extensions.get::<VerifyLimiter>(), client.ip) {
        (Some(l), Some(ip)) => l.0.allow(ip),
        _ => true,
    }
}

#[derive(askama::Template)]
#[template(path = "training/verify.html")]
struct VerifyPage {
    ctx: PageCtx,
    found: Option<Verification>,
    asked: bool,
    code: String,
}

/// `GET /verificar` (a box to type the code) and `?code=`.
#[derive(Debug, Deserialize, Default)]
pub struct VerifyQuery {
    #[serde(default)]
    code: String,
}

async fn verify(
    state: &AppState,
    ctx: PageCtx,
    client: &Client,
    code: &str,
) -> Result<Response, WebError> {
    if !allowed(state, client) {
        return Ok((
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, "60")],
            "429",
        )
            .into_response());
    }
    let asked = !code.trim().is_empty();
    let found = if asked {
        lookup(state, code).await?
    } else {
        None
    };
    let status = if asked && found.is_none() {
        StatusCode::NOT_FOUND
    } else {
        StatusCode::OK
    };
    page_with(
        status,
        VerifyPage {
            ctx,
            found,
            asked,
            code: code.chars().take(64).collect(),
        },
    )
}

/// `GET /verificar/{code}`: public, no login.
pub async fn verify_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    client: Client,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    verify(&state, ctx, &client, &code).await
}

/// `GET /verificar`.
pub async fn verify_form(
    State(state): State<AppState>,
    ctx: PageCtx,
    client: Client,
    Query(q): Query<VerifyQuery>,
) -> Result<Response, WebError> {
    verify(&state, ctx, &client, &q.code).await
}

/// A certificate as anyone may verify it: public, rate-limited per address.
#[utoipa::path(get, path = "/api/v1/certificates/{code}",
    params(("code" = String, Path, description = "Verification code, with or without dashes")),
    responses((status = 200, body = Verification), (status = 404, body = sipe_platform::api::Problem), (status = 429)))]
pub async fn api_verify(
    State(state): State<AppState>,
    client: Client,
    Path(code): Path<String>,
) -> Result<Response, ApiError> {
    if !allowed(&state, &client) {
        return Ok((
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, "60")],
            "",
        )
            .into_response());
    }
    let found = lookup(&state, &code).await?.ok_or(ApiError::NotFound)?;
    Ok(Json(found).into_response())
}

/// The verification address printed on a certificate.
pub fn verification_url(state: &AppState, code: &str) -> String {
    format!(
        "{}/verificar/{}",
        super::base_url(state),
        crate::domain::grouped_code(code)
    )
}

fn pdf_response(bytes: Vec<u8>, name: &str, kind: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, kind.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

/// Renders off the async threads: a cohort's certificates take a while.
async fn rendered(
    pairs: Vec<(Certificate, String)>,
    zip: bool,
) -> Result<Vec<u8>, crate::pdf::PdfError> {
    tokio::task::spawn_blocking(move || {
        if zip {
            crate::pdf::zip(&pairs)
        } else {
            crate::pdf::render(&pairs)
        }
    })
    .await
    .map_err(|e| crate::pdf::PdfError::Write(e.to_string()))?
}

async fn one_pdf(
    state: &AppState,
    access: &sipe_platform::access::Access,
    audit: &sipe_platform::audit::AuditCtx,
    code: &str,
) -> Result<Option<Response>, WebError> {
    let Some(cert) = certificates::by_code_in_scope(&state.db, access, code).await? else {
        return Ok(None);
    };
    // A revoked certificate is never printed again: a fresh copy would look valid.
    if cert.status != certificates::VALID {
        return Err(WebError::Conflict("certificate-revoked-no-print".into()));
    }
    state
        .reads
        .record(
            audit,
            sipe_platform::audit::Change::new(
                "training.certificate.print",
                "training_certificate",
                cert.id,
            ),
        )
        .await
        .map_err(|e| WebError::Internal(anyhow::anyhow!(e.to_string())))?;
    let url = verification_url(state, &cert.code);
    let name = format!("certificado-{}.pdf", cert.code);
    let bytes = rendered(vec![(cert, url)], false)
        .await
        .map_err(|e| WebError::Internal(e.into()))?;
    Ok(Some(pdf_response(bytes, &name, "application/pdf")))
}

/// `GET /training/certificates/{code}/certificate.pdf`.
pub async fn pdf_page(
    State(state): State<AppState>,
    user: Authenticated,
    Ctx(audit): Ctx,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    one_pdf(&state, &user.access, &audit, &code)
        .await?
        .ok_or(WebError::NotFound)
}

/// The printable certificate (A4 landscape PDF with the verification QR code).
#[utoipa::path(get, path = "/api/v1/certificates/{code}/certificate.pdf",
    params(("code" = String, Path, description = "Verification code")),
    responses((status = 200, content_type = "application/pdf", body = Vec<u8>), (status = 404, body = sipe_platform::api::Problem), (status = 409, body = sipe_platform::api::Problem)))]
pub async fn api_pdf(
    State(state): State<AppState>,
    ApiAccess(access): ApiAccess,
    Ctx(audit): Ctx,
    Path(code): Path<String>,
) -> Result<Response, ApiError> {
    match one_pdf(&state, &access, &audit, &code).await {
        Ok(Some(r)) => Ok(r),
        Ok(None) | Err(WebError::NotFound) => Err(ApiError::NotFound),
        Err(WebError::Conflict(key)) => Err(ApiError::Conflict(key)),
        Err(e) => Err(ApiError::Internal(anyhow::anyhow!(e.to_string()))),
    }
}

/// `GET /training/cohorts/{id}/certificates.pdf` and `.zip`: every certificate of the
/// cohort, for those who run it.
pub async fn cohort_pdf(
    State(state): State<AppState>,
    user: Authenticated,
    Ctx(audit): Ctx,
    uri: axum::http::Uri,
    Path(id): Path<uuid::Uuid>,
) -> Result<Response, WebError> {
    let cohort = crate::cohorts::find_visible(&state.db, &user.access, id)
        .await?
        .ok_or(WebError::NotFound)?;
    if !crate::cohorts::runs(&state.db, &user.access, cohort.id).await? {
        return Err(WebError::NotFound);
    }
    // Two cohort prints at a time per node: each takes a core for seconds.
    let Some(_permit) = state
        .extensions
        .get::<PrintPermits>()
        .and_then(|p| p.0.try_acquire().ok())
    else {
        return Ok((
            StatusCode::TOO_MANY_REQUESTS,
            [(header::RETRY_AFTER, "10")],
            "",
        )
            .into_response());
    };
    let certs: Vec<Certificate> = certificates::of_cohort(&state.db, id)
        .await?
        .into_iter()
        .filter(|c| c.status == certificates::VALID)
        .collect();
    if certs.is_empty() {
        return Err(WebError::NotFound);
    }
    state
        .reads
        .record(
            &audit,
            sipe_platform::audit::Change::new("training.certificate.print", "training_cohort", id)
                .after(serde_json::json!({"certificates": certs.len()})),
        )
        .await
        .map_err(|e| WebError::Internal(anyhow::anyhow!(e.to_string())))?;
    let zip = uri.path().ends_with(".zip");
    let pairs = certs
        .into_iter()
        .map(|c| {
            let url = verification_url(&state, &c.code);
            (c, url)
        })
        .collect();
    let bytes = rendered(pairs, zip)
        .await
        .map_err(|e| WebError::Internal(e.into()))?;
    Ok(if zip {
        pdf_response(
            bytes,
            &format!("certificados-{}.zip", cohort.code),
            "application/zip",
        )
    } else {
        pdf_response(
            bytes,
            &format!("certificados-{}.pdf", cohort.code),
            "application/pdf",
        )
    })
}
