//! Near-duplicates and mass complaints: new reports are compared with the recent ones by the
//! deadline sweep, a re-submission is linked to the report it repeats, and reports of the
//! same problem in the same place form a group that an officer can answer once — one
//! follow-up per report, through the normal follow-up step, so every report keeps its own
//! history and every reporter is told.
//!
//! Privacy: links are made from the text and the place only, except that a reporter's own
//! earlier reports are matched by account, phone or e-mail — never for anonymous reports, so
//! a link cannot tie an anonymous report to a named one by who sent it. An officer sees only
//! the linked reports in their own scope, and never a reporter's identity through them.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, TimeDelta, Utc};
use lapor_domain::status::{Action, Status};
use lapor_domain::tracking::ReportNumber;
use lapor_router::similar::Fingerprint;
pub use lapor_router::similar::Kind;
use lapor_store::duplicates::{CandidateQuery, CandidateText, LinkKind, NewLink};

use crate::workflow::{Command, Officer};
use crate::{App, AppError, Result};

/// How far back a new report looks for the report it repeats.
const WINDOW: TimeDelta = TimeDelta::days(30);
/// Earlier reports compared with each new one at most: the newest.
const CANDIDATES: i64 = 300;
/// New reports compared per sweep; the rest wait for the next one, oldest first.
const BATCH: i64 = 500;
/// Reports gathered into one group at most.
const GROUP_LIMIT: usize = 50;

/// A report linked to the one an officer is looking at, which the officer may also see.
#[derive(Debug, Clone, PartialEq)]
pub struct SimilarReport {
    pub number: ReportNumber,
    pub title: String,
    pub status: Status,
    /// How it was linked: a re-submission or the same problem.
    pub kind: Kind,
    /// Estimated similarity of the texts (`None` for links an officer made).
    pub score: Option<f64>,
    /// Whether this officer may write a follow-up on it now (the group answer reaches it).
    pub can_follow_up: bool,
}

/// The first `n` dot-separated segments of a region code, if it has that many: 2 is the
/// kota/kabupaten, 3 the kecamatan.
fn region_prefix(code: &str, n: usize) -> Option<&str> {
    if code.split('.').count() < n {
        return None;
    }
    Some(
        code.match_indices('.')
            .nth(n - 1)
            .map_or(code, |(i, _)| &code[..i]),
    )
}

/// Whether two reports are about the same place: the same kecamatan, or below it.
fn same_place(a: &str, b: &str) -> bool {
    match (region_prefix(a, 3), region_prefix(b, 3)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

fn fingerprint_of(title: &str, body: &str) -> Fingerprint {
    Fingerprint::of(&format!("{title}\n{body}"))
}

impl App {
    /// Compares the reports filed since the last run with the earlier ones of the last 30
    /// days in the same kota (and a non-anonymous reporter's own reports anywhere), and links
    /// re-submissions and reports of the same problem in the same kecamatan. Run by the
    /// deadline sweep; returns how many links were made.
    ///
    /// # Errors
    /// On storage failure.
    pub(crate) async fn link_similar(&self, now: DateTime<Utc>) -> Result<usize> {
        let batch = self.db.uncompared_reports(BATCH).await?;
        // Reports of this batch are compared before their fingerprints are stored.
        let mut fresh: HashMap<ReportNumber, Fingerprint> = HashMap::new();
        let mut stored = Vec::with_capacity(batch.len());
        let mut links = Vec::new();
        for report in batch {
            let print = fingerprint_of(&report.title, &report.body);
            let area = region_prefix(&report.region, 2).unwrap_or(&report.region);
            let candidates = self
                .db
                .similar_candidates(&CandidateQuery {
                    number: report.number,
                    since: report.created_at - WINDOW,
                    area,
                    same_reporter: !report.anonymous,
                    limit: CANDIDATES,
                })
                .await?;
            for candidate in candidates {
                let other = match &candidate.text {
                    CandidateText::Fingerprint(raw) => Fingerprint::decode(raw),
                    CandidateText::Text { title, body } => Some(
                        fresh
                            .get(&candidate.number)
                            .cloned()
                            .unwrap_or_else(|| fingerprint_of(title, body)),
                    ),
                };
                // A fingerprint of an older format is simply not compared.
                let Some(other) = other else { continue };
                // "Sent again" says who sent it: only for the same reporter, never for an
                // anonymous one (the store matches reporters only between named reports).
                // The same text from someone else is the same problem, if in the same place.
                let kind = match print.relation(&other) {
                    Some((Kind::Duplicate, score)) if candidate.same_reporter => {
                        Some((LinkKind::Duplicate, score))
                    }
                    Some((_, score)) if same_place(&report.region, &candidate.region) => {
                        Some((LinkKind::SameProblem, score))
                    }
                    _ => None,
                };
                if let Some((kind, score)) = kind {
                    links.push(NewLink {
                        report: report.number,
                        related: candidate.number,
                        kind,
                        score: Some(f64::from(score)),
                        by_user: None,
                    });
                }
            }
            stored.push((report.number, print.encode()));
            fresh.insert(report.number, print);
        }
        if !stored.is_empty() {
            self.db.record_comparisons(&stored, &links, now).await?;
        }
        Ok(links.len())
    }

    /// The reports linked to `number` that `officer` may see, most similar first. Only direct
    /// links: A like B and B like C does not make A like C, and a group answer must not reach
    /// reporters of an unrelated complaint.
    ///
    /// # Errors
    /// [`AppError::NotFound`] when `number` is outside the officer's scope.
    pub async fn similar_reports(
        &self,
        officer: &Officer,
        number: ReportNumber,
    ) -> Result<Vec<SimilarReport>> {
        self.load_for_officer(officer, number).await?;
        let mut seen = HashSet::from([number]);
        let mut found = Vec::new();
        for link in self.db.report_links(number).await? {
            let kind = match link.kind {
                LinkKind::Duplicate => Kind::Duplicate,
                LinkKind::SameProblem => Kind::SameProblem,
                LinkKind::Unlinked => continue,
            };
            if found.len() >= GROUP_LIMIT || !seen.insert(link.other) {
                continue;
            }
            found.push((link.other, kind, link.score));
        }
        let mut out = Vec::new();
        for (other, kind, score) in found {
            // Outside the officer's scope: not shown, exactly as if it were not linked.
            let case = match self.case(officer, other).await {
                Ok(case) => case,
                Err(AppError::NotFound) => continue,
                Err(e) => return Err(e),
            };
            let r = &case.report.record.report;
            out.push(SimilarReport {
                number: other,
                title: r.title.clone(),
                status: r.status,
                kind,
                score,
                can_follow_up: case.actions.contains(&Action::FollowUp),
            });
        }
        out.sort_by(|a, b| {
            b.score
                .unwrap_or(0.0)
                .total_cmp(&a.score.unwrap_or(0.0))
                .then(a.number.0.cmp(&b.number.0))
        });
        Ok(out)
    }

    /// Answers the rest of `number`'s group: the follow-up `text` is written on every linked
    /// report `officer` may follow up now, one follow-up step per report, so each gets its
    /// own history entry and its reporter the usual notice. Files stay with the report they
    /// were written for: they may name its reporter. Reports that
    /// changed meanwhile or no longer accept a follow-up are left alone. Returns the reports
    /// answered.
    ///
    /// # Errors
    /// [`AppError::NotFound`] when `number` is outside the officer's scope; storage failures.
    pub async fn follow_up_similar(
        &self,
        officer: &Officer,
        number: ReportNumber,
        text: &str,
    ) -> Result<Vec<ReportNumber>> {
        let mut answered = Vec::new();
        for similar in self.similar_reports(officer, number).await? {
            if !similar.can_follow_up {
                continue;
            }
            let version = self
                .case(officer, similar.number)
                .await?
                .report
                .record
                .workflow
                .version;
            let command = Command::FollowUp {
                text: text.to_owned(),
                attachments: Vec::new(),
            };
            match self.act(officer, similar.number, version, command).await {
                Ok(()) => answered.push(similar.number),
                Err(AppError::Conflict | AppError::Refused(_) | AppError::NotFound) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(answered)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_compare_at_kecamatan_level() {
        assert_eq!(region_prefix("62.71.03.1002", 2), Some("62.71"));
        assert_eq!(region_prefix("62.71", 2), Some("62.71"));
        assert_eq!(region_prefix("62", 2), None);
        assert!(same_place("62.71.03.1002", "62.71.03"));
        assert!(same_place("62.71.03.1002", "62.71.03.1001"));
        assert!(!same_place("62.71.03", "62.71.04"));
        // A kota alone, or an unknown place, is too wide to call the same place.
        assert!(!same_place("62.71", "62.71"));
        assert!(!same_place("00", "00"));
    }
}
