use std::io::Write;
use std::process::{Command, Output, Stdio};

use crate::helpers::{PgDatabase, fresh_database};

struct Cli {
    dir: tempfile::TempDir,
    url: String,
    _pg: Option<PgDatabase>,
}

impl Cli {
    async fn new() -> Cli {
        let dir = tempfile::tempdir().unwrap();
        let (url, pg) = fresh_database(dir.path()).await;
        Cli { dir, url, _pg: pg }
    }

    fn run(&self, args: &[&str], stdin: &str) -> Output {
        let mut child = Command::new(env!("CARGO_BIN_EXE_sipe"))
            .arg("--data-dir")
            .arg(self.dir.path().join("data"))
            .arg("--database-url")
            .arg(&self.url)
            .args(args)
            .env_remove("SIPE_DATABASE_URL")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test]
async fn office_roles_need_an_office_on_the_command_line() {
    let cli = Cli::new().await;
    let out = cli.run(
        &[
            "user",
            "create",
            "--username",
            "op1",
            "--role",
            "operator",
            "--password-stdin",
        ],
        "clave muy larga 1\n",
    );
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(
        err.contains("offices") && err.contains("choose offices"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "one clear line: {err}");

    let out = cli.run(
        &[
            "office",
            "create",
            "--code",
            "OE-A",
            "--name",
            "Oficina A",
            "--covers",
            "AR-90084",
        ],
        "",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = cli.run(
        &[
            "user",
            "create",
            "--username",
            "op1",
            "--role",
            "operator",
            "--office",
            "OE-A",
            "--password-stdin",
        ],
        "clave muy larga 1\n",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = cli.run(&["user", "list"], "");
    let list = text(&out.stdout);
    assert!(
        list.starts_with("op1\toperator\tactive\tcapture:OE-A,search:OE-A,view:OE-A"),
        "{list}"
    );
}

#[tokio::test]
async fn bad_arguments_give_clear_messages_and_nonzero_status() {
    let cli = Cli::new().await;
    let out = cli.run(
        &[
            "user",
            "create",
            "--username",
            "xx1",
            "--role",
            "king",
            "--password-stdin",
        ],
        "clave muy larga 1\n",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("role: Choose a role from the list."));
    let out = cli.run(
        &[
            "user",
            "create",
            "--username",
            "xx1",
            "--role",
            "admin",
            "--password-stdin",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("no password on standard input"));
    let out = cli.run(
        &[
            "user",
            "create",
            "--username",
            "xx1",
            "--role",
            "admin",
            "--password-stdin",
        ],
        "corta\n",
    );
    assert!(text(&out.stderr).contains("at least 12 characters"));
    let out = cli.run(&["office", "create", "--code", "x", "--kind", "bank"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("code: The code must have"));
    let out = cli.run(&["no-such-command"], "");
    assert_eq!(out.status.code(), Some(2));
    let out = cli.run(&["user", "disable", "nadie"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("no user named"));
}

#[tokio::test]
async fn token_create_prints_only_the_token_and_it_works() {
    let cli = Cli::new().await;
    cli.run(
        &[
            "user",
            "create",
            "--username",
            "ana",
            "--role",
            "analyst",
            "--password-stdin",
        ],
        "clave muy larga 1\n",
    );
    let out = cli.run(
        &["token", "create", "--username", "ana", "--name", "script"],
        "",
    );
    assert!(out.status.success());
    let stdout = text(&out.stdout);
    assert_eq!(stdout.lines().count(), 1);
    let token = stdout.trim();
    assert!(token.starts_with("sipe_") && token.len() > 40);
    let out = cli.run(&["token", "revoke", token], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = cli.run(&["token", "revoke", token], "");
    assert_eq!(
        out.status.code(),
        Some(1),
        "a revoked token is no longer found"
    );
}

#[tokio::test]
async fn audit_verify_fails_after_tampering() {
    let cli = Cli::new().await;
    cli.run(&["office", "create", "--code", "OE-A", "--name", "A"], "");
    cli.run(&["office", "create", "--code", "OE-B", "--name", "B"], "");
    let out = cli.run(&["audit", "verify"], "");
    assert!(out.status.success());
    assert!(text(&out.stdout).contains("2 entries checked"));
    let db = sipe::db::connect(&cli.url).await.unwrap();
    sea_orm::ConnectionTrait::execute_unprepared(
        &db,
        "UPDATE audit_log SET after = '{}' WHERE seq = 1",
    )
    .await
    .unwrap();
    db.close().await.unwrap();
    let out = cli.run(&["audit", "verify"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("BROKEN at entry 1"),
        "{}",
        text(&out.stderr)
    );
}

#[tokio::test]
async fn office_list_prints_the_code_first_and_update_changes_fields() {
    let cli = Cli::new().await;
    cli.run(
        &[
            "office",
            "create",
            "--code",
            "DE",
            "--name",
            "Dirección de Empleo",
            "--kind",
            "central_area",
        ],
        "",
    );
    cli.run(
        &[
            "office", "create", "--code", "OE-1", "--name", "Uno", "--parent", "DE",
        ],
        "",
    );
    let out = cli.run(
        &[
            "office",
            "update",
            "OE-1",
            "--name",
            "Oficina Uno",
            "--email",
            "uno@example.gob.ar",
        ],
        "",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = cli.run(&["office", "list"], "");
    let lines: Vec<String> = text(&out.stdout).lines().map(str::to_owned).collect();
    assert_eq!(
        lines,
        [
            "DE\tcentral_area\tactive\tDirección de Empleo",
            "OE-1\temployment_office\tactive\tOficina Uno"
        ]
    );
}

#[test]
fn an_unreachable_database_gives_one_line_and_status_1() {
    let out = Command::new(env!("CARGO_BIN_EXE_sipe"))
        .args([
            "--database-url",
            "postgres://nobody@127.0.0.1:1/nothing",
            "migrate",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("error: cannot connect to the database"),
        "{err}"
    );
    assert!(!err.contains("panicked"));
}

#[test]
fn an_unwritable_data_dir_gives_one_line_and_status_1() {
    let out = Command::new(env!("CARGO_BIN_EXE_sipe"))
        .args(["--data-dir", "/proc/sipe-data", "migrate"])
        .env_remove("SIPE_DATABASE_URL")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("cannot use data dir /proc/sipe-data"), "{err}");
}

#[test]
fn an_invalid_config_value_is_reported() {
    let out = Command::new(env!("CARGO_BIN_EXE_sipe"))
        .args(["migrate"])
        .env("SIPE_LOG_FORMAT", "xml")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("log_format must be"));
}

#[tokio::test]
async fn check_reports_drift_and_reindex_repairs_it() {
    let cli = Cli::new().await;
    let out = cli.run(&["office", "create", "--code", "OE-A", "--name", "A"], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let db = sipe::db::connect(&cli.url).await.unwrap();
    let input = sipe::persons::input::PersonInput {
        doc_type: "dni".into(),
        doc_number: "30123456".into(),
        surnames: "González".into(),
        names: "Juan".into(),
        birth_date: "1990-05-01".into(),
        sex: "M".into(),
        office_code: "OE-A".into(),
        ..Default::default()
    };
    sipe::persons::service::register(
        &db,
        &sipe::audit::AuditCtx::system(),
        &sipe::access::Access::system("t"),
        crate::helpers::TZ,
        &input,
    )
    .await
    .unwrap();
    db.close().await.unwrap();
    let out = cli.run(&["check"], "");
    assert_eq!(
        out.status.code(),
        Some(1),
        "the index has not seen the new person"
    );
    assert!(
        text(&out.stderr).contains("1 missing"),
        "{}",
        text(&out.stderr)
    );
    let out = cli.run(&["reindex"], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("rebuilt: 1 people"));
    let out = cli.run(&["check"], "");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("in sync: 1 people"));
}
