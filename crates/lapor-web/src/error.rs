//! Errors of the HTTP layer: `application/problem+json` for the API, an HTML page for
//! browsers. A 5xx is logged with its cause and shows nothing internal.

use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use lapor_app::AppError;
use lapor_domain::ValidationErrors;
use serde::Serialize;
use utoipa::ToSchema;

use crate::i18n::Tr;

/// One invalid field in a problem document.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldProblem {
    /// The field, as named in the request (`reporter.email`, `Idempotency-Key`, …).
    pub field: String,
    /// Stable machine code: `required`, `too_short`, `too_long`, `unknown_region`, …
    pub code: String,
    /// Human message in the requested language.
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<usize>,
}

/// RFC 9457 problem details, with Lapor's stable `code` and per-field `errors`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// `urn:lapor:problem:<code>`.
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Stable machine code of the problem: `invalid_input`, `malformed_json`, `not_found`,
    /// `refused`, `conflict`, …
    pub code: String,
    /// With `code` `refused`: why the step is not open now, as a stable machine code:
    /// `not_in_this_status`, `window_closed`, `too_early_for_ombudsman`, `not_your_role`,
    /// `already_accepted`, `same_agency`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refusal: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldProblem>,
    /// With `code` `rate_limited`: seconds until the next request is accepted (also sent as
    /// `Retry-After`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
    /// With `code` `already_received`: the report the earlier delivery of this message made.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<String>,
}

/// The stable machine code of a refusal (the `refusal` member of a problem document).
#[must_use]
pub fn refusal_code(refusal: lapor_app::Refusal) -> &'static str {
    use lapor_app::Refusal as R;
    match refusal {
        R::NotInThisStatus => "not_in_this_status",
        R::NotYourRole => "not_your_role",
        R::WindowClosed => "window_closed",
        R::TooEarlyForOmbudsman => "too_early_for_ombudsman",
        R::AlreadyAccepted => "already_accepted",
        R::SameAgency => "same_agency",
    }
}

/// An API failure rendered as `application/problem+json`.
#[derive(Debug)]
pub struct ApiError(pub Box<Problem>);

impl ApiError {
    #[must_use]
    pub fn new(status: StatusCode, code: &str, title: &str, detail: Option<String>) -> Self {
        Self(Box::new(Problem {
            kind: format!("urn:lapor:problem:{code}"),
            title: title.to_owned(),
            status: status.as_u16(),
            detail,
            code: code.to_owned(),
            refusal: None,
            errors: Vec::new(),
            retry_after: None,
            report: None,
        }))
    }

    /// 422 naming every invalid field.
    #[must_use]
    pub fn invalid(errors: &ValidationErrors, tr: Tr) -> Self {
        let mut api = Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_input",
            tr.problem_invalid_title(),
            Some(tr.problem_invalid_detail().to_owned()),
        );
        api.0.errors = errors
            .0
            .iter()
            .map(|e| field_problem(e.field, e.problem, tr))
            .collect();
        api
    }

    /// A 4xx about one field with a free-form code (JSON syntax, headers).
    #[must_use]
    pub fn field(
        status: StatusCode,
        code: &str,
        title: &str,
        field: &str,
        message: String,
    ) -> Self {
        let mut api = Self::new(status, code, title, Some(message.clone()));
        api.0.errors = vec![FieldProblem {
            field: field.to_owned(),
            code: code.to_owned(),
            message,
            min: None,
            max: None,
        }];
        api
    }

    #[must_use]
    pub fn from_app(error: AppError, tr: Tr) -> Self {
        match error {
            AppError::Invalid(errors) => Self::invalid(&errors, tr),
            AppError::NotFound => Self::new(
                StatusCode::NOT_FOUND,
                "not_found",
                tr.problem_not_found(),
                Some(tr.problem_not_found_detail().to_owned()),
            ),
            AppError::IdempotencyKeyReused => Self::field(
                StatusCode::CONFLICT,
                "idempotency_key_reused",
                tr.problem_idempotency_reused(),
                "Idempotency-Key",
                tr.problem_idempotency_reused().to_owned(),
            ),
            AppError::LoginFailed => Self::new(
                StatusCode::UNAUTHORIZED,
                "login_failed",
                tr.problem_login_failed(),
                None,
            ),
            AppError::Forbidden => Self::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                tr.problem_forbidden(),
                None,
            ),
            AppError::Conflict => Self::new(
                StatusCode::CONFLICT,
                "conflict",
                tr.problem_conflict(),
                None,
            ),
            AppError::Refused(refusal) => {
                let mut api = Self::new(
                    StatusCode::CONFLICT,
                    "refused",
                    tr.problem_refused(),
                    Some(tr.refusal(refusal).to_owned()),
                );
                api.0.refusal = Some(refusal_code(refusal).to_owned());
                api
            }
            AppError::InvalidRows(rows) => Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_rows",
                tr.problem_conflict(),
                Some(rows.join("; ")),
            ),
            AppError::AlreadyReceived(report) => {
                let mut api = Self::new(
                    StatusCode::CONFLICT,
                    "already_received",
                    tr.problem_already_received(),
                    None,
                );
                api.0.report = report.map(|n| n.to_string());
                api
            }
            AppError::RateLimited {
                retry_after_secs, ..
            } => {
                let mut api = Self::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    "rate_limited",
                    tr.problem_rate_limited(),
                    None,
                );
                api.0.retry_after = Some(retry_after_secs);
                api
            }
            error @ (AppError::Storage(_)
            | AppError::Internal(_)
            | AppError::Mail(_)
            | AppError::Delivery(_)) => {
                tracing::error!(error = %error, "internal failure");
                Self::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    tr.problem_internal(),
                    None,
                )
            }
        }
    }
}

pub fn field_problem(
    field: &str,
    problem: lapor_domain::validation::Problem,
    tr: Tr,
) -> FieldProblem {
    use lapor_domain::validation::Problem as P;
    let (min, max) = match problem {
        P::TooShort { min } => (Some(min), None),
        P::TooLong { max } => (None, Some(max)),
        _ => (None, None),
    };
    FieldProblem {
        field: field.to_owned(),
        code: problem.code().to_owned(),
        message: tr.problem(field, problem),
        min,
        max,
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.0.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_string(&self.0).unwrap_or_default();
        let mut response = (
            status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            body,
        )
            .into_response();
        if let Some(seconds) = self.0.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, seconds.into());
        }
        response
    }
}

/// A failure while serving a page: a plain HTML page with the message in the visitor's
/// language.
#[derive(Debug)]
pub struct PageError {
    pub status: StatusCode,
    pub tr: Tr,
    pub message: String,
}

impl PageError {
    #[must_use]
    pub fn from_app(error: AppError, tr: Tr) -> Self {
        let api = ApiError::from_app(error, tr);
        let status =
            StatusCode::from_u16(api.0.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let problem = *api.0;
        let message = problem.detail.unwrap_or(problem.title);
        Self {
            status,
            tr,
            message,
        }
    }

    #[must_use]
    pub fn not_found(tr: Tr) -> Self {
        Self {
            status: StatusCode::NOT_FOUND,
            tr,
            message: tr.problem_not_found_detail().to_owned(),
        }
    }

    #[must_use]
    pub fn csrf(tr: Tr) -> Self {
        Self {
            status: StatusCode::FORBIDDEN,
            tr,
            message: tr.problem_csrf().to_owned(),
        }
    }

    /// A template failed to render: a bug, logged, shown as a generic failure.
    pub fn render(error: &askama::Error, tr: Tr) -> Self {
        tracing::error!(error = %error, "template failed");
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            tr,
            message: tr.problem_internal().to_owned(),
        }
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let page = crate::pages::error_page(self.tr, self.status, &self.message);
        (self.status, Html(page)).into_response()
    }
}
