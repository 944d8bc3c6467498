//! The OneCard server: JSON API, server-rendered pages, sessions.

pub mod api;
pub mod app;
pub mod clock;
pub mod config;
pub mod demo;
pub mod explain;
pub mod http;
pub mod i18n;
pub mod input;
pub mod metrics;
pub mod secrets;
pub mod services;
pub mod web;
