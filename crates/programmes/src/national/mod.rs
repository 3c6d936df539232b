//! National programmes assisted at the counter: programmes the offices do not run
//! (Progresar, AUH, pensions …) whose beneficiary lists the national agencies publish.
//! An office imports a list (`cuil,programa,estado,periodo,monto`) and the person page
//! answers a "consulta de cobros" at once: "cobra Progresar (marzo 2026, $ 35.000,00)".
//!
//! Rows are kept by CUIL, registered or not: whoever registers later is matched at once.
//! A row is one person, programme and month; importing that month again replaces it.

pub mod import;
pub mod store;

use chrono::{Datelike, NaiveDate};

/// Statuses as stored.
pub const STATUSES: [&str; 3] = ["active", "suspended", "ended"];

/// Columns of a list, in the canonical order.
pub const HEADER: [&str; 5] = ["cuil", "programa", "estado", "periodo", "monto"];

/// Other names accepted for the same columns (the lists' own, and English).
const ALIASES: [(&str, &str); 7] = [
    ("programme", "programa"),
    ("program", "programa"),
    ("status", "estado"),
    ("period", "periodo"),
    ("amount", "monto"),
    ("importe", "monto"),
    ("cuit", "cuil"),
];

/// A header cell as its canonical column name.
pub fn column_name(cell: &str) -> String {
    // Also as a first line split by hand: a BOM and quotes around the name go.
    let c = cell
        .trim()
        .trim_start_matches('\u{feff}')
        .trim_matches('"')
        .trim()
        .to_lowercase();
    ALIASES
        .iter()
        .find(|(alias, _)| *alias == c)
        .map_or(c, |(_, canonical)| (*canonical).to_owned())
}

/// The canonical status of what a list says (`ACTIVO`, `Liquidado`, `baja` …).
pub fn status_of(raw: &str) -> Option<&'static str> {
    match sipe_platform::text::fold(raw.trim()).as_str() {
        "active" | "activo" | "activa" | "alta" | "liquidado" | "liquidada" | "pagado"
        | "pagada" | "vigente" => Some("active"),
        "suspended" | "suspendido" | "suspendida" => Some("suspended"),
        "ended" | "baja" | "finalizado" | "finalizada" | "inactivo" | "inactiva" | "cese" => {
            Some("ended")
        }
        _ => None,
    }
}

/// The month a list is for, as its first day: `2026-03`, `2026-03-01`, `03/2026`,
/// `202603`. Years outside 2000–2100 are refused.
pub fn period_of(raw: &str) -> Option<NaiveDate> {
    let s = raw.trim();
    let (year, month) = if let Some((m, y)) = s.split_once('/') {
        (y.parse::<i32>().ok()?, m.parse::<u32>().ok()?)
    } else if s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit()) {
        (s[..4].parse().ok()?, s[4..].parse().ok()?)
    } else {
        let mut parts = s.splitn(3, '-');
        let y = parts.next()?.parse::<i32>().ok()?;
        let m = parts.next()?.parse::<u32>().ok()?;
        if let Some(d) = parts.next() {
            NaiveDate::from_ymd_opt(y, m, d.parse().ok()?)?;
        }
        (y, m)
    };
    if s.len() > 10 || !(2000..=2100).contains(&year) {
        return None;
    }
    NaiveDate::from_ymd_opt(year, month, 1)
}

/// The month in words for the counter ("marzo 2026").
pub fn month_words(lang: sipe_platform::i18n::Lang, period: NaiveDate) -> String {
    format!(
        "{} {}",
        lang.t(&format!("month-{}", period.month())),
        period.year()
    )
}

/// One valid row of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Eleven digits.
    pub cuil: String,
    /// National programme code, upper case.
    pub code: String,
    /// `active`, `suspended`, `ended`.
    pub status: &'static str,
    /// First day of the month.
    pub period: NaiveDate,
    /// Pesos in cents, if given.
    pub amount_cents: Option<i64>,
}

/// What is wrong with a row: the column, the value and the catalogue key of the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Canonical column name.
    pub column: &'static str,
    /// The value as given (at most 100 characters).
    pub value: String,
    /// Catalogue key.
    pub reason: &'static str,
}

fn problem(column: &'static str, value: &str, reason: &'static str) -> Problem {
    Problem {
        column,
        value: value.chars().take(100).collect(),
        reason,
    }
}

/// Checks one row's cells (in the canonical order); programme codes are checked against
/// the catalogue by the caller.
pub fn check_row(cells: [&str; 5]) -> Result<Row, Vec<Problem>> {
    let [cuil, code, status, period, amount] = cells;
    let mut problems = Vec::new();
    let checked_cuil = sipe_persons::domain::Cuil::parse(cuil).map_err(|_| ());
    if checked_cuil.is_err() {
        problems.push(problem("cuil", cuil, "national-row-cuil"));
    }
    let code_up = code.trim().to_uppercase();
    if code_up.is_empty() || code_up.len() > 20 {
        problems.push(problem("programa", code, "national-row-programme"));
    }
    let st = status_of(status);
    if st.is_none() {
        problems.push(problem("estado", status, "national-row-status"));
    }
    let pe = period_of(period);
    if pe.is_none() {
        problems.push(problem("periodo", period, "national-row-period"));
    }
    let am = if amount.trim().is_empty() {
        Some(None)
    } else {
        crate::programmes::parse_amount(amount).map(Some)
    };
    if am.is_none() {
        problems.push(problem("monto", amount, "national-row-amount"));
    }
    match (checked_cuil, st, pe, am) {
        (Ok(c), Some(status), Some(period), Some(amount_cents)) if problems.is_empty() => Ok(Row {
            cuil: c.as_str().to_owned(),
            code: code_up,
            status,
            period,
            amount_cents,
        }),
        _ => Err(problems),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn periods_are_read_in_the_lists_usual_ways() {
        for raw in [
            "2026-03",
            "2026-03-01",
            "2026-03-31",
            "03/2026",
            "3/2026",
            "202603",
        ] {
            assert_eq!(period_of(raw), Some(day("2026-03-01")), "{raw}");
        }
        for raw in [
            "",
            "2026",
            "2026-13",
            "13/2026",
            "1999-12",
            "2026-02-30",
            "marzo",
            "2026-03-01-01",
        ] {
            assert_eq!(period_of(raw), None, "{raw}");
        }
    }

    #[test]
    fn statuses_fold_case_and_accents() {
        assert_eq!(status_of(" ACTIVO "), Some("active"));
        assert_eq!(status_of("Liquidado"), Some("active"));
        assert_eq!(status_of("SUSPENDIDA"), Some("suspended"));
        assert_eq!(status_of("Baja"), Some("ended"));
        assert_eq!(status_of("quizás"), None);
        assert_eq!(column_name("\u{feff}CUIL"), "cuil");
        assert_eq!(column_name(" Importe"), "monto");
        assert_eq!(column_name("\"Programa\""), "programa");
    }

    #[test]
    fn a_row_is_checked_cell_by_cell() {
        let ok = check_row([
            "20-12345678-6",
            "progresar",
            "activo",
            "2026-03",
            "35.000,50",
        ])
        .unwrap();
        assert_eq!(ok.cuil, "20123456786");
        assert_eq!(ok.code, "PROGRESAR");
        assert_eq!(ok.status, "active");
        assert_eq!(ok.amount_cents, Some(3_500_050));
        let none = check_row(["20123456786", "AUH", "baja", "03/2026", ""]).unwrap();
        assert_eq!(none.amount_cents, None);
        let bad = check_row(["20123456780", "", "cobrando", "2026-13", "-5"]).unwrap_err();
        let columns: Vec<&str> = bad.iter().map(|p| p.column).collect();
        assert_eq!(columns, ["cuil", "programa", "estado", "periodo", "monto"]);
    }
}
