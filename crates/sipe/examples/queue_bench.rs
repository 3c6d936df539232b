//! The counter queue under load (issue #18) (see `scripts/bench-queue.sh`):
//!  - `setup DATA_DIR TOKENS OFFICES COUNTERS`: into the database, before the server
//!    starts: OFFICES offices (`BQ-001`…), each with a service and COUNTERS counters
//!    calling it, each counter with its own operator and token (written to TOKENS);
//!  - `load URL TOKENS SECONDS RATE`: against the server, every counter issues a ticket,
//!    calls the next and finishes it, round after round, the whole at RATE ticket
//!    operations a second; one display per office follows its stream. Prints the rate
//!    reached, the latency percentiles of each operation, and for every call how long
//!    after its answer the office's display got it (and the calls it never got);
//!  - `streams URL OFFICES N SECONDS`: N display streams spread over the offices, held
//!    SECONDS; prints how many stayed open and how many calls they received;
//!  - `call URL TOKENS`: a ticket issued and called in each office (while the streams
//!    are held, each should receive one).
//!
//!   cargo run --release --example queue_bench -- setup DATA_DIR /tmp/tokens 47 10

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

fn code(i: usize) -> String {
    format!("BQ-{:03}", i + 1)
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_max_idle_per_host(1_024)
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap_or_default()
}

async fn post(c: &reqwest::Client, url: &str, token: &str, body: Value) -> anyhow::Result<Value> {
    let res = c.post(url).bearer_auth(token).json(&body).send().await?;
    let status = res.status();
    let v: Value = res.json().await.unwrap_or(Value::Null);
    anyhow::ensure!(status.is_success(), "POST {url}: {status} {v}");
    Ok(v)
}

/// The desks, straight into the database of DATA_DIR (or `SIPE_DATABASE_URL`): each
/// office with a service `A` and its counters, each counter with its own operator and
/// API token. Writes `office counter-id service-id token` lines to TOKENS.
async fn setup(dir: &str, tokens: &str, offices: usize, counters: usize) -> anyhow::Result<()> {
    let config = sipe::config::Config {
        data_dir: dir.into(),
        database_url: std::env::var("SIPE_DATABASE_URL")
            .ok()
            .filter(|u| !u.is_empty()),
        ..Default::default()
    };
    let db = sipe::startup::open_database(&config).await?;
    let system = sipe::access::Access::system("bench");
    let ctx = sipe::audit::AuditCtx::system();
    let err = |e: sipe::attention::error::AttentionError| anyhow::anyhow!("{e}");
    let mut lines = String::new();
    for i in 0..offices {
        let code = code(i);
        let input = sipe::territory::domain::OfficeInput {
            code: code.clone(),
            name: format!("Oficina de carga {}", i + 1),
            kind: "employment_office".into(),
            ..Default::default()
        };
        sipe::territory::service::create_office(&db, &ctx, &system, &input)
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let service = sipe::attention::desk::service::create_service(
            &db,
            &ctx,
            &system,
            &code,
            &sipe::attention::desk::ServiceInput {
                prefix: "A".into(),
                name: "Atención general".into(),
                ..Default::default()
            },
        )
        .await
        .map_err(err)?;
        for n in 0..counters {
            let counter = sipe::attention::desk::service::create_counter(
                &db,
                &ctx,
                &system,
                &code,
                &sipe::attention::desk::CounterInput {
                    name: format!("Box {}", n + 1),
                    services: vec![service],
                    active: None,
                },
            )
            .await
            .map_err(err)?;
            let username = format!("{}-{:02}", code.to_lowercase(), n + 1);
            let user = sipe::access::service::UserInput {
                username: username.clone(),
                full_name: format!("Operador {username}"),
                role: "operator".into(),
                scopes: sipe::access::service::ScopeInput::same_offices(vec![code.clone()]),
                ..Default::default()
            };
            let id = sipe::access::service::create_user(
                &db,
                &ctx,
                &system,
                &user,
                "una clave larga de prueba",
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            let token = sipe::access::service::create_token(
                &db,
                &ctx,
                id,
                "bench",
                "",
                sipe::access::service::TokenLife::of(&config),
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            lines.push_str(&format!("{code} {counter} {service} {token}\n"));
        }
    }
    std::fs::write(tokens, lines)?;
    println!("{offices} offices with {counters} counters each, an operator at each");
    Ok(())
}

/// Latencies in microseconds, by operation.
type Samples = Arc<Mutex<HashMap<&'static str, Vec<u64>>>>;

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i] as f64 / 1000.0
}

fn report(name: &str, mut v: Vec<u64>) {
    v.sort_unstable();
    println!(
        "| {name} | {} | {:.1} | {:.1} | {:.1} | {:.1} |",
        v.len(),
        percentile(&v, 0.5),
        percentile(&v, 0.95),
        percentile(&v, 0.99),
        percentile(&v, 1.0)
    );
}

/// Follows one display stream; records when each number arrived.
async fn follow(
    url: String,
    arrived: Arc<Mutex<HashMap<String, Instant>>>,
    stop: Arc<std::sync::atomic::AtomicBool>,
) -> anyhow::Result<usize> {
    let c = reqwest::Client::new();
    let mut res = c.get(&url).send().await?;
    anyhow::ensure!(res.status().is_success(), "{url}: {}", res.status());
    let mut text = String::new();
    let mut n = 0;
    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
        let Ok(chunk) = tokio::time::timeout(Duration::from_millis(500), res.chunk()).await else {
            continue;
        };
        let Some(chunk) = chunk? else { break };
        let now = Instant::now();
        text.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = text.find("\n\n") {
            let event: String = text.drain(..end + 2).collect();
            if let Some(data) = event.lines().find_map(|l| l.strip_prefix("data:")) {
                let v: Value = serde_json::from_str(data.trim()).unwrap_or(Value::Null);
                if let Some(number) = v["number"].as_str() {
                    arrived
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .insert(format!("{}|{number}", url), now);
                    n += 1;
                }
            }
        }
    }
    Ok(n)
}

/// The desks `setup` wrote: office, counter, service, the counter operator's token.
fn desks_of(tokens: &str) -> anyhow::Result<Vec<(String, String, String, String)>> {
    Ok(std::fs::read_to_string(tokens)?
        .lines()
        .filter_map(|l| {
            let mut f = l.split_whitespace().map(str::to_owned);
            Some((f.next()?, f.next()?, f.next()?, f.next()?))
        })
        .collect())
}

async fn load(base: &str, tokens: &str, seconds: u64, rate: f64) -> anyhow::Result<()> {
    let c = client();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let arrived: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let mut displays = Vec::new();
    let mut desks = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (code, counter, service, token) in desks_of(tokens)? {
        let url = format!("{base}/offices/{code}/display/events");
        if seen.insert(code.clone()) {
            displays.push(tokio::spawn(follow(
                url.clone(),
                arrived.clone(),
                stop.clone(),
            )));
        }
        desks.push((code, service, counter, url, token));
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let samples: Samples = Arc::default();
    let called: Arc<Mutex<Vec<(String, Instant)>>> = Arc::default();
    let errors = Arc::new(std::sync::atomic::AtomicU64::new(0));
    // Each counter does one operation every `period`, started at an offset, so the
    // whole runs at `rate` operations a second (open loop: a slow answer delays only
    // its own counter's next operation).
    let period = Duration::from_secs_f64(desks.len() as f64 / rate);
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let mut workers = Vec::new();
    let n = desks.len() as f64;
    for (k, (code, service, counter, display, token)) in desks.into_iter().enumerate() {
        let (c, base) = (c.clone(), base.to_owned());
        let (samples, called, errors) = (samples.clone(), called.clone(), errors.clone());
        let offset = period.mul_f64(k as f64 / n);
        workers.push(tokio::spawn(async move {
            tokio::time::sleep(offset).await;
            let mut next = tokio::time::Instant::now();
            let mut step = 0u64;
            let mut held: Option<String> = None;
            while Instant::now() < deadline {
                tokio::time::sleep_until(next).await;
                next += period;
                let t0 = Instant::now();
                let (name, result) = match step % 3 {
                    0 => (
                        "issue",
                        post(
                            &c,
                            &format!("{base}/api/v1/offices/{code}/tickets"),
                            &token,
                            json!({"service_id": service}),
                        )
                        .await,
                    ),
                    1 => (
                        "call-next",
                        post(
                            &c,
                            &format!("{base}/api/v1/counters/{counter}/call-next"),
                            &token,
                            json!({}),
                        )
                        .await,
                    ),
                    _ => match held.take() {
                        Some(id) => (
                            "finish",
                            post(
                                &c,
                                &format!("{base}/api/v1/tickets/{id}/steps"),
                                &token,
                                json!({"step": "finish"}),
                            )
                            .await,
                        ),
                        None => {
                            step += 1;
                            continue;
                        }
                    },
                };
                let micros = t0.elapsed().as_micros() as u64;
                match result {
                    Ok(v) => {
                        samples
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .entry(name)
                            .or_default()
                            .push(micros);
                        if name == "call-next" {
                            held = v["id"].as_str().map(str::to_owned);
                            if let Some(n) = v["number"].as_str() {
                                called
                                    .lock()
                                    .unwrap_or_else(|e| e.into_inner())
                                    .push((format!("{display}|{n}"), t0));
                            }
                        }
                    }
                    Err(e) => {
                        // Another counter of the office took the last waiting ticket.
                        if !(name == "call-next" && e.to_string().contains("409")) {
                            errors.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            eprintln!("{e}");
                        }
                    }
                }
                step += 1;
            }
        }));
    }
    for w in workers {
        w.await?;
    }
    let elapsed = started.elapsed().as_secs_f64();
    tokio::time::sleep(Duration::from_secs(2)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for d in displays {
        let _ = d.await;
    }
    let samples = std::mem::take(&mut *samples.lock().unwrap_or_else(|e| e.into_inner()));
    let total: usize = samples.values().map(Vec::len).sum();
    println!(
        "{total} ticket operations in {elapsed:.1} s: {:.0} a second (asked {rate}); {} errors",
        total as f64 / elapsed,
        errors.load(std::sync::atomic::Ordering::Relaxed)
    );
    println!(
        "\n| operation | count | p50 ms | p95 ms | p99 ms | max ms |\n|---|---|---|---|---|---|"
    );
    let mut all = Vec::new();
    for (name, v) in &samples {
        all.extend_from_slice(v);
        report(name, v.clone());
    }
    report("all", all);
    let arrived = arrived.lock().unwrap_or_else(|e| e.into_inner());
    let called = called.lock().unwrap_or_else(|e| e.into_inner());
    let mut lags = Vec::new();
    let mut missed = 0;
    for (key, answered) in called.iter() {
        match arrived.get(key) {
            Some(at) => lags.push(at.saturating_duration_since(*answered).as_micros() as u64),
            None => missed += 1,
        }
    }
    println!("\n{} calls; the displays never got {missed}", called.len());
    println!(
        "\n| display got the call, after the call was sent | count | p50 ms | p95 ms | p99 ms | max ms |\n|---|---|---|---|---|---|"
    );
    report("display", lags);
    Ok(())
}

/// One ticket issued and called in each office (for the streams held open).
async fn call_each(base: &str, tokens: &str) -> anyhow::Result<()> {
    let c = client();
    let mut seen = std::collections::HashSet::new();
    for (code, counter, service, token) in desks_of(tokens)? {
        if !seen.insert(code.clone()) {
            continue;
        }
        post(
            &c,
            &format!("{base}/api/v1/offices/{code}/tickets"),
            &token,
            json!({"service_id": service}),
        )
        .await?;
        post(
            &c,
            &format!("{base}/api/v1/counters/{counter}/call-next"),
            &token,
            json!({}),
        )
        .await?;
    }
    println!("a call in each of {} offices", seen.len());
    Ok(())
}

async fn streams(base: &str, offices: usize, n: usize, seconds: u64) -> anyhow::Result<()> {
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let arrived: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let mut tasks = Vec::new();
    for i in 0..n {
        let url = format!("{base}/offices/{}/display/events?s={i}", code(i % offices));
        tasks.push(tokio::spawn(follow(url, arrived.clone(), stop.clone())));
        if i % 100 == 99 {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    println!("{n} display streams opened over {offices} offices; holding {seconds} s");
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut open = 0;
    let mut events = 0;
    for t in tasks {
        if let Ok(Ok(k)) = t.await {
            open += 1;
            events += k;
        }
    }
    println!("{open} streams held to the end, {events} calls received");
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).cloned().unwrap_or_default();
    let num = |i: usize, d: usize| args.get(i).and_then(|s| s.parse().ok()).unwrap_or(d);
    match arg(0).as_str() {
        "setup" => setup(&arg(1), &arg(2), num(3, 47), num(4, 10)).await,
        "load" => {
            let rate = args.get(4).and_then(|s| s.parse().ok()).unwrap_or(600.0);
            load(&arg(1), &arg(2), num(3, 60) as u64, rate).await
        }
        "streams" => streams(&arg(1), num(2, 47), num(3, 1_000), num(4, 30) as u64).await,
        "call" => call_each(&arg(1), &arg(2)).await,
        _ => anyhow::bail!("usage: queue_bench setup|load|streams …"),
    }
}
