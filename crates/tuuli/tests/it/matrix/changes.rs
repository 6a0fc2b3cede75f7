//! The rows that change things (run after the reads, in their order).

use axum::http::Method;
use serde_json::json;

use super::calls::{Call, api, form, page, upload};
use super::world::World;

/// The API's changes, jobs, accounts, data subjects' rights and plans, in the order they
/// must run (erasures and sign-out last).
pub(super) fn changes(w: &World) -> Vec<(Call, [u16; 6])> {
    let ok = [200; 6];
    let signed = [401, 200, 200, 200, 200, 200];
    let coord_page = [401, 403, 403, 403, 200, 200];
    let coord_form = [401, 403, 403, 403, 303, 303];
    vec![
        // The API's changes.
        (
            api(
                Method::PUT,
                format!("/api/v1/areas/{}", w.area),
                Some(json!({"kind": "municipality", "name_fi": "Alue 1", "official_code": "M1"})),
            ),
            [401, 403, 403, 403, 200, 200],
        ),
        (
            api(
                Method::DELETE,
                format!("/api/v1/areas/{}", w.area_del),
                None,
            ),
            [401, 403, 403, 403, 204, 204],
        ),
        (
            api(
                Method::POST,
                "/api/v1/people".into(),
                Some(json!({"name": "API-uusi"})),
            ),
            [401, 403, 201, 201, 201, 201],
        ),
        (
            api(
                Method::PUT,
                format!("/api/v1/people/{}", w.person_api),
                Some(json!({"name": "API-henkilö", "organisations": [w.org_a]})),
            ),
            [401, 403, 200, 403, 200, 200],
        ),
        (
            api(
                Method::DELETE,
                format!("/api/v1/people/{}", w.person_del2),
                None,
            ),
            [401, 403, 204, 403, 204, 204],
        ),
        (
            api(
                Method::PUT,
                format!("/api/v1/groups/{}", w.group),
                Some(
                    json!({"name_fi": "Ryhmä G", "group_type": "expert", "status": "active", "convener_id": w.org_a}),
                ),
            ),
            [401, 403, 200, 403, 200, 200],
        ),
        (
            api(
                Method::DELETE,
                format!("/api/v1/groups/{}", w.group_del2),
                None,
            ),
            [401, 403, 403, 403, 204, 204],
        ),
        (
            api(
                Method::GET,
                format!("/api/v1/groups/{}/memberships/{}", w.group, w.membership),
                None,
            ),
            [401, 200, 200, 403, 200, 200],
        ),
        (
            api(
                Method::PUT,
                format!("/api/v1/groups/{}/memberships/{}", w.group, w.membership),
                Some(json!({"role": "chair"})),
            ),
            [401, 403, 200, 403, 200, 200],
        ),
        (
            api(
                Method::POST,
                "/api/v1/meetings".into(),
                Some(
                    json!({"group_id": w.group, "title": "API-kokous", "starts_at": "2030-04-01T10:00", "ends_at": "2030-04-01T11:00"}),
                ),
            ),
            [401, 403, 201, 403, 201, 201],
        ),
        (
            api(
                Method::PUT,
                format!("/api/v1/meetings/{}", w.internal),
                Some(
                    json!({"group_id": w.group, "title": "Kokous", "starts_at": "2030-01-15T10:00", "ends_at": "2030-01-15T12:00"}),
                ),
            ),
            [401, 403, 200, 403, 200, 200],
        ),
        (
            api(
                Method::POST,
                format!("/api/v1/meetings/{}/decisions", w.internal),
                Some(json!({"text": "API-päätös"})),
            ),
            [401, 403, 201, 403, 201, 201],
        ),
        (
            api(
                Method::PUT,
                format!("/api/v1/meetings/{}/attendance", w.internal),
                Some(json!({"present": [w.person_att]})),
            ),
            [401, 403, 200, 403, 200, 200],
        ),
        (
            api(
                Method::DELETE,
                format!("/api/v1/meetings/{}", w.meeting_del),
                None,
            ),
            [401, 403, 204, 403, 204, 204],
        ),
        (
            api(
                Method::DELETE,
                format!("/api/v1/groups/{}/memberships/{}", w.group, w.membership),
                None,
            ),
            [401, 403, 204, 403, 204, 204],
        ),
        // Jobs and uploads.
        (
            page(format!("/jobs/{}", w.job)),
            [401, 404, 404, 404, 404, 200],
        ),
        (
            api(Method::GET, format!("/api/v1/jobs/{}", w.job), None),
            [401, 404, 404, 404, 404, 200],
        ),
        (page("/jobs/checksum".into()), coord_page),
        (upload("/jobs/checksum", false), coord_form),
        (
            upload("/api/v1/jobs/checksum", true),
            [401, 403, 403, 403, 202, 202],
        ),
        // Indicator data imports (coordinators and admins).
        (page("/imports".into()), coord_page),
        (upload("/imports", false), coord_form),
        (
            upload("/api/v1/imports", true),
            [401, 403, 403, 403, 202, 202],
        ),
        (
            api(Method::GET, "/api/v1/imports".into(), None),
            [401, 403, 403, 403, 200, 200],
        ),
        (
            api(Method::GET, "/api/v1/users-that-do-not-exist".into(), None),
            [404; 6],
        ),
        (
            page(format!(
                "/groups/{}/memberships/{}/edit",
                w.group_b, 999_999
            )),
            [401, 403, 403, 404, 404, 404],
        ),
        // Own account and private calendar feed.
        (page("/account".into()), signed),
        (
            form(
                "/account/calendar".into(),
                vec![("action", "create".into())],
            ),
            [401, 200, 200, 200, 200, 200],
        ),
        (page("/calendar/cal_unknown.ics".into()), [404; 6]),
        // Own account (a wrong current password is a 422 for everyone signed in).
        (page("/account/password".into()), signed),
        (
            form(
                "/account/password".into(),
                vec![
                    ("current_password", "not-the-password".into()),
                    ("new_password", "uusi-salasana-2026".into()),
                    ("new_password_again", "uusi-salasana-2026".into()),
                ],
            ),
            [401, 422, 422, 422, 422, 422],
        ),
        // Data subjects' rights: coordinators and admins only. Last, as they erase people.
        (
            page(format!("/people/{}/export", w.person_free)),
            [401, 403, 403, 403, 200, 200],
        ),
        (
            api(
                Method::GET,
                format!("/api/v1/people/{}/export", w.person_free),
                None,
            ),
            [401, 403, 403, 403, 200, 200],
        ),
        (
            form(format!("/people/{}/erase", w.person_free), vec![]),
            [401, 403, 403, 403, 303, 303],
        ),
        (
            api(
                Method::POST,
                format!("/api/v1/people/{}/erase", w.person_api),
                None,
            ),
            [401, 403, 403, 403, 204, 204],
        ),
        // Plans (JSON). Drafts are hidden from the public; progress by A's editors.
        (api(Method::GET, "/api/v1/plans".into(), None), ok),
        (
            api(Method::GET, format!("/api/v1/plans/{}", w.plan), None),
            ok,
        ),
        (
            api(Method::GET, format!("/api/v1/plans/{}", w.plan_draft), None),
            [404, 200, 200, 200, 200, 200],
        ),
        (
            api(Method::GET, format!("/api/v1/actions/{}", w.action), None),
            ok,
        ),
        (
            api(
                Method::GET,
                format!("/api/v1/actions/{}", w.action_draft),
                None,
            ),
            [404, 200, 200, 200, 200, 200],
        ),
        (
            api(
                Method::GET,
                format!("/api/v1/actions/{}/progress", w.action),
                None,
            ),
            ok,
        ),
        (
            api(
                Method::POST,
                format!("/api/v1/actions/{}/progress", w.action),
                Some(json!({"report_date": "2024-03-01", "status": "on_track", "percent": 40})),
            ),
            [401, 403, 201, 403, 201, 201],
        ),
        (
            api(
                Method::POST,
                format!("/api/v1/actions/{}/progress", w.action_draft),
                Some(json!({"report_date": "2024-03-01", "status": "delayed", "percent": 10})),
            ),
            [401, 403, 201, 403, 201, 201],
        ),
        (
            api(
                Method::POST,
                "/api/v1/plans".into(),
                Some(
                    json!({"title_fi": "Uusi suunnitelma", "start_year": 2026, "end_year": 2029, "status": "draft"}),
                ),
            ),
            [401, 403, 403, 403, 201, 201],
        ),
        (
            api(
                Method::PUT,
                format!("/api/v1/plans/{}", w.plan),
                Some(
                    json!({"title_fi": "Suunnitelma", "start_year": 2021, "end_year": 2025, "status": "approved", "published": true}),
                ),
            ),
            [401, 403, 403, 403, 200, 200],
        ),
        (
            api(
                Method::POST,
                "/api/v1/promises".into(),
                Some(json!({"plan_id": w.plan, "title_fi": "Uusi lupaus"})),
            ),
            [401, 403, 403, 403, 201, 201],
        ),
        (
            api(
                Method::PUT,
                format!("/api/v1/promises/{}", w.promise),
                Some(json!({"plan_id": w.plan, "title_fi": "Lupaus"})),
            ),
            [401, 403, 403, 403, 200, 200],
        ),
        (
            api(
                Method::POST,
                "/api/v1/goals".into(),
                Some(json!({"promise_id": w.promise, "title_fi": "Uusi tavoite"})),
            ),
            [401, 403, 403, 403, 201, 201],
        ),
        (
            api(
                Method::PUT,
                format!("/api/v1/goals/{}", w.goal),
                Some(json!({"promise_id": w.promise, "title_fi": "Tavoite"})),
            ),
            [401, 403, 403, 403, 200, 200],
        ),
        (
            api(
                Method::POST,
                "/api/v1/actions".into(),
                Some(json!({"goal_id": w.goal, "title": "Uusi toimenpide"})),
            ),
            [401, 403, 403, 403, 201, 201],
        ),
        (
            api(
                Method::PUT,
                format!("/api/v1/actions/{}", w.action),
                Some(
                    json!({"goal_id": w.goal, "title": "Toimenpide", "lead_organisation_id": w.org_a}),
                ),
            ),
            [401, 403, 403, 403, 200, 200],
        ),
        // Statistics views: goal targets, omissions and narratives are the coordinators'.
        (
            form(
                format!("/goals/{}/targets", w.goal),
                vec![
                    ("indicator_id", w.indicator.to_string()),
                    ("area_id", w.sysma.to_string()),
                    ("baseline_value", "10,5".into()),
                    ("baseline_year", "2020".into()),
                    ("target_value", "6".into()),
                    ("target_year", "2028".into()),
                ],
            ),
            [401, 403, 403, 403, 303, 303],
        ),
        (
            form(
                format!("/goals/{}/targets/{}/delete", w.goal, w.target),
                vec![],
            ),
            [401, 403, 403, 403, 303, 303],
        ),
        (
            form(
                format!("/areas/{}/welfare-report/narrative", w.sysma),
                vec![
                    ("from", "2021".into()),
                    ("to", "2024".into()),
                    ("body", "Kuvaus".into()),
                ],
            ),
            [401, 403, 403, 403, 303, 303],
        ),
        (
            form(
                format!("/areas/{}/welfare-report/omissions", w.sysma),
                vec![
                    ("set", "matrix_set".into()),
                    ("indicator_id", w.indicator.to_string()),
                    ("reason", "Ei tietoja".into()),
                ],
            ),
            [401, 403, 403, 403, 303, 303],
        ),
        (
            api(
                Method::POST,
                format!("/api/v1/goals/{}/targets", w.goal),
                Some(
                    json!({"indicator_id": w.indicator, "area_id": w.area, "baseline_value": 10.0,
                    "baseline_year": 2020, "target_value": 5.0, "target_year": 2028}),
                ),
            ),
            [401, 403, 403, 403, 201, 201],
        ),
        (
            api(
                Method::DELETE,
                format!("/api/v1/goal-targets/{}", w.target2),
                None,
            ),
            [401, 403, 403, 403, 204, 204],
        ),
        // The indicator catalogue: coordinators and admins edit.
        (
            api(
                Method::PUT,
                format!("/api/v1/indicators/{}", w.seeded_indicator),
                Some(json!({"polarity": "lower_better"})),
            ),
            [401, 403, 403, 403, 200, 200],
        ),
        (
            api(
                Method::PUT,
                format!("/api/v1/sets/{}", w.indicator_set),
                Some(json!({"indicators": [w.seeded_indicator]})),
            ),
            [401, 403, 403, 403, 200, 200],
        ),
        // Plan deletes through the API: refused while children exist; the action last.
        (
            api(
                Method::DELETE,
                format!("/api/v1/promises/{}", w.promise),
                None,
            ),
            [401, 403, 403, 403, 409, 409],
        ),
        (
            api(Method::DELETE, format!("/api/v1/goals/{}", w.goal), None),
            [401, 403, 403, 403, 409, 409],
        ),
        (
            api(
                Method::DELETE,
                format!("/api/v1/actions/{}", w.action),
                None,
            ),
            [401, 403, 403, 403, 204, 204],
        ),
        (
            form(format!("/actions/{}/delete", w.action_draft), vec![]),
            coord_form,
        ),
        // Last: signing out ends this role's session.
        (form("/logout".into(), vec![]), [303; 6]),
    ]
}
