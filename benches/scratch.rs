//! Bumper.jl's seed example, `y = x .+ 1; sum(y)` with a scratch `y`, for
//! n = 3, 30 and 1000, through each way of getting scratch memory:
//!
//! * `bumper_default`: `bumper::no_escape` on the thread's default buffer;
//! * `bumper_slab`: `buf.no_escape` on an explicit `SlabBuffer` (1 MiB slabs);
//! * `bumper_alloc_buffer`: `buf.no_escape` on a fixed `AllocBuffer`;
//! * `vec`: a `Vec<i64>` temporary (one `malloc`/`free` per call);
//! * `stack`: a `[i64; N]` on the stack, the lower limit;
//! * `bumpalo`: `alloc_slice_fill_copy` then `reset` (bumpalo has no scopes);
//! * `bump_scope`: `Bump::scoped` + `alloc_slice_fill` (bump-scope 2.x);
//! * `dyn_stack`: `MemStack::make_with` on a stack made once (dyn-stack's
//!   scratch frames end with the borrow of the sub-stack).
//!
//! Group `nesting`: three nested scopes, each allocating four 16-element
//! `f64` arrays and combining them (bumper, bump-scope, `Vec`), and the
//! slab-edge loop: a scope entered 1000 times 2 bytes before the end of a
//! slab, each time needing a new slab (Bumper.jl mallocs and frees one on
//! every entry; bumper keeps a spare, bump-scope keeps its chunks).
//!
//! Every variant has the same loop structure (allocate, fill, sum) and hands
//! the temporary to `black_box` between the fill and the sum, so that the
//! optimiser can neither fuse the two loops into a plain sum of `x` nor
//! elide the `Vec`'s heap allocation: the temporary really exists, as it
//! would when passed to a function that is not inlined.
//!
//! Run with `cargo bench --bench scratch`; `BENCH_QUICK=1` shortens every
//! measurement (a smoke run of a few minutes for all benches).

use std::hint::black_box;

use bumper::{AllocBuffer, Buffer, SlabBuffer};
use criterion::measurement::WallTime;
use criterion::{criterion_group, criterion_main, BenchmarkGroup, BenchmarkId, Criterion};
use dyn_stack::{MemBuffer, MemStack, StackReq};

mod quick;
mod seed;
use seed::{bump_scope, bumpalo, bumper_buf, bumper_default, dyn_stack, stack, vec};

/// Sizes of `x`.
const SIZES: [usize; 3] = [3, 30, 1000];

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
    quick::timing(&mut group, 1, 2);

    let slab = SlabBuffer::<1_048_576>::new();
    let fixed = AllocBuffer::with_capacity(8 * SIZES[SIZES.len() - 1] + 64);
    let mut ba = bumpalo::Bump::with_capacity(1 << 20);
    let mut bs = bump_scope::Bump::with_size(1 << 20);
    let mut ds_mem = MemBuffer::new(StackReq::new::<i64>(SIZES[SIZES.len() - 1]));
    let ds = MemStack::new(&mut ds_mem);

    for n in SIZES {
        let x: Vec<i64> = (1..=n as i64).collect();
        let expected: i64 = x.iter().sum::<i64>() + n as i64;
        for (name, got) in [
            ("bumper_default", bumper_default(&x)),
            ("bumper_slab", bumper_buf(&slab, &x)),
            ("bumper_alloc_buffer", bumper_buf(&fixed, &x)),
            ("vec", vec(&x)),
            ("bumpalo", bumpalo(&mut ba, &x)),
            ("bump_scope", bump_scope(&mut bs, &x)),
            ("dyn_stack", dyn_stack(ds, &x)),
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
        group.bench_with_input(BenchmarkId::new("bumpalo", n), &x, |b, x| {
            b.iter(|| bumpalo(&mut ba, black_box(x)))
        });
        group.bench_with_input(BenchmarkId::new("bump_scope", n), &x, |b, x| {
            b.iter(|| bump_scope(&mut bs, black_box(x)))
        });
        group.bench_with_input(BenchmarkId::new("dyn_stack", n), &x, |b, x| {
            b.iter(|| dyn_stack(ds, black_box(x)))
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

/// Elements of each array in the nesting benchmark.
const NEST_LEN: usize = 16;

/// One level's work: four arrays from `x` and the level below's result.
fn level_values(x: &[f64], carry: f64, k: usize) -> impl Fn(usize) -> f64 + '_ {
    move |i| x[i] * (k + 1) as f64 + carry
}

/// Three nested scopes on the default buffer, four arrays each.
fn nested_bumper(x: &[f64]) -> f64 {
    fn level(s: &mut bumper::Scope<'_>, x: &[f64], depth: usize) -> f64 {
        let carry = if depth == 0 {
            0.0
        } else {
            s.no_escape(|t| level(t, x, depth - 1))
        };
        let arrays = [0, 1, 2, 3].map(|k| {
            let f = level_values(x, carry, k);
            s.alloc_with([NEST_LEN], |[i]| f(i))
        });
        arrays
            .iter()
            .map(|a| {
                black_box(a)
                    .as_slice()
                    .expect("contiguous")
                    .iter()
                    .sum::<f64>()
            })
            .sum()
    }
    bumper::no_escape(|s| level(s, x, 2))
}

/// Three nested bump-scope scopes, four slices each.
fn nested_bump_scope(bump: &mut bump_scope::Bump, x: &[f64]) -> f64 {
    fn level(b: &mut bump_scope::BumpScope<'_>, x: &[f64], depth: usize) -> f64 {
        let carry = if depth == 0 {
            0.0
        } else {
            b.scoped(|inner| level(inner, x, depth - 1))
        };
        let arrays = [0, 1, 2, 3].map(|k| {
            let f = level_values(x, carry, k);
            let mut i = 0;
            b.alloc_slice_fill_with(NEST_LEN, || {
                i += 1;
                f(i - 1)
            })
        });
        arrays
            .iter()
            .map(|a| black_box(&**a).iter().sum::<f64>())
            .sum()
    }
    bump.scoped(|b| level(b, x, 2))
}

/// Three levels with `Vec` temporaries.
fn nested_vec(x: &[f64]) -> f64 {
    fn level(x: &[f64], depth: usize) -> f64 {
        let carry = if depth == 0 { 0.0 } else { level(x, depth - 1) };
        let arrays = [0, 1, 2, 3].map(|k| {
            let f = level_values(x, carry, k);
            (0..NEST_LEN).map(f).collect::<Vec<f64>>()
        });
        arrays
            .iter()
            .map(|a| black_box(a).iter().sum::<f64>())
            .sum()
    }
    level(x, 2)
}

/// Bytes left free at the end of the slab in the slab-edge loop.
const EDGE_GAP: usize = 2;
/// Slab size of the slab-edge loop.
const EDGE_SLAB: usize = 4096;

/// 1000 scopes entered `EDGE_GAP` bytes before the end of a slab, each
/// allocating 16 bytes (so each needs the next slab).
fn slab_edge_bumper(buf: &SlabBuffer<EDGE_SLAB>) -> usize {
    buf.no_escape(|s| {
        let _fill = s.alloc_ptr(EDGE_SLAB - EDGE_GAP, 1);
        let mut total = 0;
        for _ in 0..1000 {
            total += s.no_escape(|t| black_box(t.alloc_ptr(16, 8)).as_ptr().addr() & 1);
        }
        total
    })
}

/// The same on bump-scope with a first chunk of the same size.
fn slab_edge_bump_scope(bump: &mut bump_scope::Bump) -> usize {
    bump.scoped(|b| {
        let gap = b.stats().current_chunk().expect("a chunk").remaining() - EDGE_GAP;
        let _fill = b.alloc_uninit_slice::<u8>(gap);
        let mut total = 0;
        for _ in 0..1000 {
            total += b.scoped(|t| black_box(t.alloc_uninit_slice::<u64>(2)).as_ptr().addr() & 1);
        }
        total
    })
}

fn nesting(c: &mut Criterion) {
    let mut group = c.benchmark_group("nesting");
    quick::timing(&mut group, 1, 2);
    let x: Vec<f64> = (0..NEST_LEN).map(|i| i as f64 * 0.5).collect();
    let mut bs = bump_scope::Bump::with_size(1 << 20);
    let expected = nested_vec(&x);
    assert_eq!(nested_bumper(&x), expected, "bumper nesting result");
    assert_eq!(
        nested_bump_scope(&mut bs, &x),
        expected,
        "bump-scope nesting result"
    );
    group.bench_function("three_levels/bumper_default", |b| {
        b.iter(|| nested_bumper(black_box(&x)))
    });
    group.bench_function("three_levels/bump_scope", |b| {
        b.iter(|| nested_bump_scope(&mut bs, black_box(&x)))
    });
    group.bench_function("three_levels/vec", |b| b.iter(|| nested_vec(black_box(&x))));

    let edge = SlabBuffer::<EDGE_SLAB>::new();
    let mut edge_bs = bump_scope::Bump::with_size(EDGE_SLAB);
    assert_eq!(slab_edge_bumper(&edge), 0);
    assert_eq!(slab_edge_bump_scope(&mut edge_bs), 0);
    group.bench_function("slab_edge_1000/bumper", |b| {
        b.iter(|| slab_edge_bumper(black_box(&edge)))
    });
    group.bench_function("slab_edge_1000/bump_scope", |b| {
        b.iter(|| slab_edge_bump_scope(&mut edge_bs))
    });
    group.finish();
}

criterion_group!(benches, seed, nesting);
criterion_main!(benches);
