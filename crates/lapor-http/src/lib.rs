//! Outbound HTTP: the webhook client the outbox posts signed status changes with.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use lapor_app::outbound::{DeliveryError, WebhookRequest, WebhookSender};

/// Posts webhooks with a short timeout: a slow receiver must not hold the outbox (the job is
/// retried with backoff instead).
pub struct HttpWebhooks {
    client: reqwest::Client,
}

impl HttpWebhooks {
    /// # Errors
    /// When the TLS stack cannot be set up.
    pub fn new() -> Result<Self, reqwest::Error> {
        // The workspace links two rustls providers (ring, aws-lc-rs); reqwest is built without
        // one, so pick ring once per process. A provider installed earlier stays.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .connect_timeout(Duration::from_secs(5))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("Lapor/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self { client })
    }
}

impl WebhookSender for HttpWebhooks {
    fn post<'a>(
        &'a self,
        request: &'a WebhookRequest,
    ) -> Pin<Box<dyn Future<Output = Result<u16, DeliveryError>> + Send + 'a>> {
        Box::pin(async move {
            let response = self
                .client
                .post(&request.url)
                .header("Content-Type", "application/json")
                .header("X-Lapor-Timestamp", request.timestamp.to_string())
                .header("X-Lapor-Signature", &request.signature)
                .header("X-Lapor-Delivery", &request.delivery_id)
                .body(request.body.clone())
                .send()
                .await
                .map_err(|e| {
                    // A URL that cannot be a request at all will never work.
                    if e.is_builder() {
                        DeliveryError::Permanent(e.without_url().to_string())
                    } else {
                        DeliveryError::Transient(e.without_url().to_string())
                    }
                })?;
            Ok(response.status().as_u16())
        })
    }
}
