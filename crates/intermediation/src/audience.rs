//! Intermediation's filter of messaging audiences: the candidates referred to a vacancy
//! whose referral is still open.

use sea_orm::sea_query::{Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use sipe_messaging::audiences::AudienceSource;
use sipe_platform::db::Db;
use sipe_platform::module::BoxFuture;
use uuid::Uuid;

use crate::referrals::entity::referral;
use crate::referrals::state::ReferralState;
use crate::vacancies::entity::vacancy;

/// "Candidates of": the people referred to a vacancy, their referral open.
pub struct Candidates;

impl AudienceSource for Candidates {
    fn key(&self) -> &'static str {
        "vacancy"
    }

    fn label(&self) -> &'static str {
        "vacancy-audience-candidates"
    }

    fn options<'a>(
        &'a self,
        db: &'a Db,
        access: &'a sipe_platform::access::Access,
    ) -> BoxFuture<'a, Result<Vec<(String, String)>, DbErr>> {
        Box::pin(async move {
            Ok(vacancy::Entity::find()
                .filter(vacancy::Column::State.is_in(["open", "paused"]))
                .filter(access.view.owns(vacancy::Column::OfficeId))
                .order_by_asc(vacancy::Column::Title)
                .limit(300)
                .all(db)
                .await?
                .into_iter()
                .map(|v| (v.id.to_string(), v.title))
                .collect())
        })
    }

    fn people(&self, value: &str) -> Option<SelectStatement> {
        let id = Uuid::parse_str(value.trim()).ok()?;
        let open: Vec<&str> = ReferralState::ALL
            .iter()
            .filter(|s| s.is_open())
            .map(|s| s.as_str())
            .collect();
        Some(
            Query::select()
                .column(referral::Column::PersonId)
                .from(referral::Entity)
                .and_where(Expr::col(referral::Column::VacancyId).eq(id))
                .and_where(Expr::col(referral::Column::State).is_in(open))
                .take(),
        )
    }
}
