//! Reading BufferSource arguments (ArrayBuffer, TypedArray, DataView) from Rust.

use nano_engine::rquickjs::{ArrayBuffer, Value};

/// Copies the bytes a BufferSource covers; `None` if `value` is not one.
pub(crate) fn copy_bytes(value: &Value<'_>) -> Option<Vec<u8>> {
    with_bytes(value, |b| b.to_vec())
}

/// Runs `f` over the bytes a BufferSource covers, without running any JavaScript
/// meanwhile; `None` if `value` is not a BufferSource (or is detached).
pub(crate) fn with_bytes<R>(value: &Value<'_>, f: impl FnOnce(&[u8]) -> R) -> Option<R> {
    if let Some(ab) = ArrayBuffer::from_value(value.clone()) {
        // SAFETY: no JavaScript runs while the slice is alive (only `f`, which is Rust).
        let bytes = unsafe { ab.as_bytes() }?;
        return Some(f(bytes));
    }
    let obj = value.as_object()?;
    let buffer: Value = obj.get("buffer").ok()?;
    let ab = ArrayBuffer::from_value(buffer)?;
    let offset: usize = obj.get::<_, f64>("byteOffset").ok()? as usize;
    let len: usize = obj.get::<_, f64>("byteLength").ok()? as usize;
    // SAFETY: as above; the range is bounds-checked before use.
    let bytes = unsafe { ab.as_bytes() }?;
    let end = offset.checked_add(len)?;
    Some(f(bytes.get(offset..end)?))
}
