//! The router and the server around it.

use crate::clock::Clock;
use crate::config::Config;
use crate::http::{AppState, HttpError};
use crate::i18n::Catalog;
use crate::services::Ctx;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router, middleware};
use std::sync::Arc;
use store::Store;
use tokio::net::TcpListener;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;

pub fn state(store: Arc<dyn Store>, clock: Arc<dyn Clock>, config: Config) -> AppState {
    let config = Arc::new(config);
    AppState {
        ctx: Ctx::new(store, clock, config.clone()),
        config,
        catalog: Arc::new(Catalog::default()),
        scans: Arc::new(tokio::sync::Semaphore::new(1)),
    }
}

pub fn router(state: AppState) -> Router {
    let limit = state.config.max_body_bytes;
    // Forms that take a file have their own, larger limit; a layer covers only the routes
    // there are when it is added.
    let upload_limit = state.config.max_upload_bytes;
    let uploads = crate::web::upload_router()
        .merge(crate::api::uploads::upload_router())
        .merge(crate::api::notices::upload_router())
        .layer(DefaultBodyLimit::max(upload_limit))
        .layer(RequestBodyLimitLayer::new(upload_limit));
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .merge(crate::api::router())
        .merge(crate::web::router())
        .layer(DefaultBodyLimit::max(limit))
        .layer(RequestBodyLimitLayer::new(limit))
        .merge(uploads)
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(state.clone(), crate::web::ensure_csrf_cookie))
        // Outside the body limit, so that its 413 is rendered like every other error.
        .layer(middleware::from_fn_with_state(state.clone(), crate::http::render_errors))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        // Outermost: every answer is counted, the errors rendered by the layers above included.
        .layer(middleware::from_fn_with_state(state.ctx.metrics.clone(), crate::metrics::track))
        .with_state(state)
}

async fn healthz() -> &'static str {
    "ok"
}

async fn readyz(State(app): State<AppState>) -> impl IntoResponse {
    match app.ctx.store.ping().await {
        Ok(()) => (
            StatusCode::OK,
            Json(serde_json::json!({ "status": "ready" })),
        )
            .into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "database not reachable");
            HttpError::new(StatusCode::SERVICE_UNAVAILABLE, "service_unavailable").into_response()
        }
    }
}

async fn not_found() -> HttpError {
    HttpError::new(StatusCode::NOT_FOUND, "route_not_found")
}

async fn method_not_allowed() -> HttpError {
    HttpError::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed")
}

/// The admin listener's routes: `/metrics`, for Prometheus. Bind it to an address the public
/// cannot reach.
pub fn admin_router(state: AppState) -> Router {
    Router::new()
        .route("/metrics", get(crate::metrics::scrape))
        .with_state(state)
}

/// Serves the admin routes until the process ends.
pub async fn serve_admin(listener: TcpListener, state: AppState) -> std::io::Result<()> {
    axum::serve(listener, admin_router(state)).await
}

/// Serves until `shutdown` resolves, then stops accepting and lets the requests in flight and
/// the worker's deliveries in progress finish within the configured grace, counted from the
/// signal; the worker then gives up its claims on what it did not deliver.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let grace = state.config.shutdown_grace;
    // The notification worker runs beside the server and stops with it.
    let (stop_worker, worker_stop) = tokio::sync::watch::channel(false);
    let worker = state.config.delivery_poll.map(|poll| {
        crate::services::notifications::Worker::new(state.ctx.clone(), state.catalog.clone())
            .spawn(poll, worker_stop)
    });
    let app = router(state);
    // When the signal came: requests and deliveries share one grace from then.
    let signalled = Arc::new(std::sync::OnceLock::<tokio::time::Instant>::new());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    // Each request knows its peer's address, for the limit on sign-in attempts.
    let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
    let at = signalled.clone();
    let server = axum::serve(listener, app).with_graceful_shutdown(async move {
        shutdown.await;
        let _ = at.set(tokio::time::Instant::now());
        let _ = stop_worker.send(true);
        let _ = tx.send(());
    });
    let server = tokio::spawn(async move { server.await });
    let served = tokio::select! {
        r = server => r.map_err(std::io::Error::other)?,
        _ = async { let _ = rx.await; tokio::time::sleep(grace).await } => {
            tracing::warn!("requests still running after the shutdown grace; stopping anyway");
            Ok(())
        }
    };
    if let Some(w) = worker {
        let left = signalled.get().map_or(grace, |t| {
            (*t + grace).saturating_duration_since(tokio::time::Instant::now())
        });
        w.stop(left).await;
    }
    served
}
