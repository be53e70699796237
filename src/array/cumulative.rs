//! Cumulative operations along an axis: `cumsum_axis`, `cumprod_axis`,
//! `accumulate_axis_inplace`, `diff_in`.
//!
//! All of them are one scan, `y[k] = f(y[k - 1], x[k])` along the axis, run
//! by [`scan`] in one of two ways:
//!
//! * the axis is the innermost in memory (`cumsum_axis(1)` of a row-major
//!   matrix): every lane is a dependency chain, so four lanes are walked
//!   side by side, which hides the latency of the operation;
//! * otherwise: whole sub-arrays at once, `y[k] = f(y[k - 1], x[k])` row
//!   by row in memory order (contiguous loops for a row-major matrix and
//!   `axis = 0`), each element independent of its neighbours.

use core::ops::{Add, Mul, Sub};

use super::layout::{self, Traversal};
use super::raw::RawArray;
use super::reduce::innermost;
use super::{ArrayView, PtrArray};
use crate::Scope;

/// Runs `step(prev, x, y)` for `k = 1..n` along `axis` and every index of
/// the other axes, where `prev` points to `y[k - 1]`, `x` to `x[k]` and
/// `y` to `y[k]` (after `first(x[0], y[0])` for `k = 0`). Every lane is
/// visited in increasing `k`; lanes are independent.
///
/// # Safety
/// `x` and `y` describe arrays of the same shape: `x` readable, `y`
/// readable and writable, each element of `y` written only here. They may
/// be the same array (in place) or disjoint.
unsafe fn scan<T, const N: usize>(
    x: &RawArray<T, N>,
    y: &RawArray<T, N>,
    axis: usize,
    mut first: impl FnMut(*const T, *mut T),
    mut step: impl FnMut(*const T, *const T, *mut T),
) {
    let n = x.shape[axis];
    if n == 0 || x.len() == 0 {
        return;
    }
    let (xb, yb) = (x.ptr.as_ptr().cast_const(), y.ptr.as_ptr());
    let (xs, ys) = (x.strides[axis], y.strides[axis]);
    // The other axes: `axis` set to length 1, so rows skip it.
    let mut others = x.shape;
    others[axis] = 1;
    if innermost(&x.shape, &x.strides, axis) {
        layout::for_each_row(
            &others,
            [&x.strides, &y.strides],
            Traversal::Memory,
            |[xo, yo], [xr, yr], len| {
                // `len` lanes: lane `r` starts at `xo + r · xr` / `yo + r · yr`.
                let mut r = 0;
                while r < len {
                    let group = (len - r).min(4);
                    // SAFETY: lanes r..r + group of this row and their elements
                    // k < n along `axis` are elements of the arrays.
                    unsafe {
                        let xl: [*const T; 4] = core::array::from_fn(|q| {
                            xb.offset(xo + (r + q.min(group - 1)) as isize * xr)
                        });
                        let yl: [*mut T; 4] = core::array::from_fn(|q| {
                            yb.offset(yo + (r + q.min(group - 1)) as isize * yr)
                        });
                        for q in 0..group {
                            first(xl[q], yl[q]);
                        }
                        for k in 1..n as isize {
                            for q in 0..group {
                                let yk = yl[q].offset(k * ys);
                                step(yk.offset(-ys), xl[q].offset(k * xs), yk);
                            }
                        }
                    }
                    r += group;
                }
            },
        );
        return;
    }
    for k in 0..n as isize {
        layout::for_each_row(
            &others,
            [&x.strides, &y.strides],
            Traversal::Memory,
            |[xo, yo], [xr, yr], len| {
                // SAFETY: row elements j < len at index k along `axis` (and
                // k - 1 for `prev`) are elements of the arrays.
                unsafe {
                    let (xk, yk) = (xb.offset(xo + k * xs), yb.offset(yo + k * ys));
                    for j in 0..len as isize {
                        let (xj, yj) = (xk.offset(j * xr), yk.offset(j * yr));
                        if k == 0 {
                            first(xj, yj);
                        } else {
                            step(yj.offset(-ys), xj, yj);
                        }
                    }
                }
            },
        );
    }
}

/// The scan of `x` along `axis` into a new row-major array in `s`:
/// `y[0] = x[0]`, `y[k] = op(y[k - 1], x[k])`.
///
/// # Safety
/// `x` satisfies the `RawArray` invariant and nothing writes to it during
/// the call.
#[track_caller]
unsafe fn scan_in<'s, T: Copy, const N: usize>(
    what: &str,
    x: &RawArray<T, N>,
    axis: usize,
    s: &Scope<'s>,
    op: impl Fn(T, T) -> T,
) -> PtrArray<'s, T, N> {
    layout::check_axis::<N>(what, axis);
    let out = s.alloc_uninit::<T, N>(x.shape);
    let y = RawArray {
        ptr: out.raw.ptr.cast::<T>(),
        shape: out.raw.shape,
        strides: out.raw.strides,
    };
    // SAFETY: `out` is fresh memory of `x`'s shape, disjoint from `x`;
    // `scan` writes every element of it (k = 0 with `first`, the rest with
    // `step`) and reads `y[k - 1]` only after writing it.
    unsafe {
        scan(
            x,
            &y,
            axis,
            |x0, y0| *y0 = *x0,
            |prev, xk, yk| *yk = op(*prev, *xk),
        );
        out.assume_init()
    }
}

read_methods! {
    /// The cumulative sums along `axis`, in a new row-major array in scope
    /// `s` of the same shape: `y[.., k, ..] = x[.., 0, ..] + … + x[.., k, ..]`.
    ///
    /// One pass (see the module docs). Integer overflow behaves as `+`.
    ///
    /// # Panics
    /// If `axis >= N`.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_from_slice([2, 3], &[1, 2, 3, 4, 5, 6]);
    ///     assert_eq!(a.cumsum_axis(0, s).to_vec(), [1, 2, 3, 5, 7, 9]);
    ///     assert_eq!(a.cumsum_axis(1, s).to_vec(), [1, 3, 6, 4, 9, 15]);
    /// });
    /// ```
    #[track_caller]
    pub fn cumsum_axis<'s>(&'r self, axis: usize, s: &Scope<'s>) -> PtrArray<'s, T, N>
    where
        T: Copy + Add<Output = T>,
    {
        // SAFETY: a view grants shared, read-only access to its elements.
        unsafe { scan_in("cumsum_axis", &self.raw, axis, s, |a, b| a + b) }
    }

    /// The cumulative products along `axis`, in a new row-major array in
    /// scope `s` of the same shape.
    ///
    /// # Panics
    /// If `axis >= N`.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_from_slice([4], &[1.0, 2.0, 3.0, 4.0]);
    ///     assert_eq!(a.cumprod_axis(0, s).to_vec(), [1.0, 2.0, 6.0, 24.0]);
    /// });
    /// ```
    #[track_caller]
    pub fn cumprod_axis<'s>(&'r self, axis: usize, s: &Scope<'s>) -> PtrArray<'s, T, N>
    where
        T: Copy + Mul<Output = T>,
    {
        // SAFETY: a view grants shared, read-only access to its elements.
        unsafe { scan_in("cumprod_axis", &self.raw, axis, s, |a, b| a * b) }
    }

    /// The `n`-th discrete difference along `axis`, in a new row-major
    /// array in scope `s`: `y[k] = x[k + 1] − x[k]`, applied `n` times, so
    /// the axis is `n` shorter (NumPy's and ndarray's `diff`). `n = 0`
    /// gives a copy.
    ///
    /// # Panics
    /// If `axis >= N`, or `n` is more than the length of `axis` (the
    /// message gives both).
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_from_slice([5], &[1, 2, 4, 7, 0]);
    ///     assert_eq!(a.diff_in(1, 0, s).to_vec(), [1, 2, 3, -7]);
    ///     assert_eq!(a.diff_in(2, 0, s).to_vec(), [1, 1, -10]);
    ///     let m = s.alloc_from_slice([2, 4], &[1, 3, 6, 10, 0, 5, 6, 8]);
    ///     assert_eq!(m.diff_in(1, 1, s).to_vec(), [2, 3, 4, 5, 1, 2]);
    ///     assert_eq!(m.diff_in(1, 0, s).to_vec(), [-1, 2, 0, -2]);
    /// });
    /// ```
    #[track_caller]
    pub fn diff_in<'s>(&'r self, n: usize, axis: usize, s: &Scope<'s>) -> PtrArray<'s, T, N>
    where
        T: Copy + Sub<Output = T>,
    {
        layout::check_axis::<N>("diff_in", axis);
        let len = self.raw.shape[axis];
        assert!(
            n <= len,
            "diff_in: cannot take the difference of order {n} along axis {axis} of length {len}"
        );
        if n == 0 || len == 0 {
            return self.map_in(s, |&x| x);
        }
        // First difference into `out`, then n - 1 more in place, each
        // reading y[k + 1] before step k + 1 overwrites it.
        let mut out = self
            .slice_axis(axis, 1..)
            .zip_map_in(s, self.slice_axis(axis, ..len - 1), |&b, &a| b - a);
        for m in (len - n + 1..len).rev() {
            // `out` holds differences 0..m along `axis`; make them m - 1.
            for k in 0..m - 1 {
                let (mut head, tail) = out.split_at_mut(axis, k + 1);
                let next = tail.slice_axis(axis, 0..1);
                head.slice_axis_mut(axis, k..k + 1)
                    .zip_mut_with(next, |c, &b| *c = b - *c);
            }
        }
        out.into_split_at(axis, len - n).0
    }
}

impl<T, const N: usize> PtrArray<'_, T, N> {
    /// Runs `f(&prev, &mut cur)` along `axis` for each pair of neighbours,
    /// in increasing order, so `cur` sees the already updated `prev`:
    /// ndarray's `accumulate_axis_inplace` (`|&p, c| *c += p` turns the
    /// array into its cumulative sums). Lanes are independent; the order
    /// between lanes is not specified.
    ///
    /// # Panics
    /// If `axis >= N`.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let mut a = s.alloc_from_slice([2, 3], &[1, 2, 3, 4, 5, 6]);
    ///     a.accumulate_axis_inplace(1, |&prev, cur| *cur += prev);
    ///     assert_eq!(a.to_vec(), [1, 3, 6, 4, 9, 15]);
    ///     a.accumulate_axis_inplace(0, |&prev, cur| *cur = prev.max(*cur));
    ///     assert_eq!(a.to_vec(), [1, 3, 6, 4, 9, 15]);
    /// });
    /// ```
    #[track_caller]
    pub fn accumulate_axis_inplace(&mut self, axis: usize, mut f: impl FnMut(&T, &mut T)) {
        layout::check_axis::<N>("accumulate_axis_inplace", axis);
        let raw = self.raw;
        // SAFETY: `self` is borrowed uniquely, so its elements are ours to
        // read and write; x and y are the same array (in place): `step`
        // reads `prev` (y[k - 1], already final) and updates y[k], two
        // different elements (no two indices share an element).
        unsafe {
            scan(
                &raw,
                &raw,
                axis,
                |_, _| {},
                |prev, _, cur| f(&*prev, &mut *cur),
            )
        }
    }
}
