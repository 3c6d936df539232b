//! The one CSV writer of every export and report sipe writes for people to open in a
//! spreadsheet. A cell that a spreadsheet would read as a formula (beginning with `=`,
//! `+`, `-`, `@`, a tab or a carriage return, or their full-width forms) is prefixed
//! with `'` (OWASP's rule against CSV injection), and so is every piece of a cell after
//! a `;` or a line break, where a spreadsheet splitting on `;` (Excel in Spanish) starts
//! a new cell: a typed username, a vacancy title or a person's name can never run in
//! the office's spreadsheet.

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

/// Characters after which a spreadsheet that splits on `;` (Excel set to Spanish) may
/// start a new cell or row, even inside what we wrote as one quoted cell: once one cell
/// of a line holds our `,` delimiter outside its quotes, the quotes of the following
/// cells are no longer read as quotes.
fn splits_cell(c: char) -> bool {
    matches!(c, ';' | '\n' | '\r')
}

/// Does a segment (a cell's text, or what follows a `;` or line break in it) need `'`?
/// After a split, a segment starting with `"` is read as quoted and its content may
/// begin a formula, so it counts too.
fn needs_prefix(segment: &str, first: bool) -> bool {
    segment
        .chars()
        .next()
        .is_some_and(|c| starts_formula(c) || c == '\'' || (!first && c == '"'))
}

/// The cell as written: the cell, and every piece of it after a `;` or a line break,
/// prefixed with `'` when a spreadsheet would take it for a formula (or when it already
/// begins with `'`, so that [`restore`] gives it back unchanged).
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    // Most cells need nothing: answered without copying them.
    if !segments(cell)
        .enumerate()
        .any(|(i, segment)| needs_prefix(segment, i == 0))
    {
        return Cow::Borrowed(cell);
    }
    let mut out = String::with_capacity(cell.len() + 2);
    let mut changed = false;
    for (i, segment) in segments(cell).enumerate() {
        if needs_prefix(segment, i == 0) {
            out.push('\'');
            changed = true;
        }
        out.push_str(segment);
    }
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(cell)
    }
}

/// The cell as it was before [`neutralise`]: an import reading one of our exports gets
/// the original value back (`'+54 381…` → `+54 381…`).
pub fn restore(cell: &str) -> Cow<'_, str> {
    let mut out = String::new();
    let mut changed = false;
    for (i, segment) in segments(cell).enumerate() {
        match segment.strip_prefix('\'') {
            Some(rest) if needs_prefix(rest, i == 0) => {
                out.push_str(rest);
                changed = true;
            }
            _ => out.push_str(segment),
        }
    }
    if changed {
        Cow::Owned(out)
    } else {
        Cow::Borrowed(cell)
    }
}

/// The cell cut before each character that [`splits_cell`]; the first piece starts the
/// cell, every other one starts with that character's successor (the separator stays
/// at the end of the piece before).
fn segments(cell: &str) -> impl Iterator<Item = &str> {
    cell.split_inclusive(splits_cell)
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
        assert_eq!(neutralise("\r=1"), "'\r'=1");
        assert_eq!(neutralise("＝1"), "'＝1");
        assert_eq!(neutralise("González"), "González");
        assert_eq!(neutralise(""), "");
        assert_eq!(neutralise("a=b"), "a=b");
        assert_eq!(restore("'+54 381"), "+54 381");
        assert_eq!(restore("'O'Brien"), "'O'Brien");
        assert_eq!(neutralise("'=1"), "''=1");
        assert_eq!(restore("''=1"), "'=1");
        // What follows a `;` or a line break is a cell to a spreadsheet splitting there.
        assert_eq!(
            neutralise("zz;=1+cmd|' /c calc'!a0;@sum(1)"),
            "zz;'=1+cmd|' /c calc'!a0;'@sum(1)"
        );
        assert_eq!(neutralise("nota\n=1"), "nota\n'=1");
        assert_eq!(neutralise("a;\"=1\""), "a;'\"=1\"");
        assert_eq!(neutralise("a;b"), "a;b");
        assert_eq!(restore("zz;'=1;'@x"), "zz;=1;@x");
    }

    fn cells(csv_bytes: &[u8]) -> Vec<String> {
        cells_split_on(csv_bytes, b',')
    }

    /// The cells as a spreadsheet splitting on `delimiter` reads them.
    fn cells_split_on(csv_bytes: &[u8], delimiter: u8) -> Vec<String> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
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
            // Read by a spreadsheet that splits on `;` instead, no cell starts one either.
            for cell in cells_split_on(&out, b';') {
                prop_assert!(!cell.chars().next().is_some_and(starts_formula), "{cell:?}");
            }
        }

        #[test]
        fn a_semicolon_never_starts_a_new_cell(a in "[a-z]{0,5}", f in "[=+@-][a-z0-9(|!' ]{0,12}") {
            let mut w = CsvWriter::new();
            w.row([format!("{a};{f}"), "x".to_owned()]).unwrap();
            let out = w.finish().unwrap();
            for cell in cells_split_on(&out, b';') {
                prop_assert!(!cell.chars().next().is_some_and(starts_formula), "{cell:?}");
            }
        }
    }
}
