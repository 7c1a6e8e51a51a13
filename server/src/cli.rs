//! The subcommands.

use std::process::ExitCode;

use app::server::{
    auth::{generate_password, hash_password},
    store::{NewAccount, StoreError},
    trail::{verify_store_with, Anchor, Anchors, Outcome, TrailAction, TrailDraft},
    AppState, AuthConfig,
};

use crate::config::{Common, ServeArgs, TrailCommand, UserCommand};
use crate::sessions::AnySessionStore;
use crate::setup;
use crate::web::{self, WebConfig};

pub type CliResult = Result<ExitCode, Box<dyn std::error::Error>>;

pub async fn serve(common: &Common, args: &ServeArgs) -> CliResult {
    let (store, pool, key) = setup::open(&common.database_url(), &common.trail_key_file()).await?;
    setup::first_start(&store, args.demo).await?;
    let sessions = AnySessionStore::new(&pool).await?;
    web::spawn_session_cleanup(sessions.clone());
    let auth = AuthConfig {
        idle_timeout: std::time::Duration::from_secs(args.session_idle_minutes * 60),
        absolute_timeout: std::time::Duration::from_secs(args.session_absolute_hours * 3600),
        secure: args.secure(),
        login_per_minute: args.login_rate_per_minute,
        policy: args.password_policy(),
        demo: args.demo,
    };
    let scanner = common.scanner()?;
    if scanner.is_enabled() {
        match scanner.ping().await {
            Ok(()) => tracing::info!(clamd = %common.clamd, "malware scanning of uploads: clamd answers"),
            Err(e) => {
                tracing::error!(error = %e, "malware scanning is configured but clamd does not answer: uploads will be refused until it does")
            }
        }
    } else if app::server::system::scanning_off_in_use(&store, false).await? {
        // every start, for as long as it stays so
        tracing::warn!(
            "UNSAFE: malware scanning of uploads is OFF on a database with real (non-demo) accounts: \
             set YINJIAN_CLAMD (e.g. unix:/run/clamav/clamd.ctl) and restart (附件三 3(8))"
        );
        eprintln!("WARNING: malware scanning of uploads is OFF (YINJIAN_CLAMD=off) on a database with real accounts");
    } else {
        tracing::warn!("malware scanning of uploads is OFF (set YINJIAN_CLAMD, e.g. unix:/run/clamav/clamd.ctl)");
    }
    if let app::server::scan::ScanConfig::Clamd { target: app::server::scan::ClamdTarget::Tcp(addr), .. } =
        scanner.config()
    {
        if !crate::forward::is_loopback(addr) {
            tracing::warn!(clamd = %addr, "uploaded seal images go to clamd in clear text (clamd has no TLS): keep clamd on this host (unix:) or on a protected link");
        }
    }
    for note in args.deprecations() {
        tracing::warn!("{note}");
    }
    let targets = args.forward_targets()?;
    if targets.is_empty() {
        tracing::warn!("trail events are not forwarded to a central log system (set YINJIAN_TRAIL_FORWARD)");
    }
    for t in &targets {
        if let crate::forward::Target::SyslogTcp(addr) = t {
            if !crate::forward::is_loopback(addr) {
                tracing::warn!(target = %t.name(), "the trail goes to this collector in clear text: use syslog+tls:// (RFC 5425) across a network");
            }
        }
    }
    crate::forward::spawn(store.clone(), targets, std::time::Duration::from_secs(args.trail_forward_secs()));
    app::server::requests::spawn_scheduler(
        store.clone(),
        std::time::Duration::from_secs(args.scheduler_secs.max(1)),
        args.report_thresholds(),
    );
    let state = AppState::new(store, auth, key)
        .with_scanner(scanner)
        .with_upload_limits(common.upload_limits())
        .with_idle_days(args.idle_days)
        .with_report_thresholds(args.report_thresholds())
        .with_liaison(app::server::state::LiaisonConfig {
            approval_required: args.liaison_approval,
            reply_days: args.liaison_reply_days,
        })
        .with_email_domains(args.email_domains.iter().map(|d| d.trim().to_string()).filter(|d| !d.is_empty()).collect())
        .with_build(build_info());
    if let Some(addr) = args.metrics_addr {
        let handle = crate::metrics::install()?;
        crate::metrics::serve(
            addr,
            handle,
            state.store.clone(),
            pool.clone(),
            state.health.clone(),
            state.build.clone(),
        )
        .await?;
    }
    app::server::denials::spawn_flush(state.denials.clone(), state.store.clone(), std::time::Duration::from_secs(30));
    let upload_body_limit = common.upload_limits().max_bytes * 4 / 3 + 256 * 1024;
    let mut trusted_origins = args.trusted_origins.clone();
    if let Some(o) = &args.public_origin {
        trusted_origins.push(o.trim_end_matches('/').to_string());
    }
    let cfg = WebConfig {
        addr: args.addr,
        site_root: args.site_root.clone(),
        secure: args.secure(),
        trusted_origins,
        trusted_proxies: args.trusted_proxies.clone(),
        upload_body_limit,
    };
    if !cfg.site_root.join("pkg").join("assets.json").exists() {
        tracing::warn!(site_root = %cfg.site_root.display(), "the browser bundle is missing: run `make build` (pages will not hydrate)");
    }
    let router = web::router(state, sessions, cfg)?;
    let listener = tokio::net::TcpListener::bind(args.addr).await?;
    // the bound address (a port of 0 picks a free one)
    let local = listener.local_addr()?;
    tracing::info!(addr = %local, "serving");
    println!("Yinjian listening on http://{local}");
    axum::serve(listener, router.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    Ok(ExitCode::SUCCESS)
}

/// This binary's version and commit, as `yinjian --version` prints them.
pub fn build_info() -> app::server::system::BuildInfo {
    app::server::system::BuildInfo { version: env!("CARGO_PKG_VERSION").into(), commit: crate::COMMIT.into() }
}

/// Ctrl-C, or SIGTERM (what systemd and container runtimes send): finish the requests in
/// flight, then stop.
async fn shutdown_signal() {
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term => {}
    }
    tracing::info!("shutting down");
}

pub async fn migrate(common: &Common) -> CliResult {
    let (store, _, _) = setup::open(&common.database_url(), &common.trail_key_file()).await?;
    app::server::seed::ensure_reference_data(store.as_ref()).await?;
    println!("migrations applied ({:?})", store.backend());
    Ok(ExitCode::SUCCESS)
}

fn cli_draft(action: TrailAction) -> TrailDraft {
    TrailDraft::new(action, Outcome::Success)
        .details(serde_json::json!({ "via": "cli", "os_user": std::env::var("USER").unwrap_or_default() }))
}

pub async fn user(common: &Common, cmd: &UserCommand) -> CliResult {
    let (store, _, _) = setup::open(&common.database_url(), &common.trail_key_file()).await?;
    app::server::seed::ensure_reference_data(store.as_ref()).await?;
    match cmd {
        UserCommand::Units => {
            for u in store.list_units().await? {
                println!("{:<8} {}", u.code, u.name_zh);
            }
        }
        UserCommand::Create { employee_no, name, unit, roles, email } => {
            let employee_no = app::domain::EmployeeNo::parse(employee_no)?;
            let roles = app::domain::Role::parse_list(roles).map_err(|e| format!("no role with code {:?}", e.0))?;
            if roles.is_empty() {
                return Err("give at least one role".into());
            }
            let unit = store.unit_by_code(unit).await?.ok_or_else(|| format!("no unit with code {unit}"))?;
            let password = generate_password();
            let new = NewAccount {
                employee_no: employee_no.as_str().to_string(),
                name: name.trim().to_string(),
                unit_id: unit.id,
                email: email.clone(),
                phone: String::new(),
                password_hash: hash_password(password.clone()).await?,
                must_change_password: true,
                one_time_until: Some(app::server::auth::one_time_until(chrono::Utc::now())),
                roles: roles.clone(),
                now: chrono::Utc::now(),
            };
            let draft = cli_draft(TrailAction::AccountCreate).object("account", "");
            match store.create_account(&new, draft).await {
                Ok(id) => println!("created account {id} {employee_no}; one-time password: {password}"),
                Err(StoreError::Duplicate(_)) => return Err(format!("{employee_no} already has an account").into()),
                Err(e) => return Err(e.into()),
            }
        }
        UserCommand::ResetPassword { employee_no } => {
            let a = store.account_by_employee_no(&employee_no.to_ascii_uppercase()).await?.ok_or("no such account")?;
            let password = generate_password();
            let hash = hash_password(password.clone()).await?;
            store
                .set_password(
                    a.id,
                    &hash,
                    true,
                    chrono::Utc::now(),
                    cli_draft(TrailAction::AccountPasswordReset).object("account", a.id),
                )
                .await?;
            println!("{}: one-time password: {password}", a.employee_no);
        }
        UserCommand::Disable { employee_no, reason } => {
            let a = store.account_by_employee_no(&employee_no.to_ascii_uppercase()).await?.ok_or("no such account")?;
            let draft = cli_draft(TrailAction::AccountDisable).object("account", a.id);
            store.set_disabled(a.id, true, Some(reason), draft).await?;
            println!("{} disabled; its sessions have ended", a.employee_no);
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub async fn trail(common: &Common, cmd: &TrailCommand) -> CliResult {
    match cmd {
        TrailCommand::Verify { anchors: files } => {
            let (store, _, key) = setup::open_unchecked(&common.database_url(), &common.trail_key_file()).await?;
            let mut anchors = Anchors::default();
            for file in files {
                if let Err(broken) = read_anchors(file, &key, &mut anchors)? {
                    eprintln!("TRAIL CHAIN BROKEN: {broken}");
                    return Ok(ExitCode::from(2));
                }
            }
            match verify_store_with(store.as_ref(), &key, &anchors).await? {
                Ok(rows) => {
                    println!("trail chain intact: {rows} rows");
                    if !files.is_empty() {
                        match anchors.newest() {
                            Some((seq, place)) => println!(
                                "roll-back check: {} sealed heads from the central log system, the newest row {seq} \
                                 ({place}), all in the trail",
                                anchors.read
                            ),
                            None => println!(
                                "roll-back check: no anchor in {}: nothing to check against (is it the collector's copy?)",
                                files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>().join(", ")
                            ),
                        }
                    } else if store.forward_status().await?.is_empty() {
                        println!(
                            "roll-back check: unavailable — the trail is not forwarded to a central log system \
                             (YINJIAN_TRAIL_FORWARD), so nothing outside the database holds its newest head: an \
                             older sealed head put back with the rows after it deleted is found only back to the \
                             last signed monthly report"
                        );
                    } else {
                        println!(
                            "roll-back check: not done — give the collector's copy of the trail with --anchors FILE \
                             (the JSON-lines file, or the syslog collector's log)"
                        );
                    }
                    Ok(ExitCode::SUCCESS)
                }
                Err((rows, broken)) => {
                    eprintln!("TRAIL CHAIN BROKEN after {rows} good rows: {broken}");
                    Ok(ExitCode::from(2))
                }
            }
        }
    }
}

/// The anchors in a collector's file, each checked with the key.
fn read_anchors(
    file: &std::path::Path,
    key: &[u8],
    anchors: &mut Anchors,
) -> Result<Result<(), app::server::trail::ChainBreak>, Box<dyn std::error::Error>> {
    use std::io::BufRead;
    let f = std::fs::File::open(file).map_err(|e| format!("{}: {e}", file.display()))?;
    let mut reader = std::io::BufReader::new(f);
    let mut line = Vec::new();
    let mut n = 0usize;
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).map_err(|e| format!("{}: {e}", file.display()))? == 0 {
            return Ok(Ok(()));
        }
        n += 1;
        if let Some(found) = Anchor::find_in_line(&String::from_utf8_lossy(&line)) {
            if let Err(b) = anchors.add(found, &format!("{}:{n}", file.display()), key) {
                return Ok(Err(b));
            }
        }
    }
}

pub async fn backup(common: &Common, dest: &std::path::Path) -> CliResult {
    let (manifest_path, m) = crate::backup::backup(&common.database_url(), dest).await?;
    let rows: i64 = m.counts.values().sum();
    println!(
        "backup {} ({} bytes, SHA-256 {}), {} rows, trail head row {}; manifest {}",
        dest.join(&m.file).display(),
        m.bytes,
        m.sha256,
        rows,
        m.trail_head_seq,
        manifest_path.display()
    );
    println!("the trail key is not in the backup: keep {} apart (see the README)", common.trail_key_file().display());
    Ok(ExitCode::SUCCESS)
}

pub async fn restore_check(
    common: &Common,
    backup: &std::path::Path,
    key: Option<&std::path::Path>,
    scratch_url: Option<&str>,
    record: bool,
    by: Option<&str>,
) -> CliResult {
    let key_file = key.map(std::path::Path::to_path_buf).unwrap_or_else(|| common.trail_key_file());
    let Some(key) = setup::read_key(&key_file)? else {
        eprintln!("no trail key at {}: the chain cannot be verified (--key FILE)", key_file.display());
        return Ok(ExitCode::from(2));
    };
    let live = common.database_url();
    let server = scratch_url.map(str::to_string).or_else(|| live.starts_with("postgres").then(|| live.clone()));
    let scratch = server.map(|server_url| crate::backup::Scratch { server_url });
    let report = crate::backup::restore_check(backup, &key, scratch.as_ref()).await?;
    print!("{}", report.text());
    if !report.passed() {
        return Ok(ExitCode::from(2));
    }
    if record {
        let (store, _, _) = setup::open(&live, &common.trail_key_file()).await?;
        let id = crate::backup::record_drill(store.as_ref(), by.unwrap_or_default(), &report).await?;
        println!("entered in the security register as done (duty {id}); the next drill is due in a quarter");
    }
    Ok(ExitCode::SUCCESS)
}
