//! What the officer console and the reporter read besides a single case: inboxes with their
//! deadlines, attachments, in-app notifications and the Ombudsman case bundle.

use chrono::{DateTime, Utc};
use lapor_domain::event::EventKind;
use lapor_domain::status::Status;
use lapor_domain::tracking::ReportNumber;
use lapor_store::{
    AttachmentFile, FollowUpRecord, InboxFilter, NotificationRecord, Page, ReportKey, ReportRecord,
    StoredEvent, UserRecord,
};
use serde::Serialize;

use crate::workflow::{DeadlineView, Officer, ReporterKey};
use crate::{App, AppError, Result};

/// Filters of an officer's inbox.
#[derive(Debug, Clone, Default)]
pub struct InboxQuery {
    /// Any of these statuses (all in scope when empty).
    pub statuses: Vec<Status>,
    /// Only reports past their deadline.
    pub overdue: bool,
    pub q: Option<String>,
    pub page: u32,
}

/// One line of an inbox.
#[derive(Debug, Clone)]
pub struct InboxItem {
    pub record: ReportRecord,
    pub deadline: Option<DeadlineView>,
}

/// An officer's inbox: counts per status (with overdue counts) and one page of reports.
#[derive(Debug, Clone)]
pub struct Inbox {
    pub counts: Vec<(Status, i64, i64)>,
    pub page: Page<InboxItem>,
}

impl Inbox {
    #[must_use]
    pub fn overdue_total(&self) -> i64 {
        self.counts.iter().map(|(_, _, overdue)| overdue).sum()
    }
}

/// Everything the Ombudsman needs to take over a case, as one JSON document.
#[derive(Debug, Clone, Serialize)]
pub struct CaseBundle {
    pub generated_at: DateTime<Utc>,
    pub number: String,
    pub status: Status,
    pub classification: String,
    pub title: String,
    pub body: String,
    pub region_code: String,
    pub address: Option<String>,
    pub category: Option<String>,
    pub agency: Option<String>,
    pub agency_name: Option<String>,
    pub anonymous: bool,
    pub confidential: bool,
    pub created_at: DateTime<Utc>,
    /// Contact of the reporter; absent for anonymous reports (the Ombudsman contacts them
    /// through Lapor).
    pub reporter: Option<BundleReporter>,
    pub history: Vec<BundleEvent>,
    pub follow_ups: Vec<BundleFollowUp>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BundleReporter {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BundleEvent {
    pub at: DateTime<Utc>,
    pub actor_role: String,
    pub event: EventKind,
}

#[derive(Debug, Clone, Serialize)]
pub struct BundleFollowUp {
    pub agency: String,
    pub agency_name: String,
    pub text: String,
    pub written_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
    pub rejected_at: Option<DateTime<Utc>>,
    pub attachments: Vec<BundleAttachment>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BundleAttachment {
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
}

fn bundle_event(e: &StoredEvent) -> BundleEvent {
    BundleEvent {
        at: e.event.at,
        actor_role: e.event.actor.role.code().to_owned(),
        event: e.event.kind.clone(),
    }
}

fn bundle_follow_up(f: FollowUpRecord) -> BundleFollowUp {
    BundleFollowUp {
        agency: f.agency,
        agency_name: f.agency_name,
        text: f.body,
        written_at: f.created_at,
        published_at: f.published_at,
        rejected_at: f.rejected_at,
        attachments: f
            .attachments
            .into_iter()
            .map(|a| BundleAttachment {
                file_name: a.file_name,
                content_type: a.content_type,
                size_bytes: a.size_bytes,
                sha256: a.sha256,
            })
            .collect(),
    }
}

impl App {
    /// The officer's inbox, most urgent deadline first.
    ///
    /// # Errors
    /// On storage failure.
    pub async fn inbox(&self, officer: &Officer, query: &InboxQuery) -> Result<Inbox> {
        let now = self.now();
        let scope = officer.scope();
        let filter = InboxFilter {
            scope: scope.clone(),
            statuses: query.statuses.clone(),
            overdue_at: query.overdue.then_some(now),
            q: query.q.clone(),
            category: None,
            region: None,
            page: query.page,
            per_page: 25,
        };
        let (counts, page) = tokio::try_join!(
            self.db.inbox_counts(&scope, now),
            self.db.list_inbox(&filter)
        )?;
        let policy = self.fresh_policy().await?;
        let items = page
            .items
            .into_iter()
            .map(|record| {
                let agency = record.report.agency.as_deref();
                let deadline = record
                    .workflow
                    .due
                    .map(|(step, due)| policy.deadline(step, due, agency, now));
                InboxItem { record, deadline }
            })
            .collect();
        Ok(Inbox {
            counts,
            page: Page {
                items,
                total: page.total,
                page: page.page,
                per_page: page.per_page,
            },
        })
    }

    /// A file the reporter sent with a report, for an officer who may see the report.
    ///
    /// # Errors
    /// [`AppError::NotFound`] when it does not exist or is outside the officer's scope.
    pub async fn report_file_for_officer(
        &self,
        officer: &Officer,
        id: i64,
    ) -> Result<AttachmentFile> {
        let file = self.db.report_file(id).await?.ok_or(AppError::NotFound)?;
        self.load_for_officer(officer, file.report).await?;
        Ok(file)
    }

    /// A follow-up's file for an officer who may see the report.
    ///
    /// # Errors
    /// [`AppError::NotFound`] when it does not exist or is outside the officer's scope.
    pub async fn attachment_for_officer(
        &self,
        officer: &Officer,
        id: i64,
    ) -> Result<AttachmentFile> {
        let file = self.db.attachment(id).await?.ok_or(AppError::NotFound)?;
        self.load_for_officer(officer, file.report).await?;
        Ok(file)
    }

    /// A published follow-up's file for the report's reporter.
    ///
    /// # Errors
    /// [`AppError::NotFound`] for anything else.
    pub async fn attachment_for_reporter(
        &self,
        key: ReporterKey<'_>,
        id: i64,
    ) -> Result<AttachmentFile> {
        let case = self.reporter_case(key).await?;
        let file = self.db.attachment(id).await?.ok_or(AppError::NotFound)?;
        if file.report != case.report.record.report.number || !file.published {
            return Err(AppError::NotFound);
        }
        Ok(file)
    }

    /// The in-app notifications of an account (newest first) and how many are unread.
    ///
    /// # Errors
    /// On storage failure.
    pub async fn notifications(&self, user: &UserRecord) -> Result<(Vec<NotificationRecord>, i64)> {
        Ok(self.db.list_notifications(user.id, 50).await?)
    }

    /// How many in-app notifications of an account are unread (for every page's header).
    ///
    /// # Errors
    /// On storage failure.
    pub async fn unread_notifications(&self, user: &UserRecord) -> Result<i64> {
        Ok(self.db.count_unread_notifications(user.id).await?)
    }

    /// # Errors
    /// On storage failure.
    pub async fn mark_notifications_read(&self, user: &UserRecord) -> Result<()> {
        Ok(self.db.mark_notifications_read(user.id, self.now()).await?)
    }

    /// The case bundle of a report handed to the Ombudsman: for national admins and
    /// pengawas only.
    ///
    /// # Errors
    /// [`AppError::NotFound`] for other officers or reports not handed over.
    pub async fn case_bundle(&self, officer: &Officer, number: ReportNumber) -> Result<CaseBundle> {
        if !matches!(
            officer.role,
            lapor_domain::user::Role::AdminNasional | lapor_domain::user::Role::Pengawas
        ) {
            return Err(AppError::NotFound);
        }
        let report = self
            .db
            .load_report(ReportKey::Number(number), false)
            .await?
            .ok_or(AppError::NotFound)?;
        let r = &report.record.report;
        if r.status != Status::EscalatedOmbudsman {
            return Err(AppError::NotFound);
        }
        let follow_ups = self.db.list_follow_ups(number).await?;
        Ok(CaseBundle {
            generated_at: self.now(),
            number: r.number.to_string(),
            status: r.status,
            classification: r.classification.code().to_owned(),
            title: r.title.clone(),
            body: r.body.clone(),
            region_code: r.location.region.as_str().to_owned(),
            address: r.location.address.clone(),
            category: r.category.clone(),
            agency: r.agency.clone(),
            agency_name: report.record.agency_name.clone(),
            anonymous: r.privacy.anonymous,
            confidential: r.privacy.confidential,
            created_at: r.created_at,
            reporter: report
                .reporter
                .clone()
                .filter(|_| !r.privacy.anonymous)
                .map(|c| BundleReporter {
                    name: c.name,
                    email: c.email,
                    phone: c.phone,
                }),
            history: report
                .history
                .iter()
                .filter(|e| !matches!(e.event.kind, EventKind::IdentityViewed))
                .map(bundle_event)
                .collect(),
            follow_ups: follow_ups.into_iter().map(bundle_follow_up).collect(),
        })
    }
}
