//! Programmes' filter of messaging audiences: the beneficiaries of a programme (active
//! or suspended in it today).

use sea_orm::sea_query::{Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{DbErr, EntityTrait, QueryOrder};
use sipe_messaging::audiences::AudienceSource;
use sipe_platform::db::Db;
use sipe_platform::module::BoxFuture;
use uuid::Uuid;

use crate::entity::{application, programme};

/// "Beneficiaries of": the people holding a place in a programme.
pub struct Beneficiaries;

impl AudienceSource for Beneficiaries {
    fn key(&self) -> &'static str {
        "programme"
    }

    fn label(&self) -> &'static str {
        "programme-audience-beneficiaries"
    }

    fn options<'a>(
        &'a self,
        db: &'a Db,
        access: &'a sipe_platform::access::Access,
    ) -> BoxFuture<'a, Result<Vec<(String, String)>, DbErr>> {
        // The catalogue of programmes is everyone's.
        let _ = access;
        Box::pin(async move {
            Ok(programme::Entity::find()
                .order_by_asc(programme::Column::Code)
                .all(db)
                .await?
                .into_iter()
                .take(300)
                .map(|p| (p.id.to_string(), format!("{} — {}", p.code, p.name)))
                .collect())
        })
    }

    fn people(&self, value: &str) -> Option<SelectStatement> {
        let id = Uuid::parse_str(value.trim()).ok()?;
        Some(
            Query::select()
                .column(application::Column::PersonId)
                .from(application::Entity)
                .and_where(Expr::col(application::Column::ProgrammeId).eq(id))
                .and_where(Expr::col(application::Column::State).is_in(["active", "suspended"]))
                .take(),
        )
    }
}
