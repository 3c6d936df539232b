//! What the messaging use cases answer when they cannot do what was asked.

use sipe_platform::api::ApiError;
use sipe_platform::db::StoreError;
use sipe_platform::validation::FieldErrors;
use sipe_platform::web::WebError;

/// Why a messaging use case refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum MessagingError {
    /// The input is invalid; per field.
    #[error(transparent)]
    Invalid(#[from] FieldErrors),
    /// No such record in the caller's scope.
    #[error("not found")]
    NotFound,
    /// The record's state (or another user's change) does not allow it; a catalogue key.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// The caller may see the record but not do this to it; a catalogue key.
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Something else failed (a provider, the data folder).
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<sea_orm::DbErr> for MessagingError {
    fn from(e: sea_orm::DbErr) -> Self {
        MessagingError::Store(StoreError::from_db(e))
    }
}

impl From<MessagingError> for WebError {
    fn from(e: MessagingError) -> Self {
        match e {
            MessagingError::Invalid(f) => f.into(),
            MessagingError::NotFound => WebError::NotFound,
            MessagingError::Conflict(k) => WebError::Conflict(k.into()),
            MessagingError::Forbidden(_) => WebError::Forbidden,
            MessagingError::Store(s) => s.into(),
            MessagingError::Internal(e) => WebError::Internal(e),
        }
    }
}

impl From<MessagingError> for ApiError {
    fn from(e: MessagingError) -> Self {
        match e {
            MessagingError::Invalid(f) => ApiError::Invalid(f),
            MessagingError::NotFound => ApiError::NotFound,
            MessagingError::Conflict(k) => {
                ApiError::Conflict(sipe_platform::i18n::Lang::En.t(k).into_owned())
            }
            MessagingError::Forbidden(_) => ApiError::Forbidden,
            MessagingError::Store(s) => s.into(),
            MessagingError::Internal(e) => ApiError::Internal(e),
        }
    }
}
