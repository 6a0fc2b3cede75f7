//! `tuuli import sotkanet --from-dir DIR | csv FILE | jsonstat FILE --indicator REF` and
//! `tuuli bench-data`: indicator values into the store from the command line. A progress
//! bar on stderr when it is a terminal, a summary at the end, exit status 1 when any row
//! was rejected (the import then changed nothing).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, Subcommand};
use tokio::sync::watch;

use super::DbArgs;
use crate::auth::Actor;
use crate::i18n::{I18n, Lang};
use crate::knowledge::imports;
use crate::knowledge::values::{ImportMeta, Summary};

#[derive(Debug, Subcommand)]
pub(super) enum ImportCommand {
    /// Sotkanet data saved in a folder: indicator-<id>.json metadata, data-<id>.csv|json values.
    Sotkanet {
        /// The folder (Sotkanet's saved layout; vintage.txt, if present, says when it was fetched).
        #[arg(long, value_name = "DIR")]
        from_dir: PathBuf,
        #[command(flatten)]
        common: CommonArgs,
    },
    /// A coordinator's CSV file (indicator;area;year;sex;value[;count;denominator]).
    Csv {
        file: PathBuf,
        #[command(flatten)]
        common: CommonArgs,
    },
    /// A PxWeb JSON-stat dataset as the values of one catalogue indicator.
    Jsonstat {
        file: PathBuf,
        /// The catalogue indicator the values belong to: sotkanet:289, statfin:…, local:….
        #[arg(long, value_name = "REF")]
        indicator: String,
        #[command(flatten)]
        common: CommonArgs,
    },
}

#[derive(Debug, Args)]
pub(super) struct CommonArgs {
    #[command(flatten)]
    db: DbArgs,
    /// The language of the messages: fi, sv or en.
    #[arg(long, default_value = "en")]
    lang: String,
    /// Mark the values as synthetic (demo or benchmark data).
    #[arg(long)]
    synthetic: bool,
}

#[derive(Debug, Args)]
pub(super) struct BenchDataArgs {
    /// The folder to write (created; existing data files in it are replaced).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Areas (taken from the national list: municipalities first).
    #[arg(long, default_value_t = 350)]
    areas: usize,
    /// Indicators (synthetic ids from 900001).
    #[arg(long, default_value_t = 500)]
    indicators: u32,
    /// Years (ending with 2024).
    #[arg(long, default_value_t = 25)]
    years: u16,
}

pub(super) async fn import(config: &Option<PathBuf>, cmd: ImportCommand) -> anyhow::Result<()> {
    let (kind, source, common) = match &cmd {
        ImportCommand::Sotkanet { from_dir, common } => ("sotkanet_dir", from_dir.clone(), common),
        ImportCommand::Csv { file, common } => ("csv", file.clone(), common),
        ImportCommand::Jsonstat { file, common, .. } => ("jsonstat", file.clone(), common),
    };
    let lang = Lang::parse(&common.lang).unwrap_or(Lang::En);
    let (_, db) = super::open(config, &common.db).await?;
    let meta = ImportMeta {
        kind,
        source_name: source.display().to_string(),
        vintage: None,
        is_synthetic: common.synthetic,
        actor: Actor::system("cli"),
        job_id: None,
    };
    let (tx, rx) = watch::channel((0u64, 0u64));
    let bar = std::io::stderr()
        .is_terminal()
        .then(|| tokio::spawn(draw(rx)));
    let started = std::time::Instant::now();
    let result = match &cmd {
        ImportCommand::Sotkanet { from_dir, .. } => {
            imports::sotkanet_dir(&db, from_dir, meta, Some(&tx)).await
        }
        ImportCommand::Csv { file, .. } => imports::local_csv(&db, file, meta, Some(&tx)).await,
        ImportCommand::Jsonstat {
            file, indicator, ..
        } => imports::jsonstat(&db, file, indicator, meta, Some(&tx)).await,
    };
    drop(tx);
    if let Some(bar) = bar {
        let _ = bar.await;
        eprintln!();
    }
    let summary = result?;
    print_summary(&summary, lang, started.elapsed());
    db.close().await;
    if summary.status == "done" {
        Ok(())
    } else {
        anyhow::bail!(
            "the import was refused: {} rows were rejected, so nothing was changed",
            summary.rejected
        )
    }
}

fn print_summary(s: &Summary, lang: Lang, elapsed: std::time::Duration) {
    let i18n = I18n::load().ok();
    let t = |key: &str| {
        i18n.as_ref()
            .map_or_else(|| key.to_owned(), |i| i.t(lang, key, &[]))
    };
    for (location, reason) in s.error_keys() {
        match location {
            Some(l) => eprintln!("{}: {}", t(&l), t(&reason)),
            None => eprintln!("{}", t(&reason)),
        }
    }
    let secs = elapsed.as_secs_f64();
    let rate = if secs > 0.0 {
        s.rows_read as f64 / secs
    } else {
        0.0
    };
    println!(
        "import {} {}: read {}, inserted {}, updated {}, unchanged {}, rejected {}; catalogue entries created or refreshed {}; {:.1} s ({:.0} rows/s)",
        s.import_id,
        s.status,
        s.rows_read,
        s.inserted,
        s.updated,
        s.unchanged,
        s.rejected,
        s.indicators_upserted,
        secs,
        rate
    );
}

/// A one-line progress bar on stderr, redrawn at most five times a second.
async fn draw(mut rx: watch::Receiver<(u64, u64)>) {
    let mut last = std::time::Instant::now();
    while rx.changed().await.is_ok() {
        if last.elapsed() < std::time::Duration::from_millis(200) {
            continue;
        }
        last = std::time::Instant::now();
        let (done, total) = *rx.borrow();
        let frac = if total == 0 {
            0.0
        } else {
            done as f64 / total as f64
        };
        let width = 30;
        let filled = ((frac * width as f64) as usize).min(width);
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r[{}{}] {:>3.0} %  {:.1} / {:.1} MB",
            "#".repeat(filled),
            " ".repeat(width - filled),
            frac * 100.0,
            done as f64 / 1e6,
            total as f64 / 1e6
        );
        let _ = err.flush();
    }
}

/// A small deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Writes the synthetic national-scale dataset (see `docs/benchmarks.md`).
pub(super) fn bench_data(a: &BenchDataArgs) -> anyhow::Result<u64> {
    std::fs::create_dir_all(&a.out)
        .with_context(|| format!("could not create {}", a.out.display()))?;
    // Areas that exist every year: merged municipalities (Nastola, Hämeenkoski) are left out.
    let ended: Vec<(String, String)> = crate::core::areas_national::history_rows()?
        .into_iter()
        .filter(|h| h.record == "validity")
        .map(|h| (h.kind, h.code))
        .collect();
    let areas: Vec<i64> = crate::core::areas_national::national_areas()?
        .into_iter()
        .rev() // municipalities last in the list, so first here
        .filter(|x| !ended.contains(&(x.kind.to_owned(), x.code.clone())))
        .map(|x| x.sotkanet_id)
        .take(a.areas)
        .collect();
    let last_year: u16 = 2024;
    let first_year = last_year
        .saturating_sub(a.years.saturating_sub(1))
        .max(1900);
    let mut written = 0u64;
    for k in 0..a.indicators {
        let id = 900_001 + k;
        let percent = k % 2 == 0;
        let meta = serde_json::json!({
            "id": id,
            "title": {"fi": format!("Synteettinen indikaattori {id}"), "sv": format!("Syntetisk indikator {id}"), "en": format!("Synthetic indicator {id}")},
            "description": {"fi": "Keksitty vertailuaineisto, ei tilastoa.", "sv": "Påhittade jämförelsedata, inte statistik.", "en": "Made-up benchmark data, not statistics."},
            "primaryValueType": {"code": if percent { "PROS" } else { "PER1000" }},
            "decimals": 1,
            "data-updated": "2026-01-01"
        });
        std::fs::write(a.out.join(format!("indicator-{id}.json")), meta.to_string())?;
        let path = a.out.join(format!("data-{id}.csv"));
        let mut w = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&path)?);
        w.write_all(b"indicator;region;year;gender;primary value;absolute value\n")?;
        let mut rng = Rng(u64::from(id));
        for area in &areas {
            for year in first_year..=last_year {
                for gender in ["total", "male", "female"] {
                    let v = rng.unit() * if percent { 100.0 } else { 1000.0 };
                    let count = (rng.unit() * 5000.0).floor();
                    writeln!(w, "{id};{area};{year};{gender};{v:.1};{count}")?;
                    written += 1;
                }
            }
        }
        w.flush()?;
    }
    std::fs::write(a.out.join("vintage.txt"), "2026-01-01T00:00:00Z\n")?;
    Ok(written)
}

pub(super) fn bench_data_command(a: &BenchDataArgs) -> anyhow::Result<()> {
    let n = bench_data(a)?;
    println!(
        "wrote {n} synthetic values to {}",
        Path::new(&a.out).display()
    );
    Ok(())
}
