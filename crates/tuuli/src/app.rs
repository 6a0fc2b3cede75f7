//! `build_app`: the one place where routes and middleware are composed. Tests call it too.

use axum::Router;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::web::AppState;
use crate::web::middleware::{self, SecureCookies};
use crate::web::uploads::{limit_api_router, limit_router};

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
    let defaults = crate::config::Config::default();
    api_parts(defaults.max_body_bytes, defaults.max_upload_bytes).1
}

/// The API routes and their document. Handlers in different modules share names (`list`,
/// `create`…), so each operation id is prefixed with its tag to make it unique, as the
/// specification requires: `organisations_list`, `groups_create`.
fn api_parts(
    body_limit: usize,
    upload_limit: usize,
) -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (router, mut spec) = api_router(body_limit, upload_limit).split_for_parts();
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

/// The API: ordinary routes take bodies up to `body_limit`, upload routes up to `upload_limit`.
fn api_router(body_limit: usize, upload_limit: usize) -> OpenApiRouter<AppState> {
    let ordinary = crate::core::api_router()
        .merge(crate::network::api_router())
        .merge(crate::admin::api_router())
        .merge(crate::jobs::api_router())
        .merge(crate::plan::api_router())
        .merge(crate::knowledge::stats::api_router())
        .merge(crate::knowledge::api_router())
        .merge(crate::plan::exchange_html::api_router());
    let uploads = crate::jobs::upload_api_router()
        .merge(crate::plan::exchange_html::upload_api_router())
        .merge(crate::knowledge::imports::web::upload_api_router());
    OpenApiRouter::with_openapi(ApiDoc::openapi()).nest(
        "/api/v1",
        limit_api_router(ordinary, body_limit).merge(limit_api_router(uploads, upload_limit)),
    )
}

/// Builds the whole application.
pub fn build_app(state: AppState) -> Router {
    let routes = routes(&state.config);
    with_layers(routes, state)
}

/// Every route of the application with its body limit, without the other middleware.
fn routes(config: &crate::config::Config) -> Router<AppState> {
    let (body_limit, upload_limit) = (config.max_body_bytes, config.max_upload_bytes);
    let (api, spec) = api_parts(body_limit, upload_limit);
    let spec_json = std::sync::Arc::new(serde_json::to_string(&spec).unwrap_or_default());
    let pages = Router::new()
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
        .merge(crate::home::router())
        .merge(crate::auth::html::router())
        .merge(crate::core::router())
        .merge(crate::network::router())
        .merge(crate::admin::router())
        .merge(crate::jobs::router())
        .merge(crate::assets::router())
        .merge(crate::knowledge::stats::router())
        .merge(crate::knowledge::router())
        .merge(crate::plan::router())
        .merge(crate::plan::update_html::router())
        .merge(crate::plan::decision::router())
        .merge(crate::plan::exchange_html::router())
        .merge(crate::knowledge::imports::web::router())
        .merge(crate::plan::report_router());
    // Each route has one body limit (413 names it): uploads a larger one than the rest.
    limit_router(pages, body_limit)
        .merge(limit_router(crate::jobs::upload_router(), upload_limit))
        .merge(limit_router(
            crate::plan::exchange_html::upload_router(),
            upload_limit,
        ))
        .merge(limit_router(
            crate::knowledge::imports::web::upload_router(),
            upload_limit,
        ))
        .merge(api)
}

/// Wraps routes in the application's middleware (public so that tests can check what the
/// layers do for a route of their own, e.g. one that panics).
pub fn with_layers(routes: Router<AppState>, state: AppState) -> Router {
    let secure = SecureCookies(state.config.secure_cookies);
    routes
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::refuse_nul_json,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::auth::csrf::protect,
        ))
        // A panic becomes an ordinary 500, which the layers outside localise and give the
        // security headers.
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(panic_response))
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
        .layer(tower_http::trace::TraceLayer::new_for_http().make_span_with(|req: &axum::extract::Request| {
            let id = req.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("");
            tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), id = %id)
        }))
        .layer(axum::middleware::from_fn(request_id))
        .with_state(state)
}

const REQUEST_ID: &str = "x-request-id";

fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> axum::response::Response {
    crate::error::AppError::Internal(anyhow::anyhow!("a handler panicked")).into_response()
}

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
