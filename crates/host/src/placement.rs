//! Which loop thread hosts each app. An app's requests go to its *home* thread (the first
//! thread that served it), so an app normally has one isolate however many threads there
//! are; when the home isolate already has `SPILL_AT` requests waiting, a request is
//! served where it arrived instead, by a second isolate on that thread, so one busy app
//! can still use every core.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Requests waiting on the home isolate before others spill to their own thread.
const SPILL_AT: usize = 8;

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
}

impl Placement {
    pub(crate) fn new(apps: usize) -> Self {
        Self {
            home: (0..apps).map(|_| AtomicUsize::new(0)).collect(),
            load: (0..apps).map(|_| AtomicUsize::new(0)).collect(),
        }
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
        if self.load[app].load(Ordering::Relaxed) >= SPILL_AT {
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
        let p = Placement::new(2);
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
}
