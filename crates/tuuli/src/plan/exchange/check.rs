//! Checking a plan's spreadsheet against the plan before anything is written: names
//! resolved to goals, organisations and municipalities, values parsed, and each row turned
//! into the change it asks for (or every problem found).

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde::Serialize;

use super::read::{Problem, Records, problem};
use super::{COLUMNS, Current};
use crate::core::kinds::PROGRESS_STATUSES;
use crate::db::Db;
use crate::error::AppResult;
use crate::knowledge::import::fields::parse_number;
use crate::plan::model::ProgressValues;
use crate::with_db;

/// What an import is checked against: the plan's goals, and the names of organisations and
/// municipalities.
pub(super) struct Lookup {
    pub(super) goals: Vec<(i64, String, String)>,
    pub(super) orgs: HashMap<String, Vec<i64>>,
    pub(super) areas: HashMap<String, Vec<i64>>,
}

pub(super) async fn lookup(db: &Db, plan: i64) -> AppResult<Lookup> {
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
pub(super) struct Values {
    pub(super) goal_id: i64,
    pub(super) title: String,
    pub(super) lead_organisation_id: Option<i64>,
    pub(super) organisations: Vec<i64>,
    pub(super) municipalities: Vec<i64>,
    pub(super) start_date: Option<NaiveDate>,
    pub(super) end_date: Option<NaiveDate>,
    pub(super) planned_euros: Option<f64>,
    pub(super) planned_days: Option<f64>,
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
pub(super) struct Change {
    /// The action (None: a new one), with its values before.
    pub(super) existing: Option<(i64, Values)>,
    /// New values for the action, when they differ.
    pub(super) values: Option<Values>,
    /// A new progress update, when the status or amounts differ from the latest.
    pub(super) progress: Option<ProgressValues>,
}

/// Status labels people may type instead of the codes (the update screen's, fi/sv/en).
pub(super) fn status_code(
    raw: &str,
    labels: &HashMap<String, &'static str>,
) -> Option<&'static str> {
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

pub(super) fn date(raw: &str) -> Result<Option<NaiveDate>, ()> {
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
pub(super) fn resolve_names(
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
pub(super) fn plan_changes(
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
                Ok(Some(x)) if (0.0..=crate::plan::model::MAX_AMOUNT).contains(&x) => Some(x),
                Ok(None) => None,
                Ok(Some(x)) if x > crate::plan::model::MAX_AMOUNT => {
                    add(name, "plan-error-amount-too-large", &[]);
                    None
                }
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
