//! [`ArrayView`]: a shared, read-only, `Copy` strided array (like `&'a [T]`).

use core::marker::PhantomData;

use super::raw::RawArray;
use super::PtrArray;

/// A shared, read-only view of strided N-dimensional data: the `&'a [T]`
/// of this crate. It is `Copy`; get one with [`PtrArray::view`] or
/// `ArrayView::from(&array)`.
///
/// Its read methods are the same as [`PtrArray`]'s (written once for
/// both). In their signatures `&'r self` returning `'a` means that views,
/// references and iterators made from a view keep the view's own lifetime
/// `'a`, not the borrow of the variable that holds it:
///
/// ```
/// use bumper::ArrayView;
///
/// fn last_column<'a>(m: ArrayView<'a, f32, 2>) -> ArrayView<'a, f32, 1> {
///     m.index_axis(1, m.shape()[1] - 1) // `m` is a local; the result lives for 'a
/// }
/// bumper::no_escape(|s| {
///     let m = s.alloc_with([2, 2], |[i, j]| (2 * i + j) as f32);
///     assert_eq!(last_column(m.view()).to_vec(), [1.0, 3.0]);
/// });
/// ```
///
/// ```
/// bumper::no_escape(|s| {
///     let a = s.alloc_from_slice([2, 3], &[1, 2, 3, 4, 5, 6]);
///     let v = a.view();
///     let w = v; // Copy
///     assert_eq!(v.shape(), [2, 3]);
///     assert_eq!(w[[1, 2]], 6);
/// });
/// ```
pub struct ArrayView<'a, T, const N: usize> {
    pub(crate) raw: RawArray<T, N>,
    _life: PhantomData<&'a T>,
}

// SAFETY: an ArrayView is a shared borrow of `T`s, like `&'a [T]`: it may
// cross threads, or be shared between them, when `T: Sync`.
unsafe impl<T: Sync, const N: usize> Send for ArrayView<'_, T, N> {}
// SAFETY: as above.
unsafe impl<T: Sync, const N: usize> Sync for ArrayView<'_, T, N> {}

impl<T, const N: usize> Clone for ArrayView<'_, T, N> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T, const N: usize> Copy for ArrayView<'_, T, N> {}

impl<'a, T, const N: usize> ArrayView<'a, T, N> {
    /// # Safety
    /// `raw` satisfies the `RawArray` invariant for `'a`, and nothing writes
    /// to its elements during `'a`.
    #[inline]
    pub(crate) unsafe fn from_raw(raw: RawArray<T, N>) -> Self {
        ArrayView {
            raw,
            _life: PhantomData,
        }
    }

    /// A view of memory you vouch for: element `[i, j, ...]` is at
    /// `ptr.offset(i * strides[0] + j * strides[1] + ...)`. The way in from
    /// other array libraries, e.g. an `ndarray` view (see the crate docs).
    ///
    /// # Safety
    /// For `'a`, every in-bounds index must address an initialised `T` inside
    /// one allocation that nothing writes to; `ptr` must be non-null and
    /// aligned; the element count must fit in `isize`.
    ///
    /// ```
    /// use bumper::ArrayView;
    ///
    /// let data = [1, 2, 3, 4, 5, 6];
    /// // SAFETY: a 3x2 column-major view of the 6 elements of `data`.
    /// let v = unsafe { ArrayView::from_raw_parts(data.as_ptr(), [3, 2], [1, 3]) };
    /// assert_eq!(v.to_vec(), [1, 4, 2, 5, 3, 6]);
    /// ```
    #[track_caller]
    pub unsafe fn from_raw_parts(ptr: *const T, shape: [usize; N], strides: [isize; N]) -> Self {
        let ptr = core::ptr::NonNull::new(ptr.cast_mut())
            .expect("ArrayView::from_raw_parts: null pointer");
        // SAFETY: the caller's guarantee is the RawArray invariant for 'a,
        // with shared access.
        unsafe {
            ArrayView::from_raw(RawArray {
                ptr,
                shape,
                strides,
            })
        }
    }
}

impl<'a, T, const N: usize> From<&'a PtrArray<'_, T, N>> for ArrayView<'a, T, N> {
    /// Borrows the array read-only, like [`PtrArray::view`].
    ///
    /// ```
    /// use bumper::ArrayView;
    ///
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_filled([2], 1_u8);
    ///     let v: ArrayView<'_, u8, 1> = (&a).into();
    ///     assert_eq!(v.len(), 2);
    /// });
    /// ```
    fn from(a: &'a PtrArray<'_, T, N>) -> Self {
        a.view()
    }
}

impl<'a, T, const N: usize> From<PtrArray<'a, T, N>> for ArrayView<'a, T, N> {
    /// Gives up the unique borrow for a shared one, like
    /// [`PtrArray::into_view`]: lets a freshly allocated array go straight
    /// where a view is expected.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_filled([2, 2], 1.0);
    ///     let c = a.matmul_in(s.alloc_filled([2, 1], 2.0), s);
    ///     assert_eq!(c.to_vec(), [4.0, 4.0]);
    /// });
    /// ```
    fn from(a: PtrArray<'a, T, N>) -> Self {
        a.into_view()
    }
}

impl<'a, T, const N: usize> From<&ArrayView<'a, T, N>> for ArrayView<'a, T, N> {
    /// Copies the view.
    ///
    /// ```
    /// use bumper::ArrayView;
    ///
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_filled([2], 1_u8);
    ///     let v = a.view();
    ///     let w: ArrayView<'_, u8, 1> = (&v).into();
    ///     assert_eq!(w.shape(), v.shape());
    /// });
    /// ```
    fn from(v: &ArrayView<'a, T, N>) -> Self {
        *v
    }
}
