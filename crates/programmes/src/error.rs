//! What the programmes' use cases answer when they cannot do what was asked.

use sipe_platform::api::ApiError;
use sipe_platform::db::StoreError;
use sipe_platform::validation::FieldErrors;
use sipe_platform::web::WebError;

/// Why a programmes use case refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum ProgrammeError {
    /// The input is invalid; per field.
    #[error(transparent)]
    Invalid(#[from] FieldErrors),
    /// No such record in the caller's scope.
    #[error("not found")]
    NotFound,
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Something else failed (the data folder).
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sea_orm::DbErr> for ProgrammeError {
    fn from(e: sea_orm::DbErr) -> Self {
        ProgrammeError::Store(StoreError::from_db(e))
    }
}

impl From<ProgrammeError> for WebError {
    fn from(e: ProgrammeError) -> Self {
        match e {
            ProgrammeError::Invalid(f) => f.into(),
            ProgrammeError::NotFound => WebError::NotFound,
            ProgrammeError::Store(s) => s.into(),
            ProgrammeError::Internal(e) => WebError::Internal(e),
        }
    }
}

impl From<ProgrammeError> for ApiError {
    fn from(e: ProgrammeError) -> Self {
        match e {
            ProgrammeError::Invalid(f) => ApiError::Invalid(f),
            ProgrammeError::NotFound => ApiError::NotFound,
            ProgrammeError::Store(s) => s.into(),
            ProgrammeError::Internal(e) => ApiError::Internal(e),
        }
    }
}
