//! Automatic routing of Lapor (issue 5, being built): from a report's text and place to the
//! competent agency. Pure and fast — no network, no downloaded model — so it can run inside
//! every request and every job.
//!
//! This first part is the Indonesian text handling every later feature stands on: complaints
//! arrive from phones in colloquial, abbreviated, misspelled Indonesian ("lampu pju di jln
//! raya gk nyala2 udh 3 hr"), and both the learned model and place extraction need the same
//! normal form of it.

pub mod text;
