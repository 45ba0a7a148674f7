//! Automatic routing of Lapor: from a report's text and place to the competent agency. Pure
//! and fast — no network, no downloaded model — so it can run inside every request and job.
//!
//! Complaints arrive from phones in colloquial, abbreviated, misspelled Indonesian ("lampu pju
//! di jln raya gk nyala2 udh 3 hr"); [`text`] gives them one normal form, [`features`] turns
//! them into character n-grams and words, and [`model`] learns from the deployment's own
//! confirmed routings which agency role handles what.

pub mod directory;
pub mod eval;
pub mod features;
pub mod hints;
pub mod model;
pub mod place;
pub mod route;
pub mod rules;
pub mod similar;
mod svm;
pub mod text;
