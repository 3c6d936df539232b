//! Training's filter of messaging audiences: the people enrolled in a cohort (holding a
//! place, not waiting, withdrawn or finished).

use sea_orm::sea_query::{Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use sipe_messaging::audiences::AudienceSource;
use sipe_platform::db::Db;
use sipe_platform::module::BoxFuture;
use uuid::Uuid;

use crate::entity::{cohort, enrolment};

/// "Enrolled in": a cohort's people.
pub struct Enrolled;

impl AudienceSource for Enrolled {
    fn key(&self) -> &'static str {
        "cohort"
    }

    fn label(&self) -> &'static str {
        "training-audience-enrolled"
    }

    fn options<'a>(
        &'a self,
        db: &'a Db,
        access: &'a sipe_platform::access::Access,
    ) -> BoxFuture<'a, Result<Vec<(String, String)>, DbErr>> {
        Box::pin(async move {
            let open = ["enrolling", "running"];
            let cohorts = cohort::Entity::find()
                .filter(cohort::Column::State.is_in(open))
                .filter(access.view.owns(cohort::Column::OfficeId))
                .order_by_desc(cohort::Column::StartsOn)
                .limit(300)
                .all(db)
                .await?;
            let mut out = Vec::with_capacity(cohorts.len());
            for c in cohorts {
                let course = crate::enrolment::course_name(db, &c).await?;
                out.push((c.id.to_string(), format!("{} — {course}", c.code)));
            }
            Ok(out)
        })
    }

    fn people(&self, value: &str) -> Option<SelectStatement> {
        let id = Uuid::parse_str(value.trim()).ok()?;
        Some(
            Query::select()
                .column(enrolment::Column::PersonId)
                .from(enrolment::Entity)
                .and_where(Expr::col(enrolment::Column::CohortId).eq(id))
                .and_where(Expr::col(enrolment::Column::State).eq("enrolled"))
                .take(),
        )
    }
}
