//! The templates other modules send by code, so a deployment has them from the start;
//! offices then change their words (never their codes) on the templates page.

use sea_orm_migration::prelude::*;

/// The templates of the transactional messages.
pub struct M0040MessageTemplates;

impl MigrationName for M0040MessageTemplates {
    fn name(&self) -> &str {
        "m0040_message_templates"
    }
}

/// Code, name, any hour, SMS, e-mail subject, e-mail text.
const SEEDED: [(&str, &str, bool, &str, &str, &str); 5] = [
    (
        "referral_notice",
        "Aviso de derivación a una búsqueda",
        false,
        "Hola {nombre}: {oficina} te propuso para el puesto {puesto} en {empresa}. Te van a contactar para una entrevista.",
        "Te propusimos para {puesto}",
        "Hola {nombre}:\n\n{oficina} te propuso para el puesto {puesto} en {empresa}. La empresa te va a contactar para una entrevista.\n\nSi ya no buscás trabajo, avisanos en tu oficina.",
    ),
    (
        "enrolment_confirmation",
        "Confirmación de inscripción a un curso",
        false,
        "Hola {nombre}: quedaste inscripto/a en {curso}. Empieza el {fecha}. Consultas: {oficina}.",
        "Inscripción a {curso}",
        "Hola {nombre}:\n\nQuedaste inscripto/a en el curso {curso}, que empieza el {fecha}.\n\nAnte cualquier duda, acercate a {oficina}.",
    ),
    (
        "certificate_notice",
        "Aviso de certificado emitido",
        false,
        "Hola {nombre}: ya está tu certificado de {curso} (código {codigo}). Retiralo en {oficina}.",
        "Tu certificado de {curso}",
        "Hola {nombre}:\n\nYa está emitido tu certificado del curso {curso}, con el código {codigo}: con él cualquiera puede verificarlo en el sitio de la Secretaría.\n\nRetiralo en {oficina}.",
    ),
    (
        "programme_approval",
        "Aprobación de la postulación a un programa",
        false,
        "Hola {nombre}: se aprobó tu postulación a {programa}. Acercate a {oficina} para los próximos pasos.",
        "Se aprobó tu postulación a {programa}",
        "Hola {nombre}:\n\nSe aprobó tu postulación al programa {programa}.\n\nAcercate a {oficina} para los próximos pasos.",
    ),
    (
        "payment_notice",
        "Aviso de pago de un programa",
        false,
        "Hola {nombre}: se liquidó tu pago de {programa} de {periodo} por {monto}.",
        "Pago de {programa} de {periodo}",
        "Hola {nombre}:\n\nSe liquidó tu pago del programa {programa} correspondiente a {periodo}, por {monto}.\n\nConsultas en {oficina}.",
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for M0040MessageTemplates {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut seed = Query::insert();
        seed.into_table("message_templates").columns([
            "id",
            "code",
            "name",
            "purpose",
            "any_hour",
            "sms_text",
            "sms_transliterate",
            "email_subject",
            "email_text",
            "active",
            "version",
            "updated_by",
            "created_at",
            "updated_at",
        ]);
        let now = chrono::Utc::now();
        for (code, name, any_hour, sms, subject, email) in SEEDED {
            seed.values_panic([
                uuid::Uuid::now_v7().into(),
                code.into(),
                name.into(),
                "service".into(),
                any_hour.into(),
                sms.into(),
                // Names of people and offices carry accents: kept in GSM-7, 160 a segment.
                true.into(),
                subject.into(),
                email.into(),
                true.into(),
                1.into(),
                "sipe".into(),
                now.into(),
                now.into(),
            ]);
        }
        m.exec_stmt(seed).await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let mut delete = Query::delete();
        delete
            .from_table("message_templates")
            .and_where(Expr::col("code").is_in(SEEDED.iter().map(|s| s.0)));
        m.exec_stmt(delete).await?;
        Ok(())
    }
}
