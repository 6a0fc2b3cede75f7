//! The integration tests: one binary, files mirror the URL space.
//! Every test runs on SQLite and, when `TEST_DATABASE_URL` is set, on PostgreSQL
//! (under `CI=true` a missing PostgreSQL is a failure, not a skip).

#![expect(clippy::unwrap_used, reason = "tests fail loudly on unexpected values")]

mod helpers;
mod hostile_workbooks;

mod admin;
mod api_errors;
mod area_choices;
mod areas;
mod auth;
mod catalogue;
mod catalogue_export;
mod cli;
mod concurrent_writes;
mod conflicts;
mod groups;
mod health;
mod import_pages;
mod jobs;
mod knowledge_import;
mod list_speed;
mod lists;
mod locales;
mod matrix;
mod meetings;
mod members;
mod migrations;
mod openapi;
mod organisations;
mod people;
mod plan;
mod plan_decision;
mod plan_exchange;
mod plan_pages;
mod plan_update;
mod reference;
mod report;
mod report_access;
mod report_knowledge;
mod robustness;
mod routes;
mod schema;
mod security;
mod sotkanet_fetch;
mod stats;
mod uploads;
mod welfare_pdf;
