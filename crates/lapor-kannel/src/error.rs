//! The one error type of the crate, sorted by what the caller can do about it.

/// Why an SMS could not be handed to Kannel, or a sender not configured.
///
/// Messages never contain the phone number, the text or a password: they end up in logs and
/// in a job's last error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KannelError {
    /// The Kannel URL or secret is unusable; fix the configuration.
    #[error("invalid Kannel configuration: {0}")]
    InvalidConfig(String),
    /// Retrying later can help: Kannel unreachable, timeout, 503.
    #[error("temporary Kannel failure: {0}")]
    Transient(String),
    /// Retrying the same SMS will fail again: 4xx (credentials, number).
    #[error("permanent Kannel failure: {0}")]
    Permanent(String),
}

impl KannelError {
    /// Whether a retry queue should try this SMS again later.
    pub fn is_transient(&self) -> bool {
        matches!(self, KannelError::Transient(_))
    }
}
