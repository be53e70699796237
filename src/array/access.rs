//! What both array types share: shape queries, element access, iteration
//! and indexing, written once (see [`read_methods!`](super)).

use core::ops::Index;
use core::slice;

use super::iter::{IndexedIter, Iter, IterMut};
use super::{ArrayView, PtrArray};

read_methods! {
    /// The length of each axis.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc::<u8, 3>([2, 3, 4]);
    ///     assert_eq!(a.shape(), [2, 3, 4]);
    ///     assert_eq!(a.view().shape(), [2, 3, 4]);
    /// });
    /// ```
    #[inline]
    pub fn shape(&'r self) -> [usize; N] {
        self.raw.shape
    }

    /// The distance in elements between neighbours along each axis.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc::<u8, 3>([2, 3, 4]);
    ///     assert_eq!(a.strides(), [12, 4, 1]);
    ///     assert_eq!(a.permuted_axes([2, 1, 0]).strides(), [1, 4, 12]);
    /// });
    /// ```
    #[inline]
    pub fn strides(&'r self) -> [isize; N] {
        self.raw.strides
    }

    /// The number of elements.
    ///
    /// ```
    /// bumper::no_escape(|s| assert_eq!(s.alloc::<u8, 2>([2, 3]).len(), 6));
    /// ```
    #[inline]
    pub fn len(&'r self) -> usize {
        self.raw.len()
    }

    /// Whether there are no elements (some axis has length 0).
    ///
    /// ```
    /// bumper::no_escape(|s| assert!(s.alloc::<u8, 2>([2, 0]).view().is_empty()));
    /// ```
    #[inline]
    pub fn is_empty(&'r self) -> bool {
        self.len() == 0
    }

    /// Address of element `[0, 0, ...]`.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc::<u32, 1>([2]);
    ///     let b = s.alloc::<u32, 1>([2]);
    ///     assert_eq!(b.as_ptr() as usize - a.as_ptr() as usize, 8);
    ///     assert_eq!(a.view().as_ptr(), a.as_ptr());
    /// });
    /// ```
    #[inline]
    pub fn as_ptr(&'r self) -> *const T {
        self.raw.ptr.as_ptr()
    }

    /// A read-only view of the whole array: a borrow of a `PtrArray`, a
    /// copy of an `ArrayView`.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_filled([2, 2], 3_u8);
    ///     let v = a.view();
    ///     let w = v.view(); // views are Copy; this mirrors PtrArray::view
    ///     assert_eq!(w[[1, 1]], 3);
    /// });
    /// ```
    #[inline]
    pub fn view(&'r self) -> ArrayView<'a, T, N> {
        // SAFETY: shared access to the elements for 'a (see `read_methods!`).
        unsafe { ArrayView::from_raw(self.raw) }
    }

    /// The elements as a slice, if they are contiguous in row-major order
    /// (`None` for, say, a transposed view).
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_from_slice([2, 2], &[1, 2, 3, 4]);
    ///     assert_eq!(a.as_slice(), Some(&[1, 2, 3, 4][..]));
    ///     assert_eq!(a.t().as_slice(), None);
    /// });
    /// ```
    #[inline]
    pub fn as_slice(&'r self) -> Option<&'a [T]> {
        // SAFETY: shared access to the elements for 'a.
        let (p, len) = unsafe { self.raw.slice_parts() }?;
        // SAFETY: contiguous, initialised, valid for reads for 'a.
        Some(unsafe { slice::from_raw_parts(p.as_ptr(), len) })
    }

    /// The element at `index`, or `None` if out of bounds.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_from_slice([2, 2], &[1, 2, 3, 4]);
    ///     assert_eq!(a.get([1, 0]), Some(&3));
    ///     assert_eq!(a.view().get([2, 0]), None);
    /// });
    /// ```
    #[inline]
    pub fn get(&'r self, index: [usize; N]) -> Option<&'a T> {
        // SAFETY: in bounds, so an initialised element readable for 'a.
        self.raw.ptr_at(&index).map(|p| unsafe { p.as_ref() })
    }

    /// Iterator over the elements in logical row-major order (a slice
    /// iterator when the data is contiguous). It is `Clone`, exact-size and
    /// double-ended; `for x in &a` does the same.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_with([2, 2], |[i, j]| (i + 1) * (j + 1));
    ///     assert_eq!(a.iter().copied().collect::<Vec<_>>(), [1, 2, 2, 4]);
    ///     assert_eq!(a.t().iter().rev().copied().collect::<Vec<_>>(), [4, 2, 2, 1]);
    /// });
    /// ```
    #[inline]
    pub fn iter(&'r self) -> Iter<'a, T, N> {
        // SAFETY: shared access to the elements for 'a.
        unsafe { Iter::new(self.raw) }
    }

    /// Iterator over `(index, &element)` in logical row-major order.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_with([2, 3], |[i, j]| 10 * i + j);
    ///     assert!(a.indexed_iter().all(|([i, j], &x)| x == 10 * i + j));
    /// });
    /// ```
    pub fn indexed_iter(&'r self) -> IndexedIter<'a, T, N> {
        IndexedIter::new(self.iter(), self.raw.shape)
    }

    /// The elements, copied into a `Vec` in logical row-major order.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_with([2, 2], |[i, j]| i * 2 + j);
    ///     assert_eq!(a.to_vec(), [0, 1, 2, 3]);
    ///     assert_eq!(a.t().to_vec(), [0, 2, 1, 3]);
    /// });
    /// ```
    pub fn to_vec(&'r self) -> Vec<T>
    where
        T: Clone,
    {
        match self.as_slice() {
            Some(s) => s.to_vec(),
            None => self.iter().cloned().collect(),
        }
    }
}

macro_rules! index_impl {
    ($($ty:ident),*) => {$(
        impl<T, const N: usize> Index<[usize; N]> for $ty<'_, T, N> {
            type Output = T;

            /// # Panics
            /// If `index` is out of bounds; the message names the index and
            /// the shape.
            #[inline]
            #[track_caller]
            fn index(&self, index: [usize; N]) -> &T {
                match self.get(index) {
                    Some(x) => x,
                    None => self.raw.index_out_of_bounds(&index),
                }
            }
        }
    )*};
}
index_impl!(ArrayView, PtrArray);

macro_rules! view_into_iter {
    ($($ty:ty),*) => {$(
        impl<'a, T, const N: usize> IntoIterator for $ty {
            type Item = &'a T;
            type IntoIter = Iter<'a, T, N>;

            /// The elements in logical row-major order, for the view's
            /// lifetime `'a`.
            ///
            /// ```
            /// bumper::no_escape(|s| {
            ///     let a = s.alloc_from_slice([2, 2], &[1, 2, 3, 4]);
            ///     let t = a.t();
            ///     assert_eq!((&t).into_iter().copied().collect::<Vec<_>>(), [1, 3, 2, 4]);
            ///     let mut total = 0;
            ///     for x in t {
            ///         total += x;
            ///     }
            ///     assert_eq!(total, 10);
            /// });
            /// ```
            #[inline]
            fn into_iter(self) -> Iter<'a, T, N> {
                self.iter()
            }
        }
    )*};
}
view_into_iter!(ArrayView<'a, T, N>, &ArrayView<'a, T, N>);

impl<'r, T, const N: usize> IntoIterator for &'r PtrArray<'_, T, N> {
    type Item = &'r T;
    type IntoIter = Iter<'r, T, N>;

    /// The elements in logical row-major order.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_from_slice([3], &[1.5, 2.0, 0.5]);
    ///     let mut total = 0.0;
    ///     for x in &a {
    ///         total += x;
    ///     }
    ///     assert_eq!(total, 4.0);
    /// });
    /// ```
    #[inline]
    fn into_iter(self) -> Iter<'r, T, N> {
        self.iter()
    }
}

impl<'r, T, const N: usize> IntoIterator for &'r mut PtrArray<'_, T, N> {
    type Item = &'r mut T;
    type IntoIter = IterMut<'r, T, N>;

    /// Mutable references to the elements in logical row-major order.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let mut a = s.alloc_filled([2, 2], 1);
    ///     for x in &mut a {
    ///         *x *= 3;
    ///     }
    ///     assert_eq!(a.to_vec(), [3, 3, 3, 3]);
    /// });
    /// ```
    #[inline]
    fn into_iter(self) -> IterMut<'r, T, N> {
        self.iter_mut()
    }
}
