//! Per-thread isolate pool: for each app that has had a request on this thread, one
//! task that owns the app's isolate, feeds it requests, drives its host operations and
//! timers, enforces its CPU and memory limits, and replaces it when it breaks.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use http::{HeaderMap, Method};
use nano_engine::{Fatal, JsError};
use nano_web::{BodyStream, Level, ResponseParts, WebOptions};
use tokio::sync::{mpsc, oneshot};

use crate::app::App;
use crate::boot::{boot, finish, prepare, BootError, Live, Prepared};
use crate::log;
use crate::placement::Placement;

/// A request on its way into an isolate.
pub(crate) struct Job {
    pub method: Method,
    pub url: String,
    pub headers: HeaderMap,
    pub body: Option<BodyStream>,
    pub reply: oneshot::Sender<Reply>,
}

/// What became of a request.
pub(crate) enum Reply {
    Response(ResponseParts),
    /// The handler threw or rejected: 500.
    Exception,
    /// The isolate hit a limit or broke: 503.
    Fatal(Fatal),
    /// The app's code failed to load: 500.
    Boot,
    /// The app broke its limits repeatedly and is refused for this long: 503.
    Cooling(Duration),
}

/// After an isolate is discarded for a limit, the app's next requests on this thread
/// are refused for a while, doubling with each repeat, so an app that keeps spinning or
/// allocating cannot keep its thread (and the other apps on it) busy.
const PENALTY_BASE: Duration = Duration::from_millis(50);
const PENALTY_MAX: Duration = Duration::from_secs(5);
/// Strikes are forgotten after this long without one.
const PENALTY_MEMORY: Duration = Duration::from_secs(60);

struct Penalty {
    strikes: u32,
    last: Instant,
    until: Instant,
}

enum Msg {
    Request(u64, Job),
    /// The caller gave up (wall-time limit): forget the request.
    Cancel(u64),
    /// The sweeper saw no activity for the idle period: end if still idle.
    Evict,
}

/// A live app task, as the pool sees it.
struct TaskEntry {
    tx: mpsc::UnboundedSender<Msg>,
    slot: Rc<Slot>,
}

/// What an app task and the pool share: the app's isolate on this thread and its
/// requests. A request for a booted, idle-in-JS isolate is dispatched directly by the
/// pool (no channel hop); the task drives timers and host operations, boots the isolate,
/// and takes requests that queue while it boots.
struct Slot {
    live: RefCell<Option<Live>>,
    inflight: InflightMap,
    outbox: Outbox,
    /// Messages sent to the task and not yet taken (direct dispatch must not overtake).
    queued: Cell<usize>,
    /// When the task last handled anything.
    active: Cell<Instant>,
    /// Wakes the task after a direct dispatch (it may have new operations to poll).
    wake: tokio::sync::Notify,
}

/// See [`Pool::set_local_fetch`].
pub(crate) type LocalFetchFactory = Rc<dyn Fn(usize) -> Option<Rc<dyn nano_web::LocalFetch>>>;

/// This thread's isolates, one task per app.
pub(crate) struct Pool {
    apps: Arc<Vec<Arc<App>>>,
    /// This loop thread's index, and where every app lives.
    thread: usize,
    placement: Arc<Placement>,
    tasks: RefCell<HashMap<usize, TaskEntry>>,
    penalties: RefCell<HashMap<usize, Penalty>>,
    idle: Duration,
    /// An isolate prepared ahead of time for the next cold start on this thread.
    spare: RefCell<Option<Prepared>>,
    refilling: Cell<bool>,
    /// When this thread last received a request.
    last_request: Cell<Instant>,
    /// Makes an app's in-process services (service bindings, fetches to other apps of
    /// this server), given the app's index; set by the server.
    local_fetch: RefCell<Option<LocalFetchFactory>>,
}

/// How long a thread must have had no request before it prepares a spare isolate.
const REFILL_QUIET: Duration = Duration::from_millis(1);

/// Identifies a request sent with [`Pool::send`], for [`Pool::cancel`].
#[derive(Clone, Copy)]
pub(crate) struct Ticket {
    pub app: usize,
    pub id: u64,
}

impl Pool {
    pub(crate) fn new(
        apps: Arc<Vec<Arc<App>>>,
        idle: Duration,
        thread: usize,
        placement: Arc<Placement>,
    ) -> Rc<Self> {
        Rc::new(Self {
            apps,
            thread,
            placement,
            tasks: RefCell::new(HashMap::new()),
            penalties: RefCell::new(HashMap::new()),
            idle,
            spare: RefCell::new(None),
            refilling: Cell::new(false),
            last_request: Cell::new(Instant::now()),
            local_fetch: RefCell::new(None),
        })
    }

    /// How apps booted on this thread reach in-process services.
    pub(crate) fn set_local_fetch(&self, factory: LocalFetchFactory) {
        *self.local_fetch.borrow_mut() = Some(factory);
    }

    fn local_fetch_for(&self, index: usize) -> Option<Rc<dyn nano_web::LocalFetch>> {
        let factory = self.local_fetch.borrow().clone()?;
        factory(index)
    }

    pub(crate) fn app(&self, index: usize) -> &Arc<App> {
        &self.apps[index]
    }

    /// Hands a request to the app's isolate on this thread, starting it if needed.
    /// `id` must be unique among this thread's requests (the server numbers them).
    pub(crate) fn send(self: &Rc<Self>, app: usize, id: u64, job: Job) {
        self.last_request.set(Instant::now());
        if let Some(left) = self.cooling(app) {
            let _ = job.reply.send(Reply::Cooling(left));
            return;
        }
        let existing = self
            .tasks
            .borrow()
            .get(&app)
            .map(|t| (t.tx.clone(), t.slot.clone()));
        let mut msg = Msg::Request(id, job);
        if let Some((tx, slot)) = existing {
            let booted =
                slot.queued.get() == 0 && matches!(slot.live.try_borrow(), Ok(l) if l.is_some());
            if booted {
                if let Msg::Request(id, job) = msg {
                    self.dispatch_now(app, &slot, id, job);
                }
                return;
            }
            slot.queued.set(slot.queued.get() + 1);
            match tx.send(msg) {
                Ok(()) => return,
                Err(mpsc::error::SendError(m)) => {
                    slot.queued.set(slot.queued.get() - 1);
                    msg = m;
                }
            }
        }
        let (tx, rx) = mpsc::unbounded_channel();
        let slot = Rc::new(Slot {
            live: RefCell::new(None),
            inflight: Rc::default(),
            outbox: Rc::default(),
            queued: Cell::new(1),
            active: Cell::new(Instant::now()),
            wake: tokio::sync::Notify::new(),
        });
        let _ = tx.send(msg);
        self.tasks.borrow_mut().insert(
            app,
            TaskEntry {
                tx,
                slot: slot.clone(),
            },
        );
        tokio::task::spawn_local(app_task(self.clone(), app, rx, slot));
    }

    /// Runs a request's dispatch turn right away on a booted isolate.
    fn dispatch_now(&self, app: usize, slot: &Slot, id: u64, job: Job) {
        let limit = self.apps[app].config.limits.cpu;
        let (outcome, started_ops) = {
            let Ok(mut live) = slot.live.try_borrow_mut() else {
                return;
            };
            let Some(l) = live.as_mut() else { return };
            let before = l.iso.ops().started();
            let _turn = self.placement.turn(self.thread);
            let outcome = dispatch(l, &slot.inflight, limit, id, job);
            (outcome, l.iso.ops().started() != before)
        };
        self.after_turn(app, slot, outcome);
        if started_ops {
            // New host operations: the task must poll them (it is parked on the old ones).
            slot.wake.notify_one();
        }
    }

    /// What follows every turn: report unhandled rejections, send the turn's replies
    /// (or 503s if it hit a limit), and on a limit discard the isolate.
    fn after_turn(&self, app: usize, slot: &Slot, outcome: Result<(), Fatal>) {
        let name = self.apps[app].name();
        let limit = self.apps[app].config.limits.cpu;
        let mut outcome = outcome;
        // Callers hold no borrow here; `try_` only so a mistake cannot panic a loop thread.
        let mut live = slot.live.try_borrow_mut().ok();
        if let (Some(Some(l)), Ok(())) = (live.as_deref_mut(), &outcome) {
            // `unhandledrejection` listeners run as a turn of their own.
            match l.web.report_rejections(&mut l.iso, Some(limit)) {
                Ok(errors) => {
                    for err in errors {
                        log::app(name, Level::Error, &format!("Uncaught (in promise) {err}"));
                    }
                }
                Err(fatal) => outcome = Err(fatal),
            }
        }
        slot.active.set(Instant::now());
        flush(&slot.outbox, outcome.as_ref().err());
        if let Err(fatal) = outcome {
            self.penalize(app);
            log::app(name, Level::Error, &format!("isolate discarded: {fatal}"));
            fail_all(&slot.inflight, || Reply::Fatal(fatal.clone()));
            if let Some(live) = live.as_deref_mut() {
                *live = None;
            }
        }
    }

    pub(crate) fn cancel(&self, ticket: Ticket) {
        if let Some(t) = self.tasks.borrow().get(&ticket.app) {
            let _ = t.tx.send(Msg::Cancel(ticket.id));
        }
    }

    /// Time left in the app's penalty, if it is serving one.
    fn cooling(&self, app: usize) -> Option<Duration> {
        let penalties = self.penalties.borrow();
        let left = penalties
            .get(&app)?
            .until
            .checked_duration_since(Instant::now())?;
        (!left.is_zero()).then_some(left)
    }

    /// Records that the app's isolate was discarded for breaking a limit.
    fn penalize(&self, app: usize) {
        let now = Instant::now();
        let mut penalties = self.penalties.borrow_mut();
        let p = penalties.entry(app).or_insert(Penalty {
            strikes: 0,
            last: now,
            until: now,
        });
        if now.duration_since(p.last) > PENALTY_MEMORY {
            p.strikes = 0;
        }
        p.strikes = p.strikes.saturating_add(1);
        p.last = now;
        let factor = 1u32 << (p.strikes - 1).min(16);
        p.until = now + (PENALTY_BASE * factor).min(PENALTY_MAX);
    }

    /// The prepared isolate, if one is ready; a new one is made in the background.
    fn take_spare(self: &Rc<Self>) -> Option<Prepared> {
        let spare = self.spare.borrow_mut().take();
        self.refill();
        spare
    }

    /// Prepares the next spare isolate once the current work has run.
    pub(crate) fn refill(self: &Rc<Self>) {
        if self.refilling.replace(true) {
            return;
        }
        let pool = self.clone();
        tokio::task::spawn_local(async move {
            // Prepare only in a quiet moment: a spare built while requests are waiting
            // would delay them by as much as it saves the next cold start.
            loop {
                tokio::time::sleep(REFILL_QUIET).await;
                if pool.last_request.get().elapsed() >= REFILL_QUIET {
                    break;
                }
            }
            if pool.spare.borrow().is_none() {
                match prepare() {
                    Ok(p) => *pool.spare.borrow_mut() = Some(p),
                    Err(e) => log::server(&format!("cannot prepare an isolate: {e}")),
                }
            }
            pool.refilling.set(false);
        });
    }

    /// Asks every task idle for the idle period to end; runs for the thread's life. (One
    /// sweeper per thread instead of a timer per request.)
    pub(crate) async fn sweep(self: Rc<Self>) {
        let every = (self.idle / 4).max(Duration::from_millis(25));
        loop {
            tokio::time::sleep(every).await;
            let now = Instant::now();
            for t in self.tasks.borrow().values() {
                if now.duration_since(t.slot.active.get()) >= self.idle {
                    let _ = t.tx.send(Msg::Evict);
                }
            }
        }
    }
}

/// A request inside an isolate, and the CPU time charged to it so far.
struct Inflight {
    reply: oneshot::Sender<Reply>,
    cpu: Duration,
}

type InflightMap = Rc<RefCell<HashMap<u64, Inflight>>>;

/// Replies produced during the current turn. They are sent once the turn has ended
/// well: if it hit a limit, the isolate's state is suspect and they become 503s.
type Outbox = Rc<RefCell<Vec<(oneshot::Sender<Reply>, Reply)>>>;

fn flush(outbox: &Outbox, fatal: Option<&Fatal>) {
    for (tx, reply) in outbox.borrow_mut().drain(..) {
        let reply = match fatal {
            Some(f) => Reply::Fatal(f.clone()),
            None => reply,
        };
        let _ = tx.send(reply);
    }
}

fn hooks(app: &Arc<App>, inflight: &InflightMap, outbox: &Outbox) -> WebOptions {
    let name: Rc<str> = app.name().into();
    let n = name.clone();
    let log_sink = Rc::new(move |level: Level, text: &str| log::app(&n, level, text));
    let n = name.clone();
    let map = inflight.clone();
    let out = outbox.clone();
    let respond = Rc::new(move |id: u64, outcome: Result<ResponseParts, JsError>| {
        let Some(entry) = map.borrow_mut().remove(&id) else {
            return;
        };
        let reply = match outcome {
            Ok(parts) => Reply::Response(parts),
            Err(err) => {
                log::app(&n, Level::Error, &format!("Uncaught {err}"));
                Reply::Exception
            }
        };
        out.borrow_mut().push((entry.reply, reply));
    });
    let n = name;
    let uncaught =
        Rc::new(move |err: JsError| log::app(&n, Level::Error, &format!("Uncaught {err}")));
    WebOptions {
        log: log_sink,
        respond,
        uncaught,
    }
}

/// The CPU budget of the next turn: requests share the isolate, so a turn's time is
/// split evenly among those in flight; the turn may run until the one with the least
/// budget left would be over its limit.
fn turn_budget(limit: Duration, inflight: &InflightMap) -> Duration {
    let map = inflight.borrow();
    let n = map.len() as u32;
    match map.values().map(|r| limit.saturating_sub(r.cpu)).min() {
        Some(least) => (least * n).max(Duration::from_micros(100)),
        None => limit,
    }
}

fn charge(inflight: &InflightMap, spent: Duration) {
    let mut map = inflight.borrow_mut();
    let n = map.len() as u32;
    if n == 0 {
        return;
    }
    let share = spent / n;
    for r in map.values_mut() {
        r.cpu += share;
    }
}

/// Fails every request still in flight with `reply` (the isolate is going away).
fn fail_all(inflight: &InflightMap, reply: impl Fn() -> Reply) {
    for (_, r) in inflight.borrow_mut().drain() {
        let _ = r.reply.send(reply());
    }
}

async fn app_task(
    pool: Rc<Pool>,
    index: usize,
    mut rx: mpsc::UnboundedReceiver<Msg>,
    slot: Rc<Slot>,
) {
    let app = pool.app(index).clone();
    let limit = app.config.limits.cpu;
    let inflight = &slot.inflight;
    loop {
        let ops = slot.live.borrow().as_ref().map(|l| l.iso.ops().clone());
        let pending_ops = ops.as_ref().map_or(0, |o| o.pending());
        let outcome: Result<(), Fatal> = tokio::select! {
            msg = rx.recv() => {
                let Some(msg) = msg else { break };
                match msg {
                    Msg::Evict => {
                        let quiet = slot.active.get().elapsed() >= pool.idle;
                        if quiet && inflight.borrow().is_empty() && rx.is_empty() {
                            // Drop the isolate and end the task (a later request starts anew).
                            pool.tasks.borrow_mut().remove(&index);
                            pool.placement.vacate(index, pool.thread);
                            break;
                        }
                        continue;
                    }
                    Msg::Cancel(id) => {
                        inflight.borrow_mut().remove(&id);
                        Ok(())
                    }
                    Msg::Request(id, job) => {
                        slot.queued.set(slot.queued.get().saturating_sub(1));
                        if slot.live.borrow().is_none() {
                            let hooks = hooks(&app, inflight, &slot.outbox);
                            let local = pool.local_fetch_for(index);
                            let booted = match pool.take_spare() {
                                Some(prepared) => finish(prepared, &app, hooks, local).await,
                                None => boot(&app, hooks, local).await,
                            };
                            match booted {
                                Ok(l) => *slot.live.borrow_mut() = Some(l),
                                Err(e) => {
                                    let what = match &e {
                                        BootError::Script(_) => "failed to start",
                                        BootError::Fatal(_) => "hit a limit while starting",
                                    };
                                    log::app(app.name(), Level::Error, &format!("{what}: {e}"));
                                    let _ = job.reply.send(match e {
                                        BootError::Fatal(f) => Reply::Fatal(f),
                                        BootError::Script(_) => Reply::Boot,
                                    });
                                    continue;
                                }
                            }
                        }
                        let mut live = slot.live.borrow_mut();
                        let Some(l) = live.as_mut() else { continue };
                        let _turn = pool.placement.turn(pool.thread);
                        dispatch(l, inflight, limit, id, job)
                    }
                }
            }
            ready = async { ops.as_ref()?.ready().await }, if pending_ops > 0 => {
                let mut live = slot.live.borrow_mut();
                match (ready, live.as_mut()) {
                    (Some(ready), Some(l)) => {
                        let budget = turn_budget(limit, inflight);
                        let _turn = pool.placement.turn(pool.thread);
                        let r = l.iso.run_ready(ready, Some(budget));
                        charge(inflight, l.iso.last_turn());
                        r
                    }
                    _ => Ok(()),
                }
            }
            _ = slot.wake.notified() => continue,
        };
        pool.after_turn(index, &slot, outcome);
    }
    fail_all(inflight, || {
        Reply::Fatal(Fatal::Panic("isolate stopped".into()))
    });
}

fn dispatch(
    live: &mut Live,
    inflight: &InflightMap,
    limit: Duration,
    id: u64,
    job: Job,
) -> Result<(), Fatal> {
    let Job {
        method,
        url,
        headers,
        body,
        reply,
    } = job;
    inflight.borrow_mut().insert(
        id,
        Inflight {
            reply,
            cpu: Duration::ZERO,
        },
    );
    let pairs: Vec<(&str, &[u8])> = headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_bytes()))
        .collect();
    let budget = turn_budget(limit, inflight);
    let Live { web, iso } = live;
    let result = iso.enter(Some(budget), |ctx| {
        web.dispatch(ctx, id, method.as_str(), &url, &pairs, body)
    });
    charge(inflight, iso.last_turn());
    match result {
        Ok(Ok(())) => Ok(()),
        Ok(Err(err)) => {
            // The glue itself failed (not the app's handler, whose errors arrive via fail).
            if let Some(r) = inflight.borrow_mut().remove(&id) {
                let _ = r.reply.send(Reply::Exception);
            }
            Err(Fatal::Panic(format!("dispatch failed: {err}")))
        }
        Err(fatal) => Err(fatal),
    }
}
