//! Test databases: a fresh SQLite file per test, or a fresh PostgreSQL schema per test when
//! `LAPOR_TEST_DATABASE_URL` is set; plus raw sqlx access for what `Db` deliberately cannot do.

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::sync::Arc;

use lapor_store::{Backend, Db};
use sqlx::{AssertSqlSafe, Connection, PgConnection, SqliteConnection};

/// Where the PostgreSQL half of the suite finds its server (a database the tests may create
/// schemas in), e.g. `postgres://postgres@127.0.0.1:5432/lapor_ci`.
pub const PG_ENV: &str = "LAPOR_TEST_DATABASE_URL";

/// One test's database and the handle under test.
pub struct Ctx {
    pub db: Db,
    target: Target,
}

enum Target {
    Sqlite {
        url: String,
        /// Removed with the context.
        _dir: tempfile::TempDir,
    },
    Postgres {
        admin_url: String,
        url: String,
        schema: String,
    },
}

impl Ctx {
    /// A migrated database in a new temporary SQLite file.
    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = format!("sqlite:{}", dir.path().join("t.db").display());
        let db = Db::connect(&url)
            .await
            .expect("connect to a new SQLite file");
        db.migrate().await.expect("migrate SQLite");
        Self {
            db,
            target: Target::Sqlite { url, _dir: dir },
        }
    }

    /// A migrated database in a new PostgreSQL schema, or `None` (after saying so) when
    /// [`PG_ENV`] is not set.
    pub async fn postgres() -> Option<Self> {
        let Some(admin_url) = std::env::var(PG_ENV).ok().filter(|u| !u.trim().is_empty()) else {
            // Written past the test harness's capture so a plain `cargo test` shows it, once.
            static NOTICE: std::sync::Once = std::sync::Once::new();
            NOTICE.call_once(|| {
                use std::io::Write;
                let _ = writeln!(
                    std::io::stderr(),
                    "skipped: {PG_ENV} not set, so the *_postgres conformance tests did not run"
                );
            });
            return None;
        };
        let schema = format!("lapor_t_{}", uuid::Uuid::new_v4().simple());
        let mut admin = PgConnection::connect(&admin_url)
            .await
            .unwrap_or_else(|e| panic!("{PG_ENV} is set but PostgreSQL cannot be reached: {e}"));
        sqlx::query(AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
            .execute(&mut admin)
            .await
            .expect("create the test schema");
        let _ = admin.close().await;
        let separator = if admin_url.contains('?') { '&' } else { '?' };
        let url = format!("{admin_url}{separator}options=-c%20search_path%3D{schema}");
        let ctx = Self {
            db: Db::connect(&url).await.expect("connect to PostgreSQL"),
            target: Target::Postgres {
                admin_url,
                url,
                schema,
            },
        };
        ctx.db.migrate().await.expect("migrate PostgreSQL");
        Some(ctx)
    }

    pub fn backend(&self) -> Backend {
        match self.target {
            Target::Sqlite { .. } => Backend::Sqlite,
            Target::Postgres { .. } => Backend::Postgres,
        }
    }

    /// The URL `Db::connect` was given (the PostgreSQL one pins the test schema).
    pub fn url(&self) -> &str {
        match &self.target {
            Target::Sqlite { url, .. } | Target::Postgres { url, .. } => url,
        }
    }

    /// A second, independent `Db` on the same database (not migrated by this call).
    pub async fn connect_again(&self) -> Db {
        Db::connect(self.url()).await.expect("connect again")
    }

    /// A plain sqlx connection to the same database, outside the store.
    pub async fn raw(&self) -> Raw {
        match &self.target {
            Target::Sqlite { url, .. } => Raw::Sqlite(
                SqliteConnection::connect(url)
                    .await
                    .expect("raw SQLite connection"),
            ),
            Target::Postgres { url, .. } => Raw::Postgres(
                PgConnection::connect(url)
                    .await
                    .expect("raw PostgreSQL connection"),
            ),
        }
    }

    /// Closes the handle and drops the PostgreSQL schema (best effort; the SQLite file goes
    /// with the temporary directory).
    async fn finish(&self) {
        self.db.close().await;
        if let Target::Postgres {
            admin_url, schema, ..
        } = &self.target
            && let Ok(mut admin) = PgConnection::connect(admin_url).await
        {
            let drop = format!("DROP SCHEMA IF EXISTS {schema} CASCADE");
            if let Err(e) = sqlx::query(AssertSqlSafe(drop)).execute(&mut admin).await {
                eprintln!("could not drop test schema {schema}: {e}");
            }
            let _ = admin.close().await;
        }
    }
}

/// Runs one scenario on `ctx` in its own task, cleans up even when it panics, then re-raises
/// the panic so the test fails with the scenario's message.
pub async fn run<F, Fut>(ctx: Ctx, scenario: F)
where
    F: FnOnce(Arc<Ctx>) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let ctx = Arc::new(ctx);
    let outcome = tokio::spawn(scenario(Arc::clone(&ctx))).await;
    ctx.finish().await;
    if let Err(e) = outcome {
        match e.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(e) => panic!("scenario task failed: {e}"),
        }
    }
}

/// `$scenario => $sqlite_test, $postgres_test;`: the same scenario as one test per backend.
/// Attributes (e.g. `#[ignore = "…"]`) may precede either test name.
macro_rules! conformance {
    ($($scenario:path => $(#[$sqlite_meta:meta])* $sqlite:ident, $(#[$postgres_meta:meta])* $postgres:ident;)*) => {$(
        $(#[$sqlite_meta])*
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $sqlite() {
            let ctx = $crate::harness::Ctx::sqlite().await;
            $crate::harness::run(ctx, |ctx| async move { $scenario(&ctx).await }).await;
        }

        $(#[$postgres_meta])*
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $postgres() {
            let Some(ctx) = $crate::harness::Ctx::postgres().await else { return };
            $crate::harness::run(ctx, |ctx| async move { $scenario(&ctx).await }).await;
        }
    )*};
}
pub(crate) use conformance;

/// A connection that bypasses the store: for counting rows the store has no function for,
/// reading stored flags, and trying what the schema must refuse.
pub enum Raw {
    Sqlite(SqliteConnection),
    Postgres(PgConnection),
}

impl Raw {
    /// Runs one statement; the number of rows it touched.
    pub async fn execute(&mut self, sql: &str) -> Result<u64, sqlx::Error> {
        let sql = AssertSqlSafe(sql.to_owned());
        Ok(match self {
            Raw::Sqlite(c) => sqlx::query(sql).execute(c).await?.rows_affected(),
            Raw::Postgres(c) => sqlx::query(sql).execute(c).await?.rows_affected(),
        })
    }

    pub async fn count(&mut self, table: &str) -> i64 {
        let sql = AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}"));
        match self {
            Raw::Sqlite(c) => sqlx::query_scalar(sql).fetch_one(c).await,
            Raw::Postgres(c) => sqlx::query_scalar(sql).fetch_one(c).await,
        }
        .unwrap_or_else(|e| panic!("count {table}: {e}"))
    }

    /// Row counts of every table a submission writes to.
    pub async fn submission_rows(&mut self) -> [i64; 4] {
        [
            self.count("reports").await,
            self.count("reporters").await,
            self.count("report_events").await,
            self.count("idempotency_keys").await,
        ]
    }

    /// `(kind, public)` of a report's stored events, oldest first.
    pub async fn event_flags(&mut self, report_id: i64) -> Vec<(String, bool)> {
        const SQL: &str = "SELECT kind, public FROM report_events WHERE report_id = $1 ORDER BY id";
        match self {
            Raw::Sqlite(c) => sqlx::query_as(SQL).bind(report_id).fetch_all(c).await,
            Raw::Postgres(c) => sqlx::query_as(SQL).bind(report_id).fetch_all(c).await,
        }
        .expect("read event flags")
    }

    /// Makes every insert into `report_events` whose JSON contains `marker` fail, so a test can
    /// break a transaction at its last write.
    pub async fn fail_event_inserts_containing(&mut self, marker: &str) {
        assert!(
            marker
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-')
        );
        match self {
            Raw::Sqlite(_) => {
                let sql = format!(
                    "CREATE TRIGGER test_fail_event BEFORE INSERT ON report_events WHEN NEW.data LIKE '%{marker}%' \
                     BEGIN SELECT RAISE(ABORT, 'forced failure'); END"
                );
                self.execute(&sql).await.expect("create failing trigger");
            }
            Raw::Postgres(_) => {
                self.execute(
                    "CREATE FUNCTION test_fail_event() RETURNS trigger LANGUAGE plpgsql AS \
                     $$ BEGIN RAISE EXCEPTION 'forced failure'; END; $$",
                )
                .await
                .expect("create failing function");
                let sql = format!(
                    "CREATE TRIGGER test_fail_event BEFORE INSERT ON report_events FOR EACH ROW \
                     WHEN (NEW.data LIKE '%{marker}%') EXECUTE FUNCTION test_fail_event()"
                );
                self.execute(&sql).await.expect("create failing trigger");
            }
        }
    }

    /// `(code, parent_code, level, name)` of one stored region.
    pub async fn region(&mut self, code: &str) -> Option<(String, Option<String>, i32, String)> {
        const SQL: &str = "SELECT code, parent_code, level, name FROM regions WHERE code = $1";
        match self {
            Raw::Sqlite(c) => sqlx::query_as(SQL).bind(code).fetch_optional(c).await,
            Raw::Postgres(c) => sqlx::query_as(SQL).bind(code).fetch_optional(c).await,
        }
        .expect("read a region")
    }

    /// Applied migrations as recorded by sqlx.
    pub async fn applied_migrations(&mut self) -> Vec<(i64, String)> {
        const SQL: &str = "SELECT version, description FROM _sqlx_migrations ORDER BY version";
        match self {
            Raw::Sqlite(c) => sqlx::query_as(SQL).fetch_all(c).await,
            Raw::Postgres(c) => sqlx::query_as(SQL).fetch_all(c).await,
        }
        .expect("read _sqlx_migrations")
    }

    /// Every table of the schema (sqlx's own bookkeeping left out) with its column names.
    pub async fn tables_and_columns(&mut self) -> BTreeMap<String, BTreeSet<String>> {
        let rows: Vec<(String, String)> = match self {
            Raw::Sqlite(c) => sqlx::query_as(
                "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p \
                 WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND m.name <> '_sqlx_migrations'",
            )
            .fetch_all(c)
            .await,
            Raw::Postgres(c) => sqlx::query_as(
                "SELECT table_name::text, column_name::text FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name <> '_sqlx_migrations'",
            )
            .fetch_all(c)
            .await,
        }
        .expect("list tables and columns");
        let mut schema: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (table, column) in rows {
            schema.entry(table).or_default().insert(column);
        }
        schema
    }

    pub async fn close(self) {
        let _ = match self {
            Raw::Sqlite(c) => c.close().await,
            Raw::Postgres(c) => c.close().await,
        };
    }
}
