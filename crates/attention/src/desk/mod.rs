//! An office's desk: the services it attends at counters (each with its ticket prefix)
//! and its counters, with the services each calls and the operator signed in to it.

pub mod service;
pub mod store;

pub use service::{CounterInput, ServiceInput};
