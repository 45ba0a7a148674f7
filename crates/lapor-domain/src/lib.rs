//! Pure domain core of Lapor: no I/O, no async, no SQL.
//!
//! Everything here is deterministic given its inputs (time and randomness are passed in),
//! so the web, API, CLI, channels and jobs all share one set of rules.

pub mod agency;
pub mod calendar;
pub mod category;
pub mod event;
pub mod privacy;
pub mod region;
pub mod report;
pub mod sms;
pub mod status;
pub mod tracking;
pub mod user;
pub mod validation;
pub mod workflow;

pub use validation::{FieldError, Problem, ValidationErrors};
