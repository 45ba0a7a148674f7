//! The append-only history of a report: every change is an event with actor and time.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::privacy::Privacy;
use crate::report::Channel;
use crate::status::{Action, ActorRole, Status};

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
        /// The reason given (bukan wewenang, tunda, archive reason code), shown to the reporter.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<String>,
    },
    /// An officer raised the report's privacy.
    PrivacyRaised { privacy: Privacy },
}

impl EventKind {
    /// Stable code stored beside the JSON for filtering.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            EventKind::Submitted { .. } => "submitted",
            EventKind::Transition { .. } => "transition",
            EventKind::PrivacyRaised { .. } => "privacy_raised",
        }
    }

    /// The public sees the workflow steps of a published report, never privacy changes
    /// (they would hint at what is hidden) nor steps before publication.
    #[must_use]
    pub fn visible_to_public(&self) -> bool {
        match self {
            EventKind::Submitted { .. } => true,
            EventKind::Transition { from, to, .. } => from.is_published() || to.is_published(),
            EventKind::PrivacyRaised { .. } => false,
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
        let pend = EventKind::Transition {
            action: Action::Pend,
            from: Status::Unverified,
            to: Status::Pending,
            agency: None,
            reason: None,
        };
        assert!(!pend.visible_to_public());
        let routed = EventKind::Transition {
            action: Action::Verify,
            from: Status::Pending,
            to: Status::Routed,
            agency: Some("kemenkes".into()),
            reason: None,
        };
        assert!(routed.visible_to_public());
    }
}
