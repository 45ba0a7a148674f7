//! A report (laporan): what the reporter submitted and where it stands.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::privacy::Privacy;
use crate::region::{RegionCode, regions};
use crate::status::Status;
use crate::tracking::ReportNumber;
use crate::user::Contact;
use crate::validation::{Problem, ValidationErrors, optional_text, text};

/// Klasifikasi.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Classification {
    /// Pengaduan: a complaint about a public service.
    Pengaduan,
    /// Aspirasi: a suggestion or wish.
    Aspirasi,
    /// Permintaan informasi: a request for public information.
    PermintaanInformasi,
}

impl Classification {
    pub const ALL: [Classification; 3] = [
        Classification::Pengaduan,
        Classification::Aspirasi,
        Classification::PermintaanInformasi,
    ];

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Classification::Pengaduan => "pengaduan",
            Classification::Aspirasi => "aspirasi",
            Classification::PermintaanInformasi => "permintaan_informasi",
        }
    }

    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }
}

/// How the report reached Lapor (no wrong door: every channel ends in the same intake).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Web,
    Api,
    Sms,
    Email,
    Open311,
    /// Pushed by an agency's own complaint app through the integration API.
    Integration,
}

impl Channel {
    pub const ALL: [Channel; 6] = [
        Channel::Web,
        Channel::Api,
        Channel::Sms,
        Channel::Email,
        Channel::Open311,
        Channel::Integration,
    ];

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Channel::Web => "web",
            Channel::Api => "api",
            Channel::Sms => "sms",
            Channel::Email => "email",
            Channel::Open311 => "open311",
            Channel::Integration => "integration",
        }
    }

    /// Whether the reporter agreed to their name being public unless they asked for anonymity:
    /// the web form and the API say so next to the name field. SMS, e-mail, Open311 clients
    /// (FixMyStreet sends the name even when its user chose to hide it) and agency apps do
    /// not ask, so their reporters' names are never published.
    #[must_use]
    pub fn publishes_reporter_name(self) -> bool {
        matches!(self, Channel::Web | Channel::Api)
    }

    /// Forms ask for the region; an SMS, an e-mail or a map pin usually cannot say it, so those
    /// reports start with [`RegionCode::undetermined`] and the admin places them (no wrong door).
    #[must_use]
    pub fn requires_region(self) -> bool {
        matches!(self, Channel::Web | Channel::Api | Channel::Integration)
    }

    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }
}

pub const TITLE_MIN: usize = 5;
pub const TITLE_MAX: usize = 150;
/// A body shorter than this is usually too unclear to act on (43% of 2018 reports were
/// deleted as incomplete, domain.md §6); asking at input time beats archiving later.
pub const BODY_MIN: usize = 20;
pub const BODY_MAX: usize = 10_000;
pub const ADDRESS_MAX: usize = 300;
/// Indonesia's bounding box, with a margin for outer islands.
pub const LATITUDE: (f64, f64) = (-11.5, 6.5);
pub const LONGITUDE: (f64, f64) = (94.0, 141.5);
/// Older incidents are accepted; earlier dates are almost always typing mistakes.
pub const OLDEST_INCIDENT: (i32, u32, u32) = (1990, 1, 1);

/// Where it happened.
#[derive(Debug, Clone, PartialEq)]
pub struct Location {
    pub region: RegionCode,
    pub address: Option<String>,
    pub coordinates: Option<(f64, f64)>,
}

/// The raw fields of a submission, as any channel received them.
#[derive(Debug, Clone, Default)]
pub struct ReportInput<'a> {
    pub classification: Option<&'a str>,
    pub title: Option<&'a str>,
    pub body: Option<&'a str>,
    pub incident_date: Option<&'a str>,
    pub region_code: Option<&'a str>,
    pub address: Option<&'a str>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub category: Option<&'a str>,
    pub agency: Option<&'a str>,
    pub anonymous: bool,
    pub confidential: bool,
    pub reporter_name: Option<&'a str>,
    pub reporter_email: Option<&'a str>,
    pub reporter_phone: Option<&'a str>,
}

/// A submission that passed every check.
#[derive(Debug, Clone, PartialEq)]
pub struct NewReport {
    pub classification: Classification,
    pub title: String,
    pub body: String,
    pub incident_date: Option<NaiveDate>,
    pub location: Location,
    pub category: Option<String>,
    /// Instansi tujuan chosen by the reporter, by agency code.
    pub target_agency: Option<String>,
    pub privacy: Privacy,
    pub channel: Channel,
    /// Contact given with the report (for reporters without an account).
    pub contact: Contact,
}

impl NewReport {
    /// Validates every field and reports all problems at once.
    ///
    /// `today` is the latest date anywhere in Indonesia (WIT), so a report filed just after
    /// midnight in Papua is not refused; `known_category` and `known_agency` look codes up.
    ///
    /// # Errors
    /// Every invalid field, by name.
    pub fn validate(
        input: &ReportInput<'_>,
        channel: Channel,
        today: NaiveDate,
        known_category: impl Fn(&str) -> bool,
        known_agency: impl Fn(&str) -> bool,
    ) -> Result<Self, ValidationErrors> {
        let mut errors = ValidationErrors::default();
        let classification = match input
            .classification
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => {
                errors.add("classification", Problem::Required);
                None
            }
            Some(code) => {
                let found = Classification::from_code(code);
                if found.is_none() {
                    errors.add("classification", Problem::UnknownClassification);
                }
                found
            }
        };
        let title = text(
            &mut errors,
            "title",
            input.title.unwrap_or(""),
            TITLE_MIN,
            TITLE_MAX,
        );
        let body = text(
            &mut errors,
            "body",
            input.body.unwrap_or(""),
            BODY_MIN,
            BODY_MAX,
        );
        let incident_date = input
            .incident_date
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .and_then(|raw| check_incident_date(&mut errors, raw, today));
        let region = match input.region_code.map(str::trim).filter(|s| !s.is_empty()) {
            None if !channel.requires_region() => Some(RegionCode::undetermined()),
            None => {
                errors.add("region_code", Problem::Required);
                None
            }
            Some(raw) => match RegionCode::parse(raw) {
                Err(_) => {
                    errors.add("region_code", Problem::InvalidRegion);
                    None
                }
                Ok(code) if regions().get(&code).is_none() => {
                    errors.add("region_code", Problem::UnknownRegion);
                    None
                }
                Ok(code) => Some(code),
            },
        };
        let address = optional_text(&mut errors, "address", input.address, ADDRESS_MAX);
        let coordinates = check_coordinates(&mut errors, input.latitude, input.longitude);
        let category = input
            .category
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned);
        if category.as_deref().is_some_and(|c| !known_category(c)) {
            errors.add("category", Problem::UnknownCategory);
        }
        let target_agency = input
            .agency
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_lowercase);
        if target_agency.as_deref().is_some_and(|a| !known_agency(a)) {
            errors.add("agency", Problem::UnknownAgency);
        }
        let contact = Contact::validate(
            &mut errors,
            ["reporter.name", "reporter.email", "reporter.phone"],
            input.reporter_name,
            input.reporter_email,
            input.reporter_phone,
        );
        match (classification, region) {
            (Some(classification), Some(region)) if errors.is_empty() => Ok(Self {
                classification,
                title,
                body,
                incident_date,
                location: Location {
                    region,
                    address,
                    coordinates,
                },
                category,
                target_agency,
                privacy: Privacy {
                    anonymous: input.anonymous,
                    confidential: input.confidential,
                },
                channel,
                contact,
            }),
            _ => Err(errors),
        }
    }
}

fn check_incident_date(
    errors: &mut ValidationErrors,
    raw: &str,
    today: NaiveDate,
) -> Option<NaiveDate> {
    let Ok(date) = NaiveDate::parse_from_str(raw, "%Y-%m-%d") else {
        errors.add("incident_date", Problem::InvalidDate);
        return None;
    };
    let (y, m, d) = OLDEST_INCIDENT;
    if date > today {
        errors.add("incident_date", Problem::FutureDate);
    } else if NaiveDate::from_ymd_opt(y, m, d).is_some_and(|oldest| date < oldest) {
        errors.add("incident_date", Problem::TooOld);
    }
    Some(date)
}

fn check_coordinates(
    errors: &mut ValidationErrors,
    lat: Option<f64>,
    lon: Option<f64>,
) -> Option<(f64, f64)> {
    match (lat, lon) {
        (None, None) => None,
        (Some(lat), Some(lon)) => {
            let in_range = |v: f64, (lo, hi): (f64, f64)| v.is_finite() && (lo..=hi).contains(&v);
            let mut ok = true;
            if !in_range(lat, LATITUDE) {
                errors.add("latitude", Problem::OutOfRange);
                ok = false;
            }
            if !in_range(lon, LONGITUDE) {
                errors.add("longitude", Problem::OutOfRange);
                ok = false;
            }
            ok.then_some((lat, lon))
        }
        (None, Some(_)) => {
            errors.add("latitude", Problem::CoordinatesIncomplete);
            None
        }
        (Some(_), None) => {
            errors.add("longitude", Problem::CoordinatesIncomplete);
            None
        }
    }
}

/// A stored report.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub number: ReportNumber,
    pub classification: Classification,
    pub title: String,
    pub body: String,
    pub incident_date: Option<NaiveDate>,
    pub location: Location,
    pub category: Option<String>,
    pub target_agency: Option<String>,
    /// The agency currently responsible, once routed.
    pub agency: Option<String>,
    pub privacy: Privacy,
    pub channel: Channel,
    pub status: Status,
    /// The account that filed it, if any.
    pub reporter_user_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Report {
    /// Whether anyone may see it without being its reporter or an officer.
    #[must_use]
    pub fn is_public(&self) -> bool {
        self.status.is_published() && !self.privacy.confidential
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 28).expect("date")
    }

    fn valid() -> ReportInput<'static> {
        ReportInput {
            classification: Some("pengaduan"),
            title: Some("Jalan rusak di Jalan Tjilik Riwut"),
            body: Some("Jalan berlubang besar sejak bulan lalu dan membahayakan pengendara motor."),
            incident_date: Some("2026-11-20"),
            region_code: Some("62.71.01"),
            category: Some("pekerjaan_umum.jalan_jembatan"),
            ..ReportInput::default()
        }
    }

    fn check(input: &ReportInput<'_>) -> Result<NewReport, ValidationErrors> {
        NewReport::validate(
            input,
            Channel::Web,
            today(),
            |c| crate::category::find(c).is_some(),
            |a| a == "kemenkes",
        )
    }

    #[test]
    fn a_complete_report_is_accepted_with_text_trimmed() {
        let report = check(&ReportInput {
            title: Some("  Jalan rusak parah  "),
            ..valid()
        })
        .expect("valid");
        assert_eq!(report.title, "Jalan rusak parah");
        assert_eq!(report.location.region.as_str(), "62.71.01");
        assert_eq!(report.classification, Classification::Pengaduan);
    }

    #[test]
    fn missing_required_fields_are_all_named() {
        let err = check(&ReportInput::default()).expect_err("invalid");
        for field in ["classification", "title", "body", "region_code"] {
            assert_eq!(err.for_field(field), Some(Problem::Required), "{field}");
        }
    }

    #[test]
    fn each_bad_field_gets_its_own_code() {
        let long_body = "x".repeat(BODY_MAX + 1);
        let err = check(&ReportInput {
            classification: Some("gosip"),
            title: Some("abc"),
            body: Some(&long_body),
            incident_date: Some("2026-12-01"),
            region_code: Some("99.99"),
            category: Some("astrologi"),
            agency: Some("kemen-x"),
            latitude: Some(48.8),
            longitude: Some(2.3),
            reporter_email: Some("bukan-email"),
            reporter_phone: Some("12345"),
            ..valid()
        })
        .expect_err("invalid");
        assert_eq!(
            err.for_field("classification"),
            Some(Problem::UnknownClassification)
        );
        assert_eq!(
            err.for_field("title"),
            Some(Problem::TooShort { min: TITLE_MIN })
        );
        assert_eq!(
            err.for_field("body"),
            Some(Problem::TooLong { max: BODY_MAX })
        );
        assert_eq!(err.for_field("incident_date"), Some(Problem::FutureDate));
        assert_eq!(err.for_field("region_code"), Some(Problem::UnknownRegion));
        assert_eq!(err.for_field("category"), Some(Problem::UnknownCategory));
        assert_eq!(err.for_field("agency"), Some(Problem::UnknownAgency));
        assert_eq!(err.for_field("latitude"), Some(Problem::OutOfRange));
        assert_eq!(err.for_field("longitude"), Some(Problem::OutOfRange));
        assert_eq!(err.for_field("reporter.email"), Some(Problem::InvalidEmail));
        assert_eq!(err.for_field("reporter.phone"), Some(Problem::InvalidPhone));
    }

    #[test]
    fn dates_and_coordinates_edge_cases() {
        let err = check(&ReportInput {
            incident_date: Some("28-11-2026"),
            latitude: Some(-2.2),
            ..valid()
        })
        .expect_err("invalid");
        assert_eq!(err.for_field("incident_date"), Some(Problem::InvalidDate));
        assert_eq!(
            err.for_field("longitude"),
            Some(Problem::CoordinatesIncomplete)
        );
        let ok = check(&ReportInput {
            incident_date: Some("2026-11-28"),
            latitude: Some(-2.21),
            longitude: Some(113.91),
            ..valid()
        })
        .expect("today and a point in Palangka Raya are fine");
        assert_eq!(ok.location.coordinates, Some((-2.21, 113.91)));
        let err = check(&ReportInput {
            incident_date: Some("1970-01-01"),
            ..valid()
        })
        .expect_err("invalid");
        assert_eq!(err.for_field("incident_date"), Some(Problem::TooOld));
        let err = check(&ReportInput {
            latitude: Some(f64::NAN),
            longitude: Some(113.0),
            ..valid()
        })
        .expect_err("invalid");
        assert_eq!(err.for_field("latitude"), Some(Problem::OutOfRange));
    }

    #[test]
    fn markup_is_kept_as_typed_but_control_characters_are_refused() {
        let ok = check(&ReportInput {
            title: Some("<script>alert(1)</script>"),
            ..valid()
        })
        .expect("stored as typed");
        assert_eq!(ok.title, "<script>alert(1)</script>");
        let err = check(&ReportInput {
            title: Some("Jalan\u{0000}rusak"),
            ..valid()
        })
        .expect_err("invalid");
        assert_eq!(err.for_field("title"), Some(Problem::InvalidChars));
    }

    #[test]
    fn region_codes_are_accepted_at_every_level_and_undotted() {
        for code in ["62", "62.71", "62.71.01", "62.71.01.1001", "6271011001"] {
            assert!(
                check(&ReportInput {
                    region_code: Some(code),
                    ..valid()
                })
                .is_ok(),
                "{code}"
            );
        }
        let err = check(&ReportInput {
            region_code: Some("62.7"),
            ..valid()
        })
        .expect_err("invalid");
        assert_eq!(err.for_field("region_code"), Some(Problem::InvalidRegion));
    }

    #[test]
    fn codes_round_trip() {
        for c in Classification::ALL {
            assert_eq!(Classification::from_code(c.code()), Some(c));
        }
        for c in Channel::ALL {
            assert_eq!(Channel::from_code(c.code()), Some(c));
        }
    }
}
