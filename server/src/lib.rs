//! The `yinjian` server: configuration, start-up, the HTTP router and its layers.

/// `0.1.0 (commit 1a2b3c4d5e6f)`: what `--version` prints and the update records keep.
pub const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (commit ", env!("YINJIAN_GIT_COMMIT"), ")");
pub const COMMIT: &str = env!("YINJIAN_GIT_COMMIT");

pub mod backup;
pub mod bulk;
pub mod cli;
pub mod config;
pub mod files;
pub mod forward;
pub mod matching;
pub mod metrics;
pub mod seals_import;
pub mod sessions;
pub mod setup;
pub mod web;
