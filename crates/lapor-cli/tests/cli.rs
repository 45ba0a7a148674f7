//! The `lapor` binary as an operator uses it.

#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn lapor(db: &str, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_lapor"))
        .arg("--database")
        .arg(db)
        .args(args)
        .env_remove("LAPOR_DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn migrate_import_and_add_users_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("data/lapor.db");
    let db = db.to_str().unwrap();

    let migrate = lapor(db, &["migrate"], None);
    assert!(migrate.status.success(), "{}", text(&migrate.stderr));
    // The region load is long, so it reports progress.
    assert!(
        text(&migrate.stderr).contains("wilayah: 91599/91599 (100%)"),
        "{}",
        text(&migrate.stderr)
    );

    let csv = dir.path().join("agencies.csv");
    std::fs::write(&csv, "code,name,kind,parent,regions\npemkot-palangkaraya,Pemerintah Kota Palangka Raya,pemerintah_kota,,62.71\npemkot-palangkaraya.dinkes,Dinas Kesehatan,dinas,pemkot-palangkaraya,62.71\n").unwrap();
    let import = lapor(db, &["import", "agencies", csv.to_str().unwrap()], None);
    assert!(import.status.success(), "{}", text(&import.stderr));
    assert!(
        text(&import.stdout).contains("Imported 2 agencies (0 already present)"),
        "{}",
        text(&import.stdout)
    );
    assert!(text(&import.stderr).contains("instansi: 2/2 (100%)"));
    let approval = lapor(
        db,
        &["agency", "require-approval", "pemkot-palangkaraya"],
        None,
    );
    assert!(approval.status.success(), "{}", text(&approval.stderr));
    assert!(text(&approval.stdout).contains("wait for its admin's approval"));
    let unknown = lapor(db, &["agency", "require-approval", "pemkot-nowhere"], None);
    assert!(!unknown.status.success());

    let generated = lapor(
        db,
        &[
            "user",
            "add",
            "--role",
            "admin_unit",
            "--name",
            "Penghubung Dinkes",
            "--email",
            "dinkes@example.id",
            "--agency",
            "pemkot-palangkaraya.dinkes",
        ],
        None,
    );
    assert!(generated.status.success(), "{}", text(&generated.stderr));
    let out = text(&generated.stdout);
    assert!(
        out.contains("(admin_unit)") && out.contains("Password (shown once): "),
        "{out}"
    );

    let typed = lapor(
        db,
        &[
            "user",
            "add",
            "--role",
            "admin_nasional",
            "--name",
            "Admin Nasional",
            "--phone",
            "081200001111",
            "--password-stdin",
        ],
        Some("kata-sandi-kuat\n"),
    );
    assert!(typed.status.success(), "{}", text(&typed.stderr));
    assert!(
        !text(&typed.stdout).contains("Password"),
        "a typed password is not echoed"
    );

    let missing_agency = lapor(
        db,
        &[
            "user",
            "add",
            "--role",
            "admin_instansi",
            "--name",
            "Tanpa Instansi",
            "--email",
            "x@example.id",
        ],
        None,
    );
    assert!(!missing_agency.status.success());
    assert!(
        text(&missing_agency.stderr).contains("agency=required"),
        "{}",
        text(&missing_agency.stderr)
    );

    let unknown_role = lapor(
        db,
        &[
            "user",
            "add",
            "--role",
            "raja",
            "--name",
            "X",
            "--email",
            "y@example.id",
        ],
        None,
    );
    assert!(!unknown_role.status.success());
    assert!(text(&unknown_role.stderr).contains("unknown role raja"));
}

#[test]
fn the_openapi_document_can_be_printed() {
    let out = Command::new(env!("CARGO_BIN_EXE_lapor"))
        .arg("openapi")
        .output()
        .unwrap();
    assert!(out.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(doc["paths"]["/api/v1/reports"].is_object());
}

#[test]
fn holidays_and_settings_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("lapor.db");
    let db = db.to_str().unwrap();
    assert!(lapor(db, &["migrate"], None).status.success());

    // A later year, in the format of the bundled list.
    let csv = dir.path().join("2028.csv");
    std::fs::write(
        &csv,
        "date,name,type\n2028-01-01,Tahun Baru Masehi,libur_nasional\n2028-01-26,Tahun Baru Imlek,libur_nasional\n",
    )
    .unwrap();
    let import = lapor(db, &["holidays", "import", csv.to_str().unwrap()], None);
    assert!(import.status.success(), "{}", text(&import.stderr));
    assert!(
        text(&import.stdout).contains("Stored 2 holidays."),
        "{}",
        text(&import.stdout)
    );
    let list = lapor(db, &["holidays", "list"], None);
    assert!(
        text(&list.stdout).contains("2028-01-26"),
        "{}",
        text(&list.stdout)
    );

    // Bad rows are all named with their line, and nothing is stored.
    std::fs::write(
        &csv,
        "date,name,type\n2028-13-01,Salah,libur_nasional\n2028-02-01,Entah,libur_lain\n",
    )
    .unwrap();
    let bad = lapor(db, &["holidays", "import", csv.to_str().unwrap()], None);
    assert!(!bad.status.success());
    let err = text(&bad.stderr);
    assert!(err.contains("line 2") && err.contains("line 3"), "{err}");

    let set = lapor(db, &["settings", "set", "limits.follow_up", "7"], None);
    assert!(set.status.success(), "{}", text(&set.stderr));
    let shown = lapor(db, &["settings", "list"], None);
    assert!(
        text(&shown.stdout).contains("follow_up: 7"),
        "{}",
        text(&shown.stdout)
    );
    let wrong = lapor(db, &["settings", "set", "limits.follow_up", "tujuh"], None);
    assert!(!wrong.status.success());
    let unknown = lapor(db, &["settings", "set", "limits.nothing", "1"], None);
    assert!(!unknown.status.success());

    let jobs = lapor(db, &["jobs"], None);
    assert!(jobs.status.success(), "{}", text(&jobs.stderr));
    assert!(text(&jobs.stdout).contains("pending"));
}
