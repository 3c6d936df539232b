//! Certificate PDF timing (issue 15), without a database: renders one certificate N
//! times (p50/p99 per PDF), then a cohort of C certificates as one document and as a ZIP
//! of one PDF per person (wall time each).
//!
//!   cargo run --release --example certificate_bench -- [RUNS] [COHORT]
//!
//! Defaults: 500 single renders, a cohort of 1,000.

#![expect(clippy::expect_used, reason = "a benchmark fails loudly")]

use std::time::Instant;

use sipe::training::certificates::Certificate;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn certificate(n: usize) -> (Certificate, String) {
    let code = format!("{:0>20}", format!("B{n}")).replace('0', "A");
    let date = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default();
    let cert = Certificate {
        id: uuid::Uuid::now_v7(),
        code: code.clone(),
        enrolment_id: uuid::Uuid::now_v7(),
        person_id: uuid::Uuid::now_v7(),
        cohort_id: uuid::Uuid::nil(),
        status_index: n as i32,
        holder_name: format!("María José Núñez Ibáñez {n}"),
        holder_doc_type: "dni".into(),
        holder_doc: format!("{}", 30_000_000 + n),
        course_name: "Operación de cosechadora de caña de azúcar".into(),
        hours: 160,
        institution_name: "Centro de Formación Profesional N.º 1 San Miguel de Tucumán".into(),
        starts_on: date("2026-08-03"),
        ends_on: date("2026-09-25"),
        issued_on: date("2026-09-28"),
        kind: "approval".into(),
        status: "valid".into(),
        revoked_at: None,
        revocation_reason: None,
        created_at: chrono::Utc::now(),
        skills: None,
    };
    (
        cert,
        format!("https://empleo.example.gob.ar/verificar/{code}"),
    )
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let runs: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(500);
    let cohort: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1_000);

    // The first render parses the fonts: not timed.
    let first = sipe::training::pdf::render(&[certificate(0)]).expect("pdf");
    let mut times = Vec::with_capacity(runs);
    for n in 0..runs {
        let one = [certificate(n)];
        let t = Instant::now();
        let pdf = sipe::training::pdf::render(&one).expect("pdf");
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        assert!(pdf.starts_with(b"%PDF-"));
    }
    times.sort_by(f64::total_cmp);
    println!(
        "one certificate: {runs} renders, p50 {:.1} ms, p99 {:.1} ms, {} bytes",
        percentile(&times, 0.5),
        percentile(&times, 0.99),
        first.len()
    );

    let all: Vec<_> = (0..cohort).map(certificate).collect();
    let t = Instant::now();
    let pdf = sipe::training::pdf::render(&all).expect("pdf");
    println!(
        "cohort of {cohort}, one document: {:.2} s, {:.1} MiB",
        t.elapsed().as_secs_f64(),
        pdf.len() as f64 / 1_048_576.0
    );
    let t = Instant::now();
    let zip = sipe::training::pdf::zip(&all).expect("zip");
    println!(
        "cohort of {cohort}, ZIP of one PDF each: {:.2} s, {:.1} MiB",
        t.elapsed().as_secs_f64(),
        zip.len() as f64 / 1_048_576.0
    );
}
