//! Which loop thread hosts each app. An app's requests go to its *home* thread (the first
//! thread that served it), so an app normally has one isolate however many threads there
//! are; when the home isolate already has `SPILL_AT` requests waiting, a request is
//! served where it arrived instead, by a second isolate on that thread, so one busy app
//! can still use every core.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Requests waiting on the home isolate before others spill to their own thread.
const SPILL_AT: usize = 8;
/// A home thread running one JavaScript turn for longer than this is not sent more
/// requests: they are served where they arrived (a runaway neighbour on the home thread
/// must not hold up an app's requests for its whole CPU limit).
const STUCK_AFTER: Duration = Duration::from_millis(2);

/// Where a request should run.
pub(crate) struct Route {
    pub thread: usize,
    /// The request counts toward the home isolate's load while it runs.
    pub home: bool,
}

pub(crate) struct Placement {
    /// Home thread + 1 per app; 0 while it has none.
    home: Vec<AtomicUsize>,
    /// Requests in flight on each app's home isolate.
    load: Vec<AtomicUsize>,
    /// Per thread: when its current JavaScript turn began (µs since `epoch`), 0 if none.
    turn_since: Vec<AtomicU64>,
    epoch: Instant,
}

impl Placement {
    pub(crate) fn new(apps: usize, threads: usize) -> Self {
        Self {
            home: (0..apps).map(|_| AtomicUsize::new(0)).collect(),
            load: (0..apps).map(|_| AtomicUsize::new(0)).collect(),
            turn_since: (0..threads).map(|_| AtomicU64::new(0)).collect(),
            epoch: Instant::now(),
        }
    }

    fn now_us(&self) -> u64 {
        // Never 0, which means "no turn".
        self.epoch.elapsed().as_micros() as u64 + 1
    }

    /// Marks thread `thread` as running JavaScript until the guard drops.
    pub(crate) fn turn(&self, thread: usize) -> TurnGuard<'_> {
        let slot = &self.turn_since[thread];
        slot.store(self.now_us(), Ordering::Relaxed);
        TurnGuard(slot)
    }

    fn stuck(&self, thread: usize) -> bool {
        let since = self.turn_since[thread].load(Ordering::Relaxed);
        since != 0 && self.now_us().saturating_sub(since) > STUCK_AFTER.as_micros() as u64
    }

    /// Picks the thread for a request to `app` that arrived on thread `here`.
    pub(crate) fn route(&self, app: usize, here: usize) -> Route {
        let home =
            match self.home[app].compare_exchange(0, here + 1, Ordering::AcqRel, Ordering::Acquire)
            {
                Ok(_) => here,
                Err(current) => current - 1,
            };
        if home == here {
            return Route {
                thread: here,
                home: true,
            };
        }
        if self.load[app].load(Ordering::Relaxed) >= SPILL_AT || self.stuck(home) {
            return Route {
                thread: here,
                home: false,
            };
        }
        Route {
            thread: home,
            home: true,
        }
    }

    /// Counts a request on the app's home isolate until the guard drops.
    pub(crate) fn enter(&self, app: usize) -> LoadGuard<'_> {
        self.load[app].fetch_add(1, Ordering::Relaxed);
        LoadGuard(&self.load[app])
    }

    /// Thread `thread` dropped the app's isolate: the next request picks a new home.
    pub(crate) fn vacate(&self, app: usize, thread: usize) {
        let _ = self.home[app].compare_exchange(thread + 1, 0, Ordering::AcqRel, Ordering::Relaxed);
    }
}

pub(crate) struct TurnGuard<'a>(&'a AtomicU64);

impl Drop for TurnGuard<'_> {
    fn drop(&mut self) {
        self.0.store(0, Ordering::Relaxed);
    }
}

pub(crate) struct LoadGuard<'a>(&'a AtomicUsize);

impl Drop for LoadGuard<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_thread_becomes_home_and_others_forward_until_it_is_busy() {
        let p = Placement::new(2, 2);
        let r = p.route(0, 1);
        assert_eq!((r.thread, r.home), (1, true));
        let r = p.route(0, 0);
        assert_eq!(
            (r.thread, r.home),
            (1, true),
            "forwarded to the home thread"
        );
        let guards: Vec<_> = (0..SPILL_AT).map(|_| p.enter(0)).collect();
        let r = p.route(0, 0);
        assert_eq!((r.thread, r.home), (0, false), "spills when home is busy");
        drop(guards);
        assert_eq!(p.route(0, 0).thread, 1);
        // Another app has its own home.
        assert_eq!(p.route(1, 0).thread, 0);
        p.vacate(0, 1);
        assert_eq!(p.route(0, 0).thread, 0, "a vacated app finds a new home");
    }

    #[test]
    fn a_home_stuck_in_a_long_turn_gets_no_more_requests() {
        let p = Placement::new(1, 2);
        assert_eq!(p.route(0, 1).thread, 1);
        let turn = p.turn(1);
        assert_eq!(p.route(0, 0).thread, 1, "a short turn is waited for");
        std::thread::sleep(STUCK_AFTER * 2);
        let r = p.route(0, 0);
        assert_eq!(
            (r.thread, r.home),
            (0, false),
            "served locally while home is stuck"
        );
        drop(turn);
        assert_eq!(p.route(0, 0).thread, 1);
    }
}
