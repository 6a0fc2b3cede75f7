//! The annual report's own sections: the summary, the service promises, and the network's
//! activity. Each reads its data once (`build`) and renders from that data alone.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use tuuli_pdf::escape;

use super::store::{self, GroupActivity};
use super::{BoxFut, BuildCtx, Figure, Files, RenderCtx, ReportSection};
use crate::error::{AppError, AppResult};
use crate::i18n::Lang;

/// Counts of actions by their status at the period's end.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Counts {
    pub done: i64,
    pub on_track: i64,
    pub delayed: i64,
    pub not_started: i64,
    pub cancelled: i64,
    pub total: i64,
}

impl Counts {
    fn add(&mut self, status: &str) {
        match status {
            "done" => self.done += 1,
            "on_track" => self.on_track += 1,
            "delayed" => self.delayed += 1,
            "cancelled" => self.cancelled += 1,
            _ => self.not_started += 1,
        }
        self.total += 1;
    }
    fn progress(&self) -> tuuli_charts::Progress {
        let c = |v: i64| u32::try_from(v).unwrap_or(u32::MAX);
        tuuli_charts::Progress {
            done: c(self.done),
            on_track: c(self.on_track),
            delayed: c(self.delayed),
            not_started: c(self.not_started),
        }
    }
}

/// Planned and used money and working days.
#[derive(Clone, Copy, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Resources {
    pub planned_euros: f64,
    pub used_euros: f64,
    pub planned_days: f64,
    pub used_days: f64,
}

impl Resources {
    fn merge(&mut self, o: &Resources) {
        self.planned_euros += o.planned_euros;
        self.used_euros += o.used_euros;
        self.planned_days += o.planned_days;
        self.used_days += o.used_days;
    }
}

/// An action as the report shows it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ActionLine {
    pub id: i64,
    pub title: String,
    pub lead: Option<String>,
    pub status: String,
    pub percent: i32,
    pub last_report: Option<chrono::NaiveDate>,
    /// The latest narrative written in the period.
    pub narrative: String,
    pub resources: Resources,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct GoalBlock {
    pub id: i64,
    pub title_fi: String,
    pub title_sv: String,
    pub title_en: String,
    pub counts: Counts,
    /// (status, actions) for done, on track, delayed, not started — in that order.
    pub groups: Vec<(String, Vec<ActionLine>)>,
    pub cancelled: Vec<ActionLine>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PromiseBlock {
    pub id: i64,
    pub title_fi: String,
    pub title_sv: String,
    pub title_en: String,
    /// The coordinators' commentary (Markdown).
    pub commentary: String,
    pub counts: Counts,
    pub resources: Resources,
    pub goals: Vec<GoalBlock>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct PromisesData {
    pub promises: Vec<PromiseBlock>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct SummaryData {
    pub counts: Counts,
    pub resources: Resources,
    /// Progress updates written in the period.
    pub updates: i64,
}

const GROUPS: [&str; 4] = ["done", "on_track", "delayed", "not_started"];

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// Reads the plan once and makes both the summary and the promises' data from it.
async fn plan_parts(cx: &BuildCtx<'_>) -> AppResult<(SummaryData, PromisesData)> {
    let (promises, goals, actions, progress) =
        store::plan_data(cx.db, cx.plan.id, cx.from_year, cx.to_year).await?;
    let (first, _) = store::period_days(cx.from_year, cx.to_year);
    let mut updates = 0;
    let mut by_action: BTreeMap<i64, Vec<&store::ProgressRow>> = BTreeMap::new();
    for u in &progress {
        by_action.entry(u.action_id).or_default().push(u);
    }
    let mut lines: BTreeMap<i64, Vec<ActionLine>> = BTreeMap::new();
    for a in &actions {
        let ups = by_action.get(&a.id).map(Vec::as_slice).unwrap_or(&[]);
        let latest = ups.last();
        let in_period: Vec<_> = ups.iter().filter(|u| u.report_date >= first).collect();
        updates += in_period.len() as i64;
        let line = ActionLine {
            id: a.id,
            title: a.title.clone(),
            lead: a.lead_name.clone(),
            status: latest.map_or("not_started".into(), |u| u.status.clone()),
            percent: latest.map_or(0, |u| u.percent),
            last_report: latest.map(|u| u.report_date),
            narrative: in_period
                .iter()
                .rev()
                .find(|u| !u.narrative.trim().is_empty())
                .map(|u| u.narrative.clone())
                .unwrap_or_default(),
            resources: Resources {
                planned_euros: a.planned_euros.unwrap_or(0.0),
                used_euros: round2(in_period.iter().filter_map(|u| u.euros_used).sum()),
                planned_days: a.planned_days.unwrap_or(0.0),
                used_days: round2(in_period.iter().filter_map(|u| u.days_used).sum()),
            },
        };
        lines.entry(a.goal_id).or_default().push(line);
    }
    let mut summary = SummaryData {
        updates,
        ..Default::default()
    };
    let mut blocks = Vec::new();
    for p in promises {
        let mut block = PromiseBlock {
            id: p.id,
            title_fi: p.title_fi,
            title_sv: p.title_sv,
            title_en: p.title_en,
            commentary: cx
                .narratives
                .get(&format!("promise-{}", p.id))
                .cloned()
                .unwrap_or_default(),
            counts: Counts::default(),
            resources: Resources::default(),
            goals: vec![],
        };
        for g in goals.iter().filter(|g| g.promise_id == p.id) {
            let acts = lines.remove(&g.id).unwrap_or_default();
            let mut counts = Counts::default();
            for a in &acts {
                counts.add(&a.status);
                block.resources.merge(&a.resources);
            }
            let groups = GROUPS
                .iter()
                .map(|s| {
                    let list = acts.iter().filter(|a| {
                        a.status == *s
                            || (*s == "not_started"
                                && !GROUPS.contains(&a.status.as_str())
                                && a.status != "cancelled")
                    });
                    ((*s).to_owned(), list.cloned().collect())
                })
                .collect();
            let cancelled = acts
                .iter()
                .filter(|a| a.status == "cancelled")
                .cloned()
                .collect();
            block.counts = merge_counts(block.counts, counts);
            block.goals.push(GoalBlock {
                id: g.id,
                title_fi: g.title_fi.clone(),
                title_sv: g.title_sv.clone(),
                title_en: g.title_en.clone(),
                counts,
                groups,
                cancelled,
            });
        }
        summary.counts = merge_counts(summary.counts, block.counts);
        summary.resources.merge(&block.resources);
        blocks.push(block);
    }
    summary.resources.used_euros = round2(summary.resources.used_euros);
    summary.resources.used_days = round2(summary.resources.used_days);
    Ok((summary, PromisesData { promises: blocks }))
}

fn merge_counts(mut a: Counts, b: Counts) -> Counts {
    a.done += b.done;
    a.on_track += b.on_track;
    a.delayed += b.delayed;
    a.not_started += b.not_started;
    a.cancelled += b.cancelled;
    a.total += b.total;
    a
}

fn parse<T: for<'de> Deserialize<'de> + Default>(v: &serde_json::Value) -> T {
    serde_json::from_value(v.clone()).unwrap_or_default()
}

fn to_value<T: Serialize>(v: &T) -> AppResult<serde_json::Value> {
    serde_json::to_value(v).map_err(|e| AppError::Internal(e.into()))
}

fn labels(cx: &RenderCtx<'_>) -> [String; 4] {
    GROUPS.map(|s| cx.t(&format!("report-status-{s}")))
}

/// The progress chart (SVG) and its table rows, in the reader's language.
fn chart(
    cx: &RenderCtx<'_>,
    id: &str,
    title: &str,
    counts: &Counts,
) -> (String, Vec<(String, i64)>) {
    let l = labels(cx);
    let pl = tuuli_charts::ProgressLabels {
        done: &l[0],
        on_track: &l[1],
        delayed: &l[2],
        not_started: &l[3],
    };
    let desc = cx.t_args(
        "report-chart-desc",
        &[
            ("done", counts.done.to_string()),
            ("on_track", counts.on_track.to_string()),
            ("delayed", counts.delayed.to_string()),
            ("not_started", counts.not_started.to_string()),
        ],
    );
    let empty = cx.t("report-no-actions");
    let svg = counts.progress().svg(
        &tuuli_charts::ChartText {
            id,
            title,
            desc: &desc,
            empty: &empty,
        },
        &pl,
        tuuli_charts::NumberFormat::for_locale(cx.lang.code(), 0),
    );
    let rows = vec![
        (l[0].clone(), counts.done),
        (l[1].clone(), counts.on_track),
        (l[2].clone(), counts.delayed),
        (l[3].clone(), counts.not_started),
    ];
    (svg, rows)
}

fn lang_title<'a>(lang: Lang, fi: &'a str, sv: &'a str, en: &'a str) -> &'a str {
    lang.pick(fi, sv, en)
}

/// A Typst table of (label, value) rows with a header row.
fn typst_table(caption: &str, head: [&str; 2], rows: &[(String, String)]) -> String {
    let mut s = format!(
        "#figure(kind: table, caption: [{}], table(columns: (1fr, auto), align: (left, right), table.header([*{}*], [*{}*]),\n",
        escape(caption),
        escape(head[0]),
        escape(head[1])
    );
    for (k, v) in rows {
        s.push_str(&format!("  [{}], [{}],\n", escape(k), escape(v)));
    }
    s.push_str("))\n\n");
    s
}

/// Markdown narrative as plain paragraphs for the PDF (formatting marks kept as text).
fn typst_paragraphs(md: &str) -> String {
    md.split("\n\n")
        .map(|p| escape(p.trim()))
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
        + "\n\n"
}

fn money(cx: &RenderCtx<'_>, v: f64) -> String {
    format!("{} €", cx.num(v, 0))
}

// ---- Summary ----

/// Counts of actions by status at the period's end, and resources planned and used.
pub struct Summary;

impl ReportSection for Summary {
    fn key(&self) -> &'static str {
        "summary"
    }

    fn build<'a>(&'a self, cx: &'a BuildCtx<'a>) -> BoxFut<'a, AppResult<serde_json::Value>> {
        Box::pin(async move { to_value(&plan_parts(cx).await?.0) })
    }

    fn has_data(&self, data: &serde_json::Value) -> bool {
        let d: SummaryData = parse(data);
        d.counts.total > 0 || d.updates > 0
    }

    fn render_html(&self, data: &serde_json::Value, cx: &RenderCtx<'_>) -> AppResult<String> {
        let d: SummaryData = parse(data);
        let (svg, rows) = chart(cx, "summary-chart", &cx.t("report-chart-title"), &d.counts);
        cx.render(
            "plan_report/summary.html",
            minijinja::context! {
                d => &d,
                chart => minijinja::Value::from_safe_string(svg),
                rows => rows,
                money => [money(cx, d.resources.planned_euros), money(cx, d.resources.used_euros)],
                days => [cx.num(d.resources.planned_days, 1), cx.num(d.resources.used_days, 1)],
            },
        )
    }

    fn to_typst(&self, data: &serde_json::Value, cx: &RenderCtx<'_>, files: &mut Files) -> String {
        let d: SummaryData = parse(data);
        let title = cx.t("report-chart-title");
        let (svg, rows) = chart(cx, "summary-chart", &title, &d.counts);
        let mut s = format!("= {}\n\n", escape(&cx.t("report-summary")));
        if d.counts.total == 0 {
            s.push_str(&format!("{}\n\n", escape(&cx.t("report-no-actions"))));
            return s;
        }
        let name = files.add("summary", "svg", svg.into_bytes());
        s.push_str(&format!(
            "#figure(image({}, width: 100%, alt: {}), caption: [{}])\n\n",
            tuuli_pdf::string(&name),
            tuuli_pdf::string(&title),
            escape(&title)
        ));
        let mut table: Vec<(String, String)> =
            rows.into_iter().map(|(k, v)| (k, v.to_string())).collect();
        table.push((
            cx.t("report-status-cancelled"),
            d.counts.cancelled.to_string(),
        ));
        table.push((cx.t("report-total"), d.counts.total.to_string()));
        s.push_str(&typst_table(
            &cx.t("report-counts-caption"),
            [&cx.t("report-status"), &cx.t("report-actions")],
            &table,
        ));
        let res = vec![
            (
                cx.t("report-planned-euros"),
                money(cx, d.resources.planned_euros),
            ),
            (cx.t("report-used-euros"), money(cx, d.resources.used_euros)),
            (
                cx.t("report-planned-days"),
                cx.num(d.resources.planned_days, 1),
            ),
            (cx.t("report-used-days"), cx.num(d.resources.used_days, 1)),
        ];
        s.push_str(&typst_table(
            &cx.t("report-resources-caption"),
            [&cx.t("report-resource"), &cx.t("report-amount")],
            &res,
        ));
        s
    }

    fn figures(&self, data: &serde_json::Value, cx: &RenderCtx<'_>) -> Vec<Figure> {
        let d: SummaryData = parse(data);
        let c = d.counts;
        let mut out: Vec<Figure> = [
            ("done", c.done),
            ("on_track", c.on_track),
            ("delayed", c.delayed),
            ("not_started", c.not_started),
            ("cancelled", c.cancelled),
        ]
        .into_iter()
        .map(|(s, v)| Figure {
            label: format!(
                "{}: {}",
                cx.t("report-summary"),
                cx.t(&format!("report-status-{s}"))
            ),
            value: v as f64,
        })
        .collect();
        for (k, v) in [
            ("report-planned-euros", d.resources.planned_euros),
            ("report-used-euros", d.resources.used_euros),
            ("report-planned-days", d.resources.planned_days),
            ("report-used-days", d.resources.used_days),
            ("report-updates", d.updates as f64),
        ] {
            out.push(Figure {
                label: cx.t(k),
                value: v,
            });
        }
        out
    }
}

// ---- Service promises ----

/// Per service promise: its goals and their actions grouped by status, cancelled apart,
/// the latest narratives, resources, and the coordinators' commentary.
pub struct Promises;

impl ReportSection for Promises {
    fn key(&self) -> &'static str {
        "promises"
    }

    fn build<'a>(&'a self, cx: &'a BuildCtx<'a>) -> BoxFut<'a, AppResult<serde_json::Value>> {
        Box::pin(async move { to_value(&plan_parts(cx).await?.1) })
    }

    fn render_html(&self, data: &serde_json::Value, cx: &RenderCtx<'_>) -> AppResult<String> {
        let d: PromisesData = parse(data);
        let charts: Vec<_> = d
            .promises
            .iter()
            .map(|p| {
                let title = cx.t_args(
                    "report-promise-chart-title",
                    &[("promise", lang_title(cx.lang, &p.title_fi, &p.title_sv, &p.title_en).to_owned())],
                );
                let (svg, rows) = chart(cx, &format!("promise-{}-chart", p.id), &title, &p.counts);
                minijinja::context! {
                    svg => minijinja::Value::from_safe_string(svg),
                    title => title,
                    rows => rows,
                    money => [money(cx, p.resources.planned_euros), money(cx, p.resources.used_euros)],
                }
            })
            .collect();
        cx.render(
            "plan_report/promises.html",
            minijinja::context! { promises => &d.promises, charts => charts },
        )
    }

    fn to_typst(&self, data: &serde_json::Value, cx: &RenderCtx<'_>, files: &mut Files) -> String {
        let d: PromisesData = parse(data);
        let mut s = format!("= {}\n\n", escape(&cx.t("report-promises")));
        for p in &d.promises {
            let name = lang_title(cx.lang, &p.title_fi, &p.title_sv, &p.title_en);
            s.push_str(&format!("== {}\n\n", escape(name)));
            if !p.commentary.trim().is_empty() {
                s.push_str(&typst_paragraphs(&p.commentary));
            }
            let title = cx.t_args(
                "report-promise-chart-title",
                &[("promise", name.to_owned())],
            );
            if p.counts.total > 0 {
                let (svg, _) = chart(cx, &format!("promise-{}-chart", p.id), &title, &p.counts);
                let file = files.add("promise", "svg", svg.into_bytes());
                s.push_str(&format!(
                    "#figure(image({}, width: 100%, alt: {}), caption: [{}])\n\n",
                    tuuli_pdf::string(&file),
                    tuuli_pdf::string(&title),
                    escape(&title)
                ));
            }
            s.push_str(&format!(
                "{}: {} / {}\n\n",
                escape(&cx.t("report-euros-planned-used")),
                escape(&money(cx, p.resources.planned_euros)),
                escape(&money(cx, p.resources.used_euros))
            ));
            for g in &p.goals {
                s.push_str(&format!(
                    "=== {}\n\n",
                    escape(lang_title(cx.lang, &g.title_fi, &g.title_sv, &g.title_en))
                ));
                if g.counts.total == 0 {
                    s.push_str(&format!("{}\n\n", escape(&cx.t("report-no-actions"))));
                }
                let all = g
                    .groups
                    .iter()
                    .map(|(k, v)| (k.as_str(), v))
                    .chain(std::iter::once(("cancelled", &g.cancelled)));
                for (status, list) in all {
                    if list.is_empty() {
                        continue;
                    }
                    s.push_str(&format!(
                        "*{}*\n\n",
                        escape(&cx.t(&format!("report-status-{status}")))
                    ));
                    for a in list {
                        s.push_str(&format!("- {} ({} %)", escape(&a.title), a.percent));
                        if !a.narrative.trim().is_empty() {
                            s.push_str(&format!(" — _{}_", escape(a.narrative.trim())));
                        }
                        s.push('\n');
                    }
                    s.push('\n');
                }
            }
        }
        s
    }

    fn figures(&self, data: &serde_json::Value, cx: &RenderCtx<'_>) -> Vec<Figure> {
        let d: PromisesData = parse(data);
        let mut out = Vec::new();
        for p in &d.promises {
            let name = lang_title(cx.lang, &p.title_fi, &p.title_sv, &p.title_en);
            for (s, v) in [
                ("done", p.counts.done),
                ("on_track", p.counts.on_track),
                ("delayed", p.counts.delayed),
                ("not_started", p.counts.not_started),
                ("cancelled", p.counts.cancelled),
            ] {
                out.push(Figure {
                    label: format!("{name}: {}", cx.t(&format!("report-status-{s}"))),
                    value: v as f64,
                });
            }
            out.push(Figure {
                label: format!("{name}: {}", cx.t("report-used-euros")),
                value: p.resources.used_euros,
            });
        }
        out
    }
}

// ---- The network's activity ----

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct NetworkData {
    pub groups: Vec<GroupActivity>,
    pub meetings: i64,
    pub decisions: i64,
    pub to_actions: i64,
}

/// Meetings held per group in the period, the decisions made, and how many became actions.
pub struct Network;

impl ReportSection for Network {
    fn key(&self) -> &'static str {
        "network"
    }

    fn build<'a>(&'a self, cx: &'a BuildCtx<'a>) -> BoxFut<'a, AppResult<serde_json::Value>> {
        Box::pin(async move {
            let groups = store::network_activity(cx.db, cx.from_year, cx.to_year).await?;
            let d = NetworkData {
                meetings: groups.iter().map(|g| g.meetings).sum(),
                decisions: groups.iter().map(|g| g.decisions).sum(),
                to_actions: groups.iter().map(|g| g.to_actions).sum(),
                groups,
            };
            to_value(&d)
        })
    }

    fn has_data(&self, data: &serde_json::Value) -> bool {
        parse::<NetworkData>(data).meetings > 0
    }

    fn render_html(&self, data: &serde_json::Value, cx: &RenderCtx<'_>) -> AppResult<String> {
        let d: NetworkData = parse(data);
        cx.render("plan_report/network.html", minijinja::context! { d => &d })
    }

    fn to_typst(&self, data: &serde_json::Value, cx: &RenderCtx<'_>, _files: &mut Files) -> String {
        let d: NetworkData = parse(data);
        let mut s = format!("= {}\n\n", escape(&cx.t("report-network")));
        if d.groups.is_empty() {
            s.push_str(&format!("{}\n\n", escape(&cx.t("report-no-meetings"))));
            return s;
        }
        s.push_str(&format!(
            "#figure(kind: table, caption: [{}], table(columns: (1fr, auto, auto, auto), align: (left, right, right, right), table.header([*{}*], [*{}*], [*{}*], [*{}*]),\n",
            escape(&cx.t("report-network-caption")),
            escape(&cx.t("report-group")),
            escape(&cx.t("report-meetings")),
            escape(&cx.t("report-decisions")),
            escape(&cx.t("report-to-actions"))
        ));
        for g in &d.groups {
            s.push_str(&format!(
                "  [{}], [{}], [{}], [{}],\n",
                escape(lang_title(cx.lang, &g.name_fi, &g.name_sv, &g.name_en)),
                g.meetings,
                g.decisions,
                g.to_actions
            ));
        }
        s.push_str(&format!(
            "  [*{}*], [*{}*], [*{}*], [*{}*],\n))\n\n",
            escape(&cx.t("report-total")),
            d.meetings,
            d.decisions,
            d.to_actions
        ));
        s
    }

    fn figures(&self, data: &serde_json::Value, cx: &RenderCtx<'_>) -> Vec<Figure> {
        let d: NetworkData = parse(data);
        vec![
            Figure {
                label: cx.t("report-meetings"),
                value: d.meetings as f64,
            },
            Figure {
                label: cx.t("report-decisions"),
                value: d.decisions as f64,
            },
            Figure {
                label: cx.t("report-to-actions"),
                value: d.to_actions as f64,
            },
        ]
    }
}
