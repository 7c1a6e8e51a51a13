//! The server's integration tests, in one binary (#38): each module one area, on both
//! databases where a store is involved (`common::on_both!`). One binary links the server once
//! instead of thirty times (a test build of 30 binaries took 5.4 GB; see the README).
//! `server/tests/logs.rs` stays a binary of its own: it installs a process-wide TRACE subscriber
//! to catch personal data in logs, which must not hear every other test.

#[macro_use]
mod common;

mod account_requests;
mod acknowledgement;
mod assets;
mod audits;
mod auth;
mod authz;
mod backup;
mod comparisons;
mod db_tls;
mod designations;
mod file_modes;
mod first_start;
mod flood;
mod forward;
mod inbox;
mod instances;
mod liaison;
mod matching;
mod operations;
mod register;
mod reports;
mod reviews;
mod rules;
mod scan;
mod schema;
mod seals_import;
mod security;
mod store;
mod trail_chain;
mod trail_key;
mod trail_rename;
mod upgrade;
