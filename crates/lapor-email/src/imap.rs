//! IMAP polling with a UID cursor, the way Zammad and osTicket fetch mail: every message with a
//! UID above the cursor is handed over in UID order, and the caller stores the cursor after
//! each one, so a restart never fetches a stored message again (and if the mailbox is rebuilt,
//! `UIDVALIDITY` changes and everything is fetched once more, which Message-ID de-duplication
//! absorbs). Messages are read with `BODY.PEEK[]` and left as they are on the server.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use async_imap::{Client, Session};
use futures_util::StreamExt;
use percent_encoding::percent_decode_str;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName};
use tokio_rustls::rustls::{self, ClientConfig, RootCertStore};
use url::{Host, Url};

/// The URL forms [`ImapConfig::from_url`] understands, quoted in its errors.
const URL_FORMS: &str = "expected imaps://user:pass@host[:993]/INBOX (TLS) or \
                         imap://user:pass@127.0.0.1[:143]/INBOX (plain, loopback only)";

/// Larger messages are skipped (and logged by UID): no complaint needs 25 MB, and the whole
/// message is held in memory while it is parsed.
pub const MAX_MESSAGE_BYTES: u32 = 25 * 1024 * 1024;

/// Where to fetch from.
#[derive(Clone, PartialEq, Eq)]
pub struct ImapConfig {
    pub host: String,
    pub port: u16,
    pub tls: bool,
    pub username: String,
    pub password: String,
    pub mailbox: String,
    /// Extra trusted CA certificate (PEM), for a server with a private CA.
    pub ca_file: Option<PathBuf>,
    /// Bound on each network step.
    pub timeout: Duration,
}

/// The password never appears in logs or errors.
impl fmt::Debug for ImapConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ImapConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("mailbox", &self.mailbox)
            .finish_non_exhaustive()
    }
}

/// How far a mailbox has been read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub uid_validity: u32,
    pub last_uid: u32,
}

impl Cursor {
    /// `validity:last`, as stored.
    #[must_use]
    pub fn encode(self) -> String {
        format!("{}:{}", self.uid_validity, self.last_uid)
    }

    #[must_use]
    pub fn decode(text: &str) -> Option<Self> {
        let (validity, last) = text.trim().split_once(':')?;
        Some(Cursor {
            uid_validity: validity.parse().ok()?,
            last_uid: last.parse().ok()?,
        })
    }
}

/// Why polling stopped.
#[derive(Debug)]
pub enum PollError<E> {
    /// The URL or CA file is wrong: fix the configuration, retrying will not help.
    Config(String),
    /// The server could not be reached, refused the login, or broke the dialogue.
    Imap(String),
    /// The handler failed on a message; the cursor stays before it.
    Handler(E),
}

impl<E: fmt::Display> fmt::Display for PollError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PollError::Config(why) => {
                write!(f, "konfigurasi IMAP salah (bad IMAP configuration): {why}")
            }
            PollError::Imap(why) => write!(f, "server IMAP gagal (IMAP server failure): {why}"),
            PollError::Handler(e) => write!(f, "{e}"),
        }
    }
}

impl<E: fmt::Debug + fmt::Display> std::error::Error for PollError<E> {}

/// What one poll did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Polled {
    /// Messages handed to the handler.
    pub handled: usize,
    /// Messages over [`MAX_MESSAGE_BYTES`] or without a body, passed over.
    pub skipped: usize,
}

impl ImapConfig {
    /// Used when the URL sets no `timeout`.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

    /// Parses `imaps://user:pass@host[:port]/MAILBOX[?ca=/path/ca.pem&timeout=SECONDS]`, or
    /// `imap://…` for a server on this machine (a password is never sent in clear over a
    /// network). The mailbox defaults to `INBOX`; user, password and mailbox are
    /// percent-decoded. Errors never quote the URL (it holds the password).
    ///
    /// # Errors
    /// A message naming what is wrong.
    pub fn from_url(url: &str) -> Result<Self, String> {
        let parsed = Url::parse(url.trim())
            .map_err(|e| format!("IMAP URL is not a URL ({e}); {URL_FORMS}"))?;
        let tls = match parsed.scheme() {
            "imaps" => true,
            "imap" => false,
            other => {
                return Err(format!(
                    "IMAP URL scheme `{other}` is not supported; {URL_FORMS}"
                ));
            }
        };
        let (host, loopback) = match parsed.host() {
            // `imap:` is not a special scheme to the URL parser, so an IP address arrives as
            // an opaque host name.
            Some(Host::Domain(domain)) if !domain.is_empty() => {
                let loopback = domain.eq_ignore_ascii_case("localhost")
                    || domain
                        .trim_matches(['[', ']'])
                        .parse::<std::net::IpAddr>()
                        .is_ok_and(|ip| ip.is_loopback());
                (domain.trim_matches(['[', ']']).to_owned(), loopback)
            }
            Some(Host::Ipv4(ip)) => (ip.to_string(), ip.is_loopback()),
            Some(Host::Ipv6(ip)) => (ip.to_string(), ip.is_loopback()),
            _ => return Err(format!("IMAP URL names no host; {URL_FORMS}")),
        };
        if !tls && !loopback {
            return Err(format!(
                "imap:// sends the password in clear and is only allowed to this machine; {URL_FORMS}"
            ));
        }
        let decode = |part: &str, what: &str| {
            percent_decode_str(part)
                .decode_utf8()
                .map(|s| s.into_owned())
                .map_err(|_| format!("IMAP URL {what} is not UTF-8 once percent-decoded"))
        };
        let username = decode(parsed.username(), "user name")?;
        let password = decode(parsed.password().unwrap_or_default(), "password")?;
        if username.is_empty() || password.is_empty() {
            return Err(format!(
                "IMAP URL needs a user name and a password; {URL_FORMS}"
            ));
        }
        let mailbox = decode(parsed.path().trim_start_matches('/'), "mailbox")?;
        let mut config = ImapConfig {
            host,
            port: parsed.port().unwrap_or(if tls { 993 } else { 143 }),
            tls,
            username,
            password,
            mailbox: if mailbox.is_empty() {
                "INBOX".to_owned()
            } else {
                mailbox
            },
            ca_file: None,
            timeout: Self::DEFAULT_TIMEOUT,
        };
        for (key, value) in parsed.query_pairs() {
            match &*key {
                "ca" => config.ca_file = Some(PathBuf::from(value.into_owned())),
                "timeout" => {
                    let seconds = value
                        .parse::<u64>()
                        .ok()
                        .filter(|s| *s > 0)
                        .ok_or("IMAP URL timeout must be a whole number of seconds above 0")?;
                    config.timeout = Duration::from_secs(seconds);
                }
                other => {
                    return Err(format!(
                        "IMAP URL parameter `{other}` is not known (ca, timeout)"
                    ));
                }
            }
        }
        Ok(config)
    }

    /// What the cursor of this mailbox is stored under: one per account and mailbox.
    #[must_use]
    pub fn cursor_key(&self) -> String {
        format!(
            "email.imap_cursor.{}@{}:{}/{}",
            self.username, self.host, self.port, self.mailbox
        )
    }
}

/// Fetches every message after `cursor` and calls `handle(cursor_after_it, raw)` for each, in
/// UID order; `raw` is `None` for a message passed over (too large, no body), whose cursor
/// must still be stored. `handle` stores the message and then the cursor; when it fails,
/// polling stops there and the error is returned.
///
/// # Errors
/// [`PollError`]: configuration, server, or the handler's own error.
pub async fn poll<E>(
    config: &ImapConfig,
    cursor: Option<Cursor>,
    mut handle: impl AsyncFnMut(Cursor, Option<Vec<u8>>) -> Result<(), E>,
) -> Result<Polled, PollError<E>> {
    if config.tls {
        let stream = tls_stream(config).await?;
        session(config, stream, cursor, &mut handle).await
    } else {
        let tcp = timed(
            config,
            TcpStream::connect((config.host.as_str(), config.port)),
        )
        .await?;
        session(config, tcp, cursor, &mut handle).await
    }
}

/// A TLS connection to the server, verified against the webpki roots and `ca_file`.
async fn tls_stream<E>(config: &ImapConfig) -> Result<TlsStream<TcpStream>, PollError<E>> {
    let tcp = timed(
        config,
        TcpStream::connect((config.host.as_str(), config.port)),
    )
    .await?;
    let connector = TlsConnector::from(Arc::new(tls_config(config)?));
    let name = ServerName::try_from(config.host.clone())
        .map_err(|_| PollError::Config("IMAP host is not a valid TLS server name".to_owned()))?;
    timed(config, connector.connect(name, tcp)).await
}

/// Reads the greeting and logs in.
async fn login<S, E>(config: &ImapConfig, stream: S) -> Result<Session<S>, PollError<E>>
where
    S: AsyncRead + AsyncWrite + Unpin + fmt::Debug + Send,
{
    let mut client = Client::new(stream);
    let greeting = timed(config, client.read_response()).await?;
    if greeting.is_none() {
        return Err(PollError::Imap(
            "the server closed the connection at once".to_owned(),
        ));
    }
    timed(config, async {
        client
            .login(&config.username, &config.password)
            .await
            .map_err(|(e, _)| e)
    })
    .await
}

async fn session<S, E>(
    config: &ImapConfig,
    stream: S,
    cursor: Option<Cursor>,
    handle: &mut impl AsyncFnMut(Cursor, Option<Vec<u8>>) -> Result<(), E>,
) -> Result<Polled, PollError<E>>
where
    S: AsyncRead + AsyncWrite + Unpin + fmt::Debug + Send,
{
    let mut session = login(config, stream).await?;
    let mailbox = timed(config, session.select(&config.mailbox)).await?;
    let validity = mailbox
        .uid_validity
        .ok_or_else(|| PollError::Imap("the server sent no UIDVALIDITY".to_owned()))?;
    let after = cursor
        .filter(|c| c.uid_validity == validity)
        .map_or(0, |c| c.last_uid);
    // `N:*` always matches the newest message, even when its UID is below N: filter.
    let mut uids: Vec<u32> = timed(
        config,
        session.uid_search(format!("UID {}:*", after.saturating_add(1))),
    )
    .await?
    .into_iter()
    .filter(|uid| *uid > after)
    .collect();
    uids.sort_unstable();
    let mut polled = Polled::default();
    for uid in uids {
        let raw = timed(config, async {
            let mut fetches = session
                .uid_fetch(uid.to_string(), "(UID RFC822.SIZE BODY.PEEK[])")
                .await?;
            let mut raw = None;
            while let Some(fetch) = fetches.next().await {
                let fetch = fetch?;
                if fetch.uid == Some(uid) {
                    raw = if fetch.size.is_some_and(|s| s > MAX_MESSAGE_BYTES) {
                        None
                    } else {
                        fetch.body().map(<[u8]>::to_vec)
                    };
                }
            }
            Ok::<_, async_imap::error::Error>(raw)
        })
        .await?;
        let next = Cursor {
            uid_validity: validity,
            last_uid: uid,
        };
        if raw.is_some() {
            polled.handled += 1;
        } else {
            tracing::warn!(uid, "IMAP message too large or without body; skipped");
            polled.skipped += 1;
        }
        handle(next, raw).await.map_err(PollError::Handler)?;
    }
    // The messages are handled; a failed goodbye changes nothing.
    let _: Result<(), PollError<E>> = timed(config, session.logout()).await;
    Ok(polled)
}

fn tls_config<E>(config: &ImapConfig) -> Result<ClientConfig, PollError<E>> {
    let mut roots = RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(path) = &config.ca_file {
        let pem = std::fs::read(path)
            .map_err(|e| PollError::Config(format!("CA file cannot be read ({e})")))?;
        let mut found = false;
        for cert in CertificateDer::pem_slice_iter(&pem) {
            let cert = cert.map_err(|e| PollError::Config(format!("CA file is not PEM ({e})")))?;
            roots
                .add(cert)
                .map_err(|e| PollError::Config(format!("CA certificate refused ({e})")))?;
            found = true;
        }
        if !found {
            return Err(PollError::Config("CA file holds no certificate".to_owned()));
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Ok(ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| PollError::Config(format!("TLS cannot be set up ({e})")))?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

/// One network step, bounded by the configured timeout.
async fn timed<T, X: fmt::Display, E>(
    config: &ImapConfig,
    step: impl Future<Output = Result<T, X>>,
) -> Result<T, PollError<E>> {
    match tokio::time::timeout(config.timeout, step).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(PollError::Imap(e.to_string())),
        Err(_) => Err(PollError::Imap(format!(
            "no answer within {} s",
            config.timeout.as_secs()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_parse_with_defaults() {
        let c = ImapConfig::from_url(
            "imaps://lapor%40kota.go.id:p%40ss@imap.kota.go.id/Pengaduan%20Masuk",
        )
        .expect("valid");
        assert_eq!(c.host, "imap.kota.go.id");
        assert_eq!(c.port, 993);
        assert!(c.tls);
        assert_eq!(c.username, "lapor@kota.go.id");
        assert_eq!(c.password, "p@ss");
        assert_eq!(c.mailbox, "Pengaduan Masuk");
        let c = ImapConfig::from_url("imap://u:p@127.0.0.1:1143?timeout=5").expect("valid");
        assert_eq!((c.port, c.tls, c.mailbox.as_str()), (1143, false, "INBOX"));
        assert_eq!(c.timeout, Duration::from_secs(5));
    }

    #[test]
    fn bad_urls_are_refused_without_quoting_the_password() {
        for bad in [
            "imap://u:rahasia@imap.example.id/INBOX",
            "pop3://u:rahasia@host/",
            "imaps://rahasia@host/",
            "imaps://u:rahasia@host/?timeout=0",
            "imaps://u:rahasia@host/?mode=x",
            "imaps://u:rahasia@/INBOX",
            "bukan url rahasia",
        ] {
            let error = ImapConfig::from_url(bad).expect_err(bad);
            assert!(!error.contains("rahasia"), "{error}");
        }
        let config = ImapConfig::from_url("imaps://u:rahasia@host/").expect("valid");
        assert!(!format!("{config:?}").contains("rahasia"));
    }

    #[test]
    fn cursors_round_trip() {
        let c = Cursor {
            uid_validity: 1_795_893_068,
            last_uid: 42,
        };
        assert_eq!(Cursor::decode(&c.encode()), Some(c));
        assert_eq!(Cursor::decode("x:1"), None);
        assert_eq!(Cursor::decode(""), None);
    }
}
