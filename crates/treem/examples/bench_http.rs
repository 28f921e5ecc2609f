//! Load benchmark of the registry pages: N concurrent signed-in clients
//! search (the children's list with `q`) and open children's pages, and the
//! latency percentiles are printed. Used by `scripts/bench-registry.sh`
//! and `scripts/bench-lb.sh`.
//!
//! `cargo run --release -p treem --example bench_http -- URL USER PASSWORD [CLIENTS] [REQUESTS_EACH] [MAX_ID|@IDS_FILE] [PAGES]`
//!
//! With `PAGES`, only one kind of page: `search`, `profile`, `dashboard`
//! (the indicators dashboard, `/indicators` for the periods 2024, H1 2025,
//! 2025), `gaps` (`/indicators/gaps` for those periods, by sex, ethnicity
//! or poverty), or a commune officer's lists: `children` (`/children`),
//! `nutrition` (the growth list) and `ids` (the ID page).
//!
//! A `{n}` in USER is replaced by the client's number (0, 1, …): each
//! client signs in as its own account (e.g. `xa{n}`, one officer of each
//! of 32 communes). A sign-in refused, or a page answered with the login
//! page, stops the run: a redirected request is not a measured page.

use std::time::{Duration, Instant};

use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};

/// What officers type: family names, given names, both, without accents,
/// sometimes a birth year.
const FAMILY: &[&str] = &[
    "giang", "vang", "ly", "sung", "thao", "tan", "chao", "lo", "tao", "lu", "hoang", "nguyen",
    "tran",
];
const GIVEN: &[&str] = &[
    "pao", "su", "mai", "dua", "chu", "lap", "hoa", "lan", "xuan", "sanh", "lo", "duc", "anh",
];

fn query(rng: &mut StdRng) -> String {
    let family = FAMILY.choose(rng).copied().unwrap_or("lo");
    let given = GIVEN.choose(rng).copied().unwrap_or("mai");
    match rng.random_range(0..4) {
        0 => format!("{family} {given}"),
        1 => format!("{given} {family}"),
        2 => format!("{family} thi {given}"),
        _ => format!("{given} {}", rng.random_range(2011..2027)),
    }
}

#[path = "shared/mod.rs"]
mod shared;

async fn client(
    base: &str,
    user: &str,
    password: &str,
) -> Result<reqwest::Client, Box<dyn std::error::Error>> {
    let c = reqwest::Client::builder().cookie_store(true).build()?;
    let answer = shared::sign_in(&c, base, user, password).await?;
    if !answer.status().is_success() || answer.url().path() == "/login" {
        return Err(format!("{user}: sign-in refused ({})", answer.status()).into());
    }
    Ok(c)
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn report(name: &str, mut v: Vec<Duration>, wall: Duration) {
    v.sort();
    println!(
        "{name}: {} requests, {:.0}/s, p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        v.len(),
        v.len() as f64 / wall.as_secs_f64(),
        percentile(&v, 0.50),
        percentile(&v, 0.95),
        percentile(&v, 0.99),
        percentile(&v, 1.0),
    );
}

/// The children whose pages are asked for: `1..=MAX_ID`, or with `@FILE`
/// the ids in FILE, one a line (the children of a scope whose ids are not
/// in one run, as in a registry entered interleaved).
fn children_asked_for(arg: Option<&str>) -> Result<Vec<i64>, Box<dyn std::error::Error>> {
    let ids: Vec<i64> = match arg {
        Some(file) if file.starts_with('@') => std::fs::read_to_string(&file[1..])?
            .lines()
            .map(|l| l.trim().parse::<i64>())
            .collect::<Result<_, _>>()?,
        other => (1..=other.and_then(|s| s.parse().ok()).unwrap_or(1_000_000)).collect(),
    };
    if ids.is_empty() {
        return Err("no child to ask for".into());
    }
    Ok(ids)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let base = args
        .get(1)
        .cloned()
        .unwrap_or_else(|| "http://127.0.0.1:18090".into());
    let user = args.get(2).cloned().unwrap_or_else(|| "tinh".into());
    let password = args.get(3).cloned().unwrap_or_default();
    let clients: usize = args.get(4).and_then(|s| s.parse().ok()).unwrap_or(32);
    let each: usize = args.get(5).and_then(|s| s.parse().ok()).unwrap_or(100);
    let ids = std::sync::Arc::new(children_asked_for(args.get(6).map(String::as_str))?);
    let mut sessions = Vec::new();
    for n in 0..clients {
        let name = user.replace("{n}", &n.to_string());
        sessions.push(client(&base, &name, &password).await?);
    }
    println!("{clients} clients signed in");
    let all_kinds = [
        ("search", "search (/children?q=…)"),
        ("profile", "child page (/children/{id})"),
        ("dashboard", "indicators dashboard (/indicators)"),
        ("gaps", "gaps between groups (/indicators/gaps)"),
        ("children", "children's list (/children)"),
        ("nutrition", "growth list (/nutrition)"),
        ("ids", "ID page (/ids)"),
    ];
    let kinds: Vec<(&str, &str)> = match args.get(7).map(String::as_str) {
        Some(only) => all_kinds.into_iter().filter(|k| k.0 == only).collect(),
        None => all_kinds[..2].to_vec(),
    };
    for (kind, label) in kinds {
        let started = Instant::now();
        let mut tasks = Vec::new();
        for (n, c) in sessions.iter().cloned().enumerate() {
            let base = base.clone();
            let ids = ids.clone();
            tasks.push(tokio::spawn(async move {
                let mut rng = StdRng::seed_from_u64(n as u64);
                let mut times = Vec::with_capacity(each);
                let mut failed = 0usize;
                for _ in 0..each {
                    let period = ["year=2024&half=0", "year=2025&half=1", "year=2025&half=0"]
                        .choose(&mut rng)
                        .copied()
                        .unwrap_or("year=2025&half=0");
                    let url = if kind == "dashboard" {
                        format!("{base}/indicators?{period}")
                    } else if kind == "gaps" {
                        let by = ["sex", "ethnicity", "poverty"]
                            .choose(&mut rng)
                            .copied()
                            .unwrap_or("sex");
                        format!("{base}/indicators/gaps?{period}&by={by}")
                    } else if ["children", "nutrition", "ids"].contains(&kind) {
                        format!("{base}/{kind}")
                    } else if kind == "search" {
                        format!("{base}/children?q={}", query(&mut rng).replace(' ', "+"))
                    } else {
                        format!(
                            "{base}/children/{}",
                            ids.choose(&mut rng).copied().unwrap_or(1)
                        )
                    };
                    let t = Instant::now();
                    let ok = match c.get(&url).send().await {
                        Ok(r) if r.url().path() == "/login" => {
                            return Err(format!("{url}: answered with the login page"));
                        }
                        Ok(r) => r.status().is_success() && r.bytes().await.is_ok(),
                        Err(_) => false,
                    };
                    if ok {
                        times.push(t.elapsed());
                    } else {
                        failed += 1;
                    }
                }
                Ok((times, failed))
            }));
        }
        let mut all = Vec::new();
        let mut failed = 0;
        for t in tasks {
            let (times, f) = t.await??;
            all.extend(times);
            failed += f;
        }
        report(label, all, started.elapsed());
        if failed > 0 {
            println!("  {failed} requests failed (not counted above)");
        }
    }
    Ok(())
}
