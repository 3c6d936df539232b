use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, location, text_of};

/// Two offices and an operator at each.
async fn two_offices(app: &TestApp) -> (uuid::Uuid, uuid::Uuid) {
    let a = app.office("OE-A", "").await;
    let b = app.office("OE-B", "").await;
    (a, b)
}

#[tokio::test]
async fn an_operator_registers_an_employer_with_contacts_and_agreements() {
    let app = TestApp::spawn().await;
    two_offices(&app).await;
    let (c, csrf) = app.signed_in("op_a", "operator", &["OE-A"]).await;
    let res = app
        .post_form(
            &c,
            &csrf,
            "/employers",
            &[
                ("cuit", "30-71234567-1"),
                ("legal_name", "Citrícola San Miguel S.A."),
                ("trade_name", "Citrus SM"),
                ("activity_code", "01 — Agricultura, ganadería, caza"),
                ("size_band", "large"),
                ("office_code", "OE-A"),
                ("territory_code", "AR-90084"),
                ("phone", "0381 421-5000"),
                ("email", "rrhh@citricola.example.com.ar"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let detail = location(res.headers());
    let html = app.get_page(&c, &detail).await;
    assert_eq!(
        text_of(&html, "h1").unwrap(),
        "Citrícola San Miguel S.A. (Citrus SM)"
    );
    assert!(html.contains("Empleador registrado."));
    assert!(html.contains("01 — Agricultura, ganadería, caza y actividades de servicios conexas"));
    assert!(html.contains("+543814215000"), "phone stored in E.164");

    let res = app
        .post_form(
            &c,
            &csrf,
            &format!("{detail}/contacts"),
            &[
                ("name", "Marta Ruiz"),
                ("role", "Recursos humanos"),
                ("phone", "381 15 544 2347"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = app
        .post_form(
            &c,
            &csrf,
            &format!("{detail}/agreements"),
            &[
                ("kind", "internships"),
                ("title", "Convenio de prácticas 12/2026"),
                ("signed_on", "2026-03-01"),
                ("expires_on", "2027-02-28"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let html = app.get_page(&c, &detail).await;
    assert!(html.contains("Marta Ruiz") && html.contains("+5493815442347"));
    assert!(html.contains("Convenio de prácticas 12/2026"));
    assert!(html.contains("Prácticas o entrenamiento laboral"));

    // A bad contact keeps the page with the problem and stores nothing.
    let res = app
        .post_form(
            &c,
            &csrf,
            &format!("{detail}/contacts"),
            &[("name", ""), ("email", "x")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("Este campo es obligatorio."));
    assert!(html.contains("El correo electrónico no es válido."));

    let id: uuid::Uuid = detail.trim_start_matches("/employers/").parse().unwrap();
    assert_eq!(
        sipe::intermediation::employers::store::contacts(&app.db, id)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(app.audit_count("employer.create").await, 1);
    assert_eq!(app.audit_count("employer.contact.add").await, 1);
    assert_eq!(app.audit_count("employer.agreement.add").await, 1);

    // Listed, and found by words of its name and by CUIT digits.
    for q in ["san miguel", "citricola", "71234567"] {
        let html = app
            .get_page(&c, &format!("/employers?q={}", q.replace(' ', "+")))
            .await;
        assert!(html.contains("Citrícola San Miguel S.A."), "found by {q}");
    }
    let html = app.get_page(&c, "/employers?q=ingenio").await;
    assert!(!html.contains("Citrícola San Miguel S.A."));

    // The filtered list as CSV.
    let res = c
        .get(app.url("/employers.csv?q=citricola&state=active"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    let csv = crate::helpers::without_bom(res.text().await.unwrap());
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("cuit,razon_social,nombre_fantasia,actividad"));
    assert_eq!(lines.len(), 2, "{csv}");
    assert!(lines[1].starts_with("30712345671,Citrícola San Miguel S.A.,Citrus SM,01,"));
    assert!(lines[1].contains("OE-A") && lines[1].ends_with(",si"));
    let csv = app.get_page(&c, "/employers.csv?q=ingenio").await;
    assert_eq!(csv.lines().count(), 1, "only the header");
}

#[tokio::test]
async fn a_duplicate_cuit_is_refused_with_a_link_only_when_the_employer_is_visible() {
    let app = TestApp::spawn().await;
    two_offices(&app).await;
    let (a, csrf_a) = app.signed_in("op_a", "operator", &["OE-A"]).await;
    let (b, csrf_b) = app.signed_in("op_b", "operator", &["OE-B"]).await;
    let form = [
        ("cuit", "30712345671"),
        ("legal_name", "Ingenio Concepción S.A."),
    ];
    let res = app.post_form(&a, &csrf_a, "/employers", &form).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let detail = location(res.headers());

    let res = app.post_form(&a, &csrf_a, "/employers", &form).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let html = res.text().await.unwrap();
    assert!(html.contains("Ya hay un empleador registrado con este CUIT."));
    assert!(
        html.contains(&format!("href=\"{detail}\"")),
        "links the existing employer"
    );

    let res = app.post_form(&b, &csrf_b, "/employers", &form).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let html = res.text().await.unwrap();
    assert!(html.contains("en otra oficina"));
    assert!(
        !html.contains(&detail),
        "no link outside the caller's scope"
    );
    // Nor can the other office open, list or edit it.
    let res = b.get(app.url(&detail)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let html = app.get_page(&b, "/employers").await;
    assert!(!html.contains("Ingenio Concepción"));
    let res = app
        .post_form(
            &b,
            &csrf_b,
            &format!("{detail}/contacts"),
            &[("name", "Intruso")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.audit_count("employer.create").await, 1);
}

#[tokio::test]
async fn invalid_employer_input_is_reported_in_spanish_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    two_offices(&app).await;
    let (c, csrf) = app.signed_in("op_a", "operator", &["OE-A"]).await;
    let res = app
        .post_form(
            &c,
            &csrf,
            "/employers",
            &[
                ("cuit", "30-71234567-2"),
                ("legal_name", ""),
                ("activity_code", "04"),
                ("territory_code", "AR-99999"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("El dígito verificador del CUIT no coincide"));
    assert!(html.contains("Este campo es obligatorio."));
    assert!(html.contains("Indicá una división de la CIIU Rev.4"));
    assert_eq!(app.audit_count("employer.create").await, 0);
    let res = app
        .post_form(
            &c,
            &csrf,
            "/employers",
            &[
                ("cuit", "30-71234567-1"),
                ("legal_name", "X"),
                ("territory_code", "AR-99999"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.audit_count("employer.create").await, 0);
}

#[tokio::test]
async fn the_api_lists_creates_updates_and_refuses_duplicates() {
    let app = TestApp::spawn().await;
    two_offices(&app).await;
    let id = app.user("api_a", "operator", &["OE-A"]).await;
    let token = app.token(id).await;
    let other = app.user("api_b", "operator", &["OE-B"]).await;
    let other_token = app.token(other).await;
    let http = reqwest::Client::new();
    let body = json!({
        "cuit": "30-71234567-1",
        "legal_name": "Constructora Aconquija S.R.L.",
        "activity_code": "41",
        "size_band": "medium1",
        "contacts": [{"name": "Jorge Paz", "role": "Capataz", "email": "jpaz@aconquija.example.com"}]
    });
    let res = http
        .post(app.url("/api/v1/employers"))
        .bearer_auth(&token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let created: Value = res.json().await.unwrap();
    let eid = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["cuit"], "30712345671");
    assert_eq!(created["activity"], "Construcción de edificios");
    assert_eq!(created["contacts"][0]["name"], "Jorge Paz");

    let res = http
        .post(app.url("/api/v1/employers"))
        .bearer_auth(&token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let problem: Value = res.json().await.unwrap();
    assert!(
        problem
            .to_string()
            .contains(&format!("/api/v1/employers/{eid}"))
    );

    let res = http
        .post(app.url("/api/v1/employers"))
        .bearer_auth(&token)
        .json(&json!({"cuit": "123", "legal_name": ""}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = res.json().await.unwrap();
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(fields, ["cuit", "legal_name"]);

    let list: Value = http
        .get(app.url("/api/v1/employers?q=aconquija"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["id"], eid.as_str());
    let list: Value = http
        .get(app.url("/api/v1/employers"))
        .bearer_auth(&other_token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["total"], 0, "another office sees none");
    let res = http
        .get(app.url(&format!("/api/v1/employers/{eid}")))
        .bearer_auth(&other_token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);

    let res = http
        .patch(app.url(&format!("/api/v1/employers/{eid}")))
        .bearer_auth(&token)
        .json(&json!({"cuit": "30712345671", "legal_name": "Constructora Aconquija S.A.", "activity_code": "42"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let updated: Value = res.json().await.unwrap();
    assert_eq!(updated["legal_name"], "Constructora Aconquija S.A.");
    assert_eq!(updated["activity"], "Obras de ingeniería civil");
    assert_eq!(
        updated["contacts"].as_array().unwrap().len(),
        1,
        "contacts kept"
    );

    let res = http
        .post(app.url(&format!("/api/v1/employers/{eid}/agreements")))
        .bearer_auth(&token)
        .json(&json!({"kind": "programme", "title": "Programa de Inserción Laboral", "signed_on": "2026-05-02"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let with: Value = res.json().await.unwrap();
    let agreement = with["agreements"][0]["id"].as_str().unwrap().to_owned();
    let res = http
        .delete(app.url(&format!("/api/v1/employers/{eid}/agreements/{agreement}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.audit_count("employer.update").await, 1);
    assert_eq!(app.audit_count("employer.agreement.remove").await, 1);

    // Other sites: a department is required and must be one.
    let add_site = |body: Value| {
        http.post(app.url(&format!("/api/v1/employers/{eid}/sites")))
            .bearer_auth(&token)
            .json(&body)
            .send()
    };
    let res = add_site(json!({"name": "Obrador Lules", "territory_code": "AR-90"}))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = res.json().await.unwrap();
    assert!(
        problem.to_string().contains("site_territory_code"),
        "{problem}"
    );
    let res = add_site(
        json!({"name": "Obrador Lules", "address": "Ruta 301 km 4", "territory_code": "AR-90063"}),
    )
    .await
    .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let with: Value = res.json().await.unwrap();
    assert_eq!(with["sites"][0]["name"], "Obrador Lules");
    assert_eq!(with["sites"][0]["territory_code"], "AR-90063");
    let site = with["sites"][0]["id"].as_str().unwrap().to_owned();
    let res = http
        .delete(app.url(&format!("/api/v1/employers/{eid}/sites/{site}")))
        .bearer_auth(&other_token)
        .send()
        .await
        .unwrap();
    assert_eq!(
        res.status(),
        StatusCode::NOT_FOUND,
        "another office's operator"
    );
    let res = http
        .delete(app.url(&format!("/api/v1/employers/{eid}/sites/{site}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    let after: Value = app
        .get_json(&token, &format!("/api/v1/employers/{eid}"))
        .await;
    assert_eq!(after["sites"].as_array().unwrap().len(), 0);
    assert_eq!(app.audit_count("employer.site.add").await, 1);
    assert_eq!(app.audit_count("employer.site.remove").await, 1);

    let doc: Value = http
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["paths"]["/api/v1/employers"]["post"].is_object());
    assert!(doc["paths"]["/api/v1/employers/{id}/contacts"]["post"].is_object());
    assert!(doc["paths"]["/api/v1/employers/{id}/sites"]["post"].is_object());
}

#[tokio::test]
async fn contacts_sites_and_agreements_are_added_and_removed_alike_on_the_page() {
    let app = TestApp::spawn().await;
    two_offices(&app).await;
    let eid = crate::vacancies::employer(&app, "OE-A", "30-71234567-1", "Empaque Norte").await;
    let (c, csrf) = app.signed_in("op_a", "operator", &["OE-A"]).await;
    let (other, other_csrf) = app.signed_in("op_b", "operator", &["OE-B"]).await;
    let eid_s = eid.to_string();
    // (sub-form path, a valid form, the field that names it on the page, a bad form)
    type Fields = Vec<(&'static str, &'static str)>;
    let cases: [(&str, Fields, &str, Fields); 3] = [
        (
            "contacts",
            vec![("name", "Marta Quiroga"), ("role", "RR.HH.")],
            "Marta Quiroga",
            vec![("name", ""), ("role", "Capataz Sin Nombre")],
        ),
        (
            "sites",
            vec![
                ("name", "Planta Famaillá"),
                ("address", "Ruta 38"),
                ("territory_code", "AR-90063"),
            ],
            "Planta Famaillá",
            vec![
                ("name", "Planta Sin Departamento"),
                ("territory_code", "AR-90"),
            ],
        ),
        (
            "agreements",
            vec![
                ("kind", "internships"),
                ("title", "Convenio 12/2026"),
                ("signed_on", "2026-03-02"),
            ],
            "Convenio 12/2026",
            vec![
                ("kind", "internships"),
                ("title", "Convenio Sin Fecha"),
                ("signed_on", ""),
            ],
        ),
    ];
    let mut checked = 0;
    for (path, good, shown, bad) in cases {
        let kind = path.trim_end_matches('s');
        // Bad input: the page again with the problem and what was typed, nothing stored.
        let res = app
            .post_form(&c, &csrf, &format!("/employers/{eid_s}/{path}"), &bad)
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{path}");
        let html = res.text().await.unwrap();
        assert!(
            html.contains(bad[1].1) || html.contains(bad[0].1),
            "{path}: input kept"
        );
        assert_eq!(app.audit_count(&format!("employer.{kind}.add")).await, 0);
        // Good input: back to the page, which lists it.
        let res = app
            .post_form(&c, &csrf, &format!("/employers/{eid_s}/{path}"), &good)
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{path}");
        let html = app.get_page(&c, &format!("/employers/{eid_s}")).await;
        assert!(html.contains(shown), "{path}: listed");
        let prefix = format!("/employers/{eid_s}/{path}/");
        let delete = html
            .split("action=\"")
            .skip(1)
            .map(|s| s.split('"').next().unwrap())
            .find(|a| a.starts_with(&prefix) && a.ends_with("/delete"))
            .unwrap_or_else(|| panic!("{path}: a remove button"))
            .to_owned();
        // Another office's operator cannot remove it; the owner can.
        let res = app.post_form(&other, &other_csrf, &delete, &[]).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}: other office");
        let res = app.post_form(&c, &csrf, &delete, &[]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{path}: owner");
        let html = app.get_page(&c, &format!("/employers/{eid_s}")).await;
        assert!(!html.contains(shown), "{path}: gone");
        assert_eq!(app.audit_count(&format!("employer.{kind}.add")).await, 1);
        assert_eq!(app.audit_count(&format!("employer.{kind}.remove")).await, 1);
        checked += 1;
    }
    assert_eq!(checked, 3);
}
