//! Array operations against ndarray 0.17, group `vs_ndarray`: each
//! operation runs on the same data through bumper (`…/bumper/n`) and
//! ndarray (`…/ndarray/n`), with a plain slice loop as a baseline where it
//! means something.
//!
//! * `sum`, `dot`: 1-D `f64`, n = 1e3 and 1e6 (bumper sums pairwise for
//!   accuracy, ndarray with eight plain accumulators; `slice_loop` is
//!   `for x in xs { s += x }`, one sequential chain, and the same for `dot`);
//! * `add_assign`: `a += &b`, 1-D `f64`;
//! * `map_inplace`: `x = x * c + d` on every element, 1-D `f64`;
//! * `sum_t`: the sum of a transposed 1000×1000 view (`a.t().sum()`);
//! * `sum_axis0`, `sum_axis1`: `sum_axis` of a row-major 1000×1000 matrix,
//!   result allocation included (a scope on a scratch buffer for bumper, a
//!   fresh `Array` for ndarray);
//! * `bcast_add_row`: `a += &row`, a 1000×1000 matrix plus a row broadcast
//!   down its columns (bumper's row has shape `[1, 1000]`, ndarray's
//!   `(1000,)`);
//! * `copy_t`: a copy of a transposed 1000×1000 view, result allocation
//!   included: bumper's `copy_in` (a standard-layout copy, so a real
//!   transpose, in a scope) against ndarray's `to_owned()` (which keeps the
//!   view's column-major layout: one `memcpy` into a fresh `Array`);
//!   `ndarray_standard` is ndarray's standard-layout copy
//!   (`as_standard_layout().into_owned()`), the same work as bumper's.
//!
//! Group `iteration`, a row-major 1000×1000 `f64` matrix:
//! * `rows_sum`: `m.rows().map(|r| r.sum())`, the row sums added up;
//! * `outer_iter_sum`: the same through `outer_iter()`;
//! * `columns_sum`: `lanes(0)` (ndarray: `columns()`), strided lanes;
//! * `iter_sum_t`: `m.t().iter().sum()`, the element iterator on a strided
//!   view (`slice_loop` is the same sum over the row-major slice).
//!
//! bumper's arrays come from one explicit `SlabBuffer`, allocated outside
//! the timing loops. Run with `cargo bench --bench arrays`; compare the
//! `time:` lines of a `bumper` / `ndarray` pair.

use std::hint::black_box;

use bumper::{Buffer, SlabBuffer};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use ndarray::{Array1, Array2, Axis};

mod quick;

/// Lengths of the 1-D benchmarks.
const SIZES: [usize; 2] = [1_000, 1_000_000];
/// Side of the square matrices.
const SIDE: usize = 1_000;

/// Deterministic, not-too-regular test values in [0, 1).
fn value(i: usize) -> f64 {
    (i.wrapping_mul(2_654_435_761) % 1_000_003) as f64 / 1_000_003.0
}

fn vs_ndarray(c: &mut Criterion) {
    let buf = SlabBuffer::<{ 1 << 20 }>::new();
    let scratch = SlabBuffer::<{ 1 << 20 }>::new();
    let mut g = c.benchmark_group("vs_ndarray");
    quick::timing(&mut g, 1, 2);

    for n in SIZES {
        let a = buf.alloc_with([n], |[i]| value(i));
        let b = buf.alloc_with([n], |[i]| value(i + n));
        let na = Array1::from_shape_fn(n, value);
        let nb = Array1::from_shape_fn(n, |i| value(i + n));
        let xs = a.as_slice().unwrap();

        g.bench_with_input(BenchmarkId::new("sum/bumper", n), &a, |bch, a| {
            bch.iter(|| black_box(a).sum())
        });
        g.bench_with_input(BenchmarkId::new("sum/ndarray", n), &na, |bch, a| {
            bch.iter(|| black_box(a).sum())
        });
        g.bench_with_input(BenchmarkId::new("sum/slice_loop", n), xs, |bch, xs| {
            bch.iter(|| {
                let mut s = 0.0;
                for x in black_box(xs) {
                    s += x;
                }
                s
            })
        });

        g.bench_with_input(
            BenchmarkId::new("dot/bumper", n),
            &(&a, &b),
            |bch, (a, b)| bch.iter(|| black_box(a).dot(*black_box(b))),
        );
        g.bench_with_input(
            BenchmarkId::new("dot/ndarray", n),
            &(&na, &nb),
            |bch, (a, b)| bch.iter(|| black_box(a).dot(*black_box(b))),
        );

        let ys = b.as_slice().unwrap();
        g.bench_with_input(
            BenchmarkId::new("dot/slice_loop", n),
            &(xs, ys),
            |bch, (xs, ys)| {
                bch.iter(|| {
                    let mut s = 0.0;
                    for (x, y) in black_box(*xs).iter().zip(black_box(*ys)) {
                        s += x * y;
                    }
                    s
                })
            },
        );

        let mut acc = buf.alloc_with([n], |[i]| value(i));
        g.bench_function(BenchmarkId::new("add_assign/bumper", n), |bch| {
            bch.iter(|| {
                let acc = black_box(&mut acc);
                *acc += black_box(&b);
            })
        });
        let mut nacc = na.clone();
        g.bench_function(BenchmarkId::new("add_assign/ndarray", n), |bch| {
            bch.iter(|| {
                let acc = black_box(&mut nacc);
                *acc += black_box(&nb);
            })
        });

        let mut vacc: Vec<f64> = (0..n).map(value).collect();
        g.bench_function(BenchmarkId::new("add_assign/slice_loop", n), |bch| {
            bch.iter(|| {
                for (x, y) in black_box(&mut vacc).iter_mut().zip(black_box(ys)) {
                    *x += y;
                }
            })
        });

        // x -> 0.5 x + 0.25 stays in [0.25, 0.75): no drift to inf or 0.
        g.bench_function(BenchmarkId::new("map_inplace/bumper", n), |bch| {
            bch.iter(|| black_box(&mut acc).map_inplace(|x| *x = *x * 0.5 + 0.25))
        });
        g.bench_function(BenchmarkId::new("map_inplace/ndarray", n), |bch| {
            bch.iter(|| black_box(&mut nacc).map_inplace(|x| *x = *x * 0.5 + 0.25))
        });
        g.bench_function(BenchmarkId::new("map_inplace/slice_loop", n), |bch| {
            bch.iter(|| {
                for x in black_box(&mut vacc).iter_mut() {
                    *x = *x * 0.5 + 0.25;
                }
            })
        });
    }

    let n = SIDE * SIDE;
    let m = buf.alloc_with([SIDE, SIDE], |[i, j]| value(i * SIDE + j));
    let nm = Array2::from_shape_fn((SIDE, SIDE), |(i, j)| value(i * SIDE + j));

    g.bench_with_input(BenchmarkId::new("sum_t/bumper", n), &m, |bch, m| {
        bch.iter(|| black_box(m).t().sum())
    });
    g.bench_with_input(BenchmarkId::new("sum_t/ndarray", n), &nm, |bch, m| {
        bch.iter(|| black_box(m).t().sum())
    });

    for axis in [0, 1] {
        g.bench_with_input(
            BenchmarkId::new(format!("sum_axis{axis}/bumper"), n),
            &m,
            |bch, m| {
                bch.iter(|| {
                    scratch.no_escape(|s| {
                        let r = black_box(m).sum_axis::<1>(axis, s);
                        black_box(r.as_ptr());
                    })
                })
            },
        );
        g.bench_with_input(
            BenchmarkId::new(format!("sum_axis{axis}/ndarray"), n),
            &nm,
            |bch, m| bch.iter(|| black_box(black_box(m).sum_axis(Axis(axis)))),
        );
    }

    g.bench_with_input(BenchmarkId::new("copy_t/bumper", n), &m, |bch, m| {
        bch.iter(|| {
            scratch.no_escape(|s| {
                let c = black_box(m).t().copy_in(s);
                black_box(c.as_ptr());
            })
        })
    });
    g.bench_with_input(BenchmarkId::new("copy_t/ndarray", n), &nm, |bch, m| {
        bch.iter(|| black_box(black_box(m).t().to_owned()))
    });
    g.bench_with_input(
        BenchmarkId::new("copy_t/ndarray_standard", n),
        &nm,
        |bch, m| bch.iter(|| black_box(black_box(m).t().as_standard_layout().into_owned())),
    );

    let mut mm = buf.alloc_with([SIDE, SIDE], |[i, j]| value(i * SIDE + j));
    let row = buf.alloc_with([1, SIDE], |[_, j]| value(j));
    g.bench_function(BenchmarkId::new("bcast_add_row/bumper", n), |bch| {
        bch.iter(|| {
            let mm = black_box(&mut mm);
            *mm += black_box(&row);
        })
    });
    let mut nmm = nm.clone();
    let nrow = Array1::from_shape_fn(SIDE, value);
    g.bench_function(BenchmarkId::new("bcast_add_row/ndarray", n), |bch| {
        bch.iter(|| {
            let mm = black_box(&mut nmm);
            *mm += black_box(&nrow);
        })
    });

    g.finish();
}

fn iteration(c: &mut Criterion) {
    let buf = SlabBuffer::<{ 1 << 20 }>::new();
    let mut g = c.benchmark_group("iteration");
    quick::timing(&mut g, 1, 2);
    let m = buf.alloc_with([SIDE, SIDE], |[i, j]| value(i * SIDE + j));
    let nm = Array2::from_shape_fn((SIDE, SIDE), |(i, j)| value(i * SIDE + j));
    let n = SIDE * SIDE;

    g.bench_function(BenchmarkId::new("rows_sum/bumper", n), |bch| {
        bch.iter(|| black_box(&m).rows().map(|r| r.sum()).sum::<f64>())
    });
    g.bench_function(BenchmarkId::new("rows_sum/ndarray", n), |bch| {
        bch.iter(|| {
            black_box(&nm)
                .rows()
                .into_iter()
                .map(|r| r.sum())
                .sum::<f64>()
        })
    });
    g.bench_function(BenchmarkId::new("outer_iter_sum/bumper", n), |bch| {
        bch.iter(|| black_box(&m).outer_iter().map(|r| r.sum()).sum::<f64>())
    });
    g.bench_function(BenchmarkId::new("outer_iter_sum/ndarray", n), |bch| {
        bch.iter(|| black_box(&nm).outer_iter().map(|r| r.sum()).sum::<f64>())
    });
    g.bench_function(BenchmarkId::new("columns_sum/bumper", n), |bch| {
        bch.iter(|| black_box(&m).lanes(0).map(|c| c.sum()).sum::<f64>())
    });
    g.bench_function(BenchmarkId::new("columns_sum/ndarray", n), |bch| {
        bch.iter(|| {
            black_box(&nm)
                .columns()
                .into_iter()
                .map(|c| c.sum())
                .sum::<f64>()
        })
    });
    g.bench_function(BenchmarkId::new("iter_sum_t/bumper", n), |bch| {
        bch.iter(|| black_box(&m).t().iter().sum::<f64>())
    });
    g.bench_function(BenchmarkId::new("iter_sum_t/ndarray", n), |bch| {
        bch.iter(|| black_box(&nm).t().iter().sum::<f64>())
    });
    let xs = m.as_slice().unwrap();
    g.bench_function(BenchmarkId::new("iter_sum_t/slice_loop", n), |bch| {
        bch.iter(|| black_box(xs).iter().sum::<f64>())
    });
    g.finish();
}

criterion_group!(benches, vs_ndarray, iteration);
criterion_main!(benches);
