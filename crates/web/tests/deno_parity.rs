//! Cross-runtime check: `tests/parity/parity.js` runs in NANO (through the test harness)
//! and in deno (`deno run --quiet`), and both must print the same lines. The script only
//! prints `JSON.stringify`'d values, so console formatting differences do not matter.
//! Deno is found through `NANO_DENO`, then `bench/.peers/node_modules/.bin/deno`, then
//! `PATH`; without it the test says so and passes.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

const SCRIPT: &str = include_str!("parity/parity.js");

fn find_deno() -> Option<PathBuf> {
    let works = |p: &Path| {
        Command::new(p)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if let Some(p) = std::env::var_os("NANO_DENO") {
        let p = PathBuf::from(p);
        return works(&p).then_some(p);
    }
    let peers =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/.peers/node_modules/.bin/deno");
    if works(&peers) {
        return Some(peers);
    }
    let on_path = PathBuf::from("deno");
    works(&on_path).then_some(on_path)
}

fn run_deno(deno: &Path) -> Vec<String> {
    let dir = std::env::temp_dir().join(format!("nano-deno-parity-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("parity.js");
    std::fs::write(&file, SCRIPT).expect("write script");
    let output = Command::new(deno)
        .args(["run", "--quiet", "--no-config"])
        .arg(&file)
        .env("NO_COLOR", "1")
        .output()
        .expect("run deno");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        output.status.success(),
        "deno failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn nano_prints_what_deno_prints() {
    let nano = support::run_ok(SCRIPT);
    assert_eq!(
        nano.last().map(String::as_str),
        Some("done true"),
        "the script did not finish in NANO: {nano:#?}"
    );
    let Some(deno) = find_deno() else {
        eprintln!("deno_parity: no deno binary found (set NANO_DENO); skipping the comparison");
        return;
    };
    let theirs = run_deno(&deno);
    assert_eq!(
        theirs.last().map(String::as_str),
        Some("done true"),
        "the script did not finish in deno: {theirs:#?}"
    );
    let mut differences = Vec::new();
    for i in 0..nano.len().max(theirs.len()) {
        let (a, b) = (nano.get(i), theirs.get(i));
        if a != b {
            differences.push(format!(
                "line {}:\n  nano: {}\n  deno: {}",
                i + 1,
                a.map_or("<missing>", String::as_str),
                b.map_or("<missing>", String::as_str)
            ));
        }
    }
    assert!(
        differences.is_empty(),
        "NANO and deno differ on {} line(s):\n{}",
        differences.len(),
        differences.join("\n")
    );
}
