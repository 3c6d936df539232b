//! Candidate matching over the people index (ADR 0003): hard filters are query clauses
//! (scope, actively looking, not placed, occupation group); a collector reads each
//! remaining person's profile from fast columns, applies the vacancy's own hard filters,
//! scores them with [`score::factors`] and keeps the best `limit`.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::query::{AllQuery, BooleanQuery, Occur, Query, TermQuery, TermSetQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader, Term};
use uuid::Uuid;

use std::collections::HashMap;

use tantivy::schema::{FAST, OwnedValue, STRING, SchemaBuilder};

use crate::matching::score::{self, Candidate, Requirements, Weights};
use sipe_persons::search::{ExtraValues, IndexBatch, IndexExtension, PersonIndex, SearchError};
use sipe_platform::module::BoxFuture;

/// The fast columns holding a candidate, in [`Columns`] order.
pub const FAST_COLUMNS: [&str; 12] = [
    "m_groups",
    "m_exp",
    "m_skills",
    "m_edu",
    "m_lic",
    "m_langs",
    "m_dept",
    "m_hours",
    "m_contracts",
    "m_salary",
    "m_contact",
    "m_unemp",
];

/// The terms of an ISCO unit group at each level of the hierarchy: `4:9321`, `3:932`,
/// `2:93`, `1:9`.
pub fn isco_terms(group: u32) -> [String; 4] {
    [
        format!("4:{group}"),
        format!("3:{}", group / 10),
        format!("2:{}", group / 100),
        format!("1:{}", group / 1000),
    ]
}

/// The index fields matching adds: ISCO prefixes as terms (`2:93`) for the occupation
/// filter, the two flags, then the candidate as fast columns read by the collector.
const ISCO: &str = "isco";
const LOOKING: &str = "looking";
const PLACED: &str = "placed";

/// Adds what matching reads to the people index (contributed through the module kit).
pub struct MatchingFields;

impl IndexExtension for MatchingFields {
    fn declare(&self, b: &mut SchemaBuilder) {
        b.add_text_field(ISCO, STRING);
        b.add_text_field(LOOKING, STRING);
        b.add_text_field(PLACED, STRING);
        for name in FAST_COLUMNS {
            b.add_u64_field(name, FAST);
        }
    }

    fn values<'a>(
        &'a self,
        db: &'a sipe_platform::db::Db,
        batch: &'a IndexBatch<'a>,
    ) -> BoxFuture<'a, anyhow::Result<HashMap<Uuid, ExtraValues>>> {
        Box::pin(async move {
            let ids: Vec<Uuid> = batch.rows.iter().map(|r| r.id).collect();
            let seekers = crate::seekers::rows_of(db, &ids).await?;
            Ok(batch
                .rows
                .iter()
                .map(|p| {
                    let summary = crate::seekers::Summary::of(
                        seekers.get(&p.id),
                        p.employment_status.as_deref(),
                    );
                    let items = batch
                        .items
                        .get(&sipe_platform::ids::PersonId(p.id))
                        .map(Vec::as_slice)
                        .unwrap_or_default();
                    let mut candidate = super::profile::candidate(
                        p.education_level.as_deref(),
                        p.department_code.as_deref(),
                        p.availability_hours.as_deref(),
                        items,
                        &summary,
                        batch.today,
                    );
                    super::profile::tie_break_facts(
                        &mut candidate,
                        p.updated_at,
                        p.employment_status.as_deref(),
                        p.unemployed_since,
                        summary.looking_since,
                    );
                    let values =
                        candidate_values(&candidate, summary.actively_looking, summary.placed);
                    (p.id, values)
                })
                .collect())
        })
    }
}

fn flag(on: bool) -> OwnedValue {
    OwnedValue::Str(if on { "1" } else { "0" }.to_owned())
}

/// A candidate's values in the index.
pub fn candidate_values(c: &Candidate, looking: bool, placed: bool) -> ExtraValues {
    let mut v: ExtraValues = vec![(LOOKING, flag(looking)), (PLACED, flag(placed))];
    let f = &FAST_COLUMNS;
    for g in &c.unit_groups {
        for term in isco_terms(*g) {
            v.push((ISCO, OwnedValue::Str(term)));
        }
        v.push((f[0], OwnedValue::U64(u64::from(*g))));
    }
    for (g, months) in &c.experience {
        let packed = u64::from(*g) * 10_000 + u64::from((*months).min(9_999));
        v.push((f[1], OwnedValue::U64(packed)));
    }
    for s in &c.skills {
        let key = if c.certified.contains(s) {
            s | crate::matching::codes::CERTIFIED
        } else {
            *s
        };
        v.push((f[2], OwnedValue::U64(key)));
    }
    let single = [
        (f[3], c.education.map_or(0, |e| u64::from(e) + 1)),
        (f[4], u64::from(c.licences)),
    ];
    v.extend(single.map(|(n, x)| (n, OwnedValue::U64(x))));
    for (l, level) in &c.languages {
        v.push((
            f[5],
            OwnedValue::U64(u64::from(*l) * 16 + u64::from(*level)),
        ));
    }
    let single = [
        (f[6], u64::from(c.department.unwrap_or(0))),
        (f[7], u64::from(c.hours)),
        (f[8], u64::from(c.contracts)),
        (
            f[9],
            c.salary_expectation.map_or(0, |s| s.max(0) as u64 + 1),
        ),
        (f[10], u64::from(c.last_contact_day)),
        (f[11], u64::from(c.unemployed_since_day)),
    ];
    v.extend(single.map(|(n, x)| (n, OwnedValue::U64(x))));
    v
}

/// A segment's candidate columns.
struct Columns {
    cols: Vec<Column<u64>>,
    id_hi: Column<u64>,
    id_lo: Column<u64>,
}

impl Columns {
    fn open(segment: &SegmentReader) -> tantivy::Result<Self> {
        let fast = segment.fast_fields();
        Ok(Self {
            cols: FAST_COLUMNS
                .iter()
                .map(|name| fast.u64(name))
                .collect::<tantivy::Result<_>>()?,
            id_hi: fast.u64("id_hi")?,
            id_lo: fast.u64("id_lo")?,
        })
    }

    /// Reads what the filters and the score's upper bound need: occupations and the
    /// single-valued fields.
    fn fill_head(&self, doc: DocId, c: &mut Candidate) {
        let one = |i: usize| self.cols[i].first(doc).unwrap_or(0);
        c.unit_groups.clear();
        c.unit_groups
            .extend(self.cols[0].values_for_doc(doc).map(|v| v as u32));
        c.education = one(3).checked_sub(1).map(|e| e as u8);
        c.licences = one(4) as u16;
        c.department = Some(one(6) as u32).filter(|d| *d != 0);
        c.hours = one(7) as u8;
        c.contracts = one(8) as u8;
        c.salary_expectation = one(9).checked_sub(1).map(|s| s as i64);
        c.last_contact_day = one(10) as u32;
        c.unemployed_since_day = one(11) as u32;
    }

    /// Reads the rest: experience, skills and languages.
    fn fill_lists(&self, doc: DocId, c: &mut Candidate) {
        c.experience.clear();
        c.experience.extend(
            self.cols[1]
                .values_for_doc(doc)
                .map(|v| ((v / 10_000) as u32, (v % 10_000) as u32)),
        );
        c.skills.clear();
        c.certified.clear();
        for v in self.cols[2].values_for_doc(doc) {
            let key = v & !crate::matching::codes::CERTIFIED;
            c.skills.push(key);
            if v != key {
                c.certified.push(key);
            }
        }
        c.languages.clear();
        c.languages.extend(
            self.cols[5]
                .values_for_doc(doc)
                .map(|v| ((v / 16) as u8, (v % 16) as u8)),
        );
    }

    /// Reads a document's candidate into `c`, reusing its buffers.
    fn fill(&self, doc: DocId, c: &mut Candidate) {
        self.fill_head(doc, c);
        self.fill_lists(doc, c);
    }

    fn id(&self, doc: DocId) -> Option<Uuid> {
        Some(Uuid::from_u64_pair(
            self.id_hi.first(doc)?,
            self.id_lo.first(doc)?,
        ))
    }
}

/// How far from the workplace a candidate may live.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    serde::Deserialize,
    serde::Serialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Reach {
    /// Same department.
    Department,
    /// Same province.
    Province,
    /// Anywhere.
    #[default]
    Anywhere,
}

/// Filters of a matching search (besides the vacancy's own mandatory requirements).
#[derive(Debug, Clone, Default)]
pub struct MatchFilters {
    /// Offices allowed (the caller's search scope); `None` for national scope.
    pub offices: Option<Vec<Uuid>>,
    /// How many leading ISCO digits a candidate's occupation must share with the
    /// vacancy's (4 unit group, 3 minor, 2 sub-major, 1 major, 0 none).
    pub occupation_digits: u8,
    /// How far from the workplace.
    pub reach: Reach,
}

/// One ranked candidate.
#[derive(Debug, Clone)]
pub struct Ranked {
    /// The person.
    pub person_id: Uuid,
    /// Score, 0–100.
    pub score: f32,
    /// Their profile as the score saw it (for the explanation).
    pub candidate: Candidate,
    /// What ordered them among equal scores.
    pub tie_break: score::TieBreak,
}

/// The best candidates and how many passed the filters.
#[derive(Debug, Clone)]
pub struct Ranking {
    /// Best first (ties by person id).
    pub items: Vec<Ranked>,
    /// People who passed every filter and were scored.
    pub scored: u64,
}

/// Does a home lie within `reach` of a workplace? (Unknown workplace: anywhere does.)
pub fn within(reach: Reach, workplace: Option<u32>, home: Option<u32>) -> bool {
    match (reach, workplace, home) {
        (Reach::Anywhere, _, _) | (_, None, _) => true,
        (_, Some(_), None) => false,
        (Reach::Department, Some(w), Some(h)) => w == h,
        (Reach::Province, Some(w), Some(h)) => w / 1000 == h / 1000,
    }
}

struct TopCandidates {
    req: Arc<Requirements>,
    weights: Weights,
    reach: Reach,
    limit: usize,
    today: u32,
}

/// How a candidate ranks: score in tenths, then the tie-break key (higher first), then
/// the person id (lower first) — one total order, so pages of any size agree.
type RankKey = (u32, u64, Reverse<u128>);

struct SegmentTop {
    req: Arc<Requirements>,
    weights: Weights,
    reach: Reach,
    limit: usize,
    today: u32,
    columns: Columns,
    segment: SegmentOrdinal,
    scratch: Candidate,
    /// Min-heap of (rank key, doc) so the worst is on top.
    heap: BinaryHeap<Reverse<(RankKey, DocId)>>,
    scored: u64,
}

impl Collector for TopCandidates {
    type Fruit = (Vec<(RankKey, DocAddress)>, u64);
    type Child = SegmentTop;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        Ok(SegmentTop {
            req: self.req.clone(),
            weights: self.weights,
            reach: self.reach,
            limit: self.limit,
            today: self.today,
            columns: Columns::open(reader)?,
            segment,
            scratch: Candidate::default(),
            heap: BinaryHeap::with_capacity(self.limit + 1),
            scored: 0,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(
        &self,
        fruits: Vec<(Vec<(RankKey, DocAddress)>, u64)>,
    ) -> tantivy::Result<Self::Fruit> {
        let scored = fruits.iter().map(|f| f.1).sum();
        let mut all: Vec<(RankKey, DocAddress)> = fruits.into_iter().flat_map(|f| f.0).collect();
        all.sort_by_key(|entry| Reverse(entry.0));
        all.truncate(self.limit);
        Ok((all, scored))
    }
}

impl SegmentCollector for SegmentTop {
    type Fruit = (Vec<(RankKey, DocAddress)>, u64);

    fn collect(&mut self, doc: DocId, _score: Score) {
        let req = &*self.req;
        self.columns.fill_head(doc, &mut self.scratch);
        let c = &self.scratch;
        if !score::passes(req, c) || !within(self.reach, req.department, c.department) {
            return;
        }
        self.scored += 1;
        // A full top only takes someone who beats its last. The tie-break is known from
        // the head columns, so a candidate whose best score only equals the last's is
        // skipped too when its tie-break is lower.
        let tie = score::TieBreak::of(c, self.today).key();
        let worst = (self.heap.len() >= self.limit)
            .then(|| self.heap.peek().map(|Reverse((key, _))| *key))
            .flatten();
        if let Some((worst_score, worst_tie, _)) = worst {
            let best = score::tenths(score::upper_bound(req, c, &self.weights));
            if best < worst_score || (best == worst_score && tie < worst_tie) {
                return;
            }
        }
        self.columns.fill_lists(doc, &mut self.scratch);
        let tenths = score::tenths(score::factors(req, &self.scratch).score(&self.weights));
        if let Some((worst_score, worst_tie, _)) = worst
            && (tenths, tie) < (worst_score, worst_tie)
        {
            return;
        }
        // The id (two more column reads) only for who may enter the top.
        let id = self.columns.id(doc).map_or(u128::MAX, |u| u.as_u128());
        let entry = Reverse(((tenths, tie, Reverse(id)), doc));
        if self.heap.len() < self.limit {
            self.heap.push(entry);
        } else if let Some(worst) = self.heap.peek()
            && entry < *worst
        {
            self.heap.pop();
            self.heap.push(entry);
        }
    }

    fn harvest(self) -> Self::Fruit {
        let segment = self.segment;
        let items = self
            .heap
            .into_iter()
            .map(|Reverse((key, doc))| (key, DocAddress::new(segment, doc)))
            .collect();
        (items, self.scored)
    }
}

fn match_query(
    index: &PersonIndex,
    req: &Requirements,
    filters: &MatchFilters,
) -> Result<Box<dyn Query>, SearchError> {
    let field = |name: &str| {
        index
            .field(name)
            .ok_or_else(|| SearchError::Directory(format!("the index has no {name} field")))
    };
    let (looking, placed, isco) = (field(LOOKING)?, field(PLACED)?, field(ISCO)?);
    {
        let term = |field: Field, value: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, value),
                IndexRecordOption::Basic,
            ))
        };
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![
            (Occur::Must, term(looking, "1")),
            (Occur::MustNot, term(placed, "1")),
        ];
        if let Some(scope) = index.office_clause(filters.offices.as_deref()) {
            clauses.push((Occur::Must, scope));
        }
        let digits = filters.occupation_digits.min(4);
        if digits > 0 && req.unit_group > 0 {
            let terms = isco_terms(req.unit_group);
            let wanted = &terms[usize::from(4 - digits)];
            clauses.push((
                Occur::Must,
                Box::new(TermSetQuery::new([Term::from_field_text(isco, wanted)])),
            ));
        }
        if clauses.is_empty() {
            return Ok(Box::new(AllQuery));
        }
        Ok(Box::new(BooleanQuery::new(clauses)))
    }
}

/// The best `limit` candidates for a vacancy.
pub fn match_candidates(
    index: &PersonIndex,
    req: &Requirements,
    filters: &MatchFilters,
    weights: &Weights,
    limit: usize,
    today: chrono::NaiveDate,
) -> Result<Ranking, SearchError> {
    use chrono::Datelike;
    let today = u32::try_from(today.num_days_from_ce()).unwrap_or_default();
    {
        let searcher = index.searcher();
        let query = match_query(index, req, filters)?;
        let collector = TopCandidates {
            req: Arc::new(req.clone()),
            weights: weights.clamped(),
            reach: filters.reach,
            limit: limit.max(1),
            today,
        };
        let (top, scored) = searcher.search(&query, &collector)?;
        let mut columns: Vec<Option<Columns>> = (0..searcher.segment_readers().len())
            .map(|_| None)
            .collect();
        let mut items = Vec::with_capacity(top.len());
        for (key, address) in top {
            let slot = &mut columns[address.segment_ord as usize];
            if slot.is_none() {
                *slot = Some(Columns::open(searcher.segment_reader(address.segment_ord))?);
            }
            let Some(cols) = slot.as_ref() else { continue };
            let Some(person_id) = cols.id(address.doc_id) else {
                continue;
            };
            let mut candidate = Candidate::default();
            cols.fill(address.doc_id, &mut candidate);
            items.push((
                key,
                Ranked {
                    person_id,
                    score: score::factors(req, &candidate).score(weights),
                    tie_break: score::TieBreak::of(&candidate, today),
                    candidate,
                },
            ));
        }
        items.sort_by(|(a, _), (b, _)| b.cmp(a));
        let items = items.into_iter().map(|(_, r)| r).collect();
        Ok(Ranking { items, scored })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sipe_persons::search::PersonDoc;

    fn today() -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
    }

    fn doc(office: Uuid, candidate: Candidate, looking: bool) -> PersonDoc {
        PersonDoc {
            id: Uuid::now_v7(),
            office_id: office,
            name: "x".into(),
            sex: "F".into(),
            active: true,
            birth_days: 726_000,
            department: None,
            education: None,
            employment: None,
            disability: false,
            occupations: Vec::new(),
            extra: candidate_values(&candidate, looking, false),
        }
    }

    #[test]
    fn candidates_round_trip_through_the_fast_columns_and_rank_by_score() {
        let index = PersonIndex::in_memory(vec![Arc::new(MatchingFields)]).unwrap();
        let office = Uuid::now_v7();
        let other = Uuid::now_v7();
        let best = Candidate {
            unit_groups: vec![9321],
            experience: vec![(9321, 24)],
            skills: vec![7, 9],
            education: Some(3),
            licences: 0b10,
            languages: vec![(1, 3)],
            department: Some(90084),
            hours: score::HOURS_ANY,
            contracts: 0b100,
            salary_expectation: Some(800_000),
            ..Default::default()
        };
        let near = Candidate {
            unit_groups: vec![9329],
            department: Some(90119),
            ..Default::default()
        };
        let far = Candidate {
            unit_groups: vec![9312],
            department: Some(6_007),
            ..Default::default()
        };
        let docs = vec![
            doc(office, best.clone(), true),
            doc(office, near.clone(), true),
            doc(office, far, true),
            doc(office, best.clone(), false),
            doc(other, best.clone(), true),
        ];
        index.upsert(&docs, None).unwrap();
        let req = Requirements {
            unit_group: 9321,
            required_skills: vec![7],
            department: Some(90084),
            ..Default::default()
        };
        let filters = MatchFilters {
            offices: Some(vec![office]),
            occupation_digits: 2,
            reach: Reach::Anywhere,
        };
        let r = match_candidates(&index, &req, &filters, &Weights::default(), 10, today()).unwrap();
        assert_eq!(r.scored, 3, "not looking and other office left out");
        let ids: Vec<Uuid> = r.items.iter().map(|i| i.person_id).collect();
        assert_eq!(ids, [docs[0].id, docs[1].id, docs[2].id]);
        assert_eq!(r.items[0].candidate, best, "read back as written");
        assert_eq!(r.items[1].candidate, near);
        let expected = score::factors(&req, &best).score(&Weights::default());
        assert!((r.items[0].score - expected).abs() < 1e-4);

        let same_province = MatchFilters {
            reach: Reach::Province,
            ..filters.clone()
        };
        let r = match_candidates(
            &index,
            &req,
            &same_province,
            &Weights::default(),
            10,
            today(),
        )
        .unwrap();
        assert_eq!(r.items.len(), 2, "Buenos Aires is out of reach");
        let minor = MatchFilters {
            occupation_digits: 3,
            ..filters
        };
        let r = match_candidates(&index, &req, &minor, &Weights::default(), 1, today()).unwrap();
        assert_eq!(r.scored, 2);
        assert_eq!(r.items.len(), 1, "limit");
        assert_eq!(r.items[0].person_id, docs[0].id);
    }

    #[test]
    fn equal_scores_are_ordered_by_recent_contact_then_months_unemployed() {
        use chrono::Datelike;
        let index = PersonIndex::in_memory(vec![Arc::new(MatchingFields)]).unwrap();
        let office = Uuid::now_v7();
        let day = |y, m, d| {
            chrono::NaiveDate::from_ymd_opt(y, m, d)
                .unwrap()
                .num_days_from_ce() as u32
        };
        let base = Candidate {
            unit_groups: vec![9321],
            department: Some(90084),
            ..Default::default()
        };
        let with = |contact: u32, unemployed: u32| Candidate {
            last_contact_day: contact,
            unemployed_since_day: unemployed,
            ..base.clone()
        };
        let docs = vec![
            doc(office, with(day(2026, 6, 1), day(2020, 1, 1)), true), // old contact
            doc(office, with(day(2026, 11, 20), 0), true),             // recent, employed
            doc(office, with(day(2026, 11, 10), day(2024, 1, 1)), true), // recent, long
            doc(office, with(day(2026, 11, 25), day(2026, 6, 1)), true), // recent, short
        ];
        index.upsert(&docs, None).unwrap();
        let req = Requirements {
            unit_group: 9321,
            department: Some(90084),
            ..Default::default()
        };
        let filters = MatchFilters {
            offices: None,
            occupation_digits: 0,
            reach: Reach::Anywhere,
        };
        let r = match_candidates(&index, &req, &filters, &Weights::default(), 10, today()).unwrap();
        let scores: Vec<f32> = r.items.iter().map(|i| i.score).collect();
        assert!(scores.iter().all(|s| *s == scores[0]), "a tie: {scores:?}");
        let ids: Vec<Uuid> = r.items.iter().map(|i| i.person_id).collect();
        assert_eq!(ids, [docs[2].id, docs[3].id, docs[1].id, docs[0].id]);
        assert_eq!(r.items[0].tie_break.months_unemployed(), 35);
        assert_eq!(r.items[3].tie_break.days_since_contact, 181);
        // Paging deeper keeps the order: the top 2 are the first two of the top 4.
        let r2 = match_candidates(&index, &req, &filters, &Weights::default(), 2, today()).unwrap();
        assert_eq!(
            r2.items.iter().map(|i| i.person_id).collect::<Vec<_>>(),
            ids[..2]
        );
    }

    #[test]
    fn skipping_by_the_upper_bound_keeps_the_true_top() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let index = PersonIndex::in_memory(vec![Arc::new(MatchingFields)]).unwrap();
        let office = Uuid::now_v7();
        let groups = [9321, 9329, 9312, 7112, 5223];
        let candidates: Vec<Candidate> = (0..400)
            .map(|_| {
                let g = groups[rng.random_range(0..groups.len())];
                Candidate {
                    unit_groups: vec![g],
                    experience: vec![(g, rng.random_range(0..30))],
                    skills: (0..rng.random_range(0..4))
                        .map(|_| rng.random_range(1..6))
                        .collect(),
                    education: Some(rng.random_range(0..6)),
                    licences: rng.random_range(0..4),
                    languages: vec![(1, rng.random_range(0..6))],
                    department: Some([90084, 90119, 6007][rng.random_range(0..3)]),
                    hours: rng.random_range(0..4),
                    contracts: rng.random_range(0..8),
                    salary_expectation: None,
                    last_contact_day: rng.random_range(738_000..739_000),
                    unemployed_since_day: rng.random_range(0..739_000),
                    certified: Vec::new(),
                }
            })
            .map(|mut c: Candidate| {
                // Some skills certified: the flag travels through the index.
                c.skills.sort_unstable();
                c.skills.dedup();
                c.certified = c.skills.iter().copied().filter(|s| s % 2 == 0).collect();
                c
            })
            .collect();
        let docs: Vec<PersonDoc> = candidates
            .iter()
            .map(|c| doc(office, c.clone(), true))
            .collect();
        index.upsert(&docs, None).unwrap();
        let req = Requirements {
            unit_group: 9321,
            required_skills: vec![1, 2],
            desired_skills: vec![3],
            education_min: Some(3),
            experience_months: Some(12),
            languages: vec![(1, 3)],
            department: Some(90084),
            hours: score::HOURS_FULL,
            ..Default::default()
        };
        let filters = MatchFilters {
            offices: None,
            occupation_digits: 0,
            reach: Reach::Anywhere,
        };
        let w = Weights::default();
        let r = match_candidates(&index, &req, &filters, &w, 12, today()).unwrap();
        assert_eq!(r.scored, 400, "everyone passes, skipped or not");
        let mut all: Vec<f32> = candidates
            .iter()
            .map(|c| score::factors(&req, c).score(&w))
            .collect();
        all.sort_by(|a, b| b.total_cmp(a));
        // Ranked by the score as shown (tenths), equal ones by the tie-break.
        let got: Vec<u32> = r.items.iter().map(|i| score::tenths(i.score)).collect();
        let want: Vec<u32> = all[..12].iter().map(|s| score::tenths(*s)).collect();
        assert_eq!(got, want);
    }
}
