//! The registry itself: registering, finding, reading and changing a person, with the
//! field history, the list and its filters, and the API.

pub mod api;
pub mod domain;
pub mod filters;
pub mod handlers;
pub mod input;
pub mod service;
pub mod store;
pub mod views;
