use axum::http::Method;
use serde_json::json;
use tuuli::auth::Role;

use crate::both;

both!(
    a_coordinator_creates_an_organisation_with_the_form_and_it_is_audited,
    |app| async move {
        app.add_user("k@example.fi", Role::Coordinator, None, None)
            .await;
        app.sign_in("k@example.fi").await;
        let res = app
            .post_form(
                "/organisations",
                &[
                    ("name_fi", "Päihdetyön Tuki ry"),
                    ("name_sv", "Missbruksstöd rf"),
                    ("org_type", "ngo"),
                    ("themes", "substances"),
                    ("themes", "gambling"),
                ],
            )
            .await;
        res.assert_status(303);
        let page = app.get(&res.location()).await;
        page.assert_status(200);
        assert!(page.body.contains("Päihdetyön Tuki ry") && page.body.contains("Tallennettu"));
        let list = app.get("/organisations?theme=gambling").await;
        assert!(list.body.contains("Päihdetyön Tuki ry"));
        let list = app.get("/organisations?theme=violence").await;
        assert!(!list.body.contains("Päihdetyön Tuki ry"));
        assert_eq!(app.audit_count("organisation", "create").await, 1);
    }
);

both!(
    creating_an_organisation_without_a_name_shows_the_form_again_with_the_typed_values,
    |app| async move {
        app.add_user("k@example.fi", Role::Coordinator, None, None)
            .await;
        app.sign_in("k@example.fi").await;
        let res = app
            .post_form(
                "/organisations?lang=en",
                &[
                    ("name_fi", ""),
                    ("name_sv", "Behållen text"),
                    ("org_type", "ngo"),
                    ("website", "ftp://x"),
                ],
            )
            .await;
        res.assert_status(422);
        assert!(
            res.body.contains("value=\"Behållen text\""),
            "typed value lost"
        );
        assert!(res.body.contains("id=\"name_fi-error\""));
        assert!(res.body.contains("aria-invalid=\"true\""));
        assert!(res.body.contains("Fill in this field") || res.body.contains("Täytä tämä kenttä"));
        assert_eq!(app.audit_count("organisation", "create").await, 0);
    }
);

both!(
    a_duplicate_organisation_in_the_same_area_is_a_conflict,
    |app| async move {
        app.add_user("adm@example.fi", Role::Admin, None, None)
            .await;
        let token = app.token_for("adm@example.fi").await;
        let body = json!({"name_fi": "Sama ry", "org_type": "ngo"});
        app.api(
            Method::POST,
            "/api/v1/organisations",
            Some(&token),
            Some(body.clone()),
        )
        .await
        .assert_status(201);
        let res = app
            .api(
                Method::POST,
                "/api/v1/organisations",
                Some(&token),
                Some(json!({"name_fi": "sama RY", "org_type": "ngo"})),
            )
            .await;
        res.assert_status(409);
        assert!(
            res.json()["error"]
                .as_str()
                .unwrap()
                .contains("organisaatio"),
            "{}",
            res.body
        );
        app.sign_in("adm@example.fi").await;
        let res = app
            .post_form(
                "/organisations",
                &[("name_fi", "Sama ry"), ("org_type", "ngo")],
            )
            .await;
        res.assert_status(409);
        assert!(res.body.contains("Samalla alueella on jo"));
    }
);

both!(
    the_api_creates_reads_updates_and_deletes_organisations,
    |app| async move {
        app.add_user("adm@example.fi", Role::Admin, None, None)
            .await;
        let token = app.token_for("adm@example.fi").await;
        let res = app.api(Method::POST, "/api/v1/organisations", Some(&token), Some(json!({"name_fi": "API ry", "org_type": "ngo", "themes": ["violence"], "website": "https://api.example.fi"}))).await;
        res.assert_status(201);
        let id = res.json()["id"].as_i64().unwrap();
        let got = app
            .api(
                Method::GET,
                &format!("/api/v1/organisations/{id}"),
                None,
                None,
            )
            .await;
        got.assert_status(200);
        assert_eq!(got.json()["themes"], json!(["violence"]));
        let upd = app
            .api(
                Method::PUT,
                &format!("/api/v1/organisations/{id}"),
                Some(&token),
                Some(json!({"name_fi": "API ry 2", "org_type": "foundation"})),
            )
            .await;
        upd.assert_status(200);
        assert_eq!(upd.json()["org_type"], "foundation");
        let list = app
            .api(
                Method::GET,
                "/api/v1/organisations?type=foundation&per_page=1",
                None,
                None,
            )
            .await
            .json();
        assert_eq!(list["total"], 1);
        assert_eq!(list["per_page"], 1);
        app.api(
            Method::DELETE,
            &format!("/api/v1/organisations/{id}"),
            Some(&token),
            None,
        )
        .await
        .assert_status(204);
        app.api(
            Method::GET,
            &format!("/api/v1/organisations/{id}"),
            None,
            None,
        )
        .await
        .assert_status(404);
        // Before and after are kept in the audit log.
        let audit = app
            .api(
                Method::GET,
                "/api/v1/audit?entity=organisation",
                Some(&token),
                None,
            )
            .await
            .json();
        let actions: Vec<&str> = audit["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["action"].as_str().unwrap())
            .collect();
        assert_eq!(actions, ["delete", "update", "create"]);
        let upd_entry = &audit["items"][1];
        assert!(
            upd_entry["before_json"]
                .as_str()
                .unwrap()
                .contains("API ry")
        );
        assert!(
            upd_entry["after_json"]
                .as_str()
                .unwrap()
                .contains("API ry 2")
        );
    }
);

both!(
    an_organisation_with_people_or_users_is_not_silently_deleted,
    |app| async move {
        app.add_user("adm@example.fi", Role::Admin, None, None)
            .await;
        let org = app.add_org("Käytössä ry", "ngo").await;
        app.add_user("ed@example.fi", Role::Editor, Some(org), None)
            .await;
        let token = app.token_for("adm@example.fi").await;
        let res = app
            .api(
                Method::DELETE,
                &format!("/api/v1/organisations/{org}"),
                Some(&token),
                None,
            )
            .await;
        res.assert_status(409);
        assert!(
            res.json()["error"]
                .as_str()
                .unwrap()
                .contains("ei poistettu")
        );
        app.api(
            Method::GET,
            &format!("/api/v1/organisations/{org}"),
            None,
            None,
        )
        .await
        .assert_status(200);
    }
);

both!(
    an_editor_edits_their_own_organisation_only,
    |app| async move {
        let own = app.add_org("Oma ry", "ngo").await;
        let other = app.add_org("Muu ry", "ngo").await;
        app.add_user("ed@example.fi", Role::Editor, Some(own), None)
            .await;
        app.sign_in("ed@example.fi").await;
        app.get(&format!("/organisations/{own}/edit"))
            .await
            .assert_status(200);
        app.post_form(
            &format!("/organisations/{own}/edit"),
            &[("name_fi", "Oma ry (uusi nimi)"), ("org_type", "ngo")],
        )
        .await
        .assert_status(303);
        app.get(&format!("/organisations/{other}/edit"))
            .await
            .assert_status(403);
        app.post_form(
            &format!("/organisations/{other}/edit"),
            &[("name_fi", "Kaapattu"), ("org_type", "ngo")],
        )
        .await
        .assert_status(403);
        app.post_form(
            "/organisations",
            &[("name_fi", "Uusi"), ("org_type", "ngo")],
        )
        .await
        .assert_status(403);
        let page = app.get(&format!("/organisations/{other}")).await;
        assert!(page.body.contains("Muu ry"));
    }
);

both!(the_organisation_list_filters_and_pages, |app| async move {
    let app = app.with_demo().await;
    let all = app
        .api(
            Method::GET,
            "/api/v1/organisations?per_page=200",
            None,
            None,
        )
        .await
        .json();
    assert!(all["total"].as_i64().unwrap() >= 14, "{all}");
    let munis = app
        .api(
            Method::GET,
            "/api/v1/organisations?type=municipality",
            None,
            None,
        )
        .await
        .json();
    assert_eq!(munis["total"], 10);
    let p1 = app.get("/organisations?type=municipality").await;
    assert!(p1.body.contains("Sysmän kunta"));
    let page2 = app
        .api(
            Method::GET,
            "/api/v1/organisations?type=municipality&per_page=4&page=3",
            None,
            None,
        )
        .await
        .json();
    assert_eq!(page2["items"].as_array().unwrap().len(), 2);
    assert_eq!(page2["total"], 10);
    let beyond = app
        .api(
            Method::GET,
            "/api/v1/organisations?type=municipality&per_page=4&page=9",
            None,
            None,
        )
        .await
        .json();
    assert_eq!(
        (
            beyond["items"].as_array().unwrap().len(),
            beyond["total"].as_i64()
        ),
        (0, Some(10))
    );
    let none = app
        .api(
            Method::GET,
            "/api/v1/organisations?type=parish&q=zzz",
            None,
            None,
        )
        .await
        .json();
    assert_eq!(none["total"], 0);
    let q = app.get("/organisations?q=sysm").await;
    assert!(q.body.contains("Sysmän kunta") && !q.body.contains("Lahden kaupunki"));
});

both!(
    the_organisation_page_shows_convened_groups_to_all_and_people_only_to_those_who_may_see_them,
    |app| async move {
        let app = app.with_demo().await;
        let mente: i64 = tuuli::with_db!(&app.db, p => sqlx::query_scalar("SELECT id FROM organisations WHERE name_fi LIKE 'Mente%'").fetch_one(p).await).unwrap();
        let public = app.get(&format!("/organisations/{mente}")).await;
        public.assert_status(200);
        assert!(
            public
                .body
                .contains("Mielenterveys- ja päihdeasiantuntijaryhmä"),
            "convened group missing"
        );
        assert!(
            !public.body.contains("Sanna Demo"),
            "people shown to the public"
        );
        app.add_user("k@example.fi", Role::Coordinator, None, None)
            .await;
        app.sign_in("k@example.fi").await;
        let coord = app.get(&format!("/organisations/{mente}")).await;
        assert!(
            coord.body.contains("Sanna Demo") && coord.body.contains("Helmi Harjoitus"),
            "coordinator misses people"
        );
    }
);

both!(
    deleting_from_a_page_asks_first_and_the_form_carries_the_csrf_token,
    |app| async move {
        app.add_user("k@example.fi", Role::Coordinator, None, None)
            .await;
        let org = app.add_org("Poistettava ry", "ngo").await;
        app.sign_in("k@example.fi").await;
        let page = app.get(&format!("/organisations/{org}")).await;
        let token = app.csrf().await;
        // Attribute values are HTML-escaped ("/" as "&#x2f;"); browsers decode them.
        let body = page.body.replace("&#x2f;", "/");
        let confirm = body
            .split("<details class=\"confirm-delete\">")
            .nth(1)
            .expect("a confirmation")
            .split("</details>")
            .next()
            .unwrap()
            .to_owned();
        assert!(confirm.contains("Poistoa ei voi perua"), "{confirm}");
        assert!(
            confirm.contains(&format!("value=\"{token}\"")),
            "the confirmation form lacks the CSRF token: {confirm}"
        );
        assert!(confirm.contains(&format!("action=\"/organisations/{org}/delete\"")));
    }
);

both!(
    a_coordinator_deletes_an_unused_organisation_from_its_page,
    |app| async move {
        app.add_user("k@example.fi", Role::Coordinator, None, None)
            .await;
        let org = app.add_org("Tarpeeton ry", "ngo").await;
        app.sign_in("k@example.fi").await;
        let res = app
            .post_form(&format!("/organisations/{org}/delete"), &[])
            .await;
        res.assert_status(303);
        let list = app.get(&res.location()).await;
        assert!(
            list.body.contains("Organisaatio poistettiin") && !list.body.contains("Tarpeeton ry")
        );
        app.get(&format!("/organisations/{org}"))
            .await
            .assert_status(404);
        assert_eq!(app.audit_count("organisation", "delete").await, 1);
    }
);
