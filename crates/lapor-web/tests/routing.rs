//! Automatic routing as officers meet it: suggestions with reasons on the routing and
//! disposisi forms, prefilled; bukan wewenang excluded; automatic routing that can be undone;
//! a model learned from the deployment's own confirmed routings.

#![allow(clippy::unwrap_used)]

mod common;
#[path = "common/officers.rs"]
mod officers;

use axum::http::StatusCode;
use lapor_app::Command;
use lapor_domain::event::EventKind;
use lapor_domain::status::{Action, Status};
use lapor_domain::tracking::ReportNumber;
use officers::{CITY, Who, World, form, input_value};

const DISHUB: &str = "pemkot-palangkaraya.dishub";

/// The agency codes of the suggestions in a form, in order.
fn suggested(html: &str, id: &str) -> Vec<String> {
    let Some(start) = html.find(&format!("id=\"{id}\"")) else {
        return Vec::new();
    };
    let section = &html[start..start + html[start..].find("</section>").unwrap()];
    section
        .split("data-agency=\"")
        .skip(1)
        .map(|s| s[..s.find('"').unwrap()].to_owned())
        .collect()
}

async fn number_of(w: &World, title: &str) -> String {
    w.t.number_of(title).await
}

#[tokio::test]
async fn the_demo_street_light_report_suggests_the_city_transport_office_with_reasons() {
    let w = World::new().await;
    let number = number_of(&w, "Lampu PJU mati di Jl. Tjilik Riwut").await;
    let page = w
        .get(Who::Nasional, &format!("/petugas/laporan/{number}"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let verify = form(&page.body, "form-verify").unwrap();
    let agencies = suggested(verify, "verify-suggestions");
    assert_eq!(
        agencies.first().map(String::as_str),
        Some(DISHUB),
        "{agencies:?}"
    );
    assert!(agencies.len() <= 3);
    // The reasons an officer can check: the place found in the text, the words and the rule.
    assert!(verify.contains("Kota Palangkaraya"), "{verify}");
    assert!(verify.contains("“pju”"), "{verify}");
    assert!(verify.contains("Perhubungan"));
    // The routing form is prefilled with the first suggestion.
    assert!(
        verify.contains(&format!("<option value=\"{DISHUB}\" selected>")),
        "{verify}"
    );
    // In English too.
    let page = w
        .get(Who::Nasional, &format!("/petugas/laporan/{number}?lang=en"))
        .await;
    assert!(page.body.contains("Suggested routing"), "{}", page.body);
    assert!(page.body.contains("Place: Kota Palangkaraya"));
}

#[tokio::test]
async fn an_agency_that_returns_a_report_as_bukan_wewenang_is_not_suggested_again() {
    let w = World::new().await;
    let number = number_of(&w, "Lampu PJU mati di Jl. Tjilik Riwut").await;
    w.act(
        Who::Nasional,
        &number,
        Command::Verify {
            title: "Lampu PJU mati di Jl. Tjilik Riwut".to_owned(),
            classification: "pengaduan".to_owned(),
            category: None,
            handling_class: "biasa".to_owned(),
            agency: CITY.to_owned(),
            anonymous: false,
            confidential: false,
        },
    )
    .await;
    w.act(
        Who::Instansi,
        &number,
        Command::ReturnNotAuthority {
            reason: "Jalan Tjilik Riwut km 5 adalah jalan provinsi.".to_owned(),
            suggested_agency: None,
        },
    )
    .await;
    let page = w
        .get(Who::Nasional, &format!("/petugas/laporan/{number}"))
        .await;
    let verify = form(&page.body, "form-verify").unwrap();
    let agencies = suggested(verify, "verify-suggestions");
    assert!(!agencies.is_empty());
    assert!(
        agencies.iter().all(|a| !a.starts_with(CITY)),
        "neither the city nor its units: {agencies:?}"
    );
    assert_eq!(agencies[0], "pemprov-kalteng.dishub", "{agencies:?}");
}

#[tokio::test]
async fn the_disposisi_form_suggests_and_ticks_the_unit() {
    let w = World::new().await;
    let (number, _) = w
        .t
        .file(serde_json::json!({
            "title": "Sampah menumpuk di TPS Jalan Rajawali",
            "body": "Sampah di TPS Jalan Rajawali sudah seminggu tidak diangkut, baunya menyengat dan banyak lalat.",
            "region_code": "62.71.02",
            "reporter": {"name": "Budi Pelapor", "phone": "0812 7777 1111"},
        }))
        .await;
    w.act(
        Who::Nasional,
        &number,
        Command::Verify {
            title: "Sampah menumpuk di TPS Jalan Rajawali".to_owned(),
            classification: "pengaduan".to_owned(),
            category: None,
            handling_class: "biasa".to_owned(),
            agency: CITY.to_owned(),
            anonymous: false,
            confidential: false,
        },
    )
    .await;
    let page = w
        .get(Who::Instansi, &format!("/petugas/laporan/{number}"))
        .await;
    let dispose = form(&page.body, "form-dispose").unwrap();
    let units = suggested(dispose, "dispose-suggestions");
    assert_eq!(
        units.first().map(String::as_str),
        Some("pemkot-palangkaraya.dlh"),
        "{units:?}"
    );
    assert!(units.iter().all(|u| u.starts_with("pemkot-palangkaraya.")));
    assert!(
        dispose.contains("value=\"pemkot-palangkaraya.dlh\" checked"),
        "{dispose}"
    );
}

#[tokio::test]
async fn automatic_routing_is_an_event_and_the_national_admin_can_undo_it() {
    let w = World::new().await;
    w.t.app
        .set_setting(lapor_app::routing::AUTO_ROUTE_SETTING, "0,4")
        .await
        .unwrap();
    let (number, _) = w
        .t
        .file(serde_json::json!({
            "title": "Lampu jalan mati di Jalan Yos Sudarso",
            "body": "Lampu PJU di Jalan Yos Sudarso Palangka Raya mati sejak Senin, jalan gelap gulita.",
            "region_code": "62.71.01",
            "reporter": {"name": "Budi Pelapor", "phone": "0812 7777 1111"},
        }))
        .await;
    let summary = w.t.app.sweep().await.unwrap();
    assert!(summary.routed >= 1);
    let parsed = ReportNumber::parse(&number).unwrap();
    let officer = w.officer(Who::Nasional).await;
    let case = w.t.app.case(&officer, parsed).await.unwrap();
    assert_eq!(case.report.record.report.status, Status::Routed);
    assert_eq!(case.report.record.report.agency.as_deref(), Some(DISHUB));
    let auto = case
        .report
        .history
        .iter()
        .find_map(|e| match &e.event.kind {
            EventKind::Transition {
                action: Action::AutoRoute,
                reason,
                ..
            } => Some(reason.clone().unwrap_or_default()),
            _ => None,
        })
        .expect("an AutoRoute event");
    assert!(
        auto.contains("pju") || auto.contains("Perhubungan"),
        "{auto}"
    );

    // The national admin takes it back.
    let page = w
        .get(Who::Nasional, &format!("/petugas/laporan/{number}"))
        .await;
    assert!(
        page.body.contains("Diteruskan otomatis"),
        "the history says so"
    );
    let undo = form(&page.body, "form-undo_auto_route").expect("the undo form");
    let version = input_value(undo, "version");
    let reply = w
        .post(
            Who::Nasional,
            &format!("/petugas/laporan/{number}/langkah"),
            &[
                ("action", "undo_auto_route"),
                ("version", &version),
                (
                    "reason",
                    "Lampu jalan ini milik provinsi, perlu diperiksa dulu.",
                ),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
    let case = w.t.app.case(&officer, parsed).await.unwrap();
    assert_eq!(case.report.record.report.status, Status::Unverified);
    assert!(case.actions.contains(&Action::Verify));
    // Once undone, the router does not route it again by itself.
    w.t.app.sweep().await.unwrap();
    let case = w.t.app.case(&officer, parsed).await.unwrap();
    assert_eq!(case.report.record.report.status, Status::Unverified);
    // An officer's own routing cannot be "undone" as automatic.
    let page = w
        .get(Who::Nasional, &format!("/petugas/laporan/{number}"))
        .await;
    assert!(form(&page.body, "form-undo_auto_route").is_none());
}

#[tokio::test]
async fn without_the_setting_nothing_is_routed_automatically() {
    let w = World::new().await;
    let number = number_of(&w, "Lampu PJU mati di Jl. Tjilik Riwut").await;
    w.t.app.sweep().await.unwrap();
    let (_, status) = w.state(ReportNumber::parse(&number).unwrap()).await;
    assert_eq!(status, Status::Unverified);
}
