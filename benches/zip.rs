//! N-ary elementwise traversal against ndarray 0.17's `Zip`, group `zip`:
//! `y = 2 x + b` over 1e4 `f64` (in cache), three operands.
//!
//! * `axpb/bumper`: `Zip::from(&mut y).and(&x).and(&b).for_each(..)`;
//! * `axpb/ndarray`: the same with ndarray's `Zip`;
//! * `axpb/slice_loop`: `for ((y, x), b) in y.iter_mut().zip(x).zip(b)`;
//! * `axpb_t/…`: the same with `y` a transposed 100×100 view (x and b
//!   row-major), so one side walks strided;
//! * `axpb_rev/…`: all three reversed (stride -1), 1e4;
//! * `axpb_col/…`: 100×100 with `b` a broadcast [100, 1] column.
//!
//! Run with `cargo bench --bench zip`; compare the `time:` lines.

use std::hint::black_box;

use bumper::array::Zip;
use bumper::{Buffer, SlabBuffer};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use ndarray::{Array1, Array2};

mod quick;

const N: usize = 10_000;
const SIDE: usize = 100;

fn value(i: usize) -> f64 {
    (i.wrapping_mul(2_654_435_761) % 1_000_003) as f64 / 1_000_003.0
}

fn zip(c: &mut Criterion) {
    let buf = SlabBuffer::<{ 1 << 20 }>::new();
    let mut g = c.benchmark_group("zip");
    quick::timing(&mut g, 1, 3);

    let mut y = buf.alloc::<f64, 1>([N]);
    let x = buf.alloc_with([N], |[i]| value(i));
    let b = buf.alloc_with([N], |[i]| value(i + N));
    g.bench_function(BenchmarkId::new("axpb/bumper", N), |bch| {
        bch.iter(|| {
            Zip::from(black_box(&mut y))
                .and(black_box(&x))
                .and(black_box(&b))
                .for_each(|y, &x, &b| *y = 2.0 * x + b)
        })
    });
    let mut ny = Array1::<f64>::zeros(N);
    let nx = Array1::from_shape_fn(N, value);
    let nb = Array1::from_shape_fn(N, |i| value(i + N));
    g.bench_function(BenchmarkId::new("axpb/ndarray", N), |bch| {
        bch.iter(|| {
            ndarray::Zip::from(black_box(&mut ny))
                .and(black_box(&nx))
                .and(black_box(&nb))
                .for_each(|y, &x, &b| *y = 2.0 * x + b)
        })
    });
    let (mut sy, sx, sb) = (vec![0.0; N], nx.to_vec(), nb.to_vec());
    g.bench_function(BenchmarkId::new("axpb/slice_loop", N), |bch| {
        bch.iter(|| {
            let (y, x, b) = (black_box(&mut sy), black_box(&sx), black_box(&sb));
            for ((y, &x), &b) in y.iter_mut().zip(x).zip(b) {
                *y = 2.0 * x + b;
            }
        })
    });

    let mut y2 = buf.alloc::<f64, 2>([SIDE, SIDE]);
    let x2 = buf.alloc_with([SIDE, SIDE], |[i, j]| value(i * SIDE + j));
    let b2 = buf.alloc_with([SIDE, SIDE], |[i, j]| value(i * SIDE + j + N));
    g.bench_function(BenchmarkId::new("axpb_t/bumper", N), |bch| {
        bch.iter(|| {
            Zip::from(black_box(&mut y2).t_mut())
                .and(black_box(&x2))
                .and(black_box(&b2))
                .for_each(|y, &x, &b| *y = 2.0 * x + b)
        })
    });
    let mut ny2 = Array2::<f64>::zeros((SIDE, SIDE));
    let nx2 = Array2::from_shape_fn((SIDE, SIDE), |(i, j)| value(i * SIDE + j));
    let nb2 = Array2::from_shape_fn((SIDE, SIDE), |(i, j)| value(i * SIDE + j + N));
    g.bench_function(BenchmarkId::new("axpb_t/ndarray", N), |bch| {
        bch.iter(|| {
            ndarray::Zip::from(black_box(&mut ny2).view_mut().reversed_axes())
                .and(black_box(&nx2))
                .and(black_box(&nb2))
                .for_each(|y, &x, &b| *y = 2.0 * x + b)
        })
    });

    // `y = 2 x + b` with every operand reversed (1e4, stride -1): the walk
    // flips the axis, so this is the contiguous loop again.
    g.bench_function(BenchmarkId::new("axpb_rev/bumper", N), |bch| {
        bch.iter(|| {
            Zip::from(black_box(&mut y).slice_axis_step_mut(0, .., -1))
                .and(black_box(&x).slice_axis_step(0, .., -1))
                .and(black_box(&b).slice_axis_step(0, .., -1))
                .for_each(|y, &x, &b| *y = 2.0 * x + b)
        })
    });
    g.bench_function(BenchmarkId::new("axpb_rev/ndarray", N), |bch| {
        bch.iter(|| {
            ndarray::Zip::from(black_box(&mut ny).slice_mut(ndarray::s![..;-1]))
                .and(black_box(&nx).slice(ndarray::s![..;-1]))
                .and(black_box(&nb).slice(ndarray::s![..;-1]))
                .for_each(|y, &x, &b| *y = 2.0 * x + b)
        })
    });

    // `y = 2 x + c` with `c` a [100, 1] column broadcast along the rows
    // (stride 0 in the inner loop).
    let col = buf.alloc_with([SIDE, 1], |[i, _]| value(i));
    g.bench_function(BenchmarkId::new("axpb_col/bumper", N), |bch| {
        bch.iter(|| {
            Zip::from(black_box(&mut y2))
                .and(black_box(&x2))
                .and(black_box(&col))
                .for_each(|y, &x, &c| *y = 2.0 * x + c)
        })
    });
    let ncol = ndarray::Array2::from_shape_fn((SIDE, 1), |(i, _)| value(i));
    g.bench_function(BenchmarkId::new("axpb_col/ndarray", N), |bch| {
        bch.iter(|| {
            ndarray::Zip::from(black_box(&mut ny2))
                .and(black_box(&nx2))
                .and_broadcast(black_box(&ncol))
                .for_each(|y, &x, &c| *y = 2.0 * x + c)
        })
    });
    g.finish();
}

criterion_group!(benches, zip);
criterion_main!(benches);
