//! Prometheus metrics on a listen address of their own (`YINJIAN_METRICS_ADDR`, off unless
//! set; keep it on the internal network): request latency per endpoint, look-ups, comparisons
//! by verdict, matcher and scan time (recorded where the work is done, in `app::server`),
//! forwarder lag, live sessions and database pool use, the clock offset to the database and the
//! build (read at each scrape); and the health details on `/healthz`. The exporter is
//! `metrics-exporter-prometheus`; no text is written by hand.

use std::net::SocketAddr;
use std::time::Instant;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use std::sync::Arc;

use app::server::store::{DynStore, Pool};
use app::server::system::{BuildInfo, HealthCache};

/// Latency buckets (seconds): a look-up is expected in tens of milliseconds, a re-verification
/// in hundreds.
const BUCKETS: &[f64] = &[0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// Install the process's recorder (once, in `serve`).
pub fn install() -> Result<PrometheusHandle, String> {
    PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), BUCKETS)
        .map_err(|e| e.to_string())?
        .install_recorder()
        .map_err(|e| e.to_string())
}

/// The endpoint label: an API function's path from the policy table, else a kind of path (so
/// unknown paths cannot make new series).
pub fn endpoint(path: &str) -> &'static str {
    if path.starts_with("/api/") {
        return app::server::authz::POLICY.iter().find(|(p, _)| *p == path).map(|(p, _)| *p).unwrap_or("/api/other");
    }
    match path {
        "/healthz" => "/healthz",
        p if p.starts_with("/pkg/") || p == "/favicon.svg" => "static",
        _ => "page",
    }
}

/// The method label: the methods the site answers, and one label for every other (a client
/// can send any token as a method; each would otherwise be a series of its own, for ever).
pub fn method_label(method: &axum::http::Method) -> &'static str {
    use axum::http::Method;
    match *method {
        Method::GET => "GET",
        Method::POST => "POST",
        Method::HEAD => "HEAD",
        _ => "other",
    }
}

/// The status label: the status class for anything the server would not answer by itself.
pub fn status_label(status: axum::http::StatusCode) -> &'static str {
    match status.as_u16() {
        200 => "200",
        204 => "204",
        301 => "301",
        302 => "302",
        303 => "303",
        304 => "304",
        307 => "307",
        308 => "308",
        400 => "400",
        401 => "401",
        403 => "403",
        404 => "404",
        405 => "405",
        413 => "413",
        423 => "423",
        429 => "429",
        500 => "500",
        503 => "503",
        s if s < 200 => "1xx",
        s if s < 300 => "2xx",
        s if s < 400 => "3xx",
        s if s < 500 => "4xx",
        _ => "5xx",
    }
}

/// Middleware: the latency and count of every request, under fixed label sets only (endpoint
/// from the policy table, method and status from short lists), so no request can add series.
pub async fn track(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    let method = method_label(req.method());
    let start = Instant::now();
    let resp = next.run(req).await;
    let labels = [("endpoint", endpoint(&path)), ("method", method), ("status", status_label(resp.status()))];
    metrics::histogram!("yinjian_http_request_duration_seconds", &labels).record(start.elapsed().as_secs_f64());
    resp
}

#[derive(Clone)]
struct Scrape {
    handle: PrometheusHandle,
    store: DynStore,
    pool: Pool,
    health: Arc<HealthCache>,
    build: BuildInfo,
}

/// Serve `/metrics` and the health details (`/healthz`: version, commit, database, clock offset;
/// the application's own `/healthz` says only `ok` or `degraded`) on `addr` (the server starts
/// this once when configured).
pub async fn serve(
    addr: SocketAddr,
    handle: PrometheusHandle,
    store: DynStore,
    pool: Pool,
    health: Arc<HealthCache>,
    build: BuildInfo,
) -> std::io::Result<()> {
    let app = Router::new().route("/metrics", get(scrape)).route("/healthz", get(details)).with_state(Scrape {
        handle,
        store,
        pool,
        health,
        build,
    });
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!(addr = %listener.local_addr()?, "metrics on /metrics");
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::error!(error = %e, "the metrics listener stopped");
        }
    });
    Ok(())
}

async fn details(State(s): State<Scrape>) -> impl IntoResponse {
    let d = app::server::system::health_details(&s.health, &s.build).await;
    let status = if d.database { axum::http::StatusCode::OK } else { axum::http::StatusCode::SERVICE_UNAVAILABLE };
    (status, [(axum::http::header::CACHE_CONTROL, "no-store")], axum::Json(d))
}

async fn scrape(State(s): State<Scrape>) -> impl IntoResponse {
    metrics::gauge!("yinjian_build_info", "version" => s.build.version.clone(), "commit" => s.build.commit.clone())
        .set(1.0);
    // the clock check of 附件三 4(9), as of the last health measurement (at most a second old)
    let h = s.health.current().await;
    metrics::gauge!("yinjian_database_up").set(if h.database() { 1.0 } else { 0.0 });
    if let Some(ms) = h.clock_offset_ms {
        metrics::gauge!("yinjian_clock_offset_seconds").set(ms as f64 / 1000.0);
    }
    // what is read rather than counted: the pool, live sessions, the forwarder's lag
    let (size, idle) = match &s.pool {
        Pool::Sqlite(p) => (p.size(), p.num_idle()),
        Pool::Postgres(p) => (p.size(), p.num_idle()),
    };
    metrics::gauge!("yinjian_db_pool_connections").set(size as f64);
    metrics::gauge!("yinjian_db_pool_idle").set(idle as f64);
    let now = chrono::Utc::now();
    let sessions: Result<i64, sqlx::Error> = match &s.pool {
        Pool::Sqlite(p) => {
            sqlx::query_scalar("SELECT COUNT(*) FROM http_session WHERE unixepoch(expiry_date) > unixepoch('now')")
                .fetch_one(p)
                .await
        }
        Pool::Postgres(p) => {
            sqlx::query_scalar("SELECT COUNT(*) FROM tower_sessions.session WHERE expiry_date > $1")
                .bind(now)
                .fetch_one(p)
                .await
        }
    };
    if let Ok(n) = sessions {
        metrics::gauge!("yinjian_sessions_live").set(n as f64);
    }
    if let (Ok((head, _)), Ok(cursors)) = (s.store.trail_head().await, s.store.forward_status().await) {
        metrics::gauge!("yinjian_trail_head_seq").set(head as f64);
        for c in cursors {
            metrics::gauge!("yinjian_trail_forward_behind", "target" => c.target)
                .set((head - c.last_seq).max(0) as f64);
        }
    }
    ([(axum::http::header::CONTENT_TYPE, "text/plain; version=0.0.4")], s.handle.render())
}
