//! Open311 GeoReport v2 server under `/open311/v2/` (spec: wiki.open311.org/GeoReport_v2):
//! discovery, services and their definitions, service requests (file, list, one, tokens) and
//! FixMyStreet's `servicerequestupdates`, in XML (required by the spec) and JSON, chosen by
//! the URL's suffix.
//!
//! Decisions, so clients know what to expect:
//! * A service is a category of ours: `service_code` is the category code, `service_name`
//!   its Indonesian name, `group` the name of its top-level category. Every service has the
//!   same optional attributes, the LAPOR! fields Open311 lacks (see [`ATTRIBUTES`]), so
//!   `metadata` is `true` everywhere.
//! * Requests are answered at once (`type` `realtime`): `service_request_id` is our public
//!   report number (`0000042`, also accepted as `42`). A token is the same number: `tokens/{n}`
//!   answers for every report `requests/{n}` shows, so clients that expect `batch` work too.
//! * `GET requests` lists published, non-confidential reports only and never any data about
//!   the reporter; `description` is the report text, the title is in `extended_attributes`
//!   (with `extensions=true`, beside FixMyStreet's extended status and the channel).
//! * Times are written in WIB (`+07:00`).
//! * `jurisdiction_id` is optional unless configured as required; when given it must be the
//!   configured one (see [`Open311Config`]).
//! * `POST requests` (form or multipart, `api_key` of a client with the `open311` scope, see
//!   `lapor apikey add`) goes through the one intake as channel `open311`: a photo part of any
//!   name is stored with the report; `media_url` links are appended to the report's text, not
//!   fetched. A region is optional (`attribute[region_code]`): officers place the report. A
//!   replay creates nothing and answers with the first report: the same client sending the
//!   same `attribute[fixmystreet_id]`, or the same parameters and photos (any order, any of
//!   its keys). `device_id`/`deviceid` and `account_id` only count towards that sameness.
//! * FixMyStreet's `servicerequestupdates`: `GET` lists, for the calling client's reports, the
//!   steps their reporters see (not the reporter's own), with the FixMyStreet status and the
//!   published follow-up or the step's reason; `POST` turns a citizen's update into the
//!   reporter's reply while the report awaits one (keyed by the client's `update_id`).
//! * Every keyed call counts against the client's rate limit (429 with `Retry-After`).

use std::sync::Arc;

use axum::Router;
use axum::extract::rejection::PathRejection;
use axum::extract::{DefaultBodyLimit, Extension, Path, RawQuery, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::routing::get;
use lapor_app::open311::{OpenClosed, RequestQuery, RequestRecord, expected_at, extended_status};
use lapor_app::{
    ApiClient, ApiScope, App, AppError, CategoryView, RateLimit, ReporterCommand, ReporterKey,
    Submission,
};
use lapor_domain::report::{Channel, ReportInput};
use lapor_domain::tracking::ReportNumber;

use crate::AppState;

mod body;
mod error;
mod intake;
mod params;
mod render;

pub use error::Open311Error;
use intake::{NewRequest, fingerprint};
use params::{Params, parse_datetime};
use render::{Document, Format, Node};

/// Deployment settings of the Open311 endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Open311Config {
    /// Our `jurisdiction_id` (the spec suggests the web domain).
    pub jurisdiction_id: String,
    /// Refuse requests without `jurisdiction_id` (400), as for an endpoint serving several.
    pub require_jurisdiction: bool,
}

impl Default for Open311Config {
    fn default() -> Self {
        Self {
            jurisdiction_id: "lapor.go.id".to_owned(),
            require_jurisdiction: false,
        }
    }
}

impl Open311Config {
    fn check(&self, params: &Params) -> Result<(), Open311Error> {
        match params.get("jurisdiction_id") {
            None if self.require_jurisdiction => Err(Open311Error::param(
                "jurisdiction_id",
                "wajib diisi",
                "is required",
            )),
            None => Ok(()),
            Some(id) if id.eq_ignore_ascii_case(&self.jurisdiction_id) => Ok(()),
            Some(_) => Err(Open311Error::not_found(
                &format!(
                    "jurisdiction_id tidak dikenal; gunakan {}",
                    self.jurisdiction_id
                ),
                &format!("Unknown jurisdiction_id; use {}", self.jurisdiction_id),
            )),
        }
    }
}

/// The endpoint with explicit settings.
pub fn routes_with(config: Open311Config) -> Router<AppState> {
    Router::new()
        .route("/{file}", get(read).post(write).fallback(wrong_method))
        .route(
            "/services/{file}",
            get(service_definition).fallback(wrong_method),
        )
        .route("/requests/{file}", get(one_request).fallback(wrong_method))
        .route("/tokens/{file}", get(token).fallback(wrong_method))
        .fallback(|| async { Open311Error::no_resource().respond(Format::Xml) })
        .layer(Extension(Arc::new(config)))
        .layer(DefaultBodyLimit::max(body::BODY_LIMIT))
}

/// Anything but GET (and POST where the spec has one), still answered with an error array.
async fn wrong_method(path: Result<Path<String>, PathRejection>) -> Response {
    let format = path
        .ok()
        .and_then(|Path(file)| Format::split(&file).map(|(_, f)| f))
        .unwrap_or(Format::Xml);
    Open311Error::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "Metode HTTP ini tidak didukung di sini",
        "This HTTP method is not supported here",
    )
    .respond(format)
}

/// The context every handler starts from: the format, the parameters, the jurisdiction
/// checked. Whatever fails here is answered in the client's format when it is known.
struct Call {
    name: String,
    format: Format,
    params: Params,
}

impl Call {
    fn start(
        path: Result<Path<String>, PathRejection>,
        query: Option<&str>,
        config: &Open311Config,
    ) -> Result<Self, Failure> {
        let unknown = || Failure(Format::Xml, Open311Error::no_resource());
        let Ok(Path(file)) = path else {
            return Err(unknown());
        };
        let Some((name, format)) = Format::split(&file) else {
            return Err(unknown());
        };
        let params = params::parse_urlencoded(query.unwrap_or("").as_bytes())
            .map_err(|e| Failure(format, not_utf8(&e)))?;
        config.check(&params).map_err(|e| Failure(format, e))?;
        Ok(Self {
            name: name.to_owned(),
            format,
            params,
        })
    }

    fn ok(&self, document: &Document) -> Response {
        document.respond(self.format, StatusCode::OK)
    }

    fn fail(&self, error: &Open311Error) -> Response {
        error.respond(self.format)
    }
}

/// A request that failed before its handler could start, with the format to answer in.
struct Failure(Format, Open311Error);

impl Failure {
    fn respond(&self) -> Response {
        self.1.respond(self.0)
    }
}

fn not_utf8(e: &params::NotUtf8) -> Open311Error {
    // The name is the client's bytes: shown only as far as it helps.
    let name: String = e.name.chars().take(40).collect();
    Open311Error::param(
        &name,
        "bukan teks UTF-8 yang sah",
        "is not valid UTF-8 text",
    )
}

async fn read(
    State(state): State<AppState>,
    Extension(config): Extension<Arc<Open311Config>>,
    headers: HeaderMap,
    path: Result<Path<String>, PathRejection>,
    RawQuery(query): RawQuery,
) -> Response {
    let call = match Call::start(path, query.as_deref(), &config) {
        Ok(call) => call,
        Err(failure) => return failure.respond(),
    };
    match call.name.as_str() {
        "discovery" => call.ok(&discovery(&base_url(&headers, state.config.secure_cookies))),
        "services" => call.ok(&services(&state.app)),
        "requests" => match list_requests(&state.app, &call.params).await {
            Ok(document) => call.ok(&document),
            Err(e) => call.fail(&e),
        },
        "servicerequestupdates" => match list_updates(&state.app, &call.params).await {
            Ok(document) => call.ok(&document),
            Err(e) => call.fail(&e),
        },
        _ => call.fail(&Open311Error::no_resource()),
    }
}

/// `POST requests` and FixMyStreet's `POST servicerequestupdates`.
async fn write(
    State(state): State<AppState>,
    Extension(config): Extension<Arc<Open311Config>>,
    path: Result<Path<String>, PathRejection>,
    request: Request,
) -> Response {
    let Some((name, format)) = path
        .ok()
        .and_then(|Path(file)| Format::split(&file).map(|(n, f)| (n.to_owned(), f)))
    else {
        return Open311Error::no_resource().respond(Format::Xml);
    };
    if !matches!(name.as_str(), "requests" | "servicerequestupdates") {
        return Open311Error::no_resource().respond(format);
    }
    let outcome = async {
        let (params, files) = body::read(request).await?;
        config.check(&params)?;
        let client = authenticate(&state.app, &params).await?;
        if name == "requests" {
            create_request(&state.app, &client, &params, files).await
        } else {
            reply(&state.app, &client, &params).await
        }
    }
    .await;
    match outcome {
        Ok(document) => document.respond(format, StatusCode::OK),
        Err(e) => e.respond(format),
    }
}

/// The client holding `api_key`, counted against its rate limit.
async fn authenticate(app: &App, params: &Params) -> Result<ApiClient, Open311Error> {
    let key = params.get("api_key").ok_or_else(|| {
        Open311Error::new(
            StatusCode::FORBIDDEN,
            "api_key wajib diisi",
            "api_key is required",
        )
    })?;
    let client = app
        .authenticate_client(key, ApiScope::Open311)
        .await
        .map_err(Open311Error::from_app)?;
    app.rate_limit(RateLimit::ApiKey, &client.id.to_string())
        .await
        .map_err(Open311Error::from_app)?;
    Ok(client)
}

/// Files a service request through the one intake. A replay (the same `fixmystreet_id`, or
/// the same parameters and photos, from the same client) answers with the report it made.
async fn create_request(
    app: &App,
    client: &ApiClient,
    params: &Params,
    files: Vec<lapor_app::Upload>,
) -> Result<Document, Open311Error> {
    let request = NewRequest::parse(params)?;
    let service = category_name(app, &request.service_code)
        .ok_or_else(|| unknown_service(&request.service_code))?;
    let inbound = match &request.fixmystreet_id {
        Some(id) => format!("{}:fixmystreet:{id}", client.id),
        // Without the client's own id, identical requests of the same day are one:
        // a retry, not a citizen reporting the same thing again next week.
        None => {
            let data: Vec<&[u8]> = files.iter().map(|f| f.data.as_slice()).collect();
            format!(
                "{}:{}:{}",
                client.id,
                app.today_in_indonesia(),
                fingerprint(params, &data)
            )
        }
    };
    let title = request.title(&service.name_id);
    let body = request.body();
    let (latitude, longitude) = request.coordinates.unzip();
    let input = ReportInput {
        classification: Some(request.classification.as_deref().unwrap_or("pengaduan")),
        title: Some(&title),
        body: Some(&body),
        incident_date: request.incident_date.as_deref(),
        region_code: request.region_code.as_deref(),
        address: request.address.as_deref(),
        latitude,
        longitude,
        category: Some(&request.service_code),
        agency: None,
        anonymous: request.anonymous,
        confidential: request.confidential,
        reporter_name: request.name.as_deref(),
        reporter_email: request.email.as_deref(),
        reporter_phone: request.phone.as_deref(),
    };
    let submission = Submission {
        attachments: files,
        client: Some(client),
        inbound: Some(inbound),
        ..Submission::new(input, Channel::Open311)
    };
    let number = match app.submit(submission).await {
        Ok(receipt) => receipt.number,
        Err(AppError::AlreadyReceived(Some(number))) => number.to_string(),
        Err(e) => return Err(Open311Error::from_app(e)),
    };
    Ok(Document::new(
        "service_requests",
        Node::List(
            "request",
            vec![Node::Object(vec![
                ("service_request_id", Node::text(number)),
                (
                    "service_notice",
                    Node::text(
                        "Laporan diterima; Admin Nasional LAPOR! memverifikasi dan meneruskannya \
                         ke instansi yang berwenang. / Report received; the LAPOR! national \
                         administrators verify it and forward it to the responsible agency.",
                    ),
                ),
                ("account_id", Node::Null),
            ])],
        ),
    ))
}

/// FixMyStreet's `POST servicerequestupdates`: the citizen's comment on a report the client
/// filed becomes the reporter's reply when the report awaits one. A replay (the same
/// `update_id`, or the same parameters) changes nothing and gets the same answer.
async fn reply(app: &App, client: &ApiClient, params: &Params) -> Result<Document, Open311Error> {
    let mut missing = ["service_request_id", "description"]
        .into_iter()
        .filter(|name| params.get(name).is_none())
        .map(|name| Open311Error::param(name, "wajib diisi", "is required"));
    if let Some(first) = missing.next() {
        return Err(missing.fold(first, Open311Error::and));
    }
    let raw = params.get("service_request_id").unwrap_or_default();
    let not_found = || {
        Open311Error::not_found(
            &format!(
                "service_request_id {raw:?} tidak ditemukan di antara laporan yang Anda kirim"
            ),
            &format!("service_request_id {raw:?} is not among the reports you filed"),
        )
    };
    let number = ReportNumber::parse(raw).ok_or_else(not_found)?;
    let update_id = params
        .get("update_id")
        .or_else(|| params.get("update_id_ext"))
        .map_or_else(
            || format!("{}:{}", app.today_in_indonesia(), fingerprint(params, &[])),
            str::to_owned,
        );
    let command = ReporterCommand::Reply {
        text: params.get("description").unwrap_or_default().to_owned(),
    };
    let key = ReporterKey::Client {
        client_id: client.id,
        number,
    };
    let external_id = format!("{}:update:{update_id}", client.id);
    match app
        .reporter_act_inbound(key, command, Channel::Open311, &external_id)
        .await
    {
        Ok(_) => Ok(Document::new(
            "service_request_updates",
            Node::List(
                "request_update",
                vec![Node::Object(vec![("update_id", Node::text(update_id))])],
            ),
        )),
        Err(AppError::NotFound) => Err(not_found()),
        Err(e) => Err(Open311Error::from_app(e)),
    }
}

/// FixMyStreet's `GET servicerequestupdates`: what happened to the reports the client filed.
async fn list_updates(app: &App, params: &Params) -> Result<Document, Open311Error> {
    let client = authenticate(app, params).await?;
    let mut dates = [None, None];
    for ((name, end_of_day), slot) in [("start_date", false), ("end_date", true)]
        .into_iter()
        .zip(&mut dates)
    {
        if let Some(raw) = params.get(name) {
            *slot = Some(parse_datetime(raw, end_of_day).ok_or_else(|| {
                Open311Error::param(
                    name,
                    "harus berupa waktu W3C, mis. 2026-11-01T00:00:00+07:00",
                    "must be a W3C datetime, e.g. 2026-11-01T00:00:00Z",
                )
            })?);
        }
    }
    let updates = app
        .open311_updates(&client, dates[0], dates[1])
        .await
        .map_err(Open311Error::from_app)?;
    // Steps without a text of their own are told in a sentence, as on the tracking page.
    let sentences = crate::pages::timeline(
        app,
        crate::i18n::Tr(crate::i18n::Lang::Id),
        updates.iter().map(|u| (u.at, &u.step)),
    )
    .await;
    let items = updates
        .iter()
        .zip(sentences)
        .map(|(u, sentence)| {
            Node::Object(vec![
                ("update_id", Node::text(u.id.to_string())),
                ("service_request_id", Node::text(u.number.to_string())),
                ("status", Node::text(u.extended_status)),
                ("updated_datetime", Node::time(u.at)),
                (
                    "description",
                    Node::text(u.text.clone().unwrap_or(sentence.text)),
                ),
                ("media_url", Node::Null),
            ])
        })
        .collect();
    Ok(Document::new(
        "service_requests_updates",
        Node::List("request_update", items),
    ))
}

/// Where this endpoint is reachable, as the client reached it.
fn base_url(headers: &HeaderMap, secure: bool) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b))
        });
    match host {
        Some(host) => {
            let scheme = if secure { "https" } else { "http" };
            format!("{scheme}://{host}/open311/v2")
        }
        None => "/open311/v2".to_owned(),
    }
}

/// When the services or this document last changed in a way clients should notice.
const CHANGESET: &str = "2026-11-28T00:00:00+07:00";

fn discovery(url: &str) -> Document {
    let endpoint = Node::Object(vec![
        (
            "specification",
            Node::text("http://wiki.open311.org/GeoReport_v2"),
        ),
        ("url", Node::text(url)),
        ("changeset", Node::text(CHANGESET)),
        ("type", Node::text("production")),
        (
            "formats",
            Node::List(
                "format",
                vec![Node::text("text/xml"), Node::text("application/json")],
            ),
        ),
    ]);
    Document::new(
        "discovery",
        Node::Object(vec![
            ("changeset", Node::text(CHANGESET)),
            (
                "contact",
                Node::text(
                    "Pertanyaan tentang API ini: hubungi Admin Nasional LAPOR! / \
                     Questions about this API: contact the LAPOR! national administrators.",
                ),
            ),
            (
                "key_service",
                Node::text(
                    "Membaca tidak memerlukan kunci. Kunci API untuk mengirim laporan diterbitkan \
                     oleh Admin Nasional (lapor apikey add --scope open311). / Reading needs no key. \
                     API keys for filing reports are issued by the national administrators.",
                ),
            ),
            ("endpoints", Node::List("endpoint", vec![endpoint])),
        ]),
    )
}

/// One attribute every service accepts.
pub struct Attribute {
    pub code: &'static str,
    pub datatype: &'static str,
    pub description: &'static str,
    /// `(key, name)` for list datatypes.
    pub values: &'static [(&'static str, &'static str)],
}

const YES_NO: &[(&str, &str)] = &[("false", "Tidak / No"), ("true", "Ya / Yes")];

/// The LAPOR! fields Open311 has no parameter for, all optional.
pub const ATTRIBUTES: &[Attribute] = &[
    Attribute {
        code: "classification",
        datatype: "singlevaluelist",
        description: "Klasifikasi laporan (bawaan: pengaduan) / Classification (default: pengaduan)",
        values: &[
            ("pengaduan", "Pengaduan / Complaint"),
            ("aspirasi", "Aspirasi / Suggestion"),
            (
                "permintaan_informasi",
                "Permintaan informasi / Information request",
            ),
        ],
    },
    Attribute {
        code: "title",
        datatype: "string",
        description: "Judul singkat, 5–150 karakter; bila kosong diambil dari awal deskripsi / \
                      Short title, 5–150 characters; taken from the start of the description when empty",
        values: &[],
    },
    Attribute {
        code: "region_code",
        datatype: "string",
        description: "Kode wilayah Kemendagri tempat kejadian, mis. 62.71.01; bila kosong ditentukan petugas / \
                      Ministry of Home Affairs region code of the place, e.g. 62.71.01; officers set it when empty",
        values: &[],
    },
    Attribute {
        code: "incident_date",
        datatype: "datetime",
        description: "Tanggal kejadian / Date of the incident",
        values: &[],
    },
    Attribute {
        code: "anonymous",
        datatype: "singlevaluelist",
        description: "Anonim: identitas pelapor disembunyikan dari publik dan pihak terlapor / \
                      Anonymous: the reporter's identity is hidden from the public and the party reported",
        values: YES_NO,
    },
    Attribute {
        code: "confidential",
        datatype: "singlevaluelist",
        description: "Rahasia: laporan tidak dipublikasikan / Confidential: the report is never published",
        values: YES_NO,
    },
    Attribute {
        code: "fixmystreet_id",
        datatype: "string",
        description: "Nomor laporan di FixMyStreet; kiriman ulang dengan nomor yang sama tidak membuat laporan baru / \
                      The report's FixMyStreet id; a resubmission with the same id creates no new report",
        values: &[],
    },
];

fn category_name<'a>(app: &'a App, code: &str) -> Option<&'a CategoryView> {
    app.categories().iter().find(|c| c.code == code)
}

fn services(app: &App) -> Document {
    let items = app
        .categories()
        .iter()
        .map(|c| {
            let top = c
                .code
                .split('.')
                .next()
                .and_then(|top| category_name(app, top))
                .unwrap_or(c);
            Node::Object(vec![
                ("service_code", Node::text(c.code.clone())),
                ("service_name", Node::text(c.name_id.clone())),
                (
                    "description",
                    Node::text(format!("{} / {}", c.name_id, c.name_en)),
                ),
                ("metadata", Node::Bool(true)),
                ("type", Node::text("realtime")),
                ("keywords", Node::text(c.name_en.clone())),
                ("group", Node::text(top.name_id.clone())),
            ])
        })
        .collect();
    Document::new("services", Node::List("service", items))
}

async fn service_definition(
    State(state): State<AppState>,
    Extension(config): Extension<Arc<Open311Config>>,
    path: Result<Path<String>, PathRejection>,
    RawQuery(query): RawQuery,
) -> Response {
    let call = match Call::start(path, query.as_deref(), &config) {
        Ok(call) => call,
        Err(failure) => return failure.respond(),
    };
    if category_name(&state.app, &call.name).is_none() {
        return call.fail(&unknown_service(&call.name));
    }
    let attributes = ATTRIBUTES
        .iter()
        .zip(1u32..)
        .map(|(a, order)| {
            let values = a
                .values
                .iter()
                .map(|(key, name)| {
                    Node::Object(vec![("key", Node::text(*key)), ("name", Node::text(*name))])
                })
                .collect();
            let mut fields = vec![
                ("variable", Node::Bool(true)),
                ("code", Node::text(a.code)),
                ("datatype", Node::text(a.datatype)),
                ("required", Node::Bool(false)),
                ("datatype_description", Node::Null),
                ("order", Node::int(order)),
                ("description", Node::text(a.description)),
            ];
            if !a.values.is_empty() {
                fields.push(("values", Node::List("value", values)));
            }
            Node::Object(fields)
        })
        .collect();
    call.ok(&Document::new(
        "service_definition",
        Node::Object(vec![
            ("service_code", Node::text(call.name.clone())),
            ("attributes", Node::List("attribute", attributes)),
        ]),
    ))
}

fn unknown_service(code: &str) -> Open311Error {
    Open311Error::not_found(
        &format!("service_code {code:?} tidak dikenal; lihat services.xml"),
        &format!("Unknown service_code {code:?}; see services.xml"),
    )
}

/// The most values one list filter of `GET requests` takes.
const LIST_MAX: usize = 1000;

/// Parses the filters of `GET requests`.
fn request_query(params: &Params) -> Result<(RequestQuery, bool), Open311Error> {
    let mut errors: Vec<Open311Error> = Vec::new();
    let mut query = RequestQuery::default();
    for raw in params.list("service_request_id") {
        match ReportNumber::parse(raw) {
            Some(n) => query.numbers.push(n),
            None => errors.push(Open311Error::param(
                "service_request_id",
                &format!("{raw:?} bukan nomor laporan"),
                &format!("{raw:?} is not a report number"),
            )),
        }
    }
    // Bounded, so one query string cannot ask for a statement with unbounded parameters.
    for (name, count) in [
        ("service_request_id", query.numbers.len()),
        ("service_code", params.list("service_code").len()),
    ] {
        if count > LIST_MAX {
            errors.push(Open311Error::param(
                name,
                &format!("paling banyak {LIST_MAX} nilai"),
                &format!("at most {LIST_MAX} values"),
            ));
        }
    }
    query.service_codes = params
        .list("service_code")
        .into_iter()
        .map(str::to_owned)
        .collect();
    for (name, end_of_day) in [("start_date", false), ("end_date", true)] {
        let Some(raw) = params.get(name) else {
            continue;
        };
        match parse_datetime(raw, end_of_day) {
            Some(at) if name == "start_date" => query.start = Some(at),
            Some(at) => query.end = Some(at),
            None => errors.push(Open311Error::param(
                name,
                "harus berupa waktu W3C, mis. 2026-11-01T00:00:00+07:00",
                "must be a W3C datetime, e.g. 2026-11-01T00:00:00Z",
            )),
        }
    }
    for raw in params.list("status") {
        match OpenClosed::from_code(&raw.to_lowercase()) {
            Some(s) => query.statuses.push(s),
            None => errors.push(Open311Error::param(
                "status",
                "hanya open atau closed",
                "only open or closed",
            )),
        }
    }
    for (name, slot) in [
        ("page", &mut query.page),
        ("page_size", &mut query.page_size),
    ] {
        let Some(raw) = params.get(name) else {
            continue;
        };
        match raw.parse::<u32>() {
            Ok(n) if n > 0 => *slot = n,
            _ => errors.push(Open311Error::param(
                name,
                "harus bilangan bulat positif",
                "must be a positive whole number",
            )),
        }
    }
    let extensions = params
        .get("extensions")
        .and_then(params::parse_bool)
        .unwrap_or(false);
    let mut errors = errors.into_iter();
    match errors.next() {
        None => Ok((query, extensions)),
        Some(first) => Err(errors.fold(first, Open311Error::and)),
    }
}

async fn list_requests(app: &App, params: &Params) -> Result<Document, Open311Error> {
    let (query, extensions) = request_query(params)?;
    let found = app
        .open311_requests(&query)
        .await
        .map_err(Open311Error::from_app)?;
    Ok(requests_document(app, &found, extensions))
}

fn requests_document(app: &App, found: &[RequestRecord], extensions: bool) -> Document {
    Document::new(
        "service_requests",
        Node::List(
            "request",
            found
                .iter()
                .map(|r| request_node(app, r, extensions))
                .collect(),
        ),
    )
}

/// A public report as a service request. Nothing about the reporter is ever in it.
fn request_node(app: &App, r: &RequestRecord, extensions: bool) -> Node {
    let service = r.category.as_deref().and_then(|c| category_name(app, c));
    // Rounded to about 100 m: enough for a map pin, not a doorstep.
    let round = |v: f64| (v * 1000.0).round() / 1000.0;
    let (lat, long) = r
        .coordinates
        .map_or((Node::Null, Node::Null), |(lat, long)| {
            (Node::float(round(lat)), Node::float(round(long)))
        });
    let mut fields = vec![
        ("service_request_id", Node::text(r.number.to_string())),
        ("status", Node::text(OpenClosed::of(r.status).code())),
        (
            "status_notes",
            Node::opt(lapor_app::open311::status_notes(r)),
        ),
        (
            "service_name",
            Node::opt(service.map(|c| c.name_id.clone())),
        ),
        ("service_code", Node::opt(r.category.clone())),
        ("description", Node::text(r.body.clone())),
        (
            "agency_responsible",
            Node::opt(r.agency.as_ref().map(|(_, name)| name.clone())),
        ),
        ("service_notice", Node::Null),
        ("requested_datetime", Node::time(r.created_at)),
        ("updated_datetime", Node::time(r.updated_at)),
        (
            "expected_datetime",
            expected_at(r).map_or(Node::Null, Node::time),
        ),
        ("address", Node::opt(r.address.clone())),
        ("address_id", Node::Null),
        ("zipcode", Node::Null),
        ("lat", lat),
        ("long", long),
        ("media_url", Node::Null),
    ];
    if extensions {
        fields.push((
            "extended_attributes",
            Node::Object(vec![
                (
                    "status",
                    Node::text(extended_status(r.status, r.last_step.as_ref())),
                ),
                ("title", Node::text(r.title.clone())),
                ("channel", Node::text(r.channel.code())),
            ]),
        ));
    }
    Node::Object(fields)
}

async fn one_request(
    State(state): State<AppState>,
    Extension(config): Extension<Arc<Open311Config>>,
    path: Result<Path<String>, PathRejection>,
    RawQuery(query): RawQuery,
) -> Response {
    let call = match Call::start(path, query.as_deref(), &config) {
        Ok(call) => call,
        Err(failure) => return failure.respond(),
    };
    let extensions = call
        .params
        .get("extensions")
        .and_then(params::parse_bool)
        .unwrap_or(false);
    match find_public(&state.app, &call.name).await {
        Ok(found) => call.ok(&requests_document(&state.app, &[found], extensions)),
        Err(e) => call.fail(&e),
    }
}

async fn find_public(app: &App, raw: &str) -> Result<RequestRecord, Open311Error> {
    let not_found = || {
        Open311Error::not_found(
            &format!("service_request_id {raw:?} tidak ditemukan"),
            &format!("service_request_id {raw:?} not found"),
        )
    };
    let number = ReportNumber::parse(raw).ok_or_else(not_found)?;
    app.open311_request(number).await.map_err(|e| match e {
        lapor_app::AppError::NotFound => not_found(),
        other => Open311Error::from_app(other),
    })
}

async fn token(
    State(state): State<AppState>,
    Extension(config): Extension<Arc<Open311Config>>,
    path: Result<Path<String>, PathRejection>,
    RawQuery(query): RawQuery,
) -> Response {
    let call = match Call::start(path, query.as_deref(), &config) {
        Ok(call) => call,
        Err(failure) => return failure.respond(),
    };
    match find_public(&state.app, &call.name).await {
        Ok(found) => {
            let number = Node::text(found.number.to_string());
            call.ok(&Document::new(
                "service_requests",
                Node::List(
                    "request",
                    vec![Node::Object(vec![
                        ("service_request_id", number.clone()),
                        ("token", number),
                    ])],
                ),
            ))
        }
        Err(e) => call.fail(&e),
    }
}

#[cfg(test)]
mod tests {
    use lapor_domain::report::Classification;

    use super::*;

    #[test]
    fn the_classification_attribute_offers_exactly_our_classifications() {
        let offered: Vec<&str> = ATTRIBUTES
            .iter()
            .find(|a| a.code == "classification")
            .map(|a| a.values.iter().map(|(key, _)| *key).collect())
            .unwrap_or_default();
        let ours: Vec<&str> = Classification::ALL.iter().map(|c| c.code()).collect();
        assert_eq!(offered, ours);
    }
}
