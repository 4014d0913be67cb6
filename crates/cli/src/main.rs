//! `benk`: the working tool and memory of an integrated outreach team.

mod bench;
mod config;
mod import;
mod national;

use std::io::{BufRead, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Context};
use benk_app::access::admin::{open_admin, AdminGrant, AdminScope, Principal};
use benk_app::audit::checkpoint;
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
        /// Write the demo's data as import files into this directory and exit (the
        /// committed copies are docs/import/samples/).
        #[arg(long, hide = true, value_name = "DIR")]
        write_import_samples: Option<PathBuf>,
    },
    /// Apply database migrations.
    Migrate {
        /// PostgreSQL: also create (or reset the rights of) a role for `benk serve`
        /// with INSERT and SELECT but no UPDATE or DELETE on the audit log.
        #[arg(long, value_name = "NAME")]
        create_server_role: Option<String>,
    },
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
    /// Make a synthetic data set in bulk (`--national`: teams, staff, people,
    /// contacts and a valid audit chain at national scale).
    Seed(national::NationalArgs),
    /// Import a CSV file (people, measures, spor, registry) into a team, as a named user: every bad
    /// row is reported and nothing is written, or every new row is written (see docs/import/).
    Import(import::ImportArgs),
    /// Run a team report and write it to a file (html, pdf, xlsx or csv). Runs as the staff
    /// member `--as` names, with their access rules, and is audited like a download
    /// (`report.<name>`, format and "benk cli (os user: …)" as the user agent).
    Report(ReportArgs),
    /// Print the version.
    Version,
}

#[derive(clap::Args)]
struct ReportArgs {
    /// `activity`, `referrals`, `spor`, `cflex`, `tandem`, `fidelity` or `teams`.
    name: String,
    /// The team's name (not for `teams`, which covers every team).
    #[arg(long)]
    team: Option<String>,
    /// First date (YYYY-MM-DD).
    #[arg(long)]
    from: chrono::NaiveDate,
    /// Last date (YYYY-MM-DD), included.
    #[arg(long)]
    to: chrono::NaiveDate,
    /// html, pdf, xlsx or csv.
    #[arg(long, default_value = "pdf")]
    format: String,
    /// Where to write the file.
    #[arg(long)]
    out: PathBuf,
    /// The staff member (login name) the report is run as: a working member of the team.
    #[arg(long = "as", value_name = "LOGIN")]
    as_user: String,
    /// nb (default) or en.
    #[arg(long, default_value = "nb")]
    lang: String,
    /// The C-Flex evaluation's follow-up window in months: 6, 12 (default) or 24.
    #[arg(long, default_value_t = 12)]
    window: u32,
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
    /// Walk the hash chain; exit 1 at the first broken row or disagreeing checkpoint.
    Verify {
        /// Also check the chain against the signed checkpoints in this file.
        #[arg(long, value_name = "FILE")]
        checkpoints: Option<PathBuf>,
        /// Trusted public key (64 hex digits, or a file holding them, such as the
        /// key file's `.pub`); repeat for older keys. Default: from audit_key_file.
        #[arg(long = "public-key", value_name = "KEY|FILE", requires = "checkpoints")]
        public_keys: Vec<String>,
    },
    /// Create the checkpoint signing key at audit_key_file (never overwrites one).
    Keygen,
    /// Sign the current chain head and append it to audit_checkpoint_file.
    Checkpoint,
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
        Command::Demo {
            write_import_samples: Some(dir),
            ..
        } => write_import_samples(&dir).await,
        Command::Import(args) => {
            let cfg = cli.config.resolve(DEFAULT_DB)?;
            let app = open(&cfg).await?;
            import::run(&app, args, &os_user()).await
        }
        Command::Demo { data_dir, .. } => {
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
            // The demo signs its audit checkpoints with a key of its own.
            if cfg.audit_key_file.is_none() {
                let key = data_dir.join("audit-key");
                if !key.exists() {
                    checkpoint::AuditKey::create_file(&key)?;
                }
                cfg.audit_key_file = Some(key);
            }
            if cfg.audit_checkpoint_file.is_none() {
                cfg.audit_checkpoint_file = Some(data_dir.join("audit-checkpoints.jsonl"));
            }
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
        Command::Migrate { create_server_role } => {
            let cfg = cli.config.resolve(DEFAULT_DB)?;
            let app = open(&cfg).await?;
            println!("migrated {}", redact(&cfg.database_url));
            if let Some(role) = create_server_role {
                let grant = cli_admin(&app, AdminScope::System, "db.server_role").await?;
                benk_app::db::server_role::create_server_role(&app, &grant, &role).await?;
                println!(
                    "role {role} may now run `benk serve`: INSERT and SELECT on audit_events, \
                     no UPDATE or DELETE; give it a password or certificate login"
                );
            }
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
            let grant = cli_admin(&app, AdminScope::Staff(s.id), "token.create").await?;
            let token = benk_app::auth::create_token_for(&app, &grant, s.id, &name)
                .await
                .map_err(app_err)?;
            println!("{token}");
            Ok(0)
        }
        Command::Audit(AuditCmd::Verify {
            checkpoints,
            public_keys,
        }) => {
            let cfg = cli.config.resolve(DEFAULT_DB)?;
            match checkpoints {
                None => {
                    let app = open(&cfg).await?;
                    let code = audit_verify(&app).await?;
                    if let Some(f) = &cfg.audit_checkpoint_file {
                        println!(
                            "note: a chain cut or re-hashed together with its head is only found \
                             against the signed checkpoints: add --checkpoints {}",
                            f.display()
                        );
                    }
                    Ok(code)
                }
                Some(file) => {
                    // Read the file and keys before the chain, so the head we walk
                    // to is never older than a checkpoint.
                    let trusted = trusted_keys(&cfg, &public_keys)?;
                    let cps = checkpoint::read_file(&file)?;
                    let app = open(&cfg).await?;
                    audit_verify_checkpoints(&app, &file, &cps, &trusted).await
                }
            }
        }
        Command::Audit(AuditCmd::Keygen) => {
            let cfg = cli.config.resolve(DEFAULT_DB)?;
            let path = cfg.audit_key_file.as_ref().context(
                "no audit_key_file configured: set it in benk.toml, BENK_AUDIT_KEY_FILE or --audit-key-file",
            )?;
            let key = checkpoint::AuditKey::create_file(path)?;
            let public = key.public();
            let pub_path = public_key_path(path);
            std::fs::write(&pub_path, format!("{}\n", public.hex()))
                .with_context(|| format!("writing {}", pub_path.display()))?;
            println!("created the audit signing key {}", path.display());
            println!("public key: {}", public.hex());
            println!("key id:     {}", public.key_id());
            println!(
                "the public key is also in {}; keep a copy off this host",
                pub_path.display()
            );
            Ok(0)
        }
        Command::Audit(AuditCmd::Checkpoint) => {
            let cfg = cli.config.resolve(DEFAULT_DB)?;
            let Some(ck) = Checkpointer::from_config(&cfg)? else {
                bail!("no audit_key_file configured: create a key with `benk audit keygen`");
            };
            let app = open(&cfg).await?;
            let c = checkpoint::checkpoint(&app, &ck.key, &ck.file).await?;
            println!(
                "checkpoint: seq {} hash {} signed {} by key {}",
                c.seq,
                c.hash,
                c.at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
                c.key_id
            );
            Ok(0)
        }
        Command::Bench(args) => bench::run(args).await,
        Command::Seed(args) => {
            let cfg = cli.config.resolve(DEFAULT_DB)?;
            national::run(args, &cfg.database_url).await
        }
        Command::Report(args) => {
            let cfg = cli.config.resolve(DEFAULT_DB)?;
            report(&cfg, args).await
        }
    }
}

/// Seeds the demo into a fresh database in a temporary directory and writes its people,
/// measures and SPoR interviews as import files into `dir`.
async fn write_import_samples(dir: &std::path::Path) -> anyhow::Result<i32> {
    let tmp = std::env::temp_dir().join(format!("benk-samples-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&tmp)?;
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let url = format!("sqlite:{}", tmp.join("demo.db").display());
    let opts = benk_app::db::DbOptions::new(&url);
    let settings = benk_app::Settings {
        allow_synthetic_ids: true,
        ..benk_app::Settings::default()
    };
    let app = App::open(&opts, settings).await?;
    benk_app::demo::seed(&app)
        .await
        .map_err(|e| anyhow::anyhow!("seeding the demo: {e}"))?;
    for s in benk_app::demo::samples::samples(&app)
        .await
        .map_err(app_err)?
    {
        let path = dir.join(&s.file);
        std::fs::write(&path, s.text).with_context(|| format!("writing {}", path.display()))?;
        println!("wrote {}", path.display());
    }
    app.close().await;
    std::fs::remove_dir_all(&tmp).ok();
    Ok(0)
}

/// `benk report`: progress on standard error, the file at `--out`.
async fn report(cfg: &Config, a: ReportArgs) -> anyhow::Result<i32> {
    use benk_web::html::report::{render_file, Format};
    let started = std::time::Instant::now();
    let name = benk_app::reports::ReportName::from_code(&a.name).with_context(|| {
        let names: Vec<&str> = benk_app::reports::ReportName::ALL
            .iter()
            .map(|n| n.code())
            .collect();
        format!("no report named {:?} ({})", a.name, names.join(", "))
    })?;
    let format = Format::from_code(&a.format)
        .with_context(|| format!("no format {:?} (html, pdf, xlsx, csv)", a.format))?;
    let lang = benk_domain::Lang::from_tag(&a.lang).unwrap_or_default();
    let app = open(cfg).await?;
    let team = match (&a.team, name) {
        (Some(t), _) => benk_app::lookup::team_by_name(&app, t)
            .await?
            .with_context(|| format!("no team named {t:?}"))?,
        (None, benk_app::reports::ReportName::Teams) => uuid::Uuid::nil(),
        (None, _) => anyhow::bail!("--team is needed for the report {:?}", a.name),
    };
    let team_label = a.team.clone().unwrap_or_else(|| "every team".into());
    let user = find_user(&app, &a.as_user).await?;
    let meta = benk_app::RequestMeta {
        ip: None,
        user_agent: Some(format!("benk cli (os user: {})", os_user())),
    };
    let actor = staff::load_actor(&app, user.id, meta)
        .await
        .map_err(app_err)?
        .with_context(|| format!("{:?} is disabled", a.as_user))?;
    eprintln!(
        "report {}: computing {} to {} for {}…",
        name.code(),
        a.from,
        a.to,
        team_label
    );
    let opts = benk_app::reports::Options {
        window_months: a.window,
    };
    let r = benk_app::reports::run_with(
        &app,
        &actor,
        (name, team),
        (a.from, a.to),
        format.code(),
        opts,
    )
    .await
    .map_err(app_err)?;
    eprintln!(
        "report {}: computed in {} ms; rendering {}…",
        name.code(),
        started.elapsed().as_millis(),
        format.code()
    );
    let bytes = render_file(&r, format, lang).map_err(app_err)?;
    std::fs::write(&a.out, &bytes).with_context(|| format!("writing {}", a.out.display()))?;
    eprintln!(
        "report {}: wrote {} bytes to {} in {} ms",
        name.code(),
        bytes.len(),
        a.out.display(),
        started.elapsed().as_millis()
    );
    app.close().await;
    Ok(0)
}

/// The operating-system user running `benk`, for the audit log: `$USER`,
/// `$LOGNAME`, else what `id -un` says. Whoever runs the command line holds the
/// database credentials, so this names them; it is not what authorises them.
fn os_user() -> String {
    ["USER", "LOGNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|u| !u.trim().is_empty()))
        .or_else(|| {
            std::process::Command::new("id")
                .arg("-un")
                .output()
                .ok()
                .filter(|o| o.status.success())
                .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
                .filter(|u| !u.is_empty())
        })
        .unwrap_or_else(|| "unknown".into())
}

/// Administration from the command line: the CLI's own principal, which the
/// access module turns into a grant for `scope`.
async fn cli_admin(app: &App, scope: AdminScope, action: &str) -> anyhow::Result<AdminGrant> {
    let user = os_user();
    open_admin(app, Principal::Cli { os_user: &user }, scope, action)
        .await
        .map_err(app_err)
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
            let grant = cli_admin(app, AdminScope::System, "organisation.create").await?;
            let org = benk_app::orgs::create_organisation(
                app,
                &grant,
                benk_app::orgs::NewOrganisation {
                    name,
                    kind,
                    org_number,
                    side: None,
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
                let id = benk_app::lookup::organisation_by_number(app, o).await?;
                ids.push(id.with_context(|| {
                    format!("no organisation with number {o}; add it with `benk org add`")
                })?);
            }
            let grant = cli_admin(app, AdminScope::System, "team.create").await?;
            benk_app::orgs::create_team(
                app,
                &grant,
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
            let org_id = benk_app::lookup::organisation_by_number(app, &org)
                .await?
                .with_context(|| format!("no organisation with number {org}"))?;
            let membership = match team {
                Some(t) => {
                    let id = benk_app::lookup::team_by_name(app, &t).await?;
                    Some((
                        id.with_context(|| format!("no team named {t:?}"))?,
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
            let scope = match new.membership {
                Some((team, _, _)) => AdminScope::Team(team),
                None => AdminScope::System,
            };
            let grant = cli_admin(app, scope, "staff.create").await?;
            let id = staff::create_staff(app, &grant, new)
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
            let grant =
                cli_admin(app, AdminScope::Staff(s.id), "staff.set_health_personnel").await?;
            staff::set_health_personnel(app, &grant, s.id, employed, &reason)
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
    let grant = cli_admin(app, AdminScope::Staff(s.id), c.action()).await?;
    staff::change_account(app, &grant, s.id, c)
        .await
        .map_err(app_err)?;
    println!("updated {username}");
    Ok(0)
}

async fn audit_verify(app: &App) -> anyhow::Result<i32> {
    let started = Instant::now();
    let mut last_print = Instant::now();
    let report = benk_app::audit::verify(app, |done, total| {
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
    let checkpointer = Checkpointer::from_config(cfg)?;
    let listener = TcpListener::bind(&cfg.listen)
        .await
        .with_context(|| format!("listening on {}", cfg.listen))?;
    let addr = listener.local_addr()?;
    let periodic = match &checkpointer {
        Some(ck) => {
            // One at start, so the chain is checked against the last checkpoint
            // before anything new is written.
            ck.run(&app).await;
            Some(tokio::spawn(ck.clone().every(
                app.clone(),
                std::time::Duration::from_secs(cfg.audit_checkpoint_minutes * 60),
            )))
        }
        None => {
            tracing::warn!(
                "audit checkpoints are OFF: no audit_key_file is configured, so a rewrite of the \
                 audit log by someone with write access to the database cannot be detected. \
                 Create a key with `benk audit keygen` and set audit_key_file and \
                 audit_checkpoint_file."
            );
            None
        }
    };
    let checkpoint_app = app.clone();
    let state = benk_web::AppState {
        app,
        secure_cookies: cfg.secure_cookies,
        trust_proxy: cfg.trust_proxy,
        referral_limiter: Default::default(),
        trusted_proxies: cfg.trusted_proxies.clone(),
        request_timeout: std::time::Duration::from_secs(cfg.request_timeout_secs),
    };
    let router = benk_web::router(state);
    let shutdown = shutdown();
    println!("listening on http://{addr}");
    std::io::stdout().flush().ok();
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await?;
    // Every request has been answered, so every acknowledged write is in the
    // head that this last checkpoint signs.
    if let Some(ck) = &checkpointer {
        if let Some(p) = periodic {
            p.abort();
        }
        ck.run(&checkpoint_app).await;
    }
    Ok(())
}

/// The key and file of the audit checkpoints, when configured.
#[derive(Clone)]
struct Checkpointer {
    key: std::sync::Arc<checkpoint::AuditKey>,
    file: PathBuf,
}

impl Checkpointer {
    fn from_config(cfg: &Config) -> anyhow::Result<Option<Checkpointer>> {
        let Some(key_file) = &cfg.audit_key_file else {
            return Ok(None);
        };
        let file = cfg.audit_checkpoint_file.clone().context(
            "audit_key_file is set but audit_checkpoint_file is not: say where checkpoints go",
        )?;
        let key = checkpoint::AuditKey::load(key_file)
            .context("loading the audit signing key (create one with `benk audit keygen`)")?;
        Ok(Some(Checkpointer {
            key: std::sync::Arc::new(key),
            file,
        }))
    }

    /// Signs the head; a failure is logged loudly, never fatal to serving.
    async fn run(&self, app: &App) {
        match checkpoint::checkpoint(app, &self.key, &self.file).await {
            Ok(c) => {
                tracing::info!(seq = c.seq, file = %self.file.display(), "audit checkpoint signed")
            }
            Err(e) => tracing::error!(
                file = %self.file.display(),
                "AUDIT CHECKPOINT NOT SIGNED: {e}"
            ),
        }
    }

    async fn every(self, app: App, period: std::time::Duration) {
        let mut tick = tokio::time::interval(period);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tick.tick().await;
        loop {
            tick.tick().await;
            self.run(&app).await;
        }
    }
}

/// Where keygen puts the public key: next to the key, with `.pub` added.
fn public_key_path(key: &std::path::Path) -> PathBuf {
    let mut p = key.as_os_str().to_owned();
    p.push(".pub");
    PathBuf::from(p)
}

/// The keys checkpoints are checked against: `--public-key` values (hex or a
/// file holding hex), else the configured key file's public half.
fn trusted_keys(cfg: &Config, given: &[String]) -> anyhow::Result<Vec<checkpoint::PublicKey>> {
    if given.is_empty() {
        let path = cfg.audit_key_file.as_ref().context(
            "give the public key with --public-key (or configure audit_key_file on the host)",
        )?;
        return Ok(vec![checkpoint::AuditKey::load(path)?.public()]);
    }
    given
        .iter()
        .map(|g| {
            let is_hex = g.len() == 64 && g.chars().all(|c| c.is_ascii_hexdigit());
            let text = if is_hex {
                g.clone()
            } else {
                std::fs::read_to_string(g).with_context(|| format!("reading public key {g}"))?
            };
            Ok(checkpoint::PublicKey::parse(&text)?)
        })
        .collect()
}

async fn audit_verify_checkpoints(
    app: &App,
    file: &std::path::Path,
    cps: &[checkpoint::Numbered],
    trusted: &[checkpoint::PublicKey],
) -> anyhow::Result<i32> {
    if cps.is_empty() {
        println!(
            "audit chain NOT VERIFIED: {} holds no checkpoint",
            file.display()
        );
        return Ok(1);
    }
    let started = Instant::now();
    let report = checkpoint::verify_with_checkpoints(app, cps, trusted, |_, _| {}).await?;
    match report.chain.first_break {
        None => {
            println!(
                "audit chain OK: {} rows verified in {:.2} s, agreeing with {} signed checkpoint(s) in {} up to seq {}",
                report.chain.rows,
                started.elapsed().as_secs_f64(),
                report.checkpoints,
                file.display(),
                report.last_signed_seq
            );
            Ok(0)
        }
        Some(b) => {
            println!("audit chain BROKEN at row {}: {}", b.seq, b.reason);
            Ok(1)
        }
    }
}

/// Waits for Ctrl-C or SIGTERM. The handlers are installed when this is
/// called, not when the future is first polled, so a signal that arrives right
/// after `listening on` is printed still shuts down gracefully.
fn shutdown() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let term = signal(SignalKind::terminate());
        let int = signal(SignalKind::interrupt());
        async move {
            match (term, int) {
                (Ok(mut term), Ok(mut int)) => {
                    tokio::select! { _ = term.recv() => {}, _ = int.recv() => {} }
                }
                _ => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
    }
    #[cfg(not(unix))]
    async {
        let _ = tokio::signal::ctrl_c().await;
    }
}
