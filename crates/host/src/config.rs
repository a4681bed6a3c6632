//! The `nano.toml` configuration: what `nanod serve --config` reads, validated up front
//! so a broken file fails at start with a message that names the field.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::router::{Route, RouteError};

/// Default listen address.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// Per-app limits; see the README's table for what happens on a breach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// CPU time one request may use.
    pub cpu: Duration,
    /// Engine heap of one isolate.
    pub memory_bytes: usize,
    /// Time from request to response head.
    pub wall: Duration,
    /// Outbound fetches per request.
    pub subrequests: u32,
    /// Largest request body accepted.
    pub body_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            cpu: Duration::from_millis(50),
            memory_bytes: 128 << 20,
            wall: Duration::from_secs(30),
            subrequests: 50,
            body_bytes: 100 << 20,
        }
    }
}

/// Where an app's outbound `fetch` may go and how long it may take (`[apps.NAME.outbound]`).
/// With no lists, every host is allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outbound {
    pub policy: nano_web::OutboundPolicy,
    pub connect_timeout: Duration,
    pub timeout: Duration,
    /// A fetch to a URL one of this server's apps serves goes to that app in-process,
    /// without a socket (`in_process = true`).
    pub in_process: bool,
}

impl Default for Outbound {
    fn default() -> Self {
        let d = nano_web::FetchSettings::default();
        Self {
            policy: d.policy,
            connect_timeout: d.connect_timeout,
            timeout: d.timeout,
            in_process: false,
        }
    }
}

/// Settings of the HTTP front door, shared by every app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerSettings {
    pub listen: SocketAddr,
    pub threads: usize,
    /// A client must send a request's whole head within this time; also how long an idle
    /// keep-alive connection is kept.
    pub header_timeout: Duration,
    /// Largest request head, in bytes.
    pub max_header_bytes: usize,
    /// Most header fields in one request.
    pub max_headers: usize,
    /// How long in-flight requests may finish after SIGTERM/SIGINT.
    pub shutdown_grace: Duration,
    /// An isolate with no request and no pending work for this long is dropped.
    pub idle_isolate: Duration,
}

impl Default for ServerSettings {
    fn default() -> Self {
        Self {
            listen: DEFAULT_LISTEN
                .parse()
                .unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 8080))),
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
            header_timeout: Duration::from_secs(10),
            max_header_bytes: 64 << 10,
            max_headers: 100,
            shutdown_grace: Duration::from_secs(10),
            idle_isolate: Duration::from_secs(300),
        }
    }
}

/// One app as configured.
#[derive(Debug, Clone)]
pub struct AppConfig {
    pub name: String,
    /// The main file; its folder is the app's root, which imports cannot leave.
    pub main: PathBuf,
    pub routes: Vec<Route>,
    /// `env` bindings, as JSON text per name.
    pub vars: BTreeMap<String, String>,
    pub limits: Limits,
    pub outbound: Outbound,
    /// Service bindings (`[apps.NAME.services]`): `env.BINDING` sends requests to the
    /// app at this index, in-process.
    pub services: BTreeMap<String, usize>,
}

impl AppConfig {
    /// What the app's isolates give their `fetch`.
    pub fn fetch_settings(&self) -> nano_web::FetchSettings {
        nano_web::FetchSettings {
            subrequests: self.limits.subrequests,
            connect_timeout: self.outbound.connect_timeout,
            timeout: self.outbound.timeout,
            policy: self.outbound.policy.clone(),
            ..nano_web::FetchSettings::default()
        }
    }
}

/// A whole validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub server: ServerSettings,
    pub apps: Vec<AppConfig>,
    /// Set when one app answers everything (single-app mode, or one app without routes).
    pub catch_all: Option<usize>,
}

/// A configuration problem, with where it is.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: cannot read: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Parse { path: String, message: String },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    listen: Option<String>,
    threads: Option<usize>,
    header_timeout_ms: Option<u64>,
    max_header_bytes: Option<usize>,
    max_headers: Option<usize>,
    shutdown_grace_ms: Option<u64>,
    idle_isolate_ms: Option<u64>,
    #[serde(default)]
    apps: BTreeMap<String, RawApp>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawApp {
    main: String,
    #[serde(default)]
    routes: Vec<String>,
    #[serde(default)]
    vars: toml::Table,
    #[serde(default)]
    limits: RawLimits,
    #[serde(default)]
    outbound: RawOutbound,
    #[serde(default)]
    services: BTreeMap<String, String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawOutbound {
    #[serde(default)]
    allow: Vec<String>,
    #[serde(default)]
    deny: Vec<String>,
    connect_timeout_ms: Option<u64>,
    timeout_ms: Option<u64>,
    #[serde(default)]
    in_process: bool,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawLimits {
    cpu_ms: Option<u64>,
    memory_mb: Option<usize>,
    wall_ms: Option<u64>,
    subrequests: Option<u32>,
    body_mb: Option<u64>,
}

fn invalid(path: &Path, message: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        path: path.display().to_string(),
        message: message.into(),
    }
}

fn positive(path: &Path, what: &str, v: Option<u64>, default: u64) -> Result<u64, ConfigError> {
    match v {
        Some(0) => Err(invalid(path, format!("{what} must be greater than 0"))),
        Some(n) => Ok(n),
        None => Ok(default),
    }
}

impl Limits {
    fn from_raw(path: &Path, app: &str, raw: &RawLimits) -> Result<Self, ConfigError> {
        let d = Limits::default();
        let what = |f: &str| format!("apps.{app}.limits.{f}");
        let memory_mb = positive(
            path,
            &what("memory_mb"),
            raw.memory_mb.map(|v| v as u64),
            (d.memory_bytes >> 20) as u64,
        )?;
        if memory_mb > 64 * 1024 {
            return Err(invalid(
                path,
                format!("{} is too large (max 65536)", what("memory_mb")),
            ));
        }
        Ok(Self {
            cpu: Duration::from_millis(positive(
                path,
                &what("cpu_ms"),
                raw.cpu_ms,
                d.cpu.as_millis() as u64,
            )?),
            memory_bytes: (memory_mb as usize) << 20,
            wall: Duration::from_millis(positive(
                path,
                &what("wall_ms"),
                raw.wall_ms,
                d.wall.as_millis() as u64,
            )?),
            subrequests: raw.subrequests.unwrap_or(d.subrequests),
            body_bytes: positive(path, &what("body_mb"), raw.body_mb, d.body_bytes >> 20)? << 20,
        })
    }
}

impl Outbound {
    fn from_raw(path: &Path, app: &str, raw: &RawOutbound) -> Result<Self, ConfigError> {
        let d = Outbound::default();
        let what = |f: &str| format!("apps.{app}.outbound.{f}");
        let rules = |list: &[String], field: &str| {
            list.iter()
                .enumerate()
                .map(|(i, entry)| {
                    nano_web::Rule::parse(entry)
                        .map_err(|e| invalid(path, format!("{}[{i}]: {e}", what(field))))
                })
                .collect::<Result<Vec<_>, _>>()
        };
        Ok(Self {
            policy: nano_web::OutboundPolicy {
                allow: rules(&raw.allow, "allow")?,
                deny: rules(&raw.deny, "deny")?,
            },
            connect_timeout: Duration::from_millis(positive(
                path,
                &what("connect_timeout_ms"),
                raw.connect_timeout_ms,
                d.connect_timeout.as_millis() as u64,
            )?),
            timeout: Duration::from_millis(positive(
                path,
                &what("timeout_ms"),
                raw.timeout_ms,
                d.timeout.as_millis() as u64,
            )?),
            in_process: raw.in_process,
        })
    }
}

/// Parses a listen address such as `127.0.0.1:8080`, `[::1]:80` or `:8080`.
pub fn parse_listen(text: &str) -> Result<SocketAddr, String> {
    let text = text.trim();
    let full = if text.starts_with(':') {
        format!("127.0.0.1{text}")
    } else {
        text.to_owned()
    };
    full.parse().map_err(|_| {
        format!("invalid listen address {text:?} (expected HOST:PORT, e.g. 127.0.0.1:8080)")
    })
}

impl Config {
    /// One app, serving every request (`nanod serve app.js`).
    pub fn single(main: &Path) -> Result<Self, ConfigError> {
        let main_path = check_main(main).map_err(|m| invalid(main, m))?;
        let name = main
            .file_stem()
            .map_or_else(|| "app".to_owned(), |s| s.to_string_lossy().into_owned());
        Ok(Self {
            server: ServerSettings::default(),
            apps: vec![AppConfig {
                name,
                main: main_path,
                routes: Vec::new(),
                vars: BTreeMap::new(),
                limits: Limits::default(),
                outbound: Outbound::default(),
                services: BTreeMap::new(),
            }],
            catch_all: Some(0),
        })
    }

    /// Reads and validates a config file; relative paths in it are relative to it.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Self::parse(path, &text)
    }

    /// Validates config text as if read from `path`.
    pub fn parse(path: &Path, text: &str) -> Result<Self, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: path.display().to_string(),
            message: e.to_string().trim_end().to_owned(),
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        let defaults = ServerSettings::default();
        let listen = match &raw.listen {
            Some(l) => parse_listen(l).map_err(|m| invalid(path, format!("listen: {m}")))?,
            None => defaults.listen,
        };
        let threads = match raw.threads {
            Some(0) => return Err(invalid(path, "threads must be at least 1")),
            Some(n) if n > 1024 => return Err(invalid(path, "threads must be at most 1024")),
            Some(n) => n,
            None => defaults.threads,
        };
        let ms = |what: &str, v: Option<u64>, d: Duration| -> Result<Duration, ConfigError> {
            Ok(Duration::from_millis(positive(
                path,
                what,
                v,
                d.as_millis() as u64,
            )?))
        };
        let server = ServerSettings {
            listen,
            threads,
            header_timeout: ms(
                "header_timeout_ms",
                raw.header_timeout_ms,
                defaults.header_timeout,
            )?,
            max_header_bytes: positive(
                path,
                "max_header_bytes",
                raw.max_header_bytes.map(|v| v as u64),
                defaults.max_header_bytes as u64,
            )? as usize,
            max_headers: positive(
                path,
                "max_headers",
                raw.max_headers.map(|v| v as u64),
                defaults.max_headers as u64,
            )? as usize,
            shutdown_grace: ms(
                "shutdown_grace_ms",
                raw.shutdown_grace_ms,
                defaults.shutdown_grace,
            )?,
            idle_isolate: ms(
                "idle_isolate_ms",
                raw.idle_isolate_ms,
                defaults.idle_isolate,
            )?,
        };
        if raw.apps.is_empty() {
            return Err(invalid(
                path,
                "no apps configured (add an [apps.NAME] table with a `main` file)",
            ));
        }
        let mut apps = Vec::with_capacity(raw.apps.len());
        for (name, app) in &raw.apps {
            let main = check_main(&base.join(&app.main))
                .map_err(|e| invalid(path, format!("apps.{name}.main: {e}")))?;
            let routes = app
                .routes
                .iter()
                .map(|r| Route::parse(r))
                .collect::<Result<Vec<_>, RouteError>>()
                .map_err(|e| invalid(path, format!("apps.{name}.routes: {e}")))?;
            let mut vars = BTreeMap::new();
            for (k, v) in &app.vars {
                let json = toml_to_json(v);
                vars.insert(k.clone(), json);
            }
            apps.push(AppConfig {
                name: name.clone(),
                main,
                routes,
                vars,
                limits: Limits::from_raw(path, name, &app.limits)?,
                outbound: Outbound::from_raw(path, name, &app.outbound)?,
                services: BTreeMap::new(),
            });
        }
        // Service bindings name other apps: resolved once every app is known.
        for (i, (name, app)) in raw.apps.iter().enumerate() {
            for (binding, target) in &app.services {
                let what = format!("apps.{name}.services.{binding}");
                if !is_binding_name(binding) {
                    return Err(invalid(
                        path,
                        format!("{what}: a binding name must be a JavaScript identifier"),
                    ));
                }
                if app.vars.contains_key(binding) {
                    return Err(invalid(
                        path,
                        format!("{what}: `{binding}` is also a var; env can hold only one"),
                    ));
                }
                let Some(index) = apps.iter().position(|a| &a.name == target) else {
                    return Err(invalid(path, format!("{what}: no app named {target:?}")));
                };
                apps[i].services.insert(binding.clone(), index);
            }
        }
        let catch_all = (apps.len() == 1 && apps[0].routes.is_empty()).then_some(0);
        Ok(Self {
            server,
            apps,
            catch_all,
        })
    }
}

/// `[A-Za-z_$][A-Za-z0-9_$]*`: usable as `env.NAME`.
fn is_binding_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

/// The main file must exist and be a file; returns its canonical path.
fn check_main(main: &Path) -> Result<PathBuf, String> {
    let canonical = main
        .canonicalize()
        .map_err(|e| format!("{}: {e}", main.display()))?;
    if !canonical.is_file() {
        return Err(format!("{} is not a file", main.display()));
    }
    Ok(canonical)
}

/// TOML values become the JSON values an app sees in `env`.
fn toml_to_json(v: &toml::Value) -> String {
    fn to_json(v: &toml::Value) -> serde_json::Value {
        match v {
            toml::Value::String(s) => serde_json::Value::String(s.clone()),
            toml::Value::Integer(i) => serde_json::Value::from(*i),
            toml::Value::Float(f) => serde_json::Value::from(*f),
            toml::Value::Boolean(b) => serde_json::Value::Bool(*b),
            toml::Value::Datetime(d) => serde_json::Value::String(d.to_string()),
            toml::Value::Array(a) => serde_json::Value::Array(a.iter().map(to_json).collect()),
            toml::Value::Table(t) => {
                serde_json::Value::Object(t.iter().map(|(k, v)| (k.clone(), to_json(v))).collect())
            }
        }
    }
    to_json(v).to_string()
}

#[cfg(test)]
mod tests;
