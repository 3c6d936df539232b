//! Matching vacancies and candidates (ADR 0003): explainable scores recomputed at every
//! search from current data; nothing of a ranking is stored.

pub mod codes;
pub mod handlers;
pub mod index;
pub mod open_vacancies;
pub mod profile;
pub mod score;
pub mod service;
