//! The annual report's rows: drafts are for the signed-in (404 for the public, like an
//! unpublished plan), a published report of a published plan is public, coordinators
//! create, write, publish and start the next plan.

use axum::http::Method;
use serde_json::json;

use super::calls::{Call, api, form, page};
use super::world::World;

pub(super) fn rows(w: &World) -> Vec<(Call, [u16; 6])> {
    let ok = [200; 6];
    let hidden = [404, 200, 200, 200, 200, 200];
    let coord_page = [401, 403, 403, 403, 200, 200];
    let coord_form = [401, 403, 403, 403, 303, 303];
    let coord_api = [401, 403, 403, 403, 201, 201];
    let (p, r) = (w.plan, w.report);
    let (pd, rd) = (w.plan_draft, w.report_draft);
    let base = format!("/plans/{p}/reports/{r}");
    vec![
        (page(format!("/plans/{p}/reports")), ok),
        (page(format!("/plans/{pd}/reports")), hidden),
        (page(base.clone()), hidden),
        (page(format!("/plans/{pd}/reports/{rd}")), hidden),
        (page(format!("{base}/published")), ok),
        (page(format!("/plans/{pd}/reports/{rd}/published")), hidden),
        (page(format!("{base}/published.pdf")), ok),
        (
            page(format!("/plans/{pd}/reports/{rd}/published.pdf")),
            hidden,
        ),
        (page(format!("{base}/draft.pdf")), hidden),
        (page(format!("{base}/compare")), hidden),
        (page(format!("{base}/edit")), coord_page),
        // A report id under another plan does not exist.
        (page(format!("/plans/{pd}/reports/{r}/published")), [404; 6]),
        (
            api(
                Method::GET,
                format!("/api/v1/plans/{p}/report?from=2021&to=2022"),
                None,
            ),
            ok,
        ),
        (
            api(
                Method::GET,
                format!("/api/v1/plans/{pd}/report?from=2021"),
                None,
            ),
            hidden,
        ),
        (
            api(Method::GET, format!("/api/v1/plans/{p}/reports"), None),
            ok,
        ),
        (
            api(Method::GET, format!("/api/v1/plans/{pd}/reports"), None),
            hidden,
        ),
        (
            api(
                Method::GET,
                format!("/api/v1/plans/{p}/reports/{r}/published"),
                None,
            ),
            ok,
        ),
        (
            api(
                Method::GET,
                format!("/api/v1/plans/{pd}/reports/{rd}/published"),
                None,
            ),
            hidden,
        ),
        // Changes.
        (
            form(
                format!("/plans/{p}/reports"),
                vec![("from_year", "2022".into()), ("to_year", "2022".into())],
            ),
            coord_form,
        ),
        (
            form(format!("{base}/edit"), vec![("intro", "Johdanto.".into())]),
            coord_form,
        ),
        (form(format!("{base}/publish"), vec![]), coord_form),
        (
            form(
                format!("{base}/next-plan"),
                vec![
                    ("title_fi", "Seuraava".into()),
                    ("start_year", "2026".into()),
                    ("end_year", "2030".into()),
                ],
            ),
            coord_form,
        ),
        (
            api(
                Method::POST,
                format!("/api/v1/plans/{p}/reports"),
                Some(json!({"from_year": 2023, "to_year": 2023})),
            ),
            coord_api,
        ),
        (
            api(
                Method::PUT,
                format!("/api/v1/plans/{p}/reports/{r}/narratives"),
                Some(json!({"narratives": {"intro": "Teksti."}})),
            ),
            [401, 403, 403, 403, 200, 200],
        ),
        (
            api(
                Method::POST,
                format!("/api/v1/plans/{p}/reports/{r}/publish"),
                None,
            ),
            coord_api,
        ),
        (
            api(
                Method::POST,
                format!("/api/v1/plans/{p}/reports/{r}/next-plan"),
                Some(json!({"title_fi": "Seuraava", "start_year": 2026, "end_year": 2030})),
            ),
            coord_api,
        ),
    ]
}
