//! Raw bump memory: the [`Buffer`] trait and its two implementations.
//!
//! * [`SlabBuffer`] grows: it takes memory from the system in slabs of
//!   `SLAB` bytes and keeps a spare slab so that scopes at a slab edge do not
//!   call the system allocator on every entry.
//! * [`AllocBuffer`] has a fixed capacity, on the heap or in memory you lend
//!   it (for example an array on the stack); when it is full, requests fail
//!   with [`AllocError::OutOfCapacity`].
//!
//! This layer knows nothing of arrays: it hands out aligned bytes, saves and
//! restores [`Checkpoint`]s, and counts what is in use ([`BufferStats`]).

pub(crate) mod bump;
mod error;
mod fixed;
mod slab;

use core::mem::MaybeUninit;
use core::ptr::NonNull;

pub use error::AllocError;
pub use fixed::AllocBuffer;
pub use slab::SlabBuffer;

use crate::array::PtrArray;
use crate::scope::{self, Scope};

/// A saved state of a buffer, made by [`Buffer::checkpoint`] and given back
/// to [`Buffer::restore`], which frees everything allocated after it.
///
/// ```
/// use bumper::{Buffer, SlabBuffer};
///
/// let mut buf = SlabBuffer::<4096>::new();
/// let cp = buf.checkpoint();
/// let _a = buf.alloc::<f64, 1>([100]);
/// assert_eq!(buf.used_bytes(), 800);
/// buf.restore(cp); // `_a` is no longer usable: restore takes `&mut buf`
/// assert_eq!(buf.used_bytes(), 0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checkpoint {
    pub(crate) buffer: u64,
    pub(crate) chunk: usize,
    pub(crate) offset: usize,
    pub(crate) custom: usize,
    pub(crate) used_before: usize,
    /// What the state rests on, from [`Sealed::stamp_of`](sealed::Sealed::stamp_of).
    pub(crate) stamp: u64,
}

/// What a buffer holds and uses, from [`Buffer::stats`].
///
/// ```
/// use bumper::{Buffer, SlabBuffer};
///
/// let buf = SlabBuffer::<1024>::new();
/// assert_eq!(buf.stats().slabs, 0); // no memory until the first request
/// let _x = buf.alloc_ptr(100, 8);
/// let st = buf.stats();
/// assert_eq!((st.used_bytes, st.slab_index, st.slab_offset, st.slabs), (100, 0, 100, 1));
/// assert_eq!((st.slab_size, st.reserved_bytes), (1024, 1024));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct BufferStats {
    /// Bytes handed out and live (including alignment padding), as
    /// [`Buffer::used_bytes`].
    pub used_bytes: usize,
    /// The most `used_bytes` has ever been.
    pub high_water_bytes: usize,
    /// Index of the slab allocations come from (always 0 for [`AllocBuffer`]).
    pub slab_index: usize,
    /// Bytes used in that slab: the bump position.
    pub slab_offset: usize,
    /// Regular slabs held, including a spare kept for reuse (an
    /// [`AllocBuffer`] counts its one block of memory).
    pub slabs: usize,
    /// Size of a regular slab in bytes: `SLAB` for a [`SlabBuffer`], the
    /// capacity for an [`AllocBuffer`].
    pub slab_size: usize,
    /// Oversized requests that got their own "custom" slab, still live.
    pub custom_slabs: usize,
    /// Bytes held from the system allocator (or lent, for
    /// [`AllocBuffer::from_slice`]), slabs and custom slabs together.
    pub reserved_bytes: usize,
    /// Scopes open on the buffer right now.
    pub open_scopes: usize,
}

pub(crate) mod sealed {
    use super::bump::{Bump, ScopeMark};
    use super::{AllocError, Buffer, Checkpoint};
    use core::ptr::NonNull;

    /// The machinery scopes need from a buffer. Private, which keeps
    /// [`Buffer`] implemented only by this crate's buffers: scopes
    /// dereference the memory it hands out, so a wrong implementation would
    /// be undefined behaviour.
    pub trait Sealed {
        /// The bump state, for the inline fast paths.
        fn bump(&self) -> &Bump;
        /// `self` as a trait object, for scopes (works for `?Sized` too).
        fn as_dyn(&self) -> &dyn Buffer;
        /// The scope depth the buffer's own allocations are made at: 0 (no
        /// scope may be open) for a buffer; for what `with_default_buffer`
        /// hands out, the depth when that call began.
        fn base_depth(&self) -> usize {
            0
        }
        /// The stamp of the latest slow-path event the bookkeeping of state
        /// `(chunk, custom)` rests on in the buffer's present history
        /// (entering slab `chunk` if it is not slab 0, or making the last
        /// of the first `custom` custom slabs); 0 if none. A checkpoint
        /// whose stamp differs was taken before a restore went below it.
        fn stamp_of(&self, chunk: usize, custom: usize) -> u64;
        /// The slow path of an allocation: `size` bytes aligned to `align`
        /// (a power of two) did not fit in the current chunk.
        fn grow(&self, size: usize, align: usize) -> Result<NonNull<u8>, AllocError>;
        /// Puts the buffer back to `cp`, releasing memory.
        ///
        /// # Safety
        /// `cp` is a state this buffer has been in, not newer than now, no
        /// allocation made after it is still in use, and no scope is open.
        unsafe fn restore_to(&self, cp: &Checkpoint);
        /// Ends a scope whose generation changed: releases what was
        /// allocated since `mark`.
        ///
        /// # Safety
        /// `mark` was taken by the innermost open scope, which is ending, and
        /// nothing allocated after it is still in use.
        unsafe fn restore_scope(&self, mark: ScopeMark);
        /// Memory held, for [`Buffer::stats`]: (slabs held, slab size,
        /// bytes reserved in all).
        fn reserved(&self) -> (usize, usize, usize);
    }
}

/// Bump memory: allocation is a pointer increment, freeing happens all at
/// once by restoring a [`Checkpoint`] or closing a [scope](Buffer::no_escape).
///
/// Implemented by [`SlabBuffer`] and [`AllocBuffer`]. Methods take `&self`
/// (the state is in `Cell`s), so arrays from a buffer can be live together;
/// [`restore`](Buffer::restore) and [`reset`](Buffer::reset) take `&mut self`,
/// so the compiler proves none is live when memory is taken back.
///
/// The trait is object safe (`&dyn Buffer` is what
/// [`with_default_buffer`](crate::with_default_buffer) hands out); its
/// generic methods need `Self: Sized`. It is sealed: scopes rely on the
/// buffer handing out valid memory, so only this crate implements it.
///
/// ```
/// use bumper::{AllocBuffer, Buffer};
///
/// fn f(x: &[i64], buf: &impl Buffer) -> i64 {
///     buf.no_escape(|s| {
///         let mut y = s.alloc_from_slice([x.len()], x);
///         y.iter_mut().for_each(|v| *v += 1);
///         y.iter().sum()
///     })
/// }
/// let buf = AllocBuffer::with_capacity(100);
/// assert_eq!(f(&[1, 2, 3], &buf), 9);
/// assert_eq!(buf.used_bytes(), 0); // the scope gave everything back
/// ```
pub trait Buffer: sealed::Sealed {
    /// `size` bytes aligned to `align`, valid until the buffer is restored
    /// to an earlier checkpoint, reset or dropped. (Through the handle that
    /// [`with_default_buffer`](crate::with_default_buffer) lends inside a
    /// scope: until that scope ends.) A zero-size request gets a dangling
    /// pointer aligned to `align` and uses no memory, as everywhere in the
    /// crate (see [`Scope::try_alloc_ptr`]).
    ///
    /// # Errors
    /// [`AllocError::BadAlign`] if `align` is not a power of two,
    /// [`AllocError::OutOfCapacity`] if a fixed buffer is full,
    /// [`AllocError::SizeOverflow`] / [`AllocError::OutOfMemory`] for sizes
    /// the system cannot provide, and [`AllocError::InnerScopeOpen`] while a
    /// scope on this buffer is open (allocate from the scope instead).
    ///
    /// ```
    /// use bumper::{AllocBuffer, Buffer};
    ///
    /// let buf = AllocBuffer::with_capacity(64);
    /// let a = buf.try_alloc_ptr(10, 1).unwrap();
    /// let b = buf.try_alloc_ptr(10, 1).unwrap();
    /// assert_eq!(b.as_ptr() as usize - a.as_ptr() as usize, 10);
    /// assert_eq!(buf.try_alloc_ptr(0, 16).unwrap().as_ptr() as usize, 16); // dangling
    /// assert_eq!(buf.used_bytes(), 20);
    /// ```
    fn try_alloc_ptr(&self, size: usize, align: usize) -> Result<NonNull<u8>, AllocError> {
        Scope::for_buffer(self.as_dyn()).try_alloc_ptr(size, align)
    }

    /// Like [`try_alloc_ptr`](Buffer::try_alloc_ptr).
    ///
    /// # Panics
    /// With the [`AllocError`] text when the request cannot be served.
    ///
    /// ```
    /// use bumper::{Buffer, SlabBuffer};
    ///
    /// let buf = SlabBuffer::<4096>::new();
    /// let p = buf.alloc_ptr(24, 8);
    /// assert_eq!(p.as_ptr() as usize % 8, 0);
    /// ```
    #[track_caller]
    fn alloc_ptr(&self, size: usize, align: usize) -> NonNull<u8> {
        Scope::for_buffer(self.as_dyn()).alloc_ptr(size, align)
    }

    /// The present state, to give back to [`restore`](Buffer::restore).
    ///
    /// ```
    /// use bumper::{Buffer, SlabBuffer};
    ///
    /// let mut buf = SlabBuffer::<4096>::new();
    /// let _ = buf.alloc_ptr(8, 8);
    /// let cp = buf.checkpoint();
    /// let _ = buf.alloc_ptr(100, 8);
    /// buf.restore(cp);
    /// assert_eq!(buf.used_bytes(), 8);
    /// ```
    fn checkpoint(&self) -> Checkpoint {
        let bump = self.bump();
        bump.checkpoint(self.stamp_of(bump.chunk.get(), bump.custom.get()))
    }

    /// Frees everything allocated after `cp` (slabs added since are
    /// released, except one spare kept for reuse).
    ///
    /// # Panics
    /// If `cp` comes from another buffer, is newer than the buffer's
    /// present state (taken inside a scope that has ended, or after the
    /// state a restore went back to), or is stale: taken before an earlier
    /// restore went below it, even if the buffer has grown past it again.
    ///
    /// ```should_panic
    /// use bumper::{Buffer, SlabBuffer};
    ///
    /// let mut a = SlabBuffer::<4096>::new();
    /// let b = SlabBuffer::<4096>::new();
    /// a.restore(b.checkpoint()); // panics: the checkpoint belongs to `b`
    /// ```
    #[track_caller]
    fn restore(&mut self, cp: Checkpoint) {
        self.bump().validate(&cp);
        let stamp = self.stamp_of(cp.chunk, cp.custom);
        assert!(
            cp.stamp == stamp,
            "restore: the checkpoint is stale: a restore went below it since it was taken \
             (checkpoint at slab {}, offset {}, {} custom slabs, event #{}; that position now \
             rests on event #{stamp})",
            cp.chunk,
            cp.offset,
            cp.custom,
            cp.stamp
        );
        // SAFETY: `validate` checked that `cp` is a state of this buffer not
        // newer than now; `&mut self` proves that nothing allocated from the
        // buffer (all of which borrows it) is still in use, and that no
        // scope (which borrows it too) is open.
        unsafe { self.restore_to(&cp) }
    }

    /// Frees everything: the buffer is as new, but keeps its first slab (and
    /// one spare) for reuse.
    ///
    /// ```
    /// use bumper::{Buffer, SlabBuffer};
    ///
    /// let mut buf = SlabBuffer::<1024>::new();
    /// let _ = buf.alloc_ptr(5000, 8); // a custom slab
    /// buf.reset();
    /// assert_eq!(buf.used_bytes(), 0);
    /// assert_eq!(buf.stats().custom_slabs, 0);
    /// ```
    fn reset(&mut self) {
        // SAFETY: the empty state is a state of every buffer, and `&mut self`
        // proves that nothing allocated from it is still in use and that no
        // scope is open.
        unsafe { self.restore_to(&Checkpoint::ZERO) }
    }

    /// Bytes handed out and still live, alignment padding included.
    ///
    /// ```
    /// use bumper::{AllocBuffer, Buffer};
    ///
    /// let buf = AllocBuffer::with_capacity(100);
    /// let _a = buf.alloc::<i64, 1>([3]);
    /// assert_eq!(buf.used_bytes(), 24);
    /// ```
    fn used_bytes(&self) -> usize {
        self.bump().used_bytes()
    }

    /// A snapshot of what the buffer holds and uses.
    ///
    /// ```
    /// use bumper::{AllocBuffer, Buffer};
    ///
    /// let buf = AllocBuffer::with_capacity(256);
    /// buf.no_escape(|s| {
    ///     let _a = s.alloc::<u8, 1>([200]);
    /// });
    /// let st = buf.stats();
    /// assert_eq!((st.used_bytes, st.high_water_bytes, st.reserved_bytes), (0, 200, 256));
    /// ```
    fn stats(&self) -> BufferStats {
        let bump = self.bump();
        let (slabs, slab_size, reserved_bytes) = self.reserved();
        BufferStats {
            used_bytes: bump.used_bytes(),
            high_water_bytes: bump.high_water(),
            slab_index: bump.chunk.get(),
            slab_offset: bump.offset(),
            slabs,
            slab_size,
            custom_slabs: bump.custom.get(),
            reserved_bytes,
            open_scopes: bump.depth.get(),
        }
    }

    /// Runs `f` with a [`Scope`] on this buffer; everything allocated from
    /// the scope is freed when `f` returns (or panics). Arrays cannot escape:
    /// their lifetime `'s` is local to `f`.
    ///
    /// ```
    /// use bumper::{Buffer, SlabBuffer};
    ///
    /// let buf = SlabBuffer::<4096>::new();
    /// let total = buf.no_escape(|s| s.alloc_filled([10], 2.5_f64).iter().sum::<f64>());
    /// assert_eq!(total, 25.0);
    /// assert_eq!(buf.used_bytes(), 0);
    /// ```
    ///
    /// ```compile_fail
    /// use bumper::{Buffer, SlabBuffer};
    ///
    /// let buf = SlabBuffer::<4096>::new();
    /// let escaped = buf.no_escape(|s| s.alloc::<f64, 1>([10])); // error: borrowed data escapes
    /// ```
    fn no_escape<R>(&self, f: impl for<'s> FnOnce(&mut Scope<'s>) -> R) -> R
    where
        Self: Sized,
    {
        scope::enter(self, f)
    }

    /// An array of `dims` filled with `T::default()`, living as long as the
    /// borrow of the buffer. See [`Scope::alloc`].
    ///
    /// # Panics
    /// As [`try_alloc_ptr`](Buffer::try_alloc_ptr) errors, notably while a
    /// scope on this buffer is open.
    ///
    /// ```
    /// use bumper::{AllocBuffer, Buffer};
    ///
    /// let buf = AllocBuffer::with_capacity(100);
    /// let a = buf.alloc::<i64, 1>([3]);
    /// let b = buf.alloc::<i64, 1>([3]);
    /// assert_eq!(b.as_ptr() as usize - a.as_ptr() as usize, 24); // packed
    /// ```
    #[track_caller]
    fn alloc<T: Copy + Default, const N: usize>(&self, dims: [usize; N]) -> PtrArray<'_, T, N>
    where
        Self: Sized,
    {
        Scope::for_buffer(self).alloc(dims)
    }

    /// Fallible [`alloc`](Buffer::alloc).
    ///
    /// # Errors
    /// As [`try_alloc_ptr`](Buffer::try_alloc_ptr).
    ///
    /// ```
    /// use bumper::{AllocBuffer, AllocError, Buffer};
    ///
    /// let buf = AllocBuffer::with_capacity(100);
    /// let err = buf.try_alloc::<u8, 1>([800_000]).unwrap_err();
    /// assert_eq!(err, AllocError::OutOfCapacity { requested: 800_000, available: 100 });
    /// ```
    fn try_alloc<T: Copy + Default, const N: usize>(
        &self,
        dims: [usize; N],
    ) -> Result<PtrArray<'_, T, N>, AllocError>
    where
        Self: Sized,
    {
        Scope::for_buffer(self).try_alloc(dims)
    }

    /// An array of `dims` with every element `value`. See [`Scope::alloc_filled`].
    ///
    /// ```
    /// use bumper::{Buffer, SlabBuffer};
    ///
    /// let buf = SlabBuffer::<4096>::new();
    /// let a = buf.alloc_filled([2, 2], 7_u32);
    /// assert_eq!(a.to_vec(), [7, 7, 7, 7]);
    /// ```
    #[track_caller]
    fn alloc_filled<T: Copy, const N: usize>(
        &self,
        dims: [usize; N],
        value: T,
    ) -> PtrArray<'_, T, N>
    where
        Self: Sized,
    {
        Scope::for_buffer(self).alloc_filled(dims, value)
    }

    /// An array whose element at index `i` is `f(i)`. See [`Scope::alloc_with`].
    ///
    /// ```
    /// use bumper::{Buffer, SlabBuffer};
    ///
    /// let buf = SlabBuffer::<4096>::new();
    /// let a = buf.alloc_with([2, 3], |[i, j]| 10 * i + j);
    /// assert_eq!(a.to_vec(), [0, 1, 2, 10, 11, 12]);
    /// ```
    #[track_caller]
    fn alloc_with<T: Copy, const N: usize>(
        &self,
        dims: [usize; N],
        f: impl FnMut([usize; N]) -> T,
    ) -> PtrArray<'_, T, N>
    where
        Self: Sized,
    {
        Scope::for_buffer(self).alloc_with(dims, f)
    }

    /// An array of `dims` holding a copy of `data` (row-major). See
    /// [`Scope::alloc_from_slice`].
    ///
    /// ```
    /// use bumper::{Buffer, SlabBuffer};
    ///
    /// let buf = SlabBuffer::<4096>::new();
    /// let a = buf.alloc_from_slice([2, 2], &[1, 2, 3, 4]);
    /// assert_eq!(a[[1, 0]], 3);
    /// ```
    #[track_caller]
    fn alloc_from_slice<T: Copy, const N: usize>(
        &self,
        dims: [usize; N],
        data: &[T],
    ) -> PtrArray<'_, T, N>
    where
        Self: Sized,
    {
        Scope::for_buffer(self).alloc_from_slice(dims, data)
    }

    /// An array of `dims` whose elements are not initialised. See
    /// [`Scope::alloc_uninit`].
    ///
    /// ```
    /// use bumper::{Buffer, SlabBuffer};
    ///
    /// let buf = SlabBuffer::<4096>::new();
    /// let mut a = buf.alloc_uninit::<f32, 1>([3]);
    /// a.iter_mut().for_each(|x| { x.write(1.5); });
    /// // SAFETY: every element was written just above.
    /// let a = unsafe { a.assume_init() };
    /// assert_eq!(a.to_vec(), [1.5, 1.5, 1.5]);
    /// ```
    #[track_caller]
    fn alloc_uninit<T: Copy, const N: usize>(
        &self,
        dims: [usize; N],
    ) -> PtrArray<'_, MaybeUninit<T>, N>
    where
        Self: Sized,
    {
        Scope::for_buffer(self).alloc_uninit(dims)
    }
}

impl Checkpoint {
    /// The state of an empty buffer (used by `reset`).
    pub(crate) const ZERO: Checkpoint = Checkpoint {
        buffer: 0,
        chunk: 0,
        offset: 0,
        custom: 0,
        used_before: 0,
        stamp: 0,
    };
}
