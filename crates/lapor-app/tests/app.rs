//! Use cases on a real SQLite database: accounts, sessions, agencies, demo data, and the
//! workflow door.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use lapor_app::{App, AppError, FixedClock, ImportError, ReporterKey, Submission};
use lapor_domain::report::{Channel, ReportInput};
use lapor_domain::user::Role;
use lapor_domain::validation::Problem;

struct Fixture {
    app: App,
    clock: Arc<FixedClock>,
    _dir: tempfile::TempDir,
}

/// Reference data is loaded by `App::open` itself, so this also proves a fresh start works.
async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(FixedClock::new(
        Utc.with_ymd_and_hms(2026, 11, 25, 3, 0, 0).unwrap(),
    ));
    let url = format!("sqlite:{}", dir.path().join("app.db").display());
    let app = App::open(&url, clock.clone(), &mut ()).await.unwrap();
    Fixture {
        app,
        clock,
        _dir: dir,
    }
}

fn invalid_fields(err: AppError) -> Vec<(&'static str, Problem)> {
    match err {
        AppError::Invalid(e) => e.0.into_iter().map(|f| (f.field, f.problem)).collect(),
        other => panic!("expected invalid input, got {other:?}"),
    }
}

const AGENCIES: &str = "code,name,kind,parent,regions
pemkot-palangkaraya,Pemerintah Kota Palangka Raya,pemerintah_kota,,62.71
pemkot-palangkaraya.dinkes,Dinas Kesehatan,dinas,pemkot-palangkaraya,62.71
pemkot-palangkaraya.kec-pahandut,Kecamatan Pahandut,kecamatan,pemkot-palangkaraya,62.71.01
pemkot-palangkaraya.kel-panarung,Kelurahan Panarung,kelurahan,pemkot-palangkaraya.kec-pahandut,62.71.01.1002
kemenkes,Kementerian Kesehatan,kementerian,,
";

#[tokio::test]
async fn agencies_import_from_csv_with_progress_and_can_be_rerun() {
    let f = fixture().await;
    let mut seen = Vec::new();
    let summary = f
        .app
        .import_agencies(AGENCIES.as_bytes(), |done, total| seen.push((done, total)))
        .await
        .unwrap();
    assert_eq!((summary.created, summary.skipped), (5, 0));
    assert_eq!(seen.last(), Some(&(5, 5)));
    let kel = f
        .app
        .agency("pemkot-palangkaraya.kel-panarung")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        kel.parent_code.as_deref(),
        Some("pemkot-palangkaraya.kec-pahandut")
    );
    assert_eq!(kel.regions, vec!["62.71.01.1002".to_owned()]);
    assert!(
        f.app
            .agency("kemenkes")
            .await
            .unwrap()
            .unwrap()
            .regions
            .is_empty()
    );
    let again = f
        .app
        .import_agencies(AGENCIES.as_bytes(), |_, _| {})
        .await
        .unwrap();
    assert_eq!((again.created, again.skipped), (0, 5));
}

#[tokio::test]
async fn a_bad_row_stops_the_import_before_anything_is_stored() {
    let f = fixture().await;
    let bad_region = "code,name,kind,parent,regions\nkemenkes,Kementerian Kesehatan,kementerian,,\npemkot-x,Pemerintah Kota X,pemerintah_kota,,99.99\n";
    match f
        .app
        .import_agencies(bad_region.as_bytes(), |_, _| {})
        .await
    {
        Err(ImportError::Invalid { line, errors }) => {
            assert_eq!(line, 3);
            assert_eq!(errors.for_field("regions"), Some(Problem::UnknownRegion));
        }
        other => panic!("{other:?}"),
    }
    let orphan = "code,name,kind,parent,regions\npemkot-x.dinkes,Dinas Kesehatan,dinas,pemkot-x,\n";
    assert!(matches!(
        f.app.import_agencies(orphan.as_bytes(), |_, _| {}).await,
        Err(ImportError::UnknownParent { line: 2, .. })
    ));
    // A rule between rows (a ministry cannot sit under a ministry) is found before storing.
    let wrong_parent = "code,name,kind,parent,regions\nkemenkes,Kementerian Kesehatan,kementerian,,\nkemen-x,Kementerian X,kementerian,kemenkes,\n";
    match f
        .app
        .import_agencies(wrong_parent.as_bytes(), |_, _| {})
        .await
    {
        Err(ImportError::Invalid { line, errors }) => {
            assert_eq!(line, 3);
            assert_eq!(errors.for_field("parent"), Some(Problem::InvalidValue));
        }
        other => panic!("{other:?}"),
    }
    assert!(
        f.app.agencies().await.unwrap().is_empty(),
        "nothing may be stored"
    );
}

#[tokio::test]
async fn officers_are_scoped_to_agencies_their_role_fits() {
    let f = fixture().await;
    f.app
        .import_agencies(AGENCIES.as_bytes(), |_, _| {})
        .await
        .unwrap();
    let add = |role, agency: Option<&'static str>, email: &'static str| {
        let app = f.app.clone();
        async move {
            app.add_user(
                "Petugas Satu",
                Some(email),
                None,
                "kata-sandi-rahasia",
                role,
                agency,
            )
            .await
        }
    };
    let err = add(Role::AdminInstansi, None, "a@example.com")
        .await
        .unwrap_err();
    assert_eq!(invalid_fields(err), vec![("agency", Problem::Required)]);
    let err = add(
        Role::AdminUnit,
        Some("pemkot-palangkaraya"),
        "b@example.com",
    )
    .await
    .unwrap_err();
    assert_eq!(
        invalid_fields(err),
        vec![("agency", Problem::InvalidValue)],
        "a unit admin sits in a unit"
    );
    let err = add(Role::AdminInstansi, Some("pemkot-entah"), "c@example.com")
        .await
        .unwrap_err();
    assert_eq!(
        invalid_fields(err),
        vec![("agency", Problem::UnknownAgency)]
    );
    let unit = add(
        Role::AdminUnit,
        Some("pemkot-palangkaraya.dinkes"),
        "d@example.com",
    )
    .await
    .unwrap();
    assert_eq!(unit.role, Role::AdminUnit);
    assert!(
        unit.password_hash.starts_with("$argon2id$"),
        "argon2id, never the password"
    );
    let err = add(Role::AdminNasional, None, "d@example.com")
        .await
        .unwrap_err();
    assert_eq!(invalid_fields(err), vec![("email", Problem::AlreadyTaken)]);
}

#[tokio::test]
async fn citizens_register_log_in_by_email_or_phone_and_sessions_end() {
    let f = fixture().await;
    let user = f
        .app
        .register(
            "Budi Santoso",
            Some("Budi@Example.com"),
            Some("0812 3456 7890"),
            "rahasia-sekali",
        )
        .await
        .unwrap();
    assert_eq!(user.role, Role::Citizen);
    let err = f
        .app
        .register("Budi Lain", None, Some("+6281234567890"), "rahasia-sekali")
        .await
        .unwrap_err();
    assert_eq!(invalid_fields(err), vec![("phone", Problem::AlreadyTaken)]);

    let by_email = f
        .app
        .login("budi@example.com", "rahasia-sekali")
        .await
        .unwrap();
    let by_phone = f.app.login("081234567890", "rahasia-sekali").await.unwrap();
    assert_ne!(
        by_email.token, by_phone.token,
        "every login is a new session"
    );
    assert_eq!(
        f.app
            .session_user(&by_email.token)
            .await
            .unwrap()
            .unwrap()
            .id,
        user.id
    );
    assert!(matches!(
        f.app.login("budi@example.com", "salah-sandi").await,
        Err(AppError::LoginFailed)
    ));
    assert!(matches!(
        f.app.login("orang@lain.id", "rahasia-sekali").await,
        Err(AppError::LoginFailed)
    ));

    f.app.logout(&by_email.token).await.unwrap();
    assert!(f.app.session_user(&by_email.token).await.unwrap().is_none());
    f.clock.set(
        lapor_app::Clock::now(f.clock.as_ref())
            + Duration::days(lapor_app::SESSION_DAYS)
            + Duration::minutes(1),
    );
    assert!(
        f.app.session_user(&by_phone.token).await.unwrap().is_none(),
        "sessions expire"
    );
    assert!(f.app.session_user("not-a-token").await.unwrap().is_none());
}

#[tokio::test]
async fn reports_filed_from_an_account_are_listed_as_its_own_and_nobody_elses() {
    let f = fixture().await;
    let siti = f
        .app
        .register("Siti", Some("siti@example.com"), None, "rahasia-sekali")
        .await
        .unwrap();
    let budi = f
        .app
        .register("Budi", Some("budi@example.com"), None, "rahasia-sekali")
        .await
        .unwrap();
    let receipt = f
        .app
        .submit(Submission {
            input: ReportInput {
                classification: Some("aspirasi"),
                title: Some("Taman kota perlu tempat sampah"),
                body: Some(
                    "Mohon ditambah tempat sampah terpilah di taman kota agar tetap bersih.",
                ),
                region_code: Some("62.71.03"),
                ..ReportInput::default()
            },
            channel: Channel::Web,
            account: Some(&siti),
            idempotency: None,
            language: lapor_app::notify::Language::Id,
            attachments: Vec::new(),
            client: None,
            inbound: None,
        })
        .await
        .unwrap();
    let mine = f.app.my_reports(&siti).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].report.number.to_string(), receipt.number);
    assert!(f.app.my_reports(&budi).await.unwrap().is_empty());
    let number = mine[0].report.number;
    assert_eq!(
        f.app
            .reporter_case(ReporterKey::Account {
                user: &siti,
                number
            })
            .await
            .unwrap()
            .report
            .reporter
            .unwrap()
            .name
            .as_deref(),
        Some("Siti")
    );
    assert!(matches!(
        f.app
            .reporter_case(ReporterKey::Account {
                user: &budi,
                number
            })
            .await,
        Err(AppError::NotFound)
    ));
}

#[tokio::test]
async fn the_demo_loads_once_and_renews_only_the_passwords() {
    let f = fixture().await;
    let first = f.app.load_demo().await.unwrap();
    let roles: Vec<Role> = first.iter().map(|a| a.role).collect();
    for role in [
        Role::AdminNasional,
        Role::AdminInstansi,
        Role::AdminUnit,
        Role::Pengawas,
        Role::Superadmin,
    ] {
        assert!(roles.contains(&role), "{role:?}");
    }
    // Kota Palangka Raya: 5 kecamatan and 30 kelurahan as agencies.
    let agencies = f.app.agencies().await.unwrap();
    assert_eq!(
        agencies
            .iter()
            .filter(|a| a.kind.code() == "kecamatan")
            .count(),
        5
    );
    assert_eq!(
        agencies
            .iter()
            .filter(|a| a.kind.code() == "kelurahan")
            .count(),
        30
    );
    let login = &first[1];
    f.app.login(&login.login, &login.password).await.unwrap();

    let second = f.app.load_demo().await.unwrap();
    assert_eq!(
        f.app.agencies().await.unwrap().len(),
        agencies.len(),
        "no duplicates on a second start"
    );
    assert_ne!(second[1].password, login.password);
    assert!(matches!(
        f.app.login(&login.login, &login.password).await,
        Err(AppError::LoginFailed)
    ));
    f.app
        .login(&second[1].login, &second[1].password)
        .await
        .unwrap();
}
