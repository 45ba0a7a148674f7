//! Filing, tracking and publishing reports.

use chrono::{DateTime, NaiveDate, Utc};
use lapor_domain::event::EventKind;
use lapor_domain::region::{RegionCode, regions};
use lapor_domain::report::{Channel, Classification, NewReport, ReportInput};
use lapor_domain::status::Status;
use lapor_domain::tracking::{ReportNumber, TrackingCode};
use lapor_store::{
    Db, Page, PublicFilter, ReportKey, ReportRecord, ReporterRecord, StoredEvent, SubmitOutcome,
    SubmitRecord, UserRecord,
};
use serde::{Deserialize, Serialize};

use crate::{App, AppError, Result};

/// What a reporter gets back after filing: keep the tracking code.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    /// Public report number, e.g. `0000042`.
    pub number: String,
    /// The reporter's private code, e.g. `K7QM-R2XD-9HTWB`.
    pub tracking_code: String,
    pub status: String,
}

impl std::fmt::Debug for Receipt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Receipt")
            .field("number", &self.number)
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

/// A filing: the input, where it came from and who sent it.
pub struct Submission<'a> {
    pub input: ReportInput<'a>,
    pub channel: Channel,
    /// The logged-in account filing it, if any.
    pub account: Option<&'a UserRecord>,
    /// `(Idempotency-Key, digest of the request body)` for replay-safe API calls.
    pub idempotency: Option<(String, String)>,
    /// The reporter's language, for what they will be told later.
    pub language: crate::notify::Language,
    /// Files sent with the report (an e-mail's attachments, an Open311 photo).
    pub attachments: Vec<crate::Upload>,
    /// The integrated system that pushed it (Open311, integration API).
    pub client: Option<&'a crate::ApiClient>,
    /// The channel's own id of the message (SMS id, Message-ID, digest of an Open311
    /// request): the same message never makes a second report.
    pub inbound: Option<String>,
}

impl<'a> Submission<'a> {
    /// A submission with nothing but its input and channel; set the rest as needed.
    #[must_use]
    pub fn new(input: ReportInput<'a>, channel: Channel) -> Self {
        Self {
            input,
            channel,
            account: None,
            idempotency: None,
            language: crate::notify::Language::Id,
            attachments: Vec::new(),
            client: None,
            inbound: None,
        }
    }
}

/// A report as the public sees it. Built only from a published, non-confidential report,
/// and carrying the reporter's name only when the report is not anonymous: the single place
/// where the privacy rules meet the public surface.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublicReport {
    pub number: String,
    pub classification: Classification,
    pub title: String,
    pub body: String,
    pub incident_date: Option<NaiveDate>,
    pub region_code: String,
    pub region_name: Option<String>,
    pub address: Option<String>,
    pub category: Option<String>,
    pub agency: Option<String>,
    pub agency_name: Option<String>,
    pub status: Status,
    pub anonymous: bool,
    /// `None` for anonymous reports (and when no name was given).
    pub reporter_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The public part of the history (empty in lists).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<PublicEvent>,
}

/// One public history entry: what happened and when, never who (officers are named by role).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PublicEvent {
    pub at: DateTime<Utc>,
    pub actor_role: lapor_domain::status::ActorRole,
    #[serde(flatten)]
    pub kind: EventKind,
}

impl PublicReport {
    fn project(
        record: ReportRecord,
        reporter: Option<&ReporterRecord>,
        history: Vec<StoredEvent>,
    ) -> Option<Self> {
        let r = record.report;
        if !r.is_public() {
            return None;
        }
        let reporter_name = r
            .privacy
            .public_reporter_name(reporter.and_then(|p| p.name.as_deref()))
            .filter(|_| r.channel.publishes_reporter_name())
            .map(str::to_owned);
        Some(Self {
            number: r.number.to_string(),
            classification: r.classification,
            region_name: regions().full_name(&r.location.region),
            region_code: r.location.region.as_str().to_owned(),
            title: r.title,
            body: r.body,
            incident_date: r.incident_date,
            address: r.location.address,
            category: r.category,
            agency: r.agency,
            agency_name: record.agency_name,
            status: r.status,
            anonymous: r.privacy.anonymous,
            reporter_name,
            created_at: r.created_at,
            updated_at: r.updated_at,
            history: history
                .into_iter()
                .filter(|e| e.event.kind.visible_to_public())
                .map(|e| PublicEvent {
                    at: e.event.at,
                    actor_role: e.event.actor.role,
                    kind: e.event.kind,
                })
                .collect(),
        })
    }
}

/// A category for pickers and the API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CategoryView {
    pub code: String,
    pub parent: Option<String>,
    pub name_id: String,
    pub name_en: String,
}

pub(crate) async fn load_categories(db: &Db) -> Result<Vec<CategoryView>> {
    Ok(db
        .list_categories()
        .await?
        .into_iter()
        .map(|(code, parent, name_id, name_en)| CategoryView {
            code,
            parent,
            name_id,
            name_en,
        })
        .collect())
}

impl App {
    /// Files a report from any channel: validates everything, then stores the report, its
    /// first event and the idempotency record in one transaction.
    ///
    /// # Errors
    /// [`AppError::Invalid`] naming every bad field; [`AppError::IdempotencyKeyReused`].
    pub async fn submit(&self, submission: Submission<'_>) -> Result<Receipt> {
        let files = Self::check_uploads(submission.attachments)?;
        let agency_known = match submission
            .input
            .agency
            .map(str::trim)
            .filter(|a| !a.is_empty())
        {
            Some(code) => !self
                .db
                .agency_names(&[&code.to_lowercase()])
                .await?
                .is_empty(),
            None => true,
        };
        let report = NewReport::validate(
            &submission.input,
            submission.channel,
            self.today_in_indonesia(),
            |code| self.categories.iter().any(|c| c.code == code),
            |_| agency_known,
        )?;
        let tracking = TrackingCode::generate(&mut rand::rng());
        let shown = tracking.to_string();
        let receipt = move |number: ReportNumber| Receipt {
            number: number.to_string(),
            tracking_code: shown.clone(),
            status: Status::Unverified.code().to_owned(),
        };
        let replayable = receipt.clone();
        let now = self.now();
        let policy = self.fresh_policy().await?;
        let zone = lapor_domain::calendar::Zone::Wib;
        let due = policy.calendar.due(now, policy.limits.verification, zone);
        // A chosen agency is routed by the next sweep, at once; so is a report the router may
        // route by itself.
        let attention = if report.target_agency.is_some() || policy.auto_route_threshold.is_some() {
            now
        } else {
            due
        };
        let has_email =
            report.contact.email.is_some() || submission.account.is_some_and(|u| u.email.is_some());
        let receipt_mail = crate::workflow::notice_job(
            crate::jobs::EMAIL,
            crate::notify::Notice::Received,
            submission.language,
            None,
            &crate::notify::NoticeData {
                tracking_code: Some(tracking.to_string()),
                due: Some(crate::workflow::format_due(due, zone)),
                ..crate::notify::NoticeData::default()
            },
            now,
        );
        let record = SubmitRecord {
            report,
            tracking_hash: tracking.digest(),
            reporter_user_id: submission.account.map(|u| u.id),
            at: now,
            idempotency: submission.idempotency,
            receipt: std::sync::Arc::new(move |number| {
                serde_json::to_string(&replayable(number)).unwrap_or_default()
            }),
            language: submission.language.code().to_owned(),
            due_at: Some(due),
            attention_at: Some(attention),
            // Only when there is an address to write to (see `tell_reporter`).
            jobs: if has_email {
                vec![receipt_mail]
            } else {
                Vec::new()
            },
            inbound: submission.inbound,
            client_id: submission.client.map(|c| c.id),
            files,
        };
        match self.db.submit_report(&record).await? {
            SubmitOutcome::Created(number) => {
                tracing::info!(report = %number, channel = submission.channel.code(), "report received");
                Ok(receipt(number))
            }
            SubmitOutcome::Replayed(json) => serde_json::from_str(&json).map_err(|_| {
                AppError::Storage(lapor_store::StoreError::Corrupt(
                    "idempotency_keys.response",
                ))
            }),
            SubmitOutcome::KeyReused => Err(AppError::IdempotencyKeyReused),
            SubmitOutcome::AlreadyReceived(report) => Err(AppError::AlreadyReceived(report)),
        }
    }

    /// Reports filed from `account`, newest first.
    ///
    /// # Errors
    /// On storage failure.
    pub async fn my_reports(&self, account: &UserRecord) -> Result<Vec<ReportRecord>> {
        Ok(self.db.list_reports_of_user(account.id).await?)
    }

    /// The public list: published, non-confidential reports only.
    ///
    /// # Errors
    /// On storage failure.
    pub async fn public_reports(&self, filter: &PublicFilter) -> Result<Page<PublicReport>> {
        let page = self.db.list_public_reports(filter).await?;
        Ok(Page {
            items: page
                .items
                .into_iter()
                .filter_map(|r| PublicReport::project(r, None, Vec::new()))
                .collect(),
            total: page.total,
            page: page.page,
            per_page: page.per_page,
        })
    }

    /// One public report with its public history.
    ///
    /// # Errors
    /// [`AppError::NotFound`] also for reports that exist but are not public.
    pub async fn public_report(&self, number: ReportNumber) -> Result<PublicReport> {
        let loaded = self
            .db
            .load_report(ReportKey::Number(number), true)
            .await?
            .ok_or(AppError::NotFound)?;
        PublicReport::project(loaded.record, loaded.reporter.as_ref(), loaded.history)
            .ok_or(AppError::NotFound)
    }

    /// The category tree.
    #[must_use]
    pub fn categories(&self) -> &[CategoryView] {
        &self.categories
    }

    /// Parses a region filter: unknown codes are an input error, not an empty page.
    ///
    /// # Errors
    /// [`AppError::Invalid`] on the `region` field.
    pub fn region_filter(raw: Option<&str>) -> Result<Option<RegionCode>> {
        use lapor_domain::validation::Problem;
        let Some(raw) = raw.map(str::trim).filter(|r| !r.is_empty()) else {
            return Ok(None);
        };
        match RegionCode::parse(raw) {
            Ok(code) if regions().get(&code).is_some() => Ok(Some(code)),
            Ok(_) => {
                Err(lapor_domain::ValidationErrors::single("region", Problem::UnknownRegion).into())
            }
            Err(_) => {
                Err(lapor_domain::ValidationErrors::single("region", Problem::InvalidRegion).into())
            }
        }
    }
}
