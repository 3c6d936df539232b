//! The programmes the secretariat runs: what they are, their legal basis and period,
//! what they pay per month and category (amounts effective-dated: a change applies from
//! its date, earlier months keep theirs), documents, duration and total quota.

use chrono::{NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    PaginatorTrait, QueryFilter, QueryOrder, Set,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::entity::{amount, programme};
use crate::error::ProgrammeError;
use sipe_platform::audit::{self, AuditCtx, Change};
use sipe_platform::db::{self, Db};
use sipe_platform::validation::{self, FieldErrors};
use sipe_platform::web::table::Pager;

pub use amount::Model as Amount;
pub use programme::Model as Programme;

/// The kinds of programme.
pub const KINDS: [&str; 5] = [
    "training_stipend",
    "work_placement",
    "wage_subsidy",
    "one_off",
    "in_kind",
];

/// How a programme pays a month: the whole amount for any day in it, the share of the
/// month's calendar days in the programme, or the share of the working days attended
/// that the host employer certified.
pub const PAYMENT_RULES: [&str; 3] = ["full_month", "calendar_days", "attendance"];

/// Most amount rows a programme has.
pub const MAX_AMOUNTS: usize = 12;
/// The form field of each amount row, so an error shows beside it.
pub const AMOUNT_FIELDS: [&str; MAX_AMOUNTS] = [
    "amount_1",
    "amount_2",
    "amount_3",
    "amount_4",
    "amount_5",
    "amount_6",
    "amount_7",
    "amount_8",
    "amount_9",
    "amount_10",
    "amount_11",
    "amount_12",
];
/// The largest monthly amount, in cents (a typo of a few zeros is refused).
pub const MAX_AMOUNT_CENTS: i64 = 100_000_000 * 100;

/// One amount as forms and the API give it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct AmountInput {
    /// Category (`general` when empty).
    #[serde(default)]
    pub category: String,
    /// Pesos a month, `85000`, `85.000` or `85.000,50`.
    pub amount: String,
    /// In force from (`YYYY-MM-DD` or `DD/MM/YYYY`).
    pub effective_from: String,
}

/// A programme as forms and the API give it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct ProgrammeInput {
    /// Prefix of its approval numbers: 2 to 6 capital letters (`PEJ`).
    pub code: String,
    /// Name.
    pub name: String,
    /// `training_stipend`, `work_placement`, `wage_subsidy`, `one_off`, `in_kind`.
    pub kind: String,
    /// The resolution that creates it (`Res. 123/2026`).
    pub legal_basis: String,
    /// Its date.
    #[serde(default)]
    pub legal_date: String,
    /// First day.
    pub starts_on: String,
    /// Last day (empty: no end).
    #[serde(default)]
    pub ends_on: String,
    /// Funding source.
    #[serde(default)]
    pub funding_source: String,
    /// Longest a person is in it, months (empty: no limit).
    #[serde(default)]
    pub max_months: String,
    /// Documents an application needs, one per line.
    #[serde(default)]
    pub required_documents: String,
    /// Most people at once over all offices (empty: no limit).
    #[serde(default)]
    pub quota_total: String,
    /// Amounts per category from a date; at least one.
    #[serde(default)]
    pub amounts: Vec<AmountInput>,
    /// Taking applications? (updates only; absent: unchanged)
    #[serde(default)]
    pub active: Option<bool>,
    /// `full_month`, `calendar_days` or `attendance` (empty: attendance for work
    /// placements, calendar days otherwise).
    #[serde(default)]
    pub payment_rule: String,
}

/// The digits of an integer part written with dots between thousands (`85.000`) or
/// without (`85000`); `None` for a misplaced dot (`85.0000`, `8.50.00`).
fn grouped(int: &str) -> Option<String> {
    let groups: Vec<&str> = int.split('.').collect();
    let ok = groups
        .iter()
        .all(|g| !g.is_empty() && g.chars().all(|c| c.is_ascii_digit()))
        && (groups.len() == 1
            || (groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3)));
    ok.then(|| groups.concat())
}

/// Pesos as people write them (`85.000,50`, `85000`, `85000.5`) in cents, at most
/// `MAX_AMOUNT_CENTS`. A comma is the decimal mark and dots separate thousands; a
/// single dot followed by one or two digits is a decimal mark (`85000.5`).
pub fn parse_amount(raw: &str) -> Option<i64> {
    let s: String = raw
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '$')
        .collect();
    if s.is_empty() || s.len() > 20 {
        return None;
    }
    // A comma is the decimal mark; dots are thousands, unless a single dot is followed by
    // one or two digits (`85000.5`).
    let (int, frac) = match s.split_once(',') {
        Some((i, f)) => (grouped(i)?, f.to_owned()),
        None => match s.rsplit_once('.') {
            Some((i, f)) if f.len() <= 2 && !i.contains('.') => (i.to_owned(), f.to_owned()),
            _ => (grouped(&s)?, String::new()),
        },
    };
    if int.is_empty()
        || !int.chars().all(|c| c.is_ascii_digit())
        || frac.len() > 2
        || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let pesos: i64 = int.parse().ok()?;
    let cents: i64 = format!("{frac:0<2}").parse().ok()?;
    pesos
        .checked_mul(100)?
        .checked_add(cents)
        .filter(|c| *c <= MAX_AMOUNT_CENTS)
}

pub use sipe_platform::text::pesos;

struct Valid {
    code: String,
    name: String,
    kind: String,
    legal_basis: String,
    legal_date: Option<NaiveDate>,
    starts_on: NaiveDate,
    ends_on: Option<NaiveDate>,
    funding_source: Option<String>,
    max_months: Option<i32>,
    required_documents: Option<String>,
    quota_total: Option<i32>,
    amounts: Vec<(String, NaiveDate, i64)>,
    payment_rule: String,
}

fn number(errors: &mut FieldErrors, field: &'static str, raw: &str, max: i32) -> Option<i32> {
    match raw.trim() {
        "" => None,
        t => match t.parse::<i32>() {
            Ok(n) if (1..=max).contains(&n) => Some(n),
            _ => {
                errors.add(field, "field-number-invalid");
                None
            }
        },
    }
}

fn validate(i: &ProgrammeInput) -> Result<Valid, FieldErrors> {
    let mut errors = FieldErrors::new();
    let code = i.code.trim().to_uppercase();
    if !(2..=6).contains(&code.chars().count()) || !code.chars().all(|c| c.is_ascii_uppercase()) {
        errors.add("code", "programme-code-invalid");
    }
    let name = validation::text(&mut errors, "name", &i.name, true, 160);
    if !KINDS.contains(&i.kind.trim()) {
        errors.add("kind", "field-choice-invalid");
    }
    let legal_basis = validation::text(&mut errors, "legal_basis", &i.legal_basis, true, 120);
    let legal_date = validation::date(&mut errors, "legal_date", &i.legal_date, false);
    let starts_on = validation::date(&mut errors, "starts_on", &i.starts_on, true);
    let ends_on = validation::date(&mut errors, "ends_on", &i.ends_on, false);
    if let (Some(s), Some(e)) = (starts_on, ends_on)
        && e < s
    {
        errors.add("ends_on", "programme-ends-before");
    }
    let funding =
        validation::multiline_text(&mut errors, "funding_source", &i.funding_source, false, 500);
    let max_months = number(&mut errors, "max_months", &i.max_months, 120);
    let documents = validation::multiline_text(
        &mut errors,
        "required_documents",
        &i.required_documents,
        false,
        2_000,
    );
    let quota_total = number(&mut errors, "quota_total", &i.quota_total, 10_000_000);
    let payment_rule = match i.payment_rule.trim() {
        "" if i.kind.trim() == "work_placement" => "attendance".to_owned(),
        "" => "calendar_days".to_owned(),
        r if PAYMENT_RULES.contains(&r) => r.to_owned(),
        _ => {
            errors.add("payment_rule", "field-choice-invalid");
            String::new()
        }
    };
    let mut amounts: Vec<(String, NaiveDate, i64)> = Vec::new();
    // Numbered as sent, blank rows included, so an error shows beside its own row.
    let rows: Vec<(usize, &AmountInput)> = i
        .amounts
        .iter()
        .enumerate()
        .filter(|(_, a)| !(a.amount.trim().is_empty() && a.effective_from.trim().is_empty()))
        .collect();
    if rows.is_empty() {
        errors.add("amounts", "programme-amounts-required");
    } else if i.amounts.len() > MAX_AMOUNTS {
        errors.add("amounts", "programme-amounts-too-many");
    } else {
        for (n, a) in rows {
            let field = AMOUNT_FIELDS.get(n).copied().unwrap_or("amounts");
            let category = match a.category.trim() {
                "" => "general".to_owned(),
                c if c.chars().count() > 60 => {
                    errors.add(field, "field-too-long");
                    continue;
                }
                c => c.to_lowercase(),
            };
            let Some(cents) = parse_amount(&a.amount).filter(|c| *c > 0) else {
                errors.add(field, "programme-amount-invalid");
                continue;
            };
            let Some(from) = validation::parse_date(&a.effective_from) else {
                errors.add(field, "programme-amount-date-invalid");
                continue;
            };
            if amounts.iter().any(|(c, d, _)| *c == category && *d == from) {
                errors.add(field, "programme-amount-repeated");
                continue;
            }
            amounts.push((category, from, cents));
        }
    }
    errors.into_result()?;
    let opt = |s: String| (!s.is_empty()).then_some(s);
    Ok(Valid {
        code,
        name,
        kind: i.kind.trim().to_owned(),
        legal_basis,
        legal_date,
        starts_on: starts_on.unwrap_or_default(),
        ends_on,
        funding_source: opt(funding),
        max_months,
        required_documents: opt(documents),
        quota_total,
        amounts,
        payment_rule,
    })
}

fn apply(a: &mut programme::ActiveModel, v: &Valid) {
    a.code = Set(v.code.clone());
    a.name = Set(v.name.clone());
    a.search_name = Set(sipe_platform::text::fold(&format!("{} {}", v.code, v.name)));
    a.kind = Set(v.kind.clone());
    a.legal_basis = Set(v.legal_basis.clone());
    a.legal_date = Set(v.legal_date);
    a.starts_on = Set(v.starts_on);
    a.ends_on = Set(v.ends_on);
    a.funding_source = Set(v.funding_source.clone());
    a.max_months = Set(v.max_months);
    a.required_documents = Set(v.required_documents.clone());
    a.quota_total = Set(v.quota_total);
    a.payment_rule = Set(v.payment_rule.clone());
    a.updated_at = Set(Utc::now());
}

fn snapshot(p: &Programme, amounts: &[amount::Model]) -> serde_json::Value {
    json!({
        "code": p.code, "name": p.name, "kind": p.kind, "legal_basis": p.legal_basis,
        "legal_date": p.legal_date, "starts_on": p.starts_on, "ends_on": p.ends_on,
        "funding_source": p.funding_source, "max_months": p.max_months,
        "required_documents": p.required_documents, "quota_total": p.quota_total,
        "active": p.active, "payment_rule": p.payment_rule,
        "amounts": amounts.iter().map(|a| json!({
            "category": a.category, "effective_from": a.effective_from,
            "amount_cents": a.amount_cents,
        })).collect::<Vec<_>>(),
    })
}

async fn replace_amounts(
    conn: &impl ConnectionTrait,
    id: Uuid,
    rows: &[(String, NaiveDate, i64)],
) -> Result<(), DbErr> {
    amount::Entity::delete_many()
        .filter(amount::Column::ProgrammeId.eq(id))
        .exec(conn)
        .await?;
    amount::Entity::insert_many(rows.iter().map(|(c, d, cents)| amount::ActiveModel {
        programme_id: Set(id),
        category: Set(c.clone()),
        effective_from: Set(*d),
        amount_cents: Set(*cents),
    }))
    .exec(conn)
    .await?;
    Ok(())
}

async fn code_taken(
    conn: &impl ConnectionTrait,
    code: &str,
    other_than: Option<Uuid>,
) -> Result<bool, DbErr> {
    let mut q = programme::Entity::find().filter(programme::Column::Code.eq(code));
    if let Some(id) = other_than {
        q = q.filter(programme::Column::Id.ne(id));
    }
    Ok(q.count(conn).await? > 0)
}

/// Adds a programme.
pub async fn create(
    db: &Db,
    ctx: &AuditCtx,
    input: &ProgrammeInput,
) -> Result<Uuid, ProgrammeError> {
    let v = validate(input)?;
    let tx = db::begin_write(db).await?;
    if code_taken(&tx, &v.code, None).await? {
        return Err(FieldErrors::one("code", "programme-code-taken").into());
    }
    let id = Uuid::now_v7();
    let mut a = programme::ActiveModel {
        id: Set(id),
        active: Set(true),
        created_at: Set(Utc::now()),
        ..Default::default()
    };
    apply(&mut a, &v);
    let model = a.insert(&tx).await?;
    replace_amounts(&tx, id, &v.amounts).await?;
    audit::record(
        &tx,
        ctx,
        Change::new("programmes.programme.create", "programme", id)
            .after(snapshot(&model, &amounts_of(&tx, id).await?)),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Replaces a programme's fields and amounts; `active` closes or reopens it. Amounts
/// already in force (from `today` or before) stay as they are: a change of amount is a
/// new row from a later date, so months already paid keep theirs.
pub async fn update(
    db: &Db,
    ctx: &AuditCtx,
    id: Uuid,
    input: &ProgrammeInput,
    today: NaiveDate,
) -> Result<(), ProgrammeError> {
    let v = validate(input)?;
    let tx = db::begin_write(db).await?;
    let current = find(&tx, id).await?.ok_or(ProgrammeError::NotFound)?;
    if code_taken(&tx, &v.code, Some(id)).await? {
        return Err(FieldErrors::one("code", "programme-code-taken").into());
    }
    if v.code != current.code && numbered(&tx, id).await? {
        return Err(FieldErrors::one("code", "programme-code-fixed").into());
    }
    let stored = amounts_of(&tx, id).await?;
    let kept = |a: &Amount| {
        v.amounts.iter().any(|(c, d, cents)| {
            *c == a.category && *d == a.effective_from && *cents == a.amount_cents
        })
    };
    if stored.iter().any(|a| a.effective_from <= today && !kept(a)) {
        return Err(FieldErrors::one("amounts", "programme-amount-in-force").into());
    }
    // Nor does a new amount reach back: it would change months already paid.
    let is_stored = |(c, d, cents): &(String, NaiveDate, i64)| {
        stored
            .iter()
            .any(|a| a.category == *c && a.effective_from == *d && a.amount_cents == *cents)
    };
    if v.amounts
        .iter()
        .any(|row| row.1 <= today && !is_stored(row))
    {
        return Err(FieldErrors::one("amounts", "programme-amount-in-past").into());
    }
    let before = snapshot(&current, &stored);
    let active = input.active.unwrap_or(current.active);
    let mut a = current.into_active_model();
    apply(&mut a, &v);
    a.active = Set(active);
    let model = a.update(&tx).await?;
    replace_amounts(&tx, id, &v.amounts).await?;
    audit::record(
        &tx,
        ctx,
        Change::new("programmes.programme.update", "programme", id)
            .before(before)
            .after(snapshot(&model, &amounts_of(&tx, id).await?)),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Has the programme numbered an approval? (Its code is in those numbers.)
async fn numbered(conn: &impl ConnectionTrait, id: Uuid) -> Result<bool, DbErr> {
    use crate::entity::application;
    Ok(application::Entity::find()
        .filter(application::Column::ProgrammeId.eq(id))
        .filter(application::Column::Number.is_not_null())
        .count(conn)
        .await?
        > 0)
}

/// One programme.
pub async fn find(conn: &impl ConnectionTrait, id: Uuid) -> Result<Option<Programme>, DbErr> {
    programme::Entity::find_by_id(id).one(conn).await
}

/// A programme's amounts: by category, then date.
pub async fn amounts_of(
    conn: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Vec<amount::Model>, DbErr> {
    amount::Entity::find()
        .filter(amount::Column::ProgrammeId.eq(id))
        .order_by_asc(amount::Column::Category)
        .order_by_asc(amount::Column::EffectiveFrom)
        .all(conn)
        .await
}

/// The amount in force for a category on a day: the latest from that day or before.
pub fn amount_on(rows: &[amount::Model], category: &str, day: NaiveDate) -> Option<i64> {
    rows.iter()
        .filter(|a| a.category == category && a.effective_from <= day)
        .max_by_key(|a| a.effective_from)
        .map(|a| a.amount_cents)
}

/// The form of an existing programme.
pub fn input_of(p: &Programme, amounts: &[amount::Model]) -> ProgrammeInput {
    let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let number = |n: Option<i32>| n.map(|n| n.to_string()).unwrap_or_default();
    ProgrammeInput {
        code: p.code.clone(),
        name: p.name.clone(),
        kind: p.kind.clone(),
        legal_basis: p.legal_basis.clone(),
        legal_date: date(p.legal_date),
        starts_on: p.starts_on.to_string(),
        ends_on: date(p.ends_on),
        funding_source: p.funding_source.clone().unwrap_or_default(),
        max_months: number(p.max_months),
        required_documents: p.required_documents.clone().unwrap_or_default(),
        quota_total: number(p.quota_total),
        amounts: amounts
            .iter()
            .map(|a| AmountInput {
                category: a.category.clone(),
                amount: pesos(a.amount_cents).trim_start_matches("$ ").to_owned(),
                effective_from: a.effective_from.to_string(),
            })
            .collect(),
        active: Some(p.active),
        payment_rule: p.payment_rule.clone(),
    }
}

/// Every programme, by code (pickers; programmes are few).
pub async fn all(conn: &impl ConnectionTrait) -> Result<Vec<Programme>, DbErr> {
    programme::Entity::find()
        .order_by_asc(programme::Column::Code)
        .all(conn)
        .await
}

/// Sort columns of the list.
pub const SORTS: [&str; 3] = ["name", "code", "starts_on"];

/// A page of programmes matching the words, and the total.
pub async fn list(
    conn: &impl ConnectionTrait,
    q: &str,
    pager: &Pager,
) -> Result<(Vec<Programme>, u64), DbErr> {
    use sipe_platform::web::table::{every_word_in, page_of};
    let query = programme::Entity::find().filter(every_word_in(programme::Column::SearchName, q));
    let col = match pager.sort.as_str() {
        "code" => programme::Column::Code,
        "starts_on" => programme::Column::StartsOn,
        _ => programme::Column::SearchName,
    };
    page_of(conn, query, col, programme::Column::Id, pager).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_read_as_people_write_them() {
        assert_eq!(parse_amount("85.000"), Some(8_500_000));
        assert_eq!(parse_amount("85.000,50"), Some(8_500_050));
        assert_eq!(parse_amount("$ 85000"), Some(8_500_000));
        assert_eq!(parse_amount("85000.5"), Some(8_500_050));
        assert_eq!(parse_amount("1.234.567"), Some(123_456_700));
        assert_eq!(parse_amount("12,345"), None);
        assert_eq!(parse_amount("abc"), None);
        assert_eq!(parse_amount(""), None);
        assert_eq!(parse_amount("99999999999999999999"), None);
        assert_eq!(parse_amount("85.0000"), None, "a misplaced dot");
        assert_eq!(parse_amount("85.000.5"), None);
        assert_eq!(parse_amount("1.000.000.000"), None, "over the cap");
        assert_eq!(pesos(-15_000), "$ -150,00");
        assert_eq!(pesos(8_500_050), "$ 85.000,50");
        assert_eq!(pesos(123_456_700), "$ 1.234.567,00");
    }

    #[test]
    fn the_amount_in_force_is_the_latest_from_that_day() {
        let row = |d: &str, cents| amount::Model {
            programme_id: Uuid::nil(),
            category: "general".into(),
            effective_from: d.parse().unwrap(),
            amount_cents: cents,
        };
        let rows = [row("2026-01-01", 100), row("2026-06-01", 150)];
        let on = |d: &str| amount_on(&rows, "general", d.parse().unwrap());
        assert_eq!(on("2025-12-31"), None);
        assert_eq!(on("2026-05-31"), Some(100));
        assert_eq!(on("2026-06-01"), Some(150));
        assert_eq!(
            amount_on(&rows, "otra", "2026-07-01".parse().unwrap()),
            None
        );
    }
}
