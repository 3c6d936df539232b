//! sipe's platform: what every feature module builds on. Configuration, the database and
//! its migrations, the web and API kit, access control and sessions, territory, the audit
//! trail, background jobs, text and validation helpers, the UI catalogues, and the module
//! kit through which feature modules plug in. It names no feature module: modules depend
//! on it, never the other way (the compiler enforces it).

pub mod access;
pub mod api;
pub mod audit;
pub mod cache;
pub mod config;
pub mod countries;
pub mod csv_export;
pub mod db;
pub mod failure;
pub mod files;
pub mod i18n;
pub mod ids;
pub mod jobs;
pub mod module;
pub mod taxonomy;
pub mod telemetry;
pub mod territory;
pub mod text;
pub mod validation;
pub mod web;
