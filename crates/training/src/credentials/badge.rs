//! The OpenBadgeCredential of a certificate (Open Badges 3.0 on the W3C Verifiable
//! Credentials 2.0 data model), with the JWT claims that mirror it (`iss`, `jti`, `nbf`).

use serde_json::{Value, json};
use uuid::Uuid;

use crate::entity::certificate;

/// The Open Badges 3.0 context.
pub const OB_CONTEXT: &str = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json";

/// What the credential points to besides the certificate itself.
pub struct Facts {
    /// The issuer profile's URL.
    pub issuer: String,
    /// The course, named by its id.
    pub course_id: Uuid,
    /// The status list's URL.
    pub status_list: String,
}

fn achievement_type(kind: &str) -> &'static str {
    match kind {
        "attendance" => "CertificateOfCompletion",
        "competency" => "Competency",
        _ => "Certificate",
    }
}

fn criteria(kind: &str, hours: i32) -> String {
    match kind {
        "attendance" => format!("Asistencia a un curso de {hours} horas."),
        "competency" => {
            format!("Evaluación de competencia laboral al cabo de un curso de {hours} horas.")
        }
        _ => format!("Aprobación de un curso de {hours} horas."),
    }
}

/// The JWT payload: the credential's members at the top level, and the registered
/// claims that say the same.
pub fn payload(cert: &certificate::Model, facts: &Facts) -> Value {
    let id = format!("urn:uuid:{}", cert.id);
    let valid_from = cert.issued_on.and_hms_opt(0, 0, 0).unwrap_or_default();
    let skills: Vec<(String, String)> = cert
        .skills
        .as_deref()
        .and_then(|s| serde_json::from_str(s).ok())
        .unwrap_or_default();
    let (_, index) = super::status_list::locate(cert.status_index);
    json!({
        "@context": [super::VC_CONTEXT, OB_CONTEXT],
        "id": id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {
            "id": facts.issuer,
            "type": ["Profile"],
            "name": cert.institution_name,
        },
        "validFrom": format!("{}Z", valid_from.format("%Y-%m-%dT%H:%M:%S")),
        "name": cert.course_name,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "name",
                    "hashed": false,
                    "identityHash": cert.holder_name,
                },
            ],
            "achievement": {
                "id": format!("urn:uuid:{}", facts.course_id),
                "type": ["Achievement"],
                "achievementType": achievement_type(&cert.kind),
                "name": cert.course_name,
                "description": format!(
                    "{} ({} horas), dictado del {} al {}.",
                    cert.course_name,
                    cert.hours,
                    cert.starts_on.format("%d/%m/%Y"),
                    cert.ends_on.format("%d/%m/%Y"),
                ),
                "criteria": { "narrative": criteria(&cert.kind, cert.hours) },
                "tag": skills.iter().map(|(_, label)| label).collect::<Vec<_>>(),
            },
        },
        "credentialStatus": {
            "id": format!("{}#{index}", facts.status_list),
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": index.to_string(),
            "statusListCredential": facts.status_list,
        },
        "iss": facts.issuer,
        "jti": id,
        "nbf": valid_from.and_utc().timestamp(),
    })
}
