use std::path::Path;
use std::time::Duration;

use super::*;

fn write(dir: &Path, files: &[&str]) {
    for f in files {
        let p = dir.join(f);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, "export default {}").expect("write");
    }
}

fn parse(dir: &Path, text: &str) -> Result<Config, ConfigError> {
    Config::parse(&dir.join("nano.toml"), text)
}

#[test]
fn full_config_with_defaults_filled_in() {
    let dir = tempfile::tempdir().expect("tmp");
    write(dir.path(), &["hello/index.js", "api/main.mjs"]);
    let c = parse(
        dir.path(),
        r#"
listen = "127.0.0.1:9000"
threads = 3
[apps.hello]
main = "hello/index.js"
routes = ["hello.example.com/*"]
vars = { GREETING = "hi", N = 2 }
[apps.hello.limits]
cpu_ms = 20
memory_mb = 64
[apps.api]
main = "api/main.mjs"
routes = ["*.example.com/api/*"]
"#,
    )
    .expect("valid");
    assert_eq!(c.server.listen.to_string(), "127.0.0.1:9000");
    assert_eq!(c.server.threads, 3);
    assert_eq!(c.apps.len(), 2);
    let hello = c.apps.iter().find(|a| a.name == "hello").expect("hello");
    assert_eq!(hello.limits.cpu, Duration::from_millis(20));
    assert_eq!(hello.limits.memory_bytes, 64 << 20);
    assert_eq!(hello.limits.wall, Duration::from_secs(30));
    assert_eq!(hello.limits.subrequests, 50);
    assert_eq!(
        hello.vars.get("GREETING").map(String::as_str),
        Some("\"hi\"")
    );
    assert_eq!(hello.vars.get("N").map(String::as_str), Some("2"));
    assert!(hello.main.ends_with("hello/index.js"));
    assert_eq!(c.catch_all, None);
    let api = c.apps.iter().find(|a| a.name == "api").expect("api");
    assert_eq!(api.limits, Limits::default());
}

#[test]
fn one_app_without_routes_serves_everything() {
    let dir = tempfile::tempdir().expect("tmp");
    write(dir.path(), &["a.js"]);
    let c = parse(dir.path(), "[apps.a]\nmain = \"a.js\"\n").expect("valid");
    assert_eq!(c.catch_all, Some(0));
}

#[test]
fn mistakes_are_reported_with_the_field() {
    let dir = tempfile::tempdir().expect("tmp");
    write(dir.path(), &["a.js"]);
    let cases = [
        ("[apps.a]\nmain = \"missing.js\"\n", "apps.a.main"),
        (
            "[apps.a]\nmain = \"a.js\"\nroutes = [\"exa*mple.com/*\"]\n",
            "apps.a.routes",
        ),
        (
            "[apps.a]\nmain = \"a.js\"\n[apps.a.limits]\ncpu_ms = 0\n",
            "apps.a.limits.cpu_ms",
        ),
        (
            "[apps.a]\nmain = \"a.js\"\nrouts = []\n",
            "unknown field `routs`",
        ),
        (
            "listen = \"nowhere\"\n[apps.a]\nmain = \"a.js\"\n",
            "listen",
        ),
        ("threads = 0\n[apps.a]\nmain = \"a.js\"\n", "threads"),
        ("listen = \"127.0.0.1:1\"\n", "no apps"),
        ("[apps.a\nmain = 1", "nano.toml"),
        (
            "[apps.a]\nmain = \"a.js\"\n[apps.a.outbound]\nallow = [\"ok.test\", \"10.0.0.0/33\"]\n",
            "apps.a.outbound.allow[1]: \"10.0.0.0/33\": prefix length out of range",
        ),
        (
            "[apps.a]\nmain = \"a.js\"\n[apps.a.outbound]\ndeny = [\"http://x\"]\n",
            "apps.a.outbound.deny[0]",
        ),
        (
            "[apps.a]\nmain = \"a.js\"\n[apps.a.outbound]\ntimeout_ms = 0\n",
            "apps.a.outbound.timeout_ms",
        ),
        (
            "[apps.a]\nmain = \"a.js\"\n[apps.a.outbound]\nalow = []\n",
            "unknown field `alow`",
        ),
    ];
    for (text, expect) in cases {
        let err = parse(dir.path(), text).expect_err(text).to_string();
        assert!(err.contains(expect), "{text:?}: {err}");
        assert!(err.contains("nano.toml"), "names the file: {err}");
    }
}

#[test]
fn listen_shorthands() {
    assert_eq!(
        parse_listen(":8080").map(|a| a.to_string()),
        Ok("127.0.0.1:8080".into())
    );
    assert_eq!(
        parse_listen("[::1]:80").map(|a| a.to_string()),
        Ok("[::1]:80".into())
    );
    assert!(parse_listen("localhost").is_err());
}

#[test]
fn outbound_policy_and_fetch_settings() {
    let dir = tempfile::tempdir().expect("tmp");
    write(dir.path(), &["a.js", "b.js"]);
    let c = parse(
        dir.path(),
        r#"
[apps.a]
main = "a.js"
routes = ["a.test/*"]
[apps.a.limits]
subrequests = 7
[apps.a.outbound]
allow = ["api.example.com", "*.example.org", "10.0.0.0/8"]
deny = ["10.1.0.0/16"]
connect_timeout_ms = 1500
timeout_ms = 20000
[apps.b]
main = "b.js"
routes = ["b.test/*"]
"#,
    )
    .expect("valid");
    let a = c.apps.iter().find(|a| a.name == "a").expect("a");
    let want = nano_web::OutboundPolicy::new(
        &["api.example.com", "*.example.org", "10.0.0.0/8"],
        &["10.1.0.0/16"],
    )
    .expect("policy");
    assert_eq!(a.outbound.policy, want);
    let s = a.fetch_settings();
    assert_eq!(s.subrequests, 7);
    assert_eq!(s.connect_timeout, Duration::from_millis(1500));
    assert_eq!(s.timeout, Duration::from_millis(20000));
    assert_eq!(s.policy, want);
    // No [outbound]: everything is allowed, default timeouts.
    let b = c.apps.iter().find(|a| a.name == "b").expect("b");
    assert_eq!(b.outbound, Outbound::default());
    assert!(b.outbound.policy.is_open());
    assert_eq!(b.fetch_settings().subrequests, 50);
}

#[test]
fn service_bindings_name_other_apps() {
    let dir = tempfile::tempdir().expect("tmp");
    write(dir.path(), &["a.js", "b.js"]);
    let base = r#"
[apps.a]
main = "a.js"
routes = ["a.test/*"]
[apps.b]
main = "b.js"
routes = ["b.test/*"]
[apps.b.outbound]
in_process = true
"#;
    let c = parse(
        dir.path(),
        &format!("{base}[apps.a.services]\nAPI = \"b\"\nME = \"a\"\n"),
    )
    .expect("valid");
    let index = |name: &str| c.apps.iter().position(|a| a.name == name).expect("app");
    let a = &c.apps[index("a")];
    assert_eq!(a.services.get("API"), Some(&index("b")));
    assert_eq!(a.services.get("ME"), Some(&index("a")));
    assert!(!a.outbound.in_process);
    assert!(c.apps[index("b")].outbound.in_process);

    for (services, want) in [
        (
            "API = \"nope\"",
            "apps.a.services.API: no app named \"nope\"",
        ),
        (
            "\"my-api\" = \"b\"",
            "apps.a.services.my-api: a binding name must be a JavaScript identifier",
        ),
        (
            "1X = \"b\"",
            "apps.a.services.1X: a binding name must be a JavaScript identifier",
        ),
    ] {
        let err = parse(
            dir.path(),
            &format!("{base}[apps.a.services]\n{services}\n"),
        )
        .expect_err(services)
        .to_string();
        assert!(err.ends_with(want), "{err}");
    }
    let err = parse(
        dir.path(),
        &format!("{base}[apps.a.vars]\nAPI = 1\n[apps.a.services]\nAPI = \"b\"\n"),
    )
    .expect_err("a var and a binding share a name")
    .to_string();
    assert!(err.contains("also a var"), "{err}");
}
