//! Conformance suite of the storage seam: every public function of `Db`, written once as a
//! scenario and run on SQLite (always, a temporary file per test) and on PostgreSQL (a fresh
//! schema per test) when `LAPOR_TEST_DATABASE_URL` is set, e.g.
//!
//! ```sh
//! psql -h 127.0.0.1 -U postgres -c 'CREATE DATABASE lapor_ci'
//! LAPOR_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/lapor_ci cargo test -p lapor-store --test conformance
//! ```
//!
//! Without the variable each `*_postgres` test prints why it was skipped and passes.

#[path = "conformance/accounts.rs"]
mod accounts;
#[path = "conformance/channels.rs"]
mod channels;
#[path = "conformance/concurrency.rs"]
mod concurrency;
#[path = "conformance/duplicates.rs"]
mod duplicates;
#[path = "conformance/fixtures.rs"]
mod fixtures;
#[path = "conformance/harness.rs"]
mod harness;
#[path = "conformance/open311.rs"]
mod open311;
#[path = "conformance/public_list.rs"]
mod public_list;
#[path = "conformance/reference.rs"]
mod reference;
#[path = "conformance/reports.rs"]
mod reports;
#[path = "conformance/workflow.rs"]
mod workflow;

use lapor_store::{Backend, Db};

use crate::harness::{Ctx, conformance};

conformance! {
    reference::connect_and_migrate => connect_and_migrate_sqlite, connect_and_migrate_postgres;
    reference::close_ends_the_handle => close_sqlite, close_postgres;
    reference::categories => categories_sqlite, categories_postgres;
    reference::regions_with_progress => regions_sqlite, regions_postgres;
    reference::full_region_table => full_region_table_sqlite, full_region_table_postgres;
    accounts::agencies => agencies_sqlite, agencies_postgres;
    accounts::agencies_serving => agencies_serving_sqlite, agencies_serving_postgres;
    accounts::agency_names => agency_names_sqlite, agency_names_postgres;
    accounts::users => users_sqlite, users_postgres;
    accounts::sessions => sessions_sqlite, sessions_postgres;
    reports::submit_round_trip => submit_round_trip_sqlite, submit_round_trip_postgres;
    reports::all_codes_round_trip => all_codes_round_trip_sqlite, all_codes_round_trip_postgres;
    reports::reporter_contact => reporter_contact_sqlite, reporter_contact_postgres;
    reports::first_event => first_event_sqlite, first_event_postgres;
    reports::idempotency => idempotency_sqlite, idempotency_postgres;
    reports::failed_submissions_store_nothing => failed_submissions_store_nothing_sqlite, failed_submissions_store_nothing_postgres;
    reports::transitions => transitions_sqlite, transitions_postgres;
    reports::public_history => public_history_sqlite, public_history_postgres;
    reports::history_is_append_only => history_is_append_only_sqlite, history_is_append_only_postgres;
    reports::reports_of_user => reports_of_user_sqlite, reports_of_user_postgres;
    reports::idempotency_keys_expire => idempotency_keys_expire_sqlite, idempotency_keys_expire_postgres;
    reports::late_failures_roll_back => late_failures_roll_back_sqlite, late_failures_roll_back_postgres;
    public_list::public_list => public_list_sqlite, public_list_postgres;
    open311::requests => open311_requests_sqlite, open311_requests_postgres;
    open311::client_updates => open311_client_updates_sqlite, open311_client_updates_postgres;
    concurrency::concurrent_submissions => concurrent_submissions_sqlite, concurrent_submissions_postgres;
    concurrency::a_bad_submission_does_not_sink_the_others => a_bad_submission_does_not_sink_the_others_sqlite,
        a_bad_submission_does_not_sink_the_others_postgres;
    concurrency::concurrent_replays => concurrent_replays_sqlite, concurrent_replays_postgres;
    workflow::apply_writes_a_whole_step => apply_writes_a_whole_step_sqlite, apply_writes_a_whole_step_postgres;
    workflow::apply_is_all_or_nothing => apply_is_all_or_nothing_sqlite, apply_is_all_or_nothing_postgres;
    workflow::escalations_happen_once => escalations_happen_once_sqlite, escalations_happen_once_postgres;
    workflow::jobs_are_claimed_retried_and_finished => jobs_are_claimed_retried_and_finished_sqlite,
        jobs_are_claimed_retried_and_finished_postgres;
    workflow::concurrent_claims_never_overlap => concurrent_claims_never_overlap_sqlite,
        concurrent_claims_never_overlap_postgres;
    workflow::inbox_scopes => inbox_scopes_sqlite, inbox_scopes_postgres;
    workflow::settings_and_holidays => settings_and_holidays_sqlite, settings_and_holidays_postgres;
    channels::inbound_messages_make_one_report => inbound_messages_make_one_report_sqlite,
        inbound_messages_make_one_report_postgres;
    channels::inbound_replies_apply_once => inbound_replies_apply_once_sqlite,
        inbound_replies_apply_once_postgres;
    channels::reports_awaiting_reply => reports_awaiting_reply_sqlite, reports_awaiting_reply_postgres;
    channels::api_clients => api_clients_sqlite, api_clients_postgres;
    channels::rate_limit_counters => rate_limit_counters_sqlite, rate_limit_counters_postgres;
    channels::delivery_log => delivery_log_sqlite, delivery_log_postgres;
    channels::first_setting_wins => first_setting_wins_sqlite, first_setting_wins_postgres;
    duplicates::comparisons_and_candidates => comparisons_and_candidates_sqlite,
        comparisons_and_candidates_postgres;
    duplicates::links_are_append_only => links_are_append_only_sqlite, links_are_append_only_postgres;

    // Found by this suite: racing duplicate phones, TRUNCATE on PostgreSQL, nested units.
    concurrency::concurrent_registrations => concurrent_registrations_sqlite,
        concurrent_registrations_postgres;
    reports::history_survives_truncate => history_survives_truncate_sqlite,
        history_survives_truncate_postgres;
    public_list::agency_filter_covers_nested_units =>
        agency_filter_covers_nested_units_sqlite,
        agency_filter_covers_nested_units_postgres;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unsupported_urls_are_refused() {
    reference::unsupported_urls().await;
}

/// Both migration folders: the same versions and descriptions, and (with PostgreSQL) the same
/// tables and columns once applied.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migration_parity() {
    let sqlite_list = Db::migrations(Backend::Sqlite);
    assert!(!sqlite_list.is_empty());
    assert_eq!(
        sqlite_list,
        Db::migrations(Backend::Postgres),
        "same versions and descriptions"
    );

    let sqlite = Ctx::sqlite().await;
    let mut raw = sqlite.raw().await;
    let sqlite_schema = raw.tables_and_columns().await;
    raw.close().await;
    sqlite.db.close().await;
    let tables: Vec<&str> = sqlite_schema.keys().map(String::as_str).collect();
    assert_eq!(
        tables,
        [
            "agencies",
            "agency_regions",
            "api_clients",
            "attachments",
            "categories",
            "deliveries",
            "escalations",
            "follow_ups",
            "holidays",
            "idempotency_keys",
            "inbound_messages",
            "jobs",
            "notifications",
            "rate_limits",
            "regions",
            "report_events",
            "report_files",
            "report_fingerprints",
            "report_links",
            "report_units",
            "reporters",
            "reports",
            "routing_models",
            "routing_rules",
            "sessions",
            "settings",
            "step_outcomes",
            "users"
        ]
    );
    assert!(sqlite_schema.values().all(|columns| !columns.is_empty()));

    let Some(pg) = Ctx::postgres().await else {
        return;
    };
    harness::run(pg, move |pg| async move {
        let mut raw = pg.raw().await;
        let pg_schema = raw.tables_and_columns().await;
        raw.close().await;
        assert_eq!(
            sqlite_schema, pg_schema,
            "tables and columns differ between the backends"
        );
    })
    .await;
}
