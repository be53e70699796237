//! Element iterators, in logical row-major order.

use core::fmt;
use core::marker::PhantomData;
use core::slice;

use super::layout;
use super::raw::{Cursor, RawArray};

enum Walk<S, T, const N: usize> {
    /// Contiguous row-major data: a plain slice iterator, which vectorises.
    Slice(S),
    /// Anything else: a strided cursor.
    Strided(Cursor<T, N>),
}

/// Iterator over `&T` in logical row-major order, from
/// [`ArrayView::iter`](super::ArrayView::iter) and
/// [`PtrArray::iter`](super::PtrArray::iter): `Clone`, exact-size and
/// double-ended. Over contiguous data it is a slice iterator.
///
/// ```
/// bumper::no_escape(|s| {
///     let a = s.alloc_from_slice([2, 2], &[1, 2, 3, 4]);
///     let v: Vec<i32> = a.iter().copied().collect();
///     assert_eq!(v, [1, 2, 3, 4]);
///     let mut it = a.t().iter();
///     assert_eq!((it.next(), it.next_back(), it.len()), (Some(&1), Some(&4), 2));
///     assert_eq!(it.clone().copied().collect::<Vec<_>>(), [3, 2]);
/// });
/// ```
pub struct Iter<'a, T, const N: usize> {
    walk: Walk<slice::Iter<'a, T>, T, N>,
    _life: PhantomData<&'a T>,
}

/// Iterator over `&mut T` in logical row-major order, from
/// [`PtrArray::iter_mut`](super::PtrArray::iter_mut): exact-size and
/// double-ended.
///
/// ```
/// bumper::no_escape(|s| {
///     let mut a = s.alloc::<i32, 1>([3]);
///     for (k, x) in a.iter_mut().enumerate() {
///         *x = k as i32 * 10;
///     }
///     assert_eq!(a.to_vec(), [0, 10, 20]);
/// });
/// ```
pub struct IterMut<'a, T, const N: usize> {
    walk: Walk<slice::IterMut<'a, T>, T, N>,
    _life: PhantomData<&'a mut T>,
}

// SAFETY: `Iter` hands out `&T` like `slice::Iter`, so it may cross threads
// when `&T` may (`T: Sync`).
unsafe impl<T: Sync, const N: usize> Send for Iter<'_, T, N> {}
// SAFETY: as above; sharing it only shares the ability to read `&T`.
unsafe impl<T: Sync, const N: usize> Sync for Iter<'_, T, N> {}
// SAFETY: `IterMut` hands out `&mut T` like `slice::IterMut`: sendable when
// `T: Send`, shareable when `T: Sync`.
unsafe impl<T: Send, const N: usize> Send for IterMut<'_, T, N> {}
// SAFETY: see above.
unsafe impl<T: Sync, const N: usize> Sync for IterMut<'_, T, N> {}

impl<'a, T, const N: usize> Iter<'a, T, N> {
    /// # Safety
    /// `raw` is valid for reads for `'a` (the `RawArray` invariant with
    /// lifetime `'a`), and nothing writes to it meanwhile.
    pub(crate) unsafe fn new(raw: RawArray<T, N>) -> Self {
        // SAFETY: the caller's guarantee covers the slice.
        let walk = match unsafe { raw.slice_parts() } {
            // SAFETY: contiguous, initialised, valid for reads for 'a.
            Some((p, len)) => Walk::Slice(unsafe { slice::from_raw_parts(p.as_ptr(), len) }.iter()),
            None => Walk::Strided(Cursor::new(raw)),
        };
        Iter {
            walk,
            _life: PhantomData,
        }
    }
}

impl<'a, T, const N: usize> IterMut<'a, T, N> {
    /// # Safety
    /// `raw` is valid for reads and writes for `'a`, nothing else accesses
    /// it meanwhile, and no two in-bounds indices share an element.
    pub(crate) unsafe fn new(raw: RawArray<T, N>) -> Self {
        // SAFETY: the caller's guarantee covers the slice.
        let walk = match unsafe { raw.slice_parts() } {
            // SAFETY: contiguous, initialised, exclusively ours for 'a.
            Some((p, len)) => {
                Walk::Slice(unsafe { slice::from_raw_parts_mut(p.as_ptr(), len) }.iter_mut())
            }
            None => Walk::Strided(Cursor::new(raw)),
        };
        IterMut {
            walk,
            _life: PhantomData,
        }
    }
}

impl<'a, T, const N: usize> Iterator for Iter<'a, T, N> {
    type Item = &'a T;

    #[inline]
    fn next(&mut self) -> Option<&'a T> {
        match &mut self.walk {
            Walk::Slice(it) => it.next(),
            // SAFETY: the cursor yields each in-bounds element once; they
            // are valid for reads for 'a (see `new`).
            Walk::Strided(c) => c.next().map(|p| unsafe { p.as_ref() }),
        }
    }

    /// Dispatches once on the layout, so a contiguous `sum` or `for_each`
    /// runs the slice loop (which vectorises) instead of re-checking per item.
    #[inline]
    fn fold<B, F: FnMut(B, &'a T) -> B>(self, init: B, mut f: F) -> B {
        match self.walk {
            Walk::Slice(it) => it.fold(init, f),
            // SAFETY: as in `next`: each element once, readable for 'a.
            Walk::Strided(c) => c.fold(init, |acc, p| f(acc, unsafe { p.as_ref() })),
        }
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.len();
        (n, Some(n))
    }
}

impl<T, const N: usize> Clone for Iter<'_, T, N> {
    fn clone(&self) -> Self {
        let walk = match &self.walk {
            Walk::Slice(it) => Walk::Slice(it.clone()),
            Walk::Strided(c) => Walk::Strided(*c),
        };
        Iter {
            walk,
            _life: PhantomData,
        }
    }
}

impl<'a, T, const N: usize> DoubleEndedIterator for Iter<'a, T, N> {
    #[inline]
    fn next_back(&mut self) -> Option<&'a T> {
        match &mut self.walk {
            Walk::Slice(it) => it.next_back(),
            // SAFETY: as in `next`: the cursor's two ends never cross, so
            // each element is yielded once, readable for 'a.
            Walk::Strided(c) => c.next_back().map(|p| unsafe { p.as_ref() }),
        }
    }
}

impl<T, const N: usize> ExactSizeIterator for Iter<'_, T, N> {
    fn len(&self) -> usize {
        match &self.walk {
            Walk::Slice(it) => it.len(),
            Walk::Strided(c) => c.remaining(),
        }
    }
}

impl<'a, T, const N: usize> Iterator for IterMut<'a, T, N> {
    type Item = &'a mut T;

    #[inline]
    fn next(&mut self) -> Option<&'a mut T> {
        match &mut self.walk {
            Walk::Slice(it) => it.next(),
            // SAFETY: the cursor yields each element once and elements do
            // not alias (see `new`), so the `&mut` are disjoint.
            Walk::Strided(c) => c.next().map(|mut p| unsafe { p.as_mut() }),
        }
    }

    /// Dispatches once on the layout (see [`Iter`]'s `fold`).
    #[inline]
    fn fold<B, F: FnMut(B, &'a mut T) -> B>(self, init: B, mut f: F) -> B {
        match self.walk {
            Walk::Slice(it) => it.fold(init, f),
            // SAFETY: as in `next`: each element once, exclusively ours for 'a.
            Walk::Strided(c) => c.fold(init, |acc, mut p| f(acc, unsafe { p.as_mut() })),
        }
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.len();
        (n, Some(n))
    }
}

impl<'a, T, const N: usize> DoubleEndedIterator for IterMut<'a, T, N> {
    #[inline]
    fn next_back(&mut self) -> Option<&'a mut T> {
        match &mut self.walk {
            Walk::Slice(it) => it.next_back(),
            // SAFETY: as in `next`: the cursor's two ends never cross, so
            // each element is yielded once and the `&mut` are disjoint.
            Walk::Strided(c) => c.next_back().map(|mut p| unsafe { p.as_mut() }),
        }
    }
}

impl<T, const N: usize> ExactSizeIterator for IterMut<'_, T, N> {
    fn len(&self) -> usize {
        match &self.walk {
            Walk::Slice(it) => it.len(),
            Walk::Strided(c) => c.remaining(),
        }
    }
}

impl<T, const N: usize> fmt::Debug for Iter<'_, T, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Iter")
            .field("remaining", &self.len())
            .finish()
    }
}

impl<T, const N: usize> fmt::Debug for IterMut<'_, T, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IterMut")
            .field("remaining", &self.len())
            .finish()
    }
}

/// Iterator over `(index, &T)` in logical row-major order, from
/// [`ArrayView::indexed_iter`](super::ArrayView::indexed_iter) and
/// [`PtrArray::indexed_iter`](super::PtrArray::indexed_iter).
///
/// ```
/// bumper::no_escape(|s| {
///     let a = s.alloc_from_slice([2, 2], &[5, 6, 7, 8]);
///     let v: Vec<([usize; 2], i32)> = a.indexed_iter().map(|(i, &x)| (i, x)).collect();
///     assert_eq!(v, [([0, 0], 5), ([0, 1], 6), ([1, 0], 7), ([1, 1], 8)]);
/// });
/// ```
pub struct IndexedIter<'a, T, const N: usize> {
    iter: Iter<'a, T, N>,
    index: [usize; N],
    shape: [usize; N],
}

impl<'a, T, const N: usize> IndexedIter<'a, T, N> {
    pub(crate) fn new(iter: Iter<'a, T, N>, shape: [usize; N]) -> Self {
        IndexedIter {
            iter,
            index: [0; N],
            shape,
        }
    }
}

impl<'a, T, const N: usize> Iterator for IndexedIter<'a, T, N> {
    type Item = ([usize; N], &'a T);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let x = self.iter.next()?;
        let i = self.index;
        layout::advance_row_major(&mut self.index, &self.shape);
        Some((i, x))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.iter.size_hint()
    }
}

impl<T, const N: usize> ExactSizeIterator for IndexedIter<'_, T, N> {}

impl<T, const N: usize> fmt::Debug for IndexedIter<'_, T, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IndexedIter")
            .field("next_index", &self.index)
            .field("remaining", &self.iter.len())
            .finish()
    }
}
