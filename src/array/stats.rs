//! Statistics and search: `var`, `std` and their `_axis` forms, `argmax`,
//! `argmin`, `any`, `all` (written once for both array types, see
//! [`read_methods!`](super)).
//!
//! The variance is two-pass: the mean (a pairwise sum), then the pairwise
//! sum of squared deviations from it, divided by `n - ddof`; never
//! `E[x²] − E[x]²`, which cancels catastrophically when the mean is large
//! against the spread.

use num_traits::{Float, FromPrimitive};

use super::layout;
use super::rank::{OneLess, Rank};
use super::reduce::{add, innermost, len_not_representable, reduce};
use super::zip::Zip;
use super::{ArrayView, PtrArray};
use crate::Scope;

/// `n` and `n - ddof` as `T`, after the checks every variance makes.
#[track_caller]
fn var_counts<T: Float + FromPrimitive>(what: &str, n: usize, ddof: T) -> (T, T) {
    assert!(n > 0, "{what}: the variance of no elements is undefined");
    let Some(nt) = T::from_usize(n) else {
        len_not_representable(what, n)
    };
    assert!(
        ddof >= T::zero() && ddof <= nt,
        "{what}: ddof must be between 0 and the element count {n}, got {:?}",
        ddof.to_f64()
    );
    (nt, nt - ddof)
}

read_methods! {
    /// The variance of all elements with `ddof` "delta degrees of freedom":
    /// `Σ (x − mean)² / (n − ddof)`; `ddof = 0` is the population variance,
    /// `ddof = 1` the unbiased sample variance (ndarray's definition).
    ///
    /// Computed in two passes with pairwise sums (see the module docs), so
    /// it stays accurate for data far from zero.
    ///
    /// # Panics
    /// If the array is empty, or `ddof` is negative or more than the
    /// number of elements (`ddof` equal to it gives an infinite or NaN
    /// result, as the formula says).
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_from_slice([2, 2], &[1.0_f64, 2.0, 3.0, 4.0]);
    ///     assert_eq!(a.var(0.0), 1.25);
    ///     assert!((a.var(1.0) - 5.0 / 3.0).abs() < 1e-15);
    ///     assert_eq!(a.std(0.0), 1.25f64.sqrt());
    ///     // Far from zero, where E[x²] − E[x]² would lose every digit:
    ///     let b = s.alloc_from_slice([3], &[1e9 + 1.0, 1e9 + 2.0, 1e9 + 3.0]);
    ///     assert_eq!(b.var(1.0), 1.0);
    /// });
    /// ```
    #[track_caller]
    pub fn var(&'r self, ddof: T) -> T
    where
        T: Float + FromPrimitive,
    {
        let (n, dof) = var_counts("var", self.raw.len(), ddof);
        // SAFETY: a view grants shared, read-only access to its elements.
        let mean = unsafe { reduce(&self.raw, T::zero(), add, add) } / n;
        // SAFETY: as above.
        let squares = unsafe {
            reduce(
                &self.raw,
                T::zero(),
                move |acc, x: T| {
                    let d = x - mean;
                    acc + d * d
                },
                add,
            )
        };
        squares / dof
    }

    /// The standard deviation, `var(ddof).sqrt()`.
    ///
    /// # Panics
    /// As [`var`](ArrayView::var).
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_from_slice([4], &[2.0_f32, 4.0, 4.0, 6.0]);
    ///     assert_eq!(a.std(0.0), 2.0_f32.sqrt());
    /// });
    /// ```
    #[track_caller]
    pub fn std(&'r self, ddof: T) -> T
    where
        T: Float + FromPrimitive,
    {
        self.var(ddof).sqrt()
    }

    /// The variances along `axis` (`M == N - 1`), allocated in scope `s`;
    /// `ddof` as in [`var`](ArrayView::var).
    ///
    /// Two passes: the means (as [`sum_axis`](ArrayView::sum_axis)), then
    /// the squared deviations, accumulated a whole sub-array at a time when
    /// `axis` is not the innermost in memory (so the loops run over
    /// contiguous rows), or per lane with pairwise sums when it is. The
    /// means live in a scope on the default buffer while it runs.
    ///
    /// # Panics
    /// If `axis >= N`, the axis is empty, or `ddof` is out of range (as for
    /// `var`).
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_from_slice([2, 3], &[1.0, 2.0, 3.0, 3.0, 6.0, 9.0]);
    ///     assert_eq!(a.var_axis(0, 0.0, s).to_vec(), [1.0, 4.0, 9.0]);
    ///     assert_eq!(a.var_axis(1, 1.0, s).to_vec(), [1.0, 9.0]);
    ///     assert_eq!(a.std_axis(1, 1.0, s).to_vec(), [1.0, 3.0]);
    /// });
    /// ```
    #[track_caller]
    pub fn var_axis<'s, const M: usize>(&'r self, axis: usize, ddof: T, s: &Scope<'s>) -> PtrArray<'s, T, M>
    where
        Rank<N>: OneLess<M>,
        T: Float + FromPrimitive,
    {
        layout::check_axis::<N>("var_axis", axis);
        let (n, dof) = var_counts("var_axis", self.raw.shape[axis], ddof);
        if innermost(&self.raw.shape, &self.raw.strides, axis) {
            // Each lane is a short strided run: two pairwise passes per lane.
            let mut out = s.alloc_filled(layout::removed::<usize, N, M>(&self.raw.shape, axis), T::zero());
            for (o, lane) in out.iter_mut().zip(self.lanes(axis)) {
                *o = lane.var(ddof);
            }
            return out;
        }
        let mut out = self.sum_axis::<M>(axis, s);
        out.map_inplace(|x| *x = *x / n);
        crate::no_escape(|t| {
            // A copy of the means (`out`, row-major, is about to become the
            // sums of squares) in the scope's memory.
            let count = out.len();
            let p = t
                .alloc_ptr(count * core::mem::size_of::<T>(), core::mem::align_of::<T>())
                .cast::<T>();
            // SAFETY: `p` is fresh scope memory for `count` aligned `T`s,
            // filled from `out` (row-major: `count` adjacent elements) before
            // the view reads it; the scope outlives the view.
            let mean = unsafe {
                core::ptr::copy_nonoverlapping(out.as_ptr(), p.as_ptr(), count);
                ArrayView::from_raw_parts(p.as_ptr(), out.shape(), out.strides())
            };
            out.fill(T::zero());
            for k in 0..self.raw.shape[axis] {
                Zip::from(&mut out)
                    .and(self.index_axis::<M>(axis, k))
                    .and(mean)
                    .for_each(|o, &x, &m| {
                        let d = x - m;
                        *o = *o + d * d;
                    });
            }
        });
        out.map_inplace(|x| *x = *x / dof);
        out
    }

    /// The standard deviations along `axis`: [`var_axis`](ArrayView::var_axis)
    /// with a square root.
    ///
    /// # Panics
    /// As `var_axis`.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_from_slice([2, 2], &[1.0, 5.0, 3.0, 5.0]);
    ///     assert_eq!(a.std_axis(0, 0.0, s).to_vec(), [1.0, 0.0]);
    /// });
    /// ```
    #[track_caller]
    pub fn std_axis<'s, const M: usize>(&'r self, axis: usize, ddof: T, s: &Scope<'s>) -> PtrArray<'s, T, M>
    where
        Rank<N>: OneLess<M>,
        T: Float + FromPrimitive,
    {
        let mut out = self.var_axis::<M>(axis, ddof, s);
        out.map_inplace(|x| *x = x.sqrt());
        out
    }

    /// The index of the largest element, the first in row-major order if
    /// several are equal; `None` if the array is empty or holds a NaN (an
    /// element not equal to itself), as ndarray-stats' `argmax` does.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_from_slice([2, 3], &[1.0, 7.0, 3.0, 7.0, 0.0, 2.0]);
    ///     assert_eq!(a.argmax(), Some([0, 1]));
    ///     assert_eq!(a.t().argmax(), Some([0, 1])); // the view's own row-major order
    ///     assert_eq!(a.argmin(), Some([1, 1]));
    ///     let nan = s.alloc_from_slice([2], &[1.0, f64::NAN]);
    ///     assert_eq!(nan.argmax(), None);
    ///     assert_eq!(s.alloc::<i32, 1>([0]).argmax(), None);
    /// });
    /// ```
    pub fn argmax(&'r self) -> Option<[usize; N]>
    where
        T: PartialOrd,
    {
        self.arg_best(|x, best| x > best)
    }

    /// The index of the smallest element, the first in row-major order if
    /// several are equal; `None` if the array is empty or holds a NaN.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_from_slice([4], &[3, 1, 2, 1]);
    ///     assert_eq!(a.argmin(), Some([1]));
    /// });
    /// ```
    pub fn argmin(&'r self) -> Option<[usize; N]>
    where
        T: PartialOrd,
    {
        self.arg_best(|x, best| x < best)
    }

    /// `argmax` / `argmin`: the first element `better` than all before it.
    fn arg_best(&'r self, better: impl Fn(&T, &T) -> bool) -> Option<[usize; N]>
    where
        T: PartialOrd,
    {
        let mut best: Option<([usize; N], &T)> = None;
        for (i, x) in self.indexed_iter() {
            // NaN, the element not ordered with itself, ends the search.
            x.partial_cmp(x)?;
            match best {
                Some((_, b)) if !better(x, b) => {}
                _ => best = Some((i, x)),
            }
        }
        best.map(|(i, _)| i)
    }

    /// Whether `f` holds for some element (false for an empty array);
    /// stops at the first. Elements are visited in row-major order.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_from_slice([3], &[1.0, f64::NAN, 3.0]);
    ///     assert!(a.any(|x| x.is_nan()));
    ///     assert!(!a.all(|x| x.is_finite()));
    ///     assert!(s.alloc::<f64, 1>([0]).all(|_| false));
    /// });
    /// ```
    pub fn any(&'r self, f: impl FnMut(&T) -> bool) -> bool {
        self.iter().any(f)
    }

    /// Whether `f` holds for every element (true for an empty array);
    /// stops at the first that fails. Elements are visited in row-major
    /// order.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_with([2, 2], |[i, j]| i + j);
    ///     assert!(a.all(|&x| x < 3));
    /// });
    /// ```
    pub fn all(&'r self, f: impl FnMut(&T) -> bool) -> bool {
        self.iter().all(f)
    }
}
