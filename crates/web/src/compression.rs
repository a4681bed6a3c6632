//! CompressionStream and DecompressionStream (WHATWG Compression): gzip, deflate (zlib)
//! and deflate-raw through flate2, brotli through the brotli crate. The Rust half of
//! `js/stream_codecs.js`.
//!
//! Input is pushed whole; output is pulled in pieces of at most [`PULL_LIMIT`] bytes, so
//! a small, highly compressed chunk cannot make Rust allocate without bound outside the
//! app's metered heap.

use std::cell::RefCell;
use std::collections::HashMap;
use std::io::Write;
use std::rc::Rc;

use flate2::write::{
    DeflateDecoder, DeflateEncoder, GzDecoder, GzEncoder, ZlibDecoder, ZlibEncoder,
};
use flate2::Compression;
use nano_engine::rquickjs::{
    function::Opt, Ctx, Exception, Function, Object, Result, TypedArray, Value,
};

use crate::buffer::with_bytes;

/// Most output one pull hands to JS.
const PULL_LIMIT: usize = 1 << 20;

enum Coder {
    GzipEncode(GzEncoder<Vec<u8>>),
    DeflateEncode(ZlibEncoder<Vec<u8>>),
    RawEncode(DeflateEncoder<Vec<u8>>),
    GzipDecode(GzDecoder<Vec<u8>>),
    DeflateDecode(ZlibDecoder<Vec<u8>>),
    RawDecode(DeflateDecoder<Vec<u8>>),
    /// `None` once finished (the brotli encoder ends its stream when taken apart).
    BrotliEncode(Option<Box<brotli::CompressorWriter<Vec<u8>>>>),
    BrotliDecode(Box<brotli::DecompressorWriter<Vec<u8>>>),
}

/// Brotli settings for CompressionStream: quality 5 of 11 (streaming speed over the
/// last few percent of size) and a 4 MiB window.
const BROTLI_QUALITY: u32 = 5;
const BROTLI_WINDOW_BITS: u32 = 22;
const BROTLI_BUFFER: usize = 32 * 1024;

impl Coder {
    fn new(format: &str, decompress: bool) -> Option<Self> {
        let level = Compression::default();
        Some(match (format, decompress) {
            ("gzip", false) => Self::GzipEncode(GzEncoder::new(Vec::new(), level)),
            ("deflate", false) => Self::DeflateEncode(ZlibEncoder::new(Vec::new(), level)),
            ("deflate-raw", false) => Self::RawEncode(DeflateEncoder::new(Vec::new(), level)),
            ("gzip", true) => Self::GzipDecode(GzDecoder::new(Vec::new())),
            ("deflate", true) => Self::DeflateDecode(ZlibDecoder::new(Vec::new())),
            ("deflate-raw", true) => Self::RawDecode(DeflateDecoder::new(Vec::new())),
            ("brotli", false) => Self::BrotliEncode(Some(Box::new(brotli::CompressorWriter::new(
                Vec::new(),
                BROTLI_BUFFER,
                BROTLI_QUALITY,
                BROTLI_WINDOW_BITS,
            )))),
            ("brotli", true) => Self::BrotliDecode(Box::new(brotli::DecompressorWriter::new(
                Vec::new(),
                BROTLI_BUFFER,
            ))),
            _ => return None,
        })
    }

    fn decompresses(&self) -> bool {
        matches!(
            self,
            Self::GzipDecode(_)
                | Self::DeflateDecode(_)
                | Self::RawDecode(_)
                | Self::BrotliDecode(_)
        )
    }

    fn writer(&mut self) -> std::io::Result<&mut dyn Write> {
        Ok(match self {
            Self::GzipEncode(w) => w,
            Self::DeflateEncode(w) => w,
            Self::RawEncode(w) => w,
            Self::GzipDecode(w) => w,
            Self::DeflateDecode(w) => w,
            Self::RawDecode(w) => w,
            Self::BrotliEncode(Some(w)) => w.as_mut(),
            Self::BrotliEncode(None) => return Err(std::io::ErrorKind::BrokenPipe.into()),
            Self::BrotliDecode(w) => w.as_mut(),
        })
    }

    /// The output produced so far and not yet taken (None: the coder keeps no more).
    fn output(&mut self) -> Option<&mut Vec<u8>> {
        Some(match self {
            Self::GzipEncode(w) => w.get_mut(),
            Self::DeflateEncode(w) => w.get_mut(),
            Self::RawEncode(w) => w.get_mut(),
            Self::GzipDecode(w) => w.get_mut(),
            Self::DeflateDecode(w) => w.get_mut(),
            Self::RawDecode(w) => w.get_mut(),
            Self::BrotliEncode(Some(w)) => w.get_mut(),
            Self::BrotliEncode(None) => return None,
            Self::BrotliDecode(w) => w.get_mut(),
        })
    }

    fn output_len(&mut self) -> usize {
        self.output().map_or(0, |o| o.len())
    }

    /// Ends the stream; returns any output that could not stay in the coder.
    fn try_finish(&mut self) -> std::io::Result<Vec<u8>> {
        match self {
            Self::GzipEncode(w) => w.try_finish().map(|_| Vec::new()),
            Self::DeflateEncode(w) => w.try_finish().map(|_| Vec::new()),
            Self::RawEncode(w) => w.try_finish().map(|_| Vec::new()),
            Self::GzipDecode(w) => w.try_finish().map(|_| Vec::new()),
            Self::DeflateDecode(w) => w.try_finish().map(|_| Vec::new()),
            Self::RawDecode(w) => w.try_finish().map(|_| Vec::new()),
            Self::BrotliEncode(w) => Ok(w.take().map(|w| w.into_inner()).unwrap_or_default()),
            Self::BrotliDecode(w) => w.flush().map(|_| Vec::new()),
        }
    }
}

struct Codec {
    coder: Coder,
    pending: Vec<u8>,
    consumed: usize,
    finished: bool,
}

impl Codec {
    /// Runs pending input through the coder until it is used up or the output is
    /// [`PULL_LIMIT`] bytes; at the end of input with `finish`, ends the stream. Returns
    /// the output taken, possibly empty.
    fn pull(&mut self, finish: bool) -> std::result::Result<Vec<u8>, String> {
        let decompress = self.coder.decompresses();
        let mut wrote = false;
        while self.consumed < self.pending.len() && self.coder.output_len() < PULL_LIMIT {
            let n = self
                .coder
                .writer()
                .and_then(|w| w.write(&self.pending[self.consumed..]))
                .map_err(|e| corrupt(&e))?;
            if n == 0 {
                // Only a decoder that has seen the end of its stream refuses input.
                return Err("The compressed data has trailing bytes after its end".into());
            }
            self.consumed += n;
            wrote = true;
        }
        if wrote && decompress {
            // Decoders hold back output until flushed: what this input decodes to is
            // due now, not when the next chunk comes.
            self.coder
                .writer()
                .and_then(|w| w.flush())
                .map_err(|e| corrupt(&e))?;
        }
        let mut out = self.coder.output().map(std::mem::take).unwrap_or_default();
        if self.consumed == self.pending.len() {
            self.pending.clear();
            self.consumed = 0;
            if finish && !self.finished && out.len() < PULL_LIMIT {
                if decompress {
                    // A decoder past the end of its stream takes no more input; one that
                    // accepts (or chokes on) another byte was cut short.
                    let probe = self.coder.writer().and_then(|w| w.write(&[0]));
                    if !matches!(probe, Ok(0)) {
                        return Err("The compressed data ended before the end of its stream".into());
                    }
                }
                let rest = self.coder.try_finish().map_err(|e| corrupt(&e))?;
                self.finished = true;
                out.extend_from_slice(&rest);
                if let Some(o) = self.coder.output() {
                    out.append(o);
                }
            }
        }
        Ok(out)
    }
}

fn corrupt(e: &std::io::Error) -> String {
    format!("The compressed data is not valid: {e}")
}

type Codecs = Rc<RefCell<HashMap<u32, Codec>>>;

pub(crate) fn install<'js>(ctx: &Ctx<'js>, ops: &Object<'js>) -> Result<()> {
    let codecs: Codecs = Rc::default();
    let next = Rc::new(std::cell::Cell::new(0u32));

    // ops.codecOpen(format, decompress) -> id | null  (null: unknown format)
    let table = codecs.clone();
    ops.set(
        "codecOpen",
        Function::new(ctx.clone(), move |format: String, decompress: bool| {
            let coder = Coder::new(&format, decompress)?;
            let id = next.get().wrapping_add(1);
            next.set(id);
            table.borrow_mut().insert(
                id,
                Codec {
                    coder,
                    pending: Vec::new(),
                    consumed: 0,
                    finished: false,
                },
            );
            Some(id)
        })?,
    )?;

    // ops.codecPush(id, bufferSource): queues input.
    let table = codecs.clone();
    ops.set(
        "codecPush",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, id: u32, chunk: Value<'js>| {
                let mut map = table.borrow_mut();
                let Some(codec) = map.get_mut(&id) else {
                    return Err(Exception::throw_type(&ctx, "The stream is closed"));
                };
                with_bytes(&chunk, |b| codec.pending.extend_from_slice(b))
                    .ok_or_else(|| Exception::throw_type(&ctx, "The chunk must be a BufferSource"))
            },
        )?,
    )?;

    // ops.codecPull(id, finish) -> Uint8Array | undefined  (undefined: nothing more now)
    let table = codecs.clone();
    ops.set(
        "codecPull",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, id: u32, finish: Opt<bool>| -> Result<Value<'js>> {
                let out = {
                    let mut map = table.borrow_mut();
                    let Some(codec) = map.get_mut(&id) else {
                        return Err(Exception::throw_type(&ctx, "The stream is closed"));
                    };
                    codec.pull(finish.0.unwrap_or(false))
                };
                match out {
                    Ok(bytes) if bytes.is_empty() => Ok(Value::new_undefined(ctx)),
                    Ok(bytes) => Ok(TypedArray::<u8>::new(ctx, bytes)?.into_value()),
                    Err(message) => {
                        table.borrow_mut().remove(&id);
                        Err(Exception::throw_type(&ctx, &message))
                    }
                }
            },
        )?,
    )?;

    // ops.codecFree(id)
    ops.set(
        "codecFree",
        Function::new(ctx.clone(), move |id: u32| {
            codecs.borrow_mut().remove(&id);
        })?,
    )?;
    Ok(())
}
