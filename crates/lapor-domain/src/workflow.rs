//! The clocks of the workflow (domain.md §1.4): which deadline a report is running against,
//! when it is due, and which escalation steps have come due. Everything is computed from the
//! report's append-only history, so a due date is always explainable and never drifts.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::{Calendar, Pause, Zone};
use crate::event::{Event, EventKind};
use crate::status::{Action, Status};

/// Kelas penanganan: how much handling a report needs, which sets its resolution target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HandlingClass {
    /// Information requests and ordinary complaints (5 working days by default).
    Biasa,
    /// Disputes or violations that need no field check (14).
    TanpaPemeriksaan,
    /// Cases that need a field examination (60).
    PemeriksaanLapangan,
}

impl HandlingClass {
    pub const ALL: [HandlingClass; 3] = [
        HandlingClass::Biasa,
        HandlingClass::TanpaPemeriksaan,
        HandlingClass::PemeriksaanLapangan,
    ];

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            HandlingClass::Biasa => "biasa",
            HandlingClass::TanpaPemeriksaan => "tanpa_pemeriksaan",
            HandlingClass::PemeriksaanLapangan => "pemeriksaan_lapangan",
        }
    }

    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }
}

/// Why the national admin archived a report (the biggest volume driver: record it always).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ArchiveReason {
    /// Tidak lengkap: what, where or when is missing.
    Incomplete,
    /// Masukan terlalu umum.
    TooGeneral,
    /// Bukan tentang pelayanan publik.
    NotPublicService,
    /// Duplikat of another report (named in the reason text).
    Duplicate,
    /// Abusive or offensive content.
    Abusive,
    /// Out of scope, e.g. a criminal or corruption case: the reason text refers the reporter
    /// to the police, KPK or the Ombudsman.
    OutOfScope,
}

impl ArchiveReason {
    pub const ALL: [ArchiveReason; 6] = [
        ArchiveReason::Incomplete,
        ArchiveReason::TooGeneral,
        ArchiveReason::NotPublicService,
        ArchiveReason::Duplicate,
        ArchiveReason::Abusive,
        ArchiveReason::OutOfScope,
    ];

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            ArchiveReason::Incomplete => "incomplete",
            ArchiveReason::TooGeneral => "too_general",
            ArchiveReason::NotPublicService => "not_public_service",
            ArchiveReason::Duplicate => "duplicate",
            ArchiveReason::Abusive => "abusive",
            ArchiveReason::OutOfScope => "out_of_scope",
        }
    }

    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }

    /// Duplicates and referrals are useless without a text naming the other report or the
    /// competent body.
    #[must_use]
    pub fn needs_text(self) -> bool {
        matches!(self, ArchiveReason::Duplicate | ArchiveReason::OutOfScope)
    }
}

/// The stretch of work a deadline belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// The national admin verifies and routes (3 working days).
    Verification,
    /// The agency publishes a follow-up (5 working days after the report reaches it).
    FollowUp,
    /// The reporter may answer (10 working days), then the report closes itself.
    ReporterWindow,
}

impl Step {
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Step::Verification => "verification",
            Step::FollowUp => "follow_up",
            Step::ReporterWindow => "reporter_window",
        }
    }

    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        [Step::Verification, Step::FollowUp, Step::ReporterWindow]
            .into_iter()
            .find(|s| s.code() == code)
    }
}

/// The time limits of a deployment, in working days unless named otherwise (domain.md §1.4:
/// local variants exist, so every one is a setting).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    pub verification: u32,
    pub follow_up: u32,
    pub reporter_window: u32,
    /// Resolution targets by handling class: biasa, tanpa pemeriksaan, pemeriksaan lapangan.
    pub resolution: [u32; 3],
    /// Working days after an overdue follow-up before it goes up to the parent agency and the
    /// national admins.
    pub escalate_after: u32,
    /// Calendar days unresolved after which the reporter may take the report to the Ombudsman.
    pub ombudsman_days: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            verification: 3,
            follow_up: 5,
            reporter_window: 10,
            resolution: [5, 14, 60],
            escalate_after: 2,
            ombudsman_days: 60,
        }
    }
}

impl Limits {
    #[must_use]
    pub fn resolution_for(&self, class: HandlingClass) -> u32 {
        match class {
            HandlingClass::Biasa => self.resolution[0],
            HandlingClass::TanpaPemeriksaan => self.resolution[1],
            HandlingClass::PemeriksaanLapangan => self.resolution[2],
        }
    }
}

/// The calendars a report's clocks run on: verification on the national one, agency steps
/// on the agency's (national plus its regional holidays).
#[derive(Debug, Clone, Copy)]
pub struct Calendars<'a> {
    pub national: &'a Calendar,
    pub agency: &'a Calendar,
}

impl<'a> Calendars<'a> {
    /// One calendar for everything (an agency without regional holidays).
    #[must_use]
    pub fn same(calendar: &'a Calendar) -> Self {
        Self {
            national: calendar,
            agency: calendar,
        }
    }
}

/// The deadline a report is running against now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    pub step: Step,
    /// When this step's clock started; escalations are keyed by it so each cycle escalates once.
    pub started: DateTime<Utc>,
    /// `None` while the clock is stopped (waiting for the reporter to supply information).
    pub due: Option<DateTime<Utc>>,
    /// The zone the clock runs in: the national admin's (WIB) or the agency's.
    pub zone: Zone,
}

/// The clocks of one report, read from its history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clocks {
    /// The current step's deadline; `None` once the report is final.
    pub current: Option<Deadline>,
    /// Resolution target by handling class, counted from when the report first reached the
    /// current agency; `None` before routing and once final.
    pub resolution_due: Option<DateTime<Utc>>,
    /// When the reporter may take the report to the Ombudsman.
    pub ombudsman_from: DateTime<Utc>,
}

/// Computes the clocks of a report in `status` from its `history` (oldest first).
///
/// Verification runs in WIB (the national admin sits in Jakarta) from submission, or from
/// the last return as *bukan wewenang*; it stops while the reporter is asked for information.
/// The follow-up clock starts whenever the report reaches the agency (routing, the reporter's
/// answer, reopening) and runs in the agency's `agency_zone` until a follow-up is published.
/// The reporter's window starts at that publication.
#[must_use]
pub fn clocks(
    history: &[Event],
    status: Status,
    handling_class: HandlingClass,
    limits: &Limits,
    calendars: Calendars<'_>,
    agency_zone: Zone,
) -> Clocks {
    let Calendars {
        national,
        agency: calendar,
    } = calendars;
    let submitted = history.first().map_or(DateTime::<Utc>::MIN_UTC, |e| e.at);
    let mut verification_start = submitted;
    let mut pauses: Vec<Pause> = Vec::new();
    let mut agency_start: Option<DateTime<Utc>> = None;
    let mut routed_at: Option<DateTime<Utc>> = None;
    let mut reporter_start: Option<DateTime<Utc>> = None;
    for event in history {
        let EventKind::Transition { action, .. } = &event.kind else {
            continue;
        };
        match action {
            Action::ReturnNotAuthority => {
                verification_start = event.at;
                pauses.clear();
                routed_at = None;
            }
            Action::RequestInformation => pauses.push(Pause {
                from: event.at,
                until: None,
            }),
            Action::SupplyInformation => {
                if let Some(open) = pauses.iter_mut().rev().find(|p| p.until.is_none()) {
                    open.until = Some(event.at);
                }
            }
            Action::Verify | Action::RouteToChosenAgency | Action::AutoRoute => {
                agency_start = Some(event.at);
                routed_at = Some(event.at);
            }
            // Back to verification, whose clock kept running from submission: an automatic
            // route that was wrong gives the national admin no extra days.
            Action::UndoAutoRoute => {
                agency_start = None;
                routed_at = None;
            }
            Action::ReporterReply | Action::Reopen => agency_start = Some(event.at),
            Action::PublishFollowUp => reporter_start = Some(event.at),
            _ => {}
        }
    }
    let deadline = |step, start: DateTime<Utc>, days, zone| Deadline {
        step,
        started: start,
        due: Some(calendar.due(start, days, zone)),
        zone,
    };
    let current = match status {
        Status::Unverified | Status::Pending | Status::Returned => {
            // Only the pauses of the current cycle count; a pause still open stops the clock.
            // The national admin works on the national calendar, whoever returned the report.
            let due = national.due_with_pauses(
                verification_start,
                limits.verification,
                &pauses,
                Zone::Wib,
            );
            Some(Deadline {
                step: Step::Verification,
                started: verification_start,
                due,
                zone: Zone::Wib,
            })
        }
        Status::Routed | Status::Disposed | Status::FollowedUp => {
            agency_start.map(|start| deadline(Step::FollowUp, start, limits.follow_up, agency_zone))
        }
        Status::AwaitingReporter => reporter_start.map(|start| {
            deadline(
                Step::ReporterWindow,
                start,
                limits.reporter_window,
                agency_zone,
            )
        }),
        Status::Closed | Status::Archived | Status::EscalatedOmbudsman => None,
    };
    let resolution_due = routed_at
        .filter(|_| !status.is_final())
        .map(|start| calendar.due(start, limits.resolution_for(handling_class), agency_zone));
    Clocks {
        current,
        resolution_due,
        ombudsman_from: submitted + TimeDelta::days(i64::from(limits.ombudsman_days)),
    }
}

/// The escalation stages of `deadline` that have come due at `now`: stage 1 at the due
/// instant (alert whoever holds the report), stage 2 `escalate_after` working days later
/// (the parent agency and the national admins; only for follow-ups — the national admins
/// already got stage 1 of a late verification). The reporter's window never escalates: it
/// ends in auto-close.
#[must_use]
pub fn escalation_stages(
    deadline: &Deadline,
    now: DateTime<Utc>,
    limits: &Limits,
    calendar: &Calendar,
) -> Vec<u8> {
    let Some(due) = deadline.due else {
        return Vec::new();
    };
    if deadline.step == Step::ReporterWindow || now < due {
        return Vec::new();
    }
    let mut stages = vec![1];
    if deadline.step == Step::FollowUp {
        let second = second_stage_at(due, limits, calendar, deadline.zone);
        if now >= second {
            stages.push(2);
        }
    }
    stages
}

/// When an overdue follow-up goes up a level: `escalate_after` working days after the day
/// it was due (`due` is the midnight ending that day, so count from just before it).
#[must_use]
pub fn second_stage_at(
    due: DateTime<Utc>,
    limits: &Limits,
    calendar: &Calendar,
    zone: Zone,
) -> DateTime<Utc> {
    calendar.due(due - TimeDelta::seconds(1), limits.escalate_after, zone)
}

/// The reporter may still answer or reopen: within the reporter window after the last
/// published follow-up.
#[must_use]
pub fn reporter_window_open(
    history: &[Event],
    limits: &Limits,
    calendar: &Calendar,
    zone: Zone,
    now: DateTime<Utc>,
) -> bool {
    let published = history.iter().rev().find(|e| {
        matches!(
            e.kind,
            EventKind::Transition {
                action: Action::PublishFollowUp,
                ..
            }
        )
    });
    published.is_some_and(|e| now < calendar.due(e.at, limits.reporter_window, zone))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::event::Actor;
    use crate::status::ActorRole;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        // Hours given in WIB.
        Utc.with_ymd_and_hms(y, m, d, h, min, 0)
            .single()
            .expect("valid time")
            - TimeDelta::hours(7)
    }

    fn end_of_wib_day(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        at(y, m, d, 0, 0) + TimeDelta::days(1)
    }

    fn step(when: DateTime<Utc>, action: Action, from: Status, to: Status) -> Event {
        Event {
            at: when,
            actor: Actor {
                role: ActorRole::System,
                user_id: None,
            },
            kind: EventKind::step(action, from, to),
        }
    }

    fn submitted(when: DateTime<Utc>) -> Event {
        Event {
            at: when,
            actor: Actor::reporter(None),
            kind: EventKind::Submitted {
                channel: crate::report::Channel::Web,
            },
        }
    }

    fn clocks_of(history: &[Event], status: Status) -> Clocks {
        clocks(
            history,
            status,
            HandlingClass::Biasa,
            &Limits::default(),
            Calendars::same(&Calendar::indonesia()),
            Zone::Wib,
        )
    }

    #[test]
    fn verification_is_due_three_working_days_after_submission() {
        // Monday 2 Nov 2026, 10:00 WIB → due at the end of Thursday 5 Nov.
        let history = [submitted(at(2026, 11, 2, 10, 0))];
        let c = clocks_of(&history, Status::Unverified);
        let current = c.current.expect("a clock runs");
        assert_eq!(current.step, Step::Verification);
        assert_eq!(current.due, Some(end_of_wib_day(2026, 11, 5)));
    }

    #[test]
    fn asking_the_reporter_stops_the_verification_clock() {
        let filed = at(2026, 11, 2, 10, 0); // Monday
        let asked = at(2026, 11, 3, 9, 0); // Tuesday
        let answered = at(2026, 11, 10, 9, 0); // next Tuesday: 5 working days later
        let mut history = vec![
            submitted(filed),
            step(
                asked,
                Action::RequestInformation,
                Status::Unverified,
                Status::Pending,
            ),
        ];
        let waiting = clocks_of(&history, Status::Pending);
        assert_eq!(waiting.current.and_then(|d| d.due), None, "clock stopped");
        history.push(step(
            answered,
            Action::SupplyInformation,
            Status::Pending,
            Status::Unverified,
        ));
        let resumed = clocks_of(&history, Status::Unverified);
        // Thursday 5 Nov pushed by the 5 working days of waiting: Thursday 12 Nov.
        assert_eq!(
            resumed.current.and_then(|d| d.due),
            Some(end_of_wib_day(2026, 11, 12))
        );
    }

    #[test]
    fn follow_up_clock_starts_when_the_report_reaches_the_agency() {
        let filed = at(2026, 11, 2, 10, 0);
        let routed = at(2026, 11, 4, 15, 0); // Wednesday
        let history = [
            submitted(filed),
            step(routed, Action::Verify, Status::Unverified, Status::Routed),
        ];
        let c = clocks_of(&history, Status::Routed);
        let current = c.current.expect("a clock runs");
        assert_eq!(current.step, Step::FollowUp);
        assert_eq!(current.started, routed);
        // 5 working days after Wednesday 4 Nov: Wednesday 11 Nov.
        assert_eq!(current.due, Some(end_of_wib_day(2026, 11, 11)));
        // Resolution target for "biasa" is also 5 working days.
        assert_eq!(c.resolution_due, Some(end_of_wib_day(2026, 11, 11)));
    }

    #[test]
    fn a_return_restarts_verification_and_final_reports_have_no_clock() {
        let history = [
            submitted(at(2026, 11, 2, 10, 0)),
            step(
                at(2026, 11, 3, 10, 0),
                Action::Verify,
                Status::Unverified,
                Status::Routed,
            ),
            step(
                at(2026, 11, 9, 10, 0),
                Action::ReturnNotAuthority,
                Status::Routed,
                Status::Returned,
            ),
        ];
        let c = clocks_of(&history, Status::Returned);
        let current = c.current.expect("a clock runs");
        assert_eq!(current.step, Step::Verification);
        assert_eq!(current.started, at(2026, 11, 9, 10, 0));
        assert_eq!(current.due, Some(end_of_wib_day(2026, 11, 12)));
        assert_eq!(c.resolution_due, None);
        assert_eq!(clocks_of(&history, Status::Archived).current, None);
    }

    #[test]
    fn escalation_comes_in_two_stages_for_follow_ups_only() {
        let calendar = Calendar::indonesia();
        let limits = Limits::default();
        let due = end_of_wib_day(2026, 11, 11); // Wednesday
        let follow_up = Deadline {
            step: Step::FollowUp,
            started: at(2026, 11, 4, 15, 0),
            due: Some(due),
            zone: Zone::Wib,
        };
        let before = due - TimeDelta::seconds(1);
        assert!(escalation_stages(&follow_up, before, &limits, &calendar).is_empty());
        assert_eq!(
            escalation_stages(&follow_up, due, &limits, &calendar),
            vec![1]
        );
        // Two working days after Wednesday's end: the end of Friday 13 Nov.
        let friday_end = end_of_wib_day(2026, 11, 13);
        assert_eq!(
            escalation_stages(
                &follow_up,
                friday_end - TimeDelta::seconds(1),
                &limits,
                &calendar
            ),
            vec![1]
        );
        assert_eq!(
            escalation_stages(&follow_up, friday_end, &limits, &calendar),
            vec![1, 2]
        );
        let verification = Deadline {
            step: Step::Verification,
            ..follow_up
        };
        assert_eq!(
            escalation_stages(&verification, friday_end, &limits, &calendar),
            vec![1]
        );
        let window = Deadline {
            step: Step::ReporterWindow,
            ..follow_up
        };
        assert!(escalation_stages(&window, friday_end, &limits, &calendar).is_empty());
    }

    #[test]
    fn codes_round_trip() {
        for c in HandlingClass::ALL {
            assert_eq!(HandlingClass::from_code(c.code()), Some(c));
        }
        for r in ArchiveReason::ALL {
            assert_eq!(ArchiveReason::from_code(r.code()), Some(r));
        }
        for s in [Step::Verification, Step::FollowUp, Step::ReporterWindow] {
            assert_eq!(Step::from_code(s.code()), Some(s));
        }
    }
}
