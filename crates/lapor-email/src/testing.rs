//! A real IMAP server for tests: Debian's `dovecot-imapd`, started from a generated
//! configuration in a temporary directory on a free loopback port, with TLS from a
//! test CA (made with `openssl`) and one account whose Maildir the tests deliver into.
//!
//! Without dovecot or openssl, [`Dovecot::start`] returns `None` after one `skipped:` line on
//! stderr; with `LAPOR_TEST_REQUIRE_IMAP=1` (CI) it panics instead.

use std::io::Write;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Once;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tempfile::TempDir;

pub const DOVECOT: &str = "/usr/sbin/dovecot";
pub const REQUIRE_ENV: &str = "LAPOR_TEST_REQUIRE_IMAP";
pub const SKIP_MESSAGE: &str = "skipped: IMAP tests need Debian's dovecot-imapd and openssl \
                                (apt-get install dovecot-imapd openssl)";

pub const USER: &str = "lapor";
pub const PASSWORD: &str = "rahasia-uji";

const START_TIMEOUT: Duration = Duration::from_secs(15);

/// A running Dovecot; stopped, and its directory removed, on drop.
pub struct Dovecot {
    child: Child,
    dir: TempDir,
    port: u16,
    /// Who must own delivered mail (dovecot's uid/gid when the tests run as root).
    owner: Option<(u32, u32)>,
}

impl Dovecot {
    /// Starts the server and waits until it accepts connections.
    #[must_use]
    pub fn start() -> Option<Dovecot> {
        if !Path::new(DOVECOT).exists() || !succeeds(Command::new("openssl").arg("version")) {
            skip();
            return None;
        }
        let dir = tempfile::Builder::new()
            .prefix("lapor-imap-test-")
            .tempdir()
            .expect("a temporary directory for Dovecot");
        let d = dir.path();
        // Dovecot's own processes (and, as root, the mail user) must reach the files.
        set_mode(d, 0o755);
        let cert = d.join("cert.pem");
        let key = d.join("key.pem");
        make_certificates(d);
        std::fs::write(d.join("passwd"), format!("{USER}:{{PLAIN}}{PASSWORD}\n"))
            .expect("the Dovecot password file");
        let mail = d.join("mail");
        let mut owner = None;
        // As root, Dovecot refuses to log in or keep mail as root: it uses the users its
        // package created. Otherwise everything runs as the current user.
        let (internal, login, mail_user) = if output(Command::new("id").arg("-u")) == "0" {
            let id = |flag: &str| {
                output(Command::new("id").args([flag, "dovecot"]))
                    .parse::<u32>()
                    .expect("a numeric id from `id`")
            };
            owner = Some((id("-u"), id("-g")));
            (
                "dovecot".to_owned(),
                "dovenull".to_owned(),
                "dovecot".to_owned(),
            )
        } else {
            let me = output(Command::new("id").arg("-un"));
            (me.clone(), me.clone(), output(Command::new("id").arg("-u")))
        };
        let maildir = mail.join(USER);
        for sub in ["cur", "new", "tmp"] {
            std::fs::create_dir_all(maildir.join(sub)).expect("the test Maildir");
        }
        if let Some((uid, gid)) = owner {
            for path in [mail.clone(), maildir.clone()]
                .into_iter()
                .chain(["cur", "new", "tmp"].map(|sub| maildir.join(sub)))
            {
                std::os::unix::fs::chown(&path, Some(uid), Some(gid))
                    .expect("giving the Maildir to the dovecot user");
            }
        }
        let port = free_port();
        let config = format!(
            "base_dir = {d}/run\n\
             state_dir = {d}/state\n\
             instance_name = lapor-test-{port}\n\
             log_path = {d}/dovecot.log\n\
             protocols = imap\n\
             listen = 127.0.0.1\n\
             ssl = required\n\
             ssl_cert = <{cert}\n\
             ssl_key = <{key}\n\
             auth_mechanisms = plain login\n\
             default_internal_user = {internal}\n\
             default_login_user = {login}\n\
             first_valid_uid = 1\n\
             mail_location = maildir:{mail}/%u\n\
             passdb {{\n  driver = passwd-file\n  args = scheme=PLAIN {d}/passwd\n}}\n\
             userdb {{\n  driver = static\n  args = uid={mail_user} gid={mail_user} home={mail}/%u\n}}\n\
             service imap-login {{\n  inet_listener imap {{\n    port = 0\n  }}\n  \
             inet_listener imaps {{\n    address = 127.0.0.1\n    port = {port}\n    ssl = yes\n  }}\n  \
             chroot =\n}}\n\
             service anvil {{\n  chroot =\n}}\n",
            d = d.display(),
            cert = cert.display(),
            key = key.display(),
            mail = mail.display(),
        );
        std::fs::write(d.join("dovecot.conf"), config).expect("the Dovecot configuration");
        let child = Command::new(DOVECOT)
            .arg("-F")
            .arg("-c")
            .arg(d.join("dovecot.conf"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(d.join("stderr.log")).expect("Dovecot's stderr file"))
            .spawn()
            .expect("starting dovecot");
        let mut server = Dovecot {
            child,
            dir,
            port,
            owner,
        };
        let address = SocketAddr::from(([127, 0, 0, 1], port));
        let deadline = Instant::now() + START_TIMEOUT;
        while TcpStream::connect_timeout(&address, Duration::from_secs(1)).is_err() {
            if Instant::now() > deadline || server.child.try_wait().ok().flatten().is_some() {
                server.fail("does not accept connections");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Some(server)
    }

    /// `imaps://lapor:…@127.0.0.1:PORT/INBOX?ca=…` for [`ImapConfig::from_url`].
    #[must_use]
    pub fn url(&self) -> String {
        format!(
            "imaps://{USER}:{PASSWORD}@127.0.0.1:{}/INBOX?ca={}",
            self.port,
            self.dir.path().join("ca.pem").display()
        )
    }

    /// Delivers `raw` into the INBOX the way an MTA's local delivery agent does: written
    /// to the Maildir's `tmp/`, then renamed into `new/`, where Dovecot gives it the next UID.
    pub fn deliver(&self, raw: &[u8]) {
        static COUNT: AtomicU64 = AtomicU64::new(0);
        let name = format!(
            "{}.{}.lapor-test",
            std::process::id(),
            COUNT.fetch_add(1, Ordering::Relaxed)
        );
        let maildir = self.dir.path().join("mail").join(USER);
        let tmp = maildir.join("tmp").join(&name);
        std::fs::write(&tmp, raw).expect("writing into the Maildir");
        if let Some((uid, gid)) = self.owner {
            std::os::unix::fs::chown(&tmp, Some(uid), Some(gid))
                .expect("giving the message to dovecot");
        }
        std::fs::rename(&tmp, maildir.join("new").join(&name)).expect("delivering into new/");
    }

    /// What Dovecot printed and logged so far.
    #[must_use]
    pub fn log(&self) -> String {
        let read =
            |name: &str| std::fs::read_to_string(self.dir.path().join(name)).unwrap_or_default();
        format!(
            "stderr:\n{}\nlog:\n{}",
            read("stderr.log"),
            read("dovecot.log")
        )
    }

    fn fail(&mut self, what: &str) -> ! {
        self.stop();
        panic!("Dovecot {what}; {}", self.log());
    }

    /// SIGTERM, so the master takes its login and mail processes down with it.
    fn stop(&mut self) {
        let _ = Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while self.child.try_wait().ok().flatten().is_none() {
            if Instant::now() > deadline {
                let _ = self.child.kill();
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.wait();
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A test CA (`ca.pem`) and a server certificate it signed for 127.0.0.1 (`cert.pem`,
/// `key.pem`): rustls, rightly, refuses a self-signed CA as a server certificate.
fn make_certificates(d: &Path) {
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    std::fs::write(
        d.join("server.ext"),
        "basicConstraints=CA:FALSE\nsubjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
    )
    .expect("the certificate extensions file");
    let steps: [&[&str]; 3] = [
        &[
            "req",
            "-x509",
            "-days",
            "2",
            "-subj",
            "/CN=Lapor Test CA",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
        ],
        &[
            "req",
            "-subj",
            "/CN=localhost",
            "-keyout",
            "key.pem",
            "-out",
            "server.csr",
        ],
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-set_serial",
            "1",
            "-days",
            "2",
            "-extfile",
            "server.ext",
            "-out",
            "cert.pem",
        ],
    ];
    for (i, args) in steps.iter().enumerate() {
        let mut command = Command::new("openssl");
        command.current_dir(d).args(&args[..1]);
        if i < 2 {
            command.args(ec);
        }
        command.args(&args[1..]);
        assert!(
            succeeds(&mut command),
            "openssl could not make the test certificates (step {i})"
        );
    }
}

fn succeeds(command: &mut Command) -> bool {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn output(command: &mut Command) -> String {
    let out = command.output().expect("running id");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .expect("permissions of the Dovecot directory");
}

/// A port nobody listens on now (the kernel's pick; the tiny race is harmless in tests).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port()
}

fn skip() {
    let required = std::env::var(REQUIRE_ENV).is_ok_and(|v| !v.is_empty() && v != "0");
    if required {
        panic!("{SKIP_MESSAGE}, and {REQUIRE_ENV} is set, so the IMAP tests must run");
    }
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let _ = writeln!(std::io::stderr(), "{SKIP_MESSAGE}");
    });
}
