//! What the Open311 GeoReport v2 server reads: public reports as service requests, with the
//! spec's filters (ids, service codes, a date range, statuses) and the `page`/`page_size`
//! extension.

use chrono::{DateTime, Utc};
use lapor_domain::event::EventKind;
use lapor_domain::report::Channel;
use lapor_domain::status::Status;
use lapor_domain::tracking::ReportNumber;
use lapor_domain::workflow::Step;

use crate::{Db, Result, StoreError, on_pool, parse_ts, ts};

/// Filters of `GET requests`. Only published, non-confidential reports are ever read.
#[derive(Debug, Clone, Default)]
pub struct RequestFilter {
    /// When not empty, only these reports, and every other filter but paging is ignored
    /// (the spec: `service_request_id` "overrides all other arguments").
    pub numbers: Vec<ReportNumber>,
    /// Any of these categories, exactly (all when empty).
    pub categories: Vec<String>,
    /// Filed at or after.
    pub from: Option<DateTime<Utc>>,
    /// Filed at or before.
    pub until: Option<DateTime<Utc>>,
    /// Any of these statuses (all published ones when empty).
    pub statuses: Vec<Status>,
    /// 1-based.
    pub page: u32,
    pub page_size: u32,
}

/// The largest page `GET requests` returns (the spec's default limit).
pub const MAX_PAGE_SIZE: u32 = 1000;

/// A public report with what a service request shows. Carries no data about the reporter.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestRecord {
    pub number: ReportNumber,
    pub title: String,
    pub body: String,
    pub category: Option<String>,
    pub address: Option<String>,
    pub coordinates: Option<(f64, f64)>,
    /// The agency responsible, by code and name.
    pub agency: Option<(String, String)>,
    pub channel: Channel,
    pub status: Status,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The running deadline.
    pub due: Option<(Step, Option<DateTime<Utc>>)>,
    /// The latest public workflow step (its reason explains the status).
    pub last_step: Option<EventKind>,
}

#[derive(sqlx::FromRow)]
struct RequestRow {
    id: i64,
    title: String,
    body: String,
    category: Option<String>,
    address: Option<String>,
    latitude: Option<f64>,
    longitude: Option<f64>,
    agency: Option<String>,
    agency_name: Option<String>,
    channel: String,
    status: String,
    created_at: String,
    updated_at: String,
    due_step: Option<String>,
    due_at: Option<String>,
    last_step: Option<String>,
}

impl TryFrom<RequestRow> for RequestRecord {
    type Error = StoreError;
    fn try_from(r: RequestRow) -> Result<Self> {
        let due = match r.due_step.as_deref() {
            None => None,
            Some(step) => Some((
                Step::from_code(step).ok_or(StoreError::Corrupt("reports.due_step"))?,
                r.due_at
                    .as_deref()
                    .map(|t| parse_ts(t, "reports.due_at"))
                    .transpose()?,
            )),
        };
        Ok(Self {
            number: ReportNumber(r.id),
            title: r.title,
            body: r.body,
            category: r.category,
            address: r.address,
            coordinates: r.latitude.zip(r.longitude),
            agency: r.agency.zip(r.agency_name),
            channel: Channel::from_code(&r.channel)
                .ok_or(StoreError::Corrupt("reports.channel"))?,
            status: Status::from_code(&r.status).ok_or(StoreError::Corrupt("reports.status"))?,
            created_at: parse_ts(&r.created_at, "reports.created_at")?,
            updated_at: parse_ts(&r.updated_at, "reports.updated_at")?,
            due,
            last_step: r
                .last_step
                .as_deref()
                .map(serde_json::from_str)
                .transpose()
                .map_err(|_| StoreError::Corrupt("report_events.data"))?,
        })
    }
}

// An anonymous reporter's pin is where they stood when filing from a phone: never published.
const SELECT_REQUEST: &str = "SELECT r.id, r.title, r.body, r.category, r.address, \
     CASE WHEN r.anonymous THEN NULL ELSE r.latitude END AS latitude, \
     CASE WHEN r.anonymous THEN NULL ELSE r.longitude END AS longitude, \
     a.code AS agency, a.name AS agency_name, r.channel, r.status, r.created_at, r.updated_at, \
     r.due_step, r.due_at, \
     (SELECT e.data FROM report_events e WHERE e.report_id = r.id AND e.public = TRUE \
      AND e.kind = 'transition' ORDER BY e.id DESC LIMIT 1) AS last_step \
     FROM reports r LEFT JOIN agencies a ON a.id = r.agency_id";

impl Db {
    /// Published, non-confidential reports matching `filter`, newest first.
    ///
    /// # Errors
    /// On database failure or a corrupt stored value.
    pub async fn list_open311_requests(
        &self,
        filter: &RequestFilter,
    ) -> Result<Vec<RequestRecord>> {
        let statuses: Vec<Status> = Status::ALL
            .into_iter()
            .filter(|s| s.is_published())
            .filter(|s| {
                filter.statuses.is_empty()
                    || !filter.numbers.is_empty()
                    || filter.statuses.contains(s)
            })
            .collect();
        if statuses.is_empty() {
            return Ok(Vec::new());
        }
        let mut params = Params::default();
        let mut conditions = vec![
            "r.confidential = FALSE".to_owned(),
            format!(
                "r.status IN ({})",
                params.texts(statuses.iter().map(|s| s.code().to_owned()))
            ),
        ];
        if filter.numbers.is_empty() {
            if !filter.categories.is_empty() {
                let list = params.texts(filter.categories.iter().cloned());
                conditions.push(format!("r.category IN ({list})"));
            }
            if let Some(from) = filter.from {
                let p = params.texts([ts(from)]);
                conditions.push(format!("r.created_at >= {p}"));
            }
            if let Some(until) = filter.until {
                let p = params.texts([ts(until)]);
                conditions.push(format!("r.created_at <= {p}"));
            }
        } else {
            let list = params.numbers(filter.numbers.iter().map(|n| n.0));
            conditions.push(format!("r.id IN ({list})"));
        }
        let page_size = filter.page_size.clamp(1, MAX_PAGE_SIZE);
        let offset = i64::from(filter.page.max(1) - 1) * i64::from(page_size);
        let sql = format!(
            "{SELECT_REQUEST} WHERE {} ORDER BY r.created_at DESC, r.id DESC LIMIT {page_size} OFFSET {offset}",
            conditions.join(" AND ")
        );
        let rows: Vec<RequestRow> = on_pool!(self, pool => {
            let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()));
            for p in &params.0 {
                query = match p {
                    Param::Text(t) => query.bind(t.as_str()),
                    Param::Number(n) => query.bind(*n),
                };
            }
            query.fetch_all(pool).await?
        });
        rows.into_iter().map(RequestRecord::try_from).collect()
    }
}

enum Param {
    Text(String),
    Number(i64),
}

/// Bound parameters of one statement, numbered in the order they are added.
#[derive(Default)]
struct Params(Vec<Param>);

impl Params {
    fn add(&mut self, values: impl IntoIterator<Item = Param>) -> String {
        let first = self.0.len() + 1;
        self.0.extend(values);
        (first..=self.0.len())
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn texts(&mut self, values: impl IntoIterator<Item = String>) -> String {
        self.add(values.into_iter().map(Param::Text))
    }

    fn numbers(&mut self, values: impl IntoIterator<Item = i64>) -> String {
        self.add(values.into_iter().map(Param::Number))
    }
}

/// One step in the history of a report an API client filed (FixMyStreet's
/// `servicerequestupdates`).
#[derive(Debug, Clone, PartialEq)]
pub struct UpdateRecord {
    /// The event's id: stable, and growing with time.
    pub id: i64,
    pub number: ReportNumber,
    pub at: DateTime<Utc>,
    pub actor: lapor_domain::status::ActorRole,
    pub kind: EventKind,
    /// The report is rahasia now: the client, which may publish what it fetches, gets the
    /// status only.
    pub confidential: bool,
}

/// A published follow-up of a report an API client filed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedFollowUp {
    pub id: i64,
    pub number: ReportNumber,
    pub body: String,
    pub published_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct UpdateRow {
    id: i64,
    report_id: i64,
    at: String,
    actor_role: String,
    data: String,
    confidential: bool,
}

#[derive(sqlx::FromRow)]
struct FollowUpRow {
    id: i64,
    report_id: i64,
    body: String,
    published_at: String,
}

impl Db {
    /// The workflow steps, oldest first, taken between `from` and `until` (inclusive) on the
    /// reports `client_id` filed, with the follow-ups published meanwhile; at most `limit`
    /// steps.
    ///
    /// # Errors
    /// On database failure or a corrupt stored value.
    pub async fn client_updates(
        &self,
        client_id: i64,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: u32,
    ) -> Result<(Vec<UpdateRecord>, Vec<PublishedFollowUp>)> {
        let sql = format!(
            "SELECT e.id, e.report_id, e.at, e.actor_role, e.data, r.confidential FROM report_events e \
             JOIN reports r ON r.id = e.report_id \
             WHERE r.client_id = $1 AND e.kind = 'transition' AND e.at >= $2 AND e.at <= $3 \
             ORDER BY e.id LIMIT {}",
            limit.max(1)
        );
        let (rows, follow_ups): (Vec<UpdateRow>, Vec<FollowUpRow>) = on_pool!(self, pool => {
            let rows = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                .bind(client_id)
                .bind(ts(from))
                .bind(ts(until))
                .fetch_all(pool)
                .await?;
            let follow_ups = sqlx::query_as(
                "SELECT f.id, f.report_id, f.body, f.published_at FROM follow_ups f \
                 JOIN reports r ON r.id = f.report_id \
                 WHERE r.client_id = $1 AND NOT r.confidential AND f.published_at >= $2 AND f.published_at <= $3 ORDER BY f.id",
            )
            .bind(client_id)
            .bind(ts(from))
            .bind(ts(until))
            .fetch_all(pool)
            .await?;
            (rows, follow_ups)
        });
        let updates = rows
            .into_iter()
            .map(|r| {
                Ok(UpdateRecord {
                    id: r.id,
                    number: ReportNumber(r.report_id),
                    at: parse_ts(&r.at, "report_events.at")?,
                    actor: lapor_domain::status::ActorRole::from_code(&r.actor_role)
                        .ok_or(StoreError::Corrupt("report_events.actor_role"))?,
                    kind: serde_json::from_str(&r.data)
                        .map_err(|_| StoreError::Corrupt("report_events.data"))?,
                    confidential: r.confidential,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let follow_ups = follow_ups
            .into_iter()
            .map(|f| {
                Ok(PublishedFollowUp {
                    id: f.id,
                    number: ReportNumber(f.report_id),
                    body: f.body,
                    published_at: parse_ts(&f.published_at, "follow_ups.published_at")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok((updates, follow_ups))
    }
}
