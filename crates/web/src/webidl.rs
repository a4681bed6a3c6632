//! WebIDL's shape for classes written in JavaScript: their members are enumerable
//! (WebIDL §3.7), which JS `class` syntax does not give. Flipping the flag from JS means
//! a descriptor object and a redefinition per member, in every new isolate; done here it
//! is one engine call per member.

use nano_engine::rquickjs::{qjs, Ctx, Exception, Object, Result};

/// `ops.makeEnumerable(object, except)`: marks every own, configurable, string-keyed
/// property of `object` enumerable, except those named in `except`.
pub(crate) fn make_enumerable<'js>(
    ctx: Ctx<'js>,
    object: Object<'js>,
    except: Vec<String>,
) -> Result<()> {
    let raw_ctx = ctx.as_raw().as_ptr();
    let raw_obj = object.as_raw();
    let mut tab: *mut qjs::JSPropertyEnum = std::ptr::null_mut();
    let mut len: u32 = 0;
    // SAFETY: `raw_ctx` and `raw_obj` are alive for the whole call (we hold `ctx` and
    // `object`); on success QuickJS hands us `len` entries at `tab`, freed below.
    let status = unsafe {
        qjs::JS_GetOwnPropertyNames(
            raw_ctx,
            &mut tab,
            &mut len,
            raw_obj,
            qjs::JS_GPN_STRING_MASK as _,
        )
    };
    if status < 0 {
        return Err(Exception::throw_internal(
            &ctx,
            "cannot list the properties of a Web API class",
        ));
    }
    // Atoms are interned: equal names have equal atoms.
    let skip: Vec<qjs::JSAtom> = except
        .iter()
        .map(|name| {
            // SAFETY: a plain atom lookup on a live context; freed below.
            unsafe { qjs::JS_NewAtomLen(raw_ctx, name.as_ptr().cast(), name.len() as _) }
        })
        .collect();
    // SAFETY: `tab` holds `len` initialized entries (see above).
    let entries = unsafe { std::slice::from_raw_parts(tab, len as usize) };
    for entry in entries {
        if entry.is_enumerable || skip.contains(&entry.atom) {
            continue;
        }
        let flags = (qjs::JS_PROP_HAS_ENUMERABLE | qjs::JS_PROP_ENUMERABLE) as _;
        // SAFETY: changes only the enumerable flag of an existing property (no value,
        // getter or setter given); a non-configurable one makes it fail, which we undo.
        let r = unsafe {
            qjs::JS_DefineProperty(
                raw_ctx,
                raw_obj,
                entry.atom,
                qjs::JS_UNDEFINED,
                qjs::JS_UNDEFINED,
                qjs::JS_UNDEFINED,
                flags,
            )
        };
        if r < 0 {
            let _ = ctx.catch();
        }
    }
    // SAFETY: returning what JS_GetOwnPropertyNames and JS_NewAtomLen allocated.
    unsafe {
        qjs::JS_FreePropertyEnum(raw_ctx, tab, len);
        for atom in skip {
            qjs::JS_FreeAtom(raw_ctx, atom);
        }
    }
    Ok(())
}
