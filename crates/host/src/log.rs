//! Log lines: the server's own, and each app's console output and errors, tagged with
//! the app's name. Info goes to stdout, warnings and errors to stderr.

use std::io::Write;

use nano_web::Level;

/// A line from the server itself.
pub fn server(message: &str) {
    let _ = writeln!(std::io::stderr().lock(), "nanod: {message}");
}

/// A line an app produced (console output, uncaught errors).
pub fn app(app: &str, level: Level, message: &str) {
    let mut line = String::with_capacity(app.len() + message.len() + 4);
    line.push('[');
    line.push_str(app);
    line.push_str("] ");
    if matches!(level, Level::Warn | Level::Error) {
        line.push_str(level.as_str());
        line.push_str(": ");
    }
    line.push_str(message);
    line.push('\n');
    let _ = match level {
        Level::Warn | Level::Error => std::io::stderr().lock().write_all(line.as_bytes()),
        _ => std::io::stdout().lock().write_all(line.as_bytes()),
    };
}
