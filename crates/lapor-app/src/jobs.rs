//! Background work: the deadline sweep (automatic routing to a chosen agency, overdue
//! alerts and escalation, auto-close, the Ombudsman offer) and the outbox (e-mails). Jobs
//! live in the database, so they survive restarts and several workers can share them.

use chrono::{DateTime, TimeDelta, Utc};
use lapor_domain::event::{Actor, Event, EventKind};
use lapor_domain::status::{Action, ActorRole, Status, transition};
use lapor_domain::tracking::ReportNumber;
use lapor_domain::user::Role;
use lapor_domain::workflow::{self, Step};
use lapor_store::{
    Applied, Change, EscalationKey, JobRecord, NewJob, ReportKey, ReportWithHistory,
};
use serde::Deserialize;

use crate::notify::{Email, Language, MailError, Mailer, Notice, NoticeData, render, render_sms};
use crate::outbound::{
    DeliveryError, Gateways, OutgoingSms, SmsSender, WebhookRequest, WebhookSender,
};
use crate::workflow::{Draft, format_due};
use crate::{App, AppError, Result};

/// Job kinds.
pub const EMAIL: &str = "email";
pub const SMS: &str = "sms";
pub const WEBHOOK: &str = "webhook";
pub const SWEEP: &str = "deadline_sweep";

/// How often the sweep runs, and how long a claimed job stays claimed.
pub const SWEEP_EVERY: TimeDelta = TimeDelta::seconds(60);
/// Long enough for a whole batch of e-mails to time out one after the other (20 × 30 s), so a
/// claim never expires while its worker is still sending.
const LEASE: TimeDelta = TimeDelta::minutes(15);
/// Reports handled per sweep; the rest wait for the next run, oldest first.
const SWEEP_BATCH: i64 = 500;

/// What one sweep did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SweepSummary {
    pub routed: usize,
    /// The version of a routing model trained during the sweep.
    pub retrained: Option<i64>,
    pub alerts: usize,
    pub closed: usize,
    pub ombudsman_offers: usize,
}

/// What one round of the job runner did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunSummary {
    pub done: usize,
    pub retried: usize,
    pub failed: usize,
}

#[derive(Deserialize)]
/// An outbox notice (e-mail or SMS); the report is filled in when the job is stored.
struct NoticePayload {
    notice: Notice,
    lang: Language,
    user: Option<i64>,
    #[serde(default)]
    data: NoticeData,
    report: Option<i64>,
}

impl App {
    /// Makes sure the recurring sweep job exists (idempotent; every process may call it).
    ///
    /// # Errors
    /// On storage failure.
    pub async fn schedule_sweep(&self) -> Result<()> {
        self.db
            .enqueue_job(
                &NewJob {
                    kind: SWEEP.to_owned(),
                    payload: serde_json::json!({}),
                    run_at: self.now(),
                    max_attempts: i64::MAX,
                    dedupe_key: Some(SWEEP.to_owned()),
                },
                self.now(),
            )
            .await?;
        Ok(())
    }

    /// Runs jobs until `stop` resolves: the sweep is scheduled, then due jobs are claimed
    /// every `poll` (the same loop inside `lapor serve` and in `lapor worker`).
    pub async fn work_until(
        &self,
        worker: &str,
        gateways: Gateways,
        poll: std::time::Duration,
        stop: impl std::future::Future<Output = ()>,
    ) {
        tokio::pin!(stop);
        if let Err(error) = self.schedule_sweep().await {
            tracing::error!(%error, "cannot schedule the deadline sweep");
        }
        loop {
            match self.run_jobs(worker, &gateways, 20).await {
                // More may be waiting: go again at once.
                Ok(summary) if summary.done + summary.retried + summary.failed == 20 => continue,
                Ok(_) => {}
                Err(error) => tracing::error!(%error, "job runner failed; retrying"),
            }
            tokio::select! {
                () = &mut stop => break,
                () = tokio::time::sleep(poll) => {}
            }
        }
    }

    /// Claims and runs due jobs once. `worker` names this process in the claims.
    ///
    /// # Errors
    /// On storage failure (a failing job is recorded, not returned).
    pub async fn run_jobs(
        &self,
        worker: &str,
        gateways: &Gateways,
        limit: i64,
    ) -> Result<RunSummary> {
        let now = self.now();
        let jobs = self.db.claim_jobs(worker, now, now + LEASE, limit).await?;
        let mut summary = RunSummary::default();
        for job in jobs {
            let outcome = match job.kind.as_str() {
                SWEEP => self.sweep().await.map(|s| {
                    tracing::debug!(?s, "deadline sweep");
                }),
                EMAIL => self.deliver(&job, gateways.mail.as_ref()).await,
                SMS => self.deliver_sms(&job, gateways.sms.as_ref()).await,
                WEBHOOK => self.deliver_webhook(&job, gateways.webhooks.as_ref()).await,
                _ => Err(AppError::Internal("unknown job kind")),
            };
            let now = self.now();
            match outcome {
                Ok(()) if job.kind == SWEEP => {
                    self.db
                        .reschedule_job(job.id, worker, now + SWEEP_EVERY)
                        .await?;
                    summary.done += 1;
                }
                Ok(()) => {
                    self.db.finish_job(job.id, worker, now).await?;
                    summary.done += 1;
                }
                Err(error) => {
                    let permanent = matches!(
                        &error,
                        AppError::Mail(MailError::Permanent(_))
                            | AppError::Delivery(DeliveryError::Permanent(_))
                    );
                    let retry = (!permanent && job.attempts < job.max_attempts)
                        .then(|| now + backoff(job.attempts));
                    tracing::warn!(job = job.id, kind = %job.kind, attempt = job.attempts, %error, "job failed");
                    self.db
                        .fail_job(job.id, worker, &error.to_string(), retry, now)
                        .await?;
                    if retry.is_some() {
                        summary.retried += 1;
                    } else {
                        summary.failed += 1;
                    }
                }
            }
        }
        Ok(summary)
    }

    /// The notice a job carries and the report it is about.
    async fn notice_of(
        &self,
        job: &JobRecord,
    ) -> Result<(NoticePayload, ReportNumber, ReportWithHistory)> {
        let payload: NoticePayload = serde_json::from_value(job.payload.clone())
            .map_err(|_| AppError::Internal("bad notice job payload"))?;
        let number = ReportNumber(
            payload
                .report
                .ok_or(AppError::Internal("notice job without report"))?,
        );
        let report = self
            .db
            .load_report(ReportKey::Number(number), true)
            .await?
            .ok_or(AppError::NotFound)?;
        Ok((payload, number, report))
    }

    /// Renders and sends one outbox e-mail. The address is looked up now, so it is never
    /// copied into the job table.
    async fn deliver(&self, job: &JobRecord, mailer: &dyn Mailer) -> Result<()> {
        let (payload, number, report) = self.notice_of(job).await?;
        let to = match payload.user {
            Some(user) => self.db.find_user(user).await?.and_then(|u| u.email),
            None => report.reporter.as_ref().and_then(|c| c.email.clone()),
        };
        // Nobody to write to (an SMS-only reporter, an officer without e-mail): done.
        let Some(to) = to else { return Ok(()) };
        let (subject, text) = render(
            payload.notice,
            payload.lang,
            number,
            &report.record.report.title,
            &payload.data,
        );
        // The reporter can answer by replying: the token threads the answer to the report.
        let reply_token = match payload.user {
            None => Some(self.email_reply_token(number).await?),
            Some(_) => None,
        };
        let subject = match &reply_token {
            Some(token) => crate::email_intake::tag_subject(&subject, number, token),
            None => subject,
        };
        let email = Email {
            to,
            subject,
            text,
            message_id: format!("<report-{}.{}@lapor>", number.0, job.id),
            language: payload.lang,
            reply_token,
        };
        mailer.send(&email).await.map_err(AppError::Mail)
    }

    /// Sends one outbox SMS to the reporter's number, looked up now (never copied into the
    /// job), and logs the attempt for the delivery report to update.
    async fn deliver_sms(&self, job: &JobRecord, sms: &dyn SmsSender) -> Result<()> {
        let (payload, number, report) = self.notice_of(job).await?;
        let Some(to) = report.reporter.as_ref().and_then(|c| c.phone.clone()) else {
            return Ok(());
        };
        let text = render_sms(payload.notice, payload.lang, number, &payload.data);
        let outcome = sms
            .send(&OutgoingSms {
                to,
                text,
                job_id: job.id,
            })
            .await;
        self.log_delivery(
            job,
            "sms",
            None,
            Some(number),
            outcome.as_ref().map(|()| "sent"),
        )
        .await?;
        outcome.map_err(AppError::Delivery)
    }

    /// Posts one webhook, signed now with the client's current secret.
    async fn deliver_webhook(&self, job: &JobRecord, http: &dyn WebhookSender) -> Result<()> {
        let client_id = job.payload["client"]
            .as_i64()
            .ok_or(AppError::Internal("webhook job without client"))?;
        let number = job.payload["report"].as_i64().map(ReportNumber);
        let client = self.db.api_client(client_id).await?;
        let Some((url, secret)) = client
            .filter(|c| c.revoked_at.is_none())
            .and_then(|c| c.webhook_url.zip(c.webhook_secret))
        else {
            return Ok(());
        };
        let delivery_id = format!("lapor-{}", job.id);
        let mut body = job.payload["event"].clone();
        if let Some(map) = body.as_object_mut() {
            if let Some(n) = number {
                map.insert("report".into(), n.to_string().into());
            }
            // Inside the signed body, so a receiver can drop a replayed delivery by its id.
            map.insert("id".into(), delivery_id.clone().into());
        }
        let body = body.to_string();
        let timestamp = self.now().timestamp();
        let request = WebhookRequest {
            signature: crate::outbound::sign_webhook(&secret, timestamp, &body),
            url,
            body,
            timestamp,
            delivery_id,
        };
        let outcome = match http.post(&request).await {
            Ok(code) if (200..300).contains(&code) => Ok(code),
            // The receiver said no: retrying the same request will not change its mind,
            // except for "too many requests" and timeouts.
            Ok(code @ (408 | 429)) => Err(DeliveryError::Transient(format!("HTTP {code}"))),
            Ok(code) if (400..500).contains(&code) => {
                Err(DeliveryError::Permanent(format!("HTTP {code}")))
            }
            Ok(code) => Err(DeliveryError::Transient(format!("HTTP {code}"))),
            Err(e) => Err(e),
        };
        let status = outcome.as_ref().map(|code| format!("HTTP {code}"));
        self.log_delivery(
            job,
            "webhook",
            Some(client_id),
            number,
            status.as_deref().map_err(|e| *e),
        )
        .await?;
        outcome.map(|_| ()).map_err(AppError::Delivery)
    }

    async fn log_delivery(
        &self,
        job: &JobRecord,
        kind: &str,
        client_id: Option<i64>,
        report: Option<ReportNumber>,
        outcome: std::result::Result<&str, &DeliveryError>,
    ) -> Result<()> {
        let (status, detail) = match outcome {
            Ok(status) => ("sent", Some(status.to_owned())),
            Err(e) => ("failed", Some(e.to_string())),
        };
        self.db
            .record_delivery(&lapor_store::NewDelivery {
                job_id: Some(job.id),
                kind,
                client_id,
                report,
                status,
                detail: detail.as_deref(),
                at: self.now(),
            })
            .await?;
        Ok(())
    }

    /// Records a delivery report from the SMS gateway for the outbox job `job_id` (Kannel's
    /// `dlr-url`): `status` is its DLR value (1 delivered, 2 failed, 4 buffered, 8 accepted
    /// by the SMSC, 16 rejected by the SMSC).
    ///
    /// # Errors
    /// [`AppError::NotFound`] for a job that sent no SMS.
    pub async fn record_sms_delivery(&self, job_id: i64, status: i64, detail: &str) -> Result<()> {
        let sent = self.db.deliveries(None, Some(job_id), 1).await?;
        let Some(first) = sent.into_iter().find(|d| d.kind == "sms") else {
            return Err(AppError::NotFound);
        };
        let state = match status {
            1 => "delivered",
            2 => "undelivered",
            4 => "buffered",
            8 => "smsc_accepted",
            16 => "smsc_rejected",
            _ => "unknown",
        };
        let detail: String = detail
            .chars()
            .filter(|c| !c.is_control())
            .take(200)
            .collect();
        self.db
            .record_delivery(&lapor_store::NewDelivery {
                job_id: Some(job_id),
                kind: "sms",
                client_id: None,
                report: first.report,
                status: state,
                detail: Some(&detail),
                at: self.now(),
            })
            .await?;
        Ok(())
    }

    /// One pass over the reports that need attention now.
    ///
    /// # Errors
    /// On storage failure.
    pub async fn sweep(&self) -> Result<SweepSummary> {
        self.reload_policy().await?;
        let now = self.now();
        // Rate-limit windows are at most an hour long; older counters only take space.
        self.db.prune_rate_limits(now - TimeDelta::days(1)).await?;
        let mut summary = SweepSummary::default();
        // Near-duplicates of the reports filed since the last sweep; a failure there must not
        // hold up the deadlines.
        if let Err(error) = self.link_similar(now).await {
            tracing::error!(%error, "near-duplicate linking failed");
        }
        for number in self.db.reports_needing_attention(now, SWEEP_BATCH).await? {
            let Some(report) = self
                .db
                .load_report(ReportKey::Number(number), false)
                .await?
            else {
                continue;
            };
            match self.attend(&report, now, &mut summary).await {
                Ok(()) => {}
                // Another worker or an officer changed the report meanwhile: next sweep.
                Err(AppError::Conflict) => {}
                // One broken report must not stop every other deadline: look again in an
                // hour, and say which report it was.
                Err(error) => {
                    tracing::error!(report = %number, %error, "deadline sweep failed for a report");
                    self.set_attention(&report, Some(now + TimeDelta::hours(1)), None)
                        .await?;
                }
            }
        }
        // Learning from newly confirmed routings comes after the deadlines, so it never
        // holds them up; a failure is logged and the next sweep tries again.
        match self.retrain_router_if_due().await {
            Ok(Some(trained)) => summary.retrained = Some(trained.version),
            Ok(None) => {}
            Err(error) => tracing::error!(%error, "retraining the router failed"),
        }
        let policy = self.policy();
        let cutoff = now - TimeDelta::days(i64::from(policy.limits.ombudsman_days));
        for number in self
            .db
            .reports_due_for_ombudsman_offer(cutoff, SWEEP_BATCH)
            .await?
        {
            let Some(report) = self
                .db
                .load_report(ReportKey::Number(number), false)
                .await?
            else {
                continue;
            };
            let mut change = Change {
                number: Some(number),
                escalation: Some(EscalationKey {
                    step: "ombudsman_offer".to_owned(),
                    started: report.record.report.created_at,
                    stage: 0,
                }),
                events: vec![Event {
                    at: now,
                    actor: Actor::system(),
                    kind: EventKind::OmbudsmanOffered,
                }],
                at: Some(now),
                ..Change::default()
            };
            self.tell_reporter(
                &mut change,
                &report,
                &report.record.report.title,
                Notice::OmbudsmanOffered,
                NoticeData::default(),
            );
            if self.db.apply(&change).await? != Applied::AlreadyDone {
                summary.ombudsman_offers += 1;
            }
        }
        Ok(summary)
    }

    async fn attend(
        &self,
        report: &ReportWithHistory,
        now: DateTime<Utc>,
        summary: &mut SweepSummary,
    ) -> Result<()> {
        let policy = self.policy();
        let r = &report.record.report;
        let history: Vec<Event> = report.history.iter().map(|e| e.event.clone()).collect();
        // Filed with a chosen agency: straight to that agency's admin, once.
        if r.status == Status::Unverified
            && let Some(target) = &r.target_agency
            && !history.iter().any(|e| {
                matches!(
                    e.kind,
                    EventKind::Transition {
                        action: Action::RouteToChosenAgency | Action::ReturnNotAuthority,
                        ..
                    }
                )
            })
        {
            self.route_by_system(report, Action::RouteToChosenAgency, target, None, now)
                .await?;
            summary.routed += 1;
            return Ok(());
        }
        // The router is a help: when it fails, the report's deadlines still run.
        match self.auto_route(report).await {
            Ok(true) => {
                summary.routed += 1;
                return Ok(());
            }
            Ok(false) => {}
            Err(AppError::Conflict) => return Err(AppError::Conflict),
            Err(error) => {
                tracing::error!(report = %r.number, %error, "automatic routing failed");
            }
        }
        let clocks = policy.clocks(
            report,
            &[],
            r.status,
            report.record.workflow.handling_class,
            r.agency.as_deref(),
        );
        let due_now = clocks.current.map(|d| (d.step, d.due));
        let Some(deadline) = clocks.current else {
            return self.set_attention(report, None, Some(due_now)).await;
        };
        let Some(due) = deadline.due.filter(|due| *due <= now) else {
            // Not due (or paused): look again when it is (and store the deadline as computed
            // now, which also heals reports from before deadlines were stored).
            return self
                .set_attention(report, deadline.due, Some(due_now))
                .await;
        };
        if deadline.step == Step::ReporterWindow {
            self.auto_close(report, now).await?;
            summary.closed += 1;
            return Ok(());
        }
        let calendar = policy.calendar_of(r.agency.as_deref());
        let stages = workflow::escalation_stages(&deadline, now, &policy.limits, calendar);
        let due_text = format_due(due, deadline.zone);
        for stage in &stages {
            let (notified, notices) = match (deadline.step, stage) {
                (Step::Verification, _) => (
                    vec!["admin_nasional".to_owned()],
                    vec![(Role::AdminNasional, Vec::new(), Notice::Overdue)],
                ),
                (_, 1) => {
                    // Whoever holds it: the agency's admins, and the liaisons of the units it
                    // was disposed to (or of the unit it was routed to directly).
                    let holder: Vec<String> = r.agency.iter().cloned().collect();
                    let mut handlers = holder.clone();
                    handlers.extend(
                        self.db
                            .report_units(r.number)
                            .await?
                            .into_iter()
                            .map(|(c, _)| c),
                    );
                    (
                        handlers.clone(),
                        vec![
                            (Role::AdminInstansi, holder, Notice::Overdue),
                            (Role::AdminUnit, handlers, Notice::Overdue),
                        ],
                    )
                }
                _ => {
                    let parent: Vec<String> = r
                        .agency
                        .as_deref()
                        .and_then(|a| policy.agency(a))
                        .and_then(|a| a.parent.clone())
                        .into_iter()
                        .collect();
                    let mut all = parent.clone();
                    all.push("admin_nasional".to_owned());
                    (
                        all,
                        vec![
                            (Role::AdminInstansi, parent, Notice::OverdueEscalated),
                            (Role::AdminNasional, Vec::new(), Notice::OverdueEscalated),
                        ],
                    )
                }
            };
            let mut change = Change {
                number: Some(r.number),
                // Alerts do not move the version, so this only checks nothing moved meanwhile.
                expected_version: Some(report.record.workflow.version),
                escalation: Some(EscalationKey {
                    step: deadline.step.code().to_owned(),
                    started: deadline.started,
                    stage: i64::from(*stage),
                }),
                events: vec![Event {
                    at: now,
                    actor: Actor::system(),
                    kind: EventKind::Overdue {
                        step: deadline.step,
                        due,
                        stage: *stage,
                        notified,
                    },
                }],
                at: Some(now),
                ..Change::default()
            };
            let data = NoticeData {
                agency: r
                    .agency
                    .as_deref()
                    .and_then(|a| policy.agency(a))
                    .map(|a| a.name.clone()),
                due: Some(due_text.clone()),
                ..NoticeData::default()
            };
            for (role, agencies, notice) in notices {
                self.tell_officers(
                    &mut change,
                    r.number,
                    &r.title,
                    role,
                    &agencies,
                    notice,
                    data.clone(),
                )
                .await?;
            }
            match self.db.apply(&change).await {
                Ok(Applied::Done { .. }) => summary.alerts += 1,
                Ok(Applied::AlreadyDone) => {}
                Err(lapor_store::StoreError::Stale) => return Err(AppError::Conflict),
                Err(e) => return Err(e.into()),
            }
        }
        // The next look: the second stage of a late follow-up, otherwise nothing until the
        // report moves again (every move sets its own next deadline).
        let next = (deadline.step == Step::FollowUp && stages.len() < 2)
            .then(|| workflow::second_stage_at(due, &policy.limits, calendar, deadline.zone));
        self.set_attention(report, next, None).await
    }

    /// When the sweep looks at `report` next (and, when given, its running deadline), unless
    /// the report moved since it was read: then its own step has set both already.
    async fn set_attention(
        &self,
        report: &ReportWithHistory,
        at: Option<DateTime<Utc>>,
        due: Option<Option<(Step, Option<DateTime<Utc>>)>>,
    ) -> Result<()> {
        let change = Change {
            number: Some(report.record.report.number),
            expected_version: Some(report.record.workflow.version),
            attention: Some(at),
            due,
            ..Change::default()
        };
        match self.db.apply(&change).await {
            Ok(_) | Err(lapor_store::StoreError::Stale) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    /// A routing the system does by itself (`RouteToChosenAgency`, `AutoRoute`): the step
    /// with its reason, and the notices to the reporter and the agency's admins.
    pub(crate) async fn route_by_system(
        &self,
        report: &ReportWithHistory,
        action: Action,
        target: &str,
        why: Option<String>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let r = &report.record.report;
        let to = transition(r.status, action, ActorRole::System, false)?;
        let mut draft = Draft::new(report, None);
        let code = target.to_owned();
        draft.step(now, Actor::system(), action, to, |k| {
            if let EventKind::Transition { agency, reason, .. } = k {
                *agency = Some(code);
                *reason = why;
            }
        });
        draft.change.agency = Some(target.to_owned());
        draft.agency = Some(target.to_owned());
        let name = self.policy().agency(target).map(|a| a.name.clone());
        let data = NoticeData {
            agency: name,
            ..NoticeData::default()
        };
        self.commit(
            draft,
            report,
            Some((Notice::Routed, data.clone())),
            vec![(
                Role::AdminInstansi,
                vec![target.to_owned()],
                Notice::AssignedToAgency,
                data,
            )],
        )
        .await
    }

    async fn auto_close(&self, report: &ReportWithHistory, now: DateTime<Utc>) -> Result<()> {
        let r = &report.record.report;
        let to = transition(r.status, Action::AutoClose, ActorRole::System, false)?;
        let mut draft = Draft::new(report, None);
        draft.step(now, Actor::system(), Action::AutoClose, to, |_| {});
        self.commit(
            draft,
            report,
            Some((Notice::Closed, NoticeData::default())),
            Vec::new(),
        )
        .await
    }
}

/// 1, 2, 4, … minutes, at most six hours.
fn backoff(attempts: i64) -> TimeDelta {
    let minutes = 1_i64 << attempts.clamp(0, 9);
    TimeDelta::minutes(minutes.min(360))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff(0), TimeDelta::minutes(1));
        assert_eq!(backoff(1), TimeDelta::minutes(2));
        assert_eq!(backoff(3), TimeDelta::minutes(8));
        assert_eq!(backoff(20), TimeDelta::minutes(360));
    }
}
