//! What the attention use cases answer when they cannot do what was asked.

use sipe_platform::db::StoreError;
use sipe_platform::failure::{Failure, UseCaseError};
use sipe_platform::validation::FieldErrors;

/// Why an attention use case refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum AttentionError {
    /// The input is invalid; per field.
    #[error(transparent)]
    Invalid(#[from] FieldErrors),
    /// No such record in the caller's scope.
    #[error("not found")]
    NotFound,
    /// The record's state does not allow it; a catalogue key.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sea_orm::DbErr> for AttentionError {
    fn from(e: sea_orm::DbErr) -> Self {
        AttentionError::Store(StoreError::from_db(e))
    }
}

impl UseCaseError for AttentionError {
    fn failure(self) -> Failure {
        match self {
            AttentionError::Invalid(f) => Failure::Invalid(f),
            AttentionError::NotFound => Failure::NotFound,
            AttentionError::Conflict(key) => {
                Failure::Conflict(sipe_platform::i18n::Lang::En.t(key).into_owned())
            }
            AttentionError::Store(s) => Failure::Store(s),
        }
    }
}
