//! Consultations (interactions) from every channel: who asked, by which channel, about
//! which topic, what was answered; each on the person's timeline when the person is
//! known. A finished counter ticket records one per topic delivered.

pub mod api;
pub mod conversation;
pub mod domain;
pub mod service;
pub mod store;
pub mod web_form;

pub use domain::{Channel, Direction, InteractionStatus};
pub use service::{Interaction, InteractionInput};
