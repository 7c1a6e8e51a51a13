//! The `yinjian` server: configuration, start-up, the HTTP router and its layers.

pub mod backup;
pub mod cli;
pub mod config;
pub mod matching;
pub mod seals_import;
pub mod sessions;
pub mod setup;
pub mod web;
