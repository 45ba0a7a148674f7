//! The public list: what is shown, filters, search and pages.

use lapor_domain::agency::AgencyKind;
use lapor_domain::category::Category;
use lapor_domain::privacy::Privacy;
use lapor_domain::report::NewReport;
use lapor_domain::status::{Action, Status};
use lapor_domain::tracking::ReportNumber;
use lapor_store::{Db, PublicFilter};

use crate::fixtures::RecordTransition;
use crate::fixtures::{agency, code, publish, report, seed_reference, step, submit, t};
use crate::harness::Ctx;

/// Numbers of one page and the total.
async fn page(db: &Db, filter: PublicFilter) -> (Vec<ReportNumber>, i64) {
    let filter = PublicFilter {
        per_page: if filter.per_page == 0 {
            100
        } else {
            filter.per_page
        },
        ..filter
    };
    let page = db
        .list_public_reports(&filter)
        .await
        .expect("list public reports");
    (
        page.items.iter().map(|r| r.report.number).collect(),
        page.total,
    )
}

fn all(numbers: &[ReportNumber]) -> (Vec<ReportNumber>, i64) {
    (
        numbers.to_vec(),
        i64::try_from(numbers.len()).expect("small"),
    )
}

pub async fn public_list(ctx: &Ctx) {
    let db = &ctx.db;
    seed_reference(db).await;
    // Look-alike categories: a code that extends another without a dot, and one that matches
    // `pekerjaan_umum` only if `_` were a wildcard.
    db.insert_categories(&[
        Category {
            code: "kesehatanx",
            name_id: "Kesehatan X",
            name_en: "Health X",
        },
        Category {
            code: "pekerjaanxumum",
            name_id: "Pekerjaan X",
            name_en: "Works X",
        },
        Category {
            code: "pekerjaanxumum.sub",
            name_id: "Sub",
            name_en: "Sub",
        },
    ])
    .await
    .expect("insert look-alike categories");
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
        "pemkot-palangkaraya",
        "Pemerintah Kota Palangka Raya",
        AgencyKind::PemerintahKota,
        None,
        &["62.71"],
    )
    .await;
    agency(
        db,
        "dinkes-palangkaraya",
        "Dinas Kesehatan Kota Palangka Raya",
        AgencyKind::Dinas,
        Some("pemkot-palangkaraya"),
        &["62.71"],
    )
    .await;
    agency(
        db,
        "pemkab-kobar",
        "Pemerintah Kabupaten Kotawaringin Barat",
        AgencyKind::PemerintahKabupaten,
        None,
        &["62.01"],
    )
    .await;

    let with_address = |r: NewReport, address: &str| NewReport {
        location: lapor_domain::report::Location {
            address: Some(address.into()),
            ..r.location
        },
        ..r
    };
    // Published and public.
    let a = submit(
        db,
        &with_address(
            report(
                "Jalan rusak di Pahandut",
                "Lubang besar membahayakan pengendara motor setiap malam.",
                "62.71.01.1001",
                Some("pekerjaan_umum.jalan_jembatan"),
            ),
            "Jl. Tjilik Riwut Km. 5",
        ),
        t(1),
    )
    .await;
    let b = submit(
        db,
        &report(
            "Antrean BPJS sangat panjang",
            "Pasien menunggu berjam-jam di loket pendaftaran rumah sakit.",
            "62.71.01",
            Some("kesehatan.bpjs"),
        ),
        t(2),
    )
    .await;
    let c = submit(
        db,
        &report(
            "Puskesmas tutup lebih awal",
            "Puskesmas di kabupaten sering tutup sebelum waktunya.",
            "62.72",
            Some("kesehatan"),
        ),
        t(3),
    )
    .await;
    let d = submit(
        db,
        &report(
            "Sampah menumpuk di pasar",
            "Sampah tidak diangkut selama seminggu dan mulai berbau.",
            "62.01",
            Some("kesehatanx"),
        ),
        t(4),
    )
    .await;
    let e = submit(
        db,
        &report(
            "Saluran air tersumbat",
            "Drainase tersumbat sehingga air meluap ke rumah warga.",
            "31.71",
            Some("pekerjaanxumum.sub"),
        ),
        t(5),
    )
    .await;
    // Hidden: confidential, unverified, pending, archived.
    let confidential = NewReport {
        privacy: Privacy {
            anonymous: false,
            confidential: true,
        },
        ..report(
            "Jalan rusak rahasia",
            "Jalan rusak parah di depan kantor kelurahan, tolong dirahasiakan.",
            "62.71.01.1001",
            Some("pekerjaan_umum"),
        )
    };
    let f = submit(db, &confidential, t(6)).await;
    let g = submit(
        db,
        &report(
            "Jalan rusak belum diverifikasi",
            "Jalan rusak parah dan belum ada tanggapan dari siapa pun.",
            "62.71",
            None,
        ),
        t(7),
    )
    .await;
    let h = submit(
        db,
        &report(
            "Jalan rusak ditunda",
            "Jalan rusak, laporan ini ditunda karena kurang lengkap.",
            "62.71",
            None,
        ),
        t(8),
    )
    .await;
    let i = submit(
        db,
        &report(
            "Jalan rusak diarsipkan",
            "Jalan rusak, laporan ini diarsipkan sebagai duplikat.",
            "62.71",
            None,
        ),
        t(9),
    )
    .await;
    // Public, filed at the same instant as `e`: the later number comes first.
    let j = submit(
        db,
        &report(
            "Lampu jalan mati",
            "Penerangan jalan umum padam sejak minggu lalu di kelurahan.",
            "62.71.01",
            None,
        ),
        t(5),
    )
    .await;

    for (n, to) in [
        (a, "pemkot-palangkaraya"),
        (b, "pemkot-palangkaraya"),
        (c, "kemenkes"),
        (d, "pemkab-kobar"),
        (e, "kemenkes"),
        (f, "pemkot-palangkaraya"),
        (j, "pemkot-palangkaraya"),
    ] {
        publish(db, n, to, t(20)).await;
    }
    db.record_transition(&step(
        b,
        Action::Dispose,
        Status::Routed,
        Status::Disposed,
        Some("dinkes-palangkaraya"),
        t(21),
    ))
    .await
    .expect("dispose");
    db.record_transition(&step(
        h,
        Action::Pend,
        Status::Unverified,
        Status::Pending,
        None,
        t(21),
    ))
    .await
    .expect("pend");
    db.record_transition(&step(
        i,
        Action::Archive,
        Status::Unverified,
        Status::Archived,
        None,
        t(21),
    ))
    .await
    .expect("archive");
    for (hidden, status) in [
        (f, Status::Routed),
        (g, Status::Unverified),
        (h, Status::Pending),
        (i, Status::Archived),
    ] {
        let stored = db
            .find_report(hidden)
            .await
            .expect("find")
            .expect("stored")
            .report;
        assert_eq!(
            stored.status, status,
            "hidden report {hidden} is stored as {status:?}"
        );
    }
    assert_eq!(db.count_reports().await.expect("count"), 10);

    // Everything public, newest first (ties by number, newest first).
    let everything = [j, e, d, c, b, a];
    assert_eq!(page(db, PublicFilter::default()).await, all(&everything));
    let full = db
        .list_public_reports(&PublicFilter {
            per_page: 100,
            ..PublicFilter::default()
        })
        .await
        .expect("list");
    assert!(full.items.iter().all(|r| r.report.is_public()));
    assert!(
        full.items
            .windows(2)
            .all(|w| w[0].report.created_at >= w[1].report.created_at)
    );
    let b_record = full
        .items
        .iter()
        .find(|r| r.report.number == b)
        .expect("b is listed");
    assert_eq!(b_record.report.status, Status::Disposed);
    assert_eq!(
        b_record.report.agency.as_deref(),
        Some("dinkes-palangkaraya")
    );
    assert_eq!(
        b_record.agency_name.as_deref(),
        Some("Dinas Kesehatan Kota Palangka Raya")
    );
    assert_eq!(
        b_record,
        &db.find_report(b).await.expect("find").expect("stored"),
        "a list item is the full record"
    );

    // Status.
    let status = |s: Status| PublicFilter {
        status: Some(s),
        ..PublicFilter::default()
    };
    assert_eq!(
        page(db, status(Status::Routed)).await,
        all(&[j, e, d, c, a])
    );
    assert_eq!(page(db, status(Status::Disposed)).await, all(&[b]));
    for hidden in [
        Status::Unverified,
        Status::Pending,
        Status::Archived,
        Status::Closed,
    ] {
        assert_eq!(page(db, status(hidden)).await, all(&[]), "{hidden:?}");
    }

    // Category, with its subcategories; look-alikes and wildcards do not match.
    let category = |c: &str| PublicFilter {
        category: Some(c.into()),
        ..PublicFilter::default()
    };
    assert_eq!(page(db, category("kesehatan")).await, all(&[c, b]));
    assert_eq!(page(db, category("kesehatan.bpjs")).await, all(&[b]));
    assert_eq!(page(db, category("kesehatanx")).await, all(&[d]));
    assert_eq!(page(db, category("pekerjaan_umum")).await, all(&[a]));
    assert_eq!(page(db, category("pekerjaanxumum")).await, all(&[e]));
    for wild in [
        "%",
        "_",
        "kesehatan%",
        "pekerjaan%",
        "k%",
        "kesehatan_bpjs",
        "%.bpjs",
    ] {
        assert_eq!(
            page(db, category(wild)).await,
            all(&[]),
            "{wild:?} is not a pattern"
        );
    }

    // Region, with everything below it.
    let region = |r: &str| PublicFilter {
        region: Some(code(r)),
        ..PublicFilter::default()
    };
    assert_eq!(
        page(db, region("62.71")).await,
        all(&[j, b, a]),
        "62.72 is not inside 62.71"
    );
    assert_eq!(page(db, region("62")).await, all(&[j, d, c, b, a]));
    assert_eq!(page(db, region("62.71.01")).await, all(&[j, b, a]));
    assert_eq!(page(db, region("62.71.01.1001")).await, all(&[a]));
    assert_eq!(page(db, region("62.72")).await, all(&[c]));
    assert_eq!(page(db, region("31")).await, all(&[e]));
    assert_eq!(page(db, region("62.01")).await, all(&[d]));
    assert_eq!(page(db, region("11")).await, all(&[]));

    // Agency, with its units.
    let by_agency = |a: &str| PublicFilter {
        agency: Some(a.into()),
        ..PublicFilter::default()
    };
    assert_eq!(
        page(db, by_agency("pemkot-palangkaraya")).await,
        all(&[j, b, a])
    );
    assert_eq!(page(db, by_agency("dinkes-palangkaraya")).await, all(&[b]));
    assert_eq!(page(db, by_agency("kemenkes")).await, all(&[e, c]));
    assert_eq!(page(db, by_agency("pemkab-kobar")).await, all(&[d]));
    assert_eq!(page(db, by_agency("tidak-ada")).await, all(&[]));

    // Words: any case, in title, body or address; every word must match.
    let q = |q: &str| PublicFilter {
        q: Some(q.into()),
        ..PublicFilter::default()
    };
    assert_eq!(
        page(db, q("JALAN Rusak")).await,
        all(&[a]),
        "confidential and unpublished reports are never found"
    );
    assert_eq!(page(db, q("jalan")).await, all(&[j, a]));
    assert_eq!(page(db, q("tjilik")).await, all(&[a]), "address");
    assert_eq!(page(db, q("loket pendaftaran")).await, all(&[b]), "body");
    assert_eq!(page(db, q("berjam")).await, all(&[b]));
    assert_eq!(page(db, q("  PUSKESMAS,   kabupaten! ")).await, all(&[c]));
    assert_eq!(
        page(db, q("jalan bpjs")).await,
        all(&[]),
        "no report has both words"
    );
    assert_eq!(page(db, q("gempa")).await, all(&[]));
    // `%` and `_` are not wildcards: as LIKE patterns "rusak%jalan" and "rusak_jalan" would need
    // "jalan" after "rusak"; as text they separate two words that report a has.
    assert_eq!(page(db, q("rusak%jalan")).await, all(&[a]));
    assert_eq!(page(db, q("rusak_jalan")).await, all(&[a]));
    assert_eq!(
        page(db, q("lubang%motor")).await,
        page(db, q("lubang motor")).await
    );

    // Filters combine.
    let both = PublicFilter {
        category: Some("kesehatan".into()),
        region: Some(code("62.71")),
        ..PublicFilter::default()
    };
    assert_eq!(page(db, both).await, all(&[b]));
    let both = PublicFilter {
        status: Some(Status::Routed),
        agency: Some("pemkot-palangkaraya".into()),
        ..PublicFilter::default()
    };
    assert_eq!(page(db, both).await, all(&[j, a]));
    let both = PublicFilter {
        q: Some("jalan".into()),
        region: Some(code("62.71.01.1001")),
        ..PublicFilter::default()
    };
    assert_eq!(page(db, both).await, all(&[a]));

    // Pages: the right slice of the same order, the total of all pages.
    let paged = |page: u32, per_page: u32| PublicFilter {
        page,
        per_page,
        ..PublicFilter::default()
    };
    assert_eq!(page(db, paged(1, 4)).await, (vec![j, e, d, c], 6));
    assert_eq!(page(db, paged(2, 4)).await, (vec![b, a], 6));
    assert_eq!(page(db, paged(3, 4)).await, (vec![], 6));
    let mut one_by_one = Vec::new();
    for p in 1..=6 {
        let (items, total) = page(db, paged(p, 1)).await;
        assert_eq!((items.len(), total), (1, 6));
        one_by_one.extend(items);
    }
    assert_eq!(one_by_one, everything);
    let listed = db.list_public_reports(&paged(2, 2)).await.expect("list");
    assert_eq!((listed.page, listed.per_page, listed.total), (2, 2, 6));
    let filtered = db
        .list_public_reports(&PublicFilter {
            q: Some("jalan".into()),
            ..paged(2, 1)
        })
        .await
        .expect("list");
    assert_eq!((filtered.items.len(), filtered.total), (1, 2));
    assert_eq!(filtered.items[0].report.number, a);
    // Out-of-range paging parameters are bounded instead of failing.
    let zero = db.list_public_reports(&paged(0, 3)).await.expect("page 0");
    assert_eq!(
        zero.items
            .iter()
            .map(|r| r.report.number)
            .collect::<Vec<_>>(),
        [j, e, d],
        "page 0 is the first page"
    );
    let tiny = db
        .list_public_reports(&paged(1, 0))
        .await
        .expect("per_page 0");
    assert!(
        tiny.per_page >= 1 && !tiny.items.is_empty() && tiny.items.len() <= tiny.per_page as usize
    );
    let huge = db
        .list_public_reports(&paged(1, u32::MAX))
        .await
        .expect("huge per_page");
    assert_eq!(huge.items.len(), 6);
    let far = db
        .list_public_reports(&paged(u32::MAX, 100))
        .await
        .expect("far page");
    assert!(far.items.is_empty());
    assert_eq!(far.total, 6);
}

/// A unit's own units (a kelurahan under a kecamatan under the city) are the city's too.
pub async fn agency_filter_covers_nested_units(ctx: &Ctx) {
    let db = &ctx.db;
    seed_reference(db).await;
    agency(
        db,
        "pemkot",
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
        Some("pemkot"),
        &["62.71.01"],
    )
    .await;
    agency(
        db,
        "kel-pahandut",
        "Kelurahan Pahandut",
        AgencyKind::Kelurahan,
        Some("kec-pahandut"),
        &["62.71.01.1001"],
    )
    .await;
    let by_city = submit(
        db,
        &report(
            "Ditangani kota",
            "Laporan yang ditangani langsung oleh pemerintah kota.",
            "62.71",
            None,
        ),
        t(1),
    )
    .await;
    let by_district = submit(
        db,
        &report(
            "Ditangani kecamatan",
            "Laporan yang ditangani oleh kantor kecamatan.",
            "62.71.01",
            None,
        ),
        t(2),
    )
    .await;
    let by_village = submit(
        db,
        &report(
            "Ditangani kelurahan",
            "Laporan yang ditangani oleh kantor kelurahan.",
            "62.71.01.1001",
            None,
        ),
        t(3),
    )
    .await;
    publish(db, by_city, "pemkot", t(10)).await;
    publish(db, by_district, "kec-pahandut", t(10)).await;
    publish(db, by_village, "kel-pahandut", t(10)).await;
    let by_agency = |a: &str| PublicFilter {
        agency: Some(a.into()),
        ..PublicFilter::default()
    };
    assert_eq!(
        page(db, by_agency("kec-pahandut")).await,
        all(&[by_village, by_district])
    );
    assert_eq!(
        page(db, by_agency("pemkot")).await,
        all(&[by_village, by_district, by_city])
    );
    // Disposisi keeps the city responsible; the unit's filter finds the report too.
    db.apply(&lapor_store::Change {
        number: Some(by_city),
        status: Some((Status::Routed, Status::Disposed)),
        units: Some(vec!["kec-pahandut".into()]),
        ..lapor_store::Change::default()
    })
    .await
    .expect("dispose");
    assert_eq!(
        page(db, by_agency("kec-pahandut")).await,
        all(&[by_village, by_district, by_city])
    );
    assert_eq!(
        page(db, by_agency("kel-pahandut")).await,
        all(&[by_village])
    );
}
