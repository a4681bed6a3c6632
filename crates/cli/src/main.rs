//! `nanod`: serve, check and run NANO apps. Argument parsing only; the work is in
//! `nano-host`.

use std::path::PathBuf;
use std::process::ExitCode;

use nano_host::config::parse_listen;
use nano_host::Config;

const USAGE: &str = "\
nanod — host many isolated JavaScript apps in one process

USAGE:
    nanod serve APP.js [--listen ADDR] [--threads N]   serve one app
    nanod serve --config nano.toml [--listen ADDR]     serve every app in a config
    nanod check --config nano.toml | APP.js            validate a config and its apps
    nanod run FILE                                     run a script or module to completion

OPTIONS:
    --listen ADDR    address to listen on (default 127.0.0.1:8080)
    --threads N      event-loop threads (default: one per core)
    -h, --help       show this help
    -V, --version    show the version
";

struct Args {
    command: String,
    file: Option<PathBuf>,
    config: Option<PathBuf>,
    listen: Option<String>,
    threads: Option<usize>,
}

fn parse(mut argv: impl Iterator<Item = String>) -> Result<Args, String> {
    let command = argv.next().ok_or("missing command")?;
    let mut args = Args {
        command,
        file: None,
        config: None,
        listen: None,
        threads: None,
    };
    while let Some(arg) = argv.next() {
        let mut value = |name: &str| argv.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--config" | "-c" => args.config = Some(PathBuf::from(value("--config")?)),
            "--listen" | "-l" => args.listen = Some(value("--listen")?),
            "--threads" => {
                let v = value("--threads")?;
                let n: usize = v
                    .parse()
                    .map_err(|_| format!("--threads: not a number: {v}"))?;
                if n == 0 {
                    return Err("--threads must be at least 1".into());
                }
                args.threads = Some(n);
            }
            s if s.starts_with("--listen=") => {
                args.listen = Some(s["--listen=".len()..].to_owned())
            }
            s if s.starts_with("--config=") => {
                args.config = Some(PathBuf::from(&s["--config=".len()..]))
            }
            s if s.starts_with('-') => return Err(format!("unknown option {s}")),
            s => {
                if args.file.is_some() {
                    return Err(format!("unexpected argument {s}"));
                }
                args.file = Some(PathBuf::from(s));
            }
        }
    }
    Ok(args)
}

fn load(args: &Args) -> Result<Config, String> {
    let mut config = match (&args.config, &args.file) {
        (Some(_), Some(_)) => return Err("give either an app file or --config, not both".into()),
        (Some(path), None) => Config::load(path).map_err(|e| e.to_string())?,
        (None, Some(file)) => Config::single(file).map_err(|e| e.to_string())?,
        (None, None) => return Err("give an app file or --config nano.toml".into()),
    };
    if let Some(listen) = &args.listen {
        config.server.listen = parse_listen(listen)?;
    }
    if let Some(n) = args.threads {
        config.server.threads = n;
    }
    Ok(config)
}

/// `serve` runs with glibc's heap on transparent huge pages: every new isolate touches a
/// few hundred KB of fresh memory, and faulting it in 4 KB pages was a quarter of a cold
/// start (docs/decisions/0006-huge-pages-for-the-heap.md). The tunable only takes effect
/// at process start, so `serve` re-executes itself once with it set.
fn reexec_with_huge_pages() {
    use std::os::unix::process::CommandExt;
    const TUNABLES: &str = "GLIBC_TUNABLES";
    if std::env::var_os(TUNABLES).is_some() || std::env::var_os("NANO_NO_REEXEC").is_some() {
        return;
    }
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    // `exec` only returns on failure; then we simply carry on without huge pages.
    let _ = std::process::Command::new(exe)
        .args(std::env::args_os().skip(1))
        .env(TUNABLES, "glibc.malloc.hugetlb=1")
        .exec();
}

fn main() -> ExitCode {
    if std::env::args().nth(1).as_deref() == Some("serve") {
        reexec_with_huge_pages();
    }
    let mut argv = std::env::args().skip(1).peekable();
    match argv.peek().map(String::as_str) {
        None | Some("-h" | "--help" | "help") => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some("-V" | "--version") => {
            println!("nanod {}", env!("CARGO_PKG_VERSION"));
            return ExitCode::SUCCESS;
        }
        _ => {}
    }
    let args = match parse(argv) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match args.command.as_str() {
        "serve" => match load(&args) {
            Ok(config) => match nano_host::serve(config) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("error: {e}");
                    ExitCode::FAILURE
                }
            },
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
        "check" => match load(&args) {
            Ok(config) => {
                let problems = nano_host::check::check(&config);
                for p in &problems {
                    eprintln!("error: {p}");
                }
                if problems.is_empty() {
                    println!(
                        "ok: {} app{} checked",
                        config.apps.len(),
                        if config.apps.len() == 1 { "" } else { "s" }
                    );
                    ExitCode::SUCCESS
                } else {
                    ExitCode::FAILURE
                }
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
        "run" => match &args.file {
            Some(file) => ExitCode::from(nano_host::run::run_file(file) as u8),
            None => {
                eprintln!("error: run needs a FILE\n\n{USAGE}");
                ExitCode::from(2)
            }
        },
        other => {
            eprintln!("error: unknown command {other}\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}
