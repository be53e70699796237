//! [`ArrayView`]: a shared, read-only, `Copy` strided array (like `&'a [T]`).

use core::marker::PhantomData;
use core::ops::Index;
use core::slice;

use super::iter::{IndexedIter, Iter};
use super::raw::RawArray;
use super::PtrArray;

/// A shared, read-only view of strided N-dimensional data: the `&'a [T]`
/// of this crate. It is `Copy`; get one with [`PtrArray::view`] or
/// `ArrayView::from(&array)`.
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

    /// The length of each axis.
    ///
    /// ```
    /// bumper::no_escape(|s| assert_eq!(s.alloc::<u8, 3>([2, 3, 4]).view().shape(), [2, 3, 4]));
    /// ```
    #[inline]
    pub fn shape(&self) -> [usize; N] {
        self.raw.shape
    }

    /// The distance in elements between neighbours along each axis.
    ///
    /// ```
    /// bumper::no_escape(|s| assert_eq!(s.alloc::<u8, 3>([2, 3, 4]).view().strides(), [12, 4, 1]));
    /// ```
    #[inline]
    pub fn strides(&self) -> [isize; N] {
        self.raw.strides
    }

    /// The number of elements.
    ///
    /// ```
    /// bumper::no_escape(|s| assert_eq!(s.alloc::<u8, 2>([2, 3]).view().len(), 6));
    /// ```
    #[inline]
    pub fn len(&self) -> usize {
        self.raw.len()
    }

    /// Whether there are no elements (some axis has length 0).
    ///
    /// ```
    /// bumper::no_escape(|s| assert!(s.alloc::<u8, 2>([2, 0]).view().is_empty()));
    /// ```
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Address of element `[0, 0, ...]`.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc::<u8, 1>([4]);
    ///     assert_eq!(a.view().as_ptr(), a.as_ptr());
    /// });
    /// ```
    #[inline]
    pub fn as_ptr(&self) -> *const T {
        self.raw.ptr.as_ptr()
    }

    /// The elements as a slice, if they are contiguous in row-major order
    /// (`None` for, say, a transposed view).
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_from_slice([2, 2], &[1, 2, 3, 4]);
    ///     assert_eq!(a.view().as_slice(), Some(&[1, 2, 3, 4][..]));
    /// });
    /// ```
    #[inline]
    pub fn as_slice(&self) -> Option<&'a [T]> {
        // SAFETY: the view grants shared access to its elements for 'a.
        unsafe { self.raw.slice_parts() }.map(|(p, len)| unsafe {
            // SAFETY: contiguous, initialised, valid for reads for 'a.
            slice::from_raw_parts(p.as_ptr(), len)
        })
    }

    /// The element at `index`, or `None` if out of bounds.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_from_slice([2, 2], &[1, 2, 3, 4]);
    ///     assert_eq!(a.view().get([1, 0]), Some(&3));
    ///     assert_eq!(a.view().get([2, 0]), None);
    /// });
    /// ```
    #[inline]
    pub fn get(&self, index: [usize; N]) -> Option<&'a T> {
        // SAFETY: in bounds, so an initialised element readable for 'a.
        self.raw.ptr_at(&index).map(|p| unsafe { p.as_ref() })
    }

    /// Iterator over the elements in logical row-major order.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_from_slice([3], &[1, 2, 3]);
    ///     assert_eq!(a.view().iter().sum::<i32>(), 6);
    /// });
    /// ```
    #[inline]
    pub fn iter(&self) -> Iter<'a, T, N> {
        // SAFETY: the view grants shared access to its elements for 'a.
        unsafe { Iter::new(self.raw) }
    }

    /// Iterator over `(index, &element)` in logical row-major order.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_with([2, 3], |[i, j]| 10 * i + j);
    ///     assert!(a.view().indexed_iter().all(|([i, j], &x)| x == 10 * i + j));
    /// });
    /// ```
    pub fn indexed_iter(&self) -> IndexedIter<'a, T, N> {
        IndexedIter::new(self.iter(), self.raw.shape)
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

    /// A copy of the view (views are `Copy`; this mirrors [`PtrArray::view`]).
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc::<u8, 1>([2]);
    ///     let v = a.view();
    ///     assert_eq!(v.view().shape(), [2]);
    /// });
    /// ```
    #[inline]
    pub fn view(&self) -> ArrayView<'a, T, N> {
        *self
    }

    /// The elements, copied into a `Vec` in logical row-major order.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_with([2, 2], |[i, j]| i * 2 + j);
    ///     assert_eq!(a.view().to_vec(), [0, 1, 2, 3]);
    /// });
    /// ```
    pub fn to_vec(&self) -> Vec<T>
    where
        T: Clone,
    {
        match self.as_slice() {
            Some(s) => s.to_vec(),
            None => self.iter().cloned().collect(),
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

impl<T, const N: usize> Index<[usize; N]> for ArrayView<'_, T, N> {
    type Output = T;

    /// # Panics
    /// If `index` is out of bounds; the message names the index and the shape.
    #[inline]
    #[track_caller]
    fn index(&self, index: [usize; N]) -> &T {
        match self.get(index) {
            Some(x) => x,
            None => self.raw.index_out_of_bounds(&index),
        }
    }
}
