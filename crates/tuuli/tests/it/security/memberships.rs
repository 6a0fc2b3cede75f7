//! Memberships: access from the start date through the end date, no overlapping periods
//! even under concurrency, and a hidden role that an editor cannot wipe.

use axum::http::Method;
use serde_json::{Value, json};
use tower::ServiceExt;
use tuuli::auth::Role;

use crate::both;
use crate::helpers::TestApp;
use crate::people::{api_get, api_send};

/// A coordinator, a convening organisation with an editor, a group and a person.
/// Returns (coordinator token, editor token, group id, person id).
async fn setup(app: &TestApp) -> (String, String, i64, i64) {
    let org = app.add_org("Koollekutsuja ry", "ngo").await;
    app.add_user("k@example.fi", Role::Coordinator, None, None)
        .await;
    app.add_user("ed@example.fi", Role::Editor, Some(org), None)
        .await;
    let coord = app.token_for("k@example.fi").await;
    let ed = app.token_for("ed@example.fi").await;
    let body = json!({"name_fi": "Testiryhmä", "group_type": "expert", "status": "active", "convener_id": org, "themes": ["violence"]});
    let g = api_send(app, Method::POST, &coord, "/groups", body).await;
    g.assert_status(201);
    let p = api_send(
        app,
        Method::POST,
        &coord,
        "/people",
        json!({"name": "Jaana Jäsen", "organisations": [org]}),
    )
    .await;
    p.assert_status(201);
    (
        coord,
        ed,
        g.json()["id"].as_i64().unwrap(),
        p.json()["id"].as_i64().unwrap(),
    )
}

both!(
    a_membership_that_has_not_started_grants_nothing_yet,
    |app| async move {
        let (coord, _, gid, pid) = setup(&app).await;
        app.add_user("j@example.fi", Role::Member, None, Some(pid))
            .await;
        let member = app.token_for("j@example.fi").await;
        let path = format!("/groups/{gid}/memberships");
        let body = json!({"person_id": pid, "role": "member", "start_date": "2030-01-01"});
        let res = api_send(&app, Method::POST, &coord, &path, body).await;
        res.assert_status(201);
        assert_eq!(res.json()["active"], false);
        let seen = api_get(&app, Some(&member), &path).await;
        assert_ne!(
            seen.status.as_u16(),
            200,
            "a future member sees the members: {}",
            seen.body
        );
        // Moved to start today, it grants access today, through its end date.
        let mid = res.json()["id"].as_i64().unwrap();
        let today = tuuli::core::time::local_now().date().to_string();
        let body = json!({"role": "member", "start_date": "2025-01-01", "end_date": today});
        api_send(&app, Method::PUT, &coord, &format!("{path}/{mid}"), body)
            .await
            .assert_status(200);
        api_get(&app, Some(&member), &path).await.assert_status(200);
    }
);

both!(
    concurrent_creates_never_make_overlapping_memberships,
    |app| async move {
        let (coord, _, gid, pid) = setup(&app).await;
        let path = format!("/api/v1/groups/{gid}/memberships");
        let mut tasks = Vec::new();
        for _ in 0..20 {
            let body = json!({"person_id": pid, "role": "member", "start_date": "2026-01-01", "end_date": "2026-12-31"});
            let req = axum::http::Request::post(&path)
                .header("authorization", format!("Bearer {coord}"))
                .header("content-type", "application/json")
                .body(axum::body::Body::from(body.to_string()))
                .unwrap();
            let router = app.router.clone();
            tasks.push(tokio::spawn(async move {
                router.oneshot(req).await.unwrap().status().as_u16()
            }));
        }
        let mut codes = Vec::new();
        for t in tasks {
            codes.push(t.await.unwrap());
        }
        assert_eq!(codes.iter().filter(|c| **c == 201).count(), 1, "{codes:?}");
        assert!(codes.iter().all(|c| *c == 201 || *c == 409), "{codes:?}");
        let n: i64 = tuuli::with_db!(&app.db, p => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM memberships WHERE person_id = $1").bind(pid).fetch_one(p).await).unwrap();
        assert_eq!(n, 1);
        // A later, separate period is fine; one reaching back into the first is not.
        let later = json!({"person_id": pid, "role": "member", "start_date": "2027-01-01"});
        api_send(
            &app,
            Method::POST,
            &coord,
            &format!("/groups/{gid}/memberships"),
            later,
        )
        .await
        .assert_status(201);
        let overlapping = json!({"person_id": pid, "role": "chair", "start_date": "2025-06-01", "end_date": "2026-01-01"});
        api_send(
            &app,
            Method::POST,
            &coord,
            &format!("/groups/{gid}/memberships"),
            overlapping,
        )
        .await
        .assert_status(409);
    }
);

both!(
    an_editor_cannot_overwrite_a_role_they_cannot_see,
    |app| async move {
        let (coord, ed, gid, pid) = setup(&app).await;
        let path = format!("/groups/{gid}/memberships");
        let body =
            json!({"person_id": pid, "role": "lived_experience", "start_date": "2025-01-01"});
        let mid = api_send(&app, Method::POST, &coord, &path, body)
            .await
            .json()["id"]
            .as_i64()
            .unwrap();
        let one = format!("{path}/{mid}");
        let seen: Value = api_get(&app, Some(&ed), &one).await.json();
        assert_eq!(seen["role"], "member", "masked for the editor");
        for role in ["chair", "member", "secretary"] {
            let body = json!({"role": role, "start_date": "2025-02-01"});
            api_send(&app, Method::PUT, &ed, &one, body)
                .await
                .assert_status(200);
            let stored: Value = api_get(&app, Some(&coord), &one).await.json();
            assert_eq!(stored["role"], "lived_experience", "after {role}");
            assert_eq!(
                stored["start_date"], "2025-02-01",
                "the dates are the editor's to change"
            );
        }
        // Through the form too.
        app.sign_in("ed@example.fi").await;
        let res = app
            .post_form(
                &format!("/groups/{gid}/memberships/{mid}/edit"),
                &[("role", "chair"), ("start_date", "2025-03-01")],
            )
            .await;
        res.assert_status(303);
        let stored: Value = api_get(&app, Some(&coord), &one).await.json();
        assert_eq!(stored["role"], "lived_experience");
        // A coordinator changes it.
        api_send(&app, Method::PUT, &coord, &one, json!({"role": "chair"}))
            .await
            .assert_status(200);
        assert_eq!(
            api_get(&app, Some(&coord), &one).await.json()["role"],
            "chair"
        );
    }
);
