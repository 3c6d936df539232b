//! Payment files of an approved run: the CSV every bank can read
//! (`cuil,apellido_nombre,cbu,importe,concepto`) and fixed-width layouts, pluggable
//! through [`Layout`]; one documented generic layout to start (`docs/payment-files.md`).

use sipe_platform::csv_export::CsvWriter;

use super::store::{FileLine, Run};

/// The CSV header.
pub const CSV_HEADER: [&str; 5] = ["cuil", "apellido_nombre", "cbu", "importe", "concepto"];

/// What a payment of a run is for: `PEJ 2026-03`.
pub fn concept(code: &str, run: &Run) -> String {
    format!("{code} {}", super::month_label(run.month))
}

/// Cents as pesos with a dot (`85000.50`).
pub fn decimal(cents: i64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

/// The CSV of a run's paid lines.
pub fn csv(code: &str, run: &Run, lines: &[FileLine]) -> anyhow::Result<Vec<u8>> {
    let mut w = CsvWriter::new();
    w.row(CSV_HEADER)?;
    let concept = concept(code, run);
    for l in lines {
        w.row([
            l.cuil.as_deref().unwrap_or(""),
            l.name.as_str(),
            l.account.as_deref().unwrap_or(""),
            decimal(l.amount_cents).as_str(),
            concept.as_str(),
        ])?;
    }
    Ok(w.finish()?)
}

/// A bank's fixed-width layout.
pub trait Layout: Sync {
    /// Its name in addresses (`generic`).
    fn name(&self) -> &'static str;
    /// The file of a run's paid lines.
    fn write(&self, code: &str, run: &Run, lines: &[FileLine]) -> Vec<u8>;
}

/// Every layout offered.
pub static LAYOUTS: &[&dyn Layout] = &[&Generic];

/// `SIPE-GEN-1`: 80-character records ending in CRLF; a header (`H`), one detail (`D`)
/// per payment and a trailer (`T`) whose count and total must match the header's.
/// Numbers are zero-padded on the left, text is upper-case ASCII padded with spaces on
/// the right (accents dropped, cut to length).
pub struct Generic;

fn text(s: &str, width: usize) -> String {
    // Accents folded one character at a time, so punctuation (an alias's dots) stays.
    let ascii: String = s
        .chars()
        .map(|c| match c {
            ' ' => ' ',
            c if c.is_ascii_graphic() => c.to_ascii_uppercase(),
            c => sipe_platform::text::fold(&c.to_string())
                .chars()
                .next()
                .filter(char::is_ascii_alphanumeric)
                .map_or(' ', |c| c.to_ascii_uppercase()),
        })
        .take(width)
        .collect();
    format!("{ascii:<width$}")
}

fn number(n: i64, width: usize) -> String {
    format!("{:0>width$}", n.max(0))
}

impl Layout for Generic {
    fn name(&self) -> &'static str {
        "generic"
    }

    fn write(&self, code: &str, run: &Run, lines: &[FileLine]) -> Vec<u8> {
        let total: i64 = lines.iter().map(|l| l.amount_cents).sum();
        let count = lines.len() as i64;
        let mut out = String::with_capacity((lines.len() + 2) * 82);
        let mut record = |r: String| {
            debug_assert_eq!(r.len(), 80, "{r}");
            out.push_str(&r);
            out.push_str("\r\n");
        };
        // H, code (6), month YYYYMM (6), count (7), total in cents (15), filler (45).
        record(format!(
            "H{}{}{}{}{}",
            text(code, 6),
            run.month.format("%Y%m"),
            number(count, 7),
            number(total, 15),
            " ".repeat(45)
        ));
        for l in lines {
            // D, CUIL (11), CBU or alias (22), amount in cents (15), name (31).
            record(format!(
                "D{}{}{}{}",
                text(l.cuil.as_deref().unwrap_or(""), 11),
                text(l.account.as_deref().unwrap_or(""), 22),
                number(l.amount_cents, 15),
                text(&l.name, 31)
            ));
        }
        // T, count (7), total in cents (15), filler (57).
        record(format!(
            "T{}{}{}",
            number(count, 7),
            number(total, 15),
            " ".repeat(57)
        ));
        out.into_bytes()
    }
}
