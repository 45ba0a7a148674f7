//! The test world shared by the use-case tests: a fresh database (SQLite, or a PostgreSQL
//! schema when `LAPOR_TEST_DATABASE_URL` is set) with the demo tree, its officers and an
//! injected clock.

#![allow(dead_code, clippy::unwrap_used)]

use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};
use lapor_app::notify::Language;
use lapor_app::{App, Command, FixedClock, Officer, Submission};
use lapor_domain::event::EventKind;
use lapor_domain::report::{Channel, ReportInput};
use lapor_domain::status::Status;
use lapor_domain::tracking::ReportNumber;
use lapor_domain::workflow::Step;

/// An instant given in WIB (UTC+7).
pub fn wib(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap() - chrono::TimeDelta::hours(7)
}

/// The end of a WIB day: when a deadline falling on that day expires.
pub fn end_of_wib_day(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    wib(y, m, d, 0, 0) + chrono::TimeDelta::days(1)
}

pub struct World {
    pub app: App,
    pub clock: Arc<FixedClock>,
    pub nasional: Officer,
    pub instansi: Officer,
    pub unit: Officer,
    pub _db: TestDatabase,
}

/// Where a scenario's data lives; removed when the scenario ends.
pub enum TestDatabase {
    Sqlite { _dir: tempfile::TempDir },
    Postgres { admin_url: String, schema: String },
}

impl TestDatabase {
    /// A fresh SQLite file, or a fresh schema of `LAPOR_TEST_DATABASE_URL`; with its URL.
    pub async fn new() -> (Self, String) {
        match std::env::var("LAPOR_TEST_DATABASE_URL")
            .ok()
            .filter(|u| !u.is_empty())
        {
            None => {
                let dir = tempfile::tempdir().unwrap();
                let url = format!("sqlite:{}", dir.path().join("app.db").display());
                (Self::Sqlite { _dir: dir }, url)
            }
            Some(admin_url) => {
                use sqlx::Connection;
                static NEXT: std::sync::atomic::AtomicUsize =
                    std::sync::atomic::AtomicUsize::new(0);
                let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let schema = format!("lapor_wf_{}_{n}", std::process::id());
                let mut admin = sqlx::PgConnection::connect(&admin_url)
                    .await
                    .expect("LAPOR_TEST_DATABASE_URL is set but PostgreSQL cannot be reached");
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
                    .execute(&mut admin)
                    .await
                    .unwrap();
                let separator = if admin_url.contains('?') { '&' } else { '?' };
                let url = format!("{admin_url}{separator}options=-c%20search_path%3D{schema}");
                (Self::Postgres { admin_url, schema }, url)
            }
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Self::Postgres { admin_url, schema } = self {
            let (admin_url, schema) = (admin_url.clone(), schema.clone());
            // Drop runs outside async: a short-lived runtime on its own thread does the cleanup.
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()?;
                runtime.block_on(async {
                    use sqlx::Connection;
                    let mut admin = sqlx::PgConnection::connect(&admin_url)
                        .await
                        .map_err(std::io::Error::other)?;
                    sqlx::query(sqlx::AssertSqlSafe(format!(
                        "DROP SCHEMA IF EXISTS {schema} CASCADE"
                    )))
                    .execute(&mut admin)
                    .await
                    .map_err(std::io::Error::other)?;
                    Ok::<_, std::io::Error>(())
                })
            })
            .join();
        }
    }
}

/// A fresh database with the demo tree and officers, the clock at `at`.
pub async fn world(at: DateTime<Utc>) -> World {
    let (db, url) = TestDatabase::new().await;
    let clock = Arc::new(FixedClock::new(at));
    let app = App::open(&url, clock.clone(), &mut ()).await.unwrap();
    world_on(app, clock, db).await
}

pub async fn world_on(app: App, clock: Arc<FixedClock>, db: TestDatabase) -> World {
    app.load_demo().await.unwrap();
    let officer = |login: &'static str| {
        let app = app.clone();
        async move {
            let user = app.find_account(login).await.unwrap().unwrap();
            app.officer(&user).await.unwrap()
        }
    };
    World {
        nasional: officer("nasional@demo.lapor.id").await,
        instansi: officer("instansi@demo.lapor.id").await,
        unit: officer("unit@demo.lapor.id").await,
        app,
        clock,
        _db: db,
    }
}

impl World {
    pub async fn file(
        &self,
        title: &str,
        email: Option<&str>,
        language: Language,
    ) -> (ReportNumber, String) {
        let receipt = self
            .app
            .submit(Submission {
                input: ReportInput {
                    classification: Some("pengaduan"),
                    title: Some(title),
                    body: Some("Jalan di depan sekolah berlubang besar dan membahayakan anak-anak yang menyeberang setiap pagi."),
                    region_code: Some("62.71.01"),
                    reporter_name: Some("Budi Santoso"),
                    reporter_email: email,
                    ..ReportInput::default()
                },
                channel: Channel::Web,
                account: None,
                idempotency: None,
                language,
                attachments: Vec::new(),
                client: None,
                inbound: None,
            })
            .await
            .unwrap();
        (
            ReportNumber::parse(&receipt.number).unwrap(),
            receipt.tracking_code,
        )
    }

    pub async fn version(&self, officer: &Officer, number: ReportNumber) -> i64 {
        self.app
            .case(officer, number)
            .await
            .unwrap()
            .report
            .record
            .workflow
            .version
    }

    pub async fn act(&self, officer: &Officer, number: ReportNumber, command: Command) {
        let version = self.version(officer, number).await;
        self.app
            .act(officer, number, version, command)
            .await
            .unwrap();
    }

    pub async fn verify_to(&self, number: ReportNumber, agency: &str) {
        self.act(
            &self.nasional,
            number,
            Command::Verify {
                title: "Jalan berlubang di depan SDN 2 Pahandut".into(),
                classification: "pengaduan".into(),
                category: Some("pekerjaan_umum.jalan_jembatan".into()),
                handling_class: "biasa".into(),
                agency: agency.into(),
                anonymous: false,
                confidential: false,
            },
        )
        .await;
    }

    pub async fn follow_up_by_unit_and_approve(&self, number: ReportNumber, text: &str) {
        self.act(
            &self.unit,
            number,
            Command::FollowUp {
                text: text.into(),
                attachments: Vec::new(),
            },
        )
        .await;
        assert_eq!(
            self.status(number).await,
            Status::FollowedUp,
            "the city approves its units' follow-ups"
        );
        self.act(&self.instansi, number, Command::PublishFollowUp)
            .await;
    }

    pub async fn status(&self, number: ReportNumber) -> Status {
        self.app
            .case(&self.nasional, number)
            .await
            .unwrap()
            .report
            .record
            .report
            .status
    }

    pub async fn due(&self, number: ReportNumber) -> (Step, Option<DateTime<Utc>>) {
        self.app
            .case(&self.nasional, number)
            .await
            .unwrap()
            .report
            .record
            .workflow
            .due
            .unwrap()
    }

    pub async fn events(&self, number: ReportNumber) -> Vec<EventKind> {
        self.app
            .case(&self.nasional, number)
            .await
            .unwrap()
            .report
            .history
            .into_iter()
            .map(|e| e.event.kind)
            .collect()
    }

    pub fn at(&self, t: DateTime<Utc>) {
        self.clock.set(t);
    }
}
