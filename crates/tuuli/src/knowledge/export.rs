//! Exports of a selection of values (indicators × areas × years × sexes) as CSV, XLSX or
//! JSON-stat 2.0, for the indicator page's form and `/api/v1/values?format=`.
//!
//! - **CSV** is Finnish style (`;`, decimal comma, UTF-8 with a byte-order mark) and is the
//!   importer's long format: `indicator;area;year;sex;value;count;denominator` (header
//!   words and sexes in the reader's language, which `import::local_csv` accepts), so an
//!   export imports again. Three more columns (ignored by the importer) carry the names
//!   and, on every row, the source: the attribution and, for synthetic values, the label.
//!   Rows without a value are left out (the importer requires one). It is streamed from the
//!   database through a bounded channel, so memory does not grow with the selection.
//! - **XLSX** (rust_xlsxwriter) is built in memory and capped at [`XLSX_MAX_ROWS`] (under
//!   Excel's 1,048,576 rows per sheet); a second sheet holds the attribution.
//! - **JSON-stat 2.0**: dimensions indicator × area × year × sex with roles metric, geo and
//!   time, `value` row-major (last dimension fastest, `null` where no value), the
//!   attribution in `source`, `note` and `extension`; capped at [`JSONSTAT_MAX_CELLS`].

use std::collections::{BTreeMap, HashMap};

use axum::body::{Body, Bytes};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::core::csv_cell::guard;
use crate::db::Db;
use crate::error::{AppError, AppResult};
use crate::i18n::{I18n, Lang, with_args};
use crate::knowledge::catalogue::values::{self, Selection, ValueRow};
use crate::knowledge::catalogue::{attribution_lines, format_number};
use crate::with_db;

/// The most rows an XLSX export holds.
pub const XLSX_MAX_ROWS: i64 = 1_000_000;
/// The most cells (the product of the dimensions' sizes) a JSON-stat export holds.
pub const JSONSTAT_MAX_CELLS: i64 = 5_000_000;

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
    JsonStat,
}

impl Format {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "csv" => Some(Self::Csv),
            "xlsx" => Some(Self::Xlsx),
            "jsonstat" | "json-stat" => Some(Self::JsonStat),
            _ => None,
        }
    }
}

/// The importer's column names in each language (`import::local_csv` accepts them all).
fn header(lang: Lang) -> [&'static str; 7] {
    match lang {
        Lang::Fi => [
            "indikaattori",
            "alue",
            "vuosi",
            "sukupuoli",
            "arvo",
            "lukumäärä",
            "nimittäjä",
        ],
        Lang::Sv => [
            "indikator",
            "område",
            "år",
            "kön",
            "värde",
            "antal",
            "nämnare",
        ],
        Lang::En => [
            "indicator",
            "area",
            "year",
            "sex",
            "value",
            "count",
            "denominator",
        ],
    }
}

/// The sexes as the importer reads them, in each language.
fn sex_word(code: i64, lang: Lang) -> &'static str {
    let words = match lang {
        Lang::Fi => ["yhteensä", "miehet", "naiset"],
        Lang::Sv => ["totalt", "män", "kvinnor"],
        Lang::En => ["total", "male", "female"],
    };
    words.get(code as usize).copied().unwrap_or(words[0])
}

/// A number with a decimal comma and all its digits (an export loses nothing).
fn comma(v: Option<f64>) -> String {
    match v {
        Some(v) if v.is_finite() => v.to_string().replace('.', ","),
        _ => String::new(),
    }
}

/// The indicator's reference in exports and imports: `sotkanet:289`.
pub fn indicator_ref(source: &str, source_id: &str) -> String {
    format!("{source}:{source_id}")
}

/// Each indicator's attribution, by id (the whole catalogue: it is small).
pub async fn attributions(db: &Db) -> AppResult<HashMap<i64, Vec<String>>> {
    let rows: Vec<(i64, String, String, String)> = with_db!(db, p => sqlx::query_as(
        "SELECT id, source, attribution, producer FROM indicators").fetch_all(p).await)?;
    Ok(rows
        .into_iter()
        .map(|(id, s, a, p)| (id, attribution_lines(&s, &a, &p)))
        .collect())
}

/// [`attributions`] of some indicators only (a page of values names a few of the
/// catalogue's indicators; reading them all on every request was most of its time).
pub async fn attributions_of(db: &Db, ids: &[i64]) -> AppResult<HashMap<i64, Vec<String>>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let sql = format!(
        "SELECT id, source, attribution, producer FROM indicators WHERE id IN ({})",
        crate::db::id_list(ids.iter().copied())
    );
    let rows: Vec<(i64, String, String, String)> = with_db!(db, p => sqlx::query_as(
        sqlx::AssertSqlSafe(sql.as_str())).fetch_all(p).await)?;
    Ok(rows
        .into_iter()
        .map(|(id, s, a, p)| (id, attribution_lines(&s, &a, &p)))
        .collect())
}

/// The answer for a selection in a format, named `name` (without extension).
pub async fn respond(
    db: &Db,
    i18n: &std::sync::Arc<I18n>,
    lang: Lang,
    sel: Selection,
    format: Format,
    name: &str,
) -> AppResult<Response> {
    let attr = attributions(db).await?;
    let synthetic_label = i18n.t(lang, "values-synthetic", &[]);
    match format {
        Format::Csv => {
            let (tx, rx) = tokio::sync::mpsc::channel::<ValueRow>(2048);
            let db2 = db.clone();
            let sel2 = sel.clone();
            tokio::spawn(async move {
                if let Err(e) = values::send_all(&db2, &sel2, tx).await {
                    tracing::warn!(error = %e.message(), "CSV export stopped");
                }
            });
            let head = csv_header(i18n, lang);
            let stream = futures_util::stream::unfold(
                (rx, attr, synthetic_label, Some(head)),
                move |(mut rx, attr, label, head)| async move {
                    let mut buf = head.unwrap_or_default();
                    match rx.recv().await {
                        Some(row) => push_csv_row(&mut buf, &row, &attr, &label, lang),
                        None if buf.is_empty() => return None,
                        None => {}
                    }
                    while buf.len() < 64 * 1024 {
                        match rx.try_recv() {
                            Ok(row) => push_csv_row(&mut buf, &row, &attr, &label, lang),
                            Err(_) => break,
                        }
                    }
                    Some((
                        Ok::<_, std::io::Error>(Bytes::from(buf)),
                        (rx, attr, label, None),
                    ))
                },
            );
            Ok((
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{name}.csv\""),
                    ),
                ],
                Body::from_stream(stream),
            )
                .into_response())
        }
        Format::Xlsx => {
            let n = values::count(db, &sel).await?;
            if n > XLSX_MAX_ROWS {
                return Err(too_big("values-export-too-big-xlsx", XLSX_MAX_ROWS));
            }
            let rows = values::all(db, &sel).await?;
            let bytes = xlsx(&rows, &attr, i18n, lang, &synthetic_label)
                .map_err(|e| AppError::Internal(anyhow::anyhow!("xlsx: {e}")))?;
            Ok((
                [
                    (
                        header::CONTENT_TYPE,
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                            .to_owned(),
                    ),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{name}.xlsx\""),
                    ),
                ],
                bytes,
            )
                .into_response())
        }
        Format::JsonStat => {
            let n = values::count(db, &sel).await?;
            if n > JSONSTAT_MAX_CELLS {
                return Err(too_big(
                    "values-export-too-big-jsonstat",
                    JSONSTAT_MAX_CELLS,
                ));
            }
            let rows = values::all(db, &sel).await?;
            let doc = jsonstat(&rows, &attr, i18n, lang)?;
            Ok((
                [
                    (header::CONTENT_TYPE, "application/json".to_owned()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{name}.json\""),
                    ),
                ],
                doc.to_string(),
            )
                .into_response())
        }
    }
}

fn too_big(key: &str, max: i64) -> AppError {
    AppError::Message(
        StatusCode::UNPROCESSABLE_ENTITY,
        with_args(key, &[("max", &max.to_string())]),
    )
}

/// The header line, after the byte-order mark.
fn csv_header(i18n: &I18n, lang: Lang) -> Vec<u8> {
    let mut buf = b"\xef\xbb\xbf".to_vec();
    let mut cols: Vec<String> = header(lang).iter().map(|s| (*s).to_owned()).collect();
    for k in [
        "values-col-indicator-name",
        "values-col-area-name",
        "values-col-source",
    ] {
        cols.push(i18n.t(lang, k, &[]));
    }
    write_record(&mut buf, &cols);
    buf
}

fn write_record(buf: &mut Vec<u8>, fields: &[String]) {
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    // Writing to memory cannot fail.
    let _ = w.write_record(fields);
    if let Ok(bytes) = w.into_inner() {
        buf.extend_from_slice(&bytes);
    }
}

/// The source text of a row: attribution, and the synthetic label when it applies.
fn source_text(row: &ValueRow, attr: &HashMap<i64, Vec<String>>, label: &str) -> String {
    let mut parts: Vec<String> = attr.get(&row.indicator_id).cloned().unwrap_or_default();
    if row.synthetic {
        parts.push(label.to_owned());
    }
    parts.join(" · ")
}

/// The indicator's title in the reader's language (Finnish when not translated).
fn indicator_title(row: &ValueRow, lang: Lang) -> &str {
    lang.pick(
        &row.indicator_title_fi,
        &row.indicator_title_sv,
        &row.indicator_title_en,
    )
}

fn area_name(row: &ValueRow, lang: Lang) -> String {
    lang.pick(&row.area_name_fi, &row.area_name_sv, &row.area_name_en)
        .to_owned()
}

fn push_csv_row(
    buf: &mut Vec<u8>,
    row: &ValueRow,
    attr: &HashMap<i64, Vec<String>>,
    label: &str,
    lang: Lang,
) {
    if row.value.is_none() {
        return;
    }
    let fields = [
        indicator_ref(&row.indicator_source, &row.indicator_source_id),
        row.area_code.clone(),
        row.year.to_string(),
        sex_word(row.sex, lang).to_owned(),
        comma(row.value),
        comma(row.count),
        comma(row.denominator),
        // Texts that the importer does not read back: written so that no spreadsheet runs
        // them as formulas (an indicator's title comes from whoever imported it).
        guard(indicator_title(row, lang).to_owned()),
        guard(area_name(row, lang)),
        guard(source_text(row, attr, label)),
    ];
    write_record(buf, &fields);
}

/// The XLSX workbook: the values, then a sheet with the attribution.
fn xlsx(
    rows: &[ValueRow],
    attr: &HashMap<i64, Vec<String>>,
    i18n: &I18n,
    lang: Lang,
    label: &str,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format as Fmt, Workbook};
    let mut wb = Workbook::new();
    let bold = Fmt::new().set_bold();
    let sheet = wb.add_worksheet();
    sheet.set_name(i18n.t(lang, "values-sheet-values", &[]))?;
    let mut cols: Vec<String> = header(lang).iter().map(|s| (*s).to_owned()).collect();
    for k in [
        "values-col-indicator-name",
        "values-col-area-name",
        "values-col-source",
    ] {
        cols.push(i18n.t(lang, k, &[]));
    }
    for (c, h) in cols.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, h, &bold)?;
    }
    let mut synthetic = false;
    let mut indicators: Vec<i64> = Vec::new();
    for (r, row) in (1u32..).zip(rows.iter()) {
        sheet.write_string(
            r,
            0,
            indicator_ref(&row.indicator_source, &row.indicator_source_id),
        )?;
        sheet.write_string(r, 1, &row.area_code)?;
        sheet.write_number(r, 2, row.year as f64)?;
        sheet.write_string(r, 3, sex_word(row.sex, lang))?;
        for (c, v) in [(4u16, row.value), (5, row.count), (6, row.denominator)] {
            if let Some(v) = v.filter(|v| v.is_finite()) {
                sheet.write_number(r, c, v)?;
            }
        }
        sheet.write_string(r, 7, indicator_title(row, lang))?;
        sheet.write_string(r, 8, area_name(row, lang))?;
        sheet.write_string(r, 9, source_text(row, attr, label))?;
        synthetic |= row.synthetic;
        if !indicators.contains(&row.indicator_id) {
            indicators.push(row.indicator_id);
        }
    }
    let about = wb.add_worksheet();
    about.set_name(i18n.t(lang, "values-sheet-source", &[]))?;
    for (line, l) in (0u32..).zip(lines_for(&indicators, attr, synthetic, label)) {
        about.write_string(line, 0, l)?;
    }
    wb.save_to_buffer()
}

/// The distinct attribution lines of the indicators, and the synthetic label.
fn lines_for(
    indicators: &[i64],
    attr: &HashMap<i64, Vec<String>>,
    synthetic: bool,
    label: &str,
) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for id in indicators {
        for l in attr.get(id).into_iter().flatten() {
            if !lines.contains(l) {
                lines.push(l.clone());
            }
        }
    }
    if synthetic {
        lines.push(label.to_owned());
    }
    lines
}

/// The JSON-stat 2.0 dataset of the rows.
pub fn jsonstat(
    rows: &[ValueRow],
    attr: &HashMap<i64, Vec<String>>,
    i18n: &I18n,
    lang: Lang,
) -> AppResult<Value> {
    // Categories in first-seen order (rows come in key order).
    let mut inds: Vec<(String, String, i64, i64)> = Vec::new(); // ref, title, decimals, id
    let mut areas: Vec<(i64, String, String, String)> = Vec::new(); // id, kind, code, name
    let mut years: Vec<i64> = Vec::new();
    let mut sexes: Vec<i64> = Vec::new();
    for r in rows {
        let iref = indicator_ref(&r.indicator_source, &r.indicator_source_id);
        if !inds.iter().any(|i| i.0 == iref) {
            inds.push((
                iref,
                indicator_title(r, lang).to_owned(),
                r.decimals,
                r.indicator_id,
            ));
        }
        if !areas.iter().any(|a| a.0 == r.area_id) {
            areas.push((
                r.area_id,
                r.area_kind.clone(),
                r.area_code.clone(),
                area_name(r, lang),
            ));
        }
        if !years.contains(&r.year) {
            years.push(r.year);
        }
        if !sexes.contains(&r.sex) {
            sexes.push(r.sex);
        }
    }
    years.sort_unstable();
    sexes.sort_unstable();
    // An area's id is its official code, or kind:code when two kinds share a code.
    let clash = areas
        .iter()
        .any(|a| areas.iter().filter(|b| b.2 == a.2).count() > 1);
    let area_id = |a: &(i64, String, String, String)| {
        if clash {
            format!("{}:{}", a.1, a.2)
        } else {
            a.2.clone()
        }
    };
    let size = [inds.len(), areas.len(), years.len(), sexes.len()];
    let cells: usize = size.iter().product();
    if cells as i64 > JSONSTAT_MAX_CELLS {
        return Err(too_big(
            "values-export-too-big-jsonstat",
            JSONSTAT_MAX_CELLS,
        ));
    }
    let mut value: Vec<Value> = vec![Value::Null; cells];
    let mut synthetic = false;
    for r in rows {
        let i = inds.iter().position(|x| x.3 == r.indicator_id).unwrap_or(0);
        let a = areas.iter().position(|x| x.0 == r.area_id).unwrap_or(0);
        let y = years.iter().position(|x| *x == r.year).unwrap_or(0);
        let s = sexes.iter().position(|x| *x == r.sex).unwrap_or(0);
        let at = ((i * size[1] + a) * size[2] + y) * size[3] + s;
        if let (Some(slot), Some(v)) = (value.get_mut(at), r.value.filter(|v| v.is_finite())) {
            *slot = json!(v);
        }
        synthetic |= r.synthetic;
    }
    let index = |ids: Vec<String>| -> Value {
        Value::Object(
            ids.into_iter()
                .enumerate()
                .map(|(n, id)| (id, json!(n)))
                .collect(),
        )
    };
    let labels = |pairs: Vec<(String, String)>| -> Value {
        Value::Object(pairs.into_iter().map(|(k, v)| (k, json!(v))).collect())
    };
    let sex_label = |c: i64| {
        i18n.t(
            lang,
            &format!("values-sex-{}", crate::knowledge::catalogue::sex_name(c)),
            &[],
        )
    };
    let unit: BTreeMap<String, Value> = inds
        .iter()
        .map(|i| (i.0.clone(), json!({"decimals": i.2})))
        .collect();
    let note = lines_for(
        &inds.iter().map(|i| i.3).collect::<Vec<_>>(),
        attr,
        synthetic,
        &i18n.t(lang, "values-synthetic", &[]),
    );
    Ok(json!({
        "version": "2.0",
        "class": "dataset",
        "label": i18n.t(lang, "values-export-label", &[]),
        "source": note.first().cloned().unwrap_or_default(),
        "updated": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "id": ["indicator", "area", "year", "sex"],
        "size": size,
        "role": {"metric": ["indicator"], "geo": ["area"], "time": ["year"]},
        "dimension": {
            "indicator": {"label": i18n.t(lang, "values-col-indicator-name", &[]), "category": {
                "index": index(inds.iter().map(|i| i.0.clone()).collect()),
                "label": labels(inds.iter().map(|i| (i.0.clone(), i.1.clone())).collect()),
                "unit": unit,
            }},
            "area": {"label": header(lang)[1], "category": {
                "index": index(areas.iter().map(area_id).collect()),
                "label": labels(areas.iter().map(|a| (area_id(a), a.3.clone())).collect()),
            }},
            "year": {"label": header(lang)[2], "category": {
                "index": index(years.iter().map(|y| y.to_string()).collect()),
            }},
            "sex": {"label": header(lang)[3], "category": {
                "index": index(sexes.iter().map(|s| crate::knowledge::catalogue::sex_name(*s).to_owned()).collect()),
                "label": labels(sexes.iter().map(|s| (crate::knowledge::catalogue::sex_name(*s).to_owned(), sex_label(*s))).collect()),
            }},
        },
        "value": value,
        "note": note,
        "extension": {"synthetic": synthetic, "attribution": note.clone()},
    }))
}

/// The value formatted for a page (decimal comma in Finnish and Swedish).
pub fn display(v: Option<f64>, decimals: i64, lang: Lang) -> String {
    v.map_or_else(|| "..".to_owned(), |v| format_number(v, decimals, lang))
}
