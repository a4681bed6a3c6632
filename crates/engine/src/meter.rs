//! A counting allocator for QuickJS: every byte an isolate's heap takes goes through it,
//! so the memory limit is exact, the current size is an O(1) read, and a refused
//! allocation is known (QuickJS turns it into a catchable "out of memory", which alone
//! would not tell the host that the isolate must be discarded).

use std::cell::Cell;
use std::rc::Rc;

use rquickjs::allocator::Allocator;

/// Memory accounting shared between an isolate's allocator and its owner.
#[derive(Debug)]
pub(crate) struct Meter {
    used: Cell<usize>,
    peak: Cell<usize>,
    limit: Cell<usize>,
    exceeded: Cell<bool>,
}

impl Meter {
    pub(crate) fn new(limit: usize) -> Rc<Self> {
        Rc::new(Self {
            used: Cell::new(0),
            peak: Cell::new(0),
            limit: Cell::new(limit),
            exceeded: Cell::new(false),
        })
    }

    pub(crate) fn used(&self) -> usize {
        self.used.get()
    }

    pub(crate) fn peak(&self) -> usize {
        self.peak.get()
    }

    pub(crate) fn set_limit(&self, limit: usize) {
        self.limit.set(limit);
    }

    /// Whether an allocation was ever refused for this isolate.
    pub(crate) fn exceeded(&self) -> bool {
        self.exceeded.get()
    }

    fn fits(&self, grow: usize) -> bool {
        match self.used.get().checked_add(grow) {
            Some(total) if total <= self.limit.get() => true,
            _ => {
                self.exceeded.set(true);
                false
            }
        }
    }

    fn add(&self, n: usize) {
        let used = self.used.get() + n;
        self.used.set(used);
        if used > self.peak.get() {
            self.peak.set(used);
        }
    }

    fn sub(&self, n: usize) {
        self.used.set(self.used.get().saturating_sub(n));
    }
}

/// The allocator handed to QuickJS: the C allocator, metered.
pub(crate) struct MeteredAllocator {
    pub(crate) meter: Rc<Meter>,
}

fn usable(ptr: *mut u8) -> usize {
    // SAFETY: callers pass only non-null pointers returned by libc's malloc family.
    unsafe { libc::malloc_usable_size(ptr.cast()) }
}

// SAFETY: every pointer returned comes from libc's malloc/calloc/realloc, which align to
// at least 16 bytes on the platforms we build for (more than `usize`), and `usable_size`
// reports libc's own figure for those pointers.
unsafe impl Allocator for MeteredAllocator {
    fn alloc(&mut self, size: usize) -> *mut u8 {
        if !self.meter.fits(size) {
            return std::ptr::null_mut();
        }
        // SAFETY: plain C allocation; a null result is handled below.
        let ptr = unsafe { libc::malloc(size.max(1)) }.cast::<u8>();
        if !ptr.is_null() {
            self.meter.add(usable(ptr));
        }
        ptr
    }

    fn calloc(&mut self, count: usize, size: usize) -> *mut u8 {
        let Some(total) = count.checked_mul(size) else {
            return std::ptr::null_mut();
        };
        if !self.meter.fits(total) {
            return std::ptr::null_mut();
        }
        // SAFETY: plain C allocation; a null result is handled below.
        let ptr = unsafe { libc::calloc(count.max(1), size.max(1)) }.cast::<u8>();
        if !ptr.is_null() {
            self.meter.add(usable(ptr));
        }
        ptr
    }

    unsafe fn dealloc(&mut self, ptr: *mut u8) {
        if ptr.is_null() {
            return;
        }
        self.meter.sub(usable(ptr));
        // SAFETY: the caller guarantees `ptr` came from this allocator, i.e. from libc.
        unsafe { libc::free(ptr.cast()) };
    }

    unsafe fn realloc(&mut self, ptr: *mut u8, new_size: usize) -> *mut u8 {
        if ptr.is_null() {
            return self.alloc(new_size);
        }
        if new_size == 0 {
            // SAFETY: same contract as ours.
            unsafe { self.dealloc(ptr) };
            return std::ptr::null_mut();
        }
        let old = usable(ptr);
        if new_size > old && !self.meter.fits(new_size - old) {
            return std::ptr::null_mut();
        }
        // SAFETY: `ptr` came from libc (caller's guarantee); on failure libc leaves it intact.
        let grown = unsafe { libc::realloc(ptr.cast(), new_size) }.cast::<u8>();
        if !grown.is_null() {
            self.meter.sub(old);
            self.meter.add(usable(grown));
        }
        grown
    }

    unsafe fn usable_size(ptr: *mut u8) -> usize {
        if ptr.is_null() {
            0
        } else {
            usable(ptr)
        }
    }
}
