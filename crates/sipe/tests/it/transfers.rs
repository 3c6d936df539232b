use reqwest::StatusCode;

use crate::helpers::{TestApp, text_of};
use crate::persons::{operator_a, register};

#[tokio::test]
async fn an_office_asks_for_a_person_and_the_owning_coordinator_approves() {
    let app = TestApp::spawn().await;
    let (a, csrf_a) = operator_a(&app).await;
    let id = register(&app, "OE-B", "23456789", "Zapata", "Rosaura", "1985-03-04").await;
    // Registering the same document at A says it exists elsewhere and offers a transfer.
    let res = app
        .post_form(
            &a,
            &csrf_a,
            "/persons",
            &[
                ("doc_type", "dni"),
                ("doc_number", "23.456.789"),
                ("surnames", "Zapata"),
                ("names", "Rosa"),
                ("birth_date", "1985-03-04"),
                ("sex", "F"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("data-testid=\"transfer-request\""));
    assert!(!html.contains("Rosaura"), "nothing of the person is shown");
    // A reason is required.
    let res = app
        .post_form(
            &a,
            &csrf_a,
            "/persons/transfers",
            &[
                ("doc_type", "dni"),
                ("doc_number", "23456789"),
                ("reason", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.audit_count("person.transfer_request").await, 0);
    app.post_form(
        &a,
        &csrf_a,
        "/persons/transfers",
        &[
            ("doc_type", "dni"),
            ("doc_number", "23456789"),
            ("reason", "Se mudó a la capital"),
        ],
    )
    .await;
    assert_eq!(app.audit_count("person.transfer_request").await, 1);
    let list = a
        .get(app.url("/persons/transfers"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let table = text_of(&list, "[data-testid=transfers-table]").unwrap();
    assert!(table.contains("Pendiente") && table.contains("DNI 23456789"));
    assert!(table.contains("(se informa si se aprueba)"), "{table}");
    assert!(!table.contains("Rosaura") && !table.contains("OE-B"));
    assert!(
        !list.contains("transfer-approve"),
        "the asking office cannot approve"
    );

    let (b, csrf_b) = app.signed_in("coordb", "coordinator", &["OE-B"]).await;
    let list = b
        .get(app.url("/persons/transfers?status=pending"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(list.contains("Rosaura Zapata"));
    let start = list.find("/persons/transfers/").unwrap();
    let action = &list[start..start + list[start..].find('"').unwrap()];
    assert!(action.ends_with("/approve"));
    let res = app.post_form(&b, &csrf_b, action, &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    // Now the person belongs to A: A sees them and the timeline tells the story.
    let res = a
        .get(app.url(&format!("/persons/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(
        text_of(&html, "[data-testid=timeline]")
            .unwrap()
            .contains("Pase a OE-A")
    );
    assert_eq!(app.audit_count("person.transfer").await, 1);
    // B no longer sees the person; a second decision finds nothing pending.
    let res = b
        .get(app.url(&format!("/persons/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = app.post_form(&b, &csrf_b, action, &[]).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

/// What the requesting office sees of its requests: web table rows without the time
/// column, and API items without id, document and time.
async fn requester_view(
    app: &TestApp,
    a: &reqwest::Client,
    token: &str,
) -> (Vec<String>, Vec<serde_json::Value>) {
    let html = app.get_page(a, "/persons/transfers").await;
    let doc = scraper::Html::parse_document(&html);
    let sel = scraper::Selector::parse("[data-testid=transfers-table] tbody tr").unwrap();
    let td = scraper::Selector::parse("td").unwrap();
    let rows = doc
        .select(&sel)
        .map(|tr| {
            tr.select(&td)
                .skip(2) // when, document
                .map(|c| c.text().collect::<String>().trim().to_owned())
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect();
    let mut items = app.get_json(token, "/api/v1/transfer-requests").await["items"]
        .as_array()
        .unwrap()
        .clone();
    for i in &mut items {
        let o = i.as_object_mut().unwrap();
        for k in ["id", "doc_number", "created_at"] {
            o.remove(k);
        }
    }
    (rows, items)
}

#[tokio::test]
async fn asking_for_a_registered_or_an_unknown_document_looks_the_same_until_approved() {
    let app = TestApp::spawn().await;
    let (a, csrf_a) = operator_a(&app).await;
    let user_a = sipe::access::store::find_user_by_username(&app.db, "opa")
        .await
        .unwrap()
        .unwrap();
    let token = app.token(user_a.id).await;
    register(&app, "OE-B", "23456789", "Zapata", "Rosaura", "1985-03-04").await;
    register(&app, "OE-B", "27111222", "Paz", "Ignacio", "1990-01-02").await;
    let ask = |number: &'static str| {
        let (app, a, csrf_a) = (&app, &a, &csrf_a);
        async move {
            app.post_form(
                a,
                csrf_a,
                "/persons/transfers",
                &[
                    ("doc_type", "dni"),
                    ("doc_number", number),
                    ("reason", "Se mudó"),
                ],
            )
            .await
        }
    };
    let registered = ask("23456789").await;
    let unknown = ask("30999111").await;
    assert_eq!(registered.status(), unknown.status());
    assert_eq!(
        crate::helpers::location(registered.headers()),
        crate::helpers::location(unknown.headers())
    );
    // Through the API too: the same status and body.
    let api = |number: &'static str| {
        let (app, token) = (&app, &token);
        async move {
            let res = reqwest::Client::new()
                .post(app.url("/api/v1/transfer-requests"))
                .bearer_auth(token)
                .json(&serde_json::json!({"doc_type": "dni", "doc_number": number, "reason": "Se mudó"}))
                .send()
                .await
                .unwrap();
            (res.status(), res.text().await.unwrap())
        }
    };
    assert_eq!(api("27111222").await, api("30999112").await);
    let (rows, items) = requester_view(&app, &a, &token).await;
    assert_eq!(rows.len(), 4, "every request is listed: {rows:?}");
    assert!(
        rows.windows(2).all(|w| w[0] == w[1]),
        "the rows read the same"
    );
    assert_eq!(items.len(), 4);
    assert!(items.windows(2).all(|w| w[0] == w[1]), "{items:#?}");
    assert!(
        items
            .iter()
            .all(|i| i["from_office"].is_null() && i["person_id"].is_null())
    );

    // The owning office rejects: the requester still sees the same as for the unknown one.
    let (b, csrf_b) = app.signed_in("coordb", "coordinator", &["OE-B"]).await;
    let list = app.get_page(&b, "/persons/transfers?status=pending").await;
    assert!(
        list.contains("Rosaura Zapata"),
        "the owner sees whom it is about"
    );
    let start = list.find("/persons/transfers/").unwrap();
    let approve = &list[start..start + list[start..].find('"').unwrap()];
    let reject = approve.replace("/approve", "/reject");
    let res = app.post_form(&b, &csrf_b, &reject, &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (rows_after, items_after) = requester_view(&app, &a, &token).await;
    assert_eq!(rows_after, rows, "a rejection is not told to the requester");
    assert_eq!(items_after, items);
}
