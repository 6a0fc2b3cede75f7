//! The command line: `serve`, `migrate`, `demo`, `user`, `token`.
//! Every error goes to stderr with a sentence that says what to do, and exit status 1.

use std::io::Read as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};

mod report;

use crate::auth::{Actor, Role, password, store};
use crate::config::Config;
use crate::db::Db;

mod import;

#[derive(Debug, Parser)]
#[command(
    name = "tuuli",
    version,
    about = "Tuuli: regional coordination of preventive work (the four winds)."
)]
pub struct Cli {
    /// Configuration file (default: ./tuuli.toml when present; see tuuli.example.toml).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Args)]
struct DbArgs {
    /// Database URL: sqlite://PATH or postgres://USER:PASSWORD@HOST/DB [env: TUULI_DATABASE_URL]
    /// (default: sqlite://tuuli-data/tuuli.db).
    #[arg(long, value_name = "URL")]
    database: Option<String>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the web server (migrations run at start).
    Serve {
        /// Address to listen on [env: TUULI_BIND] (default: 127.0.0.1:8080).
        #[arg(long, value_name = "ADDR")]
        bind: Option<String>,
        #[command(flatten)]
        db: DbArgs,
        /// Load the Päijät-Häme demo data (idempotent) and print a demo admin's sign-in.
        #[arg(long)]
        demo: bool,
    },
    /// Apply database migrations, load the reference data (themes, areas) and exit.
    Migrate {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Load the Päijät-Häme demo data (idempotent) and print the demo admin's sign-in.
    Demo {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Manage users.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Write reports (see `report.rs`).
    #[command(subcommand)]
    Report(report::ReportCommand),
    /// Import indicator values (all or nothing; exit status 1 when any row is rejected).
    #[command(subcommand)]
    Import(import::ImportCommand),
    /// Write a national-scale synthetic dataset in Sotkanet's saved layout (for benchmarks).
    BenchData(import::BenchDataArgs),
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Add a user; the password is read from standard input (at least 10 characters).
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// admin, coordinator, editor or member.
        #[arg(long)]
        role: String,
        /// The organisation an editor edits (its id; see /organisations).
        #[arg(long, value_name = "ID")]
        organisation: Option<i64>,
        /// The person (see /people) a member is, so they see their groups' internal material.
        #[arg(long, value_name = "ID")]
        person: Option<i64>,
        /// Read the password from standard input (required: passwords never go on the command line).
        #[arg(long, required = true)]
        password_stdin: bool,
        #[command(flatten)]
        db: DbArgs,
    },
    /// List users.
    List {
        #[command(flatten)]
        db: DbArgs,
    },
    /// Set a user's password (read from standard input); their sessions end.
    Password {
        #[arg(long)]
        email: String,
        /// Read the password from standard input (required: passwords never go on the command line).
        #[arg(long, required = true)]
        password_stdin: bool,
        #[command(flatten)]
        db: DbArgs,
    },
}

#[derive(Debug, Subcommand)]
enum TokenCommand {
    /// Create an API token for a user and print it (shown once; stored only as a hash).
    Create {
        #[arg(long)]
        email: String,
        #[command(flatten)]
        db: DbArgs,
    },
    /// List API tokens (never their secrets), all or one user's.
    List {
        #[arg(long)]
        email: Option<String>,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Revoke an API token by its id.
    Revoke {
        #[arg(long)]
        id: i64,
        #[command(flatten)]
        db: DbArgs,
    },
}

/// Runs the command line and returns the exit status.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let filter = tracing_subscriber::EnvFilter::try_from_env("TUULI_LOG")
        .unwrap_or_else(|_| "info,sqlx=warn,tower_http=warn".into());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: could not start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Opens the database for `serve`, `migrate` and `demo`, creating a SQLite file if needed.
async fn open(config: &Option<PathBuf>, db: &DbArgs) -> anyhow::Result<(Config, Db)> {
    open_db(config, db, true).await
}

/// Opens an existing database for the other commands: a SQLite path that does not exist is
/// an error (a typo would otherwise make an empty database and a user nobody can find).
async fn open_existing(config: &Option<PathBuf>, db: &DbArgs) -> anyhow::Result<(Config, Db)> {
    open_db(config, db, false).await
}

async fn open_db(
    config: &Option<PathBuf>,
    db: &DbArgs,
    create: bool,
) -> anyhow::Result<(Config, Db)> {
    let mut cfg = Config::load(config.as_deref())?;
    if let Some(url) = &db.database {
        cfg.database_url = url.clone();
    }
    if !create
        && let Some(path) = crate::db::sqlite_file(&cfg.database_url)
        && !std::path::Path::new(path).exists()
    {
        anyhow::bail!(
            "the SQLite database {path} does not exist: give the right --database, or create it with `tuuli migrate`"
        );
    }
    let pool = Db::connect(&cfg.database_url).await?;
    pool.migrate().await?;
    // Themes and the region's areas: every installation needs them, demo or not.
    crate::core::reference::load(&pool)
        .await
        .context("loading the reference data (themes and areas)")?;
    // The indicator catalogue and its sets (never overwriting coordinators' edits).
    crate::knowledge::catalogue::seed::load(&pool)
        .await
        .context("loading the indicator catalogue")?;
    // The national area list and its history (skipped when unchanged since the last start).
    crate::core::areas_national::load(&pool)
        .await
        .context("loading the national area list")?;
    Ok((cfg, pool))
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Import(cmd) => import::import(&cli.config, cmd).await,
        Command::BenchData(args) => import::bench_data_command(&args),
        Command::Serve { bind, db, demo } => {
            let (mut cfg, pool) = open(&cli.config, &db).await?;
            if let Some(b) = bind {
                cfg.bind = b;
            }
            if demo {
                let admin = crate::demo::load(&pool).await?;
                print_demo_admin(&admin);
            }
            serve(cfg, pool).await
        }
        Command::Migrate { db } => {
            let (cfg, _) = open(&cli.config, &db).await?;
            println!(
                "migrations applied to {}",
                crate::db::redact(&cfg.database_url)
            );
            Ok(())
        }
        Command::Demo { db } => {
            let (_, pool) = open(&cli.config, &db).await?;
            let admin = crate::demo::load(&pool).await?;
            print_demo_admin(&admin);
            Ok(())
        }
        Command::User(UserCommand::Add {
            email,
            name,
            role,
            organisation,
            person,
            password_stdin: _,
            db,
        }) => {
            let role = Role::parse(&role).with_context(|| {
                format!("unknown role '{role}': use admin, coordinator, editor or member")
            })?;
            if !crate::web::forms::is_email(&email) {
                anyhow::bail!("'{email}' is not an email address");
            }
            if role == Role::Editor && organisation.is_none() {
                anyhow::bail!("an editor edits one organisation's data: give --organisation ID");
            }
            let pw = read_password()?;
            check_password(&pw)?;
            let (_, pool) = open_existing(&cli.config, &db).await?;
            let hash = password::hash(pw).await?;
            let new = store::NewUser {
                email: email.clone(),
                name,
                role,
                organisation_id: organisation,
                person_id: person,
                password_hash: hash,
            };
            let id = store::create_user(&pool, &new, &Actor::system("cli")).await.map_err(|e| match e {
                crate::error::AppError::Conflict(_) => anyhow::anyhow!("a user with the email {email} exists already"),
                crate::error::AppError::Validation(f) if f.0.contains_key("organisation_id") => anyhow::anyhow!("there is no organisation {}: see the ids on /organisations", organisation.unwrap_or_default()),
                crate::error::AppError::Validation(_) => anyhow::anyhow!("there is no person {}: see the ids on /people", person.unwrap_or_default()),
                crate::error::AppError::Internal(e) => e,
                other => anyhow::anyhow!("could not add the user ({}): check that organisation {organisation:?} and person {person:?} exist", other.key()),
            })?;
            println!("user {id} added: {email} ({})", role.as_str());
            Ok(())
        }
        Command::User(UserCommand::Password {
            email,
            password_stdin: _,
            db,
        }) => {
            let pw = read_password()?;
            check_password(&pw)?;
            let (_, pool) = open_existing(&cli.config, &db).await?;
            let id = store::user_id_by_email(&pool, &email)
                .await
                .map_err(|e| anyhow::anyhow!("{}", e.key()))?
                .with_context(|| format!("no user has the email {email}; see `tuuli user list`"))?;
            let hash = password::hash(pw).await?;
            store::set_password(&pool, id, &hash, None, &Actor::system("cli"))
                .await
                .map_err(|e| anyhow::anyhow!("{}", e.key()))?;
            println!("password set for {email}; their sessions have ended");
            Ok(())
        }
        Command::User(UserCommand::List { db }) => {
            let (_, pool) = open_existing(&cli.config, &db).await?;
            let users = store::list_users(&pool)
                .await
                .map_err(|e| anyhow::anyhow!("could not list users: {}", e.key()))?;
            println!(
                "{:<5} {:<32} {:<12} {:<28} organisation",
                "id", "email", "role", "name"
            );
            for u in users {
                println!(
                    "{:<5} {:<32} {:<12} {:<28} {}{}",
                    u.id,
                    u.email,
                    u.role,
                    u.name,
                    u.organisation_name.unwrap_or_default(),
                    if u.disabled { " (disabled)" } else { "" }
                );
            }
            Ok(())
        }
        Command::Token(TokenCommand::List { email, db }) => {
            let (_, pool) = open_existing(&cli.config, &db).await?;
            let tokens = store::list_tokens(&pool, email.as_deref())
                .await
                .map_err(|e| anyhow::anyhow!("could not list tokens: {}", e.key()))?;
            println!("{:<5} {:<32} {:<26} state", "id", "email", "created");
            for t in tokens {
                let state = match t.revoked_at {
                    Some(at) => format!("revoked {}", at.format("%Y-%m-%d %H:%M")),
                    None => "live".to_owned(),
                };
                println!(
                    "{:<5} {:<32} {:<26} {state}",
                    t.id,
                    t.email,
                    t.created_at.format("%Y-%m-%d %H:%M UTC").to_string()
                );
            }
            Ok(())
        }
        Command::Token(TokenCommand::Create { email, db }) => {
            let (_, pool) = open_existing(&cli.config, &db).await?;
            let (id, token) = store::create_token(&pool, &email, &Actor::system("cli"))
                .await
                .map_err(|e| match e {
                    crate::error::AppError::NotFound => anyhow::anyhow!(
                        "no active user has the email {email}; add one with `tuuli user add`"
                    ),
                    other => anyhow::anyhow!("could not create the token: {}", other.key()),
                })?;
            eprintln!(
                "token {id} created for {email}; use it as `Authorization: Bearer <token>`; revoke with `tuuli token revoke --id {id}`. It is shown only now:"
            );
            println!("{token}");
            Ok(())
        }
        Command::Token(TokenCommand::Revoke { id, db }) => {
            let (_, pool) = open_existing(&cli.config, &db).await?;
            if store::revoke_token(&pool, id, &Actor::system("cli"))
                .await
                .map_err(|e| anyhow::anyhow!("{}", e.key()))?
            {
                println!("token {id} revoked");
                Ok(())
            } else {
                anyhow::bail!("no live token has the id {id}")
            }
        }
        Command::Report(cmd) => {
            let (cfg, pool) = open_existing(&cli.config, cmd.db()).await?;
            report::run(cmd, cfg, pool).await
        }
    }
}

fn read_password() -> anyhow::Result<String> {
    let mut pw = String::new();
    std::io::stdin()
        .read_to_string(&mut pw)
        .context("could not read the password from standard input")?;
    Ok(pw.trim_end_matches(['\n', '\r']).to_owned())
}

fn check_password(pw: &str) -> anyhow::Result<()> {
    match password::check_new(pw) {
        Ok(()) => Ok(()),
        Err("error-password-short") => anyhow::bail!(
            "the password must be at least {} characters long",
            password::MIN_LENGTH
        ),
        Err("error-password-common") => anyhow::bail!(
            "that password is among the most common ones attackers try first: choose another"
        ),
        Err(_) => anyhow::bail!(
            "the password is too long (at most {} characters)",
            password::MAX_LENGTH
        ),
    }
}

fn print_demo_admin(admin: &crate::demo::DemoAdmin) {
    println!("Demo data loaded (people, meetings and decisions are fictitious examples).");
    println!(
        "Demo admin: email {}  password {}",
        admin.email, admin.password
    );
}

async fn serve(cfg: Config, pool: Db) -> anyhow::Result<()> {
    let listener = tokio::net::TcpListener::bind(&cfg.bind)
        .await
        .with_context(|| {
            format!(
                "could not listen on {}: is another program using it? choose another with --bind",
                cfg.bind
            )
        })?;
    let addr = listener.local_addr()?;
    let shutdown = shutdown_signal();
    println!(
        "Tuuli is running at http://{addr}/ (database: {}); stop with Ctrl+C or SIGTERM",
        pool.kind_name()
    );
    let state = crate::web::AppState::new(pool.clone(), cfg)?;
    let worker = crate::jobs::worker::spawn(
        state.clone(),
        crate::jobs::registry(),
        crate::jobs::WorkerOptions::default(),
    );
    let app = crate::build_app(state);
    // The peer address is needed for sign-in throttling per client.
    let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await?;
    // Running jobs are handed back to the queue; the next start resumes them.
    worker.shutdown().await;
    pool.close().await;
    Ok(())
}

/// Resolves on Ctrl+C or, on Unix, SIGTERM (what `systemctl stop`, `docker stop` and
/// Kubernetes send): in-flight requests finish and the pool closes cleanly either way.
/// The SIGTERM handler is installed when this is called, before the server announces
/// itself, so a signal sent right after the announcement is not lost.
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    let term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .map_err(|e| tracing::warn!("SIGTERM handler unavailable: {e}"))
        .ok();
    async move {
        let ctrl_c = async {
            let _ = tokio::signal::ctrl_c().await;
        };
        #[cfg(unix)]
        let term = async move {
            match term {
                Some(mut s) => {
                    s.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        #[cfg(not(unix))]
        let term = std::future::pending::<()>();
        tokio::select! {
            () = ctrl_c => {}
            () = term => {}
        }
        tracing::info!("shutting down");
    }
}
