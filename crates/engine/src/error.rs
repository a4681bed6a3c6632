//! Errors that cross from JavaScript into Rust.

use std::fmt;

use rquickjs::{Ctx, Value};

/// A JavaScript exception, turned into plain Rust data so it can outlive its isolate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsError {
    /// `name` of the error object (`TypeError`, …), or empty for a thrown non-error.
    pub name: String,
    pub message: String,
    /// The engine's stack trace, one `    at …` line per frame; may be empty.
    pub stack: String,
}

impl JsError {
    pub fn new(name: &str, message: impl Into<String>) -> Self {
        Self {
            name: name.to_owned(),
            message: message.into(),
            stack: String::new(),
        }
    }

    /// Describes a thrown value: error objects keep name, message and stack; anything
    /// else is shown as `String(value)`.
    pub fn from_value<'js>(ctx: &Ctx<'js>, value: Value<'js>) -> Self {
        if let Some(obj) = value.as_object() {
            let message: Option<String> = obj.get("message").ok();
            if let Some(message) = message {
                let name = obj
                    .get::<_, String>("name")
                    .unwrap_or_else(|_| "Error".into());
                let stack = obj.get::<_, String>("stack").unwrap_or_default();
                return Self {
                    name,
                    message,
                    stack,
                };
            }
        }
        let text = ctx
            .globals()
            .get::<_, rquickjs::Function>("String")
            .and_then(|f| f.call::<_, String>((value,)))
            .unwrap_or_else(|_| "<unprintable value>".into());
        Self {
            name: String::new(),
            message: text,
            stack: String::new(),
        }
    }

    /// Takes the pending exception off the context (after an `Error::Exception`).
    pub fn catch(ctx: &Ctx<'_>, err: rquickjs::Error) -> Self {
        match err {
            rquickjs::Error::Exception => {
                let value = ctx.catch();
                Self::from_value(ctx, value)
            }
            other => Self::new("Error", other.to_string()),
        }
    }

    /// `file:line:column` of the innermost frame, when the engine reported one.
    pub fn location(&self) -> Option<&str> {
        let first = self.stack.lines().next()?.trim().strip_prefix("at ")?;
        let loc = match (first.rfind('('), first.ends_with(')')) {
            (Some(open), true) => &first[open + 1..first.len() - 1],
            _ => first,
        };
        Some(loc)
    }
}

impl fmt::Display for JsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.name.is_empty() {
            write!(f, "{}", self.message)?;
        } else {
            write!(f, "{}: {}", self.name, self.message)?;
        }
        let stack = self.stack.trim_end();
        if !stack.is_empty() {
            write!(f, "\n{stack}")?;
        }
        Ok(())
    }
}

impl std::error::Error for JsError {}

/// Why an isolate can no longer be used. Any of these means: discard it.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum Fatal {
    #[error("memory limit exceeded ({limit_mb} MB)")]
    OutOfMemory { limit_mb: usize },
    #[error("CPU time limit exceeded")]
    CpuExceeded,
    #[error("internal error in a host binding: {0}")]
    Panic(String),
}
