//! The form kit as the pages use it: every control has a label, ids are unique, and a
//! form sent back with problems marks exactly the invalid fields and ties each to its
//! message.

use reqwest::StatusCode;
use scraper::{Html, Selector};

use crate::helpers::TestApp;

/// Problems of a page's forms: controls without a label, repeated ids, and
/// `aria-describedby` naming an element that is not there. Returns them and how many
/// controls were checked.
fn form_problems(html: &str) -> (Vec<String>, usize) {
    let doc = Html::parse_document(html);
    let controls = Selector::parse(
        "form[method=post] input:not([type=hidden]):not([type=submit]), \
         form[method=post] select, form[method=post] textarea",
    )
    .unwrap();
    let labels = Selector::parse("label[for]").unwrap();
    let with_id = Selector::parse("[id]").unwrap();
    let label_for: Vec<&str> = doc
        .select(&labels)
        .filter_map(|l| l.value().attr("for"))
        .collect();
    let ids: Vec<&str> = doc
        .select(&with_id)
        .filter_map(|e| e.value().attr("id"))
        .collect();
    let mut problems = Vec::new();
    let mut checked = 0;
    for c in doc.select(&controls) {
        checked += 1;
        let name = c.value().attr("name").unwrap_or("?");
        match c.value().attr("id") {
            Some(id) if label_for.contains(&id) => {}
            _ => problems.push(format!("{name}: no label")),
        }
        for described in c
            .value()
            .attr("aria-describedby")
            .unwrap_or_default()
            .split_whitespace()
        {
            if !ids.contains(&described) {
                problems.push(format!("{name}: describedby {described} missing"));
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    for id in &ids {
        if !seen.insert(id) {
            problems.push(format!("id {id} twice"));
        }
    }
    (problems, checked)
}

#[tokio::test]
async fn every_form_labels_its_controls_and_ties_messages_to_them() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    let person =
        crate::persons::register(&app, "OE-A", "30111222", "Paz", "Ana", "1990-01-02").await;
    let employer = crate::vacancies::employer(&app, "OE-A", "30-71234567-1", "Empaque Norte").await;
    let (admin, _) = app.signed_in("admin1", "admin", &[]).await;
    let (op, _) = app.signed_in("op_a", "operator", &["OE-A"]).await;
    let mut total = 0;
    for (client, path) in [
        (&op, "/persons/new".to_owned()),
        (&op, format!("/persons/{person}/edit")),
        (&op, format!("/persons/{person}/interviews/new")),
        (&op, format!("/persons/{person}/situation")),
        (&op, format!("/persons/{person}/items/new?kind=work")),
        (&op, format!("/persons/{person}/items/new?kind=language")),
        (&op, format!("/persons/{person}/job-search")),
        (&op, "/employers/new".to_owned()),
        (&op, format!("/employers/{employer}")),
        (&op, format!("/vacancies/new?employer_id={employer}")),
        (&op, "/account".to_owned()),
        (&op, "/account/tokens".to_owned()),
        (&admin, "/admin/users/new".to_owned()),
        (&admin, "/offices/new".to_owned()),
        (&admin, "/admin/imports".to_owned()),
    ] {
        let res = client.get(app.url(&path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        let html = res.text().await.unwrap();
        let (problems, checked) = form_problems(&html);
        assert!(checked > 0, "{path}: a form with controls");
        assert!(problems.is_empty(), "{path}: {problems:?}");
        total += checked;
    }
    assert!(total > 100, "controls checked: {total}");
}

#[tokio::test]
async fn a_registration_sent_back_marks_only_the_invalid_fields() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    let (c, csrf) = app.signed_in("op_a", "operator", &["OE-A"]).await;
    let res = app
        .post_form(
            &c,
            &csrf,
            "/persons",
            &[
                ("doc_type", "DNI"),
                ("doc_number", "30111222"),
                ("surnames", ""),
                ("names", "Lucía"),
                ("birth_date", "1990-01-02"),
                ("sex", "F"),
                ("phone", "abc"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    let doc = Html::parse_document(&html);
    let invalid: Vec<String> = doc
        .select(&Selector::parse("[aria-invalid=true]").unwrap())
        .filter_map(|e| e.value().attr("name").map(str::to_owned))
        .collect();
    assert_eq!(invalid, ["surnames", "phone"], "exactly the invalid fields");
    for name in ["surnames", "phone"] {
        let sel = Selector::parse(&format!("[name={name}]")).unwrap();
        let field = doc.select(&sel).next().unwrap();
        let described = field.value().attr("aria-describedby").unwrap();
        let error_id = format!("{name}-error");
        assert!(
            described.split(' ').any(|d| d == error_id),
            "{name}: {described}"
        );
        let message = doc
            .select(&Selector::parse(&format!("#{error_id}")).unwrap())
            .next()
            .map(|e| e.text().collect::<String>())
            .unwrap_or_default();
        assert!(!message.trim().is_empty(), "{name}: a message");
    }
    // What was typed stays, and required fields are marked.
    assert!(html.contains(r#"value="Lucía""#));
    let required = doc
        .select(&Selector::parse("[name=surnames][required]").unwrap())
        .count();
    assert_eq!(required, 1);
    let (problems, checked) = form_problems(&html);
    assert!(problems.is_empty() && checked > 15, "{problems:?}");
}

#[test]
fn the_form_check_finds_what_it_looks_for() {
    let bad = r#"<form method="post"><input name="a"><label for="b">B</label>
        <input id="b" name="b" aria-describedby="b-error"><p id="x"></p><p id="x"></p></form>"#;
    let (problems, checked) = form_problems(bad);
    assert_eq!(checked, 2);
    assert_eq!(
        problems,
        [
            "a: no label",
            "b: describedby b-error missing",
            "id x twice"
        ]
    );
}
