//! A short human code for each referral (office, year, sequence: `OE-CAP-01-2026-00042`),
//! printed on the letter and read over the phone instead of a 36-character id.

use sea_orm::ConnectionTrait;
use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

/// `referrals.code` (unique), `referral_sequences` (the last number given per office and
/// year), and codes for the referrals already there, in the order they were made.
pub struct M0018ReferralCodes;

impl MigrationName for M0018ReferralCodes {
    fn name(&self) -> &str {
        "m0018_referral_codes"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0018ReferralCodes {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table("referrals")
                .add_column(string_null("code"))
                .take(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table("referral_sequences")
                .col(uuid("office_id"))
                .col(integer("year"))
                .col(integer("last"))
                .primary_key(Index::create().col("office_id").col("year"))
                .take(),
        )
        .await?;
        backfill(m).await?;
        m.create_index(
            Index::create()
                .name("referrals_code")
                .table("referrals")
                .col("code")
                .unique()
                .take(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_index(
            Index::drop()
                .name("referrals_code")
                .table("referrals")
                .to_owned(),
        )
        .await?;
        m.drop_table(Table::drop().table("referral_sequences").take())
            .await?;
        m.alter_table(Table::alter().table("referrals").drop_column("code").take())
            .await
    }
}

/// Codes for the referrals made before codes existed, numbered per office and year in
/// the order they were made.
async fn backfill(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = m.get_connection();
    let select = Query::select()
        .column((Alias::new("r"), Alias::new("id")))
        .column((Alias::new("r"), Alias::new("office_id")))
        .column((Alias::new("r"), Alias::new("created_at")))
        .column((Alias::new("o"), Alias::new("code")))
        .from_as(Alias::new("referrals"), Alias::new("r"))
        .join_as(
            JoinType::InnerJoin,
            Alias::new("offices"),
            Alias::new("o"),
            Expr::col((Alias::new("o"), Alias::new("id")))
                .equals((Alias::new("r"), Alias::new("office_id"))),
        )
        .order_by((Alias::new("r"), Alias::new("created_at")), Order::Asc)
        .order_by((Alias::new("r"), Alias::new("id")), Order::Asc)
        .take();
    let rows = db.query_all(&select).await?;
    let mut last: std::collections::BTreeMap<(uuid::Uuid, i32), i32> = Default::default();
    for row in rows {
        let id: uuid::Uuid = row.try_get("", "id")?;
        let office: uuid::Uuid = row.try_get("", "office_id")?;
        let at: chrono::DateTime<chrono::Utc> = row.try_get("", "created_at")?;
        let office_code: String = row.try_get("", "code")?;
        let year = chrono::Datelike::year(&at);
        let n = last.entry((office, year)).or_insert(0);
        *n += 1;
        let update = Query::update()
            .table(Alias::new("referrals"))
            .value(Alias::new("code"), format!("{office_code}-{year}-{n:05}"))
            .and_where(Expr::col(Alias::new("id")).eq(id))
            .take();
        db.execute(&update).await?;
    }
    for ((office, year), n) in last {
        let insert = Query::insert()
            .into_table(Alias::new("referral_sequences"))
            .columns([
                Alias::new("office_id"),
                Alias::new("year"),
                Alias::new("last"),
            ])
            .values_panic([office.into(), year.into(), n.into()])
            .take();
        db.execute(&insert).await?;
    }
    Ok(())
}
