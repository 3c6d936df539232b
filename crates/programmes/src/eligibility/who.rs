//! Who is eligible for a programme: counts per office over the whole registry (numbers
//! only), the people within the reader's view scope, and one person explained.

use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, DbErr};
use serde::Serialize;
use sipe_persons::Person;
use sipe_persons::eligibility::{self as registry, Condition};
use sipe_platform::access::{Access, ScopeKind};
use sipe_platform::i18n::Lang;
use sipe_platform::ids::PersonId;
use sipe_platform::territory::store as territory;
use sipe_platform::web::table::Pager;
use uuid::Uuid;

use super::explain::{self, Eligibility, Names};
use super::{Criterion, Held, held};

/// The eligible people of one office.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OfficeCount {
    /// Office id.
    pub office_id: Uuid,
    /// Office code.
    pub office_code: String,
    /// Office name.
    pub office_name: String,
    /// People who meet every criterion.
    pub eligible: u64,
}

fn conditions(criteria: &[Criterion], today: NaiveDate) -> Vec<(Condition, NaiveDate)> {
    criteria
        .iter()
        .flat_map(|c| {
            let day = c.day(today);
            c.conditions().into_iter().map(move |k| (k, day))
        })
        .collect()
}

/// Eligible people counted over the whole registry: per office of the reader's view
/// scope, and the rest together (another office's numbers are not the reader's to see).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Counts {
    /// Offices of the reader's view scope (none left out), by code.
    pub offices: Vec<OfficeCount>,
    /// Eligible people of every other office, together.
    pub elsewhere: u64,
    /// Eligible people in the whole registry.
    pub total: u64,
}

/// The counts of [`per_office`] as a reader of `access` sees them.
pub async fn counts(
    conn: &impl ConnectionTrait,
    access: &Access,
    programme: Uuid,
    criteria: &[Criterion],
    today: NaiveDate,
) -> Result<Counts, DbErr> {
    let all = per_office(conn, programme, criteria, today).await?;
    let total = all.iter().map(|o| o.eligible).sum();
    let (offices, rest): (Vec<OfficeCount>, Vec<OfficeCount>) =
        match territory::office_ids_in_scope(conn, access.scope(ScopeKind::View)).await? {
            None => (all, Vec::new()),
            Some(ids) => all.into_iter().partition(|o| ids.contains(&o.office_id)),
        };
    Ok(Counts {
        offices,
        elsewhere: rest.iter().map(|o| o.eligible).sum(),
        total,
    })
}

/// Every office with its count of eligible people (offices with none included), by code.
pub async fn per_office(
    conn: &impl ConnectionTrait,
    programme: Uuid,
    criteria: &[Criterion],
    today: NaiveDate,
) -> Result<Vec<OfficeCount>, DbErr> {
    let extra = held::registry_conditions(conn, criteria, programme, None, today).await?;
    let counts = registry::count_per_office(conn, &conditions(criteria, today), &extra).await?;
    let mut out: Vec<OfficeCount> = territory::all_offices(conn)
        .await?
        .into_iter()
        .map(|o| OfficeCount {
            eligible: counts
                .iter()
                .find(|(id, _)| *id == o.id)
                .map_or(0, |(_, n)| *n),
            office_id: o.id,
            office_code: o.code,
            office_name: o.name,
        })
        .collect();
    out.sort_by(|a, b| a.office_code.cmp(&b.office_code));
    Ok(out)
}

/// A page of the eligible people in the reader's view scope, by name, and their total.
pub async fn page(
    conn: &impl ConnectionTrait,
    access: &Access,
    programme: Uuid,
    criteria: &[Criterion],
    today: NaiveDate,
    pager: &Pager,
) -> Result<(Vec<Person>, u64), DbErr> {
    let extra = held::registry_conditions(conn, criteria, programme, None, today).await?;
    registry::page_matching(
        conn,
        access.scope(ScopeKind::View),
        &conditions(criteria, today),
        &extra,
        pager,
    )
    .await
}

/// What the module's criteria read of one person for a programme; nothing is read for
/// a programme whose rules need none of it (the person page evaluates every programme).
async fn held_of(
    conn: &impl ConnectionTrait,
    target: held::For,
    criteria: &[Criterion],
    facts: &registry::Facts,
) -> Result<Held, DbErr> {
    if !Held::needed(criteria)
        && crate::rules::incompatible_with(conn, target.programme)
            .await?
            .is_empty()
    {
        return Ok(Held::default());
    }
    let person = facts.id.uuid();
    Ok(held::of(
        conn,
        target.programme,
        target.except.as_slice(),
        &[(person, facts.cuil.clone())],
    )
    .await?
    .remove(&person)
    .unwrap_or_default())
}

/// Names of the territories a person's residence and the criteria mention.
async fn names(
    conn: &impl ConnectionTrait,
    criteria: &[Criterion],
    facts: &registry::Facts,
) -> Result<Names, DbErr> {
    let codes: Vec<String> = [&facts.province_code, &facts.department_code]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
    territory_names(conn, criteria, codes).await
}

/// Names of the territories the criteria mention, and of `codes`.
pub async fn territory_names(
    conn: &impl ConnectionTrait,
    criteria: &[Criterion],
    mut codes: Vec<String>,
) -> Result<Names, DbErr> {
    for c in criteria {
        if let Criterion::Residence {
            province,
            departments,
        } = c
        {
            codes.push(province.clone());
            codes.extend(departments.iter().cloned());
        }
    }
    let mut names = Names::new();
    for code in codes {
        if let Some(t) = territory::find_territory(conn, &code).await? {
            names.insert(code, t.name);
        }
    }
    Ok(names)
}

/// One person against the criteria, explained; `None` when the person is not in the
/// reader's view scope.
pub async fn verdict(
    conn: &impl ConnectionTrait,
    access: &Access,
    target: held::For,
    criteria: &[Criterion],
    person: PersonId,
    today: NaiveDate,
    lang: Lang,
) -> Result<Option<Eligibility>, DbErr> {
    let Some(facts) = registry::facts_of(conn, access.scope(ScopeKind::View), &[person])
        .await?
        .pop()
    else {
        return Ok(None);
    };
    let names = names(conn, criteria, &facts).await?;
    let held = held_of(conn, target, criteria, &facts).await?;
    Ok(Some(explain::evaluate(
        criteria, &facts, &held, today, lang, &names,
    )))
}

/// A person against every programme in force on `today`, explained; `None` when the
/// person is not in the reader's view scope.
pub async fn in_force_for(
    conn: &impl ConnectionTrait,
    access: &Access,
    person: PersonId,
    today: NaiveDate,
    lang: Lang,
) -> Result<Option<Vec<(crate::programmes::Programme, Eligibility)>>, DbErr> {
    let Some(facts) = registry::facts_of(conn, access.scope(ScopeKind::View), &[person])
        .await?
        .pop()
    else {
        return Ok(None);
    };
    let mut out = Vec::new();
    for p in crate::programmes::all(conn).await? {
        if !p.active || p.starts_on > today || p.ends_on.is_some_and(|e| e < today) {
            continue;
        }
        let criteria = super::store::of(conn, p.id).await?;
        let names = names(conn, &criteria, &facts).await?;
        let held = held_of(conn, held::For::programme(p.id), &criteria, &facts).await?;
        let verdict = explain::evaluate(&criteria, &facts, &held, today, lang, &names);
        out.push((p, verdict));
    }
    Ok(Some(out))
}
