//! Sending one SMS through Kannel's `sendsms` HTTP interface.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use lapor_app::outbound::{DeliveryError, OutgoingSms, SmsSender};
use lapor_domain::sms::is_gsm7;
use url::Url;

use crate::{ConfigError, KannelConfig};

/// Every delivery event Kannel knows: 1 delivered to the phone, 2 not delivered, 4 queued on
/// the SMSC, 8 accepted by the SMSC, 16 rejected by the SMSC.
const DLR_MASK: &str = "31";

/// Sends SMS through Kannel. Cheap to clone: clones share one connection pool.
#[derive(Clone)]
pub struct KannelSender {
    config: Arc<KannelConfig>,
    client: reqwest::Client,
}

impl KannelSender {
    /// # Errors
    /// When the HTTP client (its TLS stack) cannot be set up.
    pub fn new(config: KannelConfig) -> Result<Self, ConfigError> {
        // As in lapor-http: reqwest is built without a rustls provider; ring is the one.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("Lapor/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ConfigError(format!("HTTP client: {e}")))?;
        Ok(KannelSender {
            config: Arc::new(config),
            client,
        })
    }

    /// Hands one SMS to Kannel. `job` is the outbox job it belongs to: when delivery reports
    /// are configured, Kannel calls back with it. `202 0: Accepted` and `202 3: Queued` are
    /// success; 503, other 5xx, a timeout or a refused connection are worth a retry; 4xx
    /// (bad credentials, bad number) is not. Logs neither the number nor the text.
    ///
    /// # Errors
    /// [`DeliveryError::Transient`] or [`DeliveryError::Permanent`], never quoting the number,
    /// the text or the password.
    pub async fn send(&self, to: &str, text: &str, job: Option<i64>) -> Result<(), DeliveryError> {
        let url = self.sendsms_url(to, text, job);
        let result = match self.client.get(url).send().await {
            Ok(response) => {
                let status = response.status().as_u16();
                let body = response.text().await.unwrap_or_default();
                classify(status, &body)
            }
            // The error's URL holds the password, number and text: never shown.
            Err(e) => Err(DeliveryError::Transient(format!(
                "Kannel unreachable ({})",
                e.without_url()
            ))),
        };
        match &result {
            Ok(()) => tracing::info!(job, "SMS handed to Kannel"),
            Err(error) => tracing::warn!(job, %error, "SMS not handed to Kannel"),
        }
        result
    }

    /// The sendsms request: text as UTF-8, 7-bit coding when GSM-7 can carry it (160 characters
    /// a part) and UCS-2 otherwise, every delivery event reported to `dlr_base`.
    pub fn sendsms_url(&self, to: &str, text: &str, job: Option<i64>) -> Url {
        let config = &self.config;
        let mut url = config.endpoint.clone();
        {
            let mut query = url.query_pairs_mut();
            query
                .append_pair("username", &config.username)
                .append_pair("password", &config.password)
                .append_pair("to", to)
                .append_pair("text", text)
                .append_pair("charset", "UTF-8")
                .append_pair("coding", if is_gsm7(text) { "0" } else { "2" });
            if let Some(from) = &config.from {
                query.append_pair("from", from);
            }
            if let Some(smsc) = &config.smsc {
                query.append_pair("smsc", smsc);
            }
            if let Some(dlr_url) = self.dlr_url(job) {
                query
                    .append_pair("dlr-mask", DLR_MASK)
                    .append_pair("dlr-url", &dlr_url);
            }
        }
        url
    }

    /// `dlr_base?job=N&status=%d&reply=%A&secret=S`. `%d` (the event) and `%A` (the SMSC's
    /// answer) are Kannel escape codes it fills in when it calls back.
    fn dlr_url(&self, job: Option<i64>) -> Option<String> {
        let (base, secret, job) = (
            self.config.dlr_base.as_ref()?,
            self.config.dlr_secret.as_ref()?,
            job?,
        );
        let mut url = base.clone();
        url.query_pairs_mut()
            .append_pair("job", &job.to_string())
            .append_pair("secret", secret);
        // Appended by hand: the URL encoder would escape the `%` that Kannel must see.
        Some(format!("{url}&status=%d&reply=%A"))
    }
}

/// Sorts Kannel's answer. Its error texts are fixed strings ("Authorization failed for
/// sendsms", "Missing receiver number, rejected"), safe to keep in a job's last error.
fn classify(status: u16, body: &str) -> Result<(), DeliveryError> {
    let first_line: String = body
        .lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(120)
        .collect();
    match status {
        200..=299 => Ok(()),
        400..=499 => Err(DeliveryError::Permanent(format!(
            "Kannel refused the SMS ({status}: {first_line})"
        ))),
        _ => Err(DeliveryError::Transient(format!(
            "Kannel could not take the SMS now ({status}: {first_line})"
        ))),
    }
}

impl SmsSender for KannelSender {
    fn send<'a>(
        &'a self,
        sms: &'a OutgoingSms,
    ) -> Pin<Box<dyn Future<Output = Result<(), DeliveryError>> + Send + 'a>> {
        Box::pin(KannelSender::send(
            self,
            &sms.to,
            &sms.text,
            Some(sms.job_id),
        ))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const SECRET: &str = "s3cret-0123456789abcdef0123456789";

    fn sender(url: &str) -> KannelSender {
        KannelSender::new(KannelConfig::from_url(url, Some(SECRET)).unwrap()).unwrap()
    }

    fn param(url: &Url, key: &str) -> Option<String> {
        url.query_pairs()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.into_owned())
    }

    #[test]
    fn the_request_carries_text_coding_and_a_delivery_report_url() {
        let sender = sender(
            "http://lapor:rahasia@gw:13013/?from=1708&dlr_base=http://lapor:8080/kannel/dlr",
        );
        let url = sender.sendsms_url("+6281234567890", "Laporan #0000042 selesai & ok", Some(7));
        assert_eq!(url.path(), "/cgi-bin/sendsms");
        assert_eq!(param(&url, "to").as_deref(), Some("+6281234567890"));
        assert_eq!(
            param(&url, "text").as_deref(),
            Some("Laporan #0000042 selesai & ok")
        );
        assert_eq!(param(&url, "coding").as_deref(), Some("0"));
        assert_eq!(param(&url, "from").as_deref(), Some("1708"));
        assert_eq!(param(&url, "dlr-mask").as_deref(), Some("31"));
        assert_eq!(
            param(&url, "dlr-url").as_deref(),
            Some(
                format!("http://lapor:8080/kannel/dlr?job=7&secret={SECRET}&status=%d&reply=%A")
                    .as_str()
            )
        );
        let unicode = sender.sendsms_url("+6281234567890", "Tindak lanjut “selesai”", None);
        assert_eq!(param(&unicode, "coding").as_deref(), Some("2"));
        assert_eq!(
            param(&unicode, "dlr-url"),
            None,
            "no job, no report to match"
        );
    }

    #[test]
    fn without_a_delivery_base_no_report_is_asked_for() {
        let url = sender("http://u:p@gw/").sendsms_url("+6281234567890", "x", Some(1));
        assert_eq!(param(&url, "dlr-mask"), None);
        assert_eq!(param(&url, "from"), None);
    }

    #[test]
    fn kannel_answers_are_sorted_into_retry_or_not() {
        assert_eq!(classify(202, "0: Accepted for delivery"), Ok(()));
        assert_eq!(classify(202, "3: Queued for later delivery"), Ok(()));
        assert!(matches!(
            classify(503, "Temporal failure, try again later."),
            Err(DeliveryError::Transient(_))
        ));
        assert!(matches!(
            classify(403, "Authorization failed for sendsms"),
            Err(DeliveryError::Permanent(e)) if e.contains("Authorization failed")
        ));
        assert!(matches!(
            classify(400, "Missing receiver number, rejected"),
            Err(DeliveryError::Permanent(_))
        ));
    }
}
