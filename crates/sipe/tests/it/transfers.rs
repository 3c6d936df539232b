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
    assert!(table.contains("Pendiente") && table.contains("(persona de otra oficina)"));
    assert!(!table.contains("Rosaura"));
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
