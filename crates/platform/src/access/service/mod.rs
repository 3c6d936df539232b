//! Use cases of the access module. Each one runs in one transaction with its audit rows.

mod login;
mod tokens;
mod users;

pub use login::*;
pub use tokens::*;
pub use users::*;

use sea_orm::DbErr;

use crate::db::StoreError;
use crate::validation::FieldErrors;

/// Why a use case failed.
#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    /// Bad input; nothing was stored.
    #[error(transparent)]
    Invalid(#[from] FieldErrors),
    /// No such user or token.
    #[error("not found")]
    NotFound,
    /// Database failure.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Anything else.
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl From<DbErr> for AccessError {
    fn from(e: DbErr) -> Self {
        AccessError::Store(StoreError::from_db(e))
    }
}

impl crate::failure::UseCaseError for AccessError {
    fn failure(self) -> crate::failure::Failure {
        use crate::failure::Failure;
        match self {
            AccessError::Invalid(f) => Failure::Invalid(f),
            AccessError::NotFound => Failure::NotFound,
            AccessError::Store(s) => Failure::Store(s),
            AccessError::Other(e) => Failure::Internal(e),
        }
    }
}
