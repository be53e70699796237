//! The raw-pointer core shared by [`PtrArray`](super::PtrArray) and
//! [`ArrayView`](super::ArrayView): a pointer to element `[0, 0, ...]`, a
//! shape and signed element strides.

use core::ptr::NonNull;

use super::layout;

/// Pointer, shape and strides. Holds no lifetime: the wrappers add it.
///
/// Invariant (upheld by every constructor): for every in-bounds index `i`,
/// `ptr.offset(sum(i[k] * strides[k]))` points to an initialised `T`, in one
/// allocation that lives as long as the wrapper's lifetime, and the total
/// element count fits in `isize`.
pub(crate) struct RawArray<T, const N: usize> {
    pub(crate) ptr: NonNull<T>,
    pub(crate) shape: [usize; N],
    pub(crate) strides: [isize; N],
}

impl<T, const N: usize> Clone for RawArray<T, N> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T, const N: usize> Copy for RawArray<T, N> {}

impl<T, const N: usize> RawArray<T, N> {
    #[inline]
    pub(crate) fn len(&self) -> usize {
        layout::len_of(&self.shape)
    }

    /// Whether the data is one contiguous block in row-major order.
    #[inline]
    pub(crate) fn is_standard(&self) -> bool {
        layout::is_standard(&self.shape, &self.strides)
    }

    /// Pointer to the element at `index`, or `None` if out of bounds.
    #[inline]
    pub(crate) fn ptr_at(&self, index: &[usize; N]) -> Option<NonNull<T>> {
        let off = layout::offset_of(&self.shape, &self.strides, index)?;
        // SAFETY: `index` is in bounds, so `off` is the offset of an element
        // of the array, inside its allocation (type invariant).
        Some(unsafe { self.ptr.offset(off) })
    }

    /// The elements as a slice, if contiguous in row-major order.
    ///
    /// # Safety
    /// The caller picks the lifetime and the mutability: it must be one the
    /// wrapper grants.
    #[inline]
    pub(crate) unsafe fn slice_parts(&self) -> Option<(NonNull<T>, usize)> {
        self.is_standard().then_some((self.ptr, self.len()))
    }

    /// The elements as a slice in memory order, if they fill one
    /// contiguous block in some axis order (reversed axes included): the
    /// block's lowest address and its length.
    ///
    /// # Safety
    /// As for [`slice_parts`](RawArray::slice_parts).
    #[inline]
    pub(crate) unsafe fn memory_slice_parts(&self) -> Option<(NonNull<T>, usize)> {
        if self.is_standard() {
            return Some((self.ptr, self.len()));
        }
        let (low, len) = layout::memory_block(&self.shape, &self.strides)?;
        // SAFETY: a non-empty block (an empty one is standard): `low` is
        // the offset of its lowest element, an element of the array.
        Some((unsafe { self.ptr.offset(low) }, len))
    }

    /// The message of an out-of-bounds index panic.
    #[cold]
    #[inline(never)]
    #[track_caller]
    pub(crate) fn index_out_of_bounds(&self, index: &[usize; N]) -> ! {
        panic!(
            "index {index:?} is out of bounds for an array of shape {:?}",
            self.shape
        )
    }
}

/// Walks the elements of a strided array in row-major order, the last axis
/// fastest, with one add per step (and a multiply only when an axis wraps),
/// from the front and from the back.
pub(crate) struct Cursor<T, const N: usize> {
    raw: RawArray<T, N>,
    /// Index and element offset of the next element from the front.
    index: [usize; N],
    offset: isize,
    /// Index and element offset of the next element from the back.
    back_index: [usize; N],
    back_offset: isize,
    remaining: usize,
}

impl<T, const N: usize> Clone for Cursor<T, N> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T, const N: usize> Copy for Cursor<T, N> {}

impl<T, const N: usize> Cursor<T, N> {
    pub(crate) fn new(raw: RawArray<T, N>) -> Self {
        let remaining = raw.len();
        let (back_index, back_offset) = if remaining == 0 {
            ([0; N], 0)
        } else {
            let last = raw.shape.map(|len| len - 1);
            // In bounds, so the offset fits (the RawArray invariant).
            let off = (0..N).map(|k| last[k] as isize * raw.strides[k]).sum();
            (last, off)
        };
        Cursor {
            remaining,
            raw,
            index: [0; N],
            offset: 0,
            back_index,
            back_offset,
        }
    }

    #[inline]
    pub(crate) fn remaining(&self) -> usize {
        self.remaining
    }

    /// Folds over the remaining elements in order. A cursor that has not
    /// moved yet walks whole rows (one stride step per element, no index
    /// bookkeeping); one already in the middle goes element by element.
    #[inline]
    pub(crate) fn fold<B>(mut self, init: B, mut f: impl FnMut(B, NonNull<T>) -> B) -> B {
        let mut acc = Some(init);
        if self.remaining == self.raw.len() {
            let base = self.raw.ptr;
            layout::for_each_row(
                &self.raw.shape,
                [&self.raw.strides],
                layout::Traversal::Logical,
                |[off], [stride], len| {
                    let mut a = acc.take().expect("set between rows");
                    // SAFETY: the row starts at an element of the array.
                    let mut p = unsafe { base.offset(off) }.as_ptr();
                    for _ in 0..len {
                        // SAFETY: `p` is an element of the row (the first
                        // `len` steps stay in it), so not null.
                        a = f(a, unsafe { NonNull::new_unchecked(p) });
                        // May point past the row after the last element;
                        // it is not used then.
                        p = p.wrapping_offset(stride);
                    }
                    acc = Some(a);
                },
            );
            return acc.expect("set after the last row");
        }
        let mut a = acc.take().expect("set above");
        while let Some(p) = self.next() {
            a = f(a, p);
        }
        a
    }

    #[inline]
    pub(crate) fn next(&mut self) -> Option<NonNull<T>> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        // SAFETY: `index` is in bounds (it walks the shape in row-major
        // order and `remaining` counts what is left), and `offset` is its
        // element offset.
        let p = unsafe { self.raw.ptr.offset(self.offset) };
        if self.remaining > 0 {
            for axis in (0..N).rev() {
                self.index[axis] += 1;
                self.offset += self.raw.strides[axis];
                if self.index[axis] < self.raw.shape[axis] {
                    break;
                }
                self.offset -= self.raw.strides[axis] * self.raw.shape[axis] as isize;
                self.index[axis] = 0;
            }
        }
        Some(p)
    }

    #[inline]
    pub(crate) fn next_back(&mut self) -> Option<NonNull<T>> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        // SAFETY: `back_index` is in bounds (it walks the shape backwards
        // in row-major order, and `remaining` counts what is left), and
        // `back_offset` is its element offset.
        let p = unsafe { self.raw.ptr.offset(self.back_offset) };
        if self.remaining > 0 {
            for axis in (0..N).rev() {
                if self.back_index[axis] > 0 {
                    self.back_index[axis] -= 1;
                    self.back_offset -= self.raw.strides[axis];
                    break;
                }
                let last = self.raw.shape[axis] - 1;
                self.back_index[axis] = last;
                self.back_offset += self.raw.strides[axis] * last as isize;
            }
        }
        Some(p)
    }
}
