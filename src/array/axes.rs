//! Views without copying: transpose, axis permutations, slices (with
//! steps), fixing an index, reshaping contiguous data, broadcasting, and
//! splitting. Each is a change of pointer, shape and strides.

use core::ops::{
    Bound, Range, RangeBounds, RangeFrom, RangeFull, RangeInclusive, RangeTo, RangeToInclusive,
};

use super::error::ShapeError;
use super::layout;
use super::rank::{OneLess, Rank};
use super::raw::RawArray;
use super::{ArrayView, PtrArray};

/// One axis of a multi-axis [`slice`](ArrayView::slice): a range of
/// indices and a step. Build it from any range (`..`, `1..`, `..4`,
/// `1..4`, `1..=3`) and add a step with [`step_by`](Slice::step_by); a
/// negative step walks the range backwards. The [`s!`](crate::s) macro
/// writes all the axes at once in ndarray's syntax.
///
/// Bounds are `usize`, `isize` or `i32`; a negative bound counts from the
/// end of the axis (`-1` is the last index), as in ndarray. Integer
/// literals with no other type to go by are `i32`, so `Slice::from(1..-1)`
/// works as written.
///
/// ```
/// use bumper::array::Slice;
///
/// bumper::no_escape(|s| {
///     let a = s.alloc_with([3, 6], |[i, j]| 10 * i + j);
///     let v = a.slice([Slice::from(1..), Slice::from(..).step_by(-2)]);
///     assert_eq!(v.shape(), [2, 3]);
///     assert_eq!(v.to_vec(), [15, 13, 11, 25, 23, 21]);
///     // Negative bounds count from the end: columns 1..5.
///     let inner = a.slice([Slice::from(..), Slice::from(1..-1)]);
///     assert_eq!(inner.shape(), [3, 4]);
///     assert_eq!(inner[[0, 0]], 1);
/// });
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Slice {
    start: Bound<Position>,
    end: Bound<Position>,
    step: isize,
}

/// A bound of a [`Slice`]: an index from the start of the axis, or a
/// distance back from its end (`FromEnd(1)` is the last index; never
/// `FromEnd(0)`). Two cases rather than one `isize`, so every `usize`
/// bound stays exact.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Position {
    FromStart(usize),
    FromEnd(usize),
}

impl Position {
    /// The index on an axis of length `len`, or `None` if it would be
    /// before the start.
    fn on_axis(self, len: usize) -> Option<usize> {
        match self {
            Position::FromStart(i) => Some(i),
            Position::FromEnd(k) => len.checked_sub(k),
        }
    }

    /// The index just after this position on an axis of length `len`
    /// (for an inclusive end or an exclusive start), or `None` if it
    /// would be before the start or overflow. `-1` gives `len`, also on an
    /// empty axis: `..=-1` means "to the end", as in ndarray.
    fn after_on_axis(self, len: usize) -> Option<usize> {
        match self {
            Position::FromStart(i) => i.checked_add(1),
            Position::FromEnd(k) => len.checked_sub(k - 1),
        }
    }

    /// As written in a range: `3`, `-2`.
    fn text(self) -> String {
        match self {
            Position::FromStart(i) => i.to_string(),
            Position::FromEnd(k) => format!("-{k}"),
        }
    }

    /// The position one further on (for an excluded start bound).
    fn text_plus_one(self) -> String {
        match self {
            Position::FromStart(i) => format!("{}", i as u128 + 1),
            Position::FromEnd(k) => format!("-{}", k as u128 - 1),
        }
    }
}

/// Integer types a [`Slice`] bound may have.
trait SliceIndex: Copy {
    fn position(self) -> Position;
}

impl SliceIndex for usize {
    fn position(self) -> Position {
        Position::FromStart(self)
    }
}

impl SliceIndex for isize {
    fn position(self) -> Position {
        match usize::try_from(self) {
            Ok(i) => Position::FromStart(i),
            Err(_) => Position::FromEnd(self.unsigned_abs()),
        }
    }
}

impl SliceIndex for i32 {
    fn position(self) -> Position {
        (self as isize).position()
    }
}

impl Slice {
    /// The same range, taking every `step`-th index; a negative step starts
    /// from the end of the range.
    ///
    /// # Panics
    /// If `step` is 0.
    ///
    /// ```
    /// use bumper::array::Slice;
    ///
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_with([7], |[i]| i);
    ///     assert_eq!(a.slice([Slice::from(1..6).step_by(2)]).to_vec(), [1, 3, 5]);
    ///     assert_eq!(a.slice([Slice::from(1..6).step_by(-2)]).to_vec(), [5, 3, 1]);
    /// });
    /// ```
    #[track_caller]
    pub fn step_by(self, step: isize) -> Slice {
        assert!(step != 0, "Slice::step_by: the step must not be 0");
        Slice { step, ..self }
    }

    fn from_bounds<I: SliceIndex>(r: impl RangeBounds<I>) -> Slice {
        Slice {
            start: r.start_bound().map(|&i| i.position()),
            end: r.end_bound().map(|&i| i.position()),
            step: 1,
        }
    }

    /// The range in Rust syntax, for messages: `2..5`, `1..=3`, `..`, `-2..`.
    fn range_text(&self) -> String {
        let start = match self.start {
            Bound::Included(s) => s.text(),
            Bound::Excluded(s) => s.text_plus_one(),
            Bound::Unbounded => String::new(),
        };
        let end = match self.end {
            Bound::Included(e) => format!("..={}", e.text()),
            Bound::Excluded(e) => format!("..{}", e.text()),
            Bound::Unbounded => "..".to_string(),
        };
        start + &end
    }

    /// The first index, the count and the step on an axis of length `len`.
    #[track_caller]
    fn resolve(&self, axis: usize, len: usize) -> (usize, usize, isize) {
        let start = match self.start {
            Bound::Included(s) => s.on_axis(len),
            Bound::Excluded(s) => s.after_on_axis(len),
            Bound::Unbounded => Some(0),
        };
        let end = match self.end {
            Bound::Included(e) => e.after_on_axis(len),
            Bound::Excluded(e) => e.on_axis(len),
            Bound::Unbounded => Some(len),
        };
        let (start, end) = match (start, end) {
            (Some(s), Some(e)) if s <= e && e <= len => (s, e),
            _ => panic!(
                "slice {} is out of bounds for axis {axis} of length {len}",
                self.range_text()
            ),
        };
        let step = self.step.unsigned_abs();
        let count = (end - start).div_ceil(step);
        if self.step > 0 || count == 0 {
            (start, count, self.step)
        } else {
            // Backwards: from the last index of the range.
            (end - 1, count, self.step)
        }
    }
}

macro_rules! slice_from_range {
    ($($i:ty),*) => {$(
        impl From<Range<$i>> for Slice {
            /// The indices of the range, step 1.
            fn from(r: Range<$i>) -> Slice {
                Slice::from_bounds(r)
            }
        }
        impl From<RangeFrom<$i>> for Slice {
            /// The indices of the range, step 1.
            fn from(r: RangeFrom<$i>) -> Slice {
                Slice::from_bounds(r)
            }
        }
        impl From<RangeTo<$i>> for Slice {
            /// The indices of the range, step 1.
            fn from(r: RangeTo<$i>) -> Slice {
                Slice::from_bounds(r)
            }
        }
        impl From<RangeInclusive<$i>> for Slice {
            /// The indices of the range, step 1.
            fn from(r: RangeInclusive<$i>) -> Slice {
                Slice::from_bounds(r)
            }
        }
        impl From<RangeToInclusive<$i>> for Slice {
            /// The indices of the range, step 1.
            fn from(r: RangeToInclusive<$i>) -> Slice {
                Slice::from_bounds(r)
            }
        }
    )*};
}
slice_from_range!(usize, isize, i32);

impl From<RangeFull> for Slice {
    /// Every index, step 1.
    fn from(_: RangeFull) -> Slice {
        Slice::from_bounds::<usize>(..)
    }
}

/// ndarray's slicing syntax: one range per axis, each with an optional
/// `;step`, giving the `[Slice; N]` that [`slice`](crate::ArrayView::slice)
/// and [`slice_mut`](crate::PtrArray::slice_mut) take.
///
/// - a negative bound counts from the end of the axis: `1..-1` drops the
///   first and last index, `-2..` keeps the last two;
/// - `;step` takes every `step`-th index; a negative step walks the
///   range backwards from its last index (the range is chosen first, then
///   walked): `2..5;-1` is indices 4, 3, 2;
/// - bounds may be any integer expressions of type `usize`, `isize` or
///   `i32` (plain literals are `i32`), steps are `isize`.
///
/// Unlike ndarray's `s!`, every item is a range (a plain index would
/// change the rank; use [`index_axis`](crate::ArrayView::index_axis)).
///
/// # Panics
/// `slice` panics if a range is out of bounds for its axis (the message
/// names the range as written, the axis and its length); `s!` panics if a
/// step is 0.
///
/// ```
/// use bumper::s;
///
/// bumper::no_escape(|sc| {
///     let a = sc.alloc_with([4, 6], |[i, j]| 10 * i + j);
///     let v = a.slice(s![1..-1, ..;2]);
///     assert_eq!(v.to_vec(), [10, 12, 14, 20, 22, 24]);
///     assert_eq!(a.slice(s![-1.., 2..5;-1]).to_vec(), [34, 33, 32]);
///     assert_eq!(a.slice(s![..=1, -2..]).to_vec(), [4, 5, 14, 15]);
///
///     let mut b = sc.alloc::<i32, 2>([3, 3]);
///     b.slice_mut(s![.., ..;2]).fill(1);
///     assert_eq!(b.to_vec(), [1, 0, 1, 1, 0, 1, 1, 0, 1]);
/// });
/// ```
#[macro_export]
macro_rules! s {
    ($($range:expr $(; $step:expr)?),* $(,)?) => {
        [$({
            // `1..-1` is a valid slice, not the empty range clippy takes it for.
            #[allow(clippy::reversed_empty_ranges)]
            let range = $range;
            $crate::array::Slice::from(range) $(.step_by($step))?
        }),*]
    };
}

impl<T, const N: usize> RawArray<T, N> {
    #[track_caller]
    pub(crate) fn permuted(self, perm: [usize; N]) -> Self {
        let mut seen = [false; N];
        for &p in &perm {
            assert!(
                p < N && !seen[p],
                "permuted_axes: {perm:?} is not a permutation of the {N} axes"
            );
            seen[p] = true;
        }
        RawArray {
            ptr: self.ptr,
            shape: perm.map(|p| self.shape[p]),
            strides: perm.map(|p| self.strides[p]),
        }
    }

    #[track_caller]
    pub(crate) fn sliced(self, slices: [Slice; N]) -> Self {
        let mut out = self;
        let mut offset = 0isize;
        for (axis, slice) in slices.iter().enumerate() {
            let (first, count, step) = slice.resolve(axis, self.shape[axis]);
            // Wrapping arithmetic: in a non-empty array these are element
            // distances, which fit, so the results are exact; an empty array
            // (another axis of length 0) may have axes longer than
            // `isize::MAX` and meaningless strides, and its offset is reset
            // to 0 below.
            if count > 0 {
                offset = offset.wrapping_add((first as isize).wrapping_mul(self.strides[axis]));
            }
            out.shape[axis] = count;
            // With two or more elements, `stride * step` is the distance
            // between two of them. With at most one, no step is ever taken
            // and the stride is arbitrary: keep the old one, as `stride *
            // step` may overflow (a huge step on a short axis).
            if count > 1 {
                out.strides[axis] = self.strides[axis].wrapping_mul(step);
            }
        }
        if out.shape.contains(&0) {
            offset = 0;
        }
        // SAFETY: every axis with elements starts at an in-bounds index, so
        // `offset` is the offset of an element; for an empty result it is 0.
        out.ptr = unsafe { self.ptr.offset(offset) };
        out
    }

    #[track_caller]
    pub(crate) fn indexed<const M: usize>(self, axis: usize, i: usize) -> RawArray<T, M> {
        const { assert!(M + 1 == N, "index_axis::<M>: M must be N - 1") };
        layout::check_axis::<N>("index_axis", axis);
        assert!(
            i < self.shape[axis],
            "index_axis: index {i} is out of bounds for axis {axis} of length {}",
            self.shape[axis]
        );
        // An array with an empty axis has no elements: its pointer may be
        // dangling, so it must not move.
        let offset = if self.shape.contains(&0) {
            0
        } else {
            i as isize * self.strides[axis]
        };
        RawArray {
            // SAFETY: either 0, or `i` is in bounds on `axis` (index 0 on the
            // others) of a non-empty array: the offset of an element.
            ptr: unsafe { self.ptr.offset(offset) },
            shape: layout::removed(&self.shape, axis),
            strides: layout::removed(&self.strides, axis),
        }
    }

    pub(crate) fn reshaped<const M: usize>(
        self,
        dims: [usize; M],
    ) -> Result<RawArray<T, M>, ShapeError> {
        let len = self.len();
        if layout::checked_len(&dims) != Some(len) {
            return Err(ShapeError::LengthMismatch {
                dims: dims.to_vec(),
                expected: layout::checked_len(&dims).unwrap_or(usize::MAX),
                actual: len,
            });
        }
        if !self.is_standard() {
            return Err(ShapeError::NotContiguous {
                shape: self.shape.to_vec(),
                strides: self.strides.to_vec(),
            });
        }
        Ok(RawArray {
            ptr: self.ptr,
            shape: dims,
            strides: layout::row_major_strides(&dims),
        })
    }

    pub(crate) fn broadcast<const M: usize>(
        self,
        dims: [usize; M],
    ) -> Result<RawArray<T, M>, ShapeError> {
        if M < N {
            return Err(ShapeError::RankTooLow { from: N, to: M });
        }
        let lead = M - N;
        let incompatible = || ShapeError::Incompatible {
            left: dims.to_vec(),
            right: self.shape.to_vec(),
        };
        let mut strides = [0isize; M];
        for axis in lead..M {
            let (have, want) = (self.shape[axis - lead], dims[axis]);
            if have == want {
                strides[axis] = self.strides[axis - lead];
            } else if have != 1 {
                return Err(incompatible());
            }
        }
        layout::check_len(&dims)?;
        Ok(RawArray {
            ptr: self.ptr,
            shape: dims,
            strides,
        })
    }

    #[track_caller]
    pub(crate) fn split(self, axis: usize, i: usize) -> (Self, Self) {
        layout::check_axis::<N>("split_at", axis);
        let len = self.shape[axis];
        assert!(
            i <= len,
            "split_at: index {i} is out of bounds for axis {axis} of length {len}"
        );
        let mut left = self;
        let mut right = self;
        left.shape[axis] = i;
        right.shape[axis] = len - i;
        if right.shape[axis] > 0 && !right.shape.contains(&0) {
            // SAFETY: index `i < len` on `axis` (0 elsewhere) is in bounds.
            right.ptr = unsafe { self.ptr.offset(i as isize * self.strides[axis]) };
        }
        (left, right)
    }
}

/// A whole-axis slice of `range` on `axis`, everything on the others.
#[track_caller]
fn axis_slices<const N: usize>(
    axis: usize,
    range: impl RangeBounds<usize>,
    step: isize,
) -> [Slice; N] {
    layout::check_axis::<N>("slice_axis", axis);
    let mut slices = [Slice::from(..); N];
    slices[axis] = Slice::from_bounds::<usize>(range).step_by(step);
    slices
}

impl<'a, T, const N: usize> ArrayView<'a, T, N> {
    /// A view of `len` elements of `data` in row-major order with shape `dims`.
    ///
    /// # Errors
    /// [`ShapeError::LengthMismatch`] if `dims` does not hold `data.len()` elements.
    ///
    /// ```
    /// use bumper::ArrayView;
    ///
    /// let data = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
    /// let v = ArrayView::from_slice([2, 3], &data).unwrap();
    /// assert_eq!(v[[1, 0]], 4.0);
    /// assert!(ArrayView::from_slice([4, 2], &data).is_err());
    /// ```
    pub fn from_slice(dims: [usize; N], data: &'a [T]) -> Result<Self, ShapeError> {
        let raw = RawArray {
            ptr: core::ptr::NonNull::from(data).cast::<T>(),
            shape: [data.len()],
            strides: [1],
        };
        // SAFETY: a slice is a valid row-major rank-1 array for 'a.
        let flat = unsafe { ArrayView::from_raw(raw) };
        flat.reshape(dims)
    }
}

read_methods! {
    /// The axes in a new order: axis `k` of the result is axis `perm[k]` of `self`.
    ///
    /// # Panics
    /// If `perm` is not a permutation of `0..N`.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc::<u8, 3>([2, 3, 4]);
    ///     let p = a.view().permuted_axes([2, 0, 1]);
    ///     assert_eq!(p.shape(), [4, 2, 3]);
    ///     assert_eq!(p.strides(), [1, 12, 4]);
    /// });
    /// ```
    #[track_caller]
    pub fn permuted_axes(&'r self, perm: [usize; N]) -> ArrayView<'a, T, N> {
        // SAFETY: the same elements, read-only, for 'a.
        unsafe { ArrayView::from_raw(self.raw.permuted(perm)) }
    }

    /// The part of the array with indices in `range` along `axis`.
    ///
    /// # Panics
    /// If `axis` or `range` is out of bounds.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_with([3, 4], |[i, j]| 10 * i + j);
    ///     let v = a.view().slice_axis(1, 1..3);
    ///     assert_eq!(v.to_vec(), [1, 2, 11, 12, 21, 22]);
    /// });
    /// ```
    #[track_caller]
    pub fn slice_axis(&'r self, axis: usize, range: impl RangeBounds<usize>) -> ArrayView<'a, T, N> {
        self.slice(axis_slices(axis, range, 1))
    }

    /// Every `step`-th index of `range` along `axis`; a negative step walks
    /// backwards from the end of the range.
    ///
    /// # Panics
    /// If `axis` or `range` is out of bounds, or `step` is 0.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_with([6], |[i]| i);
    ///     assert_eq!(a.view().slice_axis_step(0, .., 2).to_vec(), [0, 2, 4]);
    ///     assert_eq!(a.view().slice_axis_step(0, .., -1).to_vec(), [5, 4, 3, 2, 1, 0]);
    /// });
    /// ```
    #[track_caller]
    pub fn slice_axis_step(
        &'r self,
        axis: usize,
        range: impl RangeBounds<usize>,
        step: isize,
    ) -> ArrayView<'a, T, N> {
        self.slice(axis_slices(axis, range, step))
    }

    /// A slice on every axis at once (see [`Slice`]).
    ///
    /// # Panics
    /// If a range is out of bounds.
    ///
    /// ```
    /// use bumper::array::Slice;
    ///
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_with([4, 4], |[i, j]| 10 * i + j);
    ///     let corner = a.view().slice([Slice::from(2..), Slice::from(..2)]);
    ///     assert_eq!(corner.to_vec(), [20, 21, 30, 31]);
    /// });
    /// ```
    #[track_caller]
    pub fn slice(&'r self, slices: [Slice; N]) -> ArrayView<'a, T, N> {
        // SAFETY: a subset of the same elements, read-only, for 'a.
        unsafe { ArrayView::from_raw(self.raw.sliced(slices)) }
    }

    /// The sub-array at index `i` of `axis`, one rank lower (`M == N - 1`,
    /// checked at compile time).
    ///
    /// # Panics
    /// If `axis` or `i` is out of bounds.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_with([2, 3], |[i, j]| 10 * i + j);
    ///     let col = a.view().index_axis::<1>(1, 2);
    ///     assert_eq!(col.to_vec(), [2, 12]);
    /// });
    /// ```
    #[track_caller]
    pub fn index_axis<const M: usize>(&'r self, axis: usize, i: usize) -> ArrayView<'a, T, M>
    where
        Rank<N>: OneLess<M>,
    {
        // SAFETY: a subset of the same elements, read-only, for 'a.
        unsafe { ArrayView::from_raw(self.raw.indexed::<M>(axis, i)) }
    }

    /// The same elements with shape `dims`, if they are contiguous in
    /// row-major order.
    ///
    /// # Errors
    /// [`ShapeError::LengthMismatch`] if `dims` holds a different number of
    /// elements, [`ShapeError::NotContiguous`] for a strided layout.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_with([6], |[i]| i);
    ///     let m = a.view().reshape([2, 3]).unwrap();
    ///     assert_eq!(m[[1, 0]], 3);
    ///     assert!(m.t().reshape([6]).is_err()); // transposed: not contiguous
    /// });
    /// ```
    pub fn reshape<const M: usize>(
        &'r self,
        dims: [usize; M],
    ) -> Result<ArrayView<'a, T, M>, ShapeError> {
        // SAFETY: the same elements, read-only, for 'a.
        self.raw
            .reshaped(dims)
            .map(|raw| unsafe { ArrayView::from_raw(raw) })
    }

    /// A read-only view with shape `dims` (rank `M >= N`): new axes are
    /// added in front, and axes of length 1 repeat (stride 0).
    ///
    /// # Errors
    /// [`ShapeError::RankTooLow`] if `M < N`, [`ShapeError::Incompatible`]
    /// if an axis is neither equal to the target nor 1,
    /// [`ShapeError::TooManyElements`] if `dims` holds more than `isize::MAX`
    /// elements (a shape with a zero-length axis holds none).
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let row = s.alloc_from_slice([3], &[1, 2, 3]);
    ///     let b = row.view().broadcast_to([2, 3]).unwrap();
    ///     assert_eq!(b.strides(), [0, 1]);
    ///     assert_eq!(b.to_vec(), [1, 2, 3, 1, 2, 3]);
    /// });
    /// ```
    pub fn broadcast_to<const M: usize>(
        &'r self,
        dims: [usize; M],
    ) -> Result<ArrayView<'a, T, M>, ShapeError> {
        // SAFETY: the same elements, read-only (repeating is fine for
        // shared access), for 'a.
        self.raw
            .broadcast(dims)
            .map(|raw| unsafe { ArrayView::from_raw(raw) })
    }

    /// Two views: indices `..i` and `i..` of `axis`.
    ///
    /// # Panics
    /// If `axis` is out of bounds or `i` exceeds its length.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_with([5], |[i]| i);
    ///     let (l, r) = a.view().split_at(0, 2);
    ///     assert_eq!((l.to_vec(), r.to_vec()), (vec![0, 1], vec![2, 3, 4]));
    /// });
    /// ```
    #[track_caller]
    pub fn split_at(&'r self, axis: usize, i: usize) -> (ArrayView<'a, T, N>, ArrayView<'a, T, N>) {
        let (l, r) = self.raw.split(axis, i);
        // SAFETY: two subsets of the same elements, read-only, for 'a.
        unsafe { (ArrayView::from_raw(l), ArrayView::from_raw(r)) }
    }
}

read_methods! {
    rank 2;
    /// The transpose of a matrix: axes swapped, no copy.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_with([2, 3], |[i, j]| 10 * i + j);
    ///     let t = a.view().t();
    ///     assert_eq!(t.shape(), [3, 2]);
    ///     assert_eq!(t.to_vec(), [0, 10, 1, 11, 2, 12]);
    /// });
    /// ```
    pub fn t(&'r self) -> ArrayView<'a, T, 2> {
        self.permuted_axes([1, 0])
    }
}

impl<T> PtrArray<'_, T, 2> {
    /// Mutable transpose of a matrix.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let mut a = s.alloc::<i32, 2>([2, 3]);
    ///     a.t_mut()[[2, 1]] = 7; // element [1, 2] of `a`
    ///     assert_eq!(a[[1, 2]], 7);
    /// });
    /// ```
    pub fn t_mut(&mut self) -> PtrArray<'_, T, 2> {
        self.permuted_axes_mut([1, 0])
    }
}

impl<'a, T, const N: usize> PtrArray<'a, T, N> {
    /// Mutable view with permuted axes.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let mut a = s.alloc::<u8, 2>([2, 3]);
    ///     a.permuted_axes_mut([1, 0])[[2, 0]] = 9;
    ///     assert_eq!(a[[0, 2]], 9);
    /// });
    /// ```
    #[track_caller]
    pub fn permuted_axes_mut(&mut self, perm: [usize; N]) -> PtrArray<'_, T, N> {
        let raw = self.raw.permuted(perm);
        // SAFETY: a permutation of `self`'s axes: the same elements.
        unsafe { self.reborrow_as(raw) }
    }

    /// Mutable slice along one axis.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let mut a = s.alloc::<i32, 2>([2, 4]);
    ///     a.slice_axis_mut(1, 2..).fill(1);
    ///     assert_eq!(a.to_vec(), [0, 0, 1, 1, 0, 0, 1, 1]);
    /// });
    /// ```
    #[track_caller]
    pub fn slice_axis_mut(
        &mut self,
        axis: usize,
        range: impl RangeBounds<usize>,
    ) -> PtrArray<'_, T, N> {
        self.slice_mut(axis_slices(axis, range, 1))
    }

    /// Mutable slice with a step.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let mut a = s.alloc::<i32, 1>([6]);
    ///     a.slice_axis_step_mut(0, .., 3).fill(1);
    ///     assert_eq!(a.to_vec(), [1, 0, 0, 1, 0, 0]);
    /// });
    /// ```
    #[track_caller]
    pub fn slice_axis_step_mut(
        &mut self,
        axis: usize,
        range: impl RangeBounds<usize>,
        step: isize,
    ) -> PtrArray<'_, T, N> {
        self.slice_mut(axis_slices(axis, range, step))
    }

    /// Mutable slice on every axis.
    ///
    /// ```
    /// use bumper::array::Slice;
    ///
    /// bumper::no_escape(|s| {
    ///     let mut a = s.alloc::<u8, 2>([2, 2]);
    ///     a.slice_mut([Slice::from(1..), Slice::from(..1)]).fill(5);
    ///     assert_eq!(a.to_vec(), [0, 0, 5, 0]);
    /// });
    /// ```
    #[track_caller]
    pub fn slice_mut(&mut self, slices: [Slice; N]) -> PtrArray<'_, T, N> {
        let raw = self.raw.sliced(slices);
        // SAFETY: a slice of `self`: a subset of its elements, none twice
        // (a step is never 0).
        unsafe { self.reborrow_as(raw) }
    }

    /// Mutable sub-array at index `i` of `axis`.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let mut a = s.alloc::<u8, 2>([2, 3]);
    ///     a.index_axis_mut::<1>(0, 1).fill(4);
    ///     assert_eq!(a.to_vec(), [0, 0, 0, 4, 4, 4]);
    /// });
    /// ```
    #[track_caller]
    pub fn index_axis_mut<const M: usize>(&mut self, axis: usize, i: usize) -> PtrArray<'_, T, M>
    where
        Rank<N>: OneLess<M>,
    {
        let raw = self.raw.indexed::<M>(axis, i);
        // SAFETY: a subset of the elements, uniquely borrowed via `&mut self`.
        unsafe { PtrArray::from_raw(raw.ptr, raw.shape, raw.strides) }
    }

    /// Mutable reshape of contiguous data.
    ///
    /// # Errors
    /// As [`ArrayView::reshape`].
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let mut a = s.alloc::<u8, 1>([4]);
    ///     a.reshape_mut([2, 2]).unwrap()[[1, 0]] = 3;
    ///     assert_eq!(a.to_vec(), [0, 0, 3, 0]);
    /// });
    /// ```
    pub fn reshape_mut<const M: usize>(
        &mut self,
        dims: [usize; M],
    ) -> Result<PtrArray<'_, T, M>, ShapeError> {
        let raw = self.raw.reshaped(dims)?;
        // SAFETY: the same elements, uniquely borrowed via `&mut self`.
        Ok(unsafe { PtrArray::from_raw(raw.ptr, raw.shape, raw.strides) })
    }

    /// Two mutable halves: indices `..i` and `i..` of `axis`; they can be
    /// used at the same time, for example on two threads.
    ///
    /// # Panics
    /// If `axis` is out of bounds or `i` exceeds its length.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let mut a = s.alloc::<u32, 2>([4, 2]);
    ///     let (mut top, mut bottom) = a.split_at_mut(0, 1);
    ///     std::thread::scope(|t| {
    ///         t.spawn(|| top.fill(1));
    ///         t.spawn(|| bottom.fill(2));
    ///     });
    ///     assert_eq!(a.to_vec(), [1, 1, 2, 2, 2, 2, 2, 2]);
    /// });
    /// ```
    #[track_caller]
    pub fn split_at_mut(
        &mut self,
        axis: usize,
        i: usize,
    ) -> (PtrArray<'_, T, N>, PtrArray<'_, T, N>) {
        let (l, r) = self.raw.split(axis, i);
        // SAFETY: the halves cover disjoint index ranges of `axis`, hence
        // disjoint elements (allocations never alias indices), each uniquely
        // borrowed for the borrow of `self`.
        unsafe {
            (
                PtrArray::from_raw(l.ptr, l.shape, l.strides),
                PtrArray::from_raw(r.ptr, r.shape, r.strides),
            )
        }
    }

    /// Splits the array itself (not a borrow of it) into indices `..i` and
    /// `i..` of `axis`: both halves keep the full lifetime `'a`, so they can
    /// be moved into other threads' jobs.
    ///
    /// # Panics
    /// If `axis` is out of bounds or `i` exceeds its length.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_with([4], |[i]| i as u32);
    ///     let (mut l, mut r) = a.into_split_at(0, 1);
    ///     l.fill(9);
    ///     r += 1;
    ///     assert_eq!((l.to_vec(), r.to_vec()), (vec![9], vec![2, 3, 4]));
    /// });
    /// ```
    #[track_caller]
    pub fn into_split_at(self, axis: usize, i: usize) -> (PtrArray<'a, T, N>, PtrArray<'a, T, N>) {
        let (l, r) = self.raw.split(axis, i);
        // SAFETY: `self` is consumed; the halves cover disjoint index ranges
        // of `axis`, hence disjoint elements, each uniquely owned for 'a.
        unsafe {
            (
                PtrArray::from_raw(l.ptr, l.shape, l.strides),
                PtrArray::from_raw(r.ptr, r.shape, r.strides),
            )
        }
    }

    /// A mutable view with layout `raw`, borrowing `self` uniquely. (The
    /// layout is computed by the caller, not by a closure passed in here, so
    /// that `#[track_caller]` carries a bad argument's panic to the user.)
    ///
    /// # Safety
    /// `raw` is derived from `self.raw`: a subset or rearrangement of the
    /// same elements, never repeating one.
    unsafe fn reborrow_as(&mut self, raw: RawArray<T, N>) -> PtrArray<'_, T, N> {
        // SAFETY: the caller's guarantee: distinct elements of `self`, which
        // `&mut self` borrows uniquely.
        unsafe { PtrArray::from_raw(raw.ptr, raw.shape, raw.strides) }
    }
}
