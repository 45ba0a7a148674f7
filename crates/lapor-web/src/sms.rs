//! The SMS channel's HTTP side, for Kannel: `/kannel/sms` receives each SMS (Kannel's
//! `sms-service`; the response body is the reply SMS) and `/kannel/dlr` receives delivery
//! reports of the SMS Lapor sent through `sendsms`.
//!
//! # Kannel configuration
//!
//! In `kannel.conf` (smsbox part), with `SECRET` the value of `--kannel-secret` /
//! `LAPOR_KANNEL_SECRET` (at least 32 characters of `A-Z a-z 0-9 . _ ~ -`, e.g.
//! `openssl rand -hex 32`):
//!
//! ```text
//! group = smsbox
//! mo-recode = true                # UCS-2 SMS arrive as UTF-8 where possible
//! http-request-retry = 3          # Lapor answers 503 when it cannot take an SMS now
//! reply-requestfailed = "Maaf, layanan sedang gangguan. Silakan kirim ulang SMS Anda nanti."
//!
//! group = sms-service
//! keyword = default
//! catch-all = true
//! max-messages = 1
//! omit-empty = true               # an empty answer sends nothing (a flood is answered once)
//! get-url = "http://lapor:8080/kannel/sms?secret=SECRET&from=%p&to=%P&text=%b&coding=%c&charset=%C&ts=%T&id=%I"
//! ```
//!
//! Escape codes: `%p` sender, `%P` receiver (the short code), `%b` the text as it arrived
//! (`%a` would also do, but splits and rejoins words), `%c`/`%C` its coding and charset, `%T`
//! the arrival time (Unix seconds), and `%I`, Kannel's own UUID for the message: assigned by
//! bearerbox when the SMS arrives, kept when Kannel retries the request or restores its
//! store after a restart, so Lapor files one SMS once however often it is delivered.
//!
//! `post-url` works too: the text is then the request body in the charset of its
//! `Content-Type`, and `from`/`to` come from the query (`%p`/`%P`) or, with `send-sender = true`,
//! from the `X-Kannel-From`/`X-Kannel-To` headers:
//! `post-url = "http://lapor:8080/kannel/sms?secret=SECRET&from=%p&to=%P&ts=%T&id=%I"`.
//!
//! Delivery reports need nothing in `kannel.conf`: every SMS Lapor sends carries its own
//! `dlr-url` (`/kannel/dlr?job=…&secret=…&status=%d&reply=%A`, see crate `lapor-kannel`).
//!
//! A wrong or missing secret is answered `403` in plain text. An SMS that cannot be read
//! (missing sender, invalid UTF-8, binary data) is answered with the help text, never a 5xx.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Utc};
use lapor_app::{AppError, InboundSms};
use lapor_domain::sms::reply;
use lapor_domain::tracking::sha256_hex;

use crate::AppState;

/// Far above the longest SMS we read (10 parts of UCS-2 is 1,340 bytes, 4 KB once
/// percent-encoded as UTF-8): anything bigger is not from a phone.
const BODY_LIMIT: usize = 32 * 1024;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/kannel/sms", get(inbound).post(inbound))
        .route("/kannel/dlr", get(delivery).post(delivery))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
}

/// A plain-text answer: Kannel turns the body of a 200 into the reply SMS.
fn plain(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        body,
    )
        .into_response()
}

/// The query, decoded to raw bytes per parameter (the text may be UTF-16).
struct Params(Vec<(String, Vec<u8>)>);

impl Params {
    fn parse(query: Option<&str>) -> Self {
        Self(
            query
                .unwrap_or_default()
                .split('&')
                .filter(|pair| !pair.is_empty())
                .map(|pair| {
                    let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                    (
                        String::from_utf8_lossy(&percent_decode(key)).into_owned(),
                        percent_decode(value),
                    )
                })
                .collect(),
        )
    }

    fn bytes(&self, key: &str) -> Option<&[u8]> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_slice())
    }

    /// A parameter that must be text: `None` when missing, empty or not UTF-8.
    fn text(&self, key: &str) -> Option<&str> {
        self.bytes(key)
            .and_then(|v| std::str::from_utf8(v).ok())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    }
}

/// `application/x-www-form-urlencoded` decoding to bytes: `+` is a space, `%XX` a byte, and a
/// broken escape is kept as written.
fn percent_decode(input: &str) -> Vec<u8> {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(hi), Some(lo)) => {
                    out.push(u8::try_from(hi * 16 + lo).unwrap_or(b'?'));
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    out
}

/// Whether the secret Kannel sent is ours, in time that does not depend on where they differ:
/// both sides are hashed first, so even the length stays hidden.
fn secret_matches(given: &[u8], expected: &str) -> bool {
    let given = sha256_hex(given);
    let expected = sha256_hex(expected.as_bytes());
    given
        .bytes()
        .zip(expected.bytes())
        .fold(0u8, |diff, (a, b)| diff | (a ^ b))
        == 0
}

/// `None` when the channel is on and the secret right; else the answer to give.
fn refuse_unless_authorised(state: &AppState, params: &Params) -> Option<Response> {
    let Some(expected) = state.config.kannel_secret.as_deref() else {
        return Some(plain(
            StatusCode::NOT_FOUND,
            "Kanal SMS tidak aktif. / SMS channel not configured.".to_owned(),
        ));
    };
    let given = params.bytes("secret").unwrap_or_default();
    (!secret_matches(given, expected)).then(|| {
        plain(
            StatusCode::FORBIDDEN,
            "Rahasia Kannel salah. / Wrong Kannel secret.".to_owned(),
        )
    })
}

/// The charset named in a `Content-Type` value (`text/plain; charset="UTF-16BE"`).
fn content_charset(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    value.split(';').skip(1).find_map(|part| {
        let (key, value) = part.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches('"').to_owned())
    })
}

/// The SMS text in `charset` (Kannel's `%C`): UTF-8 unless UTF-16/UCS-2 or Latin-1 is named.
/// `None` when the bytes are not text in that charset.
fn decode_text(bytes: &[u8], charset: Option<&str>) -> Option<String> {
    let charset = charset.unwrap_or("UTF-8").to_ascii_uppercase();
    match charset.as_str() {
        "UTF-16BE" | "UTF-16" | "UCS-2" | "UCS-2BE" | "ISO-10646-UCS-2" => {
            if !bytes.len().is_multiple_of(2) {
                return None;
            }
            let units: Vec<u16> = bytes
                .chunks_exact(2)
                .map(|pair| u16::from_be_bytes([pair[0], pair[1]]))
                .collect();
            String::from_utf16(&units).ok()
        }
        "ISO-8859-1" | "LATIN1" | "WINDOWS-1252" => {
            Some(bytes.iter().map(|&b| char::from(b)).collect())
        }
        _ => String::from_utf8(bytes.to_vec()).ok(),
    }
}

/// Kannel's `sms-service` request: one SMS in, the reply SMS out.
async fn inbound(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let params = Params::parse(query.as_deref());
    if let Some(refusal) = refuse_unless_authorised(&state, &params) {
        return refusal;
    }
    let header_text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let from = params
        .text("from")
        .map(str::to_owned)
        .or_else(|| header_text("x-kannel-from"));
    let to = params
        .text("to")
        .map(str::to_owned)
        .or_else(|| header_text("x-kannel-to"))
        .unwrap_or_default();
    let message_id = params.text("id").map(str::to_owned);
    // GET carries the text in the query; post-url in the body, its charset in Content-Type.
    let (raw_text, charset) = match params.bytes("text") {
        Some(text) => (text, params.text("charset").map(str::to_owned)),
        None => (body.as_ref(), content_charset(&headers)),
    };
    let binary = params.text("coding") == Some("1")
        || header_text("x-kannel-coding").as_deref() == Some("1");
    let text = (!binary)
        .then(|| decode_text(raw_text, charset.as_deref()))
        .flatten();
    let (Some(from), Some(message_id), Some(text)) = (from, message_id, text) else {
        // Not an SMS we can read: the sender (if any) gets the help text. A gateway that
        // leaves out the sender or id is misconfigured; say which, without personal data.
        tracing::warn!(
            has_sender = params.bytes("from").is_some(),
            has_id = params.bytes("id").is_some(),
            binary,
            "unreadable SMS from Kannel answered with the help text"
        );
        return plain(StatusCode::OK, reply::help());
    };
    let received_at = params
        .text("ts")
        .and_then(|ts| ts.parse::<i64>().ok())
        .and_then(|ts| DateTime::<Utc>::from_timestamp(ts, 0))
        .unwrap_or_else(|| state.app.now());
    let sms = InboundSms {
        from,
        to,
        text,
        message_id,
        received_at,
    };
    match state.app.receive_sms(sms).await {
        Ok(reply) => plain(StatusCode::OK, reply),
        Err(error) => {
            tracing::error!(%error, "SMS not processed; Kannel may retry");
            // Kannel retries a failed request (`http-request-retry`), and the message id makes
            // that safe; the body is for a human reading Kannel's log.
            plain(StatusCode::SERVICE_UNAVAILABLE, reply::try_later())
        }
    }
}

/// Kannel's delivery report for one SMS Lapor sent: `job`, `status` (`%d`), `reply` (`%A`).
async fn delivery(State(state): State<AppState>, RawQuery(query): RawQuery) -> Response {
    let params = Params::parse(query.as_deref());
    if let Some(refusal) = refuse_unless_authorised(&state, &params) {
        return refusal;
    }
    let job = params.text("job").and_then(|j| j.parse::<i64>().ok());
    let status = params.text("status").and_then(|s| s.parse::<i64>().ok());
    let (Some(job), Some(status)) = (job, status) else {
        return plain(
            StatusCode::BAD_REQUEST,
            "Parameter job dan status wajib berupa angka. / job and status must be numbers."
                .to_owned(),
        );
    };
    // The SMSC's answer (`%A`), e.g. `ACK/`: for the delivery log, cut to size by the use case.
    let detail = String::from_utf8_lossy(params.bytes("reply").unwrap_or_default());
    match state.app.record_sms_delivery(job, status, &detail).await {
        Ok(()) => plain(StatusCode::OK, "ok".to_owned()),
        Err(AppError::NotFound) => plain(
            StatusCode::NOT_FOUND,
            "Pekerjaan SMS tidak dikenal. / Unknown SMS job.".to_owned(),
        ),
        Err(error) => {
            tracing::error!(%error, job, "delivery report not recorded");
            plain(
                StatusCode::SERVICE_UNAVAILABLE,
                "coba lagi / try again".to_owned(),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn query_values_are_decoded_to_bytes() {
        let params = Params::parse(Some(
            "from=%2B6281234567890&text=LAPOR+jalan%20rusak+%C3%A9&bad=%G1%&u=%00L%00A&empty=",
        ));
        assert_eq!(params.text("from"), Some("+6281234567890"));
        assert_eq!(
            params.bytes("text").unwrap(),
            "LAPOR jalan rusak é".as_bytes()
        );
        assert_eq!(params.bytes("bad").unwrap(), b"%G1%");
        assert_eq!(params.bytes("u").unwrap(), b"\0L\0A");
        assert_eq!(params.text("empty"), None);
        assert_eq!(params.text("missing"), None);
        assert_eq!(Params::parse(None).text("x"), None);
    }

    #[test]
    fn text_is_decoded_in_the_charset_kannel_names() {
        assert_eq!(decode_text("jalan é".as_bytes(), None).unwrap(), "jalan é");
        assert_eq!(
            decode_text(b"\0L\0A\x20\x1c", Some("UTF-16BE")).unwrap(),
            "LA“"
        );
        assert_eq!(decode_text(b"caf\xe9", Some("iso-8859-1")).unwrap(), "café");
        assert_eq!(decode_text(b"\xff\xfe", Some("UTF-8")), None);
        assert_eq!(decode_text(b"\0L\0", Some("UTF-16BE")), None);
    }

    #[test]
    fn secrets_compare_whole() {
        assert!(secret_matches(b"0123456789abcdef", "0123456789abcdef"));
        assert!(!secret_matches(b"0123456789abcdeF", "0123456789abcdef"));
        assert!(!secret_matches(b"", "0123456789abcdef"));
        assert!(!secret_matches(b"0123456789abcdef0", "0123456789abcdef"));
    }

    #[test]
    fn the_charset_comes_from_content_type() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            "text/plain; charset=\"UTF-16BE\"".parse().unwrap(),
        );
        assert_eq!(content_charset(&headers).as_deref(), Some("UTF-16BE"));
        assert_eq!(content_charset(&HeaderMap::new()), None);
    }
}
