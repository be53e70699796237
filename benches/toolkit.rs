//! The array toolkit against ndarray 0.17, group `toolkit` (one run gives
//! the ratios in BENCHMARKS.md):
//!
//! * `var/…/1e6`: `var(1.0)` of 1e6 `f64` (ndarray: `var(1.0)`);
//! * `std/…/1e6`: `std(1.0)`, the same data;
//! * `var_axis0/…/1000`: `var_axis(0, 1.0, s)` of a row-major 1000 × 1000
//!   matrix (ndarray: `var_axis(Axis(0), 1.0)`);
//! * `cumsum_axis1/…/1000`: `cumsum_axis(1, s)` of the same matrix into a
//!   new array (ndarray: `accumulate_axis_inplace(Axis(1), |&p, c| *c += p)`
//!   on a copy made outside the timed loop: the yardstick, which
//!   does less work than bumper's: no output allocation).
//!
//! Run with `cargo bench --bench toolkit`.

use std::hint::black_box;

use bumper::{Buffer, SlabBuffer};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use ndarray::{Array1, Array2, Axis};

mod quick;

fn value(i: usize) -> f64 {
    (i.wrapping_mul(2_654_435_761) % 1_000_003) as f64 / 1_000_003.0 + 1000.0
}

fn toolkit(c: &mut Criterion) {
    let buf = SlabBuffer::<{ 1 << 20 }>::new();
    let mut g = c.benchmark_group("toolkit");
    quick::timing(&mut g, 1, 3);

    let n = 1_000_000;
    let x = buf.alloc_with([n], |[i]| value(i));
    let nx = Array1::from_shape_fn(n, value);
    g.bench_function(BenchmarkId::new("var/bumper", "1e6"), |b| {
        b.iter(|| black_box(&x).var(1.0))
    });
    g.bench_function(BenchmarkId::new("var/ndarray", "1e6"), |b| {
        b.iter(|| black_box(&nx).var(1.0))
    });
    g.bench_function(BenchmarkId::new("std/bumper", "1e6"), |b| {
        b.iter(|| black_box(&x).std(1.0))
    });
    g.bench_function(BenchmarkId::new("std/ndarray", "1e6"), |b| {
        b.iter(|| black_box(&nx).std(1.0))
    });

    let side = 1000;
    let m = buf.alloc_with([side, side], |[i, j]| value(i * side + j));
    let nm = Array2::from_shape_fn((side, side), |(i, j)| value(i * side + j));
    g.bench_function(BenchmarkId::new("var_axis0/bumper", side), |b| {
        b.iter(|| buf.no_escape(|s| black_box(black_box(&m).var_axis(0, 1.0, s)[[0]])))
    });
    g.bench_function(BenchmarkId::new("var_axis0/ndarray", side), |b| {
        b.iter(|| black_box(black_box(&nm).var_axis(Axis(0), 1.0)))
    });
    g.bench_function(BenchmarkId::new("cumsum_axis1/bumper", side), |b| {
        b.iter(|| {
            buf.no_escape(|s| black_box(black_box(&m).cumsum_axis(1, s)[[side - 1, side - 1]]))
        })
    });
    let mut acc = nm.clone();
    g.bench_function(BenchmarkId::new("cumsum_axis1/ndarray", side), |b| {
        b.iter(|| {
            acc.accumulate_axis_inplace(Axis(1), |&p, c| *c += p);
            black_box(acc[[side - 1, side - 1]])
        })
    });
    g.finish();
}

criterion_group!(benches, toolkit);
criterion_main!(benches);
