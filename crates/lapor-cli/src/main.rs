//! `lapor`: run the service and administer it.

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use lapor_app::{App, AppError, BootstrapProgress, SystemClock};
use lapor_domain::user::Role;
use lapor_router::eval::LabelLevel;
use lapor_router::model::TrainOptions;

mod route_eval;

/// How often a worker looks for due jobs.
const POLL: std::time::Duration = std::time::Duration::from_secs(2);

/// Lapor: national public-service complaint system (SP4N-LAPOR!).
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    /// Database: `postgres://…`, `sqlite:path.db`, or a plain file path (SQLite).
    #[arg(
        long,
        global = true,
        env = "LAPOR_DATABASE_URL",
        default_value = "sqlite:lapor-data/lapor.db"
    )]
    database: String,
    /// Mail server for notifications: `smtp://host:25`, `smtp+starttls://user:pass@host:587`
    /// or `smtps://host:465`. Without it e-mails are logged as not sent.
    #[arg(long, global = true, env = "LAPOR_SMTP_URL")]
    smtp_url: Option<String>,
    /// Sender of notification e-mails.
    #[arg(
        long,
        global = true,
        env = "LAPOR_MAIL_FROM",
        default_value = "Lapor <noreply@lapor.localhost>"
    )]
    mail_from: String,
    /// The intake address (the mailbox `ingest-email` or `poll-imap` reads): reporters'
    /// e-mails get `Reply-To: local+TOKEN@domain`, so their answers thread to the report.
    #[arg(long, global = true, env = "LAPOR_MAIL_REPLY_TO")]
    mail_reply_to: Option<String>,
    /// Kannel's sendsms interface for SMS to reporters who wrote by SMS:
    /// `http://USER:PASS@host:13013/?from=1708&dlr_base=http://lapor:8080/kannel/dlr`
    /// (`dlr_base`: where Kannel reaches Lapor for delivery reports). Without it SMS are
    /// logged as not sent.
    #[arg(long, global = true, env = "LAPOR_KANNEL_URL", hide_env_values = true)]
    kannel_url: Option<String>,
    /// Secret shared with Kannel: required on its requests to `/kannel/sms` and `/kannel/dlr`
    /// (at least 32 characters of A-Z a-z 0-9 . _ ~ -, e.g. `openssl rand -hex 32`). Without
    /// it the SMS endpoints are off.
    #[arg(
        long,
        global = true,
        env = "LAPOR_KANNEL_SECRET",
        hide_env_values = true
    )]
    kannel_secret: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web pages and the API (migrates and loads reference data first).
    Serve {
        /// Address to listen on.
        #[arg(long, env = "LAPOR_BIND", default_value = "127.0.0.1:8080")]
        bind: String,
        /// Also load demo agencies, reports and one account per role (passwords printed once).
        #[arg(long)]
        demo: bool,
        /// Mark cookies Secure (when served over HTTPS).
        #[arg(long, env = "LAPOR_SECURE_COOKIES")]
        secure_cookies: bool,
        /// Do not run background jobs here (run `lapor worker` separately).
        #[arg(long, env = "LAPOR_NO_WORKER")]
        no_worker: bool,
        /// Behind a reverse proxy: take client addresses (for rate limits) from the last
        /// `X-Forwarded-For` entry.
        #[arg(long, env = "LAPOR_TRUST_PROXY")]
        trust_proxy: bool,
        /// Open311 `jurisdiction_id` of this endpoint (the spec suggests the web domain).
        #[arg(
            long,
            env = "LAPOR_OPEN311_JURISDICTION",
            default_value = "lapor.go.id"
        )]
        open311_jurisdiction: String,
        /// Refuse Open311 requests without `jurisdiction_id`.
        #[arg(long, env = "LAPOR_OPEN311_REQUIRE_JURISDICTION")]
        open311_require_jurisdiction: bool,
    },
    /// Run background jobs only: deadline sweeps, escalation, auto-close, e-mail outbox.
    /// Several workers may share one PostgreSQL database.
    Worker,
    /// Working-day calendar: holidays beyond the built-in 2020–2027 list.
    Holidays {
        #[command(subcommand)]
        command: HolidaysCommand,
    },
    /// Deployment settings (time limits, cuti bersama).
    Settings {
        #[command(subcommand)]
        command: SettingsCommand,
    },
    /// Background jobs by kind: pending, done, failed.
    Jobs,
    /// Agency settings.
    Agency {
        #[command(subcommand)]
        command: AgencyCommand,
    },
    /// Apply database migrations and load reference data, then exit.
    Migrate,
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Import data.
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// Print the OpenAPI document of the JSON API.
    Openapi,
    /// API keys of integrated systems (Open311 clients, agencies' own complaint apps).
    Apikey {
        #[command(subcommand)]
        command: ApikeyCommand,
    },
    /// Take one e-mail from standard input, as an MTA pipe (`|lapor ingest-email`): a new
    /// report, a reporter's answer, or recorded and ignored (auto-replies, bounces). Exit 0
    /// when stored or ignored, 75 (EX_TEMPFAIL: the MTA retries) when the database fails,
    /// 65 (EX_DATAERR) when the input is not an e-mail.
    IngestEmail,
    /// Fetch new e-mails from an IMAP mailbox into the intake, remembering the last UID.
    PollImap {
        /// `imaps://user:pass@host/INBOX` (`?ca=/path/ca.pem` for a private CA), or
        /// `imap://user:pass@127.0.0.1/INBOX` on this machine.
        #[arg(long, env = "LAPOR_IMAP_URL")]
        imap_url: String,
        /// Poll every this many seconds until stopped (default: once).
        #[arg(long)]
        every: Option<u64>,
    },
    /// Automatic routing: measure it, or train it on the confirmed routings of this database.
    Route {
        #[command(subcommand)]
        command: RouteCommand,
    },
    /// The delivery log of webhooks and SMS, newest first.
    Deliveries {
        /// Only this API client's webhooks.
        #[arg(long)]
        client: Option<i64>,
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
}

#[derive(Subcommand)]
enum RouteCommand {
    /// Measure the router on labelled complaints (CSV: text, label, location_text,
    /// kecamatan_code, kelurahan_code): `--train A.csv --test B.csv`, or `--cv 5 FILE`.
    Eval {
        #[arg(long, requires = "test")]
        train: Option<PathBuf>,
        #[arg(long, requires = "train")]
        test: Option<PathBuf>,
        /// Cross-validation with this many folds over FILE.
        #[arg(long, conflicts_with_all = ["train", "test"], requires = "file")]
        cv: Option<usize>,
        file: Option<PathBuf>,
        /// `all` (every unit) or `opd` (kecamatan and kelurahan labels collapsed).
        #[arg(long, default_value = "all", value_parser = ["all", "opd"])]
        level: String,
        /// Weigh classes inversely to their size (favours macro-F1 over accuracy).
        #[arg(long)]
        balanced: bool,
        /// SVM regularisation (larger fits the training data more closely).
        #[arg(long, default_value_t = 0.5)]
        c: f32,
        /// Write each row's fold to this CSV (to run other classifiers on the same folds).
        #[arg(long)]
        folds_out: Option<PathBuf>,
    },
    /// Learn a new model version from this database's confirmed routings (the worker also
    /// retrains by itself as they accumulate).
    Train,
    /// The model in use and the routing rules in force.
    Show,
    /// Set the rule for a category at a level of government (`daerah`, `provinsi`,
    /// `nasional`): reports of that category go to the agency whose name has these words.
    Rule {
        category: String,
        level: String,
        role_hint: String,
    },
}

#[derive(Subcommand)]
enum ApikeyCommand {
    /// Register a system and print its API key (and webhook secret) once.
    Add {
        /// Name of the system, e.g. "FixMyStreet Surabaya".
        #[arg(long)]
        name: String,
        /// Agency whose own app this is (integration clients act for it).
        #[arg(long)]
        agency: Option<String>,
        /// open311 and/or integration (repeat or comma-separate).
        #[arg(long, value_delimiter = ',', default_value = "open311")]
        scope: Vec<String>,
        /// Where status changes are posted, signed with HMAC-SHA256.
        #[arg(long)]
        webhook_url: Option<String>,
    },
    /// List registered systems (never their keys).
    List,
    /// Revoke a key at once.
    Revoke { id: i64 },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create an account; the password is read from stdin, or generated and printed.
    Add {
        /// citizen, admin_nasional, admin_instansi, admin_unit, pengawas or superadmin.
        #[arg(long)]
        role: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        email: Option<String>,
        #[arg(long)]
        phone: Option<String>,
        /// Agency code (required for admin_instansi and admin_unit).
        #[arg(long)]
        agency: Option<String>,
        /// Read the password from standard input instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Agencies from CSV with the header `code,name,kind,parent,regions` (regions `;`-separated).
    Agencies { file: PathBuf },
}

#[derive(Subcommand)]
enum HolidaysCommand {
    /// Import holidays from CSV (`date,name,type`, type libur_nasional, cuti_bersama or daerah),
    /// for the whole country or, with `--agency`, as that agency's regional holidays.
    Import {
        file: PathBuf,
        #[arg(long)]
        agency: Option<String>,
    },
    /// List imported holidays.
    List,
}

#[derive(Subcommand)]
enum AgencyCommand {
    /// Make the agency admin approve its units' follow-ups before the reporter sees them
    /// (`--off` to stop).
    RequireApproval {
        code: String,
        #[arg(long)]
        off: bool,
    },
}

#[derive(Subcommand)]
enum SettingsCommand {
    /// Show every setting with its meaning.
    List,
    /// Change a setting, e.g. `limits.follow_up 7`.
    Set { key: String, value: String },
}

/// Draws long loads on stderr: a rewritten line on a terminal, every 10% otherwise.
struct Progress {
    tty: bool,
    last_decile: Option<usize>,
}

impl Progress {
    fn new() -> Self {
        Self {
            tty: std::io::stderr().is_terminal(),
            last_decile: None,
        }
    }
}

impl BootstrapProgress for Progress {
    fn step(&mut self, what: &str, done: usize, total: usize) {
        let percent = (done * 100).checked_div(total).unwrap_or(100);
        let mut err = std::io::stderr();
        if self.tty {
            let _ = write!(err, "\r{what}: {done}/{total} ({percent}%)");
            if done >= total {
                let _ = writeln!(err);
            }
        } else if self.last_decile != Some(percent / 10) {
            self.last_decile = Some(percent / 10);
            let _ = writeln!(err, "{what}: {done}/{total} ({percent}%)");
        }
    }
}

/// `./x.db` and `x.db` mean SQLite files; the directory is created when missing.
fn database_url(raw: &str) -> anyhow::Result<String> {
    if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
        return Ok(raw.to_owned());
    }
    let path = raw
        .strip_prefix("sqlite://")
        .or_else(|| raw.strip_prefix("sqlite:"))
        .unwrap_or(raw);
    let file = path.split('?').next().unwrap_or(path);
    if let Some(dir) = std::path::Path::new(file)
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    Ok(format!("sqlite:{path}"))
}

fn init_logging() {
    use tracing_subscriber::EnvFilter;
    let filter =
        EnvFilter::try_from_env("LAPOR_LOG").unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if std::env::var("LAPOR_LOG_FORMAT").is_ok_and(|f| f == "json") {
        builder.json().init();
    } else {
        builder.init();
    }
}

async fn open(database: &str) -> anyhow::Result<App> {
    let url = database_url(database)?;
    let app = App::open(&url, Arc::new(SystemClock), &mut Progress::new())
        .await
        .context("cannot open the database")?;
    Ok(app)
}

/// What the outbox delivers to: the mail server, the SMS gateway and the webhook client.
fn gateways(cli: &Cli) -> anyhow::Result<lapor_app::outbound::Gateways> {
    let mail: Arc<dyn lapor_app::notify::Mailer> = match cli.smtp_url.as_deref() {
        Some(url) => {
            let config =
                lapor_smtp::SmtpConfig::from_url(url, &cli.mail_from).context("bad --smtp-url")?;
            let mailer = lapor_smtp::SmtpMailer::new(config).context("bad mail settings")?;
            Arc::new(match cli.mail_reply_to.as_deref() {
                Some(address) => mailer
                    .with_reply_address(address)
                    .context("bad --mail-reply-to")?,
                None => mailer,
            })
        }
        None => Arc::new(lapor_app::notify::NoMail),
    };
    let sms: Arc<dyn lapor_app::outbound::SmsSender> = match cli.kannel_url.as_deref() {
        Some(url) => {
            let config = lapor_kannel::KannelConfig::from_url(url, kannel_secret(cli)?)
                .context("bad --kannel-url")?;
            Arc::new(lapor_kannel::KannelSender::new(config).context("bad SMS settings")?)
        }
        None => Arc::new(lapor_app::outbound::NoSms),
    };
    Ok(lapor_app::outbound::Gateways {
        mail,
        sms,
        webhooks: Arc::new(lapor_http::HttpWebhooks::new().context("cannot set up HTTPS")?),
    })
}

/// The Kannel secret, checked; `None` when not set.
fn kannel_secret(cli: &Cli) -> anyhow::Result<Option<&str>> {
    let secret = cli.kannel_secret.as_deref().filter(|s| !s.is_empty());
    if let Some(secret) = secret {
        lapor_kannel::check_secret(secret).context("bad --kannel-secret")?;
    }
    Ok(secret)
}

/// A name for this process in job claims.
fn worker_name() -> String {
    format!("{}-{}", std::process::id(), lapor_app::generate_password(6))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    init_logging();
    // Only the commands that run the outbox need (and check) the gateway settings.
    let mut outbox = matches!(cli.command, Command::Serve { .. } | Command::Worker)
        .then(|| gateways(&cli))
        .transpose()?;
    let sms_secret = match cli.command {
        Command::Serve { .. } => kannel_secret(&cli)?.map(str::to_owned),
        _ => None,
    };
    match cli.command {
        Command::Serve {
            bind,
            demo,
            secure_cookies,
            no_worker,
            trust_proxy,
            open311_jurisdiction,
            open311_require_jurisdiction,
        } => {
            let gateways = outbox.take().context("no gateways")?;
            let app = open(&cli.database).await?;
            if demo {
                let accounts = app.load_demo().await.context("cannot load the demo data")?;
                println!("Demo accounts (passwords are new at every start and shown only here):");
                for a in &accounts {
                    println!(
                        "  {:<15} {:<28} {}  {}",
                        a.role.code(),
                        a.login,
                        a.password,
                        a.agency.as_deref().unwrap_or("")
                    );
                }
            }
            let listener = tokio::net::TcpListener::bind(&bind)
                .await
                .with_context(|| format!("cannot listen on {bind}"))?;
            println!("Lapor is serving http://{bind} ({:?})", app.backend());
            let (stop, stopped) = tokio::sync::watch::channel(false);
            let worker = (!no_worker).then(|| {
                let app = app.clone();
                let mut stopped = stopped.clone();
                tokio::spawn(async move {
                    app.work_until(&worker_name(), gateways, POLL, async move {
                        let _ = stopped.changed().await;
                    })
                    .await;
                })
            });
            lapor_web::serve(
                listener,
                app.clone(),
                lapor_web::WebConfig {
                    secure_cookies,
                    trust_proxy,
                    open311: lapor_web::open311::Open311Config {
                        jurisdiction_id: open311_jurisdiction,
                        require_jurisdiction: open311_require_jurisdiction,
                    },
                    kannel_secret: sms_secret,
                },
                shutdown_signal(),
            )
            .await?;
            let _ = stop.send(true);
            if let Some(worker) = worker {
                let _ = worker.await;
            }
            app.close().await;
        }
        Command::Worker => {
            let gateways = outbox.take().context("no gateways")?;
            let app = open(&cli.database).await?;
            println!("Lapor worker running ({:?})", app.backend());
            app.work_until(&worker_name(), gateways, POLL, shutdown_signal())
                .await;
            app.close().await;
        }
        Command::Holidays { command } => {
            let app = open(&cli.database).await?;
            let result = match command {
                HolidaysCommand::Import { file, agency } => {
                    let text = std::fs::read_to_string(&file)
                        .with_context(|| format!("cannot read {}", file.display()))?;
                    app.import_holidays(&text, agency.as_deref())
                        .await
                        .map(|n| {
                            println!("Stored {n} holidays.");
                        })
                }
                HolidaysCommand::List => app.imported_holidays().await.map(|rows| {
                    for (scope, date, kind, name) in rows {
                        println!("{scope:<24} {date} {kind:<15} {name}");
                    }
                }),
            };
            app.close().await;
            match result {
                Err(lapor_app::AppError::InvalidRows(rows)) => bail!("{}", rows.join("\n")),
                Err(lapor_app::AppError::Invalid(errors)) => bail!("{errors}"),
                other => other?,
            }
        }
        Command::Settings { command } => {
            let app = open(&cli.database).await?;
            let result = match command {
                SettingsCommand::List => {
                    let limits = app.policy().limits;
                    let cuti = app.policy().calendar.cuti_bersama_stops_clock();
                    println!("limits: {limits:?}; cuti bersama stops the clock: {cuti}");
                    for (key, meaning) in lapor_app::SETTINGS {
                        println!("  {key:<36} {meaning}");
                    }
                    Ok(())
                }
                SettingsCommand::Set { key, value } => app.set_setting(&key, &value).await,
            };
            app.close().await;
            match result {
                Err(lapor_app::AppError::Invalid(errors)) => bail!("{errors}"),
                other => other?,
            }
        }
        Command::Agency {
            command: AgencyCommand::RequireApproval { code, off },
        } => {
            let app = open(&cli.database).await?;
            let result = app.set_requires_approval(&code, !off).await;
            app.close().await;
            match result {
                Ok(()) if off => println!("Follow-ups of {code}'s units are published at once."),
                Ok(()) => {
                    println!("Follow-ups of {code}'s units now wait for its admin's approval.")
                }
                Err(lapor_app::AppError::Invalid(errors)) => bail!("{errors}"),
                Err(e) => return Err(e.into()),
            }
        }
        Command::Jobs => {
            let app = open(&cli.database).await?;
            let counts = app.job_counts().await;
            app.close().await;
            println!(
                "{:<20} {:>8} {:>8} {:>8}",
                "kind", "pending", "done", "failed"
            );
            for (kind, pending, done, failed) in counts? {
                println!("{kind:<20} {pending:>8} {done:>8} {failed:>8}");
            }
        }
        Command::Migrate => {
            let app = open(&cli.database).await?;
            println!("Database is up to date ({:?}).", app.backend());
            app.close().await;
        }
        Command::User {
            command:
                UserCommand::Add {
                    role,
                    name,
                    email,
                    phone,
                    agency,
                    password_stdin,
                },
        } => {
            let role = Role::from_code(&role).with_context(|| format!("unknown role {role}"))?;
            let (password, generated) = if password_stdin {
                let mut password = String::new();
                std::io::stdin().read_to_string(&mut password)?;
                (password.trim_end_matches(['\r', '\n']).to_owned(), false)
            } else {
                (lapor_app::generate_password(16), true)
            };
            let app = open(&cli.database).await?;
            let user = app
                .add_user(
                    &name,
                    email.as_deref(),
                    phone.as_deref(),
                    &password,
                    role,
                    agency.as_deref(),
                )
                .await;
            app.close().await;
            match user {
                Ok(user) => {
                    println!("Created account #{} ({}).", user.id, role.code());
                    if generated {
                        println!("Password (shown once): {password}");
                    }
                }
                Err(lapor_app::AppError::Invalid(errors)) => bail!("{errors}"),
                Err(e) => return Err(e.into()),
            }
        }
        Command::Import {
            command: ImportCommand::Agencies { file },
        } => {
            let reader = std::fs::File::open(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let app = open(&cli.database).await?;
            let mut progress = Progress::new();
            let result = app
                .import_agencies(reader, |done, total| progress.step("instansi", done, total))
                .await;
            app.close().await;
            let summary = result?;
            println!(
                "Imported {} agencies ({} already present).",
                summary.created, summary.skipped
            );
        }
        Command::Openapi => println!("{}", lapor_web::api::openapi_document()),
        Command::Apikey { command } => {
            let app = open(&cli.database).await?;
            let result = apikey(&app, command).await;
            app.close().await;
            result?;
        }
        Command::Route {
            command:
                RouteCommand::Eval {
                    train,
                    test,
                    cv,
                    file,
                    level,
                    balanced,
                    c,
                    folds_out,
                },
        } => route_eval::run(route_eval::EvalArgs {
            train,
            test,
            cv,
            file,
            level: if level == "opd" {
                LabelLevel::Opd
            } else {
                LabelLevel::All
            },
            options: TrainOptions { c, balanced },
            folds_out,
        })?,
        Command::Route { command } => {
            let app = open(&cli.database).await?;
            let result = route(&app, command).await;
            app.close().await;
            result?;
        }
        Command::Deliveries { client, limit } => {
            let app = open(&cli.database).await?;
            let log = app.deliveries(client, limit).await;
            app.close().await;
            for d in log? {
                println!(
                    "{}  {:<7} job {:<6} client {:<4} report {:<8} {:<12} {}",
                    d.at.format("%Y-%m-%d %H:%M:%S"),
                    d.kind,
                    d.job_id.map_or_else(|| "-".to_owned(), |j| j.to_string()),
                    d.client_id
                        .map_or_else(|| "-".to_owned(), |c| c.to_string()),
                    d.report.map_or_else(|| "-".to_owned(), |n| n.to_string()),
                    d.status,
                    d.detail.unwrap_or_default()
                );
            }
        }
        Command::IngestEmail => std::process::exit(ingest_email(&cli.database).await),
        Command::PollImap { imap_url, every } => {
            let config = lapor_email::imap::ImapConfig::from_url(&imap_url)
                .map_err(anyhow::Error::msg)
                .context("bad --imap-url")?;
            let app = open(&cli.database).await?;
            let result = poll_imap(&app, &config, every).await;
            app.close().await;
            result?;
        }
    }
    Ok(())
}

/// sysexits.h: what an MTA understands from a delivery program.
const EX_DATAERR: i32 = 65;
const EX_TEMPFAIL: i32 = 75;

/// `lapor ingest-email`: one message from stdin. Prints what became of it, never who sent
/// it or what it says.
async fn ingest_email(database: &str) -> i32 {
    use lapor_app::EmailOutcome;
    let mut raw = Vec::new();
    let limit = u64::from(lapor_email::imap::MAX_MESSAGE_BYTES);
    if let Err(e) = std::io::stdin().take(limit + 1).read_to_end(&mut raw) {
        eprintln!("tidak dapat membaca pesan (cannot read the message): {e}");
        return EX_TEMPFAIL;
    }
    if raw.len() as u64 > limit {
        eprintln!("pesan terlalu besar (message larger than {limit} bytes)");
        return EX_DATAERR;
    }
    let mail = match lapor_email::parse(&raw) {
        Ok(mail) => mail,
        Err(e) => {
            eprintln!("{e}");
            return EX_DATAERR;
        }
    };
    let app = match open(database).await {
        Ok(app) => app,
        Err(e) => {
            eprintln!("{e:#}");
            return EX_TEMPFAIL;
        }
    };
    let outcome = app.receive_email(mail.into()).await;
    app.close().await;
    match outcome {
        Ok(EmailOutcome::Filed(number)) => println!("stored: new report {number}"),
        Ok(EmailOutcome::Answered(number)) => println!("stored: answer on report {number}"),
        Ok(EmailOutcome::Ignored(why)) => println!("recorded, ignored: {}", why.code()),
        Ok(EmailOutcome::AlreadyReceived(_)) => println!("already received: nothing new"),
        Err(e) => {
            eprintln!("pesan belum tersimpan, coba lagi nanti (not stored, try again later): {e}");
            return EX_TEMPFAIL;
        }
    }
    0
}

/// `lapor poll-imap`: once, or every `every` seconds until stopped (then a failed poll is
/// logged and tried again at the next round).
async fn poll_imap(
    app: &App,
    config: &lapor_email::imap::ImapConfig,
    every: Option<u64>,
) -> anyhow::Result<()> {
    let Some(every) = every else {
        let polled = lapor_email::poll_mailbox(app, config)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        println!(
            "IMAP: {} message(s) taken, {} skipped",
            polled.handled, polled.skipped
        );
        return Ok(());
    };
    let stop = shutdown_signal();
    tokio::pin!(stop);
    loop {
        match lapor_email::poll_mailbox(app, config).await {
            Ok(polled) if polled.handled + polled.skipped > 0 => {
                tracing::info!(
                    taken = polled.handled,
                    skipped = polled.skipped,
                    "IMAP poll"
                );
            }
            Ok(_) => {}
            Err(error) => tracing::error!(%error, "IMAP poll failed; trying again later"),
        }
        tokio::select! {
            () = &mut stop => return Ok(()),
            () = tokio::time::sleep(std::time::Duration::from_secs(every.max(1))) => {}
        }
    }
}

async fn route(app: &App, command: RouteCommand) -> anyhow::Result<()> {
    match command {
        RouteCommand::Eval { .. } => bail!("evaluation needs no database"),
        RouteCommand::Train => {
            let trained = match app.train_router().await {
                Err(AppError::Invalid(_)) => bail!(
                    "too few confirmed routings to learn from (at least 30, to two agencies or more)"
                ),
                other => other?,
            };
            println!(
                "Model version {} trained on {} confirmed routings, {} agency roles.",
                trained.version, trained.examples, trained.roles
            );
        }
        RouteCommand::Show => {
            match app.routing_model().await? {
                Some(m) => println!(
                    "Model version {} trained {} on {} confirmed routings ({} roles).",
                    m.version, m.trained_at, m.examples, m.roles
                ),
                None => println!("No model yet: routing uses the rules below."),
            }
            for rule in app.routing_rules().await? {
                println!(
                    "{:<36} {:<9} {}",
                    rule.category,
                    rule.level.code(),
                    rule.role_hint
                );
            }
        }
        RouteCommand::Rule {
            category,
            level,
            role_hint,
        } => {
            match app
                .set_routing_rule(None, &category, &level, &role_hint)
                .await
            {
                Err(AppError::Invalid(errors)) => bail!("{errors}"),
                other => other?,
            }
            println!("Rule set: {category} at {level} → {role_hint}");
        }
    }
    Ok(())
}

async fn apikey(app: &App, command: ApikeyCommand) -> anyhow::Result<()> {
    match command {
        ApikeyCommand::Add {
            name,
            agency,
            scope,
            webhook_url,
        } => {
            let scopes = scope
                .iter()
                .map(|s| {
                    lapor_app::ApiScope::from_code(s.trim())
                        .with_context(|| format!("unknown scope {s:?} (open311, integration)"))
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            let issued = app
                .add_api_client(&name, agency.as_deref(), &scopes, webhook_url.as_deref())
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("client id:      {}", issued.client.id);
            println!("api key:        {}", issued.key);
            if let Some(secret) = issued.webhook_secret {
                println!("webhook secret: {secret}");
            }
            println!("Keep them now: they are not shown again.");
        }
        ApikeyCommand::List => {
            for c in app.api_clients().await? {
                let scopes: Vec<&str> = c.scopes.iter().map(|s| s.code()).collect();
                println!(
                    "{:<4} {:<30} {:<10} {:<20} {:<24} {}",
                    c.id,
                    c.name,
                    c.key_prefix,
                    c.agency.as_deref().unwrap_or("-"),
                    scopes.join(","),
                    if c.revoked_at.is_some() {
                        "revoked"
                    } else {
                        "active"
                    }
                );
            }
        }
        ApikeyCommand::Revoke { id } => {
            app.revoke_api_client(id)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("revoked client {id}");
        }
    }
    Ok(())
}
