//! JSON API v1, described by the OpenAPI 3.1 document at `/api/v1/openapi.json`.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, NaiveDate, Utc};
use lapor_app::{
    AppError, PublicFilter, PublicReport, ReporterCase, ReporterKey, StoredEvent, Submission,
    format_due,
};
use lapor_domain::ValidationErrors;
use lapor_domain::event::EventKind;
use lapor_domain::region::{Region, RegionCode, regions};
use lapor_domain::report::{Channel, ReportInput};
use lapor_domain::status::Status;
use lapor_domain::tracking::{ReportNumber, sha256_hex};
use lapor_domain::validation::Problem as P;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, OpenApi, ToSchema};

use crate::AppState;
use crate::error::{ApiError, FieldProblem, Problem, field_problem};
use crate::i18n::Tr;
use crate::pages::{Stars, StepInput, StepKind, attachment_response, step_command};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/reports", post(submit_report))
        .route("/reports/{tracking_code}", get(track_report))
        .route(
            "/reports/{tracking_code}/responses",
            post(respond_to_report),
        )
        .route(
            "/reports/{tracking_code}/attachments/{id}",
            get(report_attachment),
        )
        .route("/public/reports", get(public_reports))
        .route("/public/reports/{number}", get(public_report))
        .route("/regions", get(list_regions))
        .route("/categories", get(list_categories))
        .route("/agencies", get(list_agencies))
        .route("/openapi.json", get(openapi_json))
        .nest("/integration", crate::integration::routes())
        .fallback(|tr: Tr| async move { ApiError::from_app(AppError::NotFound, tr) })
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Lapor API",
        version = "1",
        description = "File reports (pengaduan, aspirasi, permintaan informasi), follow them by tracking code and answer the agency's follow-ups, and read the public reports, regions, categories and agencies. Errors are RFC 9457 problem documents with a stable `code` (and per-field codes); messages follow `Accept-Language` (id or en, default id)."
    ),
    paths(
        submit_report,
        track_report,
        respond_to_report,
        report_attachment,
        public_reports,
        public_report,
        list_regions,
        list_categories,
        list_agencies
    ),
    components(schemas(Problem, FieldProblem))
)]
pub struct ApiDoc;

/// The OpenAPI document (also served at `/api/v1/openapi.json`).
#[must_use]
pub fn openapi_document() -> &'static str {
    static DOCUMENT: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| ApiDoc::openapi().to_pretty_json().unwrap_or_default());
    &DOCUMENT
}

async fn openapi_json() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        openapi_document(),
    )
        .into_response()
}

/// Contact details of the reporter; never shown publicly.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReporterInput {
    /// Full name, up to 100 characters.
    pub name: Option<String>,
    pub email: Option<String>,
    /// Indonesian mobile number (`0812…` or `+62812…`).
    pub phone: Option<String>,
}

/// A new report.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportRequest {
    /// `pengaduan`, `aspirasi` or `permintaan_informasi`.
    #[schema(example = "pengaduan")]
    pub classification: Option<String>,
    /// 5–150 characters.
    #[schema(example = "Jalan berlubang di Jalan Tjilik Riwut km 5")]
    pub title: Option<String>,
    /// 20–10,000 characters: what happened, where and when.
    pub body: Option<String>,
    /// `YYYY-MM-DD`, not in the future.
    #[schema(value_type = Option<String>, format = Date, example = "2026-11-20")]
    pub incident_date: Option<String>,
    /// Kemendagri region code at any level: `62`, `62.71`, `62.71.01`, `62.71.01.1001`.
    #[schema(example = "62.71.01")]
    pub region_code: Option<String>,
    /// Free-text address, up to 300 characters.
    pub address: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// Category code from `/api/v1/categories`.
    pub category: Option<String>,
    /// Target agency code from `/api/v1/agencies`, if the reporter knows it.
    pub agency: Option<String>,
    /// Anonim: hide the reporter's identity from the public and the reported party.
    #[serde(default)]
    pub anonymous: bool,
    /// Rahasia: do not publish the report at all.
    #[serde(default)]
    pub confidential: bool,
    pub reporter: Option<ReporterInput>,
}

impl ReportRequest {
    /// The fields as the intake takes them; `reporter` is the request's reporter (or empty).
    pub(crate) fn input<'a>(&'a self, reporter: &'a ReporterInput) -> ReportInput<'a> {
        ReportInput {
            classification: self.classification.as_deref(),
            title: self.title.as_deref(),
            body: self.body.as_deref(),
            incident_date: self.incident_date.as_deref(),
            region_code: self.region_code.as_deref(),
            address: self.address.as_deref(),
            latitude: self.latitude,
            longitude: self.longitude,
            category: self.category.as_deref(),
            agency: self.agency.as_deref(),
            anonymous: self.anonymous,
            confidential: self.confidential,
            reporter_name: reporter.name.as_deref(),
            reporter_email: reporter.email.as_deref(),
            reporter_phone: reporter.phone.as_deref(),
        }
    }
}

/// The answer to a filing. Keep `tracking_code`: it is the only way to follow the report
/// without an account.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Receipt {
    #[schema(example = "0000042")]
    pub number: String,
    #[schema(example = "K7QM-R2XD-9HTWB")]
    pub tracking_code: String,
    #[schema(example = "unverified")]
    pub status: String,
}

/// One entry of a report's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryEntry {
    pub at: DateTime<Utc>,
    /// `reporter`, `admin_nasional`, `admin_instansi`, `admin_unit` or `system`.
    pub actor_role: String,
    /// `submitted`, `transition`, `privacy_raised`, `rated` or `ombudsman_offered`.
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// The agency the step routed the report to or, for `return_not_authority`, the agency
    /// that returned it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agency: Option<String>,
    /// The text of the step: a reason, the admin's question, the reporter's answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// `return_not_authority`: the agency the returning one thinks is competent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suggested_agency: Option<String>,
    /// `dispose`: the units the report was passed to.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub units: Vec<String>,
    /// `archive`: `incomplete`, `too_general`, `not_public_service`, `duplicate`, `abusive`
    /// or `out_of_scope`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub archive_reason: Option<String>,
    /// `rated`: 1–5.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stars: Option<u8>,
    /// `rated`: the reporter's comment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

impl HistoryEntry {
    fn new(at: DateTime<Utc>, actor_role: &str, kind: &EventKind) -> Self {
        let mut entry = Self {
            at,
            actor_role: actor_role.to_owned(),
            kind: kind.code().to_owned(),
            channel: None,
            action: None,
            from: None,
            to: None,
            agency: None,
            reason: None,
            suggested_agency: None,
            units: Vec::new(),
            archive_reason: None,
            stars: None,
            comment: None,
        };
        match kind {
            EventKind::Submitted { channel } => entry.channel = Some(channel.code().to_owned()),
            EventKind::Transition {
                action,
                from,
                to,
                agency,
                reason,
                units,
                archive,
                suggested_agency,
                ..
            } => {
                entry.action = Some(action.code().to_owned());
                entry.from = Some(from.code().to_owned());
                entry.to = Some(to.code().to_owned());
                entry.agency.clone_from(agency);
                entry.reason.clone_from(reason);
                entry.suggested_agency.clone_from(suggested_agency);
                entry.units.clone_from(units);
                entry.archive_reason = archive.map(|a| a.code().to_owned());
            }
            EventKind::Rated { stars, comment } => {
                entry.stars = Some(*stars);
                entry.comment.clone_from(comment);
            }
            _ => {}
        }
        entry
    }

    fn from_stored(e: &StoredEvent) -> Self {
        Self::new(e.event.at, e.event.actor.role.code(), &e.event.kind)
    }
}

/// The reporter named on their own report (contact details are left out on purpose: a
/// leaked tracking code must not leak a phone number).
#[derive(Debug, Serialize, ToSchema)]
pub struct ReporterView {
    pub name: Option<String>,
}

/// A file attached to a follow-up (download it from
/// `/api/v1/reports/{tracking_code}/attachments/{id}`).
#[derive(Debug, Serialize, ToSchema)]
pub struct Attachment {
    pub id: i64,
    pub file_name: String,
    /// `application/pdf`, `image/png`, `image/jpeg` or `image/webp`.
    pub content_type: String,
    pub size_bytes: i64,
    /// SHA-256 of the file, hex.
    pub sha256: String,
}

/// A published follow-up (tindak lanjut) of the agency.
#[derive(Debug, Serialize, ToSchema)]
pub struct FollowUp {
    pub id: i64,
    /// Code of the agency or unit that wrote it.
    pub agency: String,
    pub agency_name: String,
    pub text: String,
    pub published_at: Option<DateTime<Utc>>,
    pub attachments: Vec<Attachment>,
}

/// The steps the reporter may take now, each a `type` of
/// `POST /api/v1/reports/{tracking_code}/responses`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReporterOptions {
    /// `reply`: answer the follow-up (the report goes back to the agency).
    pub reply: bool,
    /// `supply_information`: answer the admin's question.
    pub supply_information: bool,
    /// `confirm_resolved`: the problem is solved (closes the report).
    pub confirm_resolved: bool,
    /// `rate`: 1–5 stars with an optional comment.
    pub rate: bool,
    /// `reopen`: the problem came back (a closed report, within the window).
    pub reopen: bool,
    /// `escalate_ombudsman`: hand the report to the Ombudsman (after 60 days unresolved).
    pub escalate_ombudsman: bool,
    /// Until when the reporter may reply or reopen.
    pub window_until: Option<DateTime<Utc>>,
}

/// The deadline the report runs against now.
#[derive(Debug, Serialize, ToSchema)]
pub struct Deadline {
    /// `verification` (national admin), `follow_up` (agency) or `reporter_window` (reporter).
    pub step: String,
    /// `null` while the clock is stopped (the admin waits for the reporter's information).
    pub due: Option<DateTime<Utc>>,
    /// The due instant in the local time of the clock's zone, e.g. `02-12-2026 23:59 WIB`.
    pub due_local: Option<String>,
    /// `WIB`, `WITA` or `WIT`.
    pub zone: String,
    /// Working days left; negative when overdue by that many.
    pub working_days_left: Option<i64>,
    pub overdue: bool,
}

/// A report as its reporter sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct TrackedReportView {
    pub number: String,
    pub classification: String,
    pub title: String,
    pub body: String,
    pub incident_date: Option<NaiveDate>,
    pub region_code: String,
    pub region_name: Option<String>,
    pub address: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub category: Option<String>,
    pub target_agency: Option<String>,
    pub agency: Option<String>,
    pub agency_name: Option<String>,
    pub anonymous: bool,
    pub confidential: bool,
    pub channel: String,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub reporter: Option<ReporterView>,
    /// The reporter's rating (1–5), if given.
    pub rating: Option<u8>,
    /// The deadline running now; `null` once the report is final.
    pub deadline: Option<Deadline>,
    /// What the reporter may do now.
    pub options: ReporterOptions,
    /// The agency's published follow-ups, oldest first.
    pub follow_ups: Vec<FollowUp>,
    /// Everything that happened that the reporter may see, oldest first.
    pub history: Vec<HistoryEntry>,
}

impl From<ReporterCase> for TrackedReportView {
    fn from(case: ReporterCase) -> Self {
        let t = case.report;
        let r = t.record.report;
        let o = case.options;
        Self {
            number: r.number.to_string(),
            classification: r.classification.code().to_owned(),
            region_name: regions().full_name(&r.location.region),
            region_code: r.location.region.as_str().to_owned(),
            title: r.title,
            body: r.body,
            incident_date: r.incident_date,
            address: r.location.address,
            latitude: r.location.coordinates.map(|c| c.0),
            longitude: r.location.coordinates.map(|c| c.1),
            category: r.category,
            target_agency: r.target_agency,
            agency: r.agency,
            agency_name: t.record.agency_name,
            anonymous: r.privacy.anonymous,
            confidential: r.privacy.confidential,
            channel: r.channel.code().to_owned(),
            status: r.status.code().to_owned(),
            created_at: r.created_at,
            updated_at: r.updated_at,
            reporter: t.reporter.map(|p| ReporterView { name: p.name }),
            rating: t.record.workflow.rating,
            deadline: case.deadline.map(|d| Deadline {
                step: d.step.code().to_owned(),
                due: d.due,
                due_local: d.due.map(|due| format_due(due, d.zone)),
                zone: d.zone.code().to_owned(),
                working_days_left: d.days_left,
                overdue: d.overdue,
            }),
            options: ReporterOptions {
                reply: o.reply,
                supply_information: o.supply_information,
                confirm_resolved: o.confirm_resolved,
                rate: o.rate,
                reopen: o.reopen,
                escalate_ombudsman: o.escalate_ombudsman,
                window_until: o.window_until,
            },
            follow_ups: case
                .follow_ups
                .into_iter()
                .map(|f| FollowUp {
                    id: f.id,
                    agency: f.agency,
                    agency_name: f.agency_name,
                    text: f.body,
                    published_at: f.published_at,
                    attachments: f
                        .attachments
                        .into_iter()
                        .map(|a| Attachment {
                            id: a.id,
                            file_name: a.file_name,
                            content_type: a.content_type,
                            size_bytes: a.size_bytes,
                            sha256: a.sha256,
                        })
                        .collect(),
                })
                .collect(),
            history: t.history.iter().map(HistoryEntry::from_stored).collect(),
        }
    }
}

/// The reporter's response to their report.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResponseRequest {
    /// `reply`, `supply_information`, `confirm_resolved`, `rate`, `reopen` or
    /// `escalate_ombudsman` (sending this type is the reporter's consent to the handover).
    /// Only the steps `options` of the report shows as open are accepted.
    #[serde(rename = "type")]
    #[schema(example = "reply")]
    pub kind: Option<String>,
    /// `reply` and `supply_information`: the answer (5–5,000 characters); `reopen`: why
    /// (5–2,000 characters).
    pub text: Option<String>,
    /// `rate`: 1–5.
    #[schema(example = 4)]
    pub stars: Option<i64>,
    /// `rate`: an optional comment, up to 2,000 characters.
    pub comment: Option<String>,
}

/// 422 for a reporter's step: `text` (also for a reopening's reason), `stars`, `comment`,
/// with messages naming what the text is.
fn step_invalid(kind: StepKind, errors: &ValidationErrors, tr: Tr) -> ApiError {
    let mut api = ApiError::invalid(&ValidationErrors::default(), tr);
    api.0.errors = errors
        .0
        .iter()
        .map(|e| {
            let field = if matches!(e.field, "text" | "reason") {
                "text"
            } else {
                e.field
            };
            let label = if field == "text" {
                kind.text_label()
            } else {
                field
            };
            let mut problem = field_problem(label, e.problem, tr);
            field.clone_into(&mut problem.field);
            problem
        })
        .collect();
    api
}

fn private(mut response: Response) -> Response {
    // The answer holds what only the reporter may see: no shared caches.
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("private, no-store"),
    );
    response
}

/// A published, non-confidential report.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicReportView {
    pub number: String,
    pub classification: String,
    pub title: String,
    pub body: String,
    pub incident_date: Option<NaiveDate>,
    pub region_code: String,
    pub region_name: Option<String>,
    pub address: Option<String>,
    pub category: Option<String>,
    pub agency: Option<String>,
    pub agency_name: Option<String>,
    pub status: String,
    pub anonymous: bool,
    /// Absent for anonymous reports.
    pub reporter_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Public history (only in the single-report answer).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<HistoryEntry>,
}

impl From<PublicReport> for PublicReportView {
    fn from(p: PublicReport) -> Self {
        Self {
            history: p
                .history
                .iter()
                .map(|e| HistoryEntry::new(e.at, e.actor_role.code(), &e.kind))
                .collect(),
            number: p.number,
            classification: p.classification.code().to_owned(),
            title: p.title,
            body: p.body,
            incident_date: p.incident_date,
            region_code: p.region_code,
            region_name: p.region_name,
            address: p.address,
            category: p.category,
            agency: p.agency,
            agency_name: p.agency_name,
            status: p.status.code().to_owned(),
            anonymous: p.anonymous,
            reporter_name: p.reporter_name,
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

/// One page of public reports.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublicReportPage {
    pub items: Vec<PublicReportView>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

/// Filters of the public list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PublicQuery {
    /// Words that must all appear in the title, text or address.
    pub q: Option<String>,
    /// A status code, e.g. `routed`, `closed`.
    pub status: Option<String>,
    /// A category code; includes its subcategories.
    pub category: Option<String>,
    /// A region code; includes the regions within it.
    pub region: Option<String>,
    /// An agency code; includes its units.
    pub agency: Option<String>,
    /// Page number from 1.
    pub page: Option<String>,
    /// 1–100, default 20.
    pub per_page: Option<String>,
}

/// A Kemendagri region.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegionView {
    pub code: String,
    pub name: String,
    /// `provinsi`, `kabupaten`, `kota`, `kecamatan`, `kelurahan`, `desa`, `desa_adat`.
    pub kind: String,
    /// 1 province … 4 village.
    pub level: u8,
    pub parent: Option<String>,
    pub full_name: String,
}

impl From<&Region> for RegionView {
    fn from(r: &Region) -> Self {
        Self {
            code: r.code().as_str().to_owned(),
            name: r.name().to_owned(),
            kind: r.kind().as_str().to_owned(),
            level: r.level().depth(),
            parent: r.parent().map(|p| p.as_str().to_owned()),
            full_name: regions()
                .full_name(r.code())
                .unwrap_or_else(|| r.name().to_owned()),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RegionQuery {
    /// Name to search for (spelling variants and `Kab.`/`Kec.`/`Kel.` prefixes are understood).
    pub q: Option<String>,
    /// Restrict to the regions within this code; without `q`, list its direct children.
    pub parent: Option<String>,
}

/// A topic of the category tree.
#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryView {
    pub code: String,
    pub parent: Option<String>,
    /// Name in the requested language.
    pub name: String,
    pub name_id: String,
    pub name_en: String,
}

/// A public-service provider.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgencyView {
    pub code: String,
    pub name: String,
    /// `kementerian`, `lembaga`, `pemerintah_provinsi`, `pemerintah_kabupaten`, `pemerintah_kota`,
    /// `dinas`, `badan`, `kecamatan`, `kelurahan`, `unit_kerja`, `bumn`, `bumd`.
    pub kind: String,
    pub parent: Option<String>,
    /// Regions served; empty for national bodies.
    pub regions: Vec<String>,
}

/// Reads a JSON body: the right content type, valid JSON, and the right shapes, each with
/// its own problem naming the field.
pub(crate) fn parse_json<T: serde::de::DeserializeOwned>(
    headers: &HeaderMap,
    body: &[u8],
    tr: Tr,
) -> Result<T, ApiError> {
    let json_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            let v = v.trim().to_ascii_lowercase();
            v == "application/json" || (v.starts_with("application/") && v.ends_with("+json"))
        });
    if !json_type {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            tr.problem_content_type(),
            None,
        ));
    }
    let malformed = |e: &serde_json::Error| {
        ApiError::field(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            tr.problem_malformed_json(),
            "body",
            e.to_string(),
        )
    };
    let mut de = serde_json::Deserializer::from_slice(body);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.classify() != serde_json::error::Category::Data {
            return malformed(&inner);
        }
        let message = inner.to_string();
        let unknown = message.starts_with("unknown field");
        // The path already names an unknown key; a wrong top-level shape is about the body.
        let field = if path == "." || path.starts_with('[') {
            "body".to_owned()
        } else {
            path
        };
        let code = if unknown {
            "unknown_field"
        } else {
            "invalid_type"
        };
        let mut api = ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_input",
            tr.problem_invalid_title(),
            Some(tr.problem_invalid_detail().to_owned()),
        );
        api.0.errors = vec![FieldProblem {
            field,
            code: code.to_owned(),
            message,
            min: None,
            max: None,
        }];
        api
    })?;
    de.end().map_err(|e| malformed(&e))?;
    Ok(value)
}

pub(crate) fn idempotency_key(headers: &HeaderMap, tr: Tr) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    match value.to_str() {
        Ok(key)
            if !key.is_empty() && key.len() <= 255 && key.bytes().all(|b| b.is_ascii_graphic()) =>
        {
            Ok(Some(key.to_owned()))
        }
        _ => Err(ApiError::field(
            StatusCode::BAD_REQUEST,
            "invalid_idempotency_key",
            tr.problem_idempotency_invalid(),
            "Idempotency-Key",
            tr.problem_idempotency_invalid().to_owned(),
        )),
    }
}

/// File a report.
#[utoipa::path(
    post,
    path = "/api/v1/reports",
    request_body = ReportRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Replaying a request with the same key and body returns the first answer and stores nothing new.")),
    responses(
        (status = 201, description = "Stored. Keep the tracking code.", body = Receipt),
        (status = 400, description = "Malformed JSON or Idempotency-Key", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Idempotency-Key reused with another body", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body larger than 128 KiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not application/json", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each named", body = Problem, content_type = "application/problem+json"),
    ),
    tag = "reports"
)]

async fn submit_report(
    State(state): State<AppState>,
    tr: Tr,
    ip: crate::request::ClientIp,
    headers: HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|rejection| {
        let status = rejection.status();
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(status, "payload_too_large", tr.problem_too_large(), None)
        } else {
            // The body could not be read (the client went away mid-request).
            ApiError::new(status, "unreadable_body", tr.problem_malformed_json(), None)
        }
    })?;
    ip.limit_filing(&state.app, None)
        .await
        .map_err(|e| ApiError::from_app(e, tr))?;
    let key = idempotency_key(&headers, tr)?;
    let request: ReportRequest = parse_json(&headers, &body, tr)?;
    let reporter = request.reporter.as_ref().cloned().unwrap_or_default();
    let input = request.input(&reporter);
    let receipt = state
        .app
        .submit(Submission {
            input,
            channel: Channel::Api,
            account: None,
            idempotency: key.map(|k| (format!("api:{k}"), sha256_hex(&body))),
            language: tr.language(),
            attachments: Vec::new(),
            client: None,
            inbound: None,
        })
        .await
        .map_err(|e| ApiError::from_app(e, tr))?;
    let receipt = Receipt {
        number: receipt.number,
        tracking_code: receipt.tracking_code,
        status: receipt.status,
    };
    Ok((StatusCode::CREATED, Json(receipt)).into_response())
}

/// A report as its reporter sees it, with its follow-ups, deadline and open steps.
///
/// The history leaves out officers' internals; `follow_ups` holds published follow-ups only;
/// `options` tells which `type`s of response are accepted now.
#[utoipa::path(
    get,
    path = "/api/v1/reports/{tracking_code}",
    params(("tracking_code" = String, Path, description = "The reporter's tracking code; case, spaces and dashes do not matter.")),
    responses(
        (status = 200, body = TrackedReportView),
        (status = 404, description = "No report has this code", body = Problem, content_type = "application/problem+json"),
    ),
    tag = "reports"
)]
async fn track_report(
    State(state): State<AppState>,
    tr: Tr,
    Path(code): Path<String>,
) -> Result<Response, ApiError> {
    let case = state
        .app
        .reporter_case(ReporterKey::Code(&code))
        .await
        .map_err(|e| ApiError::from_app(e, tr))?;
    Ok(private(Json(TrackedReportView::from(case)).into_response()))
}

/// The reporter responds to their report.
///
/// Answer the follow-up or the admin's question, confirm the problem is solved, rate the
/// handling, reopen the report, or hand it to the Ombudsman: only what `options` shows as
/// open is accepted.
#[utoipa::path(
    post,
    path = "/api/v1/reports/{tracking_code}/responses",
    params(("tracking_code" = String, Path, description = "The reporter's tracking code.")),
    request_body = ResponseRequest,
    responses(
        (status = 200, description = "Done: the report as it stands now.", body = TrackedReportView),
        (status = 400, description = "Malformed JSON", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No report has this code", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not open now (`code` `refused`, with `refusal` `not_in_this_status`, `window_closed` or `too_early_for_ombudsman`; `not_in_this_status` also answers a step sent twice), or the report changed meanwhile (`code` `conflict`). Nothing was stored.", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body larger than 128 KiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not application/json", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, each named: `type`, `text`, `stars`, `comment`", body = Problem, content_type = "application/problem+json"),
    ),
    tag = "reports"
)]
async fn respond_to_report(
    State(state): State<AppState>,
    tr: Tr,
    Path(code): Path<String>,
    headers: HeaderMap,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Response, ApiError> {
    let body = body.map_err(|rejection| {
        let status = rejection.status();
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(status, "payload_too_large", tr.problem_too_large(), None)
        } else {
            ApiError::new(status, "unreadable_body", tr.problem_malformed_json(), None)
        }
    })?;
    let key = ReporterKey::Code(&code);
    // A wrong code is a 404 whatever the body says.
    state
        .app
        .reporter_case(key)
        .await
        .map_err(|e| ApiError::from_app(e, tr))?;
    let request: ResponseRequest = parse_json(&headers, &body, tr)?;
    let kind = match request.kind.as_deref().map(str::trim) {
        None | Some("") => {
            return Err(ApiError::invalid(
                &ValidationErrors::single("type", P::Required),
                tr,
            ));
        }
        Some(code) => StepKind::from_code(code).ok_or_else(|| {
            ApiError::invalid(&ValidationErrors::single("type", P::InvalidValue), tr)
        })?,
    };
    let input = StepInput {
        text: request.text.unwrap_or_default(),
        stars: request.stars.map_or(Stars::Missing, Stars::Given),
        comment: request.comment.unwrap_or_default(),
        consent: true,
    };
    let command = step_command(kind, &input).map_err(|e| step_invalid(kind, &e, tr))?;
    state
        .app
        .reporter_act(key, command)
        .await
        .map_err(|e| match e {
            AppError::Invalid(errors) => step_invalid(kind, &errors, tr),
            other => ApiError::from_app(other, tr),
        })?;
    let case = state
        .app
        .reporter_case(key)
        .await
        .map_err(|e| ApiError::from_app(e, tr))?;
    Ok(private(Json(TrackedReportView::from(case)).into_response()))
}

/// A file of a published follow-up, as a download.
#[utoipa::path(
    get,
    path = "/api/v1/reports/{tracking_code}/attachments/{id}",
    params(
        ("tracking_code" = String, Path, description = "The reporter's tracking code."),
        ("id" = i64, Path, description = "The attachment's id, from the report's `follow_ups`."),
    ),
    responses(
        (status = 200, description = "The file, with its content type (`application/pdf`, `image/png`, `image/jpeg` or `image/webp`) and `Content-Disposition: attachment`."),
        (status = 404, description = "No such code, or no published file of this report with this id", body = Problem, content_type = "application/problem+json"),
    ),
    tag = "reports"
)]
async fn report_attachment(
    State(state): State<AppState>,
    tr: Tr,
    Path((code, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let id = id
        .parse::<i64>()
        .map_err(|_| ApiError::from_app(AppError::NotFound, tr))?;
    let file = state
        .app
        .attachment_for_reporter(ReporterKey::Code(&code), id)
        .await
        .map_err(|e| ApiError::from_app(e, tr))?;
    Ok(attachment_response(file))
}

fn parse_page(
    raw: Option<&str>,
    field: &'static str,
    default: u32,
    max: u32,
    errors: &mut ValidationErrors,
) -> u32 {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => default,
        Some(s) => match s.parse::<u32>() {
            Ok(n) if (1..=max).contains(&n) => n,
            _ => {
                errors.add(field, P::OutOfRange);
                default
            }
        },
    }
}

/// Turns the public-list query into a filter, naming every bad parameter.
pub(crate) fn public_filter(
    q: Option<&str>,
    status: Option<&str>,
    category: Option<&str>,
    region: Option<&str>,
    agency: Option<&str>,
    page: Option<&str>,
    per_page: Option<&str>,
) -> Result<PublicFilter, AppError> {
    let mut errors = ValidationErrors::default();
    let nonempty = |v: Option<&str>| {
        v.map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let status = nonempty(status).and_then(|s| {
        let found = Status::from_code(&s).filter(|s| s.is_published());
        if found.is_none() {
            errors.add("status", P::UnknownStatus);
        }
        found
    });
    let region = match lapor_app::App::region_filter(region) {
        Ok(r) => r,
        Err(AppError::Invalid(e)) => {
            errors.0.extend(e.0);
            None
        }
        Err(other) => return Err(other),
    };
    let filter = PublicFilter {
        q: nonempty(q).map(|q| q.chars().take(200).collect()),
        status,
        category: nonempty(category),
        region,
        agency: nonempty(agency).map(|a| a.to_lowercase()),
        page: parse_page(page, "page", 1, 100_000, &mut errors),
        per_page: parse_page(per_page, "per_page", 20, 100, &mut errors),
    };
    Ok(errors.into_result(filter)?)
}

/// Published, non-confidential reports, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/public/reports",
    params(PublicQuery),
    responses(
        (status = 200, body = PublicReportPage),
        (status = 422, description = "Unknown status or region, page out of range", body = Problem, content_type = "application/problem+json"),
    ),
    tag = "public"
)]
async fn public_reports(
    State(state): State<AppState>,
    tr: Tr,
    Query(query): Query<PublicQuery>,
) -> Result<Json<PublicReportPage>, ApiError> {
    let filter = public_filter(
        query.q.as_deref(),
        query.status.as_deref(),
        query.category.as_deref(),
        query.region.as_deref(),
        query.agency.as_deref(),
        query.page.as_deref(),
        query.per_page.as_deref(),
    )
    .map_err(|e| ApiError::from_app(e, tr))?;
    let page = state
        .app
        .public_reports(&filter)
        .await
        .map_err(|e| ApiError::from_app(e, tr))?;
    Ok(Json(PublicReportPage {
        items: page.items.into_iter().map(PublicReportView::from).collect(),
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    }))
}

/// One public report with its public history.
#[utoipa::path(
    get,
    path = "/api/v1/public/reports/{number}",
    params(("number" = String, Path, description = "Report number, e.g. 0000042")),
    responses(
        (status = 200, body = PublicReportView),
        (status = 404, description = "No public report has this number", body = Problem, content_type = "application/problem+json"),
    ),
    tag = "public"
)]
async fn public_report(
    State(state): State<AppState>,
    tr: Tr,
    Path(number): Path<String>,
) -> Result<Json<PublicReportView>, ApiError> {
    let number =
        ReportNumber::parse(&number).ok_or_else(|| ApiError::from_app(AppError::NotFound, tr))?;
    let report = state
        .app
        .public_report(number)
        .await
        .map_err(|e| ApiError::from_app(e, tr))?;
    Ok(Json(report.into()))
}

/// Regions: search by name, or list the children of a region (provinces without `parent`).
#[utoipa::path(
    get,
    path = "/api/v1/regions",
    params(RegionQuery),
    responses(
        (status = 200, body = Vec<RegionView>),
        (status = 422, description = "Malformed or unknown parent code", body = Problem, content_type = "application/problem+json"),
    ),
    tag = "reference"
)]
async fn list_regions(
    tr: Tr,
    Query(query): Query<RegionQuery>,
) -> Result<Json<Vec<RegionView>>, ApiError> {
    let parent: Option<RegionCode> = lapor_app::App::region_filter(query.parent.as_deref())
        .map_err(|e| match e {
            AppError::Invalid(mut errors) => {
                errors.0.iter_mut().for_each(|e| e.field = "parent");
                ApiError::invalid(&errors, tr)
            }
            other => ApiError::from_app(other, tr),
        })?;
    let table = regions();
    let found = match query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        Some(q) => table.search(q, parent.as_ref(), 20),
        None => table.children(parent.as_ref()),
    };
    Ok(Json(found.into_iter().map(RegionView::from).collect()))
}

/// The category tree, parents first.
#[utoipa::path(get, path = "/api/v1/categories", responses((status = 200, body = Vec<CategoryView>)), tag = "reference")]
async fn list_categories(State(state): State<AppState>, tr: Tr) -> Json<Vec<CategoryView>> {
    let english = tr.0 == crate::i18n::Lang::En;
    Json(
        state
            .app
            .categories()
            .iter()
            .map(|c| CategoryView {
                code: c.code.clone(),
                parent: c.parent.clone(),
                name: if english {
                    c.name_en.clone()
                } else {
                    c.name_id.clone()
                },
                name_id: c.name_id.clone(),
                name_en: c.name_en.clone(),
            })
            .collect(),
    )
}

/// Every agency, by name.
#[utoipa::path(get, path = "/api/v1/agencies", responses((status = 200, body = Vec<AgencyView>)), tag = "reference")]
async fn list_agencies(
    State(state): State<AppState>,
    tr: Tr,
) -> Result<Json<Vec<AgencyView>>, ApiError> {
    let agencies = state
        .app
        .agencies()
        .await
        .map_err(|e| ApiError::from_app(e, tr))?;
    Ok(Json(
        agencies
            .into_iter()
            .map(|a| AgencyView {
                code: a.code,
                name: a.name,
                kind: a.kind.code().to_owned(),
                parent: a.parent_code,
                regions: a.regions,
            })
            .collect(),
    ))
}
