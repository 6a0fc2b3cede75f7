//! Demo data for the plan module: the region's action plan 2021–2025 with its five real
//! service promises (from the source documents) and, marked `is_example`, two goals per
//! promise, a few actions and their progress updates. Idempotent: nothing is added when
//! the plan is already there.

use chrono::{NaiveDate, Utc};

use crate::auth::Actor;
use crate::db::Db;
use crate::with_db;

const PLAN_TITLE: &str = "Päijät-Hämeen ehkäisevän työn toimintasuunnitelma 2021–2025";

/// The five service promises of the plan (fi, sv, en).
const PROMISES: [(&str, &str, &str); 5] = [
    (
        "Meillä saa puhua",
        "Hos oss får man tala",
        "With us, you can talk",
    ),
    (
        "Ehkäisemme syrjäytymistä",
        "Vi förebygger utanförskap",
        "We prevent social exclusion",
    ),
    (
        "Huomioimme läheiset",
        "Vi beaktar de närstående",
        "We take the people close to you into account",
    ),
    (
        "Vahvistamme minäpystyvyyttä",
        "Vi stärker självtilliten",
        "We strengthen self-efficacy",
    ),
    (
        "Meillä ehkäisevä työ kuuluu kaikille",
        "Hos oss hör det förebyggande arbetet till alla",
        "With us, preventive work belongs to everyone",
    ),
];

/// Example goals, two per promise: (promise index, fi, sv, en, theme slug).
const GOALS: [(usize, &str, &str, &str, &str); 10] = [
    (
        0,
        "Esimerkki: puheeksiotto on osa jokaista asiakaskäyntiä",
        "Exempel: att ta upp frågan hör till varje klientbesök",
        "Example: raising the subject is part of every client visit",
        "substances",
    ),
    (
        0,
        "Esimerkki: matalan kynnyksen keskusteluapu on kaikkien saatavilla",
        "Exempel: samtalsstöd med låg tröskel finns för alla",
        "Example: low-threshold talking support is available to everyone",
        "mental-health",
    ),
    (
        1,
        "Esimerkki: nuorten harrastusmahdollisuudet lisääntyvät",
        "Exempel: ungas fritidsmöjligheter ökar",
        "Example: more leisure opportunities for young people",
        "mental-health",
    ),
    (
        1,
        "Esimerkki: koulupudokkaat tavoitetaan ajoissa",
        "Exempel: de som avbryter skolan nås i tid",
        "Example: school drop-outs are reached in time",
        "substances",
    ),
    (
        2,
        "Esimerkki: läheiset saavat tukea rahapelihaittoihin",
        "Exempel: närstående får stöd vid penningspelsskador",
        "Example: family members get support for gambling harms",
        "gambling",
    ),
    (
        2,
        "Esimerkki: lapset huomioidaan aikuisten palveluissa",
        "Exempel: barnen beaktas i vuxentjänsterna",
        "Example: children are considered in adult services",
        "violence",
    ),
    (
        3,
        "Esimerkki: nuoret tunnistavat omat vahvuutensa",
        "Exempel: unga känner igen sina styrkor",
        "Example: young people recognise their strengths",
        "mental-health",
    ),
    (
        3,
        "Esimerkki: digipelaamisen hallinnan taidot vahvistuvat",
        "Exempel: färdigheterna att hantera digitalt spelande stärks",
        "Example: skills to manage digital gaming grow",
        "gambling",
    ),
    (
        4,
        "Esimerkki: kunnissa on ehkäisevän työn yhdyshenkilö",
        "Exempel: kommunerna har en kontaktperson för förebyggande arbete",
        "Example: every municipality has a contact person for preventive work",
        "substances",
    ),
    (
        4,
        "Esimerkki: väkivallan ehkäisyn koulutus tavoittaa ammattilaiset",
        "Exempel: utbildning i våldsförebyggande når yrkesfolket",
        "Example: training in violence prevention reaches professionals",
        "violence",
    ),
];

/// Example actions: (goal index, title, start, end, planned euros, updates (date, status, percent)).
type ActionSeed = (
    usize,
    &'static str,
    &'static str,
    &'static str,
    f64,
    &'static [(&'static str, &'static str, i32)],
);
const ACTIONS: [ActionSeed; 5] = [
    (
        0,
        "Esimerkki: puheeksioton koulutus sote-ammattilaisille",
        "2021-09-01",
        "2023-12-31",
        12000.0,
        &[
            ("2021-12-31", "on_track", 20),
            ("2022-12-31", "on_track", 60),
            ("2023-12-31", "done", 100),
        ],
    ),
    (
        2,
        "Esimerkki: maksuttomat harrastusillat nuorille",
        "2022-01-01",
        "2025-12-31",
        30000.0,
        &[
            ("2022-12-31", "on_track", 25),
            ("2023-12-31", "delayed", 40),
            ("2024-12-31", "on_track", 70),
        ],
    ),
    (
        4,
        "Esimerkki: läheisten vertaisryhmä rahapelihaitoista",
        "2023-01-01",
        "2024-12-31",
        8000.0,
        &[
            ("2023-06-30", "not_started", 0),
            ("2024-06-30", "delayed", 30),
        ],
    ),
    (
        6,
        "Esimerkki: vahvuuskortit kouluihin",
        "2021-08-01",
        "2022-06-30",
        3000.0,
        &[("2022-06-30", "cancelled", 10)],
    ),
    (
        8,
        "Esimerkki: yhdyshenkilöverkoston tapaamiset",
        "2021-03-01",
        "2025-12-31",
        5000.0,
        &[],
    ),
];

fn date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// Loads the plan demo (once).
pub async fn load(db: &Db) -> anyhow::Result<()> {
    let actor = Actor::system("demo");
    let now = Utc::now();
    with_db!(db, p => {
        let mut tx = crate::db::begin_write(p).await?;
        let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM plans WHERE title_fi = $1").bind(PLAN_TITLE).fetch_one(&mut *tx).await?;
        if exists > 0 {
            return Ok(());
        }
        let lead: Option<i64> = sqlx::query_scalar("SELECT id FROM organisations WHERE name_fi LIKE 'Päijät-Hämeen hyvinvointialue%' ORDER BY id LIMIT 1").fetch_optional(&mut *tx).await?;
        let plan: i64 = sqlx::query_scalar(
            "INSERT INTO plans (title_fi, title_sv, start_year, end_year, status, description, published, based_on, created_at, updated_at) \
             VALUES ($1, $2, 2021, 2025, 'approved', $3, TRUE, $4, $5, $5) RETURNING id")
            .bind(PLAN_TITLE).bind("Päijänne-Tavastlands handlingsplan för förebyggande arbete 2021–2025")
            .bind("Alueellinen ehkäisevän työn toimintasuunnitelma viidellä palvelulupauksella.")
            .bind("Ehkäisevän työn toimintakertomus 2017–2021").bind(now)
            .fetch_one(&mut *tx).await?;
        crate::audit!(&mut *tx, &actor, "create", "plan", plan, None, Some(serde_json::json!({"title_fi": PLAN_TITLE})))?;
        let mut promise_ids = Vec::new();
        for (i, (fi, sv, en)) in PROMISES.iter().enumerate() {
            let id: i64 = sqlx::query_scalar("INSERT INTO plan_promises (plan_id, position, title_fi, title_sv, title_en) VALUES ($1, $2, $3, $4, $5) RETURNING id")
                .bind(plan).bind(i as i32 + 1).bind(fi).bind(sv).bind(en).fetch_one(&mut *tx).await?;
            crate::audit!(&mut *tx, &actor, "create", "plan_promise", id, None, Some(serde_json::json!({"title_fi": fi})))?;
            promise_ids.push(id);
        }
        let mut goal_ids = Vec::new();
        for (i, (promise, fi, sv, en, theme)) in GOALS.iter().enumerate() {
            let id: i64 = sqlx::query_scalar("INSERT INTO plan_goals (promise_id, position, title_fi, title_sv, title_en, is_example) VALUES ($1, $2, $3, $4, $5, TRUE) RETURNING id")
                .bind(promise_ids[*promise]).bind(i as i32 % 2 + 1).bind(fi).bind(sv).bind(en).fetch_one(&mut *tx).await?;
            sqlx::query("INSERT INTO plan_goal_themes (goal_id, theme_id) SELECT $1, id FROM themes WHERE slug = $2").bind(id).bind(theme).execute(&mut *tx).await?;
            crate::audit!(&mut *tx, &actor, "create", "plan_goal", id, None, Some(serde_json::json!({"title_fi": fi, "is_example": true})))?;
            goal_ids.push(id);
        }
        for (goal, title, start, end, euros, updates) in ACTIONS.iter() {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO plan_actions (goal_id, title, lead_organisation_id, start_date, end_date, planned_euros, is_example, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, TRUE, $7, $7) RETURNING id")
                .bind(goal_ids[*goal]).bind(title).bind(lead).bind(date(start)).bind(date(end)).bind(euros).bind(now)
                .fetch_one(&mut *tx).await?;
            crate::audit!(&mut *tx, &actor, "create", "plan_action", id, None, Some(serde_json::json!({"title": title, "is_example": true})))?;
            for (day, status, percent) in updates.iter() {
                let pid: i64 = sqlx::query_scalar(
                    "INSERT INTO plan_progress (action_id, report_date, status, percent, narrative, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
                    .bind(id).bind(date(day)).bind(status).bind(percent).bind("Esimerkki: keksitty tilannekatsaus.").bind(now)
                    .fetch_one(&mut *tx).await?;
                crate::audit!(&mut *tx, &actor, "create", "plan_progress", pid, None, Some(serde_json::json!({"status": status, "percent": percent})))?;
            }
        }
        tx.commit().await?;
    });
    Ok(())
}
