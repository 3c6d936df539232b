//! The signing keys of the Open Badges credentials: one Ed25519 key pair per
//! institution, and one for the deployment (it signs the revocation status lists); the
//! skills each certificate certified.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use sipe_platform::db::migrations::schema::ts;

/// The issuer keys table.
pub struct M0023TrainingCredentials;

impl MigrationName for M0023TrainingCredentials {
    fn name(&self) -> &str {
        "m0023_training_credentials"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0023TrainingCredentials {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("training_issuer_keys")
                .col(pk_uuid("id"))
                // An institution's id, or `sipe` for the deployment.
                .col(string_uniq("owner"))
                // base64url of the 32-byte public key.
                .col(string("public_key"))
                // base64url of nonce ‖ AES-256-GCM(PKCS#8 private key).
                .col(text("sealed_private_key"))
                .col(ts("created_at"))
                .take(),
        )
        .await?;
        // What a certificate certified, as issued: its credential lists it for ever.
        m.alter_table(
            Table::alter()
                .table("training_certificates")
                .add_column(text_null("skills"))
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("training_certificates")
                .drop_column("skills")
                .take(),
        )
        .await?;
        m.drop_table(Table::drop().table("training_issuer_keys").take())
            .await
    }
}
