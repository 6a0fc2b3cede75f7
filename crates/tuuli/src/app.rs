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
    api_router().split_for_parts().1
}

fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi()).nest(
        "/api/v1",
        crate::network::api_router().merge(crate::admin::api_router()),
    )
}

/// Builds the whole application.
pub fn build_app(state: AppState) -> Router {
    with_layers(routes(), state)
}

/// Every route of the application, without the middleware.
fn routes() -> Router<AppState> {
    let (api, spec) = api_router().split_for_parts();
    let spec_json = std::sync::Arc::new(serde_json::to_string(&spec).unwrap_or_default());
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
}

/// Wraps routes in the application's middleware (public so that tests can check what the
/// layers do for a route of their own, e.g. one that panics).
pub fn with_layers(routes: Router<AppState>, state: AppState) -> Router {
    let secure = SecureCookies(state.config.secure_cookies);
    routes
        .layer(axum::middleware::from_fn(middleware::refuse_nul_json))
        .layer(RequestBodyLimitLayer::new(state.config.max_body_bytes))
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
