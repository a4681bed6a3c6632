//! Response body decoding per `Content-Encoding` (RFC 9110 §8.4.1): gzip, deflate and br,
//! chunk by chunk as the body arrives.

use async_compression::tokio::bufread::{BrotliDecoder, GzipDecoder, ZlibDecoder};
use futures_util::StreamExt;
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
        // "deflate" is the zlib format (RFC 9110 §8.4.1.2); some servers send raw
        // deflate instead, which this does not accept.
        Coding::Deflate => Box::pin(ReaderStream::new(ZlibDecoder::new(reader)).map(errors)),
        Coding::Brotli => Box::pin(ReaderStream::new(BrotliDecoder::new(reader)).map(errors)),
    }
}
