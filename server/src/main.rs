use clap::Parser;
use std::process::ExitCode;

use server::cli;
use server::config::{Cli, Command, ServeArgs};

/// Stack of each runtime thread. Server-side rendering of a page is one deep future; a debug
/// build overflowed tokio's default 2 MiB on the larger pages.
const THREAD_STACK: usize = 16 * 1024 * 1024;

fn main() -> ExitCode {
    // everything written from here on is the owner's only (database, backups, key, trail copy)
    server::files::restrict_umask();
    match tokio::runtime::Builder::new_multi_thread().enable_all().thread_stack_size(THREAD_STACK).build() {
        Ok(rt) => rt.block_on(run()),
        Err(e) => {
            eprintln!("yinjian: cannot start the async runtime: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,tower_sessions=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    for note in cli.common.deprecations() {
        tracing::warn!("{note}");
    }
    let result = match &cli.command {
        None => match ServeArgs::from_env() {
            Ok(args) => cli::serve(&cli.common, &args).await,
            Err(e) => Err(e.into()),
        },
        Some(Command::Serve(args)) => cli::serve(&cli.common, args).await,
        Some(Command::Migrate) => cli::migrate(&cli.common).await,
        Some(Command::User(cmd)) => cli::user(&cli.common, cmd).await,
        Some(Command::Trail(cmd)) => cli::trail(&cli.common, cmd).await,
        Some(Command::Audit(cmd)) => {
            eprintln!("yinjian: `yinjian audit` is deprecated and goes in the next release: use `yinjian trail`");
            cli::trail(&cli.common, cmd).await
        }
        Some(Command::Seals(cmd)) => server::seals_import::run(&cli.common, cmd).await,
        Some(Command::Backup { dest }) => cli::backup(&cli.common, dest).await,
        Some(Command::RestoreCheck { backup, key, scratch_url, record, by }) => {
            cli::restore_check(&cli.common, backup, key.as_deref(), scratch_url.as_deref(), *record, by.as_deref())
                .await
        }
        Some(Command::Match { registered, questioned, registered_dpi, questioned_dpi }) => {
            let opts = matcher::MatchOptions {
                registered_dpi: *registered_dpi,
                questioned_dpi: *questioned_dpi,
                ..Default::default()
            };
            Ok(if server::matching::match_one(registered, questioned, &opts) {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(2)
            })
        }
        Some(Command::MatchBatch { pairs, root }) => {
            server::matching::match_batch(pairs, root.as_deref(), &matcher::MatchOptions::default())
                .map(|_| ExitCode::SUCCESS)
                .map_err(Into::into)
        }
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("yinjian: {e}");
            ExitCode::FAILURE
        }
    }
}
