//! The one error of training's use cases, and how the web and the API show it.

use sipe_platform::api::ApiError;
use sipe_platform::db::StoreError;
use sipe_platform::validation::FieldErrors;
use sipe_platform::web::WebError;

/// Why a use case refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum TrainingError {
    /// The input is invalid; per field.
    #[error(transparent)]
    Invalid(#[from] FieldErrors),
    /// No such record in the caller's scope.
    #[error("not found")]
    NotFound,
    /// The record's state forbids it; a catalogue key says why.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// The person does not meet the course's requirements: every failed criterion.
    #[error("not eligible")]
    Ineligible(Vec<crate::domain::Unmet>),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Anything else unexpected (a sealed key the configured key does not open).
    #[error(transparent)]
    Internal(anyhow::Error),
}

impl From<sea_orm::DbErr> for TrainingError {
    fn from(e: sea_orm::DbErr) -> Self {
        TrainingError::Store(StoreError::from_db(e))
    }
}

impl From<TrainingError> for WebError {
    fn from(e: TrainingError) -> Self {
        match e {
            TrainingError::Invalid(f) => f.into(),
            TrainingError::NotFound => WebError::NotFound,
            TrainingError::Conflict(key) => WebError::Conflict(key.to_owned()),
            TrainingError::Ineligible(_) => WebError::Conflict("enrol-ineligible".to_owned()),
            TrainingError::Store(s) => s.into(),
            TrainingError::Internal(e) => WebError::Internal(e),
        }
    }
}

impl From<TrainingError> for ApiError {
    fn from(e: TrainingError) -> Self {
        match e {
            TrainingError::Invalid(f) => ApiError::Invalid(f),
            TrainingError::NotFound => ApiError::NotFound,
            TrainingError::Conflict(key) => ApiError::Conflict(key.to_owned()),
            TrainingError::Ineligible(unmet) => ApiError::Conflict(format!(
                "not eligible: {}",
                unmet.iter().map(|u| u.key).collect::<Vec<_>>().join(", ")
            )),
            TrainingError::Store(s) => s.into(),
            TrainingError::Internal(e) => ApiError::Internal(e),
        }
    }
}
