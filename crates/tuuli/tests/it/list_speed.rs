//! The organisation list's municipality filter, rendered once per language and kept
//! (`AppState::municipality_options`): each language gets its own names, the requested
//! area (only it) is marked, and a change to the areas shows on the next page.

use axum::http::Method;
use serde_json::json;
use tuuli::auth::Role;

use crate::both;

both!(
    the_municipality_filter_is_kept_per_language_and_follows_area_changes,
    |app| async move {
        app.add_user("coord@example.fi", Role::Coordinator, None, None)
            .await;
        let token = app.token_for("coord@example.fi").await;
        let res = app
            .api(
                Method::POST,
                "/api/v1/areas",
                Some(&token),
                Some(json!({"kind": "municipality", "name_fi": "Testikylä", "name_sv": "Testby", "official_code": "T-01"})),
            )
            .await;
        res.assert_status(201);
        let id = res.json()["id"].as_i64().unwrap();
        let version = res.json()["version"].as_i64().unwrap();
        let option = format!("<option value=\"{id}\">");
        let chosen = format!("<option value=\"{id}\" selected>");

        // Finnish, then Swedish, then Finnish again: each from its own rendering.
        for (lang, name, other) in [
            ("fi", "Testikylä", "Testby"),
            ("sv", "Testby", "Testikylä"),
            ("fi", "Testikylä", "Testby"),
        ] {
            let page = app.get(&format!("/organisations?lang={lang}")).await;
            page.assert_status(200);
            assert!(
                page.body.contains(&format!("{option}{name}</option>")),
                "{lang}: {}",
                page.body
            );
            assert!(!page.body.contains(other), "{lang}");
            assert!(!page.body.contains(" selected>"), "{lang}: nothing chosen");
        }

        // The requested area is marked, and only it; text that is no id marks nothing.
        let page = app.get(&format!("/organisations?lang=sv&area={id}")).await;
        page.assert_status(200);
        assert!(page.body.contains(&format!("{chosen}Testby</option>")));
        assert_eq!(page.body.matches(" selected>").count(), 1);
        let page = app.get("/organisations?lang=fi").await;
        assert!(!page.body.contains(&chosen), "the mark is not kept");
        for odd in [format!("{id}%22"), format!("0{id}"), format!("%20{id}")] {
            let page = app.get(&format!("/organisations?lang=fi&area={odd}")).await;
            assert!(!page.body.contains(" selected>"), "area={odd}");
        }

        // A renamed municipality shows under its new name on the next page.
        let res = app
            .api(
                Method::PUT,
                &format!("/api/v1/areas/{id}"),
                Some(&token),
                Some(json!({"kind": "municipality", "name_fi": "Uusikylä", "name_sv": "Nyby", "official_code": "T-01", "version": version})),
            )
            .await;
        res.assert_status(200);
        let page = app.get("/organisations?lang=fi").await;
        assert!(page.body.contains(&format!("{option}Uusikylä</option>")));
        assert!(!page.body.contains("Testikylä"));
        let page = app.get("/organisations?lang=sv").await;
        assert!(page.body.contains(&format!("{option}Nyby</option>")));
    }
);
