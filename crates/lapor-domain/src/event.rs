//! The append-only history of a report: every change is an event with actor and time.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::privacy::Privacy;
use crate::report::{Channel, Classification};
use crate::status::{Action, ActorRole, Status};
use crate::workflow::{ArchiveReason, HandlingClass, Step};

/// Who did it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub role: ActorRole,
    /// The account, when the actor has one.
    pub user_id: Option<i64>,
}

impl Actor {
    #[must_use]
    pub fn system() -> Self {
        Self {
            role: ActorRole::System,
            user_id: None,
        }
    }

    #[must_use]
    pub fn reporter(user_id: Option<i64>) -> Self {
        Self {
            role: ActorRole::Reporter,
            user_id,
        }
    }
}

/// What happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    /// The report was received.
    Submitted { channel: Channel },
    /// A workflow step (see [`crate::status::transition`]).
    Transition {
        action: Action,
        from: Status,
        to: Status,
        /// Agency the report was routed or returned to, by code.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        agency: Option<String>,
        /// The text given with the step: a reason (bukan wewenang, tunda, archive), a question
        /// to the reporter, or the reporter's answer. Shown to the reporter.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
        /// Disposisi: the units the report was passed to, by code.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        units: Vec<String>,
        /// The follow-up this step wrote, published or sent back.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        follow_up: Option<i64>,
        /// Why a report was archived.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        archive: Option<ArchiveReason>,
        /// Bukan wewenang: the agency the returning agency thinks is competent, by code.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        suggested_agency: Option<String>,
    },
    /// An officer raised the report's privacy.
    PrivacyRaised { privacy: Privacy },
    /// The national admin checked the content while verifying: the title as a summary, the
    /// classification, category and handling class. The submitted title stays in `previous_title`.
    Verified {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        previous_title: Option<String>,
        title: String,
        classification: Classification,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        category: Option<String>,
        handling_class: HandlingClass,
    },
    /// The reporter rated the handling.
    Rated {
        stars: u8,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        comment: Option<String>,
    },
    /// A deadline passed: `stage` 1 alerts whoever holds the report, stage 2 escalates further up.
    Overdue {
        step: Step,
        due: DateTime<Utc>,
        stage: u8,
        /// Who was alerted: agency codes, or `admin_nasional`.
        notified: Vec<String>,
    },
    /// The report has been unresolved for 60 days; the reporter was offered the Ombudsman.
    OmbudsmanOffered,
    /// A national admin looked at the identity of an anonymous reporter.
    IdentityViewed,
}

impl EventKind {
    /// Stable code stored beside the JSON for filtering.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            EventKind::Submitted { .. } => "submitted",
            EventKind::Transition { .. } => "transition",
            EventKind::PrivacyRaised { .. } => "privacy_raised",
            EventKind::Verified { .. } => "verified",
            EventKind::Rated { .. } => "rated",
            EventKind::Overdue { .. } => "overdue",
            EventKind::OmbudsmanOffered => "ombudsman_offered",
            EventKind::IdentityViewed => "identity_viewed",
        }
    }

    /// The public sees the workflow steps of a published report, never privacy changes
    /// (they would hint at what is hidden), internal notes, nor steps before publication.
    #[must_use]
    pub fn visible_to_public(&self) -> bool {
        match self {
            EventKind::Submitted { .. } => true,
            // Steps into a published state, except officers' internal hand-offs (their
            // reasons are notes between officers); holds and questions after a return lead to
            // an unpublished state and stay internal too.
            EventKind::Transition { action, to, .. } => to.is_published() && !action.is_internal(),
            EventKind::PrivacyRaised { .. }
            | EventKind::Verified { .. }
            | EventKind::Rated { .. }
            | EventKind::Overdue { .. }
            | EventKind::OmbudsmanOffered
            | EventKind::IdentityViewed => false,
        }
    }

    /// The reporter sees their report's whole history except who looked at their identity
    /// (officers' audit trail) and officers' internal escalations.
    #[must_use]
    pub fn visible_to_reporter(&self) -> bool {
        match self {
            EventKind::IdentityViewed | EventKind::Overdue { .. } | EventKind::Verified { .. } => {
                false
            }
            EventKind::Transition { action, .. } => !action.is_internal(),
            _ => true,
        }
    }

    /// A plain workflow step with no extra data.
    #[must_use]
    pub fn step(action: Action, from: Status, to: Status) -> Self {
        EventKind::Transition {
            action,
            from,
            to,
            agency: None,
            reason: None,
            units: Vec::new(),
            follow_up: None,
            archive: None,
            suggested_agency: None,
        }
    }
}

/// One entry of a report's history.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub at: DateTime<Utc>,
    pub actor: Actor,
    pub kind: EventKind,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_public_does_not_see_privacy_changes_or_pre_publication_steps() {
        let raised = EventKind::PrivacyRaised {
            privacy: Privacy {
                anonymous: true,
                confidential: false,
            },
        };
        assert!(!raised.visible_to_public());
        let pend = EventKind::step(Action::Pend, Status::Unverified, Status::Pending);
        assert!(!pend.visible_to_public());
        let routed = EventKind::step(Action::Verify, Status::Pending, Status::Routed);
        assert!(routed.visible_to_public());
        // Officers' notes to each other stay between officers.
        let rejected =
            EventKind::step(Action::RejectFollowUp, Status::FollowedUp, Status::Disposed);
        assert!(!rejected.visible_to_public() && !rejected.visible_to_reporter());
        let handed_back = EventKind::step(Action::ReturnToAgency, Status::Disposed, Status::Routed);
        assert!(!handed_back.visible_to_public() && !handed_back.visible_to_reporter());
        // A hold after a bukan wewenang return is not public: the report is back in routing.
        let held = EventKind::step(Action::Pend, Status::Returned, Status::Pending);
        assert!(!held.visible_to_public());
        let returned =
            EventKind::step(Action::ReturnNotAuthority, Status::Routed, Status::Returned);
        assert!(returned.visible_to_public() && returned.visible_to_reporter());
        assert!(!EventKind::IdentityViewed.visible_to_public());
        assert!(!EventKind::IdentityViewed.visible_to_reporter());
        assert!(pend.visible_to_reporter(), "the reporter sees every step");
    }
}
