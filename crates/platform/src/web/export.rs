//! The one way a list leaves sipe as a file: CSV or XLSX, the same columns in both,
//! one row limit for every export and one audit row per download.
//!
//! ```text
//! let mut out = Export::new(format, "ofertas", &HEADER)
//!     .audit("vacancy.export", "vacancy_list", filters_json)
//!     .back_to(&list_href);
//! let mut pages = ExportPages::new("/vacancies.csv", &SORTS, true);
//! while let Some(pager) = pages.next_page() {
//!     let (rows, total) = list(&db, &access, &filter, &pager).await?;
//!     if !out.expect(total) { break; }
//!     for v in &rows { out.row([...]); }
//!     pages.read(rows.len(), total);
//! }
//! out.respond(&state, &audit).await
//! ```
//!
//! More rows than [`EXPORT_MAX`] are refused, never cut: the reader goes back to the
//! list with a message asking for narrower filters (a file silently missing rows would
//! be taken for the whole list). CSV cells go through the formula-injection rule of
//! [`crate::csv_export`]; XLSX cells are written as text (a text cell is never
//! evaluated, and document numbers keep their leading zeros) except the columns an
//! export declares numeric.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::page::redirect_with_flash;
use super::table::EXPORT_MAX;
use super::{AppState, WebError};
use crate::audit::{AuditCtx, Change};

/// The file format, taken from the address's extension (`.xlsx`, otherwise CSV), so one
/// handler serves `/x.csv` and `/x.xlsx`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated UTF-8.
    Csv,
    /// An Excel workbook.
    Xlsx,
}

impl Format {
    /// The file extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }

    fn mime(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    /// The format of a request path.
    pub fn of_path(path: &str) -> Self {
        if path.ends_with(".xlsx") {
            Format::Xlsx
        } else {
            Format::Csv
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Format {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Format::of_path(parts.uri.path()))
    }
}

/// The links to a list's export in both formats, with the list's filters
/// (`partials/export.html` shows them).
#[derive(Debug, Clone)]
pub struct ExportLinks {
    /// The export's path without extension (`/vacancies`).
    pub base: String,
    /// The filters as a query string.
    pub query: String,
    /// `data-testid` of the CSV link; the XLSX link's is this with `-xlsx`.
    pub testid: &'static str,
}

impl ExportLinks {
    /// Links to `base.csv` and `base.xlsx` keeping the non-empty `filters`.
    pub fn new<'a>(
        base: &str,
        filters: impl IntoIterator<Item = (&'a str, &'a str)>,
        testid: &'static str,
    ) -> Self {
        let mut q = form_urlencoded::Serializer::new(String::new());
        for (k, v) in filters {
            if !v.is_empty() {
                q.append_pair(k, v);
            }
        }
        Self {
            base: base.to_owned(),
            query: q.finish(),
            testid,
        }
    }

    /// Link to the CSV.
    pub fn csv(&self) -> String {
        self.href(Format::Csv)
    }

    /// Link to the XLSX.
    pub fn xlsx(&self) -> String {
        self.href(Format::Xlsx)
    }

    fn href(&self, format: Format) -> String {
        format!("{}.{}?{}", self.base, format.extension(), self.query)
    }
}

/// A download being assembled.
pub struct Export {
    format: Format,
    file_stem: String,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    numeric: Vec<usize>,
    audit: Option<(&'static str, &'static str, Value)>,
    back: String,
    too_many: Option<u64>,
}

impl Export {
    /// An export named `file_stem` (the download is `<stem>-<date-time>.<ext>`).
    pub fn new<S: AsRef<str>>(format: Format, file_stem: &str, header: &[S]) -> Self {
        Self {
            format,
            file_stem: file_stem.to_owned(),
            header: header.iter().map(|h| h.as_ref().to_owned()).collect(),
            rows: Vec::new(),
            numeric: Vec::new(),
            audit: None,
            back: "/".to_owned(),
            too_many: None,
        }
    }

    /// Records the download as `action` on `entity_type`, with the filters used.
    pub fn audit(
        mut self,
        action: &'static str,
        entity_type: &'static str,
        filters: Value,
    ) -> Self {
        self.audit = Some((action, entity_type, filters));
        self
    }

    /// Where the reader goes back when the export is refused (the list, filtered).
    pub fn back_to(mut self, href: &str) -> Self {
        href.clone_into(&mut self.back);
        self
    }

    /// In XLSX, cells of these columns (0-based) that read as numbers are written as
    /// numbers, so a spreadsheet can add them up (never document numbers: they would
    /// lose their leading zeros).
    pub fn numeric(mut self, cols: impl IntoIterator<Item = usize>) -> Self {
        self.numeric = cols.into_iter().collect();
        self
    }

    /// Tells the export how many rows match: `false` (and the export will be refused)
    /// when they are more than [`EXPORT_MAX`].
    pub fn expect(&mut self, total: u64) -> bool {
        if total > EXPORT_MAX {
            self.too_many = Some(total);
        }
        self.too_many.is_none()
    }

    /// Is there room for more rows? (`false` once the export is refused.)
    pub fn wants_more(&self) -> bool {
        self.too_many.is_none()
    }

    /// Adds one row; beyond [`EXPORT_MAX`] rows the export is refused.
    pub fn row<I, S>(&mut self, cells: I)
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        if self.too_many.is_some() {
            return;
        }
        if self.rows.len() as u64 >= EXPORT_MAX {
            self.too_many = Some(EXPORT_MAX + 1);
            self.rows.clear();
            return;
        }
        self.rows.push(cells.into_iter().map(Into::into).collect());
    }

    /// Rows so far.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// No rows so far?
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The download, audited; or, when refused, back to the list with the reason.
    pub async fn respond(self, state: &AppState, ctx: &AuditCtx) -> Result<Response, WebError> {
        if self.too_many.is_some() {
            return Ok(redirect_with_flash(&self.back, "error", "export-too-many"));
        }
        let body = match self.format {
            Format::Csv => self.csv(),
            Format::Xlsx => self.xlsx(),
        }
        .map_err(WebError::Internal)?;
        if let Some((action, entity_type, filters)) = &self.audit {
            let after = json!({
                "filters": filters,
                "format": self.format.extension(),
                "rows": self.rows.len(),
            });
            state
                .reads
                .record(ctx, Change::new(action, entity_type, "").after(after))
                .await
                .map_err(|e| WebError::Internal(e.into()))?;
        }
        let stamp = chrono::Utc::now()
            .with_timezone(&state.tz)
            .format("%Y%m%d-%H%M");
        let name = format!("{}-{stamp}.{}", self.file_stem, self.format.extension());
        Ok((
            [
                (header::CONTENT_TYPE, self.format.mime().to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}\""),
                ),
                (header::CACHE_CONTROL, "no-store".to_owned()),
            ],
            body,
        )
            .into_response())
    }

    fn csv(&self) -> anyhow::Result<Vec<u8>> {
        // The byte-order mark makes a spreadsheet read the file as UTF-8 (accents and
        // ñ intact); the import skips it.
        let mut w = crate::csv_export::CsvWriter::from_writer(UTF8_BOM.to_vec());
        w.row(&self.header)?;
        for r in &self.rows {
            w.row(r)?;
        }
        Ok(w.finish()?)
    }

    fn xlsx(&self) -> anyhow::Result<Vec<u8>> {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        let name: String = self.file_stem.chars().take(31).collect();
        sheet.set_name(name)?;
        let bold = rust_xlsxwriter::Format::new().set_bold();
        for (c, h) in self.header.iter().enumerate() {
            sheet.write_string_with_format(0, c as u16, h, &bold)?;
        }
        for (r, values) in self.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, v) in values.iter().enumerate() {
                let number = Some(c)
                    .filter(|c| self.numeric.contains(c))
                    .and_then(|_| v.parse::<f64>().ok())
                    .filter(|n| n.is_finite());
                match number {
                    Some(n) => sheet.write_number(r, c as u16, n)?,
                    None if v.is_empty() => continue,
                    None => sheet.write_string(r, c as u16, xlsx_cell(v))?,
                };
            }
        }
        sheet.set_freeze_panes(1, 0)?;
        Ok(book.save_to_buffer()?)
    }
}

/// The UTF-8 byte-order mark.
const UTF8_BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

/// Most characters (UTF-16 units) an XLSX cell holds.
const XLSX_CELL_MAX: usize = 32_767;

/// The cell as an XLSX can hold it: a longer text (an audit snapshot of a whole import)
/// is cut, saying so at its end; the CSV of the same export keeps it whole.
fn xlsx_cell(v: &str) -> std::borrow::Cow<'_, str> {
    const MARK: &str = " […]";
    if v.encode_utf16().count() <= XLSX_CELL_MAX {
        return std::borrow::Cow::Borrowed(v);
    }
    let room = XLSX_CELL_MAX - MARK.encode_utf16().count();
    let mut units = 0;
    let cut: String = v
        .chars()
        .take_while(|c| {
            units += c.len_utf16();
            units <= room
        })
        .collect();
    std::borrow::Cow::Owned(cut + MARK)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_format_comes_from_the_path() {
        assert_eq!(Format::of_path("/vacancies.xlsx"), Format::Xlsx);
        assert_eq!(Format::of_path("/vacancies.csv"), Format::Csv);
    }

    #[test]
    fn links_keep_only_the_filters_given() {
        let l = ExportLinks::new("/vacancies", [("q", "a b"), ("state", "")], "x");
        assert_eq!(l.csv(), "/vacancies.csv?q=a+b");
        assert_eq!(l.xlsx(), "/vacancies.xlsx?q=a+b");
    }

    #[test]
    fn more_rows_than_the_limit_refuse_the_export() {
        let mut e = Export::new(Format::Csv, "x", &["a"]);
        assert!(e.expect(EXPORT_MAX));
        for i in 0..EXPORT_MAX {
            e.row([i.to_string()]);
        }
        assert!(e.wants_more());
        assert_eq!(e.len() as u64, EXPORT_MAX);
        e.row(["one more"]);
        assert!(!e.wants_more());
        let mut known = Export::new(Format::Csv, "x", &["a"]);
        assert!(!known.expect(EXPORT_MAX + 1));
    }

    #[test]
    fn a_cell_longer_than_an_xlsx_holds_is_cut_and_marked() {
        let long = "á".repeat(40_000);
        let cut = xlsx_cell(&long);
        assert_eq!(cut.encode_utf16().count(), XLSX_CELL_MAX);
        assert!(cut.ends_with(" […]"));
        assert_eq!(xlsx_cell("corto"), "corto");
        let mut e = Export::new(Format::Xlsx, "x", &["after"]);
        e.row([long]);
        assert!(e.xlsx().is_ok(), "the workbook is written");
    }

    #[test]
    fn csv_neutralises_formulas_and_xlsx_keeps_text() {
        let mut e = Export::new(Format::Csv, "x", &["doc", "n"]).numeric([1]);
        e.row(["=1+1", "3"]);
        let csv = String::from_utf8(e.csv().unwrap()).unwrap();
        assert_eq!(csv, "\u{feff}doc,n\n'=1+1,3\n");
        let book = e.xlsx().unwrap();
        assert!(book.starts_with(b"PK"), "an XLSX is a zip file");
    }
}
