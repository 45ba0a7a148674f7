//! Channels: integrated systems (API clients), the record of every inbound message, rate
//! limit counters and the delivery log of webhooks and SMS.

use chrono::{DateTime, Utc};
use lapor_domain::status::Status;
use lapor_domain::tracking::ReportNumber;

use crate::{Db, Result, in_tx, on_pool, parse_ts, ts};

/// Records one inbound message inside the transaction `$tx`; a second record of the same
/// message fails with [`StoreError::Conflict`]`("inbound_message")`.
macro_rules! insert_inbound {
    ($tx:expr, $channel:expr, $external_id:expr, $outcome:expr, $report_id:expr, $at:expr) => {{
        let at: &str = $at;
        sqlx::query(
            "INSERT INTO inbound_messages (channel, external_id, outcome, report_id, received_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind($channel)
        .bind($external_id)
        .bind($outcome)
        .bind($report_id)
        .bind(at)
        .execute(&mut *$tx)
        .await
        .map_err($crate::conflict_on("inbound_message"))?;
    }};
}
pub(crate) use insert_inbound;

/// A system allowed to use the Open311 or integration API.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiClientRecord {
    pub id: i64,
    pub name: String,
    /// The agency it speaks for (integration clients of an agency's own complaint app).
    pub agency: Option<String>,
    /// Space-separated scopes (`open311`, `integration`).
    pub scopes: String,
    pub webhook_url: Option<String>,
    /// Shared secret of the webhook signatures (a credential: never logged).
    pub webhook_secret: Option<String>,
    pub key_prefix: String,
    /// The account the system acts as, for clients of an agency.
    pub user_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl std::fmt::Debug for ApiClientRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiClientRecord")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("agency", &self.agency)
            .finish_non_exhaustive()
    }
}

/// A client to register; only a digest of its key is stored.
#[derive(Clone)]
pub struct NewApiClient {
    pub name: String,
    pub agency: Option<String>,
    pub key_digest: String,
    pub key_prefix: String,
    pub scopes: String,
    pub webhook_url: Option<String>,
    pub webhook_secret: Option<String>,
    /// Name of the account an agency's system acts as, created with the client (an agency
    /// admin of `agency` that cannot log in).
    pub system_account: Option<String>,
    pub at: DateTime<Utc>,
}

/// One attempt to deliver something to the outside world.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryRecord {
    pub id: i64,
    pub job_id: Option<i64>,
    /// `webhook` or `sms`.
    pub kind: String,
    pub client_id: Option<i64>,
    pub report: Option<ReportNumber>,
    /// `delivered`, `failed`, `retrying`, or a gateway's delivery-report state.
    pub status: String,
    pub detail: Option<String>,
    pub at: DateTime<Utc>,
}

/// A delivery attempt to log.
#[derive(Debug, Clone)]
pub struct NewDelivery<'a> {
    pub job_id: Option<i64>,
    pub kind: &'a str,
    pub client_id: Option<i64>,
    pub report: Option<ReportNumber>,
    pub status: &'a str,
    pub detail: Option<&'a str>,
    pub at: DateTime<Utc>,
}

type ClientRow = (
    i64,
    String,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
    String,
    Option<i64>,
    String,
    Option<String>,
);

const CLIENT_COLUMNS: &str = "c.id, c.name, a.code, c.scopes, c.webhook_url, c.webhook_secret, c.key_prefix, c.user_id, \
     c.created_at, c.revoked_at FROM api_clients c LEFT JOIN agencies a ON a.id = c.agency_id";

fn client(row: ClientRow) -> Result<ApiClientRecord> {
    let (
        id,
        name,
        agency,
        scopes,
        webhook_url,
        webhook_secret,
        key_prefix,
        user_id,
        created,
        revoked,
    ) = row;
    Ok(ApiClientRecord {
        id,
        name,
        agency,
        scopes,
        webhook_url,
        webhook_secret,
        key_prefix,
        user_id,
        created_at: parse_ts(&created, "api_clients.created_at")?,
        revoked_at: revoked
            .map(|r| parse_ts(&r, "api_clients.revoked_at"))
            .transpose()?,
    })
}

impl Db {
    /// Registers an API client.
    ///
    /// # Errors
    /// [`StoreError::UnknownReference`] for an unknown agency; database failures.
    pub async fn insert_api_client(&self, new: &NewApiClient) -> Result<i64> {
        Ok(in_tx!(self, tx => {
            let agency_id: Option<i64> = crate::agency_id!(tx, &new.agency, "agency");
            // In the same transaction, so a failure leaves no account without its client.
            let user_id: Option<i64> = match (&new.system_account, agency_id) {
                (Some(name), Some(agency_id)) => Some(
                    sqlx::query_scalar(
                        "INSERT INTO users (name, email, phone, password_hash, role, agency_id, created_at) \
                         VALUES ($1, NULL, NULL, '!', $2, $3, $4) RETURNING id",
                    )
                    .bind(name)
                    .bind(lapor_domain::user::Role::AdminInstansi.code())
                    .bind(agency_id)
                    .bind(ts(new.at))
                    .fetch_one(&mut *tx)
                    .await?,
                ),
                _ => None,
            };
            sqlx::query_scalar(
                "INSERT INTO api_clients (name, agency_id, key_digest, key_prefix, scopes, webhook_url, webhook_secret, user_id, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
            )
            .bind(&new.name)
            .bind(agency_id)
            .bind(&new.key_digest)
            .bind(&new.key_prefix)
            .bind(&new.scopes)
            .bind(new.webhook_url.as_deref())
            .bind(new.webhook_secret.as_deref())
            .bind(user_id)
            .bind(ts(new.at))
            .fetch_one(&mut *tx)
            .await
            .map_err(crate::conflict_on("api_clients.key_digest"))?
        }))
    }

    /// The client holding the key with this digest, revoked or not.
    ///
    /// # Errors
    /// On database failure.
    pub async fn api_client_by_digest(&self, digest: &str) -> Result<Option<ApiClientRecord>> {
        let sql = format!("SELECT {CLIENT_COLUMNS} WHERE c.key_digest = $1");
        let row: Option<ClientRow> = on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(digest)
            .fetch_optional(pool)
            .await?);
        row.map(client).transpose()
    }

    /// One client by id.
    ///
    /// # Errors
    /// On database failure.
    pub async fn api_client(&self, id: i64) -> Result<Option<ApiClientRecord>> {
        let sql = format!("SELECT {CLIENT_COLUMNS} WHERE c.id = $1");
        let row: Option<ClientRow> = on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(id)
            .fetch_optional(pool)
            .await?);
        row.map(client).transpose()
    }

    /// Every client, oldest first.
    ///
    /// # Errors
    /// On database failure.
    pub async fn api_clients(&self) -> Result<Vec<ApiClientRecord>> {
        let sql = format!("SELECT {CLIENT_COLUMNS} ORDER BY c.id");
        let rows: Vec<ClientRow> = on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).fetch_all(pool).await?);
        rows.into_iter().map(client).collect()
    }

    /// Clients with a webhook that follow a report: the one that filed it and those of the
    /// agencies handling it (by code).
    ///
    /// # Errors
    /// On database failure.
    pub async fn webhook_clients(
        &self,
        filed_by: Option<i64>,
        agencies: &[&str],
    ) -> Result<Vec<ApiClientRecord>> {
        // Agencies bind first ($1…$n), the filing client last; "NULL" keeps `IN ()` valid.
        let agency_list = if agencies.is_empty() {
            "NULL".to_owned()
        } else {
            crate::placeholders(agencies.len())
        };
        let sql = format!(
            "SELECT {CLIENT_COLUMNS} WHERE c.webhook_url IS NOT NULL AND c.revoked_at IS NULL \
             AND (a.code IN ({agency_list}) OR c.id = ${}) ORDER BY c.id",
            agencies.len() + 1
        );
        let rows: Vec<ClientRow> = on_pool!(self, pool => {
            let mut q = sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()));
            for code in agencies {
                q = q.bind(*code);
            }
            q.bind(filed_by.unwrap_or(-1)).fetch_all(pool).await?
        });
        rows.into_iter().map(client).collect()
    }

    /// Revokes a client's key; false when there is no such active client.
    ///
    /// # Errors
    /// On database failure.
    pub async fn revoke_api_client(&self, id: i64, at: DateTime<Utc>) -> Result<bool> {
        let done = in_tx!(self, tx => sqlx::query(
            "UPDATE api_clients SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
        )
        .bind(ts(at))
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected());
        Ok(done == 1)
    }

    /// Records a message that did not become a report (a help request, a status query, an
    /// auto-reply). False when the channel delivered it before: nothing is written then.
    ///
    /// # Errors
    /// On database failure.
    pub async fn record_inbound(
        &self,
        channel: &str,
        external_id: &str,
        outcome: &str,
        report: Option<ReportNumber>,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        let done = in_tx!(self, tx => sqlx::query(
            "INSERT INTO inbound_messages (channel, external_id, outcome, report_id, received_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (channel, external_id) DO NOTHING",
        )
        .bind(channel)
        .bind(external_id)
        .bind(outcome)
        .bind(report.map(|n| n.0))
        .bind(ts(at))
        .execute(&mut *tx)
        .await?
        .rows_affected());
        Ok(done == 1)
    }

    /// What a message delivered before became: `(outcome, report)`.
    ///
    /// # Errors
    /// On database failure.
    pub async fn inbound(
        &self,
        channel: &str,
        external_id: &str,
    ) -> Result<Option<(String, Option<ReportNumber>)>> {
        let row: Option<(String, Option<i64>)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT outcome, report_id FROM inbound_messages WHERE channel = $1 AND external_id = $2",
        )
        .bind(channel)
        .bind(external_id)
        .fetch_optional(pool)
        .await?);
        Ok(row.map(|(o, r)| (o, r.map(ReportNumber))))
    }

    /// Counts one hit of `subject` in the window starting at `window`; returns the hits so
    /// far. One statement, so concurrent app servers never lose a count.
    ///
    /// # Errors
    /// On database failure.
    pub async fn count_hit(&self, subject: &str, window: DateTime<Utc>) -> Result<i64> {
        Ok(in_tx!(self, tx => sqlx::query_scalar(
            "INSERT INTO rate_limits (subject, window_start, hits) VALUES ($1, $2, 1) \
             ON CONFLICT (subject, window_start) DO UPDATE SET hits = rate_limits.hits + 1 RETURNING hits",
        )
        .bind(subject)
        .bind(ts(window))
        .fetch_one(&mut *tx)
        .await?))
    }

    /// Forgets rate-limit windows that started before `before`.
    ///
    /// # Errors
    /// On database failure.
    pub async fn prune_rate_limits(&self, before: DateTime<Utc>) -> Result<u64> {
        let done = in_tx!(self, tx => sqlx::query("DELETE FROM rate_limits WHERE window_start < $1")
            .bind(ts(before))
            .execute(&mut *tx)
            .await?
            .rows_affected());
        Ok(done)
    }

    /// Logs one delivery attempt.
    ///
    /// # Errors
    /// On database failure.
    pub async fn record_delivery(&self, new: &NewDelivery<'_>) -> Result<i64> {
        Ok(in_tx!(self, tx => sqlx::query_scalar(
            "INSERT INTO deliveries (job_id, kind, client_id, report_id, status, detail, at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(new.job_id)
        .bind(new.kind)
        .bind(new.client_id)
        .bind(new.report.map(|n| n.0))
        .bind(new.status)
        .bind(new.detail)
        .bind(ts(new.at))
        .fetch_one(&mut *tx)
        .await?))
    }

    /// The delivery log, newest first: of one client, of one job, or all.
    ///
    /// # Errors
    /// On database failure.
    pub async fn deliveries(
        &self,
        client_id: Option<i64>,
        job_id: Option<i64>,
        limit: i64,
    ) -> Result<Vec<DeliveryRecord>> {
        type Row = (
            i64,
            Option<i64>,
            String,
            Option<i64>,
            Option<i64>,
            String,
            Option<String>,
            String,
        );
        let rows: Vec<Row> = on_pool!(self, pool => sqlx::query_as(
            "SELECT id, job_id, kind, client_id, report_id, status, detail, at FROM deliveries \
             WHERE ($1 IS NULL OR client_id = $1) AND ($2 IS NULL OR job_id = $2) \
             ORDER BY id DESC LIMIT $3",
        )
        .bind(client_id)
        .bind(job_id)
        .bind(limit)
        .fetch_all(pool)
        .await?);
        rows.into_iter()
            .map(
                |(id, job_id, kind, client_id, report, status, detail, at)| {
                    Ok(DeliveryRecord {
                        id,
                        job_id,
                        kind,
                        client_id,
                        report: report.map(ReportNumber),
                        status,
                        detail,
                        at: parse_ts(&at, "deliveries.at")?,
                    })
                },
            )
            .collect()
    }

    /// Reports whose reporter, reachable at `contact` (E.164 phone or e-mail), may answer
    /// now (a follow-up or a question waits), newest first.
    ///
    /// # Errors
    /// On database failure.
    pub async fn reports_awaiting_reply_from(&self, contact: &str) -> Result<Vec<ReportNumber>> {
        let ids: Vec<i64> = on_pool!(self, pool => sqlx::query_scalar(
            "SELECT r.id FROM reports r JOIN reporters p ON p.report_id = r.id \
             WHERE (p.phone = $1 OR LOWER(p.email) = LOWER($1)) AND r.status IN ($2, $3) ORDER BY r.id DESC",
        )
        .bind(contact)
        .bind(Status::AwaitingReporter.code())
        .bind(Status::Pending.code())
        .fetch_all(pool)
        .await?);
        Ok(ids.into_iter().map(ReportNumber).collect())
    }

    /// Reports received since `since` per `(agency responsible, channel)`: how the door is used,
    /// for the statistics (the agency is `None` while unrouted).
    ///
    /// # Errors
    /// On database failure.
    pub async fn reports_by_channel(
        &self,
        since: DateTime<Utc>,
    ) -> Result<Vec<(Option<String>, String, i64)>> {
        Ok(on_pool!(self, pool => sqlx::query_as(
            "SELECT a.code, r.channel, COUNT(*) FROM reports r LEFT JOIN agencies a ON a.id = r.agency_id \
             WHERE r.created_at >= $1 GROUP BY a.code, r.channel",
        )
        .bind(ts(since))
        .fetch_all(pool)
        .await?))
    }

    /// The files the reporter sent with a report (without their bytes), in order.
    ///
    /// # Errors
    /// On database failure.
    pub async fn report_files(&self, number: ReportNumber) -> Result<Vec<crate::AttachmentMeta>> {
        let rows: Vec<(i64, String, String, i64, String)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT id, file_name, content_type, size_bytes, sha256 FROM report_files WHERE report_id = $1 ORDER BY id",
        )
        .bind(number.0)
        .fetch_all(pool)
        .await?);
        Ok(rows
            .into_iter()
            .map(
                |(id, file_name, content_type, size_bytes, sha256)| crate::AttachmentMeta {
                    id,
                    file_name,
                    content_type,
                    size_bytes,
                    sha256,
                },
            )
            .collect())
    }

    /// One file sent with a report, with the report it belongs to (for access checks). Never
    /// public: `published` is false.
    ///
    /// # Errors
    /// On database failure.
    pub async fn report_file(&self, id: i64) -> Result<Option<crate::AttachmentFile>> {
        type Row = (i64, String, String, i64, String, i64, Vec<u8>);
        let row: Option<Row> = on_pool!(self, pool => sqlx::query_as(
            "SELECT id, file_name, content_type, size_bytes, sha256, report_id, data FROM report_files WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(pool)
        .await?);
        Ok(row.map(
            |(id, file_name, content_type, size_bytes, sha256, report, data)| {
                crate::AttachmentFile {
                    meta: crate::AttachmentMeta {
                        id,
                        file_name,
                        content_type,
                        size_bytes,
                        sha256,
                    },
                    report: ReportNumber(report),
                    published: false,
                    data,
                }
            },
        ))
    }
}
