//! Parallel array operations with 1 and 2 rayon threads, and the per-item
//! scratch pattern against `Vec` temporaries.
//!
//! `cargo bench --bench par`. Each pool size is a separate benchmark id, so
//! the speedup is the ratio of the two ids' times in one run.
//!
//! `memory_bound/*` is the ceiling for a 2-thread speedup on this machine:
//! the same two passes over the same 80 MB written as plain slice loops on
//! 1 or 2 `std::thread::scope` threads, halves split by hand, no rayon and
//! no bumper. If those do not reach 1.8x, the memory system is the limit.
//! `par_1e6_f64_compute/par_map_inplace_sin` is the opposite case: 1e6
//! elements (8 MB) and a `sin` per element, so the two threads have
//! arithmetic to share rather than memory traffic.

use std::hint::black_box;

use bumper::{Buffer, SlabBuffer};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use rayon::prelude::*;

mod quick;

const LEN: usize = 10_000_000;

fn pools() -> Vec<(usize, rayon::ThreadPool)> {
    [1, 2]
        .into_iter()
        .map(|n| {
            (
                n,
                rayon::ThreadPoolBuilder::new()
                    .num_threads(n)
                    .build()
                    .unwrap(),
            )
        })
        .collect()
}

fn par_ops(c: &mut Criterion) {
    let mut g = c.benchmark_group("par_1e7_f64");
    g.sample_size(20);
    quick::timing(&mut g, 1, 3);
    let buf = SlabBuffer::<{ 1 << 20 }>::new();
    let mut a = buf.alloc_with([LEN], |[i]| (i % 1000) as f64 * 0.001);
    for (threads, pool) in pools() {
        g.bench_with_input(BenchmarkId::new("par_sum", threads), &threads, |bch, _| {
            bch.iter(|| pool.install(|| black_box(a.par_sum())))
        });
        g.bench_with_input(
            BenchmarkId::new("par_map_inplace", threads),
            &threads,
            |bch, _| {
                bch.iter(|| pool.install(|| a.par_map_inplace(|x| *x = *x * 0.999_999 + 1e-9)))
            },
        );
    }
    g.finish();
}

fn par_compute(c: &mut Criterion) {
    let mut g = c.benchmark_group("par_1e6_f64_compute");
    g.sample_size(20);
    quick::timing(&mut g, 1, 3);
    let buf = SlabBuffer::<{ 1 << 20 }>::new();
    let mut a = buf.alloc_with([1_000_000], |[i]| (i % 1000) as f64 * 0.001);
    for (threads, pool) in pools() {
        g.bench_with_input(
            BenchmarkId::new("par_map_inplace_sin", threads),
            &threads,
            |bch, _| bch.iter(|| pool.install(|| a.par_map_inplace(|x| *x = x.sin() + 0.5))),
        );
    }
    g.finish();
}

/// Eight independent partial sums (so the loop vectorises like `par_sum`'s).
fn plain_sum(xs: &[f64]) -> f64 {
    let mut acc = [0.0_f64; 8];
    let chunks = xs.chunks_exact(8);
    let tail: f64 = chunks.remainder().iter().sum();
    for c in chunks {
        for k in 0..8 {
            acc[k] += c[k];
        }
    }
    acc.iter().sum::<f64>() + tail
}

/// Runs `f` on `threads` equal parts of `xs` on scoped threads.
fn split_run<R: Send>(
    xs: &mut [f64],
    threads: usize,
    f: impl Fn(&mut [f64]) -> R + Sync,
) -> Vec<R> {
    let part = xs.len().div_ceil(threads);
    std::thread::scope(|t| {
        let handles: Vec<_> = xs
            .chunks_mut(part)
            .map(|p| {
                let f = &f;
                t.spawn(move || f(p))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    })
}

fn memory_bound(c: &mut Criterion) {
    let mut g = c.benchmark_group("memory_bound_1e7_f64");
    g.sample_size(20);
    quick::timing(&mut g, 1, 3);
    let mut xs: Vec<f64> = (0..LEN).map(|i| (i % 1000) as f64 * 0.001).collect();
    for threads in [1, 2] {
        g.bench_with_input(BenchmarkId::new("sum", threads), &threads, |bch, &t| {
            bch.iter(|| black_box(split_run(&mut xs, t, |p| plain_sum(p))))
        });
        g.bench_with_input(BenchmarkId::new("map", threads), &threads, |bch, &t| {
            bch.iter(|| {
                split_run(&mut xs, t, |p| {
                    p.iter_mut().for_each(|x| *x = *x * 0.999_999 + 1e-9)
                })
            })
        });
    }
    g.finish();
}

/// The per-item kernel: a 32x32 scratch matrix, a matrix-vector product.
/// The arithmetic is the same loop as `item_vec` (rows as slices), so the
/// two differ only in where the temporaries live.
fn item(s: &bumper::Scope<'_>, k: usize) -> f64 {
    let m = s.alloc_with([32, 32], |[i, j]| ((i * 32 + j + k) % 13) as f64);
    let v = s.alloc_with([32], |[j]| (j + k) as f64);
    let (m, v) = (m.as_slice().unwrap(), v.as_slice().unwrap());
    let y = s.alloc_with([32], |[i]| {
        m[i * 32..i * 32 + 32]
            .iter()
            .zip(v)
            .map(|(a, b)| a * b)
            .sum::<f64>()
    });
    y.iter().sum()
}

fn item_vec(k: usize) -> f64 {
    let m: Vec<f64> = (0..1024).map(|t| ((t + k) % 13) as f64).collect();
    let v: Vec<f64> = (0..32).map(|j| (j + k) as f64).collect();
    let y: Vec<f64> = (0..32)
        .map(|i| {
            m[i * 32..i * 32 + 32]
                .iter()
                .zip(&v)
                .map(|(a, b)| a * b)
                .sum()
        })
        .collect();
    y.iter().sum()
}

fn per_item_scratch(c: &mut Criterion) {
    let mut g = c.benchmark_group("per_item_scratch");
    quick::timing(&mut g, 1, 3);
    let items = 10_000;
    for (threads, pool) in pools() {
        g.bench_with_input(
            BenchmarkId::new("bumper_no_escape", threads),
            &threads,
            |bch, _| {
                bch.iter(|| {
                    pool.install(|| {
                        (0..items)
                            .into_par_iter()
                            .map(|k| bumper::no_escape(|s| item(s, k)))
                            .sum::<f64>()
                    })
                })
            },
        );
        g.bench_with_input(
            BenchmarkId::new("vec_temporaries", threads),
            &threads,
            |bch, _| {
                bch.iter(|| pool.install(|| (0..items).into_par_iter().map(item_vec).sum::<f64>()))
            },
        );
    }
    g.finish();
}

criterion_group!(
    benches,
    par_ops,
    par_compute,
    memory_bound,
    per_item_scratch
);
criterion_main!(benches);
