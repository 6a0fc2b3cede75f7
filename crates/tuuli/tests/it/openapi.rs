//! The API contract: the OpenAPI document matches the router, passes a real validator,
//! declares its vocabularies, and a body built from it alone is accepted by every write.

use std::collections::BTreeSet;

use axum::http::Method;
use serde_json::{Value, json};
use tuuli::auth::Role;

use crate::both;
use crate::helpers::{Backend, TestApp};

fn document() -> Value {
    serde_json::to_value(tuuli::app::openapi()).unwrap()
}

fn operations(doc: &Value) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            out.insert((method.to_uppercase(), path.clone()));
        }
    }
    out
}

#[tokio::test]
async fn every_api_route_is_in_the_openapi_document_and_every_operation_is_routed() {
    let app = TestApp::new(Backend::Sqlite).await.unwrap();
    let routed: BTreeSet<_> = crate::routes::routes(&app.router)
        .into_iter()
        .filter(|(_, p)| p.starts_with("/api/v1/"))
        .collect();
    let documented = operations(&document());
    let undocumented: Vec<_> = routed.difference(&documented).collect();
    let unrouted: Vec<_> = documented.difference(&routed).collect();
    assert!(
        undocumented.is_empty() && unrouted.is_empty(),
        "routed but not in the document: {undocumented:?}; documented but not routed: {unrouted:?}"
    );
    assert!(routed.len() > 20, "{routed:?}");
}

/// Runs `openapi-spec-validator` (PyPI) on the document; skipped with a notice when it is
/// not installed, except under `CI=true` (`.ci/run` installs it).
#[test]
fn the_openapi_document_passes_openapi_spec_validator() {
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("openapi.json");
    std::fs::write(&path, serde_json::to_string_pretty(&document()).unwrap()).unwrap();
    let exe = std::env::var("OPENAPI_SPEC_VALIDATOR")
        .unwrap_or_else(|_| "openapi-spec-validator".to_owned());
    let out = match std::process::Command::new(&exe).arg(&path).output() {
        Ok(out) => out,
        Err(e) => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("CI=true but {exe} cannot be run ({e}): install openapi-spec-validator");
            }
            eprintln!(
                "skipping the OpenAPI validation: {exe} not found ({e}); pip install openapi-spec-validator"
            );
            return;
        }
    };
    assert!(
        out.status.success(),
        "{} says the document ({}) is invalid:\n{}{}",
        exe,
        path.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn resolve<'a>(doc: &'a Value, s: &'a Value) -> &'a Value {
    match s["$ref"].as_str() {
        Some(r) => &doc["components"]["schemas"][r.rsplit('/').next().unwrap()],
        None => s,
    }
}

#[test]
fn list_filters_are_query_parameters_and_vocabularies_are_enums() {
    let doc = document();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for p in op["parameters"].as_array().into_iter().flatten() {
                let name = p["name"].as_str().unwrap();
                let wanted = if path.contains(&format!("{{{name}}}")) {
                    "path"
                } else {
                    "query"
                };
                assert_eq!(p["in"], wanted, "{method} {path} parameter {name}");
            }
        }
    }
    let enum_of = |schema: &str, field: &str| -> Vec<String> {
        let s = &doc["components"]["schemas"][schema]["properties"][field];
        let s = resolve(&doc, s);
        let s = if s["items"].is_object() {
            resolve(&doc, &s["items"])
        } else {
            s
        };
        s["enum"]
            .as_array()
            .unwrap_or_else(|| panic!("{schema}.{field} is not an enum: {s}"))
            .iter()
            .map(|v| v.as_str().unwrap().to_owned())
            .collect()
    };
    assert!(enum_of("OrganisationInput", "org_type").contains(&"ngo".to_owned()));
    assert!(enum_of("Organisation", "org_type").contains(&"parish".to_owned()));
    assert_eq!(enum_of("GroupInput", "status").len(), 4);
    assert_eq!(enum_of("Group", "group_type").len(), 3);
    assert!(enum_of("MembershipInput", "role").contains(&"lived_experience".to_owned()));
    assert!(enum_of("AreaInput", "kind").contains(&"municipality".to_owned()));
    assert_eq!(
        enum_of("AuditEntry", "action"),
        ["create", "update", "delete", "erase"]
    );
    assert_eq!(enum_of("GroupInput", "themes").len(), 4);
    let filter = doc["paths"]["/api/v1/groups"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "status")
        .unwrap();
    assert_eq!(
        filter["schema"]["enum"].as_array().map(Vec::len),
        Some(4),
        "{filter}"
    );
    let created = &doc["components"]["schemas"]["Organisation"]["properties"]["created_at"];
    assert_eq!(created["format"], "date-time");
    let consent = &doc["components"]["schemas"]["PersonInput"]["properties"]["consent_date"];
    assert_eq!(consent["format"], "date", "{consent}");
    let name = &doc["components"]["schemas"]["OrganisationInput"];
    assert!(
        name["required"]
            .as_array()
            .unwrap()
            .contains(&json!("name_fi"))
    );
    assert_eq!(name["properties"]["name_fi"]["maxLength"], 200);
}

/// Ids of existing rows, by the property or path parameter that refers to them.
struct Ids {
    org: i64,
    area: i64,
    lahti: i64,
    group: i64,
    member: i64,
    newcomer: i64,
    meeting: i64,
    membership: i64,
    plan: i64,
    promise: i64,
    goal: i64,
    action: i64,
    report: i64,
    indicator: i64,
    indicator_set: i64,
}

impl Ids {
    fn property(&self, name: &str) -> Option<i64> {
        Some(match name {
            "area_id" => self.lahti,
            "parent_id" => self.lahti,
            "group_id" => self.group,
            "convener_id" | "responsible_id" | "organisations" => self.org,
            "person_id" => self.newcomer,
            "present" => self.member,
            "plan_id" => self.plan,
            "promise_id" => self.promise,
            "goal_id" => self.goal,
            "lead_organisation_id" => self.org,
            "municipalities" => self.lahti,
            "indicator_id" => self.indicator,
            "indicators" => self.indicator,
            _ => return None,
        })
    }
    fn path(&self, path: &str) -> String {
        let resource = path.split('/').nth(3).unwrap_or("");
        let id = match resource {
            "organisations" => self.org,
            "areas" => self.area,
            "groups" => self.group,
            "meetings" => self.meeting,
            "people" => self.member,
            "plans" => self.plan,
            "promises" => self.promise,
            "goals" => self.goal,
            "actions" => self.action,
            "indicators" => self.indicator,
            "sets" => self.indicator_set,
            other => panic!("no id for the resource {other} ({path})"),
        };
        path.replace("{id}", &id.to_string())
            .replace("{mid}", &self.membership.to_string())
            .replace("{rid}", &self.report.to_string())
    }
}

/// A value obeying `schema`, built from the document alone (plus the ids of rows that a
/// reference must point to). `salt` keeps names unique between operations.
fn sample(doc: &Value, schema: &Value, name: &str, ids: &Ids, salt: usize) -> Value {
    let s = resolve(doc, schema);
    if let Some(options) = s["oneOf"].as_array() {
        let first = options.iter().find(|o| o["type"] != "null").unwrap();
        return sample(doc, first, name, ids, salt);
    }
    if let Some(example) = s.get("example") {
        return example.clone();
    }
    if let Some(first) = s["enum"].as_array().and_then(|e| e.first()) {
        return first.clone();
    }
    let ty = match &s["type"] {
        Value::String(t) => t.clone(),
        Value::Array(ts) => ts
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("null")
            .to_owned(),
        _ => "object".to_owned(),
    };
    match ty.as_str() {
        "string" => match s["format"].as_str() {
            Some("date") => json!("2025-01-15"),
            Some("date-time") => json!("2025-01-15T10:00:00Z"),
            Some("uri") => json!("https://example.fi"),
            Some("email") => json!("sample@example.fi"),
            _ => {
                let max = s["maxLength"].as_u64().unwrap_or(60) as usize;
                let text: String = format!("{salt}-{name} sample").chars().take(max).collect();
                json!(text)
            }
        },
        "integer" => json!(
            ids.property(name)
                .unwrap_or_else(|| s["minimum"].as_i64().unwrap_or(1))
        ),
        "number" => json!(1.0),
        "boolean" => json!(false),
        "array" => json!([match ids.property(name) {
            Some(id) => json!(id),
            None => sample(doc, &s["items"], name, ids, salt),
        }]),
        "object" => {
            let mut o = serde_json::Map::new();
            for (k, v) in s["properties"].as_object().into_iter().flatten() {
                o.insert(k.clone(), sample(doc, v, k, ids, salt));
            }
            Value::Object(o)
        }
        _ => Value::Null,
    }
}

async fn seed(app: &TestApp) -> Ids {
    let q = |sql: &'static str| {
        let db = app.db.clone();
        async move {
            tuuli::with_db!(&db, p => sqlx::query_scalar::<_, i64>(sql).fetch_one(p).await).unwrap()
        }
    };
    let lahti =
        q("SELECT id FROM areas WHERE kind = 'municipality' AND official_code = '398'").await;
    let org = app.add_org("Viitejärjestö ry", "ngo").await;
    let token = app.token_for("admin@example.fi").await;
    let post = |path: &'static str, body: Value| {
        let token = token.clone();
        async move {
            let res = app.api(Method::POST, path, Some(&token), Some(body)).await;
            res.assert_status(201);
            res.json()["id"].as_i64().unwrap()
        }
    };
    let area = post(
        "/api/v1/areas",
        json!({"kind": "municipality", "name_fi": "Muokattava", "official_code": "990"}),
    )
    .await;
    let group = post(
        "/api/v1/groups",
        json!({"name_fi": "Viiteryhmä", "group_type": "expert", "status": "active"}),
    )
    .await;
    let member = post(
        "/api/v1/people",
        json!({"name": "Jäsen Henkilö", "organisations": [org]}),
    )
    .await;
    let newcomer = post("/api/v1/people", json!({"name": "Uusi Henkilö"})).await;
    let meeting = post("/api/v1/meetings", json!({"group_id": group, "title": "Viitekokous", "starts_at": "2030-02-01T10:00", "ends_at": "2030-02-01T11:00"})).await;
    // Two members: the one whose membership the PUT may end, and one who stays (present).
    let leaver = post("/api/v1/people", json!({"name": "Lähtevä Henkilö"})).await;
    let mut memberships = Vec::new();
    for person in [member, leaver] {
        let res = app
            .api(
                Method::POST,
                &format!("/api/v1/groups/{group}/memberships"),
                Some(&token),
                Some(json!({"person_id": person, "role": "member"})),
            )
            .await;
        res.assert_status(201);
        memberships.push(res.json()["id"].as_i64().unwrap());
    }
    let membership = memberships[1];
    let plan = post(
        "/api/v1/plans",
        json!({"title_fi": "Viitesuunnitelma", "start_year": 2021, "end_year": 2025, "status": "draft"}),
    )
    .await;
    let promise = post(
        "/api/v1/promises",
        json!({"plan_id": plan, "title_fi": "Viitelupaus"}),
    )
    .await;
    let goal = post(
        "/api/v1/goals",
        json!({"promise_id": promise, "title_fi": "Viitetavoite"}),
    )
    .await;
    let action = post(
        "/api/v1/actions",
        json!({"goal_id": goal, "title": "Viitetoimenpide", "lead_organisation_id": org}),
    )
    .await;
    let report = app
        .api(
            Method::POST,
            &format!("/api/v1/plans/{plan}/reports"),
            Some(&token),
            Some(json!({"from_year": 2021, "to_year": 2021})),
        )
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    Ids {
        report,
        plan,
        promise,
        goal,
        action,
        org,
        area,
        lahti,
        group,
        member,
        newcomer,
        meeting,
        membership,
        indicator: q("SELECT id FROM indicators WHERE source = 'sotkanet' AND source_id = '289'")
            .await,
        indicator_set: q("SELECT id FROM indicator_sets WHERE key = 'region'").await,
    }
}

both!(
    a_body_built_from_the_document_alone_is_accepted_by_every_post_and_put,
    |app| async move {
        app.add_user("admin@example.fi", Role::Admin, None, None)
            .await;
        let ids = seed(&app).await;
        let token = app.token_for("admin@example.fi").await;
        let doc = document();
        let mut tried = 0;
        for (salt, (method, path)) in operations(&doc).into_iter().enumerate() {
            let op = &doc["paths"][&path][method.to_lowercase()];
            let Some(schema) = op["requestBody"]["content"]["application/json"].get("schema")
            else {
                continue;
            };
            let body = sample(&doc, schema, "", &ids, salt);
            let m = Method::from_bytes(method.as_bytes()).unwrap();
            let res = app
                .api(m, &ids.path(&path), Some(&token), Some(body.clone()))
                .await;
            assert!(
                res.status.is_success(),
                "{method} {path} refused {body}: {} {}",
                res.status,
                res.body
            );
            tried += 1;
        }
        assert!(tried >= 10, "only {tried} operations take a body");

        // The declared lengths are the enforced ones: one character more is refused, by name.
        let mut limits = 0;
        for (salt, (method, path)) in operations(&doc).into_iter().enumerate() {
            let op = &doc["paths"][&path][method.to_lowercase()];
            let Some(schema) = op["requestBody"]["content"]["application/json"].get("schema")
            else {
                continue;
            };
            let props = resolve(&doc, schema)["properties"].clone();
            for (name, prop) in props.as_object().into_iter().flatten() {
                let Some(max) = prop["maxLength"].as_u64() else {
                    continue;
                };
                let mut body = sample(&doc, schema, "", &ids, salt + 100);
                body[name] = json!("x".repeat(max as usize + 1));
                let m = Method::from_bytes(method.as_bytes()).unwrap();
                let res = app.api(m, &ids.path(&path), Some(&token), Some(body)).await;
                assert_eq!(
                    res.status.as_u16(),
                    422,
                    "{method} {path} {name}: {}",
                    res.body
                );
                assert!(
                    res.json()["details"][name].is_string(),
                    "{method} {path} {name}: {}",
                    res.body
                );
                limits += 1;
            }
        }
        assert!(limits >= 10, "only {limits} length limits declared");
    }
);

both!(
    a_json_body_with_missing_and_mistyped_fields_names_each_field_in_the_readers_language,
    |app| async move {
        app.add_user("k@example.fi", Role::Coordinator, None, None)
            .await;
        let token = app.token_for("k@example.fi").await;
        let send = |body: Value| {
            let req = axum::http::Request::post("/api/v1/organisations")
                .header("authorization", format!("Bearer {token}"))
                .header("content-type", "application/json")
                .header("accept-language", "sv")
                .body(axum::body::Body::from(body.to_string()))
                .unwrap();
            app.send(req)
        };
        let res = send(json!({})).await;
        res.assert_status(422);
        let details = &res.json()["details"];
        assert_eq!(details["name_fi"], "Fyll i fältet.", "{details}");
        assert_eq!(details["org_type"], "Fyll i fältet.", "{details}");
        assert!(details.get("body").is_none(), "{details}");

        let res = send(json!({"name_fi": 5, "org_type": "ngo", "area_id": "Lahti", "themes": "violence", "colour": "red"})).await;
        res.assert_status(422);
        let details = res.json()["details"].clone();
        let keys: Vec<&str> = details
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            keys,
            ["area_id", "colour", "name_fi", "themes"],
            "{details}"
        );
        assert_eq!(details["name_fi"], "Värdet är av fel typ.");
        assert_eq!(details["colour"], "Fältet är okänt; ta bort det.");
    }
);
