//! The integration API of agency complaint apps (the role of LAPOR's old `addstream` push):
//! a system with an API key pushes reports, pulls their status and follow-ups, and — when it
//! is an agency's own app — pushes that agency's follow-ups. Status changes go back to it as
//! signed webhooks from the outbox (see `lapor_app::outbound`).
//!
//! Authentication: `Authorization: Bearer lpr_…` (or `X-Api-Key`), issued by
//! `lapor apikey add --scope integration`.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use lapor_app::{ApiClient, ApiScope, AppError, Command, RateLimit, ReporterKey, Submission};
use lapor_domain::report::Channel;
use lapor_domain::tracking::{ReportNumber, sha256_hex};
use lapor_domain::validation::Problem as P;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::api::{Receipt, ReportRequest, idempotency_key, parse_json};
use crate::error::ApiError;
use crate::i18n::Tr;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/reports", post(push_report))
        .route("/reports/{number}", get(pull_report))
        .route("/reports/{number}/follow-ups", post(push_follow_up))
        .fallback(|tr: Tr| async move { ApiError::from_app(AppError::NotFound, tr) })
}

/// A report pushed by an integrated system.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PushRequest {
    /// The system's own id of the report: pushing it again never makes a second report.
    external_id: Option<String>,
    #[serde(flatten)]
    report: ReportRequest,
}

/// A follow-up written in the agency's own system.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FollowUpRequest {
    text: String,
    /// The system's own id of the follow-up: pushing it again writes nothing new.
    external_id: Option<String>,
}

/// A report as an integrated system sees it: where it stands and what the agency answered.
/// Never the reporter's contact data.
#[derive(Debug, Serialize)]
struct ReportView {
    number: String,
    status: String,
    title: String,
    channel: String,
    agency: Option<String>,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    follow_ups: Vec<FollowUpView>,
}

#[derive(Debug, Serialize)]
struct FollowUpView {
    id: i64,
    agency: String,
    text: String,
    published_at: Option<DateTime<Utc>>,
}

/// The client behind the request's key, within its rate limit.
async fn client(state: &AppState, headers: &HeaderMap, tr: Tr) -> Result<ApiClient, ApiError> {
    let key = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .or_else(|| headers.get("x-api-key").and_then(|v| v.to_str().ok()))
        .unwrap_or_default();
    let client = state
        .app
        .authenticate_client(key, ApiScope::Integration)
        .await
        .map_err(|e| ApiError::from_app(e, tr))?;
    state
        .app
        .rate_limit(RateLimit::ApiKey, &client.id.to_string())
        .await
        .map_err(|e| ApiError::from_app(e, tr))?;
    Ok(client)
}

fn external_id(raw: Option<&str>, tr: Tr) -> Result<Option<String>, ApiError> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(id) if id.len() <= 200 && !id.chars().any(char::is_control) => Ok(Some(id.to_owned())),
        Some(_) => Err(ApiError::invalid(
            &lapor_domain::ValidationErrors::single("external_id", P::InvalidValue),
            tr,
        )),
    }
}

fn report_number(raw: &str, tr: Tr) -> Result<ReportNumber, ApiError> {
    ReportNumber::parse(raw).ok_or_else(|| ApiError::from_app(AppError::NotFound, tr))
}

async fn push_report(
    State(state): State<AppState>,
    tr: Tr,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let client = client(&state, &headers, tr).await?;
    let key = idempotency_key(&headers, tr)?;
    let request: PushRequest = parse_json(&headers, &body, tr)?;
    let external = external_id(request.external_id.as_deref(), tr)?;
    let reporter = request.report.reporter.clone().unwrap_or_default();
    let receipt = state
        .app
        .submit(Submission {
            account: None,
            // Keys are the client's own: two systems may use the same key or id.
            idempotency: key.map(|k| (format!("integration:{}:{k}", client.id), sha256_hex(&body))),
            language: tr.language(),
            attachments: Vec::new(),
            client: Some(&client),
            // Apart from follow-up ids (`…:follow-up:…`), which share the channel.
            inbound: external.map(|id| format!("{}:report:{id}", client.id)),
            ..Submission::new(request.report.input(&reporter), Channel::Integration)
        })
        .await
        .map_err(|e| ApiError::from_app(e, tr))?;
    Ok((
        StatusCode::CREATED,
        Json(Receipt {
            number: receipt.number,
            tracking_code: receipt.tracking_code,
            status: receipt.status,
        }),
    )
        .into_response())
}

async fn pull_report(
    State(state): State<AppState>,
    tr: Tr,
    headers: HeaderMap,
    Path(number): Path<String>,
) -> Result<Response, ApiError> {
    let client = client(&state, &headers, tr).await?;
    let number = report_number(&number, tr)?;
    let filed = state
        .app
        .reporter_case(ReporterKey::Client {
            client_id: client.id,
            number,
        })
        .await;
    let (report, follow_ups) = match filed {
        Ok(case) => (case.report, case.follow_ups),
        // Not filed by this system: an agency's app sees what its agency handles.
        Err(AppError::NotFound) => {
            let officer = state
                .app
                .officer_for_client(&client)
                .await
                .map_err(|_| ApiError::from_app(AppError::NotFound, tr))?;
            let case = state
                .app
                .case(&officer, number)
                .await
                .map_err(|e| ApiError::from_app(e, tr))?;
            (case.report, case.follow_ups)
        }
        Err(e) => return Err(ApiError::from_app(e, tr)),
    };
    let r = report.record.report;
    Ok(Json(ReportView {
        number: r.number.to_string(),
        status: r.status.code().to_owned(),
        title: r.title,
        channel: r.channel.code().to_owned(),
        agency: r.agency,
        created_at: r.created_at,
        updated_at: r.updated_at,
        follow_ups: follow_ups
            .into_iter()
            .map(|f| FollowUpView {
                id: f.id,
                agency: f.agency,
                text: f.body,
                published_at: f.published_at,
            })
            .collect(),
    })
    .into_response())
}

async fn push_follow_up(
    State(state): State<AppState>,
    tr: Tr,
    headers: HeaderMap,
    Path(number): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let client = client(&state, &headers, tr).await?;
    let number = report_number(&number, tr)?;
    let request: FollowUpRequest = parse_json(&headers, &body, tr)?;
    let external = external_id(request.external_id.as_deref(), tr)?;
    let officer = state
        .app
        .officer_for_client(&client)
        .await
        .map_err(|e| ApiError::from_app(e, tr))?;
    let version = state
        .app
        .case(&officer, number)
        .await
        .map_err(|e| ApiError::from_app(e, tr))?
        .report
        .record
        .workflow
        .version;
    let command = Command::FollowUp {
        text: request.text,
        attachments: Vec::new(),
    };
    let done = match external {
        // The follow-up and the record of its id are written together: a retry after a lost
        // answer changes nothing, whatever happened to the report meanwhile.
        Some(id) => state
            .app
            .act_inbound(
                &officer,
                number,
                version,
                command,
                (
                    Channel::Integration,
                    &format!("{}:follow-up:{id}", client.id),
                ),
            )
            .await
            .map_err(|e| ApiError::from_app(e, tr))?,
        None => {
            state
                .app
                .act(&officer, number, version, command)
                .await
                .map_err(|e| ApiError::from_app(e, tr))?;
            true
        }
    };
    if !done {
        return Err(ApiError::from_app(
            AppError::AlreadyReceived(Some(number)),
            tr,
        ));
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}
