//! The annual report's knowledge section ("knowledge", *Goal targets and indicators*): for
//! the plan's goals that have indicator targets (`goal_targets`, issue 9), each target's
//! indicator and area, baseline and target, the latest value with its year and 95 %
//! interval (when it has one), and whether the goal is on track, off track or has no data —
//! judged by `knowledge::stats::goals::judge_goal_targets`, the rule the plan pages use.
//! Like every section it reads the database once in `build` and renders from that data
//! alone, so a published snapshot keeps the judgement it was published with.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use tuuli_pdf::escape;
use tuuli_stats::small::SmallNumbers;

use super::{BoxFut, BuildCtx, Figure, Files, RenderCtx, ReportSection};
use crate::error::{AppError, AppResult};
use crate::knowledge::stats::model::{self, Kind, Status};
use crate::knowledge::stats::{goals, store};
use crate::with_db;

/// One indicator target as the report keeps it.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct TargetLine {
    pub target_id: i64,
    pub indicator_id: i64,
    pub indicator_fi: String,
    pub indicator_sv: String,
    pub indicator_en: String,
    pub area_id: i64,
    pub area_fi: String,
    pub area_sv: String,
    pub area_en: String,
    pub decimals: i32,
    pub baseline_value: f64,
    pub baseline_year: i32,
    pub target_value: f64,
    pub target_year: i32,
    /// None without a value since the baseline year, or when it rests on too few cases
    /// to be shown (`suppressed`).
    pub latest_value: Option<f64>,
    pub latest_year: Option<i32>,
    pub suppressed: bool,
    pub lower95: Option<f64>,
    pub upper95: Option<f64>,
    /// on_track, off_track or no_data.
    pub status: String,
    pub synthetic: bool,
}

/// A goal with its targets.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct GoalLine {
    pub goal_id: i64,
    pub title_fi: String,
    pub title_sv: String,
    pub title_en: String,
    pub targets: Vec<TargetLine>,
}

/// The section's data.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct KnowledgeData {
    /// The report's period.
    pub from_year: i32,
    pub to_year: i32,
    pub goals: Vec<GoalLine>,
    pub on_track: i64,
    pub off_track: i64,
    pub no_data: i64,
}

fn pick<'a>(cx: &RenderCtx<'_>, fi: &'a str, sv: &'a str, en: &'a str) -> &'a str {
    let t = cx.lang.pick(fi, sv, en);
    if t.is_empty() { fi } else { t }
}

/// A target written out in the reader's language (numbers the reader's way).
#[derive(Clone, Debug, Serialize)]
struct Row {
    indicator: String,
    area: String,
    baseline: String,
    target: String,
    latest: String,
    interval: String,
    status: String,
    status_words: String,
    synthetic: bool,
}

fn rows(cx: &RenderCtx<'_>, g: &GoalLine) -> Vec<Row> {
    g.targets
        .iter()
        .map(|t| {
            let d = t.decimals.clamp(0, 6) as usize;
            let latest = match (t.latest_value, t.latest_year) {
                (Some(v), Some(y)) => format!("{} ({y})", cx.num(v, d)),
                (None, Some(y)) if t.suppressed => {
                    format!("{} ({y})", tuuli_stats::small::SUPPRESSED_MARK)
                }
                _ => "–".to_owned(),
            };
            Row {
                indicator: pick(cx, &t.indicator_fi, &t.indicator_sv, &t.indicator_en).to_owned(),
                area: pick(cx, &t.area_fi, &t.area_sv, &t.area_en).to_owned(),
                baseline: format!("{} ({})", cx.num(t.baseline_value, d), t.baseline_year),
                target: format!("{} ({})", cx.num(t.target_value, d), t.target_year),
                latest,
                interval: match (t.lower95, t.upper95) {
                    (Some(l), Some(u)) => format!("{}–{}", cx.num(l, d), cx.num(u, d)),
                    _ => "–".to_owned(),
                },
                status: t.status.clone(),
                status_words: cx.t(&format!("report-knowledge-track-{}", t.status)),
                synthetic: t.synthetic,
            }
        })
        .collect()
}

/// The judgement's symbol in the PDF (Liberation Sans has no check mark or ballot x).
fn pdf_symbol(status: &str) -> &'static str {
    match status {
        "on_track" => "●",
        "off_track" => "■",
        _ => "–",
    }
}

fn to_value<T: Serialize>(v: &T) -> AppResult<serde_json::Value> {
    serde_json::to_value(v).map_err(|e| AppError::Internal(e.into()))
}

fn parse(v: &serde_json::Value) -> KnowledgeData {
    serde_json::from_value(v.clone()).unwrap_or_default()
}

/// Reads the plan's goals' targets, judged, with the latest value's interval.
pub async fn build(cx: &BuildCtx<'_>) -> AppResult<KnowledgeData> {
    type GoalRow = (i64, String, String, String);
    let goal_rows: Vec<GoalRow> = with_db!(cx.db, p => sqlx::query_as::<_, GoalRow>(
        "SELECT g.id, g.title_fi, g.title_sv, g.title_en FROM plan_goals g JOIN plan_promises pr ON pr.id = g.promise_id \
         WHERE pr.plan_id = $1 ORDER BY pr.position, pr.id, g.position, g.id")
        .bind(cx.plan.id).fetch_all(p).await)?;
    let ids: Vec<i64> = goal_rows.iter().map(|g| g.0).collect();
    let mut judged = goals::judge_goal_targets(cx.db, &ids).await?;
    let all: Vec<&goals::Judged> = judged.values().flatten().collect();
    let mut ind_ids: Vec<i64> = all.iter().map(|j| j.indicator_id).collect();
    ind_ids.sort_unstable();
    ind_ids.dedup();
    let mut area_ids: Vec<i64> = all.iter().map(|j| j.area_id).collect();
    area_ids.sort_unstable();
    area_ids.dedup();
    let meta: HashMap<i64, store::IndicatorMeta> = store::indicators_by_id(cx.db, &ind_ids)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    let mut areas = HashMap::new();
    for a in &area_ids {
        areas.insert(*a, store::area(cx.db, *a).await?);
    }
    let values: HashMap<(i64, i64, i32), model::Raw> =
        store::values(cx.db, &area_ids, &ind_ids, Some(0))
            .await?
            .into_iter()
            .map(|v| ((v.area_id, v.indicator_id, v.raw.year), v.raw))
            .collect();
    let mut d = KnowledgeData {
        from_year: cx.from_year,
        to_year: cx.to_year,
        ..KnowledgeData::default()
    };
    for (id, title_fi, title_sv, title_en) in goal_rows {
        let Some(mut list) = judged.remove(&id) else {
            continue;
        };
        list.sort_by_key(|j| j.target_id);
        let targets: Vec<TargetLine> = list
            .into_iter()
            .map(|j| {
                let m = meta.get(&j.indicator_id);
                let a = areas.get(&j.area_id);
                let stat = j.latest_year.and_then(|y| {
                    let raw = values.get(&(j.area_id, j.indicator_id, y))?;
                    let kind = Kind::of(m.map(|m| m.value_type.as_str()).unwrap_or("other"));
                    Some(model::annotate(kind, raw, SmallNumbers::default()))
                });
                let suppressed = stat
                    .as_ref()
                    .is_some_and(|s| s.status == Status::Suppressed);
                match j.status {
                    "on_track" => d.on_track += 1,
                    "off_track" => d.off_track += 1,
                    _ => d.no_data += 1,
                }
                TargetLine {
                    target_id: j.target_id,
                    indicator_id: j.indicator_id,
                    indicator_fi: m.map(|m| m.title_fi.clone()).unwrap_or_default(),
                    indicator_sv: m.map(|m| m.title_sv.clone()).unwrap_or_default(),
                    indicator_en: m.map(|m| m.title_en.clone()).unwrap_or_default(),
                    area_id: j.area_id,
                    area_fi: a.map(|a| a.name_fi.clone()).unwrap_or_default(),
                    area_sv: a.map(|a| a.name_sv.clone()).unwrap_or_default(),
                    area_en: a.map(|a| a.name_en.clone()).unwrap_or_default(),
                    decimals: m.map(|m| m.decimals).unwrap_or(1),
                    baseline_value: j.baseline_value,
                    baseline_year: j.baseline_year,
                    target_value: j.target_value,
                    target_year: j.target_year,
                    latest_value: if suppressed { None } else { j.latest_value },
                    latest_year: j.latest_year,
                    suppressed,
                    lower95: stat.as_ref().and_then(|s| s.lower95),
                    upper95: stat.as_ref().and_then(|s| s.upper95),
                    status: j.status.to_owned(),
                    synthetic: j.synthetic,
                }
            })
            .collect();
        d.goals.push(GoalLine {
            goal_id: id,
            title_fi,
            title_sv,
            title_en,
            targets,
        });
    }
    Ok(d)
}

/// Goal targets and indicators.
pub struct Knowledge;

impl ReportSection for Knowledge {
    fn key(&self) -> &'static str {
        "knowledge"
    }

    fn build<'a>(&'a self, cx: &'a BuildCtx<'a>) -> BoxFut<'a, AppResult<serde_json::Value>> {
        Box::pin(async move { to_value(&build(cx).await?) })
    }

    /// A value of a target's indicator from the period itself (judgements rest on the latest
    /// value, which may lie outside it).
    fn has_data(&self, data: &serde_json::Value) -> bool {
        let d = parse(data);
        d.goals.iter().flat_map(|g| &g.targets).any(|t| {
            t.latest_year
                .is_some_and(|y| (d.from_year..=d.to_year).contains(&y))
        })
    }

    fn render_html(&self, data: &serde_json::Value, cx: &RenderCtx<'_>) -> AppResult<String> {
        let d = parse(data);
        let goals: Vec<_> = d
            .goals
            .iter()
            .map(|g| {
                let title = pick(cx, &g.title_fi, &g.title_sv, &g.title_en).to_owned();
                minijinja::context! {
                    id => g.goal_id,
                    caption => cx.t_args("report-knowledge-caption", &[("goal", title.clone())]),
                    title,
                    rows => rows(cx, g),
                }
            })
            .collect();
        cx.render("plan_report/knowledge.html", minijinja::context! { goals })
    }

    fn to_typst(&self, data: &serde_json::Value, cx: &RenderCtx<'_>, _files: &mut Files) -> String {
        let d = parse(data);
        let mut s = format!("= {}\n\n", escape(&cx.t("report-knowledge")));
        if d.goals.is_empty() {
            s.push_str(&format!("{}\n\n", escape(&cx.t("report-knowledge-none"))));
            return s;
        }
        s.push_str(&format!("{}\n\n", escape(&cx.t("report-knowledge-intro"))));
        let head = [
            "report-knowledge-indicator",
            "report-knowledge-baseline",
            "report-knowledge-target",
            "report-knowledge-latest",
            "report-knowledge-interval",
            "report-knowledge-judgement",
        ]
        .map(|k| format!("[*{}*]", escape(&cx.t(k))))
        .join(", ");
        for g in &d.goals {
            let title = pick(cx, &g.title_fi, &g.title_sv, &g.title_en);
            s.push_str(&format!("== {}\n\n", escape(title)));
            s.push_str(&format!(
                "#[#set text(size: 8.5pt)\n#figure(kind: table, caption: [{}], table(columns: (2fr, 1fr, 1fr, 1fr, 1fr, 1.2fr), align: left, table.header({head}),\n",
                escape(&cx.t_args("report-knowledge-caption", &[("goal", title.to_owned())]))
            ));
            for r in rows(cx, g) {
                let latest = if r.synthetic {
                    format!("{} ({})", r.latest, cx.t("report-knowledge-synthetic"))
                } else {
                    r.latest
                };
                s.push_str(&format!(
                    "  [{}], [{}], [{}], [{}], [{}], [{}],\n",
                    escape(&format!("{} — {}", r.indicator, r.area)),
                    escape(&r.baseline),
                    escape(&r.target),
                    escape(&latest),
                    escape(&r.interval),
                    escape(&format!("{} {}", pdf_symbol(&r.status), r.status_words)),
                ));
            }
            s.push_str("))]\n\n");
        }
        s
    }

    fn figures(&self, data: &serde_json::Value, cx: &RenderCtx<'_>) -> Vec<Figure> {
        let d = parse(data);
        let mut out = vec![
            Figure {
                label: cx.t("report-knowledge-figure-on"),
                value: d.on_track as f64,
            },
            Figure {
                label: cx.t("report-knowledge-figure-off"),
                value: d.off_track as f64,
            },
        ];
        for g in &d.goals {
            for t in &g.targets {
                if let Some(v) = t.latest_value {
                    out.push(Figure {
                        label: cx.t_args(
                            "report-knowledge-figure-latest",
                            &[
                                (
                                    "indicator",
                                    pick(cx, &t.indicator_fi, &t.indicator_sv, &t.indicator_en)
                                        .to_owned(),
                                ),
                                (
                                    "area",
                                    pick(cx, &t.area_fi, &t.area_sv, &t.area_en).to_owned(),
                                ),
                            ],
                        ),
                        value: v,
                    });
                }
            }
        }
        out
    }
}
