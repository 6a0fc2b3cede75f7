//! A plan's actions as a spreadsheet (CSV or XLSX), out and back in.
//!
//! One row per action, with the columns in `COLUMNS` (the header names them; their order is
//! free and a missing column leaves that value as it is). Organisations and municipalities
//! are written by their Finnish names (several in a cell separated by `;`), promises and
//! goals by their Finnish titles, the status by its code (`on_track`…; the fi/sv/en labels
//! of the update screen are read too), numbers with a decimal comma.
//!
//! Import rules (decided, see ARCHITECTURE.md):
//! - a row with an `action_id` updates that action of this plan; a row without one adds an
//!   action. Goals and promises are never created by an import: the row must name a goal
//!   of the plan (and, when given, its promise), so a typo cannot grow the plan;
//! - organisations and municipalities must exist (matched by name, case-insensitively);
//! - a status, percent or amount used that differs from the action's latest update becomes
//!   a new progress update dated today (its narrative carried over); the rest of the row
//!   updates the action itself when it differs. A row that changes nothing writes nothing;
//! - all or nothing: every row is checked first, every bad row is reported with its line
//!   and column, and only a file without errors is written, in one transaction;
//! - an import overwrites: it does not compare versions (the file carries none).

use std::collections::{BTreeMap, HashMap};
use std::io::Cursor;

use chrono::{NaiveDate, Utc};
use serde::Serialize;

use super::model::ProgressValues;
use super::store::{insert_progress, json};
use crate::auth::Actor;
use crate::core::kinds::PROGRESS_STATUSES;
use crate::db::Db;
use crate::error::AppResult;
use crate::i18n::with_args;
use crate::knowledge::import::fields::parse_number;
use crate::with_db;

/// The columns, in the order they are written.
pub const COLUMNS: [&str; 15] = [
    "action_id",
    "promise",
    "goal",
    "action",
    "lead_organisation",
    "organisations",
    "municipalities",
    "start_date",
    "end_date",
    "status",
    "percent",
    "planned_euros",
    "planned_days",
    "euros_used",
    "days_used",
];

/// The largest file an import reads.
pub const MAX_IMPORT_BYTES: usize = 10 * 1024 * 1024;

/// An action as the exchange sees it: names for people, ids for the database.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
struct Current {
    id: i64,
    promise: String,
    goal: String,
    goal_id: i64,
    title: String,
    lead_id: Option<i64>,
    lead: String,
    organisations: Vec<(i64, String)>,
    municipalities: Vec<(i64, String)>,
    start_date: Option<NaiveDate>,
    end_date: Option<NaiveDate>,
    planned_euros: Option<f64>,
    planned_days: Option<f64>,
    #[serde(skip)]
    progress: Latest,
}

/// An action's latest update as far as the exchange goes.
#[derive(Clone, Debug, PartialEq)]
struct Latest {
    status: String,
    percent: i32,
    euros_used: Option<f64>,
    days_used: Option<f64>,
    narrative: String,
}

impl Default for Latest {
    fn default() -> Self {
        Latest {
            status: "not_started".into(),
            percent: 0,
            euros_used: None,
            days_used: None,
            narrative: String::new(),
        }
    }
}

#[derive(sqlx::FromRow)]
struct ActionRow {
    id: i64,
    promise: String,
    goal: String,
    goal_id: i64,
    title: String,
    lead_id: Option<i64>,
    lead: Option<String>,
    start_date: Option<NaiveDate>,
    end_date: Option<NaiveDate>,
    planned_euros: Option<f64>,
    planned_days: Option<f64>,
    status: String,
    percent: i32,
    euros_used: Option<f64>,
    days_used: Option<f64>,
    narrative: String,
}

/// The plan's actions in plan order, in three queries (actions with their latest update,
/// organisations, municipalities) whatever their number.
async fn current(db: &Db, plan: i64) -> AppResult<Vec<Current>> {
    let actions = "SELECT a.id, pr.title_fi AS promise, g.title_fi AS goal, g.id AS goal_id, a.title, \
        a.lead_organisation_id AS lead_id, o.name_fi AS lead, a.start_date, a.end_date, a.planned_euros, a.planned_days, \
        COALESCE(lp.status, 'not_started') AS status, COALESCE(lp.percent, 0) AS percent, lp.euros_used, lp.days_used, \
        COALESCE(lp.narrative, '') AS narrative \
        FROM plan_actions a JOIN plan_goals g ON g.id = a.goal_id JOIN plan_promises pr ON pr.id = g.promise_id \
        LEFT JOIN organisations o ON o.id = a.lead_organisation_id \
        LEFT JOIN plan_progress lp ON lp.id = (SELECT p2.id FROM plan_progress p2 WHERE p2.action_id = a.id \
                                               ORDER BY p2.report_date DESC, p2.id DESC LIMIT 1) \
        WHERE pr.plan_id = $1 ORDER BY pr.position, pr.id, g.position, g.id, a.id";
    let orgs = "SELECT ao.action_id, o.id, o.name_fi FROM plan_action_organisations ao \
        JOIN organisations o ON o.id = ao.organisation_id JOIN plan_actions a ON a.id = ao.action_id \
        JOIN plan_goals g ON g.id = a.goal_id JOIN plan_promises pr ON pr.id = g.promise_id \
        WHERE pr.plan_id = $1 ORDER BY o.name_key, o.id";
    let areas = "SELECT aa.action_id, ar.id, ar.name_fi FROM plan_action_areas aa \
        JOIN areas ar ON ar.id = aa.area_id JOIN plan_actions a ON a.id = aa.action_id \
        JOIN plan_goals g ON g.id = a.goal_id JOIN plan_promises pr ON pr.id = g.promise_id \
        WHERE pr.plan_id = $1 ORDER BY ar.name_fi, ar.id";
    let (rows, orgs, areas) = with_db!(db, p => {
        let rows: Vec<ActionRow> = sqlx::query_as(actions).bind(plan).fetch_all(p).await?;
        let orgs: Vec<(i64, i64, String)> = sqlx::query_as(orgs).bind(plan).fetch_all(p).await?;
        let areas: Vec<(i64, i64, String)> = sqlx::query_as(areas).bind(plan).fetch_all(p).await?;
        Ok::<_, sqlx::Error>((rows, orgs, areas))
    })?;
    let mut orgs =
        crate::db::group_by_owner(orgs.into_iter().map(|(a, i, n)| (a, (i, n))).collect());
    let mut areas =
        crate::db::group_by_owner(areas.into_iter().map(|(a, i, n)| (a, (i, n))).collect());
    Ok(rows
        .into_iter()
        .map(|r| Current {
            organisations: orgs.remove(&r.id).unwrap_or_default(),
            municipalities: areas.remove(&r.id).unwrap_or_default(),
            id: r.id,
            promise: r.promise,
            goal: r.goal,
            goal_id: r.goal_id,
            title: r.title,
            lead_id: r.lead_id,
            lead: r.lead.unwrap_or_default(),
            start_date: r.start_date,
            end_date: r.end_date,
            planned_euros: r.planned_euros,
            planned_days: r.planned_days,
            progress: Latest {
                status: r.status,
                percent: r.percent,
                euros_used: r.euros_used,
                days_used: r.days_used,
                narrative: r.narrative,
            },
        })
        .collect())
}

/// A number as the file writes it: shortest exact form, decimal comma.
fn number(v: Option<f64>) -> String {
    v.map(|x| x.to_string().replace('.', ","))
        .unwrap_or_default()
}

fn cells(c: &Current) -> [String; 15] {
    let names = |v: &[(i64, String)]| {
        v.iter()
            .map(|(_, n)| n.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    };
    let date = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    [
        c.id.to_string(),
        c.promise.clone(),
        c.goal.clone(),
        c.title.clone(),
        c.lead.clone(),
        names(&c.organisations),
        names(&c.municipalities),
        date(c.start_date),
        date(c.end_date),
        c.progress.status.clone(),
        c.progress.percent.to_string(),
        number(c.planned_euros),
        number(c.planned_days),
        number(c.progress.euros_used),
        number(c.progress.days_used),
    ]
}

/// The plan's actions as CSV: UTF-8 with a BOM, `;` between fields (what Excel opens in
/// Finland and Sweden).
pub async fn export_csv(db: &Db, plan: i64) -> AppResult<Vec<u8>> {
    let rows = current(db, plan).await?;
    let mut w = csv::WriterBuilder::new()
        .delimiter(b';')
        .from_writer(b"\xEF\xBB\xBF".to_vec());
    let io = |e: csv::Error| crate::error::AppError::Internal(e.into());
    w.write_record(COLUMNS).map_err(io)?;
    for r in &rows {
        w.write_record(cells(r)).map_err(io)?;
    }
    w.into_inner()
        .map_err(|e| crate::error::AppError::Internal(anyhow::anyhow!("{e}")))
}

/// The plan's actions as an XLSX workbook: one sheet, numbers as numbers, dates as
/// `YYYY-MM-DD` text.
pub async fn export_xlsx(db: &Db, plan: i64) -> AppResult<Vec<u8>> {
    use rust_xlsxwriter::{Format, Workbook};
    let rows = current(db, plan).await?;
    let err = |e: rust_xlsxwriter::XlsxError| crate::error::AppError::Internal(e.into());
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("actions").map_err(err)?;
    let bold = Format::new().set_bold();
    for (c, name) in COLUMNS.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, *name, &bold)
            .map_err(err)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let row = (i + 1) as u32;
        let nums = [
            (0, Some(r.id as f64)),
            (10, Some(f64::from(r.progress.percent))),
            (11, r.planned_euros),
            (12, r.planned_days),
            (13, r.progress.euros_used),
            (14, r.progress.days_used),
        ];
        for (c, text) in cells(r).iter().enumerate() {
            match nums.iter().find(|(n, _)| *n == c) {
                Some((_, Some(v))) => {
                    sheet.write_number(row, c as u16, *v).map_err(err)?;
                }
                Some((_, None)) => {}
                None => {
                    if !text.is_empty() {
                        sheet.write_string(row, c as u16, text).map_err(err)?;
                    }
                }
            }
        }
    }
    sheet.set_freeze_panes(1, 0).map_err(err)?;
    book.save_to_buffer().map_err(err)
}

/// One problem of an import: the line (1 = the header) and column, and a message key with
/// its arguments (`i18n::with_args`). Line 0 is the file itself.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Problem {
    pub line: usize,
    pub column: String,
    pub key: String,
}

fn problem(line: usize, column: &str, key: &str, args: &[(&str, &str)]) -> Problem {
    Problem {
        line,
        column: column.to_owned(),
        key: if args.is_empty() {
            key.to_owned()
        } else {
            with_args(key, args)
        },
    }
}

/// The file's records with their line numbers; the first is the header.
type Records = Vec<(usize, Vec<String>)>;

/// Reads a CSV file: UTF-8 (a BOM is skipped), `;` or `,` between fields (whichever the
/// header line has more of).
pub fn read_csv(bytes: &[u8]) -> Result<Records, Problem> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.contains(&0) || std::str::from_utf8(bytes).is_err() {
        return Err(problem(0, "", "plan-update-import-not-csv", &[]));
    }
    let first = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    let semi = first.iter().filter(|b| **b == b';').count();
    let comma = first.iter().filter(|b| **b == b',').count();
    let delimiter = if comma > semi { b',' } else { b';' };
    let mut r = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut out = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map(|p| p.line() as usize).unwrap_or(0);
            problem(line, "", "plan-update-import-not-csv", &[])
        })?;
        let line = rec.position().map(|p| p.line() as usize).unwrap_or(0);
        out.push((line, rec.iter().map(str::to_owned).collect()));
    }
    Ok(out)
}

/// An Excel serial day number (the 1900 system) as a date.
fn excel_date(serial: f64) -> Option<NaiveDate> {
    let base = NaiveDate::from_ymd_opt(1899, 12, 30)?;
    (serial.is_finite() && (1.0..1_000_000.0).contains(&serial))
        .then(|| base.checked_add_days(chrono::Days::new(serial.trunc() as u64)))
        .flatten()
}

/// Reads the first sheet of an XLSX workbook; a cell's text is what the CSV would hold.
pub fn read_xlsx(bytes: Vec<u8>) -> Result<Records, Problem> {
    use calamine::{Data, Reader, Xlsx};
    let not = || problem(0, "", "plan-update-import-not-xlsx", &[]);
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| not())?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(not)?
        .map_err(|_| not())?;
    let (top, _) = range.start().unwrap_or((0, 0));
    let mut out = Vec::new();
    for (i, row) in range.rows().enumerate() {
        let cells = row
            .iter()
            .map(|c| match c {
                Data::Empty | Data::Error(_) => String::new(),
                Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
                Data::Int(n) => n.to_string(),
                Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => (*f as i64).to_string(),
                Data::Float(f) => f.to_string().replace('.', ","),
                Data::Bool(b) => b.to_string(),
                Data::DateTime(d) => excel_date(d.as_f64())
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
            })
            .collect();
        out.push((top as usize + i + 1, cells));
    }
    Ok(out)
}

/// What an import is checked against: the plan's goals, and the names of organisations and
/// municipalities.
struct Lookup {
    goals: Vec<(i64, String, String)>,
    orgs: HashMap<String, Vec<i64>>,
    areas: HashMap<String, Vec<i64>>,
}

async fn lookup(db: &Db, plan: i64) -> AppResult<Lookup> {
    let goals = "SELECT g.id, g.title_fi, pr.title_fi FROM plan_goals g JOIN plan_promises pr ON pr.id = g.promise_id WHERE pr.plan_id = $1";
    let (goals, orgs, areas) = with_db!(db, p => {
        let goals: Vec<(i64, String, String)> = sqlx::query_as(goals).bind(plan).fetch_all(p).await?;
        let orgs: Vec<(i64, String)> = sqlx::query_as("SELECT id, name_fi FROM organisations").fetch_all(p).await?;
        let areas: Vec<(i64, String, String)> = sqlx::query_as("SELECT id, name_fi, name_sv FROM areas WHERE kind = 'municipality'").fetch_all(p).await?;
        Ok::<_, sqlx::Error>((goals, orgs, areas))
    })?;
    let fold = crate::db::keys::fold;
    let mut o: HashMap<String, Vec<i64>> = HashMap::new();
    for (id, name) in orgs {
        o.entry(fold(name.trim())).or_default().push(id);
    }
    let mut a: HashMap<String, Vec<i64>> = HashMap::new();
    for (id, fi, sv) in areas {
        a.entry(fold(fi.trim())).or_default().push(id);
        if !sv.trim().is_empty() && fold(sv.trim()) != fold(fi.trim()) {
            a.entry(fold(sv.trim())).or_default().push(id);
        }
    }
    Ok(Lookup {
        goals,
        orgs: o,
        areas: a,
    })
}

/// An action's values after an import row: what the `plan_actions` row and its links hold.
#[derive(Clone, Debug, PartialEq, Serialize)]
struct Values {
    goal_id: i64,
    title: String,
    lead_organisation_id: Option<i64>,
    organisations: Vec<i64>,
    municipalities: Vec<i64>,
    start_date: Option<NaiveDate>,
    end_date: Option<NaiveDate>,
    planned_euros: Option<f64>,
    planned_days: Option<f64>,
}

impl Values {
    fn of(c: &Current) -> Self {
        Values {
            goal_id: c.goal_id,
            title: c.title.clone(),
            lead_organisation_id: c.lead_id,
            organisations: c.organisations.iter().map(|x| x.0).collect(),
            municipalities: c.municipalities.iter().map(|x| x.0).collect(),
            start_date: c.start_date,
            end_date: c.end_date,
            planned_euros: c.planned_euros,
            planned_days: c.planned_days,
        }
    }
}

/// What one good row does.
#[derive(Debug)]
struct Change {
    /// The action (None: a new one), with its values before.
    existing: Option<(i64, Values)>,
    /// New values for the action, when they differ.
    values: Option<Values>,
    /// A new progress update, when the status or amounts differ from the latest.
    progress: Option<ProgressValues>,
}

/// Status labels people may type instead of the codes (the update screen's, fi/sv/en).
fn status_code(raw: &str, labels: &HashMap<String, &'static str>) -> Option<&'static str> {
    let t = crate::db::keys::fold(raw.trim());
    PROGRESS_STATUSES
        .iter()
        .find(|s| **s == t)
        .copied()
        .or_else(|| labels.get(&t).copied())
}

/// The labels of the statuses in every language, folded.
pub fn status_labels(i18n: &crate::i18n::I18n) -> HashMap<String, &'static str> {
    let mut m = HashMap::new();
    for lang in [
        crate::i18n::Lang::Fi,
        crate::i18n::Lang::Sv,
        crate::i18n::Lang::En,
    ] {
        for s in PROGRESS_STATUSES {
            let label = i18n.t(lang, &format!("plan-update-status-{s}"), &[]);
            m.insert(crate::db::keys::fold(label.trim()), *s);
        }
    }
    m
}

fn date(raw: &str) -> Result<Option<NaiveDate>, ()> {
    let t = raw.trim();
    if t.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(t, "%d.%m.%Y"))
        .map(Some)
        .map_err(|_| ())
}

/// The ids a cell names, and the names not found or ambiguous (with their message keys).
/// Several names are separated by `;`, `|` or line breaks; as a name may itself hold a
/// `;` ("Kumppani; Oy"), the longest run of `;`-separated parts that is a known name wins.
/// With `single` the whole cell is one name.
fn resolve_names(
    map: &HashMap<String, Vec<i64>>,
    raw: &str,
    single: bool,
) -> (Vec<i64>, Vec<(&'static str, String)>) {
    let fold = crate::db::keys::fold;
    let mut ids = Vec::new();
    let mut bad = Vec::new();
    let take = |name: &str, ids: &mut Vec<i64>, bad: &mut Vec<(&'static str, String)>| match map
        .get(&fold(name))
        .map(Vec::as_slice)
    {
        Some([id]) => {
            ids.push(*id);
            true
        }
        Some(_) => {
            bad.push(("plan-update-import-ambiguous", name.to_owned()));
            true
        }
        None => false,
    };
    if single {
        let name = raw.trim();
        if !name.is_empty() && !take(name, &mut ids, &mut bad) {
            bad.push(("plan-update-import-unknown-name", name.to_owned()));
        }
        return (ids, bad);
    }
    for chunk in raw.split(['|', '\n']) {
        let parts: Vec<&str> = chunk.split(';').collect();
        let mut i = 0;
        while i < parts.len() {
            let found = (i + 1..=parts.len()).rev().find(|j| {
                let name = parts[i..*j].join(";");
                map.contains_key(&fold(name.trim()))
            });
            match found {
                Some(j) => {
                    take(parts[i..j].join(";").trim(), &mut ids, &mut bad);
                    i = j;
                }
                None => {
                    let name = parts[i].trim();
                    if !name.is_empty() {
                        bad.push(("plan-update-import-unknown-name", name.to_owned()));
                    }
                    i += 1;
                }
            }
        }
    }
    (ids, bad)
}

/// Checks every row against the plan; the changes, or every problem found.
fn plan_changes(
    records: &Records,
    actions: &[Current],
    look: &Lookup,
    labels: &HashMap<String, &'static str>,
    today: NaiveDate,
) -> Result<Vec<Change>, Vec<Problem>> {
    let mut problems = Vec::new();
    let Some((header_line, header)) = records.first() else {
        return Err(vec![problem(0, "", "plan-update-import-empty", &[])]);
    };
    let fold = crate::db::keys::fold;
    let col: HashMap<&str, usize> = COLUMNS
        .iter()
        .filter_map(|c| {
            header
                .iter()
                .position(|h| fold(h.trim()) == *c)
                .map(|i| (*c, i))
        })
        .collect();
    for required in ["action_id", "goal", "action"] {
        if !col.contains_key(required) {
            problems.push(problem(
                *header_line,
                required,
                "plan-update-import-missing-column",
                &[("column", required)],
            ));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let by_id: HashMap<i64, &Current> = actions.iter().map(|a| (a.id, a)).collect();
    let mut seen_ids = BTreeMap::new();
    let mut changes = Vec::new();
    for (line, rec) in records.iter().skip(1) {
        let line = *line;
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let cell = |name: &str| -> Option<&str> {
            col.get(name)
                .map(|i| rec.get(*i).map(|s| s.trim()).unwrap_or(""))
        };
        let probs = std::cell::RefCell::new(Vec::<Problem>::new());
        let add = |column: &str, key: &str, args: &[(&str, &str)]| {
            probs.borrow_mut().push(problem(line, column, key, args));
        };
        let bad = |column: &str, key: &str, value: &str| add(column, key, &[("value", value)]);
        // The action, if the row names one.
        let id_text = cell("action_id").unwrap_or("");
        let existing: Option<&Current> = if id_text.is_empty() {
            None
        } else {
            match id_text.parse::<i64>().ok().and_then(|id| by_id.get(&id)) {
                Some(c) => {
                    if let Some(first) = seen_ids.insert(c.id, line) {
                        let first = first.to_string();
                        add(
                            "action_id",
                            "plan-update-import-repeated",
                            &[("value", id_text), ("line", &first)],
                        );
                    }
                    Some(*c)
                }
                None => {
                    bad("action_id", "plan-update-import-no-action", id_text);
                    problems.extend(probs.into_inner());
                    continue;
                }
            }
        };
        let base = existing.map(Values::of);
        // The goal: by its title, within the promise when one is given.
        let goal_id = {
            let goal = cell("goal").unwrap_or("");
            let promise = cell("promise").unwrap_or("");
            let found: Vec<i64> = look
                .goals
                .iter()
                .filter(|(_, g, p)| {
                    fold(g.trim()) == fold(goal)
                        && (promise.is_empty() || fold(p.trim()) == fold(promise))
                })
                .map(|(id, _, _)| *id)
                .collect();
            match found.as_slice() {
                [one] => *one,
                [] if goal.is_empty() => {
                    bad("goal", "error-required", goal);
                    0
                }
                [] => {
                    bad("goal", "plan-update-import-no-goal", goal);
                    0
                }
                _ => {
                    bad("goal", "plan-update-import-ambiguous", goal);
                    0
                }
            }
        };
        let title = cell("action").unwrap_or("").to_owned();
        if title.is_empty() {
            bad("action", "error-required", "");
        } else if title.chars().count() > 500 {
            bad("action", "plan-update-import-too-long", "500");
        }
        let resolve =
            |column: &str, map: &HashMap<String, Vec<i64>>, raw: &str, single: bool| -> Vec<i64> {
                let (mut ids, unknown) = resolve_names(map, raw, single);
                for (key, name) in unknown {
                    add(column, key, &[("value", &name)]);
                }
                ids.sort_unstable();
                ids.dedup();
                ids
            };
        let lead_organisation_id = match cell("lead_organisation") {
            None => base.as_ref().and_then(|b| b.lead_organisation_id),
            Some(raw) => resolve("lead_organisation", &look.orgs, raw, true)
                .first()
                .copied(),
        };
        let organisations = match cell("organisations") {
            None => base
                .as_ref()
                .map(|b| b.organisations.clone())
                .unwrap_or_default(),
            Some(raw) => resolve("organisations", &look.orgs, raw, false),
        };
        let municipalities = match cell("municipalities") {
            None => base
                .as_ref()
                .map(|b| b.municipalities.clone())
                .unwrap_or_default(),
            Some(raw) => resolve("municipalities", &look.areas, raw, false),
        };
        let date_of = |name: &str, old: Option<NaiveDate>| match cell(name) {
            None => old,
            Some(raw) => date(raw).unwrap_or_else(|()| {
                add(name, "plan-update-import-date", &[("value", raw)]);
                None
            }),
        };
        let start_date = date_of("start_date", base.as_ref().and_then(|b| b.start_date));
        let end_date = date_of("end_date", base.as_ref().and_then(|b| b.end_date));
        if let (Some(s), Some(e)) = (start_date, end_date)
            && e < s
        {
            add("end_date", "error-end-before-start", &[]);
        }
        let amount = |name: &str, old: Option<f64>| match cell(name) {
            None => old,
            Some(raw) => match parse_number(raw) {
                Ok(Some(x)) if x >= 0.0 => Some(x),
                Ok(None) => None,
                _ => {
                    add(name, "plan-update-import-amount", &[("value", raw)]);
                    None
                }
            },
        };
        let planned_euros = amount("planned_euros", base.as_ref().and_then(|b| b.planned_euros));
        let planned_days = amount("planned_days", base.as_ref().and_then(|b| b.planned_days));
        let latest = existing.map(|c| c.progress.clone()).unwrap_or_default();
        let euros_used = amount("euros_used", latest.euros_used);
        let days_used = amount("days_used", latest.days_used);
        let status = match cell("status") {
            None | Some("") => latest.status.clone(),
            Some(raw) => match status_code(raw, labels) {
                Some(s) => s.to_owned(),
                None => {
                    add("status", "plan-update-import-status", &[("value", raw)]);
                    latest.status.clone()
                }
            },
        };
        let percent = match cell("percent") {
            None | Some("") => latest.percent,
            Some(raw) => match raw.trim_end_matches('%').trim().parse::<i32>() {
                Ok(p) if (0..=100).contains(&p) => p,
                _ => {
                    add("percent", "plan-update-import-percent", &[("value", raw)]);
                    latest.percent
                }
            },
        };
        let values = Values {
            goal_id,
            title,
            lead_organisation_id,
            organisations,
            municipalities,
            start_date,
            end_date,
            planned_euros,
            planned_days,
        };
        let moved = (
            latest.status.as_str(),
            latest.percent,
            latest.euros_used,
            latest.days_used,
        ) != (status.as_str(), percent, euros_used, days_used);
        let progress = moved.then(|| ProgressValues {
            report_date: Some(today),
            status: status.clone(),
            percent,
            narrative: latest.narrative.clone(),
            euros_used,
            days_used,
            evidence: String::new(),
        });
        changes.push(Change {
            values: (base.as_ref() != Some(&values)).then_some(values),
            existing: existing.map(|c| (c.id, Values::of(c))),
            progress,
        });
        problems.extend(probs.into_inner());
    }
    if problems.is_empty() {
        Ok(changes)
    } else {
        problems.sort_by_key(|p| p.line);
        Err(problems)
    }
}

/// What an import did.
#[derive(Clone, Debug, Default, Serialize, utoipa::ToSchema)]
pub struct ImportResult {
    /// Actions added.
    pub created: usize,
    /// Existing actions whose data changed.
    pub updated: usize,
    /// Progress updates added.
    pub progress: usize,
}

/// Why an import was refused: every problem (nothing was written).
#[derive(Debug)]
pub struct Refused(pub Vec<Problem>);

/// Imports the rows into plan `plan` (not archived: the caller checks), all or nothing.
pub async fn import(
    db: &Db,
    plan: i64,
    records: &Records,
    labels: &HashMap<String, &'static str>,
    today: NaiveDate,
    actor: &Actor,
) -> AppResult<Result<ImportResult, Refused>> {
    let actions = current(db, plan).await?;
    let look = lookup(db, plan).await?;
    let changes = match plan_changes(records, &actions, &look, labels, today) {
        Ok(c) => c,
        Err(p) => return Ok(Err(Refused(p))),
    };
    let mut result = ImportResult::default();
    let now = Utc::now();
    with_db!(db, p => {
        let mut tx = p.begin().await?;
        for ch in &changes {
            let id = match (&ch.existing, &ch.values) {
                (Some((id, before)), Some(v)) => {
                    crate::lock_version!(tx, "plan_actions", *id)?;
                    sqlx::query("UPDATE plan_actions SET goal_id = $1, title = $2, lead_organisation_id = $3, start_date = $4, end_date = $5, \
                                 planned_euros = $6, planned_days = $7, updated_at = $8, version = version + 1 WHERE id = $9")
                        .bind(v.goal_id).bind(&v.title).bind(v.lead_organisation_id).bind(v.start_date).bind(v.end_date)
                        .bind(v.planned_euros).bind(v.planned_days).bind(now).bind(*id)
                        .execute(&mut *tx).await?;
                    crate::replace_links!(tx, "plan_action_organisations", "action_id", "organisation_id", *id, &v.organisations)?;
                    crate::replace_links!(tx, "plan_action_areas", "action_id", "area_id", *id, &v.municipalities)?;
                    crate::audit!(&mut *tx, actor, "update", "plan_action", *id, json(before), json(v))?;
                    result.updated += 1;
                    *id
                }
                (Some((id, _)), None) => {
                    if ch.progress.is_some() {
                        crate::lock_version!(tx, "plan_actions", *id)?;
                    }
                    *id
                }
                (None, v) => {
                    let Some(v) = v else { continue };
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO plan_actions (goal_id, title, lead_organisation_id, start_date, end_date, planned_euros, planned_days, created_at, updated_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id")
                        .bind(v.goal_id).bind(&v.title).bind(v.lead_organisation_id).bind(v.start_date).bind(v.end_date)
                        .bind(v.planned_euros).bind(v.planned_days).bind(now)
                        .fetch_one(&mut *tx).await?;
                    crate::replace_links!(tx, "plan_action_organisations", "action_id", "organisation_id", id, &v.organisations)?;
                    crate::replace_links!(tx, "plan_action_areas", "action_id", "area_id", id, &v.municipalities)?;
                    crate::audit!(&mut *tx, actor, "create", "plan_action", id, None, json(v))?;
                    result.created += 1;
                    id
                }
            };
            if let Some(pv) = &ch.progress {
                insert_progress!(tx, id, pv, actor);
                result.progress += 1;
            }
        }
        tx.commit().await?;
        Ok::<_, crate::error::AppError>(())
    })?;
    Ok(Ok(result))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_a_bom_commas_and_quoted_newlines_keeps_line_numbers() {
        let recs = read_csv(
            b"\xEF\xBB\xBFaction_id,goal,action\n1,Tavoite,\"kaksi\nrivi\"\n,Tavoite,Uusi\n",
        )
        .unwrap();
        assert_eq!(recs[0].1, vec!["action_id", "goal", "action"]);
        assert_eq!(recs[1].1[2], "kaksi\nrivi");
        assert_eq!(recs[2].0, 4, "the third record starts on line 4");
        let recs = read_csv("action_id;goal;action\n;Tavoite;Yksi, kaksi\n".as_bytes()).unwrap();
        assert_eq!(recs[1].1[2], "Yksi, kaksi");
    }

    #[test]
    fn binary_or_non_utf8_input_is_not_csv() {
        assert_eq!(
            read_csv(b"PK\x03\x04\x00\x00").unwrap_err().key,
            "plan-update-import-not-csv"
        );
        assert!(read_csv(b"a;b\n\xff\xfe;x\n").is_err());
        assert!(read_xlsx(b"action_id;goal\n".to_vec()).is_err());
    }

    #[test]
    fn a_name_holding_a_semicolon_is_found_whole() {
        let map: HashMap<String, Vec<i64>> = [
            ("kumppani; oy".to_owned(), vec![1]),
            ("lahti".to_owned(), vec![2]),
            ("kaksi".to_owned(), vec![3, 4]),
        ]
        .into_iter()
        .collect();
        let (ids, bad) = resolve_names(&map, "Kumppani; Oy; Lahti;  ; Tuntematon", false);
        assert_eq!(ids, vec![1, 2]);
        assert_eq!(
            bad,
            vec![("plan-update-import-unknown-name", "Tuntematon".to_owned())]
        );
        let (ids, bad) = resolve_names(&map, "Lahti|kaksi", false);
        assert_eq!(ids, vec![2]);
        assert_eq!(bad[0].0, "plan-update-import-ambiguous");
        let (_, bad) = resolve_names(&map, "Lahti; Kumppani", true);
        assert_eq!(bad[0].1, "Lahti; Kumppani");
    }

    #[test]
    fn excel_serial_dates_are_read_as_dates() {
        assert_eq!(excel_date(45292.0), NaiveDate::from_ymd_opt(2024, 1, 1));
        assert_eq!(excel_date(f64::NAN), None);
        assert_eq!(excel_date(-3.0), None);
    }
}
