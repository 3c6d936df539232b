//! The local vocabulary of job titles over the ISCO-08 unit groups.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use super::schema::ts;

/// `occupation_titles`: Argentine job titles (masculine and feminine forms), each mapped
/// to an ISCO-08 unit group; seeded at start when empty, edited by admins.
pub struct M0019OccupationTitles;

impl MigrationName for M0019OccupationTitles {
    fn name(&self) -> &str {
        "m0019_occupation_titles"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0019OccupationTitles {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("occupation_titles")
                .col(pk_uuid("id"))
                .col(string_uniq("masculine"))
                .col(string_null("feminine"))
                .col(string("unit_group"))
                .col(string("sector"))
                .col(boolean("active"))
                .col(string("source"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("occupation_titles").take())
            .await
    }
}
