//! The installation over time: audit anchors, readiness, the demo on any database and
//! restoring a backup (issue 12, items 13, 14, 16–18).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use reqwest::StatusCode;
use sea_orm::{ConnectionTrait, EntityTrait};
use serde_json::Value;

use crate::helpers::{PASSWORD, PgDatabase, fresh_database};

/// A database and a data dir to run `sipe` commands and servers against.
struct Installation {
    dir: tempfile::TempDir,
    url: String,
    pg: Option<PgDatabase>,
}

const KEY: &str = "una clave de anclas de auditoría bien larga";

impl Installation {
    async fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let (url, pg) = fresh_database(dir.path()).await;
        Self { dir, url, pg }
    }

    fn data(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    fn sipe(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_sipe"))
            .arg("--data-dir")
            .arg(self.data())
            .arg("--database-url")
            .arg(&self.url)
            .args(args)
            .env_remove("SIPE_DATABASE_URL")
            .env("SIPE_AUDIT_ANCHOR_KEY", KEY)
            .output()
            .unwrap()
    }

    fn config(&self) -> sipe::config::Config {
        sipe::config::Config {
            data_dir: self.data(),
            database_url: Some(self.url.clone()),
            bind: "127.0.0.1:0".into(),
            worker_enabled: false,
            ..Default::default()
        }
    }

    /// Starts a server; returns its address, its readiness and the way to stop it.
    async fn serve(&self) -> Server {
        let app = sipe::Application::build(self.config()).await.unwrap();
        let base = format!("http://127.0.0.1:{}", app.port());
        let ready = app.readiness();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(app.run_until(async move {
            let _ = stopped.await;
        }));
        Server {
            base,
            ready,
            stop: Some(stop),
            task,
        }
    }
}

struct Server {
    base: String,
    ready: std::sync::Arc<std::sync::atomic::AtomicBool>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl Server {
    async fn wait_ready(&self) {
        let http = reqwest::Client::new();
        for _ in 0..600 {
            let res = http
                .get(format!("{}/readyz", self.base))
                .send()
                .await
                .unwrap();
            if res.status() == StatusCode::OK {
                return;
            }
            assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("not ready after 30 s");
    }

    async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.task.await.unwrap().unwrap();
    }
}

fn text(o: &[u8]) -> String {
    String::from_utf8_lossy(o).into_owned()
}

#[tokio::test]
async fn an_anchor_outside_the_database_catches_a_rewritten_chain() {
    let inst = Installation::new().await;
    for code in ["OE-A", "OE-B", "OE-C"] {
        assert!(
            inst.sipe(&["office", "create", "--code", code, "--name", code])
                .status
                .success()
        );
    }
    let out = inst.sipe(&["audit", "anchor"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let line = text(&out.stdout);
    assert!(
        line.starts_with("sipe-audit-anchor v1 ") && line.contains("seq=3 "),
        "{line}"
    );
    let anchors = inst.dir.path().join("anchors.txt");
    std::fs::write(&anchors, &line).unwrap();
    let anchor_arg = anchors.to_str().unwrap();
    let out = inst.sipe(&["audit", "verify", "--anchor", anchor_arg]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("reaching 1 anchored heads"));

    // Someone with write access rewrites entry 1 and every hash after it, head included:
    // the chain alone still checks out, the anchor does not.
    let db = sipe::db::connect(&inst.url).await.unwrap();
    let mut rows = sipe::audit::entity::audit_log::Entity::find()
        .all(&db)
        .await
        .unwrap();
    rows.sort_by_key(|r| r.seq);
    let mut prev = sipe::audit::GENESIS_HASH.to_owned();
    for (i, row) in rows.iter_mut().enumerate() {
        if i == 0 {
            row.actor_name = "nadie".into();
        }
        row.prev_hash = prev.clone();
        row.hash = sipe::audit::row_hash(row);
        prev = row.hash.clone();
        db.execute_unprepared(&format!(
            "UPDATE audit_log SET actor_name = '{}', prev_hash = '{}', hash = '{}' WHERE seq = {}",
            row.actor_name, row.prev_hash, row.hash, row.seq
        ))
        .await
        .unwrap();
    }
    db.execute_unprepared(&format!("UPDATE audit_head SET last_hash = '{prev}'"))
        .await
        .unwrap();
    db.close().await.unwrap();
    let out = inst.sipe(&["audit", "verify"]);
    assert!(
        out.status.success(),
        "the rewritten chain is consistent in itself"
    );
    let out = inst.sipe(&["audit", "verify", "--anchor", anchor_arg]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("entry 3 is not the one anchored"),
        "{}",
        text(&out.stderr)
    );

    // A forged anchor (the rewritten head, signed with a guessed key) is refused.
    let forged = line.replace(
        &line[line.find("hash=").unwrap()..line.find(" at=").unwrap()],
        &format!("hash={prev}"),
    );
    std::fs::write(&anchors, forged).unwrap();
    let out = inst.sipe(&["audit", "verify", "--anchor", anchor_arg]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("REFUSED"),
        "{}",
        text(&out.stderr)
    );
    // Without a key, no anchor.
    let out = Command::new(env!("CARGO_BIN_EXE_sipe"))
        .arg("--data-dir")
        .arg(inst.data())
        .arg("--database-url")
        .arg(&inst.url)
        .args(["audit", "anchor"])
        .env_remove("SIPE_DATABASE_URL")
        .env_remove("SIPE_AUDIT_ANCHOR_KEY")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("no audit anchor key"));
}

/// Imports `count` generated people with the command line.
fn import_people(inst: &Installation, count: u64, seed: u64) {
    let mut covers = vec!["office", "create", "--code", "OE-TUC", "--name", "Tucumán"];
    let codes: Vec<String> = (0..17).map(|i| format!("AR-{}", 90007 + i * 7)).collect();
    for c in &codes {
        covers.push("--covers");
        covers.push(c);
    }
    inst.sipe(&covers);
    let file = inst.dir.path().join(format!("personas-{seed}.csv"));
    let mut data = Vec::new();
    sipe::persons::import::generate::write_csv(
        &mut data,
        count,
        seed,
        chrono::Utc::now().date_naive(),
    )
    .unwrap();
    std::fs::write(&file, data).unwrap();
    let out = inst.sipe(&["import", "persons", file.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
}

async fn admin_token(inst: &Installation) -> String {
    let db = sipe::db::connect(&inst.url).await.unwrap();
    let ctx = sipe::audit::AuditCtx::system();
    let system = sipe::access::Access::system("t");
    let id = match sipe::access::store::find_user_by_username(&db, "jefa")
        .await
        .unwrap()
    {
        Some(u) => u.id,
        None => sipe::access::service::create_user(
            &db,
            &ctx,
            &system,
            &sipe::access::service::UserInput {
                username: "jefa".into(),
                full_name: "Jefa".into(),
                email: String::new(),
                role: "admin".into(),
                scopes: sipe::access::service::ScopeInput::same_offices(vec![]),
                affiliation: String::new(),
            },
            PASSWORD,
        )
        .await
        .unwrap(),
    };
    sipe::access::service::create_token(
        &db,
        &ctx,
        id,
        "t",
        "",
        sipe::access::service::TokenLife::of(&inst.config()),
    )
    .await
    .unwrap()
}

async fn search(base: &str, token: &str, q: &str) -> Value {
    reqwest::Client::new()
        .get(format!("{base}/api/v1/persons?q={q}"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_node_is_ready_only_once_its_index_caught_up() {
    let inst = Installation::new().await;
    import_people(&inst, 3000, 7);
    let token = admin_token(&inst).await;
    // The index folder is new: everything must be indexed before the node is ready.
    let server = inst.serve().await;
    server.wait_ready().await;
    assert!(server.ready.load(std::sync::atomic::Ordering::Acquire));
    let db = sipe::db::connect(&inst.url).await.unwrap();
    let someone = sipe::persons::store::first_record(&db)
        .await
        .unwrap()
        .unwrap();
    let body = search(&server.base, &token, &someone.surnames).await;
    assert!(
        body["total"].as_u64().unwrap() >= 1,
        "found as soon as the node says it is ready: {body}"
    );
    let everyone = search(&server.base, &token, "").await;
    assert_eq!(everyone["total"], 3000);
    server.stop().await;
}

#[tokio::test]
async fn the_demo_seeds_any_database_in_steps_a_new_run_completes() {
    let inst = Installation::new().await;
    assert!(!inst.data().exists(), "the data dir does not exist yet");
    // Stop the first run at the people step: a directory where the demo writes its file.
    std::fs::create_dir_all(inst.data().join("demo-personas.csv")).unwrap();
    let out = inst.sipe(&["demo", "--no-serve", "--persons", "40"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("demo-personas.csv"),
        "the error names its path: {stderr}"
    );
    std::fs::remove_dir(inst.data().join("demo-personas.csv")).unwrap();
    let out = inst.sipe(&["demo", "--no-serve", "--persons", "40"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("demo data created"));
    let db = sipe::db::connect(&inst.url).await.unwrap();
    let people = sipe::persons::store::count_all(&db).await.unwrap();
    assert_eq!(people, 40);
    let employers = sipe::intermediation::employers::store::count_all(&db)
        .await
        .unwrap();
    assert_eq!(
        employers, 24,
        "the employers of the first run were not made twice"
    );
    let out = inst.sipe(&["demo", "--no-serve"]);
    assert!(text(&out.stdout).contains("already there"));
    // A database that holds someone else's users is not seeded.
    let other = Installation::new().await;
    let made = Command::new(env!("CARGO_BIN_EXE_sipe"))
        .arg("--data-dir")
        .arg(other.data())
        .arg("--database-url")
        .arg(&other.url)
        .args([
            "user",
            "create",
            "--username",
            "real",
            "--role",
            "admin",
            "--password-stdin",
        ])
        .env_remove("SIPE_DATABASE_URL")
        .stdin(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin
                .take()
                .unwrap()
                .write_all(b"una clave muy larga\n")?;
            c.wait()
        })
        .unwrap();
    assert!(made.success());
    let out = other.sipe(&["demo", "--no-serve", "--persons", "10"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("did not create"),
        "{}",
        text(&out.stderr)
    );
    let db = sipe::db::connect(&other.url).await.unwrap();
    assert_eq!(
        sipe::persons::store::count_all(&db).await.unwrap(),
        0,
        "nothing was seeded"
    );
}

/// Copies the database aside (SQLite: `VACUUM INTO`; PostgreSQL: `pg_dump`).
async fn back_up(inst: &Installation, to: &Path) {
    match &inst.pg {
        None => {
            let db = sipe::db::connect(&inst.url).await.unwrap();
            db.execute_unprepared(&format!("VACUUM INTO '{}'", to.display()))
                .await
                .unwrap();
            db.close().await.unwrap();
        }
        Some(_) => {
            let out = Command::new("pg_dump")
                .args(["-Fc", "-f", to.to_str().unwrap(), &inst.url])
                .output()
                .unwrap();
            assert!(out.status.success(), "{}", text(&out.stderr));
        }
    }
}

/// Puts the copy back as the database (the server is stopped). SQLite: the copy becomes
/// a file of its own the installation points at (this process may still hold
/// connections to the old file, which a copy over it would corrupt; an operator stops
/// the whole process first).
async fn restore(inst: &mut Installation, from: &Path) {
    match &inst.pg {
        None => {
            let file = inst.dir.path().join("restored.db");
            std::fs::copy(from, &file).unwrap();
            inst.url = format!("sqlite://{}?mode=rwc", file.display());
        }
        Some(_) => {
            let out = Command::new("pg_restore")
                .args([
                    "--clean",
                    "--if-exists",
                    "-d",
                    &inst.url,
                    from.to_str().unwrap(),
                ])
                .output()
                .unwrap();
            assert!(out.status.success(), "{}", text(&out.stderr));
        }
    }
}

#[tokio::test]
async fn a_restored_backup_gets_an_index_that_matches_it() {
    let mut inst = Installation::new().await;
    import_people(&inst, 30, 11);
    let token = admin_token(&inst).await;
    let server = inst.serve().await;
    server.wait_ready().await;
    let backup = inst.dir.path().join("backup.db");
    back_up(&inst, &backup).await;
    // After the backup: someone is registered and indexed.
    let res = reqwest::Client::new()
        .post(format!("{}/api/v1/persons", server.base))
        .bearer_auth(&token)
        .json(&serde_json::json!({
            "doc_type": "dni", "doc_number": "30999888", "surnames": "Posterior",
            "names": "Restaurada", "birth_date": "1990-01-01", "sex": "F",
            "office_code": "OE-TUC", "confirm_duplicates": "true"
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(search(&server.base, &token, "posterior").await["total"], 1);
    server.stop().await;

    restore(&mut inst, &backup).await;
    let out = inst.sipe(&["audit", "verify"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let server = inst.serve().await;
    server.wait_ready().await;
    let token = admin_token(&inst).await;
    let gone = search(&server.base, &token, "posterior").await;
    assert_eq!(gone["total"], 0, "neither shown nor counted: {gone}");
    assert_eq!(gone["items"], serde_json::json!([]));
    let everyone = search(&server.base, &token, "").await;
    assert_eq!(
        everyone["total"], 30,
        "the people of the backup are all there"
    );
    server.stop().await;
    let out = inst.sipe(&["check"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}
