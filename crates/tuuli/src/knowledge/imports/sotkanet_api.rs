//! Fetching from Sotkanet's REST API (`tuuli import sotkanet --indicators … --years …`):
//! the region list (`/regions`), each indicator's metadata (`/indicators/{id}`) and its
//! data for every area (`/json` or `/csv`, one request per indicator with repeated
//! `years=` and `genders=` parameters), each raw answer saved unchanged into a new folder
//! of the cache in the `--from-dir` layout, with `vintage.txt` saying when it was fetched.
//! The import then reads that folder like any other ([`super::sotkanet_dir`]), so every
//! fetch replays offline.
//!
//! Polite by design, as the service asks: requests one at a time, a User-Agent naming
//! Tuuli (without one the service answers 403), a timeout, a few retries with a growing
//! pause on 5xx, 429 and transport errors, then a clear stop. A fetch that fails leaves
//! no folder behind and imports nothing.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use chrono::{DateTime, Utc};

/// Sotkanet's REST API.
pub const DEFAULT_BASE_URL: &str = "https://sotkanet.fi/rest/1.1";

/// The User-Agent sent with every request.
pub const USER_AGENT: &str = concat!(
    "Tuuli/",
    env!("CARGO_PKG_VERSION"),
    " (regional prevention work; indicator import)"
);

/// The largest answer accepted (a whole indicator for every area and year is a few MB).
const MAX_BODY: u64 = 512 * 1024 * 1024;

/// The form the data is asked in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataFormat {
    /// `/json`, saved as `data-<id>.json`.
    Json,
    /// `/csv` (`;`-separated), saved as `data-<id>.csv`.
    Csv,
}

/// What to fetch and how.
#[derive(Debug, Clone)]
pub struct FetchOptions {
    /// The API's base URL, without a trailing slash ([`DEFAULT_BASE_URL`]).
    pub base_url: String,
    /// Sotkanet indicator ids.
    pub indicators: Vec<u32>,
    /// The statistical years.
    pub years: Vec<i32>,
    /// `total`, `male`, `female`.
    pub genders: Vec<String>,
    /// The cache folder: each fetch writes a new folder inside it.
    pub cache: PathBuf,
    pub format: DataFormat,
    /// Time allowed for one request, answer included.
    pub timeout: Duration,
    /// Retries after the first attempt of a request.
    pub retries: u32,
    /// The pause before the first retry; doubled for each further one.
    pub backoff: Duration,
}

impl FetchOptions {
    /// The defaults for `indicators` and `years` into `cache`.
    pub fn new(indicators: Vec<u32>, years: Vec<i32>, cache: PathBuf) -> Self {
        Self {
            base_url: DEFAULT_BASE_URL.to_owned(),
            indicators,
            years,
            genders: vec!["total".into(), "male".into(), "female".into()],
            cache,
            format: DataFormat::Json,
            timeout: Duration::from_secs(120),
            retries: 3,
            backoff: Duration::from_secs(2),
        }
    }
}

/// What a fetch wrote.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// The new folder in the `--from-dir` layout.
    pub dir: PathBuf,
    /// When the fetch started (the data's vintage).
    pub vintage: DateTime<Utc>,
    /// The requests made, retries included.
    pub requests: u32,
    /// The bytes saved.
    pub bytes: u64,
}

/// Parses `2015-2024`, `2023` or `2015,2017,2020-2022` into years (1900–2100).
pub fn parse_years(text: &str) -> Result<Vec<i32>, String> {
    let mut out = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let year = |s: &str| {
            s.trim()
                .parse::<i32>()
                .ok()
                .filter(|y| (1900..=2100).contains(y))
                .ok_or_else(|| format!("'{s}' is not a year between 1900 and 2100"))
        };
        match part.split_once('-') {
            Some((a, b)) => {
                let (a, b) = (year(a)?, year(b)?);
                if a > b {
                    return Err(format!("the range '{part}' ends before it starts"));
                }
                out.extend(a..=b);
            }
            None => out.push(year(part)?),
        }
    }
    out.sort_unstable();
    out.dedup();
    if out.is_empty() {
        return Err("no years given (for example 2015-2024)".into());
    }
    Ok(out)
}

/// Parses `289,714` into Sotkanet indicator ids.
pub fn parse_ids(text: &str) -> Result<Vec<u32>, String> {
    let mut out = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let id = part
            .strip_prefix("sotkanet:")
            .unwrap_or(part)
            .parse::<u32>()
            .ok()
            .filter(|id| *id > 0)
            .ok_or_else(|| format!("'{part}' is not a Sotkanet indicator id (such as 289)"))?;
        if !out.contains(&id) {
            out.push(id);
        }
    }
    if out.is_empty() {
        return Err("no indicators given (for example 289,714)".into());
    }
    Ok(out)
}

/// Parses `total,male,female` (Finnish words too) into Sotkanet's gender names.
pub fn parse_genders(text: &str) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let g = crate::knowledge::import::Sex::parse(part)
            .map(|s| match s {
                crate::knowledge::import::Sex::Total => "total",
                crate::knowledge::import::Sex::Male => "male",
                crate::knowledge::import::Sex::Female => "female",
            })
            .ok_or_else(|| format!("'{part}' is not total, male or female"))?;
        if !out.iter().any(|o| o == g) {
            out.push(g.to_owned());
        }
    }
    if out.is_empty() {
        return Err("no genders given (total, male, female)".into());
    }
    Ok(out)
}

/// What kind of request failed, for the message.
#[derive(Clone, Copy)]
enum What {
    Regions,
    Metadata(u32),
    Data(u32),
}

struct Client {
    agent: ureq::Agent,
    retries: u32,
    backoff: Duration,
    requests: u32,
}

impl Client {
    fn new(o: &FetchOptions) -> Self {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(o.timeout))
            .http_status_as_error(false)
            .user_agent(USER_AGENT)
            .build()
            .into();
        Self {
            agent,
            retries: o.retries,
            backoff: o.backoff,
            requests: 0,
        }
    }

    /// GETs `url` into `path`, retrying what may pass; a clear error otherwise.
    fn get_to(&mut self, url: &str, path: &Path, what: What) -> anyhow::Result<u64> {
        let mut attempt = 0u32;
        loop {
            self.requests += 1;
            let failure = match self.once(url, path) {
                Ok(n) => return Ok(n),
                Err(f) => f,
            };
            let retryable = match &failure {
                Failure::Status(s, _) => *s == 429 || *s >= 500,
                Failure::Transport(_) => true,
                Failure::Local(_) => false,
            };
            if !retryable || attempt >= self.retries {
                return Err(anyhow::anyhow!(failure.message(url, what, attempt + 1)));
            }
            let mut pause = self.backoff.saturating_mul(1 << attempt.min(10));
            if let Failure::Status(429, Some(after)) = failure {
                pause = pause.max(Duration::from_secs(after.min(60)));
            }
            tracing::warn!(
                url,
                attempt = attempt + 1,
                pause_ms = u64::try_from(pause.as_millis()).unwrap_or(u64::MAX),
                "Sotkanet request failed; retrying"
            );
            std::thread::sleep(pause);
            attempt += 1;
        }
    }

    fn once(&self, url: &str, path: &Path) -> Result<u64, Failure> {
        let mut resp = self
            .agent
            .get(url)
            .header("Accept", "application/json, text/csv;q=0.9, */*;q=0.1")
            .call()
            .map_err(|e| Failure::Transport(e.to_string()))?;
        let status = resp.status().as_u16();
        if status != 200 {
            let after = resp
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok());
            return Err(Failure::Status(status, after));
        }
        let mut reader = resp.body_mut().with_config().limit(MAX_BODY).reader();
        let mut file = std::fs::File::create(path)
            .map_err(|e| Failure::Local(format!("could not write {}: {e}", path.display())))?;
        let n = std::io::copy(&mut reader, &mut file)
            .map_err(|e| Failure::Transport(format!("the answer broke off: {e}")))?;
        file.flush()
            .map_err(|e| Failure::Local(format!("could not write {}: {e}", path.display())))?;
        Ok(n)
    }
}

enum Failure {
    /// An answer other than 200, with `Retry-After` seconds if given.
    Status(u16, Option<u64>),
    /// No answer: connection refused, timeout, broken transfer.
    Transport(String),
    /// A local problem (the cache folder).
    Local(String),
}

impl Failure {
    fn message(self, url: &str, what: What, tries: u32) -> String {
        let after = if tries > 1 {
            format!(" (after {tries} attempts)")
        } else {
            String::new()
        };
        match self {
            Failure::Status(403, _) => format!(
                "Sotkanet refused the request with HTTP 403 Forbidden: GET {url}{after}. The service \
                 answers 403 to requests without a User-Agent header (Tuuli sent '{USER_AGENT}') or \
                 from clients it does not permit; check the base URL and whether the service blocks this address."
            ),
            Failure::Status(404, _) => match what {
                What::Metadata(id) | What::Data(id) => format!(
                    "Sotkanet does not know the indicator {id} (HTTP 404 Not Found): GET {url}{after}. \
                     Check the id at sotkanet.fi."
                ),
                What::Regions => format!(
                    "Sotkanet's region list was not found (HTTP 404 Not Found): GET {url}{after}. \
                     Check the base URL (--base-url)."
                ),
            },
            Failure::Status(s, _) => format!(
                "Sotkanet answered HTTP {s}: GET {url}{after}. Nothing was imported; try again later \
                 (the service is guaranteed only in office hours)."
            ),
            Failure::Transport(e) => format!(
                "Sotkanet could not be reached: GET {url}{after}: {e}. Nothing was imported."
            ),
            Failure::Local(e) => format!("{e}. Nothing was imported."),
        }
    }
}

/// The data URL of one indicator: repeated `years=` and `genders=` parameters.
pub fn data_url(o: &FetchOptions, id: u32) -> String {
    let base = o.base_url.trim_end_matches('/');
    let path = match o.format {
        DataFormat::Json => "json",
        DataFormat::Csv => "csv",
    };
    let mut url = format!("{base}/{path}?indicator={id}");
    for y in &o.years {
        url.push_str(&format!("&years={y}"));
    }
    for g in &o.genders {
        url.push_str(&format!("&genders={g}"));
    }
    url
}

/// A new folder name for a fetch started at `at`, unused in `cache`.
fn new_dir(cache: &Path, at: DateTime<Utc>) -> PathBuf {
    let stamp = at.format("%Y%m%dT%H%M%SZ").to_string();
    let mut dir = cache.join(format!("sotkanet-{stamp}"));
    let mut n = 1;
    while dir.exists() {
        n += 1;
        dir = cache.join(format!("sotkanet-{stamp}-{n}"));
    }
    dir
}

/// Fetches everything `o` asks into a new folder of the cache (blocking: run it off the
/// async threads). On any failure the partial folder is removed and the error says which
/// URL failed and why.
pub fn fetch(o: &FetchOptions) -> anyhow::Result<Fetched> {
    let base = o.base_url.trim_end_matches('/');
    if !(base.starts_with("http://") || base.starts_with("https://")) {
        anyhow::bail!("the base URL must start with http:// or https://, not '{base}'");
    }
    std::fs::create_dir_all(&o.cache)
        .with_context(|| format!("could not create the cache folder {}", o.cache.display()))?;
    let vintage = Utc::now();
    let dir = new_dir(&o.cache, vintage);
    let part = o.cache.join(format!(
        ".{}.part",
        dir.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    ));
    let _ = std::fs::remove_dir_all(&part);
    std::fs::create_dir_all(&part)
        .with_context(|| format!("could not create {}", part.display()))?;
    let result = fetch_into(o, base, &part, vintage);
    match result {
        Ok((requests, bytes)) => {
            std::fs::rename(&part, &dir).with_context(|| {
                format!("could not move {} to {}", part.display(), dir.display())
            })?;
            Ok(Fetched {
                dir,
                vintage,
                requests,
                bytes,
            })
        }
        Err(e) => {
            let _ = std::fs::remove_dir_all(&part);
            Err(e)
        }
    }
}

fn fetch_into(
    o: &FetchOptions,
    base: &str,
    dir: &Path,
    vintage: DateTime<Utc>,
) -> anyhow::Result<(u32, u64)> {
    let mut client = Client::new(o);
    let mut bytes = client.get_to(
        &format!("{base}/regions"),
        &dir.join("regions.json"),
        What::Regions,
    )?;
    for &id in &o.indicators {
        bytes += client.get_to(
            &format!("{base}/indicators/{id}"),
            &dir.join(format!("indicator-{id}.json")),
            What::Metadata(id),
        )?;
        let ext = match o.format {
            DataFormat::Json => "json",
            DataFormat::Csv => "csv",
        };
        bytes += client.get_to(
            &data_url(o, id),
            &dir.join(format!("data-{id}.{ext}")),
            What::Data(id),
        )?;
    }
    std::fs::write(
        dir.join("vintage.txt"),
        format!("{}\n", vintage.to_rfc3339()),
    )
    .context("could not write vintage.txt")?;
    Ok((client.requests, bytes))
}

/// What [`import`] did.
#[derive(Debug)]
pub struct ApiImport {
    /// The fetch: its folder (replay it with `--from-dir`) and vintage.
    pub fetched: Fetched,
    /// The import of that folder.
    pub summary: crate::knowledge::values::Summary,
    /// Rows of regions Tuuli does not keep, left out.
    pub skipped: u64,
}

/// Fetches (see [`fetch`]) and imports the new folder, recording the fetch time as the
/// vintage. A failed fetch imports nothing and records no import.
pub async fn import(
    db: &crate::db::Db,
    o: FetchOptions,
    mut meta: crate::knowledge::values::ImportMeta,
    progress: Option<&super::ProgressTx>,
) -> anyhow::Result<ApiImport> {
    let fetched = tokio::task::spawn_blocking(move || fetch(&o))
        .await
        .context("the fetch stopped")??;
    meta.vintage = Some(fetched.vintage);
    let (summary, skipped) = super::sotkanet_dir_counted(db, &fetched.dir, meta, progress).await?;
    Ok(ApiImport {
        fetched,
        summary,
        skipped,
    })
}
