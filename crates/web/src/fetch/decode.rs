//! Response body decoding per `Content-Encoding` (RFC 9110 §8.4.1): gzip, deflate and br,
//! chunk by chunk as the body arrives.

use async_compression::tokio::bufread::{BrotliDecoder, DeflateDecoder, GzipDecoder, ZlibDecoder};
use futures_util::StreamExt;
use tokio::io::AsyncBufReadExt;
use tokio_util::io::{ReaderStream, StreamReader};

use crate::body::BodyStream;

/// A coding this client decodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Coding {
    Gzip,
    Deflate,
    Brotli,
}

/// The coding named by a `Content-Encoding` value, if it is exactly one we decode.
/// Stacked codings ("gzip, br") and unknown ones are passed through undecoded.
pub(crate) fn coding(value: &str) -> Option<Coding> {
    match value.trim().to_ascii_lowercase().as_str() {
        "gzip" | "x-gzip" => Some(Coding::Gzip),
        "deflate" => Some(Coding::Deflate),
        "br" => Some(Coding::Brotli),
        _ => None,
    }
}

/// The request header advertising what `decode` handles.
pub(crate) const ACCEPT_ENCODING: &str = "gzip, deflate, br";

/// Wraps `body` so that it yields decoded bytes.
pub(crate) fn decode(body: BodyStream, coding: Coding) -> BodyStream {
    let reader = StreamReader::new(body.map(|r| r.map_err(std::io::Error::other)));
    let errors = |r: std::io::Result<bytes::Bytes>| {
        r.map_err(|e| format!("could not decode the response body: {e}"))
    };
    match coding {
        Coding::Gzip => {
            let mut d = GzipDecoder::new(reader);
            d.multiple_members(true);
            Box::pin(ReaderStream::new(d).map(errors))
        }
        Coding::Deflate => Box::pin(inflate(reader, errors)),
        Coding::Brotli => Box::pin(ReaderStream::new(BrotliDecoder::new(reader)).map(errors)),
    }
}

/// "deflate" is the zlib format (RFC 9110 §8.4.1.2), but some servers send a raw deflate
/// stream; like browsers, tell them apart by whether the first two bytes are a valid zlib
/// header (RFC 1950 §2.2: method 8, and CMF·256 + FLG a multiple of 31).
fn inflate<R, F>(
    mut reader: R,
    errors: F,
) -> impl futures_util::Stream<Item = Result<bytes::Bytes, String>> + Send
where
    R: tokio::io::AsyncBufRead + Unpin + Send + 'static,
    F: Fn(std::io::Result<bytes::Bytes>) -> Result<bytes::Bytes, String> + Send + 'static,
{
    futures_util::stream::once(async move {
        // Enough of the body to see the header (a first chunk of one byte is read again).
        let mut head = Vec::new();
        while head.len() < 2 {
            match reader.fill_buf().await {
                Ok([]) => break,
                Ok(buf) => {
                    let n = buf.len().min(2 - head.len());
                    head.extend_from_slice(&buf[..n]);
                    reader.consume(n);
                }
                Err(e) => return futures_util::stream::once(async move { errors(Err(e)) }).boxed(),
            }
        }
        let zlib = head.len() == 2
            && head[0] & 0x0f == 8
            && (u16::from(head[0]) << 8 | u16::from(head[1])) % 31 == 0;
        let replay = std::io::Cursor::new(head);
        let whole = tokio::io::AsyncReadExt::chain(replay, reader);
        let whole = tokio::io::BufReader::new(whole);
        if zlib {
            ReaderStream::new(ZlibDecoder::new(whole))
                .map(errors)
                .boxed()
        } else {
            ReaderStream::new(DeflateDecoder::new(whole))
                .map(errors)
                .boxed()
        }
    })
    .flatten()
}
