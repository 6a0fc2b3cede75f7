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

use std::collections::HashMap;

use chrono::{NaiveDate, Utc};
use serde::Serialize;

use super::model::ProgressValues;
use super::store::{insert_progress, json};
use crate::auth::Actor;
use crate::db::Db;
use crate::error::AppResult;
use crate::with_db;

mod check;
mod read;

pub use check::status_labels;
use check::{lookup, plan_changes};
pub use read::{Problem, Records, read_csv, read_xlsx};

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
        let mut cells = cells(r);
        // The text columns (promise … municipalities) are what users typed.
        for cell in &mut cells[1..=6] {
            *cell = crate::core::csv_cell::guard(std::mem::take(cell));
        }
        w.write_record(cells).map_err(io)?;
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
        let mut tx = crate::db::begin_write(p).await?;
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
    use super::check::resolve_names;
    use super::read::excel_date;
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
