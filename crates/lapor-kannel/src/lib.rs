//! SMS of Lapor through Kannel, the open-source SMS gateway Indonesian agencies run.
//!
//! [`KannelConfig`] says where Kannel's `sendsms` interface is; [`KannelSender`], the outbox's
//! [`lapor_app::outbound::SmsSender`], hands it one SMS at a time, asking for delivery reports
//! to Lapor's `/kannel/dlr` endpoint. Inbound SMS arrive at Lapor's `/kannel/sms`
//! endpoint (crate `lapor-web`) through Kannel's `sms-service`.
//!
//! With the `testing` feature, [`testing::Kannel`] runs a real Kannel for tests, with
//! `fakesmsc` playing the phone network.

mod config;
mod error;
mod sender;
#[cfg(feature = "testing")]
pub mod testing;

pub use config::{KannelConfig, SECRET_MIN_LEN, check_secret};
pub use error::ConfigError;
pub use sender::KannelSender;
