//! The web crate's integration tests, one binary: each module was a test file of its own.
//! One binary links once and runs every test in one process, in parallel.

#[macro_use]
mod common;

mod access;
mod admin_access;
mod answer;
mod appointments;
mod audit;
mod auth;
mod auth_cache;
mod board;
mod caseload;
mod client_page;
mod contacts;
mod dropin;
mod health_scope;
mod housing;
mod import;
mod input;
mod intake_api;
mod intake_assessment;
mod intake_pages;
mod keeping_contact;
mod learning_log;
mod levels;
mod login;
mod measures;
mod measures_plans_gaps;
mod meetings;
mod open_hour;
mod openapi;
mod plans;
mod registry;
mod reports;
mod reports_cflex;
mod reports_release;
mod reports_tandem_fidelity;
mod strict_input;
mod target_group;
mod team_access;
