//! Tests for people: who sees whom, who edits whom, lived-experience status kept from
//! everyone but coordinators, validation, conflicts and the audit log.

use axum::http::Method;
use serde_json::{Value, json};
use tuuli::auth::Role;

use crate::both;
use crate::helpers::{Res, TestApp};

/// Signs in a demo user (they have the demo password, not the test one).
pub async fn sign_in_demo(app: &TestApp, email: &str) {
    let pw = tuuli::demo::DEMO_PASSWORD;
    let fields = [("email", email), ("password", pw), ("next", "/")];
    app.post_form("/login", &fields).await.assert_status(303);
}

/// The id of the row whose name column equals `name` (`sql` binds it as $1).
pub async fn id_of(app: &TestApp, sql: &'static str, name: &str) -> i64 {
    tuuli::with_db!(&app.db, p => sqlx::query_scalar::<_, i64>(sql).bind(name).fetch_one(p).await)
        .unwrap_or_else(|e| panic!("no row for {name}: {e}"))
}

pub async fn person_id(app: &TestApp, name: &str) -> i64 {
    id_of(app, "SELECT id FROM people WHERE name = $1", name).await
}

/// GET under `/api/v1`, as the holder of `token` or anonymously.
pub async fn api_get(app: &TestApp, token: Option<&str>, path: &str) -> Res {
    app.api(Method::GET, &format!("/api/v1{path}"), token, None)
        .await
}

/// A request with a JSON body under `/api/v1` as the holder of `token`.
pub async fn api_send(app: &TestApp, m: Method, token: &str, path: &str, body: Value) -> Res {
    app.api(m, &format!("/api/v1{path}"), Some(token), Some(body))
        .await
}

/// The id in a redirect to `/<base>/{id}?…`.
pub fn id_in(location: &str) -> i64 {
    let rest = location.rsplit('/').next().unwrap_or("");
    rest.split('?')
        .next()
        .unwrap_or("")
        .parse()
        .expect("id in location")
}

/// Creates a person through the API and returns the id.
async fn add_person(app: &TestApp, token: &str, body: Value) -> i64 {
    let res = api_send(app, Method::POST, token, "/people", body).await;
    res.assert_status(201);
    res.json()["id"].as_i64().expect("id")
}

both!(
    lived_experience_status_reaches_coordinators_only_in_pages_and_json,
    |app| async move {
        let app = app.with_demo().await;
        let kalle = person_id(&app, "Kalle Kokemus").await;
        let path = format!("/people/{kalle}");
        // The coordinator sees the status on the page and in the JSON.
        sign_in_demo(&app, "koordinaattori@example.fi").await;
        let page = app.get(&format!("{path}?lang=en")).await;
        page.assert_status(200);
        assert!(
            page.body.contains("Lived-experience expert"),
            "{}",
            page.body
        );
        let coord = app.token_for("koordinaattori@example.fi").await;
        let json = api_get(&app, Some(&coord), &path).await.json();
        assert_eq!(json["lived_experience"], true);

        // The member shares a group with Kalle: sees the person, not the status.
        sign_in_demo(&app, "jasen@example.fi").await;
        let page = app.get(&format!("{path}?lang=en")).await;
        page.assert_status(200);
        assert!(page.body.contains("Kalle Kokemus"));
        assert!(
            !page.body.contains("Lived-experience expert"),
            "leaked to a member"
        );
        let token = app.token_for("jasen@example.fi").await;
        let one = api_get(&app, Some(&token), &path).await;
        one.assert_status(200);
        assert!(one.json().get("lived_experience").is_none(), "{}", one.body);
        let list = api_get(&app, Some(&token), "/people").await;
        list.assert_status(200);
        assert!(list.body.contains("Kalle Kokemus") && !list.body.contains("lived_experience"));

        // An editor sees the people of their organisation, without the status either.
        let org = app.add_org("Kokemus ry", "ngo").await;
        app.add_user("ed@example.fi", Role::Editor, Some(org), None)
            .await;
        let body =
            json!({"name": "Eeva Esimerkki", "organisations": [org], "lived_experience": true});
        let id = add_person(&app, &coord, body).await;
        app.sign_in("ed@example.fi").await;
        let page = app.get(&format!("/people/{id}?lang=en")).await;
        page.assert_status(200);
        assert!(!page.body.contains("Lived-experience expert"));
        let form = app.get(&format!("/people/{id}/edit")).await;
        form.assert_status(200);
        assert!(
            !form.body.contains("name=\"lived_experience\""),
            "for coordinators only"
        );
        let ed = app.token_for("ed@example.fi").await;
        let one = api_get(&app, Some(&ed), &format!("/people/{id}")).await;
        assert!(one.json().get("lived_experience").is_none(), "{}", one.body);
    }
);

both!(
    lived_experience_sent_by_an_editor_is_ignored,
    |app| async move {
        let org = app.add_org("Oma ry", "ngo").await;
        app.add_user("k@example.fi", Role::Coordinator, None, None)
            .await;
        app.add_user("ed@example.fi", Role::Editor, Some(org), None)
            .await;
        let coord = app.token_for("k@example.fi").await;
        let body = json!({"name": "Liisa Lippu", "organisations": [org], "lived_experience": true});
        let flagged = add_person(&app, &coord, body).await;

        app.sign_in("ed@example.fi").await;
        // A forged checkbox on create is ignored, and the editor's organisation is added.
        let fields = [("name", "Uusi Henkilö"), ("lived_experience", "on")];
        let res = app.post_form("/people", &fields).await;
        res.assert_status(303);
        let new_id = id_in(&res.location());
        let got = api_get(&app, Some(&coord), &format!("/people/{new_id}"))
            .await
            .json();
        assert_eq!(got["lived_experience"], false);
        assert_eq!(got["organisations"][0]["id"], org);
        // An edit without the field keeps the stored status; the API ignores it too.
        let fields = [("name", "Liisa Lippu"), ("title", "Uusi nimike")];
        let res = app
            .post_form(&format!("/people/{flagged}/edit"), &fields)
            .await;
        res.assert_status(303);
        let ed = app.token_for("ed@example.fi").await;
        let body = json!({"name": "Liisa Lippu", "lived_experience": false});
        let path = format!("/people/{flagged}");
        api_send(&app, Method::PUT, &ed, &path, body)
            .await
            .assert_status(200);
        let got = api_get(&app, Some(&coord), &path).await.json();
        assert_eq!(got["lived_experience"], true);
        assert_eq!(
            got["organisations"][0]["id"], org,
            "the editor's organisation stays"
        );
    }
);

both!(
    the_public_is_sent_to_sign_in_and_sees_no_people,
    |app| async move {
        let app = app.with_demo().await;
        let aino = person_id(&app, "Aino Esimerkki").await;
        let res = app.get("/people").await;
        res.assert_status(303);
        assert!(
            res.location().starts_with("/login?next="),
            "{}",
            res.location()
        );
        app.get(&format!("/people/{aino}")).await.assert_status(303);
        api_get(&app, None, "/people").await.assert_status(401);
        api_get(&app, None, &format!("/people/{aino}"))
            .await
            .assert_status(401);
        let home = app.get("/").await;
        assert!(
            !home.body.contains("href=\"/people\""),
            "no people link for the public"
        );
    }
);

both!(
    people_are_seen_through_organisations_and_shared_groups,
    |app| async move {
        let app = app.with_demo().await;
        let helmi = person_id(&app, "Helmi Harjoitus").await;
        let liisa = person_id(&app, "Liisa Kuvitteellinen").await;
        let aino = person_id(&app, "Aino Esimerkki").await;
        // The member (Matti Testinen) shares the coordination and digi groups, not Mente's.
        sign_in_demo(&app, "jasen@example.fi").await;
        let list = app.get("/people").await;
        list.assert_status(200);
        assert!(list.body.contains("Aino Esimerkki") && list.body.contains("Riikka Rahapeli"));
        assert!(!list.body.contains("Helmi Harjoitus"));
        app.get(&format!("/people/{helmi}"))
            .await
            .assert_status(404);
        app.get(&format!("/people/{aino}")).await.assert_status(200);
        app.get(&format!("/people/{aino}/edit"))
            .await
            .assert_status(403);
        app.get("/people/new").await.assert_status(403);
        app.post_form("/people", &[("name", "X")])
            .await
            .assert_status(403);
        // The Sysmä editor sees Sysmä's people only.
        sign_in_demo(&app, "sysma@example.fi").await;
        let list = app.get("/people").await;
        assert!(list.body.contains("Liisa Kuvitteellinen"));
        assert!(!list.body.contains("Aino Esimerkki"));
        app.get(&format!("/people/{aino}")).await.assert_status(404);
        app.get(&format!("/people/{liisa}/edit"))
            .await
            .assert_status(200);
        // The coordinator sees all nine, and the filters work.
        sign_in_demo(&app, "koordinaattori@example.fi").await;
        let token = app.token_for("koordinaattori@example.fi").await;
        let all = api_get(&app, Some(&token), "/people").await.json();
        assert_eq!(all["total"], 9);
        let q = api_get(&app, Some(&token), "/people?q=harjoitus")
            .await
            .json();
        assert_eq!(q["total"], 1);
        let sql = "SELECT id FROM organisations WHERE name_fi = $1";
        let sysma = id_of(&app, sql, "Sysmän kunta").await;
        let page = app.get(&format!("/people?organisation={sysma}")).await;
        assert!(page.body.contains("Liisa Kuvitteellinen"));
        assert!(!page.body.contains("Helmi Harjoitus"));
    }
);

both!(
    an_editor_edits_their_organisations_people_and_reads_the_conveners_members,
    |app| async move {
        let own = app.add_org("Koollekutsuja ry", "ngo").await;
        let other = app.add_org("Muu ry", "ngo").await;
        app.add_user("k@example.fi", Role::Coordinator, None, None)
            .await;
        app.add_user("ed@example.fi", Role::Editor, Some(own), None)
            .await;
        let coord = app.token_for("k@example.fi").await;
        let body = json!({"name": "Olli Ulkopuolinen", "organisations": [other]});
        let outsider = add_person(&app, &coord, body).await;
        let body = json!({"name": "Piilo Henkilö", "organisations": [other]});
        let hidden = add_person(&app, &coord, body).await;
        let body = json!({"name_fi": "Ryhmä", "group_type": "expert", "status": "active", "convener_id": own});
        let group = api_send(&app, Method::POST, &coord, "/groups", body).await;
        group.assert_status(201);
        let gid = group.json()["id"].as_i64().unwrap();
        let body = json!({"person_id": outsider, "role": "member"});
        let path = format!("/groups/{gid}/memberships");
        api_send(&app, Method::POST, &coord, &path, body)
            .await
            .assert_status(201);

        app.sign_in("ed@example.fi").await;
        // A member of the group the editor's organisation convenes: visible, not editable.
        app.get(&format!("/people/{outsider}"))
            .await
            .assert_status(200);
        app.get(&format!("/people/{outsider}/edit"))
            .await
            .assert_status(403);
        let res = app
            .post_form(&format!("/people/{outsider}/delete"), &[])
            .await;
        res.assert_status(403);
        app.get(&format!("/people/{hidden}"))
            .await
            .assert_status(404);
        // Their own person is created, edited and deleted.
        let fields = [("name", "Oma Henkilö"), ("email", "oma@example.fi")];
        let res = app.post_form("/people", &fields).await;
        res.assert_status(303);
        let page = app.get(&res.location()).await;
        assert!(
            page.body.contains("Koollekutsuja ry"),
            "linked to the editor's organisation"
        );
        let id = id_in(&res.location());
        let res = app
            .post_form(&format!("/people/{id}/edit"), &[("name", "Oma 2")])
            .await;
        res.assert_status(303);
        let res = app.post_form(&format!("/people/{id}/delete"), &[]).await;
        res.assert_status(303);
        app.get(&format!("/people/{id}")).await.assert_status(404);
        assert_eq!(app.audit_count("person", "create").await, 3);
        assert_eq!(app.audit_count("person", "update").await, 1);
        assert_eq!(app.audit_count("person", "delete").await, 1);
    }
);

both!(
    a_person_form_with_errors_is_shown_again_with_the_typed_values,
    |app| async move {
        app.add_user("k@example.fi", Role::Coordinator, None, None)
            .await;
        app.sign_in("k@example.fi").await;
        let org = app.add_org("Valittu ry", "ngo").await;
        let org_s = org.to_string();
        let fields = [
            ("name", ""),
            ("title", "Kirjoitettu nimike"),
            ("email", "ei-osoite"),
            ("consent_date", "2026-02-31"),
            ("organisations", org_s.as_str()),
            ("lived_experience", "on"),
        ];
        let res = app.post_form("/people?lang=en", &fields).await;
        res.assert_status(422);
        assert!(
            res.body.contains("value=\"Kirjoitettu nimike\""),
            "typed value lost"
        );
        assert!(res.body.contains("value=\"2026-02-31\""));
        assert!(
            res.body.contains(&format!("value=\"{org}\" checked")),
            "choice lost"
        );
        assert!(
            res.body
                .contains("aria-describedby=\"lived_experience-hint\" checked")
        );
        assert!(res.body.contains("id=\"name-error\"") && res.body.contains("id=\"email-error\""));
        assert!(
            res.body.contains("href=\"#consent_date\""),
            "the summary links the field"
        );
        assert_eq!(app.audit_count("person", "create").await, 0);
        let token = app.token_for("k@example.fi").await;
        let body = json!({"name": "A", "phone": "soita"});
        let api = api_send(&app, Method::POST, &token, "/people", body).await;
        api.assert_status(422);
        assert!(api.json()["details"]["phone"].is_string(), "{}", api.body);
    }
);

both!(
    deleting_a_person_with_history_keeps_the_history_anonymous,
    |app| async move {
        let app = app.with_demo().await;
        // Liisa's Mente membership has ended; it is history, which stays without her.
        let liisa = person_id(&app, "Liisa Kuvitteellinen").await;
        let mente: i64 = tuuli::with_db!(&app.db, p => sqlx::query_scalar("SELECT group_id FROM memberships WHERE person_id = $1").bind(liisa).fetch_one(p).await).unwrap();
        sign_in_demo(&app, "koordinaattori@example.fi").await;
        let res = app
            .post_form(&format!("/people/{liisa}/delete?lang=en"), &[])
            .await;
        res.assert_status(303);
        assert_eq!(app.audit_count("person", "delete").await, 1);
        let token = app.token_for("koordinaattori@example.fi").await;
        let members = app
            .api(
                Method::GET,
                &format!("/api/v1/groups/{mente}/memberships"),
                Some(&token),
                None,
            )
            .await
            .json();
        assert!(
            members
                .as_array()
                .unwrap()
                .iter()
                .any(|m| m["person_name"] == "" && m["active"] == false),
            "{members}"
        );
        let path = format!("/api/v1/people/{liisa}");
        app.api(Method::GET, &path, Some(&token), None)
            .await
            .assert_status(404);
        let id = add_person(&app, &token, json!({"name": "Poistettava"})).await;
        let path = format!("/api/v1/people/{id}");
        let res = app.api(Method::DELETE, &path, Some(&token), None).await;
        res.assert_status(204);
        assert_eq!(app.audit_count("person", "delete").await, 2);
    }
);
