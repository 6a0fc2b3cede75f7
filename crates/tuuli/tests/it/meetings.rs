//! Meetings: forms, visibility of internal meetings and minutes, decisions, attendance,
//! the JSON API and the iCalendar feeds. This file has the shared helpers and the form
//! tests; the others are in `meetings/`.

mod api;
mod feeds;
mod records;
mod visibility;

use axum::http::Method;
use chrono::Duration;
use serde_json::json;
use tuuli::auth::Role;

use crate::both;
use crate::helpers::{Res, TestApp};

/// A local time `days` from now at `hour`:00, as a datetime-local field sends it.
pub(crate) fn local(days: i64, hour: u32) -> String {
    let d = tuuli::core::time::local_now().date() + Duration::days(days);
    format!("{}T{hour:02}:00", d.format("%Y-%m-%d"))
}

pub(crate) async fn add_group(app: &TestApp, name: &str, convener: Option<i64>) -> i64 {
    tuuli::with_db!(&app.db, p => sqlx::query_scalar::<_, i64>(
        "INSERT INTO work_groups (name_fi, name_key, search_key, group_type, convener_id, status, created_at, updated_at) VALUES ($1, $4, $4, 'expert', $2, 'active', $3, $3) RETURNING id")
        .bind(name).bind(convener).bind(chrono::Utc::now()).bind(tuuli::db::keys::fold(name)).fetch_one(p).await)
    .expect("group")
}

/// A person with an open membership in `group` since last year.
pub(crate) async fn add_member(app: &TestApp, name: &str, group: i64) -> i64 {
    let now = chrono::Utc::now();
    let start = now.date_naive() - Duration::days(365);
    tuuli::with_db!(&app.db, p => {
        let id: i64 = sqlx::query_scalar("INSERT INTO people (name, created_at, updated_at, name_key, search_key) VALUES ($1, $2, $2, $3, $3) RETURNING id")
            .bind(name).bind(now).bind(tuuli::db::keys::fold(name)).fetch_one(p).await.expect("person");
        sqlx::query("INSERT INTO memberships (group_id, person_id, role, start_date, created_at, updated_at) VALUES ($1, $2, 'member', $3, $4, $4)")
            .bind(group).bind(id).bind(start).bind(now).execute(p).await.expect("membership");
        id
    })
}

pub(crate) async fn id_of(app: &TestApp, sql: &str, name: &str) -> i64 {
    tuuli::with_db!(&app.db, p => sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql)).bind(name).fetch_one(p).await)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

pub(crate) async fn meeting_id(app: &TestApp, title: &str) -> i64 {
    id_of(app, "SELECT id FROM meetings WHERE title = $1", title).await
}

pub(crate) async fn group_id(app: &TestApp, prefix: &str) -> i64 {
    let like = format!("{prefix}%");
    id_of(
        app,
        "SELECT id FROM work_groups WHERE name_fi LIKE $1",
        &like,
    )
    .await
}

pub(crate) async fn person_id(app: &TestApp, name: &str) -> i64 {
    id_of(app, "SELECT id FROM people WHERE name = $1", name).await
}

pub(crate) async fn org_id(app: &TestApp, prefix: &str) -> i64 {
    let like = format!("{prefix}%");
    id_of(
        app,
        "SELECT id FROM organisations WHERE name_fi LIKE $1",
        &like,
    )
    .await
}

/// Signs in a demo user (they have the demo password, not the test one).
pub(crate) async fn sign_in_demo(app: &TestApp, email: &str) {
    app.post_form(
        "/login",
        &[
            ("email", email),
            ("password", tuuli::demo::DEMO_PASSWORD),
            ("next", "/"),
        ],
    )
    .await
    .assert_status(303);
}

/// The demo's internal, past meeting of the mental-health group (minutes, a decision).
pub(crate) const MENTAL: &str = "Mielenterveys- ja päihdeasiantuntijaryhmä (esimerkki)";
/// The demo's internal, coming meeting of the gambling group.
pub(crate) const GAMBLING: &str = "Digi- ja rahapelihaittojen asiantuntijaryhmä (esimerkki)";
pub(crate) const MENTAL_MINUTES: &str = "Sovittiin yhteisestä koulutuspäivästä";
pub(crate) const COORD_MINUTES: &str = "Käytiin läpi toimintasuunnitelman";

/// Posts a new meeting with the form and returns the response.
pub(crate) async fn post_meeting(app: &TestApp, fields: &[(&str, &str)]) -> Res {
    app.post_form("/meetings", fields).await
}

both!(
    a_coordinator_creates_a_public_meeting_with_an_agenda_and_it_is_listed_and_on_the_home_page,
    |app| async move {
        let g = add_group(&app, "Testiryhmä", None).await;
        app.add_user("k@example.fi", Role::Coordinator, None, None)
            .await;
        app.sign_in("k@example.fi").await;
        let (starts, ends) = (local(7, 13), local(7, 15));
        let res = post_meeting(
            &app,
            &[
                ("group_id", &g.to_string()),
                ("title", "Kevään suunnittelukokous"),
                ("starts_at", &starts),
                ("ends_at", &ends),
                ("place", "Lahti, kaupungintalo"),
                ("is_public", "on"),
                ("agenda", "Avaus\r\nTilannekatsaus\r\n\r\nMuut asiat"),
            ],
        )
        .await;
        res.assert_status(303);
        let page = app.get(&res.location()).await;
        page.assert_status(200);
        assert!(page.body.contains("Tallennettu"));
        let items: Vec<usize> = [
            "<li>Avaus</li>",
            "<li>Tilannekatsaus</li>",
            "<li>Muut asiat</li>",
        ]
        .iter()
        .map(|i| page.body.find(i).unwrap_or_else(|| panic!("{i} missing")))
        .collect();
        assert!(items.windows(2).all(|w| w[0] < w[1]), "agenda out of order");
        assert!(page.body.contains(&format!("/groups/{g}/meetings.ics")));
        assert!(
            app.get("/meetings")
                .await
                .body
                .contains("Kevään suunnittelukokous")
        );
        app.sign_out_locally();
        assert!(
            app.get("/meetings")
                .await
                .body
                .contains("Kevään suunnittelukokous")
        );
        assert!(app.get("/").await.body.contains("Kevään suunnittelukokous"));
        assert!(
            !app.get("/meetings?when=past")
                .await
                .body
                .contains("Kevään suunnittelukokous")
        );
        let id = meeting_id(&app, "Kevään suunnittelukokous").await;
        let json = app
            .api(Method::GET, &format!("/api/v1/meetings/{id}"), None, None)
            .await
            .json();
        assert_eq!(
            json["agenda"],
            json!(["Avaus", "Tilannekatsaus", "Muut asiat"])
        );
        assert_eq!(json["starts_at"], format!("{starts}:00"));
        assert_eq!(app.audit_count("meeting", "create").await, 1);
    }
);

both!(
    bad_times_show_the_form_again_with_the_typed_values,
    |app| async move {
        let g = add_group(&app, "Testiryhmä", None).await;
        app.add_user("k@example.fi", Role::Coordinator, None, None)
            .await;
        app.sign_in("k@example.fi").await;
        let gs = g.to_string();
        let res = post_meeting(
            &app,
            &[
                ("group_id", &gs),
                ("title", "Väärin ajoitettu"),
                ("starts_at", "2030-05-02T13:00"),
                ("ends_at", "2030-05-02T12:00"),
                ("agenda", "Ensimmäinen\nToinen"),
            ],
        )
        .await;
        res.assert_status(422);
        assert!(res.body.contains("value=\"Väärin ajoitettu\""));
        assert!(res.body.contains("value=\"2030-05-02T12:00\""));
        assert!(res.body.contains("Ensimmäinen\nToinen"));
        assert!(res.body.contains("id=\"ends_at-error\""));
        assert!(
            res.body
                .contains("Päättymisajan on oltava alkamisajan jälkeen")
        );
        let res = post_meeting(
            &app,
            &[
                ("group_id", &gs),
                ("title", "Roskaa"),
                ("starts_at", "huomenna"),
                ("ends_at", ""),
                ("online_url", "javascript:alert(1)"),
            ],
        )
        .await;
        res.assert_status(422);
        assert!(res.body.contains("value=\"huomenna\""));
        assert!(
            res.body.contains("id=\"starts_at-error\"")
                && res.body.contains("id=\"ends_at-error\"")
        );
        assert!(res.body.contains("id=\"online_url-error\""));
        assert_eq!(app.audit_count("meeting", "create").await, 0);
    }
);

both!(
    minutes_markdown_with_a_script_is_shown_escaped,
    |app| async move {
        let g = add_group(&app, "Testiryhmä", None).await;
        app.add_user("k@example.fi", Role::Coordinator, None, None)
            .await;
        let token = app.token_for("k@example.fi").await;
        let res = app.api(Method::POST, "/api/v1/meetings", Some(&token), Some(json!({
            "group_id": g, "title": "Muistiokokous", "starts_at": "2030-01-15T13:00", "ends_at": "2030-01-15T15:00",
            "minutes": "Alku <script>alert('x')</script> **tärkeä** [linkki](javascript:alert(1))"
        }))).await;
        res.assert_status(201);
        let id = res.json()["id"].as_i64().unwrap();
        assert!(
            res.json()["minutes"].as_str().unwrap().contains("<script>"),
            "the API keeps the Markdown source"
        );
        app.sign_in("k@example.fi").await;
        let page = app.get(&format!("/meetings/{id}")).await;
        page.assert_status(200);
        assert!(!page.body.contains("<script>alert"), "script survived");
        assert!(page.body.contains("&lt;script&gt;"));
        assert!(page.body.contains("<strong>tärkeä</strong>"));
        assert!(!page.body.contains("javascript:alert"));
    }
);
