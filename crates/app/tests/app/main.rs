//! The app crate's integration tests, one binary (each module was a test file of its own).

mod common;

mod migrations;
mod schema;
mod store_contract;
mod writer_commands;
