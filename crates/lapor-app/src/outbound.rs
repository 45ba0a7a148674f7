//! The outside world the outbox writes to besides e-mail: SMS gateways and the webhooks of
//! integrated systems. Injected like [`crate::notify::Mailer`], so tests use real gateways
//! (Kannel, an HTTP receiver) or recorders, and deployments without them drop messages with
//! a log line.

use std::future::Future;
use std::pin::Pin;

/// One SMS to send.
#[derive(Clone, PartialEq, Eq)]
pub struct OutgoingSms {
    /// E.164, e.g. `+6281234567890`.
    pub to: String,
    pub text: String,
    /// The outbox job, so the gateway's delivery report can be matched to it.
    pub job_id: i64,
}

impl std::fmt::Debug for OutgoingSms {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutgoingSms")
            .field("job_id", &self.job_id)
            .finish_non_exhaustive()
    }
}

/// Why a message to the outside world was not delivered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeliveryError {
    /// Worth retrying later (connection refused, timeout, 5xx, gateway queue full).
    #[error("temporary delivery failure: {0}")]
    Transient(String),
    /// Retrying will not help (rejected number, 4xx).
    #[error("permanent delivery failure: {0}")]
    Permanent(String),
}

/// An SMS gateway (Kannel's `sendsms` in production).
pub trait SmsSender: Send + Sync {
    fn send<'a>(
        &'a self,
        sms: &'a OutgoingSms,
    ) -> Pin<Box<dyn Future<Output = Result<(), DeliveryError>> + Send + 'a>>;
}

/// A deployment without an SMS gateway: messages are dropped with a log line.
pub struct NoSms;

impl SmsSender for NoSms {
    fn send<'a>(
        &'a self,
        sms: &'a OutgoingSms,
    ) -> Pin<Box<dyn Future<Output = Result<(), DeliveryError>> + Send + 'a>> {
        Box::pin(async move {
            tracing::info!(job = sms.job_id, "no SMS gateway configured; SMS not sent");
            Ok(())
        })
    }
}

/// One signed webhook request.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookRequest {
    pub url: String,
    /// JSON body.
    pub body: String,
    /// Header values: `X-Lapor-Timestamp` (Unix seconds) and `X-Lapor-Signature`
    /// (`sha256=<hex HMAC-SHA256 of "timestamp.body">`).
    pub timestamp: i64,
    pub signature: String,
    /// Unique per delivery job, so receivers can drop duplicates (`X-Lapor-Delivery`).
    pub delivery_id: String,
}

impl std::fmt::Debug for WebhookRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookRequest")
            .field("delivery_id", &self.delivery_id)
            .finish_non_exhaustive()
    }
}

/// An HTTP client for webhooks; returns the HTTP status on any answer.
pub trait WebhookSender: Send + Sync {
    fn post<'a>(
        &'a self,
        request: &'a WebhookRequest,
    ) -> Pin<Box<dyn Future<Output = Result<u16, DeliveryError>> + Send + 'a>>;
}

/// Everything the outbox delivers to, injected together.
#[derive(Clone)]
pub struct Gateways {
    pub mail: std::sync::Arc<dyn crate::notify::Mailer>,
    pub sms: std::sync::Arc<dyn SmsSender>,
    pub webhooks: std::sync::Arc<dyn WebhookSender>,
}

impl Gateways {
    /// Mail through `mail`; no SMS gateway; webhooks not sent (logged).
    #[must_use]
    pub fn mail_only(mail: std::sync::Arc<dyn crate::notify::Mailer>) -> Self {
        Self {
            mail,
            sms: std::sync::Arc::new(NoSms),
            webhooks: std::sync::Arc::new(NoWebhooks),
        }
    }
}

/// No HTTP client: webhooks count as failed (retried, so configuring one later delivers them).
pub struct NoWebhooks;

impl WebhookSender for NoWebhooks {
    fn post<'a>(
        &'a self,
        _request: &'a WebhookRequest,
    ) -> Pin<Box<dyn Future<Output = Result<u16, DeliveryError>> + Send + 'a>> {
        Box::pin(async {
            Err(DeliveryError::Transient(
                "no webhook client configured".into(),
            ))
        })
    }
}

/// How far a webhook's timestamp may be from the receiver's clock before the request counts
/// as a replay, in seconds (what [`verify_webhook`] callers should pass).
pub const WEBHOOK_WINDOW_SECS: i64 = 300;

/// `sha256=<hex>`: HMAC-SHA256 over `"{timestamp}.{body}"` with the client's secret.
#[must_use]
pub fn sign_webhook(secret: &str, timestamp: i64, body: &str) -> String {
    use hmac::Mac;
    let mut mac = <hmac::Hmac<sha2::Sha256> as Mac>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    let digest = mac.finalize().into_bytes();
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256={hex}")
}

/// Checks a webhook signature as a receiver must: the right secret, and a timestamp within
/// `window_secs` of `now` (older requests are replays). Constant-time comparison.
#[must_use]
pub fn verify_webhook(
    secret: &str,
    timestamp: i64,
    body: &str,
    signature: &str,
    now: i64,
    window_secs: i64,
) -> bool {
    if now.abs_diff(timestamp) > window_secs.unsigned_abs() {
        return false;
    }
    let expected = sign_webhook(secret, timestamp, body);
    expected.len() == signature.len()
        && expected
            .bytes()
            .zip(signature.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}
