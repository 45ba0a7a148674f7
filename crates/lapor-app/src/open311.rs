//! Use cases of the Open311 GeoReport v2 server: public reports as service requests, and our
//! workflow statuses in the protocol's words (the spec's `open`/`closed`, and FixMyStreet's
//! extended statuses).

use chrono::{DateTime, TimeDelta, Utc};
use lapor_domain::event::EventKind;
use lapor_domain::status::ActorRole;
use lapor_domain::status::{Action, Status};
use lapor_domain::tracking::ReportNumber;
use lapor_domain::validation::Problem;
use lapor_domain::workflow::ArchiveReason;
use lapor_domain::{ValidationErrors, workflow::Step};
use lapor_store::open311::RequestFilter;

pub use lapor_store::open311::{MAX_PAGE_SIZE, RequestRecord};

use crate::ApiClient;

use crate::{App, AppError, Result};

/// The longest date range of one `GET requests`, and the default range before now.
pub const MAX_SPAN: TimeDelta = TimeDelta::days(90);

/// The spec's two statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenClosed {
    /// Reported and still being handled somewhere.
    Open,
    /// Nothing more happens in Lapor: closed, archived, or handed to the Ombudsman.
    Closed,
}

impl OpenClosed {
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            OpenClosed::Open => "open",
            OpenClosed::Closed => "closed",
        }
    }

    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        [OpenClosed::Open, OpenClosed::Closed]
            .into_iter()
            .find(|s| s.code() == code)
    }

    #[must_use]
    pub fn of(status: Status) -> Self {
        if status.is_final() {
            OpenClosed::Closed
        } else {
            OpenClosed::Open
        }
    }
}

/// FixMyStreet's extended status of a report now in `status`, reached by `step` when known.
///
/// Verification is triage; an agency holding the report investigates, its unit works on it;
/// a written answer is scheduled action, a published one is the fix (the reporter may still
/// answer); a bukan wewenang return is an internal referral back to national routing; the
/// Ombudsman hand-over is a referral out. Archive reasons say why nothing more happens.
#[must_use]
pub fn extended_status(status: Status, step: Option<&EventKind>) -> &'static str {
    let (action, archive) = match step {
        Some(EventKind::Transition {
            action, archive, ..
        }) => (Some(*action), *archive),
        _ => (None, None),
    };
    match status {
        Status::Unverified => "OPEN",
        Status::Pending => "FOR_TRIAGE",
        Status::Routed | Status::Disposed if action == Some(Action::Reopen) => "REOPEN",
        Status::Routed => "INVESTIGATING",
        Status::Disposed => "IN_PROGRESS",
        Status::FollowedUp => "ACTION_SCHEDULED",
        Status::AwaitingReporter => "FIXED",
        Status::Closed => "CLOSED",
        Status::Returned | Status::EscalatedOmbudsman => "INTERNAL_REFERRAL",
        Status::Archived => match archive {
            Some(ArchiveReason::Duplicate) => "DUPLICATE",
            Some(ArchiveReason::NotPublicService | ArchiveReason::OutOfScope) => {
                "NOT_COUNCILS_RESPONSIBILITY"
            }
            _ => "NO_FURTHER_ACTION",
        },
    }
}

/// What the latest public step says about the current status (its reason), if anything.
#[must_use]
pub fn status_notes(record: &RequestRecord) -> Option<&str> {
    match &record.last_step {
        Some(EventKind::Transition { to, reason, .. }) if *to == record.status => reason.as_deref(),
        _ => None,
    }
}

/// When the agency's answer is due, while it is the agency's turn.
#[must_use]
pub fn expected_at(record: &RequestRecord) -> Option<DateTime<Utc>> {
    match record.due {
        Some((Step::FollowUp, due)) => due,
        _ => None,
    }
}

/// `GET requests`: the spec's filters and the `page`/`page_size` extension, already parsed.
#[derive(Debug, Clone, Default)]
pub struct RequestQuery {
    /// When not empty, only these, whatever the other filters say.
    pub numbers: Vec<ReportNumber>,
    pub service_codes: Vec<String>,
    pub start: Option<DateTime<Utc>>,
    pub end: Option<DateTime<Utc>>,
    /// Any of these (both when empty).
    pub statuses: Vec<OpenClosed>,
    /// 1-based; 0 means the first.
    pub page: u32,
    /// At most [`MAX_PAGE_SIZE`]; 0 means that many.
    pub page_size: u32,
}

/// One step in a report an API client filed, as FixMyStreet's `servicerequestupdates` reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientUpdate {
    /// Stable and growing with time (the history entry's id).
    pub id: i64,
    pub number: ReportNumber,
    pub at: DateTime<Utc>,
    /// The status the step led to.
    pub status: Status,
    /// FixMyStreet's name of that status.
    pub extended_status: &'static str,
    /// The follow-up the step published, or the reason given with it.
    pub text: Option<String>,
    pub step: EventKind,
}

/// The most updates one call returns.
pub const MAX_UPDATES: u32 = 1000;

/// The window `[from, until]` of a query by `start`/`end`: at most 90 days; without dates the
/// last 90 days, with one date 90 days from or up to it.
fn window(
    start: Option<DateTime<Utc>>,
    end: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(DateTime<Utc>, DateTime<Utc>)> {
    let plus = |at: DateTime<Utc>| at.checked_add_signed(MAX_SPAN).unwrap_or(at);
    let minus = |at: DateTime<Utc>| at.checked_sub_signed(MAX_SPAN).unwrap_or(at);
    match (start, end) {
        (Some(start), Some(end)) if end < start => {
            Err(ValidationErrors::single("end_date", Problem::InvalidValue).into())
        }
        (Some(start), Some(end)) if end - start > MAX_SPAN => {
            Err(ValidationErrors::single("end_date", Problem::OutOfRange).into())
        }
        (Some(start), Some(end)) => Ok((start, end)),
        (Some(start), None) => Ok((start, plus(start))),
        (None, Some(end)) => Ok((minus(end), end)),
        (None, None) => Ok((minus(now), now)),
    }
}

impl App {
    /// Public reports as service requests, newest first. Without dates, the last 90 days;
    /// with one date, 90 days from or up to it.
    ///
    /// # Errors
    /// [`AppError::Invalid`] on `end_date` when it is before `start_date` (`invalid_value`)
    /// or more than 90 days after it (`out_of_range`).
    pub async fn open311_requests(&self, query: &RequestQuery) -> Result<Vec<RequestRecord>> {
        let (from, until) = window(query.start, query.end, self.now())?;
        let statuses = if query.statuses.is_empty() {
            Vec::new()
        } else {
            Status::ALL
                .into_iter()
                .filter(|s| query.statuses.contains(&OpenClosed::of(*s)))
                .collect()
        };
        let filter = RequestFilter {
            numbers: query.numbers.clone(),
            categories: query.service_codes.clone(),
            from: Some(from),
            until: Some(until),
            statuses,
            page: query.page.max(1),
            page_size: if query.page_size == 0 {
                MAX_PAGE_SIZE
            } else {
                query.page_size.min(MAX_PAGE_SIZE)
            },
        };
        Ok(self.db.list_open311_requests(&filter).await?)
    }

    /// What happened between `start` and `end` (at most 90 days; by default the last 90) to
    /// the reports `client` filed, oldest first: the steps its reporter sees, except the
    /// reporter's own (which came from the client). A published follow-up carries its text.
    ///
    /// # Errors
    /// As [`App::open311_requests`] for the dates.
    pub async fn open311_updates(
        &self,
        client: &ApiClient,
        start: Option<DateTime<Utc>>,
        end: Option<DateTime<Utc>>,
    ) -> Result<Vec<ClientUpdate>> {
        let (from, until) = window(start, end, self.now())?;
        let (steps, follow_ups) = self
            .db
            .client_updates(client.id, from, until, MAX_UPDATES)
            .await?;
        Ok(steps
            .into_iter()
            .filter(|u| u.actor != ActorRole::Reporter && u.kind.visible_to_reporter())
            .filter_map(|u| {
                let EventKind::Transition {
                    action,
                    to,
                    reason,
                    follow_up,
                    ..
                } = &u.kind
                else {
                    return None;
                };
                let published = (*action == Action::PublishFollowUp)
                    .then(|| {
                        follow_ups.iter().find(|f| {
                            f.number == u.number
                                && follow_up.map_or(f.published_at == u.at, |id| id == f.id)
                        })
                    })
                    .flatten();
                Some(ClientUpdate {
                    id: u.id,
                    number: u.number,
                    at: u.at,
                    status: *to,
                    extended_status: extended_status(*to, Some(&u.kind)),
                    text: published
                        .map(|f| f.body.clone())
                        .or_else(|| reason.clone())
                        .filter(|_| !u.confidential),
                    step: u.kind.clone(),
                })
            })
            .collect())
    }

    /// One public report as a service request.
    ///
    /// # Errors
    /// [`AppError::NotFound`] also for reports that exist but are not public.
    pub async fn open311_request(&self, number: ReportNumber) -> Result<RequestRecord> {
        let filter = RequestFilter {
            numbers: vec![number],
            page: 1,
            page_size: 1,
            ..RequestFilter::default()
        };
        self.db
            .list_open311_requests(&filter)
            .await?
            .into_iter()
            .next()
            .ok_or(AppError::NotFound)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(action: Action, to: Status, archive: Option<ArchiveReason>) -> EventKind {
        let mut kind = EventKind::step(action, Status::Routed, to);
        if let EventKind::Transition { archive: a, .. } = &mut kind {
            *a = archive;
        }
        kind
    }

    #[test]
    fn every_status_maps_to_open_or_closed_and_a_fixmystreet_status() {
        for status in Status::ALL {
            let open = OpenClosed::of(status);
            assert_eq!(open == OpenClosed::Closed, status.is_final(), "{status:?}");
            assert!(!extended_status(status, None).is_empty());
        }
        assert_eq!(extended_status(Status::Routed, None), "INVESTIGATING");
        assert_eq!(extended_status(Status::AwaitingReporter, None), "FIXED");
        assert_eq!(
            extended_status(
                Status::Disposed,
                Some(&step(Action::Reopen, Status::Disposed, None))
            ),
            "REOPEN"
        );
        assert_eq!(
            extended_status(
                Status::Archived,
                Some(&step(
                    Action::Archive,
                    Status::Archived,
                    Some(ArchiveReason::Duplicate)
                ))
            ),
            "DUPLICATE"
        );
        assert_eq!(
            extended_status(
                Status::Archived,
                Some(&step(
                    Action::Archive,
                    Status::Archived,
                    Some(ArchiveReason::NotPublicService)
                ))
            ),
            "NOT_COUNCILS_RESPONSIBILITY"
        );
        assert_eq!(
            OpenClosed::from_code("closed"),
            Some(OpenClosed::Closed),
            "codes round trip"
        );
        assert_eq!(OpenClosed::from_code("CLOSED"), None);
    }
}
