//! Programmes: indicators count people in programmes per month and group, applications
//! by state, payments, quota use and coverage per office, each reader within their view
//! scope; exports and the API agree with the page.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::TestApp;
use crate::programmes::{person_with, programme_via_api};
use crate::programmes_compliance::beneficiary;

fn day(s: &str) -> chrono::NaiveDate {
    s.parse().unwrap()
}

async fn set_sex(app: &TestApp, id: uuid::Uuid, sex: &str) {
    use sea_orm::ConnectionTrait;
    use sea_orm::sea_query::{Expr, ExprTrait, Query};
    let stmt = Query::update()
        .table("persons")
        .values([("sex", sex.into())])
        .and_where(Expr::col("id").eq(id))
        .take();
    assert_eq!(app.db.execute(&stmt).await.unwrap().rows_affected(), 1);
}

#[tokio::test]
async fn indicators_count_each_month_within_the_readers_scope() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    app.office("OE-B", "").await;
    let manager = app.user("programas", "programme_manager", &[]).await;
    let mtoken = app.token(manager).await;
    let amounts = json!([{"amount": "85000", "effective_from": "2020-01-01"}]);
    let pej = programme_via_api(&app, &mtoken, json!({"code": "PEJ", "name": "Jóvenes", "kind": "training_stipend",
        "legal_basis": "Res. 1/2026", "starts_on": "2020-01-01", "quota_total": "10", "amounts": amounts})).await;
    let res = app
        .client()
        .put(app.url(&format!("/api/v1/programmes/{pej}/rules")))
        .bearer_auth(&mtoken)
        .json(&json!({"criteria": [{"kind": "age", "min": 18, "max": 30}],
                      "office_quotas": [{"office_code": "OE-A", "quota": 5}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let pej_id: uuid::Uuid = pej.parse().unwrap();
    let today = chrono::Utc::now().date_naive();
    let ana = person_with(
        &app,
        "OE-A",
        "36000001",
        "2004-05-01",
        "",
        "unemployed",
        "",
        None,
    )
    .await;
    let bruno = person_with(
        &app,
        "OE-A",
        "36000002",
        "2000-05-01",
        "",
        "unemployed",
        "",
        None,
    )
    .await;
    let carla = person_with(
        &app,
        "OE-B",
        "36000003",
        "2003-05-01",
        "",
        "unemployed",
        "",
        None,
    )
    .await;
    // Someone of OE-A too old for the programme: not eligible.
    person_with(
        &app,
        "OE-A",
        "36000004",
        "1970-05-01",
        "",
        "unemployed",
        "",
        None,
    )
    .await;
    set_sex(&app, bruno, "M").await;
    let ana_app = beneficiary(&app, ana, pej_id, day("2026-01-15"), today).await;
    beneficiary(&app, bruno, pej_id, day("2026-02-01"), today).await;
    beneficiary(&app, carla, pej_id, day("2026-03-01"), today).await;
    sipe::programmes::applications::service::step(
        &app.db,
        &sipe::audit::AuditCtx::system(),
        &sipe::access::Access::system("t"),
        ana_app,
        &sipe::programmes::applications::service::StepInput {
            action: "finish".into(),
            version: 3,
            reason: "completed".into(),
            date: "2026-03-10".into(),
            ..Default::default()
        },
        today,
    )
    .await
    .unwrap();

    let coordinator = app.user("coord_a", "coordinator", &["OE-A"]).await;
    let ctoken = app.token(coordinator).await;
    let path = "/api/v1/indicators/programmes?from=2026-01&to=2026-04&by=sex";
    let mine = app.get_json(&ctoken, path).await;
    assert_eq!(
        mine["months"],
        json!(["2026-01", "2026-02", "2026-03", "2026-04"])
    );
    assert_eq!(
        mine["beneficiaries_total"],
        json!([1, 2, 2, 1]),
        "OE-B's person is not counted"
    );
    let by_sex: Vec<(String, serde_json::Value)> = mine["beneficiaries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["group"].as_str().unwrap().to_owned(), r["counts"].clone()))
        .collect();
    assert_eq!(
        by_sex,
        [
            ("F".to_owned(), json!([1, 1, 1, 0])),
            ("M".to_owned(), json!([0, 1, 1, 1]))
        ]
    );
    // The positive control: the programme manager (national) counts OE-B's person too.
    let all = app.get_json(&mtoken, path).await;
    assert_eq!(all["beneficiaries_total"], json!([1, 2, 3, 2]));
    let quota = &all["quotas"][0];
    assert_eq!(
        (quota["holding"].as_u64(), quota["quota"].as_i64()),
        (Some(2), Some(10))
    );

    // Coverage of the programme in OE-A: Bruno holds a place; Ana and Bruno are eligible.
    let cov = app
        .get_json(
            &ctoken,
            &format!("/api/v1/indicators/programmes?from=2026-01&to=2026-04&programme={pej}"),
        )
        .await;
    let rows = cov["coverage"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "only the coordinator's office: {rows:?}");
    assert_eq!(rows[0]["office"], "OE-A");
    assert_eq!(
        (
            rows[0]["beneficiaries"].as_u64(),
            rows[0]["eligible"].as_u64()
        ),
        (Some(1), Some(2))
    );
    assert_eq!(rows[0]["coverage"].as_f64(), Some(0.5));
    assert_eq!(rows[0]["quota_used"].as_f64(), Some(0.2));

    // The page and its export, as the coordinator.
    let client = app.client();
    app.login(&client, "coord_a").await;
    let page = client
        .get(app.url(&format!(
            "/programmes/indicators?from=2026-01&to=2026-04&programme={pej}"
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("data-testid=\"pind-coverage\""));
    assert!(html.contains("50.0 %"));
    let csv = client
        .get(app.url(&format!(
            "/programmes/indicators.csv?from=2026-01&to=2026-04&programme={pej}&table=coverage"
        )))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next().map(|l| l.trim_start_matches('\u{feff}')),
        Some("oficina,beneficiarios,elegibles,cobertura,cupo,uso_del_cupo")
    );
    assert_eq!(lines.next(), Some("OE-A,1,2,0.5000,5,0.2000"));
    // Bad months are refused with the field named.
    let bad = client
        .get(app.url("/api/v1/indicators/programmes?from=2026-13"))
        .bearer_auth(&ctoken)
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text().await.unwrap().contains("from"));
}
