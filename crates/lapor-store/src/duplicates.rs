//! Near-duplicates and mass complaints: the text fingerprint of each report and the links
//! between related reports. Links are append-only: separating two reports adds an
//! `unlinked` row, and the latest row of a pair holds.

use chrono::{DateTime, Utc};
use lapor_domain::tracking::ReportNumber;

use crate::{Db, Result, StoreError, in_tx, on_pool, parse_ts, ts};

/// Inserts one [`NewLink`] inside the transaction `$tx`, the newer report first whichever way
/// the caller named them.
macro_rules! insert_link {
    ($tx:expr, $link:expr, $at:expr) => {{
        let link: &NewLink = $link;
        let (newer, older) = if link.report.0 > link.related.0 {
            (link.report.0, link.related.0)
        } else {
            (link.related.0, link.report.0)
        };
        sqlx::query(
            "INSERT INTO report_links (report_id, related_report_id, kind, score, created_at, created_by_user_id) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(newer)
        .bind(older)
        .bind(link.kind.code())
        .bind(link.score)
        .bind(ts($at))
        .bind(link.by_user)
        .execute(&mut *$tx)
        .await?;
    }};
}

/// How two linked reports relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkKind {
    /// The same complaint sent again.
    Duplicate,
    /// Another report of the same problem in the same place (a mass complaint).
    SameProblem,
    /// An officer separated the two; cancels the earlier link of the pair.
    Unlinked,
}

impl LinkKind {
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            LinkKind::Duplicate => "duplicate",
            LinkKind::SameProblem => "same_problem",
            LinkKind::Unlinked => "unlinked",
        }
    }

    fn from_code(code: &str) -> Result<Self> {
        match code {
            "duplicate" => Ok(LinkKind::Duplicate),
            "same_problem" => Ok(LinkKind::SameProblem),
            "unlinked" => Ok(LinkKind::Unlinked),
            _ => Err(StoreError::Corrupt("report_links.kind")),
        }
    }
}

/// A report not yet compared with the reports before it.
#[derive(Debug, Clone, PartialEq)]
pub struct UncomparedReport {
    pub number: ReportNumber,
    pub title: String,
    pub body: String,
    pub region: String,
    pub anonymous: bool,
    pub created_at: DateTime<Utc>,
}

/// Which earlier reports a report may repeat.
#[derive(Debug, Clone)]
pub struct CandidateQuery<'a> {
    pub number: ReportNumber,
    /// Reports filed from this moment on.
    pub since: DateTime<Utc>,
    /// Reports in this region or below it (a kota's code).
    pub area: &'a str,
    /// Also reports of the same reporter anywhere (same account, phone or e-mail); only for
    /// reports that are not anonymous, and only their non-anonymous reports match.
    pub same_reporter: bool,
    pub limit: i64,
}

/// An earlier report to compare with.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub number: ReportNumber,
    pub region: String,
    /// Filed by the same reporter (asked for in [`CandidateQuery::same_reporter`]).
    pub same_reporter: bool,
    pub text: CandidateText,
}

/// What a candidate is compared by.
#[derive(Debug, Clone, PartialEq)]
pub enum CandidateText {
    /// Its stored fingerprint.
    Fingerprint(String),
    /// Not compared yet (filed in the same batch): its title and body.
    Text { title: String, body: String },
}

/// A link to record; `report` is the newer of the two.
#[derive(Debug, Clone, PartialEq)]
pub struct NewLink {
    pub report: ReportNumber,
    pub related: ReportNumber,
    pub kind: LinkKind,
    pub score: Option<f64>,
    /// The officer who made it; `None` for the system.
    pub by_user: Option<i64>,
}

/// A current link of a report, seen from that report.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkRecord {
    /// The other report.
    pub other: ReportNumber,
    /// Never [`LinkKind::Unlinked`]: separated pairs are not listed.
    pub kind: LinkKind,
    pub score: Option<f64>,
    pub created_at: DateTime<Utc>,
    pub by_user: Option<i64>,
}

impl Db {
    /// Reports without a fingerprint yet, oldest first.
    ///
    /// # Errors
    /// On database failure.
    pub async fn uncompared_reports(&self, limit: i64) -> Result<Vec<UncomparedReport>> {
        let rows: Vec<(i64, String, String, String, bool, String)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT r.id, r.title, r.body, r.region_code, r.anonymous, r.created_at \
                 FROM reports r LEFT JOIN report_fingerprints f ON f.report_id = r.id \
                 WHERE f.report_id IS NULL ORDER BY r.id LIMIT $1",
            )
            .bind(limit)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|(id, title, body, region, anonymous, created)| {
                Ok(UncomparedReport {
                    number: ReportNumber(id),
                    title,
                    body,
                    region,
                    anonymous,
                    created_at: parse_ts(&created, "reports.created_at")?,
                })
            })
            .collect()
    }

    /// Earlier reports that `query.number` may repeat, newest first.
    ///
    /// # Errors
    /// On database failure.
    pub async fn similar_candidates(&self, query: &CandidateQuery<'_>) -> Result<Vec<Candidate>> {
        // Account, phone or e-mail in common, between reports that are both not anonymous.
        // (NULL when a side has no account: COALESCE makes that a plain "no".)
        let same = "(NOT r.anonymous AND NOT me.anonymous AND ( \
             (r.reporter_user_id IS NOT NULL AND r.reporter_user_id = me.reporter_user_id) \
             OR EXISTS (SELECT 1 FROM reporters p, reporters q WHERE p.report_id = r.id AND q.report_id = me.id \
                 AND (p.phone = q.phone OR p.email = q.email))))";
        let sql = format!(
            "SELECT r.id, r.region_code, COALESCE({same}, FALSE), f.fingerprint, \
                 CASE WHEN f.fingerprint IS NULL THEN r.title END, \
                 CASE WHEN f.fingerprint IS NULL THEN r.body END \
             FROM reports me, reports r LEFT JOIN report_fingerprints f ON f.report_id = r.id \
             WHERE me.id = $1 AND r.id < $1 AND r.created_at >= $2 \
               AND (r.region_code = $3 OR r.region_code LIKE $4 ESCAPE '\\' OR ($5 AND {same})) \
             ORDER BY r.id DESC LIMIT $6"
        );
        let below = format!("{}.%", crate::escape_like(query.area));
        type Row = (
            i64,
            String,
            bool,
            Option<String>,
            Option<String>,
            Option<String>,
        );
        let rows: Vec<Row> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(query.number.0)
                .bind(ts(query.since))
                .bind(query.area)
                .bind(below.as_str())
                .bind(query.same_reporter)
                .bind(query.limit)
                .fetch_all(pool)
                .await?
        });
        Ok(rows
            .into_iter()
            .map(
                |(id, region, same_reporter, fingerprint, title, body)| Candidate {
                    number: ReportNumber(id),
                    region,
                    same_reporter: query.same_reporter && same_reporter,
                    text: match fingerprint {
                        Some(f) => CandidateText::Fingerprint(f),
                        None => CandidateText::Text {
                            title: title.unwrap_or_default(),
                            body: body.unwrap_or_default(),
                        },
                    },
                },
            )
            .collect())
    }

    /// Stores the fingerprints of compared reports and the links found, in one transaction.
    /// A report compared meanwhile by another worker keeps its first fingerprint, and the
    /// links found for it are not written twice.
    ///
    /// # Errors
    /// On database failure (an unknown report among them).
    pub async fn record_comparisons(
        &self,
        fingerprints: &[(ReportNumber, String)],
        links: &[NewLink],
        at: DateTime<Utc>,
    ) -> Result<()> {
        in_tx!(self, tx => {
            let mut fresh = std::collections::HashSet::new();
            for (number, fingerprint) in fingerprints {
                let done = sqlx::query(
                    "INSERT INTO report_fingerprints (report_id, fingerprint, created_at) VALUES ($1, $2, $3) \
                     ON CONFLICT (report_id) DO NOTHING",
                )
                .bind(number.0)
                .bind(fingerprint)
                .bind(ts(at))
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() == 1 {
                    fresh.insert(*number);
                }
            }
            for link in links
                .iter()
                .filter(|l| fresh.contains(&l.report) || fresh.contains(&l.related))
            {
                insert_link!(tx, link, at);
            }
        });
        Ok(())
    }

    /// Records one link an officer made or undid.
    ///
    /// # Errors
    /// On database failure (an unknown report among them).
    pub async fn add_link(&self, link: &NewLink, at: DateTime<Utc>) -> Result<()> {
        in_tx!(self, tx => {
            insert_link!(tx, link, at);
        });
        Ok(())
    }

    /// The current links of `number` in either direction, most similar first.
    ///
    /// # Errors
    /// On database failure or a corrupt stored kind.
    pub async fn report_links(&self, number: ReportNumber) -> Result<Vec<LinkRecord>> {
        type Row = (i64, i64, String, Option<f64>, String, Option<i64>);
        let rows: Vec<Row> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT l.report_id, l.related_report_id, l.kind, l.score, l.created_at, l.created_by_user_id \
                 FROM report_links l \
                 WHERE (l.report_id = $1 OR l.related_report_id = $1) \
                   AND l.id = (SELECT MAX(m.id) FROM report_links m \
                               WHERE m.report_id = l.report_id AND m.related_report_id = l.related_report_id) \
                   AND l.kind <> 'unlinked' \
                 ORDER BY COALESCE(l.score, 0) DESC, l.id",
            )
            .bind(number.0)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|(a, b, kind, score, created, by_user)| {
                Ok(LinkRecord {
                    other: ReportNumber(if a == number.0 { b } else { a }),
                    kind: LinkKind::from_code(&kind)?,
                    score,
                    created_at: parse_ts(&created, "report_links.created_at")?,
                    by_user,
                })
            })
            .collect()
    }
}
