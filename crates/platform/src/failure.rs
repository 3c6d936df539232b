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
            Failure::Conflict(text) => WebError::Conflict(text),
            Failure::Store(s) => s.into(),
            Failure::Internal(e) => WebError::Internal(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::response::IntoResponse;

    struct Refused;

    impl UseCaseError for Refused {
        fn failure(self) -> Failure {
            Failure::Conflict("the vacancy is closed".into())
        }
    }

    struct Missing;

    impl UseCaseError for Missing {
        fn failure(self) -> Failure {
            Failure::NotFound
        }
    }

    #[test]
    fn a_conflict_is_409_on_pages_and_in_the_api_not_an_internal_error() {
        let page = crate::web::WebError::from(Refused).into_response();
        assert_eq!(page.status(), axum::http::StatusCode::CONFLICT);
        let api = crate::api::ApiError::from(Refused).into_response();
        assert_eq!(api.status(), axum::http::StatusCode::CONFLICT);
        // The same conversion keeps other kinds apart.
        let missing = crate::web::WebError::from(Missing).into_response();
        assert_eq!(missing.status(), axum::http::StatusCode::NOT_FOUND);
    }
}
