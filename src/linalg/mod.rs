//! Matrix products on scratch memory: `C = α·A·B + β·C` and `y = α·A·x + β·y`
//! for any strides, with packing buffers from the thread's default buffer.
//!
//! [`general_mat_mul`] is a BLIS-style blocked product: slices of A and B
//! are packed into panels that fit the caches, and a register-blocked
//! micro-kernel multiplies them. The packing buffers come from a scope
//! nested on the current default buffer (see [`no_escape`](crate::no_escape)),
//! so once that buffer has grown to the size a product needs, a product
//! makes no heap allocation at all; matrixmultiply and faer allocate their
//! packing buffers on the heap on every call.
//!
//! * **Kernels**, picked at run time for the CPU the program runs on (the
//!   crate is never compiled for the build machine only): `f64` and `f32`
//!   use AVX-512F kernels (a 16 × 12 / 32 × 12 register tile), else AVX2 +
//!   FMA kernels (8 × 6 / 16 × 6), else a portable kernel (SSE2 on x86-64,
//!   NEON on aarch64). The integer types use the portable, generic kernel;
//!   their arithmetic wraps on overflow, as matrixmultiply's does.
//! * **Small products** (every dimension at most 32) skip packing and read
//!   A and B directly.
//! * **Vectors**: a product with one row or one column of C is a
//!   matrix-vector product ([`general_mat_vec_mul`]).
//! * **Threads** (feature `rayon`): products of at least
//!   [`PAR_MIN_WORK`] multiply-adds are split into blocks of C's rows or
//!   columns run by `rayon::join`; each worker packs into its own default
//!   buffer. Inside a one-thread pool (or with one thread available) they
//!   run serially.
//! * **Layouts**: any strides, negative, zero (broadcast inputs) or
//!   stepped. A C that is row-major is handled as `Cᵀ = Bᵀ·Aᵀ`, so the
//!   kernel always writes columns of C whose elements are adjacent.
//! * **`beta == 0`** ignores C's old contents (NaN included), as BLAS does;
//!   with `alpha == 0` or an empty inner dimension, A and B are not read
//!   and C becomes `β·C`.
//!
//! If the default buffer cannot provide the packing memory (a fixed-size
//! buffer installed with [`with_buffer`](crate::with_buffer) that is full),
//! the product falls back to the direct kernel: slower, never an error.
//!
//! ```
//! use bumper::linalg::general_mat_mul;
//!
//! bumper::no_escape(|s| {
//!     let a = s.alloc_from_slice([2, 3], &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
//!     let b = s.alloc_from_slice([3, 2], &[1.0, 0.0, 0.0, 1.0, 1.0, 1.0]);
//!     let mut c = s.alloc_filled([2, 2], f64::NAN); // beta = 0: NaN is ignored
//!     general_mat_mul(1.0, &a, &b, 0.0, &mut c);
//!     assert_eq!(c.to_vec(), [4.0, 5.0, 10.0, 11.0]);
//!
//!     // The same product into a new array, and with a transposed operand.
//!     assert_eq!(a.matmul_in(&b, s).to_vec(), c.to_vec());
//!     let at = s.alloc_from_slice([3, 2], &[1.0, 4.0, 2.0, 5.0, 3.0, 6.0]);
//!     assert_eq!(at.t().matmul_in(&b, s).to_vec(), c.to_vec());
//! });
//! ```

pub(crate) mod isa;
pub(crate) mod kernel;
#[cfg(test)]
mod tests;

use core::mem::size_of;

use crate::array::ShapeError;
use crate::{ArrayView, PtrArray};
use isa::Kernel;
use kernel::{Gemm, Gemv};

/// The element types of the matrix products: `f32` and `f64` (SIMD
/// kernels), `i32`, `i64`, `u32` and `u64` (the generic kernel, wrapping
/// arithmetic). Sealed: the kernels need to know the type.
///
/// ```
/// fn trace_of_square<T: bumper::linalg::LinalgScalar + std::iter::Sum>(n: usize, v: T) -> T {
///     bumper::no_escape(|s| {
///         let a = s.alloc_filled([n, n], v);
///         let sq = a.matmul_in(&a, s);
///         (0..n).map(|i| sq[[i, i]]).sum()
///     })
/// }
/// assert_eq!(trace_of_square(3, 2_i64), 36);
/// assert_eq!(trace_of_square(3, 0.5_f32), 2.25);
/// ```
pub trait LinalgScalar:
    Copy + PartialEq + core::fmt::Debug + Send + Sync + 'static + private::Scalar
{
}

pub(crate) mod private {
    use super::isa::Kernel;

    /// The arithmetic and the kernel table of a [`LinalgScalar`](super::LinalgScalar).
    /// (Public only in name: this module is private, so the trait and its
    /// crate-private kernel table cannot be named outside the crate.)
    #[allow(private_interfaces)]
    pub trait Scalar: Copy + PartialEq + Send + Sync + 'static {
        const ZERO: Self;
        const ONE: Self;
        fn add(self, other: Self) -> Self;
        fn mul(self, other: Self) -> Self;
        /// `self + a · b`, rounded twice for floats.
        fn madd(self, a: Self, b: Self) -> Self;
        /// `self + a · b`, fused for floats: only called from kernels
        /// compiled with FMA, where it is one instruction.
        fn fmadd(self, a: Self, b: Self) -> Self;
        /// The best kernel the running CPU supports.
        fn kernel() -> &'static Kernel<Self>;
    }
}

macro_rules! float_scalar {
    ($t:ty, $portable:ident $(, $avx2:ident, $avx512:ident)?) => {
        #[allow(private_interfaces)]
        impl private::Scalar for $t {
            const ZERO: Self = 0.0;
            const ONE: Self = 1.0;
            #[inline(always)]
            fn add(self, other: Self) -> Self {
                self + other
            }
            #[inline(always)]
            fn mul(self, other: Self) -> Self {
                self * other
            }
            #[inline(always)]
            fn madd(self, a: Self, b: Self) -> Self {
                self + a * b
            }
            #[inline(always)]
            fn fmadd(self, a: Self, b: Self) -> Self {
                a.mul_add(b, self)
            }
            #[inline]
            fn kernel() -> &'static Kernel<Self> {
                #[cfg(target_arch = "x86_64")]
                {
                    if isa::has_avx512() {
                        return &isa::$($avx512)?::KERNEL;
                    }
                    if isa::has_avx2_fma() {
                        return &isa::$($avx2)?::KERNEL;
                    }
                }
                &isa::$portable::KERNEL
            }
        }
        impl LinalgScalar for $t {}
    };
}

float_scalar!(f64, f64_portable, f64_avx2, f64_avx512);
float_scalar!(f32, f32_portable, f32_avx2, f32_avx512);

macro_rules! int_scalar {
    ($t:ty, $portable:ident) => {
        #[allow(private_interfaces)]
        impl private::Scalar for $t {
            const ZERO: Self = 0;
            const ONE: Self = 1;
            #[inline(always)]
            fn add(self, other: Self) -> Self {
                self.wrapping_add(other)
            }
            #[inline(always)]
            fn mul(self, other: Self) -> Self {
                self.wrapping_mul(other)
            }
            #[inline(always)]
            fn madd(self, a: Self, b: Self) -> Self {
                self.wrapping_add(a.wrapping_mul(b))
            }
            #[inline(always)]
            fn fmadd(self, a: Self, b: Self) -> Self {
                self.madd(a, b)
            }
            #[inline]
            fn kernel() -> &'static Kernel<Self> {
                &isa::$portable::KERNEL
            }
        }
        impl LinalgScalar for $t {}
    };
}

int_scalar!(i32, i32_portable);
int_scalar!(u32, u32_portable);
int_scalar!(i64, i64_portable);
int_scalar!(u64, u64_portable);

/// Products with at least this many multiply-adds (`m · n · k`) are split
/// over rayon's workers (feature `rayon`): 128³. Each piece gets at least
/// this much work too. (8³ under Miri, so that small test products still
/// exercise the split.)
pub const PAR_MIN_WORK: usize = if cfg!(miri) { 512 } else { 1 << 21 };

/// `c = alpha · a · b + beta · c` for an `m × k` matrix `a`, a `k × n`
/// matrix `b` and an `m × n` matrix `c`, all of any strides (see the
/// [module docs](self) for the kernels and the layouts).
///
/// With `beta == 0`, `c`'s old contents are ignored (NaN included). With
/// `alpha == 0` or `k == 0`, `a` and `b` are not read. The packing memory
/// comes from the current default buffer.
///
/// # Panics
/// If the shapes do not fit; the message names all three. See
/// [`try_general_mat_mul`] for the `Result` form.
///
/// ```
/// use bumper::linalg::general_mat_mul;
///
/// bumper::no_escape(|s| {
///     let a = s.alloc_with([3, 2], |[i, j]| (i + j) as f64); // [[0, 1], [1, 2], [2, 3]]
///     let b = s.alloc_from_slice([2, 2], &[1.0, 2.0, 3.0, 4.0]);
///     let mut c = s.alloc_filled([3, 2], 1.0);
///     general_mat_mul(2.0, &a, &b, 1.0, &mut c); // c = 2ab + c
///     assert_eq!(c.to_vec(), [7.0, 9.0, 15.0, 21.0, 23.0, 33.0]);
/// });
/// ```
#[track_caller]
pub fn general_mat_mul<'a, 'b, T: LinalgScalar>(
    alpha: T,
    a: impl Into<ArrayView<'a, T, 2>>,
    b: impl Into<ArrayView<'b, T, 2>>,
    beta: T,
    c: &mut PtrArray<'_, T, 2>,
) {
    if let Err(e) = try_general_mat_mul(alpha, a, b, beta, c) {
        shape_panic(e)
    }
}

/// [`general_mat_mul`], returning an error instead of panicking.
///
/// # Errors
/// [`ShapeError::ProductShapes`] if `a` is `m × k`, `b` is not `k × n` or
/// `c` is not `m × n`.
///
/// ```
/// use bumper::array::ShapeError;
/// use bumper::linalg::try_general_mat_mul;
///
/// bumper::no_escape(|s| {
///     let a = s.alloc::<f32, 2>([2, 3]);
///     let b = s.alloc::<f32, 2>([4, 2]);
///     let mut c = s.alloc::<f32, 2>([2, 2]);
///     let err = try_general_mat_mul(1.0, &a, &b, 0.0, &mut c).unwrap_err();
///     assert_eq!(
///         err,
///         ShapeError::ProductShapes { a: vec![2, 3], b: vec![4, 2], c: vec![2, 2] }
///     );
///     assert_eq!(
///         err.to_string(),
///         "matrix product: a [2, 3] times b [4, 2] into c [2, 2]: \
///          a's columns must equal b's rows, and c must be [a's rows, b's columns]"
///     );
/// });
/// ```
pub fn try_general_mat_mul<'a, 'b, T: LinalgScalar>(
    alpha: T,
    a: impl Into<ArrayView<'a, T, 2>>,
    b: impl Into<ArrayView<'b, T, 2>>,
    beta: T,
    c: &mut PtrArray<'_, T, 2>,
) -> Result<(), ShapeError> {
    let (a, b) = (a.into(), b.into());
    check_product(&a.raw.shape, &b.raw.shape, &c.raw.shape)?;
    let g = Gemm::new(
        alpha,
        &a.raw,
        &b.raw,
        beta,
        c.raw.ptr.as_ptr(),
        c.raw.strides,
    );
    // SAFETY: the shapes fit, so `g` describes the three arrays: `a` and `b`
    // are readable for their lifetimes (which this call is inside), `c` is
    // borrowed uniquely, so it is readable, writable and disjoint from them.
    unsafe { gemm(g) };
    Ok(())
}

/// `y = alpha · a · x + beta · y` for an `m × k` matrix `a`, a vector `x`
/// of `k` and a vector `y` of `m` elements, of any strides.
///
/// With `beta == 0`, `y`'s old contents are ignored (NaN included).
///
/// # Panics
/// If the shapes do not fit; the message names all three. See
/// [`try_general_mat_vec_mul`] for the `Result` form.
///
/// ```
/// use bumper::linalg::general_mat_vec_mul;
///
/// bumper::no_escape(|s| {
///     let a = s.alloc_from_slice([2, 3], &[1, 2, 3, 4, 5, 6]);
///     let x = s.alloc_from_slice([3], &[1, 0, -1]);
///     let mut y = s.alloc_filled([2], 100);
///     general_mat_vec_mul(1, &a, &x, 1, &mut y);
///     assert_eq!(y.to_vec(), [98, 98]);
/// });
/// ```
#[track_caller]
pub fn general_mat_vec_mul<'a, 'x, T: LinalgScalar>(
    alpha: T,
    a: impl Into<ArrayView<'a, T, 2>>,
    x: impl Into<ArrayView<'x, T, 1>>,
    beta: T,
    y: &mut PtrArray<'_, T, 1>,
) {
    if let Err(e) = try_general_mat_vec_mul(alpha, a, x, beta, y) {
        shape_panic(e)
    }
}

/// [`general_mat_vec_mul`], returning an error instead of panicking.
///
/// # Errors
/// [`ShapeError::ProductShapes`] if `a` is `m × k`, `x` does not have `k`
/// elements or `y` does not have `m`.
///
/// ```
/// use bumper::linalg::try_general_mat_vec_mul;
///
/// bumper::no_escape(|s| {
///     let a = s.alloc::<f64, 2>([2, 3]);
///     let x = s.alloc::<f64, 1>([2]);
///     let mut y = s.alloc::<f64, 1>([2]);
///     let err = try_general_mat_vec_mul(1.0, &a, &x, 0.0, &mut y).unwrap_err();
///     assert_eq!(
///         err.to_string(),
///         "matrix product: a [2, 3] times b [2] into c [2]: \
///          a's columns must equal b's rows, and c must be [a's rows, b's columns]"
///     );
/// });
/// ```
pub fn try_general_mat_vec_mul<'a, 'x, T: LinalgScalar>(
    alpha: T,
    a: impl Into<ArrayView<'a, T, 2>>,
    x: impl Into<ArrayView<'x, T, 1>>,
    beta: T,
    y: &mut PtrArray<'_, T, 1>,
) -> Result<(), ShapeError> {
    let (a, x) = (a.into(), x.into());
    check_product(&a.raw.shape, &x.raw.shape, &y.raw.shape)?;
    let g = Gemv::new(
        alpha,
        &a.raw,
        &x.raw,
        beta,
        y.raw.ptr.as_ptr(),
        y.raw.strides[0],
    );
    // SAFETY: as in `try_general_mat_mul`.
    unsafe { gemv(g) };
    Ok(())
}

/// The name of the product kernel this CPU runs for `T`: `"avx512"`,
/// `"avx2+fma"` or `"portable"` (`"neon"` on aarch64), picked at run time.
///
/// ```
/// let name = bumper::linalg::kernel_name::<f64>();
/// assert!(["avx512", "avx2+fma", "portable", "neon"].contains(&name));
/// assert_eq!(bumper::linalg::kernel_name::<i64>(), "portable");
/// ```
pub fn kernel_name<T: LinalgScalar>() -> &'static str {
    T::kernel().name
}

/// Whether `a · b` fits into `c`: `a` is `m × k`, `b` is `k` or `k × n`,
/// `c` is `m` or `m × n` (as many axes as `b`).
pub(crate) fn check_product(a: &[usize; 2], b: &[usize], c: &[usize]) -> Result<(), ShapeError> {
    let fits = b[0] == a[1] && c.len() == b.len() && c[0] == a[0] && c[1..] == b[1..];
    if fits {
        Ok(())
    } else {
        Err(ShapeError::ProductShapes {
            a: a.to_vec(),
            b: b.to_vec(),
            c: c.to_vec(),
        })
    }
}

#[cold]
#[inline(never)]
#[track_caller]
pub(crate) fn shape_panic(e: ShapeError) -> ! {
    panic!("{e}")
}

/// `c = beta · c` (zeros if `beta == 0`, without reading `c`).
///
/// # Safety
/// `c` with strides `rsc`, `csc` addresses an `m × n` block, writable, and
/// readable if `beta != 0`.
unsafe fn scale<T: LinalgScalar>(m: usize, n: usize, beta: T, c: *mut T, rsc: isize, csc: isize) {
    for i in 0..m {
        for j in 0..n {
            // SAFETY: element (i, j) of the block.
            unsafe {
                let p = c.offset(i as isize * rsc + j as isize * csc);
                *p = if beta == T::ZERO {
                    T::ZERO
                } else {
                    beta.mul(*p)
                };
            }
        }
    }
}

/// The product on raw parts: the trivial cases, the vector cases, the
/// orientation of C, then the parallel split or the serial product.
///
/// # Safety
/// `g` describes valid matrices: A and B readable, C writable (and readable
/// unless `beta == 0`), disjoint from A and B; no two indices of C address
/// the same element.
pub(crate) unsafe fn gemm<T: LinalgScalar>(mut g: Gemm<T>) {
    if g.m == 0 || g.n == 0 {
        return;
    }
    if g.k == 0 || g.alpha == T::ZERO {
        // SAFETY: C is valid (the caller's guarantee).
        unsafe { scale(g.m, g.n, g.beta, g.c, g.rsc, g.csc) };
        return;
    }
    if g.n == 1 || g.m == 1 {
        let v = if g.n == 1 {
            // y = C[:, 0], x = B[:, 0].
            Gemv {
                m: g.m,
                k: g.k,
                alpha: g.alpha,
                a: g.a,
                rsa: g.rsa,
                csa: g.csa,
                x: g.b,
                incx: g.rsb,
                beta: g.beta,
                y: g.c,
                incy: g.rsc,
            }
        } else {
            // y = C[0, :]ᵀ = Bᵀ · A[0, :]ᵀ.
            Gemv {
                m: g.n,
                k: g.k,
                alpha: g.alpha,
                a: g.b,
                rsa: g.csb,
                csa: g.rsb,
                x: g.a,
                incx: g.csa,
                beta: g.beta,
                y: g.c,
                incy: g.csc,
            }
        };
        // SAFETY: the same memory as `g`, seen as a matrix-vector product.
        unsafe { gemv(v) };
        return;
    }
    if g.csc.unsigned_abs() < g.rsc.unsigned_abs() {
        // C is closer to row-major: compute Cᵀ = Bᵀ · Aᵀ, whose columns
        // are C's rows.
        g = Gemm {
            m: g.n,
            n: g.m,
            a: g.b,
            rsa: g.csb,
            csa: g.rsb,
            b: g.a,
            rsb: g.csa,
            csb: g.rsa,
            rsc: g.csc,
            csc: g.rsc,
            ..g
        };
    }
    #[cfg(feature = "rayon")]
    if g.m * g.n * g.k >= PAR_MIN_WORK && rayon::current_num_threads() > 1 {
        let pieces = 4 * rayon::current_num_threads();
        let grain = (g.m * g.n * g.k / pieces).max(PAR_MIN_WORK);
        // SAFETY: forwarded from the caller.
        unsafe { par_gemm(SendGemm(g), grain) };
        return;
    }
    // SAFETY: forwarded from the caller.
    unsafe { serial(&g) }
}

/// A [`Gemm`] that may cross to another thread: the pieces of a split
/// product write disjoint blocks of C and only read A and B.
#[cfg(feature = "rayon")]
struct SendGemm<T>(Gemm<T>);

// SAFETY: a piece reads A and B (shared: `T: Sync`) and writes its own
// block of C, which no other piece touches (`T: Send`).
#[cfg(feature = "rayon")]
unsafe impl<T: Send + Sync> Send for SendGemm<T> {}

/// Splits C's longer side in halves (at a multiple of 16) until a piece has
/// at most `grain` multiply-adds, and runs the pieces with `rayon::join`.
///
/// # Safety
/// As [`gemm`], with `m, n, k > 0`.
#[cfg(feature = "rayon")]
unsafe fn par_gemm<T: LinalgScalar>(g: SendGemm<T>, grain: usize) {
    let g = g.0;
    let split_rows = g.m >= g.n;
    let len = if split_rows { g.m } else { g.n };
    if g.m * g.n * g.k <= grain || len < 32 {
        // SAFETY: forwarded from the caller.
        return unsafe { serial(&g) };
    }
    let mid = (len / 2).next_multiple_of(16);
    let (first, second) = if split_rows {
        let off = mid as isize;
        (
            Gemm { m: mid, ..g },
            Gemm {
                m: g.m - mid,
                // SAFETY: row `mid` of A and of C is in bounds (mid < m).
                a: unsafe { g.a.offset(off * g.rsa) },
                c: unsafe { g.c.offset(off * g.rsc) },
                ..g
            },
        )
    } else {
        let off = mid as isize;
        (
            Gemm { n: mid, ..g },
            Gemm {
                n: g.n - mid,
                // SAFETY: column `mid` of B and of C is in bounds (mid < n).
                b: unsafe { g.b.offset(off * g.csb) },
                c: unsafe { g.c.offset(off * g.csc) },
                ..g
            },
        )
    };
    let (first, second) = (SendGemm(first), SendGemm(second));
    rayon::join(
        // SAFETY: the two pieces split C into disjoint blocks and read
        // parts of A and B; each satisfies `gemm`'s contract.
        move || unsafe { par_gemm(first, grain) },
        move || unsafe { par_gemm(second, grain) },
    );
}

/// The product on this thread: the direct kernel for small matrices,
/// otherwise the blocked one with packing buffers from a scope on the
/// default buffer (the direct kernel if that buffer cannot provide them).
///
/// # Safety
/// As [`gemm`], with `m, n, k > 0`.
unsafe fn serial<T: LinalgScalar>(g: &Gemm<T>) {
    let kern = T::kernel();
    let big = g.m.max(g.n).max(g.k);
    if big <= kern.small_max || (g.rsa == 1 && big <= kern.direct_max) {
        // SAFETY: forwarded from the caller; `kern` runs on this CPU.
        return unsafe { (kern.small)(g) };
    }
    let (na, nb) = kernel::pack_sizes(g, &kern.blocks, kern.mr, kern.nr);
    crate::no_escape(|s| {
        let bytes = |n: usize| n.checked_mul(size_of::<T>());
        let bufs = bytes(na).zip(bytes(nb)).and_then(|(ba, bb)| {
            Some((s.try_alloc_ptr(ba, 64).ok()?, s.try_alloc_ptr(bb, 64).ok()?))
        });
        match bufs {
            // SAFETY: forwarded from the caller; the buffers hold `na` and
            // `nb` elements (64-byte aligned, so aligned for T), are fresh
            // scope memory disjoint from the matrices, and live until the
            // scope ends, after the call.
            Some((pa, pb)) => unsafe {
                (kern.blocked)(g, &kern.blocks, pa.cast().as_ptr(), pb.cast().as_ptr())
            },
            // SAFETY: forwarded from the caller.
            None => unsafe { (kern.small)(g) },
        }
    })
}

/// The matrix-vector product on raw parts.
///
/// # Safety
/// `g` describes valid operands: A and x readable, y writable (and readable
/// unless `beta == 0`), disjoint from A and x; no two indices of y address
/// the same element.
pub(crate) unsafe fn gemv<T: LinalgScalar>(g: Gemv<T>) {
    if g.m == 0 {
        return;
    }
    if g.k == 0 || g.alpha == T::ZERO {
        // SAFETY: y as an m × 1 matrix.
        unsafe { scale(g.m, 1, g.beta, g.y, g.incy, 0) };
        return;
    }
    // SAFETY: forwarded from the caller; the kernel runs on this CPU.
    unsafe { (T::kernel().gemv)(&g) }
}
