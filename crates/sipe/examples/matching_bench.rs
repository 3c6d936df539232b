//! Matching latency and memory on generated profiles (issue 4), without a database:
//! builds a people index of N generated candidates in a folder, then times
//! vacancy → top 50 (with the explanation of each) and person → open vacancies.
//!
//!   cargo run --release --example matching_bench -- [PEOPLE] [QUERIES] [DIR]
//!
//! Defaults: 1,000,000 people, 500 queries, a temporary folder (deleted at the end).

use std::time::Instant;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sipe::intermediation::matching::index::{self, MatchFilters, Reach};
use sipe::intermediation::matching::open_vacancies::{self, OpenVacancy};
use sipe::intermediation::matching::score::{self, Candidate, Requirements, Weights};
use sipe::persons::search::{PersonDoc, PersonIndex};
use uuid::Uuid;

const OFFICES: usize = 47;
const SKILLS: u64 = 400;
/// Departments of Tucumán (INDEC), and a few of other provinces.
const DEPARTMENTS: [u32; 20] = [
    90007, 90014, 90021, 90028, 90035, 90042, 90049, 90056, 90063, 90070, 90077, 90084, 90091,
    90098, 90105, 90112, 90119, 6_007, 86_007, 66_007,
];

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn dir_mib(dir: &std::path::Path) -> f64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len() as f64)
                .sum::<f64>()
        })
        .unwrap_or(0.0)
        / 1_048_576.0
}

/// Unit groups of the taxonomy, with a skewed popularity (a few occupations are common).
fn unit_groups() -> Vec<u32> {
    let mut groups: Vec<u32> = sipe::taxonomy::reference::occupations()
        .unwrap_or_default()
        .iter()
        .filter_map(|o| sipe::intermediation::matching::codes::unit_group(&o.code))
        .collect();
    groups.sort_unstable();
    groups.dedup();
    groups
}

fn pick_group(rng: &mut StdRng, groups: &[u32]) -> u32 {
    // Squaring a uniform number favours the first (common) groups of a shuffled list.
    let u: f64 = rng.random();
    groups[((u * u) * groups.len() as f64) as usize % groups.len()]
}

fn candidate(rng: &mut StdRng, groups: &[u32]) -> Candidate {
    let mut c = Candidate::default();
    for _ in 0..rng.random_range(1..=3) {
        let g = pick_group(rng, groups);
        if !c.unit_groups.contains(&g) {
            c.unit_groups.push(g);
            if rng.random_bool(0.7) {
                c.experience.push((g, rng.random_range(1..120)));
            }
        }
    }
    for _ in 0..rng.random_range(0..=6) {
        c.skills.push(rng.random_range(0..SKILLS));
    }
    c.education = Some(rng.random_range(0..=7));
    c.licences = if rng.random_bool(0.2) { 0b10 } else { 0 };
    if rng.random_bool(0.15) {
        c.languages.push((1, rng.random_range(0..6)));
    }
    c.department = Some(DEPARTMENTS[rng.random_range(0..DEPARTMENTS.len())]);
    c.hours = rng.random_range(0..=3);
    c.contracts = if rng.random_bool(0.3) { 1 } else { 0 };
    c.salary_expectation = rng
        .random_bool(0.3)
        .then(|| rng.random_range(500_000..2_000_000));
    c
}

fn requirements(rng: &mut StdRng, groups: &[u32]) -> Requirements {
    Requirements {
        unit_group: pick_group(rng, groups),
        required_skills: (0..2).map(|_| rng.random_range(0..SKILLS)).collect(),
        desired_skills: vec![rng.random_range(0..SKILLS)],
        education_min: Some(rng.random_range(1..=4)),
        education_mandatory: rng.random_bool(0.2),
        experience_months: Some(12),
        licence: rng.random_bool(0.2).then_some(0b10),
        licence_mandatory: false,
        languages: Vec::new(),
        department: Some(DEPARTMENTS[rng.random_range(0..17)]),
        hours: score::HOURS_FULL,
        contract: Some(1),
        salary_max: Some(1_200_000),
    }
}

fn report(label: &str, mut times: Vec<f64>) {
    times.sort_by(f64::total_cmp);
    println!(
        "{label}: p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({} queries)",
        percentile(&times, 0.5),
        percentile(&times, 0.95),
        percentile(&times, 0.99),
        times.last().copied().unwrap_or(0.0),
        times.len()
    );
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let people: usize = args
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let queries: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(500);
    let given = args.next();
    let tmp = std::env::temp_dir().join(format!("sipe-matching-bench-{}", std::process::id()));
    let dir = given.clone().map(Into::into).unwrap_or(tmp.clone());
    let mut rng = StdRng::seed_from_u64(2026);
    let mut groups = unit_groups();
    // A fixed shuffle decides which occupations are common.
    for i in (1..groups.len()).rev() {
        groups.swap(i, rng.random_range(0..=i));
    }
    let offices: Vec<Uuid> = (0..OFFICES).map(|_| Uuid::now_v7()).collect();
    println!(
        "{} unit groups; rss before the index {:.0} MiB",
        groups.len(),
        rss_mib()
    );

    let index = PersonIndex::open(
        &dir,
        vec![std::sync::Arc::new(
            sipe::intermediation::matching::index::MatchingFields,
        )],
    )?;
    if index.len() < people as u64 {
        index.clear()?;
        index.set_bulk(true)?;
        let started = Instant::now();
        let mut batch = Vec::with_capacity(50_000);
        for n in 0..people {
            batch.push(PersonDoc {
                id: Uuid::now_v7(),
                office_id: offices[rng.random_range(0..OFFICES)],
                name: format!("persona {n}"),
                sex: "F".into(),
                active: true,
                birth_days: 726_000,
                department: None,
                education: None,
                employment: None,
                disability: false,
                occupations: Vec::new(),
                extra: {
                    let (looking, placed) = (rng.random_bool(0.6), rng.random_bool(0.02));
                    index::candidate_values(&candidate(&mut rng, &groups), looking, placed)
                },
            });
            if batch.len() == 50_000 {
                index.upsert(&batch, None)?;
                batch.clear();
            }
        }
        index.upsert(&batch, None)?;
        index.set_bulk(false)?;
        index.compact()?;
        println!(
            "indexed {people} generated people in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    println!(
        "index: {} people, {} segment(s), {:.0} MiB on disk; rss {:.0} MiB",
        index.len(),
        index.segments(),
        dir_mib(&dir),
        rss_mib()
    );

    let weights = Weights::default();
    // The default search (same ISCO sub-major group), national and for one office, and
    // the broadest one an operator can ask for (any occupation, national).
    for (label, scoped, digits, runs) in [
        ("national", false, 2, queries),
        ("one office", true, 2, queries),
        ("national, any occupation", false, 0, queries / 5),
    ] {
        let mut times = Vec::with_capacity(runs);
        let mut scored = 0u64;
        for _ in 0..runs.max(1) {
            let req = requirements(&mut rng, &groups);
            let filters = MatchFilters {
                offices: scoped.then(|| vec![offices[rng.random_range(0..OFFICES)]]),
                occupation_digits: digits,
                reach: Reach::Anywhere,
            };
            let started = Instant::now();
            let ranking = index::match_candidates(
                &index,
                &req,
                &filters,
                &weights,
                50,
                chrono::Utc::now().date_naive(),
            )?;
            // What the service adds per result: the factors and the gaps.
            let explained: usize = ranking
                .items
                .iter()
                .map(|r| {
                    score::factors(&req, &r.candidate).values.len()
                        + score::gaps(&req, &r.candidate).len()
                })
                .sum();
            times.push(started.elapsed().as_secs_f64() * 1000.0);
            scored += ranking.scored;
            std::hint::black_box(explained);
        }
        report(
            &format!(
                "vacancy → top 50, {label} (mean {} scored)",
                scored / runs.max(1) as u64
            ),
            times,
        );
    }
    println!("rss after matching {:.0} MiB", rss_mib());

    let vacancies: Vec<OpenVacancy> = (0..50_000)
        .map(|_| OpenVacancy {
            id: Uuid::now_v7(),
            office_id: offices[rng.random_range(0..OFFICES)],
            employer_id: Uuid::now_v7(),
            title: "oferta".into(),
            requirements: requirements(&mut rng, &groups),
            skills: Vec::new(),
        })
        .collect();
    let mut times = Vec::with_capacity(queries);
    for _ in 0..queries {
        let c = candidate(&mut rng, &groups);
        let started = Instant::now();
        let top = open_vacancies::rank(&vacancies, &c, |_| true, 2, Reach::Anywhere, &weights, 50);
        times.push(started.elapsed().as_secs_f64() * 1000.0);
        std::hint::black_box(top);
    }
    report("person → 50,000 open vacancies, top 50", times);
    println!("rss at the end {:.0} MiB", rss_mib());
    drop(index);
    if given.is_none() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    Ok(())
}
