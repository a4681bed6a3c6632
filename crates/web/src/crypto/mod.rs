//! Web Crypto (`crypto.getRandomValues`, `crypto.randomUUID`, `crypto.subtle`): the Rust
//! half of `js/crypto.js`.

use nano_engine::rquickjs::{Ctx, Object, Result};
use nano_engine::LoopHandle;

/// Adds the crypto ops to `ops`.
pub(crate) fn install<'js>(_ctx: &Ctx<'js>, _ops: &Object<'js>, _lp: &LoopHandle) -> Result<()> {
    Ok(())
}
