//! Full-text search over people with tantivy: one index per node, in the data dir,
//! derived from the database and rebuildable (`sipe reindex`), checked by `sipe check`.
//!
//! Names are tokenised, lowercased and accent-folded; each query word matches exactly or
//! within a small edit distance, in any order. Document numbers and CUILs are not here:
//! the database answers them exactly from its unique indexes.
//! The caller's scope is a filter inside the query, so nothing outside it is ever counted
//! or returned.

pub mod indexer;

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::{Arc, Mutex};

use tantivy::collector::{Count, TopDocs};
use tantivy::directory::MmapDirectory;
use tantivy::query::{
    BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query, RangeQuery, TermQuery, TermSetQuery,
};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, OwnedValue, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions, Value,
};
use tantivy::tokenizer::{AsciiFoldingFilter, LowerCaser, SimpleTokenizer, TextAnalyzer};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};
use uuid::Uuid;

const NAME_ANALYZER: &str = "name_es";

/// Folder of the people index under `<data dir>/index`. The version changes with the
/// schema: a node upgraded to a new schema builds a fresh index from the database (the
/// follower starts from an empty watermark) and the old folder can be deleted.
pub const PERSONS_INDEX_DIR: &str = "persons-v4";

/// Why the index failed.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// Tantivy's own error.
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    /// The index folder could not be opened.
    #[error("search index folder: {0}")]
    Directory(String),
    /// Another process (a running server) writes to this index.
    #[error("the search index is in use by another sipe process (stop the server first)")]
    Busy,
    /// Opened for reading only.
    #[error("the search index was opened for reading only")]
    ReadOnly,
    /// The persons module was not started in this application.
    #[error("the people index was not opened (the persons module did not start)")]
    NotStarted,
    /// A page beyond the deepest one any list serves (`web::table::MAX_DEPTH`).
    #[error(
        "search results beyond the first {} were asked for",
        sipe_platform::web::table::MAX_DEPTH
    )]
    TooDeep,
}

/// What the index holds about one person.
#[derive(Debug, Clone)]
pub struct PersonDoc {
    /// Person id.
    pub id: Uuid,
    /// Owning office.
    pub office_id: Uuid,
    /// Surnames, names and self-perceived name.
    pub name: String,
    /// Registered sex.
    pub sex: String,
    /// Merged records are kept out of results.
    pub active: bool,
    /// Birth date as days from the common era (for age ranges).
    pub birth_days: i64,
    /// Department territory code.
    pub department: Option<String>,
    /// ISCED level.
    pub education: Option<String>,
    /// Employment status.
    pub employment: Option<String>,
    /// Has a disability.
    pub disability: bool,
    /// ISCO-08 unit groups of the work history and desired occupations.
    pub occupations: Vec<String>,
    /// What other modules add (see [`IndexExtension`]), by field name.
    pub extra: Vec<(&'static str, OwnedValue)>,
}

/// What another module adds to every person's index entry (intermediation adds what
/// matching reads), contributed as `Arc<dyn IndexExtension>` through the module kit.
pub trait IndexExtension: Send + Sync {
    /// Declares its fields (after the index's own; names must not clash).
    fn declare(&self, schema: &mut tantivy::schema::SchemaBuilder);

    /// Its values for a batch of people, by person.
    fn values<'a>(
        &'a self,
        db: &'a sipe_platform::db::Db,
        batch: &'a IndexBatch<'a>,
    ) -> sipe_platform::module::BoxFuture<'a, anyhow::Result<HashMap<Uuid, ExtraValues>>>;
}

/// Values of an extension's fields for one person.
pub type ExtraValues = Vec<(&'static str, OwnedValue)>;

/// The extensions contributed to the people index.
pub type Extensions = Vec<Arc<dyn IndexExtension>>;

/// A batch of people being indexed, as the extensions see it.
pub struct IndexBatch<'a> {
    /// Their rows.
    pub rows: &'a [crate::search::indexer::IndexRow],
    /// Their profile items.
    pub items: &'a HashMap<sipe_platform::ids::PersonId, Vec<crate::profile::ItemParts>>,
    /// The day the entries describe.
    pub today: chrono::NaiveDate,
}

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    office: Field,
    name: Field,
    sex: Field,
    birth: Field,
    department: Field,
    education: Field,
    employment: Field,
    disability: Field,
    occupation: Field,
    id_hi: Field,
    id_lo: Field,
}

/// The two fast columns holding a segment's ids.
type IdColumns = (
    tantivy::columnar::Column<u64>,
    tantivy::columnar::Column<u64>,
);

/// Filters applied inside the query.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    /// Offices allowed (the caller's search scope); `None` for national scope.
    pub offices: Option<Vec<Uuid>>,
    /// Only this sex.
    pub sex: Option<String>,
    /// Born on or after this day (days from the common era).
    pub born_from: Option<i64>,
    /// Born on or before this day.
    pub born_to: Option<i64>,
    /// Only this department.
    pub department: Option<String>,
    /// Only this ISCED level.
    pub education: Option<String>,
    /// Only this employment status.
    pub employment: Option<String>,
    /// Only people with (true) or without (false) a disability.
    pub disability: Option<bool>,
    /// Only people with this ISCO-08 unit group in their history or wishes.
    pub occupation: Option<String>,
}

/// The people index of this node.
pub struct PersonIndex {
    index: Index,
    reader: IndexReader,
    /// `None` when opened for reading only (another process holds the writer).
    writer: Option<Mutex<IndexWriter>>,
    fields: Fields,
    /// The extensions' fields by name.
    extra_fields: HashMap<String, Field>,
    extensions: Extensions,
}

fn schema(extensions: &Extensions) -> (Schema, Fields) {
    let mut b = Schema::builder();
    let name_options = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(NAME_ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED),
        office: b.add_text_field("office", STRING),
        name: b.add_text_field("name", name_options),
        sex: b.add_text_field("sex", STRING),
        birth: b.add_i64_field("birth", INDEXED | FAST),
        department: b.add_text_field("department", STRING),
        education: b.add_text_field("education", STRING),
        employment: b.add_text_field("employment", STRING),
        disability: b.add_text_field("disability", STRING),
        occupation: b.add_text_field("occupation", STRING),
        // The id again as two fast columns: results read it without touching the
        // compressed document store.
        id_hi: b.add_u64_field("id_hi", FAST),
        id_lo: b.add_u64_field("id_lo", FAST),
    };
    for e in extensions {
        e.declare(&mut b);
    }
    (b.build(), fields)
}

/// The analyzer for names: words, lowercase, accents folded (`González` → `gonzalez`).
fn name_analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .build()
}

impl PersonIndex {
    /// Opens (or creates) the index in `dir` for reading and writing.
    pub fn open(dir: &Path, extensions: Extensions) -> Result<Self, SearchError> {
        Self::open_mode(dir, true, extensions)
    }

    /// Opens the index in `dir` for reading only (works while a server writes to it).
    pub fn open_read_only(dir: &Path, extensions: Extensions) -> Result<Self, SearchError> {
        Self::open_mode(dir, false, extensions)
    }

    fn open_mode(dir: &Path, write: bool, extensions: Extensions) -> Result<Self, SearchError> {
        std::fs::create_dir_all(dir)
            .map_err(|e| SearchError::Directory(format!("{}: {e}", dir.display())))?;
        let (schema, fields) = schema(&extensions);
        let directory =
            MmapDirectory::open(dir).map_err(|e| SearchError::Directory(e.to_string()))?;
        let index = match Index::open_or_create(directory, schema.clone()) {
            // The modules' fields changed (one was added or removed): the index is
            // derived data, so the old one is moved aside and a new one is built from the
            // database by the follower (its watermark starts empty).
            Err(tantivy::TantivyError::SchemaError(_)) if write => {
                let aside =
                    dir.with_extension(format!("replaced-{}", chrono::Utc::now().timestamp()));
                std::fs::rename(dir, &aside)
                    .and_then(|()| std::fs::create_dir_all(dir))
                    .map_err(|e| SearchError::Directory(format!("{}: {e}", dir.display())))?;
                tracing::warn!(old = %aside.display(), "people index fields changed; rebuilding it");
                let directory =
                    MmapDirectory::open(dir).map_err(|e| SearchError::Directory(e.to_string()))?;
                Index::open_or_create(directory, schema)?
            }
            other => other?,
        };
        Self::with_index(index, fields, write, extensions)
    }

    /// An index in memory (tests of the index itself).
    pub fn in_memory(extensions: Extensions) -> Result<Self, SearchError> {
        let (schema, fields) = schema(&extensions);
        Self::with_index(Index::create_in_ram(schema), fields, true, extensions)
    }

    fn with_index(
        index: Index,
        fields: Fields,
        write: bool,
        extensions: Extensions,
    ) -> Result<Self, SearchError> {
        index.tokenizers().register(NAME_ANALYZER, name_analyzer());
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let writer = if write {
            let w = index.writer(50_000_000).map_err(|e| match e {
                tantivy::TantivyError::LockFailure(..) => SearchError::Busy,
                other => SearchError::Tantivy(other),
            })?;
            Some(Mutex::new(w))
        } else {
            None
        };
        // Fields after the index's own are the extensions'.
        let own = usize::try_from(fields.id_lo.field_id()).unwrap_or(usize::MAX);
        let extra_fields = index
            .schema()
            .fields()
            .skip(own.saturating_add(1))
            .map(|(field, entry)| (entry.name().to_owned(), field))
            .collect();
        Ok(Self {
            index,
            reader,
            writer,
            fields,
            extra_fields,
            extensions,
        })
    }

    /// The extensions this index was opened with (the indexer asks them for values).
    pub fn extensions(&self) -> &Extensions {
        &self.extensions
    }

    /// A field by name (extensions find their own fields to query them).
    pub fn field(&self, name: &str) -> Option<Field> {
        self.index.schema().get_field(name).ok()
    }

    /// A searcher over the last commit.
    pub fn searcher(&self) -> tantivy::Searcher {
        self.reader.searcher()
    }

    fn writer(&self) -> Result<std::sync::MutexGuard<'_, IndexWriter>, SearchError> {
        self.writer
            .as_ref()
            .ok_or(SearchError::ReadOnly)?
            .lock()
            .map_err(|_| SearchError::Directory("writer lock poisoned".into()))
    }

    fn to_doc(&self, p: &PersonDoc) -> TantivyDocument {
        let f = self.fields;
        let mut d = TantivyDocument::default();
        d.add_text(f.id, p.id.to_string());
        let (hi, lo) = p.id.as_u64_pair();
        d.add_u64(f.id_hi, hi);
        d.add_u64(f.id_lo, lo);
        d.add_text(f.office, p.office_id.to_string());
        d.add_text(f.name, &p.name);
        d.add_text(f.sex, &p.sex);
        d.add_i64(f.birth, p.birth_days);
        for (field, value) in [
            (f.department, &p.department),
            (f.education, &p.education),
            (f.employment, &p.employment),
        ] {
            if let Some(v) = value {
                d.add_text(field, v);
            }
        }
        d.add_text(f.disability, if p.disability { "1" } else { "0" });
        for o in &p.occupations {
            d.add_text(f.occupation, o);
        }
        for (name, value) in &p.extra {
            let field = self.extra_fields.get(*name);
            // An extension gave a value for a field it did not declare.
            debug_assert!(field.is_some(), "undeclared index field {name}");
            if let Some(field) = field {
                d.add_field_value(*field, value);
            }
        }
        d
    }

    /// Replaces these people's entries (merged ones are removed) and commits, recording
    /// `watermark` (the last change seen) in the commit.
    pub fn upsert(&self, people: &[PersonDoc], watermark: Option<&str>) -> Result<(), SearchError> {
        let mut writer = self.writer()?;
        // One delete for the whole batch: tantivy applies each delete to every segment
        // at commit, so a million single-term deletes cost more than the indexing.
        let ids = people
            .iter()
            .map(|p| Term::from_field_text(self.fields.id, &p.id.to_string()));
        writer.delete_query(Box::new(TermSetQuery::new(ids)))?;
        for p in people {
            if p.active {
                writer.add_document(self.to_doc(p))?;
            }
        }
        let mut commit = writer.prepare_commit()?;
        if let Some(w) = watermark {
            commit.set_payload(w);
        }
        commit.commit()?;
        drop(writer);
        self.reader.reload()?;
        Ok(())
    }

    /// During a bulk load (`true`) segments are not merged in the background: the load
    /// ends with [`PersonIndex::compact`], which merges everything once.
    pub fn set_bulk(&self, bulk: bool) -> Result<(), SearchError> {
        let writer = self.writer()?;
        if bulk {
            writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
        } else {
            writer.set_merge_policy(Box::new(tantivy::indexer::LogMergePolicy::default()));
        }
        Ok(())
    }

    /// Merges every segment into one. A query visits each segment, so after a bulk load
    /// (dozens of commits) this makes searches several times faster.
    pub fn compact(&self) -> Result<(), SearchError> {
        let mut writer = self.writer()?;
        // A background merge may finish meanwhile and retire some of the segments
        // listed: list them again and retry.
        for attempt in 0.. {
            let segments = self.index.searchable_segment_ids()?;
            if segments.len() <= 1 {
                break;
            }
            match writer.merge(&segments).wait() {
                Ok(_) => break,
                Err(tantivy::TantivyError::InvalidArgument(_)) if attempt < 20 => {
                    std::thread::sleep(std::time::Duration::from_millis(200));
                }
                Err(e) => return Err(e.into()),
            }
        }
        writer.garbage_collect_files().wait()?;
        drop(writer);
        self.reader.reload()?;
        Ok(())
    }

    /// Number of segments (for `sipe check` and the benchmarks).
    pub fn segments(&self) -> usize {
        self.reader.searcher().segment_readers().len()
    }

    /// Empties the index (before a rebuild).
    pub fn clear(&self) -> Result<(), SearchError> {
        let mut writer = self.writer()?;
        writer.delete_all_documents()?;
        writer.commit()?;
        drop(writer);
        self.reader.reload()?;
        Ok(())
    }

    /// The watermark of the last commit (the newest change the index has seen).
    pub fn watermark(&self) -> Option<String> {
        self.index.load_metas().ok()?.payload
    }

    /// Number of people indexed.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Is the index empty?
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every id in the index (for `sipe check`).
    pub fn ids(&self) -> Result<HashSet<Uuid>, SearchError> {
        let searcher = self.reader.searcher();
        let mut out = HashSet::with_capacity(searcher.num_docs() as usize);
        for segment in searcher.segment_readers() {
            let store = segment
                .get_store_reader(64)
                .map_err(|e| SearchError::Directory(e.to_string()))?;
            for doc_id in segment.doc_ids_alive() {
                let doc: TantivyDocument = store.get(doc_id)?;
                if let Some(id) = doc
                    .get_first(self.fields.id)
                    .and_then(|v| v.as_str())
                    .and_then(|s| Uuid::parse_str(s).ok())
                {
                    out.insert(id);
                }
            }
        }
        Ok(out)
    }

    /// The scope clause: people of these offices (`None`: national, no clause).
    pub fn office_clause(&self, offices: Option<&[Uuid]>) -> Option<Box<dyn Query>> {
        let field = self.fields.office;
        match offices {
            None => None,
            // One office (most users): its posting list is skipped through, while a term
            // set first marks every person of its offices in a bit set.
            Some([office]) => Some(Box::new(TermQuery::new(
                Term::from_field_text(field, &office.to_string()),
                IndexRecordOption::Basic,
            ))),
            Some(offices) => {
                let terms = offices
                    .iter()
                    .map(|o| Term::from_field_text(field, &o.to_string()));
                Some(Box::new(TermSetQuery::new(terms)))
            }
        }
    }

    fn query(&self, searcher: &tantivy::Searcher, text: &str, filters: &Filters) -> Box<dyn Query> {
        let f = self.fields;
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        let mut analyzer = name_analyzer();
        // Bounded whatever the caller checked: each word costs a (maybe fuzzy) term query.
        let text: String = text
            .chars()
            .take(sipe_platform::text::MAX_SEARCH_CHARS)
            .collect();
        let mut stream = analyzer.token_stream(&text);
        let mut words = Vec::new();
        while let Some(t) = stream.next() {
            words.push(t.text.clone());
        }
        let bounded = sipe_platform::text::bounded_words(words.iter().map(String::as_str));
        let last = bounded.len().saturating_sub(1);
        for (i, word) in bounded.into_iter().enumerate() {
            let term = Term::from_field_text(f.name, &word);
            let letters = word.chars().count();
            // A short word that some name has ("juan", "paz") is taken as typed:
            // expanding it to every name one letter away costs more than anything
            // else in the query and rarely helps. Longer or unknown words are
            // matched within one or two edits ("gonzales" finds "gonzalez").
            let known = searcher.doc_freq(&term).unwrap_or(0) > 0;
            let distance = match letters {
                0..=3 => 0,
                4..=6 if known => 0,
                4..=7 => 1,
                _ => 2,
            };
            let exact = Box::new(TermQuery::new(term.clone(), IndexRecordOption::WithFreqs));
            // The word being typed may be the beginning of a name ("gonz", "villag"): it
            // matches as typed (within its edits) or as a prefix, the typed word first.
            // A last word that is itself a name ("juan") is matched as before: the prefix
            // would only add the cost of a union on the common full-name search.
            if i == last && letters >= 2 && !known {
                let typed: Box<dyn Query> = if distance == 0 {
                    Box::new(BoostQuery::new(exact, 2.0))
                } else {
                    Box::new(BooleanQuery::new(vec![
                        (
                            Occur::Should,
                            Box::new(FuzzyTermQuery::new(term.clone(), distance, true)),
                        ),
                        (Occur::Should, Box::new(BoostQuery::new(exact, 2.0))),
                    ]))
                };
                let prefix = Box::new(FuzzyTermQuery::new_prefix(term, 0, true));
                clauses.push((
                    Occur::Must,
                    Box::new(BooleanQuery::new(vec![
                        (Occur::Should, typed),
                        (Occur::Should, prefix),
                    ])),
                ));
                continue;
            }
            if distance == 0 {
                clauses.push((Occur::Must, exact));
            } else {
                // The fuzzy set (which includes the word as typed) must match; the
                // exact word only adds to the score. An optional clause is only
                // looked at for documents the required ones matched, far cheaper
                // than a union of both.
                clauses.push((
                    Occur::Must,
                    Box::new(FuzzyTermQuery::new(term, distance, true)),
                ));
                clauses.push((Occur::Should, Box::new(BoostQuery::new(exact, 2.0))));
            }
        }
        if let Some(clause) = self.office_clause(filters.offices.as_deref()) {
            clauses.push((Occur::Must, clause));
        }
        let exact = |field, value: &str| -> (Occur, Box<dyn Query>) {
            (
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_text(field, value),
                    IndexRecordOption::Basic,
                )),
            )
        };
        let text_filters = [
            (f.sex, filters.sex.as_deref()),
            (f.department, filters.department.as_deref()),
            (f.education, filters.education.as_deref()),
            (f.employment, filters.employment.as_deref()),
            (f.occupation, filters.occupation.as_deref()),
            (
                f.disability,
                filters.disability.map(|d| if d { "1" } else { "0" }),
            ),
        ];
        for (field, value) in text_filters {
            if let Some(v) = value {
                clauses.push(exact(field, v));
            }
        }
        if filters.born_from.is_some() || filters.born_to.is_some() {
            let bound = |v: Option<i64>| match v {
                Some(d) => std::ops::Bound::Included(Term::from_field_i64(f.birth, d)),
                None => std::ops::Bound::Unbounded,
            };
            clauses.push((
                Occur::Must,
                Box::new(RangeQuery::new(
                    bound(filters.born_from),
                    bound(filters.born_to),
                )),
            ));
        }
        if clauses.is_empty() {
            return Box::new(tantivy::query::AllQuery);
        }
        Box::new(BooleanQuery::new(clauses))
    }

    /// Best matches first: (ids of the page, total matches).
    pub fn search(
        &self,
        text: &str,
        filters: &Filters,
        offset: usize,
        limit: usize,
    ) -> Result<(Vec<Uuid>, usize), SearchError> {
        // The collector reserves room for offset + limit hits up front.
        let deepest =
            sipe_platform::web::table::MAX_DEPTH + sipe_platform::web::table::MAX_PER_PAGE;
        if offset.saturating_add(limit) as u64 > deepest {
            return Err(SearchError::TooDeep);
        }
        let searcher = self.reader.searcher();
        let query = self.query(&searcher, text, filters);
        let (top, total) = searcher.search(
            &query,
            &(
                TopDocs::with_limit(limit.max(1))
                    .and_offset(offset)
                    .order_by_score(),
                Count,
            ),
        )?;
        // Open each segment's id columns once per query, not once per hit.
        let mut columns: Vec<Option<IdColumns>> = vec![None; searcher.segment_readers().len()];
        let mut ids = Vec::with_capacity(top.len());
        for (_, address) in top {
            let slot = &mut columns[address.segment_ord as usize];
            if slot.is_none() {
                let fast = searcher.segment_reader(address.segment_ord).fast_fields();
                *slot = Some((fast.u64("id_hi")?, fast.u64("id_lo")?));
            }
            if let Some((hi, lo)) = slot
                && let (Some(hi), Some(lo)) = (hi.first(address.doc_id), lo.first(address.doc_id))
            {
                ids.push(Uuid::from_u64_pair(hi, lo));
            }
        }
        Ok((ids, total))
    }
}

impl From<SearchError> for sipe_platform::web::WebError {
    fn from(e: SearchError) -> Self {
        sipe_platform::web::WebError::Internal(e.into())
    }
}

#[cfg(test)]
mod tests;
