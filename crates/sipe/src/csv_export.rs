//! The one CSV writer of every export and report sipe writes for people to open in a
//! spreadsheet. A cell that a spreadsheet would read as a formula (beginning with `=`,
//! `+`, `-`, `@`, a tab or a carriage return, or their full-width forms) is prefixed
//! with `'` (OWASP's rule against CSV injection): a typed username, a vacancy title or a
//! person's name can never run in the office's spreadsheet.

use std::borrow::Cow;
use std::io::Write;

/// Why a CSV could not be written.
#[derive(Debug, thiserror::Error)]
#[error("writing CSV: {0}")]
pub struct CsvError(String);

impl From<csv::Error> for CsvError {
    fn from(e: csv::Error) -> Self {
        CsvError(e.to_string())
    }
}

/// Characters that make a spreadsheet read a cell as a formula when they come first.
fn starts_formula(c: char) -> bool {
    matches!(
        c,
        '=' | '+' | '-' | '@' | '\t' | '\r' | '\u{FF1D}' | '\u{FF0B}' | '\u{FF0D}' | '\u{FF20}'
    )
}

/// The cell as written: prefixed with `'` when a spreadsheet would take it for a formula
/// (or when it already begins with `'`, so that [`restore`] gives it back unchanged).
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some(c) if starts_formula(c) || c == '\'' => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// The cell as it was before [`neutralise`]: an import reading one of our exports gets
/// the original value back (`'+54 381…` → `+54 381…`).
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest)
            if rest
                .chars()
                .next()
                .is_some_and(|c| starts_formula(c) || c == '\'') =>
        {
            rest
        }
        _ => cell,
    }
}

/// A CSV writer whose every cell goes through [`neutralise`].
pub struct CsvWriter<W: Write = Vec<u8>> {
    inner: csv::Writer<W>,
}

impl CsvWriter<Vec<u8>> {
    /// A writer into memory.
    pub fn new() -> Self {
        Self::from_writer(Vec::new())
    }
}

impl Default for CsvWriter<Vec<u8>> {
    fn default() -> Self {
        Self::new()
    }
}

impl<W: Write> CsvWriter<W> {
    /// A writer into `out`.
    pub fn from_writer(out: W) -> Self {
        Self {
            inner: csv::WriterBuilder::new()
                .has_headers(false)
                .from_writer(out),
        }
    }

    /// Writes one row.
    pub fn row<I, S>(&mut self, cells: I) -> Result<(), CsvError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.inner.write_record(
            cells
                .into_iter()
                .map(|c| neutralise(c.as_ref()).into_owned()),
        )?;
        Ok(())
    }

    /// Flushes and returns the output.
    pub fn finish(self) -> Result<W, CsvError> {
        self.inner
            .into_inner()
            .map_err(|e| CsvError(e.error().to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formula_cells_are_neutralised_and_others_kept() {
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("+54 381"), "'+54 381");
        assert_eq!(neutralise("-1"), "'-1");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("\tx"), "'\tx");
        assert_eq!(neutralise("\r=1"), "'\r=1");
        assert_eq!(neutralise("＝1"), "'＝1");
        assert_eq!(neutralise("González"), "González");
        assert_eq!(neutralise(""), "");
        assert_eq!(neutralise("a=b"), "a=b");
        assert_eq!(restore("'+54 381"), "+54 381");
        assert_eq!(restore("'O'Brien"), "'O'Brien");
        assert_eq!(neutralise("'=1"), "''=1");
        assert_eq!(restore("''=1"), "'=1");
    }

    fn cells(csv_bytes: &[u8]) -> Vec<String> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(csv_bytes)
            .records()
            .flat_map(|r| r.unwrap().iter().map(str::to_owned).collect::<Vec<_>>())
            .collect()
    }

    proptest! {
        #[test]
        fn no_written_cell_starts_a_formula(row in proptest::collection::vec(any::<String>(), 1..6)) {
            let mut w = CsvWriter::new();
            w.row(&row).unwrap();
            let out = w.finish().unwrap();
            let read = cells(&out);
            prop_assert_eq!(read.len(), row.len());
            for (written, original) in read.iter().zip(&row) {
                prop_assert!(!written.chars().next().is_some_and(starts_formula));
                // Nothing is lost: reading it back restores the original.
                prop_assert_eq!(restore(written), original.as_str());
            }
        }
    }
}
