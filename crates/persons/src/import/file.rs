//! Reading an uploaded file: CSV in UTF-8 or Latin-1, or the first sheet of an XLSX
//! workbook turned into the same CSV text.

/// Decodes UTF-8, or Latin-1 when the bytes are not valid UTF-8 (spreadsheets saved on
/// Windows). A UTF-8 byte-order mark is dropped.
pub fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => bytes.iter().map(|b| char::from(*b)).collect(),
    }
}

/// Is this an XLSX workbook (a zip archive)? Decided by content, not by name.
pub fn is_xlsx(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

fn cell_text(c: &calamine::Data) -> String {
    use calamine::Data;
    match c {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        // Spreadsheets store document numbers as numbers: 30123456.0 → "30123456".
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => d
            .as_datetime()
            .map(|dt| dt.date().to_string())
            .unwrap_or_else(|| d.as_f64().to_string()),
    }
}

/// The first sheet of an XLSX workbook as CSV text (dates as `yyyy-mm-dd`).
pub fn xlsx_to_csv(bytes: &[u8]) -> Result<String, String> {
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes))
        .map_err(|e: calamine::XlsxError| e.to_string())?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| "the workbook has no sheet".to_owned())?
        .map_err(|e| e.to_string())?;
    let mut w = csv::Writer::from_writer(Vec::new());
    for row in range.rows() {
        w.write_record(row.iter().map(cell_text))
            .map_err(|e| e.to_string())?;
    }
    let bytes = w.into_inner().map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}
