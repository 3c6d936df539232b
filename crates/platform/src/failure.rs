//! One conversion from every module's use-case errors to web pages and API problems.
//!
//! A module's error enum says what kind of failure each variant is ([`UseCaseError`]);
//! `?` then turns it into a [`WebError`](crate::web::WebError) or an
//! [`ApiError`](crate::api::ApiError) the same way in every module.

use crate::db::StoreError;
use crate::validation::FieldErrors;

/// The kinds of failure a use case reports.
#[derive(Debug)]
pub enum Failure {
    /// Input that does not validate (a form shows it again; the API answers 422).
    Invalid(FieldErrors),
    /// No such record, or outside the caller's scope (never distinguished).
    NotFound,
    /// The record's state or another record forbids it; the text is for API clients.
    Conflict(String),
    /// The database failed.
    Store(StoreError),
    /// Anything else unexpected.
    Internal(anyhow::Error),
}

/// A module's use-case error, classified.
pub trait UseCaseError {
    /// What kind of failure this is.
    fn failure(self) -> Failure;
}

impl<E: UseCaseError> From<E> for crate::api::ApiError {
    fn from(e: E) -> Self {
        use crate::api::ApiError;
        match e.failure() {
            Failure::Invalid(f) => ApiError::Invalid(f),
            Failure::NotFound => ApiError::NotFound,
            Failure::Conflict(text) => ApiError::Conflict(text),
            Failure::Store(s) => s.into(),
            Failure::Internal(e) => ApiError::Internal(e),
        }
    }
}

impl<E: UseCaseError> From<E> for crate::web::WebError {
    /// Forms handle `Invalid` themselves (they show the form again); one that reaches
    /// here is a list query's problem, shown as such.
    fn from(e: E) -> Self {
        use crate::web::WebError;
        match e.failure() {
            Failure::Invalid(f) => f.into(),
            Failure::NotFound => WebError::NotFound,
            Failure::Conflict(text) => WebError::Internal(anyhow::anyhow!(text)),
            Failure::Store(s) => s.into(),
            Failure::Internal(e) => WebError::Internal(e),
        }
    }
}
