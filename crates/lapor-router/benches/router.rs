//! Router speed on real complaints (`shared/data/complaints/surabaya_train.csv`, read at run
//! time, never shipped): training on all of them, then routing each one, single-threaded.
//! `cargo bench -p lapor-router` prints medians and the p99 latency of one routing.

#![allow(clippy::unwrap_used, clippy::cast_precision_loss)]

use std::time::{Duration, Instant};

use lapor_domain::region::RegionCode;
use lapor_router::eval::{Row, directory_of};
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
    let (text, label, location, kecamatan, kelurahan) = (
        col("text"),
        col("label"),
        col("location_text"),
        col("kecamatan_code"),
        col("kelurahan_code"),
    );
    let rows: Vec<Row> = reader
        .records()
        .map(Result::unwrap)
        .map(|r| Row {
            text: r[text].to_owned(),
            label: r[label].to_owned(),
            location_text: r[location].to_owned(),
            kecamatan_code: RegionCode::parse(&r[kecamatan]).ok(),
            kelurahan_code: RegionCode::parse(&r[kelurahan]).ok(),
        })
        .collect();
    // Roles as the product learns them: kecamatan and kelurahan offices by their place.
    let (directory, _) = directory_of(&rows);
    let examples: Vec<Example> = rows
        .iter()
        .map(|r| Example {
            words: report_words(&[&r.text, &r.location_text]),
            places: Vec::new(),
            role: directory.get(&r.label).unwrap().role.clone(),
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

    let router = Router::new(directory, default_rules(), Some(model));
    let mut latencies: Vec<Duration> = Vec::with_capacity(rows.len() * 3);
    for _ in 0..3 {
        for r in &rows {
            let started = Instant::now();
            let routing = router.suggest(&Query {
                body: &r.text,
                address: &r.location_text,
                region: r.kelurahan_code.as_ref(),
                ..Query::default()
            });
            latencies.push(started.elapsed());
            std::hint::black_box(routing);
        }
    }
    latencies.sort();
    // Where the time goes: the model alone and place extraction alone.
    let mut model_only: Vec<Duration> = Vec::new();
    let mut place_only: Vec<Duration> = Vec::new();
    for r in &rows {
        let words = report_words(&[&r.text, &r.location_text]);
        let started = Instant::now();
        std::hint::black_box(router.model().unwrap().score(&words, &[]));
        model_only.push(started.elapsed());
        let started = Instant::now();
        std::hint::black_box(lapor_router::place::locate(
            &words,
            r.kelurahan_code.as_ref(),
        ));
        place_only.push(started.elapsed());
    }
    model_only.sort();
    place_only.sort();
    let p99 = |v: &[Duration]| v[v.len() * 99 / 100].as_secs_f64() * 1e6;
    println!(
        "of which p99: model scoring {:.0} µs, place extraction {:.0} µs",
        p99(&model_only),
        p99(&place_only)
    );
    let at = |q: f64| latencies[((latencies.len() as f64 - 1.0) * q) as usize];
    println!(
        "routing one report ({} routings): p50 {:.0} µs, p99 {:.0} µs, max {:.0} µs",
        latencies.len(),
        at(0.5).as_secs_f64() * 1e6,
        at(0.99).as_secs_f64() * 1e6,
        at(1.0).as_secs_f64() * 1e6
    );
}
