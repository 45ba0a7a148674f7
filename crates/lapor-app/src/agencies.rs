//! The agency tree: listing and CSV import.

use std::collections::{HashMap, HashSet};

use lapor_domain::ValidationErrors;
use lapor_domain::agency::{AgencyKind, NewAgency};
use lapor_domain::region::RegionCode;
use lapor_domain::validation::Problem;
use lapor_store::{AgencyRecord, StoreError};

use crate::{App, AppError, Result};

/// Result of an import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgencyImport {
    pub created: usize,
    /// Rows whose code already existed (left unchanged).
    pub skipped: usize,
}

/// A row that cannot be imported, by line number.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("line {line}: {errors}")]
    Invalid { line: u64, errors: ValidationErrors },
    #[error("line {line}: parent agency '{parent}' is neither stored nor earlier in the file")]
    UnknownParent { line: u64, parent: String },
    #[error("line {line}: {message}")]
    Csv { line: u64, message: String },
    #[error(transparent)]
    App(#[from] AppError),
}

impl App {
    /// Every agency, by name.
    ///
    /// # Errors
    /// On storage failure.
    pub async fn agencies(&self) -> Result<Vec<AgencyRecord>> {
        Ok(self.db.list_agencies().await?)
    }

    /// The agencies a reporter can address about a place: national bodies and those serving
    /// the place or a region around it (with no place: national and provincial ones).
    ///
    /// # Errors
    /// On storage failure.
    pub async fn agencies_serving(&self, region: Option<&RegionCode>) -> Result<Vec<AgencyRecord>> {
        let lineage = region.map(RegionCode::lineage).unwrap_or_default();
        let codes: Vec<&str> = lineage.iter().map(RegionCode::as_str).collect();
        Ok(self.db.list_agencies_serving(&codes).await?)
    }

    /// Display names by agency code, for the codes that exist (one query).
    ///
    /// # Errors
    /// On storage failure.
    pub async fn agency_names(
        &self,
        codes: &[&str],
    ) -> Result<std::collections::HashMap<String, String>> {
        Ok(self.db.agency_names(codes).await?.into_iter().collect())
    }

    /// # Errors
    /// On storage failure.
    pub async fn agency(&self, code: &str) -> Result<Option<AgencyRecord>> {
        Ok(self.db.find_agency(code).await?)
    }

    /// Creates one agency; the workflow knows it at once (routing, zone, calendar).
    ///
    /// # Errors
    /// [`AppError::Invalid`] for bad fields, a taken code or an unknown parent.
    pub async fn create_agency(&self, agency: &NewAgency) -> Result<AgencyRecord> {
        let record = self.insert_agency(agency).await?;
        self.reload_policy().await?;
        Ok(record)
    }

    /// Whether follow-ups of `agency`'s units wait for its admin's approval.
    ///
    /// # Errors
    /// [`AppError::Invalid`] for an unknown agency.
    pub async fn set_requires_approval(&self, agency: &str, required: bool) -> Result<()> {
        match self.db.set_requires_approval(agency, required).await {
            Err(StoreError::UnknownReference(_)) => {
                Err(ValidationErrors::single("agency", Problem::UnknownAgency).into())
            }
            other => other.map_err(AppError::from),
        }?;
        self.reload_policy().await
    }

    /// Creates one agency without telling the workflow yet (bulk loads reload once at the end).
    pub(crate) async fn insert_agency(&self, agency: &NewAgency) -> Result<AgencyRecord> {
        if let Some(parent_code) = &agency.parent_code {
            let parent = self.db.find_agency(parent_code).await?;
            match parent {
                None => {
                    return Err(ValidationErrors::single("parent", Problem::UnknownAgency).into());
                }
                Some(p) if !agency.kind.may_have_parent(p.kind) => {
                    return Err(ValidationErrors::single("parent", Problem::InvalidValue).into());
                }
                Some(_) => {}
            }
        }
        self.db
            .insert_agency(agency, self.now())
            .await
            .map_err(|e| match e {
                StoreError::Conflict(_) => {
                    ValidationErrors::single("code", Problem::AlreadyTaken).into()
                }
                StoreError::UnknownReference(_) => {
                    ValidationErrors::single("parent", Problem::UnknownAgency).into()
                }
                other => other.into(),
            })
    }

    /// Imports agencies from CSV with the header `code,name,kind,parent,regions` (regions
    /// separated by `;`). The whole file is checked before anything is stored, so a bad row
    /// leaves the database untouched; codes that already exist are skipped, which makes the
    /// import safe to re-run. `progress(done, total)` is called as rows are stored.
    ///
    /// # Errors
    /// The first bad row, by line number.
    pub async fn import_agencies<R: std::io::Read>(
        &self,
        reader: R,
        mut progress: impl FnMut(usize, usize),
    ) -> Result<AgencyImport, ImportError> {
        let mut csv = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(reader);
        let mut rows = Vec::new();
        for record in csv.records() {
            let record = record.map_err(|e| ImportError::Csv {
                line: e.position().map_or(0, csv::Position::line),
                message: e.to_string(),
            })?;
            let line = record.position().map_or(0, csv::Position::line);
            let field = |i: usize| record.get(i).unwrap_or("");
            let regions: Vec<&str> = field(4).split(';').collect();
            let parent = Some(field(3)).filter(|p| !p.is_empty());
            let agency = NewAgency::validate(field(0), field(1), field(2), parent, &regions)
                .map_err(|errors| ImportError::Invalid { line, errors })?;
            rows.push((line, agency));
        }
        // Every rule that involves another agency is checked here too, against the stored
        // agencies and the earlier rows, so nothing is stored unless every row can be.
        let mut known: HashMap<String, AgencyKind> = self
            .db
            .list_agencies()
            .await
            .map_err(AppError::from)?
            .into_iter()
            .map(|a| (a.code, a.kind))
            .collect();
        let existing: HashSet<String> = known.keys().cloned().collect();
        for (line, agency) in &rows {
            if let Some(parent) = &agency.parent_code {
                match known.get(parent) {
                    None => {
                        return Err(ImportError::UnknownParent {
                            line: *line,
                            parent: parent.clone(),
                        });
                    }
                    Some(kind) if !agency.kind.may_have_parent(*kind) => {
                        return Err(ImportError::Invalid {
                            line: *line,
                            errors: ValidationErrors::single("parent", Problem::InvalidValue),
                        });
                    }
                    Some(_) => {}
                }
            }
            known.entry(agency.code.clone()).or_insert(agency.kind);
        }
        let total = rows.len();
        let mut summary = AgencyImport {
            created: 0,
            skipped: 0,
        };
        for (i, (line, agency)) in rows.iter().enumerate() {
            if existing.contains(&agency.code) {
                summary.skipped += 1;
            } else {
                self.insert_agency(agency).await.map_err(|e| match e {
                    AppError::Invalid(errors) => ImportError::Invalid {
                        line: *line,
                        errors,
                    },
                    other => ImportError::App(other),
                })?;
                summary.created += 1;
            }
            progress(i + 1, total);
        }
        self.reload_policy().await.map_err(ImportError::App)?;
        Ok(summary)
    }
}
