//! The `nanod` binary as a user runs it: `run`, `check`, and `serve` with signals.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn nanod() -> Command {
    Command::new(env!("CARGO_BIN_EXE_nanod"))
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    std::fs::write(&p, text).expect("write");
    p
}

fn run_js(name: &str, text: &str) -> Output {
    let dir = tempfile::tempdir().expect("tmp");
    let file = write(dir.path(), name, text);
    nanod().arg("run").arg(file).output().expect("nanod runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn run_drives_timers_microtasks_and_promises_to_completion() {
    let o = run_js(
        "order.js",
        r#"
        console.log("sync 1");
        setTimeout(() => console.log("timeout 20"), 20);
        setTimeout(() => console.log("timeout 0"), 0);
        let n = 0; const id = setInterval(() => { console.log("interval", ++n); if (n === 3) clearInterval(id); }, 5);
        const never = setTimeout(() => console.log("cleared: must not print"), 10); clearTimeout(never);
        Promise.resolve().then(() => console.log("promise"));
        queueMicrotask(() => console.log("microtask"));
        console.log("sync 2");
        "#,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(&lines[..4], ["sync 1", "sync 2", "promise", "microtask"]);
    assert!(lines.contains(&"timeout 0") && lines.contains(&"timeout 20"));
    assert!(!out.contains("must not print"));
    let pos = |s: &str| lines.iter().position(|l| *l == s).expect(s);
    assert!(pos("timeout 0") < pos("timeout 20"));
    assert!(pos("interval 1") < pos("interval 2") && pos("interval 2") < pos("interval 3"));
}

#[test]
fn run_modules_with_imports_and_top_level_await() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "lib/math.js",
        "export const double = (x) => x * 2;",
    );
    let main = write(
        dir.path(),
        "main.mjs",
        r#"import { double } from "./lib/math.js";
           const v = await new Promise((r) => setTimeout(() => r(21), 10));
           console.log("answer", double(v));"#,
    );
    let o = nanod().arg("run").arg(main).output().expect("run");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o), "answer 42\n");
}

#[test]
fn run_uncaught_errors_print_the_stack_and_exit_1() {
    let o = run_js(
        "throws.js",
        "function inner() { throw new TypeError('bad input'); }\ninner();\n",
    );
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("Uncaught TypeError: bad input"), "{err}");
    assert!(
        err.contains("at inner") && err.contains("throws.js:1"),
        "stack with location: {err}"
    );

    let o = run_js(
        "reject.mjs",
        "await null; Promise.reject(new Error('lost promise'));",
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("lost promise"), "{}", stderr(&o));

    let o = run_js(
        "timer.js",
        "setTimeout(() => { throw new RangeError('in a timer'); }, 1);",
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("RangeError: in a timer"),
        "{}",
        stderr(&o)
    );

    let o = run_js("syntax.js", "let x = ;");
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("SyntaxError"), "{}", stderr(&o));

    let o = run_js(
        "never.mjs",
        "await new Promise(() => {}); console.log('unreachable');",
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("never resolved"), "{}", stderr(&o));
}

#[test]
fn console_prints_large_values_whole() {
    let o = run_js(
        "big.js",
        "console.log(Array.from({ length: 2000 }, (_, i) => i)); console.log('x'.repeat(100000).length); console.error('to stderr');",
    );
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(out.contains(" 1999\n"), "the last element is printed");
    assert!(!out.contains("more item"), "no truncation");
    assert_eq!(stderr(&o), "to stderr\n");
}

#[test]
fn check_accepts_good_configs_and_reports_problems_with_locations() {
    let dir = tempfile::tempdir().expect("tmp");
    write(
        dir.path(),
        "good/index.js",
        "export default { fetch() { return new Response('ok'); } };",
    );
    write(
        dir.path(),
        "bad/index.js",
        "export default {\n  fetch() {\n    return new Response('ok' +);\n  }\n};\n",
    );
    let good = write(
        dir.path(),
        "good.toml",
        "[apps.good]\nmain = \"good/index.js\"\n",
    );
    let o = nanod()
        .args(["check", "--config"])
        .arg(&good)
        .output()
        .expect("check");
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("ok: 1 app checked"));

    let bad = write(
        dir.path(),
        "bad.toml",
        "[apps.good]\nmain = \"good/index.js\"\nroutes = [\"a.test/*\"]\n[apps.bad]\nmain = \"bad/index.js\"\nroutes = [\"b.test/*\"]\n",
    );
    let o = nanod()
        .args(["check", "--config"])
        .arg(&bad)
        .output()
        .expect("check");
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("app bad:") && err.contains("index.js:3:") && err.contains("SyntaxError"),
        "{err}"
    );
    assert!(!err.contains("app good"), "{err}");

    let broken = write(dir.path(), "broken.toml", "[apps.x]\nmain = \"nope.js\"\n");
    let o = nanod()
        .args(["check", "--config"])
        .arg(&broken)
        .output()
        .expect("check");
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("apps.x.main"), "{}", stderr(&o));
}

#[test]
fn bad_arguments_are_explained() {
    let o = nanod().arg("serve").output().expect("serve");
    assert_ne!(o.status.code(), Some(0));
    assert!(stderr(&o).contains("app file or --config"));
    let o = nanod().arg("frobnicate").output().expect("x");
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unknown command"));
    let o = nanod().arg("--help").output().expect("help");
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("nanod serve"));
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("port")
}

fn get(port: u16, path: &str) -> Option<String> {
    let mut c = TcpStream::connect(("127.0.0.1", port)).ok()?;
    c.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    write!(
        c,
        "GET {path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n"
    )
    .ok()?;
    let mut s = String::new();
    c.read_to_string(&mut s).ok()?;
    Some(s)
}

#[test]
fn serve_answers_and_sigterm_drains_in_flight_requests_then_exits_0() {
    let dir = tempfile::tempdir().expect("tmp");
    let app = write(
        dir.path(),
        "app.js",
        r#"export default { async fetch(req) {
             if (req.url.endsWith("/slow")) await new Promise((r) => setTimeout(r, 500));
             return new Response("served " + new URL(req.url).pathname);
           } };"#,
    );
    let port = free_port();
    let mut child = nanod()
        .arg("serve")
        .arg(&app)
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let deadline = Instant::now() + Duration::from_secs(10);
    let first = loop {
        if let Some(r) = get(port, "/hello") {
            break r;
        }
        assert!(Instant::now() < deadline, "server did not come up");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(first.ends_with("served /hello"), "{first}");
    let slow = std::thread::spawn(move || get(port, "/slow"));
    std::thread::sleep(Duration::from_millis(150));
    // SAFETY: sending a signal to our own child process.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let reply = slow.join().expect("client").unwrap_or_default();
    assert!(
        reply.ends_with("served /slow"),
        "in-flight request finished: {reply}"
    );
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(0));
    let mut err = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut err)
        .expect("read");
    assert!(err.contains("shutting down"), "{err}");
}
