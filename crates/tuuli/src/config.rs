//! Layered configuration: defaults in code, then an optional `tuuli.toml`, then `TUULI_*`
//! environment variables, then command-line flags. `tuuli.example.toml` documents every key.

use std::path::Path;

use anyhow::Context;
use serde::Deserialize;

/// The settings the server runs with.
#[derive(Clone, Debug)]
pub struct Config {
    /// Address to listen on.
    pub bind: String,
    /// `sqlite://…` (default, created when missing) or `postgres://…`.
    pub database_url: String,
    /// Mark cookies `Secure` even when no `X-Forwarded-Proto: https` header says so.
    pub secure_cookies: bool,
    /// How long a sign-in lasts, in hours.
    pub session_hours: i64,
    /// Largest accepted request body, in bytes.
    pub max_body_bytes: usize,
    /// The site's public address (`https://tuuli.example.fi`), used for every absolute URL
    /// (calendar feeds); never taken from the request's Host header. Empty: the address
    /// the server listens on (see [`Config::site_url`]).
    pub public_url: String,
    /// Addresses of reverse proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Largest accepted body on upload and import routes, in bytes.
    pub max_upload_bytes: usize,
    /// Folder for uploaded files while the jobs that use them wait and run. Every instance
    /// that runs the job worker must see the same folder.
    pub upload_dir: std::path::PathBuf,
    /// An action of a plan with no progress update for this many days is flagged as stale.
    pub stale_days: i64,
}

pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
pub const DEFAULT_DATABASE_URL: &str = "sqlite://tuuli-data/tuuli.db";
pub const DEFAULT_UPLOAD_DIR: &str = "tuuli-data/uploads";

impl Default for Config {
    fn default() -> Self {
        Config {
            bind: DEFAULT_BIND.to_owned(),
            database_url: DEFAULT_DATABASE_URL.to_owned(),
            secure_cookies: false,
            session_hours: 12,
            max_body_bytes: 256 * 1024,
            public_url: String::new(),
            trusted_proxies: Vec::new(),
            max_upload_bytes: 50 * 1024 * 1024,
            upload_dir: DEFAULT_UPLOAD_DIR.into(),
            stale_days: 120,
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    bind: Option<String>,
    database_url: Option<String>,
    secure_cookies: Option<bool>,
    session_hours: Option<i64>,
    max_body_bytes: Option<usize>,
    public_url: Option<String>,
    trusted_proxies: Option<Vec<String>>,
    max_upload_bytes: Option<usize>,
    upload_dir: Option<std::path::PathBuf>,
    stale_days: Option<i64>,
}

impl Config {
    /// The site's address for absolute links: `public_url`, or else `http://` and the
    /// address the server listens on (all interfaces read as this machine).
    pub fn site_url(&self) -> String {
        if !self.public_url.is_empty() {
            return self.public_url.clone();
        }
        let bind = self
            .bind
            .replace("0.0.0.0", "127.0.0.1")
            .replace("[::]", "[::1]");
        format!("http://{bind}")
    }

    /// Loads `path` (when given, it must exist; otherwise `./tuuli.toml` if present), then
    /// the environment.
    pub fn load(path: Option<&Path>) -> anyhow::Result<Self> {
        Self::load_from(path, |k| std::env::var(k).ok())
    }

    pub fn load_from(
        path: Option<&Path>,
        env: impl Fn(&str) -> Option<String>,
    ) -> anyhow::Result<Self> {
        let mut cfg = Config::default();
        let file = match path {
            Some(p) => Some(
                std::fs::read_to_string(p)
                    .with_context(|| format!("could not read the config file {}", p.display()))?,
            ),
            None => std::fs::read_to_string("tuuli.toml").ok(),
        };
        if let Some(text) = file {
            let f: FileConfig = toml::from_str(&text)
                .context("the config file is not valid (see tuuli.example.toml for the keys)")?;
            if let Some(v) = f.bind {
                cfg.bind = v
            }
            if let Some(v) = f.database_url {
                cfg.database_url = v
            }
            if let Some(v) = f.secure_cookies {
                cfg.secure_cookies = v
            }
            if let Some(v) = f.session_hours {
                cfg.session_hours = v
            }
            if let Some(v) = f.max_body_bytes {
                cfg.max_body_bytes = v
            }
            if let Some(v) = f.public_url {
                cfg.public_url = v
            }
            if let Some(v) = f.trusted_proxies {
                cfg.trusted_proxies = parse_proxies(v.iter().map(String::as_str))?;
            }
            if let Some(v) = f.max_upload_bytes {
                cfg.max_upload_bytes = v
            }
            if let Some(v) = f.upload_dir {
                cfg.upload_dir = v
            }
            if let Some(v) = f.stale_days {
                cfg.stale_days = v
            }
        }
        if let Some(v) = env("TUULI_BIND") {
            cfg.bind = v
        }
        if let Some(v) = env("TUULI_DATABASE_URL") {
            cfg.database_url = v
        }
        if let Some(v) = env("TUULI_SECURE_COOKIES") {
            cfg.secure_cookies = matches!(v.as_str(), "1" | "true" | "yes");
        }
        if let Some(v) = env("TUULI_SESSION_HOURS") {
            cfg.session_hours = v
                .parse()
                .context("TUULI_SESSION_HOURS must be a whole number of hours")?;
        }
        if let Some(v) = env("TUULI_PUBLIC_URL") {
            cfg.public_url = v
        }
        if let Some(v) = env("TUULI_TRUSTED_PROXIES") {
            cfg.trusted_proxies = parse_proxies(v.split(',').filter(|s| !s.trim().is_empty()))?;
        }
        if !cfg.public_url.trim().is_empty() {
            cfg.public_url = parse_public_url(&cfg.public_url)?;
        }
        if let Some(v) = env("TUULI_MAX_UPLOAD_BYTES") {
            cfg.max_upload_bytes = v
                .parse()
                .context("TUULI_MAX_UPLOAD_BYTES must be a whole number of bytes")?;
        }
        if let Some(v) = env("TUULI_UPLOAD_DIR") {
            cfg.upload_dir = v.into();
        }
        if let Some(v) = env("TUULI_STALE_DAYS") {
            cfg.stale_days = v
                .parse()
                .context("TUULI_STALE_DAYS must be a whole number of days")?;
        }
        if cfg.stale_days < 1 {
            anyhow::bail!("stale_days must be at least 1");
        }
        if cfg.session_hours < 1 {
            anyhow::bail!("session_hours must be at least 1");
        }
        Ok(cfg)
    }
}

/// `http(s)://host[:port][/prefix]`, without a trailing slash.
fn parse_public_url(v: &str) -> anyhow::Result<String> {
    let v = v.trim().trim_end_matches('/');
    let rest = v
        .strip_prefix("https://")
        .or_else(|| v.strip_prefix("http://"))
        .unwrap_or("");
    let host = rest.split('/').next().unwrap_or("");
    let ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        && !rest.chars().any(|c| {
            c.is_whitespace() || c.is_control() || matches!(c, '?' | '#' | '"' | '<' | '>')
        });
    if !ok {
        anyhow::bail!(
            "public_url '{v}' is not a site address: give e.g. https://tuuli.example.fi (TUULI_PUBLIC_URL)"
        );
    }
    Ok(v.to_owned())
}

fn parse_proxies<'a>(
    items: impl Iterator<Item = &'a str>,
) -> anyhow::Result<Vec<std::net::IpAddr>> {
    items
        .map(|s| {
            s.trim().parse().with_context(|| {
                format!("trusted_proxies: '{}' is not an IP address (TUULI_TRUSTED_PROXIES takes a comma-separated list)", s.trim())
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_overrides_the_file_which_overrides_defaults() {
        let dir = std::env::temp_dir().join(format!("tuuli-cfg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("t.toml");
        std::fs::write(&file, "bind = \"0.0.0.0:9000\"\nsession_hours = 3\n").unwrap();
        let cfg = Config::load_from(Some(&file), |k| {
            (k == "TUULI_BIND").then(|| "127.0.0.1:1".to_owned())
        })
        .unwrap();
        assert_eq!(cfg.bind, "127.0.0.1:1");
        assert_eq!(cfg.session_hours, 3);
        assert_eq!(cfg.database_url, DEFAULT_DATABASE_URL);
    }

    #[test]
    fn the_public_url_and_trusted_proxies_are_checked() {
        let env = |url: &'static str, proxies: &'static str| {
            move |k: &str| match k {
                "TUULI_PUBLIC_URL" => Some(url.to_owned()),
                "TUULI_TRUSTED_PROXIES" => Some(proxies.to_owned()),
                _ => None,
            }
        };
        let cfg =
            Config::load_from(None, env("https://tuuli.example.fi/", "10.0.0.1, ::1")).unwrap();
        assert_eq!(cfg.public_url, "https://tuuli.example.fi");
        assert_eq!(cfg.trusted_proxies.len(), 2);
        for bad in [
            "tuuli.example.fi",
            "https://",
            "https://a b",
            "javascript:alert(1)",
        ] {
            assert!(Config::load_from(None, env(bad, "")).is_err(), "{bad}");
        }
        let err = format!(
            "{:#}",
            Config::load_from(None, env("https://x.fi", "proxy")).unwrap_err()
        );
        assert!(err.contains("'proxy'"), "{err}");
    }

    #[test]
    fn without_a_public_url_links_use_the_listening_address() {
        let mut cfg = Config::load_from(None, |_| None).unwrap();
        assert_eq!(cfg.site_url(), "http://127.0.0.1:8080");
        cfg.bind = "0.0.0.0:9000".into();
        assert_eq!(cfg.site_url(), "http://127.0.0.1:9000");
        cfg.public_url = "https://tuuli.example.fi".into();
        assert_eq!(cfg.site_url(), "https://tuuli.example.fi");
    }

    #[test]
    fn unknown_keys_in_the_file_are_reported() {
        let dir = std::env::temp_dir().join(format!("tuuli-cfg2-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("t.toml");
        std::fs::write(&file, "bnid = \"x\"\n").unwrap();
        let err = format!(
            "{:#}",
            Config::load_from(Some(&file), |_| None).unwrap_err()
        );
        assert!(err.contains("bnid"), "{err}");
    }
}
