//! Errors as the spec wants them: an array of `error{code, description}` in the requested
//! format, with 404 for what does not exist, 403 for a missing or wrong `api_key`, and 400
//! for everything else. Descriptions are in Indonesian, then English.

use axum::http::StatusCode;
use axum::response::Response;
use lapor_app::AppError;
use lapor_domain::validation::Problem;

use super::render::{Document, Format, Node};
use crate::i18n::{Lang, Tr};

/// One or more errors with the HTTP status they share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Open311Error {
    pub status: StatusCode,
    /// `(code, description)`; the code is the HTTP status, as most clients expect.
    pub errors: Vec<(u16, String)>,
    /// With 429: seconds until the next request is accepted (sent as `Retry-After`).
    pub retry_after: Option<u64>,
}

impl Open311Error {
    pub fn new(status: StatusCode, id: &str, en: &str) -> Self {
        Self {
            status,
            errors: vec![(status.as_u16(), format!("{id} / {en}"))],
            retry_after: None,
        }
    }

    pub fn bad_request(id: &str, en: &str) -> Self {
        Self::new(StatusCode::BAD_REQUEST, id, en)
    }

    pub fn not_found(id: &str, en: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, id, en)
    }

    /// A wrong parameter, named first so the client's developer finds it.
    pub fn param(name: &str, id: &str, en: &str) -> Self {
        Self::bad_request(&format!("{name}: {id}"), en)
    }

    /// No such resource (an unknown path or format).
    pub fn no_resource() -> Self {
        Self::not_found(
            "Sumber daya tidak ada; lihat discovery.xml",
            "No such resource; see discovery.xml",
        )
    }

    /// Adds the errors of `other` (same HTTP status expected).
    pub fn and(mut self, other: Self) -> Self {
        self.errors.extend(other.errors);
        self
    }

    /// A failed use case in the protocol's terms.
    pub fn from_app(error: AppError) -> Self {
        match error {
            AppError::Invalid(errors) => {
                let mut all = errors.0.iter().map(|e| {
                    if e.field == "end_date" {
                        return date_range(e.problem);
                    }
                    let name = param_name(e.field);
                    Self::param(
                        name,
                        &Tr(Lang::Id).problem(e.field, e.problem),
                        &Tr(Lang::En).problem(e.field, e.problem),
                    )
                });
                let first = all.next().unwrap_or_else(|| {
                    Self::bad_request("Permintaan tidak valid", "Invalid request")
                });
                all.fold(first, Self::and)
            }
            AppError::NotFound => Self::not_found("Tidak ditemukan", "Not found"),
            AppError::Forbidden | AppError::LoginFailed => Self::new(
                StatusCode::FORBIDDEN,
                "api_key tidak ada atau tidak berlaku",
                "api_key missing or invalid",
            ),
            AppError::IdempotencyKeyReused | AppError::Conflict => Self::bad_request(
                "Permintaan bentrok dengan permintaan lain; coba lagi",
                "The request conflicts with another one; try again",
            ),
            AppError::AlreadyReceived(_) => Self::bad_request(
                "Kiriman ini sudah diterima sebelumnya",
                "This was received before",
            ),
            AppError::RateLimited {
                retry_after_secs, ..
            } => {
                let mut e = Self::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    &format!("Terlalu banyak permintaan; coba lagi dalam {retry_after_secs} detik"),
                    &format!("Too many requests; try again in {retry_after_secs} seconds"),
                );
                e.retry_after = Some(retry_after_secs);
                e
            }
            AppError::Refused(refusal) => {
                Self::bad_request(Tr(Lang::Id).refusal(refusal), Tr(Lang::En).refusal(refusal))
            }
            error @ (AppError::InvalidRows(_)
            | AppError::Mail(_)
            | AppError::Delivery(_)
            | AppError::Internal(_)
            | AppError::Storage(_)) => {
                tracing::error!(error = %error, "open311: internal failure");
                Self::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Terjadi gangguan pada server; coba lagi nanti",
                    "The server failed; try again later",
                )
            }
        }
    }

    pub fn respond(&self, format: Format) -> Response {
        let items = self
            .errors
            .iter()
            .map(|(code, description)| {
                Node::Object(vec![
                    ("code", Node::int(*code)),
                    ("description", Node::text(description.clone())),
                ])
            })
            .collect();
        let mut response =
            Document::new("errors", Node::List("error", items)).respond(format, self.status);
        if let Some(seconds) = self.retry_after
            && let Ok(value) = axum::http::HeaderValue::from_str(&seconds.to_string())
        {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, value);
        }
        response
    }
}

/// The Open311 parameter behind a field of our intake, so errors name what the client sent.
fn param_name(field: &str) -> &str {
    match field {
        "body" => "description",
        "latitude" => "lat",
        "longitude" => "long",
        "address" => "address_string",
        "reporter.name" => "first_name",
        "reporter.email" => "email",
        "reporter.phone" => "phone",
        "title" => "attribute[title]",
        "classification" => "attribute[classification]",
        "region_code" => "attribute[region_code]",
        "incident_date" => "attribute[incident_date]",
        "attachments" => "media",
        "text" => "description",
        other => other,
    }
}

/// The explanation of a bad date range (the use case names `end_date`).
fn date_range(problem: Problem) -> Open311Error {
    match problem {
        Problem::OutOfRange => Open311Error::param(
            "end_date",
            "rentang start_date sampai end_date paling lama 90 hari",
            "start_date to end_date may span at most 90 days",
        ),
        _ => Open311Error::param(
            "end_date",
            "end_date tidak boleh sebelum start_date",
            "end_date must not be before start_date",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_fields_become_one_error_each_named_by_the_open311_parameter() {
        let mut errors = lapor_domain::ValidationErrors::default();
        errors.add("body", Problem::TooShort { min: 20 });
        errors.add("latitude", Problem::OutOfRange);
        let e = Open311Error::from_app(AppError::Invalid(errors));
        assert_eq!(e.status, StatusCode::BAD_REQUEST);
        assert_eq!(e.errors.len(), 2);
        assert!(e.errors[0].1.starts_with("description: "), "{:?}", e.errors);
        assert!(e.errors[0].1.contains(" / "), "both languages");
        assert!(e.errors[1].1.starts_with("lat: "), "{:?}", e.errors);
    }
}
