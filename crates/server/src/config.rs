//! Configuration: flags, then environment variables, then the TOML file given by
//! `--config`, then the documented defaults (README.md "Configuration").

use std::net::IpAddr;
use std::path::{Path, PathBuf};

use aftersales_rules::Policy;
use clap::{Args, Parser, Subcommand};
use serde::Deserialize;

#[derive(Parser, Debug)]
#[command(
    name = "aftersales-server",
    version,
    about = "The Aftersales Portal backend"
)]
pub struct Cli {
    #[command(flatten)]
    pub options: Options,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug, Clone)]
pub enum Command {
    /// Serve the API and the built portal (the default).
    Serve,
    /// Import (or update) orders from a CSV file (README.md "Order CSV").
    ImportOrders { file: PathBuf },
    /// Serve a demo store's page with the portal embedded (docs/embedding.md), on
    /// `localhost:SHOP_PORT`, a second origin; the portal must allow it
    /// (`--allowed-origins http://localhost:SHOP_PORT`).
    DemoShop {
        /// Port of the shop's page.
        #[arg(long, default_value_t = 8081)]
        shop_port: u16,
        /// The portal's address, where `embed.js` is.
        #[arg(long, default_value = "http://127.0.0.1:8080/")]
        portal: String,
    },
    /// Write a consistent copy of the SQLite database to FILE while the server
    /// runs (PostgreSQL: pg_dump, crates/server/README.md "Backups").
    Backup {
        file: PathBuf,
        /// Replace FILE when it exists.
        #[arg(long)]
        force: bool,
    },
    /// Put the backup FILE in place of the SQLite database; stop the server first.
    Restore {
        file: PathBuf,
        /// Replace an existing database (it is kept beside, as
        /// `NAME.before-restore-SECONDS`).
        #[arg(long)]
        force: bool,
    },
    /// Create a staff account, or reset its password; the password is read from stdin.
    AddStaff {
        username: String,
        /// The account's roles (repeat, or comma-separated): front_desk,
        /// service_centre, technician, store_manager, operations_head,
        /// general_manager, finance, admin. Needed for a new account; given for an
        /// existing one, they replace its roles.
        #[arg(long = "role", value_delimiter = ',')]
        roles: Vec<String>,
        /// Read the password from stdin (the default; accepted for scripts that say so).
        #[arg(long)]
        password_stdin: bool,
    },
}

/// Every setting; `None` = not given at this level.
#[derive(Args, Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Options {
    /// TOML file with any of these settings (snake_case keys).
    #[arg(long, env = "CONFIG_FILE", global = true)]
    #[serde(skip)]
    pub config: Option<PathBuf>,
    /// Port to listen on [default: 8080].
    #[arg(long, env = "PORT", global = true)]
    pub port: Option<u16>,
    /// Address to bind [default: 127.0.0.1].
    #[arg(long, env = "BIND", global = true)]
    pub bind: Option<IpAddr>,
    /// sqlite://FILE or postgres://… [default: sqlite://aftersales.db].
    #[arg(long, env = "DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    /// Policy file [default: public/policy.json, else the built-in default policy].
    #[arg(long = "policy", env = "POLICY_FILE", global = true)]
    pub policy_file: Option<PathBuf>,
    /// Directory of the built portal [default: dist].
    #[arg(long, env = "STATIC_DIR", global = true)]
    pub static_dir: Option<PathBuf>,
    /// Origins allowed to call the API and embed the portal (comma-separated).
    #[arg(long, env = "ALLOWED_ORIGINS", value_delimiter = ',', global = true)]
    pub allowed_origins: Option<Vec<String>>,
    /// Store name shown by the portal [default: Aftersales].
    #[arg(long, env = "STORE_NAME", global = true)]
    pub store_name: Option<String>,
    /// IANA time zone of the store; overrides the policy file's `time_zone`.
    #[arg(long, env = "TIME_ZONE", global = true)]
    pub time_zone: Option<String>,
    /// Load the demo orders into an empty database on start [default: true].
    #[arg(long, env = "DEMO_DATA", global = true)]
    pub demo_data: Option<bool>,
    /// Take the client address from the last X-Forwarded-For hop [default: false].
    #[arg(long, env = "TRUST_FORWARDED_FOR", global = true)]
    pub trust_forwarded_for: Option<bool>,
    /// Order/tracking lookups and logins allowed per client per minute [default: 30].
    #[arg(long, env = "LOOKUP_RATE_PER_MINUTE", global = true)]
    pub lookup_rate_per_minute: Option<u32>,
    /// `json` (default) or `pretty`.
    #[arg(long, env = "LOG_FORMAT", global = true)]
    pub log_format: Option<String>,
    /// Refuse (422) a filing whose `filed_at` is older than the offline grace,
    /// instead of judging it at the server's clock and flagging it [default: false].
    #[arg(long, env = "REJECT_STALE_FILINGS", global = true)]
    pub reject_stale_filings: Option<bool>,
}

/// The resolved configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub bind: IpAddr,
    pub port: u16,
    pub database_url: String,
    /// `None`: the built-in default policy.
    pub policy_file: Option<PathBuf>,
    pub static_dir: PathBuf,
    pub allowed_origins: Vec<String>,
    pub store_name: String,
    pub time_zone: Option<String>,
    pub demo_data: bool,
    pub trust_forwarded_for: bool,
    pub lookup_rate_per_minute: u32,
    pub log_format: String,
    pub reject_stale_filings: bool,
    pub max_attachment_bytes: usize,
    pub max_attachments: i64,
}

pub const DEFAULT_POLICY_PATH: &str = "public/policy.json";

impl Default for Config {
    fn default() -> Self {
        Config {
            bind: IpAddr::from([127, 0, 0, 1]),
            port: 8080,
            database_url: "sqlite://aftersales.db".into(),
            policy_file: None,
            static_dir: PathBuf::from("dist"),
            allowed_origins: Vec::new(),
            store_name: "Aftersales".into(),
            time_zone: None,
            demo_data: true,
            trust_forwarded_for: false,
            lookup_rate_per_minute: 30,
            log_format: "json".into(),
            reject_stale_filings: false,
            max_attachment_bytes: 5 * 1024 * 1024,
            max_attachments: 6,
        }
    }
}

impl Config {
    /// Merges flags/env (`cli`) over the config file over the defaults.
    pub fn resolve(cli: &Options) -> Result<Config, String> {
        let file = match &cli.config {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("cannot read config file {}: {e}", path.display()))?;
                toml::from_str::<Options>(&text)
                    .map_err(|e| format!("config file {}: {e}", path.display()))?
            }
            None => Options::default(),
        };
        let d = Config::default();
        let policy_file = match cli.policy_file.clone().or(file.policy_file) {
            Some(p) => Some(p),
            // The default path is optional: fall back to the built-in policy.
            None => Some(PathBuf::from(DEFAULT_POLICY_PATH)).filter(|p| p.exists()),
        };
        let origins = cli
            .allowed_origins
            .clone()
            .or(file.allowed_origins)
            .unwrap_or_default()
            .into_iter()
            .map(|o| o.trim().trim_end_matches('/').to_owned())
            .filter(|o| !o.is_empty())
            .collect::<Vec<_>>();
        for origin in &origins {
            if !valid_origin(origin) {
                return Err(format!(
                    "allowed origin {origin:?} must be scheme://host[:port] (e.g. https://shop.example.com)"
                ));
            }
        }
        let log_format = cli
            .log_format
            .clone()
            .or(file.log_format)
            .unwrap_or(d.log_format);
        if log_format != "json" && log_format != "pretty" {
            return Err(format!(
                "log format must be json or pretty, not {log_format:?}"
            ));
        }
        Ok(Config {
            bind: cli.bind.or(file.bind).unwrap_or(d.bind),
            port: cli.port.or(file.port).unwrap_or(d.port),
            database_url: cli
                .database_url
                .clone()
                .or(file.database_url)
                .unwrap_or(d.database_url),
            policy_file,
            static_dir: cli
                .static_dir
                .clone()
                .or(file.static_dir)
                .unwrap_or(d.static_dir),
            allowed_origins: origins,
            store_name: cli
                .store_name
                .clone()
                .or(file.store_name)
                .unwrap_or(d.store_name),
            time_zone: cli.time_zone.clone().or(file.time_zone),
            demo_data: cli.demo_data.or(file.demo_data).unwrap_or(d.demo_data),
            trust_forwarded_for: cli
                .trust_forwarded_for
                .or(file.trust_forwarded_for)
                .unwrap_or(d.trust_forwarded_for),
            lookup_rate_per_minute: cli
                .lookup_rate_per_minute
                .or(file.lookup_rate_per_minute)
                .unwrap_or(d.lookup_rate_per_minute)
                .max(1),
            log_format,
            reject_stale_filings: cli
                .reject_stale_filings
                .or(file.reject_stale_filings)
                .unwrap_or(d.reject_stale_filings),
            ..d
        })
    }
}

/// `https://host[:port]`: goes into CORS and CSP headers, so nothing else.
fn valid_origin(origin: &str) -> bool {
    let rest = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"));
    rest.is_some_and(|host| {
        !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
    })
}

/// The policy in force and its JSON (served at `/api/policy`).
pub struct LoadedPolicy {
    pub policy: Policy,
    pub json: serde_json::Value,
}

/// Reads and validates the policy; `time_zone` overrides the file's zone (the
/// version then hashes the overridden text, so filings record what was applied).
pub fn load_policy(path: Option<&Path>, time_zone: Option<&str>) -> Result<LoadedPolicy, String> {
    let text = match path {
        Some(p) => std::fs::read_to_string(p)
            .map_err(|e| format!("cannot read policy file {}: {e}", p.display()))?,
        None => aftersales_rules::policy::DEFAULT_POLICY_JSON.to_owned(),
    };
    let text = match time_zone {
        Some(zone) => {
            let mut value: serde_json::Value = serde_json::from_str(&text)
                .map_err(|e| format!("policy file is not valid JSON: {e}"))?;
            if let Some(obj) = value.as_object_mut() {
                obj.insert("time_zone".into(), serde_json::Value::String(zone.into()));
            }
            serde_json::to_string_pretty(&value).map_err(|e| e.to_string())?
        }
        None => text,
    };
    let policy = Policy::from_json(&text).map_err(|e| format!("invalid policy: {e}"))?;
    let mut json: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("policy file is not valid JSON: {e}"))?;
    if let Some(obj) = json.as_object_mut() {
        obj.insert(
            "version".into(),
            serde_json::Value::String(policy.version.clone()),
        );
    }
    Ok(LoadedPolicy { policy, json })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_override_the_file_which_overrides_defaults() {
        let dir = std::env::temp_dir().join(format!("aftersales-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("server.toml");
        std::fs::write(
            &file,
            "port = 9000\nstore_name = \"Shop\"\nallowed_origins = [\"https://a.example/\"]\n",
        )
        .unwrap();
        let cli = Options {
            config: Some(file.clone()),
            port: Some(9100),
            ..Options::default()
        };
        let c = Config::resolve(&cli).unwrap();
        assert_eq!(c.port, 9100);
        assert_eq!(c.store_name, "Shop");
        assert_eq!(c.allowed_origins, ["https://a.example"]);
        assert_eq!(c.database_url, "sqlite://aftersales.db");
        assert_eq!(c.bind, IpAddr::from([127, 0, 0, 1]));

        std::fs::write(&file, "prot = 1\n").unwrap();
        assert!(Config::resolve(&cli).unwrap_err().contains("prot"));
        let bad = Options {
            allowed_origins: Some(vec!["https://a.example/'; script-src *".into()]),
            ..Options::default()
        };
        assert!(Config::resolve(&bad).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn time_zone_override_changes_the_version() {
        let default = load_policy(None, None).unwrap();
        let utc = load_policy(None, Some("UTC")).unwrap();
        assert_eq!(utc.policy.time_zone.name(), "UTC");
        assert_ne!(default.policy.version, utc.policy.version);
        assert_eq!(utc.json["version"], serde_json::json!(utc.policy.version));
        assert!(load_policy(None, Some("Mars/Olympus")).is_err());
    }
}
