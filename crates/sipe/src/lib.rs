//! sipe: information system for public employment services and labour administration.
//!
//! This crate assembles the application: the modules it is made of (`startup::modules`),
//! the migration list, the command line and the demo. The binary only parses the command
//! line; everything else lives here so the tests run exactly what production runs.

pub mod cli;
pub mod demo;
pub mod startup;

pub use sipe_attention as attention;
pub use sipe_intermediation as intermediation;
pub use sipe_messaging as messaging;
pub use sipe_persons as persons;
pub use sipe_platform::{
    access, api, audit, cache, config, csv_export, db, i18n, ids, jobs, module, taxonomy,
    telemetry, territory, text, validation, web,
};
pub use sipe_programmes as programmes;
pub use sipe_training as training;
pub use startup::Application;

#[cfg(test)]
mod catalogue_tests;
#[cfg(test)]
mod openapi_tests;
