//! Cross-runtime check: `tests/parity/parity.js` runs in NANO (through the test harness)
//! and in deno (`deno run --quiet`), and both must print the same lines. The script only
//! prints `JSON.stringify`'d values, so console formatting differences do not matter.
//! Deno is found through `NANO_DENO`, then `bench/.peers/node_modules/.bin/deno`, then
//! `PATH`; without it the test says so and passes.

mod support;

const SCRIPT: &str = include_str!("parity/parity.js");

#[test]
fn nano_prints_what_deno_prints() {
    let nano = support::run_ok(SCRIPT);
    assert_eq!(
        nano.last().map(String::as_str),
        Some("done true"),
        "the script did not finish in NANO: {nano:#?}"
    );
    let Some(deno) = support::find_deno() else {
        eprintln!("deno_parity: no deno binary found (set NANO_DENO); skipping the comparison");
        return;
    };
    let theirs = support::run_deno(&deno, "parity", SCRIPT);
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
