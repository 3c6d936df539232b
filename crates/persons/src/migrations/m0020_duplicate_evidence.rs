//! Pairs found before duplicates were scored by their evidence take the new scale: a
//! shared phone or e-mail alone is weak (40, was 100); a similar name with the same
//! birth date is 60 plus 30 × the similarity (was 100 × the similarity).

use sea_orm_migration::prelude::*;

/// Re-scores the stored duplicate pairs.
pub struct M0020DuplicateEvidence;

impl MigrationName for M0020DuplicateEvidence {
    fn name(&self) -> &str {
        "m0020_duplicate_evidence"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for M0020DuplicateEvidence {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let (reason, score) = (Alias::new("reason"), Alias::new("score"));
        let contact = Query::update()
            .table("duplicate_pairs")
            .value(score.clone(), 40)
            .and_where(Expr::col(reason.clone()).is_in(["phone", "email"]))
            .to_owned();
        m.exec_stmt(contact).await?;
        // Integer arithmetic, the same on SQLite and PostgreSQL: 60 + round(30 × s / 100).
        let name = Query::update()
            .table("duplicate_pairs")
            .value(
                score.clone(),
                Expr::val(60).add(Expr::col(score).mul(30).add(50).div(100)),
            )
            .and_where(Expr::col(reason).eq("name_birth"))
            .to_owned();
        m.exec_stmt(name).await
    }

    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        // The old scores are not kept; the next scan writes new pairs on the new scale.
        Ok(())
    }
}
