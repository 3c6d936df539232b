//! The occupation vocabulary: Argentine titles in the type-ahead, admins editing them,
//! occupations kept "sin codificar" and the coordinator's queue that codes them.

use reqwest::StatusCode;

use crate::helpers::{TestApp, location, text_of};
use crate::persons::{operator_a, register};

async fn page(app: &TestApp, c: &reqwest::Client, path: &str) -> (StatusCode, String) {
    let res = c.get(app.url(path)).send().await.unwrap();
    (res.status(), res.text().await.unwrap())
}

#[tokio::test]
async fn the_type_ahead_offers_argentine_titles_in_the_persons_gender() {
    let app = TestApp::spawn().await;
    let (c, _) = operator_a(&app).await;
    let get = |q: &'static str| {
        let c = c.clone();
        let url = app.url(&format!("/occupations/suggest?{q}"));
        async move {
            let v: serde_json::Value = c.get(url).send().await.unwrap().json().await.unwrap();
            v["items"].as_array().unwrap().clone()
        }
    };
    let mozo = get("q=mozo").await;
    assert_eq!(mozo[0]["label"], "mozo");
    assert_eq!(mozo[0]["code"], "5131");
    let moza = get("q=mozo&g=f").await;
    assert_eq!(moza[0]["label"], "moza");
    for (q, group) in [
        ("q=empleada%20de%20comercio", "5223"),
        ("q=changarin", "9333"),
        ("q=peon%20rural", "9211"),
        ("q=cosechero%20de%20lim", "9211"),
    ] {
        let hits = get(q).await;
        let code = hits[0]["code"].as_str().unwrap();
        assert!(code.starts_with(group), "{q}: {hits:?}");
    }
    // "repositor" offers the title, not a look-alike ("prestamista").
    let hits = get("q=repositor").await;
    assert!(
        hits[0]["label"].as_str().unwrap().starts_with("repositor"),
        "{hits:?}"
    );
    assert!(hits.iter().all(|h| h["label"] != "prestamista"));
}

#[tokio::test]
async fn an_unknown_occupation_is_kept_uncoded_and_a_coordinator_codes_it_in_scope() {
    let app = TestApp::spawn().await;
    let (c, csrf) = operator_a(&app).await;
    let ana = register(&app, "OE-A", "30111222", "Paz", "Ana", "1990-05-01").await;
    let bea = register(&app, "OE-A", "30111223", "Ruiz", "Bea", "1991-05-01").await;
    let other = register(&app, "OE-B", "30111224", "Sosa", "Eva", "1992-05-01").await;
    let wording = "Cosechera de arándanos en altura";
    let items = |id| format!("/persons/{id}/items");
    // Without the box, the operator is told how to go on; nothing is stored.
    let res = app
        .post_form(
            &c,
            &csrf,
            &items(ana),
            &[("kind", "desired"), ("code", wording)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(
        html.contains("sin codificar"),
        "the error offers the way out"
    );
    assert!(html.contains("data-testid=\"item-uncoded\""));
    // With it, the wording is kept for Ana and Bea (OE-A) and for Eva (OE-B).
    for (id, text) in [(ana, wording), (bea, "cosechera de ARANDANOS en altura")] {
        let res = app
            .post_form(
                &c,
                &csrf,
                &items(id),
                &[("kind", "desired"), ("code", text), ("uncoded", "on")],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
    }
    let (cb, csrfb) = app.signed_in("opb", "operator", &["OE-B"]).await;
    let res = app
        .post_form(
            &cb,
            &csrfb,
            &items(other),
            &[("kind", "desired"), ("code", wording), ("uncoded", "on")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = page(&app, &c, &format!("/persons/{ana}")).await;
    let profile = text_of(&html, "[data-testid=profile]").unwrap();
    assert!(
        profile.contains(wording) && profile.contains("sin codificar"),
        "{profile}"
    );

    // Coordinator of OE-A: the queue shows the wording once, with its two people
    // (positive control), and nothing of OE-B's Eva.
    let (coord, coord_csrf) = app.signed_in("coorda", "coordinator", &["OE-A"]).await;
    let (status, html) = page(&app, &coord, "/occupations/uncoded").await;
    assert_eq!(status, StatusCode::OK);
    let table = text_of(&html, "[data-testid=uncoded-table]").unwrap();
    assert!(table.contains(wording), "{table}");
    assert_eq!(
        html.matches("data-testid=\"uncoded-occupation\"").count(),
        1,
        "one row"
    );
    assert_eq!(
        text_of(&html, "[data-testid=uncoded-table] td.num").unwrap(),
        "2"
    );
    // A wrong occupation is explained next to its row; nothing changes.
    let key = "cosechera de arandanos en altura";
    let res = app
        .post_form(
            &coord,
            &coord_csrf,
            "/occupations/uncoded",
            &[("key", key), ("occupation", "qqqq zzzz")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("aria-invalid=\"true\""));
    let res = app
        .post_form(
            &coord,
            &coord_csrf,
            "/occupations/uncoded",
            &[("key", key), ("occupation", "cosechera de limón (9211)")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(res.headers()), "/occupations/uncoded");
    let (_, html) = page(&app, &coord, "/occupations/uncoded").await;
    assert!(
        html.contains("data-testid=\"uncoded-empty\""),
        "OE-A's queue is empty"
    );
    // Ana keeps her words with the code; her history says so.
    let (_, html) = page(&app, &c, &format!("/persons/{ana}")).await;
    let profile = text_of(&html, "[data-testid=profile]").unwrap();
    assert!(
        profile.contains(wording) && profile.contains("9211"),
        "{profile}"
    );
    assert!(!profile.contains("sin codificar"), "{profile}");
    assert_eq!(app.audit_count("occupation.code_uncoded").await, 1);
    // Eva, outside the coordinator's offices, is still uncoded.
    let (_, html) = page(&app, &cb, &format!("/persons/{other}")).await;
    let profile = text_of(&html, "[data-testid=profile]").unwrap();
    assert!(profile.contains("sin codificar"), "{profile}");
    // An operator cannot open the queue.
    let (status, _) = page(&app, &c, "/occupations/uncoded").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_admin_extends_the_vocabulary_and_operators_find_it_at_once() {
    let app = TestApp::spawn().await;
    let (c, _) = operator_a(&app).await;
    let (admin, csrf) = app.signed_in("adm", "admin", &[]).await;
    let (status, html) = page(&app, &admin, "/admin/occupation-titles?q=mozo").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        text_of(&html, "[data-testid=titles-table]")
            .unwrap()
            .contains("moza")
    );
    // Bad input is explained field by field.
    let res = app
        .post_form(
            &admin,
            &csrf,
            "/admin/occupation-titles",
            &[
                ("masculine", "Mozo"),
                ("unit_group", "99"),
                ("sector", "luna"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    for field in ["masculine", "unit_group", "sector"] {
        assert!(html.contains(&format!("id=\"{field}-error\"")), "{field}");
    }
    let res = app
        .post_form(
            &admin,
            &csrf,
            "/admin/occupation-titles",
            &[
                ("masculine", "arandanero"),
                ("feminine", "arandanera"),
                ("unit_group", "9211"),
                ("sector", "agro"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.audit_count("occupation_title.create").await, 1);
    let v: serde_json::Value = c
        .get(app.url("/occupations/suggest?q=arandanera"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["items"][0]["label"], "arandanera");
    assert_eq!(v["items"][0]["code"], "9211");
    // The API lists and adds titles too; an operator's token may list, not add.
    let admin_id = app.user("apiadm", "admin", &[]).await;
    let token = app.token(admin_id).await;
    let listed = app
        .get_json(&token, "/api/v1/occupation-titles?q=arandanero")
        .await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    assert_eq!(listed["items"][0]["unit_group"], "9211");
    assert!(
        !listed["items"][0]["unit_group_label"]
            .as_str()
            .unwrap()
            .is_empty()
    );
    let res = reqwest::Client::new()
        .post(app.url("/api/v1/occupation-titles"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"masculine": "limonero", "feminine": "limonera", "unit_group": "9211", "sector": "agro"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let op_id = app.user("apiop", "operator", &["OE-A"]).await;
    let op_token = app.token(op_id).await;
    let res = reqwest::Client::new()
        .post(app.url("/api/v1/occupation-titles"))
        .bearer_auth(&op_token)
        .json(&serde_json::json!({"masculine": "x", "unit_group": "9211", "sector": "agro"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}
