//! Who edits the catalogue and the sets, edits based on an old version, and the audit
//! trail.

use super::*;
use crate::both;

both!(
    only_coordinators_edit_the_catalogue_and_sets,
    |app| async move {
        let id = indicator(&app, "289").await;
        let set = scalar(&app, "SELECT id FROM indicator_sets WHERE key = 'region'").await;
        let body = json!({"polarity": "lower_better"});
        app.api(
            Method::PUT,
            &format!("/api/v1/indicators/{id}"),
            None,
            Some(body.clone()),
        )
        .await
        .assert_status(401);
        app.add_user("jasen@example.fi", Role::Member, None, None)
            .await;
        let member = app.token_for("jasen@example.fi").await;
        app.api(
            Method::PUT,
            &format!("/api/v1/indicators/{id}"),
            Some(&member),
            Some(body.clone()),
        )
        .await
        .assert_status(403);
        app.api(
            Method::PUT,
            &format!("/api/v1/sets/{set}"),
            Some(&member),
            Some(json!({"indicators": [id]})),
        )
        .await
        .assert_status(403);
        assert_eq!(
            app.get(&format!("/api/v1/indicators/{id}")).await.json()["polarity"],
            "none"
        );
        let before = app.audit_count("indicator", "update").await;
        let token = coordinator(&app).await;
        let saved = app
            .api(
                Method::PUT,
                &format!("/api/v1/indicators/{id}"),
                Some(&token),
                Some(body),
            )
            .await;
        saved.assert_status(200);
        assert_eq!(saved.json()["polarity"], "lower_better");
        assert_eq!(app.audit_count("indicator", "update").await, before + 1);
        let s = app
            .api(
                Method::PUT,
                &format!("/api/v1/sets/{set}"),
                Some(&token),
                Some(json!({"indicators": [id, id]})),
            )
            .await;
        s.assert_status(422);
        assert!(s.json()["details"]["indicators"].is_string());
        app.api(
            Method::PUT,
            &format!("/api/v1/sets/{set}"),
            Some(&token),
            Some(json!({"indicators": [999999]})),
        )
        .await
        .assert_status(422);
        let bad = app
            .api(
                Method::PUT,
                &format!("/api/v1/indicators/{id}"),
                Some(&token),
                Some(json!({"polarity": "sideways"})),
            )
            .await;
        bad.assert_status(422);
        // Pages: the edit form is the coordinators' too.
        app.get(&format!("/indicators/{id}/edit"))
            .await
            .assert_status(303);
        app.sign_in("jasen@example.fi").await;
        app.get(&format!("/indicators/{id}/edit"))
            .await
            .assert_status(403);
        app.get(&format!("/indicator-sets/{set}/edit"))
            .await
            .assert_status(403);
    }
);

both!(
    stale_versions_are_refused_and_forms_keep_input,
    |app| async move {
        let id = indicator(&app, "289").await;
        let token = coordinator(&app).await;
        let v1 = app.get(&format!("/api/v1/indicators/{id}")).await.json()["version"]
            .as_i64()
            .unwrap();
        app.api(
            Method::PUT,
            &format!("/api/v1/indicators/{id}"),
            Some(&token),
            Some(json!({"polarity": "higher_better", "version": v1})),
        )
        .await
        .assert_status(200);
        app.api(
            Method::PUT,
            &format!("/api/v1/indicators/{id}"),
            Some(&token),
            Some(json!({"polarity": "lower_better", "version": v1})),
        )
        .await
        .assert_status(409);
        app.sign_in("koord@example.fi").await;
        // A bad value is shown again with what was typed and the message.
        let res = app
            .post_form(
                &format!("/indicators/{id}/edit"),
                &[
                    ("catalogue_polarity", "sideways"),
                    ("catalogue_title_en", "Typed title"),
                    ("version", &(v1 + 1).to_string()),
                ],
            )
            .await;
        res.assert_status(422);
        assert!(
            res.body.contains("Typed title") && res.body.contains("aria-invalid"),
            "{}",
            res.body
        );
        // A stale form: 409 with the saved value shown.
        let res = app
            .post_form(
                &format!("/indicators/{id}/edit"),
                &[
                    ("catalogue_polarity", "none"),
                    ("themes", "gambling"),
                    ("version", &v1.to_string()),
                ],
            )
            .await;
        res.assert_status(409);
        let ok = app
            .post_form(
                &format!("/indicators/{id}/edit"),
                &[
                    ("catalogue_polarity", "none"),
                    ("themes", "gambling"),
                    ("catalogue_title_sv", "Berusad"),
                    ("version", &(v1 + 1).to_string()),
                ],
            )
            .await;
        ok.assert_status(303);
        let ind = app.get(&format!("/api/v1/indicators/{id}")).await.json();
        assert_eq!(
            (
                ind["polarity"].as_str(),
                ind["themes"].clone(),
                ind["title_sv"].as_str()
            ),
            (Some("none"), json!(["gambling"]), Some("Berusad"))
        );
        // The set form: reorder, remove, add by Sotkanet id.
        let set = scalar(&app, "SELECT id FROM indicator_sets WHERE key = 'kuva'").await;
        let form = app.get(&format!("/indicator-sets/{set}/edit")).await;
        form.assert_status(200);
        let first = indicator(&app, "289").await;
        let second = indicator(&app, "288").await;
        let version = app.get(&format!("/api/v1/sets/{set}")).await.json()["version"]
            .as_i64()
            .unwrap()
            .to_string();
        let (f1, f2) = (format!("pos_{first}"), format!("pos_{second}"));
        let bad = app
            .post_form(
                &format!("/indicator-sets/{set}/edit"),
                &[
                    ("member", &first.to_string()),
                    (&f1, "x"),
                    ("catalogue_add", "sotkanet:nope"),
                    ("version", &version),
                ],
            )
            .await;
        bad.assert_status(422);
        assert!(bad.body.contains("sotkanet:nope"), "{}", bad.body);
        let ok = app
            .post_form(
                &format!("/indicator-sets/{set}/edit"),
                &[
                    ("member", &first.to_string()),
                    (&f1, "2"),
                    ("member", &second.to_string()),
                    (&f2, "1"),
                    ("catalogue_add", "sotkanet:3146"),
                    ("version", &version),
                ],
            )
            .await;
        ok.assert_status(303);
        let members: Vec<String> =
            app.get(&format!("/api/v1/sets/{set}")).await.json()["indicators"]
                .as_array()
                .unwrap()
                .iter()
                .map(|i| i["source_id"].as_str().unwrap().to_owned())
                .collect();
        assert_eq!(members, ["288", "289", "3146"]);
        let stale = app
            .post_form(
                &format!("/indicator-sets/{set}/edit"),
                &[
                    ("member", &first.to_string()),
                    (&f1, "1"),
                    ("version", &version),
                ],
            )
            .await;
        stale.assert_status(409);
    }
);
