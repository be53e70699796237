//! Bumper.jl's seed example, `y = x .+ 1; sum(y)` with a scratch `y`, for
//! n = 3, 30 and 1000, through each way of getting scratch memory:
//!
//! * `bumper_default`: `bumper::no_escape` on the thread's default buffer;
//! * `bumper_slab`: `buf.no_escape` on an explicit `SlabBuffer` (1 MiB slabs);
//! * `bumper_alloc_buffer`: `buf.no_escape` on a fixed `AllocBuffer`;
//! * `vec`: a `Vec<i64>` temporary (one `malloc`/`free` per call);
//! * `stack`: a `[i64; N]` on the stack, the lower limit.
//!
//! Every variant has the same loop structure (allocate, fill, sum) and hands
//! the temporary to `black_box` between the fill and the sum, so that the
//! optimiser can neither fuse the two loops into a plain sum of `x` nor
//! elide the `Vec`'s heap allocation: the temporary really exists, as it
//! would when passed to a function that is not inlined.
//!
//! Run with `cargo bench --bench scratch`.

use std::hint::black_box;
use std::time::Duration;

use bumper::{AllocBuffer, Buffer, SlabBuffer};
use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BenchmarkGroup, BenchmarkId, Criterion};

/// Sizes of `x`.
const SIZES: [usize; 3] = [3, 30, 1000];

// The bumper variants use `s.alloc` + `iter_mut().zip(x)`. The other natural
// way, `s.alloc_with([n], |[i]| x[i] + 1)`, costs about the same since
// alloc_with fills row by row (callgrind, n = 30, default buffer: 297 vs 291
// instructions per call). `alloc_uninit` + `unsafe assume_init` is not what
// a user would write for this, so it is left out.

/// `y = x .+ 1; sum(y)` on the thread's default buffer.
fn bumper_default(x: &[i64]) -> i64 {
    bumper::no_escape(|s| {
        let mut y = s.alloc::<i64, 1>([x.len()]);
        for (yi, xi) in y.iter_mut().zip(x) {
            *yi = xi + 1;
        }
        black_box(&mut y).iter().sum()
    })
}

/// `y = x .+ 1; sum(y)` on a buffer passed by reference.
fn bumper_buf(buf: &impl Buffer, x: &[i64]) -> i64 {
    buf.no_escape(|s| {
        let mut y = s.alloc::<i64, 1>([x.len()]);
        for (yi, xi) in y.iter_mut().zip(x) {
            *yi = xi + 1;
        }
        black_box(&mut y).iter().sum()
    })
}

/// `y = x .+ 1; sum(y)` with a `Vec` temporary.
fn vec(x: &[i64]) -> i64 {
    let mut y = vec![0_i64; x.len()];
    for (yi, xi) in y.iter_mut().zip(x) {
        *yi = xi + 1;
    }
    black_box(&mut y).iter().sum()
}

/// `y = x .+ 1; sum(y)` with a stack array of the exact size.
fn stack<const N: usize>(x: &[i64]) -> i64 {
    let mut y = [0_i64; N];
    for (yi, xi) in y.iter_mut().zip(x) {
        *yi = xi + 1;
    }
    black_box(&mut y).iter().sum()
}

/// Benchmarks `stack::<N>` (a direct call, like the other variants).
fn bench_stack<const N: usize>(group: &mut BenchmarkGroup<'_, WallTime>, x: &[i64]) {
    assert_eq!(
        stack::<N>(x),
        x.iter().sum::<i64>() + N as i64,
        "stack/{N} computes the wrong sum"
    );
    group.bench_with_input(BenchmarkId::new("stack", N), x, |b, x| {
        b.iter(|| stack::<N>(black_box(x)))
    });
}

fn seed(c: &mut Criterion) {
    let mut group = c.benchmark_group("seed_n30");
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(2));

    let slab = SlabBuffer::<1_048_576>::new();
    let fixed = AllocBuffer::with_capacity(8 * SIZES[SIZES.len() - 1] + 64);

    for n in SIZES {
        let x: Vec<i64> = (1..=n as i64).collect();
        let expected: i64 = x.iter().sum::<i64>() + n as i64;
        for (name, got) in [
            ("bumper_default", bumper_default(&x)),
            ("bumper_slab", bumper_buf(&slab, &x)),
            ("bumper_alloc_buffer", bumper_buf(&fixed, &x)),
            ("vec", vec(&x)),
        ] {
            assert_eq!(got, expected, "{name}/{n} computes the wrong sum");
        }

        group.bench_with_input(BenchmarkId::new("bumper_default", n), &x, |b, x| {
            b.iter(|| bumper_default(black_box(x)))
        });
        group.bench_with_input(BenchmarkId::new("bumper_slab", n), &x, |b, x| {
            b.iter(|| bumper_buf(&slab, black_box(x)))
        });
        group.bench_with_input(BenchmarkId::new("bumper_alloc_buffer", n), &x, |b, x| {
            b.iter(|| bumper_buf(&fixed, black_box(x)))
        });
        group.bench_with_input(BenchmarkId::new("vec", n), &x, |b, x| {
            b.iter(|| vec(black_box(x)))
        });
        match n {
            3 => bench_stack::<3>(&mut group, &x),
            30 => bench_stack::<30>(&mut group, &x),
            1000 => bench_stack::<1000>(&mut group, &x),
            _ => unreachable!("no stack variant for n = {n}"),
        }
    }
    group.finish();
}

criterion_group!(benches, seed);
criterion_main!(benches);
