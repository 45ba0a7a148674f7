//! Where and how to send: the SMTP server, its transport security, credentials and sender.

use std::fmt;
use std::time::Duration;

use lettre::message::Mailbox;
use percent_encoding::percent_decode_str;
use url::{Host, Url};

use crate::SmtpError;

/// The URL forms `SmtpConfig::from_url` understands, quoted in its error messages.
const URL_FORMS: &str =
    "expected smtp://host:25, smtp+starttls://user:pass@host:587 or smtps://user:pass@host:465";

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// Plain SMTP, for a local MTA or relay on the same host or network; no credentials allowed.
    None,
    /// Plain connect, then STARTTLS, which must succeed before anything else is sent
    /// (submission port 587).
    StartTls,
    /// TLS from the first byte (implicit TLS, port 465).
    Tls,
}

impl Security {
    /// The port a URL of this kind means when it names none.
    pub fn default_port(self) -> u16 {
        match self {
            Security::None => 25,
            Security::StartTls => 587,
            Security::Tls => 465,
        }
    }
}

/// Where and how to send.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub username: Option<String>,
    pub password: Option<String>,
    /// The sender, with or without a display name: `Lapor <noreply@lapor.example>`.
    pub from: String,
    /// Bound on one delivery attempt, and on each network step within it.
    pub timeout: Duration,
}

impl SmtpConfig {
    /// Used when the URL sets no `timeout`: long enough for a slow relay, short enough that a
    /// stuck one does not hold a worker for minutes.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

    /// Parses a URL such as `smtp://127.0.0.1:25`, `smtp+starttls://user:pass@host:587` or
    /// `smtps://user:pass@host:465`; the port defaults to 25, 587 and 465. `from` is the sender
    /// unless the URL has `?from=...`; `?timeout=SECONDS` overrides the 30-second default.
    /// User name and password are percent-decoded. Error messages never repeat the password.
    pub fn from_url(url: &str, from: &str) -> Result<Self, SmtpError> {
        let invalid = |why: String| SmtpError::InvalidConfig(why);
        // The URL may carry a password: errors describe the problem, never quote the URL.
        let parsed = Url::parse(url.trim())
            .map_err(|e| invalid(format!("SMTP URL is not a URL ({e}); {URL_FORMS}")))?;
        let security = match parsed.scheme() {
            "smtp" => Security::None,
            "smtp+starttls" => Security::StartTls,
            "smtps" => Security::Tls,
            other => {
                return Err(invalid(format!(
                    "SMTP URL scheme `{other}` is not supported; {URL_FORMS}"
                )));
            }
        };
        let host = match parsed.host() {
            Some(Host::Domain(domain)) if !domain.is_empty() => domain.to_owned(),
            Some(Host::Ipv4(ip)) => ip.to_string(),
            Some(Host::Ipv6(ip)) => ip.to_string(),
            _ => return Err(invalid(format!("SMTP URL names no host; {URL_FORMS}"))),
        };
        if !matches!(parsed.path(), "" | "/") {
            return Err(invalid(
                "SMTP URL has a path; it names only a server (and ?from=, ?timeout=)".to_owned(),
            ));
        }
        if parsed.fragment().is_some() {
            return Err(invalid("SMTP URL has a #fragment".to_owned()));
        }
        let decode = |part: &str, what: &str| {
            percent_decode_str(part)
                .decode_utf8()
                .map(|s| s.into_owned())
                .map_err(|_| invalid(format!("SMTP URL {what} is not UTF-8 once percent-decoded")))
        };
        let username = match parsed.username() {
            "" => None,
            user => Some(decode(user, "user name")?),
        };
        let password = parsed
            .password()
            .map(|pass| decode(pass, "password"))
            .transpose()?;

        let mut config = SmtpConfig {
            host,
            port: parsed.port().unwrap_or(security.default_port()),
            security,
            username,
            password,
            from: from.to_owned(),
            timeout: Self::DEFAULT_TIMEOUT,
        };
        for (key, value) in parsed.query_pairs() {
            match &*key {
                "from" => config.from = value.into_owned(),
                "timeout" => {
                    let seconds = value.parse::<u64>().ok().filter(|s| *s > 0).ok_or_else(|| {
                        invalid(format!(
                            "SMTP URL timeout `{value}` is not a whole number of seconds above 0"
                        ))
                    })?;
                    config.timeout = Duration::from_secs(seconds);
                }
                other => {
                    return Err(invalid(format!(
                        "SMTP URL parameter `{other}` is unknown; known: from, timeout"
                    )));
                }
            }
        }
        config.validate()?;
        Ok(config)
    }

    /// Checks what can be checked without connecting, so that a bad configuration fails at
    /// start-up rather than on the first message. Returns the parsed sender.
    pub(crate) fn validate(&self) -> Result<Mailbox, SmtpError> {
        let invalid = |why: &str| Err(SmtpError::InvalidConfig(why.to_owned()));
        if self.host.is_empty() || self.host.chars().any(|c| c.is_whitespace() || c == '/') {
            return invalid("SMTP host is empty or not a host name");
        }
        if self.port == 0 {
            return invalid("SMTP port 0 is not a port");
        }
        if self.timeout.is_zero() {
            return invalid("SMTP timeout is zero");
        }
        match (&self.username, &self.password, self.security) {
            (None, None, _) => {}
            (Some(_), None, _) | (None, Some(_), _) => {
                return invalid("SMTP user name and password must be given together");
            }
            (Some(_), Some(_), Security::None) => {
                return invalid(
                    "SMTP credentials over a plain connection would travel in clear; \
                     use smtp+starttls:// or smtps://",
                );
            }
            (Some(_), Some(_), _) => {}
        }
        if self.from.contains(['\r', '\n', ',']) {
            return invalid("sender must be one address, like `Lapor <noreply@lapor.example>`");
        }
        // The sender is configuration, not personal data: quoting it helps find the typo.
        self.from.trim().parse::<Mailbox>().map_err(|e| {
            SmtpError::InvalidConfig(format!(
                "sender `{}` is not an address like `Lapor <noreply@lapor.example>` ({e})",
                self.from
            ))
        })
    }
}

/// Hand-written so that the password never reaches a log through `{:?}`.
impl fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("from", &self.from)
            .field("timeout", &self.timeout)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FROM: &str = "Lapor <noreply@lapor.example>";

    #[test]
    fn password_is_not_in_debug_output() {
        let config = SmtpConfig::from_url("smtps://u:s3cret@mail.example", FROM).expect("valid");
        let debug = format!("{config:?}");
        assert!(!debug.contains("s3cret"), "{debug}");
        assert!(debug.contains("<redacted>"), "{debug}");
    }

    #[test]
    fn ipv6_host_loses_its_brackets() {
        let config = SmtpConfig::from_url("smtp://[::1]:2525", FROM).expect("valid");
        assert_eq!((config.host.as_str(), config.port), ("::1", 2525));
    }

    #[test]
    fn percent_encoded_credentials_are_decoded() {
        let config =
            SmtpConfig::from_url("smtp+starttls://a%40b:p%3Ass@mail.example", FROM).expect("valid");
        assert_eq!(config.username.as_deref(), Some("a@b"));
        assert_eq!(config.password.as_deref(), Some("p:ss"));
    }
}
