//! Agencies, accounts and sessions.

use chrono::TimeDelta;
use lapor_domain::agency::AgencyKind;
use lapor_domain::user::{Email, Phone, Role};
use lapor_store::{AgencyRecord, StoreError};

use crate::fixtures::{agency, new_agency, new_user, seed_reference, t};
use crate::harness::Ctx;

pub async fn agencies(ctx: &Ctx) {
    let db = &ctx.db;
    seed_reference(db).await;
    assert_eq!(db.count_agencies().await.expect("count"), 0);
    assert!(db.list_agencies().await.expect("list").is_empty());

    let now = t(7);
    let kemenkes = db
        .insert_agency(
            &new_agency(
                "kemenkes",
                "Kementerian Kesehatan",
                AgencyKind::Kementerian,
                None,
                &[],
            ),
            now,
        )
        .await
        .expect("insert a ministry");
    assert_eq!(
        kemenkes,
        AgencyRecord {
            id: kemenkes.id,
            code: "kemenkes".into(),
            name: "Kementerian Kesehatan".into(),
            kind: AgencyKind::Kementerian,
            parent_id: None,
            parent_code: None,
            regions: vec![],
            requires_approval: false,
            created_at: now,
        }
    );

    // Regions come back sorted and without duplicates.
    let pemkot = agency(
        db,
        "pemkot-palangkaraya",
        "Pemerintah Kota Palangka Raya",
        AgencyKind::PemerintahKota,
        None,
        &["62.71.01", "62.71", "62.71.01"],
    )
    .await;
    assert_eq!(pemkot.regions, ["62.71", "62.71.01"]);
    assert_eq!(pemkot.kind, AgencyKind::PemerintahKota);

    // The parent is resolved by its code.
    let dinkes = agency(
        db,
        "dinkes-palangkaraya",
        "Dinas Kesehatan Kota Palangka Raya",
        AgencyKind::Dinas,
        Some("pemkot-palangkaraya"),
        &["62.71"],
    )
    .await;
    assert_eq!(dinkes.parent_id, Some(pemkot.id));
    assert_eq!(dinkes.parent_code.as_deref(), Some("pemkot-palangkaraya"));
    assert_ne!(dinkes.id, pemkot.id);

    // Refusals leave nothing behind.
    let unknown_parent = new_agency(
        "puskesmas-x",
        "Puskesmas X",
        AgencyKind::UnitKerja,
        Some("dinkes-tidak-ada"),
        &["62.71"],
    );
    assert!(matches!(
        db.insert_agency(&unknown_parent, now).await,
        Err(StoreError::UnknownReference("parent"))
    ));
    let duplicate = new_agency(
        "kemenkes",
        "Kemenkes Tiruan",
        AgencyKind::Lembaga,
        None,
        &[],
    );
    assert!(matches!(
        db.insert_agency(&duplicate, now).await,
        Err(StoreError::Conflict("code"))
    ));
    let unknown_region = new_agency(
        "pemprov-kalteng",
        "Pemerintah Provinsi Kalimantan Tengah",
        AgencyKind::PemerintahProvinsi,
        None,
        &["62", "63"],
    );
    assert!(matches!(
        db.insert_agency(&unknown_region, now).await,
        Err(StoreError::UnknownReference("regions"))
    ));
    assert_eq!(db.count_agencies().await.expect("count"), 3);
    assert_eq!(
        db.find_agency("pemprov-kalteng").await.expect("find"),
        None,
        "the agency of a refused region list is not stored"
    );
    assert_eq!(db.find_agency("puskesmas-x").await.expect("find"), None);
    assert_eq!(
        db.find_agency("kemenkes")
            .await
            .expect("find")
            .expect("kept")
            .name,
        "Kementerian Kesehatan"
    );

    // Lookups.
    assert_eq!(
        db.find_agency("dinkes-palangkaraya").await.expect("find"),
        Some(dinkes.clone())
    );
    assert_eq!(
        db.find_agency_by_id(pemkot.id).await.expect("find"),
        Some(pemkot.clone())
    );
    assert_eq!(db.find_agency("tidak-ada").await.expect("find"), None);
    assert_eq!(
        db.find_agency_by_id(pemkot.id + dinkes.id + kemenkes.id + 1000)
            .await
            .expect("find"),
        None
    );

    // Every agency by name, case-insensitively on every backend and collation ("Badan" before
    // "BPJS").
    let badan = agency(
        db,
        "bapanas",
        "Badan Pangan Nasional",
        AgencyKind::Lembaga,
        None,
        &[],
    )
    .await;
    let bpjs = agency(
        db,
        "bpjs-kesehatan",
        "BPJS Kesehatan",
        AgencyKind::Lembaga,
        None,
        &["62.71", "62"],
    )
    .await;
    assert_eq!(bpjs.regions, ["62", "62.71"]);
    let listed = db.list_agencies().await.expect("list");
    assert_eq!(listed, [badan, bpjs, dinkes, kemenkes, pemkot]);
    assert_eq!(db.count_agencies().await.expect("count"), 5);
}

pub async fn users(ctx: &Ctx) {
    let db = &ctx.db;
    seed_reference(db).await;
    assert_eq!(db.count_users().await.expect("count"), 0);

    let budi = new_user(
        "Budi Santoso",
        Some("Budi@Example.co.id"),
        Some("0812-3456-7890"),
        Role::Citizen,
    );
    let budi_id = db.insert_user(&budi, t(1)).await.expect("insert");
    let found = db.find_user(budi_id).await.expect("find").expect("stored");
    assert_eq!(found.id, budi_id);
    assert_eq!(found.name, "Budi Santoso");
    assert_eq!(found.email.as_deref(), Some("budi@example.co.id"));
    assert_eq!(found.phone.as_deref(), Some("+6281234567890"));
    assert_eq!(found.password_hash, budi.password_hash);
    assert_eq!(found.role, Role::Citizen);
    assert_eq!(found.agency_id, None);
    assert_eq!(found.created_at, t(1));

    let email = Email::parse("budi@example.co.id").expect("valid");
    let phone = Phone::parse("+62 812 3456 7890").expect("valid");
    assert_eq!(
        db.find_user_by_email(&email)
            .await
            .expect("find")
            .map(|u| u.id),
        Some(budi_id)
    );
    assert_eq!(
        db.find_user_by_phone(&phone)
            .await
            .expect("find")
            .map(|u| u.id),
        Some(budi_id)
    );
    let stranger = Email::parse("siti@example.co.id").expect("valid");
    assert!(
        db.find_user_by_email(&stranger)
            .await
            .expect("find")
            .is_none()
    );
    assert!(
        db.find_user_by_phone(&Phone::parse("0813 0000 0000").expect("valid"))
            .await
            .expect("find")
            .is_none()
    );
    assert!(db.find_user(budi_id + 1000).await.expect("find").is_none());

    // Taken email or phone: refused, named, and nothing stored.
    let same_email = new_user(
        "Budi Lain",
        Some("budi@example.co.id"),
        Some("081300000000"),
        Role::Citizen,
    );
    assert!(matches!(
        db.insert_user(&same_email, t(2)).await,
        Err(StoreError::Conflict("email"))
    ));
    let same_phone = new_user(
        "Budi Lain",
        Some("lain@example.co.id"),
        Some("6281234567890"),
        Role::Citizen,
    );
    assert!(matches!(
        db.insert_user(&same_phone, t(2)).await,
        Err(StoreError::Conflict("phone"))
    ));
    assert_eq!(db.count_users().await.expect("count"), 1);

    // Several accounts may lack an email or a phone (NULLs are not duplicates).
    let phone_only = db
        .insert_user(
            &new_user("Siti", None, Some("081311112222"), Role::Citizen),
            t(3),
        )
        .await
        .expect("phone only");
    let phone_only2 = db
        .insert_user(
            &new_user("Sari", None, Some("081311113333"), Role::Citizen),
            t(3),
        )
        .await
        .expect("phone only");
    let email_only = db
        .insert_user(
            &new_user("Andi", Some("andi@example.co.id"), None, Role::Citizen),
            t(3),
        )
        .await
        .expect("email only");
    let email_only2 = db
        .insert_user(
            &new_user("Dewi", Some("dewi@example.co.id"), None, Role::Citizen),
            t(3),
        )
        .await
        .expect("email only");
    assert_eq!(
        db.find_user(phone_only)
            .await
            .expect("find")
            .expect("stored")
            .email,
        None
    );
    assert_eq!(
        db.find_user(email_only)
            .await
            .expect("find")
            .expect("stored")
            .phone,
        None
    );
    let ids = [budi_id, phone_only, phone_only2, email_only, email_only2];
    assert_eq!(
        ids.iter().collect::<std::collections::HashSet<_>>().len(),
        ids.len()
    );

    // An officer belongs to an agency.
    let dinkes = agency(
        db,
        "dinkes",
        "Dinas Kesehatan",
        AgencyKind::Lembaga,
        None,
        &[],
    )
    .await;
    let officer = lapor_store::NewUserRecord {
        agency_id: Some(dinkes.id),
        ..new_user(
            "Petugas Dinkes",
            Some("petugas@dinkes.go.id"),
            None,
            Role::AdminInstansi,
        )
    };
    let officer_id = db.insert_user(&officer, t(4)).await.expect("officer");
    let stored = db
        .find_user(officer_id)
        .await
        .expect("find")
        .expect("stored");
    assert_eq!(
        (stored.role, stored.agency_id),
        (Role::AdminInstansi, Some(dinkes.id))
    );
    assert_eq!(db.count_users().await.expect("count"), 6);

    // Changing one password changes only that one.
    db.update_password_hash(budi_id, "$argon2id$v=19$new")
        .await
        .expect("update");
    assert_eq!(
        db.find_user(budi_id)
            .await
            .expect("find")
            .expect("stored")
            .password_hash,
        "$argon2id$v=19$new"
    );
    assert_eq!(
        db.find_user(officer_id)
            .await
            .expect("find")
            .expect("stored")
            .password_hash,
        officer.password_hash
    );
}

pub async fn sessions(ctx: &Ctx) {
    let db = &ctx.db;
    let budi = db
        .insert_user(
            &new_user("Budi", Some("budi@example.co.id"), None, Role::Citizen),
            t(0),
        )
        .await
        .expect("user");
    let siti = db
        .insert_user(
            &new_user("Siti", Some("siti@example.co.id"), None, Role::Pengawas),
            t(0),
        )
        .await
        .expect("user");
    let now = t(10);
    let expires = now + TimeDelta::hours(12);
    db.insert_session("digest-budi-1", budi, now, expires)
        .await
        .expect("session");
    db.insert_session("digest-budi-2", budi, now, expires)
        .await
        .expect("second session");
    db.insert_session("digest-siti", siti, now, now + TimeDelta::minutes(5))
        .await
        .expect("session");

    let user = db
        .find_session_user("digest-budi-1", now)
        .await
        .expect("find")
        .expect("live session");
    assert_eq!(
        (user.id, user.name.as_str(), user.role),
        (budi, "Budi", Role::Citizen)
    );
    assert_eq!(
        db.find_session_user("digest-siti", now)
            .await
            .expect("find")
            .map(|u| (u.id, u.role)),
        Some((siti, Role::Pengawas))
    );
    assert!(
        db.find_session_user("digest-unknown", now)
            .await
            .expect("find")
            .is_none()
    );

    // Expiry is exclusive and compared to the microsecond.
    let just_before = expires - TimeDelta::microseconds(1);
    assert!(
        db.find_session_user("digest-budi-1", just_before)
            .await
            .expect("find")
            .is_some()
    );
    assert!(
        db.find_session_user("digest-budi-1", expires)
            .await
            .expect("find")
            .is_none(),
        "expired at expires_at"
    );
    assert!(
        db.find_session_user("digest-budi-1", expires + TimeDelta::days(1))
            .await
            .expect("find")
            .is_none()
    );
    assert!(
        db.find_session_user("digest-siti", now + TimeDelta::minutes(6))
            .await
            .expect("find")
            .is_none()
    );

    // Logging out ends one session only; deleting twice is harmless.
    db.delete_session("digest-budi-1").await.expect("delete");
    assert!(
        db.find_session_user("digest-budi-1", now)
            .await
            .expect("find")
            .is_none()
    );
    assert!(
        db.find_session_user("digest-budi-2", now)
            .await
            .expect("find")
            .is_some()
    );
    db.delete_session("digest-budi-1")
        .await
        .expect("delete again");
    db.delete_session("digest-unknown")
        .await
        .expect("delete unknown");
}

/// Which agencies a reporter can address about a place: national bodies, plus those serving
/// the place or a region around it.
pub async fn agencies_serving(ctx: &Ctx) {
    let db = &ctx.db;
    seed_reference(db).await;
    agency(
        db,
        "kemenkes",
        "Kementerian Kesehatan",
        AgencyKind::Kementerian,
        None,
        &[],
    )
    .await;
    agency(
        db,
        "pemprov-kalteng",
        "Pemerintah Provinsi Kalimantan Tengah",
        AgencyKind::PemerintahProvinsi,
        None,
        &["62"],
    )
    .await;
    agency(
        db,
        "pemkot-palangkaraya",
        "Pemerintah Kota Palangka Raya",
        AgencyKind::PemerintahKota,
        None,
        &["62.71"],
    )
    .await;
    agency(
        db,
        "kec-pahandut",
        "Kecamatan Pahandut",
        AgencyKind::Kecamatan,
        Some("pemkot-palangkaraya"),
        &["62.71.01"],
    )
    .await;
    agency(
        db,
        "pemprov-dki",
        "Pemerintah Provinsi DKI Jakarta",
        AgencyKind::PemerintahProvinsi,
        None,
        &["31"],
    )
    .await;
    agency(
        db,
        "pemkot-jakpus",
        "Pemerintah Kota Jakarta Pusat",
        AgencyKind::PemerintahKota,
        None,
        &["31.71"],
    )
    .await;

    let codes = |list: Vec<AgencyRecord>| list.into_iter().map(|a| a.code).collect::<Vec<_>>();
    // In Kecamatan Pahandut: the ministry, the province, the city and the kecamatan, by name.
    assert_eq!(
        codes(
            db.list_agencies_serving(&["62", "62.71", "62.71.01"])
                .await
                .expect("serving")
        ),
        [
            "kec-pahandut",
            "kemenkes",
            "pemkot-palangkaraya",
            "pemprov-kalteng"
        ]
    );
    // Elsewhere in the city the kecamatan does not apply.
    assert_eq!(
        codes(
            db.list_agencies_serving(&["62", "62.71"])
                .await
                .expect("serving")
        ),
        ["kemenkes", "pemkot-palangkaraya", "pemprov-kalteng"]
    );
    // With no place: national bodies and whole provinces.
    assert_eq!(
        codes(db.list_agencies_serving(&[]).await.expect("serving")),
        ["kemenkes", "pemprov-dki", "pemprov-kalteng"]
    );
    // Regions come along with each agency.
    let jakarta = db
        .list_agencies_serving(&["31", "31.71"])
        .await
        .expect("serving");
    assert_eq!(
        jakarta
            .iter()
            .find(|a| a.code == "pemkot-jakpus")
            .expect("listed")
            .regions,
        ["31.71"]
    );
}

/// Display names for a set of agency codes, in one query; unknown codes are left out.
pub async fn agency_names(ctx: &Ctx) {
    let db = &ctx.db;
    seed_reference(db).await;
    assert!(db.agency_names(&[]).await.expect("names").is_empty());
    agency(
        db,
        "kemenkes",
        "Kementerian Kesehatan",
        AgencyKind::Kementerian,
        None,
        &[],
    )
    .await;
    agency(
        db,
        "kemensos",
        "Kementerian Sosial",
        AgencyKind::Kementerian,
        None,
        &[],
    )
    .await;
    assert_eq!(
        db.agency_names(&["kemensos", "tidak-ada", "kemenkes"])
            .await
            .expect("names"),
        [
            ("kemenkes".to_owned(), "Kementerian Kesehatan".to_owned()),
            ("kemensos".to_owned(), "Kementerian Sosial".to_owned()),
        ]
    );
}
