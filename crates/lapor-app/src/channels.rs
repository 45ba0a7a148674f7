//! What every channel shares behind the one intake (`App::submit`): the integrated systems
//! that may call the APIs, the record of inbound messages that makes replays harmless, rate
//! limits, and acting for a reporter who answers through a channel.

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, TimeDelta, Utc};
use lapor_domain::report::Channel;
use lapor_domain::tracking::{ReportNumber, sha256_hex};
use lapor_store::{ApiClientRecord, Backend, DeliveryRecord, NewApiClient};
use rand::Rng;

use crate::workflow::{Officer, ReporterCommand, ReporterKey};
use crate::{App, AppError, Result};

/// What an API client may call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApiScope {
    /// Open311 GeoReport v2 (`/open311/v2/`).
    Open311,
    /// The integration API of agency complaint apps (`/api/v1/integration/`).
    Integration,
}

impl ApiScope {
    pub const ALL: [ApiScope; 2] = [ApiScope::Open311, ApiScope::Integration];

    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            ApiScope::Open311 => "open311",
            ApiScope::Integration => "integration",
        }
    }

    #[must_use]
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// An integrated system, authenticated by its API key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiClient {
    pub id: i64,
    pub name: String,
    /// The agency whose own app this is (integration clients act for it).
    pub agency: Option<String>,
    pub scopes: Vec<ApiScope>,
    pub webhook_url: Option<String>,
    pub key_prefix: String,
    /// The account an agency's system acts as.
    pub user_id: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<ApiClientRecord> for ApiClient {
    fn from(r: ApiClientRecord) -> Self {
        Self {
            id: r.id,
            name: r.name,
            agency: r.agency,
            scopes: r
                .scopes
                .split_whitespace()
                .filter_map(ApiScope::from_code)
                .collect(),
            webhook_url: r.webhook_url,
            key_prefix: r.key_prefix,
            user_id: r.user_id,
            created_at: r.created_at,
            revoked_at: r.revoked_at,
        }
    }
}

/// A newly registered client with the secrets shown once.
pub struct IssuedKey {
    pub client: ApiClient,
    /// The API key (`lpr_…`); only its digest is stored.
    pub key: String,
    /// The secret that signs webhooks (when a webhook URL was given).
    pub webhook_secret: Option<String>,
}

/// What an inbound message that did not become a report was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InboundOutcome {
    /// A question about a report's status.
    Status,
    /// Answered with help: no command understood.
    Help,
    /// An auto-reply, a bounce or a mailing-list message: recorded, never answered.
    Automated,
    /// Refused (too long, rate limited, invalid); the sender was told why where possible.
    Refused,
}

impl InboundOutcome {
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            InboundOutcome::Status => "status",
            InboundOutcome::Help => "help",
            InboundOutcome::Automated => "automated",
            InboundOutcome::Refused => "refused",
        }
    }
}

/// Who is counted by a rate limit, and how much they may do per window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateLimit {
    /// Per phone number: SMS reports and commands.
    Phone,
    /// Per API key: Open311 and integration calls.
    ApiKey,
    /// Per account or e-mail address.
    Account,
    /// Per IP address, loosely: carriers put many phones behind one address (CGNAT).
    Ip,
}

impl RateLimit {
    /// `(hits, window)`.
    #[must_use]
    pub fn budget(self) -> (i64, TimeDelta) {
        match self {
            RateLimit::Phone => (20, TimeDelta::hours(1)),
            RateLimit::ApiKey => (600, TimeDelta::minutes(1)),
            RateLimit::Account => (30, TimeDelta::hours(1)),
            RateLimit::Ip => (600, TimeDelta::minutes(10)),
        }
    }

    fn code(self) -> &'static str {
        match self {
            RateLimit::Phone => "phone",
            RateLimit::ApiKey => "key",
            RateLimit::Account => "account",
            RateLimit::Ip => "ip",
        }
    }
}

/// Counters for rate limits. One process on SQLite counts in memory; app servers sharing
/// PostgreSQL count in the database, so a client cannot multiply its budget by the number
/// of servers behind the load balancer.
pub(crate) enum Limiter {
    Memory(Mutex<HashMap<(String, i64), i64>>),
    Database,
}

impl Limiter {
    pub(crate) fn for_backend(backend: Backend) -> Self {
        match backend {
            Backend::Sqlite => Limiter::Memory(Mutex::new(HashMap::new())),
            Backend::Postgres => Limiter::Database,
        }
    }
}

const KEY_PREFIX: &str = "lpr_";

fn random_token(len: usize) -> String {
    const ALPHABET: &[u8] = b"abcdefghijkmnopqrstuvwxyz23456789";
    let mut rng = rand::rng();
    (0..len)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}

impl App {
    /// Registers an integrated system and issues its API key (shown once).
    ///
    /// # Errors
    /// [`AppError::Invalid`] for an empty name, no scope, a bad webhook URL or an unknown
    /// agency.
    pub async fn add_api_client(
        &self,
        name: &str,
        agency: Option<&str>,
        scopes: &[ApiScope],
        webhook_url: Option<&str>,
    ) -> Result<IssuedKey> {
        use lapor_domain::validation::Problem;
        let mut errors = lapor_domain::ValidationErrors::default();
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            errors.add("name", Problem::Required);
        }
        if scopes.is_empty() {
            errors.add("scope", Problem::Required);
        }
        let webhook_url = webhook_url.map(str::trim).filter(|u| !u.is_empty());
        if webhook_url.is_some_and(|u| !(u.starts_with("https://") || u.starts_with("http://"))) {
            errors.add("webhook_url", Problem::InvalidValue);
        }
        errors.into_result(())?;
        let key = format!("{KEY_PREFIX}{}", random_token(32));
        let webhook_secret = webhook_url.map(|_| random_token(40));
        let mut scope_codes: Vec<&str> = scopes.iter().map(|s| s.code()).collect();
        scope_codes.dedup();
        let agency = match agency.map(str::trim).filter(|a| !a.is_empty()) {
            Some(code) => Some(self.agency(&code.to_lowercase()).await?.ok_or_else(|| {
                AppError::Invalid(lapor_domain::ValidationErrors::single(
                    "agency",
                    Problem::UnknownAgency,
                ))
            })?),
            None => None,
        };
        // An agency's system writes follow-ups as an account of that agency, so history and
        // performance name it like any officer. The account cannot log in.
        let system_account = (agency.is_some() && scopes.contains(&ApiScope::Integration))
            .then(|| format!("Sistem: {name}"));
        let id = self
            .db
            .insert_api_client(&NewApiClient {
                name: name.to_owned(),
                agency: agency.map(|a| a.code),
                key_digest: sha256_hex(key.as_bytes()),
                key_prefix: key.chars().take(KEY_PREFIX.len() + 4).collect(),
                scopes: scope_codes.join(" "),
                webhook_url: webhook_url.map(str::to_owned),
                webhook_secret: webhook_secret.clone(),
                system_account,
                at: self.now(),
            })
            .await?;
        let client = self
            .db
            .api_client(id)
            .await?
            .ok_or(AppError::Internal("API client vanished"))?;
        Ok(IssuedKey {
            client: client.into(),
            key,
            webhook_secret,
        })
    }

    /// The client holding `raw_key`, if it is active and may use `scope`.
    ///
    /// # Errors
    /// [`AppError::Forbidden`] for a wrong, revoked or out-of-scope key (which one is not said).
    pub async fn authenticate_client(&self, raw_key: &str, scope: ApiScope) -> Result<ApiClient> {
        let raw_key = raw_key.trim();
        if !raw_key.starts_with(KEY_PREFIX) || raw_key.len() > 100 {
            return Err(AppError::Forbidden);
        }
        // The digest is the lookup key, so comparing it leaks nothing about the secret.
        let client: ApiClient = self
            .db
            .api_client_by_digest(&sha256_hex(raw_key.as_bytes()))
            .await?
            .ok_or(AppError::Forbidden)?
            .into();
        if client.revoked_at.is_some() || !client.scopes.contains(&scope) {
            return Err(AppError::Forbidden);
        }
        Ok(client)
    }

    /// Every registered client, oldest first.
    ///
    /// # Errors
    /// On storage failure.
    pub async fn api_clients(&self) -> Result<Vec<ApiClient>> {
        Ok(self
            .db
            .api_clients()
            .await?
            .into_iter()
            .map(ApiClient::from)
            .collect())
    }

    /// Revokes a client's key at once.
    ///
    /// # Errors
    /// [`AppError::NotFound`] when there is no such active client.
    pub async fn revoke_api_client(&self, id: i64) -> Result<()> {
        if self.db.revoke_api_client(id, self.now()).await? {
            Ok(())
        } else {
            Err(AppError::NotFound)
        }
    }

    /// The delivery log of webhooks and SMS, newest first (of one client when given).
    ///
    /// # Errors
    /// On storage failure.
    pub async fn deliveries(&self, client: Option<i64>, limit: i64) -> Result<Vec<DeliveryRecord>> {
        Ok(self.db.deliveries(client, None, limit).await?)
    }

    /// Records an inbound message that did not become a report. False when the channel
    /// delivered it before (then nothing is written and the caller should not act again).
    ///
    /// # Errors
    /// On storage failure.
    pub async fn record_inbound(
        &self,
        channel: Channel,
        external_id: &str,
        outcome: InboundOutcome,
        report: Option<ReportNumber>,
    ) -> Result<bool> {
        Ok(self
            .db
            .record_inbound(
                channel.code(),
                external_id,
                outcome.code(),
                report,
                self.now(),
            )
            .await?)
    }

    /// What the channel's message `external_id` became, if it was delivered before:
    /// `(outcome code, report)`.
    ///
    /// # Errors
    /// On storage failure.
    pub async fn inbound_seen(
        &self,
        channel: Channel,
        external_id: &str,
    ) -> Result<Option<(String, Option<ReportNumber>)>> {
        Ok(self.db.inbound(channel.code(), external_id).await?)
    }

    /// Counts one request of `subject` against `limit`.
    ///
    /// # Errors
    /// [`AppError::RateLimited`] with the seconds until the window ends.
    pub async fn rate_limit(&self, limit: RateLimit, subject: &str) -> Result<()> {
        let (budget, window) = limit.budget();
        let now = self.now();
        let seconds = window.num_seconds().max(1);
        let start = now.timestamp().div_euclid(seconds) * seconds;
        // Subjects (phone numbers, addresses) are personal data: only their digest is kept.
        let key = format!("{}:{}", limit.code(), sha256_hex(subject.as_bytes()));
        let hits = match self.limiter.as_ref() {
            Limiter::Memory(counts) => {
                let mut counts = counts
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                if counts.len() > 100_000 {
                    counts.retain(|(_, window_start), _| *window_start >= start - 86_400);
                }
                let hits = counts.entry((key, start)).or_insert(0);
                *hits += 1;
                *hits
            }
            Limiter::Database => {
                let window_start = DateTime::from_timestamp(start, 0).unwrap_or(now);
                self.db.count_hit(&key, window_start).await?
            }
        };
        if hits > budget {
            let retry_after_secs = u64::try_from(start + seconds - now.timestamp()).unwrap_or(1);
            return Err(AppError::RateLimited {
                retry_after_secs,
                first: hits == budget + 1,
            });
        }
        Ok(())
    }

    /// Reports whose reporter, reachable at `contact` (an E.164 phone number or an e-mail
    /// address), may answer now, newest first.
    ///
    /// # Errors
    /// On storage failure.
    pub async fn reports_awaiting_reply_from(&self, contact: &str) -> Result<Vec<ReportNumber>> {
        let contact = lapor_domain::user::Phone::parse(contact)
            .map_or_else(|| contact.trim().to_owned(), |p| p.as_str().to_owned());
        Ok(self.db.reports_awaiting_reply_from(&contact).await?)
    }

    /// A reporter's step that arrived as a channel message: the step and the record of the
    /// message are written together, so a replayed message changes nothing. Returns false for
    /// a replay.
    ///
    /// # Errors
    /// As [`App::reporter_act`].
    pub async fn reporter_act_inbound(
        &self,
        key: ReporterKey<'_>,
        command: ReporterCommand,
        channel: Channel,
        external_id: &str,
    ) -> Result<bool> {
        // Checked before the step too: a replay arriving after the report moved on must
        // answer "already done", not fail the step's status checks.
        if self.inbound_seen(channel, external_id).await?.is_some() {
            return Ok(false);
        }
        self.reporter_act_recorded(key, command, Some((channel, external_id)))
            .await
    }

    /// The agency officer an integration client acts as: its agency's admin, named after the
    /// system (officers see which system wrote a follow-up).
    ///
    /// # Errors
    /// [`AppError::Forbidden`] for a client without an agency or without the integration scope.
    pub async fn officer_for_client(&self, client: &ApiClient) -> Result<Officer> {
        let user = match client.user_id {
            Some(id) if client.scopes.contains(&ApiScope::Integration) => {
                self.db.find_user(id).await?
            }
            _ => None,
        };
        self.officer(&user.ok_or(AppError::Forbidden)?).await
    }
}
