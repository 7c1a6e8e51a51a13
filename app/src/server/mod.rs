//! Server-only code (feature `ssr`): what the api functions call. The store never touches
//! HTTP; the api layer decides who may do what.

pub mod admin;
pub mod audits;
pub mod auth;
pub mod authz;
pub mod calendar;
pub mod caller;
pub mod comparisons;
pub mod denials;
pub mod export;
pub mod liaison;
pub mod register;
pub mod reports;
pub mod requests;
pub mod reviews;
pub mod roles;
pub mod scan;
pub mod seals;
pub mod security;
pub mod seed;
pub mod state;
pub mod store;
pub mod system;
pub mod trail;
pub mod trail_read;
pub mod uploads;

pub use state::{AppState, AuthConfig, ClientIp, Clock};
