//! Parallel array operations with 1 and 2 rayon threads, and the per-item
//! scratch pattern against `Vec` temporaries.
//!
//! `cargo bench --bench par`. Each pool size is a separate benchmark id, so
//! the speedup is the ratio of the two ids' times in one run.

use std::hint::black_box;
use std::time::Duration;

use bumper::{Buffer, SlabBuffer};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use rayon::prelude::*;

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
    g.sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
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
    g.warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
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

criterion_group!(benches, par_ops, per_item_scratch);
criterion_main!(benches);
