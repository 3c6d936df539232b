use sea_orm::ConnectionTrait;

use crate::helpers::TestApp;

#[tokio::test]
async fn the_chain_verifies_when_untouched() {
    let app = TestApp::spawn().await;
    app.office("A1", "").await;
    app.office("A2", "").await;
    app.user("ana", "analyst", &[]).await;
    let v = sipe::audit::verify(&app.db).await.unwrap();
    assert_eq!(v.checked, 3);
    assert!(v.broken.is_none());
}

#[tokio::test]
async fn editing_a_row_breaks_the_chain_at_that_row() {
    let app = TestApp::spawn().await;
    app.office("A1", "").await;
    app.office("A2", "").await;
    app.office("A3", "").await;
    app.db
        .execute_unprepared("UPDATE audit_log SET actor_name = 'someone else' WHERE seq = 2")
        .await
        .unwrap();
    let v = sipe::audit::verify(&app.db).await.unwrap();
    assert_eq!(v.broken.unwrap().seq, 2);
}

#[tokio::test]
async fn deleting_a_row_breaks_the_chain() {
    let app = TestApp::spawn().await;
    app.office("A1", "").await;
    app.office("A2", "").await;
    app.office("A3", "").await;
    app.db
        .execute_unprepared("DELETE FROM audit_log WHERE seq = 2")
        .await
        .unwrap();
    let v = sipe::audit::verify(&app.db).await.unwrap();
    assert_eq!(v.broken.unwrap().seq, 2);
}

#[tokio::test]
async fn deleting_the_last_rows_breaks_the_chain() {
    let app = TestApp::spawn().await;
    app.office("A1", "").await;
    app.office("A2", "").await;
    app.db
        .execute_unprepared("DELETE FROM audit_log WHERE seq = 2")
        .await
        .unwrap();
    let v = sipe::audit::verify(&app.db).await.unwrap();
    assert!(v.broken.is_some());
}

#[tokio::test]
async fn concurrent_changes_keep_one_unbroken_chain() {
    let app = TestApp::spawn().await;
    let mut tasks = Vec::new();
    for i in 0..12 {
        let db = app.db.clone();
        tasks.push(tokio::spawn(async move {
            let input = sipe::territory::domain::OfficeInput {
                code: format!("C-{i}"),
                name: format!("Concurrente {i}"),
                kind: "central_area".into(),
                ..Default::default()
            };
            sipe::territory::service::create_office(
                &db,
                &sipe::audit::AuditCtx::system(),
                &sipe::access::Access::system("t"),
                &input,
            )
            .await
            .unwrap();
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let v = sipe::audit::verify(&app.db).await.unwrap();
    assert_eq!(v.checked, 12);
    assert!(v.broken.is_none());
}

#[tokio::test]
async fn the_admin_filters_and_exports_the_log() {
    let app = TestApp::spawn().await;
    app.office("A1", "").await;
    let (c, _) = app.signed_in("admin1", "admin", &[]).await;
    let html = c
        .get(app.url("/admin/audit?action=office."))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("office.create"));
    assert!(!html.contains("user.create"));
    let res = c
        .get(app.url("/admin/audit.csv?action=user."))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.headers().get("content-type").unwrap(),
        "text/csv; charset=utf-8"
    );
    let csv = res.text().await.unwrap();
    let csv = csv
        .strip_prefix('\u{feff}')
        .expect("a spreadsheet reads it as UTF-8");
    let mut lines = csv.lines();
    assert!(
        lines
            .next()
            .unwrap()
            .starts_with("seq,id,at,actor_id,actor_name,action")
    );
    assert!(csv.contains("user.create") && csv.contains("user.login"));
    assert!(!csv.contains("office.create"));
    let bad = c
        .get(app.url("/admin/audit?from=ayer"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(bad.contains("aaaa-mm-dd"));
}
