//! NANO's engine layer: everything that touches QuickJS (through `rquickjs`) directly.
//!
//! An [`Isolate`] is one QuickJS runtime and context with its own memory meter, CPU
//! deadline, module loader and event loop of host operations. Nothing here is shared
//! between isolates: each tenant's state hangs off its own isolate.

mod error;
mod isolate;
mod loader;
mod meter;
mod ops;

pub use error::{Fatal, JsError};
pub use isolate::{Isolate, IsolateOptions, Rejection, ScriptKind};
pub use loader::{ModuleSource, SourceError};
pub use ops::{settle, LoopHandle, Ready, Settle};
pub use rquickjs;
