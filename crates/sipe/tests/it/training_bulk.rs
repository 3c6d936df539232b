//! Bulk enrolment: a list of documents is checked against the cohort before anything
//! changes (who is found in scope, who is in already, who fails which requirement),
//! then applied in one transaction, places first in the list's order, the rest waiting.

use reqwest::StatusCode;
use serde_json::json;
use uuid::Uuid;

use crate::helpers::{TestApp, text_of};
use crate::training::{cohort, course, enrol, institution};

async fn states(app: &TestApp, cohort: Uuid) -> Vec<(Uuid, String)> {
    let c = sipe::training::cohorts::find(&app.db, cohort)
        .await
        .unwrap()
        .unwrap();
    let (roster, _) = sipe::training::enrolment::roster(&app.db, &crate::training::system(), &c)
        .await
        .unwrap();
    roster
        .into_iter()
        .map(|r| (r.enrolment.person_id, r.enrolment.state))
        .collect()
}

#[tokio::test]
async fn a_list_is_checked_first_then_enrolled_places_first_and_the_rest_waiting() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    app.office("OE-B", "").await;
    let i = institution(&app, "30-71234567-1", "CFP Norte").await;
    let c = course(&app, "Soldadura", "").await;
    let k = cohort(&app, c, i, "OE-A", 2, &["enrolling"]).await;
    let reg = |office: &'static str, dni: &'static str, name: &'static str, born: &'static str| {
        let app = &app;
        async move { crate::persons::register(app, office, dni, "Lista", name, born).await }
    };
    let a1 = reg("OE-A", "30111001", "Ana", "1990-01-01").await;
    let a2 = reg("OE-A", "30111002", "Beto", "1991-01-01").await;
    let a3 = reg("OE-A", "30111003", "Ciro", "1992-01-01").await;
    let a4 = reg("OE-A", "30111004", "Dora", "1993-01-01").await;
    let _young = reg("OE-A", "45111005", "Eli", "2012-01-01").await;
    let _b1 = reg("OE-B", "30111006", "Fede", "1990-01-01").await;
    enrol(&app, k, a4).await;

    let (client, csrf) = app.signed_in("opa", "operator", &["OE-A"]).await;
    let list =
        "dni;apellido\n30.111.001;Lista\n30111002\n45111005\n30111006\nabc\n30111001\n30111004\n";
    let form = reqwest::multipart::Form::new()
        .text("documents", list)
        .part(
            "file",
            // A spreadsheet's CSV: a byte-order mark and its own header line.
            reqwest::multipart::Part::bytes(
                "\u{feff}documento;apellido\n30111003;Lista\n"
                    .as_bytes()
                    .to_vec(),
            )
            .file_name("mas.csv"),
        );
    let res = client
        .post(app.url(&format!("/training/cohorts/{k}/bulk?_csrf={csrf}")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    let summary = text_of(&html, "[data-testid=bulk-summary]").unwrap();
    assert!(
        summary.contains("1 persona obtiene vacante")
            && summary.contains("2 quedan en lista de espera")
            && summary.contains("5 no se inscriben"),
        "{summary}"
    );
    let refused = text_of(&html, "[data-testid=bulk-refused]").unwrap();
    for why in [
        "No cumple los requisitos",
        "desde 18",
        "No está registrada en tu alcance",
        "No es un número de documento",
        "Repetida en la lista",
        "Ya está inscripta",
    ] {
        assert!(refused.contains(why), "{why} in {refused}");
    }
    assert_eq!(states(&app, k).await.len(), 1, "the check changes nothing");
    // A picture is not a list.
    let form = reqwest::multipart::Form::new().part(
        "file",
        reqwest::multipart::Part::bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec())
            .file_name("foto.png"),
    );
    let res = client
        .post(app.url(&format!("/training/cohorts/{k}/bulk?_csrf={csrf}")))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .await
            .unwrap()
            .contains("no es una lista de texto")
    );

    // Confirmed with the list as checked.
    let doc = scraper::Html::parse_document(&html);
    let selector = scraper::Selector::parse("input[name=documents]").unwrap();
    let documents = doc
        .select(&selector)
        .next()
        .and_then(|e| e.value().attr("value"))
        .unwrap()
        .to_owned();
    let res = app
        .post_form(
            &client,
            &csrf,
            &format!("/training/cohorts/{k}/bulk/confirm"),
            &[("documents", documents.as_str())],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(
        text_of(&html, "[data-testid=bulk-done]")
            .unwrap()
            .contains("1 persona inscripta con vacante")
    );
    let now = states(&app, k).await;
    let state_of = |p: Uuid| now.iter().find(|(q, _)| *q == p).map(|(_, s)| s.as_str());
    assert_eq!(state_of(a4), Some("enrolled"));
    assert_eq!(
        state_of(a1),
        Some("enrolled"),
        "the first of the list gets the place"
    );
    assert_eq!(state_of(a2), Some("waitlisted"));
    assert_eq!(state_of(a3), Some("waitlisted"));
    assert_eq!(now.len(), 4, "nobody else: {now:?}");
    let waiting: Vec<Uuid> = now
        .iter()
        .filter(|(_, s)| s == "waitlisted")
        .map(|(p, _)| *p)
        .collect();
    assert_eq!(waiting, [a2, a3], "the waiting list keeps the list's order");
    let (events, _) = sipe::persons::store::timeline(&app.db, a2, 0, 50)
        .await
        .unwrap();
    assert!(events.iter().any(|e| e.kind == "training.waitlisted"));
    assert_eq!(app.audit_count("training.enrol.bulk").await, 1);
    // Confirming the same list again enrols nobody twice.
    let res = app
        .post_form(
            &client,
            &csrf,
            &format!("/training/cohorts/{k}/bulk/confirm"),
            &[("documents", documents.as_str())],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(states(&app, k).await.len(), 4);

    // The API: a dry run says why, per document and criterion, and changes nothing.
    let opa = sipe::access::store::find_user_by_username(&app.db, "opa")
        .await
        .unwrap()
        .unwrap();
    let token = app.token(opa.id).await;
    let res = reqwest::Client::new()
        .post(app.url(&format!("/api/v1/cohorts/{k}/bulk-enrolments")))
        .bearer_auth(&token)
        .json(&json!({"documents": ["30111003", "45.111.005", "30111006"], "dry_run": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["applied"], false);
    assert_eq!(body["lines"][0]["verdict"], "already");
    assert_eq!(body["lines"][1]["verdict"], "ineligible");
    assert_eq!(body["lines"][1]["unmet"][0]["key"], "eligibility-age");
    assert_eq!(
        body["lines"][2]["verdict"], "not_found",
        "outside the search scope"
    );
    assert_eq!(body["refused"], 3);
    // Too many documents are refused whole.
    let many: Vec<String> = (0..20_001).map(|n| format!("{}", 20_000_000 + n)).collect();
    let res = reqwest::Client::new()
        .post(app.url(&format!("/api/v1/cohorts/{k}/bulk-enrolments")))
        .bearer_auth(&token)
        .json(&json!({"documents": many, "dry_run": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(states(&app, k).await.len(), 4);
}

#[tokio::test]
async fn a_saved_person_search_is_the_list_within_the_scope_of_whoever_runs_it() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    app.office("OE-B", "").await;
    let i = institution(&app, "30-71234567-1", "CFP Norte").await;
    let c = course(&app, "Soldadura", "").await;
    let k = cohort(&app, c, i, "OE-A", 2, &["enrolling"]).await;
    let mut people = Vec::new();
    for (office, dni, name) in [
        ("OE-A", "30111001", "Ana"),
        ("OE-A", "30111002", "Beto"),
        ("OE-A", "30111003", "Ciro"),
        ("OE-B", "30111004", "Dora"),
    ] {
        people.push(
            crate::persons::register(&app, office, dni, "Segmento", name, "1990-01-01").await,
        );
    }
    app.sync_index().await;
    let (op, csrf) = app.signed_in("opa", "operator", &["OE-A"]).await;

    // Saving: nothing to save without a filter; a name once.
    let res = app
        .post_form(&op, &csrf, "/persons/searches", &[("name", "Todos")])
        .await;
    assert!(
        res.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("saved-search-empty")
    );
    let save = [("name", "Segmento A"), ("q", "Segmento")];
    let res = app.post_form(&op, &csrf, "/persons/searches", &save).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(
        res.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("success")
    );
    let res = app.post_form(&op, &csrf, "/persons/searches", &save).await;
    assert!(
        res.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("saved-search-name-taken")
    );
    let html = app.get_page(&op, "/persons").await;
    assert!(
        text_of(&html, "[data-testid=saved-searches]")
            .unwrap()
            .contains("Segmento A")
    );
    let mine = sipe::persons::saved::mine(&app.db, crate::helpers::user_id(&app, "opa").await)
        .await
        .unwrap();
    assert_eq!(mine.len(), 1);

    // The bulk page offers it; checking it finds A's three (not B's Dora), two places
    // and one waiting, and changes nothing until confirmed.
    let page = format!("/training/cohorts/{k}/bulk");
    let html = app.get_page(&op, &page).await;
    assert!(html.contains("Segmento A"));
    let res = app
        .post_form(
            &op,
            &csrf,
            &format!("{page}/search"),
            &[("saved_search", &mine[0].id.to_string())],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert_eq!(html.matches("data-testid=\"bulk-accepted-row\"").count(), 3);
    assert!(
        !html.contains("30111004"),
        "B's person is not in A's segment"
    );
    assert!(states(&app, k).await.is_empty());
    let documents = scraper::Html::parse_document(&html)
        .select(&scraper::Selector::parse("input[name=documents]").unwrap())
        .next()
        .and_then(|e| e.value().attr("value").map(str::to_owned))
        .unwrap();
    let res = app
        .post_form(
            &op,
            &csrf,
            &format!("{page}/confirm"),
            &[("documents", &documents)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let got = states(&app, k).await;
    assert_eq!(got.iter().filter(|(_, s)| s == "enrolled").count(), 2);
    assert_eq!(got.iter().filter(|(_, s)| s == "waitlisted").count(), 1);
    assert!(!got.iter().any(|(p, _)| *p == people[3]));

    // Another user's saved search is not a source; the API takes one's own by id.
    let (other, ocsrf) = app.signed_in("opa2", "operator", &["OE-A"]).await;
    let res = app
        .post_form(
            &other,
            &ocsrf,
            &format!("{page}/search"),
            &[("saved_search", &mine[0].id.to_string())],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("no existe o no es tuya"));
    let token = app.token(crate::helpers::user_id(&app, "opa2").await).await;
    let client = app.client();
    let res = client
        .post(app.url("/api/v1/saved-searches"))
        .bearer_auth(&token)
        .json(&json!({"name": "Mío", "query": "q=Segmento&office=OE-A"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let saved: serde_json::Value = res.json().await.unwrap();
    let k2 = cohort(&app, c, i, "OE-A", 5, &["enrolling"]).await;
    let res = client
        .post(app.url(&format!("/api/v1/cohorts/{k2}/bulk-enrolments")))
        .bearer_auth(&token)
        .json(&json!({"saved_search_id": saved["id"], "dry_run": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let plan: serde_json::Value = res.json().await.unwrap();
    assert_eq!(plan["lines"].as_array().unwrap().len(), 3);
    let res = client
        .post(app.url(&format!("/api/v1/cohorts/{k2}/bulk-enrolments")))
        .bearer_auth(&token)
        .json(&json!({"saved_search_id": mine[0].id, "dry_run": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "not one's own"
    );
    let res = client
        .post(app.url(&format!("/api/v1/cohorts/{k2}/bulk-enrolments")))
        .bearer_auth(&token)
        .json(&json!({"saved_search_id": saved["id"], "documents": ["30111001"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "one source only"
    );
    let res = client
        .delete(app.url(&format!("/api/v1/saved-searches/{}", mine[0].id)))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::NOT_FOUND,
        "another's is not deleted"
    );
    assert_eq!(
        sipe::persons::saved::mine(&app.db, crate::helpers::user_id(&app, "opa").await)
            .await
            .unwrap()
            .len(),
        1
    );
}
