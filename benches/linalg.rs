//! Matrix products against matrixmultiply 0.3 (`dgemm` / `sgemm`) and faer
//! 0.24 (`matmul` with `Par::Seq`), groups `gemm_f64` and `gemm_f32`:
//! `C = A · B` for square row-major `n × n` matrices (the same memory for
//! all three), single thread. Criterion's throughput is the flop count
//! `2 n³`, so its "elem/s" figure is flop/s.
//!
//! * `bumper/n`: `bumper::linalg::general_mat_mul(1.0, &a, &b, 0.0, &mut c)`,
//!   inside a one-thread rayon pool (so the product does not split);
//! * `matrixmultiply/n`: `matrixmultiply::dgemm` on the same layouts;
//! * `faer/n`: `faer::linalg::matmul::matmul(.., Accum::Replace, .., 1.0,
//!   Par::Seq)` on `MatRef::from_row_major_slice` views of the same data;
//! * group `gemm_par`, `bumper_2threads/1024` and `bumper_1thread/1024`: the
//!   product on a two-thread pool against a one-thread pool.
//!
//! Run with `cargo bench --bench linalg`; `python3 docs/gemm_chart.py >
//! docs/gemm_gflops.svg` draws GFLOP/s against n from the results.

use std::hint::black_box;

use bumper::linalg::general_mat_mul;
use bumper::{Buffer, PtrArray, SlabBuffer};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use faer::linalg::matmul::matmul;
use faer::{Accum, MatMut, MatRef, Par};

mod quick;

const SIZES: &[usize] = &[4, 8, 16, 32, 64, 128, 256, 512, 1024];
const F32_SIZES: &[usize] = &[64, 512];

fn value(i: usize) -> f64 {
    (i.wrapping_mul(2_654_435_761) % 1_000_003) as f64 / 1_000_003.0 - 0.5
}

trait Elem: bumper::linalg::LinalgScalar + faer::traits::ComplexField + Default {
    const NAME: &'static str;
    fn from_f64(x: f64) -> Self;
    fn to_f64(self) -> f64;
    fn one() -> Self;
    fn zero() -> Self;
    /// # Safety
    /// As `matrixmultiply::dgemm` for an `n × n` row-major product.
    unsafe fn mm(n: usize, a: *const Self, b: *const Self, c: *mut Self);
}

impl Elem for f64 {
    const NAME: &'static str = "gemm_f64";
    fn from_f64(x: f64) -> Self {
        x
    }
    fn to_f64(self) -> f64 {
        self
    }
    fn one() -> Self {
        1.0
    }
    fn zero() -> Self {
        0.0
    }
    unsafe fn mm(n: usize, a: *const f64, b: *const f64, c: *mut f64) {
        let s = n as isize;
        // SAFETY: the caller's guarantee.
        unsafe { matrixmultiply::dgemm(n, n, n, 1.0, a, s, 1, b, s, 1, 0.0, c, s, 1) }
    }
}

impl Elem for f32 {
    const NAME: &'static str = "gemm_f32";
    fn from_f64(x: f64) -> Self {
        x as f32
    }
    fn to_f64(self) -> f64 {
        self as f64
    }
    fn one() -> Self {
        1.0
    }
    fn zero() -> Self {
        0.0
    }
    unsafe fn mm(n: usize, a: *const f32, b: *const f32, c: *mut f32) {
        let s = n as isize;
        // SAFETY: the caller's guarantee.
        unsafe { matrixmultiply::sgemm(n, n, n, 1.0, a, s, 1, b, s, 1, 0.0, c, s, 1) }
    }
}

fn group<T: Elem>(c: &mut Criterion, sizes: &[usize]) {
    let buf = SlabBuffer::<{ 1 << 20 }>::new();
    let mut g = c.benchmark_group(T::NAME);
    for &n in sizes {
        let (warm, measure) = if n >= 512 { (1, 4) } else { (1, 2) };
        quick::timing(&mut g, warm, measure);
        if n >= 512 {
            g.sample_size(10);
        } else {
            g.sample_size(50);
        }
        g.throughput(Throughput::Elements(2 * (n * n * n) as u64));
        let av: Vec<T> = (0..n * n).map(|i| T::from_f64(value(i))).collect();
        let bv: Vec<T> = (0..n * n).map(|i| T::from_f64(value(i + 7))).collect();
        let a = buf.alloc_from_slice([n, n], &av);
        let b = buf.alloc_from_slice([n, n], &bv);
        let mut cb: PtrArray<'_, T, 2> = buf.alloc([n, n]);
        g.bench_function(BenchmarkId::new("bumper", n), |bch| {
            bch.iter(|| general_mat_mul(T::one(), black_box(&a), black_box(&b), T::zero(), &mut cb))
        });
        let mut cm = vec![T::zero(); n * n];
        g.bench_function(BenchmarkId::new("matrixmultiply", n), |bch| {
            bch.iter(|| {
                // SAFETY: three n × n row-major matrices.
                unsafe {
                    T::mm(
                        n,
                        black_box(av.as_ptr()),
                        black_box(bv.as_ptr()),
                        cm.as_mut_ptr(),
                    )
                }
            })
        });
        let mut cf = vec![T::zero(); n * n];
        g.bench_function(BenchmarkId::new("faer", n), |bch| {
            bch.iter(|| {
                let fa = MatRef::from_row_major_slice(black_box(&av), n, n);
                let fb = MatRef::from_row_major_slice(black_box(&bv), n, n);
                let fc = MatMut::from_row_major_slice_mut(&mut cf, n, n);
                matmul(fc, Accum::Replace, fa, fb, T::one(), Par::Seq)
            })
        });
        // The three agree (to rounding).
        let got = cb.to_vec();
        for i in 0..n * n {
            let (x, y, z) = (got[i].to_f64(), cm[i].to_f64(), cf[i].to_f64());
            let tol = 1e-4 * n as f64;
            assert!(
                (x - y).abs() <= tol && (x - z).abs() <= tol,
                "{} n = {n}: results differ at {i}",
                T::NAME
            );
        }
    }
    g.finish();
}

fn gemm(c: &mut Criterion) {
    group::<f64>(c, SIZES);
    group::<f32>(c, F32_SIZES);
}

fn gemm_par(c: &mut Criterion) {
    let n = 1024;
    let buf = SlabBuffer::<{ 1 << 20 }>::new();
    let a = buf.alloc_with([n, n], |[i, j]| value(i * n + j));
    let b = buf.alloc_with([n, n], |[i, j]| value(i * n + j + 7));
    let mut cb = buf.alloc::<f64, 2>([n, n]);
    let mut g = c.benchmark_group("gemm_par");
    quick::timing(&mut g, 1, 5);
    g.sample_size(10);
    g.throughput(Throughput::Elements(2 * (n * n * n) as u64));
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let name = if threads == 1 {
            "bumper_1thread"
        } else {
            "bumper_2threads"
        };
        g.bench_function(BenchmarkId::new(name, n), |bch| {
            bch.iter(|| {
                pool.install(|| general_mat_mul(1.0, black_box(&a), black_box(&b), 0.0, &mut cb))
            })
        });
    }
    g.finish();
}

fn main_single(c: &mut Criterion) {
    // bumper splits large products over rayon's global pool; the
    // single-thread figures run with a one-thread global pool.
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build_global();
    gemm(c);
}

criterion_group!(benches, main_single, gemm_par);
criterion_main!(benches);
