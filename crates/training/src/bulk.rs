//! Bulk enrolment: a list of documents (pasted, or a CSV whose first column holds them)
//! checked against a cohort in one pass — who is found in the caller's search scope,
//! who is already in, who meets the course's requirements and, for those who do not,
//! every failed criterion — and, once confirmed, enrolled in one transaction: the free
//! places go in the list's order, the rest join the waiting list.
//!
//! Batched: a handful of queries per 1,000 documents, one multi-row insert per 500
//! enrolments and timeline entries, and one audit row naming every person.

use std::collections::{HashMap, HashSet};

use chrono::Utc;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use crate::cohorts::Cohort;
use crate::domain::{self, Applicant, CohortState, EnrolmentState, Requirements, Unmet};
use crate::enrolment::Origin;
use crate::entity::{certificate, cohort, enrolment};
use crate::error::TrainingError;
use sipe_persons::store::PersonCard;
use sipe_persons::timeline::{self, Arg, NewEvent};
use sipe_platform::access::Access;
use sipe_platform::audit::{self, AuditCtx, Change};
use sipe_platform::db::{self, Db};
use sipe_platform::validation::FieldErrors;

/// Most documents one list may hold.
pub const MAX_DOCUMENTS: usize = 20_000;
/// Longest line of a list that is read (a CSV row).
const MAX_LINE: usize = 500;

/// What happens to one document of the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Gets a place.
    Place,
    /// Joins the waiting list.
    Waiting,
    /// Not a document number (digits, 6 to 12 of them, dots allowed).
    Invalid,
    /// Nobody with this number in the caller's search scope.
    NotFound,
    /// Two people hold this number (different document types): enrol from their page.
    Ambiguous,
    /// Listed twice (the first occurrence counts).
    Repeated,
    /// Already in the cohort, in a place or waiting.
    Already,
    /// Fails the course's requirements (see `unmet`).
    Ineligible,
}

impl Verdict {
    /// Catalogue key of the verdict.
    pub fn key(&self) -> &'static str {
        match self {
            Verdict::Place => "bulk-place",
            Verdict::Waiting => "bulk-waiting",
            Verdict::Invalid => "bulk-invalid",
            Verdict::NotFound => "bulk-not-found",
            Verdict::Ambiguous => "bulk-ambiguous",
            Verdict::Repeated => "bulk-repeated",
            Verdict::Already => "bulk-already",
            Verdict::Ineligible => "bulk-ineligible",
        }
    }

    /// Will the person be enrolled?
    pub fn enrols(&self) -> bool {
        matches!(self, Verdict::Place | Verdict::Waiting)
    }
}

/// One document of the list and what happens to it.
#[derive(Debug, Clone)]
pub struct Line {
    /// The document as read (digits only when valid).
    pub document: String,
    /// Who holds it, when found.
    pub person: Option<PersonCard>,
    /// What happens.
    pub verdict: Verdict,
    /// Every failed criterion, when ineligible.
    pub unmet: Vec<Unmet>,
}

/// The list checked against the cohort.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// Every document, in the list's order.
    pub lines: Vec<Line>,
    /// How many get a place.
    pub places: usize,
    /// How many join the waiting list.
    pub waiting: usize,
}

impl Plan {
    /// How many are not enrolled.
    pub fn refused(&self) -> usize {
        self.lines.len() - self.places - self.waiting
    }

    /// The documents that will be enrolled, in order (what a confirmation sends back).
    pub fn accepted_documents(&self) -> Vec<String> {
        self.lines
            .iter()
            .filter(|l| l.verdict.enrols())
            .map(|l| l.document.clone())
            .collect()
    }
}

/// The documents of a pasted list or a CSV: the first field of each line (`,`, `;` or a
/// tab apart), dots and spaces dropped; a first line that is a header is skipped.
pub fn parse_documents(text: &str) -> Result<Vec<String>, FieldErrors> {
    parse_parts(&[text])
}

/// [`parse_documents`] over several lists (the pasted one and a file), each of which
/// may start with a header; a byte-order mark is dropped.
pub fn parse_parts(parts: &[&str]) -> Result<Vec<String>, FieldErrors> {
    let mut out = Vec::new();
    for part in parts {
        read_part(part.trim_start_matches('\u{feff}'), &mut out)?;
    }
    if out.is_empty() {
        return Err(FieldErrors::one("documents", "bulk-empty"));
    }
    Ok(out)
}

fn read_part(text: &str, out: &mut Vec<String>) -> Result<(), FieldErrors> {
    let mut at_start = true;
    for line in text.lines() {
        let line: String = line.chars().take(MAX_LINE).collect();
        let first = line
            .split([',', ';', '\t'])
            .next()
            .unwrap_or("")
            .trim()
            .trim_matches('"');
        let cleaned: String = first.chars().filter(|c| !matches!(c, '.' | ' ')).collect();
        if cleaned.is_empty() {
            continue;
        }
        // The first line of a list, without a digit, is its header.
        let header = at_start && !cleaned.chars().any(|c| c.is_ascii_digit());
        at_start = false;
        if header {
            continue;
        }
        if out.len() == MAX_DOCUMENTS {
            return Err(FieldErrors::one("documents", "bulk-too-many"));
        }
        out.push(cleaned.chars().take(20).collect());
    }
    Ok(())
}

/// Where a saved search's problems are reported: the form's field or the API's.
pub struct SearchSource<'a> {
    /// The search index.
    pub index: &'a sipe_persons::search::PersonIndex,
    /// Where the reads of personal data are recorded.
    pub reads: &'a sipe_platform::audit::reads::ReadLog,
    /// The field that names the search (`saved_search`, `saved_search_id`).
    pub field: &'static str,
}

/// The documents of everyone one of the caller's saved person searches finds now in
/// their view scope, as a bulk list (at most `MAX_DOCUMENTS`); the people found are
/// recorded as shown.
pub async fn documents_of_search(
    db: &sipe_platform::db::Db,
    source: SearchSource<'_>,
    ctx: &sipe_platform::audit::AuditCtx,
    access: &Access,
    saved_search: uuid::Uuid,
    today: chrono::NaiveDate,
) -> Result<Vec<String>, TrainingError> {
    use sipe_persons::saved;
    let field = source.field;
    let search = saved::find_own(db, access.actor.user_id, saved_search)
        .await?
        .ok_or_else(|| FieldErrors::one(field, "bulk-search-unknown"))?;
    let filters = saved::filters_from_query(&search.query);
    let found = saved::documents(
        db,
        source.index,
        source.reads,
        ctx,
        access,
        &filters,
        today,
        MAX_DOCUMENTS,
    )
    .await;
    match found {
        Ok(found) if found.is_empty() => Err(FieldErrors::one(field, "bulk-search-empty").into()),
        Ok(found) => Ok(found.into_iter().map(|(_, number)| number).collect()),
        Err(saved::PeopleError::TooMany(..)) => {
            Err(FieldErrors::one(field, "bulk-search-too-many").into())
        }
        Err(saved::PeopleError::Person(sipe_persons::service::PersonError::Invalid(_))) => {
            Err(FieldErrors::one(field, "bulk-search-invalid").into())
        }
        Err(saved::PeopleError::Person(e)) => {
            Err(TrainingError::Internal(anyhow::anyhow!(e.to_string())))
        }
    }
}

fn valid_number(doc: &str) -> bool {
    (6..=12).contains(&doc.len()) && doc.chars().all(|c| c.is_ascii_digit())
}

/// Checks the list against the cohort (which must take enrolments), without changing
/// anything.
pub async fn plan(
    conn: &impl ConnectionTrait,
    access: &Access,
    c: &Cohort,
    documents: &[String],
) -> Result<Plan, TrainingError> {
    Ok(check(conn, access, c, documents).await?.0)
}

async fn check(
    conn: &impl ConnectionTrait,
    access: &Access,
    c: &Cohort,
    documents: &[String],
) -> Result<(Plan, Facts), TrainingError> {
    if !CohortState::parse(&c.state).is_some_and(CohortState::takes_enrolments) {
        return Err(TrainingError::Conflict("enrol-cohort-closed"));
    }
    let course = crate::courses::find(conn, c.course_id)
        .await?
        .ok_or(TrainingError::NotFound)?;
    let req = Requirements {
        min_age: course.min_age,
        min_education: course.min_education,
    };
    let numbers: Vec<String> = {
        let mut seen = HashSet::new();
        documents
            .iter()
            .filter(|d| valid_number(d) && seen.insert(d.as_str()))
            .cloned()
            .collect()
    };
    let mut holders: HashMap<String, Vec<PersonCard>> = HashMap::new();
    for card in sipe_persons::store::cards_by_numbers_in_scope(conn, access, &numbers).await? {
        holders
            .entry(card.doc_number.clone())
            .or_default()
            .push(card);
    }
    let ids: Vec<Uuid> = holders.values().flatten().map(|p| p.id).collect();
    let facts = Facts::read(conn, c, &ids).await?;
    let held = crate::enrolment::holding_places(conn, c.id).await?;
    let mut free = u64::try_from(c.capacity).unwrap_or(0).saturating_sub(held);

    let mut plan = Plan::default();
    let mut listed: HashSet<String> = HashSet::new();
    let mut people: HashSet<Uuid> = HashSet::new();
    for doc in documents {
        let mut line = Line {
            document: doc.clone(),
            person: None,
            verdict: Verdict::Invalid,
            unmet: Vec::new(),
        };
        if !valid_number(doc) {
            plan.lines.push(line);
            continue;
        }
        if !listed.insert(doc.clone()) {
            line.verdict = Verdict::Repeated;
            plan.lines.push(line);
            continue;
        }
        line.verdict = match holders.get(doc).map(Vec::as_slice) {
            None | Some([]) => Verdict::NotFound,
            Some([_, _, ..]) => Verdict::Ambiguous,
            Some([card]) => {
                line.person = Some(card.clone());
                if !people.insert(card.id) {
                    Verdict::Repeated
                } else if facts.active.contains(&card.id) {
                    Verdict::Already
                } else {
                    let who = Applicant {
                        birth_date: card.birth_date,
                        education_level: card.education_level.clone(),
                        already_certified: facts.certified.contains(&card.id),
                        in_open_cohort: facts.elsewhere.contains(&card.id),
                    };
                    line.unmet = domain::unmet(&req, &who, c.starts_on);
                    if !line.unmet.is_empty() {
                        Verdict::Ineligible
                    } else if free > 0 {
                        free -= 1;
                        plan.places += 1;
                        Verdict::Place
                    } else {
                        plan.waiting += 1;
                        Verdict::Waiting
                    }
                }
            }
        };
        plan.lines.push(line);
    }
    Ok((plan, facts))
}

/// What eligibility needs about the people found, read in batches.
struct Facts {
    /// In this cohort, in a place or waiting.
    active: HashSet<Uuid>,
    /// Withdrawn from this cohort earlier: their row is reused.
    withdrawn: HashMap<Uuid, Uuid>,
    /// Hold a valid certificate of the course.
    certified: HashSet<Uuid>,
    /// In another open cohort of the course.
    elsewhere: HashSet<Uuid>,
}

impl Facts {
    async fn read(
        conn: &impl ConnectionTrait,
        c: &Cohort,
        people: &[Uuid],
    ) -> Result<Self, TrainingError> {
        let same_course: Vec<Uuid> = cohort::Entity::find()
            .select_only()
            .column(cohort::Column::Id)
            .filter(cohort::Column::CourseId.eq(c.course_id))
            .into_tuple()
            .all(conn)
            .await?;
        let mut facts = Facts {
            active: HashSet::new(),
            withdrawn: HashMap::new(),
            certified: HashSet::new(),
            elsewhere: HashSet::new(),
        };
        let active: Vec<&str> = crate::enrolment::active_codes().collect();
        for chunk in people.chunks(1_000) {
            let rows: Vec<(Uuid, Uuid, Uuid, String)> = enrolment::Entity::find()
                .select_only()
                .columns([
                    enrolment::Column::Id,
                    enrolment::Column::PersonId,
                    enrolment::Column::CohortId,
                    enrolment::Column::State,
                ])
                .filter(enrolment::Column::PersonId.is_in(chunk.iter().copied()))
                .filter(enrolment::Column::CohortId.is_in(same_course.iter().copied()))
                .into_tuple()
                .all(conn)
                .await?;
            for (id, person, cohort_id, state) in rows {
                let is_active = active.contains(&state.as_str());
                if cohort_id == c.id && is_active {
                    facts.active.insert(person);
                } else if cohort_id == c.id {
                    facts.withdrawn.insert(person, id);
                } else if is_active {
                    facts.elsewhere.insert(person);
                }
            }
            let certified: Vec<Uuid> = certificate::Entity::find()
                .select_only()
                .column(certificate::Column::PersonId)
                .filter(certificate::Column::PersonId.is_in(chunk.iter().copied()))
                .filter(certificate::Column::Status.eq(crate::certificates::VALID))
                .filter(certificate::Column::CohortId.is_in(same_course.iter().copied()))
                .into_tuple()
                .all(conn)
                .await?;
            facts.certified.extend(certified);
        }
        Ok(facts)
    }
}

/// Checks the list again inside one transaction, with the cohort locked, and enrols
/// everyone the check accepts. Returns the plan as applied.
pub async fn confirm(
    db: &Db,
    ctx: &AuditCtx,
    access: &Access,
    cohort_id: Uuid,
    documents: &[String],
) -> Result<Plan, TrainingError> {
    let tx = db::begin_write(db).await?;
    let c = crate::cohorts::find_visible(&tx, access, cohort_id)
        .await?
        .ok_or(TrainingError::NotFound)?;
    let c = crate::cohorts::lock(&tx, c.id)
        .await?
        .ok_or(TrainingError::NotFound)?;
    let (plan, facts) = check(&tx, access, &c, documents).await?;
    let chosen: Vec<(Uuid, bool)> = plan
        .lines
        .iter()
        .filter(|l| l.verdict.enrols())
        .filter_map(|l| Some((l.person.as_ref()?.id, l.verdict == Verdict::Waiting)))
        .collect();
    // Nobody to enrol: nothing changes, nothing to record.
    if chosen.is_empty() {
        return Ok(plan);
    }
    write(&tx, ctx, &c, &chosen, &facts).await?;
    audit::record(
        &tx,
        ctx,
        Change::new("training.enrol.bulk", "training_cohort", c.id).after(json!({
            "places": plan.places,
            "waiting": plan.waiting,
            "refused": plan.refused(),
            "enrolled": chosen.iter().filter(|(_, w)| !w).map(|(p, _)| p).collect::<Vec<_>>(),
            "waitlisted": chosen.iter().filter(|(_, w)| *w).map(|(p, _)| p).collect::<Vec<_>>(),
        })),
    )
    .await?;
    tx.commit().await?;
    Ok(plan)
}

async fn write(
    tx: &impl ConnectionTrait,
    ctx: &AuditCtx,
    c: &Cohort,
    chosen: &[(Uuid, bool)],
    facts: &Facts,
) -> Result<(), TrainingError> {
    let now = Utc::now();
    let state = |waiting: bool| {
        if waiting {
            EnrolmentState::Waitlisted
        } else {
            EnrolmentState::Enrolled
        }
        .as_str()
        .to_owned()
    };
    // Back after a withdrawal: the same row, with nothing of the earlier attempt.
    for (person, waiting) in chosen {
        if let Some(id) = facts.withdrawn.get(person) {
            crate::entity::attendance::Entity::delete_many()
                .filter(crate::entity::attendance::Column::EnrolmentId.eq(*id))
                .exec(tx)
                .await?;
            enrolment::Entity::update_many()
                .set(enrolment::ActiveModel {
                    state: Set(state(*waiting)),
                    origin: Set(Origin::Bulk.as_str().to_owned()),
                    withdrawal_reason: Set(None),
                    grade: Set(None),
                    passed: Set(None),
                    attendance: Set(None),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                })
                .filter(enrolment::Column::Id.eq(*id))
                .exec(tx)
                .await?;
        }
    }
    let new: Vec<&(Uuid, bool)> = chosen
        .iter()
        .filter(|(p, _)| !facts.withdrawn.contains_key(p))
        .collect();
    // 11 columns a row: 500 rows stay below every backend's bound on parameters. The
    // creation time orders the waiting list: one microsecond apart keeps the list's order.
    for (n, chunk) in new.chunks(500).enumerate() {
        let rows = chunk.iter().enumerate().map(|(i, (person, waiting))| {
            let at = now + chrono::Duration::microseconds((n * 500 + i) as i64);
            enrolment::ActiveModel {
                id: Set(Uuid::now_v7()),
                cohort_id: Set(c.id),
                person_id: Set(*person),
                state: Set(state(*waiting)),
                origin: Set(Origin::Bulk.as_str().to_owned()),
                withdrawal_reason: Set(None),
                grade: Set(None),
                passed: Set(None),
                attendance: Set(None),
                created_at: Set(at),
                updated_at: Set(at),
            }
        });
        enrolment::Entity::insert_many(rows).exec(tx).await?;
    }
    let course = crate::enrolment::course_name(tx, c).await?;
    for (kind, waiting) in [("training.enrolled", false), ("training.waitlisted", true)] {
        let people: Vec<Uuid> = chosen
            .iter()
            .filter(|(_, w)| *w == waiting)
            .map(|(p, _)| *p)
            .collect();
        timeline::append_to_many(
            tx,
            ctx,
            &people,
            NewEvent {
                person_id: Uuid::nil(),
                kind,
                args: vec![
                    ("course", Arg::text(course.clone())),
                    ("cohort", Arg::text(c.code.clone())),
                ],
                link: Some(format!("/training/cohorts/{}", c.id)),
                office_id: Some(c.office_id),
            },
        )
        .await?;
    }
    // Those who got a place hear of it, with the enrolment.
    let notices = chosen
        .iter()
        .filter(|(_, waiting)| !waiting)
        .map(|(person, _)| sipe_messaging::send::Item {
            person: sipe_platform::ids::PersonId(*person),
            values: vec![
                ("curso".into(), course.clone()),
                ("fecha".into(), c.starts_on.format("%d/%m/%Y").to_string()),
            ],
            key: crate::enrolment::confirmation_key(c.id, *person, now),
        })
        .collect();
    sipe_messaging::send::send_many(tx, ctx, "enrolment_confirmation", notices).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_list_may_start_with_a_header_and_a_byte_order_mark() {
        let docs = parse_parts(&[
            "dni\n30.111.001\n",
            "\u{feff}documento;apellido\n30111002;Paz\n",
        ])
        .unwrap();
        assert_eq!(docs, ["30111001", "30111002"]);
        // A header is only a first line: later words are refused documents.
        assert_eq!(
            parse_documents("30111001\nabc").unwrap(),
            ["30111001", "abc"]
        );
        assert!(parse_documents("dni\n\n").is_err());
    }
}
