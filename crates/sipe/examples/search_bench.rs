//! In-process person search latency on an existing data dir (see `scripts/bench-persons.sh`):
//! name queries with typos, national and office-scoped, and exact DNI lookups.
//!
//!   cargo run --release --example search_bench -- DATA_DIR [QUERIES]

use std::time::Instant;

use sipe::access::{Access, Scope, ScopedOffice};
use sipe::persons::store::{self, PersonQuery, PersonSort};

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn typo(word: &str, n: usize) -> String {
    // Drop one letter from longer words, every other query: "gonzalez" -> "gonzlez".
    if n.is_multiple_of(2) && word.chars().count() > 5 {
        let mut chars: Vec<char> = word.chars().collect();
        chars.remove(chars.len() / 2);
        chars.into_iter().collect()
    } else {
        word.to_owned()
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dir = std::env::args()
        .nth(1)
        .ok_or_else(|| anyhow::anyhow!("usage: search_bench DATA_DIR [QUERIES]"))?;
    let queries: usize = std::env::args()
        .nth(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(2_000);
    let config = sipe::config::Config {
        data_dir: dir.clone().into(),
        database_url: std::env::var("SIPE_DATABASE_URL").ok(),
        ..Default::default()
    };
    let db = sipe::db::connect(&config.effective_database_url()).await?;
    let index = sipe::persons::module::open_index(&config, &sipe::startup::modules(), false)?;
    println!(
        "people in the index: {} in {} segment(s)",
        index.len(),
        index.segments()
    );
    let sample = sipe::persons::store::search(
        &db,
        None,
        &Access::system("bench"),
        &PersonQuery::default(),
        PersonSort::UpdatedAt,
        true,
        0,
        queries as u64,
    )
    .await?
    .0;
    let capital = sipe::territory::store::find_office_by_code(&db, "OE-CAP-01").await?;
    let scoped = capital.map(|o| Access {
        capture: Scope::Offices(vec![ScopedOffice {
            id: o.id,
            code: o.code.clone(),
            path: o.path.clone(),
        }]),
        view: Scope::Offices(vec![ScopedOffice {
            id: o.id,
            code: o.code.clone(),
            path: o.path.clone(),
        }]),
        search: Scope::Offices(vec![ScopedOffice {
            id: o.id,
            code: o.code,
            path: o.path,
        }]),
        ..Access::system("bench")
    });
    let mut runs: Vec<(&str, Access)> = vec![("national scope", Access::system("bench"))];
    if let Some(a) = scoped {
        runs.push(("one office's scope", a));
    }
    // The same name queries, for the PostgreSQL pg_trgm comparison.
    if let Ok(out) = std::env::var("SIPE_BENCH_QUERIES_OUT") {
        let lines: Vec<String> = sample
            .iter()
            .enumerate()
            .map(|(n, p)| {
                let first = p.names.split_whitespace().next().unwrap_or("");
                let surname = p.surnames.split_whitespace().last().unwrap_or("");
                format!("{} {}", typo(surname, n), first)
            })
            .collect();
        std::fs::write(out, lines.join("\n") + "\n")?;
    }
    // The index alone (no database), to tell its share of the time.
    let mut times = Vec::with_capacity(sample.len());
    for (n, p) in sample.iter().enumerate() {
        let first = p.names.split_whitespace().next().unwrap_or("");
        let surname = p.surnames.split_whitespace().last().unwrap_or("");
        let q = format!("{} {}", typo(surname, n), first);
        let start = Instant::now();
        index.search(&q, &sipe::persons::search::Filters::default(), 0, 25)?;
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(|a, b| a.total_cmp(b));
    println!(
        "index only, name with typo: p50 {:.2} ms, p99 {:.2} ms",
        percentile(&times, 0.5),
        percentile(&times, 0.99)
    );
    for (label, access) in &runs {
        for (kind, by_dni) in [("name with typo", false), ("DNI", true)] {
            let mut times = Vec::with_capacity(sample.len());
            let mut hits = 0usize;
            for (n, p) in sample.iter().enumerate() {
                let q = if by_dni {
                    p.doc_number.clone()
                } else {
                    let first = p.names.split_whitespace().next().unwrap_or("");
                    let surname = p.surnames.split_whitespace().last().unwrap_or("");
                    format!("{} {}", typo(surname, n), first)
                };
                let query = PersonQuery {
                    q,
                    ..Default::default()
                };
                let start = Instant::now();
                let (rows, _) = store::search(
                    &db,
                    Some(&index),
                    access,
                    &query,
                    PersonSort::Name,
                    false,
                    0,
                    25,
                )
                .await?;
                times.push(start.elapsed().as_secs_f64() * 1000.0);
                hits += usize::from(!rows.is_empty());
            }
            times.sort_by(|a, b| a.total_cmp(b));
            println!(
                "{label}, {kind}: {} queries, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms, {hits} with results",
                times.len(),
                percentile(&times, 0.5),
                percentile(&times, 0.99),
                times.last().copied().unwrap_or_default()
            );
        }
    }
    Ok(())
}
