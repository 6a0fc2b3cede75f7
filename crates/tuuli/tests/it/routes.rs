//! The application's own list of routes, read from the router that `build_app` returns.
//!
//! axum has no public route listing, but its `Debug` output names every path and the
//! methods each answers (the `Allow` header it would send). Reading it here keeps the list
//! complete by construction: a route added anywhere shows up, and the tests that use the
//! list (the OpenAPI cross-check, the role × route matrix) fail until it is described.
//! Should a new axum print differently, `routes` panics with a message rather than
//! returning an empty list.

use std::collections::BTreeSet;

use axum::Router;

/// (method, path template) of every route, HEAD left out (axum adds it to GET).
pub fn routes(router: &Router) -> BTreeSet<(String, String)> {
    let debug = format!("{router:?}");
    // Only the main path router: the fallback router's catch-all is not a route.
    let main = debug
        .split("fallback_router:")
        .next()
        .expect("router debug output");
    let paths_at = main
        .find("paths: {")
        .expect("axum's Router Debug output no longer lists `paths`: update tests/it/routes.rs");
    let (endpoints, paths) = main.split_at(paths_at);
    let mut methods: Vec<(String, Vec<String>)> = Vec::new();
    for chunk in endpoints.split("RouteId(").skip(1) {
        let Some((id, rest)) = chunk.split_once(')') else {
            continue;
        };
        let Some(allow) = rest
            .split_once("allow_header: Bytes(b\"")
            .and_then(|(_, a)| a.split_once('"'))
            .map(|(a, _)| a)
        else {
            continue;
        };
        let list = allow
            .split(',')
            .filter(|m| !m.is_empty() && *m != "HEAD")
            .map(str::to_owned)
            .collect();
        methods.push((id.to_owned(), list));
    }
    let mut out = BTreeSet::new();
    for chunk in paths.split("RouteId(").skip(1) {
        let Some((id, rest)) = chunk.split_once("): \"") else {
            continue;
        };
        let Some((path, _)) = rest.split_once('"') else {
            continue;
        };
        let ms = methods
            .iter()
            .find(|(i, _)| i == id)
            .map(|(_, m)| m.clone())
            .unwrap_or_else(|| panic!("no methods found for route {path}"));
        for m in ms {
            out.insert((m, path.to_owned()));
        }
    }
    assert!(
        out.contains(&("GET".to_owned(), "/health".to_owned())),
        "could not read the routes from axum's Debug output: update tests/it/routes.rs"
    );
    out
}
/// Whether a concrete request path (`/groups/5/edit?x=1`) matches a route template
/// (`/groups/{id}/edit`).
pub fn matches(template: &str, path: &str) -> bool {
    let path = path.split('?').next().unwrap_or(path);
    let t: Vec<&str> = template.split('/').collect();
    let p: Vec<&str> = path.split('/').collect();
    t.len() == p.len()
        && t.iter()
            .zip(&p)
            .all(|(t, p)| (t.starts_with('{') && t.ends_with('}') && !p.is_empty()) || t == p)
}
