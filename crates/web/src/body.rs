//! Bodies that cross between the host and JavaScript without being buffered whole:
//! incoming request bodies JS pulls chunk by chunk, and response bodies JS pushes into a
//! bounded channel (the host drains it to the socket, which gives backpressure).

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::pin::Pin;

use bytes::Bytes;
use futures_util::Stream;
use tokio::sync::mpsc;

/// A body as a stream of chunks; an `Err` ends it with a reason.
pub type BodyStream = Pin<Box<dyn Stream<Item = Result<Bytes, String>> + Send>>;

/// How many chunks a streamed response may hold before JS writes wait.
const SINK_DEPTH: usize = 8;

/// The body of a response JS produced.
pub enum ResponseBody {
    Empty,
    Bytes(Bytes),
    Stream(BodyStream),
}

impl std::fmt::Debug for ResponseBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Empty => f.write_str("Empty"),
            Self::Bytes(b) => write!(f, "Bytes({} bytes)", b.len()),
            Self::Stream(_) => f.write_str("Stream"),
        }
    }
}

/// Per-isolate table of live bodies, keyed by the small integers JS holds.
#[derive(Default)]
pub(crate) struct BodyTable {
    next: Cell<u32>,
    incoming: RefCell<HashMap<u32, BodyStream>>,
    sinks: RefCell<HashMap<u32, mpsc::Sender<Result<Bytes, String>>>>,
}

impl BodyTable {
    fn key(&self) -> u32 {
        let k = self.next.get().wrapping_add(1).max(1);
        self.next.set(k);
        k
    }

    pub(crate) fn insert(&self, body: BodyStream) -> u32 {
        let k = self.key();
        self.incoming.borrow_mut().insert(k, body);
        k
    }

    /// Takes a body out (to read from it, or to hand it on whole).
    pub(crate) fn take(&self, id: u32) -> Option<BodyStream> {
        self.incoming.borrow_mut().remove(&id)
    }

    /// Puts a body back after a read.
    pub(crate) fn put_back(&self, id: u32, body: BodyStream) {
        self.incoming.borrow_mut().insert(id, body);
    }

    /// Opens a channel JS writes a response body into; returns its id and the stream the
    /// host sends.
    pub(crate) fn open_sink(&self) -> (u32, BodyStream) {
        let (tx, mut rx) = mpsc::channel(SINK_DEPTH);
        let k = self.key();
        self.sinks.borrow_mut().insert(k, tx);
        let stream = futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx));
        (k, Box::pin(stream))
    }

    pub(crate) fn sink(&self, id: u32) -> Option<mpsc::Sender<Result<Bytes, String>>> {
        self.sinks.borrow().get(&id).cloned()
    }

    pub(crate) fn close_sink(&self, id: u32) -> Option<mpsc::Sender<Result<Bytes, String>>> {
        self.sinks.borrow_mut().remove(&id)
    }
}
