//! E-mail delivery of Lapor over SMTP: status updates and replies to the people who reported.
//!
//! [`SmtpConfig`] says where to send (usually parsed from a URL), [`SmtpMailer`] sends one
//! [`OutgoingMail`] at a time over a pooled connection, and [`SmtpError`] tells a retry queue
//! whether trying again can help. Nothing here logs or returns the recipient address or the
//! text: they are personal data.
//!
//! With the `testing` feature, [`testing::SmtpServer`] runs a real SMTP server for tests.

mod config;
mod error;
mod mailer;
#[cfg(feature = "testing")]
pub mod testing;

pub use config::{Security, SmtpConfig};
pub use error::SmtpError;
pub use mailer::{OutgoingMail, SmtpMailer};
