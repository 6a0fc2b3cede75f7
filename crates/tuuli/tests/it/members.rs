//! The members' view: a member's own groups and coming meetings on the home page, a
//! private calendar feed behind a revocable secret, and titles and descriptions in the
//! reader's language.

use axum::http::Method;
use serde_json::json;
use tuuli::auth::Role;

use crate::both;
use crate::helpers::TestApp;
use crate::people::{api_get, api_send};

/// A group with an internal and a public coming meeting, a member (user + person) and a
/// coordinator. Returns (coordinator token, group id, member's person id).
async fn world(app: &TestApp) -> (String, i64, i64) {
    let org = app.add_org("Kunta", "municipality").await;
    app.add_user("k@example.fi", Role::Coordinator, None, None)
        .await;
    let t = app.token_for("k@example.fi").await;
    let g = api_send(app, Method::POST, &t, "/groups", json!({
        "name_fi": "Oma ryhmä", "name_sv": "Egen grupp", "group_type": "expert", "status": "active", "convener_id": org,
        "description": "Suomeksi kuvattu", "description_sv": "Beskriven på svenska"
    })).await.json()["id"].as_i64().unwrap();
    let p = api_send(
        app,
        Method::POST,
        &t,
        "/people",
        json!({"name": "Maija Jäsen", "organisations": [org]}),
    )
    .await
    .json()["id"]
        .as_i64()
        .unwrap();
    api_send(
        app,
        Method::POST,
        &t,
        &format!("/groups/{g}/memberships"),
        json!({"person_id": p, "role": "member", "start_date": "2025-01-01"}),
    )
    .await
    .assert_status(201);
    let soon = (tuuli::core::time::local_now() + chrono::Duration::days(7))
        .format("%Y-%m-%dT10:00")
        .to_string();
    let soon_end = soon.replace("T10:00", "T12:00");
    api_send(app, Method::POST, &t, "/meetings", json!({"group_id": g, "title": "Sisäinen palaveri", "title_en": "Internal meeting", "starts_at": soon, "ends_at": soon_end}))
        .await
        .assert_status(201);
    api_send(app, Method::POST, &t, "/meetings", json!({"group_id": g, "title": "Avoin tilaisuus", "starts_at": soon, "ends_at": soon_end, "is_public": true}))
        .await
        .assert_status(201);
    app.add_user("m@example.fi", Role::Member, None, Some(p))
        .await;
    (t, g, p)
}

both!(
    a_member_sees_their_groups_and_coming_meetings_internal_ones_included,
    |app| async move {
        let (_, _, _) = world(&app).await;
        let anon = app.get("/?lang=fi").await;
        assert!(!anon.body.contains("Sisäinen palaveri") && !anon.body.contains("Omat ryhmäni"));
        app.add_user("other@example.fi", Role::Member, None, None)
            .await;
        app.sign_in("other@example.fi").await;
        assert!(
            !app.get("/?lang=fi")
                .await
                .body
                .contains("Sisäinen palaveri")
        );
        app.sign_out_locally();
        app.sign_in("m@example.fi").await;
        let home = app.get("/?lang=fi").await;
        assert!(
            home.body.contains("Omat ryhmäni") && home.body.contains("Oma ryhmä"),
            "{}",
            home.body
        );
        assert!(
            home.body.contains("Sisäinen palaveri") && home.body.contains("Avoin tilaisuus"),
            "{}",
            home.body
        );
        // In English the translated title, in Swedish the Finnish one (none given).
        assert!(app.get("/?lang=en").await.body.contains("Internal meeting"));
        assert!(
            app.get("/?lang=sv")
                .await
                .body
                .contains("Sisäinen palaveri")
        );
    }
);

/// The feed's path in the page (HTML escapes `/` in attribute values).
fn feed_url(body: &str) -> String {
    let body = body.replace("&#x2f;", "/");
    let at = body
        .find("/calendar/cal_")
        .unwrap_or_else(|| panic!("a feed address on the page: {body}"));
    let rest = &body[at..];
    rest[..rest.find('"').unwrap()].to_owned()
}

both!(
    a_private_calendar_feed_lists_internal_meetings_until_revoked,
    |app| async move {
        let (t, g, p) = world(&app).await;
        app.sign_in("m@example.fi").await;
        app.get("/account").await.assert_status(200);
        let created = app
            .post_form("/account/calendar", &[("action", "create")])
            .await;
        created.assert_status(200);
        let url = feed_url(&created.body);
        // Calendar programs fetch without cookies.
        let anon = TestApp::new_sharing(&app);
        let feed = anon.get(&url).await;
        feed.assert_status(200);
        assert!(
            feed.body.contains("SUMMARY:Sisäinen palaveri")
                && feed.body.contains("SUMMARY:Avoin tilaisuus"),
            "{}",
            feed.body
        );
        assert!(
            feed.headers["cache-control"]
                .to_str()
                .unwrap()
                .contains("no-store")
        );
        // The page does not show the secret again.
        assert!(
            !app.get("/account")
                .await
                .body
                .replace("&#x2f;", "/")
                .contains("/calendar/cal_")
        );
        // Replacing makes the old address stop working.
        let replaced = app
            .post_form("/account/calendar", &[("action", "create")])
            .await;
        let new_url = feed_url(&replaced.body);
        assert_ne!(url, new_url);
        anon.get(&url).await.assert_status(404);
        anon.get(&new_url).await.assert_status(200);
        // Rights are the user's now: an ended membership drops the group's meetings.
        let mid = api_get(&app, Some(&t), &format!("/groups/{g}/memberships"))
            .await
            .json()[0]["id"]
            .as_i64()
            .unwrap();
        assert_eq!(
            api_get(&app, Some(&t), &format!("/groups/{g}/memberships"))
                .await
                .json()[0]["person_id"],
            p
        );
        let yesterday =
            (tuuli::core::time::local_now().date() - chrono::Duration::days(1)).to_string();
        api_send(
            &app,
            Method::PUT,
            &t,
            &format!("/groups/{g}/memberships/{mid}"),
            json!({"role": "member", "start_date": "2025-01-01", "end_date": yesterday}),
        )
        .await
        .assert_status(200);
        assert!(!anon.get(&new_url).await.body.contains("Sisäinen palaveri"));
        // Revoking removes it.
        app.post_form("/account/calendar", &[("action", "revoke")])
            .await
            .assert_status(303);
        anon.get(&new_url).await.assert_status(404);
        anon.get("/calendar/cal_nonsense.ics")
            .await
            .assert_status(404);
    }
);

both!(a_disabled_users_calendar_feed_is_gone, |app| async move {
    world(&app).await;
    let id = app.add_user("a@example.fi", Role::Admin, None, None).await;
    let _ = id;
    app.sign_in("m@example.fi").await;
    let url = feed_url(
        &app.post_form("/account/calendar", &[("action", "create")])
            .await
            .body,
    );
    app.sign_out_locally();
    app.sign_in("a@example.fi").await;
    let member: i64 = tuuli::with_db!(&app.db, p => sqlx::query_scalar("SELECT id FROM users WHERE email = 'm@example.fi'").fetch_one(p).await).unwrap();
    app.post_form(
        &format!("/admin/users/{member}/disabled"),
        &[("disabled", "1")],
    )
    .await
    .assert_status(303);
    app.post_form(
        &format!("/admin/users/{member}/disabled"),
        &[("disabled", "0")],
    )
    .await
    .assert_status(303);
    TestApp::new_sharing(&app)
        .get(&url)
        .await
        .assert_status(404);
});

both!(
    group_descriptions_and_meeting_titles_show_in_the_readers_language,
    |app| async move {
        let (t, g, _) = world(&app).await;
        assert!(
            app.get(&format!("/groups/{g}?lang=sv"))
                .await
                .body
                .contains("Beskriven på svenska")
        );
        assert!(
            app.get(&format!("/groups/{g}?lang=en"))
                .await
                .body
                .contains("Suomeksi kuvattu"),
            "Finnish when not translated"
        );
        let api = api_get(&app, Some(&t), &format!("/groups/{g}"))
            .await
            .json();
        assert_eq!(api["description_sv"], "Beskriven på svenska");
        // The forms carry the translations.
        app.sign_in("k@example.fi").await;
        let form = app.get(&format!("/groups/{g}/edit")).await;
        assert!(form.body.contains("Beskriven på svenska"));
        let public = app.get("/meetings?lang=en").await;
        assert!(public.body.contains("Avoin tilaisuus"));
        let ics = app.get(&format!("/groups/{g}/meetings.ics?lang=en")).await;
        assert!(ics.body.contains("SUMMARY:Avoin tilaisuus"));
    }
);
