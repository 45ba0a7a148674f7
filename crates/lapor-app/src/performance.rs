//! Agency performance (kinerja): how often each agency and unit met its deadlines, how long
//! handling took, and how satisfied reporters were. Agency admins see their agency and its
//! units; national admins and pengawas see everyone.

use std::collections::BTreeMap;

use chrono::{DateTime, TimeDelta, Utc};
use lapor_store::InboxScope;
use serde::Serialize;

use crate::workflow::Officer;
use crate::{App, AppError, Result};

/// The figures of one agency, unit, or of national verification (`agency = None`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Performance {
    pub agency: Option<String>,
    pub agency_name: Option<String>,
    /// Steps finished and how many of them on time.
    pub finished: u32,
    pub on_time: u32,
    /// Median time from the start of the step to its completion, in hours.
    pub median_hours: Option<f64>,
    pub ratings: i64,
    /// Mean stars, 1–5.
    pub satisfaction: Option<f64>,
}

impl Performance {
    /// Share of steps finished on time, 0–100.
    #[must_use]
    pub fn on_time_percent(&self) -> Option<u32> {
        (self.finished > 0).then(|| self.on_time * 100 / self.finished)
    }
}

fn median_hours(mut durations: Vec<TimeDelta>) -> Option<f64> {
    if durations.is_empty() {
        return None;
    }
    durations.sort();
    let mid = durations.len() / 2;
    let median = if durations.len().is_multiple_of(2) {
        (durations[mid - 1] + durations[mid]) / 2
    } else {
        durations[mid]
    };
    #[allow(clippy::cast_precision_loss)] // hours of a deadline fit an f64 exactly enough
    Some((median.num_minutes() as f64 / 60.0 * 10.0).round() / 10.0)
}

impl App {
    /// Performance over the steps finished since `since`: national verification first,
    /// then agencies and units by name.
    ///
    /// # Errors
    /// [`AppError::NotFound`] for unit admins (they see their own reports' deadlines only;
    /// like any out-of-scope answer, it does not say more).
    pub async fn performance(
        &self,
        officer: &Officer,
        since: DateTime<Utc>,
    ) -> Result<Vec<Performance>> {
        let policy = self.policy();
        let visible = |agency: Option<&str>| match officer.scope() {
            InboxScope::All => true,
            InboxScope::Agency(code) => agency.is_some_and(|a| policy.is_within(a, &code)),
            InboxScope::Unit(_) => false,
        };
        if matches!(officer.scope(), InboxScope::Unit(_)) {
            return Err(AppError::NotFound);
        }
        let mut rows: BTreeMap<Option<String>, (u32, u32, Vec<TimeDelta>)> = BTreeMap::new();
        for outcome in self.db.step_outcomes(since).await? {
            if !visible(outcome.agency.as_deref()) {
                continue;
            }
            let entry = rows.entry(outcome.agency.clone()).or_default();
            entry.0 += 1;
            entry.1 += u32::from(outcome.done_at <= outcome.due);
            entry.2.push(outcome.done_at - outcome.started);
        }
        let ratings: BTreeMap<String, (i64, i64)> = self
            .db
            .ratings_by_agency()
            .await?
            .into_iter()
            .filter(|(code, _, _)| visible(Some(code)))
            .fold(BTreeMap::new(), |mut map, (code, n, sum)| {
                let entry = map.entry(code).or_insert((0, 0));
                entry.0 += n;
                entry.1 += sum;
                map
            });
        for code in ratings.keys() {
            rows.entry(Some(code.clone())).or_default();
        }
        let mut out: Vec<Performance> = rows
            .into_iter()
            .map(|(agency, (finished, on_time, durations))| {
                let (n, sum) = agency
                    .as_ref()
                    .and_then(|a| ratings.get(a))
                    .copied()
                    .unwrap_or((0, 0));
                #[allow(clippy::cast_precision_loss)]
                let satisfaction = (n > 0).then(|| (sum as f64 / n as f64 * 10.0).round() / 10.0);
                Performance {
                    agency_name: agency
                        .as_deref()
                        .and_then(|a| policy.agency(a))
                        .map(|a| a.name.clone()),
                    agency,
                    finished,
                    on_time,
                    median_hours: median_hours(durations),
                    ratings: n,
                    satisfaction,
                }
            })
            .collect();
        out.sort_by_key(|p| {
            (
                p.agency.is_some(),
                p.agency_name.as_deref().map(str::to_lowercase),
            )
        });
        Ok(out)
    }
}

impl App {
    /// Reports received since `since` per channel, most used first, over what `officer` may
    /// see (everything for national admins and pengawas; an agency's reports for its admins).
    ///
    /// # Errors
    /// [`AppError::NotFound`] for unit admins, as [`App::performance`].
    pub async fn reports_by_channel(
        &self,
        officer: &Officer,
        since: DateTime<Utc>,
    ) -> Result<Vec<(lapor_domain::report::Channel, i64)>> {
        let policy = self.policy();
        let scope = officer.scope();
        if matches!(scope, InboxScope::Unit(_)) {
            return Err(AppError::NotFound);
        }
        let mut counts: BTreeMap<&'static str, (lapor_domain::report::Channel, i64)> =
            BTreeMap::new();
        for (agency, channel, n) in self.db.reports_by_channel(since).await? {
            let visible = match &scope {
                InboxScope::All => true,
                InboxScope::Agency(code) => {
                    agency.as_deref().is_some_and(|a| policy.is_within(a, code))
                }
                InboxScope::Unit(_) => false,
            };
            let Some(channel) = lapor_domain::report::Channel::from_code(&channel) else {
                continue;
            };
            if visible {
                counts.entry(channel.code()).or_insert((channel, 0)).1 += n;
            }
        }
        let mut counts: Vec<_> = counts.into_values().collect();
        counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.code().cmp(b.0.code())));
        Ok(counts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_even_and_odd_counts() {
        assert_eq!(median_hours(vec![]), None);
        assert_eq!(median_hours(vec![TimeDelta::hours(3)]), Some(3.0));
        assert_eq!(
            median_hours(vec![
                TimeDelta::hours(10),
                TimeDelta::hours(1),
                TimeDelta::hours(2)
            ]),
            Some(2.0)
        );
        assert_eq!(
            median_hours(vec![
                TimeDelta::hours(1),
                TimeDelta::hours(2),
                TimeDelta::hours(4),
                TimeDelta::hours(9)
            ]),
            Some(3.0)
        );
    }
}
