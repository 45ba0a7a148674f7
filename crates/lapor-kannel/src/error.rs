//! Why a Kannel configuration cannot be used. (Sending fails with the outbox's own
//! [`lapor_app::outbound::DeliveryError`], which says whether a retry can help.)

/// An unusable Kannel URL or secret. The message never quotes the URL or the secret: it ends
/// up in logs and on the console.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid Kannel configuration: {0}")]
pub struct ConfigError(pub String);
