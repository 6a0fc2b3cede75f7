//! Tuuli: a web platform for the regional coordination of preventive work.
//!
//! See `ARCHITECTURE.md` for the map. Requests flow one way: route → handler →
//! store → database, and back as typed values rendered by templates or as JSON.

#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod admin;
pub mod app;
pub mod assets;
pub mod auth;
pub mod cli;
pub mod config;
pub mod core;
pub mod db;
pub mod demo;
pub mod error;
pub mod home;
pub mod i18n;
pub mod jobs;
pub mod knowledge;
pub mod network;
pub mod plan;
pub mod web;

pub use app::build_app;
