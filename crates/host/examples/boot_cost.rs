//! Measures the cost of bringing up isolates: time per phase and heap per isolate.
//! `cargo run --release -p nano-host --example boot_cost [N]`

use std::rc::Rc;
use std::time::{Duration, Instant};

use nano_engine::{Isolate, IsolateOptions, ScriptKind};
use nano_web::WebOptions;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(200);
    let mut t_new = Duration::ZERO;
    let mut t_web = Duration::ZERO;
    let mut t_eval = Duration::ZERO;
    let mut heap = 0;
    let mut base = 0;
    let mut keep = Vec::new();
    for i in 0..n {
        let a = Instant::now();
        let mut iso = Isolate::new(&IsolateOptions::default(), None).expect("isolate");
        let b = Instant::now();
        base += iso.memory().0;
        let web = nano_web::install(
            &mut iso,
            WebOptions {
                log: Rc::new(|_, _| {}),
                respond: Rc::new(|_, _| {}),
                uncaught: Rc::new(|_| {}),
            },
        )
        .expect("web");
        let c = Instant::now();
        let src = format!("export default {{ fetch() {{ return new Response('app {i}'); }} }};");
        iso.eval_main("index.js", &src, ScriptKind::Module, None)
            .expect("ok")
            .expect("ok");
        let d = Instant::now();
        t_new += b - a;
        t_web += c - b;
        t_eval += d - c;
        heap += iso.memory().0;
        keep.push((web, iso));
    }
    let per = |d: Duration| d.as_secs_f64() * 1e6 / n as f64;
    println!(
        "isolates: {n}, glue bytecode {} KB",
        nano_web::bytecode_len() / 1024
    );
    println!("Isolate::new  {:8.1} us", per(t_new));
    println!("web::install  {:8.1} us", per(t_web));
    println!("eval main     {:8.1} us", per(t_eval));
    println!(
        "engine heap   {:8.1} KB per isolate ({:.1} KB before the Web APIs)",
        heap as f64 / n as f64 / 1024.0,
        base as f64 / n as f64 / 1024.0
    );
}
