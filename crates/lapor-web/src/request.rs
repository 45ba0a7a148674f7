//! Per-request context: language, CSRF token, logged-in account.

use axum::Form;
use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use lapor_app::UserRecord;
use lapor_domain::tracking::hex;
use rand::RngCore;

use crate::AppState;
use crate::error::PageError;
use crate::i18n::{Lang, Tr};

pub const LANG_COOKIE: &str = "lapor_lang";
pub const CSRF_COOKIE: &str = "lapor_csrf";
pub const SESSION_COOKIE: &str = "lapor_session";

/// The value of cookie `name`, if sent.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find_map(|(k, v)| (k == name).then_some(v))
}

/// A `Set-Cookie` header value; `max_age` 0 deletes the cookie.
pub fn set_cookie(name: &str, value: &str, max_age_secs: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; Max-Age={max_age_secs}; HttpOnly; SameSite=Lax{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The synchronizer token of this browser, rendered as a hidden input in every form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsrfToken(pub String);

fn query_lang(query: Option<&str>) -> Option<Lang> {
    query?
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find_map(|(k, v)| (k == "lang").then(|| Lang::from_code(v)).flatten())
}

/// Works out the language (`?lang=`, then cookie, then `Accept-Language`, then Indonesian)
/// and makes sure the browser has a CSRF token; remembers both in cookies.
pub async fn remember_language_and_csrf(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let chosen = query_lang(req.uri().query());
    let lang = chosen
        .or_else(|| cookie(req.headers(), LANG_COOKIE).and_then(Lang::from_code))
        .or_else(|| {
            req.headers()
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Lang::from_accept_language)
        })
        .unwrap_or_default();
    req.extensions_mut().insert(lang);
    // The API authenticates without cookies and renders no forms: no token for it.
    let mut fresh_token = None;
    if !req.uri().path().starts_with("/api/") {
        let existing = cookie(req.headers(), CSRF_COOKIE)
            .filter(|t| t.len() == 32 && t.bytes().all(|b| b.is_ascii_hexdigit()))
            .map(str::to_owned);
        let token = existing.unwrap_or_else(|| {
            let mut bytes = [0u8; 16];
            rand::rng().fill_bytes(&mut bytes);
            let token = hex(&bytes);
            fresh_token = Some(token.clone());
            token
        });
        req.extensions_mut().insert(CsrfToken(token));
    }
    let mut response = next.run(req).await;
    let secure = state.config.secure_cookies;
    if let Some(lang) = chosen {
        response.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(LANG_COOKIE, lang.code(), 365 * 24 * 3600, secure),
        );
    }
    if let Some(token) = fresh_token {
        response.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(CSRF_COOKIE, &token, 24 * 3600, secure),
        );
    }
    response
}

impl<S: Send + Sync> FromRequestParts<S> for Tr {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Tr(parts
            .extensions
            .get::<Lang>()
            .copied()
            .unwrap_or_default()))
    }
}

/// Whether a form post is genuine: the hidden token equals the browser's cookie, and the
/// browser does not say the request came from another site. The token alone covers old
/// browsers (Opera Mini, KaiOS) that send neither `Origin` nor `Sec-Fetch-Site`.
pub fn csrf_ok(parts: &Parts, form_token: &str) -> bool {
    if parts.method == Method::GET || parts.method == Method::HEAD {
        return true;
    }
    if parts
        .headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        == Some("cross-site")
    {
        return false;
    }
    if let (Some(origin), Some(host)) = (
        parts
            .headers
            .get(header::ORIGIN)
            .and_then(|v| v.to_str().ok()),
        parts
            .headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok()),
    ) && origin != "null"
        && origin.split("://").nth(1) != Some(host)
    {
        return false;
    }
    let Some(cookie_token) = cookie(&parts.headers, CSRF_COOKIE) else {
        return false;
    };
    // Constant-time comparison: the loop always runs over the full length.
    cookie_token.len() == form_token.len()
        && cookie_token
            .bytes()
            .zip(form_token.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// The logged-in account, if any.
#[derive(Clone)]
pub struct CurrentUser(pub Option<UserRecord>);

impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = crate::error::PageError;
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Ok(Self(None));
        };
        let user = state
            .app
            .session_user(token)
            .await
            .map_err(|e| crate::error::PageError::from_app(e, Tr(Lang::Id)))?;
        Ok(Self(user))
    }
}

/// The fields of a posted (or queried) form in the order sent. Repeated names are kept;
/// lookups take the first value.
#[derive(Debug, Clone, Default)]
pub struct FormData(pub Vec<(String, String)>);

impl FormData {
    /// The first value named `name`, or `""`.
    #[must_use]
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// The first non-blank value named `name`, trimmed.
    #[must_use]
    pub fn non_empty(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.trim())
            .find(|v| !v.is_empty())
    }

    /// Whether a checkbox named `name` was ticked.
    #[must_use]
    pub fn checked(&self, name: &str) -> bool {
        self.non_empty(name).is_some()
    }
}

/// A posted `application/x-www-form-urlencoded` form whose CSRF token (field `csrf`) has been
/// verified with [`csrf_ok`]; a forged or expired post is refused with 403 before any
/// handler runs.
#[derive(Debug, Clone)]
pub struct CsrfForm(pub FormData);

impl<S: Send + Sync> FromRequest<S> for CsrfForm {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let tr = Tr(req.extensions().get::<Lang>().copied().unwrap_or_default());
        let (parts, body) = req.into_parts();
        let head = parts.clone();
        let fields = match Form::<Vec<(String, String)>>::from_request(
            Request::from_parts(parts, body),
            state,
        )
        .await
        {
            Ok(Form(fields)) => fields,
            Err(rejection) => {
                let status = rejection.status();
                let message = if status == StatusCode::PAYLOAD_TOO_LARGE {
                    tr.problem_too_large()
                } else {
                    tr.problem_bad_form()
                };
                return Err(PageError {
                    status,
                    tr,
                    message: message.to_owned(),
                });
            }
        };
        let form = FormData(fields);
        if !csrf_ok(&head, form.get("csrf")) {
            return Err(PageError::csrf(tr));
        }
        Ok(Self(form))
    }
}

/// The client's IP address, for the loose per-address rate limit: the TCP peer, or behind a
/// trusted reverse proxy the address it appended to `X-Forwarded-For`. `None` when unknown
/// (in-process tests) or when the peer is a loopback or private address without a trusted
/// proxy header: that peer is almost always a proxy or gateway speaking for many citizens,
/// and limiting it would lock everyone out. No address limit applies then.
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub Option<std::net::IpAddr>);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let forwarded = state
            .config
            .trust_proxy
            .then(|| {
                parts
                    .headers
                    .get_all("x-forwarded-for")
                    .iter()
                    .filter_map(|v| v.to_str().ok())
                    .flat_map(|v| v.split(','))
                    .filter_map(|ip| ip.trim().parse().ok())
                    .next_back()
            })
            .flatten();
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
            .map(|c| c.0.ip())
            .filter(|ip| match ip {
                std::net::IpAddr::V4(v4) => {
                    !(v4.is_loopback() || v4.is_private() || v4.is_link_local())
                }
                std::net::IpAddr::V6(v6) => !(v6.is_loopback() || v6.is_unique_local()),
            });
        Ok(Self(forwarded.or(peer)))
    }
}

impl ClientIp {
    /// Counts one filing against the address's budget and the account's.
    ///
    /// # Errors
    /// [`lapor_app::AppError::RateLimited`] when either is spent.
    pub async fn limit_filing(
        self,
        app: &lapor_app::App,
        account: Option<&UserRecord>,
    ) -> Result<(), lapor_app::AppError> {
        if let Some(ip) = self.0 {
            app.rate_limit(lapor_app::RateLimit::Ip, &ip.to_string())
                .await?;
        }
        if let Some(user) = account {
            app.rate_limit(lapor_app::RateLimit::Account, &user.id.to_string())
                .await?;
        }
        Ok(())
    }
}
