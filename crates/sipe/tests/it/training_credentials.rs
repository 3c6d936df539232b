//! Open Badges credentials: a certificate's VC-JWT is signed with its institution's
//! key, the key its `kid` names answers as a JWK, and the certificate's bit in the
//! published status list turns from 0 to 1 when it is revoked. (The browser tests
//! check the same with PyJWT, a JOSE library sipe does not use.)

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use reqwest::StatusCode;
use serde_json::Value;
use std::io::Read;

use crate::helpers::TestApp;
use crate::training::{cohort, course, ctx, enrol, grade, institution, move_to, system};

async fn fetch(app: &TestApp, url: &str) -> reqwest::Response {
    assert!(url.starts_with(&app.base), "{url} is on this server");
    app.client().get(url).send().await.unwrap()
}

/// The payload of a compact JWS, after checking its EdDSA signature with the JWK that
/// its `kid` answers.
async fn verified(app: &TestApp, token: &str) -> Value {
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "a compact JWS");
    let header: Value = serde_json::from_slice(&B64.decode(parts[0]).unwrap()).unwrap();
    assert_eq!(header["alg"], "EdDSA");
    let kid = header["kid"].as_str().unwrap();
    let jwk: Value = fetch(app, kid).await.json().await.unwrap();
    assert_eq!(
        (jwk["kty"].as_str(), jwk["crv"].as_str()),
        (Some("OKP"), Some("Ed25519"))
    );
    assert_eq!(jwk["kid"], kid);
    let public = B64.decode(jwk["x"].as_str().unwrap()).unwrap();
    let signature = B64.decode(parts[2]).unwrap();
    let signed = format!("{}.{}", parts[0], parts[1]);
    ring::signature::UnparsedPublicKey::new(&ring::signature::ED25519, &public)
        .verify(signed.as_bytes(), &signature)
        .expect("the signature verifies with the published key");
    // A changed payload does not.
    let mut forged = signed.clone().into_bytes();
    let last = forged.len() - 1;
    forged[last] ^= 1;
    assert!(
        ring::signature::UnparsedPublicKey::new(&ring::signature::ED25519, &public)
            .verify(&forged, &signature)
            .is_err()
    );
    serde_json::from_slice(&B64.decode(parts[1]).unwrap()).unwrap()
}

async fn credential(app: &TestApp, code: &str) -> Value {
    let res = fetch(
        app,
        &app.url(&format!("/api/v1/certificates/{code}/credential.jwt")),
    )
    .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "application/vc+jwt");
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .ends_with(".jwt\"")
    );
    let token = res.text().await.unwrap();
    verified(app, &token).await
}

/// The credential's bit in its (verified) status list.
async fn status_bit(app: &TestApp, credential: &Value) -> u8 {
    let entry = &credential["credentialStatus"];
    assert_eq!(entry["type"], "BitstringStatusListEntry");
    assert_eq!(entry["statusPurpose"], "revocation");
    let token = fetch(app, entry["statusListCredential"].as_str().unwrap())
        .await
        .text()
        .await
        .unwrap();
    let list = verified(app, &token).await;
    assert_eq!(list["credentialSubject"]["type"], "BitstringStatusList");
    assert_eq!(
        list["issuer"], credential["issuer"]["id"],
        "the list's issuer is the credential's"
    );
    let encoded = list["credentialSubject"]["encodedList"].as_str().unwrap();
    let gz = B64.decode(encoded.strip_prefix('u').unwrap()).unwrap();
    let mut bits = Vec::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_end(&mut bits)
        .unwrap();
    assert_eq!(bits.len(), 16_384, "the minimum list, 131072 entries");
    let index: usize = entry["statusListIndex"].as_str().unwrap().parse().unwrap();
    (bits[index / 8] >> (7 - index % 8)) & 1
}

#[tokio::test]
async fn a_certificate_is_an_open_badge_whose_status_bit_flips_on_revocation() {
    let app = TestApp::spawn().await;
    app.office("OE-A", "").await;
    let i = institution(&app, "30-71234567-1", "CFP Norte").await;
    let c = course(
        &app,
        "Instalaciones eléctricas",
        "electricidad domiciliaria",
    )
    .await;
    let k = cohort(&app, c, i, "OE-A", 5, &["enrolling"]).await;
    let mut codes = Vec::new();
    let mut enrolments = Vec::new();
    for (dni, name) in [("30111001", "Ana"), ("30111002", "Luis")] {
        let p = crate::persons::register(&app, "OE-A", dni, "Godoy", name, "1990-01-01").await;
        enrolments.push(enrol(&app, k, p).await.id);
    }
    move_to(&app, k, "running").await;
    crate::training::take_attendance(&app, k, None).await;
    for e in &enrolments {
        grade(&app, k, *e, "8").await;
    }
    move_to(&app, k, "finished").await;
    for cert in sipe::training::certificates::of_cohort(&app.db, k)
        .await
        .unwrap()
    {
        codes.push(cert.code);
    }
    assert_eq!(codes.len(), 2);

    let first = credential(&app, &codes[0]).await;
    let types = first["type"].as_array().unwrap();
    assert!(types.contains(&"OpenBadgeCredential".into()));
    assert_eq!(first["iss"], first["issuer"]["id"]);
    assert_eq!(
        first["issuer"]["id"],
        app.url(&format!("/api/v1/issuers/{i}"))
    );
    assert_eq!(
        first["credentialSubject"]["achievement"]["name"],
        "Instalaciones eléctricas"
    );
    assert_eq!(
        first["credentialSubject"]["achievement"]["tag"],
        serde_json::json!(["electricidad domiciliaria"]),
        "the skills it certified"
    );
    let names: Vec<&str> = first["credentialSubject"]["identifier"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["identityType"] == "name")
        .filter_map(|i| i["identityHash"].as_str())
        .collect();
    assert_eq!(names.len(), 1);
    assert!(names[0].ends_with("Godoy"));
    let raw = serde_json::to_string(&first).unwrap();
    assert!(
        !raw.contains("30111001") && !raw.contains("30111002"),
        "no document in a public credential"
    );
    // The issuer's profile names the institution and its key.
    let profile: Value = fetch(&app, first["iss"].as_str().unwrap())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(profile["name"], "CFP Norte");
    assert_eq!(profile["type"], serde_json::json!(["Profile"]));
    // Each certificate has its own bit; both 0 while valid.
    let second = credential(&app, &codes[1]).await;
    assert_ne!(
        first["credentialStatus"]["statusListIndex"],
        second["credentialStatus"]["statusListIndex"]
    );
    assert_eq!(status_bit(&app, &first).await, 0);
    assert_eq!(status_bit(&app, &second).await, 0);
    // Revoked: its bit turns 1 at once, the other's stays 0 (the positive control).
    sipe::training::certificates::revoke(&app.db, &ctx(), &system(), &codes[0], "Error")
        .await
        .unwrap();
    assert_eq!(status_bit(&app, &first).await, 1);
    assert_eq!(status_bit(&app, &second).await, 0);
    // A forged Host header changes nothing: the addresses are the server's own.
    let forged = app
        .client()
        .get(app.url(&format!("/api/v1/certificates/{}/credential.jwt", codes[1])))
        .header("host", "evil.example")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let header: Value =
        serde_json::from_slice(&B64.decode(forged.split('.').next().unwrap()).unwrap()).unwrap();
    assert!(
        header["kid"].as_str().unwrap().starts_with(&app.base),
        "{header}"
    );
    assert!(!forged.contains("evil"));
    // The same certificate gives the same credential (Ed25519 is deterministic).
    let again = credential(&app, &codes[0]).await;
    assert_eq!(again, first);

    // Unknown codes, lists and issuers are 404.
    for path in [
        "/api/v1/certificates/ABCDEFGHJKLMNPQRSTUV/credential.jwt".to_owned(),
        format!("/api/v1/issuers/{i}/status-lists/1"),
        format!("/api/v1/issuers/{i}/status-lists/-1"),
        format!("/api/v1/issuers/{i}/status-lists/99999999999"),
        format!("/api/v1/issuers/{}/status-lists/0", uuid::Uuid::now_v7()),
        "/api/v1/issuers/nobody".to_owned(),
        "/api/v1/issuers/sipe/status-lists/0".to_owned(),
        format!("/api/v1/issuers/{}", uuid::Uuid::now_v7()),
        format!("/api/v1/issuers/{i}/keys/{}", uuid::Uuid::now_v7()),
    ] {
        assert_eq!(
            fetch(&app, &app.url(&path)).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let jwks: Value = fetch(&app, &app.url(&format!("/api/v1/issuers/{i}/jwks")))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(jwks["keys"].as_array().unwrap().len(), 1);
    // The private keys are stored sealed: what the table holds is no usable key.
    use sea_orm::ConnectionTrait;
    let backend = app.db.get_database_backend();
    let rows = app
        .db
        .query_all_raw(sea_orm::Statement::from_string(
            backend,
            "SELECT owner, sealed_private_key FROM training_issuer_keys",
        ))
        .await
        .unwrap();
    assert_eq!(
        rows.len(),
        1,
        "the institution's key, created by its first credential"
    );
    for row in rows {
        let sealed = B64
            .decode(row.try_get::<String>("", "sealed_private_key").unwrap())
            .unwrap();
        for start in [0, 12] {
            assert!(
                ring::signature::Ed25519KeyPair::from_pkcs8_maybe_unchecked(&sealed[start..])
                    .is_err()
            );
        }
    }
}
