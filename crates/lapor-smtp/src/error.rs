//! The one error type of the crate, sorted by what the caller can do about it.

/// Why a message could not be sent, or a mailer not built.
///
/// Messages never contain the recipient address, the body or a password: they end up in logs
/// and in a job table's `last_error` column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SmtpError {
    /// The SMTP configuration (URL, sender, credentials) is unusable; fix the configuration.
    #[error("invalid SMTP configuration: {0}")]
    InvalidConfig(String),
    /// The recipient address cannot be used; no connection was made.
    #[error("invalid recipient address: {0}")]
    InvalidAddress(String),
    /// Retrying later can help: connection refused or reset, timeout, 4xx reply.
    #[error("temporary SMTP failure: {0}")]
    Transient(String),
    /// Retrying the same message will fail again: 5xx reply, TLS or authentication set-up.
    #[error("permanent SMTP failure: {0}")]
    Permanent(String),
}

impl SmtpError {
    /// Whether a retry queue should try this message again later.
    pub fn is_transient(&self) -> bool {
        matches!(self, SmtpError::Transient(_))
    }
}
