//! The per-isolate queue of host operations: Rust futures (timers, body reads, outbound
//! I/O) whose results re-enter JavaScript as a turn once they are ready.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::future::Future;
use std::rc::Rc;
use std::task::{Context as TaskContext, Poll};
use std::time::Instant;

use futures_util::future::{AbortHandle, Abortable, LocalBoxFuture};
use futures_util::stream::{FuturesUnordered, StreamExt};
use rquickjs::{Ctx, Persistent, Promise, Value};

use crate::meter::Meter;

/// What a finished host operation does to JavaScript: build the value a promise resolves
/// with, or fail (an `Error::Exception` rejects with the pending exception).
pub type Settle = Box<dyn for<'js> FnOnce(&Ctx<'js>) -> rquickjs::Result<Value<'js>>>;

/// Work to run inside the isolate once an operation completes.
pub(crate) type Completion = Box<dyn for<'js> FnOnce(&Ctx<'js>)>;

/// A finished host operation whose continuation has yet to run in its isolate.
pub struct Ready(pub(crate) Completion);

struct Queue {
    pending: RefCell<FuturesUnordered<LocalBoxFuture<'static, Option<Completion>>>>,
    cancels: RefCell<HashMap<u64, AbortHandle>>,
    next_key: Cell<u64>,
    /// Operations ever started (to tell whether a turn started any).
    started: Cell<u64>,
    meter: Rc<Meter>,
    origin: Instant,
}

/// A handle on one isolate's event loop, for bindings that start host work.
///
/// Cloning is cheap; every clone refers to the same isolate.
#[derive(Clone)]
pub struct LoopHandle(Rc<Queue>);

impl LoopHandle {
    pub(crate) fn new(meter: Rc<Meter>) -> Self {
        Self(Rc::new(Queue {
            pending: RefCell::new(FuturesUnordered::new()),
            cancels: RefCell::new(HashMap::new()),
            next_key: Cell::new(1),
            started: Cell::new(0),
            meter,
            origin: Instant::now(),
        }))
    }

    /// When this isolate was created (`performance.timeOrigin`).
    pub fn origin(&self) -> Instant {
        self.0.origin
    }

    /// Bytes of heap the isolate's engine holds now.
    pub fn memory_used(&self) -> usize {
        self.0.meter.used()
    }

    /// How many operations were ever started; compare before and after a turn to learn
    /// whether it started any (whoever polls [`ready`](Self::ready) must then re-poll).
    pub fn started(&self) -> u64 {
        self.0.started.get()
    }

    /// Number of operations still running; an isolate with none is idle.
    pub fn pending(&self) -> usize {
        self.0.pending.borrow().len()
    }

    /// Runs `fut` on the loop; when it finishes, `then` runs inside the isolate.
    pub fn spawn<F, T>(&self, fut: F, then: T)
    where
        F: Future + 'static,
        T: for<'js> FnOnce(&Ctx<'js>, F::Output) + 'static,
    {
        let op = async move {
            let out = fut.await;
            Some(Box::new(move |ctx: &Ctx<'_>| then(ctx, out)) as Completion)
        };
        self.0.started.set(self.0.started.get() + 1);
        self.0.pending.borrow().push(Box::pin(op));
    }

    /// Like [`spawn`](Self::spawn), but returns a key that [`cancel`](Self::cancel) takes:
    /// a cancelled operation is dropped and its `then` never runs.
    pub fn spawn_cancellable<F, T>(&self, fut: F, then: T) -> u64
    where
        F: Future + 'static,
        T: for<'js> FnOnce(&Ctx<'js>, F::Output) + 'static,
    {
        let key = self.0.next_key.get();
        self.0.next_key.set(key + 1);
        let (handle, registration) = AbortHandle::new_pair();
        self.0.cancels.borrow_mut().insert(key, handle);
        let queue = Rc::downgrade(&self.0);
        let op = async move {
            let out = Abortable::new(fut, registration).await;
            if let Some(queue) = queue.upgrade() {
                queue.cancels.borrow_mut().remove(&key);
            }
            let out = out.ok()?;
            Some(Box::new(move |ctx: &Ctx<'_>| then(ctx, out)) as Completion)
        };
        self.0.started.set(self.0.started.get() + 1);
        self.0.pending.borrow().push(Box::pin(op));
        key
    }

    /// Cancels an operation started with [`spawn_cancellable`](Self::spawn_cancellable);
    /// unknown or finished keys are ignored.
    pub fn cancel(&self, key: u64) {
        if let Some(handle) = self.0.cancels.borrow_mut().remove(&key) {
            handle.abort();
        }
    }

    /// Returns a promise that settles with what `fut` produces.
    pub fn promise<'js, F>(&self, ctx: &Ctx<'js>, fut: F) -> rquickjs::Result<Promise<'js>>
    where
        F: Future<Output = Settle> + 'static,
    {
        let (promise, settle) = settler(ctx)?;
        self.spawn(fut, settle);
        Ok(promise)
    }

    /// Like [`promise`](Self::promise), with a key for [`cancel`](Self::cancel); a
    /// cancelled promise stays pending forever.
    pub fn promise_cancellable<'js, F>(
        &self,
        ctx: &Ctx<'js>,
        fut: F,
    ) -> rquickjs::Result<(Promise<'js>, u64)>
    where
        F: Future<Output = Settle> + 'static,
    {
        let (promise, settle) = settler(ctx)?;
        let key = self.spawn_cancellable(fut, settle);
        Ok((promise, key))
    }

    /// Waits for the next finished operation; `None` at once when none is pending.
    /// Run what it returns with [`Isolate::run_ready`](crate::Isolate::run_ready).
    pub async fn ready(&self) -> Option<Ready> {
        std::future::poll_fn(|cx| self.poll_next(cx))
            .await
            .map(Ready)
    }

    /// Polls the operations; ready when one has finished (`None`: there are none).
    pub(crate) fn poll_next(&self, cx: &mut TaskContext<'_>) -> Poll<Option<Completion>> {
        let mut pending = self.0.pending.borrow_mut();
        loop {
            match pending.poll_next_unpin(cx) {
                Poll::Ready(Some(Some(done))) => return Poll::Ready(Some(done)),
                // A cancelled operation: nothing to run, look at the next.
                Poll::Ready(Some(None)) => continue,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Pending => return Poll::Pending,
            }
        }
    }

    /// Drops every operation (and the JS values they hold); used before the runtime dies.
    pub(crate) fn clear(&self) {
        self.0.cancels.borrow_mut().clear();
        self.0.pending.borrow_mut().clear();
    }
}

/// A new promise, and the continuation that settles it from a [`Settle`].
#[allow(clippy::type_complexity)]
fn settler<'js>(
    ctx: &Ctx<'js>,
) -> rquickjs::Result<(
    Promise<'js>,
    impl for<'a> FnOnce(&Ctx<'a>, Settle) + 'static,
)> {
    let (promise, resolve, reject) = ctx.promise()?;
    let resolve = Persistent::save(ctx, resolve);
    let reject = Persistent::save(ctx, reject);
    let settle = move |ctx: &Ctx<'_>, settle: Settle| {
        let outcome = settle(ctx);
        let _ = match outcome {
            Ok(value) => resolve.restore(ctx).and_then(|f| f.call::<_, ()>((value,))),
            Err(err) => {
                let reason = match err {
                    rquickjs::Error::Exception => ctx.catch(),
                    other => rquickjs::Exception::from_message(ctx.clone(), &other.to_string())
                        .map(|e| e.into_value())
                        .unwrap_or_else(|_| Value::new_undefined(ctx.clone())),
                };
                reject.restore(ctx).and_then(|f| f.call::<_, ()>((reason,)))
            }
        };
    };
    Ok((promise, settle))
}

/// Boxes a continuation as a [`Settle`] (a named function helps closures get the
/// higher-ranked lifetime they need).
pub fn settle<F>(f: F) -> Settle
where
    F: for<'js> FnOnce(&Ctx<'js>) -> rquickjs::Result<Value<'js>> + 'static,
{
    Box::new(f)
}
