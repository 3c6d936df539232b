use reqwest::StatusCode;

use crate::helpers::{TestApp, text_of};
use crate::persons::{operator_a, register};

async fn profile(app: &TestApp, id: uuid::Uuid, occupation: &str, disability: bool) {
    let ctx = sipe::audit::AuditCtx::system();
    let system = sipe::access::Access::system("t");
    sipe::persons::profile::add_item(
        &app.db,
        &ctx,
        &system,
        crate::helpers::TZ,
        id,
        &sipe::persons::profile::ItemInput {
            kind: "work".into(),
            code: occupation.into(),
            employer: "Ingenio Concepción".into(),
            from_date: "2015-05-01".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    sipe::persons::profile::update_situation(
        &app.db,
        &ctx,
        &system,
        crate::helpers::TZ,
        id,
        &sipe::persons::profile::SituationInput {
            has_disability: if disability {
                "on".into()
            } else {
                String::new()
            },
            employment_status: "unemployed".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn filters_narrow_the_search_and_a_coordinator_exports_it() {
    let app = TestApp::spawn().await;
    let (op, _) = operator_a(&app).await;
    let young = register(&app, "OE-A", "40111222", "Ibáñez", "Lucía", "2004-02-10").await;
    let old = register(&app, "OE-A", "20111222", "Ibáñez", "Marta", "1960-07-01").await;
    register(&app, "OE-B", "40999888", "Ibáñez", "Rocío", "2004-02-10").await;
    profile(&app, young, "albañil", true).await;
    profile(&app, old, "cocinero", false).await;
    app.sync_index().await;

    let page = |c: &reqwest::Client, q: &str| {
        let url = app.url(&format!("/persons?{q}"));
        let c = c.clone();
        async move { c.get(url).send().await.unwrap().text().await.unwrap() }
    };
    for (q, expect, reject) in [
        ("q=ibanez&age_min=18&age_max=30", "Lucía", "Marta"),
        ("q=ibanez&age_min=60", "Marta", "Lucía"),
        ("q=ibanez&disability=yes", "Lucía", "Marta"),
        ("q=ibanez&occupation=albanil", "Lucía", "Marta"),
        (
            "occupation=cocinero&employment=unemployed",
            "Marta",
            "Lucía",
        ),
        ("q=20111222&disability=no", "Marta", "Lucía"),
    ] {
        let html = page(&op, q).await;
        let table = text_of(&html, "[data-testid=persons-table]").unwrap_or_default();
        assert!(
            table.contains(expect) && !table.contains(reject),
            "{q}: {table}"
        );
        assert!(!table.contains("Rocío"), "{q}: office B never shows");
    }
    let api: serde_json::Value = {
        let opa = sipe::access::store::find_user_by_username(&app.db, "opa")
            .await
            .unwrap()
            .unwrap();
        let token = app.token(opa.id).await;
        reqwest::Client::new()
            .get(app.url("/api/v1/persons?q=ibanez&age_max=30"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    };
    assert_eq!(api["total"], 1, "{api}");

    // Exports are for coordinators, audited, and hold only the filtered rows.
    let res = op
        .get(app.url("/persons/export.csv?q=ibanez"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let (c, _) = app.signed_in("coorda", "coordinator", &["OE-A"]).await;
    let res = c
        .get(app.url("/persons/export.csv?q=ibanez&disability=yes"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains(".csv")
    );
    let csv = crate::helpers::without_bom(res.text().await.unwrap());
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("tipo_documento,numero_documento,cuil,apellidos"));
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(lines[1].contains("40111222") && lines[1].contains("OE-A"));
    let res = c
        .get(app.url("/persons/export.xlsx?q=ibanez"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.bytes().await.unwrap();
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let range = calamine::Reader::worksheet_range(&mut book, "personas").unwrap();
    assert_eq!(range.height(), 3, "header and the two people of office A");
    assert_eq!(app.audit_count("person.export").await, 2);
}

#[tokio::test]
async fn a_coordinator_produces_the_full_record_of_a_person() {
    let app = TestApp::spawn().await;
    operator_a(&app).await;
    let id = register(&app, "OE-A", "40111222", "Ibáñez", "Lucía", "2004-02-10").await;
    let other = register(&app, "OE-B", "40999888", "Ibáñez", "Rocío", "2004-02-10").await;
    profile(&app, id, "albañil", true).await;
    let (c, _) = app.signed_in("coorda", "coordinator", &["OE-A"]).await;
    let json: serde_json::Value = c
        .get(app.url(&format!("/persons/{id}/record.json")))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(json["person"]["doc_number"], "40111222");
    assert_eq!(json["profile_items"][0]["employer"], "Ingenio Concepción");
    assert!(
        json["history"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["field"] == "has_disability")
    );
    assert!(!json["timeline"].as_array().unwrap().is_empty());
    let html = c
        .get(app.url(&format!("/persons/{id}/record")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text_of(&html, "[data-testid=record-facts]")
            .unwrap()
            .contains("40111222")
    );
    assert!(html.contains("Ingenio Concepción"));
    assert_eq!(app.audit_count("person.subject_access").await, 2);
    let res = c
        .get(app.url(&format!("/persons/{other}/record.json")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

/// Rows of the first sheet of an XLSX download.
fn xlsx_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let range = calamine::Reader::worksheet_range_at(&mut book, 0)
        .unwrap()
        .unwrap();
    range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect()
}

#[tokio::test]
async fn every_list_exports_the_same_rows_as_csv_and_xlsx_and_each_download_is_audited() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    app.office("OE-B", "").await;
    let person = register(&app, "OE-A", "40111222", "Ibáñez", "Lucía", "2004-02-10").await;
    let employer =
        crate::vacancies::employer(&app, "OE-A", "30-71234567-1", "=Empaque Los Limoneros").await;
    crate::vacancies::employer(&app, "OE-B", "30-70000000-8", "Ingenio de otra oficina").await;
    let vacancy = crate::merge::open_vacancy(&app, employer, "Embalador de cítricos").await;
    crate::merge::refer(&app, vacancy, person).await;
    app.sync_index().await;
    let (c, _) = app.signed_in("coord_a", "coordinator", &["OE-A"]).await;

    // (list, export without extension, audit action, a cell the list must hold)
    let cases = [
        ("/employers", "/employers", "employer.export", "30712345671"),
        (
            "/vacancies",
            "/vacancies",
            "vacancy.export",
            "Embalador de cítricos",
        ),
        (
            "/referrals",
            "/referrals",
            "referral.export",
            "Embalador de cítricos",
        ),
        (
            "/persons?q=ibanez",
            "/persons/export",
            "person.export",
            "40111222",
        ),
        (
            "/indicators/intermediation",
            "/indicators/intermediation",
            "indicators.export",
            "OE-A",
        ),
    ];
    let mut checked = 0;
    for (list, base, action, cell) in cases {
        let page = app.get_page(&c, list).await;
        assert!(
            page.contains(&format!("{base}.xlsx?")),
            "{list} links its XLSX export"
        );
        let query = list.split_once('?').map_or("", |(_, q)| q);
        let before = app.audit_count(action).await;
        let csv = c
            .get(app.url(&format!("{base}.csv?{query}")))
            .send()
            .await
            .unwrap();
        assert_eq!(csv.status(), StatusCode::OK, "{base}.csv");
        assert_eq!(csv.headers()["cache-control"], "no-store");
        let csv = crate::helpers::without_bom(csv.text().await.unwrap());
        let csv_rows: Vec<Vec<String>> = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(csv.as_bytes())
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect();
        let xlsx = c
            .get(app.url(&format!("{base}.xlsx?{query}")))
            .send()
            .await
            .unwrap();
        assert_eq!(xlsx.status(), StatusCode::OK, "{base}.xlsx");
        assert!(
            xlsx.headers()["content-disposition"]
                .to_str()
                .unwrap()
                .ends_with(".xlsx\""),
            "{base}"
        );
        let xlsx_rows = xlsx_rows(&xlsx.bytes().await.unwrap());
        assert!(csv_rows.len() >= 2, "{base}: a header and rows: {csv}");
        assert_eq!(csv_rows.len(), xlsx_rows.len(), "{base}: the same rows");
        assert_eq!(csv_rows[0], xlsx_rows[0], "{base}: the same header");
        assert!(
            csv_rows.iter().flatten().any(|c| c == cell)
                && xlsx_rows.iter().flatten().any(|c| c == cell),
            "{base}: {cell} in both"
        );
        assert_eq!(app.audit_count(action).await, before + 2, "{base}: audited");
        checked += 1;
    }
    assert_eq!(checked, cases.len());
    // Positions and salaries are numbers a spreadsheet adds up; texts stay texts.
    let bytes = c
        .get(app.url("/vacancies.xlsx"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let sheet = calamine::Reader::worksheet_range_at(&mut book, 0)
        .unwrap()
        .unwrap();
    assert!(matches!(sheet.get((1, 5)), Some(calamine::Data::Float(n)) if *n == 2.0));
    assert!(
        matches!(sheet.get((1, 1)), Some(calamine::Data::String(t)) if t == "Embalador de cítricos")
    );
    // Office A's export names its own employer (whose formula-like name is neutralised
    // in the CSV and kept as text in the XLSX) and not office B's.
    let csv = app.get_page(&c, "/employers.csv").await;
    assert!(csv.contains("'=Empaque Los Limoneros") && !csv.contains("Ingenio de otra"));
}
