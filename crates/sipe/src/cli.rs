//! The command line. Every command validates its arguments and ends with one clear
//! message and a non-zero status on failure; none panics on bad input.

mod import;

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::startup::{self, Application};
use sipe_platform::access::{self, Access};
use sipe_platform::audit::AuditCtx;
use sipe_platform::config::Config;
use sipe_platform::i18n::Lang;
use sipe_platform::territory::{self, domain::OfficeInput};

/// sipe: information system for public employment services.
#[derive(Debug, Parser)]
#[command(name = "sipe", version, about)]
pub struct Cli {
    /// Folder for the SQLite database, documents and indexes.
    #[arg(long, global = true, env = "SIPE_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Database URL (sqlite://FILE or postgres://...); default: SQLite file in the data dir.
    #[arg(long, global = true, env = "SIPE_DATABASE_URL", value_name = "URL")]
    pub database_url: Option<String>,
    /// TOML configuration file.
    #[arg(long, global = true, env = "SIPE_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server (migrations are applied at start).
    Serve {
        /// Address to listen on.
        #[arg(long, value_name = "ADDR")]
        bind: Option<String>,
    },
    /// Create demo data (once) and serve it.
    Demo {
        /// Port on 127.0.0.1.
        #[arg(long, default_value_t = 8080)]
        port: u16,
        /// Synthetic people to load the first time.
        #[arg(long, default_value_t = 20_000)]
        persons: u64,
        /// Prepare and seed the data dir, then exit instead of serving (for load tests).
        #[arg(long = "no-serve")]
        no_serve: bool,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Manage offices.
    #[command(subcommand)]
    Office(OfficeCmd),
    /// Manage users.
    #[command(subcommand)]
    User(UserCmd),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(TokenCmd),
    /// Audit log tools.
    #[command(subcommand)]
    Audit(AuditCmd),
    /// Import records from a file.
    #[command(subcommand)]
    Import(ImportCmd),
    /// Generate synthetic, importable data.
    #[command(subcommand)]
    Generate(GenerateCmd),
    /// Rebuild this node's search index from the database (stop the server first).
    Reindex,
    /// Report any difference between the search index and the database (exit 1 if any).
    Check,
}

/// Office fields on the command line.
#[derive(Debug, Args)]
pub struct OfficeFields {
    /// Name.
    #[arg(long)]
    pub name: Option<String>,
    /// employment_office, central_area or training_centre.
    #[arg(long)]
    pub kind: Option<String>,
    /// Code of the office above.
    #[arg(long)]
    pub parent: Option<String>,
    /// Street address.
    #[arg(long)]
    pub address: Option<String>,
    /// Territory code where it stands (e.g. AR-90084).
    #[arg(long)]
    pub territory: Option<String>,
    /// Phone.
    #[arg(long)]
    pub phone: Option<String>,
    /// E-mail.
    #[arg(long)]
    pub email: Option<String>,
    /// Opening hours.
    #[arg(long)]
    pub hours: Option<String>,
    /// Territory codes covered (repeat).
    #[arg(long = "covers", value_name = "CODE")]
    pub covers: Vec<String>,
}

/// `sipe office ...`.
#[derive(Debug, Subcommand)]
pub enum OfficeCmd {
    /// One office per line: code, kind, active, name.
    List,
    /// Create an office.
    Create {
        /// Unique code.
        #[arg(long)]
        code: String,
        /// Fields.
        #[command(flatten)]
        fields: OfficeFields,
    },
    /// Change an office; fields not given keep their value.
    Update {
        /// Code of the office to change.
        code: String,
        /// New code.
        #[arg(long = "new-code")]
        new_code: Option<String>,
        /// Fields.
        #[command(flatten)]
        fields: OfficeFields,
    },
}

/// `sipe user ...`.
#[derive(Debug, Subcommand)]
pub enum UserCmd {
    /// Create a user; the password is read from standard input.
    Create {
        /// Login name.
        #[arg(long)]
        username: String,
        /// Role (admin, coordinator, operator, counselor, training_manager, programme_manager,
        /// help_desk, records_clerk, planner, inspector, analyst, institution_staff).
        #[arg(long)]
        role: String,
        /// Office code for the capture, view and search scopes (repeat); none means national.
        #[arg(long = "office", value_name = "CODE")]
        offices: Vec<String>,
        /// Full name (default: the username).
        #[arg(long = "full-name")]
        full_name: Option<String>,
        /// E-mail.
        #[arg(long)]
        email: Option<String>,
        /// The training institution (its id) an `institution_staff` user works for.
        #[arg(long, value_name = "ID")]
        affiliation: Option<String>,
        /// Read the password from standard input.
        #[arg(long = "password-stdin", required = true)]
        password_stdin: bool,
    },
    /// One user per line: username, role, active, scopes.
    List,
    /// Disable a user and end their sessions.
    Disable {
        /// Login name.
        username: String,
    },
    /// Set a user's password from standard input.
    SetPassword {
        /// Login name.
        username: String,
        /// Read the password from standard input.
        #[arg(long = "password-stdin", required = true)]
        password_stdin: bool,
    },
}

/// `sipe token ...`.
#[derive(Debug, Subcommand)]
pub enum TokenCmd {
    /// Print a new API token on standard output (and nothing else).
    Create {
        /// Owner.
        #[arg(long)]
        username: String,
        /// What the token is for.
        #[arg(long, default_value = "cli")]
        name: String,
        /// Days the token lives (default `token_default_days`, at most `token_max_days`).
        #[arg(long)]
        days: Option<u32>,
    },
    /// Revoke a token, given the token itself or its id.
    Revoke {
        /// The token (sipe_...) or its id.
        token: String,
    },
}

/// `sipe import ...`.
#[derive(Debug, Subcommand)]
pub enum ImportCmd {
    /// People from a CSV file (UTF-8 or Latin-1) with the canonical header:
    /// tipo_documento,numero_documento,cuil,apellidos,nombres,fecha_nacimiento,sexo,telefono,
    /// email,provincia_codigo,departamento_codigo,localidad,calle,numero,nivel_educativo,oficina_codigo.
    /// Exit status 0 when every row was accepted, 2 when some were rejected, 1 on failure.
    Persons {
        /// The file.
        file: PathBuf,
        /// Where rejected rows are reported (default: beside the input, NAME.rechazos.csv).
        #[arg(long)]
        report: Option<PathBuf>,
        /// Update people already registered instead of skipping them.
        #[arg(long)]
        update: bool,
    },
    /// A national programme's beneficiary list (CSV in UTF-8 or Latin-1, or XLSX) with
    /// the header cuil,programa,estado,periodo,monto; the programme codes must be in the
    /// catalogue (/programmes/national). A row per person, programme and month; a month
    /// imported again replaces its rows. The same file resumes where it stopped.
    /// Exit status 0 when every row was accepted, 2 when some were rejected, 1 on failure.
    NationalBenefits {
        /// The file.
        file: PathBuf,
        /// Where rejected rows are reported (default: beside the input, NAME.rechazos.csv).
        #[arg(long)]
        report: Option<PathBuf>,
    },
}

/// `sipe generate ...`.
#[derive(Debug, Subcommand)]
pub enum GenerateCmd {
    /// Synthetic people as an importable CSV.
    Persons {
        /// How many rows.
        #[arg(long)]
        count: u64,
        /// Seed: the same seed writes the same rows.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Output CSV file.
        #[arg(long)]
        out: PathBuf,
    },
}

/// `sipe audit ...`.
#[derive(Debug, Subcommand)]
pub enum AuditCmd {
    /// Check the hash chain: exit 0 when intact, 1 with the first broken entry when not.
    Verify {
        /// A file of anchor lines (`sipe audit anchor`): the chain must still reach each.
        #[arg(long, value_name = "FILE")]
        anchor: Option<PathBuf>,
    },
    /// Print the head of the chain signed with the anchor key (`audit_anchor_key_file` or
    /// `SIPE_AUDIT_ANCHOR_KEY`): one line to ship off the machine.
    Anchor,
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn load_config(cli: &Cli) -> anyhow::Result<Config> {
    let mut config = Config::load(cli.config.as_deref())?;
    if let Some(dir) = &cli.data_dir {
        config.data_dir = dir.clone();
    }
    if let Some(url) = &cli.database_url {
        config.database_url = Some(url.clone());
    }
    Ok(config)
}

fn read_password() -> anyhow::Result<String> {
    let mut s = String::new();
    std::io::stdin().read_to_string(&mut s)?;
    let password = s.trim_end_matches(['\n', '\r']).to_owned();
    if password.is_empty() {
        anyhow::bail!(
            "no password on standard input (pipe it in: echo 'secret' | sipe ... --password-stdin)"
        );
    }
    Ok(password)
}

fn access_error(e: access::service::AccessError) -> anyhow::Error {
    match e {
        access::service::AccessError::Invalid(f) => anyhow::anyhow!("{}", f.describe(Lang::En)),
        access::service::AccessError::NotFound => anyhow::anyhow!("no such user or token"),
        other => anyhow::anyhow!(other),
    }
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let mut config = load_config(&cli)?;
    sipe_platform::telemetry::init(&config.log_format);
    match cli.command {
        Command::Serve { bind } => {
            if let Some(bind) = bind {
                config.bind = bind;
                config.validate()?;
            }
            let started = std::time::Instant::now();
            let app = Application::build(config).await?;
            tracing::info!(
                port = app.port(),
                startup_ms = started.elapsed().as_millis() as u64,
                "sipe listening"
            );
            app.run_until(startup::shutdown_signal()).await?;
        }
        Command::Demo {
            port,
            persons,
            no_serve,
        } => crate::demo::run(config, port, persons, !no_serve).await?,
        Command::Import(ImportCmd::Persons {
            file,
            report,
            update,
        }) => return import::persons(config, file, report, update).await,
        Command::Import(ImportCmd::NationalBenefits { file, report }) => {
            return import::national(config, file, report).await;
        }
        Command::Generate(GenerateCmd::Persons { count, seed, out }) => {
            let f = std::fs::File::create(&out)
                .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", out.display()))?;
            let started = std::time::Instant::now();
            sipe_persons::import::generate::write_csv(
                std::io::BufWriter::new(f),
                count,
                seed,
                chrono::Utc::now().date_naive(),
            )?;
            println!(
                "{count} people written to {} in {:.1} s",
                out.display(),
                started.elapsed().as_secs_f64()
            );
        }
        Command::Migrate => {
            startup::open_database(&config).await?;
            println!("migrations applied");
        }
        Command::Office(cmd) => office(config, cmd).await?,
        Command::User(cmd) => user(config, cmd).await?,
        Command::Token(cmd) => token(config, cmd).await?,
        Command::Reindex => {
            let db = startup::open_database(&config).await?;
            let index = std::sync::Arc::new(sipe_persons::module::open_index(
                &config,
                &startup::modules(),
                true,
            )?);
            let started = std::time::Instant::now();
            let n = sipe_persons::search::indexer::reindex(&db, &index).await?;
            println!(
                "search index rebuilt: {n} people in {:.1} s",
                started.elapsed().as_secs_f64()
            );
        }
        Command::Check => {
            let db = startup::open_database(&config).await?;
            let index = sipe_persons::module::open_index(&config, &startup::modules(), false)?;
            let drift = sipe_persons::search::indexer::check(&db, &index).await?;
            if drift.missing.is_empty() && drift.extra.is_empty() {
                println!("search index in sync: {} people", drift.in_database);
            } else {
                eprintln!(
                    "search index differs from the database: {} people in the database, {} in the index, {} missing, {} extra (run sipe reindex)",
                    drift.in_database,
                    drift.in_index,
                    drift.missing.len(),
                    drift.extra.len()
                );
                for id in drift.missing.iter().take(10) {
                    eprintln!("  missing {id}");
                }
                for id in drift.extra.iter().take(10) {
                    eprintln!("  extra {id}");
                }
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::Audit(AuditCmd::Verify { anchor }) => {
            return audit_verify(&config, anchor.as_deref()).await;
        }
        Command::Audit(AuditCmd::Anchor) => {
            let key = anchor_key(&config)?;
            let db = startup::open_database(&config).await?;
            println!(
                "{}",
                sipe_platform::audit::anchor::take(&db, &key).await?.line()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn anchor_key(config: &Config) -> anyhow::Result<String> {
    match config.anchor_key()? {
        Some(key) => Ok(key.expose().to_owned()),
        None => anyhow::bail!(
            "no audit anchor key: set audit_anchor_key_file in the configuration or the \
             SIPE_AUDIT_ANCHOR_KEY variable (at least 32 characters, kept off the database)"
        ),
    }
}

/// `sipe audit verify [--anchor FILE]`.
async fn audit_verify(
    config: &Config,
    anchors: Option<&std::path::Path>,
) -> anyhow::Result<ExitCode> {
    // Read and check the anchors before touching the database: a bad file is the
    // operator's mistake, reported as such.
    let anchors = match anchors {
        None => Vec::new(),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| anyhow::anyhow!("reading anchors from {}: {e}", path.display()))?;
            let lines: Vec<sipe_platform::audit::anchor::Anchor> = text
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(sipe_platform::audit::anchor::Anchor::parse)
                .collect::<Result<_, _>>()
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            if lines.is_empty() {
                anyhow::bail!("{} holds no anchor", path.display());
            }
            lines
        }
    };
    let key = if anchors.is_empty() {
        None
    } else {
        Some(anchor_key(config)?)
    };
    let db = startup::open_database(config).await?;
    let v = sipe_platform::audit::verify(&db).await?;
    if let Some(b) = v.broken {
        eprintln!("audit log BROKEN at entry {}: {}", b.seq, b.reason);
        return Ok(ExitCode::FAILURE);
    }
    for a in &anchors {
        let key = key.as_deref().unwrap_or_default();
        match sipe_platform::audit::anchor::check(&db, a, key).await {
            Ok(None) => {}
            Ok(Some(reason)) => {
                eprintln!("audit log BROKEN: {reason}");
                return Ok(ExitCode::FAILURE);
            }
            Err(sipe_platform::audit::anchor::AnchorError::BadSignature(seq)) => {
                eprintln!(
                    "audit anchor of entry {seq} REFUSED: its signature does not match the \
                     configured key (forged, altered, or signed with another key)"
                );
                return Ok(ExitCode::FAILURE);
            }
            Err(e) => return Err(e.into()),
        }
    }
    if anchors.is_empty() {
        println!("audit log intact: {} entries checked", v.checked);
    } else {
        println!(
            "audit log intact: {} entries checked, reaching {} anchored heads (the last: entry {})",
            v.checked,
            anchors.len(),
            anchors.iter().map(|a| a.seq).max().unwrap_or_default()
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn office_error(e: territory::service::OfficeError) -> anyhow::Error {
    match e {
        territory::service::OfficeError::Invalid(f) => anyhow::anyhow!("{}", f.describe(Lang::En)),
        territory::service::OfficeError::NotFound => anyhow::anyhow!("no such office"),
        other => anyhow::anyhow!(other),
    }
}

async fn office(config: Config, cmd: OfficeCmd) -> anyhow::Result<()> {
    let db = startup::open_database(&config).await?;
    let ctx = AuditCtx::cli();
    let system = Access::system("cli");
    match cmd {
        OfficeCmd::List => {
            for o in territory::store::all_offices(&db).await? {
                let state = if o.active { "active" } else { "inactive" };
                println!("{}\t{}\t{}\t{}", o.code, o.kind, state, o.name);
            }
        }
        OfficeCmd::Create { code, fields } => {
            let input = OfficeInput {
                code,
                name: fields.name.unwrap_or_default(),
                kind: fields.kind.unwrap_or_else(|| "employment_office".into()),
                parent_code: fields.parent.unwrap_or_default(),
                address: fields.address.unwrap_or_default(),
                territory_code: fields.territory.unwrap_or_default(),
                phone: fields.phone.unwrap_or_default(),
                email: fields.email.unwrap_or_default(),
                opening_hours: fields.hours.unwrap_or_default(),
                coverage: fields.covers,
            };
            territory::service::create_office(&db, &ctx, &system, &input)
                .await
                .map_err(office_error)?;
            println!("office {} created", input.code.trim().to_uppercase());
        }
        OfficeCmd::Update {
            code,
            new_code,
            fields,
        } => {
            let o = territory::store::find_office_by_code(&db, &code)
                .await?
                .ok_or_else(|| anyhow::anyhow!("no office with code {code}"))?;
            let parent_code = match (&fields.parent, o.parent_id) {
                (Some(p), _) => p.clone(),
                (None, Some(pid)) => territory::store::find_office(&db, &system, pid)
                    .await?
                    .map(|p| p.code)
                    .unwrap_or_default(),
                (None, None) => String::new(),
            };
            let coverage = if fields.covers.is_empty() {
                territory::store::coverage(&db, o.id)
                    .await?
                    .into_iter()
                    .map(|t| t.code)
                    .collect()
            } else {
                fields.covers
            };
            let input = OfficeInput {
                code: new_code.unwrap_or(o.code),
                name: fields.name.unwrap_or(o.name),
                kind: fields.kind.unwrap_or(o.kind),
                parent_code,
                address: fields.address.unwrap_or(o.address),
                territory_code: fields
                    .territory
                    .unwrap_or(o.territory_code.unwrap_or_default()),
                phone: fields.phone.unwrap_or(o.phone),
                email: fields.email.unwrap_or(o.email),
                opening_hours: fields.hours.unwrap_or(o.opening_hours),
                coverage,
            };
            territory::service::update_office(&db, &ctx, &system, o.id, &input)
                .await
                .map_err(office_error)?;
            println!("office {} updated", input.code.trim().to_uppercase());
        }
    }
    Ok(())
}

async fn user(config: Config, cmd: UserCmd) -> anyhow::Result<()> {
    let db = startup::open_database(&config).await?;
    let ctx = AuditCtx::cli();
    // Whoever runs the command line administers the whole installation.
    let system = Access::system("cli");
    match cmd {
        UserCmd::Create {
            username,
            role,
            offices,
            full_name,
            email,
            affiliation,
            password_stdin: _,
        } => {
            // The form offers only existing institutions; the command line checks it.
            if let Some(a) = affiliation.as_deref() {
                let known = match a.trim().parse::<uuid::Uuid>() {
                    Ok(id) => crate::training::institutions::find(&db, id)
                        .await?
                        .is_some(),
                    Err(_) => false,
                };
                anyhow::ensure!(
                    known,
                    "--affiliation {a}: no training institution has this id"
                );
            }
            let password = read_password()?;
            let input = access::service::UserInput {
                full_name: full_name.unwrap_or_else(|| username.clone()),
                username,
                email: email.unwrap_or_default(),
                role,
                scopes: access::service::ScopeInput::same_offices(offices),
                affiliation: affiliation.unwrap_or_default(),
            };
            access::service::create_user(&db, &ctx, &system, &input, &password)
                .await
                .map_err(access_error)?;
            println!("user {} created", input.username.trim().to_lowercase());
        }
        UserCmd::List => {
            for u in access::store::all_users(&db).await? {
                let grants = access::store::user_grants(&db, u.id).await?;
                let mut scopes: Vec<String> = grants
                    .iter()
                    .map(|(k, o)| {
                        format!(
                            "{k}:{}",
                            o.as_ref().map(|o| o.code.as_str()).unwrap_or("national")
                        )
                    })
                    .collect();
                scopes.sort();
                let state = if u.active { "active" } else { "disabled" };
                println!(
                    "{}\t{}\t{}\t{}",
                    u.username,
                    u.role,
                    state,
                    scopes.join(",")
                );
            }
        }
        UserCmd::Disable { username } => {
            let u = find_user(&db, &username).await?;
            access::service::set_active(&db, &ctx, &system, u.id, false)
                .await
                .map_err(access_error)?;
            println!("user {} disabled", u.username);
        }
        UserCmd::SetPassword {
            username,
            password_stdin: _,
        } => {
            let u = find_user(&db, &username).await?;
            let password = read_password()?;
            access::service::set_password(&db, &ctx, &system, u.id, &password)
                .await
                .map_err(access_error)?;
            println!("password of {} changed", u.username);
        }
    }
    Ok(())
}

async fn find_user(
    db: &sipe_platform::db::Db,
    username: &str,
) -> anyhow::Result<access::entity::user::Model> {
    access::store::find_user_by_username(db, username)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no user named {username:?}"))
}

async fn token(config: Config, cmd: TokenCmd) -> anyhow::Result<()> {
    let db = startup::open_database(&config).await?;
    let ctx = AuditCtx::cli();
    match cmd {
        TokenCmd::Create {
            username,
            name,
            days,
        } => {
            let u = find_user(&db, &username).await?;
            let life = access::service::TokenLife::of(&config);
            let days = days.map(|d| d.to_string()).unwrap_or_default();
            let secret = access::service::create_token(&db, &ctx, u.id, &name, &days, life)
                .await
                .map_err(access_error)?;
            println!("{secret}");
        }
        TokenCmd::Revoke { token } => {
            let id = match uuid::Uuid::parse_str(token.trim()) {
                Ok(id) => id,
                Err(_) => {
                    access::store::find_live_token(
                        &db,
                        &access::session::digest(token.trim()),
                        chrono::Utc::now(),
                    )
                    .await?
                    .ok_or_else(|| anyhow::anyhow!("no live token matches"))?
                    .id
                }
            };
            access::service::revoke_token(&db, &ctx, &Access::system("cli"), id, None)
                .await
                .map_err(access_error)?;
            println!("token revoked");
        }
    }
    Ok(())
}
