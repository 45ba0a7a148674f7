//! Workflow writes: every change to a handled report goes through [`Db::apply`], one
//! transaction that moves the status, appends the events, and writes the outbox and in-app
//! notifications announcing it — so a change is never stored without its announcement, nor
//! announced without being stored.

use chrono::{DateTime, Utc};
use lapor_domain::event::{Event, EventKind};
use lapor_domain::privacy::Privacy;
use lapor_domain::report::Classification;
use lapor_domain::status::{Action, Status};
use lapor_domain::tracking::ReportNumber;
use lapor_domain::workflow::{HandlingClass, Step};

use crate::reports::append_event;
use crate::{Db, Result, StoreError, agency_id, in_tx, on_pool, parse_ts, ts};

/// The verified content of a report (title as a summary, classification, category, class).
#[derive(Debug, Clone, PartialEq)]
pub struct ContentUpdate {
    pub title: String,
    pub classification: Classification,
    pub category: Option<String>,
    pub handling_class: HandlingClass,
}

/// A follow-up to store with its files.
#[derive(Debug, Clone)]
pub struct NewFollowUp {
    /// The agency or unit writing it, by code.
    pub agency: String,
    pub author_user_id: Option<i64>,
    pub body: String,
    pub attachments: Vec<NewAttachment>,
    /// Published at once (no approval needed).
    pub published: bool,
}

#[derive(Clone)]
pub struct NewAttachment {
    pub file_name: String,
    pub content_type: String,
    pub sha256: String,
    pub data: Vec<u8>,
}

impl std::fmt::Debug for NewAttachment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "NewAttachment({} bytes)", self.data.len())
    }
}

/// A job to enqueue (an outbox message or any background work).
#[derive(Debug, Clone, PartialEq)]
pub struct NewJob {
    pub kind: String,
    /// JSON. For jobs written by [`Db::apply`] and submissions, `"report"` is filled in.
    pub payload: serde_json::Value,
    pub run_at: DateTime<Utc>,
    pub max_attempts: i64,
    /// A job with a key that exists already is not enqueued again.
    pub dedupe_key: Option<String>,
}

/// An in-app notification for an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNotification {
    pub user_id: i64,
    pub text: String,
}

/// A finished step for agency performance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepOutcome {
    /// The agency or unit answerable for the step (none for verification).
    pub agency: Option<String>,
    pub step: Step,
    pub started: DateTime<Utc>,
    pub due: DateTime<Utc>,
}

/// Identifies one escalation stage of one deadline cycle: stored once, ever.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EscalationKey {
    pub step: String,
    pub started: DateTime<Utc>,
    pub stage: i64,
}

/// Everything one workflow change writes, in one transaction.
#[derive(Debug, Clone, Default)]
pub struct Change {
    pub number: Option<ReportNumber>,
    /// The report's version the change was based on; `None` skips the check (jobs, which
    /// rely on `status` and `escalation` instead).
    pub expected_version: Option<i64>,
    /// `(from, to)`: the status must still be `from`.
    pub status: Option<(Status, Status)>,
    /// The agency now responsible, by code.
    pub agency: Option<String>,
    /// Replaces the units handling the report (disposisi); `Some(vec![])` clears them.
    pub units: Option<Vec<String>>,
    pub content: Option<ContentUpdate>,
    pub privacy: Option<Privacy>,
    pub rating: Option<u8>,
    /// The running deadline after the change: `(step, due)`; `None` when no clock runs.
    pub due: Option<Option<(Step, Option<DateTime<Utc>>)>>,
    /// When the deadline sweep must look at the report next (`Some(None)`: never).
    pub attention: Option<Option<DateTime<Utc>>>,
    pub new_follow_up: Option<NewFollowUp>,
    pub publish_follow_up: Option<i64>,
    pub reject_follow_up: Option<i64>,
    pub outcome: Option<StepOutcome>,
    /// When set and already recorded, the whole change is skipped.
    pub escalation: Option<EscalationKey>,
    /// `(channel, message id)` of the inbound message that asked for the change (a reporter's
    /// SMS or e-mail answer): recorded with it, and when already recorded nothing is written.
    pub inbound: Option<(String, String)>,
    pub events: Vec<Event>,
    pub jobs: Vec<NewJob>,
    pub notifications: Vec<NewNotification>,
    pub at: Option<DateTime<Utc>>,
}

/// What [`Db::apply`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    Done {
        version: i64,
        follow_up: Option<i64>,
    },
    /// The escalation stage or the inbound message had been recorded before (by this or
    /// another process).
    AlreadyDone,
}

/// Inserts `job` inside the transaction `$tx`, filling in the report id.
macro_rules! insert_job {
    ($tx:expr, $job:expr, $report_id:expr, $at:expr) => {{
        let job: &$crate::workflow::NewJob = $job;
        let mut payload = job.payload.clone();
        if let (Some(map), Some(id)) = (payload.as_object_mut(), $report_id) {
            map.insert("report".into(), serde_json::Value::from(id));
        }
        sqlx::query(
            "INSERT INTO jobs (kind, payload, dedupe_key, run_at, max_attempts, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (dedupe_key) DO NOTHING",
        )
        .bind(&job.kind)
        .bind(payload.to_string())
        .bind(job.dedupe_key.as_deref())
        .bind($crate::ts(job.run_at))
        .bind(job.max_attempts)
        .bind($crate::ts($at))
        .execute(&mut *$tx)
        .await?;
    }};
}
pub(crate) use insert_job;

impl Db {
    /// Applies one workflow change atomically.
    ///
    /// # Errors
    /// [`StoreError::Stale`] when the report's version or status moved since the caller read
    /// it; [`StoreError::UnknownReference`] for an unknown agency or follow-up; database
    /// failures.
    #[allow(clippy::too_many_lines)] // one transaction, read top to bottom
    pub async fn apply(&self, change: &Change) -> Result<Applied> {
        let number = change
            .number
            .ok_or(StoreError::UnknownReference("report"))?;
        let at = change
            .at
            .or_else(|| change.events.first().map(|e| e.at))
            .unwrap_or_else(Utc::now);
        let moves = change.status.is_some()
            || change.content.is_some()
            || change.privacy.is_some()
            || change.units.is_some()
            || change.new_follow_up.is_some()
            || change.publish_follow_up.is_some()
            || change.reject_follow_up.is_some();
        let outcome: Result<Applied> = in_tx!(self, tx => {
            if let Some(key) = &change.escalation {
                let inserted = sqlx::query(
                    "INSERT INTO escalations (report_id, step, started, stage, at) VALUES ($1, $2, $3, $4, $5) \
                     ON CONFLICT (report_id, step, started, stage) DO NOTHING",
                )
                .bind(number.0)
                .bind(&key.step)
                .bind(ts(key.started))
                .bind(key.stage)
                .bind(ts(at))
                .execute(&mut *tx)
                .await?;
                if inserted.rows_affected() == 0 {
                    return Ok(Applied::AlreadyDone);
                }
            }
            // Lock the row (PostgreSQL) and check the caller's view is current.
            let current: Option<(i64, String)> = sqlx::query_as(
                "UPDATE reports SET version = version + $1, updated_at = CASE WHEN $1 = 1 THEN $2 ELSE updated_at END \
                 WHERE id = $3 RETURNING version, status",
            )
            .bind(i64::from(moves))
            .bind(ts(at))
            .bind(number.0)
            .fetch_optional(&mut *tx)
            .await?;
            let Some((version, status)) = current else {
                return Err(StoreError::UnknownReference("report"));
            };
            if let Some(expected) = change.expected_version
                && version - i64::from(moves) != expected
            {
                return Err(StoreError::Stale);
            }
            if let Some((from, to)) = change.status {
                if status != from.code() {
                    return Err(StoreError::Stale);
                }
                sqlx::query("UPDATE reports SET status = $1 WHERE id = $2")
                    .bind(to.code())
                    .bind(number.0)
                    .execute(&mut *tx)
                    .await?;
            }
            let agency: Option<i64> = agency_id!(tx, &change.agency, "agency");
            if let Some(agency) = agency {
                sqlx::query("UPDATE reports SET agency_id = $1 WHERE id = $2")
                    .bind(agency)
                    .bind(number.0)
                    .execute(&mut *tx)
                    .await?;
            }
            if let Some(units) = &change.units {
                sqlx::query("DELETE FROM report_units WHERE report_id = $1")
                    .bind(number.0)
                    .execute(&mut *tx)
                    .await?;
                for unit in units {
                    let unit_id: Option<i64> = agency_id!(tx, &Some(unit), "unit");
                    sqlx::query("INSERT INTO report_units (report_id, agency_id, disposed_at) VALUES ($1, $2, $3)")
                        .bind(number.0)
                        .bind(unit_id)
                        .bind(ts(at))
                        .execute(&mut *tx)
                        .await?;
                }
            }
            if let Some(content) = &change.content {
                sqlx::query(
                    "UPDATE reports SET title = $1, classification = $2, category = $3, handling_class = $4 WHERE id = $5",
                )
                .bind(&content.title)
                .bind(content.classification.code())
                .bind(content.category.as_deref())
                .bind(content.handling_class.code())
                .bind(number.0)
                .execute(&mut *tx)
                .await
                .map_err(|e| match &e {
                    sqlx::Error::Database(d) if d.is_foreign_key_violation() => StoreError::UnknownReference("category"),
                    _ => StoreError::Sql(e),
                })?;
            }
            if let Some(privacy) = change.privacy {
                // Raise only, enforced here as well: OR with what is stored.
                sqlx::query(
                    "UPDATE reports SET anonymous = (anonymous OR $1), confidential = (confidential OR $2) WHERE id = $3",
                )
                .bind(privacy.anonymous)
                .bind(privacy.confidential)
                .bind(number.0)
                .execute(&mut *tx)
                .await?;
            }
            if let Some(rating) = change.rating {
                sqlx::query("UPDATE reports SET rating = $1 WHERE id = $2")
                    .bind(i64::from(rating))
                    .bind(number.0)
                    .execute(&mut *tx)
                    .await?;
            }
            if let Some(due) = &change.due {
                sqlx::query("UPDATE reports SET due_step = $1, due_at = $2 WHERE id = $3")
                    .bind(due.map(|(step, _)| step.code()))
                    .bind(due.and_then(|(_, at)| at).map(ts))
                    .bind(number.0)
                    .execute(&mut *tx)
                    .await?;
            }
            if let Some(attention) = &change.attention {
                sqlx::query("UPDATE reports SET attention_at = $1 WHERE id = $2")
                    .bind(attention.map(ts))
                    .bind(number.0)
                    .execute(&mut *tx)
                    .await?;
            }
            let mut follow_up_id = None;
            if let Some(new) = &change.new_follow_up {
                let agency: Option<i64> = agency_id!(tx, &Some(&new.agency), "agency");
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO follow_ups (report_id, agency_id, author_user_id, body, created_at, published_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(number.0)
                .bind(agency)
                .bind(new.author_user_id)
                .bind(&new.body)
                .bind(ts(at))
                .bind(new.published.then(|| ts(at)))
                .fetch_one(&mut *tx)
                .await?;
                for file in &new.attachments {
                    sqlx::query(
                        "INSERT INTO attachments (follow_up_id, file_name, content_type, size_bytes, sha256, data) \
                         VALUES ($1, $2, $3, $4, $5, $6)",
                    )
                    .bind(id)
                    .bind(&file.file_name)
                    .bind(&file.content_type)
                    .bind(i64::try_from(file.data.len()).unwrap_or(i64::MAX))
                    .bind(&file.sha256)
                    .bind(&file.data)
                    .execute(&mut *tx)
                    .await?;
                }
                follow_up_id = Some(id);
            }
            for (id, column) in [
                (change.publish_follow_up, "published_at"),
                (change.reject_follow_up, "rejected_at"),
            ] {
                let Some(id) = id else { continue };
                let sql = format!(
                    "UPDATE follow_ups SET {column} = $1 WHERE id = $2 AND report_id = $3 \
                     AND published_at IS NULL AND rejected_at IS NULL"
                );
                let updated = sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(ts(at))
                    .bind(id)
                    .bind(number.0)
                    .execute(&mut *tx)
                    .await?;
                if updated.rows_affected() != 1 {
                    return Err(StoreError::Stale);
                }
            }
            if let Some(outcome) = &change.outcome {
                let agency: Option<i64> = agency_id!(tx, &outcome.agency, "agency");
                sqlx::query(
                    "INSERT INTO step_outcomes (report_id, agency_id, step, started, due, done_at) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(number.0)
                .bind(agency)
                .bind(outcome.step.code())
                .bind(ts(outcome.started))
                .bind(ts(outcome.due))
                .bind(ts(at))
                .execute(&mut *tx)
                .await?;
            }
            for event in &change.events {
                let event = with_follow_up_id(event, follow_up_id);
                append_event!(tx, number.0, &event);
            }
            for job in &change.jobs {
                insert_job!(tx, job, Some(number.0), at);
            }
            for note in &change.notifications {
                sqlx::query("INSERT INTO notifications (user_id, report_id, text, created_at) VALUES ($1, $2, $3, $4)")
                    .bind(note.user_id)
                    .bind(number.0)
                    .bind(&note.text)
                    .bind(ts(at))
                    .execute(&mut *tx)
                    .await?;
            }
            if let Some((channel, external_id)) = &change.inbound {
                let recorded = sqlx::query(
                    "INSERT INTO inbound_messages (channel, external_id, outcome, report_id, received_at) \
                     VALUES ($1, $2, 'reply', $3, $4) ON CONFLICT (channel, external_id) DO NOTHING",
                )
                .bind(channel)
                .bind(external_id)
                .bind(number.0)
                .bind(ts(at))
                .execute(&mut *tx)
                .await?;
                if recorded.rows_affected() == 0 {
                    // Returning drops the transaction: everything above is rolled back.
                    return Ok(Applied::AlreadyDone);
                }
            }
            Ok(Applied::Done { version, follow_up: follow_up_id })
        });
        outcome
    }
}

/// The event announcing a new follow-up learns its id here, where the id is made.
fn with_follow_up_id(event: &Event, id: Option<i64>) -> Event {
    let mut event = event.clone();
    if let (
        EventKind::Transition {
            action: Action::FollowUp,
            follow_up,
            ..
        },
        Some(id),
    ) = (&mut event.kind, id)
    {
        follow_up.get_or_insert(id);
    }
    event
}

/// A stored follow-up with its files (without their bytes).
#[derive(Debug, Clone, PartialEq)]
pub struct FollowUpRecord {
    pub id: i64,
    pub agency: String,
    pub agency_name: String,
    pub author_user_id: Option<i64>,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
    pub rejected_at: Option<DateTime<Utc>>,
    pub attachments: Vec<AttachmentMeta>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentMeta {
    pub id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
}

/// One file with the report and follow-up it belongs to (for access checks).
#[derive(Clone)]
pub struct AttachmentFile {
    pub meta: AttachmentMeta,
    pub report: ReportNumber,
    pub published: bool,
    pub data: Vec<u8>,
}

#[derive(sqlx::FromRow)]
struct FollowUpRow {
    id: i64,
    agency: String,
    agency_name: String,
    author_user_id: Option<i64>,
    body: String,
    created_at: String,
    published_at: Option<String>,
    rejected_at: Option<String>,
}

#[derive(sqlx::FromRow)]
struct AttachmentRow {
    id: i64,
    follow_up_id: i64,
    file_name: String,
    content_type: String,
    size_bytes: i64,
    sha256: String,
}

impl From<&AttachmentRow> for AttachmentMeta {
    fn from(r: &AttachmentRow) -> Self {
        Self {
            id: r.id,
            file_name: r.file_name.clone(),
            content_type: r.content_type.clone(),
            size_bytes: r.size_bytes,
            sha256: r.sha256.clone(),
        }
    }
}

/// A stored job, claimed by a worker.
#[derive(Debug, Clone, PartialEq)]
pub struct JobRecord {
    pub id: i64,
    pub kind: String,
    pub payload: serde_json::Value,
    pub attempts: i64,
    pub max_attempts: i64,
}

/// An in-app notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotificationRecord {
    pub id: i64,
    pub report: Option<ReportNumber>,
    pub text: String,
    pub created_at: DateTime<Utc>,
    pub read: bool,
}

/// A finished step, for performance figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeRecord {
    pub agency: Option<String>,
    pub step: Step,
    pub started: DateTime<Utc>,
    pub due: DateTime<Utc>,
    pub done_at: DateTime<Utc>,
}

impl Db {
    /// The follow-ups of a report, oldest first, with their files' metadata.
    ///
    /// # Errors
    /// On database failure.
    pub async fn list_follow_ups(&self, number: ReportNumber) -> Result<Vec<FollowUpRecord>> {
        let (rows, files): (Vec<FollowUpRow>, Vec<AttachmentRow>) = on_pool!(self, pool => {
            let rows = sqlx::query_as(
                "SELECT f.id, a.code AS agency, a.name AS agency_name, f.author_user_id, f.body, f.created_at, \
                 f.published_at, f.rejected_at FROM follow_ups f JOIN agencies a ON a.id = f.agency_id \
                 WHERE f.report_id = $1 ORDER BY f.id",
            )
            .bind(number.0)
            .fetch_all(pool)
            .await?;
            let files = sqlx::query_as(
                "SELECT t.id, t.follow_up_id, t.file_name, t.content_type, t.size_bytes, t.sha256 \
                 FROM attachments t JOIN follow_ups f ON f.id = t.follow_up_id WHERE f.report_id = $1 ORDER BY t.id",
            )
            .bind(number.0)
            .fetch_all(pool)
            .await?;
            (rows, files)
        });
        rows.into_iter()
            .map(|r| {
                Ok(FollowUpRecord {
                    attachments: files
                        .iter()
                        .filter(|f| f.follow_up_id == r.id)
                        .map(AttachmentMeta::from)
                        .collect(),
                    id: r.id,
                    agency: r.agency,
                    agency_name: r.agency_name,
                    author_user_id: r.author_user_id,
                    body: r.body,
                    created_at: parse_ts(&r.created_at, "follow_ups.created_at")?,
                    published_at: r
                        .published_at
                        .as_deref()
                        .map(|t| parse_ts(t, "follow_ups.published_at"))
                        .transpose()?,
                    rejected_at: r
                        .rejected_at
                        .as_deref()
                        .map(|t| parse_ts(t, "follow_ups.rejected_at"))
                        .transpose()?,
                })
            })
            .collect()
    }

    /// One attachment with its bytes.
    ///
    /// # Errors
    /// On database failure.
    pub async fn attachment(&self, id: i64) -> Result<Option<AttachmentFile>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            meta: AttachmentRow,
            report_id: i64,
            published: bool,
            data: Vec<u8>,
        }
        let row: Option<Row> = on_pool!(self, pool => sqlx::query_as(
            "SELECT t.id, t.follow_up_id, t.file_name, t.content_type, t.size_bytes, t.sha256, f.report_id, \
             (f.published_at IS NOT NULL) AS published, t.data \
             FROM attachments t JOIN follow_ups f ON f.id = t.follow_up_id WHERE t.id = $1",
        )
        .bind(id)
        .fetch_optional(pool)
        .await?);
        Ok(row.map(|r| AttachmentFile {
            meta: AttachmentMeta::from(&r.meta),
            report: ReportNumber(r.report_id),
            published: r.published,
            data: r.data,
        }))
    }

    /// Codes of the units a report is disposed to.
    ///
    /// # Errors
    /// On database failure.
    pub async fn report_units(&self, number: ReportNumber) -> Result<Vec<(String, String)>> {
        let rows: Vec<(String, String)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT a.code, a.name FROM report_units u JOIN agencies a ON a.id = u.agency_id WHERE u.report_id = $1 ORDER BY a.name",
        )
        .bind(number.0)
        .fetch_all(pool)
        .await?);
        Ok(rows)
    }

    /// Enqueues a job outside any workflow change (recurring sweeps, retries).
    ///
    /// # Errors
    /// On database failure.
    pub async fn enqueue_job(&self, job: &NewJob, now: DateTime<Utc>) -> Result<()> {
        in_tx!(self, tx => {
            insert_job!(tx, job, None::<i64>, now);
        });
        Ok(())
    }

    /// Claims up to `limit` due jobs for `worker` until `lease_until`. On PostgreSQL
    /// `FOR UPDATE SKIP LOCKED` lets several workers claim side by side without ever taking
    /// the same job; SQLite has one writer, so its `BEGIN IMMEDIATE` serialises claims.
    ///
    /// # Errors
    /// On database failure or a corrupt payload.
    pub async fn claim_jobs(
        &self,
        worker: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<JobRecord>> {
        let lock = match self.backend() {
            crate::Backend::Postgres => " FOR UPDATE SKIP LOCKED",
            crate::Backend::Sqlite => "",
        };
        let sql = format!(
            "UPDATE jobs SET locked_by = $1, locked_until = $2, attempts = attempts + 1 WHERE id IN (\
             SELECT id FROM jobs WHERE done_at IS NULL AND failed_at IS NULL AND run_at <= $3 \
             AND (locked_until IS NULL OR locked_until <= $3) ORDER BY run_at, id LIMIT $4{lock}) \
             RETURNING id, kind, payload, attempts, max_attempts"
        );
        let rows: Vec<(i64, String, String, i64, i64)> = in_tx!(self, tx => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(worker)
                .bind(ts(lease_until))
                .bind(ts(now))
                .bind(limit)
                .fetch_all(&mut *tx)
                .await?
        });
        let mut jobs = rows
            .into_iter()
            .map(|(id, kind, payload, attempts, max_attempts)| {
                Ok(JobRecord {
                    id,
                    kind,
                    payload: serde_json::from_str(&payload)
                        .map_err(|_| StoreError::Corrupt("jobs.payload"))?,
                    attempts,
                    max_attempts,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        jobs.sort_by_key(|j| j.id);
        Ok(jobs)
    }

    /// Marks a claimed job done (only if `worker` still holds it).
    ///
    /// # Errors
    /// On database failure.
    pub async fn finish_job(&self, id: i64, worker: &str, now: DateTime<Utc>) -> Result<()> {
        in_tx!(self, tx => {
            // The payload may hold what the message said (a tracking code in a receipt): it
            // is not kept once the message is out.
            sqlx::query("UPDATE jobs SET done_at = $1, locked_until = NULL, payload = '{}' WHERE id = $2 AND locked_by = $3")
                .bind(ts(now))
                .bind(id)
                .bind(worker)
                .execute(&mut *tx)
                .await?;
        });
        Ok(())
    }

    /// Records a failed attempt: runs again at `retry_at`, or gives up when `None`.
    ///
    /// # Errors
    /// On database failure.
    pub async fn fail_job(
        &self,
        id: i64,
        worker: &str,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        in_tx!(self, tx => {
            sqlx::query(
                "UPDATE jobs SET last_error = $1, locked_until = NULL, run_at = COALESCE($2, run_at), \
                 failed_at = CASE WHEN $2 IS NULL THEN $3 ELSE NULL END, \
                 payload = CASE WHEN $2 IS NULL THEN '{}' ELSE payload END WHERE id = $4 AND locked_by = $5",
            )
            .bind(error)
            .bind(retry_at.map(ts))
            .bind(ts(now))
            .bind(id)
            .bind(worker)
            .execute(&mut *tx)
            .await?;
        });
        Ok(())
    }

    /// Moves a recurring job (claimed by `worker`) to its next run.
    ///
    /// # Errors
    /// On database failure.
    pub async fn reschedule_job(
        &self,
        id: i64,
        worker: &str,
        next_run: DateTime<Utc>,
    ) -> Result<()> {
        in_tx!(self, tx => {
            sqlx::query("UPDATE jobs SET run_at = $1, locked_until = NULL, attempts = 0, last_error = NULL WHERE id = $2 AND locked_by = $3")
                .bind(ts(next_run))
                .bind(id)
                .bind(worker)
                .execute(&mut *tx)
                .await?;
        });
        Ok(())
    }

    /// Jobs by state, for the operator: `(kind, pending, done, failed)`.
    ///
    /// # Errors
    /// On database failure.
    pub async fn job_counts(&self) -> Result<Vec<(String, i64, i64, i64)>> {
        let rows = on_pool!(self, pool => sqlx::query_as(
            "SELECT kind, SUM(CASE WHEN done_at IS NULL AND failed_at IS NULL THEN 1 ELSE 0 END), \
             SUM(CASE WHEN done_at IS NOT NULL THEN 1 ELSE 0 END), SUM(CASE WHEN failed_at IS NOT NULL THEN 1 ELSE 0 END) \
             FROM jobs GROUP BY kind ORDER BY kind",
        )
        .fetch_all(pool)
        .await?);
        Ok(rows)
    }

    /// Reports the deadline sweep must look at now (a deadline or escalation stage came,
    /// or a chosen agency waits for automatic routing), longest waiting first.
    ///
    /// # Errors
    /// On database failure.
    pub async fn reports_needing_attention(
        &self,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<ReportNumber>> {
        let ids: Vec<i64> = on_pool!(self, pool => sqlx::query_scalar(
            "SELECT id FROM reports WHERE attention_at <= $1 ORDER BY attention_at, id LIMIT $2",
        )
        .bind(ts(now))
        .bind(limit)
        .fetch_all(pool)
        .await?);
        Ok(ids.into_iter().map(ReportNumber).collect())
    }

    /// Unresolved reports filed before `cutoff` whose reporter has not yet been offered
    /// the Ombudsman.
    ///
    /// # Errors
    /// On database failure.
    pub async fn reports_due_for_ombudsman_offer(
        &self,
        cutoff: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<ReportNumber>> {
        let ids: Vec<i64> = on_pool!(self, pool => sqlx::query_scalar(
            "SELECT r.id FROM reports r WHERE r.created_at <= $1 \
             AND r.status IN ('pending', 'routed', 'disposed', 'followed_up', 'awaiting_reporter', 'returned') \
             AND NOT EXISTS (SELECT 1 FROM escalations e WHERE e.report_id = r.id AND e.step = 'ombudsman_offer') \
             ORDER BY r.id LIMIT $2",
        )
        .bind(ts(cutoff))
        .bind(limit)
        .fetch_all(pool)
        .await?);
        Ok(ids.into_iter().map(ReportNumber).collect())
    }

    /// In-app notifications of an account, newest first, with the unread count.
    ///
    /// # Errors
    /// On database failure.
    pub async fn list_notifications(
        &self,
        user_id: i64,
        limit: i64,
    ) -> Result<(Vec<NotificationRecord>, i64)> {
        #[allow(clippy::type_complexity)]
        let (rows, unread): (Vec<(i64, Option<i64>, String, String, Option<String>)>, i64) = on_pool!(self, pool => {
            let rows = sqlx::query_as(
                "SELECT id, report_id, text, created_at, read_at FROM notifications WHERE user_id = $1 ORDER BY id DESC LIMIT $2",
            )
            .bind(user_id)
            .bind(limit)
            .fetch_all(pool)
            .await?;
            let unread = sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL")
                .bind(user_id)
                .fetch_one(pool)
                .await?;
            (rows, unread)
        });
        let items = rows
            .into_iter()
            .map(|(id, report, text, created_at, read_at)| {
                Ok(NotificationRecord {
                    id,
                    report: report.map(ReportNumber),
                    text,
                    created_at: parse_ts(&created_at, "notifications.created_at")?,
                    read: read_at.is_some(),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok((items, unread))
    }

    /// # Errors
    /// On database failure.
    pub async fn count_unread_notifications(&self, user_id: i64) -> Result<i64> {
        let n = on_pool!(self, pool => sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL")
            .bind(user_id)
            .fetch_one(pool)
            .await?);
        Ok(n)
    }

    /// # Errors
    /// On database failure.
    pub async fn mark_notifications_read(&self, user_id: i64, now: DateTime<Utc>) -> Result<()> {
        in_tx!(self, tx => {
            sqlx::query("UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL")
                .bind(ts(now))
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
        });
        Ok(())
    }

    /// Accounts with `role` in any of the agencies `agency_codes` (all such accounts when
    /// the list is empty): who to alert.
    ///
    /// # Errors
    /// On database failure.
    pub async fn officers(
        &self,
        role: lapor_domain::user::Role,
        agency_codes: &[&str],
    ) -> Result<Vec<(i64, String, Option<String>, String)>> {
        let sql = if agency_codes.is_empty() {
            "SELECT u.id, u.name, u.email, u.language FROM users u WHERE u.role = $1 ORDER BY u.id"
                .to_owned()
        } else {
            format!(
                "SELECT u.id, u.name, u.email, u.language FROM users u JOIN agencies a ON a.id = u.agency_id \
                 WHERE u.role = $1 AND a.code IN ({}) ORDER BY u.id",
                (2..=agency_codes.len() + 1)
                    .map(|i| format!("${i}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        let rows = on_pool!(self, pool => {
            let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(role.code());
            for code in agency_codes {
                query = query.bind(*code);
            }
            query.fetch_all(pool).await?
        });
        Ok(rows)
    }

    /// Finished steps of the given agencies (all when empty), for performance figures.
    ///
    /// # Errors
    /// On database failure.
    pub async fn step_outcomes(&self, since: DateTime<Utc>) -> Result<Vec<OutcomeRecord>> {
        let rows: Vec<(Option<String>, String, String, String, String)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT a.code, o.step, o.started, o.due, o.done_at FROM step_outcomes o \
             LEFT JOIN agencies a ON a.id = o.agency_id WHERE o.done_at >= $1 ORDER BY o.id",
        )
        .bind(ts(since))
        .fetch_all(pool)
        .await?);
        rows.into_iter()
            .map(|(agency, step, started, due, done_at)| {
                Ok(OutcomeRecord {
                    agency,
                    step: Step::from_code(&step)
                        .ok_or(StoreError::Corrupt("step_outcomes.step"))?,
                    started: parse_ts(&started, "step_outcomes.started")?,
                    due: parse_ts(&due, "step_outcomes.due")?,
                    done_at: parse_ts(&done_at, "step_outcomes.done_at")?,
                })
            })
            .collect()
    }

    /// Ratings per agency: `(agency code, number of ratings, sum of stars)`, and per unit that
    /// wrote a published follow-up on the rated report.
    ///
    /// # Errors
    /// On database failure.
    pub async fn ratings_by_agency(&self) -> Result<Vec<(String, i64, i64)>> {
        let rows = on_pool!(self, pool => sqlx::query_as(
            "SELECT a.code, COUNT(*), CAST(SUM(r.rating) AS BIGINT) FROM reports r JOIN agencies a ON a.id = r.agency_id \
             WHERE r.rating IS NOT NULL GROUP BY a.code \
             UNION ALL \
             SELECT a.code, COUNT(*), CAST(SUM(r.rating) AS BIGINT) FROM reports r \
             JOIN (SELECT DISTINCT report_id, agency_id FROM follow_ups WHERE published_at IS NOT NULL) f \
             ON f.report_id = r.id JOIN agencies a ON a.id = f.agency_id \
             WHERE r.rating IS NOT NULL AND f.agency_id <> r.agency_id GROUP BY a.code",
        )
        .fetch_all(pool)
        .await?);
        Ok(rows)
    }

    /// Deployment settings as `(key, value)`.
    ///
    /// # Errors
    /// On database failure.
    pub async fn settings(&self) -> Result<Vec<(String, String)>> {
        let rows = on_pool!(self, pool => sqlx::query_as("SELECT key, value FROM settings ORDER BY key").fetch_all(pool).await?);
        Ok(rows)
    }

    /// # Errors
    /// On database failure.
    pub async fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        in_tx!(self, tx => {
            sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
                .bind(key)
                .bind(value)
                .execute(&mut *tx)
                .await?;
        });
        Ok(())
    }

    /// Stores `value` under `key` unless the key has one already (the first writer wins);
    /// returns the value stored.
    ///
    /// # Errors
    /// On database failure.
    pub async fn setting_or_insert(&self, key: &str, value: &str) -> Result<String> {
        in_tx!(self, tx => {
            sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
                .bind(key)
                .bind(value)
                .execute(&mut *tx)
                .await?;
        });
        let stored: Option<String> = on_pool!(self, pool => sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
            .bind(key)
            .fetch_optional(pool)
            .await?);
        stored.ok_or(StoreError::Corrupt("settings.value"))
    }

    /// Stores holidays for `scope` ('national' or an agency code); re-importing is harmless.
    ///
    /// # Errors
    /// On database failure.
    pub async fn insert_holidays(
        &self,
        scope: &str,
        holidays: &[(chrono::NaiveDate, String, String)],
    ) -> Result<u64> {
        let mut inserted = 0;
        in_tx!(self, tx => {
            for (date, kind, name) in holidays {
                inserted += sqlx::query(
                    "INSERT INTO holidays (scope, date, kind, name) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (scope, date, kind) DO UPDATE SET name = excluded.name",
                )
                .bind(scope)
                .bind(date.format("%Y-%m-%d").to_string())
                .bind(kind)
                .bind(name)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            }
        });
        Ok(inserted)
    }

    /// Stored holidays: `(scope, date, kind, name)`.
    ///
    /// # Errors
    /// On database failure.
    pub async fn list_holidays(&self) -> Result<Vec<(String, chrono::NaiveDate, String, String)>> {
        let rows: Vec<(String, String, String, String)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT scope, date, kind, name FROM holidays ORDER BY scope, date",
        )
        .fetch_all(pool)
        .await?);
        rows.into_iter()
            .map(|(scope, date, kind, name)| {
                Ok((
                    scope,
                    crate::parse_date(&date, "holidays.date")?,
                    kind,
                    name,
                ))
            })
            .collect()
    }

    /// Whether follow-ups of `agency` need its admin's approval before publication.
    ///
    /// # Errors
    /// On database failure or an unknown agency.
    pub async fn set_requires_approval(&self, agency: &str, required: bool) -> Result<()> {
        in_tx!(self, tx => {
            let updated = sqlx::query("UPDATE agencies SET requires_approval = $1 WHERE code = $2")
                .bind(required)
                .bind(agency)
                .execute(&mut *tx)
                .await?;
            if updated.rows_affected() != 1 {
                return Err(StoreError::UnknownReference("agency"));
            }
        });
        Ok(())
    }
}
