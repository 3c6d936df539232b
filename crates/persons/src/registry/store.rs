//! Every query of the person registry. Reads take an `Access` and filter by the scope
//! that applies: `view` to open a record, `search` to find one, `capture` to change it.

use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use sipe_platform::ids::{OfficeId, PersonId};
use uuid::Uuid;

use crate::entity::{person, person_change, timeline_event};
use sipe_platform::access::{Access, ScopeKind};

/// A person in the given scope of the caller; `None` also when outside it.
pub async fn find_person(
    conn: &impl ConnectionTrait,
    access: &Access,
    kind: ScopeKind,
    id: PersonId,
) -> Result<Option<person::Model>, DbErr> {
    let mut q =
        person::Entity::find_by_id(id).filter(access.scope(kind).owns(person::Column::OfficeId));
    if kind == ScopeKind::Capture {
        // A merged record stays readable (it leads to the kept one) but takes no changes:
        // a stale page or API call would hang rows on it again.
        q = q.filter(person::Column::MergedInto.is_null());
    }
    q.one(conn).await
}

/// Active people in the caller's view scope (the dashboard's number).
pub async fn count_in_scope(conn: &impl ConnectionTrait, access: &Access) -> Result<u64, DbErr> {
    person::Entity::find()
        .filter(access.view.owns(person::Column::OfficeId))
        .filter(person::Column::MergedInto.is_null())
        .count(conn)
        .await
}

/// People of the caller's view scope registered since `since` (the week's new people on
/// the home page).
pub async fn count_registered_since(
    conn: &impl ConnectionTrait,
    access: &Access,
    since: chrono::DateTime<chrono::Utc>,
) -> Result<u64, DbErr> {
    person::Entity::find()
        .filter(access.view.owns(person::Column::OfficeId))
        .filter(person::Column::MergedInto.is_null())
        .filter(person::Column::CreatedAt.gte(since))
        .count(conn)
        .await
}

/// A person by document, whatever the scope (duplicate checks only; never shown as such).
pub async fn find_by_document(
    conn: &impl ConnectionTrait,
    doc_type: &str,
    doc_number: &str,
) -> Result<Option<person::Model>, DbErr> {
    person::Entity::find()
        .filter(person::Column::DocType.eq(doc_type))
        .filter(person::Column::DocNumber.eq(doc_number))
        .one(conn)
        .await
}

/// A person by CUIL, whatever the scope (duplicate checks only).
pub async fn find_by_cuil(
    conn: &impl ConnectionTrait,
    cuil: &str,
) -> Result<Option<person::Model>, DbErr> {
    person::Entity::find()
        .filter(person::Column::Cuil.eq(cuil))
        .one(conn)
        .await
}

/// People in the caller's search scope born on `birth_date`, or sharing the phone or
/// e-mail: the candidates for "possible duplicates".
pub async fn duplicate_candidates(
    conn: &impl ConnectionTrait,
    access: &Access,
    birth_date: chrono::NaiveDate,
    phone: Option<&str>,
    email: Option<&str>,
) -> Result<Vec<person::Model>, DbErr> {
    // Same birth date (the caller compares the names): identity, so the search scope.
    // Same phone or e-mail: contact data, which only the view scope may match on;
    // over the search scope it would tell who owns any phone number or address.
    let mut any = Condition::any().add(
        Condition::all()
            .add(person::Column::BirthDate.eq(birth_date))
            .add(access.search.owns(person::Column::OfficeId)),
    );
    let mut contact = Condition::any();
    if let Some(p) = phone {
        contact = contact.add(person::Column::Phone.eq(p));
    }
    if let Some(e) = email {
        contact = contact.add(person::Column::Email.eq(e));
    }
    if phone.is_some() || email.is_some() {
        any = any.add(
            Condition::all()
                .add(contact)
                .add(access.view.owns(person::Column::OfficeId)),
        );
    }
    person::Entity::find()
        .filter(person::Column::MergedInto.is_null())
        .filter(any)
        .limit(200)
        .all(conn)
        .await
}

/// What the search box asked for.
#[derive(Debug, Clone)]
pub struct PersonQuery {
    /// The scope searched: `Search` when the query looks only at identity, `View` when a
    /// filter or the caller needs more (exports, sensitive filters).
    pub scope: ScopeKind,
    /// Free text: a DNI/CUIL or words of the name.
    pub q: String,
    /// Only this owning office.
    pub office_id: Option<Uuid>,
    /// Only this department.
    pub department_code: Option<String>,
    /// Only this sex.
    pub sex: Option<String>,
    /// Born on or after.
    pub born_from: Option<chrono::NaiveDate>,
    /// Born on or before.
    pub born_to: Option<chrono::NaiveDate>,
    /// Only this ISCED level.
    pub education: Option<String>,
    /// Only this employment status.
    pub employment: Option<String>,
    /// Only with (true) or without (false) a disability.
    pub disability: Option<bool>,
    /// Only with this ISCO-08 unit group in the work history or desired occupations.
    pub occupation: Option<String>,
}

/// Column to sort the list by.
#[derive(Debug, Clone, Copy)]
pub enum PersonSort {
    /// Surnames, names.
    Name,
    /// Birth date.
    BirthDate,
    /// Last change.
    UpdatedAt,
}

/// Why a search failed.
#[derive(Debug, thiserror::Error)]
pub enum SearchFailure {
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbErr),
    /// The index failed.
    #[error(transparent)]
    Index(#[from] crate::search::SearchError),
}

impl From<SearchFailure> for sipe_platform::db::StoreError {
    fn from(e: SearchFailure) -> Self {
        match e {
            SearchFailure::Db(d) => sipe_platform::db::StoreError::Other(d),
            SearchFailure::Index(i) => {
                sipe_platform::db::StoreError::Other(DbErr::Custom(i.to_string()))
            }
        }
    }
}

impl Default for PersonQuery {
    fn default() -> Self {
        Self {
            scope: ScopeKind::Search,
            q: String::new(),
            office_id: None,
            department_code: None,
            sex: None,
            born_from: None,
            born_to: None,
            education: None,
            employment: None,
            disability: None,
            occupation: None,
        }
    }
}

/// The query's filters beyond its text (office, department, sex, birth dates,
/// education, employment, disability, occupation), as a condition on `persons`: what
/// the list and the messaging audiences share.
pub fn filters_condition(query: &PersonQuery) -> Condition {
    let mut c = Condition::all();
    if let Some(office) = query.office_id {
        c = c.add(person::Column::OfficeId.eq(office));
    }
    if let Some(d) = &query.department_code {
        c = c.add(person::Column::DepartmentCode.eq(d.clone()));
    }
    if let Some(s) = &query.sex {
        c = c.add(person::Column::Sex.eq(s.clone()));
    }
    if let Some(d) = query.born_from {
        c = c.add(person::Column::BirthDate.gte(d));
    }
    if let Some(d) = query.born_to {
        c = c.add(person::Column::BirthDate.lte(d));
    }
    if let Some(e) = &query.education {
        c = c.add(person::Column::EducationLevel.eq(e.clone()));
    }
    if let Some(e) = &query.employment {
        c = c.add(person::Column::EmploymentStatus.eq(e.clone()));
    }
    if let Some(d) = query.disability {
        c = c.add(person::Column::HasDisability.eq(d));
    }
    if let Some(o) = &query.occupation {
        c = c.add(
            Expr::col(person::Column::Id).in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(crate::entity::profile_item::Column::PersonId)
                    .from(crate::entity::profile_item::Entity)
                    .and_where(
                        Expr::col(crate::entity::profile_item::Column::Kind)
                            .is_in(["work", "desired"]),
                    )
                    .and_where(
                        Expr::col(crate::entity::profile_item::Column::Code).like(format!("{o}%")),
                    )
                    .take(),
            ),
        );
    }
    c
}

/// Fewest digits that search by the beginning of a document number.
pub const DOC_PREFIX_MIN: usize = 5;

/// One page of people in the query's scope (search or view) of the caller, with the total.
///
/// Words go to the search index (any order, accents folded, small typos forgiven, the
/// last word also as the beginning of a name), best matches first, with the scope as a
/// filter inside the query. Digits (dots and dashes ignored) look the document or CUIL up
/// in the database, five or more also the documents they begin; an empty query lists
/// everyone in scope in the requested order.
#[expect(
    clippy::too_many_arguments,
    reason = "one search request: query, scope, order and page"
)]
pub async fn search(
    conn: &impl ConnectionTrait,
    index: Option<&crate::search::PersonIndex>,
    access: &Access,
    query: &PersonQuery,
    sort: PersonSort,
    desc: bool,
    offset: u64,
    limit: u64,
) -> Result<(Vec<person::Model>, u64), SearchFailure> {
    let has_words = crate::domain::fold(&query.q)
        .chars()
        .any(|c| c.is_alphabetic());
    if let (Some(index), true) = (index, has_words) {
        let in_scope =
            sipe_platform::territory::store::office_ids_in_scope(conn, access.scope(query.scope))
                .await?;
        let offices: Option<Vec<Uuid>> = match &in_scope {
            None => query.office_id.map(|o| vec![o]),
            Some(ids) => Some(
                ids.iter()
                    .copied()
                    .filter(|id| query.office_id.is_none_or(|o| o == *id))
                    .collect(),
            ),
        };
        let days = |d: chrono::NaiveDate| i64::from(chrono::Datelike::num_days_from_ce(&d));
        let filters = crate::search::Filters {
            offices,
            sex: query.sex.clone(),
            born_from: query.born_from.map(days),
            born_to: query.born_to.map(days),
            department: query.department_code.clone(),
            education: query.education.clone(),
            employment: query.employment.clone(),
            disability: query.disability,
            occupation: query.occupation.clone(),
        };
        let (ids, total) = index.search(&query.q, &filters, offset as usize, limit as usize)?;
        let mut rows = person::Entity::find()
            .filter(person::Column::Id.is_in(ids.clone()))
            .all(conn)
            .await?;
        // The scope again on the rows read: the index is derived data and may lag a
        // transfer. (Checked here rather than in SQL: with an office condition SQLite may
        // walk a large office's rows instead of looking up 25 ids.)
        if let Some(offices) = &in_scope {
            rows.retain(|r| offices.contains(&r.office_id));
        }
        rows.sort_by_key(|r| ids.iter().position(|id| *id == r.id));
        // What the index counted but the database cannot show (not there, or moved out
        // of scope) is not counted either.
        let unshown = ids.len().saturating_sub(rows.len());
        return Ok((rows, total.saturating_sub(unshown) as u64));
    }
    let mut q =
        person::Entity::find().filter(access.scope(query.scope).owns(person::Column::OfficeId));
    let digits: String = query
        .q
        .chars()
        .filter(|c| !matches!(c, '.' | '-' | ' '))
        .collect();
    let by_document = !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit());
    // A merged record stays findable by its own document (it opens the kept one).
    if !by_document {
        q = q.filter(person::Column::MergedInto.is_null());
    }
    if by_document {
        let mut any = Condition::any()
            .add(person::Column::DocNumber.eq(digits.clone()))
            .add(person::Column::Cuil.eq(digits.clone()));
        // Five digits or more also find the documents they begin: a range on the
        // indexed column (":" follows "9"), which every database serves from its index.
        if digits.len() >= DOC_PREFIX_MIN {
            any = any.add(
                Condition::all()
                    .add(person::Column::DocNumber.gte(digits.clone()))
                    .add(person::Column::DocNumber.lt(format!("{digits}:"))),
            );
        }
        q = q.filter(any);
    } else {
        for word in
            sipe_platform::text::bounded_words(crate::domain::fold(&query.q).split_whitespace())
        {
            q = q.filter(Expr::col(person::Column::SearchName).like(format!("%{word}%")));
        }
    }
    q = q.filter(filters_condition(query));
    let total = q.clone().count(conn).await?;
    let order = if desc {
        sea_orm::Order::Desc
    } else {
        sea_orm::Order::Asc
    };
    q = match sort {
        PersonSort::Name => q.order_by(person::Column::SearchName, order),
        PersonSort::BirthDate => q.order_by(person::Column::BirthDate, order),
        PersonSort::UpdatedAt => q.order_by(person::Column::UpdatedAt, order),
    };
    let rows = q
        .order_by_asc(person::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(conn)
        .await?;
    Ok((rows, total))
}

/// Field history of a person, newest first.
pub async fn changes(
    conn: &impl ConnectionTrait,
    person_id: Uuid,
) -> Result<Vec<person_change::Model>, DbErr> {
    person_change::Entity::find()
        .filter(person_change::Column::PersonId.eq(person_id))
        .order_by_desc(person_change::Column::At)
        .order_by_desc(person_change::Column::Id)
        .limit(500)
        .all(conn)
        .await
}

/// Timeline of a person, newest first.
pub async fn timeline(
    conn: &impl ConnectionTrait,
    person_id: Uuid,
    offset: u64,
    limit: u64,
) -> Result<(Vec<timeline_event::Model>, u64), DbErr> {
    let q = timeline_event::Entity::find().filter(timeline_event::Column::PersonId.eq(person_id));
    let total = q.clone().count(conn).await?;
    let rows = q
        .order_by_desc(timeline_event::Column::At)
        .order_by_desc(timeline_event::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(conn)
        .await?;
    Ok((rows, total))
}

/// What other modules show of a person: the name parts, office and department.
#[derive(Debug, Clone, sea_orm::FromQueryResult)]
pub struct PersonName {
    /// Person id.
    pub id: PersonId,
    /// Owning office.
    pub office_id: OfficeId,
    /// Surnames.
    pub surnames: String,
    /// Names.
    pub names: String,
    /// Self-perceived name.
    pub chosen_name: Option<String>,
    /// Department territory code.
    pub department_code: Option<String>,
    /// Set when merged into another record.
    pub merged_into: Option<PersonId>,
}

impl PersonName {
    /// The name to show: the self-perceived name, else the names, then the surnames.
    pub fn display(&self) -> String {
        format!(
            "{} {}",
            self.chosen_name.as_deref().unwrap_or(&self.names),
            self.surnames
        )
    }
}

/// Names of these people, whatever the scope: callers name people
/// they already may see, or filter by office themselves. Batched.
pub async fn names_of(
    conn: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = PersonId>,
) -> Result<Vec<PersonName>, DbErr> {
    let ids: Vec<PersonId> = ids.into_iter().collect();
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(1_000) {
        let rows: Vec<PersonName> = person::Entity::find()
            .select_only()
            .columns([
                person::Column::Id,
                person::Column::OfficeId,
                person::Column::Surnames,
                person::Column::Names,
                person::Column::ChosenName,
                person::Column::DepartmentCode,
                person::Column::MergedInto,
            ])
            .filter(person::Column::Id.is_in(chunk.iter().copied()))
            .into_model()
            .all(conn)
            .await?;
        out.extend(rows);
    }
    Ok(out)
}

/// A person's identity and contact: what a module that lists people to work with them
/// (a cohort's roster, an attendance sheet) needs, and nothing else of the record.
#[derive(Debug, Clone, sea_orm::FromQueryResult)]
pub struct PersonCard {
    /// Person id.
    pub id: Uuid,
    /// Owning office.
    pub office_id: Uuid,
    /// Surnames.
    pub surnames: String,
    /// Names.
    pub names: String,
    /// Self-perceived name.
    pub chosen_name: Option<String>,
    /// Document type.
    pub doc_type: String,
    /// Document number.
    pub doc_number: String,
    /// Phone, E.164.
    pub phone: Option<String>,
    /// E-mail.
    pub email: Option<String>,
    /// Birth date (eligibility by age).
    pub birth_date: chrono::NaiveDate,
    /// ISCED level (eligibility by education).
    pub education_level: Option<String>,
}

impl PersonCard {
    /// The name to show: the self-perceived name, else the names, then the surnames.
    pub fn display(&self) -> String {
        match &self.chosen_name {
            Some(chosen) => format!("{chosen} {}", self.surnames),
            None => format!("{} {}", self.names, self.surnames),
        }
    }
}

/// The columns of a [`PersonCard`].
fn card_select() -> sea_orm::Select<person::Entity> {
    person::Entity::find().select_only().columns([
        person::Column::Id,
        person::Column::OfficeId,
        person::Column::Surnames,
        person::Column::Names,
        person::Column::ChosenName,
        person::Column::DocType,
        person::Column::DocNumber,
        person::Column::Phone,
        person::Column::Email,
        person::Column::BirthDate,
        person::Column::EducationLevel,
    ])
}

/// Identity and contact of these people, whatever the scope: callers list people they
/// already may see, or filter by office themselves. Batched.
pub async fn cards_of(
    conn: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = PersonId>,
) -> Result<Vec<PersonCard>, DbErr> {
    let ids: Vec<PersonId> = ids.into_iter().collect();
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(1_000) {
        let rows: Vec<PersonCard> = card_select()
            .filter(person::Column::Id.is_in(chunk.iter().copied()))
            .into_model()
            .all(conn)
            .await?;
        out.extend(rows);
    }
    Ok(out)
}

/// People by document number (any type), within the caller's search scope; at most 2
/// (a number shared by two document types is ambiguous to the caller).
pub async fn find_by_number_in_scope(
    conn: &impl ConnectionTrait,
    access: &Access,
    doc_number: &str,
) -> Result<Vec<person::Model>, DbErr> {
    person::Entity::find()
        .filter(person::Column::DocNumber.eq(doc_number))
        .filter(person::Column::MergedInto.is_null())
        .filter(access.search.owns(person::Column::OfficeId))
        .limit(2)
        .all(conn)
        .await
}

/// The cards of the people with these document numbers (any type), within the caller's
/// search scope, in no order (a number may give two people of different types).
pub async fn cards_by_numbers_in_scope(
    conn: &impl ConnectionTrait,
    access: &Access,
    numbers: &[String],
) -> Result<Vec<PersonCard>, DbErr> {
    let mut out = Vec::with_capacity(numbers.len());
    for chunk in numbers.chunks(1_000) {
        let rows: Vec<PersonCard> = card_select()
            .filter(person::Column::DocNumber.is_in(chunk.iter().cloned()))
            .filter(person::Column::MergedInto.is_null())
            .filter(access.search.owns(person::Column::OfficeId))
            .into_model()
            .all(conn)
            .await?;
        out.extend(rows);
    }
    Ok(out)
}

/// A subquery of the ids of the people in a scope's offices (for another module's
/// condition "rows of people I may see").
pub fn ids_in_scope(scope: &sipe_platform::access::Scope) -> sea_orm::sea_query::SelectStatement {
    sea_orm::sea_query::Query::select()
        .column(person::Column::Id)
        .from(person::Entity)
        .cond_where(scope.owns(person::Column::OfficeId))
        .take()
}

/// The first `limit` unemployed people of an office, by id (the demo refers them).
pub async fn unemployed_of_office(
    conn: &impl ConnectionTrait,
    office_id: OfficeId,
    limit: u64,
) -> Result<Vec<PersonId>, DbErr> {
    person::Entity::find()
        .select_only()
        .column(person::Column::Id)
        .filter(person::Column::OfficeId.eq(office_id))
        .filter(person::Column::MergedInto.is_null())
        .filter(person::Column::EmploymentStatus.eq("unemployed"))
        .order_by_asc(person::Column::Id)
        .limit(limit)
        .into_tuple()
        .all(conn)
        .await
}

/// Number of person records, merged ones included (the demo checks it seeds an empty
/// registry).
pub async fn count_all(conn: &impl ConnectionTrait) -> Result<u64, DbErr> {
    person::Entity::find().count(conn).await
}

/// The oldest person record, whatever the scope (tools and tests that need someone).
pub async fn first_record(conn: &impl ConnectionTrait) -> Result<Option<person::Model>, DbErr> {
    person::Entity::find()
        .order_by_asc(person::Column::Id)
        .one(conn)
        .await
}

/// Who a payment goes to: the identity a bank file carries.
#[derive(Debug, Clone, sea_orm::FromQueryResult)]
pub struct Payee {
    /// Person id.
    pub id: Uuid,
    /// CUIL, if known.
    pub cuil: Option<String>,
    /// Surnames.
    pub surnames: String,
    /// Names.
    pub names: String,
}

/// Payees of these people, whatever the scope: a payment run names everyone it pays
/// (its readers manage programmes system-wide). Batched.
pub async fn payees_of(
    conn: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = PersonId>,
) -> Result<Vec<Payee>, DbErr> {
    let ids: Vec<PersonId> = ids.into_iter().collect();
    let mut out = Vec::with_capacity(ids.len());
    let backend = conn.get_database_backend();
    for chunk in ids.chunks(sipe_platform::db::bulk::id_chunk(backend)) {
        let chunk: Vec<uuid::Uuid> = chunk.iter().map(|p| p.uuid()).collect();
        let rows: Vec<Payee> = person::Entity::find()
            .select_only()
            .columns([
                person::Column::Id,
                person::Column::Cuil,
                person::Column::Surnames,
                person::Column::Names,
            ])
            .filter(sipe_platform::db::bulk::id_in(
                backend,
                (person::Entity, person::Column::Id),
                &chunk,
            ))
            .into_model()
            .all(conn)
            .await?;
        out.extend(rows);
    }
    Ok(out)
}
