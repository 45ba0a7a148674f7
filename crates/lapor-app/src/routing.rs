//! Automatic routing in the product: suggestions for the national admin's routing form and
//! the agency admin's disposisi form, training on the deployment's confirmed routings, the
//! rules national admins edit, and (where switched on) routing above a confidence threshold.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use lapor_domain::event::EventKind;
use lapor_domain::region::RegionCode;
use lapor_domain::status::{Action, Status};
use lapor_domain::{Problem, ValidationErrors};
use lapor_router::directory::Directory;
use lapor_router::features::report_words;
use lapor_router::model::{Example, Model, TrainOptions};
use lapor_router::place;
use lapor_router::route::{Query, Router, place_features};
use lapor_router::rules::{self, Level, Rule};
use lapor_store::{ReportWithHistory, RoutingRuleRecord};

use crate::{App, AppError, Officer, Result};

pub use lapor_router::route::{Reason, Routing, Suggestion};

/// Setting: route automatically when the first suggestion is at least this sure (0.3–1;
/// below 0.6 a rule alone, without a trained model, can be enough); absent or empty: never
/// (the default).
pub const AUTO_ROUTE_SETTING: &str = "routing.auto_threshold";

/// How long a process uses its router before checking for a new model or changed agencies.
const ROUTER_TTL: Duration = Duration::from_secs(30);

/// Fewest confirmed routings worth learning from, and how many new ones make a retrain due.
const MIN_EXAMPLES: usize = 30;
const RETRAIN_AFTER: i64 = 200;
/// The newest confirmed routings a model learns from (practice changes; old ones fade out).
const TRAINING_WINDOW: i64 = 50_000;

/// A process's router and where it came from.
pub(crate) struct Loaded {
    router: Arc<Router>,
    model_version: Option<i64>,
    /// When the model version was last checked.
    checked: Instant,
    /// When it was built: rules and agencies changed by other processes are read again
    /// after [`REBUILD_AFTER`] even if the model did not change.
    built: Instant,
}

/// Longest a router is used before it is built again from the database.
const REBUILD_AFTER: Duration = Duration::from_secs(300);

/// The loaded router, and the number of confirmed routings at the last training attempt that
/// learned nothing (one agency only), so the sweep does not retry it every minute.
#[derive(Default)]
pub(crate) struct RouterCache {
    loaded: RwLock<Option<Loaded>>,
    fruitless_at: AtomicI64,
}

/// What a training run did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trained {
    pub version: i64,
    pub examples: usize,
    pub roles: usize,
}

/// The model in use, for the console and the CLI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelInfo {
    pub version: i64,
    pub trained_at: DateTime<Utc>,
    pub examples: i64,
    pub roles: i64,
}

fn level_of(code: &str) -> Option<Level> {
    Level::from_code(code)
}

impl App {
    /// The router, rebuilt when a new model was trained (by any process) or the TTL passed.
    ///
    /// # Errors
    /// On storage failure or a damaged stored model.
    pub async fn router(&self) -> Result<Arc<Router>> {
        let read = || {
            self.router_cache
                .loaded
                .read()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        };
        if let Some(loaded) = read().as_ref()
            && loaded.checked.elapsed() < ROUTER_TTL
        {
            return Ok(loaded.router.clone());
        }
        let latest = self
            .db
            .latest_routing_model_version()
            .await?
            .map(|(id, _)| id);
        let cached = read()
            .as_ref()
            .filter(|l| l.model_version == latest && l.built.elapsed() < REBUILD_AFTER)
            .map(|l| (l.router.clone(), l.built));
        let (router, built) = match cached {
            Some(kept) => kept,
            None => (Arc::new(self.build_router().await?), Instant::now()),
        };
        *self
            .router_cache
            .loaded
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(Loaded {
            router: router.clone(),
            model_version: latest,
            checked: Instant::now(),
            built,
        });
        Ok(router)
    }

    fn forget_router(&self) {
        *self
            .router_cache
            .loaded
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = None;
    }

    async fn directory(&self) -> Result<Directory> {
        let agencies = self.db.list_agencies().await?;
        Ok(Directory::new(agencies.into_iter().map(|a| {
            let regions = a
                .regions
                .iter()
                .filter_map(|r| RegionCode::parse(r).ok())
                .collect();
            (a.code, a.name, a.kind, a.parent_code, regions)
        })))
    }

    async fn build_router(&self) -> Result<Router> {
        let model = match self.db.latest_routing_model().await? {
            Some(stored) => Some(Model::decode(&stored.model).map_err(|error| {
                tracing::error!(version = stored.id, %error, "stored routing model unreadable");
                AppError::Internal("stored routing model unreadable")
            })?),
            None => None,
        };
        Ok(Router::new(
            self.directory().await?,
            self.routing_rules().await?,
            model,
        ))
    }

    /// The rules in force: the defaults, with national admins' edits applied.
    ///
    /// # Errors
    /// On storage failure.
    pub async fn routing_rules(&self) -> Result<Vec<Rule>> {
        let mut rules = rules::default_rules();
        for edited in self.db.routing_rules().await? {
            let Some(level) = level_of(&edited.level) else {
                continue;
            };
            rules.retain(|r| !(r.category == edited.category && r.level == level));
            rules.push(Rule {
                category: edited.category,
                level,
                role_hint: edited.role_hint,
            });
        }
        rules.sort_by(|a, b| {
            a.category
                .cmp(&b.category)
                .then(a.level.code().cmp(b.level.code()))
        });
        Ok(rules)
    }

    /// A national admin (or the operator, `officer` = `None`, through the CLI) sets the rule
    /// for a category at a level of government: reports of that category go to the agency
    /// whose name has the words of `role_hint`.
    ///
    /// # Errors
    /// [`AppError::Forbidden`] for any officer but a national admin; [`AppError::Invalid`] for
    /// an unknown category or level or an empty hint.
    pub async fn set_routing_rule(
        &self,
        officer: Option<&Officer>,
        category: &str,
        level: &str,
        role_hint: &str,
    ) -> Result<()> {
        if officer.is_some_and(|o| !o.is_national()) {
            return Err(AppError::Forbidden);
        }
        let mut errors = ValidationErrors::default();
        if !self.categories.iter().any(|c| c.code == category) {
            errors.add("category", Problem::UnknownCategory);
        }
        if level_of(level).is_none() {
            errors.add("level", Problem::InvalidValue);
        }
        let hint = lapor_router::text::normalise(role_hint);
        if hint.is_empty() {
            errors.add("role_hint", Problem::Required);
        } else if hint.len() > 100 {
            errors.add("role_hint", Problem::TooLong { max: 100 });
        }
        errors.into_result(()).map_err(AppError::Invalid)?;
        let rule = RoutingRuleRecord {
            category: category.to_owned(),
            level: level.to_owned(),
            role_hint: hint,
        };
        self.db
            .set_routing_rule(&rule, officer.map(|o| o.user_id), self.now())
            .await?;
        self.forget_router();
        Ok(())
    }

    /// Suggestions for a report: for national routing (`within` = `None`), or among the units
    /// of the agency `within` (disposisi). Agencies that returned the report as bukan
    /// wewenang are never suggested again.
    ///
    /// # Errors
    /// On storage failure.
    pub async fn suggest(
        &self,
        report: &ReportWithHistory,
        within: Option<&str>,
    ) -> Result<Routing> {
        let router = self.router().await?;
        let r = &report.record.report;
        let exclude: Vec<String> = report
            .history
            .iter()
            .filter_map(|e| match &e.event.kind {
                EventKind::Transition {
                    action: Action::ReturnNotAuthority,
                    agency: Some(agency),
                    ..
                } => Some(agency.clone()),
                _ => None,
            })
            .collect();
        let query = Query {
            title: &r.title,
            body: &r.body,
            address: r.location.address.as_deref().unwrap_or(""),
            category: r.category.as_deref(),
            region: Some(&r.location.region),
            exclude: &exclude,
            within,
        };
        Ok(router.suggest(&query))
    }

    /// Learns a new model from the confirmed routings and stores it as the next version.
    ///
    /// # Errors
    /// [`AppError::Invalid`] (`routing`) when there are too few confirmed routings or only one
    /// agency among them; storage failures.
    pub async fn train_router(&self) -> Result<Trained> {
        let confirmed = self.db.confirmed_routings(TRAINING_WINDOW).await?;
        let directory = self.directory().await?;
        let examples: Vec<Example> = confirmed
            .into_iter()
            .filter_map(|c| {
                let role = directory.get(&c.agency)?.role.clone();
                let words = report_words(&[&c.title, &c.body, c.address.as_deref().unwrap_or("")]);
                let region = RegionCode::parse(&c.region).ok();
                let (located, _) = place::locate(&words, region.as_ref());
                Some(Example {
                    places: place_features(located.as_ref()),
                    words,
                    role,
                })
            })
            .collect();
        let mut roles: Vec<&str> = examples.iter().map(|e| e.role.as_str()).collect();
        roles.sort_unstable();
        roles.dedup();
        if examples.len() < MIN_EXAMPLES || roles.len() < 2 {
            return Err(AppError::Invalid(ValidationErrors::single(
                "routing",
                Problem::InvalidValue,
            )));
        }
        // Training is seconds of CPU: keep it off the async workers.
        let (bytes, examples, roles) = tokio::task::spawn_blocking(move || {
            let model = Model::train(&examples, TrainOptions::default());
            (model.encode(), examples.len(), model.roles().len())
        })
        .await
        .map_err(|_| AppError::Internal("training stopped"))?;
        let version = self
            .db
            .insert_routing_model(
                &bytes,
                i64::try_from(examples).unwrap_or(i64::MAX),
                i64::try_from(roles).unwrap_or(i64::MAX),
                self.now(),
            )
            .await?;
        self.forget_router();
        tracing::info!(version, examples, roles, "routing model trained");
        Ok(Trained {
            version,
            examples,
            roles,
        })
    }

    /// Retrains when enough routings were confirmed since the model in use (run by the sweep).
    ///
    /// # Errors
    /// Storage failures.
    pub async fn retrain_router_if_due(&self) -> Result<Option<Trained>> {
        // Training reads at most the window, so more confirmed routings than that never make
        // the model "behind".
        let confirmed = self
            .db
            .count_confirmed_routings()
            .await?
            .min(TRAINING_WINDOW);
        let trained_on = self
            .db
            .latest_routing_model_version()
            .await?
            .map_or(0, |(_, examples)| examples);
        let due = confirmed >= MIN_EXAMPLES as i64
            && confirmed - trained_on.min(confirmed)
                >= RETRAIN_AFTER.min(confirmed / 10 + MIN_EXAMPLES as i64)
            && confirmed != self.router_cache.fruitless_at.load(Ordering::Relaxed);
        if !due {
            return Ok(None);
        }
        match self.train_router().await {
            Ok(t) => Ok(Some(t)),
            // A single agency among the confirmed routings: nothing to learn until more come.
            Err(AppError::Invalid(_)) => {
                self.router_cache
                    .fruitless_at
                    .store(confirmed, Ordering::Relaxed);
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// The model in use.
    ///
    /// # Errors
    /// On storage failure.
    pub async fn routing_model(&self) -> Result<Option<ModelInfo>> {
        Ok(self.db.latest_routing_model().await?.map(|m| ModelInfo {
            version: m.id,
            trained_at: m.trained_at,
            examples: m.examples,
            roles: m.roles,
        }))
    }

    /// The confidence above which reports are routed without the national admin, if on.
    fn auto_route_threshold(&self) -> Option<f32> {
        self.policy().auto_route_threshold
    }

    /// Routes a new report by itself when the deployment allows it and the router is sure
    /// enough; the step is an event like any other and the national admin can undo it.
    /// Returns whether it routed.
    pub(crate) async fn auto_route(&self, report: &ReportWithHistory) -> Result<bool> {
        let Some(threshold) = self.auto_route_threshold() else {
            return Ok(false);
        };
        let r = &report.record.report;
        // Only new reports no one has touched: a report that was held, questioned, returned
        // as bukan wewenang or undone is the national admin's.
        let touched = report
            .history
            .iter()
            .any(|e| matches!(e.event.kind, EventKind::Transition { .. }));
        if r.status != Status::Unverified || r.target_agency.is_some() || touched {
            return Ok(false);
        }
        let routing = self.suggest(report, None).await?;
        let Some(best) = routing
            .suggestions
            .first()
            .filter(|s| s.confidence >= threshold)
        else {
            return Ok(false);
        };
        let why = format!(
            "{} ({}%)",
            best.reasons
                .iter()
                .map(|x| x.describe(false))
                .collect::<Vec<_>>()
                .join("; "),
            (best.confidence * 100.0).round()
        );
        self.route_by_system(
            report,
            Action::AutoRoute,
            &best.agency,
            Some(why),
            self.now(),
        )
        .await?;
        Ok(true)
    }
}
