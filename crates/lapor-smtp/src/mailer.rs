//! Sending one plain-text message through a pooled SMTP connection.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue, MIME_VERSION_1_0};
use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::transport::smtp::{AsyncSmtpTransportBuilder, Error as LettreError};
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use crate::{Security, SmtpConfig, SmtpError};

/// One plain-text e-mail. The text is UTF-8; lettre picks quoted-printable or base64 so that
/// Indonesian text (and "é", "—") arrives intact, and RFC 2047-encodes a non-ASCII subject.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutgoingMail {
    /// A bare address (`warga@example.id`), no display name.
    pub to: String,
    /// Line breaks are folded into spaces: a title typed into a form must not split the header.
    pub subject: String,
    pub text: String,
    /// Message-ID to set, e.g. `<report-123.4@lapor>`, so that later replies can thread.
    /// Angle brackets are added when missing. `None`: one is generated.
    pub message_id: Option<String>,
    /// The Message-ID this one answers; also sent as `References`, which is what most mail
    /// clients thread on.
    pub in_reply_to: Option<String>,
    /// `Content-Language`: `id` or `en` (any RFC 5646 tag is accepted).
    pub language: Option<String>,
}

/// Sends e-mail. Cheap to clone: clones share one connection pool.
///
/// The pool is created on the first `send`, inside the Tokio runtime, so `new` can run anywhere
/// (at start-up, before the runtime exists) and still reject a bad configuration early.
#[derive(Clone)]
pub struct SmtpMailer {
    inner: Arc<Inner>,
}

struct Inner {
    builder: AsyncSmtpTransportBuilder,
    transport: Mutex<Option<AsyncSmtpTransport<Tokio1Executor>>>,
    from: Mailbox,
    timeout: Duration,
    /// The intake mailbox, split at the `@`: reporters' e-mails get
    /// `Reply-To: local+TOKEN@domain`, so that their answers come back threaded.
    reply_address: Option<(String, String)>,
}

impl SmtpMailer {
    /// Checks the configuration (sender, credentials, TLS host name) without connecting.
    pub fn new(config: SmtpConfig) -> Result<Self, SmtpError> {
        let from = config.validate()?;
        let tls = |host: &str| {
            TlsParameters::new(host.to_owned()).map_err(|e| {
                SmtpError::InvalidConfig(format!("SMTP host cannot be used for TLS ({e})"))
            })
        };
        let builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(config.host.as_str());
        let builder = match config.security {
            Security::None => builder,
            // Required, not opportunistic: a server that does not offer STARTTLS is an error,
            // not a reason to send credentials and reports in clear.
            Security::StartTls => builder.tls(Tls::Required(tls(&config.host)?)),
            Security::Tls => builder.tls(Tls::Wrapper(tls(&config.host)?)),
        };
        // lettre applies its timeout to connecting only; `send` bounds the whole attempt.
        let mut builder = builder.port(config.port).timeout(Some(config.timeout));
        if let (Some(user), Some(password)) = (config.username, config.password) {
            builder = builder.credentials(Credentials::new(user, password));
        }
        Ok(SmtpMailer {
            inner: Arc::new(Inner {
                builder,
                transport: Mutex::new(None),
                from,
                timeout: config.timeout,
                reply_address: None,
            }),
        })
    }

    /// Answers to reporters' e-mails go to `address` (the mailbox `lapor ingest-email` or
    /// `lapor poll-imap` reads), plus-addressed with the report's reply token.
    ///
    /// # Errors
    /// [`SmtpError::InvalidConfig`] when `address` is not one plain address.
    pub fn with_reply_address(self, address: &str) -> Result<Self, SmtpError> {
        let parsed: Address = address.trim().parse().map_err(|e| {
            SmtpError::InvalidConfig(format!("reply address is not one e-mail address ({e})"))
        })?;
        if parsed.user().contains('+') {
            return Err(SmtpError::InvalidConfig(
                "reply address must not contain `+`: the reply token is added after it".to_owned(),
            ));
        }
        let inner = Inner {
            builder: self.inner.builder.clone(),
            transport: Mutex::new(None),
            from: self.inner.from.clone(),
            timeout: self.inner.timeout,
            reply_address: Some((parsed.user().to_owned(), parsed.domain().to_owned())),
        };
        Ok(SmtpMailer {
            inner: Arc::new(inner),
        })
    }

    /// Sends one message. The error says whether retrying can help ([`SmtpError::is_transient`]):
    /// connection refused, timeout and 4xx replies can; 5xx replies, a bad address and TLS or
    /// authentication problems cannot. Logs only the Message-ID, never the recipient or text.
    pub async fn send(&self, mail: &OutgoingMail) -> Result<(), SmtpError> {
        self.send_with_reply_to(mail, None).await
    }

    /// [`SmtpMailer::send`] with a `Reply-To` address.
    async fn send_with_reply_to(
        &self,
        mail: &OutgoingMail,
        reply_to: Option<&str>,
    ) -> Result<(), SmtpError> {
        let (message, message_id) = self.build(mail, reply_to)?;
        let transport = self.transport();
        let result = tokio::time::timeout(self.inner.timeout, transport.send(message)).await;
        let error = match result {
            Ok(Ok(_response)) => {
                tracing::info!(%message_id, "e-mail sent");
                return Ok(());
            }
            Ok(Err(e)) => classify(&e),
            Err(_elapsed) => {
                // The cancelled send may leave its connection mid-dialogue, and lettre would
                // park it for reuse: start a fresh pool instead.
                self.forget_transport();
                SmtpError::Transient(format!(
                    "the SMTP server did not finish within {} s",
                    self.inner.timeout.as_secs_f32()
                ))
            }
        };
        tracing::warn!(%message_id, error = %error, "e-mail not sent");
        Err(error)
    }

    /// Builds the message before any connection, so that a bad address costs no round trip.
    /// Returns it with its Message-ID, for the log.
    fn build(
        &self,
        mail: &OutgoingMail,
        reply_to: Option<&str>,
    ) -> Result<(Message, String), SmtpError> {
        // A bare address, parsed strictly: lettre's mailbox parser would quietly drop anything
        // after the first address. The error names the problem, never the address.
        let to: Address =
            mail.to.trim().parse().map_err(|e| {
                SmtpError::InvalidAddress(format!("not a single e-mail address ({e})"))
            })?;
        let subject: String = mail
            .subject
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let mut builder = Message::builder()
            .from(self.inner.from.clone())
            .to(Mailbox::new(None, to))
            .subject(subject.trim())
            // lettre adds MIME-Version only to multipart messages, and without it a strict
            // reader may ignore the charset and the transfer encoding.
            .header(MIME_VERSION_1_0)
            .header(ContentType::TEXT_PLAIN)
            // RFC 3834: out-of-office responders must not answer, and our intake knows its own
            // mail when a relay sends it back.
            .header(AutoSubmitted);
        if let Some(reply_to) = reply_to {
            let address: Address = reply_to.parse().map_err(|e| {
                SmtpError::Permanent(format!("Reply-To is not one e-mail address ({e})"))
            })?;
            builder = builder.reply_to(Mailbox::new(None, address));
        }
        builder = match &mail.message_id {
            Some(id) => builder.message_id(Some(message_id(id, "Message-ID")?)),
            None => builder.message_id(None),
        };
        if let Some(parent) = &mail.in_reply_to {
            let parent = message_id(parent, "In-Reply-To")?;
            builder = builder.in_reply_to(parent.clone()).references(parent);
        }
        if let Some(language) = &mail.language {
            builder = builder.header(ContentLanguage::new(language)?);
        }
        let message = builder
            .body(mail.text.clone())
            .map_err(|e| SmtpError::Permanent(format!("message cannot be built ({e})")))?;
        let id = message
            .headers()
            .get_raw("Message-ID")
            .unwrap_or_default()
            .to_owned();
        Ok((message, id))
    }

    fn transport(&self) -> AsyncSmtpTransport<Tokio1Executor> {
        let mut slot = self
            .inner
            .transport
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        slot.get_or_insert_with(|| self.inner.builder.clone().build())
            .clone()
    }

    fn forget_transport(&self) {
        *self
            .inner
            .transport
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = None;
    }
}

impl Drop for Inner {
    /// lettre's pool spawns a Tokio task when dropped, which panics outside a runtime (a mailer
    /// kept in a static, or dropped after the runtime shut down). There the connections die
    /// with the runtime anyway, so the pool is leaked instead.
    fn drop(&mut self) {
        if tokio::runtime::Handle::try_current().is_err()
            && let Some(transport) = self
                .transport
                .get_mut()
                .unwrap_or_else(PoisonError::into_inner)
                .take()
        {
            std::mem::forget(transport);
        }
    }
}

/// `<left@right>` with printable ASCII only; brackets added when missing. Anything else would
/// break the header or threading, and retrying cannot fix it.
fn message_id(value: &str, header: &str) -> Result<String, SmtpError> {
    let value = value.trim();
    let id = if value.starts_with('<') {
        value.to_owned()
    } else {
        format!("<{value}>")
    };
    let inner = id
        .strip_prefix('<')
        .and_then(|rest| rest.strip_suffix('>'))
        .unwrap_or_default();
    let valid = inner
        .split_once('@')
        .is_some_and(|(l, r)| !l.is_empty() && !r.is_empty())
        && inner
            .chars()
            .all(|c| c.is_ascii_graphic() && c != '<' && c != '>');
    if valid {
        Ok(id)
    } else {
        Err(SmtpError::Permanent(format!(
            "{header} is not of the form <id@domain>"
        )))
    }
}

/// Sorts lettre's errors into retry-or-not, with a message free of addresses.
fn classify(error: &LettreError) -> SmtpError {
    let text = redact_addresses(&error.to_string());
    if error.is_permanent() {
        SmtpError::Permanent(text)
    } else if error.is_transient() || error.is_timeout() {
        SmtpError::Transient(text)
    } else if error.is_tls() || error.is_client() {
        // A certificate that does not verify, STARTTLS not offered, no authentication mechanism
        // in common: a configuration problem that the same attempt later will hit again.
        SmtpError::Permanent(text)
    } else if caused_by(error, std::io::ErrorKind::InvalidData) {
        // lettre files a failed TLS handshake under "connection"; rustls reports it as invalid
        // data. Typically smtps:// pointed at a plain or STARTTLS port: retrying will not help.
        SmtpError::Permanent(format!(
            "TLS could not be set up ({text}); does the port match the URL scheme \
             (smtps: TLS from the start, usually 465; smtp+starttls: usually 587)?"
        ))
    } else {
        // Connection refused or reset, a garbled reply: the network or the server, for now.
        SmtpError::Transient(text)
    }
}

/// Whether an I/O error of this kind is somewhere in the error's source chain.
fn caused_by(error: &LettreError, kind: std::io::ErrorKind) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = source {
        if current
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == kind)
        {
            return true;
        }
        source = current.source();
    }
    false
}

/// Server replies often quote the recipient (`550 5.1.1 <x@y>: unknown user`): every word
/// with an `@` becomes `[address]`, so the text can go to logs and the job table.
fn redact_addresses(text: &str) -> String {
    text.split(' ')
        .map(|word| {
            if word.contains('@') {
                "[address]"
            } else {
                word
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The `Content-Language` header (RFC 3282), which lettre does not define.
#[derive(Debug, Clone)]
struct ContentLanguage(String);

impl ContentLanguage {
    /// Accepts a language tag such as `id`, `en` or `en-GB`.
    fn new(tag: &str) -> Result<Self, SmtpError> {
        let tag = tag.trim();
        let valid = !tag.is_empty()
            && tag.split('-').enumerate().all(|(i, part)| {
                (1..=8).contains(&part.len())
                    && part
                        .chars()
                        .all(|c| c.is_ascii_alphabetic() || (i > 0 && c.is_ascii_digit()))
            });
        if valid {
            Ok(ContentLanguage(tag.to_owned()))
        } else {
            Err(SmtpError::Permanent(
                "Content-Language is not a language tag like `id` or `en`".to_owned(),
            ))
        }
    }
}

impl Header for ContentLanguage {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Content-Language")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ContentLanguage::new(s)?)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// `Auto-Submitted: auto-generated` (RFC 3834), which lettre does not define.
#[derive(Debug, Clone, Copy)]
struct AutoSubmitted;

impl Header for AutoSubmitted {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("Auto-Submitted")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(AutoSubmitted)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "auto-generated".to_owned())
    }
}

/// The seam the use cases send through: the outbox worker hands over a rendered e-mail and
/// learns whether a retry can help.
impl lapor_app::notify::Mailer for SmtpMailer {
    fn send<'a>(
        &'a self,
        email: &'a lapor_app::notify::Email,
    ) -> std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<(), lapor_app::notify::MailError>> + Send + 'a>,
    > {
        Box::pin(async move {
            let mail = OutgoingMail {
                to: email.to.clone(),
                subject: email.subject.clone(),
                text: email.text.clone(),
                message_id: Some(email.message_id.clone()),
                in_reply_to: None,
                language: Some(email.language.code().to_owned()),
            };
            let reply_to = self
                .inner
                .reply_address
                .as_ref()
                .zip(email.reply_token.as_deref())
                .map(|((local, domain), token)| format!("{local}+{token}@{domain}"));
            self.send_with_reply_to(&mail, reply_to.as_deref())
                .await
                .map_err(|e| {
                    if e.is_transient() {
                        lapor_app::notify::MailError::Transient(e.to_string())
                    } else {
                        lapor_app::notify::MailError::Permanent(e.to_string())
                    }
                })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mailer() -> SmtpMailer {
        let config = SmtpConfig::from_url("smtp://127.0.0.1:1", "Lapor <noreply@lapor.example>")
            .expect("valid config");
        SmtpMailer::new(config).expect("valid mailer")
    }

    #[test]
    fn message_ids_get_brackets_and_bad_ones_are_refused() {
        assert_eq!(
            message_id("a.1@lapor", "Message-ID"),
            Ok("<a.1@lapor>".to_owned())
        );
        assert_eq!(message_id(" <a@b> ", "Message-ID"), Ok("<a@b>".to_owned()));
        for bad in ["", "<>", "no-at", "<a@b>\r\nBcc: x@y", "<a b@c>", "<@b>"] {
            assert!(message_id(bad, "Message-ID").is_err(), "{bad:?}");
        }
    }

    #[test]
    fn language_tags() {
        for good in ["id", "en", "en-GB", "zh-Hant-TW", "es-419"] {
            assert!(ContentLanguage::new(good).is_ok(), "{good}");
        }
        for bad in ["", "e n", "id\r\nX: y", "1d", "toolonglanguage", "en-"] {
            assert!(ContentLanguage::new(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn server_text_loses_addresses() {
        assert_eq!(
            redact_addresses("permanent error (550): 5.1.1 <budi@example.id>: unknown user"),
            "permanent error (550): 5.1.1 [address] unknown user"
        );
    }

    #[test]
    fn subject_line_breaks_cannot_inject_headers() {
        let mail = OutgoingMail {
            to: "warga@example.id".to_owned(),
            subject: "Judul\r\nBcc: mata-mata@example.com".to_owned(),
            text: "isi".to_owned(),
            ..OutgoingMail::default()
        };
        let (message, _) = mailer().build(&mail, None).expect("builds");
        let raw = String::from_utf8(message.formatted()).expect("utf-8");
        assert!(!raw.contains("\r\nBcc:"), "{raw}");
        assert!(
            !message
                .envelope()
                .to()
                .iter()
                .any(|a| a.to_string().contains("mata"))
        );
    }

    #[test]
    fn reply_to_and_auto_submitted_are_set() {
        let mail = OutgoingMail {
            to: "warga@example.id".to_owned(),
            ..OutgoingMail::default()
        };
        let (message, _) = mailer()
            .build(&mail, Some("lapor+0000042-00112233445566aa@lapor.example"))
            .expect("builds");
        let raw = String::from_utf8(message.formatted()).expect("utf-8");
        assert!(
            raw.contains("\r\nReply-To: lapor+0000042-00112233445566aa@lapor.example\r\n"),
            "{raw}"
        );
        assert!(
            raw.contains("\r\nAuto-Submitted: auto-generated\r\n"),
            "{raw}"
        );
        assert!(mailer().build(&mail, Some("a@b, c@d")).is_err());
    }

    #[test]
    fn reply_addresses_must_be_plain() {
        assert!(mailer().with_reply_address("lapor@lapor.example").is_ok());
        for bad in ["", "lapor", "lapor+x@lapor.example", "a@b, c@d"] {
            assert!(mailer().with_reply_address(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn generated_message_id_is_reported() {
        let mail = OutgoingMail {
            to: "warga@example.id".to_owned(),
            ..OutgoingMail::default()
        };
        let (_, id) = mailer().build(&mail, None).expect("builds");
        assert!(
            id.starts_with('<') && id.ends_with('>') && id.contains('@'),
            "{id}"
        );
    }
}
