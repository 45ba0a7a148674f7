//! Use cases of Lapor: the only door through which the web pages, the JSON API, the CLI,
//! channels and jobs read or change anything. Privacy projections happen here, once.

use std::sync::Arc;

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use lapor_domain::ValidationErrors;
use lapor_store::{Db, StoreError};

mod accounts;
mod agencies;
mod bootstrap;
mod channels;
mod console;
pub mod demo;
pub mod duplicates;
mod email_intake;
pub mod hints;
mod jobs;
pub mod notify;
pub mod open311;
pub mod outbound;
mod performance;
mod policy;
mod reports;
pub mod routing;
mod sms_intake;
mod workflow;

pub use accounts::{SESSION_DAYS, Session, generate_password};
pub use agencies::{AgencyImport, ImportError};
pub use bootstrap::BootstrapProgress;
pub use channels::{ApiClient, ApiScope, InboundOutcome, IssuedKey, RateLimit};
pub use console::{CaseBundle, Inbox, InboxItem, InboxQuery};
pub use email_intake::{EmailKind, EmailOutcome, IgnoredEmail, IncomingEmail};
pub use jobs::{RunSummary, SWEEP_EVERY, SweepSummary};
pub use performance::Performance;
pub use policy::{AgencyInfo, NATIONAL, Policy, SETTINGS};
pub use reports::{CategoryView, PublicReport, Receipt, Submission};
pub use sms_intake::InboundSms;
pub use workflow::{
    Case, Command, DeadlineView, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, Officer, Refusal,
    ReporterCase, ReporterCommand, ReporterKey, ReporterOptions, ReporterView, Upload,
    deadline_view, format_due,
};

/// Re-exported so the outer layers need not depend on the store crate for these types.
pub use lapor_store::{
    AgencyRecord, AttachmentFile, AttachmentMeta, Backend, DeliveryRecord, FollowUpRecord,
    InboxScope, NotificationRecord, Page, PublicFilter, ReportRecord, ReportWithHistory,
    ReporterRecord, StoredEvent, UserRecord,
};

/// What a use case can answer besides success.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The input is wrong; every field is named.
    #[error(transparent)]
    Invalid(#[from] ValidationErrors),
    /// Not there, or not for this caller to see (the two are deliberately indistinguishable).
    #[error("not found")]
    NotFound,
    /// Wrong login or password (which one is not said).
    #[error("login failed")]
    LoginFailed,
    /// The caller's role or scope does not allow this.
    #[error("forbidden")]
    Forbidden,
    /// An idempotency key was reused for a different request.
    #[error("idempotency key reused with a different request")]
    IdempotencyKeyReused,
    /// The channel delivered this message before; it became this report (if any). Nothing
    /// new was stored.
    #[error("already received")]
    AlreadyReceived(Option<lapor_domain::tracking::ReportNumber>),
    /// Too many requests from one phone, key, account or address; try again later.
    #[error("rate limited; retry in {retry_after_secs} s")]
    RateLimited {
        retry_after_secs: u64,
        /// The first refusal of this window: channels that pay per answer (SMS) answer only
        /// this one, so a flood or two auto-responders cannot run up the bill.
        first: bool,
    },
    /// The record changed meanwhile; reload and try again.
    #[error("conflict")]
    Conflict,
    /// The step is not open now (status, role, time window); nothing changed.
    #[error("refused: {0}")]
    Refused(workflow::Refusal),
    /// Rows of an imported file are wrong; each message names its line.
    #[error("invalid rows: {}", .0.join("; "))]
    InvalidRows(Vec<String>),
    /// The mail server refused or could not be reached.
    #[error(transparent)]
    Mail(#[from] notify::MailError),
    /// An SMS gateway or a webhook receiver refused or could not be reached.
    #[error(transparent)]
    Delivery(#[from] outbound::DeliveryError),
    /// Something other than the database failed (a worker thread, password hashing);
    /// logged, never shown.
    #[error("internal failure: {0}")]
    Internal(&'static str),
    /// The database failed; details are logged, never shown.
    #[error("storage failure: {0}")]
    Storage(#[from] StoreError),
}

pub type Result<T, E = AppError> = std::result::Result<T, E>;

/// The source of "now", injected so deadline tests run in milliseconds.
pub trait Clock: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
}

/// The real clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until moved (tests).
pub struct FixedClock(std::sync::Mutex<DateTime<Utc>>);

impl FixedClock {
    #[must_use]
    pub fn new(at: DateTime<Utc>) -> Self {
        Self(std::sync::Mutex::new(at))
    }

    pub fn set(&self, at: DateTime<Utc>) {
        *self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = at;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        *self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The application: storage plus the injected outside world. Cheap to clone.
#[derive(Clone)]
pub struct App {
    db: Db,
    clock: Arc<dyn Clock>,
    categories: Arc<Vec<CategoryView>>,
    policy: Arc<std::sync::RwLock<Arc<Policy>>>,
    limiter: Arc<channels::Limiter>,
    router_cache: Arc<routing::RouterCache>,
}

impl App {
    /// Opens the database at `url`, migrates it and loads reference data into an empty one.
    ///
    /// # Errors
    /// When the database cannot be opened or migrated.
    pub async fn open(
        url: &str,
        clock: Arc<dyn Clock>,
        progress: &mut dyn BootstrapProgress,
    ) -> Result<Self> {
        let db = Db::connect(url).await?;
        db.migrate().await?;
        bootstrap::load_reference_data(&db, progress).await?;
        Self::with_db(db, clock).await
    }

    /// Wraps an already migrated and bootstrapped database.
    ///
    /// # Errors
    /// On database failure.
    pub async fn with_db(db: Db, clock: Arc<dyn Clock>) -> Result<Self> {
        let categories = reports::load_categories(&db).await?;
        let policy = Policy::load(&db).await?;
        Ok(Self {
            limiter: Arc::new(channels::Limiter::for_backend(db.backend())),
            db,
            clock,
            categories: Arc::new(categories),
            policy: Arc::new(std::sync::RwLock::new(Arc::new(policy))),
            router_cache: Arc::new(routing::RouterCache::default()),
        })
    }

    #[must_use]
    pub fn backend(&self) -> Backend {
        self.db.backend()
    }

    /// Ready when the database answers.
    ///
    /// # Errors
    /// When it does not.
    pub async fn ready(&self) -> Result<()> {
        Ok(self.db.ping().await?)
    }

    pub async fn close(&self) {
        self.db.close().await;
    }

    #[must_use]
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// The latest calendar date anywhere in Indonesia (WIT, UTC+9), so nothing that already
    /// happened in Papua counts as "in the future".
    #[must_use]
    pub fn today_in_indonesia(&self) -> NaiveDate {
        const WIT: i32 = 9 * 3600;
        let offset =
            FixedOffset::east_opt(WIT).unwrap_or_else(|| FixedOffset::east_opt(0).expect("UTC"));
        self.now().with_timezone(&offset).date_naive()
    }
}
