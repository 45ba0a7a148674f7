//! Automatic routing: trained models (versioned bytes), the rules national admins edit, and
//! the confirmed routings a model learns from.

use chrono::{DateTime, Utc};

use crate::{Db, Result, in_tx, on_pool, parse_ts, ts};

/// A stored routing model.
#[derive(Debug, Clone, PartialEq)]
pub struct RoutingModelRecord {
    /// The model's version: models are only ever added.
    pub id: i64,
    pub trained_at: DateTime<Utc>,
    pub examples: i64,
    pub roles: i64,
    pub model: Vec<u8>,
}

/// A routing rule as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutingRuleRecord {
    pub category: String,
    pub level: String,
    pub role_hint: String,
}

/// A report whose routing officers confirmed: the agency accepted it and handled it (itself
/// or through its units).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfirmedRouting {
    pub title: String,
    pub body: String,
    pub address: Option<String>,
    pub region: String,
    /// The unit that handled it, else the agency.
    pub agency: String,
}

#[derive(sqlx::FromRow)]
struct ModelRow {
    id: i64,
    trained_at: String,
    examples: i64,
    roles: i64,
    model: Vec<u8>,
}

/// Statuses a report only reaches once the agency accepted it (a macro, so the SQL stays a
/// literal).
macro_rules! confirmed {
    () => {
        "('disposed', 'followed_up', 'awaiting_reporter', 'closed')"
    };
}

impl Db {
    /// Stores a newly trained model; returns its version.
    ///
    /// # Errors
    /// On database failure.
    pub async fn insert_routing_model(
        &self,
        model: &[u8],
        examples: i64,
        roles: i64,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let id: i64 = in_tx!(self, tx => {
            sqlx::query_scalar(
                "INSERT INTO routing_models (trained_at, examples, roles, model) VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(ts(now))
            .bind(examples)
            .bind(roles)
            .bind(model)
            .fetch_one(&mut *tx)
            .await?
        });
        Ok(id)
    }

    /// The version of the newest model and how many examples it learned from, without its
    /// bytes: cheap enough to ask before every use.
    ///
    /// # Errors
    /// On database failure.
    pub async fn latest_routing_model_version(&self) -> Result<Option<(i64, i64)>> {
        let row: Option<(i64, i64)> = on_pool!(self, pool => sqlx::query_as("SELECT id, examples FROM routing_models ORDER BY id DESC LIMIT 1").fetch_optional(pool).await?);
        Ok(row)
    }

    /// The newest model.
    ///
    /// # Errors
    /// On database failure.
    pub async fn latest_routing_model(&self) -> Result<Option<RoutingModelRecord>> {
        let row: Option<ModelRow> = on_pool!(self, pool => sqlx::query_as(
            "SELECT id, trained_at, examples, roles, model FROM routing_models ORDER BY id DESC LIMIT 1",
        )
        .fetch_optional(pool)
        .await?);
        row.map(|r| {
            Ok(RoutingModelRecord {
                id: r.id,
                trained_at: parse_ts(&r.trained_at, "routing_models.trained_at")?,
                examples: r.examples,
                roles: r.roles,
                model: r.model,
            })
        })
        .transpose()
    }

    /// The edited rules (the defaults apply to every category and level not listed).
    ///
    /// # Errors
    /// On database failure.
    pub async fn routing_rules(&self) -> Result<Vec<RoutingRuleRecord>> {
        let rows: Vec<(String, String, String)> = on_pool!(self, pool => sqlx::query_as(
            "SELECT category, level, role_hint FROM routing_rules ORDER BY category, level",
        )
        .fetch_all(pool)
        .await?);
        Ok(rows
            .into_iter()
            .map(|(category, level, role_hint)| RoutingRuleRecord {
                category,
                level,
                role_hint,
            })
            .collect())
    }

    /// Sets the rule for a category and level.
    ///
    /// # Errors
    /// On database failure.
    pub async fn set_routing_rule(
        &self,
        rule: &RoutingRuleRecord,
        by: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        in_tx!(self, tx => {
            sqlx::query(
                "INSERT INTO routing_rules (category, level, role_hint, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (category, level) DO UPDATE SET role_hint = excluded.role_hint, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
            )
            .bind(&rule.category)
            .bind(&rule.level)
            .bind(&rule.role_hint)
            .bind(ts(now))
            .bind(by)
            .execute(&mut *tx)
            .await?;
        });
        Ok(())
    }

    /// How many reports have a confirmed routing (to decide when to retrain).
    ///
    /// # Errors
    /// On database failure.
    pub async fn count_confirmed_routings(&self) -> Result<i64> {
        let n: i64 = on_pool!(self, pool => sqlx::query_scalar(concat!(
            "SELECT COUNT(*) FROM reports WHERE status IN ",
            confirmed!()
        ))
        .fetch_one(pool)
        .await?);
        Ok(n)
    }

    /// The newest `limit` confirmed routings, the training data of the router.
    ///
    /// # Errors
    /// On database failure.
    pub async fn confirmed_routings(&self, limit: i64) -> Result<Vec<ConfirmedRouting>> {
        // The first unit disposed to, else the agency itself.
        const SQL: &str = concat!(
            "SELECT r.title, r.body, r.address, r.region_code, ",
            "COALESCE((SELECT u.code FROM report_units ru JOIN agencies u ON u.id = ru.agency_id ",
            "WHERE ru.report_id = r.id ORDER BY ru.disposed_at, u.code LIMIT 1), a.code) ",
            "FROM reports r JOIN agencies a ON a.id = r.agency_id WHERE r.status IN ",
            confirmed!(),
            " ORDER BY r.id DESC LIMIT $1"
        );
        let rows: Vec<(String, String, Option<String>, String, String)> = on_pool!(self, pool => sqlx::query_as(SQL)
            .bind(limit)
            .fetch_all(pool)
            .await?);
        Ok(rows
            .into_iter()
            .map(|(title, body, address, region, agency)| ConfirmedRouting {
                title,
                body,
                address,
                region,
                agency,
            })
            .collect())
    }
}
