//! "Laporan serupa" on the officer's case page, over HTTP as a browser without JavaScript:
//! the demo's near-duplicates of its first report are linked, a group is answered once from
//! the follow-up form, and neither other agencies nor the public see the links.

#![allow(clippy::unwrap_used)]

mod common;
#[path = "common/officers.rs"]
mod officers;

use axum::http::StatusCode;
use lapor_domain::status::Status;
use lapor_domain::tracking::ReportNumber;
use officers::{PROVINCE, Who, World, form, input_value, pdf};

/// The demo's second report (a pothole on Jalan Tjilik Riwut km 5) and the two demo reports
/// that repeat it, not verified yet: the same reporter sending it again, and a neighbour in
/// other words.
const ORIGINAL: &str = "0000002";
const RESENT: &str = "0000011";
const NEIGHBOUR: &str = "0000012";

fn section(html: &str) -> Option<&str> {
    let start = html.find("id=\"similar\"")?;
    Some(&html[start..start + html[start..].find("</table>")?])
}

#[tokio::test]
async fn near_duplicates_of_a_demo_report_are_linked_on_its_officer_page() {
    let w = World::new().await;
    // The national admin verifying them sees them linked to the report they repeat.
    let page = w
        .get(Who::Nasional, &format!("/petugas/laporan/{ORIGINAL}"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Laporan serupa"), "{}", page.body);
    let similar = section(&page.body).unwrap();
    assert!(similar.contains(&format!("href=\"/petugas/laporan/{RESENT}\"")));
    assert!(similar.contains(&format!("href=\"/petugas/laporan/{NEIGHBOUR}\"")));
    assert!(similar.contains("Dikirim ulang"), "{similar}");
    assert!(similar.contains("Masalah yang sama"), "{similar}");
    assert!(similar.contains("Lubang besar di Jalan Tjilik Riwut km 5 belum ditambal"));
    // Nothing of who sent them.
    assert!(!similar.contains("Agus Salim") && !similar.contains("0812345000"));

    // Linked both ways, and in English too.
    let english = w
        .get(Who::Nasional, &format!("/petugas/laporan/{RESENT}?lang=en"))
        .await;
    let similar = section(&english.body).unwrap();
    assert!(similar.contains(&format!("href=\"/petugas/laporan/{ORIGINAL}\"")));
    assert!(english.body.contains("Similar reports") && similar.contains("Sent again"));
    // The unit does not see reports that were not disposed to it.
    let page = w
        .get(Who::Unit, &format!("/petugas/laporan/{ORIGINAL}"))
        .await;
    assert!(section(&page.body).is_none());
}

#[tokio::test]
async fn a_group_is_answered_once_from_the_follow_up_form() {
    let w = World::new().await;
    for number in [RESENT, NEIGHBOUR] {
        w.act(
            Who::Nasional,
            number,
            officers::verify_to_city("Jalan Tjilik Riwut km 5 berlubang"),
        )
        .await;
        w.act(
            Who::Instansi,
            number,
            lapor_app::Command::Dispose {
                units: vec![officers::PUPR.to_owned()],
            },
        )
        .await;
    }
    let path = format!("/petugas/laporan/{RESENT}");
    let page = w.get(Who::Unit, &path).await;
    let follow_up = form(&page.body, "form-follow_up").unwrap();
    // The original already has PUPR's answer waiting for approval; the neighbour's report is
    // the one more the answer can reach.
    assert!(
        follow_up.contains("Terapkan juga ke 1 laporan serupa"),
        "{follow_up}"
    );
    let version = input_value(follow_up, "version");
    let answer = "Lubang di Jalan Tjilik Riwut km 5 sudah ditambal pada 24 November.";
    let reply = w
        .post_multipart(
            Who::Unit,
            &format!("{path}/langkah"),
            &[
                ("version", &version),
                ("action", "follow_up"),
                ("text", answer),
                ("group", "1"),
            ],
            &[("attachment", "berita-acara.pdf", &pdf())],
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);

    let unit = w.officer(Who::Unit).await;
    for number in [RESENT, NEIGHBOUR] {
        let number = ReportNumber::parse(number).unwrap();
        let case = w.t.app.case(&unit, number).await.unwrap();
        assert_eq!(
            case.follow_ups.len(),
            1,
            "report {number} has its own follow-up"
        );
        assert_eq!(case.follow_ups[0].body, answer);
        // The file stays with the report it was written for: it may name that reporter.
        let files = usize::from(number.to_string() == RESENT);
        assert_eq!(case.follow_ups[0].attachments.len(), files);
        // The city reviews its units' answers: each waits for approval on its own report.
        assert_eq!(w.state(number).await.1, Status::FollowedUp);
    }
    // The original keeps its one earlier answer.
    let original = ReportNumber::parse(ORIGINAL).unwrap();
    let case = w.t.app.case(&unit, original).await.unwrap();
    assert_eq!(case.follow_ups.len(), 1);
    assert_ne!(case.follow_ups[0].body, answer);

    // A follow-up without the box ticked stays on its report (the neighbour's is done, so
    // nothing would be reached anyway; the page no longer offers it).
    let page = w.get(Who::Unit, &path).await;
    assert!(!page.body.contains("follow_up-group"));
}

#[tokio::test]
async fn other_agencies_and_the_public_see_nothing_of_the_links() {
    let w = World::new().await;
    // The same pothole reported again, and routed to the province by mistake.
    let (number, _) = w
        .t
        .file(serde_json::json!({
            "title": "Lubang besar di Jalan Tjilik Riwut km 5 belum ditambal",
            "body": "Lubang besar di Jalan Tjilik Riwut km 5 dekat simpang sudah sebulan belum ditambal. Malam hari gelap tanpa penerangan, kemarin pengendara motor jatuh di sana.",
            "region_code": "62.71.03",
            "reporter": {"name": "Pelapor Provinsi", "phone": "0812 3333 4444"},
        }))
        .await;
    w.t.app.sweep().await.unwrap();
    w.act(
        Who::Nasional,
        &number,
        lapor_app::Command::Verify {
            title: "Lubang besar di Jalan Tjilik Riwut km 5".into(),
            classification: "pengaduan".into(),
            category: Some("pekerjaan_umum.jalan_jembatan".into()),
            handling_class: "biasa".into(),
            agency: PROVINCE.into(),
            anonymous: false,
            confidential: false,
        },
    )
    .await;

    // The national admin sees it linked to the city's reports.
    let page = w
        .get(Who::Nasional, &format!("/petugas/laporan/{number}"))
        .await;
    let similar = section(&page.body).unwrap();
    assert!(similar.contains(&format!("href=\"/petugas/laporan/{ORIGINAL}\"")));

    // The province sees its report, and nothing of the city's linked to it.
    let page = w
        .get(Who::InstansiLain, &format!("/petugas/laporan/{number}"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(section(&page.body).is_none(), "{}", page.body);
    assert!(
        !page
            .body
            .contains(&format!("/petugas/laporan/{ORIGINAL}\""))
    );
    assert!(!page.body.contains("follow_up-group"));
    // The city does not see the province's report among the original's.
    let page = w
        .get(Who::Instansi, &format!("/petugas/laporan/{ORIGINAL}"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(section(&page.body).is_none_or(|s| !s.contains(&number)));
    // A sibling unit does not reach the original at all.
    let page = w
        .get(Who::UnitLain, &format!("/petugas/laporan/{ORIGINAL}"))
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);

    // The public page of a linked report says nothing of the links.
    for n in [ORIGINAL, number.as_str()] {
        let page = w.get(Who::Tamu, &format!("/laporan/{n}")).await;
        assert_eq!(page.status, StatusCode::OK, "{n}");
        assert!(!page.body.contains("Laporan serupa") && !page.body.contains("id=\"similar\""));
        assert!(!page.body.contains("/petugas/laporan/"));
    }
}
