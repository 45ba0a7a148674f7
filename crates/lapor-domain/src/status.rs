//! The status machine of a report (domain.md §1.3), with the role allowed to take each step.

use serde::{Deserialize, Serialize};

/// Where a report stands in the SP4N-LAPOR! workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Belum terverifikasi: waiting for the national admin.
    Unverified,
    /// Tunda: put on hold by the national admin, e.g. waiting for more information.
    Pending,
    /// Terverifikasi dan didisposisikan: verified and routed to an agency (K/L/D).
    Routed,
    /// Disposisi: the agency passed it to one or more of its units (OPD, kecamatan, …).
    Disposed,
    /// Ditindaklanjuti: a follow-up (tindak lanjut) is written and waits for publication.
    FollowedUp,
    /// Menunggu tanggapan pelapor: the follow-up is published; the reporter has 10 working days.
    AwaitingReporter,
    /// Selesai.
    Closed,
    /// Bukan wewenang: the agency says it has no authority; back in the national routing queue.
    Returned,
    /// Diarsipkan: archived with a reason code, never published.
    Archived,
    /// Dilimpahkan ke Ombudsman: handed over with the reporter's consent.
    EscalatedOmbudsman,
}

impl Status {
    pub const ALL: [Status; 10] = [
        Status::Unverified,
        Status::Pending,
        Status::Routed,
        Status::Disposed,
        Status::FollowedUp,
        Status::AwaitingReporter,
        Status::Closed,
        Status::Returned,
        Status::Archived,
        Status::EscalatedOmbudsman,
    ];

    /// Stable snake_case code used in storage, URLs and the API.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Status::Unverified => "unverified",
            Status::Pending => "pending",
            Status::Routed => "routed",
            Status::Disposed => "disposed",
            Status::FollowedUp => "followed_up",
            Status::AwaitingReporter => "awaiting_reporter",
            Status::Closed => "closed",
            Status::Returned => "returned",
            Status::Archived => "archived",
            Status::EscalatedOmbudsman => "escalated_ombudsman",
        }
    }

    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// A report is published once the national admin has verified and forwarded it
    /// (APPSTORE: "dipublikasikan saat diteruskan"). Unverified, pending and archived
    /// reports are never public; confidentiality is checked separately.
    #[must_use]
    pub fn is_published(self) -> bool {
        !matches!(
            self,
            Status::Unverified | Status::Pending | Status::Archived
        )
    }

    /// No further handling happens in Lapor.
    #[must_use]
    pub fn is_final(self) -> bool {
        matches!(
            self,
            Status::Closed | Status::Archived | Status::EscalatedOmbudsman
        )
    }
}

/// Who acts on a report. Officer roles are scoped to an agency elsewhere; this is only the role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActorRole {
    /// Pelapor: the reporter, with or without an account (then via the tracking code).
    Reporter,
    /// Admin Nasional (KemenPAN-RB): verifies and routes.
    AdminNasional,
    /// Admin Instansi: the agency's coordinator.
    AdminInstansi,
    /// Admin Unit / Pejabat Penghubung: the unit's liaison who writes the follow-up.
    AdminUnit,
    /// Timers and automatic rules (auto-close, auto-publish).
    System,
}

impl ActorRole {
    pub const ALL: [ActorRole; 5] = [
        ActorRole::Reporter,
        ActorRole::AdminNasional,
        ActorRole::AdminInstansi,
        ActorRole::AdminUnit,
        ActorRole::System,
    ];

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            ActorRole::Reporter => "reporter",
            ActorRole::AdminNasional => "admin_nasional",
            ActorRole::AdminInstansi => "admin_instansi",
            ActorRole::AdminUnit => "admin_unit",
            ActorRole::System => "system",
        }
    }

    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }
}

/// A step in the workflow. Each one names the role that may take it in [`Action::rule`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Verifikasi: the national admin verifies and routes to an agency.
    Verify,
    /// A report whose reporter chose the agency goes straight to that agency.
    RouteToChosenAgency,
    /// Disposisi otomatis: the router was confident enough to route the report itself (only
    /// where the deployment switched this on).
    AutoRoute,
    /// The national admin takes back an automatic routing: the report returns to verification.
    UndoAutoRoute,
    /// Tunda: hold, with a reason.
    Pend,
    /// Ask the reporter for more information; the verification clock stops until they answer.
    RequestInformation,
    /// The reporter supplies what was asked (or adds to a held report); back to verification.
    SupplyInformation,
    /// Arsipkan: archive with a reason code.
    Archive,
    /// Terima: the agency admin acknowledges that the report is theirs to handle.
    Accept,
    /// Disposisi: the agency passes the report to its unit(s).
    Dispose,
    /// Bukan wewenang: the agency returns the report to national routing, with a reason.
    ReturnNotAuthority,
    /// The unit gives the report back to its agency admin (wrong unit), with a reason.
    ReturnToAgency,
    /// Tindak lanjut: the unit, or the agency handling it itself, writes the follow-up.
    FollowUp,
    /// The follow-up is published to the reporter (after approval, or automatically).
    PublishFollowUp,
    /// The agency admin sends a follow-up back for revision.
    RejectFollowUp,
    /// Tanggapan: the reporter answers the follow-up; handling resumes.
    ReporterReply,
    /// The reporter says the problem is solved.
    ConfirmResolved,
    /// No reporter answer within 10 working days after the follow-up.
    AutoClose,
    /// The reporter reopens a closed report within the window.
    Reopen,
    /// With the reporter's consent an unresolved report goes to the Ombudsman.
    EscalateOmbudsman,
}

/// The statuses an action starts from, the status it leads to, and who may take it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub from: &'static [Status],
    pub to: Target,
    pub roles: &'static [ActorRole],
}

/// Where an action leads. Some lead back to whoever held the report before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    To(Status),
    /// Back to the unit if it had been disposed to one, else to the agency (`Routed`).
    BackToHandler,
}

use ActorRole as R;
use Status as S;

/// Statuses in which a report is still being handled by someone and can be escalated.
const UNRESOLVED: &[Status] = &[
    S::Pending,
    S::Routed,
    S::Disposed,
    S::FollowedUp,
    S::AwaitingReporter,
    S::Returned,
];

impl Action {
    pub const ALL: [Action; 20] = [
        Action::Verify,
        Action::RouteToChosenAgency,
        Action::AutoRoute,
        Action::UndoAutoRoute,
        Action::Pend,
        Action::RequestInformation,
        Action::SupplyInformation,
        Action::Archive,
        Action::Accept,
        Action::Dispose,
        Action::ReturnNotAuthority,
        Action::ReturnToAgency,
        Action::FollowUp,
        Action::PublishFollowUp,
        Action::RejectFollowUp,
        Action::ReporterReply,
        Action::ConfirmResolved,
        Action::AutoClose,
        Action::Reopen,
        Action::EscalateOmbudsman,
    ];

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Action::Verify => "verify",
            Action::RouteToChosenAgency => "route_to_chosen_agency",
            Action::AutoRoute => "auto_route",
            Action::UndoAutoRoute => "undo_auto_route",
            Action::Pend => "pend",
            Action::RequestInformation => "request_information",
            Action::SupplyInformation => "supply_information",
            Action::Archive => "archive",
            Action::Accept => "accept",
            Action::Dispose => "dispose",
            Action::ReturnNotAuthority => "return_not_authority",
            Action::ReturnToAgency => "return_to_agency",
            Action::FollowUp => "follow_up",
            Action::PublishFollowUp => "publish_follow_up",
            Action::RejectFollowUp => "reject_follow_up",
            Action::ReporterReply => "reporter_reply",
            Action::ConfirmResolved => "confirm_resolved",
            Action::AutoClose => "auto_close",
            Action::Reopen => "reopen",
            Action::EscalateOmbudsman => "escalate_ombudsman",
        }
    }

    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.code() == code)
    }

    /// Hand-offs between officers whose reasons are notes to each other, not to the
    /// reporter or the public.
    #[must_use]
    pub fn is_internal(self) -> bool {
        matches!(self, Action::RejectFollowUp | Action::ReturnToAgency)
    }

    /// The one table of the workflow.
    #[must_use]
    pub fn rule(self) -> Rule {
        let (from, to, roles): (&'static [Status], Target, &'static [ActorRole]) = match self {
            // Also from Routed/Disposed: the national admin can pull a report back from an
            // agency that does not act (no admin, wrong agency) and route it again.
            Action::Verify => (
                &[
                    S::Unverified,
                    S::Pending,
                    S::Returned,
                    S::Routed,
                    S::Disposed,
                ],
                Target::To(S::Routed),
                &[R::AdminNasional],
            ),
            Action::RouteToChosenAgency | Action::AutoRoute => {
                (&[S::Unverified], Target::To(S::Routed), &[R::System])
            }
            Action::UndoAutoRoute => (&[S::Routed], Target::To(S::Unverified), &[R::AdminNasional]),
            Action::Pend => (
                &[S::Unverified, S::Returned],
                Target::To(S::Pending),
                &[R::AdminNasional],
            ),
            Action::RequestInformation => (
                &[S::Unverified, S::Returned],
                Target::To(S::Pending),
                &[R::AdminNasional],
            ),
            Action::SupplyInformation => (&[S::Pending], Target::To(S::Unverified), &[R::Reporter]),
            Action::Archive => (
                &[S::Unverified, S::Pending, S::Returned],
                Target::To(S::Archived),
                &[R::AdminNasional],
            ),
            // Acknowledging changes who is answerable, not where the report stands.
            Action::Accept => (&[S::Routed], Target::To(S::Routed), &[R::AdminInstansi]),
            Action::Dispose => (&[S::Routed], Target::To(S::Disposed), &[R::AdminInstansi]),
            Action::ReturnNotAuthority => (
                &[S::Routed, S::Disposed],
                Target::To(S::Returned),
                &[R::AdminInstansi],
            ),
            Action::ReturnToAgency => (&[S::Disposed], Target::To(S::Routed), &[R::AdminUnit]),
            Action::FollowUp => (
                &[S::Routed, S::Disposed],
                Target::To(S::FollowedUp),
                &[R::AdminInstansi, R::AdminUnit],
            ),
            Action::PublishFollowUp => (
                &[S::FollowedUp],
                Target::To(S::AwaitingReporter),
                &[R::AdminInstansi, R::System],
            ),
            Action::RejectFollowUp => {
                (&[S::FollowedUp], Target::BackToHandler, &[R::AdminInstansi])
            }
            Action::ReporterReply => (
                &[S::AwaitingReporter],
                Target::BackToHandler,
                &[R::Reporter],
            ),
            Action::ConfirmResolved => (
                &[S::AwaitingReporter],
                Target::To(S::Closed),
                &[R::Reporter],
            ),
            Action::AutoClose => (&[S::AwaitingReporter], Target::To(S::Closed), &[R::System]),
            Action::Reopen => (&[S::Closed], Target::BackToHandler, &[R::Reporter]),
            Action::EscalateOmbudsman => (
                UNRESOLVED,
                Target::To(S::EscalatedOmbudsman),
                &[R::Reporter],
            ),
        };
        Rule { from, to, roles }
    }
}

/// Why a step was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("{action:?} is not possible while the report is {from:?}")]
    NotFromStatus { from: Status, action: Action },
    #[error("{role:?} may not take the step {action:?}")]
    RoleNotAllowed { role: ActorRole, action: Action },
}

/// Checks one step and returns the status it leads to.
///
/// `disposed_to_unit` tells where [`Target::BackToHandler`] leads: a report that a unit was
/// handling goes back to that unit, otherwise to the agency.
///
/// # Errors
/// When the report's status does not allow `action`, or `role` may not take it.
pub fn transition(
    from: Status,
    action: Action,
    role: ActorRole,
    disposed_to_unit: bool,
) -> Result<Status, TransitionError> {
    let rule = action.rule();
    if !rule.roles.contains(&role) {
        return Err(TransitionError::RoleNotAllowed { role, action });
    }
    if !rule.from.contains(&from) {
        return Err(TransitionError::NotFromStatus { from, action });
    }
    Ok(match rule.to {
        Target::To(status) => status,
        Target::BackToHandler if disposed_to_unit => S::Disposed,
        Target::BackToHandler => S::Routed,
    })
}

/// The actions `role` may take on a report in `status`: what a console shows as buttons.
#[must_use]
pub fn available_actions(status: Status, role: ActorRole) -> Vec<Action> {
    Action::ALL
        .into_iter()
        .filter(|a| {
            let rule = a.rule();
            rule.from.contains(&status) && rule.roles.contains(&role)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The workflow written out a second time, by hand, as (from, action, role, to with
    /// `disposed_to_unit = false`, to with `true`). Every other combination must be refused.
    #[rustfmt::skip]
    const ALLOWED: &[(Status, Action, ActorRole, Status, Status)] = &[
        (S::Unverified, Action::Verify, R::AdminNasional, S::Routed, S::Routed),
        (S::Pending, Action::Verify, R::AdminNasional, S::Routed, S::Routed),
        (S::Returned, Action::Verify, R::AdminNasional, S::Routed, S::Routed),
        (S::Routed, Action::Verify, R::AdminNasional, S::Routed, S::Routed),
        (S::Disposed, Action::Verify, R::AdminNasional, S::Routed, S::Routed),
        (S::Unverified, Action::RouteToChosenAgency, R::System, S::Routed, S::Routed),
        (S::Unverified, Action::AutoRoute, R::System, S::Routed, S::Routed),
        (S::Routed, Action::UndoAutoRoute, R::AdminNasional, S::Unverified, S::Unverified),
        (S::Unverified, Action::Pend, R::AdminNasional, S::Pending, S::Pending),
        (S::Returned, Action::Pend, R::AdminNasional, S::Pending, S::Pending),
        (S::Unverified, Action::RequestInformation, R::AdminNasional, S::Pending, S::Pending),
        (S::Returned, Action::RequestInformation, R::AdminNasional, S::Pending, S::Pending),
        (S::Pending, Action::SupplyInformation, R::Reporter, S::Unverified, S::Unverified),
        (S::Routed, Action::Accept, R::AdminInstansi, S::Routed, S::Routed),
        (S::Unverified, Action::Archive, R::AdminNasional, S::Archived, S::Archived),
        (S::Pending, Action::Archive, R::AdminNasional, S::Archived, S::Archived),
        (S::Returned, Action::Archive, R::AdminNasional, S::Archived, S::Archived),
        (S::Routed, Action::Dispose, R::AdminInstansi, S::Disposed, S::Disposed),
        (S::Routed, Action::ReturnNotAuthority, R::AdminInstansi, S::Returned, S::Returned),
        (S::Disposed, Action::ReturnNotAuthority, R::AdminInstansi, S::Returned, S::Returned),
        (S::Disposed, Action::ReturnToAgency, R::AdminUnit, S::Routed, S::Routed),
        (S::Routed, Action::FollowUp, R::AdminInstansi, S::FollowedUp, S::FollowedUp),
        (S::Disposed, Action::FollowUp, R::AdminInstansi, S::FollowedUp, S::FollowedUp),
        (S::Routed, Action::FollowUp, R::AdminUnit, S::FollowedUp, S::FollowedUp),
        (S::Disposed, Action::FollowUp, R::AdminUnit, S::FollowedUp, S::FollowedUp),
        (S::FollowedUp, Action::PublishFollowUp, R::AdminInstansi, S::AwaitingReporter, S::AwaitingReporter),
        (S::FollowedUp, Action::PublishFollowUp, R::System, S::AwaitingReporter, S::AwaitingReporter),
        (S::FollowedUp, Action::RejectFollowUp, R::AdminInstansi, S::Routed, S::Disposed),
        (S::AwaitingReporter, Action::ReporterReply, R::Reporter, S::Routed, S::Disposed),
        (S::AwaitingReporter, Action::ConfirmResolved, R::Reporter, S::Closed, S::Closed),
        (S::AwaitingReporter, Action::AutoClose, R::System, S::Closed, S::Closed),
        (S::Closed, Action::Reopen, R::Reporter, S::Routed, S::Disposed),
        (S::Pending, Action::EscalateOmbudsman, R::Reporter, S::EscalatedOmbudsman, S::EscalatedOmbudsman),
        (S::Routed, Action::EscalateOmbudsman, R::Reporter, S::EscalatedOmbudsman, S::EscalatedOmbudsman),
        (S::Disposed, Action::EscalateOmbudsman, R::Reporter, S::EscalatedOmbudsman, S::EscalatedOmbudsman),
        (S::FollowedUp, Action::EscalateOmbudsman, R::Reporter, S::EscalatedOmbudsman, S::EscalatedOmbudsman),
        (S::AwaitingReporter, Action::EscalateOmbudsman, R::Reporter, S::EscalatedOmbudsman, S::EscalatedOmbudsman),
        (S::Returned, Action::EscalateOmbudsman, R::Reporter, S::EscalatedOmbudsman, S::EscalatedOmbudsman),
    ];

    #[test]
    fn every_combination_is_allowed_exactly_as_the_table_says() {
        let mut allowed_seen = 0;
        for from in Status::ALL {
            for action in Action::ALL {
                for role in ActorRole::ALL {
                    let expected = ALLOWED
                        .iter()
                        .find(|(f, a, r, _, _)| *f == from && *a == action && *r == role);
                    for unit in [false, true] {
                        let got = transition(from, action, role, unit);
                        match expected {
                            Some((_, _, _, to_agency, to_unit)) => {
                                let want = if unit { *to_unit } else { *to_agency };
                                assert_eq!(
                                    got,
                                    Ok(want),
                                    "{from:?} {action:?} {role:?} unit={unit}"
                                );
                            }
                            None => assert!(
                                got.is_err(),
                                "{from:?} {action:?} {role:?} must be refused"
                            ),
                        }
                    }
                    allowed_seen += usize::from(expected.is_some());
                }
            }
        }
        assert_eq!(allowed_seen, ALLOWED.len(), "table has duplicate rows");
    }

    #[test]
    fn refusal_names_the_reason() {
        assert_eq!(
            transition(S::Unverified, Action::Verify, R::AdminInstansi, false),
            Err(TransitionError::RoleNotAllowed {
                role: R::AdminInstansi,
                action: Action::Verify
            })
        );
        assert_eq!(
            transition(S::Closed, Action::Verify, R::AdminNasional, false),
            Err(TransitionError::NotFromStatus {
                from: S::Closed,
                action: Action::Verify
            })
        );
    }

    #[test]
    fn final_statuses_allow_nothing_but_reopening_a_closed_report() {
        for status in [S::Archived, S::EscalatedOmbudsman] {
            for role in ActorRole::ALL {
                assert!(
                    available_actions(status, role).is_empty(),
                    "{status:?} {role:?}"
                );
            }
        }
        assert_eq!(
            available_actions(S::Closed, R::Reporter),
            vec![Action::Reopen]
        );
    }

    #[test]
    fn a_returned_report_always_has_a_way_back_to_routing() {
        // No dead ends: "bukan wewenang" lands in the national queue, which can route again.
        let next = transition(
            S::Routed,
            Action::ReturnNotAuthority,
            R::AdminInstansi,
            false,
        );
        assert_eq!(next, Ok(S::Returned));
        assert!(available_actions(S::Returned, R::AdminNasional).contains(&Action::Verify));
    }

    #[test]
    fn publication_follows_verification() {
        assert!(!S::Unverified.is_published());
        assert!(!S::Pending.is_published());
        assert!(!S::Archived.is_published());
        assert!(S::Routed.is_published());
        assert!(S::Closed.is_published());
    }

    #[test]
    fn codes_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::from_code(s.code()), Some(s));
        }
        for r in ActorRole::ALL {
            assert_eq!(ActorRole::from_code(r.code()), Some(r));
        }
        for a in Action::ALL {
            assert_eq!(Action::from_code(a.code()), Some(a));
        }
        assert_eq!(Status::from_code("deleted"), None);
    }
}
