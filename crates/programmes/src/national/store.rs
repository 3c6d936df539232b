//! The national programmes' catalogue, a person's lines in their lists, and the runs
//! that imported them.

use chrono::{NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::entity::{national_benefit, national_list, national_programme};
use crate::error::ProgrammeError;
use sipe_platform::audit::{self, AuditCtx, Change};
use sipe_platform::db::{self, Db};
use sipe_platform::validation::FieldErrors;

/// Most lines of a person shown (five years of twelve months).
pub const MAX_LINES: u64 = 60;

/// A national programme.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NationalProgramme {
    /// Id.
    pub id: Uuid,
    /// As the lists name it (`PROGRESAR`).
    pub code: String,
    /// Name.
    pub name: String,
    /// Who publishes the lists.
    pub agency: String,
    /// The month of its newest imported list, if any.
    pub newest_period: Option<NaiveDate>,
    /// People in that list.
    pub newest_listed: u64,
    /// Of them, receiving (active).
    pub newest_active: u64,
    /// Of them, registered here when the list was imported.
    pub newest_registered: u64,
}

/// A national programme as given.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct NationalProgrammeInput {
    /// Code, 2–20 letters, digits or `_` (upper-cased).
    pub code: String,
    /// Name, up to 120 characters.
    pub name: String,
    /// Agency, up to 80 characters.
    pub agency: String,
}

/// The catalogue, by code, with each programme's newest published list.
pub async fn all(conn: &impl ConnectionTrait) -> Result<Vec<NationalProgramme>, DbErr> {
    let lists = national_list::Entity::find()
        .order_by_desc(national_list::Column::Period)
        .all(conn)
        .await?;
    Ok(national_programme::Entity::find()
        .order_by_asc(national_programme::Column::Code)
        .all(conn)
        .await?
        .into_iter()
        .map(|p| {
            let newest = lists.iter().find(|l| l.programme_id == p.id);
            let count = |n: i64| u64::try_from(n).unwrap_or(0);
            NationalProgramme {
                id: p.id,
                code: p.code,
                name: p.name,
                agency: p.agency,
                newest_period: newest.map(|l| l.period),
                newest_listed: newest.map_or(0, |l| count(l.listed)),
                newest_active: newest.map_or(0, |l| count(l.active)),
                newest_registered: newest.map_or(0, |l| count(l.registered)),
            }
        })
        .collect())
}

/// Publishes what a finished import wrote (inside its transaction): each programme and
/// month of the file replaces that month's list (rows of earlier imports the file no
/// longer has are removed), and the list's counts are recorded.
pub(crate) async fn publish(conn: &impl ConnectionTrait, run: Uuid) -> Result<(), DbErr> {
    let pairs: Vec<(Uuid, NaiveDate)> = national_benefit::Entity::find()
        .select_only()
        .column(national_benefit::Column::ProgrammeId)
        .column(national_benefit::Column::Period)
        .filter(national_benefit::Column::ImportRunId.eq(run))
        .distinct()
        .into_tuple()
        .all(conn)
        .await?;
    for (programme, period) in pairs {
        let in_list = || {
            national_benefit::Entity::find()
                .filter(national_benefit::Column::ProgrammeId.eq(programme))
                .filter(national_benefit::Column::Period.eq(period))
        };
        national_benefit::Entity::delete_many()
            .filter(national_benefit::Column::ProgrammeId.eq(programme))
            .filter(national_benefit::Column::Period.eq(period))
            .filter(national_benefit::Column::ImportRunId.ne(run))
            .exec(conn)
            .await?;
        let listed = in_list().count(conn).await?;
        let active = in_list()
            .filter(national_benefit::Column::Status.eq("active"))
            .count(conn)
            .await?;
        let registered_cuils = Query::select()
            .column(("persons", "cuil"))
            .from("persons")
            .and_where(Expr::col(("persons", "merged_into")).is_null())
            .to_owned();
        let registered = in_list()
            .filter(Expr::col(national_benefit::Column::Cuil).in_subquery(registered_cuils))
            .count(conn)
            .await?;
        let row = national_list::ActiveModel {
            programme_id: Set(programme),
            period: Set(period),
            listed: Set(listed as i64),
            active: Set(active as i64),
            registered: Set(registered as i64),
            run_id: Set(run),
            published_at: Set(Utc::now()),
        };
        national_list::Entity::insert(row)
            .on_conflict(
                OnConflict::columns([
                    national_list::Column::ProgrammeId,
                    national_list::Column::Period,
                ])
                .update_columns([
                    national_list::Column::Listed,
                    national_list::Column::Active,
                    national_list::Column::Registered,
                    national_list::Column::RunId,
                    national_list::Column::PublishedAt,
                ])
                .to_owned(),
            )
            .exec_without_returning(conn)
            .await?;
    }
    Ok(())
}

/// The codes of the catalogue.
pub async fn codes(conn: &impl ConnectionTrait) -> Result<Vec<String>, DbErr> {
    Ok(national_programme::Entity::find()
        .order_by_asc(national_programme::Column::Code)
        .all(conn)
        .await?
        .into_iter()
        .map(|p| p.code)
        .collect())
}

fn check(input: &NationalProgrammeInput) -> Result<NationalProgrammeInput, FieldErrors> {
    let mut e = FieldErrors::new();
    let code = input.code.trim().to_uppercase();
    if !(2..=20).contains(&code.len())
        || !code
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
    {
        e.add("code", "national-code-invalid");
    }
    let name = input.name.trim();
    if name.is_empty() {
        e.add("name", "field-required");
    } else if name.chars().count() > 120 {
        e.add("name", "field-too-long");
    }
    let agency = input.agency.trim();
    if agency.is_empty() {
        e.add("agency", "field-required");
    } else if agency.chars().count() > 80 {
        e.add("agency", "field-too-long");
    }
    e.into_result()?;
    Ok(NationalProgrammeInput {
        code,
        name: name.to_owned(),
        agency: agency.to_owned(),
    })
}

/// Adds a national programme to the catalogue; audited.
pub async fn add(
    db: &Db,
    ctx: &AuditCtx,
    input: &NationalProgrammeInput,
) -> Result<Uuid, ProgrammeError> {
    let v = check(input)?;
    let tx = db::begin_write(db).await?;
    if national_programme::Entity::find()
        .filter(national_programme::Column::Code.eq(v.code.as_str()))
        .one(&tx)
        .await?
        .is_some()
    {
        let mut e = FieldErrors::new();
        e.add("code", "national-code-taken");
        return Err(e.into());
    }
    let id = Uuid::now_v7();
    national_programme::ActiveModel {
        id: Set(id),
        code: Set(v.code.clone()),
        name: Set(v.name.clone()),
        agency: Set(v.agency.clone()),
        created_at: Set(Utc::now()),
    }
    .insert(&tx)
    .await?;
    audit::record(
        &tx,
        ctx,
        Change::new("programmes.national_programme", "national_programme", id)
            .after(serde_json::to_value(&v).unwrap_or_default()),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// One line of a national list about a person.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Benefit {
    /// National programme code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// The list's month (first day).
    pub period: NaiveDate,
    /// `active`, `suspended`, `ended`.
    pub status: String,
    /// Pesos in cents, if the list gives it.
    pub amount_cents: Option<i64>,
    /// Is it the programme's newest list?
    pub newest: bool,
}

impl Benefit {
    /// Receiving in the programme's newest list.
    pub fn receiving(&self) -> bool {
        self.newest && self.status == "active"
    }
}

/// A CUIL's lines, newest month first (at most [`MAX_LINES`]).
pub async fn of_cuil(conn: &impl ConnectionTrait, cuil: &str) -> Result<Vec<Benefit>, DbErr> {
    let programmes = all(conn).await?;
    let rows = national_benefit::Entity::find()
        .filter(national_benefit::Column::Cuil.eq(cuil))
        .order_by_desc(national_benefit::Column::Period)
        .order_by_asc(national_benefit::Column::ProgrammeId)
        .limit(MAX_LINES)
        .all(conn)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            let p = programmes.iter().find(|p| p.id == r.programme_id)?;
            Some(Benefit {
                code: p.code.clone(),
                name: p.name.clone(),
                newest: p.newest_period == Some(r.period),
                period: r.period,
                status: r.status,
                amount_cents: r.amount_cents,
            })
        })
        .collect())
}

/// People of the lists a run published who were registered here then.
pub async fn registered_in_run(conn: &impl ConnectionTrait, run: Uuid) -> Result<u64, DbErr> {
    Ok(national_list::Entity::find()
        .filter(national_list::Column::RunId.eq(run))
        .all(conn)
        .await?
        .iter()
        .map(|l| u64::try_from(l.registered).unwrap_or(0))
        .sum())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_upper_case_words() {
        let input = |code: &str| NationalProgrammeInput {
            code: code.into(),
            name: "Programa".into(),
            agency: "ANSES".into(),
        };
        assert_eq!(check(&input(" progresar ")).unwrap().code, "PROGRESAR");
        assert_eq!(check(&input("TARJETA_2")).unwrap().code, "TARJETA_2");
        for bad in ["", "A", "CON ESPACIO", "ÑANDÚ", "X".repeat(21).as_str()] {
            assert!(check(&input(bad)).is_err(), "{bad}");
        }
        let empty = check(&NationalProgrammeInput::default()).unwrap_err();
        assert_eq!(empty.0.len(), 3);
    }
}
