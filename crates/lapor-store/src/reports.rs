//! Reports, their reporters and their append-only history.

use chrono::{DateTime, Utc};
use lapor_domain::event::{Actor, Event};
use lapor_domain::privacy::Privacy;
use lapor_domain::region::RegionCode;
use lapor_domain::report::{Channel, Classification, Location, NewReport, Report};
use lapor_domain::status::{ActorRole, Status};
use lapor_domain::tracking::ReportNumber;
use lapor_domain::workflow::{HandlingClass, Step};

use crate::{Db, Result, StoreError, escape_like, on_pool, parse_date, parse_ts, ts};

/// A validated report to store in one transaction with its first event.
#[derive(Clone)]
pub struct SubmitRecord {
    pub report: NewReport,
    /// Digest of the tracking code (see `TrackingCode::digest`).
    pub tracking_hash: String,
    pub reporter_user_id: Option<i64>,
    pub at: DateTime<Utc>,
    /// `(key, request digest)` of an API call that may be replayed.
    pub idempotency: Option<(String, String)>,
    /// The answer to replay for the idempotency key, given the new report's number.
    pub receipt: std::sync::Arc<dyn Fn(ReportNumber) -> String + Send + Sync>,
    /// The reporter's language for notifications ("id" or "en").
    pub language: String,
    /// When verification is due.
    pub due_at: Option<DateTime<Utc>>,
    /// When the deadline sweep must first look at it (at once for a chosen agency).
    pub attention_at: Option<DateTime<Utc>>,
    /// Outbox messages announcing the report (written in the same transaction).
    pub jobs: Vec<crate::workflow::NewJob>,
    /// The channel's own id of the message that carried the report (SMS id, Message-ID, a
    /// digest of an Open311 request): a second report from the same message is refused.
    pub inbound: Option<String>,
    /// The integrated system (API client) that filed it.
    pub client_id: Option<i64>,
    /// Files the reporter sent with it.
    pub files: Vec<crate::workflow::NewAttachment>,
}

/// How long a replayed API submission returns its first answer.
pub const IDEMPOTENCY_WINDOW: chrono::TimeDelta = chrono::TimeDelta::hours(24);

/// What a submission did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubmitOutcome {
    Created(ReportNumber),
    /// The idempotency key was seen before with the same request: here is the first answer.
    Replayed(String),
    /// The idempotency key was seen before with a different request.
    KeyReused,
    /// The channel delivered this message before; it became this report (if any).
    AlreadyReceived(Option<ReportNumber>),
}

/// A stored report with the names a page needs.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportRecord {
    pub report: Report,
    pub agency_name: Option<String>,
    pub target_agency_name: Option<String>,
    pub workflow: WorkflowState,
}

/// Where a report stands in its handling, beyond its status.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkflowState {
    /// Grows with every change a form could be based on (optimistic locking).
    pub version: i64,
    pub handling_class: HandlingClass,
    /// The running deadline: step and due instant (`None` while the clock is stopped).
    pub due: Option<(Step, Option<DateTime<Utc>>)>,
    /// The reporter's language for notifications.
    pub language: String,
    pub rating: Option<u8>,
    /// The integrated system (API client) that filed the report.
    pub client_id: Option<i64>,
}

/// Contact data of a reporter (personal data: never logged, never public).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ReporterRecord {
    pub name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

impl std::fmt::Debug for ReporterRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ReporterRecord(…)")
    }
}

/// One history entry with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredEvent {
    pub id: i64,
    pub event: Event,
}

/// Which report to load.
#[derive(Debug, Clone, Copy)]
pub enum ReportKey<'a> {
    Number(ReportNumber),
    /// Digest of a tracking code (see `TrackingCode::digest`).
    TrackingHash(&'a str),
}

/// A report with its reporter's contact and its history, read in one statement.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportWithHistory {
    pub record: ReportRecord,
    pub reporter: Option<ReporterRecord>,
    /// Oldest first.
    pub history: Vec<StoredEvent>,
}

/// Filters of the public list; all optional.
#[derive(Debug, Clone, Default)]
pub struct PublicFilter {
    pub q: Option<String>,
    pub status: Option<Status>,
    pub category: Option<String>,
    pub region: Option<RegionCode>,
    pub agency: Option<String>,
    /// 1-based.
    pub page: u32,
    pub per_page: u32,
}

/// One page of results.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

#[derive(sqlx::FromRow)]
struct ReportRow {
    id: i64,
    classification: String,
    title: String,
    body: String,
    incident_date: Option<String>,
    region_code: String,
    address: Option<String>,
    latitude: Option<f64>,
    longitude: Option<f64>,
    category: Option<String>,
    target_agency: Option<String>,
    target_agency_name: Option<String>,
    agency: Option<String>,
    agency_name: Option<String>,
    anonymous: bool,
    confidential: bool,
    channel: String,
    status: String,
    reporter_user_id: Option<i64>,
    created_at: String,
    updated_at: String,
    version: i64,
    handling_class: String,
    due_step: Option<String>,
    due_at: Option<String>,
    language: String,
    rating: Option<i64>,
    client_id: Option<i64>,
}

/// Which reports an officer sees (domain rule: a unit sees what was disposed to it, an
/// agency admin its own and its units', national admins and pengawas everything).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InboxScope {
    All,
    /// The agency with this code and every unit below it.
    Agency(String),
    /// Reports disposed (or routed) to the unit with this code.
    Unit(String),
}

/// Filters of an officer's inbox; all optional but the scope.
#[derive(Debug, Clone)]
pub struct InboxFilter {
    pub scope: InboxScope,
    /// Any of these statuses (all when empty).
    pub statuses: Vec<Status>,
    /// Only reports whose deadline passed at this instant.
    pub overdue_at: Option<DateTime<Utc>>,
    pub q: Option<String>,
    pub category: Option<String>,
    pub region: Option<RegionCode>,
    pub page: u32,
    pub per_page: u32,
}

/// SQL conditions with their bound text parameters, shared by every report list.
#[derive(Default)]
struct Conditions {
    parts: Vec<String>,
    params: Vec<String>,
}

impl Conditions {
    fn param(&mut self, value: String) -> String {
        self.params.push(value);
        format!("${}", self.params.len())
    }

    fn push(&mut self, condition: String) {
        self.parts.push(condition);
    }

    fn sql(&self) -> String {
        if self.parts.is_empty() {
            "1 = 1".to_owned()
        } else {
            self.parts.join(" AND ")
        }
    }

    fn statuses(&mut self, statuses: &[Status]) {
        let list: Vec<String> = statuses
            .iter()
            .map(|s| self.param(s.code().to_owned()))
            .collect();
        self.push(format!("r.status IN ({})", list.join(", ")));
    }

    /// The agency with code `p` and every unit below it, however deep.
    fn tree(p: &str) -> String {
        format!(
            "(WITH RECURSIVE tree (id) AS (SELECT id FROM agencies WHERE code = {p} \
             UNION SELECT a.id FROM agencies a JOIN tree t ON a.parent_id = t.id) SELECT id FROM tree)"
        )
    }

    fn scope(&mut self, scope: &InboxScope) {
        let (code, agencies) = match scope {
            InboxScope::All => return,
            InboxScope::Agency(code) => (code, "tree"),
            InboxScope::Unit(code) => (code, "unit"),
        };
        let p = self.param(code.clone());
        let set = if agencies == "tree" {
            Self::tree(&p)
        } else {
            format!("(SELECT id FROM agencies WHERE code = {p})")
        };
        // Reports back in national hands are no longer the agency's.
        let national: Vec<String> = [
            Status::Unverified,
            Status::Pending,
            Status::Returned,
            Status::Archived,
        ]
        .iter()
        .map(|s| self.param(s.code().to_owned()))
        .collect();
        self.push(format!(
            "(r.agency_id IN {set} OR EXISTS (SELECT 1 FROM report_units u WHERE u.report_id = r.id AND u.agency_id IN {set})) \
             AND r.status NOT IN ({})",
            national.join(", ")
        ));
    }

    fn common(
        &mut self,
        category: Option<&str>,
        region: Option<&RegionCode>,
        agency: Option<&str>,
        q: Option<&str>,
    ) {
        if let Some(category) = category {
            let exact = self.param(category.to_owned());
            let below = self.param(format!("{}.%", escape_like(category)));
            self.push(format!(
                "(r.category = {exact} OR r.category LIKE {below} ESCAPE '\\')"
            ));
        }
        if let Some(region) = region {
            let exact = self.param(region.as_str().to_owned());
            let below = self.param(format!("{}.%", escape_like(region.as_str())));
            self.push(format!(
                "(r.region_code = {exact} OR r.region_code LIKE {below} ESCAPE '\\')"
            ));
        }
        if let Some(agency) = agency {
            // The agency responsible, or a unit it was disposed to, anywhere below `agency`.
            let p = self.param(agency.to_owned());
            let tree = Self::tree(&p);
            self.push(format!(
                "(r.agency_id IN {tree} OR EXISTS (SELECT 1 FROM report_units u WHERE u.report_id = r.id AND u.agency_id IN {tree}))"
            ));
        }
        // Each word must start a word of the report ("jalan" finds "jalanan" but "dan" does not
        // find "pendanaan"); `search_text` is padded with spaces for this.
        for word in q.map(search_words).unwrap_or_default().into_iter().take(8) {
            let p = self.param(format!("% {}%", escape_like(&word)));
            self.push(format!("r.search_text LIKE {p} ESCAPE '\\'"));
        }
    }
}

const SELECT_REPORT: &str = "SELECT r.id, r.classification, r.title, r.body, r.incident_date, r.region_code, r.address, \
     r.latitude, r.longitude, r.category, t.code AS target_agency, t.name AS target_agency_name, \
     a.code AS agency, a.name AS agency_name, r.anonymous, r.confidential, r.channel, r.status, \
     r.reporter_user_id, r.created_at, r.updated_at, r.version, r.handling_class, r.due_step, r.due_at, \
     r.language, r.rating, r.client_id \
     FROM reports r LEFT JOIN agencies t ON t.id = r.target_agency_id LEFT JOIN agencies a ON a.id = r.agency_id";

impl TryFrom<ReportRow> for ReportRecord {
    type Error = StoreError;
    fn try_from(r: ReportRow) -> Result<Self> {
        let coordinates = r.latitude.zip(r.longitude);
        let report = Report {
            number: ReportNumber(r.id),
            classification: Classification::from_code(&r.classification)
                .ok_or(StoreError::Corrupt("reports.classification"))?,
            title: r.title,
            body: r.body,
            incident_date: r
                .incident_date
                .as_deref()
                .map(|d| parse_date(d, "reports.incident_date"))
                .transpose()?,
            location: Location {
                region: RegionCode::parse(&r.region_code)
                    .map_err(|_| StoreError::Corrupt("reports.region_code"))?,
                address: r.address,
                coordinates,
            },
            category: r.category,
            target_agency: r.target_agency,
            agency: r.agency,
            privacy: Privacy {
                anonymous: r.anonymous,
                confidential: r.confidential,
            },
            channel: Channel::from_code(&r.channel)
                .ok_or(StoreError::Corrupt("reports.channel"))?,
            status: Status::from_code(&r.status).ok_or(StoreError::Corrupt("reports.status"))?,
            reporter_user_id: r.reporter_user_id,
            created_at: parse_ts(&r.created_at, "reports.created_at")?,
            updated_at: parse_ts(&r.updated_at, "reports.updated_at")?,
        };
        let due = r
            .due_step
            .as_deref()
            .map(|step| {
                Ok::<_, StoreError>((
                    Step::from_code(step).ok_or(StoreError::Corrupt("reports.due_step"))?,
                    r.due_at
                        .as_deref()
                        .map(|t| parse_ts(t, "reports.due_at"))
                        .transpose()?,
                ))
            })
            .transpose()?;
        Ok(Self {
            report,
            agency_name: r.agency_name,
            target_agency_name: r.target_agency_name,
            workflow: WorkflowState {
                version: r.version,
                handling_class: HandlingClass::from_code(&r.handling_class)
                    .ok_or(StoreError::Corrupt("reports.handling_class"))?,
                due,
                language: r.language,
                rating: r.rating.and_then(|n| u8::try_from(n).ok()),
                client_id: r.client_id,
            },
        })
    }
}

#[derive(sqlx::FromRow)]
struct ReportWithHistoryRow {
    #[sqlx(flatten)]
    report: ReportRow,
    reporter_name: Option<String>,
    reporter_email: Option<String>,
    reporter_phone: Option<String>,
    /// The events as a JSON array (see [`history_json`]).
    history: Option<String>,
}

/// One event as aggregated into JSON by [`history_json`].
#[derive(serde::Deserialize)]
struct EventJson {
    id: i64,
    at: String,
    actor_role: String,
    actor_user_id: Option<i64>,
    data: serde_json::Value,
}

impl TryFrom<EventJson> for StoredEvent {
    type Error = StoreError;
    fn try_from(r: EventJson) -> Result<Self> {
        Ok(Self {
            id: r.id,
            event: Event {
                at: parse_ts(&r.at, "report_events.at")?,
                actor: Actor {
                    role: ActorRole::from_code(&r.actor_role)
                        .ok_or(StoreError::Corrupt("report_events.actor_role"))?,
                    user_id: r.actor_user_id,
                },
                kind: serde_json::from_value(r.data)
                    .map_err(|_| StoreError::Corrupt("report_events.data"))?,
            },
        })
    }
}

/// The dialect-specific part of [`Db::load_report`]: a report's events, filtered by
/// `$2` (`public only`), as one JSON array. Everything else in that statement is shared.
fn history_json(backend: crate::Backend) -> &'static str {
    match backend {
        crate::Backend::Sqlite => {
            "(SELECT json_group_array(json_object('id', e.id, 'at', e.at, 'actor_role', e.actor_role, \
             'actor_user_id', e.actor_user_id, 'data', json(e.data))) \
             FROM report_events e WHERE e.report_id = r.id AND (e.public OR NOT $2))"
        }
        crate::Backend::Postgres => {
            "(SELECT json_agg(json_build_object('id', e.id, 'at', e.at, 'actor_role', e.actor_role, \
             'actor_user_id', e.actor_user_id, 'data', e.data::json) ORDER BY e.id)::text \
             FROM report_events e WHERE e.report_id = r.id AND (e.public OR NOT $2))"
        }
    }
}

/// Lower-cased words of `text` joined by single spaces: what `search_text` holds and what
/// search terms are matched against, identically on both backends.
#[must_use]
pub fn search_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

pub(crate) fn search_text(report: &NewReport) -> String {
    let mut words = search_words(&report.title);
    words.extend(search_words(&report.body));
    if let Some(address) = &report.location.address {
        words.extend(search_words(address));
    }
    format!(" {} ", words.join(" "))
}

/// Appends one event inside the transaction `$tx`: the only way history grows. (A macro
/// rather than a generic function: sqlx's executor bounds do not stay `Send` through a
/// generic async fn.)
macro_rules! append_event {
    ($tx:expr, $report_id:expr, $event:expr) => {{
        let event: &::lapor_domain::event::Event = $event;
        let data = serde_json::to_string(&event.kind).map_err(|_| $crate::StoreError::Corrupt("report_events.data"))?;
        sqlx::query(
            "INSERT INTO report_events (report_id, at, actor_role, actor_user_id, kind, data, public) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind($report_id)
        .bind($crate::ts(event.at))
        .bind(event.actor.role.code())
        .bind(event.actor.user_id)
        .bind(event.kind.code())
        .bind(data)
        .bind(event.kind.visible_to_public())
        .execute(&mut *$tx)
        .await?;
    }};
}
pub(crate) use append_event;

/// The statements of one submission inside the transaction `$tx`, as an expression of type
/// `Result<SubmitOutcome>`. Shared by the PostgreSQL path (one transaction per submission)
/// and SQLite's group commit (many submissions per transaction).
macro_rules! submit_statements {
    ($tx:expr, $record:expr) => {
        async {
            let tx = &mut *$tx;
            let record: &$crate::reports::SubmitRecord = $record;
            if let Some((key, request_hash)) = &record.idempotency {
                // Older keys are pruned only when new ones arrive: never answer from one.
                let seen: Option<(String, String)> =
                    sqlx::query_as("SELECT request_hash, response FROM idempotency_keys WHERE key = $1 AND created_at >= $2")
                        .bind(key)
                        .bind($crate::ts(record.at - $crate::reports::IDEMPOTENCY_WINDOW))
                        .fetch_optional(&mut *tx)
                        .await?;
                if let Some((seen_hash, response)) = seen {
                    return Ok(if &seen_hash == request_hash { $crate::reports::SubmitOutcome::Replayed(response) } else { $crate::reports::SubmitOutcome::KeyReused });
                }
            }
            let report = &record.report;
            if let Some(external_id) = &record.inbound {
                let seen: Option<Option<i64>> = sqlx::query_scalar(
                    "SELECT report_id FROM inbound_messages WHERE channel = $1 AND external_id = $2",
                )
                .bind(report.channel.code())
                .bind(external_id)
                .fetch_optional(&mut *tx)
                .await?;
                if let Some(report_id) = seen {
                    return Ok($crate::reports::SubmitOutcome::AlreadyReceived(report_id.map(::lapor_domain::tracking::ReportNumber)));
                }
            }
            let target_agency_id: Option<i64> = $crate::agency_id!(tx, &report.target_agency, "agency");
            let at = $crate::ts(record.at);
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO reports (tracking_hash, classification, title, body, incident_date, region_code, address, \
                 latitude, longitude, category, target_agency_id, agency_id, anonymous, confidential, channel, status, \
                 reporter_user_id, search_text, created_at, updated_at, language, due_step, due_at, attention_at, client_id) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, NULL, $12, $13, $14, $15, $16, $17, $18, $18, $19, 'verification', $20, $21, $22) RETURNING id",
            )
            .bind(&record.tracking_hash)
            .bind(report.classification.code())
            .bind(&report.title)
            .bind(&report.body)
            .bind(report.incident_date.map(|d| d.format("%Y-%m-%d").to_string()))
            .bind(report.location.region.as_str())
            .bind(report.location.address.as_deref())
            .bind(report.location.coordinates.map(|c| c.0))
            .bind(report.location.coordinates.map(|c| c.1))
            .bind(report.category.as_deref())
            .bind(target_agency_id)
            .bind(report.privacy.anonymous)
            .bind(report.privacy.confidential)
            .bind(report.channel.code())
            .bind(::lapor_domain::status::Status::Unverified.code())
            .bind(record.reporter_user_id)
            .bind($crate::reports::search_text(report))
            .bind(&at)
            .bind(&record.language)
            .bind(record.due_at.map($crate::ts))
            .bind(record.attention_at.map($crate::ts))
            .bind(record.client_id)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| match &e {
                sqlx::Error::Database(d) if d.is_foreign_key_violation() => $crate::StoreError::UnknownReference("region_code or category"),
                sqlx::Error::Database(d) if d.is_unique_violation() => $crate::StoreError::Conflict("tracking_hash"),
                _ => $crate::StoreError::Sql(e),
            })?;
            let contact = &report.contact;
            if !contact.is_empty() {
                sqlx::query("INSERT INTO reporters (report_id, name, email, phone) VALUES ($1, $2, $3, $4)")
                    .bind(id)
                    .bind(contact.name.as_deref())
                    .bind(contact.email.as_ref().map(|e| e.as_str()))
                    .bind(contact.phone.as_ref().map(|p| p.as_str()))
                    .execute(&mut *tx)
                    .await?;
            }
            let event = ::lapor_domain::event::Event {
                at: record.at,
                actor: ::lapor_domain::event::Actor::reporter(record.reporter_user_id),
                kind: ::lapor_domain::event::EventKind::Submitted { channel: report.channel },
            };
            $crate::reports::append_event!(tx, id, &event);
            for file in &record.files {
                sqlx::query(
                    "INSERT INTO report_files (report_id, file_name, content_type, size_bytes, sha256, data) \
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
            if let Some(external_id) = &record.inbound {
                $crate::channels::insert_inbound!(tx, report.channel.code(), external_id, "report", Some(id), &at);
            }
            for job in &record.jobs {
                $crate::workflow::insert_job!(tx, job, Some(id), record.at);
            }
            let number = ::lapor_domain::tracking::ReportNumber(id);
            if let Some((key, request_hash)) = &record.idempotency {
                // The first answer holds the tracking code in clear, so it is kept only as
                // long as a client may sensibly retry; older keys go with each new one.
                sqlx::query("DELETE FROM idempotency_keys WHERE created_at < $1")
                    .bind($crate::ts(record.at - $crate::reports::IDEMPOTENCY_WINDOW))
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("INSERT INTO idempotency_keys (key, request_hash, report_id, response, created_at) VALUES ($1, $2, $3, $4, $5)")
                    .bind(key)
                    .bind(request_hash)
                    .bind(id)
                    .bind((record.receipt)(number))
                    .bind(&at)
                    .execute(&mut *tx)
                    .await
                    .map_err($crate::conflict_on("idempotency_key"))?;
            }
            Ok::<_, StoreError>($crate::reports::SubmitOutcome::Created(number))
        }
        .await
    };
}
pub(crate) use submit_statements;

impl Db {
    /// Stores a report, its reporter's contact, its `submitted` event and the idempotency
    /// record in one transaction: all of it or nothing.
    ///
    /// # Errors
    /// [`StoreError::UnknownReference`] for an unknown region, category or agency; database
    /// failures.
    pub async fn submit_report(&self, record: &SubmitRecord) -> Result<SubmitOutcome> {
        // Owned, because on SQLite the writer task commits it (see `writer`).
        let record = std::sync::Arc::new(record.clone());
        match self.try_submit(&record).await {
            // Two concurrent calls with one key or message: the loser sees the winner's answer.
            Err(StoreError::Conflict("idempotency_key" | "inbound_message")) => {
                self.try_submit(&record).await
            }
            other => other,
        }
    }

    async fn try_submit(&self, record: &std::sync::Arc<SubmitRecord>) -> Result<SubmitOutcome> {
        match &self.pools {
            crate::Pools::Sqlite { writer, .. } => writer.submit(record.clone()).await,
            crate::Pools::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                let outcome = submit_statements!(tx, record.as_ref())?;
                tx.commit().await?;
                Ok(outcome)
            }
        }
    }

    /// A report, its reporter's contact and its history (only the public events when
    /// `public_history_only`) in one statement: reading a report is the hottest path, and on
    /// SQLite every statement is a round trip to the connection's thread.
    ///
    /// # Errors
    /// On database failure or a corrupt stored value.
    pub async fn load_report(
        &self,
        key: ReportKey<'_>,
        public_history_only: bool,
    ) -> Result<Option<ReportWithHistory>> {
        let select = SELECT_REPORT.replacen(
            " FROM reports r",
            &format!(
                ", CASE WHEN p.report_id IS NULL THEN u.name ELSE p.name END AS reporter_name, \
                 CASE WHEN p.report_id IS NULL THEN u.email ELSE p.email END AS reporter_email, \
                 CASE WHEN p.report_id IS NULL THEN u.phone ELSE p.phone END AS reporter_phone, \
                 {} AS history FROM reports r",
                history_json(self.backend())
            ),
            1,
        );
        let condition = match key {
            ReportKey::Number(_) => "r.id = $1",
            ReportKey::TrackingHash(_) => "r.tracking_hash = $1",
        };
        let sql = format!(
            "{select} LEFT JOIN reporters p ON p.report_id = r.id LEFT JOIN users u ON u.id = r.reporter_user_id WHERE {condition}"
        );
        let row: Option<ReportWithHistoryRow> = on_pool!(self, pool => {
            let query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
            let query = match key {
                ReportKey::Number(n) => query.bind(n.0),
                ReportKey::TrackingHash(hash) => query.bind(hash),
            };
            query.bind(public_history_only).fetch_optional(pool).await?
        });
        let Some(row) = row else { return Ok(None) };
        let events: Vec<EventJson> = match row.history.as_deref() {
            None => Vec::new(),
            Some(json) => {
                serde_json::from_str(json).map_err(|_| StoreError::Corrupt("report_events"))?
            }
        };
        let mut history = events
            .into_iter()
            .map(StoredEvent::try_from)
            .collect::<Result<Vec<_>>>()?;
        // SQLite's json_group_array has no ORDER BY; the id order is the history's order.
        history.sort_by_key(|e| e.id);
        let reporter = (row.reporter_name.is_some()
            || row.reporter_email.is_some()
            || row.reporter_phone.is_some())
        .then_some(ReporterRecord {
            name: row.reporter_name,
            email: row.reporter_email,
            phone: row.reporter_phone,
        });
        Ok(Some(ReportWithHistory {
            record: row.report.try_into()?,
            reporter,
            history,
        }))
    }

    /// # Errors
    /// On database failure.
    pub async fn find_report(&self, number: ReportNumber) -> Result<Option<ReportRecord>> {
        let sql = format!("{SELECT_REPORT} WHERE r.id = $1");
        let row: Option<ReportRow> = on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(number.0).fetch_optional(pool).await?);
        row.map(ReportRecord::try_from).transpose()
    }

    /// Published, non-confidential reports matching `filter`, newest first.
    ///
    /// # Errors
    /// On database failure.
    pub async fn list_public_reports(&self, filter: &PublicFilter) -> Result<Page<ReportRecord>> {
        let mut query = Conditions::default();
        let no = query.param("false".to_owned());
        query.push(format!("r.confidential = ({no} = 'true')"));
        let published: Vec<Status> = Status::ALL
            .into_iter()
            .filter(|s| s.is_published())
            .collect();
        query.statuses(&published);
        if let Some(status) = filter.status {
            query.statuses(&[status]);
        }
        query.common(
            filter.category.as_deref(),
            filter.region.as_ref(),
            filter.agency.as_deref(),
            filter.q.as_deref(),
        );
        self.page_of(
            &query,
            "r.created_at DESC, r.id DESC",
            filter.page,
            filter.per_page,
        )
        .await
    }

    /// An officer's inbox: the reports in `filter.scope`, most urgent deadline first.
    ///
    /// # Errors
    /// On database failure.
    pub async fn list_inbox(&self, filter: &InboxFilter) -> Result<Page<ReportRecord>> {
        let mut query = Conditions::default();
        query.scope(&filter.scope);
        if !filter.statuses.is_empty() {
            query.statuses(&filter.statuses);
        }
        if let Some(now) = filter.overdue_at {
            let p = query.param(ts(now));
            query.push(format!("r.due_at <= {p}"));
        }
        query.common(
            filter.category.as_deref(),
            filter.region.as_ref(),
            None,
            filter.q.as_deref(),
        );
        self.page_of(
            &query,
            "COALESCE(r.due_at, '9999-12-31'), r.id",
            filter.page,
            filter.per_page,
        )
        .await
    }

    /// Per status in `scope`: how many reports, and how many of them are overdue at `now`.
    ///
    /// # Errors
    /// On database failure or a corrupt status.
    pub async fn inbox_counts(
        &self,
        scope: &InboxScope,
        now: DateTime<Utc>,
    ) -> Result<Vec<(Status, i64, i64)>> {
        let mut query = Conditions::default();
        let now = query.param(ts(now));
        query.scope(scope);
        let sql = format!(
            "SELECT r.status, COUNT(*), SUM(CASE WHEN r.due_at <= {now} THEN 1 ELSE 0 END) FROM reports r \
             WHERE {} GROUP BY r.status",
            query.sql()
        );
        let rows: Vec<(String, i64, Option<i64>)> = on_pool!(self, pool => {
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql));
            for p in &query.params {
                q = q.bind(p.as_str());
            }
            q.fetch_all(pool).await?
        });
        let mut counts = rows
            .into_iter()
            .map(|(status, n, overdue)| {
                Ok((
                    Status::from_code(&status).ok_or(StoreError::Corrupt("reports.status"))?,
                    n,
                    overdue.unwrap_or(0),
                ))
            })
            .collect::<Result<Vec<_>>>()?;
        counts.sort_by_key(|(s, _, _)| Status::ALL.iter().position(|x| x == s));
        Ok(counts)
    }

    async fn page_of(
        &self,
        query: &Conditions,
        order: &str,
        page: u32,
        per_page: u32,
    ) -> Result<Page<ReportRecord>> {
        let where_clause = query.sql();
        let per_page = per_page.clamp(1, 100);
        let page = page.max(1);
        let offset = i64::from(page - 1) * i64::from(per_page);
        let count_sql = format!("SELECT COUNT(*) FROM reports r WHERE {where_clause}");
        let list_sql = format!(
            "{SELECT_REPORT} WHERE {where_clause} ORDER BY {order} LIMIT {per_page} OFFSET {offset}"
        );
        let (total, rows): (i64, Vec<ReportRow>) = on_pool!(self, pool => {
            let mut count = sqlx::query_scalar(sqlx::AssertSqlSafe(count_sql));
            let mut list = sqlx::query_as(sqlx::AssertSqlSafe(list_sql));
            for p in &query.params {
                count = count.bind(p.as_str());
                list = list.bind(p.as_str());
            }
            (count.fetch_one(pool).await?, list.fetch_all(pool).await?)
        });
        let items = rows
            .into_iter()
            .map(ReportRecord::try_from)
            .collect::<Result<_>>()?;
        Ok(Page {
            items,
            total,
            page,
            per_page,
        })
    }

    /// Reports filed from an account, newest first.
    ///
    /// # Errors
    /// On database failure.
    pub async fn list_reports_of_user(&self, user_id: i64) -> Result<Vec<ReportRecord>> {
        let sql = format!(
            "{SELECT_REPORT} WHERE r.reporter_user_id = $1 ORDER BY r.created_at DESC, r.id DESC LIMIT 200"
        );
        let rows: Vec<ReportRow> = on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(user_id).fetch_all(pool).await?);
        rows.into_iter().map(ReportRecord::try_from).collect()
    }

    /// # Errors
    /// On database failure.
    pub async fn count_reports(&self) -> Result<i64> {
        let n: i64 = on_pool!(self, pool => sqlx::query_scalar("SELECT COUNT(*) FROM reports").fetch_one(pool).await?);
        Ok(n)
    }
}
