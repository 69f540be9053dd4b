//! `tieup serve`: loads the catalog and the model once (with `--db`, opens the store and
//! agrees with it on the model), prints the URL and serves the shortlist page until Ctrl-C or
//! SIGTERM (requests in flight are finished first).

use super::args::{Cli, ServeArgs};
use super::{data_dir, default_model, shipped_model};
use anyhow::{Context, Result};
use linfa::ParamGuard;
use std::io::Write;
use std::sync::Arc;
use std::time::Duration;
use tieup_serve::AppState;

/// How often the model file is checked for changes.
const MODEL_CHECK_EVERY: Duration = Duration::from_secs(2);

/// Runs the server; returns after Ctrl-C.
pub fn run(cli: &Cli, args: &ServeArgs, out: &mut dyn Write) -> Result<()> {
    let dir = data_dir(cli.data.as_deref());
    let model_path = args.model.clone().unwrap_or_else(default_model);
    let state = AppState::load(&dir, &model_path).with_context(|| {
        format!(
            "loading the catalog from {} and the model {}",
            dir.display(),
            model_path.display()
        )
    })?;
    let state = match &args.db {
        None => state,
        Some(given) => {
            let db = if given.as_os_str().is_empty() {
                tieup_store::default_path(&dir)
            } else {
                given.clone()
            };
            let setup = tieup_serve::StoreSetup {
                db: db.clone(),
                retrain: Some(tieup_retrain::Setup {
                    exchanges: dir.join("partnerships.csv"),
                    prior: shipped_model("prior.json"),
                    params: tieup_learn::TrainParams::new(tieup_learn::LearnerKind::PriorAnchored)
                        .check()?,
                }),
                use_active_model: args.model.is_none(),
            };
            let state = state
                .with_store(setup)
                .map_err(super::db::store_error)
                .with_context(|| format!("opening the store {}", db.display()))?;
            writeln!(
                out,
                "tieup serve: store {} (models in {})",
                db.display(),
                db.with_extension("models").display()
            )?;
            state
        }
    };
    let state = Arc::new(state);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.bind)
            .await
            .with_context(|| format!("binding {}", args.bind))?;
        let addr = listener.local_addr()?;
        writeln!(out, "tieup serve: http://{addr}/  (Ctrl-C to stop)")?;
        if !addr.ip().is_loopback() {
            writeln!(out, "note: listening beyond this machine on {addr}")?;
        }
        out.flush()?;
        tieup_serve::watch_model(Arc::clone(&state), MODEL_CHECK_EVERY, |event| match event {
            Ok(()) => eprintln!("tieup serve: reloaded the changed model file"),
            Err(e) => eprintln!("tieup serve: the changed model file was not loaded: {e}"),
        });
        let shutdown = stop_signal();
        tieup_serve::serve(listener, tieup_serve::router(state), shutdown)
            .await
            .context("serving")?;
        writeln!(out, "tieup serve: stopped")?;
        Ok(())
    })
}

/// Completes on Ctrl-C (SIGINT) or, on Unix, SIGTERM.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
