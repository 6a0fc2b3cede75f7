//! Imports from files: each format's parser feeding the value store's
//! [`Importer`](crate::knowledge::values::Importer), for the command line
//! (`tuuli import …`), the web upload's job and the benchmark.
//!
//! - [`sotkanet_dir`]: a folder in Sotkanet's saved layout (`indicator-<id>.json`
//!   metadata, `data-<id>.csv` or `data-<id>.json` values; `regions.json` and
//!   `indicators.json` may be there too; `vintage.txt` says when it was fetched);
//! - [`local_csv`]: coordinators' own CSV;
//! - [`jsonstat`]: a PxWeb JSON-stat dataset mapped onto one catalogue indicator.
//!
//! Progress is sent as (bytes read, bytes in all) on a `watch` channel, so the command
//! line can draw a bar and a job can store it, without the import waiting for either.

pub mod job;
pub mod sotkanet_api;
pub mod web;

use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::Context;
use chrono::{DateTime, Utc};
use tokio::sync::watch;

use crate::db::Db;
use crate::knowledge::import::{
    self, ImportError, Location, Sex, SotkanetValue, Year, jsonstat as js, local_csv as lc,
    local_xlsx as lx, sotkanet_csv, sotkanet_json, sotkanet_meta,
};
use crate::knowledge::values::{AreaRef, ImportMeta, Importer, InRow, IndicatorRef, Summary};

/// Where progress goes: (done, total) in bytes.
pub type ProgressTx = watch::Sender<(u64, u64)>;

/// A reader that counts the bytes read through it: a text file's position. A workbook is
/// read with seeks (a ZIP archive's directory is at its end), so a seek sets the count to
/// the new position: while the sheet is streamed, the count is where in the file it is.
struct Counting<R> {
    inner: R,
    read: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

impl<R: Seek> Seek for Counting<R> {
    fn seek(&mut self, pos: SeekFrom) -> std::io::Result<u64> {
        let at = self.inner.seek(pos)?;
        self.read.store(at, Ordering::Relaxed);
        Ok(at)
    }
}

/// Shared byte count of the files read so far.
#[derive(Clone, Default)]
struct Meter {
    read: Arc<AtomicU64>,
    base: u64,
    total: u64,
}

impl Meter {
    fn open(&self, path: &Path) -> anyhow::Result<Counting<BufReader<File>>> {
        let f = File::open(path).with_context(|| format!("could not open {}", path.display()))?;
        Ok(Counting {
            inner: BufReader::with_capacity(256 * 1024, f),
            read: self.read.clone(),
        })
    }

    fn report(&self, progress: Option<&ProgressTx>) {
        if let Some(p) = progress {
            let done = self.base + self.read.load(Ordering::Relaxed);
            p.send_replace((done.min(self.total), self.total));
        }
    }
}

/// Rows between progress reports.
const REPORT_EVERY: u64 = 16_384;

fn sotkanet_row(v: SotkanetValue, location: Location) -> InRow {
    InRow {
        location,
        indicator: IndicatorRef::Sotkanet(v.indicator),
        area: AreaRef::Sotkanet(v.region),
        year: v.year,
        sex: v.sex,
        value: v.value,
        count: v.count,
        denominator: None,
    }
}

/// Finishes an import, or aborts it (recorded as failed) when `outcome` is an I/O or
/// database error, which is then returned.
async fn conclude(imp: Importer, outcome: anyhow::Result<()>) -> anyhow::Result<Summary> {
    match outcome {
        Ok(()) => imp.finish().await,
        Err(e) => {
            tracing::warn!(error = %format!("{e:#}"), "import aborted");
            imp.abort(&format!("{e:#}")).await?;
            Err(e)
        }
    }
}

/// The files of a Sotkanet folder, in the order they are read.
#[derive(Debug, Default)]
pub struct DirFiles {
    pub metadata: Vec<PathBuf>,
    pub data: Vec<PathBuf>,
    pub vintage: Option<DateTime<Utc>>,
    /// `regions.json`, if the folder has it: rows of regions whose category Tuuli does
    /// not keep (ELY centres, AVI areas, ERVA…), or that the list does not have, are then
    /// left out and counted.
    pub regions: Option<PathBuf>,
}

/// Lists a Sotkanet folder (see the module doc). Data files sorted by indicator id.
pub fn dir_files(dir: &Path) -> anyhow::Result<DirFiles> {
    let mut out = DirFiles::default();
    let mut data: Vec<(u64, PathBuf)> = Vec::new();
    let mut meta: Vec<(u64, PathBuf)> = Vec::new();
    for e in std::fs::read_dir(dir)
        .with_context(|| format!("could not read the folder {}", dir.display()))?
    {
        let e = e?;
        let name = e.file_name().to_string_lossy().into_owned();
        let id_of = |prefix: &str, ext: &str| {
            name.strip_prefix(prefix)
                .and_then(|r| r.strip_suffix(ext))
                .and_then(|id| id.parse::<u64>().ok())
        };
        if let Some(id) = id_of("indicator-", ".json") {
            meta.push((id, e.path()));
        } else if let Some(id) = id_of("data-", ".csv").or_else(|| id_of("data-", ".json")) {
            data.push((id, e.path()));
        } else if name == "regions.json" {
            out.regions = Some(e.path());
        } else if name == "vintage.txt" {
            let text = std::fs::read_to_string(e.path())?;
            out.vintage = DateTime::parse_from_rfc3339(text.trim())
                .ok()
                .map(|d| d.with_timezone(&Utc));
        }
    }
    meta.sort();
    data.sort();
    out.metadata = meta.into_iter().map(|(_, p)| p).collect();
    out.data = data.into_iter().map(|(_, p)| p).collect();
    Ok(out)
}

/// Imports a folder in Sotkanet's saved layout: metadata first (creating or refreshing
/// the catalogue entries), then every data file, all in one transaction.
pub async fn sotkanet_dir(
    db: &Db,
    dir: &Path,
    meta: ImportMeta,
    progress: Option<&ProgressTx>,
) -> anyhow::Result<Summary> {
    Ok(sotkanet_dir_counted(db, dir, meta, progress).await?.0)
}

/// [`sotkanet_dir`], also saying how many rows were left out as rows of regions Tuuli
/// does not keep (by the folder's `regions.json`: a category Tuuli does not keep, or not
/// in the list at all; none without the file).
pub async fn sotkanet_dir_counted(
    db: &Db,
    dir: &Path,
    mut meta: ImportMeta,
    progress: Option<&ProgressTx>,
) -> anyhow::Result<(Summary, u64)> {
    let files = dir_files(dir)?;
    if meta.vintage.is_none() {
        meta.vintage = files.vintage;
    }
    let total: u64 = files
        .data
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    let mut imp = Importer::start(db, meta).await?;
    let outcome = dir_rows(&mut imp, dir, &files, total, progress).await;
    let summary = conclude(imp, outcome).await?;
    let skipped = summary.skipped;
    Ok((summary, skipped))
}

/// The Sotkanet ids of the regions in `regions.json` whose category Tuuli keeps; `None`
/// without the file (then every row is placed or refused as it is).
async fn kept_regions(
    imp: &mut Importer,
    files: &DirFiles,
) -> anyhow::Result<Option<std::collections::HashSet<u32>>> {
    let Some(path) = &files.regions else {
        return Ok(None);
    };
    match sotkanet_meta::read_regions(File::open(path)?) {
        Ok(regions) => Ok(Some(
            regions
                .into_iter()
                .filter(|r| crate::core::areas_national::kind_of(&r.category).is_some())
                .map(|r| r.id)
                .collect(),
        )),
        Err(rejected) => {
            for e in rejected.errors {
                imp.push(Err(in_file("regions.json", e))).await?;
            }
            Ok(None)
        }
    }
}

async fn dir_rows(
    imp: &mut Importer,
    dir: &Path,
    files: &DirFiles,
    total: u64,
    progress: Option<&ProgressTx>,
) -> anyhow::Result<()> {
    let kept = kept_regions(imp, files).await?;
    // Left out: rows of regions the list does not give a category Tuuli keeps.
    let foreign = |region: u32| kept.as_ref().is_some_and(|k| !k.contains(&region));
    for path in &files.metadata {
        let name = file_name(path);
        match sotkanet_meta::read_indicator(File::open(path)?) {
            Ok(m) => imp.upsert_indicator(&m).await?,
            Err(rejected) => {
                for e in rejected.errors {
                    imp.push(Err(in_file(&name, e))).await?;
                }
            }
        }
    }
    if files.data.is_empty() {
        imp.push(Err(ImportError::file(
            "import-error-no-data",
            &[("folder", &dir.display().to_string())],
        )))
        .await?;
    }
    let mut meter = Meter {
        total,
        ..Meter::default()
    };
    for path in &files.data {
        let name = file_name(path);
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        if name.ends_with(".csv") {
            let mut rows = sotkanet_csv::read(meter.open(path)?);
            while let Some(row) = rows.next() {
                if matches!(&row, Ok(v) if foreign(v.region)) {
                    imp.skip();
                    continue;
                }
                let line = rows.line();
                let row = row
                    .map(|v| sotkanet_row(v, Location::Line(line)))
                    .map_err(|e| in_file(&name, e));
                let row = row.map(|mut r| {
                    r.location = Location::Path(format!("{name}:{line}"));
                    r
                });
                imp.push(row).await?;
                if imp.rows_read().is_multiple_of(REPORT_EVERY) {
                    meter.report(progress);
                }
            }
        } else {
            match sotkanet_json::read(meter.open(path)?) {
                Ok(rows) => {
                    for (i, v) in rows.into_iter().enumerate() {
                        if foreign(v.region) {
                            imp.skip();
                            continue;
                        }
                        imp.push(Ok(sotkanet_row(
                            v,
                            Location::Path(format!("{name}:$[{i}]")),
                        )))
                        .await?;
                    }
                }
                Err(rejected) => {
                    for e in rejected.errors {
                        imp.push(Err(in_file(&name, e))).await?;
                    }
                }
            }
        }
        meter.base += size;
        meter.read.store(0, Ordering::Relaxed);
        meter.report(progress);
    }
    Ok(())
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// An error of one file of a folder: its location prefixed with the file's name.
fn in_file(name: &str, e: ImportError) -> ImportError {
    let location = match e.location {
        Location::File => Location::Path(name.to_owned()),
        Location::Line(l) => Location::Path(format!("{name}:{l}")),
        Location::Path(p) => Location::Path(format!("{name}:{p}")),
    };
    ImportError { location, ..e }
}

/// Imports a coordinator's CSV file.
pub async fn local_csv(
    db: &Db,
    path: &Path,
    meta: ImportMeta,
    progress: Option<&ProgressTx>,
) -> anyhow::Result<Summary> {
    let total = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let meter = Meter {
        total,
        ..Meter::default()
    };
    let reader = meter.open(path)?;
    let mut imp = Importer::start(db, meta).await?;
    let outcome = local_rows(&mut imp, lc::read(reader), &meter, progress).await;
    conclude(imp, outcome).await
}

/// Imports a coordinator's XLSX workbook (its first sheet, the CSV's long format).
pub async fn local_xlsx(
    db: &Db,
    path: &Path,
    meta: ImportMeta,
    progress: Option<&ProgressTx>,
) -> anyhow::Result<Summary> {
    let total = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let meter = Meter {
        total,
        ..Meter::default()
    };
    // The progress is the position in the file while the sheet is streamed from it.
    let reader = meter.open(path)?;
    let mut imp = Importer::start(db, meta).await?;
    let outcome = match lx::read(reader) {
        Ok(rows) => local_rows(&mut imp, rows, &meter, progress).await,
        Err(e) => imp.push(Err(e)).await,
    };
    if let Some(p) = progress {
        p.send_replace((total, total));
    }
    conclude(imp, outcome).await
}

/// Whether a file is an XLSX workbook (a ZIP archive) rather than text.
pub fn is_xlsx(path: &Path) -> bool {
    let mut magic = [0u8; 4];
    File::open(path)
        .and_then(|mut f| f.read_exact(&mut magic))
        .is_ok()
        && &magic == b"PK\x03\x04"
}

async fn local_rows<R: Read>(
    imp: &mut Importer,
    mut rows: lc::LocalCsv<R>,
    meter: &Meter,
    progress: Option<&ProgressTx>,
) -> anyhow::Result<()> {
    while let Some(row) = rows.next() {
        let line = rows.line();
        let row = row.map(|v| InRow {
            location: Location::Line(line),
            indicator: IndicatorRef::Text(v.indicator),
            area: AreaRef::Code(v.area),
            year: v.year,
            sex: v.sex,
            value: Some(v.value),
            count: v.count,
            denominator: v.denominator,
        });
        imp.push(row).await?;
        if imp.rows_read().is_multiple_of(REPORT_EVERY) {
            meter.report(progress);
        }
    }
    meter.report(progress);
    Ok(())
}

/// The sex of a JSON-stat category code (`SSS`/`0` total, `1` men, `2` women) or label.
fn jsonstat_sex(code: &str) -> Option<Sex> {
    match code.trim().to_uppercase().as_str() {
        "SSS" | "0" | "T" | "TOTAL" => Some(Sex::Total),
        "1" | "M" => Some(Sex::Male),
        "2" | "F" | "N" => Some(Sex::Female),
        other => Sex::parse(other),
    }
}

/// Imports a PxWeb JSON-stat dataset as the values of one catalogue indicator
/// (`sotkanet:289`, `statfin:…`, `local:…`). The area dimension is the one with the role
/// `geo` (or named `Alue`/`Area`), the year `time` (or `Vuosi`/`Year`), the sex `Sukupuoli`
/// or `Sex` if present; any other dimension must have one category.
pub async fn jsonstat(
    db: &Db,
    path: &Path,
    indicator: &str,
    meta: ImportMeta,
    progress: Option<&ProgressTx>,
) -> anyhow::Result<Summary> {
    let total = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let parsed = js::read(BufReader::new(
        File::open(path).with_context(|| format!("could not open {}", path.display()))?,
    ));
    let mut imp = Importer::start(db, meta).await?;
    let outcome = jsonstat_rows(&mut imp, parsed, indicator, total, progress).await;
    conclude(imp, outcome).await
}

async fn jsonstat_rows(
    imp: &mut Importer,
    parsed: Result<js::Dataset, import::Rejected>,
    indicator: &str,
    total: u64,
    progress: Option<&ProgressTx>,
) -> anyhow::Result<()> {
    let ds = match parsed {
        Ok(ds) => ds,
        Err(rejected) => {
            for e in rejected.errors {
                imp.push(Err(e)).await?;
            }
            return Ok(());
        }
    };
    let role = |role: &str, names: &[&str]| {
        ds.roles
            .get(role)
            .and_then(|ids| ids.first())
            .and_then(|id| ds.dimension_index(id))
            .or_else(|| {
                ds.dimensions
                    .iter()
                    .position(|d| names.iter().any(|n| d.id.eq_ignore_ascii_case(n)))
            })
    };
    let area = role("geo", &["Alue", "Area", "Region", "Kunta", "Område"]);
    let year = role("time", &["Vuosi", "Year", "År"]);
    let sex = ds.dimensions.iter().position(|d| {
        ["Sukupuoli", "Sex", "Kön", "Gender"]
            .iter()
            .any(|n| d.id.eq_ignore_ascii_case(n))
    });
    let (Some(area), Some(year)) = (area, year) else {
        imp.push(Err(ImportError::file(
            "import-error-jsonstat-dimensions",
            &[],
        )))
        .await?;
        return Ok(());
    };
    for (i, d) in ds.dimensions.iter().enumerate() {
        if i != area && i != year && Some(i) != sex && d.categories.len() > 1 {
            imp.push(Err(ImportError::new(
                Location::Path(format!("dimension.{}", d.id)),
                "import-error-jsonstat-extra-dimension",
                &[("dimension", &d.id)],
            )))
            .await?;
            return Ok(());
        }
    }
    for (pos, row) in ds.rows().enumerate() {
        let loc = Location::Path(format!("value[{pos}]"));
        let y = row.categories[year].code.as_str();
        let parsed = Year::parse(y)
            .ok_or_else(|| {
                ImportError::new(
                    loc.clone(),
                    "import-error-year",
                    &[("value", y), ("min", "1900"), ("max", "2100")],
                )
            })
            .and_then(|year| {
                let s = match sex {
                    Some(i) => {
                        let code = row.categories[i].code.as_str();
                        jsonstat_sex(code).ok_or_else(|| {
                            ImportError::new(loc.clone(), "import-error-sex", &[("value", code)])
                        })?
                    }
                    None => Sex::Total,
                };
                Ok(InRow {
                    location: loc.clone(),
                    indicator: IndicatorRef::Text(indicator.to_owned()),
                    area: AreaRef::Code(row.categories[area].code.clone()),
                    year,
                    sex: s,
                    value: row.value,
                    count: None,
                    denominator: None,
                })
            });
        // A cell without a value (".." in PxWeb) is not stored.
        if matches!(&parsed, Ok(r) if r.value.is_none()) {
            imp.skip();
            continue;
        }
        imp.push(parsed).await?;
    }
    if let Some(p) = progress {
        p.send_replace((total, total));
    }
    Ok(())
}

/// Parses without a database, for the fuzz test: the rows a Sotkanet CSV would give.
pub fn count_sotkanet_csv(bytes: &[u8]) -> Result<u64, import::Rejected> {
    import::drain(sotkanet_csv::read(bytes), |_| {})
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An XLSX workbook of `rows` rows in the long format, written to a file.
    fn workbook(path: &Path, rows: u32) {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        for (c, h) in ["indicator", "area", "year", "sex", "value"]
            .iter()
            .enumerate()
        {
            ws.write_string(0, c as u16, *h).unwrap();
        }
        for r in 1..=rows {
            ws.write_string(r, 0, format!("local:x{}", r % 97)).unwrap();
            ws.write_string(r, 1, "KU398").unwrap();
            ws.write_number(r, 2, f64::from(2000 + r % 25)).unwrap();
            ws.write_string(r, 3, "total").unwrap();
            ws.write_number(r, 4, f64::from(r) / 7.0).unwrap();
        }
        wb.save(path).unwrap();
    }

    #[test]
    fn a_streamed_workbook_reports_its_position_in_the_file_as_it_is_read() {
        let dir = std::env::temp_dir().join(format!("tuuli-xlsx-meter-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("rows.xlsx");
        workbook(&path, 60_000);
        let total = std::fs::metadata(&path).unwrap().len();
        let meter = Meter {
            total,
            ..Meter::default()
        };
        let mut rows = lx::read(meter.open(&path).unwrap()).unwrap();
        for _ in 0..1_000 {
            rows.next().unwrap().unwrap();
        }
        let early = meter.read.load(Ordering::Relaxed);
        assert!(
            early > 0 && early < total,
            "{early} of {total} after 1,000 rows"
        );
        let mut n = 1_000;
        for row in rows.by_ref() {
            row.unwrap();
            n += 1;
        }
        assert_eq!(n, 60_000);
        let late = meter.read.load(Ordering::Relaxed);
        assert!(late > early, "{late} after all rows, {early} after 1,000");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
