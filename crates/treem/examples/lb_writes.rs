//! Writes through a balancer while a server dies (issue 22, item 2): N
//! signed-in clients each add children through the form (`/children/new`,
//! each with a child number of its own) for a number of seconds and write
//! one line per request to OUT: `child_number status` (status 0: no
//! answer). The script that runs it kills a server meanwhile and then
//! checks every answered write against the database (never a success
//! without a commit) and that every client went on in its session.
//!
//! `cargo run --release -p treem --example lb_writes -- URL USER PASSWORD CLIENTS SECONDS PREFIX OUT`

use std::io::Write;
use std::time::{Duration, Instant};

#[path = "shared/mod.rs"]
mod shared;

use shared::csrf_of;

async fn signed_in(
    base: &str,
    user: &str,
    password: &str,
) -> Result<reqwest::Client, reqwest::Error> {
    let c = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()?;
    let res = shared::sign_in(&c, base, user, password).await?;
    assert_eq!(res.status().as_u16(), 303, "sign-in of {user}");
    Ok(c)
}

/// One client's requests: (child number, HTTP status or 0). A write
/// answered otherwise than as stored (the form again, with what was wrong)
/// counts as not stored.
async fn run(c: reqwest::Client, base: String, prefix: String, seconds: u64) -> Vec<(String, u16)> {
    let mut out = Vec::new();
    let started = Instant::now();
    let mut csrf = String::new();
    let mut n = 0;
    while started.elapsed() < Duration::from_secs(seconds) {
        if csrf.is_empty() {
            // The form's token (the session's, whichever server answers).
            if let Ok(r) = c.get(format!("{base}/children/new")).send().await
                && let Ok(t) = r.text().await
            {
                csrf = csrf_of(&t);
            }
            if csrf.is_empty() {
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        }
        n += 1;
        let number = format!("{prefix}-{n}");
        let name = format!("Lò Thị Thử {n}");
        let form = [
            ("csrf", csrf.as_str()),
            ("child_id", number.as_str()),
            ("full_name", name.as_str()),
            ("sex", "F"),
            ("date_of_birth", "12/03/2023"),
            ("commune_code", "03424"),
            ("village", "Bản Bo"),
            ("mother_name", "Lò Thị Mai"),
            ("status", "active"),
            ("ethnicity", "08"),
            // Alike by design (one name, one birth date): not duplicates.
            ("not_duplicate", "on"),
        ];
        let status = match c
            .post(format!("{base}/children/new"))
            .form(&form)
            .send()
            .await
        {
            Ok(r) => {
                let s = r.status().as_u16();
                let _ = r.bytes().await;
                s
            }
            Err(_) => 0,
        };
        out.push((number, status));
    }
    out
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let arg = |i: usize, what: &str| args.get(i).cloned().ok_or(format!("missing {what}"));
    let base = arg(1, "URL")?;
    let user = arg(2, "USER")?;
    let password = arg(3, "PASSWORD")?;
    let clients: usize = arg(4, "CLIENTS")?.parse()?;
    let seconds: u64 = arg(5, "SECONDS")?.parse()?;
    let prefix = arg(6, "PREFIX")?;
    let out = arg(7, "OUT")?;
    let mut tasks = Vec::new();
    for i in 0..clients {
        let c = signed_in(&base, &user, &password).await?;
        tasks.push(tokio::spawn(run(
            c,
            base.clone(),
            format!("{prefix}{i}"),
            seconds,
        )));
    }
    let mut file = std::io::BufWriter::new(std::fs::File::create(&out)?);
    let (mut ok, mut failed) = (0, 0);
    for t in tasks {
        for (number, status) in t.await? {
            if status == 303 {
                ok += 1;
            } else {
                failed += 1;
            }
            writeln!(file, "{number} {status}")?;
        }
    }
    file.flush()?;
    println!(
        "{clients} clients: {ok} children stored (303), {failed} answered otherwise or not at all"
    );
    Ok(())
}
