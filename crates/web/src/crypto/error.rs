//! The errors of the crypto area, each naming the DOMException (or TypeError) that
//! JavaScript sees (Web Cryptography API §18.4 and the per-algorithm steps).

use nano_engine::rquickjs::{Ctx, Exception, Value};

/// A failed crypto operation. The JS glue turns an error whose `name` is one of these
/// into a DOMException of that name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CryptoError {
    /// `DataError`: the key data or input is malformed.
    Data(&'static str),
    /// `OperationError`: the operation failed for an operation-specific reason.
    Operation(&'static str),
    /// `NotSupportedError`: a shape this implementation does not handle.
    NotSupported(&'static str),
    /// `InvalidAccessError`: the key does not fit the operation.
    InvalidAccess(&'static str),
}

impl CryptoError {
    pub(crate) fn name(&self) -> &'static str {
        match self {
            CryptoError::Data(_) => "DataError",
            CryptoError::Operation(_) => "OperationError",
            CryptoError::NotSupported(_) => "NotSupportedError",
            CryptoError::InvalidAccess(_) => "InvalidAccessError",
        }
    }

    pub(crate) fn message(&self) -> &'static str {
        match self {
            CryptoError::Data(m)
            | CryptoError::Operation(m)
            | CryptoError::NotSupported(m)
            | CryptoError::InvalidAccess(m) => m,
        }
    }

    /// Throws this error in `ctx`: an Error whose `name` is the DOMException name (the
    /// glue rewraps it as a DOMException).
    pub(crate) fn throw(&self, ctx: &Ctx<'_>) -> nano_engine::rquickjs::Error {
        match Exception::from_message(ctx.clone(), self.message()) {
            Ok(exc) => {
                let _ = exc.set("name", self.name());
                let value: Value = exc.into_value();
                ctx.throw(value)
            }
            Err(e) => e,
        }
    }
}

/// `Result` of the crypto area's pure functions.
pub(crate) type CResult<T> = Result<T, CryptoError>;
