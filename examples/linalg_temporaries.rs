//! 10,000 small linear solves, each with eight temporaries: conjugate
//! gradient on the kernel matrices of a local Gaussian-process regression.
//!
//! `cargo run --release --example linalg_temporaries`
//!
//! The problem: noisy samples of `sin(2 pi t)`; at each of 10,000 query
//! points `x`, take the n samples `t_i` in a window around `x` (n varies from
//! 16 to 64 across queries), build the kernel matrix
//! `K_ij = exp(-(t_i - t_j)^2 / (2 l^2)) + noise * I` (symmetric positive
//! definite, smallest eigenvalue at least `noise`), solve `K alpha = y` by
//! conjugate gradient to a relative residual of 1e-10, and predict
//! `f(x) = sum_i k(x, t_i) alpha_i`.
//!
//! Every call needs `t`, `y`, `K`, `alpha`, `r`, `p`, `K p` and `k(x, t)`:
//! eight temporaries whose sizes depend on the data. Three versions:
//!
//! 1. **scope**: the temporaries come from `bumper::no_escape`, the CG
//!    kernel uses the crate's array operations (`dot`, `zip_mut_with`,
//!    `assign`, `norm`).
//! 2. **Vec + same kernel**: the temporaries are `Vec`s, wrapped without
//!    copying (`ArrayView::from_slice`, `PtrArray::from_slice_mut`) and
//!    handed to the *same* CG function. The arithmetic is identical, so the
//!    results must be bit-identical; the times differ only by where the
//!    temporaries live.
//! 3. **Vec + plain loops**: how the code looks without this crate: slices
//!    and a sequential `dot`. Its sums add in a different order (the crate
//!    sums pairwise, in independent lanes), so CG takes a slightly different
//!    path; results are checked against a bound derived from both residuals.
//!
//! A counting global allocator shows the heap traffic of each version, and
//! the default buffer's statistics show that all scratch memory was given
//! back.

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use bumper::{ArrayView, PtrArray};

const QUERIES: usize = 10_000;
/// Kernel length scale.
const LENGTH: f64 = 0.1;
/// Ridge on the diagonal of K: a lower bound on its smallest eigenvalue.
const NOISE: f64 = 0.05;
/// CG stops when `|r| <= RTOL * |y|`.
const RTOL: f64 = 1e-10;
/// Timed repetitions of each version (the median is reported).
const REPS: usize = 3;

// ---- the data (deterministic, no RNG crate) ---------------------------------

/// Number of samples for query `q`: 16..=64.
fn size(q: usize) -> usize {
    16 + (q * 37) % 49
}

fn query(q: usize) -> f64 {
    (q as f64 + 0.5) / QUERIES as f64
}

/// A hash of `(q, i)` mapped to [-0.5, 0.5).
fn jitter(q: usize, i: usize) -> f64 {
    let mut h = (q as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ (i as u64).wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
    h ^= h >> 29;
    h = h.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    h ^= h >> 32;
    (h >> 11) as f64 / (1u64 << 53) as f64 - 0.5
}

fn truth(t: f64) -> f64 {
    (2.0 * std::f64::consts::PI * t).sin()
}

/// Sample position `i` of query `q`: n points spread over a window of
/// width 0.5 around the query, each moved by up to 0.2 of the spacing.
fn sample_t(q: usize, i: usize) -> f64 {
    let n = size(q) as f64;
    query(q) - 0.25 + 0.5 * (i as f64 + 0.5 + 0.4 * jitter(q, i)) / n
}

/// The noisy observation at sample `i` of query `q`.
fn sample_y(q: usize, i: usize) -> f64 {
    truth(sample_t(q, i)) + 0.05 * jitter(q, i + 1000)
}

fn kernel(a: f64, b: f64) -> f64 {
    let d = a - b;
    (-d * d / (2.0 * LENGTH * LENGTH)).exp()
}

/// Entry `(i, j)` of K, given the sample positions `t`.
fn k_entry(t: impl Fn(usize) -> f64, i: usize, j: usize) -> f64 {
    kernel(t(i), t(j)) + if i == j { NOISE } else { 0.0 }
}

/// What one solve produces.
#[derive(Debug, Clone, Copy)]
struct Outcome {
    prediction: f64,
    iterations: usize,
    /// `|y - K alpha| / |y|`, recomputed from scratch after CG.
    rel_residual: f64,
    y_norm: f64,
    k_star_norm: f64,
}

impl Outcome {
    fn bits(&self) -> [u64; 5] {
        [
            self.prediction.to_bits(),
            self.iterations as u64,
            self.rel_residual.to_bits(),
            self.y_norm.to_bits(),
            self.k_star_norm.to_bits(),
        ]
    }
}

// ---- the CG kernel on arrays (versions 1 and 2) ------------------------------

/// `out = a x` for a square `a`.
fn matvec(a: ArrayView<'_, f64, 2>, x: ArrayView<'_, f64, 1>, out: &mut PtrArray<'_, f64, 1>) {
    for (i, o) in out.iter_mut().enumerate() {
        *o = a.index_axis::<1>(0, i).dot(x);
    }
}

/// Solves `k x = b` by conjugate gradient; `r`, `p`, `kp` are workspace of
/// the same length as `b`. Returns the number of iterations.
fn cg(
    k: ArrayView<'_, f64, 2>,
    b: ArrayView<'_, f64, 1>,
    x: &mut PtrArray<'_, f64, 1>,
    r: &mut PtrArray<'_, f64, 1>,
    p: &mut PtrArray<'_, f64, 1>,
    kp: &mut PtrArray<'_, f64, 1>,
) -> usize {
    x.fill(0.0);
    r.assign(b);
    p.assign(b);
    let mut rr = r.dot(r.view());
    let stop = RTOL * RTOL * rr;
    let max_iter = 10 * b.len();
    for it in 0..max_iter {
        if rr <= stop {
            return it;
        }
        matvec(k, p.view(), kp);
        let alpha = rr / p.dot(kp.view());
        x.zip_mut_with(p.view(), |xi, pi| *xi += alpha * pi);
        r.zip_mut_with(kp.view(), |ri, kpi| *ri -= alpha * kpi);
        let rr_new = r.dot(r.view());
        let beta = rr_new / rr;
        p.zip_mut_with(r.view(), |pi, ri| *pi = ri + beta * *pi);
        rr = rr_new;
    }
    panic!("CG did not converge in {max_iter} iterations");
}

/// Prediction and checks, given the assembled problem and CG's workspace.
/// `kp` and `r` are reused to recompute the residual from scratch.
fn finish(
    k: ArrayView<'_, f64, 2>,
    y: ArrayView<'_, f64, 1>,
    k_star: ArrayView<'_, f64, 1>,
    alpha: ArrayView<'_, f64, 1>,
    r: &mut PtrArray<'_, f64, 1>,
    kp: &mut PtrArray<'_, f64, 1>,
    iterations: usize,
) -> Outcome {
    matvec(k, alpha, kp);
    r.assign(y);
    *r -= &*kp;
    Outcome {
        prediction: k_star.dot(alpha),
        iterations,
        rel_residual: r.norm() / y.norm(),
        y_norm: y.norm(),
        k_star_norm: k_star.norm(),
    }
}

// ---- version 1: temporaries in a scope ----------------------------------------

fn solve_scope(q: usize) -> Outcome {
    let n = size(q);
    bumper::no_escape(|s| {
        let t = s.alloc_with([n], |[i]| sample_t(q, i));
        let y = s.alloc_with([n], |[i]| sample_y(q, i));
        let k = s.alloc_with([n, n], |[i, j]| k_entry(|m| t[[m]], i, j));
        let k_star = s.alloc_with([n], |[i]| kernel(query(q), t[[i]]));
        let mut alpha = s.alloc::<f64, 1>([n]);
        let mut r = s.alloc::<f64, 1>([n]);
        let mut p = s.alloc::<f64, 1>([n]);
        let mut kp = s.alloc::<f64, 1>([n]);
        let its = cg(k.view(), y.view(), &mut alpha, &mut r, &mut p, &mut kp);
        finish(
            k.view(),
            y.view(),
            k_star.view(),
            alpha.view(),
            &mut r,
            &mut kp,
            its,
        )
    }) // all eight temporaries are freed here, in one store
}

// ---- version 2: Vec temporaries, the same kernel --------------------------------

/// K in a `Vec`, row-major, visiting entries in the order `alloc_with` does.
fn assemble_k(t: &[f64]) -> Vec<f64> {
    let n = t.len();
    let mut k = Vec::with_capacity(n * n);
    for i in 0..n {
        for j in 0..n {
            k.push(k_entry(|m| t[m], i, j));
        }
    }
    k
}

fn solve_vec_same_kernel(q: usize) -> Outcome {
    let n = size(q);
    let t: Vec<f64> = (0..n).map(|i| sample_t(q, i)).collect();
    let y: Vec<f64> = (0..n).map(|i| sample_y(q, i)).collect();
    let k = assemble_k(&t);
    let k_star: Vec<f64> = (0..n).map(|i| kernel(query(q), t[i])).collect();
    let (mut alpha, mut r, mut p, mut kp) =
        (vec![0.0; n], vec![0.0; n], vec![0.0; n], vec![0.0; n]);

    let k = ArrayView::from_slice([n, n], &k).unwrap();
    let y = ArrayView::from_slice([n], &y).unwrap();
    let k_star = ArrayView::from_slice([n], &k_star).unwrap();
    let mut alpha = PtrArray::from_slice_mut([n], &mut alpha).unwrap();
    let mut r = PtrArray::from_slice_mut([n], &mut r).unwrap();
    let mut p = PtrArray::from_slice_mut([n], &mut p).unwrap();
    let mut kp = PtrArray::from_slice_mut([n], &mut kp).unwrap();
    let its = cg(k, y, &mut alpha, &mut r, &mut p, &mut kp);
    finish(k, y, k_star, alpha.view(), &mut r, &mut kp, its)
}

// ---- version 3: Vec temporaries, plain loops -------------------------------------

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn matvec_slices(a: &[f64], x: &[f64], out: &mut [f64]) {
    let n = x.len();
    for (i, o) in out.iter_mut().enumerate() {
        *o = dot(&a[i * n..(i + 1) * n], x);
    }
}

fn solve_vec_loops(q: usize) -> Outcome {
    let n = size(q);
    let t: Vec<f64> = (0..n).map(|i| sample_t(q, i)).collect();
    let y: Vec<f64> = (0..n).map(|i| sample_y(q, i)).collect();
    let k = assemble_k(&t);
    let k_star: Vec<f64> = (0..n).map(|i| kernel(query(q), t[i])).collect();
    let mut alpha = vec![0.0; n];
    let mut r = y.clone();
    let mut p = y.clone();
    let mut kp = vec![0.0; n];

    let mut rr = dot(&r, &r);
    let stop = RTOL * RTOL * rr;
    let max_iter = 10 * n;
    let mut its = max_iter;
    for it in 0..max_iter {
        if rr <= stop {
            its = it;
            break;
        }
        matvec_slices(&k, &p, &mut kp);
        let a = rr / dot(&p, &kp);
        for i in 0..n {
            alpha[i] += a * p[i];
            r[i] -= a * kp[i];
        }
        let rr_new = dot(&r, &r);
        let beta = rr_new / rr;
        for i in 0..n {
            p[i] = r[i] + beta * p[i];
        }
        rr = rr_new;
    }
    assert!(rr <= stop, "CG did not converge in {max_iter} iterations");

    matvec_slices(&k, &alpha, &mut kp);
    for i in 0..n {
        r[i] = y[i] - kp[i];
    }
    Outcome {
        prediction: dot(&k_star, &alpha),
        iterations: its,
        rel_residual: dot(&r, &r).sqrt() / dot(&y, &y).sqrt(),
        y_norm: dot(&y, &y).sqrt(),
        k_star_norm: dot(&k_star, &k_star).sqrt(),
    }
}

// ---- measuring ------------------------------------------------------------------

/// The system allocator, counting calls to `alloc` (and `realloc`).
struct CountingAlloc;

static HEAP_ALLOCS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards every call to `System` unchanged; only counts.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        HEAP_ALLOCS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller's contract is passed on.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's contract is passed on.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        HEAP_ALLOCS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller's contract is passed on.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: CountingAlloc = CountingAlloc;

/// One of the three versions.
type Solver = fn(usize) -> Outcome;

/// Runs `solve` on every query into `out` (capacity reserved beforehand, so
/// the only heap traffic is the solver's); returns seconds and heap allocations.
fn run(solve: Solver, out: &mut Vec<Outcome>) -> (f64, usize) {
    out.clear();
    let allocs = HEAP_ALLOCS.load(Ordering::Relaxed);
    let start = Instant::now();
    for q in 0..QUERIES {
        out.push(solve(black_box(q)));
    }
    let secs = start.elapsed().as_secs_f64();
    (secs, HEAP_ALLOCS.load(Ordering::Relaxed) - allocs)
}

fn median(xs: &mut [f64]) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn main() {
    let versions: [(&str, Solver); 3] = [
        ("scope (bumper::no_escape)", solve_scope),
        ("Vec + same CG kernel", solve_vec_same_kernel),
        ("Vec + plain loops", solve_vec_loops),
    ];
    println!(
        "local GP regression: {QUERIES} SPD systems K alpha = y, n = 16..64, solved by CG to |r| <= {RTOL:e} |y|"
    );

    // Results, heap allocations and REPS timings per version, interleaved so
    // that drift on a shared machine hits all versions alike. The first run
    // is also the warm-up (the first slab, caches); the median discards it,
    // and the allocation count is the last run's (steady state).
    let mut results: Vec<Vec<Outcome>> = (0..3).map(|_| Vec::with_capacity(QUERIES)).collect();
    let mut allocs = [0usize; 3];
    let mut times: [Vec<f64>; 3] = Default::default();
    for _ in 0..REPS {
        for (v, (_, solve)) in versions.iter().enumerate() {
            let (secs, n) = run(*solve, &mut results[v]);
            times[v].push(secs);
            allocs[v] = n;
        }
    }

    // 1 vs 2: the same arithmetic, so the same bits.
    let (scope, same, loops) = (&results[0], &results[1], &results[2]);
    let identical = scope.iter().zip(same).all(|(a, b)| a.bits() == b.bits());
    assert!(
        identical,
        "scope and Vec versions of the same kernel must agree bit for bit"
    );

    // 1 vs 3: different summation order. Both alphas satisfy
    // |y - K alpha| <= rel_residual * |y|, and K's smallest eigenvalue is at
    // least NOISE, so |alpha_1 - alpha_3| <= (res_1 + res_3) |y| / NOISE and
    // the predictions differ by at most |k*| times that.
    let mut worst_diff = 0.0f64;
    let mut worst_ratio = 0.0f64;
    let mut max_iter_diff = 0usize;
    for (a, b) in scope.iter().zip(loops) {
        let bound = a.k_star_norm * (a.rel_residual + b.rel_residual) * a.y_norm / NOISE;
        let diff = (a.prediction - b.prediction).abs();
        assert!(
            diff <= bound,
            "prediction differs by {diff:e}, more than the bound {bound:e}"
        );
        worst_diff = worst_diff.max(diff);
        worst_ratio = worst_ratio.max(diff / bound);
        max_iter_diff = max_iter_diff.max(a.iterations.abs_diff(b.iterations));
    }

    let its: Vec<usize> = scope.iter().map(|o| o.iterations).collect();
    let worst_res = scope.iter().map(|o| o.rel_residual).fold(0.0, f64::max);
    let worst_err = scope
        .iter()
        .enumerate()
        .map(|(q, o)| (o.prediction - truth(query(q))).abs())
        .fold(0.0, f64::max);
    println!(
        "CG iterations per system: {}..{} (mean {:.1}); largest |y - K alpha| / |y| = {worst_res:.1e}",
        its.iter().min().unwrap(),
        its.iter().max().unwrap(),
        its.iter().sum::<usize>() as f64 / QUERIES as f64
    );
    println!("largest |prediction - sin(2 pi x)| over the queries: {worst_err:.4} (the samples carry noise of +-0.025)");
    println!();
    println!("scope vs Vec + same kernel: all {QUERIES} outcomes bit-identical");
    println!(
        "scope vs Vec + plain loops: predictions differ by at most {worst_diff:.1e} \
         ({:.1}% of the bound from the residuals); iteration counts by at most {max_iter_diff}",
        100.0 * worst_ratio
    );

    println!("\ntimes for all {QUERIES} solves, median of {REPS} runs:");
    let medians: Vec<f64> = times.iter_mut().map(|t| median(t)).collect();
    for (v, (label, _)) in versions.iter().enumerate() {
        println!(
            "  {label:<27} {:7.2} ms  ({:5.2} us per system)  {:6} heap allocations ({:.1} per system)  time / scope = {:.2}",
            medians[v] * 1e3,
            medians[v] * 1e6 / QUERIES as f64,
            allocs[v],
            allocs[v] as f64 / QUERIES as f64,
            medians[v] / medians[0]
        );
    }

    println!(
        "  Run-to-run noise on a shared machine is several percent. Eight malloc/free pairs are"
    );
    println!(
        "  small next to the arithmetic of one solve, so expect close times; the heap allocation"
    );
    println!("  counts are the difference that does not depend on timing.");

    let st = bumper::default_buffer_stats();
    println!(
        "\ndefault buffer afterwards: {} bytes in use, high-water mark {} bytes \
         (the largest system, n = 64: K is 32768 bytes), {} slab(s) of {} KiB held",
        st.used_bytes,
        st.high_water_bytes,
        st.slabs,
        st.slab_size / 1024
    );
    assert_eq!(st.used_bytes, 0);
}
