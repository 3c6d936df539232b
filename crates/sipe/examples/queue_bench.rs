//! The counter queue under load (issue #18), against a running server, as an admin
//! token (see `scripts/bench-queue.sh`):
//!  - `setup URL TOKEN OFFICES COUNTERS`: OFFICES offices (`BQ-001`…), each with a
//!    service and COUNTERS counters calling it;
//!  - `load URL TOKEN OFFICES COUNTERS SECONDS RATE`: every counter issues a ticket,
//!    calls the next and finishes it, round after round, the whole at RATE ticket
//!    operations a second; one display per office follows its stream. Prints the rate
//!    reached, the latency percentiles of each operation, and for every call how long
//!    after its answer the office's display got it (and the calls it never got);
//!  - `streams URL OFFICES N SECONDS`: N display streams spread over the offices, held
//!    SECONDS; prints how many stayed open and how many calls they received;
//!  - `call URL TOKEN OFFICES`: a ticket issued and called in each office (while the
//!    streams are held, each should receive one).
//!
//!   cargo run --release --example queue_bench -- setup http://127.0.0.1:8080 TOKEN 47 10

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

async fn setup(base: &str, token: &str, offices: usize, counters: usize) -> anyhow::Result<()> {
    let c = client();
    for i in 0..offices {
        let code = code(i);
        let res = c
            .post(format!("{base}/api/v1/offices"))
            .bearer_auth(token)
            .json(
                &json!({"code": code, "name": format!("Oficina de carga {}", i + 1),
                "kind": "employment_office"}),
            )
            .send()
            .await?;
        anyhow::ensure!(
            res.status().is_success() || res.status().as_u16() == 409,
            "office {code}: {}",
            res.status()
        );
        let service = post(
            &c,
            &format!("{base}/api/v1/offices/{code}/services"),
            token,
            json!({"prefix": "A", "name": "Atención general"}),
        )
        .await?;
        for n in 0..counters {
            post(
                &c,
                &format!("{base}/api/v1/offices/{code}/counters"),
                token,
                json!({"name": format!("Box {}", n + 1), "services": [service["id"]]}),
            )
            .await?;
        }
    }
    println!("{offices} offices with {counters} counters each");
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

async fn ids(
    c: &reqwest::Client,
    base: &str,
    token: &str,
    code: &str,
) -> anyhow::Result<(String, Vec<String>)> {
    let get = |path: String| {
        let c = c.clone();
        let token = token.to_owned();
        async move {
            let v: Value = c.get(path).bearer_auth(token).send().await?.json().await?;
            anyhow::Ok(v)
        }
    };
    let services = get(format!("{base}/api/v1/offices/{code}/services")).await?;
    let counters = get(format!("{base}/api/v1/offices/{code}/counters")).await?;
    let service = services["items"][0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let counters = counters["items"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|c| c["id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    Ok((service, counters))
}

async fn load(
    base: &str,
    token: &str,
    offices: usize,
    counters: usize,
    seconds: u64,
    rate: f64,
) -> anyhow::Result<()> {
    let c = client();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let arrived: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let mut displays = Vec::new();
    let mut desks = Vec::new();
    for i in 0..offices {
        let code = code(i);
        let (service, ids) = ids(&c, base, token, &code).await?;
        anyhow::ensure!(!ids.is_empty(), "{code} has no counters: run setup first");
        let url = format!("{base}/offices/{code}/display/events");
        displays.push(tokio::spawn(follow(
            url.clone(),
            arrived.clone(),
            stop.clone(),
        )));
        for counter in ids.into_iter().take(counters) {
            desks.push((code.clone(), service.clone(), counter, url.clone()));
        }
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
    for (k, (code, service, counter, display)) in desks.into_iter().enumerate() {
        let (c, token, base) = (c.clone(), token.to_owned(), base.to_owned());
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
                                    .push((format!("{display}|{n}"), Instant::now()));
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
        "\n| display update after the call's answer | count | p50 ms | p95 ms | p99 ms | max ms |\n|---|---|---|---|---|---|"
    );
    report("display", lags);
    Ok(())
}

/// One ticket issued and called in each office (for the streams held open).
async fn call_each(base: &str, token: &str, offices: usize) -> anyhow::Result<()> {
    let c = client();
    for i in 0..offices {
        let code = code(i);
        let (service, counters) = ids(&c, base, token, &code).await?;
        post(
            &c,
            &format!("{base}/api/v1/offices/{code}/tickets"),
            token,
            json!({"service_id": service}),
        )
        .await?;
        let counter = counters.first().cloned().unwrap_or_default();
        post(
            &c,
            &format!("{base}/api/v1/counters/{counter}/call-next"),
            token,
            json!({}),
        )
        .await?;
    }
    println!("a call in each of {offices} offices");
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
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |i: usize| args.get(i).cloned().unwrap_or_default();
    let num = |i: usize, d: usize| args.get(i).and_then(|s| s.parse().ok()).unwrap_or(d);
    match arg(0).as_str() {
        "setup" => setup(&arg(1), &arg(2), num(3, 47), num(4, 10)).await,
        "load" => {
            let rate = args.get(6).and_then(|s| s.parse().ok()).unwrap_or(600.0);
            load(
                &arg(1),
                &arg(2),
                num(3, 47),
                num(4, 10),
                num(5, 60) as u64,
                rate,
            )
            .await
        }
        "streams" => streams(&arg(1), num(2, 47), num(3, 1_000), num(4, 30) as u64).await,
        "call" => call_each(&arg(1), &arg(2), num(3, 47)).await,
        _ => anyhow::bail!("usage: queue_bench setup|load|streams …"),
    }
}
