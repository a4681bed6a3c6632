//! Slow crypto work (RSA key generation and private-key operations, PBKDF2, large
//! digests) runs on tokio's blocking pool, not the isolate's loop thread. That CPU time is
//! not charged to the app's CPU budget, so a process-wide semaphore bounds how many such
//! jobs run at once, and each isolate runs one job at a time: an app that queues many
//! slow jobs holds one core's worth of permits, and the other apps' jobs get the rest.

use std::rc::Rc;
use std::sync::OnceLock;

use nano_engine::rquickjs::{Array, ArrayBuffer, Ctx, Result, Value};
use nano_engine::{settle, LoopHandle};
use tokio::sync::Semaphore;

use super::error::{CResult, CryptoError};
use super::keys::Key;
use super::SharedTable;

/// What a finished job hands back to JavaScript.
pub(crate) enum Output {
    /// An ArrayBuffer.
    Bytes(Vec<u8>),
    /// A key pair, entered in the table: `[privateId, publicId]`.
    Pair(Box<Key>, Box<Key>),
}

fn permits() -> &'static Semaphore {
    static JOBS: OnceLock<Semaphore> = OnceLock::new();
    JOBS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Semaphore::new(cores.max(1))
    })
}

/// Where an isolate's slow jobs go: its loop, and its own one-at-a-time queue.
#[derive(Clone)]
pub(crate) struct Offload {
    lp: LoopHandle,
    local: Rc<Semaphore>,
}

impl Offload {
    pub(crate) fn new(lp: &LoopHandle) -> Self {
        Self {
            lp: lp.clone(),
            local: Rc::new(Semaphore::new(1)),
        }
    }
}

/// Returns a promise that settles with `job`'s output once it has run off the loop.
pub(crate) fn off_loop<'js, J>(
    ctx: &Ctx<'js>,
    off: &Offload,
    table: &SharedTable,
    job: J,
) -> Result<Value<'js>>
where
    J: FnOnce() -> CResult<Output> + Send + 'static,
{
    let table = table.clone();
    let local = off.local.clone();
    let promise = off.lp.promise(ctx, async move {
        // This isolate's turn first, then a process-wide slot.
        let mine = local.acquire().await;
        let permit = permits().acquire().await;
        // Outside a tokio runtime (an embedder polling the loop some other way) the job
        // runs in place rather than panicking.
        let out = match tokio::runtime::Handle::try_current() {
            Ok(runtime) => runtime.spawn_blocking(job).await.ok(),
            Err(_) => Some(job()),
        };
        drop(permit);
        drop(mine);
        settle(move |ctx| match out {
            Some(Ok(output)) => to_js(ctx, &table, output),
            Some(Err(e)) => Err(e.throw(ctx)),
            None => Err(CryptoError::Operation("the crypto job failed").throw(ctx)),
        })
    })?;
    Ok(promise.into_value())
}

/// Turns an output into its JavaScript value (entering keys into the table).
pub(crate) fn to_js<'js>(
    ctx: &Ctx<'js>,
    table: &SharedTable,
    output: Output,
) -> Result<Value<'js>> {
    match output {
        Output::Bytes(bytes) => Ok(ArrayBuffer::new(ctx.clone(), bytes)?.into_value()),
        Output::Pair(private, public) => {
            let mut t = table.borrow_mut();
            let ids = Array::new(ctx.clone())?;
            ids.set(0, t.insert(*private))?;
            ids.set(1, t.insert(*public))?;
            Ok(ids.into_value())
        }
    }
}
