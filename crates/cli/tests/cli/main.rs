//! The benk binary's integration tests, one binary (each module was a test file of its own).

mod cli;
mod import;
mod load;
#[cfg(target_os = "linux")]
mod login_memory;
mod report;
mod seed;
