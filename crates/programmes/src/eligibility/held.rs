//! What the module's own criteria read of a person besides the registry: the national
//! lists they are in and their stays in the programme evaluated. The same rules as
//! conditions on the person table count the whole registry; both read "newest list" and
//! "within N months" the same way.

use std::collections::HashMap;

use chrono::{Months, NaiveDate};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, Condition as Cond, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QuerySelect,
};
use uuid::Uuid;

use super::Criterion;
use crate::applications::HOLDING;
use crate::entity::{application, national_benefit, national_list, national_programme};

/// A person in a national programme's newest list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    /// National programme code.
    pub code: String,
    /// The list's month.
    pub period: NaiveDate,
    /// `active`, `suspended`, `ended`.
    pub status: String,
}

/// What the module's criteria read of one person for one programme.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Held {
    /// The national programmes in whose newest list the person is.
    pub national: Vec<Listed>,
    /// The person's other stays in the programme: the day each ended (`None`: still in
    /// it, approved, active or suspended).
    pub stays: Vec<Option<NaiveDate>>,
    /// Codes of the programmes this one is incompatible with (empty: none).
    pub incompatible: Vec<String>,
    /// Of them, those the person holds a place in now.
    pub holding_incompatible: Vec<String>,
}

/// The programme a person is evaluated for, leaving out one of their applications (the
/// one being decided or shown).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct For {
    /// The programme.
    pub programme: Uuid,
    /// The application left out.
    pub except: Option<Uuid>,
}

impl For {
    /// A programme, for someone not yet in it.
    pub fn programme(programme: Uuid) -> For {
        For {
            programme,
            except: None,
        }
    }
}

/// The first day a stay must have ended before to not count: N months before `today`.
fn cutoff(today: NaiveDate, months: u32) -> NaiveDate {
    today
        .checked_sub_months(Months::new(months))
        .unwrap_or(NaiveDate::MIN)
}

impl Held {
    /// The first of these programmes the person receives (active in its newest list).
    pub fn receiving(&self, codes: &[String]) -> Option<&Listed> {
        self.national
            .iter()
            .find(|l| l.status == "active" && codes.contains(&l.code))
    }

    /// The stay that counts against "not again within N months", if any: the latest.
    pub fn recent_stay(&self, months: u32, today: NaiveDate) -> Option<Option<NaiveDate>> {
        let limit = cutoff(today, months);
        let mut recent = self.stays.iter().filter(|s| s.is_none_or(|d| d >= limit));
        let first = recent.next().copied()?;
        Some(recent.fold(first, |a, b| match (a, *b) {
            (None, _) | (_, None) => None,
            (Some(x), Some(y)) => Some(std::cmp::max(x, y)),
        }))
    }

    /// Does a programme with these criteria read the module's records at all?
    pub fn needed(criteria: &[Criterion]) -> bool {
        criteria
            .iter()
            .any(|c| matches!(c, Criterion::Benefits { .. } | Criterion::NotAgain { .. }))
    }

    /// Whether a criterion on the module's records is met; `None` for registry criteria.
    pub fn meets(&self, c: &Criterion, today: NaiveDate) -> Option<bool> {
        match c {
            Criterion::Benefits {
                programmes,
                receives,
            } => Some(self.receiving(programmes).is_some() == *receives),
            Criterion::NotAgain { months } => Some(self.recent_stay(*months, today).is_none()),
            _ => None,
        }
    }
}

/// Each national programme's newest list: (programme id, code, month).
pub async fn newest_lists(
    conn: &impl ConnectionTrait,
) -> Result<Vec<(Uuid, String, NaiveDate)>, DbErr> {
    // Published lists only: a month still being imported is not the newest yet.
    let newest: Vec<(Uuid, NaiveDate)> = national_list::Entity::find()
        .select_only()
        .column(national_list::Column::ProgrammeId)
        .column_as(national_list::Column::Period.max(), "period")
        .group_by(national_list::Column::ProgrammeId)
        .into_tuple()
        .all(conn)
        .await?;
    let codes: HashMap<Uuid, String> = national_programme::Entity::find()
        .all(conn)
        .await?
        .into_iter()
        .map(|p| (p.id, p.code))
        .collect();
    Ok(newest
        .into_iter()
        .filter_map(|(id, period)| Some((id, codes.get(&id)?.clone(), period)))
        .collect())
}

/// What the criteria read of these people (id, CUIL) for `programme`, leaving out the
/// applications `except` (the ones being decided or checked).
pub async fn of(
    conn: &impl ConnectionTrait,
    programme: Uuid,
    except: &[Uuid],
    people: &[(Uuid, Option<String>)],
) -> Result<HashMap<Uuid, Held>, DbErr> {
    let mut out: HashMap<Uuid, Held> = people.iter().map(|(p, _)| (*p, Held::default())).collect();
    let by_cuil: HashMap<&str, Uuid> = people
        .iter()
        .filter_map(|(p, c)| Some((c.as_deref()?, *p)))
        .collect();
    if !by_cuil.is_empty() {
        let lists = newest_lists(conn).await?;
        let cuils: Vec<&str> = by_cuil.keys().copied().collect();
        for chunk in cuils.chunks(1_000) {
            for row in national_benefit::Entity::find()
                .filter(national_benefit::Column::Cuil.is_in(chunk.iter().copied()))
                .all(conn)
                .await?
            {
                let Some((_, code, _)) = lists
                    .iter()
                    .find(|(id, _, period)| *id == row.programme_id && *period == row.period)
                else {
                    continue;
                };
                if let Some(held) = by_cuil.get(row.cuil.as_str()).and_then(|p| out.get_mut(p)) {
                    held.national.push(Listed {
                        code: code.clone(),
                        period: row.period,
                        status: row.status,
                    });
                }
            }
        }
    }
    let ids: Vec<Uuid> = people.iter().map(|(p, _)| *p).collect();
    // "Not in an incompatible programme": the pairs of the programme's rules.
    let others = crate::rules::incompatible_with(conn, programme).await?;
    if !others.is_empty() {
        let codes: HashMap<Uuid, String> = crate::programmes::all(conn)
            .await?
            .into_iter()
            .filter(|p| others.contains(&p.id))
            .map(|p| (p.id, p.code))
            .collect();
        let mut listed: Vec<String> = codes.values().cloned().collect();
        listed.sort();
        for held in out.values_mut() {
            held.incompatible = listed.clone();
        }
        for chunk in ids.chunks(1_000) {
            for a in application::Entity::find()
                .filter(application::Column::ProgrammeId.is_in(others.iter().copied()))
                .filter(application::Column::PersonId.is_in(chunk.iter().copied()))
                .filter(application::Column::State.is_in(HOLDING))
                .all(conn)
                .await?
            {
                if let (Some(held), Some(code)) =
                    (out.get_mut(&a.person_id), codes.get(&a.programme_id))
                    && !held.holding_incompatible.contains(code)
                {
                    held.holding_incompatible.push(code.clone());
                }
            }
        }
    }
    for chunk in ids.chunks(1_000) {
        for a in application::Entity::find()
            .filter(application::Column::ProgrammeId.eq(programme))
            .filter(application::Column::PersonId.is_in(chunk.iter().copied()))
            .all(conn)
            .await?
        {
            if except.contains(&a.id) {
                continue;
            }
            let stay = if HOLDING.contains(&a.state.as_str()) {
                None
            } else if a.state == "finished"
                && let Some(day) = a.finished_on
            {
                Some(day)
            } else {
                continue;
            };
            if let Some(held) = out.get_mut(&a.person_id) {
                held.stays.push(stay);
            }
        }
    }
    for held in out.values_mut() {
        held.national.sort_by(|a, b| a.code.cmp(&b.code));
    }
    Ok(out)
}

/// The module's criteria as conditions on the person table (`persons`), for counting
/// the whole registry. `except` leaves one application out, as in [`of`].
pub async fn registry_conditions(
    conn: &impl ConnectionTrait,
    criteria: &[Criterion],
    programme: Uuid,
    except: Option<Uuid>,
    today: NaiveDate,
) -> Result<Vec<Cond>, DbErr> {
    let mut out = Vec::new();
    let person_cuil = || Expr::col(("persons", "cuil"));
    for c in criteria {
        match c {
            Criterion::Benefits {
                programmes,
                receives,
            } => {
                let lists: Vec<(Uuid, NaiveDate)> = newest_lists(conn)
                    .await?
                    .into_iter()
                    .filter(|(_, code, _)| programmes.contains(code))
                    .map(|(id, _, period)| (id, period))
                    .collect();
                // One plain subquery per list (the partial index of receiving rows
                // answers each; SQLite's planner failed on one query OR-ing the lists).
                let receiving = |id: Uuid, period: NaiveDate| {
                    Query::select()
                        .column(national_benefit::Column::Cuil)
                        .from(national_benefit::Entity)
                        .cond_where(
                            Cond::all()
                                .add(Expr::col(national_benefit::Column::ProgrammeId).eq(id))
                                .add(Expr::col(national_benefit::Column::Period).eq(period))
                                .add(Expr::col(national_benefit::Column::Status).eq("active")),
                        )
                        .to_owned()
                };
                out.push(if *receives {
                    // No list at all: nobody receives it.
                    let mut any = Cond::any().add(Expr::val(1).eq(0));
                    for (id, period) in &lists {
                        any = any.add(person_cuil().in_subquery(receiving(*id, *period)));
                    }
                    any
                } else if lists.is_empty() {
                    // No list at all: nobody receives it, everyone qualifies.
                    Cond::all()
                } else {
                    let mut none = Cond::all();
                    for (id, period) in &lists {
                        none = none.add(person_cuil().not_in_subquery(receiving(*id, *period)));
                    }
                    Cond::any().add(person_cuil().is_null()).add(none)
                });
            }
            Criterion::NotAgain { months } => {
                let mut which = Cond::all()
                    .add(Expr::col(application::Column::ProgrammeId).eq(programme))
                    .add(
                        Cond::any()
                            .add(Expr::col(application::Column::State).is_in(HOLDING))
                            .add(
                                Cond::all()
                                    .add(Expr::col(application::Column::State).eq("finished"))
                                    .add(
                                        Expr::col(application::Column::FinishedOn)
                                            .gte(cutoff(today, *months)),
                                    ),
                            ),
                    );
                if let Some(a) = except {
                    which = which.add(Expr::col(application::Column::Id).ne(a));
                }
                // One condition: sea-query refuses `and_where` mixed with an `any`.
                let stays = Query::select()
                    .column(application::Column::PersonId)
                    .from(application::Entity)
                    .cond_where(which)
                    .to_owned();
                out.push(Cond::all().add(Expr::col(("persons", "id")).not_in_subquery(stays)));
            }
            _ => {}
        }
    }
    // Nobody holding a place in an incompatible programme.
    let others = crate::rules::incompatible_with(conn, programme).await?;
    if !others.is_empty() {
        let holding = Query::select()
            .column(application::Column::PersonId)
            .from(application::Entity)
            .cond_where(
                Cond::all()
                    .add(Expr::col(application::Column::ProgrammeId).is_in(others))
                    .add(Expr::col(application::Column::State).is_in(HOLDING)),
            )
            .to_owned();
        out.push(Cond::all().add(Expr::col(("persons", "id")).not_in_subquery(holding)));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_stay_counts_until_n_months_after_it_ended() {
        let today = day("2026-11-30");
        let held = Held {
            stays: vec![Some(day("2026-05-30")), Some(day("2026-02-01"))],
            ..Default::default()
        };
        let again = |months| Criterion::NotAgain { months };
        // Ended 30 May: within 6 months of 30 Nov (the cutoff day itself counts).
        assert_eq!(held.meets(&again(6), today), Some(false));
        assert_eq!(held.recent_stay(6, today), Some(Some(day("2026-05-30"))));
        assert_eq!(held.meets(&again(5), today), Some(true));
        let still_in = Held {
            stays: vec![Some(day("2026-10-01")), None],
            ..Default::default()
        };
        assert_eq!(still_in.recent_stay(1, today), Some(None));
        assert_eq!(Held::default().meets(&again(240), today), Some(true));
        assert_eq!(Held::default().meets(&Criterion::Disability, today), None);
    }

    #[test]
    fn receiving_means_active_in_the_newest_list() {
        let listed = |code: &str, status: &str| Listed {
            code: code.into(),
            period: day("2026-03-01"),
            status: status.into(),
        };
        let held = Held {
            national: vec![listed("AUH", "suspended"), listed("PROGRESAR", "active")],
            ..Default::default()
        };
        let benefits = |codes: &[&str], receives| Criterion::Benefits {
            programmes: codes.iter().map(|c| c.to_string()).collect(),
            receives,
        };
        let today = day("2026-11-30");
        assert_eq!(
            held.meets(&benefits(&["PROGRESAR"], true), today),
            Some(true)
        );
        assert_eq!(held.meets(&benefits(&["AUH"], true), today), Some(false));
        assert_eq!(held.meets(&benefits(&["AUH"], false), today), Some(true));
        assert_eq!(
            held.meets(&benefits(&["AUH", "PROGRESAR"], false), today),
            Some(false)
        );
    }
}
