//! Integration tests: the real application on a random port against a fresh database
//! (SQLite always; PostgreSQL when `SIPE_TEST_DATABASE_URL` is set).

#![expect(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

mod counterparts;
mod helpers;
mod home;

mod api;
mod attention;
mod attention_appointments;
mod attention_conversations;
mod attention_mail;
mod attention_phone;
mod attention_sla;
mod attention_web_form;
mod audit;
mod auth;
mod cli;
mod duplicates;
mod employers;
mod export;
mod forms;
mod hardening;
mod health;
mod import;
mod jobs;
mod lifecycle;
mod login;
mod matching;
mod merge;
mod messaging;
mod messaging_http;
mod messaging_restart;
mod messaging_smpp;
mod messaging_unsubscribe;
mod messaging_whatsapp;
mod occupations;
mod offices;
mod persons;
mod profile;
mod programmes;
mod programmes_compliance;
mod programmes_documents;
mod programmes_indicators;
mod programmes_national;
mod referrals;
mod scope;
mod training;
mod training_bulk;
mod training_competency;
mod training_credentials;
mod training_indicators;
mod training_moodle;
mod training_staff;
mod transfers;
mod users;
mod vacancies;
