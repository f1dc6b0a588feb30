//! `aftersales-server [serve] | import-orders FILE.csv | add-staff USERNAME --role ROLE | demo-shop
//! | backup FILE | restore FILE`.

use std::io::{BufRead, IsTerminal, Write};
use std::process::ExitCode;

use aftersales_rules::StaffRole;
use aftersales_server::config::{load_policy, Cli, Command, Config};
use aftersales_server::{backup as backups, db, shutdown_signal, store, Application};
use clap::Parser;
use tracing_subscriber::EnvFilter;

fn init_logging(format: &str) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if format == "pretty" {
        builder.init();
    } else {
        builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .init();
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::resolve(&cli.options) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("aftersales-server: {e}");
            return ExitCode::from(2);
        }
    };
    init_logging(&config.log_format);
    let result = match cli.command.clone().unwrap_or(Command::Serve) {
        Command::Serve => serve(config).await,
        Command::ImportOrders { file } => import_orders(config, &file).await,
        Command::AddStaff {
            username, roles, ..
        } => add_staff(config, &username, &roles).await,
        Command::DemoShop { shop_port, portal } => demo_shop(shop_port, &portal).await,
        Command::Backup { file, force } => backup(&config, &file, force).await,
        Command::Restore { file, force } => restore(&config, &file, force).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("aftersales-server: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(config: Config) -> Result<(), String> {
    let static_dir = config.static_dir.clone();
    let app = Application::build(config).await?;
    if !static_dir.join("index.html").exists() {
        tracing::warn!(dir = %static_dir.display(), "no built portal (index.html) to serve");
    }
    tracing::info!(addr = %app.addr, database = app.db().backend.name(), "listening");
    app.run_until(shutdown_signal())
        .await
        .map_err(|e| e.to_string())?;
    tracing::info!("stopped");
    Ok(())
}

async fn demo_shop(port: u16, portal: &str) -> Result<(), String> {
    let app = aftersales_server::demo_shop::router(portal);
    // `localhost` is a different site from the portal's `127.0.0.1`; it may
    // resolve to either loopback address.
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))?;
    if let Ok(v6) = tokio::net::TcpListener::bind(("::1", port)).await {
        let app = app.clone();
        tokio::spawn(async move { axum::serve(v6, app).await });
    }
    tracing::info!(shop = %format!("http://localhost:{port}/"), portal, "demo shop");
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|e| e.to_string())
}

async fn import_orders(config: Config, file: &std::path::Path) -> Result<(), String> {
    let policy = load_policy(config.policy_file.as_deref(), config.time_zone.as_deref())?;
    let text = std::fs::read_to_string(file)
        .map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let now = aftersales_server::domain::clock::now_in_zone(&policy.policy);
    let parsed = store::orders::parse_csv(&text, &policy.policy, now)
        .map_err(|e| format!("{}: {e}", file.display()))?;
    let db = db::connect(&config.database_url).await?;
    store::orders::store_orders(&db, &parsed, false)
        .await
        .map_err(|e| format!("cannot store the orders: {e}"))?;
    let (count, lines) = store::orders::summary(&parsed);
    println!("imported {count} orders ({lines} lines)");
    Ok(())
}

async fn add_staff(config: Config, username: &str, roles: &[String]) -> Result<(), String> {
    let roles = roles
        .iter()
        .map(|r| {
            StaffRole::parse(r.trim()).ok_or_else(|| {
                let all: Vec<&str> = StaffRole::ALL.iter().map(|r| r.as_str()).collect();
                format!("--role {r}: unknown role (one of {})", all.join(", "))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        eprint!("Password for {username} (input is shown): ");
        let _ = std::io::stderr().flush();
    }
    let mut password = String::new();
    stdin
        .lock()
        .read_line(&mut password)
        .map_err(|e| format!("cannot read the password: {e}"))?;
    let password = password.trim_end_matches(['\r', '\n']);
    let db = db::connect(&config.database_url).await?;
    let created = store::staff::add_staff(&db, username, password, &roles).await?;
    if created {
        println!("staff account {username} created");
    } else {
        let what = if roles.is_empty() {
            "password"
        } else {
            "password and roles"
        };
        println!("{what} of {username} changed");
    }
    Ok(())
}

async fn backup(config: &Config, file: &std::path::Path, force: bool) -> Result<(), String> {
    let copied = backups::backup(&config.database_url, file, force).await?;
    println!(
        "backed up {} requests to {} ({} bytes)",
        copied.requests,
        file.display(),
        copied.bytes
    );
    Ok(())
}

async fn restore(config: &Config, file: &std::path::Path, force: bool) -> Result<(), String> {
    let (copied, kept) =
        backups::restore(file, &config.database_url, force, db::unix_now()).await?;
    let target = backups::sqlite_file(&config.database_url)?;
    println!(
        "restored {} requests from {} into {}",
        copied.requests,
        file.display(),
        target.display()
    );
    if let Some(kept) = kept {
        println!("the database it replaced is kept as {}", kept.display());
    }
    Ok(())
}
