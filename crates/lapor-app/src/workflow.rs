//! Handling a report: the officers' and the reporter's steps (domain.md §1). Every step is
//! checked against the domain's status machine, the officer's scope, and the version of the
//! report the form was built from, then stored by one [`Change`] with its events, its new
//! deadline and the notifications announcing it.

use chrono::{DateTime, Utc};
use lapor_domain::calendar::Zone;
use lapor_domain::event::{Actor, Event, EventKind};
use lapor_domain::privacy::Privacy;
use lapor_domain::report::Classification;
use lapor_domain::status::{Action, ActorRole, Status, TransitionError, transition};
use lapor_domain::tracking::{ReportNumber, TrackingCode};
use lapor_domain::user::Role;
use lapor_domain::validation::{optional_text, text};
use lapor_domain::workflow::{self, ArchiveReason, Clocks, HandlingClass, Step};
use lapor_domain::{Problem, ValidationErrors};
use lapor_store::{
    Applied, Change, ContentUpdate, FollowUpRecord, InboxScope, NewAttachment, NewFollowUp, NewJob,
    NewNotification, ReportKey, ReportWithHistory, ReporterRecord, StepOutcome, StoreError,
    UserRecord,
};
use serde::Serialize;

use crate::notify::{Language, Notice, NoticeData, headline};
use crate::policy::{AgencyInfo, Policy};
use crate::{App, AppError, Result};

/// Why a step was refused although the input was well-formed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("this step is not possible in the report's current status")]
    NotInThisStatus,
    #[error("your role may not take this step")]
    NotYourRole,
    #[error("the reporter's window has closed")]
    WindowClosed,
    #[error("the Ombudsman can be asked only after the report stayed unresolved long enough")]
    TooEarlyForOmbudsman,
    #[error("the agency has already accepted this report")]
    AlreadyAccepted,
    #[error("this report is already handled by your agency")]
    SameAgency,
}

impl From<TransitionError> for AppError {
    fn from(e: TransitionError) -> Self {
        AppError::Refused(match e {
            TransitionError::NotFromStatus { .. } => Refusal::NotInThisStatus,
            TransitionError::RoleNotAllowed { .. } => Refusal::NotYourRole,
        })
    }
}

/// An officer acting through the console, with their scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Officer {
    pub user_id: i64,
    pub name: String,
    pub role: Role,
    /// Code of the officer's agency (national admins and pengawas have none).
    pub agency: Option<String>,
}

impl Officer {
    /// The workflow role, `None` for read-only pengawas.
    #[must_use]
    pub fn actor_role(&self) -> Option<ActorRole> {
        match self.role {
            Role::AdminNasional => Some(ActorRole::AdminNasional),
            Role::AdminInstansi => Some(ActorRole::AdminInstansi),
            Role::AdminUnit => Some(ActorRole::AdminUnit),
            _ => None,
        }
    }

    #[must_use]
    pub fn scope(&self) -> InboxScope {
        match (self.role, &self.agency) {
            (Role::AdminNasional | Role::Pengawas, _) => InboxScope::All,
            (Role::AdminInstansi, Some(code)) => InboxScope::Agency(code.clone()),
            (Role::AdminUnit, Some(code)) => InboxScope::Unit(code.clone()),
            // Fail closed: no agency code is empty, so this scope holds nothing.
            _ => InboxScope::Unit(String::new()),
        }
    }

    /// National admins see everything and may reveal anonymous reporters.
    #[must_use]
    pub fn is_national(&self) -> bool {
        self.role == Role::AdminNasional
    }

    fn actor(&self) -> Result<Actor> {
        Ok(Actor {
            role: self.actor_role().ok_or(AppError::Forbidden)?,
            user_id: Some(self.user_id),
        })
    }
}

/// A deadline as an inbox shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DeadlineView {
    pub step: Step,
    /// `None` while the clock is stopped.
    pub due: Option<DateTime<Utc>>,
    pub zone: Zone,
    /// Working days left (negative: overdue by that many).
    pub days_left: Option<i64>,
    pub overdue: bool,
}

/// What an officer may see of the reporter.
#[derive(Debug, Clone, PartialEq)]
pub enum ReporterView {
    /// Anonymous: hidden from agencies and units (they may be the party complained about).
    Hidden,
    /// Anonymous, and the officer is a national admin: shown only on request, which is logged.
    Revealable,
    Shown(Option<ReporterRecord>),
}

/// A report as an officer handles it.
#[derive(Debug, Clone)]
pub struct Case {
    pub report: ReportWithHistory,
    pub reporter: ReporterView,
    /// Files the reporter sent with the report (an e-mail's attachments, an Open311 photo).
    pub files: Vec<lapor_store::AttachmentMeta>,
    pub follow_ups: Vec<FollowUpRecord>,
    pub units: Vec<(String, String)>,
    pub deadline: Option<DeadlineView>,
    pub resolution_due: Option<DateTime<Utc>>,
    /// The steps this officer may take now: what the console shows, and nothing else.
    pub actions: Vec<Action>,
    pub can_raise_privacy: bool,
    /// Units the report can be disposed to (agency admins).
    pub dispose_to: Vec<AgencyInfo>,
    /// The router's suggestions for the routing or disposisi this officer may do now.
    pub routing: Option<crate::routing::Routing>,
}

/// One step an officer takes.
#[derive(Debug, Clone)]
pub enum Command {
    Verify {
        title: String,
        classification: String,
        category: Option<String>,
        handling_class: String,
        agency: String,
        anonymous: bool,
        confidential: bool,
    },
    Pend {
        reason: String,
    },
    RequestInformation {
        question: String,
    },
    Archive {
        reason: String,
        text: Option<String>,
    },
    Accept,
    Dispose {
        units: Vec<String>,
    },
    ReturnNotAuthority {
        reason: String,
        suggested_agency: Option<String>,
    },
    ReturnToAgency {
        reason: String,
    },
    /// Take back an automatic routing (national admin).
    UndoAutoRoute {
        reason: String,
    },
    FollowUp {
        text: String,
        attachments: Vec<Upload>,
    },
    PublishFollowUp,
    RejectFollowUp {
        reason: String,
    },
    RaisePrivacy {
        anonymous: bool,
        confidential: bool,
    },
}

/// A file sent with a follow-up.
#[derive(Clone)]
pub struct Upload {
    pub file_name: String,
    pub data: Vec<u8>,
}

impl std::fmt::Debug for Upload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Upload({} bytes)", self.data.len())
    }
}

/// Largest file accepted with a follow-up, and how many files.
pub const MAX_ATTACHMENT_BYTES: usize = 2 * 1024 * 1024;
pub const MAX_ATTACHMENTS: usize = 4;

/// The content type of a file judged from its first bytes, never from what the client
/// claims: only documents and photos are accepted, and served back with this type.
fn sniff(data: &[u8]) -> Option<&'static str> {
    if data.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if data.starts_with(&[0x89, b'P', b'N', b'G']) {
        Some("image/png")
    } else if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if data.len() > 12 && &data[..4] == b"RIFF" && &data[8..12] == b"WEBP" {
        Some("image/webp")
    } else {
        None
    }
}

/// How a reporter is identified for a step: by tracking code, or by the account that filed it.
#[derive(Debug, Clone, Copy)]
pub enum ReporterKey<'a> {
    Code(&'a str),
    Account {
        user: &'a UserRecord,
        number: ReportNumber,
    },
    /// A channel message from the phone number or e-mail address the report was filed with
    /// (an SMS or e-mail answer threaded to its report).
    Contact {
        number: ReportNumber,
        contact: &'a str,
    },
    /// The integrated system that filed the report, speaking for its reporter.
    Client {
        client_id: i64,
        number: ReportNumber,
    },
}

/// One step the reporter takes.
#[derive(Debug, Clone)]
pub enum ReporterCommand {
    /// Tanggapan: answer the follow-up; back to the agency.
    Reply {
        text: String,
    },
    /// Answer the national admin's question.
    SupplyInformation {
        text: String,
    },
    ConfirmResolved,
    Rate {
        stars: u8,
        comment: Option<String>,
    },
    Reopen {
        reason: String,
    },
    EscalateOmbudsman,
}

/// What the reporter may do now (what the tracking page offers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct ReporterOptions {
    pub reply: bool,
    pub supply_information: bool,
    pub confirm_resolved: bool,
    pub rate: bool,
    pub reopen: bool,
    pub escalate_ombudsman: bool,
    /// Until when the reporter may answer or reopen.
    pub window_until: Option<DateTime<Utc>>,
}

/// A report as its reporter sees it: history without officers' internals, published
/// follow-ups, and what they may do.
#[derive(Debug, Clone)]
pub struct ReporterCase {
    pub report: ReportWithHistory,
    pub follow_ups: Vec<FollowUpRecord>,
    pub options: ReporterOptions,
    pub deadline: Option<DeadlineView>,
}

fn invalid(field: &'static str, problem: Problem) -> AppError {
    AppError::Invalid(ValidationErrors::single(field, problem))
}

fn required_text(field: &'static str, raw: &str, min: usize, max: usize) -> Result<String> {
    let mut errors = ValidationErrors::default();
    let value = text(&mut errors, field, raw, min, max);
    errors.into_result(value).map_err(AppError::Invalid)
}

/// The deadline view of a clock at `now`.
#[must_use]
pub fn deadline_view(
    policy: &Policy,
    agency: Option<&str>,
    clocks: &Clocks,
    now: DateTime<Utc>,
) -> Option<DeadlineView> {
    let current = clocks.current?;
    Some(policy.deadline(current.step, current.due, agency, now))
}

/// The last step of the report's history with `action`.
fn last_step(report: &ReportWithHistory, action: Action) -> Option<&Event> {
    report
        .history
        .iter()
        .rev()
        .map(|e| &e.event)
        .find(|e| matches!(&e.kind, EventKind::Transition { action: a, .. } if *a == action))
}

/// The latest workflow step: an automatic routing can be undone only while nothing has
/// happened since (the agency has not accepted, disposed or answered).
fn last_transition(report: &ReportWithHistory) -> Option<Action> {
    report
        .history
        .iter()
        .rev()
        .find_map(|e| match &e.event.kind {
            EventKind::Transition { action, .. } => Some(*action),
            _ => None,
        })
}

fn units_disposed(report: &ReportWithHistory) -> bool {
    // The latest disposisi not undone by a unit returning the report.
    report
        .history
        .iter()
        .rev()
        .find_map(|e| match &e.event.kind {
            EventKind::Transition {
                action: Action::Dispose,
                ..
            } => Some(true),
            EventKind::Transition {
                action: Action::ReturnToAgency | Action::ReturnNotAuthority | Action::Verify,
                ..
            } => Some(false),
            _ => None,
        })
        .unwrap_or(false)
}

/// A workflow change being put together: the events, the status after them, and the
/// notifications, finished by [`App::commit`] with the new deadline.
pub(crate) struct Draft {
    pub(crate) change: Change,
    events: Vec<Event>,
    status: Status,
    /// The agency responsible after the change (whose clock and calendar apply).
    pub(crate) agency: Option<String>,
    class: HandlingClass,
    title: String,
}

impl Draft {
    pub(crate) fn new(report: &ReportWithHistory, expected_version: Option<i64>) -> Self {
        let r = &report.record.report;
        Self {
            change: Change {
                number: Some(r.number),
                expected_version,
                ..Change::default()
            },
            events: Vec::new(),
            status: r.status,
            agency: r.agency.clone(),
            class: report.record.workflow.handling_class,
            title: r.title.clone(),
        }
    }

    /// Adds a workflow step (already checked against the status machine by the caller).
    pub(crate) fn step(
        &mut self,
        at: DateTime<Utc>,
        actor: Actor,
        action: Action,
        to: Status,
        fill: impl FnOnce(&mut EventKind),
    ) {
        let mut kind = EventKind::step(action, self.status, to);
        fill(&mut kind);
        self.events.push(Event { at, actor, kind });
        let first_from = self.change.status.map_or(self.status, |(from, _)| from);
        self.change.status = Some((first_from, to));
        self.status = to;
    }
}

fn with_reason(reason: Option<String>) -> impl FnOnce(&mut EventKind) {
    move |kind| {
        if let EventKind::Transition { reason: r, .. } = kind {
            *r = reason;
        }
    }
}

impl App {
    /// The officer behind an account; citizens and superadmins are not officers.
    ///
    /// # Errors
    /// [`AppError::Forbidden`] for non-officers.
    pub async fn officer(&self, user: &UserRecord) -> Result<Officer> {
        let agency = match user.agency_id {
            Some(id) => self.db.find_agency_by_id(id).await?.map(|a| a.code),
            None => None,
        };
        let officer = Officer {
            user_id: user.id,
            name: user.name.clone(),
            role: user.role,
            agency,
        };
        match officer.role {
            Role::AdminNasional | Role::Pengawas => Ok(officer),
            Role::AdminInstansi | Role::AdminUnit if officer.agency.is_some() => Ok(officer),
            _ => Err(AppError::Forbidden),
        }
    }

    /// Whether `officer` may see `report` (domain rule in [`Officer::scope`]); anything else
    /// answers "not found", never "forbidden", so scopes cannot be probed.
    async fn in_scope(&self, officer: &Officer, report: &ReportWithHistory) -> Result<bool> {
        let r = &report.record.report;
        let policy = self.fresh_policy().await?;
        let (code, unit_only) = match officer.scope() {
            InboxScope::All => return Ok(true),
            InboxScope::Agency(code) => (code, false),
            InboxScope::Unit(code) => (code, true),
        };
        if matches!(
            r.status,
            Status::Unverified | Status::Pending | Status::Returned | Status::Archived
        ) {
            return Ok(false);
        }
        let mine = |agency: &str| {
            if unit_only {
                agency == code
            } else {
                policy.is_within(agency, &code)
            }
        };
        if r.agency.as_deref().is_some_and(mine) {
            return Ok(true);
        }
        let units = self.db.report_units(r.number).await?;
        Ok(units.iter().any(|(unit, _)| mine(unit)))
    }

    pub(crate) async fn load_for_officer(
        &self,
        officer: &Officer,
        number: ReportNumber,
    ) -> Result<ReportWithHistory> {
        let report = self
            .db
            .load_report(ReportKey::Number(number), false)
            .await?
            .ok_or(AppError::NotFound)?;
        if self.in_scope(officer, &report).await? {
            Ok(report)
        } else {
            Err(AppError::NotFound)
        }
    }

    /// A report as `officer` handles it.
    ///
    /// # Errors
    /// [`AppError::NotFound`] when it does not exist or is outside the officer's scope.
    pub async fn case(&self, officer: &Officer, number: ReportNumber) -> Result<Case> {
        let mut report = self.load_for_officer(officer, number).await?;
        let policy = self.fresh_policy().await?;
        let r = &report.record.report;
        let reporter = if !r.privacy.anonymous {
            ReporterView::Shown(report.reporter.clone())
        } else if officer.is_national() {
            ReporterView::Revealable
        } else {
            ReporterView::Hidden
        };
        report.reporter = None;
        if !officer.is_national() {
            report
                .history
                .retain(|e| !matches!(e.event.kind, EventKind::IdentityViewed));
            // Not even the account number of an anonymous reporter leaves for agencies.
            if report.record.report.privacy.anonymous {
                report.record.report.reporter_user_id = None;
                for e in &mut report.history {
                    if e.event.actor.role == ActorRole::Reporter {
                        e.event.actor.user_id = None;
                    }
                }
            }
        }
        let r = &report.record.report;
        let clocks = policy.clocks(
            &report,
            &[],
            r.status,
            report.record.workflow.handling_class,
            r.agency.as_deref(),
        );
        let follow_ups = self.db.list_follow_ups(number).await?;
        let units = self.db.report_units(number).await?;
        let actions = match officer.actor_role() {
            Some(role) => self.possible_actions(officer, role, &report),
            None => Vec::new(),
        };
        let dispose_to = match (&officer.role, &officer.agency) {
            (Role::AdminInstansi, Some(agency)) => {
                policy.units_of(agency).into_iter().cloned().collect()
            }
            _ => Vec::new(),
        };
        let within = if actions.contains(&Action::Verify) {
            Some(None)
        } else if actions.contains(&Action::Dispose) {
            Some(officer.agency.as_deref())
        } else {
            None
        };
        // Suggestions help; their failure must not hide the report.
        let routing = match within {
            Some(within) => match self.suggest(&report, within).await {
                Ok(routing) => Some(routing),
                Err(error) => {
                    tracing::error!(%error, "routing suggestions unavailable");
                    None
                }
            },
            None => None,
        };
        Ok(Case {
            deadline: deadline_view(&policy, r.agency.as_deref(), &clocks, self.now()),
            resolution_due: clocks.resolution_due,
            can_raise_privacy: officer.actor_role().is_some()
                && !r.status.is_final()
                && !(r.privacy.anonymous && r.privacy.confidential),
            reporter,
            files: self.db.report_files(r.number).await?,
            follow_ups,
            units,
            actions,
            dispose_to,
            routing,
            report,
        })
    }

    fn possible_actions(
        &self,
        officer: &Officer,
        role: ActorRole,
        report: &ReportWithHistory,
    ) -> Vec<Action> {
        let r = &report.record.report;
        lapor_domain::status::available_actions(r.status, role)
            .into_iter()
            .filter(|action| match action {
                Action::Accept => last_step(report, Action::Accept).is_none_or(|accepted| {
                    [
                        Action::Verify,
                        Action::RouteToChosenAgency,
                        Action::AutoRoute,
                    ]
                    .into_iter()
                    .filter_map(|a| last_step(report, a))
                    .any(|routed| routed.at > accepted.at)
                }),
                // Only an agency with units can dispose.
                Action::Dispose => officer
                    .agency
                    .as_deref()
                    .is_some_and(|a| !self.policy().units_of(a).is_empty()),
                // A unit returns to its agency; routed straight to a unit, it has no agency
                // admin above it in this report, so bukan wewenang is the agency admin's.
                Action::ReturnToAgency => units_disposed(report),
                // Only the router's own routing can be taken back this way; an officer's is
                // changed by routing again.
                Action::UndoAutoRoute => last_transition(report) == Some(Action::AutoRoute),
                _ => true,
            })
            .collect()
    }

    /// Shows the identity of an anonymous reporter to a national admin, and records that
    /// they looked.
    ///
    /// # Errors
    /// [`AppError::NotFound`] for anyone else.
    pub async fn reveal_reporter(
        &self,
        officer: &Officer,
        number: ReportNumber,
    ) -> Result<Option<ReporterRecord>> {
        if !officer.is_national() {
            return Err(AppError::NotFound);
        }
        let report = self.load_for_officer(officer, number).await?;
        if report.record.report.privacy.anonymous {
            self.db
                .apply(&Change {
                    number: Some(number),
                    events: vec![Event {
                        at: self.now(),
                        actor: officer.actor()?,
                        kind: EventKind::IdentityViewed,
                    }],
                    ..Change::default()
                })
                .await?;
        }
        Ok(report.reporter)
    }

    /// Takes one step on a report as `officer`, based on the form built from `version`.
    ///
    /// # Errors
    /// [`AppError::NotFound`] outside the officer's scope; [`AppError::Refused`] when the
    /// status or role does not allow it; [`AppError::Invalid`] for bad input;
    /// [`AppError::Conflict`] when the report changed since the form was loaded.
    pub async fn act(
        &self,
        officer: &Officer,
        number: ReportNumber,
        version: i64,
        command: Command,
    ) -> Result<()> {
        self.act_recorded(officer, number, version, command, None)
            .await
            .map(|_| ())
    }

    /// [`App::act`] for a step an integrated system sent as message `external_id` of
    /// `channel`: the step and the record of the message are one transaction, so a retried
    /// message changes nothing. False for a replay.
    ///
    /// # Errors
    /// As [`App::act`].
    pub async fn act_inbound(
        &self,
        officer: &Officer,
        number: ReportNumber,
        version: i64,
        command: Command,
        (channel, external_id): (lapor_domain::report::Channel, &str),
    ) -> Result<bool> {
        // Checked before the step too: a replay arriving after the report moved on must
        // answer "already done", not fail the step's status checks.
        if self.inbound_seen(channel, external_id).await?.is_some() {
            return Ok(false);
        }
        self.act_recorded(
            officer,
            number,
            version,
            command,
            Some((channel, external_id)),
        )
        .await
    }

    #[allow(clippy::too_many_lines)] // one match over the officer's steps
    async fn act_recorded(
        &self,
        officer: &Officer,
        number: ReportNumber,
        version: i64,
        command: Command,
        inbound: Option<(lapor_domain::report::Channel, &str)>,
    ) -> Result<bool> {
        let actor = officer
            .actor()
            .map_err(|_| AppError::Refused(Refusal::NotYourRole))?;
        let report = self.load_for_officer(officer, number).await?;
        if report.record.workflow.version != version {
            return Err(AppError::Conflict);
        }
        let policy = self.fresh_policy().await?;
        let now = self.now();
        let r = &report.record.report;
        let mut draft = Draft::new(&report, Some(version));
        draft.change.inbound =
            inbound.map(|(channel, id)| (channel.code().to_owned(), id.to_owned()));
        let disposed = units_disposed(&report);
        let check = |action: Action| -> Result<Status> {
            let to = transition(r.status, action, actor.role, disposed)?;
            // The status machine allows it; the report's own history may still not (accepted
            // twice, no units to dispose to, nothing disposed to return).
            if !self
                .possible_actions(officer, actor.role, &report)
                .contains(&action)
            {
                return Err(AppError::Refused(if action == Action::Accept {
                    Refusal::AlreadyAccepted
                } else {
                    Refusal::NotInThisStatus
                }));
            }
            Ok(to)
        };
        let mut reporter_notice: Option<(Notice, NoticeData)> = None;
        let mut officer_notices: Vec<(Role, Vec<String>, Notice, NoticeData)> = Vec::new();
        match command {
            Command::Verify {
                title,
                classification,
                category,
                handling_class,
                agency,
                anonymous,
                confidential,
            } => {
                let to = check(Action::Verify)?;
                let mut errors = ValidationErrors::default();
                let title = text(&mut errors, "title", &title, 10, 150);
                let classification = Classification::from_code(&classification);
                if classification.is_none() {
                    errors.add("classification", Problem::UnknownClassification);
                }
                let category = category.filter(|c| !c.trim().is_empty());
                if let Some(c) = &category
                    && !self.categories.iter().any(|k| &k.code == c)
                {
                    errors.add("category", Problem::UnknownCategory);
                }
                let class = HandlingClass::from_code(&handling_class);
                if class.is_none() {
                    errors.add("handling_class", Problem::InvalidValue);
                }
                let agency = agency.trim().to_lowercase();
                if policy.agency(&agency).is_none() {
                    errors.add("agency", Problem::UnknownAgency);
                }
                let (Some(classification), Some(class)) = (classification, class) else {
                    return Err(AppError::Invalid(errors));
                };
                let title = errors.into_result(title).map_err(AppError::Invalid)?;
                self.raise_privacy(&mut draft, r.privacy, anonymous, confidential, now, &actor);
                draft.events.push(Event {
                    at: now,
                    actor: actor.clone(),
                    kind: EventKind::Verified {
                        previous_title: (title != r.title).then(|| r.title.clone()),
                        title: title.clone(),
                        classification,
                        category: category.clone(),
                        handling_class: class,
                    },
                });
                draft.change.content = Some(ContentUpdate {
                    title: title.clone(),
                    classification,
                    category,
                    handling_class: class,
                });
                draft.class = class;
                draft.title = title;
                self.verification_outcome(&mut draft, &report, &policy);
                let code = agency.clone();
                draft.step(now, actor.clone(), Action::Verify, to, |k| {
                    if let EventKind::Transition { agency, .. } = k {
                        *agency = Some(code);
                    }
                });
                draft.change.agency = Some(agency.clone());
                draft.change.units = Some(Vec::new());
                draft.agency = Some(agency.clone());
                let name = policy.agency(&agency).map(|a| a.name.clone());
                reporter_notice = Some((
                    Notice::Routed,
                    NoticeData {
                        agency: name.clone(),
                        ..NoticeData::default()
                    },
                ));
                officer_notices.push((
                    Role::AdminInstansi,
                    vec![agency],
                    Notice::AssignedToAgency,
                    NoticeData {
                        agency: name,
                        ..NoticeData::default()
                    },
                ));
            }
            Command::Pend { reason } => {
                let to = check(Action::Pend)?;
                let reason = required_text("reason", &reason, 5, 2000)?;
                draft.step(now, actor, Action::Pend, to, with_reason(Some(reason)));
            }
            Command::RequestInformation { question } => {
                let to = check(Action::RequestInformation)?;
                let question = required_text("question", &question, 10, 2000)?;
                draft.step(
                    now,
                    actor,
                    Action::RequestInformation,
                    to,
                    with_reason(Some(question.clone())),
                );
                reporter_notice = Some((
                    Notice::InformationRequested,
                    NoticeData {
                        text: Some(question),
                        ..NoticeData::default()
                    },
                ));
            }
            Command::Archive {
                reason,
                text: referral,
            } => {
                let to = check(Action::Archive)?;
                let code = ArchiveReason::from_code(&reason)
                    .ok_or_else(|| invalid("reason", Problem::InvalidValue))?;
                let mut errors = ValidationErrors::default();
                let referral = optional_text(&mut errors, "text", referral.as_deref(), 2000);
                let referral = errors.into_result(referral).map_err(AppError::Invalid)?;
                if code.needs_text() && referral.is_none() {
                    return Err(invalid("text", Problem::Required));
                }
                self.verification_outcome(&mut draft, &report, &policy);
                let shown = referral.clone();
                draft.step(now, actor, Action::Archive, to, |k| {
                    if let EventKind::Transition {
                        archive, reason, ..
                    } = k
                    {
                        *archive = Some(code);
                        *reason = shown;
                    }
                });
                reporter_notice = Some((
                    Notice::Archived,
                    NoticeData {
                        text: Some(referral.unwrap_or_else(|| code.code().to_owned())),
                        ..NoticeData::default()
                    },
                ));
            }
            Command::Accept => {
                let to = check(Action::Accept)?;
                draft.step(now, actor, Action::Accept, to, |_| {});
            }
            Command::Dispose { units } => {
                let to = check(Action::Dispose)?;
                let own = officer.agency.as_deref().unwrap_or_default();
                let mut chosen: Vec<String> = units
                    .iter()
                    .map(|u| u.trim().to_lowercase())
                    .filter(|u| !u.is_empty())
                    .collect();
                chosen.sort();
                chosen.dedup();
                if chosen.is_empty() {
                    return Err(invalid("units", Problem::Required));
                }
                if chosen
                    .iter()
                    .any(|u| policy.agency(u).and_then(|a| a.parent.as_deref()) != Some(own))
                {
                    return Err(invalid("units", Problem::UnknownAgency));
                }
                let listed = chosen.clone();
                draft.step(now, actor, Action::Dispose, to, |k| {
                    if let EventKind::Transition { units, .. } = k {
                        *units = listed;
                    }
                });
                draft.change.units = Some(chosen.clone());
                for unit in chosen {
                    let name = policy.agency(&unit).map(|a| a.name.clone());
                    officer_notices.push((
                        Role::AdminUnit,
                        vec![unit],
                        Notice::DisposedToUnit,
                        NoticeData {
                            agency: name,
                            ..NoticeData::default()
                        },
                    ));
                }
            }
            Command::ReturnNotAuthority {
                reason,
                suggested_agency,
            } => {
                let to = check(Action::ReturnNotAuthority)?;
                let reason = required_text("reason", &reason, 10, 2000)?;
                let suggested = suggested_agency
                    .map(|a| a.trim().to_lowercase())
                    .filter(|a| !a.is_empty());
                if let Some(code) = &suggested {
                    if policy.agency(code).is_none() {
                        return Err(invalid("suggested_agency", Problem::UnknownAgency));
                    }
                    if Some(code.as_str()) == r.agency.as_deref() {
                        return Err(AppError::Refused(Refusal::SameAgency));
                    }
                }
                let returning = officer.agency.clone();
                let text = reason.clone();
                draft.step(now, actor, Action::ReturnNotAuthority, to, |k| {
                    if let EventKind::Transition {
                        reason,
                        suggested_agency,
                        agency,
                        ..
                    } = k
                    {
                        *reason = Some(text);
                        *suggested_agency = suggested;
                        *agency = returning;
                    }
                });
                draft.change.units = Some(Vec::new());
                let name = officer
                    .agency
                    .as_deref()
                    .and_then(|a| policy.agency(a))
                    .map(|a| a.name.clone());
                reporter_notice = Some((
                    Notice::Returned,
                    NoticeData {
                        agency: name,
                        text: Some(reason),
                        ..NoticeData::default()
                    },
                ));
            }
            Command::UndoAutoRoute { reason } => {
                let to = check(Action::UndoAutoRoute)?;
                let reason = required_text("reason", &reason, 10, 2000)?;
                draft.step(
                    now,
                    actor,
                    Action::UndoAutoRoute,
                    to,
                    with_reason(Some(reason.clone())),
                );
                // The agency it was sent to learns that it is no longer theirs.
                officer_notices.push((
                    Role::AdminInstansi,
                    r.agency.iter().cloned().collect(),
                    Notice::RoutingWithdrawn,
                    NoticeData {
                        text: Some(reason),
                        ..NoticeData::default()
                    },
                ));
            }
            Command::ReturnToAgency { reason } => {
                let to = check(Action::ReturnToAgency)?;
                let reason = required_text("reason", &reason, 10, 2000)?;
                draft.step(
                    now,
                    actor,
                    Action::ReturnToAgency,
                    to,
                    with_reason(Some(reason.clone())),
                );
                draft.change.units = Some(Vec::new());
                officer_notices.push((
                    Role::AdminInstansi,
                    r.agency.iter().cloned().collect(),
                    Notice::ReturnedToAgency,
                    NoticeData {
                        text: Some(reason),
                        ..NoticeData::default()
                    },
                ));
            }
            Command::FollowUp {
                text: body,
                attachments,
            } => {
                let to = check(Action::FollowUp)?;
                let body = required_text("text", &body, 10, 10_000)?;
                let files = Self::check_uploads(attachments)?;
                let author = officer.agency.clone().ok_or(AppError::Forbidden)?;
                // A unit's follow-up waits for approval when an agency above it asks for it; an
                // agency admin's own is published at once.
                let approver = (officer.role == Role::AdminUnit)
                    .then(|| policy.approver_of(&author).map(|a| a.code.clone()))
                    .flatten();
                let needs_approval = approver.is_some();
                draft.step(now, actor, Action::FollowUp, to, |_| {});
                draft.change.new_follow_up = Some(NewFollowUp {
                    agency: author.clone(),
                    author_user_id: Some(officer.user_id),
                    body: body.clone(),
                    attachments: files,
                    published: !needs_approval,
                });
                if let Some(approver) = approver {
                    let name = policy.agency(&author).map(|a| a.name.clone());
                    officer_notices.push((
                        Role::AdminInstansi,
                        vec![approver],
                        Notice::FollowUpAwaitingApproval,
                        NoticeData {
                            agency: name,
                            ..NoticeData::default()
                        },
                    ));
                } else {
                    self.publish(
                        &mut draft,
                        &report,
                        &policy,
                        now,
                        &author,
                        body,
                        &mut reporter_notice,
                    );
                }
            }
            Command::PublishFollowUp | Command::RejectFollowUp { .. } => {
                let pending = self
                    .db
                    .list_follow_ups(number)
                    .await?
                    .into_iter()
                    .rev()
                    .find(|f| f.published_at.is_none() && f.rejected_at.is_none())
                    .ok_or(AppError::Refused(Refusal::NotInThisStatus))?;
                if let Command::RejectFollowUp { reason } = command {
                    let to = check(Action::RejectFollowUp)?;
                    let reason = required_text("reason", &reason, 10, 2000)?;
                    let id = pending.id;
                    let text = reason.clone();
                    draft.step(now, actor, Action::RejectFollowUp, to, |k| {
                        if let EventKind::Transition {
                            follow_up, reason, ..
                        } = k
                        {
                            *follow_up = Some(id);
                            *reason = Some(text);
                        }
                    });
                    draft.change.reject_follow_up = Some(id);
                    officer_notices.push((
                        Role::AdminUnit,
                        vec![pending.agency.clone()],
                        Notice::FollowUpRejected,
                        NoticeData {
                            text: Some(reason),
                            ..NoticeData::default()
                        },
                    ));
                } else {
                    check(Action::PublishFollowUp)?;
                    draft.change.publish_follow_up = Some(pending.id);
                    let mut notice = None;
                    self.publish_as(
                        &mut draft,
                        &report,
                        &policy,
                        now,
                        actor,
                        &pending.agency,
                        pending.body.clone(),
                        Some(pending.id),
                        &mut notice,
                    );
                    reporter_notice = notice;
                }
            }
            Command::RaisePrivacy {
                anonymous,
                confidential,
            } => {
                if r.status.is_final() {
                    return Err(AppError::Refused(Refusal::NotInThisStatus));
                }
                if !self.raise_privacy(&mut draft, r.privacy, anonymous, confidential, now, &actor)
                {
                    return Err(invalid("privacy", Problem::InvalidValue));
                }
            }
        }
        self.commit_once(draft, &report, reporter_notice, officer_notices)
            .await
    }

    /// Adds a privacy raise to `draft` when it raises anything; lowering is impossible by
    /// construction (only `true` flags are applied).
    fn raise_privacy(
        &self,
        draft: &mut Draft,
        current: Privacy,
        anonymous: bool,
        confidential: bool,
        now: DateTime<Utc>,
        actor: &Actor,
    ) -> bool {
        // An unticked box never lowers: the request is what is set plus what is asked.
        let requested = Privacy {
            anonymous: current.anonymous || anonymous,
            confidential: current.confidential || confidential,
        };
        let Ok(raised) = current.raise(requested) else {
            return false;
        };
        if raised == current {
            return false;
        }
        draft.events.push(Event {
            at: now,
            actor: actor.clone(),
            kind: EventKind::PrivacyRaised { privacy: raised },
        });
        draft.change.privacy = Some(raised);
        true
    }

    /// Records how the verification deadline was met (national admin's performance).
    fn verification_outcome(&self, draft: &mut Draft, report: &ReportWithHistory, policy: &Policy) {
        let r = &report.record.report;
        let clocks = policy.clocks(
            report,
            &[],
            r.status,
            report.record.workflow.handling_class,
            None,
        );
        if let Some(current) = clocks.current
            && current.step == Step::Verification
            && let Some(due) = current.due
        {
            draft.change.outcome = Some(StepOutcome {
                agency: None,
                step: Step::Verification,
                started: current.started,
                due,
            });
        }
    }

    /// Publishes a follow-up just written by the agency admin (or with no approval needed):
    /// a system step after the officer's.
    #[allow(clippy::too_many_arguments)]
    fn publish(
        &self,
        draft: &mut Draft,
        report: &ReportWithHistory,
        policy: &Policy,
        now: DateTime<Utc>,
        author: &str,
        body: String,
        notice: &mut Option<(Notice, NoticeData)>,
    ) {
        self.publish_as(
            draft,
            report,
            policy,
            now,
            Actor::system(),
            author,
            body,
            None,
            notice,
        );
    }

    #[allow(clippy::too_many_arguments)]
    fn publish_as(
        &self,
        draft: &mut Draft,
        report: &ReportWithHistory,
        policy: &Policy,
        now: DateTime<Utc>,
        actor: Actor,
        author: &str,
        body: String,
        id: Option<i64>,
        notice: &mut Option<(Notice, NoticeData)>,
    ) {
        let r = &report.record.report;
        let clocks = policy.clocks(
            report,
            &[],
            r.status,
            report.record.workflow.handling_class,
            r.agency.as_deref(),
        );
        if let Some(current) = clocks.current
            && current.step == Step::FollowUp
            && let Some(due) = current.due
        {
            draft.change.outcome = Some(StepOutcome {
                agency: Some(author.to_owned()),
                step: Step::FollowUp,
                started: current.started,
                due,
            });
        }
        draft.step(
            now,
            actor,
            Action::PublishFollowUp,
            Status::AwaitingReporter,
            |k| {
                if let EventKind::Transition { follow_up, .. } = k {
                    *follow_up = id;
                }
            },
        );
        let calendar = policy.calendar_of(r.agency.as_deref());
        let zone = policy.zone_of(r.agency.as_deref());
        let window = calendar.due(now, policy.limits.reporter_window, zone);
        *notice = Some((
            Notice::FollowUpPublished,
            NoticeData {
                agency: policy.agency(author).map(|a| a.name.clone()),
                text: Some(body),
                due: Some(format_due(window, zone)),
                ..NoticeData::default()
            },
        ));
    }

    pub(crate) fn check_uploads(uploads: Vec<Upload>) -> Result<Vec<NewAttachment>> {
        let uploads: Vec<Upload> = uploads.into_iter().filter(|u| !u.data.is_empty()).collect();
        if uploads.len() > MAX_ATTACHMENTS {
            return Err(invalid(
                "attachments",
                Problem::TooLong {
                    max: MAX_ATTACHMENTS,
                },
            ));
        }
        uploads
            .into_iter()
            .map(|u| {
                if u.data.len() > MAX_ATTACHMENT_BYTES {
                    return Err(invalid(
                        "attachments",
                        Problem::TooLong {
                            max: MAX_ATTACHMENT_BYTES,
                        },
                    ));
                }
                let content_type =
                    sniff(&u.data).ok_or_else(|| invalid("attachments", Problem::InvalidValue))?;
                let name: String = u
                    .file_name
                    .rsplit(['/', '\\'])
                    .next()
                    .unwrap_or_default()
                    .chars()
                    .filter(|c| !c.is_control() && *c != '"')
                    .take(120)
                    .collect();
                Ok(NewAttachment {
                    file_name: if name.trim().is_empty() {
                        "lampiran".to_owned()
                    } else {
                        name
                    },
                    content_type: content_type.to_owned(),
                    sha256: lapor_domain::tracking::sha256_hex(&u.data),
                    data: u.data,
                })
            })
            .collect()
    }

    /// Finishes a draft: the new deadline, the announcements, one transaction.
    pub(crate) async fn commit(
        &self,
        draft: Draft,
        report: &ReportWithHistory,
        reporter_notice: Option<(Notice, NoticeData)>,
        officer_notices: Vec<(Role, Vec<String>, Notice, NoticeData)>,
    ) -> Result<()> {
        self.commit_once(draft, report, reporter_notice, officer_notices)
            .await
            .map(|_| ())
    }

    /// [`App::commit`], telling whether it was written: false when the change carried an
    /// inbound message that had been recorded before (a replay).
    pub(crate) async fn commit_once(
        &self,
        mut draft: Draft,
        report: &ReportWithHistory,
        reporter_notice: Option<(Notice, NoticeData)>,
        officer_notices: Vec<(Role, Vec<String>, Notice, NoticeData)>,
    ) -> Result<bool> {
        let policy = self.policy();
        let now = self.now();
        let clocks = policy.clocks(
            report,
            &draft.events,
            draft.status,
            draft.class,
            draft.agency.as_deref(),
        );
        let due = clocks.current.map(|d| (d.step, d.due));
        draft.change.due = Some(due);
        draft.change.attention = Some(clocks.current.and_then(|d| d.due));
        draft.change.at = Some(now);
        let number = report.record.report.number;
        let due_text = clocks
            .current
            .and_then(|d| d.due.map(|due| format_due(due, d.zone)));
        if let Some((notice, mut data)) = reporter_notice {
            if data.due.is_none() {
                data.due.clone_from(&due_text);
            }
            self.tell_reporter(&mut draft.change, report, &draft.title, notice, data);
        }
        for (role, agencies, notice, mut data) in officer_notices {
            if data.due.is_none() {
                data.due.clone_from(&due_text);
            }
            self.tell_officers(
                &mut draft.change,
                number,
                &draft.title,
                role,
                &agencies,
                notice,
                data,
            )
            .await?;
        }
        if let Some((from, to)) = draft.change.status {
            self.queue_webhooks(&mut draft.change, report, from, to, draft.agency.as_deref())
                .await?;
        }
        draft.change.events = draft.events;
        match self.db.apply(&draft.change).await {
            Ok(applied) => Ok(applied != Applied::AlreadyDone),
            Err(StoreError::Stale) => Err(AppError::Conflict),
            Err(StoreError::UnknownReference(what)) => Err(invalid(
                if what == "category" {
                    "category"
                } else {
                    "agency"
                },
                if what == "category" {
                    Problem::UnknownCategory
                } else {
                    Problem::UnknownAgency
                },
            )),
            Err(e) => Err(e.into()),
        }
    }

    /// Queues an e-mail to the reporter (resolved to an address when sent) and an in-app
    /// notice when they have an account.
    pub(crate) fn tell_reporter(
        &self,
        change: &mut Change,
        report: &ReportWithHistory,
        title: &str,
        notice: Notice,
        data: NoticeData,
    ) {
        let r = &report.record.report;
        let lang = Language::from_code(&report.record.workflow.language);
        // The reporter hears back on the channel they wrote from: SMS for SMS, e-mail when
        // there is an address. No job otherwise: an empty one would only take the single
        // SQLite writer from intake.
        let contact = report.reporter.as_ref();
        let kind = if r.channel == lapor_domain::report::Channel::Sms
            && contact.is_some_and(|c| c.phone.is_some())
        {
            Some(crate::jobs::SMS)
        } else {
            contact
                .is_some_and(|c| c.email.is_some())
                .then_some(crate::jobs::EMAIL)
        };
        if let Some(kind) = kind {
            change
                .jobs
                .push(notice_job(kind, notice, lang, None, &data, self.now()));
        }
        if let Some(user) = r.reporter_user_id {
            change.notifications.push(NewNotification {
                user_id: user,
                text: headline(notice, lang, r.number, title),
            });
        }
    }

    /// Queues a signed webhook to every integrated system following the report (the one that
    /// filed it and those of the agency now responsible): status changes only, and never
    /// the reporter's personal data.
    async fn queue_webhooks(
        &self,
        change: &mut Change,
        report: &ReportWithHistory,
        from: Status,
        to: Status,
        agency: Option<&str>,
    ) -> Result<()> {
        let agencies: Vec<&str> = agency.into_iter().collect();
        let clients = self
            .db
            .webhook_clients(report.record.workflow.client_id, &agencies)
            .await?;
        let now = self.now();
        for client in clients {
            change.jobs.push(NewJob {
                kind: crate::jobs::WEBHOOK.to_owned(),
                payload: serde_json::json!({
                    "client": client.id,
                    "event": {
                        "type": "report.status_changed",
                        "status": to.code(),
                        "previous_status": from.code(),
                        "agency": agency,
                        "at": now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                    },
                }),
                run_at: now,
                max_attempts: 10,
                dedupe_key: None,
            });
        }
        Ok(())
    }

    /// Queues e-mails and in-app notices to every officer with `role` in `agencies` (all
    /// national admins when `role` is national).
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn tell_officers(
        &self,
        change: &mut Change,
        number: ReportNumber,
        title: &str,
        role: Role,
        agencies: &[String],
        notice: Notice,
        data: NoticeData,
    ) -> Result<()> {
        let codes: Vec<&str> = agencies.iter().map(String::as_str).collect();
        // National admins and pengawas are alerted as a body; everyone else through an agency.
        if !matches!(role, Role::AdminNasional | Role::Pengawas) && codes.is_empty() {
            return Ok(());
        }
        for (user_id, _name, email, language) in self.db.officers(role, &codes).await? {
            let lang = Language::from_code(&language);
            if email.is_some() {
                change.jobs.push(notice_job(
                    crate::jobs::EMAIL,
                    notice,
                    lang,
                    Some(user_id),
                    &data,
                    self.now(),
                ));
            }
            change.notifications.push(NewNotification {
                user_id,
                text: headline(notice, lang, number, title),
            });
        }
        Ok(())
    }

    // ----- The reporter's side -------------------------------------------------------------

    async fn load_for_reporter(&self, key: ReporterKey<'_>) -> Result<ReportWithHistory> {
        let report = match key {
            ReporterKey::Code(code) => {
                let code = TrackingCode::parse(code).ok_or(AppError::NotFound)?;
                self.db
                    .load_report(ReportKey::TrackingHash(&code.digest()), false)
                    .await?
            }
            ReporterKey::Account { user, number } => self
                .db
                .load_report(ReportKey::Number(number), false)
                .await?
                .filter(|r| r.record.report.reporter_user_id == Some(user.id)),
            ReporterKey::Contact { number, contact } => {
                let phone = lapor_domain::user::Phone::parse(contact);
                let contact = contact.trim();
                self.db
                    .load_report(ReportKey::Number(number), false)
                    .await?
                    .filter(|r| {
                        r.reporter.as_ref().is_some_and(|p| match &phone {
                            Some(phone) => p.phone.as_deref() == Some(phone.as_str()),
                            None => p.email.as_deref().is_some_and(|e| {
                                !contact.is_empty() && e.eq_ignore_ascii_case(contact)
                            }),
                        })
                    })
            }
            ReporterKey::Client { client_id, number } => self
                .db
                .load_report(ReportKey::Number(number), false)
                .await?
                .filter(|r| r.record.workflow.client_id == Some(client_id)),
        };
        report.ok_or(AppError::NotFound)
    }

    /// The report as its reporter sees it, with what they may do now.
    ///
    /// # Errors
    /// [`AppError::NotFound`] for a wrong code or someone else's report.
    pub async fn reporter_case(&self, key: ReporterKey<'_>) -> Result<ReporterCase> {
        let mut report = self.load_for_reporter(key).await?;
        report
            .history
            .retain(|e| e.event.kind.visible_to_reporter());
        let policy = self.fresh_policy().await?;
        let r = &report.record.report;
        let clocks = policy.clocks(
            &report,
            &[],
            r.status,
            report.record.workflow.handling_class,
            r.agency.as_deref(),
        );
        let follow_ups = self
            .db
            .list_follow_ups(r.number)
            .await?
            .into_iter()
            .filter(|f| f.published_at.is_some())
            .collect();
        Ok(ReporterCase {
            options: self.reporter_options(&policy, &report, &clocks),
            deadline: deadline_view(&policy, r.agency.as_deref(), &clocks, self.now()),
            follow_ups,
            report,
        })
    }

    fn reporter_options(
        &self,
        policy: &Policy,
        report: &ReportWithHistory,
        clocks: &Clocks,
    ) -> ReporterOptions {
        let r = &report.record.report;
        let now = self.now();
        let history: Vec<Event> = report.history.iter().map(|e| e.event.clone()).collect();
        let calendar = policy.calendar_of(r.agency.as_deref());
        let zone = policy.zone_of(r.agency.as_deref());
        let window_open =
            workflow::reporter_window_open(&history, &policy.limits, calendar, zone, now);
        let window_until = last_step(report, Action::PublishFollowUp)
            .map(|e| calendar.due(e.at, policy.limits.reporter_window, zone));
        let allowed =
            |action: Action| transition(r.status, action, ActorRole::Reporter, false).is_ok();
        ReporterOptions {
            reply: allowed(Action::ReporterReply) && window_open,
            supply_information: allowed(Action::SupplyInformation),
            confirm_resolved: allowed(Action::ConfirmResolved) && window_open,
            rate: matches!(r.status, Status::AwaitingReporter | Status::Closed)
                && last_step(report, Action::PublishFollowUp).is_some(),
            reopen: allowed(Action::Reopen) && window_open,
            escalate_ombudsman: allowed(Action::EscalateOmbudsman) && now >= clocks.ombudsman_from,
            window_until,
        }
    }

    /// Takes one step as the reporter.
    ///
    /// # Errors
    /// [`AppError::NotFound`] for a wrong code; [`AppError::Refused`] when the step is not
    /// open now; [`AppError::Invalid`] for bad input; [`AppError::Conflict`] when the report
    /// moved meanwhile (a double submission).
    pub async fn reporter_act(&self, key: ReporterKey<'_>, command: ReporterCommand) -> Result<()> {
        self.reporter_act_recorded(key, command, None)
            .await
            .map(|_| ())
    }

    /// [`App::reporter_act`], recording the channel message that asked for it in the same
    /// transaction; false when that message had been recorded before.
    pub(crate) async fn reporter_act_recorded(
        &self,
        key: ReporterKey<'_>,
        command: ReporterCommand,
        inbound: Option<(lapor_domain::report::Channel, &str)>,
    ) -> Result<bool> {
        let report = self.load_for_reporter(key).await?;
        let policy = self.fresh_policy().await?;
        let now = self.now();
        let r = &report.record.report;
        let clocks = policy.clocks(
            &report,
            &[],
            r.status,
            report.record.workflow.handling_class,
            r.agency.as_deref(),
        );
        let options = self.reporter_options(&policy, &report, &clocks);
        let actor = Actor::reporter(r.reporter_user_id);
        let disposed = units_disposed(&report);
        let mut draft = Draft::new(&report, None);
        draft.change.inbound =
            inbound.map(|(channel, id)| (channel.code().to_owned(), id.to_owned()));
        let mut officer_notices: Vec<(Role, Vec<String>, Notice, NoticeData)> = Vec::new();
        let mut reporter_notice = None;
        let handlers = || -> Vec<String> { r.agency.iter().cloned().collect() };
        let open = |allowed: bool, action: Action| -> Result<Status> {
            let to = transition(r.status, action, ActorRole::Reporter, disposed)?;
            if allowed {
                Ok(to)
            } else {
                Err(AppError::Refused(Refusal::WindowClosed))
            }
        };
        match command {
            ReporterCommand::Reply { text: answer } => {
                let to = open(options.reply, Action::ReporterReply)?;
                let answer = required_text("text", &answer, 5, 5000)?;
                draft.step(
                    now,
                    actor,
                    Action::ReporterReply,
                    to,
                    with_reason(Some(answer.clone())),
                );
                officer_notices.push((
                    Role::AdminInstansi,
                    handlers(),
                    Notice::ReporterAnswered,
                    NoticeData {
                        text: Some(answer.clone()),
                        ..NoticeData::default()
                    },
                ));
                if disposed {
                    let units = self
                        .db
                        .report_units(r.number)
                        .await?
                        .into_iter()
                        .map(|(c, _)| c)
                        .collect();
                    officer_notices.push((
                        Role::AdminUnit,
                        units,
                        Notice::ReporterAnswered,
                        NoticeData {
                            text: Some(answer),
                            ..NoticeData::default()
                        },
                    ));
                }
            }
            ReporterCommand::SupplyInformation { text: answer } => {
                let to = open(options.supply_information, Action::SupplyInformation)?;
                let answer = required_text("text", &answer, 5, 5000)?;
                draft.step(
                    now,
                    actor,
                    Action::SupplyInformation,
                    to,
                    with_reason(Some(answer)),
                );
            }
            ReporterCommand::ConfirmResolved => {
                let to = open(options.confirm_resolved, Action::ConfirmResolved)?;
                draft.step(now, actor, Action::ConfirmResolved, to, |_| {});
                reporter_notice = Some((Notice::Closed, NoticeData::default()));
            }
            ReporterCommand::Rate { stars, comment } => {
                if !options.rate {
                    return Err(AppError::Refused(Refusal::NotInThisStatus));
                }
                if !(1..=5).contains(&stars) {
                    return Err(invalid("stars", Problem::OutOfRange));
                }
                let mut errors = ValidationErrors::default();
                let comment = optional_text(&mut errors, "comment", comment.as_deref(), 2000);
                let comment = errors.into_result(comment).map_err(AppError::Invalid)?;
                draft.events.push(Event {
                    at: now,
                    actor,
                    kind: EventKind::Rated { stars, comment },
                });
                draft.change.rating = Some(stars);
            }
            ReporterCommand::Reopen { reason } => {
                let to = open(options.reopen, Action::Reopen)?;
                let reason = required_text("reason", &reason, 5, 2000)?;
                draft.step(
                    now,
                    actor,
                    Action::Reopen,
                    to,
                    with_reason(Some(reason.clone())),
                );
                officer_notices.push((
                    Role::AdminInstansi,
                    handlers(),
                    Notice::Reopened,
                    NoticeData {
                        text: Some(reason),
                        ..NoticeData::default()
                    },
                ));
            }
            ReporterCommand::EscalateOmbudsman => {
                let to = transition(
                    r.status,
                    Action::EscalateOmbudsman,
                    ActorRole::Reporter,
                    disposed,
                )?;
                if !options.escalate_ombudsman {
                    return Err(AppError::Refused(Refusal::TooEarlyForOmbudsman));
                }
                draft.step(now, actor, Action::EscalateOmbudsman, to, |_| {});
                officer_notices.push((
                    Role::AdminNasional,
                    Vec::new(),
                    Notice::EscalatedOmbudsman,
                    NoticeData::default(),
                ));
                officer_notices.push((
                    Role::Pengawas,
                    Vec::new(),
                    Notice::EscalatedOmbudsman,
                    NoticeData::default(),
                ));
                officer_notices.push((
                    Role::AdminInstansi,
                    handlers(),
                    Notice::EscalatedOmbudsman,
                    NoticeData::default(),
                ));
            }
        }
        if draft.change.status.is_none() && draft.change.rating.is_none() {
            return Err(AppError::Refused(Refusal::NotInThisStatus));
        }
        if draft.change.status.is_none() {
            // A rating moves no deadline; keep the stored one.
            return self
                .db
                .apply(&Change {
                    events: draft.events,
                    ..draft.change
                })
                .await
                .map(|applied| applied != Applied::AlreadyDone)
                .map_err(AppError::from);
        }
        self.commit_once(draft, &report, reporter_notice, officer_notices)
            .await
    }
}

/// A due instant as people read it: local date and time in the agency's zone.
#[must_use]
pub fn format_due(due: DateTime<Utc>, zone: Zone) -> String {
    // `due` is the end of a working day: show that day, not the midnight after it.
    let local = (due - chrono::TimeDelta::seconds(1)).with_timezone(&zone.offset());
    format!("{} {}", local.format("%d-%m-%Y %H:%M"), zone.code())
}

/// An outbox notice of `kind` (e-mail or SMS): `user` is an officer's account; `None` means
/// the report's reporter.
pub(crate) fn notice_job(
    kind: &str,
    notice: Notice,
    lang: Language,
    user: Option<i64>,
    data: &NoticeData,
    now: DateTime<Utc>,
) -> NewJob {
    NewJob {
        kind: kind.to_owned(),
        payload: serde_json::json!({
            "notice": notice,
            "lang": lang,
            "user": user,
            "data": data,
        }),
        run_at: now,
        max_attempts: 8,
        dedupe_key: None,
    }
}
