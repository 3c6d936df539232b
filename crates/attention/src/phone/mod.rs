//! The phone line: the PBX reports each call through a CTI webhook compatible with
//! Zammad's generic CTI (`newCall`, `answer`, `hangup`); sipe keeps the caller log,
//! finds the person by the caller's phone, opens a consultation for the user who
//! answers and pops their record up on that user's phone page, and lists the missed
//! calls to call back.
//!
//! Invariants:
//! - The webhook is authenticated by the secret in its URL (`cti_token`); without one
//!   configured it does not exist (404).
//! - A call is stored before anyone hears of it; a pop-up is a read of the stored call
//!   with the reader's own scope, so it names only people the reader may see.

pub mod api;
pub(crate) mod demo;
pub mod domain;
pub mod hub;
pub mod service;
pub mod store;

pub use hub::PhoneHub;

/// The configured webhook secret, kept in the application's extensions.
pub struct CtiToken(pub sipe_platform::config::Secret);
