//! Storage seam of Lapor: one set of SQL on embedded SQLite (the default) and PostgreSQL.
//!
//! SQL is written once with `$N` placeholders and portable types (TEXT times, `RETURNING`,
//! `ON CONFLICT`); the [`Db`] enum picks the concrete sqlx pool, and the `on_pool!` /
//! `in_tx!` macros expand the same statement for each backend. Each backend has its own
//! migration folder (`migrations/{sqlite,postgres}`), checked for parity by the tests.

use std::str::FromStr;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

mod agencies;
mod channels;
pub mod duplicates;
pub mod open311;
mod reference;
mod reports;
mod routing;
mod users;
mod workflow;
mod writer;

pub use agencies::AgencyRecord;
pub use channels::{ApiClientRecord, DeliveryRecord, NewApiClient, NewDelivery};
pub use reference::RegionRow;
pub use reports::{
    IDEMPOTENCY_WINDOW, InboxFilter, InboxScope, Page, PublicFilter, ReportKey, ReportRecord,
    ReportWithHistory, ReporterRecord, StoredEvent, SubmitOutcome, SubmitRecord, WorkflowState,
};
pub use routing::{ConfirmedRouting, RoutingModelRecord, RoutingRuleRecord};
pub use users::{NewUserRecord, UserRecord};
pub use workflow::{
    Applied, AttachmentFile, AttachmentMeta, Change, ContentUpdate, EscalationKey, FollowUpRecord,
    JobRecord, NewAttachment, NewFollowUp, NewJob, NewNotification, NotificationRecord,
    OutcomeRecord, StepOutcome,
};

/// Everything that can go wrong below the use cases.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A unique constraint refused the write; names the column when known.
    #[error("already exists: {0}")]
    Conflict(&'static str),
    /// A code the write refers to does not exist (e.g. a parent agency).
    #[error("unknown reference: {0}")]
    UnknownReference(&'static str),
    /// The row changed under us (optimistic check failed).
    #[error("the record changed meanwhile")]
    Stale,
    /// A stored value could not be read back into the domain (a bug or a manual edit).
    #[error("corrupt stored value in {0}")]
    Corrupt(&'static str),
    /// The database handle was closed.
    #[error("the database is closed")]
    Closed,
    #[error("unsupported database URL (expected sqlite:… or postgres://…)")]
    UnsupportedUrl,
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error(transparent)]
    Sql(#[from] sqlx::Error),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// Which database a [`Db`] talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone)]
enum Pools {
    /// SQLite allows one writer at a time: writes go through a one-connection pool so they
    /// queue in the application instead of failing with SQLITE_BUSY; reads run in parallel.
    /// Submissions go through the group-commit `writer`, which shares `write`.
    Sqlite {
        read: SqlitePool,
        write: SqlitePool,
        writer: writer::SqliteWriter,
    },
    Postgres(PgPool),
}

/// A handle to the database; cheap to clone.
#[derive(Clone)]
pub struct Db {
    pools: Pools,
}

/// Runs `$body` with `$pool` bound to the read pool of whichever backend is in use.
macro_rules! on_pool {
    ($db:expr, $pool:ident => $body:expr) => {
        match &$db.pools {
            $crate::Pools::Sqlite { read: $pool, .. } => $body,
            $crate::Pools::Postgres($pool) => $body,
        }
    };
}

/// Runs `$body` inside one write transaction bound to `$tx`; commits when `$body` returns
/// `Ok`, rolls back when it returns early with `?`.
macro_rules! in_tx {
    ($db:expr, $tx:ident => $body:expr) => {
        match &$db.pools {
            $crate::Pools::Sqlite { write, .. } => {
                let mut $tx = write.begin_with("BEGIN IMMEDIATE").await?;
                let value = $body;
                $tx.commit().await?;
                value
            }
            $crate::Pools::Postgres(pool) => {
                let mut $tx = pool.begin().await?;
                let value = $body;
                $tx.commit().await?;
                value
            }
        }
    };
}
/// Inside a transaction `$tx`: the id of the agency with code `$code` (an `Option<String>`),
/// `None` when no code is given, [`StoreError::UnknownReference`]`($what)` when it is unknown.
macro_rules! agency_id {
    ($tx:expr, $code:expr, $what:literal) => {
        match $code {
            None => None,
            Some(code) => Some(
                sqlx::query_scalar::<_, i64>("SELECT id FROM agencies WHERE code = $1")
                    .bind(code)
                    .fetch_optional(&mut *$tx)
                    .await?
                    .ok_or($crate::StoreError::UnknownReference($what))?,
            ),
        }
    };
}
pub(crate) use {agency_id, in_tx, on_pool};

impl Db {
    /// Opens `url`: `sqlite:path/to/file.db` (created when missing) or `postgres://…`.
    ///
    /// # Errors
    /// When the URL is not understood or the database cannot be reached.
    pub async fn connect(url: &str) -> Result<Self> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url)?;
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await?;
            return Ok(Self {
                pools: Pools::Postgres(pool),
            });
        }
        if !url.starts_with("sqlite:") {
            return Err(StoreError::UnsupportedUrl);
        }
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: a report is on disk before its tracking code is returned, even if the
            // machine loses power; group commit (see `writer`) keeps that affordable.
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true);
        let write = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await?;
        let read = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options.read_only(true))
            .await?;
        Ok(Self {
            pools: Pools::Sqlite {
                read,
                writer: writer::SqliteWriter::start(write.clone()),
                write,
            },
        })
    }

    #[must_use]
    pub fn backend(&self) -> Backend {
        match self.pools {
            Pools::Sqlite { .. } => Backend::Sqlite,
            Pools::Postgres(_) => Backend::Postgres,
        }
    }

    /// Applies the pending migrations of this backend.
    ///
    /// # Errors
    /// When a migration fails or the recorded ones differ from the embedded ones.
    pub async fn migrate(&self) -> Result<()> {
        match &self.pools {
            Pools::Sqlite { write, .. } => SQLITE_MIGRATIONS.run(write).await?,
            Pools::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await?,
        }
        Ok(())
    }

    /// Versions and descriptions of the embedded migrations of `backend`.
    #[must_use]
    pub fn migrations(backend: Backend) -> Vec<(i64, String)> {
        let migrator = match backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator
            .iter()
            .map(|m| (m.version, m.description.to_string()))
            .collect()
    }

    /// Answers when the database does.
    ///
    /// # Errors
    /// When it does not.
    pub async fn ping(&self) -> Result<()> {
        on_pool!(self, pool => {
            sqlx::query("SELECT 1").execute(pool).await?;
        });
        Ok(())
    }

    /// Closes every connection (the SQLite WAL is checkpointed on close).
    pub async fn close(&self) {
        match &self.pools {
            Pools::Sqlite { read, write, .. } => {
                read.close().await;
                write.close().await;
            }
            Pools::Postgres(pool) => pool.close().await,
        }
    }
}

/// Times are stored as fixed-width UTC text so they sort and compare alike on both backends.
pub(crate) fn ts(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

pub(crate) fn parse_ts(raw: &str, what: &'static str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(raw)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| StoreError::Corrupt(what))
}

pub(crate) fn parse_date(raw: &str, what: &'static str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| StoreError::Corrupt(what))
}

/// Maps a unique-constraint failure to [`StoreError::Conflict`] naming `what`.
pub(crate) fn conflict_on(what: &'static str) -> impl Fn(sqlx::Error) -> StoreError {
    move |e| match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(what),
        _ => StoreError::Sql(e),
    }
}

/// `$1, $2, … $n`: the bind placeholders of an `IN (…)` list, the same on both backends.
pub(crate) fn placeholders(n: usize) -> String {
    (1..=n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Escapes `%`, `_` and `\` for a `LIKE … ESCAPE '\'` pattern.
pub(crate) fn escape_like(raw: &str) -> String {
    raw.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}
