//! Saved person searches: a user's named filters of the persons list, to run again (and
//! to feed a bulk action such as enrolling into a cohort).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use sipe_platform::db::migrations::schema::ts;

/// The saved searches table.
pub struct M0027SavedSearches;

impl MigrationName for M0027SavedSearches {
    fn name(&self) -> &str {
        "m0027_saved_searches"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0027SavedSearches {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("person_saved_searches")
                .col(pk_uuid("id"))
                .col(uuid("user_id"))
                .col(string("name"))
                // The filters as the list's query string (`employment=unemployed&...`).
                .col(text("query"))
                .col(ts("created_at"))
                .foreign_key(
                    &mut ForeignKey::create()
                        .from("person_saved_searches", "user_id")
                        .to("users", "id")
                        .on_delete(ForeignKeyAction::Cascade)
                        .take(),
                )
                .take(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("ux_person_saved_searches_name")
                .table("person_saved_searches")
                .col("user_id")
                .col("name")
                .unique()
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table("person_saved_searches").take())
            .await
    }
}
