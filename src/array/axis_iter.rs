//! Iterators over sub-views: along an axis ([`outer_iter`], [`axis_iter`]),
//! in chunks or windows of an axis ([`axis_chunks_iter`], [`axis_windows`]),
//! and over the 1-D lanes of an axis ([`rows`], [`lanes`]), with `_mut`
//! forms on `PtrArray`. Every item is a view of the array's memory (no
//! copy); every iterator is exact-size and double-ended.
//!
//! [`outer_iter`]: super::ArrayView::outer_iter
//! [`axis_iter`]: super::ArrayView::axis_iter
//! [`axis_chunks_iter`]: super::ArrayView::axis_chunks_iter
//! [`axis_windows`]: super::ArrayView::axis_windows
//! [`rows`]: super::ArrayView::rows
//! [`lanes`]: super::ArrayView::lanes

use core::fmt;
use core::marker::PhantomData;
use core::ptr::NonNull;

use super::layout;
use super::rank::{OneLess, Rank};
use super::raw::{Cursor, RawArray};
use super::{ArrayView, PtrArray};

/// The items of an axis walk: item `k` (of `count`) starts `k * step`
/// elements after `ptr` and has layout `shape` / `strides`, except that the
/// last item's axis `short_axis` (if any) has length `last_len`.
///
/// Invariant: every item is a sub-layout of the array the walk came from;
/// for an empty array `step` is 0, so no pointer ever moves off a dangling
/// base.
struct Steps<T, const M: usize> {
    ptr: NonNull<T>,
    shape: [usize; M],
    strides: [isize; M],
    step: isize,
    short_axis: Option<(usize, usize)>,
    count: usize,
    front: usize,
    back: usize,
}

impl<T, const M: usize> Clone for Steps<T, M> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T, const M: usize> Copy for Steps<T, M> {}

impl<T, const M: usize> Steps<T, M> {
    fn new<const N: usize>(
        raw: &RawArray<T, N>,
        item_shape: [usize; M],
        item_strides: [isize; M],
        step: isize,
        count: usize,
        short_axis: Option<(usize, usize)>,
    ) -> Self {
        Steps {
            ptr: raw.ptr,
            shape: item_shape,
            strides: item_strides,
            step: if raw.len() == 0 { 0 } else { step },
            short_axis,
            count,
            front: 0,
            back: count,
        }
    }

    fn item(&self, k: usize) -> RawArray<T, M> {
        let mut shape = self.shape;
        if let Some((axis, len)) = self.short_axis {
            if k + 1 == self.count {
                shape[axis] = len;
            }
        }
        RawArray {
            // SAFETY: `k < count`, so item `k` starts at an element of the
            // array (or `step` is 0 for an empty one): the invariant.
            ptr: unsafe { self.ptr.offset(k as isize * self.step) },
            shape,
            strides: self.strides,
        }
    }

    #[inline]
    fn next(&mut self) -> Option<RawArray<T, M>> {
        (self.front < self.back).then(|| {
            self.front += 1;
            self.item(self.front - 1)
        })
    }

    #[inline]
    fn next_back(&mut self) -> Option<RawArray<T, M>> {
        (self.front < self.back).then(|| {
            self.back -= 1;
            self.item(self.back)
        })
    }

    fn len(&self) -> usize {
        self.back - self.front
    }
}

impl<T, const N: usize> RawArray<T, N> {
    /// The sub-arrays at each index of `axis`.
    #[track_caller]
    fn axis_steps<const M: usize>(&self, what: &str, axis: usize) -> Steps<T, M> {
        const { assert!(M + 1 == N, "M must be N - 1") };
        layout::check_axis::<N>(what, axis);
        Steps::new(
            self,
            layout::removed(&self.shape, axis),
            layout::removed(&self.strides, axis),
            self.strides[axis],
            self.shape[axis],
            None,
        )
    }

    /// Chunks of `size` indices along `axis`, the last one shorter.
    #[track_caller]
    fn chunk_steps(&self, axis: usize, size: usize) -> Steps<T, N> {
        layout::check_axis::<N>("axis_chunks_iter", axis);
        assert!(size > 0, "axis_chunks_iter: the chunk size must not be 0");
        let len = self.shape[axis];
        let count = len.div_ceil(size);
        let mut shape = self.shape;
        shape[axis] = size.min(len);
        let last = len - count.saturating_sub(1) * size;
        Steps::new(
            self,
            shape,
            self.strides,
            // At most `len` (distance of two chunk starts) when count > 1.
            if count > 1 {
                self.strides[axis] * size as isize
            } else {
                0
            },
            count,
            Some((axis, last)),
        )
    }

    /// Windows of `size` neighbouring indices along `axis`.
    #[track_caller]
    fn window_steps(&self, axis: usize, size: usize) -> Steps<T, N> {
        layout::check_axis::<N>("axis_windows", axis);
        assert!(size > 0, "axis_windows: the window size must not be 0");
        let len = self.shape[axis];
        let count = (len + 1).saturating_sub(size);
        let mut shape = self.shape;
        shape[axis] = size;
        Steps::new(self, shape, self.strides, self.strides[axis], count, None)
    }

    /// The lanes along `axis`: a cursor over their starts (axis `axis` of
    /// length 1), their length and stride.
    #[track_caller]
    fn lane_walk(&self, what: &str, axis: usize) -> (Cursor<T, N>, usize, isize) {
        layout::check_axis::<N>(what, axis);
        let mut starts = *self;
        starts.shape[axis] = 1;
        if self.len() == 0 {
            // Lanes of an empty array are empty (or there are none): keep
            // every start at the (possibly dangling) base pointer.
            starts.strides = [0; N];
        }
        (Cursor::new(starts), self.shape[axis], self.strides[axis])
    }
}

macro_rules! axis_iterator {
    ($(#[$doc:meta])* $name:ident, $item:ident, $life:ty, [$($bound:tt)*]) => {
        $(#[$doc])*
        pub struct $name<'a, T, const M: usize> {
            steps: Steps<T, M>,
            _life: PhantomData<$life>,
        }

        // SAFETY: the iterator hands out views with the access its array
        // had (shared: like `&'a [T]`; unique: like `&'a mut [T]`), so it
        // may cross or be shared between threads exactly when they may.
        unsafe impl<T: $($bound)*, const M: usize> Send for $name<'_, T, M> {}
        // SAFETY: `&Self` gives no access to elements at all.
        unsafe impl<T, const M: usize> Sync for $name<'_, T, M> {}

        impl<'a, T, const M: usize> Iterator for $name<'a, T, M> {
            type Item = $item<'a, T, M>;

            #[inline]
            fn next(&mut self) -> Option<Self::Item> {
                // SAFETY: see `item_from`.
                self.steps.next().map(|raw| unsafe { Self::item_from(raw) })
            }

            #[inline]
            fn size_hint(&self) -> (usize, Option<usize>) {
                (self.steps.len(), Some(self.steps.len()))
            }
        }

        impl<T, const M: usize> DoubleEndedIterator for $name<'_, T, M> {
            #[inline]
            fn next_back(&mut self) -> Option<Self::Item> {
                // SAFETY: see `item_from`.
                self.steps.next_back().map(|raw| unsafe { Self::item_from(raw) })
            }
        }

        impl<T, const M: usize> ExactSizeIterator for $name<'_, T, M> {}

        impl<T, const M: usize> core::iter::FusedIterator for $name<'_, T, M> {}

        impl<T, const M: usize> fmt::Debug for $name<'_, T, M> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($name))
                    .field("item_shape", &self.steps.shape)
                    .field("remaining", &self.steps.len())
                    .finish()
            }
        }
    };
}

axis_iterator!(
    /// Read-only sub-views along an axis, from `outer_iter`, `axis_iter`,
    /// `axis_chunks_iter` and `axis_windows` (on [`ArrayView`] and
    /// [`PtrArray`]): exact-size, double-ended, `Clone`.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let m = s.alloc_with([3, 2], |[i, j]| 10 * i + j);
    ///     let sums: Vec<usize> = m.outer_iter().map(|row| row.sum()).collect();
    ///     assert_eq!(sums, [1, 21, 41]);
    ///     assert_eq!(m.outer_iter().rev().next().unwrap().to_vec(), [20, 21]);
    /// });
    /// ```
    AxisIter, ArrayView, &'a T, [Sync]
);

axis_iterator!(
    /// Mutable sub-arrays along an axis, from `outer_iter_mut`,
    /// `axis_iter_mut` and `axis_chunks_iter_mut` on [`PtrArray`]: the
    /// items are disjoint, so they can be used at the same time.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let mut m = s.alloc::<i32, 2>([3, 2]);
    ///     for (k, mut row) in m.outer_iter_mut().enumerate() {
    ///         row.fill(k as i32);
    ///     }
    ///     assert_eq!(m.to_vec(), [0, 0, 1, 1, 2, 2]);
    /// });
    /// ```
    AxisIterMut, PtrArray, &'a mut T, [Send]
);

impl<'a, T, const M: usize> AxisIter<'a, T, M> {
    /// # Safety
    /// `raw` is an item of `steps` of an iterator made from a view valid
    /// for `'a` (a subset of its elements, shared for `'a`).
    #[inline]
    unsafe fn item_from(raw: RawArray<T, M>) -> ArrayView<'a, T, M> {
        // SAFETY: the caller's guarantee.
        unsafe { ArrayView::from_raw(raw) }
    }
}

impl<'a, T, const M: usize> AxisIterMut<'a, T, M> {
    /// # Safety
    /// `raw` is an item of `steps` of an iterator made from a unique borrow
    /// valid for `'a`; each item is yielded once.
    #[inline]
    unsafe fn item_from(raw: RawArray<T, M>) -> PtrArray<'a, T, M> {
        // SAFETY: axis and chunk items cover disjoint index ranges of one
        // axis, hence disjoint elements (no two indices of a PtrArray
        // share one), each handed out once: unique access for 'a.
        unsafe { PtrArray::from_raw(raw.ptr, raw.shape, raw.strides) }
    }
}

impl<T, const M: usize> Clone for AxisIter<'_, T, M> {
    fn clone(&self) -> Self {
        AxisIter {
            steps: self.steps,
            _life: PhantomData,
        }
    }
}

macro_rules! lanes_iterator {
    ($(#[$doc:meta])* $name:ident, $item:ident, $life:ty, [$($bound:tt)*], $from:expr) => {
        $(#[$doc])*
        pub struct $name<'a, T, const N: usize> {
            starts: Cursor<T, N>,
            len: usize,
            stride: isize,
            _life: PhantomData<$life>,
        }

        // SAFETY: as for the axis iterators: the lanes carry the access of
        // the array they came from.
        unsafe impl<T: $($bound)*, const N: usize> Send for $name<'_, T, N> {}
        // SAFETY: `&Self` gives no access to elements at all.
        unsafe impl<T, const N: usize> Sync for $name<'_, T, N> {}

        impl<'a, T, const N: usize> $name<'a, T, N> {
            #[inline]
            fn lane(&self, start: NonNull<T>) -> $item<'a, T, 1> {
                let raw = RawArray {
                    ptr: start,
                    shape: [self.len],
                    strides: [self.stride],
                };
                // SAFETY: `start` is the first element of a lane of the
                // array (index 0 on the lane's axis); the lane's elements
                // are elements of the array, and distinct lanes share none.
                // The access granted is the array's, for 'a.
                #[allow(clippy::redundant_closure_call)]
                unsafe { ($from)(raw) }
            }
        }

        impl<'a, T, const N: usize> Iterator for $name<'a, T, N> {
            type Item = $item<'a, T, 1>;

            #[inline]
            fn next(&mut self) -> Option<Self::Item> {
                let start = self.starts.next()?;
                Some(self.lane(start))
            }

            #[inline]
            fn size_hint(&self) -> (usize, Option<usize>) {
                (self.starts.remaining(), Some(self.starts.remaining()))
            }
        }

        impl<T, const N: usize> DoubleEndedIterator for $name<'_, T, N> {
            #[inline]
            fn next_back(&mut self) -> Option<Self::Item> {
                let start = self.starts.next_back()?;
                Some(self.lane(start))
            }
        }

        impl<T, const N: usize> ExactSizeIterator for $name<'_, T, N> {}

        impl<T, const N: usize> core::iter::FusedIterator for $name<'_, T, N> {}

        impl<T, const N: usize> fmt::Debug for $name<'_, T, N> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($name))
                    .field("lane_len", &self.len)
                    .field("remaining", &self.starts.remaining())
                    .finish()
            }
        }
    };
}

lanes_iterator!(
    /// Read-only 1-D lanes along an axis, from `rows` and `lanes` (on
    /// [`ArrayView`] and [`PtrArray`]), the other axes in row-major order:
    /// exact-size, double-ended, `Clone`.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let m = s.alloc_with([2, 3], |[i, j]| 10 * i + j);
    ///     let row_sums: Vec<usize> = m.rows().map(|r| r.sum()).collect();
    ///     assert_eq!(row_sums, [3, 33]);
    ///     let col_sums: Vec<usize> = m.lanes(0).map(|c| c.sum()).collect();
    ///     assert_eq!(col_sums, [10, 12, 14]);
    /// });
    /// ```
    Lanes, ArrayView, &'a T, [Sync], |raw| ArrayView::from_raw(raw)
);

lanes_iterator!(
    /// Mutable 1-D lanes along an axis, from `rows_mut` and `lanes_mut` on
    /// [`PtrArray`]: the lanes are disjoint.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let mut m = s.alloc_filled([2, 3], 1);
    ///     for (k, mut col) in m.lanes_mut(0).enumerate() {
    ///         col *= k as i32;
    ///     }
    ///     assert_eq!(m.to_vec(), [0, 1, 2, 0, 1, 2]);
    /// });
    /// ```
    LanesMut, PtrArray, &'a mut T, [Send],
    |raw: RawArray<T, 1>| PtrArray::from_raw(raw.ptr, raw.shape, raw.strides)
);

impl<T, const N: usize> Clone for Lanes<'_, T, N> {
    fn clone(&self) -> Self {
        Lanes { ..*self }
    }
}

read_methods! {
    /// The sub-views along axis 0 (for a matrix, its rows), one rank lower
    /// (`M == N - 1`, inferred). Each item is a view, no copy.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let m = s.alloc_with([2, 3], |[i, j]| 10 * i + j);
    ///     let mut rows = m.outer_iter();
    ///     assert_eq!(rows.len(), 2);
    ///     assert_eq!(rows.next().unwrap().to_vec(), [0, 1, 2]);
    ///     assert_eq!(rows.next_back().unwrap().to_vec(), [10, 11, 12]);
    ///     assert!(rows.next().is_none());
    /// });
    /// ```
    pub fn outer_iter<const M: usize>(&'r self) -> AxisIter<'a, T, M>
    where
        Rank<N>: OneLess<M>,
    {
        self.axis_iter(0)
    }

    /// The sub-views at each index of `axis`, one rank lower (`M == N - 1`,
    /// inferred): `axis_iter(1)` of a matrix gives its columns.
    ///
    /// # Panics
    /// If `axis >= N`.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let m = s.alloc_with([2, 3], |[i, j]| 10 * i + j);
    ///     let cols: Vec<Vec<usize>> = m.axis_iter(1).map(|c| c.to_vec()).collect();
    ///     assert_eq!(cols, [[0, 10], [1, 11], [2, 12]]);
    /// });
    /// ```
    #[track_caller]
    pub fn axis_iter<const M: usize>(&'r self, axis: usize) -> AxisIter<'a, T, M>
    where
        Rank<N>: OneLess<M>,
    {
        AxisIter {
            steps: self.raw.axis_steps("axis_iter", axis),
            _life: PhantomData,
        }
    }

    /// Views of `size` consecutive indices of `axis` each (the last one
    /// shorter if `size` does not divide the length), same rank.
    ///
    /// # Panics
    /// If `axis >= N` or `size == 0`.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_with([5], |[i]| i);
    ///     let chunks: Vec<Vec<usize>> = a.axis_chunks_iter(0, 2).map(|c| c.to_vec()).collect();
    ///     assert_eq!(chunks, [vec![0, 1], vec![2, 3], vec![4]]);
    /// });
    /// ```
    #[track_caller]
    pub fn axis_chunks_iter(&'r self, axis: usize, size: usize) -> AxisIter<'a, T, N> {
        AxisIter {
            steps: self.raw.chunk_steps(axis, size),
            _life: PhantomData,
        }
    }

    /// Overlapping views of `size` consecutive indices of `axis`, one per
    /// start `0..=len - size` (none if `size > len`), same rank.
    ///
    /// # Panics
    /// If `axis >= N` or `size == 0`.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_with([4], |[i]| i);
    ///     let sums: Vec<usize> = a.axis_windows(0, 2).map(|w| w.sum()).collect();
    ///     assert_eq!(sums, [1, 3, 5]);
    /// });
    /// ```
    #[track_caller]
    pub fn axis_windows(&'r self, axis: usize, size: usize) -> AxisIter<'a, T, N> {
        AxisIter {
            steps: self.raw.window_steps(axis, size),
            _life: PhantomData,
        }
    }

    /// The 1-D lanes along the last axis (for a matrix, its rows), the
    /// other axes in row-major order.
    ///
    /// # Panics
    /// If the array has rank 0.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_with([2, 2, 3], |[i, j, k]| 100 * i + 10 * j + k);
    ///     let firsts: Vec<usize> = a.rows().map(|r| r[[0]]).collect();
    ///     assert_eq!(firsts, [0, 10, 100, 110]);
    /// });
    /// ```
    #[track_caller]
    pub fn rows(&'r self) -> Lanes<'a, T, N> {
        self.lanes(N.wrapping_sub(1))
    }

    /// The 1-D lanes along `axis`: for each index of the other axes (in
    /// row-major order), the elements along `axis`. `lanes(0)` of a matrix
    /// gives its columns.
    ///
    /// # Panics
    /// If `axis >= N`.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let m = s.alloc_with([2, 3], |[i, j]| 10 * i + j);
    ///     let cols: Vec<Vec<usize>> = m.lanes(0).map(|c| c.to_vec()).collect();
    ///     assert_eq!(cols, [[0, 10], [1, 11], [2, 12]]);
    /// });
    /// ```
    #[track_caller]
    pub fn lanes(&'r self, axis: usize) -> Lanes<'a, T, N> {
        let (starts, len, stride) = self.raw.lane_walk("lanes", axis);
        Lanes {
            starts,
            len,
            stride,
            _life: PhantomData,
        }
    }
}

impl<T, const N: usize> PtrArray<'_, T, N> {
    /// Mutable sub-arrays along axis 0, one rank lower (`M == N - 1`,
    /// inferred).
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let mut m = s.alloc::<u8, 2>([2, 2]);
    ///     m.outer_iter_mut().next_back().unwrap().fill(7);
    ///     assert_eq!(m.to_vec(), [0, 0, 7, 7]);
    /// });
    /// ```
    pub fn outer_iter_mut<const M: usize>(&mut self) -> AxisIterMut<'_, T, M>
    where
        Rank<N>: OneLess<M>,
    {
        self.axis_iter_mut(0)
    }

    /// Mutable sub-arrays at each index of `axis`, one rank lower.
    ///
    /// # Panics
    /// If `axis >= N`.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let mut m = s.alloc::<usize, 2>([2, 3]);
    ///     for (j, mut col) in m.axis_iter_mut(1).enumerate() {
    ///         col.fill(j);
    ///     }
    ///     assert_eq!(m.to_vec(), [0, 1, 2, 0, 1, 2]);
    /// });
    /// ```
    #[track_caller]
    pub fn axis_iter_mut<const M: usize>(&mut self, axis: usize) -> AxisIterMut<'_, T, M>
    where
        Rank<N>: OneLess<M>,
    {
        AxisIterMut {
            steps: self.raw.axis_steps("axis_iter_mut", axis),
            _life: PhantomData,
        }
    }

    /// Mutable chunks of `size` indices of `axis` (the last one shorter).
    ///
    /// # Panics
    /// If `axis >= N` or `size == 0`.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let mut a = s.alloc::<usize, 1>([5]);
    ///     for (k, mut c) in a.axis_chunks_iter_mut(0, 2).enumerate() {
    ///         c.fill(k);
    ///     }
    ///     assert_eq!(a.to_vec(), [0, 0, 1, 1, 2]);
    /// });
    /// ```
    #[track_caller]
    pub fn axis_chunks_iter_mut(&mut self, axis: usize, size: usize) -> AxisIterMut<'_, T, N> {
        AxisIterMut {
            steps: self.raw.chunk_steps(axis, size),
            _life: PhantomData,
        }
    }

    /// Mutable 1-D lanes along the last axis.
    ///
    /// # Panics
    /// If the array has rank 0.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let mut m = s.alloc::<usize, 2>([2, 2]);
    ///     for (i, mut r) in m.rows_mut().enumerate() {
    ///         r.fill(i);
    ///     }
    ///     assert_eq!(m.to_vec(), [0, 0, 1, 1]);
    /// });
    /// ```
    #[track_caller]
    pub fn rows_mut(&mut self) -> LanesMut<'_, T, N> {
        self.lanes_mut(N.wrapping_sub(1))
    }

    /// Mutable 1-D lanes along `axis`.
    ///
    /// # Panics
    /// If `axis >= N`.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let mut m = s.alloc::<usize, 2>([2, 2]);
    ///     m.lanes_mut(0).last().unwrap().fill(5); // the last column
    ///     assert_eq!(m.to_vec(), [0, 5, 0, 5]);
    /// });
    /// ```
    #[track_caller]
    pub fn lanes_mut(&mut self, axis: usize) -> LanesMut<'_, T, N> {
        let (starts, len, stride) = self.raw.lane_walk("lanes_mut", axis);
        LanesMut {
            starts,
            len,
            stride,
            _life: PhantomData,
        }
    }
}
