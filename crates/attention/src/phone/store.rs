//! Reads of the phone line's calls. The caller log is the line's (one for the
//! secretariat, read by users of the line); the people it names are shown only within
//! the reader's view scope.

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::entity::phone_call;
use sipe_platform::access::{Access, ScopeKind};
use sipe_platform::ids::PersonId;
use sipe_platform::web::table::Pager;

/// Which calls a list shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Which {
    /// Every call.
    #[default]
    All,
    /// Missed calls with a number to call, nobody has called back yet.
    MissedPending,
}

impl Which {
    fn condition(self) -> Condition {
        match self {
            Which::All => Condition::all(),
            Which::MissedPending => Condition::all()
                .add(phone_call::Column::Missed.eq(true))
                .add(phone_call::Column::OutsideE164.is_not_null())
                .add(phone_call::Column::CallbackAt.is_null()),
        }
    }
}

/// Sortable columns (the first is the default).
pub const SORTS: [&str; 2] = ["started_at", "state"];

/// A page of calls, newest first by default.
pub async fn list(
    conn: &impl ConnectionTrait,
    which: Which,
    pager: &Pager,
) -> Result<(Vec<phone_call::Model>, u64), DbErr> {
    let q = phone_call::Entity::find().filter(which.condition());
    let total = q.clone().count(conn).await?;
    let column = match pager.sort.as_str() {
        "state" => phone_call::Column::State,
        _ => phone_call::Column::StartedAt,
    };
    let order = if pager.desc {
        sea_orm::Order::Desc
    } else {
        sea_orm::Order::Asc
    };
    let rows = q
        .order_by(column, order.clone())
        .order_by(phone_call::Column::Id, order)
        .offset(pager.offset())
        .limit(pager.per_page)
        .all(conn)
        .await?;
    Ok((rows, total))
}

/// Missed calls with a number to call, nobody has called back yet.
pub async fn missed_pending(conn: &impl ConnectionTrait) -> Result<u64, DbErr> {
    phone_call::Entity::find()
        .filter(Which::MissedPending.condition())
        .count(conn)
        .await
}

/// One call.
pub async fn find(
    conn: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<phone_call::Model>, DbErr> {
    phone_call::Entity::find_by_id(id).one(conn).await
}

/// Calls in progress the user answered (or took on transfer), changed after `since`,
/// oldest change first: the pop-ups a stream may not have shown.
pub async fn answered_by(
    conn: &impl ConnectionTrait,
    user_id: Uuid,
    since: DateTime<Utc>,
) -> Result<Vec<phone_call::Model>, DbErr> {
    phone_call::Entity::find()
        .filter(phone_call::Column::AnsweredBy.eq(user_id))
        .filter(phone_call::Column::State.eq(super::service::state::ANSWERED))
        .filter(phone_call::Column::UpdatedAt.gt(since))
        .order_by_asc(phone_call::Column::UpdatedAt)
        .limit(20)
        .all(conn)
        .await
}

/// A person a call may be from, as the pop-up names them.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Caller {
    /// The person.
    pub id: Uuid,
    /// Their name.
    pub name: String,
    /// Their document (`DNI 30123456`).
    pub document: String,
    /// Their record's page.
    pub href: String,
}

/// The people of the reader's view scope whose phone is the call's (a family may
/// share one), up to five.
pub async fn callers(
    conn: &impl ConnectionTrait,
    access: &Access,
    call: &phone_call::Model,
) -> Result<Vec<Caller>, DbErr> {
    let Some(e164) = &call.outside_e164 else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for phone in super::domain::with_and_without_nine(e164) {
        for (id, _) in sipe_persons::contact::find_by_phone(conn, &phone).await? {
            if out.len() >= 5 || out.iter().any(|c: &Caller| c.id == id.0) {
                continue;
            }
            if let Some(p) =
                sipe_persons::store::find_person(conn, access, ScopeKind::View, PersonId(id.0))
                    .await?
            {
                out.push(Caller {
                    id: p.id,
                    name: sipe_persons::service::display_name(&p),
                    document: format!("{} {}", p.doc_type.to_uppercase(), p.doc_number),
                    href: format!("/persons/{}", p.id),
                });
            }
        }
    }
    Ok(out)
}
