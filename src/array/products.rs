//! Matrix products into a scope: `matmul_in`, `matvec_in` (written once for
//! both array types, see [`read_methods!`](super)); the kernels are in
//! [`crate::linalg`].

use super::error::ShapeError;
use super::{ArrayView, PtrArray};
use crate::linalg::kernel::{Gemm, Gemv};
use crate::linalg::{self, LinalgScalar};
use crate::Scope;

read_methods! {
    rank 2;

    /// The matrix product `self · b` as a new `m × n` array in scope `s`,
    /// row-major. Runs [`general_mat_mul`](linalg::general_mat_mul) (so
    /// its packing memory comes from the default buffer, not from `s`).
    ///
    /// # Panics
    /// If `self` is `m × k` and `b` is not `k × n` (the message names both
    /// shapes), or if `s` cannot allocate the result.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_from_slice([2, 2], &[1, 2, 3, 4]);
    ///     let b = s.alloc_from_slice([2, 3], &[1, 0, 1, 0, 1, 1]);
    ///     let c = a.matmul_in(&b, s);
    ///     assert_eq!(c.shape(), [2, 3]);
    ///     assert_eq!(c.to_vec(), [1, 2, 3, 3, 4, 7]);
    /// });
    /// ```
    #[track_caller]
    pub fn matmul_in<'s, 'b>(
        &'r self,
        b: impl Into<ArrayView<'b, T, 2>>,
        s: &Scope<'s>,
    ) -> PtrArray<'s, T, 2>
    where
        T: LinalgScalar,
    {
        match self.try_matmul_in(b, s) {
            Ok(c) => c,
            Err(e) => linalg::shape_panic(e),
        }
    }

    /// [`matmul_in`](ArrayView::matmul_in), returning an error instead of
    /// panicking on shapes that do not fit.
    ///
    /// # Errors
    /// [`ShapeError::ProductShapes`] if `self` is `m × k` and `b` is not
    /// `k × n` (`c` is then reported as `[m, n]`, taking `n` from `b`).
    ///
    /// # Panics
    /// If `s` cannot allocate the result.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc::<f64, 2>([2, 3]);
    ///     let b = s.alloc::<f64, 2>([2, 3]);
    ///     assert!(a.try_matmul_in(&b, s).is_err());
    ///     assert_eq!(a.try_matmul_in(b.t(), s).unwrap().shape(), [2, 2]);
    /// });
    /// ```
    #[track_caller]
    pub fn try_matmul_in<'s, 'b>(
        &'r self,
        b: impl Into<ArrayView<'b, T, 2>>,
        s: &Scope<'s>,
    ) -> Result<PtrArray<'s, T, 2>, ShapeError>
    where
        T: LinalgScalar,
    {
        let b = b.into();
        let shape = [self.raw.shape[0], b.raw.shape[1]];
        linalg::check_product(&self.raw.shape, &b.raw.shape, &shape)?;
        let c = s.alloc_uninit::<T, 2>(shape);
        let g = Gemm::new(T::ONE, &self.raw, &b.raw, T::ZERO, c.raw.ptr.as_ptr().cast(), c.raw.strides);
        // SAFETY: `self` and `b` are readable for 'a and 'b, which this
        // call is inside; `c` is fresh, unique, row-major memory for m × n
        // elements. With beta == 0 the product only writes `c`, every
        // element of it.
        unsafe {
            linalg::gemm(g);
            Ok(c.assume_init())
        }
    }

    /// The matrix-vector product `self · x` as a new vector in scope `s`.
    /// Runs [`general_mat_vec_mul`](linalg::general_mat_vec_mul).
    ///
    /// # Panics
    /// If `self` is `m × k` and `x` does not have `k` elements (the message
    /// names both shapes), or if `s` cannot allocate the result.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_from_slice([2, 3], &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    ///     let x = s.alloc_from_slice([3], &[1.0, 1.0, 1.0]);
    ///     assert_eq!(a.matvec_in(&x, s).to_vec(), [6.0, 15.0]);
    ///     assert_eq!(a.t().matvec_in(&x.slice_axis(0, ..2), s).to_vec(), [5.0, 7.0, 9.0]);
    /// });
    /// ```
    #[track_caller]
    pub fn matvec_in<'s, 'x>(
        &'r self,
        x: impl Into<ArrayView<'x, T, 1>>,
        s: &Scope<'s>,
    ) -> PtrArray<'s, T, 1>
    where
        T: LinalgScalar,
    {
        match self.try_matvec_in(x, s) {
            Ok(y) => y,
            Err(e) => linalg::shape_panic(e),
        }
    }

    /// [`matvec_in`](ArrayView::matvec_in), returning an error instead of
    /// panicking on shapes that do not fit.
    ///
    /// # Errors
    /// [`ShapeError::ProductShapes`] if `self` is `m × k` and `x` does not
    /// have `k` elements.
    ///
    /// # Panics
    /// If `s` cannot allocate the result.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc::<i32, 2>([2, 3]);
    ///     let x = s.alloc::<i32, 1>([2]);
    ///     assert!(a.try_matvec_in(&x, s).is_err());
    /// });
    /// ```
    #[track_caller]
    pub fn try_matvec_in<'s, 'x>(
        &'r self,
        x: impl Into<ArrayView<'x, T, 1>>,
        s: &Scope<'s>,
    ) -> Result<PtrArray<'s, T, 1>, ShapeError>
    where
        T: LinalgScalar,
    {
        let x = x.into();
        let shape = [self.raw.shape[0]];
        linalg::check_product(&self.raw.shape, &x.raw.shape, &shape)?;
        let y = s.alloc_uninit::<T, 1>(shape);
        let g = Gemv::new(T::ONE, &self.raw, &x.raw, T::ZERO, y.raw.ptr.as_ptr().cast(), y.raw.strides[0]);
        // SAFETY: as in `try_matmul_in`, for the vector `y`.
        unsafe {
            linalg::gemv(g);
            Ok(y.assume_init())
        }
    }
}
