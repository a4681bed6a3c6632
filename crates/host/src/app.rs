//! An app as the host runs it: its configuration, and its files, read once and shared
//! by every isolate of the app on every thread.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use nano_engine::{ModuleSource, SourceError};

use crate::config::AppConfig;

/// One configured app.
#[derive(Debug)]
pub struct App {
    pub config: AppConfig,
    /// The main file's folder: nothing outside it can be imported.
    pub root: PathBuf,
    /// The main file, relative to `root` (also its module name in stack traces).
    pub main: String,
    files: Mutex<HashMap<String, Arc<str>>>,
}

impl App {
    pub fn new(config: AppConfig) -> Self {
        let root = config
            .main
            .parent()
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("."));
        let main = config
            .main
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        Self {
            config,
            root,
            main,
            files: Mutex::new(HashMap::new()),
        }
    }

    pub fn name(&self) -> &str {
        &self.config.name
    }

    /// The text of an app file (`path` relative to the root, normalized). Read from disk
    /// once; symlinks that lead outside the root are refused.
    pub fn read(&self, path: &str) -> Result<Arc<str>, SourceError> {
        if let Some(text) = self.files.lock().ok().and_then(|f| f.get(path).cloned()) {
            return Ok(text);
        }
        let full = self
            .root
            .join(path)
            .canonicalize()
            .map_err(|_| SourceError::NotFound(path.to_owned()))?;
        if !full.starts_with(&self.root) || !full.is_file() {
            return Err(SourceError::NotFound(path.to_owned()));
        }
        let text: Arc<str> = std::fs::read_to_string(&full)
            .map_err(|e| SourceError::Io(path.to_owned(), e.to_string()))?
            .into();
        if let Ok(mut files) = self.files.lock() {
            files.insert(path.to_owned(), text.clone());
        }
        Ok(text)
    }
}

/// An app's files as an isolate's module source.
pub(crate) struct AppSource(pub Arc<App>);

impl ModuleSource for AppSource {
    fn read(&self, path: &str) -> Result<Arc<str>, SourceError> {
        self.0.read(path)
    }
}
