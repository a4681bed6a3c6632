//! Outbound HTTP (`fetch`): the Rust half of `js/fetch.js`.

use std::rc::Rc;

use nano_engine::rquickjs::{Ctx, Object, Result};
use nano_engine::LoopHandle;

use crate::body::BodyTable;

/// Adds the fetch ops to `ops`.
pub(crate) fn install<'js>(
    _ctx: &Ctx<'js>,
    _ops: &Object<'js>,
    _lp: &LoopHandle,
    _bodies: &Rc<BodyTable>,
) -> Result<()> {
    Ok(())
}
