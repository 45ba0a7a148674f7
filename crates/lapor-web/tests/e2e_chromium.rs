//! End-to-end tests in headless Chromium: the citizen and officer flow with JavaScript
//! disabled, and the report form's live hints with JavaScript on.
//!
//! It submits a complaint on `/lapor`, looks it up on `/lacak`, then logs in as the demo
//! national admin, verifies and routes it in the officer console, and tracks it again as the
//! reporter — all through plain HTML forms, which proves that the pages work without any
//! script (style habit 9).
//!
//! It runs only when `LAPOR_TEST_CHROMEDRIVER` names a chromedriver binary; otherwise it
//! prints that it was skipped and passes, so `cargo test` needs no setup. Variables:
//! - `LAPOR_TEST_CHROMEDRIVER`: path to chromedriver (Debian: `/usr/bin/chromedriver`).
//! - `LAPOR_TEST_CHROMIUM`: path to the browser (Debian: `/usr/bin/chromium`); optional.
//! - `LAPOR_TEST_E2E_BASE_URL`: optional; test a server that is already running at this
//!   address instead of starting `lapor serve --demo` on a temporary `SQLite` database.
//!
//! The test starts the real `lapor` binary and chromedriver itself, on free loopback ports,
//! and kills both when it ends, whether it passes or fails.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

const SKIP_MESSAGE: &str = "skipped: set LAPOR_TEST_CHROMEDRIVER (and LAPOR_TEST_CHROMIUM) to run the Chromium end-to-end test";
const WIDTH: u32 = 360;
const HEIGHT: u32 = 800;
const STARTUP_TIMEOUT: Duration = Duration::from_mins(1);
const PAGE_TIMEOUT: Duration = Duration::from_secs(20);

/// A child process, in its own process group, that is killed with the whole group (the
/// browser processes chromedriver starts are in it too) when the guard is dropped.
struct ChildGuard {
    name: &'static str,
    child: Child,
    log: PathBuf,
}

impl ChildGuard {
    fn spawn(name: &'static str, mut command: Command, log: PathBuf) -> Self {
        let out = std::fs::File::create(&log).expect("create a log file for the child process");
        let err = out.try_clone().expect("clone the log file handle");
        command
            .process_group(0)
            .stdin(Stdio::null())
            .stdout(Stdio::from(out))
            .stderr(Stdio::from(err));
        let child = command
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name} ({command:?}): {e}"));
        Self { name, child, log }
    }

    /// Panics with the end of the log if the process has already exited.
    fn assert_running(&mut self) {
        if let Ok(Some(status)) = self.child.try_wait() {
            panic!(
                "{} exited early with {status}; its output:\n{}",
                self.name,
                tail(&self.log)
            );
        }
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        // The group id is the child's pid (process_group(0)); `kill` also reaches grandchildren.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The last lines of a log file, for failure messages.
fn tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(40)..].join("\n")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("bind an ephemeral loopback port")
        .port()
}

/// Status code of a plain HTTP/1.1 GET, or `None` when nothing answers yet.
fn http_status(port: u16, path: &str) -> Option<u16> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
    let request =
        format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).ok()?;
    let mut head = [0_u8; 12];
    stream.read_exact(&mut head).ok()?;
    std::str::from_utf8(&head[9..12]).ok()?.parse().ok()
}

/// Waits until `GET path` on the port answers with `want`, watching that the process lives.
fn wait_for_http(guard: &mut ChildGuard, port: u16, path: &str, want: u16) {
    let start = Instant::now();
    loop {
        guard.assert_running();
        if http_status(port, path) == Some(want) {
            return;
        }
        assert!(
            start.elapsed() < STARTUP_TIMEOUT,
            "{} did not answer {want} on GET {path} within {STARTUP_TIMEOUT:?}; its output:\n{}",
            guard.name,
            tail(&guard.log)
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// The `lapor` binary of this build (same target directory and profile as this test),
/// brought up to date with `cargo build` so that the test never runs a stale server.
///
/// The build asks for the same units as `cargo test --workspace` (all binaries and tests of
/// the workspace), so features resolve the same way and, after that command, it has nothing
/// to do; `cargo build -p lapor-cli` alone would resolve other features and rebuild the
/// `SQLite` library and more.
fn lapor_binary() -> PathBuf {
    let test_exe = std::env::current_exe().expect("path of the test executable");
    // <target>/<profile>/deps/e2e_chromium-<hash>
    let profile_dir = test_exe
        .parent()
        .and_then(Path::parent)
        .expect("the test executable lives in <target>/<profile>/deps");
    let binary = profile_dir.join(format!("lapor{}", std::env::consts::EXE_SUFFIX));
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut build = Command::new(cargo);
    build
        .current_dir(&workspace)
        .args(["build", "--workspace", "--bins", "--tests"]);
    // The directory is named after the profile, except `debug`, which holds `dev`.
    match profile_dir.file_name().and_then(|p| p.to_str()) {
        Some("debug") | None => {}
        Some(profile) => {
            build.args(["--profile", profile]);
        }
    }
    if let Some(target) = profile_dir.parent() {
        build.env("CARGO_TARGET_DIR", target);
    }
    let output = build
        .stdin(Stdio::null())
        .output()
        .expect("run cargo build for the lapor binary");
    assert!(
        output.status.success(),
        "cargo build --workspace --bins --tests failed ({}):\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        binary.is_file(),
        "cargo build --workspace --bins did not produce {}",
        binary.display()
    );
    binary
}

/// Finds an element, waiting for the page to load; on failure shows the page.
async fn find(client: &Client, id: &str) -> fantoccini::elements::Element {
    match client
        .wait()
        .at_most(PAGE_TIMEOUT)
        .for_element(Locator::Id(id))
        .await
    {
        Ok(element) => element,
        Err(e) => {
            let url = client
                .current_url()
                .await
                .map(|u| u.to_string())
                .unwrap_or_default();
            let source = client.source().await.unwrap_or_default();
            panic!("element #{id} not found on {url}: {e}\n--- page source ---\n{source}");
        }
    }
}

async fn text_of(client: &Client, id: &str) -> String {
    find(client, id)
        .await
        .text()
        .await
        .unwrap_or_else(|e| panic!("read the text of #{id}: {e}"))
        .trim()
        .to_owned()
}

fn capabilities(profile_dir: &Path, javascript: bool) -> fantoccini::wd::Capabilities {
    let mut chrome = json!({
        "args": [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
            format!("--window-size={WIDTH},{HEIGHT}"),
            format!("--user-data-dir={}", profile_dir.display()),
        ],
    });
    if !javascript {
        // JavaScript off: every page must work as plain HTML forms.
        chrome["prefs"] = json!({ "profile.managed_default_content_settings.javascript": 2 });
    }
    if let Some(binary) = std::env::var_os("LAPOR_TEST_CHROMIUM").filter(|b| !b.is_empty()) {
        chrome["binary"] = json!(binary.to_string_lossy());
    }
    let mut caps = fantoccini::wd::Capabilities::new();
    caps.insert("browserName".into(), json!("chrome"));
    caps.insert("goog:chromeOptions".into(), chrome);
    caps
}

fn is_tracking_code(code: &str) -> bool {
    // K7QM-R2XD-9HTWB: groups of upper-case letters and digits separated by dashes.
    let groups: Vec<&str> = code.split('-').collect();
    groups.len() >= 2
        && groups.iter().all(|g| {
            !g.is_empty()
                && g.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        })
}

#[tokio::test]
async fn citizen_reports_and_tracks_without_javascript() {
    in_browser(false, run_flow).await;
}

#[tokio::test]
async fn the_report_form_hints_what_is_missing_while_typing() {
    in_browser(true, |client, base, _| live_hints(client, base)).await;
}

/// Starts the server (unless one is given) and chromedriver, runs `flow` with a browser
/// session, the base URL and the demo national admin's password, and cleans up.
async fn in_browser<F, Fut>(javascript: bool, flow: F)
where
    F: FnOnce(Client, String, Option<String>) -> Fut,
    Fut: std::future::Future<Output = Result<(), fantoccini::error::CmdError>> + Send + 'static,
{
    let Some(chromedriver) = std::env::var_os("LAPOR_TEST_CHROMEDRIVER").filter(|v| !v.is_empty())
    else {
        // Straight to stderr, past the test harness's capture, so that CI logs show the skip.
        let _ = writeln!(std::io::stderr(), "{SKIP_MESSAGE}");
        return;
    };

    // lettre (ring) and fantoccini (aws-lc-rs) both enable a rustls provider in a workspace
    // build; pick one for this process, or rustls refuses to guess.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let tmp = tempfile::tempdir().expect("create a temporary directory");

    // The server: an already running one, or `lapor serve --demo` on a fresh SQLite file.
    let mut server_guard = None;
    let base = match std::env::var("LAPOR_TEST_E2E_BASE_URL") {
        Ok(url) if !url.is_empty() => url.trim_end_matches('/').to_owned(),
        _ => {
            let port = free_port();
            let mut command = Command::new(lapor_binary());
            command
                .arg("serve")
                .arg("--demo")
                .arg("--bind")
                .arg(format!("127.0.0.1:{port}"))
                .arg("--database")
                .arg(tmp.path().join("e2e.db"))
                .current_dir(tmp.path());
            let mut server =
                ChildGuard::spawn("lapor serve", command, tmp.path().join("server.log"));
            wait_for_http(&mut server, port, "/healthz", 200);
            server_guard = Some(server);
            format!("http://127.0.0.1:{port}")
        }
    };

    // chromedriver on its own port; fantoccini talks WebDriver to it.
    let driver_port = free_port();
    let mut command = Command::new(&chromedriver);
    command.arg(format!("--port={driver_port}"));
    let mut driver =
        ChildGuard::spawn("chromedriver", command, tmp.path().join("chromedriver.log"));
    wait_for_http(&mut driver, driver_port, "/status", 200);

    let profile = tmp.path().join("chromium-profile");
    std::fs::create_dir_all(&profile).expect("create the Chromium profile directory");
    let client = ClientBuilder::rustls()
        .expect("rustls connector for WebDriver")
        .capabilities(capabilities(&profile, javascript))
        .connect(&format!("http://127.0.0.1:{driver_port}"))
        .await
        .unwrap_or_else(|e| {
            panic!(
                "cannot open a Chromium session: {e}\nchromedriver output:\n{}",
                tail(&driver.log)
            )
        });

    // The demo national admin's password, printed once at start (none for an outside server).
    let officer_password = server_guard.as_ref().and_then(|server| {
        std::fs::read_to_string(&server.log).ok().and_then(|log| {
            log.lines()
                .find(|l| l.contains("nasional@demo.lapor.id"))
                .and_then(|l| l.split_whitespace().nth(2).map(str::to_owned))
        })
    });

    // Run the flow in its own task so that a failed assertion still lets us end the
    // browser session (which quits Chromium) before the guards kill chromedriver and the server.
    let outcome = tokio::spawn(flow(client.clone(), base, officer_password)).await;
    let _ = client.close().await;
    drop(driver);
    drop(server_guard);
    if !matches!(outcome, Ok(Ok(()))) {
        // Shown by the harness with the failure; the server log explains most 4xx/5xx pages.
        eprintln!(
            "--- server log ---\n{}",
            tail(&tmp.path().join("server.log"))
        );
    }
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(e)) => panic!("WebDriver command failed: {e}"),
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => panic!("the browser flow did not finish: {e}"),
    }
}

/// The flow itself; `WebDriver` errors come back as `Err` so that the session is always closed.
async fn run_flow(
    client: Client,
    base: String,
    officer_password: Option<String>,
) -> Result<(), fantoccini::error::CmdError> {
    let client = &client;
    if let Err(e) = client.set_window_size(WIDTH, HEIGHT).await {
        println!("note: could not set the window size to {WIDTH}x{HEIGHT}: {e}");
    }

    // JavaScript really is off: a page whose script would rename it keeps its title.
    client
        .goto("data:text/html,<title>js-off</title><script>document.title='js-on'</script>")
        .await?;
    assert_eq!(
        client.title().await?,
        "js-off",
        "JavaScript must be disabled in this browser session"
    );

    // 1. Submit a complaint on /lapor.
    let title = "Lampu jalan mati di Jalan Yos Sudarso";
    let body = "Sudah dua minggu lampu jalan mati sehingga rawan kecelakaan pada malam hari.";
    client.goto(&format!("{base}/lapor")).await?;
    let form = find(client, "report-form").await;
    form.find(Locator::Css(
        "input[name='classification'][value='pengaduan']",
    ))
    .await?
    .click()
    .await?;
    find(client, "title").await.send_keys(title).await?;
    find(client, "body").await.send_keys(body).await?;
    find(client, "region_pick")
        .await
        .select_by_value("62")
        .await?;
    find(client, "submit-report").await.click().await?;

    // 2. The confirmation page shows the number and the tracking code.
    let number = text_of(client, "report-number").await;
    let code = text_of(client, "tracking-code").await;
    assert!(!number.is_empty(), "#report-number is empty");
    assert!(
        is_tracking_code(&code),
        "#tracking-code should look like K7QM-R2XD-9HTWB, got {code:?}"
    );

    // 3. Track it on /lacak, typing the code in lower case.
    client.goto(&format!("{base}/lacak")).await?;
    find(client, "track-form").await;
    find(client, "tracking-code-input")
        .await
        .send_keys(&code.to_lowercase())
        .await?;
    find(client, "track-submit").await.click().await?;

    // 4. The result page shows the complaint and its history.
    assert_eq!(text_of(client, "report-title").await, title);
    let status = text_of(client, "report-status").await;
    assert!(!status.is_empty(), "#report-status is empty");
    let timeline = find(client, "timeline").await;
    let entries = timeline.find_all(Locator::Css("li")).await?;
    assert!(
        !entries.is_empty(),
        "#timeline should list at least one history entry"
    );
    println!(
        "e2e ok: report {number} tracked as {code}, status {status:?}, {} history entries",
        entries.len()
    );

    let Some(password) = officer_password else {
        println!("note: no demo password (outside server): the officer part was not run");
        return Ok(());
    };
    // 5. The national admin logs in and lands in the console.
    client.goto(&format!("{base}/masuk")).await?;
    find(client, "login")
        .await
        .send_keys("nasional@demo.lapor.id")
        .await?;
    find(client, "password").await.send_keys(&password).await?;
    find(client, "login-submit").await.click().await?;
    find(client, "nav-console").await;
    assert!(
        client.current_url().await?.path().starts_with("/petugas"),
        "officers land in the console"
    );

    // 6. Verify and route the new report to the province, with a summary title.
    client
        .goto(&format!("{base}/petugas/laporan/{number}"))
        .await?;
    find(client, "form-verify").await;
    let summary = "Lampu jalan mati di Jl. Yos Sudarso, rawan kecelakaan";
    let title_input = find(client, "verify-title").await;
    title_input.clear().await?;
    title_input.send_keys(summary).await?;
    find(client, "verify-agency")
        .await
        .select_by_value("pemprov-kalteng")
        .await?;
    find(client, "submit-verify").await.click().await?;
    find(client, "ok").await;
    assert_eq!(text_of(client, "report-title").await, summary);
    let routed = text_of(client, "report-status").await;
    assert_ne!(routed, status, "the status moved on");

    // 7. The reporter sees the new status and the step in the history.
    client.goto(&format!("{base}/lacak")).await?;
    find(client, "tracking-code-input")
        .await
        .send_keys(&code)
        .await?;
    find(client, "track-submit").await.click().await?;
    assert_eq!(text_of(client, "report-status").await, routed);
    let steps = find(client, "timeline")
        .await
        .find_all(Locator::Css("li"))
        .await?
        .len();
    assert!(
        steps > entries.len(),
        "the verification shows in the history"
    );
    println!("e2e ok: verified in the console, now {routed:?}");
    Ok(())
}

/// Waits until the hint for `aspect` (`what`, `where`, `when`) is listed (`present`) or not,
/// in a shown hint box.
async fn wait_for_hint(
    client: &Client,
    aspect: &str,
    present: bool,
) -> Result<(), fantoccini::error::CmdError> {
    let id = format!("hint-{aspect}");
    let start = Instant::now();
    loop {
        let listed = !client.find_all(Locator::Id(&id)).await?.is_empty();
        if listed == present && find(client, "hints").await.is_displayed().await? {
            return Ok(());
        }
        assert!(
            start.elapsed() < PAGE_TIMEOUT,
            "#{id} should be {}:\n{}",
            if present { "listed" } else { "gone" },
            client.source().await.unwrap_or_default()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Types a vague complaint with JavaScript on: the hint box appears by itself, asks where and
/// when, and updates as the reporter adds them — without any button pressed.
async fn live_hints(client: Client, base: String) -> Result<(), fantoccini::error::CmdError> {
    let client = &client;
    client.goto(&format!("{base}/lapor?lang=id")).await?;
    assert!(
        !find(client, "hints").await.is_displayed().await?,
        "no hints before typing"
    );
    let body = find(client, "body").await;
    body.send_keys("Lampu penerangan mati, gelap sekali dan warga takut lewat")
        .await?;
    wait_for_hint(client, "where", true).await?;
    wait_for_hint(client, "when", true).await?;
    let text = text_of(client, "hint-where").await;
    assert!(text.starts_with("Sebutkan di mana kejadiannya"), "{text:?}");
    body.send_keys(" di Jl. Tjilik Riwut km 5 sejak Senin")
        .await?;
    wait_for_hint(client, "where", false).await?;
    wait_for_hint(client, "when", false).await?;
    println!("e2e ok: live hints appear and clear while typing");
    Ok(())
}
