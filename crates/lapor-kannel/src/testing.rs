//! A real Kannel for tests: `bearerbox` and `smsbox` from the Debian package `kannel`, with
//! `fakesmsc` from `kannel-extras` playing the phone network, all on free ports of 127.0.0.1.
//!
//! The generated `kannel.conf` has an `smsc = fake` link (fakesmsc connects to it), a
//! `sendsms-user` for [`crate::KannelSender`], and an `sms-service` whose `get-url` is Lapor's
//! `/kannel/sms` endpoint with the escape codes documented there. A phone is one fakesmsc run:
//! [`Kannel::send`] sends one SMS (MO) and returns the reply Kannel got from Lapor;
//! [`Kannel::receive`] waits for SMS that Lapor sent through `sendsms` (MT).
//!
//! ```no_run
//! # fn demo() {
//! use lapor_kannel::testing::Kannel;
//! let Some(kannel) = Kannel::start("http://127.0.0.1:8080", "0123456789abcdef0123456789abcdef") else {
//!     return; // skipped: Kannel not installed
//! };
//! let reply = kannel.send("081234567890", "1708", "CEK K7QM-R2XD-9HTWB");
//! # }
//! ```
//!
//! Without the binaries, [`Kannel::start`] prints one line and returns `None`, so the tests pass
//! on a machine without Kannel; with `LAPOR_TEST_REQUIRE_KANNEL=1` (CI) it panics instead.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, Once, PoisonError, mpsc};
use std::time::{Duration, Instant};

use percent_encoding::{NON_ALPHANUMERIC, percent_decode_str, percent_encode};
use tempfile::TempDir;

/// The one line printed when the tests cannot run here.
pub const SKIP_MESSAGE: &str =
    "skipped: Kannel not installed (apt-get install kannel kannel-extras)";

/// Set (to anything but `0`) where a missing Kannel must fail the run rather than skip.
pub const REQUIRE_ENV: &str = "LAPOR_TEST_REQUIRE_KANNEL";

pub const BEARERBOX: &str = "/usr/sbin/bearerbox";
pub const SMSBOX: &str = "/usr/sbin/smsbox";
/// Where Debian's `kannel-extras` puts it (`dpkg -L kannel-extras`).
pub const FAKESMSC: &str = "/usr/lib/kannel/test/fakesmsc";

/// The sendsms-user of the generated configuration.
pub const SENDSMS_USER: &str = "lapor";
pub const SENDSMS_PASSWORD: &str = "rahasia-uji";
/// The short code the phones write to, and the sender of Lapor's SMS.
pub const SHORT_CODE: &str = "1708";

const START_TIMEOUT: Duration = Duration::from_secs(20);
const WAIT_TIMEOUT: Duration = Duration::from_secs(20);

/// A running Kannel; its processes are killed and its directory removed on drop.
pub struct Kannel {
    /// bearerbox, then smsbox.
    boxes: Vec<Child>,
    dir: TempDir,
    fake_port: u16,
    sendsms_port: u16,
    /// The fake SMSC link takes one phone at a time: a second fakesmsc would wait unheard.
    phone: Mutex<()>,
}

/// One SMS as a phone saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneSms {
    pub from: String,
    pub to: String,
    pub text: String,
}

impl Kannel {
    /// Starts bearerbox and smsbox with an `sms-service` calling `lapor_base` (e.g.
    /// `http://127.0.0.1:PORT`) with `secret`, and waits until sendsms answers. `None`, after
    /// one line on stderr, when Kannel is not installed; a panic instead when
    /// `LAPOR_TEST_REQUIRE_KANNEL` is set, or with Kannel's logs if it fails to start.
    pub fn start(lapor_base: &str, secret: &str) -> Option<Kannel> {
        if ![BEARERBOX, SMSBOX, FAKESMSC]
            .iter()
            .all(|bin| Path::new(bin).exists())
        {
            skip();
            return None;
        }
        let dir = tempfile::Builder::new()
            .prefix("lapor-kannel-test-")
            .tempdir()
            .expect("a temporary directory for Kannel");
        let [admin_port, smsbox_port, fake_port, sendsms_port] = free_ports();
        let conf = dir.path().join("kannel.conf");
        std::fs::write(
            &conf,
            config(
                dir.path(),
                [admin_port, smsbox_port, fake_port, sendsms_port],
                lapor_base,
                secret,
            ),
        )
        .expect("writing kannel.conf");
        let dir_path = dir.path().to_owned();
        let spawn = move |bin: &str, name: &str| {
            Command::new(bin)
                .arg(&conf)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(
                    std::fs::File::create(dir_path.join(format!("{name}.stderr")))
                        .expect("Kannel's stderr file"),
                )
                .spawn()
                .unwrap_or_else(|e| panic!("starting {bin}: {e}"))
        };
        let mut kannel = Kannel {
            boxes: vec![spawn(BEARERBOX, "bearerbox")],
            dir,
            fake_port,
            sendsms_port,
            phone: Mutex::new(()),
        };
        kannel.wait_for_port(smsbox_port, "bearerbox");
        kannel.boxes.push(spawn(SMSBOX, "smsbox"));
        kannel.wait_for_port(sendsms_port, "smsbox");
        Some(kannel)
    }

    /// The sendsms URL for [`crate::KannelConfig::from_url`], sending as [`SHORT_CODE`], with
    /// delivery reports to `dlr_base` when given.
    pub fn sendsms_url(&self, dlr_base: Option<&str>) -> String {
        let mut url = format!(
            "http://{SENDSMS_USER}:{SENDSMS_PASSWORD}@127.0.0.1:{}/?from={SHORT_CODE}",
            self.sendsms_port
        );
        if let Some(base) = dlr_base {
            url.push_str("&dlr_base=");
            url.extend(percent_encode(base.as_bytes(), NON_ALPHANUMERIC).map(str::to_owned));
        }
        url
    }

    /// The phone `from` sends `text` to `to` and waits for the first SMS back: the reply Kannel
    /// made from Lapor's answer. Text that is not printable ASCII goes as UCS-2, as a phone
    /// would send it. Panics, with Kannel's logs, when no reply comes.
    pub fn send(&self, from: &str, to: &str, text: &str) -> PhoneSms {
        let line = if text.bytes().all(|b| (b' '..=b'~').contains(&b)) {
            format!("{from} {to} text {text}")
        } else {
            let utf16: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
            format!(
                "{from} {to} ucs2 {}",
                percent_encode(&utf16, NON_ALPHANUMERIC)
            )
        };
        let mut received = self.phone(&["-m", "1", &line], 1);
        received.remove(0)
    }

    /// Waits until phones got `n` SMS that Lapor sent through sendsms (queued in Kannel until a
    /// phone is on the line), and returns them in order. Panics after some seconds.
    pub fn receive(&self, n: usize) -> Vec<PhoneSms> {
        // `-m 0`: fakesmsc sends nothing and prints what it gets.
        self.phone(&["-m", "0", "0 0 text unused"], n)
    }

    /// Runs fakesmsc with `args` until it printed `n` received SMS.
    fn phone(&self, args: &[&str], n: usize) -> Vec<PhoneSms> {
        let _one_phone = self.phone.lock().unwrap_or_else(PoisonError::into_inner);
        let mut child = Command::new(FAKESMSC)
            .args([
                "-H",
                "127.0.0.1",
                "-r",
                &self.fake_port.to_string(),
                "-i",
                "0.1",
            ])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("starting fakesmsc");
        let (tx, rx) = mpsc::channel();
        for stream in [
            child
                .stdout
                .take()
                .map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
            child
                .stderr
                .take()
                .map(|s| Box::new(s) as Box<dyn std::io::Read + Send>),
        ]
        .into_iter()
        .flatten()
        {
            let tx = tx.clone();
            std::thread::spawn(move || {
                // Bytes, not `lines()`: a received SMS may be printed in Latin-1.
                let mut reader = BufReader::new(stream);
                let mut line = Vec::new();
                while reader.read_until(b'\n', &mut line).is_ok_and(|n| n > 0) {
                    let text = String::from_utf8_lossy(&line).trim_end().to_owned();
                    line.clear();
                    if tx.send(text).is_err() {
                        break;
                    }
                }
            });
        }
        let deadline = Instant::now() + WAIT_TIMEOUT;
        let mut received = Vec::new();
        let mut output = Vec::new();
        while received.len() < n {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) => {
                    if let Some(sms) = parse_received(&line) {
                        received.push(sms);
                    }
                    output.push(line);
                }
                Err(_) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    panic!(
                        "the phone (fakesmsc) got {} SMS within {WAIT_TIMEOUT:?}, expected {n}\n\
                         fakesmsc:\n{}\n{}",
                        received.len(),
                        output.join("\n"),
                        self.logs()
                    );
                }
            }
        }
        let _ = child.kill();
        let _ = child.wait();
        received
    }

    /// The tails of Kannel's logs, for failure messages.
    pub fn logs(&self) -> String {
        [
            "bearerbox.log",
            "smsbox.log",
            "bearerbox.stderr",
            "smsbox.stderr",
        ]
        .iter()
        .map(|name| {
            let text = std::fs::read_to_string(self.dir.path().join(name)).unwrap_or_default();
            let lines: Vec<&str> = text.lines().collect();
            let tail = lines[lines.len().saturating_sub(40)..].join("\n");
            format!("--- {name}\n{tail}")
        })
        .collect::<Vec<_>>()
        .join("\n")
    }

    /// Waits until `port` accepts connections; panics with the logs when `what` died or hangs.
    fn wait_for_port(&mut self, port: u16, what: &str) {
        let address = SocketAddr::from(([127, 0, 0, 1], port));
        let deadline = Instant::now() + START_TIMEOUT;
        while TcpStream::connect_timeout(&address, Duration::from_secs(1)).is_err() {
            let exited = self
                .boxes
                .iter_mut()
                .any(|child| matches!(child.try_wait(), Ok(Some(_))));
            if exited || Instant::now() > deadline {
                panic!("Kannel's {what} did not open port {port}\n{}", self.logs());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Kannel {
    fn drop(&mut self) {
        for child in self.boxes.iter_mut().rev() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Four ports the kernel had free a moment ago (bound together, then released).
fn free_ports() -> [u16; 4] {
    let listeners: Vec<TcpListener> = (0..4)
        .map(|_| TcpListener::bind("127.0.0.1:0").expect("a free port on 127.0.0.1"))
        .collect();
    let port = |i: usize| listeners[i].local_addr().expect("a bound port").port();
    [port(0), port(1), port(2), port(3)]
}

/// `kannel.conf`: the fake link, the sendsms user and the service calling Lapor.
fn config(dir: &Path, ports: [u16; 4], lapor_base: &str, secret: &str) -> String {
    let [admin_port, smsbox_port, fake_port, sendsms_port] = ports;
    let log = |name: &str| dir.join(name).display().to_string();
    format!(
        r#"group = core
admin-port = {admin_port}
admin-interface = 127.0.0.1
admin-password = admin-uji
smsbox-port = {smsbox_port}
box-allow-ip = 127.0.0.1
log-file = "{bearerbox_log}"
log-level = 1
dlr-storage = internal

group = smsc
smsc = fake
smsc-id = fake
host = 127.0.0.1
port = {fake_port}
connect-allow-ip = 127.0.0.1

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = {smsbox_port}
sendsms-port = {sendsms_port}
sendsms-interface = 127.0.0.1
log-file = "{smsbox_log}"
log-level = 1
mo-recode = true

group = sendsms-user
username = {SENDSMS_USER}
password = {SENDSMS_PASSWORD}
concatenation = true
max-messages = 3

group = sms-service
keyword = default
catch-all = true
get-url = "{lapor_base}/kannel/sms?secret={secret}&from=%p&to=%P&text=%b&coding=%c&charset=%C&ts=%T&id=%I"
max-messages = 1
concatenation = true
"#,
        bearerbox_log = log("bearerbox.log"),
        smsbox_log = log("smsbox.log"),
    )
}

/// `Got message 1: <1708 +6281234567890 text Laporan #0000042 ...>` as fakesmsc prints an SMS
/// it received; UCS-2 and binary ones come URL-encoded.
fn parse_received(line: &str) -> Option<PhoneSms> {
    let (_, rest) = line.split_once("Got message ")?;
    let (_, message) = rest.split_once(": <")?;
    let message = message.strip_suffix('>')?;
    let mut parts = message.splitn(4, ' ');
    let (from, to, kind, data) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next().unwrap_or(""),
    );
    let text = match kind {
        "text" => data.to_owned(),
        "ucs2" | "ucs-2" => {
            let bytes: Vec<u8> = percent_decode_str(&data.replace('+', " ")).collect();
            let units: Vec<u16> = bytes
                .chunks(2)
                .map(|pair| u16::from_be_bytes([pair[0], *pair.get(1).unwrap_or(&0)]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        _ => String::from_utf8_lossy(
            &percent_decode_str(&data.replace('+', " ")).collect::<Vec<u8>>(),
        )
        .into_owned(),
    };
    Some(PhoneSms {
        from: from.to_owned(),
        to: to.to_owned(),
        text,
    })
}

fn skip() {
    let required = std::env::var(REQUIRE_ENV).is_ok_and(|v| !v.is_empty() && v != "0");
    if required {
        panic!("{SKIP_MESSAGE}, and {REQUIRE_ENV} is set, so the Kannel tests must run");
    }
    static ONCE: Once = Once::new();
    // Straight to the stream: the test harness captures `eprintln!` of passing tests.
    ONCE.call_once(|| {
        let _ = writeln!(std::io::stderr(), "{SKIP_MESSAGE}");
    });
}
