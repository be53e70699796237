//! Shape operations without copying: `insert_axis`, `remove_axis`,
//! `invert_axis`, `diag`, and `swap`; the constructors `Scope::eye`,
//! `Scope::linspace` and `Scope::range`.

use num_traits::{Float, FromPrimitive, One, Zero};

use super::layout;
use super::rank::{OneLess, OneMore, Rank};
use super::raw::RawArray;
use super::{ArrayView, PtrArray};
use crate::Scope;

impl<T, const N: usize> RawArray<T, N> {
    /// A new axis of length 1 at position `axis` (`0..=N`).
    #[track_caller]
    fn with_axis<const M: usize>(&self, axis: usize) -> RawArray<T, M> {
        assert!(
            axis <= N,
            "insert_axis: axis {axis} is out of bounds for inserting into an array of rank {N} (at most {N})"
        );
        let pick = |k: usize| if k < axis { k } else { k - 1 };
        RawArray {
            ptr: self.ptr,
            shape: core::array::from_fn(|k| if k == axis { 1 } else { self.shape[pick(k)] }),
            // A length-1 axis is never stepped along; 0 says so.
            strides: core::array::from_fn(|k| if k == axis { 0 } else { self.strides[pick(k)] }),
        }
    }

    /// Index 0 of `axis`, which must not be empty.
    #[track_caller]
    fn without_axis<const M: usize>(&self, axis: usize) -> RawArray<T, M> {
        layout::check_axis::<N>("remove_axis", axis);
        assert!(
            self.shape[axis] > 0,
            "remove_axis: axis {axis} has length 0, so it has no index 0 to keep (shape {:?})",
            self.shape
        );
        self.indexed::<M>(axis, 0)
    }

    /// The same elements with `axis` walked backwards.
    #[track_caller]
    fn invert(&mut self, axis: usize) {
        layout::check_axis::<N>("invert_axis", axis);
        let len = self.shape[axis];
        if len > 1 {
            // SAFETY: element len - 1 along `axis` (index 0 elsewhere) is an
            // element of the array, in its allocation.
            self.ptr = unsafe { self.ptr.offset((len - 1) as isize * self.strides[axis]) };
        }
        self.strides[axis] = -self.strides[axis];
    }
}

impl<T> RawArray<T, 2> {
    /// The main diagonal: elements `[i, i]`.
    fn diagonal(&self) -> RawArray<T, 1> {
        RawArray {
            ptr: self.ptr,
            shape: [self.shape[0].min(self.shape[1])],
            strides: [self.strides[0] + self.strides[1]],
        }
    }
}

read_methods! {
    /// A view with a new axis of length 1 at position `axis` (`M == N + 1`,
    /// checked at compile time; `axis` may be `N`, for a trailing axis), as
    /// ndarray's `insert_axis`.
    ///
    /// # Panics
    /// If `axis > N`.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_from_slice([3], &[1, 2, 3]);
    ///     let col = a.insert_axis(1); // 3 × 1
    ///     assert_eq!(col.shape(), [3, 1]);
    ///     let row = a.insert_axis(0); // 1 × 3
    ///     assert_eq!(row.shape(), [1, 3]);
    ///     assert_eq!(col.add_in(s, &row).to_vec(), [2, 3, 4, 3, 4, 5, 4, 5, 6]);
    /// });
    /// ```
    #[track_caller]
    pub fn insert_axis<const M: usize>(&'r self, axis: usize) -> ArrayView<'a, T, M>
    where
        Rank<N>: OneMore<M>,
    {
        // SAFETY: the same elements, read-only, for 'a.
        unsafe { ArrayView::from_raw(self.raw.with_axis::<M>(axis)) }
    }

    /// A view without `axis` (`M == N - 1`): index 0 of it, ndarray's
    /// meaning; meant for axes of length 1.
    ///
    /// # Panics
    /// If `axis >= N` or the axis has length 0 (the message gives the shape).
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_with([2, 1, 3], |[i, _, k]| 10 * i + k);
    ///     let m = a.remove_axis(1);
    ///     assert_eq!(m.shape(), [2, 3]);
    ///     assert_eq!(m.to_vec(), [0, 1, 2, 10, 11, 12]);
    /// });
    /// ```
    #[track_caller]
    pub fn remove_axis<const M: usize>(&'r self, axis: usize) -> ArrayView<'a, T, M>
    where
        Rank<N>: OneLess<M>,
    {
        // SAFETY: a subset of the same elements, read-only, for 'a.
        unsafe { ArrayView::from_raw(self.raw.without_axis::<M>(axis)) }
    }
}

read_methods! {
    rank 2;

    /// The main diagonal, elements `[i, i]` for `i < min(rows, cols)`, as a
    /// view.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_with([2, 3], |[i, j]| 10 * i + j);
    ///     assert_eq!(a.diag().to_vec(), [0, 11]);
    ///     assert_eq!(a.t().diag().to_vec(), [0, 11]);
    /// });
    /// ```
    pub fn diag(&'r self) -> ArrayView<'a, T, 1> {
        // SAFETY: a subset of the same elements, read-only, for 'a.
        unsafe { ArrayView::from_raw(self.raw.diagonal()) }
    }
}

impl<'a, T, const N: usize> ArrayView<'a, T, N> {
    /// Reverses `axis` of this view in place (the elements do not move):
    /// index `i` now reads what index `len − 1 − i` read.
    ///
    /// # Panics
    /// If `axis >= N`.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_from_slice([3], &[1, 2, 3]);
    ///     let mut v = a.view();
    ///     v.invert_axis(0);
    ///     assert_eq!(v.to_vec(), [3, 2, 1]);
    /// });
    /// ```
    #[track_caller]
    pub fn invert_axis(&mut self, axis: usize) {
        self.raw.invert(axis);
    }
}

impl<T, const N: usize> PtrArray<'_, T, N> {
    /// Reverses `axis` of this array in place (the elements do not move,
    /// the array's view of them does), as [`ArrayView::invert_axis`].
    ///
    /// # Panics
    /// If `axis >= N`.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let mut a = s.alloc_from_slice([2, 2], &[1, 2, 3, 4]);
    ///     a.invert_axis(1);
    ///     assert_eq!(a.to_vec(), [2, 1, 4, 3]);
    ///     a[[0, 0]] = 9; // writes the element that was [0, 1]
    ///     a.invert_axis(1);
    ///     assert_eq!(a.to_vec(), [1, 9, 3, 4]);
    /// });
    /// ```
    #[track_caller]
    pub fn invert_axis(&mut self, axis: usize) {
        self.raw.invert(axis);
    }

    /// A mutable view with a new axis of length 1 at position `axis`
    /// (`M == N + 1`), as [`insert_axis`](ArrayView::insert_axis).
    ///
    /// # Panics
    /// If `axis > N`.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let mut a = s.alloc::<i32, 1>([2]);
    ///     a.insert_axis_mut(0)[[0, 1]] = 5;
    ///     assert_eq!(a.to_vec(), [0, 5]);
    /// });
    /// ```
    #[track_caller]
    pub fn insert_axis_mut<const M: usize>(&mut self, axis: usize) -> PtrArray<'_, T, M>
    where
        Rank<N>: OneMore<M>,
    {
        let raw = self.raw.with_axis::<M>(axis);
        // SAFETY: the same elements, uniquely borrowed via `&mut self`; the
        // new axis has length 1, so no two indices share an element.
        unsafe { PtrArray::from_raw(raw.ptr, raw.shape, raw.strides) }
    }

    /// A mutable view without `axis` (index 0 of it), as
    /// [`remove_axis`](ArrayView::remove_axis).
    ///
    /// # Panics
    /// If `axis >= N` or the axis has length 0.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let mut a = s.alloc::<i32, 2>([1, 3]);
    ///     a.remove_axis_mut(0).fill(7);
    ///     assert_eq!(a.to_vec(), [7, 7, 7]);
    /// });
    /// ```
    #[track_caller]
    pub fn remove_axis_mut<const M: usize>(&mut self, axis: usize) -> PtrArray<'_, T, M>
    where
        Rank<N>: OneLess<M>,
    {
        let raw = self.raw.without_axis::<M>(axis);
        // SAFETY: a subset of the elements, uniquely borrowed via `&mut self`.
        unsafe { PtrArray::from_raw(raw.ptr, raw.shape, raw.strides) }
    }

    /// Swaps the elements at indices `a` and `b` (nothing happens if they
    /// are equal).
    ///
    /// # Panics
    /// If either index is out of bounds (the message gives it and the
    /// shape).
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let mut a = s.alloc_from_slice([2, 2], &[1, 2, 3, 4]);
    ///     a.swap([0, 0], [1, 1]);
    ///     assert_eq!(a.to_vec(), [4, 2, 3, 1]);
    /// });
    /// ```
    #[track_caller]
    pub fn swap(&mut self, a: [usize; N], b: [usize; N]) {
        let pa = self
            .raw
            .ptr_at(&a)
            .unwrap_or_else(|| self.raw.index_out_of_bounds(&a));
        let pb = self
            .raw
            .ptr_at(&b)
            .unwrap_or_else(|| self.raw.index_out_of_bounds(&b));
        // SAFETY: both are elements of the array, uniquely borrowed via
        // `&mut self`; `ptr::swap` allows them to be the same element.
        unsafe { core::ptr::swap(pa.as_ptr(), pb.as_ptr()) }
    }
}

impl<T> PtrArray<'_, T, 2> {
    /// The main diagonal as a mutable view.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let mut a = s.alloc::<f64, 2>([3, 3]);
    ///     a.diag_mut().fill(1.0);
    ///     assert_eq!(a.to_vec(), s.eye::<f64>(3).to_vec());
    /// });
    /// ```
    pub fn diag_mut(&mut self) -> PtrArray<'_, T, 1> {
        let raw = self.raw.diagonal();
        // SAFETY: a subset of the elements (distinct: [i, i] for distinct
        // i), uniquely borrowed via `&mut self`.
        unsafe { PtrArray::from_raw(raw.ptr, raw.shape, raw.strides) }
    }
}

impl<'s> Scope<'s> {
    /// The `n × n` identity matrix.
    ///
    /// # Panics
    /// If the scope cannot allocate it.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     assert_eq!(s.eye::<i32>(2).to_vec(), [1, 0, 0, 1]);
    /// });
    /// ```
    #[track_caller]
    pub fn eye<T: Copy + Zero + One>(&self, n: usize) -> PtrArray<'s, T, 2> {
        let mut a = self.alloc_filled([n, n], T::zero());
        a.diag_mut().fill(T::one());
        a
    }

    /// `n` evenly spaced values from `start` to `end`, both included
    /// (`[start]` if `n == 1`, empty if `n == 0`), as ndarray's and NumPy's
    /// `linspace`.
    ///
    /// # Panics
    /// If `n − 1` is not representable in `T`, or the scope cannot allocate.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     assert_eq!(s.linspace(0.0, 1.0, 5).to_vec(), [0.0, 0.25, 0.5, 0.75, 1.0]);
    ///     assert_eq!(s.linspace(3.0_f32, 9.0, 1).to_vec(), [3.0]);
    /// });
    /// ```
    #[track_caller]
    pub fn linspace<T: Float + FromPrimitive>(
        &self,
        start: T,
        end: T,
        n: usize,
    ) -> PtrArray<'s, T, 1> {
        if n < 2 {
            return self.alloc_filled([n], start);
        }
        let Some(steps) = T::from_usize(n - 1) else {
            panic!("linspace: {n} points cannot be counted in the element type")
        };
        let step = (end - start) / steps;
        let mut a = self.alloc_with([n], |[i]| {
            start + step * T::from_usize(i).expect("i < n, which is representable")
        });
        a[[n - 1]] = end; // exactly `end`, whatever the rounding of the steps
        a
    }

    /// The values `start, start + step, …` before `end` (`end` excluded),
    /// as ndarray's `range`: `ceil((end − start) / step)` elements, none if
    /// that is not positive.
    ///
    /// # Panics
    /// If `step` is zero or NaN, or the element count is not finite.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     assert_eq!(s.range(0.0, 1.0, 0.25).to_vec(), [0.0, 0.25, 0.5, 0.75]);
    ///     assert_eq!(s.range(5.0, 2.0, -1.5).to_vec(), [5.0, 3.5]);
    ///     assert_eq!(s.range(0.0, 1.0, -1.0).len(), 0);
    /// });
    /// ```
    #[track_caller]
    pub fn range<T: Float + FromPrimitive>(&self, start: T, end: T, step: T) -> PtrArray<'s, T, 1> {
        assert!(
            step != T::zero() && !step.is_nan(),
            "range: the step must be a nonzero number, got {:?}",
            step.to_f64()
        );
        let count = ((end - start) / step).ceil();
        assert!(
            count.is_finite() || count.is_nan(),
            "range: from {:?} to {:?} by {:?} is not a finite number of elements",
            start.to_f64(),
            end.to_f64(),
            step.to_f64()
        );
        let n = count.to_usize().unwrap_or(0); // negative or NaN: none
        self.alloc_with([n], |[i]| {
            start + step * T::from_usize(i).expect("i < n, which came from T")
        })
    }
}
