mod support;

#[test]
fn harness_reports_uncaught_errors() {
    let out = support::run("throw new Error('boom')");
    assert_eq!(out.errors.len(), 1);
    assert!(out.errors[0].contains("boom"));
    let out = support::run("Promise.reject(new TypeError('nope'))");
    assert!(out
        .errors
        .iter()
        .any(|e| e.contains("unhandled rejection") && e.contains("nope")));
}

#[test]
fn harness_drives_timers_and_collects_output() {
    let lines = support::check("setTimeout(() => console.log('later'), 5); console.log('now');");
    assert_eq!(lines, ["now", "later"]);
}
