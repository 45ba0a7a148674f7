//! Connecting, migrating, closing, and the reference tables (categories, regions).

use lapor_domain::category::{self, Category};
use lapor_domain::region::regions;
use lapor_store::{Db, RegionRow, StoreError};

use crate::fixtures::region_row;
use crate::harness::Ctx;

pub async fn connect_and_migrate(ctx: &Ctx) {
    let db = &ctx.db;
    assert_eq!(db.backend(), ctx.backend());
    db.ping().await.expect("ping a fresh database");

    let embedded = Db::migrations(ctx.backend());
    assert!(!embedded.is_empty());
    let mut raw = ctx.raw().await;
    assert_eq!(
        raw.applied_migrations().await,
        embedded,
        "every embedded migration is recorded once"
    );

    // Data written before a second migrate survives it, and nothing is re-applied.
    db.insert_categories(category::DEFAULT)
        .await
        .expect("insert categories");
    db.migrate().await.expect("migrate twice is a no-op");
    let other = ctx.connect_again().await;
    assert_eq!(other.backend(), ctx.backend());
    other
        .migrate()
        .await
        .expect("migrate from a second handle is a no-op");
    assert_eq!(raw.applied_migrations().await, embedded);
    assert_eq!(
        db.count_categories().await.expect("count"),
        count(category::DEFAULT)
    );
    assert_eq!(
        other
            .count_categories()
            .await
            .expect("count through the second handle"),
        count(category::DEFAULT)
    );
    other.close().await;
    raw.close().await;
}

pub async fn close_ends_the_handle(ctx: &Ctx) {
    let other = ctx.connect_again().await;
    other.ping().await.expect("ping before close");
    other.close().await;
    assert!(
        other.ping().await.is_err(),
        "a closed handle must not answer"
    );
    assert!(
        other.count_reports().await.is_err(),
        "a closed handle must not read"
    );
    assert!(
        other.insert_categories(category::DEFAULT).await.is_err(),
        "a closed handle must not write"
    );
    // Other handles on the same database are unaffected.
    ctx.db.ping().await.expect("the first handle still answers");
    assert_eq!(ctx.db.count_categories().await.expect("count"), 0);
}

pub async fn categories(ctx: &Ctx) {
    let db = &ctx.db;
    assert_eq!(db.count_categories().await.expect("count"), 0);
    assert!(db.list_categories().await.expect("list").is_empty());

    db.insert_categories(category::DEFAULT)
        .await
        .expect("insert");
    let expected: Vec<(String, Option<String>, String, String)> = category::DEFAULT
        .iter()
        .map(|c| {
            (
                c.code.to_owned(),
                c.parent_code().map(str::to_owned),
                c.name_id.to_owned(),
                c.name_en.to_owned(),
            )
        })
        .collect();
    assert_eq!(
        db.count_categories().await.expect("count"),
        count(category::DEFAULT)
    );
    assert_eq!(
        db.list_categories().await.expect("list"),
        expected,
        "stored in the given display order"
    );

    // Inserting again adds and changes nothing.
    db.insert_categories(category::DEFAULT)
        .await
        .expect("insert again");
    assert_eq!(
        db.count_categories().await.expect("count"),
        count(category::DEFAULT)
    );
    assert_eq!(db.list_categories().await.expect("list"), expected);

    // A child whose parent is missing is refused, and the whole batch with it.
    let orphan = [
        Category {
            code: "astronomi",
            name_id: "Astronomi",
            name_en: "Astronomy",
        },
        Category {
            code: "astrologi.zodiak",
            name_id: "Zodiak",
            name_en: "Zodiac",
        },
    ];
    assert!(
        db.insert_categories(&orphan).await.is_err(),
        "a child of an unknown category must fail"
    );
    assert_eq!(
        db.count_categories().await.expect("count"),
        count(category::DEFAULT),
        "nothing of the failed batch stays"
    );

    // New categories (parents first) are appended.
    let extra = [
        Category {
            code: "astronomi",
            name_id: "Astronomi",
            name_en: "Astronomy",
        },
        Category {
            code: "astronomi.gerhana",
            name_id: "Gerhana",
            name_en: "Eclipses",
        },
    ];
    db.insert_categories(&extra)
        .await
        .expect("insert a new subtree");
    let listed = db.list_categories().await.expect("list");
    assert_eq!(listed.len(), category::DEFAULT.len() + 2);
    let gerhana = listed
        .iter()
        .find(|c| c.0 == "astronomi.gerhana")
        .expect("stored");
    assert_eq!(gerhana.1.as_deref(), Some("astronomi"));
    assert_eq!(
        (gerhana.2.as_str(), gerhana.3.as_str()),
        ("Gerhana", "Eclipses")
    );
}

pub async fn regions_with_progress(ctx: &Ctx) {
    let db = &ctx.db;
    assert_eq!(db.count_regions().await.expect("count"), 0);

    let mut calls = Vec::new();
    db.insert_regions(&[], |done| calls.push(done))
        .await
        .expect("insert nothing");
    assert!(calls.is_empty(), "no rows, no progress: {calls:?}");

    let few: Vec<RegionRow> = ["62", "62.71", "62.71.01"]
        .iter()
        .map(|c| region_row(c))
        .collect();
    db.insert_regions(&few, |done| calls.push(done))
        .await
        .expect("insert");
    assert_eq!(calls, [3]);
    assert_eq!(db.count_regions().await.expect("count"), 3);

    // Existing codes are left alone: no error, no duplicate, the stored name is kept.
    let renamed = RegionRow {
        name: "Nama lain".into(),
        ..region_row("62")
    };
    calls.clear();
    db.insert_regions(&[renamed, region_row("62.71.01.1001")], |done| {
        calls.push(done)
    })
    .await
    .expect("insert again");
    assert_eq!(calls, [2]);
    assert_eq!(db.count_regions().await.expect("count"), 4);
    let mut raw = ctx.raw().await;
    let kept = region_row("62");
    assert_eq!(
        raw.region("62").await,
        Some((kept.code, kept.parent_code, kept.level, kept.name))
    );
    let village = region_row("62.71.01.1001");
    assert_eq!(
        raw.region("62.71.01.1001").await,
        Some((
            village.code,
            village.parent_code,
            village.level,
            village.name
        ))
    );
    raw.close().await;

    // A batch larger than one statement reports progress per chunk, up to the total.
    let many: Vec<RegionRow> = (1..=1201)
        .map(|i| RegionRow {
            code: format!("99.{:02}.{:02}.{:04}", i / 1000 + 1, (i / 100) % 10 + 1, i),
            parent_code: None,
            level: 4,
            name: format!("Desa uji {i}"),
        })
        .collect();
    calls.clear();
    db.insert_regions(&many, |done| calls.push(done))
        .await
        .expect("insert many");
    assert!(
        calls.len() > 1,
        "1201 rows come in several batches: {calls:?}"
    );
    assert!(
        calls.windows(2).all(|w| w[0] < w[1]),
        "progress only grows: {calls:?}"
    );
    assert_eq!(calls.last(), Some(&1201));
    assert_eq!(db.count_regions().await.expect("count"), 4 + 1201);

    calls.clear();
    db.insert_regions(&many, |done| calls.push(done))
        .await
        .expect("insert many again");
    assert_eq!(
        calls.last(),
        Some(&1201),
        "progress counts rows offered, stored or not"
    );
    assert_eq!(db.count_regions().await.expect("count"), 4 + 1201);
}

/// The whole compiled-in table, as bootstrap loads it.
pub async fn full_region_table(ctx: &Ctx) {
    let db = &ctx.db;
    let table = regions();
    let rows: Vec<RegionRow> = table.iter().map(RegionRow::from).collect();
    assert_eq!(rows.len(), 91_599);
    let mut last = 0;
    db.insert_regions(&rows, |done| {
        assert!(done > last, "progress only grows");
        last = done;
    })
    .await
    .expect("load every region");
    assert_eq!(last, rows.len());
    assert_eq!(db.count_regions().await.expect("count"), 91_599);

    db.insert_regions(&rows, |_| {}).await.expect("load again");
    assert_eq!(
        db.count_regions().await.expect("count"),
        91_599,
        "re-running the load adds nothing"
    );

    // The rows landed intact: a village is readable through its foreign keys' target.
    let mut raw = ctx.raw().await;
    let first = rows.first().expect("rows").code.clone();
    let last_row = rows.last().expect("rows").code.clone();
    for code in [
        first.as_str(),
        "62.71",
        "62.71.01",
        "62.71.01.1001",
        last_row.as_str(),
    ] {
        assert!(
            table.contains(&crate::fixtures::code(code)),
            "{code} is a real region"
        );
        let expected = region_row(code);
        assert_eq!(
            raw.region(code).await,
            Some((
                expected.code,
                expected.parent_code,
                expected.level,
                expected.name
            )),
            "{code}"
        );
    }
    raw.close().await;
}

pub fn count(categories: &[Category]) -> i64 {
    i64::try_from(categories.len()).expect("small")
}

/// Not backend-specific: URLs `Db::connect` must refuse without touching anything.
pub async fn unsupported_urls() {
    for url in [
        "",
        "mysql://root@localhost/lapor",
        "sqlite",
        "file:lapor.db",
        "http://example.com",
    ] {
        match Db::connect(url).await {
            Err(StoreError::UnsupportedUrl) => {}
            Err(e) => panic!("{url:?}: expected UnsupportedUrl, got {e}"),
            Ok(_) => panic!("{url:?}: expected UnsupportedUrl, got a connection"),
        }
    }
    let missing_dir = tempfile::tempdir().expect("temporary directory");
    let url = format!(
        "sqlite:{}",
        missing_dir.path().join("no/such/dir/t.db").display()
    );
    assert!(
        Db::connect(&url).await.is_err(),
        "a file in a missing directory cannot be created"
    );
}
