//! Where Kannel's sendsms interface is, who we are to it, and where it reports deliveries.

use std::fmt;
use std::time::Duration;

use percent_encoding::percent_decode_str;
use url::Url;

use crate::ConfigError;

/// The URL form [`KannelConfig::from_url`] understands, quoted in its error messages.
const URL_FORM: &str =
    "expected http://USER:PASS@HOST:13013/?from=1708&dlr_base=http://LAPOR/kannel/dlr";

/// Kannel's default sendsms path, used when the URL names none.
const SENDSMS_PATH: &str = "/cgi-bin/sendsms";

/// How to reach Kannel's `sendsms` interface (a `group = sendsms-user` of its smsbox).
#[derive(Clone, PartialEq, Eq)]
pub struct KannelConfig {
    /// `http://host:port/cgi-bin/sendsms`, without credentials or query.
    pub endpoint: Url,
    pub username: String,
    pub password: String,
    /// Sender shown on the phone (the short code, `1708`); `None`: the sendsms-user's default.
    pub from: Option<String>,
    /// Kannel `smsc-id` to route through; `None`: Kannel's routing decides.
    pub smsc: Option<String>,
    /// Lapor's delivery-report endpoint as Kannel reaches it (`http://lapor:8080/kannel/dlr`);
    /// `None`: no delivery reports are asked for.
    pub dlr_base: Option<Url>,
    /// The shared secret Kannel sends back on delivery reports (the inbound endpoint's secret).
    pub dlr_secret: Option<String>,
    /// Bound on one sendsms request.
    pub timeout: Duration,
}

impl KannelConfig {
    /// Long enough for a loaded gateway, short enough not to hold a worker.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15);

    /// Parses `http://user:pass@127.0.0.1:13013/?from=1708&smsc=telkomsel&dlr_base=http://lapor:8080/kannel/dlr&timeout=15`.
    /// The path defaults to `/cgi-bin/sendsms`; user and password are percent-decoded.
    /// `dlr_secret` is the shared secret of the Kannel endpoints, put on the delivery-report URL
    /// so that Lapor can tell Kannel's callbacks from forgeries. Errors never quote the URL
    /// (it holds a password).
    pub fn from_url(url: &str, dlr_secret: Option<&str>) -> Result<Self, ConfigError> {
        let invalid = |why: &str| ConfigError(format!("{why}; {URL_FORM}"));
        let parsed = Url::parse(url.trim()).map_err(|_| invalid("Kannel URL is not a URL"))?;
        // HTTPS would need a TLS stack for a link that runs on the gateway's own network;
        // refuse it plainly rather than fail on the first message.
        if parsed.scheme() != "http" {
            return Err(invalid(
                "Kannel URL must be http:// (sendsms has no TLS here)",
            ));
        }
        if parsed.host_str().is_none_or(str::is_empty) {
            return Err(invalid("Kannel URL names no host"));
        }
        let decode = |part: &str, what: &str| {
            percent_decode_str(part)
                .decode_utf8()
                .map(|s| s.into_owned())
                .map_err(|_| invalid(&format!("Kannel URL {what} is not UTF-8")))
        };
        let username = decode(parsed.username(), "user name")?;
        let password = decode(parsed.password().unwrap_or_default(), "password")?;
        if username.is_empty() || password.is_empty() {
            return Err(invalid(
                "Kannel URL needs the sendsms-user's user name and password",
            ));
        }
        let mut config = KannelConfig {
            endpoint: parsed.clone(),
            username,
            password,
            from: None,
            smsc: None,
            dlr_base: None,
            dlr_secret: dlr_secret.filter(|s| !s.is_empty()).map(str::to_owned),
            timeout: Self::DEFAULT_TIMEOUT,
        };
        for (key, value) in parsed.query_pairs() {
            let value = value.trim();
            match key.as_ref() {
                "from" if !value.is_empty() => config.from = Some(value.to_owned()),
                "smsc" if !value.is_empty() => config.smsc = Some(value.to_owned()),
                "dlr_base" => {
                    let base = Url::parse(value)
                        .map_err(|_| invalid("Kannel URL dlr_base is not a URL"))?;
                    if base.query().is_some() {
                        return Err(invalid(
                            "Kannel URL dlr_base must have no query (job, status and secret are added)",
                        ));
                    }
                    config.dlr_base = Some(base);
                }
                "timeout" => {
                    let seconds: u64 = value
                        .parse()
                        .ok()
                        .filter(|s| (1..=300).contains(s))
                        .ok_or_else(|| invalid("Kannel URL timeout must be 1 to 300 seconds"))?;
                    config.timeout = Duration::from_secs(seconds);
                }
                other => {
                    return Err(invalid(&format!(
                        "Kannel URL parameter `{other}` is unknown or empty"
                    )));
                }
            }
        }
        if let Some(secret) = &config.dlr_secret {
            check_secret(secret)?;
        }
        if config.dlr_base.is_some() && config.dlr_secret.is_none() {
            return Err(ConfigError(
                "delivery reports need the shared Kannel secret (--kannel-secret)".to_owned(),
            ));
        }
        config.endpoint.set_query(None);
        config.endpoint.set_fragment(None);
        // Only fails for URLs that cannot have credentials, and this one is http(s).
        let _ = config.endpoint.set_username("");
        let _ = config.endpoint.set_password(None);
        if matches!(config.endpoint.path(), "" | "/") {
            config.endpoint.set_path(SENDSMS_PATH);
        }
        Ok(config)
    }
}

/// Shortest shared secret accepted: 128 bits as hex.
pub const SECRET_MIN_LEN: usize = 32;

/// Checks the secret shared by Kannel and Lapor: at least [`SECRET_MIN_LEN`] characters from
/// `A-Z a-z 0-9 . _ ~ -`, which pass through a URL unescaped and can never be mistaken for one
/// of Kannel's `%` escape codes (`openssl rand -hex 32` makes one).
pub fn check_secret(secret: &str) -> Result<(), ConfigError> {
    let usable = secret.len() >= SECRET_MIN_LEN
        && secret
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'~' | b'-'));
    if usable {
        Ok(())
    } else {
        Err(ConfigError(format!(
            "the Kannel secret must be at least {SECRET_MIN_LEN} characters of A-Z, a-z, 0-9, \".\", \"_\", \"~\", \"-\" (e.g. openssl rand -hex 32)"
        )))
    }
}

/// The password and secret are never printed.
impl fmt::Debug for KannelConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KannelConfig")
            .field("endpoint", &self.endpoint.as_str())
            .field("username", &self.username)
            .field("from", &self.from)
            .field("smsc", &self.smsc)
            .field("dlr_base", &self.dlr_base.as_ref().map(Url::as_str))
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const SECRET: &str = "s3cret-0123456789abcdef0123456789";

    #[test]
    fn a_full_url_is_read() {
        let config = KannelConfig::from_url(
            "http://lapor:r%40hasia@10.0.0.5:13013/?from=1708&smsc=tsel&timeout=5&dlr_base=http://lapor.internal:8080/kannel/dlr",
            Some(SECRET),
        )
        .unwrap();
        assert_eq!(
            config.endpoint.as_str(),
            "http://10.0.0.5:13013/cgi-bin/sendsms"
        );
        assert_eq!(config.username, "lapor");
        assert_eq!(config.password, "r@hasia");
        assert_eq!(config.from.as_deref(), Some("1708"));
        assert_eq!(config.smsc.as_deref(), Some("tsel"));
        assert_eq!(config.timeout, Duration::from_secs(5));
        assert_eq!(
            config.dlr_base.as_ref().map(Url::as_str),
            Some("http://lapor.internal:8080/kannel/dlr")
        );
        let shown = format!("{config:?}");
        assert!(
            !shown.contains("r@hasia") && !shown.contains(SECRET),
            "{shown}"
        );
    }

    #[test]
    fn a_custom_path_is_kept_and_defaults_apply() {
        let config = KannelConfig::from_url("http://u:p@gw/kannel/sendsms", None).unwrap();
        assert_eq!(config.endpoint.as_str(), "http://gw/kannel/sendsms");
        assert_eq!(config.from, None);
        assert_eq!(config.dlr_base, None);
        assert_eq!(config.timeout, KannelConfig::DEFAULT_TIMEOUT);
    }

    #[test]
    fn unusable_urls_are_refused_without_echoing_the_password() {
        for url in [
            "not a url",
            "ftp://u:p@gw:13013/",
            "http://gw:13013/",
            "http://u@gw:13013/",
            "http://u:p@gw/?dlr_base=nope",
            "http://u:p@gw/?dlr_base=http://l/dlr?x=1",
            "http://u:p@gw/?timeout=0",
            "http://u:p@gw/?color=red",
            "http://u:topsecret@gw/?dlr_base=http://lapor/kannel/dlr",
        ] {
            let error = KannelConfig::from_url(url, None).unwrap_err();
            assert!(!error.to_string().contains("topsecret"), "{error}");
        }
    }

    #[test]
    fn secrets_must_be_long_and_url_safe() {
        assert!(check_secret(SECRET).is_ok());
        assert!(check_secret(&"a".repeat(31)).is_err());
        assert!(
            check_secret(&format!("{SECRET}%d")).is_err(),
            "a Kannel escape code"
        );
        assert!(check_secret(&format!("{SECRET}&x")).is_err());
        assert!(KannelConfig::from_url("http://u:p@gw/", Some("short")).is_err());
    }
}
