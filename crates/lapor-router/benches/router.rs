//! Router speed on real complaints (`shared/data/complaints/surabaya_train.csv`, read at run
//! time, never shipped): training on all of them, then routing each one, single-threaded.
//! `cargo bench -p lapor-router` prints medians and the p99 latency of one routing.

#![allow(clippy::unwrap_used, clippy::cast_precision_loss)]

use std::time::{Duration, Instant};

use lapor_domain::agency::AgencyKind;
use lapor_domain::region::RegionCode;
use lapor_router::directory::Directory;
use lapor_router::features::report_words;
use lapor_router::model::{Example, Model, TrainOptions};
use lapor_router::route::{Query, Router};
use lapor_router::rules::default_rules;

const DATA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/complaints/surabaya_train.csv"
);

fn main() {
    let Ok(mut reader) = csv::Reader::from_path(DATA) else {
        println!("skipped: {DATA} not found");
        return;
    };
    let headers = reader.headers().unwrap().clone();
    let col = |n: &str| headers.iter().position(|h| h == n).unwrap();
    let (text, label, location, kelurahan) = (
        col("text"),
        col("label"),
        col("location_text"),
        col("kelurahan_code"),
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let examples: Vec<Example> = rows
        .iter()
        .map(|r| Example {
            words: report_words(&[&r[text], &r[location]]),
            places: Vec::new(),
            role: r[label].to_lowercase(),
        })
        .collect();

    let mut training = Vec::new();
    let mut model = None;
    for _ in 0..3 {
        let started = Instant::now();
        model = Some(Model::train(&examples, TrainOptions::default()));
        training.push(started.elapsed());
    }
    training.sort();
    let model = model.unwrap();
    println!(
        "training on {} reports: median {:.2} s (runs: {:?})",
        examples.len(),
        training[1].as_secs_f64(),
        training
            .iter()
            .map(|d| format!("{:.2}", d.as_secs_f64()))
            .collect::<Vec<_>>()
    );
    println!("model: {} bytes stored", model.encode().len());

    // Every label an agency of Surabaya, so routing resolves roles as in production.
    let surabaya = RegionCode::parse("35.78").unwrap();
    let mut labels: Vec<String> = examples.iter().map(|e| e.role.clone()).collect();
    labels.sort();
    labels.dedup();
    let directory = Directory::new(labels.into_iter().map(|l| {
        (
            l.clone(),
            l,
            AgencyKind::Dinas,
            None,
            vec![surabaya.clone()],
        )
    }));
    let router = Router::new(directory, default_rules(), Some(model));
    let regions: Vec<Option<RegionCode>> = rows
        .iter()
        .map(|r| RegionCode::parse(&r[kelurahan]).ok())
        .collect();
    let mut latencies: Vec<Duration> = Vec::with_capacity(rows.len() * 3);
    for _ in 0..3 {
        for (r, region) in rows.iter().zip(&regions) {
            let started = Instant::now();
            let routing = router.suggest(&Query {
                body: &r[text],
                address: &r[location],
                region: region.as_ref(),
                ..Query::default()
            });
            latencies.push(started.elapsed());
            std::hint::black_box(routing);
        }
    }
    latencies.sort();
    let at = |q: f64| latencies[((latencies.len() as f64 - 1.0) * q) as usize];
    println!(
        "routing one report ({} routings): p50 {:.0} µs, p99 {:.0} µs, max {:.0} µs",
        latencies.len(),
        at(0.5).as_secs_f64() * 1e6,
        at(0.99).as_secs_f64() * 1e6,
        at(1.0).as_secs_f64() * 1e6
    );
}
