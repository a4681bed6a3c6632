//! `nanod check`: load every app of a config the way the server would (parse, link its
//! imports, run its top-level code) and report each problem with file:line:column.

use std::rc::Rc;
use std::sync::Arc;

use nano_web::WebOptions;

use crate::app::App;
use crate::boot::{boot, BootError};
use crate::config::Config;

/// Problems found, one message per failing app; empty when everything loads.
pub fn check(config: &Config) -> Vec<String> {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return vec![format!("cannot start the event loop: {e}")],
    };
    let local = tokio::task::LocalSet::new();
    local.block_on(&runtime, async {
        let mut problems = Vec::new();
        for app_config in &config.apps {
            let app = Arc::new(App::new(app_config.clone()));
            let hooks = WebOptions {
                log: Rc::new(|_, _| {}),
                respond: Rc::new(|_, _| {}),
                uncaught: Rc::new(|_| {}),
            };
            match boot(&app, hooks, None).await {
                Ok(live) => drop(live),
                Err(BootError::Script(e)) => {
                    let location = e
                        .location()
                        .map(|loc| format!("{}: ", app.root.join(loc).display()))
                        .unwrap_or_else(|| format!("{}: ", app.config.main.display()));
                    let what = if e.name.is_empty() {
                        e.message.clone()
                    } else {
                        format!("{}: {}", e.name, e.message)
                    };
                    problems.push(format!("app {}: {location}{what}", app.name()));
                }
                Err(BootError::Fatal(f)) => problems.push(format!("app {}: {f}", app.name())),
            }
        }
        problems
    })
}
