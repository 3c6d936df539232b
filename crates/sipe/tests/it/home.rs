//! The home page of each role: its modules' cards, counted within the user's scope.

use crate::helpers::{TestApp, text_of};

#[tokio::test]
async fn an_operator_home_counts_the_weeks_people_of_their_office_only() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    app.office("OE-B", "").await;
    crate::persons::register(&app, "OE-A", "30111222", "Paz", "Ana", "1990-01-02").await;
    crate::persons::register(&app, "OE-A", "30111333", "Paz", "Eva", "1991-01-02").await;
    crate::persons::register(&app, "OE-B", "30111444", "Sosa", "Ema", "1992-01-02").await;
    let (a, _) = app.signed_in("op_a", "operator", &["OE-A"]).await;
    let (b, _) = app.signed_in("op_b", "operator", &["OE-B"]).await;
    let week = |html: &str| -> String {
        let doc = scraper::Html::parse_document(html);
        let tile = scraper::Selector::parse(".tiles a").unwrap();
        doc.select(&tile)
            .map(|t| t.text().collect::<String>())
            .find(|t| t.contains("últimos 7 días"))
            .unwrap_or_default()
    };
    let home_a = app.get_page(&a, "/").await;
    assert!(
        week(&home_a).starts_with('2'),
        "office A's two: {}",
        week(&home_a)
    );
    assert!(home_a.contains("Entrevistas de hoy"));
    assert!(home_a.contains("Derivaciones esperando respuesta"));
    let home_b = app.get_page(&b, "/").await;
    assert!(
        week(&home_b).starts_with('1'),
        "office B's one: {}",
        week(&home_b)
    );
    // The header's search box is there for those who may search people.
    assert!(text_of(&home_a, "form.top-search").is_some());
}

#[tokio::test]
async fn links_to_the_audit_log_are_shown_only_to_those_who_may_open_it() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    let eid = crate::vacancies::employer(&app, "OE-A", "30-71234567-1", "Empaque Norte").await;
    let (op, _) = app.signed_in("op_a", "operator", &["OE-A"]).await;
    let (admin, _) = app.signed_in("admin1", "admin", &[]).await;
    let path = format!("/employers/{eid}");
    let audit_link = format!("/admin/audit?entity_type=employer&amp;entity_id={eid}");
    assert!(app.get_page(&admin, &path).await.contains(&audit_link));
    assert!(!app.get_page(&op, &path).await.contains(&audit_link));
}
