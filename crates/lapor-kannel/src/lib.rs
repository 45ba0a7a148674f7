//! SMS of Lapor through Kannel, the open-source SMS gateway Indonesian agencies run.
//!
//! [`KannelConfig`] says where Kannel's `sendsms` interface is; [`KannelSender`] hands it one
//! SMS at a time, asking for delivery reports to Lapor's `/kannel/dlr` endpoint; [`KannelError`]
//! tells the outbox whether a retry can help. Inbound SMS arrive at Lapor's `/kannel/sms`
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
pub use error::KannelError;
pub use sender::KannelSender;
