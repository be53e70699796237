//! `BENCH_QUICK=1`: a smoke run. Every group measures for a fraction of
//! its normal time with few samples, so `cargo bench` finishes in minutes.
//! The figures of a quick run are rough; BENCHMARKS.md uses full runs.

use std::time::Duration;

use criterion::measurement::WallTime;
use criterion::BenchmarkGroup;

/// Whether `BENCH_QUICK` asks for a short run.
pub fn is_quick() -> bool {
    std::env::var_os("BENCH_QUICK").is_some_and(|v| !v.is_empty() && v != "0")
}

/// Sets the warm-up and measurement times of `group` (in seconds), or
/// short ones with 10 samples in quick mode.
#[allow(dead_code)] // not every bench uses every helper
pub fn timing(group: &mut BenchmarkGroup<'_, WallTime>, warm_up: u64, measure: u64) {
    if is_quick() {
        group
            .sample_size(10)
            .warm_up_time(Duration::from_millis(100))
            .measurement_time(Duration::from_millis(300));
    } else {
        group
            .warm_up_time(Duration::from_secs(warm_up))
            .measurement_time(Duration::from_secs(measure));
    }
}
