//! `lapor route eval`: measures the router on labelled complaints (CSV with the columns of
//! `shared/data/complaints/surabaya_train.csv`). Evaluation only: the files never enter the
//! product or its database.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, bail};
use lapor_domain::region::RegionCode;
use lapor_router::eval::{self, LabelLevel, Row};
use lapor_router::model::TrainOptions;

/// Reads an evaluation CSV; `text` and `label` are required, the place columns optional.
fn read(path: &Path) -> anyhow::Result<Vec<Row>> {
    let mut reader =
        csv::Reader::from_path(path).with_context(|| format!("cannot read {}", path.display()))?;
    let headers = reader.headers()?.clone();
    let column = |name: &str| headers.iter().position(|h| h == name);
    let (Some(text), Some(label)) = (column("text"), column("label")) else {
        bail!("{}: needs the columns `text` and `label`", path.display());
    };
    let (location, kecamatan, kelurahan) = (
        column("location_text"),
        column("kecamatan_code"),
        column("kelurahan_code"),
    );
    let mut rows = Vec::new();
    for (line, record) in reader.records().enumerate() {
        let record = record.with_context(|| format!("{}: row {}", path.display(), line + 2))?;
        let field = |i: Option<usize>| i.and_then(|i| record.get(i)).unwrap_or("").trim();
        let code = |i| RegionCode::parse(field(i)).ok();
        if field(Some(label)).is_empty() {
            continue;
        }
        rows.push(Row {
            text: field(Some(text)).to_owned(),
            label: field(Some(label)).to_owned(),
            location_text: field(location).to_owned(),
            kecamatan_code: code(kecamatan),
            kelurahan_code: code(kelurahan),
        });
    }
    Ok(rows)
}

pub struct EvalArgs {
    pub train: Option<PathBuf>,
    pub test: Option<PathBuf>,
    pub cv: Option<usize>,
    pub file: Option<PathBuf>,
    pub level: LabelLevel,
    pub options: TrainOptions,
    pub folds_out: Option<PathBuf>,
}

pub fn run(args: EvalArgs) -> anyhow::Result<()> {
    let started = Instant::now();
    let metrics = match (&args.train, &args.test, args.cv, &args.file) {
        (Some(train), Some(test), None, None) => {
            let (train, test) = (read(train)?, read(test)?);
            println!("train {} reports, test {} reports", train.len(), test.len());
            let (truth, ranked, confidence) = eval::run(&train, &test, args.level, args.options);
            eval::metrics(&truth, &ranked, &confidence)
        }
        (None, None, Some(k), Some(file)) if k >= 2 => {
            let rows = read(file)?;
            if let Some(out) = &args.folds_out {
                // The fold of every row, for running other classifiers on the same split.
                let folds: String = rows
                    .iter()
                    .map(|r| format!("{}\n", eval::fold_of(&r.text, k)))
                    .collect();
                std::fs::write(out, format!("fold\n{folds}"))
                    .with_context(|| format!("cannot write {}", out.display()))?;
            }
            println!("{k}-fold cross-validation over {} reports", rows.len());
            eval::cross_validate(&rows, k, args.level, args.options)
        }
        _ => bail!("give either --train FILE --test FILE, or --cv K FILE (K ≥ 2)"),
    };
    let level = match args.level {
        LabelLevel::All => "all units",
        LabelLevel::Opd => "OPD level (kecamatan and kelurahan collapsed)",
    };
    println!("{level}: {metrics}");
    println!("({:.1} s)", started.elapsed().as_secs_f64());
    Ok(())
}
