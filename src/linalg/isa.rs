//! One instantiation of the [`kernel`](super::kernel) functions per element
//! type and instruction set, and the run-time choice between them.
//!
//! Each instantiation is a module holding a [`Kernel`] table whose functions
//! are compiled with `#[target_feature]` for their instruction set (none for
//! the portable ones, which use what the target always has: SSE2 on x86-64,
//! NEON on aarch64). The crate is never compiled for the build machine's
//! CPU: [`Scalar::kernel`](super::private::Scalar::kernel) asks the running
//! CPU (`is_x86_feature_detected!`) on every call, which is a load and a bit
//! test once the standard library has cached the answer.

use super::kernel::{self, Blocks, Gemm, Gemv};

/// A product implementation: register tile, cache blocks and the three
/// entry points, all for one element type and instruction set.
pub(crate) struct Kernel<T> {
    /// For tests and benchmarks: `"avx512"`, `"avx2+fma"`, `"portable"`.
    pub name: &'static str,
    /// Register tile of the blocked product: rows.
    pub mr: usize,
    /// Register tile of the blocked product: columns.
    pub nr: usize,
    pub blocks: Blocks,
    /// Products whose three dimensions are all at most this take the direct
    /// path, without packing.
    pub small_max: usize,
    /// The same for products whose A has contiguous columns (the direct
    /// path then reads them as vectors, and runs as fast as the blocked one
    /// while B fits in L2).
    pub direct_max: usize,
    /// [`kernel::blocked`].
    pub blocked: unsafe fn(&Gemm<T>, &Blocks, *mut T, *mut T),
    /// [`kernel::small`], with the tile height picked from `m`.
    pub small: unsafe fn(&Gemm<T>),
    /// [`kernel::gemv`].
    pub gemv: unsafe fn(&Gemv<T>),
}

/// Blocks used under Miri: tiny, so that small test matrices still cross
/// every block boundary.
const MIRI_BLOCKS: Blocks = Blocks {
    kc: 3,
    mc: 5,
    nc: 7,
};

macro_rules! kernel {
    (
        $m:ident: $t:ty, $name:literal, [$($feat:literal),*],
        tile $mr:literal x $nr:literal, small [$w1:literal, $w2:literal, $w3:literal x $nb:literal],
        lanes $l:literal, fused $fused:literal, blocks ($kc:literal, $mc:literal, $nc:literal)
    ) => {
        pub(crate) mod $m {
            use super::*;

            $(#[target_feature(enable = $feat)])*
            unsafe fn blocked(g: &Gemm<$t>, bl: &Blocks, pa: *mut $t, pb: *mut $t) {
                // SAFETY: forwarded from the caller; `KERNEL` below is only
                // handed out on CPUs that have this function's features.
                unsafe { kernel::blocked::<$t, $mr, $nr, $fused>(g, bl, pa, pb) }
            }

            $(#[target_feature(enable = $feat)])*
            unsafe fn small(g: &Gemm<$t>) {
                // Whole tiles of the widest height, then at most one of each
                // narrower height, then a partial narrow one: every tile but
                // the last reads whole columns of A when they are contiguous.
                let mut i0 = 0;
                while i0 < g.m {
                    let left = g.m - i0;
                    // SAFETY: as for `blocked`; the rows are i0..i0 + n <= m.
                    let n = unsafe {
                        if left >= $w3 {
                            let n = left / $w3 * $w3;
                            kernel::small::<$t, $w3, $nb, $fused>(g, i0, n);
                            n
                        } else if left >= $w2 {
                            kernel::small::<$t, $w2, 4, $fused>(g, i0, $w2);
                            $w2
                        } else {
                            let n = left.min($w1);
                            kernel::small::<$t, $w1, 4, $fused>(g, i0, n);
                            n
                        }
                    };
                    i0 += n;
                }
            }

            $(#[target_feature(enable = $feat)])*
            unsafe fn gemv(g: &Gemv<$t>) {
                // SAFETY: as for `blocked`.
                unsafe { kernel::gemv::<$t, $l, $fused>(g) }
            }

            pub(crate) static KERNEL: Kernel<$t> = Kernel {
                name: $name,
                mr: $mr,
                nr: $nr,
                blocks: if cfg!(miri) {
                    MIRI_BLOCKS
                } else {
                    Blocks { kc: $kc, mc: $mc, nc: $nc }
                },
                small_max: if cfg!(miri) { 3 } else { 64 },
                direct_max: if cfg!(miri) { 3 } else { 256 },
                blocked,
                small,
                gemv,
            };
        }
    };
}

// Portable kernels: plain Rust, vectorised for the target's baseline.
#[cfg(not(target_arch = "aarch64"))]
kernel!(f64_portable: f64, "portable", [], tile 4 x 4, small [2, 4, 4 x 4],
    lanes 8, fused false, blocks (256, 128, 256));
#[cfg(not(target_arch = "aarch64"))]
kernel!(f32_portable: f32, "portable", [], tile 8 x 4, small [4, 4, 8 x 4],
    lanes 16, fused false, blocks (512, 128, 512));
// aarch64 always has NEON (2 f64 or 4 f32 lanes, 32 registers) and fused
// multiply-add.
#[cfg(target_arch = "aarch64")]
kernel!(f64_portable: f64, "neon", [], tile 8 x 6, small [2, 4, 8 x 4],
    lanes 8, fused true, blocks (256, 128, 240));
#[cfg(target_arch = "aarch64")]
kernel!(f32_portable: f32, "neon", [], tile 32 x 6, small [4, 8, 16 x 4],
    lanes 16, fused true, blocks (512, 128, 480));

kernel!(i32_portable: i32, "portable", [], tile 8 x 4, small [4, 4, 8 x 4],
    lanes 16, fused false, blocks (256, 128, 512));
kernel!(u32_portable: u32, "portable", [], tile 8 x 4, small [4, 4, 8 x 4],
    lanes 16, fused false, blocks (256, 128, 512));
kernel!(i64_portable: i64, "portable", [], tile 4 x 4, small [2, 2, 4 x 4],
    lanes 8, fused false, blocks (256, 128, 256));
kernel!(u64_portable: u64, "portable", [], tile 4 x 4, small [2, 2, 4 x 4],
    lanes 8, fused false, blocks (256, 128, 256));

// x86-64 with AVX2 and FMA: 16 ymm registers, 8 x 6 (f64) or 16 x 6 (f32)
// accumulators in 12 of them.
#[cfg(target_arch = "x86_64")]
kernel!(f64_avx2: f64, "avx2+fma", ["avx2", "fma"], tile 8 x 6, small [4, 4, 8 x 6],
    lanes 16, fused true, blocks (256, 128, 240));
#[cfg(target_arch = "x86_64")]
kernel!(f32_avx2: f32, "avx2+fma", ["avx2", "fma"], tile 16 x 6, small [8, 8, 16 x 6],
    lanes 32, fused true, blocks (512, 96, 192));

// x86-64 with AVX-512F: 32 zmm registers, 16 x 12 (f64) or 32 x 12 (f32)
// accumulators in 24 of them.
#[cfg(target_arch = "x86_64")]
kernel!(f64_avx512: f64, "avx512", ["avx512f", "avx2", "fma"], tile 32 x 6, small [4, 8, 16 x 4],
    lanes 32, fused true, blocks (512, 96, 192));
#[cfg(target_arch = "x86_64")]
kernel!(f32_avx512: f32, "avx512", ["avx512f", "avx2", "fma"], tile 32 x 12, small [8, 16, 32 x 4],
    lanes 64, fused true, blocks (512, 128, 336));

/// Whether the running CPU has AVX-512F, AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[inline]
pub(crate) fn has_avx512() -> bool {
    std::is_x86_feature_detected!("avx512f") && has_avx2_fma()
}

/// Whether the running CPU has AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[inline]
pub(crate) fn has_avx2_fma() -> bool {
    std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma")
}

/// Every kernel for `f64` this CPU can run, best first (tests run each).
#[cfg(test)]
pub(crate) fn f64_kernels() -> Vec<&'static Kernel<f64>> {
    let mut v = Vec::new();
    #[cfg(target_arch = "x86_64")]
    {
        if has_avx512() {
            v.push(&f64_avx512::KERNEL);
        }
        if has_avx2_fma() {
            v.push(&f64_avx2::KERNEL);
        }
    }
    v.push(&f64_portable::KERNEL);
    v
}

/// Every kernel for `f32` this CPU can run, best first.
#[cfg(test)]
pub(crate) fn f32_kernels() -> Vec<&'static Kernel<f32>> {
    let mut v = Vec::new();
    #[cfg(target_arch = "x86_64")]
    {
        if has_avx512() {
            v.push(&f32_avx512::KERNEL);
        }
        if has_avx2_fma() {
            v.push(&f32_avx2::KERNEL);
        }
    }
    v.push(&f32_portable::KERNEL);
    v
}
