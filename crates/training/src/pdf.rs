//! The printable certificate: an A4 landscape PDF (krilla) with the DejaVu fonts shipped
//! in `assets/fonts` embedded as subsets, and a QR code of the verification address
//! drawn as vector squares. One certificate per page; a cohort's in one document or a
//! ZIP of one PDF per person.

use std::io::Write;
use std::sync::LazyLock;

use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};
use skrifa::MetadataProvider;

use crate::certificates::Certificate;
use crate::domain;
use sipe_platform::i18n::Lang;

/// A4 landscape, in points.
const WIDTH: f32 = 842.0;
const HEIGHT: f32 = 595.0;

static REGULAR: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../assets/fonts/DejaVuSans-Bold.ttf");

/// The two faces, parsed once.
struct Faces {
    regular: Font,
    bold: Font,
}

static FACES: LazyLock<Option<Faces>> = LazyLock::new(|| {
    Some(Faces {
        regular: Font::new(REGULAR.to_vec().into(), 0)?,
        bold: Font::new(BOLD.to_vec().into(), 0)?,
    })
});

/// Why a PDF could not be made.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// The shipped fonts did not parse (a build defect).
    #[error("the certificate fonts could not be read")]
    Fonts,
    /// The PDF writer failed.
    #[error("pdf: {0}")]
    Write(String),
    /// The ZIP writer failed.
    #[error("zip: {0}")]
    Zip(String),
}

/// Width of `text` at `size` in the face's data, in points.
fn width(data: &[u8], size: f32, text: &str) -> f32 {
    let Ok(font) = skrifa::FontRef::new(data) else {
        return 0.0;
    };
    let charmap = font.charmap();
    let metrics = font.glyph_metrics(
        skrifa::instance::Size::new(size),
        skrifa::instance::LocationRef::default(),
    );
    text.chars()
        .map(|c| {
            charmap
                .map(c)
                .and_then(|g| metrics.advance_width(g))
                .unwrap_or(size * 0.5)
        })
        .sum()
}

/// Writes `text` centred on the page at baseline `y`, shrinking it to fit the margins.
fn centred(surface: &mut Surface, faces: &Faces, bold: bool, size: f32, y: f32, text: &str) {
    let (font, data) = if bold {
        (&faces.bold, BOLD)
    } else {
        (&faces.regular, REGULAR)
    };
    let room = WIDTH - 2.0 * 72.0;
    let mut size = size;
    let mut w = width(data, size, text);
    if w > room {
        size *= room / w;
        w = room;
    }
    surface.draw_text(
        Point::from_xy((WIDTH - w) / 2.0, y),
        font.clone(),
        size,
        text,
        false,
        TextDirection::Auto,
    );
}

fn left(surface: &mut Surface, font: &Font, size: f32, x: f32, y: f32, text: &str) {
    surface.draw_text(
        Point::from_xy(x, y),
        font.clone(),
        size,
        text,
        false,
        TextDirection::Auto,
    );
}

fn fill(r: u8, g: u8, b: u8) -> Fill {
    Fill {
        paint: rgb::Color::new(r, g, b).into(),
        opacity: NormalizedF32::ONE,
        rule: Default::default(),
    }
}

/// The QR code of `url`, its top-left corner at (x, y), `side` points wide.
fn qr(surface: &mut Surface, url: &str, x: f32, y: f32, side: f32) {
    let Ok(code) = qrcode::QrCode::new(url.as_bytes()) else {
        return;
    };
    let n = code.width();
    let quiet = 2;
    let module = side / (n + 2 * quiet) as f32;
    let mut pb = PathBuilder::new();
    for (i, c) in code.to_colors().iter().enumerate() {
        if *c == qrcode::Color::Dark {
            let (col, row) = ((i % n + quiet) as f32, (i / n + quiet) as f32);
            if let Some(r) = Rect::from_xywh(x + col * module, y + row * module, module, module) {
                pb.push_rect(r);
            }
        }
    }
    if let Some(path) = pb.finish() {
        surface.set_fill(Some(fill(0, 0, 0)));
        surface.draw_path(&path);
    }
}

/// The document types the certificate names (anything else is "documento").
fn doc_kind(doc_type: &str) -> &'static str {
    match doc_type {
        "dni" => "dni",
        "py_ci" => "py_ci",
        "passport" => "passport",
        _ => "other",
    }
}

/// A document number with thousands dots (`12.345.678`) when it is all digits.
fn doc_display(doc: &str) -> String {
    if doc.is_empty() || !doc.bytes().all(|b| b.is_ascii_digit()) {
        return doc.to_owned();
    }
    let mut out = String::new();
    for (i, c) in doc.chars().enumerate() {
        if i > 0 && (doc.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

fn page(doc: &mut Document, faces: &Faces, c: &Certificate, url: &str) -> Result<(), PdfError> {
    let lang = Lang::EsAr;
    let settings =
        PageSettings::from_wh(WIDTH, HEIGHT).ok_or_else(|| PdfError::Write("page size".into()))?;
    let mut page = doc.start_page_with(settings);
    let mut s = page.surface();
    // Frame.
    if let Some(frame) = Rect::from_xywh(24.0, 24.0, WIDTH - 48.0, HEIGHT - 48.0) {
        let mut pb = PathBuilder::new();
        pb.push_rect(frame);
        if let Some(path) = pb.finish() {
            s.set_fill(None);
            s.set_stroke(Some(Stroke {
                paint: rgb::Color::new(11, 79, 138).into(),
                width: 3.0,
                ..Default::default()
            }));
            s.draw_path(&path);
            s.set_stroke(None);
        }
    }
    s.set_fill(Some(fill(11, 79, 138)));
    centred(
        &mut s,
        faces,
        true,
        15.0,
        78.0,
        &lang.t("certificate-pdf-issuer"),
    );
    s.set_fill(Some(fill(27, 31, 36)));
    centred(&mut s, faces, false, 13.0, 100.0, &c.institution_name);
    s.set_fill(Some(fill(11, 79, 138)));
    centred(
        &mut s,
        faces,
        true,
        34.0,
        160.0,
        &lang.t(&format!("certificate-pdf-title-{}", c.kind)),
    );
    s.set_fill(Some(fill(27, 31, 36)));
    centred(
        &mut s,
        faces,
        false,
        14.0,
        200.0,
        &lang.t("certificate-pdf-certifies"),
    );
    centred(&mut s, faces, true, 26.0, 240.0, &c.holder_name);
    centred(
        &mut s,
        faces,
        false,
        13.0,
        264.0,
        &lang.t_args(
            &format!("certificate-pdf-document-{}", doc_kind(&c.holder_doc_type)),
            &[("document", doc_display(&c.holder_doc))],
        ),
    );
    centred(
        &mut s,
        faces,
        false,
        14.0,
        300.0,
        &lang.t(&format!("certificate-pdf-verb-{}", c.kind)),
    );
    centred(&mut s, faces, true, 20.0, 332.0, &c.course_name);
    let dates = lang.t_args(
        "certificate-pdf-dates",
        &[
            ("hours", c.hours.to_string()),
            ("from", c.starts_on.format("%d/%m/%Y").to_string()),
            ("to", c.ends_on.format("%d/%m/%Y").to_string()),
        ],
    );
    centred(&mut s, faces, false, 13.0, 358.0, &dates);
    centred(
        &mut s,
        faces,
        false,
        12.0,
        382.0,
        &lang.t_args(
            "certificate-pdf-issued",
            &[("date", c.issued_on.format("%d/%m/%Y").to_string())],
        ),
    );
    // Verification: the QR code and the address, bottom left.
    let side = 110.0;
    qr(&mut s, url, 48.0, HEIGHT - 48.0 - side, side);
    s.set_fill(Some(fill(27, 31, 36)));
    let x = 48.0 + side + 8.0;
    left(
        &mut s,
        &faces.bold,
        10.0,
        x,
        HEIGHT - 120.0,
        &lang.t("certificate-pdf-verify"),
    );
    left(&mut s, &faces.regular, 9.0, x, HEIGHT - 104.0, url);
    left(
        &mut s,
        &faces.regular,
        10.0,
        x,
        HEIGHT - 88.0,
        &lang.t_args(
            "certificate-pdf-code",
            &[("code", domain::grouped_code(&c.code))],
        ),
    );
    // Signature, bottom right.
    let line_y = HEIGHT - 100.0;
    let mut pb = PathBuilder::new();
    pb.move_to(WIDTH - 300.0, line_y);
    pb.line_to(WIDTH - 72.0, line_y);
    if let Some(path) = pb.finish() {
        s.set_fill(None);
        s.set_stroke(Some(Stroke {
            paint: rgb::Color::new(27, 31, 36).into(),
            width: 0.8,
            ..Default::default()
        }));
        s.draw_path(&path);
        s.set_stroke(None);
    }
    s.set_fill(Some(fill(27, 31, 36)));
    let sign = lang.t("certificate-pdf-signature");
    let w = width(REGULAR, 10.0, &sign);
    left(
        &mut s,
        &faces.regular,
        10.0,
        WIDTH - 186.0 - w / 2.0,
        line_y + 16.0,
        &sign,
    );
    s.finish();
    page.finish();
    Ok(())
}

/// One PDF holding these certificates, a page each, with their verification addresses.
pub fn render(certificates: &[(Certificate, String)]) -> Result<Vec<u8>, PdfError> {
    let faces = FACES.as_ref().ok_or(PdfError::Fonts)?;
    let mut doc = Document::new();
    for (c, url) in certificates {
        page(&mut doc, faces, c, url)?;
    }
    doc.finish().map_err(|e| PdfError::Write(format!("{e:?}")))
}

/// A ZIP of one PDF per certificate, named by holder and code.
pub fn zip(certificates: &[(Certificate, String)]) -> Result<Vec<u8>, PdfError> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for pair in certificates {
        let pdf = render(std::slice::from_ref(pair))?;
        let name = format!("{}-{}.pdf", file_safe(&pair.0.holder_name), pair.0.code);
        out.start_file(name, options)
            .map_err(|e| PdfError::Zip(e.to_string()))?;
        out.write_all(&pdf)
            .map_err(|e| PdfError::Zip(e.to_string()))?;
    }
    let cursor = out.finish().map_err(|e| PdfError::Zip(e.to_string()))?;
    Ok(cursor.into_inner())
}

/// A name safe in any file system: letters and digits, the rest as dashes.
fn file_safe(name: &str) -> String {
    let folded = sipe_platform::text::fold(name);
    let mut out: String = folded
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    out.truncate(60);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_get_their_dots_and_names_become_safe_file_names() {
        assert_eq!(doc_display("12345678"), "12.345.678");
        assert_eq!(doc_display("1234567"), "1.234.567");
        assert_eq!(doc_display("AB123"), "AB123");
        assert_eq!(file_safe("María José Núñez/../x"), "maria-jose-nunez-x");
    }

    #[test]
    fn the_shipped_fonts_parse_and_measure() {
        assert!(FACES.is_some());
        let w = width(REGULAR, 10.0, "Certificado");
        assert!(w > 30.0 && w < 80.0, "{w}");
    }
}
