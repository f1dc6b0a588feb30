//! Load benchmark: files requests concurrently over loopback and reports the
//! durable filing rate and latency percentiles.
//!
//!     cargo bench -p aftersales-server --bench load -- [--requests N] [--concurrency C] [--url URL]
//!
//! Without `--url` it starts the real server in-process on 127.0.0.1:0 with a
//! fresh SQLite file (WAL, synchronous=FULL: every 201 is on disk), or on
//! `BENCH_DATABASE_URL` if set. Each filing is a full `POST /api/requests`:
//! JSON validation, order lookup, the rule engine re-check, and a durable commit
//! (grouped with other filings by the writer task).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use aftersales_server::config::Config;
use aftersales_server::Application;
use serde_json::{json, Value};

struct Args {
    requests: usize,
    concurrency: usize,
    url: Option<String>,
}

fn args() -> Args {
    let mut a = Args {
        requests: 20_000,
        concurrency: 64,
        url: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--requests" => {
                a.requests = it.next().and_then(|v| v.parse().ok()).unwrap_or(a.requests)
            }
            "--concurrency" => {
                a.concurrency = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(a.concurrency)
            }
            "--url" => a.url = it.next(),
            _ => {} // `cargo bench` passes --bench
        }
    }
    a
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() {
    let args = args();
    let dir = tempfile::tempdir().expect("temp dir");
    let (base, backend, _server) = match &args.url {
        Some(url) => (
            url.trim_end_matches('/').to_owned(),
            "external".to_owned(),
            None,
        ),
        None => {
            let database_url = std::env::var("BENCH_DATABASE_URL")
                .unwrap_or_else(|_| format!("sqlite://{}", dir.path().join("bench.db").display()));
            let config = Config {
                port: 0,
                database_url,
                static_dir: dir.path().join("dist"),
                lookup_rate_per_minute: 1_000_000,
                ..Config::default()
            };
            let app = Application::build(config).await.expect("server starts");
            let base = format!("http://{}", app.addr);
            let backend = app.db().backend.name().to_owned();
            let handle = tokio::spawn(app.run_until(std::future::pending()));
            (base, backend, Some(handle))
        }
    };
    let client = reqwest::Client::builder()
        .no_proxy()
        .pool_max_idle_per_host(args.concurrency)
        .build()
        .expect("client");
    let order: Value = client
        .get(format!("{base}/api/orders/DEMO-1003?phone=13800138000"))
        .send()
        .await
        .expect("lookup")
        .json()
        .await
        .expect("order");
    let filed_at =
        aftersales_rules::Timestamp::from_unix(aftersales_server::db::unix_now(), 8 * 3600)
            .expect("now")
            .to_string();
    // Bodies are prepared up front so the load generator spends its CPU on I/O.
    let bodies: Arc<Vec<Vec<u8>>> = Arc::new(
        (0..args.requests + args.concurrency * 2)
            .map(|_| {
                serde_json::to_vec(&json!({
                    "id": uuid::Uuid::new_v4().to_string(),
                    "filed_at": filed_at,
                    "case": {
                        "order": order,
                        "request": {"type": "return", "reason": "changed_mind"},
                        "facts": {"goods_intact": true},
                        "documents": ["receipt", "delivery_note"]
                    },
                    "contact": {"name": "王女士", "phone": "13800138000"},
                    "description": "Load test filing."
                }))
                .expect("body")
            })
            .collect(),
    );

    // Warm up connections and caches (not counted).
    let warm = args.concurrency * 2;
    let next = Arc::new(AtomicUsize::new(0));
    let run = |limit: usize| {
        let mut tasks = Vec::new();
        for _ in 0..args.concurrency {
            let client = client.clone();
            let bodies = bodies.clone();
            let next = next.clone();
            let url = format!("{base}/api/requests");
            tasks.push(tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut failures = 0usize;
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= limit {
                        break;
                    }
                    let started = Instant::now();
                    let result = client
                        .post(&url)
                        .header("content-type", "application/json")
                        .body(bodies[i].clone())
                        .send()
                        .await;
                    match result {
                        Ok(r) if r.status().as_u16() == 201 => {
                            let _ = r.bytes().await;
                            latencies.push(started.elapsed());
                        }
                        Ok(r) => {
                            if failures < 3 {
                                eprintln!("unexpected {}", r.status());
                            }
                            failures += 1;
                        }
                        Err(e) => {
                            if failures < 3 {
                                eprintln!("error: {e}");
                            }
                            failures += 1;
                        }
                    }
                }
                (latencies, failures)
            }));
        }
        tasks
    };
    for t in run(warm) {
        t.await.expect("task");
    }

    next.store(warm, Ordering::SeqCst);
    let started = Instant::now();
    let mut latencies = Vec::with_capacity(args.requests);
    let mut failures = 0;
    for t in run(warm + args.requests) {
        let (l, f) = t.await.expect("task");
        latencies.extend(l);
        failures += f;
    }
    let elapsed = started.elapsed();
    latencies.sort_unstable();
    let ok = latencies.len();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "durable filings: {ok} in {:.2} s over {} ({backend}), concurrency {}",
        elapsed.as_secs_f64(),
        base,
        args.concurrency
    );
    println!(
        "throughput: {:.0} requests/s",
        ok as f64 / elapsed.as_secs_f64()
    );
    println!(
        "latency: p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        ms(percentile(&latencies, 0.50)),
        ms(percentile(&latencies, 0.90)),
        ms(percentile(&latencies, 0.99)),
        ms(percentile(&latencies, 1.0)),
    );
    if failures > 0 {
        println!("failures: {failures}");
        std::process::exit(1);
    }
}
