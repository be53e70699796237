//! [`PtrArray`]: a unique, mutable strided array (like `&'a mut [T]`).

use core::marker::PhantomData;
use core::mem::MaybeUninit;
use core::ops::IndexMut;
use core::ptr::NonNull;
use core::slice;

use super::error::ShapeError;
use super::iter::IterMut;
use super::raw::RawArray;
use super::ArrayView;

/// A strided N-dimensional array in scope (or buffer) memory, with unique,
/// mutable access to its elements for `'a`: the `&'a mut [T]` of this crate.
///
/// Allocations are row-major (C order). Element types are `Copy`, so there
/// are no destructors to run when the scope frees the memory.
///
/// `PtrArray` is `Send` / `Sync` exactly when `&mut [T]` is, so halves of
/// one array can go to different threads.
///
/// Every read method of [`ArrayView`] exists here too (they are written
/// once for both): in their signatures `&'r self` with `'r: 'a` means what
/// they return borrows the array. Methods that write (`*_mut`, `fill`,
/// `assign`, the `+=` operators, ...) are on `PtrArray` only.
///
/// ```
/// bumper::no_escape(|s| {
///     let mut m = s.alloc::<f64, 2>([2, 3]);
///     m[[0, 2]] = 1.0;
///     m[[1, 0]] = 2.0;
///     assert_eq!(m.shape(), [2, 3]);
///     assert_eq!(m.strides(), [3, 1]);
///     assert_eq!(m.to_vec(), [0.0, 0.0, 1.0, 2.0, 0.0, 0.0]);
/// });
/// ```
pub struct PtrArray<'a, T, const N: usize> {
    pub(crate) raw: RawArray<T, N>,
    _life: PhantomData<&'a mut T>,
}

// SAFETY: a PtrArray is a unique borrow of its elements, like `&'a mut [T]`,
// which is `Send` when `T: Send`.
unsafe impl<T: Send, const N: usize> Send for PtrArray<'_, T, N> {}
// SAFETY: `&PtrArray` only reads, like `&&mut [T]`: `Sync` when `T: Sync`.
unsafe impl<T: Sync, const N: usize> Sync for PtrArray<'_, T, N> {}

impl<'a, T, const N: usize> PtrArray<'a, T, N> {
    /// # Safety
    /// `ptr`, `shape` and `strides` satisfy the `RawArray` invariant for
    /// `'a`, no two in-bounds indices share an element, and nothing else
    /// accesses the elements during `'a`.
    #[inline(always)]
    pub(crate) unsafe fn from_raw(ptr: NonNull<T>, shape: [usize; N], strides: [isize; N]) -> Self {
        PtrArray {
            raw: RawArray {
                ptr,
                shape,
                strides,
            },
            _life: PhantomData,
        }
    }

    /// A mutable array over memory you lend it, in row-major order.
    ///
    /// # Errors
    /// [`ShapeError::LengthMismatch`] if `dims` does not hold `data.len()` elements.
    ///
    /// ```
    /// use bumper::PtrArray;
    ///
    /// let mut data = [0.0; 6];
    /// let mut m = PtrArray::from_slice_mut([2, 3], &mut data).unwrap();
    /// m[[1, 2]] = 1.0;
    /// assert_eq!(data[5], 1.0);
    /// ```
    pub fn from_slice_mut(dims: [usize; N], data: &'a mut [T]) -> Result<Self, ShapeError> {
        let flat = RawArray {
            shape: [data.len()],
            strides: [1],
            ptr: NonNull::from(data).cast::<T>(),
        };
        // The same length check as `reshape` (a flat slice is contiguous).
        let raw = flat.reshaped(dims)?;
        // SAFETY: a slice is `len` initialised elements, exclusively
        // borrowed for 'a; row-major strides map distinct indices to
        // distinct elements.
        Ok(unsafe { PtrArray::from_raw(raw.ptr, raw.shape, raw.strides) })
    }

    /// A mutable array over memory you vouch for (see
    /// [`ArrayView::from_raw_parts`]).
    ///
    /// # Safety
    /// As [`ArrayView::from_raw_parts`], and in addition: nothing else
    /// accesses the elements during `'a`, and no two in-bounds indices
    /// address the same element (no stride-0 axes of length > 1).
    ///
    /// ```
    /// use bumper::PtrArray;
    ///
    /// let mut data = [0u8; 4];
    /// // SAFETY: a 2x2 column-major layout over the 4 elements, borrowed mutably.
    /// let mut a = unsafe { PtrArray::from_raw_parts_mut(data.as_mut_ptr(), [2, 2], [1, 2]) };
    /// a[[0, 1]] = 7;
    /// assert_eq!(data, [0, 0, 7, 0]);
    /// ```
    #[track_caller]
    pub unsafe fn from_raw_parts_mut(ptr: *mut T, shape: [usize; N], strides: [isize; N]) -> Self {
        let ptr = NonNull::new(ptr).expect("PtrArray::from_raw_parts_mut: null pointer");
        // SAFETY: the caller's guarantee.
        unsafe { PtrArray::from_raw(ptr, shape, strides) }
    }

    /// Turns the unique borrow into a shared view for the whole of `'a`.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let v = s.alloc_filled([2], 3_u8).into_view();
    ///     let w = v; // views are Copy
    ///     assert_eq!(v.to_vec(), w.to_vec());
    /// });
    /// ```
    pub fn into_view(self) -> ArrayView<'a, T, N> {
        // SAFETY: `self` is consumed, so its unique access becomes shared
        // access for the rest of 'a.
        unsafe { ArrayView::from_raw(self.raw) }
    }

    /// A mutable re-borrow of the whole array (pass it on without giving
    /// the array away).
    ///
    /// ```
    /// fn zero(mut a: bumper::PtrArray<'_, i32, 1>) { a.fill(0); }
    /// bumper::no_escape(|s| {
    ///     let mut a = s.alloc_filled([3], 5_i32);
    ///     zero(a.view_mut());
    ///     assert_eq!(a.to_vec(), [0, 0, 0]);
    /// });
    /// ```
    #[inline]
    pub fn view_mut(&mut self) -> PtrArray<'_, T, N> {
        // SAFETY: `&mut self` grants unique access for the re-borrow.
        unsafe { PtrArray::from_raw(self.raw.ptr, self.raw.shape, self.raw.strides) }
    }

    /// Mutable address of element `[0, 0, ...]`.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let mut a = s.alloc::<u32, 1>([2]);
    ///     // SAFETY: element 1 is in bounds and `a` is not otherwise borrowed.
    ///     unsafe { *a.as_mut_ptr().add(1) = 7 };
    ///     assert_eq!(a[[1]], 7);
    /// });
    /// ```
    #[inline]
    pub fn as_mut_ptr(&mut self) -> *mut T {
        self.raw.ptr.as_ptr()
    }

    /// The elements as a mutable slice, if contiguous in row-major order.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let mut a = s.alloc::<u8, 2>([2, 2]);
    ///     a.as_slice_mut().unwrap().copy_from_slice(&[1, 2, 3, 4]);
    ///     assert_eq!(a[[1, 0]], 3);
    /// });
    /// ```
    #[inline]
    pub fn as_slice_mut(&mut self) -> Option<&mut [T]> {
        // SAFETY: `&mut self` grants unique access to the elements.
        let (p, len) = unsafe { self.raw.slice_parts() }?;
        // SAFETY: contiguous, initialised and exclusively ours for the borrow.
        Some(unsafe { slice::from_raw_parts_mut(p.as_ptr(), len) })
    }

    /// The element at `index`, mutably, or `None` if out of bounds.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let mut a = s.alloc::<u8, 2>([2, 2]);
    ///     *a.get_mut([1, 1]).unwrap() = 9;
    ///     assert_eq!(a[[1, 1]], 9);
    ///     assert!(a.get_mut([5, 0]).is_none());
    /// });
    /// ```
    #[inline]
    pub fn get_mut(&mut self, index: [usize; N]) -> Option<&mut T> {
        // SAFETY: in bounds, so an initialised element, exclusively ours.
        self.raw.ptr_at(&index).map(|mut p| unsafe { p.as_mut() })
    }

    /// Iterator over mutable references, in logical row-major order.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let mut a = s.alloc_filled([3], 1_i32);
    ///     a.iter_mut().for_each(|x| *x *= 4);
    ///     assert_eq!(a.to_vec(), [4, 4, 4]);
    /// });
    /// ```
    #[inline]
    pub fn iter_mut(&mut self) -> IterMut<'_, T, N> {
        // SAFETY: `&mut self` grants unique access; elements do not alias.
        unsafe { IterMut::new(self.raw) }
    }

    /// Sets every element to `value`.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let mut a = s.alloc::<f32, 2>([2, 2]);
    ///     a.fill(0.5);
    ///     assert_eq!(a.to_vec(), [0.5; 4]);
    /// });
    /// ```
    #[inline]
    pub fn fill(&mut self, value: T)
    where
        T: Clone,
    {
        match self.as_slice_memory_order_mut() {
            Some(s) => s.fill(value),
            None => self.map_inplace(|x| *x = value.clone()),
        }
    }
}

impl<'a, T, const N: usize> PtrArray<'a, MaybeUninit<T>, N> {
    /// Declares every element initialised.
    ///
    /// # Safety
    /// Every element must have been written (for example through
    /// [`iter_mut`](PtrArray::iter_mut) and `MaybeUninit::write`).
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let mut a = s.alloc_uninit::<u64, 1>([2]);
    ///     a[[0]].write(1);
    ///     a[[1]].write(2);
    ///     // SAFETY: both elements were written.
    ///     let a = unsafe { a.assume_init() };
    ///     assert_eq!(a.to_vec(), [1, 2]);
    /// });
    /// ```
    #[inline]
    pub unsafe fn assume_init(self) -> PtrArray<'a, T, N> {
        // SAFETY: MaybeUninit<T> has T's layout; the caller guarantees every
        // element is initialised; access rights carry over unchanged.
        unsafe { PtrArray::from_raw(self.raw.ptr.cast(), self.raw.shape, self.raw.strides) }
    }

    /// Writes `value` to every element and declares them initialised.
    #[inline(always)]
    pub(crate) fn init_filled(mut self, value: T) -> PtrArray<'a, T, N>
    where
        T: Copy,
    {
        // A zero-sized value has no bytes to write.
        if core::mem::size_of::<T>() != 0 {
            match self.as_slice_memory_order_mut() {
                Some(s) => s.fill(MaybeUninit::new(value)),
                None => self.iter_mut().for_each(|x| *x = MaybeUninit::new(value)),
            }
        }
        // SAFETY: every element was written just above (or is zero-sized).
        unsafe { self.assume_init() }
    }
}

impl<T, const N: usize> IndexMut<[usize; N]> for PtrArray<'_, T, N> {
    /// # Panics
    /// If `index` is out of bounds; the message names the index and the shape.
    #[inline]
    #[track_caller]
    fn index_mut(&mut self, index: [usize; N]) -> &mut T {
        match self.raw.ptr_at(&index) {
            // SAFETY: in bounds, so an initialised element, exclusively ours.
            Some(mut p) => unsafe { p.as_mut() },
            None => self.raw.index_out_of_bounds(&index),
        }
    }
}
