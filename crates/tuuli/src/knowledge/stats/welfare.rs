//! The welfare-report section of a municipality for a period, in THL's advised order:
//! (1) the population's wellbeing — the chosen set by theme, with intervals and
//! comparisons; (2) differences between groups — by sex, and against the region's other
//! municipalities and the country; (3) the work done and its resources — the plan's goals
//! and actions that involve the municipality (`plan_action_areas`); (4) the structures —
//! the coordinators' narrative. Also the flags, and the set's indicators left out with the
//! reason recorded for each.
//!
//! [`WelfareReport`] is plain data: the page renders it as HTML, `welfare_pdf` as a PDF
//! (crates/tuuli-pdf) with the same numbers and words.

use chrono::Utc;
use serde::Serialize;
use tuuli_stats::Level;
use tuuli_stats::small::SmallNumbers;
use utoipa::ToSchema;

use super::flags::{self, Flag};
use super::model::{self, Judgement, Kind, Stat};
use super::profile::{self, BenchmarkKind, Params, ProfileRow};
use super::store::{self, AreaRef, SetRef};
use crate::auth::Actor;
use crate::db::Db;
use crate::error::{AppError, AppResult, FieldErrors};
use crate::with_db;

/// Men and women of one indicator in the latest year.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SexRow {
    pub indicator_id: i64,
    pub title_fi: String,
    pub title_sv: String,
    pub title_en: String,
    pub decimals: i32,
    pub men: Option<Stat>,
    pub women: Option<Stat>,
    /// Women against men's value (higher / similar / lower, at 95 %).
    pub women_vs_men: Judgement,
}

/// A plan action that involves the municipality, with its goal.
#[derive(Debug, Clone, Serialize, ToSchema, sqlx::FromRow)]
pub struct WorkRow {
    pub action_id: i64,
    pub action_title: String,
    pub goal_id: i64,
    pub goal_title: String,
    /// The goal's Swedish and English titles (empty when not given).
    pub goal_title_sv: String,
    pub goal_title_en: String,
    pub planned_euros: Option<f64>,
    pub planned_days: Option<f64>,
}

/// An indicator of the set left out, and why.
#[derive(Debug, Clone, Serialize, ToSchema, sqlx::FromRow)]
pub struct Omission {
    pub indicator_id: i64,
    pub title_fi: String,
    pub title_sv: String,
    pub title_en: String,
    pub reason: String,
}

/// The whole section.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WelfareReport {
    pub area: AreaRef,
    pub from: i32,
    pub to: i32,
    pub set: Option<SetRef>,
    /// (1) The set's indicators (omitted ones removed), each with its themes.
    pub wellbeing: Vec<ProfileRow>,
    /// (2) By sex.
    pub by_sex: Vec<SexRow>,
    /// (3) The plan's work involving the municipality in the period.
    pub work: Vec<WorkRow>,
    pub flags: Vec<Flag>,
    pub omissions: Vec<Omission>,
    /// (4) Markdown, shown sanitised.
    pub narrative: String,
    pub synthetic: bool,
}

impl WelfareReport {
    /// The wellbeing rows as a profile against the country at 95 % (what the page and the
    /// PDF write out with `views::profile_rows`).
    pub fn as_profile(&self) -> profile::Profile {
        profile::Profile {
            area: self.area.clone(),
            region: None,
            country: None,
            set: self.set.clone(),
            theme: None,
            benchmark: BenchmarkKind::Country,
            level: "95",
            synthetic: self.synthetic,
            rows: self.wellbeing.clone(),
        }
    }
}

/// Builds the section. `drafts`: whether the reader sees unpublished plans
/// (`plan::sees_unpublished`); without it, the work of unpublished plans is left out.
pub async fn report(
    db: &Db,
    area_id: i64,
    from: i32,
    to: i32,
    set: Option<&str>,
    drafts: bool,
) -> AppResult<WelfareReport> {
    let params = Params {
        set,
        theme: None,
        benchmark: BenchmarkKind::Country,
        level: Level::P95,
    };
    let p = profile::profile(db, area_id, params).await?;
    let omissions = match &p.set {
        Some(s) => omissions(db, area_id, s.id).await?,
        None => Vec::new(),
    };
    let left_out: Vec<i64> = omissions.iter().map(|o| o.indicator_id).collect();
    let wellbeing: Vec<ProfileRow> = p
        .rows
        .into_iter()
        .filter(|r| !left_out.contains(&r.indicator.id))
        .collect();
    let ids: Vec<i64> = wellbeing.iter().map(|r| r.indicator.id).collect();
    let sexes = profile::group(
        store::values(db, &[area_id], &ids, None)
            .await?
            .into_iter()
            .filter(|v| v.sex != 0)
            .collect(),
    );
    let by_sex = wellbeing
        .iter()
        .filter_map(|r| {
            let year = r.latest?.year;
            let kind = Kind::of(&r.indicator.value_type);
            let stat = |sex: i32| {
                sexes
                    .get(&(area_id, r.indicator.id))?
                    .iter()
                    .find(|v| v.sex == sex && v.raw.year == year)
                    .map(|v| model::annotate(kind, &v.raw, SmallNumbers::default()))
            };
            let (men, women) = (stat(1), stat(2));
            (men.is_some() || women.is_some()).then(|| SexRow {
                indicator_id: r.indicator.id,
                title_fi: r.indicator.title_fi.clone(),
                title_sv: r.indicator.title_sv.clone(),
                title_en: r.indicator.title_en.clone(),
                decimals: r.indicator.decimals,
                women_vs_men: match &women {
                    Some(w) => model::judge(w, Level::P95, men.and_then(|m| m.value), None),
                    None => Judgement::NotCompared,
                },
                men,
                women,
            })
        })
        .collect();
    let work = work(db, area_id, from, to, drafts).await?;
    let set_key = p.set.as_ref().map(|s| s.key.clone());
    let flags = flags::flags(
        db,
        Some(area_id),
        None,
        set_key.as_deref(),
        Level::P95,
        drafts,
    )
    .await?
    .into_iter()
    .filter(|f| !left_out.contains(&f.indicator_id))
    .collect();
    let narrative = narrative(db, area_id, from, to).await?;
    Ok(WelfareReport {
        area: p.area,
        from,
        to,
        set: p.set,
        wellbeing,
        by_sex,
        work,
        flags,
        omissions,
        narrative,
        synthetic: p.synthetic,
    })
}

async fn work(db: &Db, area: i64, from: i32, to: i32, drafts: bool) -> AppResult<Vec<WorkRow>> {
    let (Some(start), Some(end)) = (
        chrono::NaiveDate::from_ymd_opt(to, 12, 31),
        chrono::NaiveDate::from_ymd_opt(from, 1, 1),
    ) else {
        return Ok(Vec::new());
    };
    Ok(with_db!(db, p => sqlx::query_as::<_, WorkRow>(
        "SELECT a.id AS action_id, a.title AS action_title, g.id AS goal_id, g.title_fi AS goal_title, COALESCE(g.title_sv, '') AS goal_title_sv, COALESCE(g.title_en, '') AS goal_title_en, a.planned_euros, a.planned_days \
         FROM plan_action_areas aa JOIN plan_actions a ON a.id = aa.action_id JOIN plan_goals g ON g.id = a.goal_id \
         JOIN plan_promises pr ON pr.id = g.promise_id JOIN plans pl ON pl.id = pr.plan_id \
         WHERE aa.area_id = $1 AND (a.start_date IS NULL OR a.start_date <= $2) AND (a.end_date IS NULL OR a.end_date >= $3) \
           AND (pl.published OR $4) \
         ORDER BY g.position, g.id, a.id")
        .bind(area).bind(start).bind(end).bind(drafts).fetch_all(p).await)?)
}

/// The omissions of a municipality and set.
pub async fn omissions(db: &Db, area: i64, set: i64) -> AppResult<Vec<Omission>> {
    Ok(with_db!(db, p => sqlx::query_as::<_, Omission>(
        "SELECT o.indicator_id, i.title_fi, i.title_sv, i.title_en, o.reason FROM welfare_omissions o \
         JOIN indicators i ON i.id = o.indicator_id WHERE o.area_id = $1 AND o.set_id = $2 ORDER BY i.id")
        .bind(area).bind(set).fetch_all(p).await)?)
}

/// The narrative of a municipality and period ("" when none).
pub async fn narrative(db: &Db, area: i64, from: i32, to: i32) -> AppResult<String> {
    Ok(with_db!(db, p => sqlx::query_scalar::<_, String>(
        "SELECT body FROM welfare_narratives WHERE area_id = $1 AND period_from = $2 AND period_to = $3")
        .bind(area).bind(from).bind(to).fetch_optional(p).await)?
        .unwrap_or_default())
}

/// The period's years must be 1900–2200 and in order.
pub fn check_period(from: i32, to: i32) -> Result<(), FieldErrors> {
    let mut e = FieldErrors::new();
    if !(1900..=2200).contains(&from) {
        e.add("from", "stats-error-year");
    }
    if !(1900..=2200).contains(&to) {
        e.add("to", "stats-error-year");
    } else if to < from {
        e.add("to", "stats-error-period");
    }
    e.into_result(())
}

/// Saves the narrative (coordinators; the caller checks the right). At most 20,000 characters.
pub async fn save_narrative(
    db: &Db,
    area: i64,
    from: i32,
    to: i32,
    body: &str,
    actor: &Actor,
) -> AppResult<()> {
    check_period(from, to)?;
    if body.chars().count() > 20_000 {
        let mut e = FieldErrors::new();
        e.add("body", &crate::web::forms::too_long(20_000));
        return Err(AppError::Validation(e));
    }
    store::area(db, area).await?;
    let now = Utc::now();
    with_db!(db, p => {
        let mut tx = crate::db::begin_write(p).await?;
        let before: Option<String> = sqlx::query_scalar("SELECT body FROM welfare_narratives WHERE area_id = $1 AND period_from = $2 AND period_to = $3")
            .bind(area).bind(from).bind(to).fetch_optional(&mut *tx).await?;
        sqlx::query(
            "INSERT INTO welfare_narratives (area_id, period_from, period_to, body, updated_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (area_id, period_from, period_to) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at, version = welfare_narratives.version + 1")
            .bind(area).bind(from).bind(to).bind(body).bind(now).execute(&mut *tx).await?;
        let action = if before.is_some() { "update" } else { "create" };
        crate::audit!(&mut *tx, actor, action, "welfare_narrative", area,
            before.map(|b| serde_json::json!({"from": from, "to": to, "body": b})),
            Some(serde_json::json!({"from": from, "to": to, "body": body})))?;
        tx.commit().await?;
        Ok::<_, AppError>(())
    })
}

/// Records (or, with an empty reason, removes) an omission (coordinators).
pub async fn save_omission(
    db: &Db,
    area: i64,
    set: i64,
    indicator: i64,
    reason: &str,
    actor: &Actor,
) -> AppResult<()> {
    let reason = reason.trim();
    if reason.chars().count() > 1000 {
        let mut e = FieldErrors::new();
        e.add("reason", &crate::web::forms::too_long(1000));
        return Err(AppError::Validation(e));
    }
    store::area(db, area).await?;
    let member: Option<i64> = with_db!(db, p => sqlx::query_scalar(
        "SELECT indicator_id FROM indicator_set_members WHERE set_id = $1 AND indicator_id = $2")
        .bind(set).bind(indicator).fetch_optional(p).await)?;
    if member.is_none() {
        let mut e = FieldErrors::new();
        e.add("indicator_id", "error-choice");
        return Err(AppError::Validation(e));
    }
    let now = Utc::now();
    with_db!(db, p => {
        let mut tx = crate::db::begin_write(p).await?;
        let before: Option<String> = sqlx::query_scalar("SELECT reason FROM welfare_omissions WHERE area_id = $1 AND set_id = $2 AND indicator_id = $3")
            .bind(area).bind(set).bind(indicator).fetch_optional(&mut *tx).await?;
        if reason.is_empty() {
            sqlx::query("DELETE FROM welfare_omissions WHERE area_id = $1 AND set_id = $2 AND indicator_id = $3")
                .bind(area).bind(set).bind(indicator).execute(&mut *tx).await?;
        } else {
            sqlx::query(
                "INSERT INTO welfare_omissions (area_id, set_id, indicator_id, reason, updated_at) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (area_id, set_id, indicator_id) DO UPDATE SET reason = excluded.reason, updated_at = excluded.updated_at, version = welfare_omissions.version + 1")
                .bind(area).bind(set).bind(indicator).bind(reason).bind(now).execute(&mut *tx).await?;
        }
        let action = match (before.is_some(), reason.is_empty()) {
            (_, true) => "delete",
            (true, false) => "update",
            (false, false) => "create",
        };
        crate::audit!(&mut *tx, actor, action, "welfare_omission", area,
            before.map(|b| serde_json::json!({"set": set, "indicator": indicator, "reason": b})),
            (!reason.is_empty()).then(|| serde_json::json!({"set": set, "indicator": indicator, "reason": reason})))?;
        tx.commit().await?;
        Ok::<_, AppError>(())
    })
}
