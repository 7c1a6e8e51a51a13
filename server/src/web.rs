//! The HTTP side: router, static files and the layers every request passes through.

use std::{
    net::{IpAddr, SocketAddr},
    path::PathBuf,
    sync::Arc,
    time::Duration,
};

use axum::{
    body::Body,
    extract::{ConnectInfo, Request, State},
    http::{header, HeaderName, HeaderValue, StatusCode},
    middleware::{self, Next},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
    Form, Json, Router,
};
use leptos::prelude::*;
use leptos_axum::{handle_server_fns_with_context, LeptosRoutes};
use tower_http::{
    csrf::CsrfLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer},
    services::ServeDir,
    trace::TraceLayer,
};
use tower_sessions::{cookie::SameSite, Expiry, SessionManagerLayer};

use app::api::{ApiError, Authorized};
use app::i18n::{Locale, LOCALE_COOKIE};
use app::server::{authz, AppState, ClientIp};
use app::{shell, App, AssetNames, CspNonce};

use crate::sessions::AnySessionStore;

/// What the router needs beyond the application state.
#[derive(Debug, Clone)]
pub struct WebConfig {
    pub addr: SocketAddr,
    pub site_root: PathBuf,
    pub secure: bool,
    pub trusted_origins: Vec<String>,
    pub trusted_proxies: Vec<IpAddr>,
    /// Largest request body on the endpoints that take an upload
    /// ([`authz::LARGE_BODY_ENDPOINTS`]: a comparison's image as a multipart part, the others'
    /// base64-encoded in JSON). Every other
    /// `/api/` endpoint, the public ones included, takes at most [`authz::API_BODY_LIMIT`].
    pub upload_body_limit: usize,
}

/// The fingerprinted bundle's names from `SITE/pkg/assets.json` (`frontend/fingerprint.mjs`); the
/// plain names, with a warning, when the site was built without it.
pub fn asset_names(site_root: &std::path::Path) -> AssetNames {
    let path = site_root.join("pkg").join("assets.json");
    match std::fs::read_to_string(&path) {
        Ok(text) => match serde_json::from_str::<AssetNames>(&text) {
            Ok(a) => a,
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "unreadable asset manifest: serving the plain names");
                AssetNames::default()
            }
        },
        Err(_) => AssetNames::default(),
    }
}

pub fn leptos_options(cfg: &WebConfig, assets: &AssetNames) -> LeptosOptions {
    LeptosOptions::builder()
        // the hydration script loads `<output name>.js` and `.wasm`
        .output_name(assets.app.clone())
        .site_root(cfg.site_root.display().to_string())
        .site_pkg_dir("pkg")
        .site_addr(cfg.addr)
        .build()
}

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The whole application as one router.
pub fn router(state: AppState, sessions: AnySessionStore, cfg: WebConfig) -> Result<Router, String> {
    let assets = asset_names(&cfg.site_root);
    let options = leptos_options(&cfg, &assets);
    // the background calls are served by their own router below (a session read, never saved)
    let background = vec![
        <app::api::work::WorkMenu as leptos::server_fn::ServerFn>::PATH.to_string(),
        <app::api::auth::SessionTime as leptos::server_fn::ServerFn>::PATH.to_string(),
    ];
    let routes = leptos_axum::generate_route_list_with_exclusions(App, Some(background.clone()));

    let ctx_state = state.clone();
    let ctx_assets = assets.clone();
    let context = move || {
        provide_context(ctx_state.clone());
        provide_context(ctx_assets.clone());
    };
    let shell_options = options.clone();
    let fn_state = state.clone();
    let api = move |req: Request| {
        let s = fn_state.clone();
        async move { handle_server_fns_with_context(move || provide_context(s.clone()), req).await }
    };

    let idle = tower_sessions::cookie::time::Duration::seconds(state.auth.idle_timeout.as_secs() as i64);
    let cookie_name = if cfg.secure { "__Host-yinjian" } else { "yinjian" };
    let reader = ReadOnlySession { store: Arc::new(sessions.clone()), cookie: cookie_name, idle, deadline: false };
    let session_layer = SessionManagerLayer::new(sessions)
        .with_name(cookie_name)
        .with_secure(cfg.secure)
        .with_http_only(true)
        .with_same_site(SameSite::Strict)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(idle))
        // saved on every request, so activity moves the idle deadline (tower-sessions otherwise
        // saves, and extends, only a modified session: the timeout would count from sign-in)
        .with_always_save(true);

    let mut csrf = CsrfLayer::new();
    for origin in &cfg.trusted_origins {
        csrf = csrf.add_trusted_origin(origin).map_err(|e| format!("trusted origin {origin}: {e}"))?;
    }

    // the .br / .gz written beside each fingerprinted file at bundle time
    let pkg = ServeDir::new(cfg.site_root.join("pkg")).precompressed_br().precompressed_gzip();
    let site_root = cfg.site_root.clone();
    let error_ctx_state = state.clone();
    // The registered impression's GET is the second half of a look-up whose first half
    // (`comparisons/start`) has just saved the session: it reads the session without saving it
    // again (a committed write, an fsync with SQLite FULL, for nothing), and so does not move
    // the idle deadline by itself.
    // The background calls (#39): the menu's counts every minute and the session's time left
    // for the idle timeout's warning. Reading them is not activity: the session is read, with
    // its stored deadline, and never saved.
    let mut quiet = Router::new();
    for path in &background {
        quiet = quiet.route(path, post(api.clone()));
    }
    let quiet = quiet.layer(middleware::from_fn_with_state(state.clone(), authorize_api)).layer(
        middleware::from_fn_with_state(
            Arc::new(ReadOnlySession { deadline: true, ..reader.clone() }),
            read_only_session,
        ),
    );
    let image = Router::new()
        .route(
            "/api/comparisons/{query}/registered.png",
            get({
                let state = state.clone();
                move |path: axum::extract::Path<String>, req: Request| registered_png(state.clone(), path, req)
            }),
        )
        .layer(middleware::from_fn_with_state(state.clone(), authorize_api))
        .layer(middleware::from_fn_with_state(Arc::new(reader), read_only_session));
    let pages = Router::new()
        .route(
            "/healthz",
            get({
                let health = state.health.clone();
                move || healthz(health.clone())
            }),
        )
        .route("/lang", post(set_language))
        .route("/api/{*fn_name}", post(api.clone()).get(api))
        .leptos_routes_with_context(&options, routes, context, move || shell(shell_options.clone()))
        .nest_service("/pkg", pkg)
        .route_service("/favicon.svg", tower_http::services::ServeFile::new(site_root.join("favicon.svg")))
        .fallback(leptos_axum::file_and_error_handler_with_context(
            move || {
                provide_context(error_ctx_state.clone());
                provide_context(assets.clone());
            },
            shell,
        ))
        .with_state(options)
        // innermost first: authorisation needs the session and the client address
        .layer(middleware::from_fn_with_state(state.clone(), authorize_api))
        .layer(session_layer);
    let router = image
        .merge(quiet)
        .merge(pages)
        .layer(middleware::from_fn_with_state(Arc::new(cfg.clone()), client_ip))
        .layer(middleware::from_fn_with_state(cfg.upload_body_limit, body_limit))
        .layer(csrf)
        .layer(middleware::from_fn_with_state(cfg.secure, security_headers))
        .layer(middleware::from_fn(crate::metrics::track))
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
            let id = req.extensions().get::<RequestId>().and_then(|r| r.header_value().to_str().ok()).unwrap_or("-");
            tracing::info_span!("request", id = %id, method = %req.method(), path = %req.uri().path())
        }))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid));
    Ok(router)
}

/// The session as a request reads it, never saved: see the image route in [`router`].
#[derive(Clone)]
struct ReadOnlySession {
    store: Arc<AnySessionStore>,
    cookie: &'static str,
    idle: tower_sessions::cookie::time::Duration,
    /// Also hand the stored idle deadline to the request (`SessionDeadline`).
    deadline: bool,
}

async fn read_only_session(State(r): State<Arc<ReadOnlySession>>, mut req: Request, next: Next) -> Response {
    let id = req
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(tower_sessions::cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == r.cookie)
        .and_then(|c| c.value().parse::<tower_sessions::session::Id>().ok());
    if let (true, Some(id)) = (r.deadline, id) {
        use tower_sessions::SessionStore;
        if let Ok(Some(record)) = r.store.load(&id).await {
            let at = chrono::DateTime::from_timestamp(record.expiry_date.unix_timestamp(), 0).unwrap_or_default();
            req.extensions_mut().insert(app::server::auth::SessionDeadline(at));
        }
    }
    let session = tower_sessions::Session::new(id, r.store.clone(), Some(Expiry::OnInactivity(r.idle)));
    req.extensions_mut().insert(session);
    next.run(req).await
}

/// `GET /api/comparisons/{query}/registered.png`: the registered impression a query was answered
/// with, in its stored media type, never cached. Who may is the use case's
/// (`server::comparisons::registered_image`); the policy was checked by `authorize_api`.
async fn registered_png(
    state: AppState,
    axum::extract::Path(query): axum::extract::Path<String>,
    req: Request,
) -> Response {
    let Some(Authorized { path, actor: Some(actor) }) = req.extensions().get::<Authorized>().cloned() else {
        return error_response(ApiError::NotSignedIn);
    };
    let Ok(query) = query.parse::<i64>() else {
        return error_response(ApiError::NotFound);
    };
    let caller = app::server::caller::Caller::new(actor, req.extensions().get::<ClientIp>().map(|c| c.0));
    match app::server::comparisons::registered_image(&state, &caller, query, &path).await {
        Ok(img) => (
            [(header::CONTENT_TYPE, img.media_type), (header::CACHE_CONTROL, "private, no-store".to_string())],
            img.data,
        )
            .into_response(),
        Err(f) => error_response(ApiError::from(f)),
    }
}

/// For the proxy and the monitoring: `ok` or `degraded`, nothing more (the version, the database
/// and the clock offset are for administrators: `/api/system/health`, and `/healthz` on the
/// metrics address). Measured at most once a second whoever asks; 503 while the database does
/// not answer, 200 otherwise (`degraded` then means the clock is off the database server's).
async fn healthz(health: Arc<app::server::system::HealthCache>) -> impl IntoResponse {
    let h = health.current().await;
    let status = if h.database() { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (
        status,
        [(header::CACHE_CONTROL, "no-store"), (header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        h.public().word(),
    )
}

#[derive(serde::Deserialize)]
struct LangForm {
    lang: String,
}

/// Switch the UI language (a preference cookie), then go back where the user was.
async fn set_language(headers: axum::http::HeaderMap, Form(f): Form<LangForm>) -> Response {
    let locale = Locale::from_tag(&f.lang).unwrap_or_default();
    // Back to the same-origin page the form was on (path only: never an open redirect).
    let back = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.parse::<axum::http::Uri>().ok())
        .map(|u| u.path_and_query().map(|p| p.as_str().to_string()).unwrap_or_else(|| "/".into()))
        .filter(|p| p.starts_with('/') && !p.starts_with("//"))
        .unwrap_or_else(|| "/".into());
    let cookie = format!("{LOCALE_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax", locale.tag());
    let mut resp = Redirect::to(&back).into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        resp.headers_mut().insert(header::SET_COOKIE, v);
    }
    resp
}

/// The largest body a request may carry: the upload limit on the endpoints that take an upload
/// (`authz::LARGE_BODY_ENDPOINTS`), [`authz::API_BODY_LIMIT`] on every other path — the public
/// ones (sign-in) included. A declared length over it is answered 413 before anything reads the
/// body; a body that turns out longer stops being read at the limit.
async fn body_limit(State(upload_limit): State<usize>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let limit = if authz::LARGE_BODY_ENDPOINTS.contains(&path) {
        upload_limit.max(authz::API_BODY_LIMIT)
    } else {
        authz::API_BODY_LIMIT
    };
    let declared =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return (StatusCode::PAYLOAD_TOO_LARGE, [(header::CONNECTION, "close")]).into_response();
    }
    let (parts, body) = req.into_parts();
    let body = Body::new(http_body_util::Limited::new(body, limit));
    next.run(Request::from_parts(parts, body)).await
}

/// Work out the client's address: the peer, or the forwarded address when the peer is a
/// trusted proxy.
async fn client_ip(State(cfg): State<Arc<WebConfig>>, mut req: Request, next: Next) -> Response {
    let peer = req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
    let ip = match peer {
        Some(p) if cfg.trusted_proxies.contains(&p) => req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.split(',')
                    .rev()
                    .filter_map(|s| s.trim().parse::<IpAddr>().ok())
                    .find(|ip| !cfg.trusted_proxies.contains(ip))
            })
            .or(Some(p)),
        other => other,
    };
    if let Some(ip) = ip {
        req.extensions_mut().insert(ClientIp(ip));
    }
    next.run(req).await
}

/// Fail closed on `/api/`: an endpoint runs only when its policy admits the caller — before
/// its arguments are read. The decision rides along so the function need not check twice.
async fn authorize_api(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if !path.starts_with("/api/") {
        return next.run(req).await;
    }
    // every endpoint is a POST but the few read with a GET (`authz::GET_ENDPOINTS`): anything
    // else is refused before a session is read or a row written
    let method = if authz::get_endpoint(&path).is_some() { axum::http::Method::GET } else { axum::http::Method::POST };
    if req.method() != method {
        return (StatusCode::METHOD_NOT_ALLOWED, [(header::ALLOW, method.as_str())]).into_response();
    }
    if let Some(new) = authz::moved(&path) {
        let location = match req.uri().query() {
            Some(q) => format!("{new}?{q}"),
            None => new.to_string(),
        };
        return (StatusCode::PERMANENT_REDIRECT, [(header::LOCATION, location)]).into_response();
    }
    let Some(session) = req.extensions().get::<tower_sessions::Session>().cloned() else {
        return error_response(ApiError::Internal);
    };
    let ip = req.extensions().get::<ClientIp>().map(|c| c.0);
    match authz::authorize(&state, &session, &path, ip).await {
        Ok(actor) => {
            // a multipart endpoint reads nothing else (the codec would fail on it unread)
            if authz::MULTIPART_ENDPOINTS.contains(&path.as_str()) && !is_multipart(&req) {
                return (StatusCode::UNSUPPORTED_MEDIA_TYPE, [(header::ACCEPT, "multipart/form-data")]).into_response();
            }
            req.extensions_mut().insert(Authorized { path, actor });
            with_error_status(next.run(req).await).await
        }
        Err(e) => error_response(e),
    }
}

/// `multipart/form-data` with its boundary.
fn is_multipart(req: &Request) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| multer::parse_boundary(ct).is_ok())
}

/// Server functions answer every error with 500; give an `ApiError` its own status
/// (400 for bad input, 403 for a scope denial, 423 for a locked account, …).
async fn with_error_status(resp: Response) -> Response {
    if resp.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 1 << 20).await else {
        return (StatusCode::INTERNAL_SERVER_ERROR, "").into_response();
    };
    if let Ok(e) = serde_json::from_slice::<ApiError>(&bytes) {
        parts.status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    }
    Response::from_parts(parts, Body::from(bytes))
}

fn error_response(e: ApiError) -> Response {
    let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, Json(e)).into_response()
}

/// Security headers on every response, with a fresh CSP nonce for the page's scripts.
async fn security_headers(State(secure): State<bool>, mut req: Request, next: Next) -> Response {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    let nonce = hex::encode(bytes);
    req.extensions_mut().insert(CspNonce(nonce.clone()));
    let static_cache = static_cache_control(req.uri().path());
    let mut resp: Response<Body> = next.run(req).await;
    let ok = resp.status().is_success() || resp.status() == StatusCode::NOT_MODIFIED;
    let h = resp.headers_mut();
    let csp = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data: blob:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; \
         base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    );
    if let Ok(v) = HeaderValue::from_str(&csp) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert(
        HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static("camera=(self), microphone=(), geolocation=()"),
    );
    match static_cache {
        Some(policy) if ok => {
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
            h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        }
        _ => {
            if !h.contains_key(header::CACHE_CONTROL) {
                // pages and API answers carry personal data
                h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            }
        }
    }
    if secure {
        h.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    }
    resp
}

/// How a static file may be cached: a fingerprinted name (`name.<16 hex>.ext`) never changes
/// its content, so a year and `immutable`; a plain name is revalidated on every use.
fn static_cache_control(path: &str) -> Option<&'static str> {
    let name = path.strip_prefix("/pkg/")?;
    let fingerprinted = name.split('.').any(|part| part.len() == 16 && part.bytes().all(|b| b.is_ascii_hexdigit()));
    Some(if fingerprinted { "public, max-age=31536000, immutable" } else { "no-cache" })
}

/// Remove expired sessions from the database now and then.
pub fn spawn_session_cleanup(store: AnySessionStore) {
    use tower_sessions::session_store::ExpiredDeletion;
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(300));
        loop {
            tick.tick().await;
            if let Err(e) = store.delete_expired().await {
                tracing::warn!(error = %e, "could not delete expired sessions");
            }
        }
    });
}
