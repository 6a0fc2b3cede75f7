//! The Päijät-Häme demo data: real organisations from the source documents; fictitious
//! people, meetings and decisions, all marked `is_example`. The themes and areas are
//! reference data (`reference`), present without the demo.
//!
//! Loading is one transaction and idempotent: when the demo admin exists, nothing is added.

use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Utc};

use crate::auth::{Actor, password};
use crate::db::{Db, keys};
use crate::with_db;

pub const ADMIN_EMAIL: &str = "admin@example.fi";
/// The demo users' shared password. Demo data only; never use `--demo` in production.
pub const DEMO_PASSWORD: &str = "tuuli-demo-2026";

/// Demo users: (email, name, role, organisation name).
pub const DEMO_USERS: [(&str, &str, &str, Option<&str>); 4] = [
    (ADMIN_EMAIL, "Esimerkki Admin", "admin", None),
    (
        "koordinaattori@example.fi",
        "Esimerkki Koordinaattori",
        "coordinator",
        Some("Päijät-Hämeen hyvinvointialue"),
    ),
    (
        "sysma@example.fi",
        "Esimerkki Sysmä",
        "editor",
        Some("Sysmän kunta"),
    ),
    ("jasen@example.fi", "Esimerkki Jäsen", "member", None),
];

pub struct DemoAdmin {
    pub email: String,
    pub password: String,
}

/// (name_fi, name_sv, type, (area official code, area kind), is_example).
type OrgSeed = (
    String,
    String,
    &'static str,
    (&'static str, &'static str),
    bool,
);
/// (name_fi, name_sv, name_en, type, status, convener, theme slugs, description).
type GroupSeed<'a> = (
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    Option<i64>,
    &'a [&'a str],
    &'a str,
);
/// (decision text, responsible organisation prefix, due in days).
type DecisionSeed<'a> = (&'a str, Option<&'a str>, Option<i64>);
/// (group index, title, days from today, public, minutes, agenda, decisions).
type MeetingSeed<'a> = (
    usize,
    &'a str,
    i64,
    bool,
    &'a str,
    &'a [&'a str],
    &'a [DecisionSeed<'a>],
);

/// Organisations named in the source documents (is_example = false) and a few examples:
/// (name_fi, name_sv, type, area official code and kind, example).
fn organisations() -> Vec<OrgSeed> {
    let mut v = vec![(
        "Päijät-Hämeen hyvinvointialue".to_owned(),
        "Päijänne-Tavastlands välfärdsområde".to_owned(),
        "wellbeing_county",
        ("09", "wellbeing_county"),
        false,
    )];
    let munis: [(&str, &str, &str, &str); 10] = [
        ("Asikkalan kunta", "Asikkala kommun", "016", ""),
        ("Hartolan kunta", "Hartola kommun", "081", ""),
        ("Heinolan kaupunki", "Heinola stad", "111", ""),
        ("Hollolan kunta", "Hollola kommun", "098", ""),
        ("Iitin kunta", "Iitti kommun", "142", ""),
        ("Kärkölän kunta", "Kärkölä kommun", "316", ""),
        ("Lahden kaupunki", "Lahtis stad", "398", ""),
        ("Orimattilan kaupunki", "Orimattila stad", "560", ""),
        ("Padasjoen kunta", "Padasjoki kommun", "576", ""),
        ("Sysmän kunta", "Sysmä kommun", "781", ""),
    ];
    for (fi, sv, code, _) in munis {
        v.push((
            fi.to_owned(),
            sv.to_owned(),
            "municipality",
            (code, "municipality"),
            false,
        ));
    }
    v.push((
        "Mente-palvelut, Päijät-Hämeen sosiaalipsykiatrinen säätiö".to_owned(),
        "Mente-tjänster, Päijät-Hämes socialpsykiatriska stiftelse".to_owned(),
        "foundation",
        ("398", "municipality"),
        false,
    ));
    v.push((
        "Lahden seurakuntayhtymä".to_owned(),
        "Lahtis kyrkliga samfällighet".to_owned(),
        "parish",
        ("398", "municipality"),
        true,
    ));
    v.push((
        "Esimerkkijärjestö ry".to_owned(),
        "Exempelföreningen rf".to_owned(),
        "ngo",
        ("398", "municipality"),
        true,
    ));
    v.push((
        "Valtakunnallinen esimerkkiliitto ry".to_owned(),
        "Riksomfattande exempelförbundet rf".to_owned(),
        "national",
        ("SSS", "country"),
        true,
    ));
    v
}

/// Loads the demo (idempotent) and returns the demo admin's sign-in.
pub async fn load(db: &Db) -> anyhow::Result<DemoAdmin> {
    // The themes and areas every installation has (already loaded by the command line;
    // loaded here too so that the demo stands on its own).
    crate::core::reference::load(db).await?;
    crate::knowledge::catalogue::seed::load(db).await?;
    let loaded = load_network(db).await?;
    // After the organisations, so the plan's actions can name their lead.
    crate::plan::demo::load(db).await?;
    // Synthetic indicator values (labelled as such), for the statistics views.
    crate::knowledge::demo::load(db).await?;
    // Two of the plan's goals judged against indicator targets: one on track, one off.
    crate::knowledge::demo::load_targets(db).await?;
    Ok(loaded)
}

/// The network module's demo data (once: nothing is added when the demo admin exists).
async fn load_network(db: &Db) -> anyhow::Result<DemoAdmin> {
    let admin = DemoAdmin {
        email: ADMIN_EMAIL.to_owned(),
        password: DEMO_PASSWORD.to_owned(),
    };
    let exists: i64 = with_db!(db, p => sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE email = $1").bind(ADMIN_EMAIL).fetch_one(p).await)?;
    if exists > 0 {
        return Ok(admin);
    }
    let hash = password::hash(DEMO_PASSWORD.to_owned()).await?;
    let actor = Actor::system("demo");
    let now = Utc::now();
    let today = now.date_naive();
    // Coming meetings fall on weekdays a few weeks ahead, past ones a few weeks back.
    let at = |days: i64, hour: u32| {
        let mut d = today + Duration::days(days);
        while d.weekday().number_from_monday() > 5 {
            d += Duration::days(1);
        }
        d.and_time(NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or_default())
    };
    with_db!(db, p => {
        let mut tx = crate::db::begin_write(p).await?;
        // Areas (loaded by `reference`) by kind and official code.
        let area_ids: Vec<(String, String, i64)> = sqlx::query_as("SELECT kind, official_code, id FROM areas").fetch_all(&mut *tx).await?;
        let area = |kind: &str, code: &str| area_ids.iter().find(|(k, c, _)| k == kind && c == code).map(|(_, _, id)| *id);

        // Themes by slug.
        let theme_rows: Vec<(i64, String)> = sqlx::query_as("SELECT id, slug FROM themes").fetch_all(&mut *tx).await?;
        let theme = |slug: &str| theme_rows.iter().find(|(_, s)| s == slug).map(|(id, _)| *id).unwrap_or(0);

        // Organisations.
        let mut org_ids: Vec<(String, i64)> = Vec::new();
        for (fi, sv, ty, (code, kind), example) in organisations() {
            let existing: Option<i64> = sqlx::query_scalar("SELECT id FROM organisations WHERE name_fi = $1").bind(&fi).fetch_optional(&mut *tx).await?;
            let id = match existing {
                Some(id) => id,
                None => {
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO organisations (name_fi, name_sv, org_type, area_id, website, is_example, created_at, updated_at, name_key, search_key) \
                         VALUES ($1, $2, $3, $4, '', $5, $6, $6, $7, $8) RETURNING id")
                        .bind(&fi).bind(&sv).bind(ty).bind(area(kind, code)).bind(example).bind(now)
                        .bind(keys::fold(&fi)).bind(keys::search_key(&[&fi, &sv]))
                        .fetch_one(&mut *tx).await?;
                    crate::audit!(&mut *tx, &actor, "create", "organisation", id, None, Some(serde_json::json!({"name_fi": fi, "org_type": ty})))?;
                    id
                }
            };
            org_ids.push((fi, id));
        }
        let org = |prefix: &str| org_ids.iter().find(|(n, _)| n.starts_with(prefix)).map(|(_, id)| *id);
        for slug in ["substances", "mental-health", "gambling", "violence"] {
            if let Some(o) = org("Päijät-Hämeen hyvinvointialue") {
                sqlx::query("INSERT INTO organisation_themes (organisation_id, theme_id) VALUES ($1, $2) ON CONFLICT DO NOTHING").bind(o).bind(theme(slug)).execute(&mut *tx).await?;
            }
        }
        if let Some(o) = org("Mente") {
            for slug in ["mental-health", "substances"] {
                sqlx::query("INSERT INTO organisation_themes (organisation_id, theme_id) VALUES ($1, $2) ON CONFLICT DO NOTHING").bind(o).bind(theme(slug)).execute(&mut *tx).await?;
            }
        }

        // The four groups of the documents, with the statuses they give.
        let groups: [GroupSeed; 4] = [
            ("Ehkäisevän työn seutukoordinaatioryhmä", "Regional samordningsgrupp för förebyggande arbete", "Regional coordination group for preventive work", "coordination", "active", None,
             &["substances", "mental-health", "gambling", "violence"],
             "Alueen kuntien, sote-palveluiden, seurakunnan ja järjestöjen edustajat."),
            ("Digi- ja rahapelihaittojen ehkäisyn asiantuntijaryhmä", "Expertgruppen för förebyggande av skador av digitala spel och penningspel", "Expert group on preventing digital-gaming and gambling harms", "expert", "active", None,
             &["gambling"],
             "Alueen ammattilaiset, jotka työskentelevät digipelaamisen ja rahapeliongelmien parissa, kokemusasiantuntija sekä valtakunnallisten järjestöjen edustajat."),
            ("Mielenterveys- ja päihdeasiantuntijaryhmä", "Expertgruppen för psykisk hälsa och missbruk", "Mental health and substances expert group", "expert", "active", org("Mente"),
             &["mental-health", "substances"],
             "Alueen mielenterveys- ja päihdeverkostojen edustajat ja kokemusasiantuntija. Koollekutsujana Päijät-Hämeen sosiaalipsykiatrisen säätiön Mente-palvelut."),
            ("Perhe- ja lähisuhdeväkivallan ehkäisyn asiantuntijaryhmä", "Expertgruppen för förebyggande av våld i familjen och i nära relationer", "Expert group on preventing family and intimate-partner violence", "expert", "negotiation", None,
             &["violence"],
             "Asiantuntijaryhmän perustamisesta neuvotellaan."),
        ];
        let mut group_ids = Vec::new();
        for (fi, sv, en, ty, status, convener, themes, desc) in groups.iter() {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO work_groups (name_fi, name_sv, name_en, group_type, convener_id, status, description, is_example, created_at, updated_at, name_key, search_key) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, FALSE, $8, $8, $9, $10) RETURNING id")
                .bind(fi).bind(sv).bind(en).bind(ty).bind(convener).bind(status).bind(desc).bind(now)
                .bind(keys::fold(fi)).bind(keys::search_key(&[fi, sv, en]))
                .fetch_one(&mut *tx).await?;
            for t in themes.iter() {
                sqlx::query("INSERT INTO group_themes (group_id, theme_id) VALUES ($1, $2)").bind(id).bind(theme(t)).execute(&mut *tx).await?;
            }
            crate::audit!(&mut *tx, &actor, "create", "group", id, None, Some(serde_json::json!({"name_fi": fi, "status": status})))?;
            group_ids.push(id);
        }

        // Fictitious people (examples): (name, title, email, organisation prefix, lived experience).
        let people: [(&str, &str, &str, &str, bool); 9] = [
            ("Aino Esimerkki", "Ehkäisevän työn seutukoordinaattori", "aino.esimerkki@example.fi", "Päijät-Hämeen hyvinvointialue", false),
            ("Veikko Malli", "Ehkäisevän työn asiantuntija", "veikko.malli@example.fi", "Päijät-Hämeen hyvinvointialue", false),
            ("Liisa Kuvitteellinen", "Hyvinvointikoordinaattori", "liisa.kuvitteellinen@example.fi", "Sysmän kunta", false),
            ("Matti Testinen", "Nuorisotyön esihenkilö", "matti.testinen@example.fi", "Lahden kaupunki", false),
            ("Sanna Demo", "Palvelupäällikkö", "sanna.demo@example.fi", "Mente", false),
            ("Kalle Kokemus", "Vapaaehtoinen", "kalle.kokemus@example.fi", "Esimerkkijärjestö", true),
            ("Helmi Harjoitus", "Järjestösuunnittelija", "helmi.harjoitus@example.fi", "Mente", true),
            ("Pekka Pappi", "Diakoniatyöntekijä", "pekka.pappi@example.fi", "Lahden seurakuntayhtymä", false),
            ("Riikka Rahapeli", "Erityisasiantuntija", "riikka.rahapeli@example.fi", "Valtakunnallinen", false),
        ];
        let mut person_ids = Vec::new();
        for (name, title, email, org_prefix, lived) in people.iter() {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO people (name, title, email, phone, consent_date, lived_experience, is_example, created_at, updated_at, name_key, search_key) \
                 VALUES ($1, $2, $3, '', $4, $5, TRUE, $6, $6, $7, $8) RETURNING id")
                .bind(name).bind(title).bind(email).bind(today - Duration::days(200)).bind(lived).bind(now)
                .bind(keys::fold(name)).bind(keys::search_key(&[name, title, email]))
                .fetch_one(&mut *tx).await?;
            if let Some(o) = org(org_prefix) {
                sqlx::query("INSERT INTO person_organisations (person_id, organisation_id) VALUES ($1, $2)").bind(id).bind(o).execute(&mut *tx).await?;
            }
            crate::audit!(&mut *tx, &actor, "create", "person", id, None, Some(serde_json::json!({"name": name, "is_example": true})))?;
            person_ids.push(id);
        }
        // Memberships: (group index, person index, role).
        let members: [(usize, usize, &str); 13] = [
            (0, 0, "chair"), (0, 1, "secretary"), (0, 2, "member"), (0, 3, "member"), (0, 7, "member"), (0, 4, "member"),
            (1, 1, "convener"), (1, 5, "lived_experience"), (1, 8, "national_rep"), (1, 3, "member"),
            (2, 4, "convener"), (2, 6, "lived_experience"), (2, 0, "member"),
        ];
        let start = NaiveDate::from_ymd_opt(today.year() - 1, 1, 1);
        for (g, pi, role) in members.iter() {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO memberships (group_id, person_id, role, start_date, end_date, created_at, updated_at) VALUES ($1, $2, $3, $4, NULL, $5, $5) RETURNING id")
                .bind(group_ids[*g]).bind(person_ids[*pi]).bind(role).bind(start).bind(now)
                .fetch_one(&mut *tx).await?;
            crate::audit!(&mut *tx, &actor, "create", "membership", id, None, Some(serde_json::json!({"group_id": group_ids[*g], "person_id": person_ids[*pi], "role": role})))?;
        }
        // An ended membership, kept as history.
        sqlx::query("INSERT INTO memberships (group_id, person_id, role, start_date, end_date, created_at, updated_at) VALUES ($1, $2, 'member', $3, $4, $5, $5)")
            .bind(group_ids[2]).bind(person_ids[2]).bind(start).bind(today - Duration::days(60)).bind(now)
            .execute(&mut *tx).await?;

        // Meetings (examples): (group index, title, days from today, public, minutes, agenda, decisions).
        let meetings: [MeetingSeed; 4] = [
            (0, "Seutukoordinaatioryhmän kokous (esimerkki)", -30, true,
             "## Muistio (esimerkki)\n\nKäytiin läpi toimintasuunnitelman 2021–2025 eteneminen palvelulupauksittain.\n\n- *Meillä saa puhua*: kuntakierros jatkuu.\n- Hyvinvointikertomusten indikaattorit päivitetään keväällä.",
             &["Kokouksen avaus", "Toimintasuunnitelman tilannekatsaus", "Toimintakertomuksen valmistelu", "Muut asiat"],
             &[("Toimintakertomuksen luonnos valmistellaan seuraavaan kokoukseen.", Some("Päijät-Hämeen hyvinvointialue"), Some(45)),
               ("Kunnat päivittävät ehkäisevän työn yhdyshenkilönsä tiedot.", Some("Sysmän kunta"), Some(30))]),
            (0, "Seutukoordinaatioryhmän kokous (esimerkki)", 21, true, "",
             &["Kokouksen avaus", "Toimintakertomuksen luonnos", "Vuoden 2027 painopisteet"], &[]),
            (1, "Digi- ja rahapelihaittojen asiantuntijaryhmä (esimerkki)", 10, false, "",
             &["Ajankohtaiset rahapelihaitat", "Koulutussuunnitelma"], &[]),
            (2, "Mielenterveys- ja päihdeasiantuntijaryhmä (esimerkki)", -14, false,
             "Sovittiin yhteisestä koulutuspäivästä (esimerkki).",
             &["Kuulumiskierros", "Yhteinen koulutuspäivä"],
             &[("Koulutuspäivä järjestetään keväällä yhdessä järjestöjen kanssa.", Some("Mente"), Some(120))]),
        ];
        for (g, title, days, public, minutes, agenda, decisions) in meetings.iter() {
            let (place, url) = if *public { ("Lahti, kaupungintalo (esimerkki)", "") } else { ("", "https://meet.example.fi/tuuli-demo") };
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO meetings (group_id, title, starts_at, ends_at, place, online_url, is_public, minutes, is_example, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, TRUE, $9, $9) RETURNING id")
                .bind(group_ids[*g]).bind(title).bind(at(*days, 13)).bind(at(*days, 15)).bind(place).bind(url).bind(public).bind(minutes).bind(now)
                .fetch_one(&mut *tx).await?;
            for (i, a) in agenda.iter().enumerate() {
                sqlx::query("INSERT INTO agenda_items (meeting_id, position, title) VALUES ($1, $2, $3)").bind(id).bind(i as i64 + 1).bind(a).execute(&mut *tx).await?;
            }
            for (text, resp, due) in decisions.iter() {
                sqlx::query("INSERT INTO decisions (meeting_id, text, responsible_id, due_date) VALUES ($1, $2, $3, $4)")
                    .bind(id).bind(text).bind(resp.and_then(&org)).bind(due.map(|d| today + Duration::days(d))).execute(&mut *tx).await?;
            }
            if *days < 0 {
                let present: Vec<i64> = members.iter().filter(|(mg, _, _)| mg == g).map(|(_, pi, _)| person_ids[*pi]).collect();
                for pid in present {
                    sqlx::query("INSERT INTO attendance (meeting_id, person_id, present) VALUES ($1, $2, TRUE)").bind(id).bind(pid).execute(&mut *tx).await?;
                }
            }
            crate::audit!(&mut *tx, &actor, "create", "meeting", id, None, Some(serde_json::json!({"title": title, "is_public": public})))?;
        }

        // Demo users, all with the demo password; the member is linked to a group member.
        for (email, name, role, org_name) in DEMO_USERS.iter() {
            let person = if *role == "member" { Some(person_ids[3]) } else { None };
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO users (email, name, role, organisation_id, person_id, password_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
                .bind(email).bind(name).bind(role).bind(org_name.and_then(&org)).bind(person).bind(&hash).bind(now)
                .fetch_one(&mut *tx).await?;
            crate::audit!(&mut *tx, &actor, "create", "user", id, None, Some(serde_json::json!({"email": email, "role": role})))?;
        }
        tx.commit().await?;
    });
    Ok(admin)
}
