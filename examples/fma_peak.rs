//! The core's peak floating-point rate, measured: `cargo run --release
//! --example fma_peak`. BENCHMARKS.md divides the matrix products' GFLOP/s
//! by this figure.
//!
//! * The clock: a chain of dependent integer adds, one per cycle on every
//!   x86-64 core, timed; adds per second is cycles per second.
//! * The peak: 24 (AVX-512) or 12 (AVX2) independent chains of FMAs on
//!   registers, enough to cover the FMA latency on any current core; flops
//!   per second is the peak, and flops per cycle says how many FMA units of
//!   which width the core has (16 = two 256-bit FMA units, f64).
//!
//! x86-64 only; elsewhere it says so and exits.

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::*;
    use std::time::Instant;

    /// Cycles per second, from a chain of dependent adds.
    pub fn clock_hz() -> f64 {
        let iters = 200_000_000_u64;
        let t = Instant::now();
        let mut x: u64 = 1;
        for _ in 0..iters {
            // SAFETY: eight register adds, no memory access.
            unsafe {
                std::arch::asm!(
                    "add {0}, 1", "add {0}, 1", "add {0}, 1", "add {0}, 1",
                    "add {0}, 1", "add {0}, 1", "add {0}, 1", "add {0}, 1",
                    inout(reg) x,
                    options(nomem, nostack),
                );
            }
        }
        std::hint::black_box(x);
        (iters * 8) as f64 / t.elapsed().as_secs_f64()
    }

    /// f64 flops per second with 512-bit FMAs.
    ///
    /// # Safety
    /// The CPU has AVX-512F.
    #[target_feature(enable = "avx512f")]
    pub unsafe fn fma512(iters: u64) -> f64 {
        let mut acc = [_mm512_set1_pd(0.0); 24];
        let (a, b) = (_mm512_set1_pd(1.000_000_1), _mm512_set1_pd(0.999_999_9));
        let t = Instant::now();
        for _ in 0..iters {
            for x in acc.iter_mut() {
                *x = _mm512_fmadd_pd(*x, a, b);
            }
        }
        let dt = t.elapsed().as_secs_f64();
        let sum = acc
            .iter()
            .fold(_mm512_set1_pd(0.0), |s, &x| _mm512_add_pd(s, x));
        std::hint::black_box(_mm512_reduce_add_pd(sum));
        (iters * 24 * 8 * 2) as f64 / dt
    }

    /// f64 flops per second with 256-bit FMAs.
    ///
    /// # Safety
    /// The CPU has AVX2 and FMA.
    #[target_feature(enable = "avx2,fma")]
    pub unsafe fn fma256(iters: u64) -> f64 {
        let mut acc = [_mm256_set1_pd(0.0); 12];
        let (a, b) = (_mm256_set1_pd(1.000_000_1), _mm256_set1_pd(0.999_999_9));
        let t = Instant::now();
        for _ in 0..iters {
            for x in acc.iter_mut() {
                *x = _mm256_fmadd_pd(*x, a, b);
            }
        }
        let dt = t.elapsed().as_secs_f64();
        let mut out = [0.0; 4];
        let sum = acc
            .iter()
            .fold(_mm256_set1_pd(0.0), |s, &x| _mm256_add_pd(s, x));
        // SAFETY: `out` holds four f64.
        unsafe { _mm256_storeu_pd(out.as_mut_ptr(), sum) };
        std::hint::black_box(out);
        (iters * 12 * 4 * 2) as f64 / dt
    }
}

#[cfg(target_arch = "x86_64")]
fn main() {
    println!("f64 peak of one core (best of 3 runs):");
    let (mut hz, mut p512, mut p256) = (0.0_f64, 0.0_f64, 0.0_f64);
    for _ in 0..3 {
        hz = hz.max(x86::clock_hz());
        if std::is_x86_feature_detected!("avx512f") {
            // SAFETY: the CPU has AVX-512F (checked just above).
            p512 = p512.max(unsafe { x86::fma512(50_000_000) });
        }
        if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
            // SAFETY: the CPU has AVX2 and FMA (checked just above).
            p256 = p256.max(unsafe { x86::fma256(50_000_000) });
        }
    }
    println!("  clock                 {:6.2} GHz", hz / 1e9);
    for (name, p) in [("AVX-512 FMA", p512), ("AVX2 FMA", p256)] {
        if p > 0.0 {
            println!(
                "  {name:<12}          {:6.1} GFLOP/s = {:4.1} flop/cycle",
                p / 1e9,
                p / hz
            );
        } else {
            println!("  {name:<12}          not available on this CPU");
        }
    }
    println!(
        "  bumper's f64 kernel:  {}",
        bumper::linalg::kernel_name::<f64>()
    );
}

#[cfg(not(target_arch = "x86_64"))]
fn main() {
    println!("fma_peak measures x86-64 cores only");
}
