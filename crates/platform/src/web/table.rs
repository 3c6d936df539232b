//! The reusable paginated, sortable table: query parameters in, links and labels out.

use serde::Deserialize;

/// Page, size and sort as they arrive in the query string. Numbers are kept as text
/// (serde cannot parse numbers inside flattened query structs) and parsed leniently:
/// a malformed page number means the first page, not an error page.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ListQuery {
    /// 1-based page.
    pub page: Option<String>,
    /// Rows per page (capped).
    pub per_page: Option<String>,
    /// Column key to sort by (whitelisted by each list).
    pub sort: Option<String>,
    /// `asc` or `desc`.
    pub dir: Option<String>,
}

/// Largest page size any list serves.
pub const MAX_PER_PAGE: u64 = 100;

/// Most rows one CSV export of a list writes.
pub const EXPORT_MAX: u64 = 100_000;

/// Deepest row any list, export or API page reaches: a page ending beyond it is refused
/// (422 on `page`) and never reaches the database or the search index, which would
/// otherwise reserve room for every row skipped.
pub const MAX_DEPTH: u64 = EXPORT_MAX;

/// A page ending beyond [`MAX_DEPTH`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("page {page} is beyond the first {MAX_DEPTH} results; refine the search")]
pub struct PageTooDeep {
    /// The page asked for.
    pub page: u64,
}

/// A page of `query`, ordered by the pager's direction on `col` then by `id` (so pages
/// agree), and the total over every page.
pub async fn page_of<E>(
    conn: &impl sea_orm::ConnectionTrait,
    query: sea_orm::Select<E>,
    col: E::Column,
    id: E::Column,
    pager: &Pager,
) -> Result<(Vec<E::Model>, u64), sea_orm::DbErr>
where
    E: sea_orm::EntityTrait,
    E::Model: Send + Sync,
{
    use sea_orm::{PaginatorTrait, QueryOrder, QuerySelect};
    let total = query.clone().count(conn).await?;
    let order = if pager.desc {
        sea_orm::Order::Desc
    } else {
        sea_orm::Order::Asc
    };
    let rows = query
        .order_by(col, order)
        .order_by_asc(id)
        .offset(pager.offset())
        .limit(pager.per_page)
        .all(conn)
        .await?;
    Ok((rows, total))
}

/// Every word of the search text (folded, bounded) within the folded column.
pub fn every_word_in(col: impl sea_orm::ColumnTrait, q: &str) -> sea_orm::Condition {
    let mut cond = sea_orm::Condition::all();
    for word in crate::text::bounded_words(crate::text::fold(q).split_whitespace()) {
        cond = cond.add(col.like(format!("%{word}%")));
    }
    cond
}

impl ListQuery {
    /// Paging and sorting as an API query gives them (already numbers).
    pub fn from_api(
        page: Option<u64>,
        per_page: Option<u64>,
        sort: Option<String>,
        dir: Option<String>,
    ) -> Self {
        Self {
            page: page.map(|n| n.to_string()),
            per_page: per_page.map(|n| n.to_string()),
            sort,
            dir,
        }
    }
}

/// Walks a list's pages for an export: the largest pages, in the list's default order,
/// until the rows run out or `EXPORT_MAX` is reached.
///
/// ```text
/// let mut pages = ExportPages::new("/vacancies.csv", &SORTS, true);
/// while let Some(pager) = pages.next_page() {
///     let (rows, total) = list(&db, &access, &filter, &pager).await?;
///     // write rows
///     pages.read(rows.len(), total);
/// }
/// ```
pub struct ExportPages {
    base: String,
    sorts: Vec<String>,
    desc: bool,
    page: u64,
    done: bool,
}

impl ExportPages {
    /// Pages of the list at `base` sorted by the first of `sorts`.
    pub fn new(base: &str, sorts: &[&str], default_desc: bool) -> Self {
        Self {
            base: base.to_owned(),
            sorts: sorts.iter().map(|s| (*s).to_owned()).collect(),
            desc: default_desc,
            page: 0,
            done: false,
        }
    }

    /// The next page to read, or `None` when the export is complete.
    pub fn next_page(&mut self) -> Option<Pager> {
        if self.done {
            return None;
        }
        self.page += 1;
        let sorts: Vec<&str> = self.sorts.iter().map(String::as_str).collect();
        // Never too deep: an export stops at `EXPORT_MAX`, which is `MAX_DEPTH`.
        Pager::new(
            &self.base,
            &ListQuery {
                page: Some(self.page.to_string()),
                per_page: Some(MAX_PER_PAGE.to_string()),
                ..Default::default()
            },
            &sorts,
            self.desc,
        )
        .ok()
    }

    /// Records what the last page held: `rows` of a `total`.
    pub fn read(&mut self, rows: usize, total: u64) {
        self.done = rows == 0 || self.page * MAX_PER_PAGE >= total.min(EXPORT_MAX);
    }
}

/// A validated list request and its result size, rendered by `partials/pager.html`.
#[derive(Debug, Clone)]
pub struct Pager {
    /// 1-based page.
    pub page: u64,
    /// Rows per page.
    pub per_page: u64,
    /// Rows matching the filters.
    pub total: u64,
    /// Column key sorted by.
    pub sort: String,
    /// Sorting descending?
    pub desc: bool,
    /// Path of the list.
    pub base: String,
    /// Filter parameters to keep in every link.
    pub keep: Vec<(String, String)>,
}

impl Pager {
    /// Validates the query against the sortable `columns` (the first is the default).
    /// A malformed page number means the first page; a page ending beyond [`MAX_DEPTH`]
    /// is refused.
    pub fn new(
        base: &str,
        q: &ListQuery,
        columns: &[&str],
        default_desc: bool,
    ) -> Result<Pager, PageTooDeep> {
        let sort = q
            .sort
            .as_deref()
            .filter(|s| columns.contains(s))
            .unwrap_or(columns.first().copied().unwrap_or("id"))
            .to_owned();
        let page = page_number(&q.page);
        let per_page = number(&q.per_page).unwrap_or(25).clamp(1, MAX_PER_PAGE);
        if page.saturating_mul(per_page) > MAX_DEPTH {
            return Err(PageTooDeep { page });
        }
        Ok(Pager {
            page,
            per_page,
            total: 0,
            desc: match q.dir.as_deref() {
                Some("desc") => true,
                Some("asc") => false,
                _ => default_desc,
            },
            sort,
            base: base.to_owned(),
            keep: Vec::new(),
        })
    }

    /// Keeps a filter parameter (when not empty) in every generated link.
    pub fn keep(mut self, key: &str, value: &str) -> Self {
        if !value.is_empty() {
            self.keep.push((key.to_owned(), value.to_owned()));
        }
        self
    }

    /// Rows to skip.
    pub fn offset(&self) -> u64 {
        (self.page - 1) * self.per_page
    }

    /// Number of pages that can be shown (at least 1; never beyond [`MAX_DEPTH`]).
    pub fn pages(&self) -> u64 {
        self.total.min(MAX_DEPTH).div_ceil(self.per_page).max(1)
    }

    /// Link to page `page` with the current sort.
    pub fn href(&self, page: u64) -> String {
        self.link(page, &self.sort, self.desc)
    }

    /// Link that sorts by `col` (toggling direction when already sorted by it).
    pub fn sort_href(&self, col: &str) -> String {
        let desc = if self.sort == col { !self.desc } else { false };
        self.link(1, col, desc)
    }

    /// `aria-sort` value of a column header.
    pub fn aria_sort(&self, col: &str) -> &'static str {
        match (self.sort == col, self.desc) {
            (false, _) => "none",
            (true, false) => "ascending",
            (true, true) => "descending",
        }
    }

    /// The header of a sortable column: a link that sorts by it (or reverses the order),
    /// with `aria-sort` and the arrow of the current order.
    pub fn th(&self, col: &str, label: impl std::fmt::Display) -> SortHeader {
        SortHeader {
            href: self.sort_href(col),
            aria_sort: self.aria_sort(col),
            arrow: self.arrow(col),
            label: label.to_string(),
        }
    }

    /// Arrow shown beside the sorted header.
    pub fn arrow(&self, col: &str) -> &'static str {
        match (self.sort == col, self.desc) {
            (false, _) => "",
            (true, false) => "▲",
            (true, true) => "▼",
        }
    }

    /// Is there a previous page?
    pub fn has_prev(&self) -> bool {
        self.page > 1
    }

    /// Is there a next page?
    pub fn has_next(&self) -> bool {
        self.page < self.pages()
    }

    /// Link to the previous page.
    pub fn prev_href(&self) -> String {
        self.href(self.page.saturating_sub(1).max(1))
    }

    /// Link to the next page.
    pub fn next_href(&self) -> String {
        self.href(self.page + 1)
    }

    /// The kept filters as a JSON object (for an export's audit row).
    pub fn filters(&self) -> serde_json::Value {
        self.keep
            .iter()
            .map(|(k, v)| (k.clone(), serde_json::Value::from(v.as_str())))
            .collect::<serde_json::Map<_, _>>()
            .into()
    }

    /// Links to the same list's export (`base.csv`, `base.xlsx`) with its filters.
    pub fn export_links(&self, base: &str, testid: &'static str) -> super::export::ExportLinks {
        super::export::ExportLinks::new(
            base,
            self.keep.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            testid,
        )
    }

    fn link(&self, page: u64, sort: &str, desc: bool) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in &self.keep {
            s.append_pair(k, v);
        }
        s.append_pair("sort", sort);
        s.append_pair("dir", if desc { "desc" } else { "asc" });
        s.append_pair("page", &page.to_string());
        if self.per_page != 25 {
            s.append_pair("per_page", &self.per_page.to_string());
        }
        format!("{}?{}", self.base, s.finish())
    }
}

/// A sortable column header (see [`Pager::th`]).
#[derive(askama::Template)]
#[template(
    source = r#"<th scope="col" aria-sort="{{ aria_sort }}"><a href="{{ href }}">{{ label }}{% if !arrow.is_empty() %} {{ arrow }}{% endif %}</a></th>"#,
    ext = "html"
)]
pub struct SortHeader {
    href: String,
    aria_sort: &'static str,
    arrow: &'static str,
    label: String,
}

// Its template escapes the label and the link.
impl askama::filters::HtmlSafe for SortHeader {}

fn number(s: &Option<String>) -> Option<u64> {
    s.as_deref().and_then(|v| v.trim().parse().ok())
}

/// A page number: digits too many for a `u64` are a very deep page, anything else that is
/// not a number is the first page.
fn page_number(s: &Option<String>) -> u64 {
    let Some(v) = s.as_deref().map(str::trim).filter(|v| !v.is_empty()) else {
        return 1;
    };
    if v.bytes().all(|b| b.is_ascii_digit()) {
        v.parse().unwrap_or(u64::MAX).max(1)
    } else {
        1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_export_reads_every_page_up_to_its_limit() {
        let pages = |total: u64| {
            let mut p = ExportPages::new("/x.csv", &["name"], false);
            let mut seen = Vec::new();
            while let Some(pager) = p.next_page() {
                assert_eq!(pager.per_page, MAX_PER_PAGE);
                let rows = total.saturating_sub(pager.offset()).min(MAX_PER_PAGE);
                seen.push(pager.page);
                p.read(rows as usize, total);
            }
            seen
        };
        assert_eq!(pages(0), [1]);
        assert_eq!(pages(100), [1]);
        assert_eq!(pages(101), [1, 2]);
        assert_eq!(pages(250_000).len() as u64, EXPORT_MAX / MAX_PER_PAGE);
    }

    #[test]
    fn no_page_ends_beyond_the_depth_limit() {
        let at = |page: &str, per_page: &str| {
            Pager::new(
                "/x",
                &ListQuery {
                    page: Some(page.into()),
                    per_page: Some(per_page.into()),
                    ..Default::default()
                },
                &["code"],
                false,
            )
        };
        assert_eq!(at("1000", "100").unwrap().offset(), MAX_DEPTH - 100);
        assert_eq!(at("1001", "100").unwrap_err().page, 1001);
        assert_eq!(at("4000", "25").unwrap().page, 4000);
        assert!(at("4001", "25").is_err());
        assert!(at("10000000000", "25").is_err());
        assert_eq!(
            at("99999999999999999999999999", "25").unwrap_err().page,
            u64::MAX
        );
        assert_eq!(at("abc", "25").unwrap().page, 1, "not a number: first page");
        let mut p = at("1", "100").unwrap();
        p.total = 5_000_000;
        assert_eq!(p.pages(), MAX_DEPTH / 100, "links stop at the limit");
    }

    #[test]
    fn unknown_sort_column_falls_back_to_the_first() {
        let q = ListQuery {
            sort: Some("password_hash".into()),
            ..Default::default()
        };
        let p = Pager::new("/x", &q, &["code", "name"], false).unwrap();
        assert_eq!(p.sort, "code");
    }

    #[test]
    fn page_size_is_capped_and_pages_round_up() {
        let q = ListQuery {
            per_page: Some("10000".into()),
            page: Some("0".into()),
            ..Default::default()
        };
        let mut p = Pager::new("/x", &q, &["code"], false).unwrap();
        assert_eq!(p.per_page, MAX_PER_PAGE);
        assert_eq!(p.page, 1);
        p.total = 201;
        assert_eq!(p.pages(), 3);
        assert!(p.has_next());
    }

    #[test]
    fn links_keep_filters_and_toggle_direction() {
        let q = ListQuery {
            sort: Some("name".into()),
            ..Default::default()
        };
        let p = Pager::new("/offices", &q, &["code", "name"], false)
            .unwrap()
            .keep("q", "capital");
        assert_eq!(
            p.sort_href("name"),
            "/offices?q=capital&sort=name&dir=desc&page=1"
        );
        assert_eq!(p.aria_sort("name"), "ascending");
        assert_eq!(p.aria_sort("code"), "none");
    }

    #[test]
    fn a_sortable_header_links_marks_and_escapes() {
        let q = ListQuery {
            sort: Some("name".into()),
            ..Default::default()
        };
        let p = Pager::new("/offices", &q, &["code", "name"], false)
            .unwrap()
            .keep("q", "a&b");
        assert_eq!(
            p.th("name", "Nombre <b>").to_string(),
            "<th scope=\"col\" aria-sort=\"ascending\"><a href=\"/offices?q=a%26b&#38;sort=name&#38;dir=desc&#38;page=1\">Nombre &#60;b&#62; ▲</a></th>"
        );
        assert!(
            p.th("code", "Código")
                .to_string()
                .contains("aria-sort=\"none\"")
        );
    }
}
