//! A real SMTP server for tests: `python3-aiosmtpd` in a child process, on 127.0.0.1.
//!
//! A real server rather than a fake in Rust, so that what is tested is the SMTP dialogue,
//! dot-stuffing and encodings a mail relay sees. Other crates use it from their dev-dependencies:
//! `lapor-smtp = { workspace = true, features = ["testing"] }`.
//!
//! ```no_run
//! # async fn demo() {
//! use lapor_smtp::testing::SmtpServer;
//! let Some(server) = SmtpServer::start() else { return }; // skipped: no aiosmtpd
//! // ... send to server.url() ...
//! let mails = server.wait_for(1);
//! # }
//! ```
//!
//! Without aiosmtpd, [`SmtpServer::start`] returns `None` and prints one line to stderr, so the
//! tests pass on a machine without it; with `LAPOR_TEST_REQUIRE_SMTP=1` (CI) it panics instead.
//! `LAPOR_TEST_PYTHON` names the interpreter to use; otherwise `python3` and then
//! `/usr/bin/python3` are tried, since a `python3` from pyenv or a venv does not see Debian's
//! `python3-aiosmtpd`.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Once, OnceLock, mpsc};
use std::time::{Duration, Instant};

use mail_parser::MessageParser;
use tempfile::TempDir;

/// The server: binds a port the kernel picks and prints it, stores each message as it came.
const SERVER_SCRIPT: &str = include_str!("testing/smtp_server.py");

/// The one line printed when the tests cannot run here.
pub const SKIP_MESSAGE: &str =
    "SMTP tests skipped: python3-aiosmtpd not installed (apt-get install python3-aiosmtpd)";

/// Set (to anything but `0`) where a missing server must fail the run rather than skip.
pub const REQUIRE_ENV: &str = "LAPOR_TEST_REQUIRE_SMTP";

/// Interpreter override, for a machine where aiosmtpd lives in another Python.
pub const PYTHON_ENV: &str = "LAPOR_TEST_PYTHON";

/// How long starting the server, and waiting for messages, may take before the test fails.
const START_TIMEOUT: Duration = Duration::from_secs(15);
const WAIT_TIMEOUT: Duration = Duration::from_secs(10);

/// A running SMTP server; the process is killed, and its mail directory removed, on drop.
pub struct SmtpServer {
    child: Child,
    /// Held open: the server exits when it closes, even if this process dies without `Drop`.
    _stdin: ChildStdin,
    port: u16,
    dir: TempDir,
}

/// One message as the server received it, decoded by `mail-parser`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedMail {
    /// Envelope sender (`MAIL FROM`).
    pub envelope_from: String,
    /// Envelope recipients (`RCPT TO`): where the message really went.
    pub envelope_to: Vec<String>,
    /// Addresses of the `To` header.
    pub to: Vec<String>,
    /// Address of the `From` header.
    pub from: Option<String>,
    /// Display name of the `From` header.
    pub from_name: Option<String>,
    /// Decoded from RFC 2047.
    pub subject: String,
    /// The first text part, decoded from quoted-printable or base64, with `\n` line endings
    /// and without the line break that SMTP adds after the last line.
    pub text: String,
    /// With angle brackets, as given to the mailer: `<report-123.4@lapor>`.
    pub message_id: Option<String>,
    /// With angle brackets.
    pub in_reply_to: Option<String>,
    /// `References`, with angle brackets, space-separated.
    pub references: Option<String>,
    pub content_language: Option<String>,
    /// The message as it arrived (lossy UTF-8; it is ASCII unless the sender used 8BITMIME).
    pub raw: String,
}

impl SmtpServer {
    /// Starts the server and waits until its port accepts connections. `None`, after one line
    /// on stderr per test process, when python3-aiosmtpd is missing; a panic instead when
    /// `LAPOR_TEST_REQUIRE_SMTP` is set. Panics, with the server's output, if it fails to start.
    pub fn start() -> Option<SmtpServer> {
        let Some(python) = python_with_aiosmtpd() else {
            skip();
            return None;
        };
        let dir = tempfile::Builder::new()
            .prefix("lapor-smtp-test-")
            .tempdir()
            .expect("a temporary directory for the SMTP test server");
        let log = dir.path().join("server.log");
        let mailbox = dir.path().join("mail");
        std::fs::create_dir(&mailbox).expect("the SMTP test server's mail directory");
        let mut child = Command::new(python)
            .arg("-c")
            .arg(SERVER_SCRIPT)
            .arg(&mailbox)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log).expect("the SMTP test server's log file"))
            .spawn()
            .expect("starting the SMTP test server (python3)");
        let stdin = child.stdin.take().expect("piped stdin");
        let stdout = child.stdout.take().expect("piped stdout");

        // The first line is the port; read it on a thread so that a hung start times out.
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let port = rx
            .recv_timeout(START_TIMEOUT)
            .ok()
            .and_then(|line| line.trim().parse::<u16>().ok());
        let mut server = SmtpServer {
            child,
            _stdin: stdin,
            port: port.unwrap_or(0),
            dir,
        };
        if port.is_none() {
            server.fail("did not report its port");
        }
        let address = SocketAddr::from(([127, 0, 0, 1], server.port));
        let deadline = Instant::now() + START_TIMEOUT;
        while TcpStream::connect_timeout(&address, Duration::from_secs(1)).is_err() {
            if Instant::now() > deadline {
                server.fail("does not accept connections");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Some(server)
    }

    /// `smtp://127.0.0.1:PORT`, for [`crate::SmtpConfig::from_url`].
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Waits until at least `n` messages arrived, then returns all of them in arrival order.
    /// Panics after some seconds with how many did arrive.
    pub fn wait_for(&self, n: usize) -> Vec<ReceivedMail> {
        let deadline = Instant::now() + WAIT_TIMEOUT;
        loop {
            let files = self.message_files();
            if files.len() >= n {
                return files.iter().map(|path| read_message(path)).collect();
            }
            if Instant::now() > deadline {
                panic!(
                    "SMTP test server received {} message(s) within {WAIT_TIMEOUT:?}, expected {n}",
                    files.len()
                );
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// The messages received so far, in arrival order.
    pub fn received(&self) -> Vec<ReceivedMail> {
        self.message_files()
            .iter()
            .map(|path| read_message(path))
            .collect()
    }

    fn message_files(&self) -> Vec<PathBuf> {
        let mailbox = self.dir.path().join("mail");
        let mut files: Vec<PathBuf> = std::fs::read_dir(&mailbox)
            .expect("the SMTP test server's mail directory")
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| path.extension().is_some_and(|ext| ext == "eml"))
            .collect();
        files.sort();
        files
    }

    /// Stops the server and panics with what it printed.
    fn fail(&mut self, what: &str) -> ! {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let log = std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default();
        panic!("SMTP test server (python3-aiosmtpd) {what}; its output:\n{log}");
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The first interpreter that can import aiosmtpd, looked up once per test process.
fn python_with_aiosmtpd() -> Option<&'static str> {
    static FOUND: OnceLock<Option<String>> = OnceLock::new();
    FOUND
        .get_or_init(|| {
            let candidates = match std::env::var(PYTHON_ENV) {
                Ok(python) if !python.is_empty() => vec![python],
                _ => vec!["python3".to_owned(), "/usr/bin/python3".to_owned()],
            };
            candidates.into_iter().find(|python| {
                Command::new(python)
                    .args(["-c", "import aiosmtpd.smtp"])
                    .stdin(Stdio::null())
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status()
                    .is_ok_and(|status| status.success())
            })
        })
        .as_deref()
}

fn skip() {
    let required = std::env::var(REQUIRE_ENV).is_ok_and(|v| !v.is_empty() && v != "0");
    if required {
        panic!("{SKIP_MESSAGE}, and {REQUIRE_ENV} is set, so the SMTP tests must run");
    }
    static ONCE: Once = Once::new();
    // Straight to the stream, not `eprintln!`: the test harness would capture that and show
    // it only for failing tests, and a skip should be seen.
    ONCE.call_once(|| {
        let _ = writeln!(std::io::stderr(), "{SKIP_MESSAGE}");
    });
}

/// Sender and recipients, one a line, as the server wrote them before the message.
fn read_envelope(path: &Path) -> (String, Vec<String>) {
    let text = std::fs::read_to_string(path.with_extension("envelope"))
        .expect("the envelope the SMTP test server wrote before the message");
    let mut lines = text.lines().map(str::to_owned);
    let mail_from = lines.next().unwrap_or_default();
    (mail_from, lines.collect())
}

fn read_message(path: &Path) -> ReceivedMail {
    let raw = std::fs::read(path).expect("a message the SMTP test server stored");
    let (envelope_from, envelope_to) = read_envelope(path);
    let message = MessageParser::default()
        .parse(&raw)
        .expect("mail-parser can read the received message");
    let bracket = |id: &str| format!("<{id}>");
    let ids = |value: &mail_parser::HeaderValue| {
        value.as_text_list().map(|ids| {
            ids.iter()
                .map(|id| bracket(id))
                .collect::<Vec<_>>()
                .join(" ")
        })
    };
    let from = message.from().and_then(|from| from.first());
    let mut text = message
        .body_text(0)
        .map(|text| text.replace("\r\n", "\n"))
        .unwrap_or_default();
    if text.ends_with('\n') {
        text.pop();
    }
    ReceivedMail {
        envelope_from,
        envelope_to,
        to: message
            .to()
            .map(|to| {
                to.iter()
                    .filter_map(|addr| addr.address.as_deref().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default(),
        from: from.and_then(|addr| addr.address.as_deref().map(str::to_owned)),
        from_name: from.and_then(|addr| addr.name.as_deref().map(str::to_owned)),
        subject: message.subject().unwrap_or_default().to_owned(),
        text,
        message_id: message.message_id().map(bracket),
        in_reply_to: ids(message.in_reply_to()),
        references: ids(message.references()),
        content_language: message
            .header("Content-Language")
            .and_then(|value| value.as_text_list())
            .map(|tags| tags.join(", ")),
        raw: String::from_utf8_lossy(&raw).into_owned(),
    }
}
