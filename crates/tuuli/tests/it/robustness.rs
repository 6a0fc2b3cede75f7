//! Bad input never crashes the server or yields a 500: odd queries, broken forms and JSON,
//! invalid UTF-8, huge numbers, on every kind of route.

use axum::body::Body;
use axum::http::{Method, Request};
use tuuli::auth::Role;

use crate::both;

const QUERIES: &[&str] = &[
    "page=-1",
    "page=abc",
    "page=99999999999999999999",
    "per_page=0",
    "per_page=-5",
    "type=%00",
    "area=1e9",
    "theme=%F0%9F%98%80",
    "q=%27%20OR%201%3D1--",
    "q=%25%25%25",
    "group=abc",
    "when=never",
    "status=x&status=y",
    "entity_id=-1",
    "lang=xx",
    "next=%0d%0aSet-Cookie:x",
];

const PATHS: &[&str] = &[
    "/",
    "/areas",
    "/organisations",
    "/people",
    "/groups",
    "/meetings",
    "/admin/audit",
    "/admin/users",
    "/login",
    "/api/v1/organisations",
    "/api/v1/people",
    "/api/v1/groups",
    "/api/v1/meetings",
    "/api/v1/audit",
    "/api/v1/areas",
    "/organisations/0",
    "/organisations/-1",
    "/organisations/99999999999999999999",
    "/groups/abc",
    "/meetings/1.ics.ics",
    "/groups/0/meetings.ics",
    "/meetings/%00",
    "/api/v1/groups/1/memberships/abc",
    "/jobs/0",
    "/jobs/abc",
    "/jobs/checksum",
    "/api/v1/jobs/-1",
    "/api/v1/jobs/99999999999999999999",
    "/indicators",
    "/indicators/abc",
    "/indicators/1",
    "/indicators/1/export",
    "/indicator-sets/%00",
    "/api/v1/indicators",
    "/api/v1/sets/%00",
    "/api/v1/values",
];

fn bodies() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("application/x-www-form-urlencoded", b"name_fi=%FF%FE&org_type=%&&==&".to_vec()),
        ("application/x-www-form-urlencoded", vec![0xff, 0xfe, 0x00, b'=', 0x80]),
        ("application/x-www-form-urlencoded", format!("name_fi={}&org_type=ngo&area_id=99999999999999999999", "ä".repeat(5000)).into_bytes()),
        ("application/json", b"{\"name_fi\": 1e999, \"org_type\": []}".to_vec()),
        ("application/json", b"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[".to_vec()),
        ("application/json", b"{\"group_id\": -1, \"title\": \"x\", \"starts_at\": \"2026-02-30T25:61\", \"ends_at\": \"\", \"person_id\": 9223372036854775807}".to_vec()),
        ("text/plain", b"hello".to_vec()),
        ("multipart/form-data; boundary=XX", b"--XX\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\nabc".to_vec()),
        ("multipart/form-data; boundary=XX", b"--XX\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\nx\r\n--XX\r\n\xff\xfe".to_vec()),
        ("multipart/form-data", b"no boundary".to_vec()),
    ]
}

both!(no_input_gives_a_server_error, |app| async move {
    let app = app.with_demo().await;
    app.add_user("adm@example.fi", Role::Admin, None, None)
        .await;
    let token = app.token_for("adm@example.fi").await;
    app.sign_in("adm@example.fi").await;
    let csrf = app.csrf().await;
    let mut checked = 0;
    for path in PATHS {
        for q in QUERIES {
            let res = app.get(&format!("{path}?{q}")).await;
            assert!(
                res.status.as_u16() < 500,
                "GET {path}?{q} → {}: {}",
                res.status,
                res.body
            );
            checked += 1;
        }
    }
    let post_paths = [
        "/organisations",
        "/organisations/1/edit",
        "/people",
        "/groups",
        "/groups/1/memberships",
        "/meetings",
        "/meetings/1/decisions",
        "/meetings/1/attendance",
        "/admin/users",
        "/login",
        "/api/v1/organisations",
        "/api/v1/people",
        "/api/v1/groups",
        "/api/v1/groups/1/memberships",
        "/api/v1/meetings",
        "/jobs/checksum",
        "/api/v1/jobs/checksum",
    ];
    for path in post_paths {
        for (ctype, body) in bodies() {
            let mut b = body.clone();
            if ctype.starts_with("application/x-www") {
                b = [format!("_csrf={csrf}&").into_bytes(), body].concat();
            }
            let mut req = Request::builder()
                .method(Method::POST)
                .uri(path)
                .header("content-type", ctype);
            if path.starts_with("/api/") {
                req = req
                    .header("authorization", format!("Bearer {token}"))
                    .header("cookie", "");
            }
            let res = app.send(req.body(Body::from(b)).unwrap()).await;
            assert!(
                res.status.as_u16() < 500,
                "POST {path} ({ctype}) → {}: {}",
                res.status,
                res.body
            );
            checked += 1;
        }
    }
    assert!(checked > 400);
});
