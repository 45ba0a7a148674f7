//! Agencies (instansi) and the regions they serve.

use chrono::{DateTime, Utc};
use lapor_domain::agency::{AgencyKind, NewAgency};

use crate::{
    Db, Result, StoreError, agency_id, conflict_on, in_tx, on_pool, parse_ts, placeholders, ts,
};

/// A stored agency.
#[derive(Debug, Clone, PartialEq)]
pub struct AgencyRecord {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: AgencyKind,
    pub parent_id: Option<i64>,
    pub parent_code: Option<String>,
    pub regions: Vec<String>,
    /// Follow-ups of its units wait for the agency admin's approval.
    pub requires_approval: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct AgencyRow {
    id: i64,
    code: String,
    name: String,
    kind: String,
    parent_id: Option<i64>,
    parent_code: Option<String>,
    requires_approval: bool,
    created_at: String,
}

const SELECT_AGENCY: &str = "SELECT a.id, a.code, a.name, a.kind, a.parent_id, p.code AS parent_code, a.requires_approval, a.created_at \
     FROM agencies a LEFT JOIN agencies p ON p.id = a.parent_id";

impl AgencyRow {
    fn into_record(self, regions: Vec<String>) -> Result<AgencyRecord> {
        Ok(AgencyRecord {
            id: self.id,
            kind: AgencyKind::from_code(&self.kind).ok_or(StoreError::Corrupt("agencies.kind"))?,
            code: self.code,
            name: self.name,
            parent_id: self.parent_id,
            parent_code: self.parent_code,
            regions,
            requires_approval: self.requires_approval,
            created_at: parse_ts(&self.created_at, "agencies.created_at")?,
        })
    }
}

impl Db {
    /// Stores an agency with its regions; the parent is resolved by code in the same
    /// transaction.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] for a taken code, [`StoreError::UnknownReference`] for an
    /// unknown parent or region.
    pub async fn insert_agency(
        &self,
        agency: &NewAgency,
        now: DateTime<Utc>,
    ) -> Result<AgencyRecord> {
        let id: i64 = in_tx!(self, tx => {
            let parent_id: Option<i64> = agency_id!(tx, &agency.parent_code, "parent");
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO agencies (code, name, kind, parent_id, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(&agency.code)
            .bind(&agency.name)
            .bind(agency.kind.code())
            .bind(parent_id)
            .bind(ts(now))
            .fetch_one(&mut *tx)
            .await
            .map_err(conflict_on("code"))?;
            for region in &agency.regions {
                sqlx::query("INSERT INTO agency_regions (agency_id, region_code) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                    .bind(id)
                    .bind(region.as_str())
                    .execute(&mut *tx)
                    .await
                    .map_err(|e| match &e {
                        sqlx::Error::Database(d) if d.is_foreign_key_violation() => StoreError::UnknownReference("regions"),
                        _ => StoreError::Sql(e),
                    })?;
            }
            id
        });
        self.find_agency_by_id(id).await?.ok_or(StoreError::Stale)
    }

    /// # Errors
    /// On database failure.
    pub async fn find_agency(&self, code: &str) -> Result<Option<AgencyRecord>> {
        self.agency_where("a.code = $1", AgencyKey::Code(code))
            .await
    }

    /// # Errors
    /// On database failure.
    pub async fn find_agency_by_id(&self, id: i64) -> Result<Option<AgencyRecord>> {
        self.agency_where("a.id = $1", AgencyKey::Id(id)).await
    }

    async fn agency_where(
        &self,
        condition: &'static str,
        key: AgencyKey<'_>,
    ) -> Result<Option<AgencyRecord>> {
        let sql = format!("{SELECT_AGENCY} WHERE {condition}");
        let row: Option<AgencyRow> = on_pool!(self, pool => {
            let query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
            let query = match key {
                AgencyKey::Id(id) => query.bind(id),
                AgencyKey::Code(code) => query.bind(code),
            };
            query.fetch_optional(pool).await?
        });
        Ok(self.with_regions(row.into_iter().collect()).await?.pop())
    }

    /// Every agency ordered by name (case-insensitively, the same on every database
    /// collation), with its regions (two queries, not one per agency).
    ///
    /// # Errors
    /// On database failure.
    pub async fn list_agencies(&self) -> Result<Vec<AgencyRecord>> {
        let sql = format!("{SELECT_AGENCY} ORDER BY a.id");
        let rows: Vec<AgencyRow> =
            on_pool!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(pool).await?);
        self.with_regions(rows).await
    }

    /// Attaches their regions to `rows` (one query per thousand agencies, reading only
    /// their links) and sorts them by name, case-insensitively, the same on every database
    /// collation.
    async fn with_regions(&self, rows: Vec<AgencyRow>) -> Result<Vec<AgencyRecord>> {
        let mut by_agency: std::collections::HashMap<i64, Vec<String>> =
            std::collections::HashMap::new();
        for ids in rows
            .chunks(1000)
            .map(|chunk| chunk.iter().map(|r| r.id).collect::<Vec<_>>())
        {
            let sql = format!(
                "SELECT agency_id, region_code FROM agency_regions WHERE agency_id IN ({}) ORDER BY agency_id, region_code",
                placeholders(ids.len())
            );
            let links: Vec<(i64, String)> = on_pool!(self, pool => {
                let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
                for id in &ids {
                    query = query.bind(*id);
                }
                query.fetch_all(pool).await?
            });
            for (id, code) in links {
                by_agency.entry(id).or_default().push(code);
            }
        }
        let mut agencies = rows
            .into_iter()
            .map(|row| {
                let regions = by_agency.remove(&row.id).unwrap_or_default();
                row.into_record(regions)
            })
            .collect::<Result<Vec<_>>>()?;
        agencies.sort_by_cached_key(|a| (a.name.to_lowercase(), a.id));
        Ok(agencies)
    }

    /// The names of the agencies with the given codes, in one query; unknown codes are left out.
    ///
    /// # Errors
    /// On database failure.
    pub async fn agency_names(&self, codes: &[&str]) -> Result<Vec<(String, String)>> {
        if codes.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT code, name FROM agencies WHERE code IN ({}) ORDER BY code",
            placeholders(codes.len())
        );
        let names = on_pool!(self, pool => {
            let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
            for code in codes {
                query = query.bind(*code);
            }
            query.fetch_all(pool).await?
        });
        Ok(names)
    }

    /// The agencies that serve a place: national bodies (no regions) and those serving one of
    /// `regions` (a region and its ancestors, e.g. `62`, `62.71`, `62.71.01`), by name. With
    /// no regions given, the national bodies and those serving a whole province.
    ///
    /// # Errors
    /// On database failure.
    pub async fn list_agencies_serving(&self, regions: &[&str]) -> Result<Vec<AgencyRecord>> {
        let served = if regions.is_empty() {
            "length(ar.region_code) = 2".to_owned()
        } else {
            format!("ar.region_code IN ({})", placeholders(regions.len()))
        };
        let sql = format!(
            "{SELECT_AGENCY} WHERE NOT EXISTS (SELECT 1 FROM agency_regions ar WHERE ar.agency_id = a.id) \
             OR EXISTS (SELECT 1 FROM agency_regions ar WHERE ar.agency_id = a.id AND {served}) ORDER BY a.id"
        );
        let rows: Vec<AgencyRow> = on_pool!(self, pool => {
            let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql));
            for region in regions {
                query = query.bind(*region);
            }
            query.fetch_all(pool).await?
        });
        self.with_regions(rows).await
    }

    /// # Errors
    /// On database failure.
    pub async fn count_agencies(&self) -> Result<i64> {
        let n: i64 = on_pool!(self, pool => sqlx::query_scalar("SELECT COUNT(*) FROM agencies").fetch_one(pool).await?);
        Ok(n)
    }
}

enum AgencyKey<'a> {
    Id(i64),
    Code(&'a str),
}
