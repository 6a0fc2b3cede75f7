//! `build_app`: the one place where routes and middleware are composed. Tests call it too.

use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use tower_http::limit::RequestBodyLimitLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::web::AppState;
use crate::web::middleware::{self, SecureCookies};

#[derive(OpenApi)]
#[openapi(
    info(title = "Tuuli API", description = "Regional coordination of preventive work: the network registry. Authenticate with `Authorization: Bearer <token>` (see `tuuli token create`). Errors are `{\"error\": \"...\", \"details\": {\"field\": \"message\"}}`."),
    modifiers(&BearerAuth),
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The OpenAPI document generated from the API handlers.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api_parts().1
}

/// The API routes and their document. Handlers in different modules share names (`list`,
/// `create`…), so each operation id is prefixed with its tag to make it unique, as the
/// specification requires: `organisations_list`, `groups_create`.
fn api_parts() -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, mut spec) = api_router().split_for_parts();
    for item in spec.paths.paths.values_mut() {
        for op in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            let tag = op.tags.as_ref().and_then(|t| t.first()).cloned();
            if let (Some(tag), Some(id)) = (tag, op.operation_id.as_mut()) {
                let bare = id.strip_prefix("api_").unwrap_or(id).to_owned();
                *id = format!("{tag}_{bare}");
            }
        }
    }
    (router, spec)
}

fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi()).nest(
        "/api/v1",
        crate::network::api_router().merge(crate::admin::api_router()),
    )
}

/// Builds the whole application.
pub fn build_app(state: AppState) -> Router {
    let (api, spec) = api_parts();
    let spec_json = std::sync::Arc::new(serde_json::to_string(&spec).unwrap_or_default());
    let secure = SecureCookies(state.config.secure_cookies);
    Router::new()
        .route("/health", get(health))
        .route(
            "/api/openapi.json",
            get(move || {
                let body = spec_json.clone();
                async move {
                    (
                        [(header::CONTENT_TYPE, "application/json")],
                        body.as_str().to_owned(),
                    )
                }
            }),
        )
        .merge(api)
        .merge(crate::home::router())
        .merge(crate::auth::html::router())
        .merge(crate::network::router())
        .merge(crate::admin::router())
        .merge(crate::assets::router())
        .layer(RequestBodyLimitLayer::new(state.config.max_body_bytes))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::auth::csrf::protect,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::render_errors,
        ))
        .layer(axum::middleware::from_fn(middleware::language))
        .layer(axum::middleware::from_fn(
            move |mut req: axum::extract::Request, next: axum::middleware::Next| async move {
                req.extensions_mut().insert(secure);
                next.run(req).await
            },
        ))
        .layer(axum::middleware::from_fn(middleware::security_headers))
        .layer(tower_http::catch_panic::CatchPanicLayer::new())
        .layer(tower_http::trace::TraceLayer::new_for_http().make_span_with(|req: &axum::extract::Request| {
            let id = req.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("");
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), id = %id)
        }))
        .layer(axum::middleware::from_fn(request_id))
        .with_state(state)
}

const REQUEST_ID: &str = "x-request-id";

/// Gives every request an id (kept from a proxy's `X-Request-Id` when it looks sane), logged
/// with the request's span and returned in the response, so a user's report can be traced.
async fn request_id(
    mut req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let given = req
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|s| {
            !s.is_empty()
                && s.len() <= 64
                && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
        .map(str::to_owned);
    let id = given.unwrap_or_else(|| crate::auth::random_token("")[..16].to_owned());
    let value = axum::http::HeaderValue::from_str(&id).ok();
    if let Some(v) = &value {
        req.headers_mut().insert(REQUEST_ID, v.clone());
    }
    let mut res = next.run(req).await;
    if let Some(v) = value {
        res.headers_mut().insert(REQUEST_ID, v);
    }
    res
}

async fn health(State(state): State<AppState>) -> impl IntoResponse {
    let ok = crate::with_db!(&state.db, p => sqlx::query_scalar::<_, i64>("SELECT CAST(1 AS BIGINT)").fetch_one(p).await).is_ok();
    let status = if ok {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        axum::Json(
            serde_json::json!({ "status": if ok { "ok" } else { "unavailable" }, "database": state.db.kind_name() }),
        ),
    )
}
