//! Audiences for messaging: the people a set of list filters (and other modules'
//! conditions) selects within the caller's view scope, counted by the channels they can
//! be reached on, and read in id order a batch at a time. Merged records are never in an
//! audience. Only what messaging needs leaves the registry: counts and ids.

use chrono::NaiveDate;
use sea_orm::sea_query::{Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use crate::entity::{person, profile_item};
use crate::registry::store::{PersonQuery, filters_condition};
use sipe_platform::access::Access;
use sipe_platform::ids::PersonId;

/// Who an audience is: the list's filters, other modules' conditions (each a
/// `SELECT person_id ...`), and the purpose a message needs consent for (`None` for the
/// person's own procedures).
pub struct Audience<'a> {
    /// The list's filters (its text is ignored).
    pub query: &'a PersonQuery,
    /// Each a subquery of person ids the people must be in.
    pub extra: Vec<SelectStatement>,
    /// The consent purpose, if any.
    pub purpose: Option<&'a str>,
    /// The day consents are in force on.
    pub today: NaiveDate,
}

impl Audience<'_> {
    fn condition(&self, access: &Access) -> Condition {
        let mut c = Condition::all()
            .add(access.view.owns(person::Column::OfficeId))
            .add(person::Column::MergedInto.is_null())
            .add(filters_condition(self.query));
        for sub in &self.extra {
            c = c.add(Expr::col(person::Column::Id).in_subquery(sub.clone()));
        }
        if let Some(purpose) = self.purpose {
            c = c.add(
                Expr::col(person::Column::Id).in_subquery(
                    Query::select()
                        .column(profile_item::Column::PersonId)
                        .from(profile_item::Entity)
                        .and_where(Expr::col(profile_item::Column::Kind).eq("consent"))
                        .and_where(Expr::col(profile_item::Column::Code).eq(purpose))
                        .cond_where(
                            Condition::any()
                                .add(Expr::col(profile_item::Column::FromDate).is_null())
                                .add(Expr::col(profile_item::Column::FromDate).lte(self.today)),
                        )
                        .cond_where(
                            Condition::any()
                                .add(Expr::col(profile_item::Column::ToDate).is_null())
                                .add(Expr::col(profile_item::Column::ToDate).gt(self.today)),
                        )
                        .take(),
                ),
            );
        }
        c
    }
}

/// How many people an audience has, and how many of them each channel reaches (an
/// address and that channel's consent).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct ReachCounts {
    /// People selected.
    pub people: u64,
    /// With an e-mail and e-mail consent.
    pub email: u64,
    /// With a phone and SMS consent.
    pub sms: u64,
    /// With a phone and WhatsApp consent.
    pub whatsapp: u64,
}

/// The counts of an audience within the caller's view scope: one pass over the rows.
pub async fn reach_counts(
    conn: &impl ConnectionTrait,
    access: &Access,
    audience: &Audience<'_>,
) -> Result<ReachCounts, DbErr> {
    let sum = |when: &str| {
        Expr::cust(format!(
            "COALESCE(SUM(CASE WHEN {when} THEN 1 ELSE 0 END), 0)"
        ))
    };
    let row: Option<(i64, i64, i64, i64)> = person::Entity::find()
        .select_only()
        .expr(Expr::cust("COUNT(*)"))
        .expr(sum("email_consent AND email IS NOT NULL AND email <> ''"))
        .expr(sum("sms_consent AND phone IS NOT NULL AND phone <> ''"))
        .expr(sum(
            "whatsapp_consent AND phone IS NOT NULL AND phone <> ''",
        ))
        .filter(audience.condition(access))
        .into_tuple()
        .one(conn)
        .await?;
    let n = |v: i64| u64::try_from(v).unwrap_or(0);
    Ok(
        row.map_or_else(ReachCounts::default, |(p, e, s, w)| ReachCounts {
            people: n(p),
            email: n(e),
            sms: n(s),
            whatsapp: n(w),
        }),
    )
}

/// The next `limit` people of the audience after `after`, in id order, within the
/// caller's view scope (a campaign reads its audience a batch at a time and resumes
/// from the last id it queued).
pub async fn ids_after(
    conn: &impl ConnectionTrait,
    access: &Access,
    audience: &Audience<'_>,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Vec<PersonId>, DbErr> {
    let mut q = person::Entity::find()
        .select_only()
        .column(person::Column::Id)
        .filter(audience.condition(access));
    if let Some(a) = after {
        q = q.filter(person::Column::Id.gt(a));
    }
    let ids: Vec<Uuid> = q
        .order_by_asc(person::Column::Id)
        .limit(limit)
        .into_tuple()
        .all(conn)
        .await?;
    Ok(ids.into_iter().map(PersonId).collect())
}
