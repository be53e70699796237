//! Batched least squares on rayon workers, each item with its own scratch.
//!
//! `cargo run --release --example rayon_workers`
//!
//! 20,000 small problems `min |A x - b|` (A is 48x8): for each, build A and
//! b, form the normal equations G = A^T A and h = A^T b, factor G = L L^T
//! (Cholesky), solve, and measure the residual. Every temporary (A, b, G, h,
//! L, x, r) comes from the worker's default buffer in a per-item scope. For
//! comparison the same kernel runs on `Vec` temporaries (wrapped with
//! `PtrArray::from_slice_mut`), and a version written for `Vec`s indexes by
//! hand; all three must give bit-identical results. At the end, every worker's buffer statistics show
//! that scratch memory stayed bounded (one slab each) and was all given back.

use std::time::Instant;

use bumper::{PtrArray, Scope};
use rayon::prelude::*;

const M: usize = 48;
const N: usize = 8;
const ITEMS: usize = 20_000;

/// The data of problem `k` (deterministic, well conditioned).
fn a_entry(k: usize, i: usize, j: usize) -> f64 {
    let x = (i as f64 + 1.0) / M as f64;
    x.powi(j as i32) + 0.01 * (((k * 7 + i * 13 + j * 3) % 17) as f64 - 8.0)
}

fn b_entry(k: usize, i: usize) -> f64 {
    ((k + i) % 11) as f64 / 11.0
}

/// The temporaries of one problem: A, b, G, h, L, x and r.
struct Work<'a> {
    a: PtrArray<'a, f64, 2>,
    b: PtrArray<'a, f64, 1>,
    g: PtrArray<'a, f64, 2>,
    h: PtrArray<'a, f64, 1>,
    l: PtrArray<'a, f64, 2>,
    x: PtrArray<'a, f64, 1>,
    r: PtrArray<'a, f64, 1>,
}

/// Solves problem `k` in the temporaries `w`, wherever they live; returns
/// the residual norm and x[0].
fn solve(k: usize, w: Work<'_>) -> (f64, f64) {
    let Work {
        mut a,
        mut b,
        mut g,
        mut h,
        mut l,
        mut x,
        mut r,
    } = w;
    for i in 0..M {
        for j in 0..N {
            a[[i, j]] = a_entry(k, i, j);
        }
        b[[i]] = b_entry(k, i);
    }
    for p in 0..N {
        for q in 0..=p {
            let v = (0..M).map(|i| a[[i, p]] * a[[i, q]]).sum::<f64>();
            g[[p, q]] = v;
            g[[q, p]] = v;
        }
        h[[p]] = (0..M).map(|i| a[[i, p]] * b[[i]]).sum::<f64>();
    }
    cholesky(&g, &mut l);
    // L z = h (z stored in x), then L^T x = z.
    for p in 0..N {
        x[[p]] = (h[[p]] - (0..p).map(|q| l[[p, q]] * x[[q]]).sum::<f64>()) / l[[p, p]];
    }
    for p in (0..N).rev() {
        x[[p]] = (x[[p]] - (p + 1..N).map(|q| l[[q, p]] * x[[q]]).sum::<f64>()) / l[[p, p]];
    }
    for i in 0..M {
        r[[i]] = b[[i]] - (0..N).map(|j| a[[i, j]] * x[[j]]).sum::<f64>();
    }
    (r.iter().map(|v| v * v).sum::<f64>().sqrt(), x[[0]])
}

/// G = L L^T, written into `l` (lower triangle).
fn cholesky(g: &PtrArray<'_, f64, 2>, l: &mut PtrArray<'_, f64, 2>) {
    for p in 0..N {
        for q in 0..=p {
            let dot = (0..q).map(|t| l[[p, t]] * l[[q, t]]).sum::<f64>();
            l[[p, q]] = if p == q {
                (g[[p, p]] - dot).sqrt()
            } else {
                (g[[p, q]] - dot) / l[[q, q]]
            };
        }
    }
}

/// Problem `k` with its temporaries from the scope `s`.
fn solve_scratch(s: &Scope<'_>, k: usize) -> (f64, f64) {
    solve(
        k,
        Work {
            a: s.alloc([M, N]),
            b: s.alloc([M]),
            g: s.alloc([N, N]),
            h: s.alloc([N]),
            l: s.alloc([N, N]),
            x: s.alloc([N]),
            r: s.alloc([M]),
        },
    )
}

/// Problem `k` with its temporaries in `Vec`s (seven heap allocations),
/// wrapped as arrays for the same kernel.
fn solve_vec_same_kernel(k: usize) -> (f64, f64) {
    let (mut a, mut b, mut g, mut h) = (
        vec![0.0; M * N],
        vec![0.0; M],
        vec![0.0; N * N],
        vec![0.0; N],
    );
    let (mut l, mut x, mut r) = (vec![0.0; N * N], vec![0.0; N], vec![0.0; M]);
    let work = Work {
        a: PtrArray::from_slice_mut([M, N], &mut a).expect("sized"),
        b: PtrArray::from_slice_mut([M], &mut b).expect("sized"),
        g: PtrArray::from_slice_mut([N, N], &mut g).expect("sized"),
        h: PtrArray::from_slice_mut([N], &mut h).expect("sized"),
        l: PtrArray::from_slice_mut([N, N], &mut l).expect("sized"),
        x: PtrArray::from_slice_mut([N], &mut x).expect("sized"),
        r: PtrArray::from_slice_mut([M], &mut r).expect("sized"),
    };
    solve(k, work)
}

/// The same computation written for `Vec`s: row-major indices by hand
/// (`a[i * N + j]`), one bounds check per access instead of one per axis.
// Heap temporaries are the point of this version, even where the size is a
// constant: it is how the code looks when the sizes come from the data.
#[allow(clippy::useless_vec)]
fn solve_vec(k: usize) -> (f64, f64) {
    let a: Vec<f64> = (0..M * N).map(|t| a_entry(k, t / N, t % N)).collect();
    let b: Vec<f64> = (0..M).map(|i| b_entry(k, i)).collect();
    let mut g = vec![0.0; N * N];
    let mut h = vec![0.0; N];
    for p in 0..N {
        for q in 0..=p {
            let v = (0..M).map(|i| a[i * N + p] * a[i * N + q]).sum::<f64>();
            g[p * N + q] = v;
            g[q * N + p] = v;
        }
        h[p] = (0..M).map(|i| a[i * N + p] * b[i]).sum::<f64>();
    }
    let mut l = vec![0.0; N * N];
    for p in 0..N {
        for q in 0..=p {
            let dot = (0..q).map(|t| l[p * N + t] * l[q * N + t]).sum::<f64>();
            l[p * N + q] = if p == q {
                (g[p * N + p] - dot).sqrt()
            } else {
                (g[p * N + q] - dot) / l[q * N + q]
            };
        }
    }
    let mut x = vec![0.0; N];
    for p in 0..N {
        x[p] = (h[p] - (0..p).map(|q| l[p * N + q] * x[q]).sum::<f64>()) / l[p * N + p];
    }
    for p in (0..N).rev() {
        x[p] = (x[p] - (p + 1..N).map(|q| l[q * N + p] * x[q]).sum::<f64>()) / l[p * N + p];
    }
    let r: Vec<f64> = (0..M)
        .map(|i| b[i] - (0..N).map(|j| a[i * N + j] * x[j]).sum::<f64>())
        .collect();
    (r.iter().map(|v| v * v).sum::<f64>().sqrt(), x[0])
}

/// Rounds of the timing; the versions alternate, and each reports its median.
const ROUNDS: usize = 7;

/// One timed pass over all items: the results and the seconds it took.
fn pass(f: &(impl Fn(usize) -> (f64, f64) + Sync)) -> (Vec<(f64, f64)>, f64) {
    let start = Instant::now();
    let out: Vec<(f64, f64)> = (0..ITEMS).into_par_iter().map(f).collect();
    (out, start.elapsed().as_secs_f64())
}

/// The median of `times` (sorted in place).
fn median(times: &mut [f64]) -> f64 {
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn report(label: &str, secs: f64) {
    println!(
        "{label:<22} {ITEMS} problems in {:7.2} ms ({:6.2} us per problem per thread), median of {ROUNDS}",
        secs * 1e3,
        secs * 1e6 * rayon::current_num_threads() as f64 / ITEMS as f64
    );
}

fn main() {
    println!(
        "batched least squares, {ITEMS} problems of {M}x{N}, {} rayon threads\n",
        rayon::current_num_threads()
    );
    let scratch_fn = |k| bumper::no_escape(|s| solve_scratch(s, k));
    // One untimed pass of each warms up the workers (thread start, first
    // slab, malloc's caches); then the versions alternate, so that a slow
    // moment of the shared machine hits all of them.
    let (scratch, _) = pass(&scratch_fn);
    let (same, _) = pass(&solve_vec_same_kernel);
    let (plain, _) = pass(&solve_vec);
    let mut times = [Vec::new(), Vec::new(), Vec::new()];
    for _ in 0..ROUNDS {
        times[0].push(pass(&scratch_fn).1);
        times[1].push(pass(&solve_vec_same_kernel).1);
        times[2].push(pass(&solve_vec).1);
    }
    let [t_scratch, t_same, t_plain] = times.map(|mut t| median(&mut t));
    report("scratch (bumper)", t_scratch);
    report("Vec + same kernel", t_same);
    report("Vec + hand indexing", t_plain);

    assert_eq!(
        scratch, same,
        "scope and Vec temporaries give bit-identical results"
    );
    assert_eq!(
        scratch, plain,
        "hand-indexed Vecs give bit-identical results"
    );
    let worst = scratch.iter().map(|r| r.0).fold(0.0, f64::max);
    let mean_x0 = scratch.iter().map(|r| r.1).sum::<f64>() / ITEMS as f64;
    println!("\nresults identical; largest residual {worst:.4}, mean x[0] {mean_x0:.6}");
    println!(
        "scratch / (Vec + same kernel): {:.2}   (where the temporaries live: a pointer bump vs 7 malloc/free pairs)",
        t_scratch / t_same
    );
    println!(
        "scratch / (Vec + hand indexing): {:.2}   (also 2-D indexing, one bounds check and stride per axis, vs a[i * N + j])",
        t_scratch / t_plain
    );

    println!("\nper-worker default buffers after the run:");
    for (t, st) in bumper::par::worker_buffer_stats().iter().enumerate() {
        println!(
            "  worker {t}: {} bytes in use, high-water {} bytes, {} slab(s) held ({} KiB reserved)",
            st.used_bytes,
            st.high_water_bytes,
            st.slabs,
            st.reserved_bytes / 1024
        );
    }
}
