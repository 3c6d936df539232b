use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::TestApp;

#[tokio::test]
async fn requests_without_a_valid_token_get_a_401_problem() {
    let app = TestApp::spawn().await;
    let c = app.client();
    for auth in [None, Some("Bearer sipe_not-a-token")] {
        let mut req = c.get(app.url("/api/v1/offices"));
        if let Some(a) = auth {
            req = req.header("authorization", a);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(
            res.headers().get("content-type").unwrap(),
            "application/problem+json"
        );
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["status"], 401);
        assert_eq!(body["title"], "Unauthorized");
    }
}

#[tokio::test]
async fn me_shows_role_and_scopes_and_records_the_token_use() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    let id = app.user("opa", "operator", &["OE-A"]).await;
    let token = app.token(id).await;
    let res = app
        .client()
        .get(app.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let me: Value = res.json().await.unwrap();
    assert_eq!(me["username"], "opa");
    assert_eq!(me["role"], "operator");
    assert_eq!(me["view"], serde_json::json!(["OE-A"]));
    let tokens = sipe::access::store::list_tokens(&app.db, id).await.unwrap();
    assert!(tokens[0].last_used_at.is_some());
}

#[tokio::test]
async fn revoked_tokens_stop_working() {
    let app = TestApp::spawn().await;
    let id = app.user("ana", "analyst", &[]).await;
    let token = app.token(id).await;
    let token_id = sipe::access::store::list_tokens(&app.db, id).await.unwrap()[0].id;
    sipe::access::service::revoke_token(
        &app.db,
        &sipe::audit::AuditCtx::system(),
        &sipe::access::Access::system("t"),
        token_id,
        None,
    )
    .await
    .unwrap();
    let res = app
        .client()
        .get(app.url("/api/v1/me"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn offices_are_listed_within_scope_and_404_outside_it() {
    let app = TestApp::spawn().await;
    let a = app.office("OE-A", "").await;
    let b = app.office("OE-B", "").await;
    let id = app.user("opa", "operator", &["OE-A"]).await;
    let token = app.token(id).await;
    let c = app.client();
    let page: Value = c
        .get(app.url("/api/v1/offices"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["total"], 1);
    assert_eq!(page["items"][0]["code"], "OE-A");
    assert_eq!(page["items"][0]["id"], a.to_string());
    let res = c
        .get(app.url(&format!("/api/v1/offices/{b}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        res.headers().get("content-type").unwrap(),
        "application/problem+json"
    );
}

#[tokio::test]
async fn creating_an_office_with_bad_fields_gives_a_422_with_field_errors() {
    let app = TestApp::spawn().await;
    let id = app.user("admin1", "admin", &[]).await;
    let token = app.token(id).await;
    let c = app.client();
    let res = c
        .post(app.url("/api/v1/offices"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"code": "x", "name": "", "kind": "bank"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = res.json().await.unwrap();
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["code", "name", "kind"]);
    assert!(
        sipe::territory::store::all_offices(&app.db)
            .await
            .unwrap()
            .is_empty()
    );

    let res = c
        .post(app.url("/api/v1/offices"))
        .bearer_auth(&token)
        .body("{not json")
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);

    let res = c
        .post(app.url("/api/v1/offices"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"code": "OE-NEW", "name": "Nueva", "kind": "employment_office", "coverage": ["AR-90084"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let created: Value = res.json().await.unwrap();
    let res = c
        .patch(app.url(&format!("/api/v1/offices/{}", created["id"].as_str().unwrap())))
        .bearer_auth(&token)
        .json(&serde_json::json!({"code": "OE-NEW", "name": "Renombrada", "kind": "employment_office"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.json::<Value>().await.unwrap()["name"], "Renombrada");
}

#[tokio::test]
async fn an_operator_token_cannot_create_offices() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    let id = app.user("opa", "operator", &["OE-A"]).await;
    let token = app.token(id).await;
    let res = app
        .client()
        .post(app.url("/api/v1/offices"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"code": "OE-X", "name": "X", "kind": "employment_office"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn territories_are_served() {
    let app = TestApp::spawn().await;
    let id = app.user("ana", "analyst", &[]).await;
    let token = app.token(id).await;
    let c = app.client();
    let page: Value = c
        .get(app.url("/api/v1/territories?parent=AR-90&per_page=100"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["total"], 17);
    let t: Value = c
        .get(app.url("/api/v1/territories/AR-90084"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(t["name"], "Capital");
    assert_eq!(t["indec_code"], "90084");
}

#[tokio::test]
async fn the_openapi_document_describes_every_api_route() {
    let app = TestApp::spawn().await;
    let doc: Value = app
        .client()
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    for def in app
        .routes
        .iter()
        .filter(|d| d.path.starts_with("/api/v1/") && d.path != "/api/v1/openapi.json")
    {
        let method = def.method.as_str().to_lowercase();
        assert!(
            doc["paths"][def.path][&method].is_object(),
            "{} {} missing from the OpenAPI document",
            def.method,
            def.path
        );
    }
}
