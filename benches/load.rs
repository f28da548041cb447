//! Cold load of one day: discovery, parse, store ready. Prints wall time, peak RSS and store
//! bytes per hft1 row.
//!
//!     cargo run --release -- simulate --root /tmp/heavy --date 20250714 --instant --profile heavy
//!     KI2_BENCH_ROOT=/tmp/heavy cargo bench --bench load
mod common;
use std::time::Instant;

use ki2::archive::{Archive, DateSpec, read_day};
use ki2::store::DayStore;

fn main() {
    // As `ki2`'s main does.
    ki2::platform::allocator::limit_arenas();
    let Some(root) = std::env::var_os("KI2_BENCH_ROOT") else {
        eprintln!("set KI2_BENCH_ROOT to an archive (see the comment at the top of benches/load.rs); skipping");
        return;
    };
    let runs: usize = std::env::var("KI2_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(5);
    let mut times = Vec::new();
    let mut phases = [0.0f64; 3];
    let mut last = None;
    for _ in 0..runs {
        drop(last.take());
        let start = Instant::now();
        let archive = Archive::discover(root.as_ref()).unwrap_or_else(|e| panic!("{e}"));
        let day = archive.resolve(DateSpec::Latest).unwrap_or_else(|e| panic!("{e}"));
        let t1 = Instant::now();
        let data = read_day(&archive.files(day), Default::default());
        let t2 = Instant::now();
        let store = DayStore::from_day(data).unwrap_or_else(|e| panic!("{e}"));
        let end = Instant::now();
        times.push((end - start).as_secs_f64());
        for (p, d) in phases.iter_mut().zip([t1 - start, t2 - t1, end - t2]) {
            *p += d.as_secs_f64() / runs as f64;
        }
        last = Some(store);
    }
    let Some(store) = last else { return };
    times.sort_by(f64::total_cmp);
    let rows = store.quotes_len().max(1);
    println!("cold load: {} hft1 rows, {} bursts", store.quotes_len(), store.bursts_len());
    println!("  wall: best {:.3} s, median {:.3} s over {runs} runs", times[0], times[times.len() / 2]);
    println!("  mean phases: discover {:.3} s, parse {:.3} s, frames {:.3} s", phases[0], phases[1], phases[2]);
    println!("  peak RSS: {:.1} MB", common::proc_status_mb("VmHWM:"));
    println!("  store: {:.1} bytes per hft1 row held", store.estimated_bytes() as f64 / rows as f64);
}
