//! `benk`: the working tool and memory of an integrated outreach team.

mod bench;
mod config;

use std::io::{BufRead, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Context};
use benk_app::staff::{self, AccountChange, NewStaff};
use benk_app::App;
use benk_domain::{Fte, HprNumber, Profession, TeamRole};
use clap::{Parser, Subcommand};
use config::{Config, ConfigArgs};
use tokio::net::TcpListener;

#[derive(Parser)]
#[command(
    name = "benk",
    version,
    about = "Benk: one long service bench for integrated outreach teams"
)]
struct Cli {
    #[command(flatten)]
    config: ConfigArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web interface and API.
    Serve,
    /// Start with an embedded SQLite database and a synthetic demo team.
    Demo {
        /// Where the demo database lives.
        #[arg(long, default_value = "benk-data")]
        data_dir: PathBuf,
    },
    /// Apply database migrations.
    Migrate,
    /// Manage user accounts.
    #[command(subcommand)]
    User(UserCmd),
    /// Manage organisations (employers and team owners).
    #[command(subcommand)]
    Org(OrgCmd),
    /// Manage teams.
    #[command(subcommand)]
    Team(TeamCmd),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(TokenCmd),
    /// Audit log tools.
    #[command(subcommand)]
    Audit(AuditCmd),
    /// Measure audited write throughput over HTTP next to the raw database rate.
    Bench(bench::BenchArgs),
    /// Print the version.
    Version,
}

#[derive(Subcommand)]
enum UserCmd {
    /// Add a user (password from BENK_PASSWORD or one line on standard input).
    Add {
        #[arg(long)]
        username: String,
        #[arg(long)]
        name: String,
        /// nurse, psychologist, psychiatrist, physician, social_educator, occupational_therapist,
        /// social_worker, family_therapist, milieu_therapist, educator, housing_officer,
        /// nav_officer, experience_consultant, other
        #[arg(long)]
        profession: String,
        /// Home employer's organisation number.
        #[arg(long)]
        org: String,
        /// Team name (optional).
        #[arg(long)]
        team: Option<String>,
        /// worker, intake_member, team_lead, administrator, privacy_officer (needs --team)
        #[arg(long, requires = "team")]
        role: Option<String>,
        /// FTE share in percent (needs --team).
        #[arg(long, requires = "team")]
        fte: Option<i64>,
        #[arg(long)]
        hpr: Option<String>,
    },
    /// List users.
    List,
    /// Disable a user's login (ends their sessions).
    Disable { username: String },
    /// Enable a disabled user.
    Enable { username: String },
    /// Set a new password (from BENK_PASSWORD or standard input).
    SetPassword { username: String },
    /// Require a TOTP second factor at the next login.
    RequireTotp { username: String },
    /// Record whether a user is employed in the health service to give care
    /// (helsepersonelloven § 3 first paragraph no. 2), which makes them health personnel.
    SetHealthPersonnel {
        username: String,
        /// `true` (employed to give care) or `false`.
        #[arg(long, action = clap::ArgAction::Set)]
        employed: bool,
        /// Why (position, employer); required and audited.
        #[arg(long)]
        reason: String,
    },
}

#[derive(Subcommand)]
enum OrgCmd {
    /// Add an organisation.
    Add {
        #[arg(long)]
        name: String,
        /// municipality, hospital_trust, nav or other
        #[arg(long)]
        kind: String,
        /// Organisation number (9 digits).
        #[arg(long)]
        number: String,
    },
    /// List organisations.
    List,
}

#[derive(Subcommand)]
enum TeamCmd {
    /// Add a team owned by one or more organisations.
    Add {
        #[arg(long)]
        name: String,
        /// Owner's organisation number (repeat for each owner).
        #[arg(long = "owner", required = true)]
        owners: Vec<String>,
    },
    /// List teams.
    List,
}

#[derive(Subcommand)]
enum TokenCmd {
    /// Create an API token and print it once.
    Create {
        #[arg(long)]
        user: String,
        #[arg(long, default_value = "cli")]
        name: String,
    },
}

#[derive(Subcommand)]
enum AuditCmd {
    /// Walk the hash chain; exit non-zero at the first broken row.
    Verify,
}

const DEFAULT_DB: &str = "sqlite:benk.db";

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("BENK_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,benk=info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let code = match run(cli).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("benk: {e:#}");
            2
        }
    };
    std::process::exit(code);
}

async fn open(cfg: &Config) -> anyhow::Result<App> {
    App::open(&cfg.db_options(), cfg.settings())
        .await
        .with_context(|| format!("opening {}", redact(&cfg.database_url)))
}

/// The URL without a password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://…@{}", &url[..s], &url[at + 1..]),
        _ => url.to_string(),
    }
}

async fn run(cli: Cli) -> anyhow::Result<i32> {
    match cli.command {
        Command::Version => {
            println!("benk {}", env!("CARGO_PKG_VERSION"));
            Ok(0)
        }
        Command::Serve => {
            let cfg = cli.config.resolve(DEFAULT_DB)?;
            let app = open(&cfg).await?;
            serve(app, &cfg).await?;
            Ok(0)
        }
        Command::Demo { data_dir } => {
            std::fs::create_dir_all(&data_dir)
                .with_context(|| format!("creating {}", data_dir.display()))?;
            let db = format!("sqlite:{}", data_dir.join("benk-demo.db").display());
            let mut cfg = cli.config.resolve(&db)?;
            if cli.config.database_url.is_none() {
                cfg.database_url = db;
            }
            if !cfg.database_url.starts_with("sqlite:") {
                bail!("benk demo runs on its own SQLite database; leave out --database-url");
            }
            cfg.test_data = true;
            let app = open(&cfg).await?;
            let started = Instant::now();
            let seeded = benk_app::demo::seed(&app)
                .await
                .map_err(|e| anyhow::anyhow!("seeding the demo: {e}"))?;
            if seeded {
                println!(
                    "seeded the demo team «{}» in {:.2} s",
                    benk_app::demo::DEMO_TEAM,
                    started.elapsed().as_secs_f64()
                );
            } else {
                println!("using the existing demo database in {}", data_dir.display());
            }
            println!(
                "demo logins (password for all: {}):",
                benk_app::demo::DEMO_PASSWORD
            );
            for l in benk_app::demo::logins() {
                println!("  {:<8} {}", l.username, l.description);
            }
            serve(app, &cfg).await?;
            Ok(0)
        }
        Command::Migrate => {
            let cfg = cli.config.resolve(DEFAULT_DB)?;
            open(&cfg).await?;
            println!("migrated {}", redact(&cfg.database_url));
            Ok(0)
        }
        Command::User(cmd) => {
            let cfg = cli.config.resolve(DEFAULT_DB)?;
            let app = open(&cfg).await?;
            user(&app, cmd).await
        }
        Command::Org(cmd) => {
            let cfg = cli.config.resolve(DEFAULT_DB)?;
            let app = open(&cfg).await?;
            org(&app, cmd).await
        }
        Command::Team(cmd) => {
            let cfg = cli.config.resolve(DEFAULT_DB)?;
            let app = open(&cfg).await?;
            team(&app, cmd).await
        }
        Command::Token(TokenCmd::Create { user, name }) => {
            let cfg = cli.config.resolve(DEFAULT_DB)?;
            let app = open(&cfg).await?;
            let s = find_user(&app, &user).await?;
            let token = benk_app::auth::create_token(&app, s.id, &name, None)
                .await
                .map_err(app_err)?;
            println!("{token}");
            Ok(0)
        }
        Command::Audit(AuditCmd::Verify) => {
            let cfg = cli.config.resolve(DEFAULT_DB)?;
            let app = open(&cfg).await?;
            audit_verify(&app).await
        }
        Command::Bench(args) => bench::run(args).await,
    }
}

fn app_err(e: benk_app::AppError) -> anyhow::Error {
    match e {
        benk_app::AppError::Invalid(fields) => anyhow::anyhow!(
            "{}",
            fields
                .iter()
                .map(|f| format!("{}: {}", f.field, f.message.en))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        other => anyhow::anyhow!("{other}"),
    }
}

async fn org(app: &App, cmd: OrgCmd) -> anyhow::Result<i32> {
    match cmd {
        OrgCmd::Add { name, kind, number } => {
            let kind = benk_domain::OrgKind::from_code(&kind).with_context(|| {
                format!("unknown kind {kind:?}: use municipality, hospital_trust, nav or other")
            })?;
            let org_number =
                benk_domain::OrgNumber::parse(&number).map_err(|e| anyhow::anyhow!("{e}"))?;
            let org = benk_app::orgs::create_organisation(
                app,
                None,
                benk_app::orgs::NewOrganisation {
                    name,
                    kind,
                    org_number,
                },
            )
            .await
            .map_err(app_err)?;
            println!("added {} ({})", org.name, org.org_number);
        }
        OrgCmd::List => {
            for o in benk_app::orgs::list_organisations(app)
                .await
                .map_err(app_err)?
            {
                println!("{:<10} {:<16} {}", o.org_number, o.kind, o.name);
            }
        }
    }
    Ok(0)
}

async fn team(app: &App, cmd: TeamCmd) -> anyhow::Result<i32> {
    match cmd {
        TeamCmd::Add { name, owners } => {
            let mut ids = Vec::new();
            for o in &owners {
                let id: Option<(uuid::Uuid,)> = app
                    .db
                    .opt(
                        "SELECT id FROM organisations WHERE org_number = $1",
                        benk_app::args![o.replace(' ', "")],
                    )
                    .await?;
                ids.push(
                    id.with_context(|| {
                        format!("no organisation with number {o}; add it with `benk org add`")
                    })?
                    .0,
                );
            }
            benk_app::orgs::create_team(
                app,
                None,
                &name,
                &ids,
                benk_app::orgs::TeamPolicy::default(),
            )
            .await
            .map_err(app_err)?;
            println!("added team {name}");
        }
        TeamCmd::List => {
            for (_, name) in benk_app::orgs::list_teams(app).await.map_err(app_err)? {
                println!("{name}");
            }
        }
    }
    Ok(0)
}

async fn find_user(app: &App, username: &str) -> anyhow::Result<benk_app::staff::StaffSummary> {
    staff::find_by_username(app, username)
        .await
        .map_err(app_err)?
        .with_context(|| format!("no user named {username:?}"))
}

fn read_password() -> anyhow::Result<String> {
    if let Ok(p) = std::env::var("BENK_PASSWORD") {
        return Ok(p);
    }
    eprint!("password: ");
    std::io::stderr().flush().ok();
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

async fn user(app: &App, cmd: UserCmd) -> anyhow::Result<i32> {
    match cmd {
        UserCmd::Add {
            username,
            name,
            profession,
            org,
            team,
            role,
            fte,
            hpr,
        } => {
            let username = staff::parse_username(&username)
                .map_err(|e| anyhow::anyhow!("{}", e.message.en))?;
            let profession = Profession::from_code(&profession)
                .with_context(|| format!("unknown profession {profession:?}"))?;
            let role = role.unwrap_or_else(|| "worker".into());
            let role =
                TeamRole::from_code(&role).with_context(|| format!("unknown role {role:?}"))?;
            let fte = Fte::from_percent(fte.unwrap_or(100)).map_err(|e| anyhow::anyhow!("{e}"))?;
            let hpr = hpr
                .map(|h| HprNumber::parse(&h))
                .transpose()
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let org_id: Option<(uuid::Uuid,)> = app
                .db
                .opt(
                    "SELECT id FROM organisations WHERE org_number = $1",
                    benk_app::args![org.replace(' ', "")],
                )
                .await?;
            let (org_id,) = org_id.with_context(|| format!("no organisation with number {org}"))?;
            let membership = match team {
                Some(t) => {
                    let id: Option<(uuid::Uuid,)> = app
                        .db
                        .opt(
                            "SELECT id FROM teams WHERE name = $1",
                            benk_app::args![t.clone()],
                        )
                        .await?;
                    Some((
                        id.with_context(|| format!("no team named {t:?}"))?.0,
                        role,
                        fte,
                    ))
                }
                None => None,
            };
            let password = read_password()?;
            staff::check_password(&password).map_err(|e| anyhow::anyhow!("{}", e.message.en))?;
            let new = NewStaff {
                username: username.clone(),
                password,
                name,
                profession,
                hpr_number: hpr,
                home_org_id: org_id,
                membership,
            };
            let id = staff::create_staff_system(app, new)
                .await
                .map_err(app_err)?;
            println!("added {username} ({id})");
            Ok(0)
        }
        UserCmd::List => {
            for s in staff::list_staff(app).await.map_err(app_err)? {
                let basis = benk_domain::health_personnel_basis(
                    Profession::from_code(&s.profession).unwrap_or(Profession::Other),
                    s.care_employment,
                );
                println!(
                    "{:<12} {:<24} {:<22} {:<30} {}{}{}",
                    s.username.unwrap_or_default(),
                    s.name,
                    s.profession,
                    s.org_name,
                    if s.disabled { "disabled" } else { "active" },
                    if s.totp_required {
                        ", totp required"
                    } else {
                        ""
                    },
                    match basis {
                        Some(b) => format!(", health personnel ({})", b.code()),
                        None => String::new(),
                    }
                );
            }
            Ok(0)
        }
        UserCmd::Disable { username } => {
            change(app, &username, AccountChange::Disabled(true)).await
        }
        UserCmd::Enable { username } => {
            change(app, &username, AccountChange::Disabled(false)).await
        }
        UserCmd::RequireTotp { username } => {
            change(app, &username, AccountChange::RequireTotp(true)).await
        }
        UserCmd::SetHealthPersonnel {
            username,
            employed,
            reason,
        } => {
            let s = find_user(app, &username).await?;
            staff::set_health_personnel(app, None, s.id, employed, &reason)
                .await
                .map_err(app_err)?;
            println!(
                "{username}: {}",
                if employed {
                    "health personnel (employed in the health service to give care)"
                } else {
                    "not employed in the health service to give care"
                }
            );
            Ok(0)
        }
        UserCmd::SetPassword { username } => {
            let p = read_password()?;
            staff::check_password(&p).map_err(|e| anyhow::anyhow!("{}", e.message.en))?;
            change(app, &username, AccountChange::Password(p)).await
        }
    }
}

async fn change(app: &App, username: &str, c: AccountChange) -> anyhow::Result<i32> {
    let s = find_user(app, username).await?;
    staff::change_account(app, None, s.id, c)
        .await
        .map_err(app_err)?;
    println!("updated {username}");
    Ok(0)
}

async fn audit_verify(app: &App) -> anyhow::Result<i32> {
    let started = Instant::now();
    let mut last_print = Instant::now();
    let report = benk_app::audit::verify(&app.db, |done, total| {
        if last_print.elapsed().as_millis() > 500 {
            eprintln!("verified {done} of {total} rows");
            last_print = Instant::now();
        }
    })
    .await?;
    match report.first_break {
        None => {
            println!(
                "audit chain OK: {} rows verified in {:.2} s",
                report.rows,
                started.elapsed().as_secs_f64()
            );
            Ok(0)
        }
        Some(b) => {
            println!("audit chain BROKEN at row {}: {}", b.seq, b.reason);
            Ok(1)
        }
    }
}

async fn serve(app: App, cfg: &Config) -> anyhow::Result<()> {
    let listener = TcpListener::bind(&cfg.listen)
        .await
        .with_context(|| format!("listening on {}", cfg.listen))?;
    let addr = listener.local_addr()?;
    let state = benk_web::AppState {
        app,
        secure_cookies: cfg.secure_cookies,
        trust_proxy: cfg.trust_proxy,
        referral_limiter: Default::default(),
    };
    let router = benk_web::router(state);
    println!("listening on http://{addr}");
    std::io::stdout().flush().ok();
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown())
    .await?;
    Ok(())
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
}
