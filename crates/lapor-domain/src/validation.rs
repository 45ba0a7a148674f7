//! Field-level validation errors with stable machine codes.
//!
//! The domain names the field and the problem; the presentation layers turn the code into a
//! message in the user's language. Collecting every error at once lets a form show them all.

use serde::Serialize;

/// What is wrong with one field. Serialized as a stable snake_case code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "code")]
pub enum Problem {
    Required,
    TooShort { min: usize },
    TooLong { max: usize },
    InvalidChars,
    InvalidDate,
    FutureDate,
    TooOld,
    InvalidEmail,
    InvalidPhone,
    InvalidRegion,
    UnknownRegion,
    UnknownCategory,
    UnknownAgency,
    UnknownClassification,
    UnknownStatus,
    OutOfRange,
    CoordinatesIncomplete,
    ContactRequired,
    AlreadyTaken,
    InvalidValue,
}

impl Problem {
    /// The stable machine code, e.g. `too_long`.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Problem::Required => "required",
            Problem::TooShort { .. } => "too_short",
            Problem::TooLong { .. } => "too_long",
            Problem::InvalidChars => "invalid_chars",
            Problem::InvalidDate => "invalid_date",
            Problem::FutureDate => "future_date",
            Problem::TooOld => "too_old",
            Problem::InvalidEmail => "invalid_email",
            Problem::InvalidPhone => "invalid_phone",
            Problem::InvalidRegion => "invalid_region",
            Problem::UnknownRegion => "unknown_region",
            Problem::UnknownCategory => "unknown_category",
            Problem::UnknownAgency => "unknown_agency",
            Problem::UnknownClassification => "unknown_classification",
            Problem::UnknownStatus => "unknown_status",
            Problem::OutOfRange => "out_of_range",
            Problem::CoordinatesIncomplete => "coordinates_incomplete",
            Problem::ContactRequired => "contact_required",
            Problem::AlreadyTaken => "already_taken",
            Problem::InvalidValue => "invalid_value",
        }
    }
}

/// One invalid field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: &'static str,
    #[serde(flatten)]
    pub problem: Problem,
}

/// All invalid fields of one input, in the order they were checked.
#[derive(Debug, Clone, Default, PartialEq, Eq, thiserror::Error)]
#[error("invalid input: {}", .0.iter().map(|e| format!("{}={}", e.field, e.problem.code())).collect::<Vec<_>>().join(", "))]
pub struct ValidationErrors(pub Vec<FieldError>);

impl ValidationErrors {
    pub fn add(&mut self, field: &'static str, problem: Problem) {
        self.0.push(FieldError { field, problem });
    }

    #[must_use]
    pub fn single(field: &'static str, problem: Problem) -> Self {
        Self(vec![FieldError { field, problem }])
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The first problem recorded for `field`, if any.
    #[must_use]
    pub fn for_field(&self, field: &str) -> Option<Problem> {
        self.0.iter().find(|e| e.field == field).map(|e| e.problem)
    }

    /// `Ok(value)` when nothing was recorded.
    ///
    /// # Errors
    /// Returns `self` when at least one field is invalid.
    pub fn into_result<T>(self, value: T) -> Result<T, Self> {
        if self.0.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

/// Trims `raw` and checks it is within `min..=max` characters with no control characters
/// other than newlines and tabs. HTML is kept as typed: escaping is the output's job.
pub fn text(
    errors: &mut ValidationErrors,
    field: &'static str,
    raw: &str,
    min: usize,
    max: usize,
) -> String {
    let value = raw.trim().replace("\r\n", "\n");
    let len = value.chars().count();
    if len == 0 && min > 0 {
        errors.add(field, Problem::Required);
    } else if len < min {
        errors.add(field, Problem::TooShort { min });
    } else if len > max {
        errors.add(field, Problem::TooLong { max });
    } else if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        errors.add(field, Problem::InvalidChars);
    }
    value
}

/// Like [`text`] but an empty value is `None` rather than an error.
pub fn optional_text(
    errors: &mut ValidationErrors,
    field: &'static str,
    raw: Option<&str>,
    max: usize,
) -> Option<String> {
    let raw = raw.map(str::trim).filter(|s| !s.is_empty())?;
    Some(text(errors, field, raw, 1, max))
}
