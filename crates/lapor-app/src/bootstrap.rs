//! Reference data loaded into an empty database: categories and the region table.

use lapor_domain::category;
use lapor_domain::region::regions;
use lapor_store::{Db, RegionRow};

use crate::Result;

/// Told how a long load advances (the CLI draws it; tests ignore it).
pub trait BootstrapProgress {
    fn step(&mut self, what: &str, done: usize, total: usize);
}

impl BootstrapProgress for () {
    fn step(&mut self, _: &str, _: usize, _: usize) {}
}

pub(crate) async fn load_reference_data(
    db: &Db,
    progress: &mut dyn BootstrapProgress,
) -> Result<()> {
    if db.count_categories().await? == 0 {
        db.insert_categories(category::DEFAULT).await?;
    }
    let table = regions();
    let total: usize = table.counts().iter().sum();
    let stored = usize::try_from(db.count_regions().await?).unwrap_or(0);
    if stored < total {
        let rows: Vec<RegionRow> = table.iter().map(RegionRow::from).collect();
        db.insert_regions(&rows, |done| progress.step("wilayah", done, total))
            .await?;
    }
    Ok(())
}
