//! Request-smuggling guard for HTTP/1: hyper resolves a request carrying both
//! Content-Length and Transfer-Encoding by letting Transfer-Encoding win (allowed by
//! RFC 9112 §6.3), and drops the Content-Length header before we could see it. We refuse
//! such requests outright, so this reader watches each request head go by and flags the
//! conflict for the service.
//!
//! It scans only heads: after a head with `Content-Length: N` it skips N body bytes;
//! after a chunked head it stops scanning until the service marks the body finished (a
//! request pipelined behind a chunked one is then left to hyper's rule).

use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// What the service and the reader share about one connection.
/// (Atomics only because the request body that sets `resume` may be read on another
/// loop thread; there is no contention.)
#[derive(Default)]
pub(crate) struct HeadFlags {
    /// The latest head had both Content-Length and Transfer-Encoding.
    conflict: AtomicBool,
    /// Set when a chunked body has been read to its end.
    resume: AtomicBool,
}

impl HeadFlags {
    pub(crate) fn conflict(&self) -> bool {
        self.conflict.load(Ordering::Relaxed)
    }

    pub(crate) fn resume(&self) {
        self.resume.store(true, Ordering::Relaxed);
    }
}

enum State {
    /// Inside a head: the current line so far (lower-cased prefix is enough), and what
    /// the head has shown.
    Head {
        line: Vec<u8>,
        cl: Option<u64>,
        te: bool,
        bad_cl: bool,
    },
    /// Skipping this many body bytes.
    Body(u64),
    /// A chunked body: wait for the service.
    Paused,
}

pub(crate) struct Sniff<T> {
    inner: T,
    state: State,
    flags: Arc<HeadFlags>,
}

const LINE_KEEP: usize = 64;

impl<T> Sniff<T> {
    pub(crate) fn new(inner: T, flags: Arc<HeadFlags>) -> Self {
        Self {
            inner,
            state: fresh_head(),
            flags,
        }
    }

    fn scan(&mut self, mut bytes: &[u8]) {
        while !bytes.is_empty() {
            match &mut self.state {
                State::Paused => {
                    if !self.flags.resume.swap(false, Ordering::Relaxed) {
                        return;
                    }
                    self.state = fresh_head();
                }
                State::Body(left) => {
                    let n = (*left).min(bytes.len() as u64);
                    *left -= n;
                    bytes = &bytes[n as usize..];
                    if *left == 0 {
                        self.state = fresh_head();
                    }
                }
                State::Head {
                    line,
                    cl,
                    te,
                    bad_cl,
                } => {
                    let b = bytes[0];
                    bytes = &bytes[1..];
                    if b != b'\n' {
                        if line.len() < LINE_KEEP && b != b'\r' {
                            line.push(b.to_ascii_lowercase());
                        }
                        continue;
                    }
                    if line.is_empty() {
                        // Blank line: end of head. (A blank line before any header is
                        // tolerated by parsers, and harmless here.)
                        let next = if *te && (cl.is_some() || *bad_cl) {
                            self.flags.conflict.store(true, Ordering::Relaxed);
                            State::Paused
                        } else if *te {
                            State::Paused
                        } else {
                            match *cl {
                                Some(n) if n > 0 => State::Body(n),
                                _ => fresh_head(),
                            }
                        };
                        self.state = next;
                        continue;
                    }
                    if let Some(v) = line.strip_prefix(b"content-length:") {
                        match std::str::from_utf8(v)
                            .ok()
                            .and_then(|s| s.trim().parse().ok())
                        {
                            Some(n) => *cl = Some(n),
                            None => *bad_cl = true,
                        }
                    } else if line.starts_with(b"transfer-encoding:") {
                        *te = true;
                    }
                    line.clear();
                }
            }
        }
    }
}

fn fresh_head() -> State {
    State::Head {
        line: Vec::with_capacity(LINE_KEEP),
        cl: None,
        te: false,
        bad_cl: false,
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Sniff<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = result {
            self.scan(&buf.filled()[before..]);
        }
        result
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Sniff<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(chunks: &[&[u8]]) -> (bool, Arc<HeadFlags>) {
        let flags = Arc::new(HeadFlags::default());
        let mut s = Sniff::new((), flags.clone());
        for c in chunks {
            s.scan(c);
        }
        (flags.conflict(), flags)
    }

    #[test]
    fn flags_both_headers_in_one_head() {
        let (c, _) =
            feed(&[b"POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"]);
        assert!(c);
        let (c, _) = feed(&[
            b"POST / HTTP/1.1\r\ntransfer-enc",
            b"oding: chunked\r\ncontent-length: 3\r\n\r\n",
        ]);
        assert!(c, "split across reads");
    }

    #[test]
    fn ordinary_requests_pass() {
        let (c, _) = feed(&[
            b"POST / HTTP/1.1\r\nContent-Length: 30\r\n\r\n",
            b"transfer-encoding: chunked\r\n\r\n\r\n\r\n\r\n",
        ]);
        assert!(!c, "body bytes are not scanned");
        let (c, _) = feed(&[b"GET / HTTP/1.1\r\nhost: a\r\n\r\nGET / HTTP/1.1\r\nhost: a\r\n\r\n"]);
        assert!(!c);
    }

    #[test]
    fn second_head_after_a_sized_body_is_scanned() {
        let (c, _) = feed(&[b"POST / HTTP/1.1\r\ncontent-length: 2\r\n\r\nhiPOST / HTTP/1.1\r\ncontent-length: 1\r\ntransfer-encoding: chunked\r\n\r\n"]);
        assert!(c);
    }
}
