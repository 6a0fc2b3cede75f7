//! Tests for groups and memberships: public groups without members, members for those who
//! may see them, masked lived-experience roles, edit rights, conflicts and the audit log.

use axum::http::Method;
use serde_json::{Value, json};
use tuuli::auth::Role;

use crate::both;
use crate::helpers::TestApp;
use crate::people::{api_get, api_send, id_in, id_of, sign_in_demo};

const COORDINATION: &str = "Ehkäisevän työn seutukoordinaatioryhmä";
const DIGI: &str = "Digi- ja rahapelihaittojen ehkäisyn asiantuntijaryhmä";
const MENTE: &str = "Mielenterveys- ja päihdeasiantuntijaryhmä";

async fn group_id(app: &TestApp, name: &str) -> i64 {
    id_of(app, "SELECT id FROM work_groups WHERE name_fi = $1", name).await
}

/// A coordinator, two organisations with an editor each, and a group convened by the
/// first; returns (coordinator token, own org, other org, group id).
async fn convened_group(app: &TestApp) -> (String, i64, i64, i64) {
    let own = app.add_org("Koollekutsuja ry", "ngo").await;
    let other = app.add_org("Toinen ry", "ngo").await;
    app.add_user("k@example.fi", Role::Coordinator, None, None)
        .await;
    app.add_user("ed@example.fi", Role::Editor, Some(own), None)
        .await;
    app.add_user("muu@example.fi", Role::Editor, Some(other), None)
        .await;
    let coord = app.token_for("k@example.fi").await;
    let body = json!({"name_fi": "Testiryhmä", "group_type": "expert", "status": "active",
                      "convener_id": own, "themes": ["violence"]});
    let res = api_send(app, Method::POST, &coord, "/groups", body).await;
    res.assert_status(201);
    (coord, own, other, res.json()["id"].as_i64().unwrap())
}

async fn add_person(app: &TestApp, token: &str, name: &str, org: i64) -> i64 {
    let body = json!({"name": name, "organisations": [org]});
    let res = api_send(app, Method::POST, token, "/people", body).await;
    res.assert_status(201);
    res.json()["id"].as_i64().unwrap()
}

/// A group's memberships as seen through the API by the holder of `token`.
async fn members(app: &TestApp, token: &str, group: i64) -> Value {
    let res = api_get(app, Some(token), &format!("/groups/{group}/memberships")).await;
    res.assert_status(200);
    res.json()
}

/// The id of a person's current membership in a group.
async fn membership_id(app: &TestApp, token: &str, group: i64, name: &str) -> i64 {
    let list = members(app, token, group).await;
    let found = list
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["person_name"] == name && m["active"] == true);
    found.and_then(|m| m["id"].as_i64()).expect("membership")
}

fn role_of(list: &Value, name: &str) -> Value {
    let found = list
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["person_name"] == name);
    found.map(|m| m["role"].clone()).expect("listed")
}

both!(
    the_public_sees_groups_but_not_their_members,
    |app| async move {
        let app = app.with_demo().await;
        let digi = group_id(&app, DIGI).await;
        let list = app.get("/groups").await;
        list.assert_status(200);
        assert!(list.body.contains(COORDINATION) && list.body.contains(MENTE));
        let page = app.get(&format!("/groups/{digi}")).await;
        page.assert_status(200);
        assert!(page.body.contains(DIGI));
        assert!(!page.body.contains("Kalle Kokemus") && !page.body.contains("Matti Testinen"));
        assert!(!page.body.contains("id=\"members\""));
        assert!(page.body.contains(&format!("/meetings?group={digi}")));
        assert!(page.body.contains(&format!("/groups/{digi}/meetings.ics")));
        let json = api_get(&app, None, &format!("/groups/{digi}")).await;
        json.assert_status(200);
        assert_eq!(json.json()["themes"], json!(["gambling"]));
        assert!(!json.body.contains("Kalle"));
        let res = api_get(&app, None, &format!("/groups/{digi}/memberships")).await;
        res.assert_status(401);
        // The home page's statuses are localised by this module's keys.
        assert!(
            app.get("/?lang=en")
                .await
                .body
                .contains("Under negotiation")
        );
    }
);

both!(
    a_member_sees_their_groups_members_but_not_other_groups,
    |app| async move {
        let app = app.with_demo().await;
        let coordination = group_id(&app, COORDINATION).await;
        let mente = group_id(&app, MENTE).await;
        sign_in_demo(&app, "jasen@example.fi").await;
        let own = app.get(&format!("/groups/{coordination}")).await;
        own.assert_status(200);
        assert!(own.body.contains("id=\"members\"") && own.body.contains("Aino Esimerkki"));
        assert!(
            !own.body.contains("/memberships"),
            "a member gets no membership forms"
        );
        let other = app.get(&format!("/groups/{mente}")).await;
        other.assert_status(200);
        assert!(!other.body.contains("id=\"members\""));
        assert!(!other.body.contains("Helmi Harjoitus"));
        let token = app.token_for("jasen@example.fi").await;
        members(&app, &token, coordination).await;
        let res = api_get(&app, Some(&token), &format!("/groups/{mente}/memberships")).await;
        res.assert_status(403);
        let fields = [("person_id", "1"), ("role", "member")];
        let path = format!("/groups/{coordination}/memberships");
        app.post_form(&path, &fields).await.assert_status(403);
    }
);

both!(
    the_lived_experience_role_is_shown_as_member_to_all_but_coordinators,
    |app| async move {
        let app = app.with_demo().await;
        let digi = group_id(&app, DIGI).await;
        let mente = group_id(&app, MENTE).await;
        // Coordinator: the real role, on the page and in the API.
        sign_in_demo(&app, "koordinaattori@example.fi").await;
        let page = app.get(&format!("/groups/{digi}?lang=en")).await;
        assert!(page.body.contains("Lived-experience expert"));
        let coord = app.token_for("koordinaattori@example.fi").await;
        let list = members(&app, &coord, digi).await;
        assert_eq!(role_of(&list, "Kalle Kokemus"), "lived_experience");
        // A member of the group: Kalle is listed as a member.
        sign_in_demo(&app, "jasen@example.fi").await;
        let page = app.get(&format!("/groups/{digi}?lang=en")).await;
        assert!(page.body.contains("Kalle Kokemus"));
        assert!(
            !page.body.contains("Lived-experience expert"),
            "{}",
            page.body
        );
        let token = app.token_for("jasen@example.fi").await;
        let list = members(&app, &token, digi).await;
        assert_eq!(role_of(&list, "Kalle Kokemus"), "member");
        assert!(!list.to_string().contains("lived_experience"));
        // An editor of the convener (Mente) sees the members, roles masked, and cannot
        // give the role.
        let sql = "SELECT id FROM organisations WHERE name_fi LIKE $1";
        let mente_org = id_of(&app, sql, "Mente%").await;
        app.add_user("mente@example.fi", Role::Editor, Some(mente_org), None)
            .await;
        app.sign_in("mente@example.fi").await;
        let page = app.get(&format!("/groups/{mente}?lang=en")).await;
        assert!(page.body.contains("Helmi Harjoitus") && page.body.contains("Add a member"));
        assert!(
            !page.body.contains("Lived-experience expert"),
            "{}",
            page.body
        );
        assert!(!page.body.contains("lived_experience"), "{}", page.body);
        let helmi = membership_id(&app, &coord, mente, "Helmi Harjoitus").await;
        let edit_path = format!("/groups/{mente}/memberships/{helmi}/edit");
        let edit = app.get(&format!("{edit_path}?lang=en")).await;
        edit.assert_status(200);
        assert!(!edit.body.contains("lived_experience"));
        assert!(!edit.body.contains("Lived-experience expert"));
        // Saving the masked role keeps the stored one.
        let fields = [("role", "member"), ("start_date", "2025-01-01")];
        app.post_form(&edit_path, &fields).await.assert_status(303);
        let path = format!("/groups/{mente}/memberships/{helmi}");
        let one = api_get(&app, Some(&coord), &path).await.json();
        assert_eq!(one["role"], "lived_experience");
        assert_eq!(one["start_date"], "2025-01-01");
    }
);

both!(
    a_duplicate_open_membership_is_refused_and_ending_one_keeps_it_as_history,
    |app| async move {
        let (coord, own, _, gid) = convened_group(&app).await;
        let pid = add_person(&app, &coord, "Jaana Jäsen", own).await;
        let pid_s = pid.to_string();
        let add = format!("/groups/{gid}/memberships");
        app.sign_in("k@example.fi").await;
        let fields = [
            ("person_id", pid_s.as_str()),
            ("role", "chair"),
            ("start_date", "2025-01-01"),
        ];
        app.post_form(&add, &fields).await.assert_status(303);
        let again = app.post_form(&format!("{add}?lang=en"), &fields).await;
        again.assert_status(409);
        assert!(again.body.contains("already a member"), "{}", again.body);
        assert!(
            again.body.contains("<h1>Testiryhmä"),
            "the group page is shown again"
        );
        let body = json!({"person_id": pid, "role": "member"});
        let api = api_send(&app, Method::POST, &coord, &add, body).await;
        api.assert_status(409);
        assert!(
            api.json()["error"].as_str().unwrap().contains("jäsen"),
            "{}",
            api.body
        );
        // End it: it moves to the earlier members, and a new membership can start.
        let mid = membership_id(&app, &coord, gid, "Jaana Jäsen").await;
        let res = app.post_form(&format!("{add}/{mid}/end"), &[]).await;
        res.assert_status(303);
        let page = app.get(&format!("/groups/{gid}?lang=en")).await;
        let (current, earlier) = page
            .body
            .split_once("id=\"earlier-members\"")
            .expect("history");
        assert!(earlier.contains("Jaana Jäsen"), "{}", page.body);
        assert!(
            current.contains("The group has no current members."),
            "{}",
            page.body
        );
        let fields = [("person_id", pid_s.as_str()), ("role", "member")];
        app.post_form(&add, &fields).await.assert_status(303);
        let list = members(&app, &coord, gid).await;
        let mine: Vec<_> = list
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["person_id"] == pid)
            .collect();
        assert_eq!(mine.len(), 2);
        assert_eq!(mine.iter().filter(|m| m["active"] == true).count(), 1);
        let ended = mine
            .iter()
            .find(|m| m["active"] == false)
            .expect("history kept");
        assert!(ended["role"] == "chair" && ended["end_date"].is_string());
        assert_eq!(app.audit_count("membership", "create").await, 2);
        assert_eq!(app.audit_count("membership", "update").await, 1);
    }
);

both!(
    the_conveners_editor_edits_the_group_and_another_editor_gets_403,
    |app| async move {
        let (_, own, other, gid) = convened_group(&app).await;
        let other_s = other.to_string();
        let fields = [
            ("name_fi", "Testiryhmä"),
            ("group_type", "expert"),
            ("status", "planned"),
            ("convener_id", other_s.as_str()),
            ("themes", "gambling"),
        ];
        let edit = format!("/groups/{gid}/edit");
        app.sign_in("muu@example.fi").await;
        app.get(&edit).await.assert_status(403);
        app.post_form(&edit, &fields).await.assert_status(403);
        let page = app.get(&format!("/groups/{gid}")).await;
        assert!(
            !page.body.contains("id=\"members\""),
            "no members for another editor"
        );
        app.sign_in("ed@example.fi").await;
        app.get(&edit).await.assert_status(200);
        app.post_form(&edit, &fields).await.assert_status(303);
        let g = api_get(&app, None, &format!("/groups/{gid}")).await.json();
        assert_eq!(g["status"], "planned");
        assert_eq!(g["themes"], json!(["gambling"]));
        assert_eq!(
            g["convener_id"], own,
            "an editor cannot hand the group to another"
        );
        assert_eq!(g["convener_name"], "Koollekutsuja ry");
        let res = app.post_form(&format!("/groups/{gid}/delete"), &[]).await;
        res.assert_status(403);
        app.get("/groups/new").await.assert_status(403);
        let body = json!({"name_fi": "Testiryhmä", "group_type": "expert", "status": "active"});
        let path = format!("/groups/{gid}");
        let ed = app.token_for("ed@example.fi").await;
        let res = api_send(&app, Method::PUT, &ed, &path, body.clone()).await;
        res.assert_status(200);
        let muu = app.token_for("muu@example.fi").await;
        let res = api_send(&app, Method::PUT, &muu, &path, body).await;
        res.assert_status(403);
        assert_eq!(app.audit_count("group", "update").await, 2);
    }
);

both!(
    only_coordinators_give_the_lived_experience_role,
    |app| async move {
        let (coord, own, _, gid) = convened_group(&app).await;
        let pid = add_person(&app, &coord, "Kaija Kokemus", own).await;
        let pid_s = pid.to_string();
        let add = format!("/groups/{gid}/memberships");
        app.sign_in("ed@example.fi").await;
        let fields = [
            ("person_id", pid_s.as_str()),
            ("role", "lived_experience"),
            ("start_date", "2025-02-03"),
        ];
        let res = app.post_form(&add, &fields).await;
        res.assert_status(422);
        assert!(
            res.body.contains("id=\"role-error\"") && res.body.contains("value=\"2025-02-03\"")
        );
        let ed = app.token_for("ed@example.fi").await;
        let body = json!({"person_id": pid, "role": "lived_experience"});
        api_send(&app, Method::POST, &ed, &add, body)
            .await
            .assert_status(422);
        let body = json!({"person_id": pid, "role": "member"});
        api_send(&app, Method::POST, &ed, &add, body)
            .await
            .assert_status(201);
        let mid = membership_id(&app, &coord, gid, "Kaija Kokemus").await;
        let path = format!("{add}/{mid}");
        let body = json!({"role": "lived_experience"});
        api_send(&app, Method::PUT, &coord, &path, body)
            .await
            .assert_status(200);
        let as_editor = api_get(&app, Some(&ed), &path).await.json();
        assert_eq!(as_editor["role"], "member");
    }
);

both!(
    invalid_group_and_membership_input_is_shown_again_with_the_typed_values,
    |app| async move {
        let (coord, own, _, gid) = convened_group(&app).await;
        app.sign_in("k@example.fi").await;
        let fields = [
            ("name_fi", ""),
            ("name_sv", "Kvar text"),
            ("group_type", "club"),
            ("status", "active"),
            ("description", "Säilyvä kuvaus"),
        ];
        let res = app.post_form("/groups", &fields).await;
        res.assert_status(422);
        assert!(res.body.contains("value=\"Kvar text\"") && res.body.contains("Säilyvä kuvaus"));
        assert!(res.body.contains("id=\"name_fi-error\""));
        assert!(res.body.contains("id=\"group_type-error\""));
        let fields = [
            ("name_fi", "testiryhmä"),
            ("group_type", "expert"),
            ("status", "active"),
        ];
        app.post_form("/groups", &fields).await.assert_status(409);
        let pid = add_person(&app, &coord, "Päivi Päivä", own).await;
        let add = format!("/groups/{gid}/memberships");
        let body = json!({"person_id": pid, "role": "member", "start_date": "2026-05-01", "end_date": "2026-04-01"});
        let bad = api_send(&app, Method::POST, &coord, &add, body).await;
        bad.assert_status(422);
        assert!(
            bad.json()["details"]["end_date"].is_string(),
            "{}",
            bad.body
        );
        let body = json!({"person_id": pid, "role": "boss"});
        api_send(&app, Method::POST, &coord, &add, body)
            .await
            .assert_status(422);
        assert_eq!(app.audit_count("group", "create").await, 1);
        assert_eq!(app.audit_count("membership", "create").await, 0);
    }
);

both!(
    a_group_in_use_is_not_deleted_and_an_empty_one_is,
    |app| async move {
        let app = app.with_demo().await;
        let mente = group_id(&app, MENTE).await;
        sign_in_demo(&app, "koordinaattori@example.fi").await;
        let res = app
            .post_form(&format!("/groups/{mente}/delete?lang=en"), &[])
            .await;
        res.assert_status(409);
        assert!(res.body.contains("memberships or meetings"), "{}", res.body);
        let token = app.token_for("koordinaattori@example.fi").await;
        let path = format!("/api/v1/groups/{mente}");
        let res = app.api(Method::DELETE, &path, Some(&token), None).await;
        res.assert_status(409);
        let fields = [
            ("name_fi", "Tyhjä ryhmä"),
            ("group_type", "other"),
            ("status", "planned"),
        ];
        let res = app.post_form("/groups", &fields).await;
        res.assert_status(303);
        let id = id_in(&res.location());
        let res = app.post_form(&format!("/groups/{id}/delete"), &[]).await;
        res.assert_status(303);
        app.get(&format!("/groups/{id}")).await.assert_status(404);
        assert_eq!(app.audit_count("group", "delete").await, 1);
        // A removed membership is audited too.
        let mid = membership_id(&app, &token, mente, "Aino Esimerkki").await;
        let res = app
            .post_form(&format!("/groups/{mente}/memberships/{mid}/delete"), &[])
            .await;
        res.assert_status(303);
        assert_eq!(app.audit_count("membership", "delete").await, 1);
    }
);

both!(
    groups_are_filtered_by_theme_status_and_type,
    |app| async move {
        let app = app.with_demo().await;
        let total = |v: Value| v["total"].clone();
        let gambling = api_get(&app, None, "/groups?theme=gambling").await.json();
        assert_eq!(total(gambling), 2, "the coordination group has every theme");
        let q = "/groups?theme=gambling&type=expert";
        assert_eq!(total(api_get(&app, None, q).await.json()), 1);
        assert_eq!(
            total(
                api_get(&app, None, "/groups?status=negotiation")
                    .await
                    .json()
            ),
            1
        );
        assert_eq!(
            total(
                api_get(&app, None, "/groups?type=coordination")
                    .await
                    .json()
            ),
            1
        );
        let q = "/groups?theme=mental-health&type=expert";
        let mente = api_get(&app, None, q).await.json();
        assert_eq!(mente["items"][0]["name_fi"], MENTE);
        assert!(
            mente["items"][0]["convener_name"]
                .as_str()
                .unwrap()
                .starts_with("Mente")
        );
        let page = app.get("/groups?status=negotiation").await;
        assert!(page.body.contains("Perhe- ja lähisuhdeväkivallan") && !page.body.contains(MENTE));
    }
);

both!(
    the_group_page_lists_coming_meetings_the_viewer_may_see,
    |app| async move {
        let app = app.with_demo().await;
        let gid = id_of(
            &app,
            "SELECT id FROM work_groups WHERE name_fi LIKE $1",
            "Digi-%",
        )
        .await;
        // The gambling group's only coming meeting is internal (demo data).
        let public = app.get(&format!("/groups/{gid}")).await;
        public.assert_status(200);
        assert!(
            !public.body.contains("asiantuntijaryhmä (esimerkki)"),
            "internal meeting leaked"
        );
        assert!(public.body.contains("Ryhmällä ei ole tulevia kokouksia"));
        sign_in_demo(&app, "jasen@example.fi").await;
        let member = app.get(&format!("/groups/{gid}")).await;
        assert!(
            member
                .body
                .contains("Digi- ja rahapelihaittojen asiantuntijaryhmä (esimerkki)"),
            "member misses the internal meeting"
        );
        assert!(member.body.contains("(Sisäinen)"));
        assert!(
            !member.body.contains("/meetings/new?group="),
            "a member cannot add meetings"
        );
    }
);
