//! `tuuli report annual --plan ID --from YEAR --to YEAR --format pdf|html --out FILE`: a
//! plan's annual report for a period, as a PDF or a standalone HTML file, made from the
//! current data (with the narratives of the plan's saved report for that period, if any).

use std::path::PathBuf;

use anyhow::Context;
use clap::Subcommand;

use super::DbArgs;
use crate::config::Config;
use crate::db::Db;
use crate::i18n::Lang;
use crate::plan::report::{self, RenderCtx};
use crate::web::AppState;

#[derive(Debug, Subcommand)]
pub(super) enum ReportCommand {
    /// Write a plan's annual report for a period.
    Annual {
        /// The plan's id (see /api/v1/plans).
        #[arg(long, value_name = "ID")]
        plan: i64,
        /// First year of the period.
        #[arg(long, value_name = "YEAR")]
        from: i32,
        /// Last year of the period (default: the first).
        #[arg(long, value_name = "YEAR")]
        to: Option<i32>,
        /// pdf or html.
        #[arg(long, default_value = "pdf")]
        format: String,
        /// fi, sv or en.
        #[arg(long, default_value = "fi")]
        lang: String,
        /// The file to write.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        #[command(flatten)]
        db: DbArgs,
    },
    /// Benchmark (docs/benchmarks.md): seeds a plan of 5 promises × 10 goals × 10 actions
    /// with 20 updates each (once), then times the report's HTML and PDF.
    #[command(hide = true)]
    Bench {
        /// How many times to render each.
        #[arg(long, default_value_t = 5)]
        runs: usize,
        #[command(flatten)]
        db: DbArgs,
    },
}

impl ReportCommand {
    pub(super) fn db(&self) -> &DbArgs {
        match self {
            ReportCommand::Annual { db, .. } | ReportCommand::Bench { db, .. } => db,
        }
    }
}

pub(super) async fn run(cmd: ReportCommand, cfg: Config, db: Db) -> anyhow::Result<()> {
    if let ReportCommand::Bench { runs, .. } = cmd {
        return bench(runs, cfg, db).await;
    }
    let ReportCommand::Annual {
        plan,
        from,
        to,
        format,
        lang,
        out,
        db: _,
    } = cmd
    else {
        return Ok(());
    };
    let to = to.unwrap_or(from);
    if to < from {
        anyhow::bail!("--to {to} is before --from {from}: give the period's first year first");
    }
    let lang = Lang::parse(&lang).context("unknown --lang: use fi, sv or en")?;
    let state = AppState::new(db.clone(), cfg)?;
    let plan = crate::plan::store::get_plan(&db, plan, true)
        .await
        .map_err(|_| anyhow::anyhow!("there is no plan {plan}: see the ids on /api/v1/plans"))?;
    let narratives = report::store::list(&db, plan.id)
        .await
        .map_err(|e| anyhow::anyhow!("{}", e.key()))?
        .into_iter()
        .find(|r| r.from_year == from && r.to_year == to)
        .map(|r| r.narratives)
        .unwrap_or_default();
    let data = report::build(&db, &plan, from, to, &narratives)
        .await
        .map_err(|e| anyhow::anyhow!("could not read the report's data: {}", e.key()))?;
    let cx = RenderCtx {
        lang,
        state: &state,
    };
    let bytes = match format.as_str() {
        "pdf" => report::pdf::render(&data, &cx, &cx.t("report-draft-note"))
            .await
            .map_err(|e| anyhow::anyhow!("could not make the PDF: {}", e.key()))?,
        "html" => {
            let body = report::render_html(&data, &cx)
                .map_err(|e| anyhow::anyhow!("could not make the HTML: {}", e.key()))?;
            format!(
                "<!doctype html>\n<html lang=\"{}\">\n<head><meta charset=\"utf-8\"><title>{}</title></head>\n<body>\n{body}\n</body>\n</html>\n",
                lang.code(),
                crate::plan::report::html_escape(data.title(lang)),
            )
            .into_bytes()
        }
        other => anyhow::bail!("unknown --format {other}: use pdf or html"),
    };
    std::fs::write(&out, &bytes).with_context(|| format!("could not write {}", out.display()))?;
    println!("wrote {} ({} bytes)", out.display(), bytes.len());
    Ok(())
}

const BENCH_TITLE: &str = "Benchmark plan 5 × 10 × 10";

/// Seeds the benchmark plan (in one transaction, once) and returns its id.
async fn bench_plan(db: &Db) -> anyhow::Result<i64> {
    use chrono::{NaiveDate, Utc};
    let now = Utc::now();
    let id = crate::with_db!(db, p => {
        let mut tx = crate::db::begin_write(p).await?;
        if let Some(id) = sqlx::query_scalar::<_, i64>("SELECT id FROM plans WHERE title_fi = $1").bind(BENCH_TITLE).fetch_optional(&mut *tx).await? {
            return Ok(id);
        }
        let plan: i64 = sqlx::query_scalar("INSERT INTO plans (title_fi, start_year, end_year, status, published, created_at, updated_at) VALUES ($1, 2021, 2025, 'approved', TRUE, $2, $2) RETURNING id")
            .bind(BENCH_TITLE).bind(now).fetch_one(&mut *tx).await?;
        let statuses = ["on_track", "delayed", "done", "not_started", "cancelled"];
        for pi in 0..5 {
            let promise: i64 = sqlx::query_scalar("INSERT INTO plan_promises (plan_id, position, title_fi) VALUES ($1, $2, $3) RETURNING id")
                .bind(plan).bind(pi).bind(format!("Palvelulupaus {pi} – äöå")).fetch_one(&mut *tx).await?;
            for gi in 0..10 {
                let goal: i64 = sqlx::query_scalar("INSERT INTO plan_goals (promise_id, position, title_fi) VALUES ($1, $2, $3) RETURNING id")
                    .bind(promise).bind(gi).bind(format!("Tavoite {pi}.{gi}")).fetch_one(&mut *tx).await?;
                for ai in 0..10 {
                    let action: i64 = sqlx::query_scalar("INSERT INTO plan_actions (goal_id, title, start_date, end_date, planned_euros, created_at, updated_at) VALUES ($1, $2, $3, $4, 1000.0, $5, $5) RETURNING id")
                        .bind(goal).bind(format!("Toimenpide {pi}.{gi}.{ai}"))
                        .bind(NaiveDate::from_ymd_opt(2021, 1, 1)).bind(NaiveDate::from_ymd_opt(2025, 12, 31)).bind(now)
                        .fetch_one(&mut *tx).await?;
                    for u in 0..20u32 {
                        let day = NaiveDate::from_ymd_opt(2021 + (u / 4) as i32, 3 * (u % 4) + 1, 15);
                        let status = statuses[(ai + u as usize) % 4];
                        sqlx::query("INSERT INTO plan_progress (action_id, report_date, status, percent, narrative, euros_used, created_at) VALUES ($1, $2, $3, $4, $5, 10.0, $6)")
                            .bind(action).bind(day).bind(status).bind((u * 5) as i32).bind(format!("Tilanne {u}: työ etenee."))
                            .bind(now).execute(&mut *tx).await?;
                    }
                }
            }
        }
        tx.commit().await?;
        Ok::<_, anyhow::Error>(plan)
    })?;
    Ok(id)
}

async fn bench(runs: usize, cfg: Config, db: Db) -> anyhow::Result<()> {
    let plan = bench_plan(&db).await?;
    let state = AppState::new(db.clone(), cfg)?;
    let plan = crate::plan::store::get_plan(&db, plan, true)
        .await
        .map_err(|e| anyhow::anyhow!("{}", e.key()))?;
    let cx = RenderCtx {
        lang: Lang::Fi,
        state: &state,
    };
    let narratives = Default::default();
    let (mut html_ms, mut pdf_ms) = (Vec::new(), Vec::new());
    for _ in 0..runs.max(1) {
        let t = std::time::Instant::now();
        let data = report::build(&db, &plan, 2021, 2025, &narratives)
            .await
            .map_err(|e| anyhow::anyhow!("{}", e.key()))?;
        let html = report::render_html(&data, &cx).map_err(|e| anyhow::anyhow!("{}", e.key()))?;
        html_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        let t = std::time::Instant::now();
        let data = report::build(&db, &plan, 2021, 2025, &narratives)
            .await
            .map_err(|e| anyhow::anyhow!("{}", e.key()))?;
        let pdf = report::pdf::render(&data, &cx, "bench")
            .await
            .map_err(|e| anyhow::anyhow!("{}", e.key()))?;
        pdf_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        println!("html {} bytes, pdf {} bytes", html.len(), pdf.len());
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    println!(
        "report of 500 actions × 20 updates: HTML (data + render) median {:.0} ms, PDF (data + typeset) median {:.0} ms over {} runs",
        median(&mut html_ms),
        median(&mut pdf_ms),
        html_ms.len()
    );
    Ok(())
}
