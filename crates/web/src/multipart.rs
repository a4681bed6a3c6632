//! multipart/form-data bodies (HTML §4.10.21.8, RFC 7578): the Rust half of
//! `js/formdata.js`.

use nano_engine::rquickjs::{Ctx, Object, Result};

/// Adds the form-data ops to `ops`.
pub(crate) fn install<'js>(_ctx: &Ctx<'js>, _ops: &Object<'js>) -> Result<()> {
    Ok(())
}
