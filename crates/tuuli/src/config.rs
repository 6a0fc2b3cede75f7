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
    /// Largest accepted body on upload and import routes, in bytes.
    pub max_upload_bytes: usize,
    /// Folder for uploaded files while the jobs that use them wait and run. Every instance
    /// that runs the job worker must see the same folder.
    pub upload_dir: std::path::PathBuf,
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
            max_upload_bytes: 50 * 1024 * 1024,
            upload_dir: DEFAULT_UPLOAD_DIR.into(),
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
    max_upload_bytes: Option<usize>,
    upload_dir: Option<std::path::PathBuf>,
}

impl Config {
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
            if let Some(v) = f.max_upload_bytes {
                cfg.max_upload_bytes = v
            }
            if let Some(v) = f.upload_dir {
                cfg.upload_dir = v
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
        if let Some(v) = env("TUULI_MAX_UPLOAD_BYTES") {
            cfg.max_upload_bytes = v
                .parse()
                .context("TUULI_MAX_UPLOAD_BYTES must be a whole number of bytes")?;
        }
        if let Some(v) = env("TUULI_UPLOAD_DIR") {
            cfg.upload_dir = v.into();
        }
        if cfg.session_hours < 1 {
            anyhow::bail!("session_hours must be at least 1");
        }
        Ok(cfg)
    }
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
