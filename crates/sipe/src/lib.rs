//! sipe: information system for public employment services and labour administration.
//!
//! The binary only parses the command line; everything else lives here so the tests
//! run exactly what production runs.

pub mod access;
pub mod api;
pub mod audit;
pub mod cache;
pub mod cli;
pub mod config;
pub mod csv_export;
pub mod db;
pub mod demo;
pub mod i18n;
pub mod intermediation;
pub mod jobs;
pub mod module;
pub mod persons;
pub mod startup;
pub mod taxonomy;
pub mod telemetry;
pub mod territory;
pub mod text;
pub mod validation;
pub mod web;

pub use startup::Application;
