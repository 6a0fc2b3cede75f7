//! What the public reads of a plan's saved reports through the API: published reports
//! only, and never the coordinators' working narratives.

use axum::http::Method;
use serde_json::json;

use crate::both;
use crate::plan_update::{coordinator_token, plan_with_actions};

both!(
    the_public_report_list_never_shows_narratives_edited_since_publishing,
    |app| async move {
        let token = coordinator_token(&app).await;
        let org = app.add_org("Vastuu ry", "ngo").await;
        let t = plan_with_actions(&app, &token, org, &["Eka"], "2024-01-01").await;
        let plan = t.plan;
        let res = app
            .api(
                Method::POST,
                &format!("/api/v1/plans/{plan}/reports"),
                Some(&token),
                Some(json!({"from_year": 2024, "to_year": 2024})),
            )
            .await;
        res.assert_status(201);
        let rid = res.json()["id"].as_i64().unwrap();
        let narratives = format!("/api/v1/plans/{plan}/reports/{rid}/narratives");
        app.api(
            Method::PUT,
            &narratives,
            Some(&token),
            Some(json!({"version": 1, "narratives": {"intro": "Julkaistu johdanto"}})),
        )
        .await
        .assert_status(200);
        app.api(
            Method::POST,
            &format!("/api/v1/plans/{plan}/reports/{rid}/publish"),
            Some(&token),
            None,
        )
        .await
        .assert_status(201);
        app.api(
            Method::PUT,
            &narratives,
            Some(&token),
            Some(json!({"version": 2, "narratives": {"intro": "Keskeneräinen luonnos"}})),
        )
        .await
        .assert_status(200);
        let list = format!("/api/v1/plans/{plan}/reports");
        let public = app.api(Method::GET, &list, None, None).await;
        public.assert_status(200);
        let body = public.json();
        assert_eq!(body.as_array().unwrap().len(), 1, "{body}");
        assert!(
            !body.to_string().contains("Keskeneräinen luonnos"),
            "{body}"
        );
        assert_eq!(body[0]["narratives"], json!({}));
        let published = app
            .api(
                Method::GET,
                &format!("/api/v1/plans/{plan}/reports/{rid}/published"),
                None,
                None,
            )
            .await;
        published.assert_status(200);
        assert!(published.body.contains("Julkaistu johdanto"));
        assert!(!published.body.contains("Keskeneräinen luonnos"));
        let signed_in = app.api(Method::GET, &list, Some(&token), None).await.json();
        assert_eq!(signed_in[0]["narratives"]["intro"], "Keskeneräinen luonnos");
    }
);
