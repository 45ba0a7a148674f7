//! HTTP surface of Lapor: server-rendered citizen pages and the JSON API v1.
//!
//! Handlers only translate HTTP to use cases of [`lapor_app::App`] and back; no rule lives
//! here. Pages work without JavaScript and are small enough for 3G.

use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath};
use axum::http::{HeaderValue, Request, header};
use lapor_app::App;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub mod api;
mod console;
mod error;
pub mod i18n;
mod integration;
pub mod open311;
mod pages;
mod request;
mod sms;

pub use error::ApiError;

/// Largest accepted request body. A report body is at most 10,000 characters: up to 40 KB of
/// UTF-8, and up to three times that once percent-encoded by a form.
pub const BODY_LIMIT: usize = 128 * 1024;

/// Settings of the HTTP layer.
#[derive(Debug, Clone, Default)]
pub struct WebConfig {
    /// Mark cookies `Secure` (set when served over HTTPS).
    pub secure_cookies: bool,
    /// Take the client's address from the last `X-Forwarded-For` entry (set only behind a
    /// reverse proxy that writes it; otherwise anyone could pick their address).
    pub trust_proxy: bool,
    /// The Open311 endpoint's `jurisdiction_id`.
    pub open311: open311::Open311Config,
    /// Shared secret of Kannel's requests to `/kannel/*`; `None`: the SMS channel is off.
    pub kannel_secret: Option<String>,
}

/// Shared by every handler.
#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub config: WebConfig,
}

/// The whole site.
pub fn router(app: App, config: WebConfig) -> Router {
    let open311 = open311::routes_with(config.open311.clone());
    let state = AppState { app, config };
    let x_request_id = header::HeaderName::from_static("x-request-id");
    Router::new()
        .merge(pages::routes())
        .merge(console::routes())
        .nest("/api/v1", api::routes())
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            request::remember_language_and_csrf,
        ))
        // Gateways and probes need no language, token or cookie.
        .merge(sms::routes())
        .route("/healthz", axum::routing::get(|| async { "ok" }))
        .route("/readyz", axum::routing::get(readyz))
        .nest("/open311/v2", open311)
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(PropagateRequestIdLayer::new(x_request_id.clone()))
        .layer(
            // Spans carry the route template, never the raw path or query: paths hold
            // tracking codes and queries hold search words, and neither belongs in logs.
            TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
                let route = req
                    .extensions()
                    .get::<MatchedPath>()
                    .map_or("unmatched", MatchedPath::as_str);
                let id = req
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("");
                tracing::info_span!("http", method = %req.method(), route, request_id = id)
            }),
        )
        .layer(SetRequestIdLayer::new(x_request_id, MakeRequestUuid))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ))
        .with_state(state)
}

/// Serves `app` on `listener` until `shutdown` resolves, then finishes open requests.
///
/// # Errors
/// When the listener fails.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: App,
    config: WebConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router(app, config).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

async fn readyz(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> axum::http::StatusCode {
    match state.app.ready().await {
        Ok(()) => axum::http::StatusCode::OK,
        Err(e) => {
            tracing::error!(error = %e, "database not ready");
            axum::http::StatusCode::SERVICE_UNAVAILABLE
        }
    }
}
