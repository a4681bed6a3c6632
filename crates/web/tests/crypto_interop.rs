//! Web Crypto interoperability with deno: keys, signatures, ciphertexts and derived
//! secrets that NANO produces verify, decrypt and import in deno, and the reverse
//! (`tests/interop/crypto_interop.js` runs in both). Deno is found as in
//! `deno_parity.rs`: `NANO_DENO`, then `bench/.peers/node_modules/.bin/deno`, then
//! `PATH`; without it the test checks NANO against itself and says it skipped deno.

mod support;

use std::path::Path;

const SCRIPT: &str = include_str!("interop/crypto_interop.js");

/// Runs `body` after the shared script in deno; returns its last printed line.
fn run_deno(deno: &Path, body: &str) -> String {
    let lines = support::run_deno(deno, "crypto-interop", &format!("{SCRIPT}\n{body}\n"));
    lines.last().cloned().unwrap_or_default()
}

/// Runs `body` after the shared script in NANO; returns its last printed line.
fn run_nano(body: &str) -> String {
    let lines = support::run_ok(&format!("{SCRIPT}\n{body}\n"));
    lines.last().cloned().unwrap_or_default()
}

/// Asserts every check in a `check()` result object passed.
fn assert_all_pass(who: &str, results: &str) {
    assert!(results.starts_with('{'), "{who}: no results: {results}");
    let failed: Vec<&str> = results
        .trim_matches(|c| c == '{' || c == '}')
        .split(",\"")
        .filter(|entry| !entry.ends_with(":true"))
        .collect();
    assert!(failed.is_empty(), "{who}: failed checks: {failed:#?}");
    // Every algorithm family was checked.
    for name in [
        "ecdsa P-521",
        "ecdh P-384",
        "ed25519",
        "x25519",
        "rsa-pss",
        "rsa-oaep",
        "aes-kw",
        "pbkdf2",
    ] {
        assert!(
            results.contains(name),
            "{who}: no check named {name}: {results}"
        );
    }
}

#[test]
fn nano_and_deno_read_each_other() {
    let ours = run_nano("console.log(JSON.stringify(await produce()));");
    assert!(ours.starts_with('{'), "NANO produced no JSON: {ours}");

    let Some(deno) = support::find_deno() else {
        eprintln!(
            "crypto_interop: skipped: deno not found (set NANO_DENO); checking NANO against itself"
        );
        let own = run_nano(&format!(
            "console.log(JSON.stringify(await check({ours})));"
        ));
        assert_all_pass("NANO (own output)", &own);
        return;
    };

    // deno checks what NANO produced, then produces its own.
    let theirs_checks = run_deno(
        &deno,
        &format!("console.log(JSON.stringify(await check({ours})));"),
    );
    assert_all_pass("deno reading NANO's output", &theirs_checks);
    let theirs = run_deno(&deno, "console.log(JSON.stringify(await produce()));");
    assert!(theirs.starts_with('{'), "deno produced no JSON: {theirs}");

    // NANO checks what deno produced.
    let our_checks = run_nano(&format!(
        "console.log(JSON.stringify(await check({theirs})));"
    ));
    assert_all_pass("NANO reading deno's output", &our_checks);
}
