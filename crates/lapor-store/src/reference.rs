//! Reference data: the category tree and the region table.

use lapor_domain::category::Category;

use crate::{Db, Result, in_tx, on_pool};

/// One region as stored: the compiled-in table copied for integrity checks and joins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionRow {
    pub code: String,
    pub parent_code: Option<String>,
    /// 1 province … 4 village.
    pub level: i32,
    pub name: String,
}

impl From<&lapor_domain::region::Region> for RegionRow {
    fn from(r: &lapor_domain::region::Region) -> Self {
        Self {
            code: r.code().as_str().to_owned(),
            parent_code: r.parent().map(|p| p.as_str().to_owned()),
            level: i32::from(r.level().depth()),
            name: r.name().to_owned(),
        }
    }
}

/// Rows per INSERT statement: well under SQLite's 32,766 bound parameters.
const REGION_BATCH: usize = 500;

impl Db {
    /// # Errors
    /// On database failure.
    pub async fn count_categories(&self) -> Result<i64> {
        let n: i64 = on_pool!(self, pool => sqlx::query_scalar("SELECT COUNT(*) FROM categories").fetch_one(pool).await?);
        Ok(n)
    }

    /// Inserts categories (parents before children); existing codes are left alone.
    ///
    /// # Errors
    /// On database failure or a missing parent.
    pub async fn insert_categories(&self, categories: &[Category]) -> Result<()> {
        in_tx!(self, tx => {
            for (position, c) in categories.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO categories (code, parent_code, name_id, name_en, position) \
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (code) DO NOTHING",
                )
                .bind(c.code)
                .bind(c.parent_code())
                .bind(c.name_id)
                .bind(c.name_en)
                .bind(i32::try_from(position).unwrap_or(i32::MAX))
                .execute(&mut *tx)
                .await?;
            }
        });
        Ok(())
    }

    /// The stored tree in display order as (code, parent, name_id, name_en).
    ///
    /// # Errors
    /// On database failure.
    pub async fn list_categories(&self) -> Result<Vec<(String, Option<String>, String, String)>> {
        let rows = on_pool!(self, pool => sqlx::query_as(
            "SELECT code, parent_code, name_id, name_en FROM categories ORDER BY position, code",
        )
        .fetch_all(pool)
        .await?);
        Ok(rows)
    }

    /// # Errors
    /// On database failure.
    pub async fn count_regions(&self) -> Result<i64> {
        // Without the "not yet known" placeholder, which is not a Kemendagri region.
        let n: i64 = on_pool!(self, pool => sqlx::query_scalar("SELECT COUNT(*) FROM regions WHERE code <> '00'").fetch_one(pool).await?);
        Ok(n)
    }

    /// Inserts regions in batches inside one transaction, calling `progress(done)` after each
    /// batch; codes already present are left alone.
    ///
    /// # Errors
    /// On database failure (nothing is stored then).
    pub async fn insert_regions(
        &self,
        rows: &[RegionRow],
        mut progress: impl FnMut(usize),
    ) -> Result<()> {
        in_tx!(self, tx => {
            let mut done = 0;
            for chunk in rows.chunks(REGION_BATCH) {
                let mut sql = String::from("INSERT INTO regions (code, parent_code, level, name) VALUES ");
                for i in 0..chunk.len() {
                    let p = i * 4;
                    if i > 0 {
                        sql.push(',');
                    }
                    sql.push_str(&format!("(${}, ${}, ${}, ${})", p + 1, p + 2, p + 3, p + 4));
                }
                sql.push_str(" ON CONFLICT (code) DO NOTHING");
                let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
                for r in chunk {
                    query = query.bind(r.code.as_str()).bind(r.parent_code.as_deref()).bind(r.level).bind(r.name.as_str());
                }
                query.execute(&mut *tx).await?;
                done += chunk.len();
                progress(done);
            }
        });
        Ok(())
    }
}
