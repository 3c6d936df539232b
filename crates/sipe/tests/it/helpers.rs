//! `TestApp`: one running application per test, with helpers per endpoint.

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use sea_orm::{ConnectionTrait, Database};
use sipe::access::service::{ScopeInput, UserInput};
use sipe::audit::AuditCtx;
use sipe::config::Config;
use sipe::db::Db;
use sipe::territory::domain::OfficeInput;
use sipe::web::RouteDef;
use uuid::Uuid;

/// The deployment time zone the tests run with (the default configuration's).
pub const TZ: chrono_tz::Tz = chrono_tz::America::Argentina::Tucuman;

/// Password of every test user.
pub const PASSWORD: &str = "una clave de prueba";

/// A running application and what a test needs to talk to it.
pub struct TestApp {
    pub base: String,
    pub db: Db,
    pub routes: Vec<RouteDef>,
    pub config: Config,
    pub index: std::sync::Arc<sipe::persons::search::PersonIndex>,
    /// The separate metrics listener's port, when `metrics_bind` is set.
    pub metrics_port: Option<u16>,
    _dir: tempfile::TempDir,
    _pg_database: Option<PgDatabase>,
}

/// A PostgreSQL test database, dropped when the guard is dropped.
pub struct PgDatabase {
    admin_url: String,
    name: String,
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        // Best effort on a thread of its own (the test's runtime may be shutting down);
        // CI also drops leftovers by prefix.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            rt.block_on(async {
                let admin = Database::connect(&admin_url).await.ok()?;
                admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await
                    .ok()?;
                admin.close().await.ok()
            })
        })
        .join();
    }
}

/// A fresh database URL: a SQLite file in `dir`, or a new PostgreSQL database.
pub async fn fresh_database(dir: &std::path::Path) -> (String, Option<PgDatabase>) {
    match std::env::var("SIPE_TEST_DATABASE_URL") {
        Ok(admin_url) if !admin_url.is_empty() => {
            let name = format!("sipe_t_{}", Uuid::now_v7().simple());
            let admin = Database::connect(&admin_url)
                .await
                .expect("connect to SIPE_TEST_DATABASE_URL");
            admin
                .execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .expect("create test database");
            admin.close().await.ok();
            let (prefix, _) = admin_url
                .rsplit_once('/')
                .expect("database URL with a path");
            (
                format!("{prefix}/{name}"),
                Some(PgDatabase { admin_url, name }),
            )
        }
        _ => (
            format!("sqlite://{}?mode=rwc", dir.join("test.db").display()),
            None,
        ),
    }
}

impl TestApp {
    /// Starts the application with default settings.
    pub async fn spawn() -> TestApp {
        Self::spawn_with(|_| {}).await
    }

    /// Starts the application after adjusting the config.
    pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
        let dir = tempfile::tempdir().expect("temp dir");
        let (url, pg_database) = fresh_database(dir.path()).await;
        let mut config = Config {
            data_dir: dir.path().join("data"),
            database_url: Some(url),
            bind: "127.0.0.1:0".into(),
            worker_enabled: false,
            ..Config::default()
        };
        adjust(&mut config);
        let app = sipe::Application::build(config.clone())
            .await
            .expect("application starts");
        let base = format!("http://127.0.0.1:{}", app.port());
        let db = app.db().clone();
        let routes = app.routes.clone();
        let index = sipe::persons::index(app.state())
            .expect("people index")
            .clone();
        let metrics_port = app.metrics_port();
        let ready = app.readiness();
        tokio::spawn(app.run_until(std::future::pending()));
        // Like a load balancer, tests start once the node says it is ready.
        for _ in 0..1000 {
            if ready.load(std::sync::atomic::Ordering::Acquire) {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        TestApp {
            base,
            db,
            routes,
            config,
            index,
            metrics_port,
            _dir: dir,
            _pg_database: pg_database,
        }
    }

    /// Brings the search index up to date with the database (what the follower task
    /// does every second).
    pub async fn sync_index(&self) {
        sipe::persons::search::indexer::sync(&self.db, &self.index, true)
            .await
            .expect("index sync");
    }

    /// A browser-like client (cookies, no redirects followed).
    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client")
    }

    /// URL of a path.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Creates an office (as the system) and returns its id.
    pub async fn office(&self, code: &str, parent: &str) -> Uuid {
        let input = OfficeInput {
            code: code.into(),
            name: format!("Oficina {code}"),
            kind: "employment_office".into(),
            parent_code: parent.into(),
            email: format!("{}@oficina.example.gob.ar", code.to_lowercase()),
            ..Default::default()
        };
        sipe::territory::service::create_office(
            &self.db,
            &AuditCtx::system(),
            &sipe::access::Access::system("test"),
            &input,
        )
        .await
        .expect("office created")
    }

    /// The body of a page as `client` (a signed-in browser) sees it; the page must answer
    /// 200 (a redirect to the login page is not a page).
    pub async fn get_page(&self, client: &reqwest::Client, path: &str) -> String {
        let res = client.get(self.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "GET {path}");
        without_bom(res.text().await.unwrap())
    }

    /// GETs an API path with a bearer token, expecting 200, and returns the JSON body.
    pub async fn get_json(&self, token: &str, path: &str) -> serde_json::Value {
        let res = reqwest::Client::new()
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "GET {path}");
        res.json().await.unwrap()
    }

    /// Creates a user with `PASSWORD` and returns its id.
    pub async fn user(&self, username: &str, role: &str, offices: &[&str]) -> Uuid {
        user_in(&self.db, username, role, offices).await
    }

    /// Creates a user, logs a new client in as them, returns the client and form token.
    pub async fn signed_in(
        &self,
        username: &str,
        role: &str,
        offices: &[&str],
    ) -> (reqwest::Client, String) {
        self.user(username, role, offices).await;
        let c = self.client();
        let csrf = self.login(&c, username).await;
        (c, csrf)
    }

    /// Logs a client in and returns the form token of the session.
    pub async fn login(&self, client: &reqwest::Client, username: &str) -> String {
        let res = self.post_login(client, username, PASSWORD).await;
        assert_eq!(
            res.status(),
            StatusCode::SEE_OTHER,
            "login of {username} should redirect"
        );
        self.csrf(client).await
    }

    /// Posts the login form.
    pub async fn post_login(
        &self,
        client: &reqwest::Client,
        username: &str,
        password: &str,
    ) -> reqwest::Response {
        client
            .post(self.url("/login"))
            .form(&[
                ("username", username),
                ("password", password),
                ("next", "/"),
            ])
            .send()
            .await
            .expect("login request")
    }

    /// The form token of the client's session, read from a page.
    pub async fn csrf(&self, client: &reqwest::Client) -> String {
        let html = client
            .get(self.url("/account"))
            .send()
            .await
            .expect("account")
            .text()
            .await
            .expect("body");
        let doc = scraper::Html::parse_document(&html);
        let sel = scraper::Selector::parse("input[name=_csrf]").expect("selector");
        doc.select(&sel)
            .next()
            .and_then(|e| e.value().attr("value"))
            .unwrap_or_default()
            .to_owned()
    }

    /// Posts a form with the session's token.
    pub async fn post_form(
        &self,
        client: &reqwest::Client,
        csrf: &str,
        path: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("_csrf", csrf));
        client
            .post(self.url(path))
            .form(&all)
            .send()
            .await
            .expect("form post")
    }

    /// Creates an API token for a user.
    pub async fn token(&self, user_id: Uuid) -> String {
        sipe::access::service::create_token(
            &self.db,
            &AuditCtx::system(),
            user_id,
            "test",
            "",
            sipe::access::service::TokenLife::of(&self.config),
        )
        .await
        .expect("token")
    }

    /// Number of audit rows with this action.
    pub async fn audit_count(&self, action: &str) -> usize {
        let f = sipe::audit::store::AuditFilter {
            action: action.into(),
            ..Default::default()
        };
        sipe::audit::store::list(&self.db, &f, 0, 1000)
            .await
            .expect("audit")
            .0
            .iter()
            .filter(|r| r.action == action)
            .count()
    }
}

/// The id of a user by login name.
pub async fn user_id(app: &TestApp, username: &str) -> Uuid {
    sipe::access::store::find_user_by_username(&app.db, username)
        .await
        .expect("user")
        .expect("the user exists")
        .id
}

/// A CSV download without the byte-order mark sipe puts first (for spreadsheets).
pub fn without_bom(text: String) -> String {
    match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => text,
    }
}

/// Parses a page and returns the text of the first element matching `selector`.
pub fn text_of(html: &str, selector: &str) -> Option<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(selector).ok()?;
    doc.select(&sel)
        .next()
        .map(|e| e.text().collect::<String>().trim().to_owned())
}

/// The value of attribute `attr` of the first element matching `selector`.
pub fn attr_of(html: &str, selector: &str, attr: &str) -> Option<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(selector).ok()?;
    doc.select(&sel)
        .next()
        .and_then(|e| e.value().attr(attr))
        .map(str::to_owned)
}

/// The `Location` header of a redirect.
pub fn location(headers: &HeaderMap) -> String {
    headers
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// A user of `role` with these offices (none: national), in any database.
pub async fn user_in(db: &sipe::db::Db, username: &str, role: &str, offices: &[&str]) -> Uuid {
    let input = UserInput {
        username: username.into(),
        full_name: format!("Usuario {username}"),
        email: String::new(),
        role: role.into(),
        scopes: ScopeInput::same_offices(offices.iter().map(|s| s.to_string()).collect()),
        affiliation: String::new(),
    };
    sipe::access::service::create_user(
        db,
        &AuditCtx::system(),
        &sipe::access::Access::system("t"),
        &input,
        PASSWORD,
    )
    .await
    .expect("user created")
}

/// Runs one SQL statement written with PostgreSQL's `$1`, `$2` placeholders on either
/// backend (a fixture setting what no use case sets: a time in the past).
pub async fn exec_sql(db: &sipe::db::Db, sql: &str, values: Vec<sea_orm::Value>) {
    use sea_orm::ConnectionTrait;
    let backend = db.get_database_backend();
    let sql = match backend {
        sea_orm::DbBackend::Postgres => sql.to_owned(),
        _ => {
            let mut out = String::with_capacity(sql.len());
            let mut chars = sql.chars().peekable();
            while let Some(c) = chars.next() {
                if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) {
                    while chars.peek().is_some_and(char::is_ascii_digit) {
                        chars.next();
                    }
                    out.push('?');
                } else {
                    out.push(c);
                }
            }
            out
        }
    };
    db.execute_raw(sea_orm::Statement::from_sql_and_values(
        backend, sql, values,
    ))
    .await
    .expect("fixture SQL");
}

/// A JSON request with a bearer token: the status and the body (`null` when none).
pub async fn api(
    app: &TestApp,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: serde_json::Value,
) -> (StatusCode, serde_json::Value) {
    let res = reqwest::Client::new()
        .request(method, app.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .expect("request");
    let status = res.status();
    (status, res.json().await.unwrap_or(serde_json::Value::Null))
}
