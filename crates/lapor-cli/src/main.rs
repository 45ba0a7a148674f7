//! `lapor`: run the service and administer it.

use std::io::{IsTerminal, Read, Write};
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use lapor_app::{App, BootstrapProgress, SystemClock};
use lapor_domain::user::Role;

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
    match cli.command {
        Command::Serve {
            bind,
            demo,
            secure_cookies,
        } => {
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
            lapor_web::serve(
                listener,
                app.clone(),
                lapor_web::WebConfig { secure_cookies },
                shutdown_signal(),
            )
            .await?;
            app.close().await;
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
    }
    Ok(())
}
