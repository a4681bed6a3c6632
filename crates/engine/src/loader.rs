//! Module resolution and loading from an app's own files. Tenant code never gets a file
//! system: specifiers resolve to paths inside the app's folder (`..` cannot climb out of
//! it), and the host's [`ModuleSource`] hands over their text.

use std::rc::Rc;
use std::sync::Arc;

use rquickjs::loader::{ImportAttributes, Loader, Resolver};
use rquickjs::{Ctx, Error, Module};

/// Why a module's source could not be had.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum SourceError {
    #[error("module not found: {0}")]
    NotFound(String),
    #[error("cannot read module {0}: {1}")]
    Io(String, String),
}

/// Where an isolate's modules come from: paths are relative to the app's root, already
/// normalized (no `.` or `..` segments, `/` separated).
pub trait ModuleSource {
    fn read(&self, path: &str) -> Result<Arc<str>, SourceError>;
}

#[derive(Clone)]
pub(crate) struct AppLoader {
    source: Option<Rc<dyn ModuleSource>>,
}

impl AppLoader {
    pub(crate) fn new(source: Option<Rc<dyn ModuleSource>>) -> Self {
        Self { source }
    }
}

/// Joins `spec` to the folder of `base` and normalizes; `None` if it leaves the root.
pub(crate) fn resolve_relative(base: &str, spec: &str) -> Option<String> {
    let mut parts: Vec<&str> = if spec.starts_with('/') {
        Vec::new()
    } else {
        let mut dir: Vec<&str> = base.split('/').collect();
        dir.pop();
        dir
    };
    for seg in spec.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    parts.retain(|p| !p.is_empty());
    Some(parts.join("/"))
}

impl Resolver for AppLoader {
    fn resolve<'js>(
        &mut self,
        _ctx: &Ctx<'js>,
        base: &str,
        name: &str,
        _attributes: Option<ImportAttributes<'js>>,
    ) -> rquickjs::Result<String> {
        let relative = name.starts_with("./") || name.starts_with("../") || name.starts_with('/');
        if !relative {
            return Err(Error::new_resolving_message(
                base,
                name,
                "only relative imports inside the app are supported",
            ));
        }
        resolve_relative(base, name).ok_or_else(|| {
            Error::new_resolving_message(base, name, "import reaches outside the app's folder")
        })
    }
}

impl Loader for AppLoader {
    fn load<'js>(
        &mut self,
        ctx: &Ctx<'js>,
        name: &str,
        _attributes: Option<ImportAttributes<'js>>,
    ) -> rquickjs::Result<Module<'js>> {
        let Some(source) = &self.source else {
            return Err(Error::new_loading_message(
                name,
                "this isolate has no modules",
            ));
        };
        let text = source
            .read(name)
            .map_err(|e| Error::new_loading_message(name, e.to_string()))?;
        if name.ends_with(".json") {
            // Validate, then embed as a string literal so only JSON is accepted.
            let literal = json_string_literal(&text);
            let wrapped = format!("export default JSON.parse({literal});");
            return Module::declare(ctx.clone(), name, wrapped);
        }
        Module::declare(ctx.clone(), name, text.as_bytes())
    }
}

/// A JavaScript string literal holding `text`.
fn json_string_literal(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::resolve_relative;

    #[test]
    fn relative_imports_stay_inside_the_root() {
        assert_eq!(
            resolve_relative("index.js", "./a.js").as_deref(),
            Some("a.js")
        );
        assert_eq!(
            resolve_relative("lib/x.js", "../b/c.js").as_deref(),
            Some("b/c.js")
        );
        assert_eq!(
            resolve_relative("lib/x.js", "./y.js").as_deref(),
            Some("lib/y.js")
        );
        assert_eq!(resolve_relative("index.js", "../secret.js"), None);
        assert_eq!(resolve_relative("a/b.js", "../../x.js"), None);
        assert_eq!(resolve_relative("a/b.js", "/x.js").as_deref(), Some("x.js"));
    }
}
