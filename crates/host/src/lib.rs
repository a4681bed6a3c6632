//! NANO's host: the multi-tenant server (config, routing, loop threads, isolate pools,
//! limits, HTTP) and the `run`/`check` commands the `nanod` binary exposes.

pub mod app;
mod boot;
pub mod check;
pub mod config;
pub mod log;
mod placement;
mod pool;
pub mod router;
pub mod run;
mod server;
mod services;
mod sniff;

pub use config::{Config, ConfigError};
pub use server::Server;

/// Serves `config` until SIGTERM or SIGINT, then drains in-flight requests and returns.
pub fn serve(config: Config) -> std::io::Result<()> {
    let apps = config.apps.len();
    let threads = config.server.threads;
    let server = Server::start(config)?;
    log::server(&format!(
        "serving {apps} app{} on http://{} with {threads} thread{}",
        if apps == 1 { "" } else { "s" },
        server.local_addr(),
        if threads == 1 { "" } else { "s" },
    ));
    let signals = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    signals.block_on(async {
        use tokio::signal::unix::{signal, SignalKind};
        let mut term = signal(SignalKind::terminate())?;
        let mut int = signal(SignalKind::interrupt())?;
        tokio::select! {
            _ = term.recv() => {}
            _ = int.recv() => {}
        }
        Ok::<_, std::io::Error>(())
    })?;
    log::server("shutting down: no new connections; finishing in-flight requests");
    server.shutdown();
    server.join();
    log::server("stopped");
    Ok(())
}
